//! What particular clients demand beyond the standards, each rule from the
//! vendor's or the interop project's documentation:
//!
//! - Windows' built-in IKEv2 client, connecting by address, matches the
//!   address only against a DNS-type SAN entry holding it;
//! - Apple's native IKEv2 client (iOS 13 / macOS 10.15 and later) needs
//!   the serverAuth EKU and the server identity in a SAN;
//! - an AnyConnect / Secure Client client certificate must be usable for
//!   client authentication and its key for signing.

use std::net::IpAddr;

use super::sources::{RFC5280_EKU, RFC5280_KU, STRONGSWAN_WINDOWS};
use super::{Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::names::Host;
use crate::audit::profile::Profile;
use crate::model::KeyUsageBit::DigitalSignature;
use crate::model::SanEntry;
use crate::oids::{EKU_ANY, EKU_CLIENT_AUTH, EKU_SERVER_AUTH};

const MICROSOFT_13801: Citation = Citation::Doc {
    title: "Microsoft: Troubleshooting IKEv2 VPN Connections (error 13801)",
    url: "https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/dd941612(v=ws.10)",
};
const STRONGSWAN_APPLE: Citation = Citation::Doc {
    title: "strongSwan documentation: iOS and macOS",
    url: "https://docs.strongswan.org/docs/latest/interop/ios.html",
};
const APPLE_REMOTE_ID: Citation = Citation::Doc {
    title: "Apple developer documentation: NEVPNProtocolIPSec.remoteIdentifier",
    url: "https://developer.apple.com/documentation/networkextension/nevpnprotocolipsec/remoteidentifier",
};
const RFC5246_CLIENT_CERT: Citation = Citation::Rfc {
    number: 5246,
    section: "7.4.6",
};
const CISCO_ASA_CERTS: Citation = Citation::Doc {
    title: "Cisco ASA Series General Operations Configuration Guide 9.17: Digital Certificates",
    url: "https://cisco.com/c/en/us/td/docs/security/asa/asa917/configuration/general/asa-917-general-config/basic-certs.html",
};

fn san_ip_is(e: &SanEntry, ip: IpAddr) -> bool {
    matches!(e, SanEntry::Ip(t) if t.parse::<IpAddr>().ok() == Some(ip))
}

fn san_dns_is(e: &SanEntry, text: &str) -> bool {
    matches!(e, SanEntry::Dns(d)
        if d.strip_suffix('.').unwrap_or(d).eq_ignore_ascii_case(text.strip_suffix('.').unwrap_or(text)))
}

/// How a Windows client judges an address it connects to: `None` when the
/// host is a name (the usual name rules apply), else whether the
/// certificate passes and the entry that matched.
pub(crate) fn windows_ip(ctx: &Ctx<'_>) -> Option<(IpAddr, Option<String>)> {
    if !ctx.opts.profile.windows_clients() {
        return None;
    }
    let Some(Host::Ip(ip)) = ctx.opts.host else {
        return None;
    };
    let text = ip.to_string();
    let entries = ctx.cert.san_entries();
    if let Some(e) = entries.iter().find(|e| san_dns_is(e, &text)) {
        return Some((ip, Some(e.to_string())));
    }
    // Without any SAN the name is looked for in the subject.
    if entries.is_empty() {
        if let Some(cn) = ctx
            .cert
            .subject
            .common_names
            .iter()
            .find(|cn| cn.trim() == text)
        {
            return Some((ip, Some(format!("CN={cn}"))));
        }
    }
    Some((ip, None))
}

pub static WINDOWS_IP: Rule = Rule {
    id: "name.windows.ip-address",
    severity: Severity::Error,
    summary: "Windows clients connect by address, and no DNS-type SAN entry holds it",
    fix: "Reissue the headend certificate with the address as a DNS-type SAN entry \
          (OpenSSL `subjectAltName = DNS:203.0.113.10, IP:203.0.113.10`; AD CS: a DNS name \
          in the Subject Alternative Name), keeping the iPAddress entry for other clients; \
          or have clients connect by a name the certificate holds.",
    citations: &[STRONGSWAN_WINDOWS, MICROSOFT_13801],
    scope: Scope::EndEntity,
    profiles: &[Profile::FlexVpnServer, Profile::EapServer],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some((ip, None)) = windows_ip(ctx) else {
            return vec![];
        };
        let entries = ctx.cert.san_entries();
        let why = if entries.iter().any(|e| san_ip_is(e, ip)) {
            format!(
                "the SAN holds IP:{ip}, but Windows compares an address it connects to only \
                 with DNS-type SAN entries"
            )
        } else {
            format!("{} and no DNS:{ip}", ctx.cert.san_in_words())
        };
        vec![format!(
            "clients connect to {ip}: {why}; the Windows IKEv2 client fails with error 13801 \
             (add DNS:{ip})"
        )]
    },
};

