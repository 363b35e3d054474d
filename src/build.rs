//! `wxpress build`: render every post and write `public/` atomically: into a
//! temporary folder beside it, swapped in only when the whole site succeeded.

use crate::content::relative_path;
use crate::diagnostic::{self, Diagnostic, Pos};
use crate::output::{self, OldFingerprints, OutputFile, PostOutput};
use crate::render::{self, format_schedule};
use crate::site::{CompileOptions, Rendered, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

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
    /// Characters of visible text ([`crate::render::leaf::visible_chars`]):
    /// `chars / text` is how much markup each character of text costs.
    pub text: usize,
}

/// Builds the site. On any error nothing is written and every diagnostic is returned.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let mut site = Site::load(&opts.root)?;
    site.images.set_remote(opts.remote_images);
    let compiled = site.compile_all(&CompileOptions {
        wip: opts.wip,
        now: opts.now,
    });
    let (rendered, mut diags) = (compiled.posts, compiled.diagnostics);
    let ctx = site.render_context();
    // Viewing pages, per post, in parallel; results keep the posts' order.
    let per_post: Vec<(Vec<Diagnostic>, Option<String>)> = rendered
        .par_iter()
        .map(|r| {
            let mut post_diags = r.diagnostics.clone();
            let page = r.article.as_ref().and_then(|article| {
                match render::render_page(&ctx, &r.post, article) {
                    Ok(page) => Some(page),
                    Err(d) => {
                        post_diags.push(d);
                        None
                    }
                }
            });
            (post_diags, page)
        })
        .collect();
    let mut pages = Vec::with_capacity(rendered.len());
    for (post_diags, page) in per_post {
        diags.extend(post_diags);
        pages.extend(page);
    }
    diagnostic::sort(&mut diags);
    diags.dedup();
    if diagnostic::has_errors(&diags) {
        return Err(diags);
    }
    check_out_dir(&opts.root, &opts.out)?;
    let written: Vec<&Rendered> = rendered.iter().filter(|r| r.article.is_some()).collect();
    let covers: Vec<Option<String>> = written.iter().map(|r| cover_name(&r.post)).collect();
    let outputs: Vec<(PostOutput, String)> = (0..written.len())
        .into_par_iter()
        .map(|i| {
            let output = post_output(written[i], &pages[i], covers[i].as_deref());
            let fingerprint = output.fingerprint();
            (output, fingerprint)
        })
        .collect();
    let manifest = manifest(&site, &written, &covers, &outputs);
    let json = serde_json::to_string_pretty(&manifest).expect("the manifest serializes") + "\n";
    output::write(&opts.out, &outputs, &json, &old_fingerprints(&opts.out)).map_err(|e| {
        vec![Diagnostic::error(
            relative_path(&opts.root, &opts.out),
            Pos::START,
            "build",
            format!("cannot write output: {e}"),
        )
        .with_suggestion(
            "the previous output was left as it was; check free space and permissions",
        )]
    })?;
    // Only a full build knows every image the site uses (each hit above marked
    // its cache entry as used); serve, check and publish never prune.
    let pruned = site.images.prune(crate::images::CACHE_KEEP);
    Ok(BuildReport {
        posts: rendered.len(),
        diagnostics: diags,
        images: site.images.stats(),
        pruned,
    })
}

/// `written`, `covers` and `outputs` are parallel: the posts that have output.
fn manifest(
    site: &Site,
    written: &[&Rendered],
    covers: &[Option<String>],
    outputs: &[(PostOutput, String)],
) -> Manifest {
    let posts = written
        .iter()
        .zip(covers)
        .zip(outputs)
        .filter_map(|((r, cover), (_, fingerprint))| {
            let article = r.article.as_ref()?;
            let meta = &r.post.meta;
            Some(ManifestPost {
                slug: r.post.slug.clone(),
                title: meta.title.clone(),
                summary: meta.summary.clone(),
                column: meta.column.clone(),
                schedule: meta.schedule.as_ref().map(format_schedule),
                position: meta.position,
                wip: meta.wip,
                cover: meta.cover.clone(),
                source: r.post.source.clone(),
                outputs: Outputs {
                    article: format!("{}/article.html", r.post.slug),
                    page: format!("{}/index.html", r.post.slug),
                    images: article
                        .images
                        .iter()
                        .map(|a| format!("{}/{}", r.post.slug, a.name))
                        .collect(),
                    cover: cover.as_ref().map(|c| format!("{}/{c}", r.post.slug)),
                },
                length: Length {
                    chars: article.html.chars().count(),
                    bytes: article.html.len(),
                    text: crate::render::leaf::visible_chars(&article.html),
                },
                fingerprint: fingerprint.clone(),
            })
        })
        .collect();
    Manifest {
        site: site.config.site.name.clone(),
        generator: format!("wxpress {}", env!("CARGO_PKG_VERSION")),
        posts,
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
fn post_output<'a>(r: &'a Rendered, page: &'a str, cover: Option<&'a str>) -> PostOutput<'a> {
    let article = r.article.as_ref().expect("only rendered posts have output");
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
    if let (Some(name), Some(path)) = (cover, &r.post.meta.cover_path) {
        files.push(OutputFile::Copy { name, from: path });
    }
    PostOutput {
        slug: &r.post.slug,
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
