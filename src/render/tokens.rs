//! Reading HTML token by token: html5ever's tokenizer run over a whole string (the
//! passes over finished HTML — leaf spans, visible length, plain text, the
//! sanitizer's reports — share it), and which elements have no end tag.

use html5ever::tokenizer::{BufferQueue, TokenSink, Tokenizer, TokenizerOpts};

/// Elements without an end tag (they never hold content, so never nest).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Whether `name` is an element without an end tag.
pub fn is_void(name: &str) -> bool {
    VOID.contains(&name)
}

/// Feeds all of `html` to `sink`, ends the input, and gives the sink back.
pub fn tokenize<S: TokenSink>(html: &str, sink: S) -> S {
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink
}
