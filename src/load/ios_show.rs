//! `show crypto pki certificates [verbose]` (IOS, IOS-XE), `show crypto pki
//! trustpool`, and ASA/FTD `show crypto ca certificates` output.
//!
//! Real outputs arrive pasted into tickets: indentation lost or random,
//! CRLF, trailing spaces, a prompt or a syslog line glued to the command,
//! entries printed twice, long values wrapped. The parser is therefore
//! driven by the labels, not by indentation: an entry starts at a header
//! line (`Certificate`, `CA Certificate`, `Router Self-Signed Certificate`),
//! each known label sets what the following unlabelled lines belong to
//! (RDNs after `Subject:`, URLs after `CRL Distribution Points:`, ...), and
//! a line inside an entry that fits nowhere becomes a warning with its line
//! number. Nothing is guessed in silence.
//!
//! Each entry becomes a [`PartialCertificate`]: the fields the output
//! carries, and a [`Known`] mask that tells the rule engine what it may
//! judge (the `verbose` form adds extensions, key and signature algorithm;
//! no form carries the signature).

use super::{Container, IosRole, LoadOptions, LoadedInput, ProblemLevel};
use crate::model::partial::{Known, PartialCertificate, ShowEntry, ShowKind};
use crate::model::{
    BasicConstraints, Certificate, ExtendedKeyUsage, KeyInfo, KeyUsage, Name, SanEntry, SigHash,
    SignatureAlgorithm, SubjectAltName,
};
use crate::oids;

/// The most lines one entry may have; a longer run is not an entry.
const MAX_ENTRY_LINES: usize = 2_000;

/// An entry header, if `line` is one.
fn header(line: &str) -> Option<ShowKind> {
    let t = line.trim().trim_end_matches(':').trim();
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "certificate" => Some(ShowKind::Certificate),
        "ca certificate" => Some(ShowKind::CaCertificate),
        "router self-signed certificate" => Some(ShowKind::SelfSigned),
        "ra signature certificate"
        | "ra keyencipher certificate"
        | "ra general purpose certificate" => Some(ShowKind::RaCertificate),
        _ => None,
    }
}

/// True when the text holds at least one entry header followed (within a
/// few lines) by a `Status:` or serial line: `show` output, not prose.
pub(super) fn looks_like_show(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(200_000).collect();
    lines.iter().enumerate().any(|(i, l)| {
        header(l).is_some()
            && lines.iter().skip(i + 1).take(4).any(|n| {
                let n = n.trim().to_ascii_lowercase();
                n.starts_with("status:") || n.starts_with("certificate serial number")
            })
    })
}

/// `show crypto pki trustpoints [status]`: trustpoint sections, no
/// certificate entries.
pub(super) fn looks_like_trustpoints(text: &str) -> bool {
    text.lines().take(200_000).any(|l| {
        let t = l.trim();
        t.starts_with("Trustpoint ") && t.ends_with(':') && !t.contains("  ")
    })
}

/// Read `show crypto pki trustpoints [status]`: one note per trustpoint
/// saying what it holds, a warning for one with no certificate at all.
pub(super) fn load_trustpoints(input: &mut LoadedInput, text: &str) {
    struct Tp {
        name: String,
        line: usize,
        ca: bool,
        router: bool,
        state: Vec<String>,
    }
    let mut tps: Vec<Tp> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if let Some(name) = t
            .strip_prefix("Trustpoint ")
            .and_then(|r| r.strip_suffix(':'))
        {
            tps.push(Tp {
                name: name.trim().to_string(),
                line: i + 1,
                ca: false,
                router: false,
                state: Vec::new(),
            });
            continue;
        }
        let Some(tp) = tps.last_mut() else { continue };
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("issuing ca certificate configured")
            || lower.starts_with("ca certificate")
        {
            tp.ca = true;
        } else if lower.starts_with("router") && lower.contains("certificate configured") {
            tp.router = true;
        } else if let Some((k, v)) = t.split_once("..") {
            let v = v.trim_start_matches('.').trim();
            tp.state.push(format!("{}: {v}", k.trim()));
        }
    }
    for tp in &tps {
        let holds = match (tp.ca, tp.router) {
            (true, true) => "an issuing CA certificate and a router certificate",
            (true, false) => "an issuing CA certificate, no router certificate (not enrolled)",
            (false, true) => "a router certificate but no issuing CA certificate",
            (false, false) => "no certificate (not authenticated, not enrolled)",
        };
        input.problem(
            if tp.ca || tp.router {
                ProblemLevel::Note
            } else {
                ProblemLevel::Warning
            },
            Some(tp.line),
            None,
            format!(
                "trustpoint {} holds {holds}{}; trustpoint listings carry no certificates \
                 (use `show crypto pki certificates verbose` or the running-config)",
                tp.name,
                if tp.state.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", tp.state.join("; "))
                }
            ),
        );
    }
}

