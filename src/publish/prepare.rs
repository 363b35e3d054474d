//! Turning the posts a user named into pushes: load, render, check, hash, group by
//! schedule slot, order by position. Pure: no network, no ledger writes.

use crate::content::front_matter::ArticleType;
use crate::content::{self, relative_path, Post};
use crate::diagnostic::{self, Diagnostic, Pos};
use crate::render::Article;
use crate::site::Site;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::wechat::limits::{
    ARTICLES_MAX, AUTHOR_MAX_CHARS, DIGEST_MAX_CHARS, IMAGE_EXTENSIONS, IMAGE_MAX_BYTES,
    MATERIAL_MAX_BYTES, NEWSPIC_IMAGES_MAX, SOURCE_URL_MAX_BYTES, TITLE_MAX_CHARS,
};

/// A post ready to publish: its article, the files it uploads and its hash.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub post: Post,
    pub article: Article,
    pub cover: PathBuf,
    /// SHA-256 of the post file, its images and its cover.
    pub hash: String,
}

/// Posts that go out together (one draft, one publish or send).
#[derive(Debug, Clone)]
pub struct Push {
    /// Stable across runs for the same post versions.
    pub id: String,
    pub posts: Vec<Prepared>,
}

impl Push {
    /// The `clientmsgid` for mass send: derived from the push, so a resend of the
    /// same push is refused by WeChat as a duplicate (at most 64 characters).
    pub fn clientmsgid(&self) -> String {
        format!("wxpress-{}", &sha_hex(self.id.as_bytes())[..40])
    }

