use super::*;
use crate::testkit::der_tlv;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SignatureAlgorithm,
};

// --- helpers -----------------------------------------------------------

/// A fixture set from fixtures/signatures (see its make.sh): the leaf and
/// its CA, DER.
#[derive(Clone)]
struct Pair {
    leaf: Vec<u8>,
    ca: Vec<u8>,
}

impl Pair {
    fn from_pem(pem_text: &str) -> Pair {
        let blocks = pem::parse_many(pem_text).expect("fixture PEM");
        assert_eq!(blocks.len(), 2, "a fixture set is a leaf and its CA");
        Pair {
            leaf: blocks[0].contents().to_vec(),
            ca: blocks[1].contents().to_vec(),
        }
    }

    fn ca_spki(&self) -> &[u8] {
        spki_of(&self.ca).expect("CA SPKI")
    }

    /// The leaf's signature, checked with the CA's key.
    fn leaf_outcome(&self) -> Outcome {
        verify_certificate(&self.leaf, self.ca_spki())
    }
}

macro_rules! fixture {
    ($name:literal) => {
        Pair::from_pem(include_str!(concat!(
            "../../../../fixtures/signatures/",
            $name,
            ".pem"
        )))
    };
}

/// A CA (self-signed with `ca_key`) and a P-256 leaf it signed, by rcgen.
fn rcgen_pair(ca_key: KeyPair) -> Pair {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "rcgen CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA");
    let mut leaf_params =
        CertificateParams::new(vec!["vpn.example.com".to_string()]).expect("params");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "rcgen leaf");
    let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let issuer = Issuer::from_params(&ca_params, &ca_key);
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).expect("leaf");
    Pair {
        leaf: leaf.der().to_vec(),
        ca: ca.der().to_vec(),
    }
}

const RSA_CA_KEY: &str = include_str!("../../../../fixtures/keys/rsa-2048-ca.pem");
const RSA_LEAF_KEY: &str = include_str!("../../../../fixtures/keys/rsa-2048-leaf.pem");

fn rsa_pair(key_pem: &str, alg: &'static SignatureAlgorithm) -> Pair {
    rcgen_pair(KeyPair::from_pem_and_sign_algo(key_pem, alg).expect("RSA key"))
}

fn generated_pair(alg: &'static SignatureAlgorithm) -> Pair {
    rcgen_pair(KeyPair::generate_for(alg).expect("key"))
}

/// (tbsCertificate, signatureAlgorithm, signatureValue) TLVs.
fn split(cert: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let content = single_tlv_content(cert, Tag::Sequence).expect("certificate");
    let mut reader = SliceReader::new(content).expect("reader");
    let tbs = reader.tlv_bytes().expect("tbs").to_vec();
    let alg = reader.tlv_bytes().expect("alg").to_vec();
    let sig = reader.tlv_bytes().expect("sig").to_vec();
    (tbs, alg, sig)
}

fn join(tbs: &[u8], alg: &[u8], sig: &[u8]) -> Vec<u8> {
    der_tlv(0x30, &[tbs, alg, sig].concat())
}

/// The certificate with one octet of its subject's name changed inside
/// tbsCertificate (the signature and both algorithm fields untouched).
fn tampered(cert: &[u8], needle: &[u8]) -> Vec<u8> {
    let (mut tbs, alg, sig) = split(cert);
    let at = tbs
        .windows(needle.len())
        .rposition(|w| w == needle)
        .expect("needle in tbsCertificate");
    tbs[at] ^= 0x01;
    join(&tbs, &alg, &sig)
}

/// An AlgorithmIdentifier that means the same or a neighbouring algorithm
/// but is encoded differently: NULL parameters added or removed, or, for
/// RSASSA-PSS, sha256WithRSAEncryption.
fn other_encoding(alg: &[u8]) -> Vec<u8> {
    let parsed = AlgorithmIdentifierRef::from_der(alg).expect("alg");
    let oid_tlv = der_tlv(0x06, parsed.oid.as_bytes());
    match parsed.parameters {
        None => der_tlv(0x30, &[&oid_tlv[..], &[0x05, 0x00]].concat()),
        Some(p) if p.is_null() => der_tlv(0x30, &oid_tlv),
        Some(_) => der_tlv(
            0x30,
            &[
                &der_tlv(0x06, oid("1.2.840.113549.1.1.11").as_bytes())[..],
                &[0x05, 0x00],
            ]
            .concat(),
        ),
    }
}

