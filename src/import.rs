//! `wxpress import DIR`: a folder of Markdown written for another tool (Hugo, Jekyll,
//! Hexo, wenyan or plain Markdown) made into wxpress posts under `content/`.
//!
//! [`plan`] reads and decides everything without writing (so `--dry-run` shows
//! exactly what a run does); [`apply`] writes what the plan says. Every file is
//! created, never replaced: a target that exists with other content refuses its
//! post, and one that exists with the same content is skipped, so a run that died
//! half-way is simply run again.

use crate::config::Config;
use crate::content::front_matter::{self, Format};
use crate::content::paths::{confine, normalize};
use crate::content::{self, PathProblem};
use crate::diagnostic::{Diagnostic, LineIndex, Pos};
use crate::wechat::limits::{AUTHOR_MAX_CHARS, TITLE_MAX_CHARS};
use pulldown_cmark::{Event, LinkType, Parser, Tag};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder written for another tool (read only).
    pub source: PathBuf,
    /// How the source folder is named in messages (as the writer typed it).
    pub source_label: String,
    /// The wxpress site's root (the folder with config.toml).
    pub root: PathBuf,
    /// A declared column to put every post in (`content/<column>/…`), or none
    /// (`content/…`).
    pub column: Option<String>,
}

/// Everything one run would do, decided before anything is written.
#[derive(Debug, Default)]
pub struct Plan {
    pub posts: Vec<PostPlan>,
    /// Markdown files that are not posts, with the reason (Hugo's `_index.md`).
    pub skipped: Vec<(String, String)>,
    /// The other tool's site, when DIR is one: its name and the folder its posts
    /// were read from (`Hugo`, `content`). Images are looked up in all of DIR.
    pub layout: Option<(&'static str, String)>,
    /// Front-matter keys left out of the imported posts, said once per run: the key,
    /// how many posts had it, and why it was left out.
    pub dropped: BTreeMap<String, (usize, &'static str)>,
}

/// What happens to one file of the source folder.
#[derive(Debug)]
pub struct PostPlan {
    /// The source file as named in messages (`old-blog/_posts/2021-03-04-a.md`).
    pub source: String,
    /// The post to write, relative to the site root (`content/a.md`).
    pub target: PathBuf,
    /// The whole post: wxpress front matter, then the body.
    pub text: String,
    pub title: String,
    /// What was read from where and what became of it, one sentence each.
    pub mapped: Vec<String>,
    pub images: Vec<ImageCopy>,
    /// Warnings (the post is imported, with something to look at) and errors (the
    /// post is refused and nothing of it is written).
    pub problems: Vec<Diagnostic>,
    pub state: FileState,
}

impl PostPlan {
    /// Refused: something of it would replace a file, or it could not be read.
    pub fn refused(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// Everything of it is already there, byte for byte (an earlier run).
    pub fn already_imported(&self) -> bool {
        !self.refused()
            && self.state == FileState::Same
            && self.images.iter().all(|i| i.state == FileState::Same)
    }
}

/// A local image copied next to its post.
#[derive(Debug)]
pub struct ImageCopy {
    /// The file in the source folder.
    pub from: PathBuf,
    /// The same, as named in messages.
    pub from_label: String,
    /// Where it goes, relative to the site root.
    pub target: PathBuf,
    pub state: FileState,
}

/// A target file and what is there now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Nothing: it will be created.
    New,
    /// The same bytes: an earlier run wrote it; skipped.
    Same,
    /// Something else: never replaced.
    Taken,
}

/// What [`apply`] wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub posts: usize,
    pub images: usize,
}

/// Why the import cannot run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the folder {0}: {1}")]
    Source(String, std::io::Error),
    #[error("{0} is not a folder")]
    NotAFolder(String),
    #[error("the folder to import, {0}, is the site or inside it")]
    InsideSite(String),
    #[error("column `{0}` is not declared in config.toml")]
    UnknownColumn(String),
    #[error("{path}: {error}")]
    Write { path: String, error: std::io::Error },
}

impl ImportError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ImportError::Source(..) | ImportError::NotAFolder(_) => {
                "give the folder holding the other tool's Markdown, e.g. wxpress import ../old-blog".into()
            }
            ImportError::InsideSite(_) => {
                "import from the other tool's own folder, outside this site".into()
            }
            ImportError::UnknownColumn(c) => format!(
                "declare it first: [[columns]] name = \"…\" slug = \"{c}\" in config.toml, or import without --column"
            ),
            ImportError::Write { .. } => {
                "nothing was replaced; fix the cause and run the import again: what was written is skipped".into()
            }
        }
    }
}

/// Keys the import carries into a post (after `[content] aliases`), besides the
/// ones it reads itself (`date`, `published`, `slug`, cover images).
const CARRIED: &[&str] = &[
    "title",
    "summary",
    "cover",
    "author",
    "wip",
    "draft",
    "source_url",
];

