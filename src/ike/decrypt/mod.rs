//! Decrypting IKEv2 Encrypted (SK, type 46) and Encrypted Fragment (SKF,
//! type 53) payloads with keys from a Wireshark `ikev2_decryption_table`.
//!
//! The table is what strongSwan's `save-keys` plugin appends to (and what
//! Wireshark itself saves from Preferences > Protocols > ISAKMP): one IKE SA
//! a line, eight comma-separated fields
//!
//! ```text
//! SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity"
//! ```
//!
//! where the SPIs and keys are bare hex (strongSwan prints them with `%+B`,
//! Wireshark's UAT writer likewise) and the algorithms are Wireshark's
//! display names in double quotes (`vs_ikev2_encr_algs` /
//! `vs_ikev2_auth_algs` in `epan/dissectors/packet-isakmp.c`). For AEAD
//! ciphers SK_ai and SK_ar are empty and the integrity is `"NONE [RFC4306]"`.
//! For AES-CTR and AES-GCM, SK_e carries the 4-octet salt/nonce after the AES
//! key (RFC 5930 §5, RFC 5282 §7.1), so AES-GCM-128 has a 20-octet SK_e.
//!
//! Integrity always comes first: for AES-CBC/CTR the truncated HMAC over the
//! message from the IKE header up to the ICV (RFC 7296 §3.14) is compared in
//! constant time before anything is decrypted; for AES-GCM the tag over the
//! associated data (every octet before the IV, RFC 5282 §5.1 and RFC 7383
//! §2.5) is checked by the AEAD before the plaintext is released. A wrong key,
//! a wrong direction or an altered octet therefore gives
//! [`DecryptError::IntegrityCheckFailed`], never garbage. One limit is the
//! protocol's: for AES-CBC/CTR the ICV is keyed with SK_a and covers the
//! ciphertext, so a table line whose SK_a is right but whose SK_e alone is
//! wrong passes the check and decrypts to noise; only the caller's walk of
//! the inner payload chain can notice that.

use crate::model::hex_lower;

mod cipher;
mod keys;

use cipher::{cbc_decrypt, check_key_len, ctr_apply, gcm_decrypt, verify_hmac};
pub use keys::{parse_table, Encryption, Integrity, KeyTable, SaKeys};

/// IKEv2 payload type of the Encrypted and Authenticated payload (RFC 7296 §3.14).
pub const PAYLOAD_SK: u8 = 46;
/// IKEv2 payload type of the Encrypted and Authenticated Fragment payload (RFC 7383 §2.5).
pub const PAYLOAD_SKF: u8 = 53;

/// Length of the fixed IKE header (RFC 7296 §3.1).
const IKE_HEADER_LEN: usize = 28;
/// Length of the salt appended to SK_e for AES-CTR (RFC 5930 §5) and AES-GCM (RFC 5282 §7.1).
const SALT_LEN: usize = 4;

/// Why an SK/SKF payload could not be decrypted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// The ICV (HMAC or AEAD tag) does not match: wrong keys, wrong direction, or
    /// a changed octet anywhere in the authenticated part of the message.
    #[error("integrity check failed: wrong keys or direction, or the message was altered")]
    IntegrityCheckFailed,
    /// The message ends before a length in it says it should.
    #[error("truncated: {0}")]
    Truncated(String),
    /// The table names an algorithm this module cannot use.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The Pad Length octet claims more padding than there is plaintext (after
    /// integrity passed, so the sender really sent it).
    #[error("bad padding: {0}")]
    BadPadding(String),
    /// The message's structure is wrong: the offset does not point at an SK/SKF
    /// payload, a length is impossible, the SK payload is not the last one.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The keys given do not fit their algorithm (only possible for keys built by
    /// hand: `parse_table` checks lengths).
    #[error("bad key: {0}")]
    BadKey(String),
    /// The keys belong to another IKE SA than the message's header names.
    #[error("keys are for IKE SA {keys}, the message is for {message}")]
    SpiMismatch { keys: String, message: String },
}