fn assert_invalid(outcome: Outcome, contains: &str) {
    match outcome {
        Outcome::Invalid(why) => assert!(
            why.contains(contains),
            "expected {contains:?} in the reason: {why}"
        ),
        other => panic!("expected Invalid({contains:?}..), got {other:?}"),
    }
}

fn assert_unsupported(outcome: Outcome, contains: &str) {
    match outcome {
        Outcome::Unsupported(why) => assert!(
            why.contains(contains),
            "expected {contains:?} in the reason: {why}"
        ),
        other => panic!("expected Unsupported({contains:?}..), got {other:?}"),
    }
}

/// RFC 5280 §6.1.3 (a)(1) for one algorithm family: the leaf and the
/// CA's self-signature verify with the CA key and give `expected`; a
/// changed tbsCertificate, another issuer key (`impostor`, same key
/// type) and an outer signatureAlgorithm that differs from the inner
/// one (§4.1.1.2) are all Invalid.
fn check_family(pair: &Pair, impostor: &Pair, needle: &[u8], expected: Outcome) {
    assert!(
        matches!(expected, Outcome::Valid | Outcome::Legacy(_)),
        "the family check is for verifying algorithms"
    );
    assert_eq!(pair.leaf_outcome(), expected, "leaf signed by the CA");
    assert_eq!(
        verify_certificate(&pair.ca, pair.ca_spki()),
        expected,
        "the CA's self-signature"
    );
    assert_invalid(
        verify_certificate(&tampered(&pair.leaf, needle), pair.ca_spki()),
        "does not verify",
    );
    assert_ne!(pair.ca_spki(), impostor.ca_spki(), "a different key");
    assert_invalid(
        verify_certificate(&pair.leaf, impostor.ca_spki()),
        "does not verify",
    );
    let (tbs, alg, sig) = split(&pair.leaf);
    let mismatched = join(&tbs, &other_encoding(&alg), &sig);
    assert_invalid(verify_certificate(&mismatched, pair.ca_spki()), "§4.1.1.2");
}

// --- RSA PKCS#1 v1.5 ---------------------------------------------------

#[test]
fn rfc5280_6_1_3_a1_rsa_pkcs1_sha2_with_2048_bit_keys_is_valid() {
    for alg in [
        &rcgen::PKCS_RSA_SHA256,
        &rcgen::PKCS_RSA_SHA384,
        &rcgen::PKCS_RSA_SHA512,
    ] {
        let pair = rsa_pair(RSA_CA_KEY, alg);
        let impostor = rsa_pair(RSA_LEAF_KEY, alg);
        check_family(&pair, &impostor, b"rcgen leaf", Outcome::Valid);
    }
}

#[test]
fn rfc5280_6_1_3_a1_rsa_sha1_and_small_keys_verify_as_legacy() {
    let sha1 = fixture!("rsa2048-sha1");
    let impostor = rsa_pair(RSA_CA_KEY, &rcgen::PKCS_RSA_SHA256);
    check_family(&sha1, &impostor, b"leaf", Outcome::Legacy(Legacy::Sha1));

    let small_impostor = fixture!("rsa1024-sha256");
    check_family(
        &fixture!("rsa1024-sha1"),
        &small_impostor,
        b"leaf",
        Outcome::Legacy(Legacy::Sha1SmallRsa { bits: 1024 }),
    );
    check_family(
        &fixture!("rsa1024-sha512"),
        &small_impostor,
        b"leaf",
        Outcome::Legacy(Legacy::SmallRsa { bits: 1024 }),
    );
    check_family(
        &fixture!("rsa1024-sha256"),
        &fixture!("rsa1024-sha1"),
        b"leaf",
        Outcome::Legacy(Legacy::SmallRsa { bits: 1024 }),
    );
}

