//! PKCS#12 (`.pfx`, `.p12`) inputs as OpenSSL 3 writes them: the default
//! (AES-256-CBC, PBKDF2, HMAC-SHA-256 MAC) and `-legacy` (RC2-40, 3DES,
//! SHA-1 MAC), with the empty password and with one, a chain, friendly
//! names, a key that is not the leaf's (Python `cryptography`), and no key.
//! The files are committed in `fixtures/pkcs12/`, made by its `make.sh`
//! (listed there), so these run without OpenSSL; the `#[ignore]`d test at
//! the end makes them again with the OpenSSL on the machine and runs the
//! same checks on the fresh files (keys, and so bytes, change every run).
//!
//! Each run is `pkiaudit check --format json`, judged on the certificates
//! found, their friendly names, the `file.private-key` findings and the
//! words of the errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::run::{self, offline, pkiaudit_json, Run};

const AT: &str = "2027-06-01";
const ALICE: &str = "O=pkiaudit test, CN=alice";
const BOB: &str = "O=pkiaudit test, CN=bob";
const ISSUING: &str = "O=pkiaudit test, CN=P12 Test Issuing CA";
const ROOT: &str = "O=pkiaudit test, CN=P12 Test Root";

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pkcs12")
}

fn check(dir: &Path, file: &str, extra: &[&str]) -> Run {
    let path = dir.join(file);
    let mut args = vec!["check", "--format", "json", "--at", AT];
    args.extend_from_slice(extra);
    let path = path.to_str().expect("UTF-8 path");
    args.push(path);
    pkiaudit_json(args)
}

fn with_password(dir: &Path, file: &str) -> Run {
    let pw = dir.join("password.txt");
    check(
        dir,
        file,
        &["--password-file", pw.to_str().expect("UTF-8 path")],
    )
}

fn subjects(run: &Run) -> Vec<String> {
    let mut s: Vec<String> = run.json["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| c["subject"].as_str().unwrap_or_default().to_string())
        .collect();
    s.sort();
    s
}

fn certificate<'a>(run: &'a Run, subject: &str) -> &'a Value {
    run.json["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .find(|c| c["subject"] == subject)
        .unwrap_or_else(|| panic!("no certificate {subject} in {}", run.json["certificates"]))
}