/// Keys other tools use for a post's picture, read as `cover`.
const COVER_KEYS: &[&str] = &[
    "cover",
    "image",
    "images",
    "featured_image",
    "featuredImage",
    "thumbnail",
    "banner",
];

const TAXONOMY: &str = "WeChat articles have no tags or categories";
const IGNORED: &str = "a key of another tool with no meaning for a WeChat article ([content] ignore_keys and its defaults)";
const UNKNOWN: &str = "not a wxpress front-matter key";
const NOT_CARRIED: &str = "a wxpress key the import does not carry (set it after importing)";

/// Decides what importing `opts.source` into the site would do. Reads, never writes.
pub fn plan(opts: &Options, config: &Config) -> Result<Plan, ImportError> {
    let label = &opts.source_label;
    let meta =
        std::fs::metadata(&opts.source).map_err(|e| ImportError::Source(label.clone(), e))?;
    if !meta.is_dir() {
        return Err(ImportError::NotAFolder(label.clone()));
    }
    let source =
        std::fs::canonicalize(&opts.source).map_err(|e| ImportError::Source(label.clone(), e))?;
    let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone());
    // Importing the site into itself would read its own posts as foreign ones.
    if source.starts_with(&root) {
        return Err(ImportError::InsideSite(label.clone()));
    }
    if let Some(c) = &opts.column {
        if config.column(c).is_none() {
            return Err(ImportError::UnknownColumn(c.clone()));
        }
    }
    let mut base = PathBuf::from(content::CONTENT_DIR);
    if let Some(c) = &opts.column {
        base.push(c);
    }

    // The slugs the site's posts already have, by their case-insensitive key.
    let mut taken: HashMap<String, PathBuf> = content::discover(&root)
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&root).ok()?.to_path_buf();
            Some((content::slug_key(&content::slug_for(&p)), rel))
        })
        .collect();

    let mut plan = Plan {
        layout: layout(&source),
        ..Plan::default()
    };
    let posts_dir = match &plan.layout {
        Some((_, posts)) => source.join(posts),
        None => source.clone(),
    };
    for file in markdown_files(&posts_dir) {
        let rel = file.strip_prefix(&source).unwrap_or(&file);
        let name = format!("{}/{}", label.trim_end_matches('/'), slash_path(rel));
        if file.file_name().is_some_and(|n| n == "_index.md") {
            plan.skipped.push((
                name,
                "a Hugo section page (a list of posts), not a post".into(),
            ));
            continue;
        }
        let mut post = plan_post(&source, &file, name, &base, config, &mut plan.dropped);
        post.state = state_of(&root.join(&post.target), post.text.as_bytes());
        for image in &mut post.images {
            image.state = match std::fs::read(&image.from) {
                Ok(bytes) => state_of(&root.join(&image.target), &bytes),
                Err(_) => FileState::Taken,
            };
        }
        refuse_taken(&mut post, &mut taken);
        plan.posts.push(post);
    }
    Ok(plan)
}

/// Writes what `plan` says: for each post that is not refused, its new images
/// first and the post last, so a post never names an image that is not there yet.
/// Each file is written to a temporary file beside it and moved in place without
/// replacing anything (create-new), so an interrupted run leaves no partial file.
pub fn apply(plan: &Plan, root: &Path) -> Result<Applied, ImportError> {
    let mut applied = Applied::default();
    for post in plan.posts.iter().filter(|p| !p.refused()) {
        for image in post.images.iter().filter(|i| i.state == FileState::New) {
            let bytes = std::fs::read(&image.from).map_err(|error| ImportError::Write {
                path: image.from_label.clone(),
                error,
            })?;
            create_new(root, &image.target, &bytes)?;
            applied.images += 1;
        }
        if post.state == FileState::New {
            create_new(root, &post.target, post.text.as_bytes())?;
            applied.posts += 1;
        }
    }
    Ok(applied)
}

