//! The calendar rules (`schedule-*`) reported by `wxpress check`, with the site's
//! severities and each post's `check.off`.

mod common;
use common::{TestSite, CONFIG};

fn site(extra_config: &str) -> TestSite {
    let site = TestSite::with_config(&format!(
        "{CONFIG}\n[wechat]\nmode = \"broadcast\"\naccount = \"subscription\"\n{extra_config}"
    ));
    for (slug, when, off) in [
        ("noon", "2099-12-01T12:00:00", ""),
        ("evening", "2099-12-01T20:30:00", ""),
        (
            "late",
            "2099-12-01T23:00:00",
            "check.off = [\"schedule-quota\"]\n",
        ),
    ] {
        site.write(
            &format!("content/tech/{slug}.md"),
            &format!("+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\nschedule = \"{when}\"\n{off}+++\n正文。\n"),
        );
    }
    site
}

fn check(site: &TestSite) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = site.run(&["check", "--format", "json"]);
    let diags: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code(), diags)
}

#[test]
fn broadcasts_beyond_the_daily_quota_are_errors_at_the_schedule_value() {
    let (code, diags) = check(&site(""));
    assert_eq!(code, Some(1));
    let quota: Vec<_> = diags
        .iter()
        .filter(|d| d["rule"] == "schedule-quota")
        .collect();
    assert_eq!(
        quota.len(),
        1,
        "the third push turned the rule off for itself: {diags:#?}"
    );
    assert_eq!(quota[0]["file"], "content/tech/evening.md");
    assert_eq!(
        (quota[0]["line"].as_u64(), quota[0]["column"].as_u64()),
        (Some(5), Some(12))
    );
    assert_eq!(quota[0]["severity"], "error");
}

#[test]
fn site_config_sets_the_severity_of_calendar_rules() {
    let (code, diags) = check(&site(
        "[check.rules]\nschedule-quota = \"warning\"\n[schedule]\nslots = [\"12:00\"]\n",
    ));
    assert_eq!(code, Some(0), "{diags:#?}");
    assert!(
        diags
            .iter()
            .any(|d| d["rule"] == "schedule-quota" && d["severity"] == "warning"),
        "{diags:#?}"
    );
    let slots: Vec<_> = diags
        .iter()
        .filter(|d| d["rule"] == "schedule-slot")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(slots, ["content/tech/evening.md", "content/tech/late.md"]);

    let (_, diags) = check(&site("[check.rules]\nschedule-quota = \"off\"\n"));
    assert!(
        diags.iter().all(|d| d["rule"] != "schedule-quota"),
        "{diags:#?}"
    );
}

#[test]
fn two_posts_of_one_push_at_the_same_position_are_an_error() {
    let site = site("");
    for slug in ["first", "second"] {
        site.write(
            &format!("content/tech/{slug}.md"),
            "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\nschedule = \"2099-12-02T12:00:00\"\nposition = 1\n+++\n正文。\n",
        );
    }
    let (code, diags) = check(&site);
    assert_eq!(code, Some(1), "{diags:#?}");
    let taken: Vec<_> = diags
        .iter()
        .filter(|d| d["rule"] == "schedule-position")
        .collect();
    assert_eq!(taken.len(), 1, "{diags:#?}");
    assert_eq!(taken[0]["file"], "content/tech/second.md");
    assert_eq!(
        (taken[0]["line"].as_u64(), taken[0]["column"].as_u64()),
        (Some(6), Some(12))
    );
    assert_eq!(taken[0]["severity"], "error");
    assert!(
        taken[0]["message"]
            .as_str()
            .unwrap()
            .contains("position 1 is taken twice in the push at 2099-12-02 12:00: also by content/tech/first.md"),
        "{taken:#?}"
    );

    // Distinct positions in one push, or the same position in two pushes: fine.
    site.write(
        "content/tech/second.md",
        "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\nschedule = \"2099-12-02T12:00:00\"\nposition = 2\n+++\n正文。\n",
    );
    site.write(
        "content/tech/third.md",
        "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\nschedule = \"2099-12-03T12:00:00\"\nposition = 1\n+++\n正文。\n",
    );
    let (_, diags) = check(&site);
    assert!(
        diags.iter().all(|d| d["rule"] != "schedule-position"),
        "{diags:#?}"
    );
}
