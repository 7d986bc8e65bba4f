//! One verification per distinct signature per run.
//!
//! A sweep validates every leaf twice (`audit::path`, then rustls-webpki as
//! a second opinion), and every leaf under one CA asks both validators for
//! the same intermediate → root signature again. Verifying a signature is
//! a pure function of the primitive (the exact ring algorithm, or the
//! RustCrypto curve and hash) and its three inputs (public key, signed
//! data, signature value), so a result can be remembered under the
//! SHA-256 of each input and the primitive: a hit answers exactly what a
//! verification would have answered, and a signature that differs from a
//! remembered one in any bit of key, data or value is verified afresh.
//!
//! Two layers:
//! - [`SigScope`], one per chain analysis: every result of that analysis,
//!   so the two validators share the leaf's own signature. It is not put
//!   into the run's memo: no other analysis asks for it (each certificate
//!   is analysed as a leaf once), and a million-leaf sweep would fill the
//!   memo with them.
//! - [`SigMemo`], one per run (shared by every target and file of a sweep
//!   through `audit::Options`): the signatures on every other certificate,
//!   the CA certificates that recur under every leaf. Bounded by
//!   [`SigMemo::DEFAULT_CAPACITY`] entries (under 14 MB with the hash
//!   tables' slack); when full it stops storing (nothing is evicted) and
//!   keeps answering what it has, so a run with more distinct CA
//!   signatures than that verifies the later ones every time instead of
//!   once. DSA signatures (rare, legacy) are not memoised: their outcome
//!   names the step that failed, which a yes/no memo does not keep.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use ring::signature::{self as ring_sig, UnparsedPublicKey, VerificationAlgorithm};

use super::{Curve, Hash};

/// The ring verification algorithms pkiaudit and its webpki configuration
/// use. Each is one ring static: the same variant means the same code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RingAlg {
    RsaPkcs1Sha1Min1024,
    RsaPkcs1Sha256Min1024,
    RsaPkcs1Sha256Min2048,
    RsaPkcs1Sha384Min2048,
    RsaPkcs1Sha384Min3072,
    RsaPkcs1Sha512Min1024,
    RsaPkcs1Sha512Min2048,
    RsaPssSha256,
    RsaPssSha384,
    RsaPssSha512,
    EcdsaP256Sha256,
    EcdsaP256Sha384,
    EcdsaP384Sha256,
    EcdsaP384Sha384,
    Ed25519,
}

impl RingAlg {
    pub(crate) const ALL: [RingAlg; 15] = [
        RingAlg::RsaPkcs1Sha1Min1024,
        RingAlg::RsaPkcs1Sha256Min1024,
        RingAlg::RsaPkcs1Sha256Min2048,
        RingAlg::RsaPkcs1Sha384Min2048,
        RingAlg::RsaPkcs1Sha384Min3072,
        RingAlg::RsaPkcs1Sha512Min1024,
        RingAlg::RsaPkcs1Sha512Min2048,
        RingAlg::RsaPssSha256,
        RingAlg::RsaPssSha384,
        RingAlg::RsaPssSha512,
        RingAlg::EcdsaP256Sha256,
        RingAlg::EcdsaP256Sha384,
        RingAlg::EcdsaP384Sha256,
        RingAlg::EcdsaP384Sha384,
        RingAlg::Ed25519,
    ];

