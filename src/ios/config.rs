//! The PKI and IKEv2 sections of a Cisco IOS / IOS-XE running-config (and,
//! where the syntax is the same, ASA): trustpoints, certificate maps, IKEv2
//! profiles, the trustpool policy and the certificate chains with their hex.
//!
//! What is read, with the syntax it follows (field guide, "Trustpoint
//! Configuration and Enrollment Logic" and "Certificate Expiry, Mapping, and
//! Revocation"; the IOS-XE YANG model `Cisco-IOS-XE-crypto` for the grammar
//! of certificate maps and chains):
//!
//! ```text
//! crypto pki trustpoint NAME             (ASA and old IOS: crypto ca trustpoint)
//!  enrollment terminal | url URL | selfsigned | profile P | ...
//!  revocation-check crl ocsp none        (methods tried in order; `none` last = accept when unreachable)
//!  match certificate MAP [allow expired-certificate] [skip revocation-check] [skip authorization-check]
//!  rsakeypair KEY                        (ASA: keypair KEY)
//!  subject-name cn=...
//!  eku request client-auth server-auth
//! crypto pki certificate map LABEL SEQ   (ASA: crypto ca certificate map LABEL SEQ)
//!  subject-name co cn = spoke            (FIELD OP VALUE; ASA: subject-name attr cn co spoke)
//!  expires-on lt 01 Jan 2030 00:00:00
//! crypto ikev2 profile NAME
//!  match certificate MAP | match identity remote ... | match fvrf any | match address local ...
//!  identity local dn
//!  authentication local rsa-sig
//!  authentication remote ecdsa-sig
//!  pki trustpoint TP [sign|verify]
//! crypto pki trustpool policy
//!  revocation-check none
//!  match certificate MAP allow expired-certificate
//! crypto pki certificate chain TP        (ASA: crypto ca certificate chain TP)
//!  certificate [ca|self-signed|rollover|ca rollover|ra-sign|ra-encrypt|ra-general] SERIAL
//!   30820243 308201AC A0030201 ...
//!   quit
//! ```
//!
//! The parser never fails: it takes any text (a `show running-config` paste
//! with its prompt, `Building configuration...`, CRLF, tabs, lost or extra
//! indentation) and returns what it understood plus [`ConfigProblem`]s, each
//! naming its 1-based line. Lines outside the sections above are ignored;
//! unknown subcommands inside them are kept (in `other`) without complaint,
//! since real configurations carry many; a subcommand that is recognised but
//! malformed is a problem. Secrets (`password`, pre-shared keys) are never
//! kept.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

/// Most certificate bytes one `certificate` block may decode to; beyond
/// this the block is an error and its remaining hex is skipped unread.
pub const MAX_CERT_BYTES: usize = 64 * 1024;

/// Most problems kept for one configuration; one more line says how many
/// were left out.
pub const MAX_PROBLEMS: usize = 1000;

/// What was read from one running-config.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IosConfig {
    pub trustpoints: Vec<Trustpoint>,
    /// Every `crypto pki certificate map LABEL SEQ` entry, in configuration
    /// order (see [`IosConfig::map_entries`] for one map in sequence order).
    pub certificate_maps: Vec<CertificateMapEntry>,
    pub ikev2_profiles: Vec<Ikev2Profile>,
    pub trustpool_policy: Option<TrustpoolPolicy>,
    pub certificate_chains: Vec<CertificateChain>,
    pub problems: Vec<ConfigProblem>,
}

impl IosConfig {
    /// The trustpoint with this name (names are case-sensitive, as on IOS).
    pub fn trustpoint(&self, name: &str) -> Option<&Trustpoint> {
        self.trustpoints.iter().find(|t| t.name == name)
    }

    /// The entries of one certificate map, in ascending sequence order (the
    /// order IOS evaluates them in). Empty when the map is not defined.
    pub fn map_entries(&self, label: &str) -> Vec<&CertificateMapEntry> {
        let mut entries: Vec<&CertificateMapEntry> = self
            .certificate_maps
            .iter()
            .filter(|e| e.label == label)
            .collect();
        entries.sort_by_key(|e| e.seq);
        entries
    }

    /// The certificate chain of a trustpoint.
    pub fn chain(&self, trustpoint: &str) -> Option<&CertificateChain> {
        self.certificate_chains
            .iter()
            .find(|c| c.trustpoint == trustpoint)
    }

    /// The IKEv2 profile with this name.
    pub fn ikev2_profile(&self, name: &str) -> Option<&Ikev2Profile> {
        self.ikev2_profiles.iter().find(|p| p.name == name)
    }
}

/// A line pkiaudit recognised but could not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigProblem {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

/// `crypto pki trustpoint NAME` (ASA and old IOS: `crypto ca trustpoint`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Trustpoint {
    pub name: String,
    pub line: usize,
    /// The arguments of each `enrollment` line, as written
    /// (`terminal`, `url http://ca/…`, `selfsigned`, `retry count 5`…).
    pub enrollment: Vec<String>,
    /// `revocation-check` methods in the order IOS tries them. Empty means
    /// not configured: IOS then checks CRLs (`revocation-check crl` is the
    /// default and is not printed in the running-config).
    pub revocation_check: Vec<RevocationMethod>,
    pub match_certificate: Vec<MatchCertificate>,
    /// `rsakeypair NAME` (ASA: `keypair NAME`).
    pub rsakeypair: Option<String>,
    /// `subject-name ...`, the name requested at enrollment.
    pub subject_name: Option<String>,
    /// `eku request ...` purposes, as written.
    pub eku_request: Vec<String>,
    /// `chain-validation ...` arguments (`stop`, `continue [TP]`).
    pub chain_validation: Option<String>,
    /// Other subcommands, as written (secrets redacted), with their lines.
    pub other: Vec<(String, usize)>,
}

/// One `revocation-check` method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RevocationMethod {
    Crl,
    Ocsp,
    /// No check; listed after another method it means "accept the
    /// certificate when that method cannot give an answer".
    None,
}

/// `match certificate MAP [allow expired-certificate] [skip revocation-check]
/// [skip authorization-check]` under a trustpoint or the trustpool policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MatchCertificate {
    pub map: String,
    /// `allow expired-certificate` (IOS spells it in the singular; the
    /// plural some guides print is accepted too).
    pub allow_expired: bool,
    pub skip_revocation_check: bool,
    pub skip_authorization_check: bool,
    /// Options not interpreted here (`override ocsp ...`, `override cdp ...`).
    pub other_options: Vec<String>,
    pub line: usize,
}

/// `crypto pki certificate map LABEL SEQ` and its rules. The rules of one
/// entry are ANDed; the entries of one label are tried in ascending `seq`
/// order and the first that matches wins (an OR).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CertificateMapEntry {
    /// The map name, case-sensitive as on IOS.
    pub label: String,
    pub seq: u32,
    pub line: usize,
    pub rules: Vec<MapRule>,
}

/// One `FIELD OP VALUE` line of a certificate map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapRule {
    pub field: MapField,
    /// ASA only: `subject-name attr cn eq ...` compares one DN attribute
    /// (the ASA tag as written, e.g. `cn`, `ou`, `ea`).
    pub attribute: Option<String>,
    pub op: MapOp,
    /// The value as written (IOS stores map values lower-cased; comparisons
    /// are case-insensitive either way).
    pub value: String,
    /// For `valid-start` / `expires-on`: the value read as a date. Without
    /// the `utc` keyword IOS reads the time in the router's time zone,
    /// which the configuration does not tell; it is taken as UTC here.
    pub date: Option<DateTime<Utc>>,
    pub line: usize,
}

