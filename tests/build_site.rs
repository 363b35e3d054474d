//! `wxpress build` on fixture sites: outputs, manifest, drafts, theme overrides and
//! atomic output.

mod common;
use common::{png, TestSite};

#[test]
fn writes_article_page_images_and_manifest() {
    let site = TestSite::new();
    site.write_bytes("content/tech/hello/images/flow.png", &png(320, 10));
    site.write_bytes("content/tech/hello/cover.png", &png(470, 200));
    site.write(
        "content/tech/hello/index.md",
        "+++\ntitle = \"你好\"\nsummary = \"第一篇\"\ncover = \"cover.png\"\nschedule = \"2026-12-01T12:00:00\"\nposition = 1\n+++\n正文 [链接](https://example.com)。\n\n![图](images/flow.png)\n",
    );
    site.build().unwrap();

    let article = site.read("public/hello/article.html");
    assert!(article.starts_with("<section style=\""), "{article}");
    assert!(
        article.contains(r#"<img src="flow.png" data-w="320" alt="图" style="#),
        "{article}"
    );
    assert!(
        article.contains("链接</span><sup style=\"color:#576b95;font-size:12px\">[1]</sup>"),
        "{article}"
    );
    assert!(
        article.contains("[1]</span><span leaf=\"\"> 链接：https://example.com</span></p>"),
        "{article}"
    );
    assert!(site.path("public/hello/flow.png").is_file());
    assert!(site.path("public/hello/cover.png").is_file());
    let page = site.read("public/hello/index.html");
    assert!(
        page.contains("<title>你好</title>") && page.contains(&article),
        "the page embeds the exact fragment"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.json")).unwrap();
    let post = &manifest["posts"][0];
    assert_eq!(post["slug"], "hello");
    assert_eq!(post["title"], "你好");
    assert_eq!(post["summary"], "第一篇");
    assert_eq!(post["column"], "tech", "column comes from the folder");
    assert_eq!(
        post["schedule"], "2026-12-01T12:00:00+08:00",
        "no offset: the site's timezone"
    );
    assert_eq!(post["cover"], "cover.png");
    assert_eq!(post["source"], "content/tech/hello/index.md");
    assert_eq!(post["outputs"]["article"], "hello/article.html");
    assert_eq!(post["outputs"]["images"][0], "hello/flow.png");
    assert_eq!(post["length"]["chars"], article.chars().count());
    assert_eq!(post["length"]["bytes"], article.len());
    // Visible text: outside tags, an entity one character.
    let mut text = 0;
    let (mut in_tag, mut in_entity) = (false, false);
    for c in article.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if in_tag => {}
            '&' => in_entity = true,
            ';' if in_entity => {
                in_entity = false;
                text += 1
            }
            _ if in_entity => {}
            _ => text += 1,
        }
    }
    assert_eq!(post["length"]["text"], text, "{article}");
}

#[test]
fn column_header_and_footer_partials_are_rendered() {
    let site = TestSite::with_config(
        "[site]\nname = \"号\"\n[[columns]]\nname = \"技术\"\nslug = \"tech\"\nheader = \"top.html\"\nfooter = \"footer.html\"\n",
    );
    site.write(
        "templates/partials/top.html",
        "<p class=\"top\">{{ post.column.name }} · {{ post.title }}</p>",
    );
    site.post("a", "正文");
    site.build().unwrap();
    let html = site.read("public/a/article.html");
    assert!(
        html.contains("<p style=\"margin:0 0 1.2em;font-size:16px;line-height:28.8px\"><span leaf=\"\">技术 · 测试文章</span></p>"),
        "{html}"
    );
    assert!(html.contains("— 完 —"), "built-in footer: {html}");
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let site = TestSite::new();
    site.write(
        "themes/default/templates/partials/footer.html",
        "<p>主题页脚</p>",
    );
    site.write(
        "templates/article.html",
        "<section class=\"article\">自定义：{{ content | safe }}{{ footer | safe }}</section>",
    );
    site.post("a", "正文");
    site.build().unwrap();
    let html = site.read("public/a/article.html");
    assert!(
        html.starts_with("<section style=\"font-size:16px;"),
        "theme CSS still applies: {html}"
    );
    assert!(
        html.contains("<span leaf=\"\">自定义：</span><p"),
        "site template wins: {html}"
    );
    assert!(
        html.contains("主题页脚"),
        "theme partial wins over built-in: {html}"
    );
}

