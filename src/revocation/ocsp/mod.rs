//! OCSP (RFC 6960): build a request, POST it, and accept the answer only when
//! it is verified.
//!
//! What "verified" means here (RFC 6960 §3.2 and §4.2.2.2):
//! - `responseStatus` is `successful` and the body is a `BasicOCSPResponse`;
//! - its signature, checked over the raw `tbsResponseData` bytes exactly as
//!   they arrived (a re-encoding could differ and either hide tampering or
//!   reject a genuine answer), verifies with the issuer's key, or with a
//!   delegated responder certificate included in the response that the issuer
//!   signed with the key that issued the certificate (not another key of the
//!   same CA after a rollover), that carries EKU id-kp-OCSPSigning and that is
//!   valid at the audit time;
//! - a `SingleResponse` carries the CertID of the certificate asked about
//!   (its serial compared as the signed integer it is);
//! - the nonce sent is echoed (a missing echo is reported, a different one is
//!   an error);
//! - `thisUpdate` is not in the future and `nextUpdate` has not passed, with
//!   [`CLOCK_SKEW`] of allowance.
//!
//! Nothing here returns [`CertStatus::Good`] for a response it could not
//! verify. Time is always an argument; the only network I/O is [`post`].

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use x509_ocsp::{OcspResponse, OcspResponseStatus, ResponseData};
use x509_parser::prelude::FromDer;

use super::same_name;
use crate::model::{der_tlv, hex_upper, Certificate};

/// The most bytes read from one OCSP response (they are a few KiB at most).
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// How long one OCSP request may take, connect to last byte.
pub const TIMEOUT: Duration = crate::revocation::transport::TIMEOUT;

/// Allowance for clock differences between us and the responder when
/// checking `thisUpdate` and `nextUpdate` (RFC 6960 §4.2.2.1 leaves this to
/// local policy; 5 minutes is common practice).
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Length of the random nonce sent (RFC 8954: 1..32 octets; 16 is enough to
/// be unguessable and accepted by every responder seen).
pub const NONCE_LEN: usize = 16;

const OID_SHA1: &str = "1.3.14.3.2.26";
const OID_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OID_OCSP_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
const OID_OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
const OID_KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

/// Why an OCSP check failed. None of these is an answer about the
/// certificate: the status is unknown whenever one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// The request could not be sent or the response not read.
    #[error("OCSP transport: {0}")]
    Transport(String),
    /// The response body is larger than [`MAX_RESPONSE_BYTES`].
    #[error("OCSP response larger than {} KiB; not read", MAX_RESPONSE_BYTES / 1024)]
    TooLarge,
    /// A certificate or the response is not what the ASN.1 says it must be.
    #[error("malformed OCSP data: {0}")]
    Malformed(String),
    /// The certificate's issuer name is not the given issuer's subject.
    #[error("wrong issuer: {0}")]
    WrongIssuer(String),
    /// `responseStatus` is not `successful` (RFC 6960 §4.2.1).
    #[error("OCSP responder did not answer: {0}")]
    NotSuccessful(String),
    /// The response signature does not verify, or its algorithm is not
    /// supported.
    #[error("OCSP response signature: {0}")]
    BadSignature(String),
    /// The response was signed by someone the issuer did not authorise
    /// (RFC 6960 §4.2.2.2).
    #[error("OCSP responder not authorised: {0}")]
    UnauthorizedResponder(String),
    /// The response echoes a nonce other than the one sent (replay).
    #[error("OCSP response nonce differs from the request's")]
    NonceMismatch,
    /// No `SingleResponse` is about the certificate asked about.
    #[error("OCSP response has no answer for this certificate")]
    NoMatchingResponse,
    /// `nextUpdate` has passed.
    #[error("OCSP response is stale: nextUpdate {next_update} is before {at}")]
    Stale {
        next_update: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// `thisUpdate` is in the future.
    #[error("OCSP response is not yet valid: thisUpdate {this_update} is after {at}")]
    NotYetValid {
        this_update: DateTime<Utc>,
        at: DateTime<Utc>,
    },
}

/// The CertID of RFC 6960 §4.1.1, always with SHA-1 (what every responder
/// accepts; RFC 5019 §2.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    /// SHA-1 of the DER issuer Name (the certificate's issuer field).
    pub issuer_name_hash: Vec<u8>,
    /// SHA-1 of the issuer's subjectPublicKey BIT STRING contents (without
    /// the unused-bits octet).
    pub issuer_key_hash: Vec<u8>,
    /// The DER content octets of the certificate's serial INTEGER, exactly
    /// as the certificate carries them.
    pub serial: Vec<u8>,
}

