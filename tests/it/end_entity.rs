//! The certificate a peer presents is the end entity, whatever its
//! basicConstraints say (issue 15, part 3).
//!
//! IOS and ASA self-signed identity certificates carry cA=TRUE, and so do
//! headend certificates issued from a CA template. RFC 5280 §6.1 path
//! validation never looks at cA on the target certificate, so such a
//! certificate is the peer's identity all the same: it must get the
//! profile's end-entity rules and a chain, plus the `chain.leaf-is-ca`
//! warning (RFC 5280 §4.2.1.9: cA=TRUE says the key verifies certificate
//! signatures, which strict validators refuse on a peer identity).
//!
//! Each input kind says in its own way which certificate is presented:
//! RFC 7296 §3.6 (the first CERT payload carries the AUTH key), the IOS
//! trustpoint (`certificate <serial>`, `certificate self-signed`), the
//! `show crypto pki certificates` entry kind, and for files the bundle
//! order (PEM/DER) or issuance (PKCS#7, a SET). CA files must stay CAs.
//! Everything goes through the `pkiaudit check --format json` binary.

use crate::common::{ios_render, run, testkit, write};

use std::path::Path;

use rcgen::ExtendedKeyUsagePurpose as E;
use serde_json::Value;
use testkit::{p7b, CertSpec, Issued};

const AT: &str = "2026-06-01T00:00:00Z";
const HOST: &str = "vpn.example.com";
const LEAF_IS_CA: &str = "chain.leaf-is-ca";

/// A root and an issuing CA under it.
struct Pki {
    root: Issued,
    issuing: Issued,
}

fn pki() -> Pki {
    let root = Issued::root("EE Test Root CA");
    let issuing = root.issue(CertSpec::ca("EE Test Issuing CA"));
    Pki { root, issuing }
}

/// A headend certificate made from a CA template: basicConstraints cA=TRUE
/// and Key Usage keyCertSign + cRLSign (so no digitalSignature, which the
/// AnyConnect Key Usage rule wants), with the SAN and EKU given.
fn ca_template_leaf(issuer: &Issued, sans: &[&str], eku: &[E]) -> Issued {
    issuer.issue(CertSpec::ca(HOST).san_dns(sans).eku(eku))
}

/// `pkiaudit check --format json --at AT --revocation off --profile
/// anyconnect-server --host vpn.example.com FILE`.
fn check(file: &Path) -> run::Run {
    check_with(file, &[])
}

fn check_with(file: &Path, extra: &[&str]) -> run::Run {
    let f = file.to_str().expect("utf-8 path");
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--at",
        AT,
        "--revocation",
        "off",
        "--profile",
        "anyconnect-server",
        "--host",
        HOST,
    ];
    args.extend_from_slice(extra);
    args.push(f);
    let r = run::pkiaudit_json(args);
    assert_eq!(
        r.json["summary"]["input_errors"], 0,
        "input errors: {}",
        r.json["inputs"]
    );
    r
}

fn certs(r: &run::Run) -> &Vec<Value> {
    r.json["certificates"]
        .as_array()
        .expect("certificates array")
}

/// The audited certificate whose subject CN is `cn` (full records carry the
/// subject text, partial ones the IOS text: both contain the CN).
fn by_cn<'a>(r: &'a run::Run, cn: &str) -> &'a Value {
    let matches: Vec<&Value> = certs(r)
        .iter()
        .filter(|c| {
            c["subject"]
                .as_str()
                .is_some_and(|s| s.contains(&format!("CN={cn}")) || s.contains(&format!("cn={cn}")))
                || c["subject_ios"]
                    .as_str()
                    .is_some_and(|s| s.contains(&format!("cn={cn}")))
        })
        .collect();
    assert_eq!(
        matches.len(),
        1,
        "expected one certificate with CN {cn}, got {:#}",
        r.json["certificates"]
    );
    matches[0]
}

fn rules(c: &Value) -> Vec<&str> {
    c["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["rule"].as_str()).collect())
        .unwrap_or_default()
}

fn finding<'a>(c: &'a Value, rule: &str) -> Option<&'a Value> {
    c["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == rule))
}

