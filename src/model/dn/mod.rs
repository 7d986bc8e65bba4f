//! Distinguished names compared the way RFC 5280 §7.1 says.
//!
//! Certificate paths chain on names (§6.1.3 (a)(4): the issuer of one
//! certificate is the subject of the next), and §7.1 says those names are
//! compared after the LDAP StringPrep of RFC 4518 with caseIgnoreMatch:
//! case does not matter, insignificant spaces do not matter, and a
//! PrintableString and a UTF8String (or BMPString, UniversalString) holding
//! the same text are the same value. CAs that re-encode their issuer names
//! (AD CS writing BMPString or UTF8String where the CA certificate says
//! PrintableString, OpenSSL's `string_mask` settings) produce certificates
//! whose issuer bytes differ from their CA's subject bytes; a byte-for-byte
//! comparison would wrongly break those chains.
//!
//! `model::Name::raw` holds what x509-parser's `X509Name::as_raw()` returns:
//! the complete Name TLV (the SEQUENCE OF RelativeDistinguishedName with its
//! tag and length), which is what [`ComparableName::from_der`] takes. When
//! one of the RDNs cannot be parsed, x509-parser stops at it and `as_raw()`
//! is cut short there, so its length octets promise more than the slice
//! holds: this module then reports the name as malformed, and
//! [`names_match`] falls back to comparing bytes.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use unicode_normalization::UnicodeNormalization;
use x509_parser::asn1_rs::{Any, Class, FromDer, Oid};

/// Longest Name, in bytes, that [`ComparableName::from_der`] reads.
/// Names are hostile input; a real one is a few hundred bytes.
pub const MAX_NAME_LEN: usize = 64 * 1024;
/// Most RDNs one Name may have. Real names have under a dozen; a name with
/// thousands is an attack on whoever compares it.
pub const MAX_RDNS: usize = 128;
/// Most attributes one (multi-valued) RDN may have.
pub const MAX_ATTRIBUTES_PER_RDN: usize = 32;

/// id-at-commonName (2.5.4.3), DER content octets.
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// pkcs-9 emailAddress (1.2.840.113549.1.9.1), DER content octets.
const OID_EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
/// domainComponent (0.9.2342.19200300.100.1.25), DER content octets.
const OID_DOMAIN_COMPONENT: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19];

/// Universal tag numbers of the string types a name value may use.
const TAG_UTF8_STRING: u32 = 12;
const TAG_PRINTABLE_STRING: u32 = 19;
const TAG_TELETEX_STRING: u32 = 20;
const TAG_IA5_STRING: u32 = 22;
const TAG_UNIVERSAL_STRING: u32 = 28;
const TAG_BMP_STRING: u32 = 30;
const TAG_OID: u32 = 6;
const TAG_SEQUENCE: u32 = 16;
const TAG_SET: u32 = 17;

/// Why a Name could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnError {
    #[error("the name is {0} bytes long, more than the {MAX_NAME_LEN} bytes pkiaudit reads")]
    TooLong(usize),
    #[error("the name has more than {MAX_RDNS} relative distinguished names")]
    TooManyRdns,
    #[error("a relative distinguished name has more than {MAX_ATTRIBUTES_PER_RDN} attributes")]
    TooManyAttributes,
    #[error("the name is not valid DER: {0}")]
    Malformed(&'static str),
}

/// One attribute value, prepared for comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Value {
    /// A directory string (or an IA5String of emailAddress/domainComponent)
    /// after RFC 4518 preparation: transcoded to Unicode, mapped, case
    /// folded, NFKC-normalised, with insignificant spaces removed.
    Text(String),
    /// Anything else (and strings that cannot be transcoded or that hold
    /// code points RFC 4518 §2.4 prohibits): compared as exact bytes of the
    /// tag and the content.
    Raw {
        class: u8,
        constructed: bool,
        tag: u32,
        content: Vec<u8>,
    },
}

/// One AttributeTypeAndValue.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Attribute {
    /// Content octets of the attribute type OID: types compare exactly.
    oid: Vec<u8>,
    value: Value,
}

