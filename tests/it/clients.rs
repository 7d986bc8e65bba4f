//! What particular clients demand, through `pkiaudit check`: Windows by
//! address, the Apple native client, AnyConnect client certificates, the
//! IKE identity (`--id`) and the IOS certificate-map rule.

use rcgen::ExtendedKeyUsagePurpose as E;
use rcgen::KeyUsagePurpose as K;
use serde_json::Value;

use crate::common::run::pkiaudit_json;
use crate::common::testkit::{CertSpec, Issued};
use crate::common::write;

/// Audit one certificate issued by a fresh root, trusting that root;
/// returns the run and the end-entity certificate's findings' rule ids.
fn audit(spec: CertSpec, args: &[&str]) -> (i32, Value, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = Issued::root("Clients Test Root");
    let leaf = root.issue(spec);
    let anchor = write(dir.path(), "root.pem", root.pem());
    let file = write(dir.path(), "leaf.pem", leaf.pem());
    let mut all = vec!["check", "--format", "json", "--at", "2026-06-01T00:00:00Z"];
    all.extend_from_slice(args);
    all.extend(["--trust", anchor.to_str().unwrap(), file.to_str().unwrap()]);
    let run = pkiaudit_json(&all);
    let cert = run.json["certificates"][0].clone();
    let ids = cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    (run.code, cert, ids)
}

