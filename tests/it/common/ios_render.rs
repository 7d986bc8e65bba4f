//! A "device" for the tests: prints certificates the way Cisco IOS / IOS-XE
//! and ASA print them.
//!
//! - [`show_entry`]: one entry of `show crypto pki certificates [verbose]`
//!   (IOS 15 / IOS-XE);
//! - [`asa_entry`]: one entry of ASA `show crypto ca certificates`;
//! - [`running_config_chain`]: a `crypto pki certificate chain` block of a
//!   running-config;
//! - [`show_pem`]: `show crypto pki certificates pem TP`.
//!
//! Everything printed is read from the DER here, with `x509-parser` directly
//! and hashed with `ring` (MD5 is implemented below, `ring` has none), never
//! through pkiaudit's own model: a round trip through pkiaudit then compares
//! pkiaudit with an independent reading of the same certificate.
//!
//! The layouts are those of the real-device samples committed under
//! `fixtures/ios/` (each says in its header where its layout comes from):
//! two-blank labels, four-blank values, the trailing blank after `Issuer:`,
//! `Validity Date:`, the trustpoint list and the fingerprints, `end   date`
//! with three blanks, the serial as the DER INTEGER's content octets (a
//! leading `00` kept, as real output shows: `00DC`, `0096C2BF446C2DEEBA`),
//! dates as `HH:MM:SS ZONE Mon D YYYY` in the device's zone.
#![allow(dead_code)]

use std::fmt::Write as _;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use x509_parser::prelude::*;

/// The entry header of an identity certificate.
pub const IDENTITY: &str = "Certificate";
/// The entry header of a CA certificate.
pub const CA: &str = "CA Certificate";

/// A device time zone: the label it prints and its offset east of UTC.
pub type Tz<'a> = Option<(&'a str, i32)>;

/// The subject key as the device describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    Rsa(u32),
    Ec(u32),
    Other(String),
}

/// A subjectAltName entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum San {
    Dns(String),
    Ip(std::net::IpAddr),
    Email(String),
    Uri(String),
    Other,
}

/// Everything the device prints about one certificate, read from its DER.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The DER INTEGER content octets of the serial (a sign octet kept).
    pub serial_der: Vec<u8>,
    /// RDNs in certificate order, attribute named as IOS names it.
    pub subject: Vec<Vec<(String, String)>>,
    pub issuer: Vec<Vec<(String, String)>>,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub version: u32,
    pub key: KeyKind,
    pub sig_oid: String,
    pub has_extensions: bool,
    /// RFC 5280 KeyUsage bits as x509-parser gives them (bit 0 =
    /// digitalSignature).
    pub ku: Option<u16>,
    /// EKU OIDs, dotted, in certificate order.
    pub eku: Vec<String>,
    pub san: Vec<San>,
    pub ski: Option<Vec<u8>>,
    pub aki: Option<Vec<u8>>,
    pub ca: Option<bool>,
    pub path_len: Option<u32>,
    pub cdp: Vec<String>,
    pub has_aia: bool,
    pub sha1: Vec<u8>,
    pub md5: [u8; 16],
}

/// Read what a device would print from a DER certificate. Panics on a DER
/// that is not a certificate: the tests render only certificates they made.
pub fn facts(der: &[u8]) -> Facts {
    let (rest, cert) = X509Certificate::from_der(der).expect("renderer: DER certificate");
    assert!(rest.is_empty(), "renderer: trailing data after certificate");
    let tbs = &cert.tbs_certificate;
    let mut f = Facts {
        serial_der: tbs.raw_serial().to_vec(),
        subject: rdns(tbs.subject()),
        issuer: rdns(tbs.issuer()),
        not_before: tbs.validity().not_before.timestamp(),
        not_after: tbs.validity().not_after.timestamp(),
        version: tbs.version().0 + 1,
        key: key_kind(tbs.public_key()),
        sig_oid: cert.signature_algorithm.algorithm.to_id_string(),
        has_extensions: !tbs.extensions().is_empty(),
        ku: None,
        eku: Vec::new(),
        san: Vec::new(),
        ski: None,
        aki: None,
        ca: None,
        path_len: None,
        cdp: Vec::new(),
        has_aia: false,
        sha1: ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der)
            .as_ref()
            .to_vec(),
        md5: md5(der),
    };
    for ext in tbs.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::KeyUsage(ku) => f.ku = Some(ku.flags),
            ParsedExtension::ExtendedKeyUsage(_) => f.eku = eku_oids_in_order(ext.value),
            ParsedExtension::SubjectAlternativeName(san) => {
                f.san = san.general_names.iter().map(san_entry).collect();
            }
            ParsedExtension::SubjectKeyIdentifier(k) => f.ski = Some(k.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                f.aki = a.key_identifier.as_ref().map(|k| k.0.to_vec());
            }
            ParsedExtension::BasicConstraints(bc) => {
                f.ca = Some(bc.ca);
                f.path_len = bc.path_len_constraint;
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for p in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
                        for n in names {
                            if let GeneralName::URI(u) = n {
                                f.cdp.push(u.to_string());
                            }
                        }
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(_) => f.has_aia = true,
            _ => {}
        }
    }
    f
}

