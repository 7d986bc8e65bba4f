use super::*;
use crate::testkit::der_tlv;
use yasna::models::ObjectIdentifier;

const CN: &[u64] = &[2, 5, 4, 3];
const O: &[u64] = &[2, 5, 4, 10];
const OU: &[u64] = &[2, 5, 4, 11];
const C: &[u64] = &[2, 5, 4, 6];
const EMAIL: &[u64] = &[1, 2, 840, 113549, 1, 9, 1];
const DC: &[u64] = &[0, 9, 2342, 19200300, 100, 1, 25];

/// An attribute value and how to encode it.
#[derive(Clone)]
enum V<'a> {
    Utf8(&'a str),
    Printable(&'a str),
    Bmp(&'a str),
    Ia5(&'a str),
    Universal(&'a str),
    Teletex(&'a [u8]),
    /// A complete DER element, written as is.
    Der(Vec<u8>),
}

fn write_value(w: yasna::DERWriter<'_>, v: &V<'_>) {
    match v {
        V::Utf8(s) => w.write_utf8_string(s),
        V::Printable(s) => w.write_printable_string(s),
        V::Bmp(s) => w.write_bmp_string(s),
        V::Ia5(s) => w.write_ia5_string(s),
        V::Universal(s) => {
            let content: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
            w.write_der(&der_tlv(0x1c, &content))
        }
        V::Teletex(b) => w.write_der(&der_tlv(0x14, b)),
        V::Der(d) => w.write_der(d),
    }
}

/// A Name with the given RDNs, each a list of (type, value).
fn name(rdns: &[&[(&[u64], V<'_>)]]) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            for rdn in rdns {
                // The SET is written by hand in the order given (yasna
                // would sort it), so the multi-valued tests can put the
                // same set in two orders.
                let atvs: Vec<u8> = rdn
                    .iter()
                    .flat_map(|(oid, value)| {
                        yasna::construct_der(|w| {
                            w.write_sequence(|w| {
                                w.next().write_oid(&ObjectIdentifier::from_slice(oid));
                                write_value(w.next(), value);
                            })
                        })
                    })
                    .collect();
                w.next().write_der(&der_tlv(0x31, &atvs));
            }
        })
    })
}

fn parse(der: &[u8]) -> ComparableName {
    ComparableName::from_der(der).expect("test name parses")
}

/// The memo of prepared names is bounded and never changes an answer:
/// more distinct names than it keeps still compare right (the cache is
/// emptied and refilled on the way).
#[test]
fn prepared_names_memo_is_bounded_and_answers_stay_right() {
    for i in 0..MAX_PREPARED + 100 {
        let text = format!("Memo CA {i}");
        let utf8 = name(&[&[(CN, V::Utf8(&text))]]);
        let printable = name(&[&[(CN, V::Printable(&text.to_uppercase()))]]);
        let other = name(&[&[(CN, V::Utf8(&format!("Memo CA {}", i + 1)))]]);
        assert!(names_match(&utf8, &printable), "{text}");
        assert!(!names_match(&utf8, &other), "{text}");
        let len = PREPARED
            .get()
            .and_then(|c| c.read().ok().map(|c| c.len()))
            .unwrap_or(0);
        assert!(len <= MAX_PREPARED, "{len} names kept");
    }
}

#[test]
fn rfc5280_7_1_printable_and_utf8_of_the_same_text_match() {
    let a = name(&[&[(C, V::Printable("US"))], &[(CN, V::Printable("VPN CA"))]]);
    let b = name(&[&[(C, V::Printable("US"))], &[(CN, V::Utf8("VPN CA"))]]);
    assert_ne!(a, b);
    assert!(names_match(&a, &b));
    assert_eq!(parse(&a), parse(&b));
}

#[test]
fn rfc5280_7_1_bmp_universal_teletex_and_utf8_match() {
    let utf8 = name(&[&[(CN, V::Utf8("Zürich CA"))]]);
    let bmp = name(&[&[(CN, V::Bmp("Zürich CA"))]]);
    let universal = name(&[&[(CN, V::Universal("Zürich CA"))]]);
    let teletex = name(&[&[(CN, V::Teletex(b"Z\xfcrich CA"))]]);
    assert!(names_match(&utf8, &bmp));
    assert!(names_match(&utf8, &universal));
    assert!(names_match(&utf8, &teletex));
    assert!(names_match(&bmp, &teletex));
}

#[test]
fn rfc4518_2_2_case_is_ignored() {
    let a = name(&[&[(O, V::Utf8("Example Corp"))], &[(CN, V::Utf8("vpn ca"))]]);
    let b = name(&[
        &[(O, V::Printable("EXAMPLE corp"))],
        &[(CN, V::Utf8("VPN CA"))],
    ]);
    assert!(names_match(&a, &b));
    // Case folding is Unicode, not only ASCII.
    let c = name(&[&[(CN, V::Utf8("ÄRGER CA"))]]);
    let d = name(&[&[(CN, V::Bmp("ärger ca"))]]);
    assert!(names_match(&c, &d));
}

#[test]
fn rfc4518_2_6_1_insignificant_spaces_are_ignored() {
    let a = name(&[&[(CN, V::Utf8("VPN CA 1"))]]);
    let b = name(&[&[(CN, V::Printable("  VPN   CA 1 "))]]);
    assert!(names_match(&a, &b));
    // Tab and no-break space are mapped to SPACE first (§2.2).
    let c = name(&[&[(CN, V::Utf8("VPN\t\u{a0}CA 1"))]]);
    assert!(names_match(&a, &c));
    // But a space inside a word is significant.
    let d = name(&[&[(CN, V::Utf8("VPNCA 1"))]]);
    assert!(!names_match(&a, &d));
}

#[test]
fn rfc4518_2_3_nfkc_compatibility_forms_match() {
    // Full-width letters and the "fi" ligature are NFKC-equivalent to
    // their plain forms.
    let a = name(&[&[(CN, V::Utf8("ＶＰＮ ﬁle"))]]);
    let b = name(&[&[(CN, V::Utf8("vpn FILE"))]]);
    assert!(names_match(&a, &b));
}

#[test]
fn rfc4518_2_4_prohibited_code_points_compare_as_bytes() {
    // A private-use character makes the preparation fail (§2.4): the
    // value then matches only the same encoding of the same bytes.
    let utf8 = name(&[&[(CN, V::Utf8("CA \u{e000}"))]]);
    let bmp = name(&[&[(CN, V::Bmp("CA \u{e000}"))]]);
    let lower = name(&[&[(CN, V::Utf8("ca \u{e000}"))]]);
    assert_eq!(parse(&utf8), parse(&utf8.clone()));
    assert!(!names_match(&utf8, &bmp));
    assert!(!names_match(&utf8, &lower));
}

#[test]
fn rfc5280_7_1_different_values_do_not_match() {
    let a = name(&[&[(O, V::Utf8("Example"))], &[(CN, V::Utf8("VPN CA 1"))]]);
    let b = name(&[&[(O, V::Utf8("Example"))], &[(CN, V::Utf8("VPN CA 2"))]]);
    assert!(!names_match(&a, &b));
    assert_ne!(parse(&a), parse(&b));
}

#[test]
fn rfc5280_7_1_different_attribute_types_do_not_match() {
    let a = name(&[&[(O, V::Utf8("Example"))]]);
    let b = name(&[&[(OU, V::Utf8("Example"))]]);
    assert!(!names_match(&a, &b));
}

#[test]
fn rfc5280_7_1_rdn_order_matters() {
    let a = name(&[&[(O, V::Utf8("Example"))], &[(CN, V::Utf8("CA"))]]);
    let b = name(&[&[(CN, V::Utf8("CA"))], &[(O, V::Utf8("Example"))]]);
    assert!(!names_match(&a, &b));
}

#[test]
fn x501_multi_valued_rdn_is_a_set() {
    let a = name(&[
        &[(C, V::Printable("US"))],
        &[(OU, V::Utf8("VPN")), (CN, V::Utf8("CA"))],
    ]);
    let b = name(&[
        &[(C, V::Printable("US"))],
        &[(CN, V::Printable("ca")), (OU, V::Utf8("vpn"))],
    ]);
    assert_ne!(a, b);
    assert!(names_match(&a, &b));
    // The same attributes as two RDNs are a different name.
    let c = name(&[
        &[(C, V::Printable("US"))],
        &[(OU, V::Utf8("VPN"))],
        &[(CN, V::Utf8("CA"))],
    ]);
    assert!(!names_match(&a, &c));
}

#[test]
fn rfc5280_7_1_non_string_values_compare_as_bytes() {
    let int_1 = V::Der(vec![0x02, 0x01, 0x01]);
    let int_2 = V::Der(vec![0x02, 0x01, 0x02]);
    let octets_1 = V::Der(vec![0x04, 0x01, 0x01]);
    let x = name(&[
        &[(&[1, 3, 6, 1, 4, 1, 99999, 1], int_1.clone())],
        &[(CN, V::Utf8("a"))],
    ]);
    let same = name(&[
        &[(&[1, 3, 6, 1, 4, 1, 99999, 1], int_1)],
        &[(CN, V::Utf8("A"))],
    ]);
    let other_value = name(&[
        &[(&[1, 3, 6, 1, 4, 1, 99999, 1], int_2)],
        &[(CN, V::Utf8("a"))],
    ]);
    let other_tag = name(&[
        &[(&[1, 3, 6, 1, 4, 1, 99999, 1], octets_1)],
        &[(CN, V::Utf8("a"))],
    ]);
    assert!(names_match(&x, &same));
    assert!(!names_match(&x, &other_value));
    // Same content octets under another tag: not the same value.
    assert!(!names_match(&x, &other_tag));
}

#[test]
fn rfc4517_ia5_case_ignore_only_for_email_and_dc() {
    let a = name(&[
        &[(DC, V::Ia5("com"))],
        &[(DC, V::Ia5("Example"))],
        &[(EMAIL, V::Ia5("VPN@Example.com"))],
    ]);
    let b = name(&[
        &[(DC, V::Ia5("COM"))],
        &[(DC, V::Ia5("example"))],
        &[(EMAIL, V::Ia5("vpn@example.com"))],
    ]);
    assert!(names_match(&a, &b));
    // An IA5String CN is not a directory string: bytes.
    let c = name(&[&[(CN, V::Ia5("VPN"))]]);
    let d = name(&[&[(CN, V::Ia5("vpn"))]]);
    assert!(!names_match(&c, &d));
}

#[test]
fn malformed_names_are_errors_and_match_only_byte_for_byte() {
    let good = name(&[&[(CN, V::Utf8("CA"))]]);
    // The length says more than there is (what x509-parser's as_raw()
    // gives when it stopped at a bad RDN).
    let mut truncated = good.clone();
    truncated.pop();
    assert!(matches!(
        ComparableName::from_der(&truncated),
        Err(DnError::Malformed(_))
    ));
    // An RDN that is a SEQUENCE instead of a SET.
    let not_a_set = vec![0x30, 0x02, 0x30, 0x00];
    assert!(ComparableName::from_der(&not_a_set).is_err());
    // An empty RDN.
    let empty_rdn = vec![0x30, 0x02, 0x31, 0x00];
    assert!(ComparableName::from_der(&empty_rdn).is_err());
    // Bytes after the name.
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(ComparableName::from_der(&trailing).is_err());
    assert!(ComparableName::from_der(&[]).is_err());
    // BER indefinite length is not DER.
    assert!(ComparableName::from_der(&[0x30, 0x80, 0x00, 0x00]).is_err());
    // A length far beyond the input.
    assert!(ComparableName::from_der(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());

    assert!(names_match(&truncated, &truncated));
    assert!(!names_match(&truncated, &good));
    let mut truncated_lower = name(&[&[(CN, V::Utf8("ca"))]]);
    truncated_lower.pop();
    assert!(!names_match(&truncated, &truncated_lower));
}

#[test]
fn hostile_names_are_capped() {
    let rdn: &[(&[u64], V<'_>)] = &[(CN, V::Utf8("x"))];
    let many: Vec<&[(&[u64], V<'_>)]> = vec![rdn; MAX_RDNS + 1];
    assert_eq!(
        ComparableName::from_der(&name(&many)),
        Err(DnError::TooManyRdns)
    );
    let at_cap: Vec<&[(&[u64], V<'_>)]> = vec![rdn; MAX_RDNS];
    assert_eq!(parse(&name(&at_cap)).rdn_count(), MAX_RDNS);

    let wide: Vec<(&[u64], V<'_>)> = vec![(CN, V::Utf8("x")); MAX_ATTRIBUTES_PER_RDN + 1];
    assert_eq!(
        ComparableName::from_der(&name(&[&wide])),
        Err(DnError::TooManyAttributes)
    );

    let huge = vec![0u8; MAX_NAME_LEN + 1];
    assert_eq!(
        ComparableName::from_der(&huge),
        Err(DnError::TooLong(MAX_NAME_LEN + 1))
    );
}

#[test]
fn rfc5280_4_2_1_10_is_within_is_an_rdn_prefix() {
    let base = parse(&name(&[
        &[(C, V::Printable("US"))],
        &[(O, V::Printable("Example"))],
    ]));
    let inside = parse(&name(&[
        &[(C, V::Utf8("us"))],
        &[(O, V::Utf8("EXAMPLE"))],
        &[(CN, V::Utf8("vpn"))],
    ]));
    let outside = parse(&name(&[
        &[(C, V::Printable("US"))],
        &[(O, V::Printable("Other"))],
        &[(CN, V::Utf8("vpn"))],
    ]));
    assert!(inside.is_within(&base));
    assert!(base.is_within(&base), "a name is within itself");
    assert!(!base.is_within(&inside), "a longer base is not a prefix");
    assert!(!outside.is_within(&base));
    let empty = parse(&name(&[]));
    assert!(empty.is_empty());
    assert!(
        inside.is_within(&empty),
        "the empty base contains every name"
    );
    assert!(!empty.is_within(&base));
}

#[test]
fn email_addresses_and_common_names_keep_their_spelling() {
    let n = parse(&name(&[
        &[(O, V::Utf8("Example"))],
        &[(CN, V::Bmp("VPN Gateway"))],
        &[(EMAIL, V::Ia5("Admin@Example.com"))],
        &[(CN, V::Printable("vpn.example.com"))],
    ]));
    assert_eq!(n.email_addresses(), vec!["Admin@Example.com".to_string()]);
    assert_eq!(
        n.common_names(),
        vec!["VPN Gateway".to_string(), "vpn.example.com".to_string()]
    );
    assert_eq!(n.rdn_count(), 4);
    assert_eq!(
        n.to_string(),
        "O=Example, CN=VPN Gateway, Email=Admin@Example.com, CN=vpn.example.com"
    );
}

#[test]
fn rfc5280_7_1_real_certificate_names_through_the_model() {
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair};
    let make = |value: DnValue| {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("US".try_into().unwrap()),
        );
        dn.push(DnType::CommonName, value);
        params.distinguished_name = dn;
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        crate::model::Certificate::from_der(cert.der()).unwrap()
    };
    let printable = make(DnValue::PrintableString(
        "Example VPN CA".try_into().unwrap(),
    ));
    let utf8 = make(DnValue::Utf8String("EXAMPLE  VPN CA".into()));
    assert_ne!(printable.subject.raw, utf8.subject.raw);
    assert!(names_match(&printable.subject.raw, &utf8.subject.raw));
    let parsed = parse(&printable.subject.raw);
    assert_eq!(parsed.rdn_count(), 2);
    assert_eq!(parsed.common_names(), vec!["Example VPN CA".to_string()]);
}

/// The printable-ASCII shortcut prepares exactly as the full RFC 4518
/// route (StringPrep, NFKC, insignificant spaces) does.
#[test]
fn ascii_preparation_is_the_full_preparation() {
    let full = |s: &str| -> Option<String> {
        let folded = stringprep::x520prep(s, true).ok()?;
        let normalized: String = folded.nfkc().collect();
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        Some(words.join(" "))
    };
    let every: String = (b' '..=b'~').map(char::from).collect();
    let mut samples = vec![
        every.clone(),
        every.to_ascii_uppercase(),
        "  VPN   Gateway  01 ".to_string(),
        "Example Corp., Inc. (R&D) #7 @home *.vpn_x".to_string(),
        "x".to_string(),
        " a ".to_string(),
    ];
    samples.extend((b' '..=b'~').map(|b| format!("A{}b", char::from(b))));
    for s in &samples {
        assert_eq!(Some(prepare_ascii(s)), full(s), "{s:?}");
        assert_eq!(prepare(s), full(s), "{s:?}");
        for t in &samples {
            assert_eq!(
                ascii_prepared_eq(s, t),
                prepare_ascii(s) == prepare_ascii(t),
                "{s:?} {t:?}"
            );
        }
    }
    assert!(ascii_prepared_eq(" VPN  ca", "vpn ca "));
}

/// The quick "different" never contradicts the full comparison: every
/// pair it calls different is different once prepared, and pairs that
/// match (case, spaces, string type) are not called different.
#[test]
fn quick_difference_agrees_with_preparation() {
    let names = [
        name(&[
            &[(C, V::Printable("US"))],
            &[(O, V::Utf8("Example"))],
            &[(CN, V::Utf8("VPN CA"))],
        ]),
        name(&[
            &[(C, V::Utf8("us"))],
            &[(O, V::Printable("EXAMPLE"))],
            &[(CN, V::Utf8("  vpn   ca "))],
        ]),
        name(&[
            &[(C, V::Printable("US"))],
            &[(O, V::Utf8("Example"))],
            &[(CN, V::Utf8("leaf-7"))],
        ]),
        name(&[
            &[(C, V::Printable("US"))],
            &[(O, V::Utf8("Example"))],
            &[(CN, V::Bmp("VPN CA"))],
        ]),
        name(&[
            &[(C, V::Printable("US"))],
            &[(O, V::Utf8("Example"))],
            &[(OU, V::Utf8("VPN CA"))],
        ]),
        name(&[&[(C, V::Printable("US"))], &[(O, V::Utf8("Example"))]]),
        name(&[
            &[(C, V::Printable("US")), (O, V::Utf8("Example"))],
            &[(CN, V::Utf8("VPN CA"))],
        ]),
        name(&[
            &[(O, V::Utf8("Example")), (C, V::Printable("US"))],
            &[(CN, V::Utf8("vpn ca"))],
        ]),
        name(&[&[(EMAIL, V::Ia5("A@Example.com"))]]),
        name(&[&[(EMAIL, V::Ia5("a@example.com"))]]),
        name(&[&[(DC, V::Ia5("Example"))], &[(CN, V::Utf8("Caf\u{e9}"))]]),
        name(&[&[(DC, V::Ia5("example"))], &[(CN, V::Utf8("CAF\u{c9}"))]]),
        b"not a name".to_vec(),
    ];
    let mut differ = 0;
    for a in &names {
        for b in &names {
            let full = a == b
                || matches!(
                    (ComparableName::from_der(a), ComparableName::from_der(b)),
                    (Ok(x), Ok(y)) if x == y
                );
            // names_match asks only about names that differ in bytes.
            if a != b && differ_quickly(a, b) {
                differ += 1;
                assert!(!full, "called different but they match: {a:02x?} {b:02x?}");
            }
            assert_eq!(names_match(a, b), full);
        }
    }
    // A model name against a DER name that keeps its prepared form (a
    // CRL's issuer), that form made once and asked again: the same answers.
    for b in &names {
        let kept = crate::model::PreparedName::default();
        for _ in 0..2 {
            for a in &names {
                let mut model = crate::model::Name::empty();
                model.raw.clone_from(a);
                assert_eq!(
                    model.matches_der(b, &kept),
                    names_match(a, b),
                    "{a:02x?} {b:02x?}"
                );
            }
        }
    }
    // The shortcut answers most of the different pairs.
    assert!(differ > 60, "{differ}");
}
