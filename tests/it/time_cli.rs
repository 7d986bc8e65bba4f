//! Trusted time through the binary: `check --ntp` and `pkiaudit time`
//! against scripted NTP servers on loopback (each answers as an SNTPv4
//! server whose clock is the machine's plus a chosen offset), so the edge
//! cases a real server will not produce on demand (a server minutes ahead, a
//! falseticker, silence) run in every `cargo test`. The real chronyd tests
//! are in `ntp_chrony.rs`.

use crate::common::{run, testkit};

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use testkit::{CertSpec, Issued};

const NTP_UNIX_OFFSET: i64 = 2_208_988_800;

fn ntp_timestamp(t: DateTime<Utc>) -> [u8; 8] {
    let secs = (t.timestamp() + NTP_UNIX_OFFSET) as u64;
    let frac = ((t.timestamp_subsec_nanos() as u64) << 32) / 1_000_000_000;
    ((secs << 32) | frac).to_be_bytes()
}

/// A scripted SNTP server on 127.0.0.1 whose clock is ours + `offset`;
/// stops (its thread ends) when dropped.
struct FakeNtp {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Drop for FakeNtp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl FakeNtp {
    fn start(offset: TimeDelta) -> FakeNtp {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let port = socket.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !flag.load(Ordering::SeqCst) {
                let Ok((n, peer)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if n < 48 {
                    continue;
                }
                let now = Utc::now() + offset;
                let mut reply = [0u8; 48];
                reply[0] = 0x24; // LI 0, version 4, mode 4 (server)
                reply[1] = 2; // stratum 2
                reply[2] = 6; // poll
                reply[3] = 0xec; // precision 2^-20
                reply[7] = 0x10; // root delay 1/16 ms-ish (16.16)
                reply[11] = 0x10; // root dispersion
                reply[12..16].copy_from_slice(&[127, 0, 0, 1]);
                reply[16..24].copy_from_slice(&ntp_timestamp(now - TimeDelta::seconds(10)));
                reply[24..32].copy_from_slice(&buf[40..48]); // origin = their transmit
                reply[32..40].copy_from_slice(&ntp_timestamp(now));
                reply[40..48].copy_from_slice(&ntp_timestamp(Utc::now() + offset));
                let _ = socket.send_to(&reply, peer);
            }
        });
        FakeNtp { port, stop }
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// A UDP port nothing listens on (bound and released).
fn dead_port() -> String {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    format!("127.0.0.1:{}", s.local_addr().unwrap().port())
}

/// What one run gave; `json` is null where the run wrote no JSON.
type Out = run::Run;

fn pkiaudit(args: &[&str]) -> Out {
    let out = run::online_without_ntp()
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    run::Run {
        code: out.status.code().unwrap(),
        json: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        stderr,
    }
}

/// A certificate valid from a day ago until `not_after`, in a temp dir.
fn cert_until(not_after: DateTime<Utc>) -> (tempfile::TempDir, String) {
    let to_time =
        |t: DateTime<Utc>| time::OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap();
    let root = Issued::root("Time Root");
    let leaf = root.issue(
        CertSpec::leaf("edge.example.com")
            .valid(to_time(Utc::now() - TimeDelta::days(1)), to_time(not_after)),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaf.pem");
    std::fs::write(&path, leaf.pem()).unwrap();
    let p = path.display().to_string();
    (dir, p)
}

fn rules(doc: &Value, at: &str) -> Vec<String> {
    doc.pointer(at)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn ntp_time_is_the_audit_time_and_the_report_says_so() {
    let ntp = FakeNtp::start(TimeDelta::zero());
    let (_d, cert) = cert_until(Utc::now() + TimeDelta::days(300));
    let r = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--ntp",
        &ntp.addr(),
        &cert,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.json["time"];
    assert_eq!(t["source"], "ntp", "{t}");
    assert_eq!(t["ntp"]["samples"][0]["used"], true, "{t}");
    assert_eq!(t["ntp"]["samples"][0]["stratum"], 2);
    assert!(
        t["local_clock_minus_ntp_seconds"].as_f64().unwrap().abs() < 1.0,
        "{t}"
    );
    assert!(
        rules(&r.json, "/findings").is_empty(),
        "{}",
        r.json["findings"]
    );
    // without --ntp: the system clock, with an info finding that says so
    let plain = pkiaudit(&["check", "--format", "json", "--revocation", "off", &cert]);
    assert_eq!(plain.json["time"]["source"], "system-clock");
    assert_eq!(rules(&plain.json, "/findings"), ["time.unverified"]);
    assert_eq!(plain.json["verdict"], "pass");
}

/// The certificate expires 60 s from now by the local clock; the NTP
/// servers run 5 minutes ahead. Judged against NTP time it has expired,
/// and the report says the local clock is slow and would judge it valid.
/// `--at` with the local time gives the other verdict.
#[test]
fn a_slow_local_clock_and_a_certificate_at_its_edge() {
    let a = FakeNtp::start(TimeDelta::seconds(300));
    let b = FakeNtp::start(TimeDelta::seconds(300));
    let (_d, cert) = cert_until(Utc::now() + TimeDelta::seconds(60));
    let r = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--ntp",
        &a.addr(),
        "--ntp",
        &b.addr(),
        &cert,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let leaf = rules(&r.json, "/certificates/0/findings");
    assert!(leaf.contains(&"validity.expired".to_string()), "{leaf:?}");
    assert!(leaf.contains(&"validity.near-edge".to_string()), "{leaf:?}");
    assert_eq!(rules(&r.json, "/findings"), ["time.clock-skew"]);
    let skew = r.json["time"]["local_clock_minus_ntp_seconds"]
        .as_f64()
        .unwrap();
    assert!((skew + 300.0).abs() < 2.0, "{skew}");
    let msg = r.json["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("s slow"), "{msg}");
    // the local clock's verdict, asked for explicitly
    let local = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let at = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--at",
        &local,
        &cert,
    ]);
    assert_eq!(at.code, 0);
    assert!(!rules(&at.json, "/certificates/0/findings").contains(&"validity.expired".to_string()));
    // a --max-skew above the offset: no skew warning, and the local clock
    // is no longer a view of its own
    let wide = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--max-skew",
        "600",
        "--ntp",
        &a.addr(),
        &cert,
    ]);
    assert!(
        rules(&wide.json, "/findings").is_empty(),
        "{}",
        wide.json["findings"]
    );
}

#[test]
fn a_falseticker_is_outvoted() {
    let good1 = FakeNtp::start(TimeDelta::zero());
    let good2 = FakeNtp::start(TimeDelta::zero());
    let liar = FakeNtp::start(TimeDelta::hours(1));
    let (_d, cert) = cert_until(Utc::now() + TimeDelta::days(30));
    let servers = format!("{},{},{}", good1.addr(), liar.addr(), good2.addr());
    let r = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--ntp",
        &servers,
        &cert,
    ]);
    let samples = r.json["time"]["ntp"]["samples"].as_array().unwrap().clone();
    assert_eq!(samples.len(), 3);
    assert_eq!(samples[0]["used"], true);
    assert_eq!(samples[2]["used"], true);
    assert_eq!(samples[1]["used"], false);
    assert!(
        samples[1]["reason"]
            .as_str()
            .unwrap()
            .contains("falseticker"),
        "{}",
        samples[1]
    );
    assert!(
        r.json["time"]["local_clock_minus_ntp_seconds"]
            .as_f64()
            .unwrap()
            .abs()
            < 1.0
    );
}

