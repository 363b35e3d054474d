//! `wxpress stats`: what each published post did, kept in git and joined to the
//! posts of this repository.
//!
//! - [`fetch`] asks WeChat's data API (`datacube/getarticletotaldetail`, see
//!   `wechat::datacube`) for the articles published in a range of days and
//!   appends one [`Snapshot`] line per article per statistics day to
//!   `.wxpress/stats/<YYYY-MM>.jsonl` (by statistics month). A line that is
//!   already there, same numbers, is not written again: fetching the same day twice
//!   changes nothing. Commit the folder like the ledger: history then outlives
//!   WeChat's 30-day window, and any machine reports offline.
//! - [`report`] reads the snapshots and the ledger and returns one [`Row`] per
//!   article: the ledger's push with that `msg_data_id` names the post's source
//!   file, mode and push time; an article published outside wxpress keeps its
//!   WeChat title and has no source.
//!
//! The library returns data; `cli::stats` fetches, filters and prints.

use crate::config::{Config, PublishMode};
use crate::content::Post;
use crate::ledger::{self, LedgerView, PushRecord};
use crate::wechat::datacube;
use crate::wechat::types::{ArticleTotalDetail, MsgKey, PUBLISH_TYPE_NOTIFIED};
use crate::wechat::{Client, WechatError};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

pub mod charts;
pub mod daily;

/// The snapshots' folder, under [`ledger::DIR`].
pub const DIR: &str = "stats";

pub fn dir(root: &Path) -> PathBuf {
    root.join(ledger::DIR).join(DIR)
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("{0}")]
    Wechat(#[from] WechatError),
    #[error("cannot use {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a stats snapshot ({message}); fix or remove that line (plain JSON lines)")]
    Corrupt {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: not a record of the last fetch ({message}); remove the file: the next fetch writes it again")]
    LastFetch { path: String, message: String },
}

/// One article's totals from its publishing day up to `stat_date`, as WeChat
/// gave them: one line of `.wxpress/stats/*.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `<msg_data_id>_<position>`.
    pub msgid: String,
    pub title: String,
    /// The publishing day (China time, as WeChat counts).
    pub ref_date: String,
    pub stat_date: String,
    /// 0: followers were notified (broadcast); 1: not.
    pub publish_type: u8,
    pub read_user: u64,
    pub share_user: u64,
    /// Favourites (收藏人数).
    pub add_to_fav_user: u64,
    #[serde(default)]
    pub like_user: u64,
    #[serde(default)]
    pub zaikan_user: u64,
    #[serde(default)]
    pub comment_count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_delivery_rate: Option<f64>,
}

impl Snapshot {
    /// One line per statistics day of an article of the API's answer.
    pub fn from_api(article: &ArticleTotalDetail) -> Vec<Snapshot> {
        article
            .detail_list
            .iter()
            .map(|d| Snapshot {
                msgid: article.msgid.clone(),
                title: article.title.clone(),
                ref_date: article.ref_date.clone(),
                stat_date: d.stat_date.clone(),
                publish_type: article.publish_type,
                read_user: d.read_user,
                share_user: d.share_user,
                add_to_fav_user: d.collection_user,
                like_user: d.like_user,
                zaikan_user: d.zaikan_user,
                comment_count: d.comment_count,
                read_delivery_rate: d.read_delivery_rate,
            })
            .collect()
    }

    fn key(&self) -> (String, String) {
        (self.msgid.clone(), self.stat_date.clone())
    }
}

/// The snapshots kept in `.wxpress/stats/`: the last line for each article and
/// statistics day wins (WeChat may revise a day's numbers while `is_delay`).
#[derive(Debug, Default)]
pub struct Store {
    dir: PathBuf,
    rows: BTreeMap<(String, String), Snapshot>,
}

