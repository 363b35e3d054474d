//! Covers end to end: a 4000×3000 cover builds and publishes to the sandbox with
//! both chat-list crops computed from `cover_focus`; `[wechat]
//! cover_from_first_image`; image posts (`article_type = "newspic"`) and what the
//! draft API refuses of them; the sandbox's own checks of crops and image posts.

mod publish_support;

use publish_support::*;
use std::time::Duration;
use wxpress::build::{build, BuildOptions};
use wxpress::diagnostic::Severity;
use wxpress::wechat::{
    Client, ClientOptions, DraftArticle, ImageInfo, ImageItem, RetryPolicy, Secret,
};

const POST: &str = "content/notes/wide/index.md";

/// A smooth 4000×3000 JPEG, as a camera's: several MB of pixels, cheap to make.
fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 80, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn build_site(site: &Site) -> wxpress::build::BuildReport {
    build(&BuildOptions {
        root: site.root().to_path_buf(),
        out: site.root().join("public"),
        wip: false,
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        remote_images: wxpress::images::Remote::Off,
    })
    .unwrap_or_else(|d| panic!("build failed: {d:#?}"))
}

fn article0(sb: &wxpress::sandbox::Running, draft: usize) -> serde_json::Value {
    state(sb)["drafts"][draft]["articles"][0].clone()
}

#[test]
fn a_4000x3000_cover_builds_and_publishes_with_both_crops() {
    let sb = sandbox();
    let site = site();
    std::fs::create_dir_all(site.root().join("content/notes/wide")).unwrap();
    std::fs::write(
        site.root().join("content/notes/wide/cover.jpg"),
        photo(4000, 3000),
    )
    .unwrap();
    site.write(
        POST,
        "+++\ntitle = \"宽封面\"\nsummary = \"一张相机拍的封面。\"\ncover = \"cover.jpg\"\ncover_focus = \"top\"\n+++\n\n正文。\n",
    );
    let report = build_site(&site);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    publish(&site, &sb, &[POST, "--mode", "draft"]).ok();
    let a = article0(&sb, 0);
    // 4:3 at the top: the 2.35:1 crop is the full width and 4000 / 2.35 = 1702 of
    // 3000 px high from the top edge; the square is 3000 px wide, centred.
    assert_eq!(a["pic_crop_235_1"], "0_0_1_0.567376", "{a}");
    assert_eq!(a["pic_crop_1_1"], "0.125_0_0.875_1", "{a}");
    // The sandbox checked them against the uploaded cover (1080×810 after the
    // pipeline) and kept them.
    let material = &state(&sb)["materials"][0];
    assert_eq!(
        material["size"],
        serde_json::json!([1080, 810]),
        "{material}"
    );

    // The default focus is the centre (another post: an edited one is not
    // published again).
    let centre = "content/notes/centre/index.md";
    site.write(
        centre,
        "+++\ntitle = \"宽封面\"\nsummary = \"一张相机拍的封面。\"\ncover = \"../wide/cover.jpg\"\n+++\n\n正文，改了。\n",
    );
    publish(&site, &sb, &[centre, "--mode", "draft"]).ok();
    let a = article0(&sb, 1);
    assert_eq!(a["pic_crop_235_1"], "0_0.216312_1_0.783688", "{a}");
    // A point: the square keeps x = 0.9 as near its middle as the cover allows.
    let point = "content/notes/point/index.md";
    site.write(
        point,
        "+++\ntitle = \"宽封面\"\nsummary = \"一张相机拍的封面。\"\ncover = \"../wide/cover.jpg\"\ncover_focus = [0.9, 1.0]\n+++\n\n正文，又改了。\n",
    );
    publish(&site, &sb, &[point, "--mode", "draft"]).ok();
    let a = article0(&sb, 2);
    assert_eq!(a["pic_crop_1_1"], "0.25_0_1_1", "{a}");
    assert_eq!(a["pic_crop_235_1"], "0_0.432624_1_1", "{a}");
}

#[test]
fn a_bad_cover_focus_is_an_error_at_its_value() {
    let site = site();
    for (value, expect) in [
        ("[1.5, 0.2]", "outside the cover"),
        ("\"left\"", "\"center\", \"top\" or a point"),
        ("[0.5]", "invalid length 1"),
    ] {
        site.write(
            POST,
            &format!("+++\ntitle = \"焦点\"\ncover_focus = {value}\n+++\n\n正文。\n"),
        );
        let sb = sandbox();
        let run = run_cmd(wxpress(&site, &sb, &["check", POST]));
        assert_ne!(run.code, Some(0), "{value}");
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(
            out.contains(&format!("{POST}:3:15")),
            "{value}: position of the value: {out}"
        );
        assert!(out.contains(expect), "{value}: {out}");
        assert!(
            out.contains("write cover_focus = \"center\""),
            "{value}: help: {out}"
        );
    }
}

