use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::doctor::{self, Outcome};

/// Check a site's whole setup without changing anything: config, posts, images and
/// covers, the app secret, the access token, which modes the account may use, quota.
///
/// Calls WeChat only to read (a token, one item of the draft box, one published
/// article): nothing is uploaded, drafted or sent. Run it on the machine that will
/// publish (the cron host, the CI runner): the IP allow-list is checked from there.
///
/// Exit status: 0 when publishing can work, 1 when a check failed.
///
/// Examples:
///   WXPRESS_APP_SECRET=… wxpress doctor
///   WXPRESS_APP_SECRET=… wxpress doctor --format json    # for scripts
#[derive(clap::Args)]
pub struct Args {
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// human (one line per check) or json
    #[arg(long, value_enum, default_value_t = super::publish::Format::Human)]
    format: super::publish::Format,
}

pub fn run(args: Args) -> ExitCode {
    let report = doctor::run(&args.root, super::client_options, jiff::Timestamp::now());
    match args.format {
        super::publish::Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serialises")
        ),
        super::publish::Format::Human => {
            for check in &report.checks {
                let mark = match check.outcome {
                    Outcome::Ok => "ok  ",
                    Outcome::Warn => "warn",
                    Outcome::Fail => "FAIL",
                    Outcome::Skip => "skip",
                };
                println!("{mark}  {:<8} {}", check.name, check.detail);
                if let Some(help) = &check.help {
                    println!("                help: {help}");
                }
            }
            match report.failed() {
                0 => println!("doctor: publishing can work from here"),
                n => println!("doctor: {n} check(s) failed"),
            }
        }
    }
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_INVALID)
    }
}
