//! A throw-away site for check tests: config, posts and image files in a temp folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use wxpress::check::Finding;
use wxpress::diagnostic::Diagnostic;
use wxpress::site::Site;

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

pub const CONFIG: &str =
    "[site]\nname = \"测试号\"\n\n[[columns]]\nname = \"随笔\"\nslug = \"notes\"\n";

impl TestSite {
    /// A site whose config.toml is CONFIG followed by `extra`.
    pub fn new(extra: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), format!("{CONFIG}{extra}")).unwrap();
        std::fs::create_dir_all(dir.path().join("content/notes")).unwrap();
        let site = TestSite { dir };
        site.png("content/notes/cover.png", 940, 400);
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content/notes/<name>` and returns its path.
    pub fn post(&self, name: &str, text: &str) -> PathBuf {
        let path = self.root().join("content/notes").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A real `width`×`height` grey PNG (the image pipeline decodes it), padded
    /// with zeros after its end to `bytes` when given.
    pub fn png_sized(&self, rel: &str, width: u32, height: u32, bytes: usize) {
        let mut data = Vec::new();
        image::GrayImage::from_pixel(width, height, image::Luma([128]))
            .write_to(
                &mut std::io::Cursor::new(&mut data),
                image::ImageFormat::Png,
            )
            .unwrap();
        if data.len() < bytes {
            data.resize(bytes, 0);
        }
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }

    pub fn png(&self, rel: &str, width: u32, height: u32) {
        self.png_sized(rel, width, height, 0);
    }

    pub fn site(&self) -> Site {
        Site::load(self.root()).unwrap_or_else(|e| panic!("site does not load: {e:?}"))
    }

    /// Loads, renders and checks one post: render diagnostics plus check findings.
    pub fn check(&self, name: &str) -> Vec<Diagnostic> {
        let site = self.site();
        let path = self.root().join("content/notes").join(name);
        let post = wxpress::content::load_post(self.root(), &site.config, &path)
            .unwrap_or_else(|e| panic!("post does not load: {e:?}"));
        site.compile(post).diagnostics
    }

    pub fn findings(&self, name: &str) -> Vec<Finding> {
        let site = self.site();
        let path = self.root().join("content/notes").join(name);
        let post = wxpress::content::load_post(self.root(), &site.config, &path).unwrap();
        wxpress::check::check_post_findings(&site.checker, &site.style(), &post, None)
    }

    /// Runs the wxpress binary in the site folder.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }
}

/// `line:column rule` for each diagnostic, optionally only for `rules`.
pub fn positions(diags: &[Diagnostic], rules: &[&str]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| rules.is_empty() || rules.contains(&d.rule.as_str()))
        .map(|d| format!("{}:{} {}", d.line, d.column, d.rule))
        .collect()
}

/// A post with a valid front matter (title, summary, cover) and `body`.
pub fn post_with_body(body: &str) -> String {
    format!("+++\ntitle = \"普通的标题\"\nsummary = \"一句摘要。\"\ncover = \"cover.png\"\n+++\n\n{body}")
}
