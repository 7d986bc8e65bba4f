//! DER framing of a CertificateList, read with der-parser's header parsing
//! so x509-parser can be given the CRL without its entries.

use std::borrow::Cow;

use der_parser::asn1_rs::{Length, ToDer};
use der_parser::der::{der_read_element_header, Header, Tag};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

/// The directory name in a certificateIssuer extension value (GeneralNames,
/// §5.3.3), as DER.
pub(super) fn directory_name(value: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::extensions::GeneralName;
    let (_, seq) = der_parser::der::parse_der_sequence_defined_g(|mut content, _| {
        let mut names = Vec::new();
        while !content.is_empty() {
            let (rest, name) = GeneralName::from_der(content)?;
            names.push(name);
            content = rest;
        }
        Ok((content, names))
    })(value)
    .ok()?;
    seq.into_iter().find_map(|n| match n {
        GeneralName::DirectoryName(dn) => Some(dn.as_raw().to_vec()),
        _ => None,
    })
}

/// A non-negative DER INTEGER (tag, length, content) → content octets.
pub(super) fn der_unsigned_integer(value: &[u8]) -> Option<Vec<u8>> {
    let (tlv, content, rest) = split_tlv(value)?;
    if tlv.first() != Some(&0x02) || !rest.is_empty() || content.is_empty() {
        return None;
    }
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    Some(content.to_vec())
}

/// One DER TLV with a single-octet tag: (whole TLV, content, rest).
pub(super) fn split_tlv(input: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for b in input.get(2..2 + n)? {
            len = (len << 8) | *b as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let tlv = input.get(..end)?;
    Some((tlv, tlv.get(header..)?, input.get(end..)?))
}

/// One DER element as der-parser frames it (its header parsing, which
/// x509-parser's parsers use): the header, then `content` and `rest`.
pub(super) struct Element<'a> {
    pub(super) header: Header<'a>,
    pub(super) content: &'a [u8],
    pub(super) rest: &'a [u8],
}

