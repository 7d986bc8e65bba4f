//! The rule registry. A rule is a small self-contained unit (learned from
//! zlint): a stable id, a one-line summary, a severity, the sources that
//! justify it, the certificates it looks at and the profiles it belongs
//! to, plus a check function that returns one message per problem found.
//! The framework (those types) is in `rule`; the rules are in one file per
//! family.
//!
//! Adding a rule: write it (and its tests) in the file of its family, with
//! a `fix` (what to request or change) and public citations (RFC sections,
//! vendor documents in `sources`), add one line to [`RULES`], update the
//! `rules --format json` snapshot and regenerate `docs/rules.md`.

mod ca;
pub(crate) mod chain;
mod clients;
pub(crate) mod config;
mod crypto;
mod eku;
pub mod files;
mod identity;
mod ku;
mod names;
mod policy;
mod revocation;
mod rule;
pub(crate) mod sources;
mod structure;
pub(crate) mod time;
mod validity;

pub use policy::RulePolicy;

/// The registered rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}
pub use rule::{Citation, Ctx, Rule, Scope, Severity};

pub use crate::model::partial::Need;

/// Every rule, in the order reports list them.
pub static RULES: &[&Rule] = &[
    &ku::IKEV2_SIGNING_BIT,
    &ku::IKEV2_IOS_DEFAULT_PAIR,
    &ku::ANYCONNECT_SERVER,
    &eku::IKEV2_IPSEC_IKE,
    &eku::RFC4945_IPSEC_IKE,
    &eku::ANYCONNECT_SERVER,
    &eku::FLEXVPN_SERVER_AUTH,
    &eku::FLEXVPN_CLIENT_AUTH,
    &eku::EAP_SERVER_AUTH,
    &clients::APPLE_SERVER_AUTH,
    &clients::ANYCONNECT_CLIENT_AUTH,
    &clients::ANYCONNECT_CLIENT_SIGNING,
    &names::HOST_MISMATCH,
    &names::HOST_MATCH,
    &names::HOST_NOT_GIVEN,
    &names::NO_NAME,
    &names::INVALID_NAME,
    &clients::WINDOWS_IP,
    &clients::APPLE_SAN,
    &identity::ID_MISMATCH,
    &identity::ID_MATCH,
    &chain::VERIFIED,
    &chain::NOT_VERIFIED,
    &chain::ISSUER_MISSING,
    &chain::ANCHOR_MISSING,
    &chain::SIGNATURE_INVALID,
    &chain::SIGNATURE_UNSUPPORTED,
    &chain::LEGACY,
    &chain::CA_EXPIRED,
    &chain::CA_NOT_CA,
    &chain::CA_KEY_CERT_SIGN,
    &chain::PATH_LEN,
    &chain::NAME_CONSTRAINTS,
    &chain::EKU,
    &ca::LEAF_IS_CA,
    &chain::POLICY,
    &chain::WEBPKI_REJECTS,
    &chain::INVALID,
    &chain::ANCHOR_EXPIRED,
    &chain::CA_EXPIRES_FIRST,
    &chain::CA_EXPIRING,
    &chain::SENT_INCOMPLETE,
    &chain::SENT_UNRELATED,
    &chain::SENT_ROOT,
    &chain::SENT_ORDER,
    &chain::CERTREQ_MATCH,
    &chain::CERTREQ_MISMATCH,
    &revocation::REVOKED,
    &revocation::UNKNOWN_HARD,
    &revocation::NO_SOURCE_HARD,
    &revocation::UNKNOWN,
    &revocation::NO_SOURCE,
    &revocation::GOOD,
    &validity::EXPIRED,
    &validity::EXPIRED_ALLOWED,
    &validity::NOT_YET_VALID,
    &validity::EXPIRING,
    &validity::INVERTED,
    &time::NEAR_EDGE,
    &time::UNVERIFIED,
    &time::NTP_FAILED,
    &time::CLOCK_SKEW,
    &time::DEVICE_CLOCK_OFF,
    &time::DEVICE_CLOCK_UNSYNCED,
    &crypto::RSA_SMALL,
    &crypto::EC_CURVE,
    &crypto::DSA_KEY,
    &crypto::SIG_MD5,
    &crypto::SIG_SHA1,
    &ca::BASIC_CONSTRAINTS,
    &ca::KEY_CERT_SIGN,
    &ca::KEY_USAGE_MISSING,
    &ca::BASIC_CONSTRAINTS_NOT_CRITICAL,
    &structure::EXTENSION_PROBLEM,
    &structure::UNKNOWN_CRITICAL,
    &structure::SAN_INVALID_ENTRY,
    &structure::SERIAL,
    &config::NOT_CHECKABLE,
    &config::SHOW_MISMATCH,
    &config::PEER_PROFILE,
    &config::PEER_NO_PROFILE,
    &config::PEER_AMBIGUOUS,
    &config::PEER_TRUSTPOINT_POLICY,
    &config::TRUSTPOINT_UNDEFINED,
    &config::TRUSTPOINT_NOT_ENROLLED,
    &config::NO_TRUSTPOINT,
    &config::TRUSTPOINT_NO_CA,
    &config::NO_CERTIFICATE_MAP,
    &config::CERTIFICATE_MAP_UNDEFINED,
    &config::PROFILES_OVERLAP,
    &config::REVOCATION_NONE,
    &config::ALLOW_EXPIRED,
    &config::IDENTITY_EXPIRED,
    &config::IDENTITY_EXPIRING,
    &config::IDENTITY_USAGE,
    &files::PRIVATE_KEY,
    &files::PRIVATE_KEY_ENCRYPTED,
];

