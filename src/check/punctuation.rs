//! `punctuation`: half-width `, . ; : ! ?` after Chinese (→ full width), straight
//! double quotes around Chinese (→ “”), runs like ！！！ or ？？, mixed quote styles in a
//! paragraph and unbalanced quotes or brackets. The first three are fixable, except a
//! `.` between Chinese characters (a full stop, or the `·` of a name?), which is only
//! reported. Enumerators (1）2）3）) and quotations over several paragraphs are fine.

use super::prose::Prose;
use super::spacing::is_han;
use super::{Cx, Rule};
use std::ops::Range;

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '!' => '！',
        '?' => '？',
        '.' => '。',
        _ => return None,
    })
}

/// On the balance stack: a `”` that closed nothing, waiting to be paired.
const REVERSED: char = '\u{0}';

const PAIRS: &[(char, char)] = &[
    ('“', '”'),
    ('（', '）'),
    ('《', '》'),
    ('【', '】'),
    ('「', '」'),
    ('『', '』'),
];

pub fn check(cx: &mut Cx, prose: &Prose) {
    if !cx.on(Rule::Punctuation) {
        return;
    }
    for seg in &prose.segments {
        half_width_and_runs(cx, prose, seg.range.clone());
        straight_quotes(cx, prose, seg.range.clone());
    }
    balance(cx, prose);
}

fn half_width_and_runs(cx: &mut Cx, prose: &Prose, range: Range<usize>) {
    let base = cx.post().body_offset;
    let text = &prose.body[range.clone()];
    // Only these characters start a finding; most Chinese prose has none.
    if !text.contains([',', ';', ':', '!', '?', '.', '！', '？']) {
        return;
    }
    let at = |i: usize| range.start + i;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(j, _)| j);
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        // Runs of ! and ?: ！！！, ？？, !!!
        if matches!(c, '!' | '?' | '！' | '？') {
            let mut n = k;
            while n < chars.len() && matches!(chars[n].1, '!' | '?' | '！' | '？') {
                n += 1;
            }
            if n - k >= 2 && (chars[k..n].iter().all(|&(_, x)| x == c) || n - k >= 3) {
                let chinese = k > 0 && is_han(chars[k - 1].1);
                let one = if chinese {
                    full_width(c).unwrap_or(c)
                } else {
                    c
                };
                let run = &text[i..end_of(n)];
                if let Some(f) = cx.at_body(
                    Rule::Punctuation,
                    at(i)..at(end_of(n)),
                    format!("`{run}`: repeated punctuation"),
                ) {
                    f.help(format!("one `{one}` is enough"))
                        .fix(base + at(i)..base + at(end_of(n)), one.to_string());
                }
                k = n;
                continue;
            }
        }
        let prev_han = k > 0 && is_han(chars[k - 1].1);
        if prev_han {
            if let Some(fw) = full_width(c) {
                let next = chars.get(k + 1).map(|&(_, c)| c);
                // `...` after Chinese is an ellipsis: ……
                if c == '.' && text[i..].starts_with("...") {
                    let end = i + text[i..].bytes().take_while(|&b| b == b'.').count();
                    if let Some(f) = cx.at_body(
                        Rule::Punctuation,
                        at(i)..at(end),
                        "`...` after Chinese text".into(),
                    ) {
                        f.help("write the Chinese ellipsis `……`")
                            .fix(base + at(i)..base + at(end), "……");
                    }
                    k = chars.partition_point(|&(j, _)| j < end);
                    continue;
                }
                // A half-width `.` before Latin is a file name or .NET, not a full stop.
                let chinese_context = match next {
                    None => true,
                    Some(n) if is_han(n) => true,
                    Some(' ') => c != '.' && chars.get(k + 2).is_none_or(|&(_, n)| is_han(n)),
                    Some(n) => c != '.' && !n.is_ascii_punctuation() && !n.is_ascii_digit(),
                };
                if c == '.' && next.is_some_and(is_han) {
                    // 特里.戴维斯 is a name written with the wrong dot, 好.我 a full
                    // stop: which one only the writer knows, so no fix.
                    if let Some(f) = cx.at_body(
                        Rule::Punctuation,
                        at(i)..at(end_of(k + 1)),
                        "half-width `.` between Chinese characters".into(),
                    ) {
                        f.help("a full stop is `。`; in a transliterated name the separator is `·` (特里·戴维斯)");
                    }
                } else if chinese_context {
                    // Swallow one following space: “你好, 世界” → “你好，世界”.
                    let end = if next == Some(' ') {
                        end_of(k + 2)
                    } else {
                        end_of(k + 1)
                    };
                    if let Some(f) = cx.at_body(
                        Rule::Punctuation,
                        at(i)..at(end_of(k + 1)),
                        format!("half-width `{c}` in Chinese text"),
                    ) {
                        f.help(format!("write the full-width `{fw}`"))
                            .fix(base + at(i)..base + at(end), fw.to_string());
                    }
                }
            }
        }
        k += 1;
    }
}

