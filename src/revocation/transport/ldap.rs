//! CRLs from `ldap://` distribution points (RFC 4516 URLs).
//!
//! AD CS lists an `ldap:///CN=<CA>,CN=<host>,CN=CDP,CN=Public Key
//! Services,...?certificateRevocationList?base?objectClass=cRLDistributionPoint`
//! URL first in the certificates it issues. That URL has no host: Windows
//! clients ask their own domain controller, so pkiaudit needs one
//! (`--ldap-server HOST[:PORT]`).
//!
//! Bounds, because the server is not trusted: 10 s to connect and 10 s per
//! operation, one entry, and at most [`MAX_ATTRIBUTE_BYTES`] of attribute
//! data. ldap3 buffers whole messages without a size limit, so the TCP
//! connection goes through a relay thread that counts the bytes and cuts the
//! connection past the limit; ldap3 talks to the relay over a socket pair.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use ldap3::asn1::{StructureTag, PL};
use ldap3::{LdapConn, LdapConnSettings, Scope, SearchOptions, StdStream};
use url::Url;

/// Connection and per-operation timeout.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The most attribute data (all values together) accepted from a server.
pub const MAX_ATTRIBUTE_BYTES: usize = 64 << 20;

/// What the relay lets through from the server: the attribute limit plus
/// room for the LDAP framing, DN and the result message.
const MAX_WIRE_BYTES: u64 = MAX_ATTRIBUTE_BYTES as u64 + (1 << 20);

/// The attribute AD CS and OpenLDAP store CRLs in (RFC 4523 §2.2 requires
/// the `;binary` transfer option).
pub const DEFAULT_ATTRIBUTE: &str = "certificateRevocationList;binary";

/// Longer URLs are refused before parsing (AD CS URLs are ~200 bytes).
const MAX_URL_LEN: usize = 8 * 1024;

/// Filters nested deeper are refused: ldap3's filter parser recurses.
const MAX_FILTER_DEPTH: usize = 16;

/// Why an LDAP CRL could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LdapError {
    /// The URL is not a usable `ldap://` URL.
    #[error("bad LDAP URL: {0}")]
    BadUrl(String),
    /// A host-less (AD-style) URL and no `--ldap-server` to send it to.
    #[error("{0} names no LDAP server (AD style); give one with --ldap-server HOST[:PORT]")]
    NoServer(String),
    /// The server could not be reached, or the bind failed.
    #[error("LDAP connection failed: {0}")]
    Connect(String),
    /// The search failed or returned something unexpected.
    #[error("LDAP search failed: {0}")]
    Search(String),
    /// The search found no entry.
    #[error("no LDAP entry {0}")]
    NoEntry(String),
    /// The entry has no value for the CRL attribute.
    #[error("LDAP entry has no {0} value")]
    NoAttribute(String),
    /// The server sent more than [`MAX_ATTRIBUTE_BYTES`].
    #[error("LDAP response larger than {} MiB", MAX_ATTRIBUTE_BYTES >> 20)]
    TooLarge,
}

/// A parsed `ldap://` CRL URL with the server resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct LdapTarget {
    /// Host name or IP literal (IPv6 in brackets).
    pub host: String,
    pub port: u16,
    /// The percent-decoded base DN.
    pub base: String,
    pub scope: Scope,
    pub filter: String,
    /// The attribute to read, always with `;binary`.
    pub attribute: String,
}

/// Fetch the CRL bytes named by an `ldap://host:port/DN?attr?scope?filter`
/// URL (RFC 4516), reading `certificateRevocationList;binary` (or the
/// attribute the URL names, with `;binary` added when missing). A host-less
/// URL (`ldap:///CN=...`, as AD CS writes them) goes to `default_server`
/// (`HOST[:PORT]`). Anonymous simple bind; exactly one entry expected.
pub fn fetch_crl(url: &str, default_server: Option<&str>) -> Result<Vec<u8>, LdapError> {
    fetch_crl_within(url, default_server, TIMEOUT)
}

