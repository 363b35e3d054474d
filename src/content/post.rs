use super::front_matter::{self, KeySpan, RawFrontMatter};
use super::PathProblem;
use crate::config::Config;
use crate::diagnostic::{did_you_mean, Diagnostic, Pos};
use crate::wechat::limits::{AUTHOR_MAX_CHARS, SOURCE_URL_MAX_BYTES};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One Markdown post: validated metadata plus the source text, kept whole so that
/// checks can point at any line of it.
#[derive(Debug, Clone)]
pub struct Post {
    /// Path relative to the site root, with `/` separators, for messages.
    pub source: String,
    pub path: PathBuf,
    pub slug: String,
    pub meta: PostMeta,
    /// Where each front-matter key is written.
    pub keys: BTreeMap<String, KeySpan>,
    pub text: String,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// Warnings found while reading the post (a folder that is no column, a date
    /// without a time, a heading that repeats the title). `Site::compile` reports
    /// them with the site's severities.
    pub notes: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Default)]
pub struct PostMeta {
    pub title: String,
    pub summary: Option<String>,
    /// The cover as written in front matter or as the column's default.
    pub cover: Option<String>,
    /// The resolved cover file, if any: after `Site::compile`, the processed
    /// image that is copied and uploaded.
    pub cover_path: Option<PathBuf>,
    /// The writer's cover file, once `cover_path` names the processed one.
    pub cover_source: Option<PathBuf>,
    pub column: Option<String>,
    pub schedule: Option<jiff::Zoned>,
    pub author: Option<String>,
    /// `wip = true` (or the old `draft = true`): not ready; left out of build
    /// (unless `--wip`), the schedule and publish.
    pub wip: bool,
    pub source_url: Option<String>,
    pub comments: super::front_matter::Comments,
    pub position: Option<u32>,
    /// Rule ids this post turns off for itself.
    pub check_off: Vec<String>,
    /// `ad = true`: an advertisement, checked against the strict advertising list.
    pub ad: bool,
    /// Where the cover's crops are centred (`cover_focus`).
    pub cover_focus: super::front_matter::CoverFocus,
    /// The pixel size of the cover that is uploaded (`cover_path`), once
    /// `Site::compile` has processed it: the crops are computed from it.
    pub cover_size: Option<(u32, u32)>,
    /// The cover is the post's first image (`[wechat] cover_from_first_image`).
    pub cover_from_image: bool,
    /// `news` or `newspic` (`article_type`).
    pub article_type: super::front_matter::ArticleType,
}

impl PostMeta {
    /// The cover's 2.35:1 and 1:1 crops (`pic_crop_235_1`, `pic_crop_1_1`) for
    /// its focus point, once its size is known.
    pub fn cover_crops(&self) -> Option<(crate::wechat::crop::Crop, crate::wechat::crop::Crop)> {
        let (w, h) = self.cover_size?;
        Some(crate::wechat::crop::crops(w, h, self.cover_focus.focus()))
    }
}

impl Post {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The folder the post lives in; relative links and images resolve from here.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Position of a front-matter key, or the file's start if it is not written.
    pub fn key_pos(&self, key: &str) -> Pos {
        self.keys.get(key).map_or(Pos::START, |k| k.key)
    }

    pub fn value_pos(&self, key: &str) -> Pos {
        self.keys.get(key).map_or(Pos::START, |k| k.value)
    }
}

