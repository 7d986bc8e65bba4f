//! `pkiaudit sweep`: audit a whole inventory in one process, on all cores,
//! with shared CRL/OCSP caches, losing nothing, and feed monitoring.
//!
//! Two passes over the files, both in parallel (rayon):
//!
//! 1. **Scan**: read every file; note each certificate's SHA-256 and where
//!    it was found, and keep the CA certificates (a few) as the pool chains
//!    are built from. The parsed files themselves are kept for the audit
//!    pass while they hold at most [`MAX_KEPT_CERTS`] certificates in all
//!    (some tens of MiB); the files past that budget are read again.
//! 2. **Audit**: audit the certificates whose first place a file is (a
//!    certificate found in several places is audited once, there, and its
//!    row lists every place; the file's other certificates are only what
//!    it sends), with chains built from the target's trust anchors and the
//!    pool, and revocation through one shared [`Revocation`] (each CRL
//!    fetched once per run, at most [`crate::revocation::MAX_PER_HOST`]
//!    requests per server).
//!
//! CA certificates are parsed once per run, however many files carry them
//! ([`load::CertCache`]). Past the kept budget, only the rows (a few
//! hundred bytes per certificate) and a small index entry per certificate
//! outlive a file, so memory grows with what the report lists, not with
//! the parsed certificates.

pub mod inventory;

pub mod rows;
mod seen;

use crate::time::format::ts;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::audit::chain::{ChainStatus, PoolCert, TrustStore};
use crate::audit::rules::Severity;
use crate::audit::{self, AuditedCert, Holds, Options, Role, Verdict};
use crate::load::{self, LoadOptions, LoadedInput, ProblemLevel};
use crate::revocation::{Revocation, RevocationStatus as RevStatus};
use crate::time::{AuditTime, TimeEvidence};

pub use inventory::Target;
use rows::{
    CertRow, Diff, Digest, ExcludedRow, FileName, InputRow, Place, RowChain, RowFinding,
    RowRevocation, RowRole, RowTarget, RowVerdict, State, Successor, SweepFinding, SweepReport,
    SweepSummary,
};

/// The JSON schema version of sweep reports and state files.
pub const SCHEMA_VERSION: u32 = 1;

/// How a sweep judges.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub time: AuditTime,
    pub time_evidence: TimeEvidence,
    /// A certificate expiring within this many days is a warning.
    pub warn_days: i64,
    /// ... and within this many days critical.
    pub crit_days: i64,
    pub revocation: Option<Arc<Revocation>>,
    pub load: LoadOptions,
    /// The trust anchors and extra intermediates of the targets, when the
    /// caller has read them already ([`load_anchor_sets`]); `None` reads
    /// them here.
    pub anchor_sets: Option<Arc<AnchorSets>>,
}

/// Certificates parsed in the scan pass and kept for the audit pass,
/// at most (a parsed certificate with its file takes a few KiB): an
/// inventory up to this size is read and parsed once; past it, the files
/// that did not fit are read and parsed again in the audit pass, and
/// memory stays bounded however large the inventory.
pub const MAX_KEPT_CERTS: usize = 16_384;

/// Trust anchors and extra intermediates, read once per distinct list of
/// paths (`--trust`, `--untrusted`, inventory `trust`/`untrusted`).
pub type AnchorSets = HashMap<Vec<PathBuf>, Vec<LoadedInput>>;

/// Read the `trust` and `untrusted` lists of `targets`, each distinct list
/// once.
pub fn load_anchor_sets(targets: &[Target], opts: &LoadOptions) -> AnchorSets {
    let mut sets = AnchorSets::new();
    for t in targets {
        for paths in [&t.trust, &t.untrusted] {
            if !sets.contains_key(paths) {
                sets.insert(paths.clone(), load::load_paths_with(paths, opts));
            }
        }
    }
    sets
}

/// What a sweep did, for tests and benchmarks (not part of any output).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepStats {
    /// Certificates modelled from DER while reading the inventory's files.
    pub certificates_parsed: u64,
    /// Certificates copied from the run's parsed CA certificates instead.
    pub certificates_reused: u64,
    /// Files parsed in the scan pass and kept for the audit pass.
    pub files_kept: usize,
    /// Files read and parsed again in the audit pass.
    pub files_reread: usize,
    /// Certificates audited (each once, at its first place).
    pub certificates_audited: usize,
}

/// One file to read, under one target.
struct Job {
    target: usize,
    /// Shared with the file's input row and its certificates' places.
    path: FileName,
}

/// Files read (scan pass) or audited (audit pass) at a time, in parallel:
/// what a file's reading leaves behind before it is merged (its parsed
/// certificates, its rows with their own copies of shared text) lives for
/// one chunk, not for the whole inventory.
const CHUNK: usize = 4096;

