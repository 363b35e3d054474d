//! Render: a [`Post`] becomes an [`Article`], the exact HTML fragment WeChat
//! receives, plus the local files it needs uploaded.

mod cjk;
pub mod highlight;
pub mod inline;
pub mod leaf;
pub mod markdown;
pub mod nesting;
pub mod plain;
pub mod sanitize;
pub mod theme;
pub mod tokens;

pub use markdown::{Footnote, Reference};
pub use theme::Theme;

use crate::config::Config;
use crate::content::paths::confine;
use crate::content::{resolve_path, PathProblem, Post};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::images::{FigureKind, Pipeline, RemoteFile};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Article {
    pub slug: String,
    /// The fragment for the draft API: inline styles only.
    pub html: String,
    /// Characters of text a reader sees in `html` ([`leaf::Wrapped::visible_chars`]).
    pub visible_chars: usize,
    /// Local images referenced by the fragment, by the `src` written into it.
    pub images: Vec<Asset>,
    pub references: Vec<Reference>,
}

/// A local file the article needs: copied next to the output, uploaded on publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    /// The file to copy and upload: the processed image in the cache (see
    /// [`crate::images`]), or the source itself when rendering without a pipeline.
    #[serde(skip)]
    pub path: PathBuf,
    /// Absolute path of the writer's file, which is never changed.
    #[serde(skip)]
    pub source: PathBuf,
    /// The `src` used in the fragment, also the file name in the post's output folder.
    pub name: String,
    pub width: Option<u32>,
}

/// Everything rendering needs that is the same for all posts.
pub struct RenderContext<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub theme: &'a Theme,
    /// Makes local images fit for WeChat; without one they are used as written.
    pub images: Option<&'a Pipeline>,
}

#[derive(Serialize)]
struct PostView<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    author: Option<&'a str>,
    column: Option<ColumnView<'a>>,
    schedule: Option<String>,
    source_url: Option<&'a str>,
}

#[derive(Serialize)]
struct ColumnView<'a> {
    name: &'a str,
    slug: &'a str,
}