/// What unlabelled lines belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    None,
    Issuer,
    Subject,
    Crl,
    Ocsp,
    Validity,
    KeyUsage,
    Eku,
    San,
    BasicConstraints,
    Aia,
    /// Lines of a section whose content is not used (`Subject Key Info:`,
    /// `X509v3 extensions:`); labelled lines inside are still read.
    Section,
}

/// One entry while it is being read.
struct Draft {
    kind: ShowKind,
    line: usize,
    entry: ShowEntry,
    issuer: Vec<Vec<(String, String)>>,
    subject: Vec<Vec<(String, String)>>,
    /// `(bits, algorithm)` from verbose/ASA key lines.
    key_bits: Option<u32>,
    key_alg: Option<String>,
    sig: Option<String>,
    ku_names: Vec<String>,
    ca: Option<bool>,
    path_len: Option<u32>,
    ski: Option<String>,
    aki: Option<String>,
    version: Option<u32>,
    lines: usize,
}

impl Draft {
    fn new(kind: ShowKind, line: usize) -> Self {
        Draft {
            kind,
            line,
            entry: ShowEntry::default(),
            issuer: Vec::new(),
            subject: Vec::new(),
            key_bits: None,
            key_alg: None,
            sig: None,
            ku_names: Vec::new(),
            ca: None,
            path_len: None,
            ski: None,
            aki: None,
            version: None,
            lines: 0,
        }
    }
}

/// `label: value` split, label lower-cased with runs of spaces collapsed.
fn label_value(line: &str) -> Option<(String, &str)> {
    let t = line.trim();
    let colon = t.find(':')?;
    let label: String = t[..colon]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    if label.is_empty() || label.len() > 48 {
        return None;
    }
    Some((label, t[colon + 1..].trim()))
}

/// Load every entry of `show` output in `text`.
pub(super) fn load(input: &mut LoadedInput, text: &str, opts: &LoadOptions) {
    let mut draft: Option<Draft> = None;
    let mut ctx = Ctx::None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches(['\r', ' ', '\t']);
        if let Some(kind) = header(line) {
            if let Some(d) = draft.take() {
                finish(input, d, opts);
            }
            draft = Some(Draft::new(kind, n));
            ctx = Ctx::None;
            continue;
        }
        let Some(d) = draft.as_mut() else {
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        // A prompt ends the entry: `hub#`, `asa/pri/act#`, `Router>`.
        if is_prompt(line) {
            if let Some(d) = draft.take() {
                finish(input, d, opts);
            }
            ctx = Ctx::None;
            continue;
        }
        d.lines += 1;
        if d.lines > MAX_ENTRY_LINES {
            input.problem(
                ProblemLevel::Error,
                Some(d.line),
                None,
                format!("entry has more than {MAX_ENTRY_LINES} lines; not read"),
            );
            draft = None;
            ctx = Ctx::None;
            continue;
        }
        ctx = line_in_entry(input, d, ctx, line.trim(), n, opts);
    }
    if let Some(d) = draft.take() {
        finish(input, d, opts);
    }
}

fn is_prompt(line: &str) -> bool {
    let t = line.trim_start();
    let Some(end) = t.find(['#', '>']) else {
        return false;
    };
    let host = &t[..end];
    !host.is_empty()
        && !host.contains(' ')
        && !host.contains('=')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./()".contains(c))
        && (t[end + 1..].trim_start().starts_with("sh") || t[end + 1..].trim().is_empty())
}

