//! A writer's raw HTML made WeChat-safe with the `ammonia` sanitizer: scripts,
//! frames and form controls are dropped, `on*` and other unknown attributes
//! removed, and inline styles cleaned of what WeChat's structure rules refuse
//! (`font-family`, `text-align: start|end`, `!important`, a unitless
//! `line-height`).
//!
//! [`clean`] rewrites the rendered body; [`problems`] says, for one raw HTML
//! fragment of the source, what [`clean`] will remove or change in it, so that the
//! renderer can report each change at its position (rule `raw-html`). Both read
//! the same policy below.

use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Elements kept (their attributes filtered): ammonia's defaults and `section`,
/// which WeChat's own editor writes.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with their content: code and embedded documents,
/// and form controls, whose text is not prose.
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript", "template",
    "textarea", "select", "option", "button", "svg", "math", "canvas", "audio", "video",
];

/// Attributes any kept element may carry.
const GENERIC_ATTRIBUTES: &[&str] = &["style", "class", "title", "lang"];

/// Attributes particular elements may carry.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height", "data-w"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan"]),
    ("ol", &["start"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
];

/// URL schemes kept in `href` and `src`; relative addresses are kept too.
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "data"];

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(TAGS.iter().copied().collect())
            .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .tag_attributes(
                TAG_ATTRIBUTES
                    .iter()
                    .map(|(t, a)| (*t, a.iter().copied().collect::<HashSet<_>>()))
                    .collect::<HashMap<_, _>>(),
            )
            .url_schemes(URL_SCHEMES.iter().copied().collect())
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(|_element, attribute, value| {
                if attribute == "style" {
                    let (style, _) = clean_style(value);
                    if style.is_empty() {
                        return None;
                    }
                    return Some(Cow::Owned(style));
                }
                Some(Cow::Borrowed(value))
            });
        b
    })
}

/// The body's HTML with the policy applied (html5ever parses it as a browser would).
pub fn clean(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// What [`clean`] changes in one raw HTML fragment, as messages, in order.
pub fn problems(fragment: &str) -> Vec<String> {
    super::tokens::tokenize(fragment, Sink(RefCell::new(Vec::new())))
        .0
        .into_inner()
}

struct Sink(RefCell<Vec<String>>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let mut found = self.0.borrow_mut();
        let name = tag.name.as_ref();
        if DROP_WITH_CONTENT.contains(&name) {
            found.push(format!("`<{name}>` removed with its content"));
            return TokenSinkResult::Continue;
        }
        if !TAGS.contains(&name) {
            found.push(format!("`<{name}>` removed (its text is kept)"));
            return TokenSinkResult::Continue;
        }
        for attr in &tag.attrs {
            let attribute = attr.name.local.as_ref();
            let allowed = GENERIC_ATTRIBUTES.contains(&attribute)
                || TAG_ATTRIBUTES
                    .iter()
                    .any(|(t, a)| *t == name && a.contains(&attribute));
            if !allowed {
                found.push(format!("attribute `{attribute}` removed from `<{name}>`"));
            } else if matches!(attribute, "href" | "src") && !url_allowed(&attr.value) {
                found.push(format!(
                    "`{attribute}=\"{}\"` removed from `<{name}>`",
                    attr.value
                ));
            } else if attribute == "style" {
                let (_, changes) = clean_style(&attr.value);
                found.extend(changes.into_iter().map(|c| format!("{c} in `<{name}>`")));
            }
        }
        TokenSinkResult::Continue
    }
}

/// Longest chain of identical wrappers WeChat's editor keeps: a deeper chain of
/// elements with the same tag and style, each holding nothing but the next, is
/// deleted when the draft is opened.
pub const MAX_SAME_WRAPPER_CHAIN: usize = 15;

/// Chains of identical single-child wrappers in one raw HTML fragment deeper than
/// [`MAX_SAME_WRAPPER_CHAIN`], as messages (one per chain, outermost first).
/// Editors such as 135editor paste such chains; nothing here changes them, since
/// flattening nested boxes would change margins and paddings the writer chose.
pub fn deep_chains(fragment: &str) -> Vec<String> {
    let sink = ChainSink(RefCell::new(Chains::default()));
    let mut chains = super::tokens::tokenize(fragment, sink).0.into_inner();
    // Elements still open at the end of the fragment close there.
    while !chains.open.is_empty() {
        chains.close();
    }
    chains.found.sort_by_key(|(order, _)| *order);
    chains.found.into_iter().map(|(_, m)| m).collect()
}

