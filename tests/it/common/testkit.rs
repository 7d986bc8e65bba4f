//! A tiny PKI testkit over rcgen, shared by the unit tests (as
//! `crate::testkit`), the integration tests and the fixture generator.
//!
//! ```ignore
//! let root = Issued::root("Example Root CA");
//! let ca = root.issue(CertSpec::ca("Example Issuing CA"));
//! let leaf = ca.issue(CertSpec::leaf("vpn.example.com").san_dns(&["vpn.example.com"]));
//! ```
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use time::OffsetDateTime;

/// RSA keys cannot be generated with ring; these were made once with
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.
const RSA_LEAF_KEY: &str = include_str!("../../../fixtures/keys/rsa-2048-leaf.pem");
const RSA_CA_KEY: &str = include_str!("../../../fixtures/keys/rsa-2048-ca.pem");

/// The subject key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    P256,
    P384,
    Ed25519,
    /// RSA 2048 (a fixed test key).
    Rsa,
    /// Another fixed RSA 2048 key, for RSA CAs.
    RsaCa,
}

impl Key {
    pub fn generate(self) -> KeyPair {
        let made = match self {
            Key::P256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
            Key::P384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384),
            Key::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519),
            Key::Rsa => KeyPair::from_pem(RSA_LEAF_KEY),
            Key::RsaCa => KeyPair::from_pem(RSA_CA_KEY),
        };
        made.expect("test key")
    }
}

/// `(2026, 1, 31)` → midnight UTC.
pub fn ymd((y, m, d): (i32, u8, u8)) -> OffsetDateTime {
    rcgen::date_time_ymd(y, m, d)
}

/// What to put in a certificate.
#[derive(Debug, Clone)]
pub struct CertSpec {
    pub cn: Option<String>,
    pub org: Option<String>,
    pub sans: Vec<SanType>,
    pub ku: Vec<KeyUsagePurpose>,
    pub eku: Vec<ExtendedKeyUsagePurpose>,
    pub ca: IsCa,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub key: Key,
    pub serial: Option<Vec<u8>>,
    pub cdp: Vec<String>,
    pub custom: Vec<CustomExtension>,
    pub permitted_dns: Vec<String>,
}

impl CertSpec {
    /// An end-entity certificate: no KU/EKU/SAN unless added, valid
    /// 2025-01-01 to 2035-01-01, P-256.
    pub fn leaf(cn: &str) -> Self {
        CertSpec {
            cn: Some(cn.to_string()),
            org: Some("Example VPN".into()),
            sans: Vec::new(),
            ku: Vec::new(),
            eku: Vec::new(),
            ca: IsCa::NoCa,
            not_before: ymd((2025, 1, 1)),
            not_after: ymd((2035, 1, 1)),
            key: Key::P256,
            serial: None,
            cdp: Vec::new(),
            custom: Vec::new(),
            permitted_dns: Vec::new(),
        }
    }

    /// A leaf with no subject CN at all.
    pub fn leaf_without_cn() -> Self {
        CertSpec {
            cn: None,
            ..Self::leaf("unused")
        }
    }

