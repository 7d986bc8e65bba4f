use super::*;
use crate::testkit::{CertSpec, Issued};
use chrono::TimeZone;
use rcgen::{ExtendedKeyUsagePurpose, SigningKey};

const ECDSA_SHA256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn gt(t: DateTime<Utc>) -> Vec<u8> {
    der_tlv(0x18, t.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
}

fn model(issued: &Issued) -> Certificate {
    Certificate::from_der(&issued.der()).unwrap()
}

struct Pki {
    ca: Issued,
    leaf: Issued,
    responder: Issued,
}

fn pki() -> Pki {
    let ca = Issued::root("OCSP Test CA");
    let leaf = ca.issue(CertSpec::leaf("vpn.example.com").serial(&[0x00, 0x9a, 0x01]));
    let responder =
        ca.issue(CertSpec::leaf("OCSP Responder").eku(&[ExtendedKeyUsagePurpose::OcspSigning]));
    Pki {
        ca,
        leaf,
        responder,
    }
}

/// What goes into a test response; the defaults make a good, fresh,
/// issuer-signed answer.
struct Spec<'a> {
    signer: &'a Issued,
    /// Name for responderID byName (DER), defaults to the signer's.
    responder_name: Option<Vec<u8>>,
    status: Vec<u8>,
    cert_id: Vec<u8>,
    this_update: DateTime<Utc>,
    next_update: Option<DateTime<Utc>>,
    nonce: Option<Vec<u8>>,
    certs: Vec<Vec<u8>>,
    tamper: bool,
}

fn cert_id_der(id: &CertId) -> Vec<u8> {
    let alg = der_tlv(
        0x30,
        &[
            &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a][..],
            &[0x05, 0x00],
        ]
        .concat(),
    );
    der_tlv(
        0x30,
        &[
            alg,
            der_tlv(0x04, &id.issuer_name_hash),
            der_tlv(0x04, &id.issuer_key_hash),
            der_tlv(0x02, &id.serial),
        ]
        .concat(),
    )
}

fn spec<'a>(signer: &'a Issued, id: &CertId) -> Spec<'a> {
    Spec {
        signer,
        responder_name: None,
        status: vec![0x80, 0x00],
        cert_id: cert_id_der(id),
        this_update: at() - TimeDelta::hours(1),
        next_update: Some(at() + TimeDelta::days(1)),
        nonce: None,
        certs: Vec::new(),
        tamper: false,
    }
}

fn encode(spec: &Spec<'_>) -> Vec<u8> {
    let signer = model(spec.signer);
    let name = spec
        .responder_name
        .clone()
        .unwrap_or(signer.subject.raw.clone());
    let mut single = [
        spec.cert_id.clone(),
        spec.status.clone(),
        gt(spec.this_update),
    ]
    .concat();
    if let Some(next) = spec.next_update {
        single.extend(der_tlv(0xa0, &gt(next)));
    }
    let mut data = [
        der_tlv(0xa1, &name),
        gt(at()),
        der_tlv(0x30, &der_tlv(0x30, &single)),
    ]
    .concat();
    if let Some(nonce) = &spec.nonce {
        let oid = [
            0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02,
        ];
        let ext = der_tlv(
            0x30,
            &[&oid[..], &der_tlv(0x04, &der_tlv(0x04, nonce))].concat(),
        );
        data.extend(der_tlv(0xa1, &der_tlv(0x30, &ext)));
    }
    let tbs = der_tlv(0x30, &data);
    let sig = spec.signer.key.sign(&tbs).unwrap();
    let mut tbs_sent = tbs.clone();
    if spec.tamper {
        // Change a byte of producedAt's year: still valid DER.
        let i = tbs_sent.windows(4).position(|w| w == b"2026").unwrap();
        tbs_sent[i + 3] = b'5';
    }
    let mut basic = [
        tbs_sent,
        der_tlv(0x30, &ECDSA_SHA256),
        der_tlv(0x03, &[&[0u8][..], &sig].concat()),
    ]
    .concat();
    if !spec.certs.is_empty() {
        basic.extend(der_tlv(0xa0, &der_tlv(0x30, &spec.certs.concat())));
    }
    let basic_oid = [
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01,
    ];
    let bytes = der_tlv(
        0x30,
        &[&basic_oid[..], &der_tlv(0x04, &der_tlv(0x30, &basic))].concat(),
    );
    der_tlv(
        0x30,
        &[&[0x0a, 0x01, 0x00][..], &der_tlv(0xa0, &bytes)].concat(),
    )
}

