//! Trust chains made by the OpenSSL command line: a good chain and one chain
//! for each way a chain breaks, committed as `fixtures/external/openssl-chain-*.pem`
//! by `fixtures/external/make-openssl-chains.sh` (listed in the README.md
//! there). The same cases made by rcgen are in tests/it/chain.rs.
//!
//! Every run is `pkiaudit check FILE --trust ... [--untrusted ...] --profile
//! ikev2 --at 2026-06-01 --format json`. For the leaf it checks the exact set
//! of error and warning rule ids, the info ids that matter, `chain.status`,
//! the `chain.path[].origin` list, and that a message names the certificate
//! at fault; for the run, the verdict and the exit code. The `#[ignore]`d
//! test at the end runs the script again and checks the fresh files the
//! same way (keys, and so the bytes, change on every run; names, serials,
//! dates and extensions do not).

use crate::common::{made_by_chains_script, run};

use run::{pkiaudit_json, Run};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const AT: &str = "2026-06-01";
const PROFILE: &str = "ikev2";
const SCRIPT: &str = "make-openssl-chains.sh";

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/external")
}

// Subjects of the PKI (make-openssl-chains.sh).
const LEAF: &str = "C=US, O=Example Net, CN=vpn.example.net";
const ROOT: &str = "C=US, O=Example Net, CN=Example Net Chain Root CA";
const ISSUING: &str = "C=US, O=Example Net, CN=Example Net Chain Issuing CA";
const EXPIRED_CA: &str = "C=US, O=Example Net, CN=Example Net Chain Expired CA";
const CRL_ONLY_CA: &str = "C=US, O=Example Net, CN=Example Net Chain CRL-only CA";
const POLICY_CA: &str = "C=US, O=Example Net, CN=Example Net Chain Policy CA";
const SUB_CA: &str = "C=US, O=Example Net, CN=Example Net Chain Sub CA";
const SHA1_CA: &str = "C=US, O=Example Net, CN=Example Net Chain SHA-1 CA";
const NO_BC_CA: &str = "C=US, O=Example Net, CN=Example Net Chain No-BC CA";
const OTHER_ROOT: &str = "C=US, O=Example Net, CN=Example Net Other Root CA";

// Serials of the leaves and CAs, as the JSON `serial` field prints them.
const S_LEAF: &str = "C4A10001";
const S_LEAF_NO_AKI: &str = "C4A10002";
const S_LEAF_EXPIRED_CA: &str = "C4A10003";
const S_LEAF_CRL_ONLY_CA: &str = "C4A10004";
const S_LEAF_PATH_LEN: &str = "C4A10005";
const S_SELF_SIGNED: &str = "C4A10006";
const S_LEAF_SHA1: &str = "C4A10007";
const S_LEAF_NO_BC: &str = "C4A10008";
const S_ISSUING: &str = "3100";
const S_NAMESAKE: &str = "3101";

const ROOT_FILE: &str = "openssl-chain-root.pem";
const INTERMEDIATE_FILE: &str = "openssl-chain-intermediate.pem";
const SELF_SIGNED_FILE: &str = "openssl-chain-self-signed-leaf.pem";

fn chain_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read fixture dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .filter(|n| made_by_chains_script(n))
        .collect()
}

// ---------------------------------------------------------------------------
// Running pkiaudit
// ---------------------------------------------------------------------------

/// The result of one `pkiaudit check` run.
fn check(dir: &Path, file: &str, trust: &str, untrusted: Option<&str>) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec![
        "check".into(),
        dir.join(file).into(),
        "--trust".into(),
        dir.join(trust).into(),
    ];
    if let Some(u) = untrusted {
        args.push("--untrusted".into());
        args.push(dir.join(u).into());
    }
    args.extend(["--profile", PROFILE, "--at", AT, "--format", "json"].map(Into::into));
    pkiaudit_json(args)
}

fn certificates(run: &Run) -> Vec<Value> {
    run.json["certificates"]
        .as_array()
        .expect("certificates array")
        .clone()
}

fn by_serial(certs: &[Value], serial: &str) -> Option<Value> {
    certs.iter().find(|c| c["serial"] == serial).cloned()
}

fn findings(cert: &Value) -> Vec<Value> {
    cert["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array: {cert}"))
        .clone()
}