#[derive(Default)]
struct Chains {
    open: Vec<Wrapper>,
    /// (the chain's outermost start-tag number, message)
    found: Vec<(usize, String)>,
    started: usize,
}

struct Wrapper {
    name: String,
    style: String,
    order: usize,
    children: usize,
    text: bool,
    /// Tag, style, chain length and start-tag number of the last child element
    /// closed.
    last_child: Option<(String, String, usize, usize)>,
}

impl Chains {
    fn close(&mut self) {
        let Some(w) = self.open.pop() else { return };
        let (chain, inner_order) = match &w.last_child {
            Some((name, style, inner, order))
                if w.children == 1 && !w.text && *name == w.name && *style == w.style =>
            {
                (inner + 1, Some(*order))
            }
            _ => (1, None),
        };
        if chain > MAX_SAME_WRAPPER_CHAIN {
            // One message per chain: the outermost element replaces its child's.
            self.found.retain(|(order, _)| Some(*order) != inner_order);
            let style = if w.style.is_empty() {
                String::new()
            } else {
                format!(" style=\"{}\"", w.style)
            };
            self.found.push((
                w.order,
                format!(
                    "{chain} nested `<{}{style}>`, each holding only the next: WeChat's editor deletes chains of more than {MAX_SAME_WRAPPER_CHAIN} identical wrappers",
                    w.name
                ),
            ));
        }
        if let Some(parent) = self.open.last_mut() {
            parent.last_child = Some((w.name, w.style, chain, w.order));
        }
    }
}

struct ChainSink(RefCell<Chains>);

