//! Revocation: CRLs (`crl`) and OCSP (`ocsp`), and the status of each
//! certificate of a path.
//!
//! Each certificate below the trust anchor gets `good`, `revoked` (time,
//! reason, source) or `unknown` with a reason (unreachable, bad signature,
//! stale, responder says unknown), or `no-source`. Sources are tried in
//! order: OCSP (`--ocsp-url`, then the certificate's AIA) when the mode
//! includes OCSP, then CRLs (`--crl` files, then the certificate's HTTP
//! distribution points) when it includes CRLs; the first definite answer
//! wins, and every attempt is kept for the report.

pub mod cache;
pub mod crl;
pub mod ldap;
pub mod ocsp;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::model::Certificate;

/// Which sources to consult (`--revocation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Off,
    Crl,
    Ocsp,
    Both,
}

/// What an unknown status means (`--revocation-policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Unknown is a warning (what most VPN peers do when a CRL is down).
    Soft,
    /// Unknown is an error.
    Hard,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The revocation status of one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    Good {
        source: String,
        /// thisUpdate of the CRL or OCSP answer.
        this_update: String,
    },
    Revoked {
        source: String,
        time: String,
        reason: Option<String>,
    },
    Unknown {
        reason: String,
    },
    /// The certificate names no source and none was given.
    NoSource,
}

/// One source tried, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub source: String,
    pub outcome: String,
}

/// The revocation check of one certificate of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub subject: String,
    pub serial: String,
    #[serde(flatten)]
    pub status: Status,
    pub attempts: Vec<Attempt>,
}

/// What a CRL is checked for: the certificate, its CA, the certificates
/// that may sign an indirect CRL for it, and the audit time.
#[derive(Clone, Copy)]
struct CrlContext<'a> {
    cert: &'a Certificate,
    issuer: &'a Certificate,
    signers: &'a [&'a Certificate],
    at: DateTime<Utc>,
    /// Whether this check may use the network (not `--offline`, and the
    /// path verified).
    network: bool,
}

/// Requests to one host (CRL distribution point or OCSP responder) at the
/// same time, however many threads audit: a sweep must not hammer a CA's
/// server.
pub const MAX_PER_HOST: usize = 4;

/// A counting semaphore per host.
#[derive(Default)]
struct HostSlots {
    busy: Mutex<HashMap<String, usize>>,
    freed: std::sync::Condvar,
}

/// A held slot; released on drop.
struct Slot<'a> {
    slots: &'a HostSlots,
    host: String,
}

impl HostSlots {
    fn acquire(&self, url: &str) -> Slot<'_> {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
            })
            .unwrap_or_default();
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while busy.get(&host).copied().unwrap_or(0) >= MAX_PER_HOST {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy.entry(host.clone()).or_insert(0) += 1;
        Slot { slots: self, host }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut busy = self.slots.busy.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = busy.get_mut(&self.host) {
            *n = n.saturating_sub(1);
        }
        drop(busy);
        self.slots.freed.notify_all();
    }
}

/// Which CRLs `by_crl` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sources {
    /// `--crl` files.
    Local,
    /// The certificate's distribution points.
    Published,
}

/// The schemes pkiaudit fetches from: http, https and ldap. A CDP with
/// another scheme (file:, ftp:) is named in the report, never followed.
fn fetchable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("ldap://")
}

/// A signature check: CRL source, its thisUpdate, the SHA-256 of the
/// issuer's public key (for indirect CRLs: signer + CA certificates).
type VerifiedKey = (String, i64, String);