/// The attribute names IOS prints (`show crypto pki certificates`,
/// certificate maps); the dotted OID for the rest.
fn ios_attr(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "cn",
        "2.5.4.10" => "o",
        "2.5.4.11" => "ou",
        "2.5.4.6" => "c",
        "2.5.4.8" => "st",
        "2.5.4.7" => "l",
        "1.2.840.113549.1.9.1" => "ea",
        "2.5.4.5" => "serialNumber",
        "1.2.840.113549.1.9.2" => "hostname",
        "1.2.840.113549.1.9.8" => "ipaddress",
        other => return other.to_string(),
    }
    .to_string()
}

fn rdns(name: &X509Name<'_>) -> Vec<Vec<(String, String)>> {
    name.iter()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let value = atv
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|_| String::from_utf8_lossy(atv.as_slice()).into_owned());
                    (ios_attr(&atv.attr_type().to_id_string()), value)
                })
                .collect()
        })
        .collect()
}

fn key_kind(spki: &SubjectPublicKeyInfo<'_>) -> KeyKind {
    let alg = spki.algorithm.algorithm.to_id_string();
    match alg.as_str() {
        "1.2.840.113549.1.1.1" => match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
                let m: Vec<u8> = rsa
                    .modulus
                    .iter()
                    .copied()
                    .skip_while(|b| *b == 0)
                    .collect();
                let bits = match m.first() {
                    Some(top) => (m.len() as u32 - 1) * 8 + (8 - top.leading_zeros()),
                    None => 0,
                };
                KeyKind::Rsa(bits)
            }
            _ => KeyKind::Other(alg),
        },
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            KeyKind::Ec(match curve.as_str() {
                "1.2.840.10045.3.1.7" => 256,
                "1.3.132.0.34" => 384,
                "1.3.132.0.35" => 521,
                _ => 0,
            })
        }
        _ => KeyKind::Other(alg),
    }
}

fn san_entry(n: &GeneralName<'_>) -> San {
    match n {
        GeneralName::DNSName(d) => San::Dns(d.to_string()),
        GeneralName::RFC822Name(e) => San::Email(e.to_string()),
        GeneralName::URI(u) => San::Uri(u.to_string()),
        GeneralName::IPAddress(b) => match b.len() {
            4 => San::Ip(std::net::IpAddr::from(<[u8; 4]>::try_from(*b).expect("4"))),
            16 => San::Ip(std::net::IpAddr::from(
                <[u8; 16]>::try_from(*b).expect("16"),
            )),
            _ => San::Other,
        },
        _ => San::Other,
    }
}

/// The EKU OIDs in the order the extension lists them (x509-parser's
/// `ExtendedKeyUsage` keeps flags, not order): a SEQUENCE of OIDs.
fn eku_oids_in_order(value: &[u8]) -> Vec<String> {
    fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let tag = *b.first()?;
        let first = *b.get(1)? as usize;
        let (len, hdr) = if first < 0x80 {
            (first, 2)
        } else {
            let n = first & 0x7f;
            let mut len = 0usize;
            for i in 0..n {
                len = (len << 8) | *b.get(2 + i)? as usize;
            }
            (len, 2 + n)
        };
        let body = b.get(hdr..hdr + len)?;
        Some((tag, body, &b[hdr + len..]))
    }
    let Some((0x30, mut seq, _)) = tlv(value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some((tag, body, rest)) = tlv(seq) {
        if tag == 0x06 {
            out.push(oid_text(body));
        }
        seq = rest;
    }
    out
}

