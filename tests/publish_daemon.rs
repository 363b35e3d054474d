//! `wxpress publish --daemon` against the sandbox, on the real clock: a push due
//! two seconds ahead goes out once and not before; SIGTERM in the middle of a push
//! lets it finish; a crash mid-push and a restart give exactly one publish.

mod publish_support;

use publish_support::*;
use serde_json::Value;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use wxpress::config::AccountKind;
use wxpress::sandbox::{self, Options, Running};

/// The site's two posts rescheduled `secs` from now (to the second, with offset).
fn due_in(site: &Site, secs: i64) -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    let when = jiff::Timestamp::from_second(now.as_second() + secs).unwrap();
    let text = when.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    for post in [HELLO, SECOND] {
        let p = site.root().join(post);
        let old = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, old.replace("2026-12-01T12:00:00", &text)).unwrap();
    }
    when
}

struct Daemon {
    child: Child,
    log: Log,
}

impl Daemon {
    fn start(site: &Site, sb: &Running, crash_after: Option<&str>) -> Daemon {
        Daemon::start_in(site, sb, crash_after, "publish")
    }

    fn start_in(site: &Site, sb: &Running, crash_after: Option<&str>, mode: &str) -> Daemon {
        let mut cmd = wxpress(site, sb, &["publish", "--daemon", "--mode", mode]);
        cmd.env("WXPRESS_DAEMON_RESCAN_MS", "400")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(step) = crash_after {
            cmd.env(wxpress::publish::CRASH_ENV, step);
        }
        let mut child = cmd.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        Daemon {
            child,
            log: Log::new(json_lines(out)),
        }
    }

    /// Waits for a log line with this event; panics after `within`.
    fn wait_for(&mut self, event: &str, within: Duration) -> Value {
        self.log.wait_for(event, within)
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.wait(Duration::from_secs(20))
    }

    fn wait(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                // Collect what is left of the log.
                self.log.idle(Duration::from_millis(200));
                return s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("daemon did not exit; saw {:#?}", self.log.seen);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn events(&self, event: &str) -> usize {
        self.log.count(event)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn slow_sandbox(publish_delay: Duration) -> Running {
    sandbox::spawn(
        "127.0.0.1:0".parse().unwrap(),
        Options {
            appid: APPID.into(),
            secret: SECRET.into(),
            account: AccountKind::Subscription,
            publish_delay,
            ..Options::default()
        },
    )
    .unwrap()
}

/// Waits until the ledger records a submitted push: the daemon is mid-push.
fn wait_until_submitted(site: &Site) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !site.ledger().contains("\"state\":\"submitted\"") {
        assert!(
            Instant::now() < deadline,
            "never submitted: {}",
            site.ledger()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ts(v: &Value) -> jiff::Timestamp {
    v["ts"].as_str().unwrap().parse().unwrap()
}

#[test]
fn a_push_due_two_seconds_ahead_goes_out_once_and_not_before() {
    let sb = sandbox();
    let site = site();
    let when = due_in(&site, 2);
    let mut d = Daemon::start(&site, &sb, None);
    d.wait_for("start", Duration::from_secs(10));

    let due = d.wait_for("due", Duration::from_secs(20));
    assert!(ts(&due) >= when, "due at {} before {when}", ts(&due));
    let published = d.wait_for("published", Duration::from_secs(20));
    assert_eq!(published["state"], "published");
    assert_eq!(
        published["titles"],
        serde_json::json!(["你好，wxpress", "第二篇"])
    );
    // Several more wake-ups (rescan 400 ms) publish nothing more.
    std::thread::sleep(Duration::from_millis(1500));
    let status = d.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(d.events("stop"), 1, "{:#?}", d.log.seen);
    assert_eq!(d.events("due"), 1, "{:#?}", d.log.seen);
    assert_eq!(calls(&sb, "draft/add"), 1);
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 1);
    // Nothing was called before the push was due (no token fetched early).
    let first_call = d
        .log
        .seen
        .iter()
        .find(|v| v["event"] == "step")
        .expect("a step line");
    assert!(ts(first_call) >= when);
}

#[test]
fn sigterm_during_a_push_finishes_it_and_a_restart_publishes_nothing_more() {
    // Publishing takes 2 s on the sandbox: the signal arrives while polling.
    let sb = slow_sandbox(Duration::from_secs(2));
    let site = site();
    due_in(&site, 1);
    let mut d = Daemon::start(&site, &sb, None);
    d.wait_for("due", Duration::from_secs(20));
    // Wait until the submit is recorded, then stop the daemon mid-push.
    wait_until_submitted(&site);
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 0);
    let status = d.terminate();
    assert!(status.success(), "{status:?}");
    // It finished the push before stopping.
    assert_eq!(d.events("published"), 1, "{:#?}", d.log.seen);
    assert_eq!(d.events("stop"), 1);
    assert_eq!(site.pushes()[0]["state"], "published");

    let mut again = Daemon::start(&site, &sb, None);
    again.wait_for("sleep", Duration::from_secs(20));
    let status = again.terminate();
    assert!(status.success());
    assert_eq!(again.events("due"), 0, "{:#?}", again.log.seen);
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 1);
}

#[test]
fn a_crash_mid_push_then_restart_gives_exactly_one_publish() {
    let sb = sandbox();
    let site = site();
    due_in(&site, 1);
    // Dies right after freepublish/submit answered, before writing it down.
    let mut d = Daemon::start(&site, &sb, Some("submit"));
    let status = d.wait(Duration::from_secs(30));
    assert!(!status.success());
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
    assert!(site.ledger().contains("\"state\":\"submitting\""));

    let mut again = Daemon::start(&site, &sb, None);
    let published = again.wait_for("published", Duration::from_secs(30));
    assert_eq!(published["state"], "published");
    again.wait_for("sleep", Duration::from_secs(10));
    assert!(again.terminate().success());
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 1);
    assert_eq!(site.pushes()[0]["state"], "published");
}

#[test]
fn sigterm_finishes_only_the_push_in_flight_and_leaves_the_next_for_a_restart() {
    // Two pushes due at one wake-up (the posts at two times, both just past).
    let sb = slow_sandbox(Duration::from_secs(2));
    let site = site();
    let now = jiff::Timestamp::now().as_second();
    for (post, ago) in [(HELLO, 20), (SECOND, 10)] {
        let when = jiff::Timestamp::from_second(now - ago).unwrap();
        let p = site.root().join(post);
        let old = std::fs::read_to_string(&p).unwrap();
        let text = when.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        std::fs::write(&p, old.replace("2026-12-01T12:00:00", &text)).unwrap();
    }
    let mut d = Daemon::start(&site, &sb, None);
    d.wait_for("due", Duration::from_secs(20));
    wait_until_submitted(&site);
    let status = d.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        d.events("published"),
        1,
        "only the push in flight: {:#?}",
        d.log.seen
    );
    assert_eq!(calls(&sb, "freepublish/submit"), 1);