/// Renders one post. Problems (a missing image, a template error) come back as
/// diagnostics; the article is still returned when they are only warnings.
pub fn render_post(
    ctx: &RenderContext,
    post: &Post,
) -> Result<(Article, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut images: Vec<Asset> = Vec::new();
    let mut names: HashMap<PathBuf, String> = HashMap::new();
    let index = LineIndex::new(&post.text);
    let mut body = markdown::render(post.body(), &mut |embed, range| {
        let pos = index.pos(post.body_offset + range.start);
        match embed {
            markdown::Embed::Image(src) => {
                resolve_image(ctx, post, src, &mut images, &mut names, |d| {
                    diags.push(d.with_pos(&post.source, pos))
                })
            }
            markdown::Embed::Figure(kind, source) => {
                resolve_figure(ctx, kind, source, &mut images, |d, line| {
                    // A diagram's error names a line of the diagram: the same line
                    // of the post, counted from where the diagram starts.
                    let pos = match line {
                        Some(n) if n > 1 => {
                            let skip = post.body()[range.start..]
                                .match_indices('\n')
                                .nth(n as usize - 2)
                                .map_or(range.start, |(at, _)| range.start + at + 1);
                            index.pos(post.body_offset + skip)
                        }
                        _ => pos,
                    };
                    diags.push(d.with_pos(&post.source, pos))
                })
            }
        }
    })
    .map_err(|deep| {
        vec![Diagnostic::error(
            &post.source,
            index.pos(post.body_offset + deep.offset),
            "nesting",
            deep.message,
        )
        .with_suggestion(
            "close the elements you opened, or flatten the quotes and lists; no reader sees that depth",
        )]
    })?;

    if body.raw_html {
        // The writer's HTML, made WeChat-safe; each change is reported where it was written.
        let chain_help = format!(
            "keep at most {} of these wrappers (usually one is enough); WeChat removes the whole chain silently",
            sanitize::MAX_SAME_WRAPPER_CHAIN
        );
        for (at, fragment) in &body.raw_fragments {
            let pos = index.pos(post.body_offset + at);
            let changed = sanitize::problems(fragment).into_iter().map(|problem| {
                (
                    format!("raw HTML changed for WeChat: {problem}"),
                    "WeChat drops scripts, frames, forms and event handlers, and refuses these styles; remove them from the post",
                )
            });
            let chains = sanitize::deep_chains(fragment)
                .into_iter()
                .map(|chain| (chain, chain_help.as_str()));
            for (message, help) in changed.chain(chains) {
                diags.push(
                    Diagnostic::new(
                        &post.source,
                        pos,
                        "raw-html",
                        crate::diagnostic::Severity::Warning,
                        message,
                    )
                    .with_suggestion(help),
                );
            }
        }
        body.html = sanitize::clean(&body.html);
        for note in &mut body.footnotes {
            note.html = sanitize::clean(&note.html);
        }
    }
    for &at in &body.unparsed_emphasis {
        diags.push(
            Diagnostic::error(
                &post.source,
                index.pos(post.body_offset + at),
                "emphasis-unparsed",
                "`**` or `~~` is left as text: this emphasis has no partner it can pair with",
            )
            .with_suggestion(
                "close it (`**重点**`), or write a literal asterisk or tilde as `\\*` or `\\~`",
            ),
        );
    }

    for &at in &body.unparsed_math {
        diags.push(
            Diagnostic::error(
                &post.source,
                index.pos(post.body_offset + at),
                "math",
                "this formula is never closed: its `$` is left as text (a `{` without its `}` keeps `$` from closing it)",
            )
            .with_suggestion("pair the braces and close the formula with the same `$` or `$$` it opened with; a `$` meant as money is written `\\$`"),
        );
    }

    let column = post
        .meta
        .column
        .as_deref()
        .and_then(|c| ctx.config.column(c));
    let view = PostView {
        slug: &post.slug,
        title: &post.meta.title,
        summary: post.meta.summary.as_deref(),
        author: post.meta.author.as_deref(),
        column: column.map(|c| ColumnView {
            name: &c.name,
            slug: c.slug(),
        }),
        schedule: post.meta.schedule.as_ref().map(format_schedule),
        source_url: post.meta.source_url.as_deref(),
    };
    let mut context = tera::Context::new();
    context.insert("post", &view);
    context.insert(
        "site",
        &serde_json::json!({ "name": ctx.config.site.name, "author": ctx.config.site.author }),
    );
    let partial = |name: Option<&toml::Spanned<String>>| -> Result<String, Diagnostic> {
        let Some(name) = name else {
            return Ok(String::new());
        };
        let template = format!("{}/{}", theme::PARTIALS_DIR, name.get_ref());
        ctx.theme
            .tera
            .render(&template, &context)
            .map_err(|e| theme::template_error(&template, &e))
    };
    let header = partial(column.and_then(|c| c.header.as_ref()));
    let footer = partial(column.and_then(|c| c.footer.as_ref()));
    let (header, footer) = match (header, footer) {
        (Ok(h), Ok(f)) => (h, f),
        (h, f) => {
            diags.extend(h.err().into_iter().chain(f.err()));
            return Err(diags);
        }
    };
    context.insert("header", &header);
    context.insert("footer", &footer);
    context.insert("content", &body.html);
    context.insert("references", &body.references);
    context.insert("footnotes", &body.footnotes);
    let raw = ctx
        .theme
        .tera
        .render(theme::ARTICLE_TEMPLATE, &context)
        .map_err(|e| vec![theme::template_error(theme::ARTICLE_TEMPLATE, &e)])?;
    // The renderer and templates nest their tags properly; a writer's raw HTML or a
    // template's <style> needs a real HTML parser to know what the browser builds.
    let trusted = !body.raw_html
        && !["<style", "<script", "<link"]
            .iter()
            .any(|t| raw.contains(t));
    let html = ctx
        .theme
        .inliner
        .inline(&compact(&raw), trusted)
        .map_err(|e| {
            vec![Diagnostic::error(
                &post.source,
                crate::diagnostic::Pos::START,
                "template",
                format!("cannot inline the theme's CSS: {e}"),
            )
            .with_suggestion("check the theme's style.css for syntax errors")]
        })?;

    // Every text run in its own leaf span, as WeChat's editor writes it; else the
    // editor's line-height check counts each bold or link as another line.
    let leaf::Wrapped {
        html,
        visible_chars,
    } = leaf::wrap(&html);

    if crate::diagnostic::has_errors(&diags) {
        return Err(diags);
    }
    Ok((
        Article {
            slug: post.slug.clone(),
            html,
            visible_chars,
            images,
            references: body.references,
        },
        diags,
    ))
}

