//! NTP time source: an SNTPv4 client (RFC 5905 §7–§8, client side as in
//! RFC 4330) that asks several servers once each, and a clock selection
//! (RFC 5905 §11.2.1, simplified) that throws out servers that disagree with
//! the majority.
//!
//! NTP here is unauthenticated: a single server, or a network path, can lie.
//! That is why `--ntp` takes several servers and [`select`] uses a server only
//! when a strict majority of the servers that answered agree with it.
//!
//! Why not the `rsntp` crate: its result has no root delay and no root
//! dispersion (it never decodes them), and the selection needs both for each
//! server's error bound. It also accepts a Kiss-o'-Death before checking the
//! origin timestamp (so any host can forge one), sends the local clock
//! reading as the transmit timestamp, and gives up at the first datagram that
//! fails a check. This client sends a random transmit timestamp (RFC 9109
//! data minimisation is the same idea: the server learns nothing about our
//! clock), checks every reply against it, ignores datagrams that do not
//! answer our request and keeps waiting for one that does until the timeout.

use std::net::{IpAddr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// The NTP port (RFC 5905 §7.2), used when `--ntp` gives none.
pub const DEFAULT_PORT: u16 = 123;

/// RFC 5905 Appendix A.5.5.2 `root_dist()`: the round-trip part of the
/// distance is `max(MINDISP, root delay + delay) / 2`, with MINDISP = 10 ms
/// (RFC 5905 §7.2 parameter table). So every server's error bound is at
/// least 5 ms. This matters on loopback and LANs: chronyd with a `local`
/// reference reports root delay 0 and root dispersion 0, and a delay of tens
/// of microseconds, so two honest servers on one machine would otherwise get
/// intervals too narrow to overlap after the few microseconds that pass
/// between the two queries.
const MINDISP: f64 = 0.01;

/// A server whose synchronization distance is above this is not used (RFC
/// 5905 A.5.2 `fit()` rejects such servers; chrony's default `maxdistance` is
/// 3 s, the value used here). Without this limit, one server reporting a huge
/// root dispersion would have an interval overlapping every other server's
/// and could lend a majority to a falseticker.
const MAX_DISTANCE: f64 = 3.0;

/// NTP era 0 starts 1900-01-01; the Unix epoch is this many seconds later.
const NTP_UNIX_OFFSET: i64 = 2_208_988_800;

/// An NTP packet without extension fields or MAC (RFC 5905 §7.3).
const PACKET_LEN: usize = 48;

/// One server's answer, or why there is none.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// The server as given on the command line.
    pub server: String,
    /// The socket address actually queried, e.g. `127.0.0.1:11123` or
    /// `[::1]:123` (None when the name did not resolve).
    pub address: Option<String>,
    /// Stratum from the reply (1 = primary, 2..=15 secondary; 0 marks a
    /// Kiss-o'-Death, 16 unsynchronized).
    pub stratum: Option<u8>,
    /// Leap indicator from the reply, 0..=3 (3 = clock not synchronized).
    pub leap: Option<u8>,
    /// Reference ID: 4-character ASCII for stratum 0 (the kiss code) and 1
    /// (e.g. `GPS`, `PPS`), otherwise shown as an IPv4 dotted quad (for an
    /// upstream IPv6 server it is the first 4 bytes of an MD5 hash, which
    /// also prints as a dotted quad, like `ntpq` does). Non-printable ASCII
    /// is shown as hex (`0x...`).
    pub reference_id: Option<String>,
    /// Offset of the server clock from the local clock, in seconds
    /// (RFC 5905 θ = ((T2 − T1) + (T3 − T4)) / 2, the same sign as rsntp's
    /// `clock_offset`). **Positive means the local clock is behind the
    /// server**: server time = local time + offset. Only set when the reply
    /// passed every check.
    pub offset_seconds: Option<f64>,
    /// Round-trip delay δ = (T4 − T1) − (T3 − T2), in seconds (clamped at
    /// 0: a negative value only comes from clock granularity or a bogus
    /// server). Only set when the reply passed every check.
    pub delay_seconds: Option<f64>,
    /// Root delay from the reply: the server's round trip to its primary
    /// reference, in seconds.
    pub root_delay_seconds: Option<f64>,
    /// Root dispersion from the reply: the server's own error bound relative
    /// to its primary reference, in seconds.
    pub root_dispersion_seconds: Option<f64>,
    /// Whether this answer went into the reported offset.
    pub used: bool,
    /// Why the server's answer was not used (None when used): "no answer
    /// within 2s", "kiss-o'-death RATE", "stratum 16 (unsynchronized)",
    /// "stratum 0", "leap indicator 3 (clock not synchronized)",
    /// "falseticker: offset +12.300s disagrees with the majority", "could
    /// not resolve host", "origin timestamp mismatch", ...
    pub reason: Option<String>,
}

