//! The ledger: `.wxpress/ledger.jsonl`, one JSON object per line, appended and
//! fsync'd before and after every remote side effect. It is meant to be committed:
//! it is what makes a rerun publish each post exactly once.
//!
//! Two kinds of lines: uploads (the upload cache, keyed by the file's SHA-256) and
//! push snapshots (the whole state of one push; the last snapshot of a push wins).

use crate::config::PublishMode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DIR: &str = ".wxpress";
pub const FILE: &str = "ledger.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadKind {
    /// A body image (`media/uploadimg`): kept as a CDN URL.
    Image,
    /// A cover (`material/add_material`): kept as a media_id.
    Cover,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Entry {
    /// About to upload (written first, so a crash leaves a trace).
    Uploading {
        at: String,
        kind: UploadKind,
        sha256: String,
        file: String,
    },
    Uploaded {
        at: String,
        kind: UploadKind,
        sha256: String,
        file: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_id: Option<String>,
    },
    Push(PushRecord),
}

/// Where a push is. Each `…ing` state is written before the remote call, each
/// `…ed` state after it answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushState {
    /// Nothing exists on WeChat (a fresh push, or `draft/add` was refused).
    New,
    Drafting,
    Drafted,
    Submitting,
    Submitted,
    Published,
    Sending,
    Sent,
    /// An unpublished draft of an earlier version of the posts, deleted when the
    /// edited version was published.
    Superseded,
}

impl PushState {
    /// The name written in the ledger, for messages.
    pub fn name(self) -> &'static str {
        match self {
            PushState::New => "new",
            PushState::Drafting => "drafting",
            PushState::Drafted => "drafted",
            PushState::Submitting => "submitting",
            PushState::Submitted => "submitted",
            PushState::Published => "published",
            PushState::Sending => "sending",
            PushState::Sent => "sent",
            PushState::Superseded => "superseded",
        }
    }
}

impl PushState {
    /// The push reached the end of `mode`.
    pub fn is_done(self, mode: PublishMode) -> bool {
        match self {
            PushState::Published | PushState::Sent => true,
            PushState::Drafted | PushState::Submitting | PushState::Submitted => {
                mode == PublishMode::Draft
            }
            _ => false,
        }
    }