/// The certificate field a map rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MapField {
    /// The whole subject DN (or one attribute of it, ASA `attr`).
    SubjectName,
    IssuerName,
    /// The unstructuredName (PKCS#9, `hostname=` in IOS output) in the subject.
    UnstructuredSubjectName,
    /// The subjectAltName entries.
    AltSubjectName,
    /// "Any subject name field": each attribute value of the subject.
    Name,
    /// notBefore.
    ValidStart,
    /// notAfter.
    ExpiresOn,
    /// The certificate serial number, in hex (IOS-XE).
    SerialNumber,
    /// ASA only: the extended key usage purposes.
    ExtendedKeyUsage,
}

impl MapField {
    /// The keyword as it appears in the configuration.
    pub fn keyword(self) -> &'static str {
        match self {
            MapField::SubjectName => "subject-name",
            MapField::IssuerName => "issuer-name",
            MapField::UnstructuredSubjectName => "unstructured-subject-name",
            MapField::AltSubjectName => "alt-subject-name",
            MapField::Name => "name",
            MapField::ValidStart => "valid-start",
            MapField::ExpiresOn => "expires-on",
            MapField::SerialNumber => "serial-number",
            MapField::ExtendedKeyUsage => "extended-key-usage",
        }
    }

    /// A date field (`valid-start`, `expires-on`) rather than a name field.
    pub fn is_date(self) -> bool {
        matches!(self, MapField::ValidStart | MapField::ExpiresOn)
    }

    fn from_keyword(word: &str) -> Option<MapField> {
        Some(match word {
            "subject-name" => MapField::SubjectName,
            "issuer-name" => MapField::IssuerName,
            "unstructured-subject-name" => MapField::UnstructuredSubjectName,
            "alt-subject-name" | "alternate-subject-name" => MapField::AltSubjectName,
            "name" => MapField::Name,
            "valid-start" => MapField::ValidStart,
            "expires-on" => MapField::ExpiresOn,
            "serial-number" => MapField::SerialNumber,
            "extended-key-usage" => MapField::ExtendedKeyUsage,
            _ => return None,
        })
    }
}

/// A map rule's comparison. `eq`/`ne` work on names and dates, `co`/`nc`
/// on names only, `lt`/`ge` on dates only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MapOp {
    Eq,
    Ne,
    Co,
    Nc,
    Lt,
    Ge,
}

impl MapOp {
    pub fn keyword(self) -> &'static str {
        match self {
            MapOp::Eq => "eq",
            MapOp::Ne => "ne",
            MapOp::Co => "co",
            MapOp::Nc => "nc",
            MapOp::Lt => "lt",
            MapOp::Ge => "ge",
        }
    }

    fn from_keyword(word: &str) -> Option<MapOp> {
        Some(match word {
            "eq" => MapOp::Eq,
            "ne" => MapOp::Ne,
            "co" => MapOp::Co,
            "nc" => MapOp::Nc,
            "lt" => MapOp::Lt,
            "ge" => MapOp::Ge,
            _ => return None,
        })
    }
}

/// `crypto ikev2 profile NAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ikev2Profile {
    pub name: String,
    pub line: usize,
    /// `match certificate MAP`: (map, line).
    pub match_certificate: Vec<(String, usize)>,
    /// `match identity ...`: the text after `match identity`
    /// (`remote fqdn domain example.com`, `remote any`...), with its line.
    pub match_identity: Vec<(String, usize)>,
    /// Other `match` statements (`fvrf any`, `address local 10.0.0.1`):
    /// the text after `match`, with its line.
    pub other_matches: Vec<(String, usize)>,
    /// The text after `identity local` (`dn`, `fqdn hub.example.com`...).
    pub identity_local: Option<String>,
    pub authentication_local: Vec<AuthMethod>,
    pub authentication_remote: Vec<AuthMethod>,
    pub pki_trustpoints: Vec<PkiTrustpointRef>,
    /// Other subcommands, as written (secrets redacted), with their lines.
    pub other: Vec<(String, usize)>,
}

/// An `authentication local|remote` method. Keys given with `pre-share key`
/// are not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AuthMethod {
    #[serde(rename = "rsa-sig")]
    RsaSig,
    #[serde(rename = "ecdsa-sig")]
    EcdsaSig,
    #[serde(rename = "pre-share")]
    PreShare,
    #[serde(rename = "eap")]
    Eap,
    #[serde(rename = "other")]
    Other(String),
}

impl AuthMethod {
    /// A certificate-based method (`rsa-sig`, `ecdsa-sig`).
    pub fn uses_certificate(&self) -> bool {
        matches!(self, AuthMethod::RsaSig | AuthMethod::EcdsaSig)
    }
}

/// `pki trustpoint NAME [sign|verify]` in an IKEv2 profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PkiTrustpointRef {
    pub name: String,
    pub usage: TrustpointUsage,
    pub line: usize,
}

/// What a profile uses a trustpoint for; without a keyword, both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrustpointUsage {
    Sign,
    Verify,
    Both,
}

impl TrustpointUsage {
    pub fn verifies(self) -> bool {
        matches!(self, TrustpointUsage::Verify | TrustpointUsage::Both)
    }

    pub fn signs(self) -> bool {
        matches!(self, TrustpointUsage::Sign | TrustpointUsage::Both)
    }
}

/// `crypto pki trustpool policy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrustpoolPolicy {
    pub line: usize,
    pub revocation_check: Vec<RevocationMethod>,
    pub match_certificate: Vec<MatchCertificate>,
    pub other: Vec<(String, usize)>,
}

/// `crypto pki certificate chain TRUSTPOINT` and its certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CertificateChain {
    pub trustpoint: String,
    pub line: usize,
    pub certificates: Vec<ChainCertificate>,
}

/// One `certificate ...` block of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCertificate {
    pub kind: ChainCertKind,
    /// The keywords between `certificate` and the serial, as written
    /// (`ca`, `self-signed`, `ca rollover`, `ra-sign`...); empty for the
    /// router's own certificate.
    pub keywords: Vec<String>,
    /// The serial as written on the `certificate` line.
    pub serial: String,
    /// The line of the `certificate` keyword.
    pub line: usize,
    /// The decoded DER, or what was wrong with the block (and on which line).
    #[serde(serialize_with = "serialize_der")]
    pub der: Result<Vec<u8>, String>,
}

/// The role a `certificate` line gives its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainCertKind {
    /// `certificate SERIAL`: the router's own certificate.
    Identity,
    /// `certificate ca SERIAL`. RA certificates (`ra-sign`, `ra-encrypt`,
    /// `ra-general`, a CA in RA mode) are filed here too: they are trust
    /// material, not the router's identity; `keywords` says which.
    Ca,
    /// `certificate self-signed SERIAL`.
    SelfSigned,
    /// `certificate rollover SERIAL`: the shadow identity certificate.
    Rollover,
    /// `certificate ca rollover SERIAL` (or `rollover ca`): the shadow CA.
    RolloverCa,
}

fn serialize_der<S: Serializer>(der: &Result<Vec<u8>, String>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(1))?;
    match der {
        Ok(bytes) => map.serialize_entry("bytes", &bytes.len())?,
        Err(e) => map.serialize_entry("error", e)?,
    }
    map.end()
}

/// Does this text look like an IOS / ASA running-config with PKI or IKEv2
/// sections? True when a line (at most the first 100 000 are looked at)
/// starts a trustpoint, certificate map or chain, IKEv2 profile or the
/// trustpool policy. `show crypto pki certificates` output does not.
pub fn looks_like_config(text: &str) -> bool {
    lines(text).take(100_000).any(|line| {
        let words: Vec<String> = line
            .split_whitespace()
            .take(4)
            .map(str::to_ascii_lowercase)
            .collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        matches!(
            w.as_slice(),
            ["crypto", "pki" | "ca", "trustpoint", _]
                | ["crypto", "pki" | "ca", "certificate", "map" | "chain"]
                | ["crypto", "ikev2", "profile", _]
                | ["crypto", "pki", "trustpool", "policy"]
        )
    })
}

