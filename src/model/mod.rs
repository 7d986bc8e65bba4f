//! The certificate model: everything pkiaudit reads out of one X.509
//! certificate, owned and ready for the rules and the reports.
//!
//! Parsing is done by `x509-parser`; this module only turns its zero-copy
//! view into owned values and computes the digests operators compare
//! (SHA-1/SHA-256 fingerprints and the SHA-1 of the SubjectPublicKeyInfo that
//! IKEv2 CERTREQ payloads carry, RFC 7296 §3.7).

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use x509_parser::der_parser::oid::Oid;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};
use x509_parser::public_key::PublicKey;

use crate::oids;

pub mod adcs;
pub mod dn;
pub mod partial;

/// Why a DER blob could not be read as a certificate.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// Key Usage bits (RFC 5280 §4.2.1.3), in the order of the bit string.
pub const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

/// One Key Usage bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsageBit {
    DigitalSignature = 0,
    NonRepudiation = 1,
    KeyEncipherment = 2,
    DataEncipherment = 3,
    KeyAgreement = 4,
    KeyCertSign = 5,
    CrlSign = 6,
    EncipherOnly = 7,
    DecipherOnly = 8,
}

/// The Key Usage extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage {
    pub critical: bool,
    /// Bit `n` set means the `n`th usage of [`KEY_USAGE_NAMES`] is asserted.
    pub flags: u16,
}

impl KeyUsage {
    pub fn has(&self, bit: KeyUsageBit) -> bool {
        self.flags & (1 << bit as u16) != 0
    }

    /// The asserted usages by their RFC 5280 names.
    pub fn names(&self) -> Vec<&'static str> {
        KEY_USAGE_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.flags & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

/// The Extended Key Usage extension: key purpose OIDs in certificate order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendedKeyUsage {
    pub critical: bool,
    pub purposes: Vec<String>,
}

impl ExtendedKeyUsage {
    pub fn contains(&self, oid: &str) -> bool {
        self.purposes.iter().any(|p| p == oid)
    }

    /// `name (oid)` for known purposes, the dotted OID otherwise.
    pub fn describe(&self) -> String {
        if self.purposes.is_empty() {
            return "none".into();
        }
        self.purposes
            .iter()
            .map(|p| oids::eku_name(p).map_or_else(|| p.clone(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A Subject Alternative Name entry (RFC 5280 §4.2.1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum SanEntry {
    Dns(String),
    Ip(String),
    Email(String),
    Uri(String),
    DirectoryName(String),
    OtherName(String),
    RegisteredId(String),
    /// An entry that could not be decoded (bad IP length, invalid string).
    Invalid(String),
}

impl fmt::Display for SanEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SanEntry::Dns(v) => write!(f, "DNS:{v}"),
            SanEntry::Ip(v) => write!(f, "IP:{v}"),
            SanEntry::Email(v) => write!(f, "email:{v}"),
            SanEntry::Uri(v) => write!(f, "URI:{v}"),
            SanEntry::DirectoryName(v) => write!(f, "DirName:{v}"),
            SanEntry::OtherName(v) => write!(f, "othername:{v}"),
            SanEntry::RegisteredId(v) => write!(f, "RID:{v}"),
            SanEntry::Invalid(v) => write!(f, "invalid:{v}"),
        }
    }
}

/// The Subject Alternative Name extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAltName {
    pub critical: bool,
    pub entries: Vec<SanEntry>,
}

/// The Basic Constraints extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BasicConstraints {
    pub critical: bool,
    pub ca: bool,
    pub path_len: Option<u32>,
}

/// The Authority Key Identifier extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorityKeyId {
    /// keyIdentifier, lower-case hex.
    pub key_id: Option<String>,
    pub issuer: Vec<String>,
    pub serial: Option<String>,
}

/// Authority Information Access (RFC 5280 §4.2.2.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuthorityInfoAccess {
    pub ocsp: Vec<String>,
    pub ca_issuers: Vec<String>,
    /// Access methods other than OCSP and caIssuers, as `oid: location`.
    pub other: Vec<String>,
}

/// The subject public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum KeyInfo {
    Rsa {
        bits: u32,
    },
    Ec {
        curve: String,
        curve_oid: Option<String>,
        bits: u32,
    },
    Ed25519,
    Ed448,
    Dsa {
        bits: u32,
    },
    Unknown {
        oid: String,
    },
}

impl KeyInfo {
    pub fn is_rsa(&self) -> bool {
        matches!(self, KeyInfo::Rsa { .. })
    }
}

impl fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyInfo::Rsa { bits } => write!(f, "RSA {bits} bits"),
            KeyInfo::Ec { curve, bits, .. } => write!(f, "EC {curve} ({bits} bits)"),
            KeyInfo::Ed25519 => write!(f, "Ed25519"),
            KeyInfo::Ed448 => write!(f, "Ed448"),
            KeyInfo::Dsa { bits } => write!(f, "DSA {bits} bits"),
            KeyInfo::Unknown { oid } => write!(f, "unknown key algorithm {oid}"),
        }
    }
}

pub use crate::oids::SigHash;

/// A certificate from the trust store or the untrusted pool, with where it
/// was read.
#[derive(Debug, Clone)]
pub struct PoolCert {
    pub cert: Certificate,
    pub source: String,
}

