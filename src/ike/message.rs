//! IKE messages: the header and the generic payload chain of IKEv2 (RFC 7296
//! §3.1–3.2) and IKEv1/ISAKMP (RFC 2408 §3.1–3.2), with the payloads an
//! auditor needs read out: CERT, CERTREQ, the identities, and the encrypted
//! payloads (SK, RFC 7296 §3.14; SKF, RFC 7383 §2.5).
//!
//! The IKEv2 header and each generic payload header are parsed by the
//! `ipsec-parser` crate. Its `parse_ikev2_payload_list` gives up on the
//! whole chain at the first payload it cannot interpret, so the chain is
//! walked here, payload by payload: a malformed payload ends the walk with a
//! problem, and everything before it is kept. A payload chain can neither
//! loop nor run past the message: each step consumes its payload's length
//! (at least the 4-byte header) from a slice bounded by the message length.

use ipsec_parser::{parse_ikev2_header, parse_ikev2_payload_generic};

/// The IKE major version of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IkeVersion {
    V1,
    V2,
}

/// The fixed header (same layout in IKEv1 and IKEv2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub version: IkeVersion,
    pub spi_i: [u8; 8],
    pub spi_r: [u8; 8],
    pub next_payload: u8,
    pub exchange: u8,
    pub flags: u8,
    pub message_id: u32,
    /// The length field: the whole message.
    pub length: u32,
}

impl Header {
    /// IKEv2: the sender is the original initiator of the IKE SA (flag
    /// 0x08). IKEv1 has no such flag: `None`.
    pub fn from_initiator(&self) -> Option<bool> {
        (self.version == IkeVersion::V2).then_some(self.flags & 0x08 != 0)
    }

    /// IKEv2: the message is a response (flag 0x20).
    pub fn is_response(&self) -> bool {
        self.version == IkeVersion::V2 && self.flags & 0x20 != 0
    }

    /// IKEv1: the payloads after the header are encrypted (flag 0x01).
    pub fn v1_encrypted(&self) -> bool {
        self.version == IkeVersion::V1 && self.flags & 0x01 != 0
    }

    pub fn exchange_name(&self) -> String {
        let name = match (self.version, self.exchange) {
            (IkeVersion::V2, 34) => "IKE_SA_INIT",
            (IkeVersion::V2, 35) => "IKE_AUTH",
            (IkeVersion::V2, 36) => "CREATE_CHILD_SA",
            (IkeVersion::V2, 37) => "INFORMATIONAL",
            (IkeVersion::V2, 43) => "IKE_INTERMEDIATE",
            (IkeVersion::V1, 2) => "Identity Protection (Main Mode)",
            (IkeVersion::V1, 4) => "Aggressive",
            (IkeVersion::V1, 5) => "Informational",
            (IkeVersion::V1, 32) => "Quick Mode",
            _ => return format!("exchange {}", self.exchange),
        };
        name.to_string()
    }
}

/// IKEv2 payload types (RFC 7296 §3.2, RFC 7383).
pub mod types {
    pub const NONE: u8 = 0;
    pub const V2_IDI: u8 = 35;
    pub const V2_IDR: u8 = 36;
    pub const V2_CERT: u8 = 37;
    pub const V2_CERTREQ: u8 = 38;
    pub const V2_SK: u8 = 46;
    pub const V2_SKF: u8 = 53;
    pub const V1_ID: u8 = 5;
    pub const V1_CERT: u8 = 6;
    pub const V1_CR: u8 = 7;
}

/// One payload of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// The payload's type (from the previous header's Next Payload).
    pub kind: u8,
    /// Its own header's Next Payload field (for SK/SKF: the type of the
    /// first inner payload).
    pub next: u8,
    /// Offset of the generic payload header from the start of the slice the
    /// chain was read from.
    pub offset: usize,
    /// The body, after the 4-byte generic header.
    pub body: Vec<u8>,
}

