//! CSS inlining: WeChat keeps only `style` attributes, so the theme's stylesheet is
//! applied to every element, then `class` and `id` attributes are dropped.

use css_inline::CSSInliner;
use std::sync::OnceLock;

fn inliner() -> &'static CSSInliner<'static> {
    static INLINER: OnceLock<CSSInliner<'static>> = OnceLock::new();
    INLINER.get_or_init(|| {
        CSSInliner::options()
            .load_remote_stylesheets(false)
            .keep_style_tags(false)
            .keep_link_tags(false)
            .build()
    })
}

/// Inlines `css` into the fragment `html` and removes the attributes WeChat drops.
pub fn inline(html: &str, css: &str) -> Result<String, String> {
    let inlined = inliner()
        .inline_fragment(html, css)
        .map_err(|e| e.to_string())?;
    Ok(strip_attributes(&inlined))
}

/// Removes `class` and `id` from every tag and writes each `style` compactly. The
/// input is serializer output (attribute values double-quoted, `"` escaped), so a
/// small tag scanner is reliable here.
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
            rewrite_tag(&mut out, tag);
        }
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    out
}

/// Index of the `>` closing the tag at the start of `s`; a `>` inside a quoted
/// attribute value does not count (the serializer does not escape it).
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

fn rewrite_tag(out: &mut String, tag: &str) {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    let name_end = inner.find(' ').unwrap_or(inner.len());
    out.push('<');
    out.push_str(&inner[..name_end]);
    let mut rest = &inner[name_end..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let name_len = rest.find(['=', ' ']).unwrap_or(rest.len());
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
        match (name, value) {
            ("class" | "id", _) => {}
            ("style", Some(v)) => {
                out.push_str(" style=\"");
                push_compact_style(out, v);
                out.push('"');
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
    out.push('>');
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
    fn inlines_and_strips_classes_and_ids() {
        let html = r#"<section class="a" id="x"><p>字</p><span class="b" title="class=&quot;no&quot; a>b">t</span></section>"#;
        let css = ".a { color: red; } p { margin: 0; } .b { font-weight: bold; }";
        let out = inline(html, css).unwrap();
        assert_eq!(
            out,
            r#"<section style="color:red"><p style="margin:0">字</p><span title="class=&quot;no&quot; a>b" style="font-weight:bold">t</span></section>"#
        );
    }

    #[test]
    fn style_tags_are_removed() {
        let out = inline("<style>p{color:red}</style><p>x</p>", "").unwrap();
        assert_eq!(out, r#"<p style="color:red">x</p>"#);
    }
}
