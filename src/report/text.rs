//! Text output, for people: `check`, `inspect`, `trust`, `time`, `rules`
//! and `sweep`. Styles come from `super::style` as ANSI codes; the CLI
//! wraps stdout in `anstream`, which drops them unless stdout is a terminal
//! (or `--color always`).

use crate::time::format::ts;
use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::audit::profile::Profile;
use crate::audit::rules::RULES;
use crate::audit::{Report, Role, Subject, Verdict};
use crate::load::{LoadedInput, ProblemLevel};
use crate::model::Certificate;
use crate::sweep::rows::{CertRow, Diff, Digest, InputRow, State, SweepReport};
use crate::time::AuditTime;

use super::style::{self, BOLD, CYAN, DIM, GREEN, RED, YELLOW};
use super::words::{cut, days_text, display, one_line, plural, subject_or_placeholder};

/// Entries listed per diff category in sweep text output.
const DIFF_ENTRIES_SHOWN: usize = 5;

fn role_name(r: Role) -> &'static str {
    match r {
        Role::EndEntity => "end-entity",
        Role::Ca => "CA",
    }
}

/// A short label for a certificate: its CN, else the whole subject.
pub fn label(c: &Certificate) -> &str {
    c.subject
        .common_names
        .last()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(if c.subject.text.is_empty() {
            "(empty subject)"
        } else {
            &c.subject.text
        })
}

fn days(n: i64) -> String {
    crate::time::format::days_words(n, n < 0)
}

/// ` · running-config · trustpoint HUB-TP (identity)`.
fn origin(p: &crate::load::Provenance) -> String {
    let mut s = String::new();
    if !matches!(p.origin(), "pem" | "der") {
        s.push_str(&format!(" · {}", p.origin()));
    }
    if !p.trustpoints.is_empty() {
        s.push_str(&format!(
            " · trustpoint{} {}",
            if p.trustpoints.len() == 1 { "" } else { "s" },
            p.trustpoints.join(", ")
        ));
    }
    if let Some(role) = p.ios_role {
        s.push_str(match role {
            crate::load::IosRole::Identity => " (identity)",
            crate::load::IosRole::Ca => " (CA)",
            crate::load::IosRole::SelfSigned => " (self-signed)",
            crate::load::IosRole::Rollover => " (rollover)",
            crate::load::IosRole::Ra => " (RA)",
        });
    }
    s
}

fn write_sources(out: &mut dyn Write, s: &Subject) -> io::Result<()> {
    writeln!(
        out,
        "      {DIM}from {}{}{DIM:#}",
        s.provenance,
        origin(&s.provenance)
    )?;
    for d in &s.duplicates {
        writeln!(out, "      {DIM}also {d}{} (duplicate){DIM:#}", origin(d))?;
    }
    if s.is_partial() {
        writeln!(
            out,
            "      {DIM}partial record: only what the device printed is known{DIM:#}"
        )?;
    }
    Ok(())
}

/// The validity window, or the raw `show` dates when they cannot be judged.
fn validity(s: &Subject, at: DateTime<Utc>) -> String {
    let c = &s.cert;
    if s.known.validity {
        return format!(
            "valid {} to {} ({})",
            ts(c.not_before),
            ts(c.not_after),
            days(c.days_left(at))
        );
    }
    let raw = |d: Option<&crate::model::partial::ShowDate>| {
        d.map(|d| d.raw.clone()).unwrap_or_else(|| "?".into())
    };
    match s.show() {
        Some(show) if show.listing.is_some() => {
            "validity not printed (a trustpoint listing names certificates only)".into()
        }
        Some(show) => format!(
            "printed validity {} to {} (not judged)",
            raw(show.not_before.as_ref()),
            raw(show.not_after.as_ref())
        ),
        None => "validity unknown".into(),
    }
}

fn key_text(s: &Subject) -> String {
    if s.known.key {
        s.cert.key.to_string()
    } else {
        "key not printed".into()
    }
}