fn rule_ids(cert: &Value, keep: impl Fn(&str) -> bool) -> BTreeSet<String> {
    findings(cert)
        .iter()
        .filter(|f| keep(f["severity"].as_str().unwrap_or("?")))
        .map(|f| f["rule"].as_str().expect("rule id").to_string())
        .collect()
}

fn messages(cert: &Value, rule: &str) -> Vec<String> {
    findings(cert)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().expect("message").to_string())
        .collect()
}

// ---------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------

/// One `pkiaudit check FILE --trust TRUST [--untrusted UNTRUSTED]` run and
/// what the leaf must get.
struct Case {
    /// Which case of the brief it is, for the failure messages.
    what: &'static str,
    file: &'static str,
    trust: &'static str,
    untrusted: Option<&'static str>,
    /// The serial of the end-entity certificate the case is about.
    leaf: &'static str,
    /// Top-level `verdict` of the run.
    verdict: &'static str,
    exit: i32,
    /// The leaf's `chain.status`.
    status: &'static str,
    /// The exact set of the leaf's error and warning rule ids.
    problems: &'static [&'static str],
    /// Info rule ids that must be among the leaf's findings (others may be too).
    info: &'static [&'static str],
    /// The leaf's `chain.path[].origin`, leaf first.
    origins: &'static [&'static str],
    /// A rule one of whose messages must contain all of these texts: the
    /// subject of the certificate at fault, and what is wrong with it.
    names: (&'static str, &'static [&'static str]),
}

const CASES: &[Case] = &[
    Case {
        what: "(a) good chain",
        file: "openssl-chain-good.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF,
        verdict: "pass",
        exit: 0,
        status: "verified",
        problems: &[],
        info: &["chain.verified"],
        origins: &["leaf", "sent", "anchor"],
        names: (
            "chain.verified",
            &[LEAF, ISSUING, ROOT, "sent with the leaf"],
        ),
    },
    Case {
        what: "(b) wrong intermediate: same name, another key, AKI present",
        file: "openssl-chain-wrong-intermediate.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.signature.invalid"],
        info: &[],
        // The namesake is the only certificate with the issuer's name: the
        // path shown goes through it although its SKI contradicts the AKI,
        // and stops there, at the link that breaks.
        origins: &["leaf", "sent"],
        names: (
            "chain.signature.invalid",
            &[LEAF, ISSUING, "sent with the leaf", "different key"],
        ),
    },
    Case {
        what: "(b) wrong intermediate: same name, another key, no AKI",
        file: "openssl-chain-wrong-intermediate-no-aki.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF_NO_AKI,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.signature.invalid"],
        info: &[],
        origins: &["leaf", "sent"],
        names: (
            "chain.signature.invalid",
            &[LEAF, ISSUING, "sent with the leaf", "does not verify"],
        ),
    },
    Case {
        what: "(c) missing intermediate",
        file: "openssl-chain-leaf-only.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.issuer.missing"],
        info: &[],
        origins: &["leaf"],
        names: (
            "chain.issuer.missing",
            &[ISSUING, "is not among the certificates sent"],
        ),
    },
    Case {
        // A leaf kept alone is a stored certificate (--kind auto), not a
        // sent chain: it verifies with the intermediate from --untrusted.
        what: "(c) missing intermediate given with --untrusted",
        file: "openssl-chain-leaf-only.pem",
        trust: ROOT_FILE,
        untrusted: Some(INTERMEDIATE_FILE),
        leaf: S_LEAF,
        verdict: "pass",
        exit: 0,
        status: "verified",
        problems: &[],
        info: &["chain.verified"],
        origins: &["leaf", "untrusted", "anchor"],
        names: ("chain.verified", &[ISSUING]),
    },
    Case {
        what: "(d) expired intermediate",
        file: "openssl-chain-expired-intermediate.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF_EXPIRED_CA,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.ca.expired"],
        info: &[],
        origins: &["leaf", "sent", "anchor"],
        names: ("chain.ca.expired", &[EXPIRED_CA, "expired 2025-01-01"]),
    },
    Case {
        // rustls-webpki does not check Key Usage and verifies the path
        // (webpki_verified); RFC 5280 §6.1.4 (n) fails it, as
        // `openssl verify` does ("key usage does not include certificate
        // signing"), so the status is "failed".
        what: "(e) intermediate without keyCertSign",
        file: "openssl-chain-no-keycertsign.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF_CRL_ONLY_CA,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.ca.key-cert-sign"],
        info: &[],
        origins: &["leaf", "sent", "anchor"],
        names: (
            "chain.ca.key-cert-sign",
            &[
                CRL_ONLY_CA,
                "digitalSignature, cRLSign",
                "without keyCertSign",
            ],
        ),
    },
    Case {
        what: "(f) pathLenConstraint 0 exceeded",
        file: "openssl-chain-path-len.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF_PATH_LEN,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.ca.path-len"],
        info: &[],
        origins: &["leaf", "sent", "sent", "anchor"],
        names: ("chain.ca.path-len", &[POLICY_CA, "pathLenConstraint 0"]),
    },
    Case {
        what: "(g) self-signed leaf, trusting the root",
        file: SELF_SIGNED_FILE,
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_SELF_SIGNED,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.anchor.missing"],
        info: &[],
        origins: &["leaf"],
        names: ("chain.anchor.missing", &[LEAF, "self-signed"]),
    },
    Case {
        // Pinned: trusted as itself, as `openssl verify -CAfile self.pem`
        // accepts it. No CA rule fires on it.
        what: "(g) self-signed leaf, trusted as itself",
        file: SELF_SIGNED_FILE,
        trust: SELF_SIGNED_FILE,
        untrusted: None,
        leaf: S_SELF_SIGNED,
        verdict: "pass",
        exit: 0,
        status: "verified",
        problems: &[],
        info: &["chain.verified"],
        origins: &["leaf", "anchor"],
        names: ("chain.verified", &[LEAF, "trust anchor from --trust"]),
    },
    Case {
        what: "(h) SHA-1 chain",
        file: "openssl-chain-sha1.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF_SHA1,
        verdict: "warn",
        exit: 0,
        status: "verified-legacy",
        problems: &["chain.signature.legacy", "sig.sha1"],
        info: &["chain.verified"],
        origins: &["leaf", "sent", "anchor"],
        names: (
            "chain.signature.legacy",
            &[SHA1_CA, "verifies only with SHA-1"],
        ),
    },
    Case {
        what: "(i) intermediate without basicConstraints",
        file: "openssl-chain-no-basic-constraints.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF_NO_BC,
        verdict: "fail",
        exit: 1,
        status: "failed",
        problems: &["chain.ca.not-ca"],
        info: &[],
        origins: &["leaf", "sent", "anchor"],
        names: (
            "chain.ca.not-ca",
            &[NO_BC_CA, "no basicConstraints extension"],
        ),
    },
    Case {
        what: "(j) bundle in reverse order: root, intermediate, leaf",
        file: "openssl-chain-wrong-order.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF,
        verdict: "pass",
        exit: 0,
        status: "verified",
        problems: &[],
        info: &["chain.verified", "chain.sent.order", "chain.sent.root"],
        // The sent root is replaced by the trust anchor.
        origins: &["leaf", "sent", "anchor"],
        names: ("chain.sent.root", &[ROOT]),
    },
    Case {
        what: "(k) bundle with an unrelated certificate",
        file: "openssl-chain-unrelated.pem",
        trust: ROOT_FILE,
        untrusted: None,
        leaf: S_LEAF,
        verdict: "warn",
        exit: 0,
        status: "verified",
        problems: &["chain.sent.unrelated"],
        info: &["chain.verified"],
        origins: &["leaf", "sent", "anchor"],
        names: (
            "chain.sent.unrelated",
            &[OTHER_ROOT, "not part of the path"],
        ),
    },
];

