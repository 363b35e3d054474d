//! Test controls under `/__sandbox/`: plan faults, expire tokens, publish a draft
//! by hand, read the whole state.

use super::state::{Fault, FaultRequest};
use super::wire::{body, draft_pos, ok, status, Reply, Req};
use super::Shared;
use crate::wechat::types::MediaIdRequest;
use axum::extract::State as AxState;
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

pub async fn fault(AxState(sb): AxState<Shared>, Json(req): Json<FaultRequest>) -> Json<Value> {
    let mut s = sb.state();
    s.faults
        .entry(req.endpoint.trim_start_matches('/').to_string())
        .or_default()
        .push_back(Fault {
            kind: req.kind,
            remaining: req.count.max(1),
            stall: Duration::from_millis(req.stall_ms),
        });
    status(0, "ok")
}

pub async fn expire_token(AxState(sb): AxState<Shared>) -> Json<Value> {
    sb.state().expire_tokens();
    status(0, "ok")
}

/// The answer to `publish_by_hand`.
#[derive(Serialize)]
struct PublishedByHand {
    errcode: i64,
    errmsg: &'static str,
    article_id: String,
}

/// Publishes a draft at once, as the writer pressing 发表 in the backend does:
/// no publish_id reaches any API client.
pub async fn publish_by_hand(AxState(sb): AxState<Shared>, Req(r): Req<MediaIdRequest>) -> Reply {
    let mut s = sb.state();
    let pos = draft_pos(&s, &r.media_id)?;
    let article_id = format!("sandbox-article-{}", s.next_id());
    s.publish_draft(pos, article_id.clone(), false, None);
    ok(&PublishedByHand {
        errcode: 0,
        errmsg: "ok",
        article_id,
    })
}

pub async fn state(AxState(sb): AxState<Shared>) -> Json<Value> {
    let s = sb.state();
    body(&*s)
}
