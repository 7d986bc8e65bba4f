//! A realistic estate, as certificate folders really look: an AD CS-style
//! root and two issuing CAs, a site/role tree with headend bundles and
//! client certificates stored alone, and beside them the private keys,
//! CSRs, READMEs, CRL copies and `.bak` files that such folders hold,
//! renewed certificates whose old file stayed, an unreachable CRL, a FIFO
//! and one truly corrupt `.pem`.
//!
//! A sweep of it must report exactly the planted problems, each once, and
//! nothing else (issue 17).

use crate::common::{http, run, sha256_hex, testkit};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use rcgen::{ExtendedKeyUsagePurpose as E, KeyUsagePurpose as K};
use serde_json::Value;
use testkit::{ymd, CertSpec, Issued};

pub const AT: &str = "2026-06-01";
pub const SITES: [&str; 3] = ["fra", "nyc", "sgp"];
/// Client certificates per site; `ESTATE_CLIENTS` (up to 250) makes a
/// larger estate for the figures in docs/sweeps.md.
fn clients_per_site() -> u8 {
    std::env::var("ESTATE_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

fn crl(ca: &Issued, serials: &[Vec<u8>]) -> Vec<u8> {
    let serials: Vec<&[u8]> = serials.iter().map(Vec::as_slice).collect();
    testkit::crl_revoking(ca, &serials, (2026, 5, 25), (2026, 6, 25), (2026, 5, 2))
}

/// What a problem planted in the estate looks like in a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Planted {
    /// A certificate expiring within --warn-days (a client's in 20 days, a
    /// cluster node's in 10): warning.
    Expiring,
    /// A client certificate that expired: critical.
    Expired,
    /// A revoked client certificate: critical.
    Revoked,
    /// An old certificate left beside its renewal: superseded, no alert.
    Superseded,
}

pub struct Estate {
    _dir: tempfile::TempDir,
    pub top: PathBuf,
    pub root: PathBuf,
    /// Certificate files with a planted problem: path relative to `top`.
    pub planted: BTreeMap<String, Planted>,
    /// The corrupt `.pem`, relative to `top`.
    pub corrupt: String,
    /// Files holding private keys, relative to `top`.
    pub keys: Vec<String>,
    /// The certificates whose CRL cannot be fetched (the sgp site's).
    pub unreachable_crl: String,
    pub unreachable_certs: usize,
    /// Distinct certificates in the estate.
    pub unique_certs: usize,
    /// The issuing CA of the fra and nyc sites, to renew with.
    pub ica1: Issued,
}

fn write(top: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = top.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn csr_pem(cn: &str) -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec![cn.to_string()]).unwrap();
    params.serialize_request(&key).unwrap().pem().unwrap()
}

