//! The preview's site, kept in memory: every post's latest render and diagnostics,
//! keyed by source path and by slug. A saved post is re-loaded, re-rendered and
//! re-checked alone; a config, theme or template change rebuilds everything.
//!
//! Rebuilds happen on one thread (the watcher's); they build new entries without
//! holding the lock and swap them in, so page requests never wait on rendering.

use crate::content::{self, Post};
use crate::diagnostic::{self, Diagnostic};
use crate::ledger::LedgerView;
use crate::render::Article;
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// One post file as the preview knows it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the site root, with `/` separators.
    pub source: String,
    pub path: PathBuf,
    /// From the file name (or folder name for index.md), so it is known even when
    /// the front matter does not parse.
    pub slug: String,
    /// The latest version of the file that loaded. Kept while the file is broken, so
    /// the page shows the last good article under the error overlay.
    pub post: Option<Post>,
    pub article: Option<Article>,
    /// Problems of the file as it is now on disk.
    pub diagnostics: Vec<Diagnostic>,
    /// The file as it is now could not be loaded or rendered; `post` and `article`
    /// (if any) are from an earlier save.
    pub broken: bool,
}

impl Entry {
    pub fn title(&self) -> &str {
        self.post.as_ref().map_or(&self.source, |p| &p.meta.title)
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Warnings only: notes (`info`, such as a converted image) are no problem.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Warning)
            .count()
    }
}

/// Everything the pages read. Replaced piecewise under a write lock.
#[derive(Default)]
pub struct Snapshot {
    /// Bumped on every change; pages and the event stream carry it.
    pub generation: u64,
    /// The last config and theme that loaded.
    pub site: Option<Arc<Site>>,
    /// Why the current config or theme does not load (empty when it does).
    pub site_errors: Vec<Diagnostic>,
    /// By source path.
    pub entries: BTreeMap<String, Arc<Entry>>,
    /// Work-in-progress posts left out because the server runs without `--wip`
    /// (source paths).
    pub hidden_wip: BTreeMap<String, PathBuf>,
    /// Slug → the source paths that use it (more than one is an error).
    slugs: HashMap<String, BTreeSet<String>>,
    /// The calendar rules (`schedule-*`), which depend on all posts together.
    schedule: Vec<Diagnostic>,
    /// What `schedule` was computed from besides the posts' front matter: the
    /// ledger file as it was then, and the moment some push's status changes
    /// (see [`Snapshot::schedule_is_current`]).
    schedule_basis: Option<ScheduleBasis>,
}

#[derive(Debug, Clone, PartialEq)]
struct ScheduleBasis {
    ledger: LedgerStamp,
    /// The first push time, or end of a grace period, after the computation.
    until: Option<jiff::Timestamp>,
}

impl Snapshot {
    /// The post served at `/post/<slug>/`: the first file (by path) with that slug.
    pub fn by_slug(&self, slug: &str) -> Option<&Arc<Entry>> {
        let source = self.slugs.get(&content::slug_key(slug))?.first()?;
        self.entries.get(source)
    }

    /// Problems that come from the entry's neighbours: another file with its slug.
    pub fn conflicts(&self, entry: &Entry) -> Vec<Diagnostic> {
        let Some(first) = self
            .slugs
            .get(&content::slug_key(&entry.slug))
            .and_then(|s| s.first())
        else {
            return Vec::new();
        };
        if *first == entry.source {
            return Vec::new();
        }
        let first_slug = self.entries.get(first).map_or(&entry.slug, |e| &e.slug);
        vec![content::slug_conflict(
            &entry.source,
            &entry.slug,
            first,
            first_slug,
        )]
    }

    /// The entry's own diagnostics plus slug conflicts and calendar problems.
    pub fn diagnostics(&self, entry: &Entry) -> Vec<Diagnostic> {
        let mut all = entry.diagnostics.clone();
        all.extend(self.conflicts(entry));
        all.extend(
            self.schedule
                .iter()
                .filter(|d| d.file == entry.source)
                .cloned(),
        );
        all
    }

    pub fn error_count(&self) -> usize {
        // Every file of a slug but the first has one conflict ([`Self::conflicts`]),
        // counted from the slug index: asking each of 10,000 entries took most
        // of the time of a one-post rebuild.
        let conflicts: usize = self.slugs.values().map(|s| s.len().saturating_sub(1)).sum();
        self.site_errors.len()
            + self.schedule.iter().filter(|d| d.is_error()).count()
            + conflicts
            + self.entries.values().map(|e| e.errors()).sum::<usize>()
    }

