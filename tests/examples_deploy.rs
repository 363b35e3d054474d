//! The deployment examples in examples/: each parses, runs `wxpress publish --due`
//! (or `--daemon`) with arguments the real binary accepts, and keeps the secret
//! out of the file.

mod publish_support;

use publish_support::*;
use serde_norway::Value;
use std::path::Path;

fn example(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(rel),
    )
    .unwrap_or_else(|e| panic!("examples/{rel}: {e}"))
}

/// Runs the wxpress command of an example (program path and everything after
/// `wxpress` on that line) in a test site with nothing due, against the sandbox.
fn runs(command: &str) {
    let args: Vec<&str> = command
        .split_whitespace()
        .skip_while(|w| !w.ends_with("wxpress"))
        .skip(1)
        .take_while(|w| !w.starts_with(">>") && !w.starts_with('&'))
        .collect();
    assert!(!args.is_empty(), "no wxpress command in {command:?}");
    let sb = sandbox();
    let site = site();
    // Far in the future, so that the real clock never makes the posts due.
    for post in [HELLO, SECOND] {
        let p = site.root().join(post);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            &p,
            text.replace("2026-12-01T12:00:00", "2099-12-01T12:00:00"),
        )
        .unwrap();
    }
    let run = run_cmd(wxpress(&site, &sb, &args));
    run.ok();
    assert_eq!(run.stdout.trim(), "nothing due", "{args:?}");
}

#[test]
fn github_workflow_runs_due_on_a_schedule_with_concurrency_secret_and_ledger_commit() {
    let text = example("github-actions/wxpress-publish.yml");
    let wf: Value = serde_norway::from_str(&text).unwrap();
    let on = &wf["on"];
    assert_eq!(on["schedule"][0]["cron"].as_str(), Some("*/10 * * * *"));
    assert!(
        on.get("workflow_dispatch").is_some(),
        "manual dispatch: {on:?}"
    );
    assert_eq!(wf["concurrency"]["group"].as_str(), Some("wxpress-publish"));
    assert_eq!(
        wf["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    assert_eq!(wf["permissions"]["contents"].as_str(), Some("write"));

    let steps = wf["jobs"]["publish"]["steps"].as_sequence().unwrap();
    let publish = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("wxpress publish --due"))
        })
        .expect("a step running `wxpress publish --due`");
    assert_eq!(
        publish["env"]["WXPRESS_APP_SECRET"].as_str(),
        Some("${{ secrets.WXPRESS_APP_SECRET }}")
    );
    runs(publish["run"].as_str().unwrap());

    let commit = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("git add .wxpress/ledger.jsonl"))
        })
        .expect("a step committing the ledger");
    let commit_step = &steps[commit];
    assert_eq!(commit_step["if"].as_str(), Some("always()"));
    assert!(commit_step["run"].as_str().unwrap().contains("git push"));
    assert!(commit > steps.iter().position(|s| s == publish).unwrap());
    // The secret appears only as a reference to the repository secret, in the
    // publishing and statistics steps.
    assert_eq!(text.matches("WXPRESS_APP_SECRET:").count(), 2);
    assert_eq!(
        text.matches("WXPRESS_APP_SECRET: ${{ secrets.WXPRESS_APP_SECRET }}")
            .count(),
        2
    );

    // Once a day it fetches the statistics, without ever failing the run, before
    // the commit that also takes .wxpress/stats/.
    assert_eq!(on["schedule"][1]["cron"].as_str(), Some("17 2 * * *"));
    let stats = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.trim() == "wxpress stats --fetch")
        })
        .expect("a step running `wxpress stats --fetch`");
    assert_eq!(steps[stats]["continue-on-error"].as_bool(), Some(true));
    assert!(steps[stats]["if"]
        .as_str()
        .unwrap()
        .contains("github.event.schedule == '17 2 * * *'"));
    assert!(stats < commit);
    assert!(commit_step["run"]
        .as_str()
        .unwrap()
        .contains("git add .wxpress/stats"));
}

