//! JSON Lines output (sweep): one object per line, each parsing on its own.

use std::io::{self, Write};

use serde::Serialize;

use crate::sweep::rows::{State, SweepReport, SweepSummary};

#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    kind: &'static str,
    #[serde(flatten)]
    row: &'a T,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    kind: &'static str,
    schema_version: u32,
    time: &'a str,
    time_source: &'a str,
    warn_days: i64,
    crit_days: i64,
    state: State,
    duration_seconds: f64,
    #[serde(flatten)]
    summary: &'a SweepSummary,
}

fn json_line<T: Serialize>(out: &mut dyn Write, v: &T) -> io::Result<()> {
    // serde_json escapes line breaks inside strings, so this is one line.
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}

/// Writes JSON Lines: one object per line, each parsing on its own, told
/// apart by `kind`:
///
/// - `certificate`: every [`CertRow`](crate::sweep::rows::CertRow) field,
///   one line per certificate, in report order (soonest expiry first);
/// - `input-error`: every [`InputRow`](crate::sweep::rows::InputRow) field
///   (`file`, `target`, `file_kind`, `format`, `certificates`, `errors`,
///   `objects`), one line per input with errors;
/// - `finding`: every [`SweepFinding`](crate::sweep::rows::SweepFinding)
///   field (`rule`, `severity`, `message`, `certificates`, `files`): a
///   cause shared by many certificates, or a file finding;
/// - `diff`: the [`Diff`](crate::sweep::rows::Diff) fields, when the report
///   has one;
/// - `summary`, always last: `schema_version`, `time`, `time_source`,
///   `warn_days`, `crit_days`, `state`, `duration_seconds` and every
///   [`SweepSummary`] field.
pub fn write_sweep(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    for c in &r.certificates {
        json_line(
            out,
            &Tagged {
                kind: "certificate",
                row: c,
            },
        )?;
    }
    for i in r.inputs.iter().filter(|i| !i.errors.is_empty()) {
        json_line(
            out,
            &Tagged {
                kind: "input-error",
                row: i,
            },
        )?;
    }
    for f in &r.findings {
        json_line(
            out,
            &Tagged {
                kind: "finding",
                row: f,
            },
        )?;
    }
    if let Some(d) = &r.diff {
        json_line(
            out,
            &Tagged {
                kind: "diff",
                row: d,
            },
        )?;
    }
    json_line(
        out,
        &SummaryLine {
            kind: "summary",
            schema_version: r.schema_version,
            time: &r.time,
            time_source: &r.time_source,
            warn_days: r.warn_days,
            crit_days: r.crit_days,
            state: r.state,
            duration_seconds: r.duration_seconds,
            summary: &r.summary,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_rows::{bad_input, cert, report};
    use crate::sweep::rows::{Diff, InputRow};

    #[test]
    fn jsonl_lines_and_kinds() {
        let mut r = report(
            vec![
                cert("CN=\"q\"\n", State::Critical, -1),
                cert("CN=ok", State::Ok, 300),
            ],
            vec![
                bad_input(),
                InputRow {
                    file: "good.pem".into(),
                    target: "hub-1".into(),
                    file_kind: "certificates".into(),
                    format: Some("pem".into()),
                    certificates: 2,
                    errors: vec![],
                    ..InputRow::default()
                },
            ],
        );
        r.diff = Some(Diff {
            new: vec!["aa".into()],
            ..Diff::default()
        });
        let mut buf = Vec::new();
        write_sweep(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let kinds: Vec<String> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["kind"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "certificate",
                "certificate",
                "input-error",
                "diff",
                "summary"
            ]
        );
        let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(last["state"], "critical");
        assert_eq!(last["unique"], 2);
        assert_eq!(last["schema_version"], 1);
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["subject"], "CN=\"q\"\n");
        assert_eq!(first["state"], "critical");
    }
}
