//! `publish --daemon`'s daily statistics fetch against the sandbox.
//!
//! Days pass on two clocks kept in step: the sandbox's data API (`POST
//! /__sandbox/clock`) and the daemon's stats clock (`DailyStats::clock`, run in
//! this process). The daemon fetches once when `[stats] fetch_at` passes, not
//! again that day nor after a restart, and again the next day. The real binary
//! shows that a failing fetch is logged and retried and never holds up a push,
//! that 48001 stops the daily tries, and that `--no-stats` fetches nothing.

mod publish_support;

use publish_support::*;
use serde_json::Value;
use std::process::{Child, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use wxpress::config::{AccountKind, PublishMode};
use wxpress::publish::daemon::{self, DailyStats};
use wxpress::publish::Settings;
use wxpress::wechat::{Audience, ClientOptions, RetryPolicy, Secret};

const DATACUBE: &str = "datacube/getarticletotaldetail";

/// China time, the account's days.
fn china() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()
}

fn china_today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(china()).date()
}

/// `HH:MM:SS` on the China day `today + days`.
fn china_at(days: i64, hms: &str) -> jiff::Timestamp {
    let day = china_today() + jiff::Span::new().days(days);
    day.to_datetime(hms.parse().unwrap())
        .to_zoned(china())
        .unwrap()
        .timestamp()
}

/// The daemon's library loop on a thread of this process, with a stats clock
/// that is `offset` seconds ahead of the wall clock.
struct InProcess {
    log: Log,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcess {
    fn start(site: &Site, sb: &wxpress::sandbox::Running, offset: &Arc<AtomicI64>) -> InProcess {
        let root = site.root().to_path_buf();
        let base = sb.base_url();
        let offset = Arc::clone(offset);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stop);
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let options = daemon::Options {
                settings: Settings::new(PublishMode::Publish, Audience::All),
                lock_wait: Duration::from_secs(5),
                rescan: Duration::from_millis(100),
                stats: Some(DailyStats {
                    retry: Duration::from_millis(200),
                    clock: Rc::new(move || {
                        jiff::Timestamp::now()
                            + jiff::SignedDuration::from_secs(offset.load(Ordering::SeqCst))
                    }),
                }),
            };
            let client = move |_: &wxpress::config::WechatConfig| {
                Ok(ClientOptions {
                    api_base: base.clone(),
                    appid: APPID.into(),
                    secret: Secret::new(SECRET),
                    timeout: Duration::from_secs(2),
                    retry: RetryPolicy {
                        min_delay: Duration::from_millis(5),
                        ..RetryPolicy::default()
                    },
                })
            };
            let log = Rc::new(move |event: daemon::DaemonEvent| {
                // Problems go to stderr in the binary; not part of the JSON log.
                if let Ok(v) = serde_json::to_value(&event) {
                    let _ = tx.send(v);
                }
            });
            daemon::run(&root, &options, &client, log, &stop_flag);
        });
        InProcess {
            log: Log::new(rx),
            stop,
            thread: Some(thread),
        }
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        while let Ok(v) = self.log.lines.try_recv() {
            self.log.seen.push(v);
        }
        assert_eq!(self.log.count("stop"), 1, "{:#?}", self.log.seen);
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Sets the stats clock to `at`.
fn set_clock(offset: &AtomicI64, at: jiff::Timestamp) {
    offset.store(
        at.as_second() - jiff::Timestamp::now().as_second(),
        Ordering::SeqCst,
    );
}