impl Sample {
    fn new(server: &str) -> Sample {
        Sample {
            server: server.to_string(),
            address: None,
            stratum: None,
            leap: None,
            reference_id: None,
            offset_seconds: None,
            delay_seconds: None,
            root_delay_seconds: None,
            root_dispersion_seconds: None,
            used: false,
            reason: None,
        }
    }

    fn rejected(mut self, reason: impl Into<String>) -> Sample {
        self.used = false;
        self.reason = Some(reason.into());
        self
    }

    /// Synchronization distance λ (RFC 5905 A.5.5.2 `root_dist()`, without
    /// the peer dispersion and jitter terms, which need several samples):
    /// `max(MINDISP, root delay + delay) / 2 + root dispersion`. Missing
    /// values count as 0. The true server time lies within ±λ of
    /// local + offset.
    fn sync_distance(&self) -> f64 {
        let delay = self.delay_seconds.unwrap_or(0.0).max(0.0);
        let root_delay = self.root_delay_seconds.unwrap_or(0.0).max(0.0);
        let root_dispersion = self.root_dispersion_seconds.unwrap_or(0.0).max(0.0);
        (root_delay + delay).max(MINDISP) / 2.0 + root_dispersion
    }
}

/// The result of asking every `--ntp` server.
#[derive(Debug, Clone, Serialize)]
pub struct NtpReport {
    /// One per server, in the order given.
    pub samples: Vec<Sample>,
    /// Median offset of the used samples, same sign as
    /// [`Sample::offset_seconds`] (server = local + offset). None when no
    /// server was usable.
    pub offset_seconds: Option<f64>,
    /// Error bound of `offset_seconds`: the maximum over used samples of
    /// `|offset_i − median| + λ_i`, with λ the synchronization distance
    /// `max(10 ms, delay + root delay) / 2 + root dispersion` (the 10 ms
    /// floor is RFC 5905's MINDISP, see [`select`]).
    pub uncertainty_seconds: Option<f64>,
    /// Local clock reading at the end of the query plus `offset_seconds`.
    pub time: Option<DateTime<Utc>>,
}

