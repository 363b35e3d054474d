//! CSS inlining: WeChat keeps only `style` attributes, so the theme's stylesheet is
//! applied to every element, then `class` and `id` attributes are dropped.
//!
//! css-inline does the CSS work. Parsing and re-serializing every article with
//! html5ever costs about a millisecond, though, which dominates a 10,000-post build.
//! When an element's style can only depend on its ancestors' tags, classes and ids
//! (no pseudo-classes, sibling or attribute selectors), the style of each distinct
//! chain of start tags is computed once by css-inline and then reused: a site has a
//! few hundred such chains. Anything else takes the plain css-inline path.

use css_inline::CSSInliner;
use std::sync::{OnceLock, RwLock};

fn css_inliner() -> &'static CSSInliner<'static> {
    static INLINER: OnceLock<CSSInliner<'static>> = OnceLock::new();
    INLINER.get_or_init(|| {
        CSSInliner::options()
            .load_remote_stylesheets(false)
            .keep_style_tags(false)
            .keep_link_tags(false)
            .build()
    })
}

pub struct Inliner {
    css: String,
    /// Style by chain of start tags, when the stylesheet allows reuse.
    memo: Option<RwLock<Memo>>,
}

/// Style by chain of start tags. The keys are the renderer's own tags, so a fast
/// non-cryptographic hash will do; SipHash over every tag of every article cost
/// a few percent of a build.
type Memo = rustc_hash::FxHashMap<String, String>;

/// Marks the element whose style a synthetic document is built to learn.
const TARGET: &str = " data-wxpress-target=\"\"";

impl Inliner {
    pub fn new(css: &str) -> Self {
        let memo = context_only(css).then(|| RwLock::new(Memo::default()));
        Inliner {
            css: css.to_string(),
            memo,
        }
    }

    /// Inlines the stylesheet into `html`. `trusted_structure` says the HTML comes
    /// from wxpress's own renderer and templates, with no raw HTML from the writer
    /// that a browser would restructure; only then is the memo used.
    pub fn inline(&self, html: &str, trusted_structure: bool) -> Result<String, String> {
        if let (Some(memo), true) = (&self.memo, trusted_structure) {
            if let Some(out) = self.inline_memoized(html, memo)? {
                return Ok(out);
            }
        }
        self.inline_with_css_inline(html)
    }

    fn inline_with_css_inline(&self, html: &str) -> Result<String, String> {
        let inlined = css_inliner()
            .inline_fragment(html, &self.css)
            .map_err(|e| e.to_string())?;
        Ok(strip_attributes(&inlined))
    }

