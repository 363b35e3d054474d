//! Accepting connections, with limits. `axum::serve` takes no configuration: a
//! client that sends half a request head, or keeps a connection open and sends
//! nothing, would hold it (a task and a file descriptor) forever, and there would
//! be no bound on how many it holds. This loop is `axum::serve` for HTTP/1 with
//! hyper's own header timeout and a cap on open connections.

use axum::serve::Listener;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How much of the server connections may hold, and for how long.
#[derive(Clone, Debug)]
pub struct Limits {
    /// How long a connection may wait before its next request head is complete:
    /// counted from the accept, and again from the end of each response. So it is
    /// both the header timeout (a client that sent half a head) and the keep-alive
    /// idle timeout (a client that sent nothing more). hyper 1.x has one timer for
    /// both (`http1::Builder::header_read_timeout`); a separate idle timeout would
    /// need per-connection bookkeeping of our own. A response in progress is not
    /// timed: the `/events` stream stays open as long as the page does.
    pub header_timeout: Duration,
    /// Open connections at most. At the cap the server stops accepting until one
    /// closes (why: see `connections::serve`). An open event stream holds a slot
    /// as long as its page is open, since no timeout ends it.
    pub max_connections: usize,
}

impl Default for Limits {
    /// A browser keeps about 6 connections per page plus one event stream per open
    /// tab: 256 is far above a writer's use. Ten seconds is long for a request head
    /// on a local server; a browser reconnects by itself after an idle close.
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            max_connections: 256,
        }
    }
}

/// Serves `app` on `listener` until the runtime stops.
///
/// At `max_connections` the loop waits for a connection to close before accepting
/// the next one, as Go's `netutil.LimitListener` does, rather than accepting and
/// closing at once: the kernel completes the TCP
/// handshake and queues the new client in the listen backlog, and it is served as
/// soon as a slot frees. Slots do free, because idle and half-sent connections are
/// closed after `header_timeout`, so a flood of them delays a browser's request by
/// that much instead of failing it. (A refused page load would only be retried by
/// hand; a queued one just arrives late.)
pub(super) async fn serve(mut listener: TcpListener, app: Router, limits: Limits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    // Without a timer hyper never times out a header read.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        // axum's `Listener::accept` retries after errors (EMFILE, aborted
        // handshakes) instead of failing, pausing when it makes sense.
        let (tcp, _peer) = Listener::accept(&mut listener).await;
        let conn = http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // An error is the client's doing (a timeout, a reset, a bad request):
            // the connection is over either way.
            let _ = conn.await;
            drop(slot);
        });
    }
}
