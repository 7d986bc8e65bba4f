//! `show crypto pki trustpoints [status]` (ASA: `show crypto ca
//! trustpoints`), and the trustpoint markers of `show crypto pki
//! certificates pem`.
//!
//! A trustpoint listing names the certificates each trustpoint holds, in
//! one of two layouts (both seen in real IOS-XE output):
//!
//! - the plain listing prints the trustpoint's CA certificate (for a
//!   persistent self-signed trustpoint, the router's own certificate) as a
//!   `Subject Name:` block, one RDN per line, then `Serial Number (hex):`,
//!   then what the device says (`Certificate configured.`);
//! - `status` prints one block per certificate, headed `Issuing CA
//!   certificate configured:` or `Router General Purpose certificate
//!   configured:`, with the subject on one comma-joined line and `Fingerprint
//!   MD5:` / `Fingerprint SHA1:`, then a `State:` block of dotted lines.
//!
//! Each certificate becomes a partial record (subject with serial or
//! fingerprints, its trustpoint and its role there) that merges with the
//! certificate itself when the run has it. A trustpoint is said to hold no
//! certificate only when the device says so.

use super::super::{Container, IosRole, LoadedInput, ProblemLevel};
use super::build::serial_from_printed;
use super::{add_rdn_line, compact_hex, header, is_prompt, label_value};
use crate::model::partial::{Known, PartialCertificate, ShowEntry, ShowKind, TrustpointListing};
use crate::model::{Certificate, Name};

/// What the device said about one trustpoint, at most: a hostile listing
/// must not copy every line into every record.
const MAX_SAID: usize = 32;

/// `show crypto pki trustpoints [status]`: trustpoint sections, no
/// certificate entries.
pub(in crate::load) fn looks_like_trustpoints(text: &str) -> bool {
    text.lines()
        .take(200_000)
        .any(|l| trustpoint_name(l).is_some())
}

/// `Trustpoint NAME:` → NAME.
fn trustpoint_name(line: &str) -> Option<&str> {
    let t = line.trim();
    let name = t.strip_prefix("Trustpoint ")?.strip_suffix(':')?.trim();
    (!name.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
}

/// What a listed certificate is to its trustpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    IssuingCa,
    Router,
    SelfSigned,
    /// The plain listing's one certificate: the CA certificate, or the
    /// router's own on a self-signed trustpoint (decided at the end).
    Unsaid,
}

struct Cert {
    role: Listed,
    heading: Option<String>,
    line: usize,
    subject: Vec<Vec<(String, String)>>,
    serial: Option<String>,
    md5: Option<String>,
    sha1: Option<String>,
}

impl Cert {
    fn new(role: Listed, heading: Option<String>, line: usize) -> Self {
        Cert {
            role,
            heading,
            line,
            subject: Vec::new(),
            serial: None,
            md5: None,
            sha1: None,
        }
    }
}

struct Tp {
    name: String,
    line: usize,
    certs: Vec<Cert>,
    said: Vec<String>,
    /// The `status` layout (certificate headings or a `State:` block).
    status: bool,
    in_subject: bool,
}

