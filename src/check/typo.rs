//! `typo`, the parts outside the shared lexicon: English misspellings from the
//! `typos` project's dictionary (`typos-dict`), and the site's own identifiers
//! (`[check] known`: email, handle, URL) written with one or two characters wrong.
//! Chinese typos and `[check.typos]` pairs are matched by the lexicon (see words.rs).

use super::prose::Prose;
use super::{Cx, Rule};
use std::ops::Range;
use unicase::UniCase;

/// The account's identifiers, lower-cased, without a URL scheme.
pub struct English {
    known: Vec<(String, String)>,
}

impl English {
    pub fn new(known: &[String]) -> English {
        English {
            known: known
                .iter()
                .map(|k| (k.clone(), strip_scheme(&k.to_lowercase()).to_string()))
                .filter(|(_, k)| k.chars().count() >= 5)
                .collect(),
        }
    }
}

/// English words of prose, each with its byte range in `text`. Tokens that contain
/// digits, `_`, `/`, `@`, an inner `.` or odd casing are identifiers, paths, URLs or
/// versions, and are left alone; so are acronyms.
pub fn english_words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    for (start, token) in ascii_tokens(text) {
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'\'')
        {
            continue;
        }
        let mut offset = 0;
        for word in token.split(['-', '\'']) {
            let at = start + offset;
            offset += word.len() + 1;
            if word.len() < 3 || !plain_case(word) {
                continue;
            }
            out.push((at..at + word.len(), word));
        }
    }
    out
}

/// Maximal runs of printable ASCII (no spaces), without surrounding punctuation.
pub fn ascii_tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_graphic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_graphic() {
            i += 1;
        }
        // A run glued to a letter such as ç, é or ü is part of a word like
        // François or Müller, not a word of its own.
        let foreign = |c: Option<char>| {
            c.is_some_and(|c| !c.is_ascii() && c.is_alphabetic() && (c as u32) < 0x2E80)
        };
        if foreign(text[..start].chars().next_back()) || foreign(text[i..].chars().next()) {
            continue;
        }
        let raw = &text[start..i];
        let lead = raw.len() - raw.trim_start_matches(LEADING).len();
        let token = raw.trim_start_matches(LEADING).trim_end_matches(TRAILING);
        if !token.is_empty() {
            out.push((start + lead, token));
        }
    }
    out
}

const LEADING: &[char] = &['(', '[', '"', '\'', '<', '*', '`'];
const TRAILING: &[char] = &[
    ')', ']', '"', '\'', '>', ',', '.', ';', ':', '!', '?', '*', '`',
];

/// lowercase or Capitalized; not ALLCAPS, not camelCase.
fn plain_case(word: &str) -> bool {
    word.bytes().skip(1).all(|b| b.is_ascii_lowercase())
}

pub fn check_english(cx: &mut Cx, prose: &Prose) {
    if !cx.on(Rule::Typo) {
        return;
    }
    let base = cx.post().body_offset;
    for seg in &prose.segments {
        let text = prose.text(seg);
        if text.is_ascii() && text.len() < 3 {
            continue;
        }
        for (r, word) in english_words(text) {
            let Some(fixes) = typos_dict::WORD.find(&UniCase::new(word)) else {
                continue;
            };
            let at = seg.range.start + r.start;
            // Two neighbouring letters swapped (Depoly, Andorid) is a slip of the
            // fingers, never a name: it is reported even where names are skipped.
            let swapped = fixes.iter().any(|f| is_transposition(word, f));
            let name = is_name(text, r.clone(), word, cx.style())
                || in_own_link_url(prose, at, word)
                || (word.starts_with(|c: char| c.is_ascii_uppercase()) && in_link_text(prose, at));
            if name && !swapped {
                continue;
            }
            if fixes.is_empty() {
                continue;
            }
            let fixes: Vec<String> = fixes.iter().map(|f| same_case(word, f)).collect();
            let span = seg.range.start + r.start..seg.range.start + r.end;
            let list = fixes
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            if let Some(f) = cx.at_body(
                Rule::Typo,
                span.clone(),
                format!("`{word}` is a misspelling of {list}"),
            ) {
                f.help(format!("write {list}"));
                if fixes.len() == 1 {
                    f.fix(base + span.start..base + span.end, fixes[0].clone());
                }
            }
        }
    }
}

