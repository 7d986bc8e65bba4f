//! AnyConnect name verification, table-driven: hosts × certificates.
//! Field guide, "Name Verification and AnyConnect Behavior".

use crate::common::testkit;

use pkiaudit::audit::names::{verify, Host, NameSource};
use pkiaudit::model::Certificate;
use testkit::{CertSpec, Issued};

struct Cert {
    tag: &'static str,
    spec: fn() -> CertSpec,
}

fn certs() -> Vec<Cert> {
    vec![
        Cert {
            tag: "san-exact",
            spec: || CertSpec::leaf("vpn.example.com").san_dns(&["vpn.example.com"]),
        },
        Cert {
            tag: "san-wildcard",
            spec: || CertSpec::leaf("ignored").san_dns(&["*.example.com"]),
        },
        Cert {
            tag: "cn-only",
            spec: || CertSpec::leaf("vpn.example.com"),
        },
        Cert {
            tag: "san-other-name",
            // SAN has a DNS name, so the CN is never looked at
            spec: || CertSpec::leaf("vpn.example.com").san_dns(&["vpn1.example.com"]),
        },
        Cert {
            tag: "san-ip",
            spec: || CertSpec::leaf("192.0.2.10").san_ip(&["192.0.2.10", "2001:db8::10"]),
        },
        Cert {
            tag: "san-email-cn",
            // SAN without DNS/IP entries: the CN is used
            spec: || CertSpec::leaf("vpn.example.com").san_email("vpn@example.com"),
        },
        Cert {
            tag: "san-bad-wildcard",
            spec: || CertSpec::leaf("x").san_dns(&["vpn.*.com"]),
        },
        Cert {
            tag: "cn-wildcard",
            spec: || CertSpec::leaf("*.example.com"),
        },
        Cert {
            tag: "san-upper-dot",
            spec: || CertSpec::leaf("x").san_dns(&["VPN.Example.COM."]),
        },
        Cert {
            tag: "san-ip-as-dns",
            spec: || CertSpec::leaf("x").san_dns(&["192.0.2.10"]),
        },
        Cert {
            tag: "cn-ip",
            spec: || CertSpec::leaf("192.0.2.10"),
        },
        Cert {
            tag: "partial-wildcard",
            spec: || CertSpec::leaf("x").san_dns(&["v*.example.com"]),
        },
    ]
}

const HOSTS: [&str; 9] = [
    "vpn.example.com",
    "VPN.EXAMPLE.COM.",
    "a.vpn.example.com",
    "example.com",
    "192.0.2.10",
    "2001:db8:0::10",
    "vpn1.example.com",
    "vpn.foo.com",
    "vpn.example.org",
];

/// Expected matches: one row per certificate, one column per host.
/// Y = matches, . = does not.
const EXPECTED: [(&str, &str); 12] = [
    ("san-exact", "YY......."),
    ("san-wildcard", "YY....Y.."),
    ("cn-only", "YY......."),
    ("san-other-name", "......Y.."),
    ("san-ip", "....YY..."),
    ("san-email-cn", "YY......."),
    ("san-bad-wildcard", "........."),
    ("cn-wildcard", "YY....Y.."),
    ("san-upper-dot", "YY......."),
    ("san-ip-as-dns", "........."),
    ("cn-ip", "....Y...."),
    ("partial-wildcard", "........."),
];

#[test]
fn hosts_times_certificates() {
    let ca = Issued::root("Names Table CA");
    let mut failures = Vec::new();
    for c in certs() {
        let der = ca.issue((c.spec)()).der();
        let cert = Certificate::from_der(&der).expect("parses");
        let row = EXPECTED
            .iter()
            .find(|(t, _)| *t == c.tag)
            .expect("expected row")
            .1;
        for (host, want) in HOSTS.iter().zip(row.chars()) {
            let check = verify(&cert, &Host::parse(host).expect("host"));
            let got = if check.matched() { 'Y' } else { '.' };
            if got != want {
                failures.push(format!(
                    "{} × {host}: expected {want}, got {got} ({:?})",
                    c.tag, check.comparisons
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn san_is_used_exclusively_and_cn_only_without_dns_or_ip() {
    let ca = Issued::root("Source CA");
    let host = Host::parse("vpn.example.com").unwrap();
    let with_san = Certificate::from_der(
        &ca.issue(CertSpec::leaf("vpn.example.com").san_dns(&["vpn1.example.com"]))
            .der(),
    )
    .unwrap();
    let check = verify(&with_san, &host);
    assert_eq!(check.source, NameSource::SubjectAltName);
    assert_eq!(check.comparisons.len(), 1, "the CN is not compared");
    let email_only = Certificate::from_der(
        &ca.issue(CertSpec::leaf("vpn.example.com").san_email("a@example.com"))
            .der(),
    )
    .unwrap();
    let check = verify(&email_only, &host);
    assert_eq!(check.source, NameSource::CommonName);
    assert!(check.matched());
    assert!(check
        .source_explained(&email_only)
        .contains("SAN has no DNS/IP entry"));
}

#[test]
fn reasons_say_why_each_name_failed() {
    let ca = Issued::root("Reasons CA");
    let cert = Certificate::from_der(
        &ca.issue(CertSpec::leaf("x").san_dns(&["*.example.com", "vpn.*.com", "192.0.2.10"]))
            .der(),
    )
    .unwrap();
    let check = verify(&cert, &Host::parse("a.b.example.com").unwrap());
    let reasons: Vec<String> = check
        .comparisons
        .iter()
        .map(|c| c.reason.clone().unwrap_or_default())
        .collect();
    assert!(reasons[0].contains("exactly one label"), "{reasons:?}");
    assert!(reasons[1].contains("left-most label"), "{reasons:?}");
    let check = verify(&cert, &Host::parse("192.0.2.10").unwrap());
    assert!(
        check.comparisons[2]
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("iPAddress SAN entry"),
        "{:?}",
        check.comparisons
    );
}
