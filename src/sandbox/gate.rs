//! What every API call passes through, and where its access token comes from: the
//! gate counts the call, plays a fault a test planned for it and checks the access
//! token; `stable_token` issues the tokens the gate accepts.

use super::state::{Fault, FaultKind};
use super::wire::{ok, status, Reply, Req};
use super::{Shared, BODY_MAX};
use crate::wechat::types::{AccessTokenResponse, StableTokenRequest};
use axum::extract::{Query, Request, State as AxState};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Instant;

/// Every API call passes here: counted, checked for a planned fault, and (except
/// `stable_token`) for a valid access token.
pub async fn gate(
    AxState(sb): AxState<Shared>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
    next: Next,
) -> Response {
    // `/cgi-bin/draft/add` → `draft/add`; `/datacube/…` keeps its family name.
    let endpoint = req
        .uri()
        .path()
        .trim_start_matches("/cgi-bin/")
        .trim_start_matches('/')
        .to_string();
    let fault = {
        let mut s = sb.state();
        *s.calls.entry(endpoint.clone()).or_default() += 1;
        s.take_fault(&endpoint)
    };
    let kind = fault.as_ref().map(|f| f.kind);
    if let Some(
        FaultKind::Busy | FaultKind::Http500 | FaultKind::Unauthorized | FaultKind::IpNotAllowed,
    ) = kind
    {
        // Read the whole request first, as a real server does, so the client sees
        // the answer and not a connection closed mid-upload.
        let _ = axum::body::to_bytes(req.into_body(), BODY_MAX).await;
        return match kind {
            Some(FaultKind::Busy) => status(-1, "system error").into_response(),
            Some(FaultKind::Unauthorized) => status(48001, "api unauthorized").into_response(),
            Some(FaultKind::IpNotAllowed) => status(
                40164,
                "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist",
            )
            .into_response(),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "sandbox: injected 500").into_response(),
        };
    }
    if kind == Some(FaultKind::ExpireToken) {
        sb.state().expire_tokens();
    }
    if endpoint != "stable_token" {
        if let Some(refused) = check_token(&sb, query.get("access_token")) {
            // Read the upload first, as WeChat does: answering mid-upload would
            // leave the client with a broken pipe instead of the 42001.
            let _ = axum::body::to_bytes(req.into_body(), BODY_MAX).await;
            return refused.into_response();
        }
    }
    let response = next.run(req).await;
    match fault {
        // Done, but the client is told it was not.
        Some(Fault {
            kind: FaultKind::Lost,
            ..
        }) => status(-1, "system error").into_response(),
        // Handled, but the answer arrives too late for the client.
        Some(Fault {
            kind: FaultKind::Timeout,
            stall,
            ..
        }) => {
            tokio::time::sleep(stall).await;
            response
        }
        _ => response,
    }
}

/// The errcode for a missing, unknown or expired access token, if it is one.
fn check_token(sb: &Shared, token: Option<&String>) -> Option<Json<Value>> {
    let s = sb.state();
    let Some(token) = token else {
        return Some(status(41001, "access_token missing"));
    };
    match s.tokens.get(token) {
        None => Some(status(
            40001,
            "invalid credential, access_token is invalid or not latest",
        )),
        Some(exp) if Instant::now() >= *exp => Some(status(42001, "access_token expired")),
        Some(_) => None,
    }
}

/// `cgi-bin/stable_token`: the current token until it expires, or a new one (which
/// retires the others) when there is none or `force_refresh` asks for it.
pub async fn stable_token(AxState(sb): AxState<Shared>, Req(r): Req<StableTokenRequest>) -> Reply {
    if r.grant_type != "client_credential" {
        return Err(status(40002, "invalid grant_type"));
    }
    if r.appid != sb.options.appid {
        return Err(status(40013, "invalid appid"));
    }
    if r.secret != sb.options.secret {
        return Err(status(40125, "invalid appsecret"));
    }
    let mut s = sb.state();
    let now = Instant::now();
    let ttl = sb.options.token_ttl;
    if !r.force_refresh {
        if let Some(t) = &s.current_token {
            if let Some(exp) = s.tokens.get(t) {
                if now < *exp {
                    let left = exp.saturating_duration_since(now).as_secs().max(1);
                    return ok(&AccessTokenResponse {
                        access_token: t.clone(),
                        expires_in: left,
                    });
                }
            }
        }
    }
    let n = s.next_id();
    let token = format!("SANDBOX_TOKEN_{n}_{:x}", now_nanos());
    // A new token retires the old ones, as force_refresh does on WeChat.
    s.tokens.clear();
    s.tokens.insert(token.clone(), now + ttl);
    s.current_token = Some(token.clone());
    s.tokens_issued.push(token.clone());
    ok(&AccessTokenResponse {
        access_token: token,
        expires_in: ttl.as_secs(),
    })
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}
