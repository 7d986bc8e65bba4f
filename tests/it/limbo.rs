//! x509-limbo conformance: pkiaudit's chain verdict on the 9,780 cases of
//! the suite (`../shared/conformance/limbo.json.xz`, or `$PKIAUDIT_LIMBO`).
//! Fails on any divergence from the expected result that is not listed,
//! with its reason, in `tests/limbo-exceptions.json`, and on listed entries
//! that no longer diverge. Needs the `xz` program to unpack the suite.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use pkiaudit::conformance::{self, Limbo};
use serde_json::Value;

/// rustls-webpki used bare matches 9,708 cases (`../shared/conformance/README.md`);
/// pkiaudit with webpki's verdict (before its own RFC 5280 validator) matched
/// 9,714. The validator must not fall below either.
const BASELINE_MATCHES: usize = 9_714;

fn suite_path() -> Option<PathBuf> {
    match std::env::var("PKIAUDIT_LIMBO") {
        Ok(v) if v == "skip" => None,
        Ok(v) => Some(PathBuf::from(v)),
        Err(_) => Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/limbo.json.xz"),
        ),
    }
}

fn read_suite(path: &PathBuf) -> Limbo {
    let bytes = if path.extension().is_some_and(|e| e == "xz") {
        let out = Command::new("xz")
            .arg("-dc")
            .arg(path)
            .output()
            .expect("run xz (install xz-utils)");
        assert!(out.status.success(), "xz -dc {} failed", path.display());
        out.stdout
    } else {
        std::fs::read(path).expect("read the suite")
    };
    serde_json::from_slice(&bytes).expect("an x509-limbo suite")
}

#[test]
#[ignore = "needs xz and the x509-limbo suite (../shared/conformance or $PKIAUDIT_LIMBO)"]
fn limbo_conformance() {
    let Some(path) = suite_path() else {
        eprintln!("PKIAUDIT_LIMBO=skip: the x509-limbo suite is not available here");
        return;
    };
    assert!(
        path.exists(),
        "{} not found (set PKIAUDIT_LIMBO)",
        path.display()
    );
    let suite = read_suite(&path);
    assert_eq!(suite.testcases.len(), 9_780, "the suite changed");
    let result = conformance::run(&suite, chrono::Utc::now());

    let exceptions: Value =
        serde_json::from_str(include_str!("../limbo-exceptions.json")).expect("exceptions file");
    let mut listed: BTreeMap<String, (String, String)> = BTreeMap::new();
    for e in exceptions["exceptions"].as_array().expect("exceptions") {
        let id = e["id"].as_str().expect("id").to_string();
        let reason = e["reason"].as_str().unwrap_or("");
        assert!(reason.len() > 20, "{id}: every exception needs a reason");
        listed.insert(
            id,
            (
                e["expected"].as_str().expect("expected").to_string(),
                e["actual"].as_str().expect("actual").to_string(),
            ),
        );
    }

    let (mut matched, mut skipped) = (0, 0);
    let mut unexpected = Vec::new();
    let mut diverging = std::collections::BTreeSet::new();
    for (case, r) in suite.testcases.iter().zip(&result.results) {
        assert_eq!(case.id, r.id);
        if r.actual_result == "SKIPPED" {
            skipped += 1;
            continue;
        }
        if r.actual_result == case.expected_result {
            matched += 1;
            continue;
        }
        diverging.insert(case.id.clone());
        match listed.get(&case.id) {
            Some((exp, act)) if *exp == case.expected_result && *act == r.actual_result => {}
            _ => unexpected.push(format!(
                "{}: expected {}, got {} ({})",
                case.id,
                case.expected_result,
                r.actual_result,
                r.context.as_deref().unwrap_or("")
            )),
        }
    }
    let stale: Vec<&String> = listed
        .keys()
        .filter(|id| !diverging.contains(*id))
        .collect();
    eprintln!(
        "x509-limbo: {} cases, {matched} as expected, {} listed exceptions, {skipped} skipped",
        suite.testcases.len(),
        diverging.len()
    );
    assert!(
        unexpected.is_empty(),
        "divergences not in tests/limbo-exceptions.json:\n{}",
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed exceptions that now match (remove them): {stale:?}"
    );
    assert!(
        matched >= BASELINE_MATCHES,
        "{matched} matches, fewer than the {BASELINE_MATCHES} of webpki's verdict"
    );
}
