//! CRL revocation through the binary, with CRLs served over real HTTP on
//! loopback by a server the test starts (and the process ends): revoked,
//! good, stale, signed by the wrong CA, unreachable (soft and hard policy),
//! `--offline`, and `--crl` files.

use crate::common::{http, run, testkit};

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use http::serve;
use run::pkiaudit_json_online as pkiaudit_json;
use serde_json::Value;
use testkit::{CertSpec, Issued};

/// A CRL of `ca` revoking `serials`, valid `from`..`to`.
fn crl(ca: &Issued, serials: &[&[u8]], from: (i32, u8, u8), to: (i32, u8, u8)) -> Vec<u8> {
    testkit::crl_revoking(ca, serials, from, to, (2025, 6, 1))
}

struct Setup {
    _dir: tempfile::TempDir,
    root: String,
    leaf: String,
    revoked_leaf: String,
}

/// root → leaf (serial 0x1001) and revoked leaf (serial 0x00a1, DER sign
/// octet), both naming `cdp` as their CRL distribution point.
fn setup(root: &Issued, cdp: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, pem: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, pem).unwrap();
        p.display().to_string()
    };
    let leaf = root.issue(
        CertSpec::leaf("good.example.com")
            .serial(&[0x10, 0x01])
            .cdp(cdp),
    );
    let bad = root.issue(
        CertSpec::leaf("bad.example.com")
            .serial(&[0x00, 0xa1])
            .cdp(cdp),
    );
    Setup {
        root: write("root.pem", root.pem()),
        leaf: write("leaf.pem", leaf.pem()),
        revoked_leaf: write("bad.pem", bad.pem()),
        _dir: dir,
    }
}

fn check(s: &Setup, file: &str, extra: &[&str]) -> run::Run {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--at",
        "2026-01-01",
        "--trust",
        &s.root,
    ];
    // the on-disk cache has its own test; the others fetch every time
    if !extra.contains(&"--cache-dir") {
        args.push("--no-cache");
    }
    args.extend_from_slice(extra);
    args.push(file);
    pkiaudit_json(args)
}

fn leaf(r: &run::Run) -> &Value {
    &r.json["certificates"][0]
}

