//! Hostile and broken CRL servers on loopback, started by the test: one that
//! never answers, one that returns garbage, one that returns a 50 MB body,
//! one that redirects to `file://`. Each costs bounded time and gives
//! `unknown` with a reason, never a hang, a crash or `good`.

use crate::common::{http, run, testkit};

use std::io::Write;
use std::net::TcpStream;

use http::{read_request, serve_with as serve, silent};
use run::pkiaudit_json_online as pkiaudit_json;
use testkit::{CertSpec, Issued};

fn garbage(mut stream: TcpStream) {
    read_request(&stream);
    let body = b"<html>this is not a CRL</html>";
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(body);
}

fn huge(mut stream: TcpStream) {
    read_request(&stream);
    let len = 50 * 1024 * 1024;
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    let chunk = vec![0x30u8; 1024 * 1024];
    for _ in 0..50 {
        if stream.write_all(&chunk).is_err() {
            return;
        }
    }
}

fn to_file(mut stream: TcpStream) {
    read_request(&stream);
    let _ = write!(
        stream,
        "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

fn status_of(cdp: &str) -> serde_json::Value {
    let root = Issued::root("Broken Server Root");
    let leaf = root.issue(CertSpec::leaf("leaf.example.com").cdp(cdp));
    let dir = tempfile::tempdir().unwrap();
    let root_pem = dir.path().join("root.pem");
    let leaf_pem = dir.path().join("leaf.pem");
    std::fs::write(&root_pem, root.pem()).unwrap();
    std::fs::write(&leaf_pem, leaf.pem()).unwrap();
    let r = pkiaudit_json([
        "check",
        "--format",
        "json",
        "--at",
        "2026-01-01",
        "--revocation",
        "crl",
        "--no-cache",
        "--trust",
        root_pem.to_str().unwrap(),
        leaf_pem.to_str().unwrap(),
    ]);
    r.json["certificates"][0]["revocation"][0].clone()
}

#[test]
fn broken_servers_give_unknown_with_a_reason() {
    for (name, respond, why) in [
        ("garbage", garbage as fn(TcpStream), "not"),
        ("50 MB body", huge, "CRL"),
        ("redirect to file://", to_file, "302"),
    ] {
        let base = serve(respond);
        let rev = status_of(&format!("{base}/ca.crl"));
        assert_eq!(rev["status"], "unknown", "{name}: {rev}");
        let reason = rev["reason"].as_str().unwrap();
        assert!(reason.contains(why), "{name}: {reason}");
    }
}

#[test]
fn a_server_that_never_answers_costs_the_timeout_not_a_hang() {
    let base = serve(silent);
    let rev = status_of(&format!("{base}/ca.crl"));
    assert_eq!(rev["status"], "unknown", "{rev}");
    assert!(rev["reason"].as_str().unwrap().contains("GET"), "{rev}");
}