#[test]
fn no_usable_server_falls_back_or_stops_with_require_ntp() {
    let (_d, cert) = cert_until(Utc::now() + TimeDelta::days(30));
    let dead = dead_port();
    let r = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--ntp-timeout",
        "0.3",
        "--ntp",
        &dead,
        &cert,
    ]);
    assert_eq!(r.code, 0, "a warning; --fail-on error");
    assert_eq!(r.json["time"]["source"], "system-clock");
    assert_eq!(rules(&r.json, "/findings"), ["time.ntp-failed"]);
    assert_eq!(r.json["verdict"], "warn");
    let hard = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--ntp-timeout",
        "0.3",
        "--require-ntp",
        "--ntp",
        &dead,
        &cert,
    ]);
    assert_eq!(hard.code, 2);
    assert!(
        hard.stderr.contains("no NTP server gave a usable time")
            && hard.stderr.contains("--require-ntp"),
        "{}",
        hard.stderr
    );
    // --ntp and --offline contradict
    let off = pkiaudit(&["check", "--offline", "--ntp", &dead, &cert]);
    assert_eq!(off.code, 2);
}

/// `--device-clock`: validity as the device judges it (its clock 10
/// minutes behind, not synchronized), with its difference to NTP time.
#[test]
fn the_device_clock_judges_and_is_compared_with_ntp() {
    let ntp = FakeNtp::start(TimeDelta::zero());
    let (_d, cert) = cert_until(Utc::now() - TimeDelta::seconds(120));
    let device = Utc::now() - TimeDelta::minutes(10);
    let show_clock = format!(
        "*{} UTC {}",
        device.format("%H:%M:%S%.3f"),
        device.format("%a %b %-d %Y")
    );
    let r = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--revocation",
        "off",
        "--ntp",
        &ntp.addr(),
        "--device-clock",
        &show_clock,
        &cert,
    ]);
    assert_eq!(r.json["time"]["source"], "device-clock", "{}", r.stderr);
    // the device still sees the certificate as valid; NTP says expired
    let leaf = rules(&r.json, "/certificates/0/findings");
    assert!(!leaf.contains(&"validity.expired".to_string()), "{leaf:?}");
    assert!(leaf.contains(&"validity.near-edge".to_string()), "{leaf:?}");
    assert_eq!(
        rules(&r.json, "/findings"),
        ["time.device-clock-off", "time.device-clock-unsynchronized"]
    );
    let diff = r.json["time"]["device_clock"]["minus_ntp_seconds"]
        .as_f64()
        .unwrap();
    assert!((diff + 600.0).abs() < 3.0, "{diff}");
    let bad = pkiaudit(&[
        "check",
        "--device-clock",
        "12:00:00 IST Sat Nov 28 2026",
        &cert,
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--device-tz IST="), "{}", bad.stderr);
}

#[test]
fn time_subcommand_prints_the_servers_and_exits_by_skew() {
    let ok = FakeNtp::start(TimeDelta::zero());
    let r = pkiaudit(&["time", "--format", "json", "--ntp", &ok.addr()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json["command"], "time");
    assert!(r.json["ntp_time"].is_string());
    assert_eq!(r.json["time"]["ntp"]["samples"][0]["used"], true);
    let ahead = FakeNtp::start(TimeDelta::seconds(120));
    let r = pkiaudit(&["time", "--format", "json", "--ntp", &ahead.addr()]);
    assert_eq!(r.code, 1);
    assert_eq!(rules(&r.json, "/findings"), ["time.clock-skew"]);
    let r = pkiaudit(&["time", "--ntp-timeout", "0.3", "--ntp", &dead_port()]);
    assert_eq!(r.code, 2);
    let text = run::command()
        .args(["--color", "never", "time", "--ntp", &ok.addr()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&ok.addr()) && text.contains("NTP time") && text.contains("yes"),
        "{text}"
    );
    let none = pkiaudit(&["time"]);
    assert_eq!(none.code, 2);
}
