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

/// The name of a push's state, as the ledger's `state` field writes it. Each
/// `…ing` state is written before the remote call, each `…ed` state after it
/// answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateName {
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

impl StateName {
    /// The name written in the ledger, for messages.
    pub fn name(self) -> &'static str {
        match self {
            StateName::New => "new",
            StateName::Drafting => "drafting",
            StateName::Drafted => "drafted",
            StateName::Submitting => "submitting",
            StateName::Submitted => "submitted",
            StateName::Published => "published",
            StateName::Sending => "sending",
            StateName::Sent => "sent",
            StateName::Superseded => "superseded",
        }
    }

    /// The push reached the end of `mode`.
    pub fn is_done(self, mode: PublishMode) -> bool {
        match self {
            StateName::Published | StateName::Sent => true,
            StateName::Drafted | StateName::Submitting | StateName::Submitted => {
                mode == PublishMode::Draft
            }
            _ => false,
        }
    }

    /// Something of this push may exist on WeChat.
    pub fn touched_wechat(self) -> bool {
        !matches!(self, StateName::New | StateName::Superseded)
    }
}

/// Where a push is, with what WeChat answered on the way there: a state that
/// needs a draft carries its `media_id`, a submitted push its `publish_id`, so
/// no step can run without what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushState {
    New,
    /// `draft/add` is being called (or its answer was lost).
    Drafting,
    Drafted {
        media_id: String,
    },
    /// `freepublish/submit` is being called (or its answer was lost).
    Submitting {
        media_id: String,
    },
    Submitted {
        media_id: String,
        publish_id: String,
        /// What `freepublish/submit` answered as `msg_data_id`: the push's id in
        /// the data API (absent in ledgers written before wxpress kept it).
        msg_data_id: Option<String>,
    },
    /// On WeChat's published list. The ids are absent when the push was found
    /// there rather than published by this ledger's runs.
    Published {
        media_id: Option<String>,
        publish_id: Option<String>,
        article_id: Option<String>,
        urls: Vec<String>,
        msg_data_id: Option<String>,
    },
    /// `message/mass/sendall` is being called with this `clientmsgid`.
    Sending {
        media_id: String,
        clientmsgid: String,
    },
    Sent {
        media_id: String,
        clientmsgid: String,
        msg_id: String,
        /// What `message/mass/sendall` answered as `msg_data_id`.
        msg_data_id: Option<String>,
    },
    Superseded,
}

impl PushState {
    pub fn name(&self) -> StateName {
        match self {
            PushState::New => StateName::New,
            PushState::Drafting => StateName::Drafting,
            PushState::Drafted { .. } => StateName::Drafted,
            PushState::Submitting { .. } => StateName::Submitting,
            PushState::Submitted { .. } => StateName::Submitted,
            PushState::Published { .. } => StateName::Published,
            PushState::Sending { .. } => StateName::Sending,
            PushState::Sent { .. } => StateName::Sent,
            PushState::Superseded => StateName::Superseded,
        }
    }

    /// The push's draft, once there is one.
    pub fn media_id(&self) -> Option<&str> {
        match self {
            PushState::Drafted { media_id }
            | PushState::Submitting { media_id }
            | PushState::Submitted { media_id, .. }
            | PushState::Sending { media_id, .. }
            | PushState::Sent { media_id, .. } => Some(media_id),
            PushState::Published { media_id, .. } => media_id.as_deref(),
            PushState::New | PushState::Drafting | PushState::Superseded => None,
        }
    }

    pub fn publish_id(&self) -> Option<&str> {
        match self {
            PushState::Submitted { publish_id, .. } => Some(publish_id),
            PushState::Published { publish_id, .. } => publish_id.as_deref(),
            _ => None,
        }
    }

    pub fn msg_id(&self) -> Option<&str> {
        match self {
            PushState::Sent { msg_id, .. } => Some(msg_id),
            _ => None,
        }
    }

    /// The push's id in the data API: its articles' statistics are
    /// `<msg_data_id>_<position>` (`wechat::types::MsgKey`).
    pub fn msg_data_id(&self) -> Option<&str> {
        match self {
            PushState::Submitted { msg_data_id, .. }
            | PushState::Published { msg_data_id, .. }
            | PushState::Sent { msg_data_id, .. } => msg_data_id.as_deref(),
            _ => None,
        }
    }

    /// The published articles' addresses.
    pub fn urls(&self) -> &[String] {
        match self {
            PushState::Published { urls, .. } => urls,
            _ => &[],
        }
    }

    pub fn is_done(&self, mode: PublishMode) -> bool {
        self.name().is_done(mode)
    }

