//! The ASN.1 of PKCS#12 (RFC 7292 §4, §4.2), read as BER: Java,
//! BouncyCastle, EJBCA and some Windows tools write indefinite lengths and
//! chunked (constructed) OCTET STRINGs, which a DER-only reader refuses.
//! Errors are words for the user; nothing here panics on any input.

use std::borrow::Cow;

use x509_parser::asn1_rs::{Any, Class, FromBer, Oid, Tag};
use zeroize::Zeroizing;

/// How deep constructed OCTET STRINGs and nested SafeContents may go.
pub(super) const MAX_DEPTH: usize = 8;

/// An AlgorithmIdentifier: OID and the full encoding of its parameters.
#[derive(Debug, Clone)]
pub(crate) struct AlgorithmId {
    pub oid: String,
    pub params: Option<Vec<u8>>,
}

pub(super) fn one(data: &[u8]) -> Result<(Any<'_>, &[u8]), String> {
    Any::from_ber(data)
        .map(|(rest, any)| (any, rest))
        .map_err(|e| match e {
            x509_parser::nom::Err::Incomplete(_) => "cut short (truncated?)".to_string(),
            e => format!("not readable ASN.1 ({e})"),
        })
}

/// The elements of a constructed value, each with its full encoding.
pub(super) fn items<'a>(any: &Any<'a>) -> Result<Vec<(Any<'a>, &'a [u8])>, String> {
    if !any.header.is_constructed() {
        return Err("a SEQUENCE or SET was expected".into());
    }
    let mut data = any.data;
    let mut out = Vec::new();
    while !data.is_empty() {
        let (item, rest) = one(data)?;
        let raw = data.get(..data.len() - rest.len()).unwrap_or(data);
        out.push((item, raw));
        data = rest;
    }
    Ok(out)
}

pub(super) fn sequence<'a>(any: &Any<'a>, what: &str) -> Result<Vec<Any<'a>>, String> {
    if any.class() != Class::Universal || any.tag() != Tag::Sequence {
        return Err(format!("{what} is not a SEQUENCE"));
    }
    Ok(items(any)
        .map_err(|e| format!("{what}: {e}"))?
        .into_iter()
        .map(|(a, _)| a)
        .collect())
}

pub(super) fn oid(any: &Any<'_>, what: &str) -> Result<String, String> {
    if any.class() != Class::Universal || any.tag() != Tag::Oid {
        return Err(format!("{what} is not an OBJECT IDENTIFIER"));
    }
    Ok(Oid::new(Cow::Borrowed(any.data)).to_id_string())
}

/// A non-negative INTEGER that fits in 64 bits.
pub(super) fn uint(any: &Any<'_>, what: &str) -> Result<u64, String> {
    if any.class() != Class::Universal || any.tag() != Tag::Integer {
        return Err(format!("{what} is not an INTEGER"));
    }
    let bytes = any.data;
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(format!("{what} is negative"));
    }
    let digits: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if digits.len() > 8 {
        return Err(format!("{what} is too large"));
    }
    Ok(digits.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
}