fn stats_lines(site: &Site) -> Vec<String> {
    let dir = site.root().join(".wxpress/stats");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn fetched_through(site: &Site) -> String {
    let text = std::fs::read_to_string(site.root().join(".wxpress/stats/fetched.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["through"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_daemon_fetches_once_when_fetch_at_passes_not_again_that_day_and_again_the_next() {
    let sb = sandbox();
    let site = site();
    // One push of two articles, published today (China time).
    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    let day = |d: i64| (china_today() + jiff::Span::new().days(d)).to_string();

    // The next day a cron job's `wxpress stats --fetch` gets the publishing day,
    // and records it for the daemon.
    move_sandbox_clock(&sb, 1);
    let now = china_at(1, "09:30:00")
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    run_cmd(wxpress(&site, &sb, &["stats", "--fetch", "--now", &now])).ok();
    assert_eq!(stats_lines(&site).len(), 2);
    assert_eq!(fetched_through(&site), day(0));

    // Two days later, two seconds before nine (the default fetch_at).
    move_sandbox_clock(&sb, 1);
    let offset = Arc::new(AtomicI64::new(0));
    set_clock(&offset, china_at(2, "08:59:58"));
    let mut d = InProcess::start(&site, &sb, &offset);
    let sleep = d.log.wait_for("sleep", Duration::from_secs(20));
    assert_eq!(
        sleep["next_stats"],
        china_at(2, "09:00:00").to_string(),
        "{sleep}"
    );
    d.log.idle(Duration::from_millis(500));
    assert_eq!(d.log.count("stats_fetched"), 0, "{:#?}", d.log.seen);
    assert_eq!(calls(&sb, DATACUBE), 1);

    // Nine passes: one fetch, the day after publishing for each article.
    set_clock(&offset, china_at(2, "09:00:01"));
    let fetched = d.log.wait_for("stats_fetched", Duration::from_secs(10));
    assert_eq!(fetched["articles"], 2, "{fetched}");
    assert_eq!(fetched["added"], 2, "{fetched}");
    assert_eq!(fetched["to"], day(1), "{fetched}");
    assert_eq!(fetched["next"], china_at(3, "09:00:00").to_string());
    assert_eq!(stats_lines(&site).len(), 4);
    assert_eq!(fetched_through(&site), day(1));

    // Many wake-ups later the same day: nothing more.
    d.log.idle(Duration::from_millis(800));
    assert_eq!(d.log.count("stats_fetched"), 1, "{:#?}", d.log.seen);
    assert_eq!(calls(&sb, DATACUBE), 2);

    // The next day, once nine passes: again, one more day per article.
    move_sandbox_clock(&sb, 1);
    set_clock(&offset, china_at(3, "09:00:01"));
    let fetched = d.log.wait_for("stats_fetched", Duration::from_secs(10));
    assert_eq!(
        (fetched["articles"].as_u64(), fetched["added"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(fetched["to"], day(2));
    assert_eq!(calls(&sb, DATACUBE), 3);
    d.stop();
    let lines = stats_lines(&site);
    assert_eq!(lines.len(), 6);
    assert_eq!(fetched_through(&site), day(2));

    // A restart the same day fetches nothing: .wxpress/stats/fetched.json says
    // the day is done.
    let mut d = InProcess::start(&site, &sb, &offset);
    let sleep = d.log.wait_for("sleep", Duration::from_secs(20));
    assert_eq!(sleep["next_stats"], china_at(4, "09:00:00").to_string());
    d.log.idle(Duration::from_millis(500));
    d.stop();
    assert_eq!(d.log.count("stats_fetched"), 0, "{:#?}", d.log.seen);
    assert_eq!(calls(&sb, DATACUBE), 3);

    // Without that record the day is fetched again, and adds nothing.
    std::fs::remove_file(site.root().join(".wxpress/stats/fetched.json")).unwrap();
    let mut d = InProcess::start(&site, &sb, &offset);
    let fetched = d.log.wait_for("stats_fetched", Duration::from_secs(10));
    d.stop();
    assert_eq!(
        (fetched["articles"].as_u64(), fetched["added"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(stats_lines(&site), lines);
    assert_eq!(calls(&sb, DATACUBE), 4);
}

/// The real binary as a daemon, its JSON log read line by line.
struct Binary {
    child: Child,
    log: Log,
}

impl Binary {
    fn start(site: &Site, sb: &wxpress::sandbox::Running, args: &[&str]) -> Binary {
        let mut all = vec!["publish", "--daemon"];
        all.extend_from_slice(args);
        let mut cmd = wxpress(site, sb, &all);
        cmd.env("WXPRESS_DAEMON_RESCAN_MS", "300")
            .env("WXPRESS_STATS_RETRY_MS", "300")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let rx = json_lines(out);
        Binary {
            child,
            log: Log::new(rx),
        }
    }

    fn terminate(&mut self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                self.log.idle(Duration::from_millis(200));
                assert!(s.success(), "{s:?}; saw {:#?}", self.log.seen);
                return;
            }
            assert!(Instant::now() < deadline, "daemon did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `[stats] fetch_at` at midnight: the fetch is due from the first wake-up.
fn fetch_from_midnight(site: &Site) {
    let path = site.root().join("config.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{config}\n[stats]\nfetch_at = \"00:00\"\n")).unwrap();
}

/// The site's two posts rescheduled `secs` from now (or far ahead).
fn due_in(site: &Site, secs: i64) {
    let when = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + secs).unwrap();
    let text = when.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    for post in [HELLO, SECOND] {
        let p = site.root().join(post);
        let old = std::fs::read_to_string(&p).unwrap();
        let start = old.find("schedule = \"").unwrap() + "schedule = \"".len();
        let end = start + old[start..].find('"').unwrap();
        std::fs::write(&p, format!("{}{text}{}", &old[..start], &old[end..])).unwrap();
    }
}

#[test]
fn a_failing_fetch_waits_for_the_push_is_logged_and_tried_again() {
    let sb = sandbox();
    let site = site();
    fetch_from_midnight(&site);
    // Every attempt of the first fetch fails (the client's own retries too).
    fault(&sb, DATACUBE, "http500", 6);
    due_in(&site, 2);
    let mut d = Binary::start(&site, &sb, &["--mode", "publish"]);
    let start = d.log.wait_for("start", Duration::from_secs(10));
    assert_eq!(start["stats"], true);
    d.log.wait_for("published", Duration::from_secs(20));
    let failed = d.log.wait_for("stats_failed", Duration::from_secs(20));
    assert!(
        failed["reason"].as_str().unwrap().contains(DATACUBE),
        "{failed}"
    );
    assert!(failed["retry_at"].is_string(), "{failed}");
    let fetched = d.log.wait_for("stats_fetched", Duration::from_secs(20));
    // Published today: the data API has nothing for it before tomorrow.
    assert_eq!(
        (fetched["articles"].as_u64(), fetched["added"].as_u64()),
        (Some(0), Some(0))
    );
    d.log.idle(Duration::from_millis(1000));
    d.terminate();
    // Publishing first: the fetch waited for the push due two seconds ahead.
    assert!(d.log.position("published") < d.log.position("stats_failed"));
    assert_eq!(d.log.count("published"), 1);
    assert_eq!(d.log.count("stats_failed"), 1, "{:#?}", d.log.seen);
    assert_eq!(d.log.count("stats_fetched"), 1, "{:#?}", d.log.seen);
    assert_eq!(calls(&sb, DATACUBE), 7);
    assert_eq!(
        fetched_through(&site),
        (china_today() - jiff::Span::new().days(1)).to_string()
    );
}

#[test]
fn an_unverified_account_is_told_once_and_publishing_goes_on() {
    let sb = wxpress::sandbox::spawn(
        "127.0.0.1:0".parse().unwrap(),
        wxpress::sandbox::Options {
            appid: APPID.into(),
            secret: SECRET.into(),
            account: AccountKind::Subscription,
            publish_delay: Duration::from_millis(150),
            verified: false,
            ..wxpress::sandbox::Options::default()
        },
    )
    .unwrap();
    let site = site();
    fetch_from_midnight(&site);
    due_in(&site, 3600 * 24 * 365);
    let mut d = Binary::start(&site, &sb, &["--mode", "draft"]);
    let failed = d.log.wait_for("stats_failed", Duration::from_secs(20));
    let reason = failed["reason"].as_str().unwrap();
    assert!(
        reason.contains("48001") && reason.contains("verified") && reason.contains("--no-stats"),
        "{reason}"
    );
    assert!(failed["retry_at"].is_null(), "{failed}");
    // The daemon lives on and publishes a post that falls due later.
    due_in(&site, 1);
    d.log.wait_for("published", Duration::from_secs(20));
    d.log.idle(Duration::from_millis(1000));
    d.terminate();
    assert_eq!(d.log.count("stats_failed"), 1, "{:#?}", d.log.seen);
    assert_eq!(d.log.count("stats_fetched"), 0);
    assert_eq!(calls(&sb, DATACUBE), 1);
    assert!(!site.root().join(".wxpress/stats/fetched.json").exists());
}

#[test]
fn no_stats_fetches_nothing() {
    let sb = sandbox();
    let site = site();
    fetch_from_midnight(&site);
    due_in(&site, 1);
    let mut d = Binary::start(&site, &sb, &["--mode", "publish", "--no-stats"]);
    let start = d.log.wait_for("start", Duration::from_secs(10));
    assert_eq!(start["stats"], false);
    d.log.wait_for("published", Duration::from_secs(20));
    d.log.idle(Duration::from_millis(1000));
    d.terminate();
    assert!(d.log.count("sleep") >= 3, "{:#?}", d.log.seen);
    assert!(d
        .log
        .seen
        .iter()
        .filter(|v| v["event"] == "sleep")
        .all(|v| v["next_stats"].is_null()));
    assert_eq!(
        d.log.count("stats_fetched") + d.log.count("stats_failed"),
        0
    );
    assert_eq!(calls(&sb, DATACUBE), 0);
    assert!(!site.root().join(".wxpress/stats").exists());
}
