//! Certificate revocation lists (RFC 5280 §5): parse once, look up in O(1).
//!
//! rustls-webpki rejects delta CRLs and re-checks the CRL signature on every
//! lookup (see `research/crates.md`), and AD CS publishes delta CRLs, so the
//! auditor keeps its own CRL model: a [`Crl`] is parsed once, one entry at
//! a time, into a compact table indexed by a keyed hash of the serial (as
//! a signed integer: 16 bytes a record, the serial bytes in one arena, plus
//! the index), [`Crl::verify`] checks issuer name, KU cRLSign
//! ([`Crl::check_issuer`]) and signature ([`Crl::verify_signature`], which
//! needs the DER: [`Crl::release_der`] drops it once the CRL has been
//! verified), [`Crl::scope_for`] says whether the CRL covers a certificate
//! and for which reasons (RFC 5280 §6.3.3 (b), (d)), [`Crl::freshness`]
//! judges thisUpdate/nextUpdate against the audit time (passed in, never
//! read), and [`status_with_delta`] combines a base CRL with a delta CRL
//! (§5.2.4). Who may sign a CRL is decided by the caller (`Revocation`).

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use der_parser::asn1_rs::{Length, ToDer};
use der_parser::der::{der_read_element_header, Header, Tag};
use x509_parser::asn1_rs::BitString;
use x509_parser::extensions::{
    CRLDistributionPoints, DistributionPointName, GeneralName, ParsedExtension,
};
use x509_parser::oid_registry::{
    OID_PKIX_AUTHORITY_INFO_ACCESS, OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER, OID_X509_EXT_CRL_NUMBER,
    OID_X509_EXT_DELTA_CRL_INDICATOR, OID_X509_EXT_FRESHEST_CRL, OID_X509_EXT_INVALIDITY_DATE,
    OID_X509_EXT_ISSUER, OID_X509_EXT_ISSUER_ALT_NAME, OID_X509_EXT_ISSUER_DISTRIBUTION_POINT,
    OID_X509_EXT_REASON_CODE,
};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::{CertificateRevocationList, RevokedCertificate};
use x509_parser::x509::AlgorithmIdentifier;

use super::same_name;
use crate::model::{dp_names, hex_lower, Certificate, DistributionPoint, DpName, KeyUsageBit};

/// The largest CRL DER accepted. Real CRLs of big CAs reach tens of MiB;
/// anything above this is refused before parsing so memory stays bounded.
pub const MAX_CRL_BYTES: usize = 64 * 1024 * 1024;

// The table stores serial arena offsets, serial lengths, entry and issuer
// indexes as u32: all are bounded by the DER size (each serial is a part of
// the DER, copied once), so the size limit keeps them in range.
const _: () = assert!(MAX_CRL_BYTES <= (u32::MAX / 2) as usize);

/// What [`Crl::verify_signature`] says after [`Crl::release_der`].
const RELEASED: &str = "the CRL's bytes are no longer in memory (released after it verified); fetch it again to verify it with another key";

/// How many distinct "unsupported" notes a CRL keeps (a broken CRL with a
/// million odd entries must not make a million strings).
const MAX_NOTES: usize = 16;

/// Why a CRL could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrlError {
    /// The bytes are not a DER CertificateList.
    #[error("{origin}: not a CRL: {reason}")]
    NotACrl { origin: String, reason: String },
    /// The DER (or the PEM text) is larger than [`MAX_CRL_BYTES`].
    #[error("{origin}: CRL is {size} bytes, more than the {max} byte limit", max = MAX_CRL_BYTES)]
    TooLarge { origin: String, size: usize },
    /// Bytes follow the CertificateList.
    #[error("{origin}: {extra} bytes of trailing data after the CRL")]
    TrailingData { origin: String, extra: usize },
    /// PEM armour that does not decode, or no `X509 CRL` block in it.
    #[error("{origin}: PEM: {reason}")]
    Pem { origin: String, reason: String },
}

/// A revocation reason code (RFC 5280 §5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
    /// A code RFC 5280 does not define (7, or above 10).
    Other(u8),
}

impl Reason {
    pub fn from_code(code: u8) -> Reason {
        match code {
            0 => Reason::Unspecified,
            1 => Reason::KeyCompromise,
            2 => Reason::CaCompromise,
            3 => Reason::AffiliationChanged,
            4 => Reason::Superseded,
            5 => Reason::CessationOfOperation,
            6 => Reason::CertificateHold,
            8 => Reason::RemoveFromCrl,
            9 => Reason::PrivilegeWithdrawn,
            10 => Reason::AaCompromise,
            other => Reason::Other(other),
        }
    }

    /// The RFC 5280 ASN.1 name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::CaCompromise => "cACompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
            Reason::CertificateHold => "certificateHold",
            Reason::RemoveFromCrl => "removeFromCRL",
            Reason::PrivilegeWithdrawn => "privilegeWithdrawn",
            Reason::AaCompromise => "aACompromise",
            Reason::Other(_) => "unknown",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Other(code) => write!(f, "unknown reason code {code}"),
            known => f.write_str(known.as_str()),
        }
    }
}

/// One revoked-certificate entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Revoked {
    pub time: DateTime<Utc>,
    pub reason: Option<Reason>,
    /// invalidityDate (§5.3.2): when the key is known or suspected to have
    /// been compromised, which may be before `time`.
    pub invalidity: Option<DateTime<Utc>>,
}

impl Revoked {
    /// certificateHold: revoked for now, may be released by removeFromCRL.
    pub fn on_hold(&self) -> bool {
        self.reason == Some(Reason::CertificateHold)
    }
}

/// thisUpdate/nextUpdate judged against the audit time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Freshness {
    Fresh,
    /// thisUpdate (`Crl::this_update`) is after the audit time (clock skew
    /// or a wrong `--at`).
    NotYetValid,
    /// nextUpdate has passed: a newer CRL should exist.
    Stale {
        since: DateTime<Utc>,
    },
    /// No nextUpdate (RFC 5280 §5.1.2.5 says conforming CAs include it).
    NoNextUpdate,
}

/// Issuing Distribution Point scope (§5.2.5): what the scope checks of
/// §6.3.3 (b) compare with the certificate ([`Crl::scope_for`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Scope {
    pub only_user_certs: bool,
    pub only_ca_certs: bool,
    pub only_attribute_certs: bool,
    pub only_some_reasons: bool,
    pub indirect: bool,
    /// The distributionPoint names, as text.
    pub distribution_points: Vec<String>,
    /// onlySomeReasons: ReasonFlags bits (bit n for reason code n); `None`
    /// when absent (all reasons).
    pub reasons: Option<u16>,
    /// The distributionPoint names; a nameRelativeToCRLIssuer made a full
    /// name with the CRL issuer's (§5.2.5).
    #[serde(skip)]
    pub names: Vec<DpName>,
}

/// Every reason of ReasonFlags (RFC 5280 §4.2.1.13) but `unused` (bit 0):
/// the "all-reasons" of §6.3.
pub const ALL_REASONS: u16 = 0x1FE;

/// The ReasonFlags names of the bits of `mask` (§4.2.1.13), in bit order.
pub fn reason_names(mask: u16) -> Vec<&'static str> {
    const NAMES: [&str; 9] = [
        "unused",
        "keyCompromise",
        "cACompromise",
        "affiliationChanged",
        "superseded",
        "cessationOfOperation",
        "certificateHold",
        "privilegeWithdrawn",
        "aACompromise",
    ];
    NAMES
        .iter()
        .enumerate()
        .filter(|(bit, _)| mask & (1 << bit) != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// URIs compared as RFC 3986 §6.2.2.1 says: the scheme and the host
/// without regard to case, the rest octet for octet.
pub fn same_uri(a: &str, b: &str) -> bool {
    fn key(uri: &str) -> String {
        let Some((scheme, rest)) = uri.split_once(':') else {
            return uri.to_string();
        };
        let mut out = scheme.to_ascii_lowercase();
        out.push(':');
        match rest.strip_prefix("//") {
            Some(after) => {
                let end = after.find(['/', '?', '#']).unwrap_or(after.len());
                let (authority, tail) = after.split_at(end);
                // userinfo@host:port; only the host (and the port's
                // digits, which have no case) is case-insensitive.
                let (userinfo, host) = match authority.rfind('@') {
                    Some(at) => authority.split_at(at),
                    None => ("", authority),
                };
                out.push_str("//");
                out.push_str(userinfo);
                out.push_str(&host.to_ascii_lowercase());
                out.push_str(tail);
            }
            None => out.push_str(rest),
        }
        out
    }
    key(a) == key(b)
}

/// Whether two distribution point names are the same name (§6.3.3 (b)).
fn same_dp_name(a: &DpName, b: &DpName) -> bool {
    match (a, b) {
        (DpName::Uri(x), DpName::Uri(y)) => same_uri(x, y),
        (DpName::DirectoryName { der: x, .. }, DpName::DirectoryName { der: y, .. }) => {
            same_name(x, y)
        }
        (DpName::Other(x), DpName::Other(y)) => x == y,
        _ => false,
    }
}

fn list_names(names: &[DpName]) -> String {
    names
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One parsed CRL, ready for O(1) lookups.
#[derive(Clone)]
pub struct Crl {
    /// File path or URL it came from.
    pub source: String,
    /// DER issuer name.
    pub issuer_raw: Vec<u8>,
    pub issuer_text: String,
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    /// CRL Number (§5.2.3), upper-case hex.
    pub crl_number: Option<String>,
    /// Delta CRL Indicator: the base CRL number (hex), RFC 5280 §5.2.4.
    pub delta_of: Option<String>,
    /// Freshest CRL (delta CRL locations), §5.2.6.
    pub freshest: Vec<String>,
    /// Issuing Distribution Point, if present.
    pub scope: Option<Scope>,
    /// AKI keyIdentifier (lower hex), to explain a signature failure.
    pub authority_key_id: Option<String>,
    /// signatureAlgorithm OID (dotted).
    pub signature_oid: String,
    /// Number of entries in revokedCertificates (duplicates included).
    pub entries: usize,
    /// Things this code does not handle that make the CRL unusable (unknown
    /// critical extensions, indirect-CRL entries). [`Crl::check_issuer`]
    /// (and so [`Crl::verify`]) fails when this is not empty (RFC 5280
    /// §5.2, §5.3).
    pub unsupported: Vec<String>,
    /// The CRL as read, for [`Crl::verify_signature`]; `None` after
    /// [`Crl::release_der`].
    der: Option<Arc<[u8]>>,
    crl_number_raw: Option<Vec<u8>>,
    delta_of_raw: Option<Vec<u8>>,
    /// The entries, for the CRL issuer's certificates and (indirect CRL)
    /// for `other_issuers`'.
    table: Table,
    /// An indirect CRL's other certificate issuers (§5.3.3 certificateIssuer),
    /// DER names; an entry's issuer is its index here.
    other_issuers: Vec<Vec<u8>>,
}

impl fmt::Debug for Crl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crl")
            .field("source", &self.source)
            .field("issuer", &self.issuer_text)
            .field("this_update", &self.this_update)
            .field("next_update", &self.next_update)
            .field("crl_number", &self.crl_number)
            .field("delta_of", &self.delta_of)
            .field("entries", &self.entries)
            .field("unsupported", &self.unsupported)
            .finish_non_exhaustive()
    }
}

impl Crl {
    /// Parse a DER CertificateList. The whole input must be the CRL.
    ///
    /// x509-parser would hold every entry at once (a `BigUint` and a `Vec`
    /// of extensions each, several hundred bytes an entry), so the CRL is
    /// parsed in two steps: x509-parser reads it without its entries (the
    /// header: version, signature, issuer, times, extensions), then the
    /// entries are read one at a time with `RevokedCertificate::from_der`,
    /// each stored in the table and dropped. The parse needs the table and
    /// a copy of the DER, and a constant amount besides.
    pub fn from_der(der: &[u8], source: &str) -> Result<Crl, CrlError> {
        Self::parse(der, source, Keys::random())
    }

    /// [`Crl::from_der`] with the index keys from `keys`.
    fn parse(der: &[u8], source: &str, keys: Keys) -> Result<Crl, CrlError> {
        if der.len() > MAX_CRL_BYTES {
            return Err(CrlError::TooLarge {
                origin: source.to_string(),
                size: der.len(),
            });
        }
        let not_a_crl = |reason: String| CrlError::NotACrl {
            origin: source.to_string(),
            reason,
        };
        let layout = Layout::of(der).map_err(not_a_crl)?;
        let mut out = {
            let (header_der, fields_at) = layout.without_entries().map_err(not_a_crl)?;
            let (_, crl) = CertificateRevocationList::from_der(&header_der)
                .map_err(|e| not_a_crl(e.to_string()))?;
            layout
                .check_parsed(&header_der, fields_at, &crl)
                .map_err(not_a_crl)?;
            Self::from_header(&crl, source, keys)
        };
        if let Some(mut list) = layout.revoked {
            let (entries, serial_bytes) = Layout::sizes(list);
            out.table.reserve(entries, serial_bytes);
            let indirect = out.is_indirect();
            // §5.3.3: in an indirect CRL an entry without certificateIssuer
            // belongs to the issuer of the entry before it, the first one to
            // the CRL issuer. `None` is the CRL issuer.
            let mut current: Option<usize> = None;
            // As x509-parser reads revokedCertificates (SEQUENCE OF, all
            // of the content): an entry that does not parse is an error.
            while !list.is_empty() {
                let n = out.entries + 1;
                let (rest, entry) = RevokedCertificate::from_der(list)
                    .map_err(|e| not_a_crl(format!("revokedCertificates entry {n}: {e}")))?;
                if rest.len() >= list.len() {
                    return Err(not_a_crl(format!("revokedCertificates entry {n} is empty")));
                }
                out.add_entry(&entry, &mut current, indirect);
                list = rest;
            }
        }
        if !layout.trailing.is_empty() {
            return Err(CrlError::TrailingData {
                origin: source.to_string(),
                extra: layout.trailing.len(),
            });
        }
        // verify_signature() re-splits the DER to find the signed bytes;
        // make sure the split agrees with der-parser's framing (which
        // x509-parser parsed), so the signature covers exactly the entries
        // in the table.
        match split_signed(der) {
            Some((tbs, _, _)) if tbs == layout.tbs => {}
            _ => return Err(not_a_crl("CertificateList is not DER-framed".into())),
        }
        out.finish(der);
        Ok(out)
    }

    /// PEM (`-----BEGIN X509 CRL-----`, text around it is ignored) or DER.
    pub fn from_pem_or_der(bytes: &[u8], source: &str) -> Result<Crl, CrlError> {
        let trimmed = trim_ascii_start(bytes);
        if !trimmed.starts_with(b"-----BEGIN") && find(bytes, b"-----BEGIN X509 CRL-----").is_none()
        {
            return Self::from_der(bytes, source);
        }
        // Base64 is 4/3 of the DER plus line breaks: refuse before decoding.
        if bytes.len() > MAX_CRL_BYTES / 3 * 4 + MAX_CRL_BYTES / 32 + 4096 {
            return Err(CrlError::TooLarge {
                origin: source.to_string(),
                size: bytes.len(),
            });
        }
        let start = find(bytes, b"-----BEGIN X509 CRL-----").ok_or_else(|| CrlError::Pem {
            origin: source.to_string(),
            reason: "no X509 CRL block".into(),
        })?;
        let block = pem::parse(&bytes[start..]).map_err(|e| CrlError::Pem {
            origin: source.to_string(),
            reason: e.to_string(),
        })?;
        Self::from_der(block.contents(), source)
    }

