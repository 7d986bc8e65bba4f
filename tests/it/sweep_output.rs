//! Sweep output formats read back by real parsers: Prometheus exposition
//! through Python's `prometheus_client` parser and JUnit through Python's
//! `xml.etree.ElementTree` (both ignored unless python3 is there, run by
//! `--include-ignored`), and Rust-only structural checks of every format on
//! a report with hostile content (quotes, backslashes, newlines, control
//! characters, non-ASCII, label keys that are not Prometheus names).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::Arc;

use pkiaudit::report::atomic::write as write_atomically;
use pkiaudit::report::json::write_sweep as write_json;
use pkiaudit::report::jsonl::write_sweep as write_jsonl;
use pkiaudit::report::junit::write_sweep as write_junit;
use pkiaudit::report::nagios::status as nagios;
use pkiaudit::report::prometheus::write_sweep as write_prometheus;
use pkiaudit::report::text::write_sweep as write_text;
use pkiaudit::sweep::rows::{
    CertRow, Diff, Digest, InputRow, Place, RowChain, RowFinding, RowRevocation, RowRole,
    RowTarget, RowVerdict, State, SweepReport, SweepSummary as Summary,
};
use serde_json::Value;

const NASTY_QUOTES: &str = "CN=\"quoted\" vpn, O=Back\\slash\\, Inc";
const NASTY_NEWLINE: &str = "CN=line1\nline2\r\tend, O=x{y}=z #1 (line 2)";
const NASTY_UNICODE: &str = "CN=Zürich-ВПН-東京 ✓ 𝄞, O=<&'>\u{1}\u{1b}[31m";