    /// A CA: basicConstraints cA=TRUE, KU keyCertSign + cRLSign, P-256,
    /// valid 2024-01-01 to 2040-01-01.
    pub fn ca(cn: &str) -> Self {
        CertSpec {
            ca: IsCa::Ca(BasicConstraints::Unconstrained),
            ku: vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign],
            not_before: ymd((2024, 1, 1)),
            not_after: ymd((2040, 1, 1)),
            ..Self::leaf(cn)
        }
    }

    pub fn san_dns(mut self, names: &[&str]) -> Self {
        for n in names {
            self.sans.push(SanType::DnsName(
                (*n).to_string().try_into().expect("ia5 name"),
            ));
        }
        self
    }

    pub fn san_ip(mut self, ips: &[&str]) -> Self {
        for ip in ips {
            self.sans
                .push(SanType::IpAddress(ip.parse().expect("test IP address")));
        }
        self
    }

    pub fn san_email(mut self, email: &str) -> Self {
        self.sans.push(SanType::Rfc822Name(
            email.to_string().try_into().expect("ia5 email"),
        ));
        self
    }

    pub fn ku(mut self, ku: &[KeyUsagePurpose]) -> Self {
        self.ku = ku.to_vec();
        self
    }

    pub fn eku(mut self, eku: &[ExtendedKeyUsagePurpose]) -> Self {
        self.eku = eku.to_vec();
        self
    }

    /// EKU by dotted OIDs.
    pub fn eku_oids(mut self, oids: &[&str]) -> Self {
        self.eku = oids
            .iter()
            .map(|o| ExtendedKeyUsagePurpose::Other(parse_oid(o)))
            .collect();
        self
    }

    pub fn valid(mut self, from: OffsetDateTime, to: OffsetDateTime) -> Self {
        self.not_before = from;
        self.not_after = to;
        self
    }

    pub fn key(mut self, key: Key) -> Self {
        self.key = key;
        self
    }

    pub fn serial(mut self, bytes: &[u8]) -> Self {
        self.serial = Some(bytes.to_vec());
        self
    }

    pub fn path_len(mut self, n: u8) -> Self {
        self.ca = IsCa::Ca(BasicConstraints::Constrained(n));
        self
    }

    /// basicConstraints cA=FALSE, present.
    pub fn explicit_not_ca(mut self) -> Self {
        self.ca = IsCa::ExplicitNoCa;
        self
    }

    pub fn cdp(mut self, uri: &str) -> Self {
        self.cdp.push(uri.to_string());
        self
    }

    /// Name constraints: only these DNS subtrees are permitted.
    pub fn permit_dns(mut self, domains: &[&str]) -> Self {
        self.permitted_dns = domains.iter().map(|d| d.to_string()).collect();
        self
    }

    pub fn org(mut self, org: Option<&str>) -> Self {
        self.org = org.map(str::to_string);
        self
    }

    /// An empty-valued (NULL) extension with the given OID.
    pub fn custom_extension(self, oid: &[u64], critical: bool) -> Self {
        self.raw_extension(oid, critical, vec![0x05, 0x00])
    }

    /// An extension with the given DER value.
    pub fn raw_extension(mut self, oid: &[u64], critical: bool, value: Vec<u8>) -> Self {
        let mut ext = CustomExtension::from_oid_content(oid, value);
        ext.set_criticality(critical);
        self.custom.push(ext);
        self
    }

    pub fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::default();
        p.distinguished_name = rcgen::DistinguishedName::new();
        if let Some(org) = &self.org {
            p.distinguished_name
                .push(DnType::OrganizationName, org.as_str());
        }
        if let Some(cn) = &self.cn {
            p.distinguished_name.push(DnType::CommonName, cn.as_str());
        }
        p.subject_alt_names = self.sans.clone();
        p.key_usages = self.ku.clone();
        p.extended_key_usages = self.eku.clone();
        p.is_ca = self.ca;
        p.not_before = self.not_before;
        p.not_after = self.not_after;
        p.serial_number = self.serial.as_deref().map(SerialNumber::from_slice);
        p.crl_distribution_points = if self.cdp.is_empty() {
            Vec::new()
        } else {
            vec![rcgen::CrlDistributionPoint {
                uris: self.cdp.clone(),
            }]
        };
        p.custom_extensions = self.custom.clone();
        if !self.permitted_dns.is_empty() {
            p.name_constraints = Some(rcgen::NameConstraints {
                permitted_subtrees: self
                    .permitted_dns
                    .iter()
                    .map(|d| rcgen::GeneralSubtree::DnsName(d.clone()))
                    .collect(),
                excluded_subtrees: Vec::new(),
            });
        }
        p.use_authority_key_identifier_extension = true;
        p
    }
}