    let mut again = Daemon::start(&site, &sb, None);
    again.wait_for("published", Duration::from_secs(30));
    again.wait_for("sleep", Duration::from_secs(20));
    assert!(again.terminate().success());
    assert_eq!(calls(&sb, "freepublish/submit"), 2, "the second push, once");
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 2);
}

#[test]
fn a_due_push_refused_for_quota_is_a_refused_event_with_its_problem() {
    let sb = sandbox();
    let site = site();
    // The site's push a minute ago and a second one 30 s ago: both due, but a
    // subscription account broadcasts once a day.
    due_in(&site, -60);
    let later = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() - 30).unwrap();
    site.write(
        "content/notes/later.md",
        &format!(
            "+++\ntitle = \"稍后\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"{}\"\n+++\n\n正文。\n",
            later.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
    );
    let mut d = Daemon::start_in(&site, &sb, None, "broadcast");
    let refused = d.wait_for("refused", Duration::from_secs(20));
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("1 due push(es) beyond the account's broadcast quota"),
        "{refused}"
    );
    let problems = refused["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{refused}");
    assert_eq!(problems[0]["rule"], "schedule-quota");
    assert_eq!(problems[0]["file"], "content/notes/later.md");
    assert_eq!(problems[0]["severity"], "error");
    d.wait_for("published", Duration::from_secs(20));
    d.terminate();
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);
}

#[test]
fn a_due_post_with_a_remote_image_is_published_with_the_image_uploaded() {
    let sb = sandbox();
    let site = site();
    let png = std::fs::read(site.root().join("content/notes/hello-wxpress/cover.png")).unwrap();
    let (base, hits) = picture_server(png);
    let second = site.root().join(SECOND);
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(&second, format!("{text}\n![网上的图]({base}/photo.png)\n")).unwrap();
    due_in(&site, 2);
    let mut d = Daemon::start_in(&site, &sb, None, "draft");
    d.wait_for("start", Duration::from_secs(10));
    // Idle looks use the cache only: nothing is fetched before the push is due.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    d.wait_for("published", Duration::from_secs(30));
    assert!(d.terminate().success());
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    let st = state(&sb);
    let content = st["drafts"][0]["articles"][1]["content"].as_str().unwrap();
    assert!(
        content.contains("src=\"http://mmbiz.qpic.cn/sandbox/") && !content.contains("127.0.0.1"),
        "{content}"
    );
}
