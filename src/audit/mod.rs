//! Assemble the loaded certificates into audit subjects and run the rules.
//!
//! Duplicates (same SHA-256) are merged, keeping every place they were seen.
//! Each certificate gets a role: the end entity when its input says a peer
//! presents it (first IKE CERT payload, IOS identity certificate, the bottom
//! of a headend's chain file when it looks like an end entity), whatever
//! its basicConstraints say; otherwise a CA when it asserts cA=TRUE or
//! issued another certificate of the same run, else an end entity (see
//! `role_of`). End entities get the profile's rules, CAs the CA rules, and
//! every certificate the common ones.

pub mod chain;
pub mod device;
pub mod identity;
mod keys;
pub mod names;
pub mod path;
pub mod profile;
pub mod rules;

use std::collections::HashMap;

use serde::Serialize;

use crate::assemble::{assemble, position_in, requested_in_capture, trustpoint_anchors};
pub use crate::assemble::{Record, Role, Subject};
use crate::audit::device::{ConfigReport, PeerSelection};
use crate::load::{LoadedInput, ProblemLevel};
use crate::model::partial::Need;
use crate::model::Certificate;
use crate::revocation;
use crate::time::AuditTime;
use chain::{ChainReport, EkuPolicy, PoolCert, TrustStore};
use names::Host;
pub use path::signature::memo::{SigCounts, SigMemo};
use profile::Profile;
use rules::{Ctx, Rule, Severity};

/// Everything an audit depends on besides the certificates.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Profile,
    pub host: Option<Host>,
    /// The IKE identity the certificate's holder sends (`--id`), checked
    /// against the certificate for every profile.
    pub id: Option<identity::IkeId>,
    pub time: AuditTime,
    /// Warn about certificates that expire within this many days.
    pub warn_days: i64,
    /// IOS `match certificate ... allow expired-certificate`.
    pub allow_expired: bool,
    /// SHA-1 SPKI hashes from the peer's CERTREQ (`--certreq`), lower-case hex.
    pub certreq: Option<Vec<String>>,
    /// Revocation checking (`--revocation`); `None` is off.
    pub revocation: Option<std::sync::Arc<revocation::Revocation>>,
    /// NTP answers, clock offsets, the device clock (`--ntp`,
    /// `--device-clock`): for the time findings.
    pub time_evidence: crate::time::TimeEvidence,
    /// What the inputs are (`--kind`): whether the sent-chain findings
    /// apply to them.
    pub holds: Holds,
    /// `--ignore` and `--severity`.
    pub rule_policy: std::sync::Arc<rules::RulePolicy>,
    /// The run's memo of signature verifications: share one (clone the
    /// `Arc`) across every audit of a run, so that each distinct signature
    /// is verified once.
    pub signatures: std::sync::Arc<SigMemo>,
}

/// What a set of inputs holds (`--kind`, inventory `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Holds {
    /// A file holding an end-entity certificate with CA certificates is a
    /// bundle as a headend sends it; a certificate alone is stored.
    #[default]
    Auto,
    /// Every file is what a headend sends: the sent-chain findings apply
    /// even to a leaf alone.
    Headend,
    /// Certificates kept on disk: judged on whether their chains can be
    /// built, never as a sent chain.
    Stored,
    /// Trust anchors (a trust store, a trustpoint's CA certificates):
    /// audited for their own validity, and anchors for the target.
    Trust,
}

impl Holds {
    pub const ALL: [Holds; 4] = [Holds::Auto, Holds::Headend, Holds::Stored, Holds::Trust];

    pub fn name(self) -> &'static str {
        match self {
            Holds::Auto => "auto",
            Holds::Headend => "headend",
            Holds::Stored => "stored",
            Holds::Trust => "trust",
        }
    }

    pub fn parse(text: &str) -> Result<Holds, String> {
        Holds::ALL
            .into_iter()
            .find(|h| h.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| format!("unknown kind '{text}' (one of auto, headend, stored, trust)"))
    }
}

