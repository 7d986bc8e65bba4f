//! Rules about records read from Cisco device output and about the device's
//! PKI configuration.
//!
//! `record.*` rules concern partial records (`show` output). `config.peer.*`
//! rules judge a peer certificate against a running-config given with
//! `--config` (which IKEv2 profile it selects, under which trustpoint
//! policy). The `config.*` rules of scope [`Scope::Config`] judge the
//! configuration itself; `crate::audit::device` produces their findings,
//! each tagged with a [`ConfigKind`] that names its rule.
//!
//! Adding a configuration finding: a variant of [`ConfigKind`], its arm in
//! [`ConfigKind::rule`] (no catch-all: a variant without a rule does not
//! compile), an entry in [`ConfigKind::ALL`], and the rule in the registry;
//! the tests below fail on a registered `Scope::Config` rule that no kind
//! produces.

use super::{sources, Citation, Ctx, Rule, Scope, Severity};

/// What a finding about a configuration is about: one kind per rule of
/// scope [`Scope::Config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// A profile names a trustpoint that is not configured.
    TrustpointUndefined,
    /// A profile signs with a trustpoint without identity certificate.
    TrustpointNotEnrolled,
    /// A profile authenticates with certificates but names no trustpoint.
    NoTrustpoint,
    /// A profile verifies with a trustpoint without CA certificate.
    TrustpointNoCa,
    /// A profile verifies certificates but has no `match certificate`.
    NoCertificateMap,
    /// A `match certificate` names a map that is not configured.
    CertificateMapUndefined,
    /// Two profiles can match one peer certificate.
    ProfilesOverlap,
    /// A trustpoint or the trustpool policy does not check revocation.
    RevocationNone,
    /// A trustpoint or the trustpool policy accepts expired certificates.
    AllowExpired,
    /// A profile signs with an identity certificate outside its validity.
    IdentityExpired,
    /// A profile signs with an identity certificate that expires soon.
    IdentityExpiring,
    /// A profile signs with an identity certificate whose KU/EKU peers reject.
    IdentityUsage,
}

impl ConfigKind {
    /// Every kind (for the tests that tie kinds and rules together).
    pub const ALL: &'static [ConfigKind] = &[
        ConfigKind::TrustpointUndefined,
        ConfigKind::TrustpointNotEnrolled,
        ConfigKind::NoTrustpoint,
        ConfigKind::TrustpointNoCa,
        ConfigKind::NoCertificateMap,
        ConfigKind::CertificateMapUndefined,
        ConfigKind::ProfilesOverlap,
        ConfigKind::RevocationNone,
        ConfigKind::AllowExpired,
        ConfigKind::IdentityExpired,
        ConfigKind::IdentityExpiring,
        ConfigKind::IdentityUsage,
    ];

    /// The rule a finding of this kind is reported under.
    pub fn rule(self) -> &'static Rule {
        match self {
            ConfigKind::TrustpointUndefined => &TRUSTPOINT_UNDEFINED,
            ConfigKind::TrustpointNotEnrolled => &TRUSTPOINT_NOT_ENROLLED,
            ConfigKind::NoTrustpoint => &NO_TRUSTPOINT,
            ConfigKind::TrustpointNoCa => &TRUSTPOINT_NO_CA,
            ConfigKind::NoCertificateMap => &NO_CERTIFICATE_MAP,
            ConfigKind::CertificateMapUndefined => &CERTIFICATE_MAP_UNDEFINED,
            ConfigKind::ProfilesOverlap => &PROFILES_OVERLAP,
            ConfigKind::RevocationNone => &REVOCATION_NONE,
            ConfigKind::AllowExpired => &ALLOW_EXPIRED,
            ConfigKind::IdentityExpired => &IDENTITY_EXPIRED,
            ConfigKind::IdentityExpiring => &IDENTITY_EXPIRING,
            ConfigKind::IdentityUsage => &IDENTITY_USAGE,
        }
    }
}

const ENROLL: Citation = sources::CISCO_ENROLL;
const FLEXVPN: Citation = sources::CISCO_FLEXVPN_SERVER;
const SELECTION: Citation = sources::CISCO_CERT_PROFILE_MAP;
const REVOCATION: Citation = sources::CISCO_REVOCATION;
const EXPIRED_ACL: Citation = sources::CISCO_CERT_ACL;
const CISCO_CERT_MAP: Citation = Citation::Doc {
    title: "Cisco IOS Security Command Reference: crypto pki certificate map",
    url: "https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/security/d1/sec-d1-cr-book/sec-cr-c4.html",
};

/// Findings of these rules are made by the audit itself, not by a check.
fn made_elsewhere(_: &Ctx<'_>) -> Vec<String> {
    Vec::new()
}