/// A payload chain as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chain {
    pub payloads: Vec<Payload>,
    /// Why the walk stopped early, if it did.
    pub problem: Option<String>,
}

/// The most payloads read from one chain; more is not a real message.
pub const MAX_PAYLOADS: usize = 512;

/// Walk a payload chain that starts with a payload of type `first`.
/// `base` is added to each payload's offset (the chain's position in the
/// message).
pub fn walk(bytes: &[u8], first: u8, base: usize) -> Chain {
    let mut chain = Chain::default();
    let mut kind = first;
    let mut rest = bytes;
    while kind != types::NONE {
        if chain.payloads.len() >= MAX_PAYLOADS {
            chain.problem = Some(format!(
                "more than {MAX_PAYLOADS} payloads; the rest are not read"
            ));
            break;
        }
        let offset = base + (bytes.len() - rest.len());
        if rest.len() < 4 {
            chain.problem = Some(format!(
                "payload {} at offset {offset} is cut off: {} bytes left, a payload header has 4",
                type_name(kind),
                rest.len()
            ));
            break;
        }
        let declared = u16::from_be_bytes([rest[2], rest[3]]) as usize;
        match parse_ikev2_payload_generic(rest) {
            Ok((after, p)) => {
                chain.payloads.push(Payload {
                    kind,
                    next: p.hdr.next_payload_type.0,
                    offset,
                    body: p.payload.to_vec(),
                });
                kind = p.hdr.next_payload_type.0;
                rest = after;
                // SK and SKF must be last (RFC 7296 §3.14): their Next
                // Payload names the first payload inside.
                if matches!(
                    chain.payloads.last().map(|p| p.kind),
                    Some(types::V2_SK | types::V2_SKF)
                ) {
                    break;
                }
            }
            Err(_) => {
                chain.problem = Some(if declared < 4 {
                    format!(
                        "payload {} at offset {offset} declares length {declared}, less than its \
                         4-byte header",
                        type_name(kind)
                    )
                } else {
                    format!(
                        "payload {} at offset {offset} declares {declared} bytes, but only {} \
                         remain in the message",
                        type_name(kind),
                        rest.len()
                    )
                });
                break;
            }
        }
    }
    if chain.problem.is_none() && kind == types::NONE && !rest.is_empty() {
        chain.problem = Some(format!(
            "{} bytes after the last payload (its Next Payload is 0)",
            rest.len()
        ));
    }
    chain
}

/// A readable name for a payload type (IKEv2 numbers, IKEv1 below 33).
pub fn type_name(kind: u8) -> String {
    let name = match kind {
        0 => "none",
        1 => "SA (IKEv1)",
        4 => "KE (IKEv1)",
        5 => "ID (IKEv1)",
        6 => "CERT (IKEv1)",
        7 => "CR (IKEv1)",
        8 => "HASH (IKEv1)",
        9 => "SIG (IKEv1)",
        10 => "NONCE (IKEv1)",
        11 => "N (IKEv1)",
        13 => "VID (IKEv1)",
        33 => "SA",
        34 => "KE",
        35 => "IDi",
        36 => "IDr",
        37 => "CERT",
        38 => "CERTREQ",
        39 => "AUTH",
        40 => "Nonce",
        41 => "Notify",
        42 => "Delete",
        43 => "Vendor ID",
        44 => "TSi",
        45 => "TSr",
        46 => "SK",
        47 => "CP",
        48 => "EAP",
        53 => "SKF",
        other => return format!("type {other}"),
    };
    name.to_string()
}

/// An IKE message: header and the payloads before any encryption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub chain: Chain,
    /// The message bytes, exactly `header.length` long.
    pub bytes: Vec<u8>,
}

/// Why bytes are not an IKE message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotIke(pub String);

