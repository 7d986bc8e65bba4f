//! Key Usage rules for the end-entity certificate.

use super::{sources, Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::profile::Profile;
use crate::model::KeyUsageBit::{DigitalSignature, KeyAgreement, KeyEncipherment, NonRepudiation};

/// The IKEv2 peers that apply the RFC 4945 / IOS Key Usage logic.
const IKEV2_FAMILY: &[Profile] = &[
    Profile::Ikev2,
    Profile::Rfc4945,
    Profile::FlexVpnServer,
    Profile::FlexVpnClient,
    Profile::EapServer,
    Profile::AppleClient,
];

const RFC4945_KU: Citation = Citation::Rfc {
    number: 4945,
    section: "5.1.3.2",
};

/// RFC 4945 §5.1.3.2 as IOS applies it: no KU → continue; KU present
/// without digitalSignature or nonRepudiation → reject.
pub static IKEV2_SIGNING_BIT: Rule = Rule {
    id: "ku.ikev2.signing-bit",
    severity: Severity::Error,
    summary: "Key Usage is present but has neither digitalSignature nor nonRepudiation",
    fix: "Reissue the certificate with digitalSignature in Key Usage (for RSA, digitalSignature plus keyEncipherment); in AD CS duplicate the template and tick Digital signature under Extensions > Key Usage. The key signs the IKEv2 AUTH payload, so no setting on the peer can accept it as it is.",
    citations: &[RFC4945_KU, sources::RFC5280_KU],
    scope: Scope::EndEntity,
    profiles: IKEV2_FAMILY,
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some(ku) = ctx.cert.key_usage else {
            return vec![];
        };
        if ku.has(DigitalSignature) || ku.has(NonRepudiation) {
            return vec![];
        }
        vec![format!(
            "Key Usage is [{}]: an IKEv2 peer rejects it because neither digitalSignature nor \
             nonRepudiation is set, and the key must sign the AUTH payload",
            ku.names().join(", ")
        )]
    },
};

/// IOS enrols with digitalSignature + keyEncipherment; strict validators
/// expect both on RSA keys. keyEncipherment does not apply to EC keys
/// (RFC 5480 §3), so the rule is RSA-only.
pub static IKEV2_IOS_DEFAULT_PAIR: Rule = Rule {
    id: "ku.ikev2.ios-default-pair",
    severity: Severity::Warning,
    summary:
        "RSA key with Key Usage lacking digitalSignature or keyEncipherment (the IOS default pair)",
    fix: "Reissue with Key Usage digitalSignature and keyEncipherment; in an AD CS template that is Digital signature plus Allow key exchange only with key encryption (key encipherment).",
    citations: &[
        RFC4945_KU,
        Citation::Rfc {
            number: 5480,
            section: "3",
        },
    ],
    scope: Scope::EndEntity,
    profiles: IKEV2_FAMILY,
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some(ku) = ctx.cert.key_usage else {
            return vec![];
        };
        if !ctx.cert.key.is_rsa() {
            return vec![];
        }
        let missing: Vec<&str> = [
            (DigitalSignature, "digitalSignature"),
            (KeyEncipherment, "keyEncipherment"),
        ]
        .into_iter()
        .filter(|(bit, _)| !ku.has(*bit))
        .map(|(_, n)| n)
        .collect();
        if missing.is_empty() {
            return vec![];
        }
        vec![format!(
            "Key Usage is [{}] on an RSA key, missing {}: IOS sets digitalSignature and \
             keyEncipherment by default and strict validators expect both",
            ku.names().join(", "),
            missing.join(" and ")
        )]
    },
};