fn rules(c: &Value) -> Vec<String> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn revoked_and_good_from_a_crl_over_http() {
    let root = Issued::root("Revocation Root");
    // the CRL lists 0xA1 (the certificate's DER serial is 00 A1)
    let body = crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1));
    let (base, hits) = serve(HashMap::from([("/root.crl".to_string(), body)]));
    let s = setup(&root, &format!("{base}/root.crl"));
    let bad = check(&s, &s.revoked_leaf, &["--revocation", "crl"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    let c = leaf(&bad);
    let r = rules(c);
    assert!(
        r.iter().any(|m| m.starts_with("revocation.revoked")
            && m.contains("keyCompromise")
            && m.contains("2025-06-01")),
        "{r:?}"
    );
    assert_eq!(c["revocation"][0]["status"], "revoked");
    assert_eq!(c["revocation"][0]["source"], format!("{base}/root.crl"));
    let good = check(&s, &s.leaf, &["--revocation", "crl"]);
    let c = leaf(&good);
    assert_eq!(c["revocation"][0]["status"], "good", "{}", c["revocation"]);
    assert!(rules(c).iter().any(|m| m.starts_with("revocation.good")));
    assert_eq!(good.code, 0, "{:?}", rules(c));
    // on by default (`both`): the distribution point is fetched
    let before = *hits.lock().unwrap();
    let default = check(&s, &s.revoked_leaf, &[]);
    assert_eq!(*hits.lock().unwrap(), before + 1);
    assert_eq!(leaf(&default)["revocation"][0]["status"], "revoked");
    assert_eq!(default.code, 1);
    // --revocation off: no request, no status
    let off = check(&s, &s.revoked_leaf, &["--revocation", "off"]);
    assert_eq!(*hits.lock().unwrap(), before + 1);
    assert!(leaf(&off).get("revocation").is_none());
    assert_eq!(off.code, 0);
}

#[test]
fn stale_wrongly_signed_unreachable_and_offline_are_unknown() {
    let root = Issued::root("Revocation Root 2");
    let other = Issued::root("Other Root");
    // the same name as the root, another key
    let impostor = Issued::root("Revocation Root 2");
    let (base, _) = serve(HashMap::from([
        (
            "/stale.crl".to_string(),
            crl(&root, &[], (2025, 1, 1), (2025, 2, 1)),
        ),
        (
            "/forged.crl".to_string(),
            crl(&other, &[], (2025, 12, 1), (2026, 2, 1)),
        ),
        (
            "/impostor.crl".to_string(),
            crl(&impostor, &[], (2025, 12, 1), (2026, 2, 1)),
        ),
    ]));
    for (path, why) in [
        ("/stale.crl", "stale"),
        // another issuer's CRL is out of scope (RFC 5280 §6.3.3 (b)(1))
        ("/forged.crl", "is issued by"),
        ("/impostor.crl", "not trusted"),
        ("/missing.crl", "404"),
    ] {
        let s = setup(&root, &format!("{base}{path}"));
        let soft = check(&s, &s.revoked_leaf, &["--revocation", "crl"]);
        let c = leaf(&soft);
        assert_eq!(
            c["revocation"][0]["status"], "unknown",
            "{path}: {}",
            c["revocation"]
        );
        let r = rules(c);
        assert!(
            r.iter()
                .any(|m| m.starts_with("revocation.unknown ") && m.contains(why)),
            "{path}: {r:?}"
        );
        assert_eq!(soft.code, 0, "{path}: soft policy: a warning");
        let hard = check(
            &s,
            &s.revoked_leaf,
            &["--revocation", "crl", "--revocation-policy", "hard"],
        );
        assert!(rules(leaf(&hard))
            .iter()
            .any(|m| m.starts_with("revocation.unknown.hard-fail")));
        assert_eq!(hard.code, 1, "{path}: hard policy: an error");
    }
    // nothing listening
    let s = setup(&root, "http://127.0.0.1:9/root.crl");
    let r = check(&s, &s.leaf, &["--revocation", "crl"]);
    assert_eq!(leaf(&r)["revocation"][0]["status"], "unknown");
    // --offline: not even tried
    let s = setup(&root, &format!("{base}/stale.crl"));
    let r = check(&s, &s.leaf, &["--revocation", "crl", "--offline"]);
    let c = leaf(&r);
    assert!(
        c["revocation"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("--offline"),
        "{}",
        c["revocation"]
    );
}

#[test]
fn local_crl_files_and_no_source() {
    let root = Issued::root("Revocation Root 3");
    let dir = tempfile::tempdir().unwrap();
    let crl_file = dir.path().join("root.crl");
    std::fs::write(
        &crl_file,
        crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1)),
    )
    .unwrap();
    // certificates without any distribution point
    let root_pem = dir.path().join("root.pem");
    std::fs::write(&root_pem, root.pem()).unwrap();
    let bad = root.issue(CertSpec::leaf("bad.example.com").serial(&[0x00, 0xa1]));
    let bad_pem = dir.path().join("bad.pem");
    std::fs::write(&bad_pem, bad.pem()).unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "check",
            "--format",
            "json",
            "--at",
            "2026-01-01",
            "--no-cache",
            "--trust",
            root_pem.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        a.push(bad_pem.to_str().unwrap());
        pkiaudit_json(a)
    };
    let r = args(&["--revocation", "crl", "--crl", crl_file.to_str().unwrap()]);
    assert_eq!(leaf(&r)["revocation"][0]["status"], "revoked");
    let none = args(&["--revocation", "crl"]);
    let c = leaf(&none);
    assert_eq!(c["revocation"][0]["status"], "no-source");
    assert!(rules(c)
        .iter()
        .any(|m| m.starts_with("revocation.no-source ")));
    assert_eq!(none.code, 0);
    let hard = args(&["--revocation", "crl", "--revocation-policy", "hard"]);
    assert_eq!(hard.code, 1);
}

