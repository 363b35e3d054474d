//! Every front-matter and config error path: the message and the position it names.

mod common;
use common::TestSite;

fn errors_for(post: &str) -> Vec<String> {
    let site = TestSite::new();
    site.write("content/tech/p.md", post);
    site.build_errors()
}

fn full_errors_for(post: &str) -> Vec<String> {
    let site = TestSite::new();
    site.write("content/tech/p.md", post);
    site.build()
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The README shows what a writer sees for a file with two problems; this is that
/// file, and the README's text must be exactly what wxpress prints.
#[test]
fn the_readme_multi_error_example_is_what_wxpress_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme
        .split("Every problem names the file, line and column")
        .nth(1)
        .expect("the README's example");
    let block = after.split("```").nth(1).expect("a code block").trim();
    let post = "+++\ntitle = \"标题\"\nsumary = \"摘要\"\nschedule = \"下周一中午\"\n+++\n正文\n";
    assert_eq!(full_errors_for(post).join("\n"), block);
}

#[test]
fn every_front_matter_problem_of_a_file_at_once_in_file_order() {
    let e = full_errors_for(
        "+++\ntitle = \"标题\"\nsumary = \"摘要\"\nshedule = \"2026-12-01T12:00:00\"\ncovr = \"a.png\"\n+++\n",
    );
    assert_eq!(
        e,
        [
            "content/tech/p.md:3:1: error[front-matter]: unknown key `sumary`\n  help: did you mean `summary`?",
            "content/tech/p.md:4:1: error[front-matter]: unknown key `shedule`\n  help: did you mean `schedule`?",
            "content/tech/p.md:5:1: error[front-matter]: unknown key `covr`\n  help: did you mean `cover`?",
        ]
    );
    let e = full_errors_for("+++\ntitle = \"标题\"\nschedule = \"2026-12-01T12:00:00中\"\n+++\n");
    assert!(
        !e[0].contains("\\x") && !e[0].contains("invalid digit"),
        "{e:?}"
    );
}

#[test]
fn a_post_without_front_matter_takes_its_heading_as_title() {
    let site = TestSite::new();
    site.write("content/tech/p.md", "# 从标题来的标题\n\n正文。\n");
    let report = site.build().unwrap();
    let _ = report;
    let manifest = std::fs::read_to_string(site.path("public/manifest.json")).unwrap();
    assert!(manifest.contains("从标题来的标题"), "{manifest}");
    // Without a heading, it is still an error, which names both ways out.
    let e = full_errors_for("正文\n");
    assert!(
        e[0].starts_with("content/tech/p.md:1:1: error[front-matter]: missing front matter"),
        "{e:?}"
    );
    assert!(e[0].contains("`# ` heading"), "{e:?}");
}

#[test]
fn missing_and_unclosed_front_matter() {
    assert_eq!(errors_for("+++\ntitle = \"a\"\n正文\n"), ["content/tech/p.md:1:1: error[front-matter]: front matter opened with `+++` is never closed"]);
}

#[test]
fn unknown_keys_suggest_the_right_one_in_both_formats() {
    assert_eq!(
        full_errors_for("+++\ntitle = \"标题\"\nsumary = \"摘要\"\n+++\n"),
        ["content/tech/p.md:3:1: error[front-matter]: unknown key `sumary`\n  help: did you mean `summary`?"]
    );
    assert_eq!(
        full_errors_for("---\ntitle: 标题\nshedule: 2026-12-01T12:00:00\n---\n"),
        ["content/tech/p.md:3:1: error[front-matter]: unknown key `shedule`\n  help: did you mean `schedule`?"]
    );
    let e = full_errors_for("+++\ntitle = \"标题\"\nzzz = [\"a\"]\n+++\n");
    assert!(e[0].starts_with("content/tech/p.md:3:1: error[front-matter]: unknown key `zzz`\n  help: known keys here: title, summary"), "{e:?}");
}

#[test]
fn wrong_types_point_at_the_value_and_say_how_to_write_it() {
    assert_eq!(
        full_errors_for("+++\ntitle = \"标题\"\ndraft = \"yes\"\n+++\n"),
        ["content/tech/p.md:3:9: error[front-matter]: invalid type: string \"yes\", expected a boolean\n  help: write true or false, without quotes"]
    );
    assert_eq!(
        full_errors_for("---\ntitle: 标题\ncomments: 是\n---\n"),
        ["content/tech/p.md:3:11: error[front-matter]: invalid value: string \"是\", expected \"off\", \"all\" or \"fans\"\n  help: write comments = \"off\", \"all\" (anyone may comment) or \"fans\" (followers only)"]
    );
    assert_eq!(
        errors_for("+++\ntitle = 42\n+++\n"),
        ["content/tech/p.md:2:9: error[front-matter]: invalid type: integer `42`, expected a string"]
    );
    assert_eq!(
        errors_for("+++\ntitle = \"标题\"\nposition = -1\n+++\n"),
        ["content/tech/p.md:3:12: error[front-matter]: invalid value: integer `-1`, expected u32"]
    );
}

