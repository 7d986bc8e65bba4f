//! Packet captures (pcap and pcapng, read by `pcap-parser`): frames →
//! Ethernet (VLAN), raw IP, Linux cooked (v1 and v2) or BSD loopback → IPv4
//! or IPv6 (`etherparse`, which also reassembles IP fragments) → UDP on
//! ports 500 and 4500 → IKE messages (the 4-byte non-ESP marker on 4500 is
//! stripped; ESP and NAT-keepalive packets on 4500 are skipped).
//!
//! Unreassembled IP fragments are the classic IKE_AUTH failure the field
//! guide names: fragments that never complete are reported.

use etherparse::defrag::IpDefragPool;
use etherparse::{NetSlice, SlicedPacket, TransportSlice, UdpSlice};
use pcap_parser::{create_reader, Linktype, PcapBlockOwned, PcapError};

use super::ike::IkeReader;
use super::{LoadedInput, ProblemLevel};
use crate::ike::At;

/// IKE's UDP ports.
const IKE_PORT: u16 = 500;
const NAT_T_PORT: u16 = 4500;

/// The most IP datagrams waiting for fragments at once.
const MAX_OPEN_REASSEMBLIES: usize = 10_000;

/// True when `bytes` start with a pcap or pcapng magic number.
pub(super) fn looks_like_capture(bytes: &[u8]) -> bool {
    matches!(
        bytes.get(..4),
        Some([0xd4, 0xc3, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0xc3, 0xd4])
            | Some([0x4d, 0x3c, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0x3c, 0x4d])
            | Some([0x0a, 0x0d, 0x0d, 0x0a])
    )
}

/// Read every IKE message of a capture.
pub(super) fn load(input: &mut LoadedInput, bytes: &[u8], ike: &mut IkeReader<'_>) {
    let mut reader = match create_reader(65_536, bytes) {
        Ok(r) => r,
        Err(e) => {
            input.problem(
                ProblemLevel::Error,
                None,
                None,
                format!("not a readable pcap/pcapng capture: {}", pcap_words(&e)),
            );
            return;
        }
    };
    let mut linktypes: Vec<Linktype> = Vec::new();
    let mut frame = 0usize;
    let mut udp_ike = 0usize;
    let mut pool: IpDefragPool<usize, ()> = IpDefragPool::new();
    // Frames are copied out of the reader's buffer before it is refilled.
    loop {
        let next = reader.next();
        match next {
            Ok((used, block)) => {
                let packet: Option<(Linktype, Vec<u8>)> = match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        linktypes = vec![h.network];
                        None
                    }
                    PcapBlockOwned::Legacy(b) => {
                        frame += 1;
                        linktypes.first().map(|l| (*l, b.data.to_vec()))
                    }
                    PcapBlockOwned::NG(pcap_parser::Block::SectionHeader(_)) => {
                        linktypes.clear();
                        None
                    }
                    PcapBlockOwned::NG(pcap_parser::Block::InterfaceDescription(idb)) => {
                        linktypes.push(idb.linktype);
                        None
                    }
                    PcapBlockOwned::NG(pcap_parser::Block::EnhancedPacket(epb)) => {
                        frame += 1;
                        let len = (epb.caplen as usize).min(epb.data.len());
                        linktypes
                            .get(epb.if_id as usize)
                            .map(|l| (*l, epb.data[..len].to_vec()))
                    }
                    PcapBlockOwned::NG(pcap_parser::Block::SimplePacket(spb)) => {
                        frame += 1;
                        linktypes.first().map(|l| (*l, spb.data.to_vec()))
                    }
                    PcapBlockOwned::NG(_) => None,
                };
                reader.consume(used);
                if let Some((linktype, data)) = packet {
                    udp_ike += frame_to_ike(input, ike, &mut pool, frame, linktype, &data);
                }
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                if reader.refill().is_err() {
                    input.problem(
                        ProblemLevel::Warning,
                        None,
                        None,
                        format!("the capture ends inside a block after frame {frame}"),
                    );
                    break;
                }
            }
            Err(e) => {
                input.problem(
                    ProblemLevel::Error,
                    None,
                    None,
                    format!("capture unreadable after frame {frame}: {}", pcap_words(&e)),
                );
                break;
            }
        }
    }
    let left = pool_len(&mut pool);
    if left > 0 {
        input.problem(
            ProblemLevel::Warning,
            None,
            None,
            format!(
                "{left} fragmented IP datagram(s) never completed: an IKE message sent in IP \
                 fragments was lost (a device dropping fragments breaks IKE_AUTH)"
            ),
        );
    }
    if udp_ike == 0 {
        input.problem(
            ProblemLevel::Note,
            None,
            None,
            format!("{frame} frames, none of them IKE (UDP port 500 or 4500)"),
        );
    }
}

