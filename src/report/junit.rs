//! JUnit XML output (sweep), the dialect Jenkins and GitLab read. Markup
//! and characters XML 1.0 does not allow are escaped or dropped.
//!
//! `<testsuites name="pkiaudit sweep">` holds one `<testsuite>` per target
//! (sorted by name; an empty target is `(no target)`), each with
//! `<properties>` (audit time, time source, thresholds) and:
//!
//! - one `<testcase classname="TARGET" name="SUBJECT (serial SERIAL)">` per
//!   certificate. Critical: a `<failure type="critical">` whose message says
//!   why (expired, revoked, expiring, or the first error rule) and whose text
//!   lists every finding and the places. Warning: the test passes (JUnit has
//!   no warning state, and `<skipped>` would say it was not checked) and a
//!   `<system-out>` lists the warnings, which GitLab and Jenkins show with
//!   the test. Ok: a plain passing test.
//! - one `<testcase name="input FILE">` per input with errors, carrying an
//!   `<error type="input-error">` with every error in its text.
//!
//! The sweep's own findings (one per shared cause, one per file) follow in a
//! `<testsuite name="pkiaudit sweep findings">`: one testcase each, an
//! error-severity one failing (`type="error"`), a warning one passing with
//! its message in `<system-out>`.
//!
//! `tests`, `failures` (critical certificates, error findings) and `errors` (bad inputs) are
//! counted from the testcases written; the top-level `time` is the sweep's
//! duration.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::sweep::rows::{CertRow, InputRow, State, SweepFinding, SweepReport};

use super::words::{days_text, one_line, reason, subject_or_placeholder};

/// Whether XML 1.0 allows the character at all (§2.2 `Char`); Rust `char`s
/// are never surrogates.
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for an XML attribute value or element content: `& < > " '`
/// as entities, carriage return (and, in attributes, tab and line feed) as
/// character references so parsers keep them, and characters XML 1.0 does
/// not allow (other control characters, U+FFFE, U+FFFF) dropped.
fn xml_escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

fn attr(s: &str) -> String {
    xml_escape(s, true)
}

fn xml_text(s: &str) -> String {
    xml_escape(s, false)
}

#[derive(Default)]
struct Suite<'a> {
    certs: Vec<&'a CertRow>,
    bad_inputs: Vec<&'a InputRow>,
}

fn junit_time(d: f64) -> String {
    if d.is_finite() && d >= 0.0 {
        format!("{d:.3}")
    } else {
        "0".into()
    }
}

fn findings_text(c: &CertRow) -> String {
    let mut t = String::new();
    for f in &c.findings {
        let _ = writeln!(t, "{} {}: {}", f.severity, f.rule, f.message);
    }
    t
}

fn places_text(c: &CertRow) -> String {
    let mut t = String::new();
    for (i, p) in c.places.iter().enumerate() {
        let what = if i == 0 { "at" } else { "also at" };
        let _ = writeln!(t, "{what} {p}");
    }
    t
}

/// Writes JUnit XML (the dialect Jenkins and GitLab read): one testsuite per
/// target, one testcase per certificate and per input with errors; the
/// conventions are in the module documentation.
pub fn write_sweep(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for c in &r.certificates {
        suites.entry(&*c.target.name).or_default().certs.push(c);
    }
    for i in r.inputs.iter().filter(|i| !i.errors.is_empty()) {
        suites.entry(&*i.target).or_default().bad_inputs.push(i);
    }
    let failures_of = |s: &Suite| {
        s.certs
            .iter()
            .filter(|c| c.state == State::Critical)
            .count()
    };
    let tests: usize = suites
        .values()
        .map(|s| s.certs.len() + s.bad_inputs.len())
        .sum();
    let failing_findings = r.findings.iter().filter(|f| f.severity == "error").count();
    let tests = tests + r.findings.len();
    let failures: usize = suites.values().map(failures_of).sum::<usize>() + failing_findings;
    let errors: usize = suites.values().map(|s| s.bad_inputs.len()).sum();

    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"pkiaudit sweep\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">",
        junit_time(r.duration_seconds)
    );
    for (target, suite) in &suites {
        let target = if target.is_empty() {
            "(no target)"
        } else {
            target
        };
        let t = attr(target);
        let _ = writeln!(
            x,
            "  <testsuite name=\"{t}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\">",
            suite.certs.len() + suite.bad_inputs.len(),
            failures_of(suite),
            suite.bad_inputs.len()
        );
        x.push_str("    <properties>\n");
        for (name, value) in [
            ("audit_time", r.time.clone()),
            ("time_source", r.time_source.clone()),
            ("warn_days", r.warn_days.to_string()),
            ("crit_days", r.crit_days.to_string()),
        ] {
            let _ = writeln!(
                x,
                "      <property name=\"{name}\" value=\"{}\"/>",
                attr(&value)
            );
        }
        x.push_str("    </properties>\n");
        for c in &suite.certs {
            let name = format!(
                "{} (serial {})",
                subject_or_placeholder(&c.subject),
                c.serial
            );
            let _ = write!(
                x,
                "    <testcase classname=\"{t}\" name=\"{}\" time=\"0\"",
                attr(&name)
            );
            match c.state {
                State::Critical => {
                    let body = format!(
                        "{}: {}\n{}{}",
                        c.state.as_str(),
                        days_text(c),
                        findings_text(c),
                        places_text(c)
                    );
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{}\" type=\"critical\">{}</failure>\n    </testcase>",
                        attr(&reason(c, r)),
                        xml_text(&body)
                    );
                }
                State::Warning | State::Ok
                    if !c.findings.is_empty() || c.state == State::Warning =>
                {
                    let body = format!(
                        "{}: {}\n{}{}",
                        c.state.as_str(),
                        days_text(c),
                        findings_text(c),
                        places_text(c)
                    );
                    let _ = writeln!(
                        x,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        xml_text(&body)
                    );
                }
                _ => x.push_str("/>\n"),
            }
        }
        for i in &suite.bad_inputs {
            let first = i.errors.first().map(|e| one_line(e)).unwrap_or_default();
            let message = if i.errors.len() > 1 {
                format!("{} input errors; first: {first}", i.errors.len())
            } else {
                first
            };
            let mut body = String::new();
            for e in &i.errors {
                let _ = writeln!(body, "{e}");
            }
            let _ = writeln!(
                x,
                "    <testcase classname=\"{t}\" name=\"{}\" time=\"0\">\n      <error message=\"{}\" type=\"input-error\">{}</error>\n    </testcase>",
                attr(&format!("input {}", i.file)),
                attr(&message),
                xml_text(&body)
            );
        }
        x.push_str("  </testsuite>\n");
    }
    if !r.findings.is_empty() {
        write_findings(&mut x, &r.findings, failing_findings);
    }
    x.push_str("</testsuites>\n");
    out.write_all(x.as_bytes())
}

