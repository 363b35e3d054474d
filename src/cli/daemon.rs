//! `wxpress publish --daemon`: a scheduler loop around `publish --due`.
//!
//! The ledger is its only state: every wake-up re-reads config, posts and ledger,
//! publishes what is due, then sleeps until the next push (at most the rescan
//! interval, so edited or new posts are seen). A restart loses nothing.
//! SIGTERM and Ctrl-C set a flag; the loop checks it between pushes, so the push
//! in flight is finished before the process exits and the others wait for the
//! next start.

use super::publish::{due_files, execute, Stopped};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wxpress::config::PublishMode;
use wxpress::ledger;
use wxpress::publish::{self, Settings};
use wxpress::site::Site;
use wxpress::wechat::Audience;

/// Longest sleep between two looks at the posts (env `WXPRESS_DAEMON_RESCAN_MS`).
const RESCAN_MS: u64 = 60_000;
/// How often a sleep looks at the stop flag.
const TICK: Duration = Duration::from_millis(100);

/// One JSON object per line on stdout: `{"ts": …, "event": …, …}`.
fn log(event: &str, fields: Value) {
    let mut line = json!({
        "ts": jiff::Timestamp::now().to_string(),
        "event": event,
    });
    if let (Some(line), Value::Object(fields)) = (line.as_object_mut(), fields) {
        line.extend(fields);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

pub fn run(root: &Path, mode: PublishMode, audience: Audience, wait: Duration) -> ExitCode {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // The first signal asks for a clean stop; a second one, while the first is
        // pending, stops at once (exit 1): the next run reconciles from the ledger.
        let registered =
            signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))
                .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)));
        if let Err(e) = registered {
            eprintln!("error: cannot handle signal {signal}: {e}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    }
    let rescan = wxpress::wechat::env_millis("WXPRESS_DAEMON_RESCAN_MS")
        .unwrap_or(Duration::from_millis(RESCAN_MS));
    log(
        "start",
        json!({ "root": root.display().to_string(), "mode": mode, "pid": std::process::id(),
                "rescan_ms": rescan.as_millis() as u64 }),
    );
    while !stop.load(Ordering::SeqCst) {
        // After an error, sleep the whole rescan interval: no hammering.
        let next = wake_up(root, mode, audience, wait, &stop).unwrap_or(None);
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let cap = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::try_from(rescan).unwrap_or_default())
            .unwrap_or(jiff::Timestamp::MAX);
        let until = next.map_or(cap, |n| n.min(cap));
        log(
            "sleep",
            json!({ "until": until.to_string(), "next_push": next.map(|n| n.to_string()) }),
        );
        // The deadline is on the monotonic clock, so setting the wall clock back
        // does not delay a push; the wall clock is looked at too, so setting it
        // forward (or a suspended laptop waking up) wakes the loop at once. The
        // next wake-up judges what is due by the wall clock again.
        let now = jiff::Timestamp::now();
        let left = Duration::try_from(until.duration_since(now)).unwrap_or_default();
        let deadline = std::time::Instant::now() + left;
        while !stop.load(Ordering::SeqCst)
            && std::time::Instant::now() < deadline
            && jiff::Timestamp::now() < until
        {
            std::thread::sleep(TICK);
        }
    }
    log("stop", json!({ "reason": "signal" }));
    ExitCode::SUCCESS
}

/// One look at the site: publish what is due. Returns when the next push is due
/// (None: nothing upcoming). An error has been logged; the caller sleeps the
/// rescan interval before trying again, so a failing push is not hammered.
fn wake_up(
    root: &Path,
    mode: PublishMode,
    audience: Audience,
    wait: Duration,
    stop: &AtomicBool,
) -> Result<Option<jiff::Timestamp>, ()> {
    let site = Site::load(root).map_err(|d| {
        super::print_diagnostics(&d);
        log(
            "error",
            json!({ "message": "config.toml or the theme has errors; see stderr" }),
        );
    })?;
    let now = jiff::Timestamp::now();
    let files =
        due_files(root, &site, mode, &now).map_err(|e| log("error", json!({ "message": e })))?;
    if !files.is_empty() {
        let pushes = publish::prepare(&site, &files).map_err(|d| {
            super::print_diagnostics(&d);
            log(
                "refused",
                json!({ "message": "due posts have errors; nothing was sent (see stderr)",
                        "errors": d.iter().filter(|d| d.is_error()).count() }),
            );
        })?;
        let (pushes, warnings) = pushes;
        super::print_diagnostics(&warnings);
        for p in &pushes {
            log("due", json!({ "push": p.id, "titles": titles(p) }));
        }
        let step = |m: &str| log("step", json!({ "message": m }));
        let outcomes = execute(
            root,
            &site,
            &pushes,
            Settings::new(mode, audience),
            wait,
            &step,
            |note: &str| log("retry", json!({ "message": note })),
            || {
                log(
                    "waiting",
                    json!({ "message": "another wxpress run holds the site's lock" }),
                )
            },
            &|| stop.load(Ordering::SeqCst),
        );
        match outcomes {
            Ok(outcomes) => {
                let mut failed = false;
                for o in &outcomes {
                    let titles: Vec<&str> = o.posts.iter().map(|p| p.title.as_str()).collect();
                    match &o.error {
                        Some(e) => {
                            failed = true;
                            log(
                                "failed",
                                json!({ "push": o.push, "state": o.state, "titles": titles, "error": e }),
                            );
                        }
                        None => log(
                            if o.skipped { "unchanged" } else { "published" },
                            json!({ "push": o.push, "mode": o.mode, "state": o.state, "titles": titles,
                                    "media_id": o.media_id, "publish_id": o.publish_id, "msg_id": o.msg_id }),
                        ),
                    }
                }
                if failed {
                    return Err(());
                }
            }
            Err(Stopped::Refused(r)) => {
                log("refused", json!({ "message": r }));
                return Err(());
            }
            Err(Stopped::Failed(e)) => {
                log("error", json!({ "message": e }));
                return Err(());
            }
        }
    }
    // Look again after publishing: the calendar has changed.
    let (posts, _) = wxpress::content::load_all(root, &site.config);
    let view = ledger::LedgerView::read(&ledger::path(root))
        .map_err(|e| log("error", json!({ "message": e.to_string() })))?;
    let cal =
        wxpress::schedule::calendar(&site.config, mode, &posts, &view, &jiff::Timestamp::now());
    Ok(wxpress::schedule::next_due(&cal))
}

fn titles(p: &publish::Push) -> Vec<String> {
    p.posts.iter().map(|p| p.post.meta.title.clone()).collect()
}
