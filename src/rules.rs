//! The rule table: every check rule's stable id (used in config, suppressions and
//! JSON output), its default severity and which stage reports it. It sits low in
//! the module order so that config can validate `[check.rules]` without knowing
//! the checks themselves.

use crate::diagnostic::{did_you_mean, Diagnostic, LineIndex, Severity};
use Severity::{Error, Warning};

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
    TitleHeading,
    DeprecatedKey,
    ColumnFolder,
    SchedulePosition,
    EmphasisUnparsed,
    RawHtml,
    Math,
    Diagram,
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
}

pub const RULES: &[RuleInfo] = &[
    info(Rule::TitleLength, "title-length", Error),
    info(Rule::TitleApiLimit, "title-api-limit", Error),
    info(Rule::SummaryLength, "summary-length", Warning),
    info(Rule::BodyLength, "body-length", Warning),
    info(Rule::ContentSize, "content-size", Error),
    info(Rule::BannedAd, "banned-ad", Error),
    info(Rule::InducedSharing, "induced-sharing", Error),
    info(Rule::ClickbaitTitle, "clickbait-title", Warning),
    info(Rule::SensitiveWord, "sensitive-word", Error),
    info(Rule::Typo, "typo", Warning),
    info(Rule::Spacing, "spacing", Warning),
    info(Rule::Punctuation, "punctuation", Warning),
    info(Rule::RepeatedWord, "repeated-word", Warning),
    RuleInfo {
        rule: Rule::FrontMatter,
        id: "front-matter",
        default: Error,
        source: Source::Loader,
    },
    RuleInfo {
        rule: Rule::ColumnUnknown,
        id: "column-unknown",
        default: Error,
        source: Source::Loader,
    },
    // A warning while writing (a post in progress builds); `publish` refuses a
    // post without a cover whatever this says.
    info(Rule::CoverMissing, "cover-missing", Warning),
    info(Rule::CoverImage, "cover-image", Warning),
    RuleInfo {
        rule: Rule::ImageMissing,
        id: "image-missing",
        default: Error,
        source: Source::Renderer,
    },
    info(Rule::ImageTooLarge, "image-too-large", Error),
    info(Rule::ScheduleOverfull, "schedule-overfull", Error),
    info(Rule::ScheduleQuota, "schedule-quota", Error),
    info(Rule::ScheduleSlot, "schedule-slot", Warning),
    info(Rule::SchedulePast, "schedule-past", Warning),
    info(Rule::TitleHeading, "title-heading", Warning),
    info(Rule::DeprecatedKey, "deprecated-key", Warning),
    info(Rule::ColumnFolder, "column-folder", Warning),
    info(Rule::SchedulePosition, "schedule-position", Error),
    RuleInfo {
        rule: Rule::EmphasisUnparsed,
        id: "emphasis-unparsed",
        default: Error,
        source: Source::Renderer,
    },
    RuleInfo {
        rule: Rule::RawHtml,
        id: "raw-html",
        default: Warning,
        source: Source::Renderer,
    },
    // A formula or diagram that cannot be drawn would reach readers as raw
    // source: an error, never relaxed.
    RuleInfo {
        rule: Rule::Math,
        id: "math",
        default: Error,
        source: Source::Renderer,
    },
    RuleInfo {
        rule: Rule::Diagram,
        id: "diagram",
        default: Error,
        source: Source::Renderer,
    },
];

const fn info(rule: Rule, id: &'static str, default: Severity) -> RuleInfo {
    RuleInfo {
        rule,
        id,
        default,
        source: Source::Check,
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
pub fn validate_rules(
    rules: &std::collections::BTreeMap<String, toml::Spanned<String>>,
    index: &LineIndex,
    file: &str,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (id, level) in rules {
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
