//! Reading `config.toml`: parsing with serde, then every check serde cannot make
//! (time zones, slots, rule names, word lists), each problem at its position.

use super::{CheckConfig, Config, FILE, WORD_MAX_CHARS};
use crate::diagnostic::{did_you_mean, Diagnostic, LineIndex, Pos};
use std::collections::BTreeMap;
use std::path::Path;

/// Entries of `[check.words]`, `[check] known` and `[check.typos]` over
/// [`WORD_MAX_CHARS`], each at the place it is written.
fn word_list_errors(check: &CheckConfig, text: &str, index: &LineIndex) -> Vec<Diagnostic> {
    let lists: [(&str, Vec<&String>); 5] = [
        ("[check.words] banned", check.words.banned.iter().collect()),
        ("[check.words] allow", check.words.allow.iter().collect()),
        ("[check] known", check.known.iter().collect()),
        ("[check] brands", check.brands.iter().collect()),
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
            vec![Diagnostic::error(FILE, Pos::WHOLE_FILE, "config", format!("cannot read {}: {e}", path.display()))
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
            let written = e
                .span()
                .and_then(|s| text.get(s))
                .map(|k| k.trim().trim_matches(['[', ']']).trim())
                .filter(|k| !k.is_empty() && !k.contains('\n'));
            let d = match written {
                Some(key) if e.message().contains("duplicate key") => Diagnostic::error(
                    FILE,
                    pos,
                    "config",
                    format!("duplicate key `{key}`: it is already defined above"),
                )
                .with_suggestion(format!("keep one `{key}`: merge the two into the first")),
                _ => serde_diagnostic(FILE, pos, "config", e.message()),
            };
            vec![d]
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
                // China has one zone, named after Shanghai; spelling-distance would
                // offer Asia/Brunei for Asia/Beijing.
                let china = [
                    "beijing",
                    "chongqing",
                    "chungking",
                    "china",
                    "prc",
                    "harbin",
                    "urumqi",
                ];
                let lower = tz_name.to_ascii_lowercase();
                let suggestion = if china.iter().any(|c| lower.ends_with(c)) {
                    Some("Asia/Shanghai")
                } else {
                    did_you_mean(&tz_name, names.iter().map(String::as_str))
                };
                d = match suggestion {
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
        if let Some(at_text) = &config.stats.fetch_at {
            match parse_slot(at_text.get_ref()) {
                Some(t) => config.stats.fetch_time = t,
                None => errors.push(
                    Diagnostic::error(
                        FILE,
                        at(at_text.span()),
                        "config",
                        format!(
                            "[stats] fetch_at = \"{}\" is not a time of day",
                            at_text.get_ref()
                        ),
                    )
                    .with_suggestion(
                        "write a 24-hour \"HH:MM\" time, China time, after 08:00 (when WeChat has yesterday's numbers), e.g. fetch_at = \"09:00\"",
                    ),
                ),
            }
        }
        for (from, to) in &config.content.aliases {
            let known = super::FRONT_MATTER_KEYS;
            let problem = if !known.contains(&to.get_ref().as_str()) {
                let help = match did_you_mean(to.get_ref(), known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("front-matter keys: {}", known.join(", ")),
                };
                Some((
                    format!(
                        "[content] aliases: `{from}` = \"{}\" names no front-matter key",
                        to.get_ref()
                    ),
                    help,
                ))
            } else if known.contains(&from.as_str()) {
                Some((
                    format!("[content] aliases: `{from}` is a front-matter key of its own"),
                    "remove this line; only keys wxpress does not know can be aliases".into(),
                ))
            } else {
                None
            };
            if let Some((message, help)) = problem {
                errors.push(
                    Diagnostic::error(FILE, at(to.span()), "config", message).with_suggestion(help),
                );
            }
        }
        errors.extend(image_errors(&config.images, &at));
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }
}

/// `[images]` values out of range, at the value.
fn image_errors(
    images: &super::ImagesConfig,
    at: &dyn Fn(std::ops::Range<usize>) -> Pos,
) -> Vec<Diagnostic> {
    let upload_max = crate::wechat::limits::IMAGE_MAX_BYTES;
    let mut errors = Vec::new();
    let mut out_of_range = |span: std::ops::Range<usize>, message: String, help: &str| {
        errors.push(Diagnostic::error(FILE, at(span), "config", message).with_suggestion(help));
    };
    if let Some(v) = images
        .max_width
        .as_ref()
        .filter(|v| !(100..=10_000).contains(v.get_ref()))
    {
        out_of_range(
            v.span(),
            format!("[images] max_width = {} is out of range", v.get_ref()),
            "use 100 to 10000 pixels; WeChat shows images about 677 px wide, 1080 is plenty",
        );
    }
    if let Some(v) = images
        .max_bytes
        .as_ref()
        .filter(|v| !(16 * 1024..upload_max).contains(v.get_ref()))
    {
        out_of_range(
            v.span(),
            format!("[images] max_bytes = {} is out of range", v.get_ref()),
            &format!(
                "use 16384 to {} bytes: WeChat's upload refuses images of 1 MB and more",
                upload_max - 1
            ),
        );
    }
    if let Some(v) = images
        .jpeg_quality
        .as_ref()
        .filter(|v| !(1..=100).contains(v.get_ref()))
    {
        out_of_range(
            v.span(),
            format!("[images] jpeg_quality = {} is out of range", v.get_ref()),
            "use 1 to 100 (85 is a good start; wxpress lowers it when an image is too large)",
        );
    }
    errors
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
