//! Check: the editorial review every post gets before it reaches WeChat — lengths,
//! advertising-law terms, induced sharing, typos, spacing, punctuation, covers and
//! images. One rule per file; each has a stable id (used in config, suppressions and
//! JSON output) and a default severity that `[check.rules]` can change.
//!
//! The word lists of all text rules are compiled once per site into one automaton
//! ([`lexicon::Lexicon`]) held by [`Checker`]; a post's prose is scanned in one pass.

mod body_length;
mod clickbait_title;
mod content_size;
mod cover;
pub mod fix;
mod image;
mod lexicon;
mod prose;
mod punctuation;
mod repeated_word;
pub mod report;
mod spacing;
mod summary_length;
mod title_length;
mod typo;
mod words;

use crate::config::{CheckConfig, Config};
use crate::content::Post;
use crate::diagnostic::{did_you_mean, Diagnostic, LineIndex, Severity};
use crate::render::Article;
use std::ops::Range;
use std::path::Path;

/// Every rule wxpress knows, in the order of the documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    TitleLength,
    TitleApiLimit,
    SummaryLength,
    BodyLength,
    ContentSize,
    BannedAd,
    InducedSharing,
    ClickbaitTitle,
    SensitiveWord,
    Typo,
    Spacing,
    Punctuation,
    RepeatedWord,
    FrontMatter,
    ColumnUnknown,
    CoverMissing,
    CoverImage,
    ImageMissing,
    ImageTooLarge,
    ScheduleOverfull,
    ScheduleQuota,
    ScheduleSlot,
    SchedulePast,
}

/// Who reports a rule: the checker itself, or an earlier stage (loading the post or
/// rendering it), whose errors stop the post before checks run and cannot be relaxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Check,
    Loader,
    Renderer,
}

pub struct RuleInfo {
    pub rule: Rule,
    pub id: &'static str,
    pub default: Severity,
    pub source: Source,
    pub about: &'static str,
}

use Severity::{Error, Warning};

pub const RULES: &[RuleInfo] = &[
    info(
        Rule::TitleLength,
        "title-length",
        Error,
        "title wider than [check] title_max (CJK 1, ASCII 0.5)",
    ),
    info(
        Rule::TitleApiLimit,
        "title-api-limit",
        Error,
        "title over 64 characters (the draft API rejects it)",
    ),
    info(
        Rule::SummaryLength,
        "summary-length",
        Warning,
        "summary missing or over summary_max (error over 120)",
    ),
    info(
        Rule::BodyLength,
        "body-length",
        Warning,
        "body text over body_max characters",
    ),
    info(
        Rule::ContentSize,
        "content-size",
        Error,
        "rendered HTML at or over 20,000 characters or 1 MB",
    ),
    info(
        Rule::BannedAd,
        "banned-ad",
        Error,
        "Advertising Law absolute terms and [check.words] banned",
    ),
    info(
        Rule::InducedSharing,
        "induced-sharing",
        Error,
        "sharing or following as a condition or for a reward",
    ),
    info(
        Rule::ClickbaitTitle,
        "clickbait-title",
        Warning,
        "标题党 patterns in the title",
    ),
    info(
        Rule::SensitiveWord,
        "sensitive-word",
        Error,
        "words from [check.words] sensitive_files",
    ),
    info(
        Rule::Typo,
        "typo",
        Warning,
        "mis-written Chinese words, English misspellings, [check.typos], mis-spelled [check] known",
    ),
    info(
        Rule::Spacing,
        "spacing",
        Warning,
        "missing space between CJK and Latin, extra space around full-width punctuation",
    ),
    info(
        Rule::Punctuation,
        "punctuation",
        Warning,
        "half-width punctuation in Chinese, straight quotes, ！！！, unbalanced brackets",
    ),
    info(
        Rule::RepeatedWord,
        "repeated-word",
        Warning,
        "的的, 了了, \"the the\"",
    ),
    RuleInfo {
        rule: Rule::FrontMatter,
        id: "front-matter",
        default: Error,
        source: Source::Loader,
        about: "missing title, invalid value",
    },
    RuleInfo {
        rule: Rule::ColumnUnknown,
        id: "column-unknown",
        default: Error,
        source: Source::Loader,
        about: "column not declared in [[columns]]",
    },
    info(
        Rule::CoverMissing,
        "cover-missing",
        Error,
        "no cover, or the file does not exist",
    ),
    info(
        Rule::CoverImage,
        "cover-image",
        Warning,
        "cover not jpg/png, over 10 MB, or far from 2.35:1",
    ),
    RuleInfo {
        rule: Rule::ImageMissing,
        id: "image-missing",
        default: Error,
        source: Source::Renderer,
        about: "a local image that does not exist",
    },
    info(
        Rule::ImageTooLarge,
        "image-too-large",
        Error,
        "a body image over 1 MB or not jpg/png",
    ),
    info(
        Rule::ScheduleOverfull,
        "schedule-overfull",
        Error,
        "more than 8 articles in one push",
    ),
    info(
        Rule::ScheduleQuota,
        "schedule-quota",
        Error,
        "broadcast pushes beyond the account's quota",
    ),
    info(
        Rule::ScheduleSlot,
        "schedule-slot",
        Warning,
        "a push outside [schedule] slots",
    ),
    info(
        Rule::SchedulePast,
        "schedule-past",
        Warning,
        "scheduled in the past, not in the ledger, beyond grace",
    ),
];

