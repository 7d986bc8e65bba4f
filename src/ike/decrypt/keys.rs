//! The key table: parsing a Wireshark `ikev2_decryption_table` (what
//! `--ike-keys` reads) into one [`SaKeys`] per IKE SA, and the algorithms
//! it names.

use std::fmt;

use super::SALT_LEN;
use crate::model::hex_lower;

/// One IKE SA's keys: one line of the decryption table.
#[derive(Clone, PartialEq, Eq)]
pub struct SaKeys {
    pub spi_i: [u8; 8],
    pub spi_r: [u8; 8],
    /// Encryption key for messages sent by the original initiator (with the salt at the end for CTR/GCM).
    pub sk_ei: Vec<u8>,
    /// Encryption key for messages sent by the original responder.
    pub sk_er: Vec<u8>,
    pub encryption: Encryption,
    /// Integrity key for messages sent by the original initiator (empty for AEAD).
    pub sk_ai: Vec<u8>,
    /// Integrity key for messages sent by the original responder (empty for AEAD).
    pub sk_ar: Vec<u8>,
    pub integrity: Integrity,
    /// 1-based line of the table this entry came from (0 when built by hand).
    pub line: usize,
}

/// Keys are secrets: `Debug` shows their lengths, never their octets.
impl fmt::Debug for SaKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted(usize);
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "<{} octets>", self.0)
            }
        }
        f.debug_struct("SaKeys")
            .field("spi_i", &hex_lower(&self.spi_i))
            .field("spi_r", &hex_lower(&self.spi_r))
            .field("sk_ei", &Redacted(self.sk_ei.len()))
            .field("sk_er", &Redacted(self.sk_er.len()))
            .field("encryption", &self.encryption)
            .field("sk_ai", &Redacted(self.sk_ai.len()))
            .field("sk_ar", &Redacted(self.sk_ar.len()))
            .field("integrity", &self.integrity)
            .field("line", &self.line)
            .finish()
    }
}

/// The IKE SA's encryption algorithm, as named in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// ENCR_AES_CBC (RFC 3602): 16-octet IV, 16-octet blocks.
    AesCbc { key_bits: u16 },
    /// ENCR_AES_CTR (RFC 5930): 8-octet IV, 4-octet nonce at the end of SK_e.
    AesCtr { key_bits: u16 },
    /// ENCR_AES_GCM_8/12/16 (RFC 5282): 8-octet IV, 4-octet salt at the end of SK_e.
    AesGcm { key_bits: u16, icv_len: u8 },
    /// ENCR_NULL (RFC 2410): no IV, the "ciphertext" is the plaintext; integrity still applies.
    Null,
    /// A name Wireshark knows that this module cannot decrypt (3DES, AES-CCM); kept so
    /// the line is not lost, and reported when a message needs it.
    Unsupported(String),
}

/// The IKE SA's integrity algorithm, as named in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    /// AUTH_HMAC_SHA1_96 (RFC 2404): 20-octet key, 12-octet ICV.
    HmacSha1_96,
    /// AUTH_HMAC_SHA2_256_128 (RFC 4868): 32-octet key, 16-octet ICV.
    HmacSha2_256_128,
    /// AUTH_HMAC_SHA2_384_192 (RFC 4868): 48-octet key, 24-octet ICV.
    HmacSha2_384_192,
    /// AUTH_HMAC_SHA2_512_256 (RFC 4868): 64-octet key, 32-octet ICV.
    HmacSha2_512_256,
    /// No separate integrity: only valid with an AEAD cipher.
    None,
    /// A name Wireshark knows that this module cannot verify (MD5, SHA1-160,
    /// SHA2-256-96, "ANY n-bits [No Checking]").
    Unsupported(String),
}

