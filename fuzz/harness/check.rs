//! The whole `check` pipeline on arbitrary bytes: load, assemble, audit with
//! every profile in turn (picked by the input length, so each input is
//! reproducible) against a fixed trust anchor and a CERTREQ (so chain
//! building, rustls-webpki and the chain diagnostics run), then both reports.

use pkiaudit::audit::names::Host;
use pkiaudit::audit::profile::Profile;
use pkiaudit::audit::{audit, Options, Trust};
use pkiaudit::load::load_bytes;
use pkiaudit::report::{json, text};
use pkiaudit::time::{parse_at, AuditTime};

const ROOT: &[u8] = include_bytes!("../../fixtures/pki/root-ca.pem");
const ISSUING: &[u8] = include_bytes!("../../fixtures/pki/issuing-ca.pem");

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let input = load_bytes("fuzz", data);
    let at = parse_at("2026-03-01T12:00:00Z").expect("fixed audit time");
    let profile = Profile::ALL[data.len() % Profile::ALL.len()];
    let mut opts = Options::new(profile, AuditTime::given(at));
    if profile.verifies_host_name() {
        opts.host = Host::parse("vpn.example.com").ok();
    }
    opts.certreq = Some(vec!["f48313fdce675ef77fbdf60b7e0795041678a5dc".into()]);
    let trust = Trust {
        anchors: vec![load_bytes("root.pem", ROOT)],
        untrusted: if data.len().is_multiple_of(2) {
            vec![load_bytes("issuing.pem", ISSUING)]
        } else {
            Vec::new()
        },
        system: Vec::new(),
        device: None,
    };
    let report = audit(vec![input], trust, &opts);
    text::write_check(&mut std::io::sink(), &report).expect("text report to a sink");
    json::write_check(&mut std::io::sink(), &report).expect("JSON report to a sink");
}