/// A capture reader's error in words (its own `Display` prints parser
/// internals and raw input bytes).
fn pcap_words<I>(e: &PcapError<I>) -> String {
    match e {
        PcapError::Eof => "it ends before the first block".into(),
        PcapError::UnexpectedEof => "it ends in the middle of a block".into(),
        PcapError::BufferTooSmall => "a block is larger than 64 KiB".into(),
        PcapError::ReadError => "it could not be read".into(),
        PcapError::Incomplete(n) => format!("a block is cut short ({n} more bytes needed)"),
        PcapError::HeaderNotRecognized => "the file header is neither pcap nor pcapng".into(),
        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
            format!("a block is malformed ({})", kind.description())
        }
    }
}

/// One frame: returns 1 when it carried an IKE message.
fn frame_to_ike(
    input: &mut LoadedInput,
    ike: &mut IkeReader<'_>,
    pool: &mut IpDefragPool<usize, ()>,
    frame: usize,
    linktype: Linktype,
    data: &[u8],
) -> usize {
    let sliced = match linktype {
        Linktype::ETHERNET => SlicedPacket::from_ethernet(data),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => SlicedPacket::from_ip(data),
        Linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data),
        // Linux cooked v2: protocol type first, 20-byte header.
        Linktype::LINUX_SLL2 => match data.get(..2).zip(data.get(20..)) {
            Some((proto, rest)) => SlicedPacket::from_ether_type(
                etherparse::EtherType(u16::from_be_bytes([proto[0], proto[1]])),
                rest,
            ),
            None => return 0,
        },
        // BSD loopback: a 4-byte address family, then IP.
        Linktype::NULL | Linktype::LOOP => match data.get(4..) {
            Some(rest) => SlicedPacket::from_ip(rest),
            None => return 0,
        },
        _ => return 0,
    };
    let Ok(sliced) = sliced else {
        return 0;
    };
    let (src_ip, dst_ip) = match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => (
            v4.header().source_addr().to_string(),
            v4.header().destination_addr().to_string(),
        ),
        Some(NetSlice::Ipv6(v6)) => (
            format!("[{}]", v6.header().source_addr()),
            format!("[{}]", v6.header().destination_addr()),
        ),
        _ => return 0,
    };
    // A fragment: hand it to the pool; a completed datagram is UDP.
    let reassembled;
    let udp: UdpSlice<'_> = match &sliced.transport {
        Some(TransportSlice::Udp(u)) => u.clone(),
        _ => {
            let fragmenting = match &sliced.net {
                Some(NetSlice::Ipv4(v4)) => v4.header().is_fragmenting_payload(),
                Some(NetSlice::Ipv6(v6)) => v6.is_payload_fragmented(),
                _ => false,
            };
            if !fragmenting {
                return 0;
            }
            if pool_len(pool) >= MAX_OPEN_REASSEMBLIES {
                input.problem(
                    ProblemLevel::Warning,
                    None,
                    None,
                    format!(
                        "frame {frame}: more than {MAX_OPEN_REASSEMBLIES} IP datagrams waiting \
                         for fragments; older ones dropped"
                    ),
                );
                pool.retain(|_| false);
            }
            match pool.process_sliced_packet(&sliced, frame, ()) {
                Ok(Some(done)) if done.ip_number == etherparse::IpNumber::UDP => {
                    reassembled = done.payload;
                    match UdpSlice::from_slice(&reassembled) {
                        Ok(u) => u,
                        Err(_) => return 0,
                    }
                }
                Ok(_) => return 0,
                Err(e) => {
                    input.problem(
                        ProblemLevel::Warning,
                        None,
                        None,
                        format!("frame {frame}: IP fragment not usable: {e}"),
                    );
                    return 0;
                }
            }
        }
    };
    let (sport, dport) = (udp.source_port(), udp.destination_port());
    let ports = [sport, dport];
    let mut payload = udp.payload();
    if ports.contains(&NAT_T_PORT) {
        match payload {
            // NAT-keepalive (RFC 3948 §2.3)
            [0xff] => return 0,
            [0, 0, 0, 0, rest @ ..] => payload = rest,
            // ESP on the NAT-T port
            _ => return 0,
        }
    } else if !ports.contains(&IKE_PORT) {
        return 0;
    }
    ike.message(
        input,
        payload,
        At {
            frame: Some(frame),
            line: None,
            src: Some(format!("{src_ip}:{sport}")),
            dst: Some(format!("{dst_ip}:{dport}")),
        },
    );
    1
}