fn oid_text(body: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut v = 0u64;
    for b in body {
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let (a, b) = if v < 40 {
                    (0, v)
                } else if v < 80 {
                    (1, v - 40)
                } else {
                    (2, v - 80)
                };
                arcs.push(a);
                arcs.push(b);
            } else {
                arcs.push(v);
            }
            v = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Upper-case hex.
pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// `B490B2A7 FF0DC4CB ...`: hex in groups of 8 digits, as IOS prints
/// fingerprints and key identifiers.
pub fn hex_groups(bytes: &[u8]) -> String {
    bytes.chunks(4).map(hex_upper).collect::<Vec<_>>().join(" ")
}

/// `19:00:00 EST Dec 31 2024`: an instant as the device prints it in its
/// zone (UTC when none is configured).
pub fn ios_date(unix: i64, tz: Tz<'_>) -> String {
    let (label, offset) = tz.unwrap_or(("UTC", 0));
    let utc: DateTime<Utc> = DateTime::from_timestamp(unix, 0).expect("renderer: timestamp");
    let local = utc.with_timezone(&FixedOffset::east_opt(offset).expect("renderer: offset"));
    format!(
        "{} {label} {}",
        local.format("%H:%M:%S"),
        local.format("%b %-d %Y")
    )
}

/// The serial as IOS prints it: the DER INTEGER content octets, upper case.
pub fn ios_serial(f: &Facts) -> String {
    hex_upper(&f.serial_der)
}

/// The serial as ASA prints it: the same octets, lower case.
pub fn asa_serial(f: &Facts) -> String {
    hex_upper(&f.serial_der).to_ascii_lowercase()
}

fn cn_of(rdns: &[Vec<(String, String)>]) -> Option<&str> {
    rdns.iter()
        .flatten()
        .rev()
        .find(|(a, _)| a == "cn")
        .map(|(_, v)| v.as_str())
}

fn attr_of<'a>(rdns: &'a [Vec<(String, String)>], attr: &str) -> Option<&'a str> {
    rdns.iter()
        .flatten()
        .find(|(a, _)| a == attr)
        .map(|(_, v)| v.as_str())
}

/// The name lines: most specific RDN first (the reverse of certificate
/// order), a multi-valued RDN joined by `+`, four blanks of indent.
fn name_lines(out: &mut String, rdns: &[Vec<(String, String)>]) {
    for rdn in rdns.iter().rev() {
        let line = rdn
            .iter()
            .map(|(a, v)| format!("{a}={v}"))
            .collect::<Vec<_>>()
            .join("+");
        let _ = writeln!(out, "    {line}");
    }
}

/// `Certificate Usage:` as IOS derives it from the key usage: signing bits
/// only → Signature, encryption bits only → Encryption, both or none →
/// General Purpose.
fn usage(f: &Facts) -> &'static str {
    let Some(ku) = f.ku else {
        return "General Purpose";
    };
    let sign = ku & (1 | 2 | 32 | 64) != 0;
    let enc = ku & (4 | 8 | 16) != 0;
    match (sign, enc) {
        (true, false) => "Signature",
        (false, true) => "Encryption",
        _ => "General Purpose",
    }
}

/// `nvram:ExampleVPNIs#1.cer`: the issuer CN without blanks and dots, cut
/// at 12 characters, `#`, the last two serial octets in hex, `CA` for a CA
/// certificate (the rule seen in real output, see the fixtures).
fn storage(f: &Facts, ca: bool) -> String {
    let cn: String = cn_of(&f.issuer)
        .unwrap_or("")
        .chars()
        .filter(|c| *c != ' ' && *c != '.')
        .take(12)
        .collect();
    let n = f.serial_der.len();
    let last = f.serial_der[n.saturating_sub(2)..]
        .iter()
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
    format!("nvram:{cn}#{last:X}{}.cer", if ca { "CA" } else { "" })
}

/// The signature algorithm as IOS and ASA name it.
pub fn ios_signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "MD5 with RSA Encryption",
        "1.2.840.113549.1.1.5" => "SHA1 with RSA Encryption",
        "1.2.840.113549.1.1.11" => "SHA256 with RSA Encryption",
        "1.2.840.113549.1.1.12" => "SHA384 with RSA Encryption",
        "1.2.840.113549.1.1.13" => "SHA512 with RSA Encryption",
        "1.2.840.10045.4.1" => "SHA1 with ECDSA",
        "1.2.840.10045.4.3.2" => "SHA256 with ECDSA",
        "1.2.840.10045.4.3.3" => "SHA384 with ECDSA",
        "1.2.840.10045.4.3.4" => "SHA512 with ECDSA",
        other => return other.to_string(),
    }
    .to_string()
}

