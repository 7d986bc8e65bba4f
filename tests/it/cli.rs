//! The `pkiaudit` binary end to end: verdicts, JSON fields, text output and
//! exit codes, on the committed fixtures and on certificates made here.

use crate::common::{fixture, run, sha1_hex, sha256_hex, testkit};

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Output, Stdio};

use rcgen::KeyUsagePurpose as K;
use serde_json::Value;
use testkit::{ymd, CertSpec, Issued, Key};

fn pkiaudit(args: &[&str]) -> Output {
    run::offline()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run pkiaudit")
}

fn pkiaudit_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = run::offline()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pkiaudit");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

/// Rule ids of findings at warning or error, per certificate (by CN label).
fn problems(doc: &Value) -> Vec<(String, BTreeSet<String>)> {
    doc["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| {
            let rules = c["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|f| f["severity"] != "info")
                .map(|f| f["rule"].as_str().expect("rule").to_string())
                .collect();
            (c["subject"].as_str().expect("subject").to_string(), rules)
        })
        .collect()
}

fn rules_of(doc: &Value, subject_contains: &str) -> BTreeSet<String> {
    problems(doc)
        .into_iter()
        .find(|(s, _)| s.contains(subject_contains))
        .unwrap_or_else(|| panic!("no certificate with subject containing {subject_contains}"))
        .1
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

const AT: &str = "2026-06-01T00:00:00Z";

#[test]
fn good_headend_passes_anyconnect_with_its_chain() {
    let out = pkiaudit(&[
        "check",
        "--profile",
        "anyconnect-server",
        "--host",
        "vpn.example.com",
        "--at",
        AT,
        "--format",
        "json",
        "--trust",
        fixture("pki/root-ca.pem").to_str().unwrap(),
        // its CRL is on pki.example.com; revocation has its own tests
        "--revocation",
        "off",
        fixture("headend/vpn-example-com.pem").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["verdict"], "pass");
    assert_eq!(doc["profile"], "anyconnect-server");
    assert_eq!(doc["time"]["source"], "given");
    assert_eq!(doc["time"]["instant"], AT);
    let certs = doc["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 3);
    let leaf = &certs[0];
    assert_eq!(leaf["role"], "end-entity");
    assert_eq!(leaf["serial"], "4A3F0001");
    assert_eq!(leaf["source"]["line"], 1);
    assert_eq!(leaf["source"]["index"], 1);
    assert_eq!(leaf["source"]["container"], "pem");
    // the name match, the verified path and the root sent along: info only
    let infos: Vec<&str> = leaf["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        infos,
        ["name.host.match", "chain.verified", "chain.sent.root"]
    );
    assert_eq!(leaf["chain"]["status"], "verified");
    let path: Vec<&str> = leaf["chain"]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["origin"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["leaf", "sent", "anchor"]);
    // CA certificates get CA rules only, never the leaf profile's
    for ca in &certs[1..] {
        assert_eq!(ca["role"], "ca");
        assert_eq!(ca["verdict"], "pass");
    }
}

#[test]
fn rollout_bundle_fails_with_every_reason() {
    let out = pkiaudit(&[
        "check",
        "--profile",
        "anyconnect-server",
        "--host",
        "vpn.example.com",
        "--at",
        AT,
        "--format",
        "json",
        fixture("headend/rollout-bundle.pem").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1);
    let doc = json(&out);
    assert_eq!(doc["verdict"], "fail");
    assert_eq!(
        rules_of(&doc, "CN=vpn.example.com"),
        set(&[
            "ku.anyconnect.server",
            "eku.anyconnect.server",
            "name.host.mismatch"
        ])
    );
    // mail text and CRLF around the blocks: the lines still point at BEGIN
    let lines: Vec<i64> = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"]["line"].as_i64().unwrap())
        .collect();
    let text = std::fs::read_to_string(fixture("headend/rollout-bundle.pem")).unwrap();
    for l in lines {
        let line = text.lines().nth(l as usize - 1).unwrap();
        assert!(line.starts_with("-----BEGIN CERTIFICATE-----"), "{line}");
    }
}

#[test]
fn profiles_give_the_verdicts_the_field_guide_states() {
    struct Case {
        file: &'static str,
        profile: &'static str,
        host: Option<&'static str>,
        leaf: &'static str,
        expect: &'static [&'static str],
        exit: i32,
    }
    let cases = [
        Case {
            file: "headend/flexvpn-no-serverauth.pem",
            profile: "flexvpn-server",
            host: None,
            leaf: "flex.example.com",
            expect: &["eku.flexvpn.server-auth"],
            exit: 1,
        },
        Case {
            file: "headend/flexvpn-no-serverauth.pem",
            profile: "ikev2",
            host: None,
            leaf: "flex.example.com",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "headend/vpn-example-com.pem",
            profile: "flexvpn-server",
            host: Some("vpn.example.com"),
            leaf: "CN=vpn.example.com",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "headend/vpn-example-com.pem",
            profile: "eap-server",
            host: None,
            leaf: "CN=vpn.example.com",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "headend/vpn-example-com.pem",
            profile: "rfc4945",
            host: None,
            leaf: "CN=vpn.example.com",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "client/alice.pem",
            profile: "flexvpn-client",
            host: None,
            leaf: "alice",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "client/alice.pem",
            profile: "rfc4945",
            host: None,
            leaf: "alice",
            expect: &["eku.rfc4945.ipsec-ike"],
            exit: 1,
        },
        Case {
            file: "client/bob-server-eku.pem",
            profile: "flexvpn-client",
            host: None,
            leaf: "bob",
            expect: &["eku.flexvpn.client-auth"],
            exit: 1,
        },
        Case {
            file: "client/carol-keyenc-only.pem",
            profile: "ikev2",
            host: None,
            leaf: "carol",
            expect: &["ku.ikev2.signing-bit", "ku.ikev2.ios-default-pair"],
            exit: 1,
        },
        Case {
            file: "headend/cn-only.pem",
            profile: "anyconnect-server",
            host: Some("vpn.example.com"),
            leaf: "vpn.example.com",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "headend/invalid-wildcard.pem",
            profile: "anyconnect-server",
            host: Some("vpn.example.com"),
            leaf: "vpn.*.com",
            expect: &["name.host.mismatch", "name.wildcard.invalid"],
            exit: 1,
        },
        Case {
            file: "headend/wildcard.pem",
            profile: "anyconnect-server",
            host: Some("vpn.example.com"),
            leaf: "*.example.com",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "headend/ip-address.pem",
            profile: "anyconnect-server",
            host: Some("[2001:db8::10]"),
            leaf: "192.0.2.10",
            expect: &[],
            exit: 0,
        },
        Case {
            file: "headend/expired.pem",
            profile: "anyconnect-server",
            host: None,
            leaf: "vpn.example.com",
            expect: &["validity.expired"],
            exit: 1,
        },
        Case {
            file: "pki/ca-without-keycertsign.pem",
            profile: "ikev2",
            host: None,
            leaf: "Crippled",
            expect: &["ca.key-usage.cert-sign"],
            exit: 1,
        },
    ];
    for c in cases {
        let path = fixture(c.file);
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--at",
            AT,
            "--revocation",
            "off",
            "--profile",
            c.profile,
            path.to_str().unwrap(),
        ];
        if let Some(h) = c.host {
            args.extend(["--host", h]);
        }
        let out = pkiaudit(&args);
        let doc = json(&out);
        assert_eq!(
            rules_of(&doc, c.leaf),
            set(c.expect),
            "{} under {}",
            c.file,
            c.profile
        );
        assert_eq!(code(&out), c.exit, "{} under {}", c.file, c.profile);
    }
}

#[test]
fn allow_expired_downgrades_expiry_to_a_warning() {
    let path = fixture("headend/expired.pem");
    let base = [
        "check",
        "--format",
        "json",
        "--at",
        AT,
        path.to_str().unwrap(),
    ];
    let out = pkiaudit(&[&base[..], &["--allow-expired"]].concat());
    let doc = json(&out);
    assert_eq!(code(&out), 0);
    assert_eq!(doc["verdict"], "warn");
    assert_eq!(
        rules_of(&doc, "vpn.example.com"),
        set(&["validity.expired-allowed"])
    );
    // warn fails the run with --fail-on warning
    let out = pkiaudit(&[&base[..], &["--allow-expired", "--fail-on", "warning"]].concat());
    assert_eq!(code(&out), 1);
}

#[test]
fn warn_days_and_at_decide_expiring() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("soon.pem");
    let ca = Issued::root("Soon CA");
    let leaf = ca.issue(CertSpec::leaf("soon").valid(ymd((2026, 1, 1)), ymd((2026, 6, 20))));
    std::fs::write(&path, leaf.pem()).unwrap();
    let p = path.to_str().unwrap();
    let doc = json(&pkiaudit(&["check", "--format", "json", "--at", AT, p]));
    assert_eq!(rules_of(&doc, "soon"), set(&["validity.expiring"]));
    assert_eq!(doc["certificates"][0]["days_left"], 19);
    let doc = json(&pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        "--warn-days",
        "10",
        p,
    ]));
    assert_eq!(rules_of(&doc, "soon"), set(&[]));
    let doc = json(&pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        "2026-07-01",
        p,
    ]));
    assert_eq!(rules_of(&doc, "soon"), set(&["validity.expired"]));
}