/// How revocation is checked in a run, with the CRLs fetched so far (each
/// distribution point is fetched once per run).
pub struct Revocation {
    pub mode: Mode,
    pub policy: Policy,
    /// `--offline`: no network I/O; `--crl` files and the disk cache only.
    pub offline: bool,
    /// `--crl` files, parsed once.
    pub crls: Vec<Arc<crl::Crl>>,
    /// `--ocsp-url`: asked instead of the certificates' AIA.
    pub ocsp_url: Option<String>,
    /// The on-disk CRL cache (`--cache-dir`); `None` with `--no-cache`.
    pub cache: Option<cache::DiskCache>,
    /// `--ldap-server HOST[:PORT]`: for host-less `ldap:///CN=...` URLs
    /// (Active Directory Certificate Services writes them).
    pub ldap_server: Option<String>,
    /// Extra roots for https distribution points and responders (the
    /// `--trust` anchors), beside the system's.
    pub tls_roots: Vec<Vec<u8>>,
    /// Time bounds of each request and of the run's network work.
    pub limits: crate::fetch::Limits,
    http: OnceLock<Result<crate::fetch::Http, String>>,
    fetched: Mutex<HashMap<String, Result<Arc<crl::Crl>, String>>>,
    /// Verified OCSP answers (DER) of this run, by responder + certificate.
    ocsp_answers: Mutex<HashMap<String, Vec<u8>>>,
    /// One lock per CRL URL being fetched (single flight).
    gates: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Requests in flight per host, at most [`MAX_PER_HOST`].
    slots: HostSlots,
    /// Held while a CRL is parsed (see `parse_crl`).
    parsing: Mutex<()>,
    /// Signature checks done, by (CRL source, thisUpdate, issuer SHA-256):
    /// a 20 MB CRL is hashed once per run, not once per certificate.
    verified: Mutex<HashMap<VerifiedKey, Result<(), String>>>,
}

impl std::fmt::Debug for Revocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Revocation")
            .field("mode", &self.mode)
            .field("policy", &self.policy)
            .field("offline", &self.offline)
            .field("crls", &self.crls.len())
            .finish()
    }
}

impl Revocation {
    pub fn new(mode: Mode, policy: Policy) -> Self {
        Revocation {
            mode,
            policy,
            offline: false,
            crls: Vec::new(),
            ocsp_url: None,
            cache: None,
            ldap_server: None,
            tls_roots: Vec::new(),
            limits: crate::fetch::Limits::default(),
            http: OnceLock::new(),
            fetched: Mutex::new(HashMap::new()),
            ocsp_answers: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
            slots: HostSlots::default(),
            parsing: Mutex::new(()),
            verified: Mutex::new(HashMap::new()),
        }
    }

    fn uses_crl(&self) -> bool {
        matches!(self.mode, Mode::Crl | Mode::Both)
    }

    fn uses_ocsp(&self) -> bool {
        matches!(self.mode, Mode::Ocsp | Mode::Both)
    }

    /// The status of `cert`, issued by `issuer`, at `at`.
    pub fn check(&self, cert: &Certificate, issuer: &Certificate, at: DateTime<Utc>) -> Check {
        self.check_with_signers(cert, issuer, at, &[], true)
    }

    /// [`Revocation::check`] with the certificates that may sign an
    /// indirect CRL for `cert` (those whose subject is a cRLIssuer its
    /// distribution points name; the audit passes every certificate it
    /// has with such a subject).
    pub fn check_with_signers(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
        signers: &[&Certificate],
        network: bool,
    ) -> Check {
        let ctx = CrlContext {
            cert,
            issuer,
            signers,
            at,
            network: network && !self.offline,
        };
        let mut attempts = Vec::new();
        let mut status = None;
        // A `--crl` file the operator gave answers first: it costs no
        // network round trip and works offline.
        if self.uses_crl() {
            status = self.by_crl(&ctx, Sources::Local, &mut attempts);
        }
        if status.is_none() && self.uses_ocsp() {
            status = self.by_ocsp(&ctx, &mut attempts);
        }
        if status.is_none() && self.uses_crl() {
            status = self.by_crl(&ctx, Sources::Published, &mut attempts);
        }
        let status = status.unwrap_or_else(|| {
            if attempts.is_empty() {
                Status::NoSource
            } else {
                Status::Unknown {
                    reason: attempts
                        .iter()
                        .map(|a| format!("{}: {}", a.source, a.outcome))
                        .collect::<Vec<_>>()
                        .join("; "),
                }
            }
        });
        Check {
            subject: cert.subject.text.clone(),
            serial: cert.serial.clone(),
            status,
            attempts,
        }
    }

