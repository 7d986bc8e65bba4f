//! Chain rules. The work is done once per end-entity certificate by
//! `audit::chain::analyze`, which tags each finding with a [`ChainKind`];
//! each kind names its rule here, and each rule only carries the metadata
//! and picks the messages of its kind.
//!
//! Adding a chain finding: a variant of [`ChainKind`], its arm in
//! [`ChainKind::rule`] (the match has no catch-all, so a variant without a
//! rule does not compile), an entry in [`ChainKind::ALL`], and the rule in
//! the registry; the tests below fail on a registered `chain.*` rule that
//! no kind produces and on a kind whose rule is not registered.

use super::{sources, Citation, Ctx, Need, Rule, Scope, Severity};

/// What a chain finding is about: one kind per chain rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainKind {
    /// The path verified to a trust anchor (RFC 5280 §6.1).
    Verified,
    /// No trust anchors were given: the path is shown, not verified.
    NotVerified,
    /// The issuer of a certificate of the path was not found.
    IssuerMissing,
    /// The path ends at a self-signed certificate that is not a trust anchor.
    AnchorMissing,
    /// A signature of the path does not verify.
    SignatureInvalid,
    /// A signature of the path uses an algorithm pkiaudit cannot verify.
    SignatureUnsupported,
    /// A signature verifies only with a legacy algorithm.
    LegacySignature,
    /// A CA of the path is expired or not yet valid.
    CaExpired,
    /// A certificate issues another but is not a CA.
    CaNotCa,
    /// A CA has Key Usage without keyCertSign.
    CaKeyCertSign,
    /// A pathLenConstraint is exceeded.
    PathLen,
    /// A name lies outside a CA's name constraints.
    NameConstraints,
    /// An intermediate's EKU excludes the purpose the profile needs.
    Eku,
    /// No certificate policy is valid for the path.
    Policy,
    /// RFC 5280 accepts the path, rustls-webpki does not.
    WebpkiRejects,
    /// The path is invalid for another reason (critical extension, malformed, too long).
    Invalid,
    /// The trust anchor has expired.
    AnchorExpired,
    /// A CA expires before the leaf.
    CaExpiresFirst,
    /// A CA expires within --warn-days.
    CaExpiring,
    /// The input does not send an intermediate the path needs.
    SentIncomplete,
    /// A certificate is sent that is not part of the path.
    SentUnrelated,
    /// The root is sent with the leaf.
    SentRoot,
    /// The input is not in path order.
    SentOrder,
    /// The path reaches a CA the peer's CERTREQ asks for.
    CertreqMatch,
    /// No CA of the path is among those the CERTREQ asks for.
    CertreqMismatch,
}

impl ChainKind {
    /// Every kind (for the tests that tie kinds and rules together).
    pub const ALL: &'static [ChainKind] = &[
        ChainKind::Verified,
        ChainKind::NotVerified,
        ChainKind::IssuerMissing,
        ChainKind::AnchorMissing,
        ChainKind::SignatureInvalid,
        ChainKind::SignatureUnsupported,
        ChainKind::LegacySignature,
        ChainKind::CaExpired,
        ChainKind::CaNotCa,
        ChainKind::CaKeyCertSign,
        ChainKind::PathLen,
        ChainKind::NameConstraints,
        ChainKind::Eku,
        ChainKind::Policy,
        ChainKind::WebpkiRejects,
        ChainKind::Invalid,
        ChainKind::AnchorExpired,
        ChainKind::CaExpiresFirst,
        ChainKind::CaExpiring,
        ChainKind::SentIncomplete,
        ChainKind::SentUnrelated,
        ChainKind::SentRoot,
        ChainKind::SentOrder,
        ChainKind::CertreqMatch,
        ChainKind::CertreqMismatch,
    ];

    /// The rule a finding of this kind is reported under.
    pub fn rule(self) -> &'static Rule {
        match self {
            ChainKind::Verified => &VERIFIED,
            ChainKind::NotVerified => &NOT_VERIFIED,
            ChainKind::IssuerMissing => &ISSUER_MISSING,
            ChainKind::AnchorMissing => &ANCHOR_MISSING,
            ChainKind::SignatureInvalid => &SIGNATURE_INVALID,
            ChainKind::SignatureUnsupported => &SIGNATURE_UNSUPPORTED,
            ChainKind::LegacySignature => &LEGACY,
            ChainKind::CaExpired => &CA_EXPIRED,
            ChainKind::CaNotCa => &CA_NOT_CA,
            ChainKind::CaKeyCertSign => &CA_KEY_CERT_SIGN,
            ChainKind::PathLen => &PATH_LEN,
            ChainKind::NameConstraints => &NAME_CONSTRAINTS,
            ChainKind::Eku => &EKU,
            ChainKind::Policy => &POLICY,
            ChainKind::WebpkiRejects => &WEBPKI_REJECTS,
            ChainKind::Invalid => &INVALID,
            ChainKind::AnchorExpired => &ANCHOR_EXPIRED,
            ChainKind::CaExpiresFirst => &CA_EXPIRES_FIRST,
            ChainKind::CaExpiring => &CA_EXPIRING,
            ChainKind::SentIncomplete => &SENT_INCOMPLETE,
            ChainKind::SentUnrelated => &SENT_UNRELATED,
            ChainKind::SentRoot => &SENT_ROOT,
            ChainKind::SentOrder => &SENT_ORDER,
            ChainKind::CertreqMatch => &CERTREQ_MATCH,
            ChainKind::CertreqMismatch => &CERTREQ_MISMATCH,
        }
    }
}