    /// Something of this push may exist on WeChat.
    pub fn touched_wechat(self) -> bool {
        !matches!(self, PushState::New | PushState::Superseded)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRecord {
    pub source: String,
    /// SHA-256 of the post file and every file it uploads.
    pub hash: String,
    pub title: String,
    /// CDN URLs of the body images, in the order they appear.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// The cover's media_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_media_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRecord {
    pub at: String,
    pub push: String,
    pub state: PushState,
    pub mode: PublishMode,
    pub posts: Vec<PostRecord>,
    /// When the current `…ing` step began (Unix seconds): reconciling looks for
    /// drafts and articles created after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientmsgid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// Why the last step failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot use {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a ledger record ({message}); fix or remove that line (the ledger is plain JSON lines)")]
    Corrupt {
        path: String,
        line: usize,
        message: String,
    },
}

/// The ledger's content, folded: the upload cache and the latest snapshot of
/// every push.
#[derive(Debug, Default)]
pub struct LedgerView {
    pub uploads: HashMap<(UploadKind, String), Entry>,
    /// Uploads a run started and never recorded the answer of (it died, or the
    /// answer was lost): WeChat may hold them.
    pub unfinished_uploads: HashSet<(UploadKind, String)>,
    pub pushes: BTreeMap<String, PushRecord>,
}

impl LedgerView {
    pub fn cached_url(&self, sha256: &str) -> Option<&str> {
        match self.uploads.get(&(UploadKind::Image, sha256.to_string())) {
            Some(Entry::Uploaded { url: Some(u), .. }) => Some(u),
            _ => None,
        }
    }

    pub fn cached_media_id(&self, sha256: &str) -> Option<&str> {
        match self.uploads.get(&(UploadKind::Cover, sha256.to_string())) {
            Some(Entry::Uploaded {
                media_id: Some(m), ..
            }) => Some(m),
            _ => None,
        }
    }

    fn apply(&mut self, entry: &Entry) {
        match entry {
            Entry::Uploading { kind, sha256, .. } => {
                self.unfinished_uploads.insert((*kind, sha256.clone()));
            }
            Entry::Uploaded { kind, sha256, .. } => {
                self.unfinished_uploads.remove(&(*kind, sha256.clone()));
                self.uploads.insert((*kind, sha256.clone()), entry.clone());
            }
            Entry::Push(p) => {
                self.pushes.insert(p.push.clone(), p.clone());
            }
        }
    }

    /// Reads a ledger. A missing file is an empty ledger; a torn last line (the
    /// process died while writing it) is ignored, any other bad line is an error.
    pub fn read(path: &Path) -> Result<LedgerView, LedgerError> {
        let mut view = LedgerView::default();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(view),
            Err(source) => {
                return Err(LedgerError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line) {
                Ok(entry) => view.apply(&entry),
                Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {}
                Err(e) => {
                    return Err(LedgerError::Corrupt {
                        path: path.display().to_string(),
                        line: i + 1,
                        message: e.to_string(),
                    })
                }
            }
        }
        Ok(view)
    }
}

pub fn path(root: &Path) -> PathBuf {
    root.join(DIR).join(FILE)
}

/// The ledger open for appending.
pub struct Ledger {
    path: PathBuf,
    file: File,
    pub view: LedgerView,
}

impl Ledger {
    pub fn open(root: &Path) -> Result<Ledger, LedgerError> {
        let path = path(root);
        let io = |source| LedgerError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(root.join(DIR)).map_err(io)?;
        let view = LedgerView::read(&path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        // A torn last line (the process died while writing it) was never a
        // complete record: cut it off so the next record starts on its own line.
        let bytes = std::fs::read(&path).map_err(io)?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        Ok(Ledger { path, file, view })
    }

    /// Appends one record and waits until it is on disk.
    pub fn append(&mut self, entry: Entry) -> Result<(), LedgerError> {
        let mut line = serde_json::to_string(&entry).expect("ledger entries serialize");
        line.push('\n');
        let io = |source| LedgerError::Io {
            path: self.path.display().to_string(),
            source,
        };
        self.file.write_all(line.as_bytes()).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.view.apply(&entry);
        Ok(())
    }

    pub fn push(&self, id: &str) -> Option<&PushRecord> {
        self.view.pushes.get(id)
    }
}

pub fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {

    #[test]
    fn state_names_are_the_ledger_names() {
        use PushState::*;
        for state in [
            New, Drafting, Drafted, Submitting, Submitted, Published, Sending, Sent, Superseded,
        ] {
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{}\"", state.name())
            );
        }
    }

    use super::*;

    fn record(state: PushState) -> Entry {
        Entry::Push(PushRecord {
            at: now(),
            push: "p1".into(),
            state,
            mode: PublishMode::Publish,
            posts: vec![],
            since: None,
            media_id: None,
            publish_id: None,
            article_id: None,
            clientmsgid: None,
            msg_id: None,
            urls: vec![],
            error: None,
        })
    }

    #[test]
    fn last_snapshot_wins_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        l.append(record(PushState::Drafting)).unwrap();
        l.append(record(PushState::Drafted)).unwrap();
        l.append(Entry::Uploaded {
            at: now(),
            kind: UploadKind::Image,
            sha256: "abc".into(),
            file: "a.png".into(),
            url: Some("http://cdn/a".into()),
            media_id: None,
        })
        .unwrap();
        drop(l);
        let l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.push("p1").unwrap().state, PushState::Drafted);
        assert_eq!(l.view.cached_url("abc"), Some("http://cdn/a"));
        assert_eq!(l.view.cached_media_id("abc"), None);
    }

    #[test]
    fn torn_last_line_is_ignored_and_the_next_record_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        l.append(record(PushState::Drafting)).unwrap();
        drop(l);
        let p = path(dir.path());
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"event\":\"push\",\"at\":").unwrap();
        drop(f);
        let mut l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.push("p1").unwrap().state, PushState::Drafting);
        l.append(record(PushState::Drafted)).unwrap();
        let l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.push("p1").unwrap().state, PushState::Drafted);
    }

    #[test]
    fn corrupt_middle_line_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        std::fs::write(path(dir.path()), "garbage\n{}\n").unwrap();
        let e = Ledger::open(dir.path()).err().unwrap().to_string();
        assert!(e.contains("ledger.jsonl:1: not a ledger record"), "{e}");
    }
}
