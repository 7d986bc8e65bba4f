//! PEM text (RFC 7468): many blocks per file, text before, between and after
//! them (as in mails, pastes and `openssl x509 -text` output), CRLF, and
//! indented lines.
//!
//! The file is cut into blocks here so that each problem can name its line
//! and one bad block does not hide the rest; each block is then decoded by
//! the `pem` crate.

use super::{objects, pkcs7, Container, LoadedInput, ProblemLevel};

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// True when the input has at least one PEM BEGIN marker.
pub(super) fn looks_like_pem(bytes: &[u8]) -> bool {
    find(bytes, BEGIN).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The bytes of a base64 body line: letters, digits, `+`, `/` and `=`.
const BASE64: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=';
        b += 1;
    }
    t
};

/// A byte of a base64 body line.
fn is_base64(b: &u8) -> bool {
    BASE64[usize::from(*b)]
}

/// The blocks of a text that is PEM blocks and nothing else: every line
/// blank, a BEGIN or END marker with its matching label, or base64 inside a
/// block. Such a file holds no Cisco command output, configuration,
/// quoting or escapes, so it is read as PEM without trying those readers
/// first, in one pass (same result as [`load`], a tenth of the work on the
/// single-certificate files of a large inventory). `None` for any other
/// text, which takes the long way.
pub(super) fn plain_blocks(bytes: &[u8]) -> Option<Vec<Block<'_>>> {
    let mut open: Option<Block<'_>> = None;
    let mut blocks = Vec::new();
    for (i, line) in lines(bytes).enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix(BEGIN) {
            if open.is_some() {
                return None;
            }
            open = Some(Block {
                label: label_end(rest)?,
                begin_line: i + 1,
                body: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix(END) {
            let block = open.take()?;
            if label_end(rest)? != block.label {
                return None;
            }
            blocks.push(block);
        } else {
            let block = open.as_mut()?;
            if !line.iter().all(is_base64) {
                return None;
            }
            block.body.push((i + 1, line));
        }
    }
    (open.is_none() && !blocks.is_empty()).then_some(blocks)
}

/// True when [`plain_blocks`] reads the text.
#[cfg(test)]
fn is_plain_pem(bytes: &[u8]) -> bool {
    plain_blocks(bytes).is_some()
}

/// `LABEL-----`: a label of letters, digits, spaces, `#`, `.` and `-`
/// (RFC 7468 labels and the older `X.509 CERTIFICATE`, `PKCS #7 SIGNED
/// DATA`), then the closing dashes, then nothing: the label. A label that
/// holds five dashes itself is left to the long way.
fn label_end(rest: &[u8]) -> Option<&[u8]> {
    rest.strip_suffix(DASHES).filter(|label| {
        !label.is_empty()
            && !label.ends_with(b"-")
            && find(label, DASHES).is_none()
            && label
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'#' | b'.' | b'-'))
    })
}

/// A `-----BEGIN X-----` or `-----END X-----` marker on a line: the label.
fn marker<'a>(line: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    // Body lines hold no dash: one byte scan settles them.
    memchr::memchr(b'-', line)?;
    let start = find(line, kind)? + kind.len();
    let rest = &line[start..];
    let end = find(rest, DASHES)?;
    Some(&rest[..end])
}

pub(super) struct Block<'a> {
    label: &'a [u8],
    begin_line: usize,
    body: Vec<(usize, &'a [u8])>,
}