// Wireshark's names, from `vs_ikev2_encr_algs` in packet-isakmp.c; strongSwan's
// save_keys_listener.c `ike_encr[]` writes the same strings.
pub(super) const ENCRYPTION_NAMES: &[(&str, Encryption)] = &[
    ("NULL [RFC2410]", Encryption::Null),
    (
        "AES-CBC-128 [RFC3602]",
        Encryption::AesCbc { key_bits: 128 },
    ),
    (
        "AES-CBC-192 [RFC3602]",
        Encryption::AesCbc { key_bits: 192 },
    ),
    (
        "AES-CBC-256 [RFC3602]",
        Encryption::AesCbc { key_bits: 256 },
    ),
    (
        "AES-CTR-128 [RFC5930]",
        Encryption::AesCtr { key_bits: 128 },
    ),
    (
        "AES-CTR-192 [RFC5930]",
        Encryption::AesCtr { key_bits: 192 },
    ),
    (
        "AES-CTR-256 [RFC5930]",
        Encryption::AesCtr { key_bits: 256 },
    ),
    (
        "AES-GCM-128 with 8 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 128,
            icv_len: 8,
        },
    ),
    (
        "AES-GCM-192 with 8 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 192,
            icv_len: 8,
        },
    ),
    (
        "AES-GCM-256 with 8 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 256,
            icv_len: 8,
        },
    ),
    (
        "AES-GCM-128 with 12 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 128,
            icv_len: 12,
        },
    ),
    (
        "AES-GCM-192 with 12 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 192,
            icv_len: 12,
        },
    ),
    (
        "AES-GCM-256 with 12 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 256,
            icv_len: 12,
        },
    ),
    (
        "AES-GCM-128 with 16 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 128,
            icv_len: 16,
        },
    ),
    (
        "AES-GCM-192 with 16 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 192,
            icv_len: 16,
        },
    ),
    (
        "AES-GCM-256 with 16 octet ICV [RFC5282]",
        Encryption::AesGcm {
            key_bits: 256,
            icv_len: 16,
        },
    ),
];

/// Names Wireshark accepts that this module does not decrypt, with the SK_e length
/// Wireshark requires (`ikev2_encr_algs[]`), so their lines are still checked.
pub(super) const UNSUPPORTED_ENCRYPTION: &[(&str, usize)] = &[
    ("3DES [RFC2451]", 24),
    ("AES-CCM-128 with 8 octet ICV [RFC5282]", 19),
    ("AES-CCM-192 with 8 octet ICV [RFC5282]", 27),
    ("AES-CCM-256 with 8 octet ICV [RFC5282]", 35),
    ("AES-CCM-128 with 12 octet ICV [RFC5282]", 19),
    ("AES-CCM-192 with 12 octet ICV [RFC5282]", 27),
    ("AES-CCM-256 with 12 octet ICV [RFC5282]", 35),
    ("AES-CCM-128 with 16 octet ICV [RFC5282]", 19),
    ("AES-CCM-192 with 16 octet ICV [RFC5282]", 27),
    ("AES-CCM-256 with 16 octet ICV [RFC5282]", 35),
];

// `vs_ikev2_auth_algs` in packet-isakmp.c; save_keys_listener.c `ike_integ[]`.
pub(super) const INTEGRITY_NAMES: &[(&str, Integrity)] = &[
    ("NONE [RFC4306]", Integrity::None),
    ("HMAC_SHA1_96 [RFC2404]", Integrity::HmacSha1_96),
    ("HMAC_SHA2_256_128 [RFC4868]", Integrity::HmacSha2_256_128),
    ("HMAC_SHA2_384_192 [RFC4868]", Integrity::HmacSha2_384_192),
    ("HMAC_SHA2_512_256 [RFC4868]", Integrity::HmacSha2_512_256),
];

/// Integrity names Wireshark accepts that this module cannot verify, with the
/// SK_a length Wireshark requires (`ikev2_auth_algs[]`; 0 for "No Checking").
pub(super) const UNSUPPORTED_INTEGRITY: &[(&str, usize)] = &[
    ("HMAC_MD5_96 [RFC2403]", 16),
    ("HMAC_MD5_128 [RFC4595]", 16),
    ("HMAC_SHA1_160 [RFC4595]", 20),
    ("HMAC_SHA2_256_96 [draft-ietf-ipsec-ciph-sha-256-00]", 32),
    ("ANY 64-bits of Authentication [No Checking]", 0),
    ("ANY 96-bits of Authentication [No Checking]", 0),
    ("ANY 128-bits of Authentication [No Checking]", 0),
    ("ANY 160-bits of Authentication [No Checking]", 0),
    ("ANY 192-bits of Authentication [No Checking]", 0),
    ("ANY 256-bits of Authentication [No Checking]", 0),
];

/// A Wireshark algorithm name (ASCII case ignored): one this module
/// supports, one Wireshark knows and this module cannot use, or `None`.
pub(super) fn by_wireshark_name<T: Clone>(
    name: &str,
    supported: &[(&str, T)],
    unsupported: &[(&str, usize)],
    make_unsupported: fn(String) -> T,
) -> Option<T> {
    let name = name.trim();
    supported
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, t)| t.clone())
        .or_else(|| {
            unsupported
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(n, _)| make_unsupported((*n).to_string()))
        })
}

