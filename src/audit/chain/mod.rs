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

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use serde::Serialize;

use crate::audit::rules::chain as ids;
use crate::model::{Certificate, KeyInfo, KeyUsageBit, SigHash};
use crate::oids;

/// The most paths the diagnostic path builder looks at, and its depth.
const MAX_PATHS: usize = 32;
const MAX_DEPTH: usize = 8;
const MAX_STEPS: usize = 1_000;

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
    fn is_anchor(self) -> bool {
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

/// A certificate from the trust store or the untrusted pool, with where it
/// was read.
#[derive(Debug, Clone)]
pub struct PoolCert {
    pub cert: Certificate,
    pub source: String,
}

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

    fn name(self) -> &'static str {
        match self {
            EkuPolicy::Any => "any",
            EkuPolicy::ServerAuth => "serverAuth",
            EkuPolicy::ClientAuth => "clientAuth",
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
    /// DER CRLs handed to webpki (the conformance suite uses them).
    pub crls: &'a [Vec<u8>],
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
    /// Findings by rule id (see `rules::chain`), with their messages.
    #[serde(skip)]
    pub findings: Vec<(&'static str, String)>,
}

impl ChainReport {
    pub fn messages(&self, rule_id: &str) -> Vec<String> {
        self.findings
            .iter()
            .filter(|(id, _)| *id == rule_id)
            .map(|(_, m)| m.clone())
            .collect()
    }

    fn add(&mut self, id: &'static str, message: String) {
        self.findings.push((id, message));
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

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn unix(t: DateTime<Utc>) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(t.timestamp().max(0) as u64))
}

/// Check the chain of one end-entity certificate.
pub fn analyze(input: &ChainInput<'_>, store: &TrustStore, opts: &ChainOptions<'_>) -> ChainReport {
    let mut nodes: Vec<Node<'_>> = Vec::new();
    let leaf = Node {
        cert: input.leaf,
        origin: Origin::Leaf,
        source: input.leaf_source,
    };
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

    let paths = candidate_paths(leaf, &nodes, &anchors);
    let best = best_path(&paths, leaf);
    let mut report = ChainReport {
        status: Status::NotVerified,
        path: best.nodes.iter().map(Node::hop).collect(),
        webpki_verified: false,
        webpki_error: None,
        findings: Vec::new(),
    };

    if anchors.is_empty() {
        report.add(
            ids::NOT_VERIFIED,
            format!(
                "no trust anchors given (--trust, --system-trust, --config trustpoint): the chain \
                 was not verified; \
                 built from names and key identifiers: {}",
                describe_path(&best.nodes, best.complete)
            ),
        );
        certreq(&mut report, &best.nodes, &nodes, &anchors, opts);
        return report;
    }

    let verdict = verify(input.leaf, &nodes, &anchors, opts);
    match verdict {
        Ok(v) => {
            report.status = if v.legacy {
                Status::VerifiedLegacy
            } else {
                Status::Verified
            };
            let path: Vec<Node<'_>> = std::iter::once(leaf)
                .chain(v.intermediates.iter().map(|&i| nodes[i]))
                .chain(std::iter::once(anchors[v.anchor]))
                .collect();
            report.path = path.iter().map(Node::hop).collect();
            let when = match v.at {
                Some(t) => format!(
                    " as of {} (the leaf is outside its validity window at the audit time)",
                    ts(t)
                ),
                None => String::new(),
            };
            report.add(
                ids::VERIFIED,
                format!(
                    "verified by rustls-webpki{when}: {}",
                    describe_path(&path, true)
                ),
            );
            if v.legacy {
                legacy_findings(&mut report, &path);
            }
            report.webpki_verified = true;
            after_verification(&mut report, &path, opts);
            // What webpki leaves out but peers check fails the path too.
            if report
                .findings
                .iter()
                .any(|(id, _)| [ids::CA_KEY_CERT_SIGN, ids::ANCHOR_EXPIRED].contains(id))
            {
                report.status = Status::Failed;
            }
            sent_chain(&mut report, input, &path);
            certreq(&mut report, &path, &nodes, &anchors, opts);
        }
        Err(failure) => {
            report.status = Status::Failed;
            report.webpki_error = Some(webpki_text(&failure.error));
            explain_failure(&mut report, &failure, &best, &nodes, &anchors, opts);
            certreq(&mut report, &best.nodes, &nodes, &anchors, opts);
        }
    }
    report
}

/// A path found by names and key identifiers (not yet verified).
#[derive(Debug, Clone)]
struct Candidate<'a> {
    nodes: Vec<Node<'a>>,
    /// Ends at a trust anchor.
    complete: bool,
}

/// Does `issuer` look like the issuer of `child`: same name, and key
/// identifiers that agree when both are present.
fn names_issuer(child: &Certificate, issuer: &Certificate) -> bool {
    child.issuer.raw == issuer.subject.raw && key_ids_agree(child, issuer)
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

fn candidate_paths<'a>(
    leaf: Node<'a>,
    pool: &[Node<'a>],
    anchors: &[Node<'a>],
) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    let mut path = vec![leaf];
    let mut steps = 0;
    extend(&mut path, pool, anchors, &mut out, &mut steps);
    out
}

fn extend<'a>(
    path: &mut Vec<Node<'a>>,
    pool: &[Node<'a>],
    anchors: &[Node<'a>],
    out: &mut Vec<Candidate<'a>>,
    steps: &mut usize,
) {
    *steps += 1;
    if out.len() >= MAX_PATHS || *steps > MAX_STEPS {
        return;
    }
    let Some(last) = path.last().copied() else {
        return;
    };
    // An anchor whose subject (and key id) names the last issuer ends the
    // path; so does the last certificate being an anchor itself.
    let mut ended = false;
    for a in anchors {
        if names_issuer(last.cert, a.cert) {
            if a.cert.sha256 == last.cert.sha256 {
                continue;
            }
            path.push(*a);
            out.push(Candidate {
                nodes: path.clone(),
                complete: true,
            });
            path.pop();
            ended = true;
        }
    }
    if anchors
        .iter()
        .any(|a| a.cert.sha256 == last.cert.sha256 || same_key_and_name(a.cert, last.cert))
        && path.len() > 1
    {
        // The last certificate is itself trusted (e.g. a sent root).
        let mut complete = path.clone();
        if let Some(n) = complete.last_mut() {
            if let Some(a) = anchors.iter().find(|a| same_key_and_name(a.cert, n.cert)) {
                *n = *a;
            }
        }
        out.push(Candidate {
            nodes: complete,
            complete: true,
        });
        return;
    }
    if ended {
        return;
    }
    let unused = |n: &&Node<'a>| !path.iter().any(|p| p.cert.sha256 == n.cert.sha256);
    let mut issuers: Vec<Node<'a>> = pool
        .iter()
        .filter(|n| names_issuer(last.cert, n.cert))
        .filter(unused)
        .copied()
        .collect();
    if issuers.is_empty() && !(last.cert.self_issued && path.len() > 1) {
        // Nothing with the right name and key id: follow certificates with
        // the right name only (another key of the CA, often an old
        // certificate still bundled), so the diagnosis can name them.
        issuers = pool
            .iter()
            .chain(anchors.iter())
            .filter(|n| n.cert.subject.raw == last.cert.issuer.raw)
            .filter(unused)
            .copied()
            .collect();
    }
    if issuers.is_empty() || path.len() >= MAX_DEPTH || last.cert.self_issued && path.len() > 1 {
        out.push(Candidate {
            nodes: path.clone(),
            complete: false,
        });
        return;
    }
    for issuer in issuers {
        path.push(issuer);
        if issuer.origin.is_anchor() {
            out.push(Candidate {
                nodes: path.clone(),
                complete: true,
            });
        } else {
            extend(path, pool, anchors, out, steps);
        }
        path.pop();
    }
}

fn same_key_and_name(a: &Certificate, b: &Certificate) -> bool {
    a.subject.raw == b.subject.raw && a.spki_sha1 == b.spki_sha1
}

/// The path to explain: the first complete one, else the longest.
fn best_path<'a>(paths: &[Candidate<'a>], leaf: Node<'a>) -> Candidate<'a> {
    paths
        .iter()
        .find(|p| p.complete)
        .or_else(|| paths.iter().max_by_key(|p| p.nodes.len()))
        .cloned()
        .unwrap_or(Candidate {
            nodes: vec![leaf],
            complete: false,
        })
}

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
            Some(n) if n.cert.self_issued && nodes.len() > 1 => {
                parts.push("(self-signed, not a trust anchor)".into())
            }
            Some(n) => parts.push(format!("? (issuer '{}' not found)", n.cert.issuer.text)),
            None => {}
        }
    }
    parts.join(" → ")
}

