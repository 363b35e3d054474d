//! The publishing state machine: takes each prepared push through its steps,
//! recording every step in the ledger before and after the remote call.

use super::prepare::{self, rewrite_images};
use super::reconcile::{self, Found};
use super::{effective_mode, Outcome, Progress, PublishError, Push, Settings};
use crate::config::PublishMode;
use crate::content::front_matter::ArticleType;
use crate::ledger::{
    self, Entry, Ledger, PostRecord, PushRecord, PushState, StateName, UploadKind,
};
use crate::wechat::{Client, DraftArticle, ImageInfo, ImageItem, INVALID_MEDIA_ID};
use std::time::{Duration, Instant};

/// Test-only fault hook: `WXPRESS_TEST_CRASH_AFTER=<step>` aborts the process right
/// after that step, to prove a rerun recovers. Steps: `upload`, `uploaded`,
/// `cover`, `covered`, `draft_add`, `drafted`, `submit`, `submitted`, `sendall`, `sent`.
/// Compiled into debug builds only (the ones `cargo test` runs): a release binary
/// has no way to be made to abort.
pub const CRASH_ENV: &str = "WXPRESS_TEST_CRASH_AFTER";

#[cfg(debug_assertions)]
fn crash_point(step: &str) {
    if std::env::var(CRASH_ENV).is_ok_and(|s| s == step) {
        eprintln!("wxpress: {CRASH_ENV}={step}: aborting");
        std::process::abort();
    }
}

#[cfg(not(debug_assertions))]
fn crash_point(_step: &str) {}

/// Runs the protocol for every push. A push that fails does not stop the others.
pub struct Publisher<'a> {
    /// The site root: upload records name files relative to it.
    root: &'a std::path::Path,
    client: &'a Client,
    ledger: &'a mut Ledger,
    settings: Settings,
    progress: &'a dyn Progress,
    /// The material library's newest images by upload name, read once per run
    /// when the first cover is not in the ledger.
    covers_on_wechat: Option<std::collections::HashMap<String, String>>,
}

impl<'a> Publisher<'a> {
    pub fn new(
        root: &'a std::path::Path,
        client: &'a Client,
        ledger: &'a mut Ledger,
        settings: Settings,
        progress: &'a dyn Progress,
    ) -> Self {
        Publisher {
            root,
            client,
            ledger,
            settings,
            progress,
            covers_on_wechat: None,
        }
    }

    /// Runs the pushes in order. `stop` is asked before each one, so a stop
    /// request (the daemon's SIGTERM) finishes only the push in flight; the
    /// others stay due for the next run.
    pub fn run(&mut self, pushes: &[Push], stop: &dyn Fn() -> bool) -> Vec<Outcome> {
        let mut outcomes = Vec::with_capacity(pushes.len());
        for push in pushes {
            if stop() {
                break;
            }
            outcomes.push(self.run_push(push));
        }
        outcomes
    }

    /// `message/mass/preview`: sends the push to one WeChat user through a temporary
    /// draft, deleted afterwards. Uploads are cached like a real run's; the push
    /// itself is not recorded (a preview publishes nothing).
    pub fn preview(&mut self, push: &Push, towxname: &str) -> Result<(), PublishError> {
        let articles: Vec<DraftArticle> =
            self.articles(push)?.into_iter().map(|(a, _)| a).collect();
        self.progress
            .step(&format!("creating a temporary draft: {}", push.titles()));
        let media_id = self.client.draft_add(&articles)?;
        let sent = self.client.mass_preview(&media_id, towxname);
        let deleted = self.client.draft_delete(&media_id);
        sent?;
        if let Err(e) = deleted {
            self.progress.step(&format!(
                "could not delete the temporary draft {media_id}: {e}"
            ));
        }
        Ok(())
    }

