//! Errors of the WeChat API client, with messages that say what to do about the
//! codes a user will actually meet. No message ever contains the secret, the
//! access token or a request URL (URLs carry the token in their query).

use std::fmt;

/// errcodes that mean "get a new access token and try again".
pub const TOKEN_CODES: [i64; 3] = [40001, 40014, 42001];
/// System busy. WeChat's docs say "try again later", not that nothing happened:
/// a busy answer to a creating call may hide a success (it has been seen after
/// `freepublish/submit` and `draft/add` went through), so such calls are looked up
/// before they are repeated.
pub const BUSY: i64 = -1;
pub const INVALID_MEDIA_ID: i64 = 40007;
pub const DUPLICATE_CLIENTMSGID: i64 = 45065;
pub const NO_MASS_QUOTA: i64 = 45028;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WechatError {
    /// `WXPRESS_APP_SECRET` is not set.
    MissingSecret,
    /// `[wechat] appid` is not set.
    MissingAppid,
    /// WeChat answered with a non-zero errcode.
    Api {
        endpoint: String,
        code: i64,
        message: String,
    },
    /// An HTTP status other than 2xx.
    Http { endpoint: String, status: u16 },
    /// No answer in time: the call may or may not have been handled.
    Timeout { endpoint: String },
    /// Could not connect: the call was certainly not handled.
    Connect { endpoint: String, detail: String },
    /// Any other transport problem, or an answer that is not the expected JSON.
    Other { endpoint: String, detail: String },
}

impl WechatError {
    pub fn code(&self) -> Option<i64> {
        match self {
            WechatError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Worth retrying a call that reads or uploads: WeChat was busy or unreachable.
    pub fn is_transient(&self) -> bool {
        match self {
            WechatError::Api { code, .. } => *code == BUSY,
            WechatError::Http { status, .. } => *status >= 500,
            WechatError::Timeout { .. } | WechatError::Connect { .. } => true,
            _ => false,
        }
    }

    /// Worth retrying a call that creates something without looking first: only
    /// when WeChat certainly did not handle it (the connection never opened).
    pub fn is_transient_for_create(&self) -> bool {
        matches!(self, WechatError::Connect { .. })
    }

    /// The call may have been handled even though we got no good answer: a
    /// creating call must be reconciled before it is tried again.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            WechatError::Api { code, .. } => *code == BUSY,
            WechatError::Http { status, .. } => *status >= 500,
            WechatError::Timeout { .. } | WechatError::Other { .. } => true,
            _ => false,
        }
    }

    pub fn is_token_error(&self) -> bool {
        self.code().is_some_and(|c| TOKEN_CODES.contains(&c))
    }
}

impl std::error::Error for WechatError {}

impl fmt::Display for WechatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WechatError::MissingSecret => f.write_str(
                "the app secret is not set: export WXPRESS_APP_SECRET=… (find it in the WeChat \
                 Official Accounts Platform under 设置与开发 → 基本配置 / Settings and Development → \
                 Basic configuration). wxpress never reads it from a file.",
            ),
            WechatError::MissingAppid => f.write_str(
                "the account's appid is not set: add `appid = \"wx…\"` under [wechat] in config.toml",
            ),
            WechatError::Api {
                endpoint,
                code,
                message,
            } => {
                write!(f, "{endpoint}: WeChat error {code} ({message})")?;
                if let Some(help) = help_for(*code, endpoint) {
                    write!(f, "\n  help: {help}")?;
                }
                Ok(())
            }
            WechatError::Http { endpoint, status } => {
                write!(f, "{endpoint}: WeChat answered HTTP {status}")
            }
            WechatError::Timeout { endpoint } => write!(
                f,
                "{endpoint}: no answer from WeChat in time (check the network, or raise WXPRESS_HTTP_TIMEOUT_MS)"
            ),
            WechatError::Connect { endpoint, detail } => write!(
                f,
                "{endpoint}: cannot connect to the WeChat API ({detail}); check the network and \
                 WXPRESS_API_BASE / [wechat] api_base"
            ),
            WechatError::Other { endpoint, detail } => write!(f, "{endpoint}: {detail}"),
        }
    }
}

