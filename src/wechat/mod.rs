//! The WeChat Official Account server API client: access token, image uploads,
//! drafts, free publish and mass send.
//!
//! Reading and uploading calls are retried with exponential backoff and jitter when
//! WeChat is busy (errcode -1), answers 5xx, times out or cannot be reached. Calls
//! that create something (`draft/add`, `freepublish/submit`, `message/mass/sendall`)
//! are repeated only when WeChat certainly did not handle them (busy, no
//! connection); otherwise the error comes back and the publish protocol reconciles
//! with WeChat before trying again.

pub mod crop;
pub mod datacube;
mod error;
pub mod limits;
pub mod types;

pub use error::{WechatError, BUSY, DUPLICATE_CLIENTMSGID, INVALID_MEDIA_ID, NO_MASS_QUOTA};
pub use types::*;

use backon::{BlockingRetryable, ExponentialBuilder};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
    /// A request type of [`types`], serialized once.
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
        let ep = "stable_token";
        let body = Body::json(&StableTokenRequest {
            grant_type: "client_credential".into(),
            appid: self.appid.clone(),
            secret: self.secret.expose().to_string(),
            force_refresh,
        });
        let started = Instant::now();
        let v = self.with_retry(ep, false, || self.send_once(ep, None, &body, &[]))?;
        let answer: AccessTokenResponse = Self::parse(ep, v)?;
        let value = Self::present(ep, "access_token", answer.access_token)?;
        let expires_in = answer.expires_in;
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
        // The data API lives beside cgi-bin: `/datacube/…`.
        let prefix = if path.starts_with("datacube/") {
            ""
        } else {
            "cgi-bin/"
        };
        let mut req = self.http.post(format!("{}/{prefix}{path}", self.base));
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
                req.multipart(reqwest::blocking::multipart::Form::new().part(UPLOAD_FIELD, part))
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
        let status = ApiStatus::deserialize(&v).unwrap_or_default();
        match status.errcode {
            0 => Ok(v),
            code if accept.contains(&code) => Ok(v),
            code => Err(WechatError::Api {
                endpoint: endpoint.to_string(),
                code,
                message: status.errmsg,
            }),
        }
    }

    /// Sends a request type and reads the answer as a response type.
    fn request<R: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &impl Serialize,
        creating: bool,
    ) -> Result<R, WechatError> {
        let v = self.call(endpoint, Body::json(body), creating)?;
        Self::parse(endpoint, v)
    }

    /// A value the answer must carry, not empty.
    fn present(endpoint: &str, key: &str, value: String) -> Result<String, WechatError> {
        if value.is_empty() {
            Err(WechatError::Other {
                endpoint: endpoint.to_string(),
                detail: format!("the answer has no {key}"),
            })
        } else {
            Ok(value)
        }
    }

    fn parse<T: DeserializeOwned>(endpoint: &str, v: Value) -> Result<T, WechatError> {
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
        let v = self.call(ep, Body::file(file_name, bytes), false)?;
        let answer: UploadImageResponse = Self::parse(ep, v)?;
        Self::present(ep, "url", answer.url)
    }

    /// `material/add_material?type=image`: a permanent image (covers) → media_id.
    pub fn add_image_material(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<String, WechatError> {
        let ep = "material/add_material?type=image";
        // Creating: each copy takes a place in the account's material library,
        // so an answer that may hide a success is looked up, not retried blindly.
        let v = self.call(ep, Body::file(file_name, bytes), true)?;
        let answer: AddMaterialResponse = Self::parse("material/add_material", v)?;
        Self::present("material/add_material", "media_id", answer.media_id)
    }

    /// `material/batchget_material?type=image`, newest first: the account's
    /// permanent images with the file names they were uploaded under.
    pub fn material_batchget(&self, offset: u64, count: u64) -> Result<MaterialPage, WechatError> {
        let body = MaterialBatchgetRequest {
            kind: "image".into(),
            offset,
            count: Some(count),
        };
        self.request("material/batchget_material", &body, false)
    }

    /// `draft/add` (creating): the draft's media_id.
    pub fn draft_add(&self, articles: &[DraftArticle]) -> Result<String, WechatError> {
        let ep = "draft/add";
        let body = DraftAddRequest {
            articles: articles.to_vec(),
        };
        let answer: DraftAddResponse = self.request(ep, &body, true)?;
        Self::present(ep, "media_id", answer.media_id)
    }

    /// `draft/get`: the draft's articles, or `None` when no such draft exists (40007).
    pub fn draft_get(&self, media_id: &str) -> Result<Option<Vec<DraftArticle>>, WechatError> {
        match self.request::<NewsContent>("draft/get", &MediaIdRequest::new(media_id), false) {
            Ok(content) => Ok(Some(content.news_item)),
            Err(e) if e.code() == Some(INVALID_MEDIA_ID) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `draft/batchget`, newest first.
    pub fn draft_batchget(&self, offset: u64, count: u64) -> Result<DraftPage, WechatError> {
        self.request("draft/batchget", &PageRequest::new(offset, count), false)
    }

    pub fn draft_delete(&self, media_id: &str) -> Result<(), WechatError> {
        self.request::<ApiStatus>("draft/delete", &MediaIdRequest::new(media_id), false)
            .map(|_| ())
    }

    /// `freepublish/submit` (creating): the publish_id, and the msg_data_id the
    /// data API will know the push by.
    pub fn freepublish_submit(&self, media_id: &str) -> Result<Submission, WechatError> {
        let ep = "freepublish/submit";
        let answer: FreepublishSubmitResponse =
            self.request(ep, &MediaIdRequest::new(media_id), true)?;
        Ok(Submission {
            publish_id: Self::present(ep, "publish_id", answer.publish_id)?,
            msg_data_id: answer.msg_data_id,
        })
    }

    pub fn freepublish_get(&self, publish_id: &str) -> Result<PublishStatus, WechatError> {
        let body = PublishIdRequest {
            publish_id: publish_id.to_string(),
        };
        self.request("freepublish/get", &body, false)
    }

    /// `freepublish/batchget`, newest first.
    pub fn freepublish_batchget(
        &self,
        offset: u64,
        count: u64,
    ) -> Result<PublishedPage, WechatError> {
        self.request(
            "freepublish/batchget",
            &PageRequest::new(offset, count),
            false,
        )
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
        let body = Body::json(&MassSendRequest {
            filter: audience.into(),
            mpnews: MpNews::new(media_id),
            msgtype: MSGTYPE_MPNEWS.into(),
            send_ignore_reprint: 0,
            clientmsgid: Some(clientmsgid.to_string()),
        });
        // 45065 is an answer, not a failure: it carries the first send's msg_id.
        let v = self.call_accepting(ep, body, true, &[DUPLICATE_CLIENTMSGID])?;
        let answer: MassSendResponse = Self::parse(ep, v)?;
        let msg_id = answer.msg_id.map(|id| id.to_string()).unwrap_or_default();
        Ok(Sent {
            msg_id: Self::present(ep, "msg_id", msg_id)?,
            repeat: answer.status.errcode == DUPLICATE_CLIENTMSGID,
            msg_data_id: answer.msg_data_id.map(|id| id.to_string()),
        })
    }

    /// `message/mass/get`: the send's status, e.g. `SEND_SUCCESS`.
    pub fn mass_get(&self, msg_id: &str) -> Result<String, WechatError> {
        let ep = "message/mass/get";
        let body = MassGetRequest {
            msg_id: Some(MsgId::parse(msg_id)),
        };
        let answer: MassGetResponse = self.request(ep, &body, false)?;
        Self::present(ep, "msg_status", answer.msg_status)
    }

    /// `message/mass/preview`: sends the draft to one WeChat user (by WeChat ID).
    pub fn mass_preview(&self, media_id: &str, towxname: &str) -> Result<(), WechatError> {
        let body = MassPreviewRequest {
            towxname: Some(towxname.to_string()),
            touser: None,
            mpnews: MpNews::new(media_id),
            msgtype: MSGTYPE_MPNEWS.into(),
        };
        self.call("message/mass/preview", Body::json(&body), false)
            .map(|_| ())
    }
}

impl Body {
    fn json(request: &impl Serialize) -> Body {
        // Serializing a request type into a `Value` cannot fail: all their keys are
        // strings. Going through a `Value` keeps the bytes on the wire what they were
        // when the bodies were written as JSON literals (keys in the same order).
        Body::Json(serde_json::to_value(request).unwrap_or_default())
    }

    fn file(file_name: &str, bytes: Vec<u8>) -> Body {
        Body::File {
            mime: mime_for(file_name),
            name: file_name.to_string(),
            bytes,
        }
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
