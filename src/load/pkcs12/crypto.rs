//! The password-based cryptography of PKCS#12 (RFC 7292): the PKCS#12 key
//! derivation (Appendix B.2), its PBES1 schemes (Appendix C: 3DES, RC2),
//! PKCS#5 PBES2 with PBKDF2 (RFC 8018 §6.2, as OpenSSL 3 writes by default),
//! and the MAC over the authenticated safe (§5.1, Appendix B.3).
//!
//! Digests, HMAC and PBKDF2 are ring's; the block ciphers are RustCrypto's
//! (ring has no CBC, 3DES or RC2). Every iteration count is checked against
//! [`MAX_ITERATIONS`] before any work is done: a hostile file cannot make
//! the loader spin for hours.

use std::num::NonZeroU32;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, InnerIvInit, KeyInit, KeyIvInit};
use ring::digest;
use zeroize::Zeroizing;

use super::asn1::{self, AlgorithmId};

/// The largest iteration count pkiaudit runs (ten million). Real files use
/// 1 to 600,000 (OpenSSL 2,048, Windows 2,000, Java 10,000 and more); ten
/// million costs about a second per derivation, and a file needs a few.
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// A password in the two encodings PKCS#12 uses.
pub(crate) struct Candidate {
    /// For the PKCS#12 KDF (MAC and PBES1): a BMPString with its two-byte
    /// terminator (RFC 7292 Appendix B.1).
    pub bmp: Zeroizing<Vec<u8>>,
    /// For PBES2/PBKDF2: the password's UTF-8 bytes, as OpenSSL passes them.
    pub utf8: Zeroizing<Vec<u8>>,
}

impl Candidate {
    /// A password typed or read from a file.
    pub(crate) fn new(password: &str) -> Candidate {
        let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
        for unit in password.encode_utf16() {
            bmp.extend_from_slice(&unit.to_be_bytes());
        }
        bmp.extend_from_slice(&[0, 0]);
        Candidate {
            bmp,
            utf8: Zeroizing::new(password.as_bytes().to_vec()),
        }
    }

    /// The absent password: no octets at all, not even the terminator.
    /// PKCS#12 tells it apart from the empty password (two zero octets), and
    /// some exporters write files under it; OpenSSL tries both.
    pub(crate) fn absent() -> Candidate {
        Candidate {
            bmp: Zeroizing::new(Vec::new()),
            utf8: Zeroizing::new(Vec::new()),
        }
    }
}

/// Why something could not be decrypted or checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CryptoError {
    /// Decryption ran but the result is not what it should be (bad padding):
    /// the wrong password, or damaged data.
    Failed,
    /// An algorithm pkiaudit does not implement; the words name it.
    Unsupported(String),
    /// More iterations than [`MAX_ITERATIONS`].
    TooManyIterations(u64),
    /// The parameters are not well-formed; the words say how.
    Malformed(String),
}

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CryptoError::Failed => write!(f, "decryption failed (bad padding)"),
            CryptoError::Unsupported(what) => write!(f, "{what} is not supported"),
            CryptoError::TooManyIterations(n) => write!(
                f,
                "{n} iterations is more than the {MAX_ITERATIONS} pkiaudit runs (a hostile or \
                 broken file)"
            ),
            CryptoError::Malformed(what) => write!(f, "malformed parameters: {what}"),
        }
    }
}

fn iterations(n: u64) -> Result<u32, CryptoError> {
    if n > MAX_ITERATIONS {
        return Err(CryptoError::TooManyIterations(n));
    }
    // RFC 7292 and RFC 8018 need at least one; 0 is read as 1, as OpenSSL does.
    Ok(u32::try_from(n.max(1)).unwrap_or(1))
}

/// A digest by its OID (the MAC's DigestInfo, PKCS#12 KDF).
fn digest_by_oid(oid: &str) -> Result<&'static digest::Algorithm, CryptoError> {
    match oid {
        "1.3.14.3.2.26" => Ok(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        "2.16.840.1.101.3.4.2.1" => Ok(&digest::SHA256),
        "2.16.840.1.101.3.4.2.2" => Ok(&digest::SHA384),
        "2.16.840.1.101.3.4.2.3" => Ok(&digest::SHA512),
        "2.16.840.1.101.3.4.2.4" => Err(CryptoError::Unsupported("the SHA-224 MAC".into())),
        "1.2.840.113549.2.5" => Err(CryptoError::Unsupported("the MD5 MAC".into())),
        other => Err(CryptoError::Unsupported(format!("MAC digest {other}"))),
    }
}

