//! Writing `public/`: only into a folder wxpress owns, atomically, and cheaply
//! when little changed.
//!
//! What wxpress promises about the output folder:
//! - It replaces a folder only if that folder carries its [`MARKER`] (written when
//!   wxpress created it) or is empty; a file is never replaced, and a folder that
//!   holds the site or lies inside its sources is refused. Paths are normalised,
//!   symlinks resolved, before any of these comparisons.
//! - Nothing outside the output folder is moved or deleted, except wxpress's own
//!   temporary folders beside it (`.public.new-*`), which carry the marker too.
//! - A run killed at any instant leaves either the old output or the new one,
//!   whole. The new tree is assembled beside the old one; a post whose output is
//!   unchanged (same fingerprint in the old manifest) gets its files *linked from*
//!   the old tree, which is never moved or changed; the two trees are then
//!   exchanged in one atomic `renameat2(RENAME_EXCHANGE)` on Linux.
//! - Output files are copies, never links to the writer's sources: editing a file
//!   in `public/` (an image optimiser, say) cannot change a post's image.

use rayon::prelude::*;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

/// The list of what was built, beside the post folders.
pub const MANIFEST: &str = crate::content::RESERVED_SLUGS[0];

/// The file that marks a folder as wxpress's output.
pub const MARKER: &str = ".wxpress-output";
const MARKER_TEXT: &str =
    "This folder is written by `wxpress build` and replaced whole on every build.\n";

/// One post's output folder. It borrows the rendered texts: a large site's
/// articles and pages are most of a build's memory, so they are never copied.
pub struct PostOutput<'a> {
    pub slug: &'a str,
    pub files: Vec<OutputFile<'a>>,
}

pub enum OutputFile<'a> {
    Text {
        name: &'a str,
        text: &'a str,
    },
    /// A file copied from the site (an image). The path is already confined to
    /// the site by `content::paths::confine`.
    Copy {
        name: &'a str,
        from: &'a Path,
    },
}

impl PostOutput<'_> {
    /// Changes when any output byte would: the texts, and each copied file's
    /// name, path, size and modification time. A fast 64-bit hash, not a
    /// cryptographic one: it only decides whether a folder can be reused, and a
    /// different Rust version hashing differently merely rewrites everything once.
    pub fn fingerprint(&self) -> String {
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        for file in &self.files {
            match file {
                OutputFile::Text { name, text } => (name, text).hash(&mut hash),
                OutputFile::Copy { name, from } => {
                    (name, from).hash(&mut hash);
                    if let Ok(meta) = std::fs::metadata(from) {
                        meta.len().hash(&mut hash);
                        meta.modified().ok().hash(&mut hash);
                    }
                }
            }
        }
        format!("{:016x}", hash.finish())
    }
}

/// Fingerprints of the posts in the existing output, from its manifest.
pub type OldFingerprints = std::collections::HashMap<String, String>;

/// Why `--out` cannot be used; nothing was touched.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub String);

/// Refuses output folders whose replacement would lose something. `sources` are
/// the site's own folders (content, themes, …) that must not hold the output.
pub fn check_target(root: &Path, out: &Path, sources: &[&str]) -> Result<(), Refused> {
    let shown = out.display();
    let refuse = |why: String| Err(Refused(why));
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        if meta.file_type().is_symlink() {
            return refuse(format!(
                "{shown} is a symlink; give the folder it points to, so that wxpress replaces that and not the link"
            ));
        }
        if !meta.is_dir() {
            return refuse(format!(
                "{shown} is a file, not a folder; wxpress never replaces a file"
            ));
        }
    }
    let (root_real, out_real) = (real_path(root), real_path(out));
    if root_real.starts_with(&out_real) {
        return refuse(format!(
            "the output folder {shown} contains the site itself"
        ));
    }
    for source in sources {
        if out_real.starts_with(root_real.join(source)) {
            return refuse(format!(
                "the output folder {shown} is inside the site's {source}/ folder"
            ));
        }
    }
    if out.is_dir() && !owned(out) {
        return refuse(format!(
            "{shown} is not empty and was not made by wxpress (it has no {MARKER}); it would be replaced"
        ));
    }
    Ok(())
}

/// Empty, marked, or the output of wxpress 0.1 (which wrote no marker): its
/// manifest names wxpress as generator and the folder holds nothing else than
/// that manifest and the post folders it lists.
fn owned(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() || dir.join(MARKER).is_file() {
        return true;
    }
    #[derive(serde::Deserialize)]
    struct Legacy {
        generator: String,
        posts: Vec<LegacyPost>,
    }
    #[derive(serde::Deserialize)]
    struct LegacyPost {
        slug: String,
    }
    let Some(legacy) = std::fs::read_to_string(dir.join(MANIFEST))
        .ok()
        .and_then(|text| serde_json::from_str::<Legacy>(&text).ok())
    else {
        return false;
    };
    legacy.generator.starts_with("wxpress ")
        && names
            .iter()
            .all(|name| name == MANIFEST || legacy.posts.iter().any(|p| &p.slug == name))
}

