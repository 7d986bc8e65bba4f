//! Signature algorithms for path validation.
//!
//! rustls-webpki refuses SHA-1 and RSA keys under 2048 bits. Many VPN CAs
//! still sign with sha1WithRSAEncryption, and a chain that IOS accepts is not
//! "broken": pkiaudit verifies such signatures with ring's legacy algorithms
//! (a second pass, only after the strict one failed on the algorithm) and
//! raises a weak-algorithm finding instead.

use std::sync::OnceLock;

use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};

use crate::audit::path::signature::memo::{Primitive, RingAlg, SigScope};

/// The algorithms webpki accepts, with the ring backend.
pub fn strict() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    webpki::ALL_VERIFICATION_ALGS
}

/// Legacy RSA PKCS#1 v1.5 verification through ring's `*_FOR_LEGACY_USE_ONLY`
/// algorithms (RSA 1024 to 8192 bits).
#[derive(Debug)]
struct LegacyRsa {
    verify: RingAlg,
    signature_alg_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for LegacyRsa {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        ring::signature::UnparsedPublicKey::new(self.verify.algorithm(), public_key)
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
    verify: RingAlg::RsaPkcs1Sha1Min1024,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA1_RSA),
};
static LEGACY_SHA1_ABSENT: LegacyRsa = LegacyRsa {
    verify: RingAlg::RsaPkcs1Sha1Min1024,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA1_RSA_ABSENT_PARAMS),
};
static LEGACY_SHA256_SMALL_KEY: LegacyRsa = LegacyRsa {
    verify: RingAlg::RsaPkcs1Sha256Min1024,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA256_RSA),
};
static LEGACY_SHA512_SMALL_KEY: LegacyRsa = LegacyRsa {
    verify: RingAlg::RsaPkcs1Sha512Min1024,
    signature_alg_id: AlgorithmIdentifier::from_slice(SHA512_RSA),
};

type Entry = (&'static dyn SignatureVerificationAlgorithm, RingAlg);

/// webpki's algorithms (`webpki::ALL_VERIFICATION_ALGS`, same order), each
/// with the ring algorithm it verifies with (`webpki::ring`'s statics
/// wrap one ring algorithm each; the tests below check the pairing
/// against their Debug form).
fn strict_table() -> [Entry; 15] {
    use webpki::ring as w;
    [
        (w::ECDSA_P256_SHA256, RingAlg::EcdsaP256Sha256),
        (w::ECDSA_P256_SHA384, RingAlg::EcdsaP256Sha384),
        (w::ECDSA_P384_SHA256, RingAlg::EcdsaP384Sha256),
        (w::ECDSA_P384_SHA384, RingAlg::EcdsaP384Sha384),
        (w::ED25519, RingAlg::Ed25519),
        (
            w::RSA_PKCS1_2048_8192_SHA256,
            RingAlg::RsaPkcs1Sha256Min2048,
        ),
        (
            w::RSA_PKCS1_2048_8192_SHA384,
            RingAlg::RsaPkcs1Sha384Min2048,
        ),
        (
            w::RSA_PKCS1_2048_8192_SHA512,
            RingAlg::RsaPkcs1Sha512Min2048,
        ),
        (
            w::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            RingAlg::RsaPkcs1Sha256Min2048,
        ),
        (
            w::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            RingAlg::RsaPkcs1Sha384Min2048,
        ),
        (
            w::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
            RingAlg::RsaPkcs1Sha512Min2048,
        ),
        (
            w::RSA_PKCS1_3072_8192_SHA384,
            RingAlg::RsaPkcs1Sha384Min3072,
        ),
        (
            w::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            RingAlg::RsaPssSha256,
        ),
        (
            w::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            RingAlg::RsaPssSha384,
        ),
        (
            w::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            RingAlg::RsaPssSha512,
        ),
    ]
}

static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();

/// Legacy algorithms first (webpki uses the first algorithm whose identifiers
/// match, and the standard RSA ones refuse keys under 2048 bits), then the
/// strict set; with their ring algorithms.
fn table() -> &'static [Entry] {
    TABLE.get_or_init(|| {
        let mut v: Vec<Entry> = vec![
            (&LEGACY_SHA1, LEGACY_SHA1.verify),
            (&LEGACY_SHA1_ABSENT, LEGACY_SHA1_ABSENT.verify),
            (&LEGACY_SHA256_SMALL_KEY, LEGACY_SHA256_SMALL_KEY.verify),
            (&LEGACY_SHA512_SMALL_KEY, LEGACY_SHA512_SMALL_KEY.verify),
        ];
        v.extend(strict_table());
        v
    })
}

static LEGACY: OnceLock<Vec<&'static dyn SignatureVerificationAlgorithm>> = OnceLock::new();

/// Legacy algorithms first (webpki uses the first algorithm whose identifiers
/// match, and the standard RSA ones refuse keys under 2048 bits), then the
/// strict set.
pub fn with_legacy() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    LEGACY.get_or_init(|| table().iter().map(|(alg, _)| *alg).collect())
}

/// One of [`with_legacy`]'s algorithms, verifying through the memo of a
/// chain analysis: webpki then shares its results with `audit::path`,
/// which verifies with the same ring algorithms.
#[derive(Debug)]
pub(crate) struct Memoised<'s> {
    inner: &'static dyn SignatureVerificationAlgorithm,
    ring: RingAlg,
    scope: &'s SigScope<'s>,
}

impl SignatureVerificationAlgorithm for Memoised<'_> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // On a miss webpki's own algorithm verifies, which is `self.ring`
        // on these inputs.
        let valid = self.scope.verify(
            Primitive::Ring(self.ring),
            public_key,
            message,
            signature,
            || {
                self.inner
                    .verify_signature(public_key, message, signature)
                    .is_ok()
            },
        );
        if valid {
            Ok(())
        } else {
            Err(InvalidSignature)
        }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.inner.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.inner.signature_alg_id()
    }

    fn fips(&self) -> bool {
        self.inner.fips()
    }
}

/// [`with_legacy`], verifying through `scope`.
pub(crate) fn memoised<'s>(scope: &'s SigScope<'s>) -> Vec<Memoised<'s>> {
    table()
        .iter()
        .map(|&(inner, ring)| Memoised { inner, ring, scope })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairing of webpki's algorithms with ring's is what makes a
    /// shared result sound: check it against webpki's own list and the
    /// Debug form of its algorithms (`RingAlgorithm { public_key_alg_id,
    /// signature_alg_id, verification_alg }`).
    #[test]
    fn strict_table_is_webpkis_list_with_its_ring_algorithms() {
        let table = strict_table();
        assert_eq!(table.len(), webpki::ALL_VERIFICATION_ALGS.len());
        for ((alg, ring), theirs) in table.iter().zip(webpki::ALL_VERIFICATION_ALGS) {
            let ours = format!("{alg:?}");
            assert_eq!(ours, format!("{theirs:?}"));
            let suffix = format!("verification_alg: {:?} }}", ring.algorithm());
            assert!(ours.ends_with(&suffix), "{ours} does not use {suffix}");
        }
    }
}
