//! `publish --daemon`: a scheduler loop around [`Session::due`] and [`Session::run`].
//!
//! The ledger is its only state: every wake-up re-reads config, posts and ledger,
//! publishes what is due, then sleeps until the next push (at most the rescan
//! interval, so edited or new posts are seen). A restart loses nothing. The stop
//! flag is looked at between pushes, so the push in flight is finished and the
//! others wait for the next start.
//!
//! Once a day, after publishing, it also fetches the data API's numbers into
//! `.wxpress/stats/` (see [`DailyStats`] and `stats::daily`): never while a push is
//! due or about to be, and a failure is a log line, tried again later.

use super::{ClientSource, Event, Outcome, Session, Settings, Stopped};
use crate::config::Config;
use crate::config::PublishMode;
use crate::diagnostic::Diagnostic;
use crate::ledger::StateName;
use crate::site::Site;
use crate::stats::{self, daily, StatsError, Store};
use crate::wechat::{Client, WechatError};
use serde::Serialize;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often a sleep looks at the stop flag and the wall clock.
const TICK: Duration = Duration::from_millis(100);

/// A statistics fetch waits while a push is due within this long: publishing
/// first, and a slow data API must not hold up a push.
const PUSH_FIRST: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);

/// The account may not use the data API (unverified): trying again cannot help.
const UNAUTHORIZED: i64 = 48001;

pub struct Options {
    pub settings: Settings,
    /// How long to wait for another run's lock.
    pub lock_wait: Duration,
    /// Longest sleep between two looks at the posts.
    pub rescan: Duration,
    /// The daily statistics fetch; `None` with `--no-stats`.
    pub stats: Option<DailyStats>,
}

/// How the daemon fetches statistics once a day, at `[stats] fetch_at` (read
/// from config.toml at every wake-up, like the posts).
pub struct DailyStats {
    /// How long to wait after a failed fetch before trying again.
    pub retry: Duration,
    /// The clock the fetch time and the statistics day are judged by: the wall
    /// clock, but tests let days pass with it (the sandbox's data API has a
    /// clock of its own to match). Publishing always goes by the wall clock.
    pub clock: Rc<dyn Fn() -> jiff::Timestamp>,
}

impl DailyStats {
    pub fn new(retry: Duration) -> DailyStats {
        DailyStats {
            retry,
            clock: Rc::new(jiff::Timestamp::now),
        }
    }
}

/// What the statistics fetch remembers between wake-ups of one run (the last
/// day fetched is in `.wxpress/stats/`, so a restart keeps it).
#[derive(Default)]
struct StatsState {
    /// After a failure: not before this moment (on the stats clock).
    retry_at: Option<jiff::Timestamp>,
    /// 48001: the account cannot use the data API; no more tries this run.
    given_up: bool,
}