pub fn relative_path(root: &Path, path: &Path) -> String {
    let canonical_root;
    let rel = match path.strip_prefix(root) {
        Ok(rel) => rel,
        Err(_) => {
            canonical_root = root.canonicalize().ok();
            match canonical_root
                .as_deref()
                .and_then(|r| path.strip_prefix(r).ok())
            {
                Some(rel) => rel,
                // Outside the site: the path as it is (not `//tmp/…`).
                None => return path.display().to_string(),
            }
        }
    };
    if rel.as_os_str().is_empty() {
        return ".".into();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one post: its front matter validated, every problem in it at once.
pub fn load_post(root: &Path, config: &Config, path: &Path) -> Result<Post, Vec<Diagnostic>> {
    let source = relative_path(root, path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(
            &source,
            Pos::START,
            "front-matter",
            format!("cannot read file: {e}"),
        )
        .with_suggestion("save the file as UTF-8 text")]
    })?;
    let content = &config.content;
    let (raw, mut errors, mut keys, body_offset) = match front_matter::split(&text) {
        Ok(split) => {
            let (raw, errors) = front_matter::parse(&source, &text, &split, content);
            let keys = front_matter::key_spans(&text, &split);
            (raw, errors, keys, split.body_offset)
        }
        Err((pos, message, help)) => {
            match heading_title(&text) {
                Some((title, body_offset))
                    if content.title_from_heading && message == "missing front matter" =>
                {
                    (
                        RawFrontMatter {
                            title: Some(title),
                            ..RawFrontMatter::default()
                        },
                        Vec::new(),
                        BTreeMap::new(),
                        body_offset,
                    )
                }
                _ => {
                    let help = if message == "missing front matter" && content.title_from_heading {
                        format!("{help}; or begin the post with a `# ` heading, which becomes its title")
                    } else {
                        help
                    };
                    return Err(vec![Diagnostic::error(
                        &source,
                        pos,
                        "front-matter",
                        message,
                    )
                    .with_suggestion(help)]);
                }
            }
        }
    };
    // An alias (`date` for `schedule`) is found where the key it stands for is looked up.
    for (key, span) in keys.clone() {
        if !front_matter::KEYS.contains(&key.as_str()) {
            if let Some(target) = content.alias(&key) {
                keys.entry(target.to_string()).or_insert(span);
            }
        }
    }
    let slug = slug_for(path);

    let mut post = Post {
        source,
        path: path.to_path_buf(),
        slug,
        meta: PostMeta::default(),
        keys,
        text,
        body_offset,
        notes: Vec::new(),
    };
    if raw.unreadable {
        return Err(errors);
    }
    // `titel = …` is reported as a misspelt key; not also as a missing title.
    // A `title` whose value could not be read is reported there, not also as missing.
    let title_typo = post.keys.contains_key("title")
        || errors
            .iter()
            .any(|d| d.suggestion.as_deref() == Some("did you mean `title`?"));
    let (meta, more, notes) = validate(root, config, &post, raw);
    post.meta = meta;
    post.notes = notes;
    errors.extend(
        more.into_iter()
            .filter(|d| !(title_typo && d.message == "missing required key `title`")),
    );
    if errors.is_empty() {
        if let Some(note) = title_heading(&post) {
            post.notes.push(note);
        }
        Ok(post)
    } else {
        crate::diagnostic::sort(&mut errors);
        Err(errors)
    }
}

/// The first line of a post without front matter when it is a `# ` heading: its
/// text, and where the body after it starts. Public for `import`, which takes that
/// heading out of the body it writes.
pub fn heading_title(text: &str) -> Option<(String, usize)> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut offset = start;
    for line in text[start..].split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            offset += line.len();
            continue;
        }
        let title = trimmed
            .strip_prefix("# ")?
            .trim()
            .trim_end_matches('#')
            .trim();
        return (!title.is_empty()).then(|| (title.to_string(), offset + line.len()));
    }
    None
}

/// `title-heading`: the body opens with a heading that says the title again;
/// WeChat shows the title above the article, so readers would see it twice.
fn title_heading(post: &Post) -> Option<Diagnostic> {
    let body = post.body();
    let skipped = body.len() - body.trim_start().len();
    let first = body.trim_start().lines().next()?;
    let text = first.trim_start_matches('#');
    if text.len() == first.len() || !text.starts_with([' ', '\t']) {
        return None;
    }
    let text = text.trim().trim_end_matches('#').trim();
    if text != post.meta.title {
        return None;
    }
    let offset = post.body_offset + skipped;
    let pos = crate::diagnostic::LineIndex::new(&post.text).pos(offset);
    Some(
        Diagnostic::warning(
            &post.source,
            pos,
            "title-heading",
            format!("the body begins with the title `{text}` again as a heading"),
        )
        .with_suggestion("remove this heading: WeChat shows the title above the article"),
    )
}

/// `content/tech/hello.md` → `hello`; `content/tech/hello/index.md` → `hello`.
/// Public so `serve` can name a post whose front matter does not parse.
pub fn slug_for(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    if stem == "index" {
        if let Some(dir) = path.parent().and_then(Path::file_name) {
            return dir.to_string_lossy().into_owned();
        }
    }
    stem.into_owned()
}

