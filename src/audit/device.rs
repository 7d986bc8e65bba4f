//! The PKI configuration audit of an IOS running-config, and the view of a
//! peer certificate from that configuration (which IKEv2 profile it
//! selects, which trustpoints verify it, under which policy).
//!
//! Every finding carries a `config.*` rule (see
//! `crate::audit::rules::config`) and the configuration line it is about.

use crate::time::format::ts;
use serde::Serialize;

use crate::audit::chain::PoolCert;
use crate::audit::profile::Profile;
pub use crate::audit::rules::config::ConfigKind;
use crate::audit::rules::{self, Ctx, Rule, Severity};
use crate::audit::{Options, Role};
use crate::ios::config::{AuthMethod, IosConfig, RevocationMethod, Trustpoint, TrustpointUsage};
use crate::ios::select;
use crate::load::{IosRole, LoadedCert, LoadedInput};
use crate::model::Certificate;

/// One finding about a configuration.
#[derive(Debug, Clone)]
pub struct ConfigFinding {
    pub kind: ConfigKind,
    /// `kind.rule()`, kept as a field for the report writers.
    pub rule: &'static Rule,
    /// The 1-based configuration line the finding is about.
    pub line: Option<usize>,
    pub message: String,
    /// The rule's severity, or what `--severity` made it.
    pub severity: Severity,
}

impl ConfigFinding {
    pub fn severity(&self) -> Severity {
        self.severity
    }
}

impl Serialize for ConfigFinding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ConfigFinding", 7)?;
        st.serialize_field("rule", self.rule.id)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("summary", self.rule.summary)?;
        st.serialize_field("fix", self.rule.fix)?;
        st.serialize_field("citations", self.rule.citations)?;
        st.end()
    }
}

/// A trustpoint as the audit sees it: configuration plus enrolled
/// certificates.
#[derive(Debug, Clone, Serialize)]
pub struct TrustpointSummary {
    pub name: String,
    pub line: usize,
    /// Identity certificates in its chain (`certificate <serial>`).
    pub identity: Vec<CertRef>,
    /// CA certificates in its chain (`certificate ca <serial>`).
    pub ca: Vec<CertRef>,
    /// The revocation methods in order; IOS checks CRLs when none is set.
    pub revocation_check: Vec<&'static str>,
    /// Certificate maps whose matching peers are accepted expired.
    pub allow_expired_maps: Vec<String>,
}

/// A certificate of a trustpoint's chain.
#[derive(Debug, Clone, Serialize)]
pub struct CertRef {
    pub serial: String,
    pub subject: String,
    pub not_after: String,
    pub line: Option<usize>,
}

/// An IKEv2 profile as the audit sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileSummary {
    pub name: String,
    pub line: usize,
    pub match_certificate: Vec<String>,
    pub match_identity: Vec<String>,
    pub authentication_local: Vec<String>,
    pub authentication_remote: Vec<String>,
    pub sign_trustpoints: Vec<String>,
    pub verify_trustpoints: Vec<String>,
}

/// The audit of one configuration.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigReport {
    pub file: String,
    pub trustpoints: Vec<TrustpointSummary>,
    pub ikev2_profiles: Vec<ProfileSummary>,
    pub certificate_maps: usize,
    pub findings: Vec<ConfigFinding>,
    /// Findings `--ignore` removed.
    pub suppressed: usize,
}

impl ConfigReport {
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(ConfigFinding::severity).max()
    }
}

fn auth_name(a: &AuthMethod) -> String {
    match a {
        AuthMethod::RsaSig => "rsa-sig".into(),
        AuthMethod::EcdsaSig => "ecdsa-sig".into(),
        AuthMethod::PreShare => "pre-share".into(),
        AuthMethod::Eap => "eap".into(),
        AuthMethod::Other(o) => o.clone(),
    }
}

fn is_cert_auth(methods: &[AuthMethod]) -> bool {
    methods
        .iter()
        .any(|m| matches!(m, AuthMethod::RsaSig | AuthMethod::EcdsaSig))
}

fn revocation_names(methods: &[RevocationMethod]) -> Vec<&'static str> {
    methods
        .iter()
        .map(|m| match m {
            RevocationMethod::Crl => "crl",
            RevocationMethod::Ocsp => "ocsp",
            RevocationMethod::None => "none",
        })
        .collect()
}