fn finding(rule: &str, severity: &str, message: &str) -> RowFinding {
    RowFinding {
        rule: rule.into(),
        severity: severity.into(),
        message: message.into(),
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn row(
    n: u8,
    subject: &str,
    state: State,
    days_left: i64,
    target: &str,
    labels: BTreeMap<String, String>,
    places: &[&str],
    findings: Vec<RowFinding>,
) -> CertRow {
    let not_after_unix = 1_777_593_600 + days_left * 86_400; // 2026-05-01 + days
    CertRow {
        sha256: Digest::from_text(&format!("{n:02x}").repeat(32)),
        subject: subject.into(),
        issuer: "CN=Issuing CA \"2\", O=Example".into(),
        serial: format!("0{n}AB").into(),
        not_before_unix: 1_735_689_600, // 2025-01-01
        not_after_unix,
        days_left,
        role: RowRole::EndEntity,
        spki_sha256: Digest::from_text(&format!("{n:02x}").repeat(32)),
        sans: vec![format!("vpn{n}.example.com").into()].into(),
        target: Arc::new(RowTarget {
            name: target.into(),
            labels,
            profile: "ikev2".into(),
        }),
        places: places.iter().map(|p| Place::from(*p)).collect(),
        verdict: match state {
            State::Ok => RowVerdict::Pass,
            State::Warning => RowVerdict::Warn,
            State::Critical => RowVerdict::Fail,
        },
        state,
        expired: days_left < 0,
        revocation: RowRevocation::Good,
        revoked: false,
        chain: RowChain::Verified,
        findings,
        info_findings: 1,
        suppressed: 0,
        superseded_by: None,
    }
}

/// Five certificates (two critical, one warning, two ok; labels on some,
/// none on others, keys needing sanitizing), three inputs of which one has
/// two errors, and a diff.
fn report() -> SweepReport {
    let mut revoked = row(
        2,
        NASTY_NEWLINE,
        State::Critical,
        120,
        "hub \"b\"",
        labels(&[("site", "Zürich"), ("owner-team", "net\\ops")]),
        &["/srv/pki/dir #1 (old)/b.p7b #3 (PKCS#7 item 2)"],
        vec![finding(
            "revocation.revoked",
            "error",
            "revoked on 2026-04-01 (keyCompromise)\nby CRL http://crl.example/ca.crl",
        )],
    );
    revoked.revoked = true;
    revoked.revocation = RowRevocation::Revoked;
    let certificates = vec![
        row(
            1,
            NASTY_QUOTES,
            State::Critical,
            -3,
            "hub-1",
            labels(&[("site", "fra"), ("device", "asr1"), ("owner", "")]),
            &["/etc/pki/hub1.pem #1 (line 3)", "/etc/pki/copy.pem #2"],
            vec![finding(
                "validity.expired",
                "error",
                "notAfter 2026-04-28T00:00:00Z is before the audit time",
            )],
        ),
        row(
            3,
            NASTY_UNICODE,
            State::Warning,
            20,
            "hub-1",
            labels(&[("site", "fra"), ("device", "asr2")]),
            &["/etc/pki/東京.pem #1"],
            vec![finding(
                "validity.expiring",
                "warning",
                "expires in 20 days (warn at 30)",
            )],
        ),
        revoked,
        row(4, "", State::Ok, 300, "", BTreeMap::new(), &[], vec![]),
        row(
            5,
            "CN=plain.example.com",
            State::Ok,
            400,
            "hub-1",
            BTreeMap::new(),
            &["plain.pem #1"],
            vec![],
        ),
    ];
    let inputs = vec![
        InputRow {
            file: "/etc/pki/hub1.pem".into(),
            target: "hub-1".into(),
            file_kind: "certificates".into(),
            format: Some("pem".into()),
            certificates: 2,
            errors: vec![],
            ..InputRow::default()
        },
        InputRow {
            file: "/etc/pki/bad \"one\" <x>.pem".into(),
            target: "hub-1".into(),
            file_kind: "unreadable".into(),
            format: Some("pem".into()),
            certificates: 0,
            errors: vec![
                "line 3: bad base64 \u{0}\u{7}".into(),
                "line 9: PEM block not closed\nat EOF".into(),
            ],
            ..InputRow::default()
        },
        InputRow {
            file: "/srv/pki/dir #1 (old)/b.p7b".into(),
            target: "hub \"b\"".into(),
            file_kind: "certificates".into(),
            format: Some("pkcs7".into()),
            certificates: 3,
            errors: vec![],
            ..InputRow::default()
        },
    ];
    let summary = Summary {
        inputs: 3,
        inputs_with_errors: 1,
        input_errors: 2,
        certificates_found: 6,
        unique: 5,
        duplicates: 1,
        pass: 2,
        warn: 1,
        fail: 2,
        ok: 2,
        warning: 1,
        critical: 2,
        expired: 1,
        expiring: 1,
        revoked: 1,
        superseded: 0,
        suppressed: 0,
    };
    SweepReport {
        schema_version: 1,
        time: "2026-05-01T00:00:00Z".into(),
        time_source: "ntp (3 servers)".into(),
        warn_days: 30,
        crit_days: 7,
        summary,
        state: State::Critical,
        duration_seconds: 2.25,
        inputs,
        excluded: vec![],
        certificates,
        findings: Vec::new(),
        diff: Some(Diff {
            new: vec!["03".repeat(32)],
            gone: vec![("ff".repeat(32), "CN=old \"gone\"\n".into())],
            renewed: vec![("ee".repeat(32), "05".repeat(32))],
            changed: vec![("01".repeat(32), State::Warning, State::Critical)],
            baseline: false,
        }),
    }
}

fn render(f: fn(&mut dyn std::io::Write, &SweepReport) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    f(&mut buf, &report()).unwrap();
    String::from_utf8(buf).unwrap()
}

/// The label names and values of a sample line's `{...}` (Rust-side check;
/// the real parser runs in the ignored test).
fn parse_labels(labels: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = labels.chars().peekable();
    loop {
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if name.is_empty() {
            break;
        }
        assert_eq!(chars.next(), Some('"'), "label {name} value not quoted");
        let mut value = String::new();
        loop {
            match chars.next().expect("unterminated label value") {
                '\\' => match chars.next() {
                    Some('\\') => value.push('\\'),
                    Some('"') => value.push('"'),
                    Some('n') => value.push('\n'),
                    other => panic!("invalid escape {other:?}"),
                },
                '"' => break,
                '\n' => panic!("raw newline in label value"),
                c => value.push(c),
            }
        }
        out.push((name, value));
        match chars.next() {
            Some(',') => continue,
            None => break,
            other => panic!("unexpected {other:?} after label"),
        }
    }
    out
}

/// Family name → (label names of every sample, samples as (labels, value)).
type Families = BTreeMap<String, Vec<(Vec<(String, String)>, String)>>;

fn parse_exposition(text: &str) -> Families {
    let mut families: Families = BTreeMap::new();
    let mut helped = BTreeSet::new();
    let mut typed = BTreeSet::new();
    let mut current = String::new();
    for line in text.split('\n') {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap().to_string();
            assert!(helped.insert(name.clone()), "second HELP for {name}");
            assert!(
                !families.contains_key(&name),
                "HELP after samples of {name}"
            );
            current = name;
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert_eq!(kind, "gauge");
            assert!(typed.insert(name.to_string()), "second TYPE for {name}");
            assert!(helped.contains(name), "TYPE before HELP for {name}");
            assert!(!families.contains_key(name), "TYPE after samples of {name}");
            assert_eq!(name, current);
            continue;
        }
        assert!(!line.starts_with('#'), "unexpected comment {line:?}");
        let (name, labels, value) = match line.find('{') {
            Some(i) => {
                let end = line.rfind("} ").expect("label set closed");
                (
                    &line[..i],
                    parse_labels(&line[i + 1..end]),
                    &line[end + 2..],
                )
            }
            None => {
                let (n, v) = line.split_once(' ').unwrap();
                (n, Vec::new(), v)
            }
        };
        assert_eq!(name, current, "sample of {name} outside its family");
        assert!(typed.contains(name), "sample of {name} before TYPE");
        assert!(!value.contains(' '), "a timestamp or junk after {name}");
        assert!(
            value.parse::<f64>().is_ok() || ["NaN", "+Inf", "-Inf"].contains(&value),
            "value {value:?}"
        );
        families
            .entry(name.to_string())
            .or_default()
            .push((labels, value.to_string()));
    }
    families
}

const CERT_METRICS: [&str; 7] = [
    "pkiaudit_cert_not_after_seconds",
    "pkiaudit_cert_not_before_seconds",
    "pkiaudit_cert_expired",
    "pkiaudit_cert_revoked",
    "pkiaudit_cert_verdict",
    "pkiaudit_cert_state",
    "pkiaudit_cert_superseded",
];

const RUN_METRICS: [(&str, f64); 12] = [
    ("pkiaudit_sweep_duration_seconds", 2.25),
    ("pkiaudit_sweep_certificates", 5.0),
    ("pkiaudit_sweep_certificates_found", 6.0),
    ("pkiaudit_sweep_duplicates", 1.0),
    ("pkiaudit_sweep_inputs", 3.0),
    ("pkiaudit_sweep_input_errors", 2.0),
    ("pkiaudit_sweep_inputs_with_errors", 1.0),
    ("pkiaudit_sweep_timestamp_seconds", 1_777_593_600.0),
    ("pkiaudit_sweep_state", 2.0),
    ("pkiaudit_sweep_superseded", 0.0),
    ("pkiaudit_sweep_suppressed_findings", 0.0),
    ("pkiaudit_sweep_excluded", 0.0),
];

const LABEL_NAMES: [&str; 9] = [
    "subject",
    "issuer",
    "serial",
    "sha256",
    "path",
    "target",
    "label_device",
    "label_owner",
    "label_owner_team",
];

/// The labels every per-certificate series should carry, by sha256.
fn expected_cert_labels() -> BTreeMap<String, BTreeMap<&'static str, String>> {
    let r = report();
    let paths = [
        "/etc/pki/hub1.pem",
        "/etc/pki/東京.pem",
        "/srv/pki/dir #1 (old)/b.p7b",
        "",
        "plain.pem",
    ];
    r.certificates
        .iter()
        .zip(paths)
        .map(|(c, path)| {
            let l = |k: &str| c.target.labels.get(k).cloned().unwrap_or_default();
            let m = BTreeMap::from([
                ("subject", c.subject.to_string()),
                ("issuer", c.issuer.to_string()),
                ("serial", c.serial.to_string()),
                ("sha256", c.sha256.to_string()),
                ("path", path.to_string()),
                ("target", c.target.name.to_string()),
                ("label_device", l("device")),
                ("label_owner", l("owner")),
                ("label_owner_team", l("owner-team")),
                ("label_site", l("site")),
            ]);
            (c.sha256.to_string(), m)
        })
        .collect()
}