/// A slug names a folder in `public/` and a path in the preview's URLs, on
/// Linux, macOS and Windows alike: so ASCII, none of Windows' reserved names or
/// characters, no trailing dot or space, and not a file wxpress writes itself.
/// Public for `import`, which makes slugs from other tools' file names.
pub fn portable_slug(slug: &str) -> Result<(), &'static str> {
    const RESERVED: &[&str] = &[
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
        "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    let device = slug.split('.').next().unwrap_or(slug);
    if slug.is_empty() {
        Err("it is empty")
    } else if !slug.is_ascii() || slug.contains(|c: char| c.is_whitespace() || c.is_control()) {
        Err("only ASCII letters, digits and punctuation without spaces work everywhere")
    } else if slug.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*', '#', '%']) {
        Err("it contains a character that Windows or a URL cannot take")
    } else if slug.ends_with('.') || slug.starts_with(['.', '-']) {
        Err("it starts with `.` or `-`, or ends with `.`")
    } else if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(device)) {
        Err("it is a reserved device name on Windows")
    } else if super::RESERVED_SLUGS
        .iter()
        .any(|r| slug.eq_ignore_ascii_case(r))
    {
        Err("wxpress writes a file of its own under that name")
    } else {
        Ok(())
    }
}

fn validate(
    root: &Path,
    config: &Config,
    post: &Post,
    raw: RawFrontMatter,
) -> (PostMeta, Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let file = &post.source;
    let error = |key: &str, message: String, help: &str| {
        Diagnostic::error(file, post.value_pos(key), "front-matter", message).with_suggestion(help)
    };
    let mut meta = PostMeta::default();

    match raw.title.map(|t| t.trim().to_string()) {
        Some(t) if !t.is_empty() => meta.title = t,
        Some(_) => errors.push(error(
            "title",
            "`title` is empty".into(),
            "write the article's title, e.g. title = \"用 Rust 写一个博客\"",
        )),
        None => errors.push(
            Diagnostic::error(
                file,
                Pos::START,
                "front-matter",
                "missing required key `title`",
            )
            .with_suggestion("add title = \"…\" to the front matter"),
        ),
    }
    if let Err(why) = portable_slug(&post.slug) {
        errors.push(
            Diagnostic::error(
                file,
                Pos::START,
                "front-matter",
                format!("file name `{}` cannot be used as a slug: {why}", post.slug),
            )
            .with_suggestion(
                "rename the file with ASCII letters, digits and hyphens, e.g. rust-intro.md",
            ),
        );
    }

    meta.summary = raw
        .summary
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(author) = raw.author.as_ref().map(|a| a.chars().count()) {
        if author > AUTHOR_MAX_CHARS {
            errors.push(error(
                "author",
                format!("author has {author} characters; the draft API refuses more than {AUTHOR_MAX_CHARS}"),
                "shorten the author's name",
            ));
        }
    }
    meta.author = raw.author.or_else(|| config.site.author.clone());
    if let Some(old) = raw.draft {
        notes.push(
            Diagnostic::warning(
                file,
                post.key_pos("draft"),
                "deprecated-key",
                "`draft` is now `wip` (work in progress): `draft` read like a WeChat draft (草稿), which `--mode draft` makes",
            )
            .with_suggestion(if raw.wip.is_some() {
                "remove `draft`; `wip` is set and wins".to_string()
            } else {
                format!("rename it: wip = {old}")
            }),
        );
    }
    meta.wip = raw.wip.or(raw.draft).unwrap_or(false);
    meta.comments = raw.comments.unwrap_or_default();
    meta.cover_focus = raw.cover_focus.unwrap_or_default();
    meta.article_type = raw.article_type.unwrap_or_default();
    meta.check_off = raw.check.map(|c| c.off).unwrap_or_default();

    if let Some(url) = raw.source_url {
        if url.len() > SOURCE_URL_MAX_BYTES {
            errors.push(error(
                "source_url",
                format!("source_url is {} bytes; the draft API refuses more than {SOURCE_URL_MAX_BYTES}", url.len()),
                "use a shorter address for 阅读原文 (a short link, or the page without its tracking parameters)",
            ));
        } else if url.starts_with("https://") || url.starts_with("http://") {
            meta.source_url = Some(url);
        } else {
            errors.push(error(
                "source_url",
                format!("source_url `{url}` is not a web address"),
                "use a full address starting with https://",
            ));
        }
    }

    if let Some(p) = raw.position {
        if (1..=8).contains(&p) {
            meta.position = Some(p);
        } else {
            errors.push(error(
                "position",
                format!("position {p} is out of range"),
                "one push holds at most 8 articles: use 1 (headline) to 8",
            ));
        }
    }

    // The column: as written (its slug or its name), or the post's folder under content/.
    // A page bundle right under content/ (`content/<slug>/index.md`) is the post's own
    // folder, not a column's, unless a column has that slug.
    let folder = post
        .path
        .strip_prefix(root.join(super::CONTENT_DIR))
        .ok()
        .filter(|rel| rel.components().count() > 1)
        .and_then(|rel| {
            let first = rel
                .components()
                .next()?
                .as_os_str()
                .to_string_lossy()
                .into_owned();
            let own_bundle = rel.components().count() == 2
                && rel.file_name().is_some_and(|n| n == "index.md")
                && config.column(&first).is_none();
            (!own_bundle).then_some(first)
        });
    let folder_column = folder
        .as_deref()
        .and_then(|f| config.column(f))
        .map(|c| c.slug().to_string());
    match raw.column {
        Some(written) => {
            let found = config
                .columns
                .iter()
                .find(|c| c.slug() == written)
                .or_else(|| config.columns.iter().find(|c| c.name == written.trim()));
            match found {
                Some(column) => {
                    let slug = column.slug().to_string();
                    if let Some(folder) = folder.as_deref().filter(|f| *f != slug) {
                        notes.push(
                            Diagnostic::warning(
                                file,
                                post.value_pos("column"),
                                "column-folder",
                                format!("column `{written}` is `{slug}`, but the post is in the folder content/{folder}/"),
                            )
                            .with_suggestion(format!(
                                "move the post to content/{slug}/, or remove `column` to put it in the folder's column"
                            )),
                        );
                    }
                    meta.column = Some(slug);
                }
                None => {
                    let known: Vec<&str> = config.columns.iter().map(|c| c.slug()).collect();
                    let names = config
                        .columns
                        .iter()
                        .map(|c| format!("{} ({})", c.slug(), c.name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let help = match did_you_mean(&written, known.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if known.is_empty() => {
                            "declare it in config.toml under [[columns]]".to_string()
                        }
                        None => format!(
                            "declared columns (slug and name): {names}; or add it to config.toml under [[columns]]"
                        ),
                    };
                    errors.push(
                        Diagnostic::error(
                            file,
                            post.value_pos("column"),
                            "column-unknown",
                            format!("column `{written}` is not declared in config.toml"),
                        )
                        .with_suggestion(help),
                    );
                }
            }
        }
        None => {
            meta.column = folder_column.clone();
            if let (Some(folder), None) = (folder.as_deref(), &folder_column) {
                notes.push(
                    Diagnostic::warning(
                        file,
                        Pos::START,
                        "column-folder",
                        format!("the folder content/{folder}/ is not a column: this post has no column (no header, footer or default cover)"),
                    )
                    .with_suggestion(format!(
                        "add the column to config.toml: [[columns]] name = \"…\" slug = \"{folder}\"; or move the post into a column's folder"
                    )),
                );
            }
        }
    }

    // An advertisement by its own front matter, or by its column's `ads = true`
    // (a column of sponsored posts): the strict advertising-law list applies.
    meta.ad = raw.ad.unwrap_or_else(|| {
        meta.column
            .as_deref()
            .and_then(|c| config.column(c))
            .is_some_and(|c| c.ads)
    });
    meta.cover = raw.cover.or_else(|| {
        let column = config.column(meta.column.as_deref()?)?;
        column.cover.as_ref().map(|c| {
            if c.starts_with('/') {
                c.clone()
            } else {
                format!("/{c}")
            }
        })
    });
    if let Some(cover) = meta.cover.as_deref() {
        let dir = post.path.parent().unwrap_or(root);
        let path = super::resolve_path(root, dir, cover);
        meta.cover_path = match super::paths::confine(root, &path) {
            // A missing cover is the `cover-missing` check's to report (it can be
            // a warning while a post is in progress); it looks at this path.
            Ok(()) | Err(PathProblem::Missing) => Some(path),
            Err(problem) => {
                let from = if post.keys.contains_key("cover") {
                    ""
                } else {
                    " (the column's default cover in config.toml)"
                };
                errors.push(
                    Diagnostic::error(
                        file,
                        post.value_pos("cover"),
                        "path",
                        problem.message("cover", cover) + from,
                    )
                    .with_suggestion(problem.help()),
                );
                None
            }
        };
    }

    if let Some(text) = raw.schedule {
        match parse_schedule_in_site(&text.0, config) {
            Ok((z, note)) => {
                meta.schedule = Some(z);
                if let Some(message) = note {
                    notes.push(
                        Diagnostic::warning(file, post.value_pos("schedule"), "schedule-slot", message)
                            .with_suggestion(format!(
                                "write the time too, e.g. \"{}T20:30:00\", or set [schedule] slots in config.toml",
                                text.0.trim()
                            )),
                    );
                }
            }
            Err(why) => errors.push(error(
                "schedule",
                format!("schedule `{}` is not a valid date: {why}", text.0),
                "expected a date like 2026-12-01T12:00:00+08:00 (without an offset it is in the site's timezone)",
            )),
        }
    }
    (meta, errors, notes)
}

/// A post's `schedule`: [`parse_schedule`], except that a date alone
/// (`2026-12-20`) takes the first of `[schedule] slots`, or means midnight, which
/// the returned note says.
pub fn parse_schedule_in_site(
    text: &str,
    config: &Config,
) -> Result<(jiff::Zoned, Option<String>), String> {
    let trimmed = text.trim();
    if let Ok(date) = trimmed.parse::<jiff::civil::Date>() {
        if trimmed.len() == 10 {
            let (time, note) = match config.schedule.slot_times.first() {
                Some(t) => (*t, None),
                None => (
                    jiff::civil::Time::midnight(),
                    Some(format!(
                        "schedule `{trimmed}` has no time of day: it means midnight (00:00) in {}",
                        config.site.timezone()
                    )),
                ),
            };
            let zoned = date
                .to_datetime(time)
                .to_zoned(config.tz.clone())
                .map_err(|e| e.to_string())?;
            return Ok((zoned, note));
        }
    }
    parse_schedule(trimmed, &config.tz).map(|z| (z, None))
}

/// Why `text` is not a date, in words a writer can act on (what was read, what a
/// valid value looks like), instead of the parser's internals.
fn explain_bad_date(text: &str) -> String {
    let date = text.get(..10).unwrap_or(text);
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return "it does not start with a date written year-month-day, like 2026-12-01".into();
    }
    if date.parse::<jiff::civil::Date>().is_err() {
        return format!("{date} is not a day of the calendar (month 01–12, day within the month)");
    }
    let rest = &text[10..];
    let Some(time) = rest.strip_prefix(['T', 't', ' ']) else {
        return format!(
            "after the date {date} comes `{rest}`; write the time after a T, like {date}T20:30:00"
        );
    };
    let clock: String = time
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
        .collect();
    if clock.parse::<jiff::civil::Time>().is_err() {
        return format!("`{clock}` is not a time of day (24-hour HH:MM or HH:MM:SS)");
    }
    let offset = &time[clock.len()..];
    format!("`{offset}` after the time is not an offset (like +08:00 or Z) or a zone (like [Asia/Shanghai])")
}

/// RFC 3339, with or without an offset; without one, the time is in the site's zone.
/// A zone annotation (`…+08:00[Asia/Shanghai]`, RFC 9557) is honoured: the zone
/// must exist and agree with the offset. Offsets run from -12:00 to +14:00 on
/// Earth; anything else is a typo, not a place.
pub fn parse_schedule(text: &str, tz: &jiff::tz::TimeZone) -> Result<jiff::Zoned, String> {
    use jiff::fmt::temporal::{Pieces, PiecesOffset};
    let text = text.trim();
    let pieces = Pieces::parse(text).map_err(|_| explain_bad_date(text))?;
    if let Some(PiecesOffset::Numeric(offset)) = pieces.offset() {
        let seconds = offset.offset().seconds();
        if !(-12 * 3600..=14 * 3600).contains(&seconds) {
            return Err(format!(
                "the offset {} does not exist (offsets run from -12:00 to +14:00)",
                offset.offset()
            ));
        }
    }
    if pieces.time_zone_annotation().is_some() {
        // jiff checks that the zone exists and that the offset is one it has.
        let zoned: jiff::Zoned = text.parse().map_err(|_| {
            let zone = text.rsplit_once('[').map_or(text, |(_, z)| z.trim_end_matches(']'));
            format!("the zone `{zone}` is unknown, or its offset there at that moment is not the one written")
        })?;
        return Ok(zoned.with_time_zone(tz.clone()));
    }
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Ok(ts.to_zoned(tz.clone()));
    }
    let civil: jiff::civil::DateTime = text.parse().map_err(|_| explain_bad_date(text))?;
    civil.to_zoned(tz.clone()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_without_offset_uses_site_timezone() {
        let tz = jiff::tz::db().get("Asia/Shanghai").unwrap();
        let z = parse_schedule("2026-12-01T12:00:00", &tz).unwrap();
        assert_eq!(z.timestamp().to_string(), "2026-12-01T04:00:00Z");
        let z = parse_schedule("2026-12-01T12:00:00+00:00", &tz).unwrap();
        assert_eq!(z.timestamp().to_string(), "2026-12-01T12:00:00Z");
        assert!(parse_schedule("下周一", &tz).is_err());
        assert!(parse_schedule("2026-13-01T12:00:00", &tz).is_err());
    }

    #[test]
    fn zone_annotations_are_honoured_or_refused() {
        let tz = jiff::tz::db().get("Asia/Shanghai").unwrap();
        let z = parse_schedule("2026-12-01T12:00:00-05:00[America/New_York]", &tz).unwrap();
        assert_eq!(z.timestamp().to_string(), "2026-12-01T17:00:00Z");
        assert_eq!(z.time_zone(), &tz, "shown in the site's zone");
        let z = parse_schedule("2026-12-01T12:00:00[America/New_York]", &tz).unwrap();
        assert_eq!(
            z.timestamp().to_string(),
            "2026-12-01T17:00:00Z",
            "the zone, not the site's"
        );
        assert!(parse_schedule("2026-12-01T12:00:00+08:00[Mars/Olympus]", &tz).is_err());
        assert!(
            parse_schedule("2026-12-01T12:00:00+08:00[America/New_York]", &tz).is_err(),
            "offset and zone disagree"
        );
        let e = parse_schedule("2026-12-01T12:00:00+25:00", &tz).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        assert!(parse_schedule("2026-12-01T12:00:00+14:00", &tz).is_ok());
    }

    #[test]
    fn slugs_must_be_portable() {
        for bad in [
            "CON",
            "nul",
            "com1.txt",
            "a:b",
            "a*b",
            "x.",
            "manifest.json",
            "中文",
            "a b",
            "-x",
        ] {
            assert!(portable_slug(bad).is_err(), "{bad}");
        }
        for good in ["rust-intro", "v1.2", "c++", "a_b", "Console", "con-men"] {
            assert_eq!(portable_slug(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn relative_paths_never_start_with_two_slashes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("content")).unwrap();
        let canonical = root.canonicalize().unwrap().join("content");
        assert_eq!(relative_path(root, &canonical), "content");
        assert_eq!(relative_path(root, &root.join("content")), "content");
        assert_eq!(
            relative_path(Path::new("/site"), Path::new("/tmp/x")),
            "/tmp/x"
        );
    }

    #[test]
    fn date_only_schedules_take_the_first_slot_or_say_midnight() {
        let c = Config::parse("[site]\nname = \"x\"\n[schedule]\nslots = [\"20:30\", \"12:00\"]\n")
            .unwrap();
        let (z, note) = parse_schedule_in_site("2026-12-20", &c).unwrap();
        assert_eq!(z.timestamp().to_string(), "2026-12-20T12:30:00Z");
        assert_eq!(note, None);
        let c = Config::parse("[site]\nname = \"x\"\n").unwrap();
        let (z, note) = parse_schedule_in_site("2026-12-20", &c).unwrap();
        assert_eq!(z.timestamp().to_string(), "2026-12-19T16:00:00Z");
        assert!(note.unwrap().contains("means midnight"));
    }

    #[test]
    fn bad_dates_say_what_was_read_not_the_parser_internals() {
        let tz = jiff::tz::db().get("Asia/Shanghai").unwrap();
        let e = parse_schedule("下周一中午", &tz).unwrap_err();
        assert_eq!(
            e,
            "it does not start with a date written year-month-day, like 2026-12-01"
        );
        let e = parse_schedule("2026-13-01T12:00:00", &tz).unwrap_err();
        assert!(
            e.starts_with("2026-13-01 is not a day of the calendar"),
            "{e}"
        );
        let e = parse_schedule("2026-12-01T25:00", &tz).unwrap_err();
        assert!(e.starts_with("`25:00` is not a time of day"), "{e}");
    }

    #[test]
    fn slugs_come_from_file_or_folder() {
        assert_eq!(slug_for(Path::new("content/tech/hello.md")), "hello");
        assert_eq!(slug_for(Path::new("content/tech/hello/index.md")), "hello");
    }
}