/// `X509v3 Key Usage: A0000000`: the KU bits left-aligned in a 32-bit word,
/// digitalSignature the top bit.
pub fn ios_ku_mask(flags: u16) -> u32 {
    (0..9)
        .filter(|i| flags & (1 << i) != 0)
        .fold(0u32, |m, i| m | (0x8000_0000 >> i))
}

const KU_NAMES: [&str; 9] = [
    "Digital Signature",
    "Non Repudiation",
    "Key Encipherment",
    "Data Encipherment",
    "Key Agreement",
    "Key Cert Sign",
    "CRL Signature",
    "Encipher Only",
    "Decipher Only",
];

/// The EKU purpose as IOS names it; the dotted OID for purposes it has no
/// name for.
pub fn ios_eku_name(oid: &str) -> String {
    match oid {
        "1.3.6.1.5.5.7.3.1" => "Server Auth",
        "1.3.6.1.5.5.7.3.2" => "Client Auth",
        "1.3.6.1.5.5.7.3.5" => "IPSEC End System",
        other => return other.to_string(),
    }
    .to_string()
}

fn san_text(s: &San) -> Option<String> {
    match s {
        San::Dns(d) => Some(d.clone()),
        San::Ip(ip) => Some(ip.to_string()),
        San::Email(e) => Some(e.clone()),
        San::Uri(u) => Some(u.clone()),
        San::Other => None,
    }
}

/// One entry of `show crypto pki certificates [verbose]` (IOS 15 / IOS-XE).
/// `kind` is [`IDENTITY`] or [`CA`]; `tz` the device's clock zone (UTC when
/// `None`).
pub fn show_entry(der: &[u8], kind: &str, trustpoint: &str, verbose: bool, tz: Tz<'_>) -> String {
    let f = facts(der);
    let identity = kind == IDENTITY;
    let mut o = String::new();
    let _ = writeln!(o, "{kind}");
    o.push_str("  Status: Available\n");
    if verbose {
        let _ = writeln!(o, "  Version: {}", f.version);
    }
    let _ = writeln!(o, "  Certificate Serial Number (hex): {}", ios_serial(&f));
    let _ = writeln!(o, "  Certificate Usage: {}", usage(&f));
    o.push_str("  Issuer: \n");
    name_lines(&mut o, &f.issuer);
    if identity {
        // The identity's subject opens with a summary: `Name:` (the
        // unstructuredName, else the CN), `IP Address:`, `Serial Number:`.
        o.push_str("  Subject:\n");
        if let Some(name) = attr_of(&f.subject, "hostname").or_else(|| cn_of(&f.subject)) {
            let _ = writeln!(o, "    Name: {name}");
        }
        if let Some(ip) = attr_of(&f.subject, "ipaddress") {
            let _ = writeln!(o, "    IP Address: {ip}");
        }
        if let Some(sn) = attr_of(&f.subject, "serialNumber") {
            let _ = writeln!(o, "    Serial Number: {sn}");
        }
    } else {
        o.push_str("  Subject: \n");
    }
    name_lines(&mut o, &f.subject);
    if !f.cdp.is_empty() {
        o.push_str("  CRL Distribution Points: \n");
        for u in &f.cdp {
            let _ = writeln!(o, "    {u}");
        }
    }
    o.push_str("  Validity Date: \n");
    let _ = writeln!(o, "    start date: {}", ios_date(f.not_before, tz));
    let _ = writeln!(o, "    end   date: {}", ios_date(f.not_after, tz));
    if identity {
        // auto-enroll 80: renewal at 80 % of the lifetime.
        let renew = f.not_before + (f.not_after - f.not_before) * 4 / 5;
        let _ = writeln!(o, "    renew date: {}", ios_date(renew, tz));
    }
    if verbose {
        verbose_lines(&mut o, &f);
        // Installed a day after issue (a line pkiaudit has no use for).
        let installed = f.not_before + Duration::days(1).num_seconds();
        let _ = writeln!(o, "  Cert install time: {} ", ios_date(installed, tz));
    }
    let _ = writeln!(o, "  Associated Trustpoints: {trustpoint} ");
    if verbose && identity {
        let _ = writeln!(o, "  Key Label: {trustpoint}-KEY");
        o.push_str("  Key storage device: private config\n");
    } else {
        let _ = writeln!(o, "  Storage: {}", storage(&f, !identity));
    }
    o.push('\n');
    o
}