#[test]
fn prometheus_structure_and_label_round_trip() {
    let text = render(write_prometheus);
    assert!(
        !text.contains("# EOF"),
        "OpenMetrics terminator in 0.0.4 text"
    );
    assert!(text.ends_with('\n'));
    let families = parse_exposition(&text);
    let expected = expected_cert_labels();
    for name in CERT_METRICS {
        let samples = &families[name];
        assert_eq!(samples.len(), 5, "{name}");
        for (labels, _) in samples {
            let names: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
            let mut want: Vec<&str> = LABEL_NAMES.to_vec();
            want.push("label_site");
            assert_eq!(names, want, "{name}: same label names on every series");
            let got: BTreeMap<&str, String> = labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            assert_eq!(got, expected[&got["sha256"]], "{name}");
        }
    }
    let value = |name: &str, sha_byte: &str| -> String {
        families[name]
            .iter()
            .find(|(l, _)| {
                l.iter()
                    .any(|(k, v)| k == "sha256" && v.starts_with(sha_byte))
            })
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(value("pkiaudit_cert_expired", "01"), "1");
    assert_eq!(value("pkiaudit_cert_expired", "02"), "0");
    assert_eq!(value("pkiaudit_cert_revoked", "02"), "1");
    assert_eq!(value("pkiaudit_cert_state", "03"), "1");
    assert_eq!(value("pkiaudit_cert_verdict", "01"), "2");
    assert_eq!(value("pkiaudit_cert_verdict", "05"), "0");
    assert_eq!(
        value("pkiaudit_cert_not_before_seconds", "04"),
        "1735689600"
    );
    assert_eq!(
        value("pkiaudit_cert_not_after_seconds", "01"),
        (1_777_593_600i64 - 3 * 86_400).to_string()
    );
    for (name, want) in RUN_METRICS {
        let samples = &families[name];
        assert_eq!(samples.len(), 1, "{name}");
        assert!(samples[0].0.is_empty(), "{name} has no labels");
        assert_eq!(samples[0].1.parse::<f64>().unwrap(), want, "{name}");
    }
    let by_state: Vec<(String, String)> = families["pkiaudit_sweep_certificates_by_state"]
        .iter()
        .map(|(l, v)| (l[0].1.clone(), v.clone()))
        .collect();
    assert_eq!(
        by_state,
        [("ok", "2"), ("warning", "1"), ("critical", "2")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let findings: Vec<(String, String)> = families["pkiaudit_sweep_findings"]
        .iter()
        .map(|(l, v)| (l[0].1.clone(), v.clone()))
        .collect();
    assert_eq!(
        findings,
        [("warning", "0"), ("error", "0")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(families.len(), CERT_METRICS.len() + RUN_METRICS.len() + 2);
}

#[test]
fn prometheus_without_certificates_or_labels() {
    let mut r = report();
    r.certificates.clear();
    r.time = "not a time".into();
    let mut buf = Vec::new();
    write_prometheus(&mut buf, &r).unwrap();
    let families = parse_exposition(&String::from_utf8(buf).unwrap());
    // Families with HELP/TYPE but no samples are not in the map.
    assert!(!families.contains_key("pkiaudit_cert_state"));
    assert!(!families.contains_key("pkiaudit_sweep_timestamp_seconds"));
    assert_eq!(families["pkiaudit_sweep_state"][0].1, "2");
}

#[test]
#[ignore = "needs python3 prometheus_client (pip install prometheus_client)"]
fn prometheus_parses_with_prometheus_client() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pkiaudit.prom");
    write_atomically(&path, render(write_prometheus).as_bytes()).unwrap();
    // newline='' keeps a raw CR in a label value as it is; the exposition
    // format splits lines on LF only.
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    text = f.read()
out = []
for fam in text_string_to_metric_families(text):
    out.append({"name": fam.name, "type": fam.type, "help": fam.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value,
                             "timestamp": s.timestamp} for s in fam.samples]})
json.dump(out, sys.stdout)
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "prometheus_client rejected the file: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let families: BTreeMap<String, &Value> = parsed
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f))
        .collect();
    assert_eq!(parsed.len(), families.len(), "each family once");
    // + the two labelled families: certificates by state, findings.
    assert_eq!(
        families.len(),
        CERT_METRICS.len() + RUN_METRICS.len() + 2,
        "{:?}",
        families.keys()
    );
    for f in &parsed {
        assert_eq!(f["type"], "gauge", "{}", f["name"]);
        assert!(!f["help"].as_str().unwrap().is_empty(), "{}", f["name"]);
        for s in f["samples"].as_array().unwrap() {
            assert_eq!(s["name"], f["name"]);
            assert!(s["timestamp"].is_null());
        }
    }
    let expected = expected_cert_labels();
    let report = report();
    for name in CERT_METRICS {
        let samples = families[name]["samples"].as_array().unwrap();
        assert_eq!(samples.len(), 5, "{name}");
        for s in samples {
            let got: BTreeMap<&str, String> = s["labels"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap().to_string()))
                .collect();
            let sha = got["sha256"].clone();
            // Every label value round-trips, quotes, backslashes, CR, LF,
            // control characters and non-ASCII included.
            assert_eq!(
                got.keys().copied().collect::<Vec<_>>(),
                expected[&sha].keys().copied().collect::<Vec<_>>(),
                "{name}"
            );
            for (k, v) in &expected[&sha] {
                assert_eq!(&got[k], v, "{name} {k}");
            }
            let c = report
                .certificates
                .iter()
                .find(|c| c.sha256 == *sha.as_str())
                .unwrap();
            let v = s["value"].as_f64().unwrap();
            let want = match name {
                "pkiaudit_cert_not_after_seconds" => c.not_after_unix as f64,
                "pkiaudit_cert_not_before_seconds" => 1_735_689_600.0,
                "pkiaudit_cert_expired" => f64::from(u8::from(c.expired)),
                "pkiaudit_cert_revoked" => f64::from(u8::from(c.revoked)),
                "pkiaudit_cert_verdict" => match c.verdict.as_str() {
                    "pass" => 0.0,
                    "warn" => 1.0,
                    _ => 2.0,
                },
                "pkiaudit_cert_superseded" => f64::from(u8::from(c.superseded_by.is_some())),
                _ => match c.state {
                    State::Ok => 0.0,
                    State::Warning => 1.0,
                    State::Critical => 2.0,
                },
            };
            assert_eq!(v, want, "{name} {sha}");
        }
    }
    let subjects: BTreeSet<String> = families["pkiaudit_cert_state"]["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["labels"]["subject"].as_str().unwrap().to_string())
        .collect();
    for s in [NASTY_QUOTES, NASTY_NEWLINE, NASTY_UNICODE, ""] {
        assert!(subjects.contains(s), "{s:?} in {subjects:?}");
    }
    for (name, want) in RUN_METRICS {
        let samples = families[name]["samples"].as_array().unwrap();
        assert_eq!(samples.len(), 1, "{name}");
        assert_eq!(samples[0]["labels"], serde_json::json!({}), "{name}");
        assert_eq!(samples[0]["value"].as_f64().unwrap(), want, "{name}");
    }
    let by_state: BTreeMap<String, f64> = families["pkiaudit_sweep_certificates_by_state"]
        ["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["labels"]["state"].as_str().unwrap().to_string(),
                s["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_state,
        BTreeMap::from([
            ("critical".to_string(), 2.0),
            ("ok".to_string(), 2.0),
            ("warning".to_string(), 1.0)
        ])
    );
}

#[test]
fn jsonl_every_line_parses_and_counts_match() {
    let text = render(write_jsonl);
    let r = report();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(
        lines.len(),
        5 + 1 + 1 + 1,
        "certificates, input error, diff, summary"
    );
    let kind = |v: &Value| v["kind"].as_str().unwrap().to_string();
    let certs: Vec<&Value> = lines.iter().filter(|v| kind(v) == "certificate").collect();
    assert_eq!(certs.len(), r.certificates.len());
    for (line, c) in certs.iter().zip(&r.certificates) {
        let mut obj = (*line).clone();
        obj.as_object_mut().unwrap().remove("kind");
        let back: pkiaudit::sweep::rows::CertRow = serde_json::from_value(obj).unwrap();
        assert_eq!(&back, c, "every CertRow field is on its line");
    }
    let errors: Vec<&Value> = lines.iter().filter(|v| kind(v) == "input-error").collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "/etc/pki/bad \"one\" <x>.pem");
    assert_eq!(errors[0]["target"], "hub-1");
    assert_eq!(errors[0]["errors"].as_array().unwrap().len(), 2);
    let diff: Vec<&Value> = lines.iter().filter(|v| kind(v) == "diff").collect();
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0]["changed"][0][2], "critical");
    let summary = lines.last().unwrap();
    assert_eq!(kind(summary), "summary");
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(summary["time"], "2026-05-01T00:00:00Z");
    assert_eq!(summary["state"], "critical");
    assert_eq!(summary["duration_seconds"], 2.25);
    let mut s = summary.clone();
    let obj = s.as_object_mut().unwrap();
    for k in [
        "kind",
        "schema_version",
        "time",
        "time_source",
        "warn_days",
        "crit_days",
        "state",
        "duration_seconds",
    ] {
        obj.remove(k);
    }
    let back: Summary = serde_json::from_value(s).unwrap();
    assert_eq!(back, r.summary);
}