pub static NOT_CHECKABLE: Rule = Rule {
    id: "record.not-checkable",
    severity: Severity::Info,
    summary: "Rules that could not run because the input (show output) lacks what they read",
    fix: "Give the certificate itself (IOS: `show crypto pki certificates pem TP`, or the PEM file it was imported from) as well as the show output, so these rules can run.",
    citations: &[ENROLL],
    scope: Scope::Any,
    profiles: &[],
    needs: &[],
    check: made_elsewhere,
};

pub static SHOW_MISMATCH: Rule = Rule {
    id: "record.show-mismatch",
    severity: Severity::Warning,
    summary: "The device's show output disagrees with the certificate it describes",
    fix: "Take the show output and the certificate from the same device at the same time; if they still differ, the device holds another certificate than the file, so re-import or re-enrol the trustpoint.",
    citations: &[ENROLL],
    scope: Scope::Any,
    profiles: &[],
    needs: &[],
    check: |ctx| ctx.cross_check.to_vec(),
};

pub static PEER_PROFILE: Rule = Rule {
    id: "config.peer.profile",
    severity: Severity::Info,
    summary: "The IKEv2 profile and trustpoints the peer certificate selects on the device",
    fix: "Nothing to change; this is the IKEv2 profile and trustpoints the device would use for this peer.",
    citations: &[CISCO_CERT_MAP, FLEXVPN],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| ctx.peer.map(|p| p.selected_messages()).unwrap_or_default(),
};

pub static PEER_NO_PROFILE: Rule = Rule {
    id: "config.peer.no-profile",
    severity: Severity::Error,
    summary: "No IKEv2 profile's match statements select the peer certificate",
    fix: "Add `match certificate MAP` to the intended IKEv2 profile, with a `crypto pki certificate map MAP 10` entry that matches this certificate (e.g. `issuer-name co cn = corp issuing ca`), or widen an existing map entry.",
    citations: &[CISCO_CERT_MAP, FLEXVPN],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        ctx.peer
            .map(|p| p.no_profile_messages())
            .unwrap_or_default()
    },
};

pub static PEER_AMBIGUOUS: Rule = Rule {
    id: "config.peer.ambiguous-profile",
    severity: Severity::Warning,
    summary: "More than one IKEv2 profile matches the peer certificate",
    fix: "Make the certificate map entries exclusive (add a distinguishing `subject-name` or `issuer-name` test) so exactly one IKEv2 profile matches this peer.",
    citations: &[SELECTION, CISCO_CERT_MAP],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| ctx.peer.map(|p| p.ambiguous_messages()).unwrap_or_default(),
};

pub static PEER_TRUSTPOINT_POLICY: Rule = Rule {
    id: "config.peer.trustpoint-policy",
    severity: Severity::Warning,
    summary: "The verifying trustpoint does not check revocation or accepts expired certificates",
    fix: "On the verifying trustpoint set `revocation-check crl` (or `ocsp`) and remove `allow expired-certificate`, unless it is a deliberate, documented exception.",
    citations: &[REVOCATION, EXPIRED_ACL],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| ctx.peer.map(|p| p.policy_messages()).unwrap_or_default(),
};

macro_rules! config_rule {
    ($name:ident, $id:expr, $sev:ident, $summary:expr, $fix:expr, [$($cite:expr),+ $(,)?]) => {
        pub static $name: Rule = Rule {
            id: $id,
            severity: Severity::$sev,
            summary: $summary,
            fix: $fix,
            citations: &[$($cite),+],
            scope: Scope::Config,
            profiles: &[],
            needs: &[],
            check: made_elsewhere,
        };
    };
}

