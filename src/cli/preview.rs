use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wxpress::config::PublishMode;
use wxpress::publish::{self, Session};
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
    let session = Session::new(
        &root,
        &site,
        super::publish_settings(PublishMode::Draft, Audience::All),
        Duration::from_secs(60),
    );
    let sent = session.preview(
        &pushes,
        &super::client_options,
        &args.to,
        super::publish::events(&progress),
        |push| progress.line(&format!("preview sent to {}: {}", args.to, push.titles())),
    );
    progress.finish();
    match sent {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fail(e),
    }
}
