//! Every command of the README's walk-throughs, run with the real binary, so that
//! the README cannot drift from the program.
//!
//! The rule, for the README's fenced blocks marked `sh`, `bash` or `console`:
//!
//! - in `sh`/`bash` blocks every line is a step: `wxpress …` (and `cargo run -- …`,
//!   the same binary in the repository's example site), `cd DIR`, `export NAME=VALUE`;
//!   `&&` chains steps, `#` starts a comment, `NAME=value` before a wxpress command
//!   sets a variable for it alone (`NAME=…` is a placeholder: the session's value stays). Any other line must be in [`NOT_RUN`]
//!   with the reason. An unmarked block right after one (blank lines between) is
//!   what its last command prints.
//! - in `console` blocks a line `$ wxpress …` is a command and the lines up to the
//!   next `$` are what it prints.
//! - Each section (a `#` heading) is one session, run in order in a fresh copy of
//!   the example site (`config.toml`, `content/`, `static/`, `templates/`), or in
//!   the site [`setup`] gives the section when its output describes another one.
//!   Every session has its own WeChat sandbox: `WXPRESS_API_BASE` and
//!   `WXPRESS_APP_SECRET` point at it (the README's `127.0.0.1:8765` is replaced by
//!   its address), so nothing reaches the network.
//! - A command must exit 0 (or the status in [`EXIT`]), never with a usage error.
//!   Servers that run until stopped ([`LONG_RUNNING`]) are only parsed: the same
//!   arguments and `--help`.
//! - Printed lines must appear in what the command prints, compared with numbers
//!   (digits → `#`) and weekdays (→ `Ddd`) masked and runs of spaces made one:
//!   those change with the day the test runs; the words and the shape must not.

mod publish_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use wxpress::sandbox::{self, Options, Running};

/// README lines that are not wxpress commands, and why they are not run here.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "scripts/test.sh",
        "the whole test suite, which includes this test",
    ),
    (
        "cargo install --locked --path .",
        "a release build from scratch (tens of minutes); tests/workflows.rs checks that \
         every cargo install in the README is --locked and from a path",
    ),
];

/// Commands that serve until stopped: their arguments are parsed (`--help`
/// appended) but the server is not started here. Each is tested elsewhere.
const LONG_RUNNING: &[(&str, &str)] = &[
    ("wxpress serve", "tests/serve_cli.rs, serve_http.rs"),
    (
        "wxpress sandbox",
        "the session's in-process sandbox stands in for it (tests/sandbox_cli.rs)",
    ),
    ("wxpress publish --daemon", "tests/publish_daemon.rs"),
];

/// Commands whose documented exit status is not 0.
const EXIT: &[(&str, i32)] = &[
    // The example shows a broadcast over the quota: "Exit status 1 when the
    // schedule has errors".
    (
        "wxpress schedule --from 2026-12-01 --to 2026-12-07 --now 2026-11-30T09:00:00",
        1,
    ),
];

/// A step of a walk-through, with its README line.
#[derive(Debug)]
enum Step {
    Wxpress {
        line: usize,
        /// `NAME=value` words before the command.
        env: Vec<(String, String)>,
        args: Vec<String>,
        expect: Vec<String>,
    },
    Cd(String),
    Export(String, String),
    /// A change the README asks the reader to make by hand (in a comment).
    Edit {
        line: usize,
        text: String,
    },
}

#[derive(Debug, Default)]
struct Section {
    heading: String,
    steps: Vec<Step>,
}

