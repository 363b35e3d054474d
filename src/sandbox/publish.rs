//! Free publish: `freepublish/submit` (the draft is published after
//! `Options::publish_delay`), `freepublish/get` and `freepublish/batchget`.

use super::draft::listed;
use super::state::{Publish, Published};
use super::wire::{draft_pos, ok, page, status, Reply, Req};
use super::Shared;
use crate::wechat::types::{
    ApiStatus, ArticleDetail, ArticleUrl, FreepublishSubmitResponse, MediaIdRequest, PageRequest,
    PublishIdRequest, PublishStatus, PublishedItem, PublishedPage,
};
use axum::extract::State as AxState;
use std::time::Instant;

/// The sandbox's `msg_data_id`s of free publishes (broadcasts use
/// `super::mass::MSG_DATA_ID_BASE`).
pub const MSG_DATA_ID_BASE: u64 = 2_100_000_000;

pub async fn freepublish_submit(
    AxState(sb): AxState<Shared>,
    Req(r): Req<MediaIdRequest>,
) -> Reply {
    let mut s = sb.state();
    draft_pos(&s, &r.media_id)?;
    let n = s.next_id();
    let publish_id = format!("{}", 2_247_483_000u64 + n);
    let msg_data_id = MSG_DATA_ID_BASE + n;
    s.publishes.push(Publish {
        publish_id: publish_id.clone(),
        media_id: r.media_id,
        status: 1,
        article_id: None,
        submitted: Some(Instant::now()),
        msg_data_id,
    });
    ok(&FreepublishSubmitResponse {
        status: ApiStatus::new(0, "ok"),
        publish_id,
        msg_data_id: Some(msg_data_id.to_string()),
    })
}

pub async fn freepublish_get(AxState(sb): AxState<Shared>, Req(r): Req<PublishIdRequest>) -> Reply {
    let s = sb.state();
    let Some(p) = s.publishes.iter().find(|p| p.publish_id == r.publish_id) else {
        return Err(status(53502, "invalid publish_id"));
    };
    let article_detail = p.article_id.as_ref().map(|article_id| {
        let item: Vec<ArticleUrl> = s
            .published
            .iter()
            .find(|a| &a.article_id == article_id)
            .map(|a| {
                (1..)
                    .zip(&a.articles)
                    .map(|(idx, art)| ArticleUrl {
                        idx,
                        article_url: art.url.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ArticleDetail {
            count: item.len() as u32,
            item,
        }
    });
    ok(&PublishStatus {
        publish_id: p.publish_id.clone(),
        publish_status: p.status,
        article_id: p.article_id.clone(),
        article_detail,
        fail_idx: Vec::new(),
    })
}

pub async fn freepublish_batchget(AxState(sb): AxState<Shared>, Req(r): Req<PageRequest>) -> Reply {
    let s = sb.state();
    // Only free publishes are listed; broadcasts (群发) are not, and no API lists them:
    // https://developers.weixin.qq.com/community/develop/doc/0006e42c5f08682e9bd2f96006bc00
    let listed_here: Vec<&Published> = s.published.iter().filter(|p| !p.broadcast).collect();
    let item: Vec<PublishedItem> = page(listed_here.iter(), r.offset, r.count)
        .map(|p| PublishedItem {
            article_id: p.article_id.clone(),
            content: listed(&p.articles, r.no_content),
            update_time: p.update_time,
        })
        .collect();
    ok(&PublishedPage {
        total_count: listed_here.len() as u64,
        item_count: item.len() as u64,
        item,
    })
}