    /// `Ok(None)` when the HTML's tags do not nest cleanly (an unclosed element, an
    /// end tag that closes something else): then only a real HTML parser knows
    /// what the browser will build.
    fn inline_memoized(&self, html: &str, memo: &RwLock<Memo>) -> Result<Option<String>, String> {
        let mut out = String::with_capacity(html.len() * 2);
        // The chain of start tags from the root, as one string, and where each begins.
        let mut chain = String::new();
        let mut open: Vec<(usize, &str)> = Vec::new();
        // Read-locked once per article, not per tag: a site's chains are all
        // known after its first few posts.
        let mut known = memo.read().expect("inliner memo");
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            out.push_str(&rest[..lt]);
            rest = &rest[lt..];
            let Some(gt) = tag_end(rest) else {
                return Ok(None);
            };
            let tag = &rest[..=gt];
            rest = &rest[gt + 1..];
            if tag.starts_with("<!") {
                out.push_str(tag);
                continue;
            }
            let parsed = Tag::parse(tag);
            if let Some(name) = tag.strip_prefix("</") {
                let name = name.trim_end_matches('>').trim();
                match open.pop() {
                    Some((start, open_name)) if open_name.eq_ignore_ascii_case(name) => {
                        chain.truncate(start)
                    }
                    _ => return Ok(None),
                }
                out.push_str(tag);
                continue;
            }
            let start = chain.len();
            parsed.push_key(&mut chain);
            match known.get(&chain) {
                Some(style) => parsed.write(&mut out, style),
                None => {
                    let style = self.style_of_chain(&chain)?;
                    parsed.write(&mut out, &style);
                    drop(known);
                    memo.write()
                        .expect("inliner memo")
                        .insert(chain.clone(), style);
                    known = memo.read().expect("inliner memo");
                }
            }
            if super::tokens::is_void(parsed.name) || tag.ends_with("/>") {
                chain.truncate(start);
            } else {
                open.push((start, parsed.name));
            }
        }
        out.push_str(rest);
        Ok(open.is_empty().then_some(out))
    }

    /// Runs css-inline on a document made of just this chain of elements, and
    /// reads back the innermost element's style.
    fn style_of_chain(&self, chain: &str) -> Result<String, String> {
        let last = chain.rfind('<').unwrap_or(0);
        let mut doc = String::with_capacity(chain.len() * 2);
        doc.push_str(&chain[..chain.len() - 1]);
        doc.push_str(TARGET);
        doc.push('>');
        let names: Vec<&str> = chain[..last]
            .split('<')
            .skip(1)
            .map(|t| t.split([' ', '>']).next().unwrap_or(""))
            .collect();
        for name in names.iter().rev().filter(|n| !super::tokens::is_void(n)) {
            doc.push_str(&format!("</{name}>"));
        }
        let inlined = css_inliner()
            .inline_fragment(&doc, &self.css)
            .map_err(|e| e.to_string())?;
        let marker = inlined.find("data-wxpress-target").unwrap_or(0);
        let target = &inlined[inlined[..marker].rfind('<').unwrap_or(0)..];
        let tag = &target[..tag_end(target).unwrap_or(target.len())];
        let mut style = String::new();
        if let Some(value) = tag
            .split(" style=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
        {
            push_compact_style(&mut style, value);
        }
        Ok(style)
    }
}

/// True when every selector depends only on ancestors' tags, classes and ids.
fn context_only(css: &str) -> bool {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    text.split('}').all(|rule| {
        let selectors = rule.split('{').next().unwrap_or("");
        !selectors.contains([':', '+', '~', '[', '@', '\\'])
    })
}

/// A start tag's name and attributes, as written by a serializer or our renderer.
struct Tag<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, Option<&'a str>)>,
}

impl<'a> Tag<'a> {
    fn parse(tag: &'a str) -> Tag<'a> {
        let inner = tag
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim_end_matches('/');
        let name_end = inner.find([' ', '\t', '\n']).unwrap_or(inner.len());
        let mut attrs = Vec::new();
        let mut rest = &inner[name_end..];
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let name_len = rest.find(['=', ' ', '\t', '\n']).unwrap_or(rest.len());
            let name = &rest[..name_len];
            rest = &rest[name_len..];
            let value = match rest.strip_prefix("=\"") {
                Some(v) => {
                    let end = v.find('"').unwrap_or(v.len());
                    rest = v.get(end + 1..).unwrap_or("");
                    Some(&v[..end])
                }
                None => None,
            };
            attrs.push((name, value));
        }
        Tag {
            name: &inner[..name_end],
            attrs,
        }
    }

    /// The part of the tag that can change its style: name, class, id, style.
    fn push_key(&self, key: &mut String) {
        key.push('<');
        key.push_str(self.name);
        for (name, value) in &self.attrs {
            if matches!(*name, "class" | "id" | "style") {
                key.push(' ');
                key.push_str(name);
                key.push_str("=\"");
                key.push_str(value.unwrap_or(""));
                key.push('"');
            }
        }
        key.push('>');
    }

    /// Writes the tag without class and id, with `style` (in place, or last).
    fn write(&self, out: &mut String, style: &str) {
        out.push('<');
        out.push_str(self.name);
        let mut styled = false;
        for (name, value) in &self.attrs {
            match (*name, value) {
                ("class" | "id", _) => {}
                ("style", _) => {
                    styled = true;
                    push_style_attr(out, style);
                }
                (_, Some(v)) => {
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    out.push_str(v);
                    out.push('"');
                }
                (_, None) => {
                    out.push(' ');
                    out.push_str(name);
                }
            }
        }
        if !styled {
            push_style_attr(out, style);
        }
        out.push('>');
    }
}

fn push_style_attr(out: &mut String, style: &str) {
    if !style.is_empty() {
        out.push_str(" style=\"");
        out.push_str(style);
        out.push('"');
    }
}

