//! Extended Key Usage rules for the end-entity certificate.

use super::{sources, Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::profile::Profile;
use crate::oids::{EKU_ANY, EKU_CLIENT_AUTH, EKU_IKE_INTERMEDIATE, EKU_IPSEC_IKE, EKU_SERVER_AUTH};

const RFC4945_EKU: Citation = Citation::Rfc {
    number: 4945,
    section: "5.1.3.12",
};

/// RFC 4945 §5.1.3.12: an implementation that processes EKU rejects a
/// certificate whose EKU has neither id-kp-ipsecIKE nor anyExtendedKeyUsage.
fn ipsec_ike_missing(ctx: &Ctx<'_>) -> Option<String> {
    let eku = ctx.cert.extended_key_usage.as_ref()?;
    if eku.contains(EKU_IPSEC_IKE) || eku.contains(EKU_ANY) {
        return None;
    }
    Some(format!(
        "EKU is [{}], without ipsecIKE or anyExtendedKeyUsage",
        eku.describe()
    ))
}

pub static IKEV2_IPSEC_IKE: Rule = Rule {
    id: "eku.ikev2.ipsec-ike",
    severity: Severity::Info,
    summary:
        "EKU present without id-kp-ipsecIKE or anyExtendedKeyUsage (peers may enforce RFC 4945)",
    fix: "Only if a peer enforces RFC 4945: reissue with id-kp-ipsecIKE (1.3.6.1.5.5.7.3.17) added to the EKU, or without an EKU extension. IOS, AnyConnect and strongSwan accept the certificate as it is.",
    citations: &[RFC4945_EKU],
    scope: Scope::EndEntity,
    profiles: &[Profile::Ikev2],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        ipsec_ike_missing(ctx)
            .map(|m| {
                format!(
                    "{m}: a peer that enforces RFC 4945 §5.1.3.12 rejects it; IOS, AnyConnect \
                     and strongSwan do not enforce it (use --profile rfc4945 to treat it as an error)"
                )
            })
            .into_iter()
            .collect()
    },
};

pub static RFC4945_IPSEC_IKE: Rule = Rule {
    id: "eku.rfc4945.ipsec-ike",
    severity: Severity::Error,
    summary: "EKU present without id-kp-ipsecIKE or anyExtendedKeyUsage",
    fix: "Reissue with id-kp-ipsecIKE (1.3.6.1.5.5.7.3.17) in the EKU (in AD CS add it under Extensions > Application Policies as a new policy with that OID), or without an EKU extension.",
    citations: &[RFC4945_EKU],
    scope: Scope::EndEntity,
    profiles: &[Profile::Rfc4945],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        ipsec_ike_missing(ctx)
            .map(|m| format!("{m}: an RFC 4945 peer that processes EKU rejects the certificate"))
            .into_iter()
            .collect()
    },
};

pub static ANYCONNECT_SERVER: Rule = Rule {
    id: "eku.anyconnect.server",
    severity: Severity::Error,
    summary: "EKU present without serverAuth or ikeIntermediate",
    fix: "Reissue the headend certificate with EKU serverAuth (1.3.6.1.5.5.7.3.1), optionally plus IP security IKE intermediate (1.3.6.1.5.5.8.2.2); the AD CS Web Server template carries serverAuth.",
    citations: &[sources::ANYCONNECT, sources::RFC5280_EKU],
    scope: Scope::EndEntity,
    profiles: &[Profile::AnyConnectServer],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some(eku) = ctx.cert.extended_key_usage.as_ref() else {
            return vec![];
        };
        if eku.contains(EKU_SERVER_AUTH) || eku.contains(EKU_IKE_INTERMEDIATE) {
            return vec![];
        }
        vec![format!(
            "EKU is [{}]: AnyConnect rejects a headend certificate whose EKU has neither \
             serverAuth (1.3.6.1.5.5.7.3.1) nor ikeIntermediate (1.3.6.1.5.5.8.2.2)",
            eku.describe()
        )]
    },
};

/// "EKU must include X": absent EKU fails as well.
fn require(ctx: &Ctx<'_>, oid: &str, name: &str, who: &str) -> Vec<String> {
    match ctx.cert.extended_key_usage.as_ref() {
        Some(eku) if eku.contains(oid) => vec![],
        Some(eku) => vec![format!(
            "EKU is [{}], without {name} ({oid}): {who}",
            eku.describe()
        )],
        None => vec![format!(
            "the certificate has no EKU extension, so no {name} ({oid}): {who}"
        )],
    }
}

pub static FLEXVPN_SERVER_AUTH: Rule = Rule {
    id: "eku.flexvpn.server-auth",
    severity: Severity::Error,
    summary: "FlexVPN headend certificate without the serverAuth EKU",
    fix: "Reissue the headend certificate with EKU Server Authentication (1.3.6.1.5.5.7.3.1) and IP security IKE intermediate (1.3.6.1.5.5.8.2.2): in AD CS duplicate the Web Server template and add both under Extensions > Application Policies; on an IOS-enrolled trustpoint add `eku request server-auth`.",
    citations: &[sources::STRONGSWAN_WINDOWS, sources::AOVPN_IKEV2_CERTS],
    scope: Scope::EndEntity,
    profiles: &[Profile::FlexVpnServer],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        require(
            ctx,
            EKU_SERVER_AUTH,
            "serverAuth",
            "Windows IKEv2 clients reject a headend certificate without it",
        )
    },
};

