//! `pkiaudit check` on certificates made by other tools than rcgen: the
//! OpenSSL command line and Python `cryptography`. The files are committed
//! under `fixtures/external/` (listed in its README.md) with the scripts that
//! made them; the `#[ignore]`d tests at the end run the scripts again and
//! check that the fresh files get the same verdicts.
//!
//! Every run uses `--at 2026-06-01 --format json`. The expectations are
//! keyed by serial number, which the scripts fix (keys, and so the bytes,
//! change on every run).

use crate::common::{made_by_chains_script, run};

use run::{pkiaudit_json, Run};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const AT: &str = "2026-06-01";

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/external")
}

/// The result of one `pkiaudit check` run.
fn check(files: &[PathBuf], profile: &str, args: &[&str]) -> Run {
    let mut all: Vec<std::ffi::OsString> = vec!["check".into()];
    all.extend(files.iter().map(|f| f.as_os_str().to_owned()));
    all.extend(
        // The fixtures name distribution points on example hosts;
        // revocation has its own tests against loopback servers.
        [
            "--profile",
            profile,
            "--at",
            AT,
            "--format",
            "json",
            "--revocation",
            "off",
        ]
        .iter()
        .chain(args)
        .map(|a| a.into()),
    );
    pkiaudit_json(all)
}

/// `check` of one committed file under the ikev2 profile, for the field tests.
fn certs_of(file: &str) -> Vec<Value> {
    let run = check(&[committed().join(file)], "ikev2", &[]);
    assert_eq!(
        run.json["summary"]["input_errors"], 0,
        "{file}: {}",
        run.stderr
    );
    run.json["certificates"]
        .as_array()
        .expect("certificates array")
        .clone()
}

fn by_serial<'a>(certs: &'a [Value], serial: &str) -> &'a Value {
    certs
        .iter()
        .find(|c| c["serial"] == serial)
        .unwrap_or_else(|| panic!("no certificate with serial {serial}"))
}

/// An input's problems above the `note` level (notes say what was skipped
/// on purpose, e.g. a signed message's signature).
fn serious_problems(input: &Value) -> Vec<Value> {
    input["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems array: {input}"))
        .iter()
        .filter(|p| p["level"] != "note")
        .cloned()
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

// ---------------------------------------------------------------------------
// The verdict table
// ---------------------------------------------------------------------------

/// What one certificate of a run must get.
struct Cert {
    /// Upper-case hex, as the JSON `serial` field prints it.
    serial: &'static str,
    /// The exact set of error and warning rule ids among its findings.
    problems: &'static [&'static str],
    /// Info rule ids that must be among its findings (others may be too).
    info: &'static [&'static str],
}

const fn cert(serial: &'static str, problems: &'static [&'static str]) -> Cert {
    Cert {
        serial,
        problems,
        info: &[],
    }
}

const fn cert_info(
    serial: &'static str,
    problems: &'static [&'static str],
    info: &'static [&'static str],
) -> Cert {
    Cert {
        serial,
        problems,
        info,
    }
}

/// One `pkiaudit check FILE --profile PROFILE ARGS...` run.
struct Case {
    file: &'static str,
    profile: &'static str,
    args: &'static [&'static str],
    /// Top-level `verdict`.
    verdict: &'static str,
    exit: i32,
    /// Every certificate the run reports (no more, no fewer).
    certs: &'static [Cert],
}

// Serials of the OpenSSL PKI (make-openssl.sh).
const O_ROOT: &str = "1000";
const O_ISSUING: &str = "2000";
const O_HEADEND: &str = "C0FFEE01";
const O_SHA1: &str = "C0FFEE02";
const O_RSA1024: &str = "C0FFEE03";
const O_MD5: &str = "C0FFEE04";
const O_SECP256K1: &str = "C0FFEE05";
const O_KEYENC: &str = "C0FFEE06";
const O_EXPIRED: &str = "C0FFEE07";
const O_DSA: &str = "C0FFEE08";
const O_EXPLICIT: &str = "C0FFEE09";
const O_PSS: &str = "C0FFEE0A";
const O_CLIENT: &str = "5C0001";

/// The good headend with its chain, as every chain-carrying OpenSSL file holds it.
const O_CHAIN_OK: &[Cert] = &[
    cert_info(O_HEADEND, &[], &["name.host.match"]),
    cert(O_ISSUING, &[]),
    cert(O_ROOT, &[]),
];

