//! Rendered device output read back by the binary: every layout, time zone
//! and certificate gives what the same certificate read from PEM gives, show
//! entries merge into the certificates they describe, and the renderer
//! itself prints what the committed real-device samples show.

use super::*;

// ---------------------------------------------------------------------------
// The renderer itself prints what the committed real-device samples show

fn first_pem_der(path: &str) -> Vec<u8> {
    let text = std::fs::read(fixture(path)).expect("fixture");
    pem::parse_many(&text).expect("fixture PEM")[0]
        .contents()
        .to_vec()
}

/// The device output of a fixture without its `! ` header.
fn device_text(path: &str) -> String {
    std::fs::read_to_string(fixture(path))
        .expect("fixture")
        .lines()
        .filter(|l| !l.starts_with("! "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn renderer_reproduces_the_committed_device_samples() {
    let leaf = first_pem_der("headend/vpn-example-com.pem");
    let issuing = first_pem_der("pki/issuing-ca.pem");
    let root = first_pem_der("pki/root-ca.pem");
    let alice = first_pem_der("client/alice.pem");

    // IOS 15, non-verbose, UTC: byte for byte.
    let ios = format!(
        "{}{}{}{}hub#\n",
        show_command("hub", false),
        show_entry(&leaf, IDENTITY, "HUB-TP", false, None),
        show_entry(&issuing, CA, "HUB-TP", false, None),
        show_entry(&root, CA, "ROOT-TP", false, None),
    );
    assert_eq!(ios, device_text("ios/show-crypto-pki-certificates-ios.txt"));

    // ASA, CEST: byte for byte but the prompt's trailing blank.
    let cest = Some(("CEST", 7200));
    let asa = format!(
        "{}{}{}{}asa# \n",
        show_command("asa", true),
        asa_entry(&alice, IDENTITY, "ASDM_TrustPoint0", cest),
        asa_entry(&issuing, CA, "ASDM_TrustPoint0", cest),
        asa_entry(&root, CA, "ASDM_TrustPoint1", cest),
    );
    assert_eq!(asa, device_text("ios/show-crypto-ca-certificates-asa.txt"));

    // IOS-XE verbose, EST: every line printed for the leaf is in the
    // sample's first entry (install time and key label aside), fingerprints
    // (MD5 implemented here) and key identifiers included.
    let sample = device_text("ios/show-crypto-pki-certificates-verbose-iosxe.txt");
    let first_entry: BTreeSet<&str> = sample
        .split("\n\n")
        .next()
        .expect("entry")
        .lines()
        .collect();
    let ours = show_entry(&leaf, IDENTITY, "HUB-TP", true, Some(("EST", -5 * 3600)));
    let missing: Vec<&str> = ours
        .lines()
        .filter(|l| !l.is_empty())
        .filter(|l| !l.starts_with("  Cert install time") && !l.starts_with("  Key Label"))
        .filter(|l| !first_entry.contains(l))
        .collect();
    assert!(
        missing.is_empty(),
        "rendered lines not in the sample: {missing:#?}"
    );
    assert!(ours.contains("  Fingerprint MD5: B490B2A7 FF0DC4CB EFD9784C 578F5BBA \n"));

    // The PEM form, byte for byte.
    assert_eq!(
        show_pem("HUB-TP", &issuing, &leaf),
        device_text("ios/show-crypto-pki-certificates-pem.txt")
    );

    // The running-config chain block: as the committed hub config holds it.
    let expired = first_pem_der("headend/expired.pem");
    let hub = device_text("ios/hub-running-config.txt");
    let block = running_config_chain(
        "HUB-TP",
        &[("certificate", &expired), ("certificate ca", &issuing)],
    );
    assert!(
        hub.contains(&block),
        "chain block not found in the hub config:\n{block}"
    );
}

#[test]
fn the_test_pki_has_the_odd_serials_it_claims() {
    let rsa = facts(&by_label("rsa leaf").der);
    assert_eq!(rsa.serial_der, [0x00, 0xFF, 0x11, 0x22, 0x33]);
    let ec = facts(&by_label("ec leaf").der);
    assert_eq!(ec.serial_der.len(), 20);
    assert_eq!(ec.eku.len(), 3);
}

// ---------------------------------------------------------------------------
// Round trips

#[test]
fn running_config_round_trip_gives_the_exact_certificates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = pki();
    let chains = chains_of(made.iter());
    // The chain blocks alone (`show running-config | section crypto pki
    // certificate chain`) and inside a whole running-config.
    let sections: String = chains
        .iter()
        .map(|(tp, list)| running_config_chain(tp, list))
        .collect();
    let whole = running_config("hub", &chains);
    for (name, text) in [("sections.txt", sections), ("running-config.txt", whole)] {
        let path = write(dir.path(), name, &text);
        let out = inspect(&[&path], &[]);
        let input = input_of(&out.json, &path);
        assert_eq!(input["format"], "running-config", "{name}");
        assert!(
            !problems(input).iter().any(|p| p["level"] != "note"),
            "{name}: {}",
            input["problems"]
        );
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(certs(&out.json).len(), made.len(), "{name}");
        let mut bad = Vec::new();
        for m in made {
            let sha = sha256_hex(&m.der);
            let Some(c) = certs(&out.json)
                .iter()
                .find(|c| c["sha256"] == sha.as_str())
            else {
                bad.push(format!("{name}: {} (sha256 {sha}) not reported", m.label));
                continue;
            };
            let expect = serde_json::json!({
                "origin": "running-config",
                "record": "full",
                "trustpoints": [m.trustpoint],
                "role": m.role(),
                "sha1": sha1_hex(&m.der),
            });
            let got = serde_json::json!({
                "origin": c["origin"],
                "record": c["record"],
                "trustpoints": c["trustpoints"],
                "role": c["source"]["ios_role"],
                "sha1": c["sha1"],
            });
            if expect != got {
                bad.push(format!("{name}: {}: expected {expect}, got {got}", m.label));
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }
}

#[test]
fn running_config_certificate_in_two_chains_is_one_certificate_with_both_trustpoints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = by_label("root ca");
    let text = format!(
        "{}{}",
        running_config_chain("ROOT-A", &[("certificate ca", &root.der)]),
        running_config_chain("ROOT-B", &[("certificate ca", &root.der)])
    );
    let path = write(dir.path(), "two.txt", text);
    let out = inspect(&[&path], &[]);
    let list = certs(&out.json);
    assert_eq!(list.len(), 1, "{:#}", out.json["certificates"]);
    assert_eq!(
        list[0]["trustpoints"],
        serde_json::json!(["ROOT-A", "ROOT-B"])
    );
    assert_eq!(list[0]["duplicates"].as_array().map(Vec::len), Some(1));
}

/// The record with the DER sign octet dropped from its serial (`00FF..` →
/// `FF..`), as the DER reading prints it.
fn without_sign_octet(c: &Value) -> Value {
    let mut c = c.clone();
    if let Some(s) = c["serial"].as_str() {
        if s.len() > 2 && s.starts_with("00") && s[2..3] >= *"8" {
            c["serial"] = Value::from(&s[2..]);
        }
    }
    c
}

/// Fields every `show` layout carries.
const NAME_AND_VALIDITY: [&str; 6] = [
    "/serial",
    "/subject_ios",
    "/issuer_ios",
    "/not_before",
    "/not_after",
    "/crl_distribution_points",
];

#[test]
fn show_round_trip_matches_the_pem_reading_in_every_layout_and_zone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made: Vec<&Made> = pki().iter().collect();
    let pem_path = write(dir.path(), "all.pem", pem_of(&made));
    let pem_doc = inspect(&[&pem_path], &[]).json;
    let from_pem = |m: &Made| -> Value {
        let sha = sha256_hex(&m.der);
        certs(&pem_doc)
            .iter()
            .find(|c| c["sha256"] == sha.as_str())
            .unwrap_or_else(|| panic!("{} not read from PEM", m.label))
            .clone()
    };
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        for (label, offset, flag) in ZONES {
            let what = format!("{layout:?} {label}");
            let (text, lines) = show_output(layout, &made, Some((label, offset)));
            let path = write(dir.path(), &format!("{layout:?}-{label}.txt"), &text);
            let extra: Vec<&str> = flag.map(|f| vec!["--device-tz", f]).unwrap_or_default();
            let out = inspect(&[&path], &extra);
            let input = input_of(&out.json, &path);
            if input["format"] != "show" {
                bad.push(format!("{what}: format {}", input["format"]));
            }
            let noisy: Vec<&Value> = problems(input)
                .iter()
                .filter(|p| p["level"] != "note")
                .collect();
            if !noisy.is_empty() {
                bad.push(format!("{what}: problems {noisy:?}"));
            }
            if certs(&out.json).len() != made.len() {
                bad.push(format!(
                    "{what}: {} certificates, {} rendered",
                    certs(&out.json).len(),
                    made.len()
                ));
            }
            for (m, line) in made.iter().zip(&lines) {
                let what = format!("{what} {}", m.label);
                let Some(c) = at_line(&out.json, &path, *line) else {
                    bad.push(format!("{what}: no record at line {line}"));
                    continue;
                };
                let pem = from_pem(m);
                // The sign octet IOS prints (`00FF112233`) is compared in
                // show_serial_with_a_sign_octet_reads_as_the_certificate_serial.
                let c = &without_sign_octet(c);
                bad.extend(diffs(&what, &pem, c, &NAME_AND_VALIDITY));
                let fixed = serde_json::json!({
                    "origin": "show", "record": "partial", "der": false, "validity": true,
                    "sha256": null, "trustpoints": [m.trustpoint], "role": m.role(),
                });
                let got = serde_json::json!({
                    "origin": c["origin"], "record": c["record"], "der": c["known"]["der"],
                    "validity": c["known"]["validity"], "sha256": c["sha256"],
                    "trustpoints": c["trustpoints"], "role": c["source"]["ios_role"],
                });
                if fixed != got {
                    bad.push(format!("{what}: expected {fixed}, got {got}"));
                }
                let rsa = pem["key"]["type"] == "rsa";
                match layout {
                    Layout::IosVerbose => {
                        bad.extend(diffs(
                            &what,
                            &pem,
                            c,
                            &[
                                "/signature_algorithm/oid",
                                "/key_usage/usages",
                                "/subject_alt_name/entries",
                                "/sha1",
                                "/subject_key_id",
                                "/authority_key_id/key_id",
                                "/basic_constraints/ca",
                                "/version",
                            ],
                        ));
                        if sorted_oids(&pem) != sorted_oids(c) {
                            bad.push(format!(
                                "{what}: EKU {} vs {}",
                                sorted_oids(&pem),
                                sorted_oids(c)
                            ));
                        }
                        if c["known"]["extensions"] != true {
                            bad.push(format!("{what}: verbose but extensions not known"));
                        }
                    }
                    Layout::Ios | Layout::Asa => {
                        for p in [
                            "/known/extensions",
                            "/key_usage",
                            "/extended_key_usage",
                            "/subject_alt_name",
                            "/sha1",
                        ] {
                            let v = c.pointer(p).unwrap_or(&Value::Null);
                            if !(v.is_null() || *v == false) {
                                bad.push(format!(
                                    "{what}: {p} is {v}, the layout has no such data"
                                ));
                            }
                        }
                    }
                }
                // The key: RSA size in verbose and ASA output; an EC key is
                // printed without its curve, so it stays unknown.
                match layout {
                    Layout::IosVerbose | Layout::Asa if rsa => {
                        bad.extend(diffs(&what, &pem, c, &["/key"]));
                    }
                    _ => {
                        if !c["key"].is_null() || c["known"]["key"] != false {
                            bad.push(format!(
                                "{what}: key {} known {}",
                                c["key"], c["known"]["key"]
                            ));
                        }
                    }
                }
                // The signature algorithm: verbose and ASA print it.
                match layout {
                    Layout::IosVerbose | Layout::Asa => {
                        bad.extend(diffs(&what, &pem, c, &["/signature_algorithm/oid"]));
                    }
                    Layout::Ios => {
                        if !c["signature_algorithm"].is_null() {
                            bad.push(format!("{what}: signature algorithm invented"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn show_serial_with_a_sign_octet_reads_as_the_certificate_serial() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("rsa leaf");
    let pem_path = write(dir.path(), "leaf.pem", pem_of(&[m]));
    let pem = inspect(&[&pem_path], &[]).json;
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        let (text, _) = show_output(layout, &[m], None);
        let path = write(dir.path(), &format!("{layout:?}.txt"), text);
        let show = inspect(&[&path], &[]).json;
        if show["certificates"][0]["serial"] != pem["certificates"][0]["serial"] {
            bad.push(format!(
                "{layout:?}: show serial {}, DER serial {}",
                show["certificates"][0]["serial"], pem["certificates"][0]["serial"]
            ));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn show_entry_cut_off_at_the_end_of_the_input_is_not_taken_as_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("rsa leaf");
    let full = show_entry(&m.der, IDENTITY, "HUB-TP", true, None);
    let cut: String = full
        .lines()
        .take_while(|l| !l.contains("Extended Key Usage"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = write(
        dir.path(),
        "cut.txt",
        format!("{}{cut}", show_command("hub", false)),
    );
    let out = inspect(&[&path], &[]);
    let input = input_of(&out.json, &path);
    let c = &certs(&out.json)[0];
    let flagged = problems(input)
        .iter()
        .any(|p| p["level"] != "note" && !p["line"].is_null());
    assert!(
        flagged || c["known"]["extensions"] == false,
        "cut-off entry taken as complete: problems {}, known {}, extended_key_usage {}",
        input["problems"],
        c["known"],
        c["extended_key_usage"]
    );
    let checked = check_at(&[&path], &["--profile", "flexvpn-server"]);
    let claims: Vec<&Value> = certs(&checked.json)[0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("no EKU extension"))
        })
        .collect();
    assert!(claims.is_empty(), "{claims:#?}");
}

#[test]
fn verbose_ec_key_not_checkable_gives_advice_that_applies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("ec leaf");
    let (text, _) = show_output(Layout::IosVerbose, &[m], None);
    let path = write(dir.path(), "ec.txt", text);
    let checked = check_at(&[&path], &[]);
    let c = &certs(&checked.json)[0];
    assert_eq!(
        c["known"]["key"], false,
        "an EC key without its curve is not known"
    );
    let key_note: Vec<&str> = c["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "record.not-checkable")
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.contains("key.ec.curve"))
        .collect();
    assert_eq!(key_note.len(), 1, "{:#}", c["findings"]);
    assert!(
        !key_note[0].contains("run the `verbose` form"),
        "advice for input that is already verbose: {}",
        key_note[0]
    );
}

// ---------------------------------------------------------------------------
// Merging show entries into the certificates they describe

fn show_mismatch(c: &Value) -> Vec<String> {
    c["show_mismatch"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| m.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn show_entries_merge_into_the_pem_certificates_they_describe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made: Vec<&Made> = pki().iter().collect();
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        for pem_first in [true, false] {
            let what = format!("{layout:?} pem_first={pem_first}");
            let (show, _) = show_output(layout, &made, Some(("CET", 3600)));
            let pem = pem_of(&made);
            let text = if pem_first {
                format!("{pem}\n{show}")
            } else {
                format!("{show}\n{pem}")
            };
            let path = write(dir.path(), &format!("{layout:?}-{pem_first}.txt"), text);
            let out = inspect(&[&path], &[]);
            if certs(&out.json).len() != made.len() {
                bad.push(format!(
                    "{what}: {} certificates for {} ({:?})",
                    certs(&out.json).len(),
                    made.len(),
                    certs(&out.json)
                        .iter()
                        .map(|c| format!("{} {}", c["subject_ios"], c["record"]))
                        .collect::<Vec<_>>()
                ));
                continue;
            }
            for m in &made {
                let sha = sha256_hex(&m.der);
                let Some(c) = certs(&out.json)
                    .iter()
                    .find(|c| c["sha256"] == sha.as_str())
                else {
                    bad.push(format!("{what}: {} missing", m.label));
                    continue;
                };
                let dups = c["duplicates"].as_array().cloned().unwrap_or_default();
                if c["record"] != "full"
                    || dups.len() != 1
                    || dups[0]["container"] != "ios-show"
                    || !show_mismatch(c).is_empty()
                    || !c["trustpoints"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == m.trustpoint))
                {
                    bad.push(format!(
                        "{what}: {}: record {} duplicates {:?} mismatch {:?} trustpoints {}",
                        m.label,
                        c["record"],
                        dups,
                        show_mismatch(c),
                        c["trustpoints"]
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn running_config_and_show_output_of_the_same_device_merge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made: Vec<&Made> = pki().iter().collect();
    let chains = chains_of(made.iter().copied());
    let config = write(
        dir.path(),
        "running-config.txt",
        running_config("hub", &chains),
    );
    let (show, _) = show_output(Layout::IosVerbose, &made, Some(("PST", -8 * 3600)));
    let show = write(dir.path(), "show.txt", show);
    let out = inspect(&[&config, &show], &[]);
    assert_eq!(certs(&out.json).len(), made.len());
    for c in certs(&out.json) {
        assert_eq!(c["origin"], "running-config");
        assert_eq!(c["duplicates"].as_array().map(Vec::len), Some(1), "{c:#}");
        assert!(show_mismatch(c).is_empty(), "{:?}", show_mismatch(c));
    }
}

#[test]
fn show_entry_an_hour_off_is_reported_as_a_mismatch_naming_the_end_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = by_label("rsa leaf");
    let mut bad = Vec::new();
    for layout in [Layout::Ios, Layout::IosVerbose, Layout::Asa] {
        // The device says CET but its clock runs on CEST (+02:00).
        let (show, _) = show_output(layout, &[m], Some(("CET", 7200)));
        let path = write(
            dir.path(),
            &format!("{layout:?}.txt"),
            format!("{}\n{show}", pem_of(&[m])),
        );
        let out = inspect(&[&path], &[]);
        let list = certs(&out.json);
        if list.len() != 1 {
            bad.push(format!("{layout:?}: {} certificates", list.len()));
            continue;
        }
        let c = &list[0];
        let mismatch = show_mismatch(c);
        if c["record"] != "full"
            || c["duplicates"].as_array().map(Vec::len) != Some(1)
            || !mismatch
                .iter()
                .any(|s| s.contains("end date") && s.contains("1 hour"))
            || c["not_after"] != "2035-01-01T00:00:00Z"
        {
            bad.push(format!(
                "{layout:?}: record {} not_after {} mismatch {mismatch:?}",
                c["record"], c["not_after"]
            ));
        }
        // `check` turns it into a finding.
        let checked = check_at(&[&path], &[]);
        let found = certs(&checked.json)[0]["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["rule"] == "record.show-mismatch"));
        if !found {
            bad.push(format!(
                "{layout:?}: check has no record.show-mismatch finding"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---------------------------------------------------------------------------
// Time zones pkiaudit cannot know

#[test]
fn an_unknown_zone_label_leaves_validity_unjudged_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = [by_label("rsa leaf"), by_label("issuing ca")];
    let (text, lines) = show_output(Layout::Ios, &made, Some(("NPT", 20_700)));
    let path = write(dir.path(), "npt.txt", &text);

    let out = inspect(&[&path], &[]);
    let input = input_of(&out.json, &path);
    let date_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start().starts_with("start date") || l.trim_start().starts_with("end   date")
        })
        .map(|(i, _)| i + 1)
        .collect();
    for line in &date_lines {
        let said = problems(input).iter().any(|p| {
            p["line"] == *line
                && p["level"] == "warning"
                && p["message"].as_str().is_some_and(|m| m.contains("NPT"))
        });
        assert!(
            said,
            "no warning naming NPT at line {line}: {}",
            input["problems"]
        );
    }
    for (m, line) in made.iter().zip(&lines) {
        let c = at_line(&out.json, &path, *line).expect("record");
        assert_eq!(c["not_after"], Value::Null, "{}", m.label);
        assert_eq!(c["not_before"], Value::Null, "{}", m.label);
        assert_eq!(c["known"]["validity"], false, "{}", m.label);
        // The printed dates are kept as printed.
        assert_eq!(c["show"]["not_after"]["zone"], "NPT", "{}", m.label);
    }

    // `check` says which rules could not run, and why.
    let checked = check_at(&[&path], &[]);
    let validity_unknown = |doc: &Value| -> usize {
        certs(doc)
            .iter()
            .filter(|c| {
                c["findings"].as_array().is_some_and(|f| {
                    f.iter().any(|f| {
                        f["rule"] == "record.not-checkable"
                            && f["message"]
                                .as_str()
                                .is_some_and(|m| m.contains("known time zone"))
                    })
                })
            })
            .count()
    };
    assert_eq!(
        validity_unknown(&checked.json),
        made.len(),
        "{:#}",
        checked.json["certificates"]
    );

    // Stated with --device-tz, the dates are read and judged.
    let stated = inspect(&[&path], &["--device-tz", "NPT=+05:45"]);
    let c = at_line(&stated.json, &path, lines[0]).expect("record");
    assert_eq!(c["not_after"], "2035-01-01T00:00:00Z");
    assert_eq!(c["not_before"], "2025-01-01T00:00:00Z");
    let checked = check_at(&[&path], &["--device-tz", "NPT=+05:45"]);
    assert_eq!(validity_unknown(&checked.json), 0);
}

// ---------------------------------------------------------------------------
// show crypto pki certificates pem

#[test]
fn show_pem_certificates_get_the_trustpoint_of_their_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = by_label("issuing ca");
    let leaf = by_label("rsa leaf");
    let path = write(
        dir.path(),
        "pem.txt",
        show_pem("HUB-TP", &ca.der, &leaf.der),
    );
    let out = inspect(&[&path], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(certs(&out.json).len(), 2);
    for m in [ca, leaf] {
        let sha = sha256_hex(&m.der);
        let c = certs(&out.json)
            .iter()
            .find(|c| c["sha256"] == sha.as_str())
            .expect("certificate");
        assert_eq!(
            c["trustpoints"],
            serde_json::json!(["HUB-TP"]),
            "{}",
            m.label
        );
        assert_eq!(c["record"], "full");
    }
}

#[test]
fn show_pem_certificates_get_the_role_of_their_label() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = by_label("issuing ca");
    let leaf = by_label("rsa leaf");
    let path = write(
        dir.path(),
        "pem.txt",
        show_pem("HUB-TP", &ca.der, &leaf.der),
    );
    let out = inspect(&[&path], &[]);
    let roles: Vec<(String, Value)> = [ca, leaf]
        .iter()
        .map(|m| {
            let sha = sha256_hex(&m.der);
            let c = certs(&out.json)
                .iter()
                .find(|c| c["sha256"] == sha.as_str())
                .expect("certificate");
            (m.label.to_string(), c["source"]["ios_role"].clone())
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            ("issuing ca".to_string(), Value::from("ca")),
            ("rsa leaf".to_string(), Value::from("identity")),
        ]
    );
}

#[test]
fn show_pem_with_one_corrupt_block_reports_it_and_audits_the_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = by_label("issuing ca");
    let leaf = by_label("rsa leaf");
    let good = show_pem("HUB-TP", &ca.der, &leaf.der);
    let begins: Vec<usize> = good
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-----BEGIN"))
        .map(|(i, _)| i + 1)
        .collect();
    let ends: Vec<usize> = good
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-----END"))
        .map(|(i, _)| i + 1)
        .collect();
    for (broken, intact) in [(1usize, ca), (0usize, leaf)] {
        // Four characters of the third base64 line of the block become '!'.
        let target = begins[broken] + 3;
        let text: String = good
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == target {
                    format!("{}!!!!{}\n", &l[..10], &l[14..])
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let path = write(dir.path(), &format!("corrupt-{broken}.txt"), text);
        let out = inspect(&[&path], &[]);
        assert_eq!(out.code, 2, "an input error exits 2");
        let input = input_of(&out.json, &path);
        let errors: Vec<&Value> = problems(input)
            .iter()
            .filter(|p| p["level"] == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{}", input["problems"]);
        let line = errors[0]["line"].as_u64().expect("error names a line") as usize;
        assert!(
            (begins[broken]..=ends[broken]).contains(&line),
            "error at line {line}, block {}..{}",
            begins[broken],
            ends[broken]
        );
        let list = certs(&out.json);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["sha256"], sha256_hex(&intact.der).as_str());
        assert_eq!(list[0]["trustpoints"], serde_json::json!(["HUB-TP"]));
        // ...and it is audited.
        let checked = check_at(&[&path], &[]);
        let c = &certs(&checked.json)[0];
        assert_eq!(c["sha256"], sha256_hex(&intact.der).as_str());
        assert!(
            c["verdict"].is_string() && c["findings"].is_array(),
            "{c:#}"
        );
    }
}
