//! The IKE identity (`--id`): the IDi/IDr a peer sends, and whether the
//! certificate holds it.
//!
//! RFC 4945 §3.1 ties each identity type to the certificate field that
//! must carry it (§3.1.1 ID_IPV4_ADDR/ID_IPV6_ADDR → iPAddress SAN, §3.1.2
//! ID_FQDN → dNSName SAN, §3.1.3 ID_RFC822_ADDR → rfc822Name SAN, §3.1.5
//! ID_DER_ASN1_DN → the subject). strongSwan enforces that before it
//! accepts a peer ("no trusted RSA public key found for '…'"): the FQDN is
//! never compared with the subject CN, and a wildcard SAN does not stand
//! for a concrete name.
//!
//! The comparisons are charon's (strongSwan 5.9.8, checked against it by
//! `tests/it/ike_identity_charon.rs`): FQDNs and email addresses equal
//! ignoring ASCII case but nothing else (a trailing dot counts); addresses
//! by value; a DN attribute by attribute in certificate order, multi-valued
//! RDNs flattened in their encoded order, each value with the same length
//! and bytes, case ignored only where the certificate's value is a
//! PrintableString and the identity's value is printable too (charon then
//! encodes it as one) — also against directoryName SAN entries.
//!
//! The text forms follow strongSwan's: `fqdn:`, `email:`/`rfc822:`, `ip:`,
//! `dn:`/`asn1dn:` prefixes force a type; otherwise a string with `=` is a
//! DN, an address is an address, a leading `@` forces an FQDN, a string
//! with `@` is an email address, and the rest is an FQDN.

use std::net::IpAddr;

use crate::model::{Certificate, SanEntry};

/// An IKE identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IkeId {
    Fqdn(String),
    Email(String),
    Ip(IpAddr),
    /// The attributes in the order given, and the text as given.
    Dn(Vec<DnAttribute>, String),
}

impl IkeId {
    pub fn parse(text: &str) -> Result<IkeId, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("the identity is empty".into());
        }
        let lower = t.to_ascii_lowercase();
        for (prefix, kind) in [
            ("fqdn:", 'f'),
            ("email:", 'e'),
            ("rfc822:", 'e'),
            ("ip:", 'i'),
            ("ipv4:", 'i'),
            ("ipv6:", 'i'),
            ("dn:", 'd'),
            ("asn1dn:", 'd'),
        ] {
            if lower.starts_with(prefix) {
                let rest = t[prefix.len()..].trim();
                return match kind {
                    'f' => fqdn(rest),
                    'e' => email(rest),
                    'i' => rest
                        .parse::<IpAddr>()
                        .map(IkeId::Ip)
                        .map_err(|_| format!("'{rest}' is not an IPv4 or IPv6 address")),
                    _ => dn(rest),
                };
            }
        }
        if t.contains('=') {
            return dn(t);
        }
        if let Ok(ip) = t.parse::<IpAddr>() {
            return Ok(IkeId::Ip(ip));
        }
        if let Some(rest) = t.strip_prefix('@') {
            return fqdn(rest);
        }
        if t.contains('@') {
            return email(t);
        }
        fqdn(t)
    }

    /// The IKEv2 ID type (RFC 7296 §3.5).
    pub fn type_name(&self) -> &'static str {
        match self {
            IkeId::Fqdn(_) => "ID_FQDN",
            IkeId::Email(_) => "ID_RFC822_ADDR",
            IkeId::Ip(IpAddr::V4(_)) => "ID_IPV4_ADDR",
            IkeId::Ip(IpAddr::V6(_)) => "ID_IPV6_ADDR",
            IkeId::Dn(..) => "ID_DER_ASN1_DN",
        }
    }

    /// The certificate field that must hold this identity, in words.
    pub fn field(&self) -> &'static str {
        match self {
            IkeId::Fqdn(_) => "a dNSName SAN entry",
            IkeId::Email(_) => "an rfc822Name SAN entry",
            IkeId::Ip(_) => "an iPAddress SAN entry",
            IkeId::Dn(..) => "the subject DN",
        }
    }

    /// How the identity would be requested in a CSR or written in an
    /// OpenSSL `subjectAltName` line.
    pub fn san_form(&self) -> String {
        match self {
            IkeId::Fqdn(d) => format!("DNS:{d}"),
            IkeId::Email(e) => format!("email:{e}"),
            IkeId::Ip(ip) => format!("IP:{ip}"),
            IkeId::Dn(_, text) => format!("subject {text}"),
        }
    }
}

