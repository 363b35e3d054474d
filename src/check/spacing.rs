//! `spacing`: a space between Chinese and Latin letters or digits (用 Rust 写, 共 3 篇),
//! and no spaces around full-width punctuation (你好，世界). Both are fixable.

use super::prose::Prose;
use super::{Cx, Rule};

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

pub fn check(cx: &mut Cx, prose: &Prose) {
    if !cx.on(Rule::Spacing) {
        return;
    }
    let base = cx.post().body_offset;
    for seg in &prose.segments {
        let text = prose.text(seg);
        let at = |i: usize| seg.range.start + i;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Missing spaces.
        for k in 1..chars.len() {
            let ((i, a), (j, b)) = (chars[k - 1], chars[k]);
            let latin = |c: char| c.is_ascii_alphanumeric();
            if (is_han(a) && latin(b)) || (latin(a) && is_han(b)) {
                // Show the words on both sides: 使用 and Rust, not 用 and R.
                let side = |c: char| if is_han(c) { is_han } else { latin };
                let (left_ok, right_ok) = (side(a), side(b));
                let left_start = (0..k)
                    .rev()
                    .take_while(|&x| left_ok(chars[x].1))
                    .last()
                    .unwrap_or(k - 1);
                let right_end = (k..chars.len())
                    .take_while(|&x| right_ok(chars[x].1))
                    .last()
                    .unwrap_or(k);
                let (left_max, right_max) = (
                    if is_han(a) { 2 } else { 12 },
                    if is_han(b) { 2 } else { 12 },
                );
                let left_start = left_start.max(k.saturating_sub(left_max));
                let right_end = right_end.min(k + right_max - 1);
                let left: String = chars[left_start..k].iter().map(|&(_, c)| c).collect();
                let right: String = chars[k..=right_end].iter().map(|&(_, c)| c).collect();
                let end = j + b.len_utf8();
                if let Some(f) = cx.at_body(
                    Rule::Spacing,
                    at(i)..at(end),
                    format!("no space between `{left}` and `{right}`"),
                ) {
                    f.help(format!("write `{left} {right}`: Chinese and Latin letters or numbers are separated by a space"))
                        .fix(base + at(j)..base + at(j), " ");
                }
            }
        }
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
            if let (Some(p), Some(_), Some(_)) = (punct, before, after) {
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
