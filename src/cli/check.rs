use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wxpress::check::report::{self, Format};
use wxpress::content::{self, Post};
use wxpress::diagnostic::{self, Diagnostic};
use wxpress::site::{CompileOptions, Site};

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
}

pub fn run(args: Args) -> ExitCode {
    let root = &args.root;
    let selected = match selection(root, &args.paths) {
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
    let in_selection = |file: &Path| {
        selected.is_empty() || {
            let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
            selected.iter().any(|s| abs.starts_with(s))
        }
    };
    if args.fix {
        let (posts, _) = content::load_all(root, &site.config);
        let mut posts: Vec<Post> = posts
            .into_iter()
            .filter(|p| in_selection(&p.path))
            .collect();
        match wxpress::check::fix::fix_all(&site.checker, &site.config, &mut posts) {
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

    // The whole site is compiled (the calendar rules need every post: a push is
    // several posts); only the selection is reported.
    let compiled = site.compile_all(&CompileOptions {
        drafts: true,
        now: jiff::Timestamp::now(),
    });
    let selected_posts: Vec<_> = compiled
        .posts
        .into_iter()
        .filter(|r| in_selection(&r.post.path))
        .collect();
    let checked = selected_posts.len();
    let mut diags: Vec<Diagnostic> = compiled
        .diagnostics
        .into_iter()
        .filter(|d| in_selection(&root.join(&d.file)))
        .chain(selected_posts.into_iter().flat_map(|r| r.diagnostics))
        .collect();
    diagnostic::sort(&mut diags);
    diags.dedup();
    if args.format == Format::Human {
        eprintln!("checked {checked} post(s)");
    }
    print(&args, &diags)
}

fn print(args: &Args, diags: &[Diagnostic]) -> ExitCode {
    let color = report::use_color(std::io::stdout().is_terminal());
    let text = report::render(args.format, &args.root, diags, color);
    print!("{text}");
    if diagnostic::has_errors(diags) {
        ExitCode::from(super::EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

/// The absolute paths given on the command line (relative to the current folder, or
/// else to the site root); each must exist.
fn selection(root: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    paths
        .iter()
        .map(|p| {
            let p = if p.exists() { p.clone() } else { root.join(p) };
            if !p.exists() {
                return Err(format!(
                    "{} does not exist (give posts or folders under content/)",
                    p.display()
                ));
            }
            std::path::absolute(&p).map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect()
}