#[test]
fn json_round_trips() {
    let text = render(write_json);
    let back: SweepReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report());
    assert!(text.ends_with("}\n"));
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn junit_structure() {
    let xml = render(write_junit);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pkiaudit sweep\" tests=\"6\" failures=\"2\" errors=\"1\" time=\"2.250\">"), "{xml}");
    // Targets: "", "hub \"b\"", "hub-1".
    assert_eq!(count(&xml, "<testsuite "), 3);
    assert_eq!(count(&xml, "</testsuite>"), 3);
    assert_eq!(count(&xml, "<testsuites "), 1);
    assert_eq!(count(&xml, "</testsuites>"), 1);
    let cases = count(&xml, "<testcase ");
    assert_eq!(cases, 6, "5 certificates + 1 bad input");
    let self_closed = xml
        .lines()
        .filter(|l| l.trim_start().starts_with("<testcase ") && l.ends_with("/>"))
        .count();
    assert_eq!(count(&xml, "</testcase>") + self_closed, cases);
    assert_eq!(count(&xml, "<failure "), 2);
    assert_eq!(count(&xml, "</failure>"), 2);
    assert_eq!(count(&xml, "<error "), 1);
    assert_eq!(count(&xml, "<system-out>"), 1);
    assert_eq!(count(&xml, "</system-out>"), 1);
    assert_eq!(count(&xml, "type=\"critical\""), 2);
    assert!(xml.contains("name=\"(no target)\""));
    assert!(xml.contains("classname=\"hub &quot;b&quot;\""));
    assert!(xml.contains("message=\"expired 3 days ago\""));
    assert!(xml.contains("message=\"revoked\""));
    // Characters XML 1.0 forbids are gone; markup is escaped.
    for c in ['\u{0}', '\u{1}', '\u{7}', '\u{1b}'] {
        assert!(!xml.contains(c), "{c:?} in XML");
    }
    assert!(xml.contains("O=&lt;&amp;&apos;&gt;[31m"));
    assert!(!xml.contains("<x>"));
}