#[test]
fn fetched_crls_are_cached_on_disk_and_a_corrupt_entry_is_refetched() {
    let root = Issued::root("Cache Root");
    let body = crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1));
    let (base, hits) = serve(HashMap::from([("/c.crl".to_string(), body)]));
    let s = setup(&root, &format!("{base}/c.crl"));
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let run = |file: &str| {
        let r = check(&s, file, &["--revocation", "crl", "--cache-dir", dir]);
        leaf(&r)["revocation"][0]["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(run(&s.revoked_leaf), "revoked");
    assert_eq!(*hits.lock().unwrap(), 1);
    // a second process: served from the cache
    assert_eq!(run(&s.leaf), "good");
    assert_eq!(*hits.lock().unwrap(), 1, "fetched again despite the cache");
    // the CRL as served, and its metadata beside it
    let entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".crl.der"))
        .collect();
    assert_eq!(entries.len(), 1);
    // body, metadata and the parsed table
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 3);
    // a corrupt entry is discarded and fetched again, never trusted (the
    // parsed table would answer without the body: corrupt both)
    std::fs::write(entries[0].path(), b"garbage").unwrap();
    std::fs::write(entries[0].path().with_extension("table"), b"garbage").unwrap();
    assert_eq!(run(&s.revoked_leaf), "revoked");
    assert_eq!(*hits.lock().unwrap(), 2);
    assert_ne!(std::fs::read(entries[0].path()).unwrap(), b"garbage");
}

/// A server for one CRL that says `Cache-Control: max-age=0` with an ETag
/// and answers a matching `If-None-Match` with 304; counts 200s and 304s.
fn serve_revalidating(body: Vec<u8>) -> (String, Arc<Mutex<(usize, usize)>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new(Mutex::new((0, 0)));
    let counter = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut conditional = false;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                let lower = h.to_ascii_lowercase();
                if lower.starts_with("if-none-match:") && lower.contains("\"v7\"") {
                    conditional = true;
                }
            }
            let mut c = counter.lock().unwrap();
            if conditional {
                c.1 += 1;
                let _ = write!(
                    stream,
                    "HTTP/1.1 304 Not Modified\r\nETag: \"v7\"\r\nCache-Control: max-age=0\r\nConnection: close\r\n\r\n"
                );
            } else {
                c.0 += 1;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nETag: \"v7\"\r\nCache-Control: max-age=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        }
    });
    (base, counts)
}

#[test]
fn http_max_age_makes_the_cache_revalidate_with_the_etag() {
    let root = Issued::root("Revalidation Root");
    let body = crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1));
    let (base, counts) = serve_revalidating(body);
    let s = setup(&root, &format!("{base}/r.crl"));
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let first = check(&s, &s.revoked_leaf, &["--cache-dir", dir]);
    assert_eq!(leaf(&first)["revocation"][0]["status"], "revoked");
    assert_eq!(*counts.lock().unwrap(), (1, 0));
    // max-age=0: the next run asks again, with If-None-Match, and gets 304;
    // the cached CRL answers
    let second = check(&s, &s.leaf, &["--cache-dir", dir]);
    let rev = &leaf(&second)["revocation"][0];
    assert_eq!(rev["status"], "good", "{rev}");
    assert_eq!(*counts.lock().unwrap(), (1, 1));
    assert!(
        rev["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["outcome"].as_str().unwrap().contains("304")),
        "{rev}"
    );
    // offline: the cached copy is used without asking
    let offline = check(&s, &s.revoked_leaf, &["--cache-dir", dir, "--offline"]);
    assert_eq!(leaf(&offline)["revocation"][0]["status"], "revoked");
    assert_eq!(*counts.lock().unwrap(), (1, 1));
}

/// An HTTPS server on 127.0.0.1 (rustls on ring, the certificate `server`
/// issued for IP 127.0.0.1) serving one body at any path.
fn serve_tls(server: &Issued, body: Vec<u8>) -> String {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(server.der())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server.key.serialize_der())),
            )
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut reader = BufReader::new(&mut tls);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = tls.write_all(&body);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    base
}

/// An https distribution point whose server certificate comes from a
/// `--trust` anchor is fetched (rustls on ring); without that anchor the TLS
/// handshake fails and the status is unknown, never good.
#[test]
fn https_distribution_point_trusted_through_the_anchors() {
    let root = Issued::root("Revocation Root");
    let web_root = Issued::root("Web Root");
    let web = web_root.issue(CertSpec::leaf("crl.example.com").san_ip(&["127.0.0.1"]));
    let body = crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1));
    let base = serve_tls(&web, body);
    let s = setup(&root, &format!("{base}/root.crl"));
    let dir = tempfile::tempdir().unwrap();
    let web_root_pem = dir.path().join("web-root.pem");
    std::fs::write(&web_root_pem, web_root.pem()).unwrap();
    let with_web_root = check(
        &s,
        &s.revoked_leaf,
        &["--trust", web_root_pem.to_str().unwrap()],
    );
    let rev = &leaf(&with_web_root)["revocation"][0];
    assert_eq!(rev["status"], "revoked", "{rev}");
    assert_eq!(rev["source"], format!("{base}/root.crl"));
    let without = check(&s, &s.revoked_leaf, &[]);
    let rev = &leaf(&without)["revocation"][0];
    assert_eq!(rev["status"], "unknown", "{rev}");
    let reason = rev["reason"].as_str().unwrap();
    assert!(
        reason.contains(&base) && reason.to_lowercase().contains("certificate"),
        "{reason}"
    );
}