#[test]
fn rfc5280_4_1_1_2_rsa_null_and_absent_parameters_differ_as_bytes() {
    // sha256WithRSAEncryption with and without NULL is the same
    // algorithm (verify() accepts both), yet the outer field must repeat
    // the inner one byte for byte.
    let pair = rsa_pair(RSA_CA_KEY, &rcgen::PKCS_RSA_SHA256);
    let (tbs, alg, sig) = split(&pair.leaf);
    let absent = other_encoding(&alg);
    assert_ne!(absent, alg);
    let value = BitStringRef::from_der(&sig).expect("bit string");
    let value = value.as_bytes().expect("octets");
    assert_eq!(verify(pair.ca_spki(), &alg, &tbs, value), Outcome::Valid);
    assert_eq!(verify(pair.ca_spki(), &absent, &tbs, value), Outcome::Valid);
    assert_invalid(
        verify_certificate(&join(&tbs, &absent, &sig), pair.ca_spki()),
        "RFC 5280 §4.1.1.2",
    );
}

#[test]
fn rsa_keys_and_hashes_too_weak_or_unsupported_are_refused_in_words() {
    assert_unsupported(
        fixture!("rsa512-sha256").leaf_outcome(),
        "RSA-512: too weak",
    );
    assert_unsupported(
        fixture!("rsa2048-md5").leaf_outcome(),
        "MD5 signatures can be forged",
    );
    assert_unsupported(
        fixture!("rsa2048-sha224").leaf_outcome(),
        "sha224WithRSAEncryption",
    );
    assert_unsupported(
        fixture!("rsa1024-sha384").leaf_outcome(),
        "sha384WithRSAEncryption by an RSA-1024 key",
    );
}

// --- RSASSA-PSS ----------------------------------------------------------

#[test]
fn rfc4055_3_1_rsassa_pss_with_matching_mgf1_and_salt_is_valid() {
    let impostor = fixture!("rsa2048-pss-sha384");
    for pair in [
        fixture!("rsa2048-pss-sha256"),
        fixture!("rsa2048-pss-sha512"),
        // An id-RSASSA-PSS key without parameters, and one whose
        // parameters allow exactly this (RFC 4055 §3.1, §3.3).
        fixture!("rsapss-pss-sha256"),
        fixture!("rsapss256-pss-sha256"),
    ] {
        check_family(&pair, &impostor, b"leaf", Outcome::Valid);
    }
    check_family(
        &impostor,
        &fixture!("rsa2048-pss-sha256"),
        b"leaf",
        Outcome::Valid,
    );
}

#[test]
fn rfc4055_3_1_rsassa_pss_parameters_ring_lacks_are_named() {
    assert_unsupported(
        fixture!("rsa2048-pss-sha256-maxsalt").leaf_outcome(),
        "RSASSA-PSS with SHA-256, MGF1 with SHA-256, salt length 222",
    );
    // All defaults: SHA-1, MGF1-SHA-1, salt 20.
    assert_unsupported(
        fixture!("rsa2048-pss-sha1").leaf_outcome(),
        "RSASSA-PSS with SHA-1, MGF1 with SHA-1, salt length 20",
    );
}

#[test]
fn rfc4055_1_2_and_3_3_a_pss_key_is_held_to_its_restrictions() {
    // The PKCS#1 v1.5 signature of rsa2048-sha1 offered to an
    // id-RSASSA-PSS key: RFC 4055 §1.2 limits that key to RSASSA-PSS.
    let pkcs1 = fixture!("rsa2048-sha1");
    let (tbs, alg, sig) = split(&pkcs1.leaf);
    let sig = BitStringRef::from_der(&sig).expect("bit string");
    let sig = sig.as_bytes().expect("octets");
    let unrestricted = fixture!("rsapss-pss-sha256");
    assert_invalid(
        verify(unrestricted.ca_spki(), &alg, &tbs, sig),
        "restricted to RSASSA-PSS (RFC 4055 §1.2)",
    );
    // A SHA-512 PSS signature offered to a key restricted to SHA-256.
    let sha512 = fixture!("rsa2048-pss-sha512");
    let restricted = fixture!("rsapss256-pss-sha256");
    assert_invalid(
        verify_certificate(&sha512.leaf, restricted.ca_spki()),
        "(RFC 4055 §3.3)",
    );
}

// --- ECDSA ---------------------------------------------------------------

