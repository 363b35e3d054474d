//! The `wxpress` command line: parse arguments, call the library, print, exit.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::diagnostic::Diagnostic;

#[derive(Parser)]
#[command(
    name = "wxpress",
    version,
    about = "Compile Markdown posts into WeChat Official Account (公众号) articles",
    long_about = "wxpress compiles a folder of Markdown posts through a theme into WeChat-ready HTML, \
checks them for problems WeChat and reviewers care about, previews them live, and publishes \
them on schedule.\n\nStart with `wxpress init my-site`, then `cd my-site && wxpress build`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site: config.toml, an example post, the default theme
    Init {
        /// Folder to create (must be missing or empty)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Render every post into public/: article.html (what WeChat receives), index.html
    /// (a phone-width page to look at), images, and manifest.json
    Build {
        /// The site's folder (the one with config.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder, replaced atomically [default: ROOT/public]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include posts marked `draft = true`
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Init { dir } => match wxpress::init::init(&dir) {
            Ok(files) => {
                for f in &files {
                    println!("  created {}", dir.join(f).display());
                }
                println!("\nNew site in {}. Next: cd {} && wxpress build", dir.display(), dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Build { root, out, drafts } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let opts = wxpress::build::BuildOptions { root, out: out.clone(), drafts };
            match wxpress::build::build(&opts) {
                Ok(report) => {
                    print_diagnostics(&report.diagnostics);
                    println!("built {} posts into {}", report.posts, out.display());
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags);
                    let errors = diags.iter().filter(|d| d.is_error()).count();
                    eprintln!("build failed: {errors} error(s); nothing was written");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}
