use super::*;
use std::thread::JoinHandle;

fn answered(server: &str, offset: f64, delay: f64, root_disp: f64) -> Sample {
    Sample {
        stratum: Some(2),
        leap: Some(0),
        reference_id: Some("192.0.2.1".into()),
        offset_seconds: Some(offset),
        delay_seconds: Some(delay),
        root_delay_seconds: Some(0.0),
        root_dispersion_seconds: Some(root_disp),
        address: Some(format!("{server}:123")),
        ..Sample::new(server)
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

// --- select() ---

#[test]
fn select_uses_all_agreeing_servers() {
    let report = select(
        vec![
            answered("a", 0.010, 0.020, 0.001),
            answered("b", 0.012, 0.030, 0.002),
            answered("c", 0.011, 0.010, 0.001),
        ],
        t0(),
    );
    assert!(report.samples.iter().all(|s| s.used && s.reason.is_none()));
    let offset = report.offset_seconds.unwrap();
    assert!((offset - 0.011).abs() < 1e-12, "{offset}");
    // b: |0.012 - 0.011| + 0.030/2 + 0.002 = 0.018, the largest.
    let u = report.uncertainty_seconds.unwrap();
    assert!((u - 0.018).abs() < 1e-12, "{u}");
    assert_eq!(report.time, Some(t0() + TimeDelta::milliseconds(11)));
}

#[test]
fn select_rejects_one_falseticker_out_of_three() {
    let report = select(
        vec![
            answered("a", 0.001, 0.020, 0.001),
            answered("b", 12.3, 0.020, 0.001),
            answered("c", 0.002, 0.020, 0.001),
        ],
        t0(),
    );
    let [a, b, c] = &report.samples[..] else {
        panic!("three samples")
    };
    assert!(a.used && c.used);
    assert!(!b.used);
    let reason = b.reason.as_deref().unwrap();
    assert!(
        reason.starts_with("falseticker: offset +12.300s disagrees with the majority"),
        "{reason}"
    );
    let offset = report.offset_seconds.unwrap();
    assert!((offset - 0.0015).abs() < 1e-12, "{offset}");
    assert!(report.uncertainty_seconds.unwrap() < 0.1);
    assert!(report.time.is_some());
}

#[test]
fn select_uses_nobody_when_two_servers_disagree() {
    let report = select(
        vec![answered("a", 0.0, 0.02, 0.0), answered("b", 5.0, 0.02, 0.0)],
        t0(),
    );
    for s in &report.samples {
        assert!(!s.used);
        assert_eq!(s.reason.as_deref(), Some("no majority: servers disagree"));
    }
    assert!(report.offset_seconds.is_none());
    assert!(report.uncertainty_seconds.is_none());
    assert!(report.time.is_none());
}

#[test]
fn select_uses_a_single_server() {
    let report = select(vec![answered("a", -2.5, 0.04, 0.01)], t0());
    assert!(report.samples[0].used);
    assert_eq!(report.offset_seconds, Some(-2.5));
    let u = report.uncertainty_seconds.unwrap();
    assert!((u - 0.03).abs() < 1e-12, "{u}");
    assert_eq!(report.time, Some(t0() - TimeDelta::milliseconds(2500)));
}

#[test]
fn select_passes_rejected_samples_through_and_does_not_count_them() {
    let kod = Sample::new("k").rejected("kiss-o'-death RATE");
    let silent = Sample::new("s").rejected("no answer within 2s");
    let report = select(
        vec![
            kod,
            answered("a", 0.100, 0.02, 0.0),
            silent,
            answered("b", 0.101, 0.02, 0.0),
        ],
        t0(),
    );
    let used: Vec<bool> = report.samples.iter().map(|s| s.used).collect();
    assert_eq!(used, [false, true, false, true]);
    assert_eq!(
        report.samples[0].reason.as_deref(),
        Some("kiss-o'-death RATE")
    );
    assert_eq!(
        report.samples[2].reason.as_deref(),
        Some("no answer within 2s")
    );
    assert!((report.offset_seconds.unwrap() - 0.1005).abs() < 1e-12);
}

#[test]
fn select_floor_lets_zero_dispersion_loopback_servers_agree() {
    // chronyd with a `local` reference: root delay and dispersion 0,
    // delay of tens of microseconds.
    let report = select(
        vec![
            answered("a", 0.000_010, 0.000_040, 0.0),
            answered("b", 0.001_500, 0.000_050, 0.0),
        ],
        t0(),
    );
    assert!(report.samples.iter().all(|s| s.used));
    // Floor: max(10 ms, delay) / 2 = 5 ms, plus half the spread.
    let u = report.uncertainty_seconds.unwrap();
    assert!((0.005..0.006).contains(&u), "{u}");
}

#[test]
fn select_with_nothing_usable() {
    let report = select(
        vec![Sample::new("x").rejected("could not resolve host 'x'")],
        t0(),
    );
    assert!(!report.samples[0].used);
    assert!(report.offset_seconds.is_none() && report.time.is_none());
    let empty = select(Vec::new(), t0());
    assert!(empty.samples.is_empty() && empty.offset_seconds.is_none());
}

#[test]
fn select_survives_non_finite_offsets() {
    let report = select(
        vec![
            answered("a", f64::NAN, 0.0, 0.0),
            answered("b", 1.0, f64::INFINITY, 0.0),
            answered("c", 1e300, 0.0, 0.0),
        ],
        t0(),
    );
    assert!(!report.samples[0].used && !report.samples[1].used);
    // "c" alone is valid and used, but its offset is not a time.
    assert!(report.samples[2].used);
    assert!(report.time.is_none());
}

#[test]
fn largest_overlap_counts_touching_intervals() {
    let (m, regions) = largest_overlap(&[(0.0, 1.0), (1.0, 2.0), (5.0, 6.0)]);
    assert_eq!(m, 2);
    assert_eq!(regions, [(1.0, 1.0)]);
}

// --- parse_server() ---

#[test]
fn parse_server_forms() {
    let ok = |s: &str| parse_server(s).unwrap();
    assert_eq!(ok("pool.ntp.org"), ("pool.ntp.org".into(), 123));
    assert_eq!(
        ok("time.example.com:1123"),
        ("time.example.com".into(), 1123)
    );
    assert_eq!(ok("192.0.2.1"), ("192.0.2.1".into(), 123));
    assert_eq!(ok("127.0.0.1:11123"), ("127.0.0.1".into(), 11123));
    assert_eq!(ok("[::1]:11123"), ("::1".into(), 11123));
    assert_eq!(ok("[2001:db8::1]"), ("2001:db8::1".into(), 123));
    assert_eq!(ok("::1"), ("::1".into(), 123));
    assert_eq!(ok("2001:db8::123"), ("2001:db8::123".into(), 123));
}

#[test]
fn parse_server_rejects_bad_input() {
    for bad in [
        "",
        "host:",
        "host:0",
        "host:65536",
        "host:-1",
        "host:12x",
        ":123",
        "[::1",
        "[::1]x",
        "[::1]:",
        "[nothost]:123",
        "2001:db8::zz",
        "a b",
        "host/path",
    ] {
        assert!(parse_server(bad).is_err(), "{bad:?} should be rejected");
    }
    let e = parse_server("host:99999").unwrap_err();
    assert!(e.contains("1 to 65535"), "{e}");
}

// --- wire helpers ---

#[test]
fn timestamp_differences_cross_the_2036_era_boundary() {
    let before = ntp_from_datetime(
        DateTime::parse_from_rfc3339("2036-02-07T06:28:15Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    let after = ntp_from_datetime(
        DateTime::parse_from_rfc3339("2036-02-07T06:28:17Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    assert!(after < before, "era 1 wraps to small values");
    assert_eq!(ntp_diff(after, before), 2.0);
    assert_eq!(ntp_diff(before, after), -2.0);
}

#[test]
fn reference_id_text() {
    assert_eq!(refid_text(1, *b"GPS\0"), "GPS");
    assert_eq!(refid_text(0, *b"RATE"), "RATE");
    assert_eq!(refid_text(1, [0xff, 1, 2, 3]), "0xFF010203");
    assert_eq!(refid_text(8, [127, 127, 1, 1]), "127.127.1.1");
}

// --- scripted fake servers on 127.0.0.1 ---

/// What a fake server puts in its one reply.
#[derive(Clone)]
struct Fake {
    leap: u8,
    version: u8,
    mode: u8,
    stratum: u8,
    refid: [u8; 4],
    /// Server clock minus local clock, seconds.
    ahead: i64,
    wrong_origin: bool,
    /// Send only this many bytes.
    truncate: Option<usize>,
    zero_transmit: bool,
}

impl Default for Fake {
    fn default() -> Self {
        Fake {
            leap: 0,
            version: 4,
            mode: 4,
            stratum: 2,
            refid: [127, 0, 0, 1],
            ahead: 0,
            wrong_origin: false,
            truncate: None,
            zero_transmit: false,
        }
    }
}

impl Fake {
    fn packet(&self, request: &[u8]) -> Vec<u8> {
        let now = Utc::now() + TimeDelta::seconds(self.ahead);
        let ts = ntp_from_datetime(now);
        let reference = ntp_from_datetime(now - TimeDelta::seconds(10));
        let mut p = [0u8; PACKET_LEN];
        p[0] = (self.leap << 6) | (self.version << 3) | self.mode;
        p[1] = self.stratum;
        p[2] = 6; // poll
        p[3] = 0xEC; // precision 2^-20
        p[4..8].copy_from_slice(&0x0000_0100u32.to_be_bytes()); // root delay 3.9 ms
        p[8..12].copy_from_slice(&0x0000_0080u32.to_be_bytes()); // root disp 2 ms
        p[12..16].copy_from_slice(&self.refid);
        p[16..24].copy_from_slice(&reference.to_be_bytes());
        if self.wrong_origin {
            p[24..32].copy_from_slice(&ts.to_be_bytes());
        } else {
            p[24..32].copy_from_slice(&request[40..48]);
        }
        p[32..40].copy_from_slice(&ts.to_be_bytes());
        if !self.zero_transmit {
            p[40..48].copy_from_slice(&ts.to_be_bytes());
        }
        let len = self.truncate.unwrap_or(PACKET_LEN);
        p[..len].to_vec()
    }
}

/// A one-shot UDP server on 127.0.0.1: waits (at most 3 s) for one
/// request and answers it with `reply`, or stays silent with None. The
/// thread ends by itself.
fn fake_server(reply: Option<Fake>) -> (String, JoinHandle<()>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let handle = std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        let Ok((len, from)) = socket.recv_from(&mut buf) else {
            return;
        };
        assert_eq!(len, PACKET_LEN, "client request length");
        assert_eq!(buf[0], 0x23, "LI 0, version 4, mode 3");
        if let Some(fake) = reply {
            socket.send_to(&fake.packet(&buf[..len]), from).unwrap();
        }
    });
    (addr.to_string(), handle)
}

fn ask(reply: Option<Fake>) -> (NtpReport, Sample) {
    let (spec, handle) = fake_server(reply);
    let report = query(std::slice::from_ref(&spec), Duration::from_millis(500));
    handle.join().unwrap();
    let sample = report.samples[0].clone();
    assert_eq!(sample.server, spec);
    assert_eq!(sample.address.as_deref(), Some(spec.as_str()));
    (report, sample)
}

fn reason(sample: &Sample) -> &str {
    assert!(!sample.used, "{sample:?}");
    sample.reason.as_deref().unwrap()
}

#[test]
fn fake_kiss_o_death_rate_is_rejected_with_its_code() {
    let (report, s) = ask(Some(Fake {
        leap: 3,
        stratum: 0,
        refid: *b"RATE",
        ..Fake::default()
    }));
    assert!(reason(&s).starts_with("kiss-o'-death RATE"), "{s:?}");
    assert_eq!(s.stratum, Some(0));
    assert_eq!(s.reference_id.as_deref(), Some("RATE"));
    assert!(s.offset_seconds.is_none() && report.offset_seconds.is_none());
}

#[test]
fn fake_stratum_0_without_kiss_code() {
    let (_, s) = ask(Some(Fake {
        stratum: 0,
        refid: [0, 0, 0, 0],
        ..Fake::default()
    }));
    assert!(reason(&s).starts_with("stratum 0"), "{s:?}");
}

#[test]
fn fake_stratum_16_is_unsynchronized() {
    let (report, s) = ask(Some(Fake {
        stratum: 16,
        ..Fake::default()
    }));
    assert_eq!(reason(&s), "stratum 16 (unsynchronized)");
    assert!(report.time.is_none());
}

#[test]
fn fake_leap_indicator_3_is_rejected() {
    let (_, s) = ask(Some(Fake {
        leap: 3,
        ..Fake::default()
    }));
    assert_eq!(reason(&s), "leap indicator 3 (clock not synchronized)");
    assert_eq!(s.leap, Some(3));
}

#[test]
fn fake_reply_with_wrong_origin_is_ignored() {
    let (report, s) = ask(Some(Fake {
        wrong_origin: true,
        ..Fake::default()
    }));
    assert!(reason(&s).starts_with("origin timestamp mismatch"), "{s:?}");
    // Nothing from an unmatched reply is believed.
    assert!(s.stratum.is_none() && s.offset_seconds.is_none());
    assert!(report.offset_seconds.is_none());
}

#[test]
fn fake_silent_server_gives_no_answer() {
    let (report, s) = ask(None);
    assert_eq!(reason(&s), "no answer within 500ms");
    assert!(report.time.is_none());
}

#[test]
fn fake_short_reply_is_ignored() {
    let (_, s) = ask(Some(Fake {
        truncate: Some(20),
        ..Fake::default()
    }));
    assert!(reason(&s).starts_with("reply too short (20 bytes"), "{s:?}");
}

#[test]
fn fake_wrong_mode_and_version_are_rejected() {
    let (_, s) = ask(Some(Fake {
        mode: 3,
        ..Fake::default()
    }));
    assert!(reason(&s).contains("unexpected mode 3"), "{s:?}");
    let (_, s) = ask(Some(Fake {
        version: 2,
        ..Fake::default()
    }));
    assert!(reason(&s).contains("unsupported NTP version 2"), "{s:?}");
}

#[test]
fn fake_zero_transmit_timestamp_is_rejected() {
    let (_, s) = ask(Some(Fake {
        zero_transmit: true,
        ..Fake::default()
    }));
    assert_eq!(reason(&s), "transmit timestamp is zero");
}

#[test]
fn fake_server_100s_ahead_gives_positive_offset() {
    let (report, s) = ask(Some(Fake {
        ahead: 100,
        ..Fake::default()
    }));
    assert!(s.used, "{s:?}");
    assert!(s.reason.is_none());
    assert_eq!(s.stratum, Some(2));
    assert_eq!(s.leap, Some(0));
    assert_eq!(s.reference_id.as_deref(), Some("127.0.0.1"));
    assert_eq!(s.root_delay_seconds, Some(256.0 / 65536.0));
    assert_eq!(s.root_dispersion_seconds, Some(128.0 / 65536.0));
    let offset = s.offset_seconds.unwrap();
    assert!((offset - 100.0).abs() < 1.0, "{offset}");
    assert_eq!(report.offset_seconds, Some(offset));
    let expected = Utc::now() + TimeDelta::seconds(100);
    let time = report.time.unwrap();
    assert!(
        (time - expected).num_milliseconds().abs() < 1000,
        "{time} vs {expected}"
    );
}

#[test]
fn closed_port_is_not_used() {
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let report = query(&[format!("127.0.0.1:{port}")], Duration::from_millis(300));
    let s = &report.samples[0];
    assert!(!s.used);
    assert!(reason(s).starts_with("no answer"), "{s:?}");
}

#[test]
fn bad_server_spec_is_reported_per_sample() {
    let report = query(&["host:0".to_string()], Duration::from_millis(100));
    assert!(reason(&report.samples[0]).contains("port"));
    assert!(report.samples[0].address.is_none());
}
