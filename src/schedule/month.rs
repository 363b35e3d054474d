//! A month of the calendar as a grid of weeks, Monday first, for the content
//! calendar an editor plans in (`wxpress serve`'s `/calendar`). Pure: the pushes,
//! the month and today's date in, the grid out.

use super::{ScheduledPush, Status};
use jiff::civil::Date;
use serde::Serialize;

/// One month, whole weeks from the Monday on or before its first day to the
/// Sunday on or after its last.
#[derive(Debug, Serialize)]
pub struct Month<'a> {
    /// "2026-12".
    pub month: String,
    pub previous: String,
    pub next: String,
    pub weeks: Vec<Vec<Day<'a>>>,
    /// Pushes in this month by status, for the legend.
    pub upcoming: usize,
    pub due: usize,
    pub missed: usize,
    pub done: usize,
}

#[derive(Debug, Serialize)]
pub struct Day<'a> {
    /// "2026-12-02".
    pub date: String,
    /// Day of the month, 1–31.
    pub day: i8,
    /// False for the days of the previous and next month that fill the first and
    /// last weeks.
    pub in_month: bool,
    pub today: bool,
    pub pushes: Vec<&'a ScheduledPush>,
}

/// The grid of the month containing `any_day`, with each push on
/// the day it goes out in the site's timezone (the pushes' own zone).
pub fn month<'a>(pushes: &'a [ScheduledPush], any_day: Date, today: Date) -> Month<'a> {
    let first = any_day.first_of_month();
    let last = any_day.last_of_month();
    let back = i64::from(first.weekday().to_monday_zero_offset());
    let mut day = first
        .checked_sub(jiff::Span::new().days(back))
        .unwrap_or(first);
    let mut weeks = Vec::new();
    while day <= last {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            week.push(Day {
                date: day.to_string(),
                day: day.day(),
                in_month: day.year() == first.year() && day.month() == first.month(),
                today: day == today,
                pushes: pushes.iter().filter(|p| p.at.date() == day).collect(),
            });
            day = day.tomorrow().unwrap_or(day);
        }
        weeks.push(week);
    }
    let in_month = |p: &&ScheduledPush| {
        let d = p.at.date();
        d >= first && d <= last
    };
    let count = |s: Status| {
        pushes
            .iter()
            .filter(in_month)
            .filter(|p| p.status == s)
            .count()
    };
    Month {
        month: first.strftime("%Y-%m").to_string(),
        previous: first
            .yesterday()
            .unwrap_or(first)
            .strftime("%Y-%m")
            .to_string(),
        next: last
            .tomorrow()
            .unwrap_or(last)
            .strftime("%Y-%m")
            .to_string(),
        weeks,
        upcoming: count(Status::Upcoming),
        due: count(Status::Due) + count(Status::Unfinished),
        missed: count(Status::Missed),
        done: count(Status::Done),
    }
}

/// Reads `2026-12` (a month) or `2026-12-02` (a day of it).
pub fn parse_month(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let full = if text.len() == 7 {
        format!("{text}-01")
    } else {
        text.to_string()
    };
    full.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a month: write it as 2026-12"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PublishMode;
    use jiff::civil::date;

    fn push(at: &str, status: Status) -> ScheduledPush {
        ScheduledPush {
            at: at.parse().unwrap(),
            mode: PublishMode::Draft,
            status,
            items: Vec::new(),
            quota: None,
            in_slot: true,
        }
    }

    #[test]
    fn weeks_run_monday_to_sunday_around_the_month() {
        // December 2026 starts on a Tuesday and ends on a Thursday.
        let m = month(&[], date(2026, 12, 15), date(2026, 12, 2));
        assert_eq!(m.month, "2026-12");
        assert_eq!(
            (m.previous.as_str(), m.next.as_str()),
            ("2026-11", "2027-01")
        );
        assert_eq!(m.weeks.len(), 5);
        assert_eq!(m.weeks[0][0].date, "2026-11-30");
        assert!(!m.weeks[0][0].in_month && m.weeks[0][1].in_month);
        assert_eq!(m.weeks[4][6].date, "2027-01-03");
        let today: Vec<&str> = m
            .weeks
            .iter()
            .flatten()
            .filter(|d| d.today)
            .map(|d| d.date.as_str())
            .collect();
        assert_eq!(today, ["2026-12-02"]);
        // A month starting on a Monday has no days of the month before.
        let june = month(&[], date(2026, 6, 1), date(2026, 12, 2));
        assert_eq!(june.weeks[0][0].date, "2026-06-01");
        // February 2027 starts on a Monday and has 28 days: exactly four weeks.
        assert_eq!(
            month(&[], date(2027, 2, 10), date(2026, 1, 1)).weeks.len(),
            4
        );
    }

    #[test]
    fn pushes_land_on_their_local_day_and_are_counted_by_status() {
        let pushes = [
            push("2026-12-01T20:30:00+08:00[Asia/Shanghai]", Status::Done),
            push("2026-12-02T00:10:00+08:00[Asia/Shanghai]", Status::Missed),
            push("2026-12-24T12:00:00+08:00[Asia/Shanghai]", Status::Upcoming),
            push("2027-01-01T12:00:00+08:00[Asia/Shanghai]", Status::Upcoming),
        ];
        let m = month(&pushes, date(2026, 12, 1), date(2026, 12, 2));
        let on = |d: &str| {
            m.weeks
                .iter()
                .flatten()
                .find(|x| x.date == d)
                .unwrap()
                .pushes
                .len()
        };
        assert_eq!(
            (on("2026-12-01"), on("2026-12-02"), on("2026-12-24")),
            (1, 1, 1)
        );
        // Shown in the grid's trailing days, not counted in the month's legend.
        assert_eq!(on("2027-01-01"), 1);
        assert_eq!((m.upcoming, m.due, m.missed, m.done), (1, 0, 1, 1));
    }

    #[test]
    fn months_parse_with_a_clear_error() {
        assert_eq!(parse_month("2026-12").unwrap(), date(2026, 12, 1));
        assert_eq!(parse_month("2026-12-20").unwrap(), date(2026, 12, 20));
        assert_eq!(
            parse_month("十二月").unwrap_err(),
            "`十二月` is not a month: write it as 2026-12"
        );
    }
}
