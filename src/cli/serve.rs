use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use wxpress::serve::{Limits, Options, Server};

/// Preview the site live while you write: open the printed address, pick a post, and
/// every save shows it as readers will see it on a phone (375 px, or 677 px like the
/// WeChat editor), with its check results beside it. A saved post is rebuilt alone;
/// changing config.toml, a theme or a template rebuilds everything. Errors never stop
/// the server: they show over the page until the file is fixed.
///
/// Everything stays in memory: nothing is written to public/.
#[derive(clap::Args)]
pub struct Args {
    /// The site's folder (the one with config.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on. The default serves this computer only; 0.0.0.0 would
    /// let anyone on the network read unpublished posts
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Open the index page in the default browser
    #[arg(long)]
    open: bool,
    /// Include work-in-progress posts (`wip = true`; `--drafts` is the old name)
    #[arg(long, alias = "drafts")]
    wip: bool,
}

pub fn run(args: Args) -> ExitCode {
    let opts = Options {
        root: args.root,
        addr: SocketAddr::new(args.bind, args.port),
        wip: args.wip,
        limits: Limits::default(),
    };
    let server = match Server::start(&opts) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    };
    {
        let snap = server.state().read();
        // A few per rule and file, with a count of the rest: a back catalogue's
        // thousands of warnings would bury the address. The browser's panel and
        // `wxpress check` show them all.
        let mut all = snap.site_errors.clone();
        for entry in snap.entries.values() {
            all.extend(snap.diagnostics(entry));
        }
        eprint!(
            "{}",
            wxpress::check::report::lines_condensed(&all, wxpress::check::report::PER_GROUP)
        );
        println!(
            "Serving {} posts at {} ({} errors). Press Ctrl-C to stop.",
            snap.entries.len(),
            server.url(),
            snap.error_count()
        );
        if !snap.hidden_wip.is_empty() {
            println!(
                "{} work-in-progress post(s) hidden (wip = true); add --wip to preview them.",
                snap.hidden_wip.len()
            );
        }
    }
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other devices on the network can read unpublished posts",
            args.bind
        );
    }
    if args.open {
        if let Err(e) = webbrowser::open(&server.url()) {
            eprintln!(
                "warning: cannot open a browser ({e}); open {} yourself",
                server.url()
            );
        }
    }
    log_rebuilds(&server);
    server.wait_for_ctrl_c();
    ExitCode::SUCCESS
}

/// One line per rebuild, so the terminal shows what the watcher saw.
fn log_rebuilds(server: &Server) {
    let mut reloads = server.state().subscribe();
    std::thread::spawn(move || {
        while let Ok(r) = reloads.blocking_recv() {
            let what = if r.full {
                "rebuilt the whole site".to_string()
            } else if r.sources.len() == 1 {
                format!("rebuilt {}", r.sources[0])
            } else {
                format!("rebuilt {} files", r.sources.len())
            };
            println!(
                "{what} in {} ms · {} errors in the site",
                r.elapsed.as_millis(),
                r.errors
            );
        }
    });
}
