//! Cisco device output through the binary: certificates made here are
//! printed as IOS, IOS-XE and ASA print them (`tests/common/ios_render.rs`,
//! which reads the DER with x509-parser, not with pkiaudit), read back by
//! `pkiaudit inspect` / `check`, and compared with the same certificates read
//! from PEM. Then the rendered text is broken in many ways and the binary
//! must neither crash nor invent certificates, must name the line of every
//! error, and must still report the intact certificates beside a broken one.

#[path = "common/ios_render.rs"]
mod ios_render;
#[path = "common/testkit.rs"]
mod testkit;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ios_render::{
    asa_entry, chain_hex_lines, facts, running_config, running_config_chain, show_command,
    show_entry, show_pem, Chain, Tz, CA, IDENTITY,
};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose as E,
    KeyUsagePurpose as K, SerialNumber,
};
use serde_json::Value;
use testkit::{ymd, CertSpec, Issued, Key};

// ---------------------------------------------------------------------------
// Running the binary

/// What one run gave: the exit code (never a signal, never a panic) and the
/// JSON document.
struct Out {
    code: i32,
    doc: Value,
    stderr: String,
}

fn pkiaudit(args: &[String]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_pkiaudit"))
        // Fixture certificates name http://pki.example.com/ distribution
        // points: tests stay on this machine (and out of the user's cache).
        .env("PKIAUDIT_OFFLINE", "1")
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-cache"),
        )
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("run pkiaudit");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let Some(code) = out.status.code() else {
        panic!(
            "pkiaudit {args:?} was killed by a signal ({:?}); stderr:\n{stderr}",
            out.status
        );
    };
    assert!(
        matches!(code, 0..=2),
        "pkiaudit {args:?} exited {code} (a panic is 101); stderr:\n{}",
        tail(&stderr)
    );
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "pkiaudit {args:?} did not write JSON ({e}); stderr:\n{}",
            tail(&stderr)
        )
    });
    Out { code, doc, stderr }
}

fn tail(s: &str) -> &str {
    let cut = s.len().saturating_sub(4000);
    let cut = (cut..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(s.len());
    &s[cut..]
}

fn inspect(paths: &[&Path], extra: &[&str]) -> Out {
    let mut args: Vec<String> = vec!["inspect".into(), "--format".into(), "json".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(paths.iter().map(|p| p.display().to_string()));
    pkiaudit(&args)
}

fn check_at(paths: &[&Path], extra: &[&str]) -> Out {
    let mut args: Vec<String> = ["check", "--at", "2026-06-01", "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(paths.iter().map(|p| p.display().to_string()));
    pkiaudit(&args)
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test input");
    p
}

fn certs(doc: &Value) -> &Vec<Value> {
    doc["certificates"].as_array().expect("certificates array")
}

fn input_of<'a>(doc: &'a Value, path: &Path) -> &'a Value {
    let file = path.display().to_string();
    doc["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["file"] == file.as_str())
        .unwrap_or_else(|| panic!("no input {file} in {}", doc["inputs"]))
}

fn problems(input: &Value) -> &Vec<Value> {
    input["problems"].as_array().expect("problems array")
}

/// Certificates seen in `path` (as their first place or as a duplicate).
fn certs_in<'a>(doc: &'a Value, path: &Path) -> Vec<&'a Value> {
    let file = path.display().to_string();
    certs(doc)
        .iter()
        .filter(|c| {
            c["source"]["file"] == file.as_str()
                || c["duplicates"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|p| p["file"] == file.as_str()))
        })
        .collect()
}

fn sha256_hex(der: &[u8]) -> String {
    hex_lower(ring::digest::digest(&ring::digest::SHA256, der).as_ref())
}

fn sha1_hex(der: &[u8]) -> String {
    hex_lower(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref())
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Problems of an input that break the contract every hostile input must
/// keep: an error names its line, except the verdicts about the input as a
/// whole (nothing found, nothing there, too many problems to list).
fn unlocated_errors(input: &Value) -> Vec<String> {
    problems(input)
        .iter()
        .filter(|p| p["level"] == "error" && p["line"].is_null())
        .filter_map(|p| p["message"].as_str())
        .filter(|m| {
            !(m.starts_with("no certificate found")
                || m.starts_with("input is empty")
                || m.starts_with("input holds only white space")
                || m.contains("more problems in this input are not listed"))
        })
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------
// The certificates

/// One certificate of the test PKI, where a device keeps it.
#[derive(Clone)]
struct Made {
    label: &'static str,
    der: Vec<u8>,
    ca: bool,
    trustpoint: &'static str,
}

impl Made {
    fn kind(&self) -> &'static str {
        if self.ca {
            CA
        } else {
            IDENTITY
        }
    }
    fn chain_kind(&self) -> &'static str {
        if self.ca {
            "certificate ca"
        } else {
            "certificate"
        }
    }
    fn role(&self) -> &'static str {
        if self.ca {
            "ca"
        } else {
            "identity"
        }
    }
}

/// A certificate with a name richer than the testkit makes: c, st, l, o,
/// ou, cn, emailAddress, serialNumber, unstructuredName (hostname) and
/// unstructuredAddress (ipaddress), at times of day that are not midnight.
fn named_leaf(root: &Issued) -> Issued {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "DE");
    dn.push(DnType::StateOrProvinceName, "Bayern");
    dn.push(DnType::LocalityName, "Muenchen");
    dn.push(DnType::OrganizationName, "Example VPN");
    dn.push(DnType::OrganizationalUnitName, "Spokes");
    dn.push(DnType::CommonName, "spoke7.example.com");
    dn.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
        DnValue::Ia5String("ops@example.com".try_into().expect("ia5")),
    );
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString("FTX1234ABCD".try_into().expect("printable")),
    );
    dn.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 2]),
        DnValue::Ia5String("spoke7.example.com".try_into().expect("ia5")),
    );
    dn.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 8]),
        DnValue::PrintableString("192.0.2.7".try_into().expect("printable")),
    );
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.not_before = ymd((2025, 3, 30)) + time::Duration::seconds(5_405);
    params.not_after = ymd((2031, 10, 26)) + time::Duration::seconds(86_399);
    params.serial_number = Some(SerialNumber::from_slice(&[0x05]));
    params.key_usages = vec![
        K::DigitalSignature,
        K::ContentCommitment,
        K::DataEncipherment,
        K::KeyAgreement,
        K::DecipherOnly,
    ];
    params.use_authority_key_identifier_extension = true;
    let key = Key::Rsa.generate();
    let issuer = rcgen::Issuer::from_params(&root.params, &root.key);
    let cert = params.signed_by(&key, &issuer).expect("named leaf");
    Issued { params, key, cert }
}

