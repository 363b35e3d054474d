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
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(j, _)| j);
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !chars[k].1.is_ascii_alphanumeric() {
            k += 1;
            continue;
        }
        let first = k;
        k += 1;
        while k < chars.len() {
            let c = chars[k].1;
            let inner = matches!(c, '.' | '-' | '_' | ',')
                && chars[k - 1].1.is_ascii_alphanumeric()
                && chars
                    .get(k + 1)
                    .is_some_and(|&(_, n)| n.is_ascii_alphanumeric())
                && (c != ',' || chars[k - 1].1.is_ascii_digit());
            if token_char(c) || inner {
                k += 1;
            } else if matches!(c, '+' | '#') && chars[k - 1].1.is_ascii_alphabetic() {
                // C++, C#
                while k < chars.len() && matches!(chars[k].1, '+' | '#') {
                    k += 1;
                }
                break;
            } else {
                break;
            }
        }
        let last = k - 1;
        let token = chars[first].0..end_of(k);
        let word = &text[token.clone()];
        let lexical = (word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase())
            || (word == "OK" && text[..token.start].ends_with("卡拉"));
        if lexical {
            continue;
        }
        let numeric = chars[first].1.is_ascii_digit();
        let mut side = |han_k: usize, han_first: bool, spaced: bool| {
            let (at, han) = chars[han_k];
            out.push(Boundary {
                token: token.clone(),
                han,
                han_at: at..at + han.len_utf8(),
                han_first,
                numeric,
                spaced,
            });
        };
        if first >= 1 && is_han(chars[first - 1].1) {
            side(first - 1, true, false);
        } else if first >= 2 && chars[first - 1].1 == ' ' && is_han(chars[first - 2].1) {
            side(first - 2, true, true);
        }
        if chars.get(last + 1).is_some_and(|&(_, c)| is_han(c)) {
            side(last + 1, false, false);
        } else if chars.get(last + 1).is_some_and(|&(_, c)| c == ' ')
            && chars.get(last + 2).is_some_and(|&(_, c)| is_han(c))
        {
            side(last + 2, false, true);
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
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Extra spaces next to full-width punctuation.
        let mut k = 0;
        while k < chars.len() {
            let (i, c) = chars[k];
            if c != ' ' && c != '\t' && c != '\u{3000}' {
                k += 1;
                continue;
            }
            let run_start = k;
            while k < chars.len() && matches!(chars[k].1, ' ' | '\t' | '\u{3000}') {
                k += 1;
            }
            let before = run_start.checked_sub(1).map(|p| chars[p].1);
            let after = chars.get(k).map(|&(_, c)| c);
            let end = chars.get(k).map_or(text.len(), |&(j, _)| j);
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
