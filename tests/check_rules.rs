//! One test per rule outside the corpora: front matter, lengths, covers, images,
//! site word lists and known identifiers. Positions are asserted exactly.

mod check_support;
use check_support::*;

fn only<'a>(
    diags: &'a [wxpress::diagnostic::Diagnostic],
    rule: &str,
) -> Vec<&'a wxpress::diagnostic::Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

#[test]
fn title_api_limit_and_width() {
    let site = TestSite::new("");
    // The draft API's limit is 32 characters (wechat::limits::TITLE_MAX_CHARS).
    let long = "长".repeat(33);
    site.post(
        "a.md",
        &format!(
            "+++\ntitle = \"{long}\"\nsummary = \"摘要\"\ncover = \"cover.png\"\n+++\n正文。\n"
        ),
    );
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &["title-api-limit", "title-length"]),
        ["2:9 title-api-limit", "2:9 title-length"]
    );
    assert!(
        only(&d, "title-api-limit")[0]
            .message
            .contains("33 characters; the draft API refuses titles over 32"),
        "{d:#?}"
    );
    assert!(
        only(&d, "title-length")[0].message.contains("33 wide"),
        "{d:#?}"
    );

    // 12.5 wide: within the default 14.
    site.post("b.md", "+++\ntitle = \"Rust 入门指南：从零开始学\"\nsummary = \"摘要\"\ncover = \"cover.png\"\n+++\n正文。\n");
    assert!(site.check("b.md").is_empty());
}

#[test]
fn summary_missing_long_and_over_the_api_limit() {
    let site = TestSite::new("[check]\nsummary_max = 10\n");
    site.post(
        "none.md",
        "+++\ntitle = \"标题\"\ncover = \"cover.png\"\n+++\n正文。\n",
    );
    let d = site.check("none.md");
    assert_eq!(positions(&d, &[]), ["2:1 summary-length"]);
    assert!(d[0].message.contains("54 characters"));

    site.post(
        "long.md",
        &format!(
            "+++\ntitle = \"标题\"\nsummary = \"{}\"\ncover = \"cover.png\"\n+++\n正文。\n",
            "字".repeat(11)
        ),
    );
    let d = site.check("long.md");
    assert_eq!(positions(&d, &[]), ["3:11 summary-length"]);
    assert!(!d[0].is_error());

    site.post(
        "api.md",
        &format!(
            "+++\ntitle = \"标题\"\nsummary = \"{}\"\ncover = \"cover.png\"\n+++\n正文。\n",
            "字".repeat(129)
        ),
    );
    let d = site.check("api.md");
    assert_eq!(positions(&d, &[]), ["3:11 summary-length"]);
    assert!(
        d[0].is_error()
            && d[0]
                .message
                .contains("129 characters; the draft API refuses more than 128"),
        "{d:#?}"
    );
}

#[test]
fn body_length_gives_reading_time() {
    let site = TestSite::new("[check]\nbody_max = 100\n");
    site.post("a.md", &post_with_body(&"这是一段很长的文字。".repeat(50)));
    let d = site.check("a.md");
    assert_eq!(positions(&d, &[]), ["7:1 body-length"]);
    assert!(
        d[0].message.contains("500 characters") && d[0].message.contains("2 minutes"),
        "{}",
        d[0].message
    );
}

#[test]
fn content_size_counts_the_rendered_html() {
    let site = TestSite::new("");
    let body = "| 甲 | 乙 |\n| --- | --- |\n".to_string() + &"| 一 | 二 |\n".repeat(400);
    site.post("a.md", &post_with_body(&body));
    let d = site.check("a.md");
    let size = only(&d, "content-size");
    assert_eq!(size.len(), 1, "{d:#?}");
    assert_eq!((size[0].line, size[0].column), (1, 1));
    assert!(
        size[0].message.contains("20000 characters"),
        "{}",
        size[0].message
    );
    // The help says how much text fits at this post's weight and what weighs most.
    let help = size[0].suggestion.as_deref().unwrap_or_default();
    assert!(
        help.contains("characters of HTML per visible character")
            && help.contains("split the post into 5 or more")
            && help.contains("inline styles"),
        "{help}"
    );
}