pub static FLEXVPN_CLIENT_AUTH: Rule = Rule {
    id: "eku.flexvpn.client-auth",
    severity: Severity::Error,
    summary: "FlexVPN client certificate without the clientAuth EKU",
    fix: "Reissue the client certificate with EKU Client Authentication (1.3.6.1.5.5.7.3.2): the AD CS User and Workstation Authentication templates carry it; on an IOS-enrolled client trustpoint add `eku request client-auth` and re-enrol.",
    citations: &[sources::CISCO_FLEXVPN_SERVER, sources::RFC5280_EKU],
    scope: Scope::EndEntity,
    profiles: &[Profile::FlexVpnClient],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        require(
            ctx,
            EKU_CLIENT_AUTH,
            "clientAuth",
            "a FlexVPN client certificate must carry it",
        )
    },
};

pub static EAP_SERVER_AUTH: Rule = Rule {
    id: "eku.eap.server-auth",
    severity: Severity::Error,
    summary: "EAP headend certificate without the serverAuth EKU",
    fix: "Reissue the headend certificate with EKU Server Authentication (1.3.6.1.5.5.7.3.1), as EAP clients check it like a TLS server's (AD CS: Web Server template; IOS enrolment: `eku request server-auth` in the signing trustpoint).",
    citations: &[sources::CISCO_FLEXVPN_SERVER, sources::STRONGSWAN_WINDOWS],
    scope: Scope::EndEntity,
    profiles: &[Profile::EapServer],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        require(
            ctx,
            EKU_SERVER_AUTH,
            "serverAuth",
            "EAP clients authenticate the headend by this certificate and require server-auth",
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::{Options, Role};
    use crate::testkit::{CertSpec, Issued};
    use rcgen::ExtendedKeyUsagePurpose as E;

    fn leaf(eku: Option<&[E]>) -> Vec<u8> {
        let ca = Issued::root("EKU Test CA");
        let mut spec = CertSpec::leaf("vpn.example.com");
        if let Some(eku) = eku {
            spec = spec.eku(eku);
        }
        ca.issue(spec).der()
    }

    fn oid(s: &str) -> E {
        E::Other(s.split('.').map(|n| n.parse().unwrap()).collect())
    }

    fn fires(rule: &Rule, der: &[u8]) -> bool {
        !run(rule, der, Role::EndEntity, &Options::test()).is_empty()
    }

    #[test]
    fn ipsec_ike_rule_fires_only_when_eku_lacks_it() {
        for rule in [&IKEV2_IPSEC_IKE, &RFC4945_IPSEC_IKE] {
            assert!(!fires(rule, &leaf(None)));
            assert!(!fires(rule, &leaf(Some(&[oid(EKU_IPSEC_IKE)]))));
            assert!(!fires(rule, &leaf(Some(&[E::ServerAuth, E::Any]))));
            assert!(fires(rule, &leaf(Some(&[E::ServerAuth, E::ClientAuth]))));
        }
        assert_eq!(IKEV2_IPSEC_IKE.severity, Severity::Info);
        assert_eq!(RFC4945_IPSEC_IKE.severity, Severity::Error);
    }

    #[test]
    fn anyconnect_accepts_server_auth_or_ike_intermediate_or_no_eku() {
        assert!(!fires(&ANYCONNECT_SERVER, &leaf(None)));
        assert!(!fires(&ANYCONNECT_SERVER, &leaf(Some(&[E::ServerAuth]))));
        assert!(!fires(
            &ANYCONNECT_SERVER,
            &leaf(Some(&[oid(EKU_IKE_INTERMEDIATE)]))
        ));
        assert!(fires(&ANYCONNECT_SERVER, &leaf(Some(&[E::ClientAuth]))));
        assert!(fires(
            &ANYCONNECT_SERVER,
            &leaf(Some(&[oid(EKU_IPSEC_IKE)]))
        ));
    }

    #[test]
    fn flexvpn_and_eap_require_their_eku_even_when_absent() {
        assert!(fires(&FLEXVPN_SERVER_AUTH, &leaf(None)));
        assert!(fires(&FLEXVPN_SERVER_AUTH, &leaf(Some(&[E::ClientAuth]))));
        assert!(!fires(&FLEXVPN_SERVER_AUTH, &leaf(Some(&[E::ServerAuth]))));
        assert!(fires(&FLEXVPN_CLIENT_AUTH, &leaf(None)));
        assert!(fires(&FLEXVPN_CLIENT_AUTH, &leaf(Some(&[E::ServerAuth]))));
        assert!(!fires(&FLEXVPN_CLIENT_AUTH, &leaf(Some(&[E::ClientAuth]))));
        assert!(fires(&EAP_SERVER_AUTH, &leaf(Some(&[E::ClientAuth]))));
        assert!(!fires(
            &EAP_SERVER_AUTH,
            &leaf(Some(&[E::ServerAuth, E::ClientAuth]))
        ));
    }

    #[test]
    fn messages_name_the_purposes_found() {
        let msgs = run(
            &ANYCONNECT_SERVER,
            &leaf(Some(&[E::ClientAuth, oid("1.2.3.4")])),
            Role::EndEntity,
            &Options::test(),
        );
        assert!(msgs[0].contains("clientAuth, 1.2.3.4"), "{}", msgs[0]);
    }
}
