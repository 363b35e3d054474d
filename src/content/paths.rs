//! Paths that posts and the config name (covers, images, word lists), resolved and
//! confined to the site.
//!
//! Whatever a path names is copied into `public/` and uploaded to WeChat, so a
//! path that leaves the site (`../../etc/passwd`, `/../x`, or a symlink pointing
//! outside) is refused, and so is anything that is not a regular file (a FIFO
//! would block the build forever; a folder cannot be uploaded).

use std::path::{Component, Path, PathBuf};

/// Why a written path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    /// Nothing is there.
    Missing,
    /// The path, as written or through a symlink, leads out of the site.
    Outside { through_symlink: bool },
    /// Something is there, but not a regular file (a folder, FIFO, socket, device).
    NotAFile,
}

impl PathProblem {
    /// A sentence for a diagnostic about `written` (the path as the writer typed it).
    pub fn message(&self, what: &str, written: &str) -> String {
        match self {
            PathProblem::Missing => format!("{what} `{written}` not found"),
            PathProblem::Outside {
                through_symlink: false,
            } => format!("{what} `{written}` is outside the site; wxpress only reads files inside it"),
            PathProblem::Outside {
                through_symlink: true,
            } => format!(
                "{what} `{written}` is a symlink to a file outside the site; wxpress only reads files inside it"
            ),
            PathProblem::NotAFile => format!("{what} `{written}` is not a regular file"),
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            PathProblem::Missing => {
                "paths are relative to the post's folder, or to the site root when they start with /"
            }
            PathProblem::Outside { .. } => {
                "copy the file into the site (next to the post, or under static/) and reference the copy"
            }
            PathProblem::NotAFile => "point it at an image file",
        }
    }
}

/// Resolves a path written in a post: relative to `base` (the post's folder), or to
/// the site root when it starts with `/`. `..` is resolved lexically, so the result
/// reads well in messages; nothing is checked on disk.
pub fn resolve_path(root: &Path, base: &Path, written: &str) -> PathBuf {
    let joined = match written.strip_prefix('/') {
        Some(rooted) => root.join(rooted.trim_start_matches('/')),
        None => base.join(written),
    };
    normalize(&joined)
}

/// Resolves `written` like [`resolve_path`] and confirms that it names a regular
/// file inside the site, following symlinks. Returns the lexical path (for
/// messages and copying); the file it reaches is known to be inside `root`.
pub fn resolve_in_site(root: &Path, base: &Path, written: &str) -> Result<PathBuf, PathProblem> {
    let path = resolve_path(root, base, written);
    confine(root, &path).map(|()| path)
}

/// Checks that `path` is a regular file inside `root`, symlinks followed.
pub fn confine(root: &Path, path: &Path) -> Result<(), PathProblem> {
    let root_abs = absolute(root);
    let path_abs = absolute(path);
    if !path_abs.starts_with(&root_abs) {
        return Err(PathProblem::Outside {
            through_symlink: false,
        });
    }
    // Metadata follows symlinks: a dangling link is missing, a FIFO is no file.
    let meta = std::fs::metadata(path).map_err(|_| PathProblem::Missing)?;
    let real_root = std::fs::canonicalize(root).unwrap_or(root_abs);
    let real = std::fs::canonicalize(path).map_err(|_| PathProblem::Missing)?;
    if !real.starts_with(&real_root) {
        return Err(PathProblem::Outside {
            through_symlink: true,
        });
    }
    if !meta.is_file() {
        return Err(PathProblem::NotAFile);
    }
    Ok(())
}

/// The absolute, lexically normalised form of `path` (no `.` or `..` left).
pub fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    normalize(&abs)
}

/// Removes `.` and resolves `..` against the preceding component, without touching
/// the disk. A `..` that would climb above the start of a relative path is kept,
/// so `../x` stays visibly outside.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalize(Path::new("./a/../../x")), Path::new("../x"));
        assert_eq!(normalize(Path::new("/a/../../x")), Path::new("/x"));
        assert_eq!(normalize(Path::new("a/..")), Path::new("."));
    }

    #[test]
    fn rooted_paths_cannot_climb_out_of_the_site() {
        let root = Path::new("/site");
        let post = Path::new("/site/content/tech");
        assert_eq!(
            resolve_path(root, post, "/../../etc/passwd"),
            Path::new("/etc/passwd")
        );
        assert_eq!(
            resolve_path(root, post, "//static/a.png"),
            Path::new("/site/static/a.png")
        );
        assert_eq!(
            resolve_path(root, post, "../img/a.png"),
            Path::new("/site/content/img/a.png")
        );
    }

    #[test]
    fn files_outside_symlinks_out_and_non_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let post = site.join("content/tech");
        std::fs::create_dir_all(&post).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::fs::write(post.join("a.png"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), post.join("out.png")).unwrap();
        std::os::unix::fs::symlink(post.join("a.png"), post.join("in.png")).unwrap();
        std::os::unix::fs::symlink(dir.path(), post.join("up")).unwrap();

        let outside = Err(PathProblem::Outside {
            through_symlink: false,
        });
        let via_link = Err(PathProblem::Outside {
            through_symlink: true,
        });
        assert_eq!(
            resolve_in_site(&site, &post, "a.png"),
            Ok(post.join("a.png"))
        );
        assert_eq!(
            resolve_in_site(&site, &post, "in.png"),
            Ok(post.join("in.png"))
        );
        assert_eq!(
            resolve_in_site(&site, &post, "../../../secret.txt"),
            outside
        );
        assert_eq!(resolve_in_site(&site, &post, "/../secret.txt"), outside);
        assert_eq!(resolve_in_site(&site, &post, "out.png"), via_link);
        assert_eq!(resolve_in_site(&site, &post, "up/secret.txt"), via_link);
        assert_eq!(
            resolve_in_site(&site, &post, "none.png"),
            Err(PathProblem::Missing)
        );
        assert_eq!(
            resolve_in_site(&site, &post, "."),
            Err(PathProblem::NotAFile)
        );
    }

    #[test]
    fn a_fifo_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.png");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(confine(dir.path(), &fifo), Err(PathProblem::NotAFile));
    }
}