/// Datagrams waiting for fragments (the pool has no `len`).
fn pool_len(pool: &mut IpDefragPool<usize, ()>) -> usize {
    let n = std::cell::Cell::new(0);
    pool.retain(|_| {
        n.set(n.get() + 1);
        true
    });
    n.get()
}

#[cfg(test)]
mod tests {
    use etherparse::{IpFragOffset, IpNumber, Ipv4Header, PacketBuilder, UdpHeader};

    use crate::load::{load_bytes, ProblemLevel};
    use crate::testkit::{CertSpec, Issued};

    /// A cleartext IKEv2 IKE_AUTH request carrying `der` in a CERT payload.
    fn ike_with_cert(der: &[u8]) -> Vec<u8> {
        let mut body = vec![4];
        body.extend(der);
        let mut chain = vec![0, 0];
        chain.extend(((body.len() + 4) as u16).to_be_bytes());
        chain.extend(body);
        let mut m = vec![
            1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 9, 37, 0x20, 35, 0x08,
        ];
        m.extend(1u32.to_be_bytes());
        m.extend(((chain.len() + 28) as u32).to_be_bytes());
        m.extend(chain);
        m
    }

    /// A legacy pcap file of `frames` with `linktype`.
    fn pcap(linktype: u32, frames: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(0xa1b2c3d4u32.to_le_bytes());
        out.extend(2u16.to_le_bytes());
        out.extend(4u16.to_le_bytes());
        out.extend([0; 8]);
        out.extend(65535u32.to_le_bytes());
        out.extend(linktype.to_le_bytes());
        for (i, f) in frames.iter().enumerate() {
            out.extend((i as u32).to_le_bytes());
            out.extend(0u32.to_le_bytes());
            out.extend((f.len() as u32).to_le_bytes());
            out.extend((f.len() as u32).to_le_bytes());
            out.extend(f);
        }
        out
    }