/// Runs the `wxpress stats --fetch` command of an example in a test site
/// against the sandbox: it records the day for the daemon and writes no
/// snapshot (nothing published yet).
fn fetches_stats(command: &str) {
    let args: Vec<&str> = command
        .split_whitespace()
        .skip_while(|w| !w.ends_with("wxpress"))
        .skip(1)
        .take_while(|w| !w.starts_with(">>") && !w.starts_with('&'))
        .collect();
    assert_eq!(args, ["stats", "--fetch"], "{command:?}");
    let sb = sandbox();
    let site = site();
    let run = run_cmd(wxpress(&site, &sb, &args));
    run.ok();
    assert!(
        run.stderr.contains("fetched 0 article(s)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "--fetch prints no report");
    assert!(site.root().join(".wxpress/stats/fetched.json").exists());
}

#[test]
fn crontab_lines_run_due_every_five_minutes_and_stats_daily_without_the_secret() {
    let text = example("cron/crontab");
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let fields: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(&fields[..5], ["*/5", "*", "*", "*", "*"]);
    let command = fields[5..].join(" ");
    assert!(command.contains("wxpress publish --due"), "{command}");
    assert!(!command.contains("WXPRESS_APP_SECRET="), "{command}");
    runs(&command);

    // Once a day, after 08:00 China time (when WeChat has yesterday's numbers).
    let fields: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(&fields[2..5], ["*", "*", "*"]);
    let hour: u32 = fields[1].parse().unwrap();
    assert!((8..12).contains(&hour), "{}", lines[1]);
    let command = fields[5..].join(" ");
    assert!(!command.contains("WXPRESS_APP_SECRET="), "{command}");
    assert!(!command.contains("git "), "commits nothing: {command}");
    fetches_stats(&command);
}

/// `Key=Value` lines of a systemd unit, by key.
fn unit(text: &str) -> std::collections::HashMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[test]
fn systemd_timer_starts_the_due_service_and_the_daemon_unit_stops_gently() {
    let service = unit(&example("systemd/wxpress-publish.service"));
    assert_eq!(service["Type"], "oneshot");
    assert!(service["ExecStart"].ends_with("wxpress publish --due"));
    assert_eq!(service["EnvironmentFile"], "/etc/wxpress/secret.env");
    runs(&service["ExecStart"]);

    let timer = unit(&example("systemd/wxpress-publish.timer"));
    assert_eq!(timer["OnCalendar"], "*:0/5");
    assert_eq!(timer["Unit"], "wxpress-publish.service");
    assert_eq!(timer["WantedBy"], "timers.target");

    let daemon = unit(&example("systemd/wxpress-daemon.service"));
    assert!(daemon["ExecStart"].ends_with("wxpress publish --daemon"));
    assert_eq!(daemon["KillSignal"], "SIGTERM");
    // Longer than the default 5 minutes publishing may wait for WeChat.
    assert!(daemon["TimeoutStopSec"].parse::<u64>().unwrap() > 300);
}

#[test]
fn systemd_stats_timer_fetches_once_a_day_after_eight_china_time() {
    let service = unit(&example("systemd/wxpress-stats.service"));
    assert_eq!(service["Type"], "oneshot");
    assert!(service["ExecStart"].ends_with("wxpress stats --fetch"));
    assert_eq!(service["EnvironmentFile"], "/etc/wxpress/secret.env");
    fetches_stats(&service["ExecStart"]);

    let timer = unit(&example("systemd/wxpress-stats.timer"));
    assert_eq!(timer["OnCalendar"], "*-*-* 09:17:00 Asia/Shanghai");
    assert_eq!(timer["Persistent"], "true");
    assert_eq!(timer["Unit"], "wxpress-stats.service");
    assert_eq!(timer["WantedBy"], "timers.target");
    // systemd itself accepts the calendar spec, when it is installed here.
    if let Ok(out) = std::process::Command::new("systemd-analyze")
        .args(["calendar", &timer["OnCalendar"]])
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The ledger commit step, run for real: a remote that someone pushed to while
/// the publish ran still ends up with the ledger's new lines and theirs.
#[test]
fn github_workflow_keeps_ledger_lines_when_the_first_push_is_refused() {
    let text = example("github-actions/wxpress-publish.yml");
    let doc: Value = serde_norway::from_str(&text).unwrap();
    let steps = doc["jobs"]["publish"]["steps"].as_sequence().unwrap();
    let script = steps
        .iter()
        .find_map(|s| {
            s["run"]
                .as_str()
                .filter(|r| r.contains("git add .wxpress/ledger.jsonl"))
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let git = |cwd: &Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(cwd)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let remote = dir.path().join("remote.git");
    git(
        dir.path(),
        &[
            "init",
            "--quiet",
            "--bare",
            "-b",
            "main",
            remote.to_str().unwrap(),
        ],
    );
    let runner = dir.path().join("runner");
    let writer = dir.path().join("writer");
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            remote.to_str().unwrap(),
            runner.to_str().unwrap(),
        ],
    );
    std::fs::create_dir_all(runner.join(".wxpress")).unwrap();
    std::fs::write(runner.join(".wxpress/ledger.jsonl"), "{\"old\":1}\n").unwrap();
    git(&runner, &["add", "."]);
    git(&runner, &["commit", "--quiet", "-m", "start"]);
    git(&runner, &["push", "--quiet", "origin", "HEAD:main"]);
    git(
        &runner,
        &["branch", "--quiet", "--set-upstream-to=origin/main"],
    );
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            remote.to_str().unwrap(),
            writer.to_str().unwrap(),
        ],
    );

    // The writer pushes a post while the runner publishes and appends to its ledger.
    std::fs::write(writer.join("post.md"), "新文章").unwrap();
    git(&writer, &["add", "."]);
    git(&writer, &["commit", "--quiet", "-m", "a post"]);
    git(&writer, &["push", "--quiet", "origin", "HEAD:main"]);
    std::fs::write(
        runner.join(".wxpress/ledger.jsonl"),
        "{\"old\":1}\n{\"new\":2}\n",
    )
    .unwrap();
    // The daily statistics fetch wrote its first snapshots.
    std::fs::create_dir_all(runner.join(".wxpress/stats")).unwrap();
    std::fs::write(runner.join(".wxpress/stats/2026-12.jsonl"), "{\"s\":1}\n").unwrap();
    // And pushes once more in the instant between the runner's rebase and its
    // push (a pre-push hook that races, once): that first push is refused.
    let hook = runner.join(".git/hooks/pre-push");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\n[ -e '{raced}' ] && exit 0\ntouch '{raced}'\ncd '{}' && unset GIT_DIR && echo more >> post.md && git -c user.name=w -c user.email=w@example.com commit --quiet -am more && git push --quiet origin HEAD:main\n",
            writer.display(),
            raced = dir.path().join("raced").display(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let out = std::process::Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(&runner)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ledger = git(&remote, &["show", "main:.wxpress/ledger.jsonl"]);
    assert_eq!(ledger, "{\"old\":1}\n{\"new\":2}\n");
    assert_eq!(
        git(&remote, &["show", "main:.wxpress/stats/2026-12.jsonl"]),
        "{\"s\":1}\n"
    );
    assert_eq!(git(&remote, &["show", "main:post.md"]), "新文章more\n");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("push refused (attempt 1)"),
        "the race happened: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}
