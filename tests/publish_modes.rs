//! Happy paths of `wxpress publish` against the sandbox, one per mode.

mod publish_support;

use publish_support::*;
use wxpress::publish::prepare::rewrite_images;

/// What the draft's content must be: the rendered article with every local image
/// replaced by the URL the ledger recorded for that file's hash.
fn expected_content(site: &Site, post: &str) -> (String, usize) {
    let s = wxpress::site::Site::load(site.root()).unwrap();
    let post =
        wxpress::content::load_post(site.root(), &s.config, &site.root().join(post)).unwrap();
    let article = s.render(post).article.unwrap();
    let entries = site.ledger_entries();
    let urls: Vec<(String, String)> = article
        .images
        .iter()
        .map(|img| {
            let sha = wxpress::publish::prepare::file_sha(&img.path).unwrap();
            let url = entries
                .iter()
                .find(|e| e["event"] == "uploaded" && e["sha256"] == sha.as_str())
                .unwrap_or_else(|| panic!("no upload recorded for {}", img.name))["url"]
                .as_str()
                .unwrap()
                .to_string();
            (img.name.clone(), url)
        })
        .collect();
    assert!(!urls.is_empty());
    (rewrite_images(&article.html, &urls), urls.len())
}

#[test]
fn draft_mode_creates_one_draft_with_both_posts_and_uploads_each_image_once() {
    let sb = sandbox();
    let site = site();
    let run = publish(&site, &sb, &["content", "--mode", "draft"]);
    run.ok();
    assert!(
        run.stdout.contains("drafted 《你好，wxpress》 《第二篇》"),
        "{}",
        run.stdout
    );

    let st = state(&sb);
    let drafts = st["drafts"].as_array().unwrap();
    assert_eq!(drafts.len(), 1, "{st}");
    let articles = drafts[0]["articles"].as_array().unwrap();
    // Headline first, by position.
    assert_eq!(articles[0]["title"], "你好，wxpress");
    assert_eq!(articles[1]["title"], "第二篇");
    // The two posts share one body image and one cover: one upload each.
    assert_eq!(calls(&sb, "media/uploadimg"), 1);
    assert_eq!(calls(&sb, "material/add_material"), 1);
    let cover_id = st["materials"][0]["media_id"].as_str().unwrap();
    assert_eq!(articles[0]["thumb_media_id"], cover_id);
    assert_eq!(articles[1]["thumb_media_id"], cover_id);
    assert_eq!(articles[1]["digest"], "同一次推送的第二篇文章。");
    assert_eq!(
        articles[1]["content_source_url"],
        "https://example.com/second"
    );
    assert_eq!(articles[1]["need_open_comment"], 0);
    assert_eq!(articles[0]["need_open_comment"], 1);
    assert_eq!(articles[0]["author"], "小编");

    // Content is exactly the article with CDN URLs, no local src left.
    let (content, _) = expected_content(&site, HELLO);
    assert_eq!(articles[0]["content"].as_str().unwrap(), content);
    assert!(content.contains("src=\"http://mmbiz.qpic.cn/sandbox/"));
    assert!(!content.contains("src=\"images/pipeline.png\""));
    let (second, _) = expected_content(&site, SECOND);
    assert_eq!(articles[1]["content"].as_str().unwrap(), second);

    // The ledger: uploads, then the push with its media id.
    let pushes = site.pushes();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0]["state"], "drafted");
    assert_eq!(pushes[0]["media_id"], drafts[0]["media_id"]);
    assert_eq!(pushes[0]["posts"][0]["source"], HELLO);
    assert_eq!(pushes[0]["posts"][0]["hash"].as_str().unwrap().len(), 64);
    // Per post: the CDN URLs of its images and its cover's media id.
    let image_url = st["images"][0]["url"].as_str().unwrap();
    assert_eq!(
        pushes[0]["posts"][0]["images"],
        serde_json::json!([image_url])
    );
    assert_eq!(
        pushes[0]["posts"][1]["images"],
        serde_json::json!([image_url])
    );
    assert_eq!(pushes[0]["posts"][1]["thumb_media_id"], cover_id);

    // A second run does nothing: no uploads, no draft.
    let again = publish(&site, &sb, &["content", "--mode", "draft"]);
    again.ok();
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
    assert_eq!(state(&sb)["drafts"].as_array().unwrap().len(), 1);
    assert_eq!(calls(&sb, "media/uploadimg"), 1);
    assert_eq!(calls(&sb, "draft/add"), 1);
}

