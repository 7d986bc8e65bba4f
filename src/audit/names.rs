//! Host name verification as AnyConnect performs it on a headend
//! certificate (field guide, "Name Verification and AnyConnect Behavior"):
//!
//! - if the certificate has a SAN with DNS or IP entries, those are used
//!   exclusively;
//! - otherwise the subject CN is used;
//! - a wildcard is valid only as the whole left-most label
//!   (`*.example.com`), matches exactly one label, and the rest must match
//!   exactly (`vpn.*.com` is invalid).
//!
//! Comparison is case-insensitive and ignores one trailing dot; an IP host
//! matches iPAddress entries (and, without SAN, a CN that is that address).

use std::net::IpAddr;

use serde::Serialize;

use crate::model::{Certificate, SanEntry};

/// The name a client connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Dns(String),
    Ip(IpAddr),
}

impl Host {
    /// Parse `--host`. Accepts a DNS name, an IPv4/IPv6 address (IPv6 with or
    /// without brackets), and forgives what users paste from a client
    /// profile: a URL scheme, a port and a path (`https://vpn.example.com:443/grp`).
    pub fn parse(text: &str) -> Result<Host, String> {
        let mut s = text.trim();
        if let Some(i) = s.find("://") {
            s = &s[i + 3..];
        }
        if let Some(i) = s.find('/') {
            s = &s[..i];
        }
        if let Some(inner) = s.strip_prefix('[') {
            let inner = inner.split(']').next().unwrap_or("");
            return inner
                .parse::<IpAddr>()
                .map(Host::Ip)
                .map_err(|_| format!("'{text}' has brackets but no IPv6 address in them"));
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(Host::Ip(ip));
        }
        // host:port (a single colon; more colons would be IPv6, handled above)
        if let Some((h, port)) = s.rsplit_once(':') {
            if !h.contains(':') && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                s = h;
            }
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(Host::Ip(ip));
        }
        let name = normalize(s);
        if name.is_empty() {
            return Err(format!("'{text}' holds no host name"));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || *c == '*')
        {
            return Err(format!(
                "'{text}' is not a host name ({bad:?} is not allowed)"
            ));
        }
        if name.split('.').any(str::is_empty) {
            return Err(format!("'{text}' has an empty label"));
        }
        Ok(Host::Dns(name))
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Dns(d) => f.write_str(d),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

fn normalize(s: &str) -> String {
    s.strip_suffix('.').unwrap_or(s).to_lowercase()
}

/// Which certificate field the client verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameSource {
    /// SAN DNS/IP entries, used exclusively.
    SubjectAltName,
    /// The subject common name, used because SAN has no DNS/IP entry.
    CommonName,
}

/// One name compared with the host, and the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// How the name is shown: `DNS:vpn.example.com`, `IP:192.0.2.1`, `CN=vpn`.
    pub name: String,
    pub matched: bool,
    /// Why it did not match (or why the name itself is invalid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The outcome of verifying one host against one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameCheck {
    pub source: NameSource,
    pub comparisons: Vec<Comparison>,
}

impl NameCheck {
    pub fn matched(&self) -> bool {
        self.comparisons.iter().any(|c| c.matched)
    }

    /// Which field was used, and why, in words.
    pub fn source_explained(&self, cert: &Certificate) -> String {
        match self.source {
            NameSource::SubjectAltName => {
                let ignored = if cert.subject.common_names.is_empty() {
                    String::new()
                } else {
                    "; the subject CN is ignored when SAN has DNS/IP entries".into()
                };
                format!("SAN has DNS/IP entries, so only they are compared{ignored}")
            }
            NameSource::CommonName => {
                if cert.subject_alt_name.is_some() {
                    "SAN has no DNS/IP entry, so the subject CN is compared".into()
                } else {
                    "the certificate has no SAN, so the subject CN is compared".into()
                }
            }
        }
    }
}

/// Why a presented DNS name (pattern) is not a valid name to match against.
pub fn invalid_dns_name(pattern: &str) -> Option<String> {
    let p = normalize(pattern);
    if p.is_empty() {
        return Some("empty name".into());
    }
    if p.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains white space or control characters".into());
    }
    let labels: Vec<&str> = p.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Some("has an empty label".into());
    }
    if !p.contains('*') {
        return None;
    }
    let first = labels.first().copied().unwrap_or("");
    if first != "*" {
        if first.contains('*') {
            return Some(format!(
                "wildcard '{first}' is only part of the left-most label; only a whole '*' label is valid"
            ));
        }
        return Some(
            "wildcard is not in the left-most label (e.g. vpn.*.com); only *.domain is valid"
                .into(),
        );
    }
    if labels[1..].iter().any(|l| l.contains('*')) {
        return Some("more than one wildcard; only the left-most label may be '*'".into());
    }
    if labels.len() < 3 {
        return Some(format!(
            "wildcard covers a whole top-level domain ('{p}'); at least two labels must follow '*'"
        ));
    }
    None
}