fn check(pki: &Pki, request: &OcspRequest, der: &[u8]) -> Result<OcspAnswer, OcspError> {
    verify_response(der, request, &model(&pki.leaf), &model(&pki.ca), at())
}

#[test]
fn request_cert_id_is_independent_sha1_of_name_key_and_serial() {
    let pki = pki();
    let (leaf, ca) = (model(&pki.leaf), model(&pki.ca));
    let request = build_request(&leaf, &ca, true).unwrap();
    let ca_der = pki.ca.der();
    let (_, parsed) = x509_parser::parse_x509_certificate(&ca_der).unwrap();
    let name = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        parsed.tbs_certificate.subject.as_raw(),
    );
    let key = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        &parsed.public_key().subject_public_key.data,
    );
    assert_eq!(request.cert_id.issuer_name_hash, name.as_ref());
    assert_eq!(request.cert_id.issuer_key_hash, key.as_ref());
    assert_eq!(request.cert_id.serial, vec![0x00, 0x9a, 0x01]);

    // x509-ocsp decodes what we encoded to the same fields and nonce.
    let decoded = x509_ocsp::OcspRequest::from_der(&request.der).unwrap();
    let list = &decoded.tbs_request.request_list;
    assert_eq!(list.len(), 1);
    let id = &list[0].req_cert;
    assert_eq!(id.hash_algorithm.oid.to_string(), OID_SHA1);
    assert_eq!(id.issuer_name_hash.as_bytes(), name.as_ref());
    assert_eq!(id.issuer_key_hash.as_bytes(), key.as_ref());
    let nonce = request.nonce.clone().unwrap();
    assert_eq!(nonce.len(), NONCE_LEN);
    assert_eq!(decoded.nonce().unwrap().0.as_bytes(), nonce.as_slice());

    let other = build_request(&leaf, &ca, true).unwrap();
    assert_ne!(other.nonce, request.nonce, "nonces are random");
    let plain = build_request(&leaf, &ca, false).unwrap();
    assert!(plain.nonce.is_none());
    assert!(x509_ocsp::OcspRequest::from_der(&plain.der)
        .unwrap()
        .nonce()
        .is_none());
}

#[test]
fn request_for_the_wrong_issuer_is_refused() {
    let pki = pki();
    let other = Issued::root("Other CA");
    let err = build_request(&model(&pki.leaf), &model(&other), false).unwrap_err();
    assert!(matches!(err, OcspError::WrongIssuer(_)), "{err}");
    // RFC 6960 §4.1.1: the same CA name with its other key (rollover)
    // is not the issuer either
    let new_key = Issued::root("OCSP Test CA");
    let new_with_old = pki.ca.issue_for(CertSpec::ca("OCSP Test CA"), &new_key.key);
    let err = build_request(&model(&pki.leaf), &model(&new_with_old), false).unwrap_err();
    assert!(
        matches!(&err, OcspError::WrongIssuer(m) if m.contains("did not sign")),
        "{err}"
    );
}

#[test]
fn issuer_signed_good_revoked_unknown() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let good = check(&pki, &request, &encode(&spec(&pki.ca, &request.cert_id))).unwrap();
    assert_eq!(good.status, CertStatus::Good);
    assert!(matches!(good.responder, Responder::Issuer { .. }));
    assert_eq!(good.nonce_echoed, None);
    assert_eq!(good.this_update, at() - TimeDelta::hours(1));

    let revoked_at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let mut s = spec(&pki.ca, &request.cert_id);
    s.status = der_tlv(
        0xa1,
        &[gt(revoked_at), der_tlv(0xa0, &[0x0a, 0x01, 0x01])].concat(),
    );
    let revoked = check(&pki, &request, &encode(&s)).unwrap();
    assert_eq!(
        revoked.status,
        CertStatus::Revoked {
            time: revoked_at,
            reason: Some("keyCompromise".into())
        }
    );

    let mut s = spec(&pki.ca, &request.cert_id);
    s.status = vec![0x82, 0x00];
    assert_eq!(
        check(&pki, &request, &encode(&s)).unwrap().status,
        CertStatus::Unknown
    );
}