/// The SHA-256 of a certificate as a key, from its lower-hex text.
fn key(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// What the scan pass keeps of a file.
struct Scan {
    input: InputRow,
    /// SHA-256 and place of each certificate, in file order (`None`: the
    /// bare file).
    certs: Vec<([u8; 32], Option<String>)>,
    cas: Vec<PoolCert>,
    /// Every certificate of a `kind = "trust"` target: anchors.
    anchors: Vec<PoolCert>,
    /// Certificates that name AIA caIssuers URLs: (issuer name DER, URLs),
    /// in case the inventory lacks their issuer.
    wants_issuer: Vec<(Vec<u8>, Vec<String>)>,
    /// The parsed file, when it fit in [`MAX_KEPT_CERTS`] (boxed: the
    /// others cost a pointer).
    kept: Option<Box<LoadedInput>>,
    /// It holds `show` records.
    has_partials: bool,
}

/// `file #2 (line 30)`, but `None` for the bare file when it holds one
/// certificate at its start, as most inventories do.
fn place(p: &load::Provenance) -> Option<String> {
    if p.index == 1 && p.line.is_none_or(|l| l == 1) && p.bundle_index.is_none() && p.ike.is_none()
    {
        None
    } else {
        Some(p.to_string())
    }
}

fn input_row(input: &LoadedInput, file: FileName, target: &Arc<str>) -> InputRow {
    InputRow {
        file,
        target: Arc::clone(target),
        file_kind: input.kind().into(),
        format: input.format.map(Into::into),
        certificates: input.certs.len() + input.partials.len(),
        errors: input
            .problems
            .iter()
            .filter(|p| p.level == ProblemLevel::Error)
            .map(|p| p.to_string())
            .collect(),
        objects: input.objects.clone(),
        notes: Vec::new(),
    }
}

fn scan(
    job: &Job,
    target: &Target,
    target_name: &Arc<str>,
    opts: &LoadOptions,
    pool_seen: &std::sync::Mutex<HashSet<String>>,
    budget: &std::sync::atomic::AtomicUsize,
) -> Scan {
    let input = load::load_file_with(job.path.path(), opts);
    let certs = input
        .certs
        .iter()
        .filter_map(|c| Some((key(&c.cert.sha256)?, place(&c.provenance))))
        .collect();
    // Each CA certificate is kept once, however many bundles carry it.
    let cas = input
        .certs
        .iter()
        .filter(|c| c.cert.basic_constraints.as_ref().is_some_and(|b| b.ca))
        .filter(|c| {
            pool_seen
                .lock()
                .map(|mut seen| seen.insert(c.cert.sha256.clone()))
                .unwrap_or(true)
        })
        .map(|c| PoolCert {
            cert: crate::model::Certificate::clone(&c.cert),
            source: c.provenance.to_string(),
        })
        .collect();
    // Only CA certificates anchor: an end-entity certificate in a trust
    // store must not verify itself.
    let anchors = if target.holds == Holds::Trust {
        input
            .certs
            .iter()
            .filter(|c| c.cert.basic_constraints.as_ref().is_some_and(|b| b.ca))
            .map(|c| PoolCert {
                cert: crate::model::Certificate::clone(&c.cert),
                source: c.provenance.to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let wants_issuer = input
        .certs
        .iter()
        .filter(|c| !c.cert.self_issued)
        .filter_map(|c| {
            let aia = c.cert.authority_info_access.as_ref()?;
            (!aia.ca_issuers.is_empty())
                .then(|| (c.cert.issuer.raw.clone(), aia.ca_issuers.clone()))
        })
        .collect();
    // Keep the parsed file while the budget lasts; whichever files take
    // it, the audit sees the same certificates (a file read again parses
    // as it did).
    let cost = input.certs.len() + input.partials.len() + 1;
    let fits = budget
        .fetch_update(
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
            |left| left.checked_sub(cost),
        )
        .is_ok();
    Scan {
        input: input_row(&input, job.path.clone(), target_name),
        certs,
        cas,
        anchors,
        wants_issuer,
        has_partials: !input.partials.is_empty(),
        kept: fits.then(|| Box::new(input)),
    }
}

fn state_of(verdict: Verdict, days_left: i64, warn_days: i64, crit_days: i64) -> State {
    if verdict == Verdict::Fail || days_left < crit_days {
        State::Critical
    } else if verdict == Verdict::Warn || days_left < warn_days {
        State::Warning
    } else {
        State::Ok
    }
}

fn chain_of(a: &AuditedCert) -> RowChain {
    match &a.chain {
        None => RowChain::NotChecked,
        Some(c) => match c.status {
            ChainStatus::Verified => RowChain::Verified,
            ChainStatus::VerifiedLegacy => RowChain::VerifiedLegacy,
            ChainStatus::Failed => RowChain::Failed,
            ChainStatus::NotVerified => RowChain::NotVerified,
        },
    }
}

/// The revocation findings that one shared cause explains (a source that
/// cannot be reached, certificates that name no source): reported once per
/// cause in the sweep's findings, not on every certificate.
const GROUPED: [&str; 4] = [
    "revocation.unknown",
    "revocation.unknown.hard-fail",
    "revocation.no-source",
    "revocation.no-source.hard-fail",
];

/// A cause shared by certificates: (rule, what went wrong).
type Cause = (String, String);

/// A certificate's row and the shared causes of its grouped findings.
type Audited = (CertRow, Vec<(Cause, Severity)>);

/// The causes of a certificate's grouped findings, with their severity.
fn causes(a: &AuditedCert) -> Vec<(Cause, Severity)> {
    let mut out: Vec<(Cause, Severity)> = Vec::new();
    for f in a.findings.iter().filter(|f| GROUPED.contains(&f.rule.id)) {
        let unknown = f.rule.id.starts_with("revocation.unknown");
        for r in &a.revocation {
            let what = match (&r.status, unknown) {
                (RevStatus::Unknown { reason }, true) => reason.clone(),
                (RevStatus::NoSource, false) => {
                    "the certificate names no CRL distribution point or OCSP responder, and none \
                     was given (--crl, --ocsp-url)"
                        .to_string()
                }
                _ => continue,
            };
            let cause = (f.rule.id.to_string(), what);
            if !out.iter().any(|(c, _)| *c == cause) {
                out.push((cause, f.severity()));
            }
        }
    }
    out
}

fn row(
    a: &AuditedCert,
    target: &Target,
    shared: &Arc<RowTarget>,
    places: Vec<Place>,
    opts: &SweepOptions,
) -> Audited {
    let cert = &a.subject.cert;
    let at = opts.time.instant;
    let days_left = cert.days_left(at);
    let own = a
        .revocation
        .iter()
        .find(|c| c.serial == cert.serial && c.subject == cert.subject.text);
    let revocation = match (&opts.revocation, own) {
        (None, _) => RowRevocation::Off,
        (Some(_), None) => RowRevocation::NotChecked,
        (Some(_), Some(c)) => match c.status {
            RevStatus::Good { .. } => RowRevocation::Good,
            RevStatus::Revoked { .. } => RowRevocation::Revoked,
            RevStatus::Unknown { .. } => RowRevocation::Unknown,
            RevStatus::NoSource => RowRevocation::NoSource,
        },
    };
    let causes = causes(a);
    let own_findings = || a.findings.iter().filter(|f| !GROUPED.contains(&f.rule.id));
    let findings: Vec<RowFinding> = own_findings()
        .filter(|f| f.severity() >= Severity::Warning)
        .map(|f| RowFinding {
            rule: f.rule.id.to_string(),
            severity: f.severity().as_str().to_string(),
            message: f.message.clone(),
        })
        .collect();
    // The state leaves out what the grouped causes explain; the verdict
    // stays what `check` says.
    let own_verdict = Verdict::from_severity(own_findings().map(|f| f.severity()).max());
    // Expiring within --warn-days/--crit-days is the validity.expiring
    // rule's business: `--ignore` or `--severity ...=info` on it quiets
    // the days too.
    let expiring_counts = crate::audit::rules::by_id("validity.expiring")
        .and_then(|r| target.policy.decide(r))
        .is_some_and(|s| s >= Severity::Warning);
    let days_for_state = if expiring_counts { days_left } else { i64::MAX };
    let sans = cert
        .subject_alt_name
        .as_ref()
        .map(|s| s.entries.iter().map(|e| e.to_string().into()).collect())
        .unwrap_or_default();
    let row = CertRow {
        sha256: Digest::from_text(&cert.sha256),
        subject: cert.subject.text.as_str().into(),
        issuer: cert.issuer.text.as_str().into(),
        serial: cert.serial.as_str().into(),
        // Written as RFC 3339 in whole seconds, as `ts` writes them.
        not_before_unix: cert.not_before.timestamp(),
        not_after_unix: cert.not_after.timestamp(),
        days_left,
        role: match a.subject.role {
            Role::EndEntity => RowRole::EndEntity,
            Role::Ca => RowRole::Ca,
        },
        spki_sha256: Digest::from_text(&cert.spki_sha256),
        sans,
        target: Arc::clone(shared),
        places: places.into(),
        verdict: match a.verdict {
            Verdict::Pass => RowVerdict::Pass,
            Verdict::Warn => RowVerdict::Warn,
            Verdict::Fail => RowVerdict::Fail,
        },
        state: state_of(own_verdict, days_for_state, opts.warn_days, opts.crit_days),
        expired: cert.not_after < at,
        revoked: revocation == RowRevocation::Revoked,
        revocation,
        chain: chain_of(a),
        findings,
        info_findings: own_findings()
            .filter(|f| f.severity() < Severity::Warning)
            .count(),
        suppressed: a.suppressed,
        superseded_by: None,
    };
    (row, causes)
}

/// One copy of each issuer's name for all its rows.
fn intern(names: &mut HashSet<Arc<str>>, name: Arc<str>) -> Arc<str> {
    match names.get(&*name) {
        Some(known) => Arc::clone(known),
        None => {
            names.insert(Arc::clone(&name));
            name
        }
    }
}

/// The private-key finding of a file, if it holds keys.
fn key_finding(
    input: &InputRow,
    target: &Target,
    suppressed_elsewhere: &mut usize,
) -> Option<SweepFinding> {
    let keys: Vec<&load::FoundObject> = input
        .objects
        .iter()
        .filter(|o| o.is_private_key())
        .collect();
    let first = keys.first()?;
    let encrypted = keys.iter().all(|k| k.encrypted() == Some(true));
    let rule = if encrypted {
        &audit::rules::files::PRIVATE_KEY_ENCRYPTED
    } else {
        &audit::rules::files::PRIVATE_KEY
    };
    let Some(severity) = target.policy.decide(rule) else {
        *suppressed_elsewhere += 1;
        return None;
    };
    if severity < Severity::Warning {
        return None;
    }
    Some(SweepFinding {
        rule: rule.id.to_string(),
        severity: severity.as_str().to_string(),
        message: format!(
            "{} holds {}{}: anyone who can read these files can impersonate the key's \
             owner. Keep keys only where the device (or its key store) reads them, or \
             leave the file out of the sweep with --exclude{}",
            input.file,
            first.describe(),
            if keys.len() > 1 {
                format!(" and {} more", keys.len() - 1)
            } else {
                String::new()
            },
            if encrypted {
                ""
            } else {
                "; if the file was ever copied or mailed, treat the key as exposed and \
                 replace it (new key, new certificate)"
            }
        ),
        certificates: 0,
        files: vec![input.file.to_string()],
    })
}

/// Run a sweep over `targets`. `progress` is told each file audited.
pub fn run(
    targets: &[Target],
    opts: &SweepOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> SweepReport {
    run_with_stats(targets, opts, progress).0
}

/// [`run`], and what it did.
pub fn run_with_stats(
    targets: &[Target],
    opts: &SweepOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> (SweepReport, SweepStats) {
    let started = Instant::now();
    let mut stats = SweepStats::default();
    // What the rows of a target share: one copy per target, not per row.
    let shared: Vec<Arc<RowTarget>> = targets
        .iter()
        .map(|t| {
            Arc::new(RowTarget {
                name: t.name.as_str().into(),
                labels: t.labels.clone(),
                profile: t.profile.to_string(),
            })
        })
        .collect();
    let name_of = |ti: usize| -> Arc<str> {
        shared
            .get(ti)
            .map(|s| Arc::clone(&s.name))
            .unwrap_or_else(|| Arc::from(""))
    };
    let mut inputs: Vec<InputRow> = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut excluded: Vec<ExcludedRow> = Vec::new();
    let excluded_row = |t: &Target, e: &load::ExcludedPath| ExcludedRow {
        file: e.path.display().to_string(),
        target: t.name.clone(),
        pattern: e.pattern.clone(),
    };
    for (ti, t) in targets.iter().enumerate() {
        for (spec, why) in &t.problems {
            inputs.push(InputRow {
                file: FileName::from_text(spec),
                target: name_of(ti),
                file_kind: "unreadable".into(),
                errors: vec![format!("{spec}: {why}")],
                ..InputRow::default()
            });
        }
        excluded.extend(t.excluded.iter().map(|e| excluded_row(t, e)));
        for p in &t.paths {
            if let Some(pattern) = t.exclude.matching(p, p.is_dir()) {
                excluded.push(ExcludedRow {
                    file: p.display().to_string(),
                    target: t.name.clone(),
                    pattern: pattern.to_string(),
                });
                continue;
            }
            // A sweep runs unattended: a named pipe, socket or device is
            // never opened, even when a glob or the inventory names it (a
            // pipe nobody writes to would hold the run forever).
            if load::special_kind(p).is_some() {
                inputs.push(InputRow {
                    file: FileName::new(p),
                    target: name_of(ti),
                    file_kind: "special".into(),
                    ..InputRow::default()
                });
                continue;
            }
            let expanded = load::expand_path_excluding(p, &t.exclude);
            let name = name_of(ti);
            inputs.extend(
                expanded
                    .inputs
                    .iter()
                    .map(|e| input_row(e, FileName::from_text(&e.file), &name)),
            );
            excluded.extend(expanded.excluded.iter().map(|e| excluded_row(t, e)));
            jobs.extend(expanded.files.into_iter().map(|path| Job {
                target: ti,
                path: FileName::new(&path),
            }));
        }
    }
    // Trust anchors and extra intermediates per target, read once per
    // distinct list (by the caller, when it needed them before); their
    // read errors are input errors of the sweep too.
    let read_before = opts.anchor_sets.clone();
    let mut anchor_sets: AnchorSets = HashMap::new();
    for (ti, t) in targets.iter().enumerate() {
        for (paths, what) in [(&t.trust, "--trust"), (&t.untrusted, "--untrusted")] {
            if anchor_sets.contains_key(paths) {
                continue;
            }
            let mut loaded = match read_before.as_ref().and_then(|r| r.get(paths)) {
                Some(l) => l.clone(),
                None => load::load_paths_with(paths, &opts.load),
            };
            for l in &mut loaded {
                l.refuse_partials_as_trust();
                if l.has_errors() {
                    let mut row = input_row(l, FileName::from_text(&l.file), &name_of(ti));
                    row.certificates = 0;
                    row.errors = row.errors.iter().map(|e| format!("{what}: {e}")).collect();
                    inputs.push(row);
                }
            }
            anchor_sets.insert(paths.clone(), loaded);
        }
    }

    // Findings removed by --ignore that no certificate row counts.
    let mut suppressed_elsewhere = 0usize;
    // Pass 1: scan.
    let total = jobs.len() as u64;
    let pool_seen = std::sync::Mutex::new(HashSet::new());
    // A target's own PKCS#12 password (inventory `password_file`) wins
    // over the run's.
    // One cache of parsed CA certificates for every file of the run.
    let cache = Arc::new(load::CertCache::new());
    let target_load: Vec<LoadOptions> = targets
        .iter()
        .map(|t| {
            let mut o = opts.load.clone();
            if t.password.is_some() {
                o.password.clone_from(&t.password);
            }
            o.cert_cache = Some(Arc::clone(&cache));
            o
        })
        .collect();
    let budget = std::sync::atomic::AtomicUsize::new(MAX_KEPT_CERTS);
    let mut seen = seen::SeenIndex::with_capacity(jobs.len());
    let mut pool: Vec<PoolCert> = Vec::new();
    // The certificates of `kind = "trust"` targets anchor their own
    // target, and every target that names no trust anchors of its own.
    let mut trust_kind: HashMap<usize, Vec<PoolCert>> = HashMap::new();
    // Issuers the inventory lacks, from the caIssuers URLs of its own
    // certificates (RFC 5280 §4.2.2.1), as untrusted intermediates; each
    // (issuer, URLs) once, however many certificates name it.
    let mut wanted: Vec<(Vec<u8>, Vec<String>)> = Vec::new();
    let mut wanted_seen: HashSet<(Vec<u8>, Vec<String>)> = HashSet::new();
    // Per job: its input row, its parsed file when kept, and whether the
    // audit pass reads it (it holds `show` records, or the first place of
    // a certificate: set below).
    let mut scan_rows: Vec<InputRow> = Vec::with_capacity(jobs.len());
    let mut kept: Vec<Option<Box<LoadedInput>>> = Vec::with_capacity(jobs.len());
    let mut owns: Vec<bool> = Vec::with_capacity(jobs.len());
    let mut found = 0usize;
    // A private key among the certificates: one finding per file.
    let mut file_findings: Vec<SweepFinding> = Vec::new();
    for (ci, chunk) in jobs.chunks(CHUNK).enumerate() {
        let scans: Vec<Scan> = chunk
            .par_iter()
            .map(|j| {
                scan(
                    j,
                    &targets[j.target],
                    &shared[j.target].name,
                    &target_load[j.target],
                    &pool_seen,
                    &budget,
                )
            })
            .collect();
        for (k, (mut s, j)) in scans.into_iter().zip(chunk).enumerate() {
            let ji = ci * CHUNK + k;
            for (k, (sha, at)) in std::mem::take(&mut s.certs).into_iter().enumerate() {
                let at = match at {
                    Some(text) => Place::Text(text.into()),
                    None => Place::File(j.path.clone()),
                };
                seen.add(sha, ji, k, at);
            }
            pool.append(&mut s.cas);
            trust_kind
                .entry(j.target)
                .or_default()
                .append(&mut s.anchors);
            for w in std::mem::take(&mut s.wants_issuer) {
                if wanted_seen.insert(w.clone()) {
                    wanted.push(w);
                }
            }
            found += s.input.certificates;
            file_findings.extend(key_finding(
                &s.input,
                &targets[j.target],
                &mut suppressed_elsewhere,
            ));
            owns.push(s.has_partials);
            kept.push(s.kept);
            scan_rows.push(s.input);
        }
    }
    drop(wanted_seen);
    if let Some(rev) = &opts.revocation {
        let mut known: Vec<Vec<u8>> = pool
            .iter()
            .map(|p| p.cert.subject.raw.clone())
            .chain(
                trust_kind
                    .values()
                    .flatten()
                    .map(|p| p.cert.subject.raw.clone()),
            )
            .chain(
                anchor_sets
                    .values()
                    .flatten()
                    .flat_map(|i| i.certs.iter().map(|c| c.cert.subject.raw.clone())),
            )
            .collect();
        issuers_by_aia(rev, &mut wanted, &mut known, &mut pool, &mut inputs);
    }
    let mut inventory_anchors: Vec<PoolCert> = trust_kind.values().flatten().cloned().collect();
    inventory_anchors.sort_by(|a, b| a.cert.sha256.cmp(&b.cert.sha256));
    inventory_anchors.dedup_by(|a, b| a.cert.sha256 == b.cert.sha256);
    // Whichever thread saw a CA first, the pool is the same, in one order.
    pool.sort_by(|a, b| a.cert.sha256.cmp(&b.cert.sha256));
    stats.files_kept = kept.iter().filter(|k| k.is_some()).count();
    stats.files_reread = kept.len() - stats.files_kept;

    // One store per target: its anchors, and every CA certificate of the
    // inventory as a possible intermediate.
    let stores: Vec<TrustStore> = targets
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let trust = audit::Trust {
                anchors: anchor_sets.get(&t.trust).cloned().unwrap_or_default(),
                untrusted: anchor_sets.get(&t.untrusted).cloned().unwrap_or_default(),
                ..audit::Trust::default()
            };
            let mut store = trust.store();
            if let Some(own) = trust_kind.get(&ti).filter(|a| !a.is_empty()) {
                store.anchors.extend(own.iter().cloned());
            } else if t.trust.is_empty() {
                store.anchors.extend(inventory_anchors.iter().cloned());
            }
            store.untrusted.extend(pool.iter().cloned());
            store
        })
        .collect();
    let signatures = Arc::new(audit::SigMemo::new()); // one per run, shared by every target
    let target_opts: Vec<Options> = targets
        .iter()
        .map(|t| {
            let mut o = Options::new(t.profile, opts.time);
            o.signatures = Arc::clone(&signatures);
            o.host = t.host.clone();
            o.id = t.id.clone();
            o.warn_days = opts.warn_days;
            o.revocation = opts.revocation.clone();
            o.time_evidence = opts.time_evidence.clone();
            o.holds = t.holds;
            o.rule_policy = Arc::new(t.policy.clone());
            o
        })
        .collect();

    // Pass 2: audit each certificate at its first place.
    let done = std::sync::atomic::AtomicU64::new(0);
    let first_of = |sha: &str| seen.get(&key(sha)?).map(|s| s.first);
    // The files that are the first place of a certificate, or hold `show`
    // records (audited where they are).
    for s in seen.values() {
        if let Some(o) = owns.get_mut(s.first.0) {
            *o = true;
        }
    }
    // One finding per shared cause, counting the certificates it leaves
    // without an answer.
    let mut grouped: Vec<(Cause, Severity, usize)> = Vec::new();
    let mut certificates: Vec<CertRow> = Vec::with_capacity(seen.len());
    let mut issuers: HashSet<Arc<str>> = HashSet::new();
    for (ci, (kept, chunk)) in kept.chunks_mut(CHUNK).zip(jobs.chunks(CHUNK)).enumerate() {
        let per_file: Vec<Vec<Audited>> = kept
            .par_iter_mut()
            .zip(chunk.par_iter())
            .enumerate()
            .map(|(k, (kept, j))| {
                let ji = ci * CHUNK + k;
                let t = &targets[j.target];
                // A certificate is audited at its first place only; the
                // file's other certificates stay in the input, as what it
                // sends.
                let canonical = |a: &crate::assemble::Subject| {
                    a.is_partial()
                        || first_of(&a.cert.sha256)
                            .is_none_or(|(fj, fk)| (fj, fk + 1) == (ji, a.provenance.index))
                };
                // A file whose certificates were all seen earlier (a bundle
                // of known CAs) has nothing to audit: when it was not kept,
                // it is not read again either.
                let rows = if !owns.get(ji).copied().unwrap_or(true) {
                    Vec::new()
                } else {
                    let input = match kept.take() {
                        Some(input) => *input,
                        None => load::load_file_with(j.path.path(), &target_load[j.target]),
                    };
                    let audited = audit::audit_inputs_where(
                        std::slice::from_ref(&input),
                        &stores[j.target],
                        None,
                        &target_opts[j.target],
                        &canonical,
                    );
                    audited
                        .iter()
                        .map(|a| {
                            let mut at: Vec<Place> = key(&a.subject.cert.sha256)
                                .and_then(|k| seen.get(&k))
                                .filter(|_| !a.subject.is_partial())
                                .map(seen::Seen::places)
                                .unwrap_or_else(|| {
                                    vec![Place::Text(a.subject.provenance.to_string().into())]
                                });
                            for d in &a.subject.duplicates {
                                let text = d.to_string();
                                if !at.iter().any(|p| p.text() == text.as_str()) {
                                    at.push(Place::Text(text.into()));
                                }
                            }
                            row(a, t, &shared[j.target], at, opts)
                        })
                        .collect()
                };
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(n, total);
                rows
            })
            .collect();
        for (mut row, causes) in per_file.into_iter().flatten() {
            for (cause, severity) in causes {
                match grouped.iter_mut().find(|(c, _, _)| *c == cause) {
                    Some((_, s, n)) => {
                        *s = (*s).max(severity);
                        *n += 1;
                    }
                    None => grouped.push((cause, severity, 1)),
                }
            }
            row.issuer = intern(&mut issuers, row.issuer);
            certificates.push(row);
        }
    }
    // The rows hold what they need of these now.
    drop((kept, seen, issuers, stores));
    grouped.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let mut findings: Vec<SweepFinding> = grouped
        .into_iter()
        .filter(|(_, s, _)| *s >= Severity::Warning)
        .map(|((rule, what), severity, n)| SweepFinding {
            message: if rule.starts_with("revocation.unknown") {
                format!(
                    "revocation status unknown for {}: {what}",
                    words_count(n, "certificate", "certificates")
                )
            } else {
                format!(
                    "revocation not checked for {}: {what}",
                    words_count(n, "certificate", "certificates")
                )
            },
            rule,
            severity: severity.as_str().to_string(),
            certificates: n,
            files: Vec::new(),
        })
        .collect();
    supersede(&mut certificates);
    sort_rows(&mut certificates);
    // The files' rows are nearly all of them: the few rows before them
    // move in front, rather than a million rows into a second vector.
    scan_rows.reserve_exact(inputs.len());
    scan_rows.splice(0..0, inputs);
    let inputs = scan_rows;

    findings.extend(file_findings);
    // Errors first, then by how many certificates a cause affects (the
    // grouped causes are in that order already; the sort is stable).
    findings.sort_by_key(|f| f.severity != "error");
    let mut summary = SweepSummary {
        inputs: inputs.len(),
        inputs_with_errors: inputs.iter().filter(|i| !i.errors.is_empty()).count(),
        input_errors: inputs.iter().map(|i| i.errors.len()).sum(),
        certificates_found: found,
        unique: certificates.len(),
        duplicates: certificates
            .iter()
            .map(|c| c.places.len().saturating_sub(1))
            .sum(),
        ..SweepSummary::default()
    };
    for c in &certificates {
        match c.verdict {
            RowVerdict::Fail => summary.fail += 1,
            RowVerdict::Warn => summary.warn += 1,
            RowVerdict::Pass => summary.pass += 1,
        }
        match c.state {
            State::Ok => summary.ok += 1,
            State::Warning => summary.warning += 1,
            State::Critical => summary.critical += 1,
        }
        summary.expired += usize::from(c.expired);
        summary.expiring += usize::from(!c.expired && c.days_left < opts.warn_days);
        summary.revoked += usize::from(c.revoked);
        summary.superseded += usize::from(c.superseded_by.is_some());
        summary.suppressed += c.suppressed;
    }
    summary.suppressed += suppressed_elsewhere;
    let mut state = certificates
        .iter()
        .map(|c| c.state)
        .chain(findings.iter().map(|f| match f.severity.as_str() {
            "error" => State::Critical,
            _ => State::Warning,
        }))
        .max()
        .unwrap_or(State::Ok);
    if summary.input_errors > 0 {
        state = State::Critical;
    }
    stats.certificates_parsed = cache.parsed();
    stats.certificates_reused = cache.reused();
    stats.certificates_audited = certificates.len();
    let report = SweepReport {
        schema_version: SCHEMA_VERSION,
        time: ts(opts.time.instant),
        time_source: opts.time.source.describe().to_string(),
        warn_days: opts.warn_days,
        crit_days: opts.crit_days,
        summary,
        state,
        duration_seconds: started.elapsed().as_secs_f64(),
        inputs,
        excluded,
        certificates,
        findings,
        diff: None,
    };
    (report, stats)
}

/// Soonest expiry first, then by subject and SHA-256; rows equal in all
/// three keep their order. Sorted through their indices: a merge sort of
/// the rows themselves would hold half of them again.
fn sort_rows(rows: &mut [CertRow]) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| match (rows.get(a), rows.get(b)) {
        (Some(a), Some(b)) => a
            .not_after_unix
            .cmp(&b.not_after_unix)
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.sha256.cmp(&b.sha256)),
        _ => std::cmp::Ordering::Equal,
    });
    // Row `i` becomes the row at `order[i]`: follow each cycle of the
    // permutation once, marking its slots done.
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = std::mem::replace(&mut order[at], DONE);
            if from == DONE || from == start {
                break;
            }
            rows.swap(at, from);
            at = from;
        }
    }
}

