//! Front matter: TOML between `+++` lines or YAML between `---` lines, deserialized
//! into one typed struct so both formats get the same fields and the same errors.

use crate::config::serde_diagnostic;
use crate::diagnostic::{Diagnostic, LineIndex, Pos};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A post's source cut into its front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    pub format: Format,
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why a file could not be split: position and (message, suggestion).
pub type SplitError = (Pos, String, String);

pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let fence = text[start..first_line_end].trim_end();
    let format =
        match fence {
            "+++" => Format::Toml,
            "---" => Format::Yaml,
            _ => return Err((
                Pos::START,
                "missing front matter".into(),
                "start the file with a `+++` line, then `title = \"…\"`, then a closing `+++` line"
                    .into(),
            )),
        };
    let front_offset = (first_line_end + 1).min(text.len());
    let mut offset = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == fence || (format == Format::Yaml && trimmed == "...") {
            let body_offset = offset + line.len();
            return Ok(Split {
                format,
                front: &text[front_offset..offset],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err((
        Pos::START,
        format!("front matter opened with `{fence}` is never closed"),
        format!("add a line with just `{fence}` after the last front-matter key"),
    ))
}

/// The fields a post may set. Unknown keys are errors, never silently dropped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub cover: Option<String>,
    pub column: Option<String>,
    pub schedule: Option<DateText>,
    pub author: Option<String>,
    /// `wip = true`: work in progress, left out of build, schedule and publish.
    pub wip: Option<bool>,
    /// The old name of `wip`, read the same with a `deprecated-key` warning: it
    /// read like WeChat's own 草稿 (what `--mode draft` makes).
    pub draft: Option<bool>,
    pub source_url: Option<String>,
    pub comments: Option<Comments>,
    pub position: Option<u32>,
    pub check: Option<CheckOverride>,
    /// An advertisement: the strict advertising-law word list applies.
    pub ad: Option<bool>,
    /// Where the cover's 2.35:1 and 1:1 crops are centred.
    pub cover_focus: Option<CoverFocus>,
    /// `news` (an article, the default) or `newspic` (an image post, 小绿书).
    pub article_type: Option<ArticleType>,
    /// The front matter did not parse (a syntax error): nothing in it was read.
    #[serde(skip)]
    pub unreadable: bool,
}

pub use crate::config::FRONT_MATTER_KEYS as KEYS;

/// `comments = "off" | "all" | "fans"`: who may comment (the draft API's
/// `need_open_comment` and `only_fans_can_comment`). `true` and `false`, as older
/// posts write it, mean "all" and "off".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Comments {
    Off,
    #[default]
    All,
    Fans,
}

impl Comments {
    /// `need_open_comment`.
    pub fn open(self) -> u8 {
        u8::from(self != Comments::Off)
    }

    /// `only_fans_can_comment`.
    pub fn fans_only(self) -> u8 {
        u8::from(self == Comments::Fans)
    }
}

impl<'de> Deserialize<'de> for Comments {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CommentsVisitor;
        impl Visitor<'_> for CommentsVisitor {
            type Value = Comments;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"off\", \"all\" or \"fans\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Comments, E> {
                Ok(if v { Comments::All } else { Comments::Off })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Comments, E> {
                match v {
                    "off" => Ok(Comments::Off),
                    "all" => Ok(Comments::All),
                    "fans" => Ok(Comments::Fans),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(CommentsVisitor)
    }
}

/// `cover_focus = "center" | "top" | [x, y]`: the point of the cover the chat
/// list's 2.35:1 and 1:1 crops keep in view, x and y in 0..1 of its width and
/// height from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum CoverFocus {
    #[default]
    Center,
    Top,
    Point(f64, f64),
}

impl CoverFocus {
    pub fn focus(self) -> crate::wechat::crop::Focus {
        use crate::wechat::crop::Focus;
        match self {
            CoverFocus::Center => Focus::CENTER,
            CoverFocus::Top => Focus::TOP,
            CoverFocus::Point(x, y) => Focus { x, y },
        }
    }
}

const COVER_FOCUS_EXPECTED: &str = "\"center\", \"top\" or a point [x, y] with x and y from 0 to 1";