/// Shell words, with '…' and "…" quoting (enough for the README's commands).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The text before a `#` comment (a `#` at the start or after a space).
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn command_steps(line: usize, text: &str, steps: &mut Vec<Step>) {
    for part in text.split("&&").map(str::trim).filter(|p| !p.is_empty()) {
        let mut w = words(part);
        // `NAME=value wxpress …`: the variable for that command only; a value of
        // `…` is a placeholder for the session's own (the sandbox's secret).
        let assigned = w
            .iter()
            .take_while(|x| x.contains('=') && !x.starts_with('-') && w[0] != "export")
            .count();
        let env: Vec<(String, String)> = w
            .drain(..assigned)
            .map(|a| {
                let (k, v) = a.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .filter(|(_, v)| v != "…")
            .collect();
        assert!(
            assigned == 0 || w[0] == "wxpress",
            "README.md:{line}: variables for `{part}`, which is no wxpress command"
        );
        match w[0].as_str() {
            "wxpress" => steps.push(Step::Wxpress {
                line,
                env,
                args: w[1..].to_vec(),
                expect: Vec::new(),
            }),
            "cargo" if w.get(1).map(String::as_str) == Some("run") => {
                let dashes = w.iter().position(|x| x == "--").unwrap_or(w.len());
                steps.push(Step::Wxpress {
                    line,
                    env: Vec::new(),
                    args: w.get(dashes + 1..).unwrap_or_default().to_vec(),
                    expect: Vec::new(),
                })
            }
            "cd" => steps.push(Step::Cd(w[1].clone())),
            "export" => {
                let (k, v) = w[1].split_once('=').expect("export NAME=VALUE");
                steps.push(Step::Export(k.into(), v.into()))
            }
            _ => assert!(
                NOT_RUN.iter().any(|(l, _)| *l == part),
                "README.md:{line}: `{part}` is neither a wxpress command, cd nor export: \
                 run it in this test or list it in NOT_RUN with the reason"
            ),
        }
    }
}

/// The walk-throughs of README.md, by section.
fn walkthroughs(readme: &str) -> Vec<Section> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut sections = vec![Section::default()];
    let mut i = 0;
    // Where the last sh/bash block ended, to attach an output block right after it.
    let mut after_shell: Option<usize> = None;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            let indent = lines[i].len() - trimmed.len();
            let start = i + 1;
            let mut end = start;
            while !lines[end].trim_start().starts_with("```") {
                end += 1;
            }
            let body: Vec<(usize, &str)> = (start..end)
                .map(|n| (n + 1, lines[n].get(indent..).unwrap_or("")))
                .collect();
            let steps = &mut sections.last_mut().unwrap().steps;
            match lang.trim() {
                "sh" | "bash" => {
                    for (n, l) in &body {
                        if let Some(edit) = l.trim_start().strip_prefix("#   ") {
                            // "# … replace … with:" followed by the text to write.
                            steps.push(Step::Edit {
                                line: *n,
                                text: edit.to_string(),
                            });
                        }
                        command_steps(*n, strip_comment(l), steps);
                    }
                    after_shell = Some(end);
                }
                "console" => {
                    for (n, l) in &body {
                        if let Some(command) = l.strip_prefix("$ ") {
                            command_steps(*n, strip_comment(command), steps);
                        } else if let Some(Step::Wxpress { expect, .. }) = steps.last_mut() {
                            expect.push(l.to_string());
                        }
                    }
                }
                "" if after_shell
                    .is_some_and(|e| lines[e + 1..i].iter().all(|l| l.trim().is_empty())) =>
                {
                    if let Some(Step::Wxpress { expect, .. }) = steps
                        .iter_mut()
                        .rev()
                        .find(|s| matches!(s, Step::Wxpress { .. }))
                    {
                        expect.extend(body.iter().map(|(_, l)| l.to_string()));
                    }
                }
                _ => {}
            }
            i = end + 1;
            continue;
        }
        if trimmed.starts_with('#') && !lines[i].starts_with(' ') {
            sections.push(Section {
                heading: trimmed.trim_start_matches('#').trim().to_string(),
                steps: Vec::new(),
            });
        }
        i += 1;
    }
    sections.retain(|s| !s.steps.is_empty());
    sections
}

/// Numbers and weekdays masked, spaces collapsed: see the module's rule.
fn mask(line: &str) -> String {
    let mut out = String::new();
    let mut digits = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('#');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    let mut out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
        out = out.replace(&format!(" {day} "), " Ddd ");
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

struct Session {
    _dir: tempfile::TempDir,
    /// A site [`setup`] made, deleted with the session.
    site: Option<publish_support::Site>,
    sandbox: Running,
    cwd: PathBuf,
    env: BTreeMap<String, String>,
    /// Added to every `wxpress stats` without `--now` (see [`setup`]).
    stats_now: Option<String>,
}

fn new_session() -> Session {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir(&site).unwrap();
    std::fs::copy(repo.join("config.toml"), site.join("config.toml")).unwrap();
    for sub in ["content", "static", "templates"] {
        copy_dir(&repo.join(sub), &site.join(sub));
    }
    let sandbox = sandbox::spawn(
        "127.0.0.1:0".parse().unwrap(),
        Options {
            publish_delay: Duration::from_millis(100),
            ..Options::default()
        },
    )
    .unwrap();
    let env = BTreeMap::from([
        (
            "WXPRESS_API_BASE".to_string(),
            sandbox.base_url().to_string(),
        ),
        (
            "WXPRESS_APP_SECRET".to_string(),
            "sandbox-secret".to_string(),
        ),
        ("WXPRESS_RETRY_DELAY_MS".to_string(), "5".to_string()),
        ("WXPRESS_POLL_MS".to_string(), "50".to_string()),
        ("NO_COLOR".to_string(), "1".to_string()),
    ]);
    Session {
        _dir: dir,
        site: None,
        sandbox,
        cwd: site,
        env,
        stats_now: None,
    }
}

fn wxpress(session: &Session, env: &[(String, String)], args: &[String]) -> publish_support::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wxpress"));
    cmd.current_dir(&session.cwd)
        .args(args)
        .env_remove("WXPRESS_TEST_CRASH_AFTER")
        .envs(&session.env)
        .envs(env.iter().cloned());
    publish_support::run_cmd(cmd)
}