impl Options {
    pub fn new(profile: Profile, time: AuditTime) -> Self {
        Options {
            profile,
            host: None,
            id: None,
            time,
            warn_days: 30,
            allow_expired: false,
            certreq: None,
            revocation: None,
            time_evidence: crate::time::TimeEvidence::default(),
            holds: Holds::Auto,
            rule_policy: std::sync::Arc::default(),
            signatures: std::sync::Arc::default(),
        }
    }

    /// The EKU the profile needs along the whole path, as webpki (and
    /// Windows' chain engine) enforce it on intermediates too.
    pub fn chain_eku(&self) -> EkuPolicy {
        match self.profile {
            Profile::FlexVpnServer | Profile::EapServer => EkuPolicy::ServerAuth,
            Profile::FlexVpnClient => EkuPolicy::ClientAuth,
            // Neither Apple nor Cisco documents EKU chaining for these
            // peers: only the leaf's EKU is judged (their profile rules).
            Profile::Ikev2
            | Profile::Rfc4945
            | Profile::AnyConnectServer
            | Profile::AppleClient
            | Profile::AnyConnectClient => EkuPolicy::Any,
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

/// The verdict for one certificate or a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn from_severity(s: Option<Severity>) -> Verdict {
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
    /// The rule's severity, or what `--severity` made it.
    severity: Severity,
}

impl Finding {
    pub fn new(rule: &'static Rule, message: String) -> Finding {
        Finding {
            rule,
            message,
            severity: rule.severity,
        }
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }
}

/// Apply `policy` to `findings`: ignored ones are removed, others take
/// their severity from it. Returns how many were removed.
pub fn apply_policy(findings: &mut Vec<Finding>, policy: &rules::RulePolicy) -> usize {
    if policy.is_empty() {
        return 0;
    }
    let before = findings.len();
    findings.retain_mut(|f| match policy.decide(f.rule) {
        Some(s) => {
            f.severity = s;
            true
        }
        None => false,
    });
    before - findings.len()
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 6)?;
        st.serialize_field("rule", self.rule.id)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("summary", self.rule.summary)?;
        st.serialize_field("fix", self.rule.fix)?;
        st.serialize_field("citations", self.rule.citations)?;
        st.end()
    }
}

/// A certificate with its findings.
#[derive(Debug, Clone)]
pub struct AuditedCert {
    pub subject: Subject,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    /// The chain analysis, for end-entity certificates.
    pub chain: Option<ChainReport>,
    /// With `--config`: the IKEv2 profile the certificate selects.
    pub peer: Option<PeerSelection>,
    /// With `--revocation`: the status of each certificate of the path.
    pub revocation: Vec<revocation::RevocationResult>,
    /// Findings `--ignore` removed.
    pub suppressed: usize,
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
    /// `--config`: the running-config of the device that judges the peer
    /// certificates (its IKEv2 profiles select them, its trustpoints'
    /// CA certificates anchor them).
    pub device: Option<LoadedInput>,
}

