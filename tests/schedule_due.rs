//! `wxpress schedule` and `wxpress publish --due` with a fixed `--now`, against
//! the sandbox. The test site's two posts are scheduled at 2026-12-01 12:00 in
//! Asia/Shanghai (04:00Z) and form one push.

mod publish_support;

use publish_support::*;
use serde_json::Value;
use wxpress::sandbox::Running;

fn schedule(site: &Site, sb: &Running, args: &[&str]) -> Run {
    let mut all = vec!["schedule"];
    all.extend_from_slice(args);
    run_cmd(wxpress(site, sb, &all))
}

#[test]
fn due_publishes_once_within_grace_and_never_early_or_late() {
    let sb = sandbox();
    let site = site();

    // A minute early: nothing, not even a token.
    let early = publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T11:59:00", "--mode", "publish"],
    );
    early.ok();
    assert_eq!(early.stdout.trim(), "nothing due");
    assert_eq!(calls(&sb, "stable_token"), 0);

    // Five minutes late: both posts in one push, headline first.
    let run = publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T12:05:00", "--mode", "publish"],
    );
    run.ok();
    assert!(
        run.stdout
            .contains("published 《你好，wxpress》 《第二篇》"),
        "{}",
        run.stdout
    );
    let st = state(&sb);
    assert_eq!(st["published"].as_array().unwrap().len(), 1);
    assert_eq!(st["published"][0]["articles"][1]["title"], "第二篇");

    // Run again (cron every five minutes): nothing more goes out.
    let again = publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T12:10:00", "--mode", "publish"],
    );
    again.ok();
    assert_eq!(again.stdout.trim(), "nothing due");
    assert_eq!(calls(&sb, "draft/add"), 1);
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
    assert_eq!(site.pushes().len(), 1);

    // The calendar now shows the push as done.
    let cal = schedule(
        &site,
        &sb,
        &["--now", "2026-12-01T12:10:00", "--format", "json"],
    );
    cal.ok();
    let v: Value = serde_json::from_str(&cal.stdout).unwrap();
    assert_eq!(v["pushes"][0]["status"], "done");
    assert_eq!(v["pushes"][0]["items"][0]["done"], true);
}

#[test]
fn due_skips_a_push_beyond_grace_and_schedule_reports_it_missed() {
    let sb = sandbox();
    let site = site();
    // Default grace 6h: 18:00:01 is one second too late.
    let late = publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T18:00:01", "--mode", "publish"],
    );
    late.ok();
    assert_eq!(late.stdout.trim(), "nothing due");
    assert_eq!(calls(&sb, "stable_token"), 0);

    let cal = schedule(&site, &sb, &["--now", "2026-12-01T18:00:01"]);
    assert_eq!(cal.code, Some(0), "{}{}", cal.stdout, cal.stderr);
    assert!(
        cal.stdout
            .contains("2026-12-01 Tue 12:00  draft  MISSED  2 article(s)"),
        "{}",
        cal.stdout
    );
    assert!(cal.stderr.contains(&format!("{HELLO}:7:12: warning[schedule-past]: scheduled at 2026-12-01 12:00, more than the grace of 6h ago, and never published")), "{}", cal.stderr);

    // Exactly at the edge of grace it still goes out.
    publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T18:00:00", "--mode", "publish"],
    )
    .ok();
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
}

#[test]
fn longer_grace_from_config_and_now_with_offset() {
    let sb = sandbox();
    let site = site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("[schedule]\n", "[schedule]\ngrace = \"12h\"\n"),
    );
    // 2026-12-01T13:00Z is 21:00 in Shanghai: 9h late, within 12h.
    publish(&site, &sb, &["--due", "--now", "2026-12-01T13:00:00Z"]).ok();
    assert_eq!(calls(&sb, "draft/add"), 1);
    assert_eq!(site.pushes()[0]["state"], "drafted");
}

