//! Measurement helper, not a pass/fail test: how much the checks cost next to
//! rendering, on a site named by WXPRESS_BENCH_SITE (e.g. a site from
//! benches/gen_site.py). Run it optimised:
//!
//!     WXPRESS_BENCH_SITE=target/bench-sites/site-10000 \
//!       cargo test --release --test check_speed -- --ignored --nocapture
//!
//! It prints CPU-independent totals for one thread: the time to render every post
//! and the time to check every post, and their ratio.

use std::time::{Duration, Instant};

#[test]
#[ignore]
fn checks_cost_next_to_rendering() {
    let Some(root) = std::env::var_os("WXPRESS_BENCH_SITE") else {
        eprintln!("set WXPRESS_BENCH_SITE to a site folder");
        return;
    };
    let root = std::path::PathBuf::from(root);
    let start = Instant::now();
    let site = wxpress::site::Site::load(&root).unwrap();
    let load_site = start.elapsed();
    let (posts, _) = wxpress::content::load_all(&root, &site.config);
    let (mut render, mut check) = (Duration::ZERO, Duration::ZERO);
    let mut findings = 0;
    for post in posts.iter().cloned() {
        let t = Instant::now();
        let rendered = site.render(post);
        render += t.elapsed();
        let t = Instant::now();
        findings +=
            wxpress::check::check_post(&site, &rendered.post, rendered.article.as_ref()).len();
        check += t.elapsed();
    }
    eprintln!(
        "{} posts: site load (incl. word lists) {load_site:?}, render {render:?}, check {check:?} ({:.1}% of render), {findings} findings",
        posts.len(),
        100.0 * check.as_secs_f64() / render.as_secs_f64()
    );
}