fn create_new(root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    use std::io::Write;
    let path = root.join(rel);
    let fail = |error: std::io::Error| ImportError::Write {
        path: slash_path(rel),
        error,
    };
    let dir = path.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".wxpress-import-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist_noclobber(&path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// When `dir` is a whole site of another tool, which one and where its posts are:
/// a Hugo site (a config file and `content/`), a Hexo site (`source/_posts/`), a
/// Jekyll site (`_posts/`). Its pages, themes and archetypes are not posts, and its
/// `static/` (Hugo) or root (Jekyll) holds the pictures that `/…` addresses name.
fn layout(dir: &Path) -> Option<(&'static str, String)> {
    let has = |rel: &str| dir.join(rel).exists();
    let hugo_config = [
        "hugo.toml",
        "hugo.yaml",
        "hugo.json",
        "config.toml",
        "config.yaml",
    ]
    .iter()
    .any(|c| has(c));
    if hugo_config && dir.join("content").is_dir() {
        Some(("Hugo", "content".into()))
    } else if dir.join("source/_posts").is_dir() {
        Some(("Hexo", "source/_posts".into()))
    } else if dir.join("_posts").is_dir() {
        Some(("Jekyll", "_posts".into()))
    } else {
        None
    }
}

/// Every `.md` file under `dir`, sorted, skipping hidden folders and files, and
/// folders other tools generate (`public`, `_site`, `node_modules`, …).
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    const GENERATED: &[&str] = &[
        "public",
        "_site",
        "node_modules",
        "resources",
        "themes",
        "_drafts_backup",
    ];
    content::markdown_files(dir, |e| {
        let name = e.file_name().to_string_lossy();
        name.starts_with('.') || (e.file_type().is_dir() && GENERATED.contains(&name.as_ref()))
    })
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn state_of(path: &Path, bytes: &[u8]) -> FileState {
    match std::fs::symlink_metadata(path) {
        Err(_) => FileState::New,
        Ok(_) => match std::fs::read(path) {
            Ok(existing) if existing == bytes => FileState::Same,
            _ => FileState::Taken,
        },
    }
}

/// Turns files in the way into refusals, and claims the post's slug.
fn refuse_taken(post: &mut PostPlan, taken: &mut HashMap<String, PathBuf>) {
    if post.refused() {
        return;
    }
    let pos = Pos::START;
    let target = slash_path(&post.target);
    if post.state == FileState::Taken {
        post.problems.push(
            Diagnostic::error(&post.source, pos, "import", format!("{target} already exists with other content; it is left as it is"))
                .with_suggestion(format!("yours is kept and this file is not imported; to import it anew, move {target} away and run the import again")),
        );
    }
    for image in post.images.iter().filter(|i| i.state == FileState::Taken) {
        let at = slash_path(&image.target);
        post.problems.push(
            Diagnostic::error(
                &post.source,
                pos,
                "import",
                format!("image {at} already exists with other content; it is left as it is"),
            )
            .with_suggestion(format!("move {at} away and run the import again")),
        );
    }
    let slug = content::slug_for(&post.target);
    match taken.get(&content::slug_key(&slug)) {
        Some(other) if *other != post.target => {
            let other = slash_path(other);
            post.problems.push(
                Diagnostic::error(&post.source, pos, "import", format!("slug `{slug}` is already used by {other}"))
                    .with_suggestion("rename this file (or set `slug:` in its front matter) and run the import again; each post's slug names its own folder of public/"),
            );
        }
        _ => {
            if !post.refused() {
                taken.insert(content::slug_key(&slug), post.target.clone());
            }
        }
    }
}

/// One front-matter value of another tool, as far as the import reads it.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Bool(bool),
    List(Vec<String>),
    Other,
}

impl Value {
    fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s.as_str()),
            Value::List(l) => l.first().map(String::as_str),
            _ => None,
        }
    }
}

fn from_toml(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::Text(s),
        toml::Value::Datetime(d) => Value::Text(d.to_string()),
        toml::Value::Integer(i) => Value::Text(i.to_string()),
        toml::Value::Float(f) => Value::Text(f.to_string()),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Array(a) => Value::List(
            a.into_iter()
                .filter_map(|v| match from_toml(v) {
                    Value::Text(s) => Some(s),
                    _ => None,
                })
                .collect(),
        ),
        toml::Value::Table(_) => Value::Other,
    }
}

fn from_yaml(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::String(s) => Value::Text(s),
        Y::Number(n) => Value::Text(n.to_string()),
        Y::Bool(b) => Value::Bool(b),
        Y::Sequence(s) => Value::List(
            s.into_iter()
                .filter_map(|v| match from_yaml(v) {
                    Value::Text(s) => Some(s),
                    _ => None,
                })
                .collect(),
        ),
        Y::Tagged(t) => from_yaml(t.value),
        _ => Value::Other,
    }
}

/// The front matter the import writes, serialised by the `toml` crate.
#[derive(serde::Serialize)]
struct FrontOut<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cover: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_url: Option<&'a str>,
    /// The original date, kept as history: wxpress reads `date` and drops it
    /// (`[content] ignore_keys`' defaults), so nothing is scheduled by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
}

/// A post that cannot be imported at all (unreadable, broken front matter).
fn refused(source: String, target: PathBuf, problem: Diagnostic) -> PostPlan {
    PostPlan {
        source,
        target,
        text: String::new(),
        title: String::new(),
        mapped: Vec::new(),
        images: Vec::new(),
        problems: vec![problem],
        state: FileState::New,
    }
}