#[test]
fn covers_missing_wrong_shape_or_format() {
    let site = TestSite::new("");
    site.post(
        "none.md",
        "+++\ntitle = \"标题\"\nsummary = \"摘要\"\n+++\n正文。\n",
    );
    assert_eq!(
        positions(&site.check("none.md"), &[]),
        ["1:1 cover-missing"]
    );

    site.post(
        "gone.md",
        "+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"nope.jpg\"\n+++\n正文。\n",
    );
    let d = site.check("gone.md");
    assert_eq!(positions(&d, &[]), ["4:9 cover-missing"]);
    assert!(
        d[0].message.contains("content/notes/nope.jpg"),
        "{}",
        d[0].message
    );

    site.png("content/notes/square.png", 500, 500);
    site.post(
        "square.md",
        "+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"square.png\"\n+++\n正文。\n",
    );
    let d = site.check("square.md");
    assert_eq!(positions(&d, &[]), ["4:9 cover-image"]);
    assert!(d[0].message.contains("500×500"));
    // A square cover is right for a secondary article.
    site.post("second.md", "+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"square.png\"\nposition = 2\n+++\n正文。\n");
    assert!(site.check("second.md").is_empty());

    // A GIF cover goes through the image pipeline: a PNG is what is checked and sent.
    let mut gif = Vec::new();
    image::RgbImage::from_pixel(940, 400, image::Rgb([30, 120, 200]))
        .write_to(&mut std::io::Cursor::new(&mut gif), image::ImageFormat::Gif)
        .unwrap();
    std::fs::write(site.root().join("content/notes/c.gif"), gif).unwrap();
    site.post(
        "gif.md",
        "+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"c.gif\"\n+++\n正文。\n",
    );
    let d = site.check("gif.md");
    assert_eq!(positions(&d, &[]), ["4:9 image-converted"], "{d:#?}");
    assert!(
        d[0].message.starts_with("cover `c.gif`: "),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains(" GIF → ") && d[0].message.contains(" PNG, 940 px"),
        "{}",
        d[0].message
    );

    // Not an image at all: still the writer's file, which the cover rules judge.
    site.post("text.jpg", "not a jpeg");
    site.post(
        "text.md",
        "+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"text.jpg\"\n+++\n正文。\n",
    );
    let d = site.check("text.md");
    assert_eq!(positions(&d, &[]), ["4:9 cover-missing"], "{d:#?}");
    assert!(
        d[0].message.contains("not a readable jpg or png"),
        "{}",
        d[0].message
    );
}

#[test]
fn body_images_are_converted_and_only_unreadable_or_missing_ones_are_errors() {
    let site = TestSite::new("");
    // Over 1 MB (padding after the PNG's end): converted, with a note.
    site.png_sized("content/notes/big.png", 800, 600, 1024 * 1024 + 1);
    // A PNG named .gif: read for what it is.
    site.png("content/notes/anim.gif", 10, 10);
    site.post("broken.png", "not a png");
    site.post(
        "a.md",
        &post_with_body("图一：![大图](big.png)\n\n![动图](anim.gif)\n"),
    );
    let d = site.check("a.md");
    assert_eq!(positions(&d, &[]), ["7:4 image-converted"], "{d:#?}");
    assert_eq!(d[0].severity, wxpress::diagnostic::Severity::Info);
    assert!(
        d[0].message.starts_with("image `big.png`: 1.0 MB PNG → "),
        "{d:#?}"
    );

    site.post(
        "b.md",
        &post_with_body("![没有](missing.png)\n\n![坏图](broken.png)\n"),
    );
    let d = site.check("b.md");
    assert_eq!(
        positions(&d, &[]),
        ["7:1 image-missing", "9:1 image-too-large"],
        "{d:#?}"
    );
    assert!(
        d[1].message
            .contains("cannot use image `broken.png`: it is not an image wxpress can read"),
        "{d:#?}"
    );
}

#[test]
fn sensitive_words_come_from_site_files() {
    let site = TestSite::new("[check.words]\nsensitive_files = [\"words/s.txt\"]\n");
    std::fs::create_dir_all(site.root().join("words")).unwrap();
    std::fs::write(site.root().join("words/s.txt"), "# 注释\n代开发票\n").unwrap();
    site.post("a.md", &post_with_body("可以代开发票。\n"));
    let d = site.check("a.md");
    assert_eq!(positions(&d, &[]), ["7:3 sensitive-word"]);
    assert!(d[0].is_error() && d[0].message.contains("words/s.txt"));

    let broken = TestSite::new("[check.words]\nsensitive_files = [\"words/none.txt\"]\n");
    let errors = wxpress::site::Site::load(broken.root()).err().unwrap();
    assert!(
        errors[0]
            .message
            .contains("cannot read sensitive-word file `words/none.txt`"),
        "{errors:?}"
    );
}

#[test]
fn site_banned_allow_and_typos() {
    let site = TestSite::new(
        "[check.words]\nbanned = [\"包邮\"]\nallow = [\"最佳男主角\"]\n[check.typos]\n\"微信公重号\" = \"微信公众号\"\ncolour = \"color\"\n",
    );
    site.post(
        "a.md",
        &post_with_body("全场包邮。他获得最佳男主角。关注微信公重号，the colour is red.\n"),
    );
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &[]),
        ["7:3 banned-ad", "7:17 typo", "7:27 typo"],
        "{d:#?}"
    );
    assert!(d[0].message.contains("this site's banned list"));
    assert_eq!(d[1].suggestion.as_deref(), Some("write `微信公众号`"));
}

