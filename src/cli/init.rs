use std::path::PathBuf;
use std::process::ExitCode;

/// Create a new site: config.toml, an example post with an image, the default theme
#[derive(clap::Args)]
pub struct Args {
    /// Folder to create (must be missing or empty)
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    match wxpress::init::init(&args.dir) {
        Ok(files) => {
            for f in &files {
                println!("  created {}", args.dir.join(f).display());
            }
            let dir = args.dir.display();
            println!("\nNew site in {dir}. Next: cd {dir} && wxpress build");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(super::EXIT_FAILURE)
        }
    }
}
