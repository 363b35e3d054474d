//! Remote images (`![](http://…)`) against a local HTTP server on 127.0.0.1 (no
//! test reaches the internet): fetched into `.wxpress/cache/remote/`, processed
//! and copied like local images, fetched once across builds; every failure (404,
//! a page posing as an image, a slow host, an oversized body) is a warning at the
//! image's line and the image stays remote; `--offline` fetches nothing.

mod publish_support;

use publish_support::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wxpress::build::{build, BuildOptions, BuildReport};
use wxpress::diagnostic::Diagnostic;
use wxpress::images::{FetchOptions, Remote};

/// Requests per path, as the server saw them.
type Hits = Arc<Mutex<HashMap<String, usize>>>;

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Wider than 1080 px: converted (a note), scaled down.
fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1600, 900, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 60])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

fn respond(mut s: TcpStream, status: &str, headers: &str, body: &[u8]) {
    let head = format!("HTTP/1.1 {status}\r\n{headers}Connection: close\r\n\r\n");
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

fn handle(mut s: TcpStream, hits: Hits) {
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&req);
    let path = text.split(' ').nth(1).unwrap_or("").to_string();
    let n = {
        let mut h = hits.lock().unwrap();
        let n = h.entry(path.clone()).or_default();
        *n += 1;
        *n
    };
    let sized = |ct: &str, len: usize| format!("Content-Type: {ct}\r\nContent-Length: {len}\r\n");
    match path.as_str() {
        "/photo.png" => {
            let b = png();
            respond(s, "200 OK", &sized("image/png", b.len()), &b)
        }
        // Content-Type lies: sniffing finds the JPEG.
        "/photo.jpg" => {
            let b = jpeg();
            respond(s, "200 OK", &sized("text/plain", b.len()), &b)
        }
        "/fake.png" => {
            let b = b"<!DOCTYPE html><html><body>not found, but 200</body></html>";
            respond(s, "200 OK", &sized("image/png", b.len()), b)
        }
        "/flaky.png" if n == 1 => {
            respond(s, "503 Service Unavailable", &sized("text/plain", 0), b"")
        }
        "/flaky.png" => {
            let b = png();
            respond(s, "200 OK", &sized("image/png", b.len()), &b)
        }
        "/slow.png" => {
            std::thread::sleep(Duration::from_secs(3));
            let b = png();
            respond(s, "200 OK", &sized("image/png", b.len()), &b)
        }
        // No Content-Length: the cap must hold while reading.
        "/huge.png" => {
            let mut b = png();
            b.resize(3 * 1024 * 1024, 0);
            respond(s, "200 OK", "Content-Type: image/png\r\n", &b)
        }
        _ => respond(s, "404 Not Found", &sized("text/plain", 9), b"not found"),
    }
}

struct Server {
    base: String,
    hits: Hits,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits: Hits = Arc::default();
        let h = hits.clone();
        std::thread::spawn(move || {
            for s in listener.incoming().flatten() {
                let h = h.clone();
                std::thread::spawn(move || handle(s, h));
            }
        });
        Server { base, hits }
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

const POST: &str = "content/notes/web/index.md";

fn web_site(server: &Server) -> Site {
    let site = site();
    let b = &server.base;
    site.write(
        POST,
        &format!(
            "+++\ntitle = \"网图\"\nsummary = \"网上的图片。\"\n+++\n\n\
             ![png]({b}/photo.png)\n\n\
             ![jpeg]({b}/photo.jpg)\n\n\
             ![fake]({b}/fake.png)\n\n\
             ![404]({b}/missing.png)\n\n\
             ![slow]({b}/slow.png)\n\n\
             ![huge]({b}/huge.png)\n\n\
             ![flaky]({b}/flaky.png)\n\n\
             ![again]({b}/photo.png)\n"
        ),
    );
    site
}

fn fetching() -> Remote {
    Remote::Fetch(FetchOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(1),
        max_bytes: 2 * 1024 * 1024,
        retries: 2,
    })
}

fn build_with(root: &Path, remote: Remote) -> BuildReport {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out: root.join("public"),
        wip: false,
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        remote_images: remote,
    })
    .unwrap_or_else(|d| panic!("build failed: {d:#?}"))
}

/// `line: message` of each `image-remote` warning in the post.
fn remote_warnings(report: &BuildReport) -> Vec<(usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "image-remote" && d.file == POST)
        .map(|d: &Diagnostic| (d.line, d.message.clone()))
        .collect()
}