/// Run one case against the files in `dir`; the mismatches, in words.
fn verify(dir: &Path, case: &Case) -> Vec<String> {
    let what = format!(
        "{} [{} --trust {}{}]",
        case.what,
        case.file,
        case.trust,
        case.untrusted
            .map(|u| format!(" --untrusted {u}"))
            .unwrap_or_default()
    );
    let run = check(dir, case.file, case.trust, case.untrusted);
    let mut bad = run.run_level_problems(&what, case.exit, case.verdict);
    let certs = certificates(&run);
    let end_entities: Vec<&str> = certs
        .iter()
        .filter(|c| c["role"] == "end-entity")
        .filter_map(|c| c["serial"].as_str())
        .collect();
    if end_entities != [case.leaf] {
        bad.push(format!(
            "{what}: end entities {end_entities:?} (expected only {})",
            case.leaf
        ));
    }
    let Some(leaf) = by_serial(&certs, case.leaf) else {
        bad.push(format!("{what}: no certificate {}", case.leaf));
        return bad;
    };

    let problems = rule_ids(&leaf, |s| s != "info");
    let expected: BTreeSet<String> = case.problems.iter().map(|s| s.to_string()).collect();
    if problems != expected {
        bad.push(format!(
            "{what}: error/warning rules {problems:?} (expected {expected:?})"
        ));
    }
    let info = rule_ids(&leaf, |s| s == "info");
    for i in case.info {
        if !info.contains(*i) {
            bad.push(format!("{what}: info {i} missing (got {info:?})"));
        }
    }
    // The leaf's verdict follows from its findings.
    let severities: BTreeSet<String> = findings(&leaf)
        .iter()
        .filter_map(|f| f["severity"].as_str().map(str::to_string))
        .collect();
    let leaf_verdict = if severities.contains("error") {
        "fail"
    } else if severities.contains("warning") {
        "warn"
    } else {
        "pass"
    };
    if leaf["verdict"] != leaf_verdict {
        bad.push(format!(
            "{what}: leaf verdict {} (expected {leaf_verdict})",
            leaf["verdict"]
        ));
    }

    let chain = &leaf["chain"];
    if chain["status"] != case.status {
        bad.push(format!(
            "{what}: chain.status {} (expected {})",
            chain["status"], case.status
        ));
    }
    // webpki's error is there exactly when webpki verified no path: when
    // the chain failed, except for what webpki does not check (Key Usage).
    let webpki_failed =
        case.status == "failed" && !case.problems.contains(&"chain.ca.key-cert-sign");
    if chain["webpki_error"].is_string() != webpki_failed
        || chain["webpki_verified"].as_bool() != Some(!webpki_failed)
    {
        bad.push(format!(
            "{what}: chain.webpki_error {} with status {}",
            chain["webpki_error"], case.status
        ));
    }
    let origins: Vec<&str> = chain["path"]
        .as_array()
        .map(|p| p.iter().filter_map(|h| h["origin"].as_str()).collect())
        .unwrap_or_default();
    if origins != case.origins {
        bad.push(format!(
            "{what}: chain.path origins {origins:?} (expected {:?})",
            case.origins
        ));
    }
    if chain["path"][0]["sha256"] != leaf["sha256"] {
        bad.push(format!("{what}: the path does not start at the leaf"));
    }

    let (rule, texts) = case.names;
    let found = messages(&leaf, rule);
    if !found.iter().any(|m| texts.iter().all(|t| m.contains(t))) {
        bad.push(format!(
            "{what}: no {rule} message contains all of {texts:?}; got {found:?}"
        ));
    }
    bad
}