pub static APPLE_SERVER_AUTH: Rule = Rule {
    id: "eku.apple.server-auth",
    severity: Severity::Error,
    summary: "Headend certificate for iOS/macOS clients without the serverAuth EKU",
    fix: "Reissue the headend certificate with EKU serverAuth (1.3.6.1.5.5.7.3.1); adding \
          ikeIntermediate (1.3.6.1.5.5.8.2.2) as well serves older macOS releases. AD CS: a \
          template with the Server Authentication application policy; strongSwan pki: \
          `--flag serverAuth`.",
    citations: &[STRONGSWAN_APPLE, RFC5280_EKU],
    scope: Scope::EndEntity,
    profiles: &[Profile::AppleClient],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let who = "the iOS and macOS IKEv2 client rejects a headend certificate without it";
        match ctx.cert.extended_key_usage.as_ref() {
            Some(eku) if eku.contains(EKU_SERVER_AUTH) => vec![],
            Some(eku) => vec![format!(
                "EKU is [{}], without serverAuth ({EKU_SERVER_AUTH}): {who}",
                eku.describe()
            )],
            None => vec![format!(
                "the certificate has no EKU extension, so no serverAuth ({EKU_SERVER_AUTH}): {who}"
            )],
        }
    },
};

/// Whether `host` (the server identity when no `--id` names it) is a SAN
/// entry: an address as iPAddress or as DNS-type text, a name as dNSName.
fn apple_holds(entries: &[SanEntry], host: &Host) -> bool {
    match host {
        Host::Dns(d) => entries.iter().any(|e| san_dns_is(e, d)),
        Host::Ip(ip) => entries
            .iter()
            .any(|e| san_ip_is(e, *ip) || san_dns_is(e, &ip.to_string())),
    }
}

pub static APPLE_SAN: Rule = Rule {
    id: "name.apple.san",
    severity: Severity::Error,
    summary: "Headend certificate for iOS/macOS clients without the server identity in a SAN",
    fix: "Reissue the headend certificate with the server identity (the profile's \
          RemoteIdentifier, usually the headend's DNS name) as a SAN entry: \
          `subjectAltName = DNS:vpn.example.com`. Since iOS 13 and macOS 10.15 the subject CN \
          is not used.",
    citations: &[STRONGSWAN_APPLE, APPLE_REMOTE_ID],
    scope: Scope::EndEntity,
    profiles: &[Profile::AppleClient],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let entries = ctx.cert.san_entries();
        let names: Vec<&SanEntry> = entries
            .iter()
            .filter(|e| matches!(e, SanEntry::Dns(_) | SanEntry::Ip(_) | SanEntry::Email(_)))
            .collect();
        if names.is_empty() {
            let cn = ctx.cert.subject.common_names.first();
            return vec![format!(
                "{}{}: iOS 13, macOS 10.15 and later look for the server identity only in \
                 the SAN",
                ctx.cert.san_in_words(),
                cn.map(|c| format!(" with a DNS, IP or email entry (the CN {c} is not used)"))
                    .unwrap_or_else(|| " with a DNS, IP or email entry".into())
            )];
        }
        // With --id the identity rules judge it (name.id.*).
        if ctx.opts.id.is_some() {
            return vec![];
        }
        match &ctx.opts.host {
            Some(host) if !apple_holds(entries, host) => vec![format!(
                "server identity {host} (taken from --host; give --id when the profile's \
                 RemoteIdentifier differs) is in no SAN entry: {}",
                ctx.cert.san_in_words()
            )],
            _ => vec![],
        }
    },
};