/// The certificates of `input` that the running-config put on trustpoint
/// `tp` with role `role`.
fn on_trustpoint<'a>(
    input: &'a LoadedInput,
    tp: &'a str,
    roles: &'a [IosRole],
) -> impl Iterator<Item = &'a LoadedCert> + 'a {
    input.certs.iter().filter(move |c| {
        c.provenance.trustpoints.iter().any(|t| t == tp)
            && c.provenance.ios_role.is_some_and(|r| roles.contains(&r))
    })
}

fn cert_ref(c: &LoadedCert) -> CertRef {
    CertRef {
        serial: c.cert.serial.clone(),
        subject: c.cert.subject.text.clone(),
        not_after: ts(c.cert.not_after),
        line: c.provenance.line,
    }
}

/// The trustpoints a profile signs with (`pki trustpoint X sign` or no
/// keyword) and verifies with (`verify` or no keyword).
fn profile_trustpoints(
    p: &crate::ios::config::Ikev2Profile,
    usage: TrustpointUsage,
) -> impl Iterator<Item = &crate::ios::config::PkiTrustpointRef> {
    p.pki_trustpoints
        .iter()
        .filter(move |t| t.usage == usage || t.usage == TrustpointUsage::Both)
}

/// Audit the configuration of `input` (a running-config) at `opts.time`.
pub fn audit_config(input: &LoadedInput, opts: &Options) -> Option<ConfigReport> {
    let cfg = input.ios_config.as_deref()?;
    let mut findings = Vec::new();
    let mut suppressed = 0usize;
    let mut find = |kind: ConfigKind, line: Option<usize>, message: String| {
        let rule = kind.rule();
        if let Some(severity) = opts.rule_policy.decide(rule) {
            findings.push(ConfigFinding {
                kind,
                rule,
                line,
                message,
                severity,
            })
        } else {
            suppressed += 1;
        }
    };
    let trustpoint = |name: &str| cfg.trustpoints.iter().find(|t| t.name == name);

    for p in &cfg.ikev2_profiles {
        let signs = is_cert_auth(&p.authentication_local);
        let verifies = is_cert_auth(&p.authentication_remote);
        for t in &p.pki_trustpoints {
            if trustpoint(&t.name).is_none() {
                find(
                    ConfigKind::TrustpointUndefined,
                    Some(t.line),
                    format!(
                        "IKEv2 profile {} names trustpoint {}, which is not configured: \
                         certificate authentication with this profile fails",
                        p.name, t.name
                    ),
                );
            }
        }
        if (signs || verifies) && p.pki_trustpoints.is_empty() {
            find(
                ConfigKind::NoTrustpoint,
                Some(p.line),
                format!(
                    "IKEv2 profile {} authenticates with certificates ({}) but has no `pki \
                     trustpoint`",
                    p.name,
                    if signs { "local" } else { "remote" }
                ),
            );
        }
        if signs {
            for t in profile_trustpoints(p, TrustpointUsage::Sign) {
                if trustpoint(&t.name).is_none() {
                    continue;
                }
                let ids: Vec<&LoadedCert> =
                    on_trustpoint(input, &t.name, &[IosRole::Identity, IosRole::SelfSigned])
                        .collect();
                if ids.is_empty() {
                    find(
                        ConfigKind::TrustpointNotEnrolled,
                        Some(t.line),
                        format!(
                            "IKEv2 profile {} signs its AUTH payload with trustpoint {}, which \
                             holds no identity certificate (not enrolled: no `certificate \
                             <serial>` in `crypto pki certificate chain {}`)",
                            p.name, t.name, t.name
                        ),
                    );
                }
                for id in ids {
                    identity_findings(&mut find, p.name.as_str(), &t.name, id, opts);
                }
            }
        }
        if verifies {
            for t in profile_trustpoints(p, TrustpointUsage::Verify) {
                if trustpoint(&t.name).is_none() {
                    continue;
                }
                let cas =
                    on_trustpoint(input, &t.name, &[IosRole::Ca, IosRole::SelfSigned]).count();
                if cas == 0 {
                    find(
                        ConfigKind::TrustpointNoCa,
                        Some(t.line),
                        format!(
                            "IKEv2 profile {} verifies peers with trustpoint {}, which holds no \
                             CA certificate: no peer certificate can be verified with it",
                            p.name, t.name
                        ),
                    );
                }
            }
            if p.match_certificate.is_empty() {
                find(
                    ConfigKind::NoCertificateMap,
                    Some(p.line),
                    format!(
                        "IKEv2 profile {} authenticates peers with {} but has no `match \
                         certificate`: {}, and any certificate that chains to a CA of its \
                         trustpoints is accepted; to admit only some peers, add a \
                         certificate map (`crypto pki certificate map NAME 10`, `subject-name \
                         co ...`) and `match certificate NAME`",
                        p.name,
                        p.authentication_remote
                            .iter()
                            .map(auth_name)
                            .collect::<Vec<_>>()
                            .join("/"),
                        if p.match_identity.is_empty() {
                            "nothing but the way it is applied selects it".to_string()
                        } else {
                            format!(
                                "the profile is selected by `match identity` ({})",
                                p.match_identity
                                    .iter()
                                    .map(|(m, _)| m.as_str())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            )
                        }
                    ),
                );
            }
        }
        for (map, line) in &p.match_certificate {
            if !cfg.certificate_maps.iter().any(|m| &m.label == map) {
                find(
                    ConfigKind::CertificateMapUndefined,
                    Some(*line),
                    format!(
                        "IKEv2 profile {} matches certificate map {map}, which is not \
                         configured: no certificate matches it",
                        p.name
                    ),
                );
            }
        }
    }
    for o in select::overlapping_profiles(cfg) {
        find(
            ConfigKind::ProfilesOverlap,
            Some(o.b.line),
            format!(
                "IKEv2 profiles {} and {} can both match one peer certificate ({}): which \
                 profile a peer gets is then not under your control",
                o.a.name, o.b.name, o.reason
            ),
        );
    }
    for t in &cfg.trustpoints {
        revocation_findings(
            &mut find,
            &format!("trustpoint {}", t.name),
            t.line,
            &t.revocation_check,
        );
        for m in t.match_certificate.iter().filter(|m| m.allow_expired) {
            find(
                ConfigKind::AllowExpired,
                Some(m.line),
                format!(
                    "trustpoint {} accepts expired peer certificates that match map {} (`match \
                     certificate {} allow expired-certificate`)",
                    t.name, m.map, m.map
                ),
            );
        }
    }
    if let Some(pool) = &cfg.trustpool_policy {
        revocation_findings(
            &mut find,
            "the trustpool policy",
            pool.line,
            &pool.revocation_check,
        );
        for m in pool.match_certificate.iter().filter(|m| m.allow_expired) {
            find(
                ConfigKind::AllowExpired,
                Some(m.line),
                format!(
                    "the trustpool policy accepts expired peer certificates that match map {}",
                    m.map
                ),
            );
        }
    }
    findings.sort_by_key(|f| (std::cmp::Reverse(f.severity()), f.line));
    Some(ConfigReport {
        suppressed,
        file: input.file.clone(),
        trustpoints: cfg
            .trustpoints
            .iter()
            .map(|t| summarize_trustpoint(input, t))
            .collect(),
        ikev2_profiles: cfg
            .ikev2_profiles
            .iter()
            .map(|p| ProfileSummary {
                name: p.name.clone(),
                line: p.line,
                match_certificate: p.match_certificate.iter().map(|(m, _)| m.clone()).collect(),
                match_identity: p.match_identity.iter().map(|(m, _)| m.clone()).collect(),
                authentication_local: p.authentication_local.iter().map(auth_name).collect(),
                authentication_remote: p.authentication_remote.iter().map(auth_name).collect(),
                sign_trustpoints: profile_trustpoints(p, TrustpointUsage::Sign)
                    .map(|t| t.name.clone())
                    .collect(),
                verify_trustpoints: profile_trustpoints(p, TrustpointUsage::Verify)
                    .map(|t| t.name.clone())
                    .collect(),
            })
            .collect(),
        certificate_maps: cfg.certificate_maps.len(),
        findings,
    })
}