fn verify_all(dir: &Path, cases: &[Case]) {
    let bad: Vec<String> = cases.iter().flat_map(|c| verify(dir, c)).collect();
    assert!(
        bad.is_empty(),
        "{} mismatch(es) in {}:\n{}",
        bad.len(),
        dir.display(),
        bad.join("\n")
    );
}

#[test]
fn openssl_chains_get_the_expected_verdicts() {
    verify_all(&committed(), CASES);
}

/// The namesake CA of case (b) has the subject of the real issuing CA, so
/// the message must tell them apart: by the key ids.
fn wrong_intermediate_is_told_apart_by_key_id(dir: &Path) {
    let run = check(dir, "openssl-chain-wrong-intermediate.pem", ROOT_FILE, None);
    let certs = certificates(&run);
    let leaf = by_serial(&certs, S_LEAF).expect("leaf");
    let namesake = by_serial(&certs, S_NAMESAKE).expect("namesake CA");
    let wanted = leaf["authority_key_id"]["key_id"]
        .as_str()
        .expect("the leaf's AKI");
    let got = namesake["subject_key_id"]
        .as_str()
        .expect("the namesake's SKI");
    assert_ne!(wanted, got);
    let m = messages(&leaf, "chain.signature.invalid").join("\n");
    assert!(
        m.contains(wanted) && m.contains(got),
        "the message names neither key id ({wanted}, {got}): {m}"
    );
}

#[test]
fn wrong_intermediate_message_names_both_key_ids() {
    wrong_intermediate_is_told_apart_by_key_id(&committed());
}