/// The certificate's signature algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureAlgorithm {
    pub name: String,
    pub oid: String,
    pub hash: SigHash,
}

/// A non-fatal problem met while reading one extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionProblem {
    pub oid: String,
    pub critical: bool,
    pub problem: String,
}

/// One extension of a certificate: its OID (dotted) and criticality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionId {
    pub oid: String,
    pub critical: bool,
}

/// A distinguished name: its display form, its CNs and its raw DER (for exact
/// issuer/subject comparison).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub common_names: Vec<String>,
    pub raw: Vec<u8>,
    /// The relative distinguished names in certificate order, each a list of
    /// `(attribute, value)` with the attribute named as IOS prints it
    /// (`cn`, `o`, `ou`, `ea`, `hostname`, ...; see [`oids::ios_attribute`]).
    /// A multi-valued RDN (`cn=a+ou=b`) is one inner list.
    pub rdns: Vec<Vec<(String, String)>>,
    /// The name prepared for RFC 5280 §7.1 comparison, made on first use:
    /// path building compares one issuer name with every candidate CA.
    pub(crate) prepared: PreparedName,
}

/// A [`Name`]'s comparison form, made once ([`Name::matches`]). Not part of
/// what a name is: it never makes two names differ.
#[derive(Debug, Clone, Default)]
pub(crate) struct PreparedName(std::sync::OnceLock<Option<std::sync::Arc<dn::ComparableName>>>);

impl PreparedName {
    /// The comparison form of the DER name `raw` (always the same name for
    /// one `PreparedName`), made on first use.
    fn of(&self, raw: &[u8]) -> Option<&dn::ComparableName> {
        self.0.get_or_init(|| dn::prepared_name(raw)).as_deref()
    }
}

impl PartialEq for PreparedName {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PreparedName {}

impl Name {
    pub(crate) fn empty() -> Name {
        Name {
            text: String::new(),
            common_names: Vec::new(),
            raw: Vec::new(),
            rdns: Vec::new(),
            prepared: PreparedName::default(),
        }
    }

    /// Build a name from `(attribute, value)` RDNs in the order IOS prints
    /// them (most specific first, as RFC 4514 strings are); no DER.
    pub fn from_ios_rdns(mut rdns: Vec<Vec<(String, String)>>) -> Name {
        rdns.reverse();
        let common_names = rdns
            .iter()
            .flatten()
            .filter(|(a, _)| a.eq_ignore_ascii_case("cn"))
            .map(|(_, v)| v.clone())
            .collect();
        let mut name = Name {
            text: String::new(),
            common_names,
            raw: Vec::new(),
            rdns,
            prepared: PreparedName::default(),
        };
        name.text = name.ios_text();
        name
    }

    /// RFC 5280 §7.1: the two names match ([`dn::names_match`]).
    pub fn matches(&self, other: &Name) -> bool {
        if self.raw == other.raw {
            return true;
        }
        match (self.comparable(), other.comparable()) {
            (Some(a), Some(b)) => a == b,
            // A name that does not parse matches only byte for byte.
            _ => false,
        }
    }

    /// [`Name::matches`] against a DER name `raw` that keeps its prepared
    /// form in `prepared` (a CRL's issuer, compared with every candidate
    /// signer of every certificate of a run).
    pub(crate) fn matches_der(&self, raw: &[u8], prepared: &PreparedName) -> bool {
        if self.raw == raw {
            return true;
        }
        // A name not prepared yet (a leaf's, met once) is told apart
        // without preparing it, when that can be settled.
        if self.prepared.0.get().is_none() && dn::differ_quickly(&self.raw, raw) {
            return false;
        }
        match (self.comparable(), prepared.of(raw)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// The prepared name, made once per `Name`.
    fn comparable(&self) -> Option<&dn::ComparableName> {
        self.prepared.of(&self.raw)
    }

    /// The name as IOS prints and matches it: `cn=vpn,ou=VPN,o=Example`,
    /// RDNs joined by `,` most specific first (the reverse of certificate
    /// order, as in RFC 4514 strings), multi-valued RDNs by `+`.
    pub fn ios_text(&self) -> String {
        self.rdns
            .iter()
            .rev()
            .map(|rdn| {
                rdn.iter()
                    .map(|(a, v)| format!("{a}={v}"))
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    pub(crate) fn from_x509(name: &X509Name<'_>) -> Name {
        let text = name
            .to_string_with_registry(oids::name_registry())
            .unwrap_or_else(|_| format!("<undecodable name, {} bytes>", name.as_raw().len()));
        let common_names = name
            .iter_common_name()
            .map(|cn| attribute_text(cn.attr_value()))
            .collect();
        let rdns = name
            .iter()
            .map(|rdn| {
                rdn.iter()
                    .map(|atv| {
                        (
                            ios_attribute_of(atv.attr_type()),
                            attribute_text(atv.attr_value()),
                        )
                    })
                    .collect()
            })
            .collect();
        Name {
            text,
            common_names,
            raw: name.as_raw().to_vec(),
            rdns,
            prepared: PreparedName::default(),
        }
    }
}

/// [`oids::ios_attribute`] of an attribute type; the X.520 attributes
/// (2.5.4.N, most of every name) without the general OID-to-text route.
fn ios_attribute_of(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    match oid.as_bytes() {
        [0x55, 0x04, n] if *n < 0x80 => oids::ios_attribute(&format!("2.5.4.{n}")),
        _ => oids::ios_attribute(&crate::oids::dotted(oid)),
    }
}

/// The text of a directory string, whatever its ASN.1 string type: AD CS
/// and older CAs write BMPString (UTF-16) names, some UniversalString.
fn attribute_text(value: &x509_parser::asn1_rs::Any<'_>) -> String {
    use x509_parser::asn1_rs::{BmpString, Tag, UniversalString};
    match value.tag() {
        Tag::BmpString => BmpString::try_from(value.clone())
            .map(|s| s.string())
            .unwrap_or_else(|_| String::from_utf8_lossy(value.data).into_owned()),
        Tag::UniversalString => UniversalString::try_from(value.clone())
            .map(|s| s.string())
            .unwrap_or_else(|_| String::from_utf8_lossy(value.data).into_owned()),
        // UTF8String, PrintableString, IA5String, T61String (read as
        // Latin-1-ish bytes), VisibleString...
        _ => String::from_utf8_lossy(value.data).into_owned(),
    }
}

/// A name of a distribution point or a cRLIssuer (RFC 5280 §4.2.1.13,
/// §5.2.5), as the scope checks of §6.3.3 (b) compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DpName {
    Uri(String),
    /// A directoryName: its DER (for comparison) and its text.
    DirectoryName {
        der: Vec<u8>,
        text: String,
    },
    /// Any other kind of GeneralName, as text.
    Other(String),
}

impl fmt::Display for DpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DpName::Uri(u) => f.write_str(u),
            DpName::DirectoryName { text, .. } => write!(f, "\"{text}\""),
            DpName::Other(o) => f.write_str(o),
        }
    }
}

impl DpName {
    fn from_x509(name: &GeneralName<'_>) -> DpName {
        match name {
            GeneralName::URI(u) => DpName::Uri(u.to_string()),
            GeneralName::DirectoryName(n) => DpName::DirectoryName {
                der: n.as_raw().to_vec(),
                text: Name::from_x509(n).text,
            },
            other => DpName::Other(san_entry(other).to_string()),
        }
    }