/// True when `bytes` start like an IKE header: version 1.0 or 2.0, a
/// plausible length, a known first payload.
pub fn looks_like_ike(bytes: &[u8]) -> bool {
    let Some(h) = bytes.get(..28) else {
        return false;
    };
    let version_ok = h[17] == 0x20 || h[17] == 0x10;
    let length = u32::from_be_bytes([h[24], h[25], h[26], h[27]]) as usize;
    version_ok && length >= 28 && length <= bytes.len() && (h[16] <= 53)
}

/// Parse one IKE message from the start of `bytes`; returns it and the
/// bytes after it.
pub fn parse(bytes: &[u8]) -> Result<(Message, &[u8]), NotIke> {
    if bytes.len() < 28 {
        return Err(NotIke(format!(
            "{} bytes are too short for an IKE header (28)",
            bytes.len()
        )));
    }
    let version = match bytes[17] >> 4 {
        2 => IkeVersion::V2,
        1 => IkeVersion::V1,
        _ => {
            return Err(NotIke(format!(
                "version byte 0x{:02x}: not IKEv1 (1.0) or IKEv2 (2.0)",
                bytes[17]
            )))
        }
    };
    let (_, h) =
        parse_ikev2_header(bytes).map_err(|_| NotIke("the IKE header could not be read".into()))?;
    let length = h.length as usize;
    if length < 28 {
        return Err(NotIke(format!(
            "the header's length field is {length}, less than 28"
        )));
    }
    if length > bytes.len() {
        return Err(NotIke(format!(
            "the header says the message has {length} bytes; only {} are there (truncated, or \
             IP fragments not reassembled)",
            bytes.len()
        )));
    }
    let header = Header {
        version,
        spi_i: h.init_spi.to_be_bytes(),
        spi_r: h.resp_spi.to_be_bytes(),
        next_payload: h.next_payload.0,
        exchange: h.exch_type.0,
        flags: h.flags,
        message_id: h.msg_id,
        length: h.length,
    };
    let chain = if header.v1_encrypted() {
        Chain::default()
    } else {
        walk(&bytes[28..length], header.next_payload, 28)
    };
    Ok((
        Message {
            header,
            chain,
            bytes: bytes[..length].to_vec(),
        },
        &bytes[length..],
    ))
}

