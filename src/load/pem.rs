//! PEM text (RFC 7468): many blocks per file, text before, between and after
//! them (as in mails, pastes and `openssl x509 -text` output), CRLF, and
//! indented lines.
//!
//! The file is cut into blocks here so that each problem can name its line
//! and one bad block does not hide the rest; each block is then decoded by
//! the `pem` crate.

use super::{pkcs7, Container, LoadedInput, ProblemLevel};

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// True when the input has at least one PEM BEGIN marker.
pub(super) fn looks_like_pem(bytes: &[u8]) -> bool {
    find(bytes, BEGIN).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A `-----BEGIN X-----` or `-----END X-----` marker on a line: the label.
fn marker<'a>(line: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    let start = find(line, kind)? + kind.len();
    let rest = &line[start..];
    let end = find(rest, DASHES)?;
    Some(&rest[..end])
}

struct Block<'a> {
    label: &'a [u8],
    begin_line: usize,
    body: Vec<(usize, &'a [u8])>,
}

pub(super) fn load(input: &mut LoadedInput, bytes: &[u8]) {
    let mut open: Option<Block<'_>> = None;
    for (i, raw_line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = i + 1;
        let line = raw_line.trim_ascii();
        if let Some(label) = marker(line, BEGIN) {
            if let Some(block) = open.take() {
                input.problem(
                    ProblemLevel::Error,
                    Some(block.begin_line),
                    None,
                    format!(
                        "PEM block '{}' has no END line before the next BEGIN at line {line_no} (truncated?)",
                        lossy(block.label)
                    ),
                );
            }
            open = Some(Block {
                label,
                begin_line: line_no,
                body: Vec::new(),
            });
        } else if let Some(label) = marker(line, END) {
            match open.take() {
                Some(block) if block.label == label => decode_block(input, &block),
                Some(block) => input.problem(
                    ProblemLevel::Error,
                    Some(block.begin_line),
                    None,
                    format!(
                        "PEM block '{}' ends with a mismatched END '{}' at line {line_no}",
                        lossy(block.label),
                        lossy(label)
                    ),
                ),
                None => input.problem(
                    ProblemLevel::Warning,
                    Some(line_no),
                    None,
                    format!("END '{}' without a BEGIN line was ignored", lossy(label)),
                ),
            }
        } else if let Some(block) = open.as_mut() {
            if !line.is_empty() {
                block.body.push((line_no, line));
            }
        }
    }
    if let Some(block) = open {
        input.problem(
            ProblemLevel::Error,
            Some(block.begin_line),
            None,
            format!(
                "PEM block '{}' has no END line (truncated?)",
                lossy(block.label)
            ),
        );
    }
}

fn lossy(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    // Keep error messages one line and short, whatever the input holds.
    s.chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

enum Kind {
    Certificate { trusted: bool },
    Pkcs7,
    Skip(ProblemLevel, &'static str),
}

fn kind(label: &[u8]) -> Kind {
    match label {
        b"CERTIFICATE" | b"X509 CERTIFICATE" | b"X.509 CERTIFICATE" => {
            Kind::Certificate { trusted: false }
        }
        b"TRUSTED CERTIFICATE" => Kind::Certificate { trusted: true },
        b"PKCS7" | b"PKCS #7 SIGNED DATA" | b"CMS" => Kind::Pkcs7,
        b"X509 CRL" => Kind::Skip(
            ProblemLevel::Note,
            "a CRL, not a certificate: not audited here",
        ),
        b"CERTIFICATE REQUEST" | b"NEW CERTIFICATE REQUEST" => Kind::Skip(
            ProblemLevel::Note,
            "a certificate signing request, not a certificate: skipped",
        ),
        b"PUBLIC KEY" | b"RSA PUBLIC KEY" => Kind::Skip(
            ProblemLevel::Note,
            "a bare public key, not a certificate: skipped",
        ),
        l if l.ends_with(b"PRIVATE KEY") => Kind::Skip(
            ProblemLevel::Warning,
            "a private key: not read. Keep private keys out of files you share",
        ),
        _ => Kind::Skip(ProblemLevel::Note, "not a certificate: skipped"),
    }
}

fn decode_block(input: &mut LoadedInput, block: &Block<'_>) {
    let line = Some(block.begin_line);
    let (trusted, is_pkcs7) = match kind(block.label) {
        Kind::Certificate { trusted } => (trusted, false),
        Kind::Pkcs7 => (false, true),
        Kind::Skip(level, why) => {
            input.problem(
                level,
                line,
                None,
                format!("PEM block '{}' is {why}", lossy(block.label)),
            );
            return;
        }
    };
    // Point at the first line that cannot be base64, which is what an
    // operator needs to fix a paste. Header lines (RFC 1421 `Name: value`)
    // are left to the pem crate.
    for (line_no, text) in &block.body {
        let is_header = text.contains(&b':');
        if let Some(bad) = text
            .iter()
            .find(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
        {
            if !is_header {
                input.problem(
                    ProblemLevel::Error,
                    Some(*line_no),
                    None,
                    format!(
                        "PEM block '{}' (BEGIN at line {}): character {:?} is not base64",
                        lossy(block.label),
                        block.begin_line,
                        char::from(*bad)
                    ),
                );
                return;
            }
        }
    }
    let mut text =
        Vec::with_capacity(block.body.iter().map(|(_, l)| l.len() + 1).sum::<usize>() + 80);
    text.extend_from_slice(b"-----BEGIN ");
    text.extend_from_slice(block.label);
    text.extend_from_slice(b"-----\n");
    for (_, l) in &block.body {
        text.extend_from_slice(l);
        text.push(b'\n');
    }
    text.extend_from_slice(b"-----END ");
    text.extend_from_slice(block.label);
    text.extend_from_slice(b"-----\n");
    let der = match pem::parse(&text) {
        Ok(p) => p.into_contents(),
        Err(e) => {
            input.problem(
                ProblemLevel::Error,
                line,
                None,
                format!(
                    "PEM block '{}' could not be decoded: {e}",
                    lossy(block.label)
                ),
            );
            return;
        }
    };
    if der.is_empty() {
        input.problem(
            ProblemLevel::Error,
            line,
            None,
            format!("PEM block '{}' is empty", lossy(block.label)),
        );
        return;
    }
    if is_pkcs7 {
        match pkcs7::certificates(&der) {
            Ok(bundle) => pkcs7::add_bundle(input, &bundle, Container::PemPkcs7, line),
            Err(e) => input.problem(
                ProblemLevel::Error,
                line,
                None,
                format!(
                    "PEM block '{}' is not a PKCS#7 bundle: {e}",
                    lossy(block.label)
                ),
            ),
        }
    } else {
        input.add_der(&der, Container::Pem, line, None, trusted);
    }
}