#[test]
fn images_are_not_uploaded_again_for_a_later_post() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &[HELLO, "--mode", "draft"]).ok();
    assert_eq!(calls(&sb, "media/uploadimg"), 1);
    // A post in another slot reusing the image and cover: served from the cache.
    let text = std::fs::read_to_string(site.root().join(SECOND)).unwrap();
    site.write(
        SECOND,
        &text.replace("2026-12-01T12:00:00", "2026-12-02T12:00:00"),
    );
    publish(&site, &sb, &[SECOND, "--mode", "draft"]).ok();
    assert_eq!(calls(&sb, "media/uploadimg"), 1);
    assert_eq!(calls(&sb, "material/add_material"), 1);
    assert_eq!(state(&sb)["drafts"].as_array().unwrap().len(), 2);
}

#[test]
fn publish_mode_publishes_and_the_draft_leaves_the_box() {
    let sb = sandbox();
    let site = site();
    let run = publish(
        &site,
        &sb,
        &["content", "--mode", "publish", "--format", "json"],
    );
    run.ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let push = &report["pushes"][0];
    assert_eq!(push["state"], "published");
    assert_eq!(push["urls"].as_array().unwrap().len(), 2);

    let st = state(&sb);
    assert_eq!(st["drafts"].as_array().unwrap().len(), 0);
    assert_eq!(st["published"].as_array().unwrap().len(), 1);
    assert_eq!(st["publishes"].as_array().unwrap().len(), 1);
    let published = &st["published"][0]["articles"];
    assert_eq!(published[0]["title"], "你好，wxpress");
    let (content, _) = expected_content(&site, HELLO);
    assert_eq!(published[0]["content"].as_str().unwrap(), content);
    assert_eq!(push["urls"][0], published[0]["url"]);

    let pushes = site.pushes();
    assert_eq!(pushes[0]["state"], "published");
    assert!(pushes[0]["publish_id"].is_string());
    assert_eq!(pushes[0]["urls"], push["urls"]);

    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    assert_eq!(calls(&sb, "freepublish/submit"), 1);
}

#[test]
fn a_draft_made_earlier_is_published_later_without_a_second_draft() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &["content", "--mode", "draft"]).ok();
    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    assert_eq!(calls(&sb, "draft/add"), 1);
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 1);
}

#[test]
fn broadcast_mode_sends_once_with_a_clientmsgid() {
    let sb = sandbox();
    let site = site();
    let run = publish(&site, &sb, &["content", "--mode", "broadcast"]);
    run.ok();
    assert!(
        run.stdout.contains("sent 《你好，wxpress》 《第二篇》"),
        "{}",
        run.stdout
    );
    let st = state(&sb);
    let sends = st["sends"].as_array().unwrap();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0]["to_all"], true);
    let id = sends[0]["clientmsgid"].as_str().unwrap();
    assert!(id.starts_with("wxpress-") && id.len() <= 64, "{id}");
    let pushes = site.pushes();
    assert_eq!(pushes[0]["state"], "sent");
    assert_eq!(pushes[0]["msg_id"], sends[0]["msg_id"].to_string());
    assert_eq!(pushes[0]["clientmsgid"], id);
    assert!(run.stderr.contains("SEND_SUCCESS"), "{}", run.stderr);

    publish(&site, &sb, &["content", "--mode", "broadcast"]).ok();
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);
}

