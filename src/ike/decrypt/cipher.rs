//! The primitives behind [`decrypt_payload`](super::decrypt_payload): key
//! lengths, the HMAC check, AES-CBC, AES-CTR and AES-GCM.

use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::{AeadInOut, AesGcm, KeyInit, Nonce, Tag};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit, StreamCipher};

use super::{DecryptError, Integrity};

pub(super) fn check_key_len(
    name: &str,
    key: &[u8],
    want: Option<usize>,
) -> Result<(), DecryptError> {
    match want {
        Some(want) if key.len() != want => Err(DecryptError::BadKey(format!(
            "{name} is {} octets, the algorithm needs {want}",
            key.len()
        ))),
        _ => Ok(()),
    }
}

/// Verifies the truncated HMAC (RFC 7296 §3.14: over the message from the IKE
/// header through the last octet before the ICV) in constant time.
pub(super) fn verify_hmac(
    integrity: &Integrity,
    key: &[u8],
    covered: &[u8],
    icv: &[u8],
) -> Result<(), DecryptError> {
    let algorithm = integrity
        .hmac_algorithm()
        .ok_or_else(|| DecryptError::UnsupportedAlgorithm(format!("integrity {integrity}")))?;
    let tag = ring::hmac::sign(&ring::hmac::Key::new(algorithm, key), covered);
    let computed = tag.as_ref().get(..icv.len()).ok_or_else(|| {
        DecryptError::UnsupportedAlgorithm(format!(
            "integrity {integrity}: ICV longer than the HMAC"
        ))
    })?;
    if constant_time_eq(computed, icv) {
        Ok(())
    } else {
        Err(DecryptError::IntegrityCheckFailed)
    }
}

/// Compares without an early exit, so the time does not tell how many leading
/// octets of a forged ICV were right. (ring 0.17's `constant_time` is deprecated
/// and its `hmac::verify` only takes a full-length tag.)
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

pub(super) fn bad_key(what: &str) -> DecryptError {
    DecryptError::BadKey(format!("{what}: key or IV length does not fit the cipher"))
}

pub(super) fn cbc_decrypt(
    key_bits: u16,
    key: &[u8],
    iv: &[u8],
    buf: &mut [u8],
) -> Result<(), DecryptError> {
    fn run<C>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Result<(), DecryptError>
    where
        cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
        C: cbc::cipher::BlockCipherDecrypt,
    {
        cbc::Decryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| bad_key("AES-CBC"))?
            .decrypt_padded::<NoPadding>(buf)
            .map_err(|_| {
                DecryptError::Malformed("AES-CBC ciphertext is not whole blocks".to_string())
            })?;
        Ok(())
    }
    match key_bits {
        128 => run::<Aes128>(key, iv, buf),
        192 => run::<Aes192>(key, iv, buf),
        256 => run::<Aes256>(key, iv, buf),
        other => Err(DecryptError::UnsupportedAlgorithm(format!(
            "AES-CBC with a {other}-bit key"
        ))),
    }
}

pub(super) fn ctr_apply(
    key_bits: u16,
    key: &[u8],
    counter_block: &[u8; 16],
    buf: &mut [u8],
) -> Result<(), DecryptError> {
    let applied = match key_bits {
        128 => ctr::Ctr32BE::<Aes128>::new_from_slices(key, counter_block)
            .map(|mut c| c.try_apply_keystream(buf)),
        192 => ctr::Ctr32BE::<Aes192>::new_from_slices(key, counter_block)
            .map(|mut c| c.try_apply_keystream(buf)),
        256 => ctr::Ctr32BE::<Aes256>::new_from_slices(key, counter_block)
            .map(|mut c| c.try_apply_keystream(buf)),
        other => {
            return Err(DecryptError::UnsupportedAlgorithm(format!(
                "AES-CTR with a {other}-bit key"
            )))
        }
    };
    applied.map_err(|_| bad_key("AES-CTR"))?.map_err(|_| {
        DecryptError::Malformed("AES-CTR payload longer than the counter allows".to_string())
    })
}

