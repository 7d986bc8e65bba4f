//! Each kind of non-certificate object, PEM and DER, made with rcgen (and
//! by hand where rcgen has no writer: encrypted PKCS#8, OpenSSH, PuTTY).

use super::*;
use crate::load::{load_bytes, LoadedInput, ProblemLevel};
use crate::testkit::{pem_block, CertSpec, Issued};

const RSA_KEY: &str = include_str!("../../../fixtures/keys/rsa-2048-leaf.pem");

fn only_object(input: &LoadedInput) -> &FoundObject {
    assert!(input.certs.is_empty(), "{:?}", input.problems);
    assert!(!input.has_errors(), "{:?}", input.problems);
    assert_eq!(input.objects.len(), 1, "{:?}", input.problems);
    &input.objects[0]
}

/// The body lines of a PEM text: none may reach a message.
fn assert_no_body_in_messages(input: &LoadedInput, secret: &str) {
    for line in secret
        .lines()
        .filter(|l| l.len() > 16 && !l.contains("-----"))
    {
        for p in &input.problems {
            assert!(!p.message.contains(line), "key material in: {}", p.message);
        }
    }
}

/// The PKCS#8 `privateKey` OCTET STRING: the PKCS#1 or SEC 1 key inside.
fn inner_key(pkcs8_der: &[u8]) -> Vec<u8> {
    use pkcs8::der::Decode;
    pkcs8::PrivateKeyInfo::from_der(pkcs8_der)
        .expect("PKCS#8")
        .private_key
        .to_vec()
}

fn rsa_pkcs8_der() -> Vec<u8> {
    pem::parse(RSA_KEY).expect("fixture key").into_contents()
}

#[test]
fn pkcs8_keys_pem_and_der() {
    let key = rcgen::KeyPair::generate().expect("key");
    let pem = key.serialize_pem();
    let input = load_bytes("server.key", pem.as_bytes());
    let o = only_object(&input);
    assert_eq!(
        o.kind,
        ObjectKind::PrivateKey {
            format: KeyFormat::Pkcs8,
            encrypted: false,
            algorithm: Some("EC P-256".into()),
        }
    );
    assert_eq!(o.line, Some(1));
    assert_eq!(o.encoding, "pem");
    assert_eq!(input.kind(), "private-key");
    assert_eq!(input.problems.len(), 1);
    assert_eq!(input.problems[0].level, ProblemLevel::Warning);
    assert!(
        input.problems[0]
            .message
            .contains("a private key (PKCS#8, EC P-256, not encrypted), not a certificate"),
        "{}",
        input.problems[0].message
    );
    assert_no_body_in_messages(&input, &pem);

    let input = load_bytes("server.der", &key.serialize_der());
    let o = only_object(&input);
    assert_eq!(o.encoding, "der");
    assert_eq!(o.encrypted(), Some(false));
    assert_eq!(input.kind(), "private-key");

    let input = load_bytes("rsa.key", RSA_KEY.as_bytes());
    assert!(only_object(&input).describe().contains("RSA 2048 bits"));
    assert_no_body_in_messages(&input, RSA_KEY);

    let ed = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("key");
    let input = load_bytes("ed.key", &ed.serialize_der());
    assert!(only_object(&input).describe().contains("Ed25519"));
}

#[test]
fn pkcs1_and_sec1_keys_pem_and_der() {
    let rsa = inner_key(&rsa_pkcs8_der());
    let ec = inner_key(&rcgen::KeyPair::generate().expect("key").serialize_der());
    for (label, der, format, algorithm) in [
        ("RSA PRIVATE KEY", &rsa, KeyFormat::Pkcs1, "RSA 2048 bits"),
        ("EC PRIVATE KEY", &ec, KeyFormat::Sec1, "EC"),
    ] {
        let want = ObjectKind::PrivateKey {
            format,
            encrypted: false,
            algorithm: Some(algorithm.into()),
        };
        let text = pem_block(label, der);
        let input = load_bytes("k.pem", text.as_bytes());
        assert_eq!(only_object(&input).kind, want, "{label}");
        assert_no_body_in_messages(&input, &text);
        let input = load_bytes("k.der", der);
        assert_eq!(only_object(&input).kind, want, "{label} as DER");
    }
}

#[test]
fn encrypted_keys_are_told_apart() {
    // EncryptedPrivateKeyInfo: PBES2 parameters and ciphertext (rcgen writes
    // none; the structure is what counts here).
    let encrypted = yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_sequence(|w| {
                w.next()
                    .write_oid(&yasna::models::ObjectIdentifier::from_slice(&[
                        1, 2, 840, 113549, 1, 5, 13,
                    ]));
                w.next().write_sequence(|_| {});
            });
            w.next().write_bytes(&[0x5a; 48]);
        })
    });
    let want = ObjectKind::PrivateKey {
        format: KeyFormat::Pkcs8,
        encrypted: true,
        algorithm: None,
    };
    let input = load_bytes("k.der", &encrypted);
    assert_eq!(only_object(&input).kind, want);
    let text = pem_block("ENCRYPTED PRIVATE KEY", &encrypted);
    let input = load_bytes("k.pem", text.as_bytes());
    assert_eq!(only_object(&input).kind, want);
    assert!(only_object(&input).describe().contains("PKCS#8, encrypted"));

    // OpenSSL's traditional encryption: a Proc-Type header.
    let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n\
                q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJCrze8SNFZ4kA==\n\
                -----END RSA PRIVATE KEY-----\n";
    let input = load_bytes("old.key", text.as_bytes());
    assert_eq!(
        only_object(&input).kind,
        ObjectKind::PrivateKey {
            format: KeyFormat::Pkcs1,
            encrypted: true,
            algorithm: Some("RSA".into()),
        }
    );
}