/// A path webpki verified: indices into the pool and the anchor list.
struct Verified {
    intermediates: Vec<usize>,
    anchor: usize,
    legacy: bool,
    /// Set when the path was verified at another time than the audit time
    /// because the leaf itself is outside its window.
    at: Option<DateTime<Utc>>,
}

struct Failure {
    error: webpki::Error,
    /// The failure remains when only algorithms are relaxed: true when the
    /// error came from the legacy pass.
    legacy_tried: bool,
}

#[allow(deprecated)] // the context-free variants, should a code path still make them
fn is_algorithm_error(e: &webpki::Error) -> bool {
    use webpki::Error as E;
    matches!(
        e,
        E::UnsupportedSignatureAlgorithm
            | E::UnsupportedSignatureAlgorithmContext(_)
            | E::UnsupportedSignatureAlgorithmForPublicKey
            | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
            | E::InvalidSignatureForPublicKey
    )
}

fn is_time_error(e: &webpki::Error) -> bool {
    matches!(
        e,
        webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. }
    )
}

fn verify(
    leaf: &Certificate,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    opts: &ChainOptions<'_>,
) -> Result<Verified, Failure> {
    let strict = run_webpki(leaf, pool, anchors, opts, opts.time, algorithms::strict());
    let (result, legacy) = match strict {
        Err(e) if is_algorithm_error(&e) => (
            run_webpki(
                leaf,
                pool,
                anchors,
                opts,
                opts.time,
                algorithms::with_legacy(),
            ),
            true,
        ),
        other => (other, false),
    };
    match result {
        Ok((intermediates, anchor)) => Ok(Verified {
            intermediates,
            anchor,
            legacy,
            at: None,
        }),
        // The leaf alone outside its window is the validity rules' finding:
        // verify the rest of the chain inside the leaf's window.
        Err(e) if is_time_error(&e) && only_leaf_out_of_window(leaf, pool, anchors, opts) => {
            let at = leaf.not_before.max(opts.time.min(leaf.not_after));
            let algs = if legacy {
                algorithms::with_legacy()
            } else {
                algorithms::strict()
            };
            match run_webpki(leaf, pool, anchors, opts, at, algs) {
                Ok((intermediates, anchor)) => Ok(Verified {
                    intermediates,
                    anchor,
                    legacy,
                    at: Some(at),
                }),
                Err(error) => Err(Failure {
                    error,
                    legacy_tried: legacy,
                }),
            }
        }
        Err(error) => Err(Failure {
            error,
            legacy_tried: legacy,
        }),
    }
}

