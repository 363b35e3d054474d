//! WeChat is the source of truth: a lost or damaged ledger, a draft published by
//! hand, or a creating call answered `-1` after it went through never makes a
//! second article, draft, send or cover.

mod publish_support;

use publish_support::*;

fn counts(sb: &wxpress::sandbox::Running) -> [usize; 4] {
    let st = state(sb);
    ["drafts", "published", "sends", "materials"].map(|k| st[k].as_array().unwrap().len())
}

/// The ways a ledger gets lost or damaged in real life.
fn damage(site: &Site, how: &str) {
    let path = site.root().join(".wxpress/ledger.jsonl");
    let text = site.ledger();
    let lines: Vec<&str> = text.lines().collect();
    match how {
        "deleted" => std::fs::remove_file(&path).unwrap(),
        "emptied" => std::fs::write(&path, "").unwrap(),
        // The tail lost: only the uploads survive.
        "truncated" => {
            let keep: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|l| !l.contains("\"push\""))
                .collect();
            std::fs::write(&path, keep.join("\n") + "\n").unwrap();
        }
        // A bad merge re-appends the older lines after the newer ones.
        "old lines re-appended" => {
            let old: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|l| l.contains("\"drafting\"") || l.contains("\"drafted\""))
                .collect();
            assert!(!old.is_empty(), "{text}");
            std::fs::write(&path, format!("{text}{}\n", old.join("\n"))).unwrap();
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_lost_or_damaged_ledger_republishes_nothing() {
    for how in ["deleted", "emptied", "truncated", "old lines re-appended"] {
        let sb = sandbox();
        let site = site();
        publish(&site, &sb, &["content", "--mode", "publish"]).ok();
        assert_eq!(counts(&sb), [0, 1, 0, 1], "{how}");
        damage(&site, how);
        let rerun = publish(&site, &sb, &["content", "--mode", "publish"]);
        rerun.ok();
        assert!(
            rerun.stderr.contains("already published on WeChat")
                || rerun.stderr.contains("found it published"),
            "{how}: {}",
            rerun.stderr
        );
        assert_eq!(counts(&sb), [0, 1, 0, 1], "{how}: {}", rerun.stderr);
        // One publish task. (With the re-appended lines the ledger names the old
        // draft, so one submit is refused with 40007, which creates nothing.)
        assert_eq!(
            state(&sb)["publishes"].as_array().unwrap().len(),
            1,
            "{how}"
        );
        assert_eq!(calls(&sb, "draft/add"), 1, "{how}");
        // The ledger is whole again: the push is recorded as published, with its URLs.
        let pushes = site.pushes();
        assert_eq!(pushes[0]["state"], "published", "{how}");
        assert_eq!(pushes[0]["urls"].as_array().unwrap().len(), 2, "{how}");
    }
}

#[test]
fn a_lost_ledger_does_not_make_a_second_draft_or_broadcast() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &["content", "--mode", "draft"]).ok();
    damage(&site, "deleted");
    publish(&site, &sb, &["content", "--mode", "draft"]).ok();
    assert_eq!(counts(&sb), [1, 0, 0, 1]);
    assert_eq!(calls(&sb, "draft/add"), 1);
    // Then broadcast it, lose the ledger again, and run once more: one send,
    // and the draft used for it is the one already there.
    // WeChat lists broadcasts nowhere, so the draft is made again, the send is
    // refused by clientmsgid, and that unused draft is deleted.
    publish(&site, &sb, &["content", "--mode", "broadcast"]).ok();
    assert_eq!(counts(&sb), [0, 1, 1, 1]);
    damage(&site, "deleted");
    let rerun = publish(&site, &sb, &["content", "--mode", "broadcast"]);
    rerun.ok();
    assert!(
        rerun.stderr.contains("already broadcast"),
        "{}",
        rerun.stderr
    );
    assert_eq!(counts(&sb), [0, 1, 1, 1], "no second send, no orphan draft");
    assert_eq!(site.pushes()[0]["state"], "sent");
    assert_eq!(
        site.pushes()[0]["msg_id"],
        state(&sb)["sends"][0]["msg_id"].to_string()
    );
}

#[test]
fn a_draft_published_by_hand_is_recognised_as_done() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &["content", "--mode", "draft"]).ok();
    let media_id = site.pushes()[0]["media_id"].as_str().unwrap().to_string();
    publish_by_hand(&sb, &media_id);
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    run.ok();
    assert!(
        run.stderr.contains("no longer in the draft box"),
        "{}",
        run.stderr
    );
    assert_eq!(counts(&sb), [0, 1, 0, 1]);
    assert_eq!(site.pushes()[0]["state"], "published");
    // And it stays done: the next run calls nothing that creates.
    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    assert_eq!(
        calls(&sb, "freepublish/submit"),
        1,
        "the one refused with 40007"
    );
    assert_eq!(calls(&sb, "draft/add"), 1);
}

#[test]
fn a_draft_deleted_by_hand_is_made_again_on_the_next_run() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &["content", "--mode", "draft"]).ok();
    let media_id = site.pushes()[0]["media_id"].as_str().unwrap().to_string();
    let r: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!(
            "{}/cgi-bin/draft/delete?access_token={}",
            sb.base_url(),
            state(&sb)["tokens_issued"][0].as_str().unwrap()
        ))
        .json(&serde_json::json!({ "media_id": media_id }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["errcode"], 0, "{r}");
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stdout.contains("was deleted from the draft box"),
        "{}",
        run.stdout
    );
    assert_eq!(counts(&sb), [0, 0, 0, 1]);
    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    assert_eq!(counts(&sb), [0, 1, 0, 1]);
}

#[test]
fn busy_answers_after_the_call_went_through_make_nothing_twice() {
    for endpoint in ["draft/add", "freepublish/submit", "material/add_material"] {
        let sb = sandbox();
        let site = site();
        fault(&sb, endpoint, "lost", 1);
        let run = publish(&site, &sb, &["content", "--mode", "publish"]);
        run.ok();
        assert_eq!(counts(&sb), [0, 1, 0, 1], "{endpoint}: {}", run.stderr);
        assert_eq!(
            calls(&sb, endpoint),
            1,
            "{endpoint}: looked up, not repeated"
        );
        assert_eq!(site.pushes()[0]["state"], "published", "{endpoint}");
    }
}

#[test]
fn a_cover_upload_that_timed_out_is_found_not_stored_twice() {
    let sb = sandbox();
    let site = site();
    fault(&sb, "material/add_material", "timeout", 1);
    let run = publish(&site, &sb, &["content", "--mode", "draft"]);
    run.ok();
    assert!(
        run.stderr.contains("checking whether the cover was stored"),
        "{}",
        run.stderr
    );
    assert_eq!(counts(&sb), [1, 0, 0, 1]);
    assert_eq!(calls(&sb, "material/add_material"), 1);
}

#[test]
fn an_expired_token_during_an_upload_is_refreshed_and_the_upload_retried() {
    for endpoint in ["media/uploadimg", "material/add_material"] {
        let sb = sandbox();
        let site = site();
        fault(&sb, endpoint, "expire_token", 1);
        let run = publish(&site, &sb, &["content", "--mode", "draft"]);
        run.ok();
        assert!(!run.stdout.contains("receiver is gone"), "{}", run.stdout);
        assert_eq!(calls(&sb, endpoint), 2, "{endpoint}");
        assert_eq!(calls(&sb, "stable_token"), 2, "{endpoint}");
        assert_eq!(counts(&sb), [1, 0, 0, 1], "{endpoint}");
    }
}
