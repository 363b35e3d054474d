//! The word-list rules on prose, reported from one scan of the shared lexicon:
//! `banned-ad`, `induced-sharing`, `sensitive-word`, Chinese `typo` and the Chinese
//! `repeated-word` (的的). Also loads sensitive-word files and the clickbait list.

use super::lexicon::{entries, Kind};
use super::prose::Prose;
use super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Pos};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::path::Path;

pub fn check(cx: &mut Cx, prose: &Prose) {
    let base = cx.post().body_offset;
    for seg in &prose.segments {
        scan(cx, prose.text(seg), Where::Text(base + seg.range.start));
    }
}

/// The title and summary are read first of all: the same lists apply to them.
/// Fixes are never offered there, since `--fix` leaves front matter alone.
pub fn check_front_matter(cx: &mut Cx) {
    let post = cx.post();
    for (key, value) in [
        ("title", Some(&post.meta.title)),
        ("summary", post.meta.summary.as_ref()),
    ] {
        let Some(value) = value else { continue };
        let at = match value_offset(cx, key, value) {
            Some(offset) => Where::FrontMatter(offset),
            None => Where::Key(post.value_pos(key)),
        };
        scan(cx, value, at);
    }
}

/// Where a scanned text is in the file.
#[derive(Clone, Copy)]
enum Where {
    /// Body text starting at this byte of the file: exact spans, fixable.
    Text(usize),
    /// Front-matter value starting at this byte: exact spans, not fixable.
    FrontMatter(usize),
    /// Front-matter value not written verbatim (escapes): point at the value.
    Key(Pos),
}

/// Byte offset in the file where a front-matter value's text starts, if it is
/// written verbatim on the key's line.
pub fn value_offset(cx: &Cx, key: &str, value: &str) -> Option<usize> {
    let span = cx.post().keys.get(key)?;
    let line_start = cx.index.line_start(span.value.line);
    let line = cx.index.line_text(span.value.line);
    let from = line
        .char_indices()
        .nth(span.value.column.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    line[from..].find(value).map(|i| line_start + from + i)
}

fn scan(cx: &mut Cx, text: &str, at: Where) {
    let mut hits = Vec::new();
    cx.checker()
        .lexicon
        .scan(text, |r, kind| hits.push((r, kind.clone())));
    for (r, kind) in hits {
        let word = &text[r.clone()];
        let (rule, message, help, fix): (Rule, String, String, Option<String>) = match kind {
            Kind::Allow => continue,
            Kind::Banned { site: true } => (
                Rule::BannedAd,
                format!("`{word}` is on this site's banned list"),
                "remove it or reword; the list is [check.words] banned in config.toml".into(),
                None,
            ),
            Kind::Banned { site: false } => (
                Rule::BannedAd,
                format!("`{word}` is an absolute term the Advertising Law forbids (广告法极限词)"),
                "state a checkable fact instead; if this is not a claim, add the phrase to [check.words] allow".into(),
                None,
            ),
            Kind::Induced => (
                Rule::InducedSharing,
                format!("`{word}` makes sharing or following a condition or the price of a reward (诱导分享/关注)"),
                "WeChat restricts such articles: offer the content or reward without asking readers to share or follow".into(),
                None,
            ),
            Kind::Sensitive(file) => (
                Rule::SensitiveWord,
                format!("`{word}` is a sensitive word (listed in {file})"),
                "remove or reword it".into(),
                None,
            ),
            Kind::Typo(right) => (
                Rule::Typo,
                format!("`{word}` is a common mis-writing of `{right}`"),
                format!("write `{right}`"),
                Some(right),
            ),
            Kind::Repeated(one) => (
                Rule::RepeatedWord,
                format!("`{word}`: `{one}` is written twice"),
                format!("keep one `{one}`"),
                Some(one),
            ),
        };
        let finding = match at {
            Where::Text(base) | Where::FrontMatter(base) => {
                cx.at_text(rule, base + r.start..base + r.end, message)
            }
            Where::Key(pos) => cx.at_pos(rule, pos, message),
        };
        if let Some(f) = finding {
            f.help(help);
            if let (Where::Text(base), Some(fix)) = (at, fix) {
                f.fix(base + r.start..base + r.end, fix);
            }
        }
    }
}

/// Reads the site's sensitive-word files: (name as configured, words).
pub fn read_sensitive_files(
    root: &Path,
    files: &[String],
) -> Result<Vec<(String, Vec<String>)>, Vec<Diagnostic>> {
    let mut lists = Vec::new();
    let mut errors = Vec::new();
    for name in files {
        let read = crate::content::resolve_in_site(root, root, name)
            .map_err(|problem| problem.message("the file", name))
            .and_then(|path| std::fs::read_to_string(path).map_err(|e| e.to_string()));
        match read {
            Ok(text) => {
                let words: Vec<String> = entries(&text).map(str::to_string).collect();
                let max = crate::config::WORD_MAX_CHARS;
                match words.iter().position(|e| e.chars().count() > max) {
                    Some(i) => errors.push(
                        Diagnostic::error(crate::config::FILE, Pos::START, "config", format!("sensitive-word file `{name}`: entry {} is over {max} characters", i + 1))
                            .with_suggestion("one word or phrase per line"),
                    ),
                    None => lists.push((name.clone(), words)),
                }
            }
            Err(e) => errors.push(
                Diagnostic::error(crate::config::FILE, Pos::START, "config", format!("cannot read sensitive-word file `{name}`: {e}"))
                    .with_suggestion("paths in [check.words] sensitive_files are relative to the site root; one word per line"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(lists)
    } else {
        Err(errors)
    }
}

const CLICKBAIT: &str = include_str!("../../data/words/clickbait-title.txt");

/// The 标题党 patterns, matched against titles only.
pub struct Clickbait {
    automaton: AhoCorasick,
}

impl Clickbait {
    pub fn new() -> Clickbait {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(entries(CLICKBAIT))
            .expect("the built-in clickbait list compiles");
        Clickbait { automaton }
    }

    /// (byte offset, pattern) of every pattern in `title`.
    pub fn find<'t>(&self, title: &'t str) -> Vec<(usize, &'t str)> {
        self.automaton
            .find_iter(title)
            .map(|m| (m.start(), &title[m.range()]))
            .collect()
    }
}