impl TokenSink for ChainSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut chains = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                let name: String = tag.name.to_string();
                if let Some(parent) = chains.open.last_mut() {
                    parent.children += 1;
                    parent.last_child = None;
                }
                if tag.self_closing || super::tokens::is_void(&name) {
                    return TokenSinkResult::Continue;
                }
                let style = tag
                    .attrs
                    .iter()
                    .find(|a| &*a.name.local == "style")
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                chains.started += 1;
                let order = chains.started;
                chains.open.push(Wrapper {
                    name,
                    style,
                    order,
                    children: 0,
                    text: false,
                    last_child: None,
                });
            }
            Token::TagToken(tag) => {
                // An end tag closes up to the matching open element, as browsers do
                // for the common misnestings; a stray end tag changes nothing.
                let name: &str = &tag.name;
                if chains.open.iter().any(|w| w.name == name) {
                    while chains.open.last().is_some_and(|w| w.name != name) {
                        chains.close();
                    }
                    chains.close();
                }
            }
            Token::CharacterTokens(text) if !text.trim().is_empty() => {
                if let Some(parent) = chains.open.last_mut() {
                    parent.text = true;
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Whether ammonia keeps this address: relative, or with an allowed scheme.
fn url_allowed(url: &str) -> bool {
    let url = url.trim();
    match url.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && !scheme.contains(['/', '?', '#'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            URL_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

/// An inline style with WeChat's structure rules applied, and what changed.
/// Declarations are split on `;` outside quotes and parentheses.
pub fn clean_style(style: &str) -> (String, Vec<String>) {
    let mut kept: Vec<String> = Vec::new();
    let mut changes = Vec::new();
    // A font size in px lets a unitless line height become px, as the theme writes it.
    let font_px: Option<f64> = split_declarations(style).iter().rev().find_map(|d| {
        let (prop, value) = d.split_once(':')?;
        if !prop.trim().eq_ignore_ascii_case("font-size") {
            return None;
        }
        value.trim().strip_suffix("px")?.trim().parse().ok()
    });
    for decl in split_declarations(style) {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let mut value = value.trim().to_string();
        if prop.is_empty() || value.is_empty() {
            continue;
        }
        if let Some(v) = strip_important(&value) {
            changes.push(format!("`!important` removed from `{prop}`"));
            value = v;
        }
        match prop.as_str() {
            "font-family" => {
                changes.push(format!("`font-family: {value}` removed"));
                continue;
            }
            "text-align" if matches!(value.to_ascii_lowercase().as_str(), "start" | "end") => {
                changes.push(format!("`text-align: {value}` removed"));
                continue;
            }
            "line-height" if value.parse::<f64>().is_ok_and(|n| n > 0.0) => {
                let with_unit = match (font_px, value.parse::<f64>()) {
                    (Some(px), Ok(n)) => format!("{}px", (px * n * 100.0).round() / 100.0),
                    _ => format!("{value}em"),
                };
                changes.push(format!(
                    "unitless `line-height: {value}` written as `{with_unit}`"
                ));
                value = with_unit;
            }
            _ => {}
        }
        kept.push(format!("{prop}:{value}"));
    }
    (kept.join(";"), changes)
}

fn strip_important(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let at = lower.rfind('!')?;
    (lower[at + 1..].trim() == "important").then(|| value[..at].trim().to_string())
}

fn split_declarations(style: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0);
    for (i, c) in style.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ';') if depth == 0 => {
                out.push(&style[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&style[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_frames_forms_and_handlers_are_removed() {
        let html = "<div onclick=\"alert(1)\" style=\"color:red\">文字</div><script>alert(1)</script>\
                    <iframe src=\"https://e.example\"></iframe><form><input name=\"q\"><button>按钮</button></form>\
                    <a href=\"javascript:alert(1)\">链接</a>";
        assert_eq!(
            clean(html),
            "<div style=\"color:red\">文字</div><a>链接</a>"
        );
    }

    #[test]
    fn styles_lose_what_wechat_refuses() {
        assert_eq!(
            clean("<p style=\"font-family: 'A;B', serif; text-align: start; line-height: 1.5; color: red !important\">x</p>"),
            "<p style=\"line-height:1.5em;color:red\">x</p>"
        );
        assert_eq!(
            clean("<p style=\"font-size:15px;line-height:1.75\">x</p>"),
            "<p style=\"font-size:15px;line-height:26.25px\">x</p>"
        );
        assert_eq!(
            clean("<p style=\"text-align:END\">x</p><p style=\"text-align:center\">y</p>"),
            "<p>x</p><p style=\"text-align:center\">y</p>"
        );
    }

    #[test]
    fn the_renderers_own_html_is_unchanged() {
        let own = "<section class=\"code-block\"><pre class=\"code\"><code>a&nbsp;b<br>c</code></pre></section>\
                   <p>这是<strong>重点</strong><sup class=\"footnote-ref\">①</sup><code class=\"inline-code\">x</code></p>\
                   <img src=\"a.png\" data-w=\"640\" alt=\"图\"><th style=\"text-align:center\">";
        let cleaned = clean(own);
        assert!(
            cleaned.starts_with(&own[..own.find("<th").unwrap()]),
            "{cleaned}"
        );
    }

    #[test]
    fn problems_name_every_change() {
        assert_eq!(
            problems(
                "<div style=\"font-family:serif;text-align:start;line-height:2\" onclick=\"x()\">"
            ),
            [
                "`font-family: serif` removed in `<div>`",
                "`text-align: start` removed in `<div>`",
                "unitless `line-height: 2` written as `2em` in `<div>`",
                "attribute `onclick` removed from `<div>`",
            ]
        );
        assert_eq!(
            problems("<script>alert(1)</script>"),
            ["`<script>` removed with its content"]
        );
        assert_eq!(
            problems("<font color=\"red\">"),
            ["`<font>` removed (its text is kept)"]
        );
        assert!(problems("<p style=\"color:red\"><br></p>").is_empty());
    }

    #[test]
    fn chains_of_identical_wrappers_past_fifteen_are_named_once() {
        let chain = |n: usize, style: &str| {
            format!(
                "{}文字{}",
                format!("<section style=\"{style}\">").repeat(n),
                "</section>".repeat(n)
            )
        };
        assert!(deep_chains(&chain(15, "margin:0")).is_empty());
        assert_eq!(
            deep_chains(&chain(20, "margin:0")),
            ["20 nested `<section style=\"margin:0\">`, each holding only the next: WeChat's editor deletes chains of more than 15 identical wrappers"]
        );
        // Unclosed at the end of the fragment, whitespace between: still a chain.
        assert_eq!(deep_chains(&"<div>\n".repeat(16)).len(), 1);
        // Different styles, a second child or text beside the child break the chain.
        let mixed: String = (0..20)
            .map(|i| format!("<div style=\"margin:{i}px\">"))
            .collect();
        assert!(deep_chains(&mixed).is_empty());
        let with_text = "<p>".to_string() + &"<span>字".repeat(20);
        assert!(deep_chains(&with_text).is_empty());
        let siblings = format!("{}<br>", chain(16, "x:1"));
        assert_eq!(deep_chains(&format!("<div>{siblings}</div>")).len(), 1);
    }
}
