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

/// Removes `class="…"` and `id="…"` from every tag. The input is serializer output
/// (attributes double-quoted, text escaped), so scanning tags is reliable.
fn strip_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = tag_end(rest) else { break };
        let tag = &rest[..=gt];
        if tag.starts_with("<!--") || tag.starts_with("</") {
            out.push_str(tag);
        } else {
            push_tag_without(&mut out, tag, &["class", "id"]);
        }
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    out
}

/// Index of the `>` closing the tag at the start of `s`, skipping quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn push_tag_without(out: &mut String, tag: &str, drop: &[&str]) {
    let bytes = tag.as_bytes();
    let mut i = 0;
    let mut start = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            let name_start = i + 1;
            let name_end = name_start
                + tag[name_start..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .unwrap_or(0);
            let name = &tag[name_start..name_end];
            if drop.contains(&name) && tag[name_end..].starts_with("=\"") {
                let value_end = tag[name_end + 2..]
                    .find('"')
                    .map_or(tag.len(), |e| name_end + 2 + e + 1);
                out.push_str(&tag[start..i]);
                start = value_end;
                i = value_end;
                continue;
            }
            if tag[name_end..].starts_with("=\"") {
                // Skip the value so a quoted " class=" inside it is never touched.
                i = tag[name_end + 2..]
                    .find('"')
                    .map_or(tag.len(), |e| name_end + 2 + e + 1);
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&tag[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlines_and_strips_classes_and_ids() {
        let html = r#"<section class="a" id="x"><p>字</p><span class="b" title="class=&quot;no&quot;">t</span></section>"#;
        let css = ".a { color: red; } p { margin: 0; } .b { font-weight: bold; }";
        let out = inline(html, css).unwrap();
        assert_eq!(
            out,
            r#"<section style="color: red;"><p style="margin: 0;">字</p><span title="class=&quot;no&quot;" style="font-weight: bold;">t</span></section>"#
        );
    }

    #[test]
    fn style_tags_are_removed() {
        let out = inline("<style>p{color:red}</style><p>x</p>", "").unwrap();
        assert_eq!(out, r#"<p style="color: red;">x</p>"#);
    }
}
