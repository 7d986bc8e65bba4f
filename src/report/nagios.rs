//! The monitoring-plugin result of a sweep (Nagios, Icinga): an exit code
//! and one status line with perfdata. Not a [`super::Format`]: it goes to
//! standard output beside a report written with `--output`.

use std::fmt::Write as _;

use crate::sweep::rows::{CertRow, InputRow, State, SweepReport};

use super::words::{
    cut, finding_short, is_bidi_control, plural, reason, short_name, state_code, state_label,
};

/// Problems named per category on the Nagios line.
const NAGIOS_NAMED: usize = 3;
/// Characters of one name on the Nagios line.
const NAGIOS_NAME_CHARS: usize = 64;

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
pub fn status(r: &SweepReport) -> (i32, String) {
    let s = &r.summary;
    let status = state_label(r.state);
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
        let wanted = if state == State::Critical {
            "error"
        } else {
            "warning"
        };
        // The sweep's own findings (one per shared cause) first: one
        // unreachable CRL is one entry, however many certificates it leaves
        // unknown.
        let findings: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.severity == wanted)
            .map(|f| plugin_text(&finding_short(f), NAGIOS_NAME_CHARS * 2))
            .collect();
        let total = rows.len() + findings.len();
        if total == 0 {
            continue;
        }
        let named: Vec<String> = findings
            .iter()
            .cloned()
            .chain(rows.iter().map(|c| {
                format!(
                    "{} {}",
                    plugin_text(&short_name(c), NAGIOS_NAME_CHARS),
                    plugin_text(&reason(c, r), NAGIOS_NAME_CHARS)
                )
            }))
            .take(NAGIOS_NAMED)
            .collect();
        let _ = write!(line, "; {}: {}", state.as_str(), named_list(&named, total));
    }
    let bad: Vec<&InputRow> = r.inputs.iter().filter(|i| !i.errors.is_empty()).collect();
    if !bad.is_empty() {
        let named: Vec<String> = bad
            .iter()
            .take(NAGIOS_NAMED)
            .map(|i| plugin_text(&i.file.text(), NAGIOS_NAME_CHARS))
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
        " | certificates={};;; critical={};;; warning={};;; expired={};;; revoked={};;; input_errors={};;; findings={};;; duration={duration};;;",
        s.unique, s.critical, s.warning, s.expired, s.revoked, s.input_errors, r.findings.len()
    );
    (state_code(r.state), line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_rows::{bad_input, cert, report};

    #[test]
    fn nagios_ok_line_and_code() {
        let r = report(vec![cert("CN=a", State::Ok, 100)], vec![]);
        let (code, line) = status(&r);
        assert_eq!(code, 0);
        assert_eq!(
            line,
            "PKIAUDIT OK - 1 certificate, 0 critical, 0 warning | certificates=1;;; critical=0;;; warning=0;;; expired=0;;; revoked=0;;; input_errors=0;;; findings=0;;; duration=1.500s;;;"
        );
    }

    #[test]
    fn nagios_warning_and_critical() {
        let r = report(vec![cert("CN=w.example.com", State::Warning, 20)], vec![]);
        let (code, line) = status(&r);
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
        let (code, line) = status(&r);
        assert_eq!(code, 2);
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(line.matches('|').count(), 1, "{line}");
        assert!(
            line.starts_with("PKIAUDIT CRITICAL - 7 certificates, 6 critical, 1 warning, 2 input errors; critical: vpn1.example.com expired 3 days ago, a/b c revoked, c0 expires in 5 days, +3 more; warning: w expires in 25 days; input errors: /etc/pki/bad/file.pem | certificates=7;;; critical=6;;; warning=1;;; expired=1;;;"),
            "{line}"
        );
        assert!(
            line.ends_with("input_errors=2;;; findings=0;;; duration=1.500s;;;"),
            "{line}"
        );
    }

    #[test]
    fn nagios_maps_state_only_and_handles_unknown_duration() {
        let mut r = report(vec![], vec![]);
        r.state = State::Critical;
        r.duration_seconds = f64::NAN;
        let (code, line) = status(&r);
        assert_eq!(code, 2);
        assert!(
            line.starts_with("PKIAUDIT CRITICAL - 0 certificates"),
            "{line}"
        );
        assert!(line.ends_with("duration=U;;;"), "{line}");
    }
}
