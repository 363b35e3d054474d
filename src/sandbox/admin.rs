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
    let n = s.next_id();
    let article_id = format!("sandbox-article-{n}");
    // The backend's 发表 makes a push the data API knows, like any other.
    let msg_data_id = super::publish::MSG_DATA_ID_BASE + n;
    s.publish_draft(pos, article_id.clone(), false, None, msg_data_id);
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

/// `POST /__sandbox/clock {"days": N}`: moves the data API's clock N days
/// forward (or back), so a test can ask for the numbers of articles published
/// "days ago". Answers with the sandbox's idea of today.
pub async fn clock(AxState(sb): AxState<Shared>, Json(req): Json<ClockRequest>) -> Json<Value> {
    let mut s = sb.state();
    s.day_offset += req.days;
    let today = super::datacube::today(&s);
    body(&serde_json::json!({ "errcode": 0, "errmsg": "ok", "today": today.to_string() }))
}

#[derive(serde::Deserialize)]
pub struct ClockRequest {
    #[serde(default)]
    days: i64,
}
