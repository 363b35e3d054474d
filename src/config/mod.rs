//! `config.toml`: parsed with serde, validated, and every problem reported with the
//! line and column of the offending key or value.

mod validate;

pub use validate::{is_slug, serde_diagnostic};

use serde::Deserialize;
use std::collections::BTreeMap;
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
    #[serde(default)]
    pub content: ContentConfig,
    #[serde(default)]
    pub images: ImagesConfig,
    #[serde(default)]
    pub stats: StatsConfig,
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
    /// Every post of this column is an advertisement (`ad = true` unless the post
    /// says `ad = false`): the strict advertising-law word list applies.
    #[serde(default)]
    pub ads: bool,
}

impl Column {
    pub fn slug(&self) -> &str {
        self.slug.get_ref()
    }
}

/// The keys a post's front matter may set (`content::front_matter` reads them);
/// here so that `[content] aliases` can be checked against them.
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "summary",
    "cover",
    "column",
    "schedule",
    "author",
    "wip",
    "draft",
    "source_url",
    "comments",
    "position",
    "check",
    "ad",
    "cover_focus",
    "article_type",
];

/// Front-matter keys other tools write that mean one of ours (`key = "ours"`),
/// unless `[content] aliases` says otherwise.
pub const DEFAULT_ALIASES: &[(&str, &str)] = &[("description", "summary")];

/// Front-matter keys Hugo, Jekyll, Hexo and wenyan write that mean nothing to a
/// WeChat article; read and dropped, besides those in `[content] ignore_keys`.
pub const DEFAULT_IGNORE_KEYS: &[&str] = &[
    "date",
    "lastmod",
    "publishDate",
    "expiryDate",
    "updated",
    "tags",
    "categories",
    "keywords",
    "series",
    "slug",
    "url",
    "permalink",
    "aliases",
    "layout",
    "type",
    "weight",
    "toc",
    "math",
    "mathjax",
    "isCJKLanguage",
    "published",
    "sticky",
];

/// `[content]`: how posts written for other tools are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContentConfig {
    /// `their_key = "our_key"`: a front-matter key read as one of ours, e.g.
    /// `date = "schedule"`. Added to (and overriding) [`DEFAULT_ALIASES`].
    pub aliases: BTreeMap<String, Spanned<String>>,
    /// Front-matter keys to read and drop, besides [`DEFAULT_IGNORE_KEYS`].
    pub ignore_keys: Vec<String>,
    /// A post without front matter takes its first `# ` heading as its title.
    pub title_from_heading: bool,
}

impl Default for ContentConfig {
    fn default() -> Self {
        ContentConfig {
            aliases: BTreeMap::new(),
            ignore_keys: Vec::new(),
            title_from_heading: true,
        }
    }
}

impl ContentConfig {
    /// The key of ours that `key` stands for, if it is an alias.
    pub fn alias(&self, key: &str) -> Option<&str> {
        if let Some(target) = self.aliases.get(key) {
            return Some(target.get_ref());
        }
        DEFAULT_ALIASES
            .iter()
            .find(|(from, _)| *from == key)
            .map(|(_, to)| *to)
    }

    /// Whether `key` is read and dropped (an alias wins over this).
    pub fn ignored(&self, key: &str) -> bool {
        DEFAULT_IGNORE_KEYS.contains(&key) || self.ignore_keys.iter().any(|k| k == key)
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
    /// Whether Chinese and numbers (2019年, 3月, 29%) are spaced: the site's own
    /// majority (`auto`), always, or never required.
    pub space_digits: SpaceDigits,
    /// The site's own brand and product names: an absolute term next to one is an
    /// advertising claim (an error), not ordinary prose.
    pub brands: Vec<String>,
}

/// `[check] space_digits`: the house style for a space between Chinese and numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpaceDigits {
    /// Follow the majority of the site's own posts (measured once per build).
    #[default]
    Auto,
    /// Always a space: `2019 年`.
    Always,
    /// Never required: `2019年` and `2019 年` both pass.
    Never,
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
            space_digits: SpaceDigits::Auto,
            brands: Vec::new(),
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
    /// A post without a cover uses its first image (local, or a fetched remote
    /// one) as the cover.
    pub cover_from_first_image: bool,
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

/// `[stats]`: when `publish --daemon` fetches the data API's numbers. Validated
/// (and `fetch_time` filled in) by [`Config::parse`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatsConfig {
    /// The time of day, "HH:MM" **China time** (the account's days, whatever
    /// `[site] timezone` is), after which yesterday's numbers are fetched.
    pub fetch_at: Option<Spanned<String>>,
    #[serde(skip, default = "default_fetch_time")]
    pub fetch_time: jiff::civil::Time,
}

/// WeChat asks callers of the data API to query the day before "after 8 a.m.
/// every day" (数据统计接口介绍, "请于每天上午8点后查询…前一天的数据"); an hour
/// later leaves room for the late days developers report in the open community.
pub const DEFAULT_FETCH_AT: &str = "09:00";

fn default_fetch_time() -> jiff::civil::Time {
    jiff::civil::time(9, 0, 0, 0)
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            fetch_at: None,
            fetch_time: default_fetch_time(),
        }
    }
}