/// Sections whose printed output describes a site other than the example site
/// get that site here, built the way the README describes it.
fn setup(heading: &str, session: &mut Session) {
    match heading {
        // Two posts at 12:00 and one at 20:30 on a subscription account that
        // broadcasts: the second broadcast of the day is over the quota.
        "The calendar: `wxpress schedule`" => {
            let site = publish_support::site();
            let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
            site.write(
                "config.toml",
                &config.replace("# mode = \"draft\"", "mode = \"broadcast\""),
            );
            site.write(
                "content/notes/evening.md",
                "+++\ntitle = \"晚间\"\nsummary = \"晚上的一篇。\"\nschedule = \"2026-12-01T20:30:00\"\ncover = \"hello-wxpress/cover.png\"\n+++\n\n晚上好。\n",
            );
            session.cwd = site.root().to_path_buf();
            session.site = Some(site);
        }
        // "In the sandbox, a week after one broadcast": the scaffold post
        // broadcast, the sandbox's data API eight days on, and wxpress told the same
        // moment (`--now`, added to the commands that do not set it).
        "Reviewing the data: `wxpress stats`" => {
            let site = publish_support::site();
            std::fs::remove_dir_all(site.root().join("content/notes/second")).unwrap();
            session.cwd = site.root().to_path_buf();
            session.site = Some(site);
            let run = wxpress(
                session,
                &[],
                &["publish", "content", "--mode", "broadcast"].map(String::from),
            );
            run.ok();
            let r: serde_json::Value = reqwest::blocking::Client::new()
                .post(format!("{}/__sandbox/clock", session.sandbox.base_url()))
                .json(&serde_json::json!({ "days": 8 }))
                .send()
                .unwrap()
                .json()
                .unwrap();
            assert_eq!(r["errcode"], 0, "{r}");
            let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 8);
            session.stats_now = Some(later.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        // `../old-blog`: a small Hugo blog beside the site, a page bundle with a
        // picture and a post of plain Markdown.
        "Importing posts: `wxpress import`" => {
            let old = session.cwd.parent().unwrap().join("old-blog");
            let bundle = old.join("content/posts/first-trip");
            std::fs::create_dir_all(&bundle).unwrap();
            std::fs::write(old.join("hugo.toml"), "title = \"旧博客\"\n").unwrap();
            std::fs::write(
                bundle.join("index.md"),
                "---\ntitle: 第一次出行\ndate: 2021-05-01\ntags: [旅行]\ndescription: 一次短途旅行。\n---\n\n出发那天下雨。\n\n![车站](station.png)\n",
            )
            .unwrap();
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("static/covers/career.jpg"),
                bundle.join("station.png"),
            )
            .ok();
            std::fs::write(
                old.join("content/posts/notes.md"),
                "# 读书笔记\n\n读完一本书，记几句。\n",
            )
            .unwrap();
        }
        // The example's account: the example site's appid, a sandbox that
        // refuses the publish API (48001) as it does to an unverified account.
        "Before the first push: `wxpress doctor`" => {
            session.sandbox = sandbox::spawn(
                "127.0.0.1:0".parse().unwrap(),
                Options {
                    appid: "wx0000000000000000".into(),
                    ..Options::default()
                },
            )
            .unwrap();
            session.env.insert(
                "WXPRESS_API_BASE".to_string(),
                session.sandbox.base_url().to_string(),
            );
            publish_support::fault(&session.sandbox, "freepublish/batchget", "unauthorized", 1);
        }
        _ => {}
    }
}