#[test]
fn theme_stylesheet_is_inlined_and_classes_removed() {
    let site = TestSite::with_config("[site]\nname = \"号\"\ntheme = \"plain\"\n");
    site.write(
        "themes/plain/style.css",
        ".article { color: #123456; } strong { color: red; }",
    );
    site.post("a", "这是**重点**。");
    site.build().unwrap();
    let html = site.read("public/a/article.html");
    assert_eq!(html, "<section style=\"color:#123456\"><p><span leaf=\"\">这是</span><strong style=\"color:red\">重点</strong><span leaf=\"\">。</span></p></section>");
}

#[test]
fn work_in_progress_is_left_out_unless_asked() {
    let site = TestSite::new();
    site.post("published", "正文");
    site.write(
        "content/tech/wip.md",
        "+++\ntitle = \"写作中\"\nwip = true\n+++\n写作中的正文\n",
    );
    site.build().unwrap();
    assert!(site.path("public/published/article.html").is_file());
    assert!(!site.path("public/wip").exists());

    let out = site.run(&["build", "--wip"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site.path("public/wip/article.html").is_file());
    let manifest = site.read("public/manifest.json");
    assert!(manifest.contains("\"wip\": true"), "{manifest}");
}

#[test]
fn the_old_draft_key_and_flag_still_work_with_a_deprecation_warning() {
    let site = TestSite::new();
    site.write(
        "content/tech/old.md",
        "+++\ntitle = \"旧写法\"\ndraft = true\n+++\n正文\n",
    );
    let out = site.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !site.path("public/old").exists(),
        "draft = true still means not ready"
    );
    let out = site.run(&["build", "--drafts"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        site.path("public/old/article.html").is_file(),
        "--drafts is --wip"
    );
    assert!(
        stderr.contains("warning[deprecated-key]: `draft` is now `wip`")
            && stderr.contains("--> content/tech/old.md:3:1")
            && stderr.contains("help: rename it: wip = true"),
        "{stderr}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::new();
    site.post("a", "第一版");
    site.build().unwrap();
    let before = site.read("public/a/article.html");

    site.post("a", "第二版");
    site.write(
        "content/tech/broken.md",
        "+++\ntitle = \"坏\"\ndraft = \"yes\"\n+++\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[front-matter]") && stderr.contains("--> content/tech/broken.md:3:9"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(site.read("public/a/article.html"), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );

    std::fs::remove_file(site.path("content/tech/broken.md")).unwrap();
    site.build().unwrap();
    assert!(site.read("public/a/article.html").contains("第二版"));
}

#[test]
fn a_deleted_post_disappears_from_the_output() {
    let site = TestSite::new();
    site.post("a", "甲").post("b", "乙");
    site.build().unwrap();
    std::fs::remove_file(site.path("content/tech/b.md")).unwrap();
    site.build().unwrap();
    assert!(site.path("public/a").is_dir());
    assert!(
        !site.path("public/b").exists(),
        "the output is replaced, not merged"
    );
}

#[test]
fn refuses_an_output_folder_it_did_not_create() {
    let site = TestSite::new();
    site.post("a", "正文");
    site.write("docs/notes.txt", "重要的东西");
    let out = site.run(&["build", "--out", "docs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not made by wxpress"));
    assert_eq!(site.read("docs/notes.txt"), "重要的东西");

    let out = site.run(&["build", "--out", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("contains the site itself"));
    assert!(site.path("config.toml").is_file());
}

#[test]
fn images_with_the_same_name_get_distinct_outputs() {
    let site = TestSite::new();
    site.write_bytes("content/tech/a/one/x.png", &png(10, 10));
    site.write_bytes("static/x.png", &png(20, 10));
    site.write(
        "content/tech/a/index.md",
        "+++\ntitle = \"图\"\n+++\n![a](one/x.png) ![b](/static/x.png) ![c](one/x.png)\n",
    );
    site.build().unwrap();
    let html = site.read("public/a/article.html");
    assert!(html.contains("src=\"x.png\" data-w=\"10\""), "{html}");
    assert!(html.contains("src=\"x-2.png\" data-w=\"20\""), "{html}");
    assert_eq!(
        html.matches("src=\"x.png\"").count(),
        2,
        "the same file is one asset"
    );
    assert!(site.path("public/a/x-2.png").is_file());
}

#[test]
fn init_scaffolds_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("blog");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .arg("init")
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "config.toml",
        ".gitignore",
        "themes/default/style.css",
        "themes/default/templates/article.html",
        "content/notes/hello-wxpress/index.md",
    ] {
        assert!(target.join(f).is_file(), "{f}");
    }
    assert!(std::fs::read_to_string(target.join(".gitignore"))
        .unwrap()
        .contains("public/"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .args(["build", "--root"])
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A new site's first check is clean: the example post is still to come.
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .args(["check", "--root"])
        .arg(&target)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{said}");
    assert!(!said.contains("schedule-past"), "{said}");
    let html = std::fs::read_to_string(target.join("public/hello-wxpress/article.html")).unwrap();
    assert!(
        html.contains("<strong") && html.contains("data-w=\"640\""),
        "{html}"
    );

    let again = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .arg("init")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
}

/// Markup per character of text on the example site: characters of HTML (what
/// WeChat's 20,000-character limit counts) over characters of visible text, both
/// from the manifest. Measured (README, renderer section): 7.35 for the whole site
/// before lean styles, 7.34 after; 5.7 for rust-cli-first-step before leaf spans
/// and px font sizes, 7.13 now. The site-wide bound leaves 1.5 %: one more
/// ten-character declaration on every text block (about 350 of them) takes the
/// site to 7.6 and fails here. No single article may pass 10.2 (the highest,
/// city-walk-weekend, is 9.97) nor 19,000 characters (5 % inside the limit).
const MAX_SITE_HTML_PER_TEXT: f64 = 7.45;
const MAX_ARTICLE_HTML_PER_TEXT: f64 = 10.2;
const MAX_ARTICLE_CHARS: u64 = 19_000;

#[test]
fn example_articles_keep_their_html_per_text_ratio() {
    let out = tempfile::tempdir().unwrap();
    wxpress::build::build(&wxpress::build::BuildOptions {
        root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out: out.path().join("public"),
        wip: true,
        now: jiff::Timestamp::now(),
        remote_images: wxpress::images::Remote::Off,
    })
    .unwrap_or_else(|d| panic!("the example site must build: {d:#?}"));
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("public/manifest.json")).unwrap(),
    )
    .unwrap();
    let posts = manifest["posts"].as_array().unwrap();
    assert!(posts.len() >= 6);
    let (mut site_html, mut site_text) = (0, 0);
    for post in posts {
        let (html, text) = (
            post["length"]["chars"].as_u64().unwrap(),
            post["length"]["text"].as_u64().unwrap(),
        );
        assert!(text > 0 && html > text);
        let ratio = html as f64 / text as f64;
        assert!(
            ratio <= MAX_ARTICLE_HTML_PER_TEXT && html <= MAX_ARTICLE_CHARS,
            "{}: {html} characters of HTML for {text} of text ({ratio:.2})",
            post["slug"]
        );
        site_html += html;
        site_text += text;
    }
    let ratio = site_html as f64 / site_text as f64;
    assert!(
        ratio <= MAX_SITE_HTML_PER_TEXT,
        "the example site: {site_html} characters of HTML for {site_text} of text ({ratio:.3})"
    );
}