/// Compare a host name with a DNS name from the certificate.
fn match_dns(pattern: &str, host: &str) -> Result<(), String> {
    if let Some(why) = invalid_dns_name(pattern) {
        return Err(format!("invalid name: {why}"));
    }
    let p = normalize(pattern);
    if let Some(suffix) = p.strip_prefix("*.") {
        let Some((first, rest)) = host.split_once('.') else {
            return Err("the wildcard needs a host with more labels".into());
        };
        if first.is_empty() {
            return Err("the host's first label is empty".into());
        }
        if rest == suffix {
            return Ok(());
        }
        if host == suffix {
            return Err(format!(
                "'*' must match exactly one label; '{host}' has none before .{suffix}"
            ));
        }
        if host.ends_with(&format!(".{suffix}")) {
            return Err(format!(
                "'*' matches exactly one label, not '{}'",
                &host[..host.len() - suffix.len() - 1]
            ));
        }
        return Err(format!("'{rest}' differs from '{suffix}'"));
    }
    if p == host {
        Ok(())
    } else {
        Err("different name".into())
    }
}

/// Verify `host` against `cert` as AnyConnect does.
pub fn verify(cert: &Certificate, host: &Host) -> NameCheck {
    let san = cert.san_dns_ip();
    if !san.is_empty() {
        let comparisons =
            san.into_iter()
                .map(|entry| {
                    let outcome = match (entry, host) {
                        (SanEntry::Dns(d), Host::Dns(h)) => match_dns(d, h),
                        (SanEntry::Ip(ip), Host::Ip(h)) => {
                            if ip.parse::<IpAddr>().ok().as_ref() == Some(h) {
                                Ok(())
                            } else {
                                Err("different address".into())
                            }
                        }
                        (SanEntry::Dns(d), Host::Ip(h)) => {
                            if d.trim().parse::<IpAddr>().ok().as_ref() == Some(h) {
                                Err("an IP address must be in an iPAddress SAN entry, not a dNSName"
                                .into())
                            } else {
                                Err("a DNS name cannot match an IP host".into())
                            }
                        }
                        (SanEntry::Ip(_), Host::Dns(_)) => {
                            Err("an iPAddress entry cannot match a DNS host".into())
                        }
                        _ => Err("not a DNS or IP entry".into()),
                    };
                    comparison(entry.to_string(), outcome)
                })
                .collect();
        return NameCheck {
            source: NameSource::SubjectAltName,
            comparisons,
        };
    }
    let comparisons = if cert.subject.common_names.is_empty() {
        Vec::new()
    } else {
        cert.subject
            .common_names
            .iter()
            .map(|cn| {
                let outcome = match host {
                    Host::Dns(h) => match_dns(cn, h),
                    Host::Ip(h) => {
                        if cn.trim().parse::<IpAddr>().ok().as_ref() == Some(h) {
                            Ok(())
                        } else {
                            Err("the CN is not this address".into())
                        }
                    }
                };
                comparison(format!("CN={cn}"), outcome)
            })
            .collect()
    };
    NameCheck {
        source: NameSource::CommonName,
        comparisons,
    }
}

fn comparison(name: String, outcome: Result<(), String>) -> Comparison {
    match outcome {
        Ok(()) => Comparison {
            name,
            matched: true,
            reason: None,
        },
        Err(reason) => Comparison {
            name,
            matched: false,
            reason: Some(reason),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_parse_forgives_urls_ports_and_brackets() {
        assert_eq!(
            Host::parse("https://VPN.Example.com:443/group").unwrap(),
            Host::Dns("vpn.example.com".into())
        );
        assert_eq!(
            Host::parse("vpn.example.com.").unwrap(),
            Host::Dns("vpn.example.com".into())
        );
        assert_eq!(
            Host::parse("[2001:db8::1]:443").unwrap(),
            Host::Ip("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            Host::parse("2001:db8::1").unwrap(),
            Host::Ip("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            Host::parse("192.0.2.7:8443").unwrap(),
            Host::Ip("192.0.2.7".parse().unwrap())
        );
        assert!(Host::parse("").is_err());
        assert!(Host::parse("*.example.com").is_err());
        assert!(Host::parse("vpn..example.com").is_err());
    }

    #[test]
    fn wildcard_validity() {
        assert_eq!(invalid_dns_name("*.example.com"), None);
        assert_eq!(invalid_dns_name("vpn.example.com"), None);
        for bad in [
            "vpn.*.com",
            "v*n.example.com",
            "*.*.example.com",
            "*.com",
            "*",
            "a..b",
        ] {
            assert!(invalid_dns_name(bad).is_some(), "{bad} should be invalid");
        }
    }

    #[test]
    fn wildcard_matches_exactly_one_label() {
        assert!(match_dns("*.example.com", "vpn.example.com").is_ok());
        assert!(match_dns("*.EXAMPLE.com.", "vpn.example.com").is_ok());
        let e = match_dns("*.example.com", "a.b.example.com").unwrap_err();
        assert!(e.contains("exactly one label"), "{e}");
        let e = match_dns("*.example.com", "example.com").unwrap_err();
        assert!(e.contains("exactly one label"), "{e}");
        assert!(match_dns("*.example.com", "vpn.example.org").is_err());
    }
}