impl Encryption {
    /// Parses a Wireshark encryption name (ASCII case ignored). `None` for a name
    /// Wireshark would not know either.
    pub fn from_wireshark_name(name: &str) -> Option<Encryption> {
        by_wireshark_name(
            name,
            ENCRYPTION_NAMES,
            UNSUPPORTED_ENCRYPTION,
            Encryption::Unsupported,
        )
    }

    /// The length SK_ei and SK_er must have: the AES key plus, for CTR and GCM,
    /// the 4-octet salt. `None` when unknown.
    pub fn sk_e_len(&self) -> Option<usize> {
        match self {
            Encryption::AesCbc { key_bits } => Some(usize::from(*key_bits) / 8),
            Encryption::AesCtr { key_bits } | Encryption::AesGcm { key_bits, .. } => {
                Some(usize::from(*key_bits) / 8 + SALT_LEN)
            }
            Encryption::Null => Some(0),
            Encryption::Unsupported(name) => UNSUPPORTED_ENCRYPTION
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, len)| *len),
        }
    }

    /// Whether the cipher authenticates by itself (AES-GCM, AES-CCM).
    pub fn is_aead(&self) -> bool {
        match self {
            Encryption::AesGcm { .. } => true,
            Encryption::Unsupported(name) => name.to_ascii_uppercase().starts_with("AES-CCM"),
            _ => false,
        }
    }

    /// Octets of IV at the start of the payload body.
    pub(super) fn iv_len(&self) -> usize {
        match self {
            Encryption::AesCbc { .. } => 16,
            Encryption::AesCtr { .. } | Encryption::AesGcm { .. } => 8,
            Encryption::Null | Encryption::Unsupported(_) => 0,
        }
    }
}

impl fmt::Display for Encryption {
    /// Wireshark's name for the algorithm, as the table spells it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Encryption::Unsupported(name) = self {
            return f.write_str(name);
        }
        match ENCRYPTION_NAMES.iter().find(|(_, e)| e == self) {
            Some((name, _)) => f.write_str(name),
            None => write!(f, "{self:?}"),
        }
    }
}

impl Integrity {
    /// Parses a Wireshark integrity name (ASCII case ignored). `None` for a name
    /// Wireshark would not know either.
    pub fn from_wireshark_name(name: &str) -> Option<Integrity> {
        by_wireshark_name(
            name,
            INTEGRITY_NAMES,
            UNSUPPORTED_INTEGRITY,
            Integrity::Unsupported,
        )
    }

    /// The length SK_ai and SK_ar must have (the HMAC key is as long as the hash
    /// output, RFC 7296 §2.14). `None` when unknown.
    pub fn sk_a_len(&self) -> Option<usize> {
        match self {
            Integrity::HmacSha1_96 => Some(20),
            Integrity::HmacSha2_256_128 => Some(32),
            Integrity::HmacSha2_384_192 => Some(48),
            Integrity::HmacSha2_512_256 => Some(64),
            Integrity::None => Some(0),
            Integrity::Unsupported(name) => UNSUPPORTED_INTEGRITY
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, len)| *len),
        }
    }

    /// Octets of the truncated HMAC at the end of the payload.
    pub fn icv_len(&self) -> usize {
        match self {
            Integrity::HmacSha1_96 => 12,
            Integrity::HmacSha2_256_128 => 16,
            Integrity::HmacSha2_384_192 => 24,
            Integrity::HmacSha2_512_256 => 32,
            Integrity::None | Integrity::Unsupported(_) => 0,
        }
    }

    pub(super) fn hmac_algorithm(&self) -> Option<ring::hmac::Algorithm> {
        match self {
            Integrity::HmacSha1_96 => Some(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
            Integrity::HmacSha2_256_128 => Some(ring::hmac::HMAC_SHA256),
            Integrity::HmacSha2_384_192 => Some(ring::hmac::HMAC_SHA384),
            Integrity::HmacSha2_512_256 => Some(ring::hmac::HMAC_SHA512),
            Integrity::None | Integrity::Unsupported(_) => None,
        }
    }
}

impl fmt::Display for Integrity {
    /// Wireshark's name for the algorithm, as the table spells it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Integrity::Unsupported(name) = self {
            return f.write_str(name);
        }
        match INTEGRITY_NAMES.iter().find(|(_, i)| i == self) {
            Some((name, _)) => f.write_str(name),
            None => write!(f, "{self:?}"),
        }
    }
}