/// A Name (RDNSequence) prepared for comparison as RFC 5280 §7.1 says.
///
/// Equality and hashing look only at the prepared RDNs: two names that
/// §7.1 calls equal are `==` whatever their encodings, and their display
/// text (which keeps the original spelling) may differ.
#[derive(Debug, Clone)]
pub struct ComparableName {
    /// RDNs in certificate order; each RDN's attributes sorted and
    /// deduplicated, so that a multi-valued RDN compares as the SET it is
    /// (X.501: an RDN is a set of attribute values).
    rdns: Vec<Vec<Attribute>>,
    /// emailAddress values as written (local parts are case-sensitive).
    emails: Vec<String>,
    /// commonName values as written.
    common_names: Vec<String>,
    /// The name for people: `C=US, O=Example, CN=vpn`, in certificate order
    /// (as `model::Name::text` prints names).
    text: String,
}

impl PartialEq for ComparableName {
    fn eq(&self, other: &Self) -> bool {
        self.rdns == other.rdns
    }
}

impl Eq for ComparableName {}

impl Hash for ComparableName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.rdns.hash(state);
    }
}

impl fmt::Display for ComparableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl ComparableName {
    /// `der` is a complete Name TLV (SEQUENCE OF RDN), as `model::Name::raw`
    /// holds it (x509-parser's `X509Name::as_raw()` is the whole TLV, tag and
    /// length included). Nothing may follow the Name.
    pub fn from_der(der: &[u8]) -> Result<ComparableName, DnError> {
        if der.len() > MAX_NAME_LEN {
            return Err(DnError::TooLong(der.len()));
        }
        let (rest, name) = element(der, "the name is not a DER element")?;
        if !rest.is_empty() {
            return Err(DnError::Malformed("there are bytes after the name"));
        }
        if !is_universal_constructed(&name, TAG_SEQUENCE) {
            return Err(DnError::Malformed("the name is not a SEQUENCE"));
        }
        let mut parsed = ComparableName {
            rdns: Vec::new(),
            emails: Vec::new(),
            common_names: Vec::new(),
            text: String::new(),
        };
        let mut text_rdns: Vec<String> = Vec::new();
        let mut input = name.data;
        while !input.is_empty() {
            if parsed.rdns.len() == MAX_RDNS {
                return Err(DnError::TooManyRdns);
            }
            let (rest, set) = element(input, "a relative distinguished name is not a DER element")?;
            input = rest;
            if !is_universal_constructed(&set, TAG_SET) {
                return Err(DnError::Malformed(
                    "a relative distinguished name is not a SET",
                ));
            }
            if set.data.is_empty() {
                // RelativeDistinguishedName ::= SET SIZE (1..MAX) OF ...
                return Err(DnError::Malformed("a relative distinguished name is empty"));
            }
            let mut rdn = Vec::new();
            let mut text_atvs = Vec::new();
            let mut atvs = set.data;
            while !atvs.is_empty() {
                if rdn.len() == MAX_ATTRIBUTES_PER_RDN {
                    return Err(DnError::TooManyAttributes);
                }
                let (rest, atv) = element(atvs, "an attribute is not a DER element")?;
                atvs = rest;
                let (attribute, text) = parsed.read_attribute(&atv)?;
                rdn.push(attribute);
                text_atvs.push(text);
            }
            rdn.sort();
            rdn.dedup();
            parsed.rdns.push(rdn);
            text_rdns.push(text_atvs.join(" + "));
        }
        parsed.text = text_rdns.join(", ");
        Ok(parsed)
    }

