//! Prometheus output (sweep): the text exposition format 0.0.4, as
//! node_exporter's textfile collector reads it (not OpenMetrics). Label
//! values and help texts are escaped as the format requires.
//!
//! All metrics are gauges. Per certificate (one series per SHA-256):
//!
//! | metric | value |
//! |---|---|
//! | `pkiaudit_cert_not_after_seconds` | notAfter, Unix seconds |
//! | `pkiaudit_cert_not_before_seconds` | notBefore, Unix seconds (no sample when `not_before` is not RFC 3339) |
//! | `pkiaudit_cert_expired` | 1 when expired at the audit time, else 0 |
//! | `pkiaudit_cert_revoked` | 1 when revoked, else 0 |
//! | `pkiaudit_cert_verdict` | 0 pass, 1 warn, 2 fail (no sample for another verdict) |
//! | `pkiaudit_cert_state` | 0 ok, 1 warning, 2 critical |
//! | `pkiaudit_cert_superseded` | 1 when a newer certificate of the inventory replaces it (its state is then 0), else 0 |
//!
//! with the labels `subject`, `issuer`, `serial`, `sha256`, `path`, `target`
//! and one `label_KEY` per inventory label key found on any certificate
//! (empty on certificates without it, so every series of a metric has the same
//! label names). `path` is the file of the first place the certificate was
//! found: the place text is `FILE #N`, optionally followed by ` (...)` (line,
//! PKCS#7 item, IKE message); the last ` #N` suffix (and what follows it) is
//! cut off, so a file name containing ` #` or ` (` is kept whole. A label key
//! becomes `label_` + the key with every character outside `[a-zA-Z0-9_]`
//! replaced by `_`; when two keys map to the same name, the later one (in
//! sorted key order) gets `_2`, `_3`, ... appended.
//!
//! Verdict and state are numeric gauges (as in x509-certificate-exporter)
//! rather than one series per value: `pkiaudit_cert_state >= 1` is the alert.
//!
//! For the run (no labels unless said): `pkiaudit_sweep_duration_seconds`,
//! `pkiaudit_sweep_certificates` (unique), `pkiaudit_sweep_certificates_found`
//! (duplicates included), `pkiaudit_sweep_duplicates`, `pkiaudit_sweep_inputs`,
//! `pkiaudit_sweep_input_errors`, `pkiaudit_sweep_inputs_with_errors`,
//! `pkiaudit_sweep_superseded`, `pkiaudit_sweep_excluded`,
//! `pkiaudit_sweep_suppressed_findings`
//! (removed by `--ignore`), `pkiaudit_sweep_findings{severity="warning|error"}`
//! (the sweep's own findings: shared causes such as an unreachable
//! revocation source, private keys in the inventory),
//! `pkiaudit_sweep_timestamp_seconds` (the audit time; left out when the
//! report's time is not RFC 3339), `pkiaudit_sweep_state` (0 ok, 1 warning,
//! 2 critical) and `pkiaudit_sweep_certificates_by_state{state="ok|warning|critical"}`.
//!
//! No sample carries a timestamp (node_exporter's textfile collector refuses
//! them).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::sweep::rows::place_file;
use crate::sweep::rows::{CertRow, RowVerdict, SweepReport};

use super::words::state_code;

/// A label value in the text exposition format: backslash, double quote and
/// line feed escaped (the only escapes the format knows).
fn prom_label_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// `# HELP` text: backslash and line feed escaped.
fn prom_help(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value: Go's float syntax, with `+Inf`, `-Inf` and `NaN`.
fn prom_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

/// `label_` + the key with every character outside `[a-zA-Z0-9_]` as `_`:
/// always a valid label name, never a reserved (`__`) one, never one of the
/// fixed labels.
fn prom_label_name(key: &str) -> String {
    let mut out = String::from("label_");
    out.extend(key.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    }));
    out
}

/// Every inventory label key → its Prometheus label name, distinct names
/// guaranteed (`_2`, `_3`, ... on collisions, in sorted key order).
fn prom_label_names<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let keys: BTreeSet<&str> = keys.into_iter().collect();
    let mut used = HashSet::new();
    let mut names = BTreeMap::new();
    for key in keys {
        let base = prom_label_name(key);
        let mut name = base.clone();
        let mut n = 2u64;
        while !used.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        names.insert(key, name);
    }
    names
}

/// Written out whenever the text waiting reaches this many bytes.
const FLUSH_AT: usize = 1 << 16;

/// A per-certificate sample value; `None` leaves the certificate's sample out.
type CertValue = fn(&CertRow) -> Option<i64>;

fn prom_family(buf: &mut String, name: &str, help: &str) {
    let _ = writeln!(buf, "# HELP {name} {}", prom_help(help));
    let _ = writeln!(buf, "# TYPE {name} gauge");
}

fn prom_sample(buf: &mut String, name: &str, labels: &str, value: &str) {
    let _ = writeln!(buf, "{name}{labels} {value}");
}