/// Parse `--ntp SERVER[:PORT]`: a host name, an IPv4 address, or an IPv6
/// address (`[::1]:123`, or bare `::1` meaning port 123). The port defaults
/// to 123. Returns the host (IPv6 without brackets) and the port.
pub fn parse_server(spec: &str) -> Result<(String, u16), String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("empty NTP server: give HOST, HOST:PORT or [IPv6]:PORT".into());
    }
    if let Some(rest) = spec.strip_prefix('[') {
        let Some((inner, after)) = rest.split_once(']') else {
            return Err(format!(
                "NTP server '{spec}': missing ']' after the IPv6 address"
            ));
        };
        if inner.parse::<Ipv6Addr>().is_err() {
            return Err(format!(
                "NTP server '{spec}': '{inner}' in brackets is not an IPv6 address"
            ));
        }
        let port = if after.is_empty() {
            DEFAULT_PORT
        } else if let Some(port) = after.strip_prefix(':') {
            parse_port(spec, port)?
        } else {
            return Err(format!(
                "NTP server '{spec}': expected ':PORT' after ']', found '{after}'"
            ));
        };
        return Ok((inner.to_string(), port));
    }
    match spec.matches(':').count() {
        0 => Ok((check_host(spec, spec)?, DEFAULT_PORT)),
        1 => {
            let (host, port) = spec.split_once(':').unwrap_or((spec, ""));
            Ok((check_host(spec, host)?, parse_port(spec, port)?))
        }
        _ => match spec.parse::<Ipv6Addr>() {
            Ok(_) => Ok((spec.to_string(), DEFAULT_PORT)),
            Err(_) => Err(format!(
                "NTP server '{spec}' is not an IPv6 address; to give a port with an \
                 IPv6 address put it in brackets: [2001:db8::1]:123"
            )),
        },
    }
}

fn parse_port(spec: &str, port: &str) -> Result<u16, String> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "NTP server '{spec}': port '{port}' is not a number from 1 to 65535"
        ));
    }
    match port.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!(
            "NTP server '{spec}': port '{port}' is not a number from 1 to 65535"
        )),
    }
}

/// A DNS name or IPv4 literal: letters, digits, '-', '.', '_' (at most 253).
fn check_host(spec: &str, host: &str) -> Result<String, String> {
    let ok_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    if host.is_empty() {
        return Err(format!("NTP server '{spec}': the host is empty"));
    }
    if host.len() > 253 || !host.bytes().all(ok_char) {
        return Err(format!(
            "NTP server '{spec}': '{host}' is not a host name or IP address"
        ));
    }
    Ok(host.to_string())
}

/// Query every server once, each in its own thread (so the whole call takes
/// about `timeout`, plus name resolution, which the system resolver bounds),
/// then choose among the answers with [`select`], using the local clock read
/// after the last answer.
///
/// Never fails as a whole: each server's problem is in its [`Sample`], and
/// the report's offset and time are None when no server could be used.
pub fn query(servers: &[String], timeout: Duration) -> NtpReport {
    let samples: Vec<Sample> = std::thread::scope(|scope| {
        let handles: Vec<_> = servers
            .iter()
            .map(|spec| {
                let handle = std::thread::Builder::new()
                    .name("ntp-query".into())
                    .spawn_scoped(scope, move || query_one(spec, timeout));
                (spec, handle)
            })
            .collect();
        handles
            .into_iter()
            .map(|(spec, handle)| match handle {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Sample::new(spec).rejected("internal error: the query thread panicked")
                }),
                // Could not start a thread: ask this server from here.
                Err(_) => query_one(spec, timeout),
            })
            .collect()
    });
    select(samples, Utc::now())
}

