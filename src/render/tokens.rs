//! html5ever's tokenizer run over a whole string: the passes that read finished HTML
//! token by token (leaf spans, visible length, plain text, the sanitizer's reports)
//! share this instead of each setting up the tokenizer.

use html5ever::tokenizer::{BufferQueue, TokenSink, Tokenizer, TokenizerOpts};

/// Feeds all of `html` to `sink`, ends the input, and gives the sink back.
pub fn tokenize<S: TokenSink>(html: &str, sink: S) -> S {
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink
}
