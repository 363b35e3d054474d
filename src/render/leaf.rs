//! Leaf spans: every run of text that sits directly in a block element is wrapped
//! in `<span leaf="">`, as WeChat's own editor writes it.
//!
//! WeChat's editor checks the line height of each block that has direct text
//! children by counting `getClientRects()` of its contents: one rectangle per inline
//! fragment, so a paragraph with **bold**, a link or a footnote mark counts as
//! several "lines" squeezed into one and the editor warns 行高小于字体大小. A block
//! whose text is all inside spans has no direct text and is not measured; the spans
//! themselves are inline and are not measured either.
//!
//! The pass runs on the finished article (after CSS inlining), whose tags nest
//! properly: the renderer's and templates' own output, or html5ever's serialization
//! of a writer's raw HTML. It tokenizes with html5ever and writes each token back.

use html5ever::tokenizer::{Tag, TagKind, Token, TokenSink, TokenSinkResult};
use std::cell::RefCell;

/// Elements whose direct text WeChat's editor measures, and the other text blocks
/// its editor wraps the same way.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "a",
    "blockquote",
    "figcaption",
    "caption",
    "dd",
    "dt",
    "center",
];

/// The opening tag of a leaf span.
pub const LEAF_OPEN: &str = "<span leaf=\"\">";

/// An article with its leaf spans, and the length of its visible text.
pub struct Wrapped {
    pub html: String,
    /// The text a reader sees, in characters: entities count as the character
    /// they stand for, a run of spaces and line breaks as one, tags and comments
    /// not at all. Counted in the same pass, as the manifest and `content-size`
    /// need it for every post.
    pub visible_chars: usize,
}

/// Wraps each direct text run of a block element in `html` in `<span leaf="">`.
/// Whitespace-only runs stay as they are; text inside `pre` is never touched.
pub fn wrap(html: &str) -> Wrapped {
    let sink = Sink {
        state: RefCell::new(State {
            out: String::with_capacity(html.len() + html.len() / 8),
            open: Vec::new(),
            text: String::new(),
            visible: VisibleCount::default(),
        }),
    };
    let mut state = super::tokens::tokenize(html, sink).state.into_inner();
    state.flush();
    Wrapped {
        html: state.out,
        visible_chars: state.visible.count,
    }
}

/// Counts visible characters: a run of ASCII whitespace counts once, and none
/// at the start.
struct VisibleCount {
    count: usize,
    after_space: bool,
}

impl Default for VisibleCount {
    fn default() -> Self {
        VisibleCount {
            count: 0,
            after_space: true,
        }
    }
}

impl VisibleCount {
    fn add(&mut self, text: &str) {
        for c in text.chars() {
            let space = c.is_ascii_whitespace();
            if !(space && self.after_space) {
                self.count += 1;
            }
            self.after_space = space;
        }
    }
}

struct Sink {
    state: RefCell<State>,
}

struct State {
    out: String,
    /// Names of the open elements, innermost last.
    open: Vec<String>,
    /// Text seen since the last tag (the tokenizer may split one run).
    text: String,
    visible: VisibleCount,
}

impl State {
    fn flush(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let in_pre = self.open.iter().any(|n| n == "pre");
        let parent = self.open.last().map(String::as_str);
        let wrap = !in_pre
            && parent.is_some_and(|p| BLOCKS.contains(&p))
            && !text.chars().all(char::is_whitespace);
        if wrap {
            self.out.push_str(LEAF_OPEN);
        }
        escape_text(&mut self.out, &text);
        if wrap {
            self.out.push_str("</span>");
        }
    }

    fn tag(&mut self, tag: &Tag) {
        self.flush();
        let name = tag.name.as_ref();
        match tag.kind {
            TagKind::StartTag => {
                self.out.push('<');
                self.out.push_str(name);
                for attr in &tag.attrs {
                    self.out.push(' ');
                    self.out.push_str(attr.name.local.as_ref());
                    self.out.push_str("=\"");
                    escape_attr(&mut self.out, &attr.value);
                    self.out.push('"');
                }
                self.out.push('>');
                if !super::tokens::is_void(name) && !tag.self_closing {
                    self.open.push(name.to_string());
                }
            }
            TagKind::EndTag => {
                if let Some(at) = self.open.iter().rposition(|n| n == name) {
                    self.open.truncate(at);
                }
                self.out.push_str("</");
                self.out.push_str(name);
                self.out.push('>');
            }
        }
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => state.tag(&tag),
            Token::CharacterTokens(text) => {
                state.visible.add(&text);
                state.text.push_str(&text)
            }
            Token::NullCharacterToken => {
                state.visible.add("\u{FFFD}");
                state.text.push('\u{FFFD}')
            }
            Token::CommentToken(c) => {
                state.flush();
                state.out.push_str("<!--");
                state.out.push_str(&c);
                state.out.push_str("-->");
            }
            Token::DoctypeToken(_) | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// Text as the renderer writes it: `&nbsp;` kept visible as an entity, as code
/// blocks use it to keep their spaces.
fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn direct_text_of_blocks_is_wrapped() {
        assert_eq!(
            wrap("<p style=\"margin:0\">这是<strong>重点</strong>，见<sup>[1]</sup>。</p>").html,
            "<p style=\"margin:0\"><span leaf=\"\">这是</span><strong>重点</strong><span leaf=\"\">，见</span><sup>[1]</sup><span leaf=\"\">。</span></p>"
        );
        assert_eq!(
            wrap("<section><h2>标题</h2> <a href=\"x\">链接</a></section>").html,
            "<section><h2><span leaf=\"\">标题</span></h2> <a href=\"x\"><span leaf=\"\">链接</span></a></section>"
        );
        assert_eq!(
            wrap("<table><tr><td>格</td><th>头</th></tr></table>").html,
            "<table><tr><td><span leaf=\"\">格</span></td><th><span leaf=\"\">头</span></th></tr></table>"
        );
    }

    #[test]
    fn code_entities_and_voids_are_kept() {
        let code =
            "<section><pre><code><span>a&nbsp;&lt;b</span><br>c&amp;d</code></pre></section>";
        assert_eq!(wrap(code).html, code);
        assert_eq!(
            wrap("<p>a<br>b<img src=\"x.png\" alt=\"&quot;\">c</p>").html,
            "<p><span leaf=\"\">a</span><br><span leaf=\"\">b</span><img src=\"x.png\" alt=\"&quot;\"><span leaf=\"\">c</span></p>"
        );
    }

    #[test]
    fn wrapping_twice_changes_nothing_more() {
        let once = wrap("<p>一<em>二</em>三</p>").html;
        assert_eq!(wrap(&once).html, once);
    }

    #[test]
    fn visible_text_is_counted_as_a_reader_sees_it() {
        let wrapped =
            wrap("<p>  a&nbsp;&amp;b \n\n c<!-- note --></p><p>二<strong>三</strong></p>");
        // "a", nbsp, "&", "b", one space for the run, "c", "二", "三".
        assert_eq!(wrapped.visible_chars, 8);
        assert_eq!(
            wrap(&wrapped.html).visible_chars,
            8,
            "leaf spans add no text"
        );
    }
}
