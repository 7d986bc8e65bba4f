use super::*;

#[test]
fn certreq_parsing() {
    let a = "aa".repeat(20);
    let b = "0B".repeat(20);
    assert_eq!(
        parse_certreq(&format!("{a},{b}")).unwrap(),
        vec![a.clone(), b.to_lowercase()]
    );
    assert_eq!(parse_certreq(&format!("{a}{b}")).unwrap().len(), 2);
    let colons = a
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(parse_certreq(&colons).unwrap(), vec![a.clone()]);
    assert!(parse_certreq("abc").is_err());
    assert!(parse_certreq(&"zz".repeat(20)).is_err());
}

mod webpki_text {
    use super::super::webpki::{run_webpki, webpki_words};
    use super::super::{Node, Origin};
    use crate::audit::path::signature::memo::{SigMemo, SigScope};
    use crate::load::load_bytes;
    use crate::testkit::{CertSpec, Issued};
    use rustls_pki_types::{CertificateDer, UnixTime};
    use webpki::{
        Error as E, InvalidNameContext, KeyUsage, RequiredEkuNotFoundContext,
        UnsupportedSignatureAlgorithmContext, UnsupportedSignatureAlgorithmForPublicKeyContext,
    };

    /// What a user must never read: Rust Debug of webpki's values.
    fn assert_words(text: &str) {
        for bad in [
            "{",
            "}",
            "Context",
            "Some(",
            "KeyPurposeId(",
            "0x",
            "[",
            "Der",
        ] {
            assert!(!text.contains(bad), "{bad:?} in {text:?}");
        }
        assert!(!text.is_empty());
    }