pub fn parse_oid(dotted: &str) -> Vec<u64> {
    dotted
        .split('.')
        .map(|n| n.parse().expect("numeric OID arc"))
        .collect()
}

/// A certificate with its key, able to issue more.
pub struct Issued {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub cert: rcgen::Certificate,
}

impl Issued {
    /// A self-signed root CA.
    pub fn root(cn: &str) -> Issued {
        Self::self_signed(CertSpec::ca(cn))
    }

    pub fn self_signed(spec: CertSpec) -> Issued {
        let key = spec.key.generate();
        let mut params = spec.params();
        params.use_authority_key_identifier_extension = false;
        let cert = params.self_signed(&key).expect("self-signed certificate");
        Issued { params, key, cert }
    }

    /// Issue a certificate signed by this one.
    pub fn issue(&self, spec: CertSpec) -> Issued {
        let key = spec.key.generate();
        let params = spec.params();
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).expect("issued certificate");
        Issued { params, key, cert }
    }

    /// Issue a certificate for `key` (not a new one), signed by this one:
    /// a CA's second key, or its key certified again (key rollover).
    pub fn issue_for(&self, spec: CertSpec, key: &KeyPair) -> Issued {
        let key = KeyPair::from_pem(&key.serialize_pem()).expect("key copy");
        let params = spec.params();
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).expect("issued certificate");
        Issued { params, key, cert }
    }

    pub fn der(&self) -> Vec<u8> {
        self.cert.der().to_vec()
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }
}

/// A degenerate PKCS#7 SignedData (certs-only, as `.p7b` exports are), DER.
pub fn p7b(certs: &[Vec<u8>]) -> Vec<u8> {
    use yasna::models::ObjectIdentifier;
    use yasna::Tag;
    let signed_data = ObjectIdentifier::from_slice(&[1, 2, 840, 113549, 1, 7, 2]);
    let data = ObjectIdentifier::from_slice(&[1, 2, 840, 113549, 1, 7, 1]);
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_oid(&signed_data);
            w.next().write_tagged(Tag::context(0), |w| {
                w.write_sequence(|w| {
                    w.next().write_u8(1);
                    w.next().write_set_of(|_| {});
                    w.next().write_sequence(|w| w.next().write_oid(&data));
                    w.next().write_tagged_implicit(Tag::context(0), |w| {
                        w.write_set_of(|w| {
                            for c in certs {
                                w.next().write_der(c);
                            }
                        })
                    });
                    w.next().write_set_of(|_| {});
                })
            });
        })
    })
}

/// PEM-armour DER with the given label (64-column base64).
pub fn pem_block(label: &str, der: &[u8]) -> String {
    pem::encode(&pem::Pem::new(label, der.to_vec()))
}

// --- indirect CRLs (rcgen has no certificateIssuer or indirectCRL) --------

/// `tlv(tag, content)` in DER: a one-octet tag and the minimal definite
/// length (X.690 §8.1.3, §10.1), short or long form, for any length.
pub fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        // long form: 0x80 | how many length octets follow, then the length
        // big-endian with no leading zero octet
        let octets: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | octets.len() as u8);
        out.extend(octets);
    }
    out.extend_from_slice(content);
    out
}

/// GeneralNames with one directoryName ([4] EXPLICIT Name).
pub fn general_names_dn(name: &[u8]) -> Vec<u8> {
    der_tlv(0x30, &der_tlv(0xa4, name))
}

/// A CRL Distribution Points extension value: one point with a URI and
/// cRLIssuer `issuer` (RFC 5280 §4.2.1.13).
pub fn cdp_with_crl_issuer(uri: &str, issuer: &[u8]) -> Vec<u8> {
    let full_name = der_tlv(0xa0, &der_tlv(0xa0, &der_tlv(0x86, uri.as_bytes())));
    let crl_issuer = der_tlv(0xa2, &der_tlv(0xa4, issuer));
    der_tlv(0x30, &der_tlv(0x30, &[full_name, crl_issuer].concat()))
}

