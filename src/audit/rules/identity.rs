//! Identity rules: does the certificate hold the IKE identity its holder
//! sends (`--id`)? The matching lives in `audit::identity`.

use super::{Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::identity::{self, IdMatch, IkeId};
use crate::model::KeyInfo;

const RFC4945_ID: Citation = Citation::Rfc {
    number: 4945,
    section: "3.1",
};
const STRONGSWAN_ID: Citation = Citation::Doc {
    title: "strongSwan users list: \"Checking of certificate CN and subjectAltName against IDr\" (M. Willi, 2011)",
    url: "https://lists.strongswan.org/pipermail/users/2011-August/001957.html",
};

fn outcome<'a>(ctx: &Ctx<'a>) -> Option<(&'a IkeId, IdMatch)> {
    ctx.opts
        .id
        .as_ref()
        .map(|id| (id, identity::check(ctx.cert, id)))
}

/// The key type as charon names it in "no trusted … public key found".
fn strongswan_key_type(key: &KeyInfo) -> &'static str {
    match key {
        KeyInfo::Rsa { .. } => "RSA",
        KeyInfo::Ec { .. } => "ECDSA",
        KeyInfo::Ed25519 => "ED25519",
        KeyInfo::Ed448 => "ED448",
        KeyInfo::Dsa { .. } | KeyInfo::Unknown { .. } => "ANY",
    }
}

pub static ID_MISMATCH: Rule = Rule {
    id: "name.id.mismatch",
    severity: Severity::Error,
    summary: "The certificate does not hold the IKE identity (--id) its holder sends",
    fix: "Reissue the certificate with the identity in the field its type needs (an FQDN as a \
          SAN dNSName, an email address as an rfc822Name, an address as an iPAddress, a DN as \
          the subject), or configure the peer to send an identity the certificate holds \
          (strongSwan `id`/`leftid`, IOS `identity local`).",
    citations: &[RFC4945_ID, STRONGSWAN_ID],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| match outcome(ctx) {
        Some((id, IdMatch::No(why))) => vec![format!(
            "IKE identity {id} ({}) must be {} of the certificate, and is not: {why}; \
             strongSwan rejects the peer (\"no trusted {} public key found for '{id}'\"); \
             request {}",
            id.type_name(),
            id.field(),
            strongswan_key_type(&ctx.cert.key),
            id.san_form()
        )],
        _ => vec![],
    },
};