/// AES-GCM with a 12-octet nonce (salt || IV, RFC 5282 §4) and an 8, 12 or
/// 16-octet ICV; `buf` holds the plaintext only when the tag matched.
pub(super) fn gcm_decrypt(
    key_bits: u16,
    icv_len: u8,
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    buf: &mut [u8],
    icv: &[u8],
) -> Result<(), DecryptError> {
    match (key_bits, icv_len) {
        (128, 8) => gcm_short_tag::<Aes128>(key, nonce, aad, buf, icv),
        (128, 12) => gcm_verified::<AesGcm<Aes128, U12, U12>>(key, nonce, aad, buf, icv),
        (128, 16) => gcm_verified::<AesGcm<Aes128, U12, U16>>(key, nonce, aad, buf, icv),
        (192, 8) => gcm_short_tag::<Aes192>(key, nonce, aad, buf, icv),
        (192, 12) => gcm_verified::<AesGcm<Aes192, U12, U12>>(key, nonce, aad, buf, icv),
        (192, 16) => gcm_verified::<AesGcm<Aes192, U12, U16>>(key, nonce, aad, buf, icv),
        (256, 8) => gcm_short_tag::<Aes256>(key, nonce, aad, buf, icv),
        (256, 12) => gcm_verified::<AesGcm<Aes256, U12, U12>>(key, nonce, aad, buf, icv),
        (256, 16) => gcm_verified::<AesGcm<Aes256, U12, U16>>(key, nonce, aad, buf, icv),
        (bits, icv) => Err(DecryptError::UnsupportedAlgorithm(format!(
            "AES-GCM with a {bits}-bit key and a {icv}-octet ICV"
        ))),
    }
}

/// 12- and 16-octet ICVs: the aes-gcm crate checks the tag (in constant time)
/// before it decrypts.
pub(super) fn gcm_verified<A>(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    buf: &mut [u8],
    icv: &[u8],
) -> Result<(), DecryptError>
where
    A: AeadInOut<NonceSize = U12> + KeyInit,
{
    let cipher = A::new_from_slice(key).map_err(|_| bad_key("AES-GCM"))?;
    let tag = Tag::<A::TagSize>::try_from(icv).map_err(|_| {
        DecryptError::Malformed("AES-GCM ICV length does not fit the algorithm".to_string())
    })?;
    cipher
        .decrypt_inout_detached(&Nonce::<U12>::from(*nonce), aad, buf.into(), &tag)
        .map_err(|_| DecryptError::IntegrityCheckFailed)
}

/// 8-octet ICV (ENCR_AES_GCM_8). aes-gcm 0.11 only offers 4- and 8-octet tags
/// behind its `hazmat` feature, so the tag is computed with the 16-octet
/// algorithm and its first 8 octets compared: a GCM tag of t bits is the first
/// t bits of the full tag (NIST SP 800-38D §7.1, MSB_t). The full tag over
/// (AAD, ciphertext) comes out of encrypting the plaintext, which is the
/// ciphertext run through the same keystream once (CTR mode is its own
/// inverse). The plaintext stays in `buf` only when the tags match.
pub(super) fn gcm_short_tag<C>(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    buf: &mut [u8],
    icv: &[u8],
) -> Result<(), DecryptError>
where
    AesGcm<C, U12, U16>: AeadInOut<NonceSize = U12, TagSize = U16> + KeyInit,
{
    let cipher = AesGcm::<C, U12, U16>::new_from_slice(key).map_err(|_| bad_key("AES-GCM"))?;
    let nonce = Nonce::<U12>::from(*nonce);
    let aead_failed = |_| DecryptError::Malformed("AES-GCM payload too long".to_string());
    let ciphertext = buf.to_vec();
    // Keystream once: ciphertext -> plaintext (the tag of this pass is meaningless).
    cipher
        .encrypt_inout_detached(&nonce, aad, (&mut *buf).into())
        .map_err(aead_failed)?;
    // And again on a copy: plaintext -> ciphertext, with the real tag.
    let mut again = buf.to_vec();
    let full_tag = cipher
        .encrypt_inout_detached(&nonce, aad, again.as_mut_slice().into())
        .map_err(aead_failed)?;
    if constant_time_eq(full_tag.get(..icv.len()).unwrap_or(&[]), icv) {
        Ok(())
    } else {
        buf.copy_from_slice(&ciphertext);
        Err(DecryptError::IntegrityCheckFailed)
    }
}