#[cfg(test)]
pub(crate) mod testing {
    //! Run one rule on a certificate made by the testkit.
    use super::*;
    use crate::audit::{Options, Role};
    use crate::model::Certificate;

    pub fn run(rule: &Rule, der: &[u8], role: Role, opts: &Options) -> Vec<String> {
        let cert = Certificate::from_der(der).expect("testkit certificate parses");
        (rule.check)(&Ctx {
            cert: &cert,
            role,
            role_reason: "",
            opts,
            chain: None,
            cross_check: &[],
            peer: None,
            revocation: &[],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::profile::Profile;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.split('.').count() >= 2
                    && r.id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c)),
                "bad rule id {}",
                r.id
            );
        }
    }

    #[test]
    fn every_rule_has_a_citation_and_a_summary() {
        for r in RULES {
            assert!(!r.citations.is_empty(), "{} has no citation", r.id);
            assert!(!r.summary.is_empty(), "{} has no summary", r.id);
        }
    }

    /// Every finding says how to fix it, and every source is one a user
    /// can open: a rule without a fix, or citing a document without an
    /// address, fails here.
    #[test]
    fn every_rule_has_a_fix_and_public_citations() {
        for r in RULES {
            assert!(!r.fix.trim().is_empty(), "{} has no fix", r.id);
            assert!(
                r.fix.trim_end().ends_with('.'),
                "{}: the fix is a sentence: {:?}",
                r.id,
                r.fix
            );
            for c in r.citations {
                let url = c.url();
                assert!(
                    url.starts_with("https://"),
                    "{} cites {:?} without an https address",
                    r.id,
                    c.text()
                );
                assert!(
                    !c.text().to_lowercase().contains("field guide"),
                    "{} cites the private field guide",
                    r.id
                );
            }
        }
    }

    #[test]
    fn every_profile_has_rules_of_its_own() {
        for p in Profile::ALL {
            assert!(
                RULES
                    .iter()
                    .any(|r| !r.profiles.is_empty() && r.profiles.contains(&p)),
                "profile {p} has no profile-specific rule"
            );
        }
    }
}
