//! The image pipeline end to end: the pictures writers have (a large phone JPEG,
//! an EXIF-rotated one, WebP, an animated GIF, a transparent PNG, a huge cover)
//! build without errors into files WeChat's upload takes, a rebuild converts
//! nothing again, and publish uploads only those files. Fixtures are made here.

mod publish_support;

use image::codecs::gif::GifEncoder;
use image::{Delay, Frame, ImageFormat, Rgba, RgbaImage};
use publish_support::*;
use std::io::Cursor;
use std::path::Path;
use wxpress::build::{build, BuildOptions};
use wxpress::diagnostic::{Diagnostic, Severity};

const UPLOAD_MAX: u64 = wxpress::wechat::limits::IMAGE_MAX_BYTES;

/// Pseudo-random noise: incompressible, so a 4000×3000 JPEG of it is several MB.
fn noisy_jpeg(w: u32, h: u32, quality: u8) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x3f) as u8;
        image::Rgb([
            (x / 16) as u8 ^ n,
            (y / 12) as u8 ^ (n >> 1),
            n.wrapping_mul(3),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img)
        .unwrap();
    out
}

/// A JPEG whose EXIF says "rotate 90° clockwise to view" (orientation 6), as a
/// phone held upright writes it: stored 300×200, shown 200×300.
fn rotated_jpeg() -> Vec<u8> {
    let plain = noisy_jpeg(300, 200, 90);
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 1]); // one IFD entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation, SHORT, 1, 6
    tiff.extend([0, 0, 0, 0]); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

fn encoded(img: &image::DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn webp() -> Vec<u8> {
    let img = RgbaImage::from_fn(640, 360, |x, y| {
        Rgba([(x % 255) as u8, (y % 255) as u8, 80, 255])
    });
    encoded(&image::DynamicImage::ImageRgba8(img), ImageFormat::WebP)
}

fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        let frames = [Rgba([200, 30, 30, 255]), Rgba([30, 30, 200, 255])].map(|c| {
            Frame::from_parts(
                RgbaImage::from_pixel(120, 80, c),
                0,
                0,
                Delay::from_numer_denom_ms(200, 1),
            )
        });
        encoder.encode_frames(frames).unwrap();
    }
    out
}

/// Wider than 1080 and half see-through: must stay PNG, scaled down.
fn transparent_png() -> Vec<u8> {
    let img = RgbaImage::from_fn(1600, 400, |x, _| {
        Rgba([20, 160, 90, if x < 800 { 0 } else { 255 }])
    });
    encoded(&image::DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

const POST: &str = "content/notes/photos/index.md";

/// A site from `wxpress init` with one more post holding every kind of picture,
/// and a 4000×3000 phone photo as its cover.
fn photo_site() -> Site {
    let site = site();
    let dir = site.root().join("content/notes/photos");
    std::fs::create_dir_all(&dir).unwrap();
    let big = noisy_jpeg(4000, 3000, 92);
    assert!(
        big.len() as u64 > UPLOAD_MAX,
        "fixture: {} bytes",
        big.len()
    );
    for (name, bytes) in [
        ("phone.jpg", big.clone()),
        ("rotated.jpg", rotated_jpeg()),
        ("still.webp", webp()),
        ("moving.gif", animated_gif()),
        ("logo.png", transparent_png()),
        ("cover.jpg", big),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    site.write(
        POST,
        "+++\ntitle = \"照片\"\nsummary = \"手机里的各种图片。\"\ncover = \"cover.jpg\"\n+++\n\n\
         ![手机](phone.jpg)\n\n![竖拍](rotated.jpg)\n\n![网页图](still.webp)\n\n\
         ![动图](moving.gif)\n\n![标志](logo.png)\n",
    );
    site
}

fn build_site(root: &Path) -> wxpress::build::BuildReport {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out: root.join("public"),
        wip: false,
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        remote_images: wxpress::images::Remote::Off,
    })
    .unwrap_or_else(|d| panic!("build failed: {d:#?}"))
}

fn image_notes(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.rule == "image-converted")
        .map(|d| {
            assert_eq!(d.severity, Severity::Info);
            format!("{}:{}: {}", d.file, d.line, d.message)
        })
        .collect()
}

fn sniff(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => "jpg",
        Ok(ImageFormat::Png) => "png",
        other => panic!("not jpg or png: {other:?}"),
    }
}