#[test]
fn known_identifiers_spelled_wrong() {
    let site = TestSite::new("[check]\nknown = [\"hello@wxpress.dev\", \"https://wxpress.dev\"]\n");
    site.post(
        "a.md",
        &post_with_body("来信请寄 helo@wxpress.dev，官网是 https://wxpress.dev 。\n\n见 [官网](https://wxpres.dev/blog)。\n"),
    );
    let d = site.check("a.md");
    assert_eq!(positions(&d, &["typo"]), ["7:6 typo", "9:8 typo"], "{d:#?}");
    assert!(d[0]
        .message
        .contains("`helo@wxpress.dev` looks like a mis-spelling of `hello@wxpress.dev`"));
}

#[test]
fn clickbait_only_in_titles() {
    let site = TestSite::new("");
    site.post("a.md", "+++\ntitle = \"刚刚，重磅发布\"\nsummary = \"摘要\"\ncover = \"cover.png\"\n+++\n我刚刚到家。\n");
    assert_eq!(
        positions(&site.check("a.md"), &[]),
        ["2:10 clickbait-title", "2:13 clickbait-title"]
    );
}

#[test]
fn unknown_rule_ids_are_errors_with_did_you_mean() {
    // In config.toml.
    let bad = TestSite::new("[check.rules]\ntypos = \"off\"\n");
    let errors = wxpress::site::Site::load(bad.root()).err().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].to_string(), "config.toml:8:9: error[config]: unknown rule `typos` in [check.rules]\n  help: did you mean `typo`?");
    let strict = TestSite::new("[check.rules]\nimage-missing = \"off\"\n");
    let errors = wxpress::site::Site::load(strict.root()).err().unwrap();
    assert!(
        errors[0].message.contains("cannot be relaxed"),
        "{errors:?}"
    );

    // In front matter and in an ignore comment.
    let site = TestSite::new("");
    site.post("a.md", "+++\ntitle = \"标题\"\nsummary = \"摘要\"\ncover = \"cover.png\"\ncheck.off = [\"banned_ad\"]\n+++\n<!-- wxpress-ignore spaceing -->\n正文。\n");
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &[]),
        ["5:15 front-matter", "7:1 front-matter"],
        "{d:#?}"
    );
    assert_eq!(
        d[0].suggestion.as_deref(),
        Some("did you mean `banned-ad`?")
    );
    assert_eq!(d[1].suggestion.as_deref(), Some("did you mean `spacing`?"));
}

#[test]
fn a_body_that_opens_with_the_title_again() {
    let site = TestSite::new("");
    site.post("twice.md", &post_with_body("# 普通的标题\n\n正文。\n"));
    let d = site.check("twice.md");
    assert_eq!(positions(&d, &[]), ["7:1 title-heading"], "{d:#?}");
    assert_eq!(d[0].severity, wxpress::diagnostic::Severity::Warning);
    assert!(d[0].message.contains("`普通的标题`"), "{}", d[0].message);
    // Closing hashes and a deeper level are the same heading.
    site.post("closed.md", &post_with_body("## 普通的标题 ##\n\n正文。\n"));
    assert_eq!(
        positions(&site.check("closed.md"), &[]),
        ["7:1 title-heading"]
    );

    // Another heading, a heading further down, or `#` without a space: no warning.
    for body in [
        "# 另一个标题\n\n正文。\n",
        "正文。\n\n# 普通的标题\n",
        "#普通的标题\n\n正文。\n",
    ] {
        site.post("other.md", &post_with_body(body));
        assert!(site.check("other.md").is_empty(), "{body}");
    }
    // The post's check.off turns it off.
    site.post("off.md", "+++\ntitle = \"普通的标题\"\nsummary = \"一句摘要。\"\ncover = \"cover.png\"\ncheck.off = [\"title-heading\"]\n+++\n\n# 普通的标题\n");
    assert!(site.check("off.md").is_empty());
}

#[test]
fn a_column_that_disagrees_with_the_folder() {
    let site = TestSite::new("\n[[columns]]\nname = \"读书\"\nslug = \"reading\"\n");
    // In content/notes/, but `column` names the reading column (by slug or name).
    for written in ["reading", "读书"] {
        site.post(
            "moved.md",
            &format!("+++\ntitle = \"普通的标题\"\nsummary = \"一句摘要。\"\ncover = \"cover.png\"\ncolumn = \"{written}\"\n+++\n正文。\n"),
        );
        let d = site.check("moved.md");
        assert_eq!(positions(&d, &[]), ["5:10 column-folder"], "{d:#?}");
        assert_eq!(d[0].severity, wxpress::diagnostic::Severity::Warning);
        assert_eq!(
            d[0].message,
            format!(
                "column `{written}` is `reading`, but the post is in the folder content/notes/"
            )
        );
    }
    // The folder's own column, written out: no warning.
    site.post("same.md", "+++\ntitle = \"普通的标题\"\nsummary = \"一句摘要。\"\ncover = \"cover.png\"\ncolumn = \"随笔\"\n+++\n正文。\n");
    assert!(site.check("same.md").is_empty());
}