/// An encoded OCSP request and what is needed to check its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspRequest {
    /// The DER `OCSPRequest`, to POST as `application/ocsp-request`.
    pub der: Vec<u8>,
    /// The random nonce carried in the request, if any.
    pub nonce: Option<Vec<u8>>,
    pub cert_id: CertId,
}

/// What the responder said about the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertStatus {
    Good,
    Revoked {
        time: DateTime<Utc>,
        /// The CRLReason name (`keyCompromise`, ...), when given.
        reason: Option<String>,
    },
    /// The responder does not know the certificate (RFC 6960 §2.2).
    Unknown,
}

/// Who signed a verified response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Responder {
    /// The certificate's issuer signed it with its own key.
    Issuer { subject: String },
    /// A delegated responder certificate, issued by the issuer with EKU
    /// id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
    Delegated {
        subject: String,
        not_after: DateTime<Utc>,
        /// id-pkix-ocsp-nocheck is present: clients are told not to check
        /// the responder certificate's own revocation (RFC 6960 §4.2.2.2.1).
        ocsp_nocheck: bool,
    },
}

impl std::fmt::Display for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Responder::Issuer { subject } => write!(f, "the issuer ({subject})"),
            Responder::Delegated {
                subject,
                ocsp_nocheck,
                ..
            } => {
                write!(f, "delegated responder {subject}")?;
                if *ocsp_nocheck {
                    write!(f, " (ocsp-nocheck)")?;
                }
                Ok(())
            }
        }
    }
}

/// A verified OCSP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspAnswer {
    pub status: CertStatus,
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    pub produced_at: DateTime<Utc>,
    pub responder: Responder,
    /// `None` when no nonce was sent; `Some(false)` when one was sent and the
    /// responder did not echo it (a pre-signed, possibly cached response).
    pub nonce_echoed: Option<bool>,
}

// ---------------------------------------------------------------------------
// Request

/// Build a request for `cert` issued by `issuer`: a SHA-1 CertID and, when
/// `with_nonce`, a random [`NONCE_LEN`]-octet nonce (RFC 6960 §4.4.1).
pub fn build_request(
    cert: &Certificate,
    issuer: &Certificate,
    with_nonce: bool,
) -> Result<OcspRequest, OcspError> {
    let cert_id = cert_id(cert, issuer)?;
    let nonce = if with_nonce {
        let mut bytes = vec![0u8; NONCE_LEN];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .map_err(|_| OcspError::Transport("no random numbers for the nonce".into()))?;
        Some(bytes)
    } else {
        None
    };
    let der = encode_request(&cert_id, nonce.as_deref());
    Ok(OcspRequest {
        der,
        nonce,
        cert_id,
    })
}

