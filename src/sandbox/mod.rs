//! `wxpress sandbox`: a local emulator of the WeChat server API endpoints wxpress
//! uses, with the same paths, JSON shapes, limits and error codes, all state in
//! memory. It is the peer of the integration tests, and lets a newcomer try the
//! whole publish flow without a WeChat account.
//!
//! Test controls live under `/__sandbox/`: `POST fault` (fail the next N calls of an
//! endpoint), `POST expire_token`, `POST publish_by_hand` (what a writer does by
//! pressing publish in the WeChat backend), `GET state` (everything the account holds).

pub mod state;

pub use state::{FaultKind, FaultRequest, Options, State};

use crate::wechat::DraftArticle;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Query, Request, State as AxState};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use state::{Draft, Fault, Image, Material, Preview, Publish, Send};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::wechat::limits::{
    ARTICLES_MAX, CONTENT_MAX_BYTES, CONTENT_MAX_CHARS, DIGEST_MAX_CHARS, IMAGE_MAX_BYTES,
    MATERIAL_MAX_BYTES, TITLE_MAX_CHARS,
};
/// Request bodies the sandbox accepts at all: room for a cover and the form around it.
const BODY_MAX: usize = 2 * MATERIAL_MAX_BYTES as usize;

pub struct Sandbox {
    pub options: Options,
    state: Mutex<State>,
}

type Shared = Arc<Sandbox>;

impl Sandbox {
    pub fn new(options: Options) -> Shared {
        Arc::new(Sandbox {
            options,
            state: Mutex::new(State::default()),
        })
    }

    /// The state, with due publishes advanced.
    pub fn state(&self) -> MutexGuard<'_, State> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.advance(self.options.publish_delay);
        s
    }
}

fn err(code: i64, msg: &str) -> Json<Value> {
    Json(json!({ "errcode": code, "errmsg": msg }))
}

fn parse_json(body: &Bytes) -> Result<Value, Json<Value>> {
    serde_json::from_slice(body).map_err(|_| err(47001, "data format error"))
}

pub fn router(sandbox: Shared) -> Router {
    let api = Router::new()
        .route("/cgi-bin/stable_token", post(stable_token))
        .route("/cgi-bin/media/uploadimg", post(upload_image))
        .route("/cgi-bin/material/add_material", post(add_material))
        .route(
            "/cgi-bin/material/batchget_material",
            post(material_batchget),
        )
        .route("/cgi-bin/draft/add", post(draft_add))
        .route("/cgi-bin/draft/get", post(draft_get))
        .route("/cgi-bin/draft/batchget", post(draft_batchget))
        .route("/cgi-bin/draft/delete", post(draft_delete))
        .route("/cgi-bin/freepublish/submit", post(freepublish_submit))
        .route("/cgi-bin/freepublish/get", post(freepublish_get))
        .route("/cgi-bin/freepublish/batchget", post(freepublish_batchget))
        .route("/cgi-bin/message/mass/sendall", post(mass_sendall))
        .route("/cgi-bin/message/mass/get", post(mass_get))
        .route("/cgi-bin/message/mass/preview", post(mass_preview))
        .layer(middleware::from_fn_with_state(sandbox.clone(), gate));
    Router::new()
        .route("/__sandbox/fault", post(admin_fault))
        .route("/__sandbox/expire_token", post(admin_expire_token))
        .route("/__sandbox/publish_by_hand", post(admin_publish_by_hand))
        .route("/__sandbox/state", get(admin_state))
        .merge(api)
        .layer(DefaultBodyLimit::max(BODY_MAX))
        .with_state(sandbox)
}

