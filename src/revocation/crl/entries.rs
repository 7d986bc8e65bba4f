//! Reading revokedCertificates one entry at a time: a fast path for the
//! shape nearly every entry has, x509-parser for everything else.
//!
//! x509-parser's `RevokedCertificate::from_der` costs most of a large
//! CRL's parse (a `BigUint`, a `Vec` of parsed extensions, per entry).
//! Nearly every entry of a real CRL is `SEQUENCE { INTEGER, UTCTime or
//! GeneralizedTime, [SEQUENCE { reasonCode }] }` in DER, which
//! [`fast_entry`] reads directly. It accepts only forms that x509-parser
//! reads the same way (minimal lengths, `YYMMDDHHMMSSZ` /
//! `YYYYMMDDHHMMSSZ` with a real calendar date, a non-critical reasonCode
//! of 0..=10 and nothing else); anything else, including anything it is
//! unsure of, goes to x509-parser, which decides as before (so errors,
//! notes and values are those of x509-parser; the crl tests compare both
//! on every byte flip and truncation of their CRLs).

use chrono::NaiveDate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::oid_registry::{
    OID_X509_EXT_INVALIDITY_DATE, OID_X509_EXT_ISSUER, OID_X509_EXT_REASON_CODE,
};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::RevokedCertificate;

use super::der::directory_name;
use super::{note, same_name, to_utc, Reason, Revoked};

/// One entry as read: whose it is (`None`: the CRL issuer's, else an
/// index of `Reader::other_issuers`), its serial's content octets as in
/// the DER, and what it says.
pub(super) struct Entry<'a> {
    pub(super) issuer: Option<usize>,
    pub(super) serial_raw: &'a [u8],
    pub(super) revoked: Revoked,
}

/// The state of a walk over revokedCertificates: what the entries have
/// said so far that outlives one entry (RFC 5280 §5.3.3: an entry without
/// certificateIssuer belongs to the issuer of the entry before it).
pub(super) struct Reader<'c> {
    pub(super) issuer_raw: &'c [u8],
    pub(super) indirect: bool,
    /// Entries read so far.
    pub(super) entries: usize,
    /// Notes on what cannot be honoured (see `Crl::unsupported`).
    pub(super) unsupported: Vec<String>,
    /// An indirect CRL's other certificate issuers, in order of first
    /// appearance.
    pub(super) other_issuers: Vec<Vec<u8>>,
    pub(super) current: Option<usize>,
}

impl<'c> Reader<'c> {
    pub(super) fn new(issuer_raw: &'c [u8], indirect: bool, unsupported: Vec<String>) -> Self {
        Reader {
            issuer_raw,
            indirect,
            entries: 0,
            unsupported,
            other_issuers: Vec::new(),
            current: None,
        }
    }

    /// The next entry of `list` (revokedCertificates' content, advanced
    /// past it), `Ok(None)` at its end; `Err` is why the CRL is not one
    /// (the entry does not parse), as x509-parser says it.
    pub(super) fn next<'a>(&mut self, list: &mut &'a [u8]) -> Result<Option<Entry<'a>>, String> {
        if list.is_empty() {
            return Ok(None);
        }
        self.entries += 1;
        let n = self.entries;
        if let Some(FastEntry {
            rest,
            serial_raw,
            time,
            reason,
        }) = fast_entry(list)
        {
            *list = rest;
            return Ok(Some(Entry {
                issuer: self.current,
                serial_raw,
                revoked: Revoked {
                    time: to_utc(time),
                    reason: reason.map(Reason::from_code),
                    invalidity: None,
                },
            }));
        }
        let (rest, entry) = RevokedCertificate::from_der(list)
            .map_err(|e| format!("revokedCertificates entry {n}: {e}"))?;
        if rest.len() >= list.len() {
            return Err(format!("revokedCertificates entry {n} is empty"));
        }
        // The serial borrowed from `list` itself (x509-parser lends it
        // for as long as its entry lives): where x509-parser found it.
        let raw = entry.raw_serial();
        let at = (raw.as_ptr() as usize).wrapping_sub(list.as_ptr() as usize);
        let serial_raw = list
            .get(at..at.saturating_add(raw.len()))
            .filter(|s| *s == raw)
            .ok_or_else(|| format!("revokedCertificates entry {n}: serial not in the entry"))?;
        *list = rest;
        let revoked = self.read_extensions(&entry);
        Ok(Some(Entry {
            issuer: self.current,
            serial_raw,
            revoked,
        }))
    }

    /// What an entry x509-parser read says, and whose the following
    /// entries are (certificateIssuer).
    pub(super) fn read_extensions(&mut self, entry: &RevokedCertificate<'_>) -> Revoked {
        let mut revoked = Revoked {
            time: to_utc(entry.revocation_date.timestamp()),
            reason: None,
            invalidity: None,
        };
        for ext in entry.extensions() {
            match &ext.parsed_extension() {
                ParsedExtension::ReasonCode(code) => {
                    revoked.reason = Some(Reason::from_code(code.0))
                }
                ParsedExtension::InvalidityDate(t) => {
                    revoked.invalidity = Some(to_utc(t.timestamp()))
                }
                _ if ext.oid == OID_X509_EXT_ISSUER => {
                    // §5.3.3: this and the following entries belong to
                    // another CA. Only an indirect CRL may say so;
                    // anywhere else, reading them as this issuer's would
                    // revoke the wrong certificates.
                    if !self.indirect {
                        note(
                            &mut self.unsupported,
                            "an entry has a certificateIssuer extension, but the CRL is not marked indirect (IDP indirectCRL)".into(),
                        );
                        continue;
                    }
                    match directory_name(ext.value) {
                        Some(name) if same_name(&name, self.issuer_raw) => self.current = None,
                        Some(name) => {
                            self.current = Some(
                                match self.other_issuers.iter().position(|n| same_name(n, &name)) {
                                    Some(i) => i,
                                    None => {
                                        self.other_issuers.push(name);
                                        self.other_issuers.len() - 1
                                    }
                                },
                            )
                        }
                        None => note(
                            &mut self.unsupported,
                            "a certificateIssuer extension without a directory name".into(),
                        ),
                    }
                }
                _ if ext.oid == OID_X509_EXT_REASON_CODE
                    || ext.oid == OID_X509_EXT_INVALIDITY_DATE =>
                {
                    // Known but malformed: keep the entry, note it.
                    note(
                        &mut self.unsupported,
                        format!("malformed entry extension {}", ext.oid.to_id_string()),
                    );
                }
                _ if ext.critical => note(
                    &mut self.unsupported,
                    format!(
                        "unknown critical entry extension {}",
                        ext.oid.to_id_string()
                    ),
                ),
                _ => {}
            }
        }
        revoked
    }
}

