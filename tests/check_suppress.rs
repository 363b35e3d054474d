//! Turning rules down or off: `[check.rules]`, per-post `check.off`, and the inline
//! `<!-- wxpress-ignore RULE -->` comment that silences the next block only.

mod check_support;
use check_support::*;
use wxpress::diagnostic::Severity;

const BODY: &str = "本店最佳，欢迎选购。\n\n使用Rust写。\n";

#[test]
fn defaults_report_both() {
    let site = TestSite::new("");
    site.post("a.md", &post_with_body(BODY));
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &[]),
        ["7:3 banned-ad", "9:2 spacing", "9:6 spacing"]
    );
    assert_eq!(d[0].severity, Severity::Error);
    assert_eq!(d[1].severity, Severity::Warning);
}

#[test]
fn config_changes_severity_or_turns_rules_off() {
    let site = TestSite::new("[check.rules]\nbanned-ad = \"warning\"\nspacing = \"off\"\n");
    site.post("a.md", &post_with_body(BODY));
    let d = site.check("a.md");
    assert_eq!(positions(&d, &[]), ["7:3 banned-ad"]);
    assert_eq!(d[0].severity, Severity::Warning);

    let site = TestSite::new("[check.rules]\nspacing = \"error\"\n");
    site.post("a.md", &post_with_body(BODY));
    let d = site.check("a.md");
    assert!(d
        .iter()
        .filter(|d| d.rule == "spacing")
        .all(|d| d.severity == Severity::Error));
}

#[test]
fn post_turns_rules_off_for_itself() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &format!("+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"cover.png\"\ncheck.off = [\"banned-ad\", \"spacing\"]\n+++\n\n{BODY}"),
    );
    assert!(site.check("a.md").is_empty());
    // YAML front matter too.
    site.post(
        "b.md",
        &format!("---\ntitle: 标题\nsummary: 摘要\ncover: cover.png\ncheck:\n  off: [spacing]\n---\n\n{BODY}"),
    );
    assert_eq!(positions(&site.check("b.md"), &[]), ["9:3 banned-ad"]);
}

#[test]
fn ignore_comment_silences_one_rule_for_the_next_block() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body(
            "<!-- wxpress-ignore banned-ad -->\n这是最佳选择，使用Rust写。\n\n本店也是最佳选择。\n",
        ),
    );
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &[]),
        ["8:9 spacing", "8:13 spacing", "10:5 banned-ad"]
    );

    site.post(
        "b.md",
        &post_with_body(
            "<!-- wxpress-ignore banned-ad, spacing -->\n- 最佳选择\n- 使用Rust写\n\n本店最佳。\n",
        ),
    );
    assert_eq!(positions(&site.check("b.md"), &[]), ["11:3 banned-ad"]);
}