/// Every API call passes here: counted, checked for a planned fault, and (except
/// `stable_token`) for a valid access token.
async fn gate(
    AxState(sb): AxState<Shared>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
    next: Next,
) -> Response {
    let endpoint = req.uri().path().trim_start_matches("/cgi-bin/").to_string();
    let fault = {
        let mut s = sb.state();
        *s.calls.entry(endpoint.clone()).or_default() += 1;
        s.take_fault(&endpoint)
    };
    if matches!(
        fault,
        Some(Fault {
            kind: FaultKind::Busy | FaultKind::Http500,
            ..
        })
    ) {
        // Read the whole request first, as a real server does, so the client sees
        // the answer and not a connection closed mid-upload.
        let _ = axum::body::to_bytes(req.into_body(), BODY_MAX).await;
        return match fault.map(|f| f.kind) {
            Some(FaultKind::Busy) => err(-1, "system error").into_response(),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "sandbox: injected 500").into_response(),
        };
    }
    if matches!(
        fault,
        Some(Fault {
            kind: FaultKind::ExpireToken,
            ..
        })
    ) {
        sb.state().expire_tokens();
    }
    if endpoint != "stable_token" {
        let check = {
            let s = sb.state();
            match query.get("access_token") {
                None => Some(err(41001, "access_token missing")),
                Some(t) => match s.tokens.get(t) {
                    None => Some(err(
                        40001,
                        "invalid credential, access_token is invalid or not latest",
                    )),
                    Some(exp) if Instant::now() >= *exp => Some(err(42001, "access_token expired")),
                    Some(_) => None,
                },
            }
        };
        if let Some(e) = check {
            // Read the upload first, as WeChat does: answering mid-upload would
            // leave the client with a broken pipe instead of the 42001.
            let _ = axum::body::to_bytes(req.into_body(), BODY_MAX).await;
            return e.into_response();
        }
    }
    let response = next.run(req).await;
    if matches!(
        fault,
        Some(Fault {
            kind: FaultKind::Lost,
            ..
        })
    ) {
        // Done, but the client is told it was not.
        return err(-1, "system error").into_response();
    }
    if let Some(Fault {
        kind: FaultKind::Timeout,
        stall,
        ..
    }) = fault
    {
        // Handled, but the answer arrives too late for the client.
        tokio::time::sleep(stall).await;
    }
    response
}

async fn stable_token(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if v["grant_type"] != "client_credential" {
        return err(40002, "invalid grant_type");
    }
    if v["appid"] != sb.options.appid.as_str() {
        return err(40013, "invalid appid");
    }
    if v["secret"] != sb.options.secret.as_str() {
        return err(40125, "invalid appsecret");
    }
    let force = v["force_refresh"].as_bool().unwrap_or(false);
    let mut s = sb.state();
    let now = Instant::now();
    let ttl = sb.options.token_ttl;
    if !force {
        if let Some(t) = &s.current_token {
            if let Some(exp) = s.tokens.get(t) {
                if now < *exp {
                    let left = exp.saturating_duration_since(now).as_secs().max(1);
                    return Json(json!({ "access_token": t, "expires_in": left }));
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
    Json(json!({ "access_token": token, "expires_in": ttl.as_secs() }))
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

enum ImageType {
    Jpeg,
    Png,
    Gif,
}

fn sniff(bytes: &[u8]) -> Option<ImageType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageType::Png)
    } else if bytes.starts_with(b"GIF8") {
        Some(ImageType::Gif)
    } else {
        None
    }
}

/// The `media` file of a multipart upload: its file name and bytes.
async fn media_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), Json<Value>> {
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("media") {
            let name = field.file_name().unwrap_or_default().to_string();
            return field
                .bytes()
                .await
                .map(|b| (name, b.to_vec()))
                .map_err(|_| err(41005, "media data missing"));
        }
    }
    Err(err(41005, "media data missing"))
}

async fn upload_image(AxState(sb): AxState<Shared>, multipart: Multipart) -> Json<Value> {
    let bytes = match media_file(multipart).await {
        Ok((_, b)) => b,
        Err(e) => return e,
    };
    if !matches!(sniff(&bytes), Some(ImageType::Jpeg | ImageType::Png)) {
        return err(40005, "invalid file type: uploadimg takes jpg/png");
    }
    if bytes.len() as u64 >= IMAGE_MAX_BYTES {
        return err(
            40009,
            "invalid image size: uploadimg takes images under 1MB",
        );
    }
    let mut s = sb.state();
    let n = s.next_id();
    let url = format!("http://mmbiz.qpic.cn/sandbox/{n}/0");
    s.images.push(Image {
        url: url.clone(),
        bytes: bytes.len(),
    });
    Json(json!({ "url": url }))
}

