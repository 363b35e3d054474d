//! `content-size`: the rendered fragment at or over 20,000 characters or 1 MB; the
//! draft API refuses it. Inlined CSS counts too.

use super::{Cx, Rule};
use crate::diagnostic::Pos;
use crate::render::Article;

use crate::wechat::limits::{CONTENT_MAX_BYTES as MAX_BYTES, CONTENT_MAX_CHARS as MAX_CHARS};

pub fn check(cx: &mut Cx, article: &Article) {
    let chars = article.html.chars().count();
    let bytes = article.html.len();
    if chars >= MAX_CHARS || bytes >= MAX_BYTES {
        if let Some(f) = cx.at_pos(
            Rule::ContentSize,
            Pos::START,
            format!("the rendered article is {chars} characters ({bytes} bytes); the draft API accepts less than {MAX_CHARS} characters and 1 MB"),
        ) {
            f.help("split the post, or trim tables, code blocks and styles (inlined CSS counts toward the limit)");
        }
    }
}
