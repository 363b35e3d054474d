//! The plain text of an article, for an image post (`article_type = "newspic"`),
//! whose `content` WeChat takes as text, not HTML: each block on its own line,
//! blocks separated by a blank line, `<br>` a line break, tags and pictures gone,
//! character references decoded.

use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult};
use std::cell::RefCell;

/// Elements that end a paragraph of text.
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
    "blockquote",
    "pre",
    "figcaption",
    "tr",
    "table",
    "ul",
    "ol",
    "hr",
];

/// The text of `html`, as described above; trimmed, with no run of more than one
/// blank line. Spaces inside a line are collapsed except in `<pre>`.
pub fn text(html: &str) -> String {
    let state = super::tokens::tokenize(html, Sink(RefCell::new(State::default())))
        .0
        .into_inner();
    let mut out = String::new();
    let mut blank = 0;
    for line in state.out.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[derive(Default)]
struct State {
    out: String,
    pre: usize,
    /// Inside `<style>` or `<script>`, whose text is no text.
    hidden: usize,
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.as_ref();
                let start = tag.kind == TagKind::StartTag;
                match name {
                    "br" => s.out.push('\n'),
                    "pre" if start => s.pre += 1,
                    "pre" => s.pre = s.pre.saturating_sub(1),
                    "style" | "script" if start => s.hidden += 1,
                    "style" | "script" => s.hidden = s.hidden.saturating_sub(1),
                    _ => {}
                }
                if BLOCKS.contains(&name) {
                    s.out.push_str("\n\n");
                }
            }
            Token::CharacterTokens(text) if s.hidden == 0 => {
                if s.pre > 0 {
                    s.out.push_str(&text.replace('\u{a0}', " "));
                } else {
                    let mut last_space = s.out.ends_with([' ', '\n']);
                    for c in text.chars() {
                        if c.is_whitespace() {
                            if !last_space {
                                s.out.push(' ');
                                last_space = true;
                            }
                        } else {
                            s.out.push(c);
                            last_space = false;
                        }
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn blocks_become_paragraphs() {
        let html = "<section><h2>标题</h2><p><span leaf=\"\">第一段 </span><strong>粗</strong>&amp;细</p>\
                    <p>a<br>b</p><p><img src=\"x.png\" data-w=\"10\"></p><ul><li>一</li><li>二</li></ul></section>";
        assert_eq!(text(html), "标题\n\n第一段 粗&细\n\na\nb\n\n一\n\n二");
    }

    #[test]
    fn code_keeps_its_spaces_and_styles_vanish() {
        let html = "<style>p{}</style><pre><code>fn  main()&nbsp;{\n}</code></pre>";
        assert_eq!(text(html), "fn  main() {\n}");
    }
}
