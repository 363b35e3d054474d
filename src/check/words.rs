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
    let lexicon = &cx.checker().lexicon;
    for seg in &prose.segments {
        let text = prose.text(seg);
        let base = seg.range.start;
        let mut hits = Vec::new();
        lexicon.scan(text, |r, kind| hits.push((r, kind.clone())));
        for (r, kind) in hits {
            let word = &text[r.clone()];
            let span = base + r.start..base + r.end;
            let text_span = cx.post().body_offset + span.start..cx.post().body_offset + span.end;
            match kind {
                Kind::Allow => {}
                Kind::Banned { site } => {
                    let (message, help) = if site {
                        (
                            format!("`{word}` is on this site's banned list"),
                            "remove it or reword; the list is [check.words] banned in config.toml".to_string(),
                        )
                    } else {
                        (
                            format!("`{word}` is an absolute term the Advertising Law forbids (广告法极限词)"),
                            "state a checkable fact instead; if this is not a claim, add the phrase to [check.words] allow".to_string(),
                        )
                    };
                    if let Some(f) = cx.at_body(Rule::BannedAd, span, message) {
                        f.help(help);
                    }
                }
                Kind::Induced => {
                    if let Some(f) = cx.at_body(
                        Rule::InducedSharing,
                        span,
                        format!("`{word}` makes sharing or following a condition or the price of a reward (诱导分享/关注)"),
                    ) {
                        f.help("WeChat restricts such articles: offer the content or reward without asking readers to share or follow");
                    }
                }
                Kind::Sensitive(file) => {
                    if let Some(f) = cx.at_body(Rule::SensitiveWord, span, format!("`{word}` is a sensitive word (listed in {file})")) {
                        f.help("remove or reword it");
                    }
                }
                Kind::Typo(right) => {
                    if let Some(f) = cx.at_body(Rule::Typo, span, format!("`{word}` is a common mis-writing of `{right}`")) {
                        f.help(format!("write `{right}`")).fix(text_span, right);
                    }
                }
                Kind::Repeated(one) => {
                    if let Some(f) = cx.at_body(Rule::RepeatedWord, span, format!("`{word}`: `{one}` is written twice")) {
                        f.help(format!("keep one `{one}`")).fix(text_span, one);
                    }
                }
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
        let path = crate::content::resolve_path(root, root, name);
        match std::fs::read_to_string(&path) {
            Ok(text) => lists.push((name.clone(), entries(&text).map(str::to_string).collect())),
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