#[test]
fn cover_from_first_image_makes_the_first_picture_the_cover() {
    let sb = sandbox();
    let site = site();
    std::fs::create_dir_all(site.root().join("content/notes/wide")).unwrap();
    std::fs::write(site.root().join("content/notes/wide/a.png"), png(470, 200)).unwrap();
    std::fs::write(site.root().join("content/notes/wide/b.png"), png(300, 300)).unwrap();
    site.write(
        POST,
        "+++\ntitle = \"没有封面\"\nsummary = \"用第一张图。\"\n+++\n\n![甲](a.png)\n\n![乙](b.png)\n",
    );
    // Off (the default): no cover is a warning in build and an error in publish.
    let report = build_site(&site);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == "cover-missing" && d.file == POST),
        "{:#?}",
        report.diagnostics
    );
    let run = publish(&site, &sb, &[POST, "--mode", "draft"]);
    assert_ne!(run.code, Some(0));

    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let config = config.replacen("[wechat]\n", "[wechat]\ncover_from_first_image = true\n", 1);
    assert!(config.contains("cover_from_first_image = true"), "{config}");
    std::fs::write(site.root().join("config.toml"), config).unwrap();
    let report = build_site(&site);
    let mine: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == POST)
        .collect();
    assert!(!mine.iter().any(|d| d.rule == "cover-missing"), "{mine:#?}");
    let note = mine
        .iter()
        .find(|d| d.rule == "cover-from-image")
        .unwrap_or_else(|| panic!("{mine:#?}"));
    assert_eq!(note.severity, Severity::Info);
    assert!(
        note.message.contains("content/notes/wide/a.png"),
        "{}",
        note.message
    );

    publish(&site, &sb, &[POST, "--mode", "draft"]).ok();
    let st = state(&sb);
    let materials = st["materials"].as_array().unwrap();
    assert_eq!(materials.len(), 1, "{st}");
    assert_eq!(materials[0]["size"], serde_json::json!([470, 200]));
    let a = &st["drafts"][0]["articles"][0];
    assert_eq!(a["thumb_media_id"], materials[0]["media_id"], "{a}");
    // 470×200 is 2.35:1 already; its square is the middle 200×200.
    assert_eq!(a["pic_crop_235_1"], "0_0_1_1", "{a}");
    assert_eq!(a["pic_crop_1_1"], "0.287234_0_0.712766_1", "{a}");
}

const PIC: &str = "content/notes/pics/index.md";

fn image_post(site: &Site, images: usize) {
    let dir = site.root().join("content/notes/pics");
    std::fs::create_dir_all(&dir).unwrap();
    let mut body =
        String::from("第一行文字。\n\n第二段，**粗体**和[链接](https://example.com)。\n\n");
    for i in 0..images {
        // Different pixels each, or they would be one upload.
        std::fs::write(dir.join(format!("p{i}.png")), png(100 + i as u32, 80)).unwrap();
        body.push_str(&format!("![图{i}](p{i}.png)\n\n"));
    }
    site.write(
        PIC,
        &format!("+++\ntitle = \"小绿书\"\narticle_type = \"newspic\"\n+++\n\n{body}"),
    );
}

#[test]
fn an_image_post_publishes_its_pictures_as_material_and_its_text() {
    let sb = sandbox();
    let site = site();
    image_post(&site, 3);
    // No cover, and no cover-missing warning: the first picture is the cover.
    let report = build_site(&site);
    let mine: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == PIC)
        .collect();
    assert!(!mine.iter().any(|d| d.rule == "cover-missing"), "{mine:#?}");

    publish(&site, &sb, &[PIC, "--mode", "draft"]).ok();
    let st = state(&sb);
    let a = &st["drafts"][0]["articles"][0];
    assert_eq!(a["article_type"], "newspic", "{a}");
    let list = a["image_info"]["image_list"].as_array().unwrap();
    assert_eq!(list.len(), 3, "{a}");
    let materials = st["materials"].as_array().unwrap();
    assert_eq!(
        materials.len(),
        3,
        "each picture is permanent material: {st}"
    );
    for (item, m) in list.iter().zip(materials) {
        assert_eq!(item["image_media_id"], m["media_id"]);
    }
    assert_eq!(calls(&sb, "media/uploadimg"), 0, "no body images: {st}");
    let content = a["content"].as_str().unwrap();
    assert!(!content.contains('<'), "text, not HTML: {content}");
    assert!(
        content.starts_with("第一行文字。\n\n第二段，粗体和链接"),
        "{content}"
    );
    assert!(
        a.get("pic_crop_235_1").is_none() && a["thumb_media_id"] == "",
        "{a}"
    );
}