fn plan_post(
    source_root: &Path,
    file: &Path,
    name: String,
    base: &Path,
    config: &Config,
    dropped: &mut BTreeMap<String, (usize, &'static str)>,
) -> PostPlan {
    let stem = file
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let folder = file
        .parent()
        .and_then(Path::file_name)
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hugo page bundles are `<slug>/index.md`; Jekyll posts are `YYYY-MM-DD-<slug>.md`.
    let named = if stem == "index" && file.parent() != Some(source_root) {
        folder
    } else {
        stem.clone()
    };
    let (file_date, named) = match jekyll_date(&named) {
        Some((date, rest)) => (Some(date.to_string()), rest.to_string()),
        None => (None, named),
    };
    let placeholder = base.join(format!("{}.md", slugify(&named, &name)));

    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return refused(
                name.clone(),
                placeholder,
                Diagnostic::error(
                    &name,
                    Pos::START,
                    "import",
                    format!("cannot read the file: {e}"),
                )
                .with_suggestion("save it as UTF-8 text, then run the import again"),
            )
        }
    };
    let index = LineIndex::new(&text);
    let (entries, body_start) = match front_matter::split(&text) {
        Ok(split) => match read_entries(&split) {
            Ok(entries) => (entries, split.body_offset),
            Err((offset, message)) => {
                let pos = index.pos(split.front_offset + offset);
                return refused(
                    name.clone(),
                    placeholder,
                    Diagnostic::error(&name, pos, "front-matter", message).with_suggestion(
                        "fix the front matter in the source file (nothing was imported from it), then run the import again",
                    ),
                );
            }
        },
        Err((pos, message, _)) if message != "missing front matter" => {
            return refused(
                name.clone(),
                placeholder,
                Diagnostic::error(&name, pos, "front-matter", message).with_suggestion(
                    "close the front matter in the source file, then run the import again",
                ),
            )
        }
        Err(_) => (Vec::new(), if text.starts_with('\u{feff}') { 3 } else { 0 }),
    };

    let mut mapped = Vec::new();
    let mut problems = Vec::new();
    let mut fields: BTreeMap<&'static str, (String, Value)> = BTreeMap::new();
    let mut date: Option<(String, &str)> = file_date.map(|d| (d, "the file name"));
    let mut slug_key: Option<String> = None;
    for (key, value) in entries {
        let carried = if CARRIED.contains(&key.as_str()) {
            CARRIED.iter().find(|k| **k == key).copied()
        } else if COVER_KEYS.contains(&key.as_str()) {
            Some("cover")
        } else if let Some(target) = config.content.alias(&key) {
            CARRIED.iter().find(|k| **k == target).copied()
        } else if key == "excerpt" {
            Some("summary")
        } else {
            None
        };
        match (carried, key.as_str()) {
            (Some(field), _) => {
                if let Some((first, _)) = fields.get(field) {
                    mapped.push(format!(
                        "`{key}` left out: `{first}` already gives the {field}"
                    ));
                } else {
                    if key != field {
                        mapped.push(format!("`{key}` read as `{field}`"));
                    }
                    fields.insert(field, (key, value));
                }
            }
            (None, "date") if value.text().is_some() => {
                date = value.text().map(|d| (d.trim().to_string(), "`date`"));
            }
            // Jekyll and Hexo: `published: false` is a draft.
            (None, "published") if matches!(value, Value::Bool(_)) => {
                if matches!(value, Value::Bool(false)) && !fields.contains_key("draft") {
                    fields.insert("draft", (key, Value::Bool(true)));
                }
            }
            (None, "slug") if value.text().is_some() => slug_key = value.text().map(str::to_string),
            (None, _) => {
                let why = if key == "tags" || key == "categories" {
                    TAXONOMY
                } else if front_matter::KEYS.contains(&key.as_str()) {
                    NOT_CARRIED
                } else if config.content.ignored(&key) {
                    IGNORED
                } else {
                    UNKNOWN
                };
                dropped.entry(key).or_insert((0, why)).0 += 1;
            }
        }
    }
    let text_of = |field: &str| -> Option<String> {
        fields
            .get(field)
            .and_then(|(_, v)| v.text())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };

    // The body: Jekyll's `{{ site.baseurl }}` taken out of addresses, and the first
    // `# ` heading dropped when it is (or becomes) the title.
    let mut body_offset = body_start;
    let mut body = &text[body_start..];
    let mut title = text_of("title");
    if let Some((heading, after)) = content::heading_title(body) {
        match &title {
            None => {
                mapped.push("title from the first `# ` heading, which is taken out of the body (WeChat shows the title above the article)".into());
                title = Some(heading);
                body_offset += after;
            }
            Some(t) if *t == heading => {
                mapped.push(
                    "the first `# ` heading repeated the title: taken out of the body".into(),
                );
                body_offset += after;
            }
            Some(_) => {}
        }
        body = &text[body_offset..];
    }
    let title = title.unwrap_or_else(|| {
        problems.push(
            Diagnostic::warning(
                &name,
                Pos::START,
                "import",
                format!("no title: the file name `{named}` is the title"),
            )
            .with_suggestion("write the real title in the imported post's `title`"),
        );
        named.clone()
    });
    let (body, shifts) = strip_liquid_urls(body);
    let liquid = shifts.len();
    if liquid > 0 {
        mapped.push(format!(
            "Jekyll's `{{{{ site.baseurl }}}}`, `{{{{ site.url }}}}` or `| relative_url` taken out of {liquid} address(es)"
        ));
    }

    let slug = match slug_key.as_deref().map(|s| slugify(s, &name)) {
        Some(s) => s,
        None => slugify(&named, &name),
    };
    if !named.is_empty() && slug != named {
        mapped.push(format!(
            "slug `{slug}` (from `{}`): file names must be portable ASCII",
            slug_key.as_deref().unwrap_or(&named)
        ));
    }

    let mut images = Images::new(source_root, file, &name, &text, body_offset, shifts);
    let body = images.rewrite_body(&body);
    let cover = text_of("cover").and_then(|c| {
        let (c, _) = strip_liquid_urls(&c);
        let c = c.trim().to_string();
        images.cover(&c, fields.get("cover").map_or("cover", |(k, _)| k.as_str()))
    });
    let body = drop_more_marker(&body, &mut mapped);
    problems.append(&mut images.problems);
    if images.remote > 0 {
        mapped.push(format!(
            "{} remote image(s) left as addresses: wxpress fetches them at build time",
            images.remote
        ));
    }

    let summary = text_of("summary");
    let author = text_of("author");
    let source_url = text_of("source_url");
    // Their `draft` (or a wxpress site's `wip`) means not ready: ours is `wip`;
    // a "draft" in wxpress is only ever WeChat's 草稿.
    let wip = ["wip", "draft"]
        .iter()
        .any(|k| matches!(fields.get(k).map(|(_, v)| v), Some(Value::Bool(true))))
        .then_some(true);
    if wip.is_some() {
        mapped.push(
            "a draft there is work in progress here (`wip = true`): build leaves it out unless --wip"
                .into(),
        );
    }
    let date_out = match &date {
        Some((d, from)) if config.content.alias("date").is_none() => {
            mapped.push(format!(
                "date {d} (from {from}) kept as `date`: history, which wxpress does not read; nothing is scheduled"
            ));
            Some(d.as_str())
        }
        Some((d, from)) => {
            mapped.push(format!(
                "date {d} (from {from}) left out: [content] aliases reads `date` as a key of ours, and an import never schedules"
            ));
            None
        }
        None => None,
    };
    if title.chars().count() > TITLE_MAX_CHARS {
        problems.push(
            Diagnostic::warning(
                &name,
                Pos::START,
                "title-api-limit",
                format!(
                    "title has {} characters; the draft API refuses more than {TITLE_MAX_CHARS}",
                    title.chars().count()
                ),
            )
            .with_suggestion("shorten `title` in the imported post before publishing"),
        );
    }
    if let Some(a) = author
        .as_deref()
        .filter(|a| a.chars().count() > AUTHOR_MAX_CHARS)
    {
        problems.push(
            Diagnostic::warning(&name, Pos::START, "front-matter", format!("author `{a}` has {} characters; the draft API refuses more than {AUTHOR_MAX_CHARS}, and build will refuse the post", a.chars().count()))
                .with_suggestion("shorten `author` in the imported post"),
        );
    }
    let front = FrontOut {
        title: &title,
        summary: summary.as_deref(),
        author: author.as_deref(),
        cover: cover.as_deref(),
        wip,
        source_url: source_url.as_deref(),
        date: date_out,
    };
    let front = toml::to_string(&front).expect("a struct of strings serialises");
    let target = if images.copies.is_empty() {
        base.join(format!("{slug}.md"))
    } else {
        base.join(&slug).join("index.md")
    };
    let dir = target.parent().unwrap_or(base).to_path_buf();
    let copies = std::mem::take(&mut images.copies)
        .into_iter()
        .map(|(rel, from)| ImageCopy {
            from_label: format!(
                "{}/{}",
                name_root(&name, source_root, file),
                slash_path(from.strip_prefix(source_root).unwrap_or(&from))
            ),
            from,
            target: dir.join(rel),
            state: FileState::New,
        })
        .collect();
    PostPlan {
        source: name,
        target,
        text: format!(
            "+++\n{front}+++\n\n{}",
            body.trim_start_matches(['\n', '\r'])
        ),
        title,
        mapped,
        images: copies,
        problems,
        state: FileState::New,
    }
}

