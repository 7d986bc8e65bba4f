//! OCSP against a real responder: `openssl ocsp` serving an `index.txt` on
//! loopback (commands from research/crates.md §4). Each test makes its own
//! tiny PKI in a temporary directory with the `openssl` CLI, starts the
//! responder on a free port, queries it with
//! `pkiaudit::revocation::ocsp::query`, and kills the responder when
//! the guard drops (also on failure).

use crate::common::{free_port, run};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use pkiaudit::model::Certificate;
use pkiaudit::revocation::ocsp::{build_request, query, CertStatus, OcspError, Responder};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const EXTENSIONS: &str = "\
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ocsp]
extendedKeyUsage = critical,OCSPSigning
noCheck = ignored
[plain]
extendedKeyUsage = serverAuth
[leaf]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth,1.3.6.1.5.5.7.3.17
authorityInfoAccess = OCSP;URI:http://127.0.0.1/
";

/// A self-signed CA `name`.pem/.key (P-256).
fn make_ca(dir: &Path, name: &str, cn: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-subj",
            &format!("/CN={cn}"),
            "-days",
            "365",
            "-config",
            "ext.cnf",
            "-extensions",
            "ca",
        ],
    );
}

/// `name`.pem/.key issued by `ca` with `serial` and the extension section.
fn issue(dir: &Path, ca: &str, name: &str, cn: &str, serial: &str, section: &str) {
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
            "-subj",
            &format!("/CN={cn}"),
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-set_serial",
            serial,
            "-days",
            "30",
            "-sha256",
            "-extfile",
            "ext.cnf",
            "-extensions",
            section,
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

fn load(dir: &Path, name: &str) -> Certificate {
    let pem = std::fs::read(dir.join(format!("{name}.pem"))).expect("read pem");
    let block = pem::parse(pem).expect("pem");
    Certificate::from_der(block.contents()).expect("certificate")
}

/// The tiny PKI: CA, delegated responder (EKU OCSPSigning + noCheck), a
/// responder without the EKU, another CA with its own OCSPSigning responder,
/// and three leaves: good (0x1001, V), revoked (0x1002, R keyCompromise),
/// unknown (0x1003, not in the index).
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path();
        std::fs::write(p.join("ext.cnf"), EXTENSIONS).expect("write ext.cnf");
        make_ca(p, "ca", "Test OCSP CA");
        issue(p, "ca", "ocsp", "Test OCSP Responder", "0x100", "ocsp");
        issue(p, "ca", "noeku", "Test Not A Responder", "0x101", "plain");
        make_ca(p, "other", "Other CA");
        issue(
            p,
            "other",
            "foreign",
            "Foreign OCSP Responder",
            "0x200",
            "ocsp",
        );
        issue(p, "ca", "good", "good.example.com", "0x1001", "leaf");
        issue(p, "ca", "revoked", "revoked.example.com", "0x1002", "leaf");
        issue(p, "ca", "unknown", "unknown.example.com", "0x1003", "leaf");
        // index.txt: status, expiry, revocation[,reason], serial, file, DN.
        std::fs::write(
            p.join("index.txt"),
            "V\t351231000000Z\t\t1001\tunknown\t/CN=good.example.com\n\
             R\t351231000000Z\t260101000000Z,keyCompromise\t1002\tunknown\t/CN=revoked.example.com\n",
        )
        .expect("write index.txt");
        std::fs::write(p.join("index.txt.attr"), "unique_subject = no\n").expect("write attr");
        Pki { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// A running `openssl ocsp` responder, killed and reaped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `openssl ocsp` signing with `rsigner`/`rkey` for `ca.pem`.
///
/// Readiness is its "waiting for OCSP client connections" line on stderr,
/// not a probe connection: OpenSSL 3.0's responder hangs on a connection
/// that closes without a request.
fn start(pki: &Pki, rsigner: &str, extra: &[&str]) -> Server {
    let port = free_port();
    let port_text = port.to_string();
    let cert = format!("{rsigner}.pem");
    let key = format!("{rsigner}.key");
    let mut args = vec![
        "ocsp",
        "-index",
        "index.txt",
        "-port",
        &port_text,
        "-CA",
        "ca.pem",
        "-rsigner",
        &cert,
        "-rkey",
        &key,
        "-nmin",
        "5",
    ];
    args.extend(extra);
    let mut child = Command::new("openssl")
        .args(&args)
        .current_dir(pki.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start openssl ocsp");
    let stderr = child.stderr.take().expect("stderr pipe");
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}/"),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep draining stderr for the life of the process so it never blocks.
    std::thread::spawn(move || {
        let mut seen = String::new();
        let mut reader = std::io::BufReader::new(stderr);
        let mut buf = [0u8; 1024];
        let mut told = false;
        loop {
            match std::io::Read::read(&mut reader, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if !told {
                        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                        if seen.contains("waiting for OCSP client connections") {
                            told = true;
                            let _ = tx.send(Ok(()));
                        }
                    }
                }
            }
        }
        if !told {
            let _ = tx.send(Err(seen));
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(())) => server,
        Ok(Err(stderr)) => panic!("openssl ocsp exited:\n{stderr}"),
        Err(_) => panic!("openssl ocsp did not start listening on {port}"),
    }
}

fn ask(
    pki: &Pki,
    responder: &Server,
    leaf: &str,
) -> Result<pkiaudit::revocation::ocsp::OcspAnswer, OcspError> {
    let dir = pki.path();
    let cert = load(&dir, leaf);
    let issuer = load(&dir, "ca");
    let request = build_request(&cert, &issuer, true).expect("request");
    query(&responder.url, &request, &cert, &issuer, Utc::now())
}

#[test]
#[ignore = "needs openssl"]
fn delegated_responder_good_revoked_unknown_with_nonce() {
    let pki = Pki::new();
    let responder = start(&pki, "ocsp", &[]);

    let good = ask(&pki, &responder, "good").expect("good answer");
    assert_eq!(good.status, CertStatus::Good);
    assert_eq!(good.nonce_echoed, Some(true), "openssl echoes nonces");
    match &good.responder {
        Responder::Delegated {
            subject,
            ocsp_nocheck,
            ..
        } => {
            assert!(subject.contains("Test OCSP Responder"), "{subject}");
            assert!(ocsp_nocheck, "noCheck is in the responder certificate");
        }
        other => panic!("expected the delegated responder, got {other:?}"),
    }
    assert!(good.next_update.is_some(), "-nmin 5 sets nextUpdate");

    let revoked = ask(&pki, &responder, "revoked").expect("revoked answer");
    match revoked.status {
        CertStatus::Revoked { time, reason } => {
            assert_eq!(reason.as_deref(), Some("keyCompromise"));
            assert_eq!(time.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        }
        other => panic!("expected revoked, got {other:?}"),
    }
    assert_eq!(revoked.nonce_echoed, Some(true));

    let unknown = ask(&pki, &responder, "unknown").expect("unknown answer");
    assert_eq!(unknown.status, CertStatus::Unknown);
}

#[test]
#[ignore = "needs openssl"]
fn ca_as_its_own_responder_by_name_and_by_key() {
    let pki = Pki::new();
    {
        let responder = start(&pki, "ca", &[]);
        let good = ask(&pki, &responder, "good").expect("good answer");
        assert_eq!(good.status, CertStatus::Good);
        assert!(
            matches!(&good.responder, Responder::Issuer { subject } if subject.contains("Test OCSP CA")),
            "{:?}",
            good.responder
        );
    }
    // responderID byKey (RFC 6960 §4.2.2.3) and no certificates included.
    let responder = start(&pki, "ca", &["-resp_key_id", "-resp_no_certs"]);
    let revoked = ask(&pki, &responder, "revoked").expect("revoked answer");
    assert!(matches!(revoked.status, CertStatus::Revoked { .. }));
    assert!(matches!(revoked.responder, Responder::Issuer { .. }));
}

#[test]
#[ignore = "needs openssl"]
fn responder_from_another_ca_is_unauthorised() {
    let pki = Pki::new();
    let responder = start(&pki, "foreign", &[]);
    for leaf in ["good", "revoked", "unknown"] {
        let err = ask(&pki, &responder, leaf).expect_err("must not be accepted");
        assert!(
            matches!(&err, OcspError::UnauthorizedResponder(m) if m.contains("Other CA")),
            "{leaf}: {err}"
        );
    }
}

#[test]
#[ignore = "needs openssl"]
fn responder_without_ocsp_signing_eku_is_unauthorised() {
    let pki = Pki::new();
    let responder = start(&pki, "noeku", &[]);
    let err = ask(&pki, &responder, "good").expect_err("must not be accepted");
    assert!(
        matches!(&err, OcspError::UnauthorizedResponder(m) if m.contains("OCSPSigning")),
        "{err}"
    );
}

#[test]
#[ignore = "needs openssl"]
fn delegated_responder_not_included_is_unauthorised() {
    let pki = Pki::new();
    let responder = start(&pki, "ocsp", &["-resp_no_certs"]);
    let err = ask(&pki, &responder, "good").expect_err("must not be accepted");
    assert!(matches!(err, OcspError::UnauthorizedResponder(_)), "{err}");
}

#[test]
#[ignore = "needs openssl"]
fn nothing_listening_is_a_transport_error() {
    let pki = Pki::new();
    let dir = pki.path();
    let (cert, issuer) = (load(&dir, "good"), load(&dir, "ca"));
    let request = build_request(&cert, &issuer, false).expect("request");
    let url = format!("http://127.0.0.1:{}/", free_port());
    let err = query(&url, &request, &cert, &issuer, Utc::now()).expect_err("no server");
    assert!(matches!(err, OcspError::Transport(_)), "{err}");
}

/// `pkiaudit check --revocation ocsp --ocsp-url` through the binary, against
/// the real responder: the revoked leaf fails with the responder's reason,
/// the good one passes, the unknown one is a warning (soft) or an error
/// (hard).
#[test]
#[ignore = "needs openssl"]
fn check_reports_ocsp_status_through_the_binary() {
    let pki = Pki::new();
    let server = start(&pki, "ocsp", &["-nrequest", "8"]);
    let dir = pki.path();
    let run = |leaf: &str, extra: &[&str]| {
        let mut cmd = run::command();
        cmd.env_remove("PKIAUDIT_OFFLINE");
        cmd.args(["check", "--format", "json", "--revocation", "ocsp"])
            .args(["--ocsp-url", &server.url])
            .arg("--trust")
            .arg(dir.join("ca.pem"))
            .args(extra)
            .arg(dir.join(format!("{leaf}.pem")));
        let out = cmd.output().expect("run pkiaudit");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        (out.status.code().expect("exit code"), json)
    };
    let (code, json) = run("revoked", &[]);
    let rev = &json["certificates"][0]["revocation"][0];
    assert_eq!(rev["status"], "revoked", "{rev}");
    assert_eq!(rev["reason"], "keyCompromise");
    assert_eq!(rev["source"], server.url.as_str());
    assert_eq!(code, 1);
    let (code, json) = run("good", &[]);
    assert_eq!(json["certificates"][0]["revocation"][0]["status"], "good");
    assert_eq!(code, 0, "{}", json["certificates"][0]["findings"]);
    let (code, json) = run("unknown", &[]);
    let rev = &json["certificates"][0]["revocation"][0];
    assert_eq!(rev["status"], "unknown", "{rev}");
    assert!(rev["reason"].as_str().unwrap().contains("does not know"));
    assert_eq!(code, 0);
    let (code, _) = run("unknown", &["--revocation-policy", "hard"]);
    assert_eq!(code, 1);
}

/// A verified answer with a nextUpdate (`-nmin 5`) is kept in the cache
/// and answers the next run while it is fresh: the responder here serves
/// one request and exits, so the second run can only answer from the
/// cache. Answers are verified again when read back.
#[test]
#[ignore = "needs openssl"]
fn ocsp_answers_are_cached_until_next_update() {
    let pki = Pki::new();
    let server = start(&pki, "ocsp", &["-nrequest", "1"]);
    let dir = pki.path();
    let cache = tempfile::tempdir().unwrap();
    let run = |leaf: &str| {
        let out = run::command()
            .env_remove("PKIAUDIT_OFFLINE")
            .args(["check", "--format", "json", "--revocation", "ocsp"])
            .args(["--ocsp-url", &server.url])
            .arg("--cache-dir")
            .arg(cache.path())
            .arg("--trust")
            .arg(dir.join("ca.pem"))
            .arg(dir.join(format!("{leaf}.pem")))
            .output()
            .expect("run pkiaudit");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        json["certificates"][0]["revocation"][0].clone()
    };
    let first = run("revoked");
    assert_eq!(first["status"], "revoked", "{first}");
    let second = run("revoked");
    assert_eq!(second["status"], "revoked", "{second}");
    assert!(
        second["attempts"][0]["outcome"]
            .as_str()
            .unwrap()
            .contains("from the cache"),
        "{second}"
    );
    // a corrupted entry is discarded, not trusted: with the responder gone
    // the status becomes unknown
    for e in std::fs::read_dir(cache.path()).unwrap().flatten() {
        if e.file_name().to_string_lossy().ends_with(".ocsp.der") {
            let mut bytes = std::fs::read(e.path()).unwrap();
            let n = bytes.len();
            bytes[n - 10] ^= 0xff;
            std::fs::write(e.path(), bytes).unwrap();
        }
    }
    let third = run("revoked");
    assert_eq!(third["status"], "unknown", "{third}");
    // another certificate is not answered by this one's entry
    let good = run("good");
    assert_eq!(good["status"], "unknown", "{good}");
}