/// Read one non-empty line of an entry; returns the new context.
fn line_in_entry(
    input: &mut LoadedInput,
    d: &mut Draft,
    ctx: Ctx,
    t: &str,
    n: usize,
    opts: &LoadOptions,
) -> Ctx {
    let lv = label_value(t);
    // Labelled lines first. A label only counts when it is one we know:
    // `cn=a:b` or a URL is not a label.
    if let Some((label, value)) = &lv {
        let value = *value;
        let next = match label.as_str() {
            "status" => {
                d.entry.status = Some(value.to_string());
                Some(Ctx::None)
            }
            "certificate serial number (hex)" | "certificate serial number" => {
                d.entry.serial_printed = Some(value.to_string());
                Some(Ctx::None)
            }
            "certificate usage" | "key usage" => {
                d.entry.usage = Some(value.to_string());
                Some(Ctx::None)
            }
            "issuer" | "issuer name" => {
                if !value.is_empty() {
                    add_rdn_line(input, &mut d.issuer, value, n);
                }
                Some(Ctx::Issuer)
            }
            "subject" | "subject name" => {
                if !value.is_empty() {
                    add_rdn_line(input, &mut d.subject, value, n);
                }
                Some(Ctx::Subject)
            }
            "name" | "ip address" | "serial number" if ctx == Ctx::Subject => {
                let label = match label.as_str() {
                    "name" => "Name",
                    "ip address" => "IP Address",
                    _ => "Serial Number",
                };
                d.entry
                    .subject_summary
                    .push((label.to_string(), value.to_string()));
                Some(Ctx::Subject)
            }
            "crl distribution points" | "crl distribution point" => {
                if !value.is_empty() {
                    d.entry.crl_distribution_points.push(strip_index(value));
                }
                Some(Ctx::Crl)
            }
            "ocsp aia" | "ocsp url" | "ocsp uri" | "ocsp" => {
                if !value.is_empty() {
                    d.entry.ocsp.push(strip_index(value));
                }
                Some(if ctx == Ctx::Aia { Ctx::Aia } else { Ctx::Ocsp })
            }
            "authority info access" => Some(Ctx::Aia),
            "ca issuers" | "ca issuers uri" if ctx == Ctx::Aia => Some(Ctx::Aia),
            "validity date" => Some(Ctx::Validity),
            "start date" | "end date" | "renew date" => {
                let date = crate::time::ios::parse_show_date(value, &opts.device_tz);
                match date {
                    Ok(date) => {
                        if date.utc.is_none() {
                            input.problem(
                                ProblemLevel::Warning,
                                Some(n),
                                None,
                                format!(
                                    "time zone label `{}` is not a known fixed offset; the \
                                     validity of this entry is not judged (state it with \
                                     --device-tz {}=+HH:MM)",
                                    date.zone, date.zone
                                ),
                            );
                        }
                        match label.as_str() {
                            "start date" => d.entry.not_before = Some(date),
                            "end date" => d.entry.not_after = Some(date),
                            _ => d.entry.renew = Some(date),
                        }
                    }
                    Err(e) => input.problem(
                        ProblemLevel::Warning,
                        Some(n),
                        None,
                        format!("cannot read the {label} `{value}`: {e}"),
                    ),
                }
                Some(Ctx::Validity)
            }
            "associated trustpoints" | "associated trustpoint" | "associated trustpoint(s)" => {
                d.entry
                    .trustpoints
                    .extend(value.split_whitespace().map(str::to_string));
                Some(Ctx::None)
            }
            "storage" => {
                d.entry.storage = Some(value.to_string());
                Some(Ctx::None)
            }
            "version" => {
                d.version = value.split_whitespace().next().and_then(|v| v.parse().ok());
                Some(Ctx::None)
            }
            "subject key info" => Some(Ctx::Section),
            "public key algorithm" => {
                d.key_alg = Some(value.to_string());
                Some(Ctx::Section)
            }
            "rsa public key" | "ec public key" | "ecdsa public key" | "dsa public key" => {
                d.key_bits = bits_in(value);
                if d.key_alg.is_none() {
                    d.key_alg = Some(label.trim_end_matches(" public key").to_string());
                }
                Some(Ctx::Section)
            }
            // ASA: `Public Key Type: RSA (2048 bits)`.
            "public key type" => {
                d.key_alg = value.split_whitespace().next().map(str::to_string);
                d.key_bits = bits_in(value);
                Some(Ctx::None)
            }
            "signature algorithm" => {
                d.sig = Some(value.to_string());
                Some(Ctx::None)
            }
            "fingerprint md5" | "certificate request fingerprint md5" => {
                d.entry.md5 = Some(compact_hex(value));
                Some(Ctx::None)
            }
            "fingerprint sha1" | "certificate request fingerprint sha1" => {
                d.entry.sha1 = Some(compact_hex(value));
                Some(Ctx::None)
            }
            "x509v3 extensions" => {
                d.entry.verbose = true;
                Some(Ctx::Section)
            }
            "x509v3 key usage" => {
                d.entry.verbose = true;
                d.entry.key_usage_mask = Some(value.to_string());
                Some(Ctx::KeyUsage)
            }
            "x509v3 subject key id" => {
                d.ski = Some(compact_hex(value));
                Some(Ctx::Section)
            }
            "x509v3 authority key id" => {
                d.aki = Some(compact_hex(value));
                Some(Ctx::Section)
            }
            "x509v3 basic constraints" => {
                d.entry.verbose = true;
                Some(Ctx::BasicConstraints)
            }
            "ca" if ctx == Ctx::BasicConstraints => {
                d.ca = Some(value.eq_ignore_ascii_case("true"));
                Some(Ctx::BasicConstraints)
            }
            "path length" | "pathlen" | "path length constraint"
                if ctx == Ctx::BasicConstraints =>
            {
                d.path_len = value.parse().ok();
                Some(Ctx::BasicConstraints)
            }
            "extended key usage" | "x509v3 extended key usage" => {
                d.entry.verbose = true;
                if !value.is_empty() {
                    d.entry.eku_names.push(value.to_string());
                }
                Some(Ctx::Eku)
            }
            "x509v3 subject alternative name" | "subject alternative name" => {
                d.entry.verbose = true;
                if !value.is_empty() {
                    d.entry.san_printed.push(value.to_string());
                }
                Some(Ctx::San)
            }
            // SAN entries printed with a type label (`DNS Name: vpn`).
            "dns name" | "dns" | "ip address" | "ip" | "email" | "email address" | "uri"
            | "upn" | "other name"
                if ctx == Ctx::San =>
            {
                d.entry.san_printed.push(t.to_string());
                Some(Ctx::San)
            }
            // Printed, and of no use to the audit.
            "cert install time"
            | "key label"
            | "key storage device"
            | "trustpool"
            | "certificate subject"
            | "last enrollment status"
            | "key pair" => Some(Ctx::None),
            "x509v3 crl distribution points" => {
                if !value.is_empty() {
                    d.entry.crl_distribution_points.push(strip_index(value));
                }
                Some(Ctx::Crl)
            }
            _ => None,
        };
        if let Some(next) = next {
            return next;
        }
    }
    // A `Label: value` line under a list of names is a label we do not
    // know, not a list item: names of usages never contain `: `.
    if matches!(ctx, Ctx::Eku | Ctx::KeyUsage) && t.contains(": ") {
        input.problem(
            ProblemLevel::Warning,
            Some(n),
            None,
            format!(
                "line not understood inside the entry that starts at line {}: `{t}`",
                d.line
            ),
        );
        return Ctx::None;
    }
    // Unlabelled: it belongs to the current context.
    match ctx {
        Ctx::Issuer => add_rdn_line(input, &mut d.issuer, t, n),
        Ctx::Subject => add_rdn_line(input, &mut d.subject, t, n),
        Ctx::Crl => d.entry.crl_distribution_points.push(strip_index(t)),
        Ctx::Ocsp => d.entry.ocsp.push(strip_index(t)),
        Ctx::Aia => {
            let v = strip_index(t);
            if v.contains("://") {
                d.entry.ocsp.push(v)
            }
        }
        Ctx::KeyUsage => d.ku_names.push(t.to_string()),
        Ctx::Eku => d.entry.eku_names.push(t.to_string()),
        Ctx::San => d.entry.san_printed.push(t.to_string()),
        Ctx::Section | Ctx::BasicConstraints => {}
        Ctx::Validity | Ctx::None => input.problem(
            ProblemLevel::Warning,
            Some(n),
            None,
            format!(
                "line not understood inside the entry that starts at line {}: `{t}`",
                d.line
            ),
        ),
    }
    ctx
}

