//! Certificate revocation lists (RFC 5280 §5): parse once, look up in O(1).
//!
//! rustls-webpki rejects delta CRLs and re-checks the CRL signature on every
//! lookup (see `research/crates.md`), and AD CS publishes delta CRLs, so the
//! auditor keeps its own CRL model: a [`Crl`] is parsed once into a compact
//! table indexed by a keyed hash of the serial's magnitude (16 bytes a
//! record plus the index; the serial bytes stay in the DER, which is kept
//! for [`Crl::verify`]), [`Crl::verify`] checks issuer name, KU
//! cRLSign and signature, [`Crl::freshness`] judges thisUpdate/nextUpdate
//! against the audit time (passed in, never read), and
//! [`status_with_delta`] combines a base CRL with a delta CRL (§5.2.4).

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
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
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::x509::AlgorithmIdentifier;

use crate::model::{hex_lower, Certificate, KeyUsageBit};

/// The largest CRL DER accepted. Real CRLs of big CAs reach tens of MiB;
/// anything above this is refused before parsing so memory stays bounded.
pub const MAX_CRL_BYTES: usize = 64 * 1024 * 1024;

// The table stores DER offsets, serial lengths, entry and issuer indexes as
// u32: all are bounded by twice the DER size (serials not found in the DER
// are copied after it), so the size limit keeps them in range.
const _: () = assert!(MAX_CRL_BYTES <= (u32::MAX / 2) as usize);

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

