//! Publishing: takes prepared pushes to WeChat exactly once.
//!
//! The protocol, per push: look for the push on WeChat (see [`reconcile`]); if it
//! is not there, upload images (cached by content hash), build the draft
//! articles, then `draft/add` → (`freepublish/submit` → poll `freepublish/get`) or
//! `message/mass/sendall`. Before every creating call a `…ing` record is fsync'd to
//! the ledger, after it the result. A creating call whose answer is lost or
//! ambiguous (timeout, HTTP 5xx, `-1`) is looked up on WeChat before it is made
//! again: the draft in the draft box, the article among the published ones, the
//! cover in the material library; a broadcast is resent with the same
//! `clientmsgid`, which WeChat refuses as a duplicate.

pub mod lock;
pub mod prepare;
pub mod reconcile;

pub mod daemon;
mod plan;
mod publisher;
mod repeats;
mod session;

pub use plan::plan_calls;
pub use prepare::{prepare, select, Prepared, Push};
pub use publisher::{Publisher, CRASH_ENV};
pub use repeats::{repeats, Repeats};
pub use session::{ClientSource, DryRun, Due, Event, Events, Session, Stopped};

use crate::config::PublishMode;
use crate::ledger::{self, PostRecord, PushRecord, StateName};
use crate::wechat::{Audience, WechatError};
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: PublishMode,
    pub audience: Audience,
    /// Poll interval for `freepublish/get`.
    pub poll: Duration,
    /// How long to wait for a submitted push to finish publishing.
    pub publish_wait: Duration,
    /// How long reconciling waits for an unrecorded submit to show up.
    pub reconcile_wait: Duration,
}

impl Settings {
    /// WeChat's usual pace: poll every 2 s, wait up to 5 minutes for a publish to
    /// finish and a minute for an unrecorded one to show up.
    pub fn new(mode: PublishMode, audience: Audience) -> Self {
        Settings {
            mode,
            audience,
            poll: Duration::from_secs(2),
            publish_wait: Duration::from_secs(300),
            reconcile_wait: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Wechat(#[from] WechatError),
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Refused(String),
}

/// What happened to one push, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub push: String,
    pub mode: PublishMode,
    pub state: StateName,
    pub posts: Vec<PostRecord>,
    /// Already done by an earlier run: nothing was called.
    pub skipped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Progress notes for the person (or log) watching.
pub trait Progress {
    fn step(&self, message: &str);
}

impl<F: Fn(&str)> Progress for F {
    fn step(&self, message: &str) {
        self(message)
    }
}

/// The mode a push runs in: the one asked for, unless the push already went
/// further than a draft, in which case it finishes the way it started.
pub fn effective_mode(rec: Option<&PushRecord>, requested: PublishMode) -> PublishMode {
    match rec {
        Some(r)
            if !matches!(
                r.state.name(),
                StateName::New | StateName::Drafting | StateName::Drafted
            ) =>
        {
            r.mode
        }
        _ => requested,
    }
}