#[test]
fn due_and_paths_do_not_mix_and_bad_now_is_explained() {
    let sb = sandbox();
    let site = site();
    let both = publish(&site, &sb, &["--due", "content"]);
    assert_eq!(both.code, Some(2), "{}", both.stderr);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    let none = publish(&site, &sb, &[]);
    assert_eq!(none.code, Some(2));
    assert!(none.stderr.contains("required"), "{}", none.stderr);
    let bad = publish(&site, &sb, &["--due", "--now", "noon"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("--now \"noon\" is not a moment"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("write e.g. 2026-12-01T12:00:00"),
        "{}",
        bad.stderr
    );
}

#[test]
fn schedule_shows_calendar_quota_and_problems() {
    let sb = sandbox();
    let site = site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config
            .replace("# mode = \"draft\"", "mode = \"broadcast\"")
            .replace("[schedule]\n", "[schedule]\nslots = [\"12:00\"]\n"),
    );
    // Same local day as the first push: over the subscription quota, and off-slot.
    site.write(
        "content/notes/evening.md",
        "+++\ntitle = \"晚间\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"2026-12-01T20:30:00\"\n+++\n\n晚上好。\n",
    );
    // Next local day, 00:30 (still 11-30/12-01 in UTC): its own day, in quota.
    site.write(
        "content/notes/midnight.md",
        "+++\ntitle = \"午夜\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"2026-12-02T00:30:00\"\n+++\n\n夜深了。\n",
    );
    let run = schedule(&site, &sb, &["--now", "2026-11-30T09:00:00"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let expected = "\
schedule in Asia/Shanghai (now 2026-11-30 09:00), grace 6h
2026-12-01 Tue 12:00  broadcast  upcoming  2 article(s)  quota 1/1 for 2026-12-01
  1. [notes] 《你好，wxpress》  content/notes/hello-wxpress/index.md
  2. [notes] 《第二篇》  content/notes/second/index.md
2026-12-01 Tue 20:30  broadcast  upcoming  1 article(s)  quota 2/1 for 2026-12-01 (OVER)  (outside slots)
  1. [notes] 《晚间》  content/notes/evening.md
2026-12-02 Wed 00:30  broadcast  upcoming  1 article(s)  quota 1/1 for 2026-12-02  (outside slots)
  1. [notes] 《午夜》  content/notes/midnight.md
";
    assert_eq!(run.stdout, expected);
    assert!(run.stderr.contains("content/notes/evening.md:4:12: error[schedule-quota]: the broadcast at 2026-12-01 20:30 would be number 2 in 2026-12-01"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/notes/evening.md:4:12: warning[schedule-slot]: scheduled at 20:30"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/notes/midnight.md:4:12: warning[schedule-slot]"),
        "{}",
        run.stderr
    );

    // --from/--to pick days in the site's timezone; problems follow the shown pushes.
    let json = schedule(
        &site,
        &sb,
        &[
            "--now",
            "2026-11-30T09:00:00",
            "--from",
            "2026-12-02",
            "--to",
            "2026-12-02",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["now"], "2026-11-30T09:00:00+08:00");
    let pushes = v["pushes"].as_array().unwrap();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0]["at"], "2026-12-02T00:30:00+08:00");
    assert_eq!(pushes[0]["quota"]["period"], "2026-12-02");
    assert_eq!(pushes[0]["items"][0]["title"], "午夜");
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["rule"], "schedule-slot");
    assert_eq!(problems[0]["line"], 4);
}

#[test]
fn a_post_whose_schedule_cannot_be_read_is_reported_by_schedule_and_due() {
    let sb = sandbox();
    let site = site();
    site.write(
        "content/notes/bad.md",
        "+++\ntitle = \"坏日期\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"下周一\"\n+++\n\n正文。\n",
    );
    let cal = schedule(&site, &sb, &["--now", "2026-11-30T09:00:00"]);
    assert_eq!(cal.code, Some(1), "{}{}", cal.stdout, cal.stderr);
    assert!(
        cal.stderr.contains(
            "content/notes/bad.md:4:12: error[front-matter]: schedule `下周一` is not a valid date"
        ),
        "{}",
        cal.stderr
    );
    // The good push is still on the calendar.
    assert!(
        cal.stdout
            .contains("2026-12-01 Tue 12:00  draft  upcoming  2 article(s)"),
        "{}",
        cal.stdout
    );

    // --due says so too, and still publishes what is due.
    // The unreadable post is due work left undone: exit 1, so cron notices.
    let run = publish(&site, &sb, &["--due", "--now", "2026-12-01T12:00:00"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("content/notes/bad.md:4:12: error[front-matter]"),
        "{}",
        run.stderr
    );
    assert_eq!(calls(&sb, "draft/add"), 1);
}

#[test]
fn due_does_not_broadcast_beyond_the_quota() {
    let sb = sandbox();
    let site = site();
    // A second push 30 minutes after the first, the same local day.
    site.write(
        "content/notes/later.md",
        "+++\ntitle = \"稍后\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"2026-12-01T12:30:00\"\n+++\n\n正文。\n",
    );
    let run = publish(
        &site,
        &sb,
        &[
            "--due",
            "--now",
            "2026-12-01T12:45:00",
            "--mode",
            "broadcast",
        ],
    );
    // The push refused for quota is due work left undone: exit 1, so cron notices.
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("sent 《你好，wxpress》 《第二篇》"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("稍后"), "{}", run.stdout);
    assert!(
        run.stderr.contains("content/notes/later.md:4:12: error[schedule-quota]: the broadcast at 2026-12-01 12:30 would be number 2 in 2026-12-01"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("not sent: 1 due push(es) beyond the account's broadcast quota"));
    assert_eq!(calls(&sb, "draft/add"), 1);
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);
}

#[test]
fn a_due_push_refused_for_quota_exits_1_and_is_listed_under_refused() {
    let sb = sandbox();
    let site = site();
    site.write(
        "content/notes/later.md",
        "+++\ntitle = \"稍后\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"2026-12-01T12:30:00\"\n+++\n\n正文。\n",
    );
    // 12:05: only the 12:00 push is due, and it is the day's one broadcast.
    publish(
        &site,
        &sb,
        &[
            "--due",
            "--now",
            "2026-12-01T12:05:00",
            "--mode",
            "broadcast",
        ],
    )
    .ok();
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);

    // 12:45: the 12:30 push is due but over the quota. Nothing is sent, and that
    // is not "nothing due": cron and CI see exit 1 and the refusal.
    let human = publish(
        &site,
        &sb,
        &[
            "--due",
            "--now",
            "2026-12-01T12:45:00",
            "--mode",
            "broadcast",
        ],
    );
    assert_eq!(human.code, Some(1), "{}{}", human.stdout, human.stderr);
    assert_ne!(human.stdout.trim(), "nothing due");
    assert!(
        human
            .stdout
            .contains("nothing sent: due work was refused (1 problem(s) above)"),
        "{}",
        human.stdout
    );
    assert!(
        human.stderr.contains(
            "content/notes/later.md:4:12: error[schedule-quota]: the broadcast at 2026-12-01 12:30 would be number 2 in 2026-12-01"
        ),
        "{}",
        human.stderr
    );

    let json = publish(
        &site,
        &sb,
        &[
            "--due",
            "--now",
            "2026-12-01T12:45:00",
            "--mode",
            "broadcast",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.code, Some(1), "{}{}", json.stdout, json.stderr);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["pushes"].as_array().unwrap().len(), 0, "{v}");
    let refused = v["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{v}");
    assert_eq!(refused[0]["rule"], "schedule-quota");
    assert_eq!(refused[0]["file"], "content/notes/later.md");
    assert_eq!(refused[0]["line"], 4);
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);
    assert_eq!(calls(&sb, "draft/add"), 1);
}

