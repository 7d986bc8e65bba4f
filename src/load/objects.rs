//! What else certificate folders hold: private keys, CSRs, CRLs, bare
//! public keys and plain text. These are recognised by content (a PEM label,
//! or a DER structure that parses in full) and recorded as
//! [`FoundObject`]s, so an input holding one is reported by what it is
//! instead of as "no certificate found".
//!
//! Nothing of a key's secret is kept or printed: only its format, whether
//! it is encrypted, and its algorithm (and size, read from public values).

use serde::{Deserialize, Serialize};

use crate::oids;

/// How a private key is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyFormat {
    /// PKCS#1 `RSAPrivateKey` (`RSA PRIVATE KEY`).
    Pkcs1,
    /// PKCS#8 `PrivateKeyInfo` or `EncryptedPrivateKeyInfo` (`PRIVATE KEY`,
    /// `ENCRYPTED PRIVATE KEY`).
    Pkcs8,
    /// SEC 1 `ECPrivateKey` (`EC PRIVATE KEY`).
    Sec1,
    /// OpenSSL's traditional DSA key (`DSA PRIVATE KEY`).
    Dsa,
    /// OpenSSH's own format (`OPENSSH PRIVATE KEY`).
    Openssh,
    /// A PuTTY `.ppk` key file.
    Putty,
    /// A key bag of a PKCS#12 (`.pfx`, `.p12`) file.
    Pkcs12,
    /// Another `... PRIVATE KEY` PEM label.
    Other,
}

impl KeyFormat {
    /// The format in words, as messages say it.
    pub fn words(self) -> &'static str {
        match self {
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::Sec1 => "SEC 1",
            KeyFormat::Dsa => "OpenSSL DSA",
            KeyFormat::Openssh => "OpenSSH",
            KeyFormat::Putty => "PuTTY",
            KeyFormat::Pkcs12 => "PKCS#12",
            KeyFormat::Other => "unknown format",
        }
    }
}

/// What a non-certificate object is. In JSON the variant is the `kind`
/// field, its fields beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ObjectKind {
    /// A private key.
    PrivateKey {
        format: KeyFormat,
        /// True when the key is encrypted under a passphrase (encrypted
        /// PKCS#8, a `Proc-Type: 4,ENCRYPTED` header, an OpenSSH or PuTTY
        /// key with a cipher).
        encrypted: bool,
        /// `RSA 2048 bits`, `EC P-256`, `Ed25519`, ... when it can be told
        /// without decrypting.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        algorithm: Option<String>,
    },
    /// A PKCS#10 certificate signing request.
    Csr {
        /// The subject it asks for, when it parsed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        algorithm: Option<String>,
    },
    /// A certificate revocation list.
    Crl {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issuer: Option<String>,
        /// How many certificates it lists as revoked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revoked: Option<usize>,
    },
    /// A bare public key (SubjectPublicKeyInfo or PKCS#1 `RSAPublicKey`).
    PublicKey {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        algorithm: Option<String>,
    },
    /// Text without any certificate (a README, notes, an OpenSSL `serial`
    /// file).
    Text { lines: usize },
    /// A PEM block of another kind (`EC PARAMETERS`, `DH PARAMETERS`, ...).
    Other { label: String },
}

/// Something other than a certificate found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundObject {
    #[serde(flatten)]
    pub kind: ObjectKind,
    /// 1-based line of its PEM `BEGIN` line, for text inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// How it was stored: `pem`, `der`, `base64`, `text` or `pkcs12`.
    pub encoding: String,
    /// For a key that came with certificates (PKCS#12): the certificate it
    /// should belong to, and whether it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_match: Option<KeyMatch>,
}

/// Whether a private key belongs to the certificate it came with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyMatch {
    /// The certificate's subject.
    pub certificate: String,
    /// `true` when the key's public key is the certificate's, `false` when
    /// not, absent when it could not be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<bool>,
}