#[test]
fn toml_syntax_errors_have_positions() {
    let e = errors_for("+++\ntitle = \"标题\nsummary = \"x\"\n+++\n");
    assert!(e[0].starts_with("content/tech/p.md:2:"), "{e:?}");
    let e = full_errors_for("---\ntitle: 标题\nsummary: \"未闭合\n---\n");
    assert!(
        e[0].starts_with(
            "content/tech/p.md:4:1: error[front-matter]: found unexpected end of stream"
        ),
        "{e:?}"
    );
    assert!(
        e[0].ends_with("help: a quote or bracket is opened above and never closed"),
        "{e:?}"
    );
}

#[test]
fn missing_or_empty_title() {
    assert_eq!(
        full_errors_for("+++\nsummary = \"摘要\"\n+++\n"),
        ["content/tech/p.md:1:1: error[front-matter]: missing required key `title`\n  help: add title = \"…\" to the front matter"]
    );
    assert_eq!(
        errors_for("+++\ntitle = \"  \"\n+++\n"),
        ["content/tech/p.md:2:9: error[front-matter]: `title` is empty"]
    );
}

#[test]
fn author_and_source_url_over_the_draft_api_limits_point_at_the_value() {
    let url = format!("https://example.com/{}", "a".repeat(1005));
    let e = full_errors_for(&format!(
        "+++\ntitle = \"标题\"\nauthor = \"{}\"\nsource_url = \"{url}\"\n+++\n",
        "作".repeat(17)
    ));
    assert_eq!(e, [
        "content/tech/p.md:3:10: error[front-matter]: author has 17 characters; the draft API refuses more than 16\n  help: shorten the author's name",
        "content/tech/p.md:4:14: error[front-matter]: source_url is 1025 bytes; the draft API refuses more than 1024\n  help: use a shorter address for 阅读原文 (a short link, or the page without its tracking parameters)",
    ]);
    // At the limits: no error.
    let url = format!("https://example.com/{}", "a".repeat(1004));
    let site = TestSite::new();
    site.write(
        "content/tech/p.md",
        &format!(
            "+++\ntitle = \"标题\"\nsummary = \"摘要\"\nauthor = \"{}\"\nsource_url = \"{url}\"\n+++\n正文。\n",
            "作".repeat(16)
        ),
    );
    let front_matter_errors: Vec<_> = match site.build() {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().filter(|d| d.rule == "front-matter").collect(),
    };
    assert!(front_matter_errors.is_empty(), "{front_matter_errors:#?}");
}

#[test]
fn invalid_values_are_all_reported_together() {
    let e = full_errors_for(
        "+++\ntitle = \"标题\"\nschedule = \"下周一中午\"\nsource_url = \"example.com\"\nposition = 9\ncolumn = \"tec\"\n+++\n",
    );
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(e[0].starts_with("content/tech/p.md:3:12: error[front-matter]: schedule `下周一中午` is not a valid date"), "{e:#?}");
    assert!(e[0].ends_with("help: expected a date like 2026-12-01T12:00:00+08:00 (without an offset it is in the site's timezone)"));
    assert_eq!(e[1], "content/tech/p.md:4:14: error[front-matter]: source_url `example.com` is not a web address\n  help: use a full address starting with https://");
    assert_eq!(e[2], "content/tech/p.md:5:12: error[front-matter]: position 9 is out of range\n  help: one push holds at most 8 articles: use 1 (headline) to 8");
    assert_eq!(e[3], "content/tech/p.md:6:10: error[column-unknown]: column `tec` is not declared in config.toml\n  help: did you mean `tech`?");
}

