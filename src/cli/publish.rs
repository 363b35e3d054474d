use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;
use wxpress::config::PublishMode;
use wxpress::publish::{self, Event, Outcome, Session, Stopped};
use wxpress::wechat::Audience;

/// Publish posts to the WeChat Official Account, each exactly once.
///
/// Posts with the same `schedule` go out together (one draft, headline first by
/// `position`, at most 8). Every step is written to .wxpress/ledger.jsonl (commit it):
/// a rerun after a crash finishes what was started and never publishes twice.
///
/// Needs `[wechat] appid` in config.toml and the secret in WXPRESS_APP_SECRET.
/// Try it without an account: run `wxpress sandbox` and set
/// WXPRESS_API_BASE=http://127.0.0.1:PORT.
///
/// Scheduled publishing: `--due` publishes every push whose `schedule` has come
/// (within `[schedule] grace`) and is not in the ledger yet; run it from cron, a
/// CI schedule or a systemd timer as often as you like. `--daemon` does the same
/// by itself, waking up when the next push is due, and once a day (after
/// `[stats] fetch_at`, China time, default 09:00) it fetches the statistics into
/// .wxpress/stats/ like `wxpress stats --fetch`. See `wxpress schedule`.
#[derive(clap::Args)]
pub struct Args {
    /// Post files, or folders of posts, to publish (not with --due or --daemon)
    #[arg(required_unless_present_any = ["due", "daemon"], conflicts_with_all = ["due", "daemon"])]
    paths: Vec<PathBuf>,
    /// Publish every scheduled push whose time has come, within [schedule] grace,
    /// that the ledger does not have yet. Safe to run again: each push goes out once
    #[arg(long)]
    due: bool,
    /// Keep running: publish each push when it falls due, re-reading the posts at
    /// every wake-up. One JSON log line per action on stdout; SIGTERM or Ctrl-C
    /// stops it after the current step
    #[arg(long, conflicts_with_all = ["due", "dry_run", "now"])]
    daemon: bool,
    /// With --daemon: do not fetch the statistics once a day (the data API is for
    /// verified accounts only)
    #[arg(long, requires = "daemon")]
    no_stats: bool,
    /// With --due: pretend it is this moment (e.g. 2026-12-01T12:05:00 in the
    /// site's timezone, or with an offset)
    #[arg(long, value_name = "T", requires = "due")]
    now: Option<String>,
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// draft: create a draft to publish by hand; publish: publish without a push
    /// notification; broadcast: mass-send to followers (uses quota) [default: [wechat] mode]
    #[arg(long, value_enum)]
    mode: Option<Mode>,
    /// Broadcast only to followers with this tag id instead of all followers
    #[arg(long)]
    tag: Option<u64>,
    /// Print every call that would be made, without network or ledger writes
    #[arg(long)]
    dry_run: bool,
    /// Output format of the report
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Seconds to wait for another run on this site to finish
    #[arg(long, default_value = "60")]
    wait: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Mode {
    Draft,
    Publish,
    Broadcast,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Progress: a spinner on a terminal, plain lines otherwise (logs, CI).
#[derive(Clone)]
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    pub fn line(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(message),
            None => eprintln!("{message}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl publish::Progress for Progress {
    fn step(&self, message: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_message(message.to_string());
                bar.println(format!("  {message}"));
            }
            None => eprintln!("  {message}"),
        }
    }
}

/// Turns a session's events into progress lines.
pub fn events(progress: &Progress) -> publish::Events {
    let progress = progress.clone();
    Rc::new(move |event| match event {
        Event::Step(m) => publish::Progress::step(&progress, &m),
        Event::Retry(m) => progress.line(&format!("  {m}")),
        Event::WaitingForLock => {
            progress.line("another wxpress run is publishing this site; waiting for it to finish…")
        }
    })
}

pub fn run(args: Args) -> ExitCode {
    let (root, mut site) = match super::load_site(&args.root) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    // Remote images are fetched (or found fetched) and uploaded like local ones.
    site.images.set_remote(wxpress::images::Remote::Fetch(
        wxpress::images::FetchOptions::default(),
    ));
    let mode = match args.mode {
        Some(Mode::Draft) => PublishMode::Draft,
        Some(Mode::Publish) => PublishMode::Publish,
        Some(Mode::Broadcast) => PublishMode::Broadcast,
        None => site.config.wechat.mode,
    };
    let audience = args.tag.map_or(Audience::All, Audience::Tag);
    let settings = super::publish_settings(mode, audience);
    let wait = Duration::from_secs(args.wait);
    if args.daemon {
        return super::daemon::run(&root, settings, wait, !args.no_stats);
    }
    let session = Session::new(&root, &site, settings, wait);
    // Due work this run leaves undone (over quota, unreadable posts): each one is
    // an entry of the JSON report and makes the exit status non-zero, so that cron
    // and CI notice.
    let mut left_undone: Vec<wxpress::diagnostic::Diagnostic> = Vec::new();
    let files = if args.due {
        let now = match wxpress::schedule::parse_now(args.now.as_deref(), &site.config.tz) {
            Ok(t) => t,
            Err(e) => return super::fail(e),
        };
        let due = match session.due(&now) {
            Ok(due) => due,
            Err(e) => return super::fail(e),
        };
        // A post that does not load has no schedule we can read: say so rather
        // than skip it silently.
        super::print_diagnostics(&due.unreadable);
        left_undone.extend(due.unreadable.iter().cloned());
        if due.over_quota_pushes > 0 {
            super::print_diagnostics(&due.over_quota);
            eprintln!(
                "not sent: {} due push(es) beyond the account's broadcast quota",
                due.over_quota_pushes
            );
            left_undone.extend(due.over_quota.iter().cloned());
        }
        if due.files.is_empty() {
            match args.format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({ "pushes": [], "refused": left_undone })
                ),
                Format::Human if left_undone.is_empty() => println!("nothing due"),
                Format::Human => println!(
                    "nothing sent: due work was refused ({} problem(s) above)",
                    left_undone.len()
                ),
            }
            return if left_undone.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(super::EXIT_INVALID)
            };
        }
        due.files
    } else {
        match session.select(&args.paths) {
            Ok(f) => f,
            Err(d) => {
                super::print_diagnostics(&d);
                return ExitCode::from(super::EXIT_FAILURE);
            }
        }
    };
    let pushes = match session.prepare(&files) {
        Ok((pushes, warnings)) => {
            super::print_diagnostics(&warnings);
            pushes
        }
        Err(d) => {
            super::print_diagnostics(&d);
            let n = d.iter().filter(|d| d.is_error()).count();
            eprintln!("publish refused: {n} error(s); nothing was sent to WeChat");
            return ExitCode::from(super::EXIT_INVALID);
        }
    };

    if args.dry_run {
        let plan = match session.dry_run(&pushes) {
            Ok(plan) => plan,
            Err(e) => return super::fail(e),
        };
        match args.format {
            Format::Json => println!(
                "{}",
                serde_json::json!({ "dry_run": true, "mode": mode, "calls": plan.calls, "refused": plan.refused })
            ),
            Format::Human => {
                println!("dry run: no network, nothing written. These calls would be made:");
                for c in &plan.calls {
                    println!("  {c}");
                }
                for r in &plan.refused {
                    println!("refused: {r}");
                }
            }
        }
        return ExitCode::SUCCESS;
    }

    let progress = Progress::new();
    let outcomes = session.run(&pushes, &super::client_options, events(&progress), &|| {
        false
    });
    progress.finish();
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(Stopped::Refused(refusals)) => {
            for r in &refusals {
                eprintln!("error: {r}");
            }
            return ExitCode::from(super::EXIT_INVALID);
        }
        Err(Stopped::Failed(e)) => return super::fail(e),
    };
    report(&outcomes, &left_undone, args.format);
    if outcomes.iter().any(|o| o.error.is_some()) {
        ExitCode::from(super::EXIT_FAILURE)
    } else if !left_undone.is_empty() {
        ExitCode::from(super::EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn report(outcomes: &[Outcome], refused: &[wxpress::diagnostic::Diagnostic], format: Format) {
    if format == Format::Json {
        println!(
            "{}",
            serde_json::json!({ "pushes": outcomes, "refused": refused })
        );
        return;
    }
    for o in outcomes {
        let titles: Vec<String> = o.posts.iter().map(|p| format!("《{}》", p.title)).collect();
        let state = o.state.name();
        match &o.error {
            Some(e) => println!("FAILED {} ({state}): {e}", titles.join(" ")),
            None if o.skipped => println!("unchanged {} (already {state})", titles.join(" ")),
            None => println!("{state} {}", titles.join(" ")),
        }
        if let Some(m) = &o.media_id {
            println!("  draft media_id: {m}");
        }
        if let Some(p) = &o.publish_id {
            println!("  publish_id: {p}");
        }
        if let Some(m) = &o.msg_id {
            println!("  msg_id: {m}");
        }
        for u in &o.urls {
            println!("  {u}");
        }
    }
}