    /// The CRL's fields but no entries (`crl` is parsed without them, see
    /// [`Crl::from_der`]): add them with [`Crl::add_entry`], then
    /// [`Crl::finish`].
    fn from_header(crl: &CertificateRevocationList<'_>, source: &str, keys: Keys) -> Crl {
        let tbs = &crl.tbs_cert_list;
        let mut out = Crl {
            source: source.to_string(),
            issuer_raw: tbs.issuer.as_raw().to_vec(),
            issuer_text: tbs
                .issuer
                .to_string_with_registry(x509_parser::objects::oid_registry())
                .unwrap_or_else(|_| {
                    format!("<undecodable name, {} bytes>", tbs.issuer.as_raw().len())
                }),
            this_update: to_utc(tbs.this_update.timestamp()),
            next_update: tbs.next_update.map(|t| to_utc(t.timestamp())),
            crl_number: None,
            delta_of: None,
            freshest: Vec::new(),
            scope: None,
            authority_key_id: None,
            signature_oid: crl.signature_algorithm.algorithm.to_id_string(),
            entries: 0,
            unsupported: Vec::new(),
            der: None,
            crl_number_raw: None,
            delta_of_raw: None,
            table: Table::new(keys),
            other_issuers: Vec::new(),
        };
        out.read_extensions(crl);
        out
    }

    /// Stores one revokedCertificates entry. `current` is the issuer of
    /// the entry before (see [`Crl::parse`]); `indirect`, whether the CRL
    /// is indirect.
    fn add_entry(
        &mut self,
        entry: &RevokedCertificate<'_>,
        current: &mut Option<usize>,
        indirect: bool,
    ) {
        self.entries += 1;
        let mut revoked = Revoked {
            time: to_utc(entry.revocation_date.timestamp()),
            reason: None,
            invalidity: None,
        };
        for ext in entry.extensions() {
            match &ext.parsed_extension() {
                ParsedExtension::ReasonCode(code) => {
                    revoked.reason = Some(Reason::from_code(code.0))
                }
                ParsedExtension::InvalidityDate(t) => {
                    revoked.invalidity = Some(to_utc(t.timestamp()))
                }
                _ if ext.oid == OID_X509_EXT_ISSUER => {
                    // §5.3.3: this and the following entries belong to
                    // another CA. Only an indirect CRL may say so;
                    // anywhere else, reading them as this issuer's would
                    // revoke the wrong certificates.
                    if !indirect {
                        note(
                            &mut self.unsupported,
                            "an entry has a certificateIssuer extension, but the CRL is not marked indirect (IDP indirectCRL)".into(),
                        );
                        continue;
                    }
                    match directory_name(ext.value) {
                        Some(name) if same_name(&name, &self.issuer_raw) => *current = None,
                        Some(name) => {
                            *current = Some(
                                match self.other_issuers.iter().position(|n| same_name(n, &name)) {
                                    Some(i) => i,
                                    None => {
                                        self.other_issuers.push(name);
                                        self.other_issuers.len() - 1
                                    }
                                },
                            )
                        }
                        None => note(
                            &mut self.unsupported,
                            "a certificateIssuer extension without a directory name".into(),
                        ),
                    }
                }
                _ if ext.oid == OID_X509_EXT_REASON_CODE
                    || ext.oid == OID_X509_EXT_INVALIDITY_DATE =>
                {
                    // Known but malformed: keep the entry, note it.
                    note(
                        &mut self.unsupported,
                        format!("malformed entry extension {}", ext.oid.to_id_string()),
                    );
                }
                _ if ext.critical => note(
                    &mut self.unsupported,
                    format!(
                        "unknown critical entry extension {}",
                        ext.oid.to_id_string()
                    ),
                ),
                _ => {}
            }
        }
        // A serial listed twice: the first entry wins (`Table::index`
        // keeps the earliest listing; CAs that do this list the same
        // revocation twice).
        let issuer = current.map_or(CRL_ISSUER, |i| i as u32);
        self.table
            .push(issuer, serial_key(entry.raw_serial()), &revoked);
    }

    /// Keeps `der` (the CRL the entries were read from) for
    /// [`Crl::verify_signature`] and indexes the entries.
    fn finish(&mut self, der: &[u8]) {
        self.der = Some(Arc::from(der));
        self.table.index();
    }

    fn read_extensions(&mut self, crl: &CertificateRevocationList<'_>) {
        for ext in crl.tbs_cert_list.extensions() {
            match &ext.parsed_extension() {
                ParsedExtension::CRLNumber(n) => {
                    let raw = n.to_bytes_be();
                    self.crl_number = Some(upper_hex(&raw));
                    self.crl_number_raw = Some(raw);
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    self.authority_key_id = aki.key_identifier.as_ref().map(|k| hex_lower(k.0));
                }
                ParsedExtension::IssuingDistributionPoint(idp) => {
                    let names = idp
                        .distribution_point
                        .as_ref()
                        .map(|n| dp_names(n, &self.issuer_raw))
                        .unwrap_or_default();
                    // A CRL partitioned by reason (onlySomeReasons) covers
                    // part of the reasons only: `scope_for` says which, and
                    // `Revocation` collects partitions until every reason
                    // is covered (§6.3.3 (d), (k)).
                    self.scope = Some(Scope {
                        only_user_certs: idp.only_contains_user_certs,
                        only_ca_certs: idp.only_contains_ca_certs,
                        only_attribute_certs: idp.only_contains_attribute_certs,
                        only_some_reasons: idp.only_some_reasons.is_some(),
                        indirect: idp.indirect_crl,
                        distribution_points: names.iter().map(|n| n.to_string()).collect(),
                        reasons: idp.only_some_reasons.as_ref().map(|r| r.flags & 0x1ff),
                        names,
                    });
                }
                _ if ext.oid == OID_X509_EXT_DELTA_CRL_INDICATOR => {
                    // BaseCRLNumber ::= CRLNumber, an INTEGER; x509-parser
                    // leaves it unparsed.
                    match der_unsigned_integer(ext.value) {
                        Some(raw) => {
                            self.delta_of = Some(upper_hex(&raw));
                            self.delta_of_raw = Some(raw);
                        }
                        None => note(
                            &mut self.unsupported,
                            "malformed Delta CRL Indicator".into(),
                        ),
                    }
                }
                _ if ext.oid == OID_X509_EXT_FRESHEST_CRL => {
                    // Same syntax as CRL Distribution Points (§5.2.6).
                    match CRLDistributionPoints::from_der(ext.value) {
                        Ok((_, points)) => {
                            for point in points.iter() {
                                if let Some(DistributionPointName::FullName(names)) =
                                    &point.distribution_point
                                {
                                    self.freshest.extend(names.iter().map(general_name_text));
                                }
                            }
                        }
                        Err(_) if ext.critical => {
                            note(&mut self.unsupported, "malformed Freshest CRL".into())
                        }
                        Err(_) => {}
                    }
                }
                _ if ext.critical
                    && !(ext.oid == OID_X509_EXT_CRL_NUMBER
                        || ext.oid == OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER
                        || ext.oid == OID_X509_EXT_ISSUER_ALT_NAME
                        || ext.oid == OID_X509_EXT_ISSUER_DISTRIBUTION_POINT
                        || ext.oid == OID_PKIX_AUTHORITY_INFO_ACCESS) =>
                {
                    note(
                        &mut self.unsupported,
                        format!("unknown critical CRL extension {}", ext.oid.to_id_string()),
                    );
                }
                // A recognised critical extension that failed to parse
                // (e.g. a malformed IDP): its meaning is unknown.
                ParsedExtension::UnsupportedExtension { .. }
                | ParsedExtension::ParseError { .. }
                    if ext.critical =>
                {
                    note(
                        &mut self.unsupported,
                        format!(
                            "malformed critical CRL extension {}",
                            ext.oid.to_id_string()
                        ),
                    );
                }
                _ => {}
            }
        }
    }

    /// The CRL as it was read (DER); empty after [`Crl::release_der`].
    pub fn der(&self) -> &[u8] {
        self.der.as_deref().unwrap_or_default()
    }

    /// Whether the DER is still held, so [`Crl::verify_signature`] can run.
    pub fn has_der(&self) -> bool {
        self.der.is_some()
    }

    /// Drops the CRL's DER (about half of what a parsed CRL holds): the
    /// lookups, [`Crl::check_issuer`] and [`Crl::freshness`] keep working;
    /// [`Crl::verify_signature`] (and so [`Crl::verify`]) fails from now
    /// on. For once its signature has been checked.
    pub fn release_der(&mut self) {
        self.der = None;
    }

    /// Distinct serials of the CRL issuer's certificates (for an indirect
    /// CRL, other issuers' entries are not counted).
    pub fn distinct_serials(&self) -> usize {
        self.table.direct
    }

    /// This CRL's number against `other`'s (§5.2.3; a CRL without one is
    /// older than any with one).
    pub fn cmp_number(&self, other: &Crl) -> std::cmp::Ordering {
        match (&self.crl_number_raw, &other.crl_number_raw) {
            (Some(a), Some(b)) => cmp_magnitude(a, b),
            (a, b) => a.is_some().cmp(&b.is_some()),
        }
    }

    /// Whether this is a delta CRL (has a Delta CRL Indicator).
    pub fn is_delta(&self) -> bool {
        self.delta_of.is_some()
    }

    /// Signature and issuer: [`Crl::check_issuer`], then
    /// [`Crl::verify_signature`].
    pub fn verify(&self, issuer: &Certificate) -> Result<(), String> {
        self.check_issuer(issuer)?;
        self.verify_signature(issuer)
    }

    /// The checks of [`Crl::verify`] that do not need the DER: the CRL's
    /// issuer name equals the certificate issuer's subject (DER equality),
    /// the issuer's KU (if present) has cRLSign (§4.2.1.3), and the CRL has
    /// nothing this code cannot honour (`unsupported` is empty).
    pub fn check_issuer(&self, issuer: &Certificate) -> Result<(), String> {
        if !same_name(&self.issuer_raw, &issuer.subject.raw) {
            return Err(format!(
                "CRL issuer \"{}\" is not the subject of the issuing CA \"{}\"",
                self.issuer_text, issuer.subject.text
            ));
        }
        if let Some(ku) = &issuer.key_usage {
            if !ku.has(KeyUsageBit::CrlSign) {
                return Err(format!(
                    "issuing CA \"{}\" has Key Usage [{}] without cRLSign, so it may not sign CRLs",
                    issuer.subject.text,
                    ku.names().join(", ")
                ));
            }
        }
        if !self.unsupported.is_empty() {
            return Err(format!(
                "CRL cannot be used: {}",
                self.unsupported.join("; ")
            ));
        }
        Ok(())
    }

    /// The signature over tbsCertList verifies with `issuer`'s key. Needs
    /// the DER: an error after [`Crl::release_der`]. Does not check the
    /// issuer's name or KU ([`Crl::check_issuer`]).
    pub fn verify_signature(&self, issuer: &Certificate) -> Result<(), String> {
        let der = self.der.as_deref().ok_or(RELEASED)?;
        let (_, ca) = x509_parser::certificate::X509Certificate::from_der(&issuer.der)
            .map_err(|e| format!("issuing CA certificate does not parse: {e}"))?;
        let (tbs, alg_der, sig_der) =
            split_signed(der).ok_or("CRL is not DER-framed (checked at parse)")?;
        let (_, alg) = AlgorithmIdentifier::from_der(alg_der)
            .map_err(|e| format!("CRL signature algorithm does not parse: {e}"))?;
        let (_, sig) = BitString::from_der(sig_der)
            .map_err(|e| format!("CRL signature does not parse: {e}"))?;
        x509_parser::verify::verify_signature(
            &ca.tbs_certificate.subject_pki,
            &alg,
            &sig,
            tbs,
        )
        .map_err(|e| {
            let mut msg = format!(
                "CRL signature ({}) does not verify with the key of \"{}\": {e}",
                self.signature_oid, issuer.subject.text
            );
            if let (Some(aki), Some(ski)) = (&self.authority_key_id, &issuer.subject_key_id) {
                if aki != ski {
                    msg.push_str(&format!(
                        "; the CRL's authority key id {aki} differs from the CA's subject key id {ski} (another key of the same CA name?)"
                    ));
                }
            }
            msg
        })
    }

    /// Serials compared as the signed INTEGERs they are (RFC 5280
    /// §4.1.2.2): redundant leading octets (0x00 before an octet below
    /// 0x80, 0xFF before one of 0x80 or more) do not matter, the sign does:
    /// 00 01 == 01, 00 00 FF == 00 FF (+255), but 00 FF != FF (−1). For
    /// certificates of the CRL issuer; see [`Crl::lookup_issued_by`] for
    /// indirect CRLs. O(1): one keyed hash of the serial, one probe of the
    /// index.
    pub fn lookup(&self, serial_raw: &[u8]) -> Option<Revoked> {
        self.table.get(CRL_ISSUER, serial_key(serial_raw))
    }

    /// The entry for the certificate with `serial_raw` issued by
    /// `issuer_raw` (DER name): the CRL issuer's own, or, in an indirect
    /// CRL, another CA's listed under a certificateIssuer (§5.3.3).
    pub fn lookup_issued_by(&self, issuer_raw: &[u8], serial_raw: &[u8]) -> Option<Revoked> {
        if same_name(issuer_raw, &self.issuer_raw) {
            return self.lookup(serial_raw);
        }
        let i = self
            .other_issuers
            .iter()
            .position(|n| same_name(n, issuer_raw))?;
        self.table.get(i as u32, serial_key(serial_raw))
    }

    /// Whether the CRL is indirect (IDP indirectCRL): it may list other
    /// CAs' certificates and be signed by a CRL issuer that is not their CA.
    pub fn is_indirect(&self) -> bool {
        self.scope.as_ref().is_some_and(|s| s.indirect)
    }

    /// RFC 5280 §6.3.3 (b) and (d): whether this CRL covers `cert` for its
    /// distribution point `dp` (one of the certificate's, or, `implied`,
    /// the one §6.3 implies from its issuer's name when it names none or
    /// none of its own answered), and if so the reasons it covers for it
    /// (interim_reasons_mask: the DP's reasons and the IDP's
    /// onlySomeReasons, each all reasons when absent). `Err` says why the
    /// CRL is out of scope; such a CRL never answers.
    pub fn scope_for(
        &self,
        cert: &Certificate,
        dp: &DistributionPoint,
        implied: bool,
    ) -> Result<u16, String> {
        // (b)(1): the CRL issuer is the DP's cRLIssuer (then the CRL must be
        // indirect), else the certificate's issuer.
        if dp.crl_issuer.is_empty() {
            if !same_name(&self.issuer_raw, &cert.issuer.raw) {
                return Err(format!(
                    "the CRL is issued by \"{}\", the certificate by \"{}\"",
                    self.issuer_text, cert.issuer.text
                ));
            }
        } else {
            let named = dp.crl_issuer.iter().any(|n| match n {
                DpName::DirectoryName { der, .. } => same_name(der, &self.issuer_raw),
                _ => false,
            });
            if !named {
                return Err(format!(
                    "the CRL is issued by \"{}\", the certificate's distribution point names the CRL issuer {}",
                    self.issuer_text,
                    list_names(&dp.crl_issuer)
                ));
            }
            if !self.is_indirect() {
                return Err(format!(
                    "the certificate's distribution point names the CRL issuer \"{}\", but its CRL is not marked indirect (IDP indirectCRL)",
                    self.issuer_text
                ));
            }
        }
        let Some(scope) = &self.scope else {
            return Ok(dp.reasons.unwrap_or(ALL_REASONS) & ALL_REASONS);
        };
        // (b)(2)(i): one of the IDP's names is one of the DP's (or, when
        // the DP has no name, of its cRLIssuer's).
        if !scope.names.is_empty() {
            let (theirs, what) = match &dp.names {
                Some(names) if implied => (
                    names.as_slice(),
                    "implied distribution point (RFC 5280 §6.3: its issuer's name) is",
                ),
                Some(names) => (names.as_slice(), "distribution point is"),
                None => (
                    dp.crl_issuer.as_slice(),
                    "distribution point has no name; its cRLIssuer is",
                ),
            };
            let matched = scope
                .names
                .iter()
                .any(|a| theirs.iter().any(|b| same_dp_name(a, b)));
            if !matched {
                return Err(format!(
                    "the CRL's Issuing Distribution Point names {}, the certificate's {what} {}",
                    list_names(&scope.names),
                    list_names(theirs)
                ));
            }
        }
        // (b)(2)(ii)-(iv)
        let ca = cert.asserts_ca();
        if scope.only_user_certs && ca {
            return Err("the CRL lists end-entity certificates only (IDP onlyContainsUserCerts), and the certificate is a CA (basicConstraints cA)".into());
        }
        if scope.only_ca_certs && !ca {
            return Err("the CRL lists CA certificates only (IDP onlyContainsCACerts), and the certificate is not a CA".into());
        }
        if scope.only_attribute_certs {
            return Err(
                "the CRL lists attribute certificates only (IDP onlyContainsAttributeCerts)".into(),
            );
        }
        // (d)
        Ok(dp.reasons.unwrap_or(ALL_REASONS) & scope.reasons.unwrap_or(ALL_REASONS) & ALL_REASONS)
    }

