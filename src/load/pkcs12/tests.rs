//! PFX structures built by hand (BER and DER), for what OpenSSL does not
//! write: indefinite lengths, no MAC, nesting, hostile iteration counts.
//! Files OpenSSL writes are tested end to end in tests/it/pkcs12.rs.

use super::*;
use crate::load::{load_bytes, load_bytes_with, ObjectKind};
use crate::testkit::{CertSpec, Issued, Key};

/// A TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A constructed TLV with an indefinite length (BER).
fn indefinite(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, 0x80];
    out.extend_from_slice(content);
    out.extend([0, 0]);
    out
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        groups.reverse();
        body.extend(groups);
    }
    tlv(0x06, &body)
}

fn int(n: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn octets(data: &[u8]) -> Vec<u8> {
    tlv(0x04, data)
}

fn explicit0(inner: &[u8]) -> Vec<u8> {
    tlv(0xa0, inner)
}

fn cert_bag(der: &[u8], name: Option<&str>) -> Vec<u8> {
    let value = seq(&[oid(X509_CERTIFICATE), explicit0(&octets(der))]);
    let mut parts = vec![oid(CERT_BAG), explicit0(&value)];
    if let Some(name) = name {
        let bmp: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let attr = seq(&[oid("1.2.840.113549.1.9.20"), tlv(0x31, &tlv(0x1e, &bmp))]);
        parts.push(tlv(0x31, &attr));
    }
    seq(&parts)
}

/// A PFX without MAC whose one `data` part holds `bags`.
fn pfx(bags: &[Vec<u8>], mac: Option<Vec<u8>>) -> Vec<u8> {
    let safe_contents = seq(bags);
    let auth_safe = seq(&[seq(&[oid(DATA), explicit0(&octets(&safe_contents))])]);
    let mut parts = vec![int(3), seq(&[oid(DATA), explicit0(&octets(&auth_safe))])];
    parts.extend(mac);
    seq(&parts)
}

fn leaf() -> Issued {
    Issued::root("P12 Root").issue(CertSpec::leaf("alice"))
}

fn messages(input: &LoadedInput) -> String {
    input
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_pfx_without_mac_is_read_and_said_to_be_unprotected() {
    let cert = leaf();
    let input = load_bytes(
        "plain.p12",
        &pfx(&[cert_bag(&cert.der(), Some("Alice"))], None),
    );
    assert_eq!(input.format, Some("pkcs12"));
    assert_eq!(input.certs.len(), 1, "{}", messages(&input));
    let bag = input.certs[0].provenance.pkcs12.as_ref().unwrap();
    assert_eq!(bag.friendly_name.as_deref(), Some("Alice"));
    assert!(messages(&input).contains("has no MAC"));
    assert!(!input.has_errors());
}

#[test]
fn ber_indefinite_lengths_and_chunked_octet_strings_are_read() {
    // As Java and BouncyCastle write: every constructed value indefinite,
    // the OCTET STRINGs split into chunks.
    let cert = leaf().der();
    let bag_value = indefinite(
        0x30,
        &[oid(X509_CERTIFICATE), indefinite(0xa0, &octets(&cert))].concat(),
    );
    let bag = indefinite(
        0x30,
        &[oid(CERT_BAG), indefinite(0xa0, &bag_value)].concat(),
    );
    let safe_contents = indefinite(0x30, &bag);
    let (a, b) = safe_contents.split_at(safe_contents.len() / 2);
    let chunked = indefinite(0x24, &[octets(a), octets(b)].concat());
    let auth_safe = indefinite(
        0x30,
        &indefinite(0x30, &[oid(DATA), indefinite(0xa0, &chunked)].concat()),
    );
    let (a, b) = auth_safe.split_at(7);
    let chunked = indefinite(0x24, &[octets(a), octets(b)].concat());
    let file = indefinite(
        0x30,
        &[
            int(3),
            indefinite(0x30, &[oid(DATA), indefinite(0xa0, &chunked)].concat()),
        ]
        .concat(),
    );
    let input = load_bytes("ber.pfx", &file);
    assert_eq!(input.certs.len(), 1, "{}", messages(&input));
    assert_eq!(input.certs[0].cert.der, cert);
}

#[test]
fn nested_safe_contents_are_read_and_bounded() {
    let cert = leaf().der();
    let mut bag = cert_bag(&cert, None);
    for _ in 0..3 {
        bag = seq(&[oid(SAFE_CONTENTS_BAG), explicit0(&seq(&[bag]))]);
    }
    let input = load_bytes("nested.p12", &pfx(&[bag.clone()], None));
    assert_eq!(input.certs.len(), 1, "{}", messages(&input));
    for _ in 0..20 {
        bag = seq(&[oid(SAFE_CONTENTS_BAG), explicit0(&seq(&[bag]))]);
    }
    let input = load_bytes("deep.p12", &pfx(&[bag], None));
    assert!(input.certs.is_empty());
    assert!(
        messages(&input).contains("nested too deeply"),
        "{}",
        messages(&input)
    );
}

#[test]
fn huge_iteration_counts_are_refused_before_any_work() {
    let cert = leaf().der();
    let mac = seq(&[
        seq(&[
            seq(&[oid("2.16.840.1.101.3.4.2.1"), tlv(0x05, &[])]),
            octets(&[0; 32]),
        ]),
        octets(&[1; 8]),
        int(4_000_000_000),
    ]);
    let started = std::time::Instant::now();
    let input = load_bytes("slow.p12", &pfx(&[cert_bag(&cert, None)], Some(mac)));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(input.certs.is_empty());
    let said = messages(&input);
    assert!(
        said.contains("4000000000 iterations is more than the 10000000"),
        "{said}"
    );

    // The same in a PBES2 key bag of a file without MAC.
    let pbes2 = seq(&[
        oid("1.2.840.113549.1.5.13"),
        seq(&[
            seq(&[
                oid("1.2.840.113549.1.5.12"),
                seq(&[octets(&[2; 8]), int(1 << 40)]),
            ]),
            seq(&[oid("2.16.840.1.101.3.4.1.42"), octets(&[0; 16])]),
        ]),
    ]);
    let key_bag = seq(&[
        oid(SHROUDED_KEY_BAG),
        explicit0(&seq(&[pbes2, octets(&[0; 32])])),
    ]);
    let input = load_bytes(
        "slow-key.p12",
        &pfx(&[cert_bag(&cert, None), key_bag], None),
    );
    let said = messages(&input);
    assert!(
        said.contains("1099511627776 iterations is more than"),
        "{said}"
    );
}

#[test]
fn garbage_and_truncation_are_errors_not_panics() {
    let cert = leaf().der();
    let good = pfx(&[cert_bag(&cert, None)], None);
    for cut in [4, 10, 20, good.len() / 2, good.len() - 1] {
        let input = load_bytes("cut.p12", &good[..cut]);
        assert!(input.has_errors(), "cut at {cut}");
    }
    // Every single-byte change of the structure: no panic.
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0xff;
        let _ = load_bytes("flipped.p12", &bad);
    }
    // A certificate bag whose certificate is junk.
    let input = load_bytes(
        "junk.p12",
        &pfx(&[cert_bag(&[0x30, 0x03, 1, 2, 3], None)], None),
    );
    assert!(
        messages(&input).contains("certificate bag 1"),
        "{}",
        messages(&input)
    );
}

#[test]
fn a_key_and_certificate_match_by_public_key() {
    for key in [Key::P256, Key::P384, Key::Ed25519, Key::Rsa] {
        let root = Issued::root("Root");
        let alice = root.issue(CertSpec::leaf("alice").key(key));
        let other = root.issue(CertSpec::leaf("other").key(key));
        let der = alice.key.serialize_der();
        assert_eq!(
            matches_certificate(&der, &alice.der()),
            Some(true),
            "{key:?} own"
        );
        if key != Key::Rsa {
            // The fixed RSA test key is the same for every Key::Rsa leaf.
            assert_eq!(
                matches_certificate(&der, &other.der()),
                Some(false),
                "{key:?} other"
            );
        }
        assert_eq!(
            matches_certificate(&der, &root.der()),
            Some(false),
            "{key:?} against the P-256 root"
        );
    }
    assert_eq!(matches_certificate(b"junk", &leaf().der()), None);
}

#[test]
fn a_key_bag_is_named_and_matched_never_kept() {
    let alice = leaf();
    let key_der = alice.key.serialize_der();
    let key_bag = seq(&[oid(KEY_BAG), explicit0(&key_der)]);
    let input = load_bytes(
        "alice.p12",
        &pfx(&[cert_bag(&alice.der(), None), key_bag], None),
    );
    let key = input.private_keys().next().expect("key recorded");
    assert!(matches!(
        key.kind,
        ObjectKind::PrivateKey {
            format: KeyFormat::Pkcs12,
            encrypted: false,
            ..
        }
    ));
    assert_eq!(key.key_match.as_ref().and_then(|m| m.matches), Some(true));
    assert!(input.certs[0].provenance.pkcs12.as_ref().unwrap().holds_key);
    // Nothing of the key's bytes is in what is reported.
    let json = serde_json::to_string(&input.objects).unwrap() + &messages(&input);
    let secret_hex = crate::model::hex_lower(&key_der[key_der.len() - 16..]);
    assert!(!json.contains(&secret_hex));
}

/// A PFX of one certificate bag with an HMAC-SHA-256 MAC under `password`.
fn with_mac(cert: &[u8], password: &Candidate) -> Vec<u8> {
    let mac_key = crypto::pkcs12_kdf(&ring::digest::SHA256, &password.bmp, &[1; 8], 3, 1, 32);
    let safe_contents = seq(&[cert_bag(cert, None)]);
    let auth_safe = seq(&[seq(&[oid(DATA), explicit0(&octets(&safe_contents))])]);
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &mac_key),
        &auth_safe,
    );
    let mac = seq(&[
        seq(&[
            seq(&[oid("2.16.840.1.101.3.4.2.1"), tlv(0x05, &[])]),
            octets(tag.as_ref()),
        ]),
        octets(&[1; 8]),
        int(1),
    ]);
    seq(&[
        int(3),
        seq(&[oid(DATA), explicit0(&octets(&auth_safe))]),
        mac,
    ])
}