impl<'a> Element<'a> {
    /// The header only: what follows it is `content` (its length not
    /// checked: `rest` is empty).
    pub(super) fn header(input: &'a [u8], what: &str) -> Result<Element<'a>, String> {
        let (after, header) = der_read_element_header(input).map_err(|e| format!("{what}: {e}"))?;
        Ok(Element {
            header,
            content: after,
            rest: &[],
        })
    }

    /// The header and the content its definite length gives.
    pub(super) fn read(input: &'a [u8], what: &str) -> Result<Element<'a>, String> {
        let element = Element::header(input, what)?;
        let len = element
            .header
            .length()
            .definite()
            .map_err(|e| format!("{what}: {e}"))?;
        match (element.content.get(..len), element.content.get(len..)) {
            (Some(content), Some(rest)) => Ok(Element {
                content,
                rest,
                ..element
            }),
            _ => Err(format!(
                "{what}: {len} bytes of content, {} available",
                element.content.len()
            )),
        }
    }

    pub(super) fn is(&self, tag: Tag) -> bool {
        self.header.tag() == tag
    }
}

/// Where the parts of a CertificateList are, found with der-parser's header
/// parsing only, mirroring the tag tests of x509-parser's
/// `TbsCertList::from_der` (which compares tag numbers only):
///
/// ```text
/// CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
/// TBSCertList ::= SEQUENCE {
///     version INTEGER OPTIONAL, signature AlgorithmIdentifier, issuer Name,
///     thisUpdate Time, nextUpdate Time OPTIONAL,
///     revokedCertificates SEQUENCE OF SEQUENCE { ... } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions OPTIONAL }
/// ```
pub(super) struct Layout<'a> {
    pub(super) outer: Header<'a>,
    pub(super) tbs_header: Header<'a>,
    /// The whole tbsCertList element (the signed bytes).
    pub(super) tbs: &'a [u8],
    /// tbsCertList content before revokedCertificates (all of it when
    /// there is none).
    pub(super) before: &'a [u8],
    /// revokedCertificates' content (the entries), if present.
    pub(super) revoked: Option<&'a [u8]>,
    /// tbsCertList content after revokedCertificates (crlExtensions).
    pub(super) after: &'a [u8],
    /// CertificateList content after tbsCertList (signatureAlgorithm,
    /// signatureValue).
    pub(super) signature: &'a [u8],
    /// Bytes after the CertificateList.
    pub(super) trailing: &'a [u8],
    /// Where the issuer Name starts in `before`.
    pub(super) issuer_at: usize,
    /// Whether a nextUpdate was found.
    pub(super) next_update: bool,
}

impl<'a> Layout<'a> {
    pub(super) fn of(der: &'a [u8]) -> Result<Layout<'a>, String> {
        let outer = Element::read(der, "CertificateList")?;
        if !outer.is(Tag::Sequence) {
            return Err("CertificateList is not a SEQUENCE".into());
        }
        let tbs = Element::read(outer.content, "tbsCertList")?;
        if !tbs.is(Tag::Sequence) {
            return Err("tbsCertList is not a SEQUENCE".into());
        }
        let fields = tbs.content;
        let first = Element::read(fields, "tbsCertList version or signature")?;
        let signature = if first.is(Tag::Integer) {
            Element::read(first.rest, "tbsCertList signature")?
        } else {
            first
        };
        let issuer = Element::read(signature.rest, "tbsCertList issuer")?;
        let this_update = Element::read(issuer.rest, "tbsCertList thisUpdate")?;
        let mut at = this_update.rest;
        let mut next_update = false;
        if !at.is_empty() {
            let next = Element::header(at, "tbsCertList nextUpdate")?;
            if next.is(Tag::UtcTime) || next.is(Tag::GeneralizedTime) {
                at = Element::read(at, "tbsCertList nextUpdate")?.rest;
                next_update = true;
            }
        }
        let before = fields.get(..fields.len() - at.len()).unwrap_or_default();
        let (revoked, after) = match at.is_empty() {
            true => (None, at),
            false if Element::header(at, "tbsCertList revokedCertificates")?.is(Tag::Sequence) => {
                let list = Element::read(at, "revokedCertificates")?;
                // x509-parser takes the next element as the crlExtensions
                // ([0]); anything else is an error there. Check it here: in
                // the CRL parsed without the entries, a second SEQUENCE
                // would be taken for revokedCertificates.
                if !list.rest.is_empty() && !Element::header(list.rest, "crlExtensions")?.is(Tag(0))
                {
                    return Err("revokedCertificates is followed by something other than crlExtensions ([0])".into());
                }
                (Some(list.content), list.rest)
            }
            false => (None, at),
        };
        Ok(Layout {
            tbs: outer
                .content
                .get(..outer.content.len() - tbs.rest.len())
                .unwrap_or_default(),
            outer: outer.header,
            tbs_header: tbs.header,
            before,
            revoked,
            after,
            signature: tbs.rest,
            trailing: outer.rest,
            issuer_at: fields.len() - signature.rest.len(),
            next_update,
        })
    }

    /// How many entries revokedCertificates' content `list` frames, and
    /// the length of their serials (an upper bound of what the table
    /// stores), so the table is allocated once. Header parsing only, and
    /// only as far as the framing holds: the entries are parsed after.
    /// The count is capped at one entry for every 16 bytes (an entry needs
    /// more: SEQUENCE, INTEGER, Time), so framing alone cannot reserve more
    /// than the CRL's size.
    pub(super) fn sizes(list: &[u8]) -> (usize, usize) {
        let (mut entries, mut serial_bytes) = (0, 0);
        let mut rest = list;
        while let Ok(entry) = Element::read(rest, "entry") {
            if let Ok(serial) = Element::read(entry.content, "serial") {
                serial_bytes += serial.content.len();
            }
            entries += 1;
            rest = entry.rest;
        }
        (entries.min(list.len() / 16), serial_bytes)
    }

    /// The CertificateList without revokedCertificates, for x509-parser
    /// (small: the entries are most of a CRL), and where the tbsCertList
    /// content starts in it.
    pub(super) fn without_entries(&self) -> Result<(Vec<u8>, usize), String> {
        let fields = self.before.len() + self.after.len();
        let tbs_header = with_length(&self.tbs_header, fields);
        let content =
            tbs_header.to_der_len().map_err(|e| e.to_string())? + fields + self.signature.len();
        let outer = with_length(&self.outer, content);
        let mut der = Vec::with_capacity(outer.to_der_len().map_err(|e| e.to_string())? + content);
        outer
            .write_der_raw(&mut der)
            .map_err(|e| format!("CertificateList header: {e}"))?;
        tbs_header
            .write_der_raw(&mut der)
            .map_err(|e| format!("tbsCertList header: {e}"))?;
        let fields_at = der.len();
        der.extend_from_slice(self.before);
        der.extend_from_slice(self.after);
        der.extend_from_slice(self.signature);
        Ok((der, fields_at))
    }

    /// Whether x509-parser read `header_der` (from [`Layout::without_entries`],
    /// its fields at `fields_at`) with the fields where this layout found
    /// them, so that the revokedCertificates taken out are the ones
    /// x509-parser would have read.
    pub(super) fn check_parsed(
        &self,
        header_der: &[u8],
        fields_at: usize,
        crl: &CertificateRevocationList<'_>,
    ) -> Result<(), String> {
        let tbs = &crl.tbs_cert_list;
        // The issuer's start pins down version and signature; x509-parser
        // consumes whole elements (its raw name may stop short of the end,
        // at the first RDN that does not parse).
        let issuer = tbs.issuer.as_raw();
        let issuer_at = (issuer.as_ptr() as usize).wrapping_sub(header_der.as_ptr() as usize);
        if issuer_at != fields_at.wrapping_add(self.issuer_at)
            || tbs.next_update.is_some() != self.next_update
            || !tbs.revoked_certificates.is_empty()
        {
            return Err("tbsCertList fields are not where they were expected".into());
        }
        Ok(())
    }
}

/// `header` with a definite `length`.
fn with_length<'h>(header: &'h Header<'_>, length: usize) -> Header<'h> {
    Header::new(
        header.class(),
        header.is_constructed(),
        header.tag(),
        Length::Definite(length),
    )
    .with_raw_tag(header.raw_tag().map(Cow::Borrowed))
}

/// CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm,
/// signatureValue } → the three DER elements.
pub(super) fn split_signed(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (outer, content, _) = split_tlv(der)?;
    if outer.first() != Some(&0x30) {
        return None;
    }
    let (tbs, _, rest) = split_tlv(content)?;
    let (alg, _, rest) = split_tlv(rest)?;
    let (sig, _, rest) = split_tlv(rest)?;
    rest.is_empty().then_some((tbs, alg, sig))
}