/// `path` with symlinks resolved as far as it exists, and the rest normalised
/// lexically: what containment checks must compare.
fn real_path(path: &Path) -> PathBuf {
    let abs = crate::content::paths::absolute(path);
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// A new output tree being assembled beside `out`, one post at a time (from
/// several threads at once), so that no post's texts need to be held until the
/// end. [`Staging::finish`] swaps it in; dropped unfinished (a failed build), it
/// is removed with any folder `begin` had to create, and `out` is untouched.
pub struct Staging {
    out: PathBuf,
    /// Taken by `finish`; removed on drop otherwise.
    tmp: Option<tempfile::TempDir>,
    old: OldFingerprints,
    /// The outermost folder `begin` created for `out`'s parent, if any.
    created: Option<PathBuf>,
}

impl Staging {
    /// Starts a new tree beside `out`, after removing leftovers of killed runs.
    /// The caller has checked `out` with [`check_target`]; `old` comes from the
    /// existing output's manifest.
    pub fn begin(out: &Path, old: OldFingerprints) -> io::Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let created = parent
            .ancestors()
            .take_while(|dir| !dir.as_os_str().is_empty() && !dir.exists())
            .last()
            .map(Path::to_path_buf);
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        remove_leftovers(&parent, &name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)?;
        std::fs::write(tmp.path().join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            out: out.to_path_buf(),
            tmp: Some(tmp),
            old,
            created,
        })
    }

    /// Writes one post's folder, or links it from the old output when its
    /// fingerprint and text sizes are unchanged.
    pub fn add(&self, post: &PostOutput, fingerprint: &str) -> io::Result<()> {
        let tmp = self.tmp.as_ref().expect("an unfinished staging tree");
        let target = tmp.path().join(post.slug);
        let previous = self.out.join(post.slug);
        if self.old.get(post.slug).map(String::as_str) == Some(fingerprint)
            && same_texts(&previous, post)
        {
            link_post(&previous, &target, post)
        } else {
            write_post(&target, post)
        }
    }

    /// Writes the manifest and puts the new tree in `out`'s place in one step.
    pub fn finish(mut self, manifest: &str) -> io::Result<()> {
        self.created = None;
        let out = self.out.clone();
        let tmp = self.tmp.take().expect("an unfinished staging tree");
        // The manifest last: a new tree with a manifest is complete.
        std::fs::write(tmp.path().join(MANIFEST), manifest)?;
        if out.exists() {
            // Mark an unmarked (empty or 0.1) output, so that if this run dies after
            // the exchange, the next one recognises the old tree as its own leftover.
            std::fs::write(out.join(MARKER), MARKER_TEXT)?;
            exchange(tmp.path(), &out)?;
            // `tmp` now holds the old output.
            remove_marked_tree(&tmp.keep());
        } else {
            std::fs::rename(tmp.path(), &out)?;
            let _ = tmp.keep();
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let Some(tmp) = self.tmp.take() else {
            return;
        };
        let parent = tmp.path().parent().map(Path::to_path_buf);
        drop(tmp);
        // Then the folders made for it, innermost first, while they are empty.
        let (Some(created), Some(parent)) = (self.created.take(), parent) else {
            return;
        };
        for dir in parent.ancestors() {
            if std::fs::remove_dir(dir).is_err() || dir == created {
                break;
            }
        }
    }
}

/// The old folder's texts have the sizes the new output would have: a cheap
/// guard against a file someone edited by hand since the last build.
fn same_texts(dir: &Path, post: &PostOutput) -> bool {
    post.files.iter().all(|file| match file {
        OutputFile::Text { name, text } => {
            std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() == text.len() as u64)
        }
        OutputFile::Copy { name, .. } => dir.join(name).is_file(),
    })
}

fn write_post(dir: &Path, post: &PostOutput) -> io::Result<()> {
    std::fs::create_dir(dir)?;
    for file in &post.files {
        match file {
            OutputFile::Text { name, text } => std::fs::write(dir.join(name), text)?,
            OutputFile::Copy { name, from } => {
                std::fs::copy(from, dir.join(name))?;
            }
        }
    }
    Ok(())
}