/// Clock selection over the samples, without any network I/O.
///
/// Samples that already carry a `reason` (no answer, Kiss-o'-Death, ...) are
/// passed through unchanged and do not count. Each remaining sample with an
/// offset θ gives the correctness interval [θ − λ, θ + λ], λ being its
/// synchronization distance `max(10 ms, delay + root delay) / 2 + root
/// dispersion` (RFC 5905 A.5.5.2; the 10 ms MINDISP floor gives every
/// interval a half-width of at least 5 ms, so loopback or LAN servers that
/// report zero dispersion still overlap when they agree within ~10 ms).
///
/// Marzullo's algorithm finds the largest number m of intervals sharing a
/// point. If m is a strict majority of the valid samples, the samples whose
/// interval contains a point shared by m intervals are used and the rest are
/// falsetickers. Otherwise no sample is used ("no majority: servers
/// disagree"): with two servers that disagree there is no telling which one
/// is right. A single valid server is used.
///
/// The report's offset is the median of the used offsets, its uncertainty
/// `max |θ_i − median| + λ_i` over the used samples, and its time
/// `local_now + offset`.
pub fn select(mut samples: Vec<Sample>, local_now: DateTime<Utc>) -> NtpReport {
    let mut candidates: Vec<Candidate> = Vec::new();
    for (index, sample) in samples.iter_mut().enumerate() {
        sample.used = false;
        if sample.reason.is_some() {
            continue;
        }
        let lambda = sample.sync_distance();
        match sample.offset_seconds {
            Some(offset) if offset.is_finite() && lambda.is_finite() => {
                candidates.push(Candidate {
                    index,
                    offset,
                    lambda,
                    low: offset - lambda,
                    high: offset + lambda,
                });
            }
            Some(_) => sample.reason = Some("offset or error bound is not a number".into()),
            None => sample.reason = Some("no offset was measured".into()),
        }
    }

    let intervals: Vec<(f64, f64)> = candidates.iter().map(|c| (c.low, c.high)).collect();
    let (agreeing, regions) = largest_overlap(&intervals);
    let total = candidates.len();
    let majority = total > 0 && agreeing * 2 > total;

    let mut used: Vec<&Candidate> = Vec::new();
    for c in &candidates {
        let Some(sample) = samples.get_mut(c.index) else {
            continue;
        };
        if !majority {
            sample.reason = Some("no majority: servers disagree".into());
        } else if regions.iter().any(|&(a, b)| c.low <= a && b <= c.high) {
            sample.used = true;
            used.push(c);
        } else {
            let (first, last) = match (regions.first(), regions.last()) {
                (Some(first), Some(last)) => (first.0, last.1),
                _ => (f64::NAN, f64::NAN),
            };
            sample.reason = Some(format!(
                "falseticker: offset {:+.3}s disagrees with the majority \
                 ({agreeing} of {total} servers agree on {first:+.3}s to {last:+.3}s)",
                c.offset
            ));
        }
    }

    let offset = median(used.iter().map(|c| c.offset).collect());
    let uncertainty = offset.map(|m| {
        used.iter()
            .map(|c| (c.offset - m).abs() + c.lambda)
            .fold(0.0, f64::max)
    });
    let time = offset.and_then(|o| add_seconds(local_now, o));
    NtpReport {
        samples,
        offset_seconds: offset,
        uncertainty_seconds: uncertainty,
        time,
    }
}

/// A valid sample taking part in the selection.
struct Candidate {
    index: usize,
    offset: f64,
    lambda: f64,
    low: f64,
    high: f64,
}

/// Marzullo's algorithm over closed intervals: the largest number of
/// intervals sharing a point, and the regions where that many overlap (each
/// region lies between two consecutive endpoints, so every interval either
/// contains a region or does not reach into it).
fn largest_overlap(intervals: &[(f64, f64)]) -> (usize, Vec<(f64, f64)>) {
    // +1 opens, -1 closes. At the same point, opens sort first so that
    // intervals touching at one point count as overlapping (closed intervals).
    let mut edges: Vec<(f64, i32)> = intervals
        .iter()
        .flat_map(|&(low, high)| [(low, 1), (high, -1)])
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));

    let mut best = 0usize;
    let mut count = 0usize;
    for &(_, step) in &edges {
        if step > 0 {
            count += 1;
            best = best.max(count);
        } else {
            count = count.saturating_sub(1);
        }
    }

    let mut regions = Vec::new();
    count = 0;
    for (k, &(point, step)) in edges.iter().enumerate() {
        if step > 0 {
            count += 1;
            if count == best {
                // Reaching the maximum: it lasts until the next edge, which
                // must be a close (another open would exceed the maximum).
                let end = edges.get(k + 1).map_or(point, |e| e.0);
                regions.push((point, end));
            }
        } else {
            count = count.saturating_sub(1);
        }
    }
    (best, regions)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        None
    } else if n.is_multiple_of(2) {
        match (values.get(n / 2 - 1), values.get(n / 2)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        }
    } else {
        values.get(n / 2).copied()
    }
}

