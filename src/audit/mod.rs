//! Assemble the loaded certificates into audit subjects and run the rules.
//!
//! Duplicates (same SHA-256) are merged, keeping every place they were seen.
//! Each certificate gets a role: a CA when it asserts basicConstraints
//! cA=TRUE or issued another certificate of the same run, otherwise an end
//! entity. End entities get the profile's rules, CAs the CA rules, and every
//! certificate the common ones.

pub mod chain;
pub mod names;
pub mod profile;
pub mod rules;

use std::collections::HashMap;

use serde::Serialize;

use crate::load::{LoadedInput, ProblemLevel, Provenance};
use crate::model::Certificate;
use crate::time::AuditTime;
use chain::{ChainReport, EkuPolicy, PoolCert, TrustStore};
use names::Host;
use profile::Profile;
use rules::{Ctx, Rule, Severity};

/// Everything an audit depends on besides the certificates.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Profile,
    pub host: Option<Host>,
    pub time: AuditTime,
    /// Warn about certificates that expire within this many days.
    pub warn_days: i64,
    /// IOS `match certificate ... allow expired-certificates`.
    pub allow_expired: bool,
    /// SHA-1 SPKI hashes from the peer's CERTREQ (`--certreq`), lower-case hex.
    pub certreq: Option<Vec<String>>,
}

impl Options {
    pub fn new(profile: Profile, time: AuditTime) -> Self {
        Options {
            profile,
            host: None,
            time,
            warn_days: 30,
            allow_expired: false,
            certreq: None,
        }
    }

    /// The EKU the profile needs along the whole path, as webpki (and
    /// Windows' chain engine) enforce it on intermediates too.
    pub fn chain_eku(&self) -> EkuPolicy {
        match self.profile {
            Profile::FlexVpnServer | Profile::EapServer => EkuPolicy::ServerAuth,
            Profile::FlexVpnClient => EkuPolicy::ClientAuth,
            Profile::Ikev2 | Profile::Rfc4945 | Profile::AnyConnectServer => EkuPolicy::Any,
        }
    }

    /// Options for tests: profile ikev2, audit time 2026-01-01.
    #[cfg(test)]
    pub(crate) fn test() -> Self {
        Self::test_at(2026, 1, 1)
    }

    #[cfg(test)]
    pub(crate) fn test_at(y: i32, m: u32, d: u32) -> Self {
        use chrono::TimeZone;
        let t = chrono::Utc
            .with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .expect("valid test date");
        Options::new(Profile::Ikev2, AuditTime::given(t))
    }
}

/// What a certificate is in this audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    EndEntity,
    Ca,
}

/// The verdict for one certificate or a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    fn from_severity(s: Option<Severity>) -> Verdict {
        match s {
            Some(Severity::Error) => Verdict::Fail,
            Some(Severity::Warning) => Verdict::Warn,
            _ => Verdict::Pass,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// One rule's result on one certificate.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub message: String,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.rule.severity
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 5)?;
        st.serialize_field("rule", self.rule.id)?;
        st.serialize_field("severity", &self.rule.severity)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("summary", self.rule.summary)?;
        st.serialize_field("citations", self.rule.citations)?;
        st.end()
    }
}

/// A unique certificate of the run: where it was seen and what it is.
#[derive(Debug, Clone)]
pub struct Subject {
    pub provenance: Provenance,
    /// Other places the same certificate (same SHA-256) was seen.
    pub duplicates: Vec<Provenance>,
    pub cert: Certificate,
    pub role: Role,
    /// Why it got its role, in words.
    pub role_reason: String,
}

/// A certificate with its findings.
#[derive(Debug, Clone)]
pub struct AuditedCert {
    pub subject: Subject,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    /// The chain analysis, for end-entity certificates.
    pub chain: Option<ChainReport>,
}

/// Where chains may be built to, besides the inputs themselves.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// `--trust` inputs: their certificates are trust anchors.
    pub anchors: Vec<LoadedInput>,
    /// `--untrusted` inputs: extra intermediates.
    pub untrusted: Vec<LoadedInput>,
    /// `--system-trust`: the operating system's roots.
    pub system: Vec<PoolCert>,
}

