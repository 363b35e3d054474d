//! The preview's HTML: the index, the post page with its phone frame, and the
//! fragments live reload swaps in. Templates are tera with autoescaping on, so every
//! title, message and path is escaped; only the article itself goes in raw.

use super::state::{Entry, Snapshot};
use crate::config::Config;
use crate::content::Post;
use crate::diagnostic::Diagnostic;
use crate::ledger::{self, LedgerView};
use crate::stats::{self, Store};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use std::path::Path;
use tera::{Context, Tera};

const TEMPLATES: &[(&str, &str)] = &[
    ("index.html", include_str!("templates/index.html")),
    ("post.html", include_str!("templates/post.html")),
    ("frame.html", include_str!("templates/frame.html")),
    ("head.html", include_str!("templates/head.html")),
    ("overlay.html", include_str!("templates/overlay.html")),
    ("card.html", include_str!("templates/card.html")),
    ("panel.html", include_str!("templates/panel.html")),
    ("stats.html", include_str!("templates/stats.html")),
    ("calendar.html", include_str!("templates/calendar.html")),
];

pub const PREVIEW_JS: &str = include_str!("assets/preview.js");
pub const PREVIEW_CSS: &str = include_str!("assets/preview.css");

pub struct Pages {
    tera: Tera,
}

impl Default for Pages {
    fn default() -> Self {
        Self::new()
    }
}

/// How the index is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By source path (the order of the files).
    #[default]
    Source,
    /// Earliest schedule first; unscheduled posts last.
    Schedule,
    /// Latest schedule first; unscheduled posts last.
    ScheduleDesc,
}

impl Sort {
    pub fn parse(s: Option<&str>) -> Sort {
        match s {
            Some("schedule") => Sort::Schedule,
            Some("-schedule") => Sort::ScheduleDesc,
            _ => Sort::Source,
        }
    }
}

#[derive(Serialize)]
struct Row {
    slug: String,
    href: String,
    title: String,
    source: String,
    column: String,
    schedule: String,
    #[serde(skip)]
    timestamp: Option<jiff::Timestamp>,
    status: &'static str,
    broken: bool,
    errors: usize,
    warnings: usize,
}

/// Everything that changes on the post page when the post is saved.
#[derive(Serialize)]
pub struct PostFragments {
    pub generation: u64,
    pub title: String,
    /// Exactly the bytes of article.html (the last good one when the post is broken).
    pub article: String,
    pub head: String,
    /// Empty when there is nothing wrong enough to cover the article.
    pub overlay: String,
    pub card: String,
    pub panel: String,
}

/// Characters a slug may keep in a URL path segment; everything else is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `/post/<slug>/`, with the slug percent-encoded.
pub fn post_base(slug: &str) -> String {
    format!("/post/{}/", utf8_percent_encode(slug, SEGMENT))
}

fn status(entry: &Entry) -> &'static str {
    match &entry.post {
        Some(p) if p.meta.wip => "wip",
        Some(p) if p.meta.schedule.is_some() => "scheduled",
        Some(_) => "unscheduled",
        None => "broken",
    }
}

impl Pages {
    pub fn new() -> Pages {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .expect("the preview's templates are valid (tested)");
        Pages { tera }
    }

    fn render(&self, name: &str, context: &Context) -> String {
        self.tera
            .render(name, context)
            // The templates are tested; should one still fail, show why, don't panic.
            .unwrap_or_else(|e| {
                format!(
                    "<p>wxpress: the preview page {name} could not be rendered: {}</p>",
                    e.to_string().replace('&', "&amp;").replace('<', "&lt;")
                )
            })
            .trim()
            .to_string()
    }

    pub fn index(&self, snap: &Snapshot, sort: Sort) -> String {
        let site_name = site_name(snap);
        let mut rows: Vec<Row> = snap
            .entries
            .values()
            .map(|e| {
                let post = e.post.as_ref();
                let column = column_name(snap, e).unwrap_or_default();
                let schedule = post.and_then(|p| p.meta.schedule.as_ref());
                let conflicts = snap.conflicts(e).len();
                Row {
                    slug: e.slug.clone(),
                    href: post_base(&e.slug),
                    title: e.title().to_string(),
                    source: e.source.clone(),
                    column,
                    schedule: schedule.map(human_date).unwrap_or_default(),
                    timestamp: schedule.map(|z| z.timestamp()),
                    status: status(e),
                    broken: e.broken,
                    errors: e.errors() + conflicts,
                    warnings: e.warnings(),
                }
            })
            .collect();
        match sort {
            Sort::Source => {}
            Sort::Schedule => rows.sort_by_key(|r| (r.timestamp.is_none(), r.timestamp)),
            Sort::ScheduleDesc => {
                rows.sort_by_key(|r| (r.timestamp.is_none(), std::cmp::Reverse(r.timestamp)))
            }
        }
        let mut c = Context::new();
        c.insert("site_name", &site_name);
        c.insert("generation", &snap.generation);
        c.insert("errors", &snap.error_count());
        c.insert(
            "warnings",
            &snap.entries.values().map(|e| e.warnings()).sum::<usize>(),
        );
        c.insert("site_errors", &snap.site_errors);
        c.insert("hidden_wip", &snap.hidden_wip.len());
        let (next, arrow) = match sort {
            Sort::Schedule => ("-schedule", "↑"),
            Sort::ScheduleDesc => ("schedule", "↓"),
            Sort::Source => ("schedule", ""),
        };
        c.insert("schedule_sort_next", next);
        c.insert("schedule_arrow", arrow);
        c.insert("rows", &rows);
        self.render("index.html", &c)
    }

