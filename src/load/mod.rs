//! Loaders: bytes in, certificates with provenance out.
//!
//! The format is sniffed from the content, never from the file name. Every
//! loader treats its input as hostile: a broken block becomes an
//! [`InputProblem`] naming the file and line (or the position inside a
//! PKCS#7 bundle), and the certificates beside it are still returned.

mod cache;
mod exclude;
mod hexdump;
pub(crate) mod ike;
mod ios_config;
pub(crate) mod ios_show;
mod objects;
mod pcap;
mod pem;
mod pkcs12;
mod pkcs7;

pub use cache::{CertCache, MAX_CACHED};
pub use exclude::Exclude;
pub use objects::{expects_certificate, FoundObject, KeyFormat, KeyMatch, ObjectKind};
pub use pkcs12::{Password, PasswordPrompt, MAX_DECRYPTIONS, MAX_ITERATIONS};

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::partial::PartialCertificate;
use crate::model::Certificate;

/// The largest input pkiaudit reads (64 MiB). Larger inputs are refused
/// with an input error before they are read into memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The most certificates taken from one input; the rest are reported as
/// an input error rather than read.
pub const MAX_CERTS_PER_INPUT: usize = 100_000;

/// The most non-certificate objects (keys, CSRs, ...) recorded for one
/// input; each further one is still reported as a problem, which are capped
/// in turn.
pub const MAX_OBJECTS_PER_INPUT: usize = 1_000;

/// The most problems listed for one input; further ones are counted in one
/// closing problem, so a hostile input cannot grow the report without bound.
pub const MAX_PROBLEMS_PER_INPUT: usize = 1_000;

/// The longest problem message kept, in characters.
const MAX_MESSAGE_CHARS: usize = 512;

/// The most files read from one directory tree given on the command line.
pub const MAX_FILES_PER_DIRECTORY: usize = 100_000;

/// Where a certificate came from inside its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Container {
    /// A `CERTIFICATE`, `X509 CERTIFICATE` or `TRUSTED CERTIFICATE` PEM block.
    Pem,
    /// A raw DER certificate.
    Der,
    /// A DER (or BER) PKCS#7 / CMS certs-only bundle.
    Pkcs7,
    /// A PKCS#7 bundle inside a `PKCS7` / `CMS` PEM block.
    PemPkcs7,
    /// Bare base64 of a DER certificate or bundle (no PEM armour).
    Base64,
    /// An entry of `show crypto pki certificates` / `show crypto ca
    /// certificates` output: a partial record, not the certificate itself.
    IosShow,
    /// A certificate named in `show crypto pki trustpoints [status]` (ASA:
    /// `show crypto ca trustpoints`): subject with serial or fingerprints,
    /// a partial record.
    IosTrustpoints,
    /// A `crypto pki certificate chain` block of a running-config.
    RunningConfig,
    /// A CERT payload of an IKE message (raw, hex dump or capture).
    Ike,
    /// A certificate given as a hex dump.
    Hex,
    /// A certificate bag of a PKCS#12 (`.pfx`, `.p12`) file.
    Pkcs12,
}

impl Container {
    pub fn as_str(self) -> &'static str {
        match self {
            Container::Pem => "pem",
            Container::Der => "der",
            Container::Pkcs7 => "pkcs7",
            Container::PemPkcs7 => "pem-pkcs7",
            Container::Base64 => "base64",
            Container::IosShow => "show",
            Container::IosTrustpoints => "show-trustpoints",
            Container::RunningConfig => "running-config",
            Container::Ike => "ike",
            Container::Hex => "hex",
            Container::Pkcs12 => "pkcs12",
        }
    }
}

/// What a PKCS#12 file says about one of its certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pkcs12Bag {
    /// The bag's friendlyName attribute (what Windows shows as the
    /// certificate's "Friendly name", `openssl pkcs12 -name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// The file's private key belongs to this certificate (its public key
    /// matches).
    pub holds_key: bool,
}

/// What an IOS running-config or `show` output says a certificate is to
/// its trustpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IosRole {
    /// The device's own certificate (`certificate <serial>`).
    Identity,
    /// A CA certificate (`certificate ca <serial>`).
    Ca,
    /// `certificate self-signed <serial>`.
    SelfSigned,
    /// A shadow certificate waiting for rollover (`certificate rollover`).
    Rollover,
    /// A SCEP RA certificate.
    Ra,
}

/// The provenance of one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The input as given: a path, or `-` for standard input.
    pub file: String,
    /// 1-based position of the certificate among those found in the file.
    pub index: usize,
    /// 1-based line of the PEM `BEGIN` line, for text inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based position inside a PKCS#7 bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle_index: Option<usize>,
    pub container: Container,
    /// The IOS/ASA trustpoints the certificate belongs to (running-config
    /// chain, `Associated Trustpoints:`, `show ... pem` header).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trustpoints: Vec<String>,
    /// What the certificate is to its trustpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ios_role: Option<IosRole>,
    /// 1-based frame of a packet capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<usize>,
    /// The IKE message and CERT payload it was sent in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike: Option<crate::ike::IkeOrigin>,
    /// The PKCS#12 bag it was read from: friendly name, and whether the
    /// file's key is its key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkcs12: Option<Pkcs12Bag>,
}

impl Provenance {
    /// Where the certificate came from, as the JSON `origin` field says it:
    /// `pem`, `der`, `pkcs7`, `base64`, `show`, `running-config`.
    pub fn origin(&self) -> &'static str {
        match self.container {
            Container::Pem => "pem",
            Container::Der => "der",
            Container::Pkcs7 | Container::PemPkcs7 => "pkcs7",
            Container::Base64 => "base64",
            Container::IosShow | Container::IosTrustpoints => "show",
            Container::RunningConfig => "running-config",
            Container::Ike => "ike",
            Container::Hex => "hex",
            Container::Pkcs12 => "pkcs12",
        }
    }
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} #{}", self.file, self.index)?;
        if let Some(ike) = &self.ike {
            let at = match (self.frame, self.line) {
                (Some(fr), _) => format!("frame {fr}, "),
                (None, Some(l)) => format!("line {l}, "),
                (None, None) => String::new(),
            };
            write!(
                f,
                " ({at}{} message {}, sent by the {}, SPI {})",
                ike.exchange,
                ike.message_id,
                ike.direction.as_str(),
                ike.spi_i
            )?;
            return Ok(());
        }
        if let Some(name) = self.pkcs12.as_ref().and_then(|p| p.friendly_name.as_ref()) {
            write!(f, " (friendly name \"{name}\")")?;
        }
        match (self.line, self.bundle_index) {
            (Some(line), Some(i)) => write!(f, " (line {line}, PKCS#7 item {i})"),
            (Some(line), None) => write!(f, " (line {line})"),
            (None, Some(i)) => write!(f, " (PKCS#7 item {i})"),
            (None, None) => Ok(()),
        }
    }
}

