//! What real certificate folders hold besides certificates (issue 17):
//! keys, encrypted keys, CSRs (PEM and DER), CRLs, READMEs and `.bak`
//! copies are reported by kind, not as input errors; only a truly corrupt
//! `.pem` is one. `--exclude` and inventory `exclude` leave files out, and
//! say which.

use std::collections::BTreeMap;
use std::path::Path;

use rcgen::{
    CertificateParams, CertificateRevocationListParams, DistinguishedName, DnType, Issuer,
    KeyIdMethod, KeyPair, SerialNumber,
};
use serde_json::Value;

use crate::common::run::offline;
use crate::common::testkit::{pem_block, ymd, Issued};

const AT: &str = "2026-06-01T00:00:00Z";

/// A folder as operators keep them: the CA certificate and a `.bak` copy,
/// a key, an encrypted key, a CSR as PEM and as DER, a CRL, a README, and
/// one truly corrupt `.pem`.
fn estate(dir: &Path) {
    let ca = Issued::root("Kinds Root CA");
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    write("ca.pem", ca.pem().as_bytes());
    write("ca.pem.bak", ca.pem().as_bytes());
    let key = KeyPair::generate().unwrap();
    write("server.key", key.serialize_pem().as_bytes());
    let encrypted = yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_sequence(|w| {
                w.next()
                    .write_oid(&yasna::models::ObjectIdentifier::from_slice(&[
                        1, 2, 840, 113549, 1, 5, 13,
                    ]));
                w.next().write_sequence(|_| {});
            });
            w.next().write_bytes(&[0x42; 64]);
        })
    });
    write(
        "server-enc.key",
        pem_block("ENCRYPTED PRIVATE KEY", &encrypted).as_bytes(),
    );
    let mut params = CertificateParams::new(vec!["vpn.example.com".to_string()]).unwrap();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "vpn.example.com");
    let csr = params.serialize_request(&key).unwrap();
    write("server.csr", csr.pem().unwrap().as_bytes());
    write("server-req.der", csr.der());
    let crl = CertificateRevocationListParams {
        this_update: ymd((2026, 5, 1)),
        next_update: ymd((2026, 7, 1)),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: vec![],
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&Issuer::from_params(&ca.params, &ca.key))
    .unwrap();
    write("ca.crl", crl.pem().unwrap().as_bytes());
    write(
        "README.md",
        b"# Hub certificates\n\nRenew with the IPsec template; keys stay here.\n",
    );
    let pem = ca.pem();
    write("broken.pem", &pem.as_bytes()[..pem.len() / 2]);
}

const KINDS: &[(&str, &str)] = &[
    ("README.md", "text"),
    ("broken.pem", "unreadable"),
    ("ca.crl", "crl"),
    ("ca.pem", "certificates"),
    ("ca.pem.bak", "certificates"),
    ("server-enc.key", "private-key"),
    ("server-req.der", "csr"),
    ("server.csr", "csr"),
    ("server.key", "private-key"),
];