fn hmac_for(alg: &'static digest::Algorithm) -> ring::hmac::Algorithm {
    if alg == &digest::SHA256 {
        ring::hmac::HMAC_SHA256
    } else if alg == &digest::SHA384 {
        ring::hmac::HMAC_SHA384
    } else if alg == &digest::SHA512 {
        ring::hmac::HMAC_SHA512
    } else {
        ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY
    }
}

/// The PKCS#12 key derivation function (RFC 7292 Appendix B.2): `n` octets
/// for purpose `id` (1 key, 2 IV, 3 MAC key).
pub(crate) fn pkcs12_kdf(
    alg: &'static digest::Algorithm,
    password_bmp: &[u8],
    salt: &[u8],
    id: u8,
    rounds: u32,
    n: usize,
) -> Zeroizing<Vec<u8>> {
    let v = alg.block_len();
    // S and P, each repeated to a multiple of v octets (empty stays empty).
    let fill = |s: &[u8]| -> Vec<u8> {
        let len = v * s.len().div_ceil(v);
        s.iter().cycle().take(len).copied().collect()
    };
    let mut i_buf = Zeroizing::new(fill(salt));
    i_buf.extend_from_slice(&fill(password_bmp));
    let d = vec![id; v];
    let mut out = Zeroizing::new(Vec::with_capacity(n + alg.output_len()));
    while out.len() < n {
        let mut ctx = digest::Context::new(alg);
        ctx.update(&d);
        ctx.update(&i_buf);
        let mut a = ctx.finish();
        for _ in 1..rounds {
            a = digest::digest(alg, a.as_ref());
        }
        out.extend_from_slice(a.as_ref());
        if out.len() >= n {
            break;
        }
        // I_j = (I_j + B + 1) mod 2^(8v), with B = A repeated to v octets.
        let b: Vec<u8> = a.as_ref().iter().cycle().take(v).copied().collect();
        for block in i_buf.chunks_mut(v) {
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(n);
    out
}

/// The MAC data of a PFX (RFC 7292 §4).
#[derive(Debug, Clone)]
pub(crate) struct MacData {
    pub digest_oid: String,
    pub digest: Vec<u8>,
    pub salt: Vec<u8>,
    pub iterations: u64,
}

impl MacData {
    /// The MAC's algorithm in words (`HMAC-SHA-256`), for messages.
    pub(crate) fn words(&self) -> String {
        match self.digest_oid.as_str() {
            "1.3.14.3.2.26" => "HMAC-SHA-1".into(),
            "2.16.840.1.101.3.4.2.1" => "HMAC-SHA-256".into(),
            "2.16.840.1.101.3.4.2.2" => "HMAC-SHA-384".into(),
            "2.16.840.1.101.3.4.2.3" => "HMAC-SHA-512".into(),
            other => format!("HMAC with digest {other}"),
        }
    }

    /// Whether the MAC verifies over `data` under `password`.
    pub(crate) fn verify(&self, data: &[u8], password: &Candidate) -> Result<bool, CryptoError> {
        if self.digest_oid == "1.2.840.113549.1.5.14" {
            return Err(CryptoError::Unsupported(
                "PBMAC1 (RFC 9579, OpenSSL 3.4 -pbmac1_pbkdf2)".into(),
            ));
        }
        let alg = digest_by_oid(&self.digest_oid)?;
        let rounds = iterations(self.iterations)?;
        let key = pkcs12_kdf(alg, &password.bmp, &self.salt, 3, rounds, alg.output_len());
        let key = ring::hmac::Key::new(hmac_for(alg), &key);
        Ok(ring::hmac::verify(&key, data, &self.digest).is_ok())
    }
}

/// Decrypt `data` encrypted under `alg` (a PKCS#12 PBE or PBES2) with
/// `password`. The plaintext is wiped when dropped.
pub(crate) fn decrypt(
    alg: &AlgorithmId,
    data: &[u8],
    password: &Candidate,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    match alg.oid.as_str() {
        "1.2.840.113549.1.5.13" => pbes2(alg, data, password),
        oid if oid.starts_with("1.2.840.113549.1.12.1.") => pbes1(alg, data, password),
        "1.2.840.113549.1.5.3" | "1.2.840.113549.1.5.10" | "1.2.840.113549.1.5.6" => Err(
            CryptoError::Unsupported(format!("PKCS#5 PBES1 with DES or RC2 ({})", alg.oid)),
        ),
        other => Err(CryptoError::Unsupported(format!("encryption {other}"))),
    }
}

/// The encryption scheme of `alg`, in words, for notes.
pub(crate) fn words(alg: &AlgorithmId) -> String {
    match alg.oid.as_str() {
        "1.2.840.113549.1.12.1.1" => "RC4-128".into(),
        "1.2.840.113549.1.12.1.2" => "RC4-40".into(),
        "1.2.840.113549.1.12.1.3" => "3DES (SHA-1 KDF)".into(),
        "1.2.840.113549.1.12.1.4" => "2-key 3DES (SHA-1 KDF)".into(),
        "1.2.840.113549.1.12.1.5" => "RC2-128 (SHA-1 KDF)".into(),
        "1.2.840.113549.1.12.1.6" => "RC2-40 (SHA-1 KDF)".into(),
        "1.2.840.113549.1.5.13" => match pbes2_params(alg) {
            Ok(p) => format!("{} with PBKDF2-{}", p.cipher.name(), p.prf_name),
            Err(_) => "PBES2".into(),
        },
        other => other.to_string(),
    }
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError>
where
    C: BlockCipherDecrypt + KeyInit,
    cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
{
    let cipher = cbc::Decryptor::<C>::new_from_slices(key, iv)
        .map_err(|_| CryptoError::Malformed("key or IV length does not fit the cipher".into()))?;
    unpad(cipher, data)
}

/// CBC-decrypt into a buffer that is wiped when dropped, and strip the
/// PKCS#7 padding (a wrong key shows as bad padding, mostly).
fn unpad<M: BlockModeDecrypt>(mode: M, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut buf = Zeroizing::new(data.to_vec());
    let len = mode
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| CryptoError::Failed)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// RFC 7292 Appendix C: pkcs-12PbeParams { salt, iterations }, key and IV
/// from the PKCS#12 KDF with SHA-1.
fn pbes1(
    alg: &AlgorithmId,
    data: &[u8],
    password: &Candidate,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let params = alg
        .params
        .as_deref()
        .ok_or_else(|| CryptoError::Malformed("PBE parameters missing".into()))?;
    let (salt, count) = asn1::pbe_params(params).map_err(CryptoError::Malformed)?;
    let rounds = iterations(count)?;
    let sha1 = &digest::SHA1_FOR_LEGACY_USE_ONLY;
    let key = |len| pkcs12_kdf(sha1, &password.bmp, &salt, 1, rounds, len);
    let iv = || pkcs12_kdf(sha1, &password.bmp, &salt, 2, rounds, 8);
    match alg.oid.as_str() {
        "1.2.840.113549.1.12.1.3" => cbc_decrypt::<des::TdesEde3>(&key(24), &iv(), data),
        "1.2.840.113549.1.12.1.4" => cbc_decrypt::<des::TdesEde2>(&key(16), &iv(), data),
        oid @ ("1.2.840.113549.1.12.1.5" | "1.2.840.113549.1.12.1.6") => {
            let bytes = if oid.ends_with(".5") { 16 } else { 5 };
            let k = key(bytes);
            let cipher = rc2::Rc2::new_with_eff_key_len(&k, bytes * 8);
            let iv = iv();
            let mode = cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, &iv)
                .map_err(|_| CryptoError::Malformed("IV length".into()))?;
            unpad(mode, data)
        }
        "1.2.840.113549.1.12.1.1" | "1.2.840.113549.1.12.1.2" => Err(CryptoError::Unsupported(
            format!("{} encryption", words(alg)),
        )),
        other => Err(CryptoError::Unsupported(format!("PKCS#12 PBE {other}"))),
    }
}

#[derive(Debug, Clone, Copy)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    Tdes,
}

impl Cipher {
    fn name(self) -> &'static str {
        match self {
            Cipher::Aes128 => "AES-128-CBC",
            Cipher::Aes192 => "AES-192-CBC",
            Cipher::Aes256 => "AES-256-CBC",
            Cipher::Tdes => "3DES-CBC",
        }
    }

    fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 => 16,
            Cipher::Aes192 | Cipher::Tdes => 24,
            Cipher::Aes256 => 32,
        }
    }
}