    /// Read one AttributeTypeAndValue; returns it prepared, and as text.
    fn read_attribute(&mut self, atv: &Any<'_>) -> Result<(Attribute, String), DnError> {
        if !is_universal_constructed(atv, TAG_SEQUENCE) {
            return Err(DnError::Malformed("an attribute is not a SEQUENCE"));
        }
        let (rest, oid) = element(atv.data, "an attribute type is not a DER element")?;
        if oid.class() != Class::Universal
            || oid.header.is_constructed()
            || oid.tag().0 != TAG_OID
            || oid.data.is_empty()
        {
            return Err(DnError::Malformed(
                "an attribute type is not an OBJECT IDENTIFIER",
            ));
        }
        let (rest, value) = element(rest, "an attribute value is not a DER element")?;
        if !rest.is_empty() {
            return Err(DnError::Malformed(
                "an attribute has more than a type and a value",
            ));
        }

        let oid_bytes = oid.data;
        // caseIgnoreIA5Match (RFC 4517 §4.2.3) for the IA5String attributes
        // that appear in names; other IA5String values compare as bytes.
        let ia5_is_text = oid_bytes == OID_EMAIL_ADDRESS || oid_bytes == OID_DOMAIN_COMPONENT;
        let decoded = decode_text(&value, ia5_is_text);
        let prepared = decoded.as_deref().and_then(prepare);
        let text_value = match &decoded {
            Some(s) => s.clone(),
            None => format!("#{}", super::hex_lower(value.data)),
        };
        if oid_bytes == OID_EMAIL_ADDRESS {
            self.emails.push(
                decoded
                    .clone()
                    .unwrap_or_else(|| String::from_utf8_lossy(value.data).into_owned()),
            );
        }
        if oid_bytes == OID_COMMON_NAME {
            if let Some(cn) = &decoded {
                self.common_names.push(cn.clone());
            }
        }
        let prepared_value = match prepared {
            Some(p) => Value::Text(p),
            None => Value::Raw {
                class: value.class() as u8,
                constructed: value.header.is_constructed(),
                tag: value.tag().0,
                content: value.data.to_vec(),
            },
        };
        let text = format!("{}={}", attribute_name(oid_bytes), text_value);
        Ok((
            Attribute {
                oid: oid_bytes.to_vec(),
                value: prepared_value,
            },
            text,
        ))
    }

