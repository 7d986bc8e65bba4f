//! Trust chains: build the paths from an end-entity certificate to the
//! trust anchors, take the verdict from rustls-webpki, and explain it.
//!
//! webpki decides (`EndEntityCert::verify_for_usage`), but it reports only
//! the highest-ranked error of all the paths it tried and never checks Key
//! Usage. So pkiaudit also builds the candidate paths itself (issuer name and
//! AKI/SKI), checks each hop (signature, validity, cA, keyCertSign,
//! pathLen, EKU), and uses what it finds to say *which* certificate is the
//! problem and why. It then compares the chain the input sends with the one
//! that verified, and checks what webpki leaves out (anchor validity, CA
//! expiry before the leaf, the peer's CERTREQ).

pub mod algorithms;

use crate::time::format::ts;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use serde::Serialize;

use crate::audit::path::{self, same_key_and_name, signature, signature::Legacy};
pub use crate::audit::rules::chain::ChainKind;
use crate::audit::rules::Rule;
use crate::model::Certificate;
use crate::oids;

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

/// webpki's EKU validator that accepts any purpose (but a malformed EKU).
struct AnyPurpose;

impl webpki::ExtendedKeyUsageValidator for AnyPurpose {
    fn validate(&self, iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for purpose in iter {
            purpose?;
        }
        Ok(())
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
pub enum Status {
    /// rustls-webpki verified a path to a trust anchor.
    Verified,
    /// Verified, but only with legacy algorithms (SHA-1, RSA under 2048 bits).
    VerifiedLegacy,
    /// No path verifies, or the one webpki verified fails a check webpki
    /// leaves out (keyCertSign on a CA, an expired anchor).
    Failed,
    /// No trust anchors were given: nothing to verify against.
    NotVerified,
}

/// The result of [`analyze`].
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub status: Status,
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
}

fn unix(t: DateTime<Utc>) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(t.timestamp().max(0) as u64))
}