#[test]
fn rfc5758_3_2_ecdsa_on_p256_and_p384_through_ring() {
    let p256 = generated_pair(&rcgen::PKCS_ECDSA_P256_SHA256);
    let p256_impostor = generated_pair(&rcgen::PKCS_ECDSA_P256_SHA256);
    check_family(&p256, &p256_impostor, b"rcgen leaf", Outcome::Valid);
    let p384 = generated_pair(&rcgen::PKCS_ECDSA_P384_SHA384);
    let p384_impostor = generated_pair(&rcgen::PKCS_ECDSA_P384_SHA384);
    check_family(&p384, &p384_impostor, b"rcgen leaf", Outcome::Valid);
    // The cross pairs ring has.
    check_family(
        &fixture!("p256-sha384"),
        &p256_impostor,
        b"leaf",
        Outcome::Valid,
    );
    check_family(
        &fixture!("p384-sha256"),
        &p384_impostor,
        b"leaf",
        Outcome::Valid,
    );
}

#[test]
fn rfc5758_3_2_ecdsa_hashes_and_curves_ring_lacks() {
    // make.sh signs p256-sha1/-sha224/-sha384 with one key and
    // p256-sha512 with another; likewise p521-sha512 has a key of its own.
    let p256_other = fixture!("p256-sha512");
    let p384_other = generated_pair(&rcgen::PKCS_ECDSA_P384_SHA384);
    let p521_other = fixture!("p521-sha512");
    for (pair, impostor, expected) in [
        (
            fixture!("p256-sha1"),
            &p256_other,
            Outcome::Legacy(Legacy::Sha1),
        ),
        (fixture!("p256-sha224"), &p256_other, Outcome::Valid),
        (p256_other.clone(), &fixture!("p256-sha1"), Outcome::Valid),
        // SHA-1 is shorter than half of P-384's field.
        (
            fixture!("p384-sha1"),
            &p384_other,
            Outcome::Legacy(Legacy::Sha1),
        ),
        (fixture!("p384-sha512"), &p384_other, Outcome::Valid),
        (
            fixture!("p521-sha1"),
            &p521_other,
            Outcome::Legacy(Legacy::Sha1),
        ),
        // SHA-256 is shorter than half of P-521's field.
        (fixture!("p521-sha256"), &p521_other, Outcome::Valid),
        (fixture!("p521-sha384"), &p521_other, Outcome::Valid),
        (p521_other.clone(), &fixture!("p521-sha1"), Outcome::Valid),
    ] {
        check_family(&pair, impostor, b"leaf", expected);
    }
}

#[test]
fn rfc5480_2_2_compressed_points_verify() {
    let pair = fixture!("p256-compressed-sha256");
    let spki = SubjectPublicKeyInfoRef::from_der(pair.ca_spki()).expect("spki");
    assert!(matches!(
        spki.subject_public_key.raw_bytes().first(),
        Some(0x02 | 0x03)
    ));
    check_family(&pair, &fixture!("p256-sha1"), b"leaf", Outcome::Valid);
}

#[test]
fn ecdsa_on_other_curves_is_unsupported_naming_the_curve() {
    assert_unsupported(
        fixture!("brainpoolp256r1-sha256").leaf_outcome(),
        "brainpoolP256r1",
    );
    assert_unsupported(fixture!("secp256k1-sha256").leaf_outcome(), "secp256k1");
}

