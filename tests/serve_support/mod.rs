//! Shared by the serve tests: a small fixture site, a running server on a free
//! port, plain HTTP helpers and polling.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wxpress::serve::{Limits, Options, Server};

/// A valid 1×1 PNG (checksums right: the image pipeline decodes it).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

pub const CONFIG: &str = r#"[site]
name = "测试号"
timezone = "Asia/Shanghai"
author = "编辑部"

[[columns]]
name = "技术笔记"
slug = "tech"
# Checks require a cover; the tech posts use the column's.
cover = "/static/covers/life.png"

[[columns]]
name = "生活方式"
slug = "life"
cover = "/static/covers/life.png"
"#;

/// A post long enough to scroll inside the phone frame.
pub fn hello(first_paragraph: &str) -> String {
    let mut text = String::from(
        "+++\ntitle = \"你好世界\"\nsummary = \"第一篇文章的摘要\"\nschedule = \"2026-12-01T20:30:00\"\n+++\n\n",
    );
    text.push_str(first_paragraph);
    text.push_str("\n\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "这是第 {i} 段正文，用来让文章足够长，可以在手机框里滚动。\n\n"
        ));
    }
    text
}

pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Saves like vim, JetBrains and most GUI editors: a temporary file renamed over the post.
pub fn atomic_save(root: &Path, rel: &str, content: &str) {
    let path = root.join(rel);
    let tmp = path.with_file_name(format!(
        "{}___jb_tmp___",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, content).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

/// The fixture: posts with and without images, schedules, a draft, and a title that
/// tries to inject a script.
pub fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "config.toml", CONFIG);
    write(root, "static/covers/life.png", PNG);
    write(root, "content/tech/hello.md", hello("第一段文字。"));
    write(
        root,
        "content/tech/with-image/index.md",
        "+++\ntitle = \"带图片的文章\"\nsummary = \"有一张图\"\ncover = \"cover.png\"\nschedule = \"2026-11-20T08:00:00\"\n+++\n\n看图：\n\n![示意图](images/pic.png)\n",
    );
    write(root, "content/tech/with-image/images/pic.png", PNG);
    write(root, "content/tech/with-image/cover.png", PNG);
    write(
        root,
        "content/life/later.md",
        "+++\ntitle = \"明年再说\"\nschedule = \"2027-01-05T12:00:00\"\n+++\n\n正文。\n",
    );
    write(
        root,
        "content/life/unscheduled.md",
        "+++\ntitle = \"没有定时\"\n+++\n\n正文。\n",
    );
    write(
        root,
        "content/life/secret-draft.md",
        "+++\ntitle = \"草稿一篇\"\nwip = true\n+++\n\n草稿正文。\n",
    );
    write(
        root,
        "content/tech/xss.md",
        "+++\ntitle = \"<script>alert('t')</script>\"\nsummary = \"<img src=x onerror=alert(1)>\"\n+++\n\n正文。\n",
    );
    dir
}

pub fn start(root: &Path, wip: bool) -> Server {
    start_with(root, wip, Limits::default())
}

pub fn start_with(root: &Path, wip: bool, limits: Limits) -> Server {
    Server::start(&Options {
        root: root.to_path_buf(),
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        wip,
        limits,
    })
    .expect("server starts")
}

/// Polls `cond` until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// GET with an HTTP client (the path is normalised like a browser would).
pub fn get(server: &Server, path: &str) -> Reply {
    let url = format!("http://{}{}", server.addr(), path);
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client");
    let res = client.get(&url).send().expect("request");
    Reply {
        status: res.status().as_u16(),
        content_type: res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
        body: res.bytes().expect("body").to_vec(),
    }
}

/// GET with the request line exactly as given: no client normalises `..` away.
pub fn raw_get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// Finds Chromium, or explains why the browser tests cannot run. Under CI a missing
/// browser is a failure, not a skip.
pub fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("WXPRESS_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .map(PathBuf::from),
        );
    for path in candidates {
        if path.is_file() {
            return Some(path);
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("Chromium not found (set WXPRESS_CHROMIUM or apt-get install chromium): the browser tests must run in CI");
    }
    eprintln!("skipping browser test: Chromium not found (apt-get install chromium)");
    None
}
