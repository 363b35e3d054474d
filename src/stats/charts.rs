//! Pictures of a report: [`charts`] turns [`Row`]s into SVG documents, drawn
//! with `plotters`' SVG backend (text stays text, for the browser to set in
//! whatever font has the glyphs, CJK included). Pure: rows in, strings out;
//! `wxpress stats --svg` writes them stacked in one file ([`stacked`]), the
//! preview's `/stats` page shows them inline.
//!
//! - `first-days`: each post's readers by the end of each of its first
//!   [`FIRST_DAYS`] days, one line per post (the [`LINES_MAX`] newest);
//! - `columns`: readers by column, one bar per column;
//! - `push-time`, `weekday`: mean day-1 readers of the pushes at each time of
//!   day and on each weekday (site's timezone), one bar per slot, with the
//!   number of pushes behind it.

use super::{Row, FIRST_DAYS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;

/// One chart: a self-contained `<svg>` document.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `first-days`, `columns`, `push-time` or `weekday`.
    pub id: &'static str,
    pub title: String,
    pub svg: String,
}

/// Size of every chart, in CSS pixels: fits a 900 px wide window.
pub const WIDTH: u32 = 860;
pub const HEIGHT: u32 = 360;
/// Posts drawn in `first-days` (the newest pushes); more lines are unreadable.
pub const LINES_MAX: usize = 8;
/// Width of the legend beside `first-days`.
const LEGEND: u32 = 250;
/// Columns of a title kept in a legend (a CJK character takes two): what
/// fits beside the plot.
const LEGEND_COLUMNS: usize = 28;
/// Widest bar, in px.
const BAR_MAX: f64 = 140.0;
/// Colour of every bar.
pub const BAR: RGBColor = RGBColor(0x07, 0xC1, 0x60);
/// One colour per line of `first-days` (d3's category10, readable on white).
const LINE_COLOURS: [RGBColor; LINES_MAX] = [
    RGBColor(0x1F, 0x77, 0xB4),
    RGBColor(0xFF, 0x7F, 0x0E),
    RGBColor(0x2C, 0xA0, 0x2C),
    RGBColor(0xD6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xBD),
    RGBColor(0x8C, 0x56, 0x4B),
    RGBColor(0xE3, 0x77, 0xC2),
    RGBColor(0x7F, 0x7F, 0x7F),
];
const FONT: &str = "sans-serif";
/// Font sizes as asked of plotters, which writes them 1/1.24 as large:
/// 20 is about 16 px.
const TITLE_SIZE: u32 = 22;
const LABEL_SIZE: u32 = 16;
const DESC_SIZE: u32 = 17;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The charts there is data for, in the order above; none for no rows.
pub fn charts(rows: &[Row]) -> Vec<Chart> {
    let mut out = Vec::new();
    if let Some(c) = first_days(rows) {
        out.push(c);
    }
    if !rows.is_empty() {
        let mut by_column: BTreeMap<String, (u64, usize)> = BTreeMap::new();
        for r in rows {
            let name = r.column.clone().unwrap_or_else(|| "(no column)".into());
            let e = by_column.entry(name).or_default();
            e.0 += r.read_user;
            e.1 += 1;
        }
        let mut bars: Vec<(String, f64)> = by_column
            .into_iter()
            .map(|(c, (reads, n))| (format!("{c} ({n})"), reads as f64))
            .collect();
        bars.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.push(bar_chart(
            "columns",
            "Readers by column (posts in brackets)",
            "column",
            "readers",
            &bars,
        ));
    }
    let mut by_time: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut by_day: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    for r in rows {
        let (Some(slot), Some(day1)) = (r.push_slot.as_deref(), r.day1_read_user) else {
            continue;
        };
        let Some((day, time)) = slot.split_once(' ') else {
            continue;
        };
        by_time.entry(time.to_string()).or_default().push(day1);
        if let Some(d) = WEEKDAYS.iter().position(|w| *w == day) {
            by_day.entry(d).or_default().push(day1);
        }
    }
    let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len() as f64;
    if !by_time.is_empty() {
        let bars: Vec<(String, f64)> = by_time
            .iter()
            .map(|(t, v)| (format!("{t} ({})", v.len()), mean(v)))
            .collect();
        out.push(bar_chart(
            "push-time",
            "Day-1 readers by push time (mean; pushes in brackets)",
            "time of day (site's timezone)",
            "day-1 readers",
            &bars,
        ));
    }
    if !by_day.is_empty() {
        let bars: Vec<(String, f64)> = by_day
            .iter()
            .map(|(d, v)| (format!("{} ({})", WEEKDAYS[*d], v.len()), mean(v)))
            .collect();
        out.push(bar_chart(
            "weekday",
            "Day-1 readers by weekday (mean; pushes in brackets)",
            "weekday of the push",
            "day-1 readers",
            &bars,
        ));
    }
    out
}

