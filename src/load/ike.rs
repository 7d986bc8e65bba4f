//! IKE messages (from a raw file, a hex dump or a capture) → certificates,
//! CERTREQs and the SA overview.
//!
//! Each message is walked (`crate::ike::message`); SK payloads are decrypted
//! when `--ike-keys` has the SA's keys (`crate::ike::decrypt`); SKF
//! fragments (RFC 7383) are decrypted one by one and joined once all have
//! arrived. CERT payloads become certificates with an [`IkeOrigin`];
//! CERTREQs are kept per SA and direction for the chain check.

use std::collections::HashMap;

use super::{Container, LoadOptions, LoadedInput, ProblemLevel};
use crate::ike::message::{self, cert_encoding_name, types, IkeVersion, Message};
use crate::ike::{spi_hex, At, CertReq, Direction, IkeOrigin, IkeReport, MessageInfo};

/// The most SKF fragment sets kept open at once, and fragments per set.
const MAX_OPEN_FRAGMENT_SETS: usize = 1_000;
const MAX_FRAGMENTS: u16 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FragKey {
    spi_i: [u8; 8],
    spi_r: [u8; 8],
    message_id: u32,
    initiator: bool,
}

#[derive(Debug, Default)]
struct FragSet {
    total: u16,
    /// Decrypted fragments by number (1-based).
    parts: HashMap<u16, Vec<u8>>,
    first_next: u8,
}

/// Reads IKE messages into one input.
pub(super) struct IkeReader<'o> {
    opts: &'o LoadOptions,
    report: IkeReport,
    fragments: HashMap<FragKey, FragSet>,
}

impl<'o> IkeReader<'o> {
    pub(super) fn new(opts: &'o LoadOptions) -> Self {
        IkeReader {
            opts,
            report: IkeReport::default(),
            fragments: HashMap::new(),
        }
    }

    /// Read one IKE message (without a non-ESP marker).
    pub(super) fn message(&mut self, input: &mut LoadedInput, bytes: &[u8], at: At) {
        let (msg, rest) = match message::parse(bytes) {
            Ok(m) => m,
            Err(e) => {
                input.problem(ProblemLevel::Error, at.line, None, format!("{at}: {e}"));
                return;
            }
        };
        if !rest.is_empty() {
            input.problem(
                ProblemLevel::Warning,
                at.line,
                None,
                format!(
                    "{at}: {} bytes after the IKE message (its length field says {}) were ignored",
                    rest.len(),
                    msg.header.length
                ),
            );
        }
        let h = &msg.header;
        let direction = Direction::from_flag(h.from_initiator());
        let mut info = MessageInfo {
            at: at.clone(),
            version: h.version,
            spi_i: spi_hex(&h.spi_i),
            spi_r: spi_hex(&h.spi_r),
            exchange: h.exchange_name(),
            message_id: h.message_id,
            direction,
            response: h.is_response(),
            payloads: msg
                .chain
                .payloads
                .iter()
                .map(|p| message::type_name(p.kind))
                .collect(),
            encrypted: h
                .v1_encrypted()
                .then(|| "IKEv1 encrypted message: decryption is not supported".to_string()),
            certificates: 0,
            certreq: Vec::new(),
        };
        if let Some(p) = &msg.chain.problem {
            input.problem(ProblemLevel::Warning, at.line, None, format!("{at}: {p}"));
        }
        let origin = |payload: usize, decrypted: bool| IkeOrigin {
            spi_i: spi_hex(&h.spi_i),
            spi_r: spi_hex(&h.spi_r),
            exchange: h.exchange_name(),
            message_id: h.message_id,
            direction,
            payload,
            decrypted,
        };
        let mut inner: Option<(u8, Vec<u8>)> = None;
        for p in &msg.chain.payloads {
            match p.kind {
                types::V2_SK => {
                    info.encrypted = Some(match self.decrypt(&msg, p.offset) {
                        Ok(plain) => {
                            inner = Some((p.next, plain));
                            "decrypted".into()
                        }
                        Err(why) => why,
                    });
                }
                types::V2_SKF => {
                    let (state, done) = self.fragment(&msg, p);
                    info.encrypted = Some(state);
                    // The joined payloads are reported with the message
                    // that completed the set.
                    if let Some((first, plain)) = done {
                        inner = Some((first, plain));
                    }
                }
                _ => {}
            }
        }
        self.payloads(input, &msg.chain.payloads, &mut info, &at, &|n| {
            origin(n, false)
        });
        if let Some((first, plain)) = inner {
            let chain = message::walk(&plain, first, 0);
            if let Some(p) = &chain.problem {
                // The ICV of AES-CBC/CTR proves SK_a only: a wrong SK_e
                // decrypts to noise that passes it.
                let hint = if chain.payloads.is_empty() {
                    " (nothing inside could be read: is the table's SK_e for this SA right?)"
                } else {
                    ""
                };
                input.problem(
                    ProblemLevel::Warning,
                    at.line,
                    None,
                    format!("{at}: inside the encrypted payload: {p}{hint}"),
                );
            }
            info.payloads.push("/".into());
            info.payloads
                .extend(chain.payloads.iter().map(|p| message::type_name(p.kind)));
            self.payloads(input, &chain.payloads, &mut info, &at, &|n| origin(n, true));
        }
        self.report.messages.push(info);
    }

