//! The second opinion: rustls-webpki verifies the path too, and its
//! error is put into words.

use chrono::{DateTime, Utc};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use std::time::Duration;

use super::{algorithms, Node};
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
pub(super) fn webpki_words(e: &webpki::Error) -> String {
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