const OPENSSL: &[Case] = &[
    Case {
        file: "openssl-root-ca.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(O_ROOT, &[])],
    },
    Case {
        file: "openssl-issuing-ca.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(O_ISSUING, &[])],
    },
    Case {
        file: "openssl-root-ca-trusted.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(O_ROOT, &[])],
    },
    Case {
        file: "openssl-headend-chain.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: O_CHAIN_OK,
    },
    Case {
        file: "openssl-headend-chain.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.com"],
        verdict: "fail",
        exit: 1,
        certs: &[
            cert(O_HEADEND, &["name.host.mismatch"]),
            cert(O_ISSUING, &[]),
            cert(O_ROOT, &[]),
        ],
    },
    Case {
        file: "openssl-headend-chain.pem",
        profile: "flexvpn-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: O_CHAIN_OK,
    },
    Case {
        file: "openssl-headend-chain.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[
            cert_info(O_HEADEND, &[], &["eku.ikev2.ipsec-ike"]),
            cert(O_ISSUING, &[]),
            cert(O_ROOT, &[]),
        ],
    },
    Case {
        // serverAuth only: a strict RFC 4945 peer wants ipsecIKE.
        file: "openssl-headend-chain.pem",
        profile: "rfc4945",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[
            cert(O_HEADEND, &["eku.rfc4945.ipsec-ike"]),
            cert(O_ISSUING, &[]),
            cert(O_ROOT, &[]),
        ],
    },
    Case {
        file: "openssl-headend.der",
        profile: "anyconnect-server",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(O_HEADEND, &[], &["name.host.not-given"])],
    },
    Case {
        file: "openssl-chain.p7b",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: O_CHAIN_OK,
    },
    Case {
        file: "openssl-chain-p7b.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: O_CHAIN_OK,
    },
    Case {
        file: "openssl-chain-print-certs.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: O_CHAIN_OK,
    },
    Case {
        file: "openssl-signed-ber.p7m",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: O_CHAIN_OK,
    },
    Case {
        file: "openssl-signed-ber-cms.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "warn",
        exit: 0,
        certs: &[cert_info(
            O_SECP256K1,
            &["key.ec.curve"],
            &["name.host.match"],
        )],
    },
    Case {
        file: "openssl-headend-sha1.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "warn",
        exit: 0,
        certs: &[cert(O_SHA1, &["sig.sha1"])],
    },
    Case {
        file: "openssl-headend-sha1.pem",
        profile: "anyconnect-server",
        args: &["--fail-on", "warning"],
        verdict: "warn",
        exit: 1,
        certs: &[cert(O_SHA1, &["sig.sha1"])],
    },
    Case {
        file: "openssl-headend-rsa1024.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(O_RSA1024, &["key.rsa.small"])],
    },
    Case {
        file: "openssl-headend-md5.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(O_MD5, &["sig.md5"])],
    },
    Case {
        file: "openssl-headend-secp256k1.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "warn",
        exit: 0,
        certs: &[cert(O_SECP256K1, &["key.ec.curve"])],
    },
    Case {
        file: "openssl-headend-dsa.pem",
        profile: "ikev2",
        args: &[],
        verdict: "warn",
        exit: 0,
        certs: &[cert(O_DSA, &["key.dsa"])],
    },
    Case {
        // KU digitalSignature only: AnyConnect also wants keyEncipherment
        // or keyAgreement, which a DSA key cannot have.
        file: "openssl-headend-dsa.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(O_DSA, &["ku.anyconnect.server", "key.dsa"])],
    },
    Case {
        file: "openssl-headend-rsa-pss.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.net"],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(O_PSS, &[], &["name.host.match"])],
    },
    Case {
        // P-256 with explicit ECParameters instead of the curve OID: not
        // one of the named curves IKEv2 peers accept.
        file: "openssl-headend-explicit-p256.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "warn",
        exit: 0,
        certs: &[cert(O_EXPLICIT, &["key.ec.curve"])],
    },
    Case {
        file: "openssl-keyenc-only.pem",
        profile: "ikev2",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(
            O_KEYENC,
            &["ku.ikev2.signing-bit", "ku.ikev2.ios-default-pair"],
        )],
    },
    Case {
        file: "openssl-keyenc-only.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(O_KEYENC, &["ku.anyconnect.server"])],
    },
    Case {
        file: "openssl-client-text.pem",
        profile: "flexvpn-client",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(O_CLIENT, &[])],
    },
    Case {
        file: "openssl-client-text.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(O_CLIENT, &[], &["eku.ikev2.ipsec-ike"])],
    },
    Case {
        file: "openssl-client-text.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(O_CLIENT, &["eku.anyconnect.server"])],
    },
    Case {
        file: "openssl-headend-expired.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(O_EXPIRED, &["validity.expired"])],
    },
    Case {
        file: "openssl-headend-expired.pem",
        profile: "anyconnect-server",
        args: &["--allow-expired"],
        verdict: "warn",
        exit: 0,
        certs: &[cert(O_EXPIRED, &["validity.expired-allowed"])],
    },
];

