//! Remote images (`![](https://…)`): fetched once into
//! `.wxpress/cache/remote/<sha256(url)>`, then processed like a local file. WeChat
//! drops every image in an article that it did not host itself, so an image left
//! remote is an image the reader never sees.
//!
//! A fetch is bounded: a connect and a total timeout, a size cap, and a few
//! retries for what may pass (no connection, HTTP 5xx, 429). A timeout is not
//! retried, so a slow host costs one timeout, not several. The body is sniffed,
//! never trusted by its Content-Type.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::time::Duration;

/// Where fetched originals are kept, under the site root (keyed by URL).
pub const REMOTE_CACHE_DIR: &str = ".wxpress/cache/remote";

/// What to do with remote images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remote {
    /// Leave them remote, with an `image-remote` warning (`build --offline`).
    Off,
    /// Use what an earlier build fetched; fetch nothing. What `serve` and `check`
    /// do, so that a slow host never holds up the preview.
    CacheOnly,
    /// Fetch what the cache does not have yet (`build`, `publish`).
    Fetch(FetchOptions),
}

/// The bounds of one fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    pub connect_timeout: Duration,
    /// For the whole request, body included.
    pub timeout: Duration,
    /// Larger bodies are refused (the image is then made smaller anyway, but
    /// nobody's phone photo is bigger than this).
    pub max_bytes: u64,
    /// Tries after the first, for errors that may pass.
    pub retries: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_bytes: 20 * 1024 * 1024,
            retries: 2,
        }
    }
}

/// The cache file name of a URL: its SHA-256, in hex.
pub fn cache_key(url: &str) -> String {
    Sha256::digest(url.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Failure {
    message: String,
    transient: bool,
}

fn fail(message: String, transient: bool) -> Failure {
    Failure { message, transient }
}

/// The image at `url`, or why not: "the server answered HTTP 404 Not Found",
/// "no answer within 30 s", "it is not an image (text/html)", "it is larger than 20.0 MB".
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Vec<u8>, String> {
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent("wxpress")
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))?;
    let mut tries = 0;
    loop {
        tries += 1;
        match fetch_once(&client, url, opts) {
            Ok(bytes) => return Ok(bytes),
            Err(f) if f.transient && tries <= opts.retries => {
                std::thread::sleep(Duration::from_millis(200 * 2u64.pow(tries - 1)));
            }
            Err(f) if tries > 1 => return Err(format!("{} ({tries} tries)", f.message)),
            Err(f) => return Err(f.message),
        }
    }
}

fn fetch_once(
    client: &reqwest::blocking::Client,
    url: &str,
    opts: &FetchOptions,
) -> Result<Vec<u8>, Failure> {
    let timeout = |opts: &FetchOptions| {
        fail(
            format!("no answer within {} s", opts.timeout.as_secs_f32()),
            false,
        )
    };
    let response = client.get(url).send().map_err(|e| {
        if e.is_timeout() {
            timeout(opts)
        } else if e.is_connect() {
            fail(format!("cannot connect: {}", e.without_url()), true)
        } else {
            fail(e.without_url().to_string(), false)
        }
    })?;
    let status = response.status();
    if !status.is_success() {
        let transient = status.is_server_error() || status.as_u16() == 429;
        return Err(fail(
            format!("the server answered HTTP {status}"),
            transient,
        ));
    }
    let too_large = || {
        fail(
            format!("it is larger than {}", super::size(opts.max_bytes)),
            false,
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > opts.max_bytes)
    {
        return Err(too_large());
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no Content-Type")
        .to_string();
    let mut body = Vec::new();
    response
        .take(opts.max_bytes + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timed out") {
                timeout(opts)
            } else {
                fail(format!("the download broke off: {e}"), true)
            }
        })?;
    if body.len() as u64 > opts.max_bytes {
        return Err(too_large());
    }
    // Sniffed, not trusted: a page that says image/png is still a page.
    let readable = image::ImageReader::new(std::io::Cursor::new(&body))
        .with_guessed_format()
        .ok()
        .filter(|r| r.format().is_some())
        .is_some_and(|r| r.into_dimensions().is_ok());
    if !readable {
        return Err(fail(
            format!("what the server sent is not an image ({content_type})"),
            false,
        ));
    }
    Ok(body)
}

/// A file name for a remote image in the post's output folder: the URL's last
/// path segment, made safe, with the extension of what it now is.
pub fn file_name(url: &str, ext: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let after_host = path.split("://").nth(1).unwrap_or(path);
    let last = after_host
        .split_once('/')
        .map_or("", |(_, p)| p)
        .rsplit('/')
        .next()
        .unwrap_or("");
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('-');
    let stem = if clean.is_empty() { "remote" } else { clean };
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_url_and_are_safe() {
        assert_eq!(
            file_name("https://a.com/x/photo.webp?w=1", "jpg"),
            "photo.jpg"
        );
        assert_eq!(file_name("https://a.com/..%2F.png", "png"), "2F.png");
        assert_eq!(file_name("https://a.com", "png"), "remote.png");
        assert_eq!(file_name("https://a.com/", "png"), "remote.png");
        assert_eq!(file_name("http://a.com/a b/图.png", "png"), "remote.png");
    }

    #[test]
    fn cache_keys_are_sha256_of_the_url() {
        assert_eq!(cache_key("x").len(), 64);
        assert_ne!(cache_key("https://a/1.png"), cache_key("https://a/2.png"));
    }
}
