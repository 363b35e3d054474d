//! `wxpress init`: a new site with a commented config, one example post with an
//! image, the default theme and a `.gitignore`.

use crate::render::theme::BUILTIN;
use std::path::Path;

const CONFIG: &str = include_str!("scaffold/config.toml");
const POST: &str = include_str!("scaffold/hello-wxpress/index.md");
const POST_IMAGE: &[u8] = include_bytes!("scaffold/hello-wxpress/images/pipeline.png");
const COVER: &[u8] = include_bytes!("scaffold/hello-wxpress/cover.png");
const GITIGNORE: &str = "public/\n.wxpress/token*\n.wxpress/cache/\n";

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} is not empty; wxpress init only writes into a new or empty folder")]
    NotEmpty(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Writes a new site into `dir`, which must be missing or empty. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(InitError::NotEmpty(dir.display().to_string()));
    }
    let mut files: Vec<(String, &[u8])> = vec![
        ("config.toml".into(), CONFIG.as_bytes()),
        (".gitignore".into(), GITIGNORE.as_bytes()),
        (
            "content/notes/hello-wxpress/index.md".into(),
            POST.as_bytes(),
        ),
        (
            "content/notes/hello-wxpress/images/pipeline.png".into(),
            POST_IMAGE,
        ),
        ("content/notes/hello-wxpress/cover.png".into(), COVER),
    ];
    for (path, text) in BUILTIN {
        files.push((format!("themes/default/{path}"), text.as_bytes()));
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        let io = |source| InitError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(path.parent().expect("scaffold paths have a folder"))
            .map_err(io)?;
        std::fs::write(&path, bytes).map_err(|source| InitError::Io {
            path: path.display().to_string(),
            source,
        })?;
        written.push(rel);
    }
    Ok(written)
}