/// A parsed decryption table: the usable lines, and what was wrong with the others.
#[derive(Debug, Clone, Default)]
pub struct KeyTable {
    pub entries: Vec<SaKeys>,
    /// (1-based line, what is wrong with it). A line here is not in `entries`,
    /// except for the duplicate-SPI note, which names both lines.
    pub problems: Vec<(usize, String)>,
}

impl KeyTable {
    /// The keys of the IKE SA with these SPIs. When a pair appears more than once,
    /// the last line wins, as in Wireshark (later records replace earlier ones in
    /// its `ikev2_key_hash`).
    pub fn find(&self, spi_i: &[u8; 8], spi_r: &[u8; 8]) -> Option<&SaKeys> {
        self.entries
            .iter()
            .rev()
            .find(|k| &k.spi_i == spi_i && &k.spi_r == spi_r)
    }
}

/// Field names in table order, for messages.
pub(super) const FIELD_NAMES: [&str; 8] = [
    "SPIi",
    "SPIr",
    "SK_ei",
    "SK_er",
    "encryption algorithm",
    "SK_ai",
    "SK_ar",
    "integrity algorithm",
];

/// Parses an `ikev2_decryption_table`. Never fails as a whole: a bad line becomes a
/// problem with its line number and the other lines are kept.
pub fn parse_table(text: &str) -> KeyTable {
    let mut table = KeyTable::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim_matches(|c| c == ' ' || c == '\t' || c == '\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line, line_no) {
            Ok(keys) => {
                if let Some(earlier) = table.find(&keys.spi_i, &keys.spi_r) {
                    if earlier.sk_ei != keys.sk_ei
                        || earlier.sk_er != keys.sk_er
                        || earlier.sk_ai != keys.sk_ai
                        || earlier.sk_ar != keys.sk_ar
                        || earlier.encryption != keys.encryption
                        || earlier.integrity != keys.integrity
                    {
                        table.problems.push((
                            line_no,
                            format!(
                                "SPIs {}/{} already have different keys on line {}; this line replaces them",
                                hex_lower(&keys.spi_i),
                                hex_lower(&keys.spi_r),
                                earlier.line
                            ),
                        ));
                    }
                }
                table.entries.push(keys);
            }
            Err(message) => table.problems.push((line_no, message)),
        }
    }
    table
}

/// Splits a line the way Wireshark's UAT lexer (`epan/uat_load.l`) does: fields are
/// either a double-quoted string (with `\"`, `\\` and `\xNN` escapes) or bare text,
/// separated by commas with optional blanks around them. Quotes are removed; a
/// quoted hex field is accepted too (Wireshark would read it as ASCII).
pub(super) fn split_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(' ' | '\t')) {
            chars.next();
        }
        let field = if chars.peek() == Some(&'"') {
            chars.next();
            let mut bytes = Vec::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('x') => {
                            let hi = chars.next().and_then(|c| c.to_digit(16));
                            let lo = chars.next().and_then(|c| c.to_digit(16));
                            match (hi, lo) {
                                // Both digits are < 16, so the value fits in a u8.
                                (Some(h), Some(l)) => bytes.push((h * 16 + l) as u8),
                                _ => {
                                    return Err(format!(
                                        "field {}: bad \\x escape in a quoted string",
                                        fields.len() + 1
                                    ))
                                }
                            }
                        }
                        Some(other) => {
                            let mut buf = [0u8; 4];
                            bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                        }
                        None => break,
                    },
                    other => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            if !closed {
                return Err(format!(
                    "field {}: quoted string is not closed",
                    fields.len() + 1
                ));
            }
            while matches!(chars.peek(), Some(' ' | '\t')) {
                chars.next();
            }
            if !matches!(chars.peek(), None | Some(',')) {
                return Err(format!(
                    "field {}: unexpected text after the closing quote",
                    fields.len() + 1
                ));
            }
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let mut text = String::new();
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err(format!(
                        "field {}: a quote inside an unquoted field",
                        fields.len() + 1
                    ));
                }
                text.push(c);
                chars.next();
            }
            text.trim_end_matches([' ', '\t']).to_string()
        };
        fields.push(field);
        // Bounded: a hostile line of commas stops here instead of growing a huge Vec.
        if fields.len() > FIELD_NAMES.len() {
            return Err(format!(
                "more than {} fields (expected SPIi,SPIr,SK_ei,SK_er,\"encryption\",SK_ai,SK_ar,\"integrity\")",
                FIELD_NAMES.len()
            ));
        }
        match chars.next() {
            Some(',') => continue,
            None => break,
            // Unreachable by construction; treated as the end of the line.
            Some(_) => break,
        }
    }
    Ok(fields)
}

