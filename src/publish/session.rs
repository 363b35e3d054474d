//! A publishing session: what `publish PATHS`, `publish --due`, `--dry-run`,
//! `--daemon` and `preview` do between loading the site and printing. It returns
//! data and reports progress as [`Event`]s; the command line parses and prints.

use super::{lock, plan_calls, prepare, repeats, select, Outcome, Publisher, Push, Settings};
use crate::diagnostic::Diagnostic;
use crate::ledger::{self, Ledger, LedgerView};
use crate::schedule::{self, Status};
use crate::site::Site;
use crate::wechat::{Client, ClientOptions};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// What a session tells whoever watches it, as it happens.
#[derive(Debug, Clone)]
pub enum Event {
    /// A step of a push: an upload, a draft created, a publish polled…
    Step(String),
    /// A call failed in a way that is worth another try, and is tried again.
    Retry(String),
    /// Another wxpress run holds the site's lock; this one waits for it.
    WaitingForLock,
}

/// Receives a session's events: a progress display, a JSON log.
pub type Events = Rc<dyn Fn(Event)>;

/// Where the API client's options come from (the command line: environment and
/// `[wechat]`). Asked only when a run is about to call WeChat, so a dry run or a
/// refused run needs no secret.
pub type ClientSource =
    dyn Fn(&crate::config::WechatConfig) -> Result<ClientOptions, crate::wechat::WechatError>;

/// Why a run published nothing.
#[derive(Debug)]
pub enum Stopped {
    /// Posts an earlier push already took to WeChat (see [`repeats`]).
    Refused(Vec<String>),
    /// The run could not start: lock, ledger or client.
    Failed(String),
}

/// The posts due at a moment, and what keeps others from going out.
#[derive(Debug, Default)]
pub struct Due {
    /// The posts of every due push that the ledger does not have yet.
    pub files: Vec<PathBuf>,
    /// Posts that do not load: their schedule cannot be read, so whether they are
    /// due is unknown. Said, never skipped silently.
    pub unreadable: Vec<Diagnostic>,
    /// Due broadcasts beyond the account's quota: WeChat would refuse them after
    /// the draft is made, so they are not attempted. The `schedule-quota`
    /// findings that say why, and how many pushes that is.
    pub over_quota: Vec<Diagnostic>,
    pub over_quota_pushes: usize,
}

/// `--dry-run`: the calls a run would make and what it would refuse.
#[derive(Debug)]
pub struct DryRun {
    pub calls: Vec<String>,
    pub refused: Vec<String>,
}

/// The posts as loaded now, and the calendar of pushes made from them.
struct Calendar {
    pushes: Vec<schedule::ScheduledPush>,
    posts: Vec<crate::content::Post>,
    /// Why some posts did not load.
    problems: Vec<Diagnostic>,
}

/// One site, one mode: the work of a publishing command.
pub struct Session<'a> {
    root: &'a Path,
    site: &'a Site,
    settings: Settings,
    /// How long to wait for another run on this site to let go of its lock.
    lock_wait: Duration,
}