/// The source folder's label, recovered from a file's label.
fn name_root(name: &str, source_root: &Path, file: &Path) -> String {
    let rel = slash_path(file.strip_prefix(source_root).unwrap_or(file));
    name.strip_suffix(&rel)
        .unwrap_or(name)
        .trim_end_matches('/')
        .to_string()
}

/// The top-level keys of front matter with their values, or where and why it
/// does not parse.
fn read_entries(split: &front_matter::Split) -> Result<Vec<(String, Value)>, (usize, String)> {
    match split.format {
        Format::Toml => toml::from_str::<toml::Table>(split.front)
            .map(|t| t.into_iter().map(|(k, v)| (k, from_toml(v))).collect())
            .map_err(|e| (e.span().map_or(0, |s| s.start), e.message().to_string())),
        Format::Yaml if split.front.trim().is_empty() => Ok(Vec::new()),
        Format::Yaml => serde_norway::from_str::<serde_norway::Mapping>(split.front)
            .map(|m| {
                m.into_iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), from_yaml(v))))
                    .collect()
            })
            .map_err(|e| {
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message);
                (e.location().map_or(0, |l| l.index()), message.to_string())
            }),
    }
}

/// `2021-03-04-hello` → (2021-03-04, `hello`), as Jekyll names its posts.
fn jekyll_date(name: &str) -> Option<(&str, &str)> {
    let date = name.get(..10)?;
    let rest = name.get(10..)?.strip_prefix('-')?;
    let shaped = date.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    (shaped && date.parse::<jiff::civil::Date>().is_ok() && !rest.is_empty())
        .then_some((date, rest))
}