    pub(crate) fn algorithm(self) -> &'static dyn VerificationAlgorithm {
        match self {
            RingAlg::RsaPkcs1Sha1Min1024 => &ring_sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            RingAlg::RsaPkcs1Sha256Min1024 => {
                &ring_sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
            }
            RingAlg::RsaPkcs1Sha256Min2048 => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
            RingAlg::RsaPkcs1Sha384Min2048 => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
            RingAlg::RsaPkcs1Sha384Min3072 => &ring_sig::RSA_PKCS1_3072_8192_SHA384,
            RingAlg::RsaPkcs1Sha512Min1024 => {
                &ring_sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
            }
            RingAlg::RsaPkcs1Sha512Min2048 => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
            RingAlg::RsaPssSha256 => &ring_sig::RSA_PSS_2048_8192_SHA256,
            RingAlg::RsaPssSha384 => &ring_sig::RSA_PSS_2048_8192_SHA384,
            RingAlg::RsaPssSha512 => &ring_sig::RSA_PSS_2048_8192_SHA512,
            RingAlg::EcdsaP256Sha256 => &ring_sig::ECDSA_P256_SHA256_ASN1,
            RingAlg::EcdsaP256Sha384 => &ring_sig::ECDSA_P256_SHA384_ASN1,
            RingAlg::EcdsaP384Sha256 => &ring_sig::ECDSA_P384_SHA256_ASN1,
            RingAlg::EcdsaP384Sha384 => &ring_sig::ECDSA_P384_SHA384_ASN1,
            RingAlg::Ed25519 => &ring_sig::ED25519,
        }
    }

    /// The same RSA PKCS#1 padding and hash with a larger minimum modulus
    /// (ring's two parameter sets differ in nothing else, and both stop at
    /// 8192 bits): whatever it accepts, this one accepts; whatever this
    /// one refuses, it refuses.
    fn stricter(self) -> Option<RingAlg> {
        match self {
            RingAlg::RsaPkcs1Sha256Min1024 => Some(RingAlg::RsaPkcs1Sha256Min2048),
            RingAlg::RsaPkcs1Sha384Min2048 => Some(RingAlg::RsaPkcs1Sha384Min3072),
            RingAlg::RsaPkcs1Sha512Min1024 => Some(RingAlg::RsaPkcs1Sha512Min2048),
            _ => None,
        }
    }

    /// The inverse of [`RingAlg::stricter`].
    fn laxer(self) -> Option<RingAlg> {
        RingAlg::ALL
            .into_iter()
            .find(|lax| lax.stricter() == Some(self))
    }
}

/// What computes a verification: the memo key's first part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Primitive {
    Ring(RingAlg),
    /// RustCrypto ECDSA over a digest (`audit::path` only: the curves and
    /// hashes ring does not pair).
    EcdsaPrehash {
        curve: Curve,
        hash: Hash,
    },
}

/// The key of one signature: the primitive and the SHA-256 of each input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    primitive: Primitive,
    public_key: [u8; 32],
    message: [u8; 32],
    signature: [u8; 32],
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, data).as_ref());
    out
}

impl Key {
    fn new(primitive: Primitive, public_key: &[u8], message: &[u8], signature: &[u8]) -> Key {
        Key {
            primitive,
            public_key: sha256(public_key),
            message: sha256(message),
            signature: sha256(signature),
        }
    }

    fn with(self, primitive: Primitive) -> Key {
        Key { primitive, ..self }
    }

    /// The keys whose stored result answers this one, with the result they
    /// must have: itself (either result), the stricter RSA parameter set
    /// when it accepted, the laxer one when it refused.
    fn answers(self) -> impl Iterator<Item = (Key, Option<bool>)> {
        let (stricter, laxer) = match self.primitive {
            Primitive::Ring(alg) => (alg.stricter(), alg.laxer()),
            Primitive::EcdsaPrehash { .. } => (None, None),
        };
        std::iter::once((self, None))
            .chain(stricter.map(|s| (self.with(Primitive::Ring(s)), Some(true))))
            .chain(laxer.map(|l| (self.with(Primitive::Ring(l)), Some(false))))
    }
}

/// How many requests the memo answered, and how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigCounts {
    /// Verification requests (each validator asking for one signature).
    pub calls: u64,
    /// Requests answered from the memo or the analysis' scope.
    pub hits: u64,
    /// Signatures actually verified (`calls - hits`).
    pub verifications: u64,
    /// Results held in the run's memo.
    pub stored: usize,
    /// Results not stored because the memo was full.
    pub not_stored: u64,
}

const SHARDS: usize = 16;

/// The run-wide memo of signature verifications. Thread-safe (sixteen
/// independently locked shards), bounded (see the module documentation).
pub struct SigMemo {
    shards: Vec<Mutex<HashMap<Key, bool>>>,
    capacity: usize,
    stored: AtomicUsize,
    calls: AtomicU64,
    hits: AtomicU64,
    verifications: AtomicU64,
    not_stored: AtomicU64,
}

impl fmt::Debug for SigMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigMemo")
            .field("capacity", &self.capacity)
            .field("counts", &self.counts())
            .finish()
    }
}

impl Default for SigMemo {
    fn default() -> Self {
        SigMemo::with_capacity(SigMemo::DEFAULT_CAPACITY)
    }
}

