//! `wxpress sandbox`: a local emulator of the WeChat server API endpoints wxpress
//! uses, with the same paths, JSON shapes, limits and error codes, all state in
//! memory. It is the peer of the integration tests, and lets a newcomer try the
//! whole publish flow without a WeChat account.
//!
//! Test controls live under `/__sandbox/`: `POST fault` (fail the next N calls of an
//! endpoint), `POST expire_token`, `POST publish_by_hand` (what a writer does by
//! pressing publish in the WeChat backend), `GET state` (everything the account holds),
//! `POST clock` (move the data API's days forward).
//!
//! Requests are read into, and answers written from, the types of
//! `wechat::types`, the ones the client sends and reads, so the two cannot drift
//! apart; the limits are `wechat::limits`, the ones `check` and `publish` apply.
//! `gate` is what every call passes through (faults, access tokens), `wire` how
//! bodies are read and answers written, and one file per family of endpoints
//! holds its handlers.

mod admin;
pub mod datacube;
mod draft;
mod gate;
mod mass;
mod material;
mod publish;
pub mod state;
mod wire;

pub use state::{FaultKind, FaultRequest, Options, State};

use crate::wechat::limits::MATERIAL_MAX_BYTES;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Request bodies the sandbox accepts at all: room for a cover and the form around it.
const BODY_MAX: usize = 2 * MATERIAL_MAX_BYTES as usize;

pub struct Sandbox {
    pub options: Options,
    state: Mutex<State>,
}

type Shared = Arc<Sandbox>;

impl Sandbox {
    pub fn new(options: Options) -> Shared {
        Arc::new(Sandbox {
            options,
            state: Mutex::new(State::default()),
        })
    }

    /// The state, with due publishes advanced.
    pub fn state(&self) -> MutexGuard<'_, State> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.advance(self.options.publish_delay);
        s
    }
}

pub fn router(sandbox: Shared) -> Router {
    let api = Router::new()
        .route("/cgi-bin/stable_token", post(gate::stable_token))
        .route("/cgi-bin/media/uploadimg", post(material::upload_image))
        .route(
            "/cgi-bin/material/add_material",
            post(material::add_material),
        )
        .route(
            "/cgi-bin/material/batchget_material",
            post(material::material_batchget),
        )
        .route("/cgi-bin/draft/add", post(draft::draft_add))
        .route("/cgi-bin/draft/get", post(draft::draft_get))
        .route("/cgi-bin/draft/batchget", post(draft::draft_batchget))
        .route("/cgi-bin/draft/delete", post(draft::draft_delete))
        .route(
            "/cgi-bin/freepublish/submit",
            post(publish::freepublish_submit),
        )
        .route("/cgi-bin/freepublish/get", post(publish::freepublish_get))
        .route(
            "/cgi-bin/freepublish/batchget",
            post(publish::freepublish_batchget),
        )
        .route("/cgi-bin/message/mass/sendall", post(mass::mass_sendall))
        .route("/cgi-bin/message/mass/get", post(mass::mass_get))
        .route("/cgi-bin/message/mass/preview", post(mass::mass_preview))
        .route(
            "/datacube/getarticletotaldetail",
            post(datacube::article_total_detail),
        )
        .layer(middleware::from_fn_with_state(sandbox.clone(), gate::gate));
    Router::new()
        .route("/__sandbox/fault", post(admin::fault))
        .route("/__sandbox/expire_token", post(admin::expire_token))
        .route("/__sandbox/publish_by_hand", post(admin::publish_by_hand))
        .route("/__sandbox/state", get(admin::state))
        .route("/__sandbox/clock", post(admin::clock))
        .merge(api)
        .layer(DefaultBodyLimit::max(BODY_MAX))
        .with_state(sandbox)
}

/// Serves until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, sandbox: Shared) -> std::io::Result<()> {
    axum::serve(listener, router(sandbox)).await
}

/// A sandbox running on its own thread and runtime, for tests and embedding.
pub struct Running {
    pub addr: SocketAddr,
    pub sandbox: Shared,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts a sandbox on `addr` (use port 0 for a free port) in a background thread.
pub fn spawn(addr: SocketAddr, options: Options) -> std::io::Result<Running> {
    let std_listener = std::net::TcpListener::bind(addr)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let sandbox = Sandbox::new(options);
    let shared = sandbox.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("wxpress-sandbox".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener)?;
                serve(listener, shared).await
            })
        })?;
    Ok(Running { addr, sandbox })
}
