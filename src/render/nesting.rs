//! Bounds on nesting, checked on the parser's events before the renderer writes
//! anything (and so before CSS inlining): a writer's
//! typo (a line of 800 `>`, 200 nested list markers, thousands of unclosed
//! `<div>`) must not cost minutes of CSS inlining or overflow a thread's stack,
//! in `build` or in a running `serve`. Past the bound the post is refused with
//! an error at the place it happens.
//!
//! Real articles nest a few levels; WeChat's editor itself deletes chains of
//! more than 15 identical wrappers, so the bounds take nothing a reader could
//! have seen.

use pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// Quotes and lists inside each other.
pub const MAX_MARKDOWN_DEPTH: usize = 16;
/// Open elements of the writer's raw HTML.
pub const MAX_HTML_DEPTH: usize = 64;

/// Where nesting first goes past a bound: byte offset in `body`, and a message.
#[derive(Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
    pub message: String,
}

/// Checks the parser's events of a body (as `markdown::render` collects them)
/// against both bounds; linear in their number.
pub fn check(events: &[(Event, Range<usize>)]) -> Result<(), TooDeep> {
    let mut markdown = 0usize;
    let mut html = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                markdown += 1;
                if markdown > MAX_MARKDOWN_DEPTH {
                    return Err(TooDeep {
                        offset: range.start,
                        message: format!(
                            "quotes and lists are nested more than {MAX_MARKDOWN_DEPTH} levels deep"
                        ),
                    });
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                markdown = markdown.saturating_sub(1);
            }
            Event::Html(text) | Event::InlineHtml(text) => {
                if let Some(at) = html_depth(text, &mut html) {
                    return Err(TooDeep {
                        offset: range.start + at,
                        message: format!(
                            "raw HTML is nested more than {MAX_HTML_DEPTH} elements deep"
                        ),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Follows open and close tags through `text`, carrying `depth` across the
/// post's HTML fragments. Returns the offset in `text` of the tag that goes past
/// [`MAX_HTML_DEPTH`]. A count, not a parser: unclosed tags count as open, which
/// is what makes a browser (and an HTML parser) nest them.
fn html_depth(text: &str, depth: &mut usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(lt) = text[i..].find('<') {
        let start = i + lt;
        let rest = &bytes[start + 1..];
        let closing = rest.first() == Some(&b'/');
        let name: String = rest[closing as usize..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .map(|b| b.to_ascii_lowercase() as char)
            .collect();
        let end = text[start..].find('>').map_or(text.len(), |e| start + e);
        i = (end + 1).min(text.len());
        if name.is_empty() {
            continue;
        }
        let self_closing = bytes.get(end.wrapping_sub(1)) == Some(&b'/');
        if closing {
            *depth = depth.saturating_sub(1);
        } else if !self_closing && !super::tokens::is_void(&name) {
            *depth += 1;
            if *depth > MAX_HTML_DEPTH {
                return Some(start);
            }
        }
        if i >= text.len() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str) -> Result<(), TooDeep> {
        let events: Vec<_> =
            pulldown_cmark::Parser::new_ext(body, crate::render::markdown::options())
                .into_offset_iter()
                .collect();
        super::check(&events)
    }

    #[test]
    fn ordinary_nesting_passes() {
        assert_eq!(
            check("> 引用\n>\n> > 再引用\n\n- 一\n  - 二\n    - 三\n"),
            Ok(())
        );
        let html = "<div><section><p>段落<br><img src=\"a.png\"/></p></section></div>\n";
        assert_eq!(check(&html.repeat(200)), Ok(()), "depth, not count");
    }

    #[test]
    fn deep_quotes_and_lists_are_refused_where_they_go_too_deep() {
        let e = check(&format!("正文\n\n{} x\n", ">".repeat(800))).unwrap_err();
        assert_eq!(
            e.offset,
            "正文\n\n".len() + MAX_MARKDOWN_DEPTH,
            "at the 17th `>`"
        );
        assert!(e.message.contains("nested more than 16"));
        assert!(check(&format!("{}x", "- ".repeat(200))).is_err());
        let nested: String = (0..20)
            .map(|i| format!("{}- a\n", "  ".repeat(i)))
            .collect();
        assert!(check(&nested).is_err());
    }

    #[test]
    fn deep_raw_html_is_refused() {
        assert!(check(&"<div>".repeat(2409)).is_err());
        assert!(check(&"<span>".repeat(2409)).is_err());
        assert!(check(&"<table><tr><td>".repeat(602)).is_err());
        let closed = "<span>x</span>".repeat(5000);
        assert_eq!(check(&closed), Ok(()));
    }
}
