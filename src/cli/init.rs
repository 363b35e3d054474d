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
    match wxpress::init::init(&args.dir, jiff::Timestamp::now()) {
        Ok(files) => {
            for f in &files {
                println!("  created {}", args.dir.join(f).display());
            }
            println!("\n{}", next_steps(&args.dir));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(super::EXIT_FAILURE)
        }
    }
}

/// What to do after `init`: `cd` into the new site, unless it is the current folder.
fn next_steps(dir: &std::path::Path) -> String {
    if dir
        .components()
        .all(|c| matches!(c, std::path::Component::CurDir))
    {
        "New site in the current folder. Next: wxpress build".to_string()
    } else {
        let dir = dir.display();
        format!("New site in {dir}. Next: cd {dir} && wxpress build")
    }
}

#[cfg(test)]
mod tests {
    use super::next_steps;
    use std::path::Path;

    #[test]
    fn next_steps_name_the_folder_or_the_current_one() {
        assert_eq!(
            next_steps(Path::new(".")),
            "New site in the current folder. Next: wxpress build"
        );
        assert_eq!(
            next_steps(Path::new("my-site")),
            "New site in my-site. Next: cd my-site && wxpress build"
        );
    }
}
