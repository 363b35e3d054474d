//! Shared by the publish tests: a sandbox in this process, a fresh site, and the
//! real `wxpress` binary pointed at the sandbox.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;
use wxpress::config::AccountKind;
use wxpress::sandbox::{self, Options, Running};

pub const APPID: &str = "wxsandbox0000000";
pub const SECRET: &str = "s3cr3t-DO-NOT-LEAK-42";

pub fn sandbox() -> Running {
    sandbox_with(AccountKind::Subscription)
}

pub fn sandbox_with(account: AccountKind) -> Running {
    sandbox::spawn(
        "127.0.0.1:0".parse().unwrap(),
        Options {
            appid: APPID.into(),
            secret: SECRET.into(),
            account,
            publish_delay: Duration::from_millis(150),
            ..Options::default()
        },
    )
    .unwrap()
}

pub fn state(sb: &Running) -> Value {
    reqwest::blocking::get(format!("{}/__sandbox/state", sb.base_url()))
        .unwrap()
        .json()
        .unwrap()
}

pub fn calls(sb: &Running, endpoint: &str) -> u64 {
    state(sb)["calls"][endpoint].as_u64().unwrap_or(0)
}

pub fn fault(sb: &Running, endpoint: &str, kind: &str, count: u32) {
    let r: Value = reqwest::blocking::Client::new()
        .post(format!("{}/__sandbox/fault", sb.base_url()))
        .json(&json!({ "endpoint": endpoint, "kind": kind, "count": count, "stall_ms": 2500 }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["errcode"], 0);
}

/// Moves the sandbox's data API clock `days` forward.
pub fn move_sandbox_clock(sb: &Running, days: i64) {
    let r: Value = reqwest::blocking::Client::new()
        .post(format!("{}/__sandbox/clock", sb.base_url()))
        .json(&json!({ "days": days }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["errcode"], 0, "{r}");
}

/// A site from `wxpress init` plus a second post in the same schedule slot that
/// shares the first one's body image, so one push carries two articles.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The entry of `slug` in the last build's `public/manifest.json`.
    pub fn manifest_post(&self, slug: &str) -> Value {
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(self.root().join("public/manifest.json")).unwrap(),
        )
        .unwrap();
        manifest["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug} is not in the manifest: {manifest}"))
            .clone()
    }

    pub fn ledger(&self) -> String {
        std::fs::read_to_string(self.root().join(".wxpress/ledger.jsonl")).unwrap_or_default()
    }

    pub fn ledger_entries(&self) -> Vec<Value> {
        self.ledger()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The last record of every push, by push id.
    pub fn pushes(&self) -> Vec<Value> {
        let mut last: std::collections::BTreeMap<String, Value> = Default::default();
        for e in self.ledger_entries() {
            if e["event"] == "push" {
                last.insert(e["push"].as_str().unwrap().to_string(), e);
            }
        }
        last.into_values().collect()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

pub const HELLO: &str = "content/notes/hello-wxpress/index.md";
pub const SECOND: &str = "content/notes/second/index.md";

pub fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    // The scaffold post at 2026-12-01 12:00 (Shanghai), the moment these tests use.
    wxpress::init::init(dir.path(), "2026-11-30T16:00:00Z".parse().unwrap()).unwrap();
    let site = Site { dir };
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let config = config.replace(
        "# appid = \"wx0000000000000000\"",
        &format!("appid = \"{APPID}\""),
    );
    std::fs::write(site.root().join("config.toml"), config).unwrap();
    let hello = site.root().join(HELLO);
    let text = std::fs::read_to_string(&hello).unwrap();
    std::fs::write(
        &hello,
        text.replacen("+++\ntitle", "+++\nposition = 1\ntitle", 1),
    )
    .unwrap();
    site.write(
        SECOND,
        "+++\ntitle = \"第二篇\"\nsummary = \"同一次推送的第二篇文章。\"\ncover = \"../hello-wxpress/cover.png\"\nschedule = \"2026-12-01T12:00:00\"\nposition = 2\nsource_url = \"https://example.com/second\"\ncomments = false\n+++\n\n第二篇文章，复用同一张图。\n\n![流程](../hello-wxpress/images/pipeline.png)\n",
    );
    site
}

pub fn wxpress(site: &Site, sb: &Running, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wxpress"));
    cmd.current_dir(site.root())
        .args(args)
        .env("WXPRESS_API_BASE", sb.base_url())
        .env("WXPRESS_APP_SECRET", SECRET)
        .env("WXPRESS_RETRY_DELAY_MS", "5")
        .env("WXPRESS_POLL_MS", "50")
        .env("WXPRESS_RECONCILE_WAIT_MS", "2000")
        .env("WXPRESS_HTTP_TIMEOUT_MS", "1000")
        .env_remove("WXPRESS_TEST_CRASH_AFTER");
    cmd
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

pub fn run_cmd(mut cmd: Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn publish(site: &Site, sb: &Running, args: &[&str]) -> Run {
    let mut all = vec!["publish"];
    all.extend_from_slice(args);
    run_cmd(wxpress(site, sb, &all))
}

/// Publishes a draft the way a writer does by pressing 发表 in the backend.
pub fn publish_by_hand(sb: &Running, media_id: &str) {
    let r: Value = reqwest::blocking::Client::new()
        .post(format!("{}/__sandbox/publish_by_hand", sb.base_url()))
        .json(&json!({ "media_id": media_id }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["errcode"], 0, "{r}");
}

/// The JSON lines a child writes (the daemon's log), one value per line, read on a
/// thread; a line that is not JSON fails the test.
pub fn json_lines(out: std::process::ChildStdout) -> std::sync::mpsc::Receiver<Value> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            let v: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    rx
}

/// Serves `body` as image/png to every request, counting them.
pub fn picture_server(body: Vec<u8>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut head = [0u8; 2048];
            let _ = s.read(&mut head);
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    (base, hits)
}

/// Log lines, as JSON, from the in-process daemon or the binary's stdout.
pub struct Log {
    pub lines: std::sync::mpsc::Receiver<Value>,
    pub seen: Vec<Value>,
}

impl Log {
    pub fn new(lines: std::sync::mpsc::Receiver<Value>) -> Log {
        Log {
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line with this event; panics after `within`.
    pub fn wait_for(&mut self, event: &str, within: Duration) -> Value {
        let deadline = std::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) => {
                    self.seen.push(v.clone());
                    if v["event"] == event {
                        return v;
                    }
                }
                Err(_) => panic!(
                    "no `{event}` log line within {within:?}; saw {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Reads lines for `time` (several wake-ups).
    pub fn idle(&mut self, time: Duration) {
        let deadline = std::time::Instant::now() + time;
        while let Ok(v) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            self.seen.push(v);
        }
    }

    pub fn count(&self, event: &str) -> usize {
        self.seen.iter().filter(|v| v["event"] == event).count()
    }

    pub fn position(&self, event: &str) -> usize {
        self.seen
            .iter()
            .position(|v| v["event"] == event)
            .unwrap_or_else(|| panic!("no `{event}` in {:#?}", self.seen))
    }
}
