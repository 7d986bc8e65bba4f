//! The second opinion: rustls-webpki verifies the path too, and its
//! error is put into words.

use chrono::{DateTime, Utc};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use std::time::Duration;

use super::{algorithms, Node};
use crate::audit::path::signature::memo::SigScope;
use crate::model::Certificate;
use crate::time::format::ts;

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

fn unix(t: DateTime<Utc>) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(t.timestamp().max(0) as u64))
}

/// Run webpki; on success return the pool indices of the intermediates and
/// the index of the anchor.
pub(super) fn run_webpki(
    leaf: &Certificate,
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    time: DateTime<Utc>,
    signatures: &SigScope<'_>,
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
    let memoised = algorithms::memoised(signatures);
    let algorithms: Vec<&dyn SignatureVerificationAlgorithm> = memoised
        .iter()
        .map(|a| a as &dyn SignatureVerificationAlgorithm)
        .collect();
    let path = ee.verify_for_usage(
        &algorithms,
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
/// stricter than RFC 5280. Every variant webpki has today is named (its
/// `Debug` form, with its context structs and byte lists, never reaches a
/// user); one added later gets a generic sentence with its bare name.
#[allow(deprecated)] // the context-free variants, should a code path still make them
pub(crate) fn webpki_words(e: &webpki::Error) -> String {
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
        E::InvalidCertValidity => "a certificate's notAfter is before its notBefore".into(),
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
        E::MalformedNameConstraint => "a name constraint of a CA is malformed".into(),
        E::InvalidNetworkMaskConstraint => "an iPAddress name constraint has a mask that is not \
                                            a prefix (it cannot be written in CIDR form)"
            .into(),
        E::MaximumNameConstraintComparisonsExceeded => {
            "name constraint checking gave up (too many names and constraints to compare)".into()
        }
        E::CertNotValidForName(ctx) => {
            let presented = if ctx.presented.is_empty() {
                "it has no DNS or IP address names".to_string()
            } else {
                format!("it is for {}", ctx.presented.join(", "))
            };
            format!(
                "the certificate is not valid for the name {}: {presented}",
                ctx.expected.to_str()
            )
        }
        E::MalformedDnsIdentifier => "a DNS name is malformed".into(),
        E::BadDer | E::BadDerTime | E::TrailingData(_) => "it cannot parse a certificate of the \
                                                           path (it cannot read validity dates \
                                                           before 1970, for one)"
            .into(),
        E::MalformedExtensions => "the extensions of a certificate are malformed (webpki also \
                                   expects DNS names in the subjectAltName)"
            .into(),
        E::ExtensionValueInvalid => {
            "an extension of a certificate has a value it cannot read".into()
        }
        E::InvalidSerialNumber => {
            "a serial number is malformed, negative or longer than 20 bytes".into()
        }
        E::UnsupportedCertVersion => {
            "a certificate is not X.509 v3 (only anchors may be v1)".into()
        }
        E::SignatureAlgorithmMismatch => "a certificate names different signature algorithms \
                                          inside (tbsCertificate) and outside its signed part"
            .into(),
        E::UnsupportedSignatureAlgorithm | E::UnsupportedSignatureAlgorithmForPublicKey => {
            "a signature algorithm it does not support (DSA, P-521, RSA-PSS with unusual \
             parameters)"
                .into()
        }
        E::UnsupportedSignatureAlgorithmContext(ctx) => format!(
            "a signature with {}, an algorithm it does not support",
            algorithm_words(&ctx.signature_algorithm_id)
        ),
        E::UnsupportedSignatureAlgorithmForPublicKeyContext(ctx) => format!(
            "a signature with {} from a key of type {}, a combination it does not support",
            algorithm_words(&ctx.signature_algorithm_id),
            algorithm_words(&ctx.public_key_algorithm_id)
        ),
        E::InvalidSignatureForPublicKey => "a signature does not verify with the issuer's key \
                                            (or that key is RSA under 1024 bits, which it \
                                            refuses)"
            .into(),
        E::UnsupportedCriticalExtension => "a critical extension it does not process".into(),
        E::EmptyEkuExtension => {
            "a certificate has an extended key usage extension that lists no purpose".into()
        }
        E::RequiredEkuNotFound => "an extended key usage restriction".into(),
        E::RequiredEkuNotFoundContext(ctx) => {
            let required = oid_words(&dotted(ctx.required.oid_values()));
            let present: Vec<String> = ctx
                .present
                .iter()
                .map(|oid| oid_words(&dotted(oid.iter().copied())))
                .collect();
            format!(
                "a certificate of the path does not allow the extended key usage {required}: {}",
                if present.is_empty() {
                    "it lists no purpose".to_string()
                } else {
                    format!("it lists only {}", present.join(", "))
                }
            )
        }
        E::MaximumPathDepthExceeded => "the path is longer than it allows (6 intermediates)".into(),
        E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded => {
            "path building gave up (too many candidate issuers)".into()
        }
        // Revocation: pkiaudit gives webpki no CRLs, so these name what a
        // CRL would have to be for webpki to use it.
        E::CertDistrusted => "a certificate's key is explicitly distrusted".into(),
        E::CertRevoked => "a certificate of the path is revoked".into(),
        E::UnknownRevocationStatus => {
            "the revocation status of a certificate of the path is unknown".into()
        }
        E::CrlExpired { time, next_update } => format!(
            "a CRL expired {} (its nextUpdate; checked at {})",
            at(next_update),
            at(time)
        ),
        E::InvalidCrlNumber => "a CRL number is malformed, negative or too long".into(),
        E::InvalidCrlSignatureForPublicKey => "a CRL signature does not verify".into(),
        E::IssuerNotCrlSigner => {
            "a CRL is signed by a certificate whose Key Usage lacks cRLSign".into()
        }
        E::UnsupportedCrlSignatureAlgorithm | E::UnsupportedCrlSignatureAlgorithmForPublicKey => {
            "a CRL signature algorithm it does not support".into()
        }
        E::UnsupportedCrlSignatureAlgorithmContext(ctx) => format!(
            "a CRL signature with {}, an algorithm it does not support",
            algorithm_words(&ctx.signature_algorithm_id)
        ),
        E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(ctx) => format!(
            "a CRL signature with {} from a key of type {}, a combination it does not support",
            algorithm_words(&ctx.signature_algorithm_id),
            algorithm_words(&ctx.public_key_algorithm_id)
        ),
        E::UnsupportedCrlIssuingDistributionPoint => "a CRL's issuing distribution point has no \
                                                      name, or a name relative to the issuer"
            .into(),
        E::UnsupportedCrlVersion => "a CRL is not X.509 v2".into(),
        E::UnsupportedDeltaCrl => "a delta CRL (webpki does not use them)".into(),
        E::UnsupportedIndirectCrl => "an indirect CRL (webpki does not use them)".into(),
        E::UnsupportedRevocationReason => {
            "a CRL entry has a revocation reason it does not know".into()
        }
        E::UnsupportedRevocationReasonsPartitioning => {
            "a CRL partitioned by revocation reasons (webpki does not use them)".into()
        }
        // `webpki::Error` is #[non_exhaustive]: a variant added after this
        // was written. Its name, never its Debug dump (context structs).
        other => {
            let debug = format!("{other:?}");
            let name: String = debug
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            format!("rustls-webpki rejected the path (reason not named: {name})")
        }
    }
}

/// OID arcs as dotted text.
fn dotted(arcs: impl Iterator<Item = usize>) -> String {
    arcs.map(|a| a.to_string()).collect::<Vec<_>>().join(".")
}

/// A key purpose by name and OID ("serverAuth (1.3.6.1.5.5.7.3.1)").
fn oid_words(oid: &str) -> String {
    match crate::oids::eku_name(oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

/// Public key and signature algorithms webpki reports that `oids` does not
/// name as signature algorithms.
const KEY_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.1", "RSA"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
    ("1.2.840.10045.2.1", "EC"),
    ("1.2.840.10040.4.1", "DSA"),
    ("1.3.101.112", "Ed25519"),
    ("1.3.101.113", "Ed448"),
];

/// An AlgorithmIdentifier as webpki hands it over (the DER contents of the
/// SEQUENCE: the OID, then the parameters), in words: its name and OID,
/// and for an EC key its curve.
fn algorithm_words(der: &[u8]) -> String {
    let Some((oid, rest)) = der_oid(der) else {
        return "an algorithm it cannot name".into();
    };
    let name = crate::oids::signature_algorithm(&oid)
        .map(|(n, _)| n)
        .or_else(|| {
            KEY_ALGORITHMS
                .iter()
                .find(|(o, _)| *o == oid)
                .map(|(_, n)| *n)
        });
    let curve = der_oid(rest).map(|(c, _)| match crate::oids::curve_name(&c) {
        Some(n) => n.to_string(),
        None => c,
    });
    match (name, curve) {
        (Some(n), Some(c)) if oid == "1.2.840.10045.2.1" => format!("{n} {c} ({oid})"),
        (Some(n), _) => format!("{n} ({oid})"),
        (None, _) => oid,
    }
}

/// The first element of `der` when it is an OBJECT IDENTIFIER (short-form
/// length, as every algorithm OID has): its dotted text and what follows.
fn der_oid(der: &[u8]) -> Option<(String, &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if tag != 0x06 || len >= 0x80 || rest.len() < usize::from(len) || len == 0 {
        return None;
    }
    let (body, rest) = rest.split_at(usize::from(len));
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in body {
        value = value.checked_mul(128)? | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(value);
            value = 0;
        }
    }
    if body.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let (&first, others) = arcs.split_first()?;
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut text = format!("{a}.{b}");
    for arc in others {
        text.push('.');
        text.push_str(&arc.to_string());
    }
    Some((text, rest))
}