/// The test PKI, made once: an RSA root, a P-256 and a P-384 issuing CA
/// under it, an RSA leaf (serial with a sign octet: DER `00FF112233`), an
/// EC leaf (20-octet serial, validity into GeneralizedTime years, IPv6 and
/// e-mail SANs, an EKU IOS has no name for) and the richly named RSA leaf.
fn pki() -> &'static Vec<Made> {
    static PKI: OnceLock<Vec<Made>> = OnceLock::new();
    PKI.get_or_init(|| {
        let root = Issued::self_signed(
            CertSpec::ca("Round Trip Root CA")
                .key(Key::RsaCa)
                .serial(&[0x01])
                .valid(ymd((2024, 1, 1)), ymd((2044, 1, 1))),
        );
        let issuing = root.issue(
            CertSpec::ca("Round Trip Issuing CA")
                .path_len(0)
                .serial(&[0x10, 0x01])
                .cdp("http://pki.example.com/crl/root.crl"),
        );
        let issuing384 = root.issue(
            CertSpec::ca("Round Trip P-384 CA")
                .key(Key::P384)
                .serial(&[0x0A, 0x0B, 0x0C]),
        );
        let rsa_leaf = issuing.issue(
            CertSpec::leaf("vpn.example.com")
                .key(Key::Rsa)
                .serial(&[0xFF, 0x11, 0x22, 0x33])
                .san_dns(&["vpn.example.com"])
                .san_ip(&["192.0.2.10"])
                .ku(&[K::DigitalSignature, K::KeyEncipherment])
                .eku_oids(&[
                    "1.3.6.1.5.5.7.3.1",
                    "1.3.6.1.5.5.7.3.17",
                    "1.3.6.1.5.5.7.3.2",
                ])
                .cdp("http://pki.example.com/crl/issuing.crl"),
        );
        let long_serial: Vec<u8> = (0u8..20).map(|i| 0x7E - i).collect();
        let ec_leaf = issuing384.issue(
            CertSpec::leaf("ike.example.net")
                .serial(&long_serial)
                .valid(
                    ymd((2025, 6, 15)) + time::Duration::seconds(43_200),
                    ymd((2052, 2, 29)) + time::Duration::seconds(22_028),
                )
                .san_dns(&["ike.example.net"])
                .san_ip(&["2001:db8::7"])
                .san_email("vpn-admin@example.net")
                .ku(&[K::DigitalSignature])
                .eku(&[
                    E::ClientAuth,
                    E::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 5]),
                    E::Other(vec![1, 3, 6, 1, 4, 1, 311, 10, 3, 12]),
                ]),
        );
        let named = named_leaf(&root);
        vec![
            Made {
                label: "rsa leaf",
                der: rsa_leaf.der(),
                ca: false,
                trustpoint: "HUB-TP",
            },
            Made {
                label: "issuing ca",
                der: issuing.der(),
                ca: true,
                trustpoint: "HUB-TP",
            },
            Made {
                label: "root ca",
                der: root.der(),
                ca: true,
                trustpoint: "ROOT-TP",
            },
            Made {
                label: "ec leaf",
                der: ec_leaf.der(),
                ca: false,
                trustpoint: "EC-TP",
            },
            Made {
                label: "p384 ca",
                der: issuing384.der(),
                ca: true,
                trustpoint: "EC-TP",
            },
            Made {
                label: "named leaf",
                der: named.der(),
                ca: false,
                trustpoint: "SPOKE-TP",
            },
        ]
    })
}

fn by_label(label: &str) -> &'static Made {
    pki()
        .iter()
        .find(|m| m.label == label)
        .expect("known label")
}

/// The chain blocks that hold `made`: one per trustpoint, in order.
fn chains_of<'a>(made: impl Iterator<Item = &'a Made>) -> Vec<Chain<'a>> {
    let mut chains: Vec<Chain<'a>> = Vec::new();
    for m in made {
        match chains.iter_mut().find(|(tp, _)| *tp == m.trustpoint) {
            Some((_, list)) => list.push((m.chain_kind(), &m.der)),
            None => chains.push((m.trustpoint, vec![(m.chain_kind(), &m.der)])),
        }
    }
    chains
}

fn pem_of(certs: &[&Made]) -> String {
    certs
        .iter()
        .map(|m| testkit::pem_block("CERTIFICATE", &m.der))
        .collect()
}

/// The layouts a device prints `show` output in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Ios,
    IosVerbose,
    Asa,
}

fn entry(layout: Layout, m: &Made, tz: Tz<'_>) -> String {
    match layout {
        Layout::Ios => show_entry(&m.der, m.kind(), m.trustpoint, false, tz),
        Layout::IosVerbose => show_entry(&m.der, m.kind(), m.trustpoint, true, tz),
        Layout::Asa => asa_entry(&m.der, m.kind(), m.trustpoint, tz),
    }
}

/// `show` output of `certs` and the line each entry starts on (1-based).
fn show_output(layout: Layout, certs: &[&Made], tz: Tz<'_>) -> (String, Vec<usize>) {
    let mut text = show_command("hub", layout == Layout::Asa);
    let mut lines = Vec::new();
    for m in certs {
        lines.push(text.lines().count() + 1);
        text.push_str(&entry(layout, m, tz));
    }
    text.push_str("hub#\n");
    (text, lines)
}

/// The certificate whose record starts at `line` of `path`.
fn at_line<'a>(doc: &'a Value, path: &Path, line: usize) -> Option<&'a Value> {
    let file = path.display().to_string();
    certs(doc).iter().find(|c| {
        let here = |p: &Value| p["file"] == file.as_str() && p["line"] == line;
        here(&c["source"])
            || c["duplicates"]
                .as_array()
                .is_some_and(|d| d.iter().any(here))
    })
}

/// The fields at `pointers` that differ between two certificate documents.
fn diffs(what: &str, expected: &Value, got: &Value, pointers: &[&str]) -> Vec<String> {
    pointers
        .iter()
        .filter_map(|p| {
            let e = expected.pointer(p).unwrap_or(&Value::Null);
            let g = got.pointer(p).unwrap_or(&Value::Null);
            (e != g).then(|| format!("{what}: {p}: expected {e}, got {g}"))
        })
        .collect()
}

fn sorted_oids(c: &Value) -> Value {
    let mut v: Vec<String> = c["extended_key_usage"]["purposes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["oid"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    if c["extended_key_usage"].is_null() {
        Value::Null
    } else {
        Value::from(v)
    }
}

/// The zones the round trip prints dates in: UTC, two well-known labels on
/// either side of UTC, and a label pkiaudit cannot know (Nepal, +05:45),
/// stated with `--device-tz`.
const ZONES: [(&str, i32, Option<&str>); 4] = [
    ("UTC", 0, None),
    ("CET", 3600, None),
    ("PST", -8 * 3600, None),
    ("NPT", 5 * 3600 + 45 * 60, Some("NPT=+05:45")),
];

// ---------------------------------------------------------------------------
// The renderer itself prints what the committed real-device samples show

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

fn first_pem_der(path: &str) -> Vec<u8> {
    let text = std::fs::read(fixture(path)).expect("fixture");
    pem::parse_many(&text).expect("fixture PEM")[0]
        .contents()
        .to_vec()
}

