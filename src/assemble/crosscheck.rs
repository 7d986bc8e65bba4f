//! Cross-check a certificate with what a device's `show` output printed
//! about it. The full certificate wins; every field the output carries that
//! disagrees is reported (a wrong time zone, a different certificate with
//! the same issuer and serial, a stale paste).

use crate::model::partial::{Known, PartialCertificate};
use crate::model::{Certificate, Name};

fn folded(name: &Name) -> Vec<(String, String)> {
    name.rdns
        .iter()
        .flatten()
        .map(|(a, v)| (a.to_ascii_lowercase(), v.trim().to_lowercase()))
        .collect()
}

/// Every disagreement between `cert` (read from DER, `known` says what of
/// it is real) and the partial record `p`.
pub fn compare(cert: &Certificate, known: Known, p: &PartialCertificate) -> Vec<String> {
    let mut out = Vec::new();
    let v = &p.view;
    if let Some(sha1) = p.show.sha1.as_deref() {
        if known.der && !cert.sha1.is_empty() && sha1 != cert.sha1 {
            out.push(format!(
                "SHA-1 fingerprint printed {sha1}, the certificate's is {}: the device holds a \
                 different certificate with the same issuer and serial",
                cert.sha1
            ));
        }
    }
    if !v.subject.rdns.is_empty() && folded(&v.subject) != folded(&cert.subject) {
        out.push(format!(
            "subject printed `{}`, the certificate's is `{}`",
            v.subject.ios_text(),
            cert.subject.ios_text()
        ));
    }
    if !v.issuer.rdns.is_empty() && folded(&v.issuer) != folded(&cert.issuer) {
        out.push(format!(
            "issuer printed `{}`, the certificate's is `{}`",
            v.issuer.ios_text(),
            cert.issuer.ios_text()
        ));
    }
    if !v.serial.is_empty()
        && v.serial.trim_start_matches('0') != cert.serial.trim_start_matches('0')
    {
        out.push(format!(
            "serial printed {}, the certificate's is {}",
            v.serial, cert.serial
        ));
    }
    if p.known.validity && known.validity {
        for (what, printed, actual, raw) in [
            (
                "start date",
                v.not_before,
                cert.not_before,
                p.show.not_before.as_ref().map(|d| d.raw.as_str()),
            ),
            (
                "end date",
                v.not_after,
                cert.not_after,
                p.show.not_after.as_ref().map(|d| d.raw.as_str()),
            ),
        ] {
            if printed != actual {
                out.push(format!(
                    "{what} printed `{}` = {}, the certificate says {} ({} apart: is the time \
                     zone label's offset right? state it with --device-tz)",
                    raw.unwrap_or("?"),
                    printed.to_rfc3339(),
                    actual.to_rfc3339(),
                    crate::time::format::span(printed, actual)
                ));
            }
        }
    }
    if p.known.key && known.key && v.key != cert.key {
        out.push(format!(
            "key printed {}, the certificate's is {}",
            v.key, cert.key
        ));
    }
    if p.known.signature_algorithm
        && known.signature_algorithm
        && v.signature_algorithm.oid != cert.signature_algorithm.oid
    {
        out.push(format!(
            "signature algorithm printed {}, the certificate's is {}",
            v.signature_algorithm.name, cert.signature_algorithm.name
        ));
    }
    if p.known.extensions && known.extensions {
        let ku = |c: &Certificate| c.key_usage.map(|k| k.names()).unwrap_or_default();
        if ku(v) != ku(cert) {
            out.push(format!(
                "key usage printed [{}], the certificate's is [{}]",
                ku(v).join(", "),
                ku(cert).join(", ")
            ));
        }
        let eku = |c: &Certificate| {
            let mut e = c
                .extended_key_usage
                .as_ref()
                .map(|e| e.purposes.clone())
                .unwrap_or_default();
            e.sort();
            e
        };
        if eku(v) != eku(cert) {
            out.push(format!(
                "extended key usage printed [{}], the certificate's is [{}]",
                v.extended_key_usage
                    .as_ref()
                    .map(|e| e.describe())
                    .unwrap_or_else(|| "none".into()),
                cert.extended_key_usage
                    .as_ref()
                    .map(|e| e.describe())
                    .unwrap_or_else(|| "none".into())
            ));
        }
    }
    out
}