#[test]
fn every_picture_builds_into_a_file_wechat_takes_and_a_rebuild_converts_nothing() {
    let site = photo_site();
    let sources: Vec<(String, Vec<u8>)> =
        std::fs::read_dir(site.root().join("content/notes/photos"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();

    let started = std::time::Instant::now();
    let first = build_site(site.root());
    let first_time = started.elapsed();
    assert!(
        !first.diagnostics.iter().any(Diagnostic::is_error),
        "{:#?}",
        first.diagnostics
    );
    let notes = image_notes(&first.diagnostics);
    let note = |what: &str| {
        notes
            .iter()
            .find(|n| n.contains(what))
            .unwrap_or_else(|| panic!("no note with {what}: {notes:#?}"))
    };
    assert!(
        note("image `phone.jpg`: ").contains(" MB JPEG → ")
            && note("phone.jpg").ends_with(" JPEG, 1080 px")
    );
    assert!(note("rotated.jpg").contains("turned upright by its EXIF orientation"));
    assert!(
        note("still.webp").contains(" WebP → ") && note("still.webp").contains(" JPEG, 640 px")
    );
    assert!(note("moving.gif").contains("animated GIF: only its first frame is kept"));
    assert!(note("logo.png").contains(" PNG → ") && note("logo.png").ends_with(" PNG, 1080 px"));
    assert!(
        note("cover `cover.jpg`").starts_with(&format!("{POST}:4: ")),
        "{notes:#?}"
    );
    // The two notes from the init site's own small images: none, they go as written.
    assert_eq!(notes.len(), 6, "{notes:#?}");
    assert!(first.images.processed >= 6, "{:?}", first.images);

    let out = site.root().join("public/photos");
    let post = site.manifest_post("photos");
    let images: Vec<&str> = post["outputs"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        images,
        [
            "photos/phone.jpg",
            "photos/rotated.jpg",
            "photos/still.jpg",
            "photos/moving.png",
            "photos/logo.png"
        ]
    );
    assert_eq!(post["outputs"]["cover"], "photos/cover.jpg");
    for name in [
        "phone.jpg",
        "rotated.jpg",
        "still.jpg",
        "moving.png",
        "logo.png",
        "cover.jpg",
    ] {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(
            (bytes.len() as u64) < UPLOAD_MAX,
            "{name}: {} bytes",
            bytes.len()
        );
        assert_eq!(sniff(&bytes), &name[name.len() - 3..], "{name}");
        let img = image::load_from_memory(&bytes).unwrap();
        assert!(img.width() <= 1080, "{name}: {} px", img.width());
        // No EXIF left: nothing to rotate again, no location to leak.
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "{name}");
        match name {
            "rotated.jpg" => assert_eq!((img.width(), img.height()), (200, 300)),
            "logo.png" => {
                let rgba = img.to_rgba8();
                assert_eq!(rgba.get_pixel(0, 0).0[3], 0, "transparency kept");
                assert_eq!(rgba.get_pixel(1079, 0).0[3], 255);
            }
            "moving.png" => assert_eq!(img.to_rgba8().get_pixel(0, 0).0, [200, 30, 30, 255]),
            _ => {}
        }
    }
    // The article's data-w is the width that goes out.
    let article = std::fs::read_to_string(out.join("article.html")).unwrap();
    assert!(
        article.contains("src=\"phone.jpg\" data-w=\"1080\""),
        "{article}"
    );
    assert!(article.contains("src=\"still.jpg\""), "{article}");

    // Sources never change.
    for (name, bytes) in &sources {
        assert_eq!(
            &std::fs::read(site.root().join("content/notes/photos").join(name)).unwrap(),
            bytes,
            "{name}"
        );
    }

    // A rebuild finds every image in the cache: no image work at all, same notes.
    let started = std::time::Instant::now();
    let second = build_site(site.root());
    let second_time = started.elapsed();
    assert_eq!(second.images.processed, 0, "{:?}", second.images);
    assert_eq!(
        second.images.cached,
        first.images.processed + first.images.cached
    );
    assert_eq!(image_notes(&second.diagnostics), notes);
    eprintln!(
        "first build {first_time:?} ({:?}), second build {second_time:?} ({:?})",
        first.images, second.images
    );
    let cache = site.root().join(".wxpress/cache/images");
    assert!(cache.is_dir());
}

#[test]
fn publish_uploads_the_processed_files_each_once() {
    let sb = sandbox();
    let site = photo_site();
    // And a picture from the web, served by a local test server.
    let (base, hits) = picture_server(noisy_jpeg(800, 600, 85));
    let text = std::fs::read_to_string(site.root().join(POST)).unwrap();
    site.write(
        POST,
        &format!("{text}\n![网上的图]({base}/from-the-web.webp)\n"),
    );
    publish(&site, &sb, &[POST, "--mode", "draft"]).ok();
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    let st = state(&sb);
    // Every body image of the post went through media/uploadimg, which (like
    // WeChat) answers 40005/40009 to anything but a JPG/PNG under 1 MB.
    let uploads = st["images"].as_array().unwrap();
    assert_eq!(uploads.len(), 6, "{st}");
    for u in uploads {
        assert!(u["bytes"].as_u64().unwrap() < UPLOAD_MAX, "{u}");
    }
    let materials = st["materials"].as_array().unwrap();
    assert_eq!(materials.len(), 1, "{st}");
    let article = &st["drafts"][0]["articles"][0];
    let content = article["content"].as_str().unwrap();
    assert_eq!(
        content
            .matches("src=\"http://mmbiz.qpic.cn/sandbox/")
            .count(),
        6,
        "{content}"
    );
    assert!(
        !content.contains(".webp") && !content.contains(".gif") && !content.contains("127.0.0.1"),
        "no external src left: {content}"
    );
    // The 4000×3000 cover's crops, centred (the default focus): the full width
    // at 2.35:1, and a centred square of the full height.
    assert_eq!(article["pic_crop_235_1"], "0_0.216312_1_0.783688");
    assert_eq!(article["pic_crop_1_1"], "0.125_0_0.875_1");

    // Another post using the same photo and cover: nothing is uploaded again.
    site.write(
        "content/notes/again/index.md",
        "+++\ntitle = \"再来\"\nsummary = \"同一张照片。\"\ncover = \"../photos/cover.jpg\"\n+++\n\n![手机](../photos/phone.jpg)\n",
    );
    publish(
        &site,
        &sb,
        &["content/notes/again/index.md", "--mode", "draft"],
    )
    .ok();
    assert_eq!(
        calls(&sb, "media/uploadimg"),
        6,
        "the second post uploads nothing new"
    );
    assert_eq!(calls(&sb, "material/add_material"), 1);
    let st = state(&sb);
    let content = st["drafts"][1]["articles"][0]["content"].as_str().unwrap();
    assert!(
        content.contains("src=\"http://mmbiz.qpic.cn/sandbox/"),
        "{content}"
    );
}

#[test]
fn a_build_deletes_cache_entries_unused_for_thirty_days_and_keeps_what_it_used() {
    let site = site();
    site.write(
        POST,
        "+++\ntitle = \"一张图\"\nsummary = \"只有一张。\"\ncover = \"../hello-wxpress/cover.png\"\n+++\n\n![标志](logo.png)\n",
    );
    std::fs::write(
        site.root().join("content/notes/photos/logo.png"),
        transparent_png(),
    )
    .unwrap();
    build_site(site.root());
    let cache = site.root().join(wxpress::images::CACHE_DIR);
    let forty_days_ago =
        std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 3600);
    let age = |path: &Path| {
        std::fs::File::options()
            .append(true)
            .open(path)
            .unwrap()
            .set_modified(forty_days_ago)
            .unwrap()
    };
    // Every entry this site uses is old too: the rebuild's cache hits renew them.
    let used: Vec<std::path::PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!used.is_empty());
    used.iter().for_each(|p| age(p));
    // Left behind by an image no post shows any more, and by a config change.
    let stale = [
        cache.join("0123456789abcdef0123456789abcdef.jpg"),
        cache.join("0123456789abcdef0123456789abcdef.json"),
    ];
    for p in &stale {
        std::fs::write(p, b"old").unwrap();
        age(p);
    }
    let recent = cache.join("fedcba9876543210fedcba9876543210.jpg");
    std::fs::write(&recent, b"recent but unused").unwrap();

    let report = build_site(site.root());
    assert_eq!(
        report.pruned,
        wxpress::images::Pruned { files: 2, bytes: 6 }
    );
    assert!(stale.iter().all(|p| !p.exists()));
    assert!(
        used.iter().all(|p| p.exists()),
        "entries the build used are kept"
    );
    assert!(recent.exists(), "unused for less than 30 days: kept");
    assert_eq!(report.images.processed, 0, "nothing converted again");
}
