//! The IKE identity (`--id`): the IDi/IDr a peer sends, and whether the
//! certificate holds it.
//!
//! RFC 4945 §3.1 ties each identity type to the certificate field that
//! must carry it (§3.1.1 ID_IPV4_ADDR/ID_IPV6_ADDR → iPAddress SAN, §3.1.2
//! ID_FQDN → dNSName SAN, §3.1.3 ID_RFC822_ADDR → rfc822Name SAN, §3.1.5
//! ID_DER_ASN1_DN → the subject). strongSwan enforces exactly that before it
//! accepts a peer ("constraint check failed: identity '…' required"): the
//! FQDN is never compared with the subject CN, and a wildcard SAN does not
//! stand for a concrete name.
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
    /// The RDNs in the order given, attributes named as
    /// [`crate::oids::ios_attribute`] names them; and the text as given.
    Dn(Vec<(String, String)>, String),
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

fn fqdn(s: &str) -> Result<IkeId, String> {
    let name = s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase();
    if name.is_empty() || name.split('.').any(str::is_empty) {
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

/// The attribute names users write, mapped to the names certificates are
/// read with (`oids::ios_attribute`).
fn attribute(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "e" | "email" | "emailaddress" | "ea" => "ea".into(),
        "s" | "st" | "sp" => "st".into(),
        "serialnumber" => "serialNumber".into(),
        "g" | "gn" | "givenname" => "gn".into(),
        "sn" | "surname" => "sn".into(),
        "unstructuredname" | "hostname" => "hostname".into(),
        "unstructuredaddress" | "ipaddress" => "ipaddress".into(),
        "postalcode" => "postalcode".into(),
        "commonname" => "cn".into(),
        "organizationname" => "o".into(),
        "organizationalunitname" => "ou".into(),
        "countryname" => "c".into(),
        "localityname" => "l".into(),
        _ => n,
    }
}

/// Split a DN string (`C=CH, O=Example, CN=vpn` or `/C=CH/O=Example/CN=vpn`)
/// into RDNs, honouring `\,` escapes.
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
    let mut rdns = Vec::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let Some((a, v)) = p.split_once('=') else {
            return Err(format!(
                "'{p}' in the DN '{s}' is not ATTRIBUTE=value (escape a comma in a value as \\,)"
            ));
        };
        if a.trim().is_empty() {
            return Err(format!("'{p}' in the DN '{s}' has no attribute name"));
        }
        rdns.push((attribute(a), v.trim().to_string()));
    }
    if rdns.is_empty() {
        return Err(format!("'{s}' holds no RDN"));
    }
    Ok(IkeId::Dn(rdns, s.trim().to_string()))
}

/// Whether a certificate holds an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdMatch {
    /// It does: the entry that holds it (`DNS:vpn.example.com`, `subject`).
    Yes(String),
    /// It does not; why, in words (what the certificate holds instead).
    No(String),
}

fn eq_dns(a: &str, b: &str) -> bool {
    a.strip_suffix('.')
        .unwrap_or(a)
        .eq_ignore_ascii_case(b.strip_suffix('.').unwrap_or(b))
}

/// Check `id` against `cert` as RFC 4945 §3.1 and strongSwan do.
pub fn check(cert: &Certificate, id: &IkeId) -> IdMatch {
    let san: &[SanEntry] = cert
        .subject_alt_name
        .as_ref()
        .map(|s| s.entries.as_slice())
        .unwrap_or(&[]);
    let holds = || {
        if san.is_empty() {
            "the certificate has no SAN".to_string()
        } else {
            format!(
                "its SAN holds {}",
                san.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    match id {
        IkeId::Fqdn(name) => {
            if let Some(e) = san
                .iter()
                .find(|e| matches!(e, SanEntry::Dns(d) if eq_dns(d, name)))
            {
                return IdMatch::Yes(e.to_string());
            }
            let mut why = holds();
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
            let have: Vec<(&str, &str)> = cert
                .subject
                .rdns
                .iter()
                .flatten()
                .map(|(a, v)| (a.as_str(), v.as_str()))
                .collect();
            let same = |a: &[(&str, &str)], b: &mut dyn Iterator<Item = &(String, String)>| {
                let b: Vec<_> = b.collect();
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.eq_ignore_ascii_case(vb))
            };
            if same(&have, &mut want.iter()) {
                // Attributes grouped into a multi-valued RDN (`cn=a+ou=b`,
                // as IOS CSRs produce) encode differently from the DN
                // typed as text, and strongSwan compares encodings.
                if let Some(multi) = cert.subject.rdns.iter().find(|r| r.len() > 1) {
                    return IdMatch::No(format!(
                        "the subject holds the same attributes, but {} are one multi-valued \
                         RDN, which a DN typed as text does not equal (strongSwan: give the \
                         identity as asn1dn:#<hex of the subject>)",
                        multi
                            .iter()
                            .map(|(a, v)| format!("{a}={v}"))
                            .collect::<Vec<_>>()
                            .join("+")
                    ));
                }
                return IdMatch::Yes("subject".into());
            }
            let mut why = format!("the subject is {}", cert.subject.text);
            if same(&have, &mut want.iter().rev()) {
                why.push_str(
                    "; the same RDNs in reverse order: the DN is compared in certificate order",
                );
            }
            IdMatch::No(why)
        }
    }
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
            IkeId::parse("@VPN.example.com.").unwrap(),
            IkeId::Fqdn("vpn.example.com".into())
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
        match IkeId::parse("C=CH, O=Example\\, Inc., CN=vpn").unwrap() {
            IkeId::Dn(rdns, _) => assert_eq!(
                rdns,
                [
                    ("c".to_string(), "CH".to_string()),
                    ("o".into(), "Example, Inc.".into()),
                    ("cn".into(), "vpn".into())
                ]
            ),
            other => panic!("{other:?}"),
        }
        match IkeId::parse("/C=CH/emailAddress=a@b/CN=vpn").unwrap() {
            IkeId::Dn(rdns, _) => assert_eq!(rdns[1].0, "ea"),
            other => panic!("{other:?}"),
        }
        for bad in ["", "ip:vpn", "C=CH, bogus", "email:@x", "a..b", "dn:=x"] {
            assert!(IkeId::parse(bad).is_err(), "{bad}");
        }
    }
}