impl<'de> Deserialize<'de> for CoverFocus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FocusVisitor;
        impl<'de> Visitor<'de> for FocusVisitor {
            type Value = CoverFocus;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(COVER_FOCUS_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CoverFocus, E> {
                match v {
                    "center" | "centre" => Ok(CoverFocus::Center),
                    "top" => Ok(CoverFocus::Top),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<CoverFocus, A::Error> {
                let mut xy = Vec::new();
                while let Some(v) = seq.next_element::<f64>()? {
                    xy.push(v);
                }
                match xy.as_slice() {
                    [x, y] if (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y) => {
                        Ok(CoverFocus::Point(*x, *y))
                    }
                    [x, y] => Err(de::Error::custom(format!(
                        "cover_focus [{x}, {y}] is outside the cover: x and y go from 0 (left, top) to 1 (right, bottom)"
                    ))),
                    _ => Err(de::Error::invalid_length(xy.len(), &self)),
                }
            }
        }
        d.deserialize_any(FocusVisitor)
    }
}

/// `article_type`: what kind of draft-API article a post becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleType {
    /// An article (图文消息): HTML body, a cover.
    #[default]
    News,
    /// An image post (图片消息, 小绿书): up to 20 pictures and plain text.
    Newspic,
}

impl ArticleType {
    /// The draft API's `article_type`.
    pub fn api_name(self) -> &'static str {
        match self {
            ArticleType::News => crate::wechat::limits::ARTICLE_TYPE_NEWS,
            ArticleType::Newspic => crate::wechat::limits::ARTICLE_TYPE_NEWSPIC,
        }
    }
}

/// `check.off = ["rule-id", …]`: rules this post turns off for itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOverride {
    #[serde(default)]
    pub off: Vec<String>,
}

/// A datetime as written: a string in YAML or TOML, or a bare TOML datetime.
/// Parsed later, once the site's timezone is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like 2026-12-01T12:00:00+08:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            // A bare TOML datetime arrives as a one-entry map holding its text.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateText, A::Error> {
                let (_, value): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("expected a datetime"))?;
                Ok(DateText(value))
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

/// Where a top-level key and its value start in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpan {
    pub key: Pos,
    pub value: Pos,
}

/// Finds top-level keys by their line: `key = …` (TOML) or `key: …` (YAML).
/// serde does not keep positions of valid values, and diagnostics about a value
/// (a bad schedule, a title too long) need to point at it.
pub fn key_spans(text: &str, split: &Split) -> BTreeMap<String, KeySpan> {
    let index = LineIndex::new(text);
    let mut spans = BTreeMap::new();
    let mut offset = split.front_offset;
    for line in split.front.split_inclusive('\n') {
        let name_len = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let rest = &line[name_len..];
        let sep = rest.trim_start_matches([' ', '\t']);
        if name_len > 0 && (sep.starts_with('=') || sep.starts_with(':') || sep.starts_with('.')) {
            let after_sep = &sep[1..];
            let value_start = line.len() - after_sep.trim_start_matches([' ', '\t']).len();
            spans
                .entry(line[..name_len].to_string())
                .or_insert(KeySpan {
                    key: index.pos(offset),
                    value: index.pos(offset + value_start),
                });
        }
        offset += line.len();
    }
    spans
}

/// One front-matter value as parsed, before it is read into its field.
enum Value {
    Toml(toml::Value),
    Yaml(serde_norway::Value),
}

impl Value {
    fn get<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        match self {
            Value::Toml(v) => v
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| e.message().to_string()),
            Value::Yaml(v) => serde_norway::from_value(v.clone()).map_err(|e| e.to_string()),
        }
    }
}

