//! The monitoring files that ship in `monitoring/` (Prometheus alert rules
//! and their promtool tests, the Grafana dashboard, the systemd units),
//! checked against what a real sweep writes.
//!
//! The sweep: the committed fixtures (`fixtures/headend`, `fixtures/client`,
//! the truncated PEM of `fixtures/bad` as an input error) plus a revoked
//! certificate made here, at `--at 2034-12-20` (most fixture leaves expire
//! 2035-01-01, 12 days later). Its textfile becomes the `input_series` of the
//! promtool tests: the committed `pkiaudit-alerts.test.yml` holds only the
//! expected alerts and a marker where the series go, so the alert rules are
//! always tested on this build's real output, never on a hand-written copy.
//!
//! Not ignored: every metric and label name the rules and the dashboard use
//! is in the sweep's output; the dashboard is Grafana JSON; the service's
//! command line, with its paths moved to a temporary directory, writes the
//! textfile. Ignored (need programs `.ci/run` installs):
//! `promtool check rules`, `promtool test rules`, `systemd-analyze verify`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{
    CertificateRevocationListParams, Issuer, KeyIdMethod, RevocationReason, RevokedCertParams,
    SerialNumber,
};
use serde_json::Value;

use crate::common::run::offline;
use crate::common::testkit::{ymd, CertSpec, Issued, Key};

/// The audit time of the sweep; promtool's test clock starts at the Unix
/// epoch, so every timestamp of the textfile is shifted by this much (the
/// audit time becomes the test's time 0).
const AUDIT_TIME: &str = "2034-12-20T00:00:00Z";

/// The metrics whose value is a Unix time, shifted with the audit time.
/// Every other `*_seconds` metric must be a duration (checked).
const TIMESTAMP_METRICS: [&str; 3] = [
    "pkiaudit_cert_not_after_seconds",
    "pkiaudit_cert_not_before_seconds",
    "pkiaudit_sweep_timestamp_seconds",
];
const DURATION_METRICS: [&str; 1] = ["pkiaudit_sweep_duration_seconds"];

/// The labels node_exporter's scrape adds to every series of the textfile.
const SCRAPE_LABELS: &str = r#"instance="vpn-audit:9100",job="node""#;

/// How many samples each test series has, one a minute (as a scrape
/// would give; with fewer than one per 5 minutes a series goes stale
/// between samples): 300 hours, long enough for the leaves to expire, short
/// enough that the series end and the "no sweep data" alert can be tested.
const SERIES_MINUTES: u32 = 300 * 60;

/// The marker line of the committed test file that the series replace.
const SERIES_MARKER: &str = "input_series: []  # GENERATED";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// The estate of the sweep, in a temporary directory the sweep runs in, so
/// that the paths in its labels are the same on every machine: `fixtures`
/// (a link to the repository's), `vpn-gw/gw.pem` (a certificate revoked by
/// `trust/crl.pem`) and `trust/root.pem` (its CA, not swept).
///
/// The new certificates use the fixed RSA test keys (PKCS#1 v1.5
/// signatures are deterministic), so their SHA-256, which the expected
/// alerts name, is the same on every run.
fn estate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::os::unix::fs::symlink(repo("fixtures"), root.join("fixtures")).expect("link fixtures");
    let mut ca_spec = CertSpec::ca("Example Gateway CA");
    ca_spec.key = Key::RsaCa;
    ca_spec.serial = Some(vec![0x47, 0x01]);
    let ca = Issued::self_signed(ca_spec);
    let mut leaf_spec = CertSpec::leaf("gw.example.com").san_dns(&["gw.example.com"]);
    leaf_spec.key = Key::Rsa;
    leaf_spec.serial = Some(vec![0x47, 0x10, 0x01]);
    leaf_spec.not_after = ymd((2035, 1, 10));
    let leaf = ca.issue(leaf_spec);
    let crl = CertificateRevocationListParams {
        this_update: ymd((2034, 12, 1)),
        next_update: ymd((2035, 1, 31)),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: vec![RevokedCertParams {
            serial_number: SerialNumber::from_slice(&[0x47, 0x10, 0x01]),
            revocation_time: ymd((2034, 12, 10)),
            reason_code: Some(RevocationReason::KeyCompromise),
            invalidity_date: None,
        }],
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&Issuer::from_params(&ca.params, &ca.key))
    .expect("CRL");
    for (name, text) in [
        ("trust/root.pem", ca.pem()),
        ("trust/crl.pem", crl.pem().expect("CRL PEM")),
        ("vpn-gw/gw.pem", leaf.pem()),
    ] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    dir
}