/// The SHA-1 CertID of `cert` under `issuer`.
pub fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, OcspError> {
    if cert.der.is_empty() || issuer.der.is_empty() {
        return Err(OcspError::Malformed(
            "an OCSP request needs full certificates, not printed fields".into(),
        ));
    }
    if !same_name(&cert.issuer.raw, &issuer.subject.raw) {
        return Err(OcspError::WrongIssuer(format!(
            "certificate issuer is \"{}\" but the issuer given is \"{}\"",
            cert.issuer.text, issuer.subject.text
        )));
    }
    if cert.serial_raw.is_empty() {
        return Err(OcspError::Malformed(
            "certificate has an empty serial".into(),
        ));
    }
    // The CertID names the key that issued the certificate (RFC 6960
    // §4.1.1): after a key rollover the CA's other key, under the same
    // name, is another issuer. An algorithm that cannot be checked here is
    // not taken for a mismatch.
    let (_, parsed) = x509_parser::parse_x509_certificate(&cert.der)
        .map_err(|e| OcspError::Malformed(format!("certificate: {e}")))?;
    let (_, issuer_parsed) = x509_parser::parse_x509_certificate(&issuer.der)
        .map_err(|e| OcspError::Malformed(format!("issuer certificate: {e}")))?;
    if let Err(x509_parser::error::X509Error::SignatureVerificationError) =
        parsed.verify_signature(Some(issuer_parsed.public_key()))
    {
        return Err(OcspError::WrongIssuer(format!(
            "the key of the issuer given (\"{}\", SHA-256 of its key {}) did not sign the certificate (another key of that CA?)",
            issuer.subject.text,
            issuer.spki_sha256.get(..16).unwrap_or(&issuer.spki_sha256)
        )));
    }
    // RFC 6960 §4.1.1: the hash of the issuer name as the certificate
    // being checked carries it (its issuer field).
    Ok(CertId {
        issuer_name_hash: sha1(&cert.issuer.raw),
        issuer_key_hash: sha1(&public_key_bits(issuer)?),
        serial: cert.serial_raw.clone(),
    })
}

fn sha1(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
        .as_ref()
        .to_vec()
}

/// The subjectPublicKey BIT STRING contents of a certificate.
fn public_key_bits(cert: &Certificate) -> Result<Vec<u8>, OcspError> {
    let (_, parsed) = x509_parser::parse_x509_certificate(&cert.der)
        .map_err(|e| OcspError::Malformed(format!("certificate: {e}")))?;
    Ok(parsed.public_key().subject_public_key.data.to_vec())
}

/// DER: OCSPRequest ::= SEQUENCE { tbsRequest SEQUENCE { requestList
/// SEQUENCE OF Request { reqCert CertID }, requestExtensions [2] EXPLICIT
/// Extensions OPTIONAL } } (RFC 6960 §4.1.1). Hand-encoded so the serial
/// goes out byte for byte as the certificate carries it.
fn encode_request(id: &CertId, nonce: Option<&[u8]>) -> Vec<u8> {
    let sha1_alg = der_tlv(
        0x30,
        &[
            &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a][..],
            &[0x05, 0x00],
        ]
        .concat(),
    );
    let cert_id = der_tlv(
        0x30,
        &[
            sha1_alg,
            der_tlv(0x04, &id.issuer_name_hash),
            der_tlv(0x04, &id.issuer_key_hash),
            der_tlv(0x02, &id.serial),
        ]
        .concat(),
    );
    let request = der_tlv(0x30, &cert_id);
    let mut tbs = der_tlv(0x30, &request);
    if let Some(nonce) = nonce {
        // id-pkix-ocsp-nonce 1.3.6.1.5.5.7.48.1.2; extnValue holds an OCTET
        // STRING (RFC 8954 §2.1).
        let oid = [
            0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02,
        ];
        let ext = der_tlv(
            0x30,
            &[&oid[..], &der_tlv(0x04, &der_tlv(0x04, nonce))].concat(),
        );
        tbs.extend(der_tlv(0xa2, &der_tlv(0x30, &ext)));
    }
    der_tlv(0x30, &der_tlv(0x30, &tbs))
}

// ---------------------------------------------------------------------------
// Transport

/// POST `body` to `url` (http or https; RFC 6960 and RFC 5019 §5 name
/// http, and the answer is signed, not secret) with a client that trusts
/// the system roots, bounded by [`crate::revocation::transport::TIMEOUT`] and
/// [`MAX_RESPONSE_BYTES`]. Callers with their own client use [`post_with`].
pub fn post(url: &str, body: &[u8]) -> Result<Vec<u8>, OcspError> {
    let http =
        crate::revocation::transport::Http::new(&[]).map_err(|e| OcspError::Transport(e.0))?;
    post_with(&http, url, body)
}

