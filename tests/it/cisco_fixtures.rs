//! The committed Cisco fixtures (`fixtures/ios/`, device output as IOS,
//! IOS-XE and ASA print it) through the binary: what is read from each, the
//! problems each deliberately broken item gives (with its line), the
//! configuration audit of the worked example in docs/inputs-cisco.md, and
//! `check --config`.

use crate::common::{fixture, run};

use run::pkiaudit_json;
use serde_json::Value;

fn inspect(file: &str, extra: &[&str]) -> run::Run {
    let mut args = vec!["inspect".to_string(), "--format".into(), "json".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(fixture(file).display().to_string());
    pkiaudit_json(args)
}

/// The exit code of a run that is expected to stop before any report.
fn exit_code(args: &[&str]) -> i32 {
    run::offline()
        .args(args)
        .output()
        .expect("run pkiaudit")
        .status
        .code()
        .expect("exited normally")
}

fn check(args: &[&str]) -> run::Run {
    let mut all = vec!["check", "--format", "json", "--at", "2026-06-01"];
    all.extend_from_slice(args);
    pkiaudit_json(all)
}

/// `(line, level, message)` of every problem of the first input.
fn problems(json: &Value) -> Vec<(Option<u64>, String, String)> {
    json["inputs"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64(),
                p["level"].as_str().unwrap().to_string(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn certs(json: &Value) -> &Vec<Value> {
    json["certificates"].as_array().unwrap()
}

fn by_serial<'a>(json: &'a Value, serial: &str) -> &'a Value {
    certs(json)
        .iter()
        .find(|c| c["serial"] == serial)
        .unwrap_or_else(|| panic!("no certificate with serial {serial}"))
}

#[test]
fn every_show_variant_reads_the_same_certificates() {
    // (file, format, entries, unique, serials)
    let table: &[(&str, &str, u64, usize, &[&str])] = &[
        (
            "ios/show-crypto-pki-certificates-ios.txt",
            "show",
            3,
            3,
            &["4A3F0001", "1001", "01"],
        ),
        (
            "ios/show-crypto-pki-certificates-verbose-iosxe.txt",
            "show",
            4,
            3,
            &["4A3F0001", "1001", "01"],
        ),
        (
            "ios/show-crypto-ca-certificates-asa.txt",
            "show",
            3,
            3,
            &["5C0001", "1001", "01"],
        ),
        (
            "ios/show-crypto-pki-trustpool.txt",
            "show",
            3,
            3,
            &["01", "1000", "01"],
        ),
        (
            "ios/show-crypto-pki-certificates-messy.txt",
            "show",
            5,
            4,
            &["4A3F0001", "1001", "01", "7F"],
        ),
    ];
    let mut bad = Vec::new();
    for (file, format, found, unique, serials) in table {
        let r = inspect(file, &[]);
        let input = &r.json["inputs"][0];
        if input["format"] != *format || input["certificates"] != *found {
            bad.push(format!("{file}: {input}"));
        }
        let got: Vec<&str> = certs(&r.json)
            .iter()
            .map(|c| c["serial"].as_str().unwrap())
            .collect();
        if got.len() != *unique || got != *serials {
            bad.push(format!("{file}: serials {got:?}"));
        }
        for c in certs(&r.json) {
            if c["record"] != "partial" || c["origin"] != "show" || c["sha256"] != Value::Null {
                bad.push(format!(
                    "{file}: {} is not a partial show record",
                    c["serial"]
                ));
            }
        }
        if r.code != 0 {
            bad.push(format!("{file}: exit {} {}", r.code, r.stderr));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn time_zones_are_converted_and_names_read_most_specific_first() {
    // The same identity certificate printed in UTC (IOS) and in EST
    // (IOS-XE, 19:00 EST Dec 31 2034): one instant.
    let utc = inspect("ios/show-crypto-pki-certificates-ios.txt", &[]);
    let est = inspect("ios/show-crypto-pki-certificates-verbose-iosxe.txt", &[]);
    for r in [&utc, &est] {
        let c = by_serial(&r.json, "4A3F0001");
        assert_eq!(c["not_before"], "2025-01-01T00:00:00Z");
        assert_eq!(c["not_after"], "2035-01-01T00:00:00Z");
        assert_eq!(c["subject_ios"], "cn=vpn.example.com,o=Example VPN");
        assert_eq!(c["trustpoints"], serde_json::json!(["HUB-TP"]));
    }
    let shown = &by_serial(&est.json, "4A3F0001")["show"]["not_after"];
    assert_eq!(shown["raw"], "19:00:00 EST Dec 31 2034");
    assert_eq!(shown["offset_seconds"], -18000);
    assert_eq!(shown["offset_source"], "well-known");
    // ASA, CEST (+2)
    let asa = inspect("ios/show-crypto-ca-certificates-asa.txt", &[]);
    assert_eq!(
        by_serial(&asa.json, "5C0001")["not_after"],
        "2035-01-01T00:00:00Z"
    );
}

#[test]
fn verbose_output_feeds_the_extension_rules_and_plain_output_does_not() {
    let est = inspect("ios/show-crypto-pki-certificates-verbose-iosxe.txt", &[]);
    let leaf = by_serial(&est.json, "4A3F0001");
    assert_eq!(leaf["known"]["extensions"], true);
    assert_eq!(leaf["known"]["der"], false);
    assert_eq!(
        leaf["key_usage"]["usages"],
        serde_json::json!(["digitalSignature", "keyEncipherment"])
    );
    let ekus: Vec<&str> = leaf["extended_key_usage"]["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["oid"].as_str().unwrap())
        .collect();
    assert_eq!(ekus, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.17"]);
    assert_eq!(leaf["key"]["bits"], 2048);
    assert_eq!(leaf["sha1"], "bc2cc9afe440ac6b7891115a36d7dddde3d010a3");
    // The pending enrollment request is reported, not audited.
    let p = problems(&est.json);
    assert!(
        p.iter()
            .any(|(_, level, m)| level == "note" && m.contains("pending") && m.contains("NEW-TP")),
        "{p:?}"
    );
    let plain = inspect("ios/show-crypto-pki-certificates-ios.txt", &[]);
    let leaf = by_serial(&plain.json, "4A3F0001");
    assert_eq!(leaf["known"]["extensions"], false);
    assert_eq!(leaf["key"], Value::Null);
    assert_eq!(leaf["key_usage"], Value::Null);
}

#[test]
fn check_on_show_output_says_what_it_could_not_check() {
    let r = check(
        &[
            "--profile",
            "anyconnect-server",
            "--host",
            "vpn.example.com",
        ]
        .iter()
        .copied()
        .chain([fixture("ios/show-crypto-pki-certificates-ios.txt")
            .to_str()
            .unwrap()])
        .collect::<Vec<_>>(),
    );
    let leaf = by_serial(&r.json, "4A3F0001");
    let findings = leaf["findings"].as_array().unwrap();
    let not_checkable: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "record.not-checkable")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // extensions (KU/EKU/SAN, so the name check too), DER (chain), key, signature
    assert_eq!(not_checkable.len(), 4, "{not_checkable:?}");
    assert!(not_checkable
        .iter()
        .any(|m| m.contains("name.host.mismatch")
            && m.contains("eku.anyconnect.server")
            && m.contains("verbose")));
    assert!(not_checkable.iter().any(|m| m.contains("chain.*")));
    // no rule that needs the extensions ran and passed or failed
    assert!(!findings
        .iter()
        .any(|f| f["rule"].as_str().unwrap().starts_with("name.host.")));
    assert!(leaf.get("chain").is_none());
    // Verbose output lets the name and EKU rules run.
    let r = check(
        &[
            "--profile",
            "anyconnect-server",
            "--host",
            "vpn.example.com",
        ]
        .iter()
        .copied()
        .chain([
            fixture("ios/show-crypto-pki-certificates-verbose-iosxe.txt")
                .to_str()
                .unwrap(),
        ])
        .collect::<Vec<_>>(),
    );
    let leaf = by_serial(&r.json, "4A3F0001");
    let rules: Vec<&str> = leaf["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"name.host.match"), "{rules:?}");
}

#[test]
fn messy_paste_duplicates_implausible_dates_and_wrapped_names() {
    let r = inspect("ios/show-crypto-pki-certificates-messy.txt", &[]);
    let p = problems(&r.json);
    // The root's end date printed through a 32-bit time_t: flagged at its
    // entry, never judged as "expired in 1907".
    assert!(
        p.iter().any(|(l, level, m)| *l == Some(56)
            && level == "warning"
            && m.contains("implausible")
            && m.contains("1907")),
        "{p:?}"
    );
    let root = by_serial(&r.json, "01");
    assert_eq!(root["known"]["validity"], false);
    assert_eq!(root["not_after"], Value::Null);
    // The issuing CA printed twice is one certificate seen twice.
    let ca = by_serial(&r.json, "1001");
    assert_eq!(ca["duplicates"].as_array().unwrap().len(), 1);
    // multi-valued RDN and a value IOS wrapped at its comma
    let legacy = by_serial(&r.json, "7F");
    assert_eq!(
        legacy["subject_ios"],
        "cn=Legacy Branch CA+ou=Branch Operations,o=Example VPN, Legacy Branch Networks and Remote Access Engineering"
    );
    assert!(p
        .iter()
        .any(|(l, _, m)| *l == Some(97) && m.contains("continuation")));
    // and check does not call the root expired
    let r = check(&[fixture("ios/show-crypto-pki-certificates-messy.txt")
        .to_str()
        .unwrap()]);
    let root = by_serial(&r.json, "01");
    assert!(!root["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "validity.expired"));
}

#[test]
fn unknown_zone_labels_are_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("ios/show-crypto-pki-certificates-ios.txt"))
        .unwrap()
        .replace(" UTC ", " IST ");
    let file = dir.path().join("ist.txt");
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let r = pkiaudit_json(["inspect", "--format", "json", f]);
    let leaf = by_serial(&r.json, "4A3F0001");
    assert_eq!(leaf["not_after"], Value::Null);
    assert!(problems(&r.json)
        .iter()
        .any(|(_, _, m)| m.contains("`IST`") && m.contains("--device-tz")));
    let r = pkiaudit_json([
        "inspect",
        "--format",
        "json",
        "--device-tz",
        "IST=+05:30",
        f,
    ]);
    let leaf = by_serial(&r.json, "4A3F0001");
    assert_eq!(leaf["not_after"], "2034-12-31T18:30:00Z");
    let bad = exit_code(&["inspect", "--device-tz", "IST=5:30", f]);
    assert_eq!(bad, 2);
}

#[test]
fn show_output_merges_into_the_certificate_it_describes() {
    // The PEM of the leaf and the IOS show output of the same certificate.
    let r = inspect("headend/vpn-example-com.pem", &[]);
    assert_eq!(certs(&r.json).len(), 3);
    let both = pkiaudit_json([
        "inspect",
        "--format",
        "json",
        fixture("headend/vpn-example-com.pem").to_str().unwrap(),
        fixture("ios/show-crypto-pki-certificates-verbose-iosxe.txt")
            .to_str()
            .unwrap(),
    ]);
    let leaf = by_serial(&both.json, "4A3F0001");
    assert_eq!(leaf["record"], "full");
    assert_eq!(leaf["duplicates"][0]["container"], "ios-show");
    assert_eq!(leaf["trustpoints"], serde_json::json!(["HUB-TP"]));
    assert!(
        leaf.get("show_mismatch").is_none(),
        "{}",
        leaf["show_mismatch"]
    );
    // Every certificate of the show output found its full twin.
    assert!(certs(&both.json).iter().all(|c| c["record"] == "full"));
}

#[test]
fn pem_from_show_gets_trustpoints_and_a_corrupt_block_is_one_error() {
    let r = inspect("ios/show-crypto-pki-certificates-pem.txt", &[]);
    let roles: Vec<(&str, &str)> = certs(&r.json)
        .iter()
        .map(|c| {
            (
                c["serial"].as_str().unwrap(),
                c["source"]["ios_role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(roles, [("1001", "ca"), ("4A3F0001", "identity")]);
    let r = inspect("ios/show-crypto-pki-certificates-pem-corrupt.txt", &[]);
    assert_eq!(r.code, 2);
    let errors: Vec<_> = problems(&r.json)
        .into_iter()
        .filter(|(_, level, _)| level == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, Some(33));
    assert_eq!(certs(&r.json).len(), 1);
}

#[test]
fn running_config_chains_are_full_certificates_with_trustpoints() {
    let r = inspect("ios/hub-running-config.txt", &[]);
    assert_eq!(r.json["inputs"][0]["format"], "running-config");
    let got: Vec<(String, String, String)> = certs(&r.json)
        .iter()
        .map(|c| {
            (
                c["serial"].as_str().unwrap().to_string(),
                c["trustpoints"][0].as_str().unwrap().to_string(),
                c["source"]["ios_role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("4A3F0007", "HUB-TP", "identity"),
        ("1001", "HUB-TP", "ca"),
        ("01", "ROOT-TP", "ca"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    // byte-identical to the PEM fixtures they were made from
    let pem = inspect("headend/expired.pem", &[]);
    assert_eq!(
        by_serial(&r.json, "4A3F0007")["sha256"],
        by_serial(&pem.json, "4A3F0007")["sha256"]
    );
    assert!(certs(&r.json).iter().all(|c| c["record"] == "full"));
}

#[test]
fn odd_running_config_reports_each_broken_block_at_its_line() {
    let r = inspect("ios/running-config-odd.txt", &[]);
    assert_eq!(r.code, 2);
    let p = problems(&r.json);
    let errors: Vec<(Option<u64>, &str)> = p
        .iter()
        .filter(|(_, level, _)| level == "error")
        .map(|(l, _, m)| (*l, m.as_str()))
        .collect();
    let expect = [
        (151, "odd number of hex digits"),
        (167, "not a hex digit"),
        (190, "no `quit`"),
        (197, "no `quit`"),
    ];
    for (line, what) in expect {
        assert!(
            errors
                .iter()
                .any(|(l, m)| *l == Some(line) && m.contains(what)),
            "no error at line {line} with {what:?}: {errors:?}"
        );
    }
    assert_eq!(errors.len(), expect.len(), "{errors:?}");
    assert!(p
        .iter()
        .any(|(_, level, m)| level == "warning" && m.contains("EMPTY-TP") && m.contains("empty")));
    // the good blocks beside them are read
    assert_eq!(certs(&r.json).len(), 4);
}

/// The worked example of docs/inputs-cisco.md.
#[test]
fn hub_config_audit_finds_the_field_guide_failures() {
    let r = check(&[fixture("ios/hub-running-config.txt").to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json["verdict"], "fail");
    let cfg = &r.json["configurations"][0];
    let mut got: Vec<(String, u64)> = cfg["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let text = std::fs::read_to_string(fixture("ios/hub-running-config.txt")).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| !l.starts_with('!') && l.contains(needle))
            .map(|i| i as u64 + 1)
            .unwrap_or_else(|| panic!("{needle} not in the fixture"))
    };
    let mut want = vec![
        (
            "config.identity.expired".to_string(),
            line_of("certificate 4A3F0007"),
        ),
        (
            "config.ikev2.profiles-overlap".to_string(),
            line_of("crypto ikev2 profile ALICE-PROF"),
        ),
        (
            "config.ikev2.trustpoint-not-enrolled".to_string(),
            line_of(" pki trustpoint OLD-TP sign"),
        ),
        (
            "config.trustpoint.allow-expired".to_string(),
            line_of("allow expired-certificate"),
        ),
    ];
    for (i, l) in text.lines().enumerate() {
        if l.trim() == "revocation-check none" {
            want.push(("config.trustpoint.revocation-none".into(), i as u64 + 1));
        }
    }
    want.sort();
    // The revocation findings sit on the trustpoint (or policy) line, not
    // on the `revocation-check` line: compare rule names for those.
    let names = |v: &[(String, u64)]| v.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "{got:?}");
    for (rule, line) in &want {
        if !rule.starts_with("config.trustpoint.revocation") {
            assert!(
                got.contains(&(rule.clone(), *line)),
                "{rule} at {line}: {got:?}"
            );
        }
    }
    // the expired identity certificate itself fails as a certificate too
    let id = by_serial(&r.json, "4A3F0007");
    assert_eq!(id["verdict"], "fail");
}

#[test]
fn check_with_config_names_the_profile_a_peer_selects() {
    let cfg = fixture("ios/hub-running-config.txt");
    let alice = fixture("client/alice.pem");
    let r = check(&[
        "--profile",
        "flexvpn-client",
        "--config",
        cfg.to_str().unwrap(),
        alice.to_str().unwrap(),
    ]);
    let a = by_serial(&r.json, "5C0001");
    let ios = &a["ios"];
    // both maps match alice: ambiguous, audited under the first
    assert_eq!(ios["selected"], Value::Null);
    let matching: Vec<&str> = ios["matching"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["profile"].as_str().unwrap())
        .collect();
    assert_eq!(matching, ["SPOKES-PROF", "ALICE-PROF"]);
    assert_eq!(ios["audited_under"], "SPOKES-PROF");
    assert_eq!(ios["verify_trustpoints"], serde_json::json!(["HUB-TP"]));
    assert!(ios["allow_expired"].as_str().unwrap().contains("SPOKES"));
    assert_eq!(a["chain"]["status"], "verified");
    let rules: Vec<&str> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for want in [
        "config.peer.ambiguous-profile",
        "config.peer.trustpoint-policy",
        "config.peer.profile",
    ] {
        assert!(rules.contains(&want), "{want} missing: {rules:?}");
    }
    // A peer from another PKI selects no profile and fails.
    let other = fixture("external/openssl-headend.der");
    let r = check(&["--config", cfg.to_str().unwrap(), other.to_str().unwrap()]);
    let c = &certs(&r.json)[0];
    assert_eq!(c["ios"]["selected"], Value::Null);
    assert!(c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "config.peer.no-profile" && f["severity"] == "error"));
    assert_eq!(r.code, 1);
    // --config must be a running-config
    let not_cfg = exit_code(&[
        "check",
        "--config",
        alice.to_str().unwrap(),
        alice.to_str().unwrap(),
    ]);
    assert_eq!(not_cfg, 2);
}

#[test]
fn expired_peer_is_accepted_where_the_trustpoint_allows_it() {
    // alice as of 2036: expired; HUB-TP allows expired certificates that
    // match SPOKES, which alice does.
    let cfg = fixture("ios/hub-running-config.txt");
    let alice = fixture("client/alice.pem");
    let r = pkiaudit_json([
        "check",
        "--format",
        "json",
        "--at",
        "2036-01-01",
        "--config",
        cfg.to_str().unwrap(),
        alice.to_str().unwrap(),
    ]);
    let rules: Vec<String> = by_serial(&r.json, "5C0001")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rules.contains(&"validity.expired-allowed".to_string()),
        "{rules:?}"
    );
    assert!(
        !rules.contains(&"validity.expired".to_string()),
        "{rules:?}"
    );
    // without the device, it is simply expired
    let r2 = pkiaudit_json([
        "check",
        "--format",
        "json",
        "--at",
        "2036-01-01",
        alice.to_str().unwrap(),
    ]);
    let rules: Vec<String> = by_serial(&r2.json, "5C0001")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(rules.contains(&"validity.expired".to_string()), "{rules:?}");
}

/// DER of the `index`-th certificate of a fixture PEM file.
fn fixture_der(file: &str, index: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture(file)).unwrap();
    pem::parse_many(text).unwrap()[index].contents().to_vec()
}

fn md5_hex(der: &[u8]) -> String {
    crate::common::hex_lower(&crate::common::ios_render::md5(der))
}

/// The record of `file` whose `show.trustpoints` names `tp` with `role`.
fn listed<'a>(json: &'a Value, tp: &str, role: &str) -> &'a Value {
    certs(json)
        .iter()
        .find(|c| c["show"]["trustpoints"][0] == tp && c["show"]["listing"]["role"] == role)
        .unwrap_or_else(|| panic!("no {role} record of trustpoint {tp}"))
}

/// issue 18: `show crypto pki trustpoints status` names each certificate by
/// subject and MD5/SHA-1 fingerprints; each becomes a partial record with
/// its trustpoint and role. The fingerprints are those of the fixture
/// certificates (computed here with ring and an independent MD5).
#[test]
fn trustpoint_status_listing_gives_partial_records() {
    let r = inspect("ios/show-crypto-pki-trustpoints-status.txt", &[]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json["inputs"][0]["format"], "show-trustpoints");
    assert_eq!(
        certs(&r.json).len(),
        4,
        "SLA, HUB-TP CA and router, ROOT-TP"
    );
    let cases = [
        (
            "HUB-TP",
            "issuing-ca",
            "pki/issuing-ca.pem",
            "ca",
            "cn=Example VPN Issuing CA,o=Example VPN",
        ),
        (
            "HUB-TP",
            "router",
            "headend/vpn-example-com.pem",
            "end-entity",
            "cn=vpn.example.com,o=Example VPN",
        ),
        (
            "ROOT-TP",
            "issuing-ca",
            "pki/root-ca.pem",
            "ca",
            "cn=Example VPN Root CA,o=Example VPN",
        ),
    ];
    for (tp, role, file, audit_role, subject) in cases {
        let c = listed(&r.json, tp, role);
        let der = fixture_der(file, 0);
        assert_eq!(c["record"], "partial");
        assert_eq!(c["source"]["container"], "ios-trustpoints");
        assert_eq!(c["trustpoints"][0], tp);
        assert_eq!(c["role"], audit_role, "{tp} {role}");
        assert_eq!(c["subject_ios"], subject);
        assert_eq!(c["sha1"], crate::common::sha1_hex(&der));
        assert_eq!(c["show"]["sha1"], crate::common::sha1_hex(&der));
        assert_eq!(c["show"]["md5"], md5_hex(&der));
        assert_eq!(c["show"]["listing"]["layout"], "trustpoints-status");
        assert_eq!(c["known"]["validity"], false);
        let said: Vec<&str> = c["show"]["listing"]["device_said"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(said.contains(&"Issuing CA authenticated: Yes"), "{said:?}");
    }
    let router = listed(&r.json, "HUB-TP", "router");
    assert_eq!(router["source"]["ios_role"], "identity");
    assert_eq!(router["show"]["usage"], "General Purpose");
    assert_eq!(
        router["show"]["listing"]["printed_as"],
        "Router General Purpose certificate configured"
    );
    assert_eq!(
        listed(&r.json, "HUB-TP", "issuing-ca")["source"]["ios_role"],
        "ca"
    );
    // Only OLD-TP holds nothing, and the device says so.
    let p = problems(&r.json);
    let none: Vec<_> = p
        .iter()
        .filter(|(_, _, m)| m.contains("no certificate"))
        .collect();
    assert_eq!(none.len(), 1, "{p:?}");
    assert_eq!(none[0].1, "warning");
    assert!(none[0].2.contains("OLD-TP") && none[0].2.contains("Issuing CA authenticated: No"));
}

/// The plain listing (`Certificate configured.`) gives the CA certificate
/// of each trustpoint by subject and serial, and no "holds no certificate"
/// warning at all: that was a false warning.
#[test]
fn plain_trustpoint_listing_gives_records_and_no_false_warning() {
    let r = inspect("ios/show-crypto-pki-trustpoints.txt", &[]);
    assert_eq!(r.code, 0);
    assert_eq!(certs(&r.json).len(), 4);
    let p = problems(&r.json);
    assert!(p.is_empty(), "{p:?}");
    for (tp, serial, subject) in [
        ("SLA-TrustPoint", "01", "cn=Cisco Licensing Root CA,o=Cisco"),
        ("HUB-TP", "1001", "cn=Example VPN Issuing CA,o=Example VPN"),
        ("ROOT-TP", "01", "cn=Example VPN Root CA,o=Example VPN"),
    ] {
        let c = listed(&r.json, tp, "issuing-ca");
        assert_eq!(c["serial"], serial);
        assert_eq!(c["subject_ios"], subject);
        assert_eq!(c["role"], "ca");
        assert_eq!(c["show"]["listing"]["layout"], "trustpoints");
        assert_eq!(
            c["show"]["listing"]["device_said"][0],
            "Certificate configured."
        );
    }
    // A persistent self-signed trustpoint lists the router's own certificate.
    let ss = listed(&r.json, "TP-self-signed-1504826562", "self-signed");
    assert_eq!(ss["role"], "end-entity");
    assert_eq!(ss["source"]["ios_role"], "self-signed");
    assert_eq!(ss["self_issued"], true);

    // ASA: the same layout; a trustpoint without a CA certificate says so.
    let asa = inspect("ios/show-crypto-ca-trustpoints-asa.txt", &[]);
    assert_eq!(certs(&asa.json).len(), 2);
    assert_eq!(
        listed(&asa.json, "ASDM_TrustPoint0", "issuing-ca")["serial"],
        "1001"
    );
    let p = problems(&asa.json);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].1, "warning");
    assert!(
        p[0].2.contains("ASDM_TrustPoint2 holds no certificate")
            && p[0].2.contains("Not authenticated.")
    );
}

/// Listing records merge with the certificates themselves given in the
/// same run: by SHA-1 (status) or subject and serial (plain listing), as
/// `show crypto pki certificates` entries do; nothing disagrees.
#[test]
fn trustpoint_listings_merge_with_the_certificates() {
    let files = [
        "ios/show-crypto-pki-trustpoints-status.txt",
        "ios/show-crypto-pki-trustpoints.txt",
        "ios/show-crypto-ca-trustpoints-asa.txt",
        "pki/issuing-ca.pem",
        "pki/root-ca.pem",
        "headend/vpn-example-com.pem",
    ];
    let mut args: Vec<String> = vec!["inspect".into(), "--format".into(), "json".into()];
    args.extend(files.iter().map(|f| fixture(f).display().to_string()));
    let r = pkiaudit_json(args);
    assert_eq!(r.code, 0);
    let leaf = crate::common::sha1_hex(&fixture_der("headend/vpn-example-com.pem", 0));
    for (serial, containers, tps) in [
        ("1001", 3, &["HUB-TP", "ASDM_TrustPoint0"][..]),
        ("01", 3, &["ROOT-TP", "ASDM_TrustPoint1"][..]),
    ] {
        let c = certs(&r.json)
            .iter()
            .find(|c| c["serial"] == serial && c["record"] == "full")
            .unwrap();
        let dups: Vec<&Value> = c["duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["container"] == "ios-trustpoints")
            .collect();
        assert_eq!(dups.len(), containers, "{serial}: {:?}", c["duplicates"]);
        for tp in tps {
            assert!(
                c["trustpoints"].as_array().unwrap().iter().any(|t| t == tp),
                "{serial} {tp}"
            );
        }
        assert!(c.get("show_mismatch").is_none(), "{:?}", c["show_mismatch"]);
        assert_eq!(c["role"], "ca");
    }
    let l = certs(&r.json)
        .iter()
        .find(|c| c["sha1"] == leaf.as_str())
        .unwrap();
    assert_eq!(l["record"], "full");
    assert_eq!(l["role"], "end-entity");
    assert_eq!(l["trustpoints"][0], "HUB-TP");
    assert!(l.get("show_mismatch").is_none());
    // The Cisco certificates are no fixtures: they stay partial records.
    let partial: Vec<&str> = certs(&r.json)
        .iter()
        .filter(|c| c["record"] == "partial")
        .map(|c| c["subject_ios"].as_str().unwrap())
        .collect();
    assert!(
        partial
            .iter()
            .all(|s| s.contains("Cisco") || s.contains("IOS-Self-Signed")),
        "{partial:?}"
    );
}

/// A listing record and a `show crypto pki certificates verbose` entry of
/// the same certificate merge by SHA-1, and the richer entry is kept
/// whichever input comes first.
#[test]
fn trustpoint_listing_merges_with_a_verbose_show_entry() {
    let r = pkiaudit_json([
        "inspect",
        "--format",
        "json",
        "--device-tz",
        "EST=-05:00",
        fixture("ios/show-crypto-pki-trustpoints-status.txt")
            .to_str()
            .unwrap(),
        fixture("ios/show-crypto-pki-certificates-verbose-iosxe.txt")
            .to_str()
            .unwrap(),
    ]);
    let c = by_serial(&r.json, "4A3F0001");
    assert_eq!(c["record"], "partial");
    assert_eq!(c["show"]["verbose"], true);
    assert_eq!(c["known"]["validity"], true);
    assert!(c["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["container"] == "ios-trustpoints"));
    assert!(c.get("show_mismatch").is_none(), "{:?}", c["show_mismatch"]);
}

/// A listing cut off in the paste: the certificate whose lines are missing
/// is reported at its line, the complete ones are still read, and no
/// trustpoint is said to hold nothing.
#[test]
fn truncated_trustpoint_listing() {
    let full =
        std::fs::read_to_string(fixture("ios/show-crypto-pki-trustpoints-status.txt")).unwrap();
    // Cut inside HUB-TP's router block, in the middle of its MD5 line.
    let at = full.find("    Fingerprint MD5: B490B2A7").unwrap()
        + "    Fingerprint MD5: B490B2A7 FF0D".len();
    let dir = tempfile::tempdir().unwrap();
    let path = crate::common::write(dir.path(), "cut.txt", &full[..at]);
    let r = pkiaudit_json(["inspect", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert_eq!(certs(&r.json).len(), 2, "SLA and the HUB-TP issuing CA");
    listed(&r.json, "HUB-TP", "issuing-ca");
    let p = problems(&r.json);
    let cut_line = full[..at].lines().count() as u64;
    assert!(
        p.iter().any(|(l, lvl, m)| *l == Some(cut_line)
            && lvl == "warning"
            && m.contains("MD5")
            && m.contains("cut off")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|(_, lvl, m)| lvl == "warning"
            && m.contains("cn=vpn.example.com")
            && m.contains("not read as a certificate")),
        "{p:?}"
    );
    assert!(
        !p.iter().any(|(_, _, m)| m.contains("holds no certificate")),
        "{p:?}"
    );
}