/// A capitalised word that is not the first of an English sentence is a name
/// (Big Sur, Wirth, 用 Canva 做图); so is one the site writes in several posts, and
/// a word next to its Chinese transliteration in brackets (坎瓦（Canva）).
fn is_name(text: &str, r: Range<usize>, word: &str, style: &super::SiteStyle) -> bool {
    let before = &text[..r.start];
    let after = &text[r.end..];
    let bracketed = (before.ends_with(['（', '('])
        && before[..before.len() - before.chars().next_back().map_or(0, char::len_utf8)]
            .chars()
            .next_back()
            .is_some_and(super::spacing::is_han))
        || ((after.starts_with('（') || after.starts_with('('))
            && after.chars().nth(1).is_some_and(super::spacing::is_han));
    if !word.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    if bracketed {
        return true;
    }
    if style.names.contains(word) {
        return true;
    }
    // Offine-Text-Translate: a capitalised part of a hyphenated name.
    let hyphenated = after
        .strip_prefix('-')
        .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_uppercase()))
        || before
            .strip_suffix('-')
            .is_some_and(|b| b.ends_with(|c: char| c.is_ascii_alphabetic()));
    if hyphenated {
        return true;
    }
    // The first word of a sentence is capitalised anyway: only that one is judged.
    let lead = before.trim_end_matches([' ', '"', '\'', '(', '*', '`', '“']);
    let sentence_start = lead.is_empty() || lead.ends_with(['.', '!', '?', ':']);
    !sentence_start || {
        // … unless the next word is capitalised too (Big Sur at the start of a line).
        after
            .strip_prefix(' ')
            .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_uppercase()))
    }
}

/// `fix` is `word` with two neighbouring letters swapped (case aside).
fn is_transposition(word: &str, fix: &str) -> bool {
    let (a, b) = (word.as_bytes(), fix.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len())
        .filter(|&i| !a[i].eq_ignore_ascii_case(&b[i]))
        .collect();
    diff.len() == 2
        && diff[1] == diff[0] + 1
        && a[diff[0]].eq_ignore_ascii_case(&b[diff[1]])
        && a[diff[1]].eq_ignore_ascii_case(&b[diff[0]])
}

/// The word is in a link's text: a capitalised word there is part of the title of
/// someone else's page or project, quoted as it is.
fn in_link_text(prose: &Prose, at: usize) -> bool {
    prose.links.iter().any(|(_, range)| range.contains(&at))
}

/// The word is part of the address its link points to (`[Canva](https://canva.com)`).
fn in_own_link_url(prose: &Prose, at: usize, word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    prose
        .links
        .iter()
        .any(|(url, range)| range.contains(&at) && url.to_ascii_lowercase().contains(&lower))
}

fn same_case(word: &str, fix: &str) -> String {
    if word.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut c = fix.chars();
        c.next()
            .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
    } else {
        fix.to_string()
    }
}

fn strip_scheme(s: &str) -> &str {
    s.strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s)
}

/// `[check] known`: a token within edit distance 1 (short identifiers) or 2 of one
/// of the account's identifiers, but not equal to it, is a mis-spelling of it.
pub fn check_known(cx: &mut Cx, prose: &Prose) {
    let known = &cx.checker().typos.known;
    if known.is_empty() || !cx.on(Rule::Typo) {
        return;
    }
    let mut hits = Vec::new();
    let mut look = |start: usize, token: &str| {
        if let Some(hit) = near_known(known, token) {
            hits.push((start, token.len(), hit));
        }
    };
    for seg in &prose.segments {
        for (at, token) in ascii_tokens(prose.text(seg)) {
            look(seg.range.start + at, token);
        }
    }
    for (url, range) in &prose.links {
        if let Some(i) = prose.body[range.clone()].rfind(url.as_str()) {
            look(range.start + i, url);
        }
    }
    let base = cx.post().body_offset;
    for (start, len, (k, whole, end)) in hits {
        let span = start..start + if whole { len } else { end };
        if let Some(f) = cx.at_body(
            Rule::Typo,
            span.clone(),
            format!(
                "`{}` looks like a mis-spelling of `{k}`",
                &prose.body[span.clone()]
            ),
        ) {
            f.help(format!("this site's [check] known lists `{k}`"));
            if whole {
                f.fix(base + span.start..base + span.end, k.clone());
            }
        }
    }
}