fn run(args: &[&str], dir: &Path) -> (i32, Value) {
    let out = offline().args(args).arg(dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: {e}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

fn name(v: &Value) -> String {
    let file = v["file"].as_str().unwrap_or("");
    Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Each input's kind, and the names of those with errors.
fn kinds_of(doc: &Value, sweep: bool) -> (BTreeMap<String, String>, Vec<String>) {
    let mut kinds = BTreeMap::new();
    let mut errors = Vec::new();
    for i in doc["inputs"].as_array().unwrap() {
        kinds.insert(name(i), i["file_kind"].as_str().unwrap_or("").to_string());
        let has_error = if sweep {
            !i["errors"].as_array().unwrap().is_empty()
        } else {
            i["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["level"] == "error")
        };
        if has_error {
            errors.push(name(i));
        }
    }
    (kinds, errors)
}

fn expected(without: &[&str]) -> BTreeMap<String, String> {
    KINDS
        .iter()
        .filter(|(n, _)| !without.contains(n))
        .map(|(n, k)| (n.to_string(), k.to_string()))
        .collect()
}

#[test]
fn sweep_and_check_report_each_file_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    for (what, sweep) in [("sweep", true), ("check", false)] {
        let (code, doc) = run(
            &[what, "--format", "json", "--at", AT, "--revocation", "off"],
            dir.path(),
        );
        let (kinds, errors) = kinds_of(&doc, sweep);
        assert_eq!(kinds, expected(&[]), "{what}");
        assert_eq!(errors, ["broken.pem"], "{what}: only the corrupt .pem");
        assert_eq!(code, 2, "{what}: the corrupt .pem is an input error");
        // the private keys are data a finding can name: file, line, encrypted
        let inputs = doc["inputs"].as_array().unwrap();
        let key = |n: &str| -> Value {
            let i = inputs.iter().find(|i| name(i) == n).unwrap();
            i["objects"][0].clone()
        };
        assert_eq!(key("server.key")["kind"], "private-key", "{what}");
        assert_eq!(key("server.key")["encrypted"], false, "{what}");
        assert_eq!(key("server.key")["line"], 1, "{what}");
        assert_eq!(key("server-enc.key")["encrypted"], true, "{what}");
        assert_eq!(key("server-req.der")["subject"], "CN=vpn.example.com");
        assert_eq!(key("server-req.der")["encoding"], "der");
        // no key material anywhere in the output
        let text = doc.to_string();
        let pem = std::fs::read_to_string(dir.path().join("server.key")).unwrap();
        for line in pem.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!text.contains(line), "{what}: key material in the output");
        }
    }
}

#[test]
fn exclude_leaves_files_out_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    let args = [
        "--format",
        "json",
        "--at",
        AT,
        "--revocation",
        "off",
        "--exclude",
        "*.key",
        "--exclude",
        "*.bak",
        "--exclude",
        "broken.pem",
    ];
    let (code, doc) = run(&[&["sweep"], &args[..]].concat(), dir.path());
    let (kinds, errors) = kinds_of(&doc, true);
    let out = ["server.key", "server-enc.key", "ca.pem.bak", "broken.pem"];
    assert_eq!(kinds, expected(&out));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(code, 0, "{doc}");
    let mut excluded: Vec<(String, String)> = doc["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (name(e), e["pattern"].as_str().unwrap().to_string()))
        .collect();
    excluded.sort();
    assert_eq!(
        excluded,
        [
            ("broken.pem".to_string(), "broken.pem".to_string()),
            ("ca.pem.bak".into(), "*.bak".into()),
            ("server-enc.key".into(), "*.key".into()),
            ("server.key".into(), "*.key".into()),
        ]
    );
    assert_eq!(doc["summary"]["inputs"], 5);

    // check lists them as inputs of kind `excluded`, never read
    let (code, doc) = run(&[&["check"], &args[..]].concat(), dir.path());
    let (kinds, errors) = kinds_of(&doc, false);
    let mut want = expected(&[]);
    for n in out {
        want.insert(n.to_string(), "excluded".to_string());
    }
    assert_eq!(kinds, want);
    assert!(errors.is_empty(), "{errors:?}");
    assert_ne!(code, 2, "{doc}");

    // a bad pattern is a usage error naming it
    let out = offline()
        .args(["sweep", "--exclude", "[z-a"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[z-a"));
}

#[test]
fn inventory_exclude_globally_and_per_target() {
    let dir = tempfile::tempdir().unwrap();
    let estate_dir = dir.path().join("hub1");
    std::fs::create_dir(&estate_dir).unwrap();
    estate(&estate_dir);
    let inventory = dir.path().join("inventory.toml");
    std::fs::write(
        &inventory,
        r#"
exclude = ["*.key"]

[[target]]
name = "hub1"
paths = ["hub1/"]
exclude = ["hub1/broken.pem", "*.bak"]
"#,
    )
    .unwrap();
    let (code, doc) = run(
        &[
            "sweep",
            "--format",
            "json",
            "--at",
            AT,
            "--revocation",
            "off",
        ],
        &inventory,
    );
    let (kinds, errors) = kinds_of(&doc, true);
    assert_eq!(
        kinds,
        expected(&["server.key", "server-enc.key", "ca.pem.bak", "broken.pem"])
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["excluded"].as_array().unwrap().len(), 4);
    assert!(doc["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["target"] == "hub1"));
}

#[test]
fn check_of_files_without_any_certificate_is_not_a_pass() {
    // A user sends their key and CSR instead of the certificate: check
    // names what each file is and exits 2; the verdict is not "PASS".
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    let out = offline()
        .args(["--color", "never", "check"])
        .arg(dir.path().join("server.key"))
        .arg(dir.path().join("server.csr"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verdict: nothing audited"), "{text}");
    assert!(!text.contains("verdict: PASS"), "{text}");
    assert!(text.contains("a private key"), "{text}");
    assert!(text.contains("a certificate signing request"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no certificate found in the inputs"), "{err}");
}