async fn add_material(
    AxState(sb): AxState<Shared>,
    Query(query): Query<HashMap<String, String>>,
    multipart: Multipart,
) -> Json<Value> {
    if query.get("type").map(String::as_str) != Some("image") {
        return err(40004, "invalid media type: the sandbox takes type=image");
    }
    let (name, bytes) = match media_file(multipart).await {
        Ok(f) => f,
        Err(e) => return e,
    };
    if sniff(&bytes).is_none() {
        return err(40005, "invalid file type");
    }
    if bytes.len() as u64 > MATERIAL_MAX_BYTES {
        return err(40009, "invalid image size: images up to 10MB");
    }
    let mut s = sb.state();
    let n = s.next_id();
    let media_id = format!("sandbox-media-{n}");
    let url = format!("http://mmbiz.qpic.cn/sandbox/material/{n}/0");
    s.materials.push(Material {
        media_id: media_id.clone(),
        name,
        url: url.clone(),
        bytes: bytes.len(),
        update_time: state::now_unix(),
    });
    Json(json!({ "media_id": media_id, "url": url }))
}

/// `material/batchget_material`, newest first. Only `type=image` is kept here.
/// https://developers.weixin.qq.com/doc/service/api/material/permanent/api_batchgetmaterial
async fn material_batchget(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if v["type"] != "image" {
        return err(40004, "invalid media type: the sandbox lists type=image");
    }
    let (offset, count, _) = page(&v);
    let s = sb.state();
    let items: Vec<Value> = s
        .materials
        .iter()
        .rev()
        .skip(offset)
        .take(count)
        .map(|m| {
            json!({ "media_id": m.media_id, "name": m.name, "update_time": m.update_time, "url": m.url })
        })
        .collect();
    Json(json!({ "total_count": s.materials.len(), "item_count": items.len(), "item": items }))
}

fn validate_articles(s: &State, articles: &[DraftArticle]) -> Result<(), Json<Value>> {
    if articles.is_empty() {
        return Err(err(44003, "empty news data"));
    }
    if articles.len() > ARTICLES_MAX {
        return Err(err(45008, "article size out of limit"));
    }
    for a in articles {
        if a.title.trim().is_empty() {
            return Err(err(44003, "empty news data: title"));
        }
        if a.title.chars().count() > TITLE_MAX_CHARS {
            return Err(err(45003, "title size out of limit"));
        }
        if a.digest.chars().count() > DIGEST_MAX_CHARS {
            return Err(err(45004, "description size out of limit"));
        }
        if a.content.trim().is_empty() {
            return Err(err(44004, "empty content"));
        }
        if a.content.chars().count() >= CONTENT_MAX_CHARS || a.content.len() >= CONTENT_MAX_BYTES {
            return Err(err(45002, "content size out of limit"));
        }
        if !s.materials.iter().any(|m| m.media_id == a.thumb_media_id) {
            return Err(err(40007, "invalid media_id: thumb_media_id"));
        }
    }
    Ok(())
}

async fn draft_add(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let articles: Vec<DraftArticle> = match serde_json::from_value(v["articles"].clone()) {
        Ok(a) => a,
        Err(_) => return err(47001, "data format error: articles"),
    };
    let mut s = sb.state();
    if let Err(e) = validate_articles(&s, &articles) {
        return e;
    }
    let n = s.next_id();
    let media_id = format!("sandbox-draft-{n}");
    s.drafts.push(Draft {
        media_id: media_id.clone(),
        articles,
        update_time: state::now_unix(),
    });
    Json(json!({ "media_id": media_id }))
}

fn media_id_of(v: &Value) -> String {
    v["media_id"].as_str().unwrap_or_default().to_string()
}

async fn draft_get(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let id = media_id_of(&v);
    let s = sb.state();
    match s.drafts.iter().find(|d| d.media_id == id) {
        Some(d) => Json(json!({ "news_item": d.articles })),
        None => err(40007, "invalid media_id"),
    }
}

fn page(v: &Value) -> (usize, usize, bool) {
    let offset = v["offset"].as_u64().unwrap_or(0) as usize;
    let count = v["count"].as_u64().unwrap_or(20).clamp(1, 20) as usize;
    let no_content = v["no_content"].as_i64().unwrap_or(0) == 1;
    (offset, count, no_content)
}

fn strip_content(mut articles: Vec<DraftArticle>, no_content: bool) -> Vec<DraftArticle> {
    if no_content {
        for a in &mut articles {
            a.content.clear();
        }
    }
    articles
}