const fn info(rule: Rule, id: &'static str, default: Severity, about: &'static str) -> RuleInfo {
    RuleInfo {
        rule,
        id,
        default,
        source: Source::Check,
        about,
    }
}

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        RULES.iter().find(|r| r.id == id).map(|r| r.rule)
    }
}

/// Every rule id, for validation and "did you mean".
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

/// A diagnostic for an unknown rule id, with the closest known one.
pub fn unknown_rule(
    file: &str,
    pos: crate::diagnostic::Pos,
    rule: &str,
    id: &str,
    context: &str,
) -> Diagnostic {
    let d = Diagnostic::error(file, pos, rule, format!("unknown rule `{id}` in {context}"));
    match did_you_mean(id, rule_ids()) {
        Some(s) => d.with_suggestion(format!("did you mean `{s}`?")),
        None => d.with_suggestion(format!(
            "known rules: {}",
            rule_ids().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Validates `[check.rules]`: ids must exist, and rules reported by an earlier stage
/// cannot be turned off (their errors stop the post before it can be checked).
pub fn validate_rules(config: &CheckConfig, index: &LineIndex, file: &str) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (id, level) in &config.rules {
        let pos = index.pos(level.span().start);
        match Rule::from_id(id) {
            None => errors.push(unknown_rule(file, pos, "config", id, "[check.rules]")),
            Some(rule) if rule.info().source != Source::Check && level.get_ref() != "error" => {
                errors.push(
                    Diagnostic::error(file, pos, "config", format!("`{id}` cannot be relaxed: it is reported while loading or rendering the post"))
                        .with_suggestion("fix the post instead, or remove this line"),
                )
            }
            Some(_) => {}
        }
    }
    errors
}

/// A diagnostic together with the edit that fixes it, when the fix is safe.
#[derive(Debug, Clone)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub fix: Option<fix::Edit>,
    /// Byte offset in the post's text, for `wxpress-ignore` blocks.
    pub offset: Option<usize>,
    pub rule: Rule,
}

/// Everything the checks need that is the same for every post of a site: resolved
/// severities and the compiled word lists. Built once, in [`Site::load`].
pub struct Checker {
    /// The site's folder: covers and images are looked up under it.
    root: std::path::PathBuf,
    levels: Vec<Option<Severity>>,
    lexicon: lexicon::Lexicon,
    clickbait: words::Clickbait,
    typos: typo::English,
    title_max: f64,
    summary_max: usize,
    body_max: usize,
}

impl Checker {
    /// Compiles the site's word lists. Sensitive-word files that cannot be read are errors.
    pub fn new(root: &Path, config: &Config) -> Result<Checker, Vec<Diagnostic>> {
        let check = &config.check;
        let levels = RULES
            .iter()
            .map(
                |r| match check.rules.get(r.id).map(|l| l.get_ref().as_str()) {
                    Some("off") => None,
                    Some("warning") => Some(Warning),
                    Some("error") => Some(Error),
                    _ => Some(r.default),
                },
            )
            .collect();
        let sensitive = words::read_sensitive_files(root, &check.words.sensitive_files)?;
        Ok(Checker {
            root: root.to_path_buf(),
            levels,
            lexicon: lexicon::Lexicon::build(check, &sensitive),
            clickbait: words::Clickbait::new(),
            typos: typo::English::new(&check.known),
            title_max: check.title_max,
            summary_max: check.summary_max,
            body_max: check.body_max,
        })
    }

    pub fn level(&self, rule: Rule) -> Option<Severity> {
        self.levels[rule as usize]
    }
}

/// Every diagnostic the checks raise for one post.
pub fn check_post(checker: &Checker, post: &Post, article: Option<&Article>) -> Vec<Diagnostic> {
    check_post_findings(checker, post, article)
        .into_iter()
        .map(|f| f.diagnostic)
        .collect()
}

/// Like [`check_post`], keeping the safe fix of each finding (for `wxpress check --fix`).
pub fn check_post_findings(
    checker: &Checker,
    post: &Post,
    article: Option<&Article>,
) -> Vec<Finding> {
    let index = LineIndex::new(&post.text);
    let mut cx = Cx {
        checker,
        post,
        index: &index,
        off: Vec::new(),
        findings: Vec::new(),
    };
    cx.read_post_off();

    title_length::check(&mut cx);
    clickbait_title::check(&mut cx);
    words::check_front_matter(&mut cx);
    summary_length::check(&mut cx);
    cover::check(&mut cx, &checker.root);

    let prose = prose::Prose::parse(post.body());
    cx.report_ignore_errors(&prose);
    body_length::check(&mut cx, &prose);
    words::check(&mut cx, &prose);
    typo::check_english(&mut cx, &prose);
    typo::check_known(&mut cx, &prose);
    repeated_word::check_english(&mut cx, &prose);
    spacing::check(&mut cx, &prose);
    punctuation::check(&mut cx, &prose);
    image::check(&mut cx, &prose, &checker.root);
    if let Some(article) = article {
        content_size::check(&mut cx, article);
    }

    let mut findings = cx.findings;
    findings.retain(|f| {
        !prose.is_ignored(
            f.rule.id(),
            f.offset.and_then(|o| o.checked_sub(post.body_offset)),
        )
    });
    findings.sort_by(|a, b| {
        let (a, b) = (&a.diagnostic, &b.diagnostic);
        (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule))
    });
    findings
}

/// The state of checking one post: where findings go and which rules are on.
pub(crate) struct Cx<'a> {
    checker: &'a Checker,
    post: &'a Post,
    index: &'a LineIndex<'a>,
    /// Rules the post turned off with `check.off`.
    off: Vec<Rule>,
    findings: Vec<Finding>,
}