impl Store {
    /// Reads every `*.jsonl` of the folder (missing: empty). A torn last line
    /// (a run died while writing it) is ignored; any other bad line is an error.
    pub fn read(root: &Path) -> Result<Store, StatsError> {
        let dir = dir(root);
        let mut store = Store {
            dir: dir.clone(),
            rows: BTreeMap::new(),
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(store),
            Err(source) => {
                return Err(StatsError::Io {
                    path: dir.display().to_string(),
                    source,
                })
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|source| StatsError::Io {
                path: file.display().to_string(),
                source,
            })?;
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Snapshot>(line) {
                    Ok(s) => {
                        store.rows.insert(s.key(), s);
                    }
                    Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {}
                    Err(e) => {
                        return Err(StatsError::Corrupt {
                            path: file.display().to_string(),
                            line: i + 1,
                            message: e.to_string(),
                        })
                    }
                }
            }
        }
        Ok(store)
    }

    pub fn snapshots(&self) -> impl Iterator<Item = &Snapshot> {
        self.rows.values()
    }

    /// Appends the snapshots not already kept with the same numbers, each to the
    /// file of its statistics month; the number of lines written.
    pub fn record(&mut self, snapshots: Vec<Snapshot>) -> Result<usize, StatsError> {
        let mut by_file: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut added = 0;
        for s in snapshots {
            if self.rows.get(&s.key()) == Some(&s) {
                continue;
            }
            let month = s.stat_date.get(..7).unwrap_or("unknown").to_string();
            let mut line = serde_json::to_string(&s).expect("snapshots serialize");
            line.push('\n');
            by_file
                .entry(self.dir.join(format!("{month}.jsonl")))
                .or_default()
                .push_str(&line);
            self.rows.insert(s.key(), s);
            added += 1;
        }
        if by_file.is_empty() {
            return Ok(0);
        }
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| StatsError::Io { path, source }
        };
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        for (path, text) in by_file {
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(io(&path))?;
            // A torn last line of an earlier run must not glue onto this one.
            let len = file.metadata().map_err(io(&path))?.len();
            let torn = len > 0 && !std::fs::read(&path).map_err(io(&path))?.ends_with(b"\n");
            if torn {
                file.write_all(b"\n").map_err(io(&path))?;
            }
            file.write_all(text.as_bytes()).map_err(io(&path))?;
            file.sync_data().map_err(io(&path))?;
        }
        Ok(added)
    }
}

/// What a fetch did.
#[derive(Debug, Clone, Serialize)]
pub struct Fetched {
    /// The publishing days asked for, both included.
    pub from: String,
    pub to: String,
    /// Calls made (one per window of at most 30 days).
    pub calls: usize,
    /// Articles in the answers.
    pub articles: usize,
    /// Snapshot lines written (0 when nothing changed since the last fetch).
    pub added: usize,
    /// WeChat said some numbers are still being computed.
    pub is_delay: bool,
}

/// Publishing days a fetch asks for by default: those whose numbers can still
/// change, the last 30 up to yesterday.
pub fn default_from(now: Timestamp) -> Date {
    datacube::yesterday(now) - (crate::wechat::limits::DATACUBE_MAX_DAYS - 1).days()
}

/// Fetches the articles published from `from` (default [`default_from`]) up to
/// yesterday, China time, as of `now`, and records their snapshots.
pub fn fetch(
    client: &Client,
    store: &mut Store,
    now: Timestamp,
    from: Option<Date>,
) -> Result<Fetched, StatsError> {
    let yesterday = datacube::yesterday(now);
    let from = from.unwrap_or_else(|| default_from(now));
    let calls = datacube::windows(from, yesterday).len();
    let answer = if calls == 0 {
        Default::default()
    } else {
        client.article_total_detail(from, yesterday, yesterday)?
    };
    let snapshots: Vec<Snapshot> = answer.list.iter().flat_map(Snapshot::from_api).collect();
    let added = store.record(snapshots)?;
    Ok(Fetched {
        from: from.to_string(),
        to: yesterday.to_string(),
        calls,
        articles: answer.list.len(),
        added,
        is_delay: answer.is_delay,
    })
}

/// One article in a report: its latest snapshot, its first days, and the post
/// of this repository it is (when wxpress published it).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The post's file, relative to the site; `None` for an article published
    /// outside wxpress (or whose push the ledger does not have).
    pub source: Option<String>,
    /// The post's title (the ledger's), else WeChat's.
    pub title: String,
    pub column: Option<String>,
    pub msgid: String,
    /// `draft`, `publish` or `broadcast`, from the ledger.
    pub mode: Option<PublishMode>,
    /// Followers were notified (`publish_type` 0).
    pub notified: bool,
    /// When the push went out, in the site's timezone (the ledger's record of
    /// it); the publishing day alone for articles outside the ledger.
    pub published_at: String,
    /// The push's time of day and weekday in the site's timezone, e.g. `Tue 20:30`.
    pub push_slot: Option<String>,
    /// The publishing day, as WeChat counts it.
    pub ref_date: String,
    /// The day the totals below are as of.
    pub stat_date: String,
    pub read_user: u64,
    pub share_user: u64,
    pub add_to_fav_user: u64,
    pub like_user: u64,
    pub comment_count: u64,
    /// Readers per notified follower, when followers were notified.
    pub read_per_notified: Option<f64>,
    /// Readers by the end of the publishing day (day 1) and of the seventh day.
    pub day1_read_user: Option<u64>,
    pub day7_read_user: Option<u64>,
    pub day1_read_per_notified: Option<f64>,
    /// Readers by the end of each of the first [`FIRST_DAYS`] days (index 0:
    /// the publishing day), where a snapshot of that day is kept. For the
    /// charts; not in the JSON or CSV report (`day1_read_user` and
    /// `day7_read_user` are).
    #[serde(skip)]
    pub reads_by_day: Vec<Option<u64>>,
}

