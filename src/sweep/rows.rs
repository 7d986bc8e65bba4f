//! What a sweep produces: one row per unique certificate, one per input,
//! the counts, and the difference to the previous run. Every sweep output
//! format (`crate::report`) is written from these types only.
//!
//! A sweep of a million certificates keeps a million rows, so a row is
//! compact: hashes are bytes, times are Unix seconds, the fixed texts
//! (role, verdict, revocation, chain) are enums, and what many rows share
//! (the target with its labels and profile, an issuer's name, a file's
//! name) is shared, not copied. The serde form (JSON, JSON Lines) is the
//! text form each field always had.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use crate::time::format::ts;

/// An enum written as one of a fixed set of texts.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value a text names, if any.
            pub fn from_text(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = Cow::<str>::deserialize(d)?;
                $name::from_text(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} '{text}'",
                        stringify!($name)
                    ))
                })
            }
        }
    };
}

text_enum!(
    /// What a certificate is: `end-entity` or `ca`.
    RowRole { EndEntity => "end-entity", Ca => "ca" }
);

text_enum!(
    /// `pass`, `warn` or `fail`, as `check` would say.
    RowVerdict { Pass => "pass", Warn => "warn", Fail => "fail" }
);

text_enum!(
    /// Revocation status of a certificate itself.
    RowRevocation {
        Good => "good",
        Revoked => "revoked",
        Unknown => "unknown",
        NoSource => "no-source",
        /// Revocation checking is off.
        Off => "off",
        NotChecked => "not-checked",
    }
);

text_enum!(
    /// Chain status of a certificate.
    RowChain {
        Verified => "verified",
        VerifiedLegacy => "verified-legacy",
        Failed => "failed",
        /// No anchor.
        NotVerified => "not-verified",
        /// CA certificates.
        NotChecked => "not-checked",
    }
);

/// A SHA-256 as a row keeps it: 32 bytes, written as lower hex. Any other
/// text (a partial record's empty hash) is kept as it is, so every row
/// writes what it was given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Digest {
    Sha256([u8; 32]),
    Text(Box<str>),
}

impl Digest {
    pub fn from_text(text: &str) -> Digest {
        let bytes = text.as_bytes();
        let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        if bytes.len() == 64 && bytes.iter().all(lower_hex) {
            let mut out = [0u8; 32];
            let nibble = |b: u8| {
                if b.is_ascii_digit() {
                    b - b'0'
                } else {
                    b - b'a' + 10
                }
            };
            for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                if let [hi, lo] = pair {
                    *o = (nibble(*hi) << 4) | nibble(*lo);
                }
            }
            Digest::Sha256(out)
        } else {
            Digest::Text(text.into())
        }
    }

    /// The bytes, when it is a SHA-256.
    pub fn bytes(&self) -> Option<&[u8; 32]> {
        match self {
            Digest::Sha256(b) => Some(b),
            Digest::Text(_) => None,
        }
    }

    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Digest::Sha256(_) => Cow::Owned(self.to_string()),
            Digest::Text(t) => Cow::Borrowed(t),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Digest::Text(t) if t.is_empty())
    }
}

impl From<&str> for Digest {
    fn from(text: &str) -> Self {
        Digest::from_text(text)
    }
}

impl Default for Digest {
    fn default() -> Self {
        Digest::Text(Box::default())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Digest::Sha256(bytes) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut out = [0u8; 64];
                for (o, b) in out.chunks_exact_mut(2).zip(bytes) {
                    if let [hi, lo] = o {
                        *hi = HEX[usize::from(b >> 4)];
                        *lo = HEX[usize::from(b & 15)];
                    }
                }
                f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
            }
            Digest::Text(t) => f.write_str(t),
        }
    }
}

impl PartialEq<str> for Digest {
    fn eq(&self, other: &str) -> bool {
        *self == Digest::from_text(other)
    }
}

impl PartialEq<&str> for Digest {
    fn eq(&self, other: &&str) -> bool {
        *self == Digest::from_text(other)
    }
}

/// The order of the texts.
impl Ord for Digest {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            // Lower hex sorts as its bytes do.
            (Digest::Sha256(a), Digest::Sha256(b)) => a.cmp(b),
            _ => self.text().cmp(&other.text()),
        }
    }
}

impl PartialOrd for Digest {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Digest::from_text(&Cow::<str>::deserialize(d)?))
    }
}

/// A file's name as the rows show it (`Path::display`), shared by the job
/// that reads the file, its input row and the places of its certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(Arc<Path>);

impl FileName {
    pub fn new(path: &Path) -> FileName {
        FileName(Arc::from(path))
    }

    /// A name that is not a path of the sweep (a URL, an argument).
    pub fn from_text(text: &str) -> FileName {
        FileName::new(Path::new(text))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// As `Path::display` writes it.
    pub fn text(&self) -> Cow<'_, str> {
        self.0.to_string_lossy()
    }
}

impl From<&str> for FileName {
    fn from(text: &str) -> Self {
        FileName::from_text(text)
    }
}