/// Rounds of caIssuers fetching: a fetched issuer may itself name the
/// next one up (a leaf, an issuing CA, a policy CA).
const AIA_ROUNDS: usize = 3;

/// caIssuers URLs followed per sweep.
const MAX_AIA_URLS: usize = 64;

/// Fetch the issuers that `wanted` certificates name and `known` lacks, add
/// the CA certificates that came back to `pool`. A URL that fails is an
/// input row with the reason (a note, not an error: the chains it would
/// have completed say what is missing).
fn issuers_by_aia(
    rev: &Revocation,
    wanted: &mut Vec<(Vec<u8>, Vec<String>)>,
    known: &mut Vec<Vec<u8>>,
    pool: &mut Vec<PoolCert>,
    inputs: &mut Vec<InputRow>,
) {
    let names_match = |a: &[u8], b: &[u8]| crate::model::dn::names_match(a, b);
    let mut tried: HashSet<String> = HashSet::new();
    for _ in 0..AIA_ROUNDS {
        let urls: Vec<String> = wanted
            .iter()
            .filter(|(issuer, _)| !known.iter().any(|k| names_match(k, issuer)))
            .flat_map(|(_, urls)| urls.iter().cloned())
            .filter(|u| !tried.contains(u))
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .take(MAX_AIA_URLS.saturating_sub(tried.len()))
            .collect();
        if urls.is_empty() {
            break;
        }
        wanted.clear();
        let fetched: Vec<(String, crate::revocation::issuers::Issuers)> = urls
            .par_iter()
            .map(|u| (u.clone(), rev.fetch_issuers(u)))
            .collect();
        for (url, got) in fetched {
            tried.insert(url.clone());
            let mut row = InputRow {
                file: FileName::from_text(&url),
                target: "AIA caIssuers".into(),
                format: Some("aia".into()),
                file_kind: "aia-issuers".into(),
                ..InputRow::default()
            };
            match got {
                Ok(ders) => {
                    for der in ders {
                        let Ok(cert) = crate::model::Certificate::from_der(&der) else {
                            continue;
                        };
                        if !cert.basic_constraints.as_ref().is_some_and(|b| b.ca) {
                            continue;
                        }
                        if let Some(aia) = cert.authority_info_access.as_ref() {
                            if !cert.self_issued && !aia.ca_issuers.is_empty() {
                                wanted.push((cert.issuer.raw.clone(), aia.ca_issuers.clone()));
                            }
                        }
                        known.push(cert.subject.raw.clone());
                        if !pool.iter().any(|p| p.cert.sha256 == cert.sha256) {
                            pool.push(PoolCert {
                                cert,
                                source: format!("AIA caIssuers {url}"),
                            });
                        }
                    }
                }
                Err(why) => {
                    row.file_kind = "unreachable".into();
                    row.notes.push(format!("{url}: {why}"));
                }
            }
            inputs.push(row);
        }
    }
}

