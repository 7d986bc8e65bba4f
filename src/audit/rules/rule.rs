//! The rule framework: what a rule is (`Rule`), how bad its findings are
//! (`Severity`), where it comes from (`Citation`), what it looks at
//! (`Scope`) and what its check sees (`Ctx`). The rules themselves live in
//! one file per family beside this one; the registry is `super::RULES`.

use serde::Serialize;

use crate::audit::chain::ChainReport;
use crate::audit::profile::Profile;
use crate::audit::{Options, Role};
use crate::model::partial::Need;
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
    /// A published document a user can open (vendor guide, standard).
    Doc {
        title: &'static str,
        url: &'static str,
    },
}

impl Citation {
    pub fn text(&self) -> String {
        match self {
            Citation::Rfc { number, section } => format!("RFC {number} §{section}"),
            Citation::Doc { title, .. } => (*title).to_string(),
        }
    }

    /// Every citation has an address a user can open.
    pub fn url(&self) -> String {
        match self {
            Citation::Rfc { number, section } => {
                format!("https://www.rfc-editor.org/rfc/rfc{number}#section-{section}")
            }
            Citation::Doc { url, .. } => (*url).to_string(),
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
    pub revocation: &'a [crate::revocation::RevocationResult],
}

/// A rule.
pub struct Rule {
    /// Stable id: `family.scope.what`. Never reused for another meaning.
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// How to fix a finding of this rule, in a sentence or two: what to
    /// request or change (template, EKU, SAN, configuration line).
    pub fix: &'static str,
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
        let mut st = s.serialize_struct("Rule", 8)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("summary", self.summary)?;
        st.serialize_field("fix", self.fix)?;
        st.serialize_field("scope", &self.scope)?;
        st.serialize_field("profiles", &profiles)?;
        st.serialize_field("needs", self.needs)?;
        st.serialize_field("citations", self.citations)?;
        st.end()
    }
}
