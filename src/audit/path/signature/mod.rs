//! Signature verification for path validation: RFC 5280 §6.1.3 (a)(1),
//! "the signature on the certificate can be verified using working_public_key_algorithm,
//! the working_public_key, and the working_public_key_parameters".
//!
//! Old VPN PKIs still sign with SHA-1, with RSA-1024 keys and with DSA. Those
//! signatures are real: they verify, and IOS, strongSwan and Windows accept
//! them. So they come out as [`Outcome::Legacy`] (a warning), not as broken;
//! only what is forgeable today (MD2/MD5, RSA under 1024 bits) or what
//! nothing here can check is [`Outcome::Unsupported`].
//!
//! ring does the work wherever it has the algorithm. RustCrypto does the
//! rest, on a digest from ring (or `sha2` for SHA-224, which ring lacks):
//! `p256`/`p384`/`p521` for ECDSA with the hashes ring does not pair with a
//! curve, and `dsa` for DSA. The choice is made from the signature
//! algorithm's OID and parameters together with the key's type; a key of one
//! type never verifies a signature of another.

use std::fmt;

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Header, Reader, SliceReader, Tag};
use ecdsa::elliptic_curve;
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

pub mod memo;

use memo::{Primitive, RingAlg, SigMemo, SigScope};

/// What verifying one signature gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Verified with an algorithm current peers accept.
    Valid,
    /// Verified, but only with a legacy algorithm or key (a warning for the
    /// user, not a failure).
    Legacy(Legacy),
    /// The signature does not verify with this key (wrong key, tampered data,
    /// or malformed signature value).
    Invalid(String),
    /// The algorithm or key cannot be checked (or is too weak to count, e.g.
    /// MD5, RSA under 1024 bits): the path cannot be validated through it.
    Unsupported(String),
}

/// Why a verified signature is legacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// A SHA-1 signature (RSA of at least 2048 bits, or ECDSA).
    Sha1,
    /// A SHA-2 RSA signature by a key of 1024 to 2047 bits.
    SmallRsa { bits: u32 },
    /// Both: a SHA-1 signature by an RSA key of 1024 to 2047 bits.
    Sha1SmallRsa { bits: u32 },
    /// A DSA signature (any hash); `bits` is the size of the prime p.
    Dsa { bits: u32 },
}

impl fmt::Display for Legacy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Legacy::Sha1 => f.write_str("SHA-1"),
            Legacy::SmallRsa { bits } => write!(f, "an RSA-{bits} key"),
            Legacy::Sha1SmallRsa { bits } => write!(f, "SHA-1 with an RSA-{bits} key"),
            Legacy::Dsa { bits } => write!(f, "DSA-{bits}"),
        }
    }
}

/// Verifies `signature` over `message`.
///
/// `spki`: a DER SubjectPublicKeyInfo (full TLV); `algorithm`: a DER
/// AlgorithmIdentifier (full TLV); `message`: the signed bytes; `signature`:
/// the signature value (the BIT STRING's content without the unused-bits
/// octet).
pub fn verify(spki: &[u8], algorithm: &[u8], message: &[u8], signature: &[u8]) -> Outcome {
    let memo = SigMemo::with_capacity(0);
    verify_in(
        spki,
        algorithm,
        message,
        signature,
        &SigScope::detached(&memo),
    )
}

/// [`verify`], through a memo of the results.
pub fn verify_in(
    spki: &[u8],
    algorithm: &[u8],
    message: &[u8],
    signature: &[u8],
    scope: &SigScope<'_>,
) -> Outcome {
    let scheme = match Scheme::from_der(algorithm) {
        Ok(scheme) => scheme,
        Err(outcome) => return outcome,
    };
    let key = match Key::from_der(spki) {
        Ok(key) => key,
        Err(outcome) => return outcome,
    };
    match (scheme, key) {
        (Scheme::RsaPkcs1(hash), Key::Rsa(rsa)) => {
            verify_rsa_pkcs1(hash, &rsa, message, signature, scope)
        }
        (Scheme::RsaPss(params), Key::Rsa(rsa)) => {
            verify_rsa_pss(&params, &rsa, message, signature, scope)
        }
        (Scheme::Ecdsa(hash), Key::Ec { curve, point }) => {
            verify_ecdsa(hash, curve, point, message, signature, scope)
        }
        (Scheme::Ed25519, Key::Ed25519(point)) => {
            match scope.ring(RingAlg::Ed25519, point, message, signature) {
                true => Outcome::Valid,
                false => Outcome::Invalid(
                    "the Ed25519 signature does not verify with the issuer's Ed25519 key".into(),
                ),
            }
        }
        (Scheme::Dsa(hash), Key::Dsa { params, y }) => {
            verify_dsa(hash, params, y, message, signature)
        }
        (scheme, key) => Outcome::Invalid(format!(
            "the signature is {}, but the issuer's key is {}: that key cannot have made it",
            scheme.name(),
            key.describe()
        )),
    }
}