/// [`post`] through `http`.
pub fn post_with(
    http: &crate::revocation::transport::Http,
    url: &str,
    body: &[u8],
) -> Result<Vec<u8>, OcspError> {
    http.post(
        url,
        "application/ocsp-request",
        "application/ocsp-response",
        body,
        MAX_RESPONSE_BYTES,
    )
    .map_err(|e| {
        if e.0.contains("the body is larger") {
            OcspError::TooLarge
        } else {
            OcspError::Transport(e.0)
        }
    })
}

/// POST `request` to `url` and verify the answer (see [`verify_response`]).
pub fn query(
    url: &str,
    request: &OcspRequest,
    cert: &Certificate,
    issuer: &Certificate,
    at: DateTime<Utc>,
) -> Result<OcspAnswer, OcspError> {
    query_with(url, request, cert, issuer, at, post)
}

/// [`query`] with the transport supplied (`(url, request DER) -> response
/// DER`), for tests and for callers with their own HTTP client or cache.
pub fn query_with<F>(
    url: &str,
    request: &OcspRequest,
    cert: &Certificate,
    issuer: &Certificate,
    at: DateTime<Utc>,
    transport: F,
) -> Result<OcspAnswer, OcspError>
where
    F: FnOnce(&str, &[u8]) -> Result<Vec<u8>, OcspError>,
{
    let body = transport(url, &request.der)?;
    if body.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(OcspError::TooLarge);
    }
    verify_response(&body, request, cert, issuer, at)
}

// ---------------------------------------------------------------------------
// Response

/// Parse and verify a DER `OCSPResponse` for `cert` issued by `issuer` at
/// time `at` (see the module documentation for what is checked).
pub fn verify_response(
    der: &[u8],
    request: &OcspRequest,
    cert: &Certificate,
    issuer: &Certificate,
    at: DateTime<Utc>,
) -> Result<OcspAnswer, OcspError> {
    let expected = cert_id(cert, issuer)?;
    let response = OcspResponse::from_der(der)
        .map_err(|e| OcspError::Malformed(format!("OCSPResponse: {e}")))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(OcspError::NotSuccessful(
            status_name(response.response_status).into(),
        ));
    }
    let bytes = response
        .response_bytes
        .ok_or_else(|| OcspError::Malformed("successful response without responseBytes".into()))?;
    if bytes.response_type.to_string() != OID_OCSP_BASIC {
        return Err(OcspError::Malformed(format!(
            "response type {} is not id-pkix-ocsp-basic",
            bytes.response_type
        )));
    }
    let basic = RawBasic::split(bytes.response.as_bytes())?;
    let data = ResponseData::from_der(basic.tbs)
        .map_err(|e| OcspError::Malformed(format!("tbsResponseData: {e}")))?;
    let responder_id = raw_responder_id(basic.tbs)?;

    // Who signed, and does the signature verify over the raw tbs bytes?
    let issuer_key = public_key_bits(issuer)?;
    let issuer_named = match &responder_id {
        RawResponderId::ByName(name) => same_name(name, &issuer.subject.raw),
        RawResponderId::ByKey(hash) => *hash == sha1(&issuer_key).as_slice(),
    };
    let responder = if issuer_named {
        check_signature(&issuer.der, &basic)?;
        Responder::Issuer {
            subject: issuer.subject.text.clone(),
        }
    } else {
        let signer = find_signer(&basic, &responder_id)?;
        check_signature(&signer.der, &basic)?;
        authorize_delegate(&signer, issuer, at)?
    };

    let nonce_echoed = check_nonce(&data, request.nonce.as_deref())?;

    let single = data
        .responses
        .iter()
        .find(|single| cert_id_matches(&single.cert_id, &expected))
        .ok_or(OcspError::NoMatchingResponse)?;

    let this_update = to_chrono(&single.this_update)?;
    let next_update = single.next_update.as_ref().map(to_chrono).transpose()?;
    let produced_at = to_chrono(&data.produced_at)?;
    if this_update > at + CLOCK_SKEW {
        return Err(OcspError::NotYetValid { this_update, at });
    }
    if let Some(next_update) = next_update {
        if next_update + CLOCK_SKEW < at {
            return Err(OcspError::Stale { next_update, at });
        }
    }

    let status = match &single.cert_status {
        x509_ocsp::CertStatus::Good(_) => CertStatus::Good,
        x509_ocsp::CertStatus::Unknown(_) => CertStatus::Unknown,
        x509_ocsp::CertStatus::Revoked(info) => CertStatus::Revoked {
            time: to_chrono(&info.revocation_time)?,
            reason: info.revocation_reason.map(|r| reason_name(r).to_string()),
        },
    };
    Ok(OcspAnswer {
        status,
        this_update,
        next_update,
        produced_at,
        responder,
        nonce_echoed,
    })
}