#[test]
fn both_encodings_of_no_password_open_a_file() {
    let cert = leaf().der();
    for (what, password) in [
        ("empty", Candidate::new("")),
        ("absent", Candidate::absent()),
    ] {
        let input = load_bytes("nopass.p12", &with_mac(&cert, &password));
        assert_eq!(input.certs.len(), 1, "{what}: {}", messages(&input));
        assert!(messages(&input).contains("verified"), "{what}");
    }
}

#[test]
fn the_prompt_is_asked_only_when_nothing_else_opens_the_file() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static ASKED: AtomicUsize = AtomicUsize::new(0);
    let opts = LoadOptions {
        password_prompt: Some(PasswordPrompt::new(|_| {
            ASKED.fetch_add(1, Ordering::SeqCst);
            None
        })),
        ..LoadOptions::default()
    };
    let cert = leaf().der();
    // A MAC under another password: the empty ones fail, the prompt is asked.
    let mac_key = crypto::pkcs12_kdf(
        &ring::digest::SHA256,
        &Candidate::new("secret").bmp,
        &[1; 8],
        3,
        1,
        32,
    );
    let safe_contents = seq(&[cert_bag(&cert, None)]);
    let auth_safe = seq(&[seq(&[oid(DATA), explicit0(&octets(&safe_contents))])]);
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &mac_key),
        &auth_safe,
    );
    let mac = seq(&[
        seq(&[
            seq(&[oid("2.16.840.1.101.3.4.2.1"), tlv(0x05, &[])]),
            octets(tag.as_ref()),
        ]),
        octets(&[1; 8]),
        int(1),
    ]);
    let file = seq(&[
        int(3),
        seq(&[oid(DATA), explicit0(&octets(&auth_safe))]),
        mac,
    ]);
    let input = load_bytes_with("asks.p12", &file, &opts);
    assert_eq!(ASKED.load(Ordering::SeqCst), 1);
    assert!(messages(&input).contains("nothing in it is encrypted") || input.has_errors());
    // With the password given, the MAC verifies and nobody is asked.
    let given = LoadOptions {
        password: Some(Password::new("secret".into(), "the test's")),
        ..opts.clone()
    };
    let input = load_bytes_with("asks.p12", &file, &given);
    assert_eq!(input.certs.len(), 1, "{}", messages(&input));
    assert_eq!(ASKED.load(Ordering::SeqCst), 1);
}

#[test]
fn other_der_is_not_taken_for_a_pfx() {
    let cert = leaf();
    assert!(!looks_like_pfx(&cert.der()));
    assert!(!looks_like_pfx(&cert.key.serialize_der()));
    assert!(!looks_like_pfx(&crate::testkit::p7b(&[cert.der()])));
    assert!(!looks_like_pfx(b"0\x03\x02\x01\x03"));
}