/// An unchanged post: its files hard-linked from the old output (both are
/// wxpress's outputs), which stays untouched until the exchange. A file that is
/// still a hard link to its source (as wxpress 0.1 made them) is copied afresh.
fn link_post(previous: &Path, dir: &Path, post: &PostOutput) -> io::Result<()> {
    std::fs::create_dir(dir)?;
    for file in &post.files {
        let (name, source) = match file {
            OutputFile::Text { name, .. } => (*name, None),
            OutputFile::Copy { name, from } => (*name, Some(*from)),
        };
        let (old, new) = (previous.join(name), dir.join(name));
        if let Some(source) = source.filter(|source| same_file(source, &old)) {
            std::fs::copy(source, &new)?;
        } else if std::fs::hard_link(&old, &new).is_err() {
            std::fs::copy(&old, &new)?;
        }
    }
    Ok(())
}

/// Whether two paths are one file (device and inode on Unix, volume and file
/// index on Windows): `same-file` rather than `std::os::unix`, so that the
/// release builds for Windows compile. Unreadable paths are not the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    same_file::is_same_file(a, b).unwrap_or(false)
}

/// Swaps two folders in one step, so that `b` always exists. Where the file
/// system cannot (not Linux, or no RENAME_EXCHANGE), two renames, with a short
/// window in which `b` is missing but both trees exist beside it.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = swap_aside(a);
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

/// Where the two-rename fallback of [`exchange`] keeps the old tree meanwhile.
fn swap_aside(new_tree: &Path) -> PathBuf {
    let mut name = new_tree.file_name().unwrap_or_default().to_os_string();
    name.push(SWAP_SUFFIX);
    new_tree.with_file_name(name)
}
const SWAP_SUFFIX: &str = ".swap";

/// Temporary folders of a run that was killed: never part of the output, and
/// removed only if they carry the marker (or are empty), so a stranger's folder
/// of that name survives. An old tree set aside by the two-rename fallback is put back first
/// when the run died before the new one took its place.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.new-");
    let out = parent.join(name);
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !(file_name.starts_with(&prefix) && entry.file_type().is_ok_and(|t| t.is_dir())) {
            continue;
        }
        if !path.join(MARKER).is_file() {
            // Killed between creating the folder and marking it: empty, so
            // removing it loses nothing (remove_dir fails on anything else).
            let _ = std::fs::remove_dir(&path);
            continue;
        }
        if file_name.ends_with(SWAP_SUFFIX) && !out.exists() {
            let _ = std::fs::rename(&path, &out);
        } else {
            remove_marked_tree(&path);
        }
    }
}

