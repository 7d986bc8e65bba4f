//! Trust chains: build the paths from an end-entity certificate to the
//! trust anchors, validate them (RFC 5280 §6.1, `audit::path`), ask
//! rustls-webpki for a second opinion, and explain the outcome.
//!
//! The modules follow the steps: `build` runs `audit::path` and turns its
//! verdict into a [`ChainReport`], `webpki` is the second opinion and its
//! error in words, `diagnose` says *which* certificate of the path is the
//! problem and why (and what RFC 5280 leaves out: anchor validity, CA expiry
//! before the leaf), `sent` compares the chain the input sends with the path
//! and matches the peer's CERTREQ. This file holds the types and
//! [`analyze`].

pub mod algorithms;
mod build;
mod diagnose;
mod sent;
mod webpki;

pub use sent::parse_certreq;
pub(crate) use webpki::webpki_words;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::path::signature::memo::{SigMemo, SigScope};
pub use crate::audit::rules::chain::ChainKind;
use crate::audit::rules::Rule;
use crate::model::Certificate;
use crate::oids;
use crate::time::format::ts;

/// Where a certificate of a path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The end-entity certificate being audited.
    Leaf,
    /// Sent with the leaf: another certificate of the same input.
    Sent,
    /// From `--untrusted`.
    Untrusted,
    /// A trust anchor from `--trust`.
    Anchor,
    /// A trust anchor from the operating system (`--system-trust`).
    SystemAnchor,
    /// A CA certificate of a verifying trustpoint of the `--config` device.
    DeviceAnchor,
}

impl Origin {
    pub fn is_anchor(self) -> bool {
        matches!(
            self,
            Origin::Anchor | Origin::SystemAnchor | Origin::DeviceAnchor
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Origin::Leaf => "the leaf",
            Origin::Sent => "sent with the leaf",
            Origin::Untrusted => "from --untrusted",
            Origin::Anchor => "trust anchor from --trust",
            Origin::SystemAnchor => "trust anchor from the system store",
            Origin::DeviceAnchor => "trust anchor: CA certificate of the device's trustpoint",
        }
    }
}

pub use crate::model::PoolCert;

/// The certificates a chain may be built from, besides the input.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    /// `--trust` anchors.
    pub anchors: Vec<PoolCert>,
    /// `--system-trust` anchors.
    pub system: Vec<PoolCert>,
    /// `--config`: the CA certificates of the verifying trustpoints.
    pub device: Vec<PoolCert>,
    /// `--untrusted` intermediates.
    pub untrusted: Vec<PoolCert>,
}

/// Which extended key usage the path must allow, as webpki enforces it on
/// the leaf and every intermediate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EkuPolicy {
    /// Any (EKU rules for the leaf are pkiaudit's own rules).
    Any,
    ServerAuth,
    ClientAuth,
}

impl EkuPolicy {
    fn oid(self) -> Option<&'static str> {
        match self {
            EkuPolicy::Any => None,
            EkuPolicy::ServerAuth => Some(oids::EKU_SERVER_AUTH),
            EkuPolicy::ClientAuth => Some(oids::EKU_CLIENT_AUTH),
        }
    }
}

/// What a chain check depends on.
#[derive(Debug, Clone)]
pub struct ChainOptions<'a> {
    pub time: DateTime<Utc>,
    pub eku: EkuPolicy,
    pub warn_days: i64,
    /// SHA-1 SPKI hashes from the peer's CERTREQ, lower-case hex.
    pub certreq: Option<&'a [String]>,
    /// The run's memo of signature verifications; `None`: one for this
    /// analysis alone.
    pub signatures: Option<&'a SigMemo>,
}

/// One certificate of a path, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub subject: String,
    pub sha256: String,
    pub spki_sha1: String,
    pub not_after: String,
    pub origin: Origin,
    pub source: String,
}

/// The outcome of path validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainStatus {
    /// A path to a trust anchor validates (RFC 5280 §6.1, `audit::path`).
    Verified,
    /// Validates, but only with legacy algorithms (SHA-1, RSA under 2048
    /// bits), which strict peers refuse.
    VerifiedLegacy,
    /// No path to a trust anchor validates.
    Failed,
    /// No trust anchors were given: nothing to verify against.
    NotVerified,
}