/// The CERT encodings (RFC 7296 §3.6, RFC 2408 §3.9).
pub fn cert_encoding_name(encoding: u8) -> &'static str {
    match encoding {
        1 => "PKCS #7 wrapped X.509 certificate",
        2 => "PGP certificate",
        3 => "DNS signed key",
        4 => "X.509 certificate - signature",
        6 => "Kerberos token",
        7 => "certificate revocation list (CRL)",
        8 => "authority revocation list (ARL)",
        9 => "SPKI certificate",
        10 => "X.509 certificate - attribute",
        11 => "raw RSA key",
        12 => "hash and URL of X.509 certificate",
        13 => "hash and URL of X.509 bundle",
        _ => "unknown encoding",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generic payload: next, flags, length, body.
    pub(crate) fn payload(next: u8, body: &[u8]) -> Vec<u8> {
        let mut p = vec![next, 0];
        p.extend(((body.len() + 4) as u16).to_be_bytes());
        p.extend(body);
        p
    }

    /// An IKEv2 message with the given first payload type and chain bytes.
    pub(crate) fn message(first: u8, exchange: u8, flags: u8, chain: &[u8]) -> Vec<u8> {
        let mut m = vec![
            1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 9, first, 0x20, exchange, flags,
        ];
        m.extend(1u32.to_be_bytes());
        m.extend(((chain.len() + 28) as u32).to_be_bytes());
        m.extend(chain);
        m
    }

    #[test]
    fn a_chain_with_cert_and_certreq() {
        let mut chain = payload(38, &[4, 0x30, 0x03, 2, 1, 5]);
        chain.extend(payload(0, &[4; 21]));
        let m = message(37, 35, 0x08, &chain);
        let (msg, rest) = parse(&m).unwrap();
        assert!(rest.is_empty());
        assert_eq!(msg.header.version, IkeVersion::V2);
        assert_eq!(msg.header.exchange_name(), "IKE_AUTH");
        assert_eq!(msg.header.from_initiator(), Some(true));
        let kinds: Vec<u8> = msg.chain.payloads.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [37, 38]);
        assert_eq!(msg.chain.payloads[0].offset, 28);
        assert_eq!(msg.chain.payloads[1].body.len(), 21);
        assert_eq!(msg.chain.problem, None);
    }

    #[test]
    fn truncated_and_overlong_payloads_stop_the_walk_with_a_reason() {
        // a payload that claims more than the message holds
        let mut chain = payload(37, &[4, 1, 2, 3]);
        let mut long = payload(0, &[4, 0x30]);
        long[3] = 200;
        chain.extend(long);
        let m = message(40, 35, 0, &chain);
        let (msg, _) = parse(&m).unwrap();
        assert_eq!(msg.chain.payloads.len(), 1);
        assert!(
            msg.chain
                .problem
                .as_deref()
                .unwrap()
                .contains("only 6 remain"),
            "{:?}",
            msg.chain.problem
        );
        // a length below the header size
        let mut bad = payload(0, &[]);
        bad[3] = 2;
        let m = message(37, 35, 0, &bad);
        let (msg, _) = parse(&m).unwrap();
        assert!(msg.chain.payloads.is_empty());
        assert!(msg
            .chain
            .problem
            .as_deref()
            .unwrap()
            .contains("less than its 4-byte header"));
        // every truncation of a real chain: never a panic, never more payloads
        let mut chain = payload(38, &[4, 9, 9, 9]);
        chain.extend(payload(0, &[4; 41]));
        let full = message(37, 35, 0, &chain);
        for cut in 0..full.len() {
            let mut m = full[..cut].to_vec();
            if m.len() >= 28 {
                m[24..28].copy_from_slice(&(cut as u32).to_be_bytes());
            }
            if let Ok((msg, _)) = parse(&m) {
                assert!(msg.chain.payloads.len() <= 2);
            }
        }
    }

    #[test]
    fn the_message_length_bounds_the_chain_and_trailing_bytes_are_left() {
        let chain = payload(0, &[4, 1]);
        let mut m = message(37, 35, 0, &chain);
        m.extend([0xde, 0xad]);
        let (msg, rest) = parse(&m).unwrap();
        assert_eq!(rest, [0xde, 0xad]);
        assert_eq!(msg.bytes.len(), m.len() - 2);
        // a header that claims more than there is
        let mut short = message(37, 35, 0, &chain);
        short[27] += 10;
        assert!(parse(&short).unwrap_err().0.contains("truncated"));
        assert!(parse(&[0; 10]).is_err());
        let mut v3 = message(37, 35, 0, &chain);
        v3[17] = 0x30;
        assert!(parse(&v3).is_err());
    }

    #[test]
    fn sk_ends_the_cleartext_chain() {
        let m = message(46, 35, 0x08, &payload(37, &[0u8; 40]));
        let (msg, _) = parse(&m).unwrap();
        assert_eq!(msg.chain.payloads.len(), 1);
        assert_eq!(msg.chain.payloads[0].kind, types::V2_SK);
        assert_eq!(msg.chain.payloads[0].next, types::V2_CERT);
        assert_eq!(msg.chain.problem, None);
    }

    #[test]
    fn ikev1_encrypted_messages_are_not_walked() {
        let mut m = message(5, 2, 0x01, &payload(0, &[1, 2, 3]));
        m[17] = 0x10;
        let (msg, _) = parse(&m).unwrap();
        assert!(msg.header.v1_encrypted());
        assert!(msg.chain.payloads.is_empty());
        assert_eq!(
            msg.header.exchange_name(),
            "Identity Protection (Main Mode)"
        );
    }
}
