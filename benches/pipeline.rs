//! Where a full build spends its time, stage by stage, on one site:
//!
//!     cargo bench --bench pipeline -- [SITE]      (default: target/bench-sites/site-1000)
//!
//! Loads and renders every post in one thread, timing each stage separately, so
//! the numbers are CPU time per stage, independent of how rayon splits the work.
//! Generate sites with `python3 benches/build_bench.py` or `benches/gen_site.py`.

/// The allocator the `wxpress` binary ships with (src/main.rs), so that the
/// numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::{Duration, Instant};
use wxpress::render::{highlight, markdown};

fn main() {
    let site_dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench-sites/site-1000"));
    let site = wxpress::site::Site::load(&site_dir).unwrap_or_else(|d| panic!("{d:#?}"));
    let files = wxpress::content::discover(&site_dir);
    let mut times = [Duration::ZERO; 6];
    let names = [
        "load (read + front matter)",
        "markdown → HTML",
        "  of which code highlighting",
        "full render (+ tera + CSS inlining)",
        "  of which CSS inlining",
        "check",
    ];
    let style = site.style();
    for path in &files {
        let t = Instant::now();
        let post = wxpress::content::load_post(&site_dir, &site.config, path).unwrap();
        times[0] += t.elapsed();

        let t = Instant::now();
        let body = markdown::render(post.body(), &mut |embed, _| markdown::ImageOut {
            src: embed.source().to_string(),
            width: None,
            figure: None,
        })
        .unwrap();
        times[1] += t.elapsed();

        for (code, lang) in code_blocks(post.body()) {
            let t = Instant::now();
            highlight::code_html(&mut String::new(), &code, &lang);
            times[2] += t.elapsed();
        }

        let t = Instant::now();
        site.render(post.clone());
        times[3] += t.elapsed();
        // The post as a build checks it: its cover through the image pipeline too.
        let rendered = site.compile(post);

        let t = Instant::now();
        site.theme
            .inliner
            .inline(&body.html, !body.raw_html)
            .unwrap();
        times[4] += t.elapsed();

        let t = Instant::now();
        wxpress::check::check_post(
            &site.checker,
            &style,
            &rendered.post,
            rendered.article.as_ref(),
        );
        times[5] += t.elapsed();
    }
    println!(
        "{} posts from {}, one thread:",
        files.len(),
        site_dir.display()
    );
    for (name, time) in names.iter().zip(times) {
        println!(
            "  {name:<38} {:>8.1} ms total {:>7.3} ms/post",
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() * 1e3 / files.len() as f64
        );
    }
}

fn code_blocks(md: &str) -> Vec<(String, String)> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                current = Some((String::new(), lang));
            }
            Event::Text(t) => {
                if let Some((code, _)) = &mut current {
                    code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}
