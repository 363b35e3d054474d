//! `cover-missing` (no cover and no column default, or the file does not exist) and
//! `cover-image` (not jpg/png, over 10 MB, or far from the 2.35:1 headline shape).

use super::{Cx, Rule};
use crate::diagnostic::Pos;
use std::path::Path;

use crate::wechat::limits::{IMAGE_EXTENSIONS, MATERIAL_MAX_BYTES as MAX_BYTES};
/// Headline covers are shown at 2.35:1, the others square.
pub const HEADLINE_RATIO: f64 = 2.35;
/// How far (relative) a cover may be from the expected shape before a warning.
pub const RATIO_TOLERANCE: f64 = 0.15;

pub fn check(cx: &mut Cx, root: &Path) {
    let post = cx.post();
    let written = post.keys.contains_key("cover");
    let pos = if written {
        post.value_pos("cover")
    } else {
        Pos::START
    };
    // `[wechat] cover_from_first_image` chose a picture of the body.
    let first_image = post
        .meta
        .cover_source
        .as_deref()
        .filter(|_| post.meta.cover_from_image)
        .map(|p| crate::content::relative_path(root, p));
    let Some(cover) = post.meta.cover.as_ref().or(first_image.as_ref()) else {
        // An image post's cover is its first picture, which `publish` requires.
        if post.meta.article_type == crate::content::front_matter::ArticleType::Newspic {
            return;
        }
        if let Some(f) = cx.at_pos(Rule::CoverMissing, pos, "no cover image".into()) {
            f.help("add cover = \"cover.jpg\" to the front matter, or a default `cover` for the column in config.toml");
        }
        return;
    };
    let path = post.meta.cover_path.clone().unwrap_or_default();
    if !path.is_file() {
        let shown = crate::content::relative_path(root, &path);
        let from = if written {
            ""
        } else {
            " (the column's default cover in config.toml)"
        };
        if let Some(f) = cx.at_pos(
            Rule::CoverMissing,
            pos,
            format!("cover `{cover}`{from} not found (looked at {shown})"),
        ) {
            f.help("paths are relative to the post's folder, or to the site root when they start with /");
        }
        return;
    }
    // Set only when the image pipeline made `path` (a jpg or png it encoded or
    // checked): then the file need not be opened again, once per post.
    let processed = post.meta.cover_size;
    // What the file is, not what its name says: a zero-byte, text or foreign file
    // named cover.png would pass the build and fail at WeChat's upload.
    let content = if processed.is_some() {
        Ok(())
    } else if is_jpg_or_png(&path) {
        jpg_or_png_header(&path)
    } else {
        Ok(()) // the name already says it is no jpg or png: `cover-image` below
    };
    if let Err(why) = content {
        if let Some(f) = cx.at_pos(
            Rule::CoverMissing,
            pos,
            format!("cover `{cover}` is not a readable jpg or png image: {why}"),
        ) {
            f.help("export the cover again as jpg or png");
        }
        return;
    }
    if !cx.on(Rule::CoverImage) {
        return;
    }
    if !is_jpg_or_png(&path) {
        if let Some(f) = cx.at_pos(
            Rule::CoverImage,
            pos,
            format!("cover `{cover}` is not a jpg or png file"),
        ) {
            f.help("WeChat covers must be jpg or png: convert it");
        }
        return;
    }
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    if bytes > MAX_BYTES {
        if let Some(f) = cx.at_pos(
            Rule::CoverImage,
            pos,
            format!(
                "cover `{cover}` is {} MB, over 10 MB",
                bytes / (1024 * 1024)
            ),
        ) {
            f.help("compress it or lower its resolution (900×383 is enough for a headline)");
        }
    }
    let size = processed.or_else(|| {
        imagesize::size(&path)
            .ok()
            .map(|s| (s.width as u32, s.height as u32))
    });
    if let Some((width, height)) = size {
        if height == 0 {
            return;
        }
        let ratio = width as f64 / height as f64;
        let near = |target: f64| ((ratio - target) / target).abs() <= RATIO_TOLERANCE;
        let headline = post.meta.position.is_none_or(|p| p == 1);
        let ok = near(HEADLINE_RATIO) || (!headline && near(1.0));
        if !ok {
            if let Some(f) = cx.at_pos(
                Rule::CoverImage,
                pos,
                format!("cover `{cover}` is {width}×{height} ({ratio:.2}:1), far from the {HEADLINE_RATIO}:1 headline shape"),
            ) {
                f.help("crop it to 2.35:1 (e.g. 900×383), or set cover_focus = \"top\" or [x, y] to choose the part the chat list shows (the preview draws both crops)");
            }
        }
    }
}

pub fn is_jpg_or_png(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
}

/// Reads the file's first bytes: a jpg or png header with a size, or why not.
fn jpg_or_png_header(path: &Path) -> Result<(), String> {
    use std::io::Read;
    let mut header = Vec::with_capacity(64);
    std::fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut header))
        .map_err(|e| e.to_string())?;
    if header.is_empty() {
        return Err("the file is empty".into());
    }
    match imagesize::image_type(&header) {
        Ok(imagesize::ImageType::Jpeg | imagesize::ImageType::Png) => {}
        Ok(other) => return Err(format!("it is a {other:?} image")),
        Err(_) => return Err("its content is not an image".into()),
    }
    imagesize::size(path)
        .map(|_| ())
        .map_err(|e| format!("its header is damaged ({e})"))
}
