//! The app secret and the access token never appear in output, errors or the ledger.

mod publish_support;

use publish_support::*;

#[test]
fn secret_and_tokens_never_leak() {
    let sb = sandbox();
    let site = site();
    let mut outputs = Vec::new();
    let mut keep = |r: Run| outputs.push(format!("{}\n{}", r.stdout, r.stderr));

    // Faults on every kind of call, a token expiring, a crash and a rerun.
    fault(&sb, "media/uploadimg", "busy", 1);
    fault(&sb, "draft/add", "expire_token", 1);
    fault(&sb, "freepublish/get", "http500", 1);
    let mut cmd = wxpress(&site, &sb, &["publish", HELLO, "--mode", "publish"]);
    cmd.env("WXPRESS_TEST_CRASH_AFTER", "submit");
    keep(run_cmd(cmd));
    keep(publish(
        &site,
        &sb,
        &[HELLO, "--mode", "publish", "--format", "json"],
    ));
    // A quota error and a lost answer on the send.
    keep(publish(&site, &sb, &[SECOND, "--mode", "broadcast"]));
    fault(&sb, "message/mass/sendall", "timeout", 1);
    let third = "content/notes/third.md";
    site.write(
        third,
        "+++\ntitle = \"第三篇\"\ncover = \"hello-wxpress/cover.png\"\n+++\n\n正文。\n",
    );
    keep(publish(&site, &sb, &[third, "--mode", "broadcast"]));
    // An unreachable API: the error must not show the URL (it carries the token).
    let fourth = "content/notes/fourth.md";
    site.write(
        fourth,
        "+++\ntitle = \"第四篇\"\ncover = \"hello-wxpress/cover.png\"\n+++\n\n正文。\n",
    );
    let mut cmd = wxpress(&site, &sb, &["publish", fourth, "--mode", "draft"]);
    cmd.env("WXPRESS_API_BASE", "http://127.0.0.1:9");
    keep(run_cmd(cmd));
    keep(publish(&site, &sb, &["content", "--dry-run"]));

    let st = state(&sb);
    let tokens: Vec<String> = st["tokens_issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert!(
        tokens.len() >= 2,
        "the run should have refreshed its token: {tokens:?}"
    );
    let ledger = site.ledger();
    assert!(ledger.contains("\"state\":\"published\""));
    let everything = format!("{}\n{ledger}", outputs.join("\n"));
    assert!(everything.contains("cannot connect"), "{everything}");
    assert!(!everything.contains(SECRET), "secret leaked:\n{everything}");
    for t in &tokens {
        assert!(
            !everything.contains(t.as_str()),
            "token leaked:\n{everything}"
        );
    }
    assert!(!everything.contains("access_token"), "{everything}");
    // Nothing else under .wxpress holds them either.
    for entry in std::fs::read_dir(site.root().join(".wxpress")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(SECRET));
        assert!(tokens.iter().all(|t| !text.contains(t.as_str())));
    }
}

#[test]
fn secret_is_redacted_in_debug_output() {
    let s = wxpress::wechat::Secret::new(SECRET);
    assert_eq!(format!("{s:?}"), "Secret(***)");
}