/// Read the PKI and IKEv2 sections of a running-config. Never fails.
pub fn parse(text: &str) -> IosConfig {
    let mut p = Parser::default();
    for (index, raw) in lines(text).enumerate() {
        let raw = if index == 0 {
            raw.strip_prefix('\u{feff}').unwrap_or(raw)
        } else {
            raw
        };
        p.line(index + 1, raw);
    }
    p.finish()
}

/// Lines ending in LF, CRLF or a lone CR, without the ending.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\n', '\r']) {
            Some(i) => {
                let skip = if t.get(i..i + 2) == Some("\r\n") {
                    2
                } else {
                    1
                };
                rest = t.get(i + skip..);
                t.get(..i)
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// Leading whitespace width (a tab advances to the next multiple of 8).
fn indent_of(raw: &str) -> usize {
    let mut width = 0;
    for c in raw.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width = (width / 8 + 1) * 8,
            _ => break,
        }
    }
    width
}

/// Words of a line with their byte offsets.
fn words(t: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in t.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                if let Some(w) = t.get(s..i) {
                    out.push((s, w));
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        if let Some(w) = t.get(s..) {
            out.push((s, w));
        }
    }
    out
}

/// The text of the line from word `i` on (empty when there is none).
fn rest_from<'a>(t: &'a str, words: &[(usize, &str)], i: usize) -> &'a str {
    words
        .get(i)
        .and_then(|(start, _)| t.get(*start..))
        .map(str::trim_end)
        .unwrap_or("")
}