    /// CERT and CERTREQ payloads of one chain.
    fn payloads(
        &mut self,
        input: &mut LoadedInput,
        payloads: &[message::Payload],
        info: &mut MessageInfo,
        at: &At,
        origin: &dyn Fn(usize) -> IkeOrigin,
    ) {
        let v1 = info.version == IkeVersion::V1;
        for p in payloads {
            let is_cert = p.kind == if v1 { types::V1_CERT } else { types::V2_CERT };
            let is_req = p.kind == if v1 { types::V1_CR } else { types::V2_CERTREQ };
            if !(is_cert || is_req) {
                continue;
            }
            let Some((&encoding, data)) = p.body.split_first() else {
                input.problem(
                    ProblemLevel::Warning,
                    at.line,
                    None,
                    format!(
                        "{at}: empty {} payload (no encoding byte)",
                        message::type_name(p.kind)
                    ),
                );
                continue;
            };
            if is_cert {
                info.certificates += 1;
                self.cert(input, encoding, data, at, origin(info.certificates));
            } else {
                let req = certreq(encoding, data, v1);
                if !v1 && data.len() % 20 != 0 {
                    input.problem(
                        ProblemLevel::Warning,
                        at.line,
                        None,
                        format!(
                            "{at}: CERTREQ holds {} bytes, not a whole number of 20-byte SHA-1 \
                             hashes; the last {} bytes are ignored",
                            data.len(),
                            data.len() % 20
                        ),
                    );
                }
                match &req {
                    Ok(r) if r.spki_sha1.is_empty() && r.ca_name.is_none() => input.problem(
                        ProblemLevel::Note,
                        at.line,
                        None,
                        format!("{at}: empty CERTREQ (legal: the sender accepts any CA)"),
                    ),
                    Ok(_) => {}
                    Err(e) => {
                        input.problem(ProblemLevel::Warning, at.line, None, format!("{at}: {e}"))
                    }
                }
                if let Ok(r) = req {
                    info.certreq.push(r);
                }
            }
        }
    }