impl std::fmt::Display for IkeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IkeId::Fqdn(d) => f.write_str(d),
            IkeId::Email(e) => f.write_str(e),
            IkeId::Ip(ip) => write!(f, "{ip}"),
            IkeId::Dn(_, text) => f.write_str(text),
        }
    }
}

/// A host name; a trailing dot is kept, because charon keeps it (and then
/// does not find the name in a SAN entry written without one).
fn fqdn(s: &str) -> Result<IkeId, String> {
    let name = s.to_ascii_lowercase();
    let labels = name.strip_suffix('.').unwrap_or(&name);
    if labels.is_empty() || labels.split('.').any(str::is_empty) {
        return Err(format!("'{s}' is not a host name"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '@' | '=' | ','))
    {
        return Err(format!("'{s}' is not a host name ({bad:?} is not allowed)"));
    }
    Ok(IkeId::Fqdn(name))
}

fn email(s: &str) -> Result<IkeId, String> {
    match s.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            Ok(IkeId::Email(s.to_string()))
        }
        _ => Err(format!("'{s}' is not an email address")),
    }
}

/// How charon encodes a value of a DN given as text (its `atodn`): the
/// string type decides whether the value is compared ignoring case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringType {
    Printable,
    Ia5,
    Utf8,
}

impl StringType {
    /// The ASN.1 universal tag number.
    fn tag(self) -> u32 {
        match self {
            StringType::Printable => TAG_PRINTABLE_STRING,
            StringType::Ia5 => TAG_IA5_STRING,
            StringType::Utf8 => TAG_UTF8_STRING,
        }
    }
}

const TAG_UTF8_STRING: u32 = 12;
const TAG_PRINTABLE_STRING: u32 = 19;
const TAG_IA5_STRING: u32 = 22;
const OID_EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// One attribute of a DN identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnAttribute {
    /// The attribute type, dotted (`2.5.4.3`).
    pub oid: String,
    /// The value as given (surrounding spaces removed).
    pub value: String,
    /// The string type charon gives the value.
    pub string_type: StringType,
}

/// The attribute names charon's `atodn` knows (case-insensitive), with the
/// string type it encodes their values as (PrintableString turns into
/// UTF8String for a value with characters PrintableString lacks). The first
/// name of an OID is the one messages use.
const STRONGSWAN_ATTRIBUTES: &[(&str, &str, StringType)] = &[
    ("CN", "2.5.4.3", StringType::Printable),
    ("S", "2.5.4.4", StringType::Printable),
    ("SN", "2.5.4.5", StringType::Printable),
    ("serialNumber", "2.5.4.5", StringType::Printable),
    ("C", "2.5.4.6", StringType::Printable),
    ("L", "2.5.4.7", StringType::Printable),
    ("ST", "2.5.4.8", StringType::Printable),
    ("STREET", "2.5.4.9", StringType::Printable),
    ("O", "2.5.4.10", StringType::Printable),
    ("OU", "2.5.4.11", StringType::Printable),
    ("T", "2.5.4.12", StringType::Printable),
    ("D", "2.5.4.13", StringType::Printable),
    ("postalAddress", "2.5.4.16", StringType::Printable),
    ("postalCode", "2.5.4.17", StringType::Printable),
    ("N", "2.5.4.41", StringType::Printable),
    ("G", "2.5.4.42", StringType::Printable),
    ("I", "2.5.4.43", StringType::Printable),
    ("dnQualifier", "2.5.4.46", StringType::Printable),
    ("dmdName", "2.5.4.54", StringType::Printable),
    ("pseudonym", "2.5.4.65", StringType::Printable),
    ("UID", "0.9.2342.19200300.100.1.1", StringType::Printable),
    ("DC", "0.9.2342.19200300.100.1.25", StringType::Printable),
    ("EN", "2.16.840.1.113730.3.1.3", StringType::Printable),
    (
        "employeeNumber",
        "2.16.840.1.113730.3.1.3",
        StringType::Printable,
    ),
    ("E", OID_EMAIL_ADDRESS, StringType::Ia5),
    ("Email", OID_EMAIL_ADDRESS, StringType::Ia5),
    ("emailAddress", OID_EMAIL_ADDRESS, StringType::Ia5),
    ("UN", "1.2.840.113549.1.9.2", StringType::Ia5),
    ("unstructuredName", "1.2.840.113549.1.9.2", StringType::Ia5),
    ("UA", "1.2.840.113549.1.9.8", StringType::Printable),
    (
        "unstructuredAddress",
        "1.2.840.113549.1.9.8",
        StringType::Printable,
    ),
];