fn only_leaf_out_of_window(
    leaf: &Certificate,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    opts: &ChainOptions<'_>,
) -> bool {
    let t = opts.time;
    let leaf_out = t < leaf.not_before || t > leaf.not_after;
    if !leaf_out {
        return false;
    }
    // If every candidate issuer is in its window, the time error is the leaf's.
    let issuers_ok = pool
        .iter()
        .chain(anchors.iter())
        .filter(|n| n.cert.subject.raw == leaf.issuer.raw)
        .all(|n| n.origin.is_anchor() || (n.cert.not_before <= t && t <= n.cert.not_after));
    issuers_ok
}

/// Run webpki; on success return the pool indices of the intermediates and
/// the index of the anchor.
fn run_webpki(
    leaf: &Certificate,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    opts: &ChainOptions<'_>,
    time: DateTime<Utc>,
    algs: &[&dyn SignatureVerificationAlgorithm],
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
    let owned_crls: Vec<webpki::CertRevocationList<'_>> = opts
        .crls
        .iter()
        .filter_map(|der| webpki::OwnedCertRevocationList::from_der(der).ok())
        .map(webpki::CertRevocationList::from)
        .collect();
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = owned_crls.iter().collect();
    let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|b| b.build());
    let path = match opts.eku {
        EkuPolicy::Any => ee.verify_for_usage(
            algs,
            &trust_anchors,
            &intermediates,
            unix(time),
            AnyPurpose,
            revocation,
            None,
        ),
        EkuPolicy::ServerAuth => ee.verify_for_usage(
            algs,
            &trust_anchors,
            &intermediates,
            unix(time),
            webpki::KeyUsage::server_auth(),
            revocation,
            None,
        ),
        EkuPolicy::ClientAuth => ee.verify_for_usage(
            algs,
            &trust_anchors,
            &intermediates,
            unix(time),
            webpki::KeyUsage::client_auth(),
            revocation,
            None,
        ),
    }?;
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