fn add_seconds(t: DateTime<Utc>, seconds: f64) -> Option<DateTime<Utc>> {
    let nanos = (seconds * 1e9).round();
    // ±9.2e18 ns is ±292 years; anything beyond is not a clock offset.
    if !nanos.is_finite() || nanos.abs() >= 9.0e18 {
        return None;
    }
    t.checked_add_signed(TimeDelta::nanoseconds(nanos as i64))
}

/// Ask one server. Never panics; every failure becomes the sample's reason.
fn query_one(spec: &str, timeout: Duration) -> Sample {
    let sample = Sample::new(spec);
    let (host, port) = match parse_server(spec) {
        Ok(hp) => hp,
        Err(e) => return sample.rejected(e),
    };
    let addr = match resolve(&host, port) {
        Ok(addr) => addr,
        Err(e) => return sample.rejected(e),
    };
    let sample = Sample {
        address: Some(addr.to_string()),
        ..sample
    };
    match exchange(addr, timeout) {
        Ok(reply) => evaluate(sample, &reply),
        Err(reason) => sample.rejected(reason),
    }
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    match (host, port).to_socket_addrs() {
        Ok(mut addrs) => addrs
            .next()
            .ok_or_else(|| format!("could not resolve host '{host}': no addresses")),
        Err(e) => Err(format!("could not resolve host '{host}': {e}")),
    }
}

/// A reply whose origin timestamp matched our request, with the local clock
/// readings T1 (just before sending) and T4 (just after receiving).
struct Exchange {
    packet: [u8; PACKET_LEN],
    t1: u64,
    t4: u64,
}

/// Send one mode-3 request and wait up to `timeout` for the datagram that
/// answers it. Datagrams from another address, too short, or with the wrong
/// origin timestamp are ignored (they may be forged, or late answers to
/// someone else) and we keep waiting; if nothing better arrives, the last
/// such problem is the reason.
fn exchange(addr: SocketAddr, timeout: Duration) -> Result<Exchange, String> {
    let bind: SocketAddr = match addr.ip() {
        IpAddr::V4(_) => (IpAddr::from([0u8; 4]), 0).into(),
        IpAddr::V6(_) => (IpAddr::from([0u16; 8]), 0).into(),
    };
    let socket = UdpSocket::bind(bind).map_err(|e| format!("could not open a UDP socket: {e}"))?;
    // A connected socket: the kernel drops datagrams from other addresses,
    // and a closed port shows up as "connection refused".
    socket
        .connect(addr)
        .map_err(|e| format!("could not reach {addr}: {e}"))?;

    // Random transmit timestamp: the server must echo it as the origin
    // timestamp (RFC 5905 §8 "bogus" check). An off-path attacker cannot
    // guess 64 random bits, and the server learns nothing about our clock.
    let mut nonce = [0u8; 8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
        .map_err(|_| "the random number generator failed".to_string())?;
    if nonce == [0u8; 8] {
        nonce[7] = 1; // never send 0: a lazy server's zero origin must not match
    }
    let mut request = [0u8; PACKET_LEN];
    request[0] = (4 << 3) | 3; // LI 0, version 4, mode 3 (client)
    request[40..48].copy_from_slice(&nonce);

    let start = Instant::now();
    let t1 = ntp_now();
    socket
        .send(&request)
        .map_err(|e| format!("could not send to {addr}: {e}"))?;

    let mut ignored: Option<String> = None;
    // Room for extension fields and a MAC, which are ignored.
    let mut buf = [0u8; 1024];
    loop {
        let remaining = timeout.saturating_sub(start.elapsed());
        if remaining.is_zero() {
            break;
        }
        socket
            .set_read_timeout(Some(remaining))
            .map_err(|e| format!("could not set the socket timeout: {e}"))?;
        let (len, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) => match e.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => break,
                std::io::ErrorKind::Interrupted => continue,
                std::io::ErrorKind::ConnectionRefused => {
                    return Err(format!(
                        "no answer: connection refused (nothing listening on {addr})"
                    ))
                }
                _ => return Err(format!("no answer: {e}")),
            },
        };
        let t4 = ntp_now();
        // Compare address and port only: IPv6 flow info and scope id may
        // differ between the resolved and the received address.
        if from.ip() != addr.ip() || from.port() != addr.port() {
            ignored = Some(format!("reply came from {from}, not from {addr}"));
            continue;
        }
        let Some(packet) = buf
            .get(..len)
            .and_then(|data| data.get(..PACKET_LEN))
            .and_then(|data| <[u8; PACKET_LEN]>::try_from(data).ok())
        else {
            ignored = Some(format!(
                "reply too short ({len} bytes, an NTP packet has {PACKET_LEN})"
            ));
            continue;
        };
        if packet.get(24..32) != Some(&nonce[..]) {
            ignored =
                Some("origin timestamp mismatch (the reply does not answer our request)".into());
            continue;
        }
        return Ok(Exchange { packet, t1, t4 });
    }
    let waited = describe_duration(timeout);
    Err(match ignored {
        Some(problem) => format!("{problem}; no valid answer within {waited}"),
        None => format!("no answer within {waited}"),
    })
}