impl KeyMatch {
    /// The match in words, after "a private key (...)".
    pub fn words(&self) -> String {
        match self.matches {
            Some(true) => format!(" that matches the certificate {}", self.certificate),
            Some(false) => format!(
                " that does NOT match the certificate {} (its public key is another key's)",
                self.certificate
            ),
            None => format!(
                " (whether it matches the certificate {} could not be told)",
                self.certificate
            ),
        }
    }
}

impl FoundObject {
    pub fn is_private_key(&self) -> bool {
        matches!(self.kind, ObjectKind::PrivateKey { .. })
    }

    /// For a private key: whether it is encrypted.
    pub fn encrypted(&self) -> Option<bool> {
        match self.kind {
            ObjectKind::PrivateKey { encrypted, .. } => Some(encrypted),
            _ => None,
        }
    }

    /// The kind's name, as JSON says it (`private-key`, `csr`, `crl`,
    /// `public-key`, `text`, `other`).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ObjectKind::PrivateKey { .. } => "private-key",
            ObjectKind::Csr { .. } => "csr",
            ObjectKind::Crl { .. } => "crl",
            ObjectKind::PublicKey { .. } => "public-key",
            ObjectKind::Text { .. } => "text",
            ObjectKind::Other { .. } => "other",
        }
    }

    /// What it is, in words: `a private key (PKCS#8, RSA 2048 bits, not
    /// encrypted)`, `a certificate signing request (PKCS#10) for CN=vpn`.
    pub fn describe(&self) -> String {
        match &self.kind {
            ObjectKind::PrivateKey {
                format,
                encrypted,
                algorithm,
            } => {
                let mut parts = vec![format.words().to_string()];
                parts.extend(algorithm.clone());
                parts.push(
                    if *encrypted {
                        "encrypted"
                    } else {
                        "not encrypted"
                    }
                    .into(),
                );
                let matched = self.key_match.as_ref().map(KeyMatch::words);
                format!(
                    "a private key ({}){}",
                    parts.join(", "),
                    matched.unwrap_or_default()
                )
            }
            ObjectKind::Csr { subject, algorithm } => {
                let mut s = "a certificate signing request (PKCS#10".to_string();
                if let Some(a) = algorithm {
                    s.push_str(&format!(", {a}"));
                }
                s.push(')');
                if let Some(subject) = subject.as_deref().filter(|s| !s.is_empty()) {
                    s.push_str(&format!(" for {subject}"));
                }
                s
            }
            ObjectKind::Crl { issuer, revoked } => {
                let mut s = "a CRL".to_string();
                if let Some(issuer) = issuer.as_deref().filter(|s| !s.is_empty()) {
                    s.push_str(&format!(" of {issuer}"));
                }
                if let Some(n) = revoked {
                    s.push_str(&format!(
                        " ({n} revoked certificate{})",
                        if *n == 1 { "" } else { "s" }
                    ));
                }
                s
            }
            ObjectKind::PublicKey { algorithm } => match algorithm {
                Some(a) => format!("a bare public key ({a})"),
                None => "a bare public key".into(),
            },
            ObjectKind::Text { lines } => format!(
                "text without any certificate ({lines} line{})",
                if *lines == 1 { "" } else { "s" }
            ),
            ObjectKind::Other { label } => format!("a PEM block of type '{label}'"),
        }
    }

    /// What happens to it, after the description: `not a certificate:
    /// skipped`, with advice for a private key.
    pub fn outcome(&self) -> &'static str {
        match self.kind {
            ObjectKind::PrivateKey {
                format: KeyFormat::Pkcs12,
                ..
            } => {
                "not kept or printed. Whoever has this file (and its password) holds the key: \
                 if the file travelled by mail, chat or a shared folder, treat the key as \
                 exposed, revoke the certificate and enrol a new key"
            }
            ObjectKind::PrivateKey { .. } => {
                "not a certificate: not read. Keep private keys out of files you share"
            }
            ObjectKind::Crl { .. } => "not a certificate: not audited here",
            ObjectKind::Text { .. } => "nothing to audit",
            _ => "not a certificate: skipped",
        }
    }
}