fn ssh_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&u32::try_from(s.len()).expect("short").to_be_bytes());
    out.extend_from_slice(s);
}

fn openssh_key(cipher: &str) -> String {
    let mut public = Vec::new();
    ssh_string(&mut public, b"ssh-ed25519");
    ssh_string(&mut public, &[7; 32]);
    let mut b = b"openssh-key-v1\0".to_vec();
    ssh_string(&mut b, cipher.as_bytes());
    ssh_string(&mut b, if cipher == "none" { b"none" } else { b"bcrypt" });
    ssh_string(&mut b, b"");
    b.extend_from_slice(&1u32.to_be_bytes());
    ssh_string(&mut b, &public);
    ssh_string(&mut b, &[9; 64]);
    pem_block("OPENSSH PRIVATE KEY", &b)
}

#[test]
fn openssh_and_putty_keys() {
    for (cipher, encrypted) in [("none", false), ("aes256-ctr", true)] {
        let text = openssh_key(cipher);
        let input = load_bytes("id_ed25519", text.as_bytes());
        assert_eq!(
            only_object(&input).kind,
            ObjectKind::PrivateKey {
                format: KeyFormat::Openssh,
                encrypted,
                algorithm: Some("Ed25519".into()),
            }
        );
        assert_no_body_in_messages(&input, &text);
    }
    let ppk = "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: aes256-cbc\nComment: x\n\
               Public-Lines: 1\nAAAAB3NzaC1yc2E=\n";
    let input = load_bytes("me.ppk", ppk.as_bytes());
    assert_eq!(
        only_object(&input).kind,
        ObjectKind::PrivateKey {
            format: KeyFormat::Putty,
            encrypted: true,
            algorithm: Some("RSA".into()),
        }
    );
}

fn csr() -> rcgen::CertificateSigningRequest {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params =
        rcgen::CertificateParams::new(vec!["vpn.example.com".to_string()]).expect("params");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "vpn.example.com");
    params.serialize_request(&key).expect("CSR")
}

#[test]
fn csrs_pem_der_and_base64() {
    let csr = csr();
    let want = ObjectKind::Csr {
        subject: Some("CN=vpn.example.com".into()),
        algorithm: Some("EC P-256 (256 bits)".into()),
    };
    let pem = csr.pem().expect("pem");
    for (name, bytes) in [
        ("req.csr", pem.as_bytes().to_vec()),
        ("req.der", csr.der().to_vec()),
        (
            "req.pem",
            pem.replace("NEW CERTIFICATE", "CERTIFICATE").into_bytes(),
        ),
    ] {
        let input = load_bytes(name, &bytes);
        let o = only_object(&input);
        assert_eq!(o.kind, want, "{name}");
        assert_eq!(input.kind(), "csr");
        assert_eq!(input.problems[0].level, ProblemLevel::Note);
        assert!(
            input.problems[0]
                .message
                .contains("a certificate signing request (PKCS#10, EC P-256 (256 bits)) for CN=vpn.example.com"),
            "{}",
            input.problems[0].message
        );
    }
    // bare base64 of the DER, as pasted out of a web form
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(csr.der());
    let input = load_bytes("paste", b64.as_bytes());
    assert_eq!(only_object(&input).encoding, "base64");
    // a CSR under a CERTIFICATE label is named, not a parse error
    let input = load_bytes(
        "renamed.crt",
        pem_block("CERTIFICATE", csr.der()).as_bytes(),
    );
    assert_eq!(only_object(&input).kind, want);
    assert!(input.problems[0].message.contains("mislabelled"));
}

#[test]
fn crls_pem_and_der() {
    let ca = Issued::root("Objects CA");
    let issuer = rcgen::Issuer::from_params(&ca.params, &ca.key);
    let params = rcgen::CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(2026, 1, 1),
        next_update: rcgen::date_time_ymd(2026, 2, 1),
        crl_number: rcgen::SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: vec![rcgen::RevokedCertParams {
            serial_number: rcgen::SerialNumber::from(5u64),
            revocation_time: rcgen::date_time_ymd(2026, 1, 1),
            reason_code: None,
            invalidity_date: None,
        }],
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    let crl = params.signed_by(&issuer).expect("CRL");
    for (name, bytes) in [
        ("ca.crl", crl.pem().expect("pem").into_bytes()),
        ("ca.der", crl.der().to_vec()),
    ] {
        let input = load_bytes(name, &bytes);
        let o = only_object(&input);
        assert_eq!(
            o.kind,
            ObjectKind::Crl {
                issuer: Some("O=Example VPN, CN=Objects CA".into()),
                revoked: Some(1),
            },
            "{name}"
        );
        assert_eq!(input.kind(), "crl");
        assert!(
            input.problems[0]
                .message
                .contains("a CRL of O=Example VPN, CN=Objects CA (1 revoked certificate)"),
            "{}",
            input.problems[0].message
        );
    }
}

