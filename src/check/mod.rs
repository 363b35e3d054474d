//! Check: the editorial review every post gets before it reaches WeChat — lengths,
//! advertising-law terms, induced sharing, typos, spacing, punctuation, covers and
//! images. One rule per file; each has a stable id (used in config, suppressions and
//! JSON output) and a default severity that `[check.rules]` can change.
//!
//! The word lists of all text rules are compiled once per site into one automaton
//! (`lexicon::Lexicon`) held by [`Checker`]; a post's prose is scanned in one pass.

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
mod style;
mod summary_length;
mod title_length;
mod typo;
mod words;

use crate::config::Config;
use crate::content::Post;
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::render::Article;
pub use crate::rules::{unknown_rule, Rule, RuleInfo, Source, RULES};
use std::ops::Range;
use std::path::Path;
pub use style::SiteStyle;
use Severity::{Error, Warning};

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
/// severities and the compiled word lists. Built once, in [`crate::site::Site::load`].
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
    space_digits: crate::config::SpaceDigits,
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
            space_digits: check.space_digits,
        })
    }

    pub fn level(&self, rule: Rule) -> Option<Severity> {
        self.levels[rule as usize]
    }
}

/// Every diagnostic the checks raise for one post. `style` is the site's house
/// style, measured over all its posts ([`SiteStyle::measure`]).
pub fn check_post(
    checker: &Checker,
    style: &SiteStyle,
    post: &Post,
    article: Option<&Article>,
) -> Vec<Diagnostic> {
    check_post_findings(checker, style, post, article)
        .into_iter()
        .map(|f| f.diagnostic)
        .collect()
}

/// Like [`check_post`], keeping the safe fix of each finding (for `wxpress check --fix`).
pub fn check_post_findings(
    checker: &Checker,
    style: &SiteStyle,
    post: &Post,
    article: Option<&Article>,
) -> Vec<Finding> {
    let index = LineIndex::new(&post.text);
    let mut cx = Cx {
        checker,
        style,
        post,
        promotes: std::cell::OnceCell::new(),
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
    spacing::check(&mut cx, &prose, style);
    punctuation::check(&mut cx, &prose);
    image::check(&mut cx, &prose, &checker.root, article);
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
    style: &'a SiteStyle,
    post: &'a Post,
    /// Whether the post promotes anything anywhere, found on first need.
    promotes: std::cell::OnceCell<bool>,
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

    pub fn style(&self) -> &'a SiteStyle {
        self.style
    }

    /// The post promotes something somewhere (in its title, summary or body): a
    /// commercial collocation, a self-promotion phrase, one of the site's brands.
    /// Only then is a bare superlative worth a warning.
    pub fn promotes(&self) -> bool {
        *self.promotes.get_or_init(|| {
            let meta = &self.post.meta;
            let texts = [
                Some(meta.title.as_str()),
                meta.summary.as_deref(),
                Some(self.post.body()),
            ];
            texts.into_iter().flatten().any(|text| {
                let mut found = false;
                self.checker.lexicon.scan(text, |r, kind| {
                    found |= matches!(
                        kind,
                        lexicon::Kind::Brand
                            | lexicon::Kind::Banned {
                                class: lexicon::AdClass::Claim,
                                ..
                            }
                    ) && words::self_reference(text, r);
                });
                found
            })
        })
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
