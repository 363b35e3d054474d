//! The preview's HTTP routes. Everything is answered from memory, except post images
//! and covers, which are read from the files the rendered site references. No URL
//! is ever joined onto a folder: a file is served only when its name is in a post's
//! list of images (or is its cover), so `..`, `%2e%2e` and absolute paths find nothing.

use super::pages::{self, Pages, Sort};
use super::state::{Entry, Reload, State};
use axum::extract::{Path as UrlPath, Query, State as Extract};
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

#[derive(Clone)]
struct App {
    state: Arc<State>,
    pages: Arc<Pages>,
}

pub fn router(state: Arc<State>) -> Router {
    let app = App {
        state,
        pages: Arc::new(Pages::new()),
    };
    Router::new()
        .route("/", get(index))
        .route("/stats", get(stats_page))
        .route("/calendar", get(calendar_page))
        .route("/events", get(events))
        .route("/_wxpress/preview.js", get(preview_js))
        .route("/_wxpress/preview.css", get(preview_css))
        .route("/post/{slug}", get(add_slash))
        .route("/post/{slug}/", get(post_page))
        .route("/post/{slug}/frame", get(frame))
        .route("/post/{slug}/live.json", get(live))
        .route("/post/{slug}/article.html", get(article))
        .route("/post/{slug}/{file}", get(asset))
        .fallback(|| async { not_found("No such page.") })
        .layer(axum::middleware::from_fn(local_host_only))
        .with_state(app)
}

/// Refuses requests whose `Host` is a name other than `localhost`. Against DNS
/// rebinding: a web page on `evil.example` can point its own name at 127.0.0.1
/// and then read the preview (unpublished drafts) as same-origin; the browser
/// still sends `Host: evil.example`. IP literals (`127.0.0.1`, the LAN address
/// given to `--bind`) cannot be rebound and are served.
async fn local_host_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let allowed = match req.headers().get(header::HOST) {
        None => true,
        Some(host) => host.to_str().is_ok_and(is_local_host),
    };
    if allowed {
        return next.run(req).await;
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, "no-store")],
        "wxpress serve answers only to localhost or an IP address in the Host header.\n",
    )
        .into_response()
}

fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// The article is the writer's HTML: no script of it may run in the preview,
/// whatever raw HTML the post holds (the frame is sandboxed too).
const ARTICLE_CSP: &str =
    "default-src 'self' data:; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; style-src 'self' 'unsafe-inline'";

/// The stats page carries titles from WeChat (articles published elsewhere too)
/// and SVG: it needs no script and loads nothing but the preview's stylesheet.
const STATS_CSP: &str =
    "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/// [`fresh`] HTML for documents that carry the writer's article, with the CSP.
fn article_page(body: String) -> Response {
    (
        [(header::CONTENT_SECURITY_POLICY, ARTICLE_CSP)],
        fresh("text/html; charset=utf-8", body),
    )
        .into_response()
}

