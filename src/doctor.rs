//! `wxpress doctor`: a site's setup checked end to end, changing nothing: the
//! config, the posts (images and covers included), the account's credentials, the
//! token, which publishing modes the account may use, and the broadcast quota.
//!
//! Every call it makes to WeChat only reads: `stable_token`, `draft/batchget` and
//! `freepublish/batchget` (one item each). Nothing is uploaded, drafted or sent.

use crate::config::{Config, PublishMode, WechatConfig};
use crate::diagnostic::Diagnostic;
use crate::ledger::{self, LedgerView};
use crate::schedule;
use crate::site::{Selection, Site};
use crate::wechat::{Client, ClientOptions, WechatError};
use serde::Serialize;
use std::path::Path;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    /// Works, but something deserves a look.
    Warn,
    /// Publishing would fail here.
    Fail,
    /// Not checked: an earlier check failed.
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// A short stable name: `config`, `posts`, `appid`, `secret`, `token`, `draft`,
    /// `publish`, `mode`, `quota`.
    pub name: &'static str,
    pub outcome: Outcome,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Check {
    fn new(name: &'static str, outcome: Outcome, detail: impl Into<String>) -> Check {
        Check {
            name,
            outcome,
            detail: detail.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Check {
        self.help = Some(help.into());
        self
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .count()
    }
}

/// Runs every check on the site at `root`. `api` resolves the API client's options
/// from the site's `[wechat]` table as the command line does (the secret comes only
/// from the environment, which only `cli` reads), or says why there are none.
pub fn run(
    root: &Path,
    api: impl FnOnce(&WechatConfig) -> Result<ClientOptions, WechatError>,
    now: jiff::Timestamp,
) -> Report {
    let mut checks = Vec::new();
    let site = match Site::load(root) {
        Ok(site) => site,
        Err(diags) => {
            checks.push(
                Check::new(
                    "config",
                    Outcome::Fail,
                    format!("the site does not load: {}", first(&diags)),
                )
                .help("`wxpress check` lists every problem with its position"),
            );
            return Report { checks };
        }
    };
    let config = &site.config;
    checks.push(Check::new(
        "config",
        Outcome::Ok,
        format!(
            "config.toml loads: {}, {:?} account, pushes as {}",
            config.site.timezone(),
            config.wechat.account,
            config.wechat.mode.name()
        )
        .to_lowercase(),
    ));
    checks.push(posts(&site, now));

    let api = match api(&config.wechat) {
        Ok(api) => {
            checks.push(Check::new(
                "appid",
                Outcome::Ok,
                format!("appid {}", api.appid),
            ));
            checks.push(Check::new(
                "secret",
                Outcome::Ok,
                "WXPRESS_APP_SECRET is set (not shown)",
            ));
            Some(api)
        }
        Err(WechatError::MissingAppid) => {
            checks.push(
                Check::new("appid", Outcome::Fail, "[wechat] appid is not set")
                    .help("add appid = \"wx…\" under [wechat] in config.toml (设置与开发 → 基本配置 → 开发者ID)"),
            );
            None
        }
        Err(WechatError::MissingSecret) => {
            checks.push(Check::new("appid", Outcome::Ok, "appid is set"));
            checks.push(
                Check::new("secret", Outcome::Fail, "WXPRESS_APP_SECRET is not set")
                    .help("export WXPRESS_APP_SECRET=… (设置与开发 → 基本配置 → 开发者密码); wxpress reads it only from the environment and never writes it anywhere"),
            );
            None
        }
        Err(other) => {
            checks.push(Check::new("appid", Outcome::Fail, first_line(&other)));
            None
        }
    };
    match api.map(Client::new) {
        Some(Ok(client)) => checks.extend(account(&client, config)),
        Some(Err(e)) => checks.push(Check::new("token", Outcome::Fail, first_line(&e))),
        None => {
            for name in ["token", "draft", "publish"] {
                checks.push(Check::new(
                    name,
                    Outcome::Skip,
                    "needs the appid and the secret",
                ));
            }
        }
    }
    checks.push(quota(root, &site, now));
    Report { checks }
}

/// The posts as `check` sees them: errors stop publish; image and cover
/// problems are named apart, since they are the common ones.
fn posts(site: &Site, now: jiff::Timestamp) -> Check {
    let report = site.check(&Selection::all(), now);
    let errors: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    let warnings = report.diagnostics.len() - errors.len();
    let images = errors
        .iter()
        .filter(|d| d.rule.starts_with("image") || d.rule.starts_with("cover"))
        .count();
    let detail = format!(
        "{} post(s): {} error(s) ({images} about images or covers), {warnings} warning(s)",
        report.checked,
        errors.len()
    );
    match errors.first() {
        None => Check::new("posts", Outcome::Ok, detail),
        Some(d) => Check::new(
            "posts",
            Outcome::Fail,
            format!("{detail}; first: {}", line(d)),
        )
        .help("`wxpress check` lists them all; publish refuses a post with errors"),
    }
}

/// Token, draft box and publish permission: read-only calls.
fn account(client: &Client, config: &Config) -> Vec<Check> {
    let mut out = Vec::new();
    if let Err(e) = client.authenticate() {
        let help = match e.code() {
            Some(40164) => "add this machine's public IP to the account's IP allow-list (设置与开发 → 基本配置 → IP白名单), or publish from a machine that is on it",
            Some(40013) => "check [wechat] appid against 设置与开发 → 基本配置 → 开发者ID",
            Some(40125) => "the secret does not match the appid: reset it in 设置与开发 → 基本配置 and export the new one",
            _ => "`wxpress publish` would stop here too",
        };
        out.push(Check::new("token", Outcome::Fail, first_line(&e)).help(help));
        for name in ["draft", "publish"] {
            out.push(Check::new(name, Outcome::Skip, "needs an access token"));
        }
        return out;
    }
    out.push(Check::new(
        "token",
        Outcome::Ok,
        "an access token was issued",
    ));
    out.push(match client.draft_batchget(0, 1) {
        Ok(page) => Check::new(
            "draft",
            Outcome::Ok,
            format!("the draft box can be used ({} draft(s) in it)", page.total_count),
        ),
        Err(e) => Check::new("draft", Outcome::Fail, first_line(&e))
            .help("no mode can work without the draft box: check the account's API permissions (设置与开发 → 接口权限)"),
    });
    // `freepublish/batchget` belongs to the same permission as `freepublish/submit`:
    // what personal and unverified accounts lost in July 2025 (48001). It only reads.
    let wants_publish = config.wechat.mode != PublishMode::Draft;
    out.push(match client.freepublish_batchget(0, 1) {
        Ok(page) => Check::new(
            "publish",
            Outcome::Ok,
            format!(
                "publishing is allowed ({} article(s) published so far)",
                page.total_count
            ),
        ),
        Err(e) if e.code() == Some(48001) => Check::new(
            "publish",
            if wants_publish { Outcome::Fail } else { Outcome::Warn },
            format!(
                "this account may not publish or broadcast through the API (48001); config.toml pushes as {}",
                config.wechat.mode.name()
            ),
        )
        .help("set mode = \"draft\" under [wechat] and press publish in the backend, or use Copy for WeChat in `wxpress serve`; personal and unverified accounts lost this API in July 2025"),
        Err(e) => Check::new("publish", Outcome::Fail, first_line(&e)),
    });
    out
}

/// Broadcasts already sent in the current quota period, per the ledger.
fn quota(root: &Path, site: &Site, now: jiff::Timestamp) -> Check {
    let config = &site.config;
    if config.wechat.mode != PublishMode::Broadcast {
        return Check::new(
            "quota",
            Outcome::Ok,
            format!("{} uses no broadcast quota", config.wechat.mode.name()),
        );
    }
    let view = match LedgerView::read(&ledger::path(root)) {
        Ok(view) => view,
        Err(d) => return Check::new("quota", Outcome::Fail, d.to_string()),
    };
    let (posts, _) = crate::content::load_all(root, config);
    let calendar = schedule::calendar(config, config.wechat.mode, &posts, &view, &now);
    let account = config.wechat.account;
    let period = schedule::quota_period(account, &now.to_zoned(config.tz.clone()));
    let limit = schedule::quota_limit(account);
    let used = calendar
        .iter()
        .filter(|p| p.status == schedule::Status::Done)
        .filter(|p| schedule::quota_period(account, &p.at) == period)
        .count();
    let detail = format!("{used} of {limit} broadcast(s) used in {period}");
    if used >= limit {
        Check::new("quota", Outcome::Warn, detail)
            .help("the next broadcast waits for the next period; `wxpress schedule` shows when")
    } else {
        Check::new("quota", Outcome::Ok, detail)
    }
}

/// An error's first line: its own help lines are replaced by the check's.
fn first_line(e: &WechatError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

fn first(diags: &[Diagnostic]) -> String {
    diags.first().map_or_else(String::new, line)
}

fn line(d: &Diagnostic) -> String {
    format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message)
}