/// (the known identifier, whether the whole token is the near miss, bytes of the
/// token that are) when `token` starts with a near miss of a known identifier.
fn near_known(known: &[(String, String)], token: &str) -> Option<(String, bool, usize)> {
    let lower = token.to_lowercase();
    let scheme = lower.len() - strip_scheme(&lower).len();
    let candidate = &lower[scheme..];
    for (original, k) in known {
        let max = if k.len() < 8 { 1 } else { 2 };
        if candidate.len() + max < k.len() {
            continue;
        }
        let mut best: Option<(usize, usize)> = None;
        for len in k.len().saturating_sub(max)..=k.len() + max {
            if len > candidate.len() || !candidate.is_char_boundary(len) {
                continue;
            }
            let d = strsim::levenshtein(&candidate[..len], k);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, len));
            }
        }
        match best {
            Some((0, _)) | None => {}
            Some((d, len)) if d <= max => {
                let stripped_known = strip_scheme(original);
                let fix = if scheme > 0 && stripped_known.len() == original.len() {
                    format!("{}{}", &token[..scheme], original)
                } else {
                    original.clone()
                };
                return Some((fix, len == candidate.len(), scheme + len));
            }
            Some(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_beyond_ascii_belong_to_the_word() {
        let words: Vec<&str> = english_words("François Müller and teh café")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(words, ["and", "teh"]);
    }

    #[test]
    fn names_are_told_from_misspellings() {
        let style = crate::check::SiteStyle::default();
        let name = |text: &str, word: &str| {
            let at = text.find(word).unwrap();
            is_name(text, at..at + word.len(), word, &style)
        };
        assert!(name("用 Canva 做图", "Canva"));
        assert!(name("Big Sur is out", "Big"));
        assert!(name("designed by Wirth in", "Wirth"));
        assert!(name("坎瓦（Canva）", "Canva"));
        assert!(name("Offine-Text-Translate 是", "Offine"));
        assert!(!name("Teh best way", "Teh"));
        assert!(!name("It works. Teh end", "Teh"));
        assert!(!name("this is teh way", "teh"));
        assert!(!name("属性（attribue）与", "attribue"));
        assert!(is_transposition("Depoly", "deploy"));
        assert!(is_transposition("Andorid", "Android"));
        assert!(!is_transposition("Canva", "Canvas"));
        assert!(!is_transposition("Wirth", "With"));
    }

    #[test]
    fn english_words_skip_identifiers_urls_and_acronyms() {
        let words: Vec<&str> = english_words(
            "用teh工具, see my_teh and https://teh.example/teh v1.teh HTTP TeH Teh recieve-it",
        )
        .into_iter()
        .map(|(_, w)| w)
        .collect();
        assert_eq!(words, ["teh", "see", "and", "Teh", "recieve"]);
    }

    #[test]
    fn dictionary_knows_common_misspellings_and_not_common_words() {
        for typo in ["teh", "recieve", "seperate", "occured"] {
            assert!(
                typos_dict::WORD.find(&UniCase::new(typo)).is_some(),
                "{typo}"
            );
        }
        for word in [
            "the", "receive", "separate", "rust", "cargo", "wechat", "markdown",
        ] {
            assert!(
                typos_dict::WORD.find(&UniCase::new(word)).is_none(),
                "{word}"
            );
        }
    }

    #[test]
    fn near_known_identifiers() {
        let e = English::new(&[
            "hello@wxpress.dev".into(),
            "https://wxpress.dev".into(),
            "abc".into(),
        ]);
        assert_eq!(near_known(&e.known, "hello@wxpress.dev"), None);
        assert_eq!(
            near_known(&e.known, "helo@wxpress.dev"),
            Some(("hello@wxpress.dev".into(), true, 16))
        );
        assert_eq!(near_known(&e.known, "https://wxpress.dev/blog"), None);
        assert_eq!(
            near_known(&e.known, "https://wxpres.dev/blog"),
            Some(("https://wxpress.dev".into(), false, 18))
        );
        assert_eq!(
            near_known(&e.known, "abd"),
            None,
            "short identifiers are not compared"
        );
        assert_eq!(near_known(&e.known, "example.com"), None);
    }
}