/// The presented certificate with cA=TRUE: an end entity, for the reason
/// `why` (a part of `role_reason`), with the profile's end-entity rules
/// (`ee_rules`, e.g. the AnyConnect Key Usage rule) and the
/// `chain.leaf-is-ca` warning that names the reason.
fn assert_presented_end_entity(c: &Value, why: &str, ee_rules: &[&str]) {
    let what = format!("{} ({})", c["subject"], c["source"]);
    assert_eq!(c["role"], "end-entity", "{what}: {c:#}");
    let reason = c["role_reason"].as_str().unwrap_or_default();
    assert!(reason.contains(why), "{what}: role_reason {reason:?}");
    let got = rules(c);
    for r in ee_rules {
        assert!(got.contains(r), "{what}: no {r} in {got:?}");
    }
    let f = finding(c, LEAF_IS_CA).unwrap_or_else(|| panic!("{what}: no {LEAF_IS_CA} in {got:?}"));
    assert_eq!(f["severity"], "warning", "{what}: {f}");
    let m = f["message"].as_str().unwrap_or_default();
    assert!(
        m.contains("cA=TRUE") && m.contains(reason) && m.contains("end-entity template"),
        "{what}: message {m:?} should say what was seen ({reason:?}) and how to fix it"
    );
    assert!(
        f["citations"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["text"] == "RFC 5280 §4.2.1.9")),
        "{what}: {f}"
    );
}

fn assert_ca(c: &Value) {
    let what = format!("{} ({})", c["subject"], c["source"]);
    assert_eq!(c["role"], "ca", "{what}: {}", c["role_reason"]);
    assert!(!rules(c).contains(&LEAF_IS_CA), "{what}: {:?}", rules(c));
}

// ---------------------------------------------------------------------------
// Files: PEM/DER are ordered (leaf first), PKCS#7 is a SET

