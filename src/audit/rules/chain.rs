//! Chain rules. The work is done once per end-entity certificate by
//! `audit::chain::analyze`, which tags each finding with one of the ids
//! below; each rule here only carries the metadata and picks its messages.

use super::{Citation, Ctx, Need, Rule, Scope, Severity};

pub(crate) const VERIFIED: &str = "chain.verified";
pub(crate) const NOT_VERIFIED: &str = "chain.not-verified";
pub(crate) const ISSUER_MISSING: &str = "chain.issuer.missing";
pub(crate) const ANCHOR_MISSING: &str = "chain.anchor.missing";
pub(crate) const SIGNATURE_INVALID: &str = "chain.signature.invalid";
pub(crate) const SIGNATURE_UNSUPPORTED: &str = "chain.signature.unsupported";
pub(crate) const LEGACY: &str = "chain.signature.legacy";
pub(crate) const CA_EXPIRED: &str = "chain.ca.expired";
pub(crate) const CA_NOT_CA: &str = "chain.ca.not-ca";
pub(crate) const CA_KEY_CERT_SIGN: &str = "chain.ca.key-cert-sign";
pub(crate) const PATH_LEN: &str = "chain.ca.path-len";
pub(crate) const NAME_CONSTRAINTS: &str = "chain.ca.name-constraints";
pub(crate) const EKU: &str = "chain.eku";
/// A certificate rule of its own (`ca::LEAF_IS_CA`, scope end-entity): RFC
/// 5280 path validation accepts such a leaf, so the chain never raises it.
pub(crate) const LEAF_IS_CA: &str = "chain.leaf-is-ca";
pub(crate) const INVALID: &str = "chain.invalid";
pub(crate) const ANCHOR_EXPIRED: &str = "chain.anchor.expired";
pub(crate) const CA_EXPIRES_FIRST: &str = "chain.ca.expires-before-leaf";
pub(crate) const CA_EXPIRING: &str = "chain.ca.expiring";
pub(crate) const SENT_INCOMPLETE: &str = "chain.sent.incomplete";
pub(crate) const SENT_UNRELATED: &str = "chain.sent.unrelated";
pub(crate) const SENT_ROOT: &str = "chain.sent.root";
pub(crate) const SENT_ORDER: &str = "chain.sent.order";
pub(crate) const CERTREQ_MATCH: &str = "chain.certreq.match";
pub(crate) const CERTREQ_MISMATCH: &str = "chain.certreq.not-requested";
pub(crate) const POLICY: &str = "chain.policy";
pub(crate) const WEBPKI_REJECTS: &str = "chain.webpki.rejects";

const RFC5280_PATH: Citation = Citation::Rfc {
    number: 5280,
    section: "6.1",
};
const GUIDE_AUTH: Citation = Citation::FieldGuide {
    section: "Understanding IKEv2 Authentication in IPsec VPNs",
};
const RFC7296_CERT: Citation = Citation::Rfc {
    number: 7296,
    section: "3.6",
};

fn messages(ctx: &Ctx<'_>, id: &str) -> Vec<String> {
    ctx.chain.map(|c| c.messages(id)).unwrap_or_default()
}

macro_rules! chain_rule {
    ($name:ident, $id:expr, $sev:ident, $summary:expr, [$($cite:expr),+ $(,)?]) => {
        pub static $name: Rule = Rule {
            id: $id,
            severity: Severity::$sev,
            summary: $summary,
            citations: &[$($cite),+],
            scope: Scope::EndEntity,
            profiles: &[],
            needs: &[Need::Der],
            check: |ctx: &Ctx<'_>| messages(ctx, $id),
        };
    };
}