/// Further names people write (X.520 long names, IOS and Windows
/// spellings), for the attribute charon calls by the second name. Note
/// `SN` is charon's serialNumber, not surname (write `S` or `surname`).
const ALIASES: &[(&str, &str)] = &[
    ("commonName", "CN"),
    ("surname", "S"),
    ("countryName", "C"),
    ("localityName", "L"),
    ("stateOrProvinceName", "ST"),
    ("SP", "ST"),
    ("streetAddress", "STREET"),
    ("organizationName", "O"),
    ("organizationalUnitName", "OU"),
    ("title", "T"),
    ("description", "D"),
    ("name", "N"),
    ("GN", "G"),
    ("givenName", "G"),
    ("initials", "I"),
    ("EA", "E"),
    ("hostname", "UN"),
    ("ipaddress", "UA"),
];

/// The OID and string type of an attribute name; a dotted OID stands for
/// itself (as a UTF8String).
fn attribute(name: &str) -> Option<(String, StringType)> {
    let n = name.trim();
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(n))
        .map_or(n, |(_, to)| to);
    if let Some((_, oid, t)) = STRONGSWAN_ATTRIBUTES
        .iter()
        .find(|(k, _, _)| k.eq_ignore_ascii_case(canonical))
    {
        return Some((oid.to_string(), *t));
    }
    let dotted = n.contains('.')
        && n.split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()));
    dotted.then(|| (n.to_string(), StringType::Utf8))
}

/// The name charon prints for an attribute type.
fn attribute_name(oid: &str) -> &str {
    STRONGSWAN_ATTRIBUTES
        .iter()
        .find(|(_, o, _)| *o == oid)
        .map_or(oid, |(name, _, _)| name)
}

/// X.680 PrintableString characters (charon's `asn1_is_printablestring`).
fn is_printable_string(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b))
}

/// Split a DN string (`C=CH, O=Example, CN=vpn` or `/C=CH/O=Example/CN=vpn`)
/// into attributes, honouring `\,` escapes. A `+` is part of a value, as
/// for charon: a DN given as text has one attribute per RDN.
fn dn(s: &str) -> Result<IkeId, String> {
    let slash = s.starts_with('/');
    let sep = if slash { '/' } else { ',' };
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c == sep || (!slash && c == ';') => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    let mut attributes = Vec::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let Some((a, v)) = p.split_once('=') else {
            return Err(format!(
                "'{p}' in the DN '{s}' is not ATTRIBUTE=value (escape a comma in a value as \\,)"
            ));
        };
        if a.trim().is_empty() {
            return Err(format!("'{p}' in the DN '{s}' has no attribute name"));
        }
        let Some((oid, default_type)) = attribute(a) else {
            return Err(format!(
                "'{}' in the DN '{s}' is not an attribute name strongSwan knows \
                 (C, ST, L, O, OU, CN, E, SN (serialNumber), S (surname), G, T, DC, UID, UN, UA, \
                 ... or a dotted OID)",
                a.trim()
            ));
        };
        let value = v.trim().to_string();
        let string_type = if default_type == StringType::Printable && !is_printable_string(&value) {
            StringType::Utf8
        } else {
            default_type
        };
        attributes.push(DnAttribute {
            oid,
            value,
            string_type,
        });
    }
    if attributes.is_empty() {
        return Err(format!("'{s}' holds no RDN"));
    }
    Ok(IkeId::Dn(attributes, s.trim().to_string()))
}