fn message(cert: &Value, rule: &str) -> String {
    cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {rule} finding in {cert:#}"))
}

fn server(cn: &str) -> CertSpec {
    CertSpec::leaf(cn)
        .ku(&[K::DigitalSignature, K::KeyEncipherment])
        .eku(&[E::ServerAuth])
}

#[test]
fn windows_by_address_fails_on_an_ip_only_san_and_passes_with_dns_text() {
    let args = ["--profile", "flexvpn-server", "--host", "203.0.113.10"];
    let (code, cert, ids) = audit(server("vpn").san_ip(&["203.0.113.10"]), &args);
    assert_eq!(code, 1);
    assert_eq!(cert["verdict"], "fail");
    assert!(ids.contains(&"name.windows.ip-address".into()), "{ids:?}");
    // reported once, not again as a host mismatch
    assert!(!ids.contains(&"name.host.mismatch".into()), "{ids:?}");
    assert!(message(&cert, "name.windows.ip-address").contains("add DNS:203.0.113.10"));

    let both = server("vpn")
        .san_dns(&["203.0.113.10"])
        .san_ip(&["203.0.113.10"]);
    let (code, cert, ids) = audit(both, &args);
    assert_eq!(code, 0, "{cert:#}");
    assert!(ids.contains(&"name.host.match".into()), "{ids:?}");
    assert!(!ids.contains(&"name.windows.ip-address".into()), "{ids:?}");

    // AnyConnect matches the address against the iPAddress entry
    let (code, _, ids) = audit(
        server("vpn").san_ip(&["203.0.113.10"]),
        &["--profile", "anyconnect-server", "--host", "203.0.113.10"],
    );
    assert_eq!(code, 0, "{ids:?}");
    assert!(ids.contains(&"name.host.match".into()), "{ids:?}");
}

#[test]
fn apple_client_needs_server_auth_and_the_identity_in_a_san() {
    let args = ["--profile", "apple-client", "--host", "vpn.example.com"];
    let good = server("vpn.example.com").san_dns(&["vpn.example.com"]);
    let (code, cert, ids) = audit(good, &args);
    assert_eq!(code, 0, "{cert:#}");
    assert!(!ids.iter().any(|i| i.contains("apple")), "{ids:?}");

    // A certificate AnyConnect accepts (no EKU, name in the CN only) fails
    // for Apple on both counts.
    let cn_only = CertSpec::leaf("vpn.example.com").ku(&[K::DigitalSignature, K::KeyAgreement]);
    let (code, cert, ids) = audit(cn_only, &args);
    assert_eq!(code, 1);
    assert!(ids.contains(&"eku.apple.server-auth".into()), "{ids:?}");
    assert!(ids.contains(&"name.apple.san".into()), "{ids:?}");
    assert!(message(&cert, "name.apple.san").contains("is not used"));
    let (code, cert, _) = audit(
        CertSpec::leaf("vpn.example.com").ku(&[K::DigitalSignature, K::KeyAgreement]),
        &[
            "--profile",
            "anyconnect-server",
            "--host",
            "vpn.example.com",
        ],
    );
    assert_eq!(code, 0, "{cert:#}");
}

#[test]
fn anyconnect_client_profile_judges_a_client_certificate() {
    let alice = || CertSpec::leaf("alice").san_email("alice@example.com");
    let (code, cert, _) = audit(
        alice()
            .ku(&[K::DigitalSignature, K::KeyEncipherment])
            .eku(&[E::ClientAuth]),
        &["--profile", "anyconnect-client"],
    );
    assert_eq!(code, 0, "{cert:#}");
    let (code, _, ids) = audit(
        alice().ku(&[K::KeyEncipherment]).eku(&[E::ServerAuth]),
        &["--profile", "anyconnect-client"],
    );
    assert_eq!(code, 1);
    for rule in ["eku.anyconnect.client-auth", "ku.anyconnect.client-signing"] {
        assert!(ids.contains(&rule.to_string()), "{rule}: {ids:?}");
    }
}

#[test]
fn id_is_checked_under_every_profile_and_says_what_to_request() {
    let spec = || server("moon.example.com").san_dns(&["vpn.example.com"]);
    for profile in [
        "ikev2",
        "flexvpn-client",
        "anyconnect-client",
        "apple-client",
    ] {
        let (code, cert, ids) = audit(spec(), &["--profile", profile, "--id", "moon.example.com"]);
        assert_eq!(code, 1, "{profile}");
        assert!(
            ids.contains(&"name.id.mismatch".into()),
            "{profile}: {ids:?}"
        );
        let m = message(&cert, "name.id.mismatch");
        assert!(m.contains("request DNS:moon.example.com"), "{m}");
        assert!(m.contains("subject CN equals it"), "{m}");
        let (_, _, ids) = audit(spec(), &["--profile", profile, "--id", "@vpn.example.com"]);
        assert!(ids.contains(&"name.id.match".into()), "{profile}: {ids:?}");
        assert!(
            !ids.contains(&"name.id.mismatch".into()),
            "{profile}: {ids:?}"
        );
    }
}

#[test]
fn host_on_a_client_profile_points_to_id() {
    let out = crate::common::run::offline()
        .args([
            "check",
            "--profile",
            "anyconnect-client",
            "--host",
            "vpn.example.com",
        ])
        .arg(crate::common::fixture("client/alice.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("use --id"), "{err}");
}

#[test]
fn a_profile_selected_by_identity_without_a_certificate_map_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "hub.cfg",
        "crypto pki trustpoint HUB-TP\n enrollment terminal\n revocation-check crl\n!\n\
         crypto ikev2 profile SPOKES\n match identity remote address 0.0.0.0\n \
         authentication remote rsa-sig\n authentication local pre-share\n \
         pki trustpoint HUB-TP verify\n!\n",
    );
    let root = Issued::root("Hub Root");
    let leaf = write(
        dir.path(),
        "spoke.pem",
        root.issue(CertSpec::leaf("spoke1")).pem(),
    );
    let run = pkiaudit_json([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        leaf.as_os_str(),
    ]);
    let findings = run.json["configurations"][0]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{:#}", run.json));
    let f = findings
        .iter()
        .find(|f| f["rule"] == "config.ikev2.no-certificate-map")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(f["severity"], "warning");
    let m = f["message"].as_str().unwrap();
    assert!(m.contains("match identity"), "{m}");
    assert!(m.contains("match certificate NAME"), "{m}");
}
