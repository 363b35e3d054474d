//! Property-based fuzzing of what writers type: front matter (TOML and YAML),
//! Markdown with raw HTML and CJK, and config.toml fragments, assembled from the
//! pieces that have broken parsers before. Every input must build to either
//! output or diagnostics with a real position — never a panic, an abort or a
//! hang. Bounded for CI: `WXPRESS_FUZZ_CASES` cases per property (default 64).

mod common;
use common::{TestSite, CONFIG};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Far more than any case takes (a few ms): a hang detector, not a timing.
const SLOW: Duration = Duration::from_secs(20);

fn cases() -> u32 {
    std::env::var("WXPRESS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// Markdown and HTML fragments that parsers trip on, and CJK text around them.
fn markdown() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("    ".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("`".to_string()),
        Just("```yaml\n".to_string()),
        Just("```rust\n".to_string()),
        Just("```\n".to_string()),
        Just("[链接](https://example.com)".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: 注释\n".to_string()),
        Just("![图](a.png)".to_string()),
        Just("![图](../../../etc/passwd)".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<span style=\"color:red\">".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<!-- wxpress-ignore typo -->".to_string()),
        Just("$$x^2$$".to_string()),
        Just("“引号”".to_string()),
        Just("《书名》".to_string()),
        Just("最佳".to_string()),
        Just("转发抽奖".to_string()),
        Just("中文English".to_string()),
        Just("2019年".to_string()),
        Just("，。！？".to_string()),
        Just("\u{200b}".to_string()),
        Just("\r\n".to_string()),
        "[\\p{Han}a-zA-Z0-9 ]{0,12}".prop_map(|s| s),
    ];
    prop::collection::vec(token, 0..120).prop_map(|t| t.concat())
}

/// Front matter keys with values of the right and the wrong types.
fn front_matter() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"测试文章\"".to_string()),
        Just("\"\"".to_string()),
        Just("1".to_string()),
        Just("true".to_string()),
        Just("[\"typo\"]".to_string()),
        Just("\"2026-12-01T12:00:00+08:00[Asia/Shanghai]\"".to_string()),
        Just("\"2026-12-01T12:00:00+25:00\"".to_string()),
        Just("\"下周一\"".to_string()),
        Just("\"/../../etc/passwd\"".to_string()),
        Just("\"/static/cover.png\"".to_string()),
        "\"[\\p{Han}a-z ]{0,40}\"".prop_map(|s| s),
    ];
    let key = prop_oneof![
        Just("title"),
        Just("summary"),
        Just("cover"),
        Just("schedule"),
        Just("position"),
        Just("draft"),
        Just("column"),
        Just("author"),
        Just("source_url"),
        Just("comments"),
        Just("sumary"),
    ];
    let toml = prop::collection::vec((key.clone(), value.clone()), 0..8).prop_map(|kv| {
        let lines: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("+++\n{}\n+++\n", lines.join("\n"))
    });
    let yaml = prop::collection::vec((key, value), 0..8).prop_map(|kv| {
        let lines: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        format!("---\n{}\n---\n", lines.join("\n"))
    });
    prop_oneof![
        toml,
        yaml,
        Just(String::new()),
        Just("+++\ntitle = ".to_string())
    ]
}

/// Fragments appended to a valid config.toml.
fn config_extra() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\n[check.rules]\ntypo = \"off\"\n".to_string()),
        Just("\n[check.rules]\nnot-a-rule = \"off\"\n".to_string()),
        Just("\n[check.words]\nbanned = [\"\", \"最\"]\n".to_string()),
        Just("\n[schedule]\nslots = [\"25:00\"]\n".to_string()),
        Just("\n[site]\n".to_string()),
        Just("\n[check]\ntitle_max = -1\n".to_string()),
        "\n\\[[a-z.]{0,10}\\]\n[a-z_]{1,8} = [0-9\"a-z]{0,6}\n".prop_map(|s| s),
    ]
}

fn build_never_panics_or_hangs(config: &str, front: &str, body: &str) {
    let site = TestSite::with_config(&format!("{CONFIG}{config}"));
    site.write("content/tech/p.md", &format!("{front}{body}"));
    let start = Instant::now();
    let result = site.build();
    assert!(start.elapsed() < SLOW, "took {:?}", start.elapsed());
    if let Err(diags) = result {
        assert!(!diags.is_empty(), "a failed build says why");
        for d in &diags {
            assert!(d.line >= 1 && d.column >= 1, "a real position: {d}");
            assert!(!d.file.is_empty() && !d.message.is_empty(), "{d}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_post_builds_or_is_explained(front in front_matter(), body in markdown()) {
        build_never_panics_or_hangs("", &front, &body);
    }

    #[test]
    fn any_config_builds_or_is_explained(config in config_extra(), body in markdown()) {
        build_never_panics_or_hangs(&config, "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\n+++\n", &body);
    }
}
