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
            None => format!("#{}", hex(value.data)),
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

/// The short name people know an attribute by (`CN`, `O`, ...), or its
/// dotted OID.
fn attribute_name(oid_bytes: &[u8]) -> String {
    let oid = Oid::new(Cow::Borrowed(oid_bytes));
    match x509_parser::objects::oid2abbrev(&oid, x509_parser::objects::oid_registry()) {
        Ok(short) => short.to_string(),
        Err(_) => oid.to_id_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::der_tlv;
    use yasna::models::ObjectIdentifier;

    const CN: &[u64] = &[2, 5, 4, 3];
    const O: &[u64] = &[2, 5, 4, 10];
    const OU: &[u64] = &[2, 5, 4, 11];
    const C: &[u64] = &[2, 5, 4, 6];
    const EMAIL: &[u64] = &[1, 2, 840, 113549, 1, 9, 1];
    const DC: &[u64] = &[0, 9, 2342, 19200300, 100, 1, 25];

    /// An attribute value and how to encode it.
    #[derive(Clone)]
    enum V<'a> {
        Utf8(&'a str),
        Printable(&'a str),
        Bmp(&'a str),
        Ia5(&'a str),
        Universal(&'a str),
        Teletex(&'a [u8]),
        /// A complete DER element, written as is.
        Der(Vec<u8>),
    }

    fn write_value(w: yasna::DERWriter<'_>, v: &V<'_>) {
        match v {
            V::Utf8(s) => w.write_utf8_string(s),
            V::Printable(s) => w.write_printable_string(s),
            V::Bmp(s) => w.write_bmp_string(s),
            V::Ia5(s) => w.write_ia5_string(s),
            V::Universal(s) => {
                let content: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
                w.write_der(&der_tlv(0x1c, &content))
            }
            V::Teletex(b) => w.write_der(&der_tlv(0x14, b)),
            V::Der(d) => w.write_der(d),
        }
    }

    /// A Name with the given RDNs, each a list of (type, value).
    fn name(rdns: &[&[(&[u64], V<'_>)]]) -> Vec<u8> {
        yasna::construct_der(|w| {
            w.write_sequence(|w| {
                for rdn in rdns {
                    // The SET is written by hand in the order given (yasna
                    // would sort it), so the multi-valued tests can put the
                    // same set in two orders.
                    let atvs: Vec<u8> = rdn
                        .iter()
                        .flat_map(|(oid, value)| {
                            yasna::construct_der(|w| {
                                w.write_sequence(|w| {
                                    w.next().write_oid(&ObjectIdentifier::from_slice(oid));
                                    write_value(w.next(), value);
                                })
                            })
                        })
                        .collect();
                    w.next().write_der(&der_tlv(0x31, &atvs));
                }
            })
        })
    }

    fn parse(der: &[u8]) -> ComparableName {
        ComparableName::from_der(der).expect("test name parses")
    }

    /// The memo of prepared names is bounded and never changes an answer:
    /// more distinct names than it keeps still compare right (the cache is
    /// emptied and refilled on the way).
    #[test]
    fn prepared_names_memo_is_bounded_and_answers_stay_right() {
        for i in 0..MAX_PREPARED + 100 {
            let text = format!("Memo CA {i}");
            let utf8 = name(&[&[(CN, V::Utf8(&text))]]);
            let printable = name(&[&[(CN, V::Printable(&text.to_uppercase()))]]);
            let other = name(&[&[(CN, V::Utf8(&format!("Memo CA {}", i + 1)))]]);
            assert!(names_match(&utf8, &printable), "{text}");
            assert!(!names_match(&utf8, &other), "{text}");
            let len = PREPARED
                .get()
                .and_then(|c| c.read().ok().map(|c| c.len()))
                .unwrap_or(0);
            assert!(len <= MAX_PREPARED, "{len} names kept");
        }
    }

    #[test]
    fn rfc5280_7_1_printable_and_utf8_of_the_same_text_match() {
        let a = name(&[&[(C, V::Printable("US"))], &[(CN, V::Printable("VPN CA"))]]);
        let b = name(&[&[(C, V::Printable("US"))], &[(CN, V::Utf8("VPN CA"))]]);
        assert_ne!(a, b);
        assert!(names_match(&a, &b));
        assert_eq!(parse(&a), parse(&b));
    }

    #[test]
    fn rfc5280_7_1_bmp_universal_teletex_and_utf8_match() {
        let utf8 = name(&[&[(CN, V::Utf8("Zürich CA"))]]);
        let bmp = name(&[&[(CN, V::Bmp("Zürich CA"))]]);
        let universal = name(&[&[(CN, V::Universal("Zürich CA"))]]);
        let teletex = name(&[&[(CN, V::Teletex(b"Z\xfcrich CA"))]]);
        assert!(names_match(&utf8, &bmp));
        assert!(names_match(&utf8, &universal));
        assert!(names_match(&utf8, &teletex));
        assert!(names_match(&bmp, &teletex));
    }

    #[test]
    fn rfc4518_2_2_case_is_ignored() {
        let a = name(&[&[(O, V::Utf8("Example Corp"))], &[(CN, V::Utf8("vpn ca"))]]);
        let b = name(&[
            &[(O, V::Printable("EXAMPLE corp"))],
            &[(CN, V::Utf8("VPN CA"))],
        ]);
        assert!(names_match(&a, &b));
        // Case folding is Unicode, not only ASCII.
        let c = name(&[&[(CN, V::Utf8("ÄRGER CA"))]]);
        let d = name(&[&[(CN, V::Bmp("ärger ca"))]]);
        assert!(names_match(&c, &d));
    }

    #[test]
    fn rfc4518_2_6_1_insignificant_spaces_are_ignored() {
        let a = name(&[&[(CN, V::Utf8("VPN CA 1"))]]);
        let b = name(&[&[(CN, V::Printable("  VPN   CA 1 "))]]);
        assert!(names_match(&a, &b));
        // Tab and no-break space are mapped to SPACE first (§2.2).
        let c = name(&[&[(CN, V::Utf8("VPN\t\u{a0}CA 1"))]]);
        assert!(names_match(&a, &c));
        // But a space inside a word is significant.
        let d = name(&[&[(CN, V::Utf8("VPNCA 1"))]]);
        assert!(!names_match(&a, &d));
    }

    #[test]
    fn rfc4518_2_3_nfkc_compatibility_forms_match() {
        // Full-width letters and the "fi" ligature are NFKC-equivalent to
        // their plain forms.
        let a = name(&[&[(CN, V::Utf8("ＶＰＮ ﬁle"))]]);
        let b = name(&[&[(CN, V::Utf8("vpn FILE"))]]);
        assert!(names_match(&a, &b));
    }

    #[test]
    fn rfc4518_2_4_prohibited_code_points_compare_as_bytes() {
        // A private-use character makes the preparation fail (§2.4): the
        // value then matches only the same encoding of the same bytes.
        let utf8 = name(&[&[(CN, V::Utf8("CA \u{e000}"))]]);
        let bmp = name(&[&[(CN, V::Bmp("CA \u{e000}"))]]);
        let lower = name(&[&[(CN, V::Utf8("ca \u{e000}"))]]);
        assert_eq!(parse(&utf8), parse(&utf8.clone()));
        assert!(!names_match(&utf8, &bmp));
        assert!(!names_match(&utf8, &lower));
    }

    #[test]
    fn rfc5280_7_1_different_values_do_not_match() {
        let a = name(&[&[(O, V::Utf8("Example"))], &[(CN, V::Utf8("VPN CA 1"))]]);
        let b = name(&[&[(O, V::Utf8("Example"))], &[(CN, V::Utf8("VPN CA 2"))]]);
        assert!(!names_match(&a, &b));
        assert_ne!(parse(&a), parse(&b));
    }

    #[test]
    fn rfc5280_7_1_different_attribute_types_do_not_match() {
        let a = name(&[&[(O, V::Utf8("Example"))]]);
        let b = name(&[&[(OU, V::Utf8("Example"))]]);
        assert!(!names_match(&a, &b));
    }

    #[test]
    fn rfc5280_7_1_rdn_order_matters() {
        let a = name(&[&[(O, V::Utf8("Example"))], &[(CN, V::Utf8("CA"))]]);
        let b = name(&[&[(CN, V::Utf8("CA"))], &[(O, V::Utf8("Example"))]]);
        assert!(!names_match(&a, &b));
    }

    #[test]
    fn x501_multi_valued_rdn_is_a_set() {
        let a = name(&[
            &[(C, V::Printable("US"))],
            &[(OU, V::Utf8("VPN")), (CN, V::Utf8("CA"))],
        ]);
        let b = name(&[
            &[(C, V::Printable("US"))],
            &[(CN, V::Printable("ca")), (OU, V::Utf8("vpn"))],
        ]);
        assert_ne!(a, b);
        assert!(names_match(&a, &b));
        // The same attributes as two RDNs are a different name.
        let c = name(&[
            &[(C, V::Printable("US"))],
            &[(OU, V::Utf8("VPN"))],
            &[(CN, V::Utf8("CA"))],
        ]);
        assert!(!names_match(&a, &c));
    }

    #[test]
    fn rfc5280_7_1_non_string_values_compare_as_bytes() {
        let int_1 = V::Der(vec![0x02, 0x01, 0x01]);
        let int_2 = V::Der(vec![0x02, 0x01, 0x02]);
        let octets_1 = V::Der(vec![0x04, 0x01, 0x01]);
        let x = name(&[
            &[(&[1, 3, 6, 1, 4, 1, 99999, 1], int_1.clone())],
            &[(CN, V::Utf8("a"))],
        ]);
        let same = name(&[
            &[(&[1, 3, 6, 1, 4, 1, 99999, 1], int_1)],
            &[(CN, V::Utf8("A"))],
        ]);
        let other_value = name(&[
            &[(&[1, 3, 6, 1, 4, 1, 99999, 1], int_2)],
            &[(CN, V::Utf8("a"))],
        ]);
        let other_tag = name(&[
            &[(&[1, 3, 6, 1, 4, 1, 99999, 1], octets_1)],
            &[(CN, V::Utf8("a"))],
        ]);
        assert!(names_match(&x, &same));
        assert!(!names_match(&x, &other_value));
        // Same content octets under another tag: not the same value.
        assert!(!names_match(&x, &other_tag));
    }

    #[test]
    fn rfc4517_ia5_case_ignore_only_for_email_and_dc() {
        let a = name(&[
            &[(DC, V::Ia5("com"))],
            &[(DC, V::Ia5("Example"))],
            &[(EMAIL, V::Ia5("VPN@Example.com"))],
        ]);
        let b = name(&[
            &[(DC, V::Ia5("COM"))],
            &[(DC, V::Ia5("example"))],
            &[(EMAIL, V::Ia5("vpn@example.com"))],
        ]);
        assert!(names_match(&a, &b));
        // An IA5String CN is not a directory string: bytes.
        let c = name(&[&[(CN, V::Ia5("VPN"))]]);
        let d = name(&[&[(CN, V::Ia5("vpn"))]]);
        assert!(!names_match(&c, &d));
    }

    #[test]
    fn malformed_names_are_errors_and_match_only_byte_for_byte() {
        let good = name(&[&[(CN, V::Utf8("CA"))]]);
        // The length says more than there is (what x509-parser's as_raw()
        // gives when it stopped at a bad RDN).
        let mut truncated = good.clone();
        truncated.pop();
        assert!(matches!(
            ComparableName::from_der(&truncated),
            Err(DnError::Malformed(_))
        ));
        // An RDN that is a SEQUENCE instead of a SET.
        let not_a_set = vec![0x30, 0x02, 0x30, 0x00];
        assert!(ComparableName::from_der(&not_a_set).is_err());
        // An empty RDN.
        let empty_rdn = vec![0x30, 0x02, 0x31, 0x00];
        assert!(ComparableName::from_der(&empty_rdn).is_err());
        // Bytes after the name.
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(ComparableName::from_der(&trailing).is_err());
        assert!(ComparableName::from_der(&[]).is_err());
        // BER indefinite length is not DER.
        assert!(ComparableName::from_der(&[0x30, 0x80, 0x00, 0x00]).is_err());
        // A length far beyond the input.
        assert!(ComparableName::from_der(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());

        assert!(names_match(&truncated, &truncated));
        assert!(!names_match(&truncated, &good));
        let mut truncated_lower = name(&[&[(CN, V::Utf8("ca"))]]);
        truncated_lower.pop();
        assert!(!names_match(&truncated, &truncated_lower));
    }

    #[test]
    fn hostile_names_are_capped() {
        let rdn: &[(&[u64], V<'_>)] = &[(CN, V::Utf8("x"))];
        let many: Vec<&[(&[u64], V<'_>)]> = vec![rdn; MAX_RDNS + 1];
        assert_eq!(
            ComparableName::from_der(&name(&many)),
            Err(DnError::TooManyRdns)
        );
        let at_cap: Vec<&[(&[u64], V<'_>)]> = vec![rdn; MAX_RDNS];
        assert_eq!(parse(&name(&at_cap)).rdn_count(), MAX_RDNS);

        let wide: Vec<(&[u64], V<'_>)> = vec![(CN, V::Utf8("x")); MAX_ATTRIBUTES_PER_RDN + 1];
        assert_eq!(
            ComparableName::from_der(&name(&[&wide])),
            Err(DnError::TooManyAttributes)
        );

        let huge = vec![0u8; MAX_NAME_LEN + 1];
        assert_eq!(
            ComparableName::from_der(&huge),
            Err(DnError::TooLong(MAX_NAME_LEN + 1))
        );
    }

    #[test]
    fn rfc5280_4_2_1_10_is_within_is_an_rdn_prefix() {
        let base = parse(&name(&[
            &[(C, V::Printable("US"))],
            &[(O, V::Printable("Example"))],
        ]));
        let inside = parse(&name(&[
            &[(C, V::Utf8("us"))],
            &[(O, V::Utf8("EXAMPLE"))],
            &[(CN, V::Utf8("vpn"))],
        ]));
        let outside = parse(&name(&[
            &[(C, V::Printable("US"))],
            &[(O, V::Printable("Other"))],
            &[(CN, V::Utf8("vpn"))],
        ]));
        assert!(inside.is_within(&base));
        assert!(base.is_within(&base), "a name is within itself");
        assert!(!base.is_within(&inside), "a longer base is not a prefix");
        assert!(!outside.is_within(&base));
        let empty = parse(&name(&[]));
        assert!(empty.is_empty());
        assert!(
            inside.is_within(&empty),
            "the empty base contains every name"
        );
        assert!(!empty.is_within(&base));
    }

    #[test]
    fn email_addresses_and_common_names_keep_their_spelling() {
        let n = parse(&name(&[
            &[(O, V::Utf8("Example"))],
            &[(CN, V::Bmp("VPN Gateway"))],
            &[(EMAIL, V::Ia5("Admin@Example.com"))],
            &[(CN, V::Printable("vpn.example.com"))],
        ]));
        assert_eq!(n.email_addresses(), vec!["Admin@Example.com".to_string()]);
        assert_eq!(
            n.common_names(),
            vec!["VPN Gateway".to_string(), "vpn.example.com".to_string()]
        );
        assert_eq!(n.rdn_count(), 4);
        assert_eq!(
            n.to_string(),
            "O=Example, CN=VPN Gateway, Email=Admin@Example.com, CN=vpn.example.com"
        );
    }

    #[test]
    fn rfc5280_7_1_real_certificate_names_through_the_model() {
        use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair};
        let make = |value: DnValue| {
            let mut params = CertificateParams::default();
            let mut dn = DistinguishedName::new();
            dn.push(
                DnType::CountryName,
                DnValue::PrintableString("US".try_into().unwrap()),
            );
            dn.push(DnType::CommonName, value);
            params.distinguished_name = dn;
            let key = KeyPair::generate().unwrap();
            let cert = params.self_signed(&key).unwrap();
            crate::model::Certificate::from_der(cert.der()).unwrap()
        };
        let printable = make(DnValue::PrintableString(
            "Example VPN CA".try_into().unwrap(),
        ));
        let utf8 = make(DnValue::Utf8String("EXAMPLE  VPN CA".into()));
        assert_ne!(printable.subject.raw, utf8.subject.raw);
        assert!(names_match(&printable.subject.raw, &utf8.subject.raw));
        let parsed = parse(&printable.subject.raw);
        assert_eq!(parsed.rdn_count(), 2);
        assert_eq!(parsed.common_names(), vec!["Example VPN CA".to_string()]);
    }
}
