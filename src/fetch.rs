//! HTTP fetches, the only network I/O of the loaders (IKE hash-and-URL
//! certificates, `--fetch`). Bounded: plain `http://` only (RFC 7296 §3.6
//! requires HTTP for hash-and-URL; a redirect to another scheme is refused),
//! a timeout per request, a cap on the body, and no retries.

use std::io::Read;
use std::time::Duration;

/// The most bytes read from one response.
pub const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;

/// How long one request may take, connect to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a fetch failed, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(pub String);

/// GET `url` (http only) and return the body, at most [`MAX_BODY_BYTES`].
pub fn get(url: &str) -> Result<Vec<u8>, FetchError> {
    get_limited(url, MAX_BODY_BYTES)
}

/// GET with another cap on the body (CRLs can be tens of MB).
pub fn get_limited(url: &str, max_body: u64) -> Result<Vec<u8>, FetchError> {
    if !url.starts_with("http://") {
        return Err(FetchError(format!(
            "only http:// URLs are fetched (RFC 7296 §3.6); not {url}"
        )));
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.url().scheme() != "http" || attempt.previous().len() >= 3 {
                attempt.stop()
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| FetchError(format!("HTTP client: {e}")))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| FetchError(format!("GET {url}: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError(format!("GET {url}: HTTP {status}")));
    }
    let mut body = Vec::new();
    response
        .take(max_body + 1)
        .read_to_end(&mut body)
        .map_err(|e| FetchError(format!("GET {url}: reading the body: {e}")))?;
    if body.len() as u64 > max_body {
        return Err(FetchError(format!(
            "GET {url}: the body is larger than {} MiB; not read",
            max_body / (1024 * 1024)
        )));
    }
    Ok(body)
}