/// How bad an input problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemLevel {
    /// Something in the input was ignored on purpose (a CRL, a CSR).
    Note,
    /// Read, but something is off (trailing bytes, a private key in the file).
    Warning,
    /// Part or all of the input could not be read.
    Error,
}

/// A problem with an input, as opposed to a finding about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputProblem {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle_index: Option<usize>,
    pub level: ProblemLevel,
    pub message: String,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(i) = self.bundle_index {
            write!(f, " (PKCS#7 item {i})")?;
        }
        let level = match self.level {
            ProblemLevel::Note => "note",
            ProblemLevel::Warning => "warning",
            ProblemLevel::Error => "error",
        };
        write!(f, ": {level}: {}", self.message)
    }
}

/// A certificate and where it was found.
#[derive(Debug, Clone)]
pub struct LoadedCert {
    pub provenance: Provenance,
    pub cert: std::sync::Arc<Certificate>,
}

/// A partial record (what a device printed) and where it was found.
#[derive(Debug, Clone)]
pub struct LoadedPartial {
    pub provenance: Provenance,
    pub partial: PartialCertificate,
}

/// Fetches the body a URL names, or says in words why it could not.
pub type Fetch = fn(&str) -> Result<Vec<u8>, String>;

/// How inputs are read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--device-tz LABEL=+HH:MM`: the UTC offset of a device's time zone
    /// label, in seconds east of UTC.
    pub device_tz: Vec<(String, i32)>,
    /// `--ike-keys`: keys to decrypt IKEv2 SK payloads.
    pub ike_keys: Option<std::sync::Arc<crate::ike::decrypt::KeyTable>>,
    /// `--fetch`: how to fetch hash-and-URL certificates (RFC 7296 §3.6).
    /// Loaders hold no transport of their own: the caller passes one
    /// (the CLI passes `revocation::transport::get`); `None` leaves them
    /// unfetched, which is the default.
    pub fetch: Option<Fetch>,
    /// `--exclude GLOB`: files and directories never read (see [`Exclude`]).
    pub exclude: Exclude,
    /// How long a named pipe, socket or device named explicitly may take to
    /// deliver its input; `None` is [`SPECIAL_FILE_TIMEOUT`].
    pub special_timeout: Option<std::time::Duration>,
    /// `--password-file` / `PKIAUDIT_PASSWORD`: the password of PKCS#12
    /// files, tried after the empty one.
    pub password: Option<Password>,
    /// Asks for a PKCS#12 password when nothing else opens a file (the CLI
    /// prompts on a terminal); `None` never asks.
    pub password_prompt: Option<PasswordPrompt>,
    /// CA certificates already parsed in this run (a sweep shares one
    /// across all its files); `None` parses every certificate.
    pub cert_cache: Option<std::sync::Arc<CertCache>>,
}

/// How long a named pipe (or socket, or device) named explicitly may take
/// to deliver its input: `check <(ssh hub show crypto pki certificates)`
/// works, a pipe nobody writes to does not hold the run forever.
pub const SPECIAL_FILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Parse `LABEL=+HH:MM` (or `-HH:MM`, `+H`, `UTC+2`-free forms only).
pub fn parse_device_tz(text: &str) -> Result<(String, i32), String> {
    let (label, offset) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected LABEL=+HH:MM"))?;
    let label = label.trim();
    if label.is_empty()
        || !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c))
    {
        return Err(format!("`{label}` is not a time zone label"));
    }
    let offset = offset.trim();
    let (sign, rest) = match offset.as_bytes().first() {
        Some(b'+') => (1, &offset[1..]),
        Some(b'-') => (-1, &offset[1..]),
        _ => {
            return Err(format!(
                "`{offset}`: the offset needs a sign (+HH:MM or -HH:MM)"
            ))
        }
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().map_err(|_| format!("`{offset}` is not +HH:MM"))?;
    let m: i32 = m.parse().map_err(|_| format!("`{offset}` is not +HH:MM"))?;
    if h > 14 || m > 59 || (h == 14 && m > 0) {
        return Err(format!("`{offset}` is not a UTC offset (at most ±14:00)"));
    }
    Ok((label.to_string(), sign * (h * 3600 + m * 60)))
}

/// Everything read from one input.
#[derive(Debug, Clone)]
pub struct LoadedInput {
    pub file: String,
    /// The format that was recognised (`pem`, `der`, `pkcs7`, `base64`), if any.
    pub format: Option<&'static str>,
    pub bytes: u64,
    pub certs: Vec<LoadedCert>,
    /// Partial records (`show` output entries).
    pub partials: Vec<LoadedPartial>,
    /// The PKI/IKEv2 configuration, when the input is a running-config.
    pub ios_config: Option<Box<crate::ios::config::IosConfig>>,
    /// The IKE messages and SAs, when the input held IKE.
    pub ike: Option<Box<crate::ike::IkeReport>>,
    pub problems: Vec<InputProblem>,
    /// What else the input holds: private keys, CSRs, CRLs, bare public
    /// keys, text (at most [`MAX_OBJECTS_PER_INPUT`]).
    pub objects: Vec<FoundObject>,
    /// The kind when it is not read from the content: `empty`, `special`,
    /// `excluded`.
    kind_override: Option<&'static str>,
    /// Set once [`MAX_CERTS_PER_INPUT`] was reached.
    capped: bool,
    /// Problems beyond [`MAX_PROBLEMS_PER_INPUT`]: how many, and the worst.
    unlisted: usize,
    unlisted_level: ProblemLevel,
    /// [`LoadOptions::cert_cache`], for the certificates this input holds.
    cache: Option<std::sync::Arc<CertCache>>,
}

impl LoadedInput {
    fn new(file: &str, bytes: u64) -> Self {
        LoadedInput {
            file: file.to_string(),
            format: None,
            bytes,
            certs: Vec::new(),
            partials: Vec::new(),
            ios_config: None,
            ike: None,
            problems: Vec::new(),
            objects: Vec::new(),
            kind_override: None,
            capped: false,
            unlisted: 0,
            unlisted_level: ProblemLevel::Note,
            cache: None,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.level == ProblemLevel::Error)
    }

