//! Wording shared by the formats, and the sanitising of untrusted text:
//! subjects, issuers, labels and messages come from certificates and
//! inventories, so what reaches a terminal or a plugin line is escaped here.

use std::fmt::Write as _;

use crate::sweep::rows::{CertRow, State, SweepFinding, SweepReport};

/// The monitoring-plugin name of a state.
pub(crate) fn state_label(s: State) -> &'static str {
    match s {
        State::Ok => "OK",
        State::Warning => "WARNING",
        State::Critical => "CRITICAL",
    }
}

/// The monitoring-plugin exit code of a state (also its metric value).
pub(crate) fn state_code(s: State) -> i32 {
    match s {
        State::Ok => 0,
        State::Warning => 1,
        State::Critical => 2,
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `12 days left`, `expires today`, `expired 3 days ago`.
pub(crate) fn days_text(c: &CertRow) -> String {
    crate::time::format::days_words(c.days_left, c.expired)
}

/// A sweep finding in a few words, for the plugin line: `revocation
/// unknown for 11 certificates (http://pki.example.com/ica2.crl)`, `private
/// key in /etc/pki/hub.key`.
pub(crate) fn finding_short(f: &SweepFinding) -> String {
    let source = f
        .message
        .split_once(": ")
        .map(|(_, rest)| rest.split(": ").next().unwrap_or(rest))
        .unwrap_or("");
    if f.rule.starts_with("revocation.unknown") {
        format!(
            "revocation unknown for {} ({source})",
            plural(f.certificates, "certificate", "certificates")
        )
    } else if f.rule.starts_with("revocation.no-source") {
        format!(
            "revocation not checked for {}",
            plural(f.certificates, "certificate", "certificates")
        )
    } else if let Some(file) = f.files.first() {
        format!("{} in {file}", f.rule)
    } else {
        f.rule.clone()
    }
}

/// Why a certificate is not ok, in a few words: expiry and revocation first
/// (what operators act on), else the first finding of the state's severity.
pub(crate) fn reason(c: &CertRow, r: &SweepReport) -> String {
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
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from a certificate or an inventory, safe to print on a terminal:
/// control characters (escape sequences included) and bidi controls are
/// written as escapes.
pub(crate) fn display(s: &str) -> String {
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
pub(crate) fn one_line(s: &str) -> String {
    let joined: String = s
        .split(['\r', '\n', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    display(&joined)
}

pub(crate) fn subject_or_placeholder(subject: &str) -> &str {
    if subject.is_empty() {
        "(empty subject)"
    } else {
        subject
    }
}

/// The first `CN=` value of an RFC 4514-style subject, unescaped.
pub(crate) fn common_name(subject: &str) -> Option<String> {
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
pub(crate) fn short_name(c: &CertRow) -> String {
    if let Some(cn) = common_name(&c.subject) {
        return cn;
    }
    if let Some(san) = c.sans.iter().find(|s| !s.is_empty()) {
        return san.to_string();
    }
    if !c.subject.is_empty() {
        return c.subject.to_string();
    }
    format!(
        "sha256 {}",
        c.sha256.text().chars().take(16).collect::<String>()
    )
}

/// The first `n` characters of `s`, with `…` when cut.
pub(crate) fn cut(s: &str, n: usize) -> String {
    let mut it = s.chars();
    let head: String = it.by_ref().take(n).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_rows::cert;

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
        c.sans = Box::default();
        assert_eq!(short_name(&c), "O=Ex");
        c.subject = Box::default();
        assert!(short_name(&c).starts_with("sha256 "));
    }

    #[test]
    fn display_and_one_line_escape_controls() {
        assert_eq!(display("a\u{1b}[2J\u{202e}b\n"), "a\\u{1b}[2J\\u{202e}b\\n");
        assert_eq!(one_line("a\r\n\tb\n"), "a b");
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(plural(1, "input", "inputs"), "1 input");
        assert_eq!(plural(0, "input", "inputs"), "0 inputs");
    }
}