fn summarize_trustpoint(input: &LoadedInput, t: &Trustpoint) -> TrustpointSummary {
    TrustpointSummary {
        name: t.name.clone(),
        line: t.line,
        identity: on_trustpoint(input, &t.name, &[IosRole::Identity, IosRole::SelfSigned])
            .map(cert_ref)
            .collect(),
        ca: on_trustpoint(input, &t.name, &[IosRole::Ca])
            .map(cert_ref)
            .collect(),
        revocation_check: if t.revocation_check.is_empty() {
            vec!["crl"]
        } else {
            revocation_names(&t.revocation_check)
        },
        allow_expired_maps: t
            .match_certificate
            .iter()
            .filter(|m| m.allow_expired)
            .map(|m| m.map.clone())
            .collect(),
    }
}

fn revocation_findings(
    find: &mut impl FnMut(ConfigKind, Option<usize>, String),
    what: &str,
    line: usize,
    methods: &[RevocationMethod],
) {
    match methods {
        [RevocationMethod::None] => find(
            ConfigKind::RevocationNone,
            Some(line),
            format!("{what} has `revocation-check none`: a revoked peer certificate is accepted"),
        ),
        [.., RevocationMethod::None] if methods.len() > 1 => find(
            ConfigKind::RevocationNone,
            Some(line),
            format!(
                "{what} has `revocation-check {}`: when the {} cannot be reached the peer is \
                 accepted unchecked",
                revocation_names(methods).join(" "),
                revocation_names(&methods[..methods.len() - 1]).join("/")
            ),
        ),
        _ => {}
    }
}

