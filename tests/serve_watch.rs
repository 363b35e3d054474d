//! The watcher against real files: in-place and atomic saves, renames, deletes, new
//! folders, editor temp files, theme and config changes, and incrementality.

mod serve_support;

use serve_support::*;
use std::sync::Arc;
use std::time::Duration;
use wxpress::serve::Server;

const WAIT: Duration = Duration::from_secs(10);

fn title_of(server: &Server, source: &str) -> Option<String> {
    let snap = server.state().read();
    snap.entries.get(source).map(|e| e.title().to_string())
}

fn has(server: &Server, source: &str) -> bool {
    server.state().read().entries.contains_key(source)
}

fn generation(server: &Server) -> u64 {
    server.state().read().generation
}

fn hello_with_title(title: &str) -> String {
    hello("第一段文字。").replace("你好世界", title)
}

#[test]
fn in_place_save_rebuilds_only_that_post() {
    let dir = site();
    let server = start(dir.path(), false);
    let other_before = server.state().read().entries["content/life/later.md"].clone();

    write(
        dir.path(),
        "content/tech/hello.md",
        hello_with_title("就地保存"),
    );
    assert!(wait_until(WAIT, || title_of(
        &server,
        "content/tech/hello.md"
    )
    .as_deref()
        == Some("就地保存")));

    // The other posts were not re-rendered: same entry, not a copy.
    let other_after = server.state().read().entries["content/life/later.md"].clone();
    assert!(Arc::ptr_eq(&other_before, &other_after));
}

#[test]
fn atomic_save_through_a_temp_file() {
    let dir = site();
    let server = start(dir.path(), false);
    atomic_save(
        dir.path(),
        "content/tech/hello.md",
        &hello_with_title("原子保存"),
    );
    assert!(wait_until(WAIT, || title_of(
        &server,
        "content/tech/hello.md"
    )
    .as_deref()
        == Some("原子保存")));
    let snap = server.state().read();
    assert!(
        snap.entries.keys().all(|s| !s.contains("jb_tmp")),
        "temp file became a post: {:?}",
        snap.entries.keys().collect::<Vec<_>>()
    );
    let article = snap.by_slug("hello").unwrap().article.clone().unwrap();
    assert!(article.html.contains("第一段文字。"));
}

#[test]
fn vim_style_save_with_backup_and_swap_files() {
    let dir = site();
    let server = start(dir.path(), false);
    let root = dir.path();
    // vim: probe file, swap file, backup by rename, write the new file, drop the backup.
    write(root, "content/tech/4913", "");
    std::fs::remove_file(root.join("content/tech/4913")).unwrap();
    write(
        root,
        "content/tech/.hello.md.swp",
        "garbage that is not a post",
    );
    std::fs::rename(
        root.join("content/tech/hello.md"),
        root.join("content/tech/hello.md~"),
    )
    .unwrap();
    write(root, "content/tech/hello.md", hello_with_title("维姆保存"));
    std::fs::remove_file(root.join("content/tech/hello.md~")).unwrap();

    assert!(wait_until(WAIT, || title_of(
        &server,
        "content/tech/hello.md"
    )
    .as_deref()
        == Some("维姆保存")));
    let snap = server.state().read();
    let sources: Vec<_> = snap.entries.keys().cloned().collect();
    assert!(
        sources
            .iter()
            .all(|s| !s.contains(".swp") && !s.ends_with('~')),
        "{sources:?}"
    );
}

#[test]
fn editor_temp_files_alone_cause_no_reload() {
    let dir = site();
    let server = start(dir.path(), false);
    let before = generation(&server);
    let root = dir.path();
    write(root, "content/tech/#hello.md#", "emacs autosave");
    write(root, "content/tech/hello.md.tmp", "tmp");
    write(root, "content/tech/notes.md~", "backup");
    write(root, "content/tech/.hidden.md", "+++\ntitle = \"x\"\n+++\n");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        generation(&server),
        before,
        "temp files triggered a rebuild"
    );
    assert!(!has(&server, "content/tech/.hidden.md"));
}

#[test]
fn rename_moves_the_post() {
    let dir = site();
    let server = start(dir.path(), false);
    std::fs::rename(
        dir.path().join("content/tech/hello.md"),
        dir.path().join("content/tech/hola.md"),
    )
    .unwrap();
    assert!(wait_until(WAIT, || has(&server, "content/tech/hola.md")
        && !has(&server, "content/tech/hello.md")));
    let snap = server.state().read();
    assert!(snap.by_slug("hola").is_some());
    assert!(snap.by_slug("hello").is_none());
}

