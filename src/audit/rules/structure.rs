//! Structural rules: what x509-parser could read but a strict peer would
//! refuse.

use super::{Citation, Ctx, Need, Rule, Scope, Severity};
use crate::model::SanEntry;

pub static EXTENSION_PROBLEM: Rule = Rule {
    id: "x509.extension.malformed",
    severity: Severity::Error,
    summary: "An extension is malformed or duplicated",
    fix: "Reissue the certificate from a CA profile that encodes each extension once and correctly; validators differ in how they read a broken one.",
    citations: &[Citation::Rfc {
        number: 5280,
        section: "4.2",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Der],
    check: |ctx: &Ctx<'_>| {
        ctx.cert
            .extension_problems
            .iter()
            .map(|p| {
                format!(
                    "{} ({}{}): peers that parse it strictly reject the certificate",
                    p.problem,
                    p.oid,
                    if p.critical { ", critical" } else { "" }
                )
            })
            .collect()
    },
};

pub static UNKNOWN_CRITICAL: Rule = Rule {
    id: "x509.extension.unknown-critical",
    severity: Severity::Warning,
    summary: "A critical extension that common validators do not recognise",
    fix: "Reissue with the extension non-critical or removed, unless every peer is known to implement it: validators must reject unknown critical extensions.",
    citations: &[Citation::Rfc {
        number: 5280,
        section: "4.2",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Der],
    check: |ctx: &Ctx<'_>| {
        ctx.cert
            .unknown_critical_extensions
            .iter()
            .map(|oid| {
                format!(
                    "critical extension {oid}{} is not recognised by common validators; RFC 5280 \
                     requires a peer that does not recognise it to reject the certificate",
                    crate::oids::extension_name(oid)
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                )
            })
            .collect()
    },
};

pub static SAN_INVALID_ENTRY: Rule = Rule {
    id: "x509.san.invalid-entry",
    severity: Severity::Warning,
    summary: "A subjectAltName entry could not be decoded",
    fix: "Reissue with well-formed SAN entries: dNSName as an ASCII host name, iPAddress as 4 or 16 octets, rfc822Name as an address.",
    citations: &[Citation::Rfc {
        number: 5280,
        section: "4.2.1.6",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        ctx.cert
            .subject_alt_name
            .iter()
            .flat_map(|san| san.entries.iter())
            .filter_map(|e| match e {
                SanEntry::Invalid(what) => Some(format!("undecodable SAN entry: {what}")),
                _ => None,
            })
            .collect()
    },
};

pub static SERIAL: Rule = Rule {
    id: "x509.serial",
    severity: Severity::Warning,
    summary: "Serial number is not a positive integer of at most 20 octets",
    fix: "Have the CA issue positive serial numbers of at most 20 octets (random 16-octet serials are usual) and reissue the certificate.",
    citations: &[Citation::Rfc {
        number: 5280,
        section: "4.1.2.2",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Der],
    check: |ctx: &Ctx<'_>| {
        let raw = &ctx.cert.serial_raw;
        let mut out = Vec::new();
        if raw.first().is_some_and(|b| b & 0x80 != 0) {
            out.push("serial number is negative".to_string());
        } else if raw.iter().all(|b| *b == 0) {
            out.push("serial number is zero".to_string());
        }
        if raw.len() > 20 {
            out.push(format!(
                "serial number is {} octets long; RFC 5280 allows at most 20 and some \
                 validators refuse longer ones",
                raw.len()
            ));
        }
        out
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::{Options, Role};
    use crate::testkit::{CertSpec, Issued};

    #[test]
    fn serial_rule() {
        let ca = Issued::root("Serial CA");
        let ok = ca.issue(CertSpec::leaf("a").serial(&[0x01, 0x02])).der();
        assert!(run(&SERIAL, &ok, Role::EndEntity, &Options::test()).is_empty());
        let zero = ca.issue(CertSpec::leaf("a").serial(&[0x00])).der();
        assert_eq!(
            run(&SERIAL, &zero, Role::EndEntity, &Options::test()).len(),
            1
        );
        let long = ca.issue(CertSpec::leaf("a").serial(&[0x11; 21])).der();
        let msgs = run(&SERIAL, &long, Role::EndEntity, &Options::test());
        assert!(msgs[0].contains("21 octets"), "{msgs:?}");
    }

    #[test]
    fn unknown_critical_extension_is_reported() {
        let ca = Issued::root("Ext CA");
        let der = ca
            .issue(CertSpec::leaf("a").custom_extension(&[1, 3, 6, 1, 4, 1, 99999, 1], true))
            .der();
        let msgs = run(&UNKNOWN_CRITICAL, &der, Role::EndEntity, &Options::test());
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].contains("1.3.6.1.4.1.99999.1"), "{msgs:?}");
        let der = ca
            .issue(CertSpec::leaf("a").custom_extension(&[1, 3, 6, 1, 4, 1, 99999, 1], false))
            .der();
        assert!(run(&UNKNOWN_CRITICAL, &der, Role::EndEntity, &Options::test()).is_empty());
    }

    #[test]
    fn malformed_extension_is_reported() {
        let ca = Issued::root("Ext CA");
        // a keyUsage extension whose value is not a BIT STRING
        let der = ca
            .issue(CertSpec::leaf("a").raw_extension(&[2, 5, 29, 15], false, vec![0x05, 0x00]))
            .der();
        let msgs = run(&EXTENSION_PROBLEM, &der, Role::EndEntity, &Options::test());
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("2.5.29.15"), "{msgs:?}");
    }
}
