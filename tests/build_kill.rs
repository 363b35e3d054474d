//! `wxpress build` killed with SIGKILL at instants spread over a whole build
//! leaves `public/` whole: either the previous output or the new one, never a
//! mix, never missing folders its manifest lists.

mod common;
use common::TestSite;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const POSTS: usize = 300;
const KILLS: usize = 16;

fn write_posts(site: &TestSite, generation: usize, every: usize) {
    let paragraph = "微信公众号的文章在手机上阅读，段落要短，图片要清楚。".repeat(12);
    for i in (0..POSTS).filter(|i| i % every == 0) {
        site.post(
            &format!("p{i:04}"),
            &format!("## 第 {generation} 版\n\n{paragraph}\n\n{paragraph}\n\n- 一\n- 二\n"),
        );
    }
}

fn spawn_build(root: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .arg("build")
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Every post the manifest lists is there, with the article of exactly the
/// length the manifest recorded: one generation, whole.
fn assert_whole(root: &Path, context: &str) {
    let public = root.join("public");
    let manifest = std::fs::read_to_string(public.join("manifest.json"))
        .unwrap_or_else(|e| panic!("{context}: no manifest: {e}"));
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let posts = manifest["posts"].as_array().unwrap();
    assert_eq!(posts.len(), POSTS, "{context}");
    for post in posts {
        let slug = post["slug"].as_str().unwrap();
        let article = public.join(slug).join("article.html");
        let len = std::fs::metadata(&article)
            .unwrap_or_else(|e| panic!("{context}: {slug}: {e}"))
            .len();
        assert_eq!(
            Some(len),
            post["length"]["bytes"].as_u64(),
            "{context}: {slug}"
        );
        assert!(
            public.join(slug).join("index.html").is_file(),
            "{context}: {slug}"
        );
        assert!(
            public.join(slug).join("cover.png").is_file(),
            "{context}: {slug}"
        );
    }
}

#[test]
fn a_build_killed_at_any_instant_leaves_the_output_whole() {
    let site = TestSite::new();
    write_posts(&site, 0, 1);
    let start = Instant::now();
    assert!(spawn_build(site.root()).wait().unwrap().success());
    let full = start.elapsed();
    assert_whole(site.root(), "first build");

    for kill in 0..KILLS {
        // Change a third of the posts, so the build both writes and reuses folders.
        write_posts(&site, kill + 1, 3);
        let at = full.mul_f64(1.2 * kill as f64 / KILLS as f64);
        let mut child = spawn_build(site.root());
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();
        assert_whole(site.root(), &format!("killed after {at:?}"));
    }

    assert!(spawn_build(site.root()).wait().unwrap().success());
    assert_whole(site.root(), "build after the kills");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