/// A CRL signed by `signer`, IDP indirectCRL when `indirect`; each entry
/// is (serial, certificateIssuer name to switch to, if any). CRL number 3,
/// valid 2026-02-03 to 2026-02-10, entries revoked 2026-02-02, no
/// authority key identifier.
pub fn indirect_crl(
    signer: &Issued,
    indirect: bool,
    entries: &[(&[u8], Option<&[u8]>)],
) -> Vec<u8> {
    let mut spec = CrlSpec::new(3)
        .valid("260203000000Z", Some("260210000000Z"))
        .revoked_at("260202000000Z")
        .without_aki()
        .list_when_empty();
    if indirect {
        spec = spec.idp(Idp {
            indirect: true,
            ..Idp::default()
        });
    }
    for (serial, cert_issuer) in entries {
        let entry = CrlEntry::new(serial);
        spec = spec.entry(match cert_issuer {
            Some(name) => entry.cert_issuer(name),
            None => entry,
        });
    }
    build_crl(signer, &spec)
}

/// The DER subject Name of a certificate.
pub fn subject_der(cert_der: &[u8]) -> Vec<u8> {
    use x509_parser::prelude::FromDer;
    let (_, c) =
        x509_parser::certificate::X509Certificate::from_der(cert_der).expect("certificate");
    c.tbs_certificate.subject.as_raw().to_vec()
}

// --- hand-built CRLs: what rcgen cannot make (Delta CRL Indicator, Freshest
// CRL, onlySomeReasons, certificateIssuer entries, serials written as given,
// other extensions such as an unknown critical one, an empty entry list).
// The one CRL writer of the tests: the unit tests and `indirect_crl` use it.

/// One revokedCertificates entry of a [`CrlSpec`].
#[derive(Debug, Clone, Default)]
pub struct CrlEntry {
    /// The serial INTEGER's content octets, written as given: `[0xFF]` is
    /// −1, `[0x00, 0xFF]` is +255.
    pub serial: Vec<u8>,
    /// reasonCode (RFC 5280 §5.3.1).
    pub reason: Option<u8>,
    /// certificateIssuer (§5.3.3, indirect CRLs): a DER Name.
    pub cert_issuer: Option<Vec<u8>>,
}

impl CrlEntry {
    pub fn new(serial: &[u8]) -> Self {
        CrlEntry {
            serial: serial.to_vec(),
            ..CrlEntry::default()
        }
    }

    pub fn reason(mut self, code: u8) -> Self {
        self.reason = Some(code);
        self
    }

    pub fn cert_issuer(mut self, name: &[u8]) -> Self {
        self.cert_issuer = Some(name.to_vec());
        self
    }
}

/// ReasonFlags bits (RFC 5280 §4.2.1.13): bit n is the reason of code n.
pub mod reason_bits {
    pub const KEY_COMPROMISE: u16 = 1 << 1;
    pub const CA_COMPROMISE: u16 = 1 << 2;
    pub const AFFILIATION_CHANGED: u16 = 1 << 3;
    pub const SUPERSEDED: u16 = 1 << 4;
    pub const CESSATION_OF_OPERATION: u16 = 1 << 5;
    pub const CERTIFICATE_HOLD: u16 = 1 << 6;
    pub const PRIVILEGE_WITHDRAWN: u16 = 1 << 7;
    pub const AA_COMPROMISE: u16 = 1 << 8;
}

/// An Issuing Distribution Point (RFC 5280 §5.2.5).
#[derive(Debug, Clone, Default)]
pub struct Idp {
    /// distributionPoint fullName: URIs, then directory names (DER).
    pub uris: Vec<String>,
    pub dir_names: Vec<Vec<u8>>,
    pub only_user: bool,
    pub only_ca: bool,
    /// onlySomeReasons, as [`reason_bits`].
    pub only_some_reasons: Option<u16>,
    pub indirect: bool,
    pub only_attribute: bool,
}

