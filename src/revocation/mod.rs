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

mod by_crl;
mod by_ocsp;
pub mod cache;
pub mod crl;
mod fetching;
pub mod issuers;
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
pub enum RevocationStatus {
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
pub struct RevocationResult {
    pub subject: String,
    pub serial: String,
    #[serde(flatten)]
    pub status: RevocationStatus,
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

/// CRLs parsed at the same time, however many threads audit. Each
/// distinct CRL is parsed once (one fetch per URL, see `fetching`), and
/// different CRLs in parallel, but a parse holds the CRL's DER and its
/// table (about twice its size) until it is verified and released: a
/// sweep over twenty 60 MiB CRLs must not hold them all at once.
pub const MAX_PARSES: usize = 2;

/// A counting semaphore for CRL parses.
#[derive(Default)]
struct ParseSlots {
    busy: Mutex<usize>,
    freed: std::sync::Condvar,
}

/// A held parse slot; released on drop.
struct ParseSlot<'a>(&'a ParseSlots);

impl ParseSlots {
    fn acquire(&self) -> ParseSlot<'_> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= MAX_PARSES {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        ParseSlot(self)
    }

    /// Parses in progress (tests).
    #[cfg(test)]
    fn busy(&self) -> usize {
        *self.busy.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for ParseSlot<'_> {
    fn drop(&mut self) {
        let mut busy = self.0.busy.lock().unwrap_or_else(|e| e.into_inner());
        *busy = busy.saturating_sub(1);
        drop(busy);
        self.0.freed.notify_one();
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
/// SHA-256 of its DER (when known), the SHA-256 of the signer's public
/// key. The DER's hash tells apart two CRLs of the same source, time and
/// number (a cached copy and what a revalidation served).
type VerifiedKey = (String, i64, Option<String>, Option<String>, String);

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
    /// Certificates fetched from caIssuers URLs this run, by URL.
    issuers: Mutex<HashMap<String, issuers::Issuers>>,
    /// Verified OCSP answers (DER) of this run, by responder + certificate.
    ocsp_answers: Mutex<HashMap<String, Vec<u8>>>,
    /// One lock per CRL URL being fetched (single flight).
    gates: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Requests in flight per host, at most [`MAX_PER_HOST`].
    slots: HostSlots,
    /// CRL parses in progress, at most [`MAX_PARSES`] (see `parse_crl`).
    parsing: ParseSlots,
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
            issuers: Mutex::new(HashMap::new()),
            ocsp_answers: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
            slots: HostSlots::default(),
            parsing: ParseSlots::default(),
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
    pub fn check(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
    ) -> RevocationResult {
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
    ) -> RevocationResult {
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
                return RevocationStatus::NoSource;
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
            RevocationStatus::Unknown { reason }
        });
        RevocationResult {
            subject: cert.subject.text.clone(),
            serial: cert.serial.clone(),
            status,
            attempts,
        }
    }

    /// Put a CRL in the per-run cache as if `url` had served it (tests).
    #[cfg(test)]
    pub(crate) fn seed(&self, url: &str, crl: Arc<crl::Crl>) {
        if let Ok(mut cache) = self.fetched.lock() {
            cache.insert(url.to_string(), Ok(crl));
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