#[test]
fn errors_of_all_posts_are_collected() {
    let site = TestSite::new();
    site.write("content/tech/a.md", "+++\ntitel = \"a\"\n+++\n");
    site.write("content/tech/b.md", "+++\ntitle = \"b\"\ndraft = 1\n+++\n");
    site.write(
        "content/tech/c.md",
        "+++\ntitle = \"c\"\n+++\n![图](missing.png)\n",
    );
    site.write("content/other/c.md", "+++\ntitle = \"同名\"\n+++\n");
    assert_eq!(
        site.build_errors(),
        [
            // Build runs the checks too: these posts have no summary, and content/other
            // is no column, so it has no default cover (a warning while writing).
            "content/other/c.md:1:1: warning[column-folder]: the folder content/other/ is not a column: this post has no column (no header, footer or default cover)",
            "content/other/c.md:1:1: warning[cover-missing]: no cover image",
            "content/other/c.md:2:1: warning[summary-length]: no summary: WeChat will show the first 54 characters of the body instead",
            "content/tech/a.md:2:1: error[front-matter]: unknown key `titel`",
            "content/tech/b.md:3:9: error[front-matter]: invalid type: integer `1`, expected a boolean",
            "content/tech/c.md:1:1: error[front-matter]: slug `c` is already used by content/other/c.md",
            "content/tech/c.md:2:1: warning[summary-length]: no summary: WeChat will show the first 54 characters of the body instead",
            "content/tech/c.md:4:1: error[image-missing]: image `missing.png` not found (looked at content/tech/missing.png)",
        ]
    );
}

#[test]
fn config_errors_stop_the_build_with_positions() {
    let site = TestSite::with_config("[site]\nname = \"号\"\ntheme = \"fancy\"\n");
    assert_eq!(site.build_errors(), ["config.toml:3:9: error[config]: theme `fancy` not found: there is no folder themes/fancy/"]);

    let site = TestSite::with_config("[site]\nname = \"号\"\n[[columns]]\nname = \"技术\"\nslug = \"tech\"\nheader = \"nope.html\"\n");
    assert_eq!(
        site.build_errors(),
        ["config.toml:6:10: error[config]: partial `nope.html` not found"]
    );

    let site = TestSite::with_config("[site]\nnmae = \"号\"\n");
    assert_eq!(
        site.build_errors(),
        ["config.toml:2:1: error[config]: unknown key `nmae`"]
    );
}

#[test]
fn missing_config_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Rendered rustc-style: the message, then where.
    assert!(
        stderr.contains("error[config]: cannot read ./config.toml: No such file"),
        "{stderr}"
    );
    // A missing file has no line 1, column 1.
    assert!(stderr.contains("--> config.toml\n"), "{stderr}");
    assert!(
        !stderr.contains("config.toml:1:1") && !stderr.contains(":0:0"),
        "{stderr}"
    );
    assert!(stderr.contains("wxpress init"), "{stderr}");
}

#[test]
fn template_syntax_errors_name_the_file_and_line() {
    let site = TestSite::new();
    site.write(
        "templates/article.html",
        "<section>\n{{ content | safe }\n</section>",
    );
    site.post("a", "正文");
    let e = site.build_errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("templates/article.html:2:"), "{e:?}");
    assert!(e[0].contains("error[template]"), "{e:?}");
}

#[test]
fn template_runtime_errors_are_reported() {
    let site = TestSite::new();
    site.write(
        "templates/article.html",
        "<section>{{ no_such_variable }}</section>",
    );
    site.post("a", "正文");
    let e = site.build_errors();
    assert!(
        e[0].contains("error[template]") && e[0].contains("no_such_variable"),
        "{e:?}"
    );
}

#[test]
fn a_page_bundle_right_under_content_is_no_undeclared_column() {
    let site = TestSite::new();
    // content/<slug>/index.md is the post's own folder (how Hugo bundles import).
    site.write(
        "content/bundle/index.md",
        "+++\ntitle = \"包\"\nsummary = \"一句摘要。\"\n+++\n正文。\n",
    );
    // A bundle inside an undeclared folder still is in that folder.
    site.write(
        "content/other/inner/index.md",
        "+++\ntitle = \"内\"\nsummary = \"一句摘要。\"\n+++\n正文。\n",
    );
    // An error, so that the build lists every problem (warnings included).
    site.write("content/tech/bad.md", "+++\ntitel = \"a\"\n+++\n");
    let all = site.build_errors();
    let folder: Vec<&String> = all.iter().filter(|e| e.contains("column-folder")).collect();
    assert_eq!(folder.len(), 1, "{all:#?}");
    assert!(
        folder[0].starts_with(
            "content/other/inner/index.md:1:1: warning[column-folder]: the folder content/other/"
        ),
        "{all:#?}"
    );
}