    /// What the input is, as outputs show it: `certificates` (it gave
    /// certificates or `show` records), `running-config`, `ike`, `show`
    /// (a trustpoint listing without certificates), then by what else it
    /// holds, the first that applies: `private-key`, `csr`, `crl`,
    /// `public-key`, `text`, `other` (PEM blocks of other types); `empty`,
    /// `special` (a pipe, socket or device, not read), `excluded` (matched
    /// `--exclude`, not read), or `unreadable` (nothing found, and errors).
    pub fn kind(&self) -> &'static str {
        if let Some(k) = self.kind_override {
            return k;
        }
        if !self.certs.is_empty() || !self.partials.is_empty() {
            return "certificates";
        }
        if self.ios_config.is_some() {
            return "running-config";
        }
        if self.ike.is_some() || self.format == Some("ike-payload") {
            return "ike";
        }
        if self.format == Some("show-trustpoints") {
            return "show";
        }
        ["private-key", "csr", "crl", "public-key", "text", "other"]
            .into_iter()
            .find(|k| self.objects.iter().any(|o| o.kind_name() == *k))
            .unwrap_or("unreadable")
    }

    /// The private keys found in the input (file: [`LoadedInput::file`];
    /// line and whether encrypted: on each object).
    pub fn private_keys(&self) -> impl Iterator<Item = &FoundObject> {
        self.objects.iter().filter(|o| o.is_private_key())
    }

    /// Record a non-certificate object found at `line`, and say so: `what`
    /// names where it was (`PEM block 'PRIVATE KEY' is`, `the input is`).
    /// A private key is a warning, the rest notes.
    pub(crate) fn add_object(
        &mut self,
        kind: ObjectKind,
        line: Option<usize>,
        encoding: &str,
        what: &str,
    ) {
        let object = FoundObject {
            kind,
            line,
            encoding: encoding.to_string(),
            key_match: None,
        };
        self.add_found(object, what);
    }

    /// [`LoadedInput::add_object`] for an object built by the caller.
    pub(crate) fn add_found(&mut self, object: FoundObject, what: &str) {
        let line = object.line;
        let level = if object.is_private_key() {
            ProblemLevel::Warning
        } else {
            ProblemLevel::Note
        };
        let message = match &object.kind {
            ObjectKind::Other { .. } => format!("{what} not a certificate: skipped"),
            _ => format!("{what} {}, {}", object.describe(), object.outcome()),
        };
        self.problem(level, line, None, message);
        if self.objects.len() < MAX_OBJECTS_PER_INPUT {
            self.objects.push(object);
        }
    }

    /// An input that was not read because `pattern` excludes it.
    pub fn excluded(file: &str, pattern: &str) -> Self {
        let mut input = LoadedInput::new(file, 0);
        input.kind_override = Some("excluded");
        input.problem(
            ProblemLevel::Note,
            None,
            None,
            format!("not read: excluded by the pattern '{pattern}'"),
        );
        input
    }

    pub(crate) fn problem(
        &mut self,
        level: ProblemLevel,
        line: Option<usize>,
        bundle_index: Option<usize>,
        message: impl Into<String>,
    ) {
        if self.problems.len() >= MAX_PROBLEMS_PER_INPUT {
            self.unlisted += 1;
            self.unlisted_level = self.unlisted_level.max(level);
            return;
        }
        let mut message = message.into();
        if message.chars().count() > MAX_MESSAGE_CHARS {
            message = message.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "…";
        }
        self.problems.push(InputProblem {
            file: self.file.clone(),
            line,
            bundle_index,
            level,
            message,
        });
    }

    /// A trust input: records known only from `show` output carry no key,
    /// so they cannot anchor or link a chain. Say so, once per input.
    pub fn refuse_partials_as_trust(&mut self) {
        if !self.partials.is_empty() {
            let n = self.partials.len();
            self.problem(
                ProblemLevel::Warning,
                None,
                None,
                format!(
                    "{n} certificate{} known only from `show` output cannot be used to build                      chains (no public key); give the certificates themselves (PEM, or the                      running-config chain)",
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
    }

    /// Close the input: count what was not listed, and make sure an input
    /// that gave no certificate says so as an error.
    fn finish(mut self) -> Self {
        if self.unlisted > 0 {
            self.problems.push(InputProblem {
                file: self.file.clone(),
                line: None,
                bundle_index: None,
                level: self.unlisted_level,
                message: format!(
                    "{} more problems in this input are not listed (at most {MAX_PROBLEMS_PER_INPUT} are)",
                    self.unlisted
                ),
            });
            self.unlisted = 0;
        }
        if self.kind_override.is_some() {
            return self;
        }
        if self.certs.is_empty() && self.partials.is_empty() && !self.has_errors() {
            if self.format == Some("show-trustpoints") || self.format == Some("ike-payload") {
                return self;
            }
            if self.ike.is_some() {
                self.problem(
                    ProblemLevel::Note,
                    None,
                    None,
                    "IKE messages read, but no certificate was sent in them (see the SA \
                     overview; encrypted payloads need --ike-keys)",
                );
                return self;
            }
            if self.ios_config.is_some() {
                self.problem(
                    ProblemLevel::Note,
                    None,
                    None,
                    "running-config holds no certificate chain; its PKI configuration is audited",
                );
                return self;
            }
            // Keys, CSRs, CRLs, public keys and text are what they are, not
            // input errors. PEM blocks of other types are too, unless the
            // name promised a certificate.
            if self
                .objects
                .iter()
                .any(|o| !matches!(o.kind, ObjectKind::Other { .. }))
                || (!self.objects.is_empty() && !expects_certificate(&self.file))
            {
                return self;
            }
            // The message stands alone: a sweep lists only the errors.
            let message = if self.problems.is_empty() {
                "no certificate found".to_string()
            } else {
                let said: Vec<&str> = self
                    .problems
                    .iter()
                    .take(3)
                    .map(|p| p.message.as_str())
                    .collect();
                format!(
                    "no certificate found; this input holds only: {}",
                    said.join("; ")
                )
            };
            self.problem(ProblemLevel::Error, None, None, message);
        }
        self
    }

    /// Parse one DER certificate found at (`line`, `bundle_index`) and keep
    /// it, or record why it could not be read.
    pub(crate) fn add_der(
        &mut self,
        der: &[u8],
        container: Container,
        line: Option<usize>,
        bundle_index: Option<usize>,
        allow_trailing: bool,
    ) {
        if let Err(e) = self.try_add_der(der, container, line, bundle_index, allow_trailing) {
            self.problem(ProblemLevel::Error, line, bundle_index, e);
        }
    }

    /// [`LoadedInput::add_der`], handing back why the certificate could not
    /// be read instead of recording it.
    pub(crate) fn try_add_der(
        &mut self,
        der: &[u8],
        container: Container,
        line: Option<usize>,
        bundle_index: Option<usize>,
        allow_trailing: bool,
    ) -> Result<(), String> {
        if self.at_cap(line, bundle_index) {
            return Ok(());
        }
        let (cert, trailing) = self.model(der).map_err(|e| e.0)?;
        if trailing > 0 && !allow_trailing {
            self.problem(
                ProblemLevel::Warning,
                line,
                bundle_index,
                format!("{trailing} bytes of trailing data after the certificate were ignored"),
            );
        }
        self.push(cert, container, line, bundle_index);
        Ok(())
    }

    /// Parse one certificate at the start of `der`, through the run's
    /// cache when there is one.
    fn model(
        &self,
        der: &[u8],
    ) -> Result<(std::sync::Arc<Certificate>, usize), crate::model::ParseError> {
        match &self.cache {
            Some(cache) => cache.model(der),
            None => Certificate::from_der_prefix(der).map(|(c, n)| (c.into(), n)),
        }
    }

    /// True once [`MAX_CERTS_PER_INPUT`] certificates were taken; says so
    /// once.
    fn at_cap(&mut self, line: Option<usize>, bundle_index: Option<usize>) -> bool {
        if self.found() < MAX_CERTS_PER_INPUT {
            return false;
        }
        if !self.capped {
            self.capped = true;
            self.problem(
                ProblemLevel::Error,
                line,
                bundle_index,
                format!("more than {MAX_CERTS_PER_INPUT} certificates in one input; the rest are not read"),
            );
        }
        true
    }

    /// Certificates and partial records found so far; the next one's
    /// 1-based index is one more.
    fn found(&self) -> usize {
        self.certs.len() + self.partials.len()
    }

    fn provenance(
        &self,
        container: Container,
        line: Option<usize>,
        bundle_index: Option<usize>,
    ) -> Provenance {
        Provenance {
            file: self.file.clone(),
            index: self.found() + 1,
            line,
            bundle_index,
            container,
            trustpoints: Vec::new(),
            ios_role: None,
            frame: None,
            ike: None,
            pkcs12: None,
        }
    }

    fn push(
        &mut self,
        cert: std::sync::Arc<Certificate>,
        container: Container,
        line: Option<usize>,
        bundle_index: Option<usize>,
    ) {
        let provenance = self.provenance(container, line, bundle_index);
        self.certs.push(LoadedCert { provenance, cert });
    }

    pub(crate) fn push_partial(
        &mut self,
        partial: PartialCertificate,
        container: Container,
        line: Option<usize>,
    ) {
        if self.at_cap(line, None) {
            return;
        }
        let mut provenance = self.provenance(container, line, None);
        provenance.trustpoints = partial.show.trustpoints.clone();
        provenance.ios_role = Some(match partial.kind {
            crate::model::partial::ShowKind::Certificate => IosRole::Identity,
            crate::model::partial::ShowKind::CaCertificate => IosRole::Ca,
            crate::model::partial::ShowKind::SelfSigned => IosRole::SelfSigned,
            crate::model::partial::ShowKind::RaCertificate => IosRole::Ra,
        });
        self.partials.push(LoadedPartial {
            provenance,
            partial,
        });
    }
}

/// Load every input named on the command line. `-` is standard input; a
/// directory is read recursively, its files in sorted order (hidden files
/// and symbolic links to directories are skipped). A path that
/// [`LoadOptions::exclude`] matches is not read: it comes back as an input
/// of kind `excluded`, with a note naming the pattern.
pub fn load_paths(paths: &[PathBuf]) -> Vec<LoadedInput> {
    load_paths_with(paths, &LoadOptions::default())
}

/// [`load_paths`] with options.
pub fn load_paths_with(paths: &[PathBuf], opts: &LoadOptions) -> Vec<LoadedInput> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(load_reader_with("-", io::stdin().lock(), opts));
            continue;
        }
        let expanded = expand_path_excluding(path, &opts.exclude);
        out.extend(expanded.inputs);
        out.extend(expanded.files.iter().map(|f| load_file_with(f, opts)));
        out.extend(
            expanded
                .excluded
                .iter()
                .map(|e| LoadedInput::excluded(&e.path.display().to_string(), &e.pattern)),
        );
    }
    out
}