impl Trust {
    fn store(&self) -> TrustStore {
        fn pool(inputs: &[LoadedInput]) -> Vec<PoolCert> {
            let mut seen = std::collections::HashSet::new();
            inputs
                .iter()
                .flat_map(|i| i.certs.iter())
                .filter(|c| seen.insert(c.cert.sha256.clone()))
                .map(|c| PoolCert {
                    cert: c.cert.clone(),
                    source: c.provenance.to_string(),
                })
                .collect()
        }
        TrustStore {
            anchors: pool(&self.anchors),
            system: self.system.clone(),
            untrusted: pool(&self.untrusted),
        }
    }
}

/// Counts that add up: every certificate found is either unique or a
/// duplicate, and every unique one has exactly one verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub inputs: usize,
    pub inputs_with_errors: usize,
    pub input_errors: usize,
    pub certificates_found: usize,
    pub certificates: usize,
    pub duplicates: usize,
    pub end_entities: usize,
    pub cas: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
}

/// The result of `check`.
#[derive(Debug, Clone)]
pub struct Report {
    pub options: Options,
    pub inputs: Vec<LoadedInput>,
    pub trust: Vec<LoadedInput>,
    pub untrusted: Vec<LoadedInput>,
    /// How many system roots were used (`--system-trust`).
    pub system_anchors: usize,
    pub certificates: Vec<AuditedCert>,
    pub summary: Summary,
    pub verdict: Verdict,
}

impl Report {
    /// True when some input (or trust input) could not be read in full.
    pub fn has_input_errors(&self) -> bool {
        self.inputs
            .iter()
            .chain(&self.trust)
            .any(|i| i.has_errors())
    }

    /// The most severe finding of the run.
    pub fn max_severity(&self) -> Option<Severity> {
        self.certificates
            .iter()
            .flat_map(|c| c.findings.iter().map(Finding::severity))
            .max()
    }
}

/// Merge duplicates and decide roles. Certificates keep the order in which
/// they were first seen.
pub fn assemble(inputs: &[LoadedInput]) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = Vec::new();
    let mut by_hash: HashMap<&str, usize> = HashMap::new();
    for loaded in inputs.iter().flat_map(|i| i.certs.iter()) {
        if let Some(&i) = by_hash.get(loaded.cert.sha256.as_str()) {
            subjects[i].duplicates.push(loaded.provenance.clone());
            continue;
        }
        by_hash.insert(loaded.cert.sha256.as_str(), subjects.len());
        subjects.push(Subject {
            provenance: loaded.provenance.clone(),
            duplicates: Vec::new(),
            cert: loaded.cert.clone(),
            role: Role::EndEntity,
            role_reason: String::new(),
        });
    }
    let roles: Vec<(Role, String)> = subjects
        .iter()
        .map(|s| role_of(&s.cert, &subjects))
        .collect();
    for (s, (role, reason)) in subjects.iter_mut().zip(roles) {
        s.role = role;
        s.role_reason = reason;
    }
    subjects
}

fn role_of(cert: &Certificate, all: &[Subject]) -> (Role, String) {
    if cert.asserts_ca() {
        return (Role::Ca, "basicConstraints cA=TRUE".into());
    }
    let issued = all.iter().find(|other| {
        let o = &other.cert;
        o.sha256 != cert.sha256
            && o.issuer.raw == cert.subject.raw
            && !(o.self_issued && o.subject.raw == cert.subject.raw)
            && match (
                o.authority_key_id.as_ref().and_then(|a| a.key_id.as_ref()),
                cert.subject_key_id.as_ref(),
            ) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            }
    });
    match issued {
        Some(child) => (
            Role::Ca,
            format!(
                "issued {} in this input (no cA=TRUE)",
                child.cert.subject.text
            ),
        ),
        None => (
            Role::EndEntity,
            if cert.self_issued {
                "self-issued, not a CA".into()
            } else {
                "not a CA".into()
            },
        ),
    }
}

