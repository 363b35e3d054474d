//! `spacing`: a space between Chinese and Latin letters or digits (用 Rust 写, 共 3 篇),
//! and no spaces around full-width punctuation (你好，世界). Both are fixable.
//!
//! Numbers are a house style: many accounts write `2019年`, `3月20日`, `接近29%`
//! unspaced on purpose. `[check] space_digits` decides; its default, `auto`, follows
//! the majority of the site's own posts ([`SiteStyle`]). A unit or `%` after a number
//! belongs to the number. Words written as one with Chinese (T恤, A股, 卡拉OK) are
//! never split. Messages quote the whole Latin word or number.

use super::prose::Prose;
use super::style::SiteStyle;
use super::{Cx, Rule};
use crate::config::SpaceDigits;
use std::ops::Range;

/// Han ideographs (not punctuation, not kana).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Full-width punctuation that takes no space around it.
pub fn is_fullwidth_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '！'
            | '？'
            | '；'
            | '：'
            | '、'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '（'
            | '）'
            | '《'
            | '》'
            | '【'
            | '】'
            | '「'
            | '」'
            | '『'
            | '』'
            | '…'
            | '—'
    )
}

/// A place where Chinese meets a Latin word or a number, with or without a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boundary {
    /// Bytes of the Latin word or number: `Rust`, `2019`, `29%`, `5GB`, `3.5`.
    pub token: Range<usize>,
    /// The Chinese character next to it.
    pub han: char,
    /// Bytes of the Chinese character.
    pub han_at: Range<usize>,
    /// The Chinese character comes first (`用Rust`), not after (`Rust写`).
    pub han_first: bool,
    /// The token is a number (it starts with a digit: `2019`, `29%`, `5GB`).
    pub numeric: bool,
    /// One space separates them.
    pub spaced: bool,
}

/// Characters that continue a Latin word or a number once started: letters and
/// digits, and `%`, `°`, `℃`, `‰` (units behave like the digits they follow).
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '%' | '°' | '℃' | '‰')
}

/// Every boundary between Chinese and a Latin word or number in `text`, spaced or
/// not. Words written as one with Chinese (T恤, A股, 卡拉OK) are left out.
pub fn boundaries(text: &str) -> Vec<Boundary> {
    // Tokens start with an ASCII letter or digit: scan bytes, and decode characters
    // only around a token (most of a Chinese text has none).
    let bytes = text.as_bytes();
    let char_at = |i: usize| text.get(i..).and_then(|t| t.chars().next());
    let char_before = |i: usize| text.get(..i).and_then(|t| t.chars().next_back());
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while let Some(c) = char_at(i) {
            let prev = bytes[i - 1];
            let inner = matches!(c, '.' | '-' | '_' | ',')
                && prev.is_ascii_alphanumeric()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
                && (c != ',' || prev.is_ascii_digit());
            if token_char(c) || inner {
                i += c.len_utf8();
            } else if matches!(c, '+' | '#') && prev.is_ascii_alphabetic() {
                // C++, C#
                while matches!(bytes.get(i), Some(b'+' | b'#')) {
                    i += 1;
                }
                break;
            } else {
                break;
            }
        }
        let token = start..i;
        let word = &text[token.clone()];
        let lexical = (word.len() == 1 && bytes[start].is_ascii_uppercase())
            || (word == "OK" && text[..start].ends_with("卡拉"));
        if lexical {
            continue;
        }
        let numeric = bytes[start].is_ascii_digit();
        let mut side = |at: usize, han: char, han_first: bool, spaced: bool| {
            out.push(Boundary {
                token: token.clone(),
                han,
                han_at: at..at + han.len_utf8(),
                han_first,
                numeric,
                spaced,
            });
        };
        match char_before(start) {
            Some(c) if is_han(c) => side(start - c.len_utf8(), c, true, false),
            Some(' ') => {
                if let Some(c) = char_before(start - 1).filter(|&c| is_han(c)) {
                    side(start - 1 - c.len_utf8(), c, true, true);
                }
            }
            _ => {}
        }
        match char_at(i) {
            Some(c) if is_han(c) => side(i, c, false, false),
            Some(' ') => {
                if let Some(c) = char_at(i + 1).filter(|&c| is_han(c)) {
                    side(i + 1, c, false, true);
                }
            }
            _ => {}
        }
    }
    out
}