fn lower(words: &[(usize, &str)], i: usize) -> String {
    words
        .get(i)
        .map(|(_, w)| w.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Keywords that begin a new top-level command wherever they appear
/// (tolerance for pastes that indented everything).
const BREAKERS: &[&str] = &["crypto", "interface", "hostname", "version"];

/// First words of known subcommands, per section: a line that lost its
/// indentation still belongs to the section when it starts with one of these.
const TRUSTPOINT_WORDS: &[&str] = &[
    "enrollment",
    "revocation-check",
    "match",
    "rsakeypair",
    "keypair",
    "subject-name",
    "subject-alt-name",
    "eku",
    "serial-number",
    "ip-address",
    "fqdn",
    "auto-enroll",
    "chain-validation",
    "ocsp",
    "crl",
    "usage",
    "vrf",
    "source",
    "hash",
    "fingerprint",
    "password",
    "primary",
    "storage",
    "regenerate",
    "on",
    "query",
    "root",
    "validation-usage",
    "ignore-ipsec-keyusage",
    "id-usage",
    "keyusage",
    "authorization",
    "email",
];
const MAP_WORDS: &[&str] = &[
    "subject-name",
    "issuer-name",
    "unstructured-subject-name",
    "alt-subject-name",
    "alternate-subject-name",
    "name",
    "valid-start",
    "expires-on",
    "serial-number",
    "extended-key-usage",
];
const PROFILE_WORDS: &[&str] = &[
    "match",
    "identity",
    "authentication",
    "pki",
    "keyring",
    "lifetime",
    "dpd",
    "nat",
    "ivrf",
    "virtual-template",
    "aaa",
    "description",
    "redirect",
    "config-exchange",
    "shutdown",
    "reconnect",
    "dynamic",
    "initial-contact",
];
const TRUSTPOOL_WORDS: &[&str] = &[
    "revocation-check",
    "match",
    "cabundle",
    "chain-validation",
    "crl",
    "cache",
    "default",
    "ocsp",
    "storage",
    "source",
    "vrf",
];
const CHAIN_WORDS: &[&str] = &["certificate"];

/// Words after which the rest of a line is a secret.
const SECRET_WORDS: &[&str] = &["password", "key", "pre-shared-key", "secret", "passphrase"];

/// A subcommand as kept in `other`: secrets replaced by `<redacted>`.
fn redact(words: &[(usize, &str)]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (_, w) in words {
        out.push(w);
        if SECRET_WORDS.contains(&w.to_ascii_lowercase().as_str()) {
            out.push("<redacted>");
            break;
        }
    }
    out.join(" ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Trustpoint(usize),
    Map(usize),
    Chain(usize),
    Profile(usize),
    Trustpool,
    /// A section pkiaudit reads whose header was malformed: its body is
    /// ignored (the header's problem says why).
    Skip,
    /// Any other top-level command.
    Other,
}

impl Section {
    fn words(self) -> &'static [&'static str] {
        match self {
            Section::Trustpoint(_) => TRUSTPOINT_WORDS,
            Section::Map(_) => MAP_WORDS,
            Section::Chain(_) => CHAIN_WORDS,
            Section::Profile(_) => PROFILE_WORDS,
            Section::Trustpool => TRUSTPOOL_WORDS,
            Section::None | Section::Skip | Section::Other => &[],
        }
    }
}

/// How a certificate's hex block ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockEnd {
    Quit,
    /// This line began something else.
    CutBy(usize),
    InputEnded,
}

/// The hex block of one `certificate` line, being read.
struct CertBody {
    chain: usize,
    kind: ChainCertKind,
    keywords: Vec<String>,
    /// `None` when the `certificate` line had no serial: the block is read
    /// (so its hex is not mistaken for commands) and dropped.
    serial: Option<String>,
    line: usize,
    bytes: Vec<u8>,
    pending: Option<u8>,
    digits: usize,
    first_odd_line: Option<usize>,
    error: Option<String>,
}

impl CertBody {
    fn feed_line(&mut self, line_no: usize, t: &str) {
        let mut line_digits = 0usize;
        for c in t.chars() {
            if c.is_whitespace() {
                continue;
            }
            let Some(v) = c.to_digit(16) else {
                if self.error.is_none() {
                    self.error = Some(format!(
                        "line {line_no}: {c:?} is not a hex digit in the certificate data"
                    ));
                }
                return;
            };
            line_digits += 1;
            if self.error.is_some() {
                continue;
            }
            self.digits += 1;
            let v = v as u8;
            match self.pending.take() {
                Some(high) => self.bytes.push(high << 4 | v),
                None if self.bytes.len() >= MAX_CERT_BYTES => {
                    self.error = Some(format!(
                        "line {line_no}: more than {MAX_CERT_BYTES} bytes of certificate data; \
                         the rest of the block was skipped"
                    ));
                    self.bytes = Vec::new();
                }
                None => self.pending = Some(v),
            }
        }
        if line_digits % 2 == 1 && self.first_odd_line.is_none() {
            self.first_odd_line = Some(line_no);
        }
    }

    /// Close the block, at its `quit` line or not.
    fn finish(self, end: BlockEnd) -> Option<(usize, ChainCertificate)> {
        let serial = self.serial?;
        let der = if let Some(e) = self.error {
            Err(e)
        } else if let BlockEnd::CutBy(at) = end {
            Err(format!(
                "the hex block has no `quit` line: it was cut off by line {at}"
            ))
        } else if end == BlockEnd::InputEnded {
            Err("the hex block has no `quit` line: the input ends inside it".into())
        } else if self.digits == 0 {
            Err("empty certificate block: no hex between the certificate line and quit".into())
        } else if self.pending.is_some() {
            Err(format!(
                "odd number of hex digits ({}) in the block; line {} has an odd count",
                self.digits,
                self.first_odd_line.unwrap_or(self.line)
            ))
        } else {
            Ok(self.bytes)
        };
        Some((
            self.chain,
            ChainCertificate {
                kind: self.kind,
                keywords: self.keywords,
                serial,
                line: self.line,
                der,
            },
        ))
    }
}

#[derive(Default)]
struct Parser {
    cfg: IosConfig,
    /// Where each named section is in `cfg`, so that a section entered
    /// again is merged without a scan (inputs can be large).
    trustpoint_at: HashMap<String, usize>,
    chain_at: HashMap<String, usize>,
    profile_at: HashMap<String, usize>,
    map_at: HashMap<(String, u32), usize>,
    section: Option<(Section, usize)>,
    body: Option<CertBody>,
    suppressed: usize,
}

impl Parser {
    fn problem(&mut self, line: usize, message: impl Into<String>) {
        if self.cfg.problems.len() < MAX_PROBLEMS {
            self.cfg.problems.push(ConfigProblem {
                line,
                message: message.into(),
            });
        } else {
            self.suppressed += 1;
        }
    }

    fn finish(mut self) -> IosConfig {
        if let Some(body) = self.body.take() {
            self.close_body(body, BlockEnd::InputEnded);
        }
        if self.suppressed > 0 {
            let last = self.cfg.problems.last().map_or(0, |p| p.line);
            self.cfg.problems.push(ConfigProblem {
                line: last,
                message: format!(
                    "{} more problems are not listed (at most {MAX_PROBLEMS} are)",
                    self.suppressed
                ),
            });
        }
        self.cfg
    }

    fn close_body(&mut self, body: CertBody, end: BlockEnd) {
        if let Some((chain, cert)) = body.finish(end) {
            if let Some(c) = self.cfg.certificate_chains.get_mut(chain) {
                c.certificates.push(cert);
            }
        }
    }

    fn line(&mut self, line_no: usize, raw: &str) {
        let t = raw.trim();
        if t.is_empty() {
            return;
        }
        let indent = indent_of(raw);
        if let Some(mut body) = self.body.take() {
            let first = t
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let header_indent = self.section.map_or(0, |(_, i)| i);
            let all_hex = t
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c.is_whitespace());
            if first == "quit" {
                self.close_body(body, BlockEnd::Quit);
                return;
            }
            let ends = t.starts_with('!')
                || matches!(first.as_str(), "end" | "exit" | "certificate")
                || BREAKERS.contains(&first.as_str())
                || (indent <= header_indent && !all_hex)
                || is_noise(t);
            if !ends {
                body.feed_line(line_no, t);
                self.body = Some(body);
                return;
            }
            self.close_body(body, BlockEnd::CutBy(line_no));
        }
        if is_noise(t) {
            self.section = None;
            return;
        }
        let (section, header_indent) = self.section.unwrap_or((Section::None, 0));
        if t.starts_with('!') {
            if section == Section::None || indent <= header_indent {
                self.section = None;
            }
            return;
        }
        let w = words(t);
        let first = lower(&w, 0);
        if matches!(first.as_str(), "end" | "exit") {
            self.section = None;
            return;
        }
        let top_level = match section {
            Section::None => true,
            _ if BREAKERS.contains(&first.as_str()) => true,
            _ if indent > header_indent => false,
            s => !s.words().contains(&first.as_str()),
        };
        if top_level {
            let s = self.header(line_no, t, &w);
            self.section = Some((s, indent));
            return;
        }
        match section {
            Section::Trustpoint(i) => self.trustpoint_line(i, line_no, t, &w),
            Section::Map(i) => self.map_line(i, line_no, t, &w),
            Section::Chain(i) => self.chain_line(i, line_no, &w),
            Section::Profile(i) => self.profile_line(i, line_no, t, &w),
            Section::Trustpool => self.trustpool_line(line_no, t, &w),
            Section::None | Section::Skip | Section::Other => {}
        }
    }

    fn header(&mut self, line_no: usize, t: &str, w: &[(usize, &str)]) -> Section {
        let kw: Vec<String> = (0..4).map(|i| lower(w, i)).collect();
        let k: Vec<&str> = kw.iter().map(String::as_str).collect();
        match k.as_slice() {
            ["crypto", "pki" | "ca", "trustpoint", ..] => {
                let Some((_, name)) = w.get(3) else {
                    self.problem(line_no, format!("`{t}` has no trustpoint name"));
                    return Section::Skip;
                };
                let trustpoints = &mut self.cfg.trustpoints;
                let i = *self
                    .trustpoint_at
                    .entry(name.to_string())
                    .or_insert_with(|| {
                        trustpoints.push(Trustpoint {
                            name: name.to_string(),
                            line: line_no,
                            ..Trustpoint::default()
                        });
                        trustpoints.len() - 1
                    });
                Section::Trustpoint(i)
            }
            ["crypto", "pki" | "ca", "certificate", "map"] => self.map_header(line_no, t, w),
            ["crypto", "pki" | "ca", "certificate", "chain"] => {
                let Some((_, name)) = w.get(4) else {
                    self.problem(line_no, format!("`{t}` has no trustpoint name"));
                    return Section::Skip;
                };
                let chains = &mut self.cfg.certificate_chains;
                let i = *self.chain_at.entry(name.to_string()).or_insert_with(|| {
                    chains.push(CertificateChain {
                        trustpoint: name.to_string(),
                        line: line_no,
                        certificates: Vec::new(),
                    });
                    chains.len() - 1
                });
                Section::Chain(i)
            }
            ["crypto", "ikev2", "profile", ..] => {
                let Some((_, name)) = w.get(3) else {
                    self.problem(line_no, format!("`{t}` has no profile name"));
                    return Section::Skip;
                };
                let profiles = &mut self.cfg.ikev2_profiles;
                let i = *self.profile_at.entry(name.to_string()).or_insert_with(|| {
                    profiles.push(Ikev2Profile {
                        name: name.to_string(),
                        line: line_no,
                        ..Ikev2Profile::default()
                    });
                    profiles.len() - 1
                });
                Section::Profile(i)
            }
            ["crypto", "pki", "trustpool", "policy"] => {
                if self.cfg.trustpool_policy.is_none() {
                    self.cfg.trustpool_policy = Some(TrustpoolPolicy {
                        line: line_no,
                        ..TrustpoolPolicy::default()
                    });
                }
                Section::Trustpool
            }
            _ => Section::Other,
        }
    }

    fn map_header(&mut self, line_no: usize, t: &str, w: &[(usize, &str)]) -> Section {
        let Some((_, label)) = w.get(4) else {
            self.problem(line_no, format!("`{t}` has no map label"));
            return Section::Skip;
        };
        let Some((_, seq_text)) = w.get(5) else {
            self.problem(
                line_no,
                format!("`{t}` has no sequence number (crypto pki certificate map LABEL SEQ)"),
            );
            return Section::Skip;
        };
        let seq = match seq_text.parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) => n,
            _ => {
                self.problem(
                    line_no,
                    format!(
                        "certificate map {label}: sequence number {seq_text:?} is not a number \
                         from 1 to 65535"
                    ),
                );
                return Section::Skip;
            }
        };
        if w.len() > 6 {
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: unexpected text after the sequence number: {:?}",
                    rest_from(t, w, 6)
                ),
            );
        }
        // Entering the same entry again adds to it, as in config mode.
        let maps = &mut self.cfg.certificate_maps;
        let i = *self
            .map_at
            .entry((label.to_string(), seq))
            .or_insert_with(|| {
                maps.push(CertificateMapEntry {
                    label: label.to_string(),
                    seq,
                    line: line_no,
                    rules: Vec::new(),
                });
                maps.len() - 1
            });
        Section::Map(i)
    }

    fn trustpoint_line(&mut self, i: usize, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        let name = self
            .cfg
            .trustpoints
            .get(i)
            .map(|tp| format!("trustpoint {}", tp.name))
            .unwrap_or_default();
        match first.as_str() {
            "enrollment" => {
                let args = rest_from(t, w, 1);
                if args.is_empty() {
                    self.problem(line_no, format!("{name}: `enrollment` without a method"));
                } else if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.enrollment.push(args.to_string());
                }
            }
            "revocation-check" => {
                if let Some(methods) = self.revocation_methods(&name, line_no, w) {
                    if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                        tp.revocation_check = methods;
                    }
                }
            }
            "match" if lower(w, 1) == "certificate" => {
                if let Some(m) = self.match_certificate(&name, line_no, t, w) {
                    if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                        tp.match_certificate.push(m);
                    }
                }
            }
            "rsakeypair" | "keypair" => match w.get(1) {
                Some((_, key)) => {
                    if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                        tp.rsakeypair = Some(key.to_string());
                    }
                }
                None => self.problem(
                    line_no,
                    format!("{name}: `{first}` without a key pair name"),
                ),
            },
            "subject-name" => {
                let name = rest_from(t, w, 1);
                if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    // `subject-name` alone asks for the router's default name.
                    tp.subject_name = Some(name.to_string());
                }
            }
            "eku" if lower(w, 1) == "request" => {
                if w.len() < 3 {
                    self.problem(line_no, format!("{name}: `eku request` without a purpose"));
                } else if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.eku_request
                        .extend(w.iter().skip(2).map(|(_, p)| p.to_string()));
                }
            }
            "chain-validation" => {
                if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.chain_validation = Some(rest_from(t, w, 1).to_string());
                }
            }
            _ => {
                let kept = redact(w);
                if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.other.push((kept, line_no));
                }
            }
        }
    }

    fn trustpool_line(&mut self, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        match first.as_str() {
            "revocation-check" => {
                if let Some(methods) = self.revocation_methods("trustpool policy", line_no, w) {
                    if let Some(tp) = self.cfg.trustpool_policy.as_mut() {
                        tp.revocation_check = methods;
                    }
                }
            }
            "match" if lower(w, 1) == "certificate" => {
                if let Some(m) = self.match_certificate("trustpool policy", line_no, t, w) {
                    if let Some(tp) = self.cfg.trustpool_policy.as_mut() {
                        tp.match_certificate.push(m);
                    }
                }
            }
            _ => {
                let kept = redact(w);
                if let Some(tp) = self.cfg.trustpool_policy.as_mut() {
                    tp.other.push((kept, line_no));
                }
            }
        }
    }

    /// `revocation-check METHOD...`.
    fn revocation_methods(
        &mut self,
        section: &str,
        line_no: usize,
        w: &[(usize, &str)],
    ) -> Option<Vec<RevocationMethod>> {
        if w.len() < 2 {
            self.problem(
                line_no,
                "`revocation-check` without a method (crl, ocsp, none)",
            );
            return None;
        }
        let mut methods = Vec::new();
        for (_, word) in w.iter().skip(1) {
            let m = match word.to_ascii_lowercase().as_str() {
                "crl" => RevocationMethod::Crl,
                "ocsp" => RevocationMethod::Ocsp,
                "none" => RevocationMethod::None,
                _ => {
                    self.problem(
                        line_no,
                        format!(
                            "{section}: revocation-check: unknown method {word:?} (crl, ocsp \
                             or none); the line is ignored"
                        ),
                    );
                    return None;
                }
            };
            methods.push(m);
        }
        Some(methods)
    }

    /// `match certificate MAP [options]` under a trustpoint or the trustpool.
    fn match_certificate(
        &mut self,
        section: &str,
        line_no: usize,
        t: &str,
        w: &[(usize, &str)],
    ) -> Option<MatchCertificate> {
        let Some((_, map)) = w.get(2) else {
            self.problem(
                line_no,
                "`match certificate` without a certificate map name",
            );
            return None;
        };
        let mut m = MatchCertificate {
            map: map.to_string(),
            line: line_no,
            ..MatchCertificate::default()
        };
        let mut k = 3;
        while let Some((_, word)) = w.get(k) {
            match word.to_ascii_lowercase().as_str() {
                "allow" => match lower(w, k + 1).as_str() {
                    "expired-certificate" | "expired-certificates" => {
                        m.allow_expired = true;
                        k += 2;
                    }
                    _ => {
                        self.problem(
                            line_no,
                            format!(
                                "{section}: match certificate {map}: `allow` must be followed by \
                                 expired-certificate, not {:?}",
                                rest_from(t, w, k + 1)
                            ),
                        );
                        k += 2;
                    }
                },
                "skip" => match lower(w, k + 1).as_str() {
                    "revocation-check" => {
                        m.skip_revocation_check = true;
                        k += 2;
                    }
                    "authorization-check" => {
                        m.skip_authorization_check = true;
                        k += 2;
                    }
                    _ => {
                        self.problem(
                            line_no,
                            format!(
                                "{section}: match certificate {map}: `skip` must be followed by \
                                 revocation-check or authorization-check, not {:?}",
                                rest_from(t, w, k + 1)
                            ),
                        );
                        k += 2;
                    }
                },
                _ => {
                    m.other_options.push(rest_from(t, w, k).to_string());
                    break;
                }
            }
        }
        Some(m)
    }

    fn map_line(&mut self, i: usize, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        let (label, seq) = self
            .cfg
            .certificate_maps
            .get(i)
            .map(|e| (e.label.clone(), e.seq))
            .unwrap_or_default();
        let Some(field) = MapField::from_keyword(&first) else {
            // The map mode accepts only field lines: an unknown one would
            // make the entry match more than intended, so it is reported.
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: unknown field {first:?}; the line is ignored \
                     (the entry is evaluated without it)"
                ),
            );
            return;
        };
        let mut k = 1;
        let mut attribute = None;
        if lower(w, 1) == "attr" && matches!(field, MapField::SubjectName | MapField::IssuerName) {
            match w.get(2) {
                Some((_, a)) => attribute = Some(a.to_ascii_lowercase()),
                None => {
                    self.problem(
                        line_no,
                        format!("certificate map {label} {seq}: `attr` without an attribute tag"),
                    );
                    return;
                }
            }
            k = 3;
        }
        let op_word = lower(w, k);
        let Some(op) = MapOp::from_keyword(&op_word) else {
            let shown = if op_word.is_empty() {
                "nothing".to_string()
            } else {
                format!("{op_word:?}")
            };
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: {} needs an operator ({}), found {shown}; \
                     the line is ignored",
                    field.keyword(),
                    if field.is_date() {
                        "eq, ne, lt, ge"
                    } else {
                        "eq, ne, co, nc"
                    }
                ),
            );
            return;
        };
        let valid = if field.is_date() {
            matches!(op, MapOp::Eq | MapOp::Ne | MapOp::Lt | MapOp::Ge)
        } else {
            matches!(op, MapOp::Eq | MapOp::Ne | MapOp::Co | MapOp::Nc)
        };
        if !valid {
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: `{}` cannot be used with {} ({}); \
                     the line is ignored",
                    op.keyword(),
                    field.keyword(),
                    if field.is_date() {
                        "dates take eq, ne, lt, ge"
                    } else {
                        "names take eq, ne, co, nc"
                    }
                ),
            );
            return;
        }
        let value = rest_from(t, w, k + 1);
        if value.is_empty() {
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: {} {} without a value; the line is ignored",
                    field.keyword(),
                    op.keyword()
                ),
            );
            return;
        }
        let date = if field.is_date() {
            match crate::time::ios::parse_map_date(value) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.problem(
                        line_no,
                        format!(
                            "certificate map {label} {seq}: {} {}: {e}; the line is ignored",
                            field.keyword(),
                            op.keyword()
                        ),
                    );
                    return;
                }
            }
        } else {
            None
        };
        if let Some(entry) = self.cfg.certificate_maps.get_mut(i) {
            entry.rules.push(MapRule {
                field,
                attribute,
                op,
                value: value.to_string(),
                date,
                line: line_no,
            });
        }
    }

    fn chain_line(&mut self, i: usize, line_no: usize, w: &[(usize, &str)]) {
        if lower(w, 0) != "certificate" {
            return;
        }
        let mut keywords = Vec::new();
        let mut k = 1;
        while let Some((_, word)) = w.get(k) {
            let lw = word.to_ascii_lowercase();
            if matches!(
                lw.as_str(),
                "ca" | "self-signed" | "rollover" | "ra-sign" | "ra-encrypt" | "ra-general"
            ) {
                keywords.push(lw);
                k += 1;
            } else {
                break;
            }
        }
        let has = |kw: &str| keywords.iter().any(|x| x == kw);
        let kind = if has("rollover") && has("ca") {
            ChainCertKind::RolloverCa
        } else if has("rollover") {
            ChainCertKind::Rollover
        } else if has("self-signed") {
            ChainCertKind::SelfSigned
        } else if has("ca") || keywords.iter().any(|x| x.starts_with("ra-")) {
            ChainCertKind::Ca
        } else {
            ChainCertKind::Identity
        };
        let serial = w.get(k).map(|(_, s)| s.to_string());
        if serial.is_none() {
            let trustpoint = self
                .cfg
                .certificate_chains
                .get(i)
                .map(|c| c.trustpoint.clone())
                .unwrap_or_default();
            self.problem(
                line_no,
                format!(
                    "certificate chain {trustpoint}: `certificate` line without a serial number; \
                     its block is skipped"
                ),
            );
        }
        // `certificate ca 01 nvram:ca#01.cer`: the certificate is in a file,
        // not in the configuration, and no hex block follows.
        if let (Some(serial), Some((_, file))) = (&serial, w.get(k + 1)) {
            if file.contains(':') {
                if let Some(c) = self.cfg.certificate_chains.get_mut(i) {
                    c.certificates.push(ChainCertificate {
                        kind,
                        keywords,
                        serial: serial.clone(),
                        line: line_no,
                        der: Err(format!(
                            "the certificate is stored in {file}, not in the configuration"
                        )),
                    });
                }
                return;
            }
        }
        self.body = Some(CertBody {
            chain: i,
            kind,
            keywords,
            serial,
            line: line_no,
            bytes: Vec::new(),
            pending: None,
            digits: 0,
            first_odd_line: None,
            error: None,
        });
    }

    fn profile_line(&mut self, i: usize, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        let name = self
            .cfg
            .ikev2_profiles
            .get(i)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        match first.as_str() {
            "match" => {
                let what = lower(w, 1);
                match what.as_str() {
                    "" => self.problem(line_no, format!("IKEv2 profile {name}: `match` alone")),
                    "certificate" => match w.get(2) {
                        Some((_, map)) => {
                            if w.len() > 3 {
                                self.problem(
                                    line_no,
                                    format!(
                                        "IKEv2 profile {name}: unexpected text after \
                                         `match certificate {map}`: {:?}",
                                        rest_from(t, w, 3)
                                    ),
                                );
                            }
                            if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                                p.match_certificate.push((map.to_string(), line_no));
                            }
                        }
                        None => self.problem(
                            line_no,
                            format!(
                                "IKEv2 profile {name}: `match certificate` without a \
                                 certificate map name"
                            ),
                        ),
                    },
                    "identity" => {
                        let rest = rest_from(t, w, 2);
                        if rest.is_empty() {
                            self.problem(
                                line_no,
                                format!(
                                    "IKEv2 profile {name}: `match identity` without an identity"
                                ),
                            );
                        } else if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                            p.match_identity.push((rest.to_string(), line_no));
                        }
                    }
                    _ => {
                        if w.len() < 3 {
                            self.problem(
                                line_no,
                                format!("IKEv2 profile {name}: `match {what}` without a value"),
                            );
                        } else if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                            p.other_matches
                                .push((rest_from(t, w, 1).to_string(), line_no));
                        }
                    }
                }
            }
            "identity" if lower(w, 1) == "local" => {
                let rest = rest_from(t, w, 2);
                if rest.is_empty() {
                    self.problem(
                        line_no,
                        format!("IKEv2 profile {name}: `identity local` without an identity"),
                    );
                } else if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    p.identity_local = Some(rest.to_string());
                }
            }
            "authentication" => {
                let side = lower(w, 1);
                if side != "local" && side != "remote" {
                    self.problem(
                        line_no,
                        format!(
                            "IKEv2 profile {name}: `authentication` must be followed by local \
                             or remote"
                        ),
                    );
                    return;
                }
                let method = match lower(w, 2).as_str() {
                    "" => {
                        self.problem(
                            line_no,
                            format!(
                                "IKEv2 profile {name}: `authentication {side}` without a method"
                            ),
                        );
                        return;
                    }
                    "rsa-sig" => AuthMethod::RsaSig,
                    "ecdsa-sig" => AuthMethod::EcdsaSig,
                    "pre-share" => AuthMethod::PreShare,
                    "eap" => AuthMethod::Eap,
                    other => AuthMethod::Other(other.to_string()),
                };
                if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    let list = if side == "local" {
                        &mut p.authentication_local
                    } else {
                        &mut p.authentication_remote
                    };
                    if !list.contains(&method) {
                        list.push(method);
                    }
                }
            }
            "pki" if lower(w, 1) == "trustpoint" => {
                let Some((_, tp)) = w.get(2) else {
                    self.problem(
                        line_no,
                        format!("IKEv2 profile {name}: `pki trustpoint` without a trustpoint name"),
                    );
                    return;
                };
                let usage = match lower(w, 3).as_str() {
                    "" => TrustpointUsage::Both,
                    "sign" => TrustpointUsage::Sign,
                    "verify" => TrustpointUsage::Verify,
                    other => {
                        self.problem(
                            line_no,
                            format!(
                                "IKEv2 profile {name}: pki trustpoint {tp}: {other:?} is neither \
                                 sign nor verify; the line is ignored"
                            ),
                        );
                        return;
                    }
                };
                if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    p.pki_trustpoints.push(PkiTrustpointRef {
                        name: tp.to_string(),
                        usage,
                        line: line_no,
                    });
                }
            }
            _ => {
                let kept = redact(w);
                if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    p.other.push((kept, line_no));
                }
            }
        }
    }
}