/// Whether a certificate holds an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdMatch {
    /// It does: the entry that holds it (`DNS:vpn.example.com`, `subject`).
    Yes(String),
    /// It does not; why, in words (what the certificate holds instead).
    No(String),
}

/// One attribute of a certificate's name, as encoded.
struct CertAttribute {
    oid: String,
    tag: u32,
    data: Vec<u8>,
}

/// The attributes of a DER Name in encoded order, multi-valued RDNs
/// flattened: charon walks a DN attribute by attribute.
fn name_attributes(name: &x509_parser::x509::X509Name<'_>) -> Vec<CertAttribute> {
    name.iter()
        .flat_map(|rdn| rdn.iter())
        .map(|atv| CertAttribute {
            oid: atv.attr_type().to_id_string(),
            tag: atv.attr_value().tag().0,
            data: atv.attr_value().data.to_vec(),
        })
        .collect()
}

/// The names charon compares a DN identity with: the subject, then each
/// directoryName SAN entry. Without DER (a partial record), the subject's
/// text values stand in, compared exactly.
fn dn_candidates(cert: &Certificate) -> Vec<(String, Vec<CertAttribute>)> {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    if let Ok((_, parsed)) = X509Certificate::from_der(&cert.der) {
        let mut out = vec![("subject".to_string(), name_attributes(parsed.subject()))];
        if let Ok(Some(san)) = parsed.subject_alternative_name() {
            for gn in &san.value.general_names {
                if let GeneralName::DirectoryName(n) = gn {
                    let attrs = name_attributes(n);
                    out.push((format!("DirName:{}", text_of(&attrs)), attrs));
                }
            }
        }
        return out;
    }
    let attrs = cert
        .subject
        .rdns
        .iter()
        .flatten()
        .map(|(a, v)| CertAttribute {
            oid: STRONGSWAN_ATTRIBUTES
                .iter()
                .map(|(_, oid, _)| *oid)
                .find(|oid| crate::oids::ios_attribute(oid) == *a)
                .map_or_else(|| a.clone(), str::to_string),
            tag: TAG_UTF8_STRING,
            data: v.as_bytes().to_vec(),
        })
        .collect();
    vec![("subject".to_string(), attrs)]
}

