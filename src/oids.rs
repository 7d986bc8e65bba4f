//! Object identifiers pkiaudit names, and their display names.

use serde::Serialize;

/// The hash inside a signature algorithm, for the weak-algorithm rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SigHash {
    Md2,
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// Pure signature schemes (Ed25519/Ed448) and unknown algorithms.
    None,
}

pub const KEY_RSA: &str = "1.2.840.113549.1.1.1";
pub const KEY_RSA_PSS: &str = "1.2.840.113549.1.1.10";
pub const KEY_EC: &str = "1.2.840.10045.2.1";
pub const KEY_ED25519: &str = "1.3.101.112";
pub const KEY_ED448: &str = "1.3.101.113";
pub const KEY_DSA: &str = "1.2.840.10040.4.1";

pub const AIA_OCSP: &str = "1.3.6.1.5.5.7.48.1";
pub const AIA_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

pub const MS_UPN: &str = "1.3.6.1.4.1.311.20.2.3";

/// anyExtendedKeyUsage (RFC 5280 §4.2.1.12).
pub const EKU_ANY: &str = "2.5.29.37.0";
/// id-kp-serverAuth.
pub const EKU_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
/// id-kp-clientAuth.
pub const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
/// id-kp-ipsecIKE (RFC 4945 §5.1.3.12).
pub const EKU_IPSEC_IKE: &str = "1.3.6.1.5.5.7.3.17";
/// IKE Intermediate (1.3.6.1.5.5.8.2.2), which AnyConnect accepts in place of
/// serverAuth (field guide, "EKU and AnyConnect Requirements").
pub const EKU_IKE_INTERMEDIATE: &str = "1.3.6.1.5.5.8.2.2";

/// Key purposes by OID: (OID, name).
const EKU_NAMES: &[(&str, &str)] = &[
    (EKU_ANY, "anyExtendedKeyUsage"),
    (EKU_SERVER_AUTH, "serverAuth"),
    (EKU_CLIENT_AUTH, "clientAuth"),
    ("1.3.6.1.5.5.7.3.3", "codeSigning"),
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.5", "ipsecEndSystem"),
    ("1.3.6.1.5.5.7.3.6", "ipsecTunnel"),
    ("1.3.6.1.5.5.7.3.7", "ipsecUser"),
    ("1.3.6.1.5.5.7.3.8", "timeStamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
    (EKU_IPSEC_IKE, "ipsecIKE"),
    ("1.3.6.1.5.5.8.2.1", "ikeEnd"),
    (EKU_IKE_INTERMEDIATE, "ikeIntermediate"),
    ("1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin"),
    ("1.3.6.1.4.1.311.10.3.4", "msEFS"),
    ("1.3.6.1.4.1.311.10.3.12", "msDocumentSigning"),
    ("1.3.6.1.5.2.3.5", "kdcAuthentication"),
    ("1.3.6.1.5.5.7.3.13", "eapOverPPP"),
    ("1.3.6.1.5.5.7.3.14", "eapOverLAN"),
];

/// The conventional name of a key purpose OID.
pub fn eku_name(oid: &str) -> Option<&'static str> {
    EKU_NAMES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// Signature algorithms: (OID, name, hash).
const SIGNATURE_ALGORITHMS: &[(&str, &str, SigHash)] = &[
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption", SigHash::Md2),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", SigHash::Md5),
    (
        "1.2.840.113549.1.1.5",
        "sha1WithRSAEncryption",
        SigHash::Sha1,
    ),
    ("1.3.14.3.2.29", "sha1WithRSA (OIW)", SigHash::Sha1),
    (
        "1.2.840.113549.1.1.14",
        "sha224WithRSAEncryption",
        SigHash::Sha224,
    ),
    (
        "1.2.840.113549.1.1.11",
        "sha256WithRSAEncryption",
        SigHash::Sha256,
    ),
    (
        "1.2.840.113549.1.1.12",
        "sha384WithRSAEncryption",
        SigHash::Sha384,
    ),
    (
        "1.2.840.113549.1.1.13",
        "sha512WithRSAEncryption",
        SigHash::Sha512,
    ),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1", SigHash::Sha1),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", SigHash::Sha224),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", SigHash::Sha256),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", SigHash::Sha384),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", SigHash::Sha512),
    ("1.2.840.10040.4.3", "dsa-with-sha1", SigHash::Sha1),
    ("2.16.840.1.101.3.4.3.2", "dsa-with-sha256", SigHash::Sha256),
    ("1.3.101.112", "Ed25519", SigHash::None),
    ("1.3.101.113", "Ed448", SigHash::None),
];