/// An indirect CRL through the binary: the CA's certificates name a
/// delegated CRL issuer (cRLIssuer) in their distribution point; the CRL
/// that issuer signed (`--crl`, offline) answers once its certificate is
/// given (`--untrusted`), and not without it.
#[test]
fn indirect_crl_from_a_crl_issuer_given_with_untrusted() {
    let ca = Issued::root("Indirect Root");
    let ca_name = testkit::subject_der(&ca.der());
    let signer = ca.issue(
        CertSpec::leaf("Delegated CRL Issuer")
            .ku(&[rcgen::KeyUsagePurpose::CrlSign])
            .san_dns(&[]),
    );
    let cdp = testkit::cdp_with_crl_issuer(
        "http://pki.example.com/delegated.crl",
        &testkit::subject_der(&signer.der()),
    );
    let vpn = ca.issue(
        CertSpec::leaf("vpn.example.com")
            .serial(&[0x42])
            .raw_extension(&[2, 5, 29, 31], false, cdp),
    );
    let crl = testkit::indirect_crl(&signer, true, &[(&[0x42], Some(&ca_name))]);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let ca_pem = write("ca.pem", ca.pem().as_bytes());
    let signer_pem = write("signer.pem", signer.pem().as_bytes());
    let leaf_pem = write("leaf.pem", vpn.pem().as_bytes());
    let crl_der = write("delegated.crl", &crl);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--at",
            "2026-02-05",
            "--offline",
            "--trust",
            &ca_pem,
            "--crl",
            &crl_der,
        ];
        args.extend_from_slice(extra);
        args.push(&leaf_pem);
        pkiaudit_json(args)
    };
    let with = run(&["--untrusted", &signer_pem]);
    let rev = &leaf(&with)["revocation"][0];
    assert_eq!(rev["status"], "revoked", "{rev}");
    assert_eq!(rev["source"], crl_der.as_str());
    assert_eq!(with.code, 1);
    let without = run(&[]);
    let rev = &leaf(&without)["revocation"][0];
    assert_eq!(rev["status"], "unknown", "{rev}");
    assert!(
        rev["reason"]
            .as_str()
            .unwrap()
            .contains("no certificate of that CRL issuer"),
        "{rev}"
    );
}

/// A certificate whose path does not verify to the given anchors (a
/// stranger's certificate) does not make pkiaudit fetch what it names: no
/// request reaches the server, and the status says why. `--crl` files still
/// answer.
#[test]
fn urls_of_an_unverified_path_are_not_followed() {
    let root = Issued::root("Stranger Root");
    let body = crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1));
    let (base, hits) = serve(HashMap::from([("/s.crl".to_string(), body.clone())]));
    let s = setup(&root, &format!("{base}/s.crl"));
    let other = Issued::root("Our Root");
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.pem");
    std::fs::write(&ours, other.pem()).unwrap();
    // what the stranger sent: the leaf and its own root
    let sent = dir.path().join("sent.pem");
    let leaf_pem = std::fs::read_to_string(&s.revoked_leaf).unwrap();
    std::fs::write(&sent, format!("{leaf_pem}{}", root.pem())).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--at",
            "2026-01-01",
            "--no-cache",
            "--trust",
            ours.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        args.push(sent.to_str().unwrap());
        pkiaudit_json(args)
    };
    let r = run(&[]);
    assert_eq!(*hits.lock().unwrap(), 0, "fetched a stranger's URL");
    let rev = &leaf(&r)["revocation"][0];
    assert_eq!(rev["status"], "unknown", "{rev}");
    assert!(
        rev["reason"]
            .as_str()
            .unwrap()
            .contains("does not verify to a trust anchor"),
        "{rev}"
    );
    let crl_file = dir.path().join("s.crl");
    std::fs::write(&crl_file, &body).unwrap();
    let local = run(&["--crl", crl_file.to_str().unwrap()]);
    assert_eq!(leaf(&local)["revocation"][0]["status"], "revoked");
    assert_eq!(*hits.lock().unwrap(), 0);
}

