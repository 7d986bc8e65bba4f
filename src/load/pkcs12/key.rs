//! Does a private key belong to a certificate? The public key is derived
//! from the private one and compared with the certificate's
//! SubjectPublicKeyInfo: RSA by modulus and exponent, EC (P-256, P-384,
//! P-521) by the point computed from the private scalar, Ed25519 by the
//! public key computed from the seed. Nothing of the key leaves this module
//! but the answer.

use crate::oids;

/// Whether the PKCS#8 `PrivateKeyInfo` in `key_der` is the private half of
/// the public key of the certificate `cert_der`: `Some(true)` or
/// `Some(false)`, `None` when it cannot be told (an algorithm this does not
/// derive, or a value that does not parse).
pub(crate) fn matches_certificate(key_der: &[u8], cert_der: &[u8]) -> Option<bool> {
    use pkcs8::der::Decode;
    let info = pkcs8::PrivateKeyInfo::from_der(key_der).ok()?;
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    let spki = &cert.tbs_certificate.subject_pki;
    let cert_alg = spki.algorithm.algorithm.to_id_string();
    let cert_key: &[u8] = &spki.subject_public_key.data;
    let key_alg = info.algorithm.oid.to_string();
    let rsa = |a: &str| a == oids::KEY_RSA || a == oids::KEY_RSA_PSS;
    if rsa(&key_alg) {
        if !rsa(&cert_alg) {
            return Some(false);
        }
        let private = pkcs1::RsaPrivateKey::try_from(info.private_key).ok()?;
        let public = pkcs1::RsaPublicKey::try_from(cert_key).ok()?;
        return Some(
            private.modulus.as_bytes() == public.modulus.as_bytes()
                && private.public_exponent.as_bytes() == public.public_exponent.as_bytes(),
        );
    }
    if key_alg != cert_alg {
        return Some(false);
    }
    match key_alg.as_str() {
        oids::KEY_EC => {
            let ec = sec1::EcPrivateKey::try_from(info.private_key).ok()?;
            let key_curve = info
                .algorithm
                .parameters_oid()
                .ok()
                .or_else(|| ec.parameters.and_then(|p| p.named_curve()))
                .map(|o| o.to_string());
            let cert_curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            if key_curve.is_some() && cert_curve.is_some() && key_curve != cert_curve {
                return Some(false);
            }
            ec_matches(cert_curve.or(key_curve)?.as_str(), &ec, cert_key)
        }
        oids::KEY_ED25519 => {
            // CurvePrivateKey ::= OCTET STRING (RFC 8410 §7): 04 20 || seed.
            let seed = match info.private_key {
                [0x04, 0x20, seed @ ..] if seed.len() == 32 => seed,
                _ => return None,
            };
            let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed).ok()?;
            use ring::signature::KeyPair;
            Some(pair.public_key().as_ref() == cert_key)
        }
        _ => None,
    }
}

/// The EC point derived from the private scalar, compared as a point (the
/// certificate may hold it compressed).
fn ec_matches(curve: &str, key: &sec1::EcPrivateKey<'_>, cert_point: &[u8]) -> Option<bool> {
    macro_rules! derive {
        ($c:ident) => {{
            let secret = $c::SecretKey::from_slice(key.private_key).ok()?;
            let public = $c::PublicKey::from_sec1_bytes(cert_point).ok()?;
            Some(secret.public_key() == public)
        }};
    }
    match curve {
        "1.2.840.10045.3.1.7" => derive!(p256),
        "1.3.132.0.34" => derive!(p384),
        "1.3.132.0.35" => derive!(p521),
        // Other curves: the public key the key file carries, if any, as
        // written (OpenSSL always writes it, uncompressed).
        _ => key.public_key.map(|p| p == cert_point),
    }
}