/// The algorithm of a key, in words, from its algorithm OID, the named
/// curve (EC) and the RSA modulus (public values only).
fn algorithm_words(oid: &str, curve: Option<&str>, modulus: Option<&[u8]>) -> String {
    match oid {
        oids::KEY_RSA | oids::KEY_RSA_PSS => match modulus.map(crate::model::rsa_bits) {
            Some(bits) if bits > 0 => format!("RSA {bits} bits"),
            _ => "RSA".into(),
        },
        oids::KEY_EC => match curve {
            Some(c) => format!("EC {}", oids::curve_name(c).unwrap_or(c)),
            None => "EC".into(),
        },
        oids::KEY_ED25519 => "Ed25519".into(),
        oids::KEY_ED448 => "Ed448".into(),
        oids::KEY_DSA => "DSA".into(),
        "1.3.101.110" => "X25519".into(),
        "1.3.101.111" => "X448".into(),
        other => format!("algorithm {other}"),
    }
}

/// An unencrypted PKCS#8 key: its algorithm.
pub(super) fn pkcs8_algorithm(der: &[u8]) -> Option<String> {
    pkcs8(der)
}

fn pkcs8(der: &[u8]) -> Option<String> {
    use pkcs8::der::Decode;
    let info = pkcs8::PrivateKeyInfo::from_der(der).ok()?;
    let oid = info.algorithm.oid.to_string();
    let curve = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
    let modulus = pkcs1::RsaPrivateKey::try_from(info.private_key)
        .ok()
        .map(|k| k.modulus.as_bytes());
    Some(algorithm_words(&oid, curve.as_deref(), modulus))
}

/// An `EncryptedPrivateKeyInfo` (PKCS#8 §6): a password-based encryption
/// scheme (PKCS#5 PBES1/PBES2 or PKCS#12 PBE) over an OCTET STRING.
fn encrypted_pkcs8(der: &[u8]) -> bool {
    use der::{Decode, Reader};
    let parse = || -> der::Result<String> {
        let mut r = der::SliceReader::new(der)?;
        let oid = r.sequence(|r| {
            let alg = spki::AlgorithmIdentifierRef::decode(r)?;
            der::asn1::OctetStringRef::decode(r)?;
            Ok(alg.oid.to_string())
        })?;
        r.finish(oid)
    };
    parse().is_ok_and(|oid| {
        oid.starts_with("1.2.840.113549.1.5.") || oid.starts_with("1.2.840.113549.1.12.1.")
    })
}

/// A PKCS#1 `RSAPrivateKey`: its size.
fn pkcs1_private(der: &[u8]) -> Option<String> {
    let key = pkcs1::RsaPrivateKey::try_from(der).ok()?;
    Some(algorithm_words(
        oids::KEY_RSA,
        None,
        Some(key.modulus.as_bytes()),
    ))
}

/// A SEC 1 `ECPrivateKey`: its curve, when named.
fn sec1(der: &[u8]) -> Option<String> {
    let key = sec1::EcPrivateKey::try_from(der).ok()?;
    let curve = key
        .parameters
        .and_then(|p| p.named_curve())
        .map(|o| o.to_string());
    Some(algorithm_words(oids::KEY_EC, curve.as_deref(), None))
}

/// A bare public key: SubjectPublicKeyInfo, or PKCS#1 `RSAPublicKey` with a
/// modulus of a plausible size (two small INTEGERs are not a key).
fn public_key(der: &[u8]) -> Option<String> {
    use x509_parser::prelude::FromDer;
    if let Ok((rest, spki)) = x509_parser::x509::SubjectPublicKeyInfo::from_der(der) {
        if rest.is_empty() {
            return Some(crate::model::key_info(&spki).to_string());
        }
    }
    let key = pkcs1::RsaPublicKey::try_from(der).ok()?;
    let bits = crate::model::rsa_bits(key.modulus.as_bytes());
    (bits >= 256).then(|| format!("RSA {bits} bits"))
}

fn csr(der: &[u8]) -> Option<ObjectKind> {
    use x509_parser::prelude::FromDer;
    let (rest, req) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let info = &req.certification_request_info;
    Some(ObjectKind::Csr {
        subject: Some(crate::model::Name::from_x509(&info.subject).text),
        algorithm: Some(crate::model::key_info(&info.subject_pki).to_string()),
    })
}

