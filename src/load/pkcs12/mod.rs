//! PKCS#12 / PFX files (`.pfx`, `.p12`), as Windows, macOS, OpenSSL and
//! Java export a certificate with its private key (RFC 7292).
//!
//! Recognised by content: a SEQUENCE of version 3 and a `data` ContentInfo.
//! Every certificate bag is read (leaf and chain, with friendly names, in
//! nested SafeContents too). The MAC is verified before anything is
//! trusted, under the empty password (as a BMPString: two zero octets), the
//! absent password (no octets: RFC 7292 tells them apart and OpenSSL tries
//! both), then the password the caller gave ([`Password`]) or, last, one
//! the caller's prompt asks for ([`PasswordPrompt`]). The loader never
//! reads the environment or a terminal itself.
//!
//! A private key is decrypted only to name its algorithm and to check that
//! it belongs to the leaf certificate; it is wiped from memory right after
//! and never printed. Its presence is recorded as a [`FoundObject`], which
//! `check` and `sweep` report as a `file.private-key` finding.
//!
//! Hostile input: BER is walked with bounded depth, iteration counts are
//! capped at [`MAX_ITERATIONS`], and at most [`MAX_DECRYPTIONS`] decryptions
//! are run per file.

mod asn1;
mod crypto;
mod key;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use x509_parser::asn1_rs::{Class, Tag};
use zeroize::Zeroizing;

use super::objects::{FoundObject, KeyFormat, KeyMatch, ObjectKind};
use super::{Container, LoadOptions, LoadedInput, ProblemLevel};
use asn1::{AlgorithmId, BagAttributes, Secret};
use crypto::{Candidate, CryptoError, MacData};

pub use crypto::MAX_ITERATIONS;
pub(crate) use key::matches_certificate;

/// The most decryptions (each one or two key derivations) run for one file.
pub const MAX_DECRYPTIONS: usize = 64;

/// The most bags read from one file.
const MAX_BAGS: usize = 10_000;

/// A PKCS#12 password the caller obtained, and where it came from, as
/// messages name it (`the one from --password-file pw.txt`). The secret is
/// wiped when the last copy is dropped and never shown.
#[derive(Clone)]
pub struct Password {
    secret: Arc<Zeroizing<String>>,
    source: String,
}

impl Password {
    /// `source` completes "tried the empty password and …".
    pub fn new(secret: String, source: impl Into<String>) -> Password {
        Password {
            secret: Arc::new(Zeroizing::new(secret)),
            source: source.into(),
        }
    }

    /// Where the password came from, in words.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first line of a password file, its line end stripped; `option`
    /// names where the file was given (`--password-file`), for messages.
    pub fn from_file(path: &std::path::Path, option: &str) -> Result<Password, String> {
        use std::io::Read;
        let mut text = Zeroizing::new(Vec::new());
        std::fs::File::open(path)
            .and_then(|f| f.take(64 * 1024).read_to_end(&mut text))
            .map_err(|e| format!("{option} {}: {e}", path.display()))?;
        let line = text.split(|b| *b == b'\n').next().unwrap_or(&[]);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let secret = String::from_utf8(line.to_vec())
            .map_err(|_| format!("{option} {}: not UTF-8 text", path.display()))?;
        Ok(Password::new(
            secret,
            format!("the one from {option} {}", path.display()),
        ))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Password({})", self.source)
    }
}

/// Asks for the password of the PKCS#12 file it is given (by name), when
/// neither the empty password nor [`LoadOptions::password`] opens it. The
/// CLI passes one that prompts on the terminal; `None` from it means no
/// password was given.
#[derive(Clone)]
pub struct PasswordPrompt(Arc<Ask>);

/// What a [`PasswordPrompt`] runs: the file's name in, a password or none out.
type Ask = dyn Fn(&str) -> Option<Password> + Send + Sync;

impl PasswordPrompt {
    pub fn new(ask: impl Fn(&str) -> Option<Password> + Send + Sync + 'static) -> PasswordPrompt {
        PasswordPrompt(Arc::new(ask))
    }
}

