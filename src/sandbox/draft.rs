//! The draft box: `draft/add` (with every limit the API enforces), `draft/get`,
//! `draft/batchget` and `draft/delete`.

use super::state::{self, Draft, State};
use super::wire::{draft_pos, ok, page, status, Reply, Req};
use super::Shared;
use crate::wechat::limits::{
    ARTICLES_MAX, AUTHOR_MAX_CHARS, CONTENT_MAX_BYTES, CONTENT_MAX_CHARS, DIGEST_MAX_CHARS,
    SOURCE_URL_MAX_BYTES, TITLE_MAX_CHARS,
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
        if !s.materials.iter().any(|m| m.media_id == a.thumb_media_id) {
            return Err(status(40007, "invalid media_id: thumb_media_id"));
        }
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