#[test]
fn rfc5758_3_2_ecdsa_parameters_must_be_absent() {
    let pair = generated_pair(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (tbs, alg, sig) = split(&pair.leaf);
    let with_null = other_encoding(&alg);
    let sig = BitStringRef::from_der(&sig).expect("bit string");
    let sig = sig.as_bytes().expect("octets");
    assert_eq!(verify(pair.ca_spki(), &alg, &tbs, sig), Outcome::Valid);
    assert_unsupported(
        verify(pair.ca_spki(), &with_null, &tbs, sig),
        "RFC 5758 §3.2",
    );
}

// --- EdDSA ---------------------------------------------------------------

#[test]
fn rfc8410_ed25519_through_ring_and_ed448_unsupported() {
    let pair = generated_pair(&rcgen::PKCS_ED25519);
    let impostor = generated_pair(&rcgen::PKCS_ED25519);
    check_family(&pair, &impostor, b"rcgen leaf", Outcome::Valid);
    assert_unsupported(fixture!("ed448").leaf_outcome(), "Ed448");
}

// --- DSA -----------------------------------------------------------------

#[test]
fn rfc3279_2_2_2_dsa_verifies_as_legacy() {
    let small_impostor = fixture!("dsa1024-sha256");
    let large_impostor = fixture!("dsa2048-sha256");
    check_family(
        &fixture!("dsa1024-sha1"),
        &small_impostor,
        b"leaf",
        Outcome::Legacy(Legacy::Dsa { bits: 1024 }),
    );
    // SHA-256 with a 160-bit q: the leftmost 160 bits of the hash count.
    check_family(
        &small_impostor,
        &fixture!("dsa1024-sha1"),
        b"leaf",
        Outcome::Legacy(Legacy::Dsa { bits: 1024 }),
    );
    check_family(
        &fixture!("dsa2048-sha224"),
        &large_impostor,
        b"leaf",
        Outcome::Legacy(Legacy::Dsa { bits: 2048 }),
    );
    check_family(
        &large_impostor,
        &fixture!("dsa2048-sha224"),
        b"leaf",
        Outcome::Legacy(Legacy::Dsa { bits: 2048 }),
    );
}

#[test]
fn rfc5280_6_1_4_f_dsa_key_without_parameters_is_unsupported() {
    // The CA key with its Dss-Parms left out, as RFC 3279 §2.3.2 allows
    // when they are inherited from the issuer.
    let pair = fixture!("dsa1024-sha1");
    let spki = SubjectPublicKeyInfoRef::from_der(pair.ca_spki()).expect("spki");
    let bare = der_tlv(
        0x30,
        &[
            &der_tlv(0x30, &der_tlv(0x06, DSA.as_bytes()))[..],
            &der_tlv(
                0x03,
                &[&[0u8][..], spki.subject_public_key.raw_bytes()].concat(),
            ),
        ]
        .concat(),
    );
    assert_unsupported(verify_certificate(&pair.leaf, &bare), "RFC 5280 §6.1.4 (f)");
}

// --- keys and algorithms that do not go together -------------------------

#[test]
fn rfc5280_6_1_3_a1_a_key_of_another_type_is_invalid() {
    let ecdsa = generated_pair(&rcgen::PKCS_ECDSA_P256_SHA256);
    let rsa = rsa_pair(RSA_CA_KEY, &rcgen::PKCS_RSA_SHA256);
    let ed = generated_pair(&rcgen::PKCS_ED25519);
    let dsa = fixture!("dsa1024-sha1");
    assert_invalid(
        verify_certificate(&ecdsa.leaf, rsa.ca_spki()),
        "the signature is ECDSA with SHA-256, but the issuer's key is RSA-2048",
    );
    assert_invalid(
        verify_certificate(&rsa.leaf, ecdsa.ca_spki()),
        "the issuer's key is EC P-256",
    );
    assert_invalid(verify_certificate(&ed.leaf, dsa.ca_spki()), "key is DSA");
    assert_invalid(
        verify_certificate(&dsa.leaf, ed.ca_spki()),
        "key is Ed25519",
    );
    // The P-256 leaf key is not the P-384 key that signed.
    let p384 = generated_pair(&rcgen::PKCS_ECDSA_P384_SHA384);
    assert_invalid(
        verify_certificate(&p384.leaf, spki_of(&ecdsa.leaf).expect("spki")),
        "does not verify with the issuer's P-256 key",
    );
}

// --- malformed input -----------------------------------------------------

#[test]
fn unknown_algorithms_are_unsupported_naming_the_oid() {
    let pair = generated_pair(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (tbs, _, sig) = split(&pair.leaf);
    let sig = BitStringRef::from_der(&sig).expect("bit string");
    let sig = sig.as_bytes().expect("octets");
    // ecdsa-with-SHA3-256 (2.16.840.1.101.3.4.3.10).
    let sha3 = der_tlv(
        0x30,
        &der_tlv(0x06, oid("2.16.840.1.101.3.4.3.10").as_bytes()),
    );
    assert_unsupported(
        verify(pair.ca_spki(), &sha3, &tbs, sig),
        "2.16.840.1.101.3.4.3.10",
    );
    // An X25519 key (1.3.101.110) cannot be checked as anything.
    let x25519 = der_tlv(
        0x30,
        &[
            &der_tlv(0x30, &der_tlv(0x06, oid("1.3.101.110").as_bytes()))[..],
            &der_tlv(0x03, &[0u8; 33]),
        ]
        .concat(),
    );
    let (_, alg, _) = split(&pair.leaf);
    assert_unsupported(verify(&x25519, &alg, &tbs, sig), "1.3.101.110");
}

#[test]
fn malformed_inputs_give_words_not_panics() {
    let pair = rsa_pair(RSA_CA_KEY, &rcgen::PKCS_RSA_SHA256);
    let (tbs, alg, sig_tlv) = split(&pair.leaf);
    let sig = BitStringRef::from_der(&sig_tlv).expect("bit string");
    let sig = sig.as_bytes().expect("octets");
    let spki = pair.ca_spki();

    assert_unsupported(verify(b"\x30\x00", &alg, &tbs, sig), "cannot be read");
    assert_unsupported(verify(spki, b"\x05\x00", &tbs, sig), "cannot be read");
    assert_invalid(verify(spki, &alg, &tbs, b""), "does not verify");
    assert_invalid(verify(spki, &alg, &tbs, &sig[1..]), "does not verify");
    assert_invalid(verify_certificate(b"", spki), "not DER-encoded X.509");
    let mut trailing = pair.leaf.clone();
    trailing.push(0);
    assert_invalid(verify_certificate(&trailing, spki), "not DER-encoded X.509");
    // A signatureValue BIT STRING with unused bits.
    let mut odd = sig_tlv.clone();
    let unused_at = odd.len() - sig.len() - 1;
    odd[unused_at] = 1;
    let last = odd.len() - 1;
    odd[last] &= 0xfe;
    assert_invalid(
        verify_certificate(&join(&tbs, &alg, &odd), spki),
        "unused bits",
    );
    // Every prefix of every kind of certificate: never a panic, never
    // a pass.
    for pair in [
        pair,
        fixture!("dsa1024-sha1"),
        fixture!("p521-sha512"),
        fixture!("rsapss256-pss-sha256"),
    ] {
        for cut in 0..pair.leaf.len() {
            let outcome = verify_certificate(&pair.leaf[..cut], pair.ca_spki());
            assert!(matches!(outcome, Outcome::Invalid(_)), "{cut}: {outcome:?}");
        }
        let spki = pair.ca_spki();
        for cut in 0..spki.len() {
            let outcome = verify_certificate(&pair.leaf, &spki[..cut]);
            assert!(
                matches!(outcome, Outcome::Unsupported(_)),
                "{cut}: {outcome:?}"
            );
        }
    }
}

#[test]
fn ecdsa_and_dsa_signature_values_that_are_not_der_are_invalid() {
    for pair in [
        fixture!("p521-sha512"),
        fixture!("dsa2048-sha256"),
        fixture!("p256-sha384"),
    ] {
        let (tbs, alg, _) = split(&pair.leaf);
        for bad in [
            &b""[..],
            b"\x30\x00",
            b"\x30\x06\x02\x01\x01\x02\x01\x01\x00",
        ] {
            assert_invalid(verify(pair.ca_spki(), &alg, &tbs, bad), "does not verify");
        }
    }
}

#[test]
fn spki_of_finds_the_subject_public_key_info() {
    for pair in [
        fixture!("dsa2048-sha256"),
        generated_pair(&rcgen::PKCS_ED25519),
        rsa_pair(RSA_CA_KEY, &rcgen::PKCS_RSA_SHA256),
    ] {
        for cert in [&pair.leaf, &pair.ca] {
            let (_, parsed) = x509_parser::parse_x509_certificate(cert).expect("parse");
            assert_eq!(spki_of(cert), Some(parsed.tbs_certificate.subject_pki.raw));
        }
    }
    assert_eq!(spki_of(b""), None);
    assert_eq!(spki_of(b"\x30\x03\x02\x01\x01"), None);
}

#[test]
fn legacy_reasons_in_words() {
    assert_eq!(Legacy::Sha1.to_string(), "SHA-1");
    assert_eq!(
        Legacy::SmallRsa { bits: 1024 }.to_string(),
        "an RSA-1024 key"
    );
    assert_eq!(
        Legacy::Sha1SmallRsa { bits: 1536 }.to_string(),
        "SHA-1 with an RSA-1536 key"
    );
    assert_eq!(Legacy::Dsa { bits: 1024 }.to_string(), "DSA-1024");
}

#[test]
fn keys_outside_what_ring_and_dsa_take_are_unsupported_in_words() {
    let pair = rsa_pair(RSA_CA_KEY, &rcgen::PKCS_RSA_SHA256);
    let (tbs, alg, sig) = split(&pair.leaf);
    let sig = BitStringRef::from_der(&sig).expect("bit string");
    let sig = sig.as_bytes().expect("octets");
    let spki = SubjectPublicKeyInfoRef::from_der(pair.ca_spki()).expect("spki");
    let key = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).expect("key");
    let modulus = key.modulus.as_bytes();
    let rsa_spki = |n: &[u8], e: &[u8]| {
        let int = |v: &[u8]| {
            let body = if v.first().is_some_and(|b| b & 0x80 != 0) {
                [&[0u8][..], v].concat()
            } else {
                v.to_vec()
            };
            der_tlv(0x02, &body)
        };
        let rsa_key = der_tlv(0x30, &[int(n), int(e)].concat());
        let alg = der_tlv(
            0x30,
            &[der_tlv(0x06, RSA_ENCRYPTION.as_bytes()), vec![0x05, 0x00]].concat(),
        );
        der_tlv(
            0x30,
            &[alg, der_tlv(0x03, &[&[0u8][..], &rsa_key].concat())].concat(),
        )
    };
    // The same key rebuilt verifies, so the rebuilding is sound.
    assert_eq!(
        verify(&rsa_spki(modulus, &[1, 0, 1]), &alg, &tbs, sig),
        Outcome::Valid
    );
    for exponent in [&[1u8][..], &[4], &[2, 0, 0, 0, 1]] {
        assert_unsupported(
            verify(&rsa_spki(modulus, exponent), &alg, &tbs, sig),
            "public exponent",
        );
    }
    let mut even = modulus.to_vec();
    if let Some(low) = even.last_mut() {
        *low &= 0xfe;
    }
    assert_unsupported(
        verify(&rsa_spki(&even, &[1, 0, 1]), &alg, &tbs, sig),
        "even",
    );
    let huge = [&[0x80u8][..], &[0u8; 1024], &[1]].concat();
    assert_unsupported(
        verify(&rsa_spki(&huge, &[1, 0, 1]), &alg, &tbs, sig),
        "RSA-8208: pkiaudit checks RSA keys of up to 8192 bits",
    );

    // DSA domain parameters of sizes FIPS 186-4 §4.2 does not list.
    let dsa = fixture!("dsa1024-sha1");
    let (tbs, alg, sig) = split(&dsa.leaf);
    let sig = BitStringRef::from_der(&sig).expect("bit string");
    let sig = sig.as_bytes().expect("octets");
    let dsa_spki = |p_len: usize, q_len: usize| {
        let int = |len: usize| der_tlv(0x02, &[&[0u8, 0x80][..], &vec![0u8; len - 1]].concat());
        let params = der_tlv(
            0x30,
            &[int(p_len), int(q_len), der_tlv(0x02, &[2])].concat(),
        );
        let alg = der_tlv(0x30, &[der_tlv(0x06, DSA.as_bytes()), params].concat());
        der_tlv(0x30, &[alg, der_tlv(0x03, &[0, 0x02, 0x01, 0x05])].concat())
    };
    assert_unsupported(
        verify(&dsa_spki(64, 20), &alg, &tbs, sig),
        "DSA-512: too weak",
    );
    assert_unsupported(
        verify(&dsa_spki(128, 24), &alg, &tbs, sig),
        "a 1024-bit p and a 192-bit q",
    );
}

#[test]
#[ignore = "needs openssl"]
fn make_sh_makes_fixtures_with_the_same_outcomes() {
    // The stored sets and a fresh run of make.sh (new keys) agree on
    // every outcome: the outcomes depend on the algorithms only.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/signatures");
    let fresh = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new("sh")
        .arg(root.join("make.sh"))
        .arg(fresh.path())
        .status()
        .expect("run make.sh");
    assert!(status.success(), "make.sh failed");
    let mut compared = 0;
    for entry in std::fs::read_dir(&root).expect("fixture dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "pem") {
            continue;
        }
        let name = path.file_name().expect("name");
        let stored = Pair::from_pem(&std::fs::read_to_string(&path).expect("stored"));
        let made = std::fs::read_to_string(fresh.path().join(name)).expect("made");
        let made = Pair::from_pem(&made);
        assert_ne!(made.leaf, stored.leaf, "{name:?} was made anew");
        assert_eq!(made.leaf_outcome(), stored.leaf_outcome(), "{name:?}");
        compared += 1;
    }
    assert_eq!(compared, 34);
}
