//! What a sweep produces: one row per unique certificate, one per input,
//! the counts, and the difference to the previous run. Every sweep output
//! format (`crate::report`) is written from these types only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The monitoring state of a certificate (and of the sweep): the
/// monitoring-plugin convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Nothing needs attention.
    Ok,
    /// Expiring within `--warn-days`, revocation status unknown (soft), or
    /// another warning finding.
    Warning,
    /// Expired, expiring within `--crit-days`, revoked, broken chain, or
    /// another error finding.
    Critical,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Warning => "warning",
            State::Critical => "critical",
        }
    }
}

/// One finding of a certificate (warning or error; info findings are only
/// counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowFinding {
    pub rule: String,
    /// `warning` or `error`.
    pub severity: String,
    pub message: String,
}

/// One unique certificate (by SHA-256) and its audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertRow {
    pub sha256: String,
    /// RFC 4514-style text, as `check` prints it.
    pub subject: String,
    pub issuer: String,
    /// Upper-case hex.
    pub serial: String,
    /// RFC 3339 UTC.
    pub not_before: String,
    pub not_after: String,
    /// notAfter as Unix seconds (for metrics).
    pub not_after_unix: i64,
    /// Whole days from the audit time to notAfter; negative once expired.
    pub days_left: i64,
    /// `end-entity` or `ca`.
    pub role: String,
    /// SHA-256 of the SubjectPublicKeyInfo (lower hex): a renewal with the
    /// same key keeps it.
    pub spki_sha256: String,
    /// DNS and IP SANs, as text.
    pub sans: Vec<String>,
    /// The inventory target it was found under (its `name`, or the path
    /// given on the command line).
    pub target: String,
    /// The target's labels (site, device, owner, ...).
    pub labels: BTreeMap<String, String>,
    /// The profile it was audited under.
    pub profile: String,
    /// Every place it was found (`file`, `file #2 (line 30)`, ...); the
    /// first is where it was audited, the others are duplicates.
    pub places: Vec<String>,
    /// `pass`, `warn` or `fail`, as `check` would say.
    pub verdict: String,
    pub state: State,
    pub expired: bool,
    /// Revocation status of the certificate itself: `good`, `revoked`,
    /// `unknown`, `no-source`, or `off`.
    pub revocation: String,
    pub revoked: bool,
    /// Chain status: `verified`, `verified-legacy`, `failed`,
    /// `not-verified` (no anchor), or `not-checked` (CA certificates).
    pub chain: String,
    /// Warning and error findings (those of a grouped cause, such as an
    /// unreachable revocation source, are in [`SweepReport::findings`]).
    pub findings: Vec<RowFinding>,
    /// How many info findings there were.
    pub info_findings: usize,
    /// Findings `--ignore` removed.
    #[serde(default)]
    pub suppressed: usize,
    /// A newer certificate of the inventory replaces this one: its state
    /// is `ok` whatever it would be, and it is listed once to be removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<Successor>,
}

/// The certificate that replaces a superseded one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Successor {
    pub sha256: String,
    /// Where it is (its first place).
    pub place: String,
    pub not_after: String,
}

/// A finding about the sweep rather than one certificate: one cause shared
/// by many certificates (an unreachable revocation source), or a file
/// (a private key in the inventory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepFinding {
    pub rule: String,
    /// `warning` or `error` (`info` ones are not listed).
    pub severity: String,
    pub message: String,
    /// How many certificates the cause affects (0 for a file finding).
    pub certificates: usize,
    /// The files it is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

/// One input file and what came of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRow {
    pub file: String,
    pub target: String,
    /// What the file is (`crate::load::LoadedInput::kind`): `certificates`,
    /// `private-key`, `csr`, `crl`, `public-key`, `text`, `empty`,
    /// `special`, `unreadable`, ...
    /// (Not `kind`: JSON Lines tags each line with `kind`.)
    #[serde(default)]
    pub file_kind: String,
    /// The format it was read as (`pem`, `der`, `pkcs7`, ...), if any.
    pub format: Option<String>,
    /// Certificates found in it (duplicates included).
    pub certificates: usize,
    /// Input errors (file, line or block, and what was wrong).
    pub errors: Vec<String>,
    /// Keys, CSRs, CRLs, public keys and text found in it: kind, line,
    /// and for a private key whether it is encrypted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<crate::load::FoundObject>,
    /// What is worth knowing but is no error (an AIA caIssuers URL that
    /// could not be fetched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A file or directory an exclusion pattern kept out of the sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedRow {
    pub file: String,
    pub target: String,
    /// The pattern that matched, as written (`--exclude` or the
    /// inventory's `exclude`).
    pub pattern: String,
}

/// The counts of a sweep. They add up:
/// `certificates_found == unique + duplicates`,
/// `unique == ok + warning + critical == pass + warn + fail`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepSummary {
    pub inputs: usize,
    pub inputs_with_errors: usize,
    pub input_errors: usize,
    pub certificates_found: usize,
    pub unique: usize,
    pub duplicates: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub expired: usize,
    pub expiring: usize,
    pub revoked: usize,
    /// Certificates replaced by a newer one in the inventory (counted in
    /// `ok`).
    #[serde(default)]
    pub superseded: usize,
    /// Findings `--ignore` removed.
    #[serde(default)]
    pub suppressed: usize,
}

/// What changed since the last run (`--state FILE`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// SHA-256 of certificates not seen last time (renewals excluded).
    pub new: Vec<String>,
    /// Certificates seen last time and not now: `(sha256, subject)`.
    pub gone: Vec<(String, String)>,
    /// Renewals: `(old sha256, new sha256)`: same subject and key, or same
    /// subject and SANs, new serial.
    pub renewed: Vec<(String, String)>,
    /// Verdict changes: `(sha256, old state, new state)`.
    pub changed: Vec<(String, State, State)>,
    /// The first run with this state file: nothing to compare with, every
    /// certificate was recorded (and none is reported as new).
    #[serde(default)]
    pub baseline: bool,
}

/// A whole sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    pub schema_version: u32,
    /// The audit time (RFC 3339) and where it came from.
    pub time: String,
    pub time_source: String,
    /// `--warn-days` and `--crit-days`.
    pub warn_days: i64,
    pub crit_days: i64,
    pub summary: SweepSummary,
    /// The overall state: the worst of the certificates' states and the
    /// sweep's findings, and critical when an input could not be read.
    pub state: State,
    /// Wall-clock seconds the sweep took.
    pub duration_seconds: f64,
    pub inputs: Vec<InputRow>,
    /// Files and directories not read because an exclusion pattern matched
    /// them (never audited, listed so nothing is lost).
    #[serde(default)]
    pub excluded: Vec<ExcludedRow>,
    /// Soonest expiry first.
    pub certificates: Vec<CertRow>,
    /// Causes shared by many certificates, and findings about files.
    #[serde(default)]
    pub findings: Vec<SweepFinding>,
    /// With `--state`: the difference to the previous run.
    pub diff: Option<Diff>,
}

/// The file of a place: `FILE #N` optionally followed by ` (...)`; the last
/// ` #N` that is followed by nothing or by a parenthesised tail ends the file
/// name. A place of another shape is returned whole.
pub fn place_file(place: &str) -> &str {
    let is_tail = |rest: &str| -> bool {
        // `rest` follows " #".
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let after = &rest[digits..];
        after.is_empty() || (after.starts_with(" (") && after.ends_with(')'))
    };
    let mut end = place.len();
    while let Some(i) = place[..end].rfind(" #") {
        if is_tail(&place[i + 2..]) {
            return &place[..i];
        }
        end = i;
    }
    place
}
