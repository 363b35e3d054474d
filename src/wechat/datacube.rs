//! The data API (`datacube/…`): what each published article did. The request and
//! answer types are in [`super::types`] (with the pages they follow); this file
//! holds the client's calls and the two rules every call must keep:
//!
//! - data exists up to **yesterday**, in the account's timezone (WeChat counts
//!   days in China time: [`ACCOUNT_TIMEZONE`]); `end_date` may not be later;
//! - one `getarticletotaldetail` call covers at most
//!   [`DATACUBE_MAX_DAYS`] days of publishing, so a longer range is asked for in
//!   windows ([`windows`]).
//!
//! The API is for verified accounts only: an unverified one gets 48001, whose
//! message says so.

use super::limits::DATACUBE_MAX_DAYS;
use super::types::{ArticleTotalDetailResponse, DateRangeRequest};
use super::{Client, WechatError};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

/// The timezone WeChat's statistics days are counted in.
pub const ACCOUNT_TIMEZONE: &str = "Asia/Shanghai";

/// The last day the data API has numbers for at `now`: yesterday in China time.
pub fn yesterday(now: Timestamp) -> Date {
    let tz = jiff::tz::TimeZone::get(ACCOUNT_TIMEZONE)
        .unwrap_or(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    now.to_zoned(tz).date().yesterday().unwrap_or(Date::MIN)
}

/// `from..=to` cut into consecutive windows of at most [`DATACUBE_MAX_DAYS`]
/// days, oldest first; empty when `to` is before `from`.
pub fn windows(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let mut begin = from;
    while begin <= to {
        let last = begin
            .checked_add((DATACUBE_MAX_DAYS - 1).days())
            .unwrap_or(Date::MAX);
        let end = last.min(to);
        out.push((begin, end));
        match end.tomorrow() {
            Ok(next) => begin = next,
            Err(_) => break,
        }
    }
    out
}

impl Client {
    /// `datacube/getarticletotaldetail` for the articles published from `from` to
    /// `to` (both included), in as many calls as [`windows`] needs. Each
    /// article's `detail_list` gives its totals per statistics day, up to 30 days
    /// after publishing and up to yesterday.
    ///
    /// `to` must be at most [`yesterday`]: a later day is refused here, before any
    /// call, as WeChat would refuse it.
    pub fn article_total_detail(
        &self,
        from: Date,
        to: Date,
        yesterday: Date,
    ) -> Result<ArticleTotalDetailResponse, WechatError> {
        let ep = "datacube/getarticletotaldetail";
        if to > yesterday {
            return Err(WechatError::Other {
                endpoint: ep.into(),
                detail: format!(
                    "asked for data up to {to}, but WeChat has data only up to yesterday ({yesterday}, China time)"
                ),
            });
        }
        let mut all = ArticleTotalDetailResponse::default();
        for (begin, end) in windows(from, to) {
            let body = DateRangeRequest {
                begin_date: begin.to_string(),
                end_date: end.to_string(),
            };
            let page: ArticleTotalDetailResponse = self.request(ep, &body, false)?;
            all.is_delay |= page.is_delay;
            all.list.extend(page.list);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_range_is_cut_into_windows_of_at_most_30_days() {
        let w = windows(date(2026, 1, 1), date(2026, 3, 15));
        assert_eq!(
            w,
            vec![
                (date(2026, 1, 1), date(2026, 1, 30)),
                (date(2026, 1, 31), date(2026, 3, 1)),
                (date(2026, 3, 2), date(2026, 3, 15)),
            ]
        );
        for (b, e) in &w {
            let days = b.until(*e).unwrap().get_days() + 1;
            assert!(days <= DATACUBE_MAX_DAYS as i32, "{b}..{e}");
        }
        // Exactly 30 days: one window; 31: two; one day; none.
        assert_eq!(windows(date(2026, 1, 1), date(2026, 1, 30)).len(), 1);
        assert_eq!(
            windows(date(2026, 1, 1), date(2026, 1, 31)),
            vec![
                (date(2026, 1, 1), date(2026, 1, 30)),
                (date(2026, 1, 31), date(2026, 1, 31))
            ]
        );
        assert_eq!(
            windows(date(2026, 2, 28), date(2026, 2, 28)),
            vec![(date(2026, 2, 28), date(2026, 2, 28))]
        );
        assert!(windows(date(2026, 2, 2), date(2026, 2, 1)).is_empty());
    }

    #[test]
    fn yesterday_is_counted_in_china_time() {
        // 2026-12-01 17:00 UTC is already 2 December in Shanghai.
        let t: Timestamp = "2026-12-01T17:00:00Z".parse().unwrap();
        assert_eq!(yesterday(t), date(2026, 12, 1));
        let t: Timestamp = "2026-12-01T15:59:59Z".parse().unwrap();
        assert_eq!(yesterday(t), date(2026, 11, 30));
    }
}
