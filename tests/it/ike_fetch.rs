//! Hash-and-URL CERT payloads (RFC 7296 §3.6) with `--fetch`, against an
//! HTTP server on loopback started by the test: fetched only when asked,
//! checked against the SHA-1 the peer sent, bundles unpacked.

use crate::common::{run, testkit};

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use run::pkiaudit_json_online as pkiaudit_json;
use testkit::{CertSpec, Issued};

/// A one-file HTTP/1.1 server on 127.0.0.1: GET /x → `body`, else 404.
/// Returns the base URL and the request counter; the thread ends with the
/// test process.
fn serve(body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let (status, payload) = if request_line.starts_with("GET /x ") {
                ("200 OK", body.clone())
            } else {
                ("404 Not Found", b"no".to_vec())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                payload.len()
            );
            let _ = stream.write_all(&payload);
        }
    });
    (format!("http://{addr}"), hits)
}

fn sha1(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
        .as_ref()
        .to_vec()
}

/// An IKE_AUTH message with one hash-and-URL CERT payload.
fn message(encoding: u8, hash: &[u8], url: &str) -> Vec<u8> {
    let mut body = vec![encoding];
    body.extend(hash);
    body.extend(url.as_bytes());
    let mut chain = vec![0, 0];
    chain.extend(((body.len() + 4) as u16).to_be_bytes());
    chain.extend(body);
    let mut m = vec![9; 8];
    m.extend([0, 0, 0, 0, 0, 0, 0, 1, 37, 0x20, 35, 0x08]);
    m.extend(1u32.to_be_bytes());
    m.extend(((chain.len() + 28) as u32).to_be_bytes());
    m.extend(chain);
    m
}

fn inspect(bytes: &[u8], fetch: bool) -> run::Run {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("auth.bin");
    std::fs::write(&file, bytes).unwrap();
    let mut args = vec!["inspect", "--format", "json"];
    if fetch {
        args.push("--fetch");
    }
    args.push(file.to_str().unwrap());
    pkiaudit_json(args)
}

fn messages(r: &run::Run) -> Vec<String> {
    r.json["inputs"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["level"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn hash_and_url_is_fetched_only_with_fetch_and_checked() {
    let der = Issued::root("Fetch CA")
        .issue(CertSpec::leaf("fetched"))
        .der();
    let (base, hits) = serve(der.clone());
    let url = format!("{base}/x");
    let m = message(12, &sha1(&der), &url);

    let offline = inspect(&m, false);
    assert_eq!(hits.load(Ordering::SeqCst), 0, "fetched without --fetch");
    assert!(offline.json["certificates"].as_array().unwrap().is_empty());
    assert!(messages(&offline)
        .iter()
        .any(|p| p.contains(&url) && p.contains("--fetch")));

    let online = inspect(&m, true);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let certs = online.json["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1, "{:?}", messages(&online));
    assert!(certs[0]["subject"].as_str().unwrap().contains("fetched"));
    assert!(messages(&online)
        .iter()
        .any(|p| p.contains("SHA-1 matches")));

    // the peer's hash does not match what the URL serves
    let wrong = inspect(&message(12, &[0u8; 20], &url), true);
    assert!(wrong.json["certificates"].as_array().unwrap().is_empty());
    assert!(messages(&wrong)
        .iter()
        .any(|p| p.starts_with("error") && p.contains("not the hash")));
    assert_eq!(wrong.code, 2);

    // a 404 and a non-http URL are errors that say so
    let missing = inspect(&message(12, &sha1(&der), &format!("{base}/nope")), true);
    assert!(messages(&missing).iter().any(|p| p.contains("404")));
    let https = inspect(&message(12, &sha1(&der), "https://127.0.0.1:1/x"), true);
    assert!(messages(&https).iter().any(|p| p.contains("only http://")));
}

#[test]
fn a_fetched_bundle_gives_its_certificates() {
    let root = Issued::root("Bundle Root");
    let ca = root.issue(CertSpec::ca("Bundle CA"));
    let leaf = ca.issue(CertSpec::leaf("bundled"));
    // CertBundle ::= SEQUENCE OF CHOICE { cert [0] Certificate, ... },
    // implicit tags: each certificate's SEQUENCE tag becomes [0] (0xa0).
    let mut items = Vec::new();
    for der in [leaf.der(), ca.der()] {
        let mut tagged = der.clone();
        tagged[0] = 0xa0;
        items.extend(tagged);
    }
    let mut bundle = vec![0x30, 0x82];
    bundle.extend((items.len() as u16).to_be_bytes());
    bundle.extend(items);
    let (base, _) = serve(bundle.clone());
    let r = inspect(&message(13, &sha1(&bundle), &format!("{base}/x")), true);
    let subjects: Vec<&str> = r.json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects.len(), 2, "{:?}", messages(&r));
    assert!(subjects[0].contains("bundled") && subjects[1].contains("Bundle CA"));
}
