//! Partial certificates: what a device printed about a certificate
//! (`show crypto pki certificates [verbose]`, ASA `show crypto ca
//! certificates`) when the certificate itself is not at hand.
//!
//! Such a record has no signature and, without `verbose`, no extensions.
//! [`Known`] says which parts of the certificate the record really carries;
//! the rule engine runs a rule only when everything it [`Need`]s is known,
//! and reports the others as "not checkable from this input" rather than
//! letting an absent field pass as an absent extension.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use super::Certificate;

/// A part of a certificate a rule may depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// The DER certificate: signatures, encodings, chains.
    Der,
    /// notBefore and notAfter as UTC instants.
    Validity,
    /// The extensions (KU, EKU, SAN, basicConstraints, ...): knowing that one
    /// is absent counts as knowing it.
    Extensions,
    /// The public key's algorithm and size.
    Key,
    /// The signature algorithm.
    SignatureAlgorithm,
}

impl Need {
    /// What is missing, in words, and how to get it.
    pub fn describe(self) -> &'static str {
        match self {
            Need::Der => {
                "need the certificate itself (signature and encoding): give the running-config \
                 `crypto pki certificate chain` block or a PEM export (`show crypto pki \
                 certificates pem`)"
            }
            Need::Validity => "need a plausible validity window in a known time zone",
            Need::Extensions => {
                "need the extensions (KU, EKU, SAN, basic constraints): run `show crypto pki \
                 certificates verbose`"
            }
            Need::Key => {
                "need the public key algorithm and size (IOS prints them only in the `verbose` \
                 form, and never an EC key's curve): give the certificate itself for EC keys"
            }
            Need::SignatureAlgorithm => "need the signature algorithm: run the `verbose` form",
        }
    }
}

/// Which parts of a certificate a record carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Known {
    pub der: bool,
    pub validity: bool,
    pub extensions: bool,
    pub key: bool,
    pub signature_algorithm: bool,
}

impl Known {
    /// A certificate parsed from DER: everything is known.
    pub const FULL: Known = Known {
        der: true,
        validity: true,
        extensions: true,
        key: true,
        signature_algorithm: true,
    };

    pub fn has(&self, need: Need) -> bool {
        match need {
            Need::Der => self.der,
            Need::Validity => self.validity,
            Need::Extensions => self.extensions,
            Need::Key => self.key,
            Need::SignatureAlgorithm => self.signature_algorithm,
        }
    }

    pub fn is_full(&self) -> bool {
        *self == Known::FULL
    }
}

/// The kind of entry a `show` command printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShowKind {
    /// `Certificate`: the device's identity certificate (or, on ASA, any
    /// end-entity certificate).
    Certificate,
    /// `CA Certificate`.
    CaCertificate,
    /// `Router Self-Signed Certificate`.
    SelfSigned,
    /// `RA Signature Certificate` / `RA KeyEncipher Certificate` (SCEP RA).
    RaCertificate,
}

impl ShowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ShowKind::Certificate => "certificate",
            ShowKind::CaCertificate => "ca-certificate",
            ShowKind::SelfSigned => "self-signed",
            ShowKind::RaCertificate => "ra-certificate",
        }
    }
}

/// A date as the device printed it (`10:15:22 CEST Apr 12 2026`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShowDate {
    /// The text as printed.
    pub raw: String,
    /// The time zone label (the device's `clock timezone` name).
    pub zone: String,
    /// The wall-clock time in that zone.
    pub local: NaiveDateTime,
    /// The instant, when the zone's offset is known.
    pub utc: Option<DateTime<Utc>>,
    /// The UTC offset used, in seconds east of UTC.
    pub offset_seconds: Option<i32>,
    /// Where the offset came from: `utc`, `well-known`, `--device-tz`.
    pub offset_source: Option<&'static str>,
}