/// The identity certificate a profile signs with: validity at the audit
/// time, and the profile's KU/EKU rules.
fn identity_findings(
    find: &mut impl FnMut(ConfigKind, Option<usize>, String),
    profile: &str,
    tp: &str,
    id: &LoadedCert,
    opts: &Options,
) {
    let c = &id.cert;
    let now = opts.time.instant;
    let what = format!(
        "IKEv2 profile {profile} signs with trustpoint {tp}, whose identity certificate {} ({})",
        c.serial, c.subject.text
    );
    if c.not_after < now {
        find(
            ConfigKind::IdentityExpired,
            id.provenance.line,
            format!(
                "{what} expired {} ({} before the audit time): peers reject the AUTH payload",
                ts(c.not_after),
                crate::time::format::span(c.not_after, now)
            ),
        );
    } else if c.not_before > now {
        find(
            ConfigKind::IdentityExpired,
            id.provenance.line,
            format!("{what} is not valid before {}", ts(c.not_before)),
        );
    } else if c.days_left(now) < opts.warn_days {
        find(
            ConfigKind::IdentityExpiring,
            id.provenance.line,
            format!(
                "{what} expires {} (in {})",
                ts(c.not_after),
                crate::time::format::span(now, c.not_after)
            ),
        );
    }
    // The device's own certificate is judged as its peers judge it: with
    // the profile's rules when the profile is about a headend, else as any
    // IKEv2 peer does (a --profile flexvpn-client run is about the clients).
    let profile = if opts.profile.is_client() {
        Profile::Ikev2
    } else {
        opts.profile
    };
    let device_opts = Options {
        profile,
        host: None,
        ..opts.clone()
    };
    let ctx = Ctx {
        cert: c,
        role: Role::EndEntity,
        role_reason: "the trustpoint's identity certificate",
        opts: &device_opts,
        chain: None,
        cross_check: &[],
        peer: None,
        revocation: &[],
    };
    for rule in rules::RULES.iter().filter(|r| {
        (r.id.starts_with("ku.") || r.id.starts_with("eku."))
            && r.severity == Severity::Error
            && r.applies(profile, Role::EndEntity)
    }) {
        for m in (rule.check)(&ctx) {
            find(
                ConfigKind::IdentityUsage,
                id.provenance.line,
                format!("{what}: {m} ({}, profile {})", rule.id, profile.name()),
            );
        }
    }
}

/// A profile that does or does not match a peer certificate, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub profile: String,
    pub line: usize,
    pub reason: String,
}

