//! `wxpress check` end to end: the three output formats, exit codes, path selection,
//! `--fix`, and `build` failing on check errors.

mod check_support;
use check_support::*;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn site_with_problems() -> TestSite {
    let site = TestSite::new("");
    site.post(
        "bad.md",
        &post_with_body("本店最佳，欢迎选购。\n\n使用Rust写。\n"),
    );
    site.post("good.md", &post_with_body("一切正常。\n"));
    site
}

#[test]
fn human_format_shows_the_line_and_a_caret() {
    let site = site_with_problems();
    let o = site.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let expected = "error[banned-ad]: `最佳` is an absolute term the Advertising Law forbids (广告法极限词) in a sentence that promotes (`本店`)
 --> content/notes/bad.md:7:3
  |
7 | 本店最佳，欢迎选购。
  |     ^^^^
  |
  = help: state a checkable fact instead; if this is not a claim, add the phrase to [check.words] allow
";
    assert!(out.starts_with(expected), "{out}");
    assert!(out.contains("warning[spacing]: no space between"), "{out}");
    assert!(out.ends_with("1 error(s), 2 warning(s)\n"), "{out}");
    assert!(!out.contains('\x1b'), "NO_COLOR output has no escape codes");
}

#[test]
fn json_format_is_an_array_of_diagnostics() {
    let site = site_with_problems();
    let o = site.run(&["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert_eq!(
        first,
        &serde_json::json!({
            "file": "content/notes/bad.md", "line": 7, "column": 3, "end_line": 7, "end_column": 5,
            "rule": "banned-ad", "severity": "error",
            "message": "`最佳` is an absolute term the Advertising Law forbids (广告法极限词) in a sentence that promotes (`本店`)",
            "suggestion": "state a checkable fact instead; if this is not a claim, add the phrase to [check.words] allow"
        })
    );
    assert_eq!(v.as_array().unwrap().len(), 3);
}

#[test]
fn github_format_is_workflow_commands() {
    let site = site_with_problems();
    let o = site.run(&["check", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("::error file=content/notes/bad.md,line=7,col=3,endLine=7,endColumn=5,title=banned-ad::`最佳` is an absolute term"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("::warning file=content/notes/bad.md,line=9,col=2,"),
        "{out}"
    );
}

#[test]
fn warnings_only_exit_zero_and_paths_select_posts() {
    let site = site_with_problems();
    let o = site.run(&["check", "content/notes/good.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "0 error(s), 0 warning(s)\n");

    let o = site.run(&["check", "content/notes/none.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"));

    let o = site.run(&["check", "--format", "json", "content/notes/bad.md"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["file"] == "content/notes/bad.md"));
}

#[test]
fn config_errors_are_reported_with_exit_one() {
    let site = TestSite::new("[check.rules]\nspacing = \"of\"\n");
    let o = site.run(&["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["file"], "config.toml");
    assert_eq!(v[0]["line"], 8);
}

#[test]
fn fix_applies_safe_fixes_and_keeps_front_matter_and_code() {
    let site = TestSite::new("");
    let front =
        "+++\ntitle = \"使用Rust,再接再励\"\nsummary = \"按步就班\"\ncover = \"cover.png\"\n+++\n";
    let body = "使用Rust写工具 ，按步就班,真的!!!他说\"你好\"。see the the docs.\n\n```rust\n// 使用Rust,按步就班\nlet s = \"你好\";\n```\n\n行内 `使用Rust,按步就班` 代码。本店最佳。\n";
    let path = site.post("a.md", &format!("{front}{body}"));
    let o = site.run(&["check", "--fix"]);
    let after = std::fs::read_to_string(&path).unwrap();
    let expected_body = "使用 Rust 写工具，按部就班，真的！他说“你好”。see the docs.\n\n```rust\n// 使用Rust,按步就班\nlet s = \"你好\";\n```\n\n行内 `使用Rust,按步就班` 代码。本店最佳。\n";
    assert_eq!(after, format!("{front}{expected_body}"), "{}", stderr(&o));
    let log = stderr(&o);
    assert!(
        log.contains("content/notes/a.md:6:2: spacing: `用R` → `用 R`"),
        "{log}"
    );
    assert!(log.contains("typo: `按步就班` → `按部就班`"), "{log}");
    assert!(log.contains("fixed 8 problem(s)"), "{log}");
    // What cannot be fixed safely is still reported, and fails the run.
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[banned-ad]"), "{}", stdout(&o));
    // Typos in the title and summary are reported at their place, never fixed there.
    let out = stdout(&o);
    assert!(out.contains("1 error(s), 2 warning(s)"), "{out}");
    assert!(out.contains("--> content/notes/a.md:2:17"), "{out}");
    assert!(out.contains("--> content/notes/a.md:3:12"), "{out}");
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".wxpress")),
        "{names:?}"
    );
}

#[test]
fn build_fails_on_check_errors_and_renders_them() {
    let site = site_with_problems();
    let o = site.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[banned-ad]") && err.contains("7 | 本店最佳，欢迎选购。"),
        "{err}"
    );
    assert!(!site.root().join("public").exists());

    std::fs::remove_file(site.root().join("content/notes/bad.md")).unwrap();
    let o = site.run(&["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