impl Default for FileName {
    fn default() -> Self {
        FileName::from_text("")
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.display().fmt(f)
    }
}

impl PartialEq<str> for FileName {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for FileName {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl Serialize for FileName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for FileName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(FileName::from_text(&Cow::<str>::deserialize(d)?))
    }
}

/// Where a certificate was found: a file (most places: the bare file that
/// holds one certificate), or a longer description (`file #2 (line 30)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    File(FileName),
    Text(Box<str>),
}

impl Place {
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Place::File(f) => f.text(),
            Place::Text(t) => Cow::Borrowed(t),
        }
    }
}

impl From<&str> for Place {
    fn from(text: &str) -> Self {
        Place::Text(text.into())
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File(n) => n.fmt(f),
            Place::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Place::Text(String::deserialize(d)?.into()))
    }
}

/// Every place a certificate was found, the first first. Nearly every
/// certificate has one, kept inline; more are boxed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places(PlacesRepr);

#[derive(Debug, Clone, PartialEq, Eq)]
enum PlacesRepr {
    One(Place),
    Many(Box<[Place]>),
}

impl std::ops::Deref for Places {
    type Target = [Place];
    fn deref(&self) -> &[Place] {
        match &self.0 {
            PlacesRepr::One(p) => std::slice::from_ref(p),
            PlacesRepr::Many(all) => all,
        }
    }
}

impl FromIterator<Place> for Places {
    fn from_iter<I: IntoIterator<Item = Place>>(iter: I) -> Self {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

impl Default for Places {
    /// No place (a partial record's row may have none).
    fn default() -> Self {
        Places(PlacesRepr::Many(Box::default()))
    }
}

impl From<Vec<Place>> for Places {
    fn from(mut all: Vec<Place>) -> Self {
        match all.len() {
            1 => match all.pop() {
                Some(p) => Places(PlacesRepr::One(p)),
                None => Places(PlacesRepr::Many(Box::default())),
            },
            _ => Places(PlacesRepr::Many(all.into_boxed_slice())),
        }
    }
}

/// What the rows of one target share: written on every row as `target`,
/// `labels` and `profile`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowTarget {
    /// Its `name`, or the path given on the command line.
    pub name: Arc<str>,
    /// Its labels (site, device, owner, ...).
    pub labels: BTreeMap<String, String>,
    /// The profile its certificates are audited under.
    pub profile: String,
}

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

/// One unique certificate (by SHA-256) and its audit. Its serde form has
/// the fields in this order, each as text where the field says so.
#[derive(Debug, Clone, PartialEq)]
pub struct CertRow {
    pub sha256: Digest,
    /// RFC 4514-style text, as `check` prints it.
    pub subject: Box<str>,
    /// Shared by the rows of one issuer.
    pub issuer: Arc<str>,
    /// Upper-case hex.
    pub serial: Box<str>,
    /// notBefore as Unix seconds; written as `not_before`, RFC 3339 UTC.
    pub not_before_unix: i64,
    /// notAfter as Unix seconds (for metrics); written as `not_after`,
    /// RFC 3339 UTC, and `not_after_unix`.
    pub not_after_unix: i64,
    /// Whole days from the audit time to notAfter; negative once expired.
    pub days_left: i64,
    pub role: RowRole,
    /// SHA-256 of the SubjectPublicKeyInfo (lower hex): a renewal with the
    /// same key keeps it.
    pub spki_sha256: Digest,
    /// DNS and IP SANs, as text.
    pub sans: Box<[Box<str>]>,
    /// The inventory target it was found under; written as `target` (its
    /// name), `labels` and `profile`.
    pub target: Arc<RowTarget>,
    /// Every place it was found (`file`, `file #2 (line 30)`, ...); the
    /// first is where it was audited, the others are duplicates.
    pub places: Places,
    pub verdict: RowVerdict,
    pub state: State,
    pub expired: bool,
    pub revocation: RowRevocation,
    pub revoked: bool,
    pub chain: RowChain,
    /// Warning and error findings (those of a grouped cause, such as an
    /// unreachable revocation source, are in [`SweepReport::findings`]).
    pub findings: Vec<RowFinding>,
    /// How many info findings there were.
    pub info_findings: usize,
    /// Findings `--ignore` removed.
    pub suppressed: usize,
    /// A newer certificate of the inventory replaces this one: its state
    /// is `ok` whatever it would be, and it is listed once to be removed.
    pub superseded_by: Option<Box<Successor>>,
}

/// RFC 3339 UTC of Unix seconds, as the model's times are written (whole
/// seconds).
pub fn unix_ts(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(ts)
        .unwrap_or_default()
}

/// Unix seconds of an RFC 3339 text.
fn unix_of(text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| format!("'{text}': {e}"))
}

impl CertRow {
    /// RFC 3339 UTC.
    pub fn not_before(&self) -> String {
        unix_ts(self.not_before_unix)
    }

    /// RFC 3339 UTC.
    pub fn not_after(&self) -> String {
        unix_ts(self.not_after_unix)
    }