/// A path an exclusion pattern kept from being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedPath {
    /// The file or directory (a directory is not entered).
    pub path: PathBuf,
    /// The pattern that matched, as written.
    pub pattern: String,
}

/// What a path stands for ([`expand_path_excluding`]).
#[derive(Debug, Default)]
pub struct Expanded {
    /// The files to read, sorted.
    pub files: Vec<PathBuf>,
    /// Inputs to report without reading: errors (a directory that cannot be
    /// read or holds nothing) and notes (pipes, sockets and devices
    /// skipped).
    pub inputs: Vec<LoadedInput>,
    /// Files and directories excluded, sorted.
    pub excluded: Vec<ExcludedPath>,
}

/// The files a path stands for: itself, or every file under a directory
/// (recursive, sorted, hidden files and symbolic links to directories
/// left out), with an input error for a directory that cannot be read in
/// full or holds nothing.
pub fn expand_path(path: &Path) -> (Vec<PathBuf>, Vec<LoadedInput>) {
    let expanded = expand_path_excluding(path, &Exclude::default());
    (expanded.files, expanded.inputs)
}

/// [`expand_path`], leaving out what `exclude` matches: the path itself
/// (named paths too, see [`Exclude`]) and, under a directory, each file or
/// directory met (an excluded directory is not entered).
pub fn expand_path_excluding(path: &Path, exclude: &Exclude) -> Expanded {
    let is_dir = path.is_dir();
    if let Some(pattern) = exclude.matching(path, is_dir) {
        return Expanded {
            excluded: vec![ExcludedPath {
                path: path.to_path_buf(),
                pattern: pattern.to_string(),
            }],
            ..Expanded::default()
        };
    }
    if !is_dir {
        return Expanded {
            files: vec![path.to_path_buf()],
            ..Expanded::default()
        };
    }
    let mut walk = Walk {
        exclude,
        files: Vec::new(),
        special: Vec::new(),
        excluded: Vec::new(),
        error: None,
    };
    walk.dir(path);
    let Walk {
        mut files,
        mut special,
        mut excluded,
        error,
        ..
    } = walk;
    let mut errors = Vec::new();
    // Named pipes, sockets and devices under a directory are not read:
    // opening a FIFO nobody writes to blocks forever. Each is said, not
    // dropped.
    special.sort();
    let skipped = special.len();
    for (file, kind) in special {
        let mut input = LoadedInput::new(&file.display().to_string(), 0);
        input.kind_override = Some("special");
        input.problem(
            ProblemLevel::Note,
            None,
            None,
            format!(
                "skipped: {kind}, not a regular file (files under a directory are read only \
                 when regular; name it on the command line to read it)"
            ),
        );
        errors.push(input);
    }
    if let Some(message) = error {
        let mut input = LoadedInput::new(&path.display().to_string(), 0);
        input.problem(ProblemLevel::Error, None, None, message);
        errors.push(input);
    }
    if files.is_empty() && skipped == 0 && excluded.is_empty() {
        let mut input = LoadedInput::new(&path.display().to_string(), 0);
        input.problem(
            ProblemLevel::Error,
            None,
            None,
            "directory holds no files to read",
        );
        errors.push(input);
    }
    files.sort();
    excluded.sort_by(|a, b| a.path.cmp(&b.path));
    Expanded {
        files,
        inputs: errors,
        excluded,
    }
}