struct Pbes2 {
    salt: Vec<u8>,
    iterations: u64,
    key_length: Option<u64>,
    prf: ring::pbkdf2::Algorithm,
    prf_name: &'static str,
    cipher: Cipher,
    iv: Vec<u8>,
}

fn pbes2_params(alg: &AlgorithmId) -> Result<Pbes2, CryptoError> {
    let params = alg
        .params
        .as_deref()
        .ok_or_else(|| CryptoError::Malformed("PBES2 parameters missing".into()))?;
    let raw = asn1::pbes2_params(params).map_err(CryptoError::Malformed)?;
    if raw.kdf_oid != "1.2.840.113549.1.5.12" {
        return Err(CryptoError::Unsupported(format!(
            "PBES2 key derivation {} (only PBKDF2 is)",
            raw.kdf_oid
        )));
    }
    let (prf, prf_name) = match raw.prf_oid.as_deref() {
        None | Some("1.2.840.113549.2.7") => (ring::pbkdf2::PBKDF2_HMAC_SHA1, "HMAC-SHA-1"),
        Some("1.2.840.113549.2.9") => (ring::pbkdf2::PBKDF2_HMAC_SHA256, "HMAC-SHA-256"),
        Some("1.2.840.113549.2.10") => (ring::pbkdf2::PBKDF2_HMAC_SHA384, "HMAC-SHA-384"),
        Some("1.2.840.113549.2.11") => (ring::pbkdf2::PBKDF2_HMAC_SHA512, "HMAC-SHA-512"),
        Some(other) => {
            return Err(CryptoError::Unsupported(format!("PBKDF2 with PRF {other}")));
        }
    };
    let cipher = match raw.cipher_oid.as_str() {
        "2.16.840.1.101.3.4.1.2" => Cipher::Aes128,
        "2.16.840.1.101.3.4.1.22" => Cipher::Aes192,
        "2.16.840.1.101.3.4.1.42" => Cipher::Aes256,
        "1.2.840.113549.3.7" => Cipher::Tdes,
        other => {
            return Err(CryptoError::Unsupported(format!("PBES2 cipher {other}")));
        }
    };
    Ok(Pbes2 {
        salt: raw.salt,
        iterations: raw.iterations,
        key_length: raw.key_length,
        prf,
        prf_name,
        cipher,
        iv: raw.iv,
    })
}

/// RFC 8018 §6.2.2: PBKDF2 over the password's octets, then CBC.
fn pbes2(
    alg: &AlgorithmId,
    data: &[u8],
    password: &Candidate,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let p = pbes2_params(alg)?;
    let rounds = NonZeroU32::new(iterations(p.iterations)?)
        .ok_or_else(|| CryptoError::Malformed("zero iterations".into()))?;
    let len = p.cipher.key_len();
    if p.key_length.is_some_and(|k| k != len as u64) {
        return Err(CryptoError::Malformed(format!(
            "keyLength does not fit {}",
            p.cipher.name()
        )));
    }
    let mut key = Zeroizing::new(vec![0u8; len]);
    ring::pbkdf2::derive(p.prf, rounds, &p.salt, &password.utf8, &mut key);
    match p.cipher {
        Cipher::Aes128 => cbc_decrypt::<aes::Aes128>(&key, &p.iv, data),
        Cipher::Aes192 => cbc_decrypt::<aes::Aes192>(&key, &p.iv, data),
        Cipher::Aes256 => cbc_decrypt::<aes::Aes256>(&key, &p.iv, data),
        Cipher::Tdes => cbc_decrypt::<des::TdesEde3>(&key, &p.iv, data),
    }
}