fn run_section(section: &Section) -> Vec<String> {
    let mut session = new_session();
    setup(&section.heading, &mut session);
    let mut ran = Vec::new();
    for step in &section.steps {
        match step {
            Step::Cd(dir) => session.cwd = session.cwd.join(dir),
            Step::Export(k, v) => {
                let v = v.replace("http://127.0.0.1:8765", &session.sandbox.base_url());
                session.env.insert(k.clone(), v);
            }
            Step::Edit { line, text } => {
                // The only hand edit the walk-throughs ask for: the appid line.
                let (key, _) = text.split_once(" = ").unwrap_or_else(|| {
                    panic!("README.md:{line}: unknown hand edit `{text}`: teach this test")
                });
                let path = session.cwd.join("config.toml");
                let config = std::fs::read_to_string(&path).unwrap();
                let commented = config
                    .lines()
                    .find(|l| l.starts_with(&format!("# {key} = ")))
                    .unwrap_or_else(|| {
                        panic!("README.md:{line}: config.toml has no commented `{key}` line to replace:\n{config}")
                    })
                    .to_string();
                std::fs::write(&path, config.replace(&commented, text)).unwrap();
            }
            Step::Wxpress {
                line,
                env,
                args,
                expect,
            } => {
                let shown = format!("wxpress {}", args.join(" "));
                let mut args = args.clone();
                let long = LONG_RUNNING.iter().any(|(c, _)| shown.starts_with(c));
                if long {
                    args.push("--help".into());
                } else if let Some(now) = &session.stats_now {
                    if args[0] == "stats" && !args.iter().any(|a| a == "--now") {
                        args.extend(["--now".to_string(), now.clone()]);
                    }
                }
                let run = wxpress(&session, env, &args);
                let code = EXIT
                    .iter()
                    .find(|(c, _)| *c == shown)
                    .map_or(0, |(_, code)| *code);
                assert!(
                    !run.stderr.contains("For more information, try '--help'"),
                    "README.md:{line}: `{shown}` is not a valid command:\n{}",
                    run.stderr
                );
                assert_eq!(
                    run.code,
                    Some(code),
                    "README.md:{line}: `{shown}` (in {})\nstdout:\n{}\nstderr:\n{}",
                    session.cwd.display(),
                    run.stdout,
                    run.stderr
                );
                let printed: Vec<String> = run
                    .stdout
                    .lines()
                    .chain(run.stderr.lines())
                    .map(mask)
                    .collect();
                for want in expect.iter().filter(|l| !l.trim().is_empty()) {
                    assert!(
                        printed.contains(&mask(want)),
                        "README.md:{line}: `{shown}` does not print\n  {want}\n(masked: {})\nstdout:\n{}\nstderr:\n{}",
                        mask(want),
                        run.stdout,
                        run.stderr
                    );
                }
                ran.push(shown);
            }
        }
    }
    ran
}

#[test]
fn the_rule_reads_commands_outputs_and_sessions() {
    let readme = "# A\n\n```bash\nwxpress check   # all\ncargo run -- build --drafts\n```\n\ntext\n```\nignored\n```\n\n## B\n\n```console\n$ wxpress stats --offline\nline 1\n\nline 2\n```\n\n   ```sh\n   wxpress init my-site && cd my-site\n   #   appid = \"x\"\n   export A=b\n   WXPRESS_APP_SECRET=… NO_COLOR=1 wxpress publish\n   ```\n\n   ```\n   published 3\n   ```\n";
    let sections = walkthroughs(readme);
    assert_eq!(sections.len(), 2);
    assert_eq!(sections[0].heading, "A");
    let s = format!("{:?}", sections[0].steps);
    assert!(s.contains("args: [\"check\"], expect: []"), "{s}");
    assert!(
        s.contains("args: [\"build\", \"--drafts\"], expect: []"),
        "{s}"
    );
    let s = format!("{:?}", sections[1].steps);
    assert!(
        s.contains("args: [\"stats\", \"--offline\"], expect: [\"line 1\", \"\", \"line 2\"]"),
        "{s}"
    );
    assert!(
        s.contains("Cd(\"my-site\")") && s.contains("Export(\"A\", \"b\")"),
        "{s}"
    );
    assert!(s.contains("text: \"appid = \\\"x\\\"\""), "{s}");
    assert!(
        s.contains("env: [(\"NO_COLOR\", \"1\")], args: [\"publish\"], expect: [\"published 3\"]"),
        "{s}"
    );
    assert_eq!(mask("2026-12-02 18:32 Wed  18:32 x"), "#-#-# #:# Ddd #:# x");
}

#[test]
fn every_walkthrough_command_of_the_readme_runs_as_shown() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let sections = walkthroughs(&readme);
    let mut ran = Vec::new();
    for section in &sections {
        ran.extend(run_section(section));
    }
    // The walk-throughs this test knows of are all there (a new one only adds).
    for command in [
        "wxpress build",
        "wxpress check --fix",
        "wxpress init my-site",
        "wxpress publish content --mode publish",
        "wxpress stats --offline --svg stats.svg",
    ] {
        assert!(
            ran.iter().any(|r| r == command),
            "{command} not run: {ran:?}"
        );
    }
}