#[test]
fn delete_removes_the_post() {
    let dir = site();
    let server = start(dir.path(), false);
    assert!(has(&server, "content/life/later.md"));
    std::fs::remove_file(dir.path().join("content/life/later.md")).unwrap();
    assert!(wait_until(WAIT, || !has(&server, "content/life/later.md")));
}

#[test]
fn new_folder_with_a_post_and_image() {
    let dir = site();
    let server = start(dir.path(), false);
    let root = dir.path();
    // Created in one go: files inside appear before a watch on the folder exists.
    std::fs::create_dir_all(root.join("content/life/new-trip/images")).unwrap();
    write(root, "content/life/new-trip/images/map.png", PNG);
    write(
        root,
        "content/life/new-trip/index.md",
        "+++\ntitle = \"新的旅行\"\n+++\n\n![地图](images/map.png)\n",
    );
    assert!(wait_until(WAIT, || has(
        &server,
        "content/life/new-trip/index.md"
    )));
    let snap = server.state().read();
    let entry = snap.by_slug("new-trip").unwrap();
    assert!(
        entry.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        entry.diagnostics
    );
    assert_eq!(entry.article.as_ref().unwrap().images[0].name, "map.png");
    drop(snap);

    // A later save inside the new folder is seen too.
    write(
        root,
        "content/life/new-trip/index.md",
        "+++\ntitle = \"改过的旅行\"\n+++\n\n正文\n",
    );
    assert!(wait_until(WAIT, || title_of(
        &server,
        "content/life/new-trip/index.md"
    )
    .as_deref()
        == Some("改过的旅行")));
}

#[test]
fn renamed_and_deleted_folders() {
    let dir = site();
    let server = start(dir.path(), false);
    let root = dir.path();
    std::fs::rename(
        root.join("content/tech/with-image"),
        root.join("content/tech/pictures"),
    )
    .unwrap();
    assert!(wait_until(WAIT, || has(
        &server,
        "content/tech/pictures/index.md"
    ) && !has(
        &server,
        "content/tech/with-image/index.md"
    )));
    assert!(server.state().read().by_slug("pictures").is_some());

    std::fs::remove_dir_all(root.join("content/tech/pictures")).unwrap();
    assert!(wait_until(WAIT, || !has(
        &server,
        "content/tech/pictures/index.md"
    )));
}

#[test]
fn adding_a_missing_image_fixes_the_post() {
    let dir = site();
    let root = dir.path();
    write(
        root,
        "content/tech/needs-image.md",
        "+++\ntitle = \"缺图\"\n+++\n\n![图](later.png)\n",
    );
    let server = start(root, false);
    let errors = |server: &Server| {
        server.state().read().entries["content/tech/needs-image.md"]
            .diagnostics
            .iter()
            .filter(|d| d.rule == "image-missing")
            .count()
    };
    assert_eq!(errors(&server), 1);
    write(root, "content/tech/later.png", PNG);
    assert!(wait_until(WAIT, || errors(&server) == 0));
}

#[test]
fn template_change_rebuilds_everything_and_errors_keep_serving() {
    let dir = site();
    let server = start(dir.path(), false);
    let root = dir.path();
    write(
        root,
        "templates/article.html",
        "<section class=\"article\"><p>MARK-A</p>{{ content | safe }}</section>",
    );
    assert!(wait_until(WAIT, || {
        let snap = server.state().read();
        snap.entries
            .values()
            .filter_map(|e| e.article.as_ref())
            .all(|a| a.html.contains("MARK-A"))
    }));

    // A syntax error: the site error is recorded, the last good render stays.
    write(
        root,
        "templates/article.html",
        "<section>\n{% if %}\n</section>",
    );
    assert!(wait_until(WAIT, || !server
        .state()
        .read()
        .site_errors
        .is_empty()));
    {
        let snap = server.state().read();
        let e = &snap.site_errors[0];
        assert_eq!(e.file, "templates/article.html");
        assert_eq!(e.rule, "template");
        assert_eq!(e.line, 2, "{e}");
        let hello = snap.by_slug("hello").unwrap();
        assert!(hello.article.as_ref().unwrap().html.contains("MARK-A"));
    }
    // While the theme is broken, a post save retries it; fixing it recovers.
    write(
        root,
        "templates/article.html",
        "<section class=\"article\"><p>MARK-B</p>{{ content | safe }}</section>",
    );
    assert!(wait_until(WAIT, || {
        let snap = server.state().read();
        snap.site_errors.is_empty()
            && snap
                .by_slug("hello")
                .and_then(|e| e.article.as_ref())
                .is_some_and(|a| a.html.contains("MARK-B"))
    }));
}