/// `[images]`: how pictures are made fit for WeChat's upload (see `images`).
/// Validated by [`Config::parse`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Wider images are scaled down to this many pixels (WeChat shows ~677).
    pub max_width: Option<Spanned<u32>>,
    /// Processed images are re-encoded until they are at most this many bytes.
    pub max_bytes: Option<Spanned<u64>>,
    /// The JPEG quality tried first, 1 to 100.
    pub jpeg_quality: Option<Spanned<u8>>,
    /// Keep EXIF, XMP and text metadata (camera, location) in images sent as written.
    pub keep_metadata: bool,
}

pub const DEFAULT_IMAGE_MAX_WIDTH: u32 = 1080;
/// 1 MB (the upload's limit) less a margin of 24 KB.
pub const DEFAULT_IMAGE_MAX_BYTES: u64 = 1000 * 1024;
pub const DEFAULT_JPEG_QUALITY: u8 = 85;

impl ImagesConfig {
    pub fn max_width(&self) -> u32 {
        self.max_width
            .as_ref()
            .map_or(DEFAULT_IMAGE_MAX_WIDTH, |v| *v.get_ref())
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
            .as_ref()
            .map_or(DEFAULT_IMAGE_MAX_BYTES, |v| *v.get_ref())
    }

    pub fn jpeg_quality(&self) -> u8 {
        self.jpeg_quality
            .as_ref()
            .map_or(DEFAULT_JPEG_QUALITY, |v| *v.get_ref())
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

impl PublishMode {
    /// The mode as config.toml and `--mode` write it.
    pub fn name(self) -> &'static str {
        match self {
            PublishMode::Draft => "draft",
            PublishMode::Publish => "publish",
            PublishMode::Broadcast => "broadcast",
        }
    }
}

/// Which kind of account `[wechat] account` names; the API behaves by it.
pub use crate::wechat::types::AccountKind;

/// The longest entry a word list may have: lists hold words and phrases, and a
/// pasted paragraph would make the word automaton (built once per run) huge.
pub const WORD_MAX_CHARS: usize = 64;

impl Config {
    pub fn column(&self, slug: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.slug() == slug)
    }
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
    fn images_settings_default_and_are_range_checked_at_the_value() {
        let c = Config::parse("[site]\nname = \"x\"\n").unwrap();
        assert_eq!(
            (
                c.images.max_width(),
                c.images.max_bytes(),
                c.images.jpeg_quality(),
                c.images.keep_metadata
            ),
            (1080, 1000 * 1024, 85, false)
        );
        let c = Config::parse(
            "[site]\nname = \"x\"\n[images]\nmax_width = 720\nkeep_metadata = true\n",
        )
        .unwrap();
        assert_eq!((c.images.max_width(), c.images.keep_metadata), (720, true));
        let e = errors(
            "[site]\nname = \"x\"\n[images]\nmax_bytes = 2000000\njpeg_quality = 0\nmax_width = 50\n",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with(
                "config.toml:6:13: error[config]: [images] max_width = 50 is out of range"
            ),
            "{e:?}"
        );
        assert!(e[1].starts_with("config.toml:4:13: error[config]: [images] max_bytes = 2000000 is out of range\n  help: use 16384 to 1048575 bytes"), "{e:?}");
        assert!(
            e[2].starts_with(
                "config.toml:5:16: error[config]: [images] jpeg_quality = 0 is out of range"
            ),
            "{e:?}"
        );
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
    fn stats_fetch_at_defaults_to_nine_and_is_checked_at_the_value() {
        let c = Config::parse("[site]\nname = \"x\"\n").unwrap();
        assert_eq!(c.stats.fetch_time, jiff::civil::time(9, 0, 0, 0));
        let c = Config::parse("[site]\nname = \"x\"\n[stats]\nfetch_at = \"10:30\"\n").unwrap();
        assert_eq!(c.stats.fetch_time, jiff::civil::time(10, 30, 0, 0));
        assert_eq!(
            errors("[site]\nname = \"x\"\n[stats]\nfetch_at = \"9am\"\n"),
            ["config.toml:4:12: error[config]: [stats] fetch_at = \"9am\" is not a time of day\n  help: write a 24-hour \"HH:MM\" time, China time, after 08:00 (when WeChat has yesterday's numbers), e.g. fetch_at = \"09:00\""]
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
    fn china_timezone_names_suggest_shanghai() {
        for name in ["Asia/Beijing", "Beijing", "China"] {
            let e = errors(&format!("[site]\nname = \"x\"\ntimezone = \"{name}\"\n"));
            assert!(e[0].contains("did you mean `Asia/Shanghai`?"), "{e:?}");
        }
    }

    #[test]
    fn a_duplicate_table_is_named() {
        let e =
            errors("[site]\nname = \"x\"\n[schedule]\ngrace = \"1h\"\n[schedule]\nslots = []\n");
        assert!(e[0].contains("duplicate key `schedule`"), "{e:?}");
    }

    #[test]
    fn content_aliases_must_name_our_keys() {
        let e = errors("[site]\nname = \"x\"\n[content]\naliases = { date = \"schedul\", title = \"summary\" }\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains("`date` = \"schedul\" names no front-matter key"),
            "{e:?}"
        );
        assert!(e[0].contains("did you mean `schedule`?"), "{e:?}");
        assert!(
            e[1].contains("`title` is a front-matter key of its own"),
            "{e:?}"
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
