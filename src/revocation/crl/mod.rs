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

use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use x509_parser::asn1_rs::BitString;
use x509_parser::extensions::{
    CRLDistributionPoints, DistributionPointName, GeneralName, ParsedExtension,
};
use x509_parser::oid_registry::{
    OID_PKIX_AUTHORITY_INFO_ACCESS, OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER, OID_X509_EXT_CRL_NUMBER,
    OID_X509_EXT_DELTA_CRL_INDICATOR, OID_X509_EXT_FRESHEST_CRL, OID_X509_EXT_ISSUER_ALT_NAME,
    OID_X509_EXT_ISSUER_DISTRIBUTION_POINT,
};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::x509::AlgorithmIdentifier;

use super::same_name;
use crate::model::{
    dp_names, hex_lower, hex_upper, Certificate, DistributionPoint, DpName, KeyUsageBit,
};

mod delta;
mod der;
mod entries;
mod stored;
mod table;

pub use delta::{check_delta_fits, status_for, status_with_delta};
use der::{der_unsigned_integer, split_signed, Layout};
use entries::Reader;
pub use stored::{StoredCrl, FORMAT_VERSION};
pub(crate) use table::serial_key;
use table::{Keys, Table, CRL_ISSUER};

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
pub struct CrlScope {
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

/// How a CRL will be used, so how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Indexed now: every lookup O(1) (a sweep, a fetched CRL).
    Indexed,
    /// Every entry read and checked now (errors, notes, count) but none
    /// indexed: the first [`LAZY_SCANS`] lookups each scan the DER for
    /// their serial, later ones build the index once. A `--crl` file of
    /// `check`, looked up for one or two certificates, costs one pass
    /// over its entries instead of an index of all of them.
    ForLookups,
}

/// Lookups of a [`Read::ForLookups`] CRL answered by scanning its DER
/// before its index is built (a scan costs a few times one lookup's share
/// of building the index, so a handful of scans is cheaper than the
/// index, and more is not).
pub const LAZY_SCANS: usize = 8;

/// A [`Read::ForLookups`] CRL's entries: where they are in the DER, how
/// many lookups scanned them, the index once built (shared by clones).
#[derive(Clone)]
struct Lazy {
    list: std::ops::Range<usize>,
    scans: Arc<AtomicUsize>,
    built: Arc<OnceLock<Table>>,
    keys: Keys,
}

/// `Table`'s issuer index of an entry of `Reader`'s issuer `issuer`.
fn issuer_index(issuer: Option<usize>) -> u32 {
    issuer.map_or(CRL_ISSUER, |i| i as u32)
}

/// One parsed CRL, ready for O(1) lookups.
#[derive(Clone)]
pub struct Crl {
    /// File path or URL it came from.
    pub source: String,
    /// DER issuer name.
    pub issuer_raw: Vec<u8>,
    /// Its RFC 5280 §7.1 comparison form, made on first use.
    pub(crate) issuer_prepared: crate::model::PreparedName,
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
    pub scope: Option<CrlScope>,
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
    der: Option<Arc<Vec<u8>>>,
    /// The CRL without its entries (what x509-parser read): the header
    /// fields, for the disk cache (`stored`).
    header_der: Arc<Vec<u8>>,
    /// A CRL read for a few lookups ([`Read::ForLookups`]): `table` is
    /// empty, and lookups scan the DER.
    lazy: Option<Lazy>,
    /// SHA-256 of the DER (lower hex) of an indexed CRL (not computed for
    /// [`Read::ForLookups`]: a `--crl` file is one CRL per path): what a
    /// signature check is remembered by, with the key, and what the disk
    /// cache's table is checked against.
    der_sha256: Option<String>,
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
    /// entries are read one at a time (`entries::Reader`: the common shape
    /// directly, anything else with `RevokedCertificate::from_der`), each
    /// stored in the table and dropped. The parse needs the table and a
    /// copy of the DER ([`Crl::from_der_vec`] takes the caller's instead),
    /// and a constant amount besides.
    pub fn from_der(der: &[u8], source: &str) -> Result<Crl, CrlError> {
        Self::size_ok(der.len(), source)?;
        Self::parse(Arc::new(der.to_vec()), source, Keys::random(), false)
    }

