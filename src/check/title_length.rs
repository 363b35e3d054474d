//! `title-length` (display width over `[check] title_max`, so the title fits one line
//! of the chat list) and `title-api-limit` (over
//! `wechat::limits::TITLE_MAX_CHARS`, 32 characters: the draft API refuses it).

use super::{Cx, Rule};
use unicode_width::UnicodeWidthChar;

use crate::wechat::limits::TITLE_MAX_CHARS as API_LIMIT;

/// Display width: a CJK or full-width character counts 1, an ASCII or half-width one 0.5.
pub fn width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c.width_cjk() {
            Some(2) => 1.0,
            // width_cjk counts ambiguous characters such as “” as wide, as Chinese text shows them.
            Some(0) | None => 0.0,
            _ => 0.5,
        })
        .sum()
}

pub fn check(cx: &mut Cx) {
    let title = &cx.post().meta.title;
    if title.is_empty() {
        return;
    }
    let pos = cx.post().value_pos("title");
    let max = cx.checker().title_max;
    let w = width(title);
    if w > max {
        let over = w - max;
        if let Some(f) = cx.at_pos(
            Rule::TitleLength,
            pos,
            format!(
                "title is {} wide, over the limit of {} (CJK characters count 1, ASCII 0.5)",
                fmt(w),
                fmt(max)
            ),
        ) {
            f.help(format!(
                "shorten it by {}: a title within {} fits one line in the chat list",
                fmt(over),
                fmt(max)
            ));
        }
    }
    let chars = title.chars().count();
    if chars > API_LIMIT {
        if let Some(f) = cx.at_pos(
            Rule::TitleApiLimit,
            pos,
            format!("title has {chars} characters; the draft API refuses titles over {API_LIMIT}"),
        ) {
            f.help(format!("remove at least {} characters", chars - API_LIMIT));
        }
    }
}

/// 12.5 → "12.5", 14 → "14".
pub fn fmt(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_counts_cjk_one_and_ascii_half() {
        assert_eq!(width("Rust 入门指南：从零开始学"), 12.5);
        assert_eq!(width("“引号”"), 4.0);
        assert_eq!(width("abc"), 1.5);
    }
}