/// All charts in one SVG document, one under the other (what `--svg` writes);
/// a line saying how to get data when there are none.
pub fn stacked(charts: &[Chart]) -> String {
    let height = (charts.len() as u32 * HEIGHT).max(60);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n"
    );
    if charts.is_empty() {
        svg.push_str(
            "<text x=\"20\" y=\"36\" font-family=\"sans-serif\" font-size=\"16\">No statistics yet: `wxpress stats --fetch` records them (the data API has numbers from the day after publishing).</text>\n",
        );
    }
    for (i, c) in charts.iter().enumerate() {
        let y = i as u32 * HEIGHT;
        // A nested <svg> is placed by x and y like any element.
        svg.push_str(
            &c.svg
                .replacen("<svg ", &format!("<svg x=\"0\" y=\"{y}\" "), 1),
        );
        svg.push('\n');
    }
    svg.push_str("</svg>\n");
    svg
}

fn title_style() -> TextStyle<'static> {
    (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold).into()
}

/// Runs `draw` on a fresh SVG of the chart size. Drawing into a string fails
/// only on a bug here (a range or element plotters rejects): the chart then says so.
fn render(
    title: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|_| root.titled(title, title_style()).map_err(|e| e.to_string()))
            .and_then(|area| draw(&area.margin(4, 8, 8, 16)))
            .and_then(|_| root.present().map_err(|e| e.to_string()));
        if let Err(e) = drawn {
            let _ = root.draw_text(
                &format!("this chart could not be drawn: {e}"),
                &(FONT, LABEL_SIZE).into_font().color(&RED),
                (20, 40),
            );
            let _ = root.present();
        }
    }
    svg
}