async fn draft_batchget(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (offset, count, no_content) = page(&v);
    let s = sb.state();
    let items: Vec<Value> = s
        .drafts
        .iter()
        .rev()
        .skip(offset)
        .take(count)
        .map(|d| {
            json!({
                "media_id": d.media_id,
                "content": { "news_item": strip_content(d.articles.clone(), no_content) },
                "update_time": d.update_time,
            })
        })
        .collect();
    Json(json!({ "total_count": s.drafts.len(), "item_count": items.len(), "item": items }))
}

async fn draft_delete(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let id = media_id_of(&v);
    let mut s = sb.state();
    match s.drafts.iter().position(|d| d.media_id == id) {
        Some(i) => {
            s.drafts.remove(i);
            err(0, "ok")
        }
        None => err(40007, "invalid media_id"),
    }
}

async fn freepublish_submit(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let id = media_id_of(&v);
    let mut s = sb.state();
    if !s.drafts.iter().any(|d| d.media_id == id) {
        return err(40007, "invalid media_id");
    }
    let n = s.next_id();
    let publish_id = format!("{}", 2_247_483_000u64 + n);
    s.publishes.push(Publish {
        publish_id: publish_id.clone(),
        media_id: id,
        status: 1,
        article_id: None,
        submitted: Some(Instant::now()),
    });
    Json(json!({ "errcode": 0, "errmsg": "ok", "publish_id": publish_id }))
}

