//! Kill the real binary right after each step, run again: every push is published
//! exactly once, no stray draft is left, nothing is lost. And two runs at once
//! publish once.

mod publish_support;

use publish_support::*;

/// Runs with the crash hook, checks the process died, then reruns cleanly.
fn crash_then_rerun(site: &Site, sb: &wxpress::sandbox::Running, mode: &str, step: &str) {
    let mut cmd = wxpress(site, sb, &["publish", "content", "--mode", mode]);
    cmd.env("WXPRESS_TEST_CRASH_AFTER", step);
    let crashed = run_cmd(cmd);
    assert_eq!(
        crashed.code, None,
        "{step}: expected an abort\n{}\n{}",
        crashed.stdout, crashed.stderr
    );
    assert!(
        crashed
            .stderr
            .contains(&format!("WXPRESS_TEST_CRASH_AFTER={step}")),
        "{}",
        crashed.stderr
    );
    let rerun = publish(site, sb, &["content", "--mode", mode]);
    rerun.ok();
}

const PUBLISH_STEPS: [&str; 8] = [
    "upload",
    "uploaded",
    "cover",
    "covered",
    "draft_add",
    "drafted",
    "submit",
    "submitted",
];

#[test]
fn publish_mode_survives_a_crash_after_every_step() {
    for step in PUBLISH_STEPS {
        let sb = sandbox();
        let site = site();
        crash_then_rerun(&site, &sb, "publish", step);
        let st = state(&sb);
        assert_eq!(st["published"].as_array().unwrap().len(), 1, "{step}: {st}");
        assert_eq!(st["publishes"].as_array().unwrap().len(), 1, "{step}: {st}");
        assert_eq!(
            st["drafts"].as_array().unwrap().len(),
            0,
            "{step}: stray draft {st}"
        );
        let pushes = site.pushes();
        assert_eq!(pushes.len(), 1, "{step}");
        assert_eq!(pushes[0]["state"], "published", "{step}");
        assert_eq!(pushes[0]["urls"].as_array().unwrap().len(), 2, "{step}");
        // A cover whose upload was never recorded is found in the material
        // library, not stored twice. A body image cannot be looked up (WeChat
        // lists them nowhere): dying right after its upload costs one unused copy.
        assert_eq!(st["materials"].as_array().unwrap().len(), 1, "{step}: {st}");
        let images = if step == "upload" { 2 } else { 1 };
        assert_eq!(
            st["images"].as_array().unwrap().len(),
            images,
            "{step}: {st}"
        );
        // And a third run changes nothing.
        publish(&site, &sb, &["content", "--mode", "publish"]).ok();
        assert_eq!(calls(&sb, "freepublish/submit"), 1, "{step}");
    }
}

#[test]
fn draft_mode_survives_a_crash_after_draft_add() {
    for step in ["draft_add", "drafted"] {
        let sb = sandbox();
        let site = site();
        crash_then_rerun(&site, &sb, "draft", step);
        let st = state(&sb);
        assert_eq!(st["drafts"].as_array().unwrap().len(), 1, "{step}: {st}");
        assert_eq!(calls(&sb, "draft/add"), 1, "{step}");
        assert_eq!(site.pushes()[0]["state"], "drafted");
        assert_eq!(site.pushes()[0]["media_id"], st["drafts"][0]["media_id"]);
    }
}

#[test]
fn broadcast_mode_survives_a_crash_after_every_step() {
    for step in ["upload", "draft_add", "drafted", "sendall", "sent"] {
        let sb = sandbox();
        let site = site();
        crash_then_rerun(&site, &sb, "broadcast", step);
        let st = state(&sb);
        assert_eq!(st["sends"].as_array().unwrap().len(), 1, "{step}: {st}");
        assert_eq!(st["drafts"].as_array().unwrap().len(), 0, "{step}: {st}");
        let pushes = site.pushes();
        assert_eq!(pushes[0]["state"], "sent", "{step}");
        assert_eq!(
            pushes[0]["msg_id"],
            st["sends"][0]["msg_id"].to_string(),
            "{step}"
        );
    }
}

#[test]
fn a_crash_leaves_an_intent_record_in_the_ledger() {
    let sb = sandbox();
    let site = site();
    let mut cmd = wxpress(&site, &sb, &["publish", "content", "--mode", "publish"]);
    cmd.env("WXPRESS_TEST_CRASH_AFTER", "draft_add");
    run_cmd(cmd);
    // The draft exists on WeChat, the ledger only knows it was being created.
    assert_eq!(site.pushes()[0]["state"], "drafting");
    assert_eq!(state(&sb)["drafts"].as_array().unwrap().len(), 1);
    let rerun = publish(&site, &sb, &["content", "--mode", "publish"]);
    rerun.ok();
    assert!(
        rerun
            .stderr
            .contains("its draft is already in the draft box"),
        "{}",
        rerun.stderr
    );
    assert_eq!(calls(&sb, "draft/add"), 1);
}

#[test]
fn two_runs_at_once_publish_once() {
    let sb = sandbox();
    let site = site();
    let a = wxpress(&site, &sb, &["publish", "content", "--mode", "publish"]).output_async();
    let b = wxpress(&site, &sb, &["publish", "content", "--mode", "publish"]).output_async();
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    for r in [&a, &b] {
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    let both = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert_eq!(both.matches("unchanged").count(), 1, "{both}");
    let st = state(&sb);
    assert_eq!(st["published"].as_array().unwrap().len(), 1);
    assert_eq!(calls(&sb, "draft/add"), 1);
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
}

#[test]
fn a_run_that_cannot_get_the_lock_in_time_says_so() {
    let sb = sandbox();
    let site = site();
    let _held =
        wxpress::publish::lock::acquire(site.root(), std::time::Duration::ZERO, || {}).unwrap();
    let run = publish(&site, &sb, &["content", "--wait", "0"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("another wxpress run is publishing this site"),
        "{}",
        run.stderr
    );
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());
}

trait OutputAsync {
    fn output_async(self) -> std::thread::JoinHandle<std::process::Output>;
}

impl OutputAsync for std::process::Command {
    fn output_async(mut self) -> std::thread::JoinHandle<std::process::Output> {
        std::thread::spawn(move || self.output().unwrap())
    }
}