impl SigMemo {
    /// Distinct CA signatures one run remembers: far more CA certificates
    /// than any VPN estate has; under 14 MB when full (about 100 bytes a
    /// result, in hash tables at most half empty).
    pub const DEFAULT_CAPACITY: usize = 1 << 16;

    pub fn new() -> Self {
        SigMemo::default()
    }

    /// A memo that stores at most `capacity` results.
    pub fn with_capacity(capacity: usize) -> Self {
        SigMemo {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            capacity,
            stored: AtomicUsize::new(0),
            calls: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            verifications: AtomicU64::new(0),
            not_stored: AtomicU64::new(0),
        }
    }

    pub fn counts(&self) -> SigCounts {
        SigCounts {
            calls: self.calls.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            verifications: self.verifications.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
            not_stored: self.not_stored.load(Ordering::Relaxed),
        }
    }

    fn shard(&self, key: &Key) -> Option<&Mutex<HashMap<Key, bool>>> {
        // The SHA-256 of the signed data is uniform: its first octet
        // spreads the keys over the shards.
        self.shards.get(usize::from(key.message[0]) % SHARDS)
    }

    fn get(&self, key: &Key) -> Option<bool> {
        let shard = self.shard(key)?.lock().ok()?;
        shard.get(key).copied()
    }

    fn insert(&self, key: Key, valid: bool) {
        // Reserve a slot first, so that concurrent inserts never exceed
        // the capacity; give it back if the key was already there.
        let reserved = self
            .stored
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .is_ok();
        if !reserved {
            self.not_stored.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let fresh = match self.shard(&key).map(Mutex::lock) {
            Some(Ok(mut shard)) => shard.insert(key, valid).is_none(),
            _ => false,
        };
        if !fresh {
            self.stored.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// The verifications of one chain analysis (both validators), in front of
/// the run's [`SigMemo`].
pub struct SigScope<'m> {
    memo: &'m SigMemo,
    /// The signed data of the certificate under analysis: its signature
    /// stays in the scope.
    own: Option<&'m [u8]>,
    local: Mutex<Vec<(Key, bool)>>,
}

impl fmt::Debug for SigScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigScope").finish_non_exhaustive()
    }
}

impl<'m> SigScope<'m> {
    /// The scope of the analysis of the certificate `own_der` (DER).
    pub fn new(memo: &'m SigMemo, own_der: &'m [u8]) -> Self {
        SigScope {
            memo,
            own: super::tbs_of(own_der),
            local: Mutex::new(Vec::new()),
        }
    }

    /// A scope for verifications outside a chain analysis: everything it
    /// verifies may go into the memo.
    pub fn detached(memo: &'m SigMemo) -> Self {
        SigScope {
            memo,
            own: None,
            local: Mutex::new(Vec::new()),
        }
    }

    fn local_get(&self, key: &Key) -> Option<bool> {
        let local = self.local.lock().ok()?;
        local.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    fn lookup(&self, key: Key) -> Option<bool> {
        for (k, required) in key.answers() {
            let found = self.local_get(&k).or_else(|| self.memo.get(&k));
            match (found, required) {
                (Some(v), None) => return Some(v),
                (Some(v), Some(r)) if v == r => return Some(v),
                _ => {}
            }
        }
        None
    }

    /// Whether `signature` over `message` verifies with `public_key` by
    /// `primitive`; `compute` does the verification on a miss and must be
    /// exactly `primitive` applied to these three inputs.
    pub(crate) fn verify(
        &self,
        primitive: Primitive,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
        compute: impl FnOnce() -> bool,
    ) -> bool {
        self.memo.calls.fetch_add(1, Ordering::Relaxed);
        let key = Key::new(primitive, public_key, message, signature);
        if let Some(valid) = self.lookup(key) {
            self.memo.hits.fetch_add(1, Ordering::Relaxed);
            return valid;
        }
        self.memo.verifications.fetch_add(1, Ordering::Relaxed);
        let valid = compute();
        if let Ok(mut local) = self.local.lock() {
            local.push((key, valid));
        }
        if self.own != Some(message) {
            self.memo.insert(key, valid);
        }
        valid
    }

    /// [`SigScope::verify`] with a ring algorithm.
    pub(crate) fn ring(
        &self,
        alg: RingAlg,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        self.verify(Primitive::Ring(alg), public_key, message, signature, || {
            UnparsedPublicKey::new(alg.algorithm(), public_key)
                .verify(message, signature)
                .is_ok()
        })
    }
}

#[cfg(test)]
mod tests;