async fn freepublish_get(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let id = match &v["publish_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let s = sb.state();
    let Some(p) = s.publishes.iter().find(|p| p.publish_id == id) else {
        return err(53502, "invalid publish_id");
    };
    let mut answer = json!({
        "publish_id": p.publish_id,
        "publish_status": p.status,
        "fail_idx": [],
    });
    if let Some(article_id) = &p.article_id {
        let urls: Vec<Value> = s
            .published
            .iter()
            .find(|a| &a.article_id == article_id)
            .map(|a| {
                a.articles
                    .iter()
                    .enumerate()
                    .map(|(i, art)| json!({ "idx": i + 1, "article_url": art.url }))
                    .collect()
            })
            .unwrap_or_default();
        answer["article_id"] = json!(article_id);
        answer["article_detail"] = json!({ "count": urls.len(), "item": urls });
    }
    Json(answer)
}

async fn freepublish_batchget(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (offset, count, no_content) = page(&v);
    let s = sb.state();
    // Only free publishes are listed; broadcasts (群发) are not, and no API lists them:
    // https://developers.weixin.qq.com/community/develop/doc/0006e42c5f08682e9bd2f96006bc00
    let listed: Vec<&state::Published> = s.published.iter().filter(|p| !p.broadcast).collect();
    let items: Vec<Value> = listed
        .iter()
        .rev()
        .skip(offset)
        .take(count)
        .map(|p| {
            json!({
                "article_id": p.article_id,
                "content": { "news_item": strip_content(p.articles.clone(), no_content) },
                "update_time": p.update_time,
            })
        })
        .collect();
    Json(json!({ "total_count": listed.len(), "item_count": items.len(), "item": items }))
}

async fn mass_sendall(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if v["msgtype"] != "mpnews" {
        return err(40008, "invalid message type: the sandbox sends mpnews");
    }
    let media_id = v["mpnews"]["media_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let clientmsgid = v["clientmsgid"].as_str().map(str::to_string);
    let to_all = v["filter"]["is_to_all"].as_bool().unwrap_or(false);
    let tag_id = v["filter"]["tag_id"].as_u64();
    if !to_all && tag_id.is_none() {
        return err(40003, "invalid filter: set is_to_all or tag_id");
    }
    let mut s = sb.state();
    if let Some(id) = &clientmsgid {
        if id.len() > 64 {
            return err(40003, "clientmsgid longer than 64");
        }
        if let Some(first) = s.sends.iter().find(|x| x.clientmsgid.as_ref() == Some(id)) {
            return Json(json!({
                "errcode": 45065,
                "errmsg": "clientmsgid exist",
                "msg_id": first.msg_id,
            }));
        }
    }
    let Some(pos) = s.drafts.iter().position(|d| d.media_id == media_id) else {
        return err(40007, "invalid media_id");
    };
    if s.sends_in_period(sb.options.account) >= state::quota(sb.options.account) {
        return err(45028, "has no masssend quota");
    }
    let n = s.next_id();
    let msg_id = 1_000_000_000 + n;
    // A broadcast publishes the draft: it leaves the draft box.
    let draft = s.drafts.remove(pos);
    let article_id = format!("sandbox-article-{n}");
    let articles = state::with_urls(&article_id, draft.articles);
    s.published.push(state::Published {
        article_id,
        broadcast: true,
        publish_id: None,
        articles,
        update_time: state::now_unix(),
    });
    s.sends.push(Send {
        msg_id,
        media_id,
        clientmsgid,
        to_all,
        tag_id,
        at: state::now_unix(),
    });
    Json(json!({
        "errcode": 0,
        "errmsg": "send job submission success",
        "msg_id": msg_id,
        "msg_data_id": 2_000_000_000u64 + n,
    }))
}

async fn mass_get(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let id = v["msg_id"]
        .as_u64()
        .or_else(|| v["msg_id"].as_str().and_then(|s| s.parse().ok()));
    let s = sb.state();
    match s.sends.iter().find(|x| Some(x.msg_id) == id) {
        Some(x) => Json(json!({ "msg_id": x.msg_id, "msg_status": "SEND_SUCCESS" })),
        None => err(40007, "invalid msg_id"),
    }
}

async fn mass_preview(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let media_id = v["mpnews"]["media_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let towxname = v["towxname"]
        .as_str()
        .or_else(|| v["touser"].as_str())
        .unwrap_or_default()
        .to_string();
    if towxname.is_empty() {
        return err(40132, "invalid wechat name");
    }
    let mut s = sb.state();
    if !s.drafts.iter().any(|d| d.media_id == media_id) {
        return err(40007, "invalid media_id");
    }
    let n = s.next_id();
    s.previews.push(Preview { media_id, towxname });
    Json(json!({ "errcode": 0, "errmsg": "preview success", "msg_id": 3_000_000_000u64 + n }))
}

async fn admin_fault(AxState(sb): AxState<Shared>, Json(req): Json<FaultRequest>) -> Json<Value> {
    let mut s = sb.state();
    s.faults
        .entry(req.endpoint.trim_start_matches('/').to_string())
        .or_default()
        .push_back(Fault {
            kind: req.kind,
            remaining: req.count.max(1),
            stall: Duration::from_millis(req.stall_ms),
        });
    err(0, "ok")
}

async fn admin_expire_token(AxState(sb): AxState<Shared>) -> Json<Value> {
    sb.state().expire_tokens();
    err(0, "ok")
}

/// Publishes a draft at once, as the writer pressing 发表 in the backend does:
/// no publish_id reaches any API client.
async fn admin_publish_by_hand(AxState(sb): AxState<Shared>, body: Bytes) -> Json<Value> {
    let v = match parse_json(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let id = media_id_of(&v);
    let mut s = sb.state();
    let Some(pos) = s.drafts.iter().position(|d| d.media_id == id) else {
        return err(40007, "invalid media_id");
    };
    let draft = s.drafts.remove(pos);
    let article_id = format!("sandbox-article-{}", s.next_id());
    let articles = state::with_urls(&article_id, draft.articles);
    s.published.push(state::Published {
        article_id: article_id.clone(),
        broadcast: false,
        publish_id: None,
        articles,
        update_time: state::now_unix(),
    });
    Json(json!({ "errcode": 0, "errmsg": "ok", "article_id": article_id }))
}

async fn admin_state(AxState(sb): AxState<Shared>) -> Json<Value> {
    let s = sb.state();
    Json(serde_json::to_value(&*s).unwrap_or_default())
}

/// Serves until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, sandbox: Shared) -> std::io::Result<()> {
    axum::serve(listener, router(sandbox)).await
}

/// A sandbox running on its own thread and runtime, for tests and embedding.
pub struct Running {
    pub addr: SocketAddr,
    pub sandbox: Shared,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts a sandbox on `addr` (use port 0 for a free port) in a background thread.
pub fn spawn(addr: SocketAddr, options: Options) -> std::io::Result<Running> {
    let std_listener = std::net::TcpListener::bind(addr)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let sandbox = Sandbox::new(options);
    let shared = sandbox.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("wxpress-sandbox".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener)?;
                serve(listener, shared).await
            })
        })?;
    Ok(Running { addr, sandbox })
}