/// What kind of special file `path` is (following symbolic links), if it
/// is one: a named pipe, a socket or a device.
pub fn special_kind(path: &Path) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = fs::metadata(path).ok()?.file_type();
    if t.is_fifo() {
        Some("a named pipe (FIFO)")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_block_device() || t.is_char_device() {
        Some("a device")
    } else {
        None
    }
}

/// [`special_kind`] for a directory entry of type `t`.
fn special_kind_of(t: fs::FileType, path: &Path) -> Option<&'static str> {
    if t.is_file() || t.is_dir() {
        None
    } else {
        special_kind(path)
    }
}

/// A directory walk: what it found so far.
struct Walk<'a> {
    exclude: &'a Exclude,
    files: Vec<PathBuf>,
    special: Vec<(PathBuf, &'static str)>,
    excluded: Vec<ExcludedPath>,
    error: Option<String>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.error = Some(format!("cannot read directory {}: {e}", dir.display()));
                return;
            }
        };
        for entry in entries.flatten() {
            // Excluded entries count too: the list of them is bounded.
            if self.files.len() + self.excluded.len() >= MAX_FILES_PER_DIRECTORY {
                self.error = Some(format!(
                    "more than {MAX_FILES_PER_DIRECTORY} files under {}; the rest are not read",
                    dir.display()
                ));
                return;
            }
            let path = entry.path();
            let Ok(t) = entry.file_type() else {
                continue;
            };
            // Symbolic links to directories are not followed (no loops).
            if t.is_symlink() && path.is_dir() {
                continue;
            }
            if !t.is_dir() {
                let hidden = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                if hidden {
                    continue;
                }
            }
            if let Some(pattern) = self.exclude.matching(&path, t.is_dir()) {
                self.excluded.push(ExcludedPath {
                    path,
                    pattern: pattern.to_string(),
                });
                continue;
            }
            if t.is_dir() {
                self.dir(&path);
                continue;
            }
            // The entry's own type settles a regular file without a stat;
            // a link is followed to what it names. (A file replaced by a
            // pipe after this is still caught when it is read.)
            match special_kind_of(t, &path) {
                Some(kind) => self.special.push((path, kind)),
                None => self.files.push(path),
            }
        }
    }
}

/// Load one file.
pub fn load_file(path: &Path) -> LoadedInput {
    load_file_with(path, &LoadOptions::default())
}

/// [`load_file`] with options.
pub fn load_file_with(path: &Path, opts: &LoadOptions) -> LoadedInput {
    let name = path.display().to_string();
    if let Some(kind) = special_kind(path) {
        return load_special(path, &name, kind, opts);
    }
    match fs::File::open(path) {
        Ok(f) => {
            // Refuse a regular file over the limit before reading any of it.
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            if len > MAX_INPUT_BYTES {
                let mut input = LoadedInput::new(&name, len);
                input.problem(ProblemLevel::Error, None, None, too_large());
                return input;
            }
            load_sized_with(&name, f, len, opts)
        }
        Err(e) => {
            let mut input = LoadedInput::new(&name, 0);
            input.problem(ProblemLevel::Error, None, None, format!("cannot open: {e}"));
            input
        }
    }
}

/// A named pipe, socket or device named explicitly: opened and read on a
/// thread of its own, for at most `opts.special_timeout`. A pipe nobody
/// writes to blocks in `open` itself; that thread is left behind (it ends
/// with the process), the input says why it was not read.
fn load_special(path: &Path, name: &str, kind: &str, opts: &LoadOptions) -> LoadedInput {
    let timeout = opts.special_timeout.unwrap_or(SPECIAL_FILE_TIMEOUT);
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("special-file".into())
        .spawn(move || {
            let read = fs::File::open(&owned).and_then(|f| {
                let mut bytes = Vec::new();
                f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
                Ok(bytes)
            });
            let _ = tx.send(read);
        });
    let outcome = match spawned {
        Ok(_) => rx.recv_timeout(timeout).map_err(|_| {
            format!(
                "{kind}: nothing arrived within {} seconds; not read",
                timeout.as_secs_f64()
            )
        }),
        Err(e) => Err(format!("{kind}: cannot start a reader: {e}")),
    };
    match outcome {
        Ok(Ok(bytes)) if bytes.len() as u64 > MAX_INPUT_BYTES => {
            let mut input = LoadedInput::new(name, bytes.len() as u64);
            input.problem(ProblemLevel::Error, None, None, too_large());
            input
        }
        Ok(Ok(bytes)) => load_bytes_with(name, &bytes, opts),
        Ok(Err(e)) => {
            let mut input = LoadedInput::new(name, 0);
            input.problem(ProblemLevel::Error, None, None, format!("cannot read: {e}"));
            input
        }
        Err(why) => {
            let mut input = LoadedInput::new(name, 0);
            input.problem(ProblemLevel::Error, None, None, why);
            input
        }
    }
}

/// [`load_reader_with`] for a file of `len` bytes: the buffer is sized
/// for it up front (plus one byte, to see the end, or a file that grew),
/// so a small file is read in one call rather than in growing steps.
fn load_sized_with(name: &str, f: fs::File, len: u64, opts: &LoadOptions) -> LoadedInput {
    let cap = usize::try_from(len.saturating_add(1).min(MAX_INPUT_BYTES + 1)).unwrap_or(0);
    read_bounded(name, f, Vec::with_capacity(cap), opts)
}

