use super::build::{ku_from_mask, signature_from_text};
use super::*;
use crate::model::SigHash;

#[test]
fn key_usage_masks_read_as_ios_prints_them() {
    let ku = ku_from_mask("A0000000").unwrap();
    assert_eq!(ku.names(), ["digitalSignature", "keyEncipherment"]);
    let ku = ku_from_mask("B0000000").unwrap();
    assert_eq!(
        ku.names(),
        ["digitalSignature", "keyEncipherment", "dataEncipherment"]
    );
    let ku = ku_from_mask("86000000").unwrap();
    assert_eq!(ku.names(), ["digitalSignature", "keyCertSign", "cRLSign"]);
    assert_eq!(ku_from_mask("00800000").unwrap().names(), ["decipherOnly"]);
    assert!(ku_from_mask("00400000").is_err());
    assert!(ku_from_mask("A000").is_err());
    assert!(ku_from_mask("zz000000").is_err());
}

#[test]
fn rdn_lines_multi_valued_and_wrapped() {
    let mut input = LoadedInput::new("t", 0);
    let mut rdns = Vec::new();
    add_rdn_line(&mut input, &mut rdns, "cn=a+ou=b", 1);
    add_rdn_line(&mut input, &mut rdns, "o=Example Long Organisation Na", 2);
    add_rdn_line(&mut input, &mut rdns, "me Ltd", 3);
    add_rdn_line(&mut input, &mut rdns, "e=vpn@example.com", 4);
    add_rdn_line(&mut input, &mut rdns, "cn=x+y", 5);
    assert_eq!(
        rdns,
        vec![
            vec![("cn".into(), "a".into()), ("ou".into(), "b".into())],
            vec![("o".into(), "Example Long Organisation Na, me Ltd".into())],
            vec![("ea".into(), "vpn@example.com".into())],
            vec![("cn".into(), "x+y".into())],
        ]
    );
    assert_eq!(input.problems.len(), 1);
    assert_eq!(input.problems[0].line, Some(3));
}

#[test]
fn signature_algorithm_names() {
    let s = signature_from_text("SHA256 with RSA Encryption").unwrap();
    assert_eq!(s.oid, "1.2.840.113549.1.1.11");
    let s = signature_from_text("SHA1 with RSA Encryption").unwrap();
    assert_eq!(s.hash, SigHash::Sha1);
    let s = signature_from_text("ECDSA with SHA384").unwrap();
    assert_eq!(s.name, "ecdsa-with-SHA384");
    assert!(signature_from_text("rot13").is_none());
}

#[test]
fn prompts_are_recognised() {
    assert!(is_prompt("hub#show crypto pki certificates"));
    assert!(is_prompt("asa/pri/act# sh crypto ca certificates"));
    assert!(is_prompt("Router#"));
    assert!(!is_prompt("cn=a#b"));
    assert!(!is_prompt("    Subject:"));
}

#[test]
fn trustpoint_subject_lines_split_at_commas_before_attributes() {
    let mut input = LoadedInput::new("t", 0);
    let mut rdns = Vec::new();
    super::trustpoints::subject_line(
        &mut input,
        &mut rdns,
        "cn=ISR4451-X/K9,o=VeriSign, Inc.,serialNumber=PID:ISR4451-X/K9 SN:FOC1",
        1,
    );
    assert_eq!(
        rdns,
        vec![
            vec![("cn".into(), "ISR4451-X/K9".into())],
            vec![("o".into(), "VeriSign, Inc.".into())],
            vec![("serialNumber".into(), "PID:ISR4451-X/K9 SN:FOC1".into())],
        ]
    );
    assert!(input.problems.is_empty());
}

#[test]
fn trustpoint_listing_hostile_lines_do_not_panic() {
    for text in [
        "Trustpoint A:\n  Fingerprint SHA1: zz\n  Serial Number (hex):\n",
        "Trustpoint A:\n    Subject Name:\n    ,,,=,\n    =\n          Serial Number (hex): 00FF\n",
        "Trustpoint A:\n x certificate configured:\n  Subject Name: cn=é,o=ü\n  Fingerprint SHA1: 5DCB7D53 3F469236 01C6232F C2CFDECA D61231B2\n",
        "Trustpoint A:\nState:\n ........ \n..\nTrustpoint B:",
    ] {
        let mut input = LoadedInput::new("t", 0);
        super::trustpoints::load_trustpoints(&mut input, text);
    }
}