    pub fn touched_wechat(&self) -> bool {
        self.name().touched_wechat()
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

/// The whole state of one push; the ledger's last record of a push wins.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "PushLine", into = "PushLine")]
pub struct PushRecord {
    pub at: String,
    pub push: String,
    pub state: PushState,
    pub mode: PublishMode,
    pub posts: Vec<PostRecord>,
    /// When the current `…ing` step began (Unix seconds): reconciling looks for
    /// drafts and articles created after it.
    pub since: Option<i64>,
    /// Why the last step failed, when it did.
    pub error: Option<String>,
}

/// A push record as one flat JSON object: the ledger's format since its first
/// version, kept so that old ledgers read and new ones stay readable by eye.
#[derive(Serialize, Deserialize)]
struct PushLine {
    at: String,
    push: String,
    state: StateName,
    mode: PublishMode,
    posts: Vec<PostRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publish_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    article_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clientmsgid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    msg_id: Option<String>,
    /// Since the data API was joined to the ledger; older lines lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    msg_data_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl TryFrom<PushLine> for PushRecord {
    type Error = String;

    fn try_from(line: PushLine) -> Result<Self, String> {
        let name = line.state;
        let missing = |field: &str| format!("state `{}` without its {field}", name.name());
        let media_id = || line.media_id.clone().ok_or_else(|| missing("media_id"));
        let clientmsgid = || {
            line.clientmsgid
                .clone()
                .ok_or_else(|| missing("clientmsgid"))
        };
        let state = match name {
            StateName::New => PushState::New,
            StateName::Drafting => PushState::Drafting,
            StateName::Drafted => PushState::Drafted {
                media_id: media_id()?,
            },
            StateName::Submitting => PushState::Submitting {
                media_id: media_id()?,
            },
            StateName::Submitted => PushState::Submitted {
                media_id: media_id()?,
                publish_id: line
                    .publish_id
                    .clone()
                    .ok_or_else(|| missing("publish_id"))?,
                msg_data_id: line.msg_data_id.clone(),
            },
            StateName::Published => PushState::Published {
                media_id: line.media_id.clone(),
                publish_id: line.publish_id.clone(),
                article_id: line.article_id.clone(),
                urls: line.urls.clone(),
                msg_data_id: line.msg_data_id.clone(),
            },
            StateName::Sending => PushState::Sending {
                media_id: media_id()?,
                clientmsgid: clientmsgid()?,
            },
            StateName::Sent => PushState::Sent {
                media_id: media_id()?,
                clientmsgid: clientmsgid()?,
                msg_id: line.msg_id.clone().ok_or_else(|| missing("msg_id"))?,
                msg_data_id: line.msg_data_id.clone(),
            },
            StateName::Superseded => PushState::Superseded,
        };
        Ok(PushRecord {
            at: line.at,
            push: line.push,
            state,
            mode: line.mode,
            posts: line.posts,
            since: line.since,
            error: line.error,
        })
    }
}

impl From<PushRecord> for PushLine {
    fn from(rec: PushRecord) -> PushLine {
        let state = &rec.state;
        let (article_id, clientmsgid) = match state {
            PushState::Published { article_id, .. } => (article_id.clone(), None),
            PushState::Sending { clientmsgid, .. } | PushState::Sent { clientmsgid, .. } => {
                (None, Some(clientmsgid.clone()))
            }
            _ => (None, None),
        };
        PushLine {
            state: state.name(),
            media_id: state.media_id().map(str::to_string),
            publish_id: state.publish_id().map(str::to_string),
            msg_id: state.msg_id().map(str::to_string),
            msg_data_id: state.msg_data_id().map(str::to_string),
            urls: state.urls().to_vec(),
            article_id,
            clientmsgid,
            at: rec.at,
            push: rec.push,
            mode: rec.mode,
            posts: rec.posts,
            since: rec.since,
            error: rec.error,
        }
    }
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
        use StateName::*;
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
            error: None,
        })
    }

    fn drafted() -> PushState {
        PushState::Drafted {
            media_id: "m1".into(),
        }
    }

    #[test]
    fn a_state_and_its_ids_round_trip_through_one_flat_line() {
        let sent = PushState::Sent {
            media_id: "m1".into(),
            clientmsgid: "c1".into(),
            msg_id: "42".into(),
            msg_data_id: Some("2247483904".into()),
        };
        let line = serde_json::to_string(&record(sent.clone())).unwrap();
        assert!(
            line.contains(r#""state":"sent""#)
                && line.contains(r#""media_id":"m1""#)
                && line.contains(r#""clientmsgid":"c1""#)
                && line.contains(r#""msg_id":"42""#)
                && line.contains(r#""msg_data_id":"2247483904""#),
            "{line}"
        );
        match serde_json::from_str::<Entry>(&line).unwrap() {
            Entry::Push(rec) => assert_eq!(rec.state, sent),
            other => panic!("{other:?}"),
        }
    }

    /// Lines written before the ledger kept `msg_data_id` read as before, without it.
    #[test]
    fn an_old_line_without_msg_data_id_still_reads() {
        let old = r#"{"event":"push","at":"t","push":"p","state":"published","mode":"publish","posts":[],"media_id":"m","publish_id":"9","article_id":"a","urls":["u"]}"#;
        match serde_json::from_str::<Entry>(old).unwrap() {
            Entry::Push(rec) => {
                assert_eq!(rec.state.msg_data_id(), None);
                assert_eq!(rec.state.publish_id(), Some("9"));
            }
            other => panic!("{other:?}"),
        }
        let old = r#"{"event":"push","at":"t","push":"p","state":"sent","mode":"broadcast","posts":[],"media_id":"m","clientmsgid":"c","msg_id":"1"}"#;
        assert!(serde_json::from_str::<Entry>(old).is_ok());
    }

    #[test]
    fn a_state_without_the_id_it_needs_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        std::fs::write(
            &path,
            "{\"event\":\"push\",\"at\":\"t\",\"push\":\"p\",\"state\":\"submitted\",\"mode\":\"publish\",\"posts\":[],\"media_id\":\"m\"}\n",
        )
        .unwrap();
        let e = LedgerView::read(&path).unwrap_err().to_string();
        assert!(
            e.contains(":1:") && e.contains("state `submitted` without its publish_id"),
            "{e}"
        );
    }

    #[test]
    fn last_snapshot_wins_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(dir.path()).unwrap();
        l.append(record(PushState::Drafting)).unwrap();
        l.append(record(drafted())).unwrap();
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
        assert_eq!(l.push("p1").unwrap().state, drafted());
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
        l.append(record(drafted())).unwrap();
        let l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.push("p1").unwrap().state, drafted());
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