/// Read at most [`MAX_INPUT_BYTES`] (+1, to tell a file that is too
/// large) into `bytes`, then load them.
fn read_bounded(
    name: &str,
    reader: impl Read,
    mut bytes: Vec<u8>,
    opts: &LoadOptions,
) -> LoadedInput {
    if let Err(e) = reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes) {
        let mut input = LoadedInput::new(name, bytes.len() as u64);
        input.problem(ProblemLevel::Error, None, None, format!("cannot read: {e}"));
        return input;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        let mut input = LoadedInput::new(name, bytes.len() as u64);
        input.problem(ProblemLevel::Error, None, None, too_large());
        return input;
    }
    load_bytes_with(name, &bytes, opts)
}

/// Load from any reader, refusing more than [`MAX_INPUT_BYTES`].
pub fn load_reader(name: &str, reader: impl Read) -> LoadedInput {
    load_reader_with(name, reader, &LoadOptions::default())
}

/// [`load_reader`] with options.
pub fn load_reader_with(name: &str, reader: impl Read, opts: &LoadOptions) -> LoadedInput {
    read_bounded(name, reader, Vec::new(), opts)
}

fn too_large() -> String {
    format!(
        "input is larger than the {} MiB limit; not read",
        MAX_INPUT_BYTES / (1024 * 1024)
    )
}

/// Sniff the format of `bytes` and load every certificate in them.
pub fn load_bytes(name: &str, bytes: &[u8]) -> LoadedInput {
    load_bytes_with(name, bytes, &LoadOptions::default())
}

/// [`load_bytes`] with options.
pub fn load_bytes_with(name: &str, bytes: &[u8], opts: &LoadOptions) -> LoadedInput {
    let mut input = LoadedInput::new(name, bytes.len() as u64);
    input.cache.clone_from(&opts.cert_cache);
    sniff_and_load(&mut input, bytes, opts);
    input.cache = None;
    input.finish()
}

fn sniff_and_load(input: &mut LoadedInput, bytes: &[u8], opts: &LoadOptions) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        input.kind_override = Some("empty");
        // An empty `.pem` or standard input is a certificate that is not
        // there; an empty `index.txt` beside the certificates is nothing.
        let (level, tail) = if expects_certificate(&input.file) {
            (ProblemLevel::Error, "")
        } else {
            (ProblemLevel::Note, ": nothing to audit")
        };
        input.problem(
            level,
            None,
            None,
            format!(
                "{}{tail}",
                if bytes.is_empty() {
                    "input is empty"
                } else {
                    "input holds only white space"
                }
            ),
        );
        return;
    }
    // Notepad's "Unicode" is UTF-16 with a byte-order mark: decode it and
    // read the text as usual.
    if let Some(text) = decode_utf16(bytes) {
        input.problem(
            ProblemLevel::Note,
            None,
            None,
            "input is UTF-16 text; decoded before reading",
        );
        return sniff_and_load(input, text.as_bytes(), opts);
    }
    if pcap::looks_like_capture(bytes) {
        input.format = Some(if bytes.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
            "pcapng"
        } else {
            "pcap"
        });
        let mut reader = ike::IkeReader::new(opts);
        pcap::load(input, bytes, &mut reader);
        reader.finish(input);
        return;
    }
    // PKCS#12 before the DER parsers, which would call it damaged: it is
    // a SEQUENCE that starts with INTEGER 3, which nothing else here is.
    if bytes.first() == Some(&0x30) && pkcs12::looks_like_pfx(bytes) {
        input.format = Some("pkcs12");
        pkcs12::load(input, bytes, opts);
        return;
    }
    // DER first when it parses: a binary certificate could contain the
    // bytes of a PEM marker, text cannot start with a valid DER structure.
    if bytes.first() == Some(&0x30)
        && (Certificate::check_prefix(bytes).is_ok() || pkcs7::certificates(bytes).is_ok())
    {
        load_der(input, bytes, Container::Der);
        return;
    }
    // A key, CSR, CRL or public key in DER: only when its structure parses
    // in full, which text and IKE messages never do.
    if let Some(kind) = objects::recognise_der(bytes) {
        input.format = Some("der");
        input.add_object(kind, None, "der", "the input is");
        return;
    }
    // An IKE message after DER: a certificate can happen to look like an
    // IKE header (version byte, length), an IKE message cannot parse as a
    // certificate.
    if let Some(message) = ike_message(bytes) {
        input.format = Some("ike");
        let mut reader = ike::IkeReader::new(opts);
        read_ike_messages(input, message, None, &mut reader);
        reader.finish(input);
        return;
    }

    // PEM blocks and nothing else, as almost every file of an inventory
    // is: no Cisco or other text reader would find anything in it.
    if let Some(blocks) = pem::plain_blocks(bytes) {
        input.format = Some("pem");
        pem::load_plain(input, &blocks);
        return;
    }
    // Cisco text: a running-config (certificate chains as hex), then
    // `show` output; either may carry PEM blocks too (`show crypto pki
    // certificates pem`, a ticket with both).
    let text = String::from_utf8_lossy(bytes);
    if let Some(kind) = objects::putty(&text) {
        input.add_object(kind, Some(1), "text", "the input is");
        return;
    }
    if crate::ios::config::looks_like_config(&text) {
        input.format = Some("running-config");
        ios_config::load(input, &text);
        if pem::looks_like_pem(bytes) {
            pem::load(input, bytes);
        }
        return;
    }
    // A ticket often pastes several commands one after another: a
    // trustpoint listing beside certificate output is read too.
    if ios_show::looks_like_show(&text) {
        input.format = Some("show");
        ios_show::load(input, &text, opts);
        if pem::looks_like_pem(bytes) {
            pem::load(input, bytes);
            ios_show::tag_pem_trustpoints(input, &text);
        }
        if ios_show::looks_like_trustpoints(&text) {
            ios_show::load_trustpoints(input, &text);
        }
        return;
    }
    if pem::looks_like_pem(bytes) {
        input.format = Some("pem");
        pem::load(input, bytes);
        ios_show::tag_pem_trustpoints(input, &text);
        if ios_show::looks_like_trustpoints(&text) {
            ios_show::load_trustpoints(input, &text);
        }
        return;
    }
    if ios_show::looks_like_trustpoints(&text) {
        input.format = Some("show-trustpoints");
        ios_show::load_trustpoints(input, &text);
        return;
    }
    if let Some(blocks) = hexdump::blocks(&text) {
        input.format = Some("hexdump");
        let mut reader = ike::IkeReader::new(opts);
        for b in blocks {
            binary_object(input, &b.bytes, b.line, &mut reader);
        }
        reader.finish(input);
        return;
    }
    // Text that happens to start with `0` is text, unless the name
    // promised a certificate.
    let plain_text = objects::looks_like_text(bytes) && !expects_certificate(&input.file);
    if bytes.first() == Some(&0x30) && !plain_text {
        load_der(input, bytes, Container::Der);
        return;
    }
    if bytes.first().is_some_and(|b| matches!(b, 0 | 4)) && ike_payload(input, bytes, None) {
        input.format = Some("ike-payload");
        return;
    }
    if let Some(der) = decode_bare_base64(bytes) {
        if der.first() == Some(&0x30) && pkcs12::looks_like_pfx(&der) {
            input.format = Some("pkcs12");
            input.problem(
                ProblemLevel::Note,
                None,
                None,
                "the input is base64 of a PKCS#12 file; decoded before reading",
            );
            pkcs12::load(input, &der, opts);
            return;
        }
        if der.first() == Some(&0x30) {
            input.format = Some("base64");
            if Certificate::check_prefix(&der).is_err() && pkcs7::certificates(&der).is_err() {
                if let Some(kind) = objects::recognise_der(&der) {
                    input.add_object(kind, None, "base64", "the input is base64 of");
                    return;
                }
            }
            load_der(input, &der, Container::Base64);
            return;
        }
    }
    if plain_text {
        let lines = text.lines().count();
        input.add_object(ObjectKind::Text { lines }, None, "text", "the input is");
        return;
    }
    input.problem(
        ProblemLevel::Error,
        None,
        None,
        "no certificate found: tried PEM (no -----BEGIN line), DER certificate and \
         DER/BER PKCS#7 (does not start with an ASN.1 SEQUENCE), and bare base64",
    );
}

