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
//! of a writer's raw HTML. It reads the tokens html5ever would read (through
//! [`super::tokens::scan_simple`] when the HTML is simple enough, else html5ever
//! itself) and writes each one back.

use super::tokens::Simple;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult};
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
    // The renderer's own HTML takes the simple scanner; anything it does not
    // know (a writer's raw HTML, a theme's entities) goes through html5ever.
    let mut state = State::for_input(html);
    if super::tokens::scan_simple(html, |token| state.simple(token)).is_none() {
        return wrap_with_html5ever(html);
    }
    state.finish()
}

/// [`wrap`] through html5ever's tokenizer, whatever the input.
fn wrap_with_html5ever(html: &str) -> Wrapped {
    let sink = Sink {
        state: RefCell::new(State::for_input(html)),
    };
    super::tokens::tokenize(html, sink)
        .state
        .into_inner()
        .finish()
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
    /// An empty state with room for `html` and its leaf spans.
    fn for_input(html: &str) -> State {
        State {
            out: String::with_capacity(html.len() + html.len() / 8),
            open: Vec::new(),
            text: String::new(),
            visible: VisibleCount::default(),
        }
    }

    fn finish(mut self) -> Wrapped {
        self.flush();
        Wrapped {
            html: self.out,
            visible_chars: self.visible.count,
        }
    }

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

    fn start_tag<'v>(
        &mut self,
        name: &str,
        attrs: impl Iterator<Item = (&'v str, &'v str)>,
        self_closing: bool,
    ) {
        self.flush();
        self.out.push('<');
        self.out.push_str(name);
        for (attr, value) in attrs {
            self.out.push(' ');
            self.out.push_str(attr);
            self.out.push_str("=\"");
            escape_attr(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');
        if !super::tokens::is_void(name) && !self_closing {
            self.open.push(name.to_string());
        }
    }

    fn end_tag(&mut self, name: &str) {
        self.flush();
        if let Some(at) = self.open.iter().rposition(|n| n == name) {
            self.open.truncate(at);
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    fn text(&mut self, text: &str) {
        self.visible.add(text);
        self.text.push_str(text);
    }

    fn comment(&mut self, comment: &str) {
        self.flush();
        self.out.push_str("<!--");
        self.out.push_str(comment);
        self.out.push_str("-->");
    }

    /// Feeds a token of [`super::tokens::scan_simple`].
    fn simple(&mut self, token: Simple) {
        match token {
            Simple::Text(text) => self.text(&text),
            Simple::Start {
                name,
                attrs,
                self_closing,
            } => self.start_tag(name, attrs.iter().map(|(n, v)| (*n, &**v)), self_closing),
            Simple::End(name) => self.end_tag(name),
            Simple::Comment(comment) => self.comment(comment),
        }
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => state.start_tag(
                    &tag.name,
                    tag.attrs.iter().map(|a| (&*a.name.local, &*a.value)),
                    tag.self_closing,
                ),
                TagKind::EndTag => state.end_tag(&tag.name),
            },
            Token::CharacterTokens(text) => state.text(&text),
            Token::NullCharacterToken => state.text("\u{FFFD}"),
            Token::CommentToken(c) => state.comment(&c),
            Token::DoctypeToken(_) | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// Text as the renderer writes it: `&nbsp;` kept visible as an entity, as code
/// blocks use it to keep their spaces.
fn escape_text(out: &mut String, text: &str) {
    escape(out, text, &['<', '>', '&', '\u{a0}']);
}

fn escape_attr(out: &mut String, value: &str) {
    escape(out, value, &['"', '&', '\u{a0}']);
}

/// Copies `text` into `out` with each of `special` written as its entity, in
/// runs between them rather than character by character.
fn escape(out: &mut String, text: &str, special: &[char]) {
    let mut rest = text;
    while let Some(at) = rest.find(special) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("found a character");
        out.push_str(match c {
            '<' => "&lt;",
            '>' => "&gt;",
            '&' => "&amp;",
            '"' => "&quot;",
            _ => "&nbsp;",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
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

    /// Whether the simple scanner takes `html`, and if so that it wraps it
    /// exactly as html5ever would.
    fn agrees(html: &str) -> bool {
        let simple = crate::render::tokens::scan_simple(html, |_| {}).is_some();
        let (fast, slow) = (wrap(html), super::wrap_with_html5ever(html));
        assert_eq!(fast.html, slow.html, "input: {html:?}");
        assert_eq!(fast.visible_chars, slow.visible_chars, "input: {html:?}");
        simple
    }

    #[test]
    fn the_simple_scanner_agrees_with_html5ever_on_every_example_and_fixture_post() {
        use crate::render::markdown::{render, ImageOut};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let inliner =
            crate::render::inline::Inliner::new(crate::render::theme::builtin("style.css"));
        let mut posts = crate::content::discover(root);
        posts.extend(crate::content::markdown_files(
            &root.join("tests/fixtures"),
            |_| false,
        ));
        let (mut simple, mut total) = (0, 0);
        for path in posts {
            let text = std::fs::read_to_string(&path).unwrap();
            let body = crate::content::front_matter::split(&text).map_or(text.as_str(), |s| s.body);
            let Ok(body) = render(body, &mut |embed, _| ImageOut {
                src: embed.source().to_string(),
                width: Some(100),
                figure: None,
            }) else {
                continue;
            };
            let trusted = !body.raw_html;
            let html = format!("<section class=\"article\">{}</section>", body.html);
            let inlined = inliner.inline(&html, trusted).unwrap();
            total += 1;
            if agrees(&inlined) {
                simple += 1;
            }
        }
        assert!(total >= 8, "{total} posts");
        assert!(
            simple * 2 > total,
            "the scanner takes most posts: {simple} of {total}"
        );
    }

    #[test]
    fn the_scanner_gives_up_on_what_it_does_not_know() {
        for html in [
            "<p>&copy; 2026</p>",
            "<p>&amp</p>",
            "<P>x</P>",
            "<a href='x'>y</a>",
            "<a href=x>y</a>",
            "<p>a\r\nb</p>",
            "<!DOCTYPE html><p>x</p>",
            "<p a=\"1\" a=\"2\">x</p>",
            "<p a=\"1\"b=\"2\">x</p>",
            "<p>a < b</p>",
            "<!-->",
            "<p",
            "</p >",
        ] {
            assert!(!agrees(html), "{html}");
        }
        for html in [
            "<p>a&nbsp;&amp;&lt;&gt;&quot;&#39;&#x27; & b</p>",
            "<img src=\"a?b=1&amp;c=2\" alt=\"&quot;x&quot;\"/><br>",
            "<section><pre><code>a&nbsp;b</code></pre><!-- n --></section>",
            "<td  colspan=\"2\"\tdata-x>格</td>",
        ] {
            assert!(agrees(html), "{html}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_html_the_scanner_takes_is_wrapped_as_html5ever_would(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "<p>", "</p>", "<section style=\"a:b\">", "</section>", "<br>", "<br/>",
                "<img src=\"x.png\" alt=\"&quot;\">", "<span leaf=\"\">", "</span>",
                "<pre>", "</pre>", "<code>", "</code>", "<a href=\"u?a=1&amp;b\">", "</a>",
                "<td colspan=\"2\">", "</td>", "<strong>", "</strong>", "<div hidden>",
                "文字", "text", " ", "\n", "  \n ", "&nbsp;", "&amp;", "&lt;", "&gt;",
                "&quot;", "&#39;", "& ", "&copy;", "&#12354;", "<!-- note -->", "<!---->",
                "<!-->", "<P>", "<a href='x'>", "<x-y:z q=\"\">", "<a/b>", "</>", "<>",
                "a<b", "\r", "\0", "<p a=\"1\"b=\"2\">", "<p a = \"1\">", "\"", "'", ">",
                "</p/>", "<!DOCTYPE html>", "<?x?>", "<![CDATA[x]]>", "\u{a0}",
            ]), 0..24)
        ) {
            agrees(&pieces.concat());
        }
    }
}
