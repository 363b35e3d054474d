//! The data API, `datacube/getarticletotaldetail`, answering from what this
//! sandbox published, with numbers derived from each article alone
//! ([`totals`]), so tests can compute what they must see.
//!
//! The rules are WeChat's (see `wechat::datacube`): days are China days,
//! `end_date` is at most yesterday, a call covers at most
//! [`DATACUBE_MAX_DAYS`] days of publishing, and each article's totals run for
//! that many days. Errors: 61500 for a date that is not `YYYY-MM-DD`, 61501 for
//! a range WeChat refuses, 48001 when the account is not verified.

use super::state::State;
use super::wire::{ok, status, Reply, Req};
use super::Shared;
use crate::wechat::datacube::ACCOUNT_TIMEZONE;
use crate::wechat::limits::DATACUBE_MAX_DAYS;
use crate::wechat::types::{
    ArticleDayTotals, ArticleTotalDetail, ArticleTotalDetailResponse, DateRangeRequest,
    PUBLISH_TYPE_NOTIFIED, PUBLISH_TYPE_NOT_NOTIFIED,
};
use axum::extract::State as AxState;
use jiff::civil::Date;
use jiff::ToSpan;

/// The emulated account's followers: what a notified push is delivered to.
pub const FOLLOWERS: u64 = 1000;

/// The sandbox's today: China time, moved by `POST /__sandbox/clock`.
pub fn today(s: &State) -> Date {
    china_date(super::state::now_unix()) + s.day_offset.days()
}

fn china_date(unix: i64) -> Date {
    let tz = jiff::tz::TimeZone::get(ACCOUNT_TIMEZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(unix)
        .unwrap_or_default()
        .to_zoned(tz)
        .date()
}

/// An article's totals at the end of its `day`-th day (0 = the publishing day):
/// readers rise fast on days 0 and 1 and flatten (half of the final readers on
/// day 0, three quarters by day 1 …); shares are an eighth of the readers,
/// favourites a sixteenth. The final number depends on the title and the
/// article's position in its push (the headline is read most), and notified
/// pushes are read three times as much as articles published silently.
pub fn totals(title: &str, index: u32, notified: bool, day: i64) -> ArticleDayTotals {
    // FNV-1a: the same on every machine and every run.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in title.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    let mut final_readers = 120 + h % 120;
    if notified {
        final_readers *= 3;
    }
    final_readers /= u64::from(index.max(1));
    let day = day.clamp(0, DATACUBE_MAX_DAYS - 1) as u32;
    let read_user = final_readers - (final_readers >> (day + 1).min(63));
    ArticleDayTotals {
        stat_date: String::new(),
        read_user,
        share_user: read_user / 8,
        collection_user: read_user / 16,
        like_user: read_user / 20,
        zaikan_user: read_user / 40,
        comment_count: read_user / 50,
        read_delivery_rate: notified
            .then(|| ((read_user as f64 / FOLLOWERS as f64) * 10_000.0).round() / 10_000.0),
    }
}

fn parse_date(text: &str) -> Result<Date, axum::Json<serde_json::Value>> {
    text.parse::<Date>()
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| status(61500, &format!("date format error: {text:?}")))
}

pub async fn article_total_detail(
    AxState(sb): AxState<Shared>,
    Req(r): Req<DateRangeRequest>,
) -> Reply {
    if !sb.options.verified {
        return Err(status(48001, "api unauthorized"));
    }
    let begin = parse_date(&r.begin_date)?;
    let end = parse_date(&r.end_date)?;
    let s = sb.state();
    let today = today(&s);
    let yesterday = today.yesterday().unwrap_or(Date::MIN);
    if end > yesterday {
        return Err(status(
            61501,
            &format!("date range error: end_date {end} is after yesterday ({yesterday})"),
        ));
    }
    if begin > end {
        return Err(status(61501, "date range error: begin_date after end_date"));
    }
    if begin + (DATACUBE_MAX_DAYS - 1).days() < end {
        return Err(status(
            61501,
            &format!("date range error: more than {DATACUBE_MAX_DAYS} days"),
        ));
    }
    let mut list = Vec::new();
    for p in &s.published {
        let ref_date = china_date(p.update_time);
        if ref_date < begin || ref_date > end {
            continue;
        }
        let notified = p.broadcast;
        for (index, article) in (1u32..).zip(&p.articles) {
            let mut detail_list = Vec::new();
            for day in 0..DATACUBE_MAX_DAYS {
                let stat_date = ref_date + day.days();
                if stat_date > yesterday {
                    break;
                }
                let mut t = totals(&article.title, index, notified, day);
                t.stat_date = stat_date.to_string();
                detail_list.push(t);
            }
            list.push(ArticleTotalDetail {
                ref_date: ref_date.to_string(),
                msgid: format!("{}_{index}", p.msg_data_id),
                title: article.title.clone(),
                publish_type: if notified {
                    PUBLISH_TYPE_NOTIFIED
                } else {
                    PUBLISH_TYPE_NOT_NOTIFIED
                },
                detail_list,
            });
        }
    }
    ok(&ArticleTotalDetailResponse {
        list,
        is_delay: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_rise_fast_then_flatten_and_shares_follow() {
        let curve: Vec<u64> = (0..7)
            .map(|d| totals("周报怎么写", 1, false, d).read_user)
            .collect();
        assert!(curve.windows(2).all(|w| w[0] <= w[1]), "{curve:?}");
        let last = *curve.last().unwrap();
        assert!(
            curve[0] * 2 >= last - 1 && curve[1] * 4 >= last * 3 - 4,
            "{curve:?}"
        );
        let t = totals("周报怎么写", 1, false, 6);
        assert_eq!(t.share_user, t.read_user / 8);
        assert_eq!(t.read_delivery_rate, None);
        let notified = totals("周报怎么写", 1, true, 6);
        assert!(notified.read_user > t.read_user && notified.read_delivery_rate.is_some());
        assert!(totals("周报怎么写", 2, false, 6).read_user < t.read_user);
    }
}
