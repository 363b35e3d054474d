//! The WeChat Official Account server API client: access token, image uploads,
//! drafts, free publish and mass send.
//!
//! Reading and uploading calls are retried with exponential backoff and jitter when
//! WeChat is busy (errcode -1), answers 5xx, times out or cannot be reached. Calls
//! that create something (`draft/add`, `freepublish/submit`, `message/mass/sendall`)
//! are repeated only when WeChat certainly did not handle them (busy, no
//! connection); otherwise the error comes back and the publish protocol reconciles
//! with WeChat before trying again.

mod error;
pub mod limits;
pub mod types;

pub use error::{WechatError, BUSY, DUPLICATE_CLIENTMSGID, INVALID_MEDIA_ID, NO_MASS_QUOTA};
pub use types::*;

use backon::{BlockingRetryable, ExponentialBuilder};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, Instant};

pub const DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";

/// A secret string (the app secret, an access token): never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How hard to retry transient failures.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_times: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Upper bound on the time spent sleeping between attempts of one call.
    pub total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_times: 5,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            total_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_times)
            .with_total_delay(Some(self.total_delay))
    }
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub api_base: String,
    pub appid: String,
    pub secret: Secret,
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

struct Token {
    value: Secret,
    /// Renewed a little before WeChat says it expires.
    fresh_until: Instant,
}

enum Body {
    Json(Value),
    File {
        name: String,
        bytes: Vec<u8>,
        mime: &'static str,
    },
}

/// A blocking client for one account. Not `Sync`: one run uses one client.
pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    appid: String,
    secret: Secret,
    retry: RetryPolicy,
    token: RefCell<Option<Token>>,
    /// Called with a one-line note before each retry (never contains secrets).
    on_retry: Box<dyn Fn(&str)>,
}