/// Build the estate under a new temporary directory. CRLs are served over
/// HTTP on loopback; the sgp site's issuing CA publishes to a port nothing
/// listens on.
pub fn estate() -> Estate {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("estate");
    let (base, _hits, fill) = http::serve_later();
    // Nothing listens there: bound and dropped at once.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let root = Issued::root("Example Corp Root CA");
    let ica1 =
        root.issue(CertSpec::ca("Example Corp Issuing CA 1").cdp(&format!("{base}/root.crl")));
    let ica2 =
        root.issue(CertSpec::ca("Example Corp Issuing CA 2").cdp(&format!("{base}/root.crl")));
    let mut planted = BTreeMap::new();
    let mut keys = Vec::new();
    let mut revoked = Vec::new();
    let mut unique = 3usize;
    let mut unreachable_certs = 0;
    write(&top, "pki/root-ca.cer", root.der());
    write(&top, "pki/issuing-ca-1.cer", ica1.pem());
    write(&top, "pki/issuing-ca-2.cer", ica2.pem());
    write(
        &top,
        "pki/README.txt",
        "Corporate PKI. Root offline; issuing CAs publish CRLs hourly.\nContact: pki@example.com\n",
    );
    write(&top, "pki/root-ca.crl", crl(&root, &[]));
    for (s, site) in SITES.iter().enumerate() {
        let (ica, cdp) = if *site == "sgp" {
            (&ica2, format!("{dead}/ica2.crl"))
        } else {
            (&ica1, format!("{base}/ica1.crl"))
        };
        let host = format!("vpn-{site}.example.com");
        let headend = |valid: (i32, u8, u8), serial: u8| {
            ica.issue(
                CertSpec::leaf(&host)
                    .san_dns(&[&host])
                    .serial(&[0x40, s as u8, serial])
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ServerAuth])
                    .cdp(&cdp)
                    .valid(ymd((2026, 1, 10)), ymd(valid)),
            )
        };
        let hub = headend((2027, 6, 1), 1);
        let dirname = format!("sites/{site}/headend");
        let bundle = format!("{}{}", hub.pem(), ica.pem());
        write(&top, &format!("{dirname}/vpn-{site}.pem"), &bundle);
        // An identical backup: a duplicate, merged, not a problem.
        write(&top, &format!("{dirname}/vpn-{site}.pem.bak"), &bundle);
        write(
            &top,
            &format!("{dirname}/vpn-{site}.key"),
            hub.key.serialize_pem(),
        );
        keys.push(format!("{dirname}/vpn-{site}.key"));
        write(&top, &format!("{dirname}/vpn-{site}.csr"), csr_pem(&host));
        unique += 1;
        if *site == "sgp" {
            unreachable_certs += 1;
        }
        if *site == "nyc" {
            // The cluster's second headend: same name, its own key, renewed
            // on another schedule, in its own folder. It expires in 10
            // days and must say so, although vpn-nyc.pem (same subject and
            // SANs) is valid longer: it is not superseded.
            let node_b = ica.issue(
                CertSpec::leaf(&host)
                    .san_dns(&[&host])
                    .serial(&[0x42, s as u8, 2])
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ServerAuth])
                    .cdp(&cdp)
                    .valid(ymd((2025, 6, 11)), ymd((2026, 6, 11))),
            );
            let rel = format!("sites/{site}/headend-b/vpn-{site}.pem");
            write(&top, &rel, format!("{}{}", node_b.pem(), ica.pem()));
            planted.insert(rel, Planted::Expiring);
            unique += 1;
        }
        if *site == "fra" {
            // Last year's certificate, renewed, its file left in place: it
            // would expire in 12 days.
            let old = ica.issue(
                CertSpec::leaf(&host)
                    .san_dns(&[&host])
                    .serial(&[0x41, 0, 1])
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ServerAuth])
                    .cdp(&cdp)
                    .valid(ymd((2025, 6, 13)), ymd((2026, 6, 13))),
            );
            let rel = format!("{dirname}/vpn-{site}-2025.pem");
            write(&top, &rel, format!("{}{}", old.pem(), ica.pem()));
            planted.insert(rel, Planted::Superseded);
            unique += 1;
        }
        let clients = format!("sites/{site}/clients");
        write(
            &top,
            &format!("{clients}/README.md"),
            format!("# {site} client certificates\n\nRequested through the VPN-User template.\n"),
        );
        for i in 0..clients_per_site() {
            let cn = format!("user{i:02}.{site}@example.com");
            let serial = vec![0x50, s as u8, i + 1];
            let mut valid = (ymd((2026, 1, 5)), ymd((2027, 1, 5)));
            let rel = format!("{clients}/user{i:02}.cer");
            match (*site, i) {
                ("fra", 5) => {
                    valid.1 = ymd((2026, 6, 21));
                    planted.insert(rel.clone(), Planted::Expiring);
                }
                ("nyc", 7) => {
                    valid = (ymd((2025, 5, 1)), ymd((2026, 5, 20)));
                    planted.insert(rel.clone(), Planted::Expired);
                }
                ("nyc", 8) => {
                    revoked.push(serial.clone());
                    planted.insert(rel.clone(), Planted::Revoked);
                }
                _ => {}
            }
            let spec = |serial: &[u8], valid: (time::OffsetDateTime, time::OffsetDateTime)| {
                CertSpec::leaf(&cn)
                    .san_email(&cn)
                    .serial(serial)
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ClientAuth])
                    .cdp(&cdp)
                    .valid(valid.0, valid.1)
            };
            let cert = ica.issue(spec(&serial, valid));
            write(&top, &rel, cert.der());
            unique += 1;
            if *site == "sgp" {
                unreachable_certs += 1;
            }
            if (*site, i) == ("nyc", 3) {
                // The old certificate kept as .bak when it was renewed: it
                // expired a fortnight ago.
                let old = ica.issue(spec(
                    &[0x51, s as u8, i + 1],
                    (ymd((2025, 5, 18)), ymd((2026, 5, 18))),
                ));
                let rel = format!("{clients}/user{i:02}.cer.bak");
                write(&top, &rel, old.der());
                planted.insert(rel, Planted::Superseded);
                unique += 1;
            }
        }
    }
    let corrupt = "sites/sgp/headend/vpn-sgp-new.pem".to_string();
    write(
        &top,
        &corrupt,
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n",
    );
    #[cfg(unix)]
    {
        let fifo = top.join("sites/nyc/clients/incoming.pipe");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "mkfifo");
    }
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    files.insert("/root.crl".into(), crl(&root, &[]));
    files.insert("/ica1.crl".into(), crl(&ica1, &revoked));
    fill(files);
    Estate {
        root: top.join("pki/root-ca.cer"),
        top,
        planted,
        corrupt,
        keys,
        unreachable_crl: format!("{dead}/ica2.crl"),
        unreachable_certs,
        unique_certs: unique,
        ica1,
        _dir: dir,
    }
}

