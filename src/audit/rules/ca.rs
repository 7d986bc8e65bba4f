//! Rules for CA certificates in the input: a CA that cannot sign
//! certificates breaks every chain through it.

use super::{Citation, Ctx, Need, Rule, Scope, Severity};
use crate::model::KeyUsageBit;

const RFC5280_BC: Citation = Citation::Rfc {
    number: 5280,
    section: "4.2.1.9",
};
const RFC5280_KU: Citation = Citation::Rfc {
    number: 5280,
    section: "4.2.1.3",
};

pub static BASIC_CONSTRAINTS: Rule = Rule {
    id: "ca.basic-constraints.missing",
    severity: Severity::Error,
    summary: "Certificate issues others but lacks basicConstraints cA=TRUE",
    citations: &[RFC5280_BC],
    scope: Scope::Ca,
    profiles: &[],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| match ctx.cert.basic_constraints {
        Some(bc) if bc.ca => vec![],
        Some(_) => vec![
            "it issued another certificate in the input but its basicConstraints says cA=FALSE: \
             peers reject every chain through it"
                .into(),
        ],
        None => vec![
            "it issued another certificate in the input but has no basicConstraints extension: \
             peers reject every chain through it"
                .into(),
        ],
    },
};

pub static KEY_CERT_SIGN: Rule = Rule {
    id: "ca.key-usage.cert-sign",
    severity: Severity::Error,
    summary: "CA certificate with Key Usage that lacks keyCertSign",
    citations: &[RFC5280_KU],
    scope: Scope::Ca,
    profiles: &[],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| match ctx.cert.key_usage {
        Some(ku) if !ku.has(KeyUsageBit::KeyCertSign) => vec![format!(
            "Key Usage is [{}] without keyCertSign: certificates it signed are rejected",
            ku.names().join(", ")
        )],
        _ => vec![],
    },
};

pub static KEY_USAGE_MISSING: Rule = Rule {
    id: "ca.key-usage.missing",
    severity: Severity::Warning,
    summary: "CA certificate without a Key Usage extension",
    citations: &[RFC5280_KU],
    scope: Scope::Ca,
    profiles: &[],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        if ctx.cert.key_usage.is_none() {
            vec![
                "no Key Usage extension: RFC 5280 requires CA certificates to carry one with \
                  keyCertSign, and strict validators insist"
                    .into(),
            ]
        } else {
            vec![]
        }
    },
};

pub static BASIC_CONSTRAINTS_NOT_CRITICAL: Rule = Rule {
    id: "ca.basic-constraints.not-critical",
    severity: Severity::Info,
    summary: "CA certificate whose basicConstraints is not marked critical",
    citations: &[RFC5280_BC],
    scope: Scope::Ca,
    profiles: &[],
    needs: &[Need::Der],
    check: |ctx: &Ctx<'_>| match ctx.cert.basic_constraints {
        Some(bc) if bc.ca && !bc.critical => {
            vec!["basicConstraints is not marked critical, as RFC 5280 requires for CAs".into()]
        }
        _ => vec![],
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::{Options, Role};
    use crate::testkit::{CertSpec, Issued};
    use rcgen::KeyUsagePurpose as K;

    fn ca(spec: CertSpec) -> Vec<u8> {
        Issued::root("Root").issue(spec).der()
    }

    fn fires(rule: &Rule, der: &[u8]) -> bool {
        !run(rule, der, Role::Ca, &Options::test()).is_empty()
    }

    #[test]
    fn good_ca_is_quiet() {
        let der = ca(CertSpec::ca("Issuing CA"));
        for rule in [&BASIC_CONSTRAINTS, &KEY_CERT_SIGN, &KEY_USAGE_MISSING] {
            assert!(!fires(rule, &der), "{}", rule.id);
        }
    }

    #[test]
    fn ca_without_key_cert_sign() {
        let der = ca(CertSpec::ca("Issuing CA").ku(&[K::DigitalSignature, K::CrlSign]));
        assert!(fires(&KEY_CERT_SIGN, &der));
        assert!(!fires(&KEY_USAGE_MISSING, &der));
    }

    #[test]
    fn ca_without_key_usage() {
        let der = ca(CertSpec::ca("Issuing CA").ku(&[]));
        assert!(fires(&KEY_USAGE_MISSING, &der));
        assert!(!fires(&KEY_CERT_SIGN, &der));
    }

    #[test]
    fn issuer_without_basic_constraints() {
        let der = ca(CertSpec::leaf("Acting CA").ku(&[K::KeyCertSign]));
        assert!(fires(&BASIC_CONSTRAINTS, &der));
    }
}
