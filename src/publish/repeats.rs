//! What earlier pushes in the ledger mean for the posts of this run.

use super::Push;
use crate::config::PublishMode;
use crate::ledger::{LedgerView, PushRecord, PushState, StateName};

/// What earlier pushes mean for this run.
#[derive(Debug, Default)]
pub struct Repeats {
    /// Posts an earlier push already took to WeChat: unchanged ones are already
    /// there; changed ones are not republished silently.
    pub refused: Vec<String>,
    /// Earlier pushes of now-edited posts that only got as far as a draft (the
    /// broadcast or publish never happened, e.g. no quota left): their draft is
    /// replaced by the new version's.
    pub superseded: Vec<String>,
}

pub fn repeats(view: &LedgerView, pushes: &[Push]) -> Repeats {
    let mut out = Repeats::default();
    for push in pushes {
        for p in &push.posts {
            for (id, rec) in &view.pushes {
                if id == &push.id || !rec.state.touched_wechat() {
                    continue;
                }
                let Some(old) = rec.posts.iter().find(|o| o.source == p.post.source) else {
                    continue;
                };
                let unpublished_draft =
                    rec.state.name() == StateName::Drafted && rec.mode != PublishMode::Draft;
                if old.hash != p.hash && unpublished_draft {
                    if !out.superseded.contains(id) {
                        out.superseded.push(id.clone());
                    }
                    continue;
                }
                let what = describe(rec);
                if old.hash == p.hash {
                    out.refused.push(format!(
                        "{}: already {what}, together with other posts; leave it out of this run",
                        p.post.source
                    ));
                } else {
                    out.refused.push(format!(
                        "{}: changed since it was {what}. wxpress does not publish an edited post again \
                         silently.\n  help: to publish this version as a new article, save it under a \
                         new file name (e.g. {}) and publish that file; to correct the article already \
                         on WeChat, edit it in the WeChat backend",
                        p.post.source,
                        new_name_hint(&p.post.source)
                    ));
                }
            }
        }
    }
    out
}

fn describe(rec: &PushRecord) -> String {
    let when = &rec.at;
    match &rec.state {
        PushState::Published { publish_id, .. } => format!(
            "published on {when} (publish_id {})",
            publish_id.as_deref().unwrap_or("?")
        ),
        PushState::Sent { msg_id, .. } => format!("broadcast on {when} (msg_id {msg_id})"),
        PushState::Drafted { media_id } if rec.mode == PublishMode::Draft => {
            format!("pushed as a draft on {when} (media_id {media_id})")
        }
        s => format!(
            "pushed on {when} and left unfinished (state {}, push {}); finish it by publishing \
             the unchanged version, or delete its draft in the WeChat backend and remove the \
             push's lines from .wxpress/ledger.jsonl",
            s.name().name(),
            rec.push
        ),
    }
}

fn new_name_hint(source: &str) -> String {
    if let Some(dir) = source.strip_suffix("/index.md") {
        format!("{dir}-2/index.md")
    } else if let Some(stem) = source.strip_suffix(".md") {
        format!("{stem}-2.md")
    } else {
        format!("{source}-2")
    }
}
