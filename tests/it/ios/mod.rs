//! Cisco device output through the binary: certificates made here are
//! printed as IOS, IOS-XE and ASA print them (`tests/it/common/ios_render.rs`,
//! which reads the DER with x509-parser, not with pkiaudit). Two suites share
//! the certificates and the helpers below: `round_trip` reads the rendered
//! text back with `pkiaudit inspect` / `check` and compares it with the same
//! certificates read from PEM; `hostile` breaks the rendered text in many
//! ways, and the binary must neither crash nor invent certificates, must name
//! the line of every error, and must still report the intact certificates
//! beside a broken one.

mod hostile;
mod round_trip;

use crate::common::{fixture, ios_render, run, sha1_hex, sha256_hex, testkit, write};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
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
type Out = run::Run;

fn pkiaudit(args: &[String]) -> Out {
    let out = run::pkiaudit_json(args);
    assert!(
        matches!(out.code, 0..=2),
        "pkiaudit {args:?} exited {} (a panic is 101); stderr:\n{}",
        out.code,
        tail(&out.stderr)
    );
    out
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
