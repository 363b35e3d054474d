//! Fixture sites for integration tests: a temporary folder with a config, posts and
//! files, built through the library or the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const CONFIG: &str = r#"
[site]
name = "测试号"
author = "小编"

[[columns]]
name = "技术"
slug = "tech"
footer = "footer.html"
cover = "/static/cover.png"
"#;

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with the standard test config and no posts.
    pub fn new() -> Self {
        Self::with_config(CONFIG)
    }

    pub fn with_config(config: &str) -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        site.write("config.toml", config);
        // The tech column's default cover: build runs the checks, which require one.
        site.write_bytes("static/cover.png", &png(940, 400));
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// A post with a title, a summary, a cover and the given body, in column `tech`.
    pub fn post(&self, slug: &str, body: &str) -> &Self {
        self.write(
            &format!("content/tech/{slug}.md"),
            &format!("+++\ntitle = \"测试文章\"\nsummary = \"摘要\"\ncover = \"/static/cover.png\"\n+++\n{body}"),
        )
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs the real binary in the site's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_wxpress"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    pub fn build(
        &self,
    ) -> Result<wxpress::build::BuildReport, Vec<wxpress::diagnostic::Diagnostic>> {
        wxpress::build::build(&wxpress::build::BuildOptions {
            root: self.root().to_path_buf(),
            out: self.path("public"),
            wip: false,
            now: jiff::Timestamp::now(),
            remote_images: wxpress::images::Remote::Off,
        })
    }

    /// Builds and returns the diagnostics as `file:line:col: severity[rule]: message` lines.
    pub fn build_errors(&self) -> Vec<String> {
        match self.build() {
            Ok(_) => panic!("build succeeded, expected errors"),
            Err(diags) => diags
                .iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect(),
        }
    }
}

/// A real PNG of the given size, for `data-w` and asset tests.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    // Stored (uncompressed) zlib stream of empty scanlines: enough for size readers.
    let raw: Vec<u8> = (0..height)
        .flat_map(|_| std::iter::once(0).chain(std::iter::repeat_n(0x80, width as usize)))
        .collect();
    let mut z = vec![0x78, 0x01];
    for (i, block) in raw.chunks(65535).enumerate() {
        let last = (i + 1) * 65535 >= raw.len();
        z.push(last as u8);
        z.extend((block.len() as u16).to_le_bytes());
        z.extend((!(block.len() as u16)).to_le_bytes());
        z.extend(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}