/// The viewing page (`index.html`): the fragment inside a phone-width page.
pub fn render_page(
    ctx: &RenderContext,
    post: &Post,
    article: &Article,
) -> Result<String, Diagnostic> {
    let mut context = tera::Context::new();
    context.insert(
        "post",
        &serde_json::json!({
            "title": post.meta.title,
            "author": post.meta.author,
            "summary": post.meta.summary,
            "schedule": post.meta.schedule.as_ref().map(format_schedule),
        }),
    );
    context.insert("site", &serde_json::json!({ "name": ctx.config.site.name }));
    context.insert("article", &article.html);
    ctx.theme
        .tera
        .render(theme::PAGE_TEMPLATE, &context)
        .map_err(|e| theme::template_error(theme::PAGE_TEMPLATE, &e))
}

/// RFC 3339 with the offset of the site's timezone, e.g. `2026-12-01T12:00:00+08:00`.
pub fn format_schedule(z: &jiff::Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Template output is indented for people; whitespace between tags would count
/// toward WeChat's 20,000-character limit and can turn into blank lines in the editor.
fn compact(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for line in html.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // Keep a space where two pieces of text were on separate lines.
        if !out.is_empty() && !out.ends_with('>') && !line.starts_with('<') {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A diagnostic about an image, before the file and position are known.
struct ImageProblem(Diagnostic);

impl ImageProblem {
    fn with_pos(self, file: &str, pos: crate::diagnostic::Pos) -> Diagnostic {
        let mut d = self.0;
        d.file = file.to_string();
        d.line = pos.line;
        d.column = pos.column;
        d.end_line = pos.line;
        d.end_column = pos.column;
        d
    }
}

fn resolve_image(
    ctx: &RenderContext,
    post: &Post,
    src: &str,
    images: &mut Vec<Asset>,
    names: &mut HashMap<PathBuf, String>,
    mut report: impl FnMut(ImageProblem),
) -> markdown::ImageOut {
    let problem = |rule: &str, severity, message: String, help: &str| {
        ImageProblem(
            Diagnostic::new("", crate::diagnostic::Pos::START, rule, severity, message)
                .with_suggestion(help),
        )
    };
    let web = src.starts_with("http://") || src.starts_with("https://");
    if (web || src.starts_with("data:")) && !is_wechat_cdn(src) {
        // Fetched (or found fetched) into the cache, then on as a local image.
        let fetched = match ctx.images.filter(|_| web).map(|p| p.remote_file(src)) {
            Some(RemoteFile::Local(file)) => Some(file),
            Some(RemoteFile::Failed(why)) => {
                report(problem(
                    "image-remote",
                    Severity::Warning,
                    format!(
                        "image `{src}` could not be fetched: {why}; it stays remote, and WeChat will not show it"
                    ),
                    "check the address, or download the image into the site and reference the local file",
                ));
                None
            }
            Some(RemoteFile::NotFetched) => {
                report(problem(
                    "image-remote",
                    Severity::Warning,
                    format!("image `{src}` is not fetched yet and will not show in the article"),
                    "`wxpress build` (or publish) fetches it; the preview uses only what was fetched",
                ));
                None
            }
            Some(RemoteFile::Off) | None => {
                report(problem(
                    "image-remote",
                    Severity::Warning,
                    format!("image `{src}` is not on WeChat's CDN and will not show in the article"),
                    "build without --offline to fetch it, or download it into the site and reference the local file; wxpress uploads it on publish",
                ));
                None
            }
        };
        if let Some(file) = fetched {
            if let Some(out) = remote_image(ctx, src, file, images, names, &mut report) {
                return out;
            }
        }
        return markdown::ImageOut {
            src: src.to_string(),
            width: None,
            figure: None,
        };
    }
    if web || src.starts_with("data:") {
        return markdown::ImageOut {
            src: src.to_string(),
            width: None,
            figure: None,
        };
    }
    let root = ctx.root;
    let path = resolve_path(root, post.dir(), src);
    let resolved = confine(root, &path);
    if let Some(out) = already_named(&path, names, images) {
        return out;
    }
    let mut file = path.clone();
    let mut ext = None;
    let width = match (resolved, ctx.images) {
        (Ok(()), Some(pipeline)) => match pipeline.process(&path) {
            Ok(processed) => {
                if let Some(note) = &processed.note {
                    report(converted(src, note));
                }
                file = processed.path.clone();
                ext = Some(processed.kind);
                Some(processed.width)
            }
            Err(why) => {
                report(problem(
                    "image-too-large",
                    Severity::Error,
                    format!("cannot use image `{src}`: {why}"),
                    "open it in an image editor and export it again as jpg or png",
                ));
                None
            }
        },
        (Ok(()), None) => match imagesize::size(&path) {
            Ok(size) => Some(size.width as u32),
            Err(e) => {
                report(problem(
                    "image-too-large",
                    crate::diagnostic::Severity::Error,
                    format!("cannot read the size of image `{src}`: {e}"),
                    "save it again as a jpg or png file",
                ));
                None
            }
        },
        (Err(PathProblem::Missing), _) => {
            report(problem(
                "image-missing",
                crate::diagnostic::Severity::Error,
                format!(
                    "image `{src}` not found (looked at {})",
                    crate::content::relative_path(root, &path)
                ),
                PathProblem::Missing.help(),
            ));
            None
        }
        (Err(other), _) => {
            // Never copied nor uploaded: leave the article without it.
            report(problem(
                "path",
                crate::diagnostic::Severity::Error,
                other.message("image", src),
                other.help(),
            ));
            return markdown::ImageOut {
                src: String::new(),
                width: None,
                figure: None,
            };
        }
    };
    // A converted image is named for what it now is: photo.webp → photo.jpg.
    let named = match ext {
        Some(kind)
            if !path
                .extension()
                .is_some_and(|e| kind.matches_ext(&e.to_string_lossy())) =>
        {
            path.with_extension(kind.ext())
        }
        _ => path.clone(),
    };
    let name = unique_name(&named, images);
    names.insert(path.clone(), name.clone());
    images.push(Asset {
        path: file,
        source: path,
        name: name.clone(),
        width,
    });
    markdown::ImageOut {
        src: name,
        width,
        figure: None,
    }
}

/// A formula or diagram drawn by the pipeline (or found drawn in its cache) and
/// made an asset like an image: `math-<hash>.png`, `diagram-<hash>.png`. One
/// that cannot be drawn is a `math` or `diagram` error, never raw source in the
/// article.
fn resolve_figure(
    ctx: &RenderContext,
    kind: FigureKind,
    source: &str,
    images: &mut Vec<Asset>,
    mut report: impl FnMut(ImageProblem, Option<u32>),
) -> markdown::ImageOut {
    let (rule, what, help) = match kind {
        FigureKind::Mermaid => (
            "diagram",
            "mermaid diagram",
            "check the diagram's syntax (https://mermaid.js.org/intro/syntax-reference.html); wxpress draws flowcharts, sequence, class, state, ER, pie, gantt and other diagram types",
        ),
        FigureKind::InlineMath | FigureKind::DisplayMath => (
            "math",
            "formula",
            "check the LaTeX: braces must pair and commands be spelled as in LaTeX math mode; a `$` meant as money is written `\\$`",
        ),
    };
    let failed = markdown::ImageOut {
        src: String::new(),
        width: None,
        figure: None,
    };
    let Some(pipeline) = ctx.images else {
        report(
            ImageProblem(
                Diagnostic::error(
                    "",
                    crate::diagnostic::Pos::START,
                    rule,
                    format!("the {what} cannot be drawn without the image pipeline"),
                )
                .with_suggestion(help),
            ),
            None,
        );
        return failed;
    };
    match pipeline.figure(kind, source) {
        Ok(figure) => {
            let name = format!("{}-{}.png", kind.stem(), &figure.key[..12]);
            if !images.iter().any(|a| a.name == name) {
                images.push(Asset {
                    path: figure.path.clone(),
                    source: figure.path.clone(),
                    name: name.clone(),
                    width: Some(figure.width),
                });
            }
            markdown::ImageOut {
                src: name,
                width: Some(figure.width),
                figure: Some(markdown::FigureSize {
                    width: figure.show_width,
                    height: figure.show_height,
                    depth: figure.depth,
                }),
            }
        }
        Err(e) => {
            let shown: String = source.trim().chars().take(60).collect();
            let shown = shown.replace('\n', " ");
            let message = match kind {
                FigureKind::Mermaid => format!("the {what} cannot be drawn: {}", e.message),
                _ => format!("the {what} `{shown}` cannot be drawn: {}", e.message),
            };
            report(
                ImageProblem(
                    Diagnostic::error("", crate::diagnostic::Pos::START, rule, message)
                        .with_suggestion(help),
                ),
                e.line,
            );
            failed
        }
    }
}

/// The image at `file` when an earlier reference of this post already made it an
/// asset: the same name, so it is copied and uploaded once.
fn already_named(
    file: &Path,
    names: &HashMap<PathBuf, String>,
    images: &[Asset],
) -> Option<markdown::ImageOut> {
    let name = names.get(file)?;
    let width = images
        .iter()
        .find(|a| &a.name == name)
        .and_then(|a| a.width);
    Some(markdown::ImageOut {
        src: name.clone(),
        width,
        figure: None,
    })
}

/// The note that the pipeline converted the image written as `src`.
fn converted(src: &str, note: &str) -> ImageProblem {
    ImageProblem(Diagnostic::new(
        "",
        crate::diagnostic::Pos::START,
        "image-converted",
        Severity::Info,
        format!("image `{src}`: {note}"),
    ))
}

/// A fetched remote image (`file`, its original in the cache) made into an
/// asset like a local one; `None`, with a warning, when it cannot be used.
fn remote_image(
    ctx: &RenderContext,
    src: &str,
    file: PathBuf,
    images: &mut Vec<Asset>,
    names: &mut HashMap<PathBuf, String>,
    report: &mut impl FnMut(ImageProblem),
) -> Option<markdown::ImageOut> {
    let pipeline = ctx.images?;
    if let Some(out) = already_named(&file, names, images) {
        return Some(out);
    }
    match pipeline.process(&file) {
        Ok(processed) => {
            if let Some(note) = &processed.note {
                report(converted(src, note));
            }
            let named = PathBuf::from(crate::images::remote_file_name(src, processed.kind.ext()));
            let name = unique_name(&named, images);
            names.insert(file.clone(), name.clone());
            images.push(Asset {
                path: processed.path,
                source: file,
                name: name.clone(),
                width: Some(processed.width),
            });
            Some(markdown::ImageOut {
                src: name,
                width: Some(processed.width),
                figure: None,
            })
        }
        Err(why) => {
            report(ImageProblem(
                Diagnostic::new(
                    "",
                    crate::diagnostic::Pos::START,
                    "image-remote",
                    Severity::Warning,
                    format!("image `{src}` was fetched but cannot be used: {why}; it stays remote, and WeChat will not show it"),
                )
                .with_suggestion("download it, export it again as jpg or png, and reference the local file"),
            ));
            None
        }
    }
}

/// The file name, made unique among the post's images: `a.png`, `a-2.png`, …
fn unique_name(path: &Path, taken: &[Asset]) -> String {
    let file = path
        .file_name()
        .map_or("image".into(), |f| f.to_string_lossy().into_owned());
    let (stem, ext) = file
        .rsplit_once('.')
        .map_or((file.as_str(), ""), |(s, e)| (s, e));
    let mut name = file.clone();
    let mut n = 2;
    while taken.iter().any(|a| a.name == name) || name == "index.html" || name == "article.html" {
        name = if ext.is_empty() {
            format!("{stem}-{n}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        n += 1;
    }
    name
}

/// Image hosts WeChat serves articles from; such images need no upload.
pub fn is_wechat_cdn(src: &str) -> bool {
    let host = src
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("");
    host == "mmbiz.qpic.cn" || host.ends_with(".qpic.cn") || host == "mmbiz.qlogo.cn"
}