#[test]
fn broadcast_to_a_tag() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &[HELLO, "--mode", "broadcast", "--tag", "7"]).ok();
    let st = state(&sb);
    assert_eq!(st["sends"][0]["to_all"], false);
    assert_eq!(st["sends"][0]["tag_id"], 7);
}

#[test]
fn no_quota_left_is_a_clear_error_and_nothing_is_recorded_as_sent() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &[HELLO, "--mode", "broadcast"]).ok();
    // Another push the same day on a subscription account.
    let run = publish(&site, &sb, &[SECOND, "--mode", "broadcast"]);
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("WeChat error 45028"), "{}", run.stdout);
    assert!(run.stdout.contains("once a day"), "{}", run.stdout);
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);
    let second = site
        .pushes()
        .into_iter()
        .find(|p| p["posts"][0]["source"] == SECOND)
        .unwrap();
    assert_eq!(second["state"], "drafted");
    assert!(second["msg_id"].is_null());
    assert!(second["error"].as_str().unwrap().contains("45028"));
    assert!(!site
        .ledger_entries()
        .iter()
        .any(|e| e["state"] == "sent" && e["posts"][0]["source"] == SECOND));
}

#[test]
fn dry_run_lists_every_call_and_touches_nothing() {
    let sb = sandbox();
    let site = site();
    let run = publish(&site, &sb, &["content", "--mode", "publish", "--dry-run"]);
    run.ok();
    let out = &run.stdout;
    for call in [
        "POST /cgi-bin/stable_token",
        "POST /cgi-bin/media/uploadimg content/notes/hello-wxpress/images/pipeline.png",
        "POST /cgi-bin/material/add_material?type=image content/notes/hello-wxpress/cover.png (cover)",
        "POST /cgi-bin/draft/add 2 article(s): 《你好，wxpress》 《第二篇》",
        "POST /cgi-bin/freepublish/submit",
        "POST /cgi-bin/freepublish/get",
    ] {
        assert!(out.contains(call), "missing {call} in\n{out}");
    }
    // The second post's image and cover are the first one's: listed as cached.
    assert_eq!(
        out.matches("POST /cgi-bin/media/uploadimg").count(),
        1,
        "{out}"
    );
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());
    assert!(!site.root().join(".wxpress/ledger.jsonl").exists());

    // After publishing, a dry run says there is nothing to do.
    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    let run = publish(
        &site,
        &sb,
        &[
            "content",
            "--mode",
            "publish",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let calls: Vec<&str> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(calls.contains(&"#   already done; no calls"), "{calls:?}");
    assert!(!calls.iter().any(|c| c.contains("draft/add")));
}

#[test]
fn an_edited_post_is_not_republished_silently() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &[HELLO, "--mode", "publish"]).ok();
    let text = std::fs::read_to_string(site.root().join(HELLO)).unwrap();
    site.write(HELLO, &format!("{text}\n补充一段。\n"));
    let run = publish(&site, &sb, &[HELLO, "--mode", "publish"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/notes/hello-wxpress/index.md: changed since it was published on"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/notes/hello-wxpress-2/index.md"),
        "{}",
        run.stderr
    );
    assert_eq!(calls(&sb, "draft/add"), 1);
}

#[test]
fn posts_that_cannot_be_published_are_refused_before_any_call() {
    let sb = sandbox();
    let site = site();
    let text = std::fs::read_to_string(site.root().join(SECOND)).unwrap();
    site.write(
        SECOND,
        &text.replace("cover = \"../hello-wxpress/cover.png\"\n", "wip = true\n"),
    );
    let run = publish(&site, &sb, &["content", "--mode", "publish"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("content/notes/second/index.md:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("marked work in progress (`wip = true`)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("publish refused"), "{}", run.stderr);
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());

    site.write(
        SECOND,
        &text.replace("cover = \"../hello-wxpress/cover.png\"\n", ""),
    );
    let run = publish(&site, &sb, &[SECOND]);
    assert_eq!(run.code, Some(1));
    // A warning while writing, an error for publish.
    assert!(
        run.stderr.contains("error[cover-missing]: no cover image"),
        "{}",
        run.stderr
    );
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());
}