/// The sweep's own findings, as one testsuite.
fn write_findings(x: &mut String, findings: &[SweepFinding], failing: usize) {
    let t = "pkiaudit sweep findings";
    let _ = writeln!(
        x,
        "  <testsuite name=\"{t}\" tests=\"{}\" failures=\"{failing}\" errors=\"0\" skipped=\"0\" time=\"0\">",
        findings.len()
    );
    for f in findings {
        let name = match f.files.first() {
            Some(file) => format!("{} {file}", f.rule),
            None => format!("{} ({} certificates)", f.rule, f.certificates),
        };
        let message = one_line(&f.message);
        if f.severity == "error" {
            let _ = writeln!(
                x,
                "    <testcase classname=\"{t}\" name=\"{}\" time=\"0\">\n      <failure message=\"{}\" type=\"error\">{}</failure>\n    </testcase>",
                attr(&name),
                attr(&message),
                xml_text(&f.message)
            );
        } else {
            let _ = writeln!(
                x,
                "    <testcase classname=\"{t}\" name=\"{}\" time=\"0\">\n      <system-out>{}: {}</system-out>\n    </testcase>",
                attr(&name),
                xml_text(&f.severity),
                xml_text(&f.message)
            );
        }
    }
    x.push_str("  </testsuite>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_entities_and_illegal_characters() {
        assert_eq!(
            xml_escape(r#"a&b<c>d"e'f"#, false),
            "a&amp;b&lt;c&gt;d&quot;e&apos;f"
        );
        // Control characters XML 1.0 does not allow are dropped; tab, LF, CR kept.
        assert_eq!(xml_escape("a\u{0}b\u{1b}c\u{8}d", false), "abcd");
        assert_eq!(xml_escape("a\u{FFFE}\u{FFFF}b", false), "ab");
        assert_eq!(xml_escape("l1\nl2\tx\ry", false), "l1\nl2\tx&#13;y");
        assert_eq!(xml_escape("l1\nl2\tx\ry", true), "l1&#10;l2&#9;x&#13;y");
        // Non-ASCII and astral characters pass through.
        assert_eq!(xml_escape("Zürich ✓ 𝄞", true), "Zürich ✓ 𝄞");
        assert_eq!(xml_escape("]]>", false), "]]&gt;");
    }

    #[test]
    fn sweep_findings_are_a_testsuite_of_their_own() {
        use crate::report::test_rows::{cert, report};
        let mut r = report(vec![cert("CN=a", State::Ok, 300)], vec![]);
        r.findings = vec![
            SweepFinding {
                rule: "revocation.unknown".into(),
                severity: "warning".into(),
                message: "revocation status unknown for 11 certificates: http://x/ca.crl: <down>"
                    .into(),
                certificates: 11,
                files: vec![],
            },
            SweepFinding {
                rule: "revocation.unknown.hard-fail".into(),
                severity: "error".into(),
                message: "revocation status unknown for 2 certificates".into(),
                certificates: 2,
                files: vec![],
            },
        ];
        let mut buf = Vec::new();
        write_sweep(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains("<testsuites name=\"pkiaudit sweep\" tests=\"3\" failures=\"1\""),
            "{text}"
        );
        assert!(
            text.contains("<testsuite name=\"pkiaudit sweep findings\" tests=\"2\" failures=\"1\""),
            "{text}"
        );
        assert!(
            text.contains("name=\"revocation.unknown (11 certificates)\""),
            "{text}"
        );
        assert!(text.contains("&lt;down&gt;"), "{text}");
        assert!(
            text.contains(
                "<failure message=\"revocation status unknown for 2 certificates\" type=\"error\">"
            ),
            "{text}"
        );
    }
}
