use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::config::Config;
use wxpress::ledger::{self, LedgerView};
use wxpress::schedule::{self, ScheduledPush, Status};

/// Show the calendar of pushes: every post with a `schedule`, grouped by moment.
///
/// Posts with the same `schedule` go out as one push (at most 8 articles, the
/// headline is `position = 1`, then by path). Days and months are those of
/// `[site] timezone`. For each push: its time, mode, state (upcoming, due,
/// unfinished, done, missed: more than `[schedule] grace` late), its articles and,
/// for broadcasts, the quota it uses (subscription accounts: 1 a day; service
/// accounts: 4 a month). Problems are listed as the `schedule-*` check rules.
///
/// Exit status 1 when the schedule has errors (overfull push, quota exceeded).
#[derive(clap::Args)]
pub struct Args {
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// First day to show, YYYY-MM-DD in the site's timezone [default: all]
    #[arg(long, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last day to show (included), YYYY-MM-DD in the site's timezone
    #[arg(long, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    format: super::publish::Format,
    /// Pretend it is this moment (e.g. 2026-12-01T12:00:00, in the site's
    /// timezone, or with an offset) [default: now]
    #[arg(long, value_name = "T")]
    now: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    let config = match Config::load(&args.root) {
        Ok(c) => c,
        Err(d) => {
            super::print_diagnostics(&d);
            return ExitCode::from(super::EXIT_INVALID);
        }
    };
    let now = match schedule::parse_now(args.now.as_deref(), &config.tz) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    };
    let (posts, mut problems) = wxpress::content::load_all(&args.root, &config);
    let view = match LedgerView::read(&ledger::path(&args.root)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    };
    let cal = schedule::calendar(&config, config.wechat.mode, &posts, &view, &now);
    let (shown, in_range) = schedule::days(&config, &cal, &posts, args.from, args.to);
    problems.extend(in_range);
    wxpress::diagnostic::sort(&mut problems);

    let now_local = now.to_zoned(config.tz.clone());
    match args.format {
        super::publish::Format::Json => println!(
            "{}",
            serde_json::json!({
                "now": now_local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                "timezone": config.site.timezone(),
                "account": config.wechat.account,
                "grace": format!("{:#}", config.schedule.grace_duration),
                "pushes": shown,
                "problems": problems,
            })
        ),
        super::publish::Format::Human => {
            print_human(&config, &shown, &now_local);
            super::print_diagnostics(&problems);
        }
    }
    if problems.iter().any(|d| d.is_error()) {
        ExitCode::from(super::EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_human(config: &Config, pushes: &[&ScheduledPush], now: &jiff::Zoned) {
    println!(
        "schedule in {} (now {}), grace {:#}",
        config.site.timezone(),
        now.strftime("%Y-%m-%d %H:%M"),
        config.schedule.grace_duration
    );
    if pushes.is_empty() {
        println!("no scheduled posts (add `schedule = \"2026-12-01T12:00:00\"` to a post's front matter)");
        return;
    }
    for p in pushes {
        let status = match p.status {
            Status::Upcoming => "upcoming",
            Status::Due => "due",
            Status::Unfinished => "unfinished",
            Status::Done => "done",
            Status::Missed => "MISSED",
        };
        let mut line = format!(
            "{}  {}  {status}  {} article(s)",
            p.at.strftime("%Y-%m-%d %a %H:%M"),
            p.mode.name(),
            p.items.len()
        );
        if let Some(q) = &p.quota {
            line.push_str(&format!("  quota {}/{} for {}", q.used, q.limit, q.period));
            if q.used > q.limit {
                line.push_str(" (OVER)");
            }
        }
        if !p.in_slot {
            line.push_str("  (outside slots)");
        }
        println!("{line}");
        for (n, item) in p.items.iter().enumerate() {
            println!(
                "  {}. [{}] 《{}》  {}{}",
                n + 1,
                item.column.as_deref().unwrap_or("-"),
                item.title,
                item.source,
                if item.done { "  (done)" } else { "" }
            );
        }
    }
}