fn words_count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Mark each certificate that a newer one of the inventory replaces: same
/// subject, and the same SANs or the same key; issued no earlier, valid
/// longer, itself neither expired nor revoked nor critical; and kept in the
/// same directory of the same target. A superseded certificate is `ok`
/// whatever it would be: it is listed once, to be removed.
///
/// The directory matters: two headends of a cluster may hold certificates
/// with one name and different keys, renewed at different times; each
/// lives in its device's folder, and the older must still alert.
fn supersede(certificates: &mut [CertRow]) {
    let folder = |c: &CertRow| -> Option<PathBuf> {
        let place = c.first_place()?;
        Some(
            std::path::Path::new(rows::place_file(&place))
                .parent()?
                .to_path_buf(),
        )
    };
    // The end-entity rows of each subject, in row order (the sort is
    // stable): an index each, not a map of every subject.
    let mut by_subject: Vec<usize> = certificates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == RowRole::EndEntity && !c.subject.is_empty())
        .map(|(i, _)| i)
        .collect();
    let subject = |i: &usize| certificates.get(*i).map(|c| &*c.subject);
    by_subject.sort_by(|a, b| subject(a).cmp(&subject(b)));
    let mut marks: Vec<(usize, Successor)> = Vec::new();
    for same in by_subject
        .chunk_by(|a, b| subject(a) == subject(b))
        .filter(|v| v.len() > 1)
    {
        for &old in same {
            let o = &certificates[old];
            let successor = same
                .iter()
                .map(|&n| &certificates[n])
                .filter(|n| {
                    n.sha256 != o.sha256
                        && n.target.name == o.target.name
                        && folder(n) == folder(o)
                        && n.not_after_unix > o.not_after_unix
                        && n.not_before_unix >= o.not_before_unix
                        && !n.expired
                        && !n.revoked
                        && n.state != State::Critical
                        && (n.spki_sha256 == o.spki_sha256
                            || (!n.sans.is_empty() && n.sans == o.sans))
                })
                .max_by_key(|n| n.not_after_unix);
            if let Some(n) = successor {
                marks.push((
                    old,
                    Successor {
                        sha256: n.sha256.to_string(),
                        place: n.first_place().map(|p| p.into_owned()).unwrap_or_default(),
                        not_after: n.not_after(),
                    },
                ));
            }
        }
    }
    for (i, successor) in marks {
        if let Some(c) = certificates.get_mut(i) {
            c.state = State::Ok;
            c.superseded_by = Some(Box::new(successor));
        }
    }
}