    pub fn titles(&self) -> String {
        self.posts
            .iter()
            .map(|p| format!("《{}》", p.post.meta.title))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub fn sha_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn file_sha(path: &Path) -> std::io::Result<String> {
    Ok(sha_hex(&std::fs::read(path)?))
}

/// The post files named on the command line: files as given, folders expanded to
/// the posts under them.
pub fn select(root: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let all = content::discover(root);
    let mut chosen = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        let candidate = if p.exists() { p.clone() } else { root.join(p) };
        let Ok(full) = candidate.canonicalize() else {
            errors.push(
                Diagnostic::error(
                    p.display().to_string(),
                    Pos::START,
                    "publish",
                    "no such file or folder",
                )
                .with_suggestion("name a post file (content/…/x.md) or a folder of posts"),
            );
            continue;
        };
        let before = chosen.len();
        for post in &all {
            if post.starts_with(&full) && !chosen.contains(post) {
                chosen.push(post.clone());
            }
        }
        if chosen.len() == before {
            errors.push(
                Diagnostic::error(
                    relative_path(root, &full),
                    Pos::START,
                    "publish",
                    "no posts here",
                )
                .with_suggestion(
                    "posts are .md files under content/ (names starting with . or _ are skipped)",
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok(chosen)
    } else {
        Err(errors)
    }
}

/// Loads, renders and checks the posts; any error refuses the whole run, with
/// every problem reported. Warnings come back with the pushes.
pub fn prepare(
    site: &Site,
    files: &[PathBuf],
) -> Result<(Vec<Push>, Vec<Diagnostic>), Vec<Diagnostic>> {
    prepare_against(site, files, None)
}

/// [`prepare`], keeping each post that an earlier push in `earlier` (the ledger)
/// took to WeChat, unchanged, in that push: so an already published post named
/// again (a folder published twice, a copy of it saved under a new name with the
/// same `schedule`) is reported unchanged and never joins a new push, which the
/// ledger would then refuse on every run.
pub fn prepare_against(
    site: &Site,
    files: &[PathBuf],
    earlier: Option<&crate::ledger::LedgerView>,
) -> Result<(Vec<Push>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut ready = Vec::new();
    for file in files {
        let post = match content::load_post(&site.root, &site.config, file) {
            Ok(post) => post,
            Err(errors) => {
                diags.extend(errors);
                continue;
            }
        };
        if post.meta.wip {
            diags.push(
                Diagnostic::error(
                    &post.source,
                    post.key_pos(if post.keys.contains_key("wip") {
                        "wip"
                    } else {
                        "draft"
                    }),
                    "publish",
                    "this post is marked work in progress (`wip = true`)",
                )
                .with_suggestion(
                    "remove `wip = true` from the front matter when it is ready to publish",
                ),
            );
            continue;
        }
        let rendered = site.compile(post);
        // A missing cover is a warning while writing; WeChat refuses an article
        // without one, so here it refuses the post before any call.
        let mut coverless = false;
        let mut lost_image = false;
        diags.extend(rendered.diagnostics.iter().cloned().map(|mut d| {
            if d.rule == "cover-missing" {
                d.severity = diagnostic::Severity::Error;
                coverless = true;
            }
            // A picture that stays remote is dropped by WeChat (and left out of an
            // image post's list): in a build that is a warning, in a push it would
            // lose the writer's picture silently.
            if d.rule == "image-remote" && d.severity != diagnostic::Severity::Error {
                d.severity = diagnostic::Severity::Error;
                d.suggestion = Some(
                    "WeChat drops pictures it does not host, so publish does not send this post: fix the address, or save the picture next to the post and reference that file".into(),
                );
                lost_image = true;
            }
            d
        }));
        if coverless || lost_image {
            continue;
        }
        let Some(article) = rendered.article else {
            continue;
        };
        let post = rendered.post;
        if post.meta.article_type == ArticleType::Newspic {
            if let Some(problem) = image_post_problem(&post, &article) {
                diags.push(problem);
                continue;
            }
        }
        // An image post's cover is its first picture.
        let cover = match post.meta.article_type {
            ArticleType::Newspic => article.images.first().map(|i| i.path.clone()),
            ArticleType::News => post.meta.cover_path.clone(),
        };
        let Some(cover) = cover else {
            diags.push(
                Diagnostic::error(&post.source, Pos::START, "publish", "a WeChat article needs a cover image")
                    .with_suggestion("add cover = \"cover.jpg\" to the front matter, or a default `cover` for the post's column in config.toml"),
            );
            continue;
        };
        let mut problems = field_problems(&post);
        problems.extend(upload_problems(site, &post, &article, &cover));
        if !problems.is_empty() {
            diags.append(&mut problems);
            continue;
        }
        match post_hash(&post, &article, &cover) {
            Ok(hash) => ready.push(Prepared {
                post,
                article,
                cover,
                hash,
            }),
            Err(e) => diags.push(Diagnostic::error(
                &post.source,
                Pos::START,
                "publish",
                format!("cannot read a file of this post: {e}"),
            )),
        }
    }
    let (mut pushes, ready) = match earlier {
        Some(view) => pin_to_earlier_pushes(view, ready),
        None => (Vec::new(), ready),
    };
    pushes.extend(group(ready, &mut diags));
    diagnostic::sort(&mut diags);
    diags.dedup();
    if diagnostic::has_errors(&diags) {
        Err(diags)
    } else {
        Ok((pushes, diags))
    }
}

/// What the draft API refuses of an image post (`article_type = "newspic"`):
/// no pictures (its `image_info.image_list` would be empty) or more than
/// [`NEWSPIC_IMAGES_MAX`].
fn image_post_problem(post: &Post, article: &Article) -> Option<Diagnostic> {
    let n = article.images.len();
    let (message, help) = if n == 0 {
        (
            "an image post (article_type = \"newspic\") has no pictures".to_string(),
            format!("add 1 to {NEWSPIC_IMAGES_MAX} local images to the body (remote ones count once fetched), or write article_type = \"news\""),
        )
    } else if n > NEWSPIC_IMAGES_MAX {
        (
            format!("an image post (article_type = \"newspic\") has {n} pictures; the draft API takes at most {NEWSPIC_IMAGES_MAX}"),
            format!("remove {} of them, or split the post in two", n - NEWSPIC_IMAGES_MAX),
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::error(
            &post.source,
            post.value_pos("article_type"),
            "publish",
            message,
        )
        .with_suggestion(help),
    )
}

/// Article fields the draft API would refuse (45003, 45110, 45004, 45005), even when
/// a post turned the check rules that warn about them off.
fn field_problems(post: &Post) -> Vec<Diagnostic> {
    let meta = &post.meta;
    let chars = |s: &Option<String>| s.as_ref().map_or(0, |s| s.chars().count());
    let fields = [
        (
            "title",
            meta.title.chars().count(),
            TITLE_MAX_CHARS,
            "characters",
        ),
        (
            "author",
            chars(&meta.author),
            AUTHOR_MAX_CHARS,
            "characters",
        ),
        (
            "summary",
            chars(&meta.summary),
            DIGEST_MAX_CHARS,
            "characters",
        ),
        (
            "source_url",
            meta.source_url.as_ref().map_or(0, String::len),
            SOURCE_URL_MAX_BYTES,
            "bytes",
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, n, max, _)| n > max)
        .map(|(key, n, max, unit)| {
            Diagnostic::error(
                &post.source,
                post.value_pos(key),
                "publish",
                format!("{key} has {n} {unit}; the draft API refuses more than {max}"),
            )
            .with_suggestion(format!("shorten it by {} {unit}", n - max))
        })
        .collect()
}

/// Images WeChat would refuse, found before any upload.
fn upload_problems(site: &Site, post: &Post, article: &Article, cover: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |path: &Path, max: u64, what: &str, pos: Pos| {
        let name = relative_path(&site.root, path);
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !IMAGE_EXTENSIONS.contains(&ext.as_str()) {
            out.push(
                Diagnostic::error(
                    &post.source,
                    pos,
                    "publish",
                    format!("{what} {name} is not JPG or PNG"),
                )
                .with_suggestion("WeChat takes JPG and PNG images; convert it"),
            );
        }
        match std::fs::metadata(path) {
            Ok(m) if m.len() >= max => out.push(
                Diagnostic::error(
                    &post.source,
                    pos,
                    "publish",
                    format!(
                        "{what} {name} is {:.1} MB; WeChat takes at most {} MB",
                        m.len() as f64 / 1048576.0,
                        max / 1048576
                    ),
                )
                .with_suggestion("compress or resize it"),
            ),
            Ok(_) => {}
            Err(e) => out.push(Diagnostic::error(
                &post.source,
                pos,
                "publish",
                format!("cannot read {name}: {e}"),
            )),
        }
    };
    for image in &article.images {
        check(&image.path, IMAGE_MAX_BYTES, "image", Pos::START);
    }
    check(cover, MATERIAL_MAX_BYTES, "cover", post.value_pos("cover"));
    out
}

/// The version of a post: its text and the writer's own image and cover files.
/// Not the processed files: a change of `[images]` settings, or of the pipeline,
/// is not an edit, and must not make a published post look changed (the ledger
/// of an earlier wxpress hashed the same writer's files).
fn post_hash(post: &Post, article: &Article, cover: &Path) -> std::io::Result<String> {
    let mut h = Sha256::new();
    h.update(b"wxpress-post-v1\0");
    h.update(post.text.as_bytes());
    for image in &article.images {
        h.update(b"\0image\0");
        h.update(image.name.as_bytes());
        h.update(file_sha(&image.source)?.as_bytes());
    }
    h.update(b"\0cover\0");
    h.update(file_sha(post.meta.cover_source.as_deref().unwrap_or(cover))?.as_bytes());
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Splits off the posts that a finished earlier push holds unchanged (same file,
/// same hash): each such push again, under its ledger id, with those posts.
fn pin_to_earlier_pushes(
    view: &crate::ledger::LedgerView,
    ready: Vec<Prepared>,
) -> (Vec<Push>, Vec<Prepared>) {
    let mut pinned: BTreeMap<String, Vec<Prepared>> = BTreeMap::new();
    let mut rest = Vec::new();
    for p in ready {
        let done = view.pushes.iter().find(|(_, rec)| {
            rec.state.is_done(rec.mode)
                && rec
                    .posts
                    .iter()
                    .any(|o| o.source == p.post.source && o.hash == p.hash)
        });
        match done {
            Some((id, _)) => pinned.entry(id.clone()).or_default().push(p),
            None => rest.push(p),
        }
    }
    let pushes = pinned
        .into_iter()
        .map(|(id, mut posts)| {
            posts.sort_by(|a, b| {
                (a.post.meta.position.unwrap_or(u32::MAX), &a.post.source)
                    .cmp(&(b.post.meta.position.unwrap_or(u32::MAX), &b.post.source))
            });
            Push { id, posts }
        })
        .collect();
    (pushes, rest)
}

/// Posts with the same schedule moment form one push (unscheduled posts named
/// together form one too), ordered by `position` then path: the first is the headline.
fn group(posts: Vec<Prepared>, diags: &mut Vec<Diagnostic>) -> Vec<Push> {
    let mut slots: BTreeMap<Option<jiff::Timestamp>, Vec<Prepared>> = BTreeMap::new();
    for p in posts {
        slots
            .entry(p.post.meta.schedule.as_ref().map(|z| z.timestamp()))
            .or_default()
            .push(p);
    }
    let mut pushes = Vec::new();
    for (slot, mut posts) in slots {
        posts.sort_by(|a, b| {
            (a.post.meta.position.unwrap_or(u32::MAX), &a.post.source)
                .cmp(&(b.post.meta.position.unwrap_or(u32::MAX), &b.post.source))
        });
        if posts.len() > ARTICLES_MAX {
            let when = slot.map_or("without a schedule".to_string(), |t| {
                format!("scheduled at {t}")
            });
            for extra in &posts[ARTICLES_MAX..] {
                diags.push(
                    Diagnostic::error(&extra.post.source, extra.post.key_pos("schedule"), "publish", format!("{} posts {when} would go out in one push; a push carries at most {ARTICLES_MAX}", posts.len()))
                        .with_suggestion("move some posts to another schedule slot, or publish them in separate runs"),
                );
            }
            continue;
        }
        let mut key = String::new();
        for p in &posts {
            key.push_str(&p.post.source);
            key.push('\0');
            key.push_str(&p.hash);
            key.push('\n');
        }
        pushes.push(Push {
            id: format!("push-{}", &sha_hex(key.as_bytes())[..16]),
            posts,
        });
    }
    pushes
}

/// `src="name"` → `src="cdn url"` for every local image of the article.
pub fn rewrite_images(html: &str, urls: &[(String, String)]) -> String {
    let mut out = html.to_string();
    for (name, url) in urls {
        for written in [name.clone(), escape_attr(name)] {
            out = out.replace(
                &format!("src=\"{written}\""),
                &format!("src=\"{}\"", escape_attr(url)),
            );
        }
    }
    out
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_local_sources() {
        let html = r#"<p><img src="a.png" data-w="10" alt=""><img src="https://x/a.png"></p>"#;
        let out = rewrite_images(html, &[("a.png".into(), "http://mmbiz.qpic.cn/1/0".into())]);
        assert_eq!(
            out,
            r#"<p><img src="http://mmbiz.qpic.cn/1/0" data-w="10" alt=""><img src="https://x/a.png"></p>"#
        );
    }
}
