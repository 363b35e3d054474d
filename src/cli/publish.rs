use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wxpress::config::PublishMode;
use wxpress::ledger;
use wxpress::publish::{self, lock, Outcome, Publisher, Settings};
use wxpress::site::Site;
use wxpress::wechat::{Audience, Client};

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
/// by itself, waking up when the next push is due. See `wxpress schedule`.
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

pub fn run(args: Args) -> ExitCode {
    let (root, site) = match super::load_site(&args.root) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let mode = match args.mode {
        Some(Mode::Draft) => PublishMode::Draft,
        Some(Mode::Publish) => PublishMode::Publish,
        Some(Mode::Broadcast) => PublishMode::Broadcast,
        None => site.config.wechat.mode,
    };
    let audience = args.tag.map_or(Audience::All, Audience::Tag);
    if args.daemon {
        return super::daemon::run(&root, mode, audience, Duration::from_secs(args.wait));
    }
    let files = if args.due {
        let now = match wxpress::schedule::parse_now(args.now.as_deref(), &site.config.tz) {
            Ok(t) => t,
            Err(e) => return super::fail(e),
        };
        match due_files(&root, &site, mode, &now) {
            Ok(f) if f.is_empty() => {
                match args.format {
                    Format::Json => println!("{}", serde_json::json!({ "pushes": [] })),
                    Format::Human => println!("nothing due"),
                }
                return ExitCode::SUCCESS;
            }
            Ok(f) => f,
            Err(e) => return super::fail(e),
        }
    } else {
        match publish::select(&root, &args.paths) {
            Ok(f) => f,
            Err(d) => {
                super::print_diagnostics(&d);
                return ExitCode::from(super::EXIT_FAILURE);
            }
        }
    };
    let pushes = match publish::prepare(&site, &files) {
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
        let view = match ledger::LedgerView::read(&ledger::path(&root)) {
            Ok(v) => v,
            Err(e) => return super::fail(e.to_string()),
        };
        let repeats = publish::repeats(&view, &pushes);
        let refusals = repeats.refused;
        let mut calls = publish::plan_calls(&root, &view, &pushes, mode, audience);
        for id in &repeats.superseded {
            calls.insert(
                1,
                format!("POST /cgi-bin/draft/delete (the unpublished draft of an earlier version, push {id})"),
            );
        }
        match args.format {
            Format::Json => println!(
                "{}",
                serde_json::json!({ "dry_run": true, "mode": mode, "calls": calls, "refused": refusals })
            ),
            Format::Human => {
                println!("dry run: no network, nothing written. These calls would be made:");
                for c in &calls {
                    println!("  {c}");
                }
                for r in &refusals {
                    println!("refused: {r}");
                }
            }
        }
        return ExitCode::SUCCESS;
    }

    let progress = Progress::new();
    let notes = progress.clone();
    let outcomes = match execute(
        &root,
        &site,
        &pushes,
        Settings::new(mode, audience),
        Duration::from_secs(args.wait),
        &progress,
        move |note| notes.line(&format!("  {note}")),
        || progress.line("another wxpress run is publishing this site; waiting for it to finish…"),
        &|| false,
    ) {
        Ok(o) => o,
        Err(Stopped::Refused(refusals)) => {
            progress.finish();
            for r in &refusals {
                eprintln!("error: {r}");
            }
            return ExitCode::from(super::EXIT_INVALID);
        }
        Err(Stopped::Failed(e)) => {
            progress.finish();
            return super::fail(e);
        }
    };
    progress.finish();
    report(&outcomes, args.format);
    if outcomes.iter().any(|o| o.error.is_some()) {
        ExitCode::from(super::EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    }
}

/// Why a run published nothing.
pub enum Stopped {
    /// Posts an earlier push already took to WeChat (see [`publish::repeats`]).
    Refused(Vec<String>),
    /// The run could not start: lock, ledger or client.
    Failed(String),
}

/// Takes prepared pushes to WeChat under the site's lock: the part of a run
/// shared by `publish PATHS`, `--due` and each wake-up of `--daemon`.
#[allow(clippy::too_many_arguments)]
pub fn execute(
    root: &std::path::Path,
    site: &Site,
    pushes: &[publish::Push],
    settings: Settings,
    wait: Duration,
    progress: &dyn publish::Progress,
    on_retry: impl Fn(&str) + 'static,
    on_wait: impl FnOnce(),
    stop: &dyn Fn() -> bool,
) -> Result<Vec<Outcome>, Stopped> {
    let _lock = lock::acquire(root, wait, on_wait).map_err(|e| Stopped::Failed(e.to_string()))?;
    // Read the ledger only once the lock is ours: the other run may have just written it.
    let mut ledger = ledger::Ledger::open(root).map_err(|e| Stopped::Failed(e.to_string()))?;
    let repeats = publish::repeats(&ledger.view, pushes);
    if !repeats.refused.is_empty() {
        return Err(Stopped::Refused(repeats.refused));
    }
    let client = super::client_options(&site.config.wechat)
        .and_then(Client::new)
        .map_err(|e| Stopped::Failed(e.to_string()))?
        .on_retry(on_retry);
    let mut publisher = Publisher::new(root, &client, &mut ledger, settings, progress);
    for id in &repeats.superseded {
        publisher
            .supersede(id)
            .map_err(|e| Stopped::Failed(e.to_string()))?;
    }
    Ok(publisher.run(pushes, stop))
}

/// The posts of every push due at `now` that the ledger does not have yet.
pub fn due_files(
    root: &std::path::Path,
    site: &Site,
    mode: PublishMode,
    now: &jiff::Timestamp,
) -> Result<Vec<PathBuf>, String> {
    let (posts, problems) = wxpress::content::load_all(root, &site.config);
    // A post that does not load has no schedule we can read: say so rather than
    // skip it silently.
    let errors: Vec<_> = problems.into_iter().filter(|d| d.is_error()).collect();
    super::print_diagnostics(&errors);
    let view = ledger::LedgerView::read(&ledger::path(root)).map_err(|e| e.to_string())?;
    let cal = wxpress::schedule::calendar(&site.config, mode, &posts, &view, now);
    let (due, over): (Vec<_>, Vec<_>) = wxpress::schedule::due(&cal, now)
        .into_iter()
        .partition(|p| !p.over_quota() || p.status == wxpress::schedule::Status::Unfinished);
    if !over.is_empty() {
        // WeChat would refuse the broadcast after the draft is made: say why
        // instead, and leave the push for a person to move or send another way.
        let files: Vec<&str> = over.iter().map(|p| p.items[0].source.as_str()).collect();
        let problems: Vec<_> = wxpress::schedule::diagnostics_for(&site.config, &cal, &posts)
            .into_iter()
            .filter(|d| d.rule == wxpress::schedule::RULE_QUOTA && files.contains(&d.file.as_str()))
            .collect();
        super::print_diagnostics(&problems);
        eprintln!(
            "not sent: {} push(es) beyond the account's broadcast quota",
            over.len()
        );
    }
    let undone: Vec<_> = due
        .iter()
        .map(|p| {
            let mut p = (*p).clone();
            p.items.retain(|i| !i.done);
            p
        })
        .collect();
    Ok(wxpress::schedule::files(&undone, &posts))
}

/// The API client for the site, its retry notes going through the progress display.
pub fn client(site: &Site, progress: &Progress) -> Result<Client, wxpress::wechat::WechatError> {
    let notes = progress.clone();
    Ok(Client::new(super::client_options(&site.config.wechat)?)?
        .on_retry(move |note| notes.line(&format!("  {note}"))))
}

fn report(outcomes: &[Outcome], format: Format) {
    if format == Format::Json {
        println!("{}", serde_json::json!({ "pushes": outcomes }));
        return;
    }
    for o in outcomes {
        let titles: Vec<String> = o.posts.iter().map(|p| format!("《{}》", p.title)).collect();
        let state = format!("{:?}", o.state).to_lowercase();
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