/// Judge `packet` as the reply to a request sent at NTP time `t1` and
/// received at `t4` (32.32 timestamps), as [`query`] does once the origin
/// timestamp matched: for tests and fuzzing the packet checks without a
/// network. Shorter packets are rejected; bytes after the 48-byte header
/// (extension fields, MAC) are ignored.
pub fn judge_reply(server: &str, packet: &[u8], t1: u64, t4: u64) -> Sample {
    let sample = Sample::new(server);
    match packet
        .get(..PACKET_LEN)
        .and_then(|p| <[u8; PACKET_LEN]>::try_from(p).ok())
    {
        Some(packet) => evaluate(sample, &Exchange { packet, t1, t4 }),
        None => sample.rejected(format!(
            "reply too short ({} bytes, an NTP packet has {PACKET_LEN})",
            packet.len()
        )),
    }
}

/// Check an authentic reply (origin timestamp matched) and compute the
/// offset and delay. Header fields are kept even when the reply is rejected,
/// for the report.
fn evaluate(mut sample: Sample, reply: &Exchange) -> Sample {
    let p = &reply.packet;
    let leap = p[0] >> 6;
    let version = (p[0] >> 3) & 0x07;
    let mode = p[0] & 0x07;
    let stratum = p[1];
    let refid = [p[12], p[13], p[14], p[15]];
    let reference = be_u64(p, 16);
    let receive = be_u64(p, 32);
    let transmit = be_u64(p, 40);

    if !matches!(version, 3 | 4) {
        return sample.rejected(format!(
            "unsupported NTP version {version} (expected 3 or 4)"
        ));
    }
    if mode != 4 {
        return sample.rejected(format!(
            "unexpected mode {mode} in the reply (expected 4, server)"
        ));
    }
    sample.stratum = Some(stratum);
    sample.leap = Some(leap);
    sample.reference_id = Some(refid_text(stratum, refid));
    sample.root_delay_seconds = Some(short_format(be_u32(p, 4)));
    sample.root_dispersion_seconds = Some(short_format(be_u32(p, 8)));

    if stratum == 0 {
        // RFC 5905 §7.4: stratum 0 with an ASCII kiss code is a
        // Kiss-o'-Death: the server refuses to serve us.
        return match kiss_code(refid) {
            Some(code) => sample.rejected(format!("kiss-o'-death {code}{}", kiss_meaning(&code))),
            None => sample.rejected("stratum 0 (unspecified or invalid)"),
        };
    }
    if stratum >= 16 {
        return sample.rejected(format!("stratum {stratum} (unsynchronized)"));
    }
    if leap == 3 {
        return sample.rejected("leap indicator 3 (clock not synchronized)");
    }
    if transmit == 0 {
        return sample.rejected("transmit timestamp is zero");
    }
    if receive == 0 {
        return sample.rejected("receive timestamp is zero");
    }
    if reference == 0 {
        return sample.rejected("reference timestamp is zero (the server has never synchronized)");
    }
    if ntp_diff(transmit, reference) < 0.0 {
        return sample.rejected("reference timestamp is later than the transmit timestamp");
    }

    // RFC 5905 §8. Differences of 64-bit timestamps in two's complement are
    // right across era boundaries as long as the clocks are within 68 years.
    let offset = (ntp_diff(receive, reply.t1) + ntp_diff(transmit, reply.t4)) / 2.0;
    let delay = (ntp_diff(reply.t4, reply.t1) - ntp_diff(transmit, receive)).max(0.0);
    sample.offset_seconds = Some(offset);
    sample.delay_seconds = Some(delay);

    let distance = sample.sync_distance();
    if distance > MAX_DISTANCE {
        sample.offset_seconds = None;
        sample.delay_seconds = None;
        return sample.rejected(format!(
            "synchronization distance {distance:.3}s is over {MAX_DISTANCE}s \
             (the server's error bound is too large)"
        ));
    }
    sample
}