/// Reads the front matter: every problem of it at once (unknown keys, values of the
/// wrong type), each at its position, with the fields that could be read.
/// `[content] aliases` rename keys of other tools; `[content] ignore_keys` drop them.
pub fn parse(
    file: &str,
    text: &str,
    split: &Split,
    content: &crate::config::ContentConfig,
) -> (RawFrontMatter, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let at_offset = |offset: usize, message: &str| {
        add_field_help(serde_diagnostic(
            file,
            index.pos(split.front_offset + offset),
            "front-matter",
            message,
        ))
    };
    let entries: Vec<(String, Value)> = match split.format {
        Format::Toml => match toml::from_str::<toml::Table>(split.front) {
            Ok(table) => table
                .into_iter()
                .map(|(k, v)| (k, Value::Toml(v)))
                .collect(),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                return (
                    RawFrontMatter::default(),
                    vec![at_offset(offset, e.message())],
                );
            }
        },
        Format::Yaml if split.front.trim().is_empty() => Vec::new(),
        Format::Yaml => match serde_norway::from_str::<serde_norway::Mapping>(split.front) {
            Ok(map) => map
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        serde_norway::Value::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, Value::Yaml(v))
                })
                .collect(),
            Err(e) => {
                let offset = e.location().map_or(0, |l| l.index());
                let message = e.to_string();
                // serde_norway appends " at line L column C"; we give our own position.
                let message = message.split(" at line ").next().unwrap_or(&message);
                let raw = RawFrontMatter {
                    unreadable: true,
                    ..RawFrontMatter::default()
                };
                return (raw, vec![at_offset(offset, message)]);
            }
        },
    };
    let spans = key_spans(text, split);
    let key_pos = |key: &str| spans.get(key).map_or(Pos::START, |s| s.key);
    let value_pos = |key: &str| spans.get(key).map_or(Pos::START, |s| s.value);
    let written: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    let mut raw = RawFrontMatter::default();
    let mut errors = Vec::new();
    for (key, value) in &entries {
        let field = if KEYS.contains(&key.as_str()) {
            key.as_str()
        } else if let Some(target) = content.alias(key) {
            if written.contains(&target) {
                errors.push(
                    Diagnostic::error(
                        file,
                        key_pos(key),
                        "front-matter",
                        format!("`{key}` is read as `{target}` ([content] aliases), and `{target}` is set too"),
                    )
                    .with_suggestion(format!("keep one of `{key}` and `{target}`")),
                );
                continue;
            }
            target
        } else if content.ignored(key) {
            continue;
        } else {
            let d = Diagnostic::error(
                file,
                key_pos(key),
                "front-matter",
                format!("unknown key `{key}`"),
            );
            errors.push(match crate::diagnostic::did_you_mean(key, KEYS.iter().copied()) {
                Some(s) => d.with_suggestion(format!("did you mean `{s}`?")),
                None => d.with_suggestion(format!(
                    "known keys here: {}; to read a key of another tool as one of these, or to drop it, see [content] aliases and ignore_keys in config.toml",
                    KEYS.join(", ")
                )),
            });
            continue;
        };
        let mut read = |result: Result<(), String>| {
            if let Err(message) = result {
                let message = if field == key {
                    message
                } else {
                    format!("`{key}` (read as `{field}`): {message}")
                };
                errors.push(add_field_help(serde_diagnostic(
                    file,
                    value_pos(key),
                    "front-matter",
                    &message,
                )));
            }
        };
        match field {
            "title" => read(value.get().map(|v| raw.title = Some(v))),
            "summary" => read(value.get().map(|v| raw.summary = Some(v))),
            "cover" => read(value.get().map(|v| raw.cover = Some(v))),
            "column" => read(value.get().map(|v| raw.column = Some(v))),
            "schedule" => read(value.get().map(|v| raw.schedule = Some(v))),
            "author" => read(value.get().map(|v| raw.author = Some(v))),
            "wip" => read(value.get().map(|v| raw.wip = Some(v))),
            "draft" => read(value.get().map(|v| raw.draft = Some(v))),
            "source_url" => read(value.get().map(|v| raw.source_url = Some(v))),
            "comments" => read(value.get().map(|v| raw.comments = Some(v))),
            "position" => read(value.get().map(|v| raw.position = Some(v))),
            "check" => read(value.get().map(|v| raw.check = Some(v))),
            "ad" => read(value.get().map(|v| raw.ad = Some(v))),
            "cover_focus" => read(value.get().map(|v| raw.cover_focus = Some(v))),
            "article_type" => read(value.get().map(|v| raw.article_type = Some(v))),
            // Every name in KEYS has an arm above (the test
            // `every_key_has_a_reader` proves it); never panic on a writer's file.
            _ => {}
        }
    }
    crate::diagnostic::sort(&mut errors);
    (raw, errors)
}