#[test]
fn preview_sends_to_one_user_and_leaves_no_draft() {
    let sb = sandbox();
    let site = site();
    let run = run_cmd({
        let mut c = wxpress(&site, &sb, &["preview", HELLO, "--to", "editor-wx"]);
        c.env("WXPRESS_RETRY_DELAY_MS", "5");
        c
    });
    run.ok();
    let st = state(&sb);
    assert_eq!(st["previews"][0]["towxname"], "editor-wx");
    assert_eq!(st["drafts"].as_array().unwrap().len(), 0);
    assert!(site.pushes().is_empty());
}

#[test]
fn an_edited_post_whose_broadcast_never_happened_replaces_its_old_draft() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &[HELLO, "--mode", "broadcast"]).ok();
    let failed = publish(&site, &sb, &[SECOND, "--mode", "broadcast"]);
    assert_eq!(failed.code, Some(2));
    assert_eq!(state(&sb)["drafts"].as_array().unwrap().len(), 1);
    // The writer fixes a typo while waiting for tomorrow's quota, then publishes.
    let text = std::fs::read_to_string(site.root().join(SECOND)).unwrap();
    site.write(SECOND, &text.replace("复用同一张图", "复用同一张图片"));
    let dry = publish(&site, &sb, &[SECOND, "--mode", "publish", "--dry-run"]);
    assert!(
        dry.stdout
            .contains("POST /cgi-bin/draft/delete (the unpublished draft of an earlier version"),
        "{}",
        dry.stdout
    );
    let run = publish(&site, &sb, &[SECOND, "--mode", "publish"]);
    run.ok();
    assert!(
        run.stderr.contains("of an earlier, unpublished version"),
        "{}",
        run.stderr
    );
    let st = state(&sb);
    assert_eq!(
        st["drafts"].as_array().unwrap().len(),
        0,
        "old draft deleted: {st}"
    );
    assert_eq!(st["published"].as_array().unwrap().len(), 2);
    assert_eq!(st["published"][1]["articles"][0]["title"], "第二篇");
    let states: Vec<String> = site
        .pushes()
        .iter()
        .map(|p| p["state"].as_str().unwrap().to_string())
        .collect();
    let mut states = states;
    states.sort();
    assert_eq!(states, ["published", "sent", "superseded"]);
}

#[test]
fn more_than_eight_posts_in_one_slot_are_refused() {
    let sb = sandbox();
    let site = site();
    for i in 0..8 {
        site.write(
            &format!("content/notes/extra-{i}.md"),
            &format!("+++\ntitle = \"第{i}篇\"\ncover = \"hello-wxpress/cover.png\"\nschedule = \"2026-12-01T12:00:00\"\n+++\n\n正文。\n"),
        );
    }
    let run = publish(&site, &sb, &["content"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("10 posts scheduled at 2026-12-01T04:00:00Z would go out in one push; a push carries at most 8"), "{}", run.stderr);
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());
}

#[test]
fn oversized_images_are_converted_and_unreadable_ones_refused_before_uploading() {
    let sb = sandbox();
    let site = site();
    let image = site
        .root()
        .join("content/notes/hello-wxpress/images/pipeline.png");
    let original = std::fs::read(&image).unwrap();
    std::fs::write(&image, b"not a png at all").unwrap();
    let run = publish(&site, &sb, &[HELLO]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(
            "cannot use image `images/pipeline.png`: it is not an image wxpress can read"
        ),
        "{}",
        run.stderr
    );
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());

    // Over 1 MB: the pipeline makes it fit, and the upload takes it.
    let mut bytes = original;
    bytes.resize(1024 * 1024 + 10, 0);
    std::fs::write(&image, bytes).unwrap();
    publish(&site, &sb, &[HELLO]).ok();
    let st = state(&sb);
    let uploaded = st["images"][0]["bytes"].as_u64().unwrap();
    assert!(uploaded < 1024 * 1024, "{st}");
}