/// A portable slug (see [`content::portable_slug`]) from a file name: ASCII
/// letters and digits kept (lower case), everything else one `-`. A name with
/// none of those (`标题.md`) gets `post-` and a short hash of its source path,
/// the same on every run.
fn slugify(name: &str, source: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if !slug.is_empty() && content::portable_slug(&slug).is_ok() {
        return slug;
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(source.as_bytes());
    let short: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    if slug.is_empty() {
        format!("post-{short}")
    } else {
        format!("{slug}-post")
    }
}

/// Takes Jekyll's `{{ site.baseurl }}` and `{{ site.url }}` out of the text (they
/// stand before site-absolute addresses, and their spaces would stop Markdown
/// from reading the address at all), and writes `{{ "/a.png" | relative_url }}` as
/// `/a.png`. Returns the text and, for each change, where it ends in the new text
/// and how many bytes shorter the text is from there on (for positions in the
/// original file).
fn strip_liquid_urls(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut shifts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let after = &rest[at + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let keep = if inner == "site.baseurl" || inner == "site.url" {
            Some("")
        } else {
            liquid_url_filter(inner)
        };
        match keep {
            Some(path) => {
                out.push_str(&rest[..at]);
                out.push_str(path);
                let consumed = text.len() - after[end + 2..].len();
                shifts.push((out.len(), consumed - out.len()));
            }
            None => out.push_str(&rest[..at + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    (out, shifts)
}

/// `"/assets/a.png" | relative_url` (or `absolute_url`), Jekyll's other way of
/// writing a site address: the quoted path.
fn liquid_url_filter(inner: &str) -> Option<&str> {
    let (value, filter) = inner.split_once('|')?;
    if !matches!(filter.trim(), "relative_url" | "absolute_url") {
        return None;
    }
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
}

/// Hexo's `<!-- more -->` (the end of the excerpt on a list page) means nothing in
/// an article: the line is taken out.
fn drop_more_marker(body: &str, mapped: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut found = false;
    for line in body.split_inclusive('\n') {
        if line.trim() == "<!-- more -->" || line.trim() == "<!--more-->" {
            found = true;
        } else {
            out.push_str(line);
        }
    }
    if found {
        mapped.push("`<!-- more -->` taken out (an excerpt marker of list pages)".into());
    }
    out
}

/// The images of one post: found, resolved in the source folder, and given a
/// name next to the imported post.
struct Images<'a> {
    source_root: &'a Path,
    file: &'a Path,
    name: &'a str,
    text: &'a str,
    /// Where the (possibly shortened) body starts in `text`, for line numbers.
    body_offset: usize,
    /// What [`strip_liquid_urls`] took out of the body, to find offsets in `text`.
    shifts: Vec<(usize, usize)>,
    /// Name next to the post → source file; in the order found.
    copies: Vec<(PathBuf, PathBuf)>,
    problems: Vec<Diagnostic>,
    remote: usize,
}

impl<'a> Images<'a> {
    fn new(
        source_root: &'a Path,
        file: &'a Path,
        name: &'a str,
        text: &'a str,
        body_offset: usize,
        shifts: Vec<(usize, usize)>,
    ) -> Self {
        Images {
            source_root,
            file,
            name,
            text,
            body_offset,
            shifts,
            copies: Vec::new(),
            problems: Vec::new(),
            remote: 0,
        }
    }

    /// The position in the source file of an offset in the body as rewritten.
    fn pos(&self, at: usize) -> Pos {
        let shift = self
            .shifts
            .iter()
            .take_while(|(end, _)| *end <= at)
            .last()
            .map_or(0, |(_, by)| *by);
        LineIndex::new(self.text).pos((self.body_offset + at + shift).min(self.text.len()))
    }

    /// The body with each local image's address pointing at its copy.
    fn rewrite_body(&mut self, body: &str) -> String {
        let mut edits: BTreeMap<usize, (Range<usize>, String)> = BTreeMap::new();
        let mut code: Vec<Range<usize>> = Vec::new();
        let mut iter = Parser::new_ext(body, crate::render::markdown::options()).into_offset_iter();
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    id,
                    ..
                }) => {
                    // Where the address is written: in the image itself, or in the
                    // reference definition it names.
                    let region = match link_type {
                        LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => iter
                            .reference_definitions()
                            .get(&id)
                            .map(|d| d.span.clone())
                            .unwrap_or(range.clone()),
                        _ => range.clone(),
                    };
                    let Some(new) = self.local(&dest_url, range.start) else {
                        continue;
                    };
                    match body[region.clone()].rfind(dest_url.as_ref()) {
                        Some(at) if new != *dest_url => {
                            let start = region.start + at;
                            edits.insert(start, (start..start + dest_url.len(), new));
                        }
                        Some(_) => {}
                        None => self.problems.push(
                            Diagnostic::warning(self.name, self.pos(range.start), "import", format!("image `{dest_url}` was copied as `{new}`, but its address could not be rewritten (it is written with escapes)"))
                                .with_suggestion(format!("change the address to `{new}` in the imported post")),
                        ),
                    }
                }
                Event::Html(html) | Event::InlineHtml(html) if html.contains("<img") => {
                    self.problems.push(
                        Diagnostic::warning(self.name, self.pos(range.start), "import", "an HTML <img> tag: its picture is not copied")
                            .with_suggestion("write it as Markdown, ![](path), in the imported post and copy the picture next to it"),
                    );
                }
                Event::Start(Tag::CodeBlock(_)) => code.push(range),
                Event::Code(_) => code.push(range),
                _ => {}
            }
        }
        // Template tags are found in the text itself: Markdown splits `{{<` into
        // several events. Those inside code are examples, not tags.
        let mut line_start = 0;
        for line in body.split_inclusive('\n') {
            let tag = ["{{", "{%"]
                .iter()
                .filter_map(|t| line.find(t))
                .min()
                .map(|at| line_start + at);
            if let Some(at) = tag.filter(|at| !code.iter().any(|r| r.contains(at))) {
                self.problems.push(
                    Diagnostic::warning(self.name, self.pos(at), "import", "a template tag of another tool (a Hugo shortcode or a Liquid tag) is left as written text")
                        .with_suggestion("rewrite it as Markdown in the imported post (a picture as ![](file), copied next to it)"),
                );
            }
            line_start += line.len();
        }
        let mut out = body.to_string();
        for (range, new) in edits.into_values().rev() {
            out.replace_range(range, &new);
        }
        out
    }

    /// The cover's new address, if it is a local file that was found.
    fn cover(&mut self, written: &str, key: &str) -> Option<String> {
        if is_remote(written) {
            self.problems.push(
                Diagnostic::warning(self.name, Pos::START, "import", format!("`{key}` is a web address ({written}): covers must be files of the site, so it is left out"))
                    .with_suggestion("download the picture next to the imported post and set cover = \"<its file name>\""),
            );
            return None;
        }
        self.local(written, usize::MAX)
    }

    /// The copy's address for a local image, `None` for a remote one or one that
    /// cannot be copied (reported). `at` is where it is written in the body
    /// (`usize::MAX`: in the front matter).
    fn local(&mut self, written: &str, at: usize) -> Option<String> {
        if is_remote(written) {
            if at != usize::MAX {
                self.remote += 1;
            }
            return None;
        }
        let pos = if at == usize::MAX {
            Pos::START
        } else {
            self.pos(at)
        };
        let what = if at == usize::MAX { "cover" } else { "image" };
        let (found, problem) = self.find(written);
        let Some(from) = found else {
            let (message, help) = match problem.unwrap_or(PathProblem::Missing) {
                PathProblem::Missing => (
                    format!("{what} `{written}` not found; the address is left as written"),
                    "put the picture in the folder you import (beside the post, or where a `/…` address points: that folder or its static/), then run the import again",
                ),
                PathProblem::Outside { through_symlink } => (
                    format!(
                        "{what} `{written}` is {} outside the folder you import; it is not copied",
                        if through_symlink { "a symlink to a file" } else { "a file" }
                    ),
                    "the import reads only the folder you give it: copy the picture into that folder and run the import again",
                ),
                PathProblem::NotAFile => (
                    format!("{what} `{written}` is not a regular file; it is not copied"),
                    "point it at a picture file",
                ),
            };
            self.problems
                .push(Diagnostic::warning(self.name, pos, "import", message).with_suggestion(help));
            return None;
        };
        // Relative addresses inside the post's own folder keep their path (a Hugo
        // bundle's `images/a.png`); others take the file's name.
        // Hexo's asset folder (`<post>/`) is the imported post's own folder.
        let dir = self.file.parent().unwrap_or(self.source_root);
        let assets = dir.join(self.file.file_stem().unwrap_or_default());
        let wanted = match from
            .strip_prefix(&assets)
            .or_else(|_| from.strip_prefix(dir))
        {
            Ok(rel) if !written.starts_with('/') => rel.to_path_buf(),
            _ => PathBuf::from(from.file_name().unwrap_or_default()),
        };
        let wanted = PathBuf::from(
            wanted
                .components()
                .map(|c| safe_name(&c.as_os_str().to_string_lossy()))
                .collect::<Vec<_>>()
                .join("/"),
        );
        if let Some((rel, _)) = self.copies.iter().find(|(_, f)| *f == from) {
            return Some(slash_path(rel));
        }
        let mut name = wanted.clone();
        let mut n = 2;
        while self.copies.iter().any(|(rel, _)| *rel == name) || name == Path::new("index.md") {
            let stem = wanted.file_stem().unwrap_or_default().to_string_lossy();
            let ext = wanted
                .extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_default();
            name = wanted.with_file_name(format!("{stem}-{n}{ext}"));
            n += 1;
        }
        self.copies.push((name.clone(), from));
        Some(slash_path(&name))
    }

    /// The source file an address names: relative to the post (or, as Hexo's
    /// asset folders, to `<post>/`); a `/…` address from the folder of the post or
    /// any above it up to the source folder, directly or under `static/` (Hugo).
    /// Nothing outside the source folder, as written or through a symlink.
    fn find(&self, written: &str) -> (Option<PathBuf>, Option<PathProblem>) {
        let dir = self.file.parent().unwrap_or(self.source_root);
        let mut problem = None;
        let mut addresses = vec![written.to_string()];
        let bare = written.split(['?', '#']).next().unwrap_or(written);
        let decoded = percent_encoding::percent_decode_str(bare).decode_utf8_lossy();
        for a in [bare, decoded.as_ref()] {
            if !addresses.iter().any(|x| x == a) {
                addresses.push(a.to_string());
            }
        }
        for address in &addresses {
            let candidates: Vec<PathBuf> = match address.strip_prefix('/') {
                Some(rooted) => {
                    let rooted = rooted.trim_start_matches('/');
                    dir.ancestors()
                        .take_while(|a| a.starts_with(self.source_root))
                        .flat_map(|a| [a.join(rooted), a.join("static").join(rooted)])
                        .collect()
                }
                None => {
                    let stem = self.file.file_stem().unwrap_or_default();
                    vec![dir.join(address), dir.join(stem).join(address)]
                }
            };
            for candidate in candidates {
                let path = normalize(&candidate);
                if !path.starts_with(self.source_root) {
                    problem.get_or_insert(PathProblem::Outside {
                        through_symlink: false,
                    });
                    continue;
                }
                match confine(self.source_root, &path) {
                    Ok(()) => return (Some(path), None),
                    Err(PathProblem::Missing) => {}
                    Err(p) => {
                        problem.get_or_insert(p);
                    }
                }
            }
        }
        (None, problem)
    }
}