    /// Recomputes the calendar rules after posts' front matter changed (a saved
    /// `schedule` can change another post's push), the ledger changed, or a push
    /// became due or missed. The ledger was read, and `stamp` taken, before the
    /// snapshot's lock was: no file is read under it.
    fn refresh_schedule(&mut self, ledger: &Result<LedgerView, Diagnostic>, stamp: LedgerStamp) {
        let Some(site) = self.site.clone() else {
            return;
        };
        let posts: Vec<&Post> = self
            .entries
            .values()
            .filter_map(|e| e.post.as_ref())
            .collect();
        let now = jiff::Timestamp::now();
        self.schedule = site.calendar_findings(&posts, ledger, &now);
        let grace = site.config.schedule.grace_duration;
        let until = posts
            .iter()
            .filter(|p| !p.meta.wip)
            .filter_map(|p| p.meta.schedule.as_ref())
            .flat_map(|at| {
                let at = at.timestamp();
                [Some(at), at.checked_add(grace).ok()]
            })
            .flatten()
            .filter(|t| *t > now)
            .min();
        self.schedule_basis = ledger.is_ok().then_some(ScheduleBasis {
            ledger: stamp,
            until,
        });
    }

    /// Whether the calendar findings still hold when no post's front matter
    /// changed: the ledger file is the one they were computed from, and no push
    /// has become due or missed since (a status changes only at a push's time
    /// and at the end of its grace period).
    fn schedule_is_current(&self, ledger: &LedgerStamp) -> bool {
        self.schedule_basis.as_ref().is_some_and(|basis| {
            basis.ledger == *ledger
                && basis
                    .until
                    .is_none_or(|until| jiff::Timestamp::now() < until)
        })
    }

    fn insert(&mut self, entry: Entry) {
        self.remove(&entry.source);
        self.slugs
            .entry(content::slug_key(&entry.slug))
            .or_default()
            .insert(entry.source.clone());
        self.entries.insert(entry.source.clone(), Arc::new(entry));
    }

    fn remove(&mut self, source: &str) -> Option<Arc<Entry>> {
        self.hidden_wip.remove(source);
        let old = self.entries.remove(source)?;
        let key = content::slug_key(&old.slug);
        if let Some(set) = self.slugs.get_mut(&key) {
            set.remove(source);
            if set.is_empty() {
                self.slugs.remove(&key);
            }
        }
        Some(old)
    }
}

/// What changed on disk, as the watcher sorted it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// config.toml, a theme or a template: rebuild everything.
    pub everything: bool,
    /// Post files (`.md` under content/) that were written, created or removed.
    pub posts: BTreeSet<PathBuf>,
    /// A folder appeared, vanished or was renamed: compare content/ with what is known.
    pub rescan: bool,
    /// Other files (images, covers) that were written, created or removed.
    pub assets: BTreeSet<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.everything && !self.rescan && self.posts.is_empty() && self.assets.is_empty()
    }

    pub fn merge(&mut self, other: Changes) {
        self.everything |= other.everything;
        self.rescan |= other.rescan;
        self.posts.extend(other.posts);
        self.assets.extend(other.assets);
    }
}

/// Sent to every open page (and the CLI's log) after each change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reload {
    pub generation: u64,
    /// Every page should refresh (theme, config or template change).
    pub full: bool,
    /// Slugs of the posts that changed (when not `full`).
    pub slugs: Vec<String>,
    /// Source paths that were re-read, for the log.
    #[serde(skip)]
    pub sources: Vec<String>,
    /// Errors in the whole site after the change.
    pub errors: usize,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The preview server's state. Shared as `Arc<State>` by the HTTP handlers and the
/// watcher; there is no global.
pub struct State {
    root: PathBuf,
    /// Whether work-in-progress posts (`wip = true`) are shown.
    wip: bool,
    snapshot: RwLock<Snapshot>,
    reloads: broadcast::Sender<Reload>,
    /// Rebuilds run one at a time, so a slow one cannot overwrite a newer one.
    rebuilding: Mutex<()>,
}

/// A post file, loaded (or not) against one site.
enum Loaded {
    Entry(Box<Entry>),
    /// A work-in-progress post, while the server runs without `--wip`.
    HiddenWip,
}

impl State {
    /// An empty state; [`State::rebuild_all`] fills it.
    pub fn new(root: &Path, wip: bool) -> State {
        let (reloads, _) = broadcast::channel(256);
        State {
            root: root.to_path_buf(),
            wip,
            snapshot: RwLock::new(Snapshot::default()),
            reloads,
            rebuilding: Mutex::new(()),
        }
    }