impl std::fmt::Debug for PasswordPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PasswordPrompt")
    }
}

const DATA: &str = "1.2.840.113549.1.7.1";
const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ENVELOPED_DATA: &str = "1.2.840.113549.1.7.3";
const ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";

const KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG: &str = "1.2.840.113549.1.12.10.1.3";
const CRL_BAG: &str = "1.2.840.113549.1.12.10.1.4";
const SECRET_BAG: &str = "1.2.840.113549.1.12.10.1.5";
const SAFE_CONTENTS_BAG: &str = "1.2.840.113549.1.12.10.1.6";
const X509_CERTIFICATE: &str = "1.2.840.113549.1.9.22.1";

/// True when `bytes` start like a PFX: SEQUENCE { INTEGER 3, SEQUENCE {
/// OID data or signedData, ... } }. Certificates, PKCS#7 bundles and keys
/// never do (a certificate starts with a SEQUENCE, a bundle with an OID, a
/// key's INTEGER is 0 or 1).
pub(super) fn looks_like_pfx(bytes: &[u8]) -> bool {
    use x509_parser::asn1_rs::{Any, FromBer, Header};
    // Headers only, not whole values: a truncated file is still recognised,
    // and then said to be cut short.
    let check = || -> Option<bool> {
        let (rest, outer) = Header::from_ber(bytes).ok()?;
        if outer.tag() != Tag::Sequence || !outer.is_constructed() {
            return Some(false);
        }
        let (rest, version) = Any::from_ber(rest).ok()?;
        if asn1::uint(&version, "version").ok()? != 3 {
            return Some(false);
        }
        let (rest, auth_safe) = Header::from_ber(rest).ok()?;
        if auth_safe.tag() != Tag::Sequence || !auth_safe.is_constructed() {
            return Some(false);
        }
        let (_, content_type) = Any::from_ber(rest).ok()?;
        let content_type = asn1::oid(&content_type, "contentType").ok()?;
        Some(matches!(content_type.as_str(), DATA | SIGNED_DATA))
    };
    check().unwrap_or(false)
}

/// The outer structure of a PFX (RFC 7292 §4).
struct Pfx {
    /// The octets of the authSafe `data` content: what the MAC covers.
    auth_safe: Vec<u8>,
    mac: Option<MacData>,
    trailing: usize,
}

fn parse_pfx(bytes: &[u8]) -> Result<Pfx, String> {
    let (outer, rest) = asn1::one(bytes)?;
    let fields = asn1::sequence(&outer, "PFX")?;
    let [version, auth_safe, more @ ..] = fields.as_slice() else {
        return Err("PFX lacks its version or authSafe".into());
    };
    let version = asn1::uint(version, "version")?;
    if version != 3 {
        return Err(format!("version {version}, not 3"));
    }
    let ci = asn1::sequence(auth_safe, "authSafe")?;
    let [content_type, content, ..] = ci.as_slice() else {
        return Err("authSafe has no content".into());
    };
    match asn1::oid(content_type, "authSafe contentType")?.as_str() {
        DATA => {}
        SIGNED_DATA => {
            return Err(
                "it uses public-key integrity mode (a signature instead of a password MAC), \
                 which pkiaudit does not read; export it again with a password"
                    .into(),
            )
        }
        other => return Err(format!("authSafe contentType {other} is not data")),
    }
    let (inner, _) = asn1::explicit(content, 0, "authSafe content")?;
    let auth_safe = asn1::octet_string(&inner, "authSafe content")?;
    let mac = match more.first() {
        Some(m) => Some(parse_mac(m)?),
        None => None,
    };
    Ok(Pfx {
        auth_safe,
        mac,
        trailing: rest.len(),
    })
}

/// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING,
/// iterations INTEGER DEFAULT 1 }.
fn parse_mac(any: &x509_parser::asn1_rs::Any<'_>) -> Result<MacData, String> {
    let fields = asn1::sequence(any, "macData")?;
    let [digest_info, salt, rest @ ..] = fields.as_slice() else {
        return Err("macData lacks the MAC or its salt".into());
    };
    let di = asn1::sequence(digest_info, "MAC DigestInfo")?;
    let [alg, digest, ..] = di.as_slice() else {
        return Err("MAC DigestInfo is incomplete".into());
    };
    let alg = asn1::algorithm(alg, "MAC algorithm")?;
    Ok(MacData {
        digest_oid: alg.oid,
        digest: asn1::octet_string(digest, "MAC value")?,
        salt: asn1::octet_string(salt, "MAC salt")?,
        iterations: match rest.first() {
            Some(n) => asn1::uint(n, "MAC iteration count")?,
            None => 1,
        },
    })
}

/// One ContentInfo of the AuthenticatedSafe.
enum Safe {
    Plain(Vec<u8>),
    Encrypted { alg: AlgorithmId, data: Vec<u8> },
    Unsupported(String),
}

fn parse_safes(auth_safe: &[u8]) -> Result<Vec<Safe>, String> {
    let (seq, _) = asn1::one(auth_safe).map_err(|e| format!("AuthenticatedSafe: {e}"))?;
    let mut out = Vec::new();
    for ci in asn1::sequence(&seq, "AuthenticatedSafe")? {
        let fields = asn1::sequence(&ci, "ContentInfo")?;
        let [content_type, rest @ ..] = fields.as_slice() else {
            return Err("ContentInfo is empty".into());
        };
        let content_type = asn1::oid(content_type, "contentType")?;
        let content = match rest.first() {
            Some(c) => Some(asn1::explicit(c, 0, "ContentInfo content")?.0),
            None => None,
        };
        out.push(match (content_type.as_str(), content) {
            (DATA, Some(c)) => Safe::Plain(asn1::octet_string(&c, "SafeContents")?),
            (ENCRYPTED_DATA, Some(c)) => {
                // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo
                // { contentType, contentEncryptionAlgorithm,
                // encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL } }.
                let ed = asn1::sequence(&c, "EncryptedData")?;
                let eci = ed.get(1).ok_or("EncryptedData is incomplete")?;
                let eci = asn1::sequence(eci, "EncryptedContentInfo")?;
                let alg = eci.get(1).ok_or("EncryptedContentInfo has no algorithm")?;
                let alg = asn1::algorithm(alg, "content encryption algorithm")?;
                let data = match eci.get(2) {
                    Some(d) if d.class() == Class::ContextSpecific && d.tag() == Tag(0) => {
                        asn1::octets(d, "encrypted content")?
                    }
                    Some(_) => return Err("encrypted content is not tagged [0]".into()),
                    None => Vec::new(),
                };
                Safe::Encrypted { alg, data }
            }
            (ENVELOPED_DATA, _) => Safe::Unsupported(
                "a part encrypted to a public key (envelopedData, public-key privacy mode)".into(),
            ),
            (other, _) => Safe::Unsupported(format!("a part of content type {other}")),
        });
    }
    Ok(out)
}

struct CertBag {
    der: Vec<u8>,
    attrs: BagAttributes,
}

struct KeyBag {
    /// The PrivateKeyInfo, decrypted: wiped when dropped.
    pkcs8: Secret,
    attrs: BagAttributes,
}

/// What the bags hold.
#[derive(Default)]
struct Contents {
    certs: Vec<CertBag>,
    keys: Vec<KeyBag>,
    /// Messages about bags that could not be read.
    problems: Vec<String>,
    crls: usize,
    secrets: usize,
    other: usize,
    bags: usize,
}

/// Runs decryptions, counting them against [`MAX_DECRYPTIONS`].
struct Decryptor<'p> {
    password: &'p Candidate,
    left: usize,
    /// The last failure that is not about the password (an unsupported
    /// algorithm, too many iterations, bad parameters).
    fatal: Option<CryptoError>,
}