#[test]
fn tampered_response_is_bad_signature_never_good() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let mut s = spec(&pki.ca, &request.cert_id);
    s.tamper = true;
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(matches!(err, OcspError::BadSignature(_)), "{err}");

    // Signed by another key while naming the issuer.
    let impostor = Issued::root("OCSP Test CA");
    let mut s = spec(&impostor, &request.cert_id);
    s.responder_name = Some(model(&pki.ca).subject.raw);
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(matches!(err, OcspError::BadSignature(_)), "{err}");
}

#[test]
fn delegated_responder_is_authorised_only_when_issued_by_the_ca_with_eku() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let mut s = spec(&pki.responder, &request.cert_id);
    s.certs = vec![pki.responder.der()];
    let answer = check(&pki, &request, &encode(&s)).unwrap();
    assert_eq!(answer.status, CertStatus::Good);
    match &answer.responder {
        Responder::Delegated {
            subject,
            ocsp_nocheck,
            ..
        } => {
            assert!(subject.contains("OCSP Responder"), "{subject}");
            assert!(!ocsp_nocheck);
        }
        other => panic!("{other:?}"),
    }

    // Not included: cannot be authorised.
    let s = spec(&pki.responder, &request.cert_id);
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(matches!(err, OcspError::UnauthorizedResponder(_)), "{err}");

    // Issued by the CA but without OCSPSigning.
    let plain = pki.ca.issue(CertSpec::leaf("Not A Responder"));
    let mut s = spec(&plain, &request.cert_id);
    s.certs = vec![plain.der()];
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(
        matches!(&err, OcspError::UnauthorizedResponder(m) if m.contains("OCSPSigning")),
        "{err}"
    );

    // With OCSPSigning but issued by another CA.
    let other_ca = Issued::root("Other CA");
    let foreign = other_ca
        .issue(CertSpec::leaf("Foreign Responder").eku(&[ExtendedKeyUsagePurpose::OcspSigning]));
    let mut s = spec(&foreign, &request.cert_id);
    s.certs = vec![foreign.der()];
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(matches!(err, OcspError::UnauthorizedResponder(_)), "{err}");

    // Expired responder.
    let old = pki.ca.issue(
        CertSpec::leaf("Old Responder")
            .eku(&[ExtendedKeyUsagePurpose::OcspSigning])
            .valid(
                crate::testkit::ymd((2024, 1, 1)),
                crate::testkit::ymd((2025, 1, 1)),
            ),
    );
    let mut s = spec(&old, &request.cert_id);
    s.certs = vec![old.der()];
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(matches!(err, OcspError::UnauthorizedResponder(_)), "{err}");
}

#[test]
fn ocsp_nocheck_is_reported() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let responder = pki.ca.issue(
        CertSpec::leaf("NoCheck Responder")
            .eku(&[ExtendedKeyUsagePurpose::OcspSigning])
            .raw_extension(&[1, 3, 6, 1, 5, 5, 7, 48, 1, 5], false, vec![0x05, 0x00]),
    );
    let mut s = spec(&responder, &request.cert_id);
    s.certs = vec![responder.der()];
    let answer = check(&pki, &request, &encode(&s)).unwrap();
    assert!(
        matches!(
            answer.responder,
            Responder::Delegated {
                ocsp_nocheck: true,
                ..
            }
        ),
        "{:?}",
        answer.responder
    );
}

#[test]
fn nonce_echo_missing_and_mismatch() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), true).unwrap();
    let mut s = spec(&pki.ca, &request.cert_id);
    s.nonce = request.nonce.clone();
    assert_eq!(
        check(&pki, &request, &encode(&s)).unwrap().nonce_echoed,
        Some(true)
    );

    let s = spec(&pki.ca, &request.cert_id);
    assert_eq!(
        check(&pki, &request, &encode(&s)).unwrap().nonce_echoed,
        Some(false)
    );

    let mut s = spec(&pki.ca, &request.cert_id);
    s.nonce = Some(vec![7; NONCE_LEN]);
    assert_eq!(
        check(&pki, &request, &encode(&s)).unwrap_err(),
        OcspError::NonceMismatch
    );
}

