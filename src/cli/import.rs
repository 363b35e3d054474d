use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::import::{self, FileState, Plan};

/// Copy a folder of Markdown from Hugo, Jekyll, Hexo or wenyan into content/
#[derive(clap::Args)]
#[command(
    long_about = "Copy a folder of Markdown written for another tool (Hugo, Jekyll, Hexo, wenyan \
or plain Markdown) into this site's content/: each post gets wxpress front matter, its local \
images are copied next to it, and what was changed is printed.\n\n\
Front matter: title, author, summary (description, excerpt), cover (image, images, \
featured_image, …) and draft or published: false (as `wip = true`, work in progress) are carried over; a post without front matter \
takes its first `# ` heading as title. The date is kept as `date`, which wxpress does not read: \
old posts are never scheduled. Tags, categories and other tools' keys are left out, said once \
per run.\n\n\
Images: `![](…)` relative to the post, or `/…` from the folder or its static/ (Hugo), with \
Jekyll's {{ site.baseurl }} taken out. Remote images stay addresses (build fetches them). \
Nothing outside DIR is read.\n\n\
DIR may be a whole site of the other tool: a Hugo site (its config and content/), a Jekyll \
site (_posts/) or a Hexo site (source/_posts/) is recognised, its posts are read from there and \
its pictures from anywhere in DIR (Hugo's static/, Jekyll's assets/, Hexo's source/images/).\n\n\
Nothing is ever replaced: a file already there with other content refuses its post (exit 1); \
one with the same content is skipped, so an interrupted import is simply run again.",
    after_long_help = "Examples:\n  \
wxpress import ../old-hugo --dry-run         # a Hugo site: see what would happen\n  \
wxpress import ../old-jekyll --column tech   # a Jekyll site, into content/tech/\n  \
wxpress import ~/wenyan-drafts               # plain Markdown with `# 标题` first"
)]
pub struct Args {
    /// The other tool's site (Hugo, Jekyll, Hexo) or any folder of .md files; read,
    /// never changed
    dir: PathBuf,
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Put every post in this column (declared in config.toml): content/COLUMN/…
    #[arg(long)]
    column: Option<String>,
    /// Print what would be done, and write nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> ExitCode {
    let config = match wxpress::config::Config::load(&args.root) {
        Ok(c) => c,
        Err(diags) => {
            super::print_diagnostics_in(&args.root, &diags);
            return ExitCode::from(super::EXIT_INVALID);
        }
    };
    let opts = import::Options {
        source: args.dir.clone(),
        source_label: args.dir.display().to_string(),
        root: args.root.clone(),
        column: args.column,
    };
    let plan = match import::plan(&opts, &config) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}\n  help: {}", e.help());
            return ExitCode::from(super::EXIT_FAILURE);
        }
    };
    print!("{}", describe(&plan));
    for post in &plan.posts {
        super::print_diagnostics(&post.problems);
    }
    let refused = plan.posts.iter().filter(|p| p.refused()).count();
    let done = plan.posts.iter().filter(|p| p.already_imported()).count();
    let todo = plan.posts.len() - refused - done;
    let images: usize = plan
        .posts
        .iter()
        .filter(|p| !p.refused())
        .map(|p| {
            p.images
                .iter()
                .filter(|i| i.state == FileState::New)
                .count()
        })
        .sum();
    if args.dry_run {
        println!(
            "\nDry run: would import {todo} post(s) and copy {images} image(s); {done} already imported, {refused} refused. Nothing was written."
        );
    } else {
        match import::apply(&plan, &args.root) {
            Ok(applied) => println!(
                "\nImported {} post(s) and copied {} image(s); {done} already imported, {refused} refused.",
                applied.posts, applied.images
            ),
            Err(e) => {
                eprintln!("error: {e}\n  help: {}", e.help());
                return ExitCode::from(super::EXIT_FAILURE);
            }
        }
        if todo > 0 {
            println!("Next: wxpress build (or wxpress serve) to see them");
        }
    }
    if refused > 0 {
        eprintln!("{refused} post(s) refused: see the errors above; nothing of them was written");
        return ExitCode::from(super::EXIT_INVALID);
    }
    ExitCode::SUCCESS
}

/// The plan as the lines the command prints: each post with what was done to it,
/// the files skipped, and the keys left out (once per run).
fn describe(plan: &Plan) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if let Some((tool, posts)) = &plan.layout {
        let _ = writeln!(
            out,
            "A {tool} site: posts from {posts}/, pictures from anywhere in the folder"
        );
    }
    for post in &plan.posts {
        let target = post.target.display();
        let verb = if post.refused() {
            "refused"
        } else if post.already_imported() {
            "already imported"
        } else {
            "import"
        };
        let _ = writeln!(out, "{verb} {} → {target}", post.source);
        if post.refused() {
            continue;
        }
        let _ = writeln!(out, "    title \"{}\"", post.title);
        for m in &post.mapped {
            let _ = writeln!(out, "    {m}");
        }
        for image in &post.images {
            let state = if image.state == FileState::Same {
                " (already there)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    image {} → {}{state}",
                image.from_label,
                image.target.display()
            );
        }
    }
    for (file, why) in &plan.skipped {
        let _ = writeln!(out, "skipped {file}: {why}");
    }
    if !plan.dropped.is_empty() {
        let _ = writeln!(out, "Left out of the front matter:");
        for (key, (count, why)) in &plan.dropped {
            let _ = writeln!(out, "    {key} ({count} post(s)): {why}");
        }
    }
    out
}