#[test]
fn broken_config_is_reported_and_fixed() {
    let dir = site();
    let server = start(dir.path(), false);
    let root = dir.path();
    write(
        root,
        "config.toml",
        "[site]\nname = \"测试号\"\ntimezone = \"Mars/Olympus\"\n",
    );
    assert!(wait_until(WAIT, || !server
        .state()
        .read()
        .site_errors
        .is_empty()));
    {
        let snap = server.state().read();
        assert_eq!(snap.site_errors[0].file, "config.toml");
        assert_eq!(snap.site_errors[0].line, 3, "{}", snap.site_errors[0]);
        assert!(snap.entries.contains_key("content/tech/hello.md"));
    }
    write(root, "config.toml", CONFIG);
    assert!(wait_until(WAIT, || server
        .state()
        .read()
        .site_errors
        .is_empty()));
}

#[test]
fn broken_front_matter_keeps_the_last_good_article() {
    let dir = site();
    let server = start(dir.path(), false);
    let root = dir.path();
    write(
        root,
        "content/tech/hello.md",
        "+++\ntitle = \"没有结束的引号\n+++\n\n正文\n",
    );
    assert!(wait_until(WAIT, || server.state().read().entries
        ["content/tech/hello.md"]
        .broken));
    {
        let snap = server.state().read();
        let e = &snap.entries["content/tech/hello.md"];
        let d = &e.diagnostics[0];
        assert_eq!(
            (d.file.as_str(), d.rule.as_str()),
            ("content/tech/hello.md", "front-matter")
        );
        assert_eq!(d.line, 2, "{d}");
        // Still served at its slug, with the article from before.
        assert!(snap
            .by_slug("hello")
            .unwrap()
            .article
            .as_ref()
            .unwrap()
            .html
            .contains("第一段文字"));
    }
    write(root, "content/tech/hello.md", hello_with_title("修好了"));
    assert!(wait_until(WAIT, || {
        let snap = server.state().read();
        let e = &snap.entries["content/tech/hello.md"];
        !e.broken && e.title() == "修好了"
    }));
}

#[test]
fn drafts_are_hidden_unless_asked_for() {
    let dir = site();
    let server = start(dir.path(), false);
    {
        let snap = server.state().read();
        assert!(!snap.entries.contains_key("content/life/secret-draft.md"));
        assert!(snap.hidden_wip.contains_key("content/life/secret-draft.md"));
    }
    // Publishing the draft (draft = false) brings it in.
    write(
        dir.path(),
        "content/life/secret-draft.md",
        "+++\ntitle = \"不再是草稿\"\n+++\n\n正文。\n",
    );
    assert!(wait_until(WAIT, || has(
        &server,
        "content/life/secret-draft.md"
    )));
    assert!(server.state().read().hidden_wip.is_empty());
    drop(server);

    let with_drafts = start(dir.path(), true);
    write(
        dir.path(),
        "content/life/secret-draft.md",
        "+++\ntitle = \"又是草稿\"\nwip = true\n+++\n\n正文。\n",
    );
    assert!(wait_until(WAIT, || title_of(
        &with_drafts,
        "content/life/secret-draft.md"
    )
    .as_deref()
        == Some("又是草稿")));
}

#[test]
fn slug_collision_is_an_error_on_the_second_file() {
    let dir = site();
    let server = start(dir.path(), false);
    write(
        dir.path(),
        "content/life/hello.md",
        "+++\ntitle = \"同名\"\n+++\n\n正文\n",
    );
    assert!(wait_until(WAIT, || has(&server, "content/life/hello.md")));
    let snap = server.state().read();
    // Files are ordered by path: content/life/ comes first and keeps the slug.
    assert!(snap
        .conflicts(&snap.entries["content/life/hello.md"])
        .is_empty());
    let conflicts = snap.conflicts(&snap.entries["content/tech/hello.md"]);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        conflicts[0].message,
        "slug `hello` is already used by content/life/hello.md"
    );
    assert_eq!(
        snap.by_slug("hello").unwrap().source,
        "content/life/hello.md"
    );
    // The count the browser and terminal show agrees with every entry's listing.
    let listed: usize = snap
        .entries
        .values()
        .map(|e| snap.diagnostics(e).iter().filter(|d| d.is_error()).count())
        .sum();
    assert!(listed >= 1);
    assert_eq!(snap.error_count(), listed);
}

