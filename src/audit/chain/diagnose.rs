//! Per-hop findings: why a path failed (`explain`), which signatures are
//! legacy, and what RFC 5280 does not check on a valid path but peers do.

use super::build::describe_path;
use super::{ChainKind, ChainOptions, ChainReport, Node, Origin};
use crate::audit::path::{self, signature, signature::Legacy};
use crate::time::format::ts;

/// One problem of the path, as a chain finding.
pub(super) fn explain(
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
pub(super) fn legacy_finding(report: &mut ChainReport, path: &[Node<'_>], at: usize, why: &Legacy) {
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
pub(super) fn after_verification(
    report: &mut ChainReport,
    path: &[Node<'_>],
    opts: &ChainOptions<'_>,
) {
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
