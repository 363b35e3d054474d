//! `content-size`: the rendered fragment at or over 20,000 characters or 1 MB; the
//! draft API refuses it. Inlined CSS counts too.
//!
//! The finding says how heavy this post's HTML is per visible character and where
//! the weight is, so the writer knows how much text fits and what to cut or split.

use super::{Cx, Rule};
use crate::diagnostic::Pos;
use crate::render::Article;

use crate::wechat::limits::{CONTENT_MAX_BYTES as MAX_BYTES, CONTENT_MAX_CHARS as MAX_CHARS};

pub fn check(cx: &mut Cx, article: &Article) {
    let chars = article.html.chars().count();
    let bytes = article.html.len();
    if chars < MAX_CHARS && bytes < MAX_BYTES {
        return;
    }
    let visible = article.visible_chars.max(1);
    if let Some(f) = cx.at_pos(
        Rule::ContentSize,
        Pos::START,
        format!(
            "the rendered article is {chars} characters ({bytes} bytes) for {visible} visible characters; \
             the draft API accepts less than {MAX_CHARS} characters and 1 MB"
        ),
    ) {
        let weight = chars as f64 / visible as f64;
        let fits = (MAX_CHARS as f64 / weight) as usize;
        let parts = chars.div_ceil(MAX_CHARS).max(2);
        let weights = Weights::of(&article.html, article.references.len());
        f.help(format!(
            "at {weight:.1} characters of HTML per visible character, {MAX_CHARS} holds about {fits} visible characters: \
             split the post into {parts} or more, or trim what weighs most here: {weights}"
        ));
    }
}

/// Where a fragment's characters go, for the help line.
struct Weights {
    styles: usize,
    images: usize,
    image_count: usize,
    links: usize,
}

impl Weights {
    fn of(html: &str, links: usize) -> Self {
        let styles = spans(html, " style=\"", "\"").sum();
        let tags: Vec<usize> = spans(html, "<img ", ">").collect();
        Weights {
            styles,
            images: tags.iter().sum(),
            image_count: tags.len(),
            links,
        }
    }
}

impl std::fmt::Display for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "inline styles {} characters", self.styles)?;
        if self.image_count > 0 {
            write!(f, ", image tags {} ({})", self.images, self.image_count)?;
        }
        if self.links > 0 {
            // Each external link is a [n] mark in the text plus a line with its
            // address at the end (WeChat does not allow outside links in articles).
            write!(
                f,
                ", {} external links, each a [n] mark and a reference line",
                self.links
            )?;
        }
        Ok(())
    }
}

/// Lengths in characters of every `open…close` span of `html`, both included.
fn spans<'a>(html: &'a str, open: &'a str, close: &'a str) -> impl Iterator<Item = usize> + 'a {
    html.match_indices(open).filter_map(move |(start, _)| {
        let rest = &html[start + open.len()..];
        rest.find(close)
            .map(|end| open.chars().count() + rest[..end].chars().count() + close.chars().count())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_count_styles_images_and_links() {
        let html = "<p style=\"margin:0\">字<img src=\"a.jpg\" style=\"x:1\"></p>";
        let w = Weights::of(html, 3);
        assert_eq!(
            w.styles,
            " style=\"margin:0\"".len() + " style=\"x:1\"".len()
        );
        assert_eq!(
            (w.image_count, w.images),
            (1, "<img src=\"a.jpg\" style=\"x:1\">".len())
        );
        assert_eq!(
            w.to_string(),
            "inline styles 29 characters, image tags 29 (1), 3 external links, each a [n] mark and a reference line"
        );
    }
}
