//! HTTP fetches: the network I/O of the loaders (IKE hash-and-URL
//! certificates, `--fetch`) and of revocation (CRLs, OCSP).
//!
//! Every request is bounded: a timeout from connect to last byte, a cap on
//! the body, no retries, and redirects only between `http` and `https` (at
//! most [`MAX_REDIRECTS`]; a redirect to `file:`, `ftp:` or anything else is
//! refused). IKE hash-and-URL is `http://` only (RFC 7296 §3.6).
//!
//! TLS is rustls on ring (the crate's only crypto backend). Server
//! certificates are checked against the operating system's roots plus the
//! roots the caller adds (`--trust` anchors: a VPN PKI's own CA often runs
//! its `https://` distribution points).

use std::io::Read;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The most bytes read from one response by [`get`].
pub const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;

/// How long one request may take, connect to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Redirects followed per request (http and https only).
pub const MAX_REDIRECTS: usize = 3;

/// The time bounds of a run's network requests: each request
/// (`--fetch-timeout`, default [`TIMEOUT`]) and, optionally, all of them
/// together (`--run-timeout`): once the deadline has passed no request is
/// made, and one in flight is cut at the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One request, connect to last byte.
    pub timeout: Duration,
    /// When the run's network work must be over.
    pub deadline: Option<Instant>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: TIMEOUT,
            deadline: None,
        }
    }
}

impl Limits {
    /// The time the next request may take: the request timeout, cut to
    /// what is left of the run; an error once the run's time is up.
    pub fn next_request(&self) -> Result<Duration, FetchError> {
        match self.deadline {
            None => Ok(self.timeout),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    Err(FetchError(
                        "not fetched: the run's time limit (--run-timeout) is used up".into(),
                    ))
                } else {
                    Ok(left.min(self.timeout))
                }
            }
        }
    }
}

/// Why a fetch failed, in words. It does not repeat the URL: the caller
/// names it once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(pub String);

/// GET `url` (http only) and return the body, at most [`MAX_BODY_BYTES`]:
/// IKE hash-and-URL (RFC 7296 §3.6 names HTTP).
pub fn get(url: &str) -> Result<Vec<u8>, FetchError> {
    if !url.starts_with("http://") {
        return Err(FetchError(format!(
            "only http:// URLs are fetched (RFC 7296 §3.6); not {url}"
        )));
    }
    get_limited(url, MAX_BODY_BYTES)
}

/// GET with another cap on the body (CRLs can be tens of MB), http or
/// https, with the system roots only.
pub fn get_limited(url: &str, max_body: u64) -> Result<Vec<u8>, FetchError> {
    match Http::new(&[])?.get(url, max_body, None)? {
        Got::Body(r) => Ok(r.body),
        Got::NotModified(_) => Err(FetchError(
            "GET: 304 Not Modified to an unconditional request".to_string(),
        )),
    }
}

/// What HTTP said about caching a response (RFC 9111), kept beside a
/// cached CRL so the next run can revalidate instead of downloading again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachePolicy {
    /// `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// How long the response is fresh from when it was received
    /// (`Cache-Control: max-age` minus `Age`, else `Expires - Date`);
    /// `Some(0)` for `no-cache`; `None` when the server said nothing.
    pub fresh_for_secs: Option<u64>,
    /// `Cache-Control: no-store`: do not keep it on disk.
    pub no_store: bool,
}

impl CachePolicy {
    fn from_headers(headers: &reqwest::header::HeaderMap) -> Self {
        let text = |name: reqwest::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let mut policy = CachePolicy {
            etag: text(reqwest::header::ETAG),
            last_modified: text(reqwest::header::LAST_MODIFIED),
            ..CachePolicy::default()
        };
        let mut max_age = None;
        let mut no_cache = false;
        for value in headers.get_all(reqwest::header::CACHE_CONTROL) {
            let Ok(value) = value.to_str() else { continue };
            for directive in value.split(',') {
                let directive = directive.trim().to_ascii_lowercase();
                if directive == "no-store" {
                    policy.no_store = true;
                } else if directive == "no-cache" {
                    no_cache = true;
                } else if let Some(n) = directive
                    .strip_prefix("s-maxage=")
                    .or_else(|| directive.strip_prefix("max-age="))
                {
                    if let Ok(n) = n.trim_matches('"').parse::<u64>() {
                        // s-maxage (shared caches) and max-age: take the
                        // shorter, a cache may not serve past either.
                        max_age = Some(max_age.map_or(n, |m: u64| m.min(n)));
                    }
                }
            }
        }
        let age = text(reqwest::header::AGE)
            .and_then(|a| a.parse::<u64>().ok())
            .unwrap_or(0);
        policy.fresh_for_secs = if no_cache {
            Some(0)
        } else if let Some(m) = max_age {
            Some(m.saturating_sub(age))
        } else {
            // Expires relative to the server's Date (RFC 9111 §4.2.1), so a
            // wrong local clock does not stretch or shrink it.
            let date =
                |name| text(name).and_then(|t| chrono::DateTime::parse_from_rfc2822(&t).ok());
            match (
                date(reqwest::header::EXPIRES),
                date(reqwest::header::DATE),
                text(reqwest::header::EXPIRES),
            ) {
                (Some(expires), Some(date), _) => {
                    Some((expires - date).num_seconds().max(0) as u64)
                }
                // An Expires that does not parse ("0", "-1") means expired.
                (None, _, Some(_)) => Some(0),
                _ => None,
            }
        };
        policy
    }
}

