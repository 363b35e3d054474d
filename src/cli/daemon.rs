//! `wxpress publish --daemon`: signals and the JSON log; the loop itself is
//! `wxpress::publish::daemon`.

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use wxpress::publish::daemon::{self, DaemonEvent};
use wxpress::publish::Settings;

/// Longest sleep between two looks at the posts, unless `WXPRESS_DAEMON_RESCAN_MS`.
const RESCAN: Duration = Duration::from_secs(60);

/// Wait after a failed statistics fetch, unless `WXPRESS_STATS_RETRY_MS`: the data
/// API is read once a day, so an hour is soon enough and never hammers it.
const STATS_RETRY: Duration = Duration::from_secs(3600);

/// One JSON object per line on stdout: `{"ts": …, "event": …, …}`; problems in
/// posts go to stderr as diagnostics.
fn log(event: DaemonEvent) {
    if let DaemonEvent::Problems(diagnostics) = &event {
        super::print_diagnostics(diagnostics);
        return;
    }
    let mut line = serde_json::json!({ "ts": jiff::Timestamp::now().to_string() });
    if let (Some(line), Ok(Value::Object(fields))) =
        (line.as_object_mut(), serde_json::to_value(&event))
    {
        line.extend(fields);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

pub fn run(root: &Path, settings: Settings, lock_wait: Duration, stats: bool) -> ExitCode {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // The first signal asks for a clean stop; a second one, while the first is
        // pending, stops at once (exit 1): the next run reconciles from the ledger.
        let registered =
            signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))
                .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)));
        if let Err(e) = registered {
            eprintln!("error: cannot handle signal {signal}: {e}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    }
    let options = daemon::Options {
        settings,
        lock_wait,
        rescan: super::env_millis("WXPRESS_DAEMON_RESCAN_MS").unwrap_or(RESCAN),
        stats: stats.then(|| {
            daemon::DailyStats::new(
                super::env_millis("WXPRESS_STATS_RETRY_MS").unwrap_or(STATS_RETRY),
            )
        }),
    };
    daemon::run(root, &options, &super::client_options, Rc::new(log), &stop);
    ExitCode::SUCCESS
}
