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

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

mod lex;
mod parse;

use lex::lines;
use parse::Parser;

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

#[cfg(test)]
mod tests;
