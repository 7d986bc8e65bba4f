//! Revocation answers from strangers: the bytes as a CRL (PEM or DER:
//! parse, verify with a fixed CA, freshness, lookups) and as an OCSP
//! response to a fixed request (verify). Neither may panic, and an answer
//! that does not verify is never `good`.

use pkiaudit::model::Certificate;
use pkiaudit::revocation::{crl::Crl, ocsp};
use pkiaudit::time::parse_at;

const CA: &[u8] = include_bytes!("../../fixtures/pki/issuing-ca.pem");
const LEAF: &[u8] = include_bytes!("../../fixtures/client/alice.pem");

fn first_cert(pem: &[u8]) -> Certificate {
    let input = pkiaudit::load::load_bytes("fixed.pem", pem);
    Certificate::clone(&input.certs[0].cert)
}

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let ca = first_cert(CA);
    let leaf = first_cert(LEAF);
    let at = parse_at("2026-03-01T12:00:00Z").expect("fixed time");
    if let Ok(crl) = Crl::from_pem_or_der(data, "fuzz.crl") {
        let _ = crl.verify(&ca);
        let _ = crl.freshness(at);
        let _ = crl.lookup(&leaf.serial_raw);
        let _ = crl.lookup(&[]);
        let _ = pkiaudit::revocation::crl::status_with_delta(&crl, Some(&crl), &leaf.serial_raw);
    }
    let request = ocsp::build_request(&leaf, &ca, true).expect("request for fixed certificates");
    if let Ok(answer) = ocsp::verify_response(data, &request, &leaf, &ca, at) {
        // a random input that verifies would be a forged signature
        panic!("a fuzzed OCSP response verified: {:?}", answer.status);
    }
}
