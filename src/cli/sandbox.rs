use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;
use wxpress::config::AccountKind;
use wxpress::sandbox::{self, Options};

/// Run a local WeChat API emulator to try publishing without an account.
///
/// It answers the same endpoints, JSON and error codes as WeChat (tokens, image
/// uploads, drafts, publishing, mass send with quota) and keeps everything in
/// memory. Point wxpress at it with WXPRESS_API_BASE; see what it holds at
/// http://127.0.0.1:PORT/__sandbox/state.
#[derive(clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value = "8765")]
    port: u16,
    /// The AppID the sandbox accepts (put it in [wechat] appid)
    #[arg(long, default_value = "wxsandbox0000000")]
    appid: String,
    /// The secret the sandbox accepts (export it as WXPRESS_APP_SECRET)
    #[arg(long, default_value = "sandbox-secret")]
    secret: String,
    /// Account type: subscription (1 broadcast a day) or service (4 a month)
    #[arg(long, value_enum, default_value = "subscription")]
    account: Account,
    /// Milliseconds a submitted article stays "publishing"
    #[arg(long, default_value = "1000")]
    publish_delay_ms: u64,
    /// Emulate an unverified account: the data API (`wxpress stats`) answers 48001
    #[arg(long)]
    unverified: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Account {
    Subscription,
    Service,
}

pub fn run(args: Args) -> ExitCode {
    let options = Options {
        appid: args.appid.clone(),
        secret: args.secret.clone(),
        account: match args.account {
            Account::Subscription => AccountKind::Subscription,
            Account::Service => AccountKind::Service,
        },
        publish_delay: Duration::from_millis(args.publish_delay_ms),
        verified: !args.unverified,
        ..Options::default()
    };
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), args.port);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(super::EXIT_FAILURE);
        }
    };
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        println!("WeChat sandbox listening on http://{addr}");
        println!("  appid:  {}   (config.toml: [wechat] appid = \"{}\")", args.appid, args.appid);
        println!("  secret: {}   (a fake one, for the sandbox only)", args.secret);
        println!("In another terminal, in your site folder:");
        println!(
            "  WXPRESS_API_BASE=http://{addr} WXPRESS_APP_SECRET={} wxpress publish content/… --mode publish",
            args.secret
        );
        println!("What the sandbox holds: http://{addr}/__sandbox/state   (Ctrl-C to stop)");
        sandbox::serve(listener, sandbox::Sandbox::new(options)).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot serve on {addr}: {e} (is the port in use? try --port 0)");
            ExitCode::from(super::EXIT_FAILURE)
        }
    }
}
