//! IKE inputs end to end: the bytes as a capture, raw IKE message, bare
//! payload or hex dump, read with a real key table (so SK/SKF decryption and
//! the inner payload walk run on mutated ciphertext), then audited with the
//! CERTREQ check and both reports written.

use std::sync::Arc;

use pkiaudit::audit::profile::Profile;
use pkiaudit::audit::{audit, Options, Trust};
use pkiaudit::ike::decrypt::parse_table;
use pkiaudit::load::{load_bytes, load_bytes_with, LoadOptions};
use pkiaudit::report::{json, text};
use pkiaudit::time::{parse_at, AuditTime};

const KEYS: &str = include_str!("../../fixtures/ike/ikev2-rsa.keys");
const ROOT: &[u8] = include_bytes!("../../fixtures/ike/pki/root-ca.pem");

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let opts = LoadOptions {
        ike_keys: Some(Arc::new(parse_table(KEYS))),
        ..Default::default()
    };
    let input = load_bytes_with("fuzz.pcapng", data, &opts);
    // Certificates read from IKE say where they came from.
    for c in &input.certs {
        if let Some(ike) = &c.provenance.ike {
            assert_eq!(ike.spi_i.len(), 16);
        }
    }
    let at = parse_at("2026-03-01T12:00:00Z").expect("fixed audit time");
    let trust = Trust {
        anchors: vec![load_bytes("root.pem", ROOT)],
        ..Trust::default()
    };
    let report = audit(
        vec![input],
        trust,
        &Options::new(Profile::Ikev2, AuditTime::given(at)),
    );
    text::write_check(&mut std::io::sink(), &report).expect("text report to a sink");
    json::write_check(&mut std::io::sink(), &report).expect("JSON report to a sink");
}