/// The days [`Row::reads_by_day`] covers.
pub const FIRST_DAYS: i64 = 7;

/// How to sort a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest push first.
    #[default]
    Published,
    Reads,
    Shares,
}

/// Which articles a report shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub column: Option<String>,
    /// Publishing days (as WeChat counts them), both included.
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub sort: Sort,
}

/// The `msg_data_id` of a push: the ledger's, else the `mid` of its articles'
/// addresses (`https://mp.weixin.qq.com/s?__biz=…&mid=<msg_data_id>&idx=1…`),
/// which is what a push found on WeChat rather than published by this ledger has.
pub fn push_msg_data_id(rec: &PushRecord) -> Option<String> {
    if let Some(id) = rec.state.msg_data_id() {
        return Some(id.to_string());
    }
    rec.state.urls().iter().find_map(|url| {
        let query = url.split_once('?')?.1;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix("mid="))
            .filter(|mid| !mid.is_empty() && mid.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string)
    })
}

/// The report: one row per article kept in the store, joined to the ledger's
/// pushes and the site's posts (for their columns), filtered and sorted.
pub fn report(
    config: &Config,
    posts: &[Post],
    ledger: &LedgerView,
    store: &Store,
    filter: &Filter,
) -> Vec<Row> {
    let pushes: HashMap<String, &PushRecord> = ledger
        .pushes
        .values()
        .filter(|rec| rec.state.touched_wechat())
        .filter_map(|rec| push_msg_data_id(rec).map(|id| (id, rec)))
        .collect();
    let mut by_article: BTreeMap<&str, Vec<&Snapshot>> = BTreeMap::new();
    for s in store.snapshots() {
        by_article.entry(s.msgid.as_str()).or_default().push(s);
    }
    let mut rows = Vec::new();
    for (msgid, mut days) in by_article {
        days.sort_by(|a, b| a.stat_date.cmp(&b.stat_date));
        let Some(latest) = days.last() else { continue };
        let ref_date: Option<Date> = latest.ref_date.parse().ok();
        let nth_day = |n: i64| {
            let day = ref_date?.checked_add((n - 1).days()).ok()?.to_string();
            days.iter().find(|s| s.stat_date == day).copied()
        };
        let day1 = nth_day(1);
        let day7 = nth_day(7);
        let notified = latest.publish_type == PUBLISH_TYPE_NOTIFIED;
        let push = MsgKey::parse(msgid).and_then(|key| {
            let rec = pushes.get(&key.msg_data_id)?;
            let post = rec.posts.get(key.index as usize - 1)?;
            Some((*rec, post))
        });
        let (source, title, mode, published_at, push_slot) = match push {
            Some((rec, post)) => {
                let at = rec
                    .at
                    .parse::<Timestamp>()
                    .ok()
                    .map(|t| t.to_zoned(config.tz.clone()));
                (
                    Some(post.source.clone()),
                    post.title.clone(),
                    Some(rec.mode),
                    at.as_ref()
                        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
                        .unwrap_or_else(|| latest.ref_date.clone()),
                    at.map(|z| z.strftime("%a %H:%M").to_string()),
                )
            }
            None => (
                None,
                latest.title.clone(),
                None,
                latest.ref_date.clone(),
                None,
            ),
        };
        let column = source.as_deref().and_then(|source| {
            posts
                .iter()
                .find(|p| p.source == source)
                .and_then(|p| p.meta.column.clone())
        });
        rows.push(Row {
            source,
            title,
            column,
            msgid: msgid.to_string(),
            mode,
            notified,
            published_at,
            push_slot,
            ref_date: latest.ref_date.clone(),
            stat_date: latest.stat_date.clone(),
            read_user: latest.read_user,
            share_user: latest.share_user,
            add_to_fav_user: latest.add_to_fav_user,
            like_user: latest.like_user,
            comment_count: latest.comment_count,
            read_per_notified: latest.read_delivery_rate.filter(|_| notified),
            day1_read_user: day1.map(|s| s.read_user),
            day7_read_user: day7.map(|s| s.read_user),
            day1_read_per_notified: day1.and_then(|s| s.read_delivery_rate).filter(|_| notified),
            reads_by_day: (1..=FIRST_DAYS)
                .map(|n| nth_day(n).map(|s| s.read_user))
                .collect(),
        });
    }
    rows.retain(|r| {
        let day: Option<Date> = r.ref_date.parse().ok();
        filter
            .column
            .as_ref()
            .is_none_or(|c| r.column.as_ref() == Some(c))
            && filter.from.is_none_or(|f| day.is_some_and(|d| d >= f))
            && filter.to.is_none_or(|t| day.is_some_and(|d| d <= t))
    });
    rows.sort_by(|a, b| match filter.sort {
        Sort::Published => b
            .published_at
            .cmp(&a.published_at)
            .then(a.msgid.cmp(&b.msgid)),
        Sort::Reads => b.read_user.cmp(&a.read_user).then(a.msgid.cmp(&b.msgid)),
        Sort::Shares => b.share_user.cmp(&a.share_user).then(a.msgid.cmp(&b.msgid)),
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(msgid: &str, stat_date: &str, reads: u64) -> Snapshot {
        Snapshot {
            msgid: msgid.into(),
            title: "t".into(),
            ref_date: "2026-12-01".into(),
            stat_date: stat_date.into(),
            publish_type: 1,
            read_user: reads,
            share_user: reads / 8,
            add_to_fav_user: 0,
            like_user: 0,
            zaikan_user: 0,
            comment_count: 0,
            read_delivery_rate: None,
        }
    }

    #[test]
    fn recording_the_same_numbers_twice_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::read(dir.path()).unwrap();
        let day = vec![snap("1_1", "2026-12-01", 10), snap("1_1", "2026-12-02", 15)];
        assert_eq!(store.record(day.clone()).unwrap(), 2);
        let file = dir.path().join(".wxpress/stats/2026-12.jsonl");
        let before = std::fs::read_to_string(&file).unwrap();
        assert_eq!(before.lines().count(), 2);
        let mut again = Store::read(dir.path()).unwrap();
        assert_eq!(again.record(day).unwrap(), 0);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
        // Revised numbers for a day are a new line, and win.
        assert_eq!(
            again.record(vec![snap("1_1", "2026-12-02", 16)]).unwrap(),
            1
        );
        let store = Store::read(dir.path()).unwrap();
        let reads: Vec<u64> = store.snapshots().map(|s| s.read_user).collect();
        assert_eq!(reads, vec![10, 16]);
    }

    #[test]
    fn a_bad_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(super::dir(dir.path())).unwrap();
        std::fs::write(super::dir(dir.path()).join("2026-12.jsonl"), "nope\n{}\n").unwrap();
        let e = Store::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("2026-12.jsonl:1: not a stats snapshot"), "{e}");
    }

    #[test]
    fn a_push_found_on_wechat_is_known_by_the_mid_of_its_address() {
        let rec: PushRecord = serde_json::from_str(
            r#"{"at":"2026-12-01T04:00:00Z","push":"p","state":"published","mode":"publish","posts":[],
               "urls":["https://mp.weixin.qq.com/s?__biz=MzA==&mid=2247483904&idx=1&sn=5a"]}"#,
        )
        .unwrap();
        assert_eq!(push_msg_data_id(&rec).as_deref(), Some("2247483904"));
    }
}

