//! Signature algorithms for path validation.
//!
//! rustls-webpki refuses SHA-1 and RSA keys under 2048 bits. Many VPN CAs
//! still sign with sha1WithRSAEncryption, and a chain that IOS accepts is not
//! "broken": pkiaudit verifies such signatures with ring's legacy algorithms
//! (a second pass, only after the strict one failed on the algorithm) and
//! raises a weak-algorithm finding instead.

use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};

/// The algorithms webpki accepts, with the ring backend.
pub fn strict() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    webpki::ALL_VERIFICATION_ALGS
}

/// Legacy RSA PKCS#1 v1.5 verification through ring's `*_FOR_LEGACY_USE_ONLY`
/// algorithms (RSA 1024 to 8192 bits).
#[derive(Debug)]
struct LegacyRsa {
    verify: &'static ring::signature::RsaParameters,
    signature_alg_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for LegacyRsa {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        ring::signature::UnparsedPublicKey::new(self.verify, public_key)
            .verify(message, signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        rustls_pki_types::alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_alg_id
    }
}

// The contents of the AlgorithmIdentifier SEQUENCEs (OID, then NULL
// parameters or none), as webpki compares them.
const SHA1_RSA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
];
const SHA1_RSA_ABSENT_PARAMS: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05,
];
const SHA256_RSA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
const SHA512_RSA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00,
];

static LEGACY_SHA1: LegacyRsa = LegacyRsa {
    verify: &ring::signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA1_RSA),
};
static LEGACY_SHA1_ABSENT: LegacyRsa = LegacyRsa {
    verify: &ring::signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA1_RSA_ABSENT_PARAMS),
};
static LEGACY_SHA256_SMALL_KEY: LegacyRsa = LegacyRsa {
    verify: &ring::signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA256_RSA),
};
static LEGACY_SHA512_SMALL_KEY: LegacyRsa = LegacyRsa {
    verify: &ring::signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA512_RSA),
};

static LEGACY: std::sync::OnceLock<Vec<&'static dyn SignatureVerificationAlgorithm>> =
    std::sync::OnceLock::new();

/// Legacy algorithms first (webpki uses the first algorithm whose identifiers
/// match, and the standard RSA ones refuse keys under 2048 bits), then the
/// strict set.
pub fn with_legacy() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    LEGACY.get_or_init(|| {
        let mut v: Vec<&'static dyn SignatureVerificationAlgorithm> = vec![
            &LEGACY_SHA1,
            &LEGACY_SHA1_ABSENT,
            &LEGACY_SHA256_SMALL_KEY,
            &LEGACY_SHA512_SMALL_KEY,
        ];
        v.extend_from_slice(strict());
        v
    })
}