/// What to do about the errcodes a user will meet.
fn help_for(code: i64, endpoint: &str) -> Option<String> {
    Some(match code {
        -1 => "WeChat is busy; wxpress already retried (a creating call only after checking \
               that it had not gone through). Run again in a few minutes."
            .into(),
        40001 | 40014 | 42001 => {
            "the access token was refused even after getting a fresh one; check that \
             WXPRESS_APP_SECRET belongs to this appid"
                .into()
        }
        40013 => "[wechat] appid in config.toml is not a valid AppID".into(),
        40125 => {
            "WXPRESS_APP_SECRET is not this account's AppSecret; copy it again from 设置与开发 → \
             基本配置 (or reset it there)"
                .into()
        }
        40164 => {
            "this machine's IP address is not on the account's API IP whitelist: add it in the \
             WeChat Official Accounts Platform under 设置与开发 → 基本配置 → IP白名单 (Settings and \
             Development → Basic configuration → IP whitelist), then run again"
                .into()
        }
        45009 => {
            "the account has used up today's calls of this API; wait until tomorrow (or reset \
             the quota with clear_quota in the platform)"
                .into()
        }
        45011 => "too many calls in a short time; wait a minute and run again".into(),
        45028 => {
            "no mass-send quota left: a subscription account may broadcast once a day, a \
             service account four times a month. Nothing was sent; run again when the quota \
             resets, or use mode = \"publish\" (no push notification, no quota)"
                .into()
        }
        48001 if endpoint.starts_with("datacube/") => format!(
            "WeChat gives the data API ({endpoint}) only to verified accounts (认证的订阅号 or \
             服务号): verify this account in the Official Accounts Platform (设置与开发 → 账号设置 \
             → 微信认证), or read the numbers in the backend under 内容分析. `wxpress stats \
             --offline` still reports the snapshots already in .wxpress/stats/"
        ),
        61500 | 61501 => "the data API takes dates as YYYY-MM-DD, end_date at most yesterday \
                          (China time) and at most 30 days of publishing per call; wxpress \
                          keeps to that, so check --now and the machine's clock"
            .into(),
        48001 => format!(
            "this account may not call {endpoint}: since July 2025 WeChat refuses \
             freepublish/submit and message/mass/sendall to personal and unverified accounts. \
             Two ways still work: (1) `wxpress publish --mode draft` (or mode = \"draft\" in \
             config.toml) puts the article in the drafts, then press 发表 (publish) on it in the \
             WeChat backend (草稿箱 / Drafts); or (2) run `wxpress serve`, press Copy for WeChat \
             on the post and paste it into the backend's editor"
        ),
        40007 => {
            "the draft or image this media_id names does not exist on WeChat any more (deleted, \
             or already published in the WeChat backend?)"
                .into()
        }
        40005 | 40009 => "images must be JPG or PNG, body images under 1 MB, covers under 10 MB".into(),
        45002 | 45003 | 45004 | 45005 | 45008 | 45110 => format!(
            "a draft allows a title of at most {} characters, an author of at most {}, a summary \
             of at most {}, a source_url of at most {} bytes, content under 20,000 characters \
             and 1 MB, and at most {} articles; run `wxpress check`",
            super::limits::TITLE_MAX_CHARS,
            super::limits::AUTHOR_MAX_CHARS,
            super::limits::DIGEST_MAX_CHARS,
            super::limits::SOURCE_URL_MAX_BYTES,
            super::limits::ARTICLES_MAX,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64) -> WechatError {
        WechatError::Api {
            endpoint: "draft/add".into(),
            code,
            message: "x".into(),
        }
    }

    #[test]
    fn whitelist_error_says_where_to_fix_it() {
        let text = api(40164).to_string();
        assert!(
            text.starts_with("draft/add: WeChat error 40164 (x)"),
            "{text}"
        );
        assert!(text.contains("IP白名单"), "{text}");
    }

    #[test]
    fn permission_error_suggests_draft_mode() {
        let text = api(48001).to_string();
        assert!(text.contains("--mode draft"), "{text}");
        assert!(text.contains("since July 2025"), "{text}");
        assert!(
            text.contains("`wxpress serve`, press Copy for WeChat"),
            "{text}"
        );
    }

    #[test]
    fn the_data_api_says_it_needs_a_verified_account() {
        let e = WechatError::Api {
            endpoint: "datacube/getarticletotaldetail".into(),
            code: 48001,
            message: "api unauthorized".into(),
        };
        let text = e.to_string();
        assert!(text.contains("only to verified accounts"), "{text}");
        assert!(text.contains("--offline"), "{text}");
        assert!(!text.contains("mode = \"draft\""), "{text}");
    }

    #[test]
    fn quota_errors_are_explained() {
        assert!(api(45028).to_string().contains("once a day"));
        assert!(api(45009).to_string().contains("tomorrow"));
        assert!(api(45011).to_string().contains("wait a minute"));
        assert!(api(40007).to_string().contains("does not exist"));
    }

    #[test]
    fn retry_classes() {
        assert!(api(-1).is_transient() && !api(-1).is_transient_for_create());
        assert!(api(-1).is_ambiguous(), "a busy answer may hide a success");
        let http = WechatError::Http {
            endpoint: "x".into(),
            status: 502,
        };
        assert!(http.is_transient() && !http.is_transient_for_create() && http.is_ambiguous());
        let timeout = WechatError::Timeout {
            endpoint: "x".into(),
        };
        assert!(!timeout.is_transient_for_create() && timeout.is_ambiguous());
        assert!(!api(45028).is_transient() && !api(45028).is_ambiguous());
        assert!(api(42001).is_token_error());
    }
}
