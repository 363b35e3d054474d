//! `wxpress build`: render every post and write `public/` atomically: into a
//! temporary folder beside it, swapped in only when the whole site succeeded.

use crate::content::relative_path;
use crate::diagnostic::{self, Diagnostic, Pos};
use crate::render::{self, format_schedule};
use crate::site::{Rendered, Site};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub drafts: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub posts: usize,
    /// Warnings (errors make the build fail).
    pub diagnostics: Vec<Diagnostic>,
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
    pub draft: bool,
    pub cover: Option<String>,
    pub source: String,
    pub outputs: Outputs,
    pub length: Length,
}

#[derive(Serialize)]
pub struct Outputs {
    pub article: String,
    pub page: String,
    pub images: Vec<String>,
    pub cover: Option<String>,
}

/// The fragment's size as the draft API counts it.
#[derive(Serialize)]
pub struct Length {
    pub chars: usize,
    pub bytes: usize,
}

/// Builds the site. On any error nothing is written and every diagnostic is returned.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let site = Site::load(&opts.root)?;
    let (rendered, mut diags) = site.render_all(opts.drafts);
    let ctx = site.render_context();
    let mut pages = Vec::with_capacity(rendered.len());
    for r in &rendered {
        diags.extend(r.diagnostics.iter().cloned());
        diags.extend(crate::check::check_post(&site, &r.post, r.article.as_ref()));
        if let Some(article) = &r.article {
            match render::render_page(&ctx, &r.post, article) {
                Ok(page) => pages.push(page),
                Err(d) => diags.push(d),
            }
        }
    }
    diagnostic::sort(&mut diags);
    diags.dedup();
    if diagnostic::has_errors(&diags) {
        return Err(diags);
    }
    check_out_dir(&opts.root, &opts.out)?;
    let manifest = manifest(&site, &rendered);
    write_atomically(&opts.out, |tmp| {
        write_site(tmp, &rendered, &pages, &manifest)
    })
    .map_err(|e| {
        vec![Diagnostic::error(
            relative_path(&opts.root, &opts.out),
            Pos::START,
            "build",
            format!("cannot write output: {e}"),
        )]
    })?;
    Ok(BuildReport {
        posts: rendered.len(),
        diagnostics: diags,
    })
}

fn manifest(site: &Site, rendered: &[Rendered]) -> Manifest {
    let posts = rendered
        .iter()
        .filter_map(|r| {
            let article = r.article.as_ref()?;
            let meta = &r.post.meta;
            Some(ManifestPost {
                slug: r.post.slug.clone(),
                title: meta.title.clone(),
                summary: meta.summary.clone(),
                column: meta.column.clone(),
                schedule: meta.schedule.as_ref().map(format_schedule),
                position: meta.position,
                draft: meta.draft,
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
                    cover: cover_name(&r.post).map(|c| format!("{}/{c}", r.post.slug)),
                },
                length: Length {
                    chars: article.html.chars().count(),
                    bytes: article.html.len(),
                },
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

fn write_site(
    dir: &Path,
    rendered: &[Rendered],
    pages: &[String],
    manifest: &Manifest,
) -> std::io::Result<()> {
    for (r, page) in rendered.iter().filter(|r| r.article.is_some()).zip(pages) {
        let article = r.article.as_ref().expect("filtered");
        let post_dir = dir.join(&r.post.slug);
        std::fs::create_dir_all(&post_dir)?;
        std::fs::write(post_dir.join("article.html"), &article.html)?;
        std::fs::write(post_dir.join("index.html"), page)?;
        for image in &article.images {
            std::fs::copy(&image.path, post_dir.join(&image.name))?;
        }
        if let (Some(name), Some(path)) = (cover_name(&r.post), &r.post.meta.cover_path) {
            std::fs::copy(path, post_dir.join(name))?;
        }
    }
    let json = serde_json::to_string_pretty(manifest).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(MANIFEST), json + "\n")
}

/// Refuses output folders whose replacement would lose something: the site itself,
/// a folder holding it, or a non-empty folder wxpress did not create.
fn check_out_dir(root: &Path, out: &Path) -> Result<(), Vec<Diagnostic>> {
    let shown = relative_path(root, out);
    let refuse = |why: String| {
        Err(vec![Diagnostic::error(
            shown.clone(),
            Pos::START,
            "build",
            why,
        )
        .with_suggestion("choose another --out folder, e.g. public/")])
    };
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(out));
    if root_abs.starts_with(&out_abs) {
        return refuse(format!(
            "the output folder {} contains the site itself",
            out.display()
        ));
    }
    if out.is_dir()
        && !out.join(MANIFEST).is_file()
        && std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some())
    {
        return refuse(format!("{} is not empty and was not made by wxpress (it has no {MANIFEST}); it would be replaced", out.display()));
    }
    if out_abs.starts_with(root_abs.join(crate::content::CONTENT_DIR)) {
        return refuse("the output folder is inside content/".into());
    }
    Ok(())
}

/// Runs `write` on a fresh temporary folder next to `out`, then swaps it into place.
/// If `write` fails, `out` is untouched and the temporary folder is removed.
pub fn write_atomically(
    out: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;
    write(tmp.path())?;
    let tmp = tmp.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)?
            .keep();
        // rename() cannot replace a non-empty folder: move the old one aside first.
        std::fs::remove_dir(&old)?;
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(&tmp, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else if let Err(e) = std::fs::rename(&tmp, out) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(())
}