    fn cert(
        &mut self,
        input: &mut LoadedInput,
        encoding: u8,
        data: &[u8],
        at: &At,
        origin: IkeOrigin,
    ) {
        let before = input.certs.len();
        match encoding {
            4 => input.add_der(data, Container::Ike, at.line, None, false),
            1 => match super::pkcs7::certificates(data) {
                Ok(bundle) => super::pkcs7::add_bundle(input, &bundle, Container::Ike, at.line),
                Err(e) => input.problem(
                    ProblemLevel::Error,
                    at.line,
                    None,
                    format!("{at}: PKCS #7 CERT payload: {e}"),
                ),
            },
            12 | 13 => self.hash_and_url(input, encoding, data, at),
            other => input.problem(
                ProblemLevel::Note,
                at.line,
                None,
                format!(
                    "{at}: CERT payload with encoding {other} ({}), {} bytes: reported, not audited",
                    cert_encoding_name(other),
                    data.len()
                ),
            ),
        }
        for c in input.certs.iter_mut().skip(before) {
            c.provenance.frame = at.frame;
            c.provenance.ike = Some(origin.clone());
        }
    }

    /// Hash and URL of a certificate (12) or bundle (13), RFC 7296 §3.6:
    /// reported; with `--fetch`, fetched and checked against the hash.
    fn hash_and_url(&mut self, input: &mut LoadedInput, encoding: u8, data: &[u8], at: &At) {
        let (hash, url) = data.split_at(data.len().min(20));
        let url = String::from_utf8_lossy(url).into_owned();
        let what = format!(
            "{at}: CERT payload is {} (RFC 7296 §3.6): SHA-1 {}, URL {url}",
            cert_encoding_name(encoding),
            crate::model::hex_lower(hash)
        );
        let Some(fetch) = self.opts.fetch else {
            input.problem(
                ProblemLevel::Note,
                at.line,
                None,
                format!("{what}; not fetched (give --fetch)"),
            );
            return;
        };
        let body = match fetch(&url) {
            Ok(b) => b,
            Err(e) => {
                input.problem(ProblemLevel::Error, at.line, None, format!("{what}: {e}"));
                return;
            }
        };
        let got = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &body);
        if got.as_ref() != hash {
            input.problem(
                ProblemLevel::Error,
                at.line,
                None,
                format!(
                    "{what}: fetched {} bytes whose SHA-1 is {}, not the hash the peer sent: \
                     the peer would reject it",
                    body.len(),
                    crate::model::hex_lower(got.as_ref())
                ),
            );
            return;
        }
        input.problem(
            ProblemLevel::Note,
            at.line,
            None,
            format!("{what}: fetched {} bytes, SHA-1 matches", body.len()),
        );
        if encoding == 12 {
            input.add_der(&body, Container::Ike, at.line, None, false);
            return;
        }
        // A CertBundle (RFC 4306 §3.6): SEQUENCE OF CHOICE { cert [0]
        // Certificate, crl [1] CertificateList }, implicitly tagged.
        match bundle_certificates(&body) {
            Ok(certs) => {
                for der in certs {
                    input.add_der(&der, Container::Ike, at.line, None, false);
                }
            }
            Err(e) => input.problem(
                ProblemLevel::Error,
                at.line,
                None,
                format!("{what}: the bundle is not a CertBundle: {e}"),
            ),
        }
    }

    fn keys(&self, msg: &Message) -> Result<&crate::ike::decrypt::SaKeys, String> {
        let table = self
            .opts
            .ike_keys
            .as_deref()
            .ok_or_else(|| "encrypted; give --ike-keys to decrypt".to_string())?;
        table
            .find(&msg.header.spi_i, &msg.header.spi_r)
            .ok_or_else(|| {
                format!(
                    "encrypted; --ike-keys has no keys for SPIs {}/{}",
                    spi_hex(&msg.header.spi_i),
                    spi_hex(&msg.header.spi_r)
                )
            })
    }

    fn decrypt(&self, msg: &Message, offset: usize) -> Result<Vec<u8>, String> {
        let keys = self.keys(msg)?;
        let from_initiator = msg.header.from_initiator().unwrap_or(true);
        crate::ike::decrypt::decrypt_payload(keys, &msg.bytes, offset, from_initiator)
            .map_err(|e| format!("decryption failed: {e}"))
    }

    /// One SKF fragment: its state, and the joined plaintext once complete.
    fn fragment(&mut self, msg: &Message, p: &message::Payload) -> (String, Option<(u8, Vec<u8>)>) {
        let (Some(num), Some(total)) = (
            p.body.get(0..2).map(|b| u16::from_be_bytes([b[0], b[1]])),
            p.body.get(2..4).map(|b| u16::from_be_bytes([b[0], b[1]])),
        ) else {
            return (
                "SKF payload too short for its fragment numbers".into(),
                None,
            );
        };
        if num == 0 || num > total || total > MAX_FRAGMENTS {
            return (
                format!("SKF fragment {num} of {total}: invalid numbers"),
                None,
            );
        }
        let plain = match self.decrypt(msg, p.offset) {
            Ok(plain) => plain,
            Err(why) => return (format!("fragment {num}/{total}: {why}"), None),
        };
        let key = FragKey {
            spi_i: msg.header.spi_i,
            spi_r: msg.header.spi_r,
            message_id: msg.header.message_id,
            initiator: msg.header.from_initiator().unwrap_or(true),
        };
        if !self.fragments.contains_key(&key) && self.fragments.len() >= MAX_OPEN_FRAGMENT_SETS {
            return (
                format!("fragment {num}/{total}: more than {MAX_OPEN_FRAGMENT_SETS} incomplete fragment sets; not kept"),
                None,
            );
        }
        let set = self
            .fragments
            .entry(key.clone())
            .or_insert_with(|| FragSet {
                total,
                ..FragSet::default()
            });
        if set.total != total {
            return (
                format!(
                    "fragment {num}/{total}: earlier fragments said {} in all",
                    set.total
                ),
                None,
            );
        }
        if num == 1 {
            set.first_next = p.next;
        }
        set.parts.insert(num, plain);
        if set.parts.len() < usize::from(total) {
            return (format!("fragment {num}/{total} decrypted"), None);
        }
        let set = self.fragments.remove(&key).unwrap_or_default();
        let mut joined = Vec::new();
        for n in 1..=total {
            if let Some(part) = set.parts.get(&n) {
                joined.extend_from_slice(part);
            }
        }
        (
            format!("fragment {num}/{total} decrypted; all {total} joined (RFC 7383)"),
            Some((set.first_next, joined)),
        )
    }

    /// Close the reader: report fragment sets that never completed, build
    /// the SA overview, and keep it on the input.
    pub(super) fn finish(mut self, input: &mut LoadedInput) {
        for (k, set) in &self.fragments {
            let mut have: Vec<u16> = set.parts.keys().copied().collect();
            have.sort_unstable();
            input.problem(
                ProblemLevel::Warning,
                None,
                None,
                format!(
                    "IKEv2 fragments of message {} (SPI {}) incomplete: have {:?} of {}; the \
                     payloads inside are not read",
                    k.message_id,
                    spi_hex(&k.spi_i),
                    have,
                    set.total
                ),
            );
        }
        if self.report.messages.is_empty() {
            return;
        }
        self.report.build_sas();
        input.ike = Some(Box::new(self.report));
    }
}