impl Trust {
    /// The pools chains are built from (each certificate once).
    pub fn store(&self) -> TrustStore {
        fn pool(inputs: &[LoadedInput]) -> Vec<PoolCert> {
            let mut seen = std::collections::HashSet::new();
            inputs
                .iter()
                .flat_map(|i| i.certs.iter())
                .filter(|c| seen.insert(c.cert.sha256.clone()))
                .map(|c| PoolCert {
                    cert: Certificate::clone(&c.cert),
                    source: c.provenance.to_string(),
                })
                .collect()
        }
        TrustStore {
            anchors: pool(&self.anchors),
            system: self.system.clone(),
            untrusted: pool(&self.untrusted),
            device: Vec::new(),
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
    /// Unique certificates known only from `show` output (partial records).
    pub partial: usize,
    /// Findings about running-configurations.
    pub config_findings: usize,
    /// Findings `--ignore` removed (certificates and configurations).
    pub suppressed: usize,
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
    /// The audits of every running-config read (inputs and `--config`).
    pub configs: Vec<ConfigReport>,
    /// The `--config` input.
    pub device: Option<LoadedInput>,
    /// Findings about the run itself: where its time came from, clock
    /// offsets (`time.*`).
    pub findings: Vec<Finding>,
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

    /// The most severe finding of the run (certificates and configurations).
    pub fn max_severity(&self) -> Option<Severity> {
        self.certificates
            .iter()
            .flat_map(|c| c.findings.iter().map(Finding::severity))
            .chain(self.configs.iter().filter_map(ConfigReport::max_severity))
            .chain(self.findings.iter().map(Finding::severity))
            .max()
    }
}

/// Run every rule that applies. `chain` is the chain analysis of an
/// end-entity certificate (see [`chain::analyze`]).
pub fn audit_subject(
    subject: Subject,
    chain: Option<ChainReport>,
    peer: Option<PeerSelection>,
    revocation: Vec<revocation::RevocationResult>,
    opts: &Options,
) -> AuditedCert {
    let ctx = Ctx {
        cert: &subject.cert,
        role: subject.role,
        role_reason: &subject.role_reason,
        opts,
        chain: chain.as_ref(),
        cross_check: &subject.cross_check,
        peer: peer.as_ref(),
        revocation: &revocation,
    };
    let mut findings = Vec::new();
    // Rules a partial record cannot feed, grouped by what is missing.
    let mut not_checkable: Vec<(Need, Vec<&'static str>)> = Vec::new();
    for rule in rules::RULES {
        if !rule.applies(opts.profile, subject.role) {
            continue;
        }
        if let Some(need) = rule.needs.iter().find(|n| !subject.known.has(**n)) {
            match not_checkable.iter_mut().find(|(n, _)| n == need) {
                Some((_, ids)) => ids.push(rule.id),
                None => not_checkable.push((*need, vec![rule.id])),
            }
            continue;
        }
        findings.extend(
            (rule.check)(&ctx)
                .into_iter()
                .map(|message| Finding::new(rule, message)),
        );
    }
    for (need, ids) in not_checkable {
        let what = if need == Need::Der {
            let chain = ids.iter().filter(|i| i.starts_with("chain.")).count();
            let other: Vec<&str> = ids
                .iter()
                .copied()
                .filter(|i| !i.starts_with("chain."))
                .collect();
            let mut parts = Vec::new();
            if chain > 0 {
                parts.push(format!("the chain ({chain} chain.* rules)"));
            }
            if !other.is_empty() {
                parts.push(other.join(", "));
            }
            parts.join(" and ")
        } else {
            ids.join(", ")
        };
        findings.push(Finding::new(
            &rules::config::NOT_CHECKABLE,
            format!("not checkable from this input: {what}; {}", need.describe()),
        ));
    }
    let suppressed = apply_policy(&mut findings, &opts.rule_policy);
    // Most severe first; rule order within a severity.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity()));
    let verdict = Verdict::from_severity(findings.iter().map(Finding::severity).max());
    AuditedCert {
        subject,
        findings,
        verdict,
        chain,
        peer,
        revocation,
        suppressed,
    }
}

/// The chain of one end-entity subject: the other certificates of its input
/// are what it is sent with.
fn chain_of(i: usize, subjects: &[Subject], store: &TrustStore, opts: &Options) -> ChainReport {
    let leaf = &subjects[i];
    // A running-config holds what the router stores per trustpoint, not
    // what it sends: its certificates are anchors (see
    // `trustpoint_anchors`), not a sent chain.
    let stored = leaf.provenance.container == crate::load::Container::RunningConfig;
    let mut sent: Vec<(usize, &Subject)> = subjects
        .iter()
        .enumerate()
        .filter(|(j, s)| *j != i && !s.is_partial() && !stored)
        .filter_map(|(_, s)| position_in(s, &leaf.provenance).map(|p| (p, s)))
        .collect();
    sent.sort_by_key(|(p, _)| *p);
    let is_sent = !stored
        && (leaf.provenance.ike.is_some()
            || match opts.holds {
                Holds::Headend => true,
                Holds::Stored | Holds::Trust => false,
                Holds::Auto => !sent.is_empty(),
            });
    let input = chain::ChainInput {
        is_sent,
        leaf: &leaf.cert,
        leaf_source: &leaf.provenance.to_string(),
        leaf_position: leaf.provenance.index,
        sent_positions: sent.iter().map(|(p, _)| *p).collect(),
        sent: sent
            .iter()
            .map(|(_, s)| (&*s.cert, s.provenance.to_string()))
            .collect(),
    };
    let chain_opts = chain::ChainOptions {
        time: opts.time.instant,
        eku: opts.chain_eku(),
        warn_days: opts.warn_days,
        certreq: opts.certreq.as_deref(),
        signatures: Some(&opts.signatures),
    };
    chain::analyze(&input, store, &chain_opts)
}

/// The revocation status of each certificate of a path below its last
/// certificate (the anchor, or the end of an incomplete path).
fn path_revocation(
    rev: &revocation::Revocation,
    chain: &ChainReport,
    by_sha256: &HashMap<&str, &Certificate>,
    opts: &Options,
) -> Vec<revocation::RevocationResult> {
    if rev.mode == revocation::Mode::Off {
        return Vec::new();
    }
    // URLs are followed only from certificates whose path validated to a
    // trust anchor (or when no anchor was given at all): a certificate a
    // stranger sent, on a path that does not validate, does not get to
    // make pkiaudit fetch what it names. `--crl` files and the cache still
    // answer.
    let network = matches!(
        chain.status,
        chain::ChainStatus::Verified
            | chain::ChainStatus::VerifiedLegacy
            | chain::ChainStatus::NotVerified
    );
    // Who may sign a CRL (RFC 5280 §6.3.3 (f)): any certificate of the run
    // whose subject is the CRL's issuer; the revocation code filters them.
    let known: Vec<&Certificate> = by_sha256.values().copied().collect();
    let path: Vec<Option<&Certificate>> = chain
        .path
        .iter()
        .map(|hop| by_sha256.get(hop.sha256.as_str()).copied())
        .collect();
    // The trust anchor the path reached, if it did.
    let anchor = chain
        .path
        .last()
        .filter(|hop| hop.origin.is_anchor())
        .and_then(|hop| by_sha256.get(hop.sha256.as_str()).copied());
    let signer_paths = SignerPaths {
        anchor,
        pool: known
            .iter()
            .copied()
            .filter(|c| anchor.is_none_or(|a| a.sha256 != c.sha256))
            .collect(),
        at: opts.time.instant,
        done: std::sync::Mutex::new(HashMap::new()),
        signatures: &opts.signatures,
    };
    let at = opts.time.instant;
    chain
        .path
        .windows(2)
        .enumerate()
        .filter_map(|(i, pair)| {
            let cert = by_sha256.get(pair[0].sha256.as_str())?;
            let issuer = by_sha256.get(pair[1].sha256.as_str())?;
            let above: Vec<&Certificate> = path.get(i + 1..)?.iter().flatten().copied().collect();
            let validate = |signer: &Certificate| signer_paths.validate(signer, &above);
            let signers = revocation::Signers {
                known: &known,
                validate: &validate,
            };
            Some(rev.check_with_signers(cert, issuer, at, &signers, network))
        })
        .collect()
}

/// RFC 5280 §6.3.3 (f): a CRL signer is trusted when its own certification
/// path validates to the trust anchor of the path being checked. The
/// certificates of that path (the certificate's CA and those above it)
/// qualify as they are; any other is validated with `audit::path`, once
/// per signer.
struct SignerPaths<'a> {
    anchor: Option<&'a Certificate>,
    pool: Vec<&'a Certificate>,
    at: chrono::DateTime<chrono::Utc>,
    done: std::sync::Mutex<HashMap<String, Result<(), String>>>,
    signatures: &'a SigMemo,
}

impl SignerPaths<'_> {
    fn validate(&self, signer: &Certificate, above: &[&Certificate]) -> Result<(), String> {
        if above.iter().any(|c| c.sha256 == signer.sha256) {
            return Ok(());
        }
        let Some(anchor) = self.anchor else {
            return Err(
                "no trust anchor was reached, so its certification path cannot be validated".into(),
            );
        };
        if let Some(known) = self
            .done
            .lock()
            .ok()
            .and_then(|d| d.get(&signer.sha256).cloned())
        {
            return known;
        }
        let anchors = [anchor];
        let request = path::Request {
            leaf: signer,
            intermediates: &self.pool,
            anchors: &anchors,
        };
        // A CRL signer signs for every certificate under its CA: its own
        // signature recurs too, so the whole path goes to the run's memo.
        let scope = path::signature::memo::SigScope::detached(self.signatures);
        let result = match path::validate_with(&request, &path::Settings::at(self.at), &scope) {
            Ok(_) => Ok(()),
            Err(invalid) => Err(format!(
                "its certification path to the trust anchor '{}' does not validate ({})",
                anchor.subject.text,
                path::describe_problems(&invalid, &request)
            )),
        };
        if let Ok(mut d) = self.done.lock() {
            d.insert(signer.sha256.clone(), result.clone());
        }
        result
    }
}

/// Audit everything loaded. The certificates of `trust` are not audited
/// themselves: they are what chains are built to.
pub fn audit(inputs: Vec<LoadedInput>, trust: Trust, opts: &Options) -> Report {
    let store = trust.store();
    let certificates = audit_inputs(&inputs, &store, trust.device.as_ref(), opts);
    finish(inputs, trust, certificates, opts)
}

/// The audit of every certificate of `inputs` (duplicates merged), with
/// chains built from `store` and the inputs themselves: the core of
/// [`audit`], for callers that keep one store for many inputs (`sweep`).
pub fn audit_inputs(
    inputs: &[LoadedInput],
    store: &TrustStore,
    device: Option<&LoadedInput>,
    opts: &Options,
) -> Vec<AuditedCert> {
    audit_inputs_where(inputs, store, device, opts, &|_| true)
}

/// [`audit_inputs`] for the subjects `keep` accepts only; the others are
/// still there as what the inputs send (chain links, duplicates), but are
/// not audited (a sweep audits a certificate at its first place only).
pub fn audit_inputs_where(
    inputs: &[LoadedInput],
    store: &TrustStore,
    device: Option<&LoadedInput>,
    opts: &Options,
    keep: &dyn Fn(&crate::assemble::Subject) -> bool,
) -> Vec<AuditedCert> {
    let subjects = assemble(inputs);
    // Every certificate a path can hold, by SHA-256, for the revocation
    // checks of each hop.
    let mut by_sha256: HashMap<&str, &Certificate> = HashMap::new();
    for c in subjects
        .iter()
        .filter(|s| !s.is_partial())
        .map(|s| &*s.cert)
        .chain(store.anchors.iter().map(|p| &p.cert))
        .chain(store.untrusted.iter().map(|p| &p.cert))
        .chain(store.system.iter().map(|p| &p.cert))
        .chain(device.iter().flat_map(|d| d.certs.iter()).map(|c| &*c.cert))
    {
        by_sha256.entry(c.sha256.as_str()).or_insert(c);
    }
    let mut per_subject = Vec::with_capacity(subjects.len());
    for (i, s) in subjects.iter().enumerate() {
        if !keep(s) {
            per_subject.push(None);
            continue;
        }
        let peer = match (device, s.role) {
            (Some(device), Role::EndEntity) => crate::audit::device::select_peer(device, &s.cert),
            _ => None,
        };
        // The device judges its peer: anchored at the verifying
        // trustpoints' CA certificates, accepting expired certificates
        // where its trustpoint says so.
        let mut subject_opts = opts.clone();
        let mut subject_store = None;
        if let Some(p) = &peer {
            if p.allow_expired.is_some() {
                subject_opts.allow_expired = true;
            }
            if !p.anchor_certs.is_empty() {
                let mut st = store.clone();
                st.device.extend(p.anchor_certs.iter().cloned());
                subject_store = Some(st);
            }
        }
        // A certificate sent in IKE should chain to a CA the other peer
        // asked for in its CERTREQ (unless --certreq says otherwise).
        if subject_opts.certreq.is_none() {
            subject_opts.certreq = requested_in_capture(s, inputs);
        }
        // A router's own certificate in a running-config chains to the CA
        // certificate of its trustpoint, which the router trusts as is.
        let own = trustpoint_anchors(s, inputs);
        if !own.is_empty() {
            let mut st = subject_store.take().unwrap_or_else(|| store.clone());
            st.device.extend(own);
            subject_store = Some(st);
        }
        let chain = (s.role == Role::EndEntity && s.known.der).then(|| {
            chain_of(
                i,
                &subjects,
                subject_store.as_ref().unwrap_or(store),
                &subject_opts,
            )
        });
        let checks = match (&opts.revocation, &chain) {
            (Some(rev), Some(chain)) => path_revocation(rev, chain, &by_sha256, opts),
            _ => Vec::new(),
        };
        per_subject.push(Some((chain, peer, checks, subject_opts)));
    }
    subjects
        .into_iter()
        .zip(per_subject)
        .filter_map(|(s, audit)| audit.map(|(c, p, r, o)| audit_subject(s, c, p, r, &o)))
        .collect()
}

/// Configurations, counts and verdict around the audited certificates.
fn finish(
    inputs: Vec<LoadedInput>,
    trust: Trust,
    certificates: Vec<AuditedCert>,
    opts: &Options,
) -> Report {
    let configs: Vec<ConfigReport> = inputs
        .iter()
        .chain(trust.device.as_ref())
        .filter_map(|i| crate::audit::device::audit_config(i, opts))
        .collect();
    let mut summary = Summary {
        inputs: inputs.len(),
        ..Summary::default()
    };
    for input in &inputs {
        summary.certificates_found += input.certs.len() + input.partials.len();
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
        if c.subject.is_partial() {
            summary.partial += 1;
        }
    }
    summary.config_findings = configs.iter().map(|c| c.findings.len()).sum();
    summary.suppressed = certificates.iter().map(|c| c.suppressed).sum::<usize>()
        + configs.iter().map(|c| c.suppressed).sum::<usize>();
    // An input that could not be read fails the run: a script that reads
    // only `verdict` must not see "pass" for a file nobody looked into.
    let unreadable = inputs
        .iter()
        .chain(&trust.anchors)
        .chain(&trust.untrusted)
        .chain(trust.device.as_ref())
        .any(LoadedInput::has_errors);
    let mut run_findings = rules::time::run_findings(opts);
    run_findings.extend(keys::pkcs12_key_findings(&inputs, opts));
    let verdict = certificates
        .iter()
        .map(|c| c.verdict)
        .chain(
            configs
                .iter()
                .map(|c| Verdict::from_severity(c.max_severity())),
        )
        .chain(unreadable.then_some(Verdict::Fail))
        .chain(std::iter::once(Verdict::from_severity(
            run_findings.iter().map(Finding::severity).max(),
        )))
        .max()
        .unwrap_or(Verdict::Pass);
    Report {
        options: opts.clone(),
        inputs,
        system_anchors: trust.system.len(),
        trust: trust.anchors,
        untrusted: trust.untrusted,
        certificates,
        configs,
        device: trust.device,
        findings: run_findings,
        summary,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::ike::tests::{exchange, pki};
    use crate::load::load_bytes;
    use crate::testkit::Issued;

    #[test]
    fn the_sent_chain_is_checked_against_the_peers_certreq() {
        let p = pki();
        let run = |asked: &Issued| {
            let input = load_bytes("ike.bin", &exchange(&p, asked));
            let trust = Trust {
                anchors: vec![load_bytes("root.pem", p.root.pem().as_bytes())],
                ..Trust::default()
            };
            let report = audit(vec![input], trust, &Options::test());
            let leaf = report
                .certificates
                .iter()
                .find(|c| c.subject.cert.subject.common_names == ["alice"])
                .unwrap()
                .clone();
            leaf.findings
                .iter()
                .map(|f| (f.rule.id, f.message.clone()))
                .collect::<Vec<_>>()
        };
        let matched = run(&p.root);
        assert!(
            matched
                .iter()
                .any(|(id, m)| *id == "chain.certreq.match" && m.contains("IKE Root CA")),
            "{matched:?}"
        );
        // the responder asked for another CA: the chain does not reach it
        let other = Issued::root("Other Root");
        let missed = run(&other);
        assert!(
            missed
                .iter()
                .any(|(id, _)| *id == "chain.certreq.not-requested"),
            "{missed:?}"
        );
        // the sent chain is the certificates of the same message
        assert!(
            !matched.iter().any(|(id, _)| *id == "chain.issuer.missing"),
            "{matched:?}"
        );
    }
}