/// How a device configured by a running-config sees one peer certificate.
#[derive(Debug, Clone, Serialize)]
pub struct PeerSelection {
    /// The configuration file (`--config`).
    pub config: String,
    /// The IKEv2 profile the certificate selects; `None` when no profile
    /// matches or several do.
    pub selected: Option<String>,
    pub matching: Vec<Candidate>,
    pub not_matching: Vec<Candidate>,
    /// Profiles selected by `match identity` only, which a certificate
    /// alone cannot decide.
    pub undecidable: Vec<Candidate>,
    /// The profile whose trustpoints the certificate is audited under.
    pub audited_under: Option<String>,
    /// Its verifying trustpoints.
    pub verify_trustpoints: Vec<String>,
    /// The CA certificates of those trustpoints (the device's anchors).
    pub anchors: Vec<String>,
    #[serde(skip)]
    pub anchor_certs: Vec<PoolCert>,
    /// Per trustpoint: revocation methods.
    pub revocation: Vec<(String, Vec<&'static str>)>,
    /// `allow expired-certificate` applies to this certificate.
    pub allow_expired: Option<String>,
}

impl PeerSelection {
    pub(crate) fn selected_messages(&self) -> Vec<String> {
        let Some(profile) = &self.audited_under else {
            return Vec::new();
        };
        let how = self
            .matching
            .iter()
            .find(|c| &c.profile == profile)
            .map(|c| c.reason.as_str())
            .unwrap_or("");
        vec![format!(
            "{} IKEv2 profile {profile} ({how}); verified by trustpoint{} {} with anchor{} [{}]",
            if self.selected.is_some() {
                "selects"
            } else {
                "is audited under"
            },
            if self.verify_trustpoints.len() == 1 {
                ""
            } else {
                "s"
            },
            if self.verify_trustpoints.is_empty() {
                "(none)".to_string()
            } else {
                self.verify_trustpoints.join(", ")
            },
            if self.anchors.len() == 1 { "" } else { "s" },
            self.anchors.join("; ")
        )]
    }

    pub(crate) fn no_profile_messages(&self) -> Vec<String> {
        if !self.matching.is_empty() {
            return Vec::new();
        }
        let mut why: Vec<String> = self
            .not_matching
            .iter()
            .map(|c| format!("{}: {}", c.profile, c.reason))
            .collect();
        why.extend(self.undecidable.iter().map(|c| {
            format!(
                "{} (only by identity, not decidable from the certificate): {}",
                c.profile, c.reason
            )
        }));
        vec![format!(
            "no IKEv2 profile in {} matches this certificate, so the device cannot associate \
             the peer with a profile and authentication fails: {}",
            self.config,
            if why.is_empty() {
                "the configuration has no IKEv2 profile".to_string()
            } else {
                why.join("; ")
            }
        )]
    }

    pub(crate) fn ambiguous_messages(&self) -> Vec<String> {
        if self.matching.len() < 2 {
            return Vec::new();
        }
        vec![format!(
            "{} IKEv2 profiles match this certificate: {}; which one the device picks is not \
             set by the configuration (audited under {})",
            self.matching.len(),
            self.matching
                .iter()
                .map(|c| format!("{} ({})", c.profile, c.reason))
                .collect::<Vec<_>>()
                .join(", "),
            self.audited_under.as_deref().unwrap_or("none")
        )]
    }

    pub(crate) fn policy_messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (tp, methods) in &self.revocation {
            if methods.contains(&"none") {
                out.push(format!(
                    "trustpoint {tp} has `revocation-check {}`: the device {} whether this \
                     certificate is revoked",
                    methods.join(" "),
                    if methods == &["none"] {
                        "never checks"
                    } else {
                        "may not check"
                    }
                ));
            }
        }
        if let Some(why) = &self.allow_expired {
            out.push(format!(
                "the device accepts this certificate even when expired: {why}"
            ));
        }
        out
    }
}