/// The signature on a certificate, checked with the issuer's SPKI.
///
/// Reads tbsCertificate, signatureAlgorithm and signatureValue from
/// `cert_der`. The outer signatureAlgorithm must equal the `signature` field
/// inside tbsCertificate byte for byte (RFC 5280 §4.1.1.2), else the outcome
/// is [`Outcome::Invalid`].
pub fn verify_certificate(cert_der: &[u8], issuer_spki: &[u8]) -> Outcome {
    let memo = SigMemo::with_capacity(0);
    verify_certificate_in(cert_der, issuer_spki, &SigScope::detached(&memo))
}

/// [`verify_certificate`], through a memo of the results.
pub fn verify_certificate_in(cert_der: &[u8], issuer_spki: &[u8], scope: &SigScope<'_>) -> Outcome {
    let parts = match CertParts::split(cert_der) {
        Ok(parts) => parts,
        Err(e) => {
            return Outcome::Invalid(format!(
                "the certificate is not DER-encoded X.509, so its signature cannot be found: {e}"
            ))
        }
    };
    // RFC 5280 §4.1.1.2: signatureAlgorithm "MUST contain the same algorithm
    // identifier as the signature field in the sequence tbsCertificate". The
    // outer field is not signed, so a difference means it was altered or
    // mis-encoded; comparing bytes is exact because both are DER.
    if parts.algorithm != parts.tbs_algorithm {
        return Outcome::Invalid(format!(
            "signatureAlgorithm ({}) differs from the signature field inside tbsCertificate \
             ({}); RFC 5280 §4.1.1.2 requires them to be the same",
            describe_algorithm(parts.algorithm),
            describe_algorithm(parts.tbs_algorithm)
        ));
    }
    let signature = match parts.signature.as_bytes() {
        Some(bytes) => bytes,
        None => {
            return Outcome::Invalid(format!(
                "the signatureValue BIT STRING has {} unused bits; every signature algorithm \
                 here makes whole octets",
                parts.signature.unused_bits()
            ))
        }
    };
    verify_in(issuer_spki, parts.algorithm, parts.tbs, signature, scope)
}

/// The tbsCertificate of a certificate, the full TLV: the signed bytes.
pub fn tbs_of(cert_der: &[u8]) -> Option<&[u8]> {
    CertParts::split(cert_der).ok().map(|parts| parts.tbs)
}

/// The SubjectPublicKeyInfo TLV of a certificate.
pub fn spki_of(cert_der: &[u8]) -> Option<&[u8]> {
    let parts = CertParts::split(cert_der).ok()?;
    let content = single_tlv_content(parts.tbs, Tag::Sequence).ok()?;
    let mut reader = SliceReader::new(content).ok()?;
    // TBSCertificate (RFC 5280 §4.1): [0] version (optional), then
    // serialNumber, signature, issuer, validity, subject, and
    // subjectPublicKeyInfo.
    if reader.peek_byte() == Some(0xa0) {
        reader.tlv_bytes().ok()?;
    }
    for _ in 0..5 {
        reader.tlv_bytes().ok()?;
    }
    let spki = reader.tlv_bytes().ok()?;
    (spki.first() == Some(&0x30)).then_some(spki)
}

// --- certificate structure -------------------------------------------------

/// The pieces of a Certificate (RFC 5280 §4.1) the signature check needs.
struct CertParts<'a> {
    /// tbsCertificate, the full TLV: the signed bytes.
    tbs: &'a [u8],
    /// The AlgorithmIdentifier TLV inside tbsCertificate.
    tbs_algorithm: &'a [u8],
    /// signatureAlgorithm, the full TLV.
    algorithm: &'a [u8],
    signature: BitStringRef<'a>,
}

impl<'a> CertParts<'a> {
    fn split(cert_der: &'a [u8]) -> der::Result<Self> {
        let content = single_tlv_content(cert_der, Tag::Sequence)?;
        let mut reader = SliceReader::new(content)?;
        let tbs = reader.tlv_bytes()?;
        let algorithm = reader.tlv_bytes()?;
        let signature = BitStringRef::decode(&mut reader)?;
        reader.finish(())?;

        let tbs_content = single_tlv_content(tbs, Tag::Sequence)?;
        let mut reader = SliceReader::new(tbs_content)?;
        // [0] version (optional), serialNumber, then signature.
        if reader.peek_byte() == Some(0xa0) {
            reader.tlv_bytes()?;
        }
        reader.tlv_bytes()?;
        let tbs_algorithm = reader.tlv_bytes()?;
        Ok(CertParts {
            tbs,
            tbs_algorithm,
            algorithm,
            signature,
        })
    }
}

/// The content of the one TLV that fills `der`, which must have tag `tag`.
fn single_tlv_content(der: &[u8], tag: Tag) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(der)?;
    let header = Header::decode(&mut reader)?;
    header.tag.assert_eq(tag)?;
    let content = reader.read_slice(header.length)?;
    reader.finish(content)
}

