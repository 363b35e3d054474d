//! The draft box: `draft/add` (with every limit the API enforces), `draft/get`,
//! `draft/batchget` and `draft/delete`.

use super::state::{self, Draft, State};
use super::wire::{draft_pos, ok, page, status, Reply, Req};
use super::Shared;
use crate::wechat::crop::{Crop, RATIO_1_1, RATIO_235_1};
use crate::wechat::limits::{
    ARTICLES_MAX, ARTICLE_TYPE_NEWS, ARTICLE_TYPE_NEWSPIC, AUTHOR_MAX_CHARS, CONTENT_MAX_BYTES,
    CONTENT_MAX_CHARS, DIGEST_MAX_CHARS, NEWSPIC_IMAGES_MAX, SOURCE_URL_MAX_BYTES, TITLE_MAX_CHARS,
};
use crate::wechat::types::{
    ApiStatus, DraftAddRequest, DraftAddResponse, DraftArticle, DraftItem, DraftPage,
    MediaIdRequest, NewsContent, PageRequest,
};
use axum::extract::State as AxState;
use axum::Json;
use serde_json::Value;

/// The draft API's checks, in WeChat's order, with its errcodes.
fn validate_articles(s: &State, articles: &[DraftArticle]) -> Result<(), Json<Value>> {
    if articles.is_empty() {
        return Err(status(44003, "empty news data"));
    }
    if articles.len() > ARTICLES_MAX {
        return Err(status(45008, "article size out of limit"));
    }
    for a in articles {
        if a.title.trim().is_empty() {
            return Err(status(44003, "empty news data: title"));
        }
        if a.title.chars().count() > TITLE_MAX_CHARS {
            return Err(status(45003, "title size out of limit"));
        }
        if a.author.chars().count() > AUTHOR_MAX_CHARS {
            return Err(status(45110, "author size out of limit"));
        }
        if a.digest.chars().count() > DIGEST_MAX_CHARS {
            return Err(status(45004, "description size out of limit"));
        }
        if a.content_source_url.len() > SOURCE_URL_MAX_BYTES {
            return Err(status(45005, "url size out of limit"));
        }
        if a.content.trim().is_empty() {
            return Err(status(44004, "empty content"));
        }
        if a.content.chars().count() >= CONTENT_MAX_CHARS || a.content.len() >= CONTENT_MAX_BYTES {
            return Err(status(45002, "content size out of limit"));
        }
        match a.article_type.as_str() {
            "" | ARTICLE_TYPE_NEWS => validate_news(s, a)?,
            ARTICLE_TYPE_NEWSPIC => validate_newspic(s, a)?,
            _ => {
                return Err(status(
                    40097,
                    "invalid args: article_type is news or newspic",
                ))
            }
        }
    }
    Ok(())
}

/// An article: a permanent-material cover, and crops of it in `X1_Y1_X2_Y2`
/// (`wechat::crop`), within the cover and of their shape.
fn validate_news(s: &State, a: &DraftArticle) -> Result<(), Json<Value>> {
    let Some(cover) = s.materials.iter().find(|m| m.media_id == a.thumb_media_id) else {
        return Err(status(40007, "invalid media_id: thumb_media_id"));
    };
    for (field, value, ratio) in [
        ("pic_crop_235_1", &a.pic_crop_235_1, RATIO_235_1),
        ("pic_crop_1_1", &a.pic_crop_1_1, RATIO_1_1),
    ] {
        if value.is_empty() {
            continue;
        }
        // WeChat documents no errcode for a bad crop: 40097 is its generic
        // "invalid args" (see `wechat::crop`).
        let crop = Crop::parse(value)
            .map_err(|why| status(40097, &format!("invalid args: {field}: {why}")))?;
        if let Some((w, h)) = cover.size {
            if !crop.has_ratio(w, h, ratio) {
                return Err(status(
                    40097,
                    &format!(
                        "invalid args: {field} {value} is {:.3}:1 on the {w}x{h} cover, not {ratio}:1",
                        crop.ratio_in(w, h)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// An image post: 1 to [`NEWSPIC_IMAGES_MAX`] pictures of permanent material in
/// `image_info`, and text for content (a tag in it is refused: 45166, "invalid
/// content", the errcode WeChat gives for content it will not take).
fn validate_newspic(s: &State, a: &DraftArticle) -> Result<(), Json<Value>> {
    let images = a.image_info.as_ref().map_or(&[][..], |i| &i.image_list[..]);
    if images.is_empty() {
        return Err(status(44003, "empty news data: image_info.image_list"));
    }
    if images.len() > NEWSPIC_IMAGES_MAX {
        return Err(status(45008, "article size out of limit: image_list"));
    }
    for image in images {
        if !s
            .materials
            .iter()
            .any(|m| m.media_id == image.image_media_id)
        {
            return Err(status(40007, "invalid media_id: image_media_id"));
        }
    }
    let tag = a
        .content
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'));
    if tag {
        return Err(status(
            45166,
            "invalid content: an image post's content is text",
        ));
    }
    Ok(())
}

pub async fn draft_add(AxState(sb): AxState<Shared>, Req(r): Req<DraftAddRequest>) -> Reply {
    let mut s = sb.state();
    validate_articles(&s, &r.articles)?;
    let n = s.next_id();
    let media_id = format!("sandbox-draft-{n}");
    s.drafts.push(Draft {
        media_id: media_id.clone(),
        articles: r.articles,
        update_time: state::now_unix(),
    });
    ok(&DraftAddResponse { media_id })
}

pub async fn draft_get(AxState(sb): AxState<Shared>, Req(r): Req<MediaIdRequest>) -> Reply {
    let s = sb.state();
    let pos = draft_pos(&s, &r.media_id)?;
    ok(&NewsContent {
        news_item: s.drafts[pos].articles.clone(),
    })
}

/// The articles as a list shows them: without their content when asked.
pub fn listed(articles: &[DraftArticle], no_content: u8) -> NewsContent {
    let mut news_item = articles.to_vec();
    if no_content == 1 {
        for a in &mut news_item {
            a.content.clear();
        }
    }
    NewsContent { news_item }
}

pub async fn draft_batchget(AxState(sb): AxState<Shared>, Req(r): Req<PageRequest>) -> Reply {
    let s = sb.state();
    let item: Vec<DraftItem> = page(s.drafts.iter(), r.offset, r.count)
        .map(|d| DraftItem {
            media_id: d.media_id.clone(),
            content: listed(&d.articles, r.no_content),
            update_time: d.update_time,
        })
        .collect();
    ok(&DraftPage {
        total_count: s.drafts.len() as u64,
        item_count: item.len() as u64,
        item,
    })
}

pub async fn draft_delete(AxState(sb): AxState<Shared>, Req(r): Req<MediaIdRequest>) -> Reply {
    let mut s = sb.state();
    let pos = draft_pos(&s, &r.media_id)?;
    s.drafts.remove(pos);
    ok(&ApiStatus::new(0, "ok"))
}