/// Everything a `show` entry said, as parsed (names as printed, IOS attribute
/// names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShowEntry {
    /// The `Status:` line (`Available`, `Pending`).
    pub status: Option<String>,
    /// The serial as printed.
    pub serial_printed: Option<String>,
    /// `Certificate Usage:` (`General Purpose`, `Signature`, ...).
    pub usage: Option<String>,
    /// IOS summary lines under `Subject:` (`Name:`, `IP Address:`,
    /// `Serial Number:`), kept apart from the RDNs.
    pub subject_summary: Vec<(String, String)>,
    pub not_before: Option<ShowDate>,
    pub not_after: Option<ShowDate>,
    pub renew: Option<ShowDate>,
    pub trustpoints: Vec<String>,
    pub storage: Option<String>,
    pub crl_distribution_points: Vec<String>,
    pub ocsp: Vec<String>,
    /// `Fingerprint MD5:` (lower-case hex, no spaces).
    pub md5: Option<String>,
    /// `Fingerprint SHA1:` (lower-case hex, no spaces).
    pub sha1: Option<String>,
    /// The `X509v3 Key Usage:` mask as printed (`A0000000`).
    pub key_usage_mask: Option<String>,
    /// Extended key usage names as printed (`Server Auth`).
    pub eku_names: Vec<String>,
    /// Subject alternative names as printed.
    pub san_printed: Vec<String>,
    /// The output had an `X509v3 extensions:` section (the `verbose` form).
    pub verbose: bool,
    /// Set when the record comes from a trustpoint listing rather than a
    /// certificate listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing: Option<TrustpointListing>,
}

/// What a trustpoint listing (`show crypto pki trustpoints [status]`, ASA
/// `show crypto ca trustpoints`) printed around one certificate. Such a
/// listing names the certificates a trustpoint holds (subject with serial,
/// or with MD5 and SHA-1 fingerprints), never their dates or extensions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrustpointListing {
    /// The layout the record was read from: `trustpoints` (`show crypto pki
    /// trustpoints`, ASA `show crypto ca trustpoints`: subject and serial)
    /// or `trustpoints-status` (`... status`: subject and fingerprints).
    pub layout: &'static str,
    /// `issuing-ca`, `router` or `self-signed`: what the certificate is to
    /// its trustpoint.
    pub role: &'static str,
    /// The heading the device printed for it (`Router General Purpose
    /// certificate configured:`), when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed_as: Option<String>,
    /// What the device said about the trustpoint, as printed
    /// (`Certificate configured.`, `Issuing CA authenticated: Yes`).
    pub device_said: Vec<String>,
}

/// A certificate known only from what a device printed.
#[derive(Debug, Clone)]
pub struct PartialCertificate {
    pub kind: ShowKind,
    /// The certificate as far as the record tells. Parts not in `known` hold
    /// placeholders and must not be read: the rule engine makes sure of that.
    pub view: Certificate,
    pub known: Known,
    pub show: ShowEntry,
}

impl PartialCertificate {
    /// The key two records of one certificate share: issuer and serial
    /// (case-folded name, serial without leading zeros).
    pub fn issuer_serial_key(&self) -> String {
        issuer_serial_key(&self.view)
    }
}

/// Issuer + serial as a comparison key, for matching a partial record to a
/// full certificate: the issuer in IOS form case-folded with white space
/// around separators removed, the serial in upper-case hex without leading
/// zeros.
pub fn issuer_serial_key(cert: &Certificate) -> String {
    name_serial_key(&cert.issuer, &cert.serial)
}

/// A name case-folded RDN by RDN, then `#` and the serial without leading
/// zeros.
fn name_serial_key(name: &super::Name, serial: &str) -> String {
    let folded: String = name
        .rdns
        .iter()
        .flatten()
        .map(|(a, v)| format!("{}={};", a.to_lowercase(), v.trim().to_lowercase()))
        .collect();
    format!("{folded}#{}", serial.trim_start_matches('0'))
}

/// Subject + serial as a comparison key, for a record that prints no
/// issuer (a trustpoint listing): the subject folded as in
/// [`issuer_serial_key`], the serial without leading zeros.
pub fn subject_serial_key(cert: &Certificate) -> String {
    name_serial_key(&cert.subject, &cert.serial)
}