impl Decryptor<'_> {
    fn decrypt(&mut self, alg: &AlgorithmId, data: &[u8]) -> Result<Secret, CryptoError> {
        if self.left == 0 {
            return Err(CryptoError::Unsupported(format!(
                "more than {MAX_DECRYPTIONS} encrypted items in one file"
            )));
        }
        self.left -= 1;
        let result = crypto::decrypt(alg, data, self.password);
        if let Err(e) = &result {
            if *e != CryptoError::Failed {
                self.fatal = Some(e.clone());
            }
        }
        result
    }
}

fn read_bags(data: &[u8], dec: &mut Decryptor<'_>, depth: usize, out: &mut Contents) {
    let bags = asn1::one(data)
        .and_then(|(seq, _)| {
            asn1::sequence(&seq, "SafeContents").map(|v| v.into_iter().collect::<Vec<_>>())
        })
        .map_err(|e| format!("SafeContents: {e}"));
    let bags = match bags {
        Ok(b) => b,
        Err(e) => {
            out.problems.push(e);
            return;
        }
    };
    for bag in bags {
        out.bags += 1;
        if out.bags > MAX_BAGS {
            if out.bags == MAX_BAGS + 1 {
                out.problems
                    .push(format!("more than {MAX_BAGS} bags; the rest are not read"));
            }
            return;
        }
        if let Err(e) = read_bag(&bag, dec, depth, out) {
            out.problems.push(e);
        }
    }
}

fn read_bag(
    bag: &x509_parser::asn1_rs::Any<'_>,
    dec: &mut Decryptor<'_>,
    depth: usize,
    out: &mut Contents,
) -> Result<(), String> {
    let fields = asn1::sequence(bag, "SafeBag")?;
    let [id, value, rest @ ..] = fields.as_slice() else {
        return Err("a SafeBag lacks its type or value".into());
    };
    let id = asn1::oid(id, "bag type")?;
    let (value, raw) = asn1::explicit(value, 0, "bag value")?;
    let attrs = rest
        .first()
        .filter(|a| a.tag() == Tag::Set)
        .map(asn1::bag_attributes)
        .unwrap_or_default();
    match id.as_str() {
        CERT_BAG => {
            let cb = asn1::sequence(&value, "CertBag")?;
            let [cert_id, cert_value, ..] = cb.as_slice() else {
                return Err("a CertBag is incomplete".into());
            };
            let cert_id = asn1::oid(cert_id, "certificate type")?;
            if cert_id != X509_CERTIFICATE {
                return Err(format!(
                    "a certificate bag of type {cert_id} (not X.509) was skipped"
                ));
            }
            let (inner, _) = asn1::explicit(cert_value, 0, "certificate value")?;
            out.certs.push(CertBag {
                der: asn1::octet_string(&inner, "certificate value")?,
                attrs,
            });
        }
        KEY_BAG => out.keys.push(KeyBag {
            pkcs8: Zeroizing::new(raw.to_vec()),
            attrs,
        }),
        SHROUDED_KEY_BAG => {
            let epki = asn1::sequence(&value, "EncryptedPrivateKeyInfo")?;
            let [alg, data, ..] = epki.as_slice() else {
                return Err("an encrypted key bag is incomplete".into());
            };
            let alg = asn1::algorithm(alg, "key encryption algorithm")?;
            let data = asn1::octet_string(data, "encrypted key")?;
            let pkcs8 = dec.decrypt(&alg, &data).map_err(|e| {
                format!(
                    "a private key ({}) could not be decrypted: {e}",
                    crypto::words(&alg)
                )
            })?;
            out.keys.push(KeyBag { pkcs8, attrs });
        }
        CRL_BAG => out.crls += 1,
        SECRET_BAG => out.secrets += 1,
        SAFE_CONTENTS_BAG => {
            if depth + 1 >= asn1::MAX_DEPTH {
                return Err("SafeContents nested too deeply; the inner ones are not read".into());
            }
            read_bags(raw, dec, depth + 1, out);
        }
        _ => out.other += 1,
    }
    Ok(())
}

