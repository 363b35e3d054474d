//! `config.toml`: parsed with serde, validated, and every problem reported with the
//! line and column of the offending key or value.

use crate::diagnostic::{did_you_mean, Diagnostic, LineIndex, Pos};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

pub const FILE: &str = "config.toml";
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";
pub const DEFAULT_THEME: &str = "default";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub check: CheckConfig,
    #[serde(default)]
    pub wechat: WechatConfig,
    #[serde(default)]
    pub schedule: ScheduleConfig,
    /// Resolved from `site.timezone` by [`Config::parse`].
    #[serde(skip, default = "utc")]
    pub tz: jiff::tz::TimeZone,
}

fn utc() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::UTC
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub name: String,
    pub timezone: Option<Spanned<String>>,
    pub theme: Option<Spanned<String>>,
    pub author: Option<String>,
}

impl SiteConfig {
    pub fn theme(&self) -> &str {
        self.theme.as_ref().map_or(DEFAULT_THEME, |t| t.get_ref())
    }

    pub fn timezone(&self) -> &str {
        self.timezone
            .as_ref()
            .map_or(DEFAULT_TIMEZONE, |t| t.get_ref())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    pub slug: Spanned<String>,
    /// A partial under the theme's `templates/partials/`, rendered above the article.
    pub header: Option<Spanned<String>>,
    /// A partial under the theme's `templates/partials/`, rendered below the article.
    pub footer: Option<Spanned<String>>,
    /// Default cover for posts of this column that set none.
    pub cover: Option<String>,
}

impl Column {
    pub fn slug(&self) -> &str {
        self.slug.get_ref()
    }
}

/// `[check]`: limits and word lists for `wxpress check`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Title display width limit (CJK = 1, ASCII = 0.5).
    pub title_max: f64,
    pub summary_max: usize,
    pub body_max: usize,
    /// The account's own identifiers (email, handle, URL) to catch mis-spelled.
    pub known: Vec<String>,
    /// Per-rule severity override: "off", "warning" or "error".
    pub rules: BTreeMap<String, Spanned<String>>,
    pub words: WordsConfig,
    /// Site-specific typo pairs: wrong = "right".
    pub typos: BTreeMap<String, String>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            title_max: 14.0,
            summary_max: 80,
            body_max: 3000,
            known: Vec::new(),
            rules: BTreeMap::new(),
            words: WordsConfig::default(),
            typos: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WordsConfig {
    pub banned: Vec<String>,
    pub allow: Vec<String>,
    /// Files (relative to the site root) with one sensitive word per line.
    pub sensitive_files: Vec<String>,
}

/// `[wechat]`: the account and how posts reach it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WechatConfig {
    pub appid: Option<String>,
    pub mode: PublishMode,
    pub account: AccountKind,
    pub api_base: Option<String>,
}

/// `[schedule]`: when pushes should go out. Validated (and the parsed values
/// filled in) by [`Config::parse`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleConfig {
    /// Preferred push times of day, "HH:MM" in the site's timezone; a post
    /// scheduled at another time gets a `schedule-slot` warning. Empty: any time.
    pub slots: Vec<Spanned<String>>,
    /// How late a push may still go out automatically, e.g. "6h" or "90m".
    pub grace: Option<Spanned<String>>,
    #[serde(skip)]
    pub slot_times: Vec<jiff::civil::Time>,
    #[serde(skip, default = "default_grace")]
    pub grace_duration: jiff::SignedDuration,
}

pub const DEFAULT_GRACE: &str = "6h";

