//! The rule engine. A rule is a small self-contained unit (learned from
//! zlint): a stable id, a one-line summary, a severity, the sources that
//! justify it, the certificates it looks at and the profiles it belongs
//! to, plus a check function that returns one message per problem found.
//!
//! Adding a rule: write it (and its tests) in the file of its family, add
//! one line to [`RULES`], and update the `rules --format json` snapshot.

mod ca;
pub(crate) mod chain;
pub(crate) mod config;
mod crypto;
mod eku;
mod ku;
mod names;
mod revocation;
mod structure;
pub(crate) mod time;
mod validity;

use serde::Serialize;

use super::chain::ChainReport;
use super::profile::Profile;
use super::{Options, Role};
pub use crate::model::partial::Need;
use crate::model::Certificate;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not affect the verdict.
    Info,
    /// Some peers or policies will object; the verdict is `warn`.
    Warning,
    /// A peer following the cited rule rejects the certificate; `fail`.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Citation {
    /// An IETF RFC and section.
    Rfc { number: u16, section: &'static str },
    /// A section of the IKEv2/IPsec PKI field guide, by its heading.
    FieldGuide { section: &'static str },
    /// Another published document.
    Doc {
        title: &'static str,
        url: &'static str,
    },
}

impl Citation {
    pub fn text(&self) -> String {
        match self {
            Citation::Rfc { number, section } => format!("RFC {number} §{section}"),
            Citation::FieldGuide { section } => format!("Field guide: \"{section}\""),
            Citation::Doc { title, .. } => (*title).to_string(),
        }
    }

    pub fn url(&self) -> Option<String> {
        match self {
            Citation::Rfc { number, section } => Some(format!(
                "https://www.rfc-editor.org/rfc/rfc{number}#section-{section}"
            )),
            Citation::FieldGuide { .. } => None,
            Citation::Doc { url, .. } => Some((*url).to_string()),
        }
    }
}

impl Serialize for Citation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Citation", 2)?;
        st.serialize_field("text", &self.text())?;
        st.serialize_field("url", &self.url())?;
        st.end()
    }
}

/// Which certificates a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The end-entity (leaf) certificate the profile is about.
    EndEntity,
    /// CA certificates in the input.
    Ca,
    /// Every certificate.
    Any,
    /// A device configuration (an IOS running-config): the findings belong
    /// to the configuration, not to a certificate.
    Config,
    /// The run itself (where its time came from): the findings belong to
    /// the report, not to a certificate.
    Run,
}

impl Scope {
    fn applies_to(self, role: Role) -> bool {
        matches!(
            (self, role),
            (Scope::Any, _) | (Scope::EndEntity, Role::EndEntity) | (Scope::Ca, Role::Ca)
        )
    }
}

/// What a check sees.
pub struct Ctx<'a> {
    pub cert: &'a Certificate,
    pub role: Role,
    /// Why the certificate got its role, in words (see
    /// [`crate::audit::assemble`]): for messages that must say why a
    /// certificate is taken as the one a peer presents.
    pub role_reason: &'a str,
    pub opts: &'a Options,
    /// The chain analysis of an end-entity certificate.
    pub chain: Option<&'a ChainReport>,
    /// Where a device's `show` output disagrees with this certificate.
    pub cross_check: &'a [String],
    /// The IKEv2 profile selection for a peer certificate (`--config`).
    pub peer: Option<&'a crate::audit::device::PeerSelection>,
    /// The revocation checks of the path of an end-entity certificate.
    pub revocation: &'a [crate::revocation::Check],
}

/// A rule.
pub struct Rule {
    /// Stable id: `family.scope.what`. Never reused for another meaning.
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub citations: &'static [Citation],
    pub scope: Scope,
    /// The profiles the rule belongs to; empty means every profile.
    pub profiles: &'static [Profile],
    /// The parts of a certificate the check reads. On a partial record
    /// (`show` output) that lacks one, the rule is reported as not
    /// checkable instead of being run.
    pub needs: &'static [Need],
    /// One message per problem; empty when the certificate passes.
    pub check: fn(&Ctx<'_>) -> Vec<String>,
}

impl Rule {
    pub fn in_profile(&self, profile: Profile) -> bool {
        self.profiles.is_empty() || self.profiles.contains(&profile)
    }

    pub fn applies(&self, profile: Profile, role: Role) -> bool {
        self.in_profile(profile) && self.scope.applies_to(role)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let profiles: Vec<&str> = if self.profiles.is_empty() {
            Profile::ALL.iter().map(|p| p.name()).collect()
        } else {
            self.profiles.iter().map(|p| p.name()).collect()
        };
        let mut st = s.serialize_struct("Rule", 7)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("summary", self.summary)?;
        st.serialize_field("scope", &self.scope)?;
        st.serialize_field("profiles", &profiles)?;
        st.serialize_field("needs", self.needs)?;
        st.serialize_field("citations", self.citations)?;
        st.end()
    }
}

/// The IKEv2 peers that apply the RFC 4945 / IOS Key Usage logic.
pub(crate) const IKEV2_FAMILY: &[Profile] = &[
    Profile::Ikev2,
    Profile::Rfc4945,
    Profile::FlexVpnServer,
    Profile::FlexVpnClient,
    Profile::EapServer,
];

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
    &names::HOST_MISMATCH,
    &names::HOST_MATCH,
    &names::HOST_NOT_GIVEN,
    &names::NO_NAME,
    &names::INVALID_NAME,
    &chain::VERIFIED_RULE,
    &chain::NOT_VERIFIED_RULE,
    &chain::ISSUER_MISSING_RULE,
    &chain::ANCHOR_MISSING_RULE,
    &chain::SIGNATURE_INVALID_RULE,
    &chain::SIGNATURE_UNSUPPORTED_RULE,
    &chain::LEGACY_RULE,
    &chain::CA_EXPIRED_RULE,
    &chain::CA_NOT_CA_RULE,
    &chain::CA_KEY_CERT_SIGN_RULE,
    &chain::PATH_LEN_RULE,
    &chain::NAME_CONSTRAINTS_RULE,
    &chain::EKU_RULE,
    &ca::LEAF_IS_CA,
    &chain::POLICY_RULE,
    &chain::WEBPKI_REJECTS_RULE,
    &chain::INVALID_RULE,
    &chain::ANCHOR_EXPIRED_RULE,
    &chain::CA_EXPIRES_FIRST_RULE,
    &chain::CA_EXPIRING_RULE,
    &chain::SENT_INCOMPLETE_RULE,
    &chain::SENT_UNRELATED_RULE,
    &chain::SENT_ROOT_RULE,
    &chain::SENT_ORDER_RULE,
    &chain::CERTREQ_MATCH_RULE,
    &chain::CERTREQ_MISMATCH_RULE,
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
];

#[cfg(test)]
pub(crate) mod testing {
    //! Run one rule on a certificate made by the testkit.
    use super::*;
    use crate::audit::Options;

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