/// Verify `child`'s signature with `issuer`'s key (ring, through x509-parser;
/// RSA keys under 2048 bits through ring's legacy algorithms).
fn signature_ok(child: &Certificate, issuer: &Certificate) -> Option<bool> {
    use x509_parser::prelude::FromDer;
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(&child.der).ok()?;
    let (_, i) = x509_parser::certificate::X509Certificate::from_der(&issuer.der).ok()?;
    match c.verify_signature(Some(i.public_key())) {
        Ok(()) => Some(true),
        Err(x509_parser::error::X509Error::SignatureVerificationError) => {
            if let KeyInfo::Rsa { bits } = issuer.key {
                if bits < 2048 {
                    let alg: &ring::signature::RsaParameters = match child.signature_algorithm.hash
                    {
                        SigHash::Sha1 => {
                            &ring::signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
                        }
                        SigHash::Sha256 => {
                            &ring::signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
                        }
                        SigHash::Sha512 => {
                            &ring::signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
                        }
                        _ => return None,
                    };
                    let key = ring::signature::UnparsedPublicKey::new(
                        alg,
                        &i.public_key().subject_public_key.data,
                    );
                    return Some(
                        key.verify(c.tbs_certificate.as_ref(), &c.signature_value.data)
                            .is_ok(),
                    );
                }
            }
            Some(false)
        }
        Err(_) => None,
    }
}

/// A problem found on one hop of a candidate path.
struct HopProblem {
    rule: &'static str,
    message: String,
}