pub static ID_MATCH: Rule = Rule {
    id: "name.id.match",
    severity: Severity::Info,
    summary: "The certificate holds the IKE identity (--id) its holder sends",
    fix:
        "Nothing to change; keep the identity the peer sends in the certificate when it is renewed.",
    citations: &[RFC4945_ID],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| match outcome(ctx) {
        Some((id, IdMatch::Yes(entry))) => {
            vec![format!("IKE identity {id} ({}) is {entry}", id.type_name())]
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

    fn with_id(id: &str) -> Options {
        Options {
            id: Some(IkeId::parse(id).unwrap()),
            ..Options::test()
        }
    }

    fn fires(rule: &Rule, der: &[u8], id: &str) -> Vec<String> {
        run(rule, der, Role::EndEntity, &with_id(id))
    }

    #[test]
    fn fqdn_matches_a_dns_san_never_the_cn_nor_a_wildcard() {
        let ca = Issued::root("Id CA");
        let der = ca
            .issue(
                CertSpec::leaf("moon.example.com").san_dns(&["vpn.example.com", "*.example.net"]),
            )
            .der();
        assert!(fires(&ID_MISMATCH, &der, "vpn.example.com").is_empty());
        assert_eq!(
            fires(&ID_MATCH, &der, "@VPN.example.com"),
            ["IKE identity vpn.example.com (ID_FQDN) is DNS:vpn.example.com"]
        );
        let cn = fires(&ID_MISMATCH, &der, "moon.example.com");
        assert!(cn[0].contains("the subject CN equals it"), "{cn:?}");
        assert!(cn[0].contains("request DNS:moon.example.com"), "{cn:?}");
        let wild = fires(&ID_MISMATCH, &der, "a.example.net");
        assert!(wild[0].contains("wildcard"), "{wild:?}");
    }

    #[test]
    fn address_and_email_need_their_own_san_types() {
        let ca = Issued::root("Id CA");
        let der = ca
            .issue(
                CertSpec::leaf("alice")
                    .san_dns(&["192.0.2.7"])
                    .san_ip(&["2001:db8::7"])
                    .san_email("alice@example.com"),
            )
            .der();
        assert!(fires(&ID_MISMATCH, &der, "2001:db8:0::7").is_empty());
        let v4 = fires(&ID_MISMATCH, &der, "192.0.2.7");
        assert!(v4[0].contains("holds the address as text"), "{v4:?}");
        assert!(fires(&ID_MISMATCH, &der, "Alice@Example.com").is_empty());
        assert_eq!(fires(&ID_MISMATCH, &der, "bob@example.com").len(), 1);
    }

    #[test]
    fn dn_is_compared_in_certificate_order() {
        let ca = Issued::root("Id CA");
        let der = ca
            .issue(CertSpec::leaf("vpn.example.com").org(Some("Example")))
            .der();
        let cert = crate::model::Certificate::from_der(&der).unwrap();
        let rdns: Vec<String> = cert
            .subject
            .rdns
            .iter()
            .flatten()
            .map(|(a, v)| format!("{}={v}", a.to_uppercase()))
            .collect();
        assert_eq!(rdns.len(), 2, "{rdns:?}");
        let text = rdns.join(", ");
        assert!(
            fires(&ID_MISMATCH, &der, &format!("dn:{text}")).is_empty(),
            "{text}"
        );
        let reversed: Vec<_> = rdns.iter().rev().cloned().collect();
        let reversed = reversed.join(", ");
        let msgs = fires(&ID_MISMATCH, &der, &reversed);
        assert!(
            msgs[0].contains("reverse order"),
            "{text} vs {reversed}: {msgs:?}"
        );
        assert_eq!(
            fires(&ID_MISMATCH, &der, "O=Other, CN=vpn.example.com").len(),
            1
        );
    }

    #[test]
    fn fqdn_trailing_dot_counts_as_for_charon() {
        let ca = Issued::root("Id CA");
        let der = ca
            .issue(CertSpec::leaf("gw").san_dns(&["vpn.example.com"]))
            .der();
        let dot = fires(&ID_MISMATCH, &der, "vpn.example.com.");
        assert!(dot[0].contains("only in a trailing dot"), "{dot:?}");
        assert!(
            dot[0].contains("no trusted ECDSA public key found for 'vpn.example.com.'"),
            "{dot:?}"
        );
    }

    /// A leaf whose subject is `O=Example VPN, CN=dn-case` with the given
    /// string type.
    fn subject_leaf(printable: bool) -> Vec<u8> {
        use rcgen::{DistinguishedName, DnType, DnValue, Issuer};
        let ca = Issued::root("Id CA");
        let value = |s: &str| {
            if printable {
                DnValue::PrintableString(s.try_into().unwrap())
            } else {
                DnValue::Utf8String(s.into())
            }
        };
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, value("Example VPN"));
        dn.push(DnType::CommonName, value("dn-case"));
        let mut params = CertSpec::leaf("dn-case").params();
        params.distinguished_name = dn;
        let key = crate::testkit::Key::P256.generate();
        params
            .signed_by(&key, &Issuer::from_params(&ca.params, &ca.key))
            .unwrap()
            .der()
            .to_vec()
    }

    #[test]
    fn dn_case_is_ignored_only_for_printable_strings() {
        let utf8 = subject_leaf(false);
        assert!(fires(&ID_MISMATCH, &utf8, "O=Example VPN, CN=dn-case").is_empty());
        let msgs = fires(&ID_MISMATCH, &utf8, "O=example vpn, CN=DN-CASE");
        assert!(msgs[0].contains("differ in case"), "{msgs:?}");
        assert!(
            msgs[0].contains("give the identity as 'O=Example VPN, CN=dn-case'"),
            "{msgs:?}"
        );
        let printable = subject_leaf(true);
        assert!(fires(&ID_MISMATCH, &printable, "O=example vpn, CN=DN-CASE").is_empty());
        // '@' makes charon encode the value as a UTF8String: case counts
        assert_eq!(
            fires(&ID_MISMATCH, &printable, "O=example vpn, CN=DN-CASE@x").len(),
            1
        );
    }

    #[test]
    fn no_id_no_finding() {
        let der = Issued::root("Id CA").issue(CertSpec::leaf("x")).der();
        assert!(run(&ID_MISMATCH, &der, Role::EndEntity, &Options::test()).is_empty());
        assert!(run(&ID_MATCH, &der, Role::EndEntity, &Options::test()).is_empty());
    }
}