fn status_name(status: OcspResponseStatus) -> &'static str {
    match status {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}

fn reason_name(reason: x509_cert::ext::pkix::CrlReason) -> &'static str {
    use x509_cert::ext::pkix::CrlReason as R;
    match reason {
        R::Unspecified => "unspecified",
        R::KeyCompromise => "keyCompromise",
        R::CaCompromise => "cACompromise",
        R::AffiliationChanged => "affiliationChanged",
        R::Superseded => "superseded",
        R::CessationOfOperation => "cessationOfOperation",
        R::CertificateHold => "certificateHold",
        R::RemoveFromCRL => "removeFromCRL",
        R::PrivilegeWithdrawn => "privilegeWithdrawn",
        R::AaCompromise => "aACompromise",
    }
}

fn to_chrono(time: &x509_ocsp::OcspGeneralizedTime) -> Result<DateTime<Utc>, OcspError> {
    let secs = time.0.to_unix_duration().as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or_else(|| OcspError::Malformed("time out of range".into()))
}

/// The parts of a BasicOCSPResponse as raw TLVs (RFC 6960 §4.2.1):
/// SEQUENCE { tbsResponseData, signatureAlgorithm, signature,
/// certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }.
struct RawBasic<'a> {
    tbs: &'a [u8],
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    certs: Vec<&'a [u8]>,
}

impl<'a> RawBasic<'a> {
    fn split(der: &'a [u8]) -> Result<Self, OcspError> {
        let malformed = |e: der::Error| OcspError::Malformed(format!("BasicOCSPResponse: {e}"));
        let content = single_tlv_content(der, Tag::Sequence).map_err(malformed)?;
        let parts = tlvs(content).map_err(malformed)?;
        let (tbs, signature_algorithm, signature, rest) = match parts.as_slice() {
            [tbs, alg, sig, rest @ ..] => (*tbs, *alg, *sig, rest),
            _ => {
                return Err(OcspError::Malformed(
                    "BasicOCSPResponse has fewer than three fields".into(),
                ))
            }
        };
        let certs = match rest {
            [] => Vec::new(),
            [certs] => {
                let outer = single_tlv_content(certs, context(0)).map_err(malformed)?;
                let seq = single_tlv_content(outer, Tag::Sequence).map_err(malformed)?;
                tlvs(seq).map_err(malformed)?
            }
            _ => {
                return Err(OcspError::Malformed(
                    "BasicOCSPResponse has extra fields".into(),
                ))
            }
        };
        Ok(RawBasic {
            tbs,
            signature_algorithm,
            signature,
            certs,
        })
    }
}

fn context(number: u8) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::new(number),
    }
}

/// The content of the one TLV that fills `der`, which must have tag `tag`.
fn single_tlv_content(der: &[u8], tag: Tag) -> Result<&[u8], der::Error> {
    let mut reader = SliceReader::new(der)?;
    let header = reader.peek_header()?;
    header.tag.assert_eq(tag)?;
    let header = der::Header::decode(&mut reader)?;
    let content = reader.read_slice(header.length)?;
    reader.finish(content)
}

/// The TLVs that make up `content`, raw.
fn tlvs(content: &[u8]) -> Result<Vec<&[u8]>, der::Error> {
    let mut reader = SliceReader::new(content)?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(reader.tlv_bytes()?);
    }
    Ok(out)
}