/// AnyConnect: if KU is present it must include digitalSignature AND
/// (keyAgreement or keyEncipherment).
pub static ANYCONNECT_SERVER: Rule = Rule {
    id: "ku.anyconnect.server",
    severity: Severity::Error,
    summary: "Key Usage present without digitalSignature and one of keyAgreement/keyEncipherment",
    fix: "Reissue the headend certificate with Key Usage digitalSignature plus keyEncipherment (RSA) or keyAgreement (ECDSA), or with no Key Usage at all; the AD CS Web Server template gives digitalSignature and keyEncipherment.",
    citations: &[sources::ANYCONNECT, sources::RFC5280_KU],
    scope: Scope::EndEntity,
    profiles: &[Profile::AnyConnectServer],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some(ku) = ctx.cert.key_usage else {
            return vec![];
        };
        let mut missing = Vec::new();
        if !ku.has(DigitalSignature) {
            missing.push("digitalSignature");
        }
        if !ku.has(KeyAgreement) && !ku.has(KeyEncipherment) {
            missing.push(if ctx.cert.key.is_rsa() {
                "keyEncipherment (or keyAgreement)"
            } else {
                "keyAgreement (or keyEncipherment)"
            });
        }
        if missing.is_empty() {
            return vec![];
        }
        vec![format!(
            "Key Usage is [{}], missing {}: AnyConnect rejects a headend certificate whose Key \
             Usage lacks digitalSignature plus keyAgreement or keyEncipherment",
            ku.names().join(", "),
            missing.join(" and ")
        )]
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::{Options, Role};
    use crate::testkit::{CertSpec, Issued, Key};
    use rcgen::KeyUsagePurpose as K;

    fn leaf(ku: &[K], key: Key) -> Vec<u8> {
        let ca = Issued::root("KU Test CA");
        ca.issue(CertSpec::leaf("vpn.example.com").ku(ku).key(key))
            .der()
    }

    fn fires(rule: &Rule, der: &[u8]) -> bool {
        !run(rule, der, Role::EndEntity, &Options::test()).is_empty()
    }

    #[test]
    fn signing_bit_follows_rfc4945_logic() {
        // no KU: continue
        assert!(!fires(&IKEV2_SIGNING_BIT, &leaf(&[], Key::P256)));
        assert!(!fires(
            &IKEV2_SIGNING_BIT,
            &leaf(&[K::DigitalSignature], Key::P256)
        ));
        assert!(!fires(
            &IKEV2_SIGNING_BIT,
            &leaf(&[K::ContentCommitment], Key::P256)
        ));
        assert!(fires(
            &IKEV2_SIGNING_BIT,
            &leaf(&[K::KeyEncipherment], Key::Rsa)
        ));
        assert!(fires(
            &IKEV2_SIGNING_BIT,
            &leaf(&[K::KeyAgreement, K::DataEncipherment], Key::P256)
        ));
    }

    #[test]
    fn ios_default_pair_is_rsa_only() {
        assert!(!fires(&IKEV2_IOS_DEFAULT_PAIR, &leaf(&[], Key::Rsa)));
        assert!(!fires(
            &IKEV2_IOS_DEFAULT_PAIR,
            &leaf(&[K::DigitalSignature, K::KeyEncipherment], Key::Rsa)
        ));
        let msg = run(
            &IKEV2_IOS_DEFAULT_PAIR,
            &leaf(&[K::DigitalSignature], Key::Rsa),
            Role::EndEntity,
            &Options::test(),
        );
        assert_eq!(msg.len(), 1);
        assert!(msg[0].contains("missing keyEncipherment"), "{}", msg[0]);
        // keyEncipherment does not apply to EC keys
        assert!(!fires(
            &IKEV2_IOS_DEFAULT_PAIR,
            &leaf(&[K::DigitalSignature], Key::P256)
        ));
    }

    #[test]
    fn anyconnect_needs_signature_and_agreement_or_encipherment() {
        assert!(!fires(&ANYCONNECT_SERVER, &leaf(&[], Key::P256)));
        assert!(!fires(
            &ANYCONNECT_SERVER,
            &leaf(&[K::DigitalSignature, K::KeyAgreement], Key::P256)
        ));
        assert!(!fires(
            &ANYCONNECT_SERVER,
            &leaf(&[K::DigitalSignature, K::KeyEncipherment], Key::Rsa)
        ));
        assert!(fires(
            &ANYCONNECT_SERVER,
            &leaf(&[K::DigitalSignature], Key::P256)
        ));
        assert!(fires(
            &ANYCONNECT_SERVER,
            &leaf(&[K::KeyEncipherment, K::KeyAgreement], Key::Rsa)
        ));
    }

    #[test]
    fn ku_rules_belong_to_the_right_profiles() {
        assert!(IKEV2_SIGNING_BIT.in_profile(Profile::Ikev2));
        assert!(!IKEV2_SIGNING_BIT.in_profile(Profile::AnyConnectServer));
        assert!(ANYCONNECT_SERVER.in_profile(Profile::AnyConnectServer));
        assert!(!ANYCONNECT_SERVER.in_profile(Profile::Ikev2));
    }
}
