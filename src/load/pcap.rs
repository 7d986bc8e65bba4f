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
                format!("not a readable pcap/pcapng capture: {e:?}"),
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
                    format!("capture unreadable after frame {frame}: {e:?}"),
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