    /// thisUpdate in the future / nextUpdate passed, relative to `at`.
    pub fn freshness(&self, at: DateTime<Utc>) -> Freshness {
        if self.this_update > at {
            return Freshness::NotYetValid;
        }
        match self.next_update {
            None => Freshness::NoNextUpdate,
            Some(next) if at > next => Freshness::Stale { since: next },
            Some(_) => Freshness::Fresh,
        }
    }
}

/// Base + delta (RFC 5280 §5.2.4, §5.3.1 removeFromCRL): the status of a
/// serial. `Ok(None)` is "not revoked"; an entry whose reason is
/// certificateHold is "revoked (on hold)" ([`Revoked::on_hold`]).
///
/// The delta must carry a Delta CRL Indicator, have the same issuer, and fit
/// the base: BaseCRLNumber <= base CRL number < delta CRL number. An entry
/// with removeFromCRL in the delta un-revokes (un-holds) a base entry.
/// Signatures and freshness are not checked here: call [`Crl::verify`] and
/// [`Crl::freshness`] on both.
pub fn status_with_delta(
    base: &Crl,
    delta: Option<&Crl>,
    serial_raw: &[u8],
) -> Result<Option<Revoked>, String> {
    status_for(base, delta, &base.issuer_raw, serial_raw)
}

/// [`status_with_delta`] for a certificate issued by `issuer_raw` (DER
/// name), which an indirect CRL may list under a certificateIssuer.
pub fn status_for(
    base: &Crl,
    delta: Option<&Crl>,
    issuer_raw: &[u8],
    serial_raw: &[u8],
) -> Result<Option<Revoked>, String> {
    if base.is_delta() {
        return Err(format!(
            "{} is a delta CRL (of base CRL number {}), not a complete CRL",
            base.source,
            base.delta_of.as_deref().unwrap_or("?")
        ));
    }
    if let Some(delta) = delta {
        check_delta_fits(base, delta)?;
        if let Some(entry) = delta.lookup_issued_by(issuer_raw, serial_raw) {
            return Ok(match entry.reason {
                Some(Reason::RemoveFromCrl) => None,
                _ => Some(entry),
            });
        }
    }
    Ok(base
        .lookup_issued_by(issuer_raw, serial_raw)
        .filter(|e| e.reason != Some(Reason::RemoveFromCrl)))
}

/// `Table`'s issuer index for entries of the CRL issuer's own certificates
/// (other issuers of an indirect CRL are `0..other_issuers.len()`).
const CRL_ISSUER: u32 = u32::MAX;

/// One revoked entry: 16 bytes. The serial's magnitude (`serial_key`) is
/// `serial_len` bytes at `serial_at` in `Table::serials`.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// revocationDate, Unix seconds.
    time: i64,
    serial_at: u32,
    /// `u16::MAX`: the length is in `Table::long_serials`.
    serial_len: u16,
    /// The reasonCode, if `HAS_REASON`.
    reason: u8,
    flags: u8,
}

const _: () = assert!(std::mem::size_of::<Record>() == 16);

const HAS_REASON: u8 = 1;
/// The invalidityDate is in `Table::invalidity`.
const HAS_INVALIDITY: u8 = 2;

/// A 64-bit keyed hash of (issuer index, serial magnitude), stored as two
/// u32 so an index slot (`Key`, u32) takes 12 bytes instead of 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key([u32; 2]);

impl Key {
    fn new(hash: u64) -> Key {
        Key([(hash >> 32) as u32, hash as u32])
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64((u64::from(self.0[0]) << 32) | u64::from(self.0[1]));
    }
}

/// The hasher of the index: its keys are already keyed hashes, so it
/// passes them through.
#[derive(Clone, Copy, Default)]
struct PreHashed;

struct PreHashedHasher(u64);

impl BuildHasher for PreHashed {
    type Hasher = PreHashedHasher;
    fn build_hasher(&self) -> PreHashedHasher {
        PreHashedHasher(0)
    }
}

impl Hasher for PreHashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    /// Not reached (`Key` writes one u64); mixes anyway rather than panic.
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
}

/// How index keys are computed: SipHash with keys random per CRL (per
/// process and per `RandomState`), so a CRL's author cannot choose serials
/// that collide and turn lookups into scans.
#[derive(Clone)]
enum Keys {
    Random(RandomState),
    /// Tests: every serial gets the same key, so every entry after the
    /// first goes through the collision path.
    #[cfg(test)]
    Constant,
}

impl Keys {
    fn random() -> Keys {
        Keys::Random(RandomState::new())
    }

    fn key(&self, issuer: u32, serial: &[u8]) -> Key {
        match self {
            Keys::Random(state) => Key::new(state.hash_one((issuer, serial))),
            #[cfg(test)]
            Keys::Constant => Key::new(0x5eed),
        }
    }
}

/// A CRL's entries, compact: a 16-byte [`Record`] each, the serials back
/// to back in one arena, and an O(1) index from the keyed 64-bit hash of
/// (issuer, serial) to the record. Keys that collide (different entries,
/// same 64-bit hash) are told apart by comparing the serials; all but the
/// first are listed in `overflow`.
#[derive(Clone)]
struct Table {
    records: Vec<Record>,
    /// Issuer index of each record; empty while all are `CRL_ISSUER`'s (a
    /// CRL that is not indirect never has any other).
    issuers: Vec<u32>,
    /// The records' serials (`serial_key`s), in record order.
    serials: Vec<u8>,
    /// Serial lengths of `u16::MAX` octets or more, by record.
    long_serials: HashMap<u32, u32>,
    /// invalidityDate by record (rare).
    invalidity: HashMap<u32, DateTime<Utc>>,
    index: HashMap<Key, u32, PreHashed>,
    /// Further records whose key is in `index` for another entry (a 64-bit
    /// collision).
    overflow: HashMap<Key, Vec<u32>, PreHashed>,
    keys: Keys,
    /// Distinct (indexed) entries of `CRL_ISSUER`.
    direct: usize,
}

impl Table {
    fn new(keys: Keys) -> Table {
        Table {
            records: Vec::new(),
            issuers: Vec::new(),
            serials: Vec::new(),
            long_serials: HashMap::new(),
            invalidity: HashMap::new(),
            index: HashMap::with_hasher(PreHashed),
            overflow: HashMap::with_hasher(PreHashed),
            keys,
            direct: 0,
        }
    }

    /// Room for `entries` more records with `serial_bytes` of serials.
    fn reserve(&mut self, entries: usize, serial_bytes: usize) {
        self.records.reserve_exact(entries);
        self.serials.reserve_exact(serial_bytes);
    }

    /// Records the entry for `serial` (a `serial_key`) issued by `issuer`.
    /// Not found by [`Table::get`] until [`Table::index`].
    fn push(&mut self, issuer: u32, serial: &[u8], revoked: &Revoked) {
        let at = self.records.len() as u32;
        let serial_at = self.serials.len() as u32;
        self.serials.extend_from_slice(serial);
        let serial_len = match u16::try_from(serial.len()) {
            Ok(len) if len < u16::MAX => len,
            _ => {
                self.long_serials.insert(at, serial.len() as u32);
                u16::MAX
            }
        };
        let mut flags = 0;
        if let Some(t) = revoked.invalidity {
            flags |= HAS_INVALIDITY;
            self.invalidity.insert(at, t);
        }
        let reason = match revoked.reason {
            Some(reason) => {
                flags |= HAS_REASON;
                reason_code(reason)
            }
            None => 0,
        };
        self.records.push(Record {
            time: revoked.time.timestamp(),
            serial_at,
            serial_len,
            reason,
            flags,
        });
        if issuer != CRL_ISSUER || !self.issuers.is_empty() {
            self.issuers.resize(at as usize, CRL_ISSUER);
            self.issuers.push(issuer);
        }
    }

    /// Indexes the entries pushed so far. A serial of an issuer listed
    /// twice: the first entry wins, the later ones stay unindexed.
    fn index(&mut self) {
        self.records.shrink_to_fit();
        self.issuers.shrink_to_fit();
        self.serials.shrink_to_fit();
        let mut index = HashMap::with_capacity_and_hasher(self.records.len(), PreHashed);
        let mut overflow: HashMap<Key, Vec<u32>, PreHashed> = HashMap::with_hasher(PreHashed);
        let mut direct = 0;
        for i in 0..self.records.len() as u32 {
            let issuer = self.issuer_of(i);
            // Always there: `push` stored it.
            let Some(serial) = self.serial(i) else {
                continue;
            };
            let key = self.keys.key(issuer, serial);
            match index.get(&key) {
                None => {
                    index.insert(key, i);
                }
                Some(&first) => {
                    let chained = overflow.get(&key).map(Vec::as_slice);
                    let listed = std::iter::once(first)
                        .chain(chained.unwrap_or_default().iter().copied())
                        .any(|j| self.is(j, issuer, serial));
                    if listed {
                        continue;
                    }
                    overflow.entry(key).or_default().push(i);
                }
            }
            if issuer == CRL_ISSUER {
                direct += 1;
            }
        }
        self.index = index;
        self.overflow = overflow;
        self.direct = direct;
    }

    fn get(&self, issuer: u32, serial: &[u8]) -> Option<Revoked> {
        let key = self.keys.key(issuer, serial);
        let first = *self.index.get(&key)?;
        if self.is(first, issuer, serial) {
            return Some(self.revoked(first));
        }
        let found = self
            .overflow
            .get(&key)?
            .iter()
            .copied()
            .find(|&i| self.is(i, issuer, serial))?;
        Some(self.revoked(found))
    }

    /// Whether record `i` is the entry for `serial` of `issuer`.
    fn is(&self, i: u32, issuer: u32, serial: &[u8]) -> bool {
        self.issuer_of(i) == issuer && self.serial(i) == Some(serial)
    }

    fn issuer_of(&self, i: u32) -> u32 {
        self.issuers.get(i as usize).copied().unwrap_or(CRL_ISSUER)
    }

    /// Record `i`'s serial (a `serial_key`).
    fn serial(&self, i: u32) -> Option<&[u8]> {
        let record = self.records.get(i as usize)?;
        let len = match record.serial_len {
            u16::MAX => *self.long_serials.get(&i)? as usize,
            len => len as usize,
        };
        let at = record.serial_at as usize;
        self.serials.get(at..at.checked_add(len)?)
    }

    fn revoked(&self, i: u32) -> Revoked {
        let record = self.records[i as usize];
        Revoked {
            time: to_utc(record.time),
            reason: (record.flags & HAS_REASON != 0).then(|| Reason::from_code(record.reason)),
            invalidity: if record.flags & HAS_INVALIDITY != 0 {
                self.invalidity.get(&i).copied()
            } else {
                None
            },
        }
    }
}

/// The code [`Reason::from_code`] maps to `reason`.
fn reason_code(reason: Reason) -> u8 {
    match reason {
        Reason::Unspecified => 0,
        Reason::KeyCompromise => 1,
        Reason::CaCompromise => 2,
        Reason::AffiliationChanged => 3,
        Reason::Superseded => 4,
        Reason::CessationOfOperation => 5,
        Reason::CertificateHold => 6,
        Reason::RemoveFromCrl => 8,
        Reason::PrivilegeWithdrawn => 9,
        Reason::AaCompromise => 10,
        Reason::Other(code) => code,
    }
}

/// The directory name in a certificateIssuer extension value (GeneralNames,
/// §5.3.3), as DER.
fn directory_name(value: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::extensions::GeneralName;
    let (_, seq) = der_parser::der::parse_der_sequence_defined_g(|mut content, _| {
        let mut names = Vec::new();
        while !content.is_empty() {
            let (rest, name) = GeneralName::from_der(content)?;
            names.push(name);
            content = rest;
        }
        Ok((content, names))
    })(value)
    .ok()?;
    seq.into_iter().find_map(|n| match n {
        GeneralName::DirectoryName(dn) => Some(dn.as_raw().to_vec()),
        _ => None,
    })
}

/// Whether `delta` is a delta CRL that may be applied to `base` (RFC 5280
/// §5.2.4, §6.3.3 (c)): same issuer, same Issuing Distribution Point, same
/// authority key identifier, BaseCRLNumber <= base CRL number < delta CRL
/// number. Signatures and freshness are the caller's.
pub fn check_delta_fits(base: &Crl, delta: &Crl) -> Result<(), String> {
    let delta_of = delta.delta_of_raw.as_deref().ok_or_else(|| {
        format!(
            "{} has no Delta CRL Indicator, so it is not a delta CRL",
            delta.source
        )
    })?;
    if !same_name(&delta.issuer_raw, &base.issuer_raw) {
        return Err(format!(
            "delta CRL issuer \"{}\" differs from the base CRL issuer \"{}\"",
            delta.issuer_text, base.issuer_text
        ));
    }
    let base_number = base.crl_number_raw.as_deref().ok_or_else(|| {
        format!(
            "base CRL {} has no CRL Number, so no delta can be matched to it (§5.2.4)",
            base.source
        )
    })?;
    let delta_number = delta.crl_number_raw.as_deref().ok_or_else(|| {
        format!(
            "delta CRL {} has no CRL Number (required, §5.2.4)",
            delta.source
        )
    })?;
    let base_hex = base.crl_number.as_deref().unwrap_or("?");
    let delta_of_hex = delta.delta_of.as_deref().unwrap_or("?");
    if cmp_magnitude(delta_of, base_number).is_gt() {
        return Err(format!(
            "delta CRL {} applies to base CRL number {delta_of_hex} or later, but the base CRL {} is number {base_hex}",
            delta.source, base.source
        ));
    }
    if cmp_magnitude(delta_number, base_number).is_le() {
        return Err(format!(
            "delta CRL {} (number {}) is not newer than the base CRL {} (number {base_hex})",
            delta.source,
            delta.crl_number.as_deref().unwrap_or("?"),
            base.source
        ));
    }
    // §6.3.3 (c)(2): the same Issuing Distribution Point, or none on both.
    if delta.scope != base.scope {
        return Err(format!(
            "delta CRL {} and base CRL {} have different Issuing Distribution Points",
            delta.source, base.source
        ));
    }
    // §6.3.3 (c)(3): the same authority key identifier.
    if let (Some(d), Some(b)) = (&delta.authority_key_id, &base.authority_key_id) {
        if d != b {
            return Err(format!(
                "delta CRL {} has authority key id {d}, the base CRL {} has {b}",
                delta.source, base.source
            ));
        }
    }
    Ok(())
}

