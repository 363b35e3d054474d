//! WeChat is the source of truth; the ledger is only a record of it.
//!
//! Before a push creates anything, and whenever an answer was lost, the push is
//! looked for on WeChat: among the published articles (`freepublish/batchget`)
//! and in the draft box (`draft/batchget`), matched by a [`fingerprint`] of its
//! content. So a deleted, truncated or merge-damaged ledger, a draft published by
//! hand in the backend, or a creating call answered `-1` after it went through,
//! never makes a second article.
//!
//! Covers are looked for the same way in the material library
//! (`material/batchget_material`), by the content-hash file name wxpress uploads
//! them under. Body images (`media/uploadimg`) cannot be: WeChat lists them
//! nowhere. A lost answer to one costs an unused copy on the CDN, which counts
//! against no quota.

use super::prepare::sha_hex;
use crate::wechat::{Client, MaterialItem, NewsContent, WechatError};
use std::collections::HashMap;
use std::ops::ControlFlow;

/// How far back a lookup reads each list, newest first: 200 items, ten pages.
/// A push is looked for right after it could have been made, so it is among the
/// newest; an account's whole history is not read on every run.
pub const LOOKBACK: u64 = 200;
const PAGE: u64 = crate::wechat::limits::PAGE_MAX;

/// The fingerprint of a push: each article's title and the letters and digits of
/// its text, in order. Markup, image addresses, whitespace and punctuation are
/// left out, because WeChat rewrites markup on the way in and images get new
/// addresses when uploaded again; the words are what make it the same article.
pub fn fingerprint<'a>(articles: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut key = String::new();
    for (title, html) in articles {
        key.push_str(title.trim());
        key.push('\u{0}');
        key.extend(text_chars(html));
        key.push('\u{1}');
    }
    sha_hex(key.as_bytes())
}

/// The fingerprint of what WeChat holds.
pub fn fingerprint_of(content: &NewsContent) -> String {
    fingerprint(
        content
            .news_item
            .iter()
            .map(|a| (a.title.as_str(), a.content.as_str())),
    )
}

/// The letters and digits of an HTML fragment's text: tags (with quoted
/// attribute values) and character references are skipped.
fn text_chars(html: &str) -> impl Iterator<Item = char> + '_ {
    let mut chars = html.chars().peekable();
    std::iter::from_fn(move || loop {
        let c = chars.next()?;
        match c {
            '<' => {
                let mut quote = None;
                for c in chars.by_ref() {
                    match (quote, c) {
                        (None, '>') => break,
                        (None, '"' | '\'') => quote = Some(c),
                        (Some(q), c) if c == q => quote = None,
                        _ => {}
                    }
                }
            }
            '&' => {
                // `&name;` or `&#123;`: a reference, not text. A bare `&` is text
                // (and not alphanumeric anyway).
                let reference: String = chars
                    .clone()
                    .take(12)
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
                    .collect();
                if chars.clone().nth(reference.len()) == Some(';') {
                    for _ in 0..=reference.len() {
                        chars.next();
                    }
                }
            }
            c if c.is_alphanumeric() => return Some(c),
            _ => {}
        }
    })
}

/// A push found on WeChat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Published {
        article_id: String,
        urls: Vec<String>,
    },
    /// Drafts with this content, newest first (more than one only if earlier
    /// runs made duplicates).
    Drafts(Vec<String>),
}

/// Reads a newest-first list (`fetch(offset)` → one page of items and the list's
/// total), handing each item to `visit` until it says stop, or [`LOOKBACK`] items
/// were read.
fn scan<T>(
    mut fetch: impl FnMut(u64) -> Result<(Vec<T>, u64), WechatError>,
    mut visit: impl FnMut(T) -> ControlFlow<()>,
) -> Result<(), WechatError> {
    let mut offset = 0;
    while offset < LOOKBACK {
        let (items, total) = fetch(offset)?;
        let count = items.len() as u64;
        for item in items {
            if visit(item).is_break() {
                return Ok(());
            }
        }
        offset += count;
        if count == 0 || offset >= total {
            break;
        }
    }
    Ok(())
}

/// The published article with this fingerprint, among the newest [`LOOKBACK`].
pub fn find_published(client: &Client, fingerprint: &str) -> Result<Option<Found>, WechatError> {
    let mut found = None;
    scan(
        |offset| {
            let page = client.freepublish_batchget(offset, PAGE)?;
            Ok((page.item, page.total_count))
        },
        |item| {
            if fingerprint_of(&item.content) != fingerprint {
                return ControlFlow::Continue(());
            }
            let urls = item.content.news_item.into_iter().map(|a| a.url).collect();
            found = Some(Found::Published {
                article_id: item.article_id,
                urls,
            });
            ControlFlow::Break(())
        },
    )?;
    Ok(found)
}

