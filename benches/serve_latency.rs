//! Save-to-reload latency of `wxpress serve`: the time from a post file being saved
//! to the `reload` event naming that post arriving at an event-stream client (what
//! a browser tab receives), on a large site.
//!
//! ```text
//! cargo bench --bench serve_latency -- [SITE_DIR] [--posts N] [--samples N]
//! ```
//!
//! Without SITE_DIR a site of N posts (default 10,000) is generated in a temporary
//! folder, with `benches/gen_site.py` when it exists, else with a simple built-in
//! generator. Posts are saved in place and atomically (temp file + rename), half
//! each, and restored afterwards.
//!
//! Measured on the 10,000-post `gen_site.py` site (bench profile, 2 shared cores,
//! 40 saves, 2026-12-02): median 49.2 ms, p90 50.6 ms, max 51.0 ms from save to
//! the reload event; of that, 40 ms is the watcher's debounce and 2.4 ms the
//! rebuild of the one post (it was 26 ms while every save re-judged the calendar
//! of all 10,000 posts and asked each of them for slug conflicts: 71 ms in all).
//! The initial full render took 3.8 s.

/// The allocator the `wxpress` binary ships with (src/main.rs), so that the
/// numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wxpress::serve::{Limits, Options, Server};

struct Args {
    site: Option<PathBuf>,
    posts: usize,
    samples: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        site: None,
        posts: 10_000,
        samples: 40,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--posts" => args.posts = it.next().and_then(|n| n.parse().ok()).expect("--posts N"),
            "--samples" => {
                args.samples = it.next().and_then(|n| n.parse().ok()).expect("--samples N")
            }
            // cargo bench passes --bench to harness-less targets.
            "--bench" => {}
            other if !other.starts_with('-') => args.site = Some(PathBuf::from(other)),
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

fn main() {
    let args = parse_args();
    let _tmp;
    let root = match &args.site {
        Some(dir) => dir.clone(),
        None => {
            _tmp = tempfile::tempdir().unwrap();
            let dir = _tmp.path().join("site");
            let t = Instant::now();
            generate(&dir, args.posts);
            eprintln!("generated {} posts in {:?}", args.posts, t.elapsed());
            dir
        }
    };

    let t = Instant::now();
    let server = Server::start(&Options {
        root: root.clone(),
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        wip: true,
        limits: Limits::default(),
    })
    .expect("server starts");
    let startup = t.elapsed();
    let (posts, errors) = {
        let snap = server.state().read();
        (snap.entries.len(), snap.error_count())
    };
    println!("site: {} ({posts} posts, {errors} errors)", root.display());
    println!(
        "initial full render: {:.0} ms",
        startup.as_secs_f64() * 1000.0
    );

    let events = listen(&server);
    let mut rebuilds = server.state().subscribe();
    let files: Vec<(PathBuf, String)> = {
        let snap = server.state().read();
        let all: Vec<_> = snap.entries.values().filter(|e| !e.broken).collect();
        let step = (all.len() / args.samples.max(1)).max(1);
        all.iter()
            .step_by(step)
            .take(args.samples)
            .map(|e| (e.path.clone(), e.slug.clone()))
            .collect()
    };

    let mut in_place = Vec::new();
    let mut atomic = Vec::new();
    let mut server_side = Vec::new();
    let mut originals = Vec::new();
    for (i, (path, slug)) in files.iter().enumerate() {
        let original = std::fs::read_to_string(path).unwrap();
        let edited = format!("{original}\n\n延迟测试第 {i} 次。\n");
        let atomic_save = i % 2 == 1;
        // Drain anything left from the previous sample.
        while events.try_recv().is_ok() {}
        let t0 = Instant::now();
        if atomic_save {
            let tmp = path.with_extension("md.tmp");
            std::fs::write(&tmp, &edited).unwrap();
            std::fs::rename(&tmp, path).unwrap();
        } else {
            std::fs::write(path, &edited).unwrap();
        }
        let latency = loop {
            let (at, reload) = events
                .recv_timeout(Duration::from_secs(10))
                .expect("a reload within 10 s");
            if reload["slugs"]
                .as_array()
                .is_some_and(|s| s.iter().any(|x| x == slug.as_str()))
            {
                break at - t0;
            }
        };
        while let Ok(r) = rebuilds.try_recv() {
            server_side.push(r.elapsed);
        }
        if atomic_save {
            atomic.push(latency);
        } else {
            in_place.push(latency);
        }
        originals.push((path.clone(), original));
        std::thread::sleep(Duration::from_millis(120));
    }
    for (path, text) in originals {
        std::fs::write(path, text).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));

    let mut all: Vec<Duration> = in_place.iter().chain(&atomic).copied().collect();
    report("save → reload event, all saves", &mut all);
    report("  in-place writes", &mut in_place);
    report("  atomic saves (temp + rename)", &mut atomic);
    report("  server-side rebuild of one post", &mut server_side);
    println!(
        "  (includes the watcher's {} ms debounce)",
        wxpress::serve::watcher::DEBOUNCE.as_millis()
    );
}

fn report(label: &str, samples: &mut [Duration]) {
    if samples.is_empty() {
        return;
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label}: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms (n = {})",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

/// `reload` events as (arrival time, data), from a plain event-stream client.
fn listen(server: &Server) -> mpsc::Receiver<(Instant, serde_json::Value)> {
    let url = format!("http://{}/events", server.addr());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // No timeout: the stream stays open for the whole run.
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
            let at = Instant::now();
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if event == "reload" {
                    let value = serde_json::from_str(data).unwrap();
                    if tx.send((at, value)).is_err() {
                        return;
                    }
                }
            }
        }
    });
    // Wait for the connection, so the first save is not missed.
    std::thread::sleep(Duration::from_millis(300));
    rx
}

fn generate(dir: &Path, posts: usize) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_site.py");
    if script.is_file() {
        let status = std::process::Command::new("python3")
            .arg(&script)
            .arg(posts.to_string())
            .arg(dir)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "gen_site.py failed");
        return;
    }
    // A plain synthetic site: three columns, posts of about 2,000 characters.
    let columns = ["tech", "career", "life"];
    let mut config = String::from("[site]\nname = \"基准测试号\"\ntimezone = \"Asia/Shanghai\"\n");
    for c in columns {
        config.push_str(&format!("\n[[columns]]\nname = \"{c}\"\nslug = \"{c}\"\n"));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    for i in 0..posts {
        let column = columns[i % 3];
        let folder = dir.join("content").join(column);
        std::fs::create_dir_all(&folder).unwrap();
        let mut text = format!(
            "+++\ntitle = \"第 {i} 篇文章\"\nsummary = \"基准测试用的第 {i} 篇文章。\"\nschedule = \"2026-12-{:02}T20:30:00\"\n+++\n\n",
            i % 28 + 1
        );
        for s in 0..6 {
            text.push_str(&format!(
                "## 第 {s} 节\n\n这是第 {i} 篇文章的第 {s} 段，写一些关于 Rust 和 **写作** 的内容，再加一个[链接](https://example.com/{i}/{s})。句子要足够长，才能接近真实文章的长度。\n\n- 第一项\n- 第二项\n  - 嵌套的一项\n\n```rust\nfn main() {{ println!(\"{i}-{s}\"); }}\n```\n\n"
            ));
        }
        std::fs::write(folder.join(format!("post-{i:05}.md")), text).unwrap();
    }
}
