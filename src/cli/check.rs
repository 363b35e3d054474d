use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::check::report::{self, Format};
use wxpress::diagnostic::{self, Diagnostic};
use wxpress::site::{Selection, Site};

/// Review posts the way a WeChat editor would, in milliseconds: title and summary
/// length, advertising-law terms (最佳, 国家级 …), induced sharing (转发抽奖, 集赞 …),
/// clickbait titles, typos (按步就班, teh), spacing and punctuation, covers and images.
///
/// Exit status 1 when any error is found (warnings alone exit 0), 2 when the check
/// could not run. Drafts are checked too.
///
/// Configure in config.toml: `[check] title_max/summary_max/body_max/known`,
/// `[check.rules] typo = "off" | "warning" | "error"`, `[check.words] banned/allow/
/// sensitive_files`, `[check.typos] 错字 = "正字"`. A post turns rules off for itself
/// with `check.off = ["banned-ad"]` in its front matter; `<!-- wxpress-ignore typo -->`
/// silences a rule for the next block only.
#[derive(clap::Args)]
pub struct Args {
    /// Posts or folders to check [default: everything under content/]
    paths: Vec<PathBuf>,
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// human: source line with a caret (colour on a terminal, none with NO_COLOR);
    /// json: an array of {file, line, column, end_line, end_column, rule, severity,
    /// message, suggestion}; github: workflow commands that annotate a pull request
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Apply the safe fixes in place (spacing, punctuation, typos with one correction),
    /// never touching front matter or code, and list what changed
    #[arg(long)]
    fix: bool,
    /// Instead of every diagnostic: counts per rule and severity, and the files with
    /// the most
    #[arg(long)]
    summary: bool,
}

pub fn run(args: Args) -> ExitCode {
    let root = &args.root;
    let selection = match Selection::new(root, &args.paths) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    };
    let site = match Site::load(root) {
        Ok(site) => site,
        Err(diags) => return print(&args, &diags),
    };
    if args.fix {
        match site.fix(&selection) {
            Ok(changes) => {
                for line in &changes {
                    eprintln!("{line}");
                }
                eprintln!("fixed {} problem(s)", changes.len());
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(super::EXIT_FAILURE);
            }
        }
    }
    let report = site.check(&selection, jiff::Timestamp::now());
    if args.format == Format::Human {
        eprintln!("checked {} post(s)", report.checked);
    }
    print(&args, &report.diagnostics)
}

fn print(args: &Args, diags: &[Diagnostic]) -> ExitCode {
    let color = super::use_color(std::io::stdout().is_terminal());
    let text = if args.summary {
        report::summary(diags, 10)
    } else {
        report::render(args.format, &args.root, diags, color)
    };
    print!("{text}");
    if diagnostic::has_errors(diags) {
        ExitCode::from(super::EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}
