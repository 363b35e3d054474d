//! `wxpress build`: render every post and write `public/` atomically: into a
//! temporary folder beside it, swapped in only when the whole site succeeded.

use crate::content::relative_path;
use crate::diagnostic::{self, Diagnostic, Pos};
use crate::output::{self, OldFingerprints, OutputFile, PostOutput};
use crate::render::{self, format_schedule};
use crate::site::{CompileOptions, Rendered, Site};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::output::MANIFEST;

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub wip: bool,
    /// The instant the calendar rules (`schedule-*`) judge against.
    pub now: jiff::Timestamp,
    /// Fetch remote images (`![](https://…)`) into the cache, use only those
    /// fetched before, or leave them remote (`--offline`).
    pub remote_images: crate::images::Remote,
}

#[derive(Debug)]
pub struct BuildReport {
    pub posts: usize,
    /// Warnings and notes (errors make the build fail).
    pub diagnostics: Vec<Diagnostic>,
    /// Images converted by this build, and images found already converted in
    /// the cache: a rebuild of unchanged images converts none.
    pub images: crate::images::Stats,
    /// Cache entries no build had used for [`crate::images::CACHE_KEEP`], deleted.
    pub pruned: crate::images::Pruned,
}

#[derive(Serialize)]
pub struct Manifest {
    pub site: String,
    pub generator: String,
    pub posts: Vec<ManifestPost>,
}

#[derive(Serialize)]
pub struct ManifestPost {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub column: Option<String>,
    pub schedule: Option<String>,
    pub position: Option<u32>,
    /// `wip = true`: work in progress (only in a `build --wip`).
    pub wip: bool,
    pub cover: Option<String>,
    pub source: String,
    pub outputs: Outputs,
    pub length: Length,
    /// Changes whenever the post's output folder would; lets the next build reuse it.
    pub fingerprint: String,
}

#[derive(Serialize)]
pub struct Outputs {
    pub article: String,
    pub page: String,
    pub images: Vec<String>,
    pub cover: Option<String>,
}

/// The fragment's size as the draft API counts it, and the text a reader sees.
#[derive(Serialize)]
pub struct Length {
    /// Characters of the HTML (WeChat's limit is 20,000).
    pub chars: usize,
    pub bytes: usize,
    /// Characters of visible text ([`crate::render::Article::visible_chars`]):
    /// `chars / text` is how much markup each character of text costs.
    pub text: usize,
}

/// Builds the site. On any error nothing is written and every diagnostic is returned.
///
/// Each post's folder is written into the new output tree on the worker that
/// compiled it, and its texts are dropped there: memory holds diagnostics and
/// manifest entries, not every page of the site. The tree replaces `out` only
/// when the whole site succeeded ([`output::Staging`]).
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let mut site = Site::load(&opts.root)?;
    site.images.set_remote(opts.remote_images);
    // A refused output folder is reported after the posts' own errors, as those
    // are what the writer fixes first; nothing is staged for it.
    let refused = check_out_dir(&opts.root, &opts.out).err();
    let staging = match refused {
        Some(_) => None,
        None => Some(
            output::Staging::begin(&opts.out, old_fingerprints(&opts.out))
                .map_err(|e| cannot_write(opts, e))?,
        ),
    };
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let ctx = site.render_context();
    let compile = CompileOptions {
        wip: opts.wip,
        now: opts.now,
    };
    let (built, mut diags) = site.compile_each(&compile, |rendered| {
        finish_post(&ctx, rendered, staging.as_ref(), &write_error)
    });
    let posts = built.len();
    let mut entries = Vec::with_capacity(posts);
    // A back catalogue can have hundreds of thousands of warnings: one allocation.
    diags.reserve(built.iter().map(|b| b.diagnostics.len()).sum());
    for post in built {
        diags.extend(post.diagnostics);
        entries.extend(post.entry);
    }
    diagnostic::sort(&mut diags);
    diags.dedup();
    if diagnostic::has_errors(&diags) {
        return Err(diags);
    }
    if let Some(refused) = refused {
        return Err(refused);
    }
    if let Some(e) = write_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(cannot_write(opts, e));
    }
    let manifest = Manifest {
        site: site.config.site.name.clone(),
        generator: format!("wxpress {}", env!("CARGO_PKG_VERSION")),
        posts: entries,
    };
    let json = serde_json::to_string_pretty(&manifest).expect("the manifest serializes") + "\n";
    staging
        .expect("staged unless refused")
        .finish(&json)
        .map_err(|e| cannot_write(opts, e))?;
    // Only a full build knows every image the site uses (each hit above marked
    // its cache entry as used); serve, check and publish never prune.
    let pruned = site.images.prune(crate::images::CACHE_KEEP);
    Ok(BuildReport {
        posts,
        diagnostics: diags,
        images: site.images.stats(),
        pruned,
    })
}

/// What a build keeps of one post once its folder is written.
struct BuiltPost {
    diagnostics: Vec<Diagnostic>,
    /// Absent when the post was not written (it failed, or nothing is staged).
    entry: Option<ManifestPost>,
}

