//! IKE: messages (`message`), SK/SKF decryption with a Wireshark-style key
//! table (`decrypt`), and what a capture or dump showed (this module): the
//! IKE SAs, their exchanges, and per direction the certificates sent and
//! the CAs requested.

pub mod decrypt;
pub mod message;

use serde::Serialize;

/// Where in its input an IKE message was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct At {
    /// 1-based frame of a packet capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<usize>,
    /// 1-based line where a hex dump block starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// `address:port` of the sender and receiver (captures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst: Option<String>,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.frame, self.line) {
            (Some(fr), _) => write!(f, "frame {fr}")?,
            (None, Some(l)) => write!(f, "line {l}")?,
            (None, None) => write!(f, "message")?,
        }
        if let (Some(s), Some(d)) = (&self.src, &self.dst) {
            write!(f, " ({s} → {d})")?;
        }
        Ok(())
    }
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The original initiator of the IKE SA (IKEv2 flag I).
    Initiator,
    Responder,
    /// IKEv1 has no initiator flag.
    Unknown,
}

impl Direction {
    pub fn from_flag(initiator: Option<bool>) -> Direction {
        match initiator {
            Some(true) => Direction::Initiator,
            Some(false) => Direction::Responder,
            None => Direction::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Initiator => "initiator",
            Direction::Responder => "responder",
            Direction::Unknown => "unknown",
        }
    }

    /// The other side of the SA.
    pub fn peer(self) -> Direction {
        match self {
            Direction::Initiator => Direction::Responder,
            Direction::Responder => Direction::Initiator,
            Direction::Unknown => Direction::Unknown,
        }
    }
}

/// Where a certificate read from IKE came from, for its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IkeOrigin {
    pub spi_i: String,
    pub spi_r: String,
    pub exchange: String,
    pub message_id: u32,
    /// Who sent it.
    pub direction: Direction,
    /// 1-based position among the CERT payloads of the message.
    pub payload: usize,
    /// Read from inside an SK/SKF payload (decrypted).
    pub decrypted: bool,
}

/// A CERTREQ payload (RFC 7296 §3.7; IKEv1: RFC 2408 §3.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertReq {
    pub encoding: u8,
    /// IKEv2, X.509 encodings: SHA-1 hashes of the accepted CAs'
    /// SubjectPublicKeyInfo, lower-case hex.
    pub spki_sha1: Vec<String>,
    /// IKEv1: the DER Distinguished Name of the accepted CA, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_name: Option<String>,
}

/// One IKE message as read.
#[derive(Debug, Clone, Serialize)]
pub struct MessageInfo {
    pub at: At,
    pub version: message::IkeVersion,
    pub spi_i: String,
    pub spi_r: String,
    pub exchange: String,
    pub message_id: u32,
    pub direction: Direction,
    pub response: bool,
    /// Payload types, cleartext and (after `/`) decrypted.
    pub payloads: Vec<String>,
    /// `decrypted`, `no keys for this SA`, `integrity check failed`, a
    /// fragment's state, ...; absent when nothing was encrypted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<String>,
    pub certificates: usize,
    pub certreq: Vec<CertReq>,
}

/// One side of an IKE SA.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Side {
    /// `address:port` (captures).
    pub endpoint: Option<String>,
    /// CERT payloads this side sent.
    pub certificates: usize,
    /// What this side asked the other for (CERTREQ).
    pub certreq: Vec<CertReq>,
    /// It sent a CERTREQ payload (possibly empty: "any CA").
    pub sent_certreq: bool,
}

/// An IKE SA: the messages sharing its initiator SPI.
#[derive(Debug, Clone, Serialize)]
pub struct SaInfo {
    pub spi_i: String,
    pub spi_r: String,
    pub version: message::IkeVersion,
    pub exchanges: Vec<String>,
    pub initiator: Side,
    pub responder: Side,
    pub messages: usize,
}

/// Everything IKE an input held.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IkeReport {
    pub messages: Vec<MessageInfo>,
    pub sas: Vec<SaInfo>,
}

impl IkeReport {
    /// The SPI hashes the other side of `origin`'s SA asked for: what a
    /// certificate sent in that direction should chain to.
    pub fn requested_for(&self, origin: &IkeOrigin) -> Option<Vec<String>> {
        let sa = self.sas.iter().find(|s| s.spi_i == origin.spi_i)?;
        let asker = match origin.direction {
            Direction::Initiator => &sa.responder,
            Direction::Responder => &sa.initiator,
            Direction::Unknown => return None,
        };
        asker.sent_certreq.then(|| {
            asker
                .certreq
                .iter()
                .flat_map(|c| c.spki_sha1.iter().cloned())
                .collect()
        })
    }

    /// Group the messages into SAs (by initiator SPI; the responder SPI is
    /// the first non-zero one seen).
    pub(crate) fn build_sas(&mut self) {
        let mut sas: Vec<SaInfo> = Vec::new();
        for m in &self.messages {
            let i = match sas.iter().position(|s| s.spi_i == m.spi_i) {
                Some(i) => i,
                None => {
                    sas.push(SaInfo {
                        spi_i: m.spi_i.clone(),
                        spi_r: m.spi_r.clone(),
                        version: m.version,
                        exchanges: Vec::new(),
                        initiator: Side::default(),
                        responder: Side::default(),
                        messages: 0,
                    });
                    sas.len() - 1
                }
            };
            let sa = &mut sas[i];
            sa.messages += 1;
            if sa.spi_r.chars().all(|c| c == '0') {
                sa.spi_r = m.spi_r.clone();
            }
            if !sa.exchanges.contains(&m.exchange) {
                sa.exchanges.push(m.exchange.clone());
            }
            let (side, other) = match m.direction {
                Direction::Responder => (&mut sa.responder, &mut sa.initiator),
                _ => (&mut sa.initiator, &mut sa.responder),
            };
            if side.endpoint.is_none() {
                side.endpoint = m.at.src.clone();
            }
            if other.endpoint.is_none() {
                other.endpoint = m.at.dst.clone();
            }
            side.certificates += m.certificates;
            if !m.certreq.is_empty() {
                side.sent_certreq = true;
                side.certreq.extend(m.certreq.iter().cloned());
            }
        }
        self.sas = sas;
    }
}

/// Lower-case hex of an SPI.
pub fn spi_hex(spi: &[u8; 8]) -> String {
    crate::model::hex_lower(spi)
}