#[test]
fn remote_images_are_fetched_processed_and_cached_and_failures_are_warnings_in_place() {
    let server = Server::start();
    let site = web_site(&server);
    let b = &server.base;

    let started = std::time::Instant::now();
    let first = build_with(site.root(), fetching());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let warnings = remote_warnings(&first);
    let at = |line: usize, says: &str| {
        assert!(
            warnings.iter().any(|(l, m)| *l == line && m.contains(says)),
            "no warning at line {line} saying {says}: {warnings:#?}"
        )
    };
    at(10, "what the server sent is not an image (image/png)");
    at(12, "HTTP 404 Not Found");
    at(14, "no answer within 1 s");
    at(16, "larger than 2.0 MB");
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(warnings.iter().all(|(_, m)| m.contains("stays remote")));
    // The converted JPEG gets its note, at its line.
    assert!(first.diagnostics.iter().any(|d| d.rule == "image-converted"
        && d.line == 8
        && d.message.contains(&format!("image `{b}/photo.jpg`: "))
        && d.message.contains(" JPEG, 1080 px")));

    let out = site.root().join("public/web");
    let article = std::fs::read_to_string(out.join("article.html")).unwrap();
    for name in ["photo.png", "photo.jpg", "flaky.png"] {
        assert!(
            article.contains(&format!("src=\"{name}\"")),
            "{name}: {article}"
        );
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(image::load_from_memory(&bytes).is_ok(), "{name}");
    }
    assert!(
        article.contains("src=\"photo.jpg\" data-w=\"1080\""),
        "{article}"
    );
    // The same URL twice is one file.
    assert_eq!(article.matches("src=\"photo.png\"").count(), 2, "{article}");
    for failed in ["fake.png", "missing.png", "slow.png", "huge.png"] {
        assert!(
            article.contains(&format!("src=\"{b}/{failed}\"")),
            "{article}"
        );
        assert!(!out.join(failed).exists(), "{failed}");
    }
    let cache = site.root().join(".wxpress/cache/remote");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 3);
    assert_eq!(first.images.fetched, 3);

    // Each fetched once; the 503 retried; a 404, a page or a timeout not retried.
    assert_eq!(server.hits("/photo.png"), 1);
    assert_eq!(server.hits("/photo.jpg"), 1);
    assert_eq!(server.hits("/flaky.png"), 2);
    assert_eq!(server.hits("/missing.png"), 1);
    assert_eq!(server.hits("/fake.png"), 1);
    assert_eq!(server.hits("/slow.png"), 1);

    // A rebuild fetches nothing that was fetched: the cache answers.
    let second = build_with(site.root(), fetching());
    assert_eq!(server.hits("/photo.png"), 1);
    assert_eq!(server.hits("/photo.jpg"), 1);
    assert_eq!(server.hits("/flaky.png"), 2);
    assert_eq!(second.images.fetched, 0);
    assert_eq!(second.images.processed, 0, "{:?}", second.images);
    assert_eq!(
        std::fs::read_to_string(out.join("article.html")).unwrap(),
        article
    );
}

#[test]
fn offline_fetches_nothing_and_leaves_remote_images_as_warnings() {
    let server = Server::start();
    let site = web_site(&server);
    let report = build_with(site.root(), Remote::Off);
    assert!(server.hits.lock().unwrap().is_empty());
    let warnings = remote_warnings(&report);
    assert_eq!(
        warnings.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        [6, 8, 10, 12, 14, 16, 18, 20]
    );
    assert!(warnings
        .iter()
        .all(|(_, m)| m.contains("is not on WeChat's CDN")));
    assert!(!site.root().join(".wxpress/cache/remote").exists());
    assert!(!site.root().join("public/web/photo.png").exists());

    // The command line's --offline is the same.
    let run = run_cmd({
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"));
        cmd.args(["build", "--offline", "--root"]).arg(site.root());
        cmd
    });
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(server.hits.lock().unwrap().is_empty());
}

#[test]
fn publish_uploads_a_remote_image_like_a_local_one() {
    let server = Server::start();
    let sb = sandbox();
    let site = site();
    site.write(
        POST,
        &format!(
            "+++\ntitle = \"网图\"\nsummary = \"网上的图片。\"\ncover = \"../hello-wxpress/cover.png\"\n+++\n\n![png]({}/photo.png)\n",
            server.base
        ),
    );
    publish(&site, &sb, &[POST, "--mode", "draft"]).ok();
    assert_eq!(server.hits("/photo.png"), 1);
    let st = state(&sb);
    let content = st["drafts"][0]["articles"][0]["content"].as_str().unwrap();
    assert!(
        content.contains("src=\"http://mmbiz.qpic.cn/sandbox/") && !content.contains("127.0.0.1"),
        "{content}"
    );
}

#[test]
fn publish_refuses_a_post_whose_remote_image_cannot_be_fetched() {
    let server = Server::start();
    let sb = sandbox();
    let site = site();
    site.write(
        POST,
        &format!(
            "+++\ntitle = \"网图\"\nsummary = \"网上的图片。\"\ncover = \"../hello-wxpress/cover.png\"\n+++\n\n正文。\n\n![没了]({}/missing.png)\n",
            server.base
        ),
    );
    let run = publish(&site, &sb, &[POST, "--mode", "draft"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("error[image-remote]")
            && run.stderr.contains("publish does not send this post"),
        "{}",
        run.stderr
    );
    assert_eq!(
        calls(&sb, "draft/add"),
        0,
        "nothing sent with a picture missing"
    );
}
