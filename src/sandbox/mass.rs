//! Mass send: `message/mass/sendall` (idempotent by `clientmsgid`, within the
//! account's quota; the draft is published as a broadcast), `message/mass/get` and
//! `message/mass/preview`.

use super::state::{self, Preview, Send};
use super::wire::{draft_pos, ok, status, Reply, Req};
use super::Shared;
use crate::wechat::limits::CLIENTMSGID_MAX_BYTES;
use crate::wechat::types::{
    ApiStatus, MassGetRequest, MassGetResponse, MassPreviewRequest, MassPreviewResponse,
    MassSendRequest, MassSendResponse, MsgId, MSGTYPE_MPNEWS,
};
use crate::wechat::DUPLICATE_CLIENTMSGID;
use axum::extract::State as AxState;

/// The sandbox's `msg_data_id`s of broadcasts.
pub const MSG_DATA_ID_BASE: u64 = 2_000_000_000;

pub async fn mass_sendall(AxState(sb): AxState<Shared>, Req(r): Req<MassSendRequest>) -> Reply {
    if r.msgtype != MSGTYPE_MPNEWS {
        return Err(status(
            40008,
            "invalid message type: the sandbox sends mpnews",
        ));
    }
    let media_id = r.mpnews.media_id;
    let to_all = r.filter.is_to_all;
    let tag_id = r.filter.tag_id;
    if !to_all && tag_id.is_none() {
        return Err(status(40003, "invalid filter: set is_to_all or tag_id"));
    }
    let mut s = sb.state();
    if let Some(id) = &r.clientmsgid {
        if id.len() > CLIENTMSGID_MAX_BYTES {
            return Err(status(
                40003,
                &format!("clientmsgid longer than {CLIENTMSGID_MAX_BYTES}"),
            ));
        }
        if let Some(first) = s.sends.iter().find(|x| x.clientmsgid.as_ref() == Some(id)) {
            return ok(&MassSendResponse {
                status: ApiStatus::new(DUPLICATE_CLIENTMSGID, "clientmsgid exist"),
                msg_id: Some(MsgId::Number(first.msg_id)),
                msg_data_id: None,
            });
        }
    }
    let pos = draft_pos(&s, &media_id)?;
    if s.sends_in_period(sb.options.account) >= state::quota(sb.options.account) {
        return Err(status(45028, "has no masssend quota"));
    }
    let n = s.next_id();
    let msg_id = 1_000_000_000 + n;
    // A broadcast publishes the draft: it leaves the draft box.
    let msg_data_id = MSG_DATA_ID_BASE + n;
    s.publish_draft(pos, format!("sandbox-article-{n}"), true, None, msg_data_id);
    s.sends.push(Send {
        msg_id,
        media_id,
        clientmsgid: r.clientmsgid,
        to_all,
        tag_id,
        at: state::now_unix(),
    });
    ok(&MassSendResponse {
        status: ApiStatus::new(0, "send job submission success"),
        msg_id: Some(MsgId::Number(msg_id)),
        msg_data_id: Some(msg_data_id),
    })
}

pub async fn mass_get(AxState(sb): AxState<Shared>, Req(r): Req<MassGetRequest>) -> Reply {
    let id = r.msg_id.and_then(|id| id.number());
    let s = sb.state();
    match s.sends.iter().find(|x| Some(x.msg_id) == id) {
        Some(x) => ok(&MassGetResponse {
            msg_id: Some(MsgId::Number(x.msg_id)),
            msg_status: "SEND_SUCCESS".into(),
        }),
        None => Err(status(40007, "invalid msg_id")),
    }
}

pub async fn mass_preview(AxState(sb): AxState<Shared>, Req(r): Req<MassPreviewRequest>) -> Reply {
    let media_id = r.mpnews.media_id;
    let towxname = r.towxname.or(r.touser).unwrap_or_default();
    if towxname.is_empty() {
        return Err(status(40132, "invalid wechat name"));
    }
    let mut s = sb.state();
    draft_pos(&s, &media_id)?;
    let n = s.next_id();
    s.previews.push(Preview { media_id, towxname });
    ok(&MassPreviewResponse {
        status: ApiStatus::new(0, "preview success"),
        msg_id: Some(MsgId::Number(3_000_000_000u64 + n)),
    })
}