/// The octets of an OCTET STRING (or an IMPLICIT-tagged one), joining the
/// chunks of a constructed (BER) encoding.
pub(super) fn octets(any: &Any<'_>, what: &str) -> Result<Vec<u8>, String> {
    fn walk(any: &Any<'_>, depth: usize, out: &mut Vec<u8>) -> Result<(), String> {
        if !any.header.is_constructed() {
            out.extend_from_slice(any.data);
            return Ok(());
        }
        if depth >= MAX_DEPTH {
            return Err("OCTET STRING chunks nested too deeply".into());
        }
        for (chunk, _) in items(any)? {
            if chunk.class() != Class::Universal || chunk.tag() != Tag::OctetString {
                return Err("a chunk of a constructed OCTET STRING is not an OCTET STRING".into());
            }
            walk(&chunk, depth + 1, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(any, 0, &mut out).map_err(|e| format!("{what}: {e}"))?;
    Ok(out)
}

pub(super) fn octet_string(any: &Any<'_>, what: &str) -> Result<Vec<u8>, String> {
    if any.class() != Class::Universal || any.tag() != Tag::OctetString {
        return Err(format!("{what} is not an OCTET STRING"));
    }
    octets(any, what)
}

/// The single value inside an `[n] EXPLICIT` tag, with its full encoding.
pub(super) fn explicit<'a>(
    any: &Any<'a>,
    n: u32,
    what: &str,
) -> Result<(Any<'a>, &'a [u8]), String> {
    if any.class() != Class::ContextSpecific || any.tag() != Tag(n) || !any.header.is_constructed()
    {
        return Err(format!("{what} is not tagged [{n}]"));
    }
    let (inner, rest) = one(any.data).map_err(|e| format!("{what}: {e}"))?;
    let raw = any
        .data
        .get(..any.data.len() - rest.len())
        .unwrap_or(any.data);
    Ok((inner, raw))
}

pub(super) fn algorithm(any: &Any<'_>, what: &str) -> Result<AlgorithmId, String> {
    let fields = items(any).map_err(|e| format!("{what}: {e}"))?;
    let mut fields = fields.into_iter();
    let (first, _) = fields.next().ok_or_else(|| format!("{what} is empty"))?;
    Ok(AlgorithmId {
        oid: oid(&first, what)?,
        params: fields.next().map(|(_, raw)| raw.to_vec()),
    })
}

/// pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }.
pub(super) fn pbe_params(der: &[u8]) -> Result<(Vec<u8>, u64), String> {
    let (any, _) = one(der)?;
    let fields = sequence(&any, "PBE parameters")?;
    match fields.as_slice() {
        [salt, count, ..] => Ok((
            octet_string(salt, "PBE salt")?,
            uint(count, "PBE iteration count")?,
        )),
        _ => Err("PBE parameters lack salt or iteration count".into()),
    }
}

/// The fields of PBES2-params (RFC 8018 §A.4) with PBKDF2-params (§A.2).
pub(super) struct Pbes2Raw {
    pub kdf_oid: String,
    pub salt: Vec<u8>,
    pub iterations: u64,
    pub key_length: Option<u64>,
    pub prf_oid: Option<String>,
    pub cipher_oid: String,
    pub iv: Vec<u8>,
}

pub(super) fn pbes2_params(der: &[u8]) -> Result<Pbes2Raw, String> {
    let (any, _) = one(der)?;
    let fields = sequence(&any, "PBES2 parameters")?;
    let [kdf, scheme, ..] = fields.as_slice() else {
        return Err("PBES2 parameters lack the KDF or the cipher".into());
    };
    let kdf = algorithm(kdf, "PBES2 key derivation")?;
    let scheme = algorithm(scheme, "PBES2 cipher")?;
    let mut raw = Pbes2Raw {
        kdf_oid: kdf.oid,
        salt: Vec::new(),
        iterations: 0,
        key_length: None,
        prf_oid: None,
        cipher_oid: scheme.oid,
        iv: Vec::new(),
    };
    if raw.kdf_oid == "1.2.840.113549.1.5.12" {
        let params = kdf.params.ok_or("PBKDF2 parameters missing")?;
        let (any, _) = one(&params)?;
        let fields = sequence(&any, "PBKDF2 parameters")?;
        let mut fields = fields.iter();
        raw.salt = octet_string(
            fields.next().ok_or("PBKDF2 parameters lack the salt")?,
            "PBKDF2 salt",
        )?;
        raw.iterations = uint(
            fields
                .next()
                .ok_or("PBKDF2 parameters lack the iteration count")?,
            "PBKDF2 iteration count",
        )?;
        for f in fields {
            if f.tag() == Tag::Integer {
                raw.key_length = Some(uint(f, "PBKDF2 key length")?);
            } else if f.tag() == Tag::Sequence {
                let prf = algorithm(f, "PBKDF2 PRF")?;
                raw.prf_oid = Some(prf.oid);
            }
        }
    }
    if let Some(iv) = scheme.params {
        let (any, _) = one(&iv)?;
        raw.iv = octet_string(&any, "cipher IV")?;
    }
    Ok(raw)
}

/// A bag attribute PKCS#12 defines (RFC 7292 §4.2, PKCS#9).
#[derive(Debug, Default, Clone)]
pub(super) struct BagAttributes {
    pub friendly_name: Option<String>,
    pub local_key_id: Option<Vec<u8>>,
}

/// friendlyName (PKCS#9 1.2.840.113549.1.9.20): a BMPString.
const FRIENDLY_NAME: &str = "1.2.840.113549.1.9.20";
/// localKeyId (PKCS#9 1.2.840.113549.1.9.21): an OCTET STRING.
const LOCAL_KEY_ID: &str = "1.2.840.113549.1.9.21";

/// The longest friendly name kept, in characters.
const MAX_NAME_CHARS: usize = 256;

pub(super) fn bag_attributes(set: &Any<'_>) -> BagAttributes {
    let mut out = BagAttributes::default();
    let Ok(attrs) = items(set) else {
        return out;
    };
    for (attr, _) in attrs {
        let Ok(fields) = sequence(&attr, "attribute") else {
            continue;
        };
        let [id, values, ..] = fields.as_slice() else {
            continue;
        };
        let Ok(id) = oid(id, "attribute type") else {
            continue;
        };
        let Some(value) = items(values)
            .ok()
            .and_then(|v| v.into_iter().next())
            .map(|(a, _)| a)
        else {
            continue;
        };
        match id.as_str() {
            FRIENDLY_NAME => out.friendly_name = bmp_string(&value),
            LOCAL_KEY_ID => out.local_key_id = octet_string(&value, "localKeyId").ok(),
            _ => {}
        }
    }
    out
}

/// A BMPString (UTF-16BE) as text; UTF8String too, which some tools write.
/// Control characters are replaced: a name is shown to the user.
fn bmp_string(any: &Any<'_>) -> Option<String> {
    let text = match any.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = any
                .data
                .chunks(2)
                .map(|c| match c {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0xfffd,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        Tag::Utf8String => String::from_utf8_lossy(any.data).into_owned(),
        _ => return None,
    };
    Some(
        text.chars()
            .take(MAX_NAME_CHARS)
            .map(|c| if c.is_control() { '?' } else { c })
            .collect(),
    )
}

/// A decrypted value, wiped when dropped.
pub(super) type Secret = Zeroizing<Vec<u8>>;