#[test]
fn input_errors_exit_2_and_the_rest_is_still_audited() {
    let out = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        fixture("bundles/one-bad-block.pem").to_str().unwrap(),
        fixture("bad/empty.pem").to_str().unwrap(),
        fixture("bad/random.bin").to_str().unwrap(),
        "does-not-exist.pem",
    ]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    assert_eq!(doc["verdict"], "fail", "unreadable input fails the run");
    // the two good blocks around the damaged one are audited
    assert_eq!(doc["certificates"].as_array().unwrap().len(), 2);
    let inputs = doc["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 4, "every input appears in the report");
    let bad_block = &inputs[0]["problems"][0];
    assert_eq!(bad_block["level"], "error");
    assert!(bad_block["line"].as_i64().unwrap() > 1);
    assert!(bad_block["message"]
        .as_str()
        .unwrap()
        .contains("not base64"));
    assert!(inputs[3]["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("cannot open"));
    let summary = &doc["summary"];
    assert_eq!(summary["inputs"], 4);
    assert_eq!(summary["inputs_with_errors"], 4);
    // errors also reach stderr, naming the file
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does-not-exist.pem"), "{stderr}");
    assert!(stderr.contains("one-bad-block.pem:"), "{stderr}");
}

#[test]
fn summary_counts_add_up_with_duplicates() {
    let chain = fixture("headend/vpn-example-com.pem");
    let p7b = fixture("bundles/chain.p7b");
    let out = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        chain.to_str().unwrap(),
        p7b.to_str().unwrap(),
        chain.to_str().unwrap(),
    ]);
    let doc = json(&out);
    let s = &doc["summary"];
    assert_eq!(s["certificates_found"], 9);
    assert_eq!(s["certificates"], 3);
    assert_eq!(s["duplicates"], 6);
    assert_eq!(
        s["pass"].as_u64().unwrap() + s["warn"].as_u64().unwrap() + s["fail"].as_u64().unwrap(),
        3
    );
    for c in doc["certificates"].as_array().unwrap() {
        let dups = c["duplicates"].as_array().unwrap();
        assert_eq!(dups.len(), 2, "each certificate seen three times");
        assert!(dups.iter().any(|d| d["container"] == "pkcs7"));
    }
}

