//! Every finding says how to fix it, and every rule cites sources a user can
//! open: through the public interface (`rules`, `check` and `sweep`, text
//! and JSON), not the registry.

use crate::common::{fixture, run, testkit};

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;
use testkit::{CertSpec, Issued};

const AT: &str = "2026-06-01T00:00:00Z";

fn pkiaudit(args: &[&str]) -> Output {
    run::offline()
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run pkiaudit")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
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

/// Rule id → fix, as `rules --format json` gives them.
fn fixes() -> BTreeMap<String, String> {
    let doc = json(&pkiaudit(&["rules", "--format", "json"]));
    doc["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().expect("id").to_string(),
                r["fix"].as_str().expect("fix is a string").to_string(),
            )
        })
        .collect()
}

#[test]
fn every_rule_has_a_fix_and_every_citation_an_address() {
    let doc = json(&pkiaudit(&["rules", "--format", "json"]));
    let rules = doc["rules"].as_array().expect("rules");
    assert!(rules.len() > 50, "only {} rules", rules.len());
    for r in rules {
        let id = r["id"].as_str().expect("id");
        let fix = r["fix"].as_str().unwrap_or_else(|| panic!("{id}: no fix"));
        assert!(fix.len() > 20, "{id}: fix too short: {fix:?}");
        let cites = r["citations"].as_array().expect("citations");
        assert!(!cites.is_empty(), "{id}: no citation");
        for c in cites {
            let text = c["text"].as_str().expect("citation text");
            let url = c["url"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: {text} has no url (null)"));
            assert!(url.starts_with("https://"), "{id}: {text} → {url}");
            assert!(
                !text.to_lowercase().contains("field guide"),
                "{id} cites a document users do not have: {text}"
            );
        }
    }
}

#[test]
fn rules_text_shows_each_fix() {
    let out = pkiaudit(&["rules"]);
    let text = stdout(&out);
    let fixes = fixes();
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("fix: "))
            .count(),
        fixes.len(),
        "one fix line per rule"
    );
    let fix = &fixes["eku.anyconnect.server"];
    assert!(text.contains(&format!("    fix: {fix}")), "{text}");
    assert!(!text.contains("Field guide"));
}

/// The AnyConnect headend from the rollout bundle: its findings in JSON
/// carry the rule's fix beside its summary and citations.
#[test]
fn check_json_findings_carry_the_fix() {
    let out = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--profile",
        "anyconnect-server",
        "--host",
        "vpn.example.com",
        "--at",
        AT,
        fixture("headend/rollout-bundle.pem").to_str().unwrap(),
    ]);
    let doc = json(&out);
    let fixes = fixes();
    let findings: Vec<&Value> = doc["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .flat_map(|c| c["findings"].as_array().expect("findings"))
        .collect();
    assert!(!findings.is_empty());
    for f in &findings {
        let id = f["rule"].as_str().expect("rule");
        assert_eq!(f["fix"].as_str(), Some(fixes[id].as_str()), "{id}");
        assert!(f["summary"].is_string() && f["citations"].is_array());
    }
    let eku = findings
        .iter()
        .find(|f| f["rule"] == "eku.anyconnect.server")
        .expect("eku.anyconnect.server fires");
    assert!(eku["fix"]
        .as_str()
        .unwrap()
        .contains("serverAuth (1.3.6.1.5.5.7.3.1)"));
    for c in eku["citations"].as_array().unwrap() {
        assert!(c["url"].as_str().is_some_and(|u| u.starts_with("https://")));
    }
}

/// Configuration findings carry the fix too: the hub running-config of
/// docs/inputs-cisco.md.
#[test]
fn configuration_findings_carry_the_fix() {
    let out = pkiaudit(&[
        "check",
        "--format",
        "json",
        "--at",
        AT,
        fixture("ios/hub-running-config.txt").to_str().unwrap(),
    ]);
    let doc = json(&out);
    let findings = doc["configurations"][0]["findings"]
        .as_array()
        .expect("configuration findings");
    let allow = findings
        .iter()
        .find(|f| f["rule"] == "config.trustpoint.allow-expired")
        .expect("allow-expired fires on the hub config");
    assert!(allow["fix"]
        .as_str()
        .unwrap()
        .contains("allow expired-certificate"));
    let text = stdout(&pkiaudit(&[
        "check",
        "--at",
        AT,
        fixture("ios/hub-running-config.txt").to_str().unwrap(),
    ]));
    assert!(
        text.contains("           fix: Remove `allow expired-certificate`"),
        "{text}"
    );
}

/// The lines of each certificate block of `check` text output (from a
/// verdict line to the blank line after it).
fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        if ["PASS  ", "WARN  ", "FAIL  "]
            .iter()
            .any(|v| line.starts_with(v))
        {
            current = Some(Vec::new());
        } else if line.is_empty() {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
        } else if let Some(b) = current.as_mut() {
            b.push(line);
        }
    }
    blocks.extend(current);
    blocks
}

/// A rule with several messages on one certificate gets its fix once:
/// a chain whose leaf and intermediate both name no revocation source
/// gives `revocation.no-source` two messages and one fix line.
#[test]
fn check_text_shows_each_fix_once_per_rule_and_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let root = Issued::root("Fix Test Root");
    let mid = root.issue(CertSpec::ca("Fix Test Issuing CA"));
    let leaf = mid.issue(CertSpec::leaf("vpn.example.com"));
    let bundle = dir.path().join("bundle.pem");
    std::fs::write(&bundle, format!("{}{}", leaf.pem(), mid.pem())).unwrap();
    let anchor = dir.path().join("root.pem");
    std::fs::write(&anchor, root.pem()).unwrap();
    let out = pkiaudit(&[
        "check",
        "--at",
        AT,
        "--trust",
        anchor.to_str().unwrap(),
        bundle.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    let fixes = fixes();
    let no_source = &fixes["revocation.no-source"];
    let leaf_block = blocks(&text)
        .into_iter()
        .find(|b| {
            b.iter().any(|l| {
                l.trim_start().starts_with("subject ") && l.ends_with("CN=vpn.example.com")
            })
        })
        .unwrap_or_else(|| panic!("no block for the leaf in\n{text}"));
    let messages = leaf_block
        .iter()
        .filter(|l| l.contains("names no CRL distribution point"))
        .count();
    assert_eq!(messages, 2, "two certificates without a source:\n{text}");
    let fix_lines: Vec<&&str> = leaf_block
        .iter()
        .filter(|l| l.trim_start().starts_with("fix: "))
        .collect();
    assert_eq!(
        fix_lines
            .iter()
            .filter(|l| l.ends_with(no_source.as_str()))
            .count(),
        1,
        "one fix for two messages:\n{text}"
    );
    // each rule's fix at most once in the block, and under a finding
    let mut seen = std::collections::BTreeSet::new();
    for l in &fix_lines {
        assert!(seen.insert(l.trim()), "fix repeated: {l}\n{text}");
        assert!(l.starts_with("           fix: "), "indented: {l:?}");
    }
}

#[test]
fn sweep_text_shows_the_fix_under_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("headend/rollout-bundle.pem"),
        dir.path().join("bundle.pem"),
    )
    .unwrap();
    let out = pkiaudit(&["sweep", "--at", AT, dir.path().to_str().unwrap()]);
    let text = stdout(&out);
    let fix = &fixes()["ku.ikev2.ios-default-pair"];
    assert_eq!(
        text.matches(&format!("fix: {fix}")).count(),
        1,
        "the fix under the certificate's finding:\n{text}"
    );
}