/// What goes into a [`build_crl`] CRL.
#[derive(Debug, Clone)]
pub struct CrlSpec {
    pub number: u64,
    /// Delta CRL Indicator: the base CRL number (§5.2.4).
    pub delta_of: Option<u64>,
    /// UTCTime text, `YYMMDDHHMMSSZ`.
    pub this_update: String,
    pub next_update: Option<String>,
    /// The revocationDate of every entry, UTCTime text.
    pub revoked_at: String,
    pub entries: Vec<CrlEntry>,
    /// Write revokedCertificates as an empty SEQUENCE when there are no
    /// entries, instead of leaving the OPTIONAL field out (§5.1.2.6).
    pub list_when_empty: bool,
    pub idp: Option<Idp>,
    /// Freshest CRL locations (§5.2.6).
    pub freshest: Vec<String>,
    /// Write the signer's subject key identifier as the CRL's authority
    /// key identifier (§5.2.1).
    pub aki: bool,
    /// The issuer name to write; the signer's subject when `None`.
    pub issuer: Option<Vec<u8>>,
    /// More crlExtensions, written last as given: (OID arcs, critical,
    /// extnValue content), e.g. an unknown critical one (§5.2).
    pub extensions: Vec<(Vec<u64>, bool, Vec<u8>)>,
}

impl CrlSpec {
    /// CRL number `number`, thisUpdate 2026-02-01, nextUpdate 2026-03-01,
    /// no entries (entries revoked 2026-01-15), AKI from the signer.
    pub fn new(number: u64) -> Self {
        CrlSpec {
            number,
            delta_of: None,
            this_update: "260201000000Z".into(),
            next_update: Some("260301000000Z".into()),
            revoked_at: "260115000000Z".into(),
            entries: Vec::new(),
            list_when_empty: false,
            idp: None,
            freshest: Vec::new(),
            aki: true,
            issuer: None,
            extensions: Vec::new(),
        }
    }

    pub fn delta_of(mut self, base: u64) -> Self {
        self.delta_of = Some(base);
        self
    }

    pub fn entry(mut self, entry: CrlEntry) -> Self {
        self.entries.push(entry);
        self
    }

    pub fn idp(mut self, idp: Idp) -> Self {
        self.idp = Some(idp);
        self
    }

    pub fn freshest(mut self, uri: &str) -> Self {
        self.freshest.push(uri.to_string());
        self
    }

    pub fn valid(mut self, this_update: &str, next_update: Option<&str>) -> Self {
        self.this_update = this_update.to_string();
        self.next_update = next_update.map(str::to_string);
        self
    }

    pub fn revoked_at(mut self, time: &str) -> Self {
        self.revoked_at = time.to_string();
        self
    }

    pub fn list_when_empty(mut self) -> Self {
        self.list_when_empty = true;
        self
    }

    pub fn without_aki(mut self) -> Self {
        self.aki = false;
        self
    }

    pub fn extension(mut self, oid: &[u64], critical: bool, value: &[u8]) -> Self {
        self.extensions
            .push((oid.to_vec(), critical, value.to_vec()));
        self
    }
}

/// The DER of ReasonFlags `bits` as a BIT STRING content with `tag`
/// (IMPLICIT), trailing zero bits dropped as DER requires.
fn write_reason_flags(w: yasna::DERWriter<'_>, tag: yasna::Tag, bits: u16) {
    let len = 16 - bits.leading_zeros() as usize;
    let bytes: Vec<u8> = (0..len.div_ceil(8))
        .map(|byte| {
            (0..8)
                .filter(|bit| bits & (1 << (byte * 8 + bit)) != 0)
                .fold(0u8, |acc, bit| acc | (0x80 >> bit))
        })
        .collect();
    w.write_tagged_implicit(tag, |w| w.write_bitvec_bytes(&bytes, len));
}