/// The device output of a fixture without its `! ` header.
fn device_text(path: &str) -> String {
    std::fs::read_to_string(fixture(path))
        .expect("fixture")
        .lines()
        .filter(|l| !l.starts_with("! "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn renderer_reproduces_the_committed_device_samples() {
    let leaf = first_pem_der("headend/vpn-example-com.pem");
    let issuing = first_pem_der("pki/issuing-ca.pem");
    let root = first_pem_der("pki/root-ca.pem");
    let alice = first_pem_der("client/alice.pem");

    // IOS 15, non-verbose, UTC: byte for byte.
    let ios = format!(
        "{}{}{}{}hub#\n",
        show_command("hub", false),
        show_entry(&leaf, IDENTITY, "HUB-TP", false, None),
        show_entry(&issuing, CA, "HUB-TP", false, None),
        show_entry(&root, CA, "ROOT-TP", false, None),
    );
    assert_eq!(ios, device_text("ios/show-crypto-pki-certificates-ios.txt"));

    // ASA, CEST: byte for byte but the prompt's trailing blank.
    let cest = Some(("CEST", 7200));
    let asa = format!(
        "{}{}{}{}asa# \n",
        show_command("asa", true),
        asa_entry(&alice, IDENTITY, "ASDM_TrustPoint0", cest),
        asa_entry(&issuing, CA, "ASDM_TrustPoint0", cest),
        asa_entry(&root, CA, "ASDM_TrustPoint1", cest),
    );
    assert_eq!(asa, device_text("ios/show-crypto-ca-certificates-asa.txt"));

    // IOS-XE verbose, EST: every line printed for the leaf is in the
    // sample's first entry (install time and key label aside), fingerprints
    // (MD5 implemented here) and key identifiers included.
    let sample = device_text("ios/show-crypto-pki-certificates-verbose-iosxe.txt");
    let first_entry: BTreeSet<&str> = sample
        .split("\n\n")
        .next()
        .expect("entry")
        .lines()
        .collect();
    let ours = show_entry(&leaf, IDENTITY, "HUB-TP", true, Some(("EST", -5 * 3600)));
    let missing: Vec<&str> = ours
        .lines()
        .filter(|l| !l.is_empty())
        .filter(|l| !l.starts_with("  Cert install time") && !l.starts_with("  Key Label"))
        .filter(|l| !first_entry.contains(l))
        .collect();
    assert!(
        missing.is_empty(),
        "rendered lines not in the sample: {missing:#?}"
    );
    assert!(ours.contains("  Fingerprint MD5: B490B2A7 FF0DC4CB EFD9784C 578F5BBA \n"));

    // The PEM form, byte for byte.
    assert_eq!(
        show_pem("HUB-TP", &issuing, &leaf),
        device_text("ios/show-crypto-pki-certificates-pem.txt")
    );

    // The running-config chain block: as the committed hub config holds it.
    let expired = first_pem_der("headend/expired.pem");
    let hub = device_text("ios/hub-running-config.txt");
    let block = running_config_chain(
        "HUB-TP",
        &[("certificate", &expired), ("certificate ca", &issuing)],
    );
    assert!(
        hub.contains(&block),
        "chain block not found in the hub config:\n{block}"
    );
}

#[test]
fn the_test_pki_has_the_odd_serials_it_claims() {
    let rsa = facts(&by_label("rsa leaf").der);
    assert_eq!(rsa.serial_der, [0x00, 0xFF, 0x11, 0x22, 0x33]);
    let ec = facts(&by_label("ec leaf").der);
    assert_eq!(ec.serial_der.len(), 20);
    assert_eq!(ec.eku.len(), 3);
}

// ---------------------------------------------------------------------------
// Round trips

#[test]
fn running_config_round_trip_gives_the_exact_certificates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = pki();
    let chains = chains_of(made.iter());
    // The chain blocks alone (`show running-config | section crypto pki
    // certificate chain`) and inside a whole running-config.
    let sections: String = chains
        .iter()
        .map(|(tp, list)| running_config_chain(tp, list))
        .collect();
    let whole = running_config("hub", &chains);
    for (name, text) in [("sections.txt", sections), ("running-config.txt", whole)] {
        let path = write(dir.path(), name, &text);
        let out = inspect(&[&path], &[]);
        let input = input_of(&out.doc, &path);
        assert_eq!(input["format"], "running-config", "{name}");
        assert!(
            !problems(input).iter().any(|p| p["level"] != "note"),
            "{name}: {}",
            input["problems"]
        );
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(certs(&out.doc).len(), made.len(), "{name}");
        let mut bad = Vec::new();
        for m in made {
            let sha = sha256_hex(&m.der);
            let Some(c) = certs(&out.doc).iter().find(|c| c["sha256"] == sha.as_str()) else {
                bad.push(format!("{name}: {} (sha256 {sha}) not reported", m.label));
                continue;
            };
            let expect = serde_json::json!({
                "origin": "running-config",
                "record": "full",
                "trustpoints": [m.trustpoint],
                "role": m.role(),
                "sha1": sha1_hex(&m.der),
            });
            let got = serde_json::json!({
                "origin": c["origin"],
                "record": c["record"],
                "trustpoints": c["trustpoints"],
                "role": c["source"]["ios_role"],
                "sha1": c["sha1"],
            });
            if expect != got {
                bad.push(format!("{name}: {}: expected {expect}, got {got}", m.label));
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }
}

#[test]
fn running_config_certificate_in_two_chains_is_one_certificate_with_both_trustpoints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = by_label("root ca");
    let text = format!(
        "{}{}",
        running_config_chain("ROOT-A", &[("certificate ca", &root.der)]),
        running_config_chain("ROOT-B", &[("certificate ca", &root.der)])
    );
    let path = write(dir.path(), "two.txt", text);
    let out = inspect(&[&path], &[]);
    let list = certs(&out.doc);
    assert_eq!(list.len(), 1, "{:#}", out.doc["certificates"]);
    assert_eq!(
        list[0]["trustpoints"],
        serde_json::json!(["ROOT-A", "ROOT-B"])
    );
    assert_eq!(list[0]["duplicates"].as_array().map(Vec::len), Some(1));
}

/// The record with the DER sign octet dropped from its serial (`00FF..` →
/// `FF..`), as the DER reading prints it.
fn without_sign_octet(c: &Value) -> Value {
    let mut c = c.clone();
    if let Some(s) = c["serial"].as_str() {
        if s.len() > 2 && s.starts_with("00") && s[2..3] >= *"8" {
            c["serial"] = Value::from(&s[2..]);
        }
    }
    c
}

/// Fields every `show` layout carries.
const NAME_AND_VALIDITY: [&str; 6] = [
    "/serial",
    "/subject_ios",
    "/issuer_ios",
    "/not_before",
    "/not_after",
    "/crl_distribution_points",
];

#[test]
fn show_round_trip_matches_the_pem_reading_in_every_layout_and_zone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made: Vec<&Made> = pki().iter().collect();
    let pem_path = write(dir.path(), "all.pem", pem_of(&made));
    let pem_doc = inspect(&[&pem_path], &[]).doc;
    let from_pem = |m: &Made| -> Value {
        let sha = sha256_hex(&m.der);
        certs(&pem_doc)
            .iter()
            .find(|c| c["sha256"] == sha.as_str())
            .unwrap_or_else(|| panic!("{} not read from PEM", m.label))
            .clone()
    };
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        for (label, offset, flag) in ZONES {
            let what = format!("{layout:?} {label}");
            let (text, lines) = show_output(layout, &made, Some((label, offset)));
            let path = write(dir.path(), &format!("{layout:?}-{label}.txt"), &text);
            let extra: Vec<&str> = flag.map(|f| vec!["--device-tz", f]).unwrap_or_default();
            let out = inspect(&[&path], &extra);
            let input = input_of(&out.doc, &path);
            if input["format"] != "show" {
                bad.push(format!("{what}: format {}", input["format"]));
            }
            let noisy: Vec<&Value> = problems(input)
                .iter()
                .filter(|p| p["level"] != "note")
                .collect();
            if !noisy.is_empty() {
                bad.push(format!("{what}: problems {noisy:?}"));
            }
            if certs(&out.doc).len() != made.len() {
                bad.push(format!(
                    "{what}: {} certificates, {} rendered",
                    certs(&out.doc).len(),
                    made.len()
                ));
            }
            for (m, line) in made.iter().zip(&lines) {
                let what = format!("{what} {}", m.label);
                let Some(c) = at_line(&out.doc, &path, *line) else {
                    bad.push(format!("{what}: no record at line {line}"));
                    continue;
                };
                let pem = from_pem(m);
                // The sign octet IOS prints (`00FF112233`) is compared in
                // show_serial_with_a_sign_octet_reads_as_the_certificate_serial.
                let c = &without_sign_octet(c);
                bad.extend(diffs(&what, &pem, c, &NAME_AND_VALIDITY));
                let fixed = serde_json::json!({
                    "origin": "show", "record": "partial", "der": false, "validity": true,
                    "sha256": null, "trustpoints": [m.trustpoint], "role": m.role(),
                });
                let got = serde_json::json!({
                    "origin": c["origin"], "record": c["record"], "der": c["known"]["der"],
                    "validity": c["known"]["validity"], "sha256": c["sha256"],
                    "trustpoints": c["trustpoints"], "role": c["source"]["ios_role"],
                });
                if fixed != got {
                    bad.push(format!("{what}: expected {fixed}, got {got}"));
                }
                let rsa = pem["key"]["type"] == "rsa";
                match layout {
                    Layout::IosVerbose => {
                        bad.extend(diffs(
                            &what,
                            &pem,
                            c,
                            &[
                                "/signature_algorithm/oid",
                                "/key_usage/usages",
                                "/subject_alt_name/entries",
                                "/sha1",
                                "/subject_key_id",
                                "/authority_key_id/key_id",
                                "/basic_constraints/ca",
                                "/version",
                            ],
                        ));
                        if sorted_oids(&pem) != sorted_oids(c) {
                            bad.push(format!(
                                "{what}: EKU {} vs {}",
                                sorted_oids(&pem),
                                sorted_oids(c)
                            ));
                        }
                        if c["known"]["extensions"] != true {
                            bad.push(format!("{what}: verbose but extensions not known"));
                        }
                    }
                    Layout::Ios | Layout::Asa => {
                        for p in [
                            "/known/extensions",
                            "/key_usage",
                            "/extended_key_usage",
                            "/subject_alt_name",
                            "/sha1",
                        ] {
                            let v = c.pointer(p).unwrap_or(&Value::Null);
                            if !(v.is_null() || *v == false) {
                                bad.push(format!(
                                    "{what}: {p} is {v}, the layout has no such data"
                                ));
                            }
                        }
                    }
                }
                // The key: RSA size in verbose and ASA output; an EC key is
                // printed without its curve, so it stays unknown.
                match layout {
                    Layout::IosVerbose | Layout::Asa if rsa => {
                        bad.extend(diffs(&what, &pem, c, &["/key"]));
                    }
                    _ => {
                        if !c["key"].is_null() || c["known"]["key"] != false {
                            bad.push(format!(
                                "{what}: key {} known {}",
                                c["key"], c["known"]["key"]
                            ));
                        }
                    }
                }
                // The signature algorithm: verbose and ASA print it.
                match layout {
                    Layout::IosVerbose | Layout::Asa => {
                        bad.extend(diffs(&what, &pem, c, &["/signature_algorithm/oid"]));
                    }
                    Layout::Ios => {
                        if !c["signature_algorithm"].is_null() {
                            bad.push(format!("{what}: signature algorithm invented"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn show_serial_with_a_sign_octet_reads_as_the_certificate_serial() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("rsa leaf");
    let pem_path = write(dir.path(), "leaf.pem", pem_of(&[m]));
    let pem = inspect(&[&pem_path], &[]).doc;
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        let (text, _) = show_output(layout, &[m], None);
        let path = write(dir.path(), &format!("{layout:?}.txt"), text);
        let show = inspect(&[&path], &[]).doc;
        if show["certificates"][0]["serial"] != pem["certificates"][0]["serial"] {
            bad.push(format!(
                "{layout:?}: show serial {}, DER serial {}",
                show["certificates"][0]["serial"], pem["certificates"][0]["serial"]
            ));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn show_entry_cut_off_at_the_end_of_the_input_is_not_taken_as_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("rsa leaf");
    let full = show_entry(&m.der, IDENTITY, "HUB-TP", true, None);
    let cut: String = full
        .lines()
        .take_while(|l| !l.contains("Extended Key Usage"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = write(
        dir.path(),
        "cut.txt",
        format!("{}{cut}", show_command("hub", false)),
    );
    let out = inspect(&[&path], &[]);
    let input = input_of(&out.doc, &path);
    let c = &certs(&out.doc)[0];
    let flagged = problems(input)
        .iter()
        .any(|p| p["level"] != "note" && !p["line"].is_null());
    assert!(
        flagged || c["known"]["extensions"] == false,
        "cut-off entry taken as complete: problems {}, known {}, extended_key_usage {}",
        input["problems"],
        c["known"],
        c["extended_key_usage"]
    );
    let checked = check_at(&[&path], &["--profile", "flexvpn-server"]);
    let claims: Vec<&Value> = certs(&checked.doc)[0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("no EKU extension"))
        })
        .collect();
    assert!(claims.is_empty(), "{claims:#?}");
}

#[test]
fn verbose_ec_key_not_checkable_gives_advice_that_applies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("ec leaf");
    let (text, _) = show_output(Layout::IosVerbose, &[m], None);
    let path = write(dir.path(), "ec.txt", text);
    let checked = check_at(&[&path], &[]);
    let c = &certs(&checked.doc)[0];
    assert_eq!(
        c["known"]["key"], false,
        "an EC key without its curve is not known"
    );
    let key_note: Vec<&str> = c["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "record.not-checkable")
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.contains("key.ec.curve"))
        .collect();
    assert_eq!(key_note.len(), 1, "{:#}", c["findings"]);
    assert!(
        !key_note[0].contains("run the `verbose` form"),
        "advice for input that is already verbose: {}",
        key_note[0]
    );
}

// ---------------------------------------------------------------------------
// Merging show entries into the certificates they describe

fn show_mismatch(c: &Value) -> Vec<String> {
    c["show_mismatch"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| m.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn show_entries_merge_into_the_pem_certificates_they_describe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made: Vec<&Made> = pki().iter().collect();
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        for pem_first in [true, false] {
            let what = format!("{layout:?} pem_first={pem_first}");
            let (show, _) = show_output(layout, &made, Some(("CET", 3600)));
            let pem = pem_of(&made);
            let text = if pem_first {
                format!("{pem}\n{show}")
            } else {
                format!("{show}\n{pem}")
            };
            let path = write(dir.path(), &format!("{layout:?}-{pem_first}.txt"), text);
            let out = inspect(&[&path], &[]);
            if certs(&out.doc).len() != made.len() {
                bad.push(format!(
                    "{what}: {} certificates for {} ({:?})",
                    certs(&out.doc).len(),
                    made.len(),
                    certs(&out.doc)
                        .iter()
                        .map(|c| format!("{} {}", c["subject_ios"], c["record"]))
                        .collect::<Vec<_>>()
                ));
                continue;
            }
            for m in &made {
                let sha = sha256_hex(&m.der);
                let Some(c) = certs(&out.doc).iter().find(|c| c["sha256"] == sha.as_str()) else {
                    bad.push(format!("{what}: {} missing", m.label));
                    continue;
                };
                let dups = c["duplicates"].as_array().cloned().unwrap_or_default();
                if c["record"] != "full"
                    || dups.len() != 1
                    || dups[0]["container"] != "ios-show"
                    || !show_mismatch(c).is_empty()
                    || !c["trustpoints"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == m.trustpoint))
                {
                    bad.push(format!(
                        "{what}: {}: record {} duplicates {:?} mismatch {:?} trustpoints {}",
                        m.label,
                        c["record"],
                        dups,
                        show_mismatch(c),
                        c["trustpoints"]
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn running_config_and_show_output_of_the_same_device_merge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made: Vec<&Made> = pki().iter().collect();
    let chains = chains_of(made.iter().copied());
    let config = write(
        dir.path(),
        "running-config.txt",
        running_config("hub", &chains),
    );
    let (show, _) = show_output(Layout::IosVerbose, &made, Some(("PST", -8 * 3600)));
    let show = write(dir.path(), "show.txt", show);
    let out = inspect(&[&config, &show], &[]);
    assert_eq!(certs(&out.doc).len(), made.len());
    for c in certs(&out.doc) {
        assert_eq!(c["origin"], "running-config");
        assert_eq!(c["duplicates"].as_array().map(Vec::len), Some(1), "{c:#}");
        assert!(show_mismatch(c).is_empty(), "{:?}", show_mismatch(c));
    }
}

#[test]
fn show_entry_an_hour_off_is_reported_as_a_mismatch_naming_the_end_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("rsa leaf");
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        // The device says CET but its clock runs on CEST (+02:00).
        let (show, _) = show_output(layout, &[m], Some(("CET", 7200)));
        let path = write(
            dir.path(),
            &format!("{layout:?}.txt"),
            format!("{}\n{show}", pem_of(&[m])),
        );
        let out = inspect(&[&path], &[]);
        let list = certs(&out.doc);
        if list.len() != 1 {
            bad.push(format!("{layout:?}: {} certificates", list.len()));
            continue;
        }
        let c = &list[0];
        let mismatch = show_mismatch(c);
        if c["record"] != "full"
            || c["duplicates"].as_array().map(Vec::len) != Some(1)
            || !mismatch
                .iter()
                .any(|s| s.contains("end date") && s.contains("1 hour"))
            || c["not_after"] != "2035-01-01T00:00:00Z"
        {
            bad.push(format!(
                "{layout:?}: record {} not_after {} mismatch {mismatch:?}",
                c["record"], c["not_after"]
            ));
        }
        // `check` turns it into a finding.
        let checked = check_at(&[&path], &[]);
        let found = certs(&checked.doc)[0]["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["rule"] == "record.show-mismatch"));
        if !found {
            bad.push(format!(
                "{layout:?}: check has no record.show-mismatch finding"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---------------------------------------------------------------------------
// Time zones pkiaudit cannot know

#[test]
fn an_unknown_zone_label_leaves_validity_unjudged_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = [by_label("rsa leaf"), by_label("issuing ca")];
    let (text, lines) = show_output(Layout::Ios, &made, Some(("NPT", 20_700)));
    let path = write(dir.path(), "npt.txt", &text);

    let out = inspect(&[&path], &[]);
    let input = input_of(&out.doc, &path);
    let date_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start().starts_with("start date") || l.trim_start().starts_with("end   date")
        })
        .map(|(i, _)| i + 1)
        .collect();
    for line in &date_lines {
        let said = problems(input).iter().any(|p| {
            p["line"] == *line
                && p["level"] == "warning"
                && p["message"].as_str().is_some_and(|m| m.contains("NPT"))
        });
        assert!(
            said,
            "no warning naming NPT at line {line}: {}",
            input["problems"]
        );
    }
    for (m, line) in made.iter().zip(&lines) {
        let c = at_line(&out.doc, &path, *line).expect("record");
        assert_eq!(c["not_after"], Value::Null, "{}", m.label);
        assert_eq!(c["not_before"], Value::Null, "{}", m.label);
        assert_eq!(c["known"]["validity"], false, "{}", m.label);
        // The printed dates are kept as printed.
        assert_eq!(c["show"]["not_after"]["zone"], "NPT", "{}", m.label);
    }

    // `check` says which rules could not run, and why.
    let checked = check_at(&[&path], &[]);
    let validity_unknown = |doc: &Value| -> usize {
        certs(doc)
            .iter()
            .filter(|c| {
                c["findings"].as_array().is_some_and(|f| {
                    f.iter().any(|f| {
                        f["rule"] == "record.not-checkable"
                            && f["message"]
                                .as_str()
                                .is_some_and(|m| m.contains("known time zone"))
                    })
                })
            })
            .count()
    };
    assert_eq!(
        validity_unknown(&checked.doc),
        made.len(),
        "{:#}",
        checked.doc["certificates"]
    );

    // Stated with --device-tz, the dates are read and judged.
    let stated = inspect(&[&path], &["--device-tz", "NPT=+05:45"]);
    let c = at_line(&stated.doc, &path, lines[0]).expect("record");
    assert_eq!(c["not_after"], "2035-01-01T00:00:00Z");
    assert_eq!(c["not_before"], "2025-01-01T00:00:00Z");
    let checked = check_at(&[&path], &["--device-tz", "NPT=+05:45"]);
    assert_eq!(validity_unknown(&checked.doc), 0);
}

// ---------------------------------------------------------------------------
// show crypto pki certificates pem

#[test]
fn show_pem_certificates_get_the_trustpoint_of_their_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = by_label("issuing ca");
    let leaf = by_label("rsa leaf");
    let path = write(
        dir.path(),
        "pem.txt",
        show_pem("HUB-TP", &ca.der, &leaf.der),
    );
    let out = inspect(&[&path], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(certs(&out.doc).len(), 2);
    for m in [ca, leaf] {
        let sha = sha256_hex(&m.der);
        let c = certs(&out.doc)
            .iter()
            .find(|c| c["sha256"] == sha.as_str())
            .expect("certificate");
        assert_eq!(
            c["trustpoints"],
            serde_json::json!(["HUB-TP"]),
            "{}",
            m.label
        );
        assert_eq!(c["record"], "full");
    }
}

#[test]
fn show_pem_certificates_get_the_role_of_their_label() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = by_label("issuing ca");
    let leaf = by_label("rsa leaf");
    let path = write(
        dir.path(),
        "pem.txt",
        show_pem("HUB-TP", &ca.der, &leaf.der),
    );
    let out = inspect(&[&path], &[]);
    let roles: Vec<(String, Value)> = [ca, leaf]
        .iter()
        .map(|m| {
            let sha = sha256_hex(&m.der);
            let c = certs(&out.doc)
                .iter()
                .find(|c| c["sha256"] == sha.as_str())
                .expect("certificate");
            (m.label.to_string(), c["source"]["ios_role"].clone())
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            ("issuing ca".to_string(), Value::from("ca")),
            ("rsa leaf".to_string(), Value::from("identity")),
        ]
    );
}

#[test]
fn show_pem_with_one_corrupt_block_reports_it_and_audits_the_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = by_label("issuing ca");
    let leaf = by_label("rsa leaf");
    let good = show_pem("HUB-TP", &ca.der, &leaf.der);
    let begins: Vec<usize> = good
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-----BEGIN"))
        .map(|(i, _)| i + 1)
        .collect();
    let ends: Vec<usize> = good
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-----END"))
        .map(|(i, _)| i + 1)
        .collect();
    for (broken, intact) in [(1usize, ca), (0usize, leaf)] {
        // Four characters of the third base64 line of the block become '!'.
        let target = begins[broken] + 3;
        let text: String = good
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == target {
                    format!("{}!!!!{}\n", &l[..10], &l[14..])
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let path = write(dir.path(), &format!("corrupt-{broken}.txt"), text);
        let out = inspect(&[&path], &[]);
        assert_eq!(out.code, 2, "an input error exits 2");
        let input = input_of(&out.doc, &path);
        let errors: Vec<&Value> = problems(input)
            .iter()
            .filter(|p| p["level"] == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{}", input["problems"]);
        let line = errors[0]["line"].as_u64().expect("error names a line") as usize;
        assert!(
            (begins[broken]..=ends[broken]).contains(&line),
            "error at line {line}, block {}..{}",
            begins[broken],
            ends[broken]
        );
        let list = certs(&out.doc);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["sha256"], sha256_hex(&intact.der).as_str());
        assert_eq!(list[0]["trustpoints"], serde_json::json!(["HUB-TP"]));
        // ...and it is audited.
        let checked = check_at(&[&path], &[]);
        let c = &certs(&checked.doc)[0];
        assert_eq!(c["sha256"], sha256_hex(&intact.der).as_str());
        assert!(
            c["verdict"].is_string() && c["findings"].is_array(),
            "{c:#}"
        );
    }
}

// ---------------------------------------------------------------------------
// Hostile input

/// One broken input: its bytes, how many certificates were rendered into
/// it, and which of them are intact (SHA-256 of full ones; the start line
/// of show entries).
struct Case {
    name: String,
    bytes: Vec<u8>,
    rendered: usize,
    intact_full: Vec<String>,
    intact_show_lines: Vec<usize>,
    /// When set, every record read must carry one of these serials or a
    /// prefix of one (a cut-off line), nothing else.
    serials: Vec<String>,
}

impl Case {
    fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>, rendered: usize) -> Case {
        Case {
            name: name.into(),
            bytes: bytes.into(),
            rendered,
            intact_full: Vec::new(),
            intact_show_lines: Vec::new(),
            serials: Vec::new(),
        }
    }
    fn intact(mut self, ders: &[&[u8]]) -> Case {
        self.intact_full = ders.iter().map(|d| sha256_hex(d)).collect();
        self
    }
    fn serials(mut self, serials: &[String]) -> Case {
        self.serials = serials.to_vec();
        self
    }
    fn intact_lines(mut self, lines: &[usize]) -> Case {
        self.intact_show_lines = lines.to_vec();
        self
    }
}

/// Run every case (several inputs per process when `batch`, each on its
/// own otherwise) and return every broken promise.
fn run_cases(cases: &[Case], batch: bool) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| write(dir.path(), &format!("case-{i:04}.txt"), &c.bytes))
        .collect();
    let mut bad = Vec::new();
    let groups: Vec<Vec<usize>> = if batch {
        (0..cases.len())
            .collect::<Vec<_>>()
            .chunks(64)
            .map(<[usize]>::to_vec)
            .collect()
    } else {
        (0..cases.len()).map(|i| vec![i]).collect()
    };
    for group in groups {
        let refs: Vec<&Path> = group.iter().map(|i| paths[*i].as_path()).collect();
        let out = inspect(&refs, &[]);
        for i in group {
            let case = &cases[i];
            let path = &paths[i];
            let input = input_of(&out.doc, path);
            let found = input["certificates"].as_u64().unwrap_or(u64::MAX) as usize;
            // Seen with `--nocapture`: what each broken input gave.
            println!(
                "{}: exit {}, {found} certificates, problems {}",
                case.name,
                out.code,
                tail(&input["problems"].to_string())
            );
            if found > case.rendered {
                bad.push(format!(
                    "{}: {found} certificates from {} rendered",
                    case.name, case.rendered
                ));
            }
            let unlocated = unlocated_errors(input);
            if !unlocated.is_empty() {
                bad.push(format!(
                    "{}: errors without a line: {unlocated:?}",
                    case.name
                ));
            }
            let here = certs_in(&out.doc, path);
            for sha in &case.intact_full {
                if !here.iter().any(|c| c["sha256"] == sha.as_str()) {
                    bad.push(format!(
                        "{}: intact certificate {} not reported; problems {}",
                        case.name,
                        &sha[..12],
                        input["problems"]
                    ));
                }
            }
            if !case.serials.is_empty() {
                for c in &here {
                    let serial = c["serial"].as_str().unwrap_or("");
                    if !case.serials.iter().any(|s| s.starts_with(serial)) {
                        bad.push(format!("{}: serial {serial} was never printed", case.name));
                    }
                }
            }
            for line in &case.intact_show_lines {
                if at_line(&out.doc, path, *line).is_none() {
                    bad.push(format!(
                        "{}: intact entry at line {line} not reported; problems {}",
                        case.name, input["problems"]
                    ));
                }
            }
        }
    }
    bad
}

/// A small deterministic generator (xorshift), so the hostile inputs are
/// the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The running-config the hostile tests break: chain HUB-TP holds the RSA
/// leaf and the issuing CA, chain ROOT-TP the root.
fn hostile_config() -> (String, [&'static Made; 3]) {
    let leaf = by_label("rsa leaf");
    let ca = by_label("issuing ca");
    let root = by_label("root ca");
    let text = format!(
        "{}!\n{}!\nend\n",
        running_config_chain(
            "HUB-TP",
            &[("certificate", &leaf.der), ("certificate ca", &ca.der)]
        ),
        running_config_chain("ROOT-TP", &[("certificate ca", &root.der)]),
    );
    (text, [leaf, ca, root])
}

/// Replace the lines of the issuing CA's block (the middle certificate)
/// with what `f` makes of them; the header and quit line stay unless `f`
/// drops them.
fn break_middle(text: &str, f: impl Fn(Vec<String>) -> Vec<String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(" certificate ca "))
        .expect("ca header");
    let quit = start
        + lines[start..]
            .iter()
            .position(|l| l.trim() == "quit")
            .expect("quit");
    let block: Vec<String> = lines[start..=quit].iter().map(|s| s.to_string()).collect();
    let mut out: Vec<String> = lines[..start].iter().map(|s| s.to_string()).collect();
    out.extend(f(block));
    out.extend(lines[quit + 1..].iter().map(|s| s.to_string()));
    out.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn running_config_every_prefix_is_read_without_crash_or_invention() {
    let ec = by_label("ec leaf");
    let ca = by_label("p384 ca");
    let text = running_config_chain(
        "EC-TP",
        &[("certificate", &ec.der), ("certificate ca", &ca.der)],
    );
    // The first certificate is complete once its quit line is in.
    let first_done = text.find("quit\n").expect("quit") + "quit\n".len();
    let stride = (text.len() / 150).max(1);
    let mut cases = Vec::new();
    for cut in (0..=text.len())
        .step_by(stride)
        .chain([first_done, text.len()])
    {
        let case = Case::new(format!("prefix {cut}"), &text.as_bytes()[..cut], 2);
        cases.push(if cut >= first_done {
            case.intact(&[&ec.der])
        } else {
            case
        });
    }
    let bad = run_cases(&cases, true);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn running_config_broken_blocks_are_errors_on_their_line_and_the_rest_is_read() {
    let (text, [leaf, ca, root]) = hostile_config();
    let others: [&[u8]; 2] = [&leaf.der, &root.der];
    let mut cases = Vec::new();
    // An odd number of hex digits: one digit gone.
    cases.push(Case::new(
        "odd hex digit count",
        break_middle(&text, |mut b| {
            b[2].remove(5);
            b
        }),
        3,
    ));
    // Characters that are not hex: a letter O for a zero, a G, a '!'.
    for bad_char in ['O', 'G', '!', 'é'] {
        cases.push(Case::new(
            format!("non-hex {bad_char}"),
            break_middle(&text, |mut b| {
                let l = &b[3];
                b[3] = format!("{}{bad_char}{}", &l[..6], &l[7..]);
                b
            }),
            3,
        ));
    }
    // No quit: the next chain follows at once.
    cases.push(Case::new(
        "missing quit before the next chain",
        break_middle(&text, |mut b| {
            b.pop();
            b
        }),
        3,
    ));
    // Valid hex that is no certificate.
    cases.push(Case::new(
        "hex that is not DER",
        break_middle(&text, |b| {
            let mut out = vec![b[0].clone()];
            out.extend(chain_hex_lines(&[0xDE, 0xAD, 0xBE, 0xEF].repeat(40)));
            out.push(b[b.len() - 1].clone());
            out
        }),
        3,
    ));
    cases.push(Case::new(
        "DER cut short (last hex line gone)",
        break_middle(&text, |mut b| {
            b.remove(b.len() - 2);
            b
        }),
        3,
    ));
    cases.push(Case::new(
        "DER length says more than there is",
        break_middle(&text, |mut b| {
            b[1] = format!("  3083FFFF{}", &b[1][10..]);
            b
        }),
        3,
    ));
    cases.push(Case::new(
        "empty certificate block",
        break_middle(&text, |b| vec![b[0].clone(), b[b.len() - 1].clone()]),
        3,
    ));
    // NUL bytes inside the hex.
    cases.push(Case::new(
        "NUL bytes in the hex",
        break_middle(&text, |mut b| {
            b[4].insert_str(12, "\0\0");
            b
        }),
        3,
    ));
    // An extremely long hex line (over the 64 KiB certificate cap).
    cases.push(Case::new(
        "a 300,000-group hex line",
        break_middle(&text, |mut b| {
            b.insert(3, format!("  {}", "ABCDEF01 ".repeat(300_000)));
            b
        }),
        3,
    ));
    let mut cases: Vec<Case> = cases.into_iter().map(|c| c.intact(&others)).collect();

    // The leaf's quit missing: the CA's header cuts it off; CA and root are
    // still read.
    let leaf_quit = text.find(ios_render::CHAIN_QUIT).expect("quit");
    let mut no_leaf_quit = text.clone();
    no_leaf_quit.replace_range(leaf_quit..leaf_quit + ios_render::CHAIN_QUIT.len() + 1, "");
    cases.push(Case::new("leaf without quit", no_leaf_quit, 3).intact(&[&ca.der, &root.der]));

    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // Each broken block is an error naming a line of that block.
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(" certificate ca "))
        .expect("ca")
        + 1;
    let mut unlocated = Vec::new();
    for case in cases.iter().filter(|c| c.name != "leaf without quit") {
        let path = write(dir.path(), "one.txt", &case.bytes);
        let out = inspect(&[&path], &[]);
        let input = input_of(&out.doc, &path);
        let errors: Vec<&Value> = problems(input)
            .iter()
            .filter(|p| p["level"] == "error")
            .collect();
        let near = errors.iter().any(|p| {
            p["line"]
                .as_u64()
                .is_some_and(|l| (start as u64..start as u64 + 16).contains(&l))
        });
        if errors.is_empty() || !near || out.code != 2 {
            unlocated.push(format!(
                "{}: exit {}, errors {errors:?}",
                case.name, out.code
            ));
        }
        if certs(&out.doc).len() != 2 {
            unlocated.push(format!(
                "{}: {} certificates",
                case.name,
                certs(&out.doc).len()
            ));
        }
    }
    assert!(unlocated.is_empty(), "{}", unlocated.join("\n"));
}

#[test]
fn running_config_harmless_mangling_still_gives_every_certificate() {
    let (text, [leaf, ca, root]) = hostile_config();
    let all: [&[u8]; 3] = [&leaf.der, &ca.der, &root.der];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = vec![Case::new("CRLF", text.replace('\n', "\r\n"), 3)];
    // Random indentation of the hex lines: blanks and TABs.
    let reindented: String = text
        .lines()
        .map(|l| {
            if l.starts_with("  ") && !l.contains("quit") {
                let pad: String = (0..1 + rng.below(6))
                    .map(|_| if rng.below(3) == 0 { '\t' } else { ' ' })
                    .collect();
                format!("{pad}{}\n", l.trim_start())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    cases.push(Case::new("random indentation of hex lines", reindented, 3));
    // Trailing blanks, as a terminal copy leaves them.
    cases.push(Case::new(
        "trailing blanks",
        text.lines()
            .map(|l| format!("{l}   \n"))
            .collect::<String>(),
        3,
    ));
    // Lower-case hex (ASA writes it so).
    cases.push(Case::new(
        "lower-case hex",
        text.lines()
            .map(|l| {
                if l.starts_with("  ") && !l.contains("quit") {
                    format!("{}\n", l.to_ascii_lowercase())
                } else {
                    format!("{l}\n")
                }
            })
            .collect::<String>(),
        3,
    ));
    // 10,000 empty chains in front.
    cases.push(Case::new(
        "10,000 repeated chain headers",
        format!(
            "{}{text}",
            "crypto pki certificate chain EMPTY\n".repeat(10_000)
        ),
        3,
    ));
    // A 1 MB line of noise between the chains.
    cases.push(Case::new(
        "a 1 MB noise line between chains",
        text.replacen("!\n", &format!("!{}\n!\n", "x".repeat(1 << 20)), 1),
        3,
    ));
    let cases: Vec<Case> = cases.into_iter().map(|c| c.intact(&all)).collect();
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn running_config_random_damage_never_crashes_or_invents() {
    let (text, _) = hostile_config();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut cases = Vec::new();
    let bytes = text.as_bytes();
    for i in 0..120 {
        let mut b = bytes.to_vec();
        match i % 6 {
            // NUL bytes anywhere.
            0 => {
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(b.len());
                    b.insert(at, 0);
                }
            }
            // A byte flipped.
            1 => {
                let at = rng.below(b.len());
                b[at] ^= 1 << rng.below(8);
            }
            // A line deleted.
            2 => {
                let lines: Vec<&[u8]> = bytes.split(|c| *c == b'\n').collect();
                let drop = rng.below(lines.len());
                b = lines
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != drop)
                    .flat_map(|(_, l)| l.iter().copied().chain([b'\n']))
                    .collect();
            }
            // A line doubled.
            3 => {
                let lines: Vec<&[u8]> = bytes.split(|c| *c == b'\n').collect();
                let dup = rng.below(lines.len());
                b = lines
                    .iter()
                    .enumerate()
                    .flat_map(|(j, l)| {
                        let n = if j == dup { 2 } else { 1 };
                        std::iter::repeat_n(*l, n)
                    })
                    .flat_map(|l| l.iter().copied().chain([b'\n']))
                    .collect();
            }
            // Random indentation of every line.
            4 => {
                b = text
                    .lines()
                    .flat_map(|l| {
                        let pad = " ".repeat(rng.below(5));
                        format!("{pad}{}\n", l.trim_start()).into_bytes()
                    })
                    .collect();
            }
            // A random span of bytes cut out.
            _ => {
                let at = rng.below(b.len());
                let len = 1 + rng.below(200);
                b.drain(at..(at + len).min(b.len()));
            }
        }
        cases.push(Case::new(
            format!("random damage {i} (kind {})", i % 6),
            b,
            3,
        ));
    }
    let bad = run_cases(&cases, true);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The show output the hostile tests break: verbose IOS-XE, the RSA leaf,
/// the issuing CA, the root.
fn hostile_show() -> (String, Vec<usize>) {
    let made = [
        by_label("rsa leaf"),
        by_label("issuing ca"),
        by_label("root ca"),
    ];
    show_output(Layout::IosVerbose, &made, None)
}

/// `show` text with the middle entry's lines passed through `f`, and the
/// lines the first and last entries start on afterwards.
fn break_middle_entry(
    text: &str,
    starts: &[usize],
    f: impl Fn(Vec<String>) -> Vec<String>,
) -> (String, [usize; 2]) {
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = (starts[1] - 1, starts[2] - 1);
    let mut out: Vec<String> = lines[..a].iter().map(|s| s.to_string()).collect();
    let middle = f(lines[a..b].iter().map(|s| s.to_string()).collect());
    let last = starts[2] + middle.len() - (b - a);
    out.extend(middle);
    out.extend(lines[b..].iter().map(|s| s.to_string()));
    (
        out.iter().map(|l| format!("{l}\n")).collect(),
        [starts[0], last],
    )
}

/// A case that breaks the middle entry of `text`; the other two entries
/// must still be read.
fn middle_entry_case(
    name: &str,
    text: &str,
    starts: &[usize],
    f: impl Fn(Vec<String>) -> Vec<String>,
) -> Case {
    let (bytes, intact) = break_middle_entry(text, starts, f);
    Case::new(name, bytes, 3).intact_lines(&intact)
}

#[test]
fn show_every_prefix_is_read_without_crash_or_invention() {
    let made = [by_label("ec leaf"), by_label("p384 ca")];
    let (text, starts) = show_output(Layout::IosVerbose, &made, Some(("CET", 3600)));
    let serials: Vec<String> = made
        .iter()
        .map(|m| ios_render::ios_serial(&facts(&m.der)))
        .collect();
    // The first entry is whole once the second one's header is in.
    let second: usize = text.lines().take(starts[1] - 1).map(|l| l.len() + 1).sum();
    let stride = (text.len() / 120).max(1);
    let cases: Vec<Case> = (0..=text.len())
        .step_by(stride)
        .chain([second, text.len()])
        .filter(|cut| text.is_char_boundary(*cut))
        .map(|cut| {
            let case =
                Case::new(format!("prefix {cut}"), &text.as_bytes()[..cut], 2).serials(&serials);
            if cut >= second {
                case.intact_lines(&starts[..1])
            } else {
                case
            }
        })
        .collect();
    // Show entries of the same certificate in different inputs merge, so
    // each prefix runs on its own.
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn show_broken_entries_are_reported_and_the_others_read() {
    let (text, starts) = hostile_show();
    let mut cases = Vec::new();
    cases.push(middle_entry_case(
        "entry without its serial",
        &text,
        &starts,
        |b| {
            b.into_iter()
                .filter(|l| !l.contains("Serial Number"))
                .collect()
        },
    ));
    cases.push(middle_entry_case(
        "entry with only its header and status",
        &text,
        &starts,
        |b| b[..2].to_vec(),
    ));
    cases.push(middle_entry_case(
        "entry without its subject",
        &text,
        &starts,
        |b| {
            let s = b
                .iter()
                .position(|l| l.starts_with("  Subject:"))
                .expect("subject");
            let mut out = b[..s].to_vec();
            out.extend(b[s + 3..].iter().cloned());
            out
        },
    ));
    cases.push(middle_entry_case(
        "dates that are not dates",
        &text,
        &starts,
        |b| {
            b.into_iter()
                .map(|l| {
                    if l.contains("end   date") {
                        "    end   date: 25:61:00 UTC Foo 32 2035".to_string()
                    } else if l.contains("start date") {
                        "    start date: yesterday".to_string()
                    } else {
                        l
                    }
                })
                .collect()
        },
    ));
    cases.push(middle_entry_case(
        "a key usage mask that is not hex",
        &text,
        &starts,
        |b| {
            b.into_iter()
                .map(|l| {
                    if l.contains("X509v3 Key Usage:") {
                        "    X509v3 Key Usage: ZZ00".to_string()
                    } else {
                        l
                    }
                })
                .collect()
        },
    ));
    cases.push(middle_entry_case(
        "NUL bytes in a name line",
        &text,
        &starts,
        |mut b| {
            let i = b.iter().position(|l| l.starts_with("    cn=")).expect("cn");
            b[i].insert_str(6, "\0\0\0");
            b
        },
    ));
    cases.push(middle_entry_case(
        "a 1 MB line inside the entry",
        &text,
        &starts,
        |mut b| {
            b.insert(4, format!("    {}", "x".repeat(1 << 20)));
            b
        },
    ));
    cases.push(middle_entry_case(
        "a 1 MB name value",
        &text,
        &starts,
        |mut b| {
            let i = b.iter().position(|l| l.starts_with("    cn=")).expect("cn");
            b[i] = format!("    cn={}", "A".repeat(1 << 20));
            b
        },
    ));
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // The entry without a serial is still reported, with a warning on its
    // header line saying the serial is missing.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "no-serial.txt", &cases[0].bytes);
    let out = inspect(&[&path], &[]);
    let input = input_of(&out.doc, &path);
    assert!(
        problems(input).iter().any(|p| p["line"] == starts[1]
            && p["message"].as_str().is_some_and(|m| m.contains("serial"))),
        "{}",
        input["problems"]
    );
    // The header-only entry is one error on its line and no certificate.
    let path = write(dir.path(), "header-only.txt", &cases[1].bytes);
    let out = inspect(&[&path], &[]);
    let input = input_of(&out.doc, &path);
    let errors: Vec<&Value> = problems(input)
        .iter()
        .filter(|p| p["level"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", input["problems"]);
    assert_eq!(errors[0]["line"], starts[1]);
    assert_eq!(certs(&out.doc).len(), 2);
}

#[test]
fn show_harmless_mangling_reads_the_same_fields() {
    let (text, starts) = hostile_show();
    let dir = tempfile::tempdir().expect("tempdir");
    let clean_path = write(dir.path(), "clean.txt", &text);
    let clean = inspect(&[&clean_path], &[]).doc;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let reindented: String = text
        .lines()
        .map(|l| {
            let pad: String = (0..rng.below(7))
                .map(|_| if rng.below(4) == 0 { '\t' } else { ' ' })
                .collect();
            format!("{pad}{}\n", l.trim_start())
        })
        .collect();
    let variants = [
        ("CRLF", text.replace('\n', "\r\n")),
        ("random indentation", reindented),
        (
            "trailing blanks",
            text.lines().map(|l| format!("{l}  \t\n")).collect(),
        ),
        ("no final newline", text.trim_end().to_string()),
    ];
    let fields = [
        "/serial",
        "/subject_ios",
        "/issuer_ios",
        "/not_before",
        "/not_after",
        "/key",
        "/signature_algorithm",
        "/key_usage",
        "/extended_key_usage",
        "/subject_alt_name",
        "/sha1",
        "/known",
        "/trustpoints",
        "/crl_distribution_points",
    ];
    let mut bad = Vec::new();
    for (name, variant) in variants {
        let path = write(dir.path(), &format!("{name}.txt"), &variant);
        let out = inspect(&[&path], &[]);
        let input = input_of(&out.doc, &path);
        let noisy: Vec<&Value> = problems(input)
            .iter()
            .filter(|p| p["level"] != "note")
            .collect();
        if !noisy.is_empty() {
            bad.push(format!("{name}: problems {noisy:?}"));
        }
        for line in &starts {
            let (Some(a), Some(b)) = (
                at_line(&clean, &clean_path, *line),
                at_line(&out.doc, &path, *line),
            ) else {
                bad.push(format!("{name}: no entry at line {line}"));
                continue;
            };
            bad.extend(diffs(&format!("{name} line {line}"), a, b, &fields));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn show_repeated_headers_and_floods_are_bounded() {
    let (text, starts) = hostile_show();
    let mut cases = Vec::new();
    // 10,000 bare headers before the real entries.
    let flood = "Certificate\n".repeat(10_000);
    let shift = 10_000;
    cases.push(
        Case::new("10,000 bare headers", format!("{flood}{text}"), 3)
            .intact_lines(&starts.iter().map(|l| l + shift).collect::<Vec<_>>()),
    );
    // 10,000 headers each with a status line (an entry with nothing else).
    let flood = "CA Certificate\n  Status: Available\n".repeat(10_000);
    cases.push(
        Case::new("10,000 header+status entries", format!("{flood}{text}"), 3)
            .intact_lines(&starts.iter().map(|l| l + 2 * shift).collect::<Vec<_>>()),
    );
    // 10,000 copies of one whole entry: each is a record of the same
    // certificate, so they are at most 10,000 + 3, and are merged.
    let one = show_entry(&by_label("root ca").der, CA, "ROOT-TP", false, None);
    cases.push(Case::new(
        "10,000 copies of one entry",
        format!("{text}{}", one.repeat(10_000)),
        10_003,
    ));
    // 10,000 Subject: labels inside one entry (far beyond an entry's size).
    cases.push(middle_entry_case(
        "an entry of 10,000 Subject: lines",
        &text,
        &starts,
        |mut b| {
            let extra = vec!["  Subject:".to_string(); 10_000];
            b.splice(3..3, extra);
            b
        },
    ));
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn show_random_damage_never_crashes_or_invents() {
    let (text, _) = hostile_show();
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    for i in 0..60 {
        let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(out.len());
            match rng.below(5) {
                0 => {
                    out.remove(at);
                }
                1 => {
                    let l = out[at].clone();
                    out.insert(at, l);
                }
                2 => {
                    let j = rng.below(out.len());
                    out.swap(at, j);
                }
                3 => {
                    let l = &mut out[at];
                    let cut = (0..=rng.below(l.len() + 1).min(l.len()))
                        .rev()
                        .find(|c| l.is_char_boundary(*c))
                        .unwrap_or(0);
                    l.truncate(cut);
                }
                _ => out[at].push('\0'),
            }
        }
        let bytes: String = out.iter().map(|l| format!("{l}\n")).collect();
        // A doubled header line is a new entry: the bound is the number of
        // entry headers in the damaged copy.
        let headers = bytes
            .lines()
            .filter(|l| matches!(l.trim(), "Certificate" | "CA Certificate"))
            .count();
        cases.push(Case::new(format!("random damage {i}"), bytes, headers));
    }
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