/// The textfile a real `pkiaudit sweep --format prometheus --output FILE`
/// writes for [`estate`].
fn sweep_textfile() -> String {
    let dir = estate();
    std::fs::create_dir(dir.path().join("out")).expect("mkdir out");
    let out = offline()
        .current_dir(dir.path())
        .args(["--color", "never", "sweep", "--format", "prometheus"])
        .args(["--output", "out/pkiaudit.prom", "--at", AUDIT_TIME])
        .args(["--revocation", "crl", "--crl", "trust/crl.pem"])
        .args([
            "--trust",
            "fixtures/pki/root-ca.pem",
            "--trust",
            "trust/root.pem",
        ])
        .args(["--label", "site=lab"])
        .args([
            "fixtures/headend",
            "fixtures/client",
            "fixtures/bad/truncated.pem",
        ])
        .arg("vpn-gw")
        .output()
        .expect("run pkiaudit sweep");
    // 2: an input could not be read (the truncated PEM, on purpose).
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = std::fs::read_to_string(dir.path().join("out/pkiaudit.prom")).expect("the textfile");
    t
}

/// One sample of the text exposition format.
struct Sample {
    name: String,
    /// What is between the braces, as written (empty without labels).
    labels: String,
    value: String,
}

fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("sample line: SERIES VALUE");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.strip_suffix('}').expect("closing brace")),
                None => (series, ""),
            };
            Sample {
                name: name.to_string(),
                labels: labels.to_string(),
                value: value.to_string(),
            }
        })
        .collect()
}

