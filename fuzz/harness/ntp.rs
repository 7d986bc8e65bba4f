//! NTP replies from strangers: the first 48+ bytes as a server's reply
//! (with send/receive timestamps taken from the input), judged as `query`
//! judges an authentic reply; then the samples so far through the clock
//! selection. Neither may panic, and a reply that fails a check is never
//! used. The input's tail also goes through the `show clock` parser
//! (`--device-clock`).

use chrono::TimeZone;
use pkiaudit::time::{ntp, parse_device_clock};

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    for (i, x) in b.iter_mut().enumerate() {
        *x = data.get(at + i).copied().unwrap_or(0);
    }
    u64::from_be_bytes(b)
}

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let t1 = u64_at(data, 0);
    let t4 = u64_at(data, 8);
    let body = data.get(16..).unwrap_or(&[]);
    let mut samples = Vec::new();
    for (i, packet) in body.chunks(48).take(5).enumerate() {
        let s = ntp::judge_reply(&format!("fuzz{i}"), packet, t1, t4.wrapping_add(i as u64));
        // what the checks refuse is never used and always says why
        assert!(!s.used || s.reason.is_none());
        if let Some(stratum) = s.stratum {
            if s.reason.is_none() {
                assert!((1..16).contains(&stratum), "{s:?}");
                assert_ne!(s.leap, Some(3));
            }
        }
        samples.push(ntp::Sample {
            used: s.reason.is_none(),
            ..s
        });
    }
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
        .unwrap();
    let report = ntp::select(samples, now);
    if let (Some(off), Some(u)) = (report.offset_seconds, report.uncertainty_seconds) {
        assert!(off.is_finite() && u.is_finite() && u >= 0.0, "{report:?}");
    }
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = parse_device_clock(text, &[("IST".to_string(), 19800)]);
    }
}