// Serials of the Python `cryptography` PKI (make-cryptography.py).
const P_ROOT: &str = "0A00";
const P_HEADEND: &str = "7E0102030405060708090A0B0C0D0E0F10111213";
const P_CLIENT: &str = "0A11CE01";
const P_WILDCARD: &str = "0B00B1E5";
const P_CRIPPLED: &str = "0A01";
const P_BMP_CN: &str = "0B3A0001";

const CRYPTOGRAPHY: &[Case] = &[
    Case {
        file: "cryptography-root-ca.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(P_ROOT, &[])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.org"],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(P_HEADEND, &[], &["name.host.match"])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "anyconnect-server",
        args: &["--host", "192.0.2.20"],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(P_HEADEND, &[], &["name.host.match"])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "anyconnect-server",
        args: &["--host", "2001:db8::20"],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(P_HEADEND, &[], &["name.host.match"])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "anyconnect-server",
        args: &["--host", "192.0.2.21"],
        verdict: "fail",
        exit: 1,
        certs: &[cert(P_HEADEND, &["name.host.mismatch"])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "flexvpn-server",
        args: &["--host", "vpn.example.org"],
        verdict: "pass",
        exit: 0,
        certs: &[cert(P_HEADEND, &[])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "eap-server",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(P_HEADEND, &[])],
    },
    Case {
        // ipsecIKE is in the EKU: the strict profile passes it too.
        file: "cryptography-headend-p384.pem",
        profile: "rfc4945",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(P_HEADEND, &[])],
    },
    Case {
        file: "cryptography-headend-p384.pem",
        profile: "flexvpn-client",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(P_HEADEND, &["eku.flexvpn.client-auth"])],
    },
    Case {
        file: "cryptography-windows-client.pem",
        profile: "flexvpn-client",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(P_CLIENT, &[])],
    },
    Case {
        file: "cryptography-windows-client.pem",
        profile: "rfc4945",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(P_CLIENT, &["eku.rfc4945.ipsec-ike"])],
    },
    Case {
        // Judged as a headend: clientAuth EKU, and with no SAN DNS/IP entry
        // the client would compare the CN "Erin Example", which is no host name.
        file: "cryptography-windows-client.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(
            P_CLIENT,
            &["eku.anyconnect.server", "name.wildcard.invalid"],
        )],
    },
    Case {
        file: "cryptography-invalid-wildcard.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "warn",
        exit: 0,
        certs: &[cert(P_WILDCARD, &["name.wildcard.invalid"])],
    },
    Case {
        file: "cryptography-invalid-wildcard.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.a.example.com"],
        verdict: "fail",
        exit: 1,
        certs: &[cert(
            P_WILDCARD,
            &["name.host.mismatch", "name.wildcard.invalid"],
        )],
    },
    Case {
        // Name rules belong to the headend profiles only.
        file: "cryptography-invalid-wildcard.pem",
        profile: "ikev2",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert(P_WILDCARD, &[])],
    },
    Case {
        file: "cryptography-ca-without-keycertsign.pem",
        profile: "ikev2",
        args: &[],
        verdict: "fail",
        exit: 1,
        certs: &[cert(P_CRIPPLED, &["ca.key-usage.cert-sign"])],
    },
];

/// Rows for a CN written as BMPString (UTF-16), which pkiaudit once read as
/// raw bytes ("\0v\0p\0n...") so that the name could not match.
const BMP_STRING: &[Case] = &[
    Case {
        file: "cryptography-headend-bmpstring-cn.pem",
        profile: "anyconnect-server",
        args: &["--host", "vpn.example.org"],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(P_BMP_CN, &[], &["name.host.match"])],
    },
    Case {
        file: "cryptography-headend-bmpstring-cn.pem",
        profile: "anyconnect-server",
        args: &[],
        verdict: "pass",
        exit: 0,
        certs: &[cert_info(P_BMP_CN, &[], &["name.host.not-given"])],
    },
];