    fn by_ocsp(&self, ctx: &CrlContext<'_>, attempts: &mut Vec<Attempt>) -> Option<Status> {
        let CrlContext {
            cert, issuer, at, ..
        } = *ctx;
        // `--ocsp-url` is the operator's choice; AIA URLs are the
        // certificate's, followed only when its path verified.
        let network = if self.ocsp_url.is_some() {
            !self.offline
        } else {
            ctx.network
        };
        let urls: Vec<String> = match &self.ocsp_url {
            Some(u) => vec![u.clone()],
            None => cert
                .authority_info_access
                .as_ref()
                .map(|a| a.ocsp.clone())
                .unwrap_or_default(),
        };
        for url in urls {
            let answer = match self.ocsp_answer(&url, cert, issuer, at, network, attempts) {
                Some(a) => a,
                None => continue,
            };
            match answer {
                Ok(a) => match a.status {
                    ocsp::CertStatus::Good => {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: format!("good (signed by {})", a.responder),
                        });
                        return Some(Status::Good {
                            source: url,
                            this_update: ts(a.this_update),
                        });
                    }
                    ocsp::CertStatus::Revoked { time, reason } => {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: "revoked".into(),
                        });
                        return Some(Status::Revoked {
                            source: url,
                            time: ts(time),
                            reason,
                        });
                    }
                    ocsp::CertStatus::Unknown => attempts.push(Attempt {
                        source: url,
                        outcome: "the responder does not know the certificate".into(),
                    }),
                },
                Err(e) => attempts.push(Attempt {
                    source: url,
                    outcome: e.to_string(),
                }),
            }
        }
        None
    }

    /// Why a source was not fetched when the network is not used.
    fn no_network_reason(&self) -> &'static str {
        if self.offline {
            "--offline"
        } else {
            "the path does not verify to a trust anchor, so the URLs its certificates name are not followed"
        }
    }

    /// The HTTP(S) client of this run, built on first use.
    fn http(&self) -> Result<&crate::fetch::Http, String> {
        self.http
            .get_or_init(|| {
                crate::fetch::Http::with_limits(&self.tls_roots, self.limits).map_err(|e| e.0)
            })
            .as_ref()
            .map_err(|e| e.clone())
    }

    /// The answer of the responder at `url` about `cert`: a verified answer
    /// kept from earlier in this run or on disk while it is within its
    /// thisUpdate..nextUpdate window, else a fresh query with a nonce
    /// (kept when the responder gives a nextUpdate). `None` when the
    /// responder was not asked (`--offline`; the reason is in `attempts`).
    fn ocsp_answer(
        &self,
        url: &str,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
        network: bool,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Result<ocsp::OcspAnswer, ocsp::OcspError>> {
        let key = format!("{url}#{}#{}", issuer.sha256, cert.serial);
        let replay = |der: &[u8]| {
            // The cached answer answered an earlier request; its nonce
            // cannot match a new one, so it is checked without.
            ocsp::build_request(cert, issuer, false)
                .and_then(|req| ocsp::verify_response(der, &req, cert, issuer, at))
                .ok()
                .filter(|a| a.next_update.is_some_and(|n| at <= n) && a.this_update <= at)
        };
        let remembered = self
            .ocsp_answers
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned());
        if let Some(answer) = remembered.as_deref().and_then(replay) {
            return Some(Ok(answer));
        }
        if let Some(disk) = &self.cache {
            if let Some(entry) = disk.get(cache::Kind::Ocsp, &key) {
                match replay(&entry.body) {
                    Some(answer) => {
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!(
                                "answer from the cache (thisUpdate {})",
                                ts(answer.this_update)
                            ),
                        });
                        self.keep_ocsp(&key, entry.body);
                        return Some(Ok(answer));
                    }
                    None => disk.discard(cache::Kind::Ocsp, &key),
                }
            }
        }
        if !network {
            attempts.push(Attempt {
                source: url.to_string(),
                outcome: format!("not asked ({})", self.no_network_reason()),
            });
            return None;
        }
        let http = match self.http() {
            Ok(h) => h,
            Err(e) => return Some(Err(ocsp::OcspError::Transport(e))),
        };
        let mut raw = Vec::new();
        let _slot = self.slots.acquire(url);
        let answer = ocsp::build_request(cert, issuer, true).and_then(|req| {
            ocsp::query_with(url, &req, cert, issuer, at, |u, body| {
                let der = ocsp::post_with(http, u, body)?;
                raw = der.clone();
                Ok(der)
            })
        });
        if let Ok(a) = &answer {
            if a.next_update.is_some() {
                if let Some(disk) = &self.cache {
                    let meta = cache::Meta {
                        key: key.clone(),
                        fetched_at: Utc::now().timestamp(),
                        policy: crate::fetch::CachePolicy::default(),
                    };
                    if let Err(e) = disk.put(cache::Kind::Ocsp, &key, &raw, &meta) {
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!("answer not cached: {e}"),
                        });
                    }
                }
                self.keep_ocsp(&key, raw);
            }
        }
        Some(answer)
    }

    /// Parse a fetched or cached CRL, one at a time: parsing holds several
    /// times the CRL's size in memory for a moment (x509-parser's entries),
    /// and a sweep over 20 large CRLs must not hold that 20 times over.
    fn parse_crl(&self, bytes: &[u8], source: &str) -> Result<crl::Crl, crl::CrlError> {
        let _one = self.parsing.lock().unwrap_or_else(|e| e.into_inner());
        crl::Crl::from_pem_or_der(bytes, source)
    }

    /// Verify a freshly parsed direct CRL with the certificate's CA now and,
    /// once its signature is known good, release its bytes: a sweep holds
    /// twenty 100,000-entry CRLs at ~50 bytes per entry instead of ~95. The
    /// result stays in the signature memo; a CA certificate with another
    /// key would need the bytes again and gets "fetch it again" (not seen
    /// in practice: a CA's CRLs are signed by one key at a time).
    fn verify_and_release(&self, crl: &mut crl::Crl, ctx: &CrlContext<'_>) {
        if crl.issuer_raw == ctx.issuer.subject.raw
            && !crl.is_indirect()
            && self.verify_once(crl, ctx.issuer).is_ok()
        {
            crl.release_der();
        }
    }

    fn gate(&self, url: &str) -> Arc<Mutex<()>> {
        match self.gates.lock() {
            Ok(mut g) => g.entry(url.to_string()).or_default().clone(),
            Err(_) => Arc::new(Mutex::new(())),
        }
    }

    fn keep_ocsp(&self, key: &str, der: Vec<u8>) {
        if let Ok(mut m) = self.ocsp_answers.lock() {
            m.insert(key.to_string(), der);
        }
    }

    fn by_crl(
        &self,
        ctx: &CrlContext<'_>,
        sources: Sources,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Status> {
        let CrlContext { cert, at, .. } = *ctx;
        let mut candidates: Vec<(String, Result<Arc<crl::Crl>, String>)> = Vec::new();
        match sources {
            Sources::Local => candidates.extend(
                self.crls
                    .iter()
                    .filter(|c| {
                        c.issuer_raw == cert.issuer.raw
                            || (c.is_indirect() && cert.crl_issuers.contains(&c.issuer_raw))
                    })
                    .map(|c| (c.source.clone(), Ok(c.clone()))),
            ),
            Sources::Published => {
                for url in &cert.crl_distribution_points {
                    if !fetchable(url) {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: "not fetched (only http://, https:// and ldap:// distribution points)"
                                .into(),
                        });
                        continue;
                    }
                    candidates.push((url.clone(), self.fetch(url, ctx, attempts)));
                }
            }
        }
        for (source, crl) in candidates {
            let crl = match crl {
                Ok(c) => c,
                Err(e) => {
                    attempts.push(Attempt { source, outcome: e });
                    continue;
                }
            };
            if let Err(e) = self.trust_crl(&crl, ctx) {
                attempts.push(Attempt {
                    source,
                    outcome: format!("CRL not trusted: {e}"),
                });
                continue;
            }
            match crl.freshness(at) {
                crl::Freshness::Stale { since } => {
                    attempts.push(Attempt {
                        source,
                        outcome: format!("CRL stale: nextUpdate {} passed", ts(since)),
                    });
                    continue;
                }
                crl::Freshness::NotYetValid => {
                    attempts.push(Attempt {
                        source,
                        outcome: format!("CRL not yet valid: thisUpdate {}", ts(crl.this_update)),
                    });
                    continue;
                }
                _ => {}
            }
            if crl.is_delta() {
                attempts.push(Attempt {
                    source,
                    outcome: "a delta CRL, not usable without its base".into(),
                });
                continue;
            }
            let delta = self.delta_for(&crl, ctx, attempts);
            let listed =
                match crl::status_for(&crl, delta.as_deref(), &cert.issuer.raw, &cert.serial_raw) {
                    Ok(r) => r,
                    Err(e) => {
                        attempts.push(Attempt {
                            source: source.clone(),
                            outcome: format!("delta CRL not applied: {e}"),
                        });
                        crl.lookup_issued_by(&cert.issuer.raw, &cert.serial_raw)
                    }
                };
            let source = match &delta {
                Some(d) => format!("{source} + delta {}", d.source),
                None => source,
            };
            return Some(match listed {
                Some(r) => {
                    attempts.push(Attempt {
                        source: source.clone(),
                        outcome: "listed".into(),
                    });
                    Status::Revoked {
                        source,
                        time: ts(r.time),
                        reason: r.reason.map(|x| x.as_str().to_string()),
                    }
                }
                None => {
                    attempts.push(Attempt {
                        source: source.clone(),
                        outcome: format!("not listed ({} entries)", crl.entries),
                    });
                    Status::Good {
                        source,
                        this_update: ts(crl.this_update),
                    }
                }
            });
        }
        None
    }

    /// The delta CRL a base names (Freshest CRL, RFC 5280 §5.2.6), fetched,
    /// verified and fresh; `None` (with the reason in `attempts`) otherwise.
    fn delta_for(
        &self,
        base: &crl::Crl,
        ctx: &CrlContext<'_>,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Arc<crl::Crl>> {
        let at = ctx.at;
        for url in &base.freshest {
            let why = if !fetchable(url) {
                "not fetched (only http://, https:// and ldap:// delta locations)".to_string()
            } else {
                match self.fetch(url, ctx, attempts) {
                    Err(e) => e,
                    Ok(delta) => match self.trust_crl(&delta, ctx) {
                        Err(e) => format!("delta CRL not trusted: {e}"),
                        Ok(()) => match delta.freshness(at) {
                            crl::Freshness::Stale { since } => {
                                format!("delta CRL stale: nextUpdate {} passed", ts(since))
                            }
                            crl::Freshness::NotYetValid => "delta CRL not yet valid".to_string(),
                            _ => return Some(delta),
                        },
                    },
                }
            };
            attempts.push(Attempt {
                source: url.clone(),
                outcome: format!("{why}; the base CRL alone may be out of date"),
            });
        }
        None
    }

    /// Put a CRL in the per-run cache as if `url` had served it (tests).
    #[cfg(test)]
    pub(crate) fn seed(&self, url: &str, crl: Arc<crl::Crl>) {
        if let Ok(mut cache) = self.fetched.lock() {
            cache.insert(url.to_string(), Ok(crl));
        }
    }

    /// The CRL at `url`: from this run's memory, else from the disk cache
    /// while it verifies with `issuer` and is fresh at `at`, else fetched
    /// (and cached when it parses). `--offline` stops before the network:
    /// a cached copy is still used.
    fn fetch(
        &self,
        url: &str,
        ctx: &CrlContext<'_>,
        attempts: &mut Vec<Attempt>,
    ) -> Result<Arc<crl::Crl>, String> {
        let at = ctx.at;
        // One fetch per URL at a time: threads auditing certificates of the
        // same CA wait for the first download instead of repeating it.
        let gate = self.gate(url);
        let _one_at_a_time = gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(memory) = self.fetched.lock() {
            if let Some(hit) = memory.get(url) {
                return hit.clone();
            }
        }
        let mut stale_copy = None;
        if let Some(disk) = &self.cache {
            if let Some(entry) = disk.get(cache::Kind::Crl, url) {
                let usable = self
                    .parse_crl(&entry.body, url)
                    .map_err(|e| e.to_string())
                    .and_then(|mut c| {
                        self.trust_crl(&c, ctx)?;
                        self.verify_and_release(&mut c, ctx);
                        Ok(c)
                    })
                    .and_then(|c| match c.freshness(at) {
                        crl::Freshness::Fresh | crl::Freshness::NoNextUpdate => Ok(c),
                        _ => Err("past its nextUpdate".to_string()),
                    });
                match usable {
                    Ok(c) => {
                        let c = Arc::new(c);
                        let revalidate = entry
                            .meta
                            .as_ref()
                            .is_some_and(|m| m.http_expired(Utc::now().timestamp()));
                        if !revalidate || !ctx.network {
                            self.remember(url, Ok(c.clone()));
                            return Ok(c);
                        }
                        // HTTP's max-age ran out before the CRL's
                        // nextUpdate: ask whether it changed.
                        stale_copy = Some((c, entry.meta));
                    }
                    Err(why) => {
                        disk.discard(cache::Kind::Crl, url);
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!("cached copy discarded ({why}); fetched again"),
                        });
                    }
                }
            }
        }
        if !ctx.network {
            return Err(format!(
                "not fetched ({}){}",
                self.no_network_reason(),
                if self.cache.is_some() {
                    " and not in the cache"
                } else {
                    ""
                }
            ));
        }
        let _slot = self.slots.acquire(url);
        let got = if url.to_ascii_lowercase().starts_with("ldap://") {
            self.limits
                .next_request()
                .map_err(|e| e.to_string())
                .and_then(|timeout| {
                    ldap::fetch_crl_within(url, self.ldap_server.as_deref(), timeout)
                        .map_err(|e| e.to_string())
                })
                .map(|body| {
                    crate::fetch::Got::Body(crate::fetch::Response {
                        body,
                        policy: crate::fetch::CachePolicy::default(),
                    })
                })
        } else {
            let validators = stale_copy
                .as_ref()
                .and_then(|(_, m)| m.as_ref())
                .map(|m| &m.policy);
            self.http().and_then(|h| {
                h.get(url, crl::MAX_CRL_BYTES as u64, validators)
                    .map_err(|e| e.to_string())
            })
        };
        let now = Utc::now().timestamp();
        let fetched = match got {
            Ok(crate::fetch::Got::NotModified(policy)) => match stale_copy {
                Some((c, old)) => {
                    let old = old.map(|m| m.policy).unwrap_or_default();
                    let meta = cache::Meta {
                        key: url.to_string(),
                        fetched_at: now,
                        policy: crate::fetch::CachePolicy {
                            etag: policy.etag.or(old.etag),
                            last_modified: policy.last_modified.or(old.last_modified),
                            ..policy
                        },
                    };
                    if let Some(disk) = &self.cache {
                        let _ = disk.touch(cache::Kind::Crl, url, &meta);
                    }
                    attempts.push(Attempt {
                        source: url.to_string(),
                        outcome: "cached copy revalidated (HTTP 304 Not Modified)".into(),
                    });
                    Ok(c)
                }
                None => Err(format!(
                    "GET {url}: 304 Not Modified to an unconditional request"
                )),
            },
            Ok(crate::fetch::Got::Body(response)) => self
                .parse_crl(&response.body, url)
                .map_err(|e| e.to_string())
                .map(|mut parsed| {
                    if let Some(disk) = self.cache.as_ref().filter(|_| !response.policy.no_store) {
                        let meta = cache::Meta {
                            key: url.to_string(),
                            fetched_at: now,
                            policy: response.policy.clone(),
                        };
                        if let Err(e) = disk.put(cache::Kind::Crl, url, &response.body, &meta) {
                            attempts.push(Attempt {
                                source: url.to_string(),
                                outcome: format!("not cached: {e}"),
                            });
                        }
                    }
                    self.verify_and_release(&mut parsed, ctx);
                    Arc::new(parsed)
                }),
            Err(e) => match stale_copy {
                // The cached copy is still within its nextUpdate: a failed
                // revalidation does not make it wrong.
                Some((c, _)) => {
                    attempts.push(Attempt {
                        source: url.to_string(),
                        outcome: format!(
                            "revalidation failed ({e}); the cached copy, fresh until its nextUpdate, is used"
                        ),
                    });
                    Ok(c)
                }
                None => Err(e),
            },
        };
        self.remember(url, fetched.clone());
        fetched
    }

    /// Whether `crl` may answer for `ctx.cert`: signed by its CA (a direct
    /// CRL), or an indirect CRL from a cRLIssuer the certificate's
    /// distribution points name, signed by a certificate of that issuer
    /// which the CA certified (see [`crl::Crl::verify_indirect`]).
    fn trust_crl(&self, crl: &crl::Crl, ctx: &CrlContext<'_>) -> Result<(), String> {
        if crl.issuer_raw == ctx.issuer.subject.raw || !crl.is_indirect() {
            return self.verify_once(crl, ctx.issuer);
        }
        if !ctx.cert.crl_issuers.contains(&crl.issuer_raw) {
            return Err(format!(
                "indirect CRL from \"{}\", which the certificate's distribution points do not name as its cRLIssuer",
                crl.issuer_text
            ));
        }
        let mut outcome = Err(format!(
            "indirect CRL signed by \"{}\": no certificate of that CRL issuer among the inputs, --untrusted or --trust",
            crl.issuer_text
        ));
        for signer in ctx
            .signers
            .iter()
            .filter(|s| s.subject.raw == crl.issuer_raw)
        {
            let key = (
                crl.source.clone(),
                crl.this_update.timestamp(),
                format!("{}+{}", signer.sha256, ctx.issuer.sha256),
            );
            let memo = self.verified.lock().ok().and_then(|m| m.get(&key).cloned());
            let result = memo.unwrap_or_else(|| {
                let r = crl.verify_indirect(signer, ctx.issuer, ctx.at);
                if let Ok(mut m) = self.verified.lock() {
                    m.insert(key, r.clone());
                }
                r
            });
            if result.is_ok() {
                return result;
            }
            outcome = result;
        }
        outcome
    }

    /// The CRL's issuer checks (name, cRLSign, nothing unsupported) every
    /// time, and its signature once per run and key: the result is kept by
    /// (source, thisUpdate, the issuer's public key), so a re-issued CA
    /// certificate with the same key needs no second check, and the CRL's
    /// bytes can be released after the first.
    fn verify_once(&self, crl: &crl::Crl, issuer: &Certificate) -> Result<(), String> {
        crl.check_issuer(issuer)?;
        let key = (
            crl.source.clone(),
            crl.this_update.timestamp(),
            issuer.spki_sha256.clone(),
        );
        if let Ok(done) = self.verified.lock() {
            if let Some(result) = done.get(&key) {
                return result.clone();
            }
        }
        let result = crl.verify_signature(issuer);
        if let Ok(mut done) = self.verified.lock() {
            done.insert(key, result.clone());
        }
        result
    }

    fn remember(&self, url: &str, result: Result<Arc<crl::Crl>, String>) {
        if let Ok(mut memory) = self.fetched.lock() {
            memory.insert(url.to_string(), result);
        }
    }
}
