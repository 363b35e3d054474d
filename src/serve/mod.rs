//! `wxpress serve`: a live preview. The site is rendered into memory (nothing is
//! written to `public/`), served over HTTP on loopback, and kept up to date by a
//! file watcher: a saved post is rebuilt alone, a config, theme or template change
//! rebuilds everything, and open pages update themselves over server-sent events.
//!
//! ```text
//! files ─► watcher (notify, debounced) ─► Changes ─► State::apply ─► Snapshot
//!                                                        │
//!                                                        └─► Reload ─► /events ─► pages
//! ```

mod connections;
pub mod pages;
pub mod server;
pub mod state;
pub mod watcher;

pub use connections::Limits;
pub use state::{Changes, Entry, Reload, Snapshot, State};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub struct Options {
    pub root: PathBuf,
    /// Port 0 picks a free port; [`Server::addr`] tells which.
    pub addr: SocketAddr,
    pub wip: bool,
    /// Header and idle timeout, and the connection cap.
    pub limits: Limits,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the site folder {path}: {source}")]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source} (is another server using the port? try --port)")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot watch the site's files: {0}")]
    Watch(#[from] notify::Error),
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

/// A running preview. Dropping it stops the watcher and the server.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    watcher: Option<watcher::Watcher>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    /// Listens, starts watching, then renders the whole site. Returns once the first
    /// render is in memory, so the first page request sees the site.
    pub fn start(opts: &Options) -> Result<Server, StartError> {
        let root = std::fs::canonicalize(&opts.root).map_err(|source| StartError::Root {
            path: opts.root.clone(),
            source,
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("wxpress-http")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(opts.addr))
            .map_err(|source| StartError::Listen {
                addr: opts.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(StartError::Runtime)?;
        let state = Arc::new(State::new(&root, opts.wip));
        // Watch before the first render, so a save during it is not lost: its
        // rebuild waits for the first one and runs after it.
        let watcher = watcher::watch(state.clone())?;
        state.rebuild_all();
        let app = server::router(state.clone());
        runtime.spawn(connections::serve(listener, app, opts.limits.clone()));
        Ok(Server {
            addr,
            state,
            watcher: Some(watcher),
            runtime: Some(runtime),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn state(&self) -> &Arc<State> {
        &self.state
    }

    /// Serves until Ctrl-C.
    pub fn wait_for_ctrl_c(&self) {
        if let Some(rt) = &self.runtime {
            let _ = rt.block_on(tokio::signal::ctrl_c());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.watcher.take();
        if let Some(rt) = self.runtime.take() {
            // Open event streams never end by themselves: do not wait for them.
            rt.shutdown_timeout(Duration::from_millis(200));
        }
    }
}