enum RawResponderId<'a> {
    /// The DER Name.
    ByName(&'a [u8]),
    /// SHA-1 of the responder's subjectPublicKey BIT STRING contents.
    ByKey(&'a [u8]),
}

/// ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }, read raw
/// from tbsResponseData (after the optional [0] version).
fn raw_responder_id(tbs: &[u8]) -> Result<RawResponderId<'_>, OcspError> {
    let malformed = |e: der::Error| OcspError::Malformed(format!("responderID: {e}"));
    let content = single_tlv_content(tbs, Tag::Sequence).map_err(malformed)?;
    let parts = tlvs(content).map_err(malformed)?;
    let mut iter = parts.iter();
    let mut first = iter.next();
    if let Some(tlv) = first {
        if tlv.first() == Some(&0xa0) {
            first = iter.next();
        }
    }
    let tlv = first.ok_or_else(|| OcspError::Malformed("no responderID".into()))?;
    match tlv.first() {
        Some(0xa1) => Ok(RawResponderId::ByName(
            single_tlv_content(tlv, context(1)).map_err(malformed)?,
        )),
        Some(0xa2) => {
            let octets = single_tlv_content(tlv, context(2)).map_err(malformed)?;
            Ok(RawResponderId::ByKey(
                single_tlv_content(octets, Tag::OctetString).map_err(malformed)?,
            ))
        }
        _ => Err(OcspError::Malformed(
            "responderID is neither byName nor byKey".into(),
        )),
    }
}

/// The included certificate that the responderID names.
fn find_signer(basic: &RawBasic<'_>, id: &RawResponderId<'_>) -> Result<Certificate, OcspError> {
    for der in &basic.certs {
        let cert = Certificate::from_der(der)
            .map_err(|e| OcspError::Malformed(format!("included certificate: {}", e.0)))?;
        let matches = match id {
            RawResponderId::ByName(name) => same_name(name, &cert.subject.raw),
            RawResponderId::ByKey(hash) => *hash == sha1(&public_key_bits(&cert)?).as_slice(),
        };
        if matches {
            return Ok(cert);
        }
    }
    let who = match id {
        RawResponderId::ByName(name) => x509_parser::x509::X509Name::from_der(name)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|_| "an unparsable name".into()),
        RawResponderId::ByKey(hash) => format!("key hash {}", hex_upper(hash)),
    };
    Err(OcspError::UnauthorizedResponder(format!(
        "the response was signed by {who}, which is not the issuer, and no certificate for it \
         is included"
    )))
}

/// Verify the response signature with the key of `signer_der` over the raw
/// tbsResponseData.
fn check_signature(signer_der: &[u8], basic: &RawBasic<'_>) -> Result<(), OcspError> {
    let (_, signer) = x509_parser::parse_x509_certificate(signer_der)
        .map_err(|e| OcspError::Malformed(format!("signer certificate: {e}")))?;
    let (_, alg) = x509_parser::x509::AlgorithmIdentifier::from_der(basic.signature_algorithm)
        .map_err(|e| OcspError::Malformed(format!("signatureAlgorithm: {e}")))?;
    let (_, sig) = x509_parser::asn1_rs::BitString::from_der(basic.signature)
        .map_err(|e| OcspError::Malformed(format!("signature: {e}")))?;
    x509_parser::verify::verify_signature(signer.public_key(), &alg, &sig, basic.tbs).map_err(|e| {
        match e {
            x509_parser::error::X509Error::SignatureUnsupportedAlgorithm => {
                OcspError::BadSignature(format!(
                    "algorithm {} with this key is not supported, so the response cannot be \
                     verified",
                    alg.algorithm
                ))
            }
            _ => OcspError::BadSignature("does not verify with the signer's key".into()),
        }
    })
}

