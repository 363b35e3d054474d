//! The example site's articles follow WeChat's structure rules (DESIGN.md): checked
//! here on the HTML, and independently by the PyPI package `wechat-article-checker`
//! in headless Chromium (the same algorithm WeChat's editor runs).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the repository's own example site (with drafts) into a temporary folder.
fn example_articles() -> (tempfile::TempDir, Vec<(String, String)>) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    wxpress::build::build(&wxpress::build::BuildOptions {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out: public.clone(),
        wip: true,
        now: jiff::Timestamp::now(),
        remote_images: wxpress::images::Remote::Off,
    })
    .unwrap_or_else(|d| panic!("the example site must build: {d:#?}"));
    let mut articles = Vec::new();
    for entry in std::fs::read_dir(&public).unwrap() {
        let path = entry.unwrap().path().join("article.html");
        if path.is_file() {
            let slug = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            articles.push((slug, std::fs::read_to_string(path).unwrap()));
        }
    }
    articles.sort();
    assert!(articles.len() >= 6, "the example site has at least 6 posts");
    (out, articles)
}

#[test]
fn example_articles_keep_only_inline_styles() {
    let (_dir, articles) = example_articles();
    for (slug, html) in &articles {
        for banned in [
            " class=",
            " id=",
            "<style",
            "<script",
            "<link",
            "font-family",
            "!important",
            "<pre><p",
        ] {
            assert!(!html.contains(banned), "{slug}: contains {banned:?}");
        }
        for align in ["text-align:start", "text-align:end"] {
            assert!(!html.contains(align), "{slug}: {align}");
        }
        assert!(
            html.chars().count() < 20_000,
            "{slug}: over the draft API's 20,000 characters"
        );
        for style in html
            .split("style=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
        {
            for decl in style.split(';') {
                let (prop, value) = decl.split_once(':').unwrap_or((decl, ""));
                if prop == "line-height" {
                    // px: an older WeChat check reads `1.8em` with parseFloat, as 1.8 px.
                    assert!(
                        value.ends_with("px"),
                        "{slug}: line-height {value} not in px"
                    );
                }
                if prop == "width" || prop == "min-width" {
                    assert!(!value.ends_with("px"), "{slug}: fixed pixel width {decl}");
                }
            }
        }
        // Every block that holds text states its font size (and its line height in px).
        for tag in ["<p", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<td", "<th"] {
            for rest in html.split(tag).skip(1) {
                let open = rest.split('>').next().unwrap();
                if !(open.is_empty() || open.starts_with(' ')) {
                    continue; // <pre, <thead …
                }
                assert!(
                    open.contains("font-size:") && open.contains("line-height:"),
                    "{slug}: {tag}{open}> without its own font-size and line-height"
                );
            }
        }
        for img in html.split("<img ").skip(1) {
            assert!(
                img.split('>').next().unwrap().contains("data-w=\""),
                "{slug}: <img> without data-w"
            );
        }
        let prose: String = html
            .split("<pre")
            .map(|part| part.split_once("</pre>").map_or(part, |(_, after)| after))
            .collect();
        assert!(
            !prose.contains("**"),
            "{slug}: bare emphasis markers outside code blocks"
        );
    }
}

/// The torture post (`tests/fixtures/torture.md`: every known WeChat pitfall) built
/// in a site of its own; returns its article.
fn torture_article() -> (tempfile::TempDir, String) {
    fixture_article("torture")
}

/// `tests/fixtures/<name>.md` built as the post `<name>` in a site of its own.
fn fixture_article(name: &str) -> (tempfile::TempDir, String) {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("config.toml"),
        "[site]\nname = \"测试号\"\n\n[[columns]]\nname = \"技术\"\nslug = \"tech\"\ncover = \"/static/cover.jpg\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("static/covers/tech.jpg"),
        root.join("static/cover.jpg"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/tech")).unwrap();
    let body = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}.md")),
    )
    .unwrap();
    std::fs::write(
        root.join(format!("content/tech/{name}.md")),
        format!("+++\ntitle = \"排版酷刑测试\"\nsummary = \"所有已知的坑\"\n+++\n{body}"),
    )
    .unwrap();
    wxpress::build::build(&wxpress::build::BuildOptions {
        root: root.to_path_buf(),
        out: root.join("public"),
        wip: false,
        now: jiff::Timestamp::now(),
        remote_images: wxpress::images::Remote::Off,
    })
    .unwrap_or_else(|d| panic!("the {name} post must build: {d:#?}"));
    let html = std::fs::read_to_string(root.join(format!("public/{name}/article.html"))).unwrap();
    // The probe page is written beside the site's root: give it the drawn formulas
    // and diagrams, so that they are measured as the pictures they are.
    for entry in std::fs::read_dir(root.join(format!("public/{name}"))).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "png") {
            std::fs::copy(&path, root.join(path.file_name().unwrap())).unwrap();
        }
    }
    (site, html)
}