/// [`fetch_crl`] with another time bound for each step (connect, bind,
/// search, each read): `--fetch-timeout`, cut to what is left of
/// `--run-timeout`.
pub fn fetch_crl_within(
    url: &str,
    default_server: Option<&str>,
    timeout: Duration,
) -> Result<Vec<u8>, LdapError> {
    let target = parse_url(url, default_server)?;
    fetch_within(&target, timeout)
}

/// Parse an `ldap://` URL; `default_server` stands in for a missing host.
pub fn parse_url(url: &str, default_server: Option<&str>) -> Result<LdapTarget, LdapError> {
    let bad = |why: &str| LdapError::BadUrl(format!("{}: {why}", shorten(url)));
    if url.len() > MAX_URL_LEN {
        return Err(bad("too long"));
    }
    let parsed = Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    match parsed.scheme() {
        "ldap" => {}
        "ldaps" => return Err(bad("ldaps is not supported yet")),
        other => return Err(bad(&format!("scheme {other} is not ldap"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("user information is not allowed in an LDAP URL"));
    }
    if parsed.fragment().is_some() {
        return Err(bad("fragment is not allowed in an LDAP URL"));
    }
    if !parsed.has_authority() {
        return Err(bad("no //host part"));
    }
    // `ldap:///DN`: url gives no host at all for a non-special scheme.
    let (host, port) = match parsed.host_str() {
        None | Some("") => {
            if parsed.port().is_some() {
                return Err(bad("port without host"));
            }
            match default_server {
                Some(server) => parse_server(server)?,
                None => return Err(LdapError::NoServer(shorten(url))),
            }
        }
        Some(h) => (h.to_string(), parsed.port().unwrap_or(389)),
    };

    let params = ldap3::get_url_params(&parsed).map_err(|e| bad(&e.to_string()))?;
    if params.base.is_empty() {
        return Err(bad("no DN"));
    }
    if params.base.chars().any(char::is_control) {
        return Err(bad("control character in the DN"));
    }
    // RFC 4516 §2: a critical extension the client does not implement
    // must stop it; the bind is always anonymous, so none is implemented.
    if url_query_part(&parsed, 3).is_some_and(|e| e.split(',').any(|x| x.starts_with('!'))) {
        return Err(bad("critical extensions are not supported"));
    }

    let attribute = match params.attrs.as_slice() {
        [] | ["*"] => DEFAULT_ATTRIBUTE.to_string(),
        [first, ..] => {
            let valid = !first.is_empty()
                && first
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b';' || b == b'.');
            if !valid {
                return Err(bad(&format!("bad attribute {first:?}")));
            }
            if first
                .split(';')
                .skip(1)
                .any(|o| o.eq_ignore_ascii_case("binary"))
            {
                first.to_string()
            } else {
                format!("{first};binary")
            }
        }
    };
    // RFC 4516 §2: the scope defaults to base (ldap3 defaults to sub).
    let scope = match url_query_part(&parsed, 1) {
        None | Some("") => Scope::Base,
        Some(_) => params.scope,
    };
    let filter = params.filter.into_owned();
    if filter_depth(&filter) > MAX_FILTER_DEPTH {
        return Err(bad("filter nested too deeply"));
    }
    if ldap3::parse_filter(&filter).is_err() {
        return Err(bad(&format!("bad filter {filter:?}")));
    }
    Ok(LdapTarget {
        host,
        port,
        base: params.base.into_owned(),
        scope,
        filter,
        attribute,
    })
}

/// The `n`th `?`-separated part of the query (0 = attributes).
fn url_query_part(url: &Url, n: usize) -> Option<&str> {
    url.query()?.splitn(4, '?').nth(n)
}

fn filter_depth(filter: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in filter.bytes() {
        match b {
            b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// `HOST[:PORT]`, `[v6]:PORT` or a bare IPv6 address.
fn parse_server(server: &str) -> Result<(String, u16), LdapError> {
    let bad = |why: &str| LdapError::BadUrl(format!("--ldap-server {}: {why}", shorten(server)));
    if server.parse::<std::net::Ipv6Addr>().is_ok() {
        return Ok((format!("[{server}]"), 389));
    }
    let url = Url::parse(&format!("ldap://{server}/")).map_err(|e| bad(&e.to_string()))?;
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => return Err(bad("no host")),
    };
    if url.path() != "/" || url.query().is_some() || !url.username().is_empty() {
        return Err(bad("expected HOST[:PORT]"));
    }
    Ok((host, url.port().unwrap_or(389)))
}

/// At most 200 characters of untrusted text for error messages.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// Fetch the attribute from an already parsed target.
pub fn fetch(target: &LdapTarget) -> Result<Vec<u8>, LdapError> {
    fetch_within(target, TIMEOUT)
}

/// [`fetch`] with `timeout` for each step instead of [`TIMEOUT`].
pub fn fetch_within(target: &LdapTarget, timeout: Duration) -> Result<Vec<u8>, LdapError> {
    let tcp = connect(&target.host, target.port, timeout)?;
    let (relay, ldap_side) = Relay::start(tcp)?;
    let over_limit = Arc::clone(&relay.over_limit);
    // ldap3 has `expect`s on server data (entry structure, message
    // framing); a hostile server must give an error, not a crash.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| session(target, ldap_side, timeout)))
        .unwrap_or_else(|_| Err(LdapError::Search("malformed LDAP response".into())));
    relay.finish();
    if over_limit.load(Ordering::SeqCst) {
        return Err(LdapError::TooLarge);
    }
    outcome
}

fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, LdapError> {
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = (name, port)
        .to_socket_addrs()
        .map_err(|e| LdapError::Connect(format!("{host}:{port}: {e}")))?
        .collect();
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                let timeouts = s
                    .set_read_timeout(Some(timeout))
                    .and_then(|_| s.set_write_timeout(Some(timeout)));
                timeouts.map_err(|e| LdapError::Connect(format!("{host}:{port}: {e}")))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(LdapError::Connect(match last {
        Some(e) => format!("{host}:{port}: {e}"),
        None => format!("{host}:{port}: no address"),
    }))
}

/// Bind, search, and pick the attribute out of the single entry.
fn session(
    target: &LdapTarget,
    stream: UnixStream,
    timeout: Duration,
) -> Result<Vec<u8>, LdapError> {
    let where_ = format!("{}:{}", target.host, target.port);
    let settings = LdapConnSettings::new()
        .set_conn_timeout(timeout)
        .set_std_stream(StdStream::Unix(stream));
    // The relay already holds the TCP connection; ldap3 only needs a URL
    // of the socket's kind.
    let mut conn = LdapConn::with_settings(settings, "ldapi:///")
        .map_err(|e| LdapError::Connect(format!("{where_}: {e}")))?;
    conn.with_timeout(timeout);
    let bound = conn
        .simple_bind("", "")
        .map_err(|e| LdapError::Connect(format!("{where_}: anonymous bind: {e}")))?;
    if bound.rc != 0 {
        return Err(LdapError::Connect(format!(
            "{where_}: anonymous bind refused: rc={} {}",
            bound.rc,
            shorten(&bound.text)
        )));
    }
    conn.with_timeout(timeout)
        .with_search_options(SearchOptions::new().sizelimit(2).timelimit(10));
    let result = conn
        .search(
            &target.base,
            target.scope,
            &target.filter,
            vec![target.attribute.as_str()],
        )
        .map_err(|e| LdapError::Search(format!("{where_}: {e}")))?;
    let _ = conn.unbind();
    let (entries, status) = (result.0, result.1);
    match status.rc {
        0 => {}
        // noSuchObject
        32 => return Err(LdapError::NoEntry(target.base.clone())),
        // sizeLimitExceeded
        4 => {
            return Err(LdapError::Search(format!(
                "{where_}: more than one entry for {}",
                target.base
            )))
        }
        rc => {
            return Err(LdapError::Search(format!(
                "{where_}: rc={rc} {}",
                shorten(&status.text)
            )))
        }
    }
    // Search result references and intermediate responses are skipped.
    let mut found: Vec<Vec<(String, Vec<Vec<u8>>)>> = entries
        .into_iter()
        .filter_map(|re| entry_attributes(re.0))
        .collect();
    let attrs = match found.len() {
        0 => return Err(LdapError::NoEntry(target.base.clone())),
        1 => found.pop().unwrap_or_default(),
        n => {
            return Err(LdapError::Search(format!(
                "{where_}: {n} entries for {}, expected one",
                target.base
            )))
        }
    };
    pick_attribute(attrs, &target.attribute)
}

/// The attributes of a SearchResultEntry (RFC 4511 §4.5.2:
/// `[APPLICATION 4] SEQUENCE { objectName, attributes }`), or `None` when
/// the tag is something else or malformed.
fn entry_attributes(tag: StructureTag) -> Option<Vec<(String, Vec<Vec<u8>>)>> {
    let mut parts = tag.match_id(4)?.expect_constructed()?.into_iter();
    let _dn = parts.next()?;
    let mut out = Vec::new();
    for attr in parts.next()?.expect_constructed()? {
        let mut pair = attr.expect_constructed()?.into_iter();
        let name = String::from_utf8(pair.next()?.expect_primitive()?).ok()?;
        let values = pair
            .next()?
            .expect_constructed()?
            .into_iter()
            .filter_map(|v| match v.payload {
                PL::P(bytes) => Some(bytes),
                PL::C(_) => None,
            })
            .collect();
        out.push((name, values));
    }
    Some(out)
}

/// The single value of `wanted` (or of it without `;binary`: some servers
/// drop the option in the answer).
fn pick_attribute(attrs: Vec<(String, Vec<Vec<u8>>)>, wanted: &str) -> Result<Vec<u8>, LdapError> {
    let plain = strip_binary(wanted);
    let mut values: Vec<Vec<u8>> = attrs
        .into_iter()
        .filter(|(name, _)| {
            name.eq_ignore_ascii_case(wanted) || strip_binary(name).eq_ignore_ascii_case(&plain)
        })
        .flat_map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .collect();
    if values.iter().map(Vec::len).sum::<usize>() > MAX_ATTRIBUTE_BYTES {
        return Err(LdapError::TooLarge);
    }
    match values.len() {
        0 => Err(LdapError::NoAttribute(wanted.to_string())),
        // More than one value: the first (AD CS and OpenLDAP store one).
        _ => Ok(values.swap_remove(0)),
    }
}

fn strip_binary(attr: &str) -> String {
    attr.split(';')
        .filter(|o| !o.eq_ignore_ascii_case("binary"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Copies bytes between the server's TCP connection and ldap3's end of a
/// socket pair, cutting the connection once the server has sent more than
/// [`MAX_WIRE_BYTES`].
struct Relay {
    tcp: TcpStream,
    relay_side: UnixStream,
    over_limit: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Relay {
    /// Also returns ldap3's end of the socket pair.
    fn start(tcp: TcpStream) -> Result<(Relay, UnixStream), LdapError> {
        let io_err = |e: io::Error| LdapError::Connect(format!("relay: {e}"));
        let (ldap_side, relay_side) = UnixStream::pair().map_err(io_err)?;
        let over_limit = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();

        let (mut from_server, mut to_ldap) = (
            tcp.try_clone().map_err(io_err)?,
            relay_side.try_clone().map_err(io_err)?,
        );
        let flag = Arc::clone(&over_limit);
        threads.push(thread::spawn(move || {
            let mut total: u64 = 0;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match from_server.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                total = total.saturating_add(n as u64);
                if total > MAX_WIRE_BYTES {
                    flag.store(true, Ordering::SeqCst);
                    break;
                }
                if to_ldap.write_all(buf.get(..n).unwrap_or_default()).is_err() {
                    break;
                }
            }
            let _ = to_ldap.shutdown(Shutdown::Both);
            let _ = from_server.shutdown(Shutdown::Both);
        }));

        let (mut from_ldap, mut to_server) = (
            relay_side.try_clone().map_err(io_err)?,
            tcp.try_clone().map_err(io_err)?,
        );
        threads.push(thread::spawn(move || {
            let _ = io::copy(&mut from_ldap, &mut to_server);
            let _ = to_server.shutdown(Shutdown::Write);
        }));
        let relay = Relay {
            tcp,
            relay_side,
            over_limit,
            threads,
        };
        Ok((relay, ldap_side))
    }

    /// Close both connections and wait for the copy threads.
    fn finish(self) {
        let _ = self.tcp.shutdown(Shutdown::Both);
        let _ = self.relay_side.shutdown(Shutdown::Both);
        for t in self.threads {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AD_URL: &str = "ldap:///CN=Example%20CA,CN=SRV,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=example,DC=com?certificateRevocationList?base?objectClass=cRLDistributionPoint";
    const AD_DN: &str = "CN=Example CA,CN=SRV,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,DC=example,DC=com";

    #[test]
    fn ad_cs_url_uses_the_default_server() {
        let t = parse_url(AD_URL, Some("dc1.example.com")).unwrap();
        assert_eq!(t.host, "dc1.example.com");
        assert_eq!(t.port, 389);
        assert_eq!(t.base, AD_DN);
        assert_eq!(t.scope, Scope::Base);
        assert_eq!(t.filter, "objectClass=cRLDistributionPoint");
        assert_eq!(t.attribute, "certificateRevocationList;binary");

        let t = parse_url(AD_URL, Some("192.0.2.7:3268")).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("192.0.2.7", 3268));
        let t = parse_url(AD_URL, Some("[2001:db8::1]:636")).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("[2001:db8::1]", 636));
        let t = parse_url(AD_URL, Some("2001:db8::1")).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("[2001:db8::1]", 389));
    }

    #[test]
    fn host_less_url_without_default_server_is_no_server() {
        match parse_url(AD_URL, None) {
            Err(LdapError::NoServer(u)) => assert_eq!(u, AD_URL),
            other => panic!("{other:?}"),
        }
        let err = fetch_crl(AD_URL, None).unwrap_err();
        assert!(err.to_string().contains("--ldap-server"), "{err}");
    }

    #[test]
    fn host_and_port_and_attribute_options() {
        let t = parse_url(
            "ldap://ldap.example.com:3389/cn=Example%20CA,dc=example,dc=com?certificateRevocationList;binary?sub?(objectClass=*)",
            Some("ignored.example.com"),
        )
        .unwrap();
        assert_eq!((t.host.as_str(), t.port), ("ldap.example.com", 3389));
        assert_eq!(t.base, "cn=Example CA,dc=example,dc=com");
        assert_eq!(t.scope, Scope::Subtree);
        assert_eq!(t.attribute, "certificateRevocationList;binary");

        let t = parse_url("ldap://[::1]/cn=x?deltaRevocationList", None).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("[::1]", 389));
        assert_eq!(t.attribute, "deltaRevocationList;binary");
        assert_eq!(t.scope, Scope::Base);
        assert_eq!(t.filter, "(objectClass=*)");
    }

    #[test]
    fn missing_attribute_means_the_crl_attribute() {
        for url in [
            "ldap://h/cn=Example%20CA,dc=example,dc=com",
            "ldap://h/cn=Example%20CA,dc=example,dc=com?",
            "ldap://h/cn=Example%20CA,dc=example,dc=com??base",
            "ldap://h/cn=x?*",
        ] {
            let t = parse_url(url, None).unwrap();
            assert_eq!(t.attribute, DEFAULT_ATTRIBUTE, "{url}");
            assert_eq!(t.scope, Scope::Base, "{url}");
        }
    }

    #[test]
    fn garbage_urls_are_bad_urls() {
        let deep = format!("ldap://h/cn=x??base?{}", "(&".repeat(5000));
        let long = format!("ldap://h/cn={}", "a".repeat(20_000));
        for url in [
            "",
            "ldap",
            "ldap:",
            "ldap:cn=x",
            "http://h/cn=x",
            "ldaps://h/cn=x",
            "ldap://h",
            "ldap://h/",
            "ldap://h:99999/cn=x",
            "ldap://user:pw@h/cn=x",
            "ldap://h/cn=x#frag",
            "ldap://h/cn=x??nonsense",
            "ldap://h/cn=x?a b",
            "ldap://h/cn=x??base?(((",
            "ldap://h/cn=x??base??!x-unknown=1",
            "ldap://h/%FF%FE",
            "ldap://h/cn=x?%C3%A9",
            "ldap://h/cn=x?é",
            "ldap://h/cn=x????!é",
            "ldap://h/cn=%00",
            "ldap://:389/cn=x",
            deep.as_str(),
            long.as_str(),
        ] {
            match parse_url(url, Some("dc")) {
                Err(LdapError::BadUrl(_)) => {}
                other => panic!("{url:?} → {other:?}"),
            }
        }
        for server in ["", ":389", "h/x", "h:notaport", "u@h"] {
            match parse_url(AD_URL, Some(server)) {
                Err(LdapError::BadUrl(m)) => assert!(m.contains("--ldap-server"), "{m}"),
                other => panic!("{server:?} → {other:?}"),
            }
        }
    }

    #[test]
    fn closed_port_is_a_connect_error() {
        // Bind then drop a listener: the port is free and nothing listens.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let url = format!("ldap://127.0.0.1:{port}/cn=x,dc=example,dc=com");
        match fetch_crl(&url, None) {
            Err(LdapError::Connect(m)) => assert!(m.contains(&port.to_string()), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hostile_server_gets_errors_not_panics() {
        use std::net::TcpListener;
        // Garbage, a truncated message, an absurd length, silence-then-close.
        let replies: [&[u8]; 4] = [
            b"HTTP/1.1 200 OK\r\n\r\n",
            &[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02],
            &[0x30, 0x03, 0x02, 0x01, 0x01],
            &[],
        ];
        for reply in replies {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = l.local_addr().unwrap().port();
            let server = thread::spawn(move || {
                if let Ok((mut s, _)) = l.accept() {
                    let mut buf = [0u8; 512];
                    let _ = s.read(&mut buf);
                    let _ = s.write_all(reply);
                }
            });
            let url = format!("ldap://127.0.0.1:{port}/cn=x");
            let got = fetch_crl(&url, None);
            assert!(got.is_err(), "{reply:?} → {got:?}");
            server.join().unwrap();
        }
    }

    #[test]
    fn endless_response_is_too_large() {
        use std::net::TcpListener;
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let server = thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf);
                // A SEQUENCE claiming 256 MiB, then zeros until cut off.
                let _ = s.write_all(&[0x30, 0x84, 0x10, 0x00, 0x00, 0x00]);
                let chunk = vec![0u8; 1 << 20];
                while s.write_all(&chunk).is_ok() {}
            }
        });
        let got = fetch_crl(&format!("ldap://127.0.0.1:{port}/cn=x"), None);
        assert!(matches!(got, Err(LdapError::TooLarge)), "{got:?}");
        server.join().unwrap();
    }

    #[test]
    fn attribute_matching_and_limits() {
        let attrs = vec![
            (
                "objectClass".to_string(),
                vec![b"cRLDistributionPoint".to_vec()],
            ),
            (
                "certificateRevocationList".to_string(),
                vec![vec![0x30, 0x00]],
            ),
        ];
        assert_eq!(
            pick_attribute(attrs.clone(), DEFAULT_ATTRIBUTE).unwrap(),
            vec![0x30, 0x00]
        );
        assert!(matches!(
            pick_attribute(attrs, "deltaRevocationList;binary"),
            Err(LdapError::NoAttribute(_))
        ));
        let big = vec![(
            DEFAULT_ATTRIBUTE.to_string(),
            vec![vec![0u8; MAX_ATTRIBUTE_BYTES + 1]],
        )];
        assert!(matches!(
            pick_attribute(big, DEFAULT_ATTRIBUTE),
            Err(LdapError::TooLarge)
        ));
    }
}