/// DistributionPointName fullName [0] with `uris` and directory `names`,
/// inside the EXPLICIT [0] of a DistributionPoint or an IDP.
fn write_full_name(w: yasna::DERWriter<'_>, uris: &[String], names: &[Vec<u8>]) {
    use yasna::Tag;
    w.write_tagged(Tag::context(0), |w| {
        w.write_tagged_implicit(Tag::context(0), |w| {
            w.write_sequence(|w| {
                for uri in uris {
                    w.next()
                        .write_tagged_implicit(Tag::context(6), |w| w.write_ia5_string(uri));
                }
                for name in names {
                    w.next()
                        .write_tagged(Tag::context(4), |w| w.write_der(name));
                }
            })
        })
    })
}

/// One DistributionPoint of a [`distribution_points`] extension value.
#[derive(Debug, Clone, Default)]
pub struct DpSpec {
    pub uris: Vec<String>,
    /// reasons, as [`reason_bits`].
    pub reasons: Option<u16>,
    /// cRLIssuer: one directory name (DER).
    pub crl_issuer: Option<Vec<u8>>,
}

/// A CRL Distribution Points (or Freshest CRL) extension value
/// (RFC 5280 §4.2.1.13, §4.2.1.15).
pub fn distribution_points(points: &[DpSpec]) -> Vec<u8> {
    use yasna::Tag;
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            for p in points {
                w.next().write_sequence(|w| {
                    if !p.uris.is_empty() {
                        write_full_name(w.next(), &p.uris, &[]);
                    }
                    if let Some(bits) = p.reasons {
                        write_reason_flags(w.next(), Tag::context(1), bits);
                    }
                    if let Some(name) = &p.crl_issuer {
                        w.next().write_tagged_implicit(Tag::context(2), |w| {
                            w.write_sequence(|w| {
                                w.next()
                                    .write_tagged(Tag::context(4), |w| w.write_der(name))
                            })
                        });
                    }
                });
            }
        })
    })
}