chain_rule!(
    VERIFIED_RULE,
    VERIFIED,
    Info,
    "The path to a trust anchor, as RFC 5280 §6.1 path validation found it",
    [RFC5280_PATH, GUIDE_AUTH]
);
chain_rule!(
    NOT_VERIFIED_RULE,
    NOT_VERIFIED,
    Info,
    "No trust anchors given: the chain is shown, not verified",
    [RFC5280_PATH]
);
chain_rule!(
    ISSUER_MISSING_RULE,
    ISSUER_MISSING,
    Error,
    "The issuing CA of a certificate in the chain is not available",
    [RFC5280_PATH, GUIDE_AUTH]
);
chain_rule!(
    ANCHOR_MISSING_RULE,
    ANCHOR_MISSING,
    Error,
    "The chain ends at a root that is not a trust anchor",
    [RFC5280_PATH, GUIDE_AUTH]
);
chain_rule!(
    SIGNATURE_INVALID_RULE,
    SIGNATURE_INVALID,
    Error,
    "A signature in the chain does not verify with its issuer's key",
    [
        Citation::Rfc {
            number: 5280,
            section: "6.1.3"
        },
        GUIDE_AUTH
    ]
);
chain_rule!(
    SIGNATURE_UNSUPPORTED_RULE,
    SIGNATURE_UNSUPPORTED,
    Error,
    "A signature in the chain uses an algorithm validators do not support",
    [Citation::Rfc {
        number: 5280,
        section: "6.1.3"
    }]
);
chain_rule!(
    LEGACY_RULE,
    LEGACY,
    Warning,
    "The chain verifies only with legacy algorithms (SHA-1, RSA under 2048 bits)",
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
    CA_EXPIRED_RULE,
    CA_EXPIRED,
    Error,
    "A CA in the chain is expired or not yet valid",
    [
        Citation::Rfc {
            number: 5280,
            section: "6.1.3"
        },
        Citation::FieldGuide {
            section: "Handling Certificate Expiry"
        }
    ]
);
chain_rule!(
    CA_NOT_CA_RULE,
    CA_NOT_CA,
    Error,
    "A certificate that issues another in the chain is not a CA (basicConstraints)",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.9"
    }]
);
chain_rule!(
    CA_KEY_CERT_SIGN_RULE,
    CA_KEY_CERT_SIGN,
    Error,
    "A CA in the chain has Key Usage without keyCertSign",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.3"
    }]
);
chain_rule!(
    PATH_LEN_RULE,
    PATH_LEN,
    Error,
    "A CA's pathLenConstraint is exceeded",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.9"
    }]
);
chain_rule!(
    NAME_CONSTRAINTS_RULE,
    NAME_CONSTRAINTS,
    Error,
    "The leaf's names violate a CA's name constraints",
    [Citation::Rfc {
        number: 5280,
        section: "4.2.1.10"
    }]
);
chain_rule!(
    EKU_RULE,
    EKU,
    Error,
    "A certificate in the chain does not allow the purpose the profile needs",
    [
        Citation::FieldGuide {
            section: "EKU Requirements for FlexVPN and Windows Clients"
        },
        Citation::Rfc {
            number: 5280,
            section: "4.2.1.12"
        }
    ]
);
chain_rule!(
    INVALID_RULE,
    INVALID,
    Error,
    "No path validates (other reasons: unprocessed critical extensions, malformed extensions, path too long)",
    [RFC5280_PATH]
);
chain_rule!(
    ANCHOR_EXPIRED_RULE,
    ANCHOR_EXPIRED,
    Error,
    "The trust anchor of the chain has expired",
    [
        Citation::FieldGuide {
            section: "Handling Certificate Expiry"
        },
        Citation::Rfc {
            number: 5280,
            section: "6.1.1"
        }
    ]
);
chain_rule!(
    CA_EXPIRES_FIRST_RULE,
    CA_EXPIRES_FIRST,
    Warning,
    "A CA in the chain expires before the leaf",
    [Citation::Rfc {
        number: 5280,
        section: "4.1.2.5"
    }]
);
chain_rule!(
    CA_EXPIRING_RULE,
    CA_EXPIRING,
    Warning,
    "A CA in the chain expires within --warn-days",
    [Citation::Rfc {
        number: 5280,
        section: "4.1.2.5"
    }]
);
chain_rule!(
    SENT_INCOMPLETE_RULE,
    SENT_INCOMPLETE,
    Warning,
    "The chain sent with the leaf lacks an intermediate the path needs",
    [RFC7296_CERT, GUIDE_AUTH]
);
chain_rule!(
    SENT_UNRELATED_RULE,
    SENT_UNRELATED,
    Warning,
    "A certificate sent with the leaf is not part of its path",
    [RFC7296_CERT]
);
chain_rule!(
    SENT_ROOT_RULE,
    SENT_ROOT,
    Info,
    "The root is sent with the leaf (peers must have it already)",
    [RFC7296_CERT]
);
chain_rule!(
    SENT_ORDER_RULE,
    SENT_ORDER,
    Info,
    "The certificates sent are not in path order",
    [RFC7296_CERT]
);
chain_rule!(
    CERTREQ_MATCH_RULE,
    CERTREQ_MATCH,
    Info,
    "The chain reaches a CA the peer's CERTREQ asks for",
    [
        Citation::Rfc {
            number: 7296,
            section: "3.7"
        },
        GUIDE_AUTH
    ]
);
chain_rule!(
    CERTREQ_MISMATCH_RULE,
    CERTREQ_MISMATCH,
    Error,
    "No CA of the chain is among those the peer's CERTREQ asks for",
    [
        Citation::Rfc {
            number: 7296,
            section: "3.7"
        },
        GUIDE_AUTH
    ]
);
chain_rule!(
    POLICY_RULE,
    POLICY,
    Error,
    "The path is not valid for any certificate policy, and a CA requires an explicit policy",
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
    WEBPKI_REJECTS_RULE,
    WEBPKI_REJECTS,
    Warning,
    "RFC 5280 path validation accepts the path, the strict Web PKI validator rustls-webpki does not: clients with Web PKI-style validation may reject it",
    [
        RFC5280_PATH,
        Citation::Doc {
            title: "rustls-webpki: what it checks and does not",
            url: "https://docs.rs/rustls-webpki/0.103/webpki/",
        }
    ]
);