impl Client {
    pub fn new(opts: ClientOptions) -> Result<Client, WechatError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("wxpress/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WechatError::Other {
                endpoint: "client".into(),
                detail: e.without_url().to_string(),
            })?;
        Ok(Client {
            http,
            base: opts.api_base,
            appid: opts.appid,
            secret: opts.secret,
            retry: opts.retry,
            token: RefCell::new(None),
            on_retry: Box::new(|note| eprintln!("  {note}")),
        })
    }

    pub fn on_retry(mut self, f: impl Fn(&str) + 'static) -> Self {
        self.on_retry = Box::new(f);
        self
    }

    /// `cgi-bin/stable_token`: the same token is returned until it expires unless
    /// `force_refresh`, which is only used after WeChat refused the current one.
    fn fetch_token(&self, force_refresh: bool) -> Result<Token, WechatError> {
        let body = Body::Json(json!({
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret.expose(),
            "force_refresh": force_refresh,
        }));
        let started = Instant::now();
        let v = self.with_retry("stable_token", false, || {
            self.send_once("stable_token", None, &body, &[])
        })?;
        let value = v["access_token"].as_str().ok_or(WechatError::Other {
            endpoint: "stable_token".into(),
            detail: "the answer has no access_token".into(),
        })?;
        let expires_in = v["expires_in"].as_u64().unwrap_or(7200);
        // Renew five minutes early (or at half-life for short-lived tokens).
        let margin = (expires_in / 2).min(300);
        Ok(Token {
            value: Secret::new(value),
            fresh_until: started + Duration::from_secs(expires_in - margin),
        })
    }

    fn token(&self, force_refresh: bool) -> Result<Secret, WechatError> {
        if !force_refresh {
            if let Some(t) = self.token.borrow().as_ref() {
                if Instant::now() < t.fresh_until {
                    return Ok(t.value.clone());
                }
            }
        }
        let t = self.fetch_token(force_refresh)?;
        let value = t.value.clone();
        *self.token.borrow_mut() = Some(t);
        Ok(value)
    }

    fn call(&self, endpoint: &str, body: Body, creating: bool) -> Result<Value, WechatError> {
        self.call_accepting(endpoint, body, creating, &[])
    }

    /// Like `call`, but the errcodes in `accept` come back as answers.
    fn call_accepting(
        &self,
        endpoint: &str,
        body: Body,
        creating: bool,
        accept: &[i64],
    ) -> Result<Value, WechatError> {
        let token = self.token(false)?;
        let result = self.with_retry(endpoint, creating, || {
            self.send_once(endpoint, Some(&token), &body, accept)
        });
        match result {
            // A refused token was certainly not used to do anything: refresh once, retry.
            Err(e) if e.is_token_error() => {
                let token = self.token(true)?;
                self.with_retry(endpoint, creating, || {
                    self.send_once(endpoint, Some(&token), &body, accept)
                })
            }
            other => other,
        }
    }

    fn with_retry(
        &self,
        endpoint: &str,
        creating: bool,
        f: impl FnMut() -> Result<Value, WechatError>,
    ) -> Result<Value, WechatError> {
        f.retry(self.retry.backoff())
            .sleep(std::thread::sleep)
            .when(|e: &WechatError| {
                if creating {
                    e.is_transient_for_create()
                } else {
                    e.is_transient()
                }
            })
            .notify(|e: &WechatError, after: Duration| {
                let reason = match e {
                    WechatError::Api { code, .. } => format!("WeChat busy ({code})"),
                    WechatError::Http { status, .. } => format!("HTTP {status}"),
                    WechatError::Timeout { .. } => "timeout".into(),
                    WechatError::Connect { .. } => "cannot connect".into(),
                    other => other.to_string(),
                };
                (self.on_retry)(&format!(
                    "retrying {endpoint} in {:.1}s: {reason}",
                    after.as_secs_f64()
                ));
            })
            .call()
    }

    fn send_once(
        &self,
        endpoint: &str,
        token: Option<&Secret>,
        body: &Body,
        accept: &[i64],
    ) -> Result<Value, WechatError> {
        let (path, query) = endpoint.split_once('?').unwrap_or((endpoint, ""));
        let mut req = self.http.post(format!("{}/cgi-bin/{path}", self.base));
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            req = req.query(&[(k, v)]);
        }
        if let Some(t) = token {
            req = req.query(&[("access_token", t.expose())]);
        }
        req = match body {
            Body::Json(v) => req.json(v),
            Body::File { name, bytes, mime } => {
                let part = reqwest::blocking::multipart::Part::bytes(bytes.clone())
                    .file_name(name.clone())
                    .mime_str(mime)
                    .expect("static mime type is valid");
                req.multipart(reqwest::blocking::multipart::Form::new().part("media", part))
            }
        };
        let transport = |e: reqwest::Error| {
            let endpoint = endpoint.to_string();
            if e.is_timeout() {
                WechatError::Timeout { endpoint }
            } else if e.is_connect() {
                WechatError::Connect {
                    endpoint,
                    detail: root_cause(&e.without_url()),
                }
            } else {
                WechatError::Other {
                    endpoint,
                    detail: root_cause(&e.without_url()),
                }
            }
        };
        let resp = req.send().map_err(transport)?;
        let status = resp.status();
        let text = resp.text().map_err(transport)?;
        if !status.is_success() {
            return Err(WechatError::Http {
                endpoint: endpoint.to_string(),
                status: status.as_u16(),
            });
        }
        let v: Value = serde_json::from_str(&text).map_err(|e| WechatError::Other {
            endpoint: endpoint.to_string(),
            detail: format!("the answer is not JSON ({e})"),
        })?;
        match v.get("errcode").and_then(Value::as_i64) {
            Some(0) | None => Ok(v),
            Some(code) if accept.contains(&code) => Ok(v),
            Some(code) => Err(WechatError::Api {
                endpoint: endpoint.to_string(),
                code,
                message: v["errmsg"].as_str().unwrap_or_default().to_string(),
            }),
        }
    }

    fn field(endpoint: &str, v: &Value, key: &str) -> Result<String, WechatError> {
        match &v[key] {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(WechatError::Other {
                endpoint: endpoint.to_string(),
                detail: format!("the answer has no {key}"),
            }),
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(endpoint: &str, v: Value) -> Result<T, WechatError> {
        serde_json::from_value(v).map_err(|e| WechatError::Other {
            endpoint: endpoint.to_string(),
            detail: format!("unexpected answer: {e}"),
        })
    }

    /// Makes sure the credentials work (fetches a token).
    pub fn authenticate(&self) -> Result<(), WechatError> {
        self.token(false).map(|_| ())
    }

    /// `media/uploadimg`: a body image (JPG/PNG under 1 MB) → its CDN URL.
    pub fn upload_image(&self, file_name: &str, bytes: Vec<u8>) -> Result<String, WechatError> {
        let ep = "media/uploadimg";
        let body = Body::File {
            mime: mime_for(file_name),
            name: file_name.to_string(),
            bytes,
        };
        let v = self.call(ep, body, false)?;
        Self::field(ep, &v, "url")
    }

    /// `material/add_material?type=image`: a permanent image (covers) → media_id.
    pub fn add_image_material(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<String, WechatError> {
        let ep = "material/add_material?type=image";
        let body = Body::File {
            mime: mime_for(file_name),
            name: file_name.to_string(),
            bytes,
        };
        // Creating: each copy takes a place in the account's material library,
        // so an answer that may hide a success is looked up, not retried blindly.
        let v = self.call(ep, body, true)?;
        Self::field("material/add_material", &v, "media_id")
    }

    /// `material/batchget_material?type=image`, newest first: the account's
    /// permanent images with the file names they were uploaded under.
    pub fn material_batchget(&self, offset: u64, count: u64) -> Result<MaterialPage, WechatError> {
        let ep = "material/batchget_material";
        let v = self.call(
            ep,
            Body::Json(json!({ "type": "image", "offset": offset, "count": count })),
            false,
        )?;
        Self::parse(ep, v)
    }

    /// `draft/add` (creating): the draft's media_id.
    pub fn draft_add(&self, articles: &[DraftArticle]) -> Result<String, WechatError> {
        let ep = "draft/add";
        let v = self.call(ep, Body::Json(json!({ "articles": articles })), true)?;
        Self::field(ep, &v, "media_id")
    }

    /// `draft/get`: the draft's articles, or `None` when no such draft exists (40007).
    pub fn draft_get(&self, media_id: &str) -> Result<Option<Vec<DraftArticle>>, WechatError> {
        let ep = "draft/get";
        match self.call(ep, Body::Json(json!({ "media_id": media_id })), false) {
            Ok(v) => Ok(Some(Self::parse::<NewsContent>(ep, v)?.news_item)),
            Err(e) if e.code() == Some(INVALID_MEDIA_ID) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `draft/batchget`, newest first.
    pub fn draft_batchget(&self, offset: u64, count: u64) -> Result<DraftPage, WechatError> {
        let ep = "draft/batchget";
        let v = self.call(
            ep,
            Body::Json(json!({ "offset": offset, "count": count, "no_content": 0 })),
            false,
        )?;
        Self::parse(ep, v)
    }

    pub fn draft_delete(&self, media_id: &str) -> Result<(), WechatError> {
        self.call(
            "draft/delete",
            Body::Json(json!({ "media_id": media_id })),
            false,
        )
        .map(|_| ())
    }

    /// `freepublish/submit` (creating): the publish_id.
    pub fn freepublish_submit(&self, media_id: &str) -> Result<String, WechatError> {
        let ep = "freepublish/submit";
        let v = self.call(ep, Body::Json(json!({ "media_id": media_id })), true)?;
        Self::field(ep, &v, "publish_id")
    }

    pub fn freepublish_get(&self, publish_id: &str) -> Result<PublishStatus, WechatError> {
        let ep = "freepublish/get";
        let v = self.call(ep, Body::Json(json!({ "publish_id": publish_id })), false)?;
        Self::parse(ep, v)
    }

    /// `freepublish/batchget`, newest first.
    pub fn freepublish_batchget(
        &self,
        offset: u64,
        count: u64,
    ) -> Result<PublishedPage, WechatError> {
        let ep = "freepublish/batchget";
        let v = self.call(
            ep,
            Body::Json(json!({ "offset": offset, "count": count, "no_content": 0 })),
            false,
        )?;
        Self::parse(ep, v)
    }

    /// `message/mass/sendall` (creating) with a `clientmsgid`: WeChat refuses a second
    /// send with the same id (45065) and names the first one's msg_id, which is
    /// returned here as a success (`repeat` set): the push was sent, once.
    pub fn mass_sendall(
        &self,
        media_id: &str,
        audience: Audience,
        clientmsgid: &str,
    ) -> Result<Sent, WechatError> {
        let ep = "message/mass/sendall";
        let filter = match audience {
            Audience::All => json!({ "is_to_all": true }),
            Audience::Tag(tag) => json!({ "is_to_all": false, "tag_id": tag }),
        };
        let body = Body::Json(json!({
            "filter": filter,
            "mpnews": { "media_id": media_id },
            "msgtype": "mpnews",
            "send_ignore_reprint": 0,
            "clientmsgid": clientmsgid,
        }));
        // 45065 is an answer, not a failure: it carries the first send's msg_id.
        let v = self.call_accepting(ep, body, true, &[DUPLICATE_CLIENTMSGID])?;
        Ok(Sent {
            msg_id: Self::field(ep, &v, "msg_id")?,
            repeat: v["errcode"].as_i64() == Some(DUPLICATE_CLIENTMSGID),
        })
    }

    /// `message/mass/get`: the send's status, e.g. `SEND_SUCCESS`.
    pub fn mass_get(&self, msg_id: &str) -> Result<String, WechatError> {
        let ep = "message/mass/get";
        let id: Value = msg_id
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or(Value::from(msg_id));
        let v = self.call(ep, Body::Json(json!({ "msg_id": id })), false)?;
        Self::field(ep, &v, "msg_status")
    }

    /// `message/mass/preview`: sends the draft to one WeChat user (by WeChat ID).
    pub fn mass_preview(&self, media_id: &str, towxname: &str) -> Result<(), WechatError> {
        let body = Body::Json(json!({
            "towxname": towxname,
            "mpnews": { "media_id": media_id },
            "msgtype": "mpnews",
        }));
        self.call("message/mass/preview", body, false).map(|_| ())
    }
}

fn mime_for(file_name: &str) -> &'static str {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "image/png"
    } else if lower.ends_with(".gif") {
        "image/gif"
    } else {
        "image/jpeg"
    }
}

/// The innermost cause of a transport error: "connection refused" rather than a
/// chain of wrappers. URLs are stripped before this is called.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