/// Read a trustpoint listing: one partial record per certificate it names,
/// a note for each trustpoint that names none (a warning when the device
/// says it has none).
pub(in crate::load) fn load_trustpoints(input: &mut LoadedInput, text: &str) {
    let mut tp: Option<Tp> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches(['\r', ' ', '\t']);
        if let Some(name) = trustpoint_name(line) {
            if let Some(done) = tp.take() {
                finish(input, done);
            }
            tp = Some(Tp {
                name: name.to_string(),
                line: n,
                certs: Vec::new(),
                said: Vec::new(),
                status: false,
                in_subject: false,
            });
            continue;
        }
        // A prompt or a `show crypto pki certificates` entry ends the
        // listing (a ticket with several commands pasted one after another).
        if is_prompt(line) || header(line).is_some() {
            if let Some(done) = tp.take() {
                finish(input, done);
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(cur) = tp.as_mut() {
            line_in_trustpoint(input, cur, t, n);
        }
    }
    if let Some(done) = tp.take() {
        finish(input, done);
    }
}

fn say(tp: &mut Tp, what: String) {
    if tp.said.len() < MAX_SAID && !tp.said.contains(&what) {
        tp.said.push(what);
    }
}

/// The certificate the next field belongs to: the last one, or a new one
/// of the plain listing.
fn current(tp: &mut Tp, n: usize) -> &mut Cert {
    if tp.certs.is_empty() {
        tp.certs.push(Cert::new(Listed::Unsaid, None, n));
    }
    let last = tp.certs.len() - 1;
    &mut tp.certs[last]
}

fn line_in_trustpoint(input: &mut LoadedInput, tp: &mut Tp, t: &str, n: usize) {
    let lower = t.to_ascii_lowercase();
    // `Issuing CA certificate configured:`, `Router General Purpose
    // certificate configured:`, `Router Signature certificate configured:`.
    if let Some(kind) = lower.strip_suffix(" certificate configured:") {
        tp.status = true;
        tp.in_subject = false;
        let role = if kind.contains("self-signed") || kind.contains("self signed") {
            Listed::SelfSigned
        } else if kind.contains("ca") && !kind.starts_with("router") {
            Listed::IssuingCa
        } else {
            Listed::Router
        };
        let heading = t.trim_end_matches(':').to_string();
        tp.certs.push(Cert::new(role, Some(heading), n));
        return;
    }
    if let Some((label, value)) = label_value(t) {
        match label.as_str() {
            "subject name" | "subject" => {
                // A second subject in the plain layout is a second
                // certificate; in `status` each heading opened one.
                let fresh = tp
                    .certs
                    .last()
                    .is_none_or(|c| !c.subject.is_empty() || c.serial.is_some());
                if fresh && (!tp.status || tp.certs.is_empty()) {
                    tp.certs.push(Cert::new(Listed::Unsaid, None, n));
                }
                tp.in_subject = true;
                if !value.is_empty() {
                    subject_line(input, &mut current(tp, n).subject, value, n);
                }
                return;
            }
            "serial number (hex)" | "serial number" => {
                tp.in_subject = false;
                current(tp, n).serial = Some(value.to_string());
                return;
            }
            "fingerprint md5" => {
                tp.in_subject = false;
                let v = fingerprint(input, tp, value, 32, "MD5", n);
                current(tp, n).md5 = v;
                return;
            }
            "fingerprint sha1" => {
                tp.in_subject = false;
                let v = fingerprint(input, tp, value, 40, "SHA1", n);
                current(tp, n).sha1 = v;
                return;
            }
            "state" if value.is_empty() => {
                tp.status = true;
                tp.in_subject = false;
                return;
            }
            _ => {}
        }
    }
    if tp.in_subject && (t.contains('=') || !is_statement(&lower) && !t.contains("..")) {
        subject_line(input, &mut current(tp, n).subject, t, n);
        return;
    }
    // `Keys generated ............. Yes (General Purpose, non-exportable)`
    if let Some((k, v)) = t.split_once("..") {
        tp.in_subject = false;
        let v = v.trim_start_matches('.').trim();
        say(tp, format!("{}: {v}", k.trim()));
        return;
    }
    // `Certificate configured.`, `Persistent self-signed certificate trust
    // point`, `Using key label X`, `Last enrollment status: Granted`, ASA
    // `Not authenticated.`: what the device says, kept as printed.
    tp.in_subject = false;
    say(tp, t.to_string());
}

/// A line the device says about the trustpoint, not a wrapped name.
fn is_statement(lower: &str) -> bool {
    !lower.contains('=')
        && (lower.ends_with('.')
            || lower.starts_with("certificate")
            || lower.starts_with("persistent")
            || lower.starts_with("using key")
            || lower.starts_with("not ")
            || lower.starts_with("last enrollment"))
}

/// One subject line: one RDN (plain layout) or all of them joined by `,`
/// (`status`: `cn=vpn,o=Example VPN`). A `,` separates only when what
/// follows is itself `attr=`: `o=VeriSign, Inc.` stays one value.
pub(super) fn subject_line(
    input: &mut LoadedInput,
    rdns: &mut Vec<Vec<(String, String)>>,
    t: &str,
    n: usize,
) {
    let mut start = 0;
    let bytes = t.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != b',' {
            continue;
        }
        let after = &t[i + 1..];
        let starts_attr = after.find('=').is_some_and(|e| {
            let a = after[..e].trim();
            !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        });
        if starts_attr {
            let part = t[start..i].trim();
            if !part.is_empty() {
                add_rdn_line(input, rdns, part, n);
            }
            start = i + 1;
        }
    }
    let part = t[start..].trim();
    if !part.is_empty() {
        add_rdn_line(input, rdns, part, n);
    }
}