/// Lines ending in LF, CRLF or a lone CR (classic Mac), without the ending.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let text = rest?;
        match memchr::memchr2(b'\n', b'\r', text) {
            Some(i) => {
                let skip = if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = Some(&text[i + skip..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// A line that looks like part of a PEM body: long and all base64.
fn looks_like_body(line: &[u8]) -> bool {
    line.len() >= 40 && line.iter().all(is_base64)
}

/// Base64 lines met outside any block: a body whose BEGIN (and maybe END)
/// line was damaged. Reported, never dropped in silence.
#[derive(Default)]
struct Orphan {
    first: usize,
    last: usize,
    lines: usize,
}

impl Orphan {
    fn see(&mut self, line_no: usize, line: &[u8]) -> bool {
        if looks_like_body(line) {
            if self.lines == 0 {
                self.first = line_no;
            }
            self.last = line_no;
            self.lines += 1;
            true
        } else {
            false
        }
    }

    /// Report a run of at least three body lines, then forget it.
    fn flush(&mut self, input: &mut LoadedInput) {
        if self.lines >= 3 {
            input.problem(
                ProblemLevel::Error,
                Some(self.first),
                None,
                format!(
                    "lines {}-{} look like a PEM body without its BEGIN and END lines \
                     (damaged markers?): not read",
                    self.first, self.last
                ),
            );
        }
        *self = Orphan::default();
    }
}

/// A mail client's quoting (`> `, `>> `, `> > `) taken off a line: base64
/// never starts with `>`, so this cannot eat a body.
fn unquote(line: &[u8]) -> &[u8] {
    let mut rest = line.trim_ascii_start();
    while let Some(after) = rest.strip_prefix(b">") {
        rest = after.trim_ascii_start();
    }
    rest
}

/// The pieces of one physical line as PEM lines: a PEM quoted in a reply
/// (`> `), escaped inside a JSON or YAML string (`\n` for each line
/// break), or flattened to one line by a chat or mail client (`-----BEGIN
/// CERTIFICATE----- MIIB... -----END CERTIFICATE-----`) reads as the PEM it
/// was. Every piece keeps the physical line's number.
fn pieces<'a>(raw_line: &'a [u8], out: &mut Vec<&'a [u8]>) {
    out.clear();
    let line = unquote(raw_line.trim_ascii());
    // Most lines are one piece: no marker dashes, no escaped line break.
    if memchr::memchr2(b'-', b'\\', line).is_none() {
        out.push(line);
        return;
    }
    let mut segments = Vec::new();
    let mut rest = line;
    // `\n` (and `\r\n`) as text: base64 and PEM labels hold no backslash.
    while let Some(i) = find(rest, b"\\n") {
        segments.push(rest[..i].strip_suffix(b"\\r").unwrap_or(&rest[..i]));
        rest = &rest[i + 2..];
    }
    segments.push(rest);
    for segment in segments {
        let mut seg = unquote(segment.trim_ascii());
        loop {
            let next = [find(seg, BEGIN), find(seg, END)]
                .into_iter()
                .flatten()
                .min();
            let Some(at) = next else {
                if !seg.trim_ascii().is_empty() {
                    out.push(seg.trim_ascii());
                }
                break;
            };
            let before = seg[..at].trim_ascii();
            if !before.is_empty() {
                out.push(before);
            }
            // The marker runs to the dashes that close its label.
            let kind = if seg[at..].starts_with(BEGIN) {
                BEGIN
            } else {
                END
            };
            let label_start = at + kind.len();
            let end = match find(&seg[label_start..], DASHES) {
                Some(d) => label_start + d + DASHES.len(),
                None => seg.len(),
            };
            out.push(&seg[at..end]);
            seg = &seg[end..];
        }
    }
    if out.is_empty() {
        out.push(b"");
    }
}

pub(super) fn load(input: &mut LoadedInput, bytes: &[u8]) {
    let mut open: Option<Block<'_>> = None;
    let mut orphan = Orphan::default();
    let mut buf = Vec::new();
    for (i, raw) in lines(bytes).enumerate() {
        pieces(raw, &mut buf);
        for &line in &buf {
            piece(input, &mut open, &mut orphan, i + 1, line);
        }
    }
    finish(input, open, orphan);
}

/// One PEM line of the text (a piece of a physical line).
fn piece<'a>(
    input: &mut LoadedInput,
    open: &mut Option<Block<'a>>,
    orphan: &mut Orphan,
    line_no: usize,
    line: &'a [u8],
) {
    if let Some(label) = marker(line, BEGIN) {
        orphan.flush(input);
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
        *open = Some(Block {
            label,
            begin_line: line_no,
            body: Vec::new(),
        });
    } else if let Some(label) = marker(line, END) {
        match open.take() {
            Some(block) if block.label == label => decode_block(input, &block, false),
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
            None if orphan.lines > 0 => {
                input.problem(
                    ProblemLevel::Error,
                    Some(line_no),
                    None,
                    format!(
                        "END '{}' without a BEGIN line: the PEM body at lines {}-{} \
                             before it was not read (damaged BEGIN line?)",
                        lossy(label),
                        orphan.first,
                        orphan.last
                    ),
                );
                *orphan = Orphan::default();
            }
            None => input.problem(
                ProblemLevel::Warning,
                Some(line_no),
                None,
                format!("END '{}' without a BEGIN line was ignored", lossy(label)),
            ),
        }
    } else if let Some(block) = open.as_mut() {
        if line.contains(&b':') {
            // An RFC 1421 header (`Proc-Type: 4,ENCRYPTED`), whole.
            block.body.push((line_no, line));
        } else {
            // Base64 a flattened paste joined with spaces: one piece each.
            block.body.extend(
                line.split(|b| b.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                    .map(|w| (line_no, w)),
            );
        }
    } else if !orphan.see(line_no, line) {
        orphan.flush(input);
    }
}

/// The end of the text: a run of body lines or an open block is reported.
fn finish(input: &mut LoadedInput, open: Option<Block<'_>>, mut orphan: Orphan) {
    orphan.flush(input);
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
    Certificate {
        trusted: bool,
    },
    Pkcs7,
    /// A key, CSR, CRL, public key or another type: recorded, not read as a
    /// certificate.
    Object,
}

fn kind(label: &[u8]) -> Kind {
    match label {
        b"CERTIFICATE" | b"X509 CERTIFICATE" | b"X.509 CERTIFICATE" => {
            Kind::Certificate { trusted: false }
        }
        b"TRUSTED CERTIFICATE" => Kind::Certificate { trusted: true },
        b"PKCS7" | b"PKCS #7 SIGNED DATA" | b"CMS" => Kind::Pkcs7,
        _ => Kind::Object,
    }
}

/// A block that is not a certificate: what it is, from its label and, when
/// its body decodes, its content. Nothing of the body is printed.
fn record_object(input: &mut LoadedInput, block: &Block<'_>) {
    use base64::Engine;
    let mut headers = Vec::new();
    let mut body = Vec::new();
    for (_, l) in &block.body {
        match std::str::from_utf8(l) {
            Ok(h) if h.contains(':') => headers.push(h),
            _ => body.extend_from_slice(l),
        }
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(&body)
        .ok()
        .filter(|d| !d.is_empty());
    let label = lossy(block.label);
    let kind = objects::from_pem(&label, &headers, der.as_deref());
    input.add_object(
        kind,
        Some(block.begin_line),
        "pem",
        &format!("PEM block '{label}' is"),
    );
}

/// The blocks [`plain_blocks`] found: their lines are base64 already.
pub(super) fn load_plain(input: &mut LoadedInput, blocks: &[Block<'_>]) {
    for block in blocks {
        decode_block(input, block, true);
    }
}

fn decode_block(input: &mut LoadedInput, block: &Block<'_>, checked: bool) {
    let line = Some(block.begin_line);
    let (trusted, is_pkcs7) = match kind(block.label) {
        Kind::Certificate { trusted } => (trusted, false),
        Kind::Pkcs7 => (false, true),
        Kind::Object => return record_object(input, block),
    };
    // Point at the first line that cannot be base64, which is what an
    // operator needs to fix a paste. Header lines (RFC 1421 `Name: value`)
    // are left to the pem crate.
    for (line_no, text) in block.body.iter().filter(|_| !checked) {
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
    let Some(der) = block_der(input, block) else {
        return;
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
            Ok(bundle) => {
                pkcs7::add_bundle(input, &bundle, Container::PemPkcs7, line);
                if bundle.trailing() > 0 {
                    input.problem(
                        ProblemLevel::Warning,
                        line,
                        None,
                        format!(
                            "{} bytes after the PKCS#7 bundle in this block were not read",
                            bundle.trailing()
                        ),
                    );
                }
            }
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
    } else if let Err(e) = input.try_add_der(&der, Container::Pem, line, None, trusted) {
        // A key or CSR saved under a CERTIFICATE label (renamed by hand) is
        // named for what it is.
        match objects::recognise_der(&der) {
            Some(kind) => input.add_object(
                kind,
                line,
                "pem",
                &format!(
                    "PEM block '{}' is mislabelled: it holds",
                    lossy(block.label)
                ),
            ),
            None => input.problem(ProblemLevel::Error, line, None, e),
        }
    }
}

/// The DER of a certificate or PKCS#7 block whose lines were checked to be
/// base64 (or RFC 1421 headers); `None` after reporting why not. The
/// common block, base64 only, is decoded here; a block with headers, or
/// one that does not decode, goes through the `pem` crate, whose decoding
/// is the same (RFC 4648 base64, padded) and whose error is reported.
fn block_der(input: &mut LoadedInput, block: &Block<'_>) -> Option<Vec<u8>> {
    use base64::Engine;
    if !block.body.iter().any(|(_, l)| l.contains(&b':')) {
        let mut body = Vec::with_capacity(block.body.iter().map(|(_, l)| l.len()).sum());
        for (_, l) in &block.body {
            body.extend_from_slice(l);
        }
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(&body) {
            return Some(der);
        }
    }
    let line = Some(block.begin_line);
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
    match pem::parse(&text) {
        Ok(p) => Some(p.into_contents()),
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
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_plain_pem;

    const BODY: &str = "MIIBszCCAVmgAwIBAgIUJ7dJ6Z8Y0y7Ne1d8n8sPq3G9LmswCgYIKoZIzj0EAwIw";

    /// Only PEM blocks and blank lines take the shortcut; anything a text
    /// reader might want (a `show` header, quoting, headers, a body
    /// outside a block, an open block) goes the long way.
    #[test]
    fn only_blocks_and_blank_lines_are_plain_pem() {
        let block =
            |label: &str| format!("-----BEGIN {label}-----\n{BODY}\n-----END {label}-----\n");
        let plain = [
            block("CERTIFICATE"),
            format!(
                "\r\n  {}\r\n\r\n{}",
                block("CERTIFICATE"),
                block("X509 CRL")
            ),
            block("PKCS #7 SIGNED DATA"),
            block("X.509 CERTIFICATE").replace('\n', "\r\n"),
        ];
        for text in &plain {
            assert!(is_plain_pem(text.as_bytes()), "{text}");
        }
        let not_plain = [
            String::new(),
            "\n\n".to_string(),
            format!("Certificate\n  Status: Available\n{}", block("CERTIFICATE")),
            format!(
                "{}% The PEM-encoded CA certificate follows:\n",
                block("CERTIFICATE")
            ),
            format!("------Trustpoint: TP------\n{}", block("CERTIFICATE")),
            block("CERTIFICATE").replace("-----BEGIN", "> -----BEGIN"),
            block("CERTIFICATE").replace('\n', "\\n"),
            block("RSA PRIVATE KEY").replace(BODY, &format!("Proc-Type: 4,ENCRYPTED\n{BODY}")),
            format!("{BODY}\n{}", block("CERTIFICATE")),
            format!("-----BEGIN CERTIFICATE-----\n{BODY}\n"),
            format!("{}-----END CERTIFICATE-----\n", block("CERTIFICATE")),
            block("CERTIFICATE")
                .replace("-----END CERTIFICATE-----", "-----END CERTIFICATE----- x"),
            // Mismatched END, and a label holding five dashes: the long way
            // reports them.
            block("CERTIFICATE").replace("END CERTIFICATE", "END X509 CRL"),
            block("A-----B"),
        ];
        for text in &not_plain {
            assert!(!is_plain_pem(text.as_bytes()), "{text}");
        }
    }

    /// The one-pass reading gives what the long way gives: the same
    /// certificates, places, objects and problems.
    #[test]
    fn plain_blocks_read_as_the_long_way_reads_them() {
        let root = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/pki/root-ca.pem"
        ))
        .unwrap();
        let leaf = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/headend/vpn-example-com.pem"
        ))
        .unwrap();
        // A body line lost: still base64, no longer a certificate.
        let truncated: String = root
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 2)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        let texts = [
            root.clone(),
            format!("{leaf}\n\n{root}"),
            leaf.replace('\n', "\r\n"),
            format!("  {}", root.replace('\n', "\n  ")),
            format!("{root}-----BEGIN X509 CRL-----\n{BODY}\n-----END X509 CRL-----\n"),
            // A body that is base64 but no certificate, and a damaged one.
            format!("-----BEGIN CERTIFICATE-----\n{BODY}\n-----END CERTIFICATE-----\n"),
            truncated,
        ];
        for text in &texts {
            let bytes = text.as_bytes();
            let Some(blocks) = super::plain_blocks(bytes) else {
                panic!("not plain: {text}");
            };
            let mut fast = super::LoadedInput::new("f.pem", bytes.len() as u64);
            super::load_plain(&mut fast, &blocks);
            let mut long = super::LoadedInput::new("f.pem", bytes.len() as u64);
            super::load(&mut long, bytes);
            assert!(
                !fast.certs.is_empty() || !fast.problems.is_empty() || !fast.objects.is_empty()
            );
            assert_eq!(format!("{fast:?}"), format!("{long:?}"), "{text}");
        }
    }
}