/// Whether `password` decrypts the first encrypted items into what they
/// should be. `None` when nothing in the file is encrypted; an error when
/// they cannot be decrypted whatever the password.
fn decrypts(safes: &[Safe], password: &Candidate) -> Result<Option<bool>, CryptoError> {
    let mut dec = Decryptor {
        password,
        left: 2,
        fatal: None,
    };
    let mut tried = false;
    for safe in safes {
        match safe {
            Safe::Encrypted { alg, data } => {
                tried = true;
                let plain = dec.decrypt(alg, data);
                if let Ok(p) = plain {
                    if asn1::one(&p).is_ok_and(|(s, _)| s.tag() == Tag::Sequence) {
                        return Ok(Some(true));
                    }
                }
            }
            Safe::Plain(data) => {
                // A shrouded key bag in a plain part.
                let mut probe = Contents::default();
                let before = dec.left;
                read_bags(data, &mut dec, 0, &mut probe);
                if dec.left < before {
                    tried = true;
                    if !probe.keys.is_empty() {
                        return Ok(Some(true));
                    }
                }
            }
            Safe::Unsupported(_) => {}
        }
        if dec.left == 0 {
            break;
        }
    }
    match dec.fatal {
        Some(e) => Err(e),
        None => Ok(tried.then_some(false)),
    }
}

fn has_encrypted(safes: &[Safe]) -> bool {
    !matches!(
        decrypts(safes, &Candidate::new("\u{0}pkiaudit probe")),
        Ok(None)
    )
}