pub(super) fn parse_line(line: &str, line_no: usize) -> Result<SaKeys, String> {
    let fields = split_fields(line)?;
    if fields.len() != FIELD_NAMES.len() {
        let hint = if fields.len() == 2 {
            " (two fields is the IKEv1 table, ikev1_decryption_table)"
        } else {
            ""
        };
        return Err(format!(
            "expected 8 fields (SPIi,SPIr,SK_ei,SK_er,\"encryption\",SK_ai,SK_ar,\"integrity\"), found {}{hint}",
            fields.len()
        ));
    }
    let hex_field = |i: usize| -> Result<Vec<u8>, String> {
        decode_hex(&fields[i]).map_err(|why| format!("{}: {why}", FIELD_NAMES[i]))
    };
    let spi = |i: usize| -> Result<[u8; 8], String> {
        let bytes = hex_field(i)?;
        <[u8; 8]>::try_from(bytes.as_slice()).map_err(|_| {
            format!(
                "{} must be 8 octets (16 hex digits), found {} octets",
                FIELD_NAMES[i],
                bytes.len()
            )
        })
    };
    let spi_i = spi(0)?;
    let spi_r = spi(1)?;
    let sk_ei = hex_field(2)?;
    let sk_er = hex_field(3)?;
    let sk_ai = hex_field(5)?;
    let sk_ar = hex_field(6)?;

    let enc_name = fields[4].trim();
    let encryption = Encryption::from_wireshark_name(enc_name).ok_or_else(|| {
        format!(
            "unknown encryption algorithm \"{}\" (Wireshark's names look like \"AES-CBC-256 [RFC3602]\" or \"AES-GCM-256 with 16 octet ICV [RFC5282]\")",
            clip(enc_name)
        )
    })?;
    let integ_name = fields[7].trim();
    let integrity = Integrity::from_wireshark_name(integ_name).ok_or_else(|| {
        format!(
            "unknown integrity algorithm \"{}\" (Wireshark's names look like \"HMAC_SHA2_256_128 [RFC4868]\" or \"NONE [RFC4306]\")",
            clip(integ_name)
        )
    })?;
    // Same checks as Wireshark's ikev2_uat_data_update_cb, plus the one it lacks:
    // a non-AEAD cipher without integrity would let garbage through (RFC 7296 §3.3.3).
    if encryption.is_aead() && integrity != Integrity::None {
        return Err(format!(
            "{encryption} is an AEAD cipher: the integrity algorithm must be \"NONE [RFC4306]\", not \"{integrity}\""
        ));
    }
    if !encryption.is_aead() && integrity == Integrity::None {
        return Err(format!(
            "{encryption} needs an integrity algorithm; \"NONE [RFC4306]\" is only for AEAD ciphers (RFC 7296 §3.3.3)"
        ));
    }
    if let Some(want) = encryption.sk_e_len() {
        for (i, key) in [(2, &sk_ei), (3, &sk_er)] {
            if key.len() != want {
                return Err(format!(
                    "{} is {} octets; {encryption} needs {want}{}",
                    FIELD_NAMES[i],
                    key.len(),
                    salt_note(&encryption)
                ));
            }
        }
    }
    if let Some(want) = integrity.sk_a_len() {
        for (i, key) in [(5, &sk_ai), (6, &sk_ar)] {
            if key.len() != want {
                return Err(format!(
                    "{} is {} octets; {integrity} needs {want}",
                    FIELD_NAMES[i],
                    key.len()
                ));
            }
        }
    }
    Ok(SaKeys {
        spi_i,
        spi_r,
        sk_ei,
        sk_er,
        encryption,
        sk_ai,
        sk_ar,
        integrity,
        line: line_no,
    })
}

pub(super) fn salt_note(encryption: &Encryption) -> &'static str {
    match encryption {
        Encryption::AesCtr { .. } => " (AES key + 4-octet nonce, RFC 5930 §5)",
        Encryption::AesGcm { .. } => " (AES key + 4-octet salt, RFC 5282 §7.1)",
        _ => "",
    }
}

/// At most 60 characters of user text in a message.
pub(super) fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

pub(super) fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    if let Some((pos, c)) = text.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "not hex: {:?} at character {}",
            c,
            text[..pos].chars().count() + 1
        ));
    }
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", text.len()));
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16);
            let lo = char::from(pair[1]).to_digit(16);
            match (hi, lo) {
                // Both digits are < 16, so the value fits in a u8.
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err("not hex".to_string()),
            }
        })
        .collect()
}