    pub fn post(&self, snap: &Snapshot, entry: &Entry) -> String {
        let f = self.fragments(snap, entry);
        let mut c = Context::new();
        c.insert("title", &f.title);
        c.insert("slug", &entry.slug);
        c.insert("base", &post_base(&entry.slug));
        c.insert("source", &entry.source);
        c.insert("generation", &f.generation);
        c.insert("site_name", &site_name(snap));
        c.insert("overlay", &f.overlay);
        c.insert("card", &f.card);
        c.insert("panel", &f.panel);
        self.render("post.html", &c)
    }

    /// The document inside the phone frame: WeChat's article page around the fragment.
    pub fn frame(&self, snap: &Snapshot, entry: &Entry) -> String {
        let mut c = Context::new();
        c.insert("title", entry.title());
        c.insert("head", &self.head(snap, entry));
        c.insert(
            "article",
            entry.article.as_ref().map_or("", |a| a.html.as_str()),
        );
        self.render("frame.html", &c)
    }

    pub fn fragments(&self, snap: &Snapshot, entry: &Entry) -> PostFragments {
        PostFragments {
            generation: snap.generation,
            title: entry.title().to_string(),
            article: entry
                .article
                .as_ref()
                .map_or(String::new(), |a| a.html.clone()),
            head: self.head(snap, entry),
            overlay: self.overlay(snap, entry),
            card: self.card(entry),
            panel: self.panel(snap, entry),
        }
    }

    fn head(&self, snap: &Snapshot, entry: &Entry) -> String {
        let post = entry.post.as_ref();
        let mut c = Context::new();
        c.insert("title", entry.title());
        c.insert("author", &post.and_then(|p| p.meta.author.as_deref()));
        c.insert("site_name", &site_name(snap));
        c.insert(
            "date",
            &post
                .and_then(|p| p.meta.schedule.as_ref())
                .map(|z| z.strftime("%Y年%-m月%-d日 %H:%M").to_string()),
        );
        self.render("head.html", &c)
    }

    /// Errors that stop the post from showing as it is now: a config or theme that
    /// does not load, a front matter that does not parse, a render that failed.
    fn overlay(&self, snap: &Snapshot, entry: &Entry) -> String {
        let mut errors: Vec<&Diagnostic> = snap.site_errors.iter().collect();
        if entry.broken {
            errors.extend(entry.diagnostics.iter().filter(|d| d.is_error()));
        }
        let (heading, note) = if !snap.site_errors.is_empty() {
            (
                "The site does not load",
                "The preview keeps the last version that loaded. Fix the file and save: this page updates itself.",
            )
        } else if entry.post.is_some() && entry.article.is_some() {
            (
                "This post does not build",
                "Below is the last version that built. Fix the file and save: this page updates itself.",
            )
        } else {
            (
                "This post does not build",
                "Fix the file and save: this page updates itself.",
            )
        };
        let mut c = Context::new();
        c.insert("errors", &errors);
        c.insert("heading", heading);
        c.insert("note", note);
        self.render("overlay.html", &c)
    }

    fn card(&self, entry: &Entry) -> String {
        let post = entry.post.as_ref();
        let cover = post
            .and_then(|p| p.meta.cover_path.as_ref())
            .filter(|p| p.is_file())
            .map(|p| {
                let ext = p
                    .extension()
                    .map_or("jpg".into(), |e| e.to_string_lossy().to_lowercase());
                format!("{}cover.{ext}", post_base(&entry.slug))
            });
        // The crops `publish` sends, drawn with CSS; without the cover's size
        // (not processed yet), WeChat's default: the middle.
        let crops = post.and_then(|p| p.meta.cover_crops());
        let css = |crop: Option<crate::wechat::crop::Crop>| {
            crop.map_or_else(
                || "background-size: cover; background-position: center".to_string(),
                |c| c.css_background(),
            )
        };
        let param = |crop: Option<crate::wechat::crop::Crop>| crop.map(|c| c.param());
        let mut c = Context::new();
        c.insert("cover", &cover);
        c.insert("wide_css", &css(crops.map(|c| c.0)));
        c.insert("square_css", &css(crops.map(|c| c.1)));
        c.insert("wide_param", &param(crops.map(|c| c.0)).unwrap_or_default());
        c.insert(
            "square_param",
            &param(crops.map(|c| c.1)).unwrap_or_default(),
        );
        c.insert("title", entry.title());
        c.insert("summary", &post.and_then(|p| p.meta.summary.as_deref()));
        c.insert(
            "date",
            &post
                .and_then(|p| p.meta.schedule.as_ref())
                .map(|z| z.strftime("%-m月%-d日 %H:%M").to_string()),
        );
        self.render("card.html", &c)
    }