/// The label names of a sample's label text (`a="x",b="y\"z"`).
fn label_names(labels: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = labels;
    while let Some((name, after)) = rest.split_once("=\"") {
        names.push(name.trim_start_matches(',').to_string());
        // Skip the value: up to the first quote not escaped.
        let mut escaped = false;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    names
}

/// The promtool `input_series` of a textfile: one series per sample with
/// node_exporter's scrape labels, its value repeated every minute for
/// [`SERIES_MINUTES`] minutes; Unix times shifted by the audit time.
fn input_series(text: &str) -> String {
    let shift = chrono::DateTime::parse_from_rfc3339(AUDIT_TIME)
        .expect("audit time")
        .timestamp();
    let mut yaml = String::new();
    for s in samples(text) {
        let value = if TIMESTAMP_METRICS.contains(&s.name.as_str()) {
            let t: i64 = s.value.parse().expect("a Unix time");
            (t - shift).to_string()
        } else {
            assert!(
                !s.name.ends_with("_seconds") || DURATION_METRICS.contains(&s.name.as_str()),
                "{}: a new *_seconds metric; is it a Unix time (TIMESTAMP_METRICS) or a duration?",
                s.name
            );
            s.value.clone()
        };
        let labels = if s.labels.is_empty() {
            SCRAPE_LABELS.to_string()
        } else {
            format!("{},{SCRAPE_LABELS}", s.labels)
        };
        // A single-quoted YAML scalar: only the quote itself is escaped.
        let series = format!("{}{{{labels}}}", s.name).replace('\'', "''");
        yaml.push_str(&format!(
            "      - series: '{series}'\n        values: '{value}x{SERIES_MINUTES}'\n"
        ));
    }
    yaml
}

/// The committed test file with the generated series in place of the
/// marker: the first test defines them (`&sweep`), the others reuse them.
fn promtool_test_file(text: &str) -> String {
    let committed = read("monitoring/prometheus/pkiaudit-alerts.test.yml");
    let mut out = String::new();
    let mut first = true;
    for line in committed.lines() {
        match line.trim_start().strip_prefix(SERIES_MARKER) {
            Some(_) => {
                let indent = &line[..line.len() - line.trim_start().len()];
                if first {
                    out.push_str(&format!("{indent}input_series: &sweep\n"));
                    out.push_str(&input_series(text));
                    first = false;
                } else {
                    out.push_str(&format!("{indent}input_series: *sweep\n"));
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    assert!(
        !first,
        "no `{SERIES_MARKER}` line in the committed test file"
    );
    out
}

/// Every `pkiaudit_...` identifier in `text`.
fn metric_names_in(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut rest = text;
    while let Some(i) = rest.find("pkiaudit_") {
        let before_ok = rest[..i].chars().next_back().is_none_or(|c| !ident(c));
        let tail = &rest[i..];
        let end = tail.find(|c: char| !ident(c)).unwrap_or(tail.len());
        if before_ok {
            names.insert(tail[..end].to_string());
        }
        rest = &tail[end..];
    }
    names
}

/// The label names PromQL in `text` groups, matches or templates by:
/// `by (...)`, `on (...)`, `without (...)`, `ignoring (...)`,
/// `$labels.NAME`, `label_values(METRIC, NAME)`, `{NAME=...}` selectors.
fn label_names_in(text: &str) -> BTreeSet<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let take_ident = |s: &str| -> String { s.chars().take_while(|&c| ident(c)).collect() };
    let mut names = BTreeSet::new();
    for kw in ["by", "on", "without", "ignoring"] {
        let mut rest = text;
        while let Some(i) = rest.find(kw) {
            let before_ok = rest[..i].chars().next_back().is_none_or(|c| !ident(c));
            let after = rest[i + kw.len()..].trim_start();
            rest = &rest[i + kw.len()..];
            if !before_ok {
                continue;
            }
            if let Some(list) = after.strip_prefix('(') {
                let items: Vec<&str> = list
                    .split(')')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(str::trim)
                    .collect();
                // A label list, not English prose "on (...)".
                if items.iter().all(|n| !n.is_empty() && n.chars().all(ident)) {
                    names.extend(items.iter().map(|n| n.to_string()));
                }
            }
        }
    }
    for part in text.split("$labels.").skip(1) {
        names.insert(take_ident(part));
    }
    for part in text.split("label_values(").skip(1) {
        if let Some((_, label)) = part.split(')').next().unwrap_or("").rsplit_once(',') {
            names.insert(label.trim().to_string());
        }
    }
    // Selectors of pkiaudit metrics: `pkiaudit_x{a="..", b=~".."}`.
    let mut rest = text;
    while let Some(i) = rest.find("pkiaudit_") {
        let tail = &rest[i..];
        let end = tail.find(|c: char| !ident(c)).unwrap_or(tail.len());
        rest = &tail[end..];
        if let Some(sel) = rest.strip_prefix('{') {
            for m in sel.split('}').next().unwrap_or("").split(',') {
                let n = take_ident(m.trim());
                if !n.is_empty() {
                    names.insert(n);
                }
            }
        }
    }
    names
}

/// Metric and label names a sweep writes, plus the scrape's labels.
fn sweep_names(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut metrics = BTreeSet::new();
    let mut labels: BTreeSet<String> = ["instance", "job"].map(String::from).into();
    for s in samples(text) {
        labels.extend(label_names(&s.labels));
        metrics.insert(s.name);
    }
    (metrics, labels)
}

/// Every string of a JSON document (dashboard expressions, variable
/// queries, titles).
fn json_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        Value::Object(o) => o.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

fn dashboard() -> Value {
    serde_json::from_str(&read("monitoring/grafana/pkiaudit-dashboard.json"))
        .expect("the dashboard is JSON")
}

#[test]
fn monitoring_sweep_output_carries_what_the_tests_plant() {
    let text = sweep_textfile();
    let s = samples(&text);
    let value = |name: &str, needle: &str| -> Vec<String> {
        s.iter()
            .filter(|x| x.name == name && x.labels.contains(needle))
            .map(|x| x.value.clone())
            .collect()
    };
    assert_eq!(value("pkiaudit_sweep_input_errors", ""), ["1"], "{text}");
    assert_eq!(
        value("pkiaudit_cert_revoked", r#"path="vpn-gw/gw.pem""#),
        ["1"],
        "{text}"
    );
    assert_eq!(
        value(
            "pkiaudit_cert_expired",
            r#"path="fixtures/headend/expired.pem""#
        ),
        ["1"],
        "{text}"
    );
    assert!(
        text.contains(r#"label_site="lab""#),
        "the --label is a label: {text}"
    );
}

#[test]
fn monitoring_rules_and_dashboard_use_only_names_the_sweep_writes() {
    let text = sweep_textfile();
    let (metrics, labels) = sweep_names(&text);
    let mut dash = Vec::new();
    json_strings(&dashboard(), &mut dash);
    let dash = dash.join("\n");
    for (file, content) in [
        (
            "monitoring/prometheus/pkiaudit-alerts.yml",
            read("monitoring/prometheus/pkiaudit-alerts.yml"),
        ),
        ("monitoring/grafana/pkiaudit-dashboard.json", dash),
    ] {
        let used = metric_names_in(&content);
        assert!(used.len() >= 5, "{file}: only {used:?}");
        let unknown: Vec<_> = used.difference(&metrics).collect();
        assert!(
            unknown.is_empty(),
            "{file} uses metrics a sweep does not write: {unknown:?}; the sweep writes {metrics:?}"
        );
        let used = label_names_in(&content);
        // `state` is pkiaudit_sweep_certificates_by_state's label; the
        // dashboard's own variables are not labels.
        let unknown: Vec<_> = used.difference(&labels).collect();
        assert!(
            unknown.is_empty(),
            "{file} uses labels a sweep does not write: {unknown:?}; the sweep writes {labels:?}"
        );
    }
}

#[test]
fn monitoring_test_file_names_certificates_of_the_sweep() {
    // The expected alerts name certificates by SHA-256; after
    // `cargo run --example gen_fixtures` (new keys) they must be updated.
    let text = sweep_textfile();
    let committed = read("monitoring/prometheus/pkiaudit-alerts.test.yml");
    let mut missing = Vec::new();
    for line in committed.lines() {
        if let Some(v) = line.trim().strip_prefix("sha256:") {
            let v = v.trim().trim_matches('"');
            if !text.contains(&format!("sha256=\"{v}\"")) {
                missing.push(v.to_string());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "pkiaudit-alerts.test.yml names certificates the sweep no longer has \
         (fixtures regenerated? take the new SHA-256 from the sweep's output): {missing:?}"
    );
    assert!(committed.contains(SERIES_MARKER));
    // One input series per sample of the sweep.
    assert_eq!(
        promtool_test_file(&text)
            .matches("\n      - series: '")
            .count(),
        samples(&text).len()
    );
}

#[test]
fn monitoring_dashboard_is_grafana_json() {
    let d = dashboard();
    assert!(
        d["schemaVersion"].as_u64().is_some_and(|v| v >= 36),
        "schemaVersion"
    );
    assert!(d["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(d["__inputs"][0]["name"], "DS_PROMETHEUS");
    let panels = d["panels"].as_array().expect("panels");
    assert!(panels.len() >= 5);
    let mut ids = BTreeSet::new();
    for p in panels {
        let title = p["title"].as_str().expect("every panel has a title");
        assert!(
            ids.insert(p["id"].as_u64().expect("panel id")),
            "{title}: id repeated"
        );
        for k in ["x", "y", "w", "h"] {
            assert!(p["gridPos"][k].as_u64().is_some(), "{title}: gridPos.{k}");
        }
        if p["type"] == "row" {
            continue;
        }
        assert_eq!(p["datasource"]["uid"], "${DS_PROMETHEUS}", "{title}");
        let targets = p["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "{title}: no query");
        for t in targets {
            let expr = t["expr"].as_str().expect("expr");
            assert!(expr.contains("pkiaudit_"), "{title}: {expr}");
            assert_eq!(t["datasource"]["uid"], "${DS_PROMETHEUS}", "{title}");
        }
    }
    for v in d["templating"]["list"]
        .as_array()
        .expect("template variables")
    {
        if v["type"] == "query" {
            assert_eq!(v["datasource"]["uid"], "${DS_PROMETHEUS}", "{}", v["name"]);
        }
    }
}

/// The service's ExecStart= command line (continuation lines joined).
fn exec_start() -> Vec<String> {
    let unit = read("monitoring/systemd/pkiaudit-sweep.service");
    let mut line = String::new();
    let mut lines = unit.lines().skip_while(|l| !l.starts_with("ExecStart="));
    for l in lines.by_ref() {
        match l.strip_suffix('\\') {
            Some(head) => line.push_str(head),
            None => {
                line.push_str(l);
                break;
            }
        }
    }
    let line = line.strip_prefix("ExecStart=").expect("an ExecStart= line");
    assert!(
        !line.contains(['"', '\'', '$', '%']),
        "quotes, variables and specifiers would need systemd's parsing: {line}"
    );
    line.split_whitespace().map(String::from).collect()
}

/// The service's command, with this build's binary and the host's paths
/// moved into a temporary directory, writes the textfile; its exit code
/// is 0 or one SuccessExitStatus= lists.
#[test]
fn monitoring_service_command_writes_the_textfile() {
    let exec = exec_start();
    assert_eq!(
        exec.first().map(String::as_str),
        Some("/usr/local/bin/pkiaudit")
    );
    assert_eq!(exec.get(1).map(String::as_str), Some("sweep"));
    for flag in ["--format", "--output", "--state"] {
        assert!(exec.iter().any(|a| a == flag), "{flag}: {exec:?}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for d in ["textfile", "state", "cache"] {
        std::fs::create_dir(root.join(d)).expect("mkdir");
    }
    let inventory = root.join("estate.toml");
    std::fs::write(
        &inventory,
        format!(
            "trust = [{:?}]\n\n[[target]]\nname = \"headend\"\npaths = [{:?}]\n",
            repo("fixtures/pki/root-ca.pem"),
            repo("fixtures/headend")
        ),
    )
    .expect("write inventory");
    let moved = |a: &str| -> String {
        let root = root.display();
        a.replace(
            "/var/lib/node_exporter/textfile",
            &format!("{root}/textfile"),
        )
        .replace("/var/lib/pkiaudit", &format!("{root}/state"))
        .replace("/var/cache/pkiaudit", &format!("{root}/cache"))
        .replace(
            "/etc/pkiaudit/estate.toml",
            &inventory.display().to_string(),
        )
    };
    let args: Vec<String> = exec.iter().skip(1).map(|a| moved(a)).collect();
    for a in &args {
        assert!(
            !a.starts_with("/etc") && !a.starts_with("/var"),
            "not moved: {a}"
        );
    }
    let out = offline()
        .args(&args)
        .output()
        .expect("run the service's command");
    let unit = read("monitoring/systemd/pkiaudit-sweep.service");
    let success: Vec<i32> = unit
        .lines()
        .filter_map(|l| l.strip_prefix("SuccessExitStatus="))
        .flat_map(|l| l.split_whitespace().map(|c| c.parse().expect("exit code")))
        .chain([0])
        .collect();
    let code = out.status.code().expect("exit code");
    assert!(
        success.contains(&code),
        "exit {code}, not in {success:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(root.join("textfile/pkiaudit.prom")).expect("the textfile");
    assert!(
        text.contains("\npkiaudit_sweep_timestamp_seconds "),
        "{text}"
    );
    assert!(root.join("state/state.json").is_file(), "the --state file");
}

fn have(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn monitoring_promtool_checks_and_tests_the_alert_rules() {
    assert!(have("promtool"), "promtool is not installed");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        repo("monitoring/prometheus/pkiaudit-alerts.yml"),
        dir.path().join("pkiaudit-alerts.yml"),
    )
    .expect("copy rules");
    let check = Command::new("promtool")
        .args(["check", "rules"])
        .arg(dir.path().join("pkiaudit-alerts.yml"))
        .output()
        .expect("promtool check rules");
    assert!(
        check.status.success(),
        "promtool check rules:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let text = sweep_textfile();
    let test_file = dir.path().join("pkiaudit-alerts.test.yml");
    std::fs::write(&test_file, promtool_test_file(&text)).expect("write test file");
    let out = Command::new("promtool")
        .current_dir(dir.path())
        .args(["test", "rules", "pkiaudit-alerts.test.yml"])
        .output()
        .expect("promtool test rules");
    if !out.status.success() {
        // Keep the generated file, to run promtool on it by hand.
        let kept = dir.keep();
        panic!(
            "promtool test rules (the generated file is kept in {}):\n{}{}",
            kept.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
#[ignore = "needs systemd-analyze (Debian package systemd)"]
fn monitoring_systemd_analyze_verifies_the_units() {
    assert!(have("systemd-analyze"), "systemd-analyze is not installed");
    // verify checks that ExecStart='s program exists: the copies run this
    // build's binary instead of /usr/local/bin/pkiaudit.
    let dir = tempfile::tempdir().expect("temp dir");
    let binary = crate::common::run::binary();
    let binary = binary.to_str().expect("UTF-8 binary path");
    for name in ["pkiaudit-sweep.service", "pkiaudit-sweep.timer"] {
        let unit = read(&format!("monitoring/systemd/{name}"));
        assert!(name.ends_with(".timer") || unit.contains("/usr/local/bin/pkiaudit "));
        std::fs::write(
            dir.path().join(name),
            unit.replace("/usr/local/bin/pkiaudit ", &format!("{binary} ")),
        )
        .expect("write unit");
    }
    let out = Command::new("systemd-analyze")
        .current_dir(dir.path())
        .args([
            "verify",
            "./pkiaudit-sweep.service",
            "./pkiaudit-sweep.timer",
        ])
        .output()
        .expect("systemd-analyze verify");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Warnings (an unknown key, a bad value) exit 0 but are still wrong.
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify:\n{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The hardening keeps the exposure level low: 1.5 of 10 ("OK") with
    // the committed unit; the threshold is in tenths (25 = 2.5).
    let out = Command::new("systemd-analyze")
        .current_dir(dir.path())
        .args(["security", "--offline=yes", "--threshold=25"])
        .arg("./pkiaudit-sweep.service")
        .output()
        .expect("systemd-analyze security");
    assert!(
        out.status.success(),
        "systemd-analyze security:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
