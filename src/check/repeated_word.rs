//! `repeated-word`, the English part: "the the" (not names like Kem Kem, not quotations). (Chinese doubled characters such as
//! 的的 are in the shared lexicon, with their innocent phrases like 的的确确 allowed.)

use super::prose::Prose;
use super::{Cx, Rule};

/// Words that are correctly doubled in ordinary English ("that that", "had had").
const DOUBLED_OK: &[&str] = &["that", "had", "is", "bye", "no", "ha", "do", "can"];

pub fn check_english(cx: &mut Cx, prose: &Prose) {
    if !cx.on(Rule::RepeatedWord) {
        return;
    }
    let base = cx.post().body_offset;
    // Found on first need: doubled words are rare.
    let quotes = std::cell::OnceCell::new();
    for seg in &prose.segments {
        let text = prose.text(seg);
        let words = ascii_words(text);
        for pair in words.windows(2) {
            let ((a_start, a), (b_start, b)) = (pair[0], pair[1]);
            let gap = &text[a_start + a.len()..b_start];
            // Kem Kem, Dash Dash: names; `The the` at a sentence start stays.
            let name = capitalised(a) && capitalised(b);
            // Quoted text is someone's words, verbatim.
            let quoted = || {
                quotes
                    .get_or_init(|| super::words::quoted_ranges(prose))
                    .iter()
                    .any(|q: &std::ops::Range<usize>| q.contains(&(seg.range.start + a_start)))
            };
            if !gap.is_empty()
                && gap.bytes().all(|c| c == b' ')
                && a.eq_ignore_ascii_case(b)
                && !DOUBLED_OK.contains(&a.to_ascii_lowercase().as_str())
                && !name
                && !quoted()
            {
                let span = seg.range.start + b_start..seg.range.start + b_start + b.len();
                let remove = base + seg.range.start + a_start + a.len()..base + span.end;
                if let Some(f) = cx.at_body(
                    Rule::RepeatedWord,
                    span,
                    format!("`{a} {b}`: the word is written twice"),
                ) {
                    f.help(format!("remove the second `{b}`")).fix(remove, "");
                }
            }
        }
    }
}

fn capitalised(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Runs of ASCII letters that are whole words (not glued to digits, `_`, `.` …).
fn ascii_words(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let glued = |b: Option<&u8>| {
            b.is_some_and(|b| b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'/' | b'@' | b'-'))
        };
        if !glued(start.checked_sub(1).and_then(|s| bytes.get(s))) && !glued(bytes.get(i)) {
            out.push((start, &text[start..i]));
        }
    }
    out
}
