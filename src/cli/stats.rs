use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::ledger::{self, LedgerView};
use wxpress::stats::{self, Advice, Filter, Row, Sort, Store};
use wxpress::wechat::Client;

/// Review what each published post did: reads, shares, favourites, day 1 and day 7.
///
/// Fetches the numbers of the articles published in the last 30 days from WeChat's
/// data API (datacube/getarticletotaldetail; verified accounts only; data up to
/// yesterday, China time) into .wxpress/stats/ (one JSON line per article per
/// day; commit it with the ledger), then reports every article kept there, joined
/// to its post through the ledger. Fetching the same day twice writes nothing.
///
/// `--offline` reports from .wxpress/stats/ alone (no secret, no network);
/// `--fetch` only records, for cron jobs and the daemon.
#[derive(clap::Args)]
pub struct Args {
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Only fetch and record the numbers; print what was written, no report
    #[arg(long, conflicts_with = "offline")]
    fetch: bool,
    /// Report from .wxpress/stats/ without calling WeChat
    #[arg(long)]
    offline: bool,
    /// Only posts of this column (its slug)
    #[arg(long, value_name = "SLUG")]
    column: Option<String>,
    /// First publishing day, YYYY-MM-DD (also how far back a fetch asks; a
    /// longer range is fetched 30 days per call) [default: report all; fetch the
    /// last 30 days]
    #[arg(long, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last publishing day to report, YYYY-MM-DD (included)
    #[arg(long, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Order of the report [default: newest push first]
    #[arg(long, value_enum)]
    sort: Option<SortBy>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Also write the report's charts to FILE, one SVG with all of them stacked
    /// (open it in a browser): readers over each post's first 7 days, readers by
    /// column, day-1 readers by push time and weekday
    #[arg(long, value_name = "FILE", conflicts_with = "fetch")]
    svg: Option<PathBuf>,
    /// Pretend it is this moment (e.g. 2026-12-08T09:00:00 in the site's
    /// timezone, or with an offset): the data API has data up to the day before
    #[arg(long, value_name = "T")]
    now: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SortBy {
    Reads,
    Shares,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Csv,
}

pub fn run(args: Args) -> ExitCode {
    let (root, site) = match super::load_site(&args.root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let config = &site.config;
    let now = match wxpress::schedule::parse_now(args.now.as_deref(), &config.tz) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let mut store = match Store::read(&root) {
        Ok(s) => s,
        Err(e) => return super::fail(e.to_string()),
    };
    if !args.offline {
        let client = match super::client_options(&config.wechat).and_then(Client::new) {
            Ok(c) => c,
            Err(e) => return super::fail(e.to_string()),
        };
        match stats::fetch(&client, &mut store, now, args.from) {
            Ok(f) => {
                let delay = if f.is_delay {
                    " (WeChat is still computing some numbers: fetch again later)"
                } else {
                    ""
                };
                eprintln!(
                    "fetched {} article(s) published {}..{} in {} call(s): {} new line(s) in {}{delay}",
                    f.articles,
                    f.from,
                    f.to,
                    f.calls,
                    f.added,
                    stats::dir(&args.root).display()
                );
                // What the daemon looks at, so that it does not fetch this day again.
                let through = stats::daily::complete_through(now, config.stats.fetch_time);
                if let Err(e) =
                    stats::daily::remember_fetched(&root, through, jiff::Timestamp::now())
                {
                    return super::fail(e.to_string());
                }
            }
            Err(e) => return super::fail(e.to_string()),
        }
        if args.fetch {
            return ExitCode::SUCCESS;
        }
    }
    let view = match LedgerView::read(&ledger::path(&root)) {
        Ok(v) => v,
        Err(e) => return super::fail(e.to_string()),
    };
    let (posts, _) = wxpress::content::load_all(&root, config);
    let filter = Filter {
        column: args.column.clone(),
        from: args.from,
        to: args.to,
        sort: match args.sort {
            None => Sort::Published,
            Some(SortBy::Reads) => Sort::Reads,
            Some(SortBy::Shares) => Sort::Shares,
        },
    };
    let rows = stats::report(config, &posts, &view, &store, &filter);
    if let Some(file) = &args.svg {
        let charts = stats::charts::charts(&rows);
        if let Err(e) = std::fs::write(file, stats::charts::stacked(&charts)) {
            return super::fail(format!("cannot write {}: {e}", file.display()));
        }
        eprintln!("wrote {} chart(s) to {}", charts.len(), file.display());
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        ),
        Format::Csv => print!("{}", csv(&rows)),
        Format::Human => {
            print_human(&rows);
            print_advice(&stats::advise(&rows));
        }
    }
    ExitCode::SUCCESS
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

fn percent(v: Option<f64>) -> String {
    v.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "-".into())
}

fn print_human(rows: &[Row]) {
    if rows.is_empty() {
        println!(
            "no statistics yet: `wxpress stats` fetches them (the data API has numbers from the day after publishing)"
        );
        return;
    }
    println!(
        "{:<16} {:<9} {:<10} {:>6} {:>6} {:>6} {:>8} {:>6} {:>5}  title / source",
        "published", "slot", "column", "reads", "day1", "day7", "read/fan", "shares", "favs"
    );
    for r in rows {
        let published = r.published_at.get(..16).unwrap_or(&r.published_at);
        println!(
            "{:<16} {:<9} {:<10} {:>6} {:>6} {:>6} {:>8} {:>6} {:>5}  《{}》 {}",
            published.replace('T', " "),
            opt(r.push_slot.as_ref()),
            opt(r.column.as_ref()),
            r.read_user,
            opt(r.day1_read_user),
            opt(r.day7_read_user),
            percent(r.read_per_notified),
            r.share_user,
            r.add_to_fav_user,
            r.title,
            r.source.as_deref().unwrap_or("(published outside wxpress)")
        );
    }
    println!("numbers as of each row's stat_date (up to yesterday); read/fan: readers per notified follower (broadcasts only)");
}

/// RFC 4180: fields with a comma, quote or line break are quoted.
fn csv(rows: &[Row]) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::from(
        "source,title,column,msgid,mode,notified,published_at,push_slot,ref_date,stat_date,read_user,share_user,add_to_fav_user,like_user,comment_count,read_per_notified,day1_read_user,day7_read_user\n",
    );
    let blank = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        let cells = [
            blank(r.source.clone()),
            r.title.clone(),
            blank(r.column.clone()),
            r.msgid.clone(),
            blank(
                r.mode
                    .map(wxpress::config::PublishMode::name)
                    .map(str::to_string),
            ),
            r.notified.to_string(),
            r.published_at.clone(),
            blank(r.push_slot.clone()),
            r.ref_date.clone(),
            r.stat_date.clone(),
            r.read_user.to_string(),
            r.share_user.to_string(),
            r.add_to_fav_user.to_string(),
            r.like_user.to_string(),
            r.comment_count.to_string(),
            blank(r.read_per_notified.map(|v| v.to_string())),
            blank(r.day1_read_user.map(|v| v.to_string())),
            blank(r.day7_read_user.map(|v| v.to_string())),
        ];
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// When to push: only broadcasts' headlines say how notified followers answer.
fn print_advice(advice: &Advice) {
    if advice.slots.is_empty() {
        return;
    }
    println!();
    println!("when to push (day-1 readers per notified follower, broadcast headlines):");
    for s in &advice.slots {
        println!(
            "  {:<6} {:>6}  {} push(es)",
            s.slot,
            percent(Some(s.day1_read_per_notified)),
            s.pushes
        );
    }
    let days: Vec<String> = advice
        .weekdays
        .iter()
        .map(|d| {
            format!(
                "{} {} ({})",
                d.slot,
                percent(Some(d.day1_read_per_notified)),
                d.pushes
            )
        })
        .collect();
    println!("  by weekday: {}", days.join(", "));
    match &advice.suggested_slots {
        Some(slots) => println!(
            "  suggestion: [schedule] slots = [{}]",
            slots
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => println!(
            "  not enough data for a suggestion yet: it needs {} broadcasts at each of two times of day",
            stats::MIN_PUSHES_PER_SLOT
        ),
    }
}