#[test]
fn answer_about_another_certificate_is_no_match() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let other = pki
        .ca
        .issue(CertSpec::leaf("other.example.com").serial(&[0x42]));
    let other_id = cert_id(&model(&other), &model(&pki.ca)).unwrap();
    let s = spec(&pki.ca, &other_id);
    assert_eq!(
        check(&pki, &request, &encode(&s)).unwrap_err(),
        OcspError::NoMatchingResponse
    );
}

/// RFC 5280 §4.1.2.2: the CertID serial is the certificate's, as a
/// signed integer. The leaf's serial is 00 9A 01 (+0x9A01): an answer
/// for 9A 01 (a negative number) is about another certificate. (One
/// that pads the serial is not DER, and x509-ocsp refuses it.)
#[test]
fn cert_id_serials_compare_as_signed_integers() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    assert_eq!(request.cert_id.serial, vec![0x00, 0x9a, 0x01]);
    let with_serial = |serial: &[u8]| CertId {
        serial: serial.to_vec(),
        ..request.cert_id.clone()
    };
    let negative = spec(&pki.ca, &with_serial(&[0x9a, 0x01]));
    assert_eq!(
        check(&pki, &request, &encode(&negative)).unwrap_err(),
        OcspError::NoMatchingResponse
    );
    let padded = spec(&pki.ca, &with_serial(&[0x00, 0x00, 0x9a, 0x01]));
    assert!(matches!(
        check(&pki, &request, &encode(&padded)),
        Err(OcspError::Malformed(_))
    ));
    let exact = spec(&pki.ca, &with_serial(&[0x00, 0x9a, 0x01]));
    assert_eq!(
        check(&pki, &request, &encode(&exact)).unwrap().status,
        CertStatus::Good
    );
}

/// RFC 6960 §4.2.2.2 after a CA key rollover: a responder with
/// id-kp-OCSPSigning certified by the CA's new key is not authorised
/// for a certificate its old key issued (nor the other way round), and
/// the error says so.
#[test]
fn responder_certified_by_the_cas_other_key_is_not_authorised() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    // The CA's new key, certified by its old one (new-with-old).
    let new_key = Issued::root("OCSP Test CA");
    let new_with_old = pki.ca.issue_for(CertSpec::ca("OCSP Test CA"), &new_key.key);
    let responder = new_with_old.issue(
        CertSpec::leaf("Rolled-over Responder").eku(&[ExtendedKeyUsagePurpose::OcspSigning]),
    );
    let mut s = spec(&responder, &request.cert_id);
    s.certs = vec![responder.der()];
    let err = check(&pki, &request, &encode(&s)).unwrap_err();
    assert!(
        matches!(&err, OcspError::UnauthorizedResponder(m)
            if m.contains("another key") && m.contains("rollover")),
        "{err}"
    );
    // the same responder for a certificate of the new key is fine
    let new_leaf = new_with_old.issue(CertSpec::leaf("new.example.com"));
    let (new_leaf, new_ca) = (model(&new_leaf), model(&new_with_old));
    let request = build_request(&new_leaf, &new_ca, false).unwrap();
    let mut s = spec(&responder, &request.cert_id);
    s.certs = vec![responder.der()];
    let answer = verify_response(&encode(&s), &request, &new_leaf, &new_ca, at()).unwrap();
    assert_eq!(answer.status, CertStatus::Good);
}

