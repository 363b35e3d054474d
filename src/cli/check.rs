use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wxpress::check::report::{self, Format};
use wxpress::content::{self, Post};
use wxpress::diagnostic::{self, Diagnostic};
use wxpress::site::Site;

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
    let (posts, load_diags) = content::load_all(root, &site.config);
    // The calendar rules need every post (a push is several posts); report only the selected.
    let schedule_diags = wxpress::check::check_schedule(&site, &posts, &jiff::Timestamp::now());
    let mut posts: Vec<Post> = posts
        .into_iter()
        .filter(|p| in_selection(&p.path))
        .collect();
    let mut diags: Vec<Diagnostic> = load_diags
        .into_iter()
        .chain(schedule_diags)
        .filter(|d| in_selection(&root.join(&d.file)))
        .collect();

    if args.fix {
        match fix_all(&site, &mut posts) {
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

    use rayon::prelude::*;
    let checked = posts.len();
    let per_post: Vec<Vec<Diagnostic>> = posts
        .into_par_iter()
        .map(|post| {
            let rendered = site.render(post);
            let mut d = rendered.diagnostics;
            d.extend(wxpress::check::check_post(
                &site,
                &rendered.post,
                rendered.article.as_ref(),
            ));
            d
        })
        .collect();
    diags.extend(per_post.into_iter().flatten());
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

/// Applies safe fixes until none is left (a fix may reveal or unblock another),
/// rewriting each changed file atomically. Returns one line per change.
fn fix_all(site: &Site, posts: &mut [Post]) -> Result<Vec<String>, String> {
    let mut changes = Vec::new();
    for post in posts.iter_mut() {
        let mut changed = false;
        for _round in 0..5 {
            let findings = wxpress::check::check_post_findings(site, post, None);
            let (text, applied) =
                wxpress::check::fix::apply(&post.text, post.body_offset, &findings);
            if applied.is_empty() {
                break;
            }
            for a in &applied {
                changes.push(format!(
                    "{}:{}:{}: {}: `{}` → `{}`",
                    post.source, a.line, a.column, a.rule, a.before, a.after
                ));
            }
            post.text = text;
            changed = true;
        }
        if changed {
            wxpress::check::fix::write_file_atomically(&post.path, &post.text)
                .map_err(|e| format!("cannot write {}: {e}", post.source))?;
            // Reload so positions and metadata match the new file.
            let (reloaded, _) =
                content::load_post(&site.root, &site.config, &post.path).map_err(|d| {
                    d.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                })?;
            *post = reloaded;
        }
    }
    Ok(changes)
}