    /// The directory name whose DER is `der`.
    pub fn directory(der: &[u8]) -> DpName {
        let text = X509Name::from_der(der)
            .map(|(_, n)| Name::from_x509(&n).text)
            .unwrap_or_else(|_| format!("<undecodable name, {} bytes>", der.len()));
        DpName::DirectoryName {
            der: der.to_vec(),
            text,
        }
    }
}

/// One DistributionPoint of a CRL Distribution Points or Freshest CRL
/// extension (RFC 5280 §4.2.1.13, §4.2.1.15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionPoint {
    /// distributionPoint; `None` when absent. A nameRelativeToCRLIssuer is
    /// made a full directory name here (see [`dp_names`]).
    pub names: Option<Vec<DpName>>,
    /// reasons: ReasonFlags bits, bit n for reason code n (bit 0 unused);
    /// `None` when absent (all reasons).
    pub reasons: Option<u16>,
    /// cRLIssuer; empty when absent.
    pub crl_issuer: Vec<DpName>,
}

impl DistributionPoint {
    /// `point` of a certificate issued by `issuer` (DER name).
    pub fn from_x509(
        point: &x509_parser::extensions::CRLDistributionPoint<'_>,
        issuer: &[u8],
    ) -> DistributionPoint {
        let crl_issuer: Vec<DpName> = point
            .crl_issuer
            .iter()
            .flatten()
            .map(DpName::from_x509)
            .collect();
        // §4.2.1.13: a relative name is appended to the cRLIssuer's
        // directory name when there is one, else to the certificate
        // issuer's.
        let base = crl_issuer
            .iter()
            .find_map(|n| match n {
                DpName::DirectoryName { der, .. } => Some(der.as_slice()),
                _ => None,
            })
            .unwrap_or(issuer);
        DistributionPoint {
            names: point.distribution_point.as_ref().map(|n| dp_names(n, base)),
            reasons: point.reasons.as_ref().map(|r| r.flags & 0x1ff),
            crl_issuer,
        }
    }
}

/// The names of a DistributionPointName (RFC 5280 §4.2.1.13): a fullName's
/// names, or a nameRelativeToCRLIssuer appended to `base` (DER name) as
/// one more RDN, which gives the full directory name it stands for.
pub fn dp_names(name: &DistributionPointName<'_>, base: &[u8]) -> Vec<DpName> {
    match name {
        DistributionPointName::FullName(names) => names.iter().map(DpName::from_x509).collect(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            use x509_parser::asn1_rs::ToDer;
            let mut set = Vec::new();
            for atv in rdn.iter() {
                match (atv.attr_type().to_der_vec(), atv.attr_value().to_der_vec()) {
                    (Ok(t), Ok(v)) => set.extend(der_tlv(0x30, &[t, v].concat())),
                    _ => return vec![DpName::Other("<undecodable relative name>".into())],
                }
            }
            // base is a Name (SEQUENCE OF RDN): its content plus the RDN.
            let content = X509Name::from_der(base)
                .ok()
                .and_then(|(_, n)| {
                    let raw = n.as_raw();
                    let header = raw.len().checked_sub(der_content_len(raw)?)?;
                    raw.get(header..).map(<[u8]>::to_vec)
                })
                .unwrap_or_default();
            let full = der_tlv(0x30, &[content, der_tlv(0x31, &set)].concat());
            vec![DpName::directory(&full)]
        }
    }
}

/// The content length of the DER TLV `der` (definite lengths only).
fn der_content_len(der: &[u8]) -> Option<usize> {
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some(first as usize);
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 4 {
        return None;
    }
    der.get(2..2 + n)?
        .iter()
        .try_fold(0usize, |len, b| Some((len << 8) | *b as usize))
}

/// A DER TLV with a one-octet tag and a minimal definite length (X.690
/// §10.1); also the OCSP request writer's.
pub(crate) fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

/// One certificate, fully parsed from DER.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub der: Vec<u8>,
    /// X.509 version as printed (1, 2 or 3).
    pub version: u32,
    pub subject: Name,
    pub issuer: Name,
    /// Serial number: upper-case hex of the integer's magnitude, no separators
    /// (as IOS prints it). Leading zero octets that the encoding carries are kept
    /// except the single sign octet DER requires.
    pub serial: String,
    /// The DER content octets of the serial INTEGER, for the structural rules.
    pub serial_raw: Vec<u8>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub key: KeyInfo,
    pub signature_algorithm: SignatureAlgorithm,
    pub key_usage: Option<KeyUsage>,
    pub extended_key_usage: Option<ExtendedKeyUsage>,
    pub subject_alt_name: Option<SubjectAltName>,
    pub basic_constraints: Option<BasicConstraints>,
    pub subject_key_id: Option<String>,
    pub authority_key_id: Option<AuthorityKeyId>,
    /// CRL distribution point locations (URIs and other names, as text).
    pub crl_distribution_points: Vec<String>,
    /// The cRLIssuer names of the distribution points (DER directory
    /// names): the certificate's revocation is published by that issuer, in
    /// an indirect CRL (RFC 5280 §4.2.1.13, §5.2.5).
    pub crl_issuers: Vec<Vec<u8>>,
    /// The CRL distribution points as RFC 5280 §6.3.3 compares them with a
    /// CRL's Issuing Distribution Point: names, reasons and cRLIssuer kept
    /// per point (§4.2.1.13).
    pub distribution_points: Vec<DistributionPoint>,
    /// Freshest CRL (delta CRL locations, §4.2.1.15).
    pub freshest_crl: Vec<DistributionPoint>,
    pub authority_info_access: Option<AuthorityInfoAccess>,
    /// Extensions that could not be parsed or were duplicated.
    pub extension_problems: Vec<ExtensionProblem>,
    /// OIDs of critical extensions x509-parser does not understand.
    pub unknown_critical_extensions: Vec<String>,
    /// Every extension's OID and criticality, in certificate order: the
    /// path validator rejects a critical extension it does not process
    /// (RFC 5280 §6.1.3, §6.1.4 (o)).
    pub extensions: Vec<ExtensionId>,
    /// The certificate carries a nameConstraints extension.
    pub has_name_constraints: bool,
    /// The Microsoft AD CS template it was issued from, when it says.
    pub certificate_template: Option<adcs::CertificateTemplate>,
    pub sha1: String,
    pub sha256: String,
    /// SHA-1 of the DER SubjectPublicKeyInfo: the value an IKEv2 CERTREQ
    /// payload lists for a trust anchor (RFC 7296 §3.7).
    pub spki_sha1: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo: the key's identity across
    /// renewals (sweep `--state`).
    pub spki_sha256: String,
    /// Subject and issuer names match (RFC 5280 §7.1 comparison, §6.1 "self-issued").
    pub self_issued: bool,
    /// Whether the self-signature verifies: computed on first use by
    /// [`Certificate::self_signature_valid`], not at parse time (most
    /// certificates read are never asked, and a sweep parses many).
    self_signature: std::sync::OnceLock<Option<bool>>,
}

