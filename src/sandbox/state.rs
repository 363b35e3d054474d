//! What the emulated account holds: tokens, images, drafts, published articles and
//! sends, plus the faults a test asked for. Plain data; the HTTP layer is in the
//! other files of `sandbox`.

use crate::wechat::types::AccountKind;
use crate::wechat::DraftArticle;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub appid: String,
    pub secret: String,
    pub account: AccountKind,
    /// How long `freepublish/submit` stays "publishing" before it succeeds.
    pub publish_delay: Duration,
    pub token_ttl: Duration,
    /// A verified account (认证): only those may use the data API (`datacube/…`),
    /// which answers 48001 otherwise.
    pub verified: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            appid: "wxsandbox0000000".into(),
            secret: "sandbox-secret".into(),
            account: AccountKind::Subscription,
            publish_delay: Duration::from_millis(300),
            token_ttl: Duration::from_secs(7200),
            verified: true,
        }
    }
}

/// How a faulty call fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// errcode -1, "system error"; the call is not handled.
    Busy,
    /// HTTP 500; the call is not handled.
    Http500,
    /// The call *is* handled, but the answer comes only after `stall_ms`, so the
    /// client times out not knowing.
    Timeout,
    /// Every access token expires just before the call: it fails with 42001.
    #[serde(rename = "expire_token")]
    ExpireToken,
    /// The call *is* handled, but the answer is errcode -1, "system error": the
    /// client cannot tell this from a [`FaultKind::Busy`] that did nothing.
    Lost,
    /// errcode 48001, "api unauthorized": what a personal or unverified account
    /// gets from `freepublish/submit` and `message/mass/sendall` since July 2025.
    /// The call is not handled.
    Unauthorized,
    /// errcode 40164, "invalid ip …, not in whitelist": the calling machine is not
    /// on the account's IP allow-list. The call is not handled.
    #[serde(rename = "ip_not_allowed")]
    IpNotAllowed,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FaultRequest {
    /// Endpoint path after `/cgi-bin/`, e.g. `draft/add`.
    pub endpoint: String,
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default = "default_stall")]
    pub stall_ms: u64,
}

fn one() -> u32 {
    1
}
fn default_stall() -> u64 {
    5000
}