    /// Loads and renders the whole site. Never fails: problems are kept and shown.
    pub fn load(root: &Path, wip: bool) -> State {
        let state = State::new(root, wip);
        state.rebuild_all();
        state
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn wip(&self) -> bool {
        self.wip
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Snapshot> {
        // A panic while holding the lock leaves the data consistent (swaps are
        // single assignments), so a poisoned lock is still safe to read.
        self.snapshot.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Reload> {
        self.reloads.subscribe()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Snapshot> {
        self.snapshot.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies one batch of changes and tells every listener. Returns what was sent.
    pub fn apply(&self, changes: &Changes) -> Option<Reload> {
        if changes.is_empty() {
            return None;
        }
        let _one_at_a_time = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        let start = Instant::now();
        let site_ok = {
            let snap = self.read();
            snap.site.is_some() && snap.site_errors.is_empty()
        };
        // While the config or theme is broken, any save may be the fix: try it all.
        let mut reload = if changes.everything || !site_ok {
            self.rebuild_everything()
        } else {
            self.rebuild_posts(changes)
        };
        reload.elapsed = start.elapsed();
        // Nobody listening is fine: no page is open.
        let _ = self.reloads.send(reload.clone());
        Some(reload)
    }

    /// Rebuilds everything and tells listeners, like a change to config.toml.
    pub fn rebuild_all(&self) -> Reload {
        self.apply(&Changes {
            everything: true,
            ..Changes::default()
        })
        .expect("a full rebuild is never empty")
    }

    fn rebuild_everything(&self) -> Reload {
        let site = match Site::load(&self.root) {
            Ok(site) => Arc::new(site),
            Err(mut errors) => {
                diagnostic::sort(&mut errors);
                let mut snap = self.write();
                snap.generation += 1;
                snap.site_errors = errors;
                return Reload {
                    generation: snap.generation,
                    full: true,
                    slugs: Vec::new(),
                    sources: vec![crate::config::FILE.to_string()],
                    errors: snap.error_count(),
                    elapsed: Duration::ZERO,
                };
            }
        };
        let previous = self.read().entries.clone();
        let paths = content::discover(&self.root);
        let loaded: Vec<(String, PathBuf, Loaded)> = paths
            .into_par_iter()
            .map(|path| {
                let source = content::relative_path(&self.root, &path);
                let loaded = self.load_file(&site, &path, previous.get(&source).map(|e| &**e));
                (source, path, loaded)
            })
            .collect();
        let stamp = ledger_stamp(&self.root);
        let ledger = site.read_ledger();
        let mut fresh = Snapshot {
            site: Some(site),
            ..Snapshot::default()
        };
        for (source, path, loaded) in loaded {
            match loaded {
                Loaded::Entry(entry) => fresh.insert(*entry),
                Loaded::HiddenWip => {
                    fresh.hidden_wip.insert(source, path);
                }
            }
        }
        fresh.refresh_schedule(&ledger, stamp);
        let mut snap = self.write();
        fresh.generation = snap.generation + 1;
        *snap = fresh;
        Reload {
            generation: snap.generation,
            full: true,
            slugs: Vec::new(),
            sources: Vec::new(),
            errors: snap.error_count(),
            elapsed: Duration::ZERO,
        }
    }

    fn rebuild_posts(&self, changes: &Changes) -> Reload {
        let (site, mut paths, mut notify_only) = {
            let snap = self.read();
            let site = snap.site.clone().expect("checked by apply");
            let mut paths = changes.posts.clone();
            if changes.rescan {
                let found: BTreeSet<PathBuf> = content::discover(&self.root).into_iter().collect();
                let known: BTreeSet<&PathBuf> = snap
                    .entries
                    .values()
                    .map(|e| &e.path)
                    .chain(snap.hidden_wip.values())
                    .collect();
                // Known files that are gone, and found files that are new.
                paths.extend(
                    known
                        .iter()
                        .filter(|p| !found.contains(**p))
                        .map(|p| (*p).clone()),
                );
                paths.extend(found.iter().filter(|p| !known.contains(p)).cloned());
            }
            let mut notify_only = BTreeSet::new();
            for asset in &changes.assets {
                for entry in snap.entries.values() {
                    match asset_use(entry, asset) {
                        AssetUse::Rendered => {
                            paths.insert(entry.path.clone());
                        }
                        AssetUse::Cover => {
                            notify_only.insert(entry.slug.clone());
                        }
                        AssetUse::None => {}
                    }
                }
            }
            (site, paths, notify_only)
        };
        // Only files of this site (watch events are already filtered; be sure).
        paths.retain(|p| p.starts_with(&self.root));
        let previous: HashMap<String, Arc<Entry>> = {
            let snap = self.read();
            paths
                .iter()
                .filter_map(|p| {
                    let source = content::relative_path(&self.root, p);
                    snap.entries.get(&source).map(|e| (source, e.clone()))
                })
                .collect()
        };
        let loaded: Vec<(String, PathBuf, Option<Loaded>)> = paths
            .par_iter()
            .map(|path| {
                let source = content::relative_path(&self.root, path);
                // A regular file, as `content::discover` takes them: a symlinked
                // post (which could point anywhere) is skipped at start-up and here.
                let regular =
                    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
                let loaded = regular
                    .then(|| self.load_file(&site, path, previous.get(&source).map(|e| &**e)));
                (source, path.clone(), loaded)
            })
            .collect();

        // The calendar rules read only front matter (schedule, position, title,
        // column, wip), the ledger and the clock: saving a post's body, which is
        // what a writer does all day, leaves them as they were. Computing them
        // over 10,000 posts was most of a one-post rebuild.
        let same_front_matter = loaded.iter().all(|(source, _, loaded)| {
            let old = previous.get(source).and_then(|e| e.post.as_ref());
            let new = match loaded {
                Some(Loaded::Entry(entry)) => entry.post.as_ref(),
                _ => None,
            };
            old.zip(new)
                .is_some_and(|(old, new)| front_matter(old) == front_matter(new))
        });
        // Stamped before it is read: a ledger written in between reads as changed.
        let stamp = ledger_stamp(&self.root);
        let calendar_holds = same_front_matter && self.read().schedule_is_current(&stamp);
        let ledger = (!calendar_holds).then(|| site.read_ledger());
        let mut snap = self.write();
        let mut slugs = BTreeSet::new();
        let mut sources = Vec::new();
        for (source, path, loaded) in loaded {
            if let Some(old) = snap.remove(&source) {
                slugs.insert(old.slug.clone());
            }
            match loaded {
                Some(Loaded::Entry(entry)) => {
                    slugs.insert(entry.slug.clone());
                    snap.insert(*entry);
                }
                Some(Loaded::HiddenWip) => {
                    slugs.insert(content::slug_for(&path));
                    snap.hidden_wip.insert(source.clone(), path);
                }
                None => {}
            }
            sources.push(source);
        }
        slugs.append(&mut notify_only);
        if let Some(ledger) = ledger {
            snap.refresh_schedule(&ledger, stamp);
        }
        snap.generation += 1;
        Reload {
            generation: snap.generation,
            full: false,
            slugs: slugs.into_iter().collect(),
            sources,
            errors: snap.error_count(),
            elapsed: Duration::ZERO,
        }
    }

    /// Loads, renders and checks one post file.
    fn load_file(&self, site: &Site, path: &Path, previous: Option<&Entry>) -> Loaded {
        let source = content::relative_path(&self.root, path);
        let slug = content::slug_for(path);
        match content::load_post(&self.root, &site.config, path) {
            Err(mut errors) => {
                diagnostic::sort(&mut errors);
                Loaded::Entry(Box::new(Entry {
                    source,
                    path: path.to_path_buf(),
                    slug,
                    post: previous.and_then(|p| p.post.clone()),
                    article: previous.and_then(|p| p.article.clone()),
                    diagnostics: errors,
                    broken: true,
                }))
            }
            Ok(post) if post.meta.wip && !self.wip => Loaded::HiddenWip,
            Ok(post) => {
                let rendered = site.compile(post);
                let diagnostics = rendered.diagnostics;
                let broken = rendered.article.is_none();
                let article = rendered
                    .article
                    .or_else(|| previous.and_then(|p| p.article.clone()));
                Loaded::Entry(Box::new(Entry {
                    source,
                    path: path.to_path_buf(),
                    slug,
                    post: Some(rendered.post),
                    article,
                    diagnostics,
                    broken,
                }))
            }
        }
    }
}

/// The front matter's text, delimiters included: everything the calendar
/// rules read of a post (and its positions) comes from it.
fn front_matter(post: &Post) -> &str {
    &post.text[..post.body_offset.min(post.text.len())]
}

/// The publish ledger file's size and modification time (`None`: no ledger):
/// a publish run that appends to it changes both.
type LedgerStamp = Option<(u64, std::time::SystemTime)>;

fn ledger_stamp(root: &Path) -> LedgerStamp {
    let meta = std::fs::metadata(crate::ledger::path(root)).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

enum AssetUse {
    /// The article shows it (or may, once it exists): render again.
    Rendered,
    /// Only the chat-list card shows it: the page just needs to fetch it again.
    Cover,
    None,
}

/// How a post uses a changed file. A file the post names but that did not exist
/// yet (a missing image being added) is found by its file name in the post's text.
fn asset_use(entry: &Entry, asset: &Path) -> AssetUse {
    let in_article = entry
        .article
        .as_ref()
        .is_some_and(|a| a.images.iter().any(|i| i.source == asset));
    let named = asset
        .file_name()
        .map(|n| n.to_string_lossy())
        .zip(entry.post.as_ref())
        .is_some_and(|(name, post)| post.body().contains(&*name));
    if in_article || named {
        AssetUse::Rendered
    } else if entry.post.as_ref().and_then(|p| {
        p.meta
            .cover_source
            .as_deref()
            .or(p.meta.cover_path.as_deref())
    }) == Some(asset)
    {
        AssetUse::Cover
    } else {
        AssetUse::None
    }
}