impl Certificate {
    /// A certificate with every field empty, for records that are built up
    /// from what a device printed ([`partial::PartialCertificate`]).
    pub(crate) fn placeholder() -> Certificate {
        Certificate {
            der: Vec::new(),
            version: 0,
            subject: Name::empty(),
            issuer: Name::empty(),
            serial: String::new(),
            serial_raw: Vec::new(),
            not_before: DateTime::<Utc>::UNIX_EPOCH,
            not_after: DateTime::<Utc>::UNIX_EPOCH,
            key: KeyInfo::Unknown {
                oid: "unknown".into(),
            },
            signature_algorithm: SignatureAlgorithm {
                name: "unknown".into(),
                oid: String::new(),
                hash: SigHash::None,
            },
            key_usage: None,
            extended_key_usage: None,
            subject_alt_name: None,
            basic_constraints: None,
            subject_key_id: None,
            authority_key_id: None,
            crl_distribution_points: Vec::new(),
            crl_issuers: Vec::new(),
            distribution_points: Vec::new(),
            freshest_crl: Vec::new(),
            authority_info_access: None,
            extension_problems: Vec::new(),
            unknown_critical_extensions: Vec::new(),
            extensions: Vec::new(),
            has_name_constraints: false,
            certificate_template: None,
            sha1: String::new(),
            sha256: String::new(),
            spki_sha1: String::new(),
            spki_sha256: String::new(),
            self_issued: false,
            self_signature: std::sync::OnceLock::new(),
        }
    }