/// Check every hop of a candidate path as a validator would, to say which
/// certificate breaks it.
fn hop_problems(path: &[Node<'_>], opts: &ChainOptions<'_>) -> Vec<HopProblem> {
    let mut out = Vec::new();
    let t = opts.time;
    let mut cas_below = 0usize; // non-self-issued intermediates between this CA and the leaf
    for (i, pair) in path.windows(2).enumerate() {
        let (child, issuer) = (pair[0], pair[1]);
        match signature_ok(child.cert, issuer.cert) {
            Some(false) => {
                let ids = match (
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
                out.push(HopProblem {
                    rule: ids::SIGNATURE_INVALID,
                    message: format!(
                        "the signature on {} does not verify with the key of {} ({}): same \
                         name, different key (a re-keyed CA whose current certificate is \
                         missing, or a different CA with the same name){ids}",
                        child.name(),
                        issuer.name(),
                        issuer.origin.describe()
                    ),
                })
            }
            None => out.push(HopProblem {
                rule: ids::SIGNATURE_UNSUPPORTED,
                message: format!(
                    "the signature on {} ({}) cannot be verified: algorithm not supported",
                    child.name(),
                    child.cert.signature_algorithm.name
                ),
            }),
            Some(true) => {}
        }
        if i > 0 && !child.cert.self_issued {
            cas_below += 1;
        }
        // A self-signed certificate trusted as itself (pinned): it is not
        // acting as a CA for anything else.
        if issuer.cert.sha256 == child.cert.sha256 {
            continue;
        }
        let is_anchor = issuer.origin.is_anchor();
        let c = issuer.cert;
        if !is_anchor && (t < c.not_before || t > c.not_after) {
            out.push(HopProblem {
                rule: ids::CA_EXPIRED,
                message: if t > c.not_after {
                    format!(
                        "CA {} ({}) expired {}: every certificate under it fails",
                        issuer.name(),
                        issuer.origin.describe(),
                        ts(c.not_after)
                    )
                } else {
                    format!(
                        "CA {} ({}) is not valid until {}",
                        issuer.name(),
                        issuer.origin.describe(),
                        ts(c.not_before)
                    )
                },
            });
        }
        let v1_anchor = is_anchor && c.version == 1;
        if !c.asserts_ca() && !v1_anchor {
            out.push(HopProblem {
                rule: ids::CA_NOT_CA,
                message: format!(
                    "{} ({}) issues {} but is not a CA: {}",
                    issuer.name(),
                    issuer.origin.describe(),
                    child.name(),
                    if c.basic_constraints.is_some() {
                        "basicConstraints cA=FALSE"
                    } else {
                        "no basicConstraints extension"
                    }
                ),
            });
        }
        if let Some(ku) = c.key_usage {
            if !ku.has(KeyUsageBit::KeyCertSign) {
                out.push(HopProblem {
                    rule: ids::CA_KEY_CERT_SIGN,
                    message: format!(
                        "CA {} ({}) has Key Usage [{}] without keyCertSign, so it may not sign {}",
                        issuer.name(),
                        issuer.origin.describe(),
                        ku.names().join(", "),
                        child.name()
                    ),
                });
            }
        }
        if let Some(limit) = c.basic_constraints.and_then(|bc| bc.path_len) {
            if cas_below > limit as usize {
                out.push(HopProblem {
                    rule: ids::PATH_LEN,
                    message: format!(
                        "CA {} has pathLenConstraint {limit} but {cas_below} intermediate CA(s) \
                         follow it in the path",
                        issuer.name()
                    ),
                });
            }
        }
        if let Some(oid) = opts.eku.oid() {
            if !is_anchor {
                if let Some(eku) = &c.extended_key_usage {
                    if !eku.contains(oid) {
                        out.push(HopProblem {
                            rule: ids::EKU,
                            message: format!(
                                "intermediate {} restricts its EKU to [{}], without {}: \
                                 Windows and webpki apply intermediate EKUs to the leaf",
                                issuer.name(),
                                eku.describe(),
                                opts.eku.name()
                            ),
                        });
                    }
                }
            }
        }
    }
    if let (Some(oid), Some(leaf)) = (opts.eku.oid(), path.first()) {
        if let Some(eku) = &leaf.cert.extended_key_usage {
            if !eku.contains(oid) {
                out.push(HopProblem {
                    rule: ids::EKU,
                    message: format!(
                        "the leaf's EKU is [{}], without {}",
                        eku.describe(),
                        opts.eku.name()
                    ),
                });
            }
        }
    }
    out
}

#[allow(deprecated)]
fn explain_failure(
    report: &mut ChainReport,
    failure: &Failure,
    best: &Candidate<'_>,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    opts: &ChainOptions<'_>,
) {
    use webpki::Error as E;
    let problems = if best.nodes.len() > 1 {
        hop_problems(&best.nodes, opts)
    } else {
        Vec::new()
    };
    let from_hops = |rule: &str| -> Vec<String> {
        problems
            .iter()
            .filter(|p| p.rule == rule)
            .map(|p| p.message.clone())
            .collect()
    };
    let webpki_text = webpki_text(&failure.error);
    let (rule, mut messages): (&'static str, Vec<String>) = match &failure.error {
        E::UnknownIssuer => {
            let hops = hop_problems_rule_first(&problems);
            if let Some((rule, msgs)) = hops {
                (rule, msgs)
            } else if best.complete {
                (
                    ids::INVALID,
                    vec![format!(
                        "no path verifies, although {} looks complete",
                        describe_path(&best.nodes, true)
                    )],
                )
            } else {
                missing_issuer(best, pool, anchors)
            }
        }
        E::CertExpired { .. } | E::CertNotValidYet { .. } => {
            (ids::CA_EXPIRED, from_hops(ids::CA_EXPIRED))
        }
        E::InvalidSignatureForPublicKey => {
            let hops = from_hops(ids::SIGNATURE_INVALID);
            if hops.is_empty() {
                // webpki tried a certificate with the right name and the
                // wrong key, which the AKI/SKI-aware builder skipped.
                (
                    ids::SIGNATURE_INVALID,
                    missing_issuer(best, pool, anchors).1,
                )
            } else {
                (ids::SIGNATURE_INVALID, hops)
            }
        }
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => (
            ids::SIGNATURE_UNSUPPORTED,
            vec![format!(
                "a signature in the path uses an algorithm no supported validator accepts \
                 ({}): {}",
                if failure.legacy_tried {
                    "not even with SHA-1 and RSA-1024 allowed"
                } else {
                    "webpki"
                },
                unsupported_hops(&best.nodes)
            )],
        ),
        E::EndEntityUsedAsCa => (ids::CA_NOT_CA, from_hops(ids::CA_NOT_CA)),
        E::CaUsedAsEndEntity => (
            ids::LEAF_IS_CA,
            vec![
                "the end-entity certificate has basicConstraints cA=TRUE: strict validators \
                 refuse a CA certificate as a peer's identity"
                    .into(),
            ],
        ),
        E::PathLenConstraintViolated => (ids::PATH_LEN, from_hops(ids::PATH_LEN)),
        E::NameConstraintViolation => (
            ids::NAME_CONSTRAINTS,
            vec![format!(
                "the leaf's names are outside the name constraints of {}",
                constrained_cas(&best.nodes)
            )],
        ),
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) => {
            (ids::EKU, from_hops(ids::EKU))
        }
        E::UnsupportedCriticalExtension => (
            ids::INVALID,
            vec![
                "a certificate in the path has a critical extension webpki does not \
                  recognise"
                    .into(),
            ],
        ),
        E::MaximumPathDepthExceeded
        | E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded => (
            ids::INVALID,
            vec![
                "path building gave up: the path is too long or there are too many \
                  candidate issuers"
                    .into(),
            ],
        ),
        E::UnsupportedCertVersion => (
            ids::INVALID,
            vec!["a certificate in the path is not X.509 v3 (only trust anchors may be v1)".into()],
        ),
        E::CertRevoked => (
            ids::INVALID,
            vec!["a certificate in the path is revoked".into()],
        ),
        _ => (ids::INVALID, Vec::new()),
    };
    if messages.is_empty() {
        messages.push(format!(
            "no path to a trust anchor verifies: {}",
            describe_path(&best.nodes, best.complete)
        ));
    }
    for m in messages {
        report.add(rule, format!("{m} (webpki: {webpki_text})"));
    }
    // Problems of other kinds on the same path are worth knowing too.
    for p in problems.iter().filter(|p| p.rule != rule) {
        report.add(p.rule, p.message.clone());
    }
}

/// webpki's error for people: its name, with times as RFC 3339.
fn webpki_text(e: &webpki::Error) -> String {
    let at = |t: &UnixTime| {
        DateTime::<Utc>::from_timestamp(t.as_secs() as i64, 0)
            .map(ts)
            .unwrap_or_default()
    };
    match e {
        webpki::Error::CertExpired { time, not_after } => {
            format!("CertExpired: notAfter {} < {}", at(not_after), at(time))
        }
        webpki::Error::CertNotValidYet { time, not_before } => {
            format!(
                "CertNotValidYet: notBefore {} > {}",
                at(not_before),
                at(time)
            )
        }
        other => format!("{other:?}"),
    }
}

/// The first hop problem's rule with all its messages.
fn hop_problems_rule_first(problems: &[HopProblem]) -> Option<(&'static str, Vec<String>)> {
    let first = problems.first()?;
    Some((
        first.rule,
        problems
            .iter()
            .filter(|p| p.rule == first.rule)
            .map(|p| p.message.clone())
            .collect(),
    ))
}

fn missing_issuer(
    best: &Candidate<'_>,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
) -> (&'static str, Vec<String>) {
    let Some(last) = best.nodes.last() else {
        return (ids::INVALID, Vec::new());
    };
    if last.cert.self_issued && best.nodes.len() == 1 {
        return (
            ids::ANCHOR_MISSING,
            vec![format!(
                "the leaf {} is self-signed: no CA issued it, so a peer accepts it only if it trusts this very certificate (give it with --trust to check it that way)",
                last.name()
            )],
        );
    }
    if last.cert.self_issued && best.nodes.len() > 1 {
        return (
            ids::ANCHOR_MISSING,
            vec![format!(
                "the chain ends at {} ({}, self-signed), which is not a trust anchor: the peer \
                 must have it as a trusted CA (give it with --trust to check the rest)",
                last.name(),
                last.origin.describe()
            )],
        );
    }
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
        .filter(|n| n.cert.subject.raw == last.cert.issuer.raw)
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
            ids::ISSUER_MISSING,
            vec![format!(
                "{} was issued by '{}'{aki}, but the only certificates with that name have another key: {}; the issuing CA's certificate for the right key is missing (a re-keyed CA, or a different CA with the same name)",
                last.name(),
                last.cert.issuer.text,
                namesakes.join(", ")
            )],
        );
    }
    (
        ids::ISSUER_MISSING,
        vec![format!(
            "the issuer of {}, '{}'{aki}, is not among the certificates sent, --untrusted or \
             the trust anchors{hint}",
            last.name(),
            last.cert.issuer.text
        )],
    )
}