/// Type errors say what serde expected; add how to write it.
fn add_field_help(d: Diagnostic) -> Diagnostic {
    if d.suggestion.is_some() {
        return d;
    }
    let help = if d.message.contains("expected a boolean") {
        "write true or false, without quotes"
    } else if d.message.contains("expected u32") || d.message.contains("expected a non-negative") {
        "write a whole number without quotes, e.g. position = 2"
    } else if d.message.contains("expected a date") {
        "write a quoted date like \"2026-12-01T12:00:00+08:00\""
    } else if d.message.contains("expected \"off\", \"all\" or \"fans\"") {
        "write comments = \"off\", \"all\" (anyone may comment) or \"fans\" (followers only)"
    } else if d.message.contains("\"center\", \"top\"") || d.message.contains("cover_focus") {
        "write cover_focus = \"center\", \"top\", or [x, y] such as [0.5, 0.3] (0 is the left or top edge, 1 the right or bottom)"
    } else if d.message.contains("variant `news`") {
        "write article_type = \"news\" (an article) or \"newspic\" (an image post, 小绿书)"
    } else if d.message.contains("expected a string") {
        "put the value in quotes"
    } else if d.message.contains("end of stream") || d.message.contains("unterminated") {
        "a quote or bracket is opened above and never closed"
    } else {
        return d;
    };
    d.with_suggestion(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_reader() {
        // A key of KEYS without its arm in `parse` would be accepted and dropped.
        let values = [
            ("title", "\"t\""),
            ("summary", "\"s\""),
            ("cover", "\"c.png\""),
            ("column", "\"tech\""),
            ("schedule", "\"2026-12-01T12:00:00+08:00\""),
            ("author", "\"a\""),
            ("wip", "true"),
            ("draft", "true"),
            ("source_url", "\"https://example.com\""),
            ("comments", "true"),
            ("position", "1"),
            ("check", "{ off = [\"typo\"] }"),
            ("ad", "true"),
            ("cover_focus", "[0.5, 0.25]"),
            ("article_type", "\"newspic\""),
        ];
        assert_eq!(
            values.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            KEYS,
            "a new front-matter key: add it here with a value"
        );
        let front: String = values.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        let text = format!("+++\n{front}+++\nbody\n");
        let s = split(&text).unwrap();
        let (raw, errors) = parse("p.md", &text, &s, &Default::default());
        assert!(errors.is_empty(), "{errors:?}");
        let debug = format!("{raw:?}");
        for (key, _) in values {
            assert!(
                !debug.contains(&format!("{key}: None")),
                "{key} was not read: {debug}"
            );
        }
    }

    #[test]
    fn splits_toml_and_yaml() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(
            (s.format, s.front, s.body),
            (Format::Toml, "title = \"a\"\n", "body\n")
        );
        let s = split("---\r\ntitle: a\r\n---\r\nbody").unwrap();
        assert_eq!(
            (s.format, s.front, s.body),
            (Format::Yaml, "title: a\r\n", "body")
        );
        let s = split("\u{feff}+++\n+++\n").unwrap();
        assert_eq!((s.front, s.body), ("", ""));
    }

    #[test]
    fn split_errors_say_how_to_fix() {
        let (pos, msg, help) = split("# 标题\n").unwrap_err();
        assert_eq!((pos, msg.as_str()), (Pos::START, "missing front matter"));
        assert!(help.contains("+++"));
        let (_, msg, help) = split("---\ntitle: a\n").unwrap_err();
        assert_eq!(msg, "front matter opened with `---` is never closed");
        assert!(help.contains("`---`"));
    }

    #[test]
    fn key_spans_find_both_formats() {
        let text = "+++\ntitle = \"标题\"\ncheck.off = [\"typo\"]\n+++\n";
        let s = split(text).unwrap();
        let spans = key_spans(text, &s);
        assert_eq!(
            spans["title"],
            KeySpan {
                key: Pos::new(2, 1),
                value: Pos::new(2, 9)
            }
        );
        assert_eq!(spans["check"].key, Pos::new(3, 1));
        let text = "---\ntitle:  标题\n  nested: 1\n---\n";
        let s = split(text).unwrap();
        let spans = key_spans(text, &s);
        assert_eq!(
            spans["title"],
            KeySpan {
                key: Pos::new(2, 1),
                value: Pos::new(2, 9)
            }
        );
        assert!(!spans.contains_key("nested"));
    }

    #[test]
    fn comments_take_off_all_fans_or_a_boolean() {
        let parse_comments = |value: &str| {
            let text = format!("+++\ntitle = \"a\"\ncomments = {value}\n+++\n");
            let s = split(&text).unwrap();
            let (fm, errors) = parse("a.md", &text, &s, &Default::default());
            match errors.into_iter().next() {
                None => Ok(fm.comments),
                Some(d) => Err(d),
            }
        };
        assert_eq!(parse_comments("\"fans\"").unwrap(), Some(Comments::Fans));
        assert_eq!(parse_comments("\"off\"").unwrap(), Some(Comments::Off));
        assert_eq!(parse_comments("true").unwrap(), Some(Comments::All));
        assert_eq!(parse_comments("false").unwrap(), Some(Comments::Off));
        let d = parse_comments("\"friends\"").unwrap_err();
        assert_eq!((d.line, d.column), (3, 12), "{d}");
        assert!(d.suggestion.unwrap().contains("\"fans\" (followers only)"));
        assert_eq!((Comments::Fans.open(), Comments::Fans.fans_only()), (1, 1));
        assert_eq!((Comments::All.open(), Comments::All.fans_only()), (1, 0));
        assert_eq!((Comments::Off.open(), Comments::Off.fans_only()), (0, 0));
    }

    #[test]
    fn bare_toml_datetime_is_accepted() {
        let text = "+++\ntitle = \"a\"\nschedule = 2026-12-01T12:00:00+08:00\n+++\n";
        let s = split(text).unwrap();
        let (fm, errors) = parse("a.md", text, &s, &Default::default());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            fm.schedule,
            Some(DateText("2026-12-01T12:00:00+08:00".into()))
        );
    }

    #[test]
    fn yaml_errors_point_at_the_key() {
        let text = "---\ntitle: 标题\ntitel: x\n---\n";
        let s = split(text).unwrap();
        let d = parse("a.md", text, &s, &Default::default()).1.remove(0);
        assert_eq!(
            d.to_string(),
            "a.md:3:1: error[front-matter]: unknown key `titel`\n  help: did you mean `title`?"
        );
        let text = "---\ntitle: 标题\ndraft: maybe\n---\n";
        let s = split(text).unwrap();
        let d = parse("a.md", text, &s, &Default::default()).1.remove(0);
        assert_eq!((d.line, d.column), (3, 8), "{d}");
        assert!(d.message.contains("expected a boolean"), "{d}");
        assert_eq!(
            d.suggestion.as_deref(),
            Some("write true or false, without quotes")
        );
    }

    #[test]
    fn every_problem_of_a_file_is_reported_in_file_order() {
        let text = "+++\ntitle = \"标题\"\nsumary = \"摘要\"\nshedule = \"2026-12-01\"\ncovr = \"a.png\"\ndraft = \"no\"\n+++\n";
        let s = split(text).unwrap();
        let (fm, errors) = parse("a.md", text, &s, &Default::default());
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "a.md:3:1: error[front-matter]: unknown key `sumary`\n  help: did you mean `summary`?",
                "a.md:4:1: error[front-matter]: unknown key `shedule`\n  help: did you mean `schedule`?",
                "a.md:5:1: error[front-matter]: unknown key `covr`\n  help: did you mean `cover`?",
                "a.md:6:9: error[front-matter]: invalid type: string \"no\", expected a boolean\n  help: write true or false, without quotes",
            ]
        );
        assert_eq!(
            fm.title.as_deref(),
            Some("标题"),
            "what could be read is read"
        );
    }

    #[test]
    fn aliases_and_ignored_keys_of_other_tools() {
        let text =
            "---\ntitle: 标题\ndescription: 摘要\ndate: 2020-01-01\ntags: [a]\nlayout: post\n---\n";
        let s = split(text).unwrap();
        let (fm, errors) = parse("a.md", text, &s, &Default::default());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.summary.as_deref(), Some("摘要"));
        assert_eq!(fm.schedule, None, "`date` is dropped unless aliased");
        let config = crate::config::Config::parse(
            "[site]\nname = \"x\"\n[content]\naliases = { date = \"schedule\" }\nignore_keys = [\"hero\"]\n",
        )
        .unwrap();
        let text = "---\ntitle: 标题\ndate: 2026-12-01T12:00:00\nhero: x.png\n---\n";
        let s = split(text).unwrap();
        let (fm, errors) = parse("a.md", text, &s, &config.content);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.schedule, Some(DateText("2026-12-01T12:00:00".into())));
        let text = "---\ntitle: 标题\ndescription: a\nsummary: b\n---\n";
        let s = split(text).unwrap();
        let (_, errors) = parse("a.md", text, &s, &config.content);
        assert_eq!(
            errors[0].to_string(),
            "a.md:3:1: error[front-matter]: `description` is read as `summary` ([content] aliases), and `summary` is set too\n  help: keep one of `description` and `summary`"
        );
    }

    #[test]
    fn toml_errors_point_at_the_value() {
        let text = "+++\ntitle = \"标题\"\nposition = \"一\"\n+++\n";
        let s = split(text).unwrap();
        let d = parse("a.md", text, &s, &Default::default()).1.remove(0);
        assert_eq!((d.line, d.column), (3, 12), "{d}");
        assert!(d.suggestion.unwrap().contains("whole number"));
    }
}
