//! `build` and `check` compile through one path (`Site::compile_all`), so they
//! raise the same diagnostics, the calendar rules included.

mod common;
use common::TestSite;
use std::collections::BTreeSet;

type Key = (String, usize, usize, String, String);

fn key(file: &str, line: usize, column: usize, rule: &str, severity: &str) -> Key {
    (
        file.to_string(),
        line,
        column,
        rule.to_string(),
        severity.to_string(),
    )
}

fn build_keys(site: &TestSite) -> (bool, BTreeSet<Key>) {
    let (ok, diags) = match site.build() {
        Ok(report) => (true, report.diagnostics),
        Err(diags) => (false, diags),
    };
    let keys = diags
        .iter()
        .map(|d| {
            let severity = if d.is_error() { "error" } else { "warning" };
            key(&d.file, d.line, d.column, &d.rule, severity)
        })
        .collect();
    (ok, keys)
}

fn check_keys(site: &TestSite) -> (Option<i32>, BTreeSet<Key>) {
    let out = site.run(&["check", "--format", "json"]);
    let diags: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let keys = diags
        .iter()
        .map(|d| {
            key(
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap() as usize,
                d["column"].as_u64().unwrap() as usize,
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
            )
        })
        .collect();
    (out.status.code(), keys)
}

#[test]
fn nine_posts_in_one_push_fail_build_as_they_fail_check() {
    let site = TestSite::new();
    for i in 0..9 {
        site.write(
            &format!("content/tech/p{i}.md"),
            "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\nschedule = \"2099-12-01T12:00:00\"\n+++\n正文。\n",
        );
    }
    let (check_code, check) = check_keys(&site);
    assert_eq!(check_code, Some(1));
    assert!(
        check.iter().any(|k| k.3 == "schedule-overfull"),
        "{check:#?}"
    );
    let (built, build) = build_keys(&site);
    assert!(!built, "build fails on schedule-overfull like check");
    assert_eq!(build, check);
    assert!(!site.path("public").exists());
}

#[test]
fn build_and_check_agree_on_every_rule() {
    let site = TestSite::new();
    site.post(
        "ads",
        "这是全网第一的最佳产品，转发抽奖。\n\n我们按步就班地teh做事情。\n\n中文English混排。\n",
    );
    site.write(
        "content/tech/long-title.md",
        "+++\ntitle = \"一个非常非常非常非常非常长的文章标题写在这里\"\ncover = \"/static/cover.png\"\nschedule = \"2020-01-01T12:00:00\"\n+++\n正文，正文。\n",
    );
    site.write(
        "content/tech/quota.md",
        "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\nschedule = \"2099-12-01T12:00:00\"\n+++\n正文。\n",
    );
    let (_, check) = check_keys(&site);
    let rules: BTreeSet<&str> = check.iter().map(|k| k.3.as_str()).collect();
    for rule in [
        "banned-ad",
        "induced-sharing",
        "typo",
        "spacing",
        "title-length",
    ] {
        assert!(rules.contains(rule), "{rule} not raised: {check:#?}");
    }
    assert!(
        rules.iter().any(|r| r.starts_with("schedule-")),
        "{check:#?}"
    );
    let (_, build) = build_keys(&site);
    assert_eq!(build, check);
}
