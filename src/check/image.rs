//! `image-too-large`: a local body image over 1 MB or not jpg/png, which WeChat's
//! `media/uploadimg` refuses. What is judged is the file that goes out: the image
//! pipeline's result (see `images`), which fits unless the pipeline could not read
//! the source (the renderer reports that, and a missing image as `image-missing`).

use super::prose::Prose;
use super::{Cx, Rule};
use crate::render::Article;
use std::path::Path;

use crate::wechat::limits::IMAGE_MAX_BYTES as MAX_BYTES;

pub fn check(cx: &mut Cx, prose: &Prose, root: &Path, article: Option<&Article>) {
    if !cx.on(Rule::ImageTooLarge) {
        return;
    }
    for (src, range) in &prose.images {
        if src.starts_with("http://") || src.starts_with("https://") || src.starts_with("data:") {
            continue;
        }
        // Missing, outside the site or not a file: the renderer reports those.
        let Ok(source) = crate::content::resolve_in_site(root, cx.post().dir(), src) else {
            continue;
        };
        let path = article
            .and_then(|a| a.images.iter().find(|i| i.source == source))
            .map_or(source, |i| i.path.clone());
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !super::cover::is_jpg_or_png(&path) {
            if let Some(f) = cx.at_body(
                Rule::ImageTooLarge,
                range.clone(),
                format!("image `{src}` is not a jpg or png file; WeChat's upload refuses it"),
            ) {
                f.help("convert it to png (drawings, screenshots) or jpg (photos)");
            }
        } else if meta.len() > MAX_BYTES {
            let kb = meta.len() / 1024;
            if let Some(f) = cx.at_body(
                Rule::ImageTooLarge,
                range.clone(),
                format!("image `{src}` is {kb} KB; WeChat's upload refuses images over 1 MB"),
            ) {
                f.help("compress it or lower its resolution (1080 px wide is plenty on a phone)");
            }
        }
    }
}