/// What the daemon did, one event per line of its log (`event` names the variant).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DaemonEvent {
    Start {
        root: String,
        mode: PublishMode,
        pid: u32,
        rescan_ms: u64,
        /// Statistics are fetched daily (not `--no-stats`).
        stats: bool,
    },
    /// Problems in config or posts, for the person reading stderr.
    #[serde(skip)]
    Problems(Vec<Diagnostic>),
    Due {
        push: String,
        titles: Vec<String>,
    },
    Step {
        message: String,
    },
    Retry {
        message: String,
    },
    Waiting {
        message: String,
    },
    Published(PushReport),
    Unchanged(PushReport),
    Failed {
        push: String,
        state: StateName,
        titles: Vec<String>,
        error: String,
    },
    /// Due work left undone: `refusals` from the ledger, `problems` the
    /// diagnostics that held it back (over quota, unreadable, errors).
    Refused {
        message: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        refusals: Vec<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        problems: Vec<Diagnostic>,
    },
    Error {
        message: String,
    },
    /// The daily fetch wrote `added` new snapshot lines for `articles`
    /// articles published `from`..=`to`; `next` is the next daily fetch.
    StatsFetched {
        from: String,
        to: String,
        calls: usize,
        articles: usize,
        added: usize,
        /// WeChat is still computing some numbers; tomorrow's fetch rereads them.
        is_delay: bool,
        next: String,
    },
    /// The daily fetch failed: tried again at `retry_at`, or (None) not again
    /// in this run, as `reason` explains.
    StatsFailed {
        reason: String,
        retry_at: Option<String>,
    },
    Sleep {
        until: String,
        next_push: Option<String>,
        /// When the statistics are fetched next (on the stats clock).
        next_stats: Option<String>,
    },
    Stop {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct PushReport {
    pub push: String,
    pub mode: PublishMode,
    pub state: StateName,
    pub titles: Vec<String>,
    pub media_id: Option<String>,
    pub publish_id: Option<String>,
    pub msg_id: Option<String>,
}

/// Runs until `stop` is set, then returns.
pub fn run(
    root: &Path,
    options: &Options,
    client: &ClientSource,
    log: Rc<dyn Fn(DaemonEvent)>,
    stop: &AtomicBool,
) {
    log(DaemonEvent::Start {
        root: root.display().to_string(),
        mode: options.settings.mode,
        pid: std::process::id(),
        rescan_ms: options.rescan.as_millis() as u64,
        stats: options.stats.is_some(),
    });
    let mut stats_state = StatsState::default();
    while !stop.load(Ordering::SeqCst) {
        // After an error, sleep the whole rescan interval: no hammering.
        let next = wake_up(root, options, client, &log, stop).unwrap_or(None);
        if stop.load(Ordering::SeqCst) {
            break;
        }
        // Publishing first: the fetch runs after the pushes of this wake-up.
        let next_stats = options
            .stats
            .as_ref()
            .and_then(|daily| fetch_stats(root, daily, next, client, &log, &mut stats_state));
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let now = jiff::Timestamp::now();
        let cap = now
            .checked_add(jiff::SignedDuration::try_from(options.rescan).unwrap_or_default())
            .unwrap_or(jiff::Timestamp::MAX);
        let mut until = next.map_or(cap, |n| n.min(cap));
        if let (Some(daily), Some(at)) = (&options.stats, next_stats) {
            // The stats clock may run ahead of the wall clock: wait its distance.
            let wait = at
                .duration_since((daily.clock)())
                .max(jiff::SignedDuration::ZERO);
            until = until.min(now.checked_add(wait).unwrap_or(jiff::Timestamp::MAX));
        }
        log(DaemonEvent::Sleep {
            until: until.to_string(),
            next_push: next.map(|n| n.to_string()),
            next_stats: next_stats.map(|n| n.to_string()),
        });
        sleep_until(until, stop);
    }
    log(DaemonEvent::Stop {
        reason: "signal".into(),
    });
}

/// The deadline is on the monotonic clock, so setting the wall clock back does not
/// delay a push; the wall clock is looked at too, so setting it forward (or a
/// suspended laptop waking up) wakes the loop at once. The next wake-up judges
/// what is due by the wall clock again.
fn sleep_until(until: jiff::Timestamp, stop: &AtomicBool) {
    let left = Duration::try_from(until.duration_since(jiff::Timestamp::now())).unwrap_or_default();
    let deadline = Instant::now() + left;
    while !stop.load(Ordering::SeqCst)
        && Instant::now() < deadline
        && jiff::Timestamp::now() < until
    {
        std::thread::sleep(TICK);
    }
}

/// One look at the site: publish what is due. Returns when the next push is due
/// (None: nothing upcoming). An error has been logged; the caller sleeps the
/// rescan interval before trying again, so a failing push is not hammered.
fn wake_up(
    root: &Path,
    options: &Options,
    client: &ClientSource,
    log: &Rc<dyn Fn(DaemonEvent)>,
    stop: &AtomicBool,
) -> Result<Option<jiff::Timestamp>, ()> {
    let error = |message: String| log(DaemonEvent::Error { message });
    let mut site = Site::load(root).map_err(|d| {
        log(DaemonEvent::Problems(d));
        error("config.toml or the theme has errors; see stderr".into());
    })?;
    let due = Session::new(root, &site, options.settings.clone(), options.lock_wait)
        .due(&jiff::Timestamp::now())
        .map_err(|e| error(e.clone()))?;
    if !due.unreadable.is_empty() {
        log(DaemonEvent::Problems(due.unreadable.clone()));
        log(DaemonEvent::Refused {
            message: format!(
                "not sent: {} post(s) whose schedule cannot be read (see stderr)",
                due.unreadable.len()
            ),
            refusals: Vec::new(),
            problems: due.unreadable,
        });
    }
    if due.over_quota_pushes > 0 {
        log(DaemonEvent::Problems(due.over_quota.clone()));
        log(DaemonEvent::Refused {
            message: format!(
                "not sent: {} due push(es) beyond the account's broadcast quota (see stderr)",
                due.over_quota_pushes
            ),
            refusals: Vec::new(),
            problems: due.over_quota,
        });
    }
    if !due.files.is_empty() {
        // Remote images of due posts are fetched now, as `wxpress publish` does; the
        // look above used only the cache, so an idle daemon never hits the network.
        site.images.set_remote(crate::images::Remote::Fetch(
            crate::images::FetchOptions::default(),
        ));
    }
    let session = Session::new(root, &site, options.settings.clone(), options.lock_wait);
    if !due.files.is_empty() {
        let (pushes, warnings) = session.prepare(&due.files).map_err(|d| {
            let errors: Vec<Diagnostic> = d.iter().filter(|d| d.is_error()).cloned().collect();
            log(DaemonEvent::Problems(d));
            log(DaemonEvent::Refused {
                message: format!(
                    "due posts have {} error(s); nothing was sent (see stderr)",
                    errors.len()
                ),
                refusals: Vec::new(),
                problems: errors,
            });
        })?;
        if !warnings.is_empty() {
            log(DaemonEvent::Problems(warnings));
        }
        for p in &pushes {
            log(DaemonEvent::Due {
                push: p.id.clone(),
                titles: p.posts.iter().map(|p| p.post.meta.title.clone()).collect(),
            });
        }
        let events_log = log.clone();
        let events: super::Events = Rc::new(move |event| {
            events_log(match event {
                Event::Step(message) => DaemonEvent::Step { message },
                Event::Retry(message) => DaemonEvent::Retry { message },
                Event::WaitingForLock => DaemonEvent::Waiting {
                    message: "another wxpress run holds the site's lock".into(),
                },
            })
        });
        match session.run(&pushes, client, events, &|| stop.load(Ordering::SeqCst)) {
            Ok(outcomes) => {
                let failed = outcomes.iter().any(|o| o.error.is_some());
                for o in outcomes {
                    log(outcome_event(o));
                }
                if failed {
                    return Err(());
                }
            }
            Err(Stopped::Refused(refusals)) => {
                log(DaemonEvent::Refused {
                    message: "posts an earlier push already took to WeChat".into(),
                    refusals,
                    problems: Vec::new(),
                });
                return Err(());
            }
            Err(Stopped::Failed(e)) => {
                error(e);
                return Err(());
            }
        }
    }
    // Look again after publishing: the calendar has changed.
    session.next_due().map_err(error)
}

/// The daily statistics fetch, if its time has come: returns when to look
/// again (on the stats clock; None: at the next wake-up, or never after 48001).
/// Every failure is logged and tried again after `retry`; none stops the daemon.
fn fetch_stats(
    root: &Path,
    daily: &DailyStats,
    next_push: Option<jiff::Timestamp>,
    client: &ClientSource,
    log: &Rc<dyn Fn(DaemonEvent)>,
    state: &mut StatsState,
) -> Option<jiff::Timestamp> {
    if state.given_up {
        return None;
    }
    // Config problems were reported by the wake-up; look again at the next one.
    let config = Config::load(root).ok()?;
    let fetch_at = config.stats.fetch_time;
    let now = (daily.clock)();
    let failed = |state: &mut StatsState, reason: String| {
        let at = now
            .checked_add(jiff::SignedDuration::try_from(daily.retry).unwrap_or_default())
            .unwrap_or(jiff::Timestamp::MAX);
        state.retry_at = Some(at);
        log(DaemonEvent::StatsFailed {
            reason,
            retry_at: Some(at.to_string()),
        });
        Some(at)
    };
    let last = match daily::last_fetched(root) {
        Ok(last) => last,
        Err(e) => return failed(state, e.to_string()),
    };
    let due = daily::next_fetch(now, fetch_at, last);
    let due = state.retry_at.map_or(due, |r| r.max(due));
    if due > now {
        return Some(due);
    }
    if next_push.is_some_and(|p| p <= jiff::Timestamp::now() + PUSH_FIRST) {
        // The push's wake-up comes first; this one looks again after it.
        return None;
    }
    let fetched = client(&config.wechat)
        .and_then(Client::new)
        .map_err(StatsError::from)
        .and_then(|client| {
            let mut store = Store::read(root)?;
            let from = daily::fetch_from(now, last);
            let f = stats::fetch(&client, &mut store, now, Some(from))?;
            let through = daily::complete_through(now, fetch_at);
            daily::remember_fetched(root, through, jiff::Timestamp::now())?;
            Ok((f, through))
        });
    match fetched {
        Ok((f, through)) => {
            state.retry_at = None;
            let next = daily::next_fetch(now, fetch_at, Some(through));
            log(DaemonEvent::StatsFetched {
                from: f.from,
                to: f.to,
                calls: f.calls,
                articles: f.articles,
                added: f.added,
                is_delay: f.is_delay,
                next: next.to_string(),
            });
            Some(next)
        }
        Err(StatsError::Wechat(
            e @ WechatError::Api {
                code: UNAUTHORIZED, ..
            },
        )) => {
            state.given_up = true;
            log(DaemonEvent::StatsFailed {
                reason: format!(
                    "{e}. The daemon fetches no more statistics until it is restarted; \
                     publishing goes on (pass --no-stats to skip the fetch)"
                ),
                retry_at: None,
            });
            None
        }
        Err(e) => failed(state, e.to_string()),
    }
}

fn outcome_event(o: Outcome) -> DaemonEvent {
    let titles = o.posts.iter().map(|p| p.title.clone()).collect();
    match o.error {
        Some(error) => DaemonEvent::Failed {
            push: o.push,
            state: o.state,
            titles,
            error,
        },
        None => {
            let report = PushReport {
                push: o.push,
                mode: o.mode,
                state: o.state,
                titles,
                media_id: o.media_id,
                publish_id: o.publish_id,
                msg_id: o.msg_id,
            };
            if o.skipped {
                DaemonEvent::Unchanged(report)
            } else {
                DaemonEvent::Published(report)
            }
        }
    }
}
