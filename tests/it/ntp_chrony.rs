//! `pkiaudit::time::ntp::query` against real chronyd servers on loopback.
//! Needs the Debian package `chrony` (chronyd 4.3 was used). chronyd runs
//! with `-x` (it never touches the system clock), on an unprivileged port
//! bound to 127.0.0.1, with a `local stratum 8` reference and no sources, so
//! it serves the machine's own clock.

use crate::common::run;

use std::fs;
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use chrono::Utc;
use pkiaudit::time::ntp::{query, Sample};

/// chronyd on 127.0.0.1:port; killed (and waited for) on drop, so it goes
/// away even when an assertion fails.
struct Chronyd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Chronyd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A UDP port that was free a moment ago.
fn free_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

impl Chronyd {
    fn start() -> Chronyd {
        let dir = tempfile::tempdir().unwrap();
        let port = free_udp_port();
        let d = dir.path().display();
        let conf = format!(
            "port {port}\n\
             bindaddress 127.0.0.1\n\
             allow 127.0.0.1\n\
             local stratum 8\n\
             cmdport 0\n\
             pidfile {d}/chronyd.pid\n\
             driftfile {d}/drift\n"
        );
        let conf_path = dir.path().join("chrony.conf");
        fs::write(&conf_path, conf).unwrap();
        let log = fs::File::create(dir.path().join("chronyd.log")).unwrap();
        let log_err = log.try_clone().unwrap();

        let mut cmd = Command::new("chronyd");
        // -x: leave the system clock alone; -d: foreground, log to stderr.
        cmd.arg("-x").arg("-d").arg("-f").arg(&conf_path);
        if running_as_root() {
            // Otherwise chronyd drops to _chrony, which cannot write into
            // the root-owned temporary directory.
            cmd.args(["-u", "root"]);
        } else {
            // Skip the root check: this configuration needs no privileges.
            cmd.arg("-U");
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .expect("start chronyd (apt-get install chrony)");
        Chronyd { child, port, dir }
    }

    fn spec(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn log(&self) -> String {
        fs::read_to_string(Path::new(self.dir.path()).join("chronyd.log")).unwrap_or_default()
    }

    /// Poll until chronyd answers with a usable reply; panics (with the log)
    /// if it exits or does not get there within 20 s.
    fn wait_until_serving(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chronyd exited with {status}:\n{}", self.log());
            }
            let report = query(&[self.spec()], Duration::from_millis(500));
            let last: Sample = report.samples[0].clone();
            if last.used {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "chronyd on {} never gave a usable answer; last: {last:?}\n{}",
                    self.spec(),
                    self.log()
                );
            }
            thread::sleep(Duration::from_millis(200));
        }
    }
}

fn assert_local_stratum_8(s: &Sample, spec: &str) {
    assert_eq!(s.server, spec);
    assert_eq!(s.address.as_deref(), Some(spec));
    assert!(s.used, "{s:?}");
    assert!(s.reason.is_none(), "{s:?}");
    // `local stratum 8` is served as stratum 8, with chrony's refid for its
    // local reference (0x7F7F0101) and zero root delay and dispersion.
    assert_eq!(s.stratum, Some(8), "{s:?}");
    assert_eq!(s.leap, Some(0), "{s:?}");
    assert_eq!(s.reference_id.as_deref(), Some("127.127.1.1"), "{s:?}");
    assert_eq!(s.root_delay_seconds, Some(0.0), "{s:?}");
    assert_eq!(s.root_dispersion_seconds, Some(0.0), "{s:?}");
    // Same machine, same clock.
    let offset = s.offset_seconds.unwrap();
    assert!(offset.abs() < 1.0, "{s:?}");
    assert!(s.delay_seconds.unwrap() >= 0.0, "{s:?}");
}

