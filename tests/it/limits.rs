//! Every documented bound (docs/security-and-limits.md), hit on purpose:
//! each gives a finding or an input error naming what was cut, the run
//! finishes, and what lies within the bound is still audited. The bounds
//! of the size of one input, the show parser, hex dumps and IKE payloads
//! have their own tests beside their loaders (`cli.rs`, `ios/`,
//! `robustness.rs`, the unit tests).

use crate::common::{http, run, testkit};

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use http::{read_request, serve_with as serve, silent};
use serde_json::Value;
use testkit::{CertSpec, Issued};

const AT: &str = "2026-01-01T00:00:00Z";

/// A body one byte over `limit`, without a Content-Length (so the client
/// cannot refuse it up front and must count).
fn body_over(mut stream: TcpStream, limit: usize) {
    read_request(&stream);
    let _ = write!(stream, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    let chunk = vec![0x30u8; 1024 * 1024];
    let mut sent = 0;
    while sent <= limit {
        let n = chunk.len().min(limit + 1 - sent);
        if stream.write_all(&chunk[..n]).is_err() {
            return;
        }
        sent += n;
    }
}

fn crl_over_limit(stream: TcpStream) {
    body_over(stream, pkiaudit::revocation::crl::MAX_CRL_BYTES);
}

fn ocsp_over_limit(stream: TcpStream) {
    body_over(
        stream,
        pkiaudit::revocation::ocsp::MAX_RESPONSE_BYTES as usize,
    );
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn finding_ids(cert: &Value) -> Vec<String> {
    cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn messages(cert: &Value, id: &str) -> String {
    cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == id)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `check --revocation MODE` of a leaf whose distribution points are
/// `cdps`, with `extra` flags; the revocation status object of the leaf,
/// and how long the run took.
fn revocation_of(cdps: &[String], mode: &str, extra: &[&str]) -> (Value, Duration) {
    let root = Issued::root("Limits Root");
    let mut spec = CertSpec::leaf("vpn.example.com");
    for c in cdps {
        spec = spec.cdp(c);
    }
    let leaf = root.issue(spec);
    let dir = tempfile::tempdir().unwrap();
    let root_pem = write(dir.path(), "root.pem", root.pem());
    let leaf_pem = write(dir.path(), "leaf.pem", leaf.pem());
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--at",
        AT,
        "--revocation",
        mode,
        "--no-cache",
        "--trust",
        &root_pem,
    ];
    args.extend_from_slice(extra);
    args.push(&leaf_pem);
    let started = std::time::Instant::now();
    let r = run::pkiaudit_json_online(args);
    let took = started.elapsed();
    (r.json["certificates"][0]["revocation"][0].clone(), took)
}

#[test]
fn fetch_timeout_bounds_one_request() {
    let base = serve(silent);
    let (rev, took) = revocation_of(
        &[format!("{base}/ca.crl")],
        "crl",
        &["--fetch-timeout", "1"],
    );
    assert_eq!(rev["status"], "unknown", "{rev}");
    let reason = rev["reason"].as_str().unwrap();
    assert!(
        reason.contains("GET") && reason.contains("timed out"),
        "{reason}"
    );
    // The request was cut by the 1 s timeout, not the default 10 s (the
    // bound is generous: this is not a timing test, only a check that the
    // flag reached the client).
    assert!(took < Duration::from_secs(9), "took {took:?}");
}

#[test]
fn run_timeout_stops_the_requests_that_follow() {
    let base = serve(silent);
    let (rev, _) = revocation_of(
        &[format!("{base}/first.crl"), format!("{base}/second.crl")],
        "crl",
        &["--run-timeout", "1"],
    );
    assert_eq!(rev["status"], "unknown", "{rev}");
    let reason = rev["reason"].as_str().unwrap();
    // the first request is cut when the run's time is up; the second is
    // never made
    assert!(reason.contains("first.crl"), "{reason}");
    assert!(
        reason.contains("second.crl")
            && reason.contains("the run's time limit (--run-timeout) is used up"),
        "{reason}"
    );
}

#[test]
fn bad_time_limits_are_usage_errors() {
    for (flags, name) in [
        (["--fetch-timeout", "0"], "--fetch-timeout"),
        (["--fetch-timeout", "nan"], "--fetch-timeout"),
        (["--run-timeout=-1", "--no-cache"], "--run-timeout"),
        (["--fetch-timeout", "601"], "--fetch-timeout"),
    ] {
        let out = run::command()
            .args([
                "check",
                "--offline",
                flags[0],
                flags[1],
                "fixtures/client/alice.pem",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{name} must be")), "{flags:?}: {err}");
    }
}

#[test]
fn crl_body_over_the_limit_is_not_read() {
    let base = serve(crl_over_limit);
    let (rev, _) = revocation_of(&[format!("{base}/big.crl")], "crl", &[]);
    assert_eq!(rev["status"], "unknown", "{rev}");
    let reason = rev["reason"].as_str().unwrap();
    assert!(reason.contains("larger than 64 MiB"), "{reason}");
}

#[test]
fn ocsp_body_over_the_limit_is_not_read() {
    let base = serve(ocsp_over_limit);
    let url = format!("{base}/ocsp");
    let (rev, _) = revocation_of(&[], "ocsp", &["--ocsp-url", &url]);
    assert_eq!(rev["status"], "unknown", "{rev}");
    let reason = rev["reason"].as_str().unwrap();
    assert!(reason.contains("larger than 1024 KiB"), "{reason}");
}

#[test]
fn certificates_per_input_stop_at_the_bound() {
    use pkiaudit::load::{load_bytes, MAX_CERTS_PER_INPUT};
    let root = Issued::root("Many");
    let der = root.der();
    // Concatenated DER (as `cat *.der` makes): one more than the bound.
    let bytes = der.repeat(MAX_CERTS_PER_INPUT + 1);
    let input = load_bytes("many.der", &bytes);
    assert_eq!(input.certs.len(), MAX_CERTS_PER_INPUT);
    let said: Vec<String> = input.problems.iter().map(|p| p.message.clone()).collect();
    assert!(
        said.iter()
            .any(|m| m.contains(&format!("more than {MAX_CERTS_PER_INPUT} certificates"))),
        "{said:?}"
    );
}

#[test]
fn problems_per_input_are_listed_up_to_the_bound_then_counted() {
    use pkiaudit::load::MAX_PROBLEMS_PER_INPUT;
    let dir = tempfile::tempdir().unwrap();
    let bad_block = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    let good = std::fs::read_to_string("fixtures/client/alice.pem").unwrap();
    let mut text = bad_block.repeat(MAX_PROBLEMS_PER_INPUT + 50);
    text.push_str(&good);
    let file = write(dir.path(), "flood.pem", text);
    let r = run::pkiaudit_json(["check", "--format", "json", "--at", AT, &file]);
    assert_eq!(r.code, 2, "input errors give exit 2");
    let problems = r.json["inputs"][0]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), MAX_PROBLEMS_PER_INPUT + 1);
    let last = problems.last().unwrap()["message"].as_str().unwrap();
    assert!(last.contains("50 more problems"), "{last}");
    // the good certificate after the flood is still audited
    let certs = r.json["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1);
    assert!(certs[0]["subject"].as_str().unwrap().contains("alice"));
}

#[test]
fn objects_per_input_are_recorded_up_to_the_bound() {
    use pkiaudit::load::{load_bytes, MAX_OBJECTS_PER_INPUT};
    let block = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    let input = load_bytes(
        "keys.txt",
        block.repeat(MAX_OBJECTS_PER_INPUT + 20).as_bytes(),
    );
    assert_eq!(input.objects.len(), MAX_OBJECTS_PER_INPUT);
    assert_eq!(input.kind(), "public-key");
    // each one is still said (and the problems are bounded in turn)
    assert!(input
        .problems
        .last()
        .is_some_and(|p| p.message.contains("20 more problems")));
}

/// `check --format json --at AT --revocation off ARGS`: the report.
fn check_without_revocation(args: &[&str]) -> Value {
    let mut all = vec![
        "check",
        "--format",
        "json",
        "--at",
        AT,
        "--revocation",
        "off",
    ];
    all.extend_from_slice(args);
    run::pkiaudit_json(all).json
}

/// root → `n` intermediates → leaf; the intermediates are sent with the
/// leaf (the leaf's file), the root is the anchor.
fn chain_of(n: usize) -> Value {
    let root = Issued::root("Depth Root");
    let mut cas = vec![root];
    for i in 0..n {
        let ca = cas
            .last()
            .unwrap()
            .issue(CertSpec::ca(&format!("Depth CA {i}")));
        cas.push(ca);
    }
    let leaf = cas.last().unwrap().issue(CertSpec::leaf("vpn.example.com"));
    let dir = tempfile::tempdir().unwrap();
    let root_pem = write(dir.path(), "root.pem", cas[0].pem());
    let mut bundle = leaf.pem();
    for ca in cas[1..].iter().rev() {
        bundle.push_str(&ca.pem());
    }
    let file = write(dir.path(), "bundle.pem", bundle);
    let report = check_without_revocation(&["--trust", &root_pem, &file]);
    let leaf = report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject"].as_str().unwrap().contains("vpn.example.com"))
        .cloned()
        .expect("the leaf is audited");
    leaf
}

#[test]
fn chain_depth_over_the_bound_is_a_finding() {
    use pkiaudit::audit::path::MAX_INTERMEDIATES;
    let ok = chain_of(MAX_INTERMEDIATES);
    assert!(
        !finding_ids(&ok)
            .iter()
            .any(|id| id.starts_with("chain.invalid")),
        "{ok}"
    );
    let deep = chain_of(MAX_INTERMEDIATES + 1);
    let said = messages(&deep, "chain.invalid");
    assert!(
        said.contains(&format!(
            "no path within {MAX_INTERMEDIATES} intermediate certificates"
        )),
        "{deep}"
    );
}

#[test]
fn path_building_attempts_are_bounded() {
    use pkiaudit::audit::path::MAX_SIGNATURES;
    // More CAs with the leaf's issuer name than the signature budget, all
    // under the root, none with the leaf's key: every one is a candidate
    // (the authority key identifier is only a hint), so the search stops
    // at the budget and says so.
    let root = Issued::root("Attempts Root");
    let cas: Vec<Issued> = (0..MAX_SIGNATURES + 20)
        .map(|_| root.issue(CertSpec::ca("Same Name CA")))
        .collect();
    let issuer = root.issue(CertSpec::ca("Same Name CA"));
    let leaf = issuer.issue(CertSpec::leaf("vpn.example.com"));
    let dir = tempfile::tempdir().unwrap();
    let root_pem = write(dir.path(), "root.pem", root.pem());
    let pool: String = cas.iter().map(|c| c.pem()).collect();
    let pool_pem = write(dir.path(), "pool.pem", pool);
    let leaf_pem = write(dir.path(), "leaf.pem", leaf.pem());
    let report =
        check_without_revocation(&["--trust", &root_pem, "--untrusted", &pool_pem, &leaf_pem]);
    let certs = report["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1, "only the leaf is audited");
    let said = messages(&certs[0], "chain.invalid");
    assert!(said.contains("path building gave up"), "{}", certs[0]);

    // With the right CA among the namesakes, its key identifier puts it
    // first: the path validates within the budget.
    let mut with_issuer: String = cas.iter().map(|c| c.pem()).collect();
    with_issuer.push_str(&issuer.pem());
    let pool_pem = write(dir.path(), "pool2.pem", with_issuer);
    let report =
        check_without_revocation(&["--trust", &root_pem, "--untrusted", &pool_pem, &leaf_pem]);
    let leaf = &report["certificates"][0];
    assert_eq!(leaf["chain"]["status"], "verified", "{leaf}");
}

#[test]
fn inventory_over_the_bound_is_an_error_naming_it() {
    use pkiaudit::sweep::inventory::MAX_INVENTORY_BYTES;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("[[target]]\npaths = [\"certs\"]\n");
    while (text.len() as u64) <= MAX_INVENTORY_BYTES {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    let inv = write(dir.path(), "estate.toml", text);
    let out = run::command()
        .args(["sweep", "--offline", &inv])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("estate.toml") && err.contains("larger than 4 MiB"),
        "{err}"
    );
}