/// Issuing Distribution Point scope (§5.2.5), as far as lookups care.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Scope {
    pub only_user_certs: bool,
    pub only_ca_certs: bool,
    pub only_attribute_certs: bool,
    pub only_some_reasons: bool,
    pub indirect: bool,
    pub distribution_points: Vec<String>,
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
    /// critical extensions, indirect-CRL entries). [`Crl::verify`] fails
    /// when this is not empty (RFC 5280 §5.2, §5.3).
    pub unsupported: Vec<String>,
    /// Shared with `table` (the serials it indexes are read from it).
    der: Arc<[u8]>,
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
    pub fn from_der(der: &[u8], source: &str) -> Result<Crl, CrlError> {
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
        let (rest, crl) =
            CertificateRevocationList::from_der(der).map_err(|e| not_a_crl(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CrlError::TrailingData {
                origin: source.to_string(),
                extra: rest.len(),
            });
        }
        // verify() re-splits the DER to find the signed bytes; make sure the
        // split agrees with what x509-parser parsed, so the signature covers
        // exactly the entries in the table.
        match split_signed(der) {
            Some((tbs, _, _)) if tbs == crl.tbs_cert_list.as_ref() => {}
            _ => return Err(not_a_crl("CertificateList is not DER-framed".into())),
        }
        let mut out = Self::from_parsed(der, &crl, source, Keys::random());
        // x509-parser holds every entry (hundreds of bytes each) until
        // here: copy the DER and build the index after, not on top of it.
        drop(crl);
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

    /// `der` is the input `crl` was parsed from (at most [`MAX_CRL_BYTES`]).
    /// Lookups find nothing until [`Crl::finish`].
    fn from_parsed(
        der: &[u8],
        crl: &CertificateRevocationList<'_>,
        source: &str,
        keys: Keys,
    ) -> Crl {
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
            entries: tbs.revoked_certificates.len(),
            unsupported: Vec::new(),
            der: Arc::default(),
            crl_number_raw: None,
            delta_of_raw: None,
            table: Table::new(keys, tbs.revoked_certificates.len()),
            other_issuers: Vec::new(),
        };
        out.read_extensions(crl);
        let indirect = out.scope.as_ref().is_some_and(|s| s.indirect);
        // §5.3.3: in an indirect CRL an entry without certificateIssuer
        // belongs to the issuer of the entry before it, the first one to
        // the CRL issuer. `None` is the CRL issuer.
        let mut current: Option<usize> = None;
        for entry in &tbs.revoked_certificates {
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
                                &mut out.unsupported,
                                "an entry has a certificateIssuer extension, but the CRL is not marked indirect (IDP indirectCRL)".into(),
                            );
                            continue;
                        }
                        match directory_name(ext.value) {
                            Some(name) if name == out.issuer_raw => current = None,
                            Some(name) => {
                                current =
                                    Some(match out.other_issuers.iter().position(|n| *n == name) {
                                        Some(i) => i,
                                        None => {
                                            out.other_issuers.push(name);
                                            out.other_issuers.len() - 1
                                        }
                                    })
                            }
                            None => note(
                                &mut out.unsupported,
                                "a certificateIssuer extension without a directory name".into(),
                            ),
                        }
                    }
                    _ if ext.oid == OID_X509_EXT_REASON_CODE
                        || ext.oid == OID_X509_EXT_INVALIDITY_DATE =>
                    {
                        // Known but malformed: keep the entry, note it.
                        note(
                            &mut out.unsupported,
                            format!("malformed entry extension {}", ext.oid.to_id_string()),
                        );
                    }
                    _ if ext.critical => note(
                        &mut out.unsupported,
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
            out.table
                .push(der, issuer, serial_key(entry.raw_serial()), &revoked);
        }
        out
    }

    /// Keeps `der` (what [`Crl::from_parsed`] read) and indexes the entries.
    fn finish(&mut self, der: &[u8]) {
        self.der = Arc::from(der);
        self.table.index(Arc::clone(&self.der));
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
                    let scope = Scope {
                        only_user_certs: idp.only_contains_user_certs,
                        only_ca_certs: idp.only_contains_ca_certs,
                        only_attribute_certs: idp.only_contains_attribute_certs,
                        only_some_reasons: idp.only_some_reasons.is_some(),
                        indirect: idp.indirect_crl,
                        distribution_points: match &idp.distribution_point {
                            Some(DistributionPointName::FullName(names)) => {
                                names.iter().map(general_name_text).collect()
                            }
                            Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
                                vec!["<name relative to CRL issuer>".into()]
                            }
                            None => Vec::new(),
                        },
                    };
                    // A partitioned CRL only covers part of the issuer's
                    // certificates: "not listed" would not mean "not revoked".
                    if scope.only_some_reasons {
                        note(
                            &mut self.unsupported,
                            "CRL partitioned by reason (IDP onlySomeReasons)".into(),
                        );
                    }
                    self.scope = Some(scope);
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

    /// The CRL as it was read (DER).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Distinct serials of the CRL issuer's certificates (for an indirect
    /// CRL, other issuers' entries are not counted).
    pub fn distinct_serials(&self) -> usize {
        self.table.direct
    }

    /// Whether this is a delta CRL (has a Delta CRL Indicator).
    pub fn is_delta(&self) -> bool {
        self.delta_of.is_some()
    }

    /// Signature and issuer: the CRL's issuer name equals the certificate
    /// issuer's subject (DER equality), the issuer's KU (if present) has
    /// cRLSign (§4.2.1.3), the CRL has nothing this code cannot honour, and
    /// the signature verifies with the issuer's key.
    pub fn verify(&self, issuer: &Certificate) -> Result<(), String> {
        if self.issuer_raw != issuer.subject.raw {
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
        let (_, ca) = x509_parser::certificate::X509Certificate::from_der(&issuer.der)
            .map_err(|e| format!("issuing CA certificate does not parse: {e}"))?;
        let (tbs, alg_der, sig_der) =
            split_signed(&self.der).ok_or("CRL is not DER-framed (checked at parse)")?;
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

    /// Serials compared as integers (leading zero octets and the sign octet
    /// do not matter): 0x00FF == 0xFF, 0x0001 == 0x01. For certificates of
    /// the CRL issuer; see [`Crl::lookup_issued_by`] for indirect CRLs.
    /// O(1): one keyed hash of the serial, one probe of the index.
    pub fn lookup(&self, serial_raw: &[u8]) -> Option<Revoked> {
        self.table.get(CRL_ISSUER, serial_key(serial_raw))
    }

    /// The entry for the certificate with `serial_raw` issued by
    /// `issuer_raw` (DER name): the CRL issuer's own, or, in an indirect
    /// CRL, another CA's listed under a certificateIssuer (§5.3.3).
    pub fn lookup_issued_by(&self, issuer_raw: &[u8], serial_raw: &[u8]) -> Option<Revoked> {
        if issuer_raw == self.issuer_raw.as_slice() {
            return self.lookup(serial_raw);
        }
        let i = self.other_issuers.iter().position(|n| n == issuer_raw)?;
        self.table.get(i as u32, serial_key(serial_raw))
    }

    /// Whether the CRL is indirect (IDP indirectCRL): it may list other
    /// CAs' certificates and be signed by a CRL issuer that is not their CA.
    pub fn is_indirect(&self) -> bool {
        self.scope.as_ref().is_some_and(|s| s.indirect)
    }

    /// For an indirect CRL signed by `signer` (whose subject is the CRL
    /// issuer) on behalf of the CA `ca` that issued the certificate being
    /// checked (RFC 5280 §6.3.3 (b), (f)): the CRL is marked indirect, the
    /// signer's subject is the CRL's issuer, `ca` certified the signer (its
    /// signature verifies with `ca`'s key: the same trust anchor), the
    /// signer is valid at `at` and may sign CRLs (cRLSign), and the CRL's
    /// signature verifies with the signer's key.
    pub fn verify_indirect(
        &self,
        signer: &Certificate,
        ca: &Certificate,
        at: DateTime<Utc>,
    ) -> Result<(), String> {
        if !self.is_indirect() {
            return Err(format!(
                "CRL issuer \"{}\" is not the certificate's CA and the CRL is not marked indirect",
                self.issuer_text
            ));
        }
        if signer.issuer.raw != ca.subject.raw {
            return Err(format!(
                "CRL issuer certificate \"{}\" was not issued by \"{}\", the certificate's CA",
                signer.subject.text, ca.subject.text
            ));
        }
        if at < signer.not_before || at > signer.not_after {
            return Err(format!(
                "CRL issuer certificate \"{}\" is not valid at the audit time",
                signer.subject.text
            ));
        }
        let (_, ca_x509) = x509_parser::certificate::X509Certificate::from_der(&ca.der)
            .map_err(|e| format!("CA certificate does not parse: {e}"))?;
        let (_, signer_x509) = x509_parser::certificate::X509Certificate::from_der(&signer.der)
            .map_err(|e| format!("CRL issuer certificate does not parse: {e}"))?;
        signer_x509
            .verify_signature(Some(&ca_x509.tbs_certificate.subject_pki))
            .map_err(|e| {
                format!(
                    "CRL issuer certificate \"{}\" does not verify with the key of \"{}\": {e}",
                    signer.subject.text, ca.subject.text
                )
            })?;
        self.verify(signer)
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
/// `serial_len` bytes at `serial_at` in the DER (or, past the DER's end, in
/// `Table::extra`).
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

/// A CRL's entries, compact: a 16-byte [`Record`] each, the serials left in
/// the DER, and an O(1) index from the keyed 64-bit hash of (issuer,
/// serial) to the record. Keys that collide (different entries, same 64-bit
/// hash) are told apart by comparing the serials; all but the first are
/// listed in `overflow`.
#[derive(Clone)]
struct Table {
    der: Arc<[u8]>,
    records: Vec<Record>,
    /// Issuer index of each record; empty while all are `CRL_ISSUER`'s (a
    /// CRL that is not indirect never has any other).
    issuers: Vec<u32>,
    /// Serials that were not found in the DER (not expected: x509-parser
    /// borrows them from it); `serial_at` is `der.len()` + the offset here.
    extra: Vec<u8>,
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
    fn new(keys: Keys, entries: usize) -> Table {
        Table {
            der: Arc::default(),
            records: Vec::with_capacity(entries),
            issuers: Vec::new(),
            extra: Vec::new(),
            long_serials: HashMap::new(),
            invalidity: HashMap::new(),
            index: HashMap::with_hasher(PreHashed),
            overflow: HashMap::with_hasher(PreHashed),
            keys,
            direct: 0,
        }
    }

    /// Records the entry for `serial` (a `serial_key`, normally a slice of
    /// `input`, the DER being parsed) issued by `issuer`. Not found by
    /// [`Table::get`] until [`Table::index`].
    fn push(&mut self, input: &[u8], issuer: u32, serial: &[u8], revoked: &Revoked) {
        let at = self.records.len() as u32;
        let serial_at = self.locate(input, serial);
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

    /// Where `serial` is in `input`: its offset if it is a slice of it,
    /// else (not expected: x509-parser borrows serials from its input) past
    /// the end, copied to `extra`.
    fn locate(&mut self, input: &[u8], serial: &[u8]) -> u32 {
        let at = (serial.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
        let inside = at
            .checked_add(serial.len())
            .and_then(|end| input.get(at..end))
            .is_some_and(|bytes| bytes == serial);
        if inside {
            return at as u32;
        }
        let at = input.len() + self.extra.len();
        self.extra.extend_from_slice(serial);
        at as u32
    }

    /// Takes `der`, a copy of the `input` the entries were pushed from, and
    /// indexes the entries. A serial of an issuer listed twice: the first
    /// entry wins, the later ones stay unindexed.
    fn index(&mut self, der: Arc<[u8]>) {
        self.der = der;
        self.issuers.shrink_to_fit();
        self.extra.shrink_to_fit();
        let mut index = HashMap::with_capacity_and_hasher(self.records.len(), PreHashed);
        let mut overflow: HashMap<Key, Vec<u32>, PreHashed> = HashMap::with_hasher(PreHashed);
        let mut direct = 0;
        for i in 0..self.records.len() as u32 {
            let issuer = self.issuer_of(i);
            // Always there: `push` stored where to find it.
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
        let (bytes, at) = match at.checked_sub(self.der.len()) {
            Some(past_der) => (&self.extra[..], past_der),
            None => (&self.der[..], at),
        };
        bytes.get(at..at.checked_add(len)?)
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

fn check_delta_fits(base: &Crl, delta: &Crl) -> Result<(), String> {
    let delta_of = delta.delta_of_raw.as_deref().ok_or_else(|| {
        format!(
            "{} has no Delta CRL Indicator, so it is not a delta CRL",
            delta.source
        )
    })?;
    if delta.issuer_raw != base.issuer_raw {
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
    if delta
        .scope
        .as_ref()
        .map(|s| (s.only_user_certs, s.only_ca_certs))
        != base
            .scope
            .as_ref()
            .map(|s| (s.only_user_certs, s.only_ca_certs))
    {
        return Err(format!(
            "delta CRL {} and base CRL {} have different Issuing Distribution Point scopes",
            delta.source, base.source
        ));
    }
    Ok(())
}

/// The magnitude of a DER INTEGER's content octets: leading zero octets
/// (including DER's sign octet) stripped, so 0x00FF and 0xFF are one key.
fn serial_key(raw: &[u8]) -> &[u8] {
    let zeros = raw.iter().take_while(|b| **b == 0).count();
    raw.get(zeros..).unwrap_or_default()
}

fn cmp_magnitude(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (a, b) = (serial_key(a), serial_key(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn upper_hex(bytes: &[u8]) -> String {
    let digits = serial_key(bytes);
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
    use crate::testkit::{cdp_with_crl_issuer, indirect_crl, ymd, CertSpec, Issued};
    use rcgen::{
        CertificateRevocationListParams, Issuer, KeyIdMethod, KeyUsagePurpose, RevocationReason,
        RevokedCertParams, SerialNumber, SigningKey,
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

    #[test]
    fn serials_compare_as_integers() {
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        // Certificate carries 0x0001 (non-minimal) vs CRL 0x01.
        assert!(crl.lookup(&[0x00, 0x01]).is_some());
        // 0xFF without the sign octet, and with two zero octets.
        assert!(crl.lookup(&[0xFF]).is_some());
        assert!(crl.lookup(&[0x00, 0x00, 0xFF]).is_some());
        // 0x01FF is a different integer.
        assert!(crl.lookup(&[0x01, 0xFF]).is_none());
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
    // CRLs are built with yasna and signed with the CA's rcgen key (P-256,
    // ecdsa-with-SHA256), which exercises the same parse/verify path.

    struct HandCrl<'a> {
        number: u64,
        delta_of: Option<u64>,
        critical_unknown: bool,
        entries: &'a [(&'a [u8], Option<u8>)],
    }

    fn hand_crl(ca: &Issued, spec: &HandCrl<'_>) -> Vec<u8> {
        use yasna::models::{ObjectIdentifier, UTCTime};
        use yasna::Tag;
        let issuer = model(ca).subject.raw;
        let ecdsa_sha256 = ObjectIdentifier::from_slice(&[1, 2, 840, 10045, 4, 3, 2]);
        let alg = yasna::construct_der(|w| w.write_sequence(|w| w.next().write_oid(&ecdsa_sha256)));
        let utc = |s: &str| UTCTime::parse(s.as_bytes()).expect("utc");
        let ext = |w: yasna::DERWriter<'_>, oid: &[u64], critical: bool, value: Vec<u8>| {
            w.write_sequence(|w| {
                w.next().write_oid(&ObjectIdentifier::from_slice(oid));
                if critical {
                    w.next().write_bool(true);
                }
                w.next().write_bytes(&value);
            })
        };
        let tbs = yasna::construct_der(|w| {
            w.write_sequence(|w| {
                w.next().write_u8(1); // v2
                w.next().write_der(&alg);
                w.next().write_der(&issuer);
                w.next().write_utctime(&utc("260203000000Z"));
                w.next().write_utctime(&utc("260204000000Z"));
                w.next().write_sequence(|w| {
                    for (serial, reason) in spec.entries {
                        w.next().write_sequence(|w| {
                            w.next().write_bigint_bytes(serial, true);
                            w.next().write_utctime(&utc("260202000000Z"));
                            if let Some(code) = reason {
                                w.next().write_sequence(|w| {
                                    let v = yasna::construct_der(|w| w.write_enum(*code as i64));
                                    ext(w.next(), &[2, 5, 29, 21], false, v);
                                });
                            }
                        });
                    }
                });
                w.next().write_tagged(Tag::context(0), |w| {
                    w.write_sequence(|w| {
                        let n = yasna::construct_der(|w| w.write_u64(spec.number));
                        ext(w.next(), &[2, 5, 29, 20], false, n);
                        if let Some(base) = spec.delta_of {
                            let b = yasna::construct_der(|w| w.write_u64(base));
                            ext(w.next(), &[2, 5, 29, 27], true, b);
                        }
                        // Freshest CRL pointing at the delta location, on
                        // bases and deltas alike (as AD CS publishes them).
                        {
                            let f = yasna::construct_der(|w| {
                                w.write_sequence(|w| {
                                    w.next().write_sequence(|w| {
                                        w.next().write_tagged(Tag::context(0), |w| {
                                            w.write_tagged_implicit(Tag::context(0), |w| {
                                                w.write_sequence(|w| {
                                                    w.next().write_tagged_implicit(
                                                        Tag::context(6),
                                                        |w| {
                                                            w.write_ia5_string(
                                                                "http://pki.example.com/delta.crl",
                                                            )
                                                        },
                                                    )
                                                })
                                            })
                                        })
                                    })
                                })
                            });
                            ext(w.next(), &[2, 5, 29, 46], false, f);
                        }
                        if spec.critical_unknown {
                            ext(w.next(), &[1, 3, 6, 1, 4, 1, 99999, 1], true, vec![5, 0]);
                        }
                    })
                });
            })
        });
        let sig = ca.key.sign(&tbs).expect("sign");
        yasna::construct_der(|w| {
            w.write_sequence(|w| {
                w.next().write_der(&tbs);
                w.next().write_der(&alg);
                w.next().write_bitvec_bytes(&sig, sig.len() * 8);
            })
        })
    }

    /// Base CRL number 10: 0x05 on hold, 0x06 keyCompromise.
    fn base_and_ca() -> (Issued, Crl) {
        let ca = Issued::root("Delta CA");
        let base = hand_crl(
            &ca,
            &HandCrl {
                number: 10,
                delta_of: None,
                critical_unknown: false,
                entries: &[(&[0x05], Some(6)), (&[0x06], Some(1))],
            },
        );
        let base = Crl::from_der(&base, "base.crl").expect("base parses");
        base.verify(&model(&ca)).expect("hand-built base verifies");
        (ca, base)
    }

    fn delta(ca: &Issued, number: u64, of: u64, entries: &[(&[u8], Option<u8>)]) -> Crl {
        let der = hand_crl(
            ca,
            &HandCrl {
                number,
                delta_of: Some(of),
                critical_unknown: false,
                entries,
            },
        );
        Crl::from_der(&der, "delta.crl").expect("delta parses")
    }

    /// The whole CRL path of `Revocation::check`: a base from `--crl`, its
    /// delta from the base's Freshest CRL location (seeded in the per-run
    /// cache, so no network), applied; without the delta the base decides
    /// and the report says the answer may be out of date.
    #[test]
    fn revocation_applies_the_delta_a_base_names() {
        use crate::audit::revocation::{Mode, Policy, Revocation, Status};
        use std::sync::Arc;
        let (ca, base) = base_and_ca();
        let held = ca.issue(crate::testkit::CertSpec::leaf("held").serial(&[0x05]));
        let held = model(&held);
        let at = chrono::DateTime::parse_from_rfc3339("2026-02-03T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let with = |delta: Option<Crl>, offline: bool| {
            let mut rev = Revocation::new(Mode::Crl, Policy::Soft);
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
        // offline: the base's hold stands, and it says the delta was not read
        let offline = with(None, true);
        assert!(
            matches!(offline.status, Status::Revoked { .. }),
            "{:?}",
            offline.status
        );
        assert!(offline
            .attempts
            .iter()
            .any(|a| a.outcome.contains("--offline") && a.outcome.contains("out of date")));
        // a delta that does not fit the base is not applied, and said so
        let wrong = with(Some(delta(&ca, 9, 12, &[(&[0x05], Some(8))])), false);
        assert!(
            matches!(wrong.status, Status::Revoked { .. }),
            "{:?}",
            wrong.status
        );
        assert!(wrong
            .attempts
            .iter()
            .any(|a| a.outcome.contains("delta CRL not applied")));
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
        let der = hand_crl(
            &ca,
            &HandCrl {
                number: 1,
                delta_of: None,
                critical_unknown: true,
                entries: &[],
            },
        );
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
        use crate::audit::revocation::{Mode, Policy, Revocation, Status};
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
        let mut rev = Revocation::new(Mode::Crl, Policy::Soft);
        rev.offline = true;
        rev.crls.push(std::sync::Arc::new(crl));
        let now = at(2026, 2, 5);
        let check = rev.check_with_signers(&revoked, &ca_model, now, &[&signer_model], true);
        assert!(matches!(check.status, Status::Revoked { .. }), "{check:?}");
        let check = rev.check_with_signers(
            &same_serial_as_signer_entry,
            &ca_model,
            now,
            &[&signer_model],
            true,
        );
        assert!(matches!(check.status, Status::Good { .. }), "{check:?}");
        // no certificate of the CRL issuer: unknown, never good
        let check = rev.check_with_signers(&revoked, &ca_model, now, &[], true);
        let Status::Unknown { reason } = &check.status else {
            panic!("{check:?}")
        };
        assert!(
            reason.contains("no certificate of that CRL issuer"),
            "{reason}"
        );
        // a signer of the same name from another CA does not count
        let other = Issued::root("Other CA");
        let impostor = model(
            &other.issue(
                CertSpec::leaf("Indirect CRL Signer")
                    .ku(&[KeyUsagePurpose::CrlSign])
                    .san_dns(&[]),
            ),
        );
        let check = rev.check_with_signers(&revoked, &ca_model, now, &[&impostor], true);
        let Status::Unknown { reason } = &check.status else {
            panic!("{check:?}")
        };
        assert!(reason.contains("was not issued by"), "{reason}");
        // a certificate whose distribution points do not name the CRL
        // issuer is not answered by its CRL
        let plain = model(&ca.issue(CertSpec::leaf("plain.example.com").serial(&[0x42])));
        let check = rev.check_with_signers(&plain, &ca_model, now, &[&signer_model], true);
        assert_eq!(check.status, Status::NoSource, "{check:?}");
        // the signer must be valid at the audit time
        let check =
            rev.check_with_signers(&revoked, &ca_model, at(2040, 1, 1), &[&signer_model], true);
        assert!(matches!(check.status, Status::Unknown { .. }), "{check:?}");
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
        let (rest, parsed) = CertificateRevocationList::from_der(der).expect("parses");
        assert!(rest.is_empty());
        let mut crl = Crl::from_parsed(der, &parsed, "t", keys);
        drop(parsed);
        crl.finish(der);
        crl
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
            assert_eq!(reason(&[0xFF]), Some(Some(Reason::CertificateHold)));
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
            // the serials are read from the DER, not copied
            assert!(crl.table.extra.is_empty());
            assert_eq!(crl.table.issuers, Vec::<u32>::new());
        }
    }

    /// A serial listed twice: the first entry wins, also when its key
    /// collides with other serials', and it is counted once.
    #[test]
    fn first_entry_wins_with_and_without_collisions() {
        let ca = Issued::root("Dup CA");
        let der = hand_crl(
            &ca,
            &HandCrl {
                number: 1,
                delta_of: None,
                critical_unknown: false,
                entries: &[
                    (&[0x05], Some(6)),
                    (&[0x06], Some(1)),
                    (&[0x05], Some(8)),
                    (&[0x06], None),
                ],
            },
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

    /// Serials are integers: the sign octet and leading zero octets do not
    /// matter (0x00FF == 0xFF), trailing zero octets do (0x0100 != 0x01).
    #[test]
    fn serial_normalisation_in_the_table() {
        let (_, der) = fixture();
        let crl = Crl::from_der(&der, "t").expect("parses");
        let ff = crl.lookup(&[0xFF]).expect("0xFF");
        assert_eq!(crl.lookup(&[0x00, 0xFF]), Some(ff));
        assert_eq!(crl.lookup(&[0x00, 0x00, 0x00, 0xFF]), Some(ff));
        assert_eq!(
            status_with_delta(&crl, None, &[0x00, 0xFF]),
            status_with_delta(&crl, None, &[0xFF])
        );
        assert!(crl.lookup(&[0x01]).is_some());
        assert_eq!(crl.lookup(&[0x01, 0x00]), None);
        assert_eq!(crl.lookup(&[0xFF, 0x00]), None);
        // The key stored for the CRL's 00 FF is the one octet FF.
        let stored: Vec<&[u8]> = (0..crl.table.records.len() as u32)
            .filter_map(|i| crl.table.serial(i))
            .collect();
        assert_eq!(stored, vec![&[0x01][..], &[0xFF], &[0x12, 0x34]]);
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
        let mut table = Table::new(Keys::Constant, 0);
        let listed = |code| Revoked {
            time: at(2026, 1, 1),
            reason: Some(Reason::from_code(code)),
            invalidity: None,
        };
        table.push(&[], CRL_ISSUER, &[0x42], &listed(1));
        table.push(&[], 0, &[0x42], &listed(4));
        table.push(&[], 1, &[0x42], &listed(6));
        table.push(&[], 0, &[0x42], &listed(9));
        table.index(Arc::default());
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

    /// Serials that are not in the DER are copied after it; serials of
    /// 65,535 octets or more keep their length aside. Neither happens with
    /// x509-parser, but both must still be found.
    #[test]
    fn table_fallbacks_for_copied_and_long_serials() {
        let der: Arc<[u8]> = Arc::from(&[0x30, 0x03, 0x02, 0x01, 0x09][..]);
        let elsewhere = vec![0x0A, 0x0B];
        let long = vec![0x5A; 70_000];
        let revoked = Revoked {
            time: at(2026, 1, 1),
            reason: Some(Reason::Other(7)),
            invalidity: None,
        };
        for keys in [Keys::Constant, Keys::random()] {
            let mut table = Table::new(keys, 4);
            table.push(&der, CRL_ISSUER, &der[4..], &revoked);
            table.push(&der, CRL_ISSUER, &elsewhere, &revoked);
            table.push(&der, CRL_ISSUER, &long, &revoked);
            table.push(&der, CRL_ISSUER, &[], &revoked);
            table.index(Arc::clone(&der));
            assert_eq!(table.extra.len(), 2 + 70_000);
            assert_eq!(table.records[0].serial_at, 4);
            for serial in [&[0x09][..], &[0x0A, 0x0B], &long, &[]] {
                assert_eq!(table.get(CRL_ISSUER, serial), Some(revoked));
            }
            assert_eq!(table.get(CRL_ISSUER, &long[1..]), None);
            assert_eq!(table.get(CRL_ISSUER, &[0x0A]), None);
            assert_eq!(table.get(0, &[0x09]), None);
        }
    }

    #[test]
    fn reason_codes_round_trip() {
        for code in 0..=u8::MAX {
            let reason = Reason::from_code(code);
            assert_eq!(Reason::from_code(reason_code(reason)), reason);
        }
    }
}
