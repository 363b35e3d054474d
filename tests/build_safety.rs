//! What `wxpress build` never does: read files outside the site, link its output
//! to the writer's sources, or replace, move or delete anything it does not own.

mod common;
use common::{png, TestSite};
use std::path::Path;
use std::time::{Duration, Instant};

/// A site in `<tmp>/proj/site`, with a secret file in `<tmp>/secret.png` beside it.
struct Nested {
    dir: tempfile::TempDir,
}

impl Nested {
    fn new() -> Nested {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("proj/site")).unwrap();
        std::fs::write(dir.path().join("secret.png"), png(470, 200)).unwrap();
        std::fs::write(dir.path().join("proj/README"), "the project").unwrap();
        let nested = Nested { dir };
        nested.write("config.toml", common::CONFIG);
        nested.write_bytes("static/cover.png", &png(940, 400));
        nested
    }
    fn site(&self) -> std::path::PathBuf {
        self.dir.path().join("proj/site")
    }
    fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }
    fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.site().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    fn post(&self, front: &str, body: &str) {
        self.write(
            "content/tech/a.md",
            &format!("+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\n{front}\n[check]\noff = [\"cover-image\"]\n+++\n{body}\n"),
        );
    }
    fn run(&self, args: &[&str]) -> (Option<i32>, String) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
            .args(args)
            .current_dir(self.site())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

fn files_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

#[test]
fn covers_and_images_outside_the_site_are_refused_at_their_position() {
    let cases = [
        (
            "cover = \"../../../secret.png\"",
            "",
            "content/tech/a.md:4:9",
            "cover `../../../secret.png` is outside the site",
        ),
        (
            "cover = \"/../../secret.png\"",
            "",
            "content/tech/a.md:4:9",
            "outside the site",
        ),
        (
            "cover = \"../../../../../../../../../../etc/passwd\"",
            "",
            "content/tech/a.md:4:9",
            "outside the site",
        ),
        (
            "cover = \"/static/cover.png\"",
            "正文\n\n![图](../../../../secret.png)",
            "content/tech/a.md:10:1",
            "image `../../../../secret.png` is outside the site",
        ),
    ];
    for (front, body, at, message) in cases {
        let site = Nested::new();
        site.post(front, body);
        let (code, stderr) = site.run(&["build"]);
        assert_eq!(code, Some(1), "{front} {body}: {stderr}");
        assert!(stderr.contains(message), "{front} {body}: {stderr}");
        assert!(
            stderr.contains(&format!("--> {at}")),
            "{front} {body}: {stderr}"
        );
        assert!(!site.site().join("public").exists(), "nothing written");
    }
}