/// A paste's decoration: the prompt and `show running-config` banner lines.
fn is_noise(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("building configuration") || lower.starts_with("current configuration") {
        return true;
    }
    // `hub#show running-config`, `fw(config)# show run`, `R1>sh run`, `hub#`.
    if let Some(p) = t.find(['#', '>']) {
        let prompt = t.get(..p).unwrap_or("");
        let rest = t
            .get(p + 1..)
            .unwrap_or("")
            .trim_start()
            .to_ascii_lowercase();
        let prompt_like = !prompt.is_empty()
            && prompt
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.()/:@".contains(c));
        return prompt_like
            && (rest.is_empty()
                || rest.starts_with("sh")
                || rest.starts_with("more ")
                || rest.starts_with("term"));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IOS-style hex: 8-digit groups, 8 groups a line, upper case.
    pub(crate) fn ios_hex(der: &[u8], indent: &str) -> String {
        let hex: String = der.iter().map(|b| format!("{b:02X}")).collect();
        let groups: Vec<&str> = hex
            .as_bytes()
            .chunks(8)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        groups
            .chunks(8)
            .map(|line| format!("{indent}{}\n", line.join(" ")))
            .collect()
    }

    fn leaf_der() -> Vec<u8> {
        let ca = crate::testkit::Issued::root("Example CA");
        ca.issue(crate::testkit::CertSpec::leaf("spoke1")).der()
    }

    const HUB: &str = "\
hub#show running-config
Building configuration...

Current configuration : 9876 bytes
!
version 17.9
hostname hub
!
crypto pki trustpoint FLEX
 enrollment url http://10.0.0.1:80
 serial-number none
 subject-name cn=hub.example.com,o=Example
 revocation-check crl none
 rsakeypair FLEX-KEY 2048
 eku request server-auth client-auth
 password 7 0822455D0A16
 match certificate SPOKES allow expired-certificate skip revocation-check
!
crypto pki trustpool policy
 revocation-check none
 match certificate ALLOW_EXPIRED allow expired-certificate
!
crypto pki certificate map SPOKES 10
 subject-name co ou = spokes
 issuer-name eq cn = example ca
!
crypto pki certificate map SPOKES 20
 subject-name co cn = legacy
 expires-on lt 01 Jan 2030 00:00:00
!
crypto ikev2 profile FLEX-SPOKES
 match fvrf any
 match certificate SPOKES
 identity local dn
 authentication local rsa-sig
 authentication remote rsa-sig
 authentication remote pre-share key s3cr3t
 pki trustpoint FLEX
 keyring local KR
 dpd 10 2 on-demand
!
crypto ikev2 profile RA
 match identity remote fqdn domain example.com
 authentication remote eap query-identity
 authentication local rsa-sig
 pki trustpoint FLEX sign
!
interface Tunnel0
 ip address 10.1.1.1 255.255.255.0
!
end
";

    #[test]
    fn reads_a_realistic_running_config() {
        let cfg = parse(HUB);
        assert_eq!(cfg.problems, vec![], "no problems expected");
        assert!(looks_like_config(HUB));

        let tp = cfg.trustpoint("FLEX").expect("trustpoint");
        assert_eq!(tp.line, 9);
        assert_eq!(tp.enrollment, vec!["url http://10.0.0.1:80"]);
        assert_eq!(
            tp.revocation_check,
            vec![RevocationMethod::Crl, RevocationMethod::None]
        );
        assert_eq!(tp.rsakeypair.as_deref(), Some("FLEX-KEY"));
        assert_eq!(
            tp.subject_name.as_deref(),
            Some("cn=hub.example.com,o=Example")
        );
        assert_eq!(tp.eku_request, vec!["server-auth", "client-auth"]);
        let m = tp.match_certificate.first().expect("match certificate");
        assert_eq!(m.map, "SPOKES");
        assert!(m.allow_expired && m.skip_revocation_check && !m.skip_authorization_check);
        assert_eq!(m.line, 17);
        // The revocation password is kept only as redacted.
        assert!(tp.other.iter().any(|(l, _)| l == "password <redacted>"));
        assert!(!format!("{cfg:?}").contains("0822455D0A16"));

        let pool = cfg.trustpool_policy.as_ref().expect("trustpool");
        assert_eq!(pool.revocation_check, vec![RevocationMethod::None]);
        assert_eq!(pool.match_certificate.len(), 1);
        assert!(pool.match_certificate.iter().all(|m| m.allow_expired));

        let spokes = cfg.map_entries("SPOKES");
        assert_eq!(
            spokes.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![10, 20]
        );
        let r = spokes.first().and_then(|e| e.rules.first()).expect("rule");
        assert_eq!(
            (r.field, r.op, r.value.as_str(), r.line),
            (MapField::SubjectName, MapOp::Co, "ou = spokes", 24)
        );
        let exp = spokes
            .get(1)
            .and_then(|e| e.rules.get(1))
            .expect("date rule");
        assert_eq!(exp.field, MapField::ExpiresOn);
        assert_eq!(
            exp.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2030-01-01T00:00:00+00:00")
        );

        let p = cfg.ikev2_profile("FLEX-SPOKES").expect("profile");
        assert_eq!(p.match_certificate, vec![("SPOKES".to_string(), 33)]);
        assert_eq!(p.other_matches, vec![("fvrf any".to_string(), 32)]);
        assert_eq!(p.identity_local.as_deref(), Some("dn"));
        assert_eq!(p.authentication_local, vec![AuthMethod::RsaSig]);
        assert_eq!(
            p.authentication_remote,
            vec![AuthMethod::RsaSig, AuthMethod::PreShare]
        );
        assert_eq!(
            p.pki_trustpoints,
            vec![PkiTrustpointRef {
                name: "FLEX".into(),
                usage: TrustpointUsage::Both,
                line: 38
            }]
        );
        assert!(!format!("{cfg:?}").contains("s3cr3t"));

        let ra = cfg.ikev2_profile("RA").expect("RA profile");
        assert_eq!(
            ra.match_identity,
            vec![("remote fqdn domain example.com".to_string(), 43)]
        );
        assert_eq!(ra.authentication_remote, vec![AuthMethod::Eap]);
        assert_eq!(
            ra.pki_trustpoints.first().map(|t| t.usage),
            Some(TrustpointUsage::Sign)
        );
        // `interface Tunnel0`'s `ip address` is nobody's subcommand.
        assert!(cfg.ikev2_profiles.iter().all(|p| p.other.len() <= 2));
        // The JSON report can carry it.
        assert!(serde_json::to_string(&cfg).is_ok());
    }

    #[test]
    fn crlf_tabs_case_and_lost_indentation() {
        let text =
            "CRYPTO PKI TRUSTPOINT tp1\r\n\tRevocation-Check OCSP\r\nenrollment terminal pem  \r\n\
                    crypto pki certificate map M 5\r\nsubject-name EQ cn=a\r\nhostname x\r\n\
                    match certificate M\r\n";
        let cfg = parse(text);
        let tp = cfg.trustpoint("tp1").expect("trustpoint");
        assert_eq!(tp.revocation_check, vec![RevocationMethod::Ocsp]);
        assert_eq!(tp.enrollment, vec!["terminal pem"]);
        let e = cfg.map_entries("M");
        assert_eq!(e.first().map(|e| e.rules.len()), Some(1));
        // `hostname` ended the map; the stray `match` after it is top-level
        // junk, not a map field.
        assert_eq!(cfg.problems, vec![]);
        // Indented everything (an e-mail quote) still nests.
        let quoted = "  crypto ikev2 profile P\n    match certificate M\n  !\n";
        let cfg = parse(quoted);
        assert_eq!(
            cfg.ikev2_profile("P").map(|p| p.match_certificate.len()),
            Some(1)
        );
    }

    #[test]
    fn sections_entered_again_are_merged() {
        let cfg = parse(
            "crypto pki certificate map M 10\n subject-name co a\n!\n\
             crypto pki trustpoint TP\n enrollment terminal\n!\n\
             crypto pki certificate map M 10\n issuer-name co b\n!\n\
             crypto pki trustpoint TP\n revocation-check none\n!\n\
             crypto pki certificate map M 5\n",
        );
        assert_eq!(cfg.certificate_maps.len(), 2);
        let m10 = cfg.map_entries("M");
        assert_eq!(
            m10.iter()
                .map(|e| (e.seq, e.line, e.rules.len()))
                .collect::<Vec<_>>(),
            vec![(5, 13, 0), (10, 1, 2)]
        );
        assert_eq!(cfg.trustpoints.len(), 1);
        let tp = cfg.trustpoint("TP").expect("TP");
        assert_eq!(tp.line, 4);
        assert_eq!(tp.enrollment, vec!["terminal"]);
        assert_eq!(tp.revocation_check, vec![RevocationMethod::None]);
    }

    #[test]
    fn every_problem_names_its_line() {
        let text = "\
crypto pki trustpoint
crypto pki trustpoint TP
 revocation-check
 revocation-check crl maybe
 match certificate
 match certificate M allow expired
 match certificate M skip everything
 rsakeypair
 enrollment
crypto pki certificate map
crypto pki certificate map M
crypto pki certificate map M zero
crypto pki certificate map M 70000
crypto pki certificate map M 10 extra
 subject-name
 subject-name xx foo
 subject-name lt foo
 expires-on co 2030
 expires-on lt 32 Jan 2030
 issuer-name eq
 subjectname eq foo
 subject-name attr
crypto ikev2 profile
crypto ikev2 profile P
 match
 match certificate
 match certificate M N
 match identity
 match fvrf
 identity local
 authentication
 authentication remote
 pki trustpoint
 pki trustpoint TP both
crypto pki certificate chain
crypto pki certificate chain TP
 certificate
  3082
  quit
";
        let cfg = parse(text);
        let lines: Vec<usize> = cfg.problems.iter().map(|p| p.line).collect();
        let expected: Vec<usize> = vec![
            1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25, 26,
            27, 28, 29, 30, 31, 32, 33, 34, 35, 37,
        ];
        assert_eq!(lines, expected, "{:#?}", cfg.problems);
        // `match certificate M N` is still read (the map is M).
        assert_eq!(
            cfg.ikev2_profile("P").map(|p| p.match_certificate.clone()),
            Some(vec![("M".to_string(), 27)])
        );
        // The chain with the serial-less certificate has no certificate,
        // and its hex was not read as commands.
        assert_eq!(cfg.chain("TP").map(|c| c.certificates.len()), Some(0));
        // The map entry with the extra text still exists, without the bad rules.
        assert_eq!(
            cfg.map_entries("M").first().map(|e| (e.seq, e.rules.len())),
            Some((10, 0))
        );
    }

    #[test]
    fn decodes_certificate_chains() {
        let der = leaf_der();
        let text = format!(
            "crypto pki certificate chain FLEX\n certificate 0A1B\n{}  \tquit\n certificate ca 01\n{}  quit\n",
            ios_hex(&der, "  "),
            ios_hex(&der, "  ").to_lowercase().replace(' ', "")
        );
        let cfg = parse(&text);
        assert_eq!(cfg.problems, vec![]);
        let chain = cfg.chain("FLEX").expect("chain");
        assert_eq!(chain.certificates.len(), 2);
        let first = chain.certificates.first().expect("first");
        assert_eq!(first.kind, ChainCertKind::Identity);
        assert_eq!(first.serial, "0A1B");
        assert_eq!(first.line, 2);
        assert_eq!(first.der.as_ref().ok(), Some(&der));
        let second = chain.certificates.get(1).expect("second");
        assert_eq!(second.kind, ChainCertKind::Ca);
        assert_eq!(second.der.as_ref().ok(), Some(&der));
        assert!(crate::model::Certificate::from_der(&der).is_ok());
        assert!(!looks_like_config("Certificate\n  Status: Available\n"));
    }

    #[test]
    fn chain_block_errors() {
        let der = leaf_der();
        let hex = ios_hex(&der, "  ");
        // Odd digit count, on line 3.
        let odd = parse("crypto pki certificate chain T\n certificate 01\n  308\n  quit\n");
        let err = odd
            .chain("T")
            .and_then(|c| c.certificates.first())
            .and_then(|c| c.der.clone().err())
            .expect("odd error");
        assert!(err.contains("odd") && err.contains("line 3"), "{err}");
        // Non-hex character.
        let bad =
            parse("crypto pki certificate chain T\n certificate 01\n  3082\n  30zz\n  quit\n");
        let err = bad
            .chain("T")
            .and_then(|c| c.certificates.first())
            .and_then(|c| c.der.clone().err())
            .expect("non-hex error");
        assert!(err.contains("line 4") && err.contains("'z'"), "{err}");
        // Missing quit: cut off by `!` on line 4 (and the next section is read).
        let text = format!(
            "crypto pki certificate chain T\n certificate self-signed 01\n{hex}!\ncrypto pki trustpoint T\n"
        );
        let cut = parse(&text);
        let c = cut
            .chain("T")
            .and_then(|c| c.certificates.first())
            .expect("cert");
        assert_eq!(c.kind, ChainCertKind::SelfSigned);
        let err = c.der.clone().expect_err("missing quit");
        let bang = 3 + hex.lines().count();
        assert!(
            err.contains("quit") && err.contains(&format!("line {bang}")),
            "{err}"
        );
        assert!(cut.trustpoint("T").is_some());
        // Missing quit at end of input.
        let eof = parse(&format!(
            "crypto pki certificate chain T\n certificate 01\n{hex}"
        ));
        assert!(eof
            .chain("T")
            .and_then(|c| c.certificates.first())
            .is_some_and(|c| c
                .der
                .as_ref()
                .is_err_and(|e| e.contains("input ends inside"))));
        // Empty block.
        let empty = parse("crypto pki certificate chain T\n certificate ca rollover 02\n  quit\n");
        let c = empty
            .chain("T")
            .and_then(|c| c.certificates.first())
            .expect("cert");
        assert_eq!(c.kind, ChainCertKind::RolloverCa);
        assert!(c.der.as_ref().is_err_and(|e| e.contains("empty")));
        // Too big: capped, not stored.
        let big_line = "  ".to_string() + &"AB".repeat(1000) + "\n";
        let big = format!(
            "crypto pki certificate chain T\n certificate 01\n{}  quit\n",
            big_line.repeat(70)
        );
        let cfg = parse(&big);
        let c = cfg
            .chain("T")
            .and_then(|c| c.certificates.first())
            .expect("cert");
        assert!(
            c.der.as_ref().is_err_and(|e| e.contains("65536")),
            "{:?}",
            c.der
        );
        // A certificate kept in a file.
        let file = parse("crypto pki certificate chain T\n certificate ca 01 nvram:ca#01.cer\n!\n");
        assert!(file
            .chain("T")
            .and_then(|c| c.certificates.first())
            .is_some_and(|c| c.der.as_ref().is_err_and(|e| e.contains("nvram:"))));
    }

    #[test]
    fn asa_syntax() {
        let der = leaf_der();
        let text = format!(
            "ciscoasa# show running-config\n: Saved\n\
             crypto ca trustpoint ASDM_TrustPoint0\n enrollment terminal\n keypair VPNKEY\n \
             revocation-check ocsp none\n crl configure\n\
             crypto ca certificate chain ASDM_TrustPoint0\n certificate ca 00e3\n{}  quit\n\
             crypto ca certificate map CERT_MAP 10\n subject-name attr cn co example.com\n \
             extended-key-usage co 1.3.6.1.5.5.7.3.2\n\
             tunnel-group CERT_VPN type remote-access\n",
            ios_hex(&der, "    ").to_lowercase()
        );
        assert!(looks_like_config(&text));
        let cfg = parse(&text);
        assert_eq!(cfg.problems, vec![]);
        let tp = cfg.trustpoint("ASDM_TrustPoint0").expect("tp");
        assert_eq!(tp.rsakeypair.as_deref(), Some("VPNKEY"));
        assert_eq!(
            tp.revocation_check,
            vec![RevocationMethod::Ocsp, RevocationMethod::None]
        );
        let c = cfg
            .chain("ASDM_TrustPoint0")
            .and_then(|c| c.certificates.first())
            .expect("cert");
        assert_eq!(c.der.as_ref().ok(), Some(&der));
        let rules = cfg
            .map_entries("CERT_MAP")
            .first()
            .map(|e| e.rules.clone())
            .unwrap_or_default();
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules.first().and_then(|r| r.attribute.as_deref()),
            Some("cn")
        );
        assert_eq!(
            rules.get(1).map(|r| r.field),
            Some(MapField::ExtendedKeyUsage)
        );
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let samples = [
            "",
            "\u{feff}crypto pki trustpoint",
            "crypto pki certificate chain X\n certificate\n",
            "crypto pki certificate map \u{0}\u{7f} 1\n subject-name eq \u{10ffff}",
            "crypto ikev2 profile é\n match certificate ñ\n authentication local \u{202e}",
            "#\n>\nrouter#\n\r\r\n\t\t\t\n",
            "crypto pki certificate chain X\n certificate 01\n  ÀÀ\n quit",
            "crypto pki certificate map M 1\n expires-on lt 99999999999 Jan 2030 99:99:99",
        ];
        for s in samples {
            let _ = parse(s);
            let _ = looks_like_config(s);
        }
        // Many problems are capped.
        let text = "crypto pki certificate map M 1\n".to_string() + &" bogus x\n".repeat(3000);
        let cfg = parse(&text);
        assert_eq!(cfg.problems.len(), MAX_PROBLEMS + 1);
        assert!(cfg
            .problems
            .last()
            .is_some_and(|p| p.message.contains("2000 more")));
    }

    #[test]
    fn prompt_lines_are_not_commands() {
        for prompt in [
            "hub#show running-config",
            "hub# sh run | section crypto",
            "fw(config)# show run",
            "R1>",
        ] {
            assert!(is_noise(prompt), "{prompt}");
        }
        for line in [
            "description link#1",
            "crypto pki trustpoint TP",
            "banner motd #hi#",
        ] {
            assert!(!is_noise(line), "{line}");
        }
    }
}