#[test]
#[ignore = "needs chronyd (apt-get install chrony)"]
fn chronyd_local_stratum_8_is_used() {
    let mut server = Chronyd::start();
    server.wait_until_serving();

    let spec = server.spec();
    let report = query(std::slice::from_ref(&spec), Duration::from_secs(2));
    assert_eq!(report.samples.len(), 1);
    assert_local_stratum_8(&report.samples[0], &spec);

    let offset = report.offset_seconds.unwrap();
    assert!(offset.abs() < 1.0, "{report:?}");
    // Floor of the error bound: max(10 ms, delay) / 2.
    let uncertainty = report.uncertainty_seconds.unwrap();
    assert!((0.005..1.0).contains(&uncertainty), "{report:?}");
    let time = report.time.unwrap();
    assert!(
        (time - Utc::now()).num_milliseconds().abs() < 1000,
        "{report:?}"
    );
}

#[test]
#[ignore = "needs chronyd (apt-get install chrony)"]
fn two_agreeing_chronyd_are_both_used() {
    let mut a = Chronyd::start();
    let mut b = Chronyd::start();
    a.wait_until_serving();
    b.wait_until_serving();

    let servers = [a.spec(), b.spec()];
    let report = query(&servers, Duration::from_secs(2));
    assert_eq!(report.samples.len(), 2);
    for (sample, spec) in report.samples.iter().zip(&servers) {
        assert_local_stratum_8(sample, spec);
    }
    assert!(report.offset_seconds.unwrap().abs() < 1.0, "{report:?}");
    assert!(report.time.is_some(), "{report:?}");
}

#[test]
#[ignore = "needs chronyd (apt-get install chrony)"]
fn two_chronyd_and_a_dead_port_still_have_a_majority() {
    let mut a = Chronyd::start();
    let mut b = Chronyd::start();
    a.wait_until_serving();
    b.wait_until_serving();

    let dead = format!("127.0.0.1:{}", free_udp_port());
    let servers = [a.spec(), dead.clone(), b.spec()];
    let report = query(&servers, Duration::from_millis(500));
    let used: Vec<bool> = report.samples.iter().map(|s| s.used).collect();
    assert_eq!(used, [true, false, true], "{report:?}");
    let reason = report.samples[1].reason.as_deref().unwrap();
    assert!(reason.starts_with("no answer"), "{reason}");
    assert!(report.offset_seconds.unwrap().abs() < 1.0, "{report:?}");
}

/// The "done when": `check --ntp` against the test chronyd gives
/// the same verdict as `--at` with chronyd's time, and the report names
/// the source and the offset. The certificate expires in 10 days (within
/// --warn-days 30, so the verdict is not a trivial pass).
#[test]
#[ignore = "needs chronyd (apt-get install chrony)"]
fn check_with_ntp_matches_check_at_chronyd_time() {
    let mut server = Chronyd::start();
    server.wait_until_serving();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("leaf.pem");
    let to_time = |t: chrono::DateTime<Utc>| {
        time::OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap()
    };
    let root = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).unwrap();
    params.not_before = to_time(Utc::now() - chrono::TimeDelta::days(300));
    params.not_after = to_time(Utc::now() + chrono::TimeDelta::days(10));
    fs::write(&cert, params.self_signed(&root).unwrap().pem()).unwrap();
    let run = |args: &[&str]| {
        let out = run::command()
            .env_remove("PKIAUDIT_OFFLINE")
            .args(["check", "--format", "json", "--revocation", "off"])
            .args(args)
            .arg(&cert)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), json)
    };
    let (code, ntp) = run(&["--ntp", &server.spec()]);
    assert_eq!(ntp["time"]["source"], "ntp", "{}", ntp["time"]);
    let offset = ntp["time"]["local_clock_minus_ntp_seconds"]
        .as_f64()
        .unwrap();
    assert!(offset.abs() < 1.0, "{offset}");
    assert_eq!(ntp["time"]["ntp"]["samples"][0]["stratum"], 8);
    let instant = ntp["time"]["instant"].as_str().unwrap().to_string();
    let (code_at, at) = run(&["--at", &instant]);
    assert_eq!(at["time"]["source"], "given");
    assert_eq!(code, code_at);
    assert_eq!(ntp["verdict"], at["verdict"]);
    assert_eq!(ntp["verdict"], "warn");
    let rules = |doc: &serde_json::Value| -> Vec<String> {
        doc["certificates"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule"], f["message"]))
            .collect()
    };
    assert_eq!(rules(&ntp), rules(&at));
}