#[test]
fn stale_and_future_responses_are_refused_within_skew() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let mut s = spec(&pki.ca, &request.cert_id);
    s.this_update = at() - TimeDelta::days(2);
    s.next_update = Some(at() - TimeDelta::hours(1));
    assert!(matches!(
        check(&pki, &request, &encode(&s)).unwrap_err(),
        OcspError::Stale { .. }
    ));
    s.next_update = Some(at() - TimeDelta::minutes(2));
    assert!(
        check(&pki, &request, &encode(&s)).is_ok(),
        "inside the skew"
    );

    let mut s = spec(&pki.ca, &request.cert_id);
    s.this_update = at() + TimeDelta::hours(1);
    assert!(matches!(
        check(&pki, &request, &encode(&s)).unwrap_err(),
        OcspError::NotYetValid { .. }
    ));
    s.this_update = at() + TimeDelta::minutes(2);
    assert!(
        check(&pki, &request, &encode(&s)).is_ok(),
        "inside the skew"
    );

    let mut s = spec(&pki.ca, &request.cert_id);
    s.next_update = None;
    assert_eq!(
        check(&pki, &request, &encode(&s)).unwrap().next_update,
        None
    );
}

#[test]
fn unsuccessful_statuses_are_named() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    for (code, name) in [
        (1u8, "malformedRequest"),
        (2, "internalError"),
        (3, "tryLater"),
        (6, "unauthorized"),
    ] {
        let der = der_tlv(0x30, &[0x0a, 0x01, code]);
        assert_eq!(
            check(&pki, &request, &der).unwrap_err(),
            OcspError::NotSuccessful(name.into())
        );
    }
}

#[test]
fn garbage_and_truncations_are_errors_not_panics() {
    let pki = pki();
    let request = build_request(&model(&pki.leaf), &model(&pki.ca), false).unwrap();
    let mut s = spec(&pki.responder, &request.cert_id);
    s.certs = vec![pki.responder.der()];
    let good = encode(&s);
    assert!(check(&pki, &request, &good).is_ok());
    for len in 0..good.len() {
        assert!(
            check(&pki, &request, &good[..len]).is_err(),
            "truncated to {len}"
        );
    }
    // Every single-byte corruption: an error or, if the byte was not
    // covered by anything checked, still a verified Good; never a panic.
    for i in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= flip;
            if let Ok(answer) = check(&pki, &request, &bad) {
                assert_eq!(answer.status, CertStatus::Good);
            }
        }
    }
    for garbage in [
        &b""[..],
        b"\x30",
        b"\x30\x80\x00\x00",
        b"\x30\x84\xff\xff\xff\xff",
        b"not der at all",
    ] {
        assert!(matches!(
            check(&pki, &request, garbage).unwrap_err(),
            OcspError::Malformed(_)
        ));
    }
    // Successful but no body; a body of another type.
    let empty = der_tlv(0x30, &[0x0a, 0x01, 0x00]);
    assert!(matches!(
        check(&pki, &request, &empty).unwrap_err(),
        OcspError::Malformed(_)
    ));
}

#[test]
fn transport_closure_and_size_cap() {
    let pki = pki();
    let (leaf, ca) = (model(&pki.leaf), model(&pki.ca));
    let request = build_request(&leaf, &ca, false).unwrap();
    let der = encode(&spec(&pki.ca, &request.cert_id));
    let answer = query_with(
        "http://ocsp.example/",
        &request,
        &leaf,
        &ca,
        at(),
        |url, body| {
            assert_eq!(url, "http://ocsp.example/");
            assert_eq!(body, request.der.as_slice());
            Ok(der.clone())
        },
    )
    .unwrap();
    assert_eq!(answer.status, CertStatus::Good);
    let err = query_with("http://x/", &request, &leaf, &ca, at(), |_, _| {
        Ok(vec![0; MAX_RESPONSE_BYTES as usize + 1])
    })
    .unwrap_err();
    assert_eq!(err, OcspError::TooLarge);
    let err = query("https://ocsp.example/", &request, &leaf, &ca, at()).unwrap_err();
    assert!(matches!(err, OcspError::Transport(_)), "{err}");
}

#[test]
fn tlv_lengths() {
    assert_eq!(der_tlv(0x04, &[1, 2]), vec![0x04, 0x02, 1, 2]);
    assert_eq!(&der_tlv(0x04, &[0; 200])[..3], &[0x04, 0x81, 200]);
    assert_eq!(&der_tlv(0x04, &[0; 300])[..4], &[0x04, 0x82, 0x01, 0x2c]);
}