#[derive(Debug, Clone, Serialize)]
pub struct Image {
    pub url: String,
    pub bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Material {
    pub media_id: String,
    /// The uploaded file's name, which `material/batchget_material` lists.
    pub name: String,
    pub url: String,
    pub bytes: usize,
    pub update_time: i64,
    /// The picture's pixel size, read at upload: a draft's cover crops are
    /// checked against it.
    pub size: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub media_id: String,
    pub articles: Vec<DraftArticle>,
    pub update_time: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Publish {
    pub publish_id: String,
    pub media_id: String,
    /// 1 publishing, 0 success.
    pub status: i64,
    pub article_id: Option<String>,
    #[serde(skip)]
    pub submitted: Option<Instant>,
    /// What `freepublish/submit` answered as `msg_data_id`.
    pub msg_data_id: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub article_id: String,
    /// Sent by `message/mass/sendall`: WeChat does not list broadcasts among the
    /// published articles (`freepublish/batchget` returns only what went through
    /// `freepublish/submit` or the backend's 发表).
    pub broadcast: bool,
    pub publish_id: Option<String>,
    pub articles: Vec<DraftArticle>,
    pub update_time: i64,
    /// The push's id in the data API (`msgid` = `<msg_data_id>_<index>`).
    pub msg_data_id: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Send {
    pub msg_id: u64,
    pub media_id: String,
    pub clientmsgid: Option<String>,
    pub to_all: bool,
    pub tag_id: Option<u64>,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub media_id: String,
    pub towxname: String,
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub kind: FaultKind,
    pub remaining: u32,
    pub stall: Duration,
}

#[derive(Debug, Default, Serialize)]
pub struct State {
    pub images: Vec<Image>,
    pub materials: Vec<Material>,
    /// Current drafts, oldest first.
    pub drafts: Vec<Draft>,
    pub publishes: Vec<Publish>,
    pub published: Vec<Published>,
    pub sends: Vec<Send>,
    pub previews: Vec<Preview>,
    /// Calls per endpoint, faulty ones included.
    pub calls: BTreeMap<String, u64>,
    /// Every token issued, for tests that check none leaked (they are fake anyway).
    pub tokens_issued: Vec<String>,
    #[serde(skip)]
    pub tokens: HashMap<String, Instant>,
    #[serde(skip)]
    pub current_token: Option<String>,
    #[serde(skip)]
    pub faults: HashMap<String, VecDeque<Fault>>,
    #[serde(skip)]
    pub seq: u64,
    /// Days the data API's clock is ahead of the real one (`POST
    /// /__sandbox/clock`), so tests can look at published articles days later.
    pub day_offset: i64,
}

impl State {
    pub fn expire_tokens(&mut self) {
        let now = Instant::now();
        for exp in self.tokens.values_mut() {
            *exp = now;
        }
    }

    pub fn next_id(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Takes the next planned fault of an endpoint, if any.
    pub fn take_fault(&mut self, endpoint: &str) -> Option<Fault> {
        let queue = self.faults.get_mut(endpoint)?;
        let fault = queue.front_mut()?;
        fault.remaining -= 1;
        let taken = fault.clone();
        if fault.remaining == 0 {
            queue.pop_front();
        }
        Some(taken)
    }

    /// Moves publishes that have been "publishing" long enough to success: the
    /// draft leaves the draft box and its articles get URLs.
    pub fn advance(&mut self, delay: Duration) {
        let now = Instant::now();
        let due: Vec<usize> = self
            .publishes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.status == 1 && p.submitted.is_some_and(|t| now - t >= delay))
            .map(|(i, _)| i)
            .collect();
        for i in due {
            let media_id = self.publishes[i].media_id.clone();
            let Some(pos) = self.drafts.iter().position(|d| d.media_id == media_id) else {
                // The draft was deleted while publishing: WeChat reports a failure.
                self.publishes[i].status = 3;
                continue;
            };
            let article_id = format!("sandbox-article-{}", self.next_id());
            let publish_id = Some(self.publishes[i].publish_id.clone());
            let msg_data_id = self.publishes[i].msg_data_id;
            self.publish_draft(pos, article_id.clone(), false, publish_id, msg_data_id);
            self.publishes[i].status = 0;
            self.publishes[i].article_id = Some(article_id);
        }
    }

    /// Moves the draft at `pos` out of the draft box into the published articles,
    /// which get URLs: what a free publish, a broadcast and the backend's 发表 do.
    pub fn publish_draft(
        &mut self,
        pos: usize,
        article_id: String,
        broadcast: bool,
        publish_id: Option<String>,
        msg_data_id: u64,
    ) {
        let draft = self.drafts.remove(pos);
        let articles = with_urls(&article_id, draft.articles);
        self.published.push(Published {
            article_id,
            broadcast,
            publish_id,
            articles,
            update_time: now_unix(),
            msg_data_id,
        });
    }

    /// Mass sends in the current quota period (a day for subscription accounts,
    /// a month for service accounts, in China time).
    pub fn sends_in_period(&self, account: AccountKind) -> usize {
        let now = china_now();
        self.sends
            .iter()
            .filter(|s| {
                let at = jiff::Timestamp::from_second(s.at)
                    .unwrap_or_default()
                    .to_zoned(now.time_zone().clone());
                match account {
                    AccountKind::Subscription => at.date() == now.date(),
                    AccountKind::Service => at.year() == now.year() && at.month() == now.month(),
                }
            })
            .count()
    }
}

pub fn with_urls(article_id: &str, articles: Vec<DraftArticle>) -> Vec<DraftArticle> {
    articles
        .into_iter()
        .enumerate()
        .map(|(idx, mut a)| {
            a.url = format!("https://mp.weixin.qq.com/s/{article_id}-{}", idx + 1);
            a
        })
        .collect()
}

pub fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn china_now() -> jiff::Zoned {
    let tz = jiff::tz::db()
        .get("Asia/Shanghai")
        .unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz)
}

pub fn quota(account: AccountKind) -> usize {
    match account {
        AccountKind::Subscription => 1,
        AccountKind::Service => 4,
    }
}