#[test]
fn nothing_is_written_to_public() {
    let dir = site();
    let server = start(dir.path(), false);
    write(
        dir.path(),
        "content/tech/hello.md",
        hello_with_title("再存一次"),
    );
    assert!(wait_until(WAIT, || title_of(
        &server,
        "content/tech/hello.md"
    )
    .as_deref()
        == Some("再存一次")));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn content_folder_created_after_start() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config.toml", CONFIG);
    let server = start(dir.path(), false);
    assert!(server.state().read().entries.is_empty());
    write(
        dir.path(),
        "content/tech/first.md",
        "+++\ntitle = \"第一篇\"\n+++\n\n正文\n",
    );
    assert!(wait_until(WAIT, || has(&server, "content/tech/first.md")));
    // The new folder is watched from now on.
    write(
        dir.path(),
        "content/tech/first.md",
        "+++\ntitle = \"第一篇改\"\n+++\n\n正文\n",
    );
    assert!(wait_until(WAIT, || title_of(
        &server,
        "content/tech/first.md"
    )
    .as_deref()
        == Some("第一篇改")));
}

#[test]
fn a_symlinked_post_added_while_serving_is_skipped_like_at_start_up() {
    let dir = site();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.md",
        "+++\ntitle = \"外面的文件\"\n+++\n\n机密内容\n",
    );
    let server = start(root, false);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        root.join("content/tech/linked.md"),
    )
    .unwrap();
    // A real post saved after the link: once it shows, the link was seen too.
    write(
        root,
        "content/tech/after.md",
        "+++\ntitle = \"之后\"\n+++\n\n正文\n",
    );
    assert!(wait_until(WAIT, || server
        .state()
        .read()
        .entries
        .contains_key("content/tech/after.md")));
    let snap = server.state().read();
    assert!(
        !snap.entries.contains_key("content/tech/linked.md"),
        "the symlinked post was loaded"
    );
}

fn has_rule(server: &Server, source: &str, rule: &str) -> bool {
    let snap = server.state().read();
    snap.entries
        .get(source)
        .is_some_and(|e| snap.diagnostics(e).iter().any(|d| d.rule == rule))
}

#[test]
fn calendar_rules_survive_body_edits_and_follow_front_matter_edits() {
    let dir = site();
    let server = start(dir.path(), false);
    let hello = "content/tech/hello.md";
    // Scheduled for 2026-12-01 20:30 and never published.
    assert!(has_rule(&server, hello, "schedule-past"));

    // A body edit leaves the calendar as it was: still right.
    let before = generation(&server);
    write(
        dir.path(),
        hello,
        super_hello("改过的第一段。", "2026-12-01T20:30:00"),
    );
    assert!(wait_until(WAIT, || generation(&server) > before));
    assert!(has_rule(&server, hello, "schedule-past"));

    // A new schedule in the front matter is judged again.
    write(
        dir.path(),
        hello,
        super_hello("改过的第一段。", "2099-12-01T20:30:00"),
    );
    assert!(wait_until(WAIT, || !has_rule(
        &server,
        hello,
        "schedule-past"
    )));
}

#[test]
fn a_push_that_becomes_missed_while_serving_is_reported_on_the_next_save() {
    let dir = site();
    write(
        dir.path(),
        "config.toml",
        format!("{CONFIG}\n[schedule]\ngrace = \"1s\"\n"),
    );
    let soon = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .checked_add(jiff::SignedDuration::from_secs(2))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let hello = "content/tech/hello.md";
    write(dir.path(), hello, super_hello("第一段文字。", &soon));
    let server = start(dir.path(), false);
    assert!(!has_rule(&server, hello, "schedule-past"), "not yet due");

    // Past its time and its grace, a save of another post's body, which leaves
    // every front matter as it was, judges the calendar again.
    std::thread::sleep(Duration::from_millis(3_500));
    let later = "content/life/later.md";
    write(
        dir.path(),
        later,
        "+++\ntitle = \"明年再说\"\nschedule = \"2027-01-05T12:00:00\"\n+++\n\n改过的正文。\n",
    );
    assert!(wait_until(WAIT, || has_rule(
        &server,
        hello,
        "schedule-past"
    )));
}

/// The fixture's post with another first paragraph and schedule.
fn super_hello(first_paragraph: &str, schedule: &str) -> String {
    hello(first_paragraph).replace("2026-12-01T20:30:00", schedule)
}
