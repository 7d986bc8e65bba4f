//! The whole `check` pipeline on arbitrary bytes: load, assemble, audit with
//! every profile in turn (picked by the input length, so each input is
//! reproducible), then both reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkiaudit::audit::names::Host;
use pkiaudit::audit::profile::Profile;
use pkiaudit::audit::{audit, Options};
use pkiaudit::load::load_bytes;
use pkiaudit::report::{json, text};
use pkiaudit::time::{parse_at, AuditTime};

fuzz_target!(|data: &[u8]| {
    let input = load_bytes("fuzz", data);
    let at = parse_at("2026-03-01T12:00:00Z").expect("fixed audit time");
    let profile = Profile::ALL[data.len() % Profile::ALL.len()];
    let mut opts = Options::new(profile, AuditTime::given(at));
    if profile.verifies_host_name() {
        opts.host = Host::parse("vpn.example.com").ok();
    }
    let report = audit(vec![input], Default::default(), &opts);
    text::write_check(&mut std::io::sink(), &report).expect("text report to a sink");
    json::write_check(&mut std::io::sink(), &report).expect("JSON report to a sink");
});