#[test]
fn symlinks_out_of_the_site_are_refused_and_links_inside_are_copied() {
    let site = Nested::new();
    std::fs::create_dir_all(site.site().join("content/tech")).unwrap();
    std::os::unix::fs::symlink(
        site.dir.path().join("secret.png"),
        site.site().join("content/tech/out.png"),
    )
    .unwrap();
    site.post("cover = \"out.png\"", "正文");
    let (code, stderr) = site.run(&["build"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cover `out.png` is a symlink to a file outside the site"),
        "{stderr}"
    );

    site.post("cover = \"/static/cover.png\"", "正文\n\n![图](out.png)");
    let (code, stderr) = site.run(&["build"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("image `out.png` is a symlink"), "{stderr}");

    // A symlink that stays inside the site is fine, and its output is a copy.
    std::fs::remove_file(site.site().join("content/tech/out.png")).unwrap();
    site.write_bytes("static/flow.png", &png(320, 10));
    std::os::unix::fs::symlink(
        site.site().join("static/flow.png"),
        site.site().join("content/tech/flow.png"),
    )
    .unwrap();
    site.post("cover = \"/static/cover.png\"", "正文\n\n![图](flow.png)");
    let (code, stderr) = site.run(&["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let out = site.site().join("public/a/flow.png");
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(meta.is_file(), "a regular file, not a symlink");
}

#[test]
fn output_files_are_copies_so_editing_them_leaves_the_sources_alone() {
    let site = TestSite::new();
    site.write_bytes("content/tech/hello/flow.png", &png(320, 10));
    site.write(
        "content/tech/hello/index.md",
        "+++\ntitle = \"你好\"\nsummary = \"摘要\"\n+++\n![图](flow.png)\n",
    );
    site.build().unwrap();
    site.build().unwrap(); // the second build reuses the folder
    std::fs::write(site.path("public/hello/flow.png"), "optimised").unwrap();
    std::fs::write(site.path("public/hello/cover.png"), "optimised").unwrap();
    assert_eq!(
        std::fs::read(site.path("content/tech/hello/flow.png")).unwrap(),
        png(320, 10)
    );
    assert_eq!(
        std::fs::read(site.path("static/cover.png")).unwrap(),
        png(940, 400)
    );
}

#[test]
fn a_fifo_named_like_an_image_is_refused_without_blocking() {
    let site = TestSite::new();
    let fifo = site.path("content/tech/x.png");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    site.post("a", "![图](x.png)");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .arg("build")
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("build blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("image `x.png` is not a regular file"),
        "{stderr}"
    );
}

#[test]
fn out_never_takes_a_folder_or_file_it_does_not_own() {
    let site = Nested::new();
    site.post("cover = \"/static/cover.png\"", "正文");
    let tmp = site.dir.path();

    // A web app with its own manifest.json.
    std::fs::create_dir_all(tmp.join("webapp")).unwrap();
    std::fs::write(tmp.join("webapp/manifest.json"), r#"{"name":"app"}"#).unwrap();
    std::fs::write(tmp.join("webapp/index.html"), "<h1>app</h1>").unwrap();
    let (code, stderr) = site.run(&["build", "--out", "../../webapp"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("was not made by wxpress"), "{stderr}");
    assert_eq!(
        files_under(&tmp.join("webapp")),
        ["", "index.html", "manifest.json"]
    );

    // An existing file.
    std::fs::write(tmp.join("report.txt"), "quarterly numbers").unwrap();
    let (code, stderr) = site.run(&["build", "--out", "../../report.txt"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(tmp.join("report.txt")).unwrap(),
        "quarterly numbers"
    );

    // The project that holds the site, named through `..`.
    let (code, stderr) = site.run(&["build", "--out", "../../proj"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("contains the site itself"), "{stderr}");
    let (code, stderr) = site.run(&["build", "--out", "content/../../site"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("contains the site itself"), "{stderr}");
    assert!(site.site().join("config.toml").is_file());
    assert!(tmp.join("proj/README").is_file());

    // Inside the site's sources.
    let (code, stderr) = site.run(&["build", "--out", "themes/out"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("inside the site's themes/ folder"),
        "{stderr}"
    );

    // Nothing was created or moved beside any of them.
    let mut top = files_under(tmp)
        .into_iter()
        .filter(|p| !p.contains('/'))
        .collect::<Vec<_>>();
    top.sort();
    assert_eq!(top, ["", "proj", "report.txt", "secret.png", "webapp"]);

    // A folder wxpress made is its own, and is replaced.
    let (code, stderr) = site.run(&["build", "--out", "../../built"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(tmp.join("built/.wxpress-output").is_file());
    let (code, stderr) = site.run(&["build", "--out", "../../built"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_post_named_like_the_manifest_gets_a_clear_slug_error() {
    let site = TestSite::new();
    site.post("manifest.json", "正文");
    let errors = site.build_errors();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`manifest.json` cannot be used as a slug")),
        "{errors:?}"
    );
}

#[test]
fn slugs_that_differ_only_in_case_conflict() {
    let site = TestSite::new();
    site.post("Hello", "甲");
    site.write(
        "content/other/hello.md",
        "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\n+++\n乙",
    );
    let errors = site.build_errors();
    assert!(
        errors.iter().any(|e| e.contains("is already used by")),
        "{errors:?}"
    );
}

#[test]
fn a_cover_is_judged_by_its_content_not_its_name() {
    for (bytes, why) in [
        (&b""[..], "the file is empty"),
        (
            &b"just some text, saved as png"[..],
            "its content is not an image",
        ),
        (
            &b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"[..],
            "it is a Gif image",
        ),
    ] {
        let site = TestSite::new();
        site.write_bytes("content/tech/cover.png", bytes);
        site.write(
            "content/tech/a.md",
            "+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"cover.png\"\n+++\n正文\n",
        );
        // A cover that is no image is a warning while writing (publish refuses it).
        let report = site
            .build()
            .unwrap_or_else(|e| panic!("{why}: build failed: {e:?}"));
        let warnings: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            warnings.iter().any(|e| e.contains(
                "warning[cover-missing]: cover `cover.png` is not a readable jpg or png image"
            ) && e.contains(why)),
            "{why}: {warnings:?}"
        );
    }
}
