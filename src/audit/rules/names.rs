//! Name rules: will the client accept the name on the headend certificate?
//! The matching itself lives in `audit::names`.

use super::{sources, Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::names::{self, NameCheck, NameSource};
use crate::audit::profile::Profile;
use crate::model::{Certificate, SanEntry};

const RFC6125: Citation = Citation::Rfc {
    number: 6125,
    section: "6.4",
};

/// Headend profiles: their clients verify the name.
const SERVER_PROFILES: &[Profile] = &[
    Profile::AnyConnectServer,
    Profile::FlexVpnServer,
    Profile::EapServer,
];

fn list(check: &NameCheck) -> String {
    check
        .comparisons
        .iter()
        .map(|c| match &c.reason {
            Some(r) if !c.matched => format!("{} ({r})", c.name),
            _ => c.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The host and the outcome of verifying it, when `--host` was given.
fn checked(ctx: &Ctx<'_>) -> Option<(String, NameCheck)> {
    ctx.opts
        .host
        .as_ref()
        .map(|h| (h.to_string(), names::verify(ctx.cert, h)))
}

pub static HOST_MISMATCH: Rule = Rule {
    id: "name.host.mismatch",
    severity: Severity::Error,
    summary: "The host the client connects to matches no name the client verifies",
    fix: "Reissue the headend certificate with the name clients connect to as a SAN dNSName (an address as iPAddress and, for Windows clients, also as dNSName), or change the clients' profile to a name the certificate already has.",
    citations: &[sources::ANYCONNECT, sources::STRONGSWAN_WINDOWS, RFC6125],
    scope: Scope::EndEntity,
    profiles: SERVER_PROFILES,
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        // Windows clients connecting by address: `name.windows.ip-address`.
        if super::clients::windows_ip(ctx).is_some() {
            return vec![];
        }
        let Some((host, check)) = checked(ctx) else {
            return vec![];
        };
        if check.matched() || check.comparisons.is_empty() {
            // No names at all is `name.host.no-name`.
            return vec![];
        }
        vec![format!(
            "host {host} matches none of: {}; {}",
            list(&check),
            check.source_explained(ctx.cert)
        )]
    },
};

pub static HOST_MATCH: Rule = Rule {
    id: "name.host.match",
    severity: Severity::Info,
    summary: "The host matches a name the client verifies",
    fix: "Nothing to change; keep this name in the SAN when the certificate is renewed.",
    citations: &[sources::ANYCONNECT, RFC6125],
    scope: Scope::EndEntity,
    profiles: SERVER_PROFILES,
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        if let Some((ip, hit)) = super::clients::windows_ip(ctx) {
            return hit
                .map(|hit| {
                    format!(
                        "host {ip} matches {hit} (Windows compares an address with DNS-type \
                         SAN entries)"
                    )
                })
                .into_iter()
                .collect();
        }
        let Some((host, check)) = checked(ctx) else {
            return vec![];
        };
        let Some(hit) = check.comparisons.iter().find(|c| c.matched) else {
            return vec![];
        };
        vec![format!(
            "host {host} matches {} ({})",
            hit.name,
            check.source_explained(ctx.cert)
        )]
    },
};

/// The names a client compares, for when no `--host` was given.
fn names_compared(cert: &Certificate) -> (NameSource, Vec<String>) {
    let san = cert.san_dns_ip();
    if san.is_empty() {
        (
            NameSource::CommonName,
            cert.subject
                .common_names
                .iter()
                .map(|cn| format!("CN={cn}"))
                .collect(),
        )
    } else {
        (
            NameSource::SubjectAltName,
            san.iter().map(|e| e.to_string()).collect(),
        )
    }
}

pub static HOST_NOT_GIVEN: Rule = Rule {
    id: "name.host.not-given",
    severity: Severity::Info,
    summary: "No --host given: lists the names the client will compare with the host",
    fix: "Run again with --host set to the name or address in the clients' connection profile to check it against these names.",
    citations: &[sources::ANYCONNECT, sources::STRONGSWAN_WINDOWS],
    scope: Scope::EndEntity,
    profiles: SERVER_PROFILES,
    needs: &[],
    check: |ctx: &Ctx<'_>| {
        if ctx.opts.host.is_some() {
            return vec![];
        }
        let (source, names) = names_compared(ctx.cert);
        if names.is_empty() {
            return vec![];
        }
        let field = match source {
            NameSource::SubjectAltName => "SAN entries (the CN is ignored)",
            NameSource::CommonName => "the subject CN (no SAN DNS/IP entry)",
        };
        vec![format!(
            "name not verified (pass --host): clients will compare the host they connect to \
             with {field}: {}",
            names.join(", ")
        )]
    },
};

pub static NO_NAME: Rule = Rule {
    id: "name.host.no-name",
    severity: Severity::Error,
    summary: "Headend certificate has no SAN DNS/IP entry and no subject CN to verify",
    fix: "Reissue with the headend's public name as a SAN dNSName (and its address as iPAddress if clients connect by address); in AD CS supply it in the request (Subject Alternative Name, DNS).",
    citations: &[sources::ANYCONNECT, sources::STRONGSWAN_WINDOWS],
    scope: Scope::EndEntity,
    profiles: SERVER_PROFILES,
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        if names_compared(ctx.cert).1.is_empty() {
            vec![
                "the certificate has no SAN DNS/IP entry and no subject CN: no host name can \
                  match it"
                    .into(),
            ]
        } else {
            vec![]
        }
    },
};