/// The OID of a signature algorithm by its name in [`SIGNATURE_ALGORITHMS`].
pub fn signature_algorithm_oid(name: &str) -> Option<&'static str> {
    SIGNATURE_ALGORITHMS
        .iter()
        .find(|(_, n, _)| *n == name)
        .map(|(o, _, _)| *o)
}

/// Name and hash of a signature algorithm OID.
pub fn signature_algorithm(oid: &str) -> Option<(&'static str, SigHash)> {
    SIGNATURE_ALGORITHMS
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, n, h)| (*n, *h))
}

/// The hash of a hash algorithm OID (as RSASSA-PSS parameters name it).
pub fn hash_algorithm(oid: &str) -> SigHash {
    match oid {
        "1.2.840.113549.2.2" => SigHash::Md2,
        "1.2.840.113549.2.5" => SigHash::Md5,
        "1.3.14.3.2.26" => SigHash::Sha1,
        "2.16.840.1.101.3.4.2.4" => SigHash::Sha224,
        "2.16.840.1.101.3.4.2.1" => SigHash::Sha256,
        "2.16.840.1.101.3.4.2.2" => SigHash::Sha384,
        "2.16.840.1.101.3.4.2.3" => SigHash::Sha512,
        _ => SigHash::None,
    }
}

/// Named curves: (OID, name, bits).
const CURVES: &[(&str, &str, u32)] = &[
    ("1.2.840.10045.3.1.7", "P-256", 256),
    ("1.3.132.0.34", "P-384", 384),
    ("1.3.132.0.35", "P-521", 521),
    ("1.2.840.10045.3.1.1", "P-192", 192),
    ("1.3.132.0.33", "P-224", 224),
    ("1.3.132.0.10", "secp256k1", 256),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512),
];

pub fn curve_name(oid: &str) -> Option<&'static str> {
    CURVES
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, n, _)| *n)
}

pub fn curve_bits(oid: &str) -> Option<u32> {
    CURVES
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, _, b)| *b)
}

/// Certificate extensions pkiaudit names: (OID, name).
const EXTENSIONS: &[(&str, &str)] = &[
    ("2.5.29.14", "subjectKeyIdentifier"),
    ("2.5.29.15", "keyUsage"),
    ("2.5.29.17", "subjectAltName"),
    ("2.5.29.18", "issuerAltName"),
    ("2.5.29.19", "basicConstraints"),
    ("2.5.29.30", "nameConstraints"),
    ("2.5.29.31", "cRLDistributionPoints"),
    ("2.5.29.32", "certificatePolicies"),
    ("2.5.29.33", "policyMappings"),
    ("2.5.29.35", "authorityKeyIdentifier"),
    ("2.5.29.36", "policyConstraints"),
    ("2.5.29.37", "extKeyUsage"),
    ("2.5.29.46", "freshestCRL"),
    ("2.5.29.54", "inhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "subjectInfoAccess"),
    ("1.3.6.1.5.5.7.48.1.5", "ocspNoCheck"),
    (MS_TEMPLATE_NAME, "msCertificateTemplateName"),
    (MS_CERTIFICATE_TEMPLATE, "msCertificateTemplate"),
    ("1.3.6.1.4.1.311.21.10", "msApplicationPolicies"),
    ("1.3.6.1.4.1.311.21.1", "msCaVersion"),
    ("1.3.6.1.4.1.311.21.2", "msPreviousCaCertHash"),
    ("1.3.6.1.4.1.311.25.2", "msNtdsCaSecurityExt"),
];

/// szOID_ENROLL_CERTTYPE_EXTENSION: an AD CS v1 template's name.
pub const MS_TEMPLATE_NAME: &str = "1.3.6.1.4.1.311.20.2";
/// szOID_CERTIFICATE_TEMPLATE: an AD CS v2+ template's OID and version.
pub const MS_CERTIFICATE_TEMPLATE: &str = "1.3.6.1.4.1.311.21.7";

/// The OID registry names are displayed with: x509-parser's, plus the
/// PKCS#9 attributes IOS puts in the subject of its certificate requests
/// (`unstructuredName` = the host name is already in it,
/// `unstructuredAddress` = the router's IP address is not).
pub fn name_registry() -> &'static x509_parser::oid_registry::OidRegistry<'static> {
    use std::sync::LazyLock;
    use x509_parser::oid_registry::{OidEntry, OidRegistry};
    static REGISTRY: LazyLock<OidRegistry<'static>> = LazyLock::new(|| {
        let mut reg = OidRegistry::default().with_all_crypto().with_x509();
        // x509-parser adds this one to its own registry: keep it.
        reg.insert(
            x509_parser::der_parser::oid!(1.2.840 .113549 .1 .1 .8),
            OidEntry::new("id-mgf1", "Mask Generator Function 1 (MGF1)"),
        );
        reg.insert(
            x509_parser::der_parser::oid!(1.2.840 .113549 .1 .9 .2),
            OidEntry::new("unstructuredName", "PKCS#9 unstructuredName"),
        );
        reg.insert(
            x509_parser::der_parser::oid!(1.2.840 .113549 .1 .9 .8),
            OidEntry::new("unstructuredAddress", "PKCS#9 unstructuredAddress"),
        );
        reg
    });
    &REGISTRY
}

