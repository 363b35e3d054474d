//! `wxpress doctor` against the sandbox: every check, the ways each can fail, and
//! that it changes nothing (no upload, no draft, no send; the secret never shown).

mod publish_support;

use publish_support::*;

fn doctor(site: &Site, sb: &wxpress::sandbox::Running, args: &[&str]) -> Run {
    let mut all = vec!["doctor"];
    all.extend_from_slice(args);
    run_cmd(wxpress(site, sb, &all))
}

fn line<'a>(run: &'a Run, name: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(name)))
        .unwrap_or_else(|| panic!("no {name} line in\n{}", run.stdout))
}

#[test]
fn a_working_setup_passes_every_check_and_changes_nothing() {
    let sb = sandbox();
    let site = site();
    let run = doctor(&site, &sb, &[]);
    run.ok();
    for (name, start) in [
        ("config", "ok    config   config.toml loads: asia/shanghai, subscription account, pushes as draft"),
        ("posts", "ok    posts    2 post(s): 0 error(s) (0 about images or covers)"),
        ("appid", "ok    appid    appid wxsandbox0000000"),
        ("secret", "ok    secret   WXPRESS_APP_SECRET is set (not shown)"),
        ("token", "ok    token"),
        ("draft", "ok    draft    the draft box can be used (0 draft(s) in it)"),
        ("publish", "ok    publish  publishing is allowed"),
        ("quota", "ok    quota    draft uses no broadcast quota"),
    ] {
        assert!(line(&run, name).starts_with(start), "{}", run.stdout);
    }
    assert!(run
        .stdout
        .ends_with("doctor: publishing can work from here\n"));
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
    // Only reads: a token, one draft, one published article.
    for endpoint in [
        "media/uploadimg",
        "material/add_material",
        "draft/add",
        "freepublish/submit",
        "message/mass/sendall",
    ] {
        assert_eq!(calls(&sb, endpoint), 0, "{endpoint}");
    }
    assert_eq!(calls(&sb, "draft/batchget"), 1);
    assert_eq!(calls(&sb, "freepublish/batchget"), 1);
    assert!(
        !site.root().join(".wxpress/ledger.jsonl").exists(),
        "no ledger written"
    );

    let json = doctor(&site, &sb, &["--format", "json"]);
    json.ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["config", "posts", "appid", "secret", "token", "draft", "publish", "quota"]
    );
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] == "ok"),
        "{v}"
    );
}

#[test]
fn a_missing_secret_fails_and_skips_the_calls() {
    let sb = sandbox();
    let site = site();
    let mut cmd = wxpress(&site, &sb, &["doctor"]);
    cmd.env_remove("WXPRESS_APP_SECRET");
    let run = run_cmd(cmd);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(line(&run, "secret").starts_with("FAIL  secret   WXPRESS_APP_SECRET is not set"));
    assert!(run.stdout.contains("help: export WXPRESS_APP_SECRET="));
    assert!(line(&run, "token").starts_with("skip  token"));
    assert!(
        run.stdout.ends_with("doctor: 1 check(s) failed\n"),
        "{}",
        run.stdout
    );
    assert_eq!(calls(&sb, "stable_token"), 0);
}

#[test]
fn an_ip_off_the_allow_list_is_named_with_the_fix() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "stable_token", "ip_not_allowed", 1);
    let run = doctor(&site, &sb, &[]);
    assert_eq!(run.code, Some(1));
    let token = line(&run, "token");
    assert!(
        token.starts_with("FAIL  token") && token.contains("40164"),
        "{token}"
    );
    assert!(run.stdout.contains("IP白名单"), "{}", run.stdout);
    assert!(line(&run, "draft").starts_with("skip  draft"));
}

#[test]
fn an_account_without_the_publish_api_is_a_warning_in_draft_mode_and_a_failure_otherwise() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "freepublish/batchget", "unauthorized", 1);
    let run = doctor(&site, &sb, &[]);
    run.ok();
    let publish = line(&run, "publish");
    assert!(
        publish.starts_with(
            "warn  publish  this account may not publish or broadcast through the API (48001)"
        ),
        "{publish}"
    );
    assert!(run.stdout.contains("set mode = \"draft\""));

    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("# mode = \"draft\"", "mode = \"publish\""),
    );
    fault(&sb, "freepublish/batchget", "unauthorized", 1);
    let run = doctor(&site, &sb, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(line(&run, "publish").starts_with("FAIL  publish"));
}

#[test]
fn a_site_that_does_not_load_stops_at_the_config() {
    let sb = sandbox();
    let site = site();
    site.write("config.toml", "[site]\nname = \n");
    let run = doctor(&site, &sb, &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        line(&run, "config").starts_with("FAIL  config   the site does not load: config.toml:2:"),
        "{}",
        run.stdout
    );
    assert_eq!(calls(&sb, "stable_token"), 0);
}