/// Decrypts one SK (46) or SKF (53) payload.
///
/// `message` is the whole IKE message as received (IKE header through the end,
/// without a non-ESP marker); `sk_offset` is the offset of the SK/SKF payload's
/// generic header inside it; `from_initiator` picks SK_ei/SK_ai vs SK_er/SK_ar
/// (the Initiator flag, bit 0x08 of the header flags). Whether the payload is SK
/// or SKF is read from the payload chain (the Next Payload field before it). For
/// SKF, the payload body starts with Fragment Number (2) and Total Fragments (2)
/// before the IV, and those 4 octets are part of the AAD/ICV input (RFC 7383 §2.5).
///
/// Returns the decrypted inner payload octets with the padding and Pad Length
/// removed: for SK and for the first SKF fragment, the inner chain starts with the
/// payload type in the SK/SKF header's Next Payload field (which the caller reads);
/// later fragments are a continuation to be concatenated (RFC 7383 §2.6).
pub fn decrypt_payload(
    keys: &SaKeys,
    message: &[u8],
    sk_offset: usize,
    from_initiator: bool,
) -> Result<Vec<u8>, DecryptError> {
    if let Encryption::Unsupported(name) = &keys.encryption {
        return Err(DecryptError::UnsupportedAlgorithm(format!(
            "encryption {name} (this auditor decrypts AES-CBC, AES-CTR, AES-GCM and NULL)"
        )));
    }
    if let Integrity::Unsupported(name) = &keys.integrity {
        return Err(DecryptError::UnsupportedAlgorithm(format!(
            "integrity {name} (this auditor verifies HMAC-SHA1-96 and HMAC-SHA2-256/384/512)"
        )));
    }
    let aead = keys.encryption.is_aead();
    if aead != (keys.integrity == Integrity::None) {
        return Err(DecryptError::UnsupportedAlgorithm(format!(
            "{} with integrity {}: AEAD ciphers take NONE, others need an HMAC",
            keys.encryption, keys.integrity
        )));
    }

    let header = message.get(..IKE_HEADER_LEN).ok_or_else(|| {
        DecryptError::Truncated(format!(
            "{} octets is shorter than the 28-octet IKE header",
            message.len()
        ))
    })?;
    let msg_spi_i = &header[0..8];
    let msg_spi_r = &header[8..16];
    if msg_spi_i != keys.spi_i || msg_spi_r != keys.spi_r {
        return Err(DecryptError::SpiMismatch {
            keys: format!("{}/{}", hex_lower(&keys.spi_i), hex_lower(&keys.spi_r)),
            message: format!("{}/{}", hex_lower(msg_spi_i), hex_lower(msg_spi_r)),
        });
    }
    let declared_len = usize::try_from(read_u32(header, 24)).unwrap_or(usize::MAX);

    let payload_type = payload_type_at(message, sk_offset)?;
    let header_len = match payload_type {
        PAYLOAD_SK => 4,
        PAYLOAD_SKF => 8,
        other => {
            return Err(DecryptError::Malformed(format!(
                "the payload at offset {sk_offset} is type {other}, not Encrypted (46) or Encrypted Fragment (53)"
            )))
        }
    };
    let generic = message
        .get(sk_offset..)
        .and_then(|rest| rest.get(..header_len))
        .ok_or_else(|| {
            DecryptError::Truncated(format!(
                "the {}-octet {} header at offset {sk_offset} runs past the {}-octet message",
                header_len,
                payload_name(payload_type),
                message.len()
            ))
        })?;
    let payload_len = usize::from(read_u16(generic, 2));
    if payload_len < header_len {
        return Err(DecryptError::Malformed(format!(
            "{} payload length {payload_len} is shorter than its {header_len}-octet header",
            payload_name(payload_type)
        )));
    }
    if payload_type == PAYLOAD_SKF {
        // RFC 7383 §2.5: fragments are numbered from 1 up to Total Fragments.
        let number = read_u16(generic, 4);
        let total = read_u16(generic, 6);
        if number == 0 || total == 0 || number > total {
            return Err(DecryptError::Malformed(format!(
                "fragment number {number} of {total} (RFC 7383 §2.5 numbers fragments from 1 to the total)"
            )));
        }
    }
    let sk_end = sk_offset
        .checked_add(payload_len)
        .ok_or_else(|| DecryptError::Malformed("payload length overflows".to_string()))?;
    if sk_end > message.len() {
        return Err(DecryptError::Truncated(format!(
            "the {} payload at offset {sk_offset} says {payload_len} octets, but the message ends after {}",
            payload_name(payload_type),
            message.len() - sk_offset.min(message.len())
        )));
    }
    // RFC 7296 §3.14: the Encrypted payload MUST be the last one, so it ends where
    // the header's Length says the message ends.
    if sk_end != declared_len {
        return Err(DecryptError::Malformed(format!(
            "the {} payload ends at octet {sk_end} but the IKE header says the message is {declared_len} octets; it must be the last payload (RFC 7296 §3.14)",
            payload_name(payload_type)
        )));
    }

    let (sk_e, sk_a) = if from_initiator {
        (&keys.sk_ei, &keys.sk_ai)
    } else {
        (&keys.sk_er, &keys.sk_ar)
    };
    check_key_len("SK_e", sk_e, keys.encryption.sk_e_len())?;
    check_key_len("SK_a", sk_a, keys.integrity.sk_a_len())?;

    let body_start = sk_offset + header_len;
    let body = &message[body_start..sk_end];
    let iv_len = keys.encryption.iv_len();
    let icv_len = match &keys.encryption {
        Encryption::AesGcm { icv_len, .. } => usize::from(*icv_len),
        _ => keys.integrity.icv_len(),
    };
    // At least the IV, the Pad Length octet and the ICV.
    if body.len() < iv_len + 1 + icv_len {
        return Err(DecryptError::Truncated(format!(
            "{}-octet {} body is shorter than IV ({iv_len}) + Pad Length (1) + ICV ({icv_len})",
            body.len(),
            payload_name(payload_type)
        )));
    }
    let (iv, rest) = body.split_at(iv_len);
    let (ciphertext, icv) = rest.split_at(rest.len() - icv_len);

    let mut plain = ciphertext.to_vec();
    match &keys.encryption {
        Encryption::AesGcm { key_bits, icv_len } => {
            // RFC 5282 §5.1 / RFC 7383 §2.5: the associated data is every octet
            // before the IV: IKE header, any unencrypted payloads, the SK header
            // (and for SKF the Fragment Number and Total Fragments).
            let aad = &message[..body_start];
            let (key, salt) = sk_e.split_at(sk_e.len() - SALT_LEN);
            let mut nonce = [0u8; 12];
            nonce[..SALT_LEN].copy_from_slice(salt);
            nonce[SALT_LEN..].copy_from_slice(iv);
            gcm_decrypt(*key_bits, *icv_len, key, &nonce, aad, &mut plain, icv)?;
        }
        Encryption::AesCbc { key_bits } => {
            verify_hmac(&keys.integrity, sk_a, &message[..sk_end - icv_len], icv)?;
            if !plain.len().is_multiple_of(16) {
                return Err(DecryptError::Malformed(format!(
                    "{} octets of AES-CBC ciphertext is not a whole number of 16-octet blocks",
                    plain.len()
                )));
            }
            cbc_decrypt(*key_bits, sk_e, iv, &mut plain)?;
        }
        Encryption::AesCtr { key_bits } => {
            verify_hmac(&keys.integrity, sk_a, &message[..sk_end - icv_len], icv)?;
            // RFC 5930 §2 (RFC 3686 §4): counter block = nonce || IV || 0x00000001.
            let (key, nonce) = sk_e.split_at(sk_e.len() - SALT_LEN);
            let mut block = [0u8; 16];
            block[..SALT_LEN].copy_from_slice(nonce);
            block[SALT_LEN..12].copy_from_slice(iv);
            block[15] = 1;
            ctr_apply(*key_bits, key, &block, &mut plain)?;
        }
        Encryption::Null => {
            verify_hmac(&keys.integrity, sk_a, &message[..sk_end - icv_len], icv)?;
        }
        Encryption::Unsupported(name) => {
            return Err(DecryptError::UnsupportedAlgorithm(format!(
                "encryption {name}"
            )))
        }
    }

    // RFC 7296 §3.14: the last octet is Pad Length; padding precedes it.
    let pad_len = usize::from(plain.last().copied().unwrap_or(0));
    let content_len = plain.len().checked_sub(pad_len + 1).ok_or_else(|| {
        DecryptError::BadPadding(format!(
            "Pad Length {pad_len} plus its own octet exceeds the {}-octet plaintext",
            plain.len()
        ))
    })?;
    plain.truncate(content_len);
    Ok(plain)
}