    /// Parse one certificate. Returns it and the bytes that followed it.
    pub fn from_der_prefix(input: &[u8]) -> Result<(Certificate, usize), ParseError> {
        let (rest, cert) = parse_x509(input)?;
        let used = input.len() - rest.len();
        let der = &input[..used];
        let sha256 = ring::digest::digest(&ring::digest::SHA256, der);
        Ok((Self::from_parsed(der, &cert, sha256.as_ref()), rest.len()))
    }

    /// Whether `input` starts with a certificate, and how many bytes follow
    /// it: [`Certificate::from_der_prefix`]'s answer and errors, without
    /// building the model (for the loaders' format sniffing).
    pub fn check_prefix(input: &[u8]) -> Result<usize, ParseError> {
        parse_x509(input).map(|(rest, _)| rest.len())
    }

    /// Parse one certificate that must fill `input` exactly.
    pub fn from_der(input: &[u8]) -> Result<Certificate, ParseError> {
        let (cert, trailing) = Self::from_der_prefix(input)?;
        if trailing != 0 {
            return Err(ParseError(format!(
                "{trailing} bytes of trailing data after the certificate"
            )));
        }
        Ok(cert)
    }

    fn from_parsed(der: &[u8], cert: &X509Certificate<'_>, sha256: &[u8]) -> Certificate {
        let tbs = &cert.tbs_certificate;
        let mut out = Certificate {
            der: der.to_vec(),
            version: tbs.version.0.saturating_add(1),
            subject: Name::from_x509(&tbs.subject),
            issuer: Name::from_x509(&tbs.issuer),
            serial: serial_hex(tbs.raw_serial()),
            serial_raw: tbs.raw_serial().to_vec(),
            not_before: to_utc(tbs.validity.not_before.timestamp()),
            not_after: to_utc(tbs.validity.not_after.timestamp()),
            key: key_info(cert.public_key()),
            signature_algorithm: signature_algorithm(&cert.signature_algorithm),
            sha1: hex_lower(
                ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref(),
            ),
            sha256: hex_lower(sha256),
            spki_sha1: hex_lower(
                ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, tbs.subject_pki.raw)
                    .as_ref(),
            ),
            spki_sha256: hex_lower(
                ring::digest::digest(&ring::digest::SHA256, tbs.subject_pki.raw).as_ref(),
            ),
            // RFC 5280 §6.1: self-issued means the names match as §7.1 compares them.
            self_issued: dn::names_match(tbs.subject.as_raw(), tbs.issuer.as_raw()),
            ..Certificate::placeholder()
        };
        out.read_extensions(cert);
        out
    }

    fn read_extensions(&mut self, cert: &X509Certificate<'_>) {
        let mut seen: Vec<String> = Vec::new();
        for ext in cert.extensions() {
            let oid = crate::oids::dotted(&ext.oid);
            self.extensions.push(ExtensionId {
                oid: oid.clone(),
                critical: ext.critical,
            });
            if seen.contains(&oid) {
                // RFC 5280 §4.2: a certificate MUST NOT include more than one
                // instance of a particular extension. The first one is used.
                self.extension_problems.push(ExtensionProblem {
                    oid: oid.clone(),
                    critical: ext.critical,
                    problem: format!(
                        "duplicate {} extension (only the first is read)",
                        oids::extension_name(&oid).unwrap_or("extension")
                    ),
                });
                continue;
            }
            seen.push(oid.clone());
            if oid == oids::MS_CERTIFICATE_TEMPLATE || oid == oids::MS_TEMPLATE_NAME {
                // Read, and still subject to the critical-extension checks
                // below: other validators do not know these.
                self.read_template(&oid, ext.value);
            }
            if ext.oid == x509_parser::oid_registry::OID_X509_EXT_FRESHEST_CRL {
                // Same syntax as CRL Distribution Points (§4.2.1.15);
                // x509-parser leaves it unparsed.
                if let Ok((_, points)) =
                    x509_parser::extensions::CRLDistributionPoints::from_der(ext.value)
                {
                    self.freshest_crl = points
                        .iter()
                        .map(|p| DistributionPoint::from_x509(p, &self.issuer.raw))
                        .collect();
                }
            }
            match ext.parsed_extension() {
                ParsedExtension::KeyUsage(ku) => {
                    self.key_usage = Some(KeyUsage {
                        critical: ext.critical,
                        flags: ku.flags & 0x1ff,
                    })
                }
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    // Re-read the OIDs in certificate order: x509-parser folds
                    // the well-known ones into booleans.
                    let purposes = match <Vec<Oid>>::from_der(ext.value) {
                        Ok((_, list)) => list.iter().map(crate::oids::dotted).collect(),
                        Err(_) => eku_from_flags(eku),
                    };
                    self.extended_key_usage = Some(ExtendedKeyUsage {
                        critical: ext.critical,
                        purposes,
                    });
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    self.subject_alt_name = Some(SubjectAltName {
                        critical: ext.critical,
                        entries: san.general_names.iter().map(san_entry).collect(),
                    })
                }
                ParsedExtension::BasicConstraints(bc) => {
                    self.basic_constraints = Some(BasicConstraints {
                        critical: ext.critical,
                        ca: bc.ca,
                        path_len: bc.path_len_constraint,
                    })
                }
                ParsedExtension::SubjectKeyIdentifier(ski) => {
                    self.subject_key_id = Some(hex_lower(ski.0))
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    self.authority_key_id = Some(AuthorityKeyId {
                        key_id: aki.key_identifier.as_ref().map(|k| hex_lower(k.0)),
                        issuer: aki
                            .authority_cert_issuer
                            .as_ref()
                            .map(|names| names.iter().map(|n| san_entry(n).to_string()).collect())
                            .unwrap_or_default(),
                        serial: aki.authority_cert_serial.map(serial_hex),
                    })
                }
                ParsedExtension::CRLDistributionPoints(cdp) => {
                    self.distribution_points = cdp
                        .iter()
                        .map(|p| DistributionPoint::from_x509(p, &self.issuer.raw))
                        .collect();
                    for point in cdp.iter() {
                        for name in point.crl_issuer.iter().flatten() {
                            if let GeneralName::DirectoryName(dn) = name {
                                self.crl_issuers.push(dn.as_raw().to_vec());
                            }
                        }
                        match &point.distribution_point {
                            Some(DistributionPointName::FullName(names)) => self
                                .crl_distribution_points
                                .extend(names.iter().map(general_name_location)),
                            Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => self
                                .crl_distribution_points
                                .push("<name relative to CRL issuer>".into()),
                            None => {
                                if let Some(issuers) = &point.crl_issuer {
                                    self.crl_distribution_points.extend(
                                        issuers
                                            .iter()
                                            .map(|n| format!("CRL issuer {}", san_entry(n))),
                                    )
                                }
                            }
                        }
                    }
                }
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    let mut info = AuthorityInfoAccess::default();
                    for desc in aia.iter() {
                        let location = general_name_location(&desc.access_location);
                        match crate::oids::dotted(&desc.access_method).as_str() {
                            oids::AIA_OCSP => info.ocsp.push(location),
                            oids::AIA_CA_ISSUERS => info.ca_issuers.push(location),
                            other => info.other.push(format!("{other}: {location}")),
                        }
                    }
                    self.authority_info_access = Some(info);
                }
                ParsedExtension::NameConstraints(_) => self.has_name_constraints = true,
                ParsedExtension::ParseError { error } => {
                    self.extension_problems.push(ExtensionProblem {
                        oid: oid.clone(),
                        critical: ext.critical,
                        problem: format!(
                            "{} extension could not be parsed: {error}",
                            oids::extension_name(&oid).unwrap_or("the")
                        ),
                    })
                }
                ParsedExtension::UnsupportedExtension { .. }
                    if ext.critical && !oids::is_understood_extension(&oid) =>
                {
                    self.unknown_critical_extensions.push(oid.clone());
                }
                _ => {}
            }
        }
    }

    /// The AD CS template extensions. Peers ignore these non-critical
    /// extensions, so a value that does not parse is kept as a note on the
    /// template, not as a malformed-extension finding.
    fn read_template(&mut self, oid: &str, value: &[u8]) {
        let tpl = self
            .certificate_template
            .get_or_insert_with(Default::default);
        let parsed = if oid == oids::MS_CERTIFICATE_TEMPLATE {
            adcs::parse_template_v2(value).map(|(t, major, minor)| {
                tpl.oid = Some(t);
                tpl.major_version = Some(major);
                tpl.minor_version = minor;
            })
        } else {
            adcs::parse_template_name(value).map(|name| tpl.name = Some(name))
        };
        if let Err(e) = parsed {
            tpl.problems.push(format!(
                "{} ({oid}) not readable: {e}",
                oids::extension_name(oid).unwrap_or("extension")
            ));
        }
    }

    /// Whether the certificate carries an extension with this OID.
    pub fn has_extension(&self, oid: &str) -> bool {
        self.extensions.iter().any(|e| e.oid == oid)
    }

    /// True when the certificate asserts it is a CA (basicConstraints cA).
    pub fn asserts_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|bc| bc.ca)
    }

    /// Self-issued and its signature verifies with its own key.
    pub fn is_self_signed(&self) -> bool {
        self.self_issued && self.self_signature_valid() != Some(false)
    }

    /// For a self-issued certificate: `Some(true)` when its signature
    /// verifies with its own key, `Some(false)` when it does not, `None`
    /// when the algorithm could not be checked (e.g. MD5, P-521). `None`
    /// for any other certificate. Verified on first use, then kept.
    pub fn self_signature_valid(&self) -> Option<bool> {
        if !self.self_issued {
            return None;
        }
        *self.self_signature.get_or_init(|| {
            let Ok((_, cert)) = X509Certificate::from_der(&self.der) else {
                return None;
            };
            match cert.verify_signature(None) {
                Ok(()) => Some(true),
                Err(x509_parser::error::X509Error::SignatureVerificationError) => Some(false),
                Err(_) => None,
            }
        })
    }

    /// Whole days from `at` to notAfter (negative once expired), rounded down.
    pub fn days_left(&self, at: DateTime<Utc>) -> i64 {
        whole_days(at, self.not_after)
    }

    /// Every SAN entry; empty without the extension.
    pub fn san_entries(&self) -> &[SanEntry] {
        self.subject_alt_name
            .as_ref()
            .map(|s| s.entries.as_slice())
            .unwrap_or(&[])
    }

    /// What the SAN holds, in words, for messages: "its SAN holds DNS:a,
    /// IP:b" or "the certificate has no SAN".
    pub fn san_in_words(&self) -> String {
        let entries = self.san_entries();
        if entries.is_empty() {
            "the certificate has no SAN".into()
        } else {
            format!(
                "its SAN holds {}",
                entries
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }

    /// DNS and IP SAN entries, the names a VPN client verifies.
    pub fn san_dns_ip(&self) -> Vec<&SanEntry> {
        self.san_entries()
            .iter()
            .filter(|e| matches!(e, SanEntry::Dns(_) | SanEntry::Ip(_)))
            .collect()
    }
}

/// x509-parser's parse, with its error in words.
fn parse_x509(input: &[u8]) -> Result<(&[u8], X509Certificate<'_>), ParseError> {
    X509Certificate::from_der(input)
        .map_err(|e| ParseError(format!("not a valid X.509 certificate: {}", der_words(&e))))
}

fn to_utc(ts: i64) -> DateTime<Utc> {
    // ASN.1 times are bounded to years 0000..9999, always representable.
    DateTime::<Utc>::from_timestamp(ts, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Lower-case hex with no separators.
pub fn hex_lower(bytes: &[u8]) -> String {
    hex_with(bytes, b"0123456789abcdef")
}

/// Upper-case hex with no separators.
pub fn hex_upper(bytes: &[u8]) -> String {
    hex_with(bytes, b"0123456789ABCDEF")
}

/// Hex by table (every certificate is hashed and written four times; the
/// formatting machinery per byte was a visible share of a sweep).
fn hex_with(bytes: &[u8], digits: &[u8; 16]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(digits[usize::from(b >> 4)]));
        s.push(char::from(digits[usize::from(b & 0x0f)]));
    }
    s
}

/// Upper-case hex of a DER INTEGER's content octets, dropping the one sign
/// octet DER puts in front of a positive value whose top bit is set.
pub fn serial_hex(raw: &[u8]) -> String {
    let digits = match raw {
        [0, next, ..] if next & 0x80 != 0 => &raw[1..],
        _ => raw,
    };
    hex_upper(digits)
}

/// RSA modulus size in bits from the big-endian modulus (leading zeros ignored).
pub(crate) fn rsa_bits(modulus: &[u8]) -> u32 {
    let trimmed: &[u8] = match modulus.iter().position(|b| *b != 0) {
        Some(i) => &modulus[i..],
        None => return 0,
    };
    let top = trimmed.first().copied().unwrap_or(0);
    (trimmed.len() as u32 - 1) * 8 + (8 - top.leading_zeros())
}

/// What a SubjectPublicKeyInfo holds (also used for the bare public keys,
/// CSRs and private keys the loaders recognise).
pub(crate) fn key_info(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> KeyInfo {
    let alg = crate::oids::dotted(&spki.algorithm.algorithm);
    match alg.as_str() {
        oids::KEY_RSA | oids::KEY_RSA_PSS => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => KeyInfo::Rsa {
                bits: rsa_bits(rsa.modulus),
            },
            _ => KeyInfo::Rsa { bits: 0 },
        },
        oids::KEY_EC => {
            // namedCurve is an OID; explicit (specifiedCurve) parameters are a
            // SEQUENCE, which asn1-rs would happily misread as an OID.
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .filter(|p| p.tag() == x509_parser::asn1_rs::Tag::Oid)
                .and_then(|p| p.as_oid().ok())
                .map(|o| crate::oids::dotted(&o));
            let curve = curve_oid
                .as_deref()
                .map(|o| oids::curve_name(o).map_or_else(|| o.to_string(), str::to_string))
                .unwrap_or_else(|| "explicit or missing curve parameters".into());
            let bits = curve_oid
                .as_deref()
                .and_then(oids::curve_bits)
                .unwrap_or_else(|| match spki.parsed() {
                    Ok(PublicKey::EC(point)) => point.key_size() as u32,
                    _ => 0,
                });
            KeyInfo::Ec {
                curve,
                curve_oid,
                bits,
            }
        }
        oids::KEY_ED25519 => KeyInfo::Ed25519,
        oids::KEY_ED448 => KeyInfo::Ed448,
        oids::KEY_DSA => KeyInfo::Dsa {
            bits: dsa_bits(&spki.algorithm),
        },
        _ => KeyInfo::Unknown { oid: alg },
    }
}

/// DSA key size is the size of p in the domain parameters
/// (`Dss-Parms ::= SEQUENCE { p, q, g }`, RFC 3279 §2.3.2).
fn dsa_bits(alg: &x509_parser::x509::AlgorithmIdentifier<'_>) -> u32 {
    let Some(params) = alg.parameters.as_ref() else {
        return 0;
    };
    // `params.data` is the content of the SEQUENCE: p comes first.
    match der_parser::der::parse_der_integer(params.data) {
        Ok((_, p)) => p.as_slice().map(rsa_bits).unwrap_or(0),
        Err(_) => 0,
    }
}

fn signature_algorithm(alg: &x509_parser::x509::AlgorithmIdentifier<'_>) -> SignatureAlgorithm {
    let oid = crate::oids::dotted(&alg.algorithm);
    if oid == oids::KEY_RSA_PSS {
        // RSASSA-PSS names its hash in the parameters; absent means SHA-1
        // (RFC 4055 §3.1), which the weak-hash rules must see.
        let hash = alg
            .parameters
            .as_ref()
            .and_then(|p| x509_parser::signature_algorithm::RsaSsaPssParams::try_from(p).ok())
            .map(|p| oids::hash_algorithm(&crate::oids::dotted(p.hash_algorithm_oid())))
            .unwrap_or(SigHash::Sha1);
        let hash_name = match hash {
            SigHash::Md2 => "MD2",
            SigHash::Md5 => "MD5",
            SigHash::Sha1 => "SHA-1",
            SigHash::Sha224 => "SHA-224",
            SigHash::Sha256 => "SHA-256",
            SigHash::Sha384 => "SHA-384",
            SigHash::Sha512 => "SHA-512",
            SigHash::None => "unknown hash",
        };
        return SignatureAlgorithm {
            name: format!("rsassaPss ({hash_name})"),
            oid,
            hash,
        };
    }
    let (name, hash) = oids::signature_algorithm(&oid)
        .map(|(n, h)| (n.to_string(), h))
        .unwrap_or_else(|| (oid.clone(), SigHash::None));
    SignatureAlgorithm { name, oid, hash }
}

fn eku_from_flags(eku: &x509_parser::extensions::ExtendedKeyUsage<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let flags = [
        (eku.any, oids::EKU_ANY),
        (eku.server_auth, oids::EKU_SERVER_AUTH),
        (eku.client_auth, oids::EKU_CLIENT_AUTH),
        (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
        (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
        (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
        (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
    ];
    for (set, oid) in flags {
        if set {
            out.push(oid.to_string());
        }
    }
    out.extend(eku.other.iter().map(crate::oids::dotted));
    out
}

fn san_entry(name: &GeneralName<'_>) -> SanEntry {
    match name {
        GeneralName::DNSName(s) => SanEntry::Dns(s.to_string()),
        GeneralName::RFC822Name(s) => SanEntry::Email(s.to_string()),
        GeneralName::URI(s) => SanEntry::Uri(s.to_string()),
        GeneralName::IPAddress(bytes) => match ip_from_bytes(bytes) {
            Some(ip) => SanEntry::Ip(ip.to_string()),
            None => SanEntry::Invalid(format!(
                "iPAddress of {} bytes ({})",
                bytes.len(),
                hex_lower(bytes)
            )),
        },
        GeneralName::DirectoryName(n) => SanEntry::DirectoryName(
            n.to_string_with_registry(oids::name_registry())
                .unwrap_or_else(|_| "<undecodable name>".into()),
        ),
        GeneralName::OtherName(oid, value) => SanEntry::OtherName(other_name(oid, value)),
        GeneralName::RegisteredID(oid) => SanEntry::RegisteredId(crate::oids::dotted(oid)),
        GeneralName::X400Address(_) => SanEntry::Invalid("x400Address".into()),
        GeneralName::EDIPartyName(_) => SanEntry::Invalid("ediPartyName".into()),
        GeneralName::Invalid(tag, data) => SanEntry::Invalid(format!(
            "undecodable entry with tag [{}] ({} bytes)",
            tag.0,
            data.len()
        )),
    }
}

/// otherName values pkiaudit understands: the Microsoft UPN (AD CS user
/// certificates for Windows IKEv2 clients).
fn other_name(oid: &Oid<'_>, value: &[u8]) -> String {
    let id = crate::oids::dotted(oid);
    if id == oids::MS_UPN {
        use x509_parser::asn1_rs::{Any, Utf8String};
        if let Ok((_, tagged)) = Any::from_der(value) {
            if let Ok((_, upn)) = Utf8String::from_der(tagged.data) {
                return format!("UPN:{}", upn.string());
            }
        }
    }
    format!("{id};{} bytes", value.len())
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

fn general_name_location(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::URI(u) => u.to_string(),
        other => san_entry(other).to_string(),
    }
}

/// Whole days from `from` to `to`, rounded toward zero: negative when `to`
/// is earlier. The one day count of every output (headline, findings,
/// JSON `days_left`): a certificate that expired 9 days and 20 hours ago
/// "expired 9 days ago" (−9); one that expires in 23 hours "expires today"
/// (0).
pub fn whole_days(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds() / 86_400
}

/// An x509-parser error in words: its Display names parser internals
/// (`Parsing Error: NomError(Eof)`), which tell an operator nothing.
fn der_words(e: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> String {
    let text = e.to_string();
    if matches!(e, x509_parser::nom::Err::Incomplete(_)) || text.contains("Eof") {
        "the data ends before the certificate does (truncated, or cut short when copied)"
            .to_string()
    } else if text.contains("UnexpectedTag") || text.contains("InvalidTag") {
        "the DER is not laid out as a certificate (an element has the wrong type)".to_string()
    } else if text.contains("InvalidLength") {
        "a DER length is wrong (the data is damaged)".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod hex_tests {
    /// The table writes what `{:02x}` / `{:02X}` write, and serials drop
    /// only DER's sign octet.
    #[test]
    fn hex_is_the_formatted_hex() {
        let all: Vec<u8> = (0..=255).collect();
        let lower: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex_lower(&all), lower);
        assert_eq!(super::hex_upper(&all), lower.to_ascii_uppercase());
        assert_eq!(super::hex_lower(&[]), "");
        assert_eq!(super::serial_hex(&[0x00, 0x80, 0x0a]), "800A");
        assert_eq!(super::serial_hex(&[0x00, 0x7f]), "007F");
    }
}
