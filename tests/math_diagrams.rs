//! Formulas and diagrams end to end: `$…$`, `$$…$$`, ```` ```math ```` and
//! ```` ```mermaid ```` build into PNG pictures in `public/` (never raw TeX in the
//! article), a rebuild draws nothing again, what cannot be drawn is an error at its
//! line and column, and publish uploads the pictures like any other image.

mod publish_support;

use publish_support::*;
use std::path::Path;
use wxpress::build::{build, BuildOptions, BuildReport};
use wxpress::diagnostic::Diagnostic;

const POST: &str = "content/notes/math/index.md";

const BODY: &str = r"质能方程 $E = mc^2$ 写在正文里，分数 $\frac{a+b}{2}$ 也一样；再写一次 $E = mc^2$。

$$\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}$$

```math
f(x) = \sum_{n=0}^{\infty} \frac{f^{(n)}(a)}{n!} (x-a)^n
```

流程如下，花了 $5 和 $10：

```mermaid
flowchart LR
  A[写作] --> B{检查}
  B -->|通过| C[发布]
  B -->|有错| A
```
";

fn math_site(body: &str) -> Site {
    let site = site();
    site.write(
        POST,
        &format!(
            "+++\ntitle = \"公式与图\"\nsummary = \"公式和流程图在构建时画成图片。\"\ncover = \"../hello-wxpress/cover.png\"\n+++\n\n{body}"
        ),
    );
    site
}

fn try_build(root: &Path) -> Result<BuildReport, Vec<Diagnostic>> {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out: root.join("public"),
        wip: false,
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        remote_images: wxpress::images::Remote::Off,
    })
}

/// The article with every `alt="…"` emptied: what a reader sees as text.
fn without_alts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(" alt=\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 6..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn formulas_and_diagrams_become_pictures_and_a_rebuild_draws_nothing() {
    let site = math_site(BODY);
    let first = try_build(site.root()).unwrap_or_else(|d| panic!("{d:#?}"));
    // Three formulas in prose (one twice), one display, one block, one diagram.
    assert_eq!(
        (first.images.drawn, first.images.drawn_cached),
        (5, 1),
        "{:?}",
        first.images
    );
    let out = site.root().join("public/math");
    let article = std::fs::read_to_string(out.join("article.html")).unwrap();
    let text = without_alts(&article);
    for tex in ["\\frac", "mc^2", "$$", "flowchart", "-->"] {
        assert!(!text.contains(tex), "raw source `{tex}` in {article}");
    }
    assert!(text.contains("花了 $5 和 $10"), "money is text: {article}");
    let pictures: Vec<&str> = article
        .split("src=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(pictures.len(), 6, "{article}");
    assert_eq!(pictures[0], pictures[2], "the same formula is one file");
    assert!(pictures[..5].iter().all(|p| p.starts_with("math-")));
    assert!(pictures[5].starts_with("diagram-"));
    // Inline math sits on the baseline at the text's size.
    let inline = &article[article.find(pictures[1]).unwrap()..];
    let style = &inline[inline.find("style=\"").unwrap()..];
    let style = &style[..style.find('>').unwrap()];
    assert!(
        style.contains("display:inline")
            && style.contains("em;vertical-align:-")
            && style.contains("height:"),
        "{style}"
    );
    // Each is a PNG WeChat's upload takes, of the width data-w says.
    for name in &pictures {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() < 1_000_000,
            "{name}"
        );
        let width = image::load_from_memory(&bytes).unwrap().width();
        assert!(
            article.contains(&format!("src=\"{name}\" data-w=\"{width}\"")),
            "{name} {width}"
        );
    }
    let post = site.manifest_post("math");
    assert_eq!(post["outputs"]["images"].as_array().unwrap().len(), 5);
    assert!(post["length"]["chars"].as_u64().unwrap() < 6000, "{post}");

    // A rebuild finds every picture drawn: nothing is drawn again.
    let second = try_build(site.root()).unwrap();
    assert_eq!(
        (second.images.drawn, second.images.drawn_cached),
        (0, 6),
        "{:?}",
        second.images
    );
    assert_eq!(
        std::fs::read_to_string(out.join("article.html")).unwrap(),
        article
    );
    let cached = std::fs::read_dir(site.root().join(".wxpress/cache/figures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "png")
        .count();
    assert_eq!(cached, 5);
}

#[test]
fn what_cannot_be_drawn_is_an_error_at_its_position() {
    let body = "坏的 $\\frac{a}{$ 公式，未知命令 $\\foo x$，价格$5，运费$10。\n\n$$x^{2$$\n\n```mermaid\nflowchart LR\n  A --> B\n  subgraph S\n  C\n```\n";
    let site = math_site(body);
    let diags = try_build(site.root()).expect_err("bad formulas fail the build");
    let found: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.rule))
        .collect();
    // Body line 1 is the post's line 7.
    assert_eq!(
        found,
        [
            format!("{POST}:7:4 math"),
            format!("{POST}:7:24 math"),
            format!("{POST}:7:35 math"),
            format!("{POST}:9:1 math"),
            format!("{POST}:14:1 diagram"),
        ],
        "{diags:#?}"
    );
    let message = |rule: &str, n: usize| {
        let d = diags.iter().filter(|d| d.rule == rule).nth(n).unwrap();
        format!("{} / {}", d.message, d.suggestion.as_deref().unwrap_or(""))
    };
    assert!(message("math", 0).contains("never closed"), "{diags:#?}");
    assert!(message("math", 1).contains("unknown command: \\foo"));
    assert!(message("math", 2).contains("`5，运费`") && message("math", 2).contains("`\\$`"));
    assert!(message("diagram", 0).contains("unclosed subgraph"));
    // Nothing was written.
    assert!(!site.root().join("public/math").exists());
}

#[test]
fn publish_uploads_the_pictures_like_images() {
    let sb = sandbox();
    let site = math_site(BODY);
    publish(&site, &sb, &[POST, "--mode", "draft"]).ok();
    let st = state(&sb);
    assert_eq!(st["images"].as_array().unwrap().len(), 5, "{st}");
    let content = st["drafts"][0]["articles"][0]["content"].as_str().unwrap();
    assert_eq!(
        content
            .matches("src=\"http://mmbiz.qpic.cn/sandbox/")
            .count(),
        6,
        "{content}"
    );
    assert!(
        !content.contains("math-") && !content.contains("diagram-"),
        "{content}"
    );
}