fn key_findings(run: &Run) -> Vec<(String, String)> {
    run.json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("file.")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn problems(run: &Run) -> String {
    run.json["inputs"][0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| format!("{}: {}", p["level"], p["message"]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file with alice's key and her chain, opened: what every such file
/// must give.
fn assert_alice(run: &Run, what: &str, rule: &str) {
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
    assert_eq!(
        run.json["summary"]["input_errors"],
        0,
        "{what}: {}",
        problems(run)
    );
    assert_eq!(run.json["inputs"][0]["format"], "pkcs12", "{what}");
    let mut want = vec![ALICE, ISSUING, ROOT];
    want.sort();
    assert_eq!(subjects(run), want, "{what}");
    let alice = certificate(run, ALICE);
    assert_eq!(alice["role"], "end-entity", "{what}");
    assert_eq!(alice["source"]["container"], "pkcs12", "{what}");
    assert_eq!(
        alice["source"]["pkcs12"]["friendly_name"], "Alice VPN",
        "{what}"
    );
    assert_eq!(alice["source"]["pkcs12"]["holds_key"], true, "{what}");
    assert_eq!(
        certificate(run, ROOT)["source"]["pkcs12"]["holds_key"],
        false,
        "{what}"
    );
    let findings = key_findings(run);
    assert_eq!(findings.len(), 1, "{what}: {findings:?}");
    let (id, message) = &findings[0];
    assert_eq!(id, rule, "{what}");
    for words in [
        "PKCS#12",
        "EC P-256",
        &format!("that matches the certificate {ALICE}"),
        "travelled by mail",
        "treat the key as exposed",
    ] {
        assert!(
            message.contains(words),
            "{what}: '{words}' not in: {message}"
        );
    }
    let object = &run.json["inputs"][0]["objects"][0];
    assert_eq!(object["kind"], "private-key", "{what}");
    assert_eq!(object["key_match"]["matches"], true, "{what}");
}

fn opens_alice_files(dir: &Path) {
    for file in ["alice-modern.p12", "alice-legacy.p12"] {
        assert_alice(&check(dir, file, &[]), file, "file.private-key");
    }
    for file in ["alice-modern-pw.p12", "alice-legacy-pw.p12"] {
        let run = with_password(dir, file);
        assert_alice(&run, file, "file.private-key.encrypted");
        assert!(
            problems(&run).contains("opened with the one from --password-file"),
            "{file}: {}",
            problems(&run)
        );
    }
    let legacy = problems(&check(dir, "alice-legacy.p12", &[]));
    assert!(
        legacy.contains("RC2-40") && legacy.contains("HMAC-SHA-1"),
        "{legacy}"
    );
    let modern = problems(&check(dir, "alice-modern.p12", &[]));
    assert!(
        modern.contains("AES-256-CBC with PBKDF2-HMAC-SHA-256") && modern.contains("HMAC-SHA-256"),
        "{modern}"
    );
}

fn opens_bob_rsa(dir: &Path) {
    let run = with_password(dir, "bob-rsa-3des.p12");
    assert_eq!(run.json["summary"]["input_errors"], 0, "{}", problems(&run));
    assert_eq!(
        certificate(&run, BOB)["source"]["pkcs12"]["friendly_name"],
        "Bob"
    );
    let findings = key_findings(&run);
    assert!(
        findings[0].1.contains("RSA 2048 bits")
            && findings[0]
                .1
                .contains(&format!("matches the certificate {BOB}")),
        "{findings:?}"
    );
    assert!(problems(&run).contains("3DES"), "{}", problems(&run));
}

fn mismatch_is_said(dir: &Path) {
    let run = check(dir, "mismatch.p12", &[]);
    assert_eq!(run.json["summary"]["input_errors"], 0, "{}", problems(&run));
    assert_eq!(subjects(&run), vec![ALICE.to_string()]);
    assert_eq!(
        certificate(&run, ALICE)["source"]["pkcs12"]["holds_key"],
        false
    );
    let findings = key_findings(&run);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]
            .1
            .contains(&format!("does NOT match the certificate {ALICE}")),
        "{findings:?}"
    );
    assert_eq!(
        run.json["inputs"][0]["objects"][0]["key_match"]["matches"],
        false
    );
}

fn no_key_no_finding(dir: &Path) {
    let run = check(dir, "chain-nokeys.p12", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut want = vec![ISSUING.to_string(), ROOT.to_string()];
    want.sort();
    assert_eq!(subjects(&run), want);
    assert!(key_findings(&run).is_empty());
    assert!(run.json["inputs"][0].get("objects").is_none());
}

#[test]
fn openssl_default_and_legacy_files_open_with_and_without_a_password() {
    opens_alice_files(&committed());
}

#[test]
fn an_rsa_key_under_3des_matches_its_certificate() {
    opens_bob_rsa(&committed());
}

#[test]
fn a_key_that_is_not_the_leafs_is_said_to_be_so() {
    mismatch_is_said(&committed());
}

#[test]
fn a_file_without_key_gives_its_certificates_and_no_key_finding() {
    no_key_no_finding(&committed());
}

#[test]
fn the_password_comes_from_the_environment_too() {
    let dir = committed();
    let out = offline()
        .env("PKIAUDIT_PASSWORD", "correct horse battery")
        .args(["--color", "never", "check", "--format", "json", "--at", AT])
        .arg(dir.join("alice-modern-pw.p12"))
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["summary"]["input_errors"], 0, "{}", json["inputs"]);
    assert_eq!(json["certificates"].as_array().map(Vec::len), Some(3));
    assert!(json["inputs"][0]["problems"]
        .to_string()
        .contains("the one in PKIAUDIT_PASSWORD"));
}

#[test]
fn without_a_password_the_error_says_how_to_give_one() {
    let dir = committed();
    let run = check(&dir, "alice-modern-pw.p12", &[]);
    assert_eq!(run.code, 2);
    let file = dir.join("alice-modern-pw.p12").display().to_string();
    let said = problems(&run);
    for words in [
        format!("PKCS#12 file {file} is protected by a password"),
        "--password-file FILE".to_string(),
        "PKIAUDIT_PASSWORD".to_string(),
    ] {
        assert!(said.contains(&words), "'{words}' not in: {said}");
    }
    assert!(run.stderr.contains(&file), "{}", run.stderr);
}

#[test]
fn a_wrong_password_is_an_error_naming_the_file() {
    let dir = committed();
    let tmp = tempfile::tempdir().expect("tempdir");
    let wrong = tmp.path().join("wrong.txt");
    std::fs::write(&wrong, "Tr0ub4dor&3\n").expect("write");
    for file in [
        "alice-modern-pw.p12",
        "alice-legacy-pw.p12",
        "bob-rsa-3des.p12",
    ] {
        let run = check(&dir, file, &["--password-file", wrong.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{file}");
        let want = format!(
            "wrong password for PKCS#12 file {} (tried the empty password and the one from \
             --password-file {})",
            dir.join(file).display(),
            wrong.display()
        );
        assert!(problems(&run).contains(&want), "{file}: {}", problems(&run));
        assert!(run.json["certificates"]
            .as_array()
            .is_some_and(Vec::is_empty));
    }
}

#[test]
fn a_tampered_file_fails_its_integrity_check() {
    let dir = committed();
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::copy(dir.join("password.txt"), tmp.path().join("password.txt")).expect("copy");
    for file in [
        "alice-modern-pw.p12",
        "alice-legacy-pw.p12",
        "alice-modern.p12",
    ] {
        let mut bytes = std::fs::read(dir.join(file)).expect("fixture");
        // The PFX ends with the MAC's salt and `INTEGER 2048`: change the
        // salt's last octet, as a damaged or edited file would.
        assert_eq!(bytes[bytes.len() - 4..], [2, 2, 8, 0], "{file}");
        let at = bytes.len() - 5;
        bytes[at] ^= 0x01;
        std::fs::write(tmp.path().join(file), &bytes).expect("write");
        let run = with_password(tmp.path(), file);
        assert_eq!(run.code, 2, "{file}");
        let said = problems(&run);
        assert!(
            said.contains("the integrity check failed"),
            "{file}: {said}"
        );
        assert!(said.contains(&tmp.path().join(file).display().to_string()));
        assert!(run.json["certificates"]
            .as_array()
            .is_some_and(Vec::is_empty));
    }
}

#[test]
fn a_truncated_file_is_recognised_and_said_to_be_cut_short() {
    let bytes = std::fs::read(committed().join("alice-modern.p12")).expect("fixture");
    let tmp = tempfile::tempdir().expect("tempdir");
    for cut in [64, bytes.len() / 2, bytes.len() - 10] {
        std::fs::write(tmp.path().join("cut.p12"), &bytes[..cut]).expect("write");
        let run = check(tmp.path(), "cut.p12", &[]);
        assert_eq!(run.code, 2);
        let said = problems(&run);
        assert!(
            said.contains("PKCS#12 file cannot be read"),
            "{cut}: {said}"
        );
        assert!(
            !said.contains("UnexpectedTag") && !said.contains("Der("),
            "{said}"
        );
    }
}

#[test]
fn base64_of_a_pfx_is_read() {
    use base64::Engine;
    let bytes = std::fs::read(committed().join("alice-modern.p12")).expect("fixture");
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
    std::fs::write(tmp.path().join("alice.pfx.b64"), text).expect("write");
    assert_alice(
        &check(tmp.path(), "alice.pfx.b64", &[]),
        "base64",
        "file.private-key",
    );
}

#[test]
fn inspect_and_trust_take_the_password_file_too() {
    let dir = committed();
    let pw = dir.join("password.txt");
    for cmd in ["inspect", "trust"] {
        let out = offline()
            .args(["--color", "never", cmd, "--password-file"])
            .arg(&pw)
            .arg(dir.join("alice-legacy-pw.p12"))
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{cmd}: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("P12 Test Root"), "{cmd}: {text}");
    }
}

#[test]
fn a_sweep_target_names_its_password_file() {
    let dir = committed();
    let tmp = tempfile::tempdir().expect("tempdir");
    let inventory = tmp.path().join("inventory.toml");
    std::fs::write(
        &inventory,
        format!(
            "[[target]]\nname = \"exports\"\npaths = [\"{}\", \"{}\"]\npassword_file = \"{}\"\n",
            dir.join("alice-modern-pw.p12").display(),
            dir.join("alice-modern.p12").display(),
            dir.join("password.txt").display()
        ),
    )
    .expect("write");
    let out = offline()
        .args(["--color", "never", "sweep", "--format", "json", "--at", AT])
        .arg(&inventory)
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let inputs = json["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2, "{}", json["inputs"]);
    for i in inputs {
        assert_eq!(i["certificates"], 3, "{i}");
        assert_eq!(i["errors"].as_array().map(Vec::len), Some(0), "{i}");
    }
    // The unprotected file is a finding; the protected one is info, which
    // a sweep does not list.
    let findings: Vec<&Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "file.private-key")
        .collect();
    assert_eq!(findings.len(), 1, "{}", json["findings"]);
    assert!(findings[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("matches the certificate")));
}

#[test]
fn help_lists_the_password_options_under_their_heading() {
    for cmd in ["check", "inspect", "trust", "sweep"] {
        let out = run::command().args([cmd, "--help"]).output().expect("help");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("PKCS#12 password:"), "{cmd}: {text}");
        assert!(text.contains("--password-file <FILE>"), "{cmd}");
        assert!(text.contains("PKIAUDIT_PASSWORD"), "{cmd}");
        assert!(
            !text.contains("--password <"),
            "{cmd}: a password option on the command line"
        );
    }
}

/// Makes the files again with this machine's OpenSSL (and Python
/// `cryptography`, for `mismatch.p12`) and runs the checks above on them.
#[test]
#[ignore = "needs the openssl command line (and python3-cryptography); run by .ci/run"]
fn fresh_files_from_openssl_read_the_same() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let here = tmp.path().join("pkcs12");
    std::fs::create_dir_all(&here).expect("mkdir");
    std::fs::create_dir_all(tmp.path().join("keys")).expect("mkdir");
    for f in ["make.sh", "password.txt"] {
        std::fs::copy(committed().join(f), here.join(f)).expect("copy");
    }
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys/rsa-2048-leaf.pem");
    std::fs::copy(key, tmp.path().join("keys/rsa-2048-leaf.pem")).expect("copy");
    let status = Command::new("bash")
        .arg(here.join("make.sh"))
        .status()
        .expect("bash make.sh");
    assert!(status.success());
    opens_alice_files(&here);
    opens_bob_rsa(&here);
    no_key_no_finding(&here);
    if here.join("mismatch.p12").exists() {
        mismatch_is_said(&here);
    }
}
