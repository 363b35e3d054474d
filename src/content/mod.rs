//! Content: finding posts under `content/` and turning each file into a [`Post`].

pub mod front_matter;
pub mod paths;
mod post;

pub use paths::{resolve_in_site, resolve_path, PathProblem};

pub use post::{
    heading_title, load_post, parse_schedule, portable_slug, relative_path, slug_for, Post,
    PostMeta,
};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const CONTENT_DIR: &str = "content";

/// Names `build` writes beside the post folders of `public/` (the manifest
/// first), so no post may take them as its slug.
pub const RESERVED_SLUGS: &[&str] = &["manifest.json"];

/// Every post file under `root/content`, sorted by path. Files and folders whose
/// names start with `.` or `_` are skipped, like editor and partial files.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    markdown_files(&root.join(CONTENT_DIR), |e| {
        e.file_name().to_string_lossy().starts_with(['.', '_'])
    })
}

/// Every `.md` file under `dir`, in path order, leaving out what `skip` says
/// (a file, or a whole folder) below `dir` itself.
pub fn markdown_files(dir: &Path, skip: impl Fn(&walkdir::DirEntry) -> bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skip(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// What two slugs must differ in: their ASCII case does not count, because on
/// macOS and Windows `Rust` and `rust` are one folder of `public/`.
pub fn slug_key(slug: &str) -> String {
    slug.to_ascii_lowercase()
}

/// The error on a post whose slug an earlier file (by path) already has.
pub fn slug_conflict(source: &str, slug: &str, first_source: &str, first_slug: &str) -> Diagnostic {
    let case = if first_slug == slug {
        String::new()
    } else {
        format!(" as `{first_slug}` (on macOS and Windows the two are one folder)")
    };
    Diagnostic::error(
        source,
        Pos::START,
        "front-matter",
        format!("slug `{slug}` is already used by {first_source}{case}"),
    )
    .with_suggestion(
        "rename one of the files; the slug is the file name (or the folder name for index.md)",
    )
}

/// Loads every post of the site, in parallel. Problems of all posts are collected,
/// including two posts that would write to the same output slug.
pub fn load_all(root: &Path, config: &Config) -> (Vec<Post>, Vec<Diagnostic>) {
    let results: Vec<_> = discover(root)
        .par_iter()
        .map(|path| load_post(root, config, path))
        .collect();
    let mut posts = Vec::new();
    let mut diags = Vec::new();
    for result in results {
        match result {
            Ok(post) => posts.push(post),
            Err(errors) => diags.extend(errors),
        }
    }
    let mut first_by_slug: HashMap<String, &Post> = HashMap::new();
    for post in &posts {
        if let Some(first) = first_by_slug.insert(slug_key(&post.slug), post) {
            diags.push(slug_conflict(
                &post.source,
                &post.slug,
                &first.source,
                &first.slug,
            ));
        }
    }
    (posts, diags)
}
