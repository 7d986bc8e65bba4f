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

use super::{LoadOptions, LoadedInput, ProblemLevel};
use crate::model::partial::{ShowEntry, ShowKind};

mod build;
mod trustpoints;

use build::finish;
pub(super) use trustpoints::{load_trustpoints, looks_like_trustpoints, tag_pem_trustpoints};

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

/// What unlabelled lines belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
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
    let mut ctx = Block::None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches(['\r', ' ', '\t']);
        if let Some(kind) = header(line) {
            if let Some(d) = draft.take() {
                finish(input, d, opts);
            }
            draft = Some(Draft::new(kind, n));
            ctx = Block::None;
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
            ctx = Block::None;
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
            ctx = Block::None;
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
    ctx: Block,
    t: &str,
    n: usize,
    opts: &LoadOptions,
) -> Block {
    let lv = label_value(t);
    // Labelled lines first. A label only counts when it is one we know:
    // `cn=a:b` or a URL is not a label.
    if let Some((label, value)) = &lv {
        let value = *value;
        let next = match label.as_str() {
            "status" => {
                d.entry.status = Some(value.to_string());
                Some(Block::None)
            }
            "certificate serial number (hex)" | "certificate serial number" => {
                d.entry.serial_printed = Some(value.to_string());
                Some(Block::None)
            }
            "certificate usage" | "key usage" => {
                d.entry.usage = Some(value.to_string());
                Some(Block::None)
            }
            "issuer" | "issuer name" => {
                if !value.is_empty() {
                    add_rdn_line(input, &mut d.issuer, value, n);
                }
                Some(Block::Issuer)
            }
            "subject" | "subject name" => {
                if !value.is_empty() {
                    add_rdn_line(input, &mut d.subject, value, n);
                }
                Some(Block::Subject)
            }
            "name" | "ip address" | "serial number" if ctx == Block::Subject => {
                let label = match label.as_str() {
                    "name" => "Name",
                    "ip address" => "IP Address",
                    _ => "Serial Number",
                };
                d.entry
                    .subject_summary
                    .push((label.to_string(), value.to_string()));
                Some(Block::Subject)
            }
            "crl distribution points" | "crl distribution point" => {
                if !value.is_empty() {
                    d.entry.crl_distribution_points.push(strip_index(value));
                }
                Some(Block::Crl)
            }
            "ocsp aia" | "ocsp url" | "ocsp uri" | "ocsp" => {
                if !value.is_empty() {
                    d.entry.ocsp.push(strip_index(value));
                }
                Some(if ctx == Block::Aia {
                    Block::Aia
                } else {
                    Block::Ocsp
                })
            }
            "authority info access" => Some(Block::Aia),
            "ca issuers" | "ca issuers uri" if ctx == Block::Aia => Some(Block::Aia),
            "validity date" => Some(Block::Validity),
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
                Some(Block::Validity)
            }
            "associated trustpoints" | "associated trustpoint" | "associated trustpoint(s)" => {
                d.entry
                    .trustpoints
                    .extend(value.split_whitespace().map(str::to_string));
                Some(Block::None)
            }
            "storage" => {
                d.entry.storage = Some(value.to_string());
                Some(Block::None)
            }
            "version" => {
                d.version = value.split_whitespace().next().and_then(|v| v.parse().ok());
                Some(Block::None)
            }
            "subject key info" => Some(Block::Section),
            "public key algorithm" => {
                d.key_alg = Some(value.to_string());
                Some(Block::Section)
            }
            "rsa public key" | "ec public key" | "ecdsa public key" | "dsa public key" => {
                d.key_bits = bits_in(value);
                if d.key_alg.is_none() {
                    d.key_alg = Some(label.trim_end_matches(" public key").to_string());
                }
                Some(Block::Section)
            }
            // ASA: `Public Key Type: RSA (2048 bits)`.
            "public key type" => {
                d.key_alg = value.split_whitespace().next().map(str::to_string);
                d.key_bits = bits_in(value);
                Some(Block::None)
            }
            "signature algorithm" => {
                d.sig = Some(value.to_string());
                Some(Block::None)
            }
            "fingerprint md5" | "certificate request fingerprint md5" => {
                d.entry.md5 = Some(compact_hex(value));
                Some(Block::None)
            }
            "fingerprint sha1" | "certificate request fingerprint sha1" => {
                d.entry.sha1 = Some(compact_hex(value));
                Some(Block::None)
            }
            "x509v3 extensions" => {
                d.entry.verbose = true;
                Some(Block::Section)
            }
            "x509v3 key usage" => {
                d.entry.verbose = true;
                d.entry.key_usage_mask = Some(value.to_string());
                Some(Block::KeyUsage)
            }
            "x509v3 subject key id" => {
                d.ski = Some(compact_hex(value));
                Some(Block::Section)
            }
            "x509v3 authority key id" => {
                d.aki = Some(compact_hex(value));
                Some(Block::Section)
            }
            "x509v3 basic constraints" => {
                d.entry.verbose = true;
                Some(Block::BasicConstraints)
            }
            "ca" if ctx == Block::BasicConstraints => {
                d.ca = Some(value.eq_ignore_ascii_case("true"));
                Some(Block::BasicConstraints)
            }
            "path length" | "pathlen" | "path length constraint"
                if ctx == Block::BasicConstraints =>
            {
                d.path_len = value.parse().ok();
                Some(Block::BasicConstraints)
            }
            "extended key usage" | "x509v3 extended key usage" => {
                d.entry.verbose = true;
                if !value.is_empty() {
                    d.entry.eku_names.push(value.to_string());
                }
                Some(Block::Eku)
            }
            "x509v3 subject alternative name" | "subject alternative name" => {
                d.entry.verbose = true;
                if !value.is_empty() {
                    d.entry.san_printed.push(value.to_string());
                }
                Some(Block::San)
            }
            // SAN entries printed with a type label (`DNS Name: vpn`).
            "dns name" | "dns" | "ip address" | "ip" | "email" | "email address" | "uri"
            | "upn" | "other name"
                if ctx == Block::San =>
            {
                d.entry.san_printed.push(t.to_string());
                Some(Block::San)
            }
            // Printed, and of no use to the audit.
            "cert install time"
            | "key label"
            | "key storage device"
            | "trustpool"
            | "certificate subject"
            | "last enrollment status"
            | "key pair" => Some(Block::None),
            "x509v3 crl distribution points" => {
                if !value.is_empty() {
                    d.entry.crl_distribution_points.push(strip_index(value));
                }
                Some(Block::Crl)
            }
            _ => None,
        };
        if let Some(next) = next {
            return next;
        }
    }
    // A `Label: value` line under a list of names is a label we do not
    // know, not a list item: names of usages never contain `: `.
    if matches!(ctx, Block::Eku | Block::KeyUsage) && t.contains(": ") {
        input.problem(
            ProblemLevel::Warning,
            Some(n),
            None,
            format!(
                "line not understood inside the entry that starts at line {}: `{t}`",
                d.line
            ),
        );
        return Block::None;
    }
    // Unlabelled: it belongs to the current context.
    match ctx {
        Block::Issuer => add_rdn_line(input, &mut d.issuer, t, n),
        Block::Subject => add_rdn_line(input, &mut d.subject, t, n),
        Block::Crl => d.entry.crl_distribution_points.push(strip_index(t)),
        Block::Ocsp => d.entry.ocsp.push(strip_index(t)),
        Block::Aia => {
            let v = strip_index(t);
            if v.contains("://") {
                d.entry.ocsp.push(v)
            }
        }
        Block::KeyUsage => d.ku_names.push(t.to_string()),
        Block::Eku => d.entry.eku_names.push(t.to_string()),
        Block::San => d.entry.san_printed.push(t.to_string()),
        Block::Section | Block::BasicConstraints => {}
        Block::Validity | Block::None => input.problem(
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

#[cfg(test)]
mod tests;