pub fn extension_name(oid: &str) -> Option<&'static str> {
    EXTENSIONS.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// Critical extensions that a conforming validator processes even though
/// x509-parser hands them over unparsed (so they are not "unknown critical").
pub fn is_understood_extension(oid: &str) -> bool {
    // freshestCRL is processed by revocation checking; ocspNoCheck is a
    // marker with no content.
    matches!(oid, "2.5.29.46" | "1.3.6.1.5.5.7.48.1.5")
}

/// The attribute name IOS uses for a distinguished-name attribute in `show
/// crypto pki certificates` output and in certificate maps; the dotted OID
/// for attributes IOS has no name for.
pub fn ios_attribute(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "cn",
        "2.5.4.10" => "o",
        "2.5.4.11" => "ou",
        "2.5.4.6" => "c",
        "2.5.4.8" => "st",
        "2.5.4.7" => "l",
        "2.5.4.5" => "serialNumber",
        "2.5.4.4" => "sn",
        "2.5.4.42" => "gn",
        "2.5.4.12" => "title",
        "2.5.4.9" => "street",
        "2.5.4.17" => "postalcode",
        "2.5.4.46" => "dnq",
        "0.9.2342.19200300.100.1.25" => "dc",
        "0.9.2342.19200300.100.1.1" => "uid",
        "1.2.840.113549.1.9.1" => "ea",
        "1.2.840.113549.1.9.2" => "hostname",
        "1.2.840.113549.1.9.8" => "ipaddress",
        other => return other.to_string(),
    }
    .to_string()
}

/// An OID in dotted text (`1.2.840.113549.1.1.11`), as
/// `Oid::to_id_string` writes it, without its arbitrary-precision route for
/// the arcs that fit in 64 bits (all but hostile ones): certificates are
/// read by the thousand and each names a dozen OIDs.
pub fn dotted(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    use std::fmt::Write;
    match oid.iter() {
        Some(arcs) => {
            let mut out = String::with_capacity(oid.as_bytes().len() * 3);
            for (i, arc) in arcs.enumerate() {
                if i > 0 {
                    out.push('.');
                }
                let _ = write!(out, "{arc}");
            }
            out
        }
        None => oid.to_id_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::dotted;
    use x509_parser::der_parser::oid::Oid;

    /// Same text as asn1-rs writes, for short, long, multi-byte and
    /// larger-than-64-bit arcs.
    #[test]
    fn dotted_is_the_id_string() {
        let ders: [&[u8]; 6] = [
            &[0x55, 0x04, 0x03],
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
            &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x02],
            &[0x88, 0x37, 0x01],
            &[
                0x2a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
            ],
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
        ];
        for der in ders {
            let oid = Oid::new(std::borrow::Cow::Borrowed(der));
            assert_eq!(dotted(&oid), oid.to_id_string(), "{der:02x?}");
        }
    }
}