impl<'a> Cx<'a> {
    fn read_post_off(&mut self) {
        for id in &self.post.meta.check_off {
            match Rule::from_id(id) {
                Some(rule) => self.off.push(rule),
                None => {
                    // Point at the id itself when it is written on the `check` line.
                    let mut pos = self.post.value_pos("check");
                    let line = self.index.line_text(pos.line);
                    if let Some(i) = line.find(&format!("\"{id}\"")) {
                        pos.column = line[..i].chars().count() + 2;
                    }
                    let d = unknown_rule(&self.post.source, pos, "front-matter", id, "check.off");
                    self.findings.push(Finding {
                        diagnostic: d,
                        fix: None,
                        offset: None,
                        rule: Rule::FrontMatter,
                    });
                }
            }
        }
    }

    fn report_ignore_errors(&mut self, prose: &prose::Prose) {
        for (range, id) in prose.unknown_ignores() {
            let pos = self.index.pos(self.post.body_offset + range.start);
            let d = unknown_rule(
                &self.post.source,
                pos,
                "front-matter",
                id,
                "<!-- wxpress-ignore -->",
            );
            self.findings.push(Finding {
                diagnostic: d,
                fix: None,
                offset: None,
                rule: Rule::FrontMatter,
            });
        }
    }

    /// The severity `rule` has for this post, `None` when it is off.
    pub fn level(&self, rule: Rule) -> Option<Severity> {
        if self.off.contains(&rule) {
            return None;
        }
        self.checker.level(rule)
    }

    pub fn on(&self, rule: Rule) -> bool {
        self.level(rule).is_some()
    }

    pub fn checker(&self) -> &'a Checker {
        self.checker
    }

    pub fn post(&self) -> &'a Post {
        self.post
    }

    /// Reports at a span of the body (byte offsets into `post.body()`).
    pub fn at_body(
        &mut self,
        rule: Rule,
        span: Range<usize>,
        message: String,
    ) -> Option<&mut Finding> {
        let base = self.post.body_offset;
        self.at_text(rule, base + span.start..base + span.end, message)
    }

    /// Reports at a span of the whole file (byte offsets into `post.text`).
    pub fn at_text(
        &mut self,
        rule: Rule,
        span: Range<usize>,
        message: String,
    ) -> Option<&mut Finding> {
        let severity = self.level(rule)?;
        let start = self.index.pos(span.start);
        let end = self.index.pos(span.end);
        let d =
            Diagnostic::new(&self.post.source, start, rule.id(), severity, message).with_end(end);
        self.findings.push(Finding {
            diagnostic: d,
            fix: None,
            offset: Some(span.start),
            rule,
        });
        self.findings.last_mut()
    }

    /// Reports at a front-matter position (a key's line), with no byte span.
    pub fn at_pos(
        &mut self,
        rule: Rule,
        pos: crate::diagnostic::Pos,
        message: String,
    ) -> Option<&mut Finding> {
        let severity = self.level(rule)?;
        let d = Diagnostic::new(&self.post.source, pos, rule.id(), severity, message);
        self.findings.push(Finding {
            diagnostic: d,
            fix: None,
            offset: None,
            rule,
        });
        self.findings.last_mut()
    }
}

impl Finding {
    pub fn help(&mut self, suggestion: impl Into<String>) -> &mut Self {
        self.diagnostic.suggestion = Some(suggestion.into());
        self
    }

    /// A safe fix: replace the byte span of `post.text` this finding covers.
    pub fn fix(&mut self, span: Range<usize>, replacement: impl Into<String>) -> &mut Self {
        self.fix = Some(fix::Edit {
            span,
            replacement: replacement.into(),
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_enum_order_and_ids_are_unique() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.rule as usize, i, "{}", r.id);
            assert_eq!(Rule::from_id(r.id), Some(r.rule));
        }
        let mut ids: Vec<_> = rule_ids().collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }
}
