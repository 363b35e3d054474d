//! Small files that used to abort or hang wxpress (a writer's typo can take down
//! `serve`): each must now finish quickly with a clear error or a plain result.
//! The deadlines detect hangs; they are not timings.

mod common;
use common::TestSite;
use std::io::{Read, Seek, SeekFrom};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wxpress::render::highlight;

const DEADLINE: Duration = Duration::from_secs(60);

/// Runs the binary with a deadline: (exit code, stdout then stderr). A signal (abort, stack
/// overflow) has no exit code, so it fails the assertions that follow.
fn run(site: &TestSite, args: &[&str]) -> (Option<i32>, String) {
    // Output goes to files: a pipe nobody reads while waiting would fill and block.
    let (stdout, stderr) = (tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .args(args)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(stdout.try_clone().unwrap()))
        .stderr(Stdio::from(stderr.try_clone().unwrap()))
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            child.kill().unwrap();
            panic!("wxpress {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut text = String::new();
    for mut file in [stdout, stderr] {
        file.seek(SeekFrom::Start(0)).unwrap();
        file.read_to_string(&mut text).unwrap();
    }
    (status.code(), text)
}

#[test]
fn deep_nesting_is_refused_at_its_position_not_a_crash_or_a_hang() {
    let cases = [
        (
            ">".repeat(10_000) + " x\n",
            "quotes and lists are nested more than 16",
        ),
        (
            ">".repeat(800) + " x\n",
            "quotes and lists are nested more than 16",
        ),
        (
            "- ".repeat(400) + "x\n",
            "quotes and lists are nested more than 16",
        ),
        (
            (0..200)
                .map(|i| format!("{}- a\n", "  ".repeat(i)))
                .collect(),
            "quotes and lists are nested more than 16",
        ),
        (
            "<table><tr><td>".repeat(602) + "x\n",
            "raw HTML is nested more than 64",
        ),
        (
            "<span>".repeat(2409) + "x\n",
            "raw HTML is nested more than 64",
        ),
        (
            "<div>".repeat(2409) + "x\n",
            "raw HTML is nested more than 64",
        ),
    ];
    for (body, message) in cases {
        let site = TestSite::new();
        site.post("deep", &format!("正文\n\n{body}"));
        let (code, stderr) = run(&site, &["build"]);
        assert_eq!(code, Some(1), "{message}: {stderr}");
        assert!(stderr.contains(message), "{stderr}");
        assert!(
            stderr.contains("error[nesting]") && stderr.contains("--> content/tech/deep.md:"),
            "{stderr}"
        );
    }
}

#[test]
fn a_yaml_block_the_grammar_cannot_take_stays_plain_text() {
    let site = TestSite::new();
    site.post(
        "yaml",
        &format!(
            "```yaml\n{}\n{}x\n```\n",
            "- ".repeat(254),
            "- ".repeat(500)
        ),
    );
    let (code, stderr) = run(&site, &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let article = site.read("public/yaml/article.html");
    assert!(
        article.contains("- - - -") && article.contains("<br>"),
        "the code is kept, line by line: {article}"
    );
}

/// In-process: an abort here kills the test binary, which fails the run.
#[test]
fn every_grammar_takes_pathological_code_without_aborting() {
    let inputs = [
        "(".repeat(3000),
        "[".repeat(3000),
        "{".repeat(3000),
        (0..400)
            .map(|i| format!("{}if x:", " ".repeat(i)))
            .collect::<Vec<_>>()
            .join("\n"),
        (0..300)
            .map(|i| format!("{}a:", " ".repeat(i)))
            .collect::<Vec<_>>()
            .join("\n"),
        "- ".repeat(400) + "x",
        "\"'`".repeat(1000),
        "<div>".repeat(3000),
        (0..600).map(|i| format!("cat <<E{i}\n")).collect(),
        "$(".repeat(2000),
        format!("a = \"{}\"", "x".repeat(200_000)),
    ];
    let languages = [
        "rust", "python", "bash", "json", "toml", "yaml", "js", "go", "java", "c", "css", "html",
    ];
    for lang in languages {
        for code in &inputs {
            let mut out = String::new();
            highlight::code_html(&mut out, code, lang);
            assert!(!out.is_empty(), "{lang}");
        }
    }
}

#[test]
fn diagnostics_on_one_very_long_line_stay_fast_and_short() {
    let site = TestSite::new();
    site.post("long", &("中文English混排,".repeat(3000) + "\n"));
    let (code, stderr) = run(&site, &["check"]);
    assert_eq!(code, Some(1), "content-size is an error");
    let spacing = stderr
        .split("\n\n")
        .find(|block| block.contains("warning[spacing]"))
        .unwrap_or_else(|| panic!("{}", &stderr[..2000.min(stderr.len())]));
    assert!(spacing.contains("--> content/tech/long.md:6:"), "{spacing}");
    assert!(spacing.contains("→"), "a window around the span: {spacing}");
    assert!(spacing.len() < 2_000, "not the whole 60 KB line: {spacing}");
}

#[test]
fn a_word_list_entry_the_size_of_a_paragraph_is_a_config_error() {
    let site = TestSite::with_config(&format!(
        "{}\n[check.words]\nbanned = [\"{}\"]\n",
        common::CONFIG,
        "a".repeat(100_000)
    ));
    site.post("a", "正文");
    let (code, stderr) = run(&site, &["build"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("an entry of [check.words] banned has 100000 characters"),
        "{}",
        &stderr[..2000.min(stderr.len())]
    );
}
