//! Revocation: CRLs (`crl`) and OCSP (`ocsp`), and the status of each
//! certificate of a path.
//!
//! Each certificate below the trust anchor gets `good`, `revoked` (time,
//! reason, source) or `unknown` with a reason (unreachable, bad signature,
//! stale, out of scope, responder says unknown), or `no-source`. Sources
//! are tried in order: `--crl` files, then OCSP (`--ocsp-url`, then the
//! certificate's AIA) when the mode includes OCSP, then the certificate's
//! distribution points; the first definite answer wins, and every attempt
//! is kept for the report.
//!
//! CRLs are used as RFC 5280 §6.3 says: a CRL answers only for the
//! certificates in its scope (§6.3.3 (b): issuer, Issuing Distribution
//! Point against the certificate's distribution point, user/CA/attribute
//! certificates), CRLs partitioned by reason are collected until every
//! reason is covered (the reasons_mask of (d), (e), (k)), a delta CRL that
//! fits the base is applied (§5.2.4, (c)), and a CRL may be signed by any
//! certificate of its issuer's name with cRLSign whose own path validates
//! to the trust anchor of the certificate's path ((f), (g); the caller
//! decides that, see [`Signers`]).

pub mod cache;
pub mod crl;
pub mod ocsp;
pub mod transport;

use crate::time::format::ts;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::Certificate;

/// Which sources to consult (`--revocation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Off,
    Crl,
    Ocsp,
    Both,
}

/// What an unknown status means (`--revocation-policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Unknown is a warning (what most VPN peers do when a CRL is down).
    Soft,
    /// Unknown is an error.
    Hard,
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

/// Whether two DER names are the same name (RFC 5280 §7.1); every name
/// comparison of revocation goes through here.
fn same_name(a: &[u8], b: &[u8]) -> bool {
    crate::model::dn::names_match(a, b)
}

/// Who may have signed a CRL for a certificate (RFC 5280 §6.3.3 (f)): a
/// certificate whose subject is the CRL's issuer, whose Key Usage (if any)
/// has cRLSign, whose key verifies the CRL, and whose own certification
/// path validates to the trust anchor of the path being checked. The CA
/// itself, a separate CRL-signing certificate of the CA, the CA's other
/// key after a rollover and an indirect CRL issuer all pass that way.
#[derive(Clone, Copy)]
pub struct Signers<'a> {
    /// Every certificate known in the run (the path, the inputs,
    /// `--untrusted`, `--trust`, the system's anchors): the candidates.
    pub known: &'a [&'a Certificate],
    /// Validates a candidate's path to the trust anchor of the path being
    /// checked; `Err` says why not.
    pub validate: &'a dyn Fn(&Certificate) -> Result<(), String>,
}

/// What a CRL is checked for: the certificate, its CA, who may sign a CRL
/// for it, and the audit time.
#[derive(Clone, Copy)]
struct CrlContext<'a> {
    cert: &'a Certificate,
    issuer: &'a Certificate,
    signers: Signers<'a>,
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
    /// `--crl` files, for the certificate's distribution points (for the
    /// implied one of §6.3 when it has none).
    Local,
    /// The certificate's distribution points, fetched.
    Published,
    /// `--crl` files out of scope for the certificate's distribution
    /// points, for the implied one: "any available CRLs not specified in a
    /// distribution point but issued by the certificate issuer" (§6.3),
    /// once the distribution points gave no answer.
    LocalImplied,
}

/// What the CRLs used so far for one certificate cover.
#[derive(Default)]
struct Coverage {
    /// The reasons_mask of RFC 5280 §6.3.3: the reasons for which a CRL
    /// in scope said "not listed".
    mask: u16,
    /// Those CRLs (source, thisUpdate).
    used: Vec<(String, DateTime<Utc>)>,
    /// `--crl` files out of scope for the certificate's distribution
    /// points (for [`Sources::LocalImplied`]).
    out_of_scope: Vec<Arc<crl::Crl>>,
    /// `--crl` delta CRLs looked at for a base.
    deltas_seen: Vec<String>,
}

/// The delta CRL for a base (RFC 5280 §5.2.4, §6.3.3 (c)).
enum Delta {
    /// None was named and none given.
    None,
    Use(Arc<crl::Crl>),
    /// One was named (Freshest CRL) but none could be had: why.
    Missing(String),
}

