//! `pkiaudit sweep` over a generated inventory with planted problems, CRLs
//! served over real HTTP on loopback: the sweep reports exactly the planted
//! problems (expired, expiring, revoked, broken chain, unreadable file) and
//! nothing else, in every output format; counts add up; duplicates list
//! every place; `--state` tells renewals from new certificates; `--nagios`
//! follows the monitoring-plugin convention.

use crate::common::{http, run, testkit};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rcgen::{ExtendedKeyUsagePurpose as E, Issuer, KeyUsagePurpose as K};
use serde_json::Value;
use testkit::{ymd, CertSpec, Issued};

const AT: &str = "2026-06-01";

fn crl(ca: &Issued, serials: &[Vec<u8>]) -> Vec<u8> {
    let serials: Vec<&[u8]> = serials.iter().map(Vec::as_slice).collect();
    testkit::crl_revoking(ca, &serials, (2026, 5, 1), (2026, 7, 1), (2026, 4, 1))
}

/// The planted problems, by file name.
struct Inventory {
    _dir: tempfile::TempDir,
    root: PathBuf,
    leaves: PathBuf,
    /// file name → what is wrong with it
    planted: BTreeMap<String, &'static str>,
    /// subject CN → file name, for every leaf
    cn_file: BTreeMap<String, String>,
    hits: std::sync::Arc<std::sync::Mutex<usize>>,
}

/// A root, two intermediates (CRLs from the root), 24 leaves in bundles
/// (leaf + intermediate, as headends keep them), and planted: one expired,
/// one expiring in 20 days (warning), one expiring in 3 days (critical),
/// one revoked, one with a broken chain (same issuer name, other key), one
/// unreadable file, and one leaf stored twice (a duplicate, not a problem).
fn inventory() -> Inventory {
    let dir = tempfile::tempdir().unwrap();
    let root = Issued::root("Sweep Root");
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    // The certificates name the server's URL: bind it first, fill it last.
    let (base, hits, fill) = http::serve_later();
    let ica: Vec<Issued> = (0..2)
        .map(|k| {
            root.issue(
                CertSpec::ca(&format!("Sweep Issuing CA {k}")).cdp(&format!("{base}/root.crl")),
            )
        })
        .collect();
    files.insert("/root.crl".into(), crl(&root, &[]));
    let leaves = dir.path().join("leaves");
    std::fs::create_dir_all(&leaves).unwrap();
    let mut planted = BTreeMap::new();
    let mut cn_file = BTreeMap::new();
    let mut revoked: Vec<Vec<Vec<u8>>> = vec![Vec::new(), Vec::new()];
    let impostor = Issued::self_signed(CertSpec::ca("Sweep Issuing CA 1"));
    for i in 0..24u8 {
        let k = usize::from(i % 2);
        let cn = format!("vpn{i}.example.com");
        let serial = vec![0x10, i + 1];
        let mut spec = CertSpec::leaf(&cn)
            .san_dns(&[&cn])
            .serial(&serial)
            .ku(&[K::DigitalSignature])
            .eku(&[E::ServerAuth])
            .cdp(&format!("{base}/ica{k}.crl"));
        let file = format!("leaf-{i:02}.pem");
        let issuer = match i {
            3 => {
                spec = spec.valid(ymd((2025, 1, 1)), ymd((2026, 3, 1)));
                planted.insert(file.clone(), "expired");
                &ica[k]
            }
            5 => {
                spec = spec.valid(ymd((2025, 1, 1)), ymd((2026, 6, 21)));
                planted.insert(file.clone(), "expiring");
                &ica[k]
            }
            7 => {
                spec = spec.valid(ymd((2025, 1, 1)), ymd((2026, 6, 4)));
                planted.insert(file.clone(), "expiring-critical");
                &ica[k]
            }
            8 => {
                revoked[k].push(serial.clone());
                planted.insert(file.clone(), "revoked");
                &ica[k]
            }
            9 => {
                planted.insert(file.clone(), "broken-chain");
                &impostor
            }
            _ => &ica[k],
        };
        let leaf = issuer.issue(spec);
        let bundle = format!("{}{}", leaf.pem(), ica[k].pem());
        std::fs::write(leaves.join(&file), &bundle).unwrap();
        if i == 12 {
            // the same certificate kept twice
            std::fs::write(leaves.join("copy-of-leaf-12.pem"), &bundle).unwrap();
        }
        cn_file.insert(cn, file);
    }
    for (k, ca) in ica.iter().enumerate() {
        files.insert(format!("/ica{k}.crl"), crl(ca, &revoked[k]));
    }
    std::fs::write(
        leaves.join("unreadable.pem"),
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
    )
    .unwrap();
    planted.insert("unreadable.pem".into(), "unreadable");
    fill(files);
    let root_pem = dir.path().join("root.pem");
    std::fs::write(&root_pem, root.pem()).unwrap();
    Inventory {
        root: root_pem,
        leaves,
        planted,
        cn_file,
        hits,
        _dir: dir,
    }
}