/// The result of [`analyze`].
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub status: ChainStatus,
    /// The verified path, or the best candidate when none verified; leaf first.
    pub path: Vec<Hop>,
    /// rustls-webpki verified the path (it does not check everything: a
    /// path it accepts can still fail pkiaudit's checks, e.g. keyCertSign).
    pub webpki_verified: bool,
    /// webpki's error, when the path did not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webpki_error: Option<String>,
    /// The findings, in the order they were made; the rules of
    /// `rules::chain` report them.
    #[serde(skip)]
    pub findings: Vec<ChainFinding>,
}

/// One finding of a chain analysis.
#[derive(Debug, Clone)]
pub struct ChainFinding {
    pub kind: ChainKind,
    pub message: String,
}

impl ChainFinding {
    /// The rule the finding is reported under.
    pub fn rule(&self) -> &'static Rule {
        self.kind.rule()
    }
}

impl ChainReport {
    /// The messages of the findings reported under `rule`.
    pub fn messages(&self, rule: &Rule) -> Vec<String> {
        self.findings
            .iter()
            .filter(|f| f.rule().id == rule.id)
            .map(|f| f.message.clone())
            .collect()
    }

    fn has(&self, kind: ChainKind) -> bool {
        self.findings.iter().any(|f| f.kind == kind)
    }

    fn add(&mut self, kind: ChainKind, message: String) {
        self.findings.push(ChainFinding { kind, message });
    }
}

/// A certificate that can be part of a path.
#[derive(Debug, Clone, Copy)]
struct Node<'a> {
    cert: &'a Certificate,
    origin: Origin,
    source: &'a str,
}

impl Node<'_> {
    fn hop(&self) -> Hop {
        Hop {
            subject: self.cert.subject.text.clone(),
            sha256: self.cert.sha256.clone(),
            spki_sha1: self.cert.spki_sha1.clone(),
            not_after: ts(self.cert.not_after),
            origin: self.origin,
            source: self.source.to_string(),
        }
    }

    fn name(&self) -> String {
        format!("'{}'", self.cert.subject.text)
    }
}

/// The leaf and the certificates sent with it.
pub struct ChainInput<'a> {
    pub leaf: &'a Certificate,
    pub leaf_source: &'a str,
    /// The other certificates of the leaf's input, in input order, with
    /// their sources.
    pub sent: Vec<(&'a Certificate, String)>,
    /// The leaf's position among the certificates of its input (1-based).
    pub leaf_position: usize,
    /// The positions of the sent certificates, same order as `sent`.
    pub sent_positions: Vec<usize>,
    /// Whether the input is what a peer sends (a headend's bundle, IKE CERT
    /// payloads), so that the sent-chain findings apply; a certificate
    /// kept on disk alone is judged only on whether its path can be built.
    pub is_sent: bool,
}

/// Check the chain of one end-entity certificate.
pub fn analyze(input: &ChainInput<'_>, store: &TrustStore, opts: &ChainOptions<'_>) -> ChainReport {
    let pool = build::Pool::new(input, store);
    // Both validators verify through one scope: each signature of the
    // analysis once, the CA signatures once per run.
    let alone;
    let memo = match opts.signatures {
        Some(memo) => memo,
        None => {
            alone = SigMemo::with_capacity(0);
            &alone
        }
    };
    let scope = SigScope::new(memo, &input.leaf.der);
    let verdict = pool.validate(opts, &scope);
    let mut report = ChainReport {
        status: ChainStatus::NotVerified,
        path: Vec::new(),
        webpki_verified: false,
        webpki_error: None,
        findings: Vec::new(),
    };
    if pool.anchors.is_empty() {
        build::unanchored(&mut report, &pool, &verdict, opts);
        return report;
    }
    // The second opinion: rustls-webpki, with SHA-1 and RSA-1024 allowed as
    // pkiaudit allows them (reported as legacy), any EKU (the leaf's EKU
    // is the profile rules' business), at a time inside the leaf's window
    // (the leaf's dates are the validity rules' business).
    let leaf_window_time = input
        .leaf
        .not_before
        .max(opts.time.min(input.leaf.not_after));
    let second = webpki::run_webpki(
        input.leaf,
        &pool.nodes,
        &pool.anchors,
        leaf_window_time,
        &scope,
    );
    report.webpki_verified = second.is_ok();
    if let Err(e) = &second {
        report.webpki_error = Some(webpki::webpki_words(e));
    }
    match verdict {
        Ok(valid) => build::verified(&mut report, input, &pool, &valid, opts),
        Err(invalid) => build::failed(&mut report, &pool, &invalid, opts),
    }
    report
}

#[cfg(test)]
mod tests;
