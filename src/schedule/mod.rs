//! The schedule: from the posts' `schedule` moments to a calendar of pushes, and
//! what is due at a given instant. Pure functions of config, posts, ledger and a
//! fixed `now`: no clock, no network, no writes.
//!
//! Days and months are counted in the site's timezone (jiff does the DST-safe
//! arithmetic): a subscription account may broadcast once a day, a service
//! account four times a month.

use crate::config::{AccountKind, Config, PublishMode};
use crate::content::Post;
use crate::diagnostic::{self, Diagnostic};
use crate::ledger::{LedgerView, StateName};
use crate::wechat::limits::ARTICLES_MAX;
use jiff::{Timestamp, Zoned};
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::BTreeMap;

pub const RULE_OVERFULL: &str = "schedule-overfull";
pub const RULE_QUOTA: &str = "schedule-quota";
pub const RULE_SLOT: &str = "schedule-slot";
pub const RULE_PAST: &str = "schedule-past";
pub const RULE_POSITION: &str = "schedule-position";

/// Where a push stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its time has not come.
    Upcoming,
    /// Its time has come, within grace: `publish --due` sends it.
    Due,
    /// Started by an earlier run and not finished: the next run finishes it.
    Unfinished,
    /// Every post of it reached the end of its mode.
    Done,
    /// More than `grace` late and never started: not sent automatically.
    Missed,
}

/// One article of a push, in push order (headline first).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub source: String,
    pub title: String,
    pub column: Option<String>,
    pub position: Option<u32>,
    /// Reached the end of its mode in an earlier run (per the ledger).
    pub done: bool,
}

/// Broadcasts used in the push's quota period, counting this one.
#[derive(Debug, Clone, Serialize)]
pub struct Quota {
    /// "2026-12-01" (a day) or "2026-12" (a month), in the site's timezone.
    pub period: String,
    pub used: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScheduledPush {
    /// The moment, in the site's timezone.
    #[serde(serialize_with = "rfc3339")]
    pub at: Zoned,
    pub mode: PublishMode,
    pub status: Status,
    pub items: Vec<Item>,
    /// Only for broadcasts: other modes use no quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
    /// Whether `at` is one of `[schedule] slots` (always true when none are set).
    pub in_slot: bool,
}

fn rfc3339<S: serde::Serializer>(z: &Zoned, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

impl ScheduledPush {
    pub fn overfull(&self) -> bool {
        self.items.len() > ARTICLES_MAX
    }

    pub fn over_quota(&self) -> bool {
        self.quota.as_ref().is_some_and(|q| q.used > q.limit)
    }
}

/// The quota of an account: how many broadcasts per period, and the period of a moment.
pub fn quota_limit(account: AccountKind) -> usize {
    match account {
        AccountKind::Subscription => 1,
        AccountKind::Service => 4,
    }
}

/// The quota period of a moment: its day (subscription) or month (service).
pub fn quota_period(account: AccountKind, at: &Zoned) -> String {
    match account {
        AccountKind::Subscription => at.strftime("%Y-%m-%d").to_string(),
        AccountKind::Service => at.strftime("%Y-%m").to_string(),
    }
}

/// Whether the ledger says this post reached the end of a push's mode, and
/// whether an earlier run started a push of it and did not finish.
/// Also the mode of the push that finished it: what the ledger recorded, not what
/// the config says today.
fn ledger_state(ledger: &LedgerView, source: &str) -> (bool, bool, Option<PublishMode>) {
    let mut done = false;
    let mut started = false;
    let mut done_mode = None;
    for rec in ledger.pushes.values() {
        if !rec.posts.iter().any(|p| p.source == source) {
            continue;
        }
        if rec.state.is_done(rec.mode) {
            done = true;
            done_mode = Some(rec.mode);
        } else if rec.state.touched_wechat() {
            started = true;
        }
    }
    (done, started && !done, done_mode)
}

/// The calendar: every scheduled, non-draft post grouped into pushes by moment
/// (same instant, one push), pushes in time order, articles ordered by
/// `position` then path. `mode` is the mode pushes would be sent in.
pub fn calendar<P: Borrow<Post>>(
    config: &Config,
    mode: PublishMode,
    posts: &[P],
    ledger: &LedgerView,
    now: &Timestamp,
) -> Vec<ScheduledPush> {
    let mut moments: BTreeMap<Timestamp, Vec<&Post>> = BTreeMap::new();
    for post in posts.iter().map(Borrow::borrow).filter(|p| !p.meta.wip) {
        if let Some(at) = &post.meta.schedule {
            moments.entry(at.timestamp()).or_default().push(post);
        }
    }
    let account = config.wechat.account;
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    // Broadcasts sent by hand (posts without a schedule) used quota too.
    let scheduled: std::collections::HashSet<&str> = moments
        .values()
        .flatten()
        .map(|p| p.source.as_str())
        .collect();
    for rec in ledger.pushes.values() {
        let by_hand = !rec
            .posts
            .iter()
            .any(|p| scheduled.contains(p.source.as_str()));
        if rec.state.name() == StateName::Sent && by_hand {
            if let Ok(sent) = rec.at.parse::<Timestamp>() {
                let period = quota_period(account, &sent.to_zoned(config.tz.clone()));
                *used.entry(period).or_default() += 1;
            }
        }
    }
    let mut pushes = Vec::new();
    for (ts, mut group) in moments {
        group.sort_by(|a, b| {
            (a.meta.position.unwrap_or(u32::MAX), &a.source)
                .cmp(&(b.meta.position.unwrap_or(u32::MAX), &b.source))
        });
        let at = ts.to_zoned(config.tz.clone());
        let mut any_started = false;
        let mut recorded_mode = None;
        let items: Vec<Item> = group
            .iter()
            .map(|p| {
                let (done, started, done_mode) = ledger_state(ledger, &p.source);
                any_started |= started;
                recorded_mode = recorded_mode.or(done_mode);
                Item {
                    source: p.source.clone(),
                    title: p.meta.title.clone(),
                    column: p.meta.column.clone(),
                    position: p.meta.position,
                    done,
                }
            })
            .collect();
        let status = if items.iter().all(|i| i.done) {
            Status::Done
        } else if any_started {
            Status::Unfinished
        } else if ts > *now {
            Status::Upcoming
        } else if now.duration_since(ts) <= config.schedule.grace_duration {
            Status::Due
        } else {
            Status::Missed
        };
        // A missed push will not be broadcast automatically, so it takes no quota.
        let quota = (mode == PublishMode::Broadcast && status != Status::Missed).then(|| {
            let period = quota_period(account, &at);
            let n = used.entry(period.clone()).or_default();
            *n += 1;
            Quota {
                period,
                used: *n,
                limit: quota_limit(account),
            }
        });
        let slots = &config.schedule.slot_times;
        let in_slot = slots.is_empty() || slots.contains(&at.time());
        // A push that went out shows the mode it went out in.
        let mode = match (status, recorded_mode) {
            (Status::Done, Some(recorded)) => recorded,
            _ => mode,
        };
        pushes.push(ScheduledPush {
            at,
            mode,
            status,
            items,
            quota,
            in_slot,
        });
    }
    pushes
}

/// The pushes `publish --due` sends at `now`: due ones, and unfinished ones whose
/// time has come (finishing what was started is always right).
pub fn due<'a>(calendar: &'a [ScheduledPush], now: &Timestamp) -> Vec<&'a ScheduledPush> {
    calendar
        .iter()
        .filter(|p| match p.status {
            Status::Due => true,
            Status::Unfinished => p.at.timestamp() <= *now,
            _ => false,
        })
        .collect()
}

