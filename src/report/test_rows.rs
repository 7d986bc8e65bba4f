//! Sweep rows for the formats' unit tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::sweep::rows::{
    CertRow, Digest, InputRow, RowChain, RowFinding, RowRevocation, RowRole, RowTarget, RowVerdict,
    State, SweepReport, SweepSummary,
};

pub(crate) fn cert(subject: &str, state: State, days_left: i64) -> CertRow {
    CertRow {
        sha256: Digest::from_text(&format!(
            "{:0>64}",
            subject.len() * 7 + days_left.unsigned_abs() as usize
        )),
        subject: subject.into(),
        issuer: "CN=Example CA".into(),
        serial: "0A1B".into(),
        not_before_unix: 1_735_689_600,
        not_after_unix: 1_780_272_000 + days_left * 86_400,
        days_left,
        role: RowRole::EndEntity,
        spki_sha256: Digest::from_text(&"ab".repeat(32)),
        sans: vec!["vpn.example.com".into()].into(),
        target: Arc::new(RowTarget {
            name: "hub-1".into(),
            labels: BTreeMap::new(),
            profile: "ikev2".into(),
        }),
        places: vec!["/etc/pki/a.pem #1 (line 3)".into()].into(),
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
        suppressed: 0,
        superseded_by: None,
    }
}

pub(crate) fn report(certs: Vec<CertRow>, inputs: Vec<InputRow>) -> SweepReport {
    let mut s = SweepSummary {
        inputs: inputs.len(),
        inputs_with_errors: inputs.iter().filter(|i| !i.errors.is_empty()).count(),
        input_errors: inputs.iter().map(|i| i.errors.len()).sum(),
        certificates_found: certs.len(),
        unique: certs.len(),
        ..SweepSummary::default()
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
        excluded: vec![],
        certificates: certs,
        findings: Vec::new(),
        diff: None,
    }
}

pub(crate) fn bad_input() -> InputRow {
    InputRow {
        file: "/etc/pki/bad|file.pem".into(),
        target: "hub-1".into(),
        file_kind: "unreadable".into(),
        format: None,
        certificates: 0,
        errors: vec!["line 3: bad base64".into(), "line 9: truncated".into()],
        ..InputRow::default()
    }
}