/// The drafts with this fingerprint, among the newest [`LOOKBACK`].
pub fn find_drafts(client: &Client, fingerprint: &str) -> Result<Vec<String>, WechatError> {
    let mut found = Vec::new();
    scan(
        |offset| {
            let page = client.draft_batchget(offset, PAGE)?;
            Ok((page.item, page.total_count))
        },
        |item| {
            if fingerprint_of(&item.content) == fingerprint {
                found.push(item.media_id);
            }
            ControlFlow::Continue(())
        },
    )?;
    Ok(found)
}

/// Where the push is on WeChat, published first: a published push whose draft
/// is also still there (a duplicate) is published.
pub fn find(client: &Client, fingerprint: &str) -> Result<Option<Found>, WechatError> {
    if let Some(published) = find_published(client, fingerprint)? {
        return Ok(Some(published));
    }
    let drafts = find_drafts(client, fingerprint)?;
    Ok((!drafts.is_empty()).then_some(Found::Drafts(drafts)))
}

/// The file name a cover is uploaded under: its content hash, so it can be found
/// in the material library again.
pub fn cover_upload_name(sha256: &str, source_name: &str) -> String {
    let ext = std::path::Path::new(source_name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_else(|| "jpg".into());
    format!("wxpress-{}.{ext}", &sha256[..16.min(sha256.len())])
}

/// The newest [`LOOKBACK`] images of the material library: upload name → media_id.
pub fn materials(client: &Client) -> Result<HashMap<String, String>, WechatError> {
    let mut names = HashMap::new();
    scan(
        |offset| material_page(client, offset),
        |item| {
            names.entry(item.name).or_insert(item.media_id);
            ControlFlow::Continue(())
        },
    )?;
    Ok(names)
}

/// The media_id of a cover uploaded under `name`, among the newest [`LOOKBACK`]
/// images of the material library.
pub fn find_material(client: &Client, name: &str) -> Result<Option<String>, WechatError> {
    let mut found = None;
    scan(
        |offset| material_page(client, offset),
        |item| {
            if item.name != name {
                return ControlFlow::Continue(());
            }
            found = Some(item.media_id);
            ControlFlow::Break(())
        },
    )?;
    Ok(found)
}

fn material_page(client: &Client, offset: u64) -> Result<(Vec<MaterialItem>, u64), WechatError> {
    let page = client.material_batchget(offset, PAGE)?;
    Ok((page.item, page.total_count))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        text_chars(html).collect()
    }

    #[test]
    fn text_skips_markup_references_and_punctuation() {
        assert_eq!(
            text(r#"<p style="a>b">你好，<b>世界</b>&nbsp;A&amp;B &#39;1&#x27;</p>"#),
            "你好世界AB1"
        );
        assert_eq!(text("a & b"), "ab");
        assert_eq!(text("<img src='x.png' alt=\"y\">z"), "z");
    }

    #[test]
    fn fingerprint_survives_image_addresses_and_reformatting() {
        let ours = r#"<p>第一段。</p><p><img src="images/a.png" data-w="10"></p>"#;
        let theirs =
            "<p>第一段。</p>\n<p><img src=\"http://mmbiz.qpic.cn/x/0\" data-w=\"10\" /></p>";
        assert_eq!(
            fingerprint([("标题", ours)]),
            fingerprint([("标题", theirs)])
        );
        assert_ne!(
            fingerprint([("标题", ours)]),
            fingerprint([("标题", "<p>第二段。</p>")])
        );
        assert_ne!(
            fingerprint([("标题", ours)]),
            fingerprint([("另一个标题", ours)])
        );
        // Article order matters: a push is its articles in order.
        assert_ne!(
            fingerprint([("a", "1"), ("b", "2")]),
            fingerprint([("b", "2"), ("a", "1")])
        );
    }

    #[test]
    fn cover_names_carry_the_hash() {
        assert_eq!(
            cover_upload_name("0123456789abcdef0123", "Cover.PNG"),
            "wxpress-0123456789abcdef.png"
        );
        assert_eq!(cover_upload_name("ab", "cover"), "wxpress-ab.jpg");
    }
}