/// The IKE SAs of every input that held IKE.
fn write_ike(
    out: &mut dyn Write,
    inputs: &[LoadedInput],
    names: &crate::report::CaNames,
) -> io::Result<()> {
    for input in inputs {
        let Some(ike) = input.ike.as_deref() else {
            continue;
        };
        writeln!(
            out,
            "{BOLD}IKE in {}{BOLD:#}: {} message(s), {} IKE SA(s)",
            input.file,
            ike.messages.len(),
            ike.sas.len()
        )?;
        for sa in &ike.sas {
            writeln!(
                out,
                "  SA {}/{} ({}): {}",
                sa.spi_i,
                sa.spi_r,
                match sa.version {
                    crate::ike::message::IkeVersion::V1 => "IKEv1",
                    crate::ike::message::IkeVersion::V2 => "IKEv2",
                },
                sa.exchanges.join(", ")
            )?;
            for (who, side) in [("initiator", &sa.initiator), ("responder", &sa.responder)] {
                let asked: Vec<String> = side
                    .certreq
                    .iter()
                    .flat_map(|c| c.spki_sha1.iter().cloned())
                    .collect();
                let names_v1: Vec<&str> = side
                    .certreq
                    .iter()
                    .filter_map(|c| c.ca_name.as_deref())
                    .collect();
                writeln!(
                    out,
                    "    {who} {}: sent {} certificate(s); {}",
                    side.endpoint.as_deref().unwrap_or("(address unknown)"),
                    side.certificates,
                    if !side.sent_certreq {
                        "sent no CERTREQ".to_string()
                    } else if !names_v1.is_empty() {
                        format!("asks for: {}", names_v1.join("; "))
                    } else {
                        format!("asks for: {}", names.describe(&asked))
                    }
                )?;
            }
        }
        for m in &ike.messages {
            writeln!(
                out,
                "    {DIM}{} {} {} ({}) [{}]{}{DIM:#}",
                m.at,
                m.exchange,
                if m.response { "response" } else { "request" },
                m.direction.as_str(),
                m.payloads.join(" "),
                m.encrypted
                    .as_deref()
                    .map(|e| format!(" · {e}"))
                    .unwrap_or_default()
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A configuration audit in text.
fn write_config(out: &mut dyn Write, c: &crate::audit::device::ConfigReport) -> io::Result<()> {
    let v = Verdict::from_severity(c.max_severity());
    let (vs, vt) = style::verdict(v);
    writeln!(
        out,
        "{vs}{vt}{vs:#}  {BOLD}configuration {}{BOLD:#}  [{} trustpoint(s), {} IKEv2 profile(s), {} certificate map entr{}]",
        c.file,
        c.trustpoints.len(),
        c.ikev2_profiles.len(),
        c.certificate_maps,
        if c.certificate_maps == 1 { "y" } else { "ies" }
    )?;
    for p in &c.ikev2_profiles {
        writeln!(
            out,
            "      {DIM}profile {} (line {}): match certificate [{}], sign with [{}], verify with [{}]{DIM:#}",
            p.name,
            p.line,
            p.match_certificate.join(", "),
            p.sign_trustpoints.join(", "),
            p.verify_trustpoints.join(", ")
        )?;
    }
    let ids: Vec<&str> = c.findings.iter().map(|f| f.rule.id).collect();
    for (i, f) in c.findings.iter().enumerate() {
        let st = style::severity(f.severity());
        writeln!(
            out,
            "  {st}{:<8}{st:#} {BOLD}{}{BOLD:#}{}",
            f.severity().as_str(),
            f.rule.id,
            f.line.map(|l| format!("  (line {l})")).unwrap_or_default()
        )?;
        writeln!(out, "           {}", f.message)?;
        let cites: Vec<String> = f.rule.citations.iter().map(|c| c.text()).collect();
        writeln!(out, "           {DIM}see {}{DIM:#}", cites.join("; "))?;
        if last_of_its_rule(&ids, i) {
            writeln!(out, "           fix: {}", f.rule.fix)?;
        }
    }
    writeln!(out)
}

fn write_problems(out: &mut dyn Write, heading: &str, inputs: &[LoadedInput]) -> io::Result<()> {
    let problems: Vec<_> = inputs.iter().flat_map(|i| i.problems.iter()).collect();
    if problems.is_empty() {
        return Ok(());
    }
    writeln!(out, "{BOLD}{heading}{BOLD:#}")?;
    for p in problems {
        let style = match p.level {
            ProblemLevel::Error => RED,
            ProblemLevel::Warning => YELLOW,
            ProblemLevel::Note => DIM,
        };
        writeln!(out, "  {style}{p}{style:#}")?;
    }
    writeln!(out)
}

/// True when `ids[i]` is the last finding of its rule: a rule's fix is
/// printed once, under its last message, however many messages it has.
fn last_of_its_rule(ids: &[&str], i: usize) -> bool {
    ids.get(i)
        .is_some_and(|id| !ids.iter().skip(i + 1).any(|later| later == id))
}

/// The fix of a rule named by id (sweep rows carry ids, not rules).
fn fix_of(id: &str) -> Option<&'static str> {
    crate::audit::rules::by_id(id).map(|r| r.fix)
}

fn write_findings(out: &mut dyn Write, findings: &[crate::audit::Finding]) -> io::Result<()> {
    let ids: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
    for (i, f) in findings.iter().enumerate() {
        let st = style::severity(f.severity());
        writeln!(
            out,
            "  {st}{:<8}{st:#} {BOLD}{}{BOLD:#}",
            f.severity().as_str(),
            f.rule.id
        )?;
        writeln!(out, "           {}", f.message)?;
        let cites: Vec<String> = f.rule.citations.iter().map(|c| c.text()).collect();
        writeln!(out, "           {DIM}see {}{DIM:#}", cites.join("; "))?;
        if last_of_its_rule(&ids, i) {
            writeln!(out, "           fix: {}", f.rule.fix)?;
        }
    }
    Ok(())
}

/// "2026-11-28T09:00:00Z (NTP: 2 of 3 servers agree, ±0.005 s; local clock
/// 0.012 s fast)": the audit time, where it came from, and the clocks seen.
fn time_line(o: &crate::audit::Options) -> String {
    let ev = &o.time_evidence;
    let mut notes = vec![o.time.source.describe().to_string()];
    if let Some(n) = &ev.ntp {
        let used = n.samples.iter().filter(|s| s.used).count();
        let agree = format!(
            "{used} of {} server(s) agree, ±{:.3} s",
            n.samples.len(),
            n.uncertainty_seconds.unwrap_or(0.0)
        );
        match n.time {
            Some(_) if o.time.source == crate::time::TimeSource::Ntp => {
                notes[0] = format!("NTP: {agree}")
            }
            Some(t) => notes.push(format!("NTP {} ({agree})", ts(t))),
            None => notes.push(format!(
                "no usable NTP time from {} server(s)",
                n.samples.len()
            )),
        }
    }
    if let Some(off) = ev.local_offset() {
        notes.push(format!(
            "local clock {}",
            crate::time::describe_offset(-off)
        ));
    }
    if let Some(d) = &ev.device_clock {
        notes.push(match d.minus_ntp_seconds {
            Some(diff) => format!(
                "device clock {} ({})",
                ts(d.instant),
                crate::time::describe_offset(diff)
            ),
            None => format!("device clock {}", ts(d.instant)),
        });
    }
    format!("{} ({})", ts(o.time.instant), notes.join("; "))
}

/// `time` in text: one line per NTP server, the chosen time, the clocks.
pub fn write_time(
    out: &mut dyn Write,
    o: &crate::audit::Options,
    findings: &[crate::audit::Finding],
) -> io::Result<()> {
    let ev = &o.time_evidence;
    writeln!(
        out,
        "{BOLD}{:<24} {:<24} {:>7} {:>13} {:>10} {:>10}  used{BOLD:#}",
        "server", "address", "stratum", "offset (s)", "delay (s)", "dist (s)"
    )?;
    let num = |v: Option<f64>, w: usize, signed: bool| match v {
        Some(x) if signed => format!("{x:>+w$.6}"),
        Some(x) => format!("{x:>w$.6}"),
        None => format!("{:>w$}", "-"),
    };
    for s in ev.ntp.iter().flat_map(|n| n.samples.iter()) {
        let dist = match (
            s.delay_seconds,
            s.root_delay_seconds,
            s.root_dispersion_seconds,
        ) {
            (Some(d), Some(rd), Some(disp)) => Some(d.max(0.0) / 2.0 + rd / 2.0 + disp),
            _ => None,
        };
        writeln!(
            out,
            "{:<24} {:<24} {:>7} {} {} {}  {}",
            s.server,
            s.address.as_deref().unwrap_or("-"),
            s.stratum
                .map(|x| x.to_string())
                .unwrap_or_else(|| "-".into()),
            num(s.offset_seconds, 13, true),
            num(s.delay_seconds, 10, false),
            num(dist, 10, false),
            if s.used {
                "yes".to_string()
            } else {
                format!("no: {}", s.reason.as_deref().unwrap_or("not used"))
            }
        )?;
    }
    writeln!(out)?;
    match ev.ntp_time() {
        Some(t) => writeln!(
            out,
            "NTP time     {} ±{:.3} s",
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ev.uncertainty()
        )?,
        None => writeln!(out, "NTP time     none: no server gave a usable time")?,
    }
    if let Some(off) = ev.local_offset() {
        writeln!(
            out,
            "local clock  {} (--max-skew {} s)",
            crate::time::describe_offset(-off),
            ev.max_skew_seconds
        )?;
    }
    if let Some(d) = &ev.device_clock {
        writeln!(
            out,
            "device clock {} = {}{}",
            d.text,
            ts(d.instant),
            d.minus_ntp_seconds
                .map(|x| format!(", {} against NTP time", crate::time::describe_offset(x)))
                .unwrap_or_default()
        )?;
    }
    if !findings.is_empty() {
        writeln!(out)?;
        write_findings(out, findings)?;
    }
    Ok(())
}

/// `check` in text.
pub fn write_check(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let o = &report.options;
    write!(out, "{BOLD}pkiaudit check{BOLD:#} · profile {}", o.profile)?;
    if let Some(h) = &o.host {
        write!(out, " · host {h}")?;
    }
    writeln!(out)?;
    writeln!(out, "audit time {}", time_line(o))?;
    writeln!(out)?;
    for c in &report.certificates {
        let s = &c.subject;
        let cert = &s.cert;
        let (vs, vt) = style::verdict(c.verdict);
        writeln!(
            out,
            "{vs}{vt}{vs:#}  {BOLD}{}{BOLD:#}  [{}{}]",
            label(cert),
            role_name(s.role),
            if s.is_partial() {
                ", partial record"
            } else {
                ""
            }
        )?;
        writeln!(out, "      subject {}", cert.subject.text)?;
        writeln!(out, "      issuer  {}", cert.issuer.text)?;
        writeln!(
            out,
            "      serial {} · {} · {}",
            cert.serial,
            key_text(s),
            validity(s, o.time.instant)
        )?;
        write_sources(out, s)?;
        write_findings(out, &c.findings)?;
        writeln!(out)?;
    }
    for c in &report.configs {
        write_config(out, c)?;
    }
    // Run findings: where the time came from, and private keys that came
    // in PKCS#12 inputs, each under its own heading.
    let (keys, time): (Vec<_>, Vec<_>) = report
        .findings
        .iter()
        .cloned()
        .partition(|f| f.rule.id.starts_with("file."));
    for (heading, findings) in [("time", time), ("private keys", keys)] {
        if !findings.is_empty() {
            writeln!(out, "{BOLD}{heading}{BOLD:#}")?;
            write_findings(out, &findings)?;
            writeln!(out)?;
        }
    }
    write_ike(
        out,
        &report.inputs,
        &crate::report::CaNames::new(&[&report.trust, &report.untrusted, &report.inputs]),
    )?;
    write_problems(out, "input problems", &report.inputs)?;
    if let Some(d) = &report.device {
        write_problems(out, "--config problems", std::slice::from_ref(d))?;
    }
    write_problems(out, "trust store problems", &report.trust)?;
    write_problems(out, "untrusted store problems", &report.untrusted)?;
    let anchors: usize = report.trust.iter().map(|t| t.certs.len()).sum();
    let untrusted: usize = report.untrusted.iter().map(|t| t.certs.len()).sum();
    if anchors + report.system_anchors + untrusted > 0 {
        writeln!(
            out,
            "{DIM}trust: {anchors} anchor(s) from --trust, {} from the system store, {untrusted} intermediate(s) from --untrusted{DIM:#}",
            report.system_anchors
        )?;
    }
    let sm = &report.summary;
    writeln!(
        out,
        "{} certificate(s) ({} end-entity, {} CA{}) from {} input(s), {} duplicate(s) merged · {} fail, {} warn, {} pass · {} input error(s){}{}",
        sm.certificates,
        sm.end_entities,
        sm.cas,
        if sm.partial > 0 {
            format!("; {} known only from show output", sm.partial)
        } else {
            String::new()
        },
        sm.inputs,
        sm.duplicates,
        sm.fail,
        sm.warn,
        sm.pass,
        sm.input_errors,
        if report.configs.is_empty() {
            String::new()
        } else {
            format!(
                " · {} configuration finding(s) in {} configuration(s)",
                sm.config_findings,
                report.configs.len()
            )
        },
        if sm.suppressed > 0 {
            format!(" · {} suppressed by --ignore", plural(sm.suppressed, "finding", "findings"))
        } else {
            String::new()
        }
    )?;
    if report.certificates.is_empty() && report.configs.is_empty() {
        // Not a pass: nothing was looked at.
        return writeln!(
            out,
            "verdict: nothing audited (no certificate found in the inputs)"
        );
    }
    let (vs, vt) = style::verdict(report.verdict);
    writeln!(out, "verdict: {vs}{vt}{vs:#}")
}

fn field(out: &mut dyn Write, name: &str, value: impl std::fmt::Display) -> io::Result<()> {
    writeln!(out, "  {DIM}{name:<20}{DIM:#} {value}")
}

fn write_show_fields(
    out: &mut dyn Write,
    show: &crate::model::partial::ShowEntry,
) -> io::Result<()> {
    if let Some(l) = &show.listing {
        let role = match l.role {
            "issuing-ca" => "issuing CA certificate",
            "router" => "router certificate",
            _ => "self-signed certificate",
        };
        let command = if l.layout == "trustpoints-status" {
            "show crypto pki trustpoints status"
        } else {
            "show crypto pki trustpoints"
        };
        field(
            out,
            "listed as",
            format!(
                "{role} of trustpoint {} (`{command}`)",
                show.trustpoints.join(", ")
            ),
        )?;
        if !l.device_said.is_empty() {
            field(out, "device said", l.device_said.join("; "))?;
        }
    }
    if let Some(st) = &show.status {
        field(out, "status", st)?;
    }
    if let Some(u) = &show.usage {
        field(out, "usage", u)?;
    }
    for (k, v) in &show.subject_summary {
        field(out, &format!("subject {}", k.to_lowercase()), v)?;
    }
    if let Some(r) = &show.renew {
        field(out, "renew date", &r.raw)?;
    }
    if let Some(st) = &show.storage {
        field(out, "storage", st)?;
    }
    if let Some(md5) = &show.md5 {
        field(out, "MD5", md5)?;
    }
    Ok(())
}

/// Extensions `inspect` shows on lines of their own.
const SHOWN_EXTENSIONS: &[&str] = &[
    "2.5.29.14",
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.31",
    "2.5.29.35",
    "2.5.29.37",
    "1.3.6.1.5.5.7.1.1",
    crate::oids::MS_TEMPLATE_NAME,
    crate::oids::MS_CERTIFICATE_TEMPLATE,
];

/// `inspect` in text.
pub fn write_inspect(
    out: &mut dyn Write,
    inputs: &[LoadedInput],
    trust: &[LoadedInput],
    subjects: &[Subject],
    time: &AuditTime,
) -> io::Result<()> {
    for s in subjects {
        let c = &s.cert;
        writeln!(
            out,
            "{BOLD}{}{BOLD:#}  [{}, {}]",
            label(c),
            role_name(s.role),
            s.role_reason
        )?;
        write_sources(out, s)?;
        field(out, "subject", &c.subject.text)?;
        field(out, "issuer", &c.issuer.text)?;
        field(out, "serial", &c.serial)?;
        if let Some(show) = s.show() {
            write_show_fields(out, show)?;
        } else {
            field(out, "version", c.version)?;
        }
        if s.known.validity {
            field(out, "not before", ts(c.not_before))?;
            field(
                out,
                "not after",
                format!("{} ({})", ts(c.not_after), days(c.days_left(time.instant))),
            )?;
        } else {
            field(out, "validity", validity(s, time.instant))?;
        }
        field(out, "key", key_text(s))?;
        if s.known.signature_algorithm {
            field(
                out,
                "signature",
                format!(
                    "{} ({})",
                    c.signature_algorithm.name, c.signature_algorithm.oid
                ),
            )?;
        } else {
            field(out, "signature", "not printed")?;
        }
        if !s.known.extensions {
            field(
                out,
                "extensions",
                "not printed (the `verbose` form prints them)",
            )?;
        }
        if s.known.extensions {
            match &c.key_usage {
                Some(ku) => field(
                    out,
                    "key usage",
                    format!(
                        "{}{}",
                        ku.names().join(", "),
                        if ku.critical { " (critical)" } else { "" }
                    ),
                )?,
                None => field(out, "key usage", "(none)")?,
            }
            match &c.extended_key_usage {
                Some(eku) => {
                    let list: Vec<String> = eku
                        .purposes
                        .iter()
                        .map(|p| match crate::oids::eku_name(p) {
                            Some(n) => format!("{n} ({p})"),
                            None => p.clone(),
                        })
                        .collect();
                    field(
                        out,
                        "extended key usage",
                        format!(
                            "{}{}",
                            list.join(", "),
                            if eku.critical { " (critical)" } else { "" }
                        ),
                    )?
                }
                None => field(out, "extended key usage", "(none)")?,
            }
            match &c.subject_alt_name {
                Some(san) => {
                    let list: Vec<String> = san.entries.iter().map(|e| e.to_string()).collect();
                    field(out, "subject alt name", list.join(", "))?
                }
                None => field(out, "subject alt name", "(none)")?,
            }
            match &c.basic_constraints {
                Some(bc) => field(
                    out,
                    "basic constraints",
                    format!(
                        "CA:{}{}{}",
                        if bc.ca { "TRUE" } else { "FALSE" },
                        bc.path_len
                            .map(|n| format!(", pathlen:{n}"))
                            .unwrap_or_default(),
                        if bc.critical { " (critical)" } else { "" }
                    ),
                )?,
                None => field(out, "basic constraints", "(none)")?,
            }
            if let Some(ski) = &c.subject_key_id {
                field(out, "subject key id", ski)?;
            }
            if let Some(aki) = &c.authority_key_id {
                let mut parts = Vec::new();
                if let Some(k) = &aki.key_id {
                    parts.push(k.clone());
                }
                if !aki.issuer.is_empty() {
                    parts.push(format!("issuer {}", aki.issuer.join(", ")));
                }
                if let Some(s) = &aki.serial {
                    parts.push(format!("serial {s}"));
                }
                field(out, "authority key id", parts.join("; "))?;
            }
        }
        for cdp in &c.crl_distribution_points {
            field(out, "CRL dist. point", cdp)?;
        }
        if let Some(aia) = &c.authority_info_access {
            for u in &aia.ocsp {
                field(out, "OCSP", u)?;
            }
            for u in &aia.ca_issuers {
                field(out, "CA issuers", u)?;
            }
            for u in &aia.other {
                field(out, "AIA", u)?;
            }
        }
        if let Some(t) = &c.certificate_template {
            field(out, "AD CS template", t.describe())?;
        }
        // Extensions the lines above do not show, by name where known.
        let other: Vec<String> = c
            .extensions
            .iter()
            .filter(|e| !SHOWN_EXTENSIONS.contains(&e.oid.as_str()))
            .map(|e| {
                let crit = if e.critical { ", critical" } else { "" };
                match crate::oids::extension_name(&e.oid) {
                    Some(n) => format!("{n} ({}{crit})", e.oid),
                    None => format!("{}{}", e.oid, if e.critical { " (critical)" } else { "" }),
                }
            })
            .collect();
        if !other.is_empty() {
            field(out, "other extensions", other.join(", "))?;
        }
        for p in &c.extension_problems {
            field(out, "extension problem", &p.problem)?;
        }
        if !c.sha1.is_empty() {
            field(out, "SHA-1", &c.sha1)?;
        }
        if s.known.der {
            field(out, "SHA-256", &c.sha256)?;
            field(
                out,
                "SPKI SHA-1",
                format!("{} (IKEv2 CERTREQ value)", c.spki_sha1),
            )?;
        }
        for m in &s.cross_check {
            field(out, "show disagrees", m)?;
        }
        writeln!(out)?;
    }
    write_ike(out, inputs, &crate::report::CaNames::new(&[trust, inputs]))?;
    write_problems(out, "input problems", inputs)?;
    let found: usize = inputs
        .iter()
        .map(|i| i.certs.len() + i.partials.len())
        .sum();
    writeln!(
        out,
        "{} certificate(s) found in {} input(s), {} unique",
        found,
        inputs.len(),
        subjects.len()
    )
}

/// `rules` in text.
pub fn write_rules(out: &mut dyn Write, profile: Option<Profile>) -> io::Result<()> {
    for r in RULES
        .iter()
        .filter(|r| profile.is_none_or(|p| r.in_profile(p)))
    {
        let st = style::severity(r.severity);
        writeln!(
            out,
            "{BOLD}{}{BOLD:#}  {st}{}{st:#}  [{}]",
            r.id,
            r.severity.as_str(),
            match r.scope {
                crate::audit::rules::Scope::EndEntity => "end-entity",
                crate::audit::rules::Scope::Ca => "CA",
                crate::audit::rules::Scope::Any => "any certificate",
                crate::audit::rules::Scope::Config => "configuration",
                crate::audit::rules::Scope::Run => "the run",
            }
        )?;
        writeln!(out, "    {}", r.summary)?;
        let profiles: Vec<&str> = if r.profiles.is_empty() {
            vec!["all profiles"]
        } else {
            r.profiles.iter().map(|p| p.name()).collect()
        };
        writeln!(out, "    {DIM}profiles: {}{DIM:#}", profiles.join(", "))?;
        writeln!(out, "    fix: {}", r.fix)?;
        for c in r.citations {
            writeln!(out, "    {DIM}see {} <{}>{DIM:#}", c.text(), c.url())?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{BOLD}profiles{BOLD:#}")?;
    for p in Profile::ALL {
        writeln!(out, "  {:<18} {}", p.name(), p.description())?;
    }
    Ok(())
}

/// `trust` in text.
pub fn write_trust(
    out: &mut dyn Write,
    inputs: &[LoadedInput],
    listing: &super::TrustListing<'_>,
) -> io::Result<()> {
    for a in listing.anchors {
        let c = &a.cert;
        let mark = match listing.requested(&c.spki_sha1) {
            Some(true) => format!("  {GREEN}◀ in CERTREQ{GREEN:#}"),
            _ => String::new(),
        };
        writeln!(out, "{BOLD}{}{BOLD:#}{mark}", label(c))?;
        writeln!(out, "      {DIM}from {}{DIM:#}", a.source)?;
        field(out, "subject", &c.subject.text)?;
        if !c.self_issued {
            field(out, "issuer", &c.issuer.text)?;
        }
        field(
            out,
            "not after",
            format!(
                "{} ({})",
                ts(c.not_after),
                days(c.days_left(listing.time.instant))
            ),
        )?;
        field(out, "key", &c.key)?;
        field(out, "SHA-256", &c.sha256)?;
        field(out, "CERTREQ (SPKI SHA-1)", &c.spki_sha1)?;
        if !c.asserts_ca() {
            field(
                out,
                "note",
                "not a CA certificate (no basicConstraints cA=TRUE)",
            )?;
        }
        writeln!(out)?;
    }
    write_problems(out, "input problems", inputs)?;
    if let Some(hashes) = listing.certreq {
        let unknown = listing.unknown_hashes();
        writeln!(
            out,
            "CERTREQ: {} hash(es), {} match a listed anchor, {} unknown{}",
            hashes.len(),
            hashes.len() - unknown.len(),
            unknown.len(),
            if unknown.is_empty() {
                String::new()
            } else {
                format!(": {}", unknown.join(", "))
            }
        )?;
    }
    writeln!(out, "{} trust anchor(s)", listing.anchors.len())
}

// ---------------------------------------------------------------------------
// Sweep

/// Writes the report for people: a header with the audit time and counts,
/// the certificates that need action (soonest expiry first, with their
/// findings), input errors, the changes since the last run, and a summary
/// line whose counts add up. Styles are ANSI codes; the caller's `anstream`
/// drops them when colour is off.
pub fn write_sweep(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let s = &r.summary;
    let (style, name) = style::state(r.state);
    let mut input_errors = if s.input_errors > 0 {
        format!(
            ", {}",
            plural(s.input_errors, "input error", "input errors")
        )
    } else {
        String::new()
    };
    if !r.findings.is_empty() {
        input_errors.push_str(&format!(
            ", {}",
            plural(r.findings.len(), "sweep finding", "sweep findings")
        ));
    }
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
    write_superseded(out, r)?;
    if let Some(diff) = &r.diff {
        write_diff(out, diff, &r.certificates)?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Summary:{BOLD:#} {} ({} with errors, {}) · {} found = {} unique + {} · {} unique = {} ok + {} warning + {} critical · {} expired, {} revoked{} · {}",
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
        {
            let mut extra = String::new();
            if !r.excluded.is_empty() {
                extra.push_str(&format!(" · {} excluded", r.excluded.len()));
            }
            if s.superseded > 0 {
                extra.push_str(&format!(", {} superseded", s.superseded));
            }
            if s.suppressed > 0 {
                extra.push_str(&format!(
                    " · {} suppressed by --ignore",
                    plural(s.suppressed, "finding", "findings")
                ));
            }
            extra
        },
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

/// What needs action, grouped by state (critical first): certificates
/// (soonest expiry first, with their findings), the sweep's own findings
/// (one per shared cause, one per file), and, under critical, the inputs
/// that could not be read.
fn write_needs_action(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let bad_inputs = r.inputs.iter().filter(|i| !i.errors.is_empty()).count();
    let acting = |state: State| {
        r.certificates.iter().filter(|c| c.state == state).count()
            + r.findings
                .iter()
                .filter(|f| finding_state(&f.severity) == state)
                .count()
            + if state == State::Critical {
                bad_inputs
            } else {
                0
            }
    };
    writeln!(out)?;
    if acting(State::Critical) + acting(State::Warning) == 0 {
        writeln!(out, "{GREEN}Nothing needs action.{GREEN:#}")?;
        return Ok(());
    }
    for state in [State::Critical, State::Warning] {
        let n = acting(state);
        if n == 0 {
            continue;
        }
        let (style, name) = style::state(state);
        writeln!(out, "{style}{name}{style:#} ({n}):")?;
        let mut rows: Vec<&CertRow> = r.certificates.iter().filter(|c| c.state == state).collect();
        // The report is sorted already; a stable sort keeps that promise
        // even for a report built elsewhere.
        rows.sort_by_key(|c| c.not_after_unix);
        for c in rows {
            write_cert_needing_action(out, c)?;
        }
        let shared: Vec<_> = r
            .findings
            .iter()
            .filter(|f| finding_state(&f.severity) == state)
            .collect();
        let ids: Vec<&str> = shared.iter().map(|f| f.rule.as_str()).collect();
        for (i, f) in shared.iter().enumerate() {
            writeln!(out, "  {} {}", display(&f.rule), one_line(&f.message))?;
            for file in f
                .files
                .iter()
                .filter(|file| !f.message.contains(file.as_str()))
            {
                writeln!(out, "      {DIM}at {}{DIM:#}", display(file))?;
            }
            if let Some(fix) = fix_of(&f.rule).filter(|_| last_of_its_rule(&ids, i)) {
                writeln!(out, "      fix: {fix}")?;
            }
        }
        if state == State::Critical {
            write_input_errors(out, &r.inputs)?;
        }
    }
    Ok(())
}

fn finding_state(severity: &str) -> State {
    match severity {
        "error" => State::Critical,
        "warning" => State::Warning,
        _ => State::Ok,
    }
}

fn write_cert_needing_action(out: &mut dyn Write, c: &CertRow) -> io::Result<()> {
    writeln!(
        out,
        "  {} · {} · serial {}",
        days_text(c),
        display(subject_or_placeholder(&c.subject)),
        display(&c.serial),
    )?;
    let place = c
        .places
        .first()
        .map(|p| display(&p.text()))
        .unwrap_or_else(|| "(place unknown)".into());
    let more = match c.places.len() {
        0 | 1 => String::new(),
        n => format!(" (+{})", plural(n - 1, "more place", "more places")),
    };
    writeln!(
        out,
        "      {DIM}at {place}{more} · target {}{DIM:#}",
        display(&c.target.name)
    )?;
    let ids: Vec<&str> = c.findings.iter().map(|f| f.rule.as_str()).collect();
    for (i, f) in c.findings.iter().enumerate() {
        let style = style::severity_word(&f.severity);
        writeln!(
            out,
            "      {style}{}{style:#} {}: {}",
            display(&f.severity),
            display(&f.rule),
            one_line(&f.message)
        )?;
        if let Some(fix) = fix_of(&f.rule).filter(|_| last_of_its_rule(&ids, i)) {
            writeln!(out, "        fix: {fix}")?;
        }
    }
    Ok(())
}

/// Certificates a newer one replaces: each once, with the file to remove.
fn write_superseded(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    let old: Vec<&CertRow> = r
        .certificates
        .iter()
        .filter(|c| c.superseded_by.is_some())
        .collect();
    if old.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Superseded ({}):{BOLD:#} a newer certificate replaces each; remove the old file (these do not alert)",
        old.len()
    )?;
    for c in old {
        let Some(s) = &c.superseded_by else { continue };
        writeln!(
            out,
            "  {} · {} ({})",
            display(c.first_place().as_deref().unwrap_or("(place unknown)")),
            display(subject_or_placeholder(&c.subject)),
            days_text(c),
        )?;
        writeln!(
            out,
            "      {DIM}replaced by {} (valid until {}){DIM:#}",
            display(&s.place),
            display(&s.not_after)
        )?;
    }
    Ok(())
}

fn write_input_errors(out: &mut dyn Write, inputs: &[InputRow]) -> io::Result<()> {
    for i in inputs.iter().filter(|i| !i.errors.is_empty()) {
        for e in &i.errors {
            // A loader's problem names its file already (`file:line:
            // error: ...`); the file is said once.
            if e.starts_with(&format!("{}:", i.file)) {
                writeln!(out, "  input {}", one_line(e))?;
            } else {
                writeln!(out, "  input {}: {}", display(&i.file.text()), one_line(e))?;
            }
        }
    }
    Ok(())
}

fn write_diff(out: &mut dyn Write, d: &Diff, certs: &[CertRow]) -> io::Result<()> {
    let subjects: HashMap<&Digest, &str> = certs.iter().map(|c| (&c.sha256, &*c.subject)).collect();
    let subject_of = |sha: &str| -> String {
        subjects
            .get(&Digest::from_text(sha))
            .map(|s| display(subject_or_placeholder(s)))
            .unwrap_or_else(|| "(not in this run)".into())
    };
    let short = |sha: &str| display(&cut(sha, 12));
    writeln!(out)?;
    if d.baseline {
        writeln!(
            out,
            "{BOLD}Baseline recorded:{BOLD:#} {} (the state file was empty or new); later runs report what changed",
            plural(certs.len(), "certificate", "certificates")
        )?;
        return Ok(());
    }
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
        let (fs, fname) = style::state(*from);
        let (ts, tname) = style::state(*to);
        writeln!(
            out,
            "  {BOLD}changed{BOLD:#} {}: {fs}{fname}{fs:#} → {ts}{tname}{ts:#}",
            subject_of(sha)
        )?;
    }
    more(out, d.changed.len())?;
    Ok(())
}

#[cfg(test)]
mod tests;