fn unsupported_hops(nodes: &[Node<'_>]) -> String {
    let list: Vec<String> = nodes
        .iter()
        .filter(|n| !n.origin.is_anchor())
        .map(|n| {
            format!(
                "{} signed with {}",
                n.name(),
                n.cert.signature_algorithm.name
            )
        })
        .collect();
    list.join(", ")
}

fn constrained_cas(nodes: &[Node<'_>]) -> String {
    let list: Vec<String> = nodes
        .iter()
        .filter(|n| n.cert.has_name_constraints)
        .map(|n| n.name())
        .collect();
    if list.is_empty() {
        "a CA in the path".into()
    } else {
        list.join(", ")
    }
}

/// Which hops needed the legacy algorithms.
fn legacy_findings(report: &mut ChainReport, path: &[Node<'_>]) {
    for pair in path.windows(2) {
        let (child, issuer) = (pair[0], pair[1]);
        let sha1 = child.cert.signature_algorithm.hash == SigHash::Sha1;
        let small = matches!(issuer.cert.key, KeyInfo::Rsa { bits } if bits < 2048);
        if sha1 || small {
            let mut why = Vec::new();
            if sha1 {
                why.push(format!(
                    "is signed with {}",
                    child.cert.signature_algorithm.name
                ));
            }
            if small {
                if let KeyInfo::Rsa { bits } = issuer.cert.key {
                    why.push(format!("is signed by an RSA-{bits} key"));
                }
            }
            report.add(
                ids::LEGACY,
                format!(
                    "{} {}: the path verifies only with legacy algorithms; IOS accepts it, \
                     rustls-webpki and current Windows/macOS policies do not",
                    child.name(),
                    why.join(" and ")
                ),
            );
        }
    }
}

/// What webpki does not check on a verified path.
fn after_verification(report: &mut ChainReport, path: &[Node<'_>], opts: &ChainOptions<'_>) {
    let Some(leaf) = path.first() else {
        return;
    };
    for p in hop_problems(path, opts)
        .into_iter()
        .filter(|p| p.rule == ids::CA_KEY_CERT_SIGN)
    {
        report.add(p.rule, p.message);
    }
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
                ids::ANCHOR_EXPIRED,
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
                ids::CA_EXPIRES_FIRST,
                format!(
                    "{what} {} expires {}, {} before the leaf ({}): the leaf stops validating \
                     then",
                    n.name(),
                    ts(c.not_after),
                    crate::audit::rules::span(c.not_after, leaf.cert.not_after),
                    ts(leaf.cert.not_after)
                ),
            );
        }
        let limit = t + chrono::Duration::days(opts.warn_days);
        if c.not_after >= t && c.not_after <= limit {
            report.add(
                ids::CA_EXPIRING,
                format!(
                    "{what} {} expires {}, in {} (within --warn-days {})",
                    n.name(),
                    ts(c.not_after),
                    crate::audit::rules::span(t, c.not_after),
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
            ids::SENT_INCOMPLETE,
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
            ids::SENT_UNRELATED,
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
                ids::SENT_ROOT,
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
            ids::SENT_ORDER,
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
            ids::CERTREQ_MATCH,
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
                ids::CERTREQ_MISMATCH,
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