fn payload_name(payload_type: u8) -> &'static str {
    if payload_type == PAYLOAD_SKF {
        "SKF"
    } else {
        "SK"
    }
}

fn read_u16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// The type of the payload whose generic header starts at `offset`, found by
/// walking the chain from the IKE header (a payload's type is in the Next Payload
/// field of the one before it). Also proves `offset` is on a payload boundary.
fn payload_type_at(message: &[u8], offset: usize) -> Result<u8, DecryptError> {
    if offset < IKE_HEADER_LEN {
        return Err(DecryptError::Malformed(format!(
            "offset {offset} is inside the 28-octet IKE header"
        )));
    }
    let mut next_type = message.get(16).copied().unwrap_or(0);
    let mut at = IKE_HEADER_LEN;
    while at < offset {
        if next_type == PAYLOAD_SK || next_type == PAYLOAD_SKF || next_type == 0 {
            return Err(DecryptError::Malformed(format!(
                "offset {offset} is past the end of the payload chain (payload type {next_type} at offset {at})"
            )));
        }
        let generic = message
            .get(at..)
            .and_then(|rest| rest.get(..4))
            .ok_or_else(|| {
                DecryptError::Truncated(format!(
                    "payload header at offset {at} runs past the {}-octet message",
                    message.len()
                ))
            })?;
        let len = usize::from(read_u16(generic, 2));
        if len < 4 {
            return Err(DecryptError::Malformed(format!(
                "payload at offset {at} has length {len}, shorter than its 4-octet header"
            )));
        }
        next_type = generic[0];
        at = at.saturating_add(len);
    }
    if at != offset {
        return Err(DecryptError::Malformed(format!(
            "offset {offset} is inside a payload, not at a payload header"
        )));
    }
    Ok(next_type)
}

#[cfg(test)]
mod tests;