/// Renders a compiled post's viewing page and writes its folder into `staging`,
/// unless the post has errors (the build will fail and write nothing) or an
/// earlier write failed.
fn finish_post(
    ctx: &render::RenderContext,
    rendered: Rendered,
    staging: Option<&output::Staging>,
    write_error: &Mutex<Option<std::io::Error>>,
) -> BuiltPost {
    let mut diagnostics = rendered.diagnostics;
    let entry = rendered.article.as_ref().and_then(|article| {
        let page = render::render_page(ctx, &rendered.post, article)
            .map_err(|d| diagnostics.push(d))
            .ok()?;
        let failed = || write_error.lock().map_or(true, |e| e.is_some());
        let staging = staging.filter(|_| !diagnostic::has_errors(&diagnostics) && !failed())?;
        let cover = cover_name(&rendered.post);
        let output = post_output(&rendered.post, article, &page, cover.as_deref());
        let fingerprint = output.fingerprint();
        if let Err(e) = staging.add(&output, &fingerprint) {
            write_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
            return None;
        }
        Some(manifest_post(&rendered.post, article, cover, fingerprint))
    });
    BuiltPost { diagnostics, entry }
}

fn cannot_write(opts: &BuildOptions, e: std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        relative_path(&opts.root, &opts.out),
        Pos::START,
        "build",
        format!("cannot write output: {e}"),
    )
    .with_suggestion("the previous output was left as it was; check free space and permissions")]
}

/// The manifest's entry for a written post.
fn manifest_post(
    post: &crate::content::Post,
    article: &render::Article,
    cover: Option<String>,
    fingerprint: String,
) -> ManifestPost {
    let meta = &post.meta;
    ManifestPost {
        slug: post.slug.clone(),
        title: meta.title.clone(),
        summary: meta.summary.clone(),
        column: meta.column.clone(),
        schedule: meta.schedule.as_ref().map(format_schedule),
        position: meta.position,
        wip: meta.wip,
        cover: meta.cover.clone(),
        source: post.source.clone(),
        outputs: Outputs {
            article: format!("{}/article.html", post.slug),
            page: format!("{}/index.html", post.slug),
            images: article
                .images
                .iter()
                .map(|a| format!("{}/{}", post.slug, a.name))
                .collect(),
            cover: cover.map(|c| format!("{}/{c}", post.slug)),
        },
        length: Length {
            chars: article.html.chars().count(),
            bytes: article.html.len(),
            text: article.visible_chars,
        },
        fingerprint,
    }
}

/// The cover's file name in the output folder: `cover.<ext>`, when the file exists.
fn cover_name(post: &crate::content::Post) -> Option<String> {
    let path = post.meta.cover_path.as_ref().filter(|p| p.is_file())?;
    let ext = path
        .extension()
        .map_or("jpg".into(), |e| e.to_string_lossy().to_lowercase());
    Some(format!("cover.{ext}"))
}

/// The files of one post's output folder, borrowing the rendered texts.
fn post_output<'a>(
    post: &'a crate::content::Post,
    article: &'a render::Article,
    page: &'a str,
    cover: Option<&'a str>,
) -> PostOutput<'a> {
    let mut files = vec![
        OutputFile::Text {
            name: "article.html",
            text: &article.html,
        },
        OutputFile::Text {
            name: "index.html",
            text: page,
        },
    ];
    for image in &article.images {
        files.push(OutputFile::Copy {
            name: &image.name,
            from: &image.path,
        });
    }
    if let (Some(name), Some(path)) = (cover, &post.meta.cover_path) {
        files.push(OutputFile::Copy { name, from: path });
    }
    PostOutput {
        slug: &post.slug,
        files,
    }
}

/// Fingerprints recorded by the previous build, if its manifest is readable.
fn old_fingerprints(out: &Path) -> OldFingerprints {
    #[derive(serde::Deserialize)]
    struct Old {
        posts: Vec<OldPost>,
    }
    #[derive(serde::Deserialize)]
    struct OldPost {
        slug: String,
        fingerprint: String,
    }
    std::fs::read_to_string(out.join(MANIFEST))
        .ok()
        .and_then(|text| serde_json::from_str::<Old>(&text).ok())
        .map(|old| {
            old.posts
                .into_iter()
                .map(|p| (p.slug, p.fingerprint))
                .collect()
        })
        .unwrap_or_default()
}

/// The site's own folders, which must never hold the output.
const SOURCES: &[&str] = &[
    crate::content::CONTENT_DIR,
    "themes",
    "templates",
    "static",
    ".wxpress",
    ".git",
];

/// Refuses output folders whose replacement would lose something (see [`output`]).
fn check_out_dir(root: &Path, out: &Path) -> Result<(), Vec<Diagnostic>> {
    output::check_target(root, out, SOURCES).map_err(|output::Refused(why)| {
        vec![
            Diagnostic::error(relative_path(root, out), Pos::START, "build", why)
                .with_suggestion("choose another --out folder, e.g. public/; nothing was written"),
        ]
    })
}