    fn panel(&self, snap: &Snapshot, entry: &Entry) -> String {
        let mut diagnostics = snap.site_errors.clone();
        diagnostics.extend(snap.diagnostics(entry));
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let post = entry.post.as_ref();
        let mut c = Context::new();
        c.insert("source", &entry.source);
        c.insert("errors", &errors);
        let warnings = diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Warning)
            .count();
        c.insert("warnings", &warnings);
        c.insert("diagnostics", &diagnostics);
        c.insert(
            "column",
            &column_name(snap, entry).unwrap_or_else(|| "—".into()),
        );
        c.insert(
            "schedule",
            &post
                .and_then(|p| p.meta.schedule.as_ref())
                .map_or("—".to_string(), human_date),
        );
        c.insert("status", status(entry));
        c.insert(
            "chars",
            &entry.article.as_ref().map_or(0, |a| a.html.chars().count()),
        );
        self.render("panel.html", &c)
    }
}

/// The rows of `wxpress stats --offline` (every article kept, newest push
/// first): the snapshots of `.wxpress/stats/` and the ledger, read from disk.
pub fn stats_rows(root: &Path, config: &Config, posts: &[Post]) -> Result<Vec<stats::Row>, String> {
    let store = Store::read(root).map_err(|e| e.to_string())?;
    let view = LedgerView::read(&ledger::path(root)).map_err(|e| e.to_string())?;
    Ok(stats::report(
        config,
        posts,
        &view,
        &store,
        &stats::Filter::default(),
    ))
}

#[derive(Serialize)]
struct ChartView {
    id: &'static str,
    title: String,
    svg: String,
}

impl Pages {
    /// The `/stats` page: the charts of the rows, or why there are none.
    pub fn stats(&self, site_name: &str, rows: Result<Vec<stats::Row>, String>) -> String {
        let mut c = Context::new();
        c.insert("site_name", site_name);
        match rows {
            Ok(rows) => {
                let charts: Vec<ChartView> = stats::charts::charts(&rows)
                    .into_iter()
                    .map(|ch| ChartView {
                        id: ch.id,
                        title: ch.title,
                        svg: ch.svg,
                    })
                    .collect();
                c.insert("articles", &rows.len());
                c.insert(
                    "as_of",
                    &rows
                        .iter()
                        .map(|r| r.stat_date.as_str())
                        .max()
                        .unwrap_or(""),
                );
                c.insert("charts", &charts);
                c.insert("error", &None::<String>);
            }
            Err(e) => {
                c.insert("articles", &0);
                c.insert("as_of", "");
                c.insert("charts", &Vec::<ChartView>::new());
                c.insert("error", &Some(e));
            }
        }
        self.render("stats.html", &c)
    }
}

/// The column's display name (its slug when config.toml does not declare it).
fn column_name(snap: &Snapshot, entry: &Entry) -> Option<String> {
    let slug = entry.post.as_ref()?.meta.column.as_deref()?;
    Some(
        snap.site
            .as_ref()
            .and_then(|s| s.config.column(slug))
            .map_or(slug.to_string(), |c| c.name.clone()),
    )
}

pub fn site_name(snap: &Snapshot) -> String {
    snap.site
        .as_ref()
        .map_or("wxpress".to_string(), |s| s.config.site.name.clone())
}

/// A schedule as a writer reads it, in the site's timezone: `2026-12-01 周二 12:00`
/// (RFC 3339 stays in the manifest and JSON, for programs).
pub fn human_date(z: &jiff::Zoned) -> String {
    const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let weekday = WEEKDAYS[usize::from(z.weekday().to_monday_zero_offset().unsigned_abs())];
    format!(
        "{} {weekday} {}",
        z.strftime("%Y-%m-%d"),
        z.strftime("%H:%M")
    )
}

#[cfg(test)]
mod human_date_tests {
    #[test]
    fn dates_read_like_a_calendar() {
        let tz = jiff::tz::db().get("Asia/Shanghai").unwrap();
        let z = "2026-12-01T04:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(tz);
        assert_eq!(super::human_date(&z), "2026-12-01 周二 12:00");
    }
}