/// An AlgorithmIdentifier TLV in words: its name, or its OID, or "unreadable".
fn describe_algorithm(der: &[u8]) -> String {
    match AlgorithmIdentifierRef::from_der(der) {
        Ok(alg) => {
            let oid = alg.oid.to_string();
            let name = signature_algorithm_name(&oid).unwrap_or(&oid).to_string();
            match alg.parameters {
                None => format!("{name} without parameters"),
                Some(any) if any.is_null() => format!("{name} with NULL parameters"),
                Some(_) => format!("{name} with parameters"),
            }
        }
        Err(_) => "an unreadable AlgorithmIdentifier".into(),
    }
}

// --- object identifiers ----------------------------------------------------

const fn oid(dotted: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(dotted)
}

const RSA_ENCRYPTION: ObjectIdentifier = oid("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = oid("1.2.840.113549.1.1.10");
const MGF1: ObjectIdentifier = oid("1.2.840.113549.1.1.8");
const EC_PUBLIC_KEY: ObjectIdentifier = oid("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = oid("1.3.101.112");
const ED448: ObjectIdentifier = oid("1.3.101.113");
const DSA: ObjectIdentifier = oid("1.2.840.10040.4.1");

const SECP256R1: ObjectIdentifier = oid("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = oid("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = oid("1.3.132.0.35");

/// What a signature algorithm OID means here.
#[derive(Clone, Copy)]
enum Kind {
    /// RSASSA-PKCS1-v1_5 (RFC 4055 §5, RFC 3279 §2.2.1).
    Pkcs1(Hash),
    /// RSASSA-PSS: the hash and the rest are in the parameters (RFC 4055 §3.1).
    Pss,
    /// ECDSA (RFC 5758 §3.2, RFC 3279 §2.2.3).
    Ecdsa(Hash),
    /// DSA (RFC 3279 §2.2.2, RFC 5758 §3.1).
    Dsa(Hash),
    Ed25519,
    /// Known, never checked: the reason.
    Refused(&'static str),
}

/// Signature algorithms by OID: (OID, name, meaning).
const SIGNATURE_ALGORITHMS: &[(&str, &str, Kind)] = &[
    (
        "1.2.840.113549.1.1.2",
        "md2WithRSAEncryption",
        Kind::Refused("MD2 signatures can be forged"),
    ),
    (
        "1.2.840.113549.1.1.3",
        "md4WithRSAEncryption",
        Kind::Refused("MD4 signatures can be forged"),
    ),
    (
        "1.2.840.113549.1.1.4",
        "md5WithRSAEncryption",
        Kind::Refused(
            "MD5 signatures can be forged (colliding certificates have been made for real CAs)",
        ),
    ),
    (
        "1.2.840.113549.1.1.5",
        "sha1WithRSAEncryption",
        Kind::Pkcs1(Hash::Sha1),
    ),
    // The OIW name some old Microsoft CAs used for the same algorithm.
    (
        "1.3.14.3.2.29",
        "sha1WithRSASignature (OIW)",
        Kind::Pkcs1(Hash::Sha1),
    ),
    (
        "1.2.840.113549.1.1.14",
        "sha224WithRSAEncryption",
        Kind::Refused(
            "pkiaudit cannot check RSA signatures with SHA-224 (ring has no such verifier)",
        ),
    ),
    (
        "1.2.840.113549.1.1.11",
        "sha256WithRSAEncryption",
        Kind::Pkcs1(Hash::Sha256),
    ),
    (
        "1.2.840.113549.1.1.12",
        "sha384WithRSAEncryption",
        Kind::Pkcs1(Hash::Sha384),
    ),
    (
        "1.2.840.113549.1.1.13",
        "sha512WithRSAEncryption",
        Kind::Pkcs1(Hash::Sha512),
    ),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS", Kind::Pss),
    (
        "1.2.840.10045.4.1",
        "ecdsa-with-SHA1",
        Kind::Ecdsa(Hash::Sha1),
    ),
    (
        "1.2.840.10045.4.3.1",
        "ecdsa-with-SHA224",
        Kind::Ecdsa(Hash::Sha224),
    ),
    (
        "1.2.840.10045.4.3.2",
        "ecdsa-with-SHA256",
        Kind::Ecdsa(Hash::Sha256),
    ),
    (
        "1.2.840.10045.4.3.3",
        "ecdsa-with-SHA384",
        Kind::Ecdsa(Hash::Sha384),
    ),
    (
        "1.2.840.10045.4.3.4",
        "ecdsa-with-SHA512",
        Kind::Ecdsa(Hash::Sha512),
    ),
    ("1.2.840.10040.4.3", "dsa-with-sha1", Kind::Dsa(Hash::Sha1)),
    ("1.3.14.3.2.27", "dsaWithSHA1 (OIW)", Kind::Dsa(Hash::Sha1)),
    (
        "2.16.840.1.101.3.4.3.1",
        "dsa-with-sha224",
        Kind::Dsa(Hash::Sha224),
    ),
    (
        "2.16.840.1.101.3.4.3.2",
        "dsa-with-sha256",
        Kind::Dsa(Hash::Sha256),
    ),
    (
        "2.16.840.1.101.3.4.3.3",
        "dsa-with-sha384",
        Kind::Dsa(Hash::Sha384),
    ),
    (
        "2.16.840.1.101.3.4.3.4",
        "dsa-with-sha512",
        Kind::Dsa(Hash::Sha512),
    ),
    ("1.3.101.112", "Ed25519", Kind::Ed25519),
    (
        "1.3.101.113",
        "Ed448",
        Kind::Refused("pkiaudit cannot check Ed448 signatures (ring has no Ed448)"),
    ),
];

fn signature_algorithm(oid: &str) -> Option<(&'static str, Kind)> {
    SIGNATURE_ALGORITHMS
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, name, kind)| (*name, *kind))
}

fn signature_algorithm_name(oid: &str) -> Option<&'static str> {
    signature_algorithm(oid).map(|(name, _)| name)
}

// --- hashes ----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, std::hash::Hash)]
pub(crate) enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The hash named by a hash AlgorithmIdentifier OID (RFC 4055 §2.1).
    fn from_oid(oid: &ObjectIdentifier) -> Option<Hash> {
        match oid.to_string().as_str() {
            "1.3.14.3.2.26" => Some(Hash::Sha1),
            "2.16.840.1.101.3.4.2.4" => Some(Hash::Sha224),
            "2.16.840.1.101.3.4.2.1" => Some(Hash::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Hash::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// The output length in octets.
    fn len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha224 => 28,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// The digest of `message`, for the prehash verifiers.
    fn digest(self, message: &[u8]) -> Vec<u8> {
        use ring::digest;
        let algorithm = match self {
            Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            // ring has no SHA-224.
            Hash::Sha224 => {
                use sha2::Digest as _;
                return sha2::Sha224::digest(message).to_vec();
            }
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
        };
        digest::digest(algorithm, message).as_ref().to_vec()
    }
}

// --- signature algorithms --------------------------------------------------

/// What the signature algorithm asks for, once its parameters are checked.
enum Scheme {
    RsaPkcs1(Hash),
    RsaPss(PssParams),
    Ecdsa(Hash),
    Dsa(Hash),
    Ed25519,
}

/// RSASSA-PSS-params (RFC 4055 §3.1), reduced to what can vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PssParams {
    hash: Hash,
    /// The hash MGF1 uses; `None` if the mask generation function is not MGF1
    /// or names an unknown hash.
    mgf1_hash: Option<Hash>,
    salt_len: u8,
}

impl PssParams {
    /// From the DER parameters (`None`: hash or mask generation function not
    /// understood; the caller says which in words).
    fn from_any(any: AnyRef<'_>) -> Result<PssParams, String> {
        let params = any
            .decode_as::<pkcs1::RsaPssParams<'_>>()
            .map_err(|e| format!("its RSASSA-PSS-params cannot be read ({e})"))?;
        let hash = Hash::from_oid(&params.hash.oid).ok_or_else(|| {
            format!(
                "its hash algorithm {} is not one pkiaudit knows",
                params.hash.oid
            )
        })?;
        // RFC 4055 §2.1: hash parameters are NULL or absent, both accepted.
        if params.hash.parameters.is_some_and(|p| !p.is_null()) {
            return Err("its hash algorithm has parameters (RFC 4055 §2.1: NULL or absent)".into());
        }
        let mgf1_hash = match (params.mask_gen.oid == MGF1, params.mask_gen.parameters) {
            (true, Some(inner)) => Hash::from_oid(&inner.oid),
            _ => None,
        };
        Ok(PssParams {
            hash,
            mgf1_hash,
            salt_len: params.salt_len,
        })
    }

    fn describe(&self) -> String {
        let mgf = match self.mgf1_hash {
            Some(h) => format!("MGF1 with {}", h.name()),
            None => "a mask generation function other than MGF1 with a known hash".into(),
        };
        format!(
            "RSASSA-PSS with {}, {}, salt length {}",
            self.hash.name(),
            mgf,
            self.salt_len
        )
    }
}

impl Scheme {
    fn from_der(algorithm: &[u8]) -> Result<Scheme, Outcome> {
        let alg = AlgorithmIdentifierRef::from_der(algorithm).map_err(|e| {
            Outcome::Unsupported(format!(
                "the signature algorithm identifier cannot be read: {e}"
            ))
        })?;
        let oid = alg.oid.to_string();
        let Some((name, kind)) = signature_algorithm(&oid) else {
            return Err(Outcome::Unsupported(format!(
                "the signature algorithm {oid} is not one pkiaudit can check"
            )));
        };
        let params = alg.parameters;
        let absent_only = |rfc: &str| {
            Outcome::Unsupported(format!(
                "{name} with parameters: {rfc} says the parameters field is absent"
            ))
        };
        match kind {
            Kind::Refused(why) => Err(Outcome::Unsupported(format!("{name}: {why}"))),
            Kind::Pkcs1(hash) => match params {
                // RFC 4055 §5 and RFC 3279 §2.2.1 say NULL; encoders that
                // leave it out are common and harmless.
                None => Ok(Scheme::RsaPkcs1(hash)),
                Some(p) if p.is_null() => Ok(Scheme::RsaPkcs1(hash)),
                Some(_) => Err(Outcome::Unsupported(format!(
                    "{name} with parameters other than NULL (RFC 4055 §5)"
                ))),
            },
            Kind::Pss => {
                // RFC 4055 §3.1: in a signature algorithm identifier the
                // parameters MUST be present.
                let any = params.ok_or_else(|| {
                    Outcome::Unsupported(
                        "RSASSA-PSS without parameters (RFC 4055 §3.1 requires them)".into(),
                    )
                })?;
                PssParams::from_any(any)
                    .map(Scheme::RsaPss)
                    .map_err(|why| Outcome::Unsupported(format!("RSASSA-PSS: {why}")))
            }
            Kind::Ecdsa(hash) => match params {
                None => Ok(Scheme::Ecdsa(hash)),
                Some(_) => Err(absent_only("RFC 5758 §3.2")),
            },
            Kind::Dsa(hash) => match params {
                None => Ok(Scheme::Dsa(hash)),
                Some(_) => Err(absent_only("RFC 3279 §2.2.2 (and RFC 5758 §3.1)")),
            },
            Kind::Ed25519 => match params {
                None => Ok(Scheme::Ed25519),
                Some(_) => Err(absent_only("RFC 8410 §3")),
            },
        }
    }

    fn name(&self) -> String {
        match self {
            Scheme::RsaPkcs1(hash) => format!("RSA PKCS#1 v1.5 with {}", hash.name()),
            Scheme::RsaPss(params) => params.describe(),
            Scheme::Ecdsa(hash) => format!("ECDSA with {}", hash.name()),
            Scheme::Dsa(hash) => format!("DSA with {}", hash.name()),
            Scheme::Ed25519 => "Ed25519".into(),
        }
    }
}

// --- keys ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, std::hash::Hash)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }
}

struct RsaKey<'a> {
    /// The RSAPublicKey DER (the subjectPublicKey BIT STRING content), as
    /// ring takes it.
    der: &'a [u8],
    /// The modulus size in bits (exact, not rounded to octets).
    bits: u32,
    /// An id-RSASSA-PSS key: usable for RSASSA-PSS only (RFC 4055 §1.2),
    /// and with its parameters, only with those (RFC 4055 §3.3).
    pss: Option<Option<PssParams>>,
}