/// The IKE message(s) in `bytes`, after a NAT-T non-ESP marker if any.
fn ike_message(bytes: &[u8]) -> Option<&[u8]> {
    let body = match bytes {
        [0, 0, 0, 0, rest @ ..] if crate::ike::message::looks_like_ike(rest) => rest,
        _ => bytes,
    };
    crate::ike::message::looks_like_ike(body).then_some(body)
}

/// Concatenated IKE messages (a raw dump of several UDP payloads).
fn read_ike_messages(
    input: &mut LoadedInput,
    mut bytes: &[u8],
    line: Option<usize>,
    reader: &mut ike::IkeReader<'_>,
) {
    while !bytes.is_empty() {
        let len = bytes
            .get(24..28)
            .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
            .unwrap_or(bytes.len());
        let (this, rest) = bytes.split_at(len.clamp(28, bytes.len()).min(bytes.len()));
        reader.message(
            input,
            this,
            crate::ike::At {
                line,
                ..Default::default()
            },
        );
        bytes = match ike_message(rest) {
            Some(next) => next,
            None => {
                if !rest.is_empty() {
                    input.problem(
                        ProblemLevel::Warning,
                        line,
                        None,
                        format!(
                            "{} bytes after the last IKE message are not an IKE message: not read",
                            rest.len()
                        ),
                    );
                }
                break;
            }
        };
    }
}

/// One object of a hex dump block: an IKE message, an IKE payload, a DER
/// certificate or PKCS#7 bundle.
fn binary_object(
    input: &mut LoadedInput,
    bytes: &[u8],
    line: usize,
    reader: &mut ike::IkeReader<'_>,
) {
    if let Some(message) = ike_message(bytes) {
        read_ike_messages(input, message, Some(line), reader);
        return;
    }
    if bytes.first() == Some(&0x30) {
        let before = input.certs.len();
        match Certificate::check_prefix(bytes) {
            Ok(_) => input.add_der(bytes, Container::Hex, Some(line), None, false),
            Err(e) => match pkcs7::certificates(bytes) {
                Ok(bundle) => pkcs7::add_bundle(input, &bundle, Container::Hex, Some(line)),
                Err(_) => input.problem(
                    ProblemLevel::Error,
                    Some(line),
                    None,
                    format!("hex block: {}", e.0),
                ),
            },
        }
        let _ = before;
        return;
    }
    if !ike_payload(input, bytes, Some(line)) {
        input.problem(
            ProblemLevel::Error,
            Some(line),
            None,
            format!(
                "hex block of {} bytes is neither an IKE message, an IKE CERT/CERTREQ payload, \
                 nor a DER certificate or PKCS#7 bundle",
                bytes.len()
            ),
        );
    }
}

/// A bare CERT or CERTREQ payload, with or without its 4-byte generic
/// header. Returns false when `bytes` is neither.
fn ike_payload(input: &mut LoadedInput, bytes: &[u8], line: Option<usize>) -> bool {
    let body = match bytes {
        [_, _, hi, lo, rest @ ..]
            if usize::from(u16::from_be_bytes([*hi, *lo])) == bytes.len() && !rest.is_empty() =>
        {
            rest
        }
        _ => bytes,
    };
    let Some((&encoding, data)) = body.split_first() else {
        return false;
    };
    if encoding == 4 && matches!(Certificate::check_prefix(data), Ok(0)) {
        input.add_der(data, Container::Ike, line, None, false);
        return true;
    }
    if encoding == 1 {
        if let Ok(bundle) = pkcs7::certificates(data) {
            pkcs7::add_bundle(input, &bundle, Container::Ike, line);
            return true;
        }
    }
    if encoding == 4 && data.len() % 20 == 0 {
        let hashes: Vec<String> = data.chunks_exact(20).map(crate::model::hex_lower).collect();
        input.problem(
            ProblemLevel::Note,
            line,
            None,
            if hashes.is_empty() {
                "CERTREQ payload, empty (legal: any CA is accepted)".to_string()
            } else {
                format!(
                    "CERTREQ payload: the peer accepts CAs whose SubjectPublicKeyInfo SHA-1 is {} \
                     (check with --certreq {})",
                    hashes.join(", "),
                    hashes.join(",")
                )
            },
        );
        return true;
    }
    false
}

/// UTF-16 text with a byte-order mark, as Windows editors save "Unicode".
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (rest, little) = match bytes {
        [0xff, 0xfe, rest @ ..] => (rest, true),
        [0xfe, 0xff, rest @ ..] => (rest, false),
        _ => return None,
    };
    let units = rest.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .into()
}