fn crl(der: &[u8]) -> Option<ObjectKind> {
    use x509_parser::prelude::FromDer;
    let (rest, crl) =
        x509_parser::revocation_list::CertificateRevocationList::from_der(der).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(ObjectKind::Crl {
        issuer: Some(crate::model::Name::from_x509(crl.issuer()).text),
        revoked: Some(crl.tbs_cert_list.revoked_certificates.len()),
    })
}

/// A DER object that is not a certificate or PKCS#7 bundle, recognised by
/// its structure parsing in full: a CSR, a CRL, a private key (PKCS#8,
/// encrypted PKCS#8, PKCS#1, SEC 1) or a bare public key.
pub(super) fn recognise_der(der: &[u8]) -> Option<ObjectKind> {
    if der.first() != Some(&0x30) {
        return None;
    }
    if let Some(k) = csr(der).or_else(|| crl(der)) {
        return Some(k);
    }
    let key = |format, encrypted, algorithm| ObjectKind::PrivateKey {
        format,
        encrypted,
        algorithm,
    };
    if let Some(a) = pkcs8(der) {
        return Some(key(KeyFormat::Pkcs8, false, Some(a)));
    }
    if encrypted_pkcs8(der) {
        return Some(key(KeyFormat::Pkcs8, true, None));
    }
    if let Some(a) = pkcs1_private(der) {
        return Some(key(KeyFormat::Pkcs1, false, Some(a)));
    }
    if let Some(a) = sec1(der) {
        return Some(key(KeyFormat::Sec1, false, Some(a)));
    }
    public_key(der).map(|a| ObjectKind::PublicKey { algorithm: Some(a) })
}

/// A PEM block that is not a certificate or PKCS#7: what its label says,
/// refined by its body when that decodes. `headers` are its RFC 1421
/// header lines (`Proc-Type: 4,ENCRYPTED`), `der` its decoded body, if any.
pub(super) fn from_pem(label: &str, headers: &[&str], der: Option<&[u8]>) -> ObjectKind {
    let proc_encrypted = headers.iter().any(|h| {
        h.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("Proc-Type")
                && value.to_ascii_uppercase().contains("ENCRYPTED")
        })
    });
    let key = |format, encrypted, algorithm| ObjectKind::PrivateKey {
        format,
        encrypted,
        algorithm,
    };
    match label {
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            der.and_then(csr).unwrap_or(ObjectKind::Csr {
                subject: None,
                algorithm: None,
            })
        }
        "X509 CRL" => der.and_then(crl).unwrap_or(ObjectKind::Crl {
            issuer: None,
            revoked: None,
        }),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => ObjectKind::PublicKey {
            algorithm: der.and_then(public_key),
        },
        "PRIVATE KEY" => key(KeyFormat::Pkcs8, false, der.and_then(pkcs8)),
        "ENCRYPTED PRIVATE KEY" => key(KeyFormat::Pkcs8, true, None),
        "RSA PRIVATE KEY" => key(
            KeyFormat::Pkcs1,
            proc_encrypted,
            Some(
                der.filter(|_| !proc_encrypted)
                    .and_then(pkcs1_private)
                    .unwrap_or_else(|| "RSA".into()),
            ),
        ),
        "EC PRIVATE KEY" => key(
            KeyFormat::Sec1,
            proc_encrypted,
            Some(
                der.filter(|_| !proc_encrypted)
                    .and_then(sec1)
                    .unwrap_or_else(|| "EC".into()),
            ),
        ),
        "DSA PRIVATE KEY" => key(KeyFormat::Dsa, proc_encrypted, Some("DSA".into())),
        "OPENSSH PRIVATE KEY" => match der.and_then(openssh) {
            Some((encrypted, algorithm)) => key(KeyFormat::Openssh, encrypted, algorithm),
            None => key(KeyFormat::Openssh, false, None),
        },
        l if l.ends_with("PRIVATE KEY") => key(
            KeyFormat::Other,
            proc_encrypted || l.contains("ENCRYPTED"),
            None,
        ),
        l => ObjectKind::Other {
            label: l.to_string(),
        },
    }
}