fn pkiaudit(args: &[&str]) -> Output {
    run::online_without_ntp()
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

fn sweep(inv: &Inventory, cache: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        "--at",
        AT,
        "--cache-dir",
        cache.to_str().unwrap(),
        "--trust",
        inv.root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(inv.leaves.to_str().unwrap());
    pkiaudit(&args)
}

fn file_of(place: &str) -> String {
    Path::new(place.split(" #").next().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The planted problems as the JSON report shows them: file → problem.
fn problems_in(json: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in json["certificates"].as_array().unwrap() {
        if c["state"] == "ok" {
            continue;
        }
        let rules: BTreeSet<&str> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        let what = if c["revoked"] == true {
            "revoked"
        } else if c["expired"] == true {
            "expired"
        } else if c["chain"] == "failed" && rules.contains("chain.signature.invalid") {
            "broken-chain"
        } else if c["state"] == "critical" && c["days_left"].as_i64().unwrap() < 7 {
            "expiring-critical"
        } else if c["state"] == "warning" && rules == BTreeSet::from(["validity.expiring"]) {
            "expiring"
        } else {
            "UNEXPECTED"
        };
        let place = c["places"][0].as_str().unwrap();
        out.insert(file_of(place), format!("{what} {rules:?}"));
    }
    for i in json["inputs"].as_array().unwrap() {
        if !i["errors"].as_array().unwrap().is_empty() {
            out.insert(file_of(i["file"].as_str().unwrap()), "unreadable".into());
        }
    }
    out
}

#[test]
fn sweep_reports_exactly_the_planted_problems_in_every_format() {
    let inv = inventory();
    let cache = tempfile::tempdir().unwrap();
    let out = sweep(&inv, cache.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "an unreadable input: exit 2");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = problems_in(&json);
    let kinds: BTreeMap<String, String> = found
        .iter()
        .map(|(f, p)| (f.clone(), p.split(' ').next().unwrap().to_string()))
        .collect();
    let expected: BTreeMap<String, String> = inv
        .planted
        .iter()
        .map(|(f, p)| (f.clone(), p.to_string()))
        .collect();
    assert_eq!(kinds, expected, "{found:#?}");
    // counts add up
    let s = &json["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("inputs"), 26);
    assert_eq!(n("inputs_with_errors"), 1);
    // 24 leaves + the intermediates in each bundle (24) + the copy (2)
    assert_eq!(n("certificates_found"), 50);
    assert_eq!(n("unique"), 24 + 2, "24 leaves and the 2 issuing CAs");
    assert_eq!(n("certificates_found"), n("unique") + n("duplicates"));
    assert_eq!(n("unique"), n("ok") + n("warning") + n("critical"));
    assert_eq!(n("unique"), n("pass") + n("warn") + n("fail"));
    assert_eq!(n("expired"), 1);
    assert_eq!(n("revoked"), 1);
    assert_eq!(json["state"], "critical");
    // the duplicate lists both places
    let twelve = json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject"].as_str().unwrap().contains("vpn12."))
        .unwrap();
    let places: BTreeSet<String> = twelve["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| file_of(p.as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        BTreeSet::from(["copy-of-leaf-12.pem".to_string(), "leaf-12.pem".to_string()])
    );
    // every good leaf's revocation was checked against its CA's CRL
    assert!(json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "end-entity" && c["chain"] == "verified")
        .all(|c| c["revocation"] == "good" || c["revocation"] == "revoked"));
    // each CRL fetched once: root.crl, ica0.crl, ica1.crl
    assert_eq!(*inv.hits.lock().unwrap(), 3);

    // soonest expiry first
    let afters: Vec<i64> = json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["not_after_unix"].as_i64().unwrap())
        .collect();
    assert!(afters.windows(2).all(|w| w[0] <= w[1]));

    // JSON lines: the same certificates, the input error, a summary
    let out = sweep(&inv, cache.path(), &["--format", "jsonl"]);
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let certs: Vec<&Value> = lines
        .iter()
        .filter(|l| l["kind"] == "certificate")
        .collect();
    assert_eq!(certs.len(), 26);
    let bad: Vec<&Value> = certs
        .iter()
        .copied()
        .filter(|c| c["state"] != "ok")
        .collect();
    assert_eq!(bad.len(), 5);
    assert_eq!(
        lines.iter().filter(|l| l["kind"] == "input-error").count(),
        1
    );
    assert_eq!(lines.last().unwrap()["kind"], "summary");
    // the warm cache: no new download
    assert_eq!(*inv.hits.lock().unwrap(), 3, "served from the cache");

    // text: the problems, soonest first, and nothing else needs action
    let out = sweep(&inv, cache.path(), &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    for (cn, file) in &inv.cn_file {
        let planted = inv.planted.contains_key(file);
        let shown = text.contains(&format!("CN={cn} "));
        assert_eq!(shown, planted, "{cn} ({file}) in the text report: {text}");
    }
    assert!(text.contains("unreadable.pem"), "{text}");

    // JUnit: one failure per critical certificate, one error per bad input
    let out = sweep(&inv, cache.path(), &["--format", "junit"]);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 26 + 1);
    assert_eq!(xml.matches("<failure ").count(), 4, "{xml}");
    assert_eq!(xml.matches("<error ").count(), 1);

    // Prometheus: the planted certificates by their metrics
    let prom_file = cache.path().join("pkiaudit.prom");
    let out = sweep(
        &inv,
        cache.path(),
        &[
            "--format",
            "prometheus",
            "--output",
            prom_file.to_str().unwrap(),
        ],
    );
    assert!(out.stdout.is_empty(), "the report went to --output");
    let prom = std::fs::read_to_string(&prom_file).unwrap();
    let value_of = |metric: &str, cn: &str| -> f64 {
        prom.lines()
            .find(|l| l.starts_with(&format!("{metric}{{")) && l.contains(&format!("CN={cn}\"")))
            .unwrap_or_else(|| panic!("{metric} for {cn}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(value_of("pkiaudit_cert_expired", "vpn3.example.com"), 1.0);
    assert_eq!(value_of("pkiaudit_cert_expired", "vpn4.example.com"), 0.0);
    assert_eq!(value_of("pkiaudit_cert_revoked", "vpn8.example.com"), 1.0);
    assert_eq!(value_of("pkiaudit_cert_revoked", "vpn4.example.com"), 0.0);
    assert_eq!(value_of("pkiaudit_cert_state", "vpn9.example.com"), 2.0);
    assert_eq!(value_of("pkiaudit_cert_state", "vpn5.example.com"), 1.0);
    assert_eq!(value_of("pkiaudit_cert_state", "vpn4.example.com"), 0.0);
}

/// The Prometheus output of a real sweep parses with Python's
/// prometheus_client (the parser node_exporter-compatible tooling uses),
/// with the planted certificates' values.
#[test]
#[ignore = "needs python3 with prometheus_client (pip install prometheus_client)"]
fn prometheus_output_parses_with_prometheus_client() {
    let inv = inventory();
    let cache = tempfile::tempdir().unwrap();
    let prom_file = cache.path().join("pkiaudit.prom");
    sweep(
        &inv,
        cache.path(),
        &[
            "--format",
            "prometheus",
            "--output",
            prom_file.to_str().unwrap(),
        ],
    );
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in fam.samples:
        if s.name in ("pkiaudit_cert_expired", "pkiaudit_cert_revoked", "pkiaudit_cert_state"):
            cn = s.labels["subject"].split("CN=")[-1]
            out.setdefault(s.name, {})[cn] = s.value
        elif s.name == "pkiaudit_sweep_certificates":
            out[s.name] = s.value
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&prom_file)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pkiaudit_sweep_certificates"], 26.0);
    let expired: BTreeSet<String> = v["pkiaudit_cert_expired"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, x)| x.as_f64() == Some(1.0))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(expired, BTreeSet::from(["vpn3.example.com".to_string()]));
    let revoked: BTreeSet<String> = v["pkiaudit_cert_revoked"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, x)| x.as_f64() == Some(1.0))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(revoked, BTreeSet::from(["vpn8.example.com".to_string()]));
    assert_eq!(v["pkiaudit_cert_state"].as_object().unwrap().len(), 26);
}

#[test]
fn nagios_mode_and_exit_codes() {
    let inv = inventory();
    let cache = tempfile::tempdir().unwrap();
    let out = sweep(&inv, cache.path(), &["--nagios"]);
    assert_eq!(out.status.code(), Some(2), "CRITICAL");
    let line = String::from_utf8(out.stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("PKIAUDIT CRITICAL"), "{line}");
    assert!(line.contains(" | "), "perfdata: {line}");
    // only good certificates: OK / exit 0; the warning one: WARNING / 1
    let dir = tempfile::tempdir().unwrap();
    for (name, keep) in [
        ("ok", vec!["leaf-00.pem", "leaf-01.pem"]),
        ("warn", vec!["leaf-00.pem", "leaf-05.pem"]),
    ] {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        for f in keep {
            std::fs::copy(inv.leaves.join(f), sub.join(f)).unwrap();
        }
        let out = pkiaudit(&[
            "sweep",
            "--nagios",
            "--at",
            AT,
            "--cache-dir",
            cache.path().to_str().unwrap(),
            "--trust",
            inv.root.to_str().unwrap(),
            sub.to_str().unwrap(),
        ]);
        let line = String::from_utf8(out.stdout).unwrap();
        match name {
            "ok" => {
                assert_eq!(out.status.code(), Some(0), "{line}");
                assert!(line.starts_with("PKIAUDIT OK"), "{line}");
            }
            _ => {
                assert_eq!(out.status.code(), Some(1), "{line}");
                assert!(line.starts_with("PKIAUDIT WARNING"), "{line}");
                // without --nagios: exit 0 at --fail-on error, 1 at warning
                let plain = |fail_on: &str| {
                    pkiaudit(&[
                        "sweep",
                        "--fail-on",
                        fail_on,
                        "--at",
                        AT,
                        "--cache-dir",
                        cache.path().to_str().unwrap(),
                        "--trust",
                        inv.root.to_str().unwrap(),
                        sub.to_str().unwrap(),
                    ])
                    .status
                    .code()
                };
                assert_eq!(plain("error"), Some(0));
                assert_eq!(plain("warning"), Some(1));
            }
        }
    }
    // the sweep itself cannot run: UNKNOWN, exit 3
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[target]\n").unwrap();
    let out = pkiaudit(&["sweep", "--nagios", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("PKIAUDIT UNKNOWN"));
}

/// `--state`: the first run sees everything as new; replacing a
/// certificate with a renewal (same subject and key, new serial) is a
/// renewal, not gone + new; a removed one is gone; a verdict change shows.
#[test]
fn state_file_tells_renewals_from_new_and_gone() {
    let dir = tempfile::tempdir().unwrap();
    let root = Issued::root("State Root");
    let inv = dir.path().join("inv");
    std::fs::create_dir_all(&inv).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let leaf = |cn: &str, serial: u8, until: (i32, u8, u8)| {
        let spec = CertSpec::leaf(cn)
            .san_dns(&[cn])
            .serial(&[serial])
            .ku(&[K::DigitalSignature])
            .valid(ymd((2025, 1, 1)), ymd(until));
        let params = spec.params();
        let issuer = Issuer::from_params(&root.params, &root.key);
        params.signed_by(&key, &issuer).unwrap().pem()
    };
    std::fs::write(inv.join("a.pem"), leaf("a.example.com", 1, (2026, 6, 20))).unwrap();
    std::fs::write(inv.join("b.pem"), leaf("b.example.com", 2, (2030, 1, 1))).unwrap();
    let root_pem = dir.path().join("root.pem");
    std::fs::write(&root_pem, root.pem()).unwrap();
    let state = dir.path().join("state.json");
    let run = || {
        let out = pkiaudit(&[
            "sweep",
            "--format",
            "json",
            "--revocation",
            "off",
            "--at",
            AT,
            "--state",
            state.to_str().unwrap(),
            "--trust",
            root_pem.to_str().unwrap(),
            inv.to_str().unwrap(),
        ]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = run();
    // The first run records a baseline: nothing is reported as new.
    assert_eq!(first["diff"]["baseline"], true, "{}", first["diff"]);
    assert_eq!(first["diff"]["new"].as_array().unwrap().len(), 0);
    assert!(state.exists());
    // a renewed (same key, new serial, later expiry), b removed, c added
    std::fs::write(inv.join("a.pem"), leaf("a.example.com", 3, (2031, 1, 1))).unwrap();
    std::fs::remove_file(inv.join("b.pem")).unwrap();
    std::fs::write(inv.join("c.pem"), leaf("c.example.com", 4, (2030, 1, 1))).unwrap();
    let second = run();
    let d = &second["diff"];
    assert_eq!(d["renewed"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["gone"].as_array().unwrap().len(), 1, "{d}");
    assert!(d["gone"][0][1].as_str().unwrap().contains("b.example.com"));
    assert_eq!(d["new"].as_array().unwrap().len(), 1, "{d}");
    // c's verdict changes when it is about to expire: same certificate, state moves
    let third = {
        let out = pkiaudit(&[
            "sweep",
            "--format",
            "json",
            "--revocation",
            "off",
            "--at",
            "2029-12-30",
            "--state",
            state.to_str().unwrap(),
            "--trust",
            root_pem.to_str().unwrap(),
            inv.to_str().unwrap(),
        ]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let changed = third["diff"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{}", third["diff"]);
    assert_eq!(changed[0][1], "ok");
    assert_eq!(changed[0][2], "critical");
    // a corrupt state file is an error, not a silent reset
    std::fs::write(&state, b"{garbage").unwrap();
    let out = pkiaudit(&[
        "sweep",
        "--revocation",
        "off",
        "--at",
        AT,
        "--state",
        state.to_str().unwrap(),
        inv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("state file"));
}

/// An inventory file: targets with their own profile, host and labels;
/// labels reach the rows; a pattern matching nothing is an input error.
#[test]
fn inventory_file_targets_and_labels() {
    let inv = inventory();
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("estate.toml");
    std::fs::write(
        &toml,
        format!(
            r#"
trust = ["{root}"]
labels = {{ owner = "netops" }}

[[target]]
name = "hub1"
paths = ["{leaves}/leaf-0[01].pem", "{leaves}/nothing-*.pem"]
profile = "anyconnect-server"
host = "vpn0.example.com"
labels = {{ site = "fra", device = "hub1" }}
"#,
            root = inv.root.display(),
            leaves = inv.leaves.display()
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let out = pkiaudit(&[
        "sweep",
        "--format",
        "json",
        "--at",
        AT,
        "--cache-dir",
        cache.path().to_str().unwrap(),
        toml.to_str().unwrap(),
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["certificates"].as_array().unwrap();
    let leaves: Vec<&Value> = rows.iter().filter(|c| c["role"] == "end-entity").collect();
    assert_eq!(leaves.len(), 2);
    for c in &leaves {
        assert_eq!(c["target"], "hub1");
        assert_eq!(c["profile"], "anyconnect-server");
        assert_eq!(c["labels"]["site"], "fra");
        assert_eq!(c["labels"]["owner"], "netops");
    }
    // vpn1 does not match --host vpn0.example.com under anyconnect-server
    let vpn1 = leaves
        .iter()
        .find(|c| c["subject"].as_str().unwrap().contains("vpn1."))
        .unwrap();
    assert!(vpn1["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "name.host.mismatch"));
    let errors: Vec<&Value> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["errors"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["errors"][0]
        .as_str()
        .unwrap()
        .contains("no file matches"));
    assert_eq!(out.status.code(), Some(2));
}

/// A sweep of N files that each carry their leaf and the same issuing CA:
/// the CA is parsed once and audited once, each leaf parsed once, and
/// nothing is lost (a count, not a time).
#[test]
fn bundled_ca_is_parsed_and_audited_once_per_run() {
    use pkiaudit::sweep::{self, inventory::Target};
    const N: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let root = Issued::root("Count Root");
    let ica = root.issue(CertSpec::ca("Count Issuing CA"));
    for i in 0..N {
        let leaf = ica.issue(
            CertSpec::leaf(&format!("vpn-{i}.example.net"))
                .san_dns(&[&format!("vpn-{i}.example.net")])
                .eku(&[E::ServerAuth])
                .ku(&[K::DigitalSignature])
                .valid(ymd((2025, 1, 1)), ymd((2030, 1, 1))),
        );
        std::fs::write(
            dir.path().join(format!("leaf-{i:03}.pem")),
            leaf.pem() + &ica.pem(),
        )
        .unwrap();
    }
    let root_file = dir.path().join("root.pem");
    std::fs::write(&root_file, root.pem()).unwrap();
    let mut target = Target {
        name: "estate".into(),
        paths: Vec::new(),
        problems: Vec::new(),
        profile: pkiaudit::audit::profile::Profile::Ikev2,
        host: None,
        id: None,
        trust: vec![root_file],
        labels: BTreeMap::new(),
        holds: pkiaudit::audit::Holds::Auto,
        untrusted: Vec::new(),
        policy: pkiaudit::audit::rules::RulePolicy::default(),
        exclude: pkiaudit::load::Exclude::default(),
        excluded: Vec::new(),
        password_file: None,
        password: None,
    };
    sweep::inventory::expand_into(
        &dir.path().join("leaf-*.pem").display().to_string(),
        &mut target,
    );
    assert_eq!(target.paths.len(), N);
    let at = pkiaudit::time::parse_at("2026-06-01T00:00:00Z").unwrap();
    let opts = sweep::SweepOptions {
        time: pkiaudit::time::AuditTime::given(at),
        time_evidence: pkiaudit::time::TimeEvidence::default(),
        warn_days: 30,
        crit_days: 7,
        revocation: None,
        load: pkiaudit::load::LoadOptions::default(),
        anchor_sets: None,
    };
    let (report, stats) = sweep::run_with_stats(&[target], &opts, &|_, _| {});
    // N leaves and one CA, each modelled from DER once; the CA's other
    // N - 1 copies come from the run's cache.
    assert_eq!(stats.certificates_parsed, N as u64 + 1, "{stats:?}");
    assert_eq!(stats.certificates_reused, N as u64 - 1, "{stats:?}");
    assert_eq!(stats.files_reread, 0, "{stats:?}");
    // Each certificate audited once, at its first place; the CA's row
    // lists all N places.
    assert_eq!(stats.certificates_audited, N + 1, "{stats:?}");
    assert_eq!(report.summary.certificates_found, 2 * N);
    assert_eq!(report.summary.unique, N + 1);
    let ca: Vec<_> = report
        .certificates
        .iter()
        .filter(|c| c.role == "ca")
        .collect();
    assert_eq!(ca.len(), 1);
    assert_eq!(ca[0].places.len(), N);
    assert!(
        ca[0].places[0].text().contains("leaf-000.pem"),
        "{:?}",
        ca[0].places
    );
    assert!(report
        .certificates
        .iter()
        .filter(|c| c.role == "end-entity")
        .all(|c| c.chain == "verified" && c.places.len() == 1));
}

/// Rows of different targets share nothing that is their target's own: a
/// sweep of two targets with their own labels and profiles writes each
/// row, input and series with its own, in every format.
#[test]
fn each_row_keeps_its_own_targets_labels_and_profile() {
    let inv = inventory();
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("estate.toml");
    std::fs::write(
        &toml,
        format!(
            r#"
trust = ["{root}"]
labels = {{ owner = "netops" }}

[[target]]
name = "hub1"
paths = ["{leaves}/leaf-00.pem"]
profile = "anyconnect-server"
labels = {{ site = "fra", device = "hub1" }}

[[target]]
name = "hub2"
paths = ["{leaves}/leaf-01.pem"]
profile = "ikev2"
labels = {{ site = "zrh", owner = "sec" }}
"#,
            root = inv.root.display(),
            leaves = inv.leaves.display()
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let run = |format: &str| {
        let out = pkiaudit(&[
            "sweep",
            "--format",
            format,
            "--at",
            AT,
            "--cache-dir",
            cache.path().to_str().unwrap(),
            toml.to_str().unwrap(),
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    // (target, profile, site, owner, device) of each leaf's file.
    let want = |file: &str| match file_of(file).rsplit('/').next() {
        Some("leaf-00.pem") => ("hub1", "anyconnect-server", "fra", "netops", Some("hub1")),
        Some("leaf-01.pem") => ("hub2", "ikev2", "zrh", "sec", None),
        other => panic!("unexpected file {other:?}"),
    };
    let check = |c: &Value| {
        let (target, profile, site, owner, device) = want(c["places"][0].as_str().unwrap());
        assert_eq!(c["target"], target, "{c}");
        assert_eq!(c["profile"], profile, "{c}");
        assert_eq!(c["labels"]["site"], site, "{c}");
        assert_eq!(c["labels"]["owner"], owner, "{c}");
        assert_eq!(
            c["labels"].get("device").and_then(Value::as_str),
            device,
            "{c}"
        );
    };
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let leaves: Vec<&Value> = json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "end-entity")
        .collect();
    assert_eq!(leaves.len(), 2);
    leaves.iter().for_each(|c| check(c));
    for i in json["inputs"].as_array().unwrap() {
        assert_eq!(i["target"], want(i["file"].as_str().unwrap()).0, "{i}");
    }
    let lines: Vec<Value> = run("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|l: &Value| l["kind"] == "certificate" && l["role"] == "end-entity")
        .collect();
    assert_eq!(lines.len(), 2);
    lines.iter().for_each(check);
    let prom = run("prometheus");
    for c in &leaves {
        let (target, _, site, owner, device) = want(c["places"][0].as_str().unwrap());
        let series = prom
            .lines()
            .find(|l| {
                l.starts_with("pkiaudit_cert_state{")
                    && l.contains(&format!("sha256=\"{}\"", c["sha256"].as_str().unwrap()))
            })
            .unwrap();
        assert!(series.contains(&format!("target=\"{target}\"")), "{series}");
        assert!(
            series.contains(&format!("label_site=\"{site}\"")),
            "{series}"
        );
        assert!(
            series.contains(&format!("label_owner=\"{owner}\"")),
            "{series}"
        );
        let device = format!("label_device=\"{}\"", device.unwrap_or(""));
        assert!(series.contains(&device), "{series}");
    }
}
