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
        drafts: true,
        now: jiff::Timestamp::now(),
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
                    assert!(
                        value.ends_with("em") || value.ends_with("px"),
                        "{slug}: unitless line-height {value}"
                    );
                }
                if prop == "width" || prop == "min-width" {
                    assert!(!value.ends_with("px"), "{slug}: fixed pixel width {decl}");
                }
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

#[test]
fn example_articles_pass_wechat_article_checker_in_chromium() {
    let (dir, articles) = example_articles();
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
        return;
    }
    for (slug, html) in &articles {
        let report = probe(dir.path(), slug, html);
        // The "real" line-overlap measure, and every other finding, must be zero. The
        // checker's "official" line count counts one rectangle per inline fragment, so
        // it flags any paragraph with bold or a link; its own docs call that a false alarm.
        for key in ["textAlign", "fontFamily", "lineHeightReal", "bareEmphasis"] {
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
    let dom = Command::new("chromium")
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
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
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
