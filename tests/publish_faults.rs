//! Faults WeChat throws at a run: busy, 500, lost answers, expired tokens.
//! Each must end with exactly one draft / publish / send.

mod publish_support;

use publish_support::*;

fn one_publish(sb: &wxpress::sandbox::Running) {
    let st = state(sb);
    assert_eq!(st["published"].as_array().unwrap().len(), 1, "{st}");
    assert_eq!(st["drafts"].as_array().unwrap().len(), 0, "{st}");
}

#[test]
fn busy_and_500_are_retried() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "media/uploadimg", "busy", 2);
    fault(&sb, "material/add_material", "http500", 1);
    fault(&sb, "draft/add", "busy", 1);
    fault(&sb, "freepublish/get", "http500", 2);
    fault(&sb, "draft/batchget", "busy", 1);
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    run.ok();
    assert!(
        run.stderr.contains("retrying media/uploadimg in"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("WeChat busy (-1)"), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 500"), "{}", run.stderr);
    assert_eq!(calls(&sb, "media/uploadimg"), 3);
    assert_eq!(calls(&sb, "draft/add"), 2);
    one_publish(&sb);
    assert_eq!(state(&sb)["images"].as_array().unwrap().len(), 1);
}

#[test]
fn retries_are_bounded() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "media/uploadimg", "busy", 50);
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stdout.contains("media/uploadimg: WeChat error -1"),
        "{}",
        run.stdout
    );
    assert_eq!(calls(&sb, "media/uploadimg"), 6, "1 try + 5 retries");
    assert_eq!(calls(&sb, "draft/add"), 0);
}

#[test]
fn a_500_on_draft_add_is_reconciled_before_trying_again() {
    let sb = sandbox();
    let site = site();
    // The 500 comes before WeChat handled it: no draft, so wxpress creates it.
    fault(&sb, "draft/add", "http500", 1);
    let run = publish(&site, &sb, &["content", "--mode", "draft"]);
    run.ok();
    assert!(
        run.stderr
            .contains("checking whether the draft was created"),
        "{}",
        run.stderr
    );
    // Once before creating anything (is the push there already?), once after the 500.
    assert_eq!(calls(&sb, "draft/batchget"), 2);
    assert_eq!(state(&sb)["drafts"].as_array().unwrap().len(), 1);
}

#[test]
fn a_lost_draft_add_answer_finds_the_draft_instead_of_making_another() {
    let sb = sandbox();
    let site = site();
    // WeChat creates the draft but the answer never arrives in time.
    fault(&sb, "draft/add", "timeout", 1);
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    run.ok();
    assert_eq!(calls(&sb, "draft/add"), 1, "{}", run.stderr);
    one_publish(&sb);
}

#[test]
fn a_lost_submit_answer_is_found_among_published_articles() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "freepublish/submit", "timeout", 1);
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    run.ok();
    assert!(run.stderr.contains("found it published"), "{}", run.stderr);
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
    one_publish(&sb);
    assert_eq!(site.pushes()[0]["state"], "published");
    assert!(site.pushes()[0]["urls"][0]
        .as_str()
        .unwrap()
        .starts_with("https://mp.weixin.qq.com/s/"));
}

#[test]
fn a_lost_sendall_answer_is_resent_and_deduplicated_by_clientmsgid() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "message/mass/sendall", "timeout", 1);
    let run = publish(&site, &sb, &["content", "--mode", "broadcast"]);
    run.ok();
    assert_eq!(calls(&sb, "message/mass/sendall"), 2);
    let st = state(&sb);
    assert_eq!(st["sends"].as_array().unwrap().len(), 1);
    assert_eq!(
        site.pushes()[0]["msg_id"],
        st["sends"][0]["msg_id"].to_string()
    );
}

#[test]
fn an_expired_token_is_refreshed_once_mid_run() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "draft/add", "expire_token", 1);
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    run.ok();
    assert_eq!(calls(&sb, "stable_token"), 2);
    assert_eq!(state(&sb)["tokens_issued"].as_array().unwrap().len(), 2);
    one_publish(&sb);
}

#[test]
fn a_wrong_secret_is_a_clear_error() {
    let sb = sandbox();
    let site = site();
    let mut cmd = wxpress(&site, &sb, &["publish", "content"]);
    cmd.env("WXPRESS_APP_SECRET", "not-the-secret");
    let run = run_cmd(cmd);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stdout.contains("stable_token: WeChat error 40125"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("WXPRESS_APP_SECRET is not this account's AppSecret"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("not-the-secret") && !run.stderr.contains("not-the-secret"));
}

#[test]
fn a_missing_secret_says_where_to_put_it() {
    let sb = sandbox();
    let site = site();
    let mut cmd = wxpress(&site, &sb, &["publish", "content"]);
    cmd.env_remove("WXPRESS_APP_SECRET");
    let run = run_cmd(cmd);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("export WXPRESS_APP_SECRET="),
        "{}",
        run.stderr
    );
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());
}

#[test]
fn a_missing_appid_says_where_to_put_it() {
    let sb = sandbox();
    let site = site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    std::fs::write(
        site.root().join("config.toml"),
        config.replace(&format!("appid = \"{APPID}\""), ""),
    )
    .unwrap();
    let run = publish(&site, &sb, &["content"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("add `appid = \"wx…\"` under [wechat] in config.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unverified_account_is_told_the_two_ways_that_work() {
    // Since July 2025 personal and unverified accounts get 48001 on submit and sendall.
    for (mode, endpoint) in [
        ("publish", "freepublish/submit"),
        ("broadcast", "message/mass/sendall"),
    ] {
        let sb = sandbox();
        let site = site();
        fault(&sb, endpoint, "unauthorized", 1);
        let run = publish(&site, &sb, &["content", "--mode", mode]);
        assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(
            out.contains(&format!("{endpoint}: WeChat error 48001")),
            "{out}"
        );
        for says in [
            "since July 2025",
            "personal and unverified accounts",
            "wxpress publish --mode draft",
            "WeChat backend",
            "wxpress serve",
            "Copy for WeChat",
        ] {
            assert!(out.contains(says), "no `{says}` in: {out}");
        }
        assert_eq!(calls(&sb, endpoint), 1, "not retried: {out}");
    }
}