/// Pushes a slot or weekday needs before [`advise`] compares it with others.
pub const MIN_PUSHES_PER_SLOT: usize = 3;

/// Day-1 readers per notified follower of the pushes at one time of day (or on
/// one weekday).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotStat {
    /// `20:30`, or `Tue`.
    pub slot: String,
    /// Pushes with a day-1 number (the sample size).
    pub pushes: usize,
    /// Their mean day-1 readers per notified follower.
    pub day1_read_per_notified: f64,
}

/// When to push, from history: broadcasts' headlines only (they are what
/// followers were notified of), by the push's time of day and weekday in the
/// site's timezone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    /// Best first.
    pub slots: Vec<SlotStat>,
    pub weekdays: Vec<SlotStat>,
    /// A value for `[schedule] slots`: the times with at least
    /// [`MIN_PUSHES_PER_SLOT`] pushes that did at least 80 % as well as the best
    /// one, in time order. `None` until at least two times of day have that many
    /// pushes to compare.
    pub suggested_slots: Option<Vec<String>>,
}

/// [`Advice`] from report rows (any filter, any order).
pub fn advise(rows: &[Row]) -> Advice {
    let mut by_slot: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut by_day: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows {
        let headline = MsgKey::parse(&r.msgid).is_some_and(|k| k.index == 1);
        let (Some(rate), Some(slot), true, true) = (
            r.day1_read_per_notified,
            r.push_slot.as_deref(),
            r.notified,
            headline,
        ) else {
            continue;
        };
        let Some((day, time)) = slot.split_once(' ') else {
            continue;
        };
        by_slot.entry(time.to_string()).or_default().push(rate);
        by_day.entry(day.to_string()).or_default().push(rate);
    }
    let stats = |groups: BTreeMap<String, Vec<f64>>| {
        let mut out: Vec<SlotStat> = groups
            .into_iter()
            .map(|(slot, rates)| SlotStat {
                slot,
                pushes: rates.len(),
                day1_read_per_notified: rates.iter().sum::<f64>() / rates.len() as f64,
            })
            .collect();
        out.sort_by(|a, b| {
            b.day1_read_per_notified
                .total_cmp(&a.day1_read_per_notified)
                .then(a.slot.cmp(&b.slot))
        });
        out
    };
    let slots = stats(by_slot);
    let weekdays = stats(by_day);
    let sampled: Vec<&SlotStat> = slots
        .iter()
        .filter(|s| s.pushes >= MIN_PUSHES_PER_SLOT)
        .collect();
    let suggested_slots = (sampled.len() >= 2).then(|| {
        let best = sampled[0].day1_read_per_notified;
        let mut keep: Vec<String> = sampled
            .iter()
            .filter(|s| s.day1_read_per_notified >= best * 0.8)
            .map(|s| s.slot.clone())
            .collect();
        keep.sort();
        keep
    });
    Advice {
        slots,
        weekdays,
        suggested_slots,
    }
}