    /// Deletes the unpublished draft of an earlier version and marks its push
    /// superseded, so the edited version can go out in its place.
    pub fn supersede(&mut self, push_id: &str) -> Result<(), PublishError> {
        let Some(mut rec) = self.ledger.push(push_id).cloned() else {
            return Ok(());
        };
        if let Some(media_id) = rec.state.media_id().map(str::to_string) {
            self.progress.step(&format!(
                "deleting draft {media_id} of an earlier, unpublished version (push {push_id})"
            ));
            match self.client.draft_delete(&media_id) {
                Ok(()) => {}
                Err(e) if e.code() == Some(crate::wechat::INVALID_MEDIA_ID) => {}
                Err(e) => return Err(e.into()),
            }
        }
        rec.error = None;
        self.save(&mut rec, PushState::Superseded)
    }

    fn record(&self, push: &Push) -> PushRecord {
        self.ledger
            .push(&push.id)
            .cloned()
            .unwrap_or_else(|| PushRecord {
                at: ledger::now(),
                push: push.id.clone(),
                state: PushState::New,
                mode: self.settings.mode,
                posts: push
                    .posts
                    .iter()
                    .map(|p| PostRecord {
                        source: p.post.source.clone(),
                        hash: p.hash.clone(),
                        title: p.post.meta.title.clone(),
                        images: Vec::new(),
                        thumb_media_id: None,
                    })
                    .collect(),
                since: None,
                error: None,
            })
    }

    fn save(&mut self, rec: &mut PushRecord, state: PushState) -> Result<(), PublishError> {
        rec.state = state;
        rec.at = ledger::now();
        self.ledger.append(Entry::Push(rec.clone()))?;
        Ok(())
    }

    fn run_push(&mut self, push: &Push) -> Outcome {
        let mut rec = self.record(push);
        if rec.state == PushState::Superseded {
            // This version's draft was deleted for a later edit, and the post is
            // back to this version: start over.
            rec.state = PushState::New;
        }
        let outcome = |rec: &PushRecord, skipped: bool, error: Option<String>| Outcome {
            push: rec.push.clone(),
            mode: rec.mode,
            state: rec.state.name(),
            posts: rec.posts.clone(),
            skipped,
            media_id: rec.state.media_id().map(str::to_string),
            publish_id: rec.state.publish_id().map(str::to_string),
            msg_id: rec.state.msg_id().map(str::to_string),
            urls: rec.state.urls().to_vec(),
            error,
        };
        let mode = effective_mode(Some(&rec), self.settings.mode);
        if rec.state.is_done(mode) {
            self.progress.step(&format!(
                "{}: already {}, nothing to do",
                push.titles(),
                rec.state.name().name()
            ));
            return outcome(&rec, true, None);
        }
        rec.mode = mode;
        rec.error = None;
        match self.advance(push, &mut rec) {
            Ok(()) => outcome(&rec, false, None),
            Err(e) => {
                let message = e.to_string();
                // Remember why, without moving the state: the next run resumes here.
                rec.error = Some(message.clone());
                let state = rec.state.clone();
                let _ = self.save(&mut rec, state);
                outcome(&rec, false, Some(message))
            }
        }
    }

    fn advance(&mut self, push: &Push, rec: &mut PushRecord) -> Result<(), PublishError> {
        let mut made_draft = false;
        let media_id = match rec.state.media_id().map(str::to_string) {
            Some(media_id) => media_id,
            // Before creating anything: WeChat may have this push already (a lost
            // or damaged ledger, a run that died, a draft made by an earlier run).
            None => match reconcile::find(self.client, &push_fingerprint(push))? {
                Some(Found::Published { article_id, urls }) => {
                    self.progress.step(&format!(
                        "{}: already published on WeChat (article_id {article_id}); recording it, not publishing again",
                        push.titles()
                    ));
                    return self.found_published(rec, article_id, urls);
                }
                Some(Found::Drafts(ids)) => {
                    let media_id = self.keep_one(ids)?;
                    self.progress.step(&format!(
                        "{}: its draft is already in the draft box (media_id {media_id}); using it",
                        push.titles()
                    ));
                    self.drafted(rec, media_id)?
                }
                None => {
                    made_draft = true;
                    self.create_draft(push, rec)?
                }
            },
        };
        match rec.mode {
            PublishMode::Draft => Ok(()),
            PublishMode::Publish => self.ensure_published(push, rec, &media_id),
            PublishMode::Broadcast => self.ensure_sent(push, rec, &media_id, made_draft),
        }
    }