fn is_remote(address: &str) -> bool {
    let lower = address.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("//")
        || lower.starts_with("data:")
}

/// A file name that reads as one Markdown address: no spaces, brackets, quotes,
/// `#`, `?` or `%`.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_whitespace() || "()<>[]\"'#?%\\".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_names_give_a_date_and_a_slug() {
        assert_eq!(
            jekyll_date("2021-03-04-hello-world"),
            Some(("2021-03-04", "hello-world"))
        );
        assert_eq!(jekyll_date("2021-13-04-x"), None, "no 13th month");
        assert_eq!(jekyll_date("2021-03-04"), None, "a date alone is a name");
        assert_eq!(jekyll_date("hello"), None);
    }

    #[test]
    fn slugs_are_portable_and_stable() {
        assert_eq!(slugify("Hello World!", "a"), "hello-world");
        assert_eq!(slugify("rust_intro", "a"), "rust_intro");
        assert_eq!(slugify("Rust 入门 2024", "a"), "rust-2024");
        let cjk = slugify("标题", "old/标题.md");
        assert!(cjk.starts_with("post-") && cjk.len() == 13, "{cjk}");
        assert_eq!(cjk, slugify("标题", "old/标题.md"), "the same every run");
        assert_ne!(cjk, slugify("标题", "old/other/标题.md"));
        assert_eq!(slugify("con", "a"), "con-post", "a Windows device name");
        for s in [cjk, slugify("-x-", "a"), slugify("CON", "a")] {
            assert_eq!(content::portable_slug(&s), Ok(()), "{s}");
        }
    }

    #[test]
    fn liquid_site_urls_are_taken_out_and_other_tags_kept() {
        assert_eq!(
            strip_liquid_urls("![a]({{ site.baseurl }}/x.png) {{site.url}}{{ site.baseurl }}/y"),
            (
                "![a](/x.png) /y".to_string(),
                vec![(5, 18), (13, 30), (13, 48)]
            )
        );
        assert_eq!(
            strip_liquid_urls("![b]({{ '/a b.png' | relative_url }}) {{ \"x\" | upcase }}"),
            (
                "![b](/a b.png) {{ \"x\" | upcase }}".to_string(),
                vec![(13, 23)]
            )
        );
        assert_eq!(
            strip_liquid_urls("{{ page.title }} {{ unclosed"),
            ("{{ page.title }} {{ unclosed".to_string(), vec![])
        );
    }

    #[test]
    fn more_markers_go_and_the_rest_stays() {
        let mut mapped = Vec::new();
        assert_eq!(
            drop_more_marker("a\n<!-- more -->\nb <!-- more --> c\n", &mut mapped),
            "a\nb <!-- more --> c\n"
        );
        assert_eq!(mapped.len(), 1);
    }
}