fn verbose_lines(o: &mut String, f: &Facts) {
    o.push_str("  Subject Key Info:\n");
    match &f.key {
        KeyKind::Rsa(bits) => {
            o.push_str("    Public Key Algorithm: rsaEncryption\n");
            let _ = writeln!(o, "    RSA Public Key: ({bits} bit)");
        }
        KeyKind::Ec(bits) => {
            o.push_str("    Public Key Algorithm: ecPublicKey\n");
            let _ = writeln!(o, "    EC Public Key: ({bits} bit)");
        }
        KeyKind::Other(oid) => {
            let _ = writeln!(o, "    Public Key Algorithm: {oid}");
        }
    }
    let _ = writeln!(
        o,
        "  Signature Algorithm: {}",
        ios_signature_name(&f.sig_oid)
    );
    let _ = writeln!(o, "  Fingerprint MD5: {} ", hex_groups(&f.md5));
    let _ = writeln!(o, "  Fingerprint SHA1: {} ", hex_groups(&f.sha1));
    if !f.has_extensions {
        return;
    }
    o.push_str("  X509v3 extensions:\n");
    if let Some(ku) = f.ku {
        let _ = writeln!(o, "    X509v3 Key Usage: {:08X}", ios_ku_mask(ku));
        for (i, name) in KU_NAMES.iter().enumerate() {
            if ku & (1 << i) != 0 {
                let _ = writeln!(o, "      {name}");
            }
        }
    }
    if !f.san.is_empty() {
        o.push_str("    X509v3 Subject Alternative Name:\n");
        for s in f.san.iter().filter_map(san_text) {
            let _ = writeln!(o, "        {s}");
        }
    }
    if let Some(ski) = &f.ski {
        let _ = writeln!(o, "    X509v3 Subject Key ID: {} ", hex_groups(ski));
    }
    if let Some(ca) = f.ca {
        o.push_str("    X509v3 Basic Constraints:\n");
        let _ = writeln!(o, "        CA: {}", if ca { "TRUE" } else { "FALSE" });
    }
    if let Some(aki) = &f.aki {
        let _ = writeln!(o, "    X509v3 Authority Key ID: {} ", hex_groups(aki));
    }
    // IOS-XE prints this line whether or not the extension is there.
    o.push_str("    Authority Info Access:\n");
    if !f.eku.is_empty() {
        o.push_str("    Extended Key Usage:\n");
        for oid in &f.eku {
            let _ = writeln!(o, "        {}", ios_eku_name(oid));
        }
    }
}

/// One entry of ASA `show crypto ca certificates`: serial in lower case
/// without `(hex)`, `Public Key Type:`, `Signature Algorithm:`, `Issuer
/// Name:` / `Subject Name:`, numbered CRL distribution points, `Storage:
/// config` before the trustpoints.
pub fn asa_entry(der: &[u8], kind: &str, trustpoint: &str, tz: Tz<'_>) -> String {
    let f = facts(der);
    let identity = kind == IDENTITY;
    let mut o = String::new();
    let _ = writeln!(o, "{kind}");
    o.push_str("  Status: Available\n");
    let _ = writeln!(o, "  Certificate Serial Number: {}", asa_serial(&f));
    let _ = writeln!(o, "  Certificate Usage: {}", usage(&f));
    match &f.key {
        KeyKind::Rsa(bits) => {
            let _ = writeln!(o, "  Public Key Type: RSA ({bits} bits)");
        }
        KeyKind::Ec(bits) => {
            let _ = writeln!(o, "  Public Key Type: ECDSA ({bits} bits)");
        }
        KeyKind::Other(oid) => {
            let _ = writeln!(o, "  Public Key Type: {oid}");
        }
    }
    let _ = writeln!(
        o,
        "  Signature Algorithm: {}",
        ios_signature_name(&f.sig_oid)
    );
    o.push_str("  Issuer Name: \n");
    name_lines(&mut o, &f.issuer);
    o.push_str(if identity {
        "  Subject Name:\n"
    } else {
        "  Subject Name: \n"
    });
    name_lines(&mut o, &f.subject);
    if !f.cdp.is_empty() {
        o.push_str("  CRL Distribution Points: \n");
        for (i, u) in f.cdp.iter().enumerate() {
            let _ = writeln!(o, "    [{}]  {u}", i + 1);
        }
    }
    o.push_str("  Validity Date: \n");
    let _ = writeln!(o, "    start date: {}", ios_date(f.not_before, tz));
    let _ = writeln!(o, "    end   date: {}", ios_date(f.not_after, tz));
    o.push_str("  Storage: config\n");
    let _ = writeln!(o, "  Associated Trustpoints: {trustpoint} ");
    o.push('\n');
    o
}