config_rule!(
    TRUSTPOINT_UNDEFINED,
    "config.ikev2.trustpoint-undefined",
    Error,
    "An IKEv2 profile names a trustpoint that is not configured",
    "Define the trustpoint (`crypto pki trustpoint NAME`, then `crypto pki authenticate NAME`, and `crypto pki enroll NAME` to sign with it) or correct the name in the profile's `pki trustpoint` line.",
    [ENROLL]
);
config_rule!(
    TRUSTPOINT_NOT_ENROLLED,
    "config.ikev2.trustpoint-not-enrolled",
    Error,
    "An IKEv2 profile signs with a trustpoint that holds no identity certificate",
    "Enrol the trustpoint (`crypto pki enroll NAME`, or `crypto pki import NAME certificate`), or point the profile's `pki trustpoint NAME sign` at one that holds an identity certificate.",
    [ENROLL]
);
config_rule!(
    NO_TRUSTPOINT,
    "config.ikev2.no-trustpoint",
    Error,
    "An IKEv2 profile authenticates with certificates but names no trustpoint",
    "Add `pki trustpoint NAME` to the IKEv2 profile (with `sign` or `verify` when the roles use different trustpoints).",
    [ENROLL, FLEXVPN]
);
config_rule!(
    TRUSTPOINT_NO_CA,
    "config.ikev2.trustpoint-no-ca",
    Error,
    "An IKEv2 profile verifies peers with a trustpoint that holds no CA certificate",
    "Authenticate the issuing CA in the trustpoint (`crypto pki authenticate NAME`, checking the fingerprint) so it can verify peer certificates.",
    [
        ENROLL,
        Citation::Rfc {
            number: 5280,
            section: "6.1"
        }
    ]
);
config_rule!(
    NO_CERTIFICATE_MAP,
    "config.ikev2.no-certificate-map",
    Warning,
    "An IKEv2 profile accepts any certificate its trustpoints' CAs issued (no match certificate)",
    "To admit only some peers, add a certificate map that matches their certificates (`crypto pki certificate map MAP 10`, `issuer-name co cn = corp issuing ca` or `subject-name co ou = spokes`) and `match certificate MAP` to the profile.",
    [CISCO_CERT_MAP, FLEXVPN]
);
config_rule!(
    CERTIFICATE_MAP_UNDEFINED,
    "config.ikev2.certificate-map-undefined",
    Error,
    "A match certificate statement names a certificate map that is not configured",
    "Define the map (`crypto pki certificate map MAP 10` with at least one field test) or correct the name in `match certificate MAP`.",
    [CISCO_CERT_MAP, FLEXVPN]
);
config_rule!(
    PROFILES_OVERLAP,
    "config.ikev2.profiles-overlap",
    Warning,
    "Two IKEv2 profiles' certificate maps can match the same peer certificate",
    "Make the overlapping map entries exclusive (add a distinguishing `subject-name` or `issuer-name` test) so every peer certificate selects one profile.",
    [SELECTION, CISCO_CERT_MAP]
);
config_rule!(
    REVOCATION_NONE,
    "config.trustpoint.revocation-none",
    Warning,
    "A trustpoint (or the trustpool policy) does not check revocation",
    "Replace `revocation-check none` with `revocation-check crl` (or `ocsp`; `crl none` only as a fallback) in the trustpoint or `crypto pki trustpool policy`, and make the CRL URL reachable from the device.",
    [REVOCATION]
);
config_rule!(
    ALLOW_EXPIRED,
    "config.trustpoint.allow-expired",
    Warning,
    "A trustpoint accepts expired peer certificates",
    "Remove `allow expired-certificate` from the trustpoint's `match certificate` line (or the trustpool policy) and renew the expired peer certificates instead.",
    [EXPIRED_ACL]
);
config_rule!(
    IDENTITY_EXPIRED,
    "config.identity.expired",
    Error,
    "An IKEv2 profile signs with an identity certificate outside its validity",
    "Renew the signing trustpoint's identity certificate (`crypto pki enroll NAME`, or import a new one); with SCEP add `auto-enroll 80 regenerate` so it renews in time.",
    [ENROLL, sources::RFC5280_VALIDITY]
);
config_rule!(
    IDENTITY_EXPIRING,
    "config.identity.expiring",
    Warning,
    "An IKEv2 profile signs with an identity certificate that expires soon",
    "Renew the identity certificate now (`crypto pki enroll NAME`), or with SCEP add `auto-enroll 80 regenerate` to the trustpoint so it renews by itself.",
    [ENROLL, sources::RFC5280_VALIDITY]
);
config_rule!(
    IDENTITY_USAGE,
    "config.identity.usage",
    Error,
    "An IKEv2 profile signs with an identity certificate whose KU/EKU peers reject",
    "Re-enrol the signing trustpoint with a certificate whose Key Usage has digitalSignature and whose EKU suits the peers (serverAuth for Windows and AnyConnect clients); in AD CS request it from a template that sets both.",
    [sources::RFC4945_KU, sources::STRONGSWAN_WINDOWS]
);

#[cfg(test)]
mod tests {
    use super::super::RULES;
    use super::*;

    #[test]
    fn every_config_rule_is_produced_by_a_kind() {
        for rule in RULES.iter().filter(|r| r.scope == Scope::Config) {
            assert!(
                ConfigKind::ALL
                    .iter()
                    .any(|k| std::ptr::eq(k.rule(), *rule)),
                "no ConfigKind reports {}",
                rule.id
            );
        }
    }

    #[test]
    fn every_kind_has_a_registered_config_rule_of_its_own() {
        let mut seen = std::collections::HashSet::new();
        for kind in ConfigKind::ALL {
            let rule = kind.rule();
            assert!(
                RULES.iter().any(|r| std::ptr::eq(*r, rule)),
                "{kind:?} reports {}, which is not registered",
                rule.id
            );
            assert_eq!(rule.scope, Scope::Config, "{kind:?}");
            assert!(seen.insert(rule.id), "two kinds report {}", rule.id);
        }
    }
}