/// The certificates of a DER CertBundle, each re-tagged as a SEQUENCE.
fn bundle_certificates(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    use x509_parser::der_parser::asn1_rs::{Any, Class, FromDer};
    let (rest, outer) = Any::from_der(body).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the bundle", rest.len()));
    }
    let mut items = outer.data;
    let mut out = Vec::new();
    while !items.is_empty() {
        let (rest, item) = Any::from_der(items).map_err(|e| e.to_string())?;
        if item.class() == Class::ContextSpecific && item.tag().0 == 0 {
            // [0] IMPLICIT Certificate: the content of a SEQUENCE
            let len = item.data.len();
            let mut der = vec![0x30];
            if len < 0x80 {
                der.push(len as u8);
            } else {
                let bytes: Vec<u8> = len
                    .to_be_bytes()
                    .into_iter()
                    .skip_while(|b| *b == 0)
                    .collect();
                der.push(0x80 | bytes.len() as u8);
                der.extend(bytes);
            }
            der.extend(item.data);
            out.push(der);
        }
        items = rest;
    }
    Ok(out)
}

/// A CERTREQ body: IKEv2 X.509 encodings carry concatenated 20-byte SHA-1
/// SPKI hashes; IKEv1 carries one DER Distinguished Name.
fn certreq(encoding: u8, data: &[u8], v1: bool) -> Result<CertReq, String> {
    // (a length that is not a multiple of 20 is reported by the caller)
    if v1 {
        if data.is_empty() {
            return Ok(CertReq {
                encoding,
                spki_sha1: Vec::new(),
                ca_name: None,
            });
        }
        use x509_parser::prelude::{FromDer, X509Name};
        return match X509Name::from_der(data) {
            Ok((_, name)) => Ok(CertReq {
                encoding,
                spki_sha1: Vec::new(),
                ca_name: Some(name.to_string()),
            }),
            Err(e) => Err(format!(
                "IKEv1 CR payload: the CA name is not a DER Name: {e}"
            )),
        };
    }
    if !matches!(encoding, 4 | 12 | 13) {
        return Err(format!(
            "CERTREQ with encoding {encoding} ({}): not read",
            cert_encoding_name(encoding)
        ));
    }
    Ok(CertReq {
        encoding,
        spki_sha1: data.chunks_exact(20).map(crate::model::hex_lower).collect(),
        ca_name: None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::load::{load_bytes, Container, ProblemLevel};
    use crate::model::Certificate;
    use crate::testkit::{CertSpec, Issued};

    fn payload(next: u8, body: &[u8]) -> Vec<u8> {
        let mut p = vec![next, 0];
        p.extend(((body.len() + 4) as u16).to_be_bytes());
        p.extend(body);
        p
    }

    /// An IKEv2 message: SPIs, first payload, exchange, flags, message id.
    fn message(spi_r: u8, first: u8, exchange: u8, flags: u8, id: u32, chain: &[u8]) -> Vec<u8> {
        let mut m = vec![0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8];
        m.extend([0, 0, 0, 0, 0, 0, 0, spi_r]);
        m.extend([first, 0x20, exchange, flags]);
        m.extend(id.to_be_bytes());
        m.extend(((chain.len() + 28) as u32).to_be_bytes());
        m.extend(chain);
        m
    }

    fn cert_payload(next: u8, der: &[u8]) -> Vec<u8> {
        let mut body = vec![4];
        body.extend(der);
        payload(next, &body)
    }

    pub(crate) struct Pki {
        pub(crate) root: Issued,
        ca: Issued,
        leaf: Issued,
    }

    pub(crate) fn pki() -> Pki {
        let root = Issued::root("IKE Root CA");
        let ca = root.issue(CertSpec::ca("IKE Issuing CA"));
        let leaf = ca.issue(CertSpec::leaf("alice"));
        Pki { root, ca, leaf }
    }

    /// IKE_SA_INIT response with a CERTREQ for `asked`, then a (cleartext,
    /// for the test) IKE_AUTH request with the leaf and its CA.
    pub(crate) fn exchange(p: &Pki, asked: &Issued) -> Vec<u8> {
        let spki = Certificate::from_der(&asked.der()).unwrap().spki_sha1;
        let hash: Vec<u8> = (0..20)
            .map(|i| u8::from_str_radix(&spki[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let mut req = vec![4];
        req.extend(&hash);
        let init = message(9, 38, 34, 0x20, 0, &payload(0, &req));
        let mut auth_chain = cert_payload(37, &p.leaf.der());
        auth_chain.extend(cert_payload(0, &p.ca.der()));
        let auth = message(9, 37, 35, 0x08, 1, &auth_chain);
        [init, auth].concat()
    }

    #[test]
    fn raw_messages_give_certificates_with_their_origin_and_the_certreq() {
        let p = pki();
        let input = load_bytes("ike.bin", &exchange(&p, &p.root));
        assert_eq!(input.format, Some("ike"));
        assert!(input.problems.is_empty(), "{:?}", input.problems);
        assert_eq!(input.certs.len(), 2);
        let origin = input.certs[0].provenance.ike.as_ref().unwrap();
        assert_eq!(origin.exchange, "IKE_AUTH");
        assert_eq!(origin.direction, crate::ike::Direction::Initiator);
        assert_eq!(origin.spi_i, "a1a2a3a4a5a6a7a8");
        assert_eq!(input.certs[0].provenance.container, Container::Ike);
        let ike = input.ike.as_deref().unwrap();
        assert_eq!(ike.sas.len(), 1);
        let sa = &ike.sas[0];
        assert_eq!(sa.exchanges, ["IKE_SA_INIT", "IKE_AUTH"]);
        assert_eq!(sa.initiator.certificates, 2);
        assert_eq!(
            sa.responder.certreq[0].spki_sha1,
            [Certificate::from_der(&p.root.der()).unwrap().spki_sha1]
        );
        assert_eq!(sa.spi_r, "0000000000000009");
    }

    #[test]
    fn nat_t_marker_and_hex_dumps_read_the_same() {
        let p = pki();
        let bytes = exchange(&p, &p.root);
        let raw = load_bytes("ike.bin", &bytes);
        let mut marked = vec![0, 0, 0, 0];
        marked.extend(&bytes);
        let marked = load_bytes("ike4500.bin", &marked);
        // xxd layout
        let xxd: String = bytes
            .chunks(16)
            .enumerate()
            .map(|(i, c)| {
                let groups: Vec<String> = c.chunks(2).map(crate::model::hex_lower).collect();
                format!("{:08x}: {}  ................\n", i * 16, groups.join(" "))
            })
            .collect();
        let hex = load_bytes("ike.txt", xxd.as_bytes());
        assert_eq!(hex.format, Some("hexdump"));
        for other in [&marked, &hex] {
            let sha = |i: &crate::load::LoadedInput| {
                i.certs
                    .iter()
                    .map(|c| c.cert.sha256.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(sha(other), sha(&raw), "{:?}", other.problems);
            assert_eq!(other.ike.as_ref().unwrap().sas.len(), 1);
        }
        assert_eq!(hex.certs[0].provenance.line, Some(1));
    }

    #[test]
    fn bare_payloads_and_broken_messages() {
        let p = pki();
        let mut body = vec![4];
        body.extend(p.leaf.der());
        for bytes in [body.clone(), payload(0, &body)] {
            let input = load_bytes("cert.bin", &bytes);
            assert_eq!(input.certs.len(), 1, "{:?}", input.problems);
        }
        let mut req = vec![4];
        req.extend([0xab; 40]);
        let input = load_bytes("certreq.bin", &payload(0, &req));
        assert!(input.certs.is_empty());
        assert!(input
            .problems
            .iter()
            .any(|p| p.level == ProblemLevel::Note && p.message.contains(&"ab".repeat(20))));
        assert!(!input.has_errors());
        // a message whose CERT payload claims more than there is
        let mut broken = exchange(&p, &p.root);
        let auth_start = 28 + 4 + 21;
        broken[auth_start + 28 + 3] = 0xff;
        let input = load_bytes("broken.bin", &broken);
        assert!(
            input
                .problems
                .iter()
                .any(|p| p.message.contains("declares")),
            "{:?}",
            input.problems
        );
        // every truncation: no panic, never more certificates
        let full = exchange(&p, &p.root);
        for cut in (0..full.len()).step_by(7) {
            let input = load_bytes("cut.bin", &full[..cut]);
            assert!(input.certs.len() <= 2);
        }
    }

    #[test]
    fn every_cert_encoding_is_read_or_reported() {
        let p = pki();
        let with = |encoding: u8, data: &[u8]| {
            let mut body = vec![encoding];
            body.extend(data);
            load_bytes("m.bin", &message(9, 37, 35, 0x08, 1, &payload(0, &body)))
        };
        // 1: PKCS #7 wrapped
        let bundle = crate::testkit::p7b(&[p.leaf.der(), p.ca.der()]);
        let input = with(1, &bundle);
        assert_eq!(input.certs.len(), 2, "{:?}", input.problems);
        assert!(input.certs.iter().all(|c| c.provenance.ike.is_some()));
        // 12: hash and URL: reported with both, nothing fetched
        let mut hu = vec![0x5a; 20];
        hu.extend(b"http://pki.example.com/alice.cer");
        let input = with(12, &hu);
        assert!(input.certs.is_empty());
        let note = input
            .problems
            .iter()
            .find(|p| p.message.contains("hash and URL"))
            .expect("reported");
        assert!(note.message.contains("http://pki.example.com/alice.cer"));
        assert!(note.message.contains(&"5a".repeat(20)));
        // 11 raw RSA key and 7 CRL: reported, not audited
        for (enc, what) in [(11, "raw RSA key"), (7, "revocation list")] {
            let input = with(enc, &[1, 2, 3]);
            assert!(input.certs.is_empty());
            assert!(
                input.problems.iter().any(|p| p.message.contains(what)),
                "{:?}",
                input.problems
            );
        }
        // 4 with garbage: an error naming the message
        let input = with(4, &[0x30, 0x03, 1, 2, 3]);
        assert!(input.has_errors());
        assert!(input
            .problems
            .iter()
            .any(|p| p.message.contains("IKE_AUTH") || p.message.contains("certificate")));
        // an empty CERTREQ is legal and said to be
        let empty = load_bytes("r.bin", &message(9, 38, 34, 0x20, 0, &payload(0, &[4])));
        assert!(empty
            .problems
            .iter()
            .any(|p| p.message.contains("empty CERTREQ")));
        let sa = &empty.ike.as_ref().unwrap().sas[0];
        assert!(sa.responder.sent_certreq && sa.responder.certreq[0].spki_sha1.is_empty());
    }

    #[test]
    fn ikev1_cert_and_cr_payloads_in_the_clear() {
        let p = pki();
        let name = x509_parser::parse_x509_certificate(&p.root.der())
            .unwrap()
            .1
            .subject()
            .as_raw()
            .to_vec();
        let mut cr = vec![4];
        cr.extend(&name);
        let mut chain = payload(6, &cr); // CR, next: CERT
        let mut cert = vec![4];
        cert.extend(p.leaf.der());
        chain.extend(payload(0, &cert));
        let mut m = message(0, 7, 4, 0, 0, &chain); // aggressive mode
        m[17] = 0x10; // IKEv1
        let input = load_bytes("v1.bin", &m);
        assert_eq!(input.certs.len(), 1, "{:?}", input.problems);
        let ike = input.ike.as_ref().unwrap();
        assert_eq!(ike.messages[0].exchange, "Aggressive");
        assert_eq!(ike.messages[0].direction, crate::ike::Direction::Unknown);
        assert!(ike.messages[0].certreq[0]
            .ca_name
            .as_deref()
            .unwrap()
            .contains("IKE Root CA"));
        // encrypted IKEv1 (main mode 5/6): said, not read
        let mut enc = message(0, 5, 2, 0x01, 0, &payload(0, &[1, 2, 3, 4]));
        enc[17] = 0x10;
        let input = load_bytes("v1enc.bin", &enc);
        let ike = input.ike.as_ref().unwrap();
        assert!(ike.messages[0]
            .encrypted
            .as_deref()
            .unwrap()
            .contains("IKEv1"));
    }
}