/// Messages are printed as they are: no runs of blanks from a string literal
/// broken over lines without a `\`.
#[test]
fn chain_messages_have_no_runs_of_blanks() {
    let mut bad = Vec::new();
    for case in CASES {
        let run = check(&committed(), case.file, case.trust, case.untrusted);
        for cert in certificates(&run) {
            for f in findings(&cert) {
                let m = f["message"].as_str().unwrap_or("");
                if m.contains("  ") {
                    bad.push(format!("{}: {}: {m:?}", case.what, f["rule"]));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---------------------------------------------------------------------------
// The fixtures are what they claim to be
// ---------------------------------------------------------------------------

fn inspect(dir: &Path, file: &str) -> Vec<Value> {
    let run = check(dir, file, ROOT_FILE, None);
    assert_eq!(run.json["summary"]["input_errors"], 0, "{file}");
    certificates(&run)
}

fn subject_of(c: &Value) -> &str {
    c["subject"].as_str().expect("subject")
}

/// What each case depends on, read back from the files (so that a changed
/// script cannot pass by making another case).
fn fixtures_are_what_they_claim(dir: &Path) {
    // (a) and the leaf every bundle of it shares.
    let good = inspect(dir, "openssl-chain-good.pem");
    let leaf = by_serial(&good, S_LEAF).expect("leaf");
    let issuing = by_serial(&good, S_ISSUING).expect("issuing CA");
    assert_eq!(subject_of(&leaf), LEAF);
    assert_eq!(subject_of(&issuing), ISSUING);
    assert_eq!(leaf["issuer"], ISSUING);
    assert_eq!(
        leaf["authority_key_id"]["key_id"],
        issuing["subject_key_id"]
    );
    for file in [
        "openssl-chain-leaf-only.pem",
        "openssl-chain-wrong-intermediate.pem",
        "openssl-chain-wrong-order.pem",
        "openssl-chain-unrelated.pem",
    ] {
        let certs = inspect(dir, file);
        let same = by_serial(&certs, S_LEAF).unwrap_or_else(|| panic!("{file}: no leaf"));
        assert_eq!(same["sha256"], leaf["sha256"], "{file}: another leaf");
    }
    let alone = inspect(dir, INTERMEDIATE_FILE);
    assert_eq!(alone.len(), 1);
    assert_eq!(alone[0]["sha256"], issuing["sha256"]);
    let root = inspect(dir, ROOT_FILE);
    assert_eq!(root.len(), 1);
    assert_eq!(subject_of(&root[0]), ROOT);
    assert_eq!(root[0]["self_signed"], true);

    // (b) same subject, another key.
    let wrong = inspect(dir, "openssl-chain-wrong-intermediate.pem");
    let namesake = by_serial(&wrong, S_NAMESAKE).expect("namesake");
    assert_eq!(subject_of(&namesake), ISSUING);
    assert_ne!(namesake["spki_sha1"], issuing["spki_sha1"]);
    let no_aki = inspect(dir, "openssl-chain-wrong-intermediate-no-aki.pem");
    let no_aki_leaf = by_serial(&no_aki, S_LEAF_NO_AKI).expect("leaf without AKI");
    assert_eq!(no_aki_leaf["authority_key_id"], Value::Null);
    assert_eq!(no_aki_leaf["issuer"], ISSUING);
    assert!(by_serial(&no_aki, S_NAMESAKE).is_some());

    // (d) the intermediate expired before the audit time, the leaf did not.
    let expired = inspect(dir, "openssl-chain-expired-intermediate.pem");
    let ca = expired
        .iter()
        .find(|c| subject_of(c) == EXPIRED_CA)
        .expect("expired CA");
    assert_eq!(ca["not_after"], "2025-01-01T00:00:00Z");
    let l = by_serial(&expired, S_LEAF_EXPIRED_CA).expect("leaf");
    assert_eq!(l["not_before"], "2024-06-01T00:00:00Z");
    assert_eq!(l["not_after"], "2027-01-01T00:00:00Z");

    // (e) cA=TRUE, Key Usage without keyCertSign.
    let nokcs = inspect(dir, "openssl-chain-no-keycertsign.pem");
    let ca = nokcs
        .iter()
        .find(|c| subject_of(c) == CRL_ONLY_CA)
        .expect("CRL-only CA");
    assert_eq!(ca["basic_constraints"]["ca"], true);
    assert_eq!(
        ca["key_usage"],
        serde_json::json!({"critical": true, "usages": ["digitalSignature", "cRLSign"]})
    );

    // (f) pathlen 0 above another CA, sent leaf first.
    let pl = inspect(dir, "openssl-chain-path-len.pem");
    let order: Vec<&str> = pl.iter().map(subject_of).collect();
    assert_eq!(order, [LEAF, SUB_CA, POLICY_CA]);
    assert_eq!(pl[2]["basic_constraints"]["path_len"], 0);
    assert_eq!(pl[1]["basic_constraints"]["ca"], true);
    assert_eq!(pl[1]["basic_constraints"]["path_len"], Value::Null);

    // (g) self-signed, not a CA.
    let selfie = inspect(dir, SELF_SIGNED_FILE);
    assert_eq!(selfie.len(), 1);
    assert_eq!(selfie[0]["self_signed"], true);
    assert_eq!(selfie[0]["role"], "end-entity");
    assert_eq!(selfie[0]["basic_constraints"]["ca"], false);

    // (h) SHA-1 on both hops.
    let sha1 = inspect(dir, "openssl-chain-sha1.pem");
    assert_eq!(sha1.len(), 2);
    for c in &sha1 {
        assert_eq!(
            c["signature_algorithm"]["name"], "sha1WithRSAEncryption",
            "{}",
            c["subject"]
        );
    }
    assert!(sha1.iter().any(|c| subject_of(c) == SHA1_CA));
    assert!(by_serial(&sha1, S_LEAF_SHA1).is_some());

    // (i) v3 without basicConstraints.
    let nobc = inspect(dir, "openssl-chain-no-basic-constraints.pem");
    let ca = nobc
        .iter()
        .find(|c| subject_of(c) == NO_BC_CA)
        .expect("no-BC CA");
    assert_eq!(ca["version"], 3);
    assert_eq!(ca["basic_constraints"], Value::Null);

    // (j) root, intermediate, leaf.
    let rev = inspect(dir, "openssl-chain-wrong-order.pem");
    let order: Vec<&str> = rev.iter().map(subject_of).collect();
    assert_eq!(order, [ROOT, ISSUING, LEAF]);

    // (k) the extra certificate is from another PKI.
    let unrelated = inspect(dir, "openssl-chain-unrelated.pem");
    let order: Vec<&str> = unrelated.iter().map(subject_of).collect();
    assert_eq!(order, [LEAF, ISSUING, OTHER_ROOT]);
    assert_eq!(unrelated[2]["self_signed"], true);
}

#[test]
fn committed_fixtures_are_what_they_claim() {
    fixtures_are_what_they_claim(&committed());
}

#[test]
fn every_chain_fixture_has_a_case_and_a_readme_line() {
    let readme = std::fs::read_to_string(committed().join("README.md")).expect("README.md");
    let files = chain_files(&committed());
    assert!(files.len() >= 14, "only {files:?}");
    for f in &files {
        assert!(
            CASES
                .iter()
                .any(|c| c.file == f || c.trust == f || c.untrusted == Some(f.as_str())),
            "{f} is used by no case"
        );
        assert!(
            readme.contains(&format!("`{f}`")),
            "{f} is not described in fixtures/external/README.md"
        );
    }
    for c in CASES {
        for f in [Some(c.file), Some(c.trust), c.untrusted]
            .into_iter()
            .flatten()
        {
            assert!(files.contains(f), "{}: missing file {f}", c.what);
        }
    }
    assert!(readme.contains(&format!("`{SCRIPT}`")));
}

// ---------------------------------------------------------------------------
// The script still works, and the verdicts do not depend on committed bytes
// ---------------------------------------------------------------------------

#[test]
#[ignore = "needs openssl"]
fn chains_script_regenerates_equivalent_fixtures() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("chains-openssl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let status = Command::new("bash")
        .arg(committed().join(SCRIPT))
        .arg(&dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run bash {SCRIPT}: {e}"));
    assert!(status.success(), "{SCRIPT} failed: {status}");
    let made: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("read temp dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert_eq!(
        made,
        chain_files(&committed()),
        "{SCRIPT} makes exactly the committed files"
    );
    // Fresh keys: not the committed bytes.
    let fresh = std::fs::read(dir.join(ROOT_FILE)).expect("fresh root");
    let old = std::fs::read(committed().join(ROOT_FILE)).expect("committed root");
    assert_ne!(fresh, old, "the script did not make new keys");
    fixtures_are_what_they_claim(&dir);
    verify_all(&dir, CASES);
    wrong_intermediate_is_told_apart_by_key_id(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}
