//! `--dry-run`: every call a run would make, without making any.

use super::prepare::file_sha;
use super::{effective_mode, Push};
use crate::config::PublishMode;
use crate::ledger::{LedgerView, StateName, UploadKind};
use crate::wechat::Audience;

/// Every call a run would make, without making any: for `--dry-run`.
pub fn plan_calls(
    root: &std::path::Path,
    view: &LedgerView,
    pushes: &[Push],
    mode: PublishMode,
    audience: Audience,
) -> Vec<String> {
    let mut calls = vec!["POST /cgi-bin/stable_token (get an access token)".to_string()];
    let mut seen = std::collections::HashSet::new();
    for push in pushes {
        let rec = view.pushes.get(&push.id);
        let state = rec.map_or(StateName::New, |r| r.state.name());
        let mode = effective_mode(rec, mode);
        calls.push(format!(
            "# push {} ({}, {}): {}",
            push.id,
            mode.name(),
            state.name(),
            push.titles()
        ));
        if state.is_done(mode) {
            calls.push("#   already done; no calls".into());
            continue;
        }
        if rec.and_then(|r| r.state.media_id()).is_none() {
            calls.push(
                "POST /cgi-bin/freepublish/batchget, /cgi-bin/draft/batchget (is this push on WeChat already?)"
                    .into(),
            );
            for p in &push.posts {
                // (kind, file sent, the writer's file it was made from)
                let mut files: Vec<(UploadKind, &std::path::Path, &std::path::Path)> = p
                    .article
                    .images
                    .iter()
                    .map(|i| (UploadKind::Image, i.path.as_path(), i.source.as_path()))
                    .collect();
                let cover_source = p.post.meta.cover_source.as_deref().unwrap_or(&p.cover);
                files.push((UploadKind::Cover, &p.cover, cover_source));
                for (kind, path, source) in files {
                    let name = crate::content::relative_path(root, source);
                    let sha = file_sha(path).unwrap_or_default();
                    let cached = match kind {
                        UploadKind::Image => view.cached_url(&sha).is_some(),
                        UploadKind::Cover => view.cached_media_id(&sha).is_some(),
                    };
                    if cached || !seen.insert((kind, sha)) {
                        calls.push(format!("#   {name}: already uploaded"));
                    } else if kind == UploadKind::Image {
                        calls.push(format!("POST /cgi-bin/media/uploadimg {name}"));
                    } else {
                        calls.push(format!(
                            "POST /cgi-bin/material/add_material?type=image {name} (cover)"
                        ));
                    }
                }
            }
            calls.push(format!(
                "POST /cgi-bin/draft/add {} article(s): {}",
                push.posts.len(),
                push.titles()
            ));
        }
        match mode {
            PublishMode::Draft => {}
            PublishMode::Publish => {
                if state == StateName::Submitting {
                    calls.push(
                        "POST /cgi-bin/freepublish/batchget (look for an unrecorded publish)"
                            .into(),
                    );
                }
                if state != StateName::Submitted {
                    calls.push("POST /cgi-bin/freepublish/submit".into());
                }
                calls.push("POST /cgi-bin/freepublish/get (poll until published)".into());
            }
            PublishMode::Broadcast => {
                let to = match audience {
                    Audience::All => "all followers".to_string(),
                    Audience::Tag(t) => format!("tag {t}"),
                };
                calls.push(format!(
                    "POST /cgi-bin/message/mass/sendall to {to}, clientmsgid {}",
                    push.clientmsgid()
                ));
                calls.push("POST /cgi-bin/message/mass/get".into());
            }
        }
    }
    calls
}