/// Run one case against the files in `dir`; the mismatches, in words.
fn verify(dir: &Path, case: &Case) -> Vec<String> {
    let what = format!(
        "{} --profile {} {}",
        case.file,
        case.profile,
        case.args.join(" ")
    );
    let run = check(&[dir.join(case.file)], case.profile, case.args);
    let mut bad = run.run_level_problems(&what, case.exit, case.verdict);
    let certs = run.json["certificates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let got_serials: BTreeSet<&str> = certs.iter().filter_map(|c| c["serial"].as_str()).collect();
    let want_serials: BTreeSet<&str> = case.certs.iter().map(|c| c.serial).collect();
    if got_serials != want_serials || certs.len() != case.certs.len() {
        bad.push(format!(
            "{what}: certificates {got_serials:?} (expected {want_serials:?})"
        ));
    }
    for want in case.certs {
        let Some(c) = certs.iter().find(|c| c["serial"] == want.serial) else {
            continue;
        };
        let mut by_severity: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for f in c["findings"].as_array().into_iter().flatten() {
            by_severity
                .entry(f["severity"].as_str().unwrap_or("?"))
                .or_default()
                .insert(f["rule"].as_str().unwrap_or("?"));
        }
        let problems: BTreeSet<&str> = by_severity
            .iter()
            .filter(|(s, _)| **s != "info")
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        let expected: BTreeSet<&str> = want.problems.iter().copied().collect();
        if problems != expected {
            bad.push(format!(
                "{what}: serial {}: error/warning rules {problems:?} (expected {expected:?})",
                want.serial
            ));
        }
        let info = by_severity.get("info").cloned().unwrap_or_default();
        for i in want.info {
            if !info.contains(i) {
                bad.push(format!(
                    "{what}: serial {}: info {i} missing (got {info:?})",
                    want.serial
                ));
            }
        }
        // The per-certificate verdict follows from its findings.
        let cert_verdict = if by_severity.contains_key("error") {
            "fail"
        } else if by_severity.contains_key("warning") {
            "warn"
        } else {
            "pass"
        };
        if c["verdict"] != cert_verdict {
            bad.push(format!(
                "{what}: serial {}: certificate verdict {} (expected {cert_verdict})",
                want.serial, c["verdict"]
            ));
        }
    }
    bad
}

fn verify_all(dir: &Path, cases: &[Case]) {
    let bad: Vec<String> = cases.iter().flat_map(|c| verify(dir, c)).collect();
    assert!(
        bad.is_empty(),
        "{} mismatch(es) in {}:\n{}",
        bad.len(),
        dir.display(),
        bad.join("\n")
    );
}

#[test]
fn openssl_fixtures_get_the_expected_verdicts() {
    verify_all(&committed(), OPENSSL);
}

#[test]
fn cryptography_fixtures_get_the_expected_verdicts() {
    verify_all(&committed(), CRYPTOGRAPHY);
}

#[test]
fn bmpstring_cn_is_matched_as_text() {
    verify_all(&committed(), BMP_STRING);
}

/// The certificate files a script makes, by the prefix of their names.
fn fixture_files(dir: &Path, prefix: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read fixture dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .filter(|n| n.starts_with(prefix) && !made_by_chains_script(n))
        .collect()
}

#[test]
fn every_fixture_has_a_row_and_a_readme_line() {
    let readme = std::fs::read_to_string(committed().join("README.md")).expect("README.md");
    for (prefix, cases) in [("openssl-", OPENSSL), ("cryptography-", CRYPTOGRAPHY)] {
        let files = fixture_files(&committed(), prefix);
        assert!(files.len() >= 5, "{prefix}: only {files:?}");
        for f in &files {
            assert!(
                cases.iter().chain(BMP_STRING).any(|c| c.file == f),
                "{f} has no row in the verdict table"
            );
            assert!(
                readme.contains(&format!("`{f}`")),
                "{f} is not described in fixtures/external/README.md"
            );
        }
        for c in cases {
            assert!(files.contains(c.file), "row for missing file {}", c.file);
        }
    }
    for c in BMP_STRING {
        assert!(
            committed().join(c.file).is_file(),
            "row for missing file {}",
            c.file
        );
    }
}

// ---------------------------------------------------------------------------
// What the parser read out of the other tools' encodings
// ---------------------------------------------------------------------------

#[test]
fn openssl_headend_fields() {
    let certs = certs_of("openssl-headend.der");
    assert_eq!(certs.len(), 1);
    let c = &certs[0];
    assert_eq!(c["source"]["container"], "der");
    // DER encodes 0xC0FFEE01 with a 00 sign octet; it is not printed.
    assert_eq!(c["serial"], O_HEADEND);
    assert_eq!(c["version"], 3);
    assert_eq!(c["subject"], "C=US, O=Example Net, CN=vpn.example.net");
    assert_eq!(
        c["issuer"],
        "C=US, O=Example Net, CN=Example Net OpenSSL Issuing CA"
    );
    assert_eq!(c["not_before"], "2025-01-01T00:00:00Z");
    assert_eq!(c["not_after"], "2028-01-01T00:00:00Z");
    assert_eq!(c["days_left"], 579);
    assert_eq!(c["key"], serde_json::json!({"type": "rsa", "bits": 2048}));
    assert_eq!(c["signature_algorithm"]["name"], "sha256WithRSAEncryption");
    assert_eq!(c["signature_algorithm"]["hash"], "sha256");
    assert_eq!(c["key_usage"]["critical"], true);
    assert_eq!(
        strs(&c["key_usage"]["usages"]),
        ["digitalSignature", "keyEncipherment"]
    );
    assert_eq!(
        c["extended_key_usage"]["purposes"],
        serde_json::json!([{"oid": "1.3.6.1.5.5.7.3.1", "name": "serverAuth"}])
    );
    assert_eq!(
        c["subject_alt_name"]["entries"],
        serde_json::json!([{"type": "dns", "value": "vpn.example.net"}])
    );
    assert_eq!(
        c["basic_constraints"],
        serde_json::json!({"critical": false, "ca": false, "path_len": null})
    );
    assert_eq!(
        strs(&c["crl_distribution_points"]),
        ["http://pki.example.net/crl/issuing.crl"]
    );
    assert_eq!(
        strs(&c["authority_info_access"]["ocsp"]),
        ["http://ocsp.example.net"]
    );
    assert_eq!(
        strs(&c["authority_info_access"]["ca_issuers"]),
        ["http://pki.example.net/issuing.crt"]
    );
    assert_eq!(c["extension_problems"], serde_json::json!([]));
    assert_eq!(c["role"], "end-entity");
    assert_eq!(c["self_issued"], false);
}

#[test]
fn openssl_chain_links_and_ca_fields() {
    let certs = certs_of("openssl-headend-chain.pem");
    assert_eq!(certs.len(), 3);
    let (leaf, issuing, root) = (
        by_serial(&certs, O_HEADEND),
        by_serial(&certs, O_ISSUING),
        by_serial(&certs, O_ROOT),
    );
    // authorityKeyIdentifier → subjectKeyIdentifier, as OpenSSL wrote them.
    assert_eq!(
        leaf["authority_key_id"]["key_id"],
        issuing["subject_key_id"]
    );
    assert_eq!(
        issuing["authority_key_id"]["key_id"],
        root["subject_key_id"]
    );
    assert!(root["subject_key_id"]
        .as_str()
        .is_some_and(|s| s.len() == 40));
    assert_eq!(
        issuing["basic_constraints"],
        serde_json::json!({"critical": true, "ca": true, "path_len": 0})
    );
    assert_eq!(
        strs(&issuing["key_usage"]["usages"]),
        ["keyCertSign", "cRLSign"]
    );
    assert_eq!(issuing["role"], "ca");
    assert_eq!(root["role"], "ca");
    assert_eq!(root["self_signed"], true);
    assert_eq!(issuing["self_signed"], false);
    // The root's notAfter is after 2049: a GeneralizedTime.
    assert_eq!(root["not_after"], "2054-01-01T00:00:00Z");
    assert_eq!(root["not_before"], "2024-01-01T00:00:00Z");
    // PEM blocks are found at their BEGIN lines.
    let lines: Vec<i64> = certs
        .iter()
        .map(|c| c["source"]["line"].as_i64().expect("line"))
        .collect();
    assert_eq!(lines[0], 1);
    assert!(lines[0] < lines[1] && lines[1] < lines[2], "{lines:?}");
}

#[test]
fn openssl_weak_keys_and_signatures_are_read() {
    let c = &certs_of("openssl-headend-md5.pem")[0];
    assert_eq!(c["signature_algorithm"]["name"], "md5WithRSAEncryption");
    assert_eq!(c["signature_algorithm"]["oid"], "1.2.840.113549.1.1.4");
    assert_eq!(c["signature_algorithm"]["hash"], "md5");

    let c = &certs_of("openssl-headend-sha1.pem")[0];
    assert_eq!(c["signature_algorithm"]["name"], "sha1WithRSAEncryption");
    assert_eq!(c["signature_algorithm"]["oid"], "1.2.840.113549.1.1.5");
    assert_eq!(c["signature_algorithm"]["hash"], "sha1");

    // RSASSA-PSS: its hash is read from the parameters.
    let c = &certs_of("openssl-headend-rsa-pss.pem")[0];
    assert_eq!(c["signature_algorithm"]["name"], "rsassaPss (SHA-256)");
    assert_eq!(c["signature_algorithm"]["hash"], "sha256");
    assert_eq!(c["signature_algorithm"]["oid"], "1.2.840.113549.1.1.10");
    assert_eq!(c["key"], serde_json::json!({"type": "rsa", "bits": 2048}));

    let c = &certs_of("openssl-headend-rsa1024.pem")[0];
    assert_eq!(c["key"], serde_json::json!({"type": "rsa", "bits": 1024}));
    assert_eq!(c["signature_algorithm"]["name"], "sha256WithRSAEncryption");

    let c = &certs_of("openssl-headend-secp256k1.pem")[0];
    assert_eq!(
        c["key"],
        serde_json::json!({"type": "ec", "curve": "secp256k1", "curve_oid": "1.3.132.0.10", "bits": 256})
    );
    assert_eq!(
        strs(&c["key_usage"]["usages"]),
        ["digitalSignature", "keyAgreement"]
    );

    let c = &certs_of("openssl-headend-dsa.pem")[0];
    assert_eq!(c["key"], serde_json::json!({"type": "dsa", "bits": 2048}));

    let c = &certs_of("openssl-keyenc-only.pem")[0];
    assert_eq!(strs(&c["key_usage"]["usages"]), ["keyEncipherment"]);
    let purposes: Vec<&str> = c["extended_key_usage"]["purposes"]
        .as_array()
        .expect("purposes")
        .iter()
        .map(|p| p["oid"].as_str().expect("oid"))
        .collect();
    assert_eq!(purposes, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.17"]);

    let c = &certs_of("openssl-headend-expired.pem")[0];
    assert_eq!(c["not_after"], "2025-01-01T00:00:00Z");
    assert_eq!(c["days_left"], -516);
}

/// OpenSSL's `ec_param_enc:explicit` writes the curve as an ECParameters
/// SEQUENCE in the AlgorithmIdentifier parameters, not as a named-curve OID.
/// pkiaudit must say so instead of reading the SEQUENCE's content octets as
/// an OID (which gives a curve "name" of several hundred characters).
#[test]
fn explicit_ec_parameters_are_not_a_curve_oid() {
    let c = &certs_of("openssl-headend-explicit-p256.pem")[0];
    assert_eq!(
        c["key"],
        serde_json::json!({
            "type": "ec",
            "curve": "explicit or missing curve parameters",
            "curve_oid": null,
            "bits": 256
        })
    );
    let run = check(
        &[committed().join("openssl-headend-explicit-p256.pem")],
        "ikev2",
        &[],
    );
    let message = run.json["certificates"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "key.ec.curve")
        .and_then(|f| f["message"].as_str())
        .expect("key.ec.curve finding")
        .to_string();
    assert!(message.starts_with("EC key on explicit"), "{message}");
}

#[test]
fn openssl_client_after_a_text_dump() {
    let run = check(
        &[committed().join("openssl-client-text.pem")],
        "flexvpn-client",
        &[],
    );
    assert_eq!(
        serious_problems(&run.json["inputs"][0]),
        Vec::<Value>::new()
    );
    let c = &run.json["certificates"][0];
    assert_eq!(c["serial"], O_CLIENT);
    assert_eq!(
        c["subject"],
        "C=US, O=Example Net, OU=Remote Access, CN=dave"
    );
    // The BEGIN line comes after the `openssl x509 -text` dump.
    assert!(c["source"]["line"].as_i64().expect("line") > 20, "{c}");
    assert_eq!(
        c["subject_alt_name"]["entries"],
        serde_json::json!([{"type": "email", "value": "dave@example.net"}])
    );
    assert_eq!(
        c["extended_key_usage"]["purposes"],
        serde_json::json!([{"oid": "1.3.6.1.5.5.7.3.2", "name": "clientAuth"}])
    );
}

#[test]
fn openssl_trusted_certificate_is_the_plain_root() {
    let run = check(
        &[
            committed().join("openssl-root-ca-trusted.pem"),
            committed().join("openssl-root-ca.pem"),
        ],
        "ikev2",
        &[],
    );
    // The trust settings after the certificate are not "trailing data".
    for input in run.json["inputs"].as_array().expect("inputs") {
        assert_eq!(serious_problems(input), Vec::<Value>::new(), "{input}");
        assert_eq!(input["certificates"], 1);
    }
    let certs = run.json["certificates"].as_array().expect("certificates");
    assert_eq!(certs.len(), 1, "the two files hold the same certificate");
    let c = &certs[0];
    assert_eq!(c["serial"], O_ROOT);
    assert_eq!(c["source"]["container"], "pem");
    assert_eq!(c["duplicates"].as_array().expect("duplicates").len(), 1);
    assert_eq!(c["self_signed"], true);
    assert_eq!(c["role"], "ca");
}

/// (file, format, container): each holds the headend, the issuing CA and the root.
const BUNDLES: &[(&str, &str, &str)] = &[
    ("openssl-chain.p7b", "pkcs7", "pkcs7"),
    ("openssl-chain-p7b.pem", "pem", "pem-pkcs7"),
    ("openssl-signed-ber.p7m", "pkcs7", "pkcs7"),
    ("openssl-chain-print-certs.pem", "pem", "pem"),
    ("openssl-headend-chain.pem", "pem", "pem"),
];

#[test]
fn openssl_bundles_hold_three_certificates() {
    for (file, format, container) in BUNDLES {
        let run = check(&[committed().join(file)], "ikev2", &[]);
        let input = &run.json["inputs"][0];
        assert_eq!(input["format"], *format, "{file}");
        assert_eq!(input["certificates"], 3, "{file}");
        assert_eq!(serious_problems(input), Vec::<Value>::new(), "{file}");
        assert_eq!(run.json["summary"]["certificates_found"], 3, "{file}");
        let certs = run.json["certificates"].as_array().expect("certificates");
        let serials: BTreeSet<&str> = certs.iter().filter_map(|c| c["serial"].as_str()).collect();
        assert_eq!(
            serials,
            BTreeSet::from([O_HEADEND, O_ISSUING, O_ROOT]),
            "{file}"
        );
        for c in certs {
            assert_eq!(c["source"]["container"], *container, "{file}");
            if *container != "pem" {
                let i = c["source"]["bundle_index"].as_i64().expect("bundle_index");
                assert!((1..=3).contains(&i), "{file}: {c}");
            }
        }
    }
    // The streaming CMS message in a `CMS` PEM block: the signer only.
    let run = check(
        &[committed().join("openssl-signed-ber-cms.pem")],
        "ikev2",
        &[],
    );
    assert_eq!(run.json["inputs"][0]["certificates"], 1);
    assert_eq!(
        serious_problems(&run.json["inputs"][0]),
        Vec::<Value>::new()
    );
    assert_eq!(
        run.json["certificates"][0]["source"]["container"],
        "pem-pkcs7"
    );
}

#[test]
fn the_same_chain_from_every_openssl_encoding_is_one_chain() {
    let mut files: Vec<PathBuf> = BUNDLES
        .iter()
        .map(|(f, _, _)| committed().join(f))
        .collect();
    files.push(committed().join("openssl-headend.der"));
    files.push(committed().join("openssl-root-ca-trusted.pem"));
    let run = check(&files, "anyconnect-server", &["--host", "vpn.example.net"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = &run.json["summary"];
    assert_eq!(s["certificates_found"], 17);
    assert_eq!(
        s["certificates"], 3,
        "byte-identical DER from every encoding"
    );
    assert_eq!(s["duplicates"], 14);
    assert_eq!(s["end_entities"], 1);
    assert_eq!(s["cas"], 2);
    assert_eq!(run.json["verdict"], "pass");
}

#[test]
fn cryptography_headend_fields() {
    let c = &certs_of("cryptography-headend-p384.pem")[0];
    // A 20-octet serial (the RFC 5280 maximum) is not a finding.
    assert_eq!(c["serial"], P_HEADEND);
    assert_eq!(
        c["key"],
        serde_json::json!({"type": "ec", "curve": "P-384", "curve_oid": "1.3.132.0.34", "bits": 384})
    );
    assert_eq!(c["signature_algorithm"]["name"], "ecdsa-with-SHA384");
    assert_eq!(c["signature_algorithm"]["hash"], "sha384");
    assert_eq!(
        c["subject_alt_name"]["entries"],
        serde_json::json!([
            {"type": "dns", "value": "vpn.example.org"},
            {"type": "ip", "value": "192.0.2.20"},
            {"type": "ip", "value": "2001:db8::20"},
        ])
    );
    assert_eq!(
        strs(&c["key_usage"]["usages"]),
        ["digitalSignature", "keyAgreement"]
    );
    assert_eq!(
        c["extended_key_usage"]["purposes"],
        serde_json::json!([
            {"oid": "1.3.6.1.5.5.7.3.1", "name": "serverAuth"},
            {"oid": "1.3.6.1.5.5.7.3.17", "name": "ipsecIKE"},
        ])
    );
    assert_eq!(c["not_before"], "2025-03-01T00:00:00Z");
    assert_eq!(c["not_after"], "2027-03-01T00:00:00Z");
    assert_eq!(
        c["issuer"],
        "C=DE, O=Example Org, CN=Example Org Python Root CA"
    );
}

#[test]
fn cryptography_windows_client_upn() {
    let c = &certs_of("cryptography-windows-client.pem")[0];
    assert_eq!(c["serial"], P_CLIENT);
    assert_eq!(
        c["subject_alt_name"]["entries"],
        serde_json::json!([
            {"type": "other_name", "value": "UPN:erin@corp.example.org"},
            {"type": "email", "value": "erin@example.org"},
        ])
    );
    assert_eq!(c["key"], serde_json::json!({"type": "rsa", "bits": 2048}));
    assert_eq!(c["signature_algorithm"]["name"], "ecdsa-with-SHA256");
    // The non-critical AD CS template name extension is no problem.
    assert_eq!(c["extension_problems"], serde_json::json!([]));
}

#[test]
fn cryptography_ca_fields() {
    let c = &certs_of("cryptography-ca-without-keycertsign.pem")[0];
    assert_eq!(c["role"], "ca");
    assert_eq!(
        c["basic_constraints"],
        serde_json::json!({"critical": true, "ca": true, "path_len": 0})
    );
    assert_eq!(
        strs(&c["key_usage"]["usages"]),
        ["digitalSignature", "cRLSign"]
    );
    let root = &certs_of("cryptography-root-ca.pem")[0];
    assert_eq!(root["serial"], P_ROOT);
    // An ECDSA P-256 self-signature that verifies.
    assert_eq!(root["self_signed"], true);
    assert_eq!(c["authority_key_id"]["key_id"], root["subject_key_id"]);
    let wildcard = &certs_of("cryptography-invalid-wildcard.pem")[0];
    assert_eq!(
        wildcard["subject_alt_name"]["entries"],
        serde_json::json!([{"type": "dns", "value": "vpn.*.example.com"}])
    );
}

#[test]
fn cryptography_bmpstring_subject_text() {
    let c = &certs_of("cryptography-headend-bmpstring-cn.pem")[0];
    assert_eq!(c["serial"], P_BMP_CN);
    assert_eq!(c["subject"], "C=DE, O=Example Org, CN=vpn.example.org");
    assert_eq!(c["subject_alt_name"], Value::Null);
}

// ---------------------------------------------------------------------------
// The scripts still work, and the verdicts do not depend on committed bytes
// ---------------------------------------------------------------------------

/// A fresh, empty directory under Cargo's per-target temp directory.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("external-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn regenerate_and_verify(name: &str, program: &str, script: &str, prefix: &str, cases: &[Case]) {
    let dir = fresh_dir(name);
    let status = Command::new(program)
        .arg(committed().join(script))
        .arg(&dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {program} {script}: {e}"));
    assert!(status.success(), "{script} failed: {status}");
    assert_eq!(
        fixture_files(&dir, prefix),
        fixture_files(&committed(), prefix),
        "{script} makes exactly the committed files"
    );
    verify_all(&dir, cases);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs openssl"]
fn openssl_script_regenerates_equivalent_fixtures() {
    regenerate_and_verify("openssl", "bash", "make-openssl.sh", "openssl-", OPENSSL);
}

#[test]
#[ignore = "needs python3 cryptography"]
fn cryptography_script_regenerates_equivalent_fixtures() {
    regenerate_and_verify(
        "cryptography",
        "python3",
        "make-cryptography.py",
        "cryptography-",
        CRYPTOGRAPHY,
    );
}
