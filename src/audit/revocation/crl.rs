//! Certificate revocation lists (RFC 5280 §5): parse once, look up in O(1).
//!
//! rustls-webpki rejects delta CRLs and re-checks the CRL signature on every
//! lookup (see `research/crates.md`), and AD CS publishes delta CRLs, so the
//! auditor keeps its own CRL model: a [`Crl`] is parsed once into a hash map
//! keyed by the serial's magnitude, [`Crl::verify`] checks issuer name, KU
//! cRLSign and signature, [`Crl::freshness`] judges thisUpdate/nextUpdate
//! against the audit time (passed in, never read), and
//! [`status_with_delta`] combines a base CRL with a delta CRL (§5.2.4).

use std::collections::HashMap;
use std::fmt;

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
    der: Vec<u8>,
    crl_number_raw: Option<Vec<u8>>,
    delta_of_raw: Option<Vec<u8>>,
    /// Entries for certificates of the CRL issuer itself, by serial.
    map: HashMap<Vec<u8>, Revoked>,
    /// An indirect CRL's other certificate issuers (§5.3.3 certificateIssuer),
    /// DER names; an entry's issuer is its index here.
    other_issuers: Vec<Vec<u8>>,
    /// Entries for certificates of `other_issuers`, by (index, serial).
    other_map: HashMap<(usize, Vec<u8>), Revoked>,
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
        // exactly the entries in the map.
        match split_signed(der) {
            Some((tbs, _, _)) if tbs == crl.tbs_cert_list.as_ref() => {}
            _ => return Err(not_a_crl("CertificateList is not DER-framed".into())),
        }
        Ok(Self::from_parsed(der, &crl, source))
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

    fn from_parsed(der: &[u8], crl: &CertificateRevocationList<'_>, source: &str) -> Crl {
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
            der: der.to_vec(),
            crl_number_raw: None,
            delta_of_raw: None,
            map: HashMap::with_capacity(tbs.revoked_certificates.len()),
            other_issuers: Vec::new(),
            other_map: HashMap::new(),
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
            // A serial listed twice: the first entry wins (keeps the earliest
            // listing; CAs that do this list the same revocation twice).
            let serial = serial_key(entry.raw_serial()).to_vec();
            match current {
                None => {
                    out.map.entry(serial).or_insert(revoked);
                }
                Some(i) => {
                    out.other_map.entry((i, serial)).or_insert(revoked);
                }
            }
        }
        out
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

    /// Distinct serials in the lookup map.
    pub fn distinct_serials(&self) -> usize {
        self.map.len()
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
    pub fn lookup(&self, serial_raw: &[u8]) -> Option<&Revoked> {
        self.map.get(serial_key(serial_raw))
    }

    /// The entry for the certificate with `serial_raw` issued by
    /// `issuer_raw` (DER name): the CRL issuer's own, or, in an indirect
    /// CRL, another CA's listed under a certificateIssuer (§5.3.3).
    pub fn lookup_issued_by(&self, issuer_raw: &[u8], serial_raw: &[u8]) -> Option<&Revoked> {
        if issuer_raw == self.issuer_raw.as_slice() {
            return self.lookup(serial_raw);
        }
        let i = self.other_issuers.iter().position(|n| n == issuer_raw)?;
        self.other_map.get(&(i, serial_key(serial_raw).to_vec()))
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
pub fn status_with_delta<'a>(
    base: &'a Crl,
    delta: Option<&'a Crl>,
    serial_raw: &[u8],
) -> Result<Option<&'a Revoked>, String> {
    status_for(base, delta, &base.issuer_raw, serial_raw)
}

/// [`status_with_delta`] for a certificate issued by `issuer_raw` (DER
/// name), which an indirect CRL may list under a certificateIssuer.
pub fn status_for<'a>(
    base: &'a Crl,
    delta: Option<&'a Crl>,
    issuer_raw: &[u8],
    serial_raw: &[u8],
) -> Result<Option<&'a Revoked>, String> {
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
}