/// Check the chain of one end-entity certificate.
pub fn analyze(input: &ChainInput<'_>, store: &TrustStore, opts: &ChainOptions<'_>) -> ChainReport {
    let leaf = Node {
        cert: input.leaf,
        origin: Origin::Leaf,
        source: input.leaf_source,
    };
    let mut nodes: Vec<Node<'_>> = Vec::new();
    for (cert, source) in &input.sent {
        nodes.push(Node {
            cert,
            origin: Origin::Sent,
            source,
        });
    }
    for p in &store.untrusted {
        nodes.push(Node {
            cert: &p.cert,
            origin: Origin::Untrusted,
            source: &p.source,
        });
    }
    let anchors: Vec<Node<'_>> = store
        .anchors
        .iter()
        .map(|p| (p, Origin::Anchor))
        .chain(store.system.iter().map(|p| (p, Origin::SystemAnchor)))
        .chain(store.device.iter().map(|p| (p, Origin::DeviceAnchor)))
        .map(|(p, origin)| Node {
            cert: &p.cert,
            origin,
            source: &p.source,
        })
        .collect();

    let pool_certs: Vec<&Certificate> = nodes.iter().map(|n| n.cert).collect();
    let anchor_certs: Vec<&Certificate> = anchors.iter().map(|n| n.cert).collect();
    let request = path::Request {
        leaf: input.leaf,
        intermediates: &pool_certs,
        anchors: &anchor_certs,
    };
    let settings = path::Settings {
        time: opts.time,
        // The leaf's own dates are the validity rules' findings.
        leaf_validity: false,
        ca_eku: opts.eku.oid(),
        policy: path::policy::Settings::default(),
    };
    let node = |r: path::Ref| -> Node<'_> {
        match r {
            path::Ref::Leaf => leaf,
            path::Ref::Intermediate(i) => nodes.get(i).copied().unwrap_or(leaf),
            path::Ref::Anchor(i) => anchors.get(i).copied().unwrap_or(leaf),
        }
    };
    let verdict = path::validate(&request, &settings);
    let mut report = ChainReport {
        status: Status::NotVerified,
        path: Vec::new(),
        webpki_verified: false,
        webpki_error: None,
        findings: Vec::new(),
    };

    if anchors.is_empty() {
        let best: Vec<Node<'_>> = match &verdict {
            Ok(v) => v.path.iter().map(|r| node(*r)).collect(),
            Err(e) => e.path.iter().map(|r| node(*r)).collect(),
        };
        report.path = best.iter().map(Node::hop).collect();
        report.add(
            ChainKind::NotVerified,
            format!(
                "no trust anchors given (--trust, --system-trust, --config trustpoint): the chain \
                 was not verified; built from issuer names and signatures: {}",
                describe_path(&best, false)
            ),
        );
        // A broken signature breaks the chain whatever is trusted.
        if let Err(invalid) = &verdict {
            for p in &invalid.problems {
                if let path::Problem::Signature { .. } = p {
                    let (rule, message) = explain(p, &best, &nodes, &anchors);
                    report.add(rule, message);
                }
            }
        }
        certreq(&mut report, &best, &nodes, &anchors, opts);
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
    let webpki = run_webpki(input.leaf, &nodes, &anchors, leaf_window_time);
    report.webpki_verified = webpki.is_ok();
    if let Err(e) = &webpki {
        report.webpki_error = Some(webpki_words(e));
    }

    match verdict {
        Ok(valid) => {
            let path: Vec<Node<'_>> = valid.path.iter().map(|r| node(*r)).collect();
            report.path = path.iter().map(Node::hop).collect();
            report.status = if valid.legacy.is_empty() {
                Status::Verified
            } else {
                Status::VerifiedLegacy
            };
            let leaf_outside =
                opts.time < input.leaf.not_before || opts.time > input.leaf.not_after;
            report.add(
                ChainKind::Verified,
                format!(
                    "verified (RFC 5280 §6.1){}: {}",
                    if leaf_outside {
                        "; the leaf itself is outside its validity window at the audit time \
                         (see its validity finding), the rest of the path is valid"
                    } else {
                        ""
                    },
                    describe_path(&path, true)
                ),
            );
            for (at, why) in &valid.legacy {
                legacy_finding(&mut report, &path, *at, why);
            }
            if let Err(e) = &webpki {
                report.add(
                    ChainKind::WebpkiRejects,
                    format!(
                        "rustls-webpki, a strict Web PKI validator, rejects this path: {}; RFC 5280 \
                         path validation (IOS, strongSwan, Windows) accepts it, clients with Web \
                         PKI-style validation may not",
                        webpki_words(e)
                    ),
                );
            }
            after_verification(&mut report, &path, opts);
            // What RFC 5280 leaves out but peers check fails the path too.
            if report.has(ChainKind::AnchorExpired) {
                report.status = Status::Failed;
            }
            sent_chain(&mut report, input, &path);
            certreq(&mut report, &path, &nodes, &anchors, opts);
        }
        Err(invalid) => {
            report.status = Status::Failed;
            let path: Vec<Node<'_>> = invalid.path.iter().map(|r| node(*r)).collect();
            report.path = path.iter().map(Node::hop).collect();
            for p in &invalid.problems {
                let (rule, message) = explain(p, &path, &nodes, &anchors);
                report.add(rule, message);
            }
            certreq(&mut report, &path, &nodes, &anchors, opts);
        }
    }
    report
}

/// Does `issuer` look like the issuer of `child`: matching name (RFC 5280
/// §7.1), and key identifiers that agree when both are present.
fn names_issuer(child: &Certificate, issuer: &Certificate) -> bool {
    child.issuer.matches(&issuer.subject) && key_ids_agree(child, issuer)
}