const RFC5280_PATH: Citation = Citation::Rfc {
    number: 5280,
    section: "6.1",
};
const RFC7296_CERT: Citation = sources::RFC7296_CERT;

/// The messages of the chain findings reported under `rule`.
fn messages(ctx: &Ctx<'_>, rule: &Rule) -> Vec<String> {
    ctx.chain.map(|c| c.messages(rule)).unwrap_or_default()
}

macro_rules! chain_rule {
    ($name:ident, $id:expr, $sev:ident, $summary:expr, $fix:expr, [$($cite:expr),+ $(,)?]) => {
        pub static $name: Rule = Rule {
            id: $id,
            severity: Severity::$sev,
            summary: $summary,
            fix: $fix,
            citations: &[$($cite),+],
            scope: Scope::EndEntity,
            profiles: &[],
            needs: &[Need::Der],
            check: |ctx: &Ctx<'_>| messages(ctx, &$name),
        };
    };
}

chain_rule!(
    VERIFIED,
    "chain.verified",
    Info,
    "The path to a trust anchor, as RFC 5280 §6.1 path validation found it",
    "Nothing to change; keep the intermediates of this path installed where the certificate is sent from, and the anchor on the verifying peers.",
    [RFC5280_PATH, RFC7296_CERT]
);
chain_rule!(
    NOT_VERIFIED,
    "chain.not-verified",
    Info,
    "No trust anchors given: the chain is shown, not verified",
    "Give the CA certificates the verifying peer trusts with --trust (or --system-trust, or --config with the device's trustpoints) so the path is verified.",
    [RFC5280_PATH]
);
chain_rule!(
    ISSUER_MISSING,
    "chain.issuer.missing",
    Error,
    "The issuing CA of a certificate in the chain is not available",
    "Get the issuing CA certificate named in the message (the CA's caIssuers URL or its administrator) and install it with the certificate (IOS: authenticate it in a trustpoint; strongSwan: /etc/swanctl/x509ca/), or pass it here with --untrusted.",
    [RFC5280_PATH, RFC7296_CERT]
);
chain_rule!(
    ANCHOR_MISSING,
    "chain.anchor.missing",
    Error,
    "The chain ends at a root that is not a trust anchor",
    "Make the root a trust anchor on the verifying peer after checking its fingerprint out of band: IOS `crypto pki authenticate TP`, strongSwan /etc/swanctl/x509ca/ (or `cacerts`), here --trust ROOT.pem.",
    [RFC5280_PATH, sources::CISCO_ENROLL, sources::STRONGSWAN_SWANCTL]
);
chain_rule!(
    SIGNATURE_INVALID,
    "chain.signature.invalid",
    Error,
    "A signature in the chain does not verify with its issuer's key",
    "Install the issuer certificate that really signed it (a renewed CA with a new key keeps the same name), or reissue the certificate if it was altered.",
    [
        Citation::Rfc {
            number: 5280,
            section: "6.1.3"
        },
        RFC7296_CERT
    ]
);
chain_rule!(
    SIGNATURE_UNSUPPORTED,
    "chain.signature.unsupported",
    Error,
    "A signature in the chain uses an algorithm validators do not support",
    "Reissue with RSA (PKCS#1 v1.5 or PSS) or ECDSA P-256/P-384 signatures over SHA-256 or stronger.",
    [Citation::Rfc {
        number: 5280,
        section: "6.1.3"
    }]
);
chain_rule!(
    LEGACY,
    "chain.signature.legacy",
    Warning,
    "The chain verifies only with legacy algorithms (SHA-1, RSA under 2048 bits)",
    "Reissue the certificates named in the message with SHA-256 or stronger signatures and RSA keys of at least 2048 bits; a SHA-1 CA certificate needs the CA renewed too.",
    [
        Citation::Rfc {
            number: 9155,
            section: "2"
        },
        Citation::Doc {
            title:
                "NIST SP 800-131A Rev. 2 (transitioning cryptographic algorithms and key lengths)",
            url: "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
        }
    ]
);
chain_rule!(
    CA_EXPIRED,
    "chain.ca.expired",
    Error,
    "A CA in the chain is expired or not yet valid",
    "Renew the CA certificate, install the new one on every peer and device that trusts or sends it (IOS: re-authenticate the trustpoint), and reissue the leaves if its key changed.",
    [
        Citation::Rfc {
            number: 5280,
            section: "6.1.3"
        },
        sources::RFC5280_VALIDITY
    ]
);
chain_rule!(
    CA_NOT_CA,
    "chain.ca.not-ca",
    Error,
    "A certificate that issues another in the chain is not a CA (basicConstraints)",
    "Reissue the certificate from the real CA: the certificate that signed it has no basicConstraints cA=TRUE and cannot be an issuer.",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.9"
    }]
);
chain_rule!(
    CA_KEY_CERT_SIGN,
    "chain.ca.key-cert-sign",
    Error,
    "A CA in the chain has Key Usage without keyCertSign",
    "Reissue the CA certificate with keyCertSign (and cRLSign) in its Key Usage, then reissue what it signed if its key changes.",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.3"
    }]
);
chain_rule!(
    PATH_LEN,
    "chain.ca.path-len",
    Error,
    "A CA's pathLenConstraint is exceeded",
    "Reissue the constraining CA with a larger pathLenConstraint (or none), or issue the leaf from a CA higher up so the path fits the constraint.",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.9"
    }]
);
chain_rule!(
    NAME_CONSTRAINTS,
    "chain.ca.name-constraints",
    Error,
    "The leaf's names violate a CA's name constraints",
    "Reissue the leaf with names inside the CA's permitted subtrees, or have the CA certificate reissued with wider name constraints.",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.10"
    }]
);
chain_rule!(
    EKU,
    "chain.eku",
    Error,
    "A certificate in the chain does not allow the purpose the profile needs",
    "Reissue the intermediate with an EKU that includes the purpose the profile needs (serverAuth, clientAuth or ipsecIKE), or with no EKU; validators that chain EKUs apply an intermediate's EKU to everything below it.",
    [
        sources::RFC5280_EKU,
        sources::STRONGSWAN_WINDOWS
    ]
);
chain_rule!(
    INVALID,
    "chain.invalid",
    Error,
    "No path validates (other reasons: unprocessed critical extensions, malformed extensions, path too long)",
    "Reissue the certificate named in the message without the extension or field that breaks the path (only standard extensions critical, well-formed encoding), or shorten the chain.",
    [RFC5280_PATH]
);
chain_rule!(
    ANCHOR_EXPIRED,
    "chain.anchor.expired",
    Error,
    "The trust anchor of the chain has expired",
    "Install the renewed root on every verifying peer (IOS: re-authenticate the trustpoint with it; strongSwan: replace it in /etc/swanctl/x509ca/), and reissue the chain under it if its key changed.",
    [
        Citation::Rfc {
            number: 5280,
            section: "6.1.1"
        },
        sources::CISCO_ENROLL
    ]
);
chain_rule!(
    CA_EXPIRES_FIRST,
    "chain.ca.expires-before-leaf",
    Warning,
    "A CA in the chain expires before the leaf",
    "Renew the CA before its notAfter, as the leaf fails validation from then on; or reissue the leaf with a notAfter inside the CA's lifetime.",
    [Citation::Rfc {
        number: 5280,
        section: "4.1.2.5"
    }]
);
chain_rule!(
    CA_EXPIRING,
    "chain.ca.expiring",
    Warning,
    "A CA in the chain expires within --warn-days",
    "Renew the CA certificate now and distribute it to every peer and device before the old one expires.",
    [Citation::Rfc {
        number: 5280,
        section: "4.1.2.5"
    }]
);
chain_rule!(
    SENT_INCOMPLETE,
    "chain.sent.incomplete",
    Warning,
    "The chain sent with the leaf lacks an intermediate the path needs",
    "Install the missing intermediate where the certificate is sent from so it goes into the CERT payloads (IOS/ASA: import the full chain into the identity trustpoint; strongSwan: /etc/swanctl/x509ca/), or install it on every verifying peer.",
    [RFC7296_CERT, RFC5280_PATH]
);
chain_rule!(
    SENT_UNRELATED,
    "chain.sent.unrelated",
    Warning,
    "A certificate sent with the leaf is not part of its path",
    "Remove the certificate that is not on the path from the bundle or trustpoint the device sends; it enlarges IKE_AUTH and can make peers pick the wrong issuer.",
    [RFC7296_CERT]
);
chain_rule!(
    SENT_ROOT,
    "chain.sent.root",
    Info,
    "The root is sent with the leaf (peers must have it already)",
    "Optionally stop sending the root: peers must have it as an anchor already, and leaving it out keeps IKE_AUTH smaller.",
    [RFC7296_CERT]
);
chain_rule!(
    SENT_ORDER,
    "chain.sent.order",
    Info,
    "The certificates sent are not in path order",
    "Reorder the file: the leaf first, then each issuer in turn towards the root.",
    [RFC7296_CERT]
);
chain_rule!(
    CERTREQ_MATCH,
    "chain.certreq.match",
    Info,
    "The chain reaches a CA the peer's CERTREQ asks for",
    "Nothing to change; this path reaches a CA the peer asks for in its CERTREQ.",
    [
        Citation::Rfc {
            number: 7296,
            section: "3.7"
        },
        RFC7296_CERT
    ]
);
chain_rule!(
    CERTREQ_MISMATCH,
    "chain.certreq.not-requested",
    Error,
    "No CA of the chain is among those the peer's CERTREQ asks for",
    "Enrol the certificate from a CA the peer trusts, or make the peer trust this path's CA (IOS: a trustpoint holding it in the IKEv2 profile, `pki trustpoint TP verify`) so its CERTREQ lists it.",
    [
        Citation::Rfc {
            number: 7296,
            section: "3.7"
        },
        RFC7296_CERT
    ]
);
chain_rule!(
    POLICY,
    "chain.policy",
    Error,
    "The path is not valid for any certificate policy, and a CA requires an explicit policy",
    "Reissue the leaf (or the intermediate) with a certificatePolicies OID the constraining CA accepts, or reissue that CA without requireExplicitPolicy.",
    [
        Citation::Rfc {
            number: 5280,
            section: "6.1.3"
        },
        Citation::Rfc {
            number: 9618,
            section: "4"
        }
    ]
);
chain_rule!(
    WEBPKI_REJECTS,
    "chain.webpki.rejects",
    Warning,
    "RFC 5280 path validation accepts the path, the strict Web PKI validator rustls-webpki does not: clients with Web PKI-style validation may reject it",
    "If clients validate like browsers, reissue along Web PKI lines: the host in a SAN dNSName, EKU serverAuth, no unknown critical extensions, SHA-256 or stronger; the message names what rustls-webpki refused.",
    [
        RFC5280_PATH,
        Citation::Doc {
            title: "rustls-webpki: what it checks and does not",
            url: "https://docs.rs/rustls-webpki/0.103/webpki/",
        }
    ]
);

#[cfg(test)]
mod tests {
    use super::super::{ca, RULES};
    use super::*;

    /// The registered rules of this family: `chain.*`, except the
    /// certificate rule `chain.leaf-is-ca`, which has a check of its own.
    fn family() -> Vec<&'static Rule> {
        RULES
            .iter()
            .copied()
            .filter(|r| r.id.starts_with("chain.") && r.id != ca::LEAF_IS_CA.id)
            .collect()
    }

    #[test]
    fn every_chain_rule_is_produced_by_a_kind() {
        for rule in family() {
            assert!(
                ChainKind::ALL.iter().any(|k| k.rule().id == rule.id),
                "no ChainKind reports {}",
                rule.id
            );
        }
    }

    #[test]
    fn every_kind_has_a_registered_rule_of_its_own() {
        let mut seen = std::collections::HashSet::new();
        for kind in ChainKind::ALL {
            let rule = kind.rule();
            assert!(
                family().iter().any(|r| std::ptr::eq(*r, rule)),
                "{kind:?} reports {}, which is not a registered chain rule",
                rule.id
            );
            assert!(seen.insert(rule.id), "two kinds report {}", rule.id);
        }
    }
}