    /// AlgorithmIdentifier contents: OID, then parameters.
    const SHA1_RSA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
    ];
    const RSA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    const EC_P521: &[u8] = &[
        0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
        0x23,
    ];
    const ECDSA_SHA512: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];

    #[test]
    fn context_variants_are_words() {
        let unsupported =
            E::UnsupportedSignatureAlgorithmContext(UnsupportedSignatureAlgorithmContext {
                signature_algorithm_id: SHA1_RSA.to_vec(),
                supported_algorithms: vec![],
            });
        let text = webpki_words(&unsupported);
        assert_words(&text);
        assert!(
            text.contains("sha1WithRSAEncryption (1.2.840.113549.1.1.5)"),
            "{text}"
        );

        let for_key = E::UnsupportedSignatureAlgorithmForPublicKeyContext(
            UnsupportedSignatureAlgorithmForPublicKeyContext {
                signature_algorithm_id: ECDSA_SHA512.to_vec(),
                public_key_algorithm_id: EC_P521.to_vec(),
            },
        );
        let text = webpki_words(&for_key);
        assert_words(&text);
        assert!(
            text.contains("ecdsa-with-SHA512") && text.contains("EC P-521 (1.2.840.10045.2.1)"),
            "{text}"
        );
        let rsa = E::UnsupportedSignatureAlgorithmForPublicKeyContext(
            UnsupportedSignatureAlgorithmForPublicKeyContext {
                signature_algorithm_id: ECDSA_SHA512.to_vec(),
                public_key_algorithm_id: RSA.to_vec(),
            },
        );
        assert!(webpki_words(&rsa).contains("key of type RSA (1.2.840.113549.1.1.1)"));

        let eku = E::RequiredEkuNotFoundContext(RequiredEkuNotFoundContext {
            required: KeyUsage::server_auth(),
            present: vec![vec![1, 3, 6, 1, 5, 5, 7, 3, 2]],
        });
        let text = webpki_words(&eku);
        assert_words(&text);
        assert!(
            text.contains("serverAuth (1.3.6.1.5.5.7.3.1)")
                && text.contains("clientAuth (1.3.6.1.5.5.7.3.2)"),
            "{text}"
        );

        let name = E::CertNotValidForName(InvalidNameContext {
            expected: rustls_pki_types::ServerName::try_from("vpn.example.com")
                .unwrap()
                .to_owned(),
            presented: vec!["vpn1.example.com".into()],
        });
        let text = webpki_words(&name);
        assert_words(&text);
        assert!(
            text.contains("vpn.example.com") && text.contains("vpn1.example.com"),
            "{text}"
        );
    }

    #[test]
    #[allow(deprecated)]
    fn every_variant_is_words() {
        let t = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_700_000_000));
        let all = [
            E::BadDer,
            E::BadDerTime,
            E::CaUsedAsEndEntity,
            E::CertDistrusted,
            E::CertExpired {
                time: t,
                not_after: t,
            },
            E::CertNotValidYet {
                time: t,
                not_before: t,
            },
            E::CertRevoked,
            E::CrlExpired {
                time: t,
                next_update: t,
            },
            E::EmptyEkuExtension,
            E::EndEntityUsedAsCa,
            E::ExtensionValueInvalid,
            E::InvalidCertValidity,
            E::InvalidCrlNumber,
            E::InvalidNetworkMaskConstraint,
            E::InvalidSerialNumber,
            E::InvalidCrlSignatureForPublicKey,
            E::InvalidSignatureForPublicKey,
            E::IssuerNotCrlSigner,
            E::MalformedDnsIdentifier,
            E::MalformedExtensions,
            E::MalformedNameConstraint,
            E::MaximumNameConstraintComparisonsExceeded,
            E::MaximumPathBuildCallsExceeded,
            E::MaximumPathDepthExceeded,
            E::MaximumSignatureChecksExceeded,
            E::NameConstraintViolation,
            E::PathLenConstraintViolated,
            E::RequiredEkuNotFound,
            E::RequiredEkuNotFoundContext(RequiredEkuNotFoundContext {
                required: KeyUsage::client_auth(),
                present: vec![],
            }),
            E::SignatureAlgorithmMismatch,
            E::TrailingData(webpki::DerTypeId::Certificate),
            E::UnknownIssuer,
            E::UnknownRevocationStatus,
            E::UnsupportedCertVersion,
            E::UnsupportedCriticalExtension,
            E::UnsupportedCrlIssuingDistributionPoint,
            E::UnsupportedCrlVersion,
            E::UnsupportedDeltaCrl,
            E::UnsupportedIndirectCrl,
            E::UnsupportedNameType,
            E::UnsupportedRevocationReason,
            E::UnsupportedRevocationReasonsPartitioning,
            E::UnsupportedCrlSignatureAlgorithm,
            E::UnsupportedCrlSignatureAlgorithmContext(UnsupportedSignatureAlgorithmContext {
                signature_algorithm_id: vec![0x06, 0x03, 0x2b, 0x65, 0x71],
                supported_algorithms: vec![],
            }),
            E::UnsupportedSignatureAlgorithm,
            E::UnsupportedCrlSignatureAlgorithmForPublicKey,
            E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(
                UnsupportedSignatureAlgorithmForPublicKeyContext {
                    signature_algorithm_id: vec![],
                    public_key_algorithm_id: vec![0x05, 0x00],
                },
            ),
            E::UnsupportedSignatureAlgorithmForPublicKey,
        ];
        for e in &all {
            let text = webpki_words(e);
            assert_words(&text);
            // Only a variant added after this list may take the fallback.
            assert!(!text.contains("reason not named"), "{e:?}: {text}");
        }
    }

    #[test]
    fn a_required_eku_from_webpki_itself_is_words() {
        // webpki's own error value for a client certificate checked for
        // serverAuth, as a caller that requires the purpose gets it.
        let root = Issued::root("EKU Root");
        let leaf = root.issue(
            CertSpec::leaf("client.example.com").eku(&[rcgen::ExtendedKeyUsagePurpose::ClientAuth]),
        );
        let (leaf_der, root_der) = (leaf.der(), root.der());
        let leaf_der = CertificateDer::from(leaf_der.as_slice());
        let root_der = CertificateDer::from(root_der.as_slice());
        let ee = webpki::EndEntityCert::try_from(&leaf_der).unwrap();
        let anchor = webpki::anchor_from_trusted_cert(&root_der).unwrap();
        let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_767_225_600));
        let err = ee
            .verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                &[anchor],
                &[],
                now,
                KeyUsage::server_auth(),
                None,
                None,
            )
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, E::RequiredEkuNotFoundContext(_)), "{err:?}");
        let text = webpki_words(&err);
        assert_words(&text);
        assert!(
            text.contains("serverAuth (1.3.6.1.5.5.7.3.1)")
                && text.contains("it lists only clientAuth (1.3.6.1.5.5.7.3.2)"),
            "{text}"
        );
    }

    /// A leaf signed by a CA whose algorithm webpki does not verify
    /// (fixtures/signatures: a leaf, then its self-signed CA).
    fn unsupported(fixture: &str) -> String {
        let path = format!(
            "{}/fixtures/signatures/{fixture}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let input = load_bytes(&path, &bytes);
        let (leaf, ca) = (&input.certs[0].cert, &input.certs[1].cert);
        let anchor = Node {
            cert: ca,
            origin: Origin::Anchor,
            source: "ca",
        };
        let at = leaf.not_before + chrono::Duration::days(1);
        let memo = SigMemo::new();
        let scope = SigScope::new(&memo, &leaf.der);
        let err = run_webpki(leaf, &[], &[anchor], at, &scope).unwrap_err();
        let text = webpki_words(&err);
        assert_words(&text);
        text
    }

    #[test]
    fn unsupported_algorithms_from_real_certificates_are_named() {
        let ed448 = unsupported("ed448.pem");
        assert!(ed448.contains("Ed448 (1.3.101.113)"), "{ed448}");
        let dsa = unsupported("dsa1024-sha1.pem");
        assert!(dsa.contains("dsa-with-sha1 (1.2.840.10040.4.3)"), "{dsa}");
        let p521 = unsupported("p521-sha256.pem");
        assert!(
            p521.contains("ecdsa-with-SHA256 (1.2.840.10045.4.3.2) from a key of type EC P-521"),
            "{p521}"
        );
        let pss = unsupported("rsa2048-pss-sha256-maxsalt.pem");
        assert!(pss.contains("RSASSA-PSS (1.2.840.113549.1.1.10)"), "{pss}");
        // ring refuses RSA keys under 1024 bits as a bad signature
        let rsa512 = unsupported("rsa512-sha256.pem");
        assert!(rsa512.contains("under 1024 bits"), "{rsa512}");
    }
}