/// `first-days`, when some row has a number for one of its first days.
fn first_days(rows: &[Row]) -> Option<Chart> {
    let mut lines: Vec<&Row> = rows
        .iter()
        .filter(|r| r.reads_by_day.iter().any(Option::is_some))
        .collect();
    if lines.is_empty() {
        return None;
    }
    lines.sort_by(|a, b| {
        b.published_at
            .cmp(&a.published_at)
            .then(a.msgid.cmp(&b.msgid))
    });
    let shown = lines.len().min(LINES_MAX);
    let title = if lines.len() > shown {
        format!(
            "Readers over the first {FIRST_DAYS} days (the {shown} newest of {} posts)",
            lines.len()
        )
    } else {
        format!("Readers over the first {FIRST_DAYS} days")
    };
    lines.truncate(shown);
    let top = lines
        .iter()
        .flat_map(|r| r.reads_by_day.iter().flatten())
        .max()
        .copied()
        .unwrap_or(0);
    let svg = render(&title, |area| {
        let (plot, legend) = area.split_horizontally(WIDTH - LEGEND);
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0..FIRST_DAYS as i32 + 1, 0f64..y_max(top as f64))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_labels(FIRST_DAYS as usize + 2)
            .x_label_formatter(&|d| {
                if (1..=FIRST_DAYS as i32).contains(d) {
                    d.to_string()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("day (1: the publishing day)")
            .y_desc("readers so far")
            .label_style((FONT, LABEL_SIZE))
            .axis_desc_style((FONT, DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, r) in lines.iter().enumerate() {
            let colour = LINE_COLOURS[i % LINES_MAX];
            let points: Vec<(i32, f64)> = r
                .reads_by_day
                .iter()
                .enumerate()
                .filter_map(|(d, v)| Some((d as i32 + 1, (*v)? as f64)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(points.iter().map(|p| Circle::new(*p, 3, colour.filled())))
                .map_err(|e| e.to_string())?;
            let y = 40 + 24 * i as i32;
            legend
                .draw(&PathElement::new(
                    vec![(4, y), (28, y)],
                    colour.stroke_width(3),
                ))
                .map_err(|e| e.to_string())?;
            legend
                .draw_text(
                    &legend_label(&r.title),
                    &TextStyle::from((FONT, LABEL_SIZE).into_font())
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                    (34, y),
                )
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    });
    Some(Chart {
        id: "first-days",
        title,
        svg,
    })
}

fn legend_label(title: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut label = String::new();
    let mut columns = 0;
    for c in title.chars() {
        columns += c.width().unwrap_or(0);
        if columns > LEGEND_COLUMNS {
            label.push('…');
            break;
        }
        label.push(c);
    }
    label
}

/// A little headroom above the highest point, and a non-empty range for zeros.
fn y_max(top: f64) -> f64 {
    if top <= 0.0 {
        1.0
    } else {
        top * 1.15
    }
}

/// One bar per `(label, value)`, in that order, each with its value above it.
fn bar_chart(
    id: &'static str,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    bars: &[(String, f64)],
) -> Chart {
    let top = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let n = bars.len();
    // Bars at most BAR_MAX px wide: a single bar should not fill the chart.
    let slot = (WIDTH as f64 - 90.0) / n.max(1) as f64;
    let side = ((1.0 - BAR_MAX / slot) / 2.0).max(0.08);
    let label = || TextStyle::from((FONT, LABEL_SIZE).into_font());
    let svg = render(title, |area| {
        // Bar i spans x = i..i + 1; its label is drawn under its centre here
        // (plotters' own x labels fall where round numbers do).
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..n as f64, 0f64..y_max(top))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((FONT, LABEL_SIZE))
            .axis_desc_style((FONT, DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
                let x = i as f64;
                Rectangle::new([(x + side, 0.0), (x + 1.0 - side, *v)], BAR.filled())
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
                Text::new(
                    format!("{v:.0}"),
                    (i as f64 + 0.5, *v),
                    label().pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(|e| e.to_string())?;
        let (bx, by) = area.get_base_pixel();
        for (i, (name, _)) in bars.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            area.draw_text(
                name,
                &label().pos(Pos::new(HPos::Center, VPos::Top)),
                (x - bx, y - by + 6),
            )
            .map_err(|e| e.to_string())?;
        }
        Ok(())
    });
    Chart {
        id,
        title: title.to_string(),
        svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, title: &str, column: Option<&str>, slot: Option<&str>, days: usize) -> Row {
        let reads_by_day: Vec<Option<u64>> = (0..FIRST_DAYS as usize)
            .map(|d| (d < days).then_some(100 * n as u64 + 10 * d as u64))
            .collect();
        Row {
            source: None,
            title: title.into(),
            column: column.map(str::to_string),
            msgid: format!("{}_1", 1000 + n),
            mode: None,
            notified: false,
            published_at: format!("2026-11-{:02}T18:00:00+08:00", 10 + n),
            push_slot: slot.map(str::to_string),
            ref_date: format!("2026-11-{:02}", 10 + n),
            stat_date: "2026-11-30".into(),
            read_user: 1000 * n as u64,
            share_user: 0,
            add_to_fav_user: 0,
            like_user: 0,
            comment_count: 0,
            read_per_notified: None,
            day1_read_per_notified: None,
            day1_read_user: reads_by_day[0],
            day7_read_user: reads_by_day[6],
            reads_by_day,
        }
    }

    /// Bars drawn at least 20 px wide.
    fn bars(svg: &str) -> usize {
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", BAR.0, BAR.1, BAR.2);
        svg.lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&fill))
            .filter(|l| {
                let width = l.split("width=\"").nth(1).and_then(|w| w.split('"').next());
                width
                    .and_then(|w| w.parse::<f64>().ok())
                    .is_some_and(|w| w >= 20.0)
            })
            .count()
    }

    fn find<'a>(charts: &'a [Chart], id: &str) -> &'a Chart {
        charts
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no chart {id}"))
    }

    #[test]
    fn one_line_per_post_a_bar_per_column_and_slot() {
        let rows = vec![
            row(1, "你好，wxpress", Some("notes"), Some("Wed 18:32"), 7),
            row(2, "第二篇", Some("notes"), Some("Wed 18:32"), 3),
            row(3, "Rust & <tools>", Some("tech"), Some("Fri 08:00"), 7),
            row(4, "别处发的文章", None, None, 1),
        ];
        let charts = charts(&rows);
        let ids: Vec<&str> = charts.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["first-days", "columns", "push-time", "weekday"]);

        let lines = &find(&charts, "first-days").svg;
        // A line (2 px) per post and its legend entry (3 px), a point per kept day.
        assert_eq!(
            lines.matches("stroke-width=\"2\" points=").count(),
            4,
            "{lines}"
        );
        assert_eq!(
            lines.matches("stroke-width=\"3\" points=").count(),
            4,
            "{lines}"
        );
        assert_eq!(lines.matches("<circle").count(), 7 + 3 + 7 + 1);
        for title in [
            "你好，wxpress",
            "第二篇",
            "别处发的文章",
            "Rust &amp; &lt;tools&gt;",
        ] {
            assert!(lines.contains(title), "{title} in the legend");
        }
        assert!(!lines.contains("<tools>"), "titles are escaped");
        assert!(lines.contains("readers so far") && lines.contains("day (1: the publishing day)"));

        let columns = &find(&charts, "columns").svg;
        assert_eq!(bars(columns), 3, "notes, tech, (no column)");
        assert!(columns.contains("notes (2)") && columns.contains("(no column) (1)"));
        // notes: 1000 + 2000 readers.
        assert!(
            columns.contains(">\n3000\n<") || columns.contains(">3000<"),
            "{columns}"
        );

        let times = &find(&charts, "push-time").svg;
        assert_eq!(bars(times), 2);
        assert!(times.contains("08:00 (1)") && times.contains("18:32 (2)"));
        // Mean day-1 readers at 18:32: (100 + 200) / 2.
        assert!(times.contains("150"), "{times}");
        let days = &find(&charts, "weekday").svg;
        assert_eq!(bars(days), 2);
        assert!(days.find("Wed (2)").unwrap() < days.find("Fri (1)").unwrap());
    }

    #[test]
    fn only_the_newest_posts_are_drawn_and_long_titles_are_cut() {
        let rows: Vec<Row> = (1..=LINES_MAX + 2)
            .map(|n| {
                row(
                    n,
                    &format!("第{n}篇：一个很长很长很长很长的标题"),
                    None,
                    None,
                    7,
                )
            })
            .collect();
        let chart = &charts(&rows)[0];
        assert_eq!(chart.svg.matches("<circle").count(), 7 * LINES_MAX);
        assert!(chart
            .title
            .contains(&format!("the {LINES_MAX} newest of 10 posts")));
        assert!(
            chart.svg.contains("第10篇：一个很长很长很长很长…"),
            "newest kept, cut"
        );
        assert!(!chart.svg.contains("第1篇："), "oldest left out");
        // Latin letters are half as wide: a longer English title fits.
        assert_eq!(
            legend_label("Notes on plotters and SVG!"),
            "Notes on plotters and SVG!"
        );
        assert_eq!(
            legend_label("Notes on plotters and SVG charts"),
            "Notes on plotters and SVG ch…"
        );
    }

    #[test]
    fn no_rows_no_charts_and_the_file_says_how_to_get_data() {
        assert!(charts(&[]).is_empty());
        let svg = stacked(&[]);
        assert!(svg.starts_with("<svg") && svg.contains("wxpress stats --fetch"));
        // Articles outside the ledger: no push times, but lines and columns.
        let one = charts(&[row(1, "t", None, None, 2)]);
        let ids: Vec<&str> = one.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["first-days", "columns"]);
        assert_eq!(
            bars(&one[1].svg),
            1,
            "a single bar is drawn: {}",
            one[1].svg
        );
    }

    #[test]
    fn stacked_places_each_chart_below_the_last() {
        let rows = vec![row(1, "t", Some("notes"), Some("Wed 18:32"), 7)];
        let charts = charts(&rows);
        let svg = stacked(&charts);
        assert_eq!(svg.matches("<svg").count(), 1 + charts.len());
        assert!(svg.contains(&format!("height=\"{}\"", 4 * HEIGHT)));
        assert!(svg.contains(&format!("<svg x=\"0\" y=\"{}\" ", 3 * HEIGHT)));
    }
}
