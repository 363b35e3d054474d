//! How the sandbox reads requests and writes answers: request bodies become the
//! request types of `wechat::types` (a body that is not JSON is a 47001, like
//! WeChat's), and every answer is a response type of the same module or an
//! errcode.

use super::state::State;
use crate::wechat::limits::PAGE_MAX;
use crate::wechat::types::ApiStatus;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// What a handler answers: a response body, or a WeChat error.
pub type Reply = Result<Json<Value>, Json<Value>>;

/// An errcode answer (`errcode` 0 is a bare success).
pub fn status(code: i64, msg: &str) -> Json<Value> {
    body(&ApiStatus::new(code, msg))
}

/// A response type as the JSON it is sent as.
pub fn body(answer: &impl Serialize) -> Json<Value> {
    // Through a `Value`, as the answers were built before they had types, so the
    // bytes on the wire stay the same. Response types always serialize.
    Json(serde_json::to_value(answer).unwrap_or_default())
}

/// A successful reply with a response type.
pub fn ok(answer: &impl Serialize) -> Reply {
    Ok(body(answer))
}

/// A request body read as one of `wechat::types`' request types.
pub struct Req<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Req<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse(&bytes).map(Req).map_err(IntoResponse::into_response)
    }
}

/// Not JSON: 47001. JSON that is not an object reads as `{}`, so every field is
/// absent and answered as such. An object whose strict fields do not fit the type
/// (see `wechat::types` on lenient fields): 47001, naming what did not fit.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Json<Value>> {
    let v: Value = serde_json::from_slice(bytes).map_err(|_| status(47001, "data format error"))?;
    let v = if v.is_object() {
        v
    } else {
        Value::Object(Default::default())
    };
    T::deserialize(v).map_err(|e| status(47001, &format!("data format error: {e}")))
}

/// One page of a list kept oldest first, as the batchget calls list it: newest
/// first, `count` of them (1 to [`PAGE_MAX`], absent meaning [`PAGE_MAX`]).
pub fn page<'a, T: 'a>(
    items: impl DoubleEndedIterator<Item = &'a T>,
    offset: u64,
    count: Option<u64>,
) -> impl Iterator<Item = &'a T> {
    let count = count.unwrap_or(PAGE_MAX).clamp(1, PAGE_MAX);
    items.rev().skip(offset as usize).take(count as usize)
}

/// The position of a draft in the draft box, or 40007.
pub fn draft_pos(s: &State, media_id: &str) -> Result<usize, Json<Value>> {
    s.drafts
        .iter()
        .position(|d| d.media_id == media_id)
        .ok_or_else(|| status(40007, "invalid media_id"))
}