fn be_u32(p: &[u8; PACKET_LEN], at: usize) -> u32 {
    p.get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes)
}

fn be_u64(p: &[u8; PACKET_LEN], at: usize) -> u64 {
    p.get(at..at + 8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(0, u64::from_be_bytes)
}

/// NTP short format (16.16 fixed point, unsigned) in seconds.
fn short_format(raw: u32) -> f64 {
    f64::from(raw) / 65536.0
}

/// `a − b` in seconds, for 32.32 NTP timestamps (era-independent).
fn ntp_diff(a: u64, b: u64) -> f64 {
    a.wrapping_sub(b) as i64 as f64 / 4_294_967_296.0
}

/// The local clock as a 32.32 NTP timestamp (the era is dropped; only
/// differences are used).
fn ntp_now() -> u64 {
    ntp_from_datetime(Utc::now())
}

fn ntp_from_datetime(t: DateTime<Utc>) -> u64 {
    let seconds = (t.timestamp() + NTP_UNIX_OFFSET).rem_euclid(1 << 32) as u64;
    let fraction = (u64::from(t.timestamp_subsec_nanos()) << 32) / 1_000_000_000;
    (seconds << 32) | fraction
}

fn refid_text(stratum: u8, refid: [u8; 4]) -> String {
    if stratum <= 1 {
        let trimmed: Vec<u8> = refid.iter().copied().take_while(|&b| b != 0).collect();
        if trimmed.iter().all(|b| b.is_ascii_graphic()) {
            return String::from_utf8_lossy(&trimmed).into_owned();
        }
        return format!("0x{:08X}", u32::from_be_bytes(refid));
    }
    format!("{}.{}.{}.{}", refid[0], refid[1], refid[2], refid[3])
}

/// The kiss code of a stratum-0 reply: 1 to 4 printable ASCII characters.
fn kiss_code(refid: [u8; 4]) -> Option<String> {
    let code: Vec<u8> = refid.iter().copied().take_while(|&b| b != 0).collect();
    if code.is_empty() || !code.iter().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    Some(String::from_utf8_lossy(&code).into_owned())
}

/// RFC 5905 §7.4, Figure 13.
fn kiss_meaning(code: &str) -> &'static str {
    match code {
        "RATE" => " (rate exceeded: the server asks us to query less often)",
        "DENY" | "RSTR" => " (access denied by the server)",
        "INIT" => " (the server has not synchronized yet)",
        "STEP" => " (the server's clock stepped and has not resynchronized)",
        "AUTH" | "AUTO" | "CRYP" | "NKEY" => " (authentication failed)",
        _ => "",
    }
}

fn describe_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests;