/// `[1]  http://x` → `http://x`.
fn strip_index(v: &str) -> String {
    let t = v.trim();
    if let Some(rest) = t.strip_prefix('[') {
        if let Some(close) = rest.find(']') {
            if rest[..close].chars().all(|c| c.is_ascii_digit()) {
                return rest[close + 1..].trim().to_string();
            }
        }
    }
    t.to_string()
}

/// `(2048 bit)` / `RSA (2048 bits)` → 2048.
fn bits_in(v: &str) -> Option<u32> {
    let open = v.find('(')?;
    let digits: String = v[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn compact_hex(v: &str) -> String {
    v.chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// One RDN line (`cn=vpn`, `cn=a+ou=b`); a line without `=` continues the
/// previous value (IOS wraps long values), which is said in a note.
fn add_rdn_line(input: &mut LoadedInput, rdns: &mut Vec<Vec<(String, String)>>, t: &str, n: usize) {
    if t.chars().any(|c| c.is_control() && c != '\t') {
        input.problem(
            ProblemLevel::Warning,
            Some(n),
            None,
            "name line holds control characters (damaged paste?); kept as printed",
        );
    }
    let Some(eq) = t.find('=') else {
        match rdns.last_mut().and_then(|r| r.last_mut()) {
            Some((attr, value)) => {
                // IOS breaks a value at its commas (`o=VeriSign,` / `Inc.`).
                value.push_str(", ");
                value.push_str(t);
                input.problem(
                    ProblemLevel::Note,
                    Some(n),
                    None,
                    format!(
                        "`{t}` read as the continuation of {attr}= (IOS breaks values at \
                         commas; joined with \", \")"
                    ),
                );
            }
            None => input.problem(
                ProblemLevel::Warning,
                Some(n),
                None,
                format!("`{t}` is not an attribute=value name line"),
            ),
        }
        return;
    };
    let attr = t[..eq].trim();
    if attr.is_empty() || attr.contains(' ') && !attr.eq_ignore_ascii_case("serial number") {
        input.problem(
            ProblemLevel::Warning,
            Some(n),
            None,
            format!("`{t}` is not an attribute=value name line"),
        );
        return;
    }
    // Multi-valued RDN: `cn=a+ou=b`. A `+` only separates when what follows
    // is itself `attr=`.
    let mut rdn = Vec::new();
    let mut rest = t;
    loop {
        let split = rest.match_indices('+').map(|(i, _)| i).find(|&i| {
            let after = &rest[i + 1..];
            after.find('=').is_some_and(|e| {
                let a = after[..e].trim();
                !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
            })
        });
        let (part, more) = match split {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if let Some(eq) = part.find('=') {
            rdn.push((
                canonical_attr(part[..eq].trim()),
                part[eq + 1..].trim().to_string(),
            ));
        }
        match more {
            Some(m) => rest = m,
            None => break,
        }
    }
    rdns.push(rdn);
}

/// IOS prints `e=` on some releases and `ea=` on others for the e-mail
/// attribute; both mean PKCS#9 emailAddress.
fn canonical_attr(a: &str) -> String {
    match a.to_ascii_lowercase().as_str() {
        "e" | "ea" | "email" | "emailaddress" => "ea".into(),
        "serialnumber" | "serial number" => "serialNumber".into(),
        "unstructuredname" => "hostname".into(),
        "unstructuredaddress" => "ipaddress".into(),
        other => other.to_string(),
    }
}

/// `show crypto pki certificates pem` prints `------Trustpoint: NAME------`
/// and `% The PEM-encoded CA certificate follows:` before each block: tag
/// the PEM certificates with their trustpoint and role.
pub(super) fn tag_pem_trustpoints(input: &mut LoadedInput, text: &str) {
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

/// Close an entry: a pending request is reported, anything else becomes a
/// partial certificate.
fn finish(input: &mut LoadedInput, d: Draft, opts: &LoadOptions) {
    let _ = opts;
    let pending = d
        .entry
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("pending"));
    if pending {
        input.problem(
            ProblemLevel::Note,
            Some(d.line),
            None,
            format!(
                "enrollment request pending{}: not a certificate",
                match d.entry.trustpoints.as_slice() {
                    [] => String::new(),
                    tps => format!(" on trustpoint {}", tps.join(", ")),
                }
            ),
        );
        return;
    }
    let mut missing = Vec::new();
    if d.entry.serial_printed.is_none() {
        missing.push("serial number");
    }
    if d.subject.is_empty() {
        missing.push("subject");
    }
    if d.issuer.is_empty() {
        missing.push("issuer");
    }
    if d.subject.is_empty() && d.issuer.is_empty() && d.entry.serial_printed.is_none() {
        input.problem(
            ProblemLevel::Error,
            Some(d.line),
            None,
            "entry has no serial number, subject or issuer: not read as a certificate",
        );
        return;
    }
    if !missing.is_empty() {
        input.problem(
            ProblemLevel::Warning,
            Some(d.line),
            None,
            format!("entry has no {}", missing.join(", ")),
        );
    }
    let line = d.line;
    let partial = build(input, d);
    input.push_partial(partial, Container::IosShow, Some(line));
}

/// Turn a draft into the certificate view and what it lets the rules know.
fn build(input: &mut LoadedInput, d: Draft) -> PartialCertificate {
    let mut view = Certificate::placeholder();
    let mut known = Known {
        der: false,
        validity: false,
        extensions: false,
        key: false,
        signature_algorithm: false,
    };
    view.subject = Name::from_ios_rdns(d.subject);
    view.issuer = Name::from_ios_rdns(d.issuer);
    view.self_issued = !view.subject.rdns.is_empty()
        && view.subject.ios_text().to_lowercase() == view.issuer.ios_text().to_lowercase();
    if let Some(serial) = &d.entry.serial_printed {
        let hex: String = serial
            .trim()
            .trim_start_matches("0x")
            .trim_start_matches("0X")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect::<String>()
            .to_ascii_uppercase();
        if hex.chars().all(|c| c.is_ascii_hexdigit()) && !hex.is_empty() {
            // IOS prints the INTEGER's content octets, DER sign octet
            // included (`00FF...`); the model drops that one octet.
            let sign_octet = hex.len() > 2
                && hex.len().is_multiple_of(2)
                && hex.starts_with("00")
                && hex[2..3].chars().all(|c| "89ABCDEF".contains(c));
            view.serial = if sign_octet {
                hex[2..].to_string()
            } else {
                hex
            };
        } else {
            input.problem(
                ProblemLevel::Warning,
                Some(d.line),
                None,
                format!("serial `{serial}` is not hexadecimal"),
            );
            view.serial = serial.clone();
        }
    }
    view.version = d.version.unwrap_or(0);
    // Validity: both dates, in known zones, in the right order.
    match (&d.entry.not_before, &d.entry.not_after) {
        (Some(nb), Some(na)) => match (nb.utc, na.utc) {
            (Some(b), Some(a)) if a >= b => {
                view.not_before = b;
                view.not_after = a;
                known.validity = true;
            }
            (Some(_), Some(_)) => input.problem(
                ProblemLevel::Warning,
                Some(d.line),
                None,
                format!(
                    "implausible validity: end date `{}` is before start date `{}` (older IOS \
                     prints dates from 2038 on wrongly); validity not judged from this entry",
                    na.raw, nb.raw
                ),
            ),
            _ => {}
        },
        _ => input.problem(
            ProblemLevel::Warning,
            Some(d.line),
            None,
            "entry has no complete Validity Date (start and end date)",
        ),
    }
    // Key (verbose on IOS, always on ASA).
    if let Some(alg) = &d.key_alg {
        let lower = alg.to_ascii_lowercase();
        if lower.contains("rsa") {
            if let Some(bits) = d.key_bits {
                view.key = KeyInfo::Rsa { bits };
                known.key = true;
            }
        } else if lower.contains("dsa") && !lower.contains("ecdsa") {
            if let Some(bits) = d.key_bits {
                view.key = KeyInfo::Dsa { bits };
                known.key = true;
            }
        }
        // EC: the output names no curve, so the key is not known.
    }
    if let Some(sig) = &d.sig {
        match signature_from_text(sig) {
            Some(s) => {
                view.signature_algorithm = s;
                known.signature_algorithm = true;
            }
            None => input.problem(
                ProblemLevel::Warning,
                Some(d.line),
                None,
                format!("signature algorithm `{sig}` not recognised"),
            ),
        }
    }
    // Every entry ends with its `Associated Trustpoint(s)` line (ASA:
    // before `Storage`); one without it was cut off, and what it did not
    // print cannot count as absent.
    let complete = !d.entry.trustpoints.is_empty();
    if !complete {
        input.problem(
            ProblemLevel::Warning,
            Some(d.line),
            None,
            "entry has no `Associated Trustpoints` line: the output looks cut off, so \
             extensions it does not show are not taken as absent",
        );
    }
    if d.entry.verbose && complete {
        known.extensions = true;
        if let Some(mask) = &d.entry.key_usage_mask {
            match ku_from_mask(mask) {
                Ok(ku) => {
                    check_ku_names(input, d.line, &ku, &d.ku_names);
                    view.key_usage = Some(ku);
                }
                Err(e) => {
                    known.extensions = false;
                    input.problem(ProblemLevel::Warning, Some(d.line), None, e);
                }
            }
        }
        if !d.entry.eku_names.is_empty() {
            let mut purposes = Vec::new();
            for name in &d.entry.eku_names {
                match eku_oid(name) {
                    Some(oid) => purposes.push(oid),
                    None => {
                        input.problem(
                            ProblemLevel::Warning,
                            Some(d.line),
                            None,
                            format!("extended key usage `{name}` not recognised; kept as an unknown purpose"),
                        );
                        purposes.push(format!("unknown:{name}"));
                    }
                }
            }
            view.extended_key_usage = Some(ExtendedKeyUsage {
                critical: false,
                purposes,
            });
        }
        if !d.entry.san_printed.is_empty() {
            view.subject_alt_name = Some(SubjectAltName {
                critical: false,
                entries: d
                    .entry
                    .san_printed
                    .iter()
                    .map(|s| san_from_text(s))
                    .collect(),
            });
        }
        if let Some(ca) = d.ca {
            view.basic_constraints = Some(BasicConstraints {
                critical: false,
                ca,
                path_len: d.path_len,
            });
        }
        view.subject_key_id = d.ski.clone();
        view.authority_key_id = d.aki.clone().map(|k| crate::model::AuthorityKeyId {
            key_id: Some(k),
            issuer: Vec::new(),
            serial: None,
        });
    }
    view.crl_distribution_points = d.entry.crl_distribution_points.clone();
    if !d.entry.ocsp.is_empty() {
        view.authority_info_access = Some(crate::model::AuthorityInfoAccess {
            ocsp: d.entry.ocsp.clone(),
            ..Default::default()
        });
    }
    if let Some(sha1) = &d.entry.sha1 {
        view.sha1 = sha1.clone();
    }
    PartialCertificate {
        kind: d.kind,
        view,
        known,
        show: d.entry,
    }
}

/// `A0000000` → digitalSignature + keyEncipherment: IOS prints the KU bit
/// string left-aligned in a 32-bit word, bit 0 (digitalSignature) first.
pub(crate) fn ku_from_mask(mask: &str) -> Result<KeyUsage, String> {
    let hex = mask.trim();
    let value = u32::from_str_radix(hex, 16)
        .map_err(|_| format!("key usage mask `{hex}` is not 8 hex digits"))?;
    if hex.len() != 8 {
        return Err(format!("key usage mask `{hex}` is not 8 hex digits"));
    }
    if value & 0x007f_ffff != 0 {
        return Err(format!(
            "key usage mask `{hex}` sets bits beyond decipherOnly (bit 8)"
        ));
    }
    let mut flags = 0u16;
    for i in 0..9 {
        if value & (0x8000_0000 >> i) != 0 {
            flags |= 1 << i;
        }
    }
    Ok(KeyUsage {
        critical: false,
        flags,
    })
}

/// The names IOS prints under the mask, as the RFC 5280 names.
fn ku_name(printed: &str) -> Option<&'static str> {
    let p: String = printed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match p.as_str() {
        "digitalsignature" => "digitalSignature",
        "nonrepudiation" => "nonRepudiation",
        "keyencipherment" => "keyEncipherment",
        "dataencipherment" => "dataEncipherment",
        "keyagreement" => "keyAgreement",
        "certsign" | "keycertsign" | "certificatesign" => "keyCertSign",
        "crlsignature" | "crlsign" => "cRLSign",
        "encipheronly" => "encipherOnly",
        "decipheronly" => "decipherOnly",
        _ => return None,
    })
}

fn check_ku_names(input: &mut LoadedInput, line: usize, ku: &KeyUsage, printed: &[String]) {
    if printed.is_empty() {
        return;
    }
    let mut names: Vec<&str> = printed.iter().filter_map(|p| ku_name(p)).collect();
    names.sort_unstable();
    let mut from_mask = ku.names();
    from_mask.sort_unstable();
    if names != from_mask {
        input.problem(
            ProblemLevel::Warning,
            Some(line),
            None,
            format!(
                "key usage names printed ({}) disagree with the mask ({}); the mask is used",
                printed.join(", "),
                from_mask.join(", ")
            ),
        );
    }
}

/// Extended key usage names as IOS and ASA print them.
pub(crate) fn eku_oid(name: &str) -> Option<String> {
    let p: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect::<String>()
        .to_ascii_lowercase();
    Some(
        match p.as_str() {
            "serverauth" | "tlswebserverauthentication" => oids::EKU_SERVER_AUTH,
            "clientauth" | "tlswebclientauthentication" => oids::EKU_CLIENT_AUTH,
            "codesigning" | "codesign" => "1.3.6.1.5.5.7.3.3",
            "emailprotection" | "secureemail" => "1.3.6.1.5.5.7.3.4",
            "ipsecendsystem" => "1.3.6.1.5.5.7.3.5",
            "ipsectunnel" => "1.3.6.1.5.5.7.3.6",
            "ipsecuser" => "1.3.6.1.5.5.7.3.7",
            "timestamping" | "timestamp" => "1.3.6.1.5.5.7.3.8",
            "ocspsigning" | "ocspsign" => "1.3.6.1.5.5.7.3.9",
            "ipsecike" | "ipsecikeintermediate" => oids::EKU_IPSEC_IKE,
            "ikeintermediate" => oids::EKU_IKE_INTERMEDIATE,
            "anyextendedkeyusage" | "any" => oids::EKU_ANY,
            // an OID IOS has no name for is printed dotted
            dotted
                if dotted.contains('.')
                    && dotted.chars().all(|c| c.is_ascii_digit() || c == '.') =>
            {
                return Some(dotted.to_string())
            }
            _ => return None,
        }
        .to_string(),
    )
}

fn san_from_text(s: &str) -> SanEntry {
    let t = s.trim();
    let (label, value) = match t.find(':') {
        Some(i) if !t[..i].contains('/') && !t[i..].starts_with("://") => {
            (t[..i].trim().to_ascii_lowercase(), t[i + 1..].trim())
        }
        _ => (String::new(), t),
    };
    match label.as_str() {
        "dns name" | "dns" => return SanEntry::Dns(value.to_string()),
        "ip address" | "ip" => return SanEntry::Ip(value.to_string()),
        "email" | "email address" => return SanEntry::Email(value.to_string()),
        "uri" => return SanEntry::Uri(value.to_string()),
        "" => {}
        _ => {
            // an IPv6 address has colons too
            if t.parse::<std::net::IpAddr>().is_ok() {
                return SanEntry::Ip(t.to_string());
            }
            return SanEntry::OtherName(t.to_string());
        }
    }
    if value.parse::<std::net::IpAddr>().is_ok() {
        SanEntry::Ip(value.to_string())
    } else if value.contains('@') {
        SanEntry::Email(value.to_string())
    } else if value.contains("://") {
        SanEntry::Uri(value.to_string())
    } else {
        SanEntry::Dns(value.to_string())
    }
}

/// `SHA256 with RSA Encryption`, `ECDSA with SHA384`, `sha1WithRSAEncryption`.
fn signature_from_text(text: &str) -> Option<SignatureAlgorithm> {
    let p: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let hash = if p.contains("sha512") {
        SigHash::Sha512
    } else if p.contains("sha384") {
        SigHash::Sha384
    } else if p.contains("sha256") {
        SigHash::Sha256
    } else if p.contains("sha224") {
        SigHash::Sha224
    } else if p.contains("sha1") {
        SigHash::Sha1
    } else if p.contains("md5") {
        SigHash::Md5
    } else {
        return None;
    };
    let family = if p.contains("ecdsa") {
        "ecdsa"
    } else if p.contains("dsa") {
        "dsa"
    } else if p.contains("rsa") {
        "rsa"
    } else {
        return None;
    };
    let name = match (family, hash) {
        ("rsa", SigHash::Md5) => "md5WithRSAEncryption",
        ("rsa", SigHash::Sha1) => "sha1WithRSAEncryption",
        ("rsa", SigHash::Sha224) => "sha224WithRSAEncryption",
        ("rsa", SigHash::Sha256) => "sha256WithRSAEncryption",
        ("rsa", SigHash::Sha384) => "sha384WithRSAEncryption",
        ("rsa", SigHash::Sha512) => "sha512WithRSAEncryption",
        ("ecdsa", SigHash::Sha1) => "ecdsa-with-SHA1",
        ("ecdsa", SigHash::Sha224) => "ecdsa-with-SHA224",
        ("ecdsa", SigHash::Sha256) => "ecdsa-with-SHA256",
        ("ecdsa", SigHash::Sha384) => "ecdsa-with-SHA384",
        ("ecdsa", SigHash::Sha512) => "ecdsa-with-SHA512",
        ("dsa", SigHash::Sha1) => "dsa-with-sha1",
        ("dsa", SigHash::Sha256) => "dsa-with-sha256",
        _ => return None,
    };
    let oid = oids::signature_algorithm_oid(name)?;
    Some(SignatureAlgorithm {
        name: name.to_string(),
        oid: oid.to_string(),
        hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_masks_read_as_ios_prints_them() {
        let ku = ku_from_mask("A0000000").unwrap();
        assert_eq!(ku.names(), ["digitalSignature", "keyEncipherment"]);
        let ku = ku_from_mask("B0000000").unwrap();
        assert_eq!(
            ku.names(),
            ["digitalSignature", "keyEncipherment", "dataEncipherment"]
        );
        let ku = ku_from_mask("86000000").unwrap();
        assert_eq!(ku.names(), ["digitalSignature", "keyCertSign", "cRLSign"]);
        assert_eq!(ku_from_mask("00800000").unwrap().names(), ["decipherOnly"]);
        assert!(ku_from_mask("00400000").is_err());
        assert!(ku_from_mask("A000").is_err());
        assert!(ku_from_mask("zz000000").is_err());
    }

    #[test]
    fn rdn_lines_multi_valued_and_wrapped() {
        let mut input = LoadedInput::new("t", 0);
        let mut rdns = Vec::new();
        add_rdn_line(&mut input, &mut rdns, "cn=a+ou=b", 1);
        add_rdn_line(&mut input, &mut rdns, "o=Example Long Organisation Na", 2);
        add_rdn_line(&mut input, &mut rdns, "me Ltd", 3);
        add_rdn_line(&mut input, &mut rdns, "e=vpn@example.com", 4);
        add_rdn_line(&mut input, &mut rdns, "cn=x+y", 5);
        assert_eq!(
            rdns,
            vec![
                vec![("cn".into(), "a".into()), ("ou".into(), "b".into())],
                vec![("o".into(), "Example Long Organisation Na, me Ltd".into())],
                vec![("ea".into(), "vpn@example.com".into())],
                vec![("cn".into(), "x+y".into())],
            ]
        );
        assert_eq!(input.problems.len(), 1);
        assert_eq!(input.problems[0].line, Some(3));
    }

    #[test]
    fn signature_algorithm_names() {
        let s = signature_from_text("SHA256 with RSA Encryption").unwrap();
        assert_eq!(s.oid, "1.2.840.113549.1.1.11");
        let s = signature_from_text("SHA1 with RSA Encryption").unwrap();
        assert_eq!(s.hash, SigHash::Sha1);
        let s = signature_from_text("ECDSA with SHA384").unwrap();
        assert_eq!(s.name, "ecdsa-with-SHA384");
        assert!(signature_from_text("rot13").is_none());
    }

    #[test]
    fn prompts_are_recognised() {
        assert!(is_prompt("hub#show crypto pki certificates"));
        assert!(is_prompt("asa/pri/act# sh crypto ca certificates"));
        assert!(is_prompt("Router#"));
        assert!(!is_prompt("cn=a#b"));
        assert!(!is_prompt("    Subject:"));
    }
}