pub static INVALID_NAME: Rule = Rule {
    id: "name.wildcard.invalid",
    severity: Severity::Warning,
    summary: "A name the client verifies is not valid for IPsec name verification (bad wildcard)",
    fix: "Reissue with exact host names, or with a wildcard only as the whole left-most label (*.example.com); partial or inner wildcards such as vpn*.example.com or vpn.*.com never match.",
    citations: &[sources::ANYCONNECT, RFC6125],
    scope: Scope::EndEntity,
    profiles: SERVER_PROFILES,
    needs: &[Need::Extensions],
    check: |ctx: &Ctx<'_>| {
        let cert = ctx.cert;
        let san = cert.san_dns_ip();
        let candidates: Vec<(String, &str)> = if san.is_empty() {
            cert.subject
                .common_names
                .iter()
                .filter(|cn| cn.trim().parse::<std::net::IpAddr>().is_err())
                .map(|cn| (format!("CN={cn}"), cn.as_str()))
                .collect()
        } else {
            san.iter()
                .filter_map(|e| match e {
                    SanEntry::Dns(d) => Some((e.to_string(), d.as_str())),
                    _ => None,
                })
                .collect()
        };
        candidates
            .into_iter()
            .filter_map(|(shown, name)| {
                names::invalid_dns_name(name)
                    .map(|why| format!("{shown} can never match a host: {why}"))
            })
            .collect()
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::names::Host;
    use crate::audit::rules::testing::run;
    use crate::audit::{Options, Role};
    use crate::testkit::{CertSpec, Issued};

    fn opts(host: Option<&str>) -> Options {
        Options {
            host: host.map(|h| Host::parse(h).unwrap()),
            profile: Profile::AnyConnectServer,
            ..Options::test()
        }
    }

    fn cert(spec: CertSpec) -> Vec<u8> {
        Issued::root("Names CA").issue(spec).der()
    }

    #[test]
    fn mismatch_explains_san_exclusivity() {
        let der = cert(CertSpec::leaf("vpn.example.com").san_dns(&["vpn1.example.com"]));
        let msgs = run(
            &HOST_MISMATCH,
            &der,
            Role::EndEntity,
            &opts(Some("vpn.example.com")),
        );
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].contains("DNS:vpn1.example.com (different name)"),
            "{}",
            msgs[0]
        );
        assert!(msgs[0].contains("CN is ignored"), "{}", msgs[0]);
        assert!(run(
            &HOST_MATCH,
            &der,
            Role::EndEntity,
            &opts(Some("vpn.example.com"))
        )
        .is_empty());
    }

    #[test]
    fn match_reports_the_name_that_matched() {
        let der = cert(CertSpec::leaf("x").san_dns(&["*.example.com"]));
        let msgs = run(
            &HOST_MATCH,
            &der,
            Role::EndEntity,
            &opts(Some("VPN.example.com.")),
        );
        assert!(msgs[0].contains("matches DNS:*.example.com"), "{msgs:?}");
        assert!(run(
            &HOST_MISMATCH,
            &der,
            Role::EndEntity,
            &opts(Some("vpn.example.com"))
        )
        .is_empty());
    }

    #[test]
    fn not_given_lists_names_and_goes_quiet_with_host() {
        let der = cert(CertSpec::leaf("vpn.example.com"));
        let msgs = run(&HOST_NOT_GIVEN, &der, Role::EndEntity, &opts(None));
        assert!(msgs[0].contains("CN=vpn.example.com"), "{msgs:?}");
        assert!(run(&HOST_NOT_GIVEN, &der, Role::EndEntity, &opts(Some("a.b"))).is_empty());
    }

    #[test]
    fn no_name_fires_without_san_and_cn() {
        let der = cert(CertSpec::leaf_without_cn().san_email("ops@example.com"));
        assert_eq!(run(&NO_NAME, &der, Role::EndEntity, &opts(None)).len(), 1);
        let der = cert(CertSpec::leaf("vpn.example.com"));
        assert!(run(&NO_NAME, &der, Role::EndEntity, &opts(None)).is_empty());
    }

    #[test]
    fn invalid_wildcards_are_flagged_only_where_the_client_looks() {
        let der = cert(CertSpec::leaf("vpn.*.com").san_dns(&["vpn.*.com", "*.example.com"]));
        let msgs = run(&INVALID_NAME, &der, Role::EndEntity, &opts(None));
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].starts_with("DNS:vpn.*.com"), "{msgs:?}");
        // CN is not looked at when SAN has DNS names
        let der = cert(CertSpec::leaf("vpn.*.com").san_dns(&["vpn.example.com"]));
        assert!(run(&INVALID_NAME, &der, Role::EndEntity, &opts(None)).is_empty());
        let der = cert(CertSpec::leaf("vpn.*.com"));
        assert_eq!(
            run(&INVALID_NAME, &der, Role::EndEntity, &opts(None)).len(),
            1
        );
    }
}