/// What `/calendar` shows, gathered under the snapshot's lock (the ledger is read
/// before it is taken).
pub struct CalendarInput {
    pub site_name: String,
    pub config: Option<Config>,
    pub posts: Vec<Post>,
    /// Preview address of each post, by source path.
    pub hrefs: std::collections::HashMap<String, String>,
}

#[derive(Serialize)]
struct PushView {
    time: String,
    mode: &'static str,
    status: crate::schedule::Status,
    /// Broadcasts only: the quota period's broadcasts counting this one.
    quota: Option<crate::schedule::Quota>,
    over_quota: bool,
    overfull: bool,
    in_slot: bool,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct ItemView {
    title: String,
    href: String,
    column: String,
    done: bool,
}

#[derive(Serialize)]
struct DayView {
    date: String,
    day: i8,
    in_month: bool,
    today: bool,
    pushes: Vec<PushView>,
}

impl Pages {
    /// `/calendar`: the month grid of pushes, each coloured by status, with the
    /// quota each broadcast uses; `month` is any day of the month to show
    /// (default: this month).
    pub fn calendar(
        &self,
        input: &CalendarInput,
        ledger: Result<LedgerView, String>,
        month: Option<jiff::civil::Date>,
        now: &jiff::Timestamp,
    ) -> Result<String, String> {
        use crate::schedule;
        let mut c = Context::new();
        c.insert("site_name", &input.site_name);
        let config = input
            .config
            .as_ref()
            .ok_or("The site's config.toml does not load: fix it first (see the index page).")?;
        let ledger = ledger?;
        let today = now.to_zoned(config.tz.clone()).date();
        let shown = month.unwrap_or(today);
        let pushes = schedule::calendar(config, config.wechat.mode, &input.posts, &ledger, now);
        let grid = schedule::month(&pushes, shown, today);
        let weeks: Vec<Vec<DayView>> = grid
            .weeks
            .iter()
            .map(|week| {
                week.iter()
                    .map(|d| DayView {
                        date: d.date.clone(),
                        day: d.day,
                        in_month: d.in_month,
                        today: d.today,
                        pushes: d
                            .pushes
                            .iter()
                            .map(|p| push_view(p, config, input))
                            .collect(),
                    })
                    .collect()
            })
            .collect();
        let unscheduled = input
            .posts
            .iter()
            .filter(|p| !p.meta.wip && p.meta.schedule.is_none())
            .count();
        let next = pushes
            .iter()
            .find(|p| p.at.timestamp() >= *now && p.status != schedule::Status::Done)
            .map(|p| (human_date(&p.at), p.at.strftime("%Y-%m").to_string()));
        c.insert("month", &grid.month);
        c.insert("previous", &grid.previous);
        c.insert("next_month", &grid.next);
        c.insert("weeks", &weeks);
        c.insert("upcoming", &grid.upcoming);
        c.insert("due", &grid.due);
        c.insert("missed", &grid.missed);
        c.insert("done", &grid.done);
        c.insert("timezone", config.site.timezone());
        c.insert("account", &config.wechat.account);
        c.insert("mode", mode_label(config.wechat.mode));
        c.insert("unscheduled", &unscheduled);
        c.insert("next_push", &next);
        Ok(self.render("calendar.html", &c))
    }

    /// The calendar page when it cannot be drawn, saying why.
    pub fn calendar_error(&self, site_name: &str, error: &str) -> String {
        let mut c = Context::new();
        c.insert("site_name", site_name);
        c.insert("error", error);
        self.render("calendar.html", &c)
    }
}

fn push_view(
    p: &crate::schedule::ScheduledPush,
    config: &Config,
    input: &CalendarInput,
) -> PushView {
    PushView {
        time: p.at.strftime("%H:%M").to_string(),
        mode: mode_label(p.mode),
        status: p.status,
        quota: p.quota.clone(),
        over_quota: p.over_quota(),
        overfull: p.overfull(),
        in_slot: p.in_slot,
        items: p
            .items
            .iter()
            .map(|i| ItemView {
                title: i.title.clone(),
                // post_base percent-encodes the slug: the template writes it unescaped.
                href: input.hrefs.get(&i.source).cloned().unwrap_or_default(),
                column: i
                    .column
                    .as_deref()
                    .map(|slug| config.column(slug).map_or(slug, |c| c.name.as_str()))
                    .unwrap_or_default()
                    .to_string(),
                done: i.done,
            })
            .collect(),
    }
}

/// A push's mode as the WeChat backend names it, with the config word beside it.
fn mode_label(mode: crate::config::PublishMode) -> &'static str {
    use crate::config::PublishMode;
    match mode {
        PublishMode::Draft => "草稿 draft",
        PublishMode::Publish => "发布 publish",
        PublishMode::Broadcast => "群发 broadcast",
    }
}