/// A fingerprint of `digits` hex digits, or `None` with a warning (a line
/// cut off in the paste).
fn fingerprint(
    input: &mut LoadedInput,
    tp: &Tp,
    value: &str,
    digits: usize,
    what: &str,
    n: usize,
) -> Option<String> {
    let hex = compact_hex(value);
    if hex.len() == digits && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(hex);
    }
    input.problem(
        ProblemLevel::Warning,
        Some(n),
        None,
        format!(
            "trustpoint {}: fingerprint {what} `{}` is not {digits} hex digits (cut off?); not used",
            tp.name,
            value.trim()
        ),
    );
    None
}

/// Close one trustpoint: its certificates become partial records; say what
/// the device said when it named none.
fn finish(input: &mut LoadedInput, tp: Tp) {
    let layout = if tp.status {
        "trustpoints-status"
    } else {
        "trustpoints"
    };
    let said_lower: Vec<String> = tp.said.iter().map(|s| s.to_ascii_lowercase()).collect();
    let persistent = said_lower.iter().any(|s| s.contains("self-signed"));
    let mut records = 0;
    let mut cut = 0;
    for cert in tp.certs {
        let subject = Name::from_ios_rdns(cert.subject);
        let subject_text = subject.ios_text();
        // A certificate is named by its fingerprint, or by subject and
        // serial; anything less was cut off in the paste.
        if cert.sha1.is_none() && (cert.serial.is_none() || subject.rdns.is_empty()) {
            cut += 1;
            input.problem(
                ProblemLevel::Warning,
                Some(cert.line),
                None,
                format!(
                    "trustpoint {}: certificate {}printed without {}: the listing looks cut off; \
                     not read as a certificate",
                    tp.name,
                    match (&cert.heading, subject_text.is_empty()) {
                        (_, false) => format!("`{subject_text}` "),
                        (Some(h), true) => format!("under `{h}:` "),
                        (None, true) => String::new(),
                    },
                    if cert.serial.is_none() && cert.md5.is_none() {
                        "a serial or fingerprint"
                    } else if cert.serial.is_none() {
                        "a serial or SHA-1 fingerprint"
                    } else {
                        "a subject"
                    }
                ),
            );
            continue;
        }
        let role = match cert.role {
            Listed::Unsaid
                if persistent
                    || subject
                        .common_names
                        .iter()
                        .any(|cn| cn.starts_with("IOS-Self-Signed-Certificate-")) =>
            {
                Listed::SelfSigned
            }
            Listed::Unsaid => Listed::IssuingCa,
            r => r,
        };
        let (kind, role_name) = match role {
            Listed::SelfSigned => (ShowKind::SelfSigned, "self-signed"),
            Listed::Router => (ShowKind::Certificate, "router"),
            Listed::IssuingCa | Listed::Unsaid => (ShowKind::CaCertificate, "issuing-ca"),
        };
        let mut view = Certificate::placeholder();
        if role == Listed::SelfSigned {
            // Self-signed by what the device says: issuer = subject.
            view.issuer = subject.clone();
            view.self_issued = !subject.rdns.is_empty();
        }
        view.subject = subject;
        if let Some(serial) = &cert.serial {
            view.serial = serial_from_printed(input, cert.line, serial);
        }
        if let Some(sha1) = &cert.sha1 {
            view.sha1 = sha1.clone();
        }
        // `Router General Purpose certificate configured` → `General Purpose`.
        let usage = cert.heading.as_deref().and_then(|h| {
            let u = h
                .strip_prefix("Router ")?
                .trim_end_matches("configured")
                .trim()
                .trim_end_matches("certificate")
                .trim();
            (!u.is_empty()).then(|| u.to_string())
        });
        let show = ShowEntry {
            serial_printed: cert.serial,
            usage,
            trustpoints: vec![tp.name.clone()],
            md5: cert.md5,
            sha1: cert.sha1,
            listing: Some(TrustpointListing {
                layout,
                role: role_name,
                printed_as: cert.heading,
                device_said: tp.said.clone(),
            }),
            ..ShowEntry::default()
        };
        let partial = PartialCertificate {
            kind,
            view,
            known: Known {
                der: false,
                validity: false,
                extensions: false,
                key: false,
                signature_algorithm: false,
            },
            show,
        };
        input.push_partial(partial, Container::IosTrustpoints, Some(cert.line));
        records += 1;
    }
    if records > 0 || cut > 0 {
        return;
    }
    let said = if tp.said.is_empty() {
        String::new()
    } else {
        format!(" [{}]", tp.said.join("; "))
    };
    // The device's own words that it has none: ASA `Not authenticated.`,
    // `status` `Issuing CA authenticated ....... No`.
    let says_none = said_lower.iter().any(|s| {
        s.contains("not authenticated")
            || s.contains("not configured")
            || s.starts_with("issuing ca authenticated: no")
    });
    if says_none {
        input.problem(
            ProblemLevel::Warning,
            Some(tp.line),
            None,
            format!(
                "trustpoint {} holds no certificate: the device says its CA is not \
                 authenticated{said}",
                tp.name
            ),
        );
    } else {
        input.problem(
            ProblemLevel::Note,
            Some(tp.line),
            None,
            format!(
                "trustpoint {}: the listing names no certificate for it and does not say \
                 why{said}",
                tp.name
            ),
        );
    }
}

