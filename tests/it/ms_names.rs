//! issue 18: `inspect` names what AD CS and IOS put in certificates: the
//! certificate template extensions (1.3.6.1.4.1.311.21.7 and .20.2) and the
//! PKCS#9 subject attributes unstructuredName / unstructuredAddress. The
//! certificates are made by rcgen with those extensions as custom ones.

use crate::common::run::{offline, pkiaudit_json};
use crate::common::testkit::{der_tlv, parse_oid, CertSpec, Issued};
use crate::common::write;
use serde_json::Value;

/// DER of an OBJECT IDENTIFIER's content (`1.3.6...`).
fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs = parse_oid(dotted);
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut bytes = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            bytes.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        bytes.reverse();
        out.extend(bytes);
    }
    out
}

fn bmp(s: &str) -> Vec<u8> {
    der_tlv(
        0x1e,
        &s.encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect::<Vec<_>>(),
    )
}

const TEMPLATE_OID: &str =
    "1.3.6.1.4.1.311.21.8.16187918.14945684.15749023.11519519.4925321.197.13392998.8282280";

fn template_v2(major: u8, minor: u8) -> Vec<u8> {
    let mut body = der_tlv(0x06, &oid_content(TEMPLATE_OID));
    body.extend(der_tlv(0x02, &[major]));
    body.extend(der_tlv(0x02, &[minor]));
    der_tlv(0x30, &body)
}

fn inspect(pem: &str) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "c.pem", pem);
    let json = pkiaudit_json(["inspect", "--format", "json", path.to_str().unwrap()]).json;
    let out = offline()
        .args(["inspect", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    (json, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn ad_cs_template_extensions_are_named() {
    let root = Issued::root("Example Issuing CA");
    let leaf = root.issue(
        CertSpec::leaf("vpn.example.com")
            .raw_extension(
                &parse_oid("1.3.6.1.4.1.311.20.2"),
                false,
                bmp("IPSECIntermediateOffline"),
            )
            .raw_extension(
                &parse_oid("1.3.6.1.4.1.311.21.7"),
                false,
                template_v2(100, 3),
            )
            .raw_extension(
                &parse_oid("1.3.6.1.4.1.311.21.10"),
                false,
                der_tlv(0x30, &[]),
            ),
    );
    let (json, text) = inspect(&leaf.pem());
    let c = &json["certificates"][0];
    let t = &c["certificate_template"];
    assert_eq!(t["name"], "IPSECIntermediateOffline");
    assert_eq!(t["oid"], TEMPLATE_OID);
    assert_eq!(t["major_version"], 100);
    assert_eq!(t["minor_version"], 3);
    let names: Vec<&str> = c["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    for n in [
        "msCertificateTemplateName",
        "msCertificateTemplate",
        "msApplicationPolicies",
    ] {
        assert!(names.contains(&n), "{names:?}");
    }
    assert!(c["extension_problems"].as_array().unwrap().is_empty());
    assert!(
        text.contains(&format!(
            "AD CS template       IPSECIntermediateOffline, template {TEMPLATE_OID} v100.3"
        )),
        "{text}"
    );
    assert!(
        text.contains("msApplicationPolicies (1.3.6.1.4.1.311.21.10)"),
        "{text}"
    );
}

/// Values from strangers: a template extension that does not parse is
/// named and said to be unreadable; it is no malformed-extension finding
/// (peers ignore the non-critical extension) and nothing panics.
#[test]
fn unreadable_template_extensions_are_said_not_fatal() {
    let root = Issued::root("Example Issuing CA");
    for (oid, value) in [
        ("1.3.6.1.4.1.311.21.7", der_tlv(0x30, &der_tlv(0x02, &[1]))),
        ("1.3.6.1.4.1.311.21.7", vec![0x30, 0x7f, 0x06]),
        ("1.3.6.1.4.1.311.20.2", der_tlv(0x1e, &[0xd8, 0x00])),
        ("1.3.6.1.4.1.311.20.2", der_tlv(0x04, b"User")),
    ] {
        let leaf = root.issue(CertSpec::leaf("x").raw_extension(&parse_oid(oid), false, value));
        let (json, text) = inspect(&leaf.pem());
        let c = &json["certificates"][0];
        let problems = c["certificate_template"]["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{oid}: {c}");
        assert!(problems[0].as_str().unwrap().contains("not readable"));
        assert!(c["extension_problems"].as_array().unwrap().is_empty());
        assert!(text.contains("AD CS template"), "{text}");
    }
}

/// IOS writes the router's host name (unstructuredName) and IP address
/// (unstructuredAddress) into the subject of its requests.
#[test]
fn unstructured_name_and_address_are_named_in_the_subject() {
    let spec = CertSpec::leaf("vpn.example.com");
    let mut params = spec.params();
    params.distinguished_name.push(
        rcgen::DnType::CustomDnType(parse_oid("1.2.840.113549.1.9.2")),
        rcgen::DnValue::Ia5String("hub.example.com".try_into().unwrap()),
    );
    params.distinguished_name.push(
        rcgen::DnType::CustomDnType(parse_oid("1.2.840.113549.1.9.8")),
        rcgen::DnValue::PrintableString("192.0.2.1".try_into().unwrap()),
    );
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (json, text) = inspect(&cert.pem());
    let subject = json["certificates"][0]["subject"].as_str().unwrap();
    assert!(
        subject.contains("unstructuredName=hub.example.com"),
        "{subject}"
    );
    assert!(
        subject.contains("unstructuredAddress=192.0.2.1"),
        "{subject}"
    );
    assert!(!subject.contains("1.2.840.113549.1.9"), "{subject}");
    // IOS names them `hostname` and `ipaddress` in its own output.
    let ios = json["certificates"][0]["subject_ios"].as_str().unwrap();
    assert!(
        ios.contains("ipaddress=192.0.2.1") && ios.contains("hostname=hub.example.com"),
        "{ios}"
    );
    assert!(text.contains("unstructuredAddress=192.0.2.1"), "{text}");
}
