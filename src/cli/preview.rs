use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wxpress::config::PublishMode;
use wxpress::ledger;
use wxpress::publish::{self, lock, Publisher, Settings};
use wxpress::wechat::Audience;

/// Send a post to one phone as a preview (message/mass/preview), before publishing.
///
/// The post goes through the same checks and uploads as `wxpress publish`; a
/// temporary draft is created for the preview and deleted afterwards. The
/// receiver must follow the account.
#[derive(clap::Args)]
pub struct Args {
    /// The post to preview
    path: PathBuf,
    /// The receiver's WeChat ID (微信号)
    #[arg(long)]
    to: String,
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let (root, site) = match super::load_site(&args.root) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let pushes = match publish::select(&root, std::slice::from_ref(&args.path))
        .and_then(|files| publish::prepare(&site, &files))
    {
        Ok((pushes, warnings)) => {
            super::print_diagnostics(&warnings);
            pushes
        }
        Err(d) => {
            super::print_diagnostics(&d);
            return ExitCode::from(super::EXIT_INVALID);
        }
    };
    let progress = super::publish::Progress::new();
    let _lock = match lock::acquire(&root, Duration::from_secs(60), || {
        progress.line("another wxpress run is publishing this site; waiting…")
    }) {
        Ok(l) => l,
        Err(e) => return super::fail(e.to_string()),
    };
    let mut ledger = match ledger::Ledger::open(&root) {
        Ok(l) => l,
        Err(e) => return super::fail(e.to_string()),
    };
    let client = match super::publish::client(&site, &progress) {
        Ok(c) => c,
        Err(e) => return super::fail(e.to_string()),
    };
    let mut publisher = Publisher::new(
        &root,
        &client,
        &mut ledger,
        Settings::new(PublishMode::Draft, Audience::All),
        &progress,
    );
    for push in &pushes {
        if let Err(e) = publisher.preview(push, &args.to) {
            progress.finish();
            return super::fail(e.to_string());
        }
        progress.line(&format!("preview sent to {}: {}", args.to, push.titles()));
    }
    progress.finish();
    ExitCode::SUCCESS
}