    /// The first place, where it was audited.
    pub fn first_place(&self) -> Option<Cow<'_, str>> {
        self.places.first().map(Place::text)
    }
}

/// A sequence written from an iterator, without collecting it.
struct Seq<I>(I);

impl<I> Serialize for Seq<I>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

impl Serialize for CertRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("CertRow", 26)?;
        st.serialize_field("sha256", &self.sha256)?;
        st.serialize_field("subject", &*self.subject)?;
        st.serialize_field("issuer", &*self.issuer)?;
        st.serialize_field("serial", &*self.serial)?;
        st.serialize_field("not_before", &self.not_before())?;
        st.serialize_field("not_after", &self.not_after())?;
        st.serialize_field("not_after_unix", &self.not_after_unix)?;
        st.serialize_field("days_left", &self.days_left)?;
        st.serialize_field("role", &self.role)?;
        st.serialize_field("spki_sha256", &self.spki_sha256)?;
        st.serialize_field("sans", &Seq(self.sans.iter().map(|s| &**s)))?;
        st.serialize_field("target", &*self.target.name)?;
        st.serialize_field("labels", &self.target.labels)?;
        st.serialize_field("profile", &self.target.profile)?;
        st.serialize_field("places", &Seq(self.places.iter()))?;
        st.serialize_field("verdict", &self.verdict)?;
        st.serialize_field("state", &self.state)?;
        st.serialize_field("expired", &self.expired)?;
        st.serialize_field("revocation", &self.revocation)?;
        st.serialize_field("revoked", &self.revoked)?;
        st.serialize_field("chain", &self.chain)?;
        st.serialize_field("findings", &self.findings)?;
        st.serialize_field("info_findings", &self.info_findings)?;
        st.serialize_field("suppressed", &self.suppressed)?;
        match &self.superseded_by {
            Some(s) => st.serialize_field("superseded_by", s)?,
            None => st.skip_field("superseded_by")?,
        }
        st.end()
    }
}

/// The serde form of a [`CertRow`], read back.
#[derive(Deserialize)]
struct CertRowText {
    sha256: Digest,
    subject: String,
    issuer: String,
    serial: String,
    not_before: String,
    not_after: String,
    not_after_unix: i64,
    days_left: i64,
    role: RowRole,
    spki_sha256: Digest,
    sans: Vec<String>,
    target: String,
    labels: BTreeMap<String, String>,
    profile: String,
    places: Vec<Place>,
    verdict: RowVerdict,
    state: State,
    expired: bool,
    revocation: RowRevocation,
    revoked: bool,
    chain: RowChain,
    findings: Vec<RowFinding>,
    info_findings: usize,
    #[serde(default)]
    suppressed: usize,
    #[serde(default)]
    superseded_by: Option<Successor>,
}

impl<'de> Deserialize<'de> for CertRow {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = CertRowText::deserialize(d)?;
        let not_before_unix = unix_of(&t.not_before).map_err(serde::de::Error::custom)?;
        // Both notAfter fields say the same, or the row is not one of ours.
        if unix_of(&t.not_after).map_err(serde::de::Error::custom)? != t.not_after_unix {
            return Err(serde::de::Error::custom(
                "not_after and not_after_unix disagree",
            ));
        }
        Ok(CertRow {
            sha256: t.sha256,
            subject: t.subject.into(),
            issuer: t.issuer.into(),
            serial: t.serial.into(),
            not_before_unix,
            not_after_unix: t.not_after_unix,
            days_left: t.days_left,
            role: t.role,
            spki_sha256: t.spki_sha256,
            sans: t.sans.into_iter().map(String::into_boxed_str).collect(),
            target: Arc::new(RowTarget {
                name: t.target.into(),
                labels: t.labels,
                profile: t.profile,
            }),
            places: t.places.into(),
            verdict: t.verdict,
            state: t.state,
            expired: t.expired,
            revocation: t.revocation,
            revoked: t.revoked,
            chain: t.chain,
            findings: t.findings,
            info_findings: t.info_findings,
            suppressed: t.suppressed,
            superseded_by: t.superseded_by.map(Box::new),
        })
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRow {
    /// Shared with the places of its certificates.
    pub file: FileName,
    pub target: Arc<str>,
    /// What the file is (`crate::load::LoadedInput::kind`): `certificates`,
    /// `private-key`, `csr`, `crl`, `public-key`, `text`, `empty`,
    /// `special`, `unreadable`, ...
    /// (Not `kind`: JSON Lines tags each line with `kind`.)
    #[serde(default)]
    pub file_kind: Cow<'static, str>,
    /// The format it was read as (`pem`, `der`, `pkcs7`, ...), if any.
    pub format: Option<Cow<'static, str>>,
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

impl Default for InputRow {
    fn default() -> Self {
        InputRow {
            file: FileName::default(),
            target: Arc::from(""),
            file_kind: Cow::Borrowed(""),
            format: None,
            certificates: 0,
            errors: Vec::new(),
            objects: Vec::new(),
            notes: Vec::new(),
        }
    }
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
