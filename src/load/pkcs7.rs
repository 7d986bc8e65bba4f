//! PKCS#7 / CMS certs-only bundles (`.p7b`, `.p7c`), as Windows / AD CS and
//! `openssl crl2pkcs7` write them (RFC 2315 §9.1, RFC 5652 §5.1).
//!
//! The ASN.1 is read with `asn1-rs` (the BER layer of `der-parser` and
//! `x509-parser`), which accepts the indefinite lengths some exporters use.
//! Only the structure around the certificates is walked; each certificate
//! is parsed by `x509-parser` on its own, so one bad entry does not hide the
//! others. The certificates SET is walked lazily: a bundle of millions of
//! tiny entries costs no more memory than its problems, which are capped.

use x509_parser::asn1_rs::{Any, Class, FromBer, Oid, Tag};

use super::{Container, LoadedInput, ProblemLevel};

/// id-signedData (1.2.840.113549.1.7.2).
const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// What a bundle holds.
pub(super) struct Bundle<'a> {
    /// The content of the `[0] IMPLICIT SET OF CertificateChoices`, if any.
    certificates: Option<&'a [u8]>,
    crls: usize,
    signers: usize,
    /// Bytes after the ContentInfo.
    trailing: usize,
}

impl Bundle<'_> {
    /// Bytes after the ContentInfo.
    pub(super) fn trailing(&self) -> usize {
        self.trailing
    }
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

/// The elements of a constructed value's content, one at a time, each with
/// its full encoding. Stops at the first element that cannot be read.
struct Elements<'a> {
    data: &'a [u8],
    failed: bool,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<(Any<'a>, &'a [u8]), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.data.is_empty() || self.failed {
            return None;
        }
        match Any::from_ber(self.data) {
            Ok((rest, any)) => {
                let raw = &self.data[..self.data.len() - rest.len()];
                self.data = rest;
                Some(Ok((any, raw)))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(format!(
                    "cannot be read ({e}); the {} bytes from here to the end of the SET are lost",
                    self.data.len()
                )))
            }
        }
    }
}

fn elements(data: &[u8]) -> Elements<'_> {
    Elements {
        data,
        failed: false,
    }
}

/// Read the structure of a PKCS#7 SignedData ContentInfo.
pub(super) fn certificates(der: &[u8]) -> Result<Bundle<'_>, String> {
    let (rest, content_info) = Any::from_ber(der).map_err(|e| err("not an ASN.1 structure", e))?;
    if content_info.tag() != Tag::Sequence {
        return Err("ContentInfo is not a SEQUENCE".into());
    }
    let (rest_ci, content_type) = match Any::from_ber(content_info.data) {
        Ok((r, any)) if any.tag() == Tag::Oid => {
            let oid = Oid::new(std::borrow::Cow::Borrowed(any.data));
            (r, oid.to_id_string())
        }
        _ => return Err("ContentInfo does not start with a contentType OID".into()),
    };
    if content_type != SIGNED_DATA {
        return Err(format!(
            "contentType is {}, not signedData ({SIGNED_DATA})",
            truncate(&content_type, 64)
        ));
    }
    let (_, explicit) = Any::from_ber(rest_ci).map_err(|e| err("no [0] content", e))?;
    if explicit.class() != Class::ContextSpecific || explicit.tag() != Tag(0) {
        return Err("signedData content is not tagged [0]".into());
    }
    let (_, signed_data) =
        Any::from_ber(explicit.data).map_err(|e| err("SignedData is not readable", e))?;
    if signed_data.tag() != Tag::Sequence {
        return Err("SignedData is not a SEQUENCE".into());
    }
    // version, digestAlgorithms, encapContentInfo, [0] certificates,
    // [1] crls, signerInfos.
    let mut bundle = Bundle {
        certificates: None,
        crls: 0,
        signers: 0,
        trailing: rest.len(),
    };
    let mut saw_version = false;
    for field in elements(signed_data.data) {
        let (any, _) = field.map_err(|e| format!("SignedData field {e}"))?;
        match (any.class(), any.tag()) {
            (Class::Universal, Tag::Integer) => saw_version = true,
            (Class::ContextSpecific, Tag(0)) => bundle.certificates = Some(any.data),
            (Class::ContextSpecific, Tag(1)) => bundle.crls = elements(any.data).count(),
            (Class::Universal, Tag::Set) if saw_version => {
                // The first SET is digestAlgorithms; signerInfos is the last.
                bundle.signers = elements(any.data).count();
            }
            _ => {}
        }
    }
    if !saw_version {
        return Err("SignedData has no version".into());
    }
    Ok(bundle)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// Add a bundle's certificates to `input`, reporting everything else in it.
pub(super) fn add_bundle(
    input: &mut LoadedInput,
    bundle: &Bundle<'_>,
    container: Container,
    line: Option<usize>,
) {
    let mut entries = 0;
    for (i, entry) in elements(bundle.certificates.unwrap_or(&[])).enumerate() {
        entries += 1;
        let item = Some(i + 1);
        match entry {
            Ok((any, raw)) => match (any.class(), any.tag()) {
                (Class::Universal, Tag::Sequence) => {
                    input.add_der(raw, container, line, item, false)
                }
                (Class::ContextSpecific, Tag(t)) => input.problem(
                    ProblemLevel::Note,
                    line,
                    item,
                    format!(
                        "PKCS#7 entry [{t}] is not an X.509 certificate (attribute or other \
                         certificate format): skipped"
                    ),
                ),
                (class, Tag(t)) => input.problem(
                    ProblemLevel::Error,
                    line,
                    item,
                    format!(
                        "PKCS#7 entry is damaged: a {} tag {t} where a certificate \
                         (SEQUENCE) belongs",
                        class_name(class)
                    ),
                ),
            },
            Err(e) => input.problem(ProblemLevel::Error, line, item, format!("PKCS#7 entry {e}")),
        }
    }
    if entries == 0 {
        input.problem(
            ProblemLevel::Error,
            line,
            None,
            "PKCS#7 bundle holds no certificates",
        );
    }
    if bundle.signers > 0 {
        input.problem(
            ProblemLevel::Note,
            line,
            None,
            format!(
                "PKCS#7 is a signed message with {} signer(s); only its certificates are read, the signature is not checked",
                bundle.signers
            ),
        );
    }
    if bundle.crls > 0 {
        input.problem(
            ProblemLevel::Note,
            line,
            None,
            format!(
                "PKCS#7 bundle also holds {} CRL(s): not audited here",
                bundle.crls
            ),
        );
    }
}
/// An ASN.1 tag class as X.690 §8.1.2.2 names it.
fn class_name(class: Class) -> &'static str {
    match class {
        Class::Universal => "universal",
        Class::Application => "application",
        Class::ContextSpecific => "context-specific",
        Class::Private => "private",
    }
}