#[cfg(test)]
mod advice_tests {
    use super::*;

    fn push(n: usize, slot: &str, rate: f64) -> Row {
        Row {
            source: None,
            title: format!("p{n}"),
            column: None,
            msgid: format!("{}_1", 1000 + n),
            mode: Some(PublishMode::Broadcast),
            notified: true,
            published_at: String::new(),
            push_slot: Some(slot.into()),
            ref_date: String::new(),
            stat_date: String::new(),
            read_user: 0,
            share_user: 0,
            add_to_fav_user: 0,
            like_user: 0,
            comment_count: 0,
            read_per_notified: Some(rate),
            day1_read_per_notified: Some(rate),
            day1_read_user: None,
            day7_read_user: None,
            reads_by_day: Vec::new(),
        }
    }

    #[test]
    fn the_slot_that_is_read_most_is_suggested_once_there_is_enough_data() {
        let mut rows = vec![
            push(1, "Mon 12:00", 0.10),
            push(2, "Tue 12:00", 0.12),
            push(3, "Wed 12:00", 0.08),
            push(4, "Mon 20:30", 0.30),
            push(5, "Tue 20:30", 0.28),
            push(6, "Wed 20:30", 0.32),
            // One lucky push at 07:00 is not enough to say anything.
            push(7, "Thu 07:00", 0.90),
        ];
        // Not a headline, and not notified: left out.
        let mut second = push(8, "Fri 12:00", 0.99);
        second.msgid = "1001_2".into();
        rows.push(second);
        let mut silent = push(9, "Fri 12:00", 0.99);
        silent.notified = false;
        rows.push(silent);

        let advice = advise(&rows);
        assert_eq!(advice.suggested_slots, Some(vec!["20:30".to_string()]));
        assert_eq!(advice.slots[0].slot, "07:00");
        assert_eq!(advice.slots[0].pushes, 1);
        let evening = advice.slots.iter().find(|s| s.slot == "20:30").unwrap();
        assert_eq!(evening.pushes, 3);
        assert!((evening.day1_read_per_notified - 0.30).abs() < 1e-9);
        assert_eq!(advice.weekdays[0].slot, "Thu");
        assert_eq!(advice.weekdays.iter().map(|d| d.pushes).sum::<usize>(), 7);

        // Two close slots are both kept.
        let mut close = rows.clone();
        for (n, day) in ["Mon", "Tue", "Wed"].into_iter().enumerate() {
            close.push(push(20 + n, &format!("{day} 18:00"), 0.27));
        }
        assert_eq!(
            advise(&close).suggested_slots,
            Some(vec!["18:00".to_string(), "20:30".to_string()])
        );

        // Two pushes per slot: not enough to suggest anything.
        let few: Vec<Row> = rows
            .iter()
            .filter(|r| r.title != "p3" && r.title != "p6")
            .cloned()
            .collect();
        assert_eq!(advise(&few).suggested_slots, None);
    }
}