impl<'a> Session<'a> {
    pub fn new(root: &'a Path, site: &'a Site, settings: Settings, lock_wait: Duration) -> Self {
        Session {
            root,
            site,
            settings,
            lock_wait,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn ledger_view(&self) -> Result<LedgerView, String> {
        LedgerView::read(&ledger::path(self.root)).map_err(|e| e.to_string())
    }

    /// The calendar as it stands at `now`, read from the posts and the ledger.
    fn calendar(&self, now: &Timestamp) -> Result<Calendar, String> {
        let (posts, problems) = crate::content::load_all(self.root, &self.site.config);
        let view = self.ledger_view()?;
        let pushes = schedule::calendar(&self.site.config, self.settings.mode, &posts, &view, now);
        Ok(Calendar {
            pushes,
            posts,
            problems,
        })
    }

    /// What is due at `now` and not yet in the ledger.
    pub fn due(&self, now: &Timestamp) -> Result<Due, String> {
        let Calendar {
            pushes: cal,
            posts,
            problems,
        } = self.calendar(now)?;
        let unreadable = problems.into_iter().filter(|d| d.is_error()).collect();
        let (due, over): (Vec<_>, Vec<_>) = schedule::due(&cal, now)
            .into_iter()
            .partition(|p| !p.over_quota() || p.status == Status::Unfinished);
        let over_files: Vec<&str> = over.iter().map(|p| p.items[0].source.as_str()).collect();
        let over_quota = if over.is_empty() {
            Vec::new()
        } else {
            schedule::diagnostics_for(&self.site.config, &cal, &posts)
                .into_iter()
                .filter(|d| d.rule == schedule::RULE_QUOTA && over_files.contains(&d.file.as_str()))
                .collect()
        };
        let undone: Vec<_> = due
            .iter()
            .map(|p| {
                let mut p = (*p).clone();
                p.items.retain(|i| !i.done);
                p
            })
            .collect();
        Ok(Due {
            files: schedule::files(&undone, &posts),
            unreadable,
            over_quota,
            over_quota_pushes: over.len(),
        })
    }

    /// When the next push falls due after the pushes done so far (None: nothing
    /// upcoming).
    pub fn next_due(&self) -> Result<Option<Timestamp>, String> {
        Ok(schedule::next_due(
            &self.calendar(&Timestamp::now())?.pushes,
        ))
    }

    /// The post files that `paths` (files or folders) name.
    pub fn select(&self, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
        select(self.root, paths)
    }

    /// Compiles the posts into pushes: `Err` holds errors (and the warnings beside
    /// them), `Ok` the pushes and their warnings.
    pub fn prepare(
        &self,
        files: &[PathBuf],
    ) -> Result<(Vec<Push>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let view = self.ledger_view().ok();
        prepare::prepare_against(self.site, files, view.as_ref())
    }

    /// Every call [`Session::run`] would make, without network or ledger writes.
    pub fn dry_run(&self, pushes: &[Push]) -> Result<DryRun, String> {
        let view = self.ledger_view()?;
        let repeats = repeats(&view, pushes);
        let mut calls = plan_calls(
            self.root,
            &view,
            pushes,
            self.settings.mode,
            self.settings.audience,
        );
        for id in &repeats.superseded {
            calls.insert(
                1,
                format!(
                    "POST /cgi-bin/draft/delete (the unpublished draft of an earlier version, push {id})"
                ),
            );
        }
        Ok(DryRun {
            calls,
            refused: repeats.refused,
        })
    }

    /// Takes the pushes to WeChat under the site's lock. `stop` is asked before
    /// each push: a stop request finishes the push in flight only.
    pub fn run(
        &self,
        pushes: &[Push],
        client: &ClientSource,
        events: Events,
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<Outcome>, Stopped> {
        let (_lock, mut ledger) = self.lock(&events).map_err(Stopped::Failed)?;
        let repeats = repeats(&ledger.view, pushes);
        if !repeats.refused.is_empty() {
            return Err(Stopped::Refused(repeats.refused));
        }
        let client = self
            .client(client, &events)
            .map_err(|e| Stopped::Failed(e.to_string()))?;
        let step = |m: &str| events(Event::Step(m.to_string()));
        let mut publisher = Publisher::new(
            self.root,
            &client,
            &mut ledger,
            self.settings.clone(),
            &step,
        );
        for id in &repeats.superseded {
            publisher
                .supersede(id)
                .map_err(|e| Stopped::Failed(e.to_string()))?;
        }
        Ok(publisher.run(pushes, stop))
    }

    /// Sends each push to one follower's phone (`message/mass/preview`) through a
    /// temporary draft; nothing is published or recorded as a push.
    pub fn preview(
        &self,
        pushes: &[Push],
        client: &ClientSource,
        towxname: &str,
        events: Events,
        mut sent: impl FnMut(&Push),
    ) -> Result<(), String> {
        let (_lock, mut ledger) = self.lock(&events)?;
        let client = self.client(client, &events).map_err(|e| e.to_string())?;
        let step = |m: &str| events(Event::Step(m.to_string()));
        let mut publisher = Publisher::new(
            self.root,
            &client,
            &mut ledger,
            self.settings.clone(),
            &step,
        );
        for push in pushes {
            publisher
                .preview(push, towxname)
                .map_err(|e| e.to_string())?;
            sent(push);
        }
        Ok(())
    }

    /// Takes the site's lock (waiting for another run up to `lock_wait`), then
    /// reads the ledger: only once the lock is ours, since the other run may have
    /// just written it.
    fn lock(&self, events: &Events) -> Result<(lock::SiteLock, Ledger), String> {
        let waiting = events.clone();
        let lock = lock::acquire(self.root, self.lock_wait, move || {
            waiting(Event::WaitingForLock)
        })
        .map_err(|e| e.to_string())?;
        let ledger = Ledger::open(self.root).map_err(|e| e.to_string())?;
        Ok((lock, ledger))
    }

    fn client(
        &self,
        options: &ClientSource,
        events: &Events,
    ) -> Result<Client, crate::wechat::WechatError> {
        let retries = events.clone();
        Ok(Client::new(options(&self.site.config.wechat)?)?
            .on_retry(move |note| retries(Event::Retry(note.to_string()))))
    }
}