    pub fn rdn_count(&self) -> usize {
        self.rdns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// §4.2.1.10 directoryName subtree: `base`'s RDNs are a prefix of
    /// `self`'s. A name is within itself; an empty base contains every name.
    pub fn is_within(&self, base: &ComparableName) -> bool {
        base.rdns.len() <= self.rdns.len() && base.rdns.iter().zip(&self.rdns).all(|(b, s)| b == s)
    }

    /// Values of emailAddress attributes (1.2.840.113549.1.9.1), for
    /// rfc822Name constraints on the subject (§4.2.1.10, §4.1.2.6), as
    /// written (undecodable bytes replaced by U+FFFD).
    pub fn email_addresses(&self) -> Vec<String> {
        self.emails.clone()
    }

    /// Values of commonName attributes (2.5.4.3), as text. A value that is
    /// not a readable string is left out.
    pub fn common_names(&self) -> Vec<String> {
        self.common_names.clone()
    }
}

/// RFC 5280 §7.1: do the two DER names match? Byte-equal names match
/// without parsing (this is called for every candidate issuer); otherwise
/// both are prepared and compared. A name that cannot be parsed matches
/// only byte for byte.
pub fn names_match(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    if differ_quickly(a, b) {
        return false;
    }
    match (prepared(a), prepared(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Names prepared so far, by their DER: path building and revocation
/// compare the same few CA names with every certificate's issuer, and
/// preparing a name (StringPrep, NFKC) costs far more than a lookup. A
/// pure cache: bounded to [`MAX_PREPARED`] names of at most
/// [`MAX_PREPARED_BYTES`] each (emptied when full), so hostile input can
/// neither grow it without bound nor change an answer.
type Prepared = std::collections::HashMap<Box<[u8]>, Option<std::sync::Arc<ComparableName>>>;

static PREPARED: std::sync::OnceLock<std::sync::RwLock<Prepared>> = std::sync::OnceLock::new();

/// How many prepared names [`names_match`] keeps.
pub const MAX_PREPARED: usize = 4096;
/// Longer names are prepared each time, not kept.
pub const MAX_PREPARED_BYTES: usize = 1024;

/// A name prepared for comparison (through the memo), `None` when it does
/// not parse.
pub(crate) fn prepared_name(der: &[u8]) -> Option<std::sync::Arc<ComparableName>> {
    prepared(der)
}

fn prepared(der: &[u8]) -> Option<std::sync::Arc<ComparableName>> {
    let make = || ComparableName::from_der(der).ok().map(std::sync::Arc::new);
    if der.len() > MAX_PREPARED_BYTES {
        return make();
    }
    let cache = PREPARED.get_or_init(Default::default);
    if let Some(hit) = cache.read().ok().and_then(|c| c.get(der).cloned()) {
        return hit;
    }
    let made = make();
    if let Ok(mut c) = cache.write() {
        if c.len() >= MAX_PREPARED {
            c.clear();
        }
        c.insert(der.into(), made.clone());
    }
    made
}

/// A definite "no" without preparing either name, for the common pair
/// (a leaf's subject and its issuer's name, checked for self-issue):
/// a different number of RDNs, or at one position two single-attribute
/// RDNs of different types, or whose values are both printable ASCII
/// UTF8String/PrintableString and differ once prepared. False means "not
/// known": the names are prepared and compared. A name that does not
/// parse matches only byte for byte, so calling it different is the same
/// answer.
pub(crate) fn differ_quickly(a: &[u8], b: &[u8]) -> bool {
    let rdns = |der| -> Option<&[u8]> {
        let (_, name) = Any::from_der(der).ok()?;
        is_universal_constructed(&name, TAG_SEQUENCE).then_some(name.data)
    };
    let (Some(mut a), Some(mut b)) = (rdns(a), rdns(b)) else {
        return true;
    };
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return false,
            (true, false) | (false, true) => return true,
            (false, false) => {}
        }
        let (Ok((ra, set_a)), Ok((rb, set_b))) = (Any::from_der(a), Any::from_der(b)) else {
            return true;
        };
        (a, b) = (ra, rb);
        if single_attributes_differ(set_a.data, set_b.data) {
            return true;
        }
    }
}

/// Two RDN SET contents, each one attribute: do they differ for sure?
fn single_attributes_differ<'a>(a: &'a [u8], b: &'a [u8]) -> bool {
    let one = single_attribute;
    let (Some((oid_a, va)), Some((oid_b, vb))) = (one(a), one(b)) else {
        return false;
    };
    if oid_a != oid_b {
        return true;
    }
    let text = |v: &Any<'a>| -> Option<&'a str> {
        let plain = v.class() == Class::Universal
            && !v.header.is_constructed()
            && matches!(v.tag().0, TAG_UTF8_STRING | TAG_PRINTABLE_STRING);
        let s = std::str::from_utf8(v.data).ok()?;
        (plain && is_printable_ascii(s)).then_some(s)
    };
    matches!((text(&va), text(&vb)), (Some(x), Some(y)) if !ascii_prepared_eq(x, y))
}

/// `prepare_ascii(a) == prepare_ascii(b)`, without building either.
fn ascii_prepared_eq(a: &str, b: &str) -> bool {
    let mut wa = a.split(' ').filter(|w| !w.is_empty());
    let mut wb = b.split(' ').filter(|w| !w.is_empty());
    loop {
        match (wa.next(), wb.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

/// The type and value of an RDN SET's only attribute.
fn single_attribute(set: &[u8]) -> Option<(&[u8], Any<'_>)> {
    let (rest, atv) = Any::from_der(set).ok()?;
    if !rest.is_empty() || !is_universal_constructed(&atv, TAG_SEQUENCE) {
        return None;
    }
    let (rest, oid) = Any::from_der(atv.data).ok()?;
    let (_, value) = Any::from_der(rest).ok()?;
    (oid.tag().0 == TAG_OID).then_some((oid.data, value))
}

fn element<'a>(input: &'a [u8], what: &'static str) -> Result<(&'a [u8], Any<'a>), DnError> {
    Any::from_der(input).map_err(|_| DnError::Malformed(what))
}

fn is_universal_constructed(any: &Any<'_>, tag: u32) -> bool {
    any.class() == Class::Universal && any.header.is_constructed() && any.tag().0 == tag
}

/// RFC 4518 §2.1 Transcode: the value as Unicode, or `None` when it is not
/// a string type this comparison reads (or its bytes do not decode).
fn decode_text(value: &Any<'_>, ia5_is_text: bool) -> Option<String> {
    if value.class() != Class::Universal || value.header.is_constructed() {
        return None;
    }
    let data = value.data;
    match value.tag().0 {
        TAG_UTF8_STRING => std::str::from_utf8(data).ok().map(str::to_owned),
        // Many CAs put characters outside the PrintableString set ('@', '_',
        // '*') in PrintableStrings; any ASCII is read as what it says.
        TAG_PRINTABLE_STRING => ascii(data),
        TAG_IA5_STRING if ia5_is_text => ascii(data),
        // T.61 read as Latin-1: right for the letters T.61 names really use.
        TAG_TELETEX_STRING => Some(data.iter().map(|&b| char::from(b)).collect()),
        TAG_BMP_STRING => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            let units = data
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        TAG_UNIVERSAL_STRING => {
            if !data.len().is_multiple_of(4) {
                return None;
            }
            data.chunks_exact(4)
                .map(|q| char::from_u32(u32::from_be_bytes([q[0], q[1], q[2], q[3]])))
                .collect()
        }
        _ => None,
    }
}

fn ascii(data: &[u8]) -> Option<String> {
    if data.is_ascii() {
        std::str::from_utf8(data).ok().map(str::to_owned)
    } else {
        None
    }
}

/// RFC 4518 §2.2: format characters (Cf) that are mapped to nothing.
/// stringprep's X.520 mapping drops the control characters (Cc) and the
/// soft hyphen, joiners and variation selectors, but not these.
fn is_rfc4518_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{06DD}'
            | '\u{070F}'
            | '\u{180E}'
            | '\u{200C}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2063}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// RFC 4518 §2.2-§2.6 for caseIgnoreMatch. `None` when the string holds a
/// prohibited code point (§2.4): then the value "does not match" anything
/// but an identical encoding, and the caller compares bytes.
fn prepare(s: &str) -> Option<String> {
    if is_printable_ascii(s) {
        return Some(prepare_ascii(s));
    }
    let mapped: Cow<'_, str> = if s.chars().any(is_rfc4518_format_char) {
        Cow::Owned(s.chars().filter(|&c| !is_rfc4518_format_char(c)).collect())
    } else {
        Cow::Borrowed(s)
    };
    if mapped.is_empty() {
        return Some(String::new());
    }
    // §2.2 Map (characters to nothing or to SPACE, case folding with
    // RFC 3454 table B.2) and §2.4 Prohibit (unassigned, private use,
    // non-characters, surrogates, U+FFFD).
    let folded = stringprep::x520prep(&mapped, true).ok()?;
    // §2.3 Normalize: NFKC. (x520prep leaves it out when it case folds.)
    let normalized: String = folded.nfkc().collect();
    // §2.6.1 Insignificant space handling: leading and trailing spaces go,
    // and an inner run of spaces compares as one space.
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    Some(words.join(" "))
}

fn is_printable_ascii(s: &str) -> bool {
    s.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// [`prepare`] of a printable-ASCII string: of RFC 4518's steps only case
/// folding (RFC 3454 B.2 maps A-Z to a-z) and insignificant space handling
/// change such a string; nothing in U+0020..U+007E is mapped to nothing or
/// to space, changed by NFKC or prohibited.
fn prepare_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// The short name people know an attribute by (`CN`, `O`, ...), or its
/// dotted OID.
fn attribute_name(oid_bytes: &[u8]) -> String {
    let oid = Oid::new(Cow::Borrowed(oid_bytes));
    match x509_parser::objects::oid2abbrev(&oid, crate::oids::name_registry()) {
        Ok(short) => short.to_string(),
        Err(_) => oid.to_id_string(),
    }
}

#[cfg(test)]
mod tests;
