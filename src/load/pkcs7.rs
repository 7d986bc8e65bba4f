//! PKCS#7 / CMS certs-only bundles (`.p7b`, `.p7c`), as Windows / AD CS and
//! `openssl crl2pkcs7` write them (RFC 2315 §9.1, RFC 5652 §5.1).
//!
//! The ASN.1 is read with `asn1-rs` (the BER layer of `der-parser` and
//! `x509-parser`), which accepts the indefinite lengths some exporters use.
//! Only the structure around the certificates is walked; each certificate
//! is parsed by `x509-parser` on its own, so one bad entry does not hide the
//! others.

use x509_parser::asn1_rs::{Any, Class, FromBer, Oid, Tag};

use super::{Container, LoadedInput, ProblemLevel};

/// id-signedData (1.2.840.113549.1.7.2).
const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// One entry of the `certificates` SET.
pub(super) enum Entry<'a> {
    /// A `Certificate` (SEQUENCE): its full encoding.
    Certificate(&'a [u8]),
    /// Another CertificateChoices alternative (attribute certificates,
    /// extended certificates, other formats), by its context tag.
    Other(u32),
}

/// What a bundle holds.
pub(super) struct Bundle<'a> {
    pub entries: Vec<Result<Entry<'a>, String>>,
    pub crls: usize,
    pub signers: usize,
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

/// Split `der` into the encodings of its elements.
fn elements(mut data: &[u8]) -> Result<Vec<(Any<'_>, &[u8])>, String> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let (rest, any) = Any::from_ber(data).map_err(|e| err("bad element", e))?;
        let used = data.len() - rest.len();
        out.push((any, &data[..used]));
        data = rest;
    }
    Ok(out)
}

/// Read the certificates of a PKCS#7 SignedData ContentInfo.
pub(super) fn certificates(der: &[u8]) -> Result<Bundle<'_>, String> {
    let (_, content_info) = Any::from_ber(der).map_err(|e| err("not an ASN.1 structure", e))?;
    if content_info.tag() != Tag::Sequence {
        return Err("ContentInfo is not a SEQUENCE".into());
    }
    let (rest, content_type) =
        Oid::from_ber(content_info.data).map_err(|e| err("no contentType OID", e))?;
    let content_type = content_type.to_id_string();
    if content_type != SIGNED_DATA {
        return Err(format!(
            "contentType is {content_type}, not signedData ({SIGNED_DATA})"
        ));
    }
    let (_, explicit) = Any::from_ber(rest).map_err(|e| err("no [0] content", e))?;
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
    let fields = elements(signed_data.data)?;
    let mut bundle = Bundle {
        entries: Vec::new(),
        crls: 0,
        signers: 0,
    };
    let mut saw_version = false;
    for (any, _) in fields {
        match (any.class(), any.tag()) {
            (Class::Universal, Tag::Integer) => saw_version = true,
            (Class::ContextSpecific, Tag(0)) => {
                bundle.entries = match elements(any.data) {
                    Ok(list) => list
                        .into_iter()
                        .map(|(item, raw)| {
                            Ok(match (item.class(), item.tag()) {
                                (Class::Universal, Tag::Sequence) => Entry::Certificate(raw),
                                (_, Tag(t)) => Entry::Other(t),
                            })
                        })
                        .collect(),
                    Err(e) => vec![Err(format!("certificates SET is damaged: {e}"))],
                }
            }
            (Class::ContextSpecific, Tag(1)) => {
                bundle.crls = elements(any.data).map(|l| l.len()).unwrap_or(0)
            }
            (Class::Universal, Tag::Set) if saw_version => {
                // The first SET is digestAlgorithms; signerInfos is the last.
                bundle.signers = elements(any.data).map(|l| l.len()).unwrap_or(0);
            }
            _ => {}
        }
    }
    if !saw_version {
        return Err("SignedData has no version".into());
    }
    Ok(bundle)
}

/// Add a bundle's certificates to `input`, reporting everything else in it.
pub(super) fn add_bundle(
    input: &mut LoadedInput,
    bundle: &Bundle<'_>,
    container: Container,
    line: Option<usize>,
) {
    if bundle.entries.is_empty() {
        input.problem(
            ProblemLevel::Error,
            line,
            None,
            "PKCS#7 bundle holds no certificates",
        );
    }
    for (i, entry) in bundle.entries.iter().enumerate() {
        let item = Some(i + 1);
        match entry {
            Ok(Entry::Certificate(der)) => input.add_der(der, container, line, item, false),
            Ok(Entry::Other(tag)) => input.problem(
                ProblemLevel::Note,
                line,
                item,
                format!(
                    "PKCS#7 entry [{tag}] is not an X.509 certificate (attribute or other certificate format): skipped"
                ),
            ),
            Err(e) => input.problem(ProblemLevel::Error, line, item, e.clone()),
        }
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