/// RFC 6960 §4.2.2.2: a delegated responder must be issued directly by the
/// CA that issued the certificate, with the key that issued it (after a key
/// rollover, a responder certified by the CA's other key is not authorised
/// for certificates of this one), carry id-kp-OCSPSigning, and (our policy)
/// be valid at the audit time.
fn authorize_delegate(
    signer: &Certificate,
    issuer: &Certificate,
    at: DateTime<Utc>,
) -> Result<Responder, OcspError> {
    let who = &signer.subject.text;
    if !same_name(&signer.issuer.raw, &issuer.subject.raw) {
        return Err(OcspError::UnauthorizedResponder(format!(
            "responder \"{who}\" was issued by \"{}\", not by the certificate's issuer \"{}\"",
            signer.issuer.text, issuer.subject.text
        )));
    }
    let (_, parsed) = x509_parser::parse_x509_certificate(&signer.der)
        .map_err(|e| OcspError::Malformed(format!("responder certificate: {e}")))?;
    let (_, issuer_parsed) = x509_parser::parse_x509_certificate(&issuer.der)
        .map_err(|e| OcspError::Malformed(format!("issuer certificate: {e}")))?;
    if parsed
        .verify_signature(Some(issuer_parsed.public_key()))
        .is_err()
    {
        let other_key = match (&signer.authority_key_id, &issuer.subject_key_id) {
            (Some(aki), Some(ski)) => aki.key_id.as_ref().is_some_and(|k| k != ski),
            _ => false,
        };
        return Err(OcspError::UnauthorizedResponder(if other_key {
            format!(
                "responder \"{who}\" was certified by another key of \"{}\" (authority key id \
                 {}, the key that issued the certificate is {}): after a CA key rollover only \
                 the key that issued the certificate may authorise its responders (RFC 6960 \
                 §4.2.2.2)",
                issuer.subject.text,
                signer
                    .authority_key_id
                    .as_ref()
                    .and_then(|a| a.key_id.as_deref())
                    .unwrap_or("?"),
                issuer.subject_key_id.as_deref().unwrap_or("?")
            )
        } else {
            format!(
                "responder \"{who}\" names the issuer but its signature does not verify with \
                 the key that issued the certificate"
            )
        }));
    }
    let has_eku = signer
        .extended_key_usage
        .as_ref()
        .is_some_and(|eku| eku.contains(OID_KP_OCSP_SIGNING));
    if !has_eku {
        return Err(OcspError::UnauthorizedResponder(format!(
            "responder \"{who}\" lacks EKU id-kp-OCSPSigning (RFC 6960 §4.2.2.2)"
        )));
    }
    if at < signer.not_before || at > signer.not_after {
        return Err(OcspError::UnauthorizedResponder(format!(
            "responder \"{who}\" is not valid at {at} (valid {} to {})",
            signer.not_before, signer.not_after
        )));
    }
    let ocsp_nocheck = parsed
        .extensions()
        .iter()
        .any(|ext| ext.oid.to_id_string() == OID_OCSP_NOCHECK);
    Ok(Responder::Delegated {
        subject: who.clone(),
        not_after: signer.not_after,
        ocsp_nocheck,
    })
}

/// RFC 8954: the nonce extension's extnValue holds an OCTET STRING; some old
/// responders put the bare nonce there, which is accepted too.
fn check_nonce(data: &ResponseData, sent: Option<&[u8]>) -> Result<Option<bool>, OcspError> {
    let Some(sent) = sent else {
        return Ok(None);
    };
    let echoed = data
        .response_extensions
        .iter()
        .flatten()
        .find(|ext| ext.extn_id.to_string() == OID_OCSP_NONCE);
    let Some(ext) = echoed else {
        return Ok(Some(false));
    };
    let value = ext.extn_value.as_bytes();
    let inner = single_tlv_content(value, Tag::OctetString).ok();
    if inner == Some(sent) || value == sent {
        Ok(Some(true))
    } else {
        Err(OcspError::NonceMismatch)
    }
}

/// The CertID answered is the one asked: SHA-1, the same hashes, and the
/// same serial as a signed integer (RFC 5280 §4.1.2.2; a responder may
/// re-encode it minimally, never change its sign).
fn cert_id_matches(got: &x509_ocsp::CertId, want: &CertId) -> bool {
    use super::crl::serial_key;
    got.hash_algorithm.oid.to_string() == OID_SHA1
        && got.issuer_name_hash.as_bytes() == want.issuer_name_hash.as_slice()
        && got.issuer_key_hash.as_bytes() == want.issuer_key_hash.as_slice()
        && serial_key(got.serial_number.as_bytes()) == serial_key(&want.serial)
}

#[cfg(test)]
mod tests;