/// When the next push not yet done falls due, if any is upcoming.
pub fn next_due(calendar: &[ScheduledPush]) -> Option<Timestamp> {
    calendar
        .iter()
        .filter(|p| p.status == Status::Upcoming)
        .map(|p| p.at.timestamp())
        .min()
}

/// The schedule's problems as check diagnostics, each at the post's `schedule`
/// value: `schedule-overfull` and `schedule-quota` (errors), `schedule-slot` and
/// `schedule-past` (warnings). Pushes already done are history: only overfull
/// and slot problems of pushes still to come are worth a word.
pub fn schedule_diagnostics<P: Borrow<Post>>(
    config: &Config,
    posts: &[P],
    ledger: &LedgerView,
    now: &Timestamp,
) -> Vec<Diagnostic> {
    let cal = calendar(config, config.wechat.mode, posts, ledger, now);
    let mut out = diagnostics_for(config, &cal, posts);
    diagnostic::sort(&mut out);
    out
}

/// `wxpress schedule`'s view: the pushes on the days from `from` to `to` (both
/// included, in the site's timezone; `None`: open-ended), and the calendar problems
/// of the posts in them.
pub fn days<'a, P: Borrow<Post>>(
    config: &Config,
    cal: &'a [ScheduledPush],
    posts: &[P],
    from: Option<jiff::civil::Date>,
    to: Option<jiff::civil::Date>,
) -> (Vec<&'a ScheduledPush>, Vec<Diagnostic>) {
    let shown: Vec<&ScheduledPush> = cal
        .iter()
        .filter(|p| {
            let day = p.at.date();
            from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
        })
        .collect();
    let shown_files: Vec<&str> = shown
        .iter()
        .flat_map(|p| p.items.iter().map(|i| i.source.as_str()))
        .collect();
    let problems = diagnostics_for(config, cal, posts)
        .into_iter()
        .filter(|d| shown_files.contains(&d.file.as_str()))
        .collect();
    (shown, problems)
}