fn tools_installed() -> bool {
    let tools = ["wechat-checker", "chromium"].map(|t| {
        Command::new("which")
            .arg(t)
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if tools.contains(&false) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and wechat-article-checker (.ci/run does)"
        );
        eprintln!(
            "skipped: install chromium and `pip install wechat-article-checker` to run this test"
        );
        return false;
    }
    true
}

/// Every count of the checker must be zero, at the editor's widths and a phone's.
/// `lineHeight` is the checker's "official" count: WeChat's editor counts the
/// `getClientRects()` of each block with direct text, which is what makes it show
/// 行高小于字体大小; leaf spans leave no block with direct text.
fn assert_clean(dir: &Path, slug: &str, html: &str, keys: &[&str]) {
    let report = probe(dir, slug, html);
    for key in keys {
        for width in ["w375", "w585", "w677"] {
            let n = report["payload"][width]["count"][key].as_u64();
            assert_eq!(
                n,
                Some(0),
                "{slug}: {key} at {width}: {}",
                report["payload"][width][key]
            );
        }
    }
    if keys != ALL {
        return;
    }
    for key in [
        "textAlignStartEnd",
        "fontFamily",
        "unitlessLineHeight",
        "boxSizing",
        "orphansWidows",
    ] {
        assert_eq!(report["payloadRaw"][key].as_u64(), Some(0), "{slug}: {key}");
    }
}

const ALL: &[&str] = &[
    "textAlign",
    "fontFamily",
    "lineHeight",
    "lineHeightReal",
    "bareEmphasis",
];

#[test]
fn example_articles_pass_wechat_article_checker_in_chromium() {
    if !tools_installed() {
        return;
    }
    let (dir, articles) = example_articles();
    for (slug, html) in &articles {
        assert_clean(dir.path(), slug, html, ALL);
    }
}

#[test]
fn the_torture_post_passes_wechat_article_checker_in_chromium() {
    if !tools_installed() {
        return;
    }
    let (dir, html) = torture_article();
    assert_clean(dir.path(), "torture", &html, ALL);
}

/// Formulas and diagrams (`tests/fixtures/math.md`) in prose, bold, lists, quotes,
/// tables and callouts: pictures on the baseline must not read as short lines.
#[test]
fn the_math_post_passes_wechat_article_checker_in_chromium() {
    if !tools_installed() {
        return;
    }
    let (dir, html) = fixture_article("math");
    assert!(html.matches("<img").count() >= 10, "{html}");
    assert_clean(dir.path(), "math", &html, ALL);
}

/// Runs the checker's probe page for one article in headless Chromium and returns its JSON report.
fn probe(dir: &Path, slug: &str, html: &str) -> serde_json::Value {
    let article = dir.join(format!("{slug}.html"));
    let page = dir.join(format!("{slug}-probe.html"));
    std::fs::write(&article, html).unwrap();
    let built = Command::new("wechat-checker")
        .arg(&article)
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    // The DOM goes to a file, and Chromium gets two minutes: a script left in an
    // article (an `alert()`) would otherwise block the test forever.
    let dump = dir.join(format!("{slug}-dom.html"));
    let mut chromium = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join("chromium-profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&dump).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while chromium.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = chromium.kill();
            let _ = chromium.wait();
            panic!("{slug}: Chromium did not finish the probe page in 120 s (a script in the article?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let dom = std::fs::read_to_string(&dump).unwrap();
    let start = dom
        .find("<pre id=\"__probeReport\" style")
        .unwrap_or_else(|| panic!("{slug}: no probe report"));
    let json = &dom[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{slug}: {e}"))
}