enum Key<'a> {
    Rsa(RsaKey<'a>),
    Ec {
        curve: Curve,
        point: &'a [u8],
    },
    Ed25519(&'a [u8]),
    Dsa {
        params: Option<AnyRef<'a>>,
        y: &'a [u8],
    },
}

impl<'a> Key<'a> {
    fn from_der(spki: &'a [u8]) -> Result<Key<'a>, Outcome> {
        let unreadable = |what: String| {
            Outcome::Unsupported(format!("the issuer's public key cannot be read: {what}"))
        };
        let info =
            SubjectPublicKeyInfoRef::from_der(spki).map_err(|e| unreadable(e.to_string()))?;
        let alg = info.algorithm;
        let bits = info.subject_public_key.as_bytes().ok_or_else(|| {
            unreadable("the subjectPublicKey BIT STRING does not hold whole octets".into())
        })?;
        let oid = alg.oid;
        if oid == RSA_ENCRYPTION || oid == RSASSA_PSS {
            let pss = if oid == RSASSA_PSS {
                // RFC 4055 §3.1: absent parameters leave the key unrestricted.
                match alg.parameters {
                    None => Some(None),
                    Some(any) => Some(Some(PssParams::from_any(any).map_err(|why| {
                        Outcome::Unsupported(format!("the issuer's id-RSASSA-PSS key: {why}"))
                    })?)),
                }
            } else {
                // RFC 3279 §2.3.1 says NULL; absent is accepted the same.
                if alg.parameters.is_some_and(|p| !p.is_null()) {
                    return Err(unreadable(
                        "rsaEncryption with parameters other than NULL (RFC 3279 §2.3.1)".into(),
                    ));
                }
                None
            };
            let key = pkcs1::RsaPublicKey::from_der(bits)
                .map_err(|e| unreadable(format!("not an RSAPublicKey ({e})")))?;
            let modulus = key.modulus.as_bytes();
            let bits_of_modulus = match modulus.first() {
                Some(&top) => {
                    let bits = modulus.len() as u64 * 8 - u64::from(top.leading_zeros());
                    u32::try_from(bits).unwrap_or(u32::MAX)
                }
                None => 0,
            };
            check_rsa_key(bits_of_modulus, modulus, key.public_exponent.as_bytes())?;
            return Ok(Key::Rsa(RsaKey {
                der: bits,
                bits: bits_of_modulus,
                pss,
            }));
        }
        if oid == EC_PUBLIC_KEY {
            // RFC 5480 §2.1.1: namedCurve only in PKIX (implicitCurve and
            // specifiedCurve MUST NOT be used).
            let curve_oid = alg.parameters_oid().map_err(|_| {
                Outcome::Unsupported(
                    "the issuer's EC key does not name its curve (RFC 5480 §2.1.1 allows \
                     namedCurve only)"
                        .into(),
                )
            })?;
            let curve = if curve_oid == SECP256R1 {
                Curve::P256
            } else if curve_oid == SECP384R1 {
                Curve::P384
            } else if curve_oid == SECP521R1 {
                Curve::P521
            } else {
                let dotted = curve_oid.to_string();
                let name = crate::oids::curve_name(&dotted).unwrap_or(&dotted);
                return Err(Outcome::Unsupported(format!(
                    "the issuer's key is on the curve {name}, which pkiaudit cannot check \
                     (only P-256, P-384 and P-521)"
                )));
            };
            return Ok(Key::Ec { curve, point: bits });
        }
        if oid == ED25519 {
            // RFC 8410 §3: the parameters MUST be absent.
            if alg.parameters.is_some() {
                return Err(unreadable(
                    "an Ed25519 key with parameters (RFC 8410 §3 says absent)".into(),
                ));
            }
            return Ok(Key::Ed25519(bits));
        }
        if oid == DSA {
            return Ok(Key::Dsa {
                params: alg.parameters,
                y: bits,
            });
        }
        if oid == ED448 {
            return Err(Outcome::Unsupported(
                "the issuer's key is Ed448, which pkiaudit cannot check (ring has no Ed448)".into(),
            ));
        }
        let dotted = oid.to_string();
        Err(Outcome::Unsupported(format!(
            "the issuer's key algorithm {dotted} is not one pkiaudit can check"
        )))
    }

    fn describe(&self) -> String {
        match self {
            Key::Rsa(RsaKey {
                bits, pss: None, ..
            }) => format!("RSA-{bits}"),
            Key::Rsa(RsaKey { bits, .. }) => format!("RSA-{bits} restricted to RSASSA-PSS"),
            Key::Ec { curve, .. } => format!("EC {}", curve.name()),
            Key::Ed25519(_) => "Ed25519".into(),
            Key::Dsa { .. } => "DSA".into(),
        }
    }
}

/// What ring's RSA verifiers take: a modulus of 1024 to 8192 bits and an odd
/// public exponent from 3 to 2^33 - 1 (ring `rsa::public_key`). Keys outside
/// that are refused here in words, so a refusal by ring can only mean the
/// signature is wrong.
fn check_rsa_key(bits: u32, modulus: &[u8], exponent: &[u8]) -> Result<(), Outcome> {
    if bits < 1024 {
        return Err(Outcome::Unsupported(format!(
            "the issuer's key is RSA-{bits}: too weak to count (RSA keys under 1024 bits \
             can be factored)"
        )));
    }
    if bits > 8192 {
        return Err(Outcome::Unsupported(format!(
            "the issuer's key is RSA-{bits}: pkiaudit checks RSA keys of up to 8192 bits"
        )));
    }
    if modulus.last().is_some_and(|low| low & 1 == 0) {
        return Err(Outcome::Unsupported(
            "the issuer's RSA modulus is even: not an RSA key".into(),
        ));
    }
    let e = if exponent.len() <= 5 {
        exponent
            .iter()
            .fold(0u64, |acc, &byte| (acc << 8) | u64::from(byte))
    } else {
        u64::MAX
    };
    if !(3..=(1 << 33) - 1).contains(&e) || e & 1 == 0 {
        return Err(Outcome::Unsupported(
            "the issuer's RSA public exponent is not an odd number from 3 to 2^33 - 1, \
             which is all pkiaudit (ring) can check"
                .into(),
        ));
    }
    Ok(())
}

// --- RSA -------------------------------------------------------------------

fn verify_rsa_pkcs1(
    hash: Hash,
    key: &RsaKey<'_>,
    message: &[u8],
    signature: &[u8],
    scope: &SigScope<'_>,
) -> Outcome {
    let bits = key.bits;
    if key.pss.is_some() {
        // RFC 4055 §1.2: id-RSASSA-PSS in the key limits it "exclusively to
        // RSASSA-PSS".
        return Outcome::Invalid(format!(
            "the signature is RSA PKCS#1 v1.5 with {}, but the issuer's key is an \
             id-RSASSA-PSS key, restricted to RSASSA-PSS (RFC 4055 §1.2)",
            hash.name()
        ));
    }
    let small = bits < 2048;
    let (algorithm, outcome) = match (hash, small) {
        (Hash::Sha1, false) => (RingAlg::RsaPkcs1Sha1Min1024, Outcome::Legacy(Legacy::Sha1)),
        (Hash::Sha1, true) => (
            RingAlg::RsaPkcs1Sha1Min1024,
            Outcome::Legacy(Legacy::Sha1SmallRsa { bits }),
        ),
        (Hash::Sha256, false) => (RingAlg::RsaPkcs1Sha256Min2048, Outcome::Valid),
        (Hash::Sha256, true) => (
            RingAlg::RsaPkcs1Sha256Min1024,
            Outcome::Legacy(Legacy::SmallRsa { bits }),
        ),
        (Hash::Sha384, false) => (RingAlg::RsaPkcs1Sha384Min2048, Outcome::Valid),
        (Hash::Sha384, true) => {
            return Outcome::Unsupported(format!(
                "sha384WithRSAEncryption by an RSA-{bits} key: ring verifies SHA-384 RSA \
                 signatures only with keys of 2048 bits or more"
            ))
        }
        (Hash::Sha512, false) => (RingAlg::RsaPkcs1Sha512Min2048, Outcome::Valid),
        (Hash::Sha512, true) => (
            RingAlg::RsaPkcs1Sha512Min1024,
            Outcome::Legacy(Legacy::SmallRsa { bits }),
        ),
        // No OID maps PKCS#1 to SHA-224 (sha224WithRSAEncryption is refused
        // by name); kept total for the type.
        (Hash::Sha224, _) => {
            return Outcome::Unsupported("RSA PKCS#1 v1.5 with SHA-224 cannot be checked".into())
        }
    };
    if scope.ring(algorithm, key.der, message, signature) {
        outcome
    } else {
        Outcome::Invalid(format!(
            "the RSA PKCS#1 v1.5 {} signature does not verify with the issuer's RSA-{bits} key",
            hash.name()
        ))
    }
}

fn verify_rsa_pss(
    params: &PssParams,
    key: &RsaKey<'_>,
    message: &[u8],
    signature: &[u8],
    scope: &SigScope<'_>,
) -> Outcome {
    let bits = key.bits;
    // RFC 4055 §3.3: a key with RSASSA-PSS-params only verifies signatures
    // with the same hash and mask generation function and a salt at least as
    // long.
    if let Some(Some(restriction)) = key.pss {
        if restriction.hash != params.hash
            || restriction.mgf1_hash != params.mgf1_hash
            || params.salt_len < restriction.salt_len
        {
            return Outcome::Invalid(format!(
                "the signature is {}, but the issuer's key is restricted to {} with a salt of \
                 at least {} (RFC 4055 §3.3)",
                params.describe(),
                restriction.describe(),
                restriction.salt_len
            ));
        }
    }
    // ring's RSASSA-PSS verifiers fix MGF1 to the message hash and the salt
    // length to the hash length (RFC 8017 §9.1 recommends both); the trailer
    // field is always 1 (pkcs1 refuses anything else).
    let matched =
        params.mgf1_hash == Some(params.hash) && usize::from(params.salt_len) == params.hash.len();
    let algorithm = match params.hash {
        Hash::Sha256 if matched => RingAlg::RsaPssSha256,
        Hash::Sha384 if matched => RingAlg::RsaPssSha384,
        Hash::Sha512 if matched => RingAlg::RsaPssSha512,
        _ => {
            return Outcome::Unsupported(format!(
                "{}: pkiaudit checks RSASSA-PSS only with SHA-256, SHA-384 or SHA-512, MGF1 \
                 with the same hash, and a salt as long as the hash",
                params.describe()
            ))
        }
    };
    if bits < 2048 {
        return Outcome::Unsupported(format!(
            "{} by an RSA-{bits} key: ring verifies RSASSA-PSS only with keys of 2048 bits or more",
            params.describe()
        ));
    }
    if scope.ring(algorithm, key.der, message, signature) {
        Outcome::Valid
    } else {
        Outcome::Invalid(format!(
            "the signature ({}) does not verify with the issuer's RSA-{bits} key",
            params.describe()
        ))
    }
}

// --- ECDSA -----------------------------------------------------------------

fn verify_ecdsa(
    hash: Hash,
    curve: Curve,
    point: &[u8],
    message: &[u8],
    signature: &[u8],
    scope: &SigScope<'_>,
) -> Outcome {
    let outcome = if hash == Hash::Sha1 {
        Outcome::Legacy(Legacy::Sha1)
    } else {
        Outcome::Valid
    };
    let invalid = || {
        Outcome::Invalid(format!(
            "the ECDSA {} signature does not verify with the issuer's {} key",
            hash.name(),
            curve.name()
        ))
    };
    // ring takes uncompressed points only (RFC 5480 §2.2: uncompressed MUST
    // be supported, compressed MAY); RustCrypto takes both.
    let uncompressed = point.first() == Some(&0x04);
    let ring_algorithm = match (curve, hash) {
        _ if !uncompressed => None,
        (Curve::P256, Hash::Sha256) => Some(RingAlg::EcdsaP256Sha256),
        (Curve::P256, Hash::Sha384) => Some(RingAlg::EcdsaP256Sha384),
        (Curve::P384, Hash::Sha256) => Some(RingAlg::EcdsaP384Sha256),
        (Curve::P384, Hash::Sha384) => Some(RingAlg::EcdsaP384Sha384),
        _ => None,
    };
    if let Some(algorithm) = ring_algorithm {
        return if scope.ring(algorithm, point, message, signature) {
            outcome
        } else {
            invalid()
        };
    }
    let primitive = Primitive::EcdsaPrehash { curve, hash };
    let verified = scope.verify(primitive, point, message, signature, || {
        let digest = hash.digest(message);
        match curve {
            Curve::P256 => ecdsa_prehash::<p256::NistP256>(point, &digest, signature),
            Curve::P384 => ecdsa_prehash::<p384::NistP384>(point, &digest, signature),
            Curve::P521 => ecdsa_prehash::<p521::NistP521>(point, &digest, signature),
        }
    });
    if verified {
        outcome
    } else {
        invalid()
    }
}

/// ECDSA verification of a DER Ecdsa-Sig-Value over a digest (RustCrypto).
fn ecdsa_prehash<C>(point: &[u8], digest: &[u8], signature: &[u8]) -> bool
where
    C: ecdsa::PrimeCurve + elliptic_curve::CurveArithmetic,
    ecdsa::SignatureSize<C>: elliptic_curve::generic_array::ArrayLength<u8>,
    ecdsa::der::MaxSize<C>: elliptic_curve::generic_array::ArrayLength<u8>,
    <elliptic_curve::FieldBytesSize<C> as std::ops::Add>::Output:
        std::ops::Add<ecdsa::der::MaxOverhead> + elliptic_curve::generic_array::ArrayLength<u8>,
    elliptic_curve::AffinePoint<C>: ecdsa::hazmat::VerifyPrimitive<C>
        + elliptic_curve::sec1::FromEncodedPoint<C>
        + elliptic_curve::sec1::ToEncodedPoint<C>,
    elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
{
    use ecdsa::signature::hazmat::PrehashVerifier;
    let Ok(key) = ecdsa::VerifyingKey::<C>::from_sec1_bytes(point) else {
        return false;
    };
    let Ok(signature) = ecdsa::Signature::<C>::from_der(signature) else {
        return false;
    };
    // FIPS 186-4 §6.4 takes the leftmost min(N, outlen) bits of the hash:
    // for a hash shorter than the order that is the whole hash as an integer,
    // the same as the hash padded with zero octets on the left. ecdsa's
    // bits2field pads too, but refuses a hash under half the field size
    // (SHA-1 on P-384, SHA-256 on P-521), so the padding is done here.
    let field_len = <elliptic_curve::FieldBytesSize<C> as elliptic_curve::generic_array::typenum::Unsigned>::USIZE;
    let mut prehash = vec![0u8; field_len.saturating_sub(digest.len())];
    prehash.extend_from_slice(digest);
    key.verify_prehash(&prehash, &signature).is_ok()
}

// --- DSA -------------------------------------------------------------------

fn verify_dsa(
    hash: Hash,
    params: Option<AnyRef<'_>>,
    y: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Outcome {
    use dsa::signature::hazmat::PrehashVerifier;
    use dsa::BigUint;
    let Some(params) = params else {
        return Outcome::Unsupported(
            "the issuer's DSA key has no domain parameters: they are inherited from the CA \
             above it (RFC 3279 §2.3.2, RFC 5280 §6.1.4 (f)), and this check takes one key only"
                .into(),
        );
    };
    let components = match params.decode_as::<dsa::Components>() {
        Ok(components) => components,
        Err(e) => {
            return Outcome::Unsupported(format!(
                "the issuer's DSA domain parameters cannot be read as Dss-Parms ({e})"
            ))
        }
    };
    let p_bits = components.p().bits();
    let q_bits = components.q().bits();
    // FIPS 186-4 §4.2 sizes (plus 4096-bit p, which OpenSSL makes); this
    // also bounds the cost of the modular exponentiations below.
    if p_bits < 1024 {
        return Outcome::Unsupported(format!(
            "the issuer's key is DSA-{p_bits}: too weak to count"
        ));
    }
    if p_bits > 4096 || ![160, 224, 256].contains(&q_bits) {
        return Outcome::Unsupported(format!(
            "the issuer's DSA key has a {p_bits}-bit p and a {q_bits}-bit q: pkiaudit checks \
             p of 1024 to 4096 bits with q of 160, 224 or 256 bits (FIPS 186-4 §4.2)"
        ));
    }
    let bits = p_bits as u32;
    let y = match UintRef::from_der(y) {
        Ok(y) => BigUint::from_bytes_be(y.as_bytes()),
        Err(e) => {
            return Outcome::Unsupported(format!(
                "the issuer's DSA public key is not an INTEGER ({e})"
            ))
        }
    };
    let invalid = |why: &str| {
        Outcome::Invalid(format!(
            "the DSA {} signature does not verify with the issuer's DSA-{bits} key: {why}",
            hash.name()
        ))
    };
    let Ok(key) = dsa::VerifyingKey::from_components(components, y) else {
        return invalid("the public value is not in the group its parameters define");
    };
    let Ok(signature) = dsa::Signature::from_der(signature) else {
        return invalid("the signature value is not a DER Dss-Sig-Value (RFC 3279 §2.2.2)");
    };
    match key.verify_prehash(&hash.digest(message), &signature) {
        Ok(()) => Outcome::Legacy(Legacy::Dsa { bits }),
        Err(_) => invalid("wrong key or altered data"),
    }
}

#[cfg(test)]
mod tests;
