//! Writing `public/` atomically, and cheaply when little changed.
//!
//! The new output is assembled in a temporary folder beside `public/` and swapped
//! in with two renames, so a failed run leaves the old output as it was. Creating
//! and deleting tens of thousands of files dominates a large build on ordinary
//! disks, so a post whose output is unchanged since the last build (same
//! fingerprint in the old manifest) has its folder moved into the new output
//! instead of being written again; on an error the moved folders go back.

use rayon::prelude::*;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

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
    /// A file copied from the site (an image): hard-linked where the disk allows.
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

/// Writes `posts` and the manifest into `out`, replacing it atomically.
pub fn write(
    out: &Path,
    posts: &[(PostOutput, String)],
    manifest: &str,
    old: &OldFingerprints,
) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    remove_leftovers(&parent, &name);
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;

    let results: Vec<io::Result<bool>> = posts
        .par_iter()
        .map(|(post, fingerprint)| {
            let target = tmp.path().join(post.slug);
            let previous = out.join(post.slug);
            if old.get(post.slug) == Some(fingerprint) && same_texts(&previous, post) {
                std::fs::rename(&previous, &target)?;
                return Ok(true);
            }
            write_post(&target, post).map(|()| false)
        })
        .collect();
    let moved: Vec<&str> = posts
        .iter()
        .zip(&results)
        .filter(|(_, r)| matches!(r, Ok(true)))
        .map(|((p, _), _)| p.slug)
        .collect();
    let outcome = results
        .into_iter()
        .collect::<io::Result<Vec<bool>>>()
        .and_then(|_| std::fs::write(tmp.path().join(crate::build::MANIFEST), manifest))
        .and_then(|()| swap(out, &parent, &name, tmp.path()));
    if let Err(e) = outcome {
        // Put reused folders back where they were; `tmp` is removed on drop.
        for slug in moved {
            let _ = std::fs::rename(tmp.path().join(slug), out.join(slug));
        }
        return Err(e);
    }
    let _ = tmp.keep();
    Ok(())
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
    std::fs::create_dir_all(dir)?;
    for file in &post.files {
        match file {
            OutputFile::Text { name, text } => std::fs::write(dir.join(name), text)?,
            OutputFile::Copy { name, from } => {
                let to = dir.join(name);
                if std::fs::hard_link(from, &to).is_err() {
                    std::fs::copy(from, &to)?;
                }
            }
        }
    }
    Ok(())
}

/// Moves `new` into place at `out`; the old output goes aside and is deleted.
fn swap(out: &Path, parent: &Path, name: &str, new: &Path) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(new, out);
    }
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(parent)?
        .keep();
    // rename() cannot replace a non-empty folder: move the old one aside first.
    std::fs::remove_dir(&old)?;
    std::fs::rename(out, &old)?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)
}

/// Temporary folders of a run that was killed: never part of the output.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn unchanged_posts_are_moved_and_changed_ones_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = [post("a", "甲"), post("b", "乙")];
        write(&out, &first, "{}", &OldFingerprints::new()).unwrap();
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        let a_before = inode(&out.join("a/article.html"));

        let old: OldFingerprints = first
            .iter()
            .map(|(p, f)| (p.slug.to_string(), f.clone()))
            .collect();
        write(&out, &[post("a", "甲"), post("b", "乙二")], "{}", &old).unwrap();
        assert_eq!(
            inode(&out.join("a/article.html")),
            a_before,
            "unchanged: moved, not rewritten"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("b/article.html")).unwrap(),
            "乙二"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "no temporary folders left");
    }

    #[test]
    fn a_hand_edited_output_file_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = [post("a", "原文")];
        write(&out, &first, "{}", &OldFingerprints::new()).unwrap();
        std::fs::write(out.join("a/article.html"), "手改过的").unwrap();
        let old: OldFingerprints = first
            .iter()
            .map(|(p, f)| (p.slug.to_string(), f.clone()))
            .collect();
        write(&out, &[post("a", "原文")], "{}", &old).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/article.html")).unwrap(),
            "原文"
        );
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".public.new-abc/x")).unwrap();
        write(
            &dir.path().join("public"),
            &[post("a", "甲")],
            "{}",
            &OldFingerprints::new(),
        )
        .unwrap();
        assert!(!dir.path().join(".public.new-abc").exists());
    }
}