/// A name as charon prints it and takes it as `id`: `O=Example, CN=vpn`.
fn text_of(attrs: &[CertAttribute]) -> String {
    attrs
        .iter()
        .map(|a| {
            format!(
                "{}={}",
                attribute_name(&a.oid),
                String::from_utf8_lossy(&a.data)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// charon's `compare_dn` for one attribute: same type, same length, and the
/// same bytes, ignoring ASCII case only where both values are
/// PrintableStrings (or both IA5String emailAddress values).
fn attribute_equal(have: &CertAttribute, want: &DnAttribute) -> bool {
    let want_bytes = want.value.as_bytes();
    if have.oid != want.oid || have.data.len() != want_bytes.len() {
        return false;
    }
    let fold = have.tag == want.string_type.tag()
        && (have.tag == TAG_PRINTABLE_STRING
            || (have.tag == TAG_IA5_STRING && have.oid == OID_EMAIL_ADDRESS));
    if fold {
        have.data.eq_ignore_ascii_case(want_bytes)
    } else {
        have.data == want_bytes
    }
}

fn dn_equal<'a>(
    have: &[CertAttribute],
    want: impl ExactSizeIterator<Item = &'a DnAttribute>,
) -> bool {
    have.len() == want.len() && have.iter().zip(want).all(|(h, w)| attribute_equal(h, w))
}

/// Check `id` against `cert` as RFC 4945 §3.1 and strongSwan do.
pub fn check(cert: &Certificate, id: &IkeId) -> IdMatch {
    let san = cert.san_entries();
    let holds = || cert.san_in_words();
    match id {
        IkeId::Fqdn(name) => {
            // charon compares the names as written, ignoring ASCII case
            // only: a trailing dot on one side makes them differ.
            if let Some(e) = san
                .iter()
                .find(|e| matches!(e, SanEntry::Dns(d) if d.eq_ignore_ascii_case(name)))
            {
                return IdMatch::Yes(e.to_string());
            }
            let mut why = holds();
            if let Some(d) = san.iter().find_map(|e| match e {
                SanEntry::Dns(d) if eq_dns(d, name) => Some(d),
                _ => None,
            }) {
                why.push_str(&format!(
                    "; DNS:{d} differs from it only in a trailing dot, which strongSwan does not ignore"
                ));
            }
            if let Some(w) = san.iter().find_map(|e| match e {
                SanEntry::Dns(d) if d.starts_with("*.") => Some(d),
                _ => None,
            }) {
                why.push_str(&format!(
                    "; the wildcard DNS:{w} does not stand for a concrete identity"
                ));
            }
            if cert
                .subject
                .common_names
                .iter()
                .any(|cn| eq_dns(cn, name))
            {
                why.push_str("; the subject CN equals it, but an FQDN identity is compared only with dNSName entries");
            }
            IdMatch::No(why)
        }
        IkeId::Email(addr) => san
            .iter()
            .find(|e| matches!(e, SanEntry::Email(m) if m.eq_ignore_ascii_case(addr)))
            .map(|e| IdMatch::Yes(e.to_string()))
            .unwrap_or_else(|| {
                let mut why = holds();
                if cert
                    .subject
                    .rdns
                    .iter()
                    .flatten()
                    .any(|(a, v)| a == "ea" && v.eq_ignore_ascii_case(addr))
                {
                    why.push_str("; the subject's emailAddress equals it, but an email identity is compared only with rfc822Name entries");
                }
                IdMatch::No(why)
            }),
        IkeId::Ip(ip) => {
            if let Some(e) = san
                .iter()
                .find(|e| matches!(e, SanEntry::Ip(t) if t.parse::<IpAddr>().ok() == Some(*ip)))
            {
                return IdMatch::Yes(e.to_string());
            }
            let mut why = holds();
            if san
                .iter()
                .any(|e| matches!(e, SanEntry::Dns(d) if d == &ip.to_string()))
            {
                why.push_str(&format!(
                    "; DNS:{ip} holds the address as text, which an address identity does not match"
                ));
            }
            IdMatch::No(why)
        }
        IkeId::Dn(want, _) => {
            let candidates = dn_candidates(cert);
            if let Some((label, _)) = candidates
                .iter()
                .find(|(_, have)| dn_equal(have, want.iter()))
            {
                return IdMatch::Yes(label.clone());
            }
            let Some((_, have)) = candidates.first() else {
                return IdMatch::No("the certificate has no subject".into());
            };
            let written = text_of(have);
            let mut why = format!("the subject is {written}");
            let loose = |h: &CertAttribute, w: &DnAttribute| {
                h.oid == w.oid && h.data.eq_ignore_ascii_case(w.value.as_bytes())
            };
            // The same attributes, ignoring order and case.
            let sorted = |mut v: Vec<(String, Vec<u8>)>| {
                v.sort();
                v
            };
            let same_set = sorted(
                have.iter()
                    .map(|h| (h.oid.clone(), h.data.to_ascii_lowercase()))
                    .collect(),
            ) == sorted(
                want.iter()
                    .map(|w| (w.oid.clone(), w.value.as_bytes().to_ascii_lowercase()))
                    .collect(),
            );
            if dn_equal(have, want.iter().rev()) {
                why.push_str(
                    "; the same RDNs in reverse order: strongSwan compares a DN in certificate order",
                );
            } else if have.len() == want.len() && have.iter().zip(want).all(|(h, w)| loose(h, w)) {
                why.push_str(
                    "; the values differ in case, which strongSwan ignores only where the \
                     certificate has a PrintableString (or an IA5String emailAddress) and the \
                     identity's value is printable",
                );
            } else if same_set {
                why.push_str(
                    "; the same attributes in another order: strongSwan compares them one by one \
                     in certificate order, the attributes of a multi-valued RDN in the order \
                     they are encoded",
                );
            } else {
                return IdMatch::No(why);
            }
            why.push_str(&format!(" (give the identity as '{written}')"));
            IdMatch::No(why)
        }
    }
}

/// Two host names equal but for case and a trailing dot (used only to
/// explain a mismatch: charon does not ignore the dot).
fn eq_dns(a: &str, b: &str) -> bool {
    a.strip_suffix('.')
        .unwrap_or(a)
        .eq_ignore_ascii_case(b.strip_suffix('.').unwrap_or(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_strongswan_does() {
        assert_eq!(
            IkeId::parse("vpn.example.com").unwrap(),
            IkeId::Fqdn("vpn.example.com".into())
        );
        assert_eq!(
            IkeId::parse("@VPN.example.com").unwrap(),
            IkeId::Fqdn("vpn.example.com".into())
        );
        // charon keeps a trailing dot (and then does not match a SAN
        // entry without one)
        assert_eq!(
            IkeId::parse("vpn.example.com.").unwrap(),
            IkeId::Fqdn("vpn.example.com.".into())
        );
        assert_eq!(
            IkeId::parse("alice@example.com").unwrap(),
            IkeId::Email("alice@example.com".into())
        );
        assert_eq!(
            IkeId::parse("192.0.2.1").unwrap(),
            IkeId::Ip("192.0.2.1".parse().unwrap())
        );
        assert_eq!(
            IkeId::parse("ip:2001:db8::1").unwrap(),
            IkeId::Ip("2001:db8::1".parse().unwrap())
        );
        assert_eq!(IkeId::parse("fqdn:1.2.3.4").unwrap().type_name(), "ID_FQDN");
        let attr = |oid: &str, value: &str, string_type| DnAttribute {
            oid: oid.into(),
            value: value.into(),
            string_type,
        };
        match IkeId::parse("C=CH, O=Example\\, Inc., CN=vpn@example.com").unwrap() {
            IkeId::Dn(attrs, _) => assert_eq!(
                attrs,
                [
                    attr("2.5.4.6", "CH", StringType::Printable),
                    attr("2.5.4.10", "Example, Inc.", StringType::Printable),
                    // '@' is not a PrintableString character
                    attr("2.5.4.3", "vpn@example.com", StringType::Utf8),
                ]
            ),
            other => panic!("{other:?}"),
        }
        match IkeId::parse("/C=CH/emailAddress=a@b/SN=42/surname=Doe/2.5.4.99=x").unwrap() {
            IkeId::Dn(attrs, _) => assert_eq!(
                attrs,
                [
                    attr("2.5.4.6", "CH", StringType::Printable),
                    attr(OID_EMAIL_ADDRESS, "a@b", StringType::Ia5),
                    // strongSwan's SN is serialNumber
                    attr("2.5.4.5", "42", StringType::Printable),
                    attr("2.5.4.4", "Doe", StringType::Printable),
                    attr("2.5.4.99", "x", StringType::Utf8),
                ]
            ),
            other => panic!("{other:?}"),
        }
        for bad in [
            "",
            "ip:vpn",
            "C=CH, bogus",
            "email:@x",
            "a..b",
            "dn:=x",
            "C=CH, bogus=1",
        ] {
            assert!(IkeId::parse(bad).is_err(), "{bad}");
        }
    }
}