/// A serial INTEGER's content octets in their minimal (DER) form, so
/// that equal integers have equal keys and different ones different keys
/// (RFC 5280 §4.1.2.2: serials are INTEGERs, and may be negative in the
/// wild): a leading 0x00 before an octet below 0x80, and a leading 0xFF
/// before an octet of 0x80 or more, are redundant and dropped; the sign
/// stays, so 00 FF (+255) and FF (−1) differ.
pub(crate) fn serial_key(raw: &[u8]) -> &[u8] {
    let mut key = raw;
    while let [first, next, ..] = key {
        let redundant = (*first == 0x00 && *next < 0x80) || (*first == 0xFF && *next >= 0x80);
        if !redundant {
            break;
        }
        key = key.get(1..).unwrap_or_default();
    }
    key
}

/// The magnitude of a non-negative integer's octets (a CRL number, RFC 5280
/// §5.2.3): leading zero octets stripped.
fn magnitude(raw: &[u8]) -> &[u8] {
    let zeros = raw.iter().take_while(|b| **b == 0).count();
    raw.get(zeros..).unwrap_or_default()
}

fn cmp_magnitude(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (a, b) = (magnitude(a), magnitude(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn upper_hex(bytes: &[u8]) -> String {
    let digits = magnitude(bytes);
    if digits.is_empty() {
        "00".into()
    } else {
        hex_lower(digits).to_ascii_uppercase()
    }
}

fn note(notes: &mut Vec<String>, text: String) {
    if notes.len() < MAX_NOTES && !notes.contains(&text) {
        notes.push(text);
    }
}

fn to_utc(ts: i64) -> DateTime<Utc> {
    // ASN.1 times are bounded to years 0000..9999, always representable.
    DateTime::<Utc>::from_timestamp(ts, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn general_name_text(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::URI(u) => u.to_string(),
        GeneralName::DNSName(d) => d.to_string(),
        GeneralName::DirectoryName(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// A non-negative DER INTEGER (tag, length, content) → content octets.
fn der_unsigned_integer(value: &[u8]) -> Option<Vec<u8>> {
    let (tlv, content, rest) = split_tlv(value)?;
    if tlv.first() != Some(&0x02) || !rest.is_empty() || content.is_empty() {
        return None;
    }
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    Some(content.to_vec())
}

/// One DER TLV with a single-octet tag: (whole TLV, content, rest).
fn split_tlv(input: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for b in input.get(2..2 + n)? {
            len = (len << 8) | *b as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let tlv = input.get(..end)?;
    Some((tlv, tlv.get(header..)?, input.get(end..)?))
}

/// One DER element as der-parser frames it (its header parsing, which
/// x509-parser's parsers use): the header, then `content` and `rest`.
struct Element<'a> {
    header: Header<'a>,
    content: &'a [u8],
    rest: &'a [u8],
}

impl<'a> Element<'a> {
    /// The header only: what follows it is `content` (its length not
    /// checked: `rest` is empty).
    fn header(input: &'a [u8], what: &str) -> Result<Element<'a>, String> {
        let (after, header) = der_read_element_header(input).map_err(|e| format!("{what}: {e}"))?;
        Ok(Element {
            header,
            content: after,
            rest: &[],
        })
    }

    /// The header and the content its definite length gives.
    fn read(input: &'a [u8], what: &str) -> Result<Element<'a>, String> {
        let element = Element::header(input, what)?;
        let len = element
            .header
            .length()
            .definite()
            .map_err(|e| format!("{what}: {e}"))?;
        match (element.content.get(..len), element.content.get(len..)) {
            (Some(content), Some(rest)) => Ok(Element {
                content,
                rest,
                ..element
            }),
            _ => Err(format!(
                "{what}: {len} bytes of content, {} available",
                element.content.len()
            )),
        }
    }

    fn is(&self, tag: Tag) -> bool {
        self.header.tag() == tag
    }
}

/// Where the parts of a CertificateList are, found with der-parser's header
/// parsing only, mirroring the tag tests of x509-parser's
/// `TbsCertList::from_der` (which compares tag numbers only):
///
/// ```text
/// CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
/// TBSCertList ::= SEQUENCE {
///     version INTEGER OPTIONAL, signature AlgorithmIdentifier, issuer Name,
///     thisUpdate Time, nextUpdate Time OPTIONAL,
///     revokedCertificates SEQUENCE OF SEQUENCE { ... } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions OPTIONAL }
/// ```
struct Layout<'a> {
    outer: Header<'a>,
    tbs_header: Header<'a>,
    /// The whole tbsCertList element (the signed bytes).
    tbs: &'a [u8],
    /// tbsCertList content before revokedCertificates (all of it when
    /// there is none).
    before: &'a [u8],
    /// revokedCertificates' content (the entries), if present.
    revoked: Option<&'a [u8]>,
    /// tbsCertList content after revokedCertificates (crlExtensions).
    after: &'a [u8],
    /// CertificateList content after tbsCertList (signatureAlgorithm,
    /// signatureValue).
    signature: &'a [u8],
    /// Bytes after the CertificateList.
    trailing: &'a [u8],
    /// Where the issuer Name starts in `before`.
    issuer_at: usize,
    /// Whether a nextUpdate was found.
    next_update: bool,
}

impl<'a> Layout<'a> {
    fn of(der: &'a [u8]) -> Result<Layout<'a>, String> {
        let outer = Element::read(der, "CertificateList")?;
        if !outer.is(Tag::Sequence) {
            return Err("CertificateList is not a SEQUENCE".into());
        }
        let tbs = Element::read(outer.content, "tbsCertList")?;
        if !tbs.is(Tag::Sequence) {
            return Err("tbsCertList is not a SEQUENCE".into());
        }
        let fields = tbs.content;
        let first = Element::read(fields, "tbsCertList version or signature")?;
        let signature = if first.is(Tag::Integer) {
            Element::read(first.rest, "tbsCertList signature")?
        } else {
            first
        };
        let issuer = Element::read(signature.rest, "tbsCertList issuer")?;
        let this_update = Element::read(issuer.rest, "tbsCertList thisUpdate")?;
        let mut at = this_update.rest;
        let mut next_update = false;
        if !at.is_empty() {
            let next = Element::header(at, "tbsCertList nextUpdate")?;
            if next.is(Tag::UtcTime) || next.is(Tag::GeneralizedTime) {
                at = Element::read(at, "tbsCertList nextUpdate")?.rest;
                next_update = true;
            }
        }
        let before = fields.get(..fields.len() - at.len()).unwrap_or_default();
        let (revoked, after) = match at.is_empty() {
            true => (None, at),
            false if Element::header(at, "tbsCertList revokedCertificates")?.is(Tag::Sequence) => {
                let list = Element::read(at, "revokedCertificates")?;
                // x509-parser takes the next element as the crlExtensions
                // ([0]); anything else is an error there. Check it here: in
                // the CRL parsed without the entries, a second SEQUENCE
                // would be taken for revokedCertificates.
                if !list.rest.is_empty() && !Element::header(list.rest, "crlExtensions")?.is(Tag(0))
                {
                    return Err("revokedCertificates is followed by something other than crlExtensions ([0])".into());
                }
                (Some(list.content), list.rest)
            }
            false => (None, at),
        };
        Ok(Layout {
            tbs: outer
                .content
                .get(..outer.content.len() - tbs.rest.len())
                .unwrap_or_default(),
            outer: outer.header,
            tbs_header: tbs.header,
            before,
            revoked,
            after,
            signature: tbs.rest,
            trailing: outer.rest,
            issuer_at: fields.len() - signature.rest.len(),
            next_update,
        })
    }

    /// How many entries revokedCertificates' content `list` frames, and
    /// the length of their serials (an upper bound of what the table
    /// stores), so the table is allocated once. Header parsing only, and
    /// only as far as the framing holds: the entries are parsed after.
    /// The count is capped at one entry for every 16 bytes (an entry needs
    /// more: SEQUENCE, INTEGER, Time), so framing alone cannot reserve more
    /// than the CRL's size.
    fn sizes(list: &[u8]) -> (usize, usize) {
        let (mut entries, mut serial_bytes) = (0, 0);
        let mut rest = list;
        while let Ok(entry) = Element::read(rest, "entry") {
            if let Ok(serial) = Element::read(entry.content, "serial") {
                serial_bytes += serial.content.len();
            }
            entries += 1;
            rest = entry.rest;
        }
        (entries.min(list.len() / 16), serial_bytes)
    }

    /// The CertificateList without revokedCertificates, for x509-parser
    /// (small: the entries are most of a CRL), and where the tbsCertList
    /// content starts in it.
    fn without_entries(&self) -> Result<(Vec<u8>, usize), String> {
        let fields = self.before.len() + self.after.len();
        let tbs_header = with_length(&self.tbs_header, fields);
        let content =
            tbs_header.to_der_len().map_err(|e| e.to_string())? + fields + self.signature.len();
        let outer = with_length(&self.outer, content);
        let mut der = Vec::with_capacity(outer.to_der_len().map_err(|e| e.to_string())? + content);
        outer
            .write_der_raw(&mut der)
            .map_err(|e| format!("CertificateList header: {e}"))?;
        tbs_header
            .write_der_raw(&mut der)
            .map_err(|e| format!("tbsCertList header: {e}"))?;
        let fields_at = der.len();
        der.extend_from_slice(self.before);
        der.extend_from_slice(self.after);
        der.extend_from_slice(self.signature);
        Ok((der, fields_at))
    }

    /// Whether x509-parser read `header_der` (from [`Layout::without_entries`],
    /// its fields at `fields_at`) with the fields where this layout found
    /// them, so that the revokedCertificates taken out are the ones
    /// x509-parser would have read.
    fn check_parsed(
        &self,
        header_der: &[u8],
        fields_at: usize,
        crl: &CertificateRevocationList<'_>,
    ) -> Result<(), String> {
        let tbs = &crl.tbs_cert_list;
        // The issuer's start pins down version and signature; x509-parser
        // consumes whole elements (its raw name may stop short of the end,
        // at the first RDN that does not parse).
        let issuer = tbs.issuer.as_raw();
        let issuer_at = (issuer.as_ptr() as usize).wrapping_sub(header_der.as_ptr() as usize);
        if issuer_at != fields_at.wrapping_add(self.issuer_at)
            || tbs.next_update.is_some() != self.next_update
            || !tbs.revoked_certificates.is_empty()
        {
            return Err("tbsCertList fields are not where they were expected".into());
        }
        Ok(())
    }
}

/// `header` with a definite `length`.
fn with_length<'h>(header: &'h Header<'_>, length: usize) -> Header<'h> {
    Header::new(
        header.class(),
        header.is_constructed(),
        header.tag(),
        Length::Definite(length),
    )
    .with_raw_tag(header.raw_tag().map(Cow::Borrowed))
}

/// CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm,
/// signatureValue } → the three DER elements.
fn split_signed(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (outer, content, _) = split_tlv(der)?;
    if outer.first() != Some(&0x30) {
        return None;
    }
    let (tbs, _, rest) = split_tlv(content)?;
    let (alg, _, rest) = split_tlv(rest)?;
    let (sig, _, rest) = split_tlv(rest)?;
    rest.is_empty().then_some((tbs, alg, sig))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    bytes.get(skip..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{
        build_crl, cdp_with_crl_issuer, distribution_points, indirect_crl, reason_bits, ymd,
        CertSpec, CrlEntry, CrlSpec, DpSpec, Idp, Issued,
    };
    use rcgen::{
        CertificateRevocationListParams, Issuer, KeyIdMethod, KeyUsagePurpose, RevocationReason,
        RevokedCertParams, SerialNumber,
    };

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .expect("date")
    }

    fn entry(serial: &[u8], reason: Option<RevocationReason>) -> RevokedCertParams {
        RevokedCertParams {
            serial_number: SerialNumber::from_slice(serial),
            revocation_time: ymd((2026, 1, 10)),
            reason_code: reason,
            invalidity_date: None,
        }
    }

    fn crl_params(entries: Vec<RevokedCertParams>) -> CertificateRevocationListParams {
        CertificateRevocationListParams {
            this_update: ymd((2026, 2, 1)),
            next_update: ymd((2026, 2, 8)),
            crl_number: SerialNumber::from(42u64),
            issuing_distribution_point: None,
            revoked_certs: entries,
            key_identifier_method: KeyIdMethod::Sha256,
        }
    }

    fn sign(ca: &Issued, params: &CertificateRevocationListParams) -> Vec<u8> {
        let issuer = Issuer::from_params(&ca.params, &ca.key);
        params.signed_by(&issuer).expect("CRL").der().to_vec()
    }

    fn model(issued: &Issued) -> Certificate {
        Certificate::from_der(&issued.der()).expect("model certificate")
    }

    /// A CA, a CRL revoking serials 0x01 (keyCompromise), 0x00FF (needs
    /// the sign octet in DER: certificateHold), 0x1234 (no reason).
    fn fixture() -> (Issued, Vec<u8>) {
        let ca = Issued::root("CRL Test CA");
        let der = sign(
            &ca,
            &crl_params(vec![
                entry(&[0x01], Some(RevocationReason::KeyCompromise)),
                entry(&[0x00, 0xFF], Some(RevocationReason::CertificateHold)),
                entry(&[0x12, 0x34], None),
            ]),
        );
        (ca, der)
    }

    #[test]
    fn parses_entries_reasons_and_numbers() {
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "test.crl").expect("parses");
        assert_eq!(crl.entries, 3);
        assert_eq!(crl.crl_number.as_deref(), Some("2A"));
        assert_eq!(crl.delta_of, None);
        assert_eq!(crl.this_update, at(2026, 2, 1));
        assert_eq!(crl.next_update, Some(at(2026, 2, 8)));
        assert!(
            crl.issuer_text.contains("CRL Test CA"),
            "{}",
            crl.issuer_text
        );
        assert!(crl.unsupported.is_empty(), "{:?}", crl.unsupported);
        let r = crl.lookup(&[0x01]).expect("0x01 revoked");
        assert_eq!(r.reason, Some(Reason::KeyCompromise));
        assert_eq!(r.reason.map(|r| r.as_str()), Some("keyCompromise"));
        assert_eq!(r.time, at(2026, 1, 10));
        let held = crl.lookup(&[0x00, 0xFF]).expect("0xFF revoked");
        assert!(held.on_hold());
        assert_eq!(crl.lookup(&[0x12, 0x34]).expect("listed").reason, None);
        assert!(crl.lookup(&[0x02]).is_none());
        assert!(crl.lookup(&[0x12, 0x35]).is_none());
        assert!(crl.lookup(&[]).is_none());
    }

    /// RFC 5280 §4.1.2.2: serials are INTEGERs, compared as signed
    /// integers: redundant leading octets do not matter, the sign does.
    #[test]
    fn serials_compare_as_integers() {
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        // Certificate carries 0x0001 (non-minimal) vs CRL 0x01.
        assert!(crl.lookup(&[0x00, 0x01]).is_some());
        // The CRL lists +255 (00 FF): with a redundant zero octet too.
        assert!(crl.lookup(&[0x00, 0xFF]).is_some());
        assert!(crl.lookup(&[0x00, 0x00, 0xFF]).is_some());
        // FF is −1, another integer; so is 01 FF (+511).
        assert!(crl.lookup(&[0xFF]).is_none());
        assert!(crl.lookup(&[0xFF, 0xFF]).is_none());
        assert!(crl.lookup(&[0x01, 0xFF]).is_none());
        // A CRL that lists −1 (FF, and FF FF non-minimally) and −256 (FF 00)
        // does not revoke +255 or +65280.
        let ca = Issued::root("Negative Serial CA");
        let negative = crate::testkit::build_crl(
            &ca,
            &crate::testkit::CrlSpec::new(1)
                .entry(crate::testkit::CrlEntry::new(&[0xFF]).reason(1))
                .entry(crate::testkit::CrlEntry::new(&[0xFF, 0x00]).reason(4)),
        );
        let crl = Crl::from_der(&negative, "t").expect("parses");
        assert!(crl.lookup(&[0xFF]).is_some());
        assert!(crl.lookup(&[0xFF, 0xFF]).is_some());
        assert_eq!(crl.lookup(&[0x00, 0xFF]), None);
        assert_eq!(
            crl.lookup(&[0xFF, 0xFF, 0x00]).and_then(|r| r.reason),
            Some(Reason::Superseded)
        );
        assert_eq!(crl.lookup(&[0x00, 0xFF, 0x00]), None);
        assert_eq!(crl.lookup(&[0xFF, 0x00, 0x00]), None);
    }

    #[test]
    fn lookup_by_real_certificate_serial() {
        let ca = Issued::root("Serial CA");
        // Serial with the top bit set: DER adds a 0x00 sign octet.
        let leaf = ca.issue(CertSpec::leaf("vpn.example.com").serial(&[0x80, 0x01, 0x02]));
        let other = ca.issue(CertSpec::leaf("ok.example.com").serial(&[0x7f, 0x01]));
        let der = sign(&ca, &crl_params(vec![entry(&[0x80, 0x01, 0x02], None)]));
        let crl = Crl::from_der(&der, "t").expect("parses");
        let leaf = model(&leaf);
        assert_eq!(leaf.serial_raw.first(), Some(&0x00), "sign octet expected");
        assert!(crl.lookup(&leaf.serial_raw).is_some());
        assert!(crl.lookup(&model(&other).serial_raw).is_none());
    }

    #[test]
    fn signature_verifies_with_the_right_issuer() {
        let (ca, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        crl.verify(&model(&ca)).expect("verifies");
    }

    #[test]
    fn signature_rejected_with_another_key_of_the_same_name() {
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        let impostor = Issued::root("CRL Test CA");
        let err = crl.verify(&model(&impostor)).expect_err("wrong key");
        assert!(err.contains("does not verify"), "{err}");
        assert!(err.contains("authority key id"), "{err}");
    }

    #[test]
    fn rejected_when_issuer_name_differs() {
        let (ca, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        // Same key, different name: only the name check can fail.
        let mut params = ca.params.clone();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Another CA");
        let renamed = params.self_signed(&ca.key).expect("cert");
        let renamed = Certificate::from_der(renamed.der()).expect("model");
        let err = crl.verify(&renamed).expect_err("other name");
        assert!(err.contains("is not the subject"), "{err}");
    }

    #[test]
    fn rejected_when_issuer_ku_lacks_crl_sign() {
        let (ca, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        // Same name and key, KU keyCertSign only: the signature would verify,
        // so only the KU check can fail.
        let mut params = ca.params.clone();
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let no_crl_sign = params.self_signed(&ca.key).expect("cert");
        let no_crl_sign = Certificate::from_der(no_crl_sign.der()).expect("model");
        let err = crl.verify(&no_crl_sign).expect_err("no cRLSign");
        assert!(err.contains("without cRLSign"), "{err}");
        // And with no KU at all, cRLSign is implied.
        params.key_usages = Vec::new();
        let no_ku = params.self_signed(&ca.key).expect("cert");
        crl.verify(&Certificate::from_der(no_ku.der()).expect("model"))
            .expect("no KU: allowed");
    }

    #[test]
    fn tampered_crl_fails_signature() {
        let (ca, mut der) = fixture();
        // Change the CRL number byte (42 → 43) inside the signed part.
        let pos = find(&der, &[0x02, 0x01, 0x2a]).expect("crl number");
        der[pos + 2] = 0x2b;
        let crl = Crl::from_der(&der, "t").expect("still parses");
        assert_eq!(crl.crl_number.as_deref(), Some("2B"));
        assert!(crl.verify(&model(&ca)).is_err());
    }

    #[test]
    fn freshness() {
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        assert_eq!(crl.freshness(at(2026, 2, 3)), Freshness::Fresh);
        assert_eq!(crl.freshness(at(2026, 2, 8)), Freshness::Fresh);
        assert_eq!(
            crl.freshness(at(2026, 2, 9)),
            Freshness::Stale {
                since: at(2026, 2, 8)
            }
        );
        assert_eq!(crl.freshness(at(2026, 1, 31)), Freshness::NotYetValid);
        let mut no_next = crl.clone();
        no_next.next_update = None;
        assert_eq!(no_next.freshness(at(2030, 1, 1)), Freshness::NoNextUpdate);
    }

    #[test]
    fn pem_and_der_input() {
        let (ca, der) = fixture();
        let pem_text = format!(
            "CRL fetched from http://pki.example.com/ca.crl\n{}",
            crate::testkit::pem_block("X509 CRL", &der)
        );
        let from_pem = Crl::from_pem_or_der(pem_text.as_bytes(), "ca.pem").expect("PEM");
        let from_der = Crl::from_pem_or_der(&der, "ca.crl").expect("DER");
        assert_eq!(from_pem.der(), from_der.der());
        assert_eq!(from_pem.entries, 3);
        from_pem.verify(&model(&ca)).expect("verifies");
        let cert_pem = crate::testkit::pem_block("CERTIFICATE", &ca.der());
        assert!(matches!(
            Crl::from_pem_or_der(cert_pem.as_bytes(), "cert.pem"),
            Err(CrlError::Pem { .. })
        ));
        let broken = "-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n";
        assert!(Crl::from_pem_or_der(broken.as_bytes(), "b").is_err());
    }

    #[test]
    fn garbage_and_truncation_are_errors_not_panics() {
        let (ca, der) = fixture();
        assert!(Crl::from_der(&[], "empty").is_err());
        assert!(Crl::from_der(b"hello world", "text").is_err());
        assert!(Crl::from_der(&ca.der(), "a certificate").is_err());
        for cut in 0..der.len() {
            assert!(Crl::from_der(&der[..cut], "cut").is_err(), "cut at {cut}");
            let _ = Crl::from_pem_or_der(&der[..cut], "cut");
        }
        // Every single-byte corruption: must not panic; if it still parses,
        // verify must not panic either.
        let ca = model(&ca);
        for i in 0..der.len() {
            let mut bad = der.clone();
            bad[i] ^= 0xff;
            if let Ok(crl) = Crl::from_der(&bad, "flip") {
                let _ = crl.verify(&ca);
            }
        }
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(matches!(
            Crl::from_der(&trailing, "t"),
            Err(CrlError::TrailingData { extra: 1, .. })
        ));
    }

    #[test]
    fn too_large_is_refused_before_parsing() {
        let big = vec![0u8; MAX_CRL_BYTES + 1];
        assert!(matches!(
            Crl::from_der(&big, "big"),
            Err(CrlError::TooLarge { .. })
        ));
    }

    #[test]
    fn split_tlv_bounds() {
        assert_eq!(split_tlv(&[0x02, 0x01]), None);
        assert_eq!(split_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(split_tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(
            split_tlv(&[0x02, 0x01, 0x05, 0xaa]),
            Some((&[0x02, 0x01, 0x05][..], &[0x05][..], &[0xaa][..]))
        );
        assert_eq!(der_unsigned_integer(&[0x02, 0x01, 0x80]), None);
        assert_eq!(
            der_unsigned_integer(&[0x02, 0x02, 0x00, 0x80]),
            Some(vec![0, 0x80])
        );
    }

    // --- delta CRLs ---------------------------------------------------------
    // rcgen has no Delta CRL Indicator and no custom CRL extensions, so these
    // CRLs come from testkit's `build_crl` (yasna, signed with the CA's rcgen
    // key: P-256, ecdsa-with-SHA256), which exercises the same parse/verify
    // path.

    /// CRL number `number` listing `entries` (serial, reasonCode): valid
    /// 2026-02-03 to 2026-02-04, entries revoked 2026-02-02, no authority
    /// key identifier, the entry list written even when empty, and a
    /// Freshest CRL pointing at the delta location, on bases and deltas
    /// alike (as AD CS publishes them).
    fn hand_spec(number: u64, entries: &[(&[u8], Option<u8>)]) -> CrlSpec {
        let spec = CrlSpec::new(number)
            .valid("260203000000Z", Some("260204000000Z"))
            .revoked_at("260202000000Z")
            .without_aki()
            .list_when_empty()
            .freshest("http://pki.example.com/delta.crl");
        entries.iter().fold(spec, |spec, (serial, reason)| {
            let entry = CrlEntry::new(serial);
            spec.entry(match reason {
                Some(code) => entry.reason(*code),
                None => entry,
            })
        })
    }

    /// `spec` with a critical extension pkiaudit does not know (a private
    /// OID, a NULL value), which makes the CRL unusable (RFC 5280 §5.2).
    fn with_unknown_critical(spec: CrlSpec) -> CrlSpec {
        spec.extension(&[1, 3, 6, 1, 4, 1, 99999, 1], true, &[0x05, 0x00])
    }

    /// Base CRL number 10: 0x05 on hold, 0x06 keyCompromise.
    fn base_and_ca() -> (Issued, Crl) {
        let ca = Issued::root("Delta CA");
        let base = build_crl(
            &ca,
            &hand_spec(10, &[(&[0x05], Some(6)), (&[0x06], Some(1))]),
        );
        let base = Crl::from_der(&base, "base.crl").expect("base parses");
        base.verify(&model(&ca)).expect("hand-built base verifies");
        (ca, base)
    }

    fn delta(ca: &Issued, number: u64, of: u64, entries: &[(&[u8], Option<u8>)]) -> Crl {
        let der = build_crl(ca, &hand_spec(number, entries).delta_of(of));
        Crl::from_der(&der, "delta.crl").expect("delta parses")
    }

    /// The whole CRL path of `Revocation::check`: a base from `--crl`, its
    /// delta from the base's Freshest CRL location (seeded in the per-run
    /// cache, so no network), applied; without the delta the base decides
    /// and the report says the answer may be out of date.
    #[test]
    fn revocation_applies_the_delta_a_base_names() {
        use crate::revocation::{Mode, Policy, Revocation, Status};
        use std::sync::Arc;
        let (ca, base) = base_and_ca();
        let held = ca.issue(crate::testkit::CertSpec::leaf("held").serial(&[0x05]));
        let held = model(&held);
        let at = chrono::DateTime::parse_from_rfc3339("2026-02-03T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let with = |delta: Option<Crl>, offline: bool| {
            let mut rev = Revocation::new(Mode::Crl, Policy::Soft, chrono::Utc::now());
            rev.offline = offline;
            rev.crls.push(Arc::new(base.clone()));
            if let Some(d) = delta {
                rev.seed("http://pki.example.com/delta.crl", Arc::new(d));
            }
            rev.check(&held, &model(&ca), at)
        };
        // the delta releases the hold
        let released = with(Some(delta(&ca, 11, 10, &[(&[0x05], Some(8))])), false);
        match &released.status {
            Status::Good { source, .. } => assert!(source.contains("+ delta"), "{source}"),
            other => panic!("{other:?}"),
        }
        // offline: the delta that could release the hold cannot be had,
        // so neither "revoked" nor "good" (RFC 5280 §6.3.3 (c)); it says why
        let offline = with(None, true);
        let Status::Unknown { reason } = &offline.status else {
            panic!("{:?}", offline.status)
        };
        assert!(
            reason.contains("--offline") && reason.contains("could release it"),
            "{reason}"
        );
        // a delta that does not fit the base is not applied, and said so:
        // the same as no delta
        let wrong = with(Some(delta(&ca, 9, 12, &[(&[0x05], Some(8))])), false);
        let Status::Unknown { reason } = &wrong.status else {
            panic!("{:?}", wrong.status)
        };
        assert!(
            reason.contains("delta CRL not used")
                && reason.contains("applies to base CRL number 0C"),
            "{reason}"
        );
        // a revocation (not a hold) on the base stands without its delta
        let compromised = model(&ca.issue(crate::testkit::CertSpec::leaf("lost").serial(&[0x06])));
        let mut rev = Revocation::new(Mode::Crl, Policy::Soft, chrono::Utc::now());
        rev.offline = true;
        rev.crls.push(Arc::new(base.clone()));
        let check = rev.check(&compromised, &model(&ca), at);
        assert!(
            matches!(&check.status, Status::Revoked { reason: Some(r), .. } if r == "keyCompromise"),
            "{:?}",
            check.status
        );
    }

    #[test]
    fn delta_indicator_and_freshest_are_read() {
        let (ca, base) = base_and_ca();
        let d = delta(&ca, 11, 10, &[(&[0x05], Some(8))]);
        assert_eq!(d.delta_of.as_deref(), Some("0A"));
        assert_eq!(d.crl_number.as_deref(), Some("0B"));
        assert_eq!(
            d.freshest,
            vec!["http://pki.example.com/delta.crl".to_string()]
        );
        assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
        d.verify(&model(&ca)).expect("delta verifies");
        assert!(!base.is_delta() && d.is_delta());
    }

    #[test]
    fn delta_remove_from_crl_releases_a_hold() {
        let (ca, base) = base_and_ca();
        assert!(status_with_delta(&base, None, &[0x05])
            .expect("ok")
            .expect("held in base")
            .on_hold());
        let d = delta(&ca, 11, 10, &[(&[0x05], Some(8))]);
        assert_eq!(
            d.lookup(&[0x05]).and_then(|r| r.reason),
            Some(Reason::RemoveFromCrl)
        );
        assert_eq!(status_with_delta(&base, Some(&d), &[0x05]), Ok(None));
        assert_eq!(status_with_delta(&base, Some(&d), &[0x00, 0x05]), Ok(None));
        // Other base entries stay revoked.
        assert_eq!(
            status_with_delta(&base, Some(&d), &[0x06])
                .expect("ok")
                .and_then(|r| r.reason),
            Some(Reason::KeyCompromise)
        );
    }

    #[test]
    fn delta_adds_a_new_revocation() {
        let (ca, base) = base_and_ca();
        assert_eq!(status_with_delta(&base, None, &[0x07]), Ok(None));
        let d = delta(&ca, 12, 9, &[(&[0x07], Some(4))]);
        let r = status_with_delta(&base, Some(&d), &[0x07])
            .expect("ok")
            .expect("revoked by delta");
        assert_eq!(r.reason, Some(Reason::Superseded));
        assert_eq!(status_with_delta(&base, Some(&d), &[0x08]), Ok(None));
        // The base hold remains while the delta says nothing about it.
        assert!(status_with_delta(&base, Some(&d), &[0x05])
            .expect("ok")
            .expect("held")
            .on_hold());
    }

    #[test]
    fn delta_must_fit_the_base() {
        let (ca, base) = base_and_ca();
        // Delta for a newer base (11) than ours (10).
        let newer_base = delta(&ca, 12, 11, &[]);
        let err = status_with_delta(&base, Some(&newer_base), &[0x05]).expect_err("base too old");
        assert!(err.contains("applies to base CRL number 0B"), "{err}");
        // Delta not newer than the base.
        let old = delta(&ca, 10, 9, &[]);
        assert!(status_with_delta(&base, Some(&old), &[0x05]).is_err());
        // Delta from another issuer.
        let other = Issued::root("Other CA");
        let foreign = delta(&other, 11, 10, &[]);
        let err = status_with_delta(&base, Some(&foreign), &[0x05]).expect_err("issuer");
        assert!(err.contains("differs"), "{err}");
        // A complete CRL given as the delta, and a delta given as the base.
        assert!(status_with_delta(&base, Some(&base), &[0x05]).is_err());
        let d = delta(&ca, 11, 10, &[]);
        assert!(status_with_delta(&d, None, &[0x05]).is_err());
    }

    #[test]
    fn unknown_critical_extension_makes_verify_fail() {
        let ca = Issued::root("Crit CA");
        let der = build_crl(&ca, &with_unknown_critical(hand_spec(1, &[])));
        let crl = Crl::from_der(&der, "crit.crl").expect("parses");
        assert_eq!(crl.unsupported.len(), 1, "{:?}", crl.unsupported);
        let err = crl.verify(&model(&ca)).expect_err("unknown critical");
        assert!(err.contains("1.3.6.1.4.1.99999.1"), "{err}");
    }

    // --- indirect CRLs -------------------------------------------------------

    /// RFC 5280 §5.2.5/§5.3.3/§6.3.3: a CA delegates its CRLs to a CRL
    /// issuer it certified. The CRL (IDP indirectCRL) lists the CA's
    /// certificate 0x42 under a certificateIssuer entry, and 0x43 as the
    /// CRL issuer's own; certificates whose distribution point names that
    /// cRLIssuer are answered by it, through `Revocation` with the signer
    /// found among the audit's certificates.
    #[test]
    fn indirect_crl_from_a_delegated_crl_issuer() {
        use crate::revocation::{certified_by, Mode, Policy, Revocation, Signers, Status};
        let ca = Issued::root("Indirect CA");
        let ca_name = model(&ca).subject.raw;
        let signer = ca.issue(
            CertSpec::leaf("Indirect CRL Signer")
                .ku(&[KeyUsagePurpose::CrlSign])
                .san_dns(&[]),
        );
        let signer_name = model(&signer).subject.raw;
        let cdp = cdp_with_crl_issuer("http://pki.example.com/indirect.crl", &signer_name);
        let leaf = |cn: &str, serial: &[u8]| {
            model(&ca.issue(CertSpec::leaf(cn).serial(serial).raw_extension(
                &[2, 5, 29, 31],
                false,
                cdp.clone(),
            )))
        };
        let revoked = leaf("revoked.example.com", &[0x42]);
        let same_serial_as_signer_entry = leaf("fine.example.com", &[0x43]);
        assert_eq!(revoked.crl_issuers, vec![signer_name.clone()]);
        let der = indirect_crl(
            &signer,
            true,
            &[(&[0x43], None), (&[0x42], Some(&ca_name)), (&[0x44], None)],
        );
        let crl = Crl::from_der(&der, "indirect.crl").expect("parses");
        assert!(crl.is_indirect());
        assert!(crl.unsupported.is_empty(), "{:?}", crl.unsupported);
        // 0x43 is the CRL issuer's own; 0x42 and (inherited) 0x44 the CA's
        assert!(crl.lookup(&[0x43]).is_some());
        assert!(crl.lookup_issued_by(&ca_name, &[0x42]).is_some());
        assert!(crl.lookup_issued_by(&ca_name, &[0x44]).is_some());
        assert!(crl.lookup_issued_by(&ca_name, &[0x43]).is_none());
        let ca_model = model(&ca);
        let signer_model = model(&signer);
        let mut rev = Revocation::new(Mode::Crl, Policy::Soft, chrono::Utc::now());
        rev.offline = true;
        rev.crls.push(std::sync::Arc::new(crl));
        let now = at(2026, 2, 5);
        let validate = certified_by(&ca_model, now);
        let check_with = |cert: &Certificate, known: &[&Certificate], at| {
            let signers = Signers {
                known,
                validate: &validate,
            };
            rev.check_with_signers(cert, &ca_model, at, &signers, true)
        };
        let check = check_with(&revoked, &[&signer_model], now);
        assert!(matches!(check.status, Status::Revoked { .. }), "{check:?}");
        let check = check_with(&same_serial_as_signer_entry, &[&signer_model], now);
        assert!(matches!(check.status, Status::Good { .. }), "{check:?}");
        // no certificate of the CRL issuer: unknown, never good
        let check = check_with(&revoked, &[], now);
        let Status::Unknown { reason } = &check.status else {
            panic!("{check:?}")
        };
        assert!(
            reason.contains("no certificate of that CRL issuer"),
            "{reason}"
        );
        // the signer's key and name certified by another CA do not count:
        // that path does not lead to the certificate's anchor
        let other = Issued::root("Other CA");
        let impostor = model(
            &other.issue_for(
                CertSpec::leaf("Indirect CRL Signer")
                    .ku(&[KeyUsagePurpose::CrlSign])
                    .san_dns(&[]),
                &signer.key,
            ),
        );
        let check = check_with(&revoked, &[&impostor], now);
        let Status::Unknown { reason } = &check.status else {
            panic!("{check:?}")
        };
        assert!(
            reason.contains("signed with the key of") && reason.contains("was not issued by"),
            "{reason}"
        );
        // a certificate whose distribution points do not name the CRL
        // issuer is not answered by its CRL
        let plain = model(&ca.issue(CertSpec::leaf("plain.example.com").serial(&[0x42])));
        let check = check_with(&plain, &[&signer_model], now);
        assert_eq!(check.status, Status::NoSource, "{check:?}");
        // the signer must be valid at the audit time (here the validator's
        // job, as the path validator's in the audit)
        let later = at(2040, 1, 1);
        let validate_later = certified_by(&ca_model, later);
        let signers = Signers {
            known: &[&signer_model],
            validate: &validate_later,
        };
        let check = rev.check_with_signers(&revoked, &ca_model, later, &signers, true);
        let Status::Unknown { reason } = &check.status else {
            panic!("{check:?}")
        };
        assert!(reason.contains("not valid at"), "{reason}");
    }

    #[test]
    fn certificate_issuer_entries_need_an_indirect_crl() {
        let ca = Issued::root("Not Indirect CA");
        let other = model(&Issued::root("Someone Else")).subject.raw;
        let der = indirect_crl(&ca, false, &[(&[0x01], Some(&other))]);
        let crl = Crl::from_der(&der, "t").expect("parses");
        assert!(!crl.is_indirect());
        assert_eq!(crl.unsupported.len(), 1, "{:?}", crl.unsupported);
        let err = crl.verify(&model(&ca)).expect_err("unusable");
        assert!(err.contains("not marked indirect"), "{err}");
    }

    // --- the compact entry table -------------------------------------------

    /// `der` parsed as `from_der` does, with the index keys from `keys`.
    fn parse_with(der: &[u8], keys: Keys) -> Crl {
        Crl::parse(der, "t", keys).expect("parses")
    }

    /// Every serial hashes to the same 64-bit key: the first entry is in
    /// the index, the others in the overflow list, and lookups still tell
    /// them apart by their serials (and find nothing for absent ones).
    #[test]
    fn colliding_keys_still_find_the_right_entries() {
        let ca = Issued::root("Collision CA");
        let mut compromised = entry(&[0x07, 0x00], Some(RevocationReason::KeyCompromise));
        compromised.invalidity_date = Some(ymd((2025, 12, 24)));
        let der = sign(
            &ca,
            &crl_params(vec![
                entry(&[0x01], Some(RevocationReason::KeyCompromise)),
                entry(&[0x00, 0xFF], Some(RevocationReason::CertificateHold)),
                entry(&[0x12, 0x34], None),
                compromised,
                entry(&[0x07], Some(RevocationReason::Superseded)),
            ]),
        );
        for keys in [Keys::Constant, Keys::random()] {
            let constant = matches!(keys, Keys::Constant);
            let crl = parse_with(&der, keys);
            assert_eq!(crl.distinct_serials(), 5);
            if constant {
                assert_eq!(crl.table.index.len(), 1);
                assert_eq!(crl.table.overflow.values().map(Vec::len).sum::<usize>(), 4);
            }
            let reason = |serial: &[u8]| crl.lookup(serial).map(|r| r.reason);
            assert_eq!(reason(&[0x01]), Some(Some(Reason::KeyCompromise)));
            assert_eq!(reason(&[0x00, 0xFF]), Some(Some(Reason::CertificateHold)));
            assert_eq!(reason(&[0xFF]), None, "−1 is not +255");
            assert_eq!(
                reason(&[0x00, 0x00, 0xFF]),
                Some(Some(Reason::CertificateHold))
            );
            assert_eq!(reason(&[0x12, 0x34]), Some(None));
            assert_eq!(reason(&[0x07]), Some(Some(Reason::Superseded)));
            let r = crl.lookup(&[0x00, 0x07, 0x00]).expect("0x0700 revoked");
            assert_eq!(r.reason, Some(Reason::KeyCompromise));
            assert_eq!(r.time, at(2026, 1, 10));
            assert_eq!(r.invalidity, Some(at(2025, 12, 24)));
            assert_eq!(crl.lookup(&[0x07]).expect("listed").invalidity, None);
            for absent in [&[0x02][..], &[0x12, 0x35], &[0x01, 0x00], &[0x00], &[]] {
                assert_eq!(crl.lookup(absent), None, "{absent:02x?}");
            }
            // the serials, in minimal form, back to back in record order
            assert_eq!(
                crl.table.serials,
                [0x01, 0x00, 0xFF, 0x12, 0x34, 0x07, 0x00, 0x07]
            );
            assert_eq!(crl.table.issuers, Vec::<u32>::new());
        }
    }

    /// A serial listed twice: the first entry wins, also when its key
    /// collides with other serials', and it is counted once.
    #[test]
    fn first_entry_wins_with_and_without_collisions() {
        let ca = Issued::root("Dup CA");
        let der = build_crl(
            &ca,
            &hand_spec(
                1,
                &[
                    (&[0x05], Some(6)),
                    (&[0x06], Some(1)),
                    (&[0x05], Some(8)),
                    (&[0x06], None),
                ],
            ),
        );
        for keys in [Keys::Constant, Keys::random()] {
            let crl = parse_with(&der, keys);
            assert_eq!((crl.entries, crl.distinct_serials()), (4, 2));
            assert!(crl.lookup(&[0x05]).expect("held").on_hold());
            assert_eq!(
                crl.lookup(&[0x06]).and_then(|r| r.reason),
                Some(Reason::KeyCompromise)
            );
            assert_eq!(crl.lookup(&[0x07]), None);
        }
    }

    /// Serials are signed integers (RFC 5280 §4.1.2.2), stored in minimal
    /// form: redundant leading octets do not matter (00 00 FF == 00 FF,
    /// FF FF 80 == FF 80), the sign does (00 FF, +255, != FF, −1), and so
    /// do trailing octets (01 00 != 01). Also when every key collides.
    #[test]
    fn serial_normalisation_in_the_table() {
        let (_, der) = fixture();
        for keys in [Keys::Constant, Keys::random()] {
            let crl = parse_with(&der, keys);
            let plus_255 = crl.lookup(&[0x00, 0xFF]).expect("+255");
            assert_eq!(crl.lookup(&[0x00, 0x00, 0x00, 0xFF]), Some(plus_255));
            assert_eq!(crl.lookup(&[0xFF]), None, "−1");
            assert_eq!(crl.lookup(&[0xFF, 0xFF]), None, "−1, non-minimal");
            assert_eq!(status_with_delta(&crl, None, &[0xFF]), Ok(None));
            assert_eq!(
                status_with_delta(&crl, None, &[0x00, 0x00, 0xFF]),
                Ok(Some(plus_255))
            );
            assert!(crl.lookup(&[0x01]).is_some());
            assert_eq!(crl.lookup(&[0x01, 0x00]), None);
            assert_eq!(crl.lookup(&[0xFF, 0x00]), None);
            // The key stored for the CRL's 00 FF keeps its sign octet.
            let stored: Vec<&[u8]> = (0..crl.table.records.len() as u32)
                .filter_map(|i| crl.table.serial(i))
                .collect();
            assert_eq!(stored, vec![&[0x01][..], &[0x00, 0xFF], &[0x12, 0x34]]);
        }
        // the minimal form itself
        for (raw, minimal) in [
            (&[0x00, 0xFF][..], &[0x00, 0xFF][..]),
            (&[0x00, 0x00, 0xFF], &[0x00, 0xFF]),
            (&[0x00, 0x00, 0x7F], &[0x7F]),
            (&[0xFF], &[0xFF]),
            (&[0xFF, 0xFF, 0x80], &[0x80]),
            (&[0xFF, 0x7F], &[0xFF, 0x7F]),
            (&[0x00], &[0x00]),
            (&[0x00, 0x00], &[0x00]),
            (&[0xFF, 0xFF], &[0xFF]),
            (&[], &[]),
        ] {
            assert_eq!(serial_key(raw), minimal, "{raw:02x?}");
        }
    }

    /// An indirect CRL lists serial 0x42 for its own issuer, for one CA and
    /// for another: three entries, each found only under its issuer, also
    /// when all keys collide.
    #[test]
    fn indirect_entries_with_the_same_serial_stay_distinct() {
        let signer = Issued::root("Indirect Signer");
        let ca_a = model(&Issued::root("CA A")).subject.raw;
        let ca_b = model(&Issued::root("CA B")).subject.raw;
        let ca_c = model(&Issued::root("CA C")).subject.raw;
        let der = indirect_crl(
            &signer,
            true,
            &[
                (&[0x42], None),
                (&[0x42], Some(&ca_a)),
                (&[0x43], None),
                (&[0x42], Some(&ca_b)),
                (&[0x44], None),
            ],
        );
        let own = model(&signer).subject.raw;
        for keys in [Keys::Constant, Keys::random()] {
            let crl = parse_with(&der, keys);
            assert!(crl.unsupported.is_empty(), "{:?}", crl.unsupported);
            assert_eq!(crl.distinct_serials(), 1);
            assert_eq!(crl.table.records.len(), 5);
            assert!(crl.lookup(&[0x42]).is_some());
            assert!(crl.lookup_issued_by(&own, &[0x42]).is_some());
            assert!(crl.lookup(&[0x43]).is_none());
            for ca in [&ca_a, &ca_b] {
                assert!(crl.lookup_issued_by(ca, &[0x42]).is_some());
                assert!(crl.lookup_issued_by(ca, &[0x00, 0x42]).is_some());
                assert!(crl.lookup_issued_by(ca, &[0x41]).is_none());
            }
            // entries without certificateIssuer inherit the one before
            assert!(crl.lookup_issued_by(&ca_a, &[0x43]).is_some());
            assert!(crl.lookup_issued_by(&ca_b, &[0x43]).is_none());
            assert!(crl.lookup_issued_by(&ca_b, &[0x44]).is_some());
            assert!(crl.lookup_issued_by(&ca_a, &[0x44]).is_none());
            assert!(crl.lookup_issued_by(&ca_c, &[0x42]).is_none());
        }
        // With distinct reasons, straight on a table: each issuer's own entry.
        let mut table = Table::new(Keys::Constant);
        let listed = |code| Revoked {
            time: at(2026, 1, 1),
            reason: Some(Reason::from_code(code)),
            invalidity: None,
        };
        table.push(CRL_ISSUER, &[0x42], &listed(1));
        table.push(0, &[0x42], &listed(4));
        table.push(1, &[0x42], &listed(6));
        table.push(0, &[0x42], &listed(9));
        table.index();
        let reason = |issuer, serial: &[u8]| table.get(issuer, serial).and_then(|r| r.reason);
        assert_eq!(reason(CRL_ISSUER, &[0x42]), Some(Reason::KeyCompromise));
        assert_eq!(reason(0, &[0x42]), Some(Reason::Superseded));
        assert_eq!(reason(1, &[0x42]), Some(Reason::CertificateHold));
        assert_eq!(reason(2, &[0x42]), None);
        assert_eq!((table.records.len(), table.index.len()), (4, 1));
        assert_eq!(
            (table.overflow.values().map(Vec::len).sum(), table.direct),
            (2, 1)
        );
    }

    /// Serials of 65,535 octets or more keep their length aside; an
    /// empty serial is an entry too. All are found, each only as itself.
    #[test]
    fn table_long_and_empty_serials() {
        let long = vec![0x5A; 70_000];
        let revoked = Revoked {
            time: at(2026, 1, 1),
            reason: Some(Reason::Other(7)),
            invalidity: None,
        };
        for keys in [Keys::Constant, Keys::random()] {
            let mut table = Table::new(keys);
            table.push(CRL_ISSUER, &[0x09], &revoked);
            table.push(CRL_ISSUER, &[0x0A, 0x0B], &revoked);
            table.push(CRL_ISSUER, &long, &revoked);
            table.push(CRL_ISSUER, &[], &revoked);
            table.index();
            assert_eq!(table.serials.len(), 3 + 70_000);
            assert_eq!(table.records[1].serial_at, 1);
            assert_eq!(table.records[2].serial_len, u16::MAX);
            assert_eq!(table.long_serials.get(&2), Some(&70_000));
            for serial in [&[0x09][..], &[0x0A, 0x0B], &long, &[]] {
                assert_eq!(table.get(CRL_ISSUER, serial), Some(revoked));
            }
            assert_eq!(table.get(CRL_ISSUER, &long[1..]), None);
            assert_eq!(table.get(CRL_ISSUER, &[0x0A]), None);
            assert_eq!(table.get(0, &[0x09]), None);
        }
    }

    // --- streaming parse, released DER -----------------------------------

    /// `der` parsed the way `from_der` did before it streamed the entries:
    /// x509-parser's `CertificateRevocationList::from_der` over the whole
    /// CRL (every entry in memory at once), the same checks in the same
    /// order, then the same entry handling.
    fn parse_all_at_once(der: &[u8], keys: Keys) -> Result<Crl, CrlError> {
        let origin = "t".to_string();
        if der.len() > MAX_CRL_BYTES {
            let size = der.len();
            return Err(CrlError::TooLarge { origin, size });
        }
        let (rest, parsed) =
            CertificateRevocationList::from_der(der).map_err(|e| CrlError::NotACrl {
                origin: origin.clone(),
                reason: e.to_string(),
            })?;
        if !rest.is_empty() {
            let extra = rest.len();
            return Err(CrlError::TrailingData { origin, extra });
        }
        match split_signed(der) {
            Some((tbs, _, _)) if tbs == parsed.tbs_cert_list.as_ref() => {}
            _ => {
                let reason = "CertificateList is not DER-framed".into();
                return Err(CrlError::NotACrl { origin, reason });
            }
        }
        let mut crl = Crl::from_header(&parsed, "t", keys);
        let indirect = crl.is_indirect();
        let mut current = None;
        for entry in &parsed.tbs_cert_list.revoked_certificates {
            crl.add_entry(entry, &mut current, indirect);
        }
        crl.finish(der);
        Ok(crl)
    }

    /// Same fields, same records in the same order, same index (both
    /// parsed with `Keys::Constant`), same answers to lookups.
    fn assert_same_crl(streamed: &Crl, reference: &Crl, what: &str) {
        let (a, b) = (streamed, reference);
        assert_eq!(a.issuer_raw, b.issuer_raw, "{what}");
        assert_eq!(a.issuer_text, b.issuer_text, "{what}");
        assert_eq!(
            (a.this_update, a.next_update),
            (b.this_update, b.next_update),
            "{what}"
        );
        assert_eq!(
            (&a.crl_number, &a.delta_of),
            (&b.crl_number, &b.delta_of),
            "{what}"
        );
        assert_eq!(
            (&a.crl_number_raw, &a.delta_of_raw),
            (&b.crl_number_raw, &b.delta_of_raw),
            "{what}"
        );
        assert_eq!(a.freshest, b.freshest, "{what}");
        assert_eq!(a.scope, b.scope, "{what}");
        assert_eq!(a.authority_key_id, b.authority_key_id, "{what}");
        assert_eq!(a.signature_oid, b.signature_oid, "{what}");
        assert_eq!(a.entries, b.entries, "{what}");
        assert_eq!(a.unsupported, b.unsupported, "{what}");
        assert_eq!(a.der(), b.der(), "{what}");
        assert_eq!(a.other_issuers, b.other_issuers, "{what}");
        assert_eq!(a.distinct_serials(), b.distinct_serials(), "{what}");
        let (ta, tb) = (&a.table, &b.table);
        assert_eq!(ta.records.len(), tb.records.len(), "{what}");
        assert_eq!(ta.records.len(), a.entries, "{what}");
        assert_eq!(ta.index, tb.index, "{what}");
        assert_eq!(ta.overflow, tb.overflow, "{what}");
        let mut issuers = vec![a.issuer_raw.clone()];
        issuers.extend(a.other_issuers.iter().cloned());
        for i in 0..ta.records.len() as u32 {
            let serial = ta.serial(i).expect("stored serial");
            assert_eq!(ta.issuer_of(i), tb.issuer_of(i), "{what} #{i}");
            assert_eq!(Some(serial), tb.serial(i), "{what} #{i}");
            assert_eq!(ta.revoked(i), tb.revoked(i), "{what} #{i}");
            let mut padded = vec![0, 0];
            padded.extend_from_slice(serial);
            let mut longer = serial.to_vec();
            longer.push(0);
            for query in [
                serial,
                &padded,
                &longer,
                &serial[..serial.len().saturating_sub(1)],
            ] {
                for issuer in &issuers {
                    assert_eq!(
                        a.lookup_issued_by(issuer, query),
                        b.lookup_issued_by(issuer, query),
                        "{what} #{i} {query:02x?}"
                    );
                }
            }
        }
    }

    /// The outcome of both parses: the same CRL, or the same kind of error.
    fn assert_same_outcome(der: &[u8], what: &str) {
        match (
            Crl::parse(der, "t", Keys::Constant),
            parse_all_at_once(der, Keys::Constant),
        ) {
            (Ok(streamed), Ok(reference)) => assert_same_crl(&streamed, &reference, what),
            (Err(CrlError::NotACrl { .. }), Err(CrlError::NotACrl { .. }))
            | (Err(CrlError::TooLarge { .. }), Err(CrlError::TooLarge { .. })) => {}
            (
                Err(CrlError::TrailingData { extra: a, .. }),
                Err(CrlError::TrailingData { extra: b, .. }),
            ) => assert_eq!(a, b, "{what}"),
            (streamed, reference) => {
                panic!("{what}: streamed {streamed:?}, all at once {reference:?}")
            }
        }
    }

    /// The CRLs of the tests above.
    fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
        let ca = Issued::root("Fixture CA");
        let hand = |spec: CrlSpec| build_crl(&ca, &spec);
        let mut compromised = entry(&[0x07, 0x00], Some(RevocationReason::KeyCompromise));
        compromised.invalidity_date = Some(ymd((2025, 12, 24)));
        let signer = Issued::root("Fixture Indirect Signer");
        let ca_a = model(&Issued::root("Fixture CA A")).subject.raw;
        let ca_b = model(&Issued::root("Fixture CA B")).subject.raw;
        vec![
            ("fixture", fixture().1),
            (
                "reasons and invalidity",
                sign(
                    &ca,
                    &crl_params(vec![
                        entry(&[0x01], Some(RevocationReason::KeyCompromise)),
                        entry(&[0x00, 0xFF], Some(RevocationReason::CertificateHold)),
                        compromised,
                        entry(&[0x07], Some(RevocationReason::Superseded)),
                        entry(&[0x80, 0x01, 0x02], None),
                    ]),
                ),
            ),
            ("rcgen, no entries", sign(&ca, &crl_params(Vec::new()))),
            (
                "duplicates",
                hand(hand_spec(
                    1,
                    &[(&[0x05], Some(6)), (&[0x06], Some(1)), (&[0x05], Some(8))],
                )),
            ),
            ("hand, no entries", hand(hand_spec(2, &[]))),
            (
                "delta",
                hand(hand_spec(11, &[(&[0x05], Some(8)), (&[0x09], None)]).delta_of(10)),
            ),
            (
                "critical unknown",
                hand(with_unknown_critical(hand_spec(3, &[(&[0x01], Some(0))]))),
            ),
            (
                "indirect",
                indirect_crl(
                    &signer,
                    true,
                    &[
                        (&[0x42], None),
                        (&[0x42], Some(&ca_a)),
                        (&[0x43], None),
                        (&[0x42], Some(&ca_b)),
                        (&[0x44], None),
                    ],
                ),
            ),
            (
                "not indirect",
                indirect_crl(&signer, false, &[(&[0x01], Some(&ca_a))]),
            ),
        ]
    }

    /// Streaming the entries changes nothing: every fixture gives the same
    /// CRL as x509-parser's all-at-once parse, and so does every truncation
    /// and every one-byte change of them (or both fail the same way).
    #[test]
    fn streaming_parse_matches_parsing_all_at_once() {
        for (what, der) in fixtures() {
            let streamed = Crl::parse(&der, "t", Keys::Constant).expect(what);
            assert_same_crl(
                &streamed,
                &parse_all_at_once(&der, Keys::Constant).expect(what),
                what,
            );
            assert_same_outcome(&der, what);
            let mut trailing = der.clone();
            trailing.extend_from_slice(&[0x30, 0x00]);
            assert_same_outcome(&trailing, what);
            for cut in 0..der.len() {
                assert_same_outcome(&der[..cut], &format!("{what} cut at {cut}"));
            }
            for i in 0..der.len() {
                for change in [0xFF, 0x01, 0x20, 0x80] {
                    let mut bad = der.clone();
                    bad[i] ^= change;
                    assert_same_outcome(&bad, &format!("{what} byte {i} ^ {change:02x}"));
                }
            }
        }
        // and the lookups the earlier tests rely on
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        assert_eq!(
            crl.lookup(&[0x01]).and_then(|r| r.reason),
            Some(Reason::KeyCompromise)
        );
        assert!(crl.lookup(&[0x00, 0xFF]).expect("held").on_hold());
        assert_eq!(crl.lookup(&[0x12, 0x34]).map(|r| r.reason), Some(None));
    }

    /// The entries as x509-parser's own accessors read them (all at once):
    /// every serial's first listing is what `lookup` answers.
    #[test]
    fn lookups_agree_with_x509_parser_entries() {
        for (what, der) in fixtures() {
            let crl = Crl::from_der(&der, what).expect(what);
            if crl.is_indirect() || !crl.unsupported.is_empty() {
                continue;
            }
            let (_, parsed) = CertificateRevocationList::from_der(&der).expect(what);
            let mut seen = Vec::new();
            for entry in parsed.iter_revoked_certificates() {
                let serial = serial_key(entry.raw_serial()).to_vec();
                if seen.contains(&serial) {
                    continue;
                }
                seen.push(serial);
                let expected = Revoked {
                    time: to_utc(entry.revocation_date.timestamp()),
                    reason: entry.reason_code().map(|(_, c)| Reason::from_code(c.0)),
                    invalidity: entry.invalidity_date().map(|(_, t)| to_utc(t.timestamp())),
                };
                assert_eq!(crl.lookup(entry.raw_serial()), Some(expected), "{what}");
            }
            assert_eq!(
                crl.entries,
                parsed.iter_revoked_certificates().count(),
                "{what}"
            );
            assert_eq!(crl.distinct_serials(), seen.len(), "{what}");
        }
    }

    /// rcgen leaves revokedCertificates out when there are no entries (it
    /// is OPTIONAL); the hand-built CRL writes it empty. Both are CRLs with
    /// no entries that verify.
    #[test]
    fn no_entries_with_the_field_absent_or_empty() {
        let ca = Issued::root("Empty CA");
        let absent = sign(&ca, &crl_params(Vec::new()));
        let empty = build_crl(&ca, &hand_spec(7, &[]));
        let layout = Layout::of(&absent).expect("layout");
        assert_eq!(layout.revoked, None, "rcgen omits an empty list");
        assert!(!layout.after.is_empty(), "crlExtensions follow");
        assert_eq!(Layout::of(&empty).expect("layout").revoked, Some(&[][..]));
        for (what, der) in [("absent", &absent), ("empty", &empty)] {
            let crl = Crl::from_der(der, what).expect(what);
            assert_eq!((crl.entries, crl.distinct_serials()), (0, 0), "{what}");
            assert!(crl.table.records.is_empty() && crl.table.serials.is_empty());
            assert!(crl.crl_number.is_some(), "{what}");
            assert_eq!(crl.lookup(&[0x01]), None, "{what}");
            assert_eq!(crl.lookup(&[]), None, "{what}");
            assert_eq!(status_with_delta(&crl, None, &[0x01]), Ok(None), "{what}");
            crl.verify(&model(&ca)).expect(what);
        }
    }

    /// One entry that does not parse, between two that do, makes the whole
    /// CRL an error, as it did when x509-parser read the list at once.
    #[test]
    fn a_malformed_entry_in_the_middle_is_an_error() {
        let ca = Issued::root("Malformed Entry CA");
        let der = build_crl(
            &ca,
            &hand_spec(
                1,
                &[(&[0x01], Some(1)), (&[0x02], Some(4)), (&[0x03], None)],
            ),
        );
        Crl::from_der(&der, "t").expect("the CRL as built parses");
        let list = Layout::of(&der).expect("layout").revoked.expect("entries");
        let second = Element::read(list, "first entry")
            .expect("first entry")
            .rest;
        let at = second.as_ptr() as usize - der.as_ptr() as usize;
        // at: the second entry's SEQUENCE tag; its content starts at
        // at + 2 with the serial INTEGER, then the revocationDate UTCTime.
        assert_eq!(der[at..at + 3], [0x30, der[at + 1], 0x02]);
        assert_eq!(der[at + 5], 0x17);
        for (what, offset, tag) in [
            ("entry is a SET", at, 0x31),
            ("serial is an OCTET STRING", at + 2, 0x04),
            ("revocationDate is an OCTET STRING", at + 5, 0x04),
        ] {
            let mut bad = der.clone();
            bad[offset] = tag;
            match Crl::from_der(&bad, "t") {
                Err(CrlError::NotACrl { reason, .. }) => {
                    assert!(reason.contains("entry 2"), "{what}: {reason}")
                }
                other => panic!("{what}: {other:?}"),
            }
            assert!(parse_all_at_once(&bad, Keys::Constant).is_err(), "{what}");
        }
    }

    /// A second SEQUENCE after revokedCertificates is not crlExtensions:
    /// x509-parser refuses the CRL, and so does the streaming parse (which
    /// must not take it for the entry list once the first is taken out).
    #[test]
    fn a_second_entry_list_is_an_error() {
        let (_, der) = fixture();
        let layout = Layout::of(&der).expect("layout");
        let list = layout.revoked.expect("entries");
        let seq = |content: &[u8]| {
            yasna::construct_der(|w| w.write_sequence(|w| w.next().write_der(content)))
        };
        let seq_of = |parts: &[&[u8]]| {
            yasna::construct_der(|w| {
                w.write_sequence(|w| {
                    for part in parts {
                        w.next().write_der(part);
                    }
                })
            })
        };
        let empty_seq = [0x30, 0x00];
        let entries = seq(list);
        let tbs = seq_of(&[layout.before, &entries, &empty_seq, layout.after]);
        let crafted = seq_of(&[&tbs, layout.signature]);
        assert!(parse_all_at_once(&crafted, Keys::Constant).is_err());
        match Crl::from_der(&crafted, "t") {
            Err(CrlError::NotACrl { reason, .. }) => {
                assert!(reason.contains("crlExtensions"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        // the same pieces without the extra SEQUENCE make the CRL again
        let tbs = seq_of(&[layout.before, &entries, layout.after]);
        assert_eq!(seq_of(&[&tbs, layout.signature]), der);
    }

    /// Once verified, the DER can go: the lookups and the issuer checks
    /// stay, the signature can no longer be checked and says why.
    #[test]
    fn released_der_keeps_lookups_and_issuer_checks() {
        let (ca, der) = fixture();
        let ca = model(&ca);
        let mut crl = Crl::from_der(&der, "t").expect("parses");
        assert!(crl.has_der());
        assert_eq!(crl.der(), der.as_slice());
        crl.verify(&ca).expect("verifies");
        let kept = crl.clone();
        crl.release_der();
        assert!(!crl.has_der());
        assert!(crl.der().is_empty());
        assert_eq!(crl.verify_signature(&ca), Err(RELEASED.to_string()));
        assert_eq!(
            crl.verify_signature(&ca).expect_err("released"),
            "the CRL's bytes are no longer in memory (released after it verified); fetch it again to verify it with another key"
        );
        assert_eq!(crl.verify(&ca), Err(RELEASED.to_string()));
        crl.check_issuer(&ca).expect("no DER needed");
        let other = model(&Issued::root("Another CA"));
        let err = crl.check_issuer(&other).expect_err("other name");
        assert!(err.contains("is not the subject"), "{err}");
        // verify() checks the issuer first, with the same message
        assert_eq!(crl.verify(&other), Err(err));
        // a clone taken before still has it (shared, not copied)
        assert!(kept.has_der());
        kept.verify_signature(&ca).expect("the clone verifies");
        for serial in [&[0x01][..], &[0x00, 0xFF], &[0x12, 0x34], &[0x02], &[]] {
            assert_eq!(crl.lookup(serial), kept.lookup(serial), "{serial:02x?}");
        }
        assert!(crl.lookup(&[0x00, 0xFF]).expect("held").on_hold());
        assert_eq!(crl.freshness(at(2026, 2, 3)), Freshness::Fresh);
        assert_eq!(
            status_with_delta(&crl, None, &[0x01]),
            status_with_delta(&kept, None, &[0x01])
        );
        // verify_signature alone is the signature check: the right key
        // verifies, another key of the same name does not
        let impostor = model(&Issued::root("CRL Test CA"));
        kept.verify_signature(&impostor).expect_err("wrong key");
        kept.check_issuer(&impostor).expect("same name, KU cRLSign");
    }

    // --- scope (RFC 5280 §6.3.3 (b), (d)) ----------------------------------

    fn parsed(signer: &Issued, spec: &CrlSpec) -> Crl {
        Crl::from_der(&build_crl(signer, spec), "scope.crl").expect("parses")
    }

    fn with_cdp(ca: &Issued, spec: CertSpec, points: &[DpSpec]) -> Certificate {
        model(&ca.issue(spec.raw_extension(&[2, 5, 29, 31], false, distribution_points(points))))
    }

    fn uri_dp(uri: &str) -> DpSpec {
        DpSpec {
            uris: vec![uri.into()],
            ..DpSpec::default()
        }
    }

    /// §6.3.3 (b)(2)(i): one of the IDP's names must be one of the DP's;
    /// URIs compare with scheme and host case-insensitive (RFC 3986
    /// §6.2.2.1); a CRL without IDP covers every DP of its issuer.
    #[test]
    fn scope_idp_names_against_the_distribution_point() {
        let ca = Issued::root("Scope CA");
        let cert = with_cdp(
            &ca,
            CertSpec::leaf("s"),
            &[uri_dp("http://x.example/ca1.crl")],
        );
        let dp = &cert.distribution_points[0];
        assert_eq!(
            dp.names,
            Some(vec![DpName::Uri("http://x.example/ca1.crl".into())])
        );
        let idp = |uris: &[&str]| {
            parsed(
                &ca,
                &CrlSpec::new(1).idp(Idp {
                    uris: uris.iter().map(|u| u.to_string()).collect(),
                    ..Idp::default()
                }),
            )
        };
        assert_eq!(
            idp(&["http://x.example/ca1.crl"]).scope_for(&cert, dp, false),
            Ok(ALL_REASONS)
        );
        assert_eq!(
            idp(&["ldap://dir/cn=x", "HTTP://X.EXAMPLE/ca1.crl"]).scope_for(&cert, dp, false),
            Ok(ALL_REASONS)
        );
        let err = idp(&["http://x.example/ca2.crl"])
            .scope_for(&cert, dp, false)
            .expect_err("another DP");
        assert_eq!(
            err,
            "the CRL's Issuing Distribution Point names http://x.example/ca2.crl, the certificate's distribution point is http://x.example/ca1.crl"
        );
        assert!(idp(&["http://x.example/CA1.crl"])
            .scope_for(&cert, dp, false)
            .is_err());
        let full = parsed(&ca, &CrlSpec::new(1));
        assert_eq!(full.scope_for(&cert, dp, false), Ok(ALL_REASONS));
        // the implied DP of §6.3 is the issuer's name: an IDP naming it
        // as a directoryName matches, one naming a URI does not
        let implied = DistributionPoint {
            names: Some(vec![DpName::directory(&cert.issuer.raw)]),
            reasons: None,
            crl_issuer: Vec::new(),
        };
        let by_name = parsed(
            &ca,
            &CrlSpec::new(1).idp(Idp {
                dir_names: vec![cert.issuer.raw.clone()],
                ..Idp::default()
            }),
        );
        assert_eq!(by_name.scope_for(&cert, &implied, true), Ok(ALL_REASONS));
        let err = idp(&["http://x.example/ca1.crl"])
            .scope_for(&cert, &implied, true)
            .expect_err("URI against the issuer name");
        assert!(err.contains("implied distribution point"), "{err}");
    }

    /// §6.3.3 (b)(1) and (b)(2)(i): a DP naming a cRLIssuer wants a CRL
    /// from that issuer marked indirect; a DP without a name is matched by
    /// its cRLIssuer against the IDP's names.
    #[test]
    fn scope_crl_issuer_and_indirect() {
        let ca = Issued::root("Scope Indirect CA");
        let issuer = Issued::root("Scope CRL Issuer");
        let issuer_name = model(&issuer).subject.raw;
        let cert = with_cdp(
            &ca,
            CertSpec::leaf("i"),
            &[DpSpec {
                crl_issuer: Some(issuer_name.clone()),
                ..DpSpec::default()
            }],
        );
        let dp = &cert.distribution_points[0];
        assert_eq!(dp.names, None);
        let indirect = |dir_names: Vec<Vec<u8>>| {
            parsed(
                &issuer,
                &CrlSpec::new(1).idp(Idp {
                    indirect: true,
                    dir_names,
                    ..Idp::default()
                }),
            )
        };
        assert_eq!(
            indirect(Vec::new()).scope_for(&cert, dp, false),
            Ok(ALL_REASONS)
        );
        assert_eq!(
            indirect(vec![issuer_name.clone()]).scope_for(&cert, dp, false),
            Ok(ALL_REASONS)
        );
        let err = indirect(vec![model(&ca).subject.raw])
            .scope_for(&cert, dp, false)
            .expect_err("IDP names the CA, the DP's cRLIssuer is the CRL issuer");
        assert!(err.contains("has no name; its cRLIssuer is"), "{err}");
        let direct = parsed(&issuer, &CrlSpec::new(1));
        let err = direct
            .scope_for(&cert, dp, false)
            .expect_err("not indirect");
        assert!(err.contains("not marked indirect"), "{err}");
        // the CA's own CRL is not the one the DP names
        let own = parsed(&ca, &CrlSpec::new(1));
        let err = own.scope_for(&cert, dp, false).expect_err("other issuer");
        assert!(err.contains("names the CRL issuer"), "{err}");
        // a DP without cRLIssuer wants the certificate's issuer
        let plain = with_cdp(&ca, CertSpec::leaf("p"), &[uri_dp("http://x/ca.crl")]);
        let err = direct
            .scope_for(&plain, &plain.distribution_points[0], false)
            .expect_err("issuer");
        assert!(err.contains("the certificate by"), "{err}");
    }

    /// §6.3.3 (b)(2)(ii)-(iv): user-only CRLs do not cover CAs, CA-only
    /// CRLs do not cover end entities, attribute-certificate CRLs cover no
    /// public-key certificate.
    #[test]
    fn scope_user_ca_and_attribute_certificates() {
        let root = Issued::root("Scope Kind Root");
        let ca = model(&root.issue(CertSpec::ca("Scope Kind CA")));
        let leaf = model(&root.issue(CertSpec::leaf("k")));
        let any = DistributionPoint {
            names: None,
            reasons: None,
            crl_issuer: Vec::new(),
        };
        let with = |idp: Idp| parsed(&root, &CrlSpec::new(1).idp(idp));
        let users = with(Idp {
            only_user: true,
            ..Idp::default()
        });
        let cas = with(Idp {
            only_ca: true,
            ..Idp::default()
        });
        let attributes = with(Idp {
            only_attribute: true,
            ..Idp::default()
        });
        assert!(users.scope_for(&leaf, &any, false).is_ok());
        assert!(users.scope_for(&ca, &any, false).is_err());
        assert!(cas.scope_for(&ca, &any, false).is_ok());
        assert!(cas.scope_for(&leaf, &any, false).is_err());
        for cert in [&leaf, &ca] {
            let err = attributes.scope_for(cert, &any, false).expect_err("attr");
            assert!(err.contains("onlyContainsAttributeCerts"), "{err}");
        }
    }

    /// §6.3.3 (d): the reasons a CRL covers for a DP are the DP's reasons
    /// and the IDP's onlySomeReasons together (each all reasons when
    /// absent); onlySomeReasons no longer makes the CRL unusable.
    #[test]
    fn interim_reasons_mask() {
        use reason_bits::*;
        let ca = Issued::root("Reasons CA");
        let key_only = DpSpec {
            uris: vec!["http://x/r.crl".into()],
            reasons: Some(KEY_COMPROMISE),
            ..DpSpec::default()
        };
        let cert = with_cdp(
            &ca,
            CertSpec::leaf("r"),
            &[key_only, uri_dp("http://x/r.crl")],
        );
        assert_eq!(cert.distribution_points[0].reasons, Some(KEY_COMPROMISE));
        assert_eq!(cert.distribution_points[1].reasons, None);
        let partition = parsed(
            &ca,
            &CrlSpec::new(1).idp(Idp {
                only_some_reasons: Some(KEY_COMPROMISE | CA_COMPROMISE),
                ..Idp::default()
            }),
        );
        assert!(
            partition.unsupported.is_empty(),
            "{:?}",
            partition.unsupported
        );
        let scope = partition.scope.as_ref().expect("IDP");
        assert_eq!(scope.reasons, Some(KEY_COMPROMISE | CA_COMPROMISE));
        assert!(scope.only_some_reasons);
        let dps = &cert.distribution_points;
        assert_eq!(
            partition.scope_for(&cert, &dps[0], false),
            Ok(KEY_COMPROMISE)
        );
        assert_eq!(
            partition.scope_for(&cert, &dps[1], false),
            Ok(KEY_COMPROMISE | CA_COMPROMISE)
        );
        let full = parsed(&ca, &CrlSpec::new(1));
        assert_eq!(full.scope_for(&cert, &dps[0], false), Ok(KEY_COMPROMISE));
        assert_eq!(
            reason_names(KEY_COMPROMISE | AA_COMPROMISE | CERTIFICATE_HOLD),
            ["keyCompromise", "certificateHold", "aACompromise"]
        );
        assert_eq!(reason_names(ALL_REASONS).len(), 8);
    }

    /// RFC 3986 §6.2.2.1: scheme and host without regard to case, the rest
    /// (userinfo, path, query) exactly.
    #[test]
    fn uris_compare_as_rfc_3986_says() {
        for (a, b, same) in [
            ("http://x.example/a.crl", "HTTP://X.EXAMPLE/a.crl", true),
            (
                "http://x.example:80/a.crl",
                "http://X.example:80/a.crl",
                true,
            ),
            ("ldap://Dir.Example/CN=CA", "LDAP://dir.example/CN=CA", true),
            ("http://x.example/a.crl", "http://x.example/A.crl", false),
            ("http://User@x.example/", "http://user@x.example/", false),
            ("http://x.example/?Q", "http://x.example/?q", false),
            ("urn:Example:a", "URN:Example:a", true),
            ("urn:Example:a", "urn:example:a", false),
            ("no scheme", "no scheme", true),
        ] {
            assert_eq!(same_uri(a, b), same, "{a} vs {b}");
        }
    }

    /// §6.3.3 (c)(2), (3): a delta must carry the base's Issuing
    /// Distribution Point and authority key identifier.
    #[test]
    fn delta_must_have_the_base_idp_and_key_id() {
        let ca = Issued::root("Delta Scope CA");
        let idp = Idp {
            uris: vec!["http://x/ca.crl".into()],
            ..Idp::default()
        };
        let base = parsed(&ca, &CrlSpec::new(10).idp(idp.clone()));
        let fits = parsed(&ca, &CrlSpec::new(11).delta_of(10).idp(idp.clone()));
        check_delta_fits(&base, &fits).expect("same IDP");
        let no_idp = parsed(&ca, &CrlSpec::new(11).delta_of(10));
        let err = check_delta_fits(&base, &no_idp).expect_err("IDP");
        assert!(
            err.contains("different Issuing Distribution Points"),
            "{err}"
        );
        let other_idp = Idp {
            uris: vec!["http://x/other.crl".into()],
            ..idp.clone()
        };
        let other = parsed(&ca, &CrlSpec::new(11).delta_of(10).idp(other_idp));
        assert!(check_delta_fits(&base, &other).is_err());
        // same name, another key: another authority key identifier
        let rekeyed = Issued::root("Delta Scope CA");
        let foreign = parsed(&rekeyed, &CrlSpec::new(11).delta_of(10).idp(idp));
        let err = check_delta_fits(&base, &foreign).expect_err("AKI");
        assert!(err.contains("authority key id"), "{err}");
    }

    /// §4.2.1.13: a nameRelativeToCRLIssuer is the CRL issuer's name (the
    /// cRLIssuer's, else the certificate issuer's) with one more RDN.
    /// (x509-parser reads the RDN only when the [1] wraps a SET.)
    #[test]
    fn relative_distribution_point_names_are_made_full() {
        use x509_parser::extensions::CRLDistributionPoints;
        let issuer = model(&Issued::root("Relative CA")).subject.raw;
        let atv = [0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'x'];
        let set = crate::testkit::der_tlv(0x31, &atv);
        let dpn = crate::testkit::der_tlv(0xa0, &crate::testkit::der_tlv(0xa1, &set));
        let cdp = crate::testkit::der_tlv(0x30, &crate::testkit::der_tlv(0x30, &dpn));
        let (_, points) = CRLDistributionPoints::from_der(&cdp).expect("parses");
        let dp = DistributionPoint::from_x509(&points[0], &issuer);
        let Some([DpName::DirectoryName { der, text }]) = dp.names.as_deref() else {
            panic!("{dp:?}")
        };
        // the issuer's RDNs and then CN=x
        let content = &issuer[2..];
        let mut expected = vec![0x30, (content.len() + set.len()) as u8];
        expected.extend_from_slice(content);
        expected.extend_from_slice(&set);
        assert_eq!(der, &expected);
        assert!(text.ends_with("CN=x"), "{text}");
    }

    /// A CRL out of scope never answers, even when it lists the serial:
    /// neither revoked nor good (§6.3.3 (b)).
    #[test]
    fn out_of_scope_crls_do_not_answer() {
        use crate::revocation::{Mode, Policy, Revocation, Status};
        let ca = Issued::root("Out of Scope CA");
        let leaf = with_cdp(
            &ca,
            CertSpec::leaf("o").serial(&[0x11]),
            &[uri_dp("http://x/ca1.crl")],
        );
        let crl = parsed(
            &ca,
            &CrlSpec::new(1)
                .idp(Idp {
                    uris: vec!["http://x/ca2.crl".into()],
                    ..Idp::default()
                })
                .entry(CrlEntry::new(&[0x11]).reason(1)),
        );
        let mut rev = Revocation::new(Mode::Crl, Policy::Hard, chrono::Utc::now());
        rev.offline = true;
        rev.crls.push(Arc::new(crl));
        let check = rev.check(&leaf, &model(&ca), at(2026, 2, 10));
        let Status::Unknown { reason } = &check.status else {
            panic!("{check:?}")
        };
        assert!(reason.contains("out of scope"), "{reason}");
        assert!(reason.contains("not fetched (--offline)"), "{reason}");
    }

    #[test]
    fn reason_codes_round_trip() {
        for code in 0..=u8::MAX {
            let reason = Reason::from_code(code);
            assert_eq!(Reason::from_code(reason_code(reason)), reason);
        }
    }
}