#[test]
fn a_due_run_that_sends_one_push_and_refuses_another_lists_both_in_json() {
    let sb = sandbox();
    let site = site();
    site.write(
        "content/notes/bad.md",
        "+++\ntitle = \"坏日期\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"下周一\"\n+++\n\n正文。\n",
    );
    let run = publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T12:00:00", "--format", "json"],
    );
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["pushes"].as_array().unwrap().len(), 1, "{v}");
    let refused = v["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{v}");
    assert_eq!(refused[0]["rule"], "front-matter");
    assert_eq!(refused[0]["file"], "content/notes/bad.md");
}

#[test]
fn schedule_shows_the_mode_a_done_push_went_out_in() {
    let sb = sandbox();
    let site = site();
    // The config says draft (the scaffold's default); this push goes out published.
    publish(
        &site,
        &sb,
        &["--due", "--now", "2026-12-01T12:05:00", "--mode", "publish"],
    )
    .ok();
    let cal = schedule(&site, &sb, &["--now", "2026-12-01T13:00:00"]);
    assert_eq!(cal.code, Some(0), "{}{}", cal.stdout, cal.stderr);
    assert!(
        cal.stdout
            .contains("2026-12-01 Tue 12:00  publish  done  2 article(s)"),
        "{}",
        cal.stdout
    );
    let json = schedule(
        &site,
        &sb,
        &["--now", "2026-12-01T13:00:00", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["pushes"][0]["mode"], "publish", "{v}");
    assert_eq!(v["pushes"][0]["status"], "done", "{v}");
}