pub fn sweep(e: &Estate, cache: &Path, extra: &[&str]) -> Output {
    let mut cmd = run::online_without_ntp();
    cmd.args(["--color", "never", "sweep", "--at", AT, "--cache-dir"])
        .arg(cache)
        .arg("--trust")
        .arg(&e.root)
        .args(extra)
        .arg(&e.top);
    cmd.output().unwrap()
}

fn rel(e: &Estate, place: &str) -> String {
    let file = place.split(" #").next().unwrap();
    Path::new(file)
        .strip_prefix(&e.top)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| file.to_string())
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn file_kinds(e: &Estate, j: &Value) -> BTreeMap<String, String> {
    j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                rel(e, i["file"].as_str().unwrap()),
                i["file_kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Certificates not `ok`, by the file they were audited at: state.
fn not_ok(e: &Estate, j: &Value) -> BTreeMap<String, String> {
    j["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["state"] != "ok")
        .map(|c| {
            (
                rel(e, c["places"][0].as_str().unwrap()),
                c["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn superseded(e: &Estate, j: &Value) -> BTreeSet<String> {
    j["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["superseded_by"].is_null())
        .map(|c| rel(e, c["places"][0].as_str().unwrap()))
        .collect()
}

fn planted(e: &Estate, what: Planted) -> BTreeSet<String> {
    e.planted
        .iter()
        .filter(|(_, p)| **p == what)
        .map(|(f, _)| f.clone())
        .collect()
}

#[test]
fn a_sweep_of_a_realistic_estate_reports_exactly_the_planted_problems() {
    let e = estate();
    let cache = tempfile::tempdir().unwrap();
    let out = sweep(&e, cache.path(), &["--format", "json"]);
    // The corrupt .pem is an input error: exit 2, the rest still audited.
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = json(&out);
    // For the figures in docs/sweeps.md: ESTATE_DUMP=DIR keeps this run's
    // JSON and text, and with ESTATE_COMPARE=BINARY those of another
    // pkiaudit build on the same estate (same arguments).
    if let Ok(dump) = std::env::var("ESTATE_DUMP") {
        let dump = Path::new(&dump);
        std::fs::write(dump.join("new.json"), &out.stdout).unwrap();
        std::fs::write(dump.join("new.txt"), sweep(&e, cache.path(), &[]).stdout).unwrap();
        if let Ok(other) = std::env::var("ESTATE_COMPARE") {
            for (format, file) in [("json", "old.json"), ("text", "old.txt")] {
                let out = std::process::Command::new(&other)
                    .args(["--color", "never", "sweep", "--at", AT, "--format", format])
                    .arg("--cache-dir")
                    .arg(cache.path())
                    .arg("--trust")
                    .arg(&e.root)
                    .arg(&e.top)
                    .env_remove("PKIAUDIT_OFFLINE")
                    .output()
                    .unwrap();
                std::fs::write(dump.join(file), &out.stdout).unwrap();
            }
        }
    }
    assert_eq!(j["summary"]["unique"], e.unique_certs);

    // Every certificate's state: exactly the planted ones are not ok.
    let mut want: BTreeMap<String, String> = BTreeMap::new();
    for f in planted(&e, Planted::Expiring) {
        want.insert(f, "warning".into());
    }
    for f in planted(&e, Planted::Expired)
        .into_iter()
        .chain(planted(&e, Planted::Revoked))
    {
        want.insert(f, "critical".into());
    }
    assert_eq!(not_ok(&e, &j), want);
    // Renewed certificates whose old file stayed: superseded, each once,
    // naming the successor; they do not raise the state.
    assert_eq!(superseded(&e, &j), planted(&e, Planted::Superseded));
    assert_eq!(j["summary"]["superseded"], 2);
    for c in j["certificates"].as_array().unwrap() {
        if let Some(s) = c["superseded_by"].as_object() {
            let old = rel(&e, c["places"][0].as_str().unwrap());
            let new = rel(&e, s["place"].as_str().unwrap());
            assert_eq!(c["state"], "ok");
            assert!(
                old.starts_with(new.trim_end_matches(".cer").trim_end_matches(".pem")),
                "{old} superseded by {new}"
            );
        }
    }

    // Each file's kind; only the corrupt .pem is an input error.
    let kinds = file_kinds(&e, &j);
    for k in &e.keys {
        assert_eq!(kinds[k], "private-key", "{k}");
        assert_eq!(kinds[&k.replace(".key", ".csr")], "csr", "{k}");
    }
    assert_eq!(kinds["pki/README.txt"], "text");
    assert_eq!(kinds["sites/fra/clients/README.md"], "text");
    assert_eq!(kinds["pki/root-ca.crl"], "crl");
    assert_eq!(kinds["sites/nyc/clients/incoming.pipe"], "special");
    assert_eq!(kinds["sites/fra/headend/vpn-fra.pem.bak"], "certificates");
    let errors: BTreeSet<String> = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["errors"].as_array().unwrap().is_empty())
        .map(|i| rel(&e, i["file"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, BTreeSet::from([e.corrupt.clone()]));
    // ... and it says what is wrong in words, not parser internals.
    let corrupt = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["errors"].as_array().unwrap().is_empty())
        .unwrap();
    let why = corrupt["errors"][0].as_str().unwrap();
    assert!(
        why.contains("the data ends before the certificate does") && !why.contains("NomError"),
        "{why}"
    );

    // The sweep's own findings: one for the unreachable CRL (counting the
    // certificates it leaves unknown), one per private key file.
    let findings = j["findings"].as_array().unwrap();
    let unknown: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "revocation.unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{findings:#?}");
    assert_eq!(unknown[0]["certificates"], e.unreachable_certs);
    let m = unknown[0]["message"].as_str().unwrap();
    assert!(m.contains(&e.unreachable_crl), "{m}");
    assert!(m.contains("cannot connect: connection refused"), "{m}");
    let key_files: BTreeSet<String> = findings
        .iter()
        .filter(|f| f["rule"] == "file.private-key")
        .map(|f| rel(&e, f["files"][0].as_str().unwrap()))
        .collect();
    assert_eq!(key_files, e.keys.iter().cloned().collect());
    assert_eq!(findings.len(), 1 + e.keys.len(), "{findings:#?}");
    // No certificate row carries the unknown status as its own warning,
    // but each still says its status.
    let unknown_rows = j["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["revocation"] == "unknown")
        .count();
    assert_eq!(unknown_rows, e.unreachable_certs);

    // Warnings and criticals are exactly the planted problems: 4
    // certificates, the corrupt file, the CRL, the keys.
    let needs_action = not_ok(&e, &j).len() + errors.len() + findings.len();
    assert_eq!(needs_action, 4 + 1 + 1 + e.keys.len());

    // The same in the text a cron job mails: one screen.
    let text = sweep(&e, cache.path(), &[]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.lines().count() <= 40, "{text}");
    assert!(text.contains("CRITICAL (3):\n"), "{text}");
    assert!(text.contains("WARNING (6):\n"), "{text}");
    assert!(text.contains("Superseded (2):"), "{text}");
    for f in planted(&e, Planted::Superseded) {
        assert_eq!(text.matches(f.as_str()).count(), 1, "{f} once: {text}");
    }

    // And the Nagios line: one entry for the CRL, not eleven.
    let out = sweep(&e, cache.path(), &["--nagios"]);
    assert_eq!(out.status.code(), Some(2));
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.starts_with(&format!(
            "PKIAUDIT CRITICAL - {} certificates, 2 critical, 2 warning, 1 input error; critical: ",
            e.unique_certs
        )),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "; warning: revocation unknown for {} certificates (",
            e.unreachable_certs
        )),
        "{line}"
    );
    assert!(line.contains("findings=4;;;"), "{line}");
}

#[test]
fn rule_control_kinds_and_exclusions_quiet_the_estate() {
    let e = estate();
    let cache = tempfile::tempdir().unwrap();
    // The keys moved out of the sweep, the unreachable CRL known and
    // accepted (info), the expiring client certificate's warning off:
    // what is left is critical only; nothing disappears silently.
    let out = sweep(
        &e,
        cache.path(),
        &[
            "--format",
            "json",
            "--exclude",
            "*.key",
            "--severity",
            "revocation.unknown=info",
            "--ignore",
            "validity.expiring",
        ],
    );
    let j = json(&out);
    assert_eq!(
        j["findings"].as_array().unwrap().len(),
        0,
        "{:#}",
        j["findings"]
    );
    let excluded: BTreeSet<String> = j["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| rel(&e, x["file"].as_str().unwrap()))
        .collect();
    assert_eq!(excluded, e.keys.iter().cloned().collect());
    let states: BTreeSet<String> = not_ok(&e, &j).into_values().collect();
    assert_eq!(states, BTreeSet::from(["critical".to_string()]));
    assert!(
        j["summary"]["suppressed"].as_u64().unwrap() >= 1,
        "{:#}",
        j["summary"]
    );

    // An inventory says the same per target, with kinds: the headends are
    // what a headend sends, the clients stored, the pki directory the trust
    // store (anchors for the targets that name none).
    let inv = e.top.join("estate.toml");
    std::fs::write(
        &inv,
        r#"
exclude = ["*.key"]
severity = ["revocation.unknown=info"]

[[target]]
name = "pki"
paths = ["pki/"]
kind = "trust"

[[target]]
name = "headends"
paths = ["sites/*/headend/"]
profile = "flexvpn-server"
kind = "headend"

[[target]]
name = "clients"
paths = ["sites/*/clients/"]
profile = "flexvpn-client"
kind = "stored"
ignore = ["validity.expiring"]
"#,
    )
    .unwrap();
    let mut cmd = run::online_without_ntp();
    cmd.args([
        "--color",
        "never",
        "sweep",
        "--at",
        AT,
        "--format",
        "json",
        "--cache-dir",
    ])
    .arg(cache.path())
    .arg(&inv);
    let out = cmd.output().unwrap();
    let j = json(&out);
    let got: BTreeSet<String> = not_ok(&e, &j).into_keys().collect();
    let want: BTreeSet<String> = planted(&e, Planted::Expired)
        .into_iter()
        .chain(planted(&e, Planted::Revoked))
        .collect();
    assert_eq!(got, want, "{:#}", j["summary"]);
    // The headend bundles send leaf + issuing CA: complete, no sent-chain
    // finding; the clients verify through the pool's issuing CAs to the
    // trust target's root.
    for c in j["certificates"].as_array().unwrap() {
        if c["role"] == "end-entity" && c["superseded_by"].is_null() {
            assert_eq!(c["chain"], "verified", "{c:#}");
        }
        for f in c["findings"].as_array().unwrap() {
            assert!(
                !f["rule"].as_str().unwrap().starts_with("chain.sent"),
                "{c:#}"
            );
        }
    }

    // --quiet: nothing on standard output when nothing needs action.
    let quiet = |extra: &[&str]| {
        let mut cmd = run::online_without_ntp();
        cmd.args([
            "--color",
            "never",
            "sweep",
            "--at",
            AT,
            "--quiet",
            "--revocation",
            "off",
        ])
        .arg("--trust")
        .arg(&e.root)
        .arg("--untrusted")
        .arg(e.top.join("pki/issuing-ca-2.cer"))
        .args(extra)
        .arg(e.top.join("sites/sgp/clients"));
        cmd.output().unwrap()
    };
    let out = quiet(&[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = quiet(&["--warn-days", "400"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("WARNING ("));
}

#[test]
fn one_day_count_in_every_output() {
    // 20:00 on the audit day: the expired client certificate expired 12
    // days and 20 hours ago. Every output says 12.
    let e = estate();
    let cache = tempfile::tempdir().unwrap();
    let at = "2026-06-01T20:00:00Z";
    let args = |format: &str| -> Vec<String> {
        ["--at", at, "--revocation", "off", "--format", format]
            .map(String::from)
            .to_vec()
    };
    let run_with = |format: &str| {
        let mut cmd = run::online_without_ntp();
        cmd.args(["--color", "never", "sweep", "--cache-dir"])
            .arg(cache.path())
            .arg("--trust")
            .arg(&e.root)
            .arg("--untrusted")
            .arg(e.top.join("pki/issuing-ca-1.cer"))
            .args(args(format))
            .arg(e.top.join("sites/nyc/clients/user07.cer"));
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let j: Value = serde_json::from_str(&run_with("json")).unwrap();
    let c = &j["certificates"][0];
    assert_eq!(c["days_left"], -12);
    let finding = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "validity.expired")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(finding.contains("(12 days ago"), "{finding}");
    let text = run_with("text");
    assert!(text.contains("expired 12 days ago"), "{text}");
    let lines = run_with("jsonl");
    assert!(lines.contains("\"days_left\":-12"), "{lines}");
    // check says the same.
    let out = run::offline()
        .args(["check", "--at", at, "--format", "json"])
        .arg(e.top.join("sites/nyc/clients/user07.cer"))
        .output()
        .unwrap();
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["certificates"][0]["days_left"], -12);
}

#[test]
fn two_runs_with_state_record_a_baseline_then_the_change() {
    let e = estate();
    let cache = tempfile::tempdir().unwrap();
    let state = cache.path().join("state.json");
    let state_arg = state.to_str().unwrap().to_string();
    let first = sweep(&e, cache.path(), &["--state", &state_arg]);
    let text = String::from_utf8(first.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "Baseline recorded: {} certificates",
            e.unique_certs
        )),
        "{text}"
    );
    assert!(!text.contains("Changes since the last run"), "{text}");
    // The expired client certificate is renewed in place (new key, new
    // serial, same subject and e-mail SAN), and the revoked one removed.
    let cn = "user07.nyc@example.com";
    let renewed = e.ica1.issue(
        CertSpec::leaf(cn)
            .san_email(cn)
            .serial(&[0x52, 1, 8])
            .ku(&[K::DigitalSignature])
            .eku(&[E::ClientAuth])
            .valid(ymd((2026, 5, 25)), ymd((2027, 5, 25))),
    );
    std::fs::write(e.top.join("sites/nyc/clients/user07.cer"), renewed.der()).unwrap();
    std::fs::remove_file(e.top.join("sites/nyc/clients/user08.cer")).unwrap();
    let second = sweep(
        &e,
        cache.path(),
        &["--state", &state_arg, "--format", "json"],
    );
    let j = json(&second);
    let d = &j["diff"];
    assert_eq!(d["baseline"], false);
    assert_eq!(d["gone"].as_array().unwrap().len(), 1, "{d:#}");
    assert!(
        d["gone"][0][1].as_str().unwrap().contains("user08.nyc"),
        "{d:#}"
    );
    assert_eq!(d["new"].as_array().unwrap().len(), 0, "{d:#}");
    assert_eq!(d["renewed"].as_array().unwrap().len(), 1, "{d:#}");
    assert_eq!(d["renewed"][0][1], sha256_hex(&renewed.der()), "{d:#}");
    // The expired one was critical; its renewal is ok, the revoked one is
    // gone: no certificate is critical any more.
    assert_eq!(j["summary"]["critical"], 0, "{:#}", j["summary"]);
}

fn aia_ca_issuers(url: &str) -> Vec<u8> {
    use yasna::models::ObjectIdentifier;
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_sequence(|w| {
                w.next()
                    .write_oid(&ObjectIdentifier::from_slice(&[1, 3, 6, 1, 5, 5, 7, 48, 2]));
                w.next()
                    .write_tagged_implicit(yasna::Tag::context(6), |w| w.write_ia5_string(url));
            });
        })
    })
}

#[test]
fn a_stored_leaf_whose_issuer_is_missing_gets_it_from_aia_ca_issuers() {
    // The issuing CA is not in the inventory; the leaf names where it is
    // published (AIA caIssuers). The sweep fetches it (once, through the
    // cache) as an untrusted intermediate; the path verifies to --trust.
    let (base, hits, fill) = http::serve_later();
    let root = Issued::root("AIA Root CA");
    let ica = root.issue(CertSpec::ca("AIA Issuing CA"));
    let leaf = ica.issue(
        CertSpec::leaf("client.example.com")
            .san_dns(&["client.example.com"])
            .ku(&[K::DigitalSignature])
            .eku(&[E::ClientAuth])
            .raw_extension(
                &[1, 3, 6, 1, 5, 5, 7, 1, 1],
                false,
                aia_ca_issuers(&format!("{base}/ica.cer")),
            ),
    );
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    files.insert("/ica.cer".into(), ica.der());
    fill(files);
    let dir = tempfile::tempdir().unwrap();
    let stored = dir.path().join("stored");
    std::fs::create_dir(&stored).unwrap();
    std::fs::write(stored.join("client.cer"), leaf.der()).unwrap();
    let root_pem = dir.path().join("root.pem");
    std::fs::write(&root_pem, root.pem()).unwrap();
    let cache = dir.path().join("cache");
    let sweep = |extra: &[&str]| {
        let mut cmd = run::online_without_ntp();
        cmd.args([
            "sweep",
            "--at",
            AT,
            "--revocation",
            "crl",
            "--format",
            "json",
        ])
        .arg("--cache-dir")
        .arg(&cache)
        .arg("--trust")
        .arg(&root_pem)
        .args(extra)
        .arg(&stored);
        json(&cmd.output().unwrap())
    };
    let j = sweep(&[]);
    let c = &j["certificates"][0];
    assert_eq!(c["chain"], "verified", "{c:#}");
    let aia: Vec<&Value> = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file_kind"] == "aia-issuers")
        .collect();
    assert_eq!(aia.len(), 1, "{:#}", j["inputs"]);
    assert_eq!(aia[0]["file"], format!("{base}/ica.cer"));
    let fetched = *hits.lock().unwrap();
    assert_eq!(fetched, 1);
    // Again: from the cache, not the network.
    let j = sweep(&[]);
    assert_eq!(j["certificates"][0]["chain"], "verified");
    assert_eq!(*hits.lock().unwrap(), fetched);
    // Offline and without a cache the issuer cannot be had: the chain
    // fails, and the input row says why.
    let mut cmd = run::offline();
    cmd.args(["sweep", "--at", AT, "--format", "json", "--no-cache"])
        .arg("--trust")
        .arg(&root_pem)
        .arg(&stored);
    let j = json(&cmd.output().unwrap());
    assert_eq!(
        j["certificates"][0]["chain"], "failed",
        "{:#}",
        j["certificates"][0]
    );
    let note = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file_kind"] == "unreachable")
        .map(|i| i["notes"][0].as_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(note.contains("--offline"), "{:#}", j["inputs"]);
}

#[test]
fn a_trust_kind_input_anchors_only_ca_certificates() {
    // A leaf whose issuer is nowhere: as `--kind trust` (check) or in a
    // `kind = "trust"` target (sweep) it is audited, but it does not become
    // its own anchor. A false "verified" here is the worst kind of bug.
    let root = Issued::root("Absent Root CA");
    let leaf = root.issue(
        CertSpec::leaf("lonely.example.com")
            .san_dns(&["lonely.example.com"])
            .ku(&[K::DigitalSignature])
            .eku(&[E::ServerAuth]),
    );
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    std::fs::write(store.join("leaf.pem"), leaf.pem()).unwrap();
    let out = run::offline()
        .args(["check", "--kind", "trust", "--at", AT, "--format", "json"])
        .arg(store.join("leaf.pem"))
        .output()
        .unwrap();
    let j = json(&out);
    assert_ne!(
        j["certificates"][0]["chain"]["status"], "verified",
        "{:#}",
        j["certificates"][0]["chain"]
    );
    let inv = dir.path().join("inv.toml");
    std::fs::write(&inv, "[[target]]\npaths = [\"store/\"]\nkind = \"trust\"\n").unwrap();
    let out = run::offline()
        .args(["sweep", "--at", AT, "--format", "json"])
        .arg(&inv)
        .output()
        .unwrap();
    let j = json(&out);
    assert_ne!(
        j["certificates"][0]["chain"], "verified",
        "{:#}",
        j["certificates"][0]
    );
}