/// Writes the Prometheus text exposition format (0.0.4), for node_exporter's
/// textfile collector; the metrics and labels are listed in the module
/// documentation. Write it with [`super::atomic::write_with`] so the
/// collector never reads half a file.
pub fn write_sweep(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let names = prom_label_names(
        r.certificates
            .iter()
            .flat_map(|c| c.target.labels.keys().map(String::as_str)),
    );
    // One series per certificate: a repeated SHA-256 would be a duplicate
    // series, which the collector rejects with the whole file.
    let mut seen = HashSet::new();
    let first: Vec<bool> = r
        .certificates
        .iter()
        .map(|c| seen.insert(&c.sha256))
        .collect();
    drop(seen);
    // A row's labels are written again for each family rather than kept:
    // kept, they would be a second copy of the report's text.
    let cert_labels = |l: &mut String, c: &CertRow| {
        l.clear();
        l.push('{');
        let place = c.first_place();
        let path = place.as_deref().map(place_file).unwrap_or("");
        let sha256 = c.sha256.text();
        for (k, v) in [
            ("subject", &*c.subject),
            ("issuer", &*c.issuer),
            ("serial", &*c.serial),
            ("sha256", &*sha256),
            ("path", path),
            ("target", &*c.target.name),
        ] {
            let _ = write!(l, "{k}=\"{}\",", prom_label_value(v));
        }
        for (key, name) in &names {
            let v = c.target.labels.get(*key).map(String::as_str).unwrap_or("");
            let _ = write!(l, "{name}=\"{}\",", prom_label_value(v));
        }
        l.pop();
        l.push('}');
    };
    let rows = || {
        r.certificates
            .iter()
            .zip(&first)
            .filter(|(_, first)| **first)
            .map(|(c, _)| c)
    };

    let mut buf = String::new();
    let mut labels = String::new();
    let per_cert: [(&str, &str, CertValue); 7] = [
        (
            "pkiaudit_cert_not_after_seconds",
            "The certificate's notAfter, in Unix seconds.",
            |c| Some(c.not_after_unix),
        ),
        (
            "pkiaudit_cert_not_before_seconds",
            "The certificate's notBefore, in Unix seconds.",
            |c| Some(c.not_before_unix),
        ),
        (
            "pkiaudit_cert_expired",
            "1 if the certificate had expired at the audit time, else 0.",
            |c| Some(i64::from(c.expired)),
        ),
        (
            "pkiaudit_cert_revoked",
            "1 if the certificate is revoked, else 0.",
            |c| Some(i64::from(c.revoked)),
        ),
        (
            "pkiaudit_cert_verdict",
            "The audit verdict: 0 pass, 1 warn, 2 fail.",
            |c| match c.verdict {
                RowVerdict::Pass => Some(0),
                RowVerdict::Warn => Some(1),
                RowVerdict::Fail => Some(2),
            },
        ),
        (
            "pkiaudit_cert_state",
            "The monitoring state: 0 ok, 1 warning, 2 critical.",
            |c| Some(i64::from(state_code(c.state))),
        ),
        (
            "pkiaudit_cert_superseded",
            "1 if a newer certificate of the inventory replaces this one, else 0.",
            |c| Some(i64::from(c.superseded_by.is_some())),
        ),
    ];
    for (name, help, value) in per_cert {
        prom_family(&mut buf, name, help);
        for c in rows() {
            if let Some(v) = value(c) {
                cert_labels(&mut labels, c);
                prom_sample(&mut buf, name, &labels, &v.to_string());
            }
            // The file of a 10,000-certificate estate is 20 MB, which need
            // not be in memory at once.
            if buf.len() >= FLUSH_AT {
                out.write_all(buf.as_bytes())?;
                buf.clear();
            }
        }
        out.write_all(buf.as_bytes())?;
        buf.clear();
    }

    let s = &r.summary;
    let run: [(&str, &str, String); 11] = [
        (
            "pkiaudit_sweep_duration_seconds",
            "Wall-clock seconds the sweep took.",
            prom_float(r.duration_seconds),
        ),
        (
            "pkiaudit_sweep_certificates",
            "Unique certificates (by SHA-256) found.",
            s.unique.to_string(),
        ),
        (
            "pkiaudit_sweep_certificates_found",
            "Certificates found, duplicates included.",
            s.certificates_found.to_string(),
        ),
        (
            "pkiaudit_sweep_duplicates",
            "Certificates found more than once (beyond their first place).",
            s.duplicates.to_string(),
        ),
        (
            "pkiaudit_sweep_inputs",
            "Input files read.",
            s.inputs.to_string(),
        ),
        (
            "pkiaudit_sweep_input_errors",
            "Input errors (unreadable files, lines or blocks).",
            s.input_errors.to_string(),
        ),
        (
            "pkiaudit_sweep_inputs_with_errors",
            "Input files with at least one error.",
            s.inputs_with_errors.to_string(),
        ),
        (
            "pkiaudit_sweep_state",
            "The sweep's overall state: 0 ok, 1 warning, 2 critical.",
            state_code(r.state).to_string(),
        ),
        (
            "pkiaudit_sweep_superseded",
            "Certificates a newer certificate of the inventory replaces.",
            s.superseded.to_string(),
        ),
        (
            "pkiaudit_sweep_suppressed_findings",
            "Findings removed by --ignore.",
            s.suppressed.to_string(),
        ),
        (
            "pkiaudit_sweep_excluded",
            "Files and directories --exclude (or the inventory's exclude) kept out.",
            r.excluded.len().to_string(),
        ),
    ];
    for (name, help, value) in &run {
        prom_family(&mut buf, name, help);
        prom_sample(&mut buf, name, "", value);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&r.time) {
        let name = "pkiaudit_sweep_timestamp_seconds";
        prom_family(&mut buf, name, "The audit time, in Unix seconds.");
        prom_sample(&mut buf, name, "", &t.timestamp().to_string());
    }
    let name = "pkiaudit_sweep_findings";
    prom_family(
        &mut buf,
        name,
        "The sweep's own findings (shared causes, files) by severity.",
    );
    for severity in ["warning", "error"] {
        let n = r.findings.iter().filter(|f| f.severity == severity).count();
        prom_sample(
            &mut buf,
            name,
            &format!("{{severity=\"{severity}\"}}"),
            &n.to_string(),
        );
    }
    let name = "pkiaudit_sweep_certificates_by_state";
    prom_family(&mut buf, name, "Unique certificates by monitoring state.");
    for (state, n) in [
        ("ok", s.ok),
        ("warning", s.warning),
        ("critical", s.critical),
    ] {
        prom_sample(
            &mut buf,
            name,
            &format!("{{state=\"{state}\"}}"),
            &n.to_string(),
        );
    }
    out.write_all(buf.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_rows::{cert, report};
    use crate::sweep::rows::State;

    #[test]
    fn prometheus_label_value_escaping() {
        assert_eq!(prom_label_value(r#"CN="x""#), r#"CN=\"x\""#);
        assert_eq!(prom_label_value(r"a\b"), r"a\\b");
        assert_eq!(prom_label_value("a\nb"), r"a\nb");
        assert_eq!(prom_label_value("Zürich\t"), "Zürich\t");
        assert_eq!(prom_help("a\\b\nc"), "a\\\\b\\nc");
    }

    #[test]
    fn prometheus_floats() {
        assert_eq!(prom_float(1.5), "1.5");
        assert_eq!(prom_float(0.0), "0");
        assert_eq!(prom_float(f64::NAN), "NaN");
        assert_eq!(prom_float(f64::INFINITY), "+Inf");
        assert_eq!(prom_float(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn label_names_are_sanitized_prefixed_and_distinct() {
        assert_eq!(prom_label_name("site"), "label_site");
        assert_eq!(prom_label_name("owner-team"), "label_owner_team");
        assert_eq!(prom_label_name("9lives"), "label_9lives");
        assert_eq!(prom_label_name("Zürich"), "label_Z_rich");
        assert_eq!(prom_label_name(""), "label_");
        let valid = |n: &str| {
            let mut cs = n.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        for k in ["a b", "é", "__name__", "x.y/z", "\"\n"] {
            assert!(valid(&prom_label_name(k)), "{k:?}");
        }
        let names = prom_label_names(["site-a", "site_a", "site a", "site_a_2"]);
        let distinct: HashSet<&String> = names.values().collect();
        assert_eq!(distinct.len(), 4, "{names:?}");
        assert_eq!(names["site a"], "label_site_a");
        assert_eq!(names["site-a"], "label_site_a_2");
        assert_eq!(names["site_a"], "label_site_a_3");
        assert_eq!(names["site_a_2"], "label_site_a_2_2");
    }

    #[test]
    fn place_file_strips_index_and_position() {
        assert_eq!(place_file("/etc/a.pem #1"), "/etc/a.pem");
        assert_eq!(place_file("/etc/a.pem #2 (line 30)"), "/etc/a.pem");
        assert_eq!(
            place_file(
                "cap.pcapng #1 (frame 4, IKE_AUTH message 1, sent by the initiator, SPI 0a)"
            ),
            "cap.pcapng"
        );
        assert_eq!(place_file("b.p7b #3 (PKCS#7 item 2)"), "b.p7b");
        assert_eq!(place_file("my #1 (old).pem #2 (line 5)"), "my #1 (old).pem");
        assert_eq!(place_file("weird #x"), "weird #x");
        assert_eq!(place_file("plain.pem"), "plain.pem");
        assert_eq!(place_file(""), "");
        assert_eq!(place_file(" #"), " #");
    }

    #[test]
    fn prometheus_one_series_per_sha256() {
        let c = cert("CN=a", State::Ok, 100);
        let mut r = report(vec![c.clone(), c], vec![]);
        r.certificates[1].places = vec!["other.pem #1".into()].into();
        let mut buf = Vec::new();
        write_sweep(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.matches("\npkiaudit_cert_state{").count(), 1, "{text}");
        assert!(text.contains("path=\"/etc/pki/a.pem\""), "{text}");
        assert!(!text.contains("other.pem"), "{text}");
        assert_eq!(text.matches("# TYPE ").count(), 7 + 14);
    }
}