/// A CRL per `spec`, signed by `signer` (a P-256 key: ecdsa-with-SHA256).
pub fn build_crl(signer: &Issued, spec: &CrlSpec) -> Vec<u8> {
    use x509_parser::prelude::FromDer;
    use yasna::models::{ObjectIdentifier, UTCTime};
    use yasna::Tag;
    assert_eq!(
        signer.key.algorithm(),
        &rcgen::PKCS_ECDSA_P256_SHA256,
        "build_crl signs with P-256 keys only"
    );
    let signer_der = signer.der();
    let (_, parsed) =
        x509_parser::certificate::X509Certificate::from_der(&signer_der).expect("signer");
    let issuer = spec
        .issuer
        .clone()
        .unwrap_or_else(|| parsed.tbs_certificate.subject.as_raw().to_vec());
    let ski = parsed
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        });
    let ecdsa_sha256 = ObjectIdentifier::from_slice(&[1, 2, 840, 10045, 4, 3, 2]);
    let alg = yasna::construct_der(|w| w.write_sequence(|w| w.next().write_oid(&ecdsa_sha256)));
    let utc = |s: &str| UTCTime::parse(s.as_bytes()).expect("utc");
    let ext = |w: yasna::DERWriter<'_>, oid: &[u64], critical: bool, value: Vec<u8>| {
        w.write_sequence(|w| {
            w.next().write_oid(&ObjectIdentifier::from_slice(oid));
            if critical {
                w.next().write_bool(true);
            }
            w.next().write_bytes(&value);
        })
    };
    let tbs = yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_u8(1); // v2
            w.next().write_der(&alg);
            w.next().write_der(&issuer);
            w.next().write_utctime(&utc(&spec.this_update));
            if let Some(next) = &spec.next_update {
                w.next().write_utctime(&utc(next));
            }
            if !spec.entries.is_empty() || spec.list_when_empty {
                w.next().write_sequence(|w| {
                    for e in &spec.entries {
                        w.next().write_sequence(|w| {
                            w.next().write_der(&der_tlv(0x02, &e.serial));
                            w.next().write_utctime(&utc(&spec.revoked_at));
                            if e.reason.is_none() && e.cert_issuer.is_none() {
                                return;
                            }
                            w.next().write_sequence(|w| {
                                if let Some(code) = e.reason {
                                    let v = yasna::construct_der(|w| w.write_enum(code as i64));
                                    ext(w.next(), &[2, 5, 29, 21], false, v);
                                }
                                if let Some(name) = &e.cert_issuer {
                                    ext(w.next(), &[2, 5, 29, 29], true, general_names_dn(name));
                                }
                            });
                        });
                    }
                });
            }
            w.next().write_tagged(Tag::context(0), |w| {
                w.write_sequence(|w| {
                    if let (true, Some(ski)) = (spec.aki, &ski) {
                        let v = der_tlv(0x30, &der_tlv(0x80, ski));
                        ext(w.next(), &[2, 5, 29, 35], false, v);
                    }
                    let n = yasna::construct_der(|w| w.write_u64(spec.number));
                    ext(w.next(), &[2, 5, 29, 20], false, n);
                    if let Some(base) = spec.delta_of {
                        let b = yasna::construct_der(|w| w.write_u64(base));
                        ext(w.next(), &[2, 5, 29, 27], true, b);
                    }
                    if let Some(idp) = &spec.idp {
                        let v = yasna::construct_der(|w| {
                            w.write_sequence(|w| {
                                if !idp.uris.is_empty() || !idp.dir_names.is_empty() {
                                    write_full_name(w.next(), &idp.uris, &idp.dir_names);
                                }
                                let flag = |w: yasna::DERWriter<'_>, n: u64| {
                                    w.write_tagged_implicit(Tag::context(n), |w| w.write_bool(true))
                                };
                                if idp.only_user {
                                    flag(w.next(), 1);
                                }
                                if idp.only_ca {
                                    flag(w.next(), 2);
                                }
                                if let Some(bits) = idp.only_some_reasons {
                                    write_reason_flags(w.next(), Tag::context(3), bits);
                                }
                                if idp.indirect {
                                    flag(w.next(), 4);
                                }
                                if idp.only_attribute {
                                    flag(w.next(), 5);
                                }
                            })
                        });
                        ext(w.next(), &[2, 5, 29, 28], true, v);
                    }
                    if !spec.freshest.is_empty() {
                        let points = [DpSpec {
                            uris: spec.freshest.clone(),
                            ..DpSpec::default()
                        }];
                        ext(
                            w.next(),
                            &[2, 5, 29, 46],
                            false,
                            distribution_points(&points),
                        );
                    }
                    for (oid, critical, value) in &spec.extensions {
                        ext(w.next(), oid, *critical, value.clone());
                    }
                })
            });
        })
    });
    let sig = rcgen::SigningKey::sign(&signer.key, &tbs).expect("sign");
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_der(&tbs);
            w.next().write_der(&alg);
            w.next().write_bitvec_bytes(&sig, sig.len() * 8);
        })
    })
}

/// A plain CRL of `ca` (number 7, SHA-256 key id) revoking `serials` for
/// keyCompromise at `revoked_at`, valid `this_update`..`next_update`.
pub fn crl_revoking(
    ca: &Issued,
    serials: &[&[u8]],
    this_update: (i32, u8, u8),
    next_update: (i32, u8, u8),
    revoked_at: (i32, u8, u8),
) -> Vec<u8> {
    use rcgen::{
        CertificateRevocationListParams, KeyIdMethod, RevocationReason, RevokedCertParams,
    };
    let params = CertificateRevocationListParams {
        this_update: ymd(this_update),
        next_update: ymd(next_update),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from_slice(s),
                revocation_time: ymd(revoked_at),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params
        .signed_by(&Issuer::from_params(&ca.params, &ca.key))
        .expect("signed CRL")
        .der()
        .to_vec()
}