/// Removes `class` and `id` from every tag of css-inline's output and writes each
/// `style` compactly.
fn strip_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = tag_end(rest) else { break };
        let tag = &rest[..=gt];
        if tag.starts_with("<!") || tag.starts_with("</") {
            out.push_str(tag);
        } else {
            let parsed = Tag::parse(tag);
            let mut style = String::new();
            if let Some((_, Some(v))) = parsed.attrs.iter().find(|(n, _)| *n == "style") {
                push_compact_style(&mut style, v);
            }
            parsed.write(&mut out, &style);
        }
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    out
}

/// Index of the `>` closing the tag at the start of `s`; a `>` inside a quoted
/// attribute value does not count (serializers do not escape it).
fn tag_end(s: &str) -> Option<usize> {
    let mut in_quotes = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'>' if !in_quotes => return Some(i),
            _ => {}
        }
    }
    None
}

/// `color: red; margin: 0;` → `color:red;margin:0`: every character counts toward
/// WeChat's 20,000-character limit, and styles are most of an article's size.
fn push_compact_style(out: &mut String, style: &str) {
    let mut first = true;
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        if !first {
            out.push(';');
        }
        first = false;
        out.push_str(prop.trim());
        out.push(':');
        out.push_str(value.trim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_keeps_the_fast_path() {
        // A pseudo-class, sibling or attribute selector in the built-in theme sends
        // every article through full css-inline: 2–3 times slower (README, Speed).
        let css = crate::render::theme::builtin("style.css");
        assert!(css.contains(".article"), "the theme's stylesheet is found");
        assert!(context_only(css));
        assert!(!context_only(".a > :last-child { margin: 0; }"));
    }

    const CSS: &str = ".a { color: red; } p { margin: 0; } .b { font-weight: bold; } .a .b { color: blue; } td { padding: 1px; }";

    #[test]
    fn inlines_and_strips_classes_and_ids() {
        let html = r#"<section class="a" id="x"><p>字</p><span class="b" title="class=&quot;no&quot; a>b">t</span></section>"#;
        let expected = r#"<section style="color:red"><p style="margin:0">字</p><span title="class=&quot;no&quot; a>b" style="font-weight:bold;color:blue">t</span></section>"#;
        let inliner = Inliner::new(CSS);
        assert!(inliner.memo.is_some());
        assert_eq!(inliner.inline(html, true).unwrap(), expected, "memoized");
        assert_eq!(inliner.inline(html, false).unwrap(), expected, "css-inline");
    }

    #[test]
    fn existing_styles_merge_the_same_way_on_both_paths() {
        let html = r#"<table><tbody><tr><td style="text-align:center">a</td><td>b</td></tr></tbody></table><p><img src="x.png" data-w="3"><br>c</p>"#;
        let inliner = Inliner::new(CSS);
        let fast = inliner.inline(html, true).unwrap();
        assert_eq!(fast, inliner.inline(html, false).unwrap());
        assert!(
            fast.contains(r#"<td style="padding:1px;text-align:center">a</td>"#),
            "{fast}"
        );
    }

    #[test]
    fn badly_nested_html_takes_the_parser_path() {
        let inliner = Inliner::new(CSS);
        let out = inliner.inline("<p><span class=\"b\">x</p>", true).unwrap();
        assert_eq!(
            out,
            r#"<p style="margin:0"><span style="font-weight:bold">x</span></p>"#
        );
    }

    #[test]
    fn stylesheets_with_sibling_or_state_selectors_are_not_memoized() {
        assert!(Inliner::new("p:first-child { margin: 0; }").memo.is_none());
        assert!(Inliner::new("h2 + p { margin: 0; }").memo.is_none());
        assert!(Inliner::new("a[href] { color: red; }").memo.is_none());
        assert!(Inliner::new("/* a: b */ .x > p { margin: 0; }")
            .memo
            .is_some());
    }

    #[test]
    fn style_tags_are_removed() {
        let out = Inliner::new("")
            .inline("<style>p{color:red}</style><p>x</p>", false)
            .unwrap();
        assert_eq!(out, r#"<p style="color:red">x</p>"#);
    }
}
