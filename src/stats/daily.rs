//! Once a day: when the data API has yesterday's numbers, and which statistics
//! day was last fetched.
//!
//! WeChat asks callers to query the day before "after 8 a.m. every day", China
//! time (数据统计接口介绍: 请于每天上午8点后查询公众号前一天的数据), so the daily
//! fetch runs at `[stats] fetch_at` (default 09:00, see
//! [`crate::config::DEFAULT_FETCH_AT`]) on the account's clock, whatever the
//! site's timezone. `.wxpress/stats/fetched.json` remembers the last day fetched
//! complete, so a restarted daemon (or a cron job beside it) does not fetch it
//! again; fetching twice would add no snapshot line anyway ([`super::Store::record`]).

use super::StatsError;
use crate::check::fix::write_file_atomically;
use crate::wechat::datacube::ACCOUNT_TIMEZONE;
use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file, in [`super::dir`], that names the last day fetched complete.
pub const FETCHED: &str = "fetched.json";

pub fn fetched_path(root: &Path) -> PathBuf {
    super::dir(root).join(FETCHED)
}

/// `fetched.json`: one small object, rewritten (atomically) after each fetch.
#[derive(Debug, Serialize, Deserialize)]
struct FetchedFile {
    /// The last statistics day whose numbers were complete when fetched.
    through: String,
    /// When that fetch ran.
    at: String,
}

fn account_tz() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(ACCOUNT_TIMEZONE)
        .unwrap_or(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
}

/// `fetch_at` on `day`, both China time.
pub fn fetch_moment(day: Date, fetch_at: Time) -> Timestamp {
    day.to_datetime(fetch_at)
        .to_zoned(account_tz())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// The last statistics day that is complete at `now`: yesterday once today's
/// `fetch_at` has passed, the day before until then.
pub fn complete_through(now: Timestamp, fetch_at: Time) -> Date {
    let today = now.to_zoned(account_tz()).date();
    let back = if now >= fetch_moment(today, fetch_at) {
        1
    } else {
        2
    };
    today.checked_sub(back.days()).unwrap_or(Date::MIN)
}

/// When the daily fetch is due, given the last day fetched complete: a moment
/// at or before `now` means now (a day was missed, or today's time has come);
/// otherwise the next `fetch_at`.
pub fn next_fetch(now: Timestamp, fetch_at: Time, last: Option<Date>) -> Timestamp {
    let through = complete_through(now, fetch_at);
    let ahead = if last.is_some_and(|l| l >= through) {
        2
    } else {
        1
    };
    fetch_moment(
        through.checked_add(ahead.days()).unwrap_or(Date::MAX),
        fetch_at,
    )
}

/// The publishing days a daily fetch asks for: the last 30 up to yesterday, and
/// further back when the last fetch is older, so that articles whose days ran
/// on while nothing fetched still get them. An article has numbers for 30 days
/// from its publishing day, so one published 28 days before the last day fetched
/// may still have days after it; one published 29 days before has them all.
pub fn fetch_from(now: Timestamp, last: Option<Date>) -> Date {
    let default = super::default_from(now);
    let span = (crate::wechat::limits::DATACUBE_MAX_DAYS - 2).days();
    last.and_then(|l| l.checked_sub(span).ok())
        .map_or(default, |from| from.min(default))
}

/// The last day fetched complete, from `fetched.json` (None: never).
pub fn last_fetched(root: &Path) -> Result<Option<Date>, StatsError> {
    let path = fetched_path(root);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StatsError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    let corrupt = |message: String| StatsError::LastFetch {
        path: path.display().to_string(),
        message,
    };
    let file: FetchedFile = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
    let day = file
        .through
        .parse::<Date>()
        .map_err(|e| corrupt(format!("through: {e}")))?;
    Ok(Some(day))
}

/// Records that the numbers up to `through` were fetched at `at`. The day never
/// moves back: a fetch run `--now` in the past leaves a later record alone.
pub fn remember_fetched(root: &Path, through: Date, at: Timestamp) -> Result<(), StatsError> {
    if last_fetched(root)?.is_some_and(|l| l >= through) {
        return Ok(());
    }
    let dir = super::dir(root);
    let path = fetched_path(root);
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| StatsError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let file = FetchedFile {
        through: through.to_string(),
        at: at.to_string(),
    };
    let mut text = serde_json::to_string(&file).expect("a plain object serializes");
    text.push('\n');
    write_file_atomically(&path, &text).map_err(io(&path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn china(text: &str) -> Timestamp {
        text.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(account_tz())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn the_fetch_is_due_once_a_day_after_fetch_at_china_time() {
        let nine = time(9, 0, 0, 0);
        // Before nine: the day before yesterday is the last complete one.
        let early = china("2026-12-08T08:59:59");
        assert_eq!(complete_through(early, nine), date(2026, 12, 6));
        assert_eq!(
            next_fetch(early, nine, Some(date(2026, 12, 6))),
            china("2026-12-08T09:00:00")
        );
        // From nine on, yesterday is; fetched, the next is tomorrow at nine.
        let late = china("2026-12-08T09:00:00");
        assert_eq!(complete_through(late, nine), date(2026, 12, 7));
        assert!(next_fetch(late, nine, Some(date(2026, 12, 6))) <= late);
        assert!(next_fetch(late, nine, None) <= late);
        assert_eq!(
            next_fetch(late, nine, Some(date(2026, 12, 7))),
            china("2026-12-09T09:00:00")
        );
        // A missed day is caught up at once, even before today's time.
        assert!(next_fetch(early, nine, Some(date(2026, 12, 5))) <= early);
        // China time, whatever the machine's or the site's zone: 01:30 UTC is
        // 09:30 in Shanghai.
        let utc: Timestamp = "2026-12-08T01:30:00Z".parse().unwrap();
        assert_eq!(complete_through(utc, nine), date(2026, 12, 7));
    }

    #[test]
    fn a_daily_fetch_reaches_back_past_the_last_one() {
        let now = china("2026-12-08T09:30:00");
        assert_eq!(fetch_from(now, None), date(2026, 11, 8));
        assert_eq!(fetch_from(now, Some(date(2026, 12, 6))), date(2026, 11, 8));
        // Down for two months: every article that may still have had days.
        assert_eq!(fetch_from(now, Some(date(2026, 10, 1))), date(2026, 9, 3));
        // Two days missed: one day further back than usual.
        assert_eq!(fetch_from(now, Some(date(2026, 12, 5))), date(2026, 11, 7));
    }

    #[test]
    fn the_last_fetched_day_is_kept_and_never_moves_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(last_fetched(root).unwrap(), None);
        let at: Timestamp = "2026-12-08T01:30:00Z".parse().unwrap();
        remember_fetched(root, date(2026, 12, 7), at).unwrap();
        assert_eq!(last_fetched(root).unwrap(), Some(date(2026, 12, 7)));
        remember_fetched(root, date(2026, 12, 1), at).unwrap();
        assert_eq!(last_fetched(root).unwrap(), Some(date(2026, 12, 7)));
        std::fs::write(fetched_path(root), "{\"through\":\"yesterday\"").unwrap();
        let e = last_fetched(root).unwrap_err().to_string();
        assert!(
            e.contains("fetched.json: not a record of the last fetch"),
            "{e}"
        );
    }
}