#[test]
#[ignore = "needs python3"]
fn junit_parses_with_python_elementtree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    write_atomically(&path, render(write_junit).as_bytes()).unwrap();
    let script = r#"
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def case(tc):
    out = {"classname": tc.get("classname"), "name": tc.get("name"), "time": tc.get("time")}
    for tag in ("failure", "error", "skipped", "system-out"):
        el = tc.find(tag)
        if el is not None:
            out[tag] = {"message": el.get("message"), "type": el.get("type"), "text": el.text or ""}
    return out
json.dump({
    "tag": root.tag, "attrib": root.attrib,
    "suites": [{"attrib": s.attrib,
                "properties": {p.get("name"): p.get("value") for p in s.iter("property")},
                "cases": [case(tc) for tc in s.findall("testcase")]}
               for s in root.findall("testsuite")],
}, sys.stdout)
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "ElementTree rejected the XML: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["tag"], "testsuites");
    assert_eq!(doc["attrib"]["name"], "pkiaudit sweep");
    assert_eq!(doc["attrib"]["tests"], "6");
    assert_eq!(doc["attrib"]["failures"], "2");
    assert_eq!(doc["attrib"]["errors"], "1");
    assert_eq!(doc["attrib"]["time"], "2.250");
    let suites = doc["suites"].as_array().unwrap();
    let names: Vec<&str> = suites
        .iter()
        .map(|s| s["attrib"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["(no target)", "hub \"b\"", "hub-1"]);
    let mut total = 0;
    for s in suites {
        let cases = s["cases"].as_array().unwrap();
        total += cases.len();
        assert_eq!(s["attrib"]["tests"], cases.len().to_string());
        let failures = cases.iter().filter(|c| c.get("failure").is_some()).count();
        assert_eq!(s["attrib"]["failures"], failures.to_string());
        let errors = cases.iter().filter(|c| c.get("error").is_some()).count();
        assert_eq!(s["attrib"]["errors"], errors.to_string());
        assert_eq!(s["properties"]["audit_time"], "2026-05-01T00:00:00Z");
        assert_eq!(s["properties"]["time_source"], "ntp (3 servers)");
        for c in cases {
            assert_eq!(c["classname"], s["attrib"]["name"]);
            assert_eq!(c["time"], "0");
        }
    }
    assert_eq!(total, 6);
    let all: Vec<&Value> = suites
        .iter()
        .flat_map(|s| s["cases"].as_array().unwrap())
        .collect();
    let by_name = |prefix: &str| -> &Value {
        all.iter()
            .find(|c| c["name"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no testcase {prefix:?}"))
    };
    // Attribute values round-trip, quotes and line breaks included.
    let quotes = by_name(NASTY_QUOTES);
    assert_eq!(quotes["name"], format!("{NASTY_QUOTES} (serial 01AB)"));
    assert_eq!(quotes["failure"]["type"], "critical");
    assert_eq!(quotes["failure"]["message"], "expired 3 days ago");
    let text = quotes["failure"]["text"].as_str().unwrap();
    assert!(text.contains("error validity.expired: notAfter"), "{text}");
    assert!(text.contains("also at /etc/pki/copy.pem #2"), "{text}");
    let newline = by_name("CN=line1\nline2\r\tend");
    assert_eq!(newline["name"], format!("{NASTY_NEWLINE} (serial 02AB)"));
    assert_eq!(newline["failure"]["message"], "revoked");
    assert!(newline["failure"]["text"]
        .as_str()
        .unwrap()
        .contains("(keyCompromise)\nby CRL"));
    // Only the control characters XML cannot carry are dropped.
    let unicode = by_name("CN=Zürich");
    assert_eq!(
        unicode["name"],
        "CN=Zürich-ВПН-東京 ✓ 𝄞, O=<&'>[31m (serial 03AB)"
    );
    assert!(unicode.get("failure").is_none(), "a warning passes");
    let out = unicode["system-out"]["text"].as_str().unwrap();
    assert!(
        out.contains("warning validity.expiring: expires in 20 days"),
        "{out}"
    );
    let empty = by_name("(empty subject)");
    assert!(empty.get("failure").is_none() && empty.get("system-out").is_none());
    let bad = by_name("input /etc/pki/bad");
    assert_eq!(bad["name"], "input /etc/pki/bad \"one\" <x>.pem");
    assert_eq!(bad["error"]["type"], "input-error");
    assert_eq!(
        bad["error"]["message"],
        "2 input errors; first: line 3: bad base64 \\u{0}\\u{7}"
    );
    assert_eq!(
        bad["error"]["text"],
        "line 3: bad base64 \nline 9: PEM block not closed\nat EOF\n"
    );
}

#[test]
fn text_has_sections_and_adding_counts() {
    let text = render(write_text);
    // Strip ANSI styles the way anstream would with colour off.
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    assert!(plain.starts_with(
        "pkiaudit sweep at 2026-05-01T00:00:00Z (ntp (3 servers)): CRITICAL · 3 inputs, 5 certificates: 2 critical, 1 warning, 2 ok, 2 input errors\n"
    ), "{plain}");
    // Grouped by state, critical first (the unreadable input with it),
    // soonest expiry first within a state.
    let critical = plain.find("CRITICAL (3):\n").expect("critical heading");
    let expired = plain.find("  expired 3 days ago · ").unwrap();
    let revoked = plain.find("  120 days left · ").unwrap();
    let bad_input = plain.find("  input /etc/pki/bad").unwrap();
    let warning = plain.find("WARNING (1):\n").expect("warning heading");
    let expiring = plain.find("  20 days left · ").unwrap();
    assert!(
        critical < expired && expired < revoked && revoked < bad_input,
        "{plain}"
    );
    assert!(bad_input < warning && warning < expiring, "{plain}");
    assert!(!plain.contains("Needs action"), "{plain}");
    // Subjects cannot break lines or send escape sequences.
    assert!(plain.contains("CN=line1\\nline2\\r\\tend"), "{plain}");
    assert!(plain.contains("O=<&'>\\u{1}\\u{1b}[31m"), "{plain}");
    assert!(plain.contains("at /etc/pki/hub1.pem #1 (line 3) (+1 more place) · target hub-1"));
    assert!(plain.contains(
        "error revocation.revoked: revoked on 2026-04-01 (keyCompromise) by CRL http://crl.example/ca.crl"
    ));
    assert!(
        plain.contains("input /etc/pki/bad \"one\" <x>.pem: line 9: PEM block not closed at EOF")
    );
    assert!(plain.contains("Changes since the last run: 1 new, 1 gone, 1 renewed, 1 changed"));
    assert!(plain.contains("gone    CN=old \"gone\"\\n"), "{plain}");
    assert!(plain.contains("changed CN=\"quoted\" vpn, O=Back\\slash\\, Inc: WARNING → CRITICAL"));
    assert!(plain.trim_end().ends_with(
        "Summary: 3 inputs (1 with errors, 2 input errors) · 6 certificates found = 5 unique + 1 duplicate · 5 unique = 2 ok + 1 warning + 2 critical · 1 expired, 1 revoked · 2.25s"
    ), "{plain}");
    assert!(!plain.contains('\u{1}'));
}

#[test]
fn nagios_line_is_one_line_with_perfdata() {
    let (code, line) = nagios(&report());
    assert_eq!(code, 2);
    assert!(!line.contains(['\n', '\r']), "{line}");
    let (status, perf) = line.split_once(" | ").unwrap();
    assert!(!status.contains('|') && !perf.contains('|'));
    assert_eq!(
        status,
        "PKIAUDIT CRITICAL - 5 certificates, 2 critical, 1 warning, 2 input errors; critical: \"quoted\" vpn expired 3 days ago, line1 line2 end revoked; warning: Zürich-ВПН-東京 ✓ 𝄞 expires in 20 days; input errors: /etc/pki/bad \"one\" <x>.pem"
    );
    assert_eq!(
        perf,
        "certificates=5;;; critical=2;;; warning=1;;; expired=1;;; revoked=1;;; input_errors=2;;; findings=0;;; duration=2.250s;;;"
    );
    let mut r = report();
    r.state = State::Warning;
    assert_eq!(nagios(&r).0, 1);
    r.state = State::Ok;
    assert_eq!(nagios(&r).0, 0);
}

#[test]
fn writers_survive_empty_and_degenerate_reports() {
    let mut r = report();
    r.certificates.iter_mut().for_each(|c| {
        c.places = Default::default();
        Arc::make_mut(&mut c.target).labels = labels(&[("", ""), ("é", "\\\"\n")]);
        c.findings.push(finding("", "", ""));
        // A verdict or time that is not one is no longer representable.
    });
    r.duration_seconds = f64::NAN;
    r.diff = Some(Diff::default());
    let empty = SweepReport {
        schema_version: 1,
        time: String::new(),
        time_source: String::new(),
        warn_days: 0,
        crit_days: 0,
        summary: Summary::default(),
        state: State::Ok,
        duration_seconds: 0.0,
        inputs: vec![],
        excluded: vec![],
        certificates: vec![],
        findings: Vec::new(),
        diff: None,
    };
    for r in [&r, &empty] {
        for f in [
            write_text,
            write_json,
            write_jsonl,
            write_prometheus,
            write_junit,
        ] {
            let mut buf = Vec::new();
            f(&mut buf, r).unwrap();
            String::from_utf8(buf).unwrap();
        }
        let (_, line) = nagios(r);
        assert!(!line.contains('\n'));
    }
    let mut buf = Vec::new();
    write_prometheus(&mut buf, &r).unwrap();
    let families = parse_exposition(&String::from_utf8(buf).unwrap());
    assert_eq!(families["pkiaudit_sweep_duration_seconds"][0].1, "NaN");
    let names: Vec<&str> = families["pkiaudit_cert_state"][0]
        .0
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        names,
        ["subject", "issuer", "serial", "sha256", "path", "target", "label_", "label__"]
    );
}