/// How the device configured by `device` (a loaded running-config) sees
/// `cert`: the profile it selects and that profile's verifying trustpoints.
pub fn select_peer(device: &LoadedInput, cert: &Certificate) -> Option<PeerSelection> {
    let cfg: &IosConfig = device.ios_config.as_deref()?;
    let sel = select::select(cfg, cert);
    let candidate = |p: &crate::ios::config::Ikev2Profile, reason: &str| Candidate {
        profile: p.name.clone(),
        line: p.line,
        reason: reason.to_string(),
    };
    let matching: Vec<Candidate> = sel
        .matching
        .iter()
        .map(|c| candidate(c.profile, &c.matched_by))
        .collect();
    let not_matching = sel
        .not_matching
        .iter()
        .map(|(p, why)| candidate(p, why))
        .collect();
    let undecidable = sel
        .undecidable
        .iter()
        .map(|(p, why)| candidate(p, why))
        .collect();
    let audited = sel.matching.first().map(|c| c.profile);
    let verify: Vec<String> = audited
        .map(|p| {
            profile_trustpoints(p, TrustpointUsage::Verify)
                .map(|t| t.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut anchor_certs = Vec::new();
    let mut revocation = Vec::new();
    let mut allow_expired = None;
    for tp in &verify {
        for c in on_trustpoint(device, tp, &[IosRole::Ca, IosRole::SelfSigned]) {
            anchor_certs.push(PoolCert {
                cert: crate::model::Certificate::clone(&c.cert),
                source: format!("{} (trustpoint {tp})", c.provenance),
            });
        }
        if let Some(t) = cfg.trustpoints.iter().find(|t| &t.name == tp) {
            revocation.push((
                tp.clone(),
                if t.revocation_check.is_empty() {
                    vec!["crl"]
                } else {
                    revocation_names(&t.revocation_check)
                },
            ));
            for m in t.match_certificate.iter().filter(|m| m.allow_expired) {
                if crate::ios::certmap::map_matches(cfg, &m.map, cert).matched() {
                    allow_expired.get_or_insert(format!(
                        "trustpoint {tp} has `match certificate {} allow expired-certificate` \
                         (line {}) and the certificate matches map {}",
                        m.map, m.line, m.map
                    ));
                }
            }
        }
    }
    Some(PeerSelection {
        config: device.file.clone(),
        selected: (sel.matching.len() == 1).then(|| matching[0].profile.clone()),
        audited_under: audited.map(|p| p.name.clone()),
        matching,
        not_matching,
        undecidable,
        verify_trustpoints: verify,
        anchors: anchor_certs
            .iter()
            .map(|a| a.cert.subject.text.clone())
            .collect(),
        anchor_certs,
        revocation,
        allow_expired,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_bytes;
    use crate::testkit::{ymd, CertSpec, Issued};
    use rcgen::KeyUsagePurpose as K;

    /// A `crypto pki certificate chain` block as IOS writes it.
    fn chain(tp: &str, certs: &[(&str, &[u8])]) -> String {
        let mut s = format!("crypto pki certificate chain {tp}\n");
        for (kind, der) in certs {
            s.push_str(&format!(" {kind} 01\n"));
            for line in der.chunks(32) {
                let groups: Vec<String> = line
                    .chunks(4)
                    .map(|g| g.iter().map(|b| format!("{b:02X}")).collect())
                    .collect();
                s.push_str(&format!("  {}\n", groups.join(" ")));
            }
            s.push_str("  \tquit\n");
        }
        s
    }

    struct Pki {
        ca: Issued,
        id: Issued,
    }

    fn pki(leaf: CertSpec) -> Pki {
        let ca = Issued::root("Example VPN CA");
        let id = ca.issue(leaf);
        Pki { ca, id }
    }

    fn good_id() -> CertSpec {
        CertSpec::leaf("hub.example.com").ku(&[K::DigitalSignature, K::KeyEncipherment])
    }

    /// Audit `text` (a running-config) at 2026-01-01: `(rule id, line)`.
    fn findings(text: &str) -> Vec<(&'static str, Option<usize>, String)> {
        let input = load_bytes("running-config", text.as_bytes());
        assert!(input.ios_config.is_some(), "{:?}", input.problems);
        audit_config(&input, &Options::test())
            .expect("a running-config")
            .findings
            .into_iter()
            .map(|f| (f.rule.id, f.line, f.message))
            .collect()
    }

    fn ids(text: &str) -> Vec<&'static str> {
        let mut v: Vec<&str> = findings(text).into_iter().map(|f| f.0).collect();
        v.sort_unstable();
        v
    }

    /// A hub with one profile that signs and verifies with HUB-TP.
    fn hub(p: &Pki, tp_extra: &str, profile_extra: &str, maps: &str) -> String {
        format!(
            "hub#show running-config\n!\ncrypto pki trustpoint HUB-TP\n enrollment terminal\n \
             revocation-check crl\n{tp_extra}!\n{maps}!\n{}!\ncrypto ikev2 profile HUB-PROF\n{profile_extra} \
             authentication remote rsa-sig\n authentication local rsa-sig\n pki trustpoint HUB-TP\n!\nend\n",
            chain(
                "HUB-TP",
                &[("certificate", &p.id.der()), ("certificate ca", &p.ca.der())]
            )
        )
    }

    const SPOKES: &str = "crypto pki certificate map SPOKES 10\n subject-name co o = example vpn\n";

    #[test]
    fn a_sound_hub_has_no_findings() {
        let p = pki(good_id());
        let cfg = hub(&p, "", " match certificate SPOKES\n", SPOKES);
        assert_eq!(findings(&cfg), vec![]);
    }

    #[test]
    fn undefined_trustpoint_and_map() {
        let p = pki(good_id());
        let cfg = hub(
            &p,
            "",
            " match certificate NOPE\n pki trustpoint GONE-TP verify\n",
            SPOKES,
        );
        let f = findings(&cfg);
        assert_eq!(
            ids(&cfg),
            [
                "config.ikev2.certificate-map-undefined",
                "config.ikev2.trustpoint-undefined"
            ]
        );
        let undefined = f
            .iter()
            .find(|f| f.0 == "config.ikev2.trustpoint-undefined")
            .unwrap();
        assert!(undefined.2.contains("GONE-TP"), "{}", undefined.2);
        // the line of the `pki trustpoint GONE-TP` statement
        let line = cfg
            .lines()
            .position(|l| l.contains("GONE-TP"))
            .map(|i| i + 1);
        assert_eq!(undefined.1, line);
    }

    #[test]
    fn signing_trustpoint_without_identity_is_not_enrolled() {
        let p = pki(good_id());
        let cfg = format!(
            "crypto pki trustpoint NEW-TP\n enrollment url http://192.0.2.5:80\n!\n{}\
             crypto ikev2 profile P\n match certificate SPOKES\n authentication local rsa-sig\n \
             authentication remote rsa-sig\n pki trustpoint NEW-TP\n!\n{SPOKES}",
            chain("NEW-TP", &[("certificate ca", &p.ca.der())])
        );
        assert_eq!(ids(&cfg), ["config.ikev2.trustpoint-not-enrolled"]);
        // verify-only use needs no identity certificate
        let verify_only = cfg.replace(
            " pki trustpoint NEW-TP\n",
            " pki trustpoint NEW-TP verify\n",
        );
        let verify_only = verify_only.replace(
            "authentication local rsa-sig",
            "authentication local pre-share",
        );
        assert_eq!(ids(&verify_only), Vec::<&str>::new());
    }

    #[test]
    fn certificate_auth_without_trustpoint_or_map() {
        let cfg = "crypto ikev2 profile P\n match identity remote fqdn spoke.example.com\n \
                   authentication remote rsa-sig\n authentication local pre-share\n!\n";
        assert_eq!(
            ids(cfg),
            [
                "config.ikev2.no-certificate-map",
                "config.ikev2.no-trustpoint"
            ]
        );
        // pre-shared keys both ways need neither
        let psk = cfg.replace("remote rsa-sig", "remote pre-share");
        assert_eq!(ids(&psk), Vec::<&str>::new());
    }

    #[test]
    fn verifying_trustpoint_without_ca() {
        let p = pki(good_id());
        let cfg = format!(
            "crypto pki trustpoint ID-ONLY\n enrollment terminal\n!\n{}\
             crypto ikev2 profile P\n match certificate SPOKES\n authentication local rsa-sig\n \
             authentication remote rsa-sig\n pki trustpoint ID-ONLY\n!\n{SPOKES}",
            chain("ID-ONLY", &[("certificate", &p.id.der())])
        );
        assert_eq!(ids(&cfg), ["config.ikev2.trustpoint-no-ca"]);
    }

    #[test]
    fn overlapping_profiles_and_disjoint_ones() {
        let p = pki(good_id());
        let two = |a: &str, b: &str| {
            format!(
                "{}crypto pki certificate map A 10\n subject-name {a}\n!\n\
                 crypto pki certificate map B 10\n subject-name {b}\n!\n\
                 crypto ikev2 profile PB\n match certificate B\n authentication remote rsa-sig\n \
                 authentication local rsa-sig\n pki trustpoint HUB-TP\n!\n",
                hub(&p, "", " match certificate A\n", "")
            )
        };
        let overlap = two("co o = example vpn", "eq cn = alice, o = example vpn");
        assert_eq!(ids(&overlap), ["config.ikev2.profiles-overlap"]);
        let f = findings(&overlap);
        assert!(
            f[0].2.contains("HUB-PROF") && f[0].2.contains("PB"),
            "{}",
            f[0].2
        );
        let disjoint = two("eq cn = alice", "eq cn = bob");
        assert_eq!(ids(&disjoint), Vec::<&str>::new());
    }

    #[test]
    fn revocation_none_and_soft_fail_and_allow_expired() {
        let p = pki(good_id());
        let none = hub(
            &p,
            " revocation-check none\n",
            " match certificate SPOKES\n",
            SPOKES,
        );
        // the later `revocation-check` replaces the earlier one, as IOS does
        let f = findings(&none);
        assert_eq!(ids(&none), ["config.trustpoint.revocation-none"], "{f:?}");
        assert!(f[0].2.contains("a revoked peer certificate is accepted"));
        let soft = hub(
            &p,
            " revocation-check crl none\n",
            " match certificate SPOKES\n",
            SPOKES,
        );
        let f = findings(&soft);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].2.contains("cannot be reached"), "{}", f[0].2);
        let allow = hub(
            &p,
            " match certificate SPOKES allow expired-certificate\n",
            " match certificate SPOKES\n",
            SPOKES,
        );
        assert_eq!(ids(&allow), ["config.trustpoint.allow-expired"]);
    }

    #[test]
    fn identity_certificate_expired_expiring_and_usage() {
        let expired = pki(good_id().valid(ymd((2024, 1, 1)), ymd((2025, 6, 1))));
        let cfg = hub(&expired, "", " match certificate SPOKES\n", SPOKES);
        let f = findings(&cfg);
        assert_eq!(ids(&cfg), ["config.identity.expired"], "{f:?}");
        assert!(
            f[0].2.contains("HUB-PROF") && f[0].2.contains("HUB-TP"),
            "{}",
            f[0].2
        );
        let soon = pki(good_id().valid(ymd((2025, 1, 1)), ymd((2026, 1, 20))));
        let cfg = hub(&soon, "", " match certificate SPOKES\n", SPOKES);
        assert_eq!(ids(&cfg), ["config.identity.expiring"]);
        let keyenc = pki(CertSpec::leaf("hub.example.com").ku(&[K::KeyEncipherment]));
        let cfg = hub(&keyenc, "", " match certificate SPOKES\n", SPOKES);
        let f = findings(&cfg);
        assert_eq!(ids(&cfg), ["config.identity.usage"], "{f:?}");
        assert!(f[0].2.contains("ku.ikev2.signing-bit"), "{}", f[0].2);
    }

    #[test]
    fn peer_view_selects_profile_anchors_and_allow_expired() {
        let p = pki(good_id());
        let cfg = hub(
            &p,
            " match certificate SPOKES allow expired-certificate\n",
            " match certificate SPOKES\n",
            SPOKES,
        );
        let device = load_bytes("running-config", cfg.as_bytes());
        let alice = p.ca.issue(CertSpec::leaf("alice"));
        let alice = Certificate::from_der(&alice.der()).unwrap();
        let view = select_peer(&device, &alice).expect("a config");
        assert_eq!(view.selected.as_deref(), Some("HUB-PROF"));
        assert_eq!(view.verify_trustpoints, ["HUB-TP"]);
        assert_eq!(view.anchor_certs.len(), 1);
        assert_eq!(
            view.anchor_certs[0].cert.sha256,
            Certificate::from_der(&p.ca.der()).unwrap().sha256
        );
        assert!(view.allow_expired.is_some());
        assert!(view.no_profile_messages().is_empty());
        // a peer outside the map selects nothing, and the reason names the map
        let other =
            Issued::root("Other CA").issue(CertSpec::leaf("mallory").org(Some("Evil Corp")));
        let other = Certificate::from_der(&other.der()).unwrap();
        let view = select_peer(&device, &other).unwrap();
        assert_eq!(view.selected, None);
        let m = view.no_profile_messages();
        assert_eq!(m.len(), 1);
        assert!(
            m[0].contains("HUB-PROF") && m[0].contains("SPOKES"),
            "{}",
            m[0]
        );
        assert!(view.allow_expired.is_none());
    }
}