/// The diagnostics of a calendar already built (so `wxpress schedule` shows the
/// same problems as `check` without computing twice).
pub fn diagnostics_for<P: Borrow<Post>>(
    config: &Config,
    cal: &[ScheduledPush],
    posts: &[P],
) -> Vec<Diagnostic> {
    let by_source: BTreeMap<&str, &Post> = posts
        .iter()
        .map(|p| {
            let p: &Post = p.borrow();
            (p.source.as_str(), p)
        })
        .collect();
    let mut out = Vec::new();
    let at_schedule = |source: &str| {
        let post = by_source[source];
        (post.source.clone(), post.value_pos("schedule"))
    };
    for push in cal.iter().filter(|p| p.status != Status::Done) {
        let when = push.at.strftime("%Y-%m-%d %H:%M").to_string();
        if push.overfull() {
            for item in &push.items[ARTICLES_MAX..] {
                let (file, pos) = at_schedule(&item.source);
                out.push(
                    Diagnostic::error(
                        file,
                        pos,
                        RULE_OVERFULL,
                        format!(
                            "{} posts are scheduled at {when}; one push carries at most {ARTICLES_MAX}, and this one is number {} by position",
                            push.items.len(),
                            push.items.iter().position(|i| i.source == item.source).unwrap_or(0) + 1
                        ),
                    )
                    .with_suggestion("move some posts to another time, e.g. the next day's slot"),
                );
            }
        }
        let mut positions: BTreeMap<u32, &str> = BTreeMap::new();
        for item in &push.items {
            let Some(position) = item.position else {
                continue;
            };
            if let Some(first) = positions.insert(position, &item.source) {
                positions.insert(position, first);
                let post = by_source[item.source.as_str()];
                out.push(
                    Diagnostic::error(
                        post.source.clone(),
                        post.value_pos("position"),
                        RULE_POSITION,
                        format!("position {position} is taken twice in the push at {when}: also by {first}"),
                    )
                    .with_suggestion("give each post of one push its own position (1 is the headline)"),
                );
            }
        }
        if let Some(q) = push.quota.as_ref().filter(|_| push.over_quota()) {
            let (file, pos) = at_schedule(&push.items[0].source);
            let per = match config.wechat.account {
                AccountKind::Subscription => "a day (subscription account)",
                AccountKind::Service => "a month (service account)",
            };
            out.push(
                Diagnostic::error(
                    file,
                    pos,
                    RULE_QUOTA,
                    format!(
                        "the broadcast at {when} would be number {} in {}; the account may broadcast {} {per}",
                        q.used, q.period, q.limit
                    ),
                )
                .with_suggestion(
                    "schedule it in another period, join it to that period's other push (same `schedule`), or publish it without a broadcast ([wechat] mode = \"publish\")",
                ),
            );
        }
        if !push.in_slot && matches!(push.status, Status::Upcoming | Status::Due) {
            let slots: Vec<String> = config
                .schedule
                .slot_times
                .iter()
                .map(|t| t.strftime("%H:%M").to_string())
                .collect();
            for item in &push.items {
                let (file, pos) = at_schedule(&item.source);
                out.push(
                    Diagnostic::warning(
                        file,
                        pos,
                        RULE_SLOT,
                        format!(
                            "scheduled at {}, outside the preferred push times",
                            push.at.strftime("%H:%M")
                        ),
                    )
                    .with_suggestion(format!(
                        "use one of [schedule] slots: {} (in {})",
                        slots.join(", "),
                        config.site.timezone()
                    )),
                );
            }
        }
        if push.status == Status::Missed {
            for item in push.items.iter().filter(|i| !i.done) {
                let (file, pos) = at_schedule(&item.source);
                out.push(
                    Diagnostic::warning(
                        file,
                        pos,
                        RULE_PAST,
                        format!(
                            "scheduled at {when}, more than the grace of {:#} ago, and never published: it will not go out automatically",
                            config.schedule.grace_duration
                        ),
                    )
                    .with_suggestion(format!(
                        "publish it by hand (`wxpress publish {}`) or give it a new `schedule`",
                        item.source
                    )),
                );
            }
        }
    }
    out
}

/// The `--now T` of the commands: RFC 3339, or a date and time in the site's
/// timezone; absent, the real clock.
pub fn parse_now(text: Option<&str>, tz: &jiff::tz::TimeZone) -> Result<Timestamp, String> {
    match text {
        None => Ok(Timestamp::now()),
        Some(t) => crate::content::parse_schedule(t, tz)
            .map(|z| z.timestamp())
            .map_err(|e| {
                format!("--now {t:?} is not a moment ({e}); write e.g. 2026-12-01T12:00:00 (site timezone) or 2026-12-01T04:00:00Z")
            }),
    }
}

/// The post files of some pushes, headline first.
pub fn files<'a>(
    pushes: impl IntoIterator<Item = &'a ScheduledPush>,
    posts: &[Post],
) -> Vec<std::path::PathBuf> {
    pushes
        .into_iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| posts.iter().find(|p| p.source == i.source))
        .map(|p| p.path.clone())
        .collect()
}

mod month;
pub use month::{month, parse_month, Day, Month};

#[cfg(test)]
mod tests;