/// Straight `"…"` around Chinese text → “…”.
fn straight_quotes(cx: &mut Cx, prose: &Prose, range: Range<usize>) {
    let base = cx.post().body_offset;
    let text = &prose.body[range.clone()];
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
    if !quotes.len().is_multiple_of(2) {
        return;
    }
    for pair in quotes.chunks(2) {
        let (open, close) = (pair[0], pair[1]);
        let inner = &text[open + 1..close];
        if inner.chars().any(is_han) {
            let span = range.start + open..range.start + close + 1;
            if let Some(f) = cx.at_body(
                Rule::Punctuation,
                span.clone(),
                "straight quotes `\"` around Chinese text".into(),
            ) {
                f.help("use Chinese quotes “…”")
                    .fix(base + span.start..base + span.end, format!("“{inner}”"));
            }
        }
    }
}

/// An enumerator closes the bracket it ends with: `1）` `a）` `三）` at the start of a
/// line or after `；，。：、` (1）准备 2）安装 3）运行).
fn is_enumerator(text: &str, close_at: usize) -> bool {
    let before = &text[..close_at];
    let label: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || "一二三四五六七八九十".contains(*c))
        .collect();
    let n = label.chars().count();
    if n == 0
        || n > 2
        || (n == 2
            && !label
                .chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c)))
    {
        return false;
    }
    let rest = &before[..before.len() - label.len()];
    rest.trim_end_matches([' ', '\t'])
        .chars()
        .next_back()
        .is_none_or(|c| matches!(c, '\n' | '；' | '，' | '。' | '：' | '、' | ';' | ',' | ':'))
}

/// Unbalanced “” （） 《》 【】 「」 『』 in a paragraph, and mixed “” / 「」 quotes. A
/// quotation over several paragraphs opens each with “ and closes only the last: an
/// open “ is fine when the next paragraph opens with “ too.
fn balance(cx: &mut Cx, prose: &Prose) {
    let mut start = 0;
    while start < prose.segments.len() {
        let block = prose.segments[start].block;
        let end = start
            + prose.segments[start..]
                .iter()
                .take_while(|s| s.block == block)
                .count();
        let mut stack: Vec<(char, usize)> = Vec::new();
        let mut problems: Vec<(usize, char, String)> = Vec::new();
        let (mut curly, mut corner) = (None, None);
        for seg in &prose.segments[start..end] {
            let text = prose.text(seg);
            for (i, c) in text.char_indices() {
                // Most characters are no quote or bracket: one comparison each.
                if !matches!(
                    c,
                    '“' | '”'
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
                ) {
                    continue;
                }
                let at = seg.range.start + i;
                if c == '“' {
                    curly.get_or_insert(at);
                }
                if c == '「' {
                    corner.get_or_insert(at);
                }
                // A `”` that closes nothing opens a reversed quotation (”…” or ”…“):
                // it waits on the stack as REVERSED, and the pair is reported once.
                let top = stack.last().map(|&(expected, _)| expected);
                if c == '“' && top == Some('”') {
                    // “…“: the second mark was meant to close the first.
                    stack.pop();
                    problems.push((
                        at,
                        c,
                        "`“` where a closing `”` is expected (a reversed quote)".into(),
                    ));
                } else if matches!(c, '“' | '”') && top == Some(REVERSED) {
                    if let Some((_, open)) = stack.pop() {
                        problems.push((
                            open,
                            '”',
                            "`”` where an opening `“` is expected (a reversed quote)".into(),
                        ));
                    }
                } else if c == '”' && !stack.iter().any(|&(e, _)| e == '”') {
                    stack.push((REVERSED, at));
                } else if let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == c) {
                    stack.push((close, at));
                } else if PAIRS.iter().any(|(_, cl)| *cl == c) {
                    let enumerator = c == '）'
                        && !stack.iter().any(|&(e, _)| e == '）')
                        && is_enumerator(text, i);
                    if enumerator {
                        continue;
                    }
                    if stack.last().is_some_and(|&(expected, _)| expected == c) {
                        stack.pop();
                    } else if let Some(pos) = stack.iter().rposition(|&(expected, _)| expected == c)
                    {
                        // Something opened after the match was never closed.
                        for (expected, at) in stack.drain(pos + 1..) {
                            let open = PAIRS.iter().find(|p| p.1 == expected).map_or(' ', |p| p.0);
                            problems.push((
                                at,
                                open,
                                format!("`{open}` is never closed (expected `{expected}`)"),
                            ));
                        }
                        stack.pop();
                    } else {
                        problems.push((at, c, format!("`{c}` closes nothing")));
                    }
                }
            }
        }
        let next_opens_quote = prose
            .segments
            .get(end)
            .is_some_and(|s| prose.text(s).starts_with('“'));
        for (expected, at) in stack {
            if expected == '”' && next_opens_quote {
                continue;
            }
            if expected == REVERSED {
                problems.push((at, '”', "`”` closes nothing".into()));
                continue;
            }
            let open = PAIRS.iter().find(|p| p.1 == expected).map_or(' ', |p| p.0);
            problems.push((
                at,
                open,
                format!("`{open}` is never closed (expected `{expected}`)"),
            ));
        }
        if let (Some(_), Some(at)) = (curly, corner) {
            problems.push((
                at,
                '「',
                "mixed quote styles: this paragraph uses both “” and 「」".into(),
            ));
        }
        for (at, c, message) in problems {
            if let Some(f) = cx.at_body(Rule::Punctuation, at..at + c.len_utf8(), message) {
                f.help("pair every opening mark with its closing mark, in one style per paragraph");
            }
        }
        start = end;
    }
}