/// An OpenSSH private key (`openssh-key-v1`, PROTOCOL.key): whether it is
/// encrypted (its cipher is not `none`) and its key type, read from the
/// public key that precedes the (possibly encrypted) private part.
fn openssh(bytes: &[u8]) -> Option<(bool, Option<String>)> {
    fn string<'a>(b: &mut &'a [u8]) -> Option<&'a [u8]> {
        let (len, rest) = b.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        let (s, rest) = (rest.get(..len)?, rest.get(len..)?);
        *b = rest;
        Some(s)
    }
    let mut b = bytes.strip_prefix(b"openssh-key-v1\0")?;
    let cipher = string(&mut b)?;
    let _kdf = string(&mut b)?;
    let _kdf_options = string(&mut b)?;
    let (_count, rest) = b.split_first_chunk::<4>()?;
    b = rest;
    let algorithm = string(&mut b)
        .and_then(|mut public| string(&mut public))
        .map(|t| match t {
            b"ssh-ed25519" => "Ed25519".to_string(),
            b"ssh-ed448" => "Ed448".to_string(),
            b"ssh-rsa" => "RSA".to_string(),
            b"ssh-dss" => "DSA".to_string(),
            b"ecdsa-sha2-nistp256" => "EC P-256".to_string(),
            b"ecdsa-sha2-nistp384" => "EC P-384".to_string(),
            b"ecdsa-sha2-nistp521" => "EC P-521".to_string(),
            other => printable(other),
        });
    Some((cipher != b"none", algorithm))
}

/// Up to 64 printable ASCII characters of a name from the input.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(64)
        .map(|b| {
            if b.is_ascii_graphic() {
                char::from(*b)
            } else {
                '?'
            }
        })
        .collect()
}

/// A PuTTY key file (`PuTTY-User-Key-File-2:` / `-3:`): whether it is
/// encrypted and its key type, from its header lines.
pub(super) fn putty(text: &str) -> Option<ObjectKind> {
    let mut lines = text.lines();
    let first = lines.next()?.trim_start_matches('\u{feff}');
    let (head, key_type) = first.split_once(':')?;
    if !head.starts_with("PuTTY-User-Key-File-") {
        return None;
    }
    let encrypted = lines
        .find_map(|l| l.strip_prefix("Encryption:"))
        .is_some_and(|v| v.trim() != "none");
    let algorithm = match key_type.trim() {
        "ssh-ed25519" => "Ed25519".to_string(),
        "ssh-rsa" => "RSA".to_string(),
        "ssh-dss" => "DSA".to_string(),
        t if t.starts_with("ecdsa-sha2-nistp") => {
            format!("EC P-{}", t.trim_start_matches("ecdsa-sha2-nistp"))
        }
        t => printable(t.as_bytes()),
    };
    Some(ObjectKind::PrivateKey {
        format: KeyFormat::Putty,
        encrypted,
        algorithm: Some(algorithm),
    })
}

/// True when `bytes` read as text: no control characters but white space
/// (and ESC, for pasted terminal colours), which binary data always holds,
/// and UTF-8, or nearly all ASCII (a Latin-1 README with a few accents).
pub(super) fn looks_like_text(bytes: &[u8]) -> bool {
    let no_controls = bytes.iter().all(|&b| {
        (b >= 0x20 && b != 0x7f) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1b)
    });
    no_controls
        && (std::str::from_utf8(bytes).is_ok()
            || bytes.iter().filter(|b| !b.is_ascii()).count() * 20 <= bytes.len())
}

/// True for names that promise a certificate (`.pem`, `.cer`, `.crt`,
/// `.der`, `.p7b`, `.p7c`, any case) and for standard input: such an input
/// that holds nothing recognisable is an input error, not "text".
pub fn expects_certificate(name: &str) -> bool {
    if name == "-" {
        return true;
    }
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    ["pem", "cer", "crt", "der", "p7b", "p7c"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

#[cfg(test)]
mod tests;
