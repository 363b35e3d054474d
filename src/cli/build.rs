use std::path::PathBuf;
use std::process::ExitCode;

/// Render every post into public/: article.html (exactly what WeChat receives),
/// index.html (a phone-width page to look at), images, and manifest.json.
///
/// Output is replaced atomically: if any post has an error, every problem is
/// printed and the previous public/ is left as it was.
#[derive(clap::Args)]
pub struct Args {
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder [default: ROOT/public]
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include work-in-progress posts (`wip = true`; `--drafts` is the old name)
    #[arg(long, alias = "drafts")]
    wip: bool,
    /// Do not fetch remote images (`![](https://…)`): they stay remote, with a warning
    #[arg(long)]
    offline: bool,
}

pub fn run(args: Args) -> ExitCode {
    let root = args.root.clone();
    let out = args.out.unwrap_or_else(|| args.root.join("public"));
    let opts = wxpress::build::BuildOptions {
        root: args.root,
        out: out.clone(),
        wip: args.wip,
        now: jiff::Timestamp::now(),
        remote_images: if args.offline {
            wxpress::images::Remote::Off
        } else {
            wxpress::images::Remote::Fetch(wxpress::images::FetchOptions::default())
        },
    };
    match wxpress::build::build(&opts) {
        Ok(report) => {
            print_condensed(&root, &report.diagnostics);
            println!("built {} posts into {}", report.posts, out.display());
            let images = report.images;
            if images.processed + images.cached > 0 {
                println!(
                    "images: {} converted, {} from the cache (.wxpress/cache/images)",
                    images.processed, images.cached
                );
            }
            if images.drawn + images.drawn_cached > 0 {
                println!(
                    "formulas and diagrams: {} drawn, {} from the cache (.wxpress/cache/figures)",
                    images.drawn, images.drawn_cached
                );
            }
            if report.pruned.files > 0 {
                println!(
                    "cache: {} file(s), {}, unused for 30 days, deleted from .wxpress/cache",
                    report.pruned.files,
                    wxpress::images::size(report.pruned.bytes)
                );
            }
            if images.fetched > 0 {
                println!(
                    "remote images: {} fetched into .wxpress/cache/remote",
                    images.fetched
                );
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_condensed(&root, &diags);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!("build failed: {errors} error(s); nothing was written");
            ExitCode::from(super::EXIT_INVALID)
        }
    }
}

/// A few diagnostics per rule and file, and the command that lists them all.
fn print_condensed(root: &std::path::Path, diags: &[wxpress::diagnostic::Diagnostic]) {
    use std::io::IsTerminal;
    use wxpress::check::report;
    if diags.is_empty() {
        return;
    }
    let color = super::use_color(std::io::stderr().is_terminal());
    eprint!(
        "{}",
        report::human_condensed(root, diags, color, report::PER_GROUP)
    );
}
