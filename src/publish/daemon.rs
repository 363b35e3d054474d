//! `publish --daemon`: a scheduler loop around [`Session::due`] and [`Session::run`].
//!
//! The ledger is its only state: every wake-up re-reads config, posts and ledger,
//! publishes what is due, then sleeps until the next push (at most the rescan
//! interval, so edited or new posts are seen). A restart loses nothing. The stop
//! flag is looked at between pushes, so the push in flight is finished and the
//! others wait for the next start.

use super::{ClientSource, Event, Outcome, Session, Settings, Stopped};
use crate::config::PublishMode;
use crate::diagnostic::Diagnostic;
use crate::ledger::StateName;
use crate::site::Site;
use serde::Serialize;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often a sleep looks at the stop flag and the wall clock.
const TICK: Duration = Duration::from_millis(100);

pub struct Options {
    pub settings: Settings,
    /// How long to wait for another run's lock.
    pub lock_wait: Duration,
    /// Longest sleep between two looks at the posts.
    pub rescan: Duration,
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
    Sleep {
        until: String,
        next_push: Option<String>,
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
    });
    while !stop.load(Ordering::SeqCst) {
        // After an error, sleep the whole rescan interval: no hammering.
        let next = wake_up(root, options, client, &log, stop).unwrap_or(None);
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let cap = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::try_from(options.rescan).unwrap_or_default())
            .unwrap_or(jiff::Timestamp::MAX);
        let until = next.map_or(cap, |n| n.min(cap));
        log(DaemonEvent::Sleep {
            until: until.to_string(),
            next_push: next.map(|n| n.to_string()),
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
    let site = Site::load(root).map_err(|d| {
        log(DaemonEvent::Problems(d));
        error("config.toml or the theme has errors; see stderr".into());
    })?;
    let session = Session::new(root, &site, options.settings.clone(), options.lock_wait);
    let due = session
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
        let mut fetching = Site::load(root).map_err(|d| {
            log(DaemonEvent::Problems(d));
            error("config.toml or the theme has errors; see stderr".into());
        })?;
        fetching.images.set_remote(crate::images::Remote::Fetch(
            crate::images::FetchOptions::default(),
        ));
        let session = Session::new(root, &fetching, options.settings.clone(), options.lock_wait);
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
