//! Reading HTML token by token: html5ever's tokenizer run over a whole string (the
//! passes over finished HTML — leaf spans, visible length, plain text, the
//! sanitizer's reports — share it), and which elements have no end tag.

use html5ever::tokenizer::{BufferQueue, TokenSink, Tokenizer, TokenizerOpts};
use std::borrow::Cow;

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

/// One token of [`scan_simple`], with html5ever's meaning.
#[derive(Debug, PartialEq)]
pub enum Simple<'a> {
    /// Text, its character references decoded.
    Text(Cow<'a, str>),
    Start {
        name: &'a str,
        /// Names in source order, values decoded; a bare attribute has "".
        attrs: &'a [(&'a str, Cow<'a, str>)],
        self_closing: bool,
    },
    End(&'a str),
    Comment(&'a str),
}

/// html5ever's tokens for plain, well-formed HTML (as wxpress's renderer,
/// templates and serializer write it) at a fraction of the cost of running
/// html5ever, which was a fifth of a large build. Returns `None` the moment the
/// input holds anything whose tokenizing is not simple (an entity other than
/// the few the renderer writes, a single-quoted or unquoted attribute, an
/// uppercase name, a doctype, a carriage return, …); the caller then starts over
/// with [`tokenize`]. `each` may have seen some tokens by then.
pub fn scan_simple(html: &str, mut each: impl FnMut(Simple<'_>)) -> Option<()> {
    if html.contains(['\r', '\0']) {
        return None;
    }
    let mut attrs: Vec<(&str, Cow<str>)> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        if lt > 0 {
            each(Simple::Text(decode(&rest[..lt])?));
            rest = &rest[lt..];
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->")?;
            let data = &comment[..end];
            if data.starts_with('>') || data.starts_with("->") || data.contains("--!") {
                return None;
            }
            each(Simple::Comment(data));
            rest = &comment[end + 3..];
        } else if let Some(end_tag) = rest.strip_prefix("</") {
            let close = end_tag.find('>')?;
            let name = &end_tag[..close];
            if !is_simple_name(name) {
                return None;
            }
            each(Simple::End(name));
            rest = &end_tag[close + 1..];
        } else {
            let (name, self_closing, after) = start_tag(&rest[1..], &mut attrs)?;
            each(Simple::Start {
                name,
                attrs: &attrs,
                self_closing,
            });
            rest = after;
        }
    }
    Some(())
}

/// Reads a start tag after its `<`: its name, whether it ends with `/>`, and the
/// input after it; its attributes go into `attrs`.
fn start_tag<'a>(
    tag: &'a str,
    attrs: &mut Vec<(&'a str, Cow<'a, str>)>,
) -> Option<(&'a str, bool, &'a str)> {
    attrs.clear();
    let name_len = tag.find(is_tag_space_or_end).unwrap_or(tag.len());
    let name = &tag[..name_len];
    if !is_simple_name(name) {
        return None;
    }
    let mut rest = &tag[name_len..];
    loop {
        rest = rest.trim_start_matches(is_html_space);
        if let Some(after) = rest.strip_prefix('>') {
            return Some((name, false, after));
        }
        if let Some(after) = rest.strip_prefix("/>") {
            return Some((name, true, after));
        }
        let attr_len = rest.find(is_tag_space_or_end_or_eq)?;
        let attr = &rest[..attr_len];
        if !is_simple_name(attr) || attrs.iter().any(|(seen, _)| *seen == attr) {
            return None;
        }
        rest = &rest[attr_len..];
        let value = match rest.strip_prefix("=\"") {
            Some(quoted) => {
                let close = quoted.find('"')?;
                rest = &quoted[close + 1..];
                // html5ever wants a space, `/` or `>` after the value.
                if !rest.starts_with(|c: char| is_html_space(c) || c == '/' || c == '>') {
                    return None;
                }
                decode(&quoted[..close])?
            }
            None if rest.starts_with('=') => return None,
            None => Cow::Borrowed(""),
        };
        attrs.push((attr, value));
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0C')
}

fn is_tag_space_or_end(c: char) -> bool {
    is_html_space(c) || c == '/' || c == '>'
}

fn is_tag_space_or_end_or_eq(c: char) -> bool {
    is_tag_space_or_end(c) || c == '='
}

/// Lowercase ASCII letters first, then letters, digits, `-`, `_` or `:`: a name
/// html5ever keeps exactly as written.
fn is_simple_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':')
        })
}

/// The character references the renderer writes, decoded; `None` for any other
/// (html5ever knows two thousand names and the legacy forms without `;`).
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    const KNOWN: &[(&str, char)] = &[
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&nbsp;", '\u{a0}'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
    ];
    let Some(first) = raw.find('&') else {
        return Some(Cow::Borrowed(raw));
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut rest = &raw[first..];
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        if let Some((entity, c)) = KNOWN.iter().find(|(e, _)| rest.starts_with(e)) {
            out.push(*c);
            rest = &rest[entity.len()..];
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '#') {
            return None;
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}