/// A response body and what HTTP said about caching it.
#[derive(Debug, Clone)]
pub struct Response {
    pub body: Vec<u8>,
    pub policy: CachePolicy,
}

/// The result of a GET, conditional or not.
#[derive(Debug, Clone)]
pub enum Got {
    Body(Response),
    /// 304 to a conditional GET: the cached copy is current; the new
    /// caching headers apply to it.
    NotModified(CachePolicy),
}

/// An HTTP(S) client with the bounds above. Build one per run and share it
/// (it is cheap to clone and safe across threads).
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::blocking::Client,
    limits: Limits,
}

fn install_ring_provider() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // Fails only when a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Why a request could not be sent, in words: `cannot connect: connection
/// refused`, `no answer within --fetch-timeout`, else the whole chain.
fn send_error(e: reqwest::Error) -> String {
    if e.is_timeout() {
        return "GET: timed out (no answer within --fetch-timeout)".into();
    }
    if e.is_connect() {
        let mut root: &dyn std::error::Error = &e;
        while let Some(inner) = root.source() {
            root = inner;
        }
        let text = root.to_string();
        // "Connection refused (os error 111)": the words, not the errno.
        let text = match text.rfind(" (os error ") {
            Some(i) if text.ends_with(')') => text[..i].to_string(),
            _ => text,
        };
        let mut words = text.chars();
        let text: String = match words.next() {
            Some(c) => c.to_lowercase().chain(words).collect(),
            None => "connection failed".into(),
        };
        return format!("GET: cannot connect: {text}");
    }
    format!("GET: {}", error_chain(&e.without_url()))
}

/// An error with its sources ("error sending request: connection refused").
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.ends_with(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

impl Http {
    /// A client trusting the system roots plus `extra_roots` (DER) for
    /// https, with the default [`Limits`].
    pub fn new(extra_roots: &[Vec<u8>]) -> Result<Http, FetchError> {
        Http::with_limits(extra_roots, Limits::default())
    }

    /// A client trusting the system roots plus `extra_roots`, whose
    /// requests keep to `limits`.
    pub fn with_limits(extra_roots: &[Vec<u8>], limits: Limits) -> Result<Http, FetchError> {
        install_ring_provider();
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout)
            .user_agent(concat!("pkiaudit/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let scheme = attempt.url().scheme().to_string();
                if scheme != "http" && scheme != "https" {
                    attempt.error(format!("refused a redirect to a {scheme}: URL"))
                } else if attempt.previous().len() > MAX_REDIRECTS {
                    attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
                } else {
                    attempt.follow()
                }
            }));
        for der in extra_roots {
            if let Ok(cert) = reqwest::Certificate::from_der(der) {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| FetchError(format!("HTTP client: {}", error_chain(&e))))?;
        Ok(Http { client, limits })
    }

    /// GET `url` (http or https), reading at most `max_body` bytes. With
    /// `validators` (a cached copy's ETag / Last-Modified) the request is
    /// conditional and may come back [`Got::NotModified`].
    pub fn get(
        &self,
        url: &str,
        max_body: u64,
        validators: Option<&CachePolicy>,
    ) -> Result<Got, FetchError> {
        check_scheme(url)?;
        let timeout = self
            .limits
            .next_request()
            .map_err(|e| FetchError(format!("GET: {e}")))?;
        let mut request = self.client.get(url).timeout(timeout);
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
        }
        let response = request.send().map_err(|e| FetchError(send_error(e)))?;
        let status = response.status();
        let policy = CachePolicy::from_headers(response.headers());
        if status == reqwest::StatusCode::NOT_MODIFIED && validators.is_some() {
            return Ok(Got::NotModified(policy));
        }
        if !status.is_success() {
            return Err(FetchError(format!("GET: HTTP {status}")));
        }
        let body = read_bounded(response, max_body).map_err(|e| FetchError(format!("GET: {e}")))?;
        Ok(Got::Body(Response { body, policy }))
    }

    /// POST `body` with `content_type`, reading at most `max_body` bytes of
    /// a 200 answer.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        accept: &str,
        body: &[u8],
        max_body: u64,
    ) -> Result<Vec<u8>, FetchError> {
        check_scheme(url)?;
        let timeout = self
            .limits
            .next_request()
            .map_err(|e| FetchError(format!("POST: {e}")))?;
        let response = self
            .client
            .post(url)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::ACCEPT, accept)
            .body(body.to_vec())
            .send()
            .map_err(|e| FetchError(format!("POST: {}", error_chain(&e.without_url()))))?;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            return Err(FetchError(format!("POST: HTTP {status}")));
        }
        read_bounded(response, max_body).map_err(|e| FetchError(format!("POST: {e}")))
    }
}