/// The parsed table the cache keeps beside a CRL: a warm run answers from
/// it without the body; a table that is corrupt, truncated, of another
/// format version, of another CRL, or verified by another key is never
/// used: the body is read again (or the CRL fetched again), and the
/// revoked certificate stays revoked.
#[test]
fn a_corrupt_or_foreign_parsed_table_is_never_trusted() {
    use pkiaudit::revocation::crl::{Crl, FORMAT_VERSION};
    let root = Issued::root("Table Root");
    let body = crl(&root, &[&[0xa1]], (2025, 12, 1), (2026, 2, 1));
    let clean = crl(&root, &[&[0x77]], (2025, 12, 1), (2026, 2, 1));
    let (base, hits) = serve(HashMap::from([("/t.crl".to_string(), body.clone())]));
    let url = format!("{base}/t.crl");
    let s = setup(&root, &url);
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let run = |file: &str| {
        let r = check(&s, file, &["--revocation", "crl", "--cache-dir", dir]);
        leaf(&r)["revocation"][0]["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(run(&s.revoked_leaf), "revoked");
    let find = |ext: &str| {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(ext))
            .unwrap_or_else(|| panic!("no {ext} in the cache"))
    };
    let (der_path, table_path) = (find(".crl.der"), find(".crl.table"));
    let good_table = std::fs::read(&table_path).unwrap();
    assert!(good_table.starts_with(b"PKIACRLT"));
    // The table alone answers: no body, no fetch.
    std::fs::remove_file(&der_path).unwrap();
    assert_eq!(run(&s.revoked_leaf), "revoked");
    assert_eq!(run(&s.leaf), "good");
    assert_eq!(*hits.lock().unwrap(), 1);

    let sha256 = |b: &[u8]| {
        ring::digest::digest(&ring::digest::SHA256, b)
            .as_ref()
            .to_vec()
    };
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let resum = |mut t: Vec<u8>| {
        t.truncate(t.len() - 32);
        let sum = sha256(&t);
        t.extend_from_slice(&sum);
        t
    };
    // The CA's key, as the cache names the keys that verified a CRL.
    let spki = {
        let cert = pkiaudit::model::Certificate::from_der(&root.der()).unwrap();
        cert.spki_sha256
    };
    // A table of the CRL that does not list 0xA1, for the right key.
    let other = |key: &str, der_of: &[u8], verified: &str| {
        Crl::from_der(&clean, "x")
            .unwrap()
            .to_stored(key, &sha256(der_of), &[verified.to_string()])
            .unwrap()
    };
    let mut flipped = good_table.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let mut version = good_table.clone();
    version[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped byte", flipped),
        ("truncated", good_table[..good_table.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("another format version", resum(version)),
        (
            "another CRL's table (its DER) under this key",
            other(&url, &clean, &spki),
        ),
        (
            "a table stored for another key (URL)",
            other("http://elsewhere/t.crl", &body, &spki),
        ),
        (
            "verified by another key only",
            other(&url, &body, &hex(&[0u8; 32])),
        ),
    ];
    for (what, table) in cases {
        // each time from a cache with the body, its metadata and this table
        std::fs::write(&der_path, &body).unwrap();
        std::fs::write(&table_path, &table).unwrap();
        assert_eq!(run(&s.revoked_leaf), "revoked", "{what}");
        assert_eq!(*hits.lock().unwrap(), 1, "{what}: the body was enough");
        // read again from the body, the table was rewritten and is used
        let rewritten = std::fs::read(&table_path).unwrap();
        assert_ne!(rewritten, table, "{what}");
        std::fs::remove_file(&der_path).unwrap();
        assert_eq!(run(&s.revoked_leaf), "revoked", "{what}");
    }
    // Neither body nor a usable table: fetched again.
    std::fs::write(&table_path, b"PKIACRLT").unwrap();
    assert_eq!(run(&s.revoked_leaf), "revoked");
    assert_eq!(*hits.lock().unwrap(), 2);
}
