//! `wxpress sandbox` as a newcomer runs it: it prints where it listens and how to
//! point `wxpress publish` at it, and answers there.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn sandbox_command_prints_how_to_use_it_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .args(["sandbox", "--port", "0", "--secret", "demo-secret"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("WeChat sandbox listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    let rest: Vec<String> = lines.by_ref().take(5).map(Result::unwrap).collect();
    let text = rest.join("\n");
    assert!(text.contains("appid = \"wxsandbox0000000\""), "{text}");
    assert!(
        text.contains(&format!(
            "WXPRESS_API_BASE={url} WXPRESS_APP_SECRET=demo-secret wxpress publish"
        )),
        "{text}"
    );
    let token: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{url}/cgi-bin/stable_token"))
        .json(&serde_json::json!({"grant_type": "client_credential", "appid": "wxsandbox0000000", "secret": "demo-secret"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(token["access_token"].is_string(), "{token}");
    let state: serde_json::Value = reqwest::blocking::get(format!("{url}/__sandbox/state"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(state["calls"]["stable_token"], 1);
    child.kill().unwrap();
    child.wait().unwrap();
}