/// Removes a tree wxpress owns, its marker last: a run killed half-way through
/// leaves a tree that still says it is wxpress's, so the next run finishes the job
/// (removing the marker first would leave an unmarked, non-empty folder that no
/// run may touch again).
fn remove_marked_tree(path: &Path) {
    // One post folder per entry: removed in parallel, as a large site has
    // thousands of them.
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name() != MARKER)
        .collect();
    entries.par_iter().for_each(|entry| {
        let child = entry.path();
        let _ = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&child)
        } else {
            std::fs::remove_file(&child)
        };
    });
    let _ = std::fs::remove_file(path.join(MARKER));
    let _ = std::fs::remove_dir(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole build's writing in one call: stage every post, then finish.
    fn write(
        out: &Path,
        posts: &[(PostOutput, String)],
        manifest: &str,
        old: &OldFingerprints,
    ) -> io::Result<()> {
        let staging = Staging::begin(out, old.clone())?;
        posts
            .par_iter()
            .try_for_each(|(post, fingerprint)| staging.add(post, fingerprint))?;
        staging.finish(manifest)
    }

    fn post<'a>(slug: &'a str, text: &'a str) -> (PostOutput<'a>, String) {
        let post = PostOutput {
            slug,
            files: vec![OutputFile::Text {
                name: "article.html",
                text,
            }],
        };
        let fp = post.fingerprint();
        (post, fp)
    }

    fn fingerprints(posts: &[(PostOutput, String)]) -> OldFingerprints {
        posts
            .iter()
            .map(|(p, f)| (p.slug.to_string(), f.clone()))
            .collect()
    }

    fn inode(p: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap())
    }

    #[test]
    fn unchanged_posts_are_linked_from_the_old_tree_and_changed_ones_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = [post("a", "甲"), post("b", "乙")];
        write(&out, &first, "{}", &OldFingerprints::new()).unwrap();
        let a_before = inode(&out.join("a/article.html"));

        write(
            &out,
            &[post("a", "甲"), post("b", "乙二")],
            "{}",
            &fingerprints(&first),
        )
        .unwrap();
        assert_eq!(
            inode(&out.join("a/article.html")),
            a_before,
            "unchanged: linked, not rewritten"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("b/article.html")).unwrap(),
            "乙二"
        );
        assert!(out.join(MARKER).is_file());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "no temporary folders left");
    }

    #[test]
    fn an_unfinished_staging_tree_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A failed build into folders that did not exist: they are removed again.
        let deep = dir.path().join("a/b/public");
        let staging = Staging::begin(&deep, OldFingerprints::new()).unwrap();
        let (a, fp) = post("a", "甲");
        staging.add(&a, &fp).unwrap();
        drop(staging);
        assert!(!dir.path().join("a").exists());

        // A failed rebuild: the old output is as it was, no temporary folder left.
        let out = dir.path().join("public");
        write(&out, &[post("a", "甲")], "{}", &OldFingerprints::new()).unwrap();
        let staging = Staging::begin(&out, OldFingerprints::new()).unwrap();
        let (changed, fp) = post("a", "乙");
        staging.add(&changed, &fp).unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("a/article.html")).unwrap(),
            "甲"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn a_hand_edited_output_file_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = [post("a", "原文")];
        write(&out, &first, "{}", &OldFingerprints::new()).unwrap();
        std::fs::write(out.join("a/article.html"), "手改过的").unwrap();
        write(&out, &[post("a", "原文")], "{}", &fingerprints(&first)).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/article.html")).unwrap(),
            "原文"
        );
    }

    #[test]
    fn copied_files_are_copies_not_links_to_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("a.png");
        std::fs::write(&source, "png").unwrap();
        let out = dir.path().join("public");
        let files = || PostOutput {
            slug: "a",
            files: vec![OutputFile::Copy {
                name: "a.png",
                from: &source,
            }],
        };
        let first = [(files(), files().fingerprint())];
        write(&out, &first, "{}", &OldFingerprints::new()).unwrap();
        assert_ne!(inode(&out.join("a/a.png")), inode(&source));

        // An output of wxpress 0.1 hard-linked to its source is copied afresh.
        std::fs::remove_file(out.join("a/a.png")).unwrap();
        std::fs::hard_link(&source, out.join("a/a.png")).unwrap();
        write(&out, &first, "{}", &fingerprints(&first)).unwrap();
        assert_ne!(inode(&out.join("a/a.png")), inode(&source));
        std::fs::write(out.join("a/a.png"), "optimised").unwrap();
        assert_eq!(std::fs::read_to_string(&source).unwrap(), "png");
    }

    #[test]
    fn a_tree_is_removed_marker_last() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join(".public.new-x");
        std::fs::create_dir_all(tree.join("a/b")).unwrap();
        std::fs::write(tree.join("a/b/c.html"), "x").unwrap();
        std::fs::write(tree.join(MARKER), "").unwrap();
        remove_marked_tree(&tree);
        assert!(!tree.exists());
    }

    #[test]
    fn only_marked_leftovers_of_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".public.new-abc/x")).unwrap();
        std::fs::write(dir.path().join(".public.new-abc").join(MARKER), "").unwrap();
        std::fs::create_dir_all(dir.path().join(".public.new-mine")).unwrap();
        std::fs::write(dir.path().join(".public.new-mine/notes.txt"), "mine").unwrap();
        std::fs::create_dir_all(dir.path().join(".public.new-empty")).unwrap();
        write(
            &dir.path().join("public"),
            &[post("a", "甲")],
            "{}",
            &OldFingerprints::new(),
        )
        .unwrap();
        assert!(!dir.path().join(".public.new-abc").exists());
        assert!(
            dir.path().join(".public.new-mine/notes.txt").exists(),
            "not ours"
        );
        assert!(
            !dir.path().join(".public.new-empty").exists(),
            "empty: killed before the marker"
        );
    }

    #[test]
    fn targets_that_would_lose_something_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("proj/site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        let refused = |out: &Path| check_target(&site, out, &["content"]).is_err();

        assert!(!refused(&site.join("public")), "new folder");
        assert!(
            refused(&site.join("../../proj")),
            "holds the site, unnormalised"
        );
        assert!(refused(&site.join("../site/.")), "the site itself");
        assert!(refused(&site.join("content/out")), "inside the sources");

        let report = dir.path().join("report.txt");
        std::fs::write(&report, "keep me").unwrap();
        assert!(refused(&report), "a file");

        let app = dir.path().join("webapp");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("manifest.json"), r#"{"name":"app"}"#).unwrap();
        std::fs::write(app.join("index.html"), "app").unwrap();
        assert!(refused(&app), "someone's manifest.json is no marker");

        std::os::unix::fs::symlink(&app, dir.path().join("link")).unwrap();
        assert!(refused(&dir.path().join("link")), "a symlink");

        let legacy = dir.path().join("old-public");
        std::fs::create_dir_all(legacy.join("hello")).unwrap();
        std::fs::write(
            legacy.join("manifest.json"),
            r#"{"generator":"wxpress 0.1.0","posts":[{"slug":"hello"}]}"#,
        )
        .unwrap();
        assert!(!refused(&legacy), "wxpress 0.1's own output");
        std::fs::write(legacy.join("notes.txt"), "mine").unwrap();
        assert!(refused(&legacy), "with a file wxpress did not write");
    }
}