fn key_ids_agree(child: &Certificate, issuer: &Certificate) -> bool {
    match (
        child
            .authority_key_id
            .as_ref()
            .and_then(|a| a.key_id.as_ref()),
        issuer.subject_key_id.as_ref(),
    ) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

/// The path in words, leaf first. An incomplete path ends with why.
fn describe_path(nodes: &[Node<'_>], complete: bool) -> String {
    let mut parts: Vec<String> = nodes
        .iter()
        .map(|n| match n.origin {
            Origin::Leaf => n.name(),
            o => format!("{} ({})", n.name(), o.describe()),
        })
        .collect();
    if !complete {
        match nodes.last() {
            Some(n) if path::self_issued(n.cert) && n.cert.self_signature_valid != Some(false) => {
                parts.push("(self-signed, not a trust anchor)".into())
            }
            Some(n) => parts.push(format!("? (issuer '{}' not found)", n.cert.issuer.text)),
            None => {}
        }
    }
    parts.join(" → ")
}

/// Run webpki; on success return the pool indices of the intermediates and
/// the index of the anchor.
fn run_webpki(
    leaf: &Certificate,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    time: DateTime<Utc>,
) -> Result<(Vec<usize>, usize), webpki::Error> {
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let ee = webpki::EndEntityCert::try_from(&leaf_der)?;
    let anchor_ders: Vec<CertificateDer<'_>> = anchors
        .iter()
        .map(|a| CertificateDer::from(a.cert.der.as_slice()))
        .collect();
    // Keep the positions: webpki returns a reference into this slice.
    let mut anchor_index = Vec::new();
    let mut trust_anchors: Vec<TrustAnchor<'_>> = Vec::new();
    for (i, der) in anchor_ders.iter().enumerate() {
        if let Ok(ta) = webpki::anchor_from_trusted_cert(der) {
            anchor_index.push(i);
            trust_anchors.push(ta);
        }
    }
    let intermediates: Vec<CertificateDer<'_>> = pool
        .iter()
        .map(|n| CertificateDer::from(n.cert.der.as_slice()))
        .collect();
    let path = ee.verify_for_usage(
        algorithms::with_legacy(),
        &trust_anchors,
        &intermediates,
        unix(time),
        AnyPurpose,
        None,
        None,
    )?;
    let mut used = Vec::new();
    for cert in path.intermediate_certificates() {
        let der = cert.der();
        let pos = pool
            .iter()
            .position(|n| n.cert.der.as_slice() == der.as_ref())
            .ok_or(webpki::Error::UnknownIssuer)?;
        used.push(pos);
    }
    let anchor = trust_anchors
        .iter()
        .position(|ta| std::ptr::eq(ta, path.anchor()))
        .and_then(|i| anchor_index.get(i).copied())
        .ok_or(webpki::Error::UnknownIssuer)?;
    Ok((used, anchor))
}

/// webpki's error in words, with what usually causes it where webpki is
/// stricter than RFC 5280.
#[allow(deprecated)] // the context-free variants, should a code path still make them
fn webpki_words(e: &webpki::Error) -> String {
    use webpki::Error as E;
    let at = |t: &UnixTime| {
        DateTime::<Utc>::from_timestamp(t.as_secs() as i64, 0)
            .map(ts)
            .unwrap_or_default()
    };
    match e {
        E::CertExpired { time, not_after } => {
            format!(
                "a certificate expired {} (checked at {})",
                at(not_after),
                at(time)
            )
        }
        E::CertNotValidYet { time, not_before } => format!(
            "a certificate is not valid until {} (checked at {})",
            at(not_before),
            at(time)
        ),
        E::UnknownIssuer => "it finds no issuer it accepts for a certificate of the path \
                             (webpki compares issuer names byte for byte, where RFC 5280 §7.1 \
                             compares them case- and space-insensitively)"
            .into(),
        E::CaUsedAsEndEntity => "the end-entity certificate has basicConstraints cA=TRUE, and \
                                 webpki refuses a CA certificate as end entity"
            .into(),
        E::EndEntityUsedAsCa => "a certificate that is not a CA issues another".into(),
        E::PathLenConstraintViolated => "a pathLenConstraint is exceeded as webpki counts it \
                                         (it counts self-issued intermediates, which RFC 5280 \
                                         §6.1.4 (l) exempts)"
            .into(),
        E::NameConstraintViolation => "a name is outside a CA's name constraints as webpki \
                                       evaluates them (it has no directoryName constraints and \
                                       does not match rfc822Name constraints against email \
                                       addresses)"
            .into(),
        E::UnsupportedNameType => "a name form webpki cannot check against name constraints".into(),
        E::BadDer | E::BadDerTime | E::TrailingData(_) => "it cannot parse a certificate of the \
                                                           path (it cannot read validity dates \
                                                           before 1970, for one)"
            .into(),
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "a signature algorithm it does not support (DSA, P-521, RSA-PSS with unusual \
             parameters)"
                .into()
        }
        E::InvalidSignatureForPublicKey => "a signature does not verify".into(),
        E::UnsupportedCriticalExtension => "a critical extension it does not process".into(),
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) => {
            "an extended key usage restriction".into()
        }
        E::MaximumPathDepthExceeded => "the path is longer than it allows (6 intermediates)".into(),
        E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded => {
            "path building gave up (too many candidate issuers)".into()
        }
        E::UnsupportedCertVersion => {
            "a certificate is not X.509 v3 (only anchors may be v1)".into()
        }
        other => {
            // The variant's name, not its Debug dump.
            let debug = format!("{other:?}");
            let name: String = debug
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            format!("{name} (a webpki error)")
        }
    }
}