pub fn check(cx: &mut Cx, prose: &Prose, style: &SiteStyle) {
    if !cx.on(Rule::Spacing) {
        return;
    }
    let base = cx.post().body_offset;
    let mode = cx.checker().space_digits;
    // Under `auto`, numbers follow the site's majority; with too few to tell,
    // the common convention (a space) applies.
    let unspaced_percent = style.unspaced_digits_percent();
    let digits_spaced = match mode {
        SpaceDigits::Always => true,
        SpaceDigits::Never => false,
        SpaceDigits::Auto => unspaced_percent.is_none_or(|p| p < 50),
    };
    for seg in &prose.segments {
        let text = prose.text(seg);
        let at = |i: usize| seg.range.start + i;
        // Missing spaces.
        for b in boundaries(text) {
            if b.spaced || (b.numeric && !digits_spaced) {
                continue;
            }
            let word = &text[b.token.clone()];
            let (span, insert, left, right) = if b.han_first {
                let first = word.chars().next().map_or(0, char::len_utf8);
                (
                    b.han_at.start..b.token.start + first,
                    b.token.start,
                    b.han.to_string(),
                    word.to_string(),
                )
            } else {
                let last = word.chars().next_back().map_or(0, char::len_utf8);
                (
                    b.token.end - last..b.han_at.end,
                    b.token.end,
                    word.to_string(),
                    b.han.to_string(),
                )
            };
            let mut message = format!("no space between `{left}` and `{right}`");
            let mut help = format!(
                "write `{left} {right}`: Chinese and Latin letters or numbers are separated by a space"
            );
            if b.numeric {
                match (mode, unspaced_percent) {
                    (SpaceDigits::Auto, Some(p)) => {
                        let total = style.digits_spaced + style.digits_unspaced;
                        message.push_str(&format!(
                            " (this site spaces numbers from Chinese in {}% of {total} cases)",
                            100 - p
                        ));
                        help = format!("write `{left} {right}` like the rest of the site");
                    }
                    (SpaceDigits::Auto, None) => {
                        help.push_str(
                            "; if your house style is `2019年`, set [check] space_digits = \"never\"",
                        );
                    }
                    _ => {}
                }
            }
            if let Some(f) = cx.at_body(Rule::Spacing, at(span.start)..at(span.end), message) {
                f.help(help).fix(base + at(insert)..base + at(insert), " ");
            }
        }
        // Extra spaces next to full-width punctuation: find the runs of spaces by
        // bytes, and read only the characters around them.
        let bytes = text.as_bytes();
        let space = |i: usize| match bytes.get(i) {
            Some(b' ' | b'\t') => 1,
            Some(0xE3) if bytes[i..].starts_with("\u{3000}".as_bytes()) => 3,
            _ => 0,
        };
        let mut k = 0;
        while k < bytes.len() {
            if space(k) == 0 {
                k += 1;
                continue;
            }
            let i = k;
            while space(k) > 0 {
                k += space(k);
            }
            let end = k;
            let before = text[..i].chars().next_back();
            let after = text[end..].chars().next();
            let punct = before
                .filter(|&c| is_fullwidth_punct(c))
                .or(after.filter(|&c| is_fullwidth_punct(c)));
            // Only between two visible characters: the edges of a segment may
            // touch inline code or a link, whose spacing is the writer's choice.
            // A dash or bar before the space starts an attribution (`—— 《书名》`).
            let attribution = before.is_some_and(|c| matches!(c, '-' | '—' | '|' | '/'));
            if let (Some(p), Some(_), Some(_), false) = (punct, before, after, attribution) {
                if let Some(f) = cx.at_body(
                    Rule::Spacing,
                    at(i)..at(end),
                    format!("extra space next to full-width `{p}`"),
                ) {
                    f.help("remove the space: full-width punctuation carries its own spacing")
                        .fix(base + at(i)..base + at(end), "");
                }
            }
        }
    }
}