/// Load a PFX into `input`.
pub(super) fn load(input: &mut LoadedInput, bytes: &[u8], opts: &LoadOptions) {
    let file = input.file.clone();
    let unreadable = |input: &mut LoadedInput, e: String| {
        input.problem(
            ProblemLevel::Error,
            None,
            None,
            format!("PKCS#12 file cannot be read: {e}"),
        );
    };
    let pfx = match parse_pfx(bytes) {
        Ok(p) => p,
        Err(e) => return unreadable(input, e.to_string()),
    };
    if pfx.trailing > 0 {
        input.problem(
            ProblemLevel::Warning,
            None,
            None,
            format!(
                "{} bytes after the PKCS#12 structure were ignored",
                pfx.trailing
            ),
        );
    }
    let safes = match parse_safes(&pfx.auth_safe) {
        Ok(s) => s,
        Err(e) => return unreadable(input, e.to_string()),
    };
    let mut candidates: Vec<(String, Candidate)> = vec![
        ("the empty password".into(), Candidate::new("")),
        ("the absent password".into(), Candidate::absent()),
    ];
    if let Some(p) = &opts.password {
        candidates.push((p.source().to_string(), Candidate::new(&p.secret)));
    }
    let chosen = match &pfx.mac {
        Some(mac) => {
            let verify = |c: &Candidate| mac.verify(&pfx.auth_safe, c);
            let mut found = None;
            for (i, (_, c)) in candidates.iter().enumerate() {
                match verify(c) {
                    Ok(true) => {
                        found = Some(i);
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => {
                        input.problem(
                            ProblemLevel::Error,
                            None,
                            None,
                            format!(
                                "PKCS#12 file {file}: its MAC cannot be checked ({e}); not read"
                            ),
                        );
                        return;
                    }
                }
            }
            if found.is_none() && opts.password.is_none() {
                if let Some(ask) = &opts.password_prompt {
                    if let Some(p) = (ask.0)(&file) {
                        let c = Candidate::new(&p.secret);
                        if verify(&c).unwrap_or(false) {
                            found = Some(candidates.len());
                        }
                        candidates.push((p.source().to_string(), c));
                    }
                }
            }
            match found {
                Some(i) => i,
                None => {
                    let tampered = candidates
                        .iter()
                        .any(|(_, c)| decrypts(&safes, c) == Ok(Some(true)));
                    let message = if tampered {
                        format!(
                            "PKCS#12 file {file}: the integrity check failed: the password \
                             decrypts the contents but the MAC ({}) does not match, so the \
                             file was altered or damaged after it was made; not read",
                            mac.words()
                        )
                    } else {
                        wrong_password(&file, &candidates, has_encrypted(&safes))
                    };
                    input.problem(ProblemLevel::Error, None, None, message);
                    return;
                }
            }
        }
        None => {
            input.problem(
                ProblemLevel::Warning,
                None,
                None,
                "PKCS#12 file has no MAC: nothing protects its integrity",
            );
            let mut found = None;
            for (i, (_, c)) in candidates.iter().enumerate() {
                match decrypts(&safes, c) {
                    Ok(Some(false)) => {}
                    Ok(_) => {
                        found = Some(i);
                        break;
                    }
                    Err(e) => {
                        input.problem(
                            ProblemLevel::Error,
                            None,
                            None,
                            format!("PKCS#12 file {file} cannot be decrypted: {e}; not read"),
                        );
                        return;
                    }
                }
            }
            if found.is_none() && opts.password.is_none() {
                if let Some(p) = opts.password_prompt.as_ref().and_then(|a| (a.0)(&file)) {
                    let c = Candidate::new(&p.secret);
                    if decrypts(&safes, &c) == Ok(Some(true)) {
                        found = Some(candidates.len());
                    }
                    candidates.push((p.source().to_string(), c));
                }
            }
            match found {
                Some(i) => i,
                None => {
                    let message = wrong_password(&file, &candidates, true);
                    input.problem(ProblemLevel::Error, None, None, message);
                    return;
                }
            }
        }
    };
    let Some((source, password)) = candidates.get(chosen) else {
        return;
    };
    let protected = chosen >= 2;
    let mut dec = Decryptor {
        password,
        left: MAX_DECRYPTIONS,
        fatal: None,
    };
    let mut contents = Contents::default();
    let mut schemes: Vec<String> = Vec::new();
    for (i, safe) in safes.iter().enumerate() {
        match safe {
            Safe::Plain(data) => read_bags(data, &mut dec, 0, &mut contents),
            Safe::Encrypted { alg, data } => {
                schemes.push(crypto::words(alg));
                match dec.decrypt(alg, data) {
                    Ok(plain) => read_bags(&plain, &mut dec, 0, &mut contents),
                    Err(e) => contents.problems.push(format!(
                        "encrypted part {} ({}) could not be decrypted: {e}",
                        i + 1,
                        crypto::words(alg)
                    )),
                }
            }
            Safe::Unsupported(what) => contents.problems.push(format!(
                "{what} is not supported; its certificates are not read"
            )),
        }
    }
    for p in std::mem::take(&mut contents.problems) {
        input.problem(
            ProblemLevel::Error,
            None,
            None,
            format!("PKCS#12 file: {p}"),
        );
    }
    add_contents(input, contents, protected);
    let mut said = vec![format!(
        "PKCS#12 file opened with {}",
        if protected {
            source.as_str()
        } else {
            "the empty password"
        }
    )];
    if !schemes.is_empty() {
        schemes.dedup();
        said.push(format!(
            "certificates encrypted with {}",
            schemes.join(", ")
        ));
    }
    if let Some(mac) = &pfx.mac {
        said.push(format!(
            "MAC {} ({} iteration{}) verified",
            mac.words(),
            mac.iterations,
            if mac.iterations == 1 { "" } else { "s" }
        ));
    }
    input.problem(ProblemLevel::Note, None, None, said.join("; "));
}

fn wrong_password(file: &str, candidates: &[(String, Candidate)], encrypted: bool) -> String {
    let given: Vec<&str> = candidates.iter().skip(2).map(|(s, _)| s.as_str()).collect();
    let how = "give it with --password-file FILE or the PKIAUDIT_PASSWORD environment \
               variable, or run pkiaudit on a terminal to be asked (in a sweep: password_file \
               in the inventory target)";
    if given.is_empty() {
        format!(
            "PKCS#12 file {file} is protected by a password and the empty password does not \
             open it: {how}"
        )
    } else if encrypted {
        format!(
            "wrong password for PKCS#12 file {file} (tried the empty password and {})",
            given.join(" and ")
        )
    } else {
        format!(
            "PKCS#12 file {file}: the MAC does not match under the empty password or {}: the \
             password is wrong or the file was altered (nothing in it is encrypted to tell \
             which)",
            given.join(" and ")
        )
    }
}

/// Add the certificates and keys read from the bags.
fn add_contents(input: &mut LoadedInput, contents: Contents, protected: bool) {
    let first = input.certs.len();
    let mut added: Vec<(usize, Option<Vec<u8>>)> = Vec::new();
    for (i, bag) in contents.certs.iter().enumerate() {
        let before = input.certs.len();
        if let Err(e) = input.try_add_der(&bag.der, Container::Pkcs12, None, None, false) {
            input.problem(
                ProblemLevel::Error,
                None,
                None,
                format!("PKCS#12 certificate bag {}: {e}", i + 1),
            );
        }
        if let Some(c) = input.certs.get_mut(before) {
            c.provenance.pkcs12 = Some(super::Pkcs12Bag {
                friendly_name: bag.attrs.friendly_name.clone(),
                holds_key: false,
            });
            added.push((before, bag.attrs.local_key_id.clone()));
        }
    }
    for key in &contents.keys {
        // The key's certificate: the one with the same localKeyId, else the
        // first end-entity certificate, else the first certificate.
        let linked = key.attrs.local_key_id.as_ref().and_then(|id| {
            added
                .iter()
                .find(|(_, cid)| cid.as_ref() == Some(id))
                .map(|(i, _)| *i)
        });
        let leaf = linked.or_else(|| {
            let ours = input.certs.get(first..).unwrap_or(&[]);
            ours.iter()
                .position(|c| !c.cert.basic_constraints.as_ref().is_some_and(|b| b.ca))
                .or((!ours.is_empty()).then_some(0))
                .map(|p| first + p)
        });
        let leaf = leaf.and_then(|i| input.certs.get(i).map(|c| (i, c)));
        let key_match = leaf.map(|(_, c)| KeyMatch {
            certificate: c.cert.subject.text.clone(),
            matches: matches_certificate(&key.pkcs8, &c.cert.der),
        });
        if let Some((i, true)) = leaf
            .zip(key_match.as_ref())
            .map(|((i, _), m)| (i, m.matches == Some(true)))
        {
            if let Some(p) = input
                .certs
                .get_mut(i)
                .and_then(|c| c.provenance.pkcs12.as_mut())
            {
                p.holds_key = true;
            }
        }
        let object = FoundObject {
            kind: ObjectKind::PrivateKey {
                format: KeyFormat::Pkcs12,
                encrypted: protected,
                algorithm: super::objects::pkcs8_algorithm(&key.pkcs8),
            },
            line: None,
            encoding: "pkcs12".into(),
            key_match,
        };
        input.add_found(object, "PKCS#12 file holds");
    }
    if contents.crls > 0 {
        input.problem(
            ProblemLevel::Note,
            None,
            None,
            format!(
                "PKCS#12 file also holds {} CRL(s): not audited here",
                contents.crls
            ),
        );
    }
    if contents.secrets + contents.other > 0 {
        input.problem(
            ProblemLevel::Note,
            None,
            None,
            format!(
                "PKCS#12 file also holds {} bag(s) of other kinds (secrets): not read",
                contents.secrets + contents.other
            ),
        );
    }
    if contents.certs.is_empty() && contents.keys.is_empty() {
        input.problem(
            ProblemLevel::Error,
            None,
            None,
            "PKCS#12 file holds no certificate and no key",
        );
    }
}