#[test]
fn pem_bundle_first_certificate_with_ca_true_is_the_end_entity() {
    let pki = pki();
    let leaf = ca_template_leaf(&pki.issuing, &[HOST], &[E::ServerAuth]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(
        dir.path(),
        "headend-chain.pem",
        format!("{}{}", leaf.pem(), pki.issuing.pem()),
    );
    let r = check(&file);
    let c = by_cn(&r, HOST);
    // name.host.match and ku.anyconnect.server are end-entity rules of the
    // anyconnect-server profile; a CA never gets them.
    assert_presented_end_entity(
        c,
        "presented first in the bundle, basicConstraints cA=TRUE",
        &["name.host.match", "ku.anyconnect.server"],
    );
    assert!(c["chain"].is_object(), "an end entity gets a chain: {c:#}");
    assert_ca(by_cn(&r, "EE Test Issuing CA"));
}

#[test]
fn der_single_certificate_with_ca_true_and_eku_is_the_end_entity() {
    let pki = pki();
    // EKU clientAuth only: the AnyConnect EKU rule (no serverAuth) fires.
    let leaf = ca_template_leaf(&pki.issuing, &[HOST], &[E::ClientAuth]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "headend.der", leaf.der());
    let r = check(&file);
    assert_eq!(certs(&r).len(), 1);
    let c = by_cn(&r, HOST);
    assert_presented_end_entity(
        c,
        "basicConstraints cA=TRUE",
        &["eku.anyconnect.server", "ku.anyconnect.server"],
    );
    assert!(c["chain"].is_object(), "{c:#}");
}

#[test]
fn pkcs7_bundle_end_entity_is_the_certificate_that_issued_none_of_the_others() {
    let pki = pki();
    let leaf = ca_template_leaf(&pki.issuing, &[HOST], &[E::ServerAuth]);
    let dir = tempfile::tempdir().expect("tempdir");
    // A SET: DER sorts it, so the order given here is not the order stored.
    let file = write(
        dir.path(),
        "chain.p7b",
        p7b(&[pki.root.der(), leaf.der(), pki.issuing.der()]),
    );
    let r = check(&file);
    assert_eq!(certs(&r).len(), 3);
    assert_presented_end_entity(
        by_cn(&r, HOST),
        "issued none of the others",
        &["name.host.match", "ku.anyconnect.server"],
    );
    assert_ca(by_cn(&r, "EE Test Issuing CA"));
    assert_ca(by_cn(&r, "EE Test Root CA"));
}

// ---------------------------------------------------------------------------
// IKE: the first CERT payload of a message (RFC 7296 §3.6)

/// An IKEv2 IKE_AUTH request from the initiator (message 1) with one CERT
/// payload (encoding 4, X.509 signature) per certificate, in order.
fn ike_auth(certs: &[Vec<u8>]) -> Vec<u8> {
    const CERT: u8 = 37;
    let mut chain = Vec::new();
    for (i, der) in certs.iter().enumerate() {
        let next = if i + 1 < certs.len() { CERT } else { 0 };
        let len = u16::try_from(der.len() + 5).expect("small certificate");
        chain.extend([next, 0]);
        chain.extend(len.to_be_bytes());
        chain.push(4);
        chain.extend(der);
    }
    let mut m = vec![0x11; 8]; // SPIi
    m.extend([0; 8]); // SPIr
    m.extend([CERT, 0x20, 35, 0x08]); // next, version 2.0, IKE_AUTH, initiator
    m.extend(1u32.to_be_bytes()); // message ID
    m.extend(
        u32::try_from(chain.len() + 28)
            .expect("small message")
            .to_be_bytes(),
    );
    m.extend(chain);
    m
}

fn hex_dump(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .map(|l| l.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n")
        .collect()
}

#[test]
fn ike_first_cert_payload_is_the_end_entity_whatever_its_extensions() {
    let pki = pki();
    // No SAN, no EKU: nothing in the certificate looks like an end entity;
    // only its place (the first CERT payload) says it carries the AUTH key.
    let leaf = ca_template_leaf(&pki.issuing, &[], &[]);
    let message = ike_auth(&[leaf.der(), pki.issuing.der()]);
    let dir = tempfile::tempdir().expect("tempdir");
    let raw = write(dir.path(), "auth.bin", &message);
    let dump = write(dir.path(), "auth.hex", hex_dump(&message));
    for file in [raw, dump] {
        let r = check(&file);
        assert_eq!(certs(&r).len(), 2, "{}", file.display());
        let c = by_cn(&r, HOST);
        assert_presented_end_entity(
            c,
            "first CERT payload of IKE_AUTH message 1",
            &["ku.anyconnect.server", "name.host.match"],
        );
        assert!(c["chain"].is_object(), "{c:#}");
        // The second payload issued the first: a CA.
        assert_ca(by_cn(&r, "EE Test Issuing CA"));
    }
}

// ---------------------------------------------------------------------------
// Cisco: the trustpoint says which certificate is the device's own

#[test]
fn running_config_identity_certificate_with_ca_true_is_the_end_entity() {
    use ios_render::running_config;
    let pki = pki();
    let leaf = ca_template_leaf(&pki.issuing, &[HOST], &[E::ServerAuth]);
    let (issuing, leaf_der) = (pki.issuing.der(), leaf.der());
    let text = running_config(
        "hub",
        &[(
            "HUB-TP",
            vec![
                ("certificate", &leaf_der[..]),
                ("certificate ca", &issuing[..]),
            ],
        )],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "running-config.txt", text);
    let r = check(&file);
    let c = by_cn(&r, HOST);
    assert_presented_end_entity(
        c,
        "the trustpoint's identity certificate",
        &["name.host.match", "ku.anyconnect.server"],
    );
    assert!(c["chain"].is_object(), "{c:#}");
    // `certificate ca` stays a CA.
    assert_ca(by_cn(&r, "EE Test Issuing CA"));
}

#[test]
fn running_config_self_signed_certificate_is_the_end_entity() {
    use ios_render::running_config_chain;
    // As IOS makes it: self-signed, cA=TRUE.
    let own =
        Issued::self_signed(CertSpec::ca("IOS-Self-Signed-Certificate-1234").san_dns(&[HOST]));
    let der = own.der();
    let text = running_config_chain(
        "TP-self-signed-1234",
        &[("certificate self-signed", &der[..])],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "self-signed.txt", text);
    let r = check(&file);
    assert_presented_end_entity(
        by_cn(&r, "IOS-Self-Signed-Certificate-1234"),
        "self-signed certificate",
        &["name.host.match", "ku.anyconnect.server"],
    );
}

#[test]
fn show_verbose_router_certificate_with_ca_true_is_the_end_entity() {
    use ios_render::{show_command, show_entry, CA, IDENTITY};
    let pki = pki();
    let leaf = ca_template_leaf(&pki.issuing, &[HOST], &[E::ServerAuth]);
    let own = Issued::self_signed(CertSpec::ca("IOS-Self-Signed-Certificate-99").san_dns(&[HOST]));
    // IOS-XE prints basicConstraints as `CA: TRUE` in verbose output.
    let identity = show_entry(&leaf.der(), IDENTITY, "HUB-TP", true, None);
    assert!(identity.contains("CA: TRUE"), "{identity}");
    let text = format!(
        "{}{identity}{}{}",
        show_command("hub", false),
        show_entry(&pki.issuing.der(), CA, "HUB-TP", true, None),
        show_entry(
            &own.der(),
            "Router Self-Signed Certificate",
            "TP-self-signed-99",
            true,
            None
        ),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "show-verbose.txt", text);
    let r = check(&file);
    let c = by_cn(&r, HOST);
    assert_eq!(c["record"], "partial", "{c:#}");
    assert_presented_end_entity(
        c,
        "Certificate",
        &["name.host.match", "ku.anyconnect.server"],
    );
    assert_presented_end_entity(
        by_cn(&r, "IOS-Self-Signed-Certificate-99"),
        "Router Self-Signed Certificate",
        &["ku.anyconnect.server"],
    );
    // "CA Certificate" stays a CA.
    assert_ca(by_cn(&r, "EE Test Issuing CA"));
}

// ---------------------------------------------------------------------------
// What must not move: CA files stay CAs, a plain leaf gets no warning

#[test]
fn ca_bundle_and_lone_root_stay_ca() {
    let pki = pki();
    // An issuing CA restricted by EKU (as public TLS intermediates are):
    // the EKU alone does not make it an end entity while it has keyCertSign.
    let eku_ca = pki
        .root
        .issue(CertSpec::ca("EE Test EKU Issuing CA").eku(&[E::ServerAuth, E::ClientAuth]));
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = write(
        dir.path(),
        "ca-chain.pem",
        format!("{}{}", pki.issuing.pem(), pki.root.pem()),
    );
    let eku_bundle = write(
        dir.path(),
        "eku-ca-chain.pem",
        format!("{}{}", eku_ca.pem(), pki.root.pem()),
    );
    let p7 = write(
        dir.path(),
        "ca-chain.p7b",
        p7b(&[pki.issuing.der(), pki.root.der()]),
    );
    let root = write(dir.path(), "root.der", pki.root.der());
    for file in [&bundle, &eku_bundle, &p7, &root] {
        let r = check(file);
        assert!(!certs(&r).is_empty(), "{}", file.display());
        for c in certs(&r) {
            assert_ca(c);
        }
        assert_eq!(r.json["summary"]["end_entities"], 0, "{}", file.display());
    }
}

#[test]
fn leaf_without_ca_true_gets_no_leaf_is_ca_warning() {
    let pki = pki();
    let leaf = pki
        .issuing
        .issue(CertSpec::leaf(HOST).san_dns(&[HOST]).eku(&[E::ServerAuth]));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(
        dir.path(),
        "leaf-chain.pem",
        format!("{}{}", leaf.pem(), pki.issuing.pem()),
    );
    let r = check(&file);
    let c = by_cn(&r, HOST);
    assert_eq!(c["role"], "end-entity");
    assert!(!rules(c).contains(&LEAF_IS_CA), "{:?}", rules(c));
    // The rule exists and is a certificate rule of its own (scope
    // end-entity), not a chain verdict.
    let list = run::pkiaudit_json(["rules", "--format", "json"]);
    let rule = list.json["rules"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["id"] == LEAF_IS_CA))
        .unwrap_or_else(|| panic!("no {LEAF_IS_CA} in {}", list.json));
    assert_eq!(rule["scope"], "end-entity");
    assert_eq!(rule["severity"], "warning");
    assert_eq!(rule["needs"], serde_json::json!(["extensions"]));
}

/// The committed IOS-XE verbose sample lists the root CA twice: as a "CA
/// Certificate" of ROOT-TP and (a stand-in, see fixtures/ios/README.md) as
/// the "Router Self-Signed Certificate". A certificate the device presents
/// is judged as peers judge it, as the end entity; the reason says it is
/// also filed as a CA certificate.
#[test]
fn show_certificate_both_presented_and_filed_as_ca_is_the_end_entity() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ios/show-crypto-pki-certificates-verbose-iosxe.txt");
    let r = check(&file);
    let root = certs(&r)
        .iter()
        .find(|c| c["serial"] == "01")
        .expect("the root CA entry");
    assert_presented_end_entity(
        root,
        "printed as a Router Self-Signed Certificate",
        &["ku.anyconnect.server"],
    );
    let why = root["role_reason"].as_str().unwrap_or_default();
    assert!(why.contains("also listed as a CA certificate at"), "{why}");
}