#[test]
fn bare_public_keys() {
    let key = rcgen::KeyPair::generate().expect("key");
    for (name, bytes) in [
        ("pub.pem", key.public_key_pem().into_bytes()),
        (
            "pub.der",
            rcgen::PublicKeyData::subject_public_key_info(&key),
        ),
    ] {
        let input = load_bytes(name, &bytes);
        assert_eq!(
            only_object(&input).kind,
            ObjectKind::PublicKey {
                algorithm: Some("EC P-256 (256 bits)".into()),
            },
            "{name}"
        );
        assert_eq!(input.kind(), "public-key");
    }
}

#[test]
fn text_without_certificates_is_text_unless_named_as_a_certificate() {
    let readme = "Certificates for the Frankfurt hub.\nRenew with the AD CS template 'IPsec'.\n";
    let input = load_bytes("certs/README", readme.as_bytes());
    assert_eq!(only_object(&input).kind, ObjectKind::Text { lines: 2 });
    assert_eq!(input.kind(), "text");
    assert_eq!(input.problems[0].level, ProblemLevel::Note);
    // OpenSSL's `serial` file starts with a digit, maybe `0` (an ASN.1
    // SEQUENCE tag): still text
    let input = load_bytes("ca/serial", b"0A\n");
    assert_eq!(input.kind(), "text", "{:?}", input.problems);
    assert!(!input.has_errors());
    // Latin-1 text with an accent
    let input = load_bytes(
        "notes.txt",
        b"Zertifikate f\xfcr den Hub, erneuert im M\xe4rz\n",
    );
    assert_eq!(input.kind(), "text", "{:?}", input.problems);

    // a name that promises a certificate: an error, as before
    for name in ["x.pem", "x.CER", "x.crt", "x.der", "x.p7b", "x.p7c", "-"] {
        let input = load_bytes(name, readme.as_bytes());
        assert!(input.has_errors(), "{name}");
        assert_eq!(input.kind(), "unreadable", "{name}");
    }
    // binary garbage, whatever the name
    let garbage: Vec<u8> = (0..512u32).map(|i| (i * 7919 % 251) as u8).collect();
    let input = load_bytes("blob.bin", &garbage);
    assert!(input.has_errors());
    assert_eq!(input.kind(), "unreadable");
}

#[test]
fn empty_files_are_errors_only_where_a_certificate_was_promised() {
    let input = load_bytes("index.txt", b"");
    assert!(!input.has_errors(), "{:?}", input.problems);
    assert_eq!(input.kind(), "empty");
    let input = load_bytes("empty.pem", b"\n");
    assert!(input.has_errors());
    assert_eq!(input.kind(), "empty");
}

#[test]
fn a_key_beside_a_certificate_is_recorded_and_the_certificate_read() {
    let leaf = Issued::root("Objects root").issue(CertSpec::leaf("hub1"));
    let text = format!("{}\n{}", leaf.pem(), leaf.key.serialize_pem());
    let input = load_bytes("hub1.pem", text.as_bytes());
    assert_eq!(input.certs.len(), 1);
    assert!(!input.has_errors());
    assert_eq!(input.kind(), "certificates");
    let keys: Vec<&FoundObject> = input.private_keys().collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].line, Some(leaf.pem().lines().count() + 2));
    assert_eq!(keys[0].encrypted(), Some(false));
}

#[test]
fn other_pem_blocks() {
    let text = pem_block("EC PARAMETERS", &[0x06, 0x03, 0x2b, 0x65, 0x70]);
    let input = load_bytes("params.txt", text.as_bytes());
    assert_eq!(
        only_object(&input).kind,
        ObjectKind::Other {
            label: "EC PARAMETERS".into()
        }
    );
    assert_eq!(input.kind(), "other");
    // ... but in a `.pem`, nothing pkiaudit reads: an error naming them
    let input = load_bytes("params.pem", text.as_bytes());
    assert!(input.has_errors());
    assert!(input.problems.iter().any(|p| p
        .message
        .contains("no certificate found; this input holds only")));
}

#[test]
fn objects_serialise_with_their_kind_and_read_back() {
    let o = FoundObject {
        kind: ObjectKind::PrivateKey {
            format: KeyFormat::Pkcs8,
            encrypted: true,
            algorithm: None,
        },
        line: Some(3),
        encoding: "pem".into(),
        key_match: None,
    };
    let json = serde_json::to_value(&o).expect("json");
    assert_eq!(
        json,
        serde_json::json!({"kind": "private-key", "format": "pkcs8", "encrypted": true, "line": 3, "encoding": "pem"})
    );
    let back: FoundObject = serde_json::from_value(json).expect("reads back");
    assert_eq!(back, o);
}