/// The schemes pkiaudit fetches from: http, https and ldap. A CDP with
/// another scheme (file:, ftp:) is named in the report, never followed.
fn fetchable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("ldap://")
}

/// A signature check: CRL source, its thisUpdate and CRL number, the
/// SHA-256 of the signer's public key.
type VerifiedKey = (String, i64, Option<String>, String);

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
    pub limits: crate::revocation::transport::Limits,
    /// The wall-clock time of the run, given by the caller: when answers
    /// were fetched, for the disk cache and HTTP freshness. Not the audit
    /// time, which each check takes as an argument.
    pub now: DateTime<Utc>,
    http: OnceLock<Result<crate::revocation::transport::Http, String>>,
    fetched: Mutex<HashMap<String, Result<Arc<crl::Crl>, String>>>,
    /// Verified OCSP answers (DER) of this run, by responder + certificate.
    ocsp_answers: Mutex<HashMap<String, Vec<u8>>>,
    /// One lock per CRL URL being fetched (single flight).
    gates: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Requests in flight per host, at most [`MAX_PER_HOST`].
    slots: HostSlots,
    /// Held while a CRL is parsed (see `parse_crl`).
    parsing: Mutex<()>,
    /// Signature checks done, by (CRL source, thisUpdate, CRL number, key
    /// SHA-256): a 20 MB CRL is hashed once per run and key, not once per
    /// certificate.
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
    pub fn new(mode: Mode, policy: Policy, now: DateTime<Utc>) -> Self {
        Revocation {
            mode,
            policy,
            offline: false,
            crls: Vec::new(),
            ocsp_url: None,
            cache: None,
            ldap_server: None,
            tls_roots: Vec::new(),
            limits: crate::revocation::transport::Limits::default(),
            now,
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

    /// The status of `cert`, issued by `issuer`, at `at`, with `issuer`
    /// the only certificate that may sign its CRLs.
    pub fn check(&self, cert: &Certificate, issuer: &Certificate, at: DateTime<Utc>) -> Check {
        let known = [issuer];
        let validate = |signer: &Certificate| {
            if signer.sha256 == issuer.sha256 {
                Ok(())
            } else {
                Err("it is not the certificate's issuer".to_string())
            }
        };
        let signers = Signers {
            known: &known,
            validate: &validate,
        };
        self.check_with_signers(cert, issuer, at, &signers, true)
    }

    /// The status of `cert`, issued by `issuer` (the certificate above it
    /// on the path), at `at`; `signers` says who may sign its CRLs (RFC
    /// 5280 §6.3.3 (f)); `network` whether the URLs the certificate names
    /// may be followed (not when its path does not verify).
    pub fn check_with_signers(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
        signers: &Signers<'_>,
        network: bool,
    ) -> Check {
        let ctx = CrlContext {
            cert,
            issuer,
            signers: *signers,
            at,
            network: network && !self.offline,
        };
        let mut attempts = Vec::new();
        let mut coverage = Coverage::default();
        let mut status = None;
        // A `--crl` file the operator gave answers first: it costs no
        // network round trip and works offline.
        if self.uses_crl() {
            status = self.by_crl(&ctx, Sources::Local, &mut coverage, &mut attempts);
        }
        if status.is_none() && self.uses_ocsp() {
            status = self.by_ocsp(&ctx, &mut attempts);
        }
        if status.is_none() && self.uses_crl() {
            status = self.by_crl(&ctx, Sources::Published, &mut coverage, &mut attempts);
        }
        if status.is_none() && self.uses_crl() && !coverage.out_of_scope.is_empty() {
            status = self.by_crl(&ctx, Sources::LocalImplied, &mut coverage, &mut attempts);
        }
        let status = status.unwrap_or_else(|| {
            if attempts.is_empty() {
                return Status::NoSource;
            }
            let mut reason = attempts
                .iter()
                .map(|a| format!("{}: {}", a.source, a.outcome))
                .collect::<Vec<_>>()
                .join("; ");
            // §6.3.3: not listed on CRLs that cover some reasons only is
            // not "not revoked".
            if coverage.mask != 0 {
                reason = format!(
                    "the CRLs found cover only the reasons [{}]; {reason}",
                    crl::reason_names(coverage.mask).join(", ")
                );
            }
            Status::Unknown { reason }
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
    fn http(&self) -> Result<&crate::revocation::transport::Http, String> {
        self.http
            .get_or_init(|| {
                crate::revocation::transport::Http::with_limits(&self.tls_roots, self.limits)
                    .map_err(|e| e.0)
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
                        fetched_at: self.now.timestamp(),
                        policy: crate::revocation::transport::CachePolicy::default(),
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

    /// Check a freshly fetched CRL's signature now with every key that may
    /// have signed it (the known certificates of its issuer's name with
    /// cRLSign: one or two keys, the CA's and a rolled-over or CRL-signing
    /// one), each result kept in the signature memo, and once one verifies,
    /// release its bytes: a sweep holds twenty 100,000-entry CRLs at ~50
    /// bytes per entry instead of ~95. A key not known yet would need the
    /// bytes again and gets "fetch it again" (not seen in practice).
    fn verify_and_release(&self, crl: &mut crl::Crl, ctx: &CrlContext<'_>) {
        let mut verified = false;
        let mut keys: Vec<&str> = Vec::new();
        for candidate in self.candidates(crl, ctx) {
            if keys.contains(&candidate.spki_sha256.as_str()) || !may_sign_crls(candidate) {
                continue;
            }
            keys.push(&candidate.spki_sha256);
            verified |= self.signature_once(crl, candidate).is_ok();
        }
        if verified {
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

    /// The CRLs of `sources`, each used as RFC 5280 §6.3.3 says (see
    /// [`Revocation::answer`]), until one is definite.
    fn by_crl(
        &self,
        ctx: &CrlContext<'_>,
        sources: Sources,
        coverage: &mut Coverage,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Status> {
        let cert = ctx.cert;
        match sources {
            Sources::Local => {
                // CRLs of other issuers (a run may be given the CRLs of
                // several CAs) are not this certificate's, and not named.
                let issuers: Vec<&[u8]> = std::iter::once(cert.issuer.raw.as_slice())
                    .chain(cert.distribution_points.iter().flat_map(|dp| {
                        dp.crl_issuer.iter().filter_map(|n| match n {
                            crate::model::DpName::DirectoryName { der, .. } => Some(der.as_slice()),
                            _ => None,
                        })
                    }))
                    .collect();
                let relevant =
                    |c: &&Arc<crl::Crl>| issuers.iter().any(|i| same_name(i, &c.issuer_raw));
                for crl in self.crls.iter().filter(relevant).filter(|c| !c.is_delta()) {
                    let status = self.answer(&crl.source, crl, ctx, sources, coverage, attempts);
                    if status.is_some() {
                        return status;
                    }
                }
                // A delta given without a base it could be applied to.
                for delta in self.crls.iter().filter(relevant).filter(|c| c.is_delta()) {
                    if !coverage.deltas_seen.contains(&delta.source) {
                        attempts.push(Attempt {
                            source: delta.source.clone(),
                            outcome: format!(
                                "a delta CRL (of base CRL number {}), not a complete CRL: no usable base CRL it could be applied to",
                                delta.delta_of.as_deref().unwrap_or("?")
                            ),
                        });
                    }
                }
            }
            Sources::LocalImplied => {
                for crl in std::mem::take(&mut coverage.out_of_scope) {
                    let status = self.answer(&crl.source, &crl, ctx, sources, coverage, attempts);
                    if status.is_some() {
                        return status;
                    }
                }
            }
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
                    match self.fetch(url, ctx, attempts) {
                        Ok(crl) => {
                            let status = self.answer(url, &crl, ctx, sources, coverage, attempts);
                            if status.is_some() {
                                return status;
                            }
                        }
                        Err(e) => attempts.push(Attempt {
                            source: url.clone(),
                            outcome: e,
                        }),
                    }
                }
            }
        }
        None
    }

    /// The distribution points a CRL from `sources` is judged against:
    /// the certificate's, or the implied one of RFC 5280 §6.3 (the
    /// certificate's issuer name, no reasons, no cRLIssuer) for `--crl`
    /// files when it has none, or once its own gave no answer.
    fn distribution_points(
        ctx: &CrlContext<'_>,
        sources: Sources,
    ) -> Vec<(crate::model::DistributionPoint, bool)> {
        let cert = ctx.cert;
        let implied = || {
            (
                crate::model::DistributionPoint {
                    names: Some(vec![crate::model::DpName::directory(&cert.issuer.raw)]),
                    reasons: None,
                    crl_issuer: Vec::new(),
                },
                true,
            )
        };
        match sources {
            Sources::Local if cert.distribution_points.is_empty() => vec![implied()],
            Sources::LocalImplied => vec![implied()],
            _ => cert
                .distribution_points
                .iter()
                .map(|dp| (dp.clone(), false))
                .collect(),
        }
    }

    /// What one complete CRL says about `ctx.cert` (RFC 5280 §6.3.3): out
    /// of scope, not trusted, stale, or its delta missing: no answer (the
    /// attempt says why); listed: revoked; not listed: its reasons are
    /// covered, and once every reason is, good.
    fn answer(
        &self,
        source: &str,
        crl: &crl::Crl,
        ctx: &CrlContext<'_>,
        sources: Sources,
        coverage: &mut Coverage,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Status> {
        let CrlContext { cert, at, .. } = *ctx;
        let attempt = |attempts: &mut Vec<Attempt>, outcome: String| {
            attempts.push(Attempt {
                source: source.to_string(),
                outcome,
            })
        };
        if crl.is_delta() {
            attempt(
                attempts,
                format!(
                    "a delta CRL (of base CRL number {}), not a complete CRL: used only with a base CRL it fits",
                    crl.delta_of.as_deref().unwrap_or("?")
                ),
            );
            return None;
        }
        // (b), (d): in scope for at least one distribution point, with the
        // reasons it covers for them.
        let mut interim = 0;
        let mut why_not: Vec<String> = Vec::new();
        for (dp, implied) in Self::distribution_points(ctx, sources) {
            match crl.scope_for(cert, &dp, implied) {
                Ok(reasons) => interim |= reasons,
                // Out of scope for the certificate's own points too: said
                // then.
                Err(_) if sources == Sources::LocalImplied => return None,
                Err(why) => {
                    if !why_not.contains(&why) {
                        why_not.push(why);
                    }
                }
            }
        }
        if interim == 0 && why_not.is_empty() {
            attempt(
                attempts,
                "in scope, but for none of the reasons the certificate's distribution points name (RFC 5280 §6.3.3 (d))".into(),
            );
            return None;
        }
        if interim == 0 {
            if sources == Sources::Local && !cert.distribution_points.is_empty() {
                if let Some(local) = self.crls.iter().find(|c| c.source == crl.source) {
                    coverage.out_of_scope.push(local.clone());
                }
            }
            attempt(attempts, format!("out of scope: {}", why_not.join("; ")));
            return None;
        }
        // (e): a CRL that adds no reason to those covered is not needed.
        if interim & !coverage.mask == 0 {
            attempt(
                attempts,
                format!(
                    "not used: it covers the reasons [{}], already covered",
                    crl::reason_names(interim).join(", ")
                ),
            );
            return None;
        }
        // (f), (g)
        let signer = match self.crl_signer(crl, ctx) {
            Ok(s) => s,
            Err(e) => {
                attempt(attempts, format!("CRL not trusted: {e}"));
                return None;
            }
        };
        match crl.freshness(at) {
            crl::Freshness::Stale { since } => {
                attempt(
                    attempts,
                    format!("CRL stale: nextUpdate {} passed", ts(since)),
                );
                return None;
            }
            crl::Freshness::NotYetValid => {
                attempt(
                    attempts,
                    format!("CRL not yet valid: thisUpdate {}", ts(crl.this_update)),
                );
                return None;
            }
            _ => {}
        }
        // (c), (h), (j): the delta, if any.
        let delta = self.delta_for(crl, signer, ctx, coverage, attempts);
        let used = match &delta {
            Delta::Use(d) => Some(d.as_ref()),
            _ => None,
        };
        let listed = match crl::status_for(crl, used, &cert.issuer.raw, &cert.serial_raw) {
            Ok(listed) => listed,
            Err(e) => {
                attempt(attempts, format!("delta CRL not applied: {e}"));
                return None;
            }
        };
        let source = match used {
            Some(d) => format!("{source} + delta {}", d.source),
            None => source.to_string(),
        };
        let signed_by = if signer.sha256 == ctx.issuer.sha256 {
            String::new()
        } else {
            format!("; signed by \"{}\"", signer.subject.text)
        };
        // (i): revoked on the base or the delta. A revocation on the base
        // stands without its delta unless it is a hold the delta could
        // have released.
        match (listed, &delta) {
            (Some(r), Delta::Missing(why)) if r.on_hold() => {
                attempts.push(Attempt {
                    source,
                    outcome: format!(
                        "on hold (certificateHold) in the base CRL, but the delta CRL it names, which could release it, could not be had: {why}"
                    ),
                });
                None
            }
            (Some(r), _) => {
                attempts.push(Attempt {
                    source: source.clone(),
                    outcome: format!("listed{signed_by}"),
                });
                Some(Status::Revoked {
                    source,
                    time: ts(r.time),
                    reason: r.reason.map(|x| x.as_str().to_string()),
                })
            }
            (None, Delta::Missing(why)) => {
                attempts.push(Attempt {
                    source,
                    outcome: format!(
                        "not listed in the base CRL, but the delta CRL it names could not be had ({why}), so a later revocation would not be seen"
                    ),
                });
                None
            }
            (None, _) => {
                coverage.mask |= interim;
                coverage.used.push((source.clone(), crl.this_update));
                let covers = if interim == crl::ALL_REASONS {
                    String::new()
                } else {
                    format!(
                        "; covers the reasons [{}]",
                        crl::reason_names(interim).join(", ")
                    )
                };
                attempts.push(Attempt {
                    source,
                    outcome: format!("not listed ({} entries{covers}{signed_by})", crl.entries),
                });
                if coverage.mask & crl::ALL_REASONS != crl::ALL_REASONS {
                    return None;
                }
                // (k): every reason covered.
                Some(Status::Good {
                    source: coverage
                        .used
                        .iter()
                        .map(|(s, _)| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    this_update: coverage
                        .used
                        .iter()
                        .map(|(_, t)| *t)
                        .min()
                        .map(ts)
                        .unwrap_or_default(),
                })
            }
        }
    }

    /// The delta CRL for `base` (signed by `signer`), RFC 5280 §5.2.4 and
    /// §6.3.3 (c): the newest that fits, of the `--crl` deltas and the
    /// ones the base's Freshest CRL (§5.2.6) and the certificate's
    /// (§4.2.1.15) name, fetched. A named delta that cannot be had is
    /// [`Delta::Missing`] unless another fitting one is at hand.
    fn delta_for(
        &self,
        base: &crl::Crl,
        signer: &Certificate,
        ctx: &CrlContext<'_>,
        coverage: &mut Coverage,
        attempts: &mut Vec<Attempt>,
    ) -> Delta {
        let mut usable: Vec<Arc<crl::Crl>> = Vec::new();
        for d in self
            .crls
            .iter()
            .filter(|d| d.is_delta() && same_name(&d.issuer_raw, &base.issuer_raw))
        {
            coverage.deltas_seen.push(d.source.clone());
            match self.delta_fits(base, d, signer, ctx) {
                Ok(()) => usable.push(d.clone()),
                Err(e) => attempts.push(Attempt {
                    source: d.source.clone(),
                    outcome: format!("delta CRL not used with {}: {e}", base.source),
                }),
            }
        }
        let mut named: Vec<String> = base.freshest.clone();
        for dp in &ctx.cert.freshest_crl {
            for name in dp.names.iter().flatten() {
                let location = name.to_string();
                if !named.contains(&location) {
                    named.push(location);
                }
            }
        }
        let mut missing = Vec::new();
        for url in &named {
            let why = if !fetchable(url) {
                "not fetched (only http://, https:// and ldap:// delta locations)".to_string()
            } else {
                match self.fetch(url, ctx, attempts) {
                    Err(e) => e,
                    Ok(d) => match self.delta_fits(base, &d, signer, ctx) {
                        Ok(()) => {
                            usable.push(d);
                            // The other names are other places of the
                            // same delta (§4.2.1.13, as AD CS publishes
                            // ldap:// and http://).
                            break;
                        }
                        Err(e) => format!("delta CRL not used: {e}"),
                    },
                }
            };
            attempts.push(Attempt {
                source: url.clone(),
                outcome: why.clone(),
            });
            missing.push(format!("{url}: {why}"));
        }
        match usable.into_iter().max_by(|a, b| a.cmp_number(b)) {
            Some(d) => Delta::Use(d),
            None if missing.is_empty() => Delta::None,
            None => Delta::Missing(missing.join("; ")),
        }
    }

    /// Whether `delta` may be applied to `base`, signed by `signer`: it
    /// fits (same issuer and Issuing Distribution Point, numbers, §5.2.4,
    /// §6.3.3 (c)), has nothing this code cannot honour, is signed by the
    /// same key ((h), (j)) and is fresh.
    fn delta_fits(
        &self,
        base: &crl::Crl,
        delta: &crl::Crl,
        signer: &Certificate,
        ctx: &CrlContext<'_>,
    ) -> Result<(), String> {
        crl::check_delta_fits(base, delta)?;
        if !delta.unsupported.is_empty() {
            return Err(format!(
                "it cannot be used: {}",
                delta.unsupported.join("; ")
            ));
        }
        self.signature_once(delta, signer)
            .map_err(|e| format!("not signed by the key that signed the base CRL: {e}"))?;
        match delta.freshness(ctx.at) {
            crl::Freshness::Stale { since } => {
                Err(format!("delta CRL stale: nextUpdate {} passed", ts(since)))
            }
            crl::Freshness::NotYetValid => Err(format!(
                "delta CRL not yet valid: thisUpdate {}",
                ts(delta.this_update)
            )),
            _ => Ok(()),
        }
    }

    /// Put a CRL in the per-run cache as if `url` had served it (tests).
    #[cfg(test)]
    pub(crate) fn seed(&self, url: &str, crl: Arc<crl::Crl>) {
        if let Ok(mut cache) = self.fetched.lock() {
            cache.insert(url.to_string(), Ok(crl));
        }
    }

    /// The CRL at `url`: from this run's memory, else from the disk cache
    /// while someone who may sign it did ([`Revocation::crl_signer`]) and
    /// it is fresh at `ctx.at`, else fetched (and cached when it parses).
    /// `--offline` stops before the network: a cached copy is still used.
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
                        self.crl_signer(&c, ctx)?;
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
                            .is_some_and(|m| m.http_expired(self.now.timestamp()));
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
                    transport::ldap::fetch_crl_within(url, self.ldap_server.as_deref(), timeout)
                        .map_err(|e| e.to_string())
                })
                .map(|body| {
                    crate::revocation::transport::Got::Body(
                        crate::revocation::transport::Response {
                            body,
                            policy: crate::revocation::transport::CachePolicy::default(),
                        },
                    )
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
        let now = self.now.timestamp();
        let fetched = match got {
            Ok(crate::revocation::transport::Got::NotModified(policy)) => match stale_copy {
                Some((c, old)) => {
                    let old = old.map(|m| m.policy).unwrap_or_default();
                    let meta = cache::Meta {
                        key: url.to_string(),
                        fetched_at: now,
                        policy: crate::revocation::transport::CachePolicy {
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
                None => Err("GET: 304 Not Modified to an unconditional request".to_string()),
            },
            Ok(crate::revocation::transport::Got::Body(response)) => self
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

    /// The certificates that may have signed `crl` (their subject is its
    /// issuer), the ones its authority key identifier names first, then
    /// the certificate's issuer, then by fingerprint (a stable order).
    fn candidates<'c>(&self, crl: &crl::Crl, ctx: &CrlContext<'c>) -> Vec<&'c Certificate> {
        let mut found: Vec<&Certificate> = Vec::new();
        for c in ctx
            .signers
            .known
            .iter()
            .copied()
            .chain(std::iter::once(ctx.issuer))
        {
            if same_name(&c.subject.raw, &crl.issuer_raw)
                && !found.iter().any(|f| f.sha256 == c.sha256)
            {
                found.push(c);
            }
        }
        let named = |c: &Certificate| {
            crl.authority_key_id.is_some() && c.subject_key_id == crl.authority_key_id
        };
        found.sort_by(|a, b| {
            named(b)
                .cmp(&named(a))
                .then_with(|| (b.sha256 == ctx.issuer.sha256).cmp(&(a.sha256 == ctx.issuer.sha256)))
                .then_with(|| a.sha256.cmp(&b.sha256))
        });
        found
    }

    /// Who signed `crl`, if someone who may (RFC 5280 §6.3.3 (f), (g)): a
    /// certificate of the CRL issuer's name with cRLSign (§4.2.1.3) whose
    /// key verifies the CRL and whose path validates to the trust anchor
    /// of the certificate's ([`Signers::validate`]). `Err` says why none.
    fn crl_signer<'c>(
        &self,
        crl: &crl::Crl,
        ctx: &CrlContext<'c>,
    ) -> Result<&'c Certificate, String> {
        if !crl.unsupported.is_empty() {
            return Err(format!(
                "CRL cannot be used: {}",
                crl.unsupported.join("; ")
            ));
        }
        let candidates = self.candidates(crl, ctx);
        if candidates.is_empty() {
            return Err(format!(
                "signed by \"{}\": no certificate of that CRL issuer among the inputs, --untrusted or --trust",
                crl.issuer_text
            ));
        }
        let several = candidates.len() > 1;
        let mut why = Vec::new();
        for c in candidates {
            let who = if several {
                format!(
                    "\"{}\" (SHA-256 {})",
                    c.subject.text,
                    c.sha256.get(..16).unwrap_or(&c.sha256)
                )
            } else {
                format!("\"{}\"", c.subject.text)
            };
            if !may_sign_crls(c) {
                let usages = c
                    .key_usage
                    .map(|k| k.names().join(", "))
                    .unwrap_or_default();
                why.push(format!(
                    "{who} has Key Usage [{usages}] without cRLSign, so it may not sign CRLs"
                ));
                continue;
            }
            if let Err(e) = self.signature_once(crl, c) {
                why.push(e);
                continue;
            }
            if let Err(e) = (ctx.signers.validate)(c) {
                why.push(format!("signed with the key of {who}, but {e}"));
                continue;
            }
            return Ok(c);
        }
        Err(why.join("; "))
    }

    /// The signature of `crl` checked with `signer`'s key once per run:
    /// the result is kept by (source, thisUpdate, CRL number, key), so a
    /// re-issued certificate with the same key needs no second check, and
    /// the CRL's bytes can be released after the first.
    fn signature_once(&self, crl: &crl::Crl, signer: &Certificate) -> Result<(), String> {
        let key = (
            crl.source.clone(),
            crl.this_update.timestamp(),
            crl.crl_number.clone(),
            signer.spki_sha256.clone(),
        );
        if let Ok(done) = self.verified.lock() {
            if let Some(result) = done.get(&key) {
                return result.clone();
            }
        }
        let result = crl.verify_signature(signer);
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

/// Key Usage, if present, has cRLSign (RFC 5280 §4.2.1.3, §6.3.3 (f)).
fn may_sign_crls(cert: &Certificate) -> bool {
    cert.key_usage
        .is_none_or(|ku| ku.has(crate::model::KeyUsageBit::CrlSign))
}

/// A validator for tests, as the audit's stands in for the path validator:
/// the signer is `ca`, or is valid at `at` and `ca`'s key signed it.
#[cfg(test)]
fn certified_by(
    ca: &Certificate,
    at: DateTime<Utc>,
) -> impl Fn(&Certificate) -> Result<(), String> + '_ {
    use x509_parser::prelude::FromDer;
    move |signer: &Certificate| {
        if signer.sha256 == ca.sha256 {
            return Ok(());
        }
        if at < signer.not_before || at > signer.not_after {
            return Err(format!("it is not valid at {}", ts(at)));
        }
        let parse = |der| x509_parser::certificate::X509Certificate::from_der(der).ok();
        match (parse(&signer.der), parse(&ca.der)) {
            (Some((_, s)), Some((_, c)))
                if s.verify_signature(Some(&c.tbs_certificate.subject_pki))
                    .is_ok() =>
            {
                Ok(())
            }
            _ => Err(format!("it was not issued by \"{}\"", ca.subject.text)),
        }
    }
}

#[cfg(test)]
mod tests;