/// The prompt and command line in front of `show` output.
pub fn show_command(hostname: &str, asa: bool) -> String {
    if asa {
        format!("{hostname}# show crypto ca certificates\n")
    } else {
        format!("{hostname}#show crypto pki certificates\n")
    }
}

/// The header of one certificate in a chain block (`certificate ca 1001`).
pub fn chain_header(kind: &str, der: &[u8]) -> String {
    format!(" {kind} {}", ios_serial(&facts(der)))
}

/// The hex lines of one certificate in a chain block: upper-case hex,
/// 8-digit groups, 8 groups per line, two blanks of indent.
pub fn chain_hex_lines(der: &[u8]) -> Vec<String> {
    der.chunks(32)
        .map(|line| {
            format!(
                "  {}",
                line.chunks(4).map(hex_upper).collect::<Vec<_>>().join(" ")
            )
        })
        .collect()
}

/// The line that closes a certificate in a chain block: two blanks, a TAB,
/// `quit`.
pub const CHAIN_QUIT: &str = "  \tquit";

/// One certificate of a chain block: its kind (`certificate`, `certificate
/// ca`, ...) and DER.
pub type ChainCert<'a> = (&'a str, &'a [u8]);

/// A trustpoint and the certificates of its chain.
pub type Chain<'a> = (&'a str, Vec<ChainCert<'a>>);

/// A `crypto pki certificate chain` block as IOS writes it in a
/// running-config: `certs` are `(kind, der)` with `kind` `certificate`,
/// `certificate ca` (or `certificate rollover`, ...).
pub fn running_config_chain(trustpoint: &str, certs: &[ChainCert<'_>]) -> String {
    let mut o = format!("crypto pki certificate chain {trustpoint}\n");
    for (kind, der) in certs {
        o.push_str(&chain_header(kind, der));
        o.push('\n');
        for l in chain_hex_lines(der) {
            o.push_str(&l);
            o.push('\n');
        }
        o.push_str(CHAIN_QUIT);
        o.push('\n');
    }
    o
}

/// The trustpoint definition a running-config holds for a chain.
pub fn running_config_trustpoint(trustpoint: &str) -> String {
    format!("crypto pki trustpoint {trustpoint}\n enrollment terminal\n revocation-check none\n!\n")
}

/// A whole `show running-config` around some chains: the banner, the
/// trustpoints, the chains, `end`.
pub fn running_config(hostname: &str, chains: &[Chain<'_>]) -> String {
    let mut body = String::from("!\nversion 17.9\n!\n");
    let _ = writeln!(body, "hostname {hostname}\n!");
    for (tp, _) in chains {
        body.push_str(&running_config_trustpoint(tp));
    }
    for (tp, certs) in chains {
        body.push_str(&running_config_chain(tp, certs));
        body.push_str("!\n");
    }
    body.push_str("end\n");
    format!(
        "{hostname}#show running-config\nBuilding configuration...\n\nCurrent configuration : {} bytes\n{body}",
        body.len()
    )
}

/// 64-column base64 between PEM armour lines.
pub fn pem_lines(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut o = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        o.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        o.push('\n');
    }
    o.push_str("-----END CERTIFICATE-----\n");
    o
}

/// `show crypto pki certificates pem TP` (IOS-XE): the trustpoint banner,
/// then `% CA certificate:` and `% General Purpose Certificate:` each over
/// its PEM block, as in fixtures/ios/show-crypto-pki-certificates-pem.txt.
pub fn show_pem(trustpoint: &str, ca_der: &[u8], identity_der: &[u8]) -> String {
    let mut o = format!("hub#show crypto pki certificates pem {trustpoint}\n");
    let _ = writeln!(o, "------Trustpoint: {trustpoint}------");
    o.push_str("% CA certificate:\n");
    o.push_str(&pem_lines(ca_der));
    o.push('\n');
    o.push_str("% General Purpose Certificate:\n");
    o.push_str(&pem_lines(identity_der));
    o.push('\n');
    o.push_str("hub#\n");
    o
}

/// MD5 (RFC 1321), for the `Fingerprint MD5:` line: `ring` has none.
pub fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (
        0x6745_2301u32,
        0xefcd_ab89u32,
        0x98ba_dcfeu32,
        0x1032_5476u32,
    );
    for block in msg.chunks(64) {
        let m: Vec<u32> = block
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}
