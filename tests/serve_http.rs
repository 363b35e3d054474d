//! The running server over plain HTTP: pages, exact article bytes, images, escaping,
//! path traversal, and the event stream.

mod serve_support;

use serve_support::*;
use std::io::BufRead;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn index_lists_posts_with_column_schedule_status_and_counts() {
    let dir = site();
    let server = start(dir.path(), false);
    let r = get(&server, "/");
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/html"));
    let html = r.text();
    for title in ["你好世界", "带图片的文章", "明年再说", "没有定时"] {
        assert!(html.contains(title), "{title} missing");
    }
    assert!(html.contains("技术笔记"), "column name shown");
    assert!(
        html.contains("2026-12-01 周二 20:30") && !html.contains("2026-12-01T20:30:00+08:00"),
        "a human date, not RFC 3339"
    );
    assert!(html.contains(r#"<span class="badge scheduled">scheduled</span>"#));
    assert!(html.contains(r#"<span class="badge unscheduled">unscheduled</span>"#));
    // Work in progress is left out (no --wip) and the page says how to see it.
    assert!(!html.contains("草稿一篇"));
    assert!(html.contains("1 work-in-progress post(s) hidden"));

    let with_drafts = start(dir.path(), true);
    let html = get(&with_drafts, "/").text();
    assert!(html.contains("草稿一篇"));
    assert!(html.contains(r#"<span class="badge wip">wip</span>"#));
}

#[test]
fn index_counts_errors_per_post() {
    let dir = site();
    write(
        dir.path(),
        "content/tech/broken-image.md",
        "+++\ntitle = \"坏图\"\n+++\n\n![a](nope.png)\n\n![b](nope2.png)\n",
    );
    let server = start(dir.path(), false);
    let html = get(&server, "/").text();
    let row = html
        .split("<tr")
        .find(|r| r.contains("坏图"))
        .expect("row for the broken post");
    assert!(row.contains(r#"<td class="num err">2</td>"#), "{row}");
    assert!(row.contains("broken"), "{row}");
}

#[test]
fn index_sorts_by_schedule_both_ways_unscheduled_last() {
    let dir = site();
    let server = start(dir.path(), false);
    let order = |query: &str| {
        let html = get(&server, &format!("/{query}")).text();
        let mut found: Vec<(usize, &str)> = ["带图片的文章", "你好世界", "明年再说", "没有定时"]
            .into_iter()
            .map(|t| (html.find(t).unwrap(), t))
            .collect();
        found.sort();
        found.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
    };
    assert_eq!(
        order("?sort=schedule"),
        ["带图片的文章", "你好世界", "明年再说", "没有定时"]
    );
    assert_eq!(
        order("?sort=-schedule"),
        ["明年再说", "你好世界", "带图片的文章", "没有定时"]
    );
}

#[test]
fn titles_and_summaries_are_escaped_everywhere() {
    let dir = site();
    let server = start(dir.path(), false);
    let index = get(&server, "/").text();
    assert!(!index.contains("<script>alert"), "index injects the title");
    assert!(index.contains("&lt;script&gt;alert("));

    let page = get(&server, "/post/xss/").text();
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<img src=x"));
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "summary in the card"
    );

    let live: serde_json::Value =
        serde_json::from_str(&get(&server, "/post/xss/live.json").text()).unwrap();
    for key in ["card", "head", "panel"] {
        let html = live[key].as_str().unwrap();
        assert!(!html.contains("<script>alert"), "{key}: {html}");
        assert!(!html.contains("<img src=x"), "{key}: {html}");
    }
    let frame = get(&server, "/post/xss/frame").text();
    assert!(!frame.contains("<script>alert"));
}

#[test]
fn article_bytes_match_wxpress_build() {
    let dir = site();
    let server = start(dir.path(), false);
    let out = tempfile::tempdir().unwrap();
    wxpress::build::build(&wxpress::build::BuildOptions {
        root: dir.path().to_path_buf(),
        out: out.path().join("public"),
        wip: false,
        now: jiff::Timestamp::now(),
        remote_images: wxpress::images::Remote::Off,
    })
    .expect("fixture builds");
    for slug in ["hello", "with-image", "later"] {
        let built = std::fs::read(out.path().join(format!("public/{slug}/article.html"))).unwrap();
        let served = get(&server, &format!("/post/{slug}/article.html"));
        assert_eq!(served.status, 200);
        assert_eq!(served.body, built, "{slug}");
        // The frame and the live fragments carry the same bytes.
        let live: serde_json::Value =
            serde_json::from_str(&get(&server, &format!("/post/{slug}/live.json")).text()).unwrap();
        assert_eq!(live["article"].as_str().unwrap().as_bytes(), &built[..]);
        let frame = get(&server, &format!("/post/{slug}/frame")).text();
        assert!(frame.contains(std::str::from_utf8(&built).unwrap()));
    }
}

#[test]
fn post_page_has_phone_frame_card_and_diagnostics() {
    let dir = site();
    write(
        dir.path(),
        "content/tech/warned.md",
        "+++\ntitle = \"有警告\"\nsummary = \"摘要\"\n+++\n\n![远程](https://example.com/a.png)\n",
    );
    let server = start(dir.path(), false);
    let page = get(&server, "/post/with-image/").text();
    assert!(page.contains(r#"data-width="375""#));
    assert!(page.contains(r#"data-width="677""#));
    // Paths in attributes are HTML-escaped (`/` as `&#x2F;`), which browsers undo.
    assert!(
        page.contains(r#"<iframe id="wx-frame" src="&#x2F;post&#x2F;with-image&#x2F;frame""#),
        "{page}"
    );
    assert!(page.contains("Copy for WeChat"));
    // Both shapes of the chat list, drawn from the crops publish sends.
    assert!(
        page.contains(r#"background-image: url('&#x2F;post&#x2F;with-image&#x2F;cover.png'); background-size: "#),
        "{page}"
    );
    assert!(page
        .contains(r#"class="card-cover" role="img" aria-label="cover, 2.35:1 crop" data-crop="0"#));
    assert!(
        page.contains(r#"class="card-thumb" role="img" aria-label="cover, 1:1 crop" data-crop="0"#)
    );
    assert!(
        !page.contains(r#"data-crop="""#),
        "every crop is known: {page}"
    );
    assert!(page.contains("有一张图"), "summary in the card");

    // The column's default cover is used when a post sets none.
    let later = get(&server, "/post/later/").text();
    assert!(
        later.contains("&#x2F;post&#x2F;later&#x2F;cover.png"),
        "column cover"
    );
    assert_eq!(get(&server, "/post/later/cover.png").body, PNG);

    let warned = get(&server, "/post/warned/").text();
    assert!(warned.contains("image-remote"), "{warned}");
    assert!(
        warned.contains("line 6:1"),
        "diagnostic line number: {warned}"
    );

    assert_eq!(
        get(&server, "/post/hello").status,
        200,
        "redirected to /post/hello/"
    );
    assert_eq!(get(&server, "/post/no-such-post/").status, 404);
    let draft = get(&server, "/post/secret-draft/");
    assert_eq!(draft.status, 404);
    assert!(draft.text().contains("--wip"));
}

#[test]
fn images_and_covers_are_served_from_the_site() {
    let dir = site();
    let server = start(dir.path(), false);
    let image = get(&server, "/post/with-image/pic.png");
    assert_eq!(image.status, 200);
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.body, PNG);
    let cover = get(&server, "/post/with-image/cover.png");
    assert_eq!(cover.status, 200);
    assert_eq!(cover.body, PNG);
    // Files in the post's folder that the post does not reference are not served.
    assert_eq!(get(&server, "/post/with-image/index.md").status, 404);
    assert_eq!(get(&server, "/post/hello/pic.png").status, 404);
}

#[test]
fn path_traversal_gets_404() {
    let dir = site();
    let server = start(dir.path(), false);
    let secret = "timezone = \"Asia/Shanghai\"";
    for target in [
        "/post/with-image/../../config.toml",
        "/post/with-image/..%2f..%2fconfig.toml",
        "/post/with-image/%2e%2e%2f%2e%2e%2fconfig.toml",
        "/post/%2e%2e/%2e%2e/config.toml",
        "/post/%2e%2e/config.toml",
        "/post/with-image/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/post/with-image/%2Fetc%2Fpasswd",
        "/post/with-image//etc/passwd",
        "/post/with-image/images%2fpic.png",
        "/post/with-image/..\\..\\config.toml",
        "/../config.toml",
        "/%2e%2e/config.toml",
        "//etc/passwd",
        "/config.toml",
        "/content/tech/hello.md",
        "/static/covers/life.png",
        "/_wxpress/../config.toml",
        "/_wxpress/%2e%2e/config.toml",
        "/post/with-image/C:%5cWindows%5cwin.ini",
    ] {
        let (status, response) = raw_get(server.addr(), target);
        assert_eq!(status, 404, "{target}: {response}");
        assert!(!response.contains(secret), "{target} leaked config.toml");
        assert!(!response.contains("root:"), "{target} leaked /etc/passwd");
    }
}

#[cfg(unix)]
#[test]
fn symlinked_image_outside_the_site_is_not_served() {
    let dir = site();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.png", PNG);
    std::os::unix::fs::symlink(
        outside.path().join("secret.png"),
        dir.path().join("content/tech/with-image/images/linked.png"),
    )
    .unwrap();
    write(
        dir.path(),
        "content/tech/with-image/index.md",
        "+++\ntitle = \"链接\"\n+++\n\n![x](images/linked.png)\n",
    );
    let server = start(dir.path(), false);
    // The renderer refuses it at the source (so the article never names it), and
    // the server's own check on the real path refuses it too.
    let article = get(&server, "/post/with-image/article.html").text();
    assert!(!article.contains(r#"src="linked.png""#), "{article}");
    let diagnostics = get(&server, "/post/with-image/live.json").text();
    assert!(
        diagnostics.contains("is a symlink to a file outside the site"),
        "{diagnostics}"
    );
    assert_eq!(get(&server, "/post/with-image/linked.png").status, 404);
}

#[test]
fn broken_front_matter_shows_in_the_overlay_fragment() {
    let dir = site();
    let server = start(dir.path(), false);
    write(
        dir.path(),
        "content/tech/hello.md",
        "+++\ntitle = \"你好\"\nschedule = \"下周一\"\n+++\n\n正文\n",
    );
    assert!(wait_until(Duration::from_secs(10), || {
        get(&server, "/post/hello/live.json")
            .text()
            .contains("下周一")
    }));
    let live: serde_json::Value =
        serde_json::from_str(&get(&server, "/post/hello/live.json").text()).unwrap();
    let overlay = live["overlay"].as_str().unwrap();
    assert!(
        overlay.contains("content&#x2F;tech&#x2F;hello.md:3:12"),
        "{overlay}"
    );
    assert!(overlay.contains("is not a valid date"), "{overlay}");
    // The last good article is still there under it.
    assert!(live["article"].as_str().unwrap().contains("第一段文字"));
}

/// Reads `reload` events from /events on a thread.
fn listen(server: &wxpress::serve::Server) -> mpsc::Receiver<serde_json::Value> {
    let url = format!("http://{}/events", server.addr());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // No timeout: the stream stays open for the whole test.
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(None)
            .build()
            .expect("HTTP client");
        let res = client.get(&url).send().expect("event stream");
        let reader = std::io::BufReader::new(res);
        let mut event = String::new();
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                let value: serde_json::Value = serde_json::from_str(data).unwrap();
                if tx
                    .send(serde_json::json!({ "event": event, "data": value }))
                    .is_err()
                {
                    return;
                }
            }
        }
    });
    rx
}

#[test]
fn event_stream_says_hello_then_names_the_changed_post() {
    let dir = site();
    let server = start(dir.path(), false);
    let events = listen(&server);
    let hello = events.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(hello["event"], "hello");
    let generation = hello["data"]["generation"].as_u64().unwrap();

    atomic_save(
        dir.path(),
        "content/life/later.md",
        "+++\ntitle = \"改了\"\n+++\n\n新\n",
    );
    let reload = events.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(reload["event"], "reload");
    assert_eq!(reload["data"]["full"], false);
    assert_eq!(reload["data"]["slugs"], serde_json::json!(["later"]));
    assert!(reload["data"]["generation"].as_u64().unwrap() > generation);

    write(
        dir.path(),
        "config.toml",
        CONFIG.replace("测试号", "改名号"),
    );
    let reload = events.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(reload["data"]["full"], true);
    assert!(get(&server, "/").text().contains("改名号"));
}

#[test]
fn preview_assets_are_served() {
    let dir = site();
    let server = start(dir.path(), false);
    let js = get(&server, "/_wxpress/preview.js");
    assert_eq!(js.status, 200);
    assert!(js.content_type.starts_with("text/javascript"));
    assert!(js.text().contains("EventSource"));
    assert_eq!(get(&server, "/_wxpress/preview.css").status, 200);
}

#[test]
fn a_site_that_does_not_load_is_still_served_with_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config.toml",
        "[site]\nname = \"x\"\nthem = \"default\"\n",
    );
    let server = start(dir.path(), false);
    let r = get(&server, "/");
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("The site does not load"), "{html}");
    assert!(html.contains("config.toml:3:1"), "{html}");
    // Fixing config.toml brings the site up without a restart.
    write(dir.path(), "config.toml", CONFIG);
    write(
        dir.path(),
        "content/tech/a.md",
        "+++\ntitle = \"好了\"\n+++\n\n正文\n",
    );
    assert!(wait_until(Duration::from_secs(10), || get(&server, "/")
        .text()
        .contains("好了")));
    assert!(!get(&server, "/").text().contains("The site does not load"));
}

#[test]
fn calendar_problems_show_on_the_post_they_concern() {
    let dir = site();
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    let config = config.replacen("[site]", "[wechat]\nmode = \"broadcast\"\n\n[site]", 1);
    write(dir.path(), "config.toml", config);
    for (slug, at) in [("first-push", "12:00"), ("second-push", "20:30")] {
        write(
            dir.path(),
            &format!("content/tech/{slug}.md"),
            format!("+++\ntitle = \"{slug}\"\nschedule = \"2099-06-01T{at}:00\"\n+++\n正文。\n"),
        );
    }
    let server = start(dir.path(), false);
    let second = get(&server, "/post/second-push/").text();
    assert!(
        second.contains("schedule-quota"),
        "one broadcast a day: the second push is over quota"
    );
    let first = get(&server, "/post/first-push/").text();
    assert!(!first.contains("schedule-quota"));
}

#[test]
fn calendar_shows_the_month_with_status_quota_and_links() {
    let dir = site();
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    let config = config.replacen("[site]", "[wechat]\nmode = \"broadcast\"\n\n[site]", 1);
    write(dir.path(), "config.toml", config);
    for (slug, at) in [
        ("first-push", "2099-06-01T12:00"),
        ("second-push", "2099-06-01T20:30"),
        ("long-ago", "2020-01-15T12:00"),
    ] {
        write(
            dir.path(),
            &format!("content/tech/{slug}.md"),
            format!("+++\ntitle = \"{slug}\"\nschedule = \"{at}:00\"\n+++\n正文。\n"),
        );
    }
    write(
        dir.path(),
        "content/tech/escaped.md",
        "+++\ntitle = \"<script>alert(1)</script>\"\nschedule = \"2099-06-03T12:00:00\"\n+++\n正文。\n",
    );
    let server = start(dir.path(), false);
    let r = get(&server, "/calendar?month=2099-06");
    assert_eq!(r.status, 200);
    let html = r.text();
    let day = html
        .split(r#"data-date="2099-06-01""#)
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .unwrap_or_else(|| panic!("no cell for 2099-06-01: {html}"));
    assert_eq!(day.matches(r#"class="push upcoming""#).count(), 2, "{day}");
    assert!(
        day.contains(r#"<a href="/post/first-push/">first-push</a>"#),
        "{day}"
    );
    // One broadcast a day on a subscription account: the second is over quota.
    assert!(
        day.contains("群发 1/1 (2099-06-01)") && day.contains("群发 2/1 (2099-06-01)"),
        "{day}"
    );
    assert_eq!(day.matches("over quota").count(), 1, "{day}");
    assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)"));
    // June 2099 starts on a Monday; the grid has the month's neighbours as links.
    assert!(html.contains(r#"href="/calendar?month=2099-05""#));
    assert!(html.contains(r#"href="/calendar?month=2099-07""#));

    let past = get(&server, "/calendar?month=2020-01").text();
    assert!(
        past.contains(r#"class="push missed""#),
        "never sent, long past: missed"
    );
    assert!(past.contains("missed 1"));

    // This month by default, with today marked.
    let now = get(&server, "/calendar").text();
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .to_string();
    assert!(
        now.contains(&format!(r#"class=" today" data-date="{today}""#)),
        "{today}"
    );

    let bad = get(&server, "/calendar?month=六月");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("is not a month: write it as 2026-12"));
    assert!(
        get(&server, "/").text().contains(r#"href="/calendar""#),
        "linked from the index"
    );
}

/// A GET with the `Host` header as given, as a browser sends after DNS rebinding.
fn get_with_host(server: &wxpress::serve::Server, host: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn a_host_name_other_than_localhost_is_refused_against_dns_rebinding() {
    let dir = site();
    let server = start(dir.path(), true);
    let port = server.addr().port();
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let response = get_with_host(&server, &host, "/post/hello/article.html");
        assert!(response.starts_with("HTTP/1.1 403"), "{host}: {response}");
        assert!(!response.contains("你好"), "{host}: no article leaks");
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "LOCALHOST".to_string(),
    ] {
        let response = get_with_host(&server, &host, "/");
        assert!(response.starts_with("HTTP/1.1 200"), "{host}: {response}");
    }
}

#[test]
fn no_script_of_the_article_can_run_in_the_preview() {
    let dir = site();
    let server = start(dir.path(), false);
    for path in ["/post/hello/article.html", "/post/hello/frame"] {
        let response = get_with_host(&server, "localhost", path);
        let csp = response
            .lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with("content-security-policy:")
            })
            .unwrap_or_else(|| panic!("{path}: no CSP: {response}"));
        assert!(csp.contains("script-src 'none'"), "{path}: {csp}");
    }
    let page = get(&server, "/post/hello/").text();
    assert!(
        page.contains(r#"frame" sandbox="allow-same-origin" title="#),
        "the frame runs no scripts: {page}"
    );
}

/// Short limits for the connection tests. The timeout must pass on a loaded 2-core
/// machine well before the 10 s bounds below.
fn limits(header_timeout: Duration, max_connections: usize) -> wxpress::serve::Limits {
    wxpress::serve::Limits {
        header_timeout,
        max_connections,
    }
}

/// Reads (and drops) whatever the server sends until it closes the connection;
/// returns how long that took, or `None` if it was still open after `bound`.
fn closed_within(stream: &mut std::net::TcpStream, bound: Duration) -> Option<Duration> {
    use std::io::{ErrorKind, Read};
    let start = std::time::Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        let left = bound.checked_sub(start.elapsed())?;
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Some(start.elapsed()),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return None
            }
            Err(e) => panic!("read: {e}"),
        }
    }
}

/// Sends a complete keep-alive GET and reads exactly its response (by its
/// Content-Length), leaving the connection open; returns the status line.
fn keep_alive_get(stream: &mut std::net::TcpStream, path: &str) -> String {
    use std::io::{BufReader, Read, Write};
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(&*stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).unwrap();
    assert!(reader.buffer().is_empty(), "one response, nothing more");
    status.trim_end().to_string()
}

/// Half a request head, never finished.
fn partial_head(server: &wxpress::serve::Server) -> std::net::TcpStream {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    stream
}

#[test]
fn a_half_sent_request_head_is_disconnected_after_the_header_timeout() {
    let dir = site();
    let timeout = Duration::from_secs(1);
    let server = start_with(dir.path(), false, limits(timeout, 256));
    let start = std::time::Instant::now();
    let mut stream = partial_head(&server);
    let closed = closed_within(&mut stream, Duration::from_secs(10))
        .expect("the server closes a connection whose request head never completes");
    // The timer starts at the accept, after `start`: an earlier close is a bug.
    let elapsed = start.elapsed();
    assert!(
        elapsed >= timeout - Duration::from_millis(50),
        "closed after {closed:?}, before the {timeout:?} timeout"
    );
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    let dir = site();
    let timeout = Duration::from_secs(1);
    let server = start_with(dir.path(), false, limits(timeout, 256));
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    // Two requests on one connection: it is kept alive between requests.
    assert_eq!(keep_alive_get(&mut stream, "/"), "HTTP/1.1 200 OK");
    assert_eq!(
        keep_alive_get(&mut stream, "/_wxpress/preview.css"),
        "HTTP/1.1 200 OK"
    );
    let idle = closed_within(&mut stream, Duration::from_secs(10))
        .expect("the server closes a keep-alive connection that sends nothing more");
    // The server's clock starts when the response is sent, a moment before it was
    // read here: allow for that, not for a close right after the response.
    assert!(idle >= timeout / 2, "closed after {idle:?} idle");
}

#[test]
fn idle_and_half_sent_connections_at_the_cap_only_delay_a_new_request() {
    let dir = site();
    let timeout = Duration::from_secs(2);
    let server = start_with(dir.path(), false, limits(timeout, 4));
    // Four connections take the four slots: two idle after a request, two with
    // half a request head (the kernel queues connections in order, so these are
    // accepted before the fifth).
    let mut idle: Vec<_> = (0..2)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
            assert_eq!(keep_alive_get(&mut stream, "/"), "HTTP/1.1 200 OK");
            stream
        })
        .collect();
    let mut partial = [partial_head(&server), partial_head(&server)];

    // The fifth waits in the listen backlog until a slot frees, then is served.
    let start = std::time::Instant::now();
    let (status, _) = raw_get(server.addr(), "/");
    let waited = start.elapsed();
    assert_eq!(status, 200);
    assert!(
        waited >= timeout / 2,
        "served after {waited:?}: the four connections did not hold the cap"
    );
    assert!(waited < Duration::from_secs(10), "served after {waited:?}");
    for stream in idle.iter_mut().chain(partial.iter_mut()) {
        assert!(
            closed_within(stream, Duration::from_secs(10)).is_some(),
            "each holder is closed after the timeout"
        );
    }
    // With the slots free again, requests are served at once.
    let start = std::time::Instant::now();
    assert_eq!(get(&server, "/").status, 200);
    assert!(start.elapsed() < timeout, "{:?}", start.elapsed());
}

#[test]
fn the_event_stream_outlives_the_idle_timeout_and_still_reloads() {
    let dir = site();
    let timeout = Duration::from_secs(1);
    let server = start_with(dir.path(), false, limits(timeout, 256));
    let events = listen(&server);
    let hello = events.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(hello["event"], "hello");
    // No event flows for more than twice the timeout (the keep-alive comment comes
    // every 15 s): a response in progress is not idle.
    std::thread::sleep(timeout * 3);
    atomic_save(
        dir.path(),
        "content/life/later.md",
        "+++\ntitle = \"改了\"\n+++\n\n新\n",
    );
    let reload = events
        .recv_timeout(Duration::from_secs(10))
        .expect("the event stream is still open");
    assert_eq!(reload["event"], "reload");
    assert_eq!(reload["data"]["slugs"], serde_json::json!(["later"]));
}

/// One statistics day of an article published outside this site's ledger.
fn snapshot(msgid: &str, title: &str, stat_date: &str, reads: u64) -> String {
    serde_json::json!({
        "msgid": msgid, "title": title, "ref_date": "2026-12-01", "stat_date": stat_date,
        "publish_type": 1, "read_user": reads, "share_user": 1, "add_to_fav_user": 0,
    })
    .to_string()
}

#[test]
fn the_stats_page_shows_the_kept_snapshots_or_how_to_get_some() {
    let dir = site();
    let server = start(dir.path(), false);
    assert!(
        get(&server, "/")
            .text()
            .contains(r#"<a class="nav" href="/stats">"#),
        "the index links to it"
    );

    // No snapshots yet: the page says how to get them.
    let empty = get(&server, "/stats");
    assert_eq!(empty.status, 200);
    let html = empty.text();
    assert!(html.contains("No statistics yet") && html.contains("wxpress stats --fetch"));
    assert!(!html.contains("<svg"), "{html}");

    // Snapshots appear on the next request: the page reads the files each time.
    let lines: Vec<String> = (1..=7)
        .map(|d| {
            snapshot(
                "2247483904_1",
                "外面的文章",
                &format!("2026-12-{d:02}"),
                10 * d,
            )
        })
        .chain([snapshot(
            "2247483905_1",
            "<script>alert('s')</script>",
            "2026-12-01",
            3,
        )])
        .collect();
    write(
        dir.path(),
        ".wxpress/stats/2026-12.jsonl",
        lines.join("\n") + "\n",
    );
    let html = get(&server, "/stats").text();
    assert!(html.contains("2 article(s)") && html.contains("numbers up to 2026-12-07"));
    assert_eq!(
        html.matches("<figure").count(),
        2,
        "lines and columns: {html}"
    );
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("外面的文章"));
    assert!(
        !html.contains("<script>alert"),
        "titles are escaped: {html}"
    );
    assert!(html.contains("&lt;script&gt;alert("));

    // The same rules as every page: a rebound name is refused, nothing runs.
    let port = server.addr().port();
    assert!(
        get_with_host(&server, &format!("evil.example:{port}"), "/stats")
            .starts_with("HTTP/1.1 403")
    );
    let response = get_with_host(&server, "localhost", "/stats");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let csp = response
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("content-security-policy:")
        })
        .unwrap_or_else(|| panic!("no CSP: {response}"));
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'none'"),
        "{csp}"
    );

    // A broken snapshot file is named, not a blank page.
    write(dir.path(), ".wxpress/stats/2026-11.jsonl", "nope\n");
    let html = get(&server, "/stats").text();
    assert!(
        html.contains("2026-11.jsonl:1: not a stats snapshot"),
        "{html}"
    );
}