/// What a state file (`--state`) keeps of each certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remembered {
    pub sha256: String,
    pub subject: String,
    pub serial: String,
    pub spki_sha256: String,
    pub sans: Vec<String>,
    pub state: State,
}

/// The state file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StateFile {
    pub schema_version: u32,
    pub time: String,
    pub certificates: Vec<Remembered>,
}

impl StateFile {
    pub fn of(report: &SweepReport) -> StateFile {
        StateFile {
            schema_version: SCHEMA_VERSION,
            time: report.time.clone(),
            certificates: report
                .certificates
                .iter()
                .map(|c| Remembered {
                    sha256: c.sha256.to_string(),
                    subject: c.subject.to_string(),
                    serial: c.serial.to_string(),
                    spki_sha256: c.spki_sha256.to_string(),
                    sans: c.sans.iter().map(|s| s.to_string()).collect(),
                    state: c.state,
                })
                .collect(),
        }
    }
}

/// What changed between the last run and this one. A renewal is a
/// certificate gone and a new one with the same subject and either the
/// same key or the same SANs, and another serial: it is reported as
/// renewed, not as gone + new, so an old certificate replaced on disk does
/// not alert forever.
pub fn diff(previous: &StateFile, report: &SweepReport) -> Diff {
    let now: HashSet<&Digest> = report.certificates.iter().map(|c| &c.sha256).collect();
    let before: HashMap<Digest, &Remembered> = previous
        .certificates
        .iter()
        .map(|c| (Digest::from_text(&c.sha256), c))
        .collect();
    let mut new: Vec<&CertRow> = report
        .certificates
        .iter()
        .filter(|c| !before.contains_key(&c.sha256))
        .collect();
    let mut gone: Vec<&Remembered> = previous
        .certificates
        .iter()
        .filter(|c| !now.contains(&Digest::from_text(&c.sha256)))
        .collect();
    let mut renewed = Vec::new();
    gone.retain(|old| {
        let same_sans = |n: &CertRow| {
            n.sans
                .iter()
                .map(|s| &**s)
                .eq(old.sans.iter().map(String::as_str))
        };
        let successor = new.iter().position(|n| {
            *n.subject == *old.subject
                && *n.serial != *old.serial
                && (n.spki_sha256 == *old.spki_sha256.as_str()
                    || (!n.sans.is_empty() && same_sans(n)))
        });
        match successor {
            Some(i) => {
                renewed.push((old.sha256.clone(), new[i].sha256.to_string()));
                new.remove(i);
                false
            }
            None => true,
        }
    });
    let changed = report
        .certificates
        .iter()
        .filter_map(|c| {
            let old = before.get(&c.sha256)?;
            (old.state != c.state).then(|| (c.sha256.to_string(), old.state, c.state))
        })
        .collect();
    Diff {
        new: new.iter().map(|c| c.sha256.to_string()).collect(),
        gone: gone
            .iter()
            .map(|c| (c.sha256.clone(), c.subject.clone()))
            .collect(),
        renewed,
        changed,
        baseline: false,
    }
}
