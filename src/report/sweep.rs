//! Sweep output formats, each written from a [`SweepReport`] only:
//!
//! - [`write_text`]: for people (cron mail, a terminal).
//! - [`write_json`]: the whole report, pretty-printed (serde).
//! - [`write_jsonl`]: JSON Lines, one object per certificate, per input with
//!   errors, the diff (when there is one) and a final summary.
//! - [`write_prometheus`]: the Prometheus text exposition format 0.0.4, as
//!   node_exporter's textfile collector reads it (not OpenMetrics).
//! - [`write_junit`]: JUnit XML, the dialect Jenkins and GitLab read.
//! - [`nagios`]: the monitoring-plugin status line and exit code.
//! - [`write_atomically`]: how the CLI replaces an output file (a textfile
//!   collector must never read half a file).
//!
//! No writer panics on any content: subjects, issuers, labels and messages
//! come from certificates and inventories, so each format escapes what it
//! copies (control characters in text and the Nagios line, label values in
//! Prometheus, markup and characters illegal in XML 1.0 in JUnit).
//!
//! # Prometheus metrics
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
//! `pkiaudit_sweep_timestamp_seconds` (the audit time; left out when the
//! report's time is not RFC 3339), `pkiaudit_sweep_state` (0 ok, 1 warning,
//! 2 critical) and `pkiaudit_sweep_certificates_by_state{state="ok|warning|critical"}`.
//!
//! No sample carries a timestamp (node_exporter's textfile collector refuses
//! them).
//!
//! # JUnit conventions
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
//! `tests`, `failures` (critical certificates) and `errors` (bad inputs) are
//! counted from the testcases written; the top-level `time` is the sweep's
//! duration.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anstyle::Style;
use serde::Serialize;

use crate::sweep::report::{CertRow, Diff, InputRow, State, Summary, SweepReport};

use crate::report::text::{BOLD, CYAN, DIM, GREEN, RED, YELLOW};

/// Entries listed per diff category in text output.
const DIFF_ENTRIES_SHOWN: usize = 5;
/// Problems named per category on the Nagios line.
const NAGIOS_NAMED: usize = 3;
/// Characters of one name on the Nagios line.
const NAGIOS_NAME_CHARS: usize = 64;

// ---------------------------------------------------------------------------
// Shared wording

fn state_style(s: State) -> (Style, &'static str) {
    match s {
        State::Ok => (GREEN, "OK"),
        State::Warning => (YELLOW, "WARNING"),
        State::Critical => (RED, "CRITICAL"),
    }
}