pub static ANYCONNECT_CLIENT_AUTH: Rule = Rule {
    id: "eku.anyconnect.client-auth",
    severity: Severity::Error,
    summary: "AnyConnect client certificate whose EKU lacks clientAuth",
    fix: "Reissue the client certificate from a template with the Client Authentication \
          application policy (EKU clientAuth, 1.3.6.1.5.5.7.3.2), e.g. the AD CS User or \
          Workstation Authentication template; or leave EKU out entirely.",
    citations: &[RFC5280_EKU, CISCO_ASA_CERTS],
    scope: Scope::EndEntity,
    profiles: &[Profile::AnyConnectClient],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some(eku) = ctx.cert.extended_key_usage.as_ref() else {
            return vec![];
        };
        if eku.contains(EKU_CLIENT_AUTH) || eku.contains(EKU_ANY) {
            return vec![];
        }
        vec![format!(
            "EKU is [{}], without clientAuth ({EKU_CLIENT_AUTH}): the certificate is not valid \
             for client authentication, and the headend's path validation rejects it",
            eku.describe()
        )]
    },
};

pub static ANYCONNECT_CLIENT_SIGNING: Rule = Rule {
    id: "ku.anyconnect.client-signing",
    severity: Severity::Error,
    summary: "AnyConnect client certificate whose Key Usage lacks digitalSignature",
    fix: "Reissue the client certificate with Key Usage digitalSignature (with \
          keyEncipherment for RSA keys, as the AD CS User template sets it).",
    citations: &[RFC5246_CLIENT_CERT, RFC5280_KU],
    scope: Scope::EndEntity,
    profiles: &[Profile::AnyConnectClient],
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let Some(ku) = ctx.cert.key_usage else {
            return vec![];
        };
        if ku.has(DigitalSignature) {
            return vec![];
        }
        vec![format!(
            "Key Usage is [{}]: the client proves it holds the key by signing (TLS \
             CertificateVerify, IKEv2 AUTH), which needs digitalSignature",
            ku.names().join(", ")
        )]
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::identity::IkeId;
    use crate::audit::rules::testing::run;
    use crate::audit::{Options, Role};
    use crate::testkit::{CertSpec, Issued};
    use rcgen::ExtendedKeyUsagePurpose as E;
    use rcgen::KeyUsagePurpose as K;

    fn opts(profile: Profile, host: Option<&str>) -> Options {
        Options {
            profile,
            host: host.map(|h| Host::parse(h).unwrap()),
            ..Options::test()
        }
    }

    fn der(spec: CertSpec) -> Vec<u8> {
        Issued::root("Clients CA").issue(spec).der()
    }

    fn msgs(rule: &Rule, der: &[u8], o: &Options) -> Vec<String> {
        run(rule, der, Role::EndEntity, o)
    }

    #[test]
    fn windows_by_address_needs_a_dns_type_entry() {
        let o = opts(Profile::FlexVpnServer, Some("203.0.113.10"));
        let ip_only = der(CertSpec::leaf("vpn").san_ip(&["203.0.113.10"]));
        let m = msgs(&WINDOWS_IP, &ip_only, &o);
        assert!(m[0].contains("SAN holds IP:203.0.113.10"), "{m:?}");
        assert!(m[0].contains("13801"), "{m:?}");
        let both = der(CertSpec::leaf("vpn")
            .san_dns(&["203.0.113.10"])
            .san_ip(&["203.0.113.10"]));
        assert!(msgs(&WINDOWS_IP, &both, &o).is_empty());
        let neither = der(CertSpec::leaf("vpn").san_dns(&["vpn.example.com"]));
        let m = msgs(&WINDOWS_IP, &neither, &o);
        assert!(m[0].contains("no DNS:203.0.113.10"), "{m:?}");
        // by name, or for a client that is not Windows: not this rule
        let by_name = opts(Profile::FlexVpnServer, Some("vpn.example.com"));
        assert!(msgs(&WINDOWS_IP, &ip_only, &by_name).is_empty());
        let anyconnect = opts(Profile::AnyConnectServer, Some("203.0.113.10"));
        assert!(!WINDOWS_IP.in_profile(anyconnect.profile));
    }

    #[test]
    fn apple_needs_server_auth_even_when_eku_is_absent() {
        let o = opts(Profile::AppleClient, None);
        let none = der(CertSpec::leaf("vpn").san_dns(&["vpn"]));
        assert!(msgs(&APPLE_SERVER_AUTH, &none, &o)[0].contains("no EKU extension"));
        let client = der(CertSpec::leaf("vpn").eku(&[E::ClientAuth]));
        assert_eq!(msgs(&APPLE_SERVER_AUTH, &client, &o).len(), 1);
        let server = der(CertSpec::leaf("vpn").eku(&[E::ServerAuth]));
        assert!(msgs(&APPLE_SERVER_AUTH, &server, &o).is_empty());
    }

    #[test]
    fn apple_needs_the_identity_in_a_san_not_the_cn() {
        let cn_only = der(CertSpec::leaf("vpn.example.com"));
        let m = msgs(&APPLE_SAN, &cn_only, &opts(Profile::AppleClient, None));
        assert!(m[0].contains("CN vpn.example.com is not used"), "{m:?}");
        let other = der(CertSpec::leaf("vpn.example.com").san_dns(&["gw.example.com"]));
        let host = opts(Profile::AppleClient, Some("vpn.example.com"));
        let m = msgs(&APPLE_SAN, &other, &host);
        assert!(m[0].contains("server identity vpn.example.com"), "{m:?}");
        let good = der(CertSpec::leaf("x").san_dns(&["vpn.example.com"]));
        assert!(msgs(&APPLE_SAN, &good, &host).is_empty());
        // --id takes over the identity check
        let with_id = Options {
            id: Some(IkeId::parse("gw.example.com").unwrap()),
            ..host
        };
        assert!(msgs(&APPLE_SAN, &other, &with_id).is_empty());
    }

    #[test]
    fn anyconnect_client_eku_and_ku() {
        let o = opts(Profile::AnyConnectClient, None);
        let plain = der(CertSpec::leaf("alice"));
        assert!(msgs(&ANYCONNECT_CLIENT_AUTH, &plain, &o).is_empty());
        assert!(msgs(&ANYCONNECT_CLIENT_SIGNING, &plain, &o).is_empty());
        let server = der(CertSpec::leaf("alice").eku(&[E::ServerAuth]));
        assert_eq!(msgs(&ANYCONNECT_CLIENT_AUTH, &server, &o).len(), 1);
        let client = der(CertSpec::leaf("alice").eku(&[E::ServerAuth, E::ClientAuth]));
        assert!(msgs(&ANYCONNECT_CLIENT_AUTH, &client, &o).is_empty());
        let enc_only = der(CertSpec::leaf("alice").ku(&[K::KeyEncipherment]));
        let m = msgs(&ANYCONNECT_CLIENT_SIGNING, &enc_only, &o);
        assert!(m[0].contains("keyEncipherment"), "{m:?}");
        let nr_only = der(CertSpec::leaf("alice").ku(&[K::ContentCommitment]));
        assert_eq!(msgs(&ANYCONNECT_CLIENT_SIGNING, &nr_only, &o).len(), 1);
    }
}
