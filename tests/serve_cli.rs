//! `wxpress serve` as a command: it prints where it serves, answers, and fails with
//! exit status 2 and a clear message when it cannot start.

mod serve_support;

use serve_support::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn wxpress() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wxpress"))
}

#[test]
fn serves_and_prints_its_address() {
    let dir = site();
    let mut child = wxpress()
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let result = std::panic::catch_unwind(|| {
        assert!(
            line.starts_with("Serving 5 posts at http://127.0.0.1:"),
            "{line}"
        );
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap()
            .parse()
            .unwrap();
        let (status, response) = raw_get(addr, "/");
        assert_eq!(status, 200);
        assert!(response.contains("你好世界"));
    });
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
    assert!(!dir.path().join("public").exists());
}

#[test]
fn port_in_use_is_a_clear_error() {
    let dir = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = wxpress()
        .args(["serve", "--port", &port, "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")) && stderr.contains("--port"),
        "{stderr}"
    );
}

#[test]
fn missing_site_folder_is_a_clear_error() {
    let out = wxpress()
        .args(["serve", "--port", "0", "--root", "/no/such/site"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot open the site folder /no/such/site"),
        "{stderr}"
    );
}

#[test]
fn start_up_shows_a_few_problems_per_rule_and_file_and_counts_the_rest() {
    let dir = site();
    // Ten repeated words in one post: ten `repeated-word` warnings.
    let body: String = (0..10).map(|i| format!("第{i}段的的文字。\n\n")).collect();
    write(dir.path(), "content/tech/hello.md", hello(&body));
    let mut child = wxpress()
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(line.starts_with("Serving 5 posts"), "{line}");
    let shown = stderr
        .lines()
        .filter(|l| l.contains("warning[repeated-word]"))
        .count();
    assert_eq!(shown, 3, "{stderr}");
    assert!(
        stderr.contains("content/tech/hello.md: … 7 more [repeated-word]: `wxpress check content/tech/hello.md` lists them all"),
        "{stderr}"
    );
}