fn check_scheme(url: &str) -> Result<(), FetchError> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Ok(())
    } else {
        Err(FetchError(format!(
            "only http:// and https:// URLs are fetched; not {url}"
        )))
    }
}

fn read_bounded(response: reqwest::blocking::Response, max_body: u64) -> Result<Vec<u8>, String> {
    if let Some(len) = response.content_length() {
        if len > max_body {
            return Err(too_large(max_body));
        }
    }
    let mut body = Vec::new();
    response
        .take(max_body + 1)
        .read_to_end(&mut body)
        .map_err(|e| format!("reading the body: {}", error_chain(&e)))?;
    if body.len() as u64 > max_body {
        return Err(too_large(max_body));
    }
    Ok(body)
}

fn too_large(max_body: u64) -> String {
    if max_body >= 1024 * 1024 {
        format!(
            "the body is larger than {} MiB; not read",
            max_body / (1024 * 1024)
        )
    } else {
        format!("the body is larger than {} KiB; not read", max_body / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn max_age_minus_age() {
        let p = CachePolicy::from_headers(&headers(&[
            ("cache-control", "public, max-age=3600"),
            ("age", "600"),
            ("etag", "\"abc\""),
        ]));
        assert_eq!(p.fresh_for_secs, Some(3000));
        assert_eq!(p.etag.as_deref(), Some("\"abc\""));
        assert!(!p.no_store);
    }

    #[test]
    fn shorter_of_s_maxage_and_max_age() {
        let p =
            CachePolicy::from_headers(&headers(&[("cache-control", "max-age=7200, s-maxage=60")]));
        assert_eq!(p.fresh_for_secs, Some(60));
    }

    #[test]
    fn expires_relative_to_date() {
        let p = CachePolicy::from_headers(&headers(&[
            ("date", "Sat, 28 Nov 2026 08:00:00 GMT"),
            ("expires", "Sat, 28 Nov 2026 10:00:00 GMT"),
            ("last-modified", "Sat, 28 Nov 2026 07:00:00 GMT"),
        ]));
        assert_eq!(p.fresh_for_secs, Some(7200));
        assert_eq!(
            p.last_modified.as_deref(),
            Some("Sat, 28 Nov 2026 07:00:00 GMT")
        );
    }

    #[test]
    fn unparsable_expires_and_no_cache_mean_revalidate() {
        let p = CachePolicy::from_headers(&headers(&[("expires", "0")]));
        assert_eq!(p.fresh_for_secs, Some(0));
        let p = CachePolicy::from_headers(&headers(&[("cache-control", "no-cache, max-age=99")]));
        assert_eq!(p.fresh_for_secs, Some(0));
        let p = CachePolicy::from_headers(&headers(&[("cache-control", "no-store")]));
        assert!(p.no_store);
        assert_eq!(p.fresh_for_secs, None);
    }

    #[test]
    fn silence_means_no_http_lifetime() {
        let p = CachePolicy::from_headers(&HeaderMap::new());
        assert_eq!(p, CachePolicy::default());
    }

    #[test]
    fn other_schemes_are_refused_before_any_io() {
        let http = Http::new(&[]).unwrap();
        for url in [
            "file:///etc/passwd",
            "ftp://x/y.crl",
            "ldap://x/y",
            "gopher://x",
        ] {
            let e = http.get(url, 10, None).unwrap_err();
            assert!(e.0.contains("only http:// and https://"), "{e}");
        }
        assert!(get("https://127.0.0.1:1/x")
            .unwrap_err()
            .0
            .contains("RFC 7296"));
    }
}