fn default_grace() -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(6)
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            slots: Vec::new(),
            grace: None,
            slot_times: Vec::new(),
            grace_duration: default_grace(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishMode {
    /// Create a draft; a person presses publish in the WeChat backend.
    #[default]
    Draft,
    /// `freepublish/submit`: on the account page, no push notification.
    Publish,
    /// `message/mass/sendall`: pushed to followers, counts toward the quota.
    Broadcast,
}

/// Which kind of account `[wechat] account` names; the API behaves by it.
pub use crate::wechat::types::AccountKind;

/// The longest entry a word list may have: lists hold words and phrases, and a
/// pasted paragraph would make the word automaton (built once per run) huge.
pub const WORD_MAX_CHARS: usize = 64;

/// Entries of `[check.words]`, `[check] known` and `[check.typos]` over
/// [`WORD_MAX_CHARS`], each at the place it is written.
fn word_list_errors(check: &CheckConfig, text: &str, index: &LineIndex) -> Vec<Diagnostic> {
    let lists: [(&str, Vec<&String>); 4] = [
        ("[check.words] banned", check.words.banned.iter().collect()),
        ("[check.words] allow", check.words.allow.iter().collect()),
        ("[check] known", check.known.iter().collect()),
        (
            "[check.typos]",
            check.typos.iter().flat_map(|(k, v)| [k, v]).collect(),
        ),
    ];
    let mut errors = Vec::new();
    for (list, entries) in lists {
        for entry in entries {
            let chars = entry.chars().count();
            if chars <= WORD_MAX_CHARS {
                continue;
            }
            let head: String = entry.chars().take(12).collect();
            let pos = text
                .find(head.as_str())
                .map_or(crate::diagnostic::Pos::START, |at| index.pos(at));
            errors.push(
                Diagnostic::error(
                    FILE,
                    pos,
                    "config",
                    format!("an entry of {list} has {chars} characters (`{head}…`); entries are words or phrases of at most {WORD_MAX_CHARS}"),
                )
                .with_suggestion("split it into the words you mean, or remove it"),
            );
        }
    }
    errors
}

impl Config {
    /// Reads and validates `root/config.toml`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![Diagnostic::error(FILE, Pos::START, "config", format!("cannot read {FILE}: {e}"))
                .with_suggestion(
                    "run wxpress in a site folder (one with config.toml), pass --root DIR, or create a site with `wxpress init DIR`",
                )]
        })?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let index = LineIndex::new(text);
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let pos = e.span().map_or(Pos::START, |s| index.pos(s.start));
            vec![serde_diagnostic(FILE, pos, "config", e.message())]
        })?;
        let mut errors = Vec::new();
        let at = |span: std::ops::Range<usize>| index.pos(span.start);

        let tz_name = config.site.timezone().to_string();
        match jiff::tz::db().get(&tz_name) {
            Ok(tz) => config.tz = tz,
            Err(_) => {
                let pos = config
                    .site
                    .timezone
                    .as_ref()
                    .map_or(Pos::START, |t| at(t.span()));
                let names: Vec<String> =
                    jiff::tz::db().available().map(|n| n.to_string()).collect();
                let mut d =
                    Diagnostic::error(FILE, pos, "config", format!("unknown timezone `{tz_name}`"));
                d = match did_you_mean(&tz_name, names.iter().map(String::as_str)) {
                    Some(s) => d.with_suggestion(format!(
                        "did you mean `{s}`? Use an IANA name such as \"Asia/Shanghai\""
                    )),
                    None => d.with_suggestion("use an IANA name such as \"Asia/Shanghai\""),
                };
                errors.push(d);
            }
        }

        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        for column in &config.columns {
            let slug = column.slug();
            let pos = at(column.slug.span());
            if !is_slug(slug) {
                errors.push(
                    Diagnostic::error(FILE, pos, "config", format!("column slug `{slug}` is not a valid slug"))
                        .with_suggestion("use lowercase ASCII letters, digits and hyphens, e.g. slug = \"tech-notes\""),
                );
            } else if seen.insert(slug, ()).is_some() {
                errors.push(
                    Diagnostic::error(
                        FILE,
                        pos,
                        "config",
                        format!("column slug `{slug}` is declared twice"),
                    )
                    .with_suggestion("give every [[columns]] entry its own slug"),
                );
            }
        }
        for (rule, level) in &config.check.rules {
            if !matches!(level.get_ref().as_str(), "off" | "warning" | "error") {
                errors.push(
                    Diagnostic::error(
                        FILE,
                        at(level.span()),
                        "config",
                        format!(
                            "[check.rules] {rule} = \"{}\" is not a level",
                            level.get_ref()
                        ),
                    )
                    .with_suggestion("use \"off\", \"warning\" or \"error\""),
                );
            }
        }
        errors.extend(crate::rules::validate_rules(
            &config.check.rules,
            &index,
            FILE,
        ));
        errors.extend(word_list_errors(&config.check, text, &index));
        for slot in &config.schedule.slots {
            match parse_slot(slot.get_ref()) {
                Some(t) => config.schedule.slot_times.push(t),
                None => errors.push(
                    Diagnostic::error(
                        FILE,
                        at(slot.span()),
                        "config",
                        format!(
                            "[schedule] slot \"{}\" is not a time of day",
                            slot.get_ref()
                        ),
                    )
                    .with_suggestion(
                        "write 24-hour \"HH:MM\" times, e.g. slots = [\"12:00\", \"20:30\"]",
                    ),
                ),
            }
        }
        if let Some(grace) = &config.schedule.grace {
            match grace.get_ref().parse::<jiff::SignedDuration>() {
                Ok(d) if !d.is_negative() => config.schedule.grace_duration = d,
                _ => errors.push(
                    Diagnostic::error(
                        FILE,
                        at(grace.span()),
                        "config",
                        format!(
                            "[schedule] grace = \"{}\" is not a duration",
                            grace.get_ref()
                        ),
                    )
                    .with_suggestion("write a duration such as \"6h\", \"90m\" or \"1h 30m\""),
                ),
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    pub fn column(&self, slug: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.slug() == slug)
    }
}