/// `show crypto pki certificates pem` prints `------Trustpoint: NAME------`
/// and `% The PEM-encoded CA certificate follows:` before each block: tag
/// the PEM certificates with their trustpoint and role.
pub(in crate::load) fn tag_pem_trustpoints(input: &mut LoadedInput, text: &str) {
    let mut markers: Vec<(usize, Option<String>, Option<IosRole>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("------Trustpoint:") {
            let name = rest.trim().trim_end_matches('-').trim();
            if !name.is_empty() {
                markers.push((i + 1, Some(name.to_string()), None));
            }
        } else if let Some(rest) = t.strip_prefix("% The PEM-encoded").or_else(|| {
            t.strip_prefix('%')
                .filter(|r| r.to_ascii_lowercase().contains("certificate"))
        }) {
            // `% The PEM-encoded CA certificate follows:` or, on other
            // releases, `% CA certificate:` / `% General Purpose Certificate:`.
            let rest = rest.trim().to_ascii_lowercase();
            let role = if rest.starts_with("ca ") {
                Some(IosRole::Ca)
            } else if rest.starts_with("identity")
                || rest.starts_with("router")
                || rest.starts_with("general purpose")
                || rest.starts_with("signature")
                || rest.starts_with("encryption")
            {
                Some(IosRole::Identity)
            } else {
                None
            };
            markers.push((i + 1, None, role));
        }
    }
    if markers.is_empty() {
        return;
    }
    for cert in &mut input.certs {
        let Some(line) = cert.provenance.line else {
            continue;
        };
        let before = markers.iter().filter(|(l, _, _)| *l < line);
        let mut trustpoint = None;
        let mut role = None;
        for (_, tp, r) in before {
            if tp.is_some() {
                trustpoint = tp.clone();
                role = None;
            }
            if r.is_some() {
                role = *r;
            }
        }
        if let Some(tp) = trustpoint {
            cert.provenance.trustpoints = vec![tp];
        }
        if role.is_some() {
            cert.provenance.ios_role = role;
        }
    }
}