/// One DER element with tag `tag` and a minimal definite length (short
/// form, or long form of 1 to 3 octets without a leading zero and not
/// below 128): (content, rest). `None` for anything else.
fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, input) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, mut input) = input.split_first()?;
    let len = match first {
        0..=0x7F => first as usize,
        0x81..=0x83 => {
            let n = (first & 0x7F) as usize;
            let octets = input.get(..n)?;
            input = input.get(n..)?;
            if octets.first() == Some(&0) {
                return None;
            }
            let len = octets.iter().fold(0usize, |l, b| (l << 8) | *b as usize);
            if len < 0x80 {
                return None;
            }
            len
        }
        _ => return None,
    };
    Some((input.get(..len)?, input.get(len..)?))
}

/// `digits` (ASCII) as a number; `None` unless all are digits.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// UTCTime `YYMMDDHHMMSSZ` (years 50..99 are 19xx, 00..49 20xx, X.680) or
/// GeneralizedTime `YYYYMMDDHHMMSSZ`, as Unix seconds; `None` for any
/// other form or a date or time that does not exist.
fn time(tag: u8, content: &[u8]) -> Option<i64> {
    let (year, rest) = match (tag, content.len()) {
        (0x17, 13) => {
            let yy = number(content.get(..2)?)? as i32;
            (
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                content.get(2..)?,
            )
        }
        (0x18, 15) => (number(content.get(..4)?)? as i32, content.get(4..)?),
        _ => return None,
    };
    let [m0, m1, d0, d1, h0, h1, n0, n1, s0, s1, b'Z'] = *rest else {
        return None;
    };
    let field = |a: u8, b: u8| number(&[a, b]);
    let second = field(s0, s1)?;
    // 60 (a leap second) is left to x509-parser.
    if second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, field(m0, m1)?, field(d0, d1)?)?;
    let at = date.and_hms_opt(field(h0, h1)?, field(n0, n1)?, second)?;
    Some(at.and_utc().timestamp())
}

/// The common entry, read directly: `SEQUENCE { INTEGER serial (1 octet
/// or more), UTCTime | GeneralizedTime, [SEQUENCE { SEQUENCE { reasonCode
/// OID, OCTET STRING { ENUMERATED 0..=10 } } }] }`, nothing more, every
/// length minimal; `None` for anything else (then x509-parser reads it).
pub(super) fn fast_entry(list: &[u8]) -> Option<FastEntry<'_>> {
    let (entry, rest) = element(list, 0x30)?;
    let (serial, after) = element(entry, 0x02)?;
    if serial.is_empty() {
        return None;
    }
    let tag = *after.first()?;
    let (date, after) = element(after, tag)?;
    let time = time(tag, date)?;
    let reason = match after {
        [] => None,
        // crlEntryExtensions: exactly one, reasonCode (2.5.29.21), not
        // marked critical, ENUMERATED of one octet.
        [0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x15, 0x04, 0x03, 0x0A, 0x01, code]
            if *code <= 10 =>
        {
            Some(*code)
        }
        _ => return None,
    };
    Some(FastEntry {
        rest,
        serial_raw: serial,
        time,
        reason,
    })
}

/// What [`fast_entry`] read.
pub(super) struct FastEntry<'a> {
    /// The list after the entry.
    pub(super) rest: &'a [u8],
    /// The serial's content octets.
    pub(super) serial_raw: &'a [u8],
    /// revocationDate, Unix seconds.
    pub(super) time: i64,
    /// reasonCode.
    pub(super) reason: Option<u8>,
}