#[test]
fn stdin_is_read_with_dash() {
    let pem = std::fs::read(fixture("client/alice.pem")).unwrap();
    let out = pkiaudit_stdin(
        &[
            "check",
            "--profile",
            "flexvpn-client",
            "--format",
            "json",
            "--at",
            AT,
            "-",
        ],
        &pem,
    );
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    assert_eq!(doc["certificates"][0]["source"]["file"], "-");
    assert_eq!(doc["verdict"], "pass");
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let file = fixture("client/alice.pem");
    let f = file.to_str().unwrap();
    for (args, needle) in [
        (vec!["check", "--host", "vpn.example.com", f], "use --id"),
        (vec!["check", "--id", "C=CH, bogus", f], "--id"),
        (vec!["check", "--at", "yesterday", f], "RFC 3339"),
        (
            vec![
                "check",
                "--profile",
                "anyconnect-server",
                "--host",
                "bad host",
                f,
            ],
            "--host",
        ),
        (vec!["check", "--profile", "nope", f], "nope"),
        (vec!["check"], "FILE"),
    ] {
        let out = pkiaudit(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn text_output_is_for_people_and_plain_when_piped() {
    let out = pkiaudit(&[
        "check",
        "--profile",
        "anyconnect-server",
        "--host",
        "vpn.example.com",
        "--at",
        AT,
        fixture("headend/rollout-bundle.pem").to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    for needle in [
        "profile anyconnect-server · host vpn.example.com",
        "audit time 2026-06-01T00:00:00Z (given with --at)",
        "FAIL  vpn.example.com  [end-entity]",
        "eku.anyconnect.server",
        "EKU is [clientAuth]",
        "see Cisco AnyConnect Secure Mobility Client Administrator Guide, Release 4.6: Configure VPN Access",
        "fix: Reissue the headend certificate with EKU serverAuth (1.3.6.1.5.5.7.3.1)",
        "DNS:vpn-old.example.com (different name)",
        "rollout-bundle.pem #1 (line 3)",
        "verdict: FAIL",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let coloured = pkiaudit(&[
        "--color",
        "always",
        "check",
        "--at",
        AT,
        fixture("client/carol-keyenc-only.pem").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\x1b["));
}

#[test]
fn inspect_reports_fields_and_digests_computed_independently() {
    let ca = Issued::root("Inspect CA");
    let leaf = ca.issue(
        CertSpec::leaf("vpn.example.com")
            .san_dns(&["vpn.example.com", "*.vpn.example.com"])
            .san_ip(&["192.0.2.1"])
            .serial(&[0x00, 0x9a, 0x0b])
            .key(Key::Rsa)
            .ku(&[K::DigitalSignature, K::KeyEncipherment])
            .eku_oids(&[
                "1.3.6.1.5.5.7.3.1",
                "1.3.6.1.5.5.7.3.17",
                "1.3.6.1.5.5.8.2.2",
                "1.2.3.4.5",
            ])
            .cdp("ldap:///CN=Example,CN=CDP,DC=example,DC=com?certificateRevocationList?base"),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaf.der");
    std::fs::write(&path, leaf.der()).unwrap();
    let out = pkiaudit(&[
        "inspect",
        "--format",
        "json",
        "--at",
        AT,
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    let c = &doc["certificates"][0];
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(c["source"]["container"], "der");
    assert_eq!(c["serial"], "9A0B");
    assert_eq!(c["key"]["type"], "rsa");
    assert_eq!(c["key"]["bits"], 2048);
    // signed by the P-256 root
    assert_eq!(c["signature_algorithm"]["name"], "ecdsa-with-SHA256");
    assert_eq!(c["not_after"], "2035-01-01T00:00:00Z");
    assert_eq!(
        c["key_usage"]["usages"],
        serde_json::json!(["digitalSignature", "keyEncipherment"])
    );
    let names: Vec<&str> = c["extended_key_usage"]["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(names, ["serverAuth", "ipsecIKE", "ikeIntermediate", "?"]);
    assert_eq!(
        c["subject_alt_name"]["entries"],
        serde_json::json!([
            {"type": "dns", "value": "vpn.example.com"},
            {"type": "dns", "value": "*.vpn.example.com"},
            {"type": "ip", "value": "192.0.2.1"}
        ])
    );
    assert_eq!(
        c["crl_distribution_points"][0],
        "ldap:///CN=Example,CN=CDP,DC=example,DC=com?certificateRevocationList?base"
    );
    // digests, recomputed here from the DER with ring and x509-parser
    let der = leaf.der();
    assert_eq!(c["sha256"], sha256_hex(&der));
    assert_eq!(c["sha1"], sha1_hex(&der));
    let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
    let spki = parsed.tbs_certificate.subject_pki.raw;
    assert_eq!(c["spki_sha1"], sha1_hex(spki));
    assert_eq!(c["authority_key_id"]["key_id"].as_str().unwrap().len(), 40);
}

#[test]
fn inspect_reads_pkcs7_in_der_and_pem_and_directories() {
    for file in ["bundles/chain.p7b", "bundles/chain-p7b.pem"] {
        let out = pkiaudit(&[
            "inspect",
            "--format",
            "json",
            fixture(file).to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 0, "{file}");
        let doc = json(&out);
        let certs = doc["certificates"].as_array().unwrap();
        assert_eq!(certs.len(), 3, "{file}");
        let items: BTreeSet<i64> = certs
            .iter()
            .map(|c| c["source"]["bundle_index"].as_i64().unwrap())
            .collect();
        assert_eq!(items, [1, 2, 3].into_iter().collect(), "{file}");
    }
    let out = pkiaudit(&[
        "inspect",
        "--format",
        "json",
        fixture("client").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["inputs"].as_array().unwrap().len(), 3);
}

#[test]
fn inspect_text_lists_the_certreq_hash() {
    let out = pkiaudit(&["inspect", fixture("pki/root-ca.pem").to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("(IKEv2 CERTREQ value)"), "{text}");
    assert!(
        text.contains("Example VPN Root CA  [CA, basicConstraints cA=TRUE]"),
        "{text}"
    );
}

#[test]
fn rules_json_is_stable() {
    let out = pkiaudit(&["rules", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let mut doc = json(&out);
    // the version changes with every release; the rules must not change silently
    doc["tool"]["version"] = Value::from("x");
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn rules_text_and_profile_filter() {
    let out = pkiaudit(&["rules", "--profile", "flexvpn-client"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("eku.flexvpn.client-auth"));
    assert!(text.contains("validity.expired"));
    assert!(!text.contains("eku.anyconnect.server"));
    assert!(text.contains("https://www.rfc-editor.org/rfc/rfc4945#section-5.1.3.2"));
}

#[test]
fn huge_input_is_refused_and_the_rest_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.pem");
    // sparse: costs no disk, reads as zeros
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(pkiaudit::load::MAX_INPUT_BYTES + 1)
        .unwrap();
    let out = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        huge.to_str().unwrap(),
        fixture("client/alice.pem").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    assert!(doc["inputs"][0]["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("64 MiB limit"));
    assert_eq!(doc["certificates"].as_array().unwrap().len(), 1);
}

#[test]
fn trust_lists_anchors_with_their_certreq_hash() {
    let root = fixture("pki/root-ca.pem");
    let inspect = json(&pkiaudit(&[
        "inspect",
        "--format",
        "json",
        root.to_str().unwrap(),
    ]));
    let root_hash = inspect["certificates"][0]["spki_sha1"]
        .as_str()
        .unwrap()
        .to_string();
    let unknown = "ab".repeat(20);
    let certreq = format!("{root_hash},{unknown}");
    let out = pkiaudit(&[
        "trust",
        "--format",
        "json",
        "--certreq",
        &certreq,
        root.to_str().unwrap(),
        fixture("pki/issuing-ca.pem").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    assert_eq!(doc["command"], "trust");
    let anchors = doc["anchors"].as_array().unwrap();
    assert_eq!(anchors.len(), 2);
    assert_eq!(anchors[0]["spki_sha1"], root_hash.as_str());
    assert_eq!(anchors[0]["requested"], true);
    assert_eq!(anchors[1]["requested"], false);
    assert_eq!(doc["certreq_unknown"], serde_json::json!([unknown]));

    let out = pkiaudit(&["trust", "--certreq", &certreq, root.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("CERTREQ (SPKI SHA-1) {root_hash}")),
        "{text}"
    );
    assert!(text.contains("◀ in CERTREQ"), "{text}");
    assert!(
        text.contains("1 match a listed anchor, 1 unknown"),
        "{text}"
    );
}

#[test]
fn check_with_trust_and_certreq_from_the_command_line() {
    let root = fixture("pki/root-ca.pem");
    let bundle = fixture("headend/vpn-example-com.pem");
    let wrong = "cd".repeat(20);
    let out = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        "--trust",
        fixture("pki").to_str().unwrap(),
        "--revocation",
        "off",
        "--certreq",
        // colon-separated bytes, as `show crypto pki` prints key hashes
        &wrong
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(":"),
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1, "the peer did not ask for this CA");
    let doc = json(&out);
    assert_eq!(
        rules_of(&doc, "CN=vpn.example.com"),
        set(&["chain.certreq.not-requested"])
    );
    assert_eq!(doc["certreq"], serde_json::json!([wrong]));
    let out = pkiaudit(&[
        "check",
        "--certreq",
        "12345",
        "--trust",
        root.to_str().unwrap(),
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("40 digits"));
}

#[test]
#[ignore = "needs the system CA store (ca-certificates)"]
fn system_trust_reads_the_os_roots() {
    let out = pkiaudit(&["trust", "--system-trust", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let doc = json(&out);
    let n = doc["anchors"].as_array().unwrap().len();
    assert!(n > 50, "only {n} system roots");
    assert!(doc["anchors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["source"] == "system trust store"));
    // a private VPN root is not among them: the rollout bundle does not chain
    let out = pkiaudit(&[
        "check",
        "--system-trust",
        "--format",
        "json",
        "--at",
        AT,
        fixture("client/alice.pem").to_str().unwrap(),
    ]);
    let doc = json(&out);
    assert_eq!(doc["system_anchors"].as_u64().unwrap() as usize, n);
    assert_eq!(rules_of(&doc, "alice"), set(&["chain.issuer.missing"]));
}

/// Revocation is on by default. Offline (these tests set PKIAUDIT_OFFLINE),
/// a certificate whose CRL is on the network is `unknown` — a warning under
/// the default soft policy, an error under `--revocation-policy hard` — and
/// one that names no source at all gets an info finding, so its verdict
/// stands.
#[test]
fn revocation_is_on_by_default_and_offline_says_what_it_did_not_fetch() {
    let trust = fixture("pki/root-ca.pem");
    let good = fixture("headend/vpn-example-com.pem");
    let base = |extra: &[&str]| {
        let mut a = vec![
            "check",
            "--format",
            "json",
            "--at",
            AT,
            "--profile",
            "anyconnect-server",
            "--host",
            "vpn.example.com",
            "--trust",
            trust.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        a.push(good.to_str().unwrap());
        pkiaudit(&a)
    };
    let soft = base(&[]);
    assert_eq!(code(&soft), 0, "soft: unknown is a warning");
    let doc = json(&soft);
    assert_eq!(doc["verdict"], "warn");
    assert_eq!(doc["revocation"]["mode"], "both");
    assert!(doc["revocation"]["offline"].as_bool().unwrap());
    let leaf = &doc["certificates"][0];
    assert_eq!(leaf["revocation"][0]["status"], "unknown");
    let reason = leaf["revocation"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("http://pki.example.com/crl/issuing.crl") && reason.contains("--offline"),
        "{reason}"
    );
    assert_eq!(
        rules_of(&doc, "vpn.example.com"),
        set(&["revocation.unknown"])
    );
    let hard = base(&["--revocation-policy", "hard"]);
    assert_eq!(code(&hard), 1);
    assert_eq!(
        rules_of(&json(&hard), "vpn.example.com"),
        set(&["revocation.unknown.hard-fail"])
    );
    // the same with the flag instead of the environment
    let mut cmd = run::online();
    cmd.args(["check", "--format", "json", "--at", AT, "--offline"])
        .arg("--trust")
        .arg(&trust)
        .arg(&good);
    let flag = json(&cmd.output().unwrap());
    assert_eq!(
        flag["certificates"][0]["revocation"][0]["status"],
        "unknown"
    );
    // the rollout leaf names no CRL or OCSP responder: info, verdict kept
    let rollout = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        "--trust",
        trust.to_str().unwrap(),
        fixture("headend/rollout-bundle.pem").to_str().unwrap(),
    ]);
    let doc = json(&rollout);
    let leaf = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject"].as_str().unwrap().contains("vpn.example.com"))
        .unwrap();
    assert_eq!(leaf["revocation"][0]["status"], "no-source");
    assert!(leaf["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "revocation.no-source" && f["severity"] == "info"));
}

#[test]
fn revocation_flags_that_contradict_are_usage_errors() {
    let good = fixture("headend/vpn-example-com.pem");
    let g = good.to_str().unwrap();
    for (args, says) in [
        (
            vec!["check", "--revocation", "off", "--crl", g, g],
            "--crl needs",
        ),
        (
            vec![
                "check",
                "--revocation",
                "crl",
                "--ocsp-url",
                "http://127.0.0.1:1/",
                g,
            ],
            "--ocsp-url needs",
        ),
        (
            vec!["check", "--ocsp-url", "http://127.0.0.1:1/", g],
            "contradict",
        ),
        (vec!["check", "--fetch", g], "contradict"),
    ] {
        let out = pkiaudit(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