fn state_code(s: State) -> i32 {
    match s {
        State::Ok => 0,
        State::Warning => 1,
        State::Critical => 2,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `12 days left`, `expires today`, `expired 3 days ago`.
fn days_text(c: &CertRow) -> String {
    let n = c.days_left;
    if c.expired || n < 0 {
        match n {
            n if n >= 0 => "expired today".into(),
            -1 => "expired 1 day ago".into(),
            n => format!("expired {} days ago", n.unsigned_abs()),
        }
    } else {
        match n {
            0 => "expires today".into(),
            1 => "1 day left".into(),
            n => format!("{n} days left"),
        }
    }
}

/// Why a certificate is not ok, in a few words: expiry and revocation first
/// (what operators act on), else the first finding of the state's severity.
fn reason(c: &CertRow, r: &SweepReport) -> String {
    if c.expired || c.days_left < 0 {
        return days_text(c);
    }
    if c.revoked {
        return "revoked".into();
    }
    let expiring = match c.state {
        State::Critical => c.days_left <= r.crit_days,
        State::Warning => c.days_left <= r.warn_days,
        State::Ok => false,
    };
    if expiring {
        return match c.days_left {
            0 => "expires today".into(),
            1 => "expires in 1 day".into(),
            n => format!("expires in {n} days"),
        };
    }
    let wanted = if c.state == State::Critical {
        "error"
    } else {
        "warning"
    };
    c.findings
        .iter()
        .find(|f| f.severity == wanted)
        .or_else(|| c.findings.first())
        .map(|f| f.rule.clone())
        .unwrap_or_else(|| c.state.as_str().to_string())
}

/// Bidirectional-text controls: shown escaped so a subject cannot reorder
/// the text around it on a terminal.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from a certificate or an inventory, safe to print on a terminal:
/// control characters (escape sequences included) and bidi controls are
/// written as escapes.
fn display(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A message on one line: line breaks and tabs become spaces, other control
/// characters are escaped.
fn one_line(s: &str) -> String {
    let joined: String = s
        .split(['\r', '\n', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    display(&joined)
}

fn subject_or_placeholder(subject: &str) -> &str {
    if subject.is_empty() {
        "(empty subject)"
    } else {
        subject
    }
}

/// The first `CN=` value of an RFC 4514-style subject, unescaped.
fn common_name(subject: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for ch in subject.chars() {
        if escaped {
            cur.push(ch);
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == ',' || ch == '+' {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    parts.push(cur);
    parts.into_iter().find_map(|p| {
        let p = p.trim_start();
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("CN") && !v.trim().is_empty()).then(|| v.trim().to_string())
    })
}

/// A short name for a certificate: its CN, else its first SAN, else its
/// subject, else the start of its SHA-256.
fn short_name(c: &CertRow) -> String {
    if let Some(cn) = common_name(&c.subject) {
        return cn;
    }
    if let Some(san) = c.sans.iter().find(|s| !s.is_empty()) {
        return san.clone();
    }
    if !c.subject.is_empty() {
        return c.subject.clone();
    }
    format!("sha256 {}", c.sha256.chars().take(16).collect::<String>())
}

/// The first `n` characters of `s`, with `…` when cut.
fn cut(s: &str, n: usize) -> String {
    let mut it = s.chars();
    let head: String = it.by_ref().take(n).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

// ---------------------------------------------------------------------------
// Text

/// Writes the report for people: a header with the audit time and counts,
/// the certificates that need action (soonest expiry first, with their
/// findings), input errors, the changes since the last run, and a summary
/// line whose counts add up. Styles are ANSI codes; the caller's `anstream`
/// drops them when colour is off.
pub fn write_text(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let s = &r.summary;
    let (style, name) = state_style(r.state);
    let input_errors = if s.input_errors > 0 {
        format!(
            ", {}",
            plural(s.input_errors, "input error", "input errors")
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "{BOLD}pkiaudit sweep{BOLD:#} at {} ({}): {style}{name}{style:#} · {}, {}: {} critical, {} warning, {} ok{input_errors}",
        display(&r.time),
        display(&r.time_source),
        plural(s.inputs, "input", "inputs"),
        plural(s.unique, "certificate", "certificates"),
        s.critical,
        s.warning,
        s.ok,
    )?;
    writeln!(
        out,
        "{DIM}warning within {} days, critical within {} days{DIM:#}",
        r.warn_days, r.crit_days
    )?;

    write_needs_action(out, r)?;
    write_input_errors(out, &r.inputs)?;
    if let Some(diff) = &r.diff {
        write_diff(out, diff, &r.certificates)?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Summary:{BOLD:#} {} ({} with errors, {}) · {} found = {} unique + {} · {} unique = {} ok + {} warning + {} critical · {} expired, {} revoked · {}",
        plural(s.inputs, "input", "inputs"),
        s.inputs_with_errors,
        plural(s.input_errors, "input error", "input errors"),
        plural(s.certificates_found, "certificate", "certificates"),
        s.unique,
        plural(s.duplicates, "duplicate", "duplicates"),
        s.unique,
        s.ok,
        s.warning,
        s.critical,
        s.expired,
        s.revoked,
        seconds_text(r.duration_seconds),
    )?;
    Ok(())
}

fn seconds_text(d: f64) -> String {
    if d.is_finite() {
        format!("{d:.2}s")
    } else {
        "duration unknown".into()
    }
}

fn write_needs_action(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let mut rows: Vec<&CertRow> = r
        .certificates
        .iter()
        .filter(|c| c.state != State::Ok)
        .collect();
    // The report is sorted already; a stable sort keeps that promise even
    // for a report built elsewhere.
    rows.sort_by_key(|c| c.not_after_unix);
    writeln!(out)?;
    if rows.is_empty() {
        writeln!(out, "{GREEN}Nothing needs action.{GREEN:#}")?;
        return Ok(());
    }
    writeln!(out, "{BOLD}Needs action ({}):{BOLD:#}", rows.len())?;
    for c in rows {
        let (style, name) = state_style(c.state);
        writeln!(
            out,
            "  {style}{name}{style:#} {} · {} · serial {}",
            days_text(c),
            display(subject_or_placeholder(&c.subject)),
            display(&c.serial),
        )?;
        let place = c
            .places
            .first()
            .map(|p| display(p))
            .unwrap_or_else(|| "(place unknown)".into());
        let more = match c.places.len() {
            0 | 1 => String::new(),
            n => format!(" (+{})", plural(n - 1, "more place", "more places")),
        };
        writeln!(
            out,
            "      {DIM}at {place}{more} · target {}{DIM:#}",
            display(&c.target)
        )?;
        for f in &c.findings {
            let style = match f.severity.as_str() {
                "error" => RED,
                "warning" => YELLOW,
                _ => CYAN,
            };
            writeln!(
                out,
                "      {style}{}{style:#} {}: {}",
                display(&f.severity),
                display(&f.rule),
                one_line(&f.message)
            )?;
        }
    }
    Ok(())
}

fn write_input_errors(out: &mut dyn Write, inputs: &[InputRow]) -> io::Result<()> {
    let bad: Vec<&InputRow> = inputs.iter().filter(|i| !i.errors.is_empty()).collect();
    if bad.is_empty() {
        return Ok(());
    }
    let total: usize = bad.iter().map(|i| i.errors.len()).sum();
    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Input errors ({}, {}):{BOLD:#}",
        plural(bad.len(), "input", "inputs"),
        plural(total, "error", "errors")
    )?;
    for i in bad {
        for e in &i.errors {
            writeln!(out, "  {}: {}", display(&i.file), one_line(e))?;
        }
    }
    Ok(())
}

fn write_diff(out: &mut dyn Write, d: &Diff, certs: &[CertRow]) -> io::Result<()> {
    let subjects: HashMap<&str, &str> = certs
        .iter()
        .map(|c| (c.sha256.as_str(), c.subject.as_str()))
        .collect();
    let subject_of = |sha: &str| -> String {
        subjects
            .get(sha)
            .map(|s| display(subject_or_placeholder(s)))
            .unwrap_or_else(|| "(not in this run)".into())
    };
    let short = |sha: &str| display(&cut(sha, 12));
    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Changes since the last run:{BOLD:#} {} new, {} gone, {} renewed, {} changed",
        d.new.len(),
        d.gone.len(),
        d.renewed.len(),
        d.changed.len()
    )?;
    let more = |out: &mut dyn Write, n: usize| -> io::Result<()> {
        if n > DIFF_ENTRIES_SHOWN {
            writeln!(out, "    {DIM}… and {} more{DIM:#}", n - DIFF_ENTRIES_SHOWN)?;
        }
        Ok(())
    };
    for sha in d.new.iter().take(DIFF_ENTRIES_SHOWN) {
        writeln!(
            out,
            "  {CYAN}new{CYAN:#}     {} (sha256 {})",
            subject_of(sha),
            short(sha)
        )?;
    }
    more(out, d.new.len())?;
    for (sha, subject) in d.gone.iter().take(DIFF_ENTRIES_SHOWN) {
        writeln!(
            out,
            "  {YELLOW}gone{YELLOW:#}    {} (sha256 {})",
            display(subject_or_placeholder(subject)),
            short(sha)
        )?;
    }
    more(out, d.gone.len())?;
    for (old, new) in d.renewed.iter().take(DIFF_ENTRIES_SHOWN) {
        writeln!(
            out,
            "  {GREEN}renewed{GREEN:#} {} (sha256 {} → {})",
            subject_of(new),
            short(old),
            short(new)
        )?;
    }
    more(out, d.renewed.len())?;
    for (sha, from, to) in d.changed.iter().take(DIFF_ENTRIES_SHOWN) {
        let (fs, fname) = state_style(*from);
        let (ts, tname) = state_style(*to);
        writeln!(
            out,
            "  {BOLD}changed{BOLD:#} {}: {fs}{fname}{fs:#} → {ts}{tname}{ts:#}",
            subject_of(sha)
        )?;
    }
    more(out, d.changed.len())?;
    Ok(())
}

// ---------------------------------------------------------------------------
// JSON and JSON Lines

/// Writes the whole report as one pretty-printed JSON document (the serde
/// form of [`SweepReport`]), followed by a newline. A non-finite duration
/// is written as `null`.
pub fn write_json(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    out.write_all(b"\n")
}

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
    summary: &'a Summary,
}

fn json_line<T: Serialize>(out: &mut dyn Write, v: &T) -> io::Result<()> {
    // serde_json escapes line breaks inside strings, so this is one line.
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}

/// Writes JSON Lines: one object per line, each parsing on its own, told
/// apart by `kind`:
///
/// - `certificate`: every [`CertRow`] field, one line per certificate, in
///   report order (soonest expiry first);
/// - `input-error`: every [`InputRow`] field (`file`, `target`, `format`,
///   `certificates`, `errors`), one line per input with errors;
/// - `diff`: the [`Diff`] fields, when the report has one;
/// - `summary`, always last: `schema_version`, `time`, `time_source`,
///   `warn_days`, `crit_days`, `state`, `duration_seconds` and every
///   [`Summary`] field.
pub fn write_jsonl(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
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

// ---------------------------------------------------------------------------
// Prometheus

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

/// The file of a place: `FILE #N` optionally followed by ` (...)`; the last
/// ` #N` that is followed by nothing or by a parenthesised tail ends the file
/// name. A place of another shape is returned whole.
fn place_file(place: &str) -> &str {
    let is_tail = |rest: &str| -> bool {
        // `rest` follows " #".
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let after = &rest[digits..];
        after.is_empty() || (after.starts_with(" (") && after.ends_with(')'))
    };
    let mut end = place.len();
    while let Some(i) = place[..end].rfind(" #") {
        if is_tail(&place[i + 2..]) {
            return &place[..i];
        }
        end = i;
    }
    place
}

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
/// documentation. Write it with [`write_atomically`] so the collector never
/// reads half a file.
pub fn write_prometheus(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let names = prom_label_names(
        r.certificates
            .iter()
            .flat_map(|c| c.labels.keys().map(String::as_str)),
    );
    // One series per certificate: a repeated SHA-256 would be a duplicate
    // series, which the collector rejects with the whole file.
    let mut seen = HashSet::new();
    let rows: Vec<(&CertRow, String)> = r
        .certificates
        .iter()
        .filter(|c| seen.insert(c.sha256.as_str()))
        .map(|c| {
            let mut l = String::from("{");
            let path = c.places.first().map(|p| place_file(p)).unwrap_or("");
            for (k, v) in [
                ("subject", c.subject.as_str()),
                ("issuer", &c.issuer),
                ("serial", &c.serial),
                ("sha256", &c.sha256),
                ("path", path),
                ("target", &c.target),
            ] {
                let _ = write!(l, "{k}=\"{}\",", prom_label_value(v));
            }
            for (key, name) in &names {
                let v = c.labels.get(*key).map(String::as_str).unwrap_or("");
                let _ = write!(l, "{name}=\"{}\",", prom_label_value(v));
            }
            l.pop();
            l.push('}');
            (c, l)
        })
        .collect();

    let mut buf = String::new();
    let per_cert: [(&str, &str, CertValue); 6] = [
        (
            "pkiaudit_cert_not_after_seconds",
            "The certificate's notAfter, in Unix seconds.",
            |c| Some(c.not_after_unix),
        ),
        (
            "pkiaudit_cert_not_before_seconds",
            "The certificate's notBefore, in Unix seconds.",
            |c| {
                chrono::DateTime::parse_from_rfc3339(&c.not_before)
                    .ok()
                    .map(|t| t.timestamp())
            },
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
            |c| match c.verdict.as_str() {
                "pass" => Some(0),
                "warn" => Some(1),
                "fail" => Some(2),
                _ => None,
            },
        ),
        (
            "pkiaudit_cert_state",
            "The monitoring state: 0 ok, 1 warning, 2 critical.",
            |c| Some(i64::from(state_code(c.state))),
        ),
    ];
    for (name, help, value) in per_cert {
        prom_family(&mut buf, name, help);
        for (c, labels) in &rows {
            if let Some(v) = value(c) {
                prom_sample(&mut buf, name, labels, &v.to_string());
            }
        }
    }

    let s = &r.summary;
    let run: [(&str, &str, String); 8] = [
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

// ---------------------------------------------------------------------------
// JUnit XML

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
pub fn write_junit(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for c in &r.certificates {
        suites.entry(c.target.as_str()).or_default().certs.push(c);
    }
    for i in r.inputs.iter().filter(|i| !i.errors.is_empty()) {
        suites
            .entry(i.target.as_str())
            .or_default()
            .bad_inputs
            .push(i);
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
    let failures: usize = suites.values().map(failures_of).sum();
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
    x.push_str("</testsuites>\n");
    out.write_all(x.as_bytes())
}

// ---------------------------------------------------------------------------
// Nagios / monitoring plugin

/// Text for the plugin line: no `|` (it starts the perfdata), control
/// characters as spaces, runs of whitespace as one space, at most `n`
/// characters.
fn plugin_text(s: &str, n: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c == '|' {
                '/'
            } else if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    cut(&clean.split_whitespace().collect::<Vec<_>>().join(" "), n)
}

fn named_list(items: &[String], total: usize) -> String {
    let mut s = items.join(", ");
    if total > items.len() {
        let _ = write!(s, ", +{} more", total - items.len());
    }
    s
}

/// The monitoring-plugin result: exit code (0 OK, 1 WARNING, 2 CRITICAL,
/// from the report's state) and one status line,
/// `PKIAUDIT STATE - N certificates, C critical, W warning[, E input
/// errors][; critical: ...][; warning: ...][; input errors: ...] | perfdata`,
/// naming the first few problems of each kind (soonest expiry first). The
/// perfdata are `certificates`, `critical`, `warning`, `expired`, `revoked`,
/// `input_errors` and `duration` (seconds, `U` when unknown).
pub fn nagios(r: &SweepReport) -> (i32, String) {
    let s = &r.summary;
    let (_, status) = state_style(r.state);
    let mut line = format!(
        "PKIAUDIT {status} - {}, {} critical, {} warning",
        plural(s.unique, "certificate", "certificates"),
        s.critical,
        s.warning
    );
    if s.input_errors > 0 {
        let _ = write!(
            line,
            ", {}",
            plural(s.input_errors, "input error", "input errors")
        );
    }
    for state in [State::Critical, State::Warning] {
        let rows: Vec<&CertRow> = r.certificates.iter().filter(|c| c.state == state).collect();
        if rows.is_empty() {
            continue;
        }
        let named: Vec<String> = rows
            .iter()
            .take(NAGIOS_NAMED)
            .map(|c| {
                format!(
                    "{} {}",
                    plugin_text(&short_name(c), NAGIOS_NAME_CHARS),
                    plugin_text(&reason(c, r), NAGIOS_NAME_CHARS)
                )
            })
            .collect();
        let _ = write!(
            line,
            "; {}: {}",
            state.as_str(),
            named_list(&named, rows.len())
        );
    }
    let bad: Vec<&InputRow> = r.inputs.iter().filter(|i| !i.errors.is_empty()).collect();
    if !bad.is_empty() {
        let named: Vec<String> = bad
            .iter()
            .take(NAGIOS_NAMED)
            .map(|i| plugin_text(&i.file, NAGIOS_NAME_CHARS))
            .collect();
        let _ = write!(line, "; input errors: {}", named_list(&named, bad.len()));
    }
    let duration = if r.duration_seconds.is_finite() {
        format!("{:.3}s", r.duration_seconds)
    } else {
        "U".into()
    };
    let _ = write!(
        line,
        " | certificates={};;; critical={};;; warning={};;; expired={};;; revoked={};;; input_errors={};;; duration={duration};;;",
        s.unique, s.critical, s.warning, s.expired, s.revoked, s.input_errors
    );
    (state_code(r.state), line)
}

// ---------------------------------------------------------------------------
// Atomic replacement

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory (created exclusively), written and fsynced, then renamed over
/// `path`, so a reader sees the old content or the new, never a part. The
/// temporary file is removed on error. An existing file's permissions are
/// carried over; a symbolic link at `path` is replaced, not followed. The
/// directory is fsynced afterwards where the platform allows (errors there
/// are ignored: the rename has happened). The temporary name is
/// `.NAME.PID.N.tmp`: hidden, and not `*.prom`, so node_exporter's textfile
/// collector never reads it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |w| w.write_all(bytes))
}

/// [`write_atomically`] with the content streamed by `write` (through a
/// buffer) instead of held in memory first: a 10,000-certificate
/// Prometheus file is 20 MB.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file path", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let pid = std::process::id();
    let mut attempts = 0u32;
    let (tmp, file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut name = std::ffi::OsString::from(".");
        name.push(file_name);
        name.push(format!(".{pid}.{n}.tmp"));
        let tmp = dir.join(name);
        attempts += 1;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            // A leftover of a crashed process with the same pid: next name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => continue,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        let mut buffered = io::BufWriter::new(file);
        write(&mut buffered)?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_file() {
                // Best effort: the content matters more than the mode.
                let _ = file.set_permissions(meta.permissions());
            }
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::report::RowFinding;

    fn cert(subject: &str, state: State, days_left: i64) -> CertRow {
        CertRow {
            sha256: format!(
                "{:0>64}",
                subject.len() * 7 + days_left.unsigned_abs() as usize
            ),
            subject: subject.into(),
            issuer: "CN=Example CA".into(),
            serial: "0A1B".into(),
            not_before: "2025-01-01T00:00:00Z".into(),
            not_after: "2026-06-01T00:00:00Z".into(),
            not_after_unix: 1_780_272_000 + days_left * 86_400,
            days_left,
            role: "end-entity".into(),
            spki_sha256: "ab".repeat(32),
            sans: vec!["vpn.example.com".into()],
            target: "hub-1".into(),
            labels: BTreeMap::new(),
            profile: "ikev2".into(),
            places: vec!["/etc/pki/a.pem #1 (line 3)".into()],
            verdict: match state {
                State::Ok => "pass",
                State::Warning => "warn",
                State::Critical => "fail",
            }
            .into(),
            state,
            expired: days_left < 0,
            revocation: "good".into(),
            revoked: false,
            chain: "verified".into(),
            findings: match state {
                State::Ok => vec![],
                State::Warning => vec![RowFinding {
                    rule: "validity.expiring".into(),
                    severity: "warning".into(),
                    message: "expires soon".into(),
                }],
                State::Critical => vec![RowFinding {
                    rule: "validity.expired".into(),
                    severity: "error".into(),
                    message: "expired\nreally".into(),
                }],
            },
            info_findings: 0,
        }
    }

    fn report(certs: Vec<CertRow>, inputs: Vec<InputRow>) -> SweepReport {
        let mut s = Summary {
            inputs: inputs.len(),
            inputs_with_errors: inputs.iter().filter(|i| !i.errors.is_empty()).count(),
            input_errors: inputs.iter().map(|i| i.errors.len()).sum(),
            certificates_found: certs.len(),
            unique: certs.len(),
            ..Summary::default()
        };
        for c in &certs {
            match c.state {
                State::Ok => s.ok += 1,
                State::Warning => s.warning += 1,
                State::Critical => s.critical += 1,
            }
            s.expired += usize::from(c.expired);
        }
        let mut state = certs.iter().map(|c| c.state).max().unwrap_or(State::Ok);
        if s.input_errors > 0 {
            state = State::Critical;
        }
        SweepReport {
            schema_version: 1,
            time: "2026-05-01T00:00:00Z".into(),
            time_source: "system clock".into(),
            warn_days: 30,
            crit_days: 7,
            summary: s,
            state,
            duration_seconds: 1.5,
            inputs,
            certificates: certs,
            diff: None,
        }
    }

    fn bad_input() -> InputRow {
        InputRow {
            file: "/etc/pki/bad|file.pem".into(),
            target: "hub-1".into(),
            format: None,
            certificates: 0,
            errors: vec!["line 3: bad base64".into(), "line 9: truncated".into()],
        }
    }

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
        r.certificates[1].places = vec!["other.pem #1".into()];
        let mut buf = Vec::new();
        write_prometheus(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.matches("\npkiaudit_cert_state{").count(), 1, "{text}");
        assert!(text.contains("path=\"/etc/pki/a.pem\""), "{text}");
        assert!(!text.contains("other.pem"), "{text}");
        assert_eq!(text.matches("# TYPE ").count(), 6 + 10);
    }

    #[test]
    fn nagios_ok_line_and_code() {
        let r = report(vec![cert("CN=a", State::Ok, 100)], vec![]);
        let (code, line) = nagios(&r);
        assert_eq!(code, 0);
        assert_eq!(
            line,
            "PKIAUDIT OK - 1 certificate, 0 critical, 0 warning | certificates=1;;; critical=0;;; warning=0;;; expired=0;;; revoked=0;;; input_errors=0;;; duration=1.500s;;;"
        );
    }

    #[test]
    fn nagios_warning_and_critical() {
        let r = report(vec![cert("CN=w.example.com", State::Warning, 20)], vec![]);
        let (code, line) = nagios(&r);
        assert_eq!(code, 1);
        assert!(
            line.starts_with("PKIAUDIT WARNING - 1 certificate, 0 critical, 1 warning; warning: w.example.com expires in 20 days | "),
            "{line}"
        );

        let mut certs = vec![
            cert("CN=vpn1.example.com, O=Ex\\, Inc", State::Critical, -3),
            cert("CN=a|b\nc", State::Critical, 2),
        ];
        certs[1].revoked = true;
        for i in 0..4 {
            certs.push(cert(&format!("CN=c{i}"), State::Critical, 5 + i));
        }
        certs.push(cert("CN=w", State::Warning, 25));
        let r = report(certs, vec![bad_input()]);
        let (code, line) = nagios(&r);
        assert_eq!(code, 2);
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(line.matches('|').count(), 1, "{line}");
        assert!(
            line.starts_with("PKIAUDIT CRITICAL - 7 certificates, 6 critical, 1 warning, 2 input errors; critical: vpn1.example.com expired 3 days ago, a/b c revoked, c0 expires in 5 days, +3 more; warning: w expires in 25 days; input errors: /etc/pki/bad/file.pem | certificates=7;;; critical=6;;; warning=1;;; expired=1;;;"),
            "{line}"
        );
        assert!(
            line.ends_with("input_errors=2;;; duration=1.500s;;;"),
            "{line}"
        );
    }

    #[test]
    fn nagios_maps_state_only_and_handles_unknown_duration() {
        let mut r = report(vec![], vec![]);
        r.state = State::Critical;
        r.duration_seconds = f64::NAN;
        let (code, line) = nagios(&r);
        assert_eq!(code, 2);
        assert!(
            line.starts_with("PKIAUDIT CRITICAL - 0 certificates"),
            "{line}"
        );
        assert!(line.ends_with("duration=U;;;"), "{line}");
    }

    #[test]
    fn common_name_and_short_name() {
        assert_eq!(common_name("CN=vpn, O=Ex").as_deref(), Some("vpn"));
        assert_eq!(
            common_name("C=US, O=Ex\\, Inc, CN=x\\,y").as_deref(),
            Some("x,y")
        );
        assert_eq!(common_name("O=Ex"), None);
        assert_eq!(common_name(""), None);
        let mut c = cert("O=Ex", State::Ok, 1);
        assert_eq!(short_name(&c), "vpn.example.com");
        c.sans.clear();
        assert_eq!(short_name(&c), "O=Ex");
        c.subject.clear();
        assert!(short_name(&c).starts_with("sha256 "));
    }

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
                    format: Some("pem".into()),
                    certificates: 2,
                    errors: vec![],
                },
            ],
        );
        r.diff = Some(Diff {
            new: vec!["aa".into()],
            ..Diff::default()
        });
        let mut buf = Vec::new();
        write_jsonl(&mut buf, &r).unwrap();
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

    #[test]
    fn text_escapes_terminal_controls() {
        let r = report(
            vec![cert("CN=evil\u{1b}[2J\u{202e}x", State::Critical, -2)],
            vec![bad_input()],
        );
        let mut buf = Vec::new();
        write_text(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("CN=evil\\u{1b}[2J\\u{202e}x"), "{text}");
        assert!(text.contains("validity.expired: expired really"), "{text}");
        assert!(
            text.contains("/etc/pki/bad|file.pem: line 3: bad base64"),
            "{text}"
        );
        assert!(text.contains("expired 2 days ago"), "{text}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics.prom");
        write_atomically(&path, b"old\n").unwrap();
        write_atomically(&path, b"new content\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new content\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("metrics.prom")]);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.prom");
        std::fs::write(&path, b"x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"y").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn atomic_write_errors_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // The directory does not exist.
        let path = dir.path().join("missing").join("m.prom");
        assert!(write_atomically(&path, b"x").is_err());
        assert!(!dir.path().join("missing").exists());
        // The target is a directory: the rename fails, the temp file goes.
        let target = dir.path().join("adir");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), b"k").unwrap();
        assert!(write_atomically(&target, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("adir")]);
        // No file name at all.
        assert!(write_atomically(Path::new("/"), b"x").is_err());
    }
}