/// "HH:MM" (or "HH:MM:SS"), 24-hour.
fn parse_slot(text: &str) -> Option<jiff::civil::Time> {
    let text = text.trim();
    if text.len() < 5 || text.as_bytes()[2] != b':' {
        return None;
    }
    text.parse().ok()
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Turns a serde error message into a diagnostic, adding "did you mean" for unknown
/// keys: serde's messages list the expected keys, which is all we need to suggest one.
pub fn serde_diagnostic(file: &str, pos: Pos, rule: &str, message: &str) -> Diagnostic {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            let d = Diagnostic::error(file, pos, rule, format!("unknown key `{field}`"));
            return match did_you_mean(field, known.iter().copied()) {
                Some(s) => d.with_suggestion(format!("did you mean `{s}`?")),
                None if known.is_empty() => d.with_suggestion("remove this key"),
                None => d.with_suggestion(format!("known keys here: {}", known.join(", "))),
            };
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return Diagnostic::error(file, pos, rule, format!("missing required key `{field}`"))
            .with_suggestion(format!("add `{field} = …`"));
    }
    Diagnostic::error(file, pos, rule, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        Config::parse(text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse("[site]\nname = \"测试号\"\n").unwrap();
        assert_eq!(c.site.theme(), "default");
        assert_eq!(c.site.timezone(), "Asia/Shanghai");
        assert_eq!(c.tz.iana_name(), Some("Asia/Shanghai"));
        assert_eq!(c.check.title_max, 14.0);
        assert_eq!(c.wechat.mode, PublishMode::Draft);
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = errors("[site]\nname = \"x\"\nthem = \"default\"\n");
        assert_eq!(
            e,
            ["config.toml:3:1: error[config]: unknown key `them`\n  help: did you mean `theme`?"]
        );
    }

    #[test]
    fn unknown_table_is_named() {
        let e = errors("[site]\nname = \"x\"\n[wechats]\nappid = \"a\"\n");
        assert!(
            e[0].starts_with("config.toml:3:2: error[config]: unknown key `wechats`"),
            "{e:?}"
        );
        assert!(e[0].contains("did you mean `wechat`?"), "{e:?}");
    }

    #[test]
    fn bad_timezone_points_at_value() {
        let e = errors("[site]\nname = \"x\"\ntimezone = \"Asia/Shangai\"\n");
        assert_eq!(
            e,
            ["config.toml:3:12: error[config]: unknown timezone `Asia/Shangai`\n  help: did you mean `Asia/Shanghai`? Use an IANA name such as \"Asia/Shanghai\""]
        );
    }

    #[test]
    fn all_column_problems_are_reported_together() {
        let e = errors(
            "[site]\nname = \"x\"\n[[columns]]\nname = \"A\"\nslug = \"Tech News\"\n[[columns]]\nname = \"B\"\nslug = \"b\"\n[[columns]]\nname = \"C\"\nslug = \"b\"\n",
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with(
            "config.toml:5:8: error[config]: column slug `Tech News` is not a valid slug"
        ));
        assert!(
            e[1].starts_with("config.toml:11:8: error[config]: column slug `b` is declared twice")
        );
    }

    #[test]
    fn wrong_type_and_missing_field() {
        let e = errors("[site]\nname = 3\n");
        assert!(
            e[0].starts_with(
                "config.toml:2:8: error[config]: invalid type: integer `3`, expected a string"
            ),
            "{e:?}"
        );
        let e = errors("[site]\ntheme = \"default\"\n");
        assert!(e[0].contains("missing required key `name`"), "{e:?}");
    }

    #[test]
    fn bad_mode_and_rule_level() {
        let e = errors("[site]\nname = \"x\"\n[wechat]\nmode = \"push\"\n");
        assert!(
            e[0].starts_with("config.toml:4:8: error[config]: unknown variant `push`"),
            "{e:?}"
        );
        let e = errors("[site]\nname = \"x\"\n[check.rules]\ntypo = \"loud\"\n");
        assert!(
            e[0].starts_with(
                "config.toml:4:8: error[config]: [check.rules] typo = \"loud\" is not a level"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let e = errors("[site]\nname = \"x\n");
        assert!(e[0].starts_with("config.toml:2:"), "{e:?}");
    }

    #[test]
    fn schedule_defaults_and_values() {
        let c = Config::parse("[site]\nname = \"x\"\n").unwrap();
        assert!(c.schedule.slot_times.is_empty());
        assert_eq!(
            c.schedule.grace_duration,
            jiff::SignedDuration::from_hours(6)
        );
        let c = Config::parse(
            "[site]\nname = \"x\"\n[schedule]\nslots = [\"12:00\", \"20:30\"]\ngrace = \"90m\"\n",
        )
        .unwrap();
        assert_eq!(
            c.schedule.slot_times,
            [
                jiff::civil::time(12, 0, 0, 0),
                jiff::civil::time(20, 30, 0, 0)
            ]
        );
        assert_eq!(
            c.schedule.grace_duration,
            jiff::SignedDuration::from_mins(90)
        );
    }

    #[test]
    fn bad_schedule_values_point_at_value() {
        let e = errors(
            "[site]\nname = \"x\"\n[schedule]\nslots = [\"12:00\", \"25:00\", \"noon\"]\ngrace = \"six hours\"\n",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with(
                "config.toml:4:19: error[config]: [schedule] slot \"25:00\" is not a time of day"
            ),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("config.toml:4:28: error[config]: [schedule] slot \"noon\""),
            "{e:?}"
        );
        assert!(
            e[2].starts_with("config.toml:5:9: error[config]: [schedule] grace = \"six hours\" is not a duration"),
            "{e:?}"
        );
        let e = errors("[site]\nname = \"x\"\n[schedule]\nslot = [\"12:00\"]\n");
        assert!(e[0].contains("unknown key `slot`"), "{e:?}");
        assert!(e[0].contains("did you mean `slots`?"), "{e:?}");
    }
}
