//! Command-line interface: one file per command, each thin.

mod build;
mod check;
mod daemon;
mod doctor;
mod import;
mod init;
mod preview;
mod publish;
mod sandbox;
mod schedule;
mod serve;
mod stats;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use wxpress::diagnostic::Diagnostic;

#[derive(Parser)]
#[command(
    name = "wxpress",
    version,
    about = "Compile Markdown posts into WeChat Official Account (公众号) articles",
    long_about = "wxpress compiles a folder of Markdown posts through a theme into WeChat-ready HTML, \
checks them for problems WeChat and reviewers care about, previews them live, and publishes \
them on schedule.\n\nStart with `wxpress init my-site`, then `cd my-site && wxpress build`.",
    after_long_help = ENVIRONMENT
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every environment variable wxpress reads (`wxpress --help`; the README has
/// the same table). Only this module reads them; the library takes options.
const ENVIRONMENT: &str = "\
Environment:
  WXPRESS_APP_SECRET         the account's app secret (publish, preview, stats); read only
                             from here, never written or shown
  WXPRESS_API_BASE           API address, overriding [wechat] api_base (the sandbox:
                             http://127.0.0.1:8765) [default: WeChat's]
  WXPRESS_HTTP_TIMEOUT_MS    one HTTP call's timeout [default: 30000]
  WXPRESS_RETRY_DELAY_MS     first delay of the exponential retry [default: 500]
  WXPRESS_POLL_MS            how often freepublish/get is asked while publishing
                             [default: 2000]
  WXPRESS_PUBLISH_WAIT_MS    how long to wait for WeChat to finish publishing
                             [default: 300000]
  WXPRESS_RECONCILE_WAIT_MS  how long to wait for a push to show up among the
                             published articles after a lost answer [default: 60000]
  WXPRESS_DAEMON_RESCAN_MS   publish --daemon's longest sleep between two looks at
                             the posts [default: 60000]
  WXPRESS_STATS_RETRY_MS     publish --daemon's wait after a failed daily statistics
                             fetch [default: 3600000]
  WXPRESS_TEST_CRASH_AFTER   tests only, debug builds only: abort after a publish step
  NO_COLOR                   no colour in diagnostics";

#[derive(Subcommand)]
enum Command {
    Init(init::Args),
    Import(import::Args),
    Build(build::Args),
    Check(check::Args),
    Serve(serve::Args),
    Schedule(schedule::Args),
    Publish(publish::Args),
    Preview(preview::Args),
    Sandbox(sandbox::Args),
    Stats(stats::Args),
    Doctor(doctor::Args),
}

pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Init(args) => init::run(args),
        Command::Import(args) => import::run(args),
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Schedule(args) => schedule::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Doctor(args) => doctor::run(args),
    }
}

/// Exit status: 0 success, 1 the input has errors (diagnostics printed), 2 the
/// command could not run at all.
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

/// One line per diagnostic, for output that has no site root to show sources from.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// Opens the site at `root` for a command: the absolute root and the loaded site,
/// or the exit status after printing why not.
pub fn load_site(
    root: &std::path::Path,
) -> Result<(std::path::PathBuf, wxpress::site::Site), ExitCode> {
    let root = root.canonicalize().map_err(|e| {
        eprintln!("error: cannot open site folder {}: {e}", root.display());
        ExitCode::from(EXIT_FAILURE)
    })?;
    let site = wxpress::site::Site::load(&root).map_err(|d| {
        print_diagnostics_in(&root, &d);
        ExitCode::from(EXIT_INVALID)
    })?;
    Ok((root, site))
}

/// Prints `error: …` and gives the "could not run" exit status.
pub fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_FAILURE)
}

/// Prints diagnostics rustc-style, with the source line and a caret under the span
/// (colour on a terminal unless NO_COLOR is set).
pub fn print_diagnostics_in(root: &std::path::Path, diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    if diags.is_empty() {
        return;
    }
    let color = use_color(std::io::stderr().is_terminal());
    eprint!("{}", wxpress::check::report::human(root, diags, color));
}

/// Colour when writing to a terminal and `NO_COLOR` is unset or empty
/// (<https://no-color.org>).
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Environment variables are read here and in the command modules only; the
/// library takes options. Every one is listed in the README.
///
/// A duration in milliseconds from the environment (tests shorten waits with them).
pub fn env_millis(name: &str) -> Option<std::time::Duration> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_millis)
}

/// The API client's options for a site: base URL from `WXPRESS_API_BASE`, else
/// `[wechat] api_base`, else WeChat; secret from `WXPRESS_APP_SECRET` (the only
/// place wxpress reads it from); timeout from `WXPRESS_HTTP_TIMEOUT_MS` (default
/// 30 s); first retry delay from `WXPRESS_RETRY_DELAY_MS` (default 500 ms).
pub fn client_options(
    config: &wxpress::config::WechatConfig,
) -> Result<wxpress::wechat::ClientOptions, wxpress::wechat::WechatError> {
    use wxpress::wechat::{ClientOptions, RetryPolicy, Secret, WechatError, DEFAULT_API_BASE};
    let appid = config
        .appid
        .clone()
        .filter(|a| !a.trim().is_empty())
        .ok_or(WechatError::MissingAppid)?;
    let api_base = std::env::var("WXPRESS_API_BASE")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .or_else(|| config.api_base.clone())
        .unwrap_or_else(|| DEFAULT_API_BASE.to_string())
        .trim_end_matches('/')
        .to_string();
    let secret = match std::env::var("WXPRESS_APP_SECRET") {
        Ok(s) if !s.trim().is_empty() => Secret::new(s.trim()),
        _ => return Err(WechatError::MissingSecret),
    };
    let mut retry = RetryPolicy::default();
    if let Some(delay) = env_millis("WXPRESS_RETRY_DELAY_MS") {
        retry.min_delay = delay;
        retry.max_delay = retry.max_delay.max(delay);
    }
    Ok(ClientOptions {
        api_base,
        appid,
        secret,
        timeout: env_millis("WXPRESS_HTTP_TIMEOUT_MS")
            .unwrap_or(std::time::Duration::from_secs(30)),
        retry,
    })
}

/// Publishing settings for `mode`, with the waits tests shorten from
/// `WXPRESS_POLL_MS`, `WXPRESS_PUBLISH_WAIT_MS` and `WXPRESS_RECONCILE_WAIT_MS`.
pub fn publish_settings(
    mode: wxpress::config::PublishMode,
    audience: wxpress::wechat::Audience,
) -> wxpress::publish::Settings {
    let mut settings = wxpress::publish::Settings::new(mode, audience);
    for (name, field) in [
        ("WXPRESS_POLL_MS", &mut settings.poll),
        ("WXPRESS_PUBLISH_WAIT_MS", &mut settings.publish_wait),
        ("WXPRESS_RECONCILE_WAIT_MS", &mut settings.reconcile_wait),
    ] {
        if let Some(ms) = env_millis(name) {
            *field = ms;
        }
    }
    settings
}
