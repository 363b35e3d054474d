//! Watching the site: notify events, debounced, sorted into [`Changes`] and applied
//! to the [`State`] on one thread.
//!
//! Editors save in many ways: in place, or by writing a temporary file and renaming
//! it over the post (vim, JetBrains, most GUI editors). Both end in an event for the
//! post's path; temporary and backup files are ignored by name. Folder events
//! (new, renamed, deleted folders) trigger a rescan of content/, because files
//! created inside a new folder before the watch on it existed send no event.

use super::state::{Changes, State};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// How long the watcher waits for a burst of events (an atomic save is a create, a
/// write and a rename within a millisecond) to end before rebuilding. This is most
/// of the save-to-reload latency, so it is short.
pub const DEBOUNCE: Duration = Duration::from_millis(40);
const TICK: Duration = Duration::from_millis(8);

/// The folders under the site root that hold inputs.
const WATCHED_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

enum Message {
    Events(DebounceEventResult),
    Stop,
}

/// Keeps watching while alive; dropping it stops the watcher thread.
pub struct Watcher {
    stop: mpsc::Sender<Message>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.stop.send(Message::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts watching `state`'s site; every batch of changes is applied to it.
pub fn watch(state: Arc<State>) -> notify::Result<Watcher> {
    let (tx, rx) = mpsc::channel();
    let events = tx.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), move |r| {
        let _ = events.send(Message::Events(r));
    })?;
    let root = state.root().to_path_buf();
    // The root itself, not recursively: config.toml (which editors replace, so a
    // watch on the file itself would be lost) and top-level folders appearing.
    debouncer.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED_DIRS {
        let dir = root.join(dir);
        if dir.is_dir() {
            debouncer.watch(&dir, RecursiveMode::Recursive)?;
        }
    }
    let thread = std::thread::Builder::new()
        .name("wxpress-watcher".into())
        .spawn(move || {
            while let Ok(message) = rx.recv() {
                let mut changes = Changes::default();
                let mut stop = false;
                // Take everything already queued: one rebuild for a burst of saves.
                for message in std::iter::once(message).chain(rx.try_iter()) {
                    match message {
                        Message::Stop => stop = true,
                        Message::Events(Ok(events)) => {
                            let rescan = events.iter().any(|e| e.need_rescan());
                            // Reading files (as every rebuild does) sends access
                            // events; only changes matter.
                            let paths = events
                                .iter()
                                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                                .flat_map(|e| e.paths.iter());
                            let (found, new_dirs) = classify(&root, paths);
                            changes.merge(found);
                            changes.everything |= rescan;
                            for dir in new_dirs {
                                if let Err(e) = debouncer.watch(&dir, RecursiveMode::Recursive) {
                                    eprintln!("wxpress serve: cannot watch {}: {e}", dir.display());
                                }
                            }
                        }
                        Message::Events(Err(errors)) => {
                            for e in errors {
                                eprintln!("wxpress serve: watching failed: {e}");
                            }
                            // Events may have been lost: start over from the files.
                            changes.everything = true;
                        }
                    }
                }
                if stop {
                    break;
                }
                state.apply(&changes);
            }
        })
        .map_err(notify::Error::io)?;
    Ok(Watcher {
        stop: tx,
        thread: Some(thread),
    })
}

/// Sorts changed paths by what they mean for the site. Also returns top-level input
/// folders that appeared and need a watch of their own.
pub fn classify<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a PathBuf>,
) -> (Changes, Vec<PathBuf>) {
    let mut changes = Changes::default();
    let mut new_dirs = Vec::new();
    for path in paths {
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some(name) = parts.last() else {
            continue;
        };
        if is_editor_temp(name) {
            continue;
        }
        match (parts[0].as_str(), parts.len()) {
            ("config.toml", 1) => changes.everything = true,
            (top, 1) if WATCHED_DIRS.contains(&top) => {
                if path.is_dir() {
                    new_dirs.push(path.clone());
                }
                match top {
                    "content" => changes.rescan = true,
                    "static" => {}
                    _ => changes.everything = true,
                }
            }
            // A folder event alone changes no template; the files inside report.
            ("themes" | "templates", _) if !path.is_dir() => changes.everything = true,
            ("content", _) => {
                // discover() skips these, so changes inside them mean nothing.
                if parts[1..].iter().any(|p| p.starts_with(['.', '_'])) {
                    continue;
                }
                if path.extension().is_some_and(|e| e == "md") {
                    changes.posts.insert(path.clone());
                } else if path.is_dir() {
                    changes.rescan = true;
                } else if path.is_file() {
                    changes.assets.insert(path.clone());
                } else {
                    // Gone: a file (an image) or a folder of posts; the name cannot tell.
                    changes.assets.insert(path.clone());
                    changes.rescan = true;
                }
            }
            ("static", _) if !path.is_dir() => {
                changes.assets.insert(path.clone());
            }
            _ => {}
        }
    }
    (changes, new_dirs)
}

/// Temporary, backup and lock files of common editors, and hidden files.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.') // .post.md.swp, emacs .#post.md, .DS_Store
        || name.ends_with('~') // vim and emacs backups
        || [".swp", ".swx", ".swo", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || (name.starts_with('#') && name.ends_with('#')) // emacs autosave
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___") // JetBrains safe write
        || name == "4913" // vim's probe for a writable folder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            ".post.md.swp",
            "post.md~",
            "#post.md#",
            ".#post.md",
            "post.md.tmp",
            "post.md___jb_tmp___",
            "post.md___jb_old___",
            "4913",
            "post.swp",
        ] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in ["post.md", "index.md", "cover.png", "config.toml", "a#b.md"] {
            assert!(!is_editor_temp(name), "{name}");
        }
    }

    #[test]
    fn paths_are_sorted_by_meaning() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/tech/new-folder")).unwrap();
        std::fs::create_dir_all(root.join("themes/default")).unwrap();
        std::fs::write(root.join("content/tech/a.png"), b"png").unwrap();
        let p = |s: &str| root.join(s);
        let paths = [
            p("content/tech/post.md"),
            p("content/tech/.post.md.swp"),
            p("content/tech/post.md~"),
            p("content/_drafts/x.md"),
            p("content/tech/a.png"),
            p("content/tech/new-folder"),
            p("themes/default"),
            p("outside.txt"),
            PathBuf::from("/elsewhere/content/x.md"),
        ];
        let (changes, new_dirs) = classify(root, &paths);
        assert_eq!(
            changes.posts.into_iter().collect::<Vec<_>>(),
            [p("content/tech/post.md")]
        );
        assert_eq!(
            changes.assets.into_iter().collect::<Vec<_>>(),
            [p("content/tech/a.png")]
        );
        assert!(changes.rescan, "a new folder under content/ needs a rescan");
        assert!(
            !changes.everything,
            "a theme folder event alone changes no file"
        );
        assert!(new_dirs.is_empty());

        let (changes, _) = classify(root, &[p("themes/default/style.css")]);
        assert!(changes.everything);
        let (changes, _) = classify(root, &[p("config.toml")]);
        assert!(changes.everything);
        let (changes, _) = classify(root, &[p("config.toml~")]);
        assert!(changes.is_empty());

        // A deleted path without .md may have been a folder of posts.
        let (changes, _) = classify(root, &[p("content/tech/gone")]);
        assert!(changes.rescan);

        std::fs::create_dir_all(root.join("templates")).unwrap();
        let (changes, new_dirs) = classify(root, &[p("templates")]);
        assert!(changes.everything);
        assert_eq!(new_dirs, [p("templates")]);
    }
}
