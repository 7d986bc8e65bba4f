//! Cisco text end to end: the input is read both as a certificate input and
//! as the `--config` running-config of the device judging a fixed peer
//! certificate, so the show parser, the running-config parser, certificate
//! map evaluation, profile selection, the config audit and both reports all
//! run on the same bytes.

use pkiaudit::audit::profile::Profile;
use pkiaudit::audit::{audit, Options, Trust};
use pkiaudit::load::{load_bytes, load_bytes_with, LoadOptions};
use pkiaudit::report::{json, text};
use pkiaudit::time::{parse_at, AuditTime};

const ALICE: &[u8] = include_bytes!("../../fixtures/client/alice.pem");

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let load_opts = LoadOptions {
        device_tz: vec![("IST".into(), 19_800)],
        ..Default::default()
    };
    let input = load_bytes_with("fuzz.txt", data, &load_opts);
    let at = parse_at("2026-03-01T12:00:00Z").expect("fixed audit time");
    let profile = Profile::ALL[data.len() % Profile::ALL.len()];
    let opts = Options::new(profile, AuditTime::given(at));
    let device = input.ios_config.is_some().then(|| input.clone());
    let trust = Trust {
        anchors: Vec::new(),
        untrusted: Vec::new(),
        system: Vec::new(),
        device,
    };
    let report = audit(vec![input, load_bytes("alice.pem", ALICE)], trust, &opts);
    // Every certificate and partial record found is accounted for.
    let s = report.summary;
    assert_eq!(s.certificates + s.duplicates, s.certificates_found);
    text::write_check(&mut std::io::sink(), &report).expect("text report to a sink");
    json::write_check(&mut std::io::sink(), &report).expect("JSON report to a sink");
}