    fn udp_ipv4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        PacketBuilder::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64)
            .udp(sport, dport)
            .write(&mut v, payload)
            .unwrap();
        v
    }

    fn leaf() -> Vec<u8> {
        Issued::root("Cap Root")
            .issue(CertSpec::leaf("capture leaf"))
            .der()
    }

    #[test]
    fn every_link_layer_gives_the_certificate() {
        let der = leaf();
        let ike = ike_with_cert(&der);
        let ip = udp_ipv4(500, 500, &ike);
        let mut eth_vlan = Vec::new();
        PacketBuilder::ethernet2([1; 6], [2; 6])
            .single_vlan(etherparse::VlanId::try_new(7).unwrap())
            .ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64)
            .udp(500, 500)
            .write(&mut eth_vlan, &ike)
            .unwrap();
        let mut sll = vec![0, 0, 0, 1, 0, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0x08, 0x00];
        sll.extend(&ip);
        let mut null = 2u32.to_le_bytes().to_vec();
        null.extend(&ip);
        let mut nat_t = vec![0, 0, 0, 0];
        nat_t.extend(&ike);
        let nat_t = udp_ipv4(4500, 4500, &nat_t);
        for (name, linktype, frame) in [
            ("ethernet+vlan", 1, eth_vlan),
            ("raw ip", 101, ip.clone()),
            ("linux cooked", 113, sll),
            ("bsd loopback", 0, null),
            ("nat-t 4500", 101, nat_t),
        ] {
            let input = load_bytes("c.pcap", &pcap(linktype, &[frame]));
            assert_eq!(input.format, Some("pcap"), "{name}");
            assert_eq!(input.certs.len(), 1, "{name}: {:?}", input.problems);
            assert_eq!(input.certs[0].provenance.frame, Some(1), "{name}");
            let at = &input.ike.as_ref().unwrap().messages[0].at;
            assert!(
                at.src.as_deref().unwrap().starts_with("192.0.2.1:"),
                "{name}"
            );
        }
    }

    #[test]
    fn esp_keepalives_and_other_udp_are_skipped() {
        let frames = vec![
            udp_ipv4(4500, 4500, &[0xff]), // NAT keepalive
            udp_ipv4(4500, 4500, &[0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1]), // ESP
            udp_ipv4(53, 53, &[1, 2, 3]),  // DNS
        ];
        let input = load_bytes("c.pcap", &pcap(101, &frames));
        assert!(input.certs.is_empty());
        assert!(input.ike.is_none());
        assert!(input
            .problems
            .iter()
            .any(|p| p.message.contains("3 frames, none of them IKE")));
    }

    /// The UDP datagram split into IPv4 fragments of `chunk` bytes.
    fn fragments(payload: &[u8], chunk: usize) -> Vec<Vec<u8>> {
        let mut udp = UdpHeader::without_ipv4_checksum(500, 500, payload.len())
            .unwrap()
            .to_bytes()
            .to_vec();
        udp.extend(payload);
        let mut out = Vec::new();
        for (i, part) in udp.chunks(chunk).enumerate() {
            let mut h = Ipv4Header::new(
                part.len() as u16,
                64,
                IpNumber::UDP,
                [192, 0, 2, 1],
                [192, 0, 2, 2],
            )
            .unwrap();
            h.identification = 0x4242;
            h.more_fragments = (i + 1) * chunk < udp.len();
            h.fragment_offset = IpFragOffset::try_new(((i * chunk) / 8) as u16).unwrap();
            h.header_checksum = h.calc_header_checksum();
            let mut f = h.to_bytes().to_vec();
            f.extend(part);
            out.push(f);
        }
        out
    }

    #[test]
    fn ip_fragments_are_reassembled_and_lost_ones_reported() {
        let ike = ike_with_cert(&leaf());
        let frags = fragments(&ike, 200);
        assert!(frags.len() >= 3);
        let input = load_bytes("frag.pcap", &pcap(101, &frags));
        assert_eq!(input.certs.len(), 1, "{:?}", input.problems);
        assert_eq!(input.certs[0].provenance.frame, Some(frags.len()));
        // out of order works too
        let mut shuffled = frags.clone();
        shuffled.reverse();
        let input = load_bytes("frag.pcap", &pcap(101, &shuffled));
        assert_eq!(input.certs.len(), 1, "{:?}", input.problems);
        // one fragment dropped: no certificate, and it is said why
        let mut lost = frags.clone();
        lost.remove(1);
        let input = load_bytes("lost.pcap", &pcap(101, &lost));
        assert!(input.certs.is_empty());
        assert!(input
            .problems
            .iter()
            .any(|p| p.level == ProblemLevel::Warning && p.message.contains("never completed")));
    }

    #[test]
    fn truncated_and_mutated_captures_never_panic() {
        let ike = ike_with_cert(&leaf());
        let file = pcap(101, &fragments(&ike, 300));
        for cut in (0..file.len()).step_by(13) {
            let input = load_bytes("cut.pcap", &file[..cut]);
            assert!(input.certs.len() <= 1);
        }
        let mut x = 0x12345678u32;
        for _ in 0..300 {
            let mut m = file.clone();
            for _ in 0..4 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let i = 24 + (x as usize) % (m.len() - 24);
                m[i] ^= (x >> 8) as u8 | 1;
            }
            let input = load_bytes("mut.pcap", &m);
            assert!(input.certs.len() <= 1);
        }
    }

    #[test]
    fn capture_errors_are_words() {
        use super::pcap_words;
        use pcap_parser::PcapError;
        let kind = pcap_parser::nom::error::ErrorKind::Tag;
        let all: Vec<PcapError<&[u8]>> = vec![
            PcapError::Eof,
            PcapError::UnexpectedEof,
            PcapError::BufferTooSmall,
            PcapError::ReadError,
            PcapError::Incomplete(12),
            PcapError::HeaderNotRecognized,
            PcapError::NomError(&[0x0a, 0x0d][..], kind),
            PcapError::OwnedNomError(vec![0x0a], kind),
        ];
        for e in &all {
            let text = pcap_words(e);
            assert!(
                !text.contains("Nom") && !text.contains('[') && !text.contains("Incomplete("),
                "{text}"
            );
        }
        // and through the loader: a damaged capture says what is wrong
        let good = pcap(1, &[udp_ipv4(500, 500, &ike_with_cert(&leaf()))]);
        let mut bad = good.clone();
        bad[40..48].copy_from_slice(&[0xff; 8]);
        for bytes in [&bad[..], &good[..good.len() - 7]] {
            let input = load_bytes("x.pcap", bytes);
            for p in &input.problems {
                let t = p.to_string();
                assert!(!t.contains("Nom") && !t.contains("Incomplete("), "{t}");
            }
        }
    }
}