#[test]
fn going_back_to_a_superseded_version_starts_it_over() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &[HELLO, "--mode", "broadcast"]).ok();
    let original = std::fs::read_to_string(site.root().join(SECOND)).unwrap();
    assert_eq!(
        publish(&site, &sb, &[SECOND, "--mode", "broadcast"]).code,
        Some(2)
    );
    site.write(SECOND, &original.replace("第二篇文章", "第二篇文章（改）"));
    assert_eq!(
        publish(&site, &sb, &[SECOND, "--mode", "broadcast"]).code,
        Some(2)
    );
    // Back to the first version, which was superseded: a fresh draft is made.
    site.write(SECOND, &original);
    publish(&site, &sb, &[SECOND, "--mode", "publish"]).ok();
    let st = state(&sb);
    assert_eq!(st["drafts"].as_array().unwrap().len(), 0, "{st}");
    assert_eq!(st["published"].as_array().unwrap().len(), 2);
}

/// The story: a published post is edited, wxpress says to save the new
/// version under a new name, the writer does so (same `schedule`) and restores
/// the original. The original stays in the push that took it, unchanged, and the
/// copy goes out in a new push, on this run and every later one.
#[test]
fn a_published_copy_under_a_new_name_never_blocks_a_later_run() {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let sb = sandbox();
    let site = site();
    // The headline goes out alone.
    publish(&site, &sb, &[HELLO, "--mode", "publish"]).ok();
    assert_eq!(state(&sb)["published"].as_array().unwrap().len(), 1);

    // Its new version under a new name; the original is left as it went out.
    copy_dir(
        &site.root().join("content/notes/hello-wxpress"),
        &site.root().join("content/notes/hello-wxpress-2"),
    );
    let copy = "content/notes/hello-wxpress-2/index.md";
    let text = std::fs::read_to_string(site.root().join(copy)).unwrap();
    site.write(copy, &format!("{text}\n补充一段。\n"));

    for _ in 0..2 {
        let run = publish(&site, &sb, &["content", "--mode", "publish"]);
        run.ok();
        assert!(
            !run.stderr.contains("together with other posts"),
            "{}",
            run.stderr
        );
    }
    // One more push: the copy and the second post (same schedule); the original
    // was not sent again.
    let st = state(&sb);
    let published = st["published"].as_array().unwrap();
    assert_eq!(published.len(), 2, "{st}");
    assert_eq!(published[0]["articles"].as_array().unwrap().len(), 1);
    let second: Vec<&str> = published[1]["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(second.contains(&"第二篇"), "{second:?}");
    assert_eq!(calls(&sb, "freepublish/submit"), 2);
}

#[test]
fn comments_and_field_limits_reach_the_draft_api() {
    let sb = sandbox();
    let site = site();
    let text = std::fs::read_to_string(site.root().join(SECOND)).unwrap();
    // A title the check rules would flag, turned off by the post: publish still
    // refuses it, at the title's value, before any call.
    let long = "长".repeat(33);
    site.write(
        SECOND,
        &text
            .replace("title = \"第二篇\"", &format!("title = \"{long}\""))
            .replace(
                "comments = false\n",
                "check.off = [\"title-api-limit\", \"title-length\"]\n",
            ),
    );
    let run = publish(&site, &sb, &[SECOND, "--mode", "draft"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stderr.contains("content/notes/second/index.md:2:9: error[publish]: title has 33 characters; the draft API refuses more than 32"),
        "{}",
        run.stderr
    );
    assert!(state(&sb)["calls"].as_object().unwrap().is_empty());

    site.write(
        SECOND,
        &text.replace("comments = false", "comments = \"fans\""),
    );
    publish(&site, &sb, &[SECOND, "--mode", "draft"]).ok();
    let st = state(&sb);
    let article = &st["drafts"][0]["articles"][0];
    assert_eq!(article["need_open_comment"], 1, "{st}");
    assert_eq!(article["only_fans_can_comment"], 1, "{st}");
}
