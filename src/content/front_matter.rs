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
    pub draft: Option<bool>,
    pub source_url: Option<String>,
    pub comments: Option<Comments>,
    pub position: Option<u32>,
    pub check: Option<CheckOverride>,
}

pub const KEYS: &[&str] = &[
    "title",
    "summary",
    "cover",
    "column",
    "schedule",
    "author",
    "draft",
    "source_url",
    "comments",
    "position",
    "check",
];

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

/// Deserializes the front matter, mapping the error to a file position.
pub fn parse(file: &str, text: &str, split: &Split) -> Result<RawFrontMatter, Diagnostic> {
    let index = LineIndex::new(text);
    let result = match split.format {
        Format::Toml => toml::from_str::<RawFrontMatter>(split.front).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            (split.front_offset + offset, e.message().to_string())
        }),
        Format::Yaml => {
            if split.front.trim().is_empty() {
                Ok(RawFrontMatter::default())
            } else {
                serde_norway::from_str::<RawFrontMatter>(split.front).map_err(|e| {
                    let offset = e.location().map_or(0, |l| l.index());
                    let message = e.to_string();
                    // serde_norway appends " at line L column C"; we give our own position.
                    let message = message
                        .split(" at line ")
                        .next()
                        .unwrap_or(&message)
                        .to_string();
                    (split.front_offset + offset, message)
                })
            }
        }
    };
    result.map_err(|(offset, message)| {
        let d = serde_diagnostic(file, index.pos(offset), "front-matter", &message);
        add_field_help(d)
    })
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
            parse("a.md", &text, &s).map(|fm| fm.comments)
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
        let fm = parse("a.md", text, &s).unwrap();
        assert_eq!(
            fm.schedule,
            Some(DateText("2026-12-01T12:00:00+08:00".into()))
        );
    }

    #[test]
    fn yaml_errors_point_at_the_key() {
        let text = "---\ntitle: 标题\ntitel: x\n---\n";
        let s = split(text).unwrap();
        let d = parse("a.md", text, &s).unwrap_err();
        assert_eq!(
            d.to_string(),
            "a.md:3:1: error[front-matter]: unknown key `titel`\n  help: did you mean `title`?"
        );
        let text = "---\ntitle: 标题\ndraft: maybe\n---\n";
        let s = split(text).unwrap();
        let d = parse("a.md", text, &s).unwrap_err();
        assert_eq!((d.line, d.column), (3, 8), "{d}");
        assert!(d.message.contains("expected a boolean"), "{d}");
        assert_eq!(
            d.suggestion.as_deref(),
            Some("write true or false, without quotes")
        );
    }

    #[test]
    fn toml_errors_point_at_the_value() {
        let text = "+++\ntitle = \"标题\"\nposition = \"一\"\n+++\n";
        let s = split(text).unwrap();
        let d = parse("a.md", text, &s).unwrap_err();
        assert_eq!((d.line, d.column), (3, 12), "{d}");
        assert!(d.suggestion.unwrap().contains("whole number"));
    }
}