fn not_found(why: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        Html(format!(
            "<!DOCTYPE html><meta charset=\"utf-8\"><title>Not found</title>\
             <p>{}</p><p><a href=\"/\">All posts</a></p>",
            escape(why)
        )),
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Pages change on every save: the browser must never show a cached one.
fn fresh(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
struct IndexQuery {
    sort: Option<String>,
}

async fn index(Extract(app): Extract<App>, Query(q): Query<IndexQuery>) -> Response {
    let html = app
        .pages
        .index(&app.state.read(), Sort::parse(q.sort.as_deref()));
    fresh("text/html; charset=utf-8", html)
}

/// The charts of `wxpress stats`, from the snapshots kept in `.wxpress/stats/`
/// (never the network), or how to get some.
async fn stats_page(Extract(app): Extract<App>) -> Response {
    // The snapshot lock is not held while the files are read.
    let (site_name, config, posts) = {
        let snap = app.state.read();
        let posts: Vec<crate::content::Post> = snap
            .entries
            .values()
            .filter_map(|e| e.post.clone())
            .collect();
        (
            pages::site_name(&snap),
            snap.site.as_ref().map(|s| s.config.clone()),
            posts,
        )
    };
    let rows = match &config {
        Some(config) => pages::stats_rows(app.state.root(), config, &posts),
        None => {
            Err("The site's config.toml does not load: fix it first (see the index page).".into())
        }
    };
    let html = app.pages.stats(&site_name, rows);
    (
        [(header::CONTENT_SECURITY_POLICY, STATS_CSP)],
        fresh("text/html; charset=utf-8", html),
    )
        .into_response()
}

#[derive(Deserialize)]
struct CalendarQuery {
    month: Option<String>,
}

/// The content calendar: a month grid of the pushes, their status and quota.
/// A month that does not parse is a 400 page that says how to write it.
async fn calendar_page(Extract(app): Extract<App>, Query(q): Query<CalendarQuery>) -> Response {
    // The ledger is read before the snapshot's lock is taken.
    let ledger = crate::ledger::LedgerView::read(&crate::ledger::path(app.state.root()))
        .map_err(|e| e.to_string());
    let input = {
        let snap = app.state.read();
        pages::CalendarInput {
            site_name: pages::site_name(&snap),
            config: snap.site.as_ref().map(|s| s.config.clone()),
            posts: snap
                .entries
                .values()
                .filter_map(|e| e.post.clone())
                .collect(),
            hrefs: snap
                .entries
                .values()
                .map(|e| (e.source.clone(), pages::post_base(&e.slug)))
                .collect(),
        }
    };
    let now = jiff::Timestamp::now();
    let month = q
        .month
        .as_deref()
        .map(crate::schedule::parse_month)
        .transpose();
    let (status, html) = match month {
        Err(e) => (
            StatusCode::BAD_REQUEST,
            app.pages.calendar_error(&input.site_name, &e),
        ),
        Ok(month) => match app.pages.calendar(&input, ledger, month, &now) {
            Ok(html) => (StatusCode::OK, html),
            Err(e) => (
                StatusCode::OK,
                app.pages.calendar_error(&input.site_name, &e),
            ),
        },
    };
    (
        status,
        [(header::CONTENT_SECURITY_POLICY, STATS_CSP)],
        fresh("text/html; charset=utf-8", html),
    )
        .into_response()
}

/// The entry served at `/post/<slug>/`, or why there is none (for the 404 page).
fn find(app: &App, slug: &str) -> Result<Arc<Entry>, &'static str> {
    let snap = app.state.read();
    if let Some(entry) = snap.by_slug(slug) {
        return Ok(entry.clone());
    }
    let hidden = snap
        .hidden_wip
        .values()
        .any(|p| crate::content::slug_for(p) == slug);
    Err(if hidden {
        "This post is work in progress (wip = true). Restart with `wxpress serve --wip` to preview it."
    } else {
        "No post with this slug. It may have been renamed or deleted."
    })
}

async fn add_slash(uri: Uri) -> Redirect {
    Redirect::permanent(&format!("{}/", uri.path()))
}

async fn post_page(Extract(app): Extract<App>, UrlPath(slug): UrlPath<String>) -> Response {
    match find(&app, &slug) {
        Ok(entry) => fresh(
            "text/html; charset=utf-8",
            app.pages.post(&app.state.read(), &entry),
        ),
        Err(why) => not_found(why),
    }
}

async fn frame(Extract(app): Extract<App>, UrlPath(slug): UrlPath<String>) -> Response {
    match find(&app, &slug) {
        Ok(entry) => article_page(app.pages.frame(&app.state.read(), &entry)),
        Err(why) => not_found(why),
    }
}

async fn live(Extract(app): Extract<App>, UrlPath(slug): UrlPath<String>) -> Response {
    match find(&app, &slug) {
        Ok(entry) => {
            let fragments = app.pages.fragments(&app.state.read(), &entry);
            match serde_json::to_string(&fragments) {
                Ok(json) => fresh("application/json", json),
                Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
            }
        }
        Err(why) => not_found(why),
    }
}

/// Exactly what `wxpress build` writes to `public/<slug>/article.html`.
async fn article(Extract(app): Extract<App>, UrlPath(slug): UrlPath<String>) -> Response {
    match find(&app, &slug) {
        Ok(entry) => match &entry.article {
            Some(a) => article_page(a.html.clone()),
            None => not_found("This post has no article yet: it does not build."),
        },
        Err(why) => not_found(why),
    }
}

/// A post's image (by the name its article uses) or its cover (`cover.<ext>`).
async fn asset(
    Extract(app): Extract<App>,
    UrlPath((slug, file)): UrlPath<(String, String)>,
) -> Response {
    let entry = match find(&app, &slug) {
        Ok(entry) => entry,
        Err(why) => return not_found(why),
    };
    let Some(path) = referenced_file(&entry, &file) else {
        return not_found("This post references no such file.");
    };
    // Symlinks could still point anywhere: the real file must be inside the site.
    let inside = std::fs::canonicalize(&path)
        .is_ok_and(|real| real.starts_with(app.state.root()) && real.is_file());
    if !inside {
        return not_found("This post references no such file.");
    }
    // Post images are small; reading them inline keeps tokio's fs feature out.
    match std::fs::read(&path) {
        Ok(bytes) => fresh(content_type(&path), bytes),
        Err(_) => not_found("The file cannot be read."),
    }
}

fn referenced_file(entry: &Entry, name: &str) -> Option<PathBuf> {
    if let Some(image) = entry
        .article
        .as_ref()
        .and_then(|a| a.images.iter().find(|i| i.name == name))
    {
        return Some(image.path.clone());
    }
    let cover = entry.post.as_ref()?.meta.cover_path.as_ref()?;
    let ext = cover.extension()?.to_string_lossy().to_lowercase();
    (name == format!("cover.{ext}")).then(|| cover.clone())
}

fn content_type(path: &std::path::Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

async fn preview_js() -> Response {
    fresh("text/javascript; charset=utf-8", pages::PREVIEW_JS)
}

async fn preview_css() -> Response {
    fresh("text/css; charset=utf-8", pages::PREVIEW_CSS)
}

/// Server-sent events: `hello` with the current generation on connect (a page that
/// reconnects after a restart sees it is stale), then one `reload` per change.
async fn events(Extract(app): Extract<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = app.state.subscribe();
    let generation = app.state.read().generation;
    let hello = Event::default()
        .event("hello")
        .data(serde_json::json!({ "generation": generation }).to_string());
    let reloads = BroadcastStream::new(receiver).map(|message| {
        let reload = match message {
            Ok(reload) => reload,
            // Too slow to keep up: tell the page to refresh everything.
            Err(BroadcastStreamRecvError::Lagged(_)) => Reload {
                generation: 0,
                full: true,
                slugs: Vec::new(),
                sources: Vec::new(),
                errors: 0,
                elapsed: Default::default(),
            },
        };
        let data = serde_json::to_string(&reload).unwrap_or_default();
        Ok(Event::default().event("reload").data(data))
    });
    let stream = tokio_stream::once(Ok(hello)).chain(reloads);
    Sse::new(stream).keep_alive(KeepAlive::default())
}