    /// Uploads the push's files and makes its draft; the draft's media_id.
    fn create_draft(&mut self, push: &Push, rec: &mut PushRecord) -> Result<String, PublishError> {
        {
            let articles = self.articles(push)?;
            for (post, (article, images)) in rec.posts.iter_mut().zip(&articles) {
                post.images = images.clone();
                post.thumb_media_id = Some(article.thumb_media_id.clone());
            }
            let articles: Vec<DraftArticle> = articles.into_iter().map(|(a, _)| a).collect();
            let media_id = self.ensure_draft(push, rec, &articles)?;
            self.progress.step(&format!(
                "draft created: {} (media_id {media_id})",
                push.titles()
            ));
            Ok(media_id)
        }
    }

    fn found_published(
        &mut self,
        rec: &mut PushRecord,
        article_id: String,
        urls: Vec<String>,
    ) -> Result<(), PublishError> {
        let state = PushState::Published {
            media_id: rec.state.media_id().map(str::to_string),
            publish_id: rec.state.publish_id().map(str::to_string),
            article_id: Some(article_id),
            urls,
            msg_data_id: rec.state.msg_data_id().map(str::to_string),
        };
        self.save(rec, state)
    }

    /// The newest of identical drafts; the others (made by runs that died before
    /// recording theirs) are deleted.
    fn keep_one(&self, drafts: Vec<String>) -> Result<String, PublishError> {
        let Some((keep, extras)) = drafts.split_first() else {
            return Err(PublishError::Refused(
                "no draft of this push was found in the draft box".into(),
            ));
        };
        for extra in extras {
            self.progress
                .step(&format!("deleting duplicate draft {extra}"));
            match self.client.draft_delete(extra) {
                Ok(()) => {}
                Err(e) if e.code() == Some(INVALID_MEDIA_ID) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(keep.clone())
    }

    /// Uploads what is not cached yet and returns the draft's articles, each with
    /// the CDN URLs of its images.
    fn articles(&mut self, push: &Push) -> Result<Vec<(DraftArticle, Vec<String>)>, PublishError> {
        let mut articles = Vec::new();
        for p in &push.posts {
            let meta = &p.post.meta;
            if meta.article_type == ArticleType::Newspic {
                articles.push((self.image_post(p)?, Vec::new()));
                continue;
            }
            let mut urls = Vec::new();
            for image in &p.article.images {
                let url = self.upload(UploadKind::Image, &image.path, &image.source)?;
                urls.push((image.name.clone(), url));
            }
            let cover_source = meta.cover_source.as_deref().unwrap_or(&p.cover);
            let thumb = self.upload(UploadKind::Cover, &p.cover, cover_source)?;
            // The chat list's crops of the cover, centred on `cover_focus`;
            // without the cover's size WeChat's own middle crops stay.
            let (wide, square) = meta
                .cover_crops()
                .map(|(w, s)| (w.param(), s.param()))
                .unwrap_or_default();
            let image_urls = urls.iter().map(|(_, u)| u.clone()).collect();
            articles.push((
                DraftArticle {
                    title: meta.title.clone(),
                    author: meta.author.clone().unwrap_or_default(),
                    digest: meta.summary.clone().unwrap_or_default(),
                    content: rewrite_images(&p.article.html, &urls),
                    content_source_url: meta.source_url.clone().unwrap_or_default(),
                    thumb_media_id: thumb,
                    need_open_comment: meta.comments.open(),
                    only_fans_can_comment: meta.comments.fans_only(),
                    pic_crop_235_1: wide,
                    pic_crop_1_1: square,
                    ..DraftArticle::default()
                },
                image_urls,
            ));
        }
        Ok(articles)
    }

    /// An image post (`article_type = "newspic"`): its pictures uploaded as
    /// permanent material, as `image_info` requires (the first is its cover), and
    /// the text of its body as `content`. `prepare` has checked the count.
    fn image_post(&mut self, p: &prepare::Prepared) -> Result<DraftArticle, PublishError> {
        let mut image_list = Vec::new();
        for image in &p.article.images {
            let media_id = self.upload(UploadKind::Cover, &image.path, &image.source)?;
            image_list.push(ImageItem {
                image_media_id: media_id,
            });
        }
        let meta = &p.post.meta;
        Ok(DraftArticle {
            article_type: ArticleType::Newspic.api_name().to_string(),
            title: meta.title.clone(),
            author: meta.author.clone().unwrap_or_default(),
            digest: meta.summary.clone().unwrap_or_default(),
            content: crate::render::plain::text(&p.article.html),
            content_source_url: meta.source_url.clone().unwrap_or_default(),
            need_open_comment: meta.comments.open(),
            only_fans_can_comment: meta.comments.fans_only(),
            image_info: Some(ImageInfo { image_list }),
            ..DraftArticle::default()
        })
    }

    /// An image's CDN URL (body images) or media_id (covers), uploading it only if
    /// no earlier run did. `path` is the processed file that is sent, `source` the
    /// writer's file it was made from, which messages and the ledger name.
    fn upload(
        &mut self,
        kind: UploadKind,
        path: &std::path::Path,
        source: &std::path::Path,
    ) -> Result<String, PublishError> {
        let file = crate::content::relative_path(self.root, source);
        let read = |source| PublishError::Read {
            file: file.clone(),
            source,
        };
        let bytes = std::fs::read(path).map_err(read)?;
        let sha = prepare::sha_hex(&bytes);
        let cached = match kind {
            UploadKind::Image => self.ledger.view.cached_url(&sha),
            UploadKind::Cover => self.ledger.view.cached_media_id(&sha),
        };
        if let Some(c) = cached {
            return Ok(c.to_string());
        }
        // The writer's name with the extension of what is sent: still.webp → still.jpg.
        let name = source
            .with_extension(path.extension().unwrap_or_default())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let unfinished = self
            .ledger
            .view
            .unfinished_uploads
            .contains(&(kind, sha.clone()));
        let (url, media_id, step) = match kind {
            UploadKind::Image => {
                if unfinished {
                    self.progress.step(&format!(
                        "uploading image {file} again: an earlier upload's answer was never recorded, \
                         and WeChat lists body images nowhere (the unused copy counts against no quota)"
                    ));
                } else {
                    self.progress.step(&format!("uploading image {file}"));
                }
                self.uploading(kind, &sha, &file)?;
                (
                    Some(self.client.upload_image(&name, bytes)?),
                    None,
                    "upload",
                )
            }
            UploadKind::Cover => {
                let media_id = self.upload_cover(&file, &sha, &name, bytes, unfinished)?;
                (None, Some(media_id), "cover")
            }
        };
        crash_point(step);
        let value = url.clone().or(media_id.clone()).unwrap_or_default();
        self.ledger.append(Entry::Uploaded {
            at: ledger::now(),
            kind,
            sha256: sha,
            file,
            url,
            media_id,
        })?;
        crash_point(if step == "upload" {
            "uploaded"
        } else {
            "covered"
        });
        Ok(value)
    }

    fn uploading(&mut self, kind: UploadKind, sha: &str, file: &str) -> Result<(), PublishError> {
        self.ledger.append(Entry::Uploading {
            at: ledger::now(),
            kind,
            sha256: sha.to_string(),
            file: file.to_string(),
        })?;
        Ok(())
    }

    /// A cover goes into the material library under its content hash, so an
    /// upload whose answer was lost (a kill, a timeout, `-1`) is found there
    /// instead of stored twice.
    fn upload_cover(
        &mut self,
        file: &str,
        sha: &str,
        name: &str,
        bytes: Vec<u8>,
        unfinished: bool,
    ) -> Result<String, PublishError> {
        let upload_name = reconcile::cover_upload_name(sha, name);
        if unfinished {
            self.progress.step(&format!(
                "an earlier upload of cover {file} was never recorded: looking for it in the material library"
            ));
            if let Some(media_id) = reconcile::find_material(self.client, &upload_name)? {
                return Ok(media_id);
            }
        } else {
            // The ledger may have lost the upload's record: WeChat has the cover
            // under its hash name if any run stored it.
            if self.covers_on_wechat.is_none() {
                self.covers_on_wechat = Some(reconcile::materials(self.client)?);
            }
            let known = self
                .covers_on_wechat
                .as_ref()
                .and_then(|m| m.get(&upload_name));
            if let Some(media_id) = known {
                self.progress.step(&format!(
                    "cover {file} is already in the material library (media_id {media_id})"
                ));
                return Ok(media_id.clone());
            }
        }
        self.progress.step(&format!("uploading cover {file}"));
        self.uploading(UploadKind::Cover, sha, file)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.client.add_image_material(&upload_name, bytes.clone()) {
                Ok(media_id) => return Ok(media_id),
                Err(e) if e.is_ambiguous() && attempts < 3 => {
                    self.progress
                        .step(&format!("{e}; checking whether the cover was stored"));
                    if let Some(media_id) = reconcile::find_material(self.client, &upload_name)? {
                        return Ok(media_id);
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn ensure_draft(
        &mut self,
        push: &Push,
        rec: &mut PushRecord,
        articles: &[DraftArticle],
    ) -> Result<String, PublishError> {
        rec.since = Some(ledger::unix_now());
        self.save(rec, PushState::Drafting)?;
        self.progress
            .step(&format!("creating draft: {}", push.titles()));
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.client.draft_add(articles) {
                Ok(id) => {
                    crash_point("draft_add");
                    return self.drafted(rec, id);
                }
                Err(e) if e.is_ambiguous() && attempts < 3 => {
                    self.progress
                        .step(&format!("{e}; checking whether the draft was created"));
                    let drafts = reconcile::find_drafts(self.client, &push_fingerprint(push))?;
                    if !drafts.is_empty() {
                        let id = self.keep_one(drafts)?;
                        return self.drafted(rec, id);
                    }
                }
                Err(e) => {
                    // Refused (or still unknown after retries): nothing to reconcile
                    // when refused; when unknown, the next run looks again.
                    if !e.is_ambiguous() {
                        rec.state = PushState::New;
                    }
                    return Err(e.into());
                }
            }
        }
    }

    fn drafted(&mut self, rec: &mut PushRecord, media_id: String) -> Result<String, PublishError> {
        self.save(
            rec,
            PushState::Drafted {
                media_id: media_id.clone(),
            },
        )?;
        crash_point("drafted");
        Ok(media_id)
    }

    fn ensure_published(
        &mut self,
        push: &Push,
        rec: &mut PushRecord,
        media_id: &str,
    ) -> Result<(), PublishError> {
        if rec.state.name() == StateName::Submitting {
            self.progress
                .step("a previous run died while submitting: checking whether WeChat has it");
            if self.find_published(push, rec, Some(media_id))? {
                return Ok(());
            }
        }
        let publish_id = match &rec.state {
            PushState::Submitted { publish_id, .. } => publish_id.clone(),
            _ => {
                rec.since = Some(ledger::unix_now());
                self.save(
                    rec,
                    PushState::Submitting {
                        media_id: media_id.to_string(),
                    },
                )?;
                self.progress
                    .step(&format!("submitting for publishing: {}", push.titles()));
                match self.client.freepublish_submit(media_id) {
                    Ok(submission) => {
                        crash_point("submit");
                        self.save(
                            rec,
                            PushState::Submitted {
                                media_id: media_id.to_string(),
                                publish_id: submission.publish_id.clone(),
                                msg_data_id: submission.msg_data_id,
                            },
                        )?;
                        crash_point("submitted");
                        submission.publish_id
                    }
                    Err(e) if e.is_ambiguous() => {
                        self.progress
                            .step(&format!("{e}; checking whether the submit went through"));
                        if self.find_published(push, rec, Some(media_id))? {
                            return Ok(());
                        }
                        return Err(PublishError::Refused(format!(
                        "{e}\n  WeChat has not published this push yet; run again to retry (the ledger makes that safe)"
                    )));
                    }
                    Err(e) if e.code() == Some(INVALID_MEDIA_ID) => {
                        // The draft left the draft box without wxpress: published by
                        // hand in the backend (or by a submit whose answer was lost),
                        // or deleted there.
                        self.progress.step(&format!(
                        "draft {media_id} is no longer in the draft box: looking for it among the published articles"
                    ));
                        if self.find_published(push, rec, None)? {
                            return Ok(());
                        }
                        rec.state = PushState::New;
                        return Err(PublishError::Refused(format!(
                        "draft {media_id} was deleted from the draft box and is not among the published \
                         articles; the next run makes the draft again"
                    )));
                    }
                    Err(e) => {
                        rec.state = PushState::Drafted {
                            media_id: media_id.to_string(),
                        };
                        return Err(e.into());
                    }
                }
            }
        };
        self.poll_publish(push, rec, media_id, &publish_id)
    }

    fn poll_publish(
        &mut self,
        push: &Push,
        rec: &mut PushRecord,
        media_id: &str,
        publish_id: &str,
    ) -> Result<(), PublishError> {
        let deadline = Instant::now() + self.settings.publish_wait;
        // Short first waits (most publishes finish in seconds), then every `poll`.
        let mut wait = self.settings.poll.min(Duration::from_millis(250));
        loop {
            let status = self.client.freepublish_get(publish_id)?;
            match status.publish_status {
                0 => {
                    let published = PushState::Published {
                        media_id: Some(media_id.to_string()),
                        publish_id: Some(publish_id.to_string()),
                        article_id: status.article_id.clone(),
                        urls: status.urls(),
                        // freepublish/get does not repeat it: kept from the submit.
                        msg_data_id: rec.state.msg_data_id().map(str::to_string),
                    };
                    self.save(rec, published)?;
                    self.progress.step(&format!("published: {}", push.titles()));
                    return Ok(());
                }
                1 if Instant::now() < deadline => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(self.settings.poll);
                }
                1 => {
                    return Err(PublishError::Refused(format!(
                        "freepublish/get: publish_id {publish_id} is still publishing; run again later to record the result"
                    )))
                }
                _ => {
                    // Failed on WeChat's side: the draft stays; the next run may submit it again.
                    rec.state = PushState::Drafted {
                        media_id: media_id.to_string(),
                    };
                    return Err(PublishError::Refused(format!(
                        "freepublish/get: publishing {} failed: {} (status {}, failed articles {:?}); see the WeChat backend's publish records",
                        push.titles(),
                        status.status_text(),
                        status.publish_status,
                        status.fail_idx
                    )));
                }
            }
        }
    }

    /// After a submit whose answer was lost, or a draft that left the draft box
    /// without wxpress: a published push shows up among the published articles.
    /// Waits up to `reconcile_wait` for that; records and returns true when found.
    /// With `draft`, false means the draft is still in the box after the wait
    /// (never submitted, or WeChat lost it): safe to submit. Without, false means
    /// the push is not on WeChat at all.
    fn find_published(
        &mut self,
        push: &Push,
        rec: &mut PushRecord,
        draft: Option<&str>,
    ) -> Result<bool, PublishError> {
        let fingerprint = push_fingerprint(push);
        let deadline = Instant::now() + self.settings.reconcile_wait;
        loop {
            if let Some(Found::Published { article_id, urls }) =
                reconcile::find_published(self.client, &fingerprint)?
            {
                self.progress
                    .step(&format!("found it published: {}", push.titles()));
                self.found_published(rec, article_id, urls)?;
                return Ok(true);
            }
            if Instant::now() >= deadline {
                let Some(media_id) = draft else {
                    return Ok(false);
                };
                if self.client.draft_get(media_id)?.is_some() {
                    rec.state = PushState::Drafted {
                        media_id: media_id.to_string(),
                    };
                    return Ok(false);
                }
                return Err(PublishError::Refused(format!(
                    "draft {media_id} left the draft box but is not among the published articles yet; \
                     run again later (wxpress will not submit it twice)"
                )));
            }
            std::thread::sleep(self.settings.poll.min(Duration::from_millis(500)));
        }
    }

    /// `made_draft`: this run made the push's draft. WeChat does not list
    /// broadcasts anywhere, so a push whose ledger lines were lost is not found
    /// before its draft is made again; the send itself is then refused by
    /// `clientmsgid`, and the new draft, which nothing will use, is deleted.
    fn ensure_sent(
        &mut self,
        push: &Push,
        rec: &mut PushRecord,
        media_id: &str,
        made_draft: bool,
    ) -> Result<(), PublishError> {
        let clientmsgid = push.clientmsgid();
        rec.since = Some(ledger::unix_now());
        self.save(
            rec,
            PushState::Sending {
                media_id: media_id.to_string(),
                clientmsgid: clientmsgid.clone(),
            },
        )?;
        self.progress
            .step(&format!("broadcasting: {}", push.titles()));
        // Safe to repeat: WeChat refuses a second send with the same clientmsgid and
        // answers with the first one's msg_id.
        let mut attempts = 0;
        let sent = loop {
            attempts += 1;
            match self
                .client
                .mass_sendall(media_id, self.settings.audience, &clientmsgid)
            {
                Ok(sent) => break sent,
                Err(e) if e.is_ambiguous() && attempts < 3 => {
                    self.progress
                        .step(&format!("{e}; sending again with the same clientmsgid"));
                }
                Err(e) => {
                    if !e.is_ambiguous() {
                        rec.state = PushState::Drafted {
                            media_id: media_id.to_string(),
                        };
                    }
                    return Err(e.into());
                }
            }
        };
        crash_point("sendall");
        let msg_id = sent.msg_id;
        if sent.repeat && made_draft {
            self.progress.step(&format!(
                "already broadcast (clientmsgid {clientmsgid}, msg_id {msg_id}): deleting the draft this run made for it"
            ));
            match self.client.draft_delete(media_id) {
                Ok(()) => {}
                Err(e) if e.code() == Some(INVALID_MEDIA_ID) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.save(
            rec,
            PushState::Sent {
                media_id: media_id.to_string(),
                clientmsgid: clientmsgid.clone(),
                msg_id: msg_id.clone(),
                msg_data_id: sent.msg_data_id.clone(),
            },
        )?;
        crash_point("sent");
        let status = self
            .client
            .mass_get(&msg_id)
            .unwrap_or_else(|e| format!("unknown ({e})"));
        self.progress.step(&format!(
            "broadcast sent: {} (msg_id {msg_id}, {status})",
            push.titles()
        ));
        Ok(())
    }
}

/// The push's [`reconcile::fingerprint`], from the articles as rendered here.
fn push_fingerprint(push: &Push) -> String {
    reconcile::fingerprint(
        push.posts
            .iter()
            .map(|p| (p.post.meta.title.as_str(), p.article.html.as_str())),
    )
}