/// One problem of the path, as a chain finding.
fn explain(
    problem: &path::Problem,
    path: &[Node<'_>],
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
) -> (ChainKind, String) {
    use path::Problem as P;
    let at = |i: usize| path.get(i).copied();
    let name = |i: usize| at(i).map(|n| n.name()).unwrap_or_default();
    let named = |i: usize| {
        at(i)
            .map(|n| match n.origin {
                Origin::Leaf => n.name(),
                o => format!("{} ({})", n.name(), o.describe()),
            })
            .unwrap_or_default()
    };
    match problem {
        P::IssuerNotFound { at: i } => missing_issuer(path, *i, pool, anchors),
        P::UntrustedRoot { at: i } => {
            let Some(last) = at(*i) else {
                return (ChainKind::AnchorMissing, String::new());
            };
            if *i == 0 {
                (
                    ChainKind::AnchorMissing,
                    format!(
                        "the leaf {} is self-signed: no CA issued it, so a peer accepts it only if \
                         it trusts this very certificate (give it with --trust to check it that way)",
                        last.name()
                    ),
                )
            } else {
                (
                    ChainKind::AnchorMissing,
                    format!(
                        "the chain ends at {} ({}, self-signed), which is not a trust anchor: the \
                         peer must have it as a trusted CA (give it with --trust to check the rest): {}",
                        last.name(),
                        last.origin.describe(),
                        describe_path(path, false)
                    ),
                )
            }
        }
        P::Signature { at: i, outcome } => {
            let (Some(child), Some(issuer)) = (at(*i), at(*i + 1)) else {
                return (ChainKind::SignatureInvalid, String::new());
            };
            match outcome {
                signature::Outcome::Unsupported(why) => (
                    ChainKind::SignatureUnsupported,
                    format!(
                        "the signature on {} ({}) by {} cannot be verified: {why}",
                        child.name(),
                        child.cert.signature_algorithm.name,
                        named(*i + 1)
                    ),
                ),
                signature::Outcome::Invalid(why) => {
                    let ids_text = match (
                        child
                            .cert
                            .authority_key_id
                            .as_ref()
                            .and_then(|a| a.key_id.as_deref()),
                        issuer.cert.subject_key_id.as_deref(),
                    ) {
                        (Some(aki), Some(ski)) if aki != ski => {
                            format!("; it names key id {aki}, that certificate has {ski}")
                        }
                        _ => String::new(),
                    };
                    (
                        ChainKind::SignatureInvalid,
                        format!(
                            "the signature on {} does not verify with the key of {} ({why}): same \
                             name, different key (a re-keyed CA whose current certificate is \
                             missing, or a different CA with the same name), or a tampered \
                             certificate{ids_text}; send the certificate of the CA key that \
                             signed it",
                            child.name(),
                            named(*i + 1),
                        ),
                    )
                }
                _ => (ChainKind::SignatureInvalid, String::new()),
            }
        }
        P::Expired { at: i, not_after } => (
            ChainKind::CaExpired,
            format!(
                "CA {} expired {}: every certificate under it fails; send (and install on \
                 the peers) the CA's renewed certificate",
                named(*i),
                ts(*not_after)
            ),
        ),
        P::NotYetValid { at: i, not_before } => (
            ChainKind::CaExpired,
            format!("CA {} is not valid until {}", named(*i), ts(*not_before)),
        ),
        P::NotCa { at: i, why } => (
            ChainKind::CaNotCa,
            format!(
                "{} issues {} but is not a CA: {why} (RFC 5280 §6.1.4 (k)); have it issued by \
                 a CA certificate (basicConstraints cA=TRUE)",
                named(*i),
                name(i.saturating_sub(1))
            ),
        ),
        P::KeyCertSign { at: i } => {
            let ku = at(*i)
                .and_then(|n| n.cert.key_usage)
                .map(|k| k.names().join(", "))
                .unwrap_or_default();
            (
                ChainKind::CaKeyCertSign,
                format!(
                    "CA {} has Key Usage [{ku}] without keyCertSign, so it may not sign {} \
                     (RFC 5280 §6.1.4 (n)); re-issue the CA certificate with keyCertSign",
                    named(*i),
                    name(i.saturating_sub(1))
                ),
            )
        }
        P::PathLength {
            at: i,
            limiter,
            limit,
        } => (
            ChainKind::PathLen,
            format!(
                "CA {} has pathLenConstraint {limit}, so at most {limit} intermediate CA(s) may \
                 follow it, but {} is one more (self-issued certificates do not count, RFC 5280 \
                 §6.1.4 (l)); re-issue the constrained CA with a larger pathLenConstraint, or \
                 issue from a CA higher up",
                name(*limiter),
                name(*i)
            ),
        ),
        P::NameConstraints {
            at: i,
            violation,
            by,
        } => {
            let cas: Vec<String> = by.iter().map(|b| name(*b)).collect();
            (
                ChainKind::NameConstraints,
                format!(
                    "{}: its name {} is {} (name constraints of {}); request a certificate \
                     whose names lie within the CA's constraints",
                    name(*i),
                    violation.name,
                    violation.reason,
                    cas.join(", ")
                ),
            )
        }
        P::Policy { reason } => (
            ChainKind::Policy,
            format!(
                "{reason}; request the certificate under a policy every CA of the path allows \
                 (RFC 5280 §6.1.5)"
            ),
        ),
        P::CriticalExtension { at: i, oid } => (
            ChainKind::Invalid,
            format!(
                "{} has a critical extension {} that pkiaudit does not process: RFC 5280 §4.2 \
                 requires rejecting the certificate; re-issue it without the extension, or \
                 with it non-critical",
                named(*i),
                crate::oids::extension_name(oid)
                    .map(|n| format!("{n} ({oid})"))
                    .unwrap_or_else(|| oid.clone())
            ),
        ),
        P::Eku { at: i, required } => (
            ChainKind::Eku,
            format!(
                "intermediate {} restricts its EKU to [{}], without {}: Windows and webpki apply \
                 intermediate EKUs to the leaf",
                named(*i),
                at(*i)
                    .and_then(|n| n.cert.extended_key_usage.as_ref())
                    .map(|e| e.describe())
                    .unwrap_or_default(),
                crate::oids::eku_name(required).unwrap_or(required)
            ),
        ),
        P::Malformed { at: i, what } => (
            ChainKind::Invalid,
            format!("{} cannot be validated: {what}", named(*i)),
        ),
        P::TooLong => (
            ChainKind::Invalid,
            format!(
                "no path within {} intermediate certificates reaches a trust anchor: {}",
                path::MAX_INTERMEDIATES,
                describe_path(path, false)
            ),
        ),
        P::Budget => (
            ChainKind::Invalid,
            format!(
                "path building gave up (more than {} candidate issuers or {} signatures): the \
                 pool holds many certificates with the same names",
                path::MAX_STEPS,
                path::MAX_SIGNATURES
            ),
        ),
    }
}

/// Why the issuer of the certificate at `at` was not found.
fn missing_issuer(
    path: &[Node<'_>],
    at: usize,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
) -> (ChainKind, String) {
    let Some(last) = path.get(at) else {
        return (ChainKind::Invalid, String::new());
    };
    let aki = last
        .cert
        .authority_key_id
        .as_ref()
        .and_then(|a| a.key_id.clone())
        .map(|k| format!(" with key id {k}"))
        .unwrap_or_default();
    let hint = last
        .cert
        .authority_info_access
        .as_ref()
        .and_then(|a| a.ca_issuers.first())
        .map(|u| format!("; its AIA says the issuer is at {u}"))
        .unwrap_or_default();
    // Same name, other key: the certificate of another key of that CA (a
    // re-keyed CA) or of another CA with the same name.
    let namesakes: Vec<String> = pool
        .iter()
        .chain(anchors.iter())
        .filter(|n| n.cert.subject.matches(&last.cert.issuer))
        .filter(|n| n.cert.sha256 != last.cert.sha256)
        .map(|n| {
            format!(
                "{} ({}, key id {})",
                n.name(),
                n.origin.describe(),
                n.cert.subject_key_id.as_deref().unwrap_or("none")
            )
        })
        .collect();
    if !namesakes.is_empty() {
        return (
            ChainKind::IssuerMissing,
            format!(
                "{} was issued by '{}'{aki}, but the only certificates with that name have another \
                 key: {}; the issuing CA's certificate for the right key is missing (a re-keyed \
                 CA, or a different CA with the same name)",
                last.name(),
                last.cert.issuer.text,
                namesakes.join(", ")
            ),
        );
    }
    (
        ChainKind::IssuerMissing,
        format!(
            "the issuer of {}, '{}'{aki}, is not among the certificates sent, --untrusted or the \
             trust anchors{hint}",
            last.name(),
            last.cert.issuer.text
        ),
    )
}

/// A signature of the path that verified only with a legacy algorithm.
fn legacy_finding(report: &mut ChainReport, path: &[Node<'_>], at: usize, why: &Legacy) {
    let (Some(child), Some(issuer)) = (path.get(at), path.get(at + 1)) else {
        return;
    };
    report.add(
        ChainKind::LegacySignature,
        format!(
            "the signature on {} by {} verifies only with {why}: IOS accepts it, rustls-webpki \
             and current Windows/macOS policies do not; re-issue it with SHA-256 and a key of \
             at least 2048 bits (RSA) or P-256 (ECDSA)",
            child.name(),
            issuer.name()
        ),
    );
}

/// What RFC 5280 path validation does not check on a valid path, but
/// peers do or operators want to know.
fn after_verification(report: &mut ChainReport, path: &[Node<'_>], opts: &ChainOptions<'_>) {
    let Some(leaf) = path.first() else {
        return;
    };
    let t = opts.time;
    for n in path.iter().skip(1) {
        let c = n.cert;
        let what = if n.origin.is_anchor() {
            "trust anchor"
        } else {
            "CA"
        };
        if n.origin.is_anchor() && t > c.not_after {
            report.add(
                ChainKind::AnchorExpired,
                format!(
                    "trust anchor {} expired {}: RFC 5280 path validation ignores a trust \
                     anchor's validity, but IOS and Windows reject chains to an expired root",
                    n.name(),
                    ts(c.not_after)
                ),
            );
            continue;
        }
        if c.not_after < leaf.cert.not_after && c.not_after >= t {
            report.add(
                ChainKind::CaExpiresFirst,
                format!(
                    "{what} {} expires {}, {} before the leaf ({}): the leaf stops validating \
                     then",
                    n.name(),
                    ts(c.not_after),
                    crate::time::format::span(c.not_after, leaf.cert.not_after),
                    ts(leaf.cert.not_after)
                ),
            );
        }
        let limit = t + chrono::Duration::days(opts.warn_days);
        if c.not_after >= t && c.not_after <= limit {
            report.add(
                ChainKind::CaExpiring,
                format!(
                    "{what} {} expires {}, in {} (within --warn-days {})",
                    n.name(),
                    ts(c.not_after),
                    crate::time::format::span(t, c.not_after),
                    opts.warn_days
                ),
            );
        }
    }
}

/// Compare the chain the input sends with the path that verified.
fn sent_chain(report: &mut ChainReport, input: &ChainInput<'_>, path: &[Node<'_>]) {
    let in_path = |c: &Certificate| path.iter().any(|n| n.cert.sha256 == c.sha256);
    let anchor = path.last();
    // Intermediates the path needs that the input does not send.
    let missing: Vec<String> = path
        .iter()
        .skip(1)
        .filter(|n| n.origin == Origin::Untrusted)
        .map(|n| format!("{} ({})", n.name(), n.source))
        .collect();
    if !missing.is_empty() {
        let sent: Vec<String> = input
            .sent
            .iter()
            .map(|(c, _)| format!("'{}'", c.subject.text))
            .collect();
        report.add(
            ChainKind::SentIncomplete,
            format!(
                "the path needs {} but the input sends {}: peers that do not already hold \
                 the intermediate (IOS trustpoints usually hold only the root) cannot build \
                 the chain",
                missing.join(", "),
                if sent.is_empty() {
                    "only the leaf".to_string()
                } else {
                    sent.join(", ")
                }
            ),
        );
    }
    for (cert, source) in &input.sent {
        // Related: in the path, a copy of a path certificate, or the issuer
        // of one (a root sent above an intermediate that is itself trusted).
        let related = in_path(cert)
            || path.iter().any(|n| {
                same_key_and_name(n.cert, cert)
                    || (n.cert.sha256 != cert.sha256 && names_issuer(n.cert, cert))
            });
        if related {
            continue;
        }
        report.add(
            ChainKind::SentUnrelated,
            format!(
                "'{}' ({source}) is sent but is not part of the path",
                cert.subject.text
            ),
        );
    }
    if let Some(a) = anchor {
        if let Some((_, source)) = input
            .sent
            .iter()
            .find(|(c, _)| same_key_and_name(c, a.cert))
        {
            report.add(
                ChainKind::SentRoot,
                format!(
                    "the input sends the root {} ({source}); peers must already trust it, so \
                     sending it only makes the IKE_AUTH message larger (fragmentation)",
                    a.name()
                ),
            );
        }
    }
    // Order: leaf first, then each certificate followed by its issuer.
    let mut positions: Vec<(usize, usize)> = Vec::new(); // (path position, input position)
    for (k, n) in path.iter().enumerate().skip(1) {
        if let Some(i) = input
            .sent
            .iter()
            .position(|(c, _)| c.sha256 == n.cert.sha256 || same_key_and_name(c, n.cert))
        {
            positions.push((k, input.sent_positions.get(i).copied().unwrap_or(0)));
        }
    }
    let leaf_first = input
        .sent_positions
        .iter()
        .all(|p| *p > input.leaf_position);
    let ordered = positions.windows(2).all(|w| w[0].1 < w[1].1);
    if !leaf_first || !ordered {
        let order: Vec<String> = path.iter().map(|n| n.name()).collect();
        report.add(
            ChainKind::SentOrder,
            format!(
                "the input is not in path order ({}); send the leaf first, then each \
                 certificate's issuer: {}",
                if leaf_first {
                    "an issuer comes before the certificate it issued"
                } else {
                    "the leaf is not first"
                },
                order.join(" → ")
            ),
        );
    }
}

/// Match the peer's CERTREQ (SHA-1 SPKI hashes) against the path and the
/// local certificates.
fn certreq(
    report: &mut ChainReport,
    path: &[Node<'_>],
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    opts: &ChainOptions<'_>,
) {
    let Some(hashes) = opts.certreq else {
        return;
    };
    // An empty CERTREQ is legal (RFC 7296 §3.7): any CA will do.
    if hashes.is_empty() {
        return;
    }
    let known = |h: &str| -> Option<String> {
        anchors
            .iter()
            .chain(pool.iter())
            .chain(path.iter())
            .find(|n| n.cert.spki_sha1 == h)
            .map(|n| n.name())
    };
    let named: Vec<String> = hashes
        .iter()
        .map(|h| match known(h) {
            Some(name) => format!("{name} ({h})"),
            None => format!("unknown CA ({h})"),
        })
        .collect();
    let cas: Vec<&Node<'_>> = path.iter().skip(1).collect();
    let hit = cas.iter().find(|n| hashes.contains(&n.cert.spki_sha1));
    match hit {
        Some(n) => report.add(
            ChainKind::CertreqMatch,
            format!(
                "the peer's CERTREQ asks for {}; this chain reaches {} ({})",
                named.join(", "),
                n.name(),
                n.cert.spki_sha1
            ),
        ),
        None => {
            let ours: Vec<String> = cas
                .iter()
                .map(|n| format!("{} ({})", n.name(), n.cert.spki_sha1))
                .collect();
            report.add(
                ChainKind::CertreqMismatch,
                format!(
                    "the peer's CERTREQ asks for {}; none is a CA of this chain [{}]: the \
                     peer does not trust the issuer, or the initiator picks another trustpoint",
                    if named.is_empty() {
                        "nothing (empty CERTREQ)".to_string()
                    } else {
                        named.join(", ")
                    },
                    if ours.is_empty() {
                        "no CA found".to_string()
                    } else {
                        ours.join(", ")
                    }
                ),
            )
        }
    }
}

/// Parse `--certreq`: 40-hex-digit SHA-1 hashes, separated by commas or white
/// space, with optional `:` or ` ` between bytes, or one run of 40×N digits
/// as a CERTREQ payload body carries them.
pub fn parse_certreq(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in text.split([',', ';', '\n']) {
        let hex: String = part
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect::<String>()
            .to_ascii_lowercase();
        let hex = hex.strip_prefix("0x").unwrap_or(&hex).to_string();
        if hex.is_empty() {
            continue;
        }
        if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(format!("'{part}' has {bad:?}, not a hex digit"));
        }
        if !hex.len().is_multiple_of(40) {
            return Err(format!(
                "'{}' is {} hex digits; a CERTREQ entry is a 20-byte SHA-1 (40 digits)",
                part.trim(),
                hex.len()
            ));
        }
        for i in (0..hex.len()).step_by(40) {
            out.push(hex[i..i + 40].to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certreq_parsing() {
        let a = "aa".repeat(20);
        let b = "0B".repeat(20);
        assert_eq!(
            parse_certreq(&format!("{a},{b}")).unwrap(),
            vec![a.clone(), b.to_lowercase()]
        );
        assert_eq!(parse_certreq(&format!("{a}{b}")).unwrap().len(), 2);
        let colons = a
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(parse_certreq(&colons).unwrap(), vec![a.clone()]);
        assert!(parse_certreq("abc").is_err());
        assert!(parse_certreq(&"zz".repeat(20)).is_err());
    }
}