/// DER: one certificate or PKCS#7 bundle, or several concatenated
/// (`cat a.der b.der`, `cat bundle.p7b leaf.der`). Each object is read in
/// turn; bytes that are neither are reported, never dropped in silence.
fn load_der(input: &mut LoadedInput, bytes: &[u8], container: Container) {
    let mut offset = 0;
    let mut objects = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        if objects > 0 && rest.iter().all(|b| *b == 0 || b.is_ascii_whitespace()) {
            input.problem(
                ProblemLevel::Warning,
                None,
                None,
                format!(
                    "{} bytes of padding after the last object were ignored",
                    rest.len()
                ),
            );
            return;
        }
        // the cap, checked before parsing what it would refuse
        if input.at_cap(None, None) {
            return;
        }
        let as_cert = input.model(rest);
        let used = match as_cert {
            Ok((cert, trailing)) => {
                input.format.get_or_insert("der");
                input.push(cert, container, None, None);
                rest.len() - trailing
            }
            Err(cert_error) => match pkcs7::certificates(rest) {
                Ok(bundle) => {
                    let c = if container == Container::Base64 {
                        Container::Base64
                    } else {
                        input.format = Some("pkcs7");
                        Container::Pkcs7
                    };
                    pkcs7::add_bundle(input, &bundle, c, None);
                    rest.len() - bundle.trailing()
                }
                Err(p7_error) if objects == 0 => {
                    input.problem(
                        ProblemLevel::Error,
                        None,
                        None,
                        format!(
                            "no certificate found: as a DER certificate: {}; as a PKCS#7 \
                             bundle: {p7_error}",
                            cert_error.0
                        ),
                    );
                    return;
                }
                Err(_) => {
                    input.problem(
                        ProblemLevel::Warning,
                        None,
                        None,
                        format!(
                            "the {} bytes from offset {offset} are neither a certificate nor a \
                             PKCS#7 bundle: not read",
                            rest.len()
                        ),
                    );
                    return;
                }
            },
        };
        objects += 1;
        offset += used.max(1);
    }
}

/// Base64 with no PEM armour (a paste of a certificate body). Only when the
/// whole input is base64 alphabet and white space.
fn decode_bare_base64(bytes: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine;
    let compact: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.len() < 64
        || !compact
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return None;
    }
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{CertSpec, Issued};

    #[test]
    fn utf16_pem_from_notepad_is_read() {
        let cert = Issued::root("UTF-16 CA");
        let text = format!("certificate:\r\n{}", cert.pem().replace('\n', "\r\n"));
        for little in [true, false] {
            let mut bytes = if little {
                vec![0xff, 0xfe]
            } else {
                vec![0xfe, 0xff]
            };
            for unit in text.encode_utf16() {
                bytes.extend(if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            let input = load_bytes("notepad.txt", &bytes);
            assert_eq!(input.certs.len(), 1, "{:?}", input.problems);
            assert_eq!(input.certs[0].provenance.line, Some(2));
            assert_eq!(input.problems.len(), 1);
            assert_eq!(input.problems[0].level, ProblemLevel::Note);
            assert_eq!(input.bytes, bytes.len() as u64);
        }
    }

    #[test]
    fn directory_walks_leave_out_what_exclude_matches() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a.pem", "a.key", "old/b.pem", "sub/c.pem.bak", "sub/README"] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "x").unwrap();
        }
        let exclude = Exclude::new(&["*.key", "*.bak", "old/"]).unwrap();
        let x = expand_path_excluding(root, &exclude);
        let names = |v: &[PathBuf]| -> Vec<String> {
            v.iter()
                .map(|p| p.strip_prefix(root).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(names(&x.files), ["a.pem", "sub/README"]);
        let excluded: Vec<PathBuf> = x.excluded.iter().map(|e| e.path.clone()).collect();
        // the directory is listed once, not entered
        assert_eq!(names(&excluded), ["a.key", "old", "sub/c.pem.bak"]);
        assert_eq!(x.excluded[1].pattern, "old/");
        assert!(x.inputs.is_empty());

        // a named path is excluded too (a shell expands `dir/*` to names)
        let x = expand_path_excluding(&root.join("a.key"), &exclude);
        assert!(x.files.is_empty());
        assert_eq!(x.excluded.len(), 1);

        // a directory whose every file is excluded is not "empty"
        let x = expand_path_excluding(&root.join("sub"), &Exclude::new(&["*"]).unwrap());
        assert!(x.inputs.is_empty() && x.files.is_empty());

        // check: an excluded file is an input of kind `excluded`, never read
        let opts = LoadOptions {
            exclude,
            ..LoadOptions::default()
        };
        let inputs = load_paths_with(&[root.to_path_buf()], &opts);
        let kinds: Vec<(&str, &str)> = inputs
            .iter()
            .map(|i| (i.file.rsplit('/').next().unwrap_or(""), i.kind()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a.pem", "unreadable"),
                ("README", "text"),
                ("a.key", "excluded"),
                ("old", "excluded"),
                ("c.pem.bak", "excluded"),
            ]
        );
        assert!(inputs[2].problems[0].message.contains("'*.key'"));
        assert!(!inputs[2].has_errors());
    }

    #[test]
    fn der_is_preferred_over_a_pem_marker_inside_it() {
        let ca = Issued::root("Marker CA");
        // an otherName-free way to put text in a certificate: the CN
        let leaf = ca.issue(CertSpec::leaf("-----BEGIN CERTIFICATE----- trap"));
        let input = load_bytes("leaf.der", &leaf.der());
        assert_eq!(input.format, Some("der"));
        assert_eq!(input.certs.len(), 1);
        assert!(input.problems.is_empty(), "{:?}", input.problems);
    }

    #[test]
    fn pem_pkcs7_and_der_pkcs7_agree() {
        let root = Issued::root("P7 Root");
        let leaf = root.issue(CertSpec::leaf("p7 leaf"));
        let bundle = crate::testkit::p7b(&[leaf.der(), root.der()]);
        let der = load_bytes("b.p7b", &bundle);
        let pem = load_bytes(
            "b.pem",
            crate::testkit::pem_block("PKCS7", &bundle).as_bytes(),
        );
        assert_eq!(der.format, Some("pkcs7"));
        assert_eq!(pem.format, Some("pem"));
        let hashes = |i: &LoadedInput| {
            let mut v: Vec<String> = i.certs.iter().map(|c| c.cert.sha256.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(hashes(&der), hashes(&pem));
        assert_eq!(der.certs.len(), 2);
        assert!(der
            .certs
            .iter()
            .all(|c| c.provenance.container == Container::Pkcs7));
        assert!(
            pem.certs
                .iter()
                .all(|c| c.provenance.container == Container::PemPkcs7
                    && c.provenance.line == Some(1))
        );
    }
}