/// Run every rule that applies. `chain` is the chain analysis of an
/// end-entity certificate (see [`chain::analyze`]).
pub fn audit_subject(subject: Subject, chain: Option<ChainReport>, opts: &Options) -> AuditedCert {
    let ctx = Ctx {
        cert: &subject.cert,
        role: subject.role,
        opts,
        chain: chain.as_ref(),
    };
    let mut findings = Vec::new();
    for rule in rules::RULES {
        if !rule.applies(opts.profile, subject.role) {
            continue;
        }
        findings.extend(
            (rule.check)(&ctx)
                .into_iter()
                .map(|message| Finding { rule, message }),
        );
    }
    // Most severe first; rule order within a severity.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity()));
    let verdict = Verdict::from_severity(findings.iter().map(Finding::severity).max());
    AuditedCert {
        subject,
        findings,
        verdict,
        chain,
    }
}

/// Every place a subject was seen in `file`, as positions among the
/// certificates of that file.
fn position_in(s: &Subject, file: &str) -> Option<usize> {
    std::iter::once(&s.provenance)
        .chain(&s.duplicates)
        .filter(|p| p.file == file)
        .map(|p| p.index)
        .min()
}

/// The chain of one end-entity subject: the other certificates of its input
/// are what it is sent with.
fn chain_of(i: usize, subjects: &[Subject], store: &TrustStore, opts: &Options) -> ChainReport {
    let leaf = &subjects[i];
    let file = leaf.provenance.file.as_str();
    let mut sent: Vec<(usize, &Subject)> = subjects
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .filter_map(|(_, s)| position_in(s, file).map(|p| (p, s)))
        .collect();
    sent.sort_by_key(|(p, _)| *p);
    let input = chain::ChainInput {
        leaf: &leaf.cert,
        leaf_source: &leaf.provenance.to_string(),
        leaf_position: leaf.provenance.index,
        sent_positions: sent.iter().map(|(p, _)| *p).collect(),
        sent: sent
            .iter()
            .map(|(_, s)| (&s.cert, s.provenance.to_string()))
            .collect(),
    };
    let chain_opts = chain::ChainOptions {
        time: opts.time.instant,
        eku: opts.chain_eku(),
        warn_days: opts.warn_days,
        crls: &[],
        certreq: opts.certreq.as_deref(),
    };
    chain::analyze(&input, store, &chain_opts)
}

/// Audit everything loaded. The certificates of `trust` are not audited
/// themselves: they are what chains are built to.
pub fn audit(inputs: Vec<LoadedInput>, trust: Trust, opts: &Options) -> Report {
    let subjects = assemble(&inputs);
    let store = trust.store();
    let chains: Vec<Option<ChainReport>> = (0..subjects.len())
        .map(|i| {
            (subjects[i].role == Role::EndEntity).then(|| chain_of(i, &subjects, &store, opts))
        })
        .collect();
    let certificates: Vec<AuditedCert> = subjects
        .into_iter()
        .zip(chains)
        .map(|(s, c)| audit_subject(s, c, opts))
        .collect();
    let mut summary = Summary {
        inputs: inputs.len(),
        ..Summary::default()
    };
    for input in &inputs {
        summary.certificates_found += input.certs.len();
        let errors = input
            .problems
            .iter()
            .filter(|p| p.level == ProblemLevel::Error)
            .count();
        summary.input_errors += errors;
        if errors > 0 {
            summary.inputs_with_errors += 1;
        }
    }
    summary.certificates = certificates.len();
    summary.duplicates = summary.certificates_found - summary.certificates;
    for c in &certificates {
        match c.subject.role {
            Role::EndEntity => summary.end_entities += 1,
            Role::Ca => summary.cas += 1,
        }
        match c.verdict {
            Verdict::Pass => summary.pass += 1,
            Verdict::Warn => summary.warn += 1,
            Verdict::Fail => summary.fail += 1,
        }
    }
    // An input that could not be read fails the run: a script that reads
    // only `verdict` must not see "pass" for a file nobody looked into.
    let unreadable = inputs
        .iter()
        .chain(&trust.anchors)
        .chain(&trust.untrusted)
        .any(LoadedInput::has_errors);
    let verdict = certificates
        .iter()
        .map(|c| c.verdict)
        .chain(unreadable.then_some(Verdict::Fail))
        .max()
        .unwrap_or(Verdict::Pass);
    Report {
        options: opts.clone(),
        inputs,
        system_anchors: trust.system.len(),
        trust: trust.anchors,
        untrusted: trust.untrusted,
        certificates,
        summary,
        verdict,
    }
}