#[test]
fn an_image_post_without_pictures_or_with_too_many_is_refused_before_any_call() {
    let sb = sandbox();
    let site = site();
    for (n, expect) in [
        (0, "has no pictures"),
        (21, "has 21 pictures; the draft API takes at most 20"),
    ] {
        image_post(&site, n);
        let run = publish(&site, &sb, &[PIC, "--mode", "draft"]);
        assert_ne!(run.code, Some(0), "{n}");
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(
            out.contains(&format!("{PIC}:3:16")),
            "{n}: at article_type: {out}"
        );
        assert!(out.contains(expect), "{n}: {out}");
    }
    assert_eq!(calls(&sb, "material/add_material"), 0);
    assert_eq!(calls(&sb, "draft/add"), 0);
    image_post(&site, 20);
    publish(&site, &sb, &[PIC, "--mode", "draft"]).ok();
    assert_eq!(
        state(&sb)["drafts"][0]["articles"][0]["image_info"]["image_list"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
}

fn client(sb: &wxpress::sandbox::Running) -> Client {
    Client::new(ClientOptions {
        api_base: sb.base_url(),
        appid: APPID.into(),
        secret: Secret::new(SECRET),
        timeout: Duration::from_millis(2000),
        retry: RetryPolicy {
            max_times: 1,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            total_delay: Duration::from_secs(1),
        },
    })
    .unwrap()
    .on_retry(|_| {})
}

#[test]
fn the_sandbox_checks_crops_and_image_posts_with_errcodes() {
    let sb = sandbox();
    let c = client(&sb);
    let cover = c.add_image_material("c.png", png(400, 300)).unwrap();
    let news = |wide: &str, square: &str| DraftArticle {
        title: "标题".into(),
        content: "<p>正文</p>".into(),
        thumb_media_id: cover.clone(),
        pic_crop_235_1: wide.into(),
        pic_crop_1_1: square.into(),
        ..DraftArticle::default()
    };
    let code = |a: DraftArticle| c.draft_add(&[a]).err().and_then(|e| e.code());
    // Right: 400×300, full width at 2.35:1 is 170.2 px high; the square 300 px wide.
    assert_eq!(code(news("0_0_1_0.567376", "0.125_0_0.875_1")), None);
    assert_eq!(code(news("", "")), None, "no crops: WeChat's own");
    for (wide, square) in [
        ("0_0_383_383", ""),       // pixels, not 0..1
        ("0,0,1,0.5", ""),         // wrong separator
        ("0_0.6_1_0.2", ""),       // corners swapped
        ("0_0_1_1", ""),           // 4:3, not 2.35:1
        ("", "0_0_1_1"),           // 4:3, not square
        ("", "0.125_0_0.875_1.5"), // outside the cover
    ] {
        assert_eq!(code(news(wide, square)), Some(40097), "{wide} {square}");
    }
    let mut typed = news("", "");
    typed.article_type = "video".into();
    assert_eq!(code(typed), Some(40097));

    let pic = |ids: Vec<String>, content: &str| DraftArticle {
        article_type: "newspic".into(),
        title: "图".into(),
        content: content.into(),
        image_info: Some(ImageInfo {
            image_list: ids
                .into_iter()
                .map(|image_media_id| ImageItem { image_media_id })
                .collect(),
        }),
        ..DraftArticle::default()
    };
    assert_eq!(code(pic(vec![cover.clone()], "文字 a < b")), None);
    assert_eq!(code(pic(vec![], "文字")), Some(44003));
    assert_eq!(code(pic(vec![cover.clone(); 21], "文字")), Some(45008));
    assert_eq!(code(pic(vec![cover.clone(); 20], "文字")), None);
    assert_eq!(code(pic(vec!["nope".into()], "文字")), Some(40007));
    assert_eq!(code(pic(vec![cover.clone()], "<p>文字</p>")), Some(45166));
    // Kept as sent, for tests to read back.
    let drafts = state(&sb)["drafts"].clone();
    assert_eq!(drafts[0]["articles"][0]["pic_crop_1_1"], "0.125_0_0.875_1");
    assert_eq!(drafts[2]["articles"][0]["article_type"], "newspic");
}
