//! Rules for CA certificates in the input: a CA that cannot sign
//! certificates breaks every chain through it. And the other way round: a
//! certificate a peer presents as its identity that asserts it is a CA.

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
    fix: "Reissue the CA certificate with basicConstraints cA=TRUE, marked critical.",
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
    fix: "Reissue the CA certificate with keyCertSign and cRLSign in its Key Usage.",
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
    fix: "Reissue the CA certificate with a Key Usage extension of keyCertSign and cRLSign when it is next renewed.",
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
    fix: "Mark basicConstraints critical when the CA certificate is next renewed; nothing needs to change before.",
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

/// basicConstraints cA=TRUE on the certificate a peer presents. The role
/// comes from where the certificate was presented (see
/// `crate::audit::assemble`), so this reads the certificate alone, not the
/// chain.
///
/// RFC 5280 §6.1 path validation checks cA only on the certificates that
/// issue the next one (§6.1.4 (k)), never on the target, so an RFC 5280
/// validator accepts such a peer; §4.2.1.9 makes cA=TRUE say that the key
/// verifies certificate signatures, which is not what a peer identity is
/// for, and strict validators refuse it (rustls-webpki: CaUsedAsEndEntity;
/// Firefox's mozilla::pkix: MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY).
/// A warning, not an error: whether the peer fails depends on its
/// validator.
pub static LEAF_IS_CA: Rule = Rule {
    id: "chain.leaf-is-ca",
    severity: Severity::Warning,
    summary: "The certificate a peer presents asserts basicConstraints cA=TRUE",
    fix: "Reissue the peer certificate from an end-entity template (basicConstraints absent or cA=FALSE), not from a CA template such as AD CS Subordinate Certification Authority.",
    citations: &[RFC5280_BC],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[Need::Extensions],
    check: check_leaf_is_ca,
};

fn check_leaf_is_ca(ctx: &Ctx<'_>) -> Vec<String> {
    if !ctx.cert.asserts_ca() {
        return vec![];
    }
    let why = if ctx.role_reason.is_empty() {
        String::new()
    } else {
        format!(" ({})", ctx.role_reason)
    };
    vec![format!(
        "basicConstraints cA=TRUE on the certificate the peer presents{why}: RFC 5280 path \
         validation (§6.1) does not check cA on the end entity, but strict validators such as \
         rustls-webpki and Firefox's mozilla::pkix refuse a CA certificate as a peer's \
         identity; re-issue it from an end-entity template (basicConstraints absent or \
         cA=FALSE)"
    )]
}

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

    /// RFC 5280 §4.2.1.9: cA=TRUE on the presented certificate is reported,
    /// with the reason it is taken as the presented one.
    #[test]
    fn leaf_is_ca_fires_on_ca_true_and_names_the_reason() {
        let der = Issued::root("Root")
            .issue(CertSpec::ca("vpn.example.com"))
            .der();
        let cert = crate::model::Certificate::from_der(&der).expect("parses");
        let opts = Options::test();
        let found = (LEAF_IS_CA.check)(&Ctx {
            cert: &cert,
            role: Role::EndEntity,
            role_reason: "presented first in the bundle, basicConstraints cA=TRUE",
            opts: &opts,
            chain: None,
            cross_check: &[],
            peer: None,
            revocation: &[],
        });
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("(presented first in the bundle, basicConstraints cA=TRUE)")
                && found[0].contains("end-entity template"),
            "{found:?}"
        );
    }

    /// RFC 5280 §4.2.1.9: basicConstraints absent or cA=FALSE is an end
    /// entity as it should be.
    #[test]
    fn leaf_is_ca_is_quiet_without_ca_true() {
        let root = Issued::root("Root");
        for spec in [
            CertSpec::leaf("vpn.example.com"),
            CertSpec::leaf("vpn.example.com").explicit_not_ca(),
        ] {
            let der = root.issue(spec).der();
            assert!(run(&LEAF_IS_CA, &der, Role::EndEntity, &Options::test()).is_empty());
        }
    }

    #[test]
    fn leaf_is_ca_is_an_end_entity_rule() {
        assert!(LEAF_IS_CA.applies(crate::audit::profile::Profile::Ikev2, Role::EndEntity));
        assert!(!LEAF_IS_CA.applies(crate::audit::profile::Profile::Ikev2, Role::Ca));
    }
}