    /// [`Crl::from_der`] keeping `der` itself (no copy).
    pub fn from_der_vec(der: Vec<u8>, source: &str) -> Result<Crl, CrlError> {
        Self::size_ok(der.len(), source)?;
        Self::parse(Arc::new(der), source, Keys::random(), false)
    }

    /// PEM or DER read for [`Read::Indexed`] use or [`Read::ForLookups`],
    /// keeping the bytes given (DER) or the DER they decode to (PEM, the
    /// text dropped before the entries are read): one copy of the CRL.
    pub fn read(bytes: Vec<u8>, source: &str, how: Read) -> Result<Crl, CrlError> {
        let der = Self::der_of(bytes, source)?;
        Self::size_ok(der.len(), source)?;
        Self::parse(
            Arc::new(der),
            source,
            Keys::random(),
            how == Read::ForLookups,
        )
    }

    fn size_ok(size: usize, source: &str) -> Result<(), CrlError> {
        if size > MAX_CRL_BYTES {
            return Err(CrlError::TooLarge {
                origin: source.to_string(),
                size,
            });
        }
        Ok(())
    }

    /// [`Crl::from_der`] with the index keys from `keys`; `lazy`: checks
    /// every entry but indexes none (see [`Read::ForLookups`]).
    fn parse(der: Arc<Vec<u8>>, source: &str, keys: Keys, lazy: bool) -> Result<Crl, CrlError> {
        let bytes = der.as_slice();
        Self::size_ok(bytes.len(), source)?;
        let not_a_crl = |reason: String| CrlError::NotACrl {
            origin: source.to_string(),
            reason,
        };
        let layout = Layout::of(bytes).map_err(not_a_crl)?;
        let (header_der, fields_at) = layout.without_entries().map_err(not_a_crl)?;
        let mut out = {
            let (_, crl) = CertificateRevocationList::from_der(&header_der)
                .map_err(|e| not_a_crl(e.to_string()))?;
            layout
                .check_parsed(&header_der, fields_at, &crl)
                .map_err(not_a_crl)?;
            Self::from_header(&crl, source, keys.clone())
        };
        if let Some(list) = layout.revoked {
            // Where the entries are in `der`, for the scans of a CRL read
            // for a few lookups.
            let at = (list.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
            let issuer_raw = out.issuer_raw.clone();
            let mut reader = Reader::new(
                &issuer_raw,
                out.is_indirect(),
                std::mem::take(&mut out.unsupported),
            );
            let mut table = match lazy {
                true => None,
                false => {
                    let (entries, serial_bytes) = Layout::sizes(list);
                    let mut table = Table::new(keys.clone());
                    table.reserve(entries, serial_bytes);
                    Some(table)
                }
            };
            // As x509-parser reads revokedCertificates (SEQUENCE OF, all
            // of the content): an entry that does not parse is an error.
            let mut rest = list;
            while let Some(entry) = reader.next(&mut rest).map_err(not_a_crl)? {
                if let Some(table) = table.as_mut() {
                    table.push(
                        issuer_index(entry.issuer),
                        serial_key(entry.serial_raw),
                        &entry.revoked,
                    );
                }
            }
            out.entries = reader.entries;
            out.unsupported = reader.unsupported;
            out.other_issuers = reader.other_issuers;
            match table {
                Some(table) => out.table = table,
                None => {
                    out.lazy = Some(Lazy {
                        list: at..at.saturating_add(list.len()),
                        scans: Arc::new(AtomicUsize::new(0)),
                        built: Arc::new(OnceLock::new()),
                        keys,
                    })
                }
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
        match split_signed(bytes) {
            Some((tbs, _, _)) if tbs == layout.tbs => {}
            _ => return Err(not_a_crl("CertificateList is not DER-framed".into())),
        }
        out.header_der = Arc::new(header_der);
        if !lazy {
            out.der_sha256 = Some(hex_lower(
                ring::digest::digest(&ring::digest::SHA256, bytes).as_ref(),
            ));
        }
        out.finish(der);
        Ok(out)
    }

    /// PEM (`-----BEGIN X509 CRL-----`, text around it is ignored) or DER.
    pub fn from_pem_or_der(bytes: &[u8], source: &str) -> Result<Crl, CrlError> {
        if !is_pem(bytes) {
            return Self::from_der(bytes, source);
        }
        let der = pem_der(bytes, source)?;
        Self::size_ok(der.len(), source)?;
        Self::parse(Arc::new(der), source, Keys::random(), false)
    }

    /// The DER of `bytes`, PEM or DER (see [`Crl::from_pem_or_der`]).
    fn der_of(bytes: Vec<u8>, source: &str) -> Result<Vec<u8>, CrlError> {
        match is_pem(&bytes) {
            true => pem_der(&bytes, source),
            false => Ok(bytes),
        }
    }

    /// The CRL's fields but no entries (`crl` is parsed without them, see
    /// [`Crl::from_der`]): add them with [`Crl::add_entry`], then
    /// [`Crl::finish`].
    fn from_header(crl: &CertificateRevocationList<'_>, source: &str, keys: Keys) -> Crl {
        let tbs = &crl.tbs_cert_list;
        let mut out = Crl {
            source: source.to_string(),
            issuer_raw: tbs.issuer.as_raw().to_vec(),
            issuer_prepared: Default::default(),
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
            header_der: Arc::default(),
            lazy: None,
            der_sha256: None,
            crl_number_raw: None,
            delta_of_raw: None,
            table: Table::new(keys),
            other_issuers: Vec::new(),
        };
        out.read_extensions(crl);
        out
    }

    /// Keeps `der` (the CRL the entries were read from) for
    /// [`Crl::verify_signature`] and indexes the entries (unless they are
    /// to be scanned, [`Read::ForLookups`]).
    fn finish(&mut self, der: Arc<Vec<u8>>) {
        self.der = Some(der);
        if self.lazy.is_none() {
            self.table.index();
        }
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
                    self.scope = Some(CrlScope {
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

    /// SHA-256 of the DER (lower hex); `None` for a CRL read for lookups.
    pub fn der_sha256(&self) -> Option<&str> {
        self.der_sha256.as_deref()
    }

    /// The CRL as it was read (DER); empty after [`Crl::release_der`].
    pub fn der(&self) -> &[u8] {
        self.der.as_deref().map(Vec::as_slice).unwrap_or_default()
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
        // A CRL read for lookups needs its DER for them: index it first.
        if let Some(lazy) = self.lazy.take() {
            match self.built(&lazy) {
                Ok(table) => self.table = table.clone(),
                Err(_) => {
                    // Not reached (the entries were read once already);
                    // keep the DER rather than lose the entries.
                    self.lazy = Some(lazy);
                    return;
                }
            }
        }
        self.der = None;
    }

    /// Distinct serials of the CRL issuer's certificates (for an indirect
    /// CRL, other issuers' entries are not counted).
    pub fn distinct_serials(&self) -> usize {
        match &self.lazy {
            Some(lazy) => self.built(lazy).map_or(0, |t| t.direct),
            None => self.table.direct,
        }
    }

    /// Whether the entries are scanned rather than indexed (yet): see
    /// [`Read::ForLookups`].
    pub fn is_scanned(&self) -> bool {
        self.lazy.as_ref().is_some_and(|l| l.built.get().is_none())
    }

    /// A [`Read::ForLookups`] CRL's index, built on first use.
    fn built<'s>(&'s self, lazy: &'s Lazy) -> Result<&'s Table, String> {
        if let Some(table) = lazy.built.get() {
            return Ok(table);
        }
        let mut table = Table::new(lazy.keys.clone());
        self.scan(lazy, |issuer, serial, revoked| {
            table.push(issuer, serial, revoked);
            false
        })?;
        table.index();
        Ok(lazy.built.get_or_init(|| table))
    }

    /// Reads a [`Read::ForLookups`] CRL's entries again (they were read
    /// and checked at parse) and hands each to `each` (issuer index,
    /// `serial_key`, entry) until it returns true.
    fn scan(
        &self,
        lazy: &Lazy,
        mut each: impl FnMut(u32, &[u8], &Revoked) -> bool,
    ) -> Result<(), String> {
        let mut list = self
            .der()
            .get(lazy.list.clone())
            .ok_or("the CRL's entries are no longer in memory")?;
        let mut reader = Reader::new(&self.issuer_raw, self.is_indirect(), Vec::new());
        while let Some(entry) = reader.next(&mut list)? {
            if each(
                issuer_index(entry.issuer),
                serial_key(entry.serial_raw),
                &entry.revoked,
            ) {
                break;
            }
        }
        Ok(())
    }

    /// The entry of `issuer` (index) for `serial` (a `serial_key`): from
    /// the index, or for a [`Read::ForLookups`] CRL by a scan (the first
    /// listing wins, as in the index) until [`LAZY_SCANS`] were made.
    fn entry(&self, issuer: u32, serial: &[u8]) -> Result<Option<Revoked>, String> {
        let Some(lazy) = &self.lazy else {
            return Ok(self.table.get(issuer, serial));
        };
        if lazy.built.get().is_none() && lazy.scans.fetch_add(1, Ordering::Relaxed) < LAZY_SCANS {
            let mut found = None;
            self.scan(lazy, |i, s, revoked| {
                if i == issuer && s == serial {
                    found = Some(*revoked);
                }
                found.is_some()
            })?;
            return Ok(found);
        }
        Ok(self.built(lazy)?.get(issuer, serial))
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
    ///
    /// `None` also when a [`Read::ForLookups`] CRL's entries cannot be
    /// read again (not reached: they were read at parse); the revocation
    /// checks use [`Crl::try_lookup_issued_by`], which says so.
    pub fn lookup(&self, serial_raw: &[u8]) -> Option<Revoked> {
        self.entry(CRL_ISSUER, serial_key(serial_raw))
            .ok()
            .flatten()
    }

    /// The entry for the certificate with `serial_raw` issued by
    /// `issuer_raw` (DER name): the CRL issuer's own, or, in an indirect
    /// CRL, another CA's listed under a certificateIssuer (§5.3.3).
    pub fn lookup_issued_by(&self, issuer_raw: &[u8], serial_raw: &[u8]) -> Option<Revoked> {
        self.try_lookup_issued_by(issuer_raw, serial_raw)
            .ok()
            .flatten()
    }

    /// [`Crl::lookup_issued_by`]; `Err` when the entries of a
    /// [`Read::ForLookups`] CRL could not be read again.
    pub fn try_lookup_issued_by(
        &self,
        issuer_raw: &[u8],
        serial_raw: &[u8],
    ) -> Result<Option<Revoked>, String> {
        let issuer = if same_name(issuer_raw, &self.issuer_raw) {
            CRL_ISSUER
        } else {
            match self
                .other_issuers
                .iter()
                .position(|n| same_name(n, issuer_raw))
            {
                Some(i) => i as u32,
                None => return Ok(None),
            }
        };
        self.entry(issuer, serial_key(serial_raw))
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
        hex_upper(digits)
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

/// Whether `bytes` are to be read as PEM: they start with armour, or hold
/// an `X509 CRL` block somewhere.
fn is_pem(bytes: &[u8]) -> bool {
    trim_ascii_start(bytes).starts_with(b"-----BEGIN")
        || find(bytes, b"-----BEGIN X509 CRL-----").is_some()
}

/// The DER of the first `X509 CRL` PEM block of `bytes`.
fn pem_der(bytes: &[u8], source: &str) -> Result<Vec<u8>, CrlError> {
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
    let block = pem::parse(bytes.get(start..).unwrap_or_default()).map_err(|e| CrlError::Pem {
        origin: source.to_string(),
        reason: e.to_string(),
    })?;
    Ok(block.into_contents())
}

/// Where `needle` first is in `haystack`. Skips to each occurrence of its
/// first byte: a DER CRL of tens of MiB is searched for PEM armour once.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = haystack.get(from..)?.iter().position(|b| *b == first) {
        let at = from + i;
        if haystack.get(at + 1..)?.starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    bytes.get(skip..).unwrap_or_default()
}

#[cfg(test)]
mod tests;
