//! RFC 5280 §6.1 path validation, case by case: a generated PKI for each
//! class of chain that the standard (and IOS, strongSwan, Windows) accepts
//! or rejects, run through `pkiaudit check --format json`, with the
//! expected outcome and the section it comes from.
//!
//! Each accepting case is one that rustls-webpki (a Web PKI validator)
//! rejects, so it must also carry the `chain.webpki.rejects` second
//! opinion; each rejecting case names the rule that says why.
//!
//! `PKIAUDIT_TEST_BIN=/path/to/pkiaudit cargo test --test rfc5280_paths`
//! runs the same cases against another build (to show which fail there).

use crate::common::{run, testkit};

use std::path::PathBuf;

use rcgen::{DistinguishedName, DnType, DnValue, Issuer, SanType};
use serde_json::Value;
use testkit::{der_tlv, ymd, CertSpec, Issued};

const AT: &str = "2026-06-01T00:00:00Z";

/// What a case must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The path validates (`chain.status` verified or verified-legacy) and
    /// no chain finding of error severity is raised.
    Valid,
    /// The path validates only with a legacy algorithm: `verified-legacy`
    /// with a `chain.signature.legacy` warning.
    Legacy,
    /// The path fails with this rule among the findings.
    Invalid(&'static str),
}

struct Case {
    name: &'static str,
    /// The RFC section the expectation comes from.
    section: &'static str,
    /// The bundle checked (leaf first), and the trust anchors.
    input: Vec<Vec<u8>>,
    trust: Vec<Vec<u8>>,
    expect: Expect,
    /// rustls-webpki rejects what RFC 5280 accepts here.
    webpki_rejects: bool,
}

fn write_pem(dir: &std::path::Path, name: &str, ders: &[Vec<u8>]) -> PathBuf {
    let path = dir.join(name);
    let pem: String = ders
        .iter()
        .map(|d| testkit::pem_block("CERTIFICATE", d))
        .collect();
    std::fs::write(&path, pem).expect("write fixture");
    path
}

/// Run every case and list the ones that did not give what they should.
fn run_cases(cases: &[Case]) {
    run_cases_at(cases, AT)
}

fn run_cases_at(cases: &[Case], at: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut failed = Vec::new();
    for case in cases {
        let input = write_pem(dir.path(), &format!("{}.pem", case.name), &case.input);
        let trust = write_pem(dir.path(), &format!("{}-root.pem", case.name), &case.trust);
        let run = run::pkiaudit_json([
            "check".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--revocation".as_ref(),
            "off".as_ref(),
            "--at".as_ref(),
            at.as_ref(),
            "--trust".as_ref(),
            trust.as_os_str(),
            input.as_os_str(),
        ]);
        let leaf = &run.json["certificates"][0];
        let status = leaf["chain"]["status"].as_str().unwrap_or("none");
        let rules: Vec<(&str, &str)> = leaf["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| {
                        (
                            f["rule"].as_str().unwrap_or(""),
                            f["severity"].as_str().unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let chain_errors: Vec<&str> = rules
            .iter()
            .filter(|(r, s)| r.starts_with("chain.") && *s == "error")
            .map(|(r, _)| *r)
            .collect();
        let ok = match case.expect {
            Expect::Valid => {
                matches!(status, "verified" | "verified-legacy") && chain_errors.is_empty()
            }
            Expect::Legacy => {
                status == "verified-legacy"
                    && chain_errors.is_empty()
                    && rules.iter().any(|(r, _)| *r == "chain.signature.legacy")
            }
            Expect::Invalid(rule) => status == "failed" && chain_errors.contains(&rule),
        };
        let webpki_ok =
            !case.webpki_rejects || rules.iter().any(|(r, _)| *r == "chain.webpki.rejects");
        if !ok || !webpki_ok {
            failed.push(format!(
                "{} (RFC 5280 §{}): expected {:?}{}, got status {status}, findings {:?}\n{}",
                case.name,
                case.section,
                case.expect,
                if case.webpki_rejects {
                    " with chain.webpki.rejects"
                } else {
                    ""
                },
                rules,
                messages(leaf)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

fn messages(leaf: &Value) -> String {
    leaf["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| format!("  {}: {}", f["rule"], f["message"]))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn dn(attrs: &[(DnType, DnValue)]) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    for (t, v) in attrs {
        d.push(t.clone(), v.clone());
    }
    d
}

fn printable(s: &str) -> DnValue {
    DnValue::PrintableString(s.try_into().expect("printable"))
}

fn utf8(s: &str) -> DnValue {
    DnValue::Utf8String(s.into())
}

/// A CA issued by `issuer` with the subject `subject` (rcgen's defaults
/// otherwise), so names can be encoded as the case needs.
fn ca_named(issuer: &Issued, subject: DistinguishedName, spec: CertSpec) -> Issued {
    let key = spec.key.generate();
    let mut params = spec.params();
    params.distinguished_name = subject;
    let signer = Issuer::from_params(&issuer.params, &issuer.key);
    let cert = params.signed_by(&key, &signer).expect("issued");
    Issued { params, key, cert }
}

/// Issue `spec` with `issuer`'s key but with the issuer name written as
/// `issuer_name`: the same CA, its name encoded differently.
fn issue_as(issuer: &Issued, issuer_name: DistinguishedName, spec: CertSpec) -> Vec<u8> {
    let key = spec.key.generate();
    let params = spec.params();
    let mut as_params = issuer.params.clone();
    as_params.distinguished_name = issuer_name;
    let signer = Issuer::from_params(&as_params, &issuer.key);
    params
        .signed_by(&key, &signer)
        .expect("issued")
        .der()
        .to_vec()
}

fn leaf_spec() -> CertSpec {
    CertSpec::leaf("vpn.example.com").san_dns(&["vpn.example.com"])
}

/// §7.1: names are compared after normalisation, so an issuer name
/// re-encoded (PrintableString for UTF8String, other case, other spacing)
/// still chains; a different name does not.
#[test]
fn name_chaining_compares_names_as_section_7_1_says() {
    let root = Issued::root("Name Root");
    let ca = ca_named(
        &root,
        dn(&[
            (DnType::OrganizationName, utf8("Example VPN")),
            (DnType::CommonName, utf8("Issuing CA")),
        ]),
        CertSpec::ca("unused"),
    );
    let variant =
        |o: DnValue, cn: DnValue| dn(&[(DnType::OrganizationName, o), (DnType::CommonName, cn)]);
    let cases = vec![
        Case {
            name: "printable-vs-utf8",
            section: "7.1",
            input: vec![
                issue_as(
                    &ca,
                    variant(printable("Example VPN"), printable("Issuing CA")),
                    leaf_spec(),
                ),
                ca.der(),
            ],
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "case-differs",
            section: "7.1",
            input: vec![
                issue_as(
                    &ca,
                    variant(utf8("EXAMPLE vpn"), utf8("issuing ca")),
                    leaf_spec(),
                ),
                ca.der(),
            ],
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "whitespace-differs",
            section: "7.1",
            input: vec![
                issue_as(
                    &ca,
                    variant(utf8(" Example   VPN "), utf8("Issuing  CA")),
                    leaf_spec(),
                ),
                ca.der(),
            ],
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "other-name",
            section: "6.1.3 (a)(4)",
            input: vec![
                issue_as(
                    &ca,
                    variant(utf8("Example VPN"), utf8("Issuing CA 2")),
                    leaf_spec(),
                ),
                ca.der(),
            ],
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.issuer.missing"),
            webpki_rejects: false,
        },
    ];
    run_cases(&cases);
}

/// §6.1.4 (l): a self-issued certificate (a CA's new key certified by its
/// old one, at key rollover) does not count against pathLenConstraint;
/// a second CA with another name does.
#[test]
fn self_issued_certificates_do_not_count_against_path_length() {
    let root = Issued::root("Rollover Root");
    let old = root.issue(CertSpec::ca("Rollover CA").path_len(0));
    // new-with-old: subject and issuer "Rollover CA", the new key, signed
    // by the old key.
    let new = old.issue(CertSpec::ca("Rollover CA"));
    let leaf = new.issue(leaf_spec());
    let other = old.issue(CertSpec::ca("Second CA"));
    let leaf2 = other.issue(leaf_spec());
    run_cases(&[
        Case {
            name: "self-issued-exempt",
            section: "6.1.4 (l)",
            input: vec![leaf.der(), new.der(), old.der()],
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "second-ca-counts",
            section: "6.1.4 (l)-(m)",
            input: vec![leaf2.der(), other.der(), old.der()],
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.ca.path-len"),
            webpki_rejects: false,
        },
    ]);
}

// --- name constraints (§4.2.1.10) -------------------------------------

/// A GeneralSubtree with this GeneralName (tag and content).
fn subtree(tag: u8, content: &[u8]) -> Vec<u8> {
    der_tlv(0x30, &der_tlv(tag, content))
}

/// A NameConstraints value: permitted [0] and excluded [1] subtrees.
fn name_constraints(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    if !permitted.is_empty() {
        body.extend(der_tlv(0xa0, &permitted.concat()));
    }
    if !excluded.is_empty() {
        body.extend(der_tlv(0xa1, &excluded.concat()));
    }
    der_tlv(0x30, &body)
}

/// The DER of a Name with one organizationName RDN, as a PrintableString
/// (the certificates below use UTF8String: §7.1 says they match).
fn org_name(org: &str) -> Vec<u8> {
    let attr = [
        der_tlv(0x06, &[0x55, 0x04, 0x0a]),
        der_tlv(0x13, org.as_bytes()),
    ]
    .concat();
    der_tlv(0x30, &der_tlv(0x31, &der_tlv(0x30, &attr)))
}

/// An intermediate with this NameConstraints (critical), under `root`.
fn constrained_ca(root: &Issued, cn: &str, nc: Vec<u8>) -> Issued {
    root.issue(CertSpec::ca(cn).raw_extension(&[2, 5, 29, 30], true, nc))
}

fn with_san(spec: CertSpec, san: SanType) -> CertSpec {
    let mut spec = spec;
    spec.sans.push(san);
    spec
}

#[test]
fn name_constraints_of_every_form() {
    let root = Issued::root("NC Root");
    let leaf = |ca: &Issued, spec: CertSpec| vec![ca.issue(spec).der(), ca.der()];
    let ip = |a: [u8; 4], m: [u8; 4]| [a, m].concat();

    let dn_ca = constrained_ca(
        &root,
        "DN CA",
        name_constraints(&[subtree(0xa4, &org_name("Example VPN"))], &[]),
    );
    let mut outside = CertSpec::leaf("vpn.example.com");
    outside.org = Some("Other Org".into());
    let email_ca = constrained_ca(
        &root,
        "Email CA",
        name_constraints(&[subtree(0x81, b"example.com")], &[]),
    );
    let uri_ca = constrained_ca(
        &root,
        "URI CA",
        name_constraints(&[subtree(0x86, b".example.com")], &[]),
    );
    let ip_ca = constrained_ca(
        &root,
        "IP CA",
        name_constraints(&[subtree(0x87, &ip([10, 0, 0, 0], [255, 0, 0, 0]))], &[]),
    );
    let dns_ca = constrained_ca(
        &root,
        "DNS CA",
        name_constraints(&[], &[subtree(0x82, b"bad.example.com")]),
    );
    let uri = |u: &str| SanType::URI(u.try_into().expect("ia5"));
    let email = |e: &str| SanType::Rfc822Name(e.try_into().expect("ia5"));
    let ipaddr = |a: [u8; 4]| SanType::IpAddress(std::net::IpAddr::from(a));
    let cases = vec![
        Case {
            name: "dn-permitted",
            section: "4.2.1.10 directoryName, 7.1",
            input: leaf(&dn_ca, CertSpec::leaf("vpn.example.com")),
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "dn-outside",
            section: "4.2.1.10 directoryName",
            input: leaf(&dn_ca, outside),
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.ca.name-constraints"),
            webpki_rejects: false,
        },
        Case {
            name: "email-permitted",
            section: "4.2.1.10 rfc822Name",
            input: leaf(&email_ca, with_san(leaf_spec(), email("alice@example.com"))),
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "email-outside",
            section: "4.2.1.10 rfc822Name",
            input: leaf(
                &email_ca,
                with_san(leaf_spec(), email("alice@evil.example.net")),
            ),
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.ca.name-constraints"),
            webpki_rejects: false,
        },
        Case {
            name: "uri-permitted",
            section: "4.2.1.10 uniformResourceIdentifier",
            input: leaf(
                &uri_ca,
                with_san(leaf_spec(), uri("https://vpn.example.com/")),
            ),
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: true,
        },
        Case {
            name: "uri-outside",
            section: "4.2.1.10 uniformResourceIdentifier",
            input: leaf(
                &uri_ca,
                with_san(leaf_spec(), uri("https://vpn.example.net/")),
            ),
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.ca.name-constraints"),
            webpki_rejects: false,
        },
        Case {
            name: "ip-permitted",
            section: "4.2.1.10 iPAddress",
            input: leaf(&ip_ca, with_san(leaf_spec(), ipaddr([10, 1, 2, 3]))),
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: false,
        },
        Case {
            name: "ip-outside",
            section: "4.2.1.10 iPAddress",
            input: leaf(&ip_ca, with_san(leaf_spec(), ipaddr([192, 168, 1, 1]))),
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.ca.name-constraints"),
            webpki_rejects: false,
        },
        Case {
            name: "dns-excluded",
            section: "4.2.1.10 dNSName",
            input: leaf(
                &dns_ca,
                CertSpec::leaf("bad.example.com").san_dns(&["vpn.bad.example.com"]),
            ),
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.ca.name-constraints"),
            webpki_rejects: false,
        },
    ];
    run_cases(&cases);
}

/// §6.1.3 (b): name constraints do not apply to a self-issued
/// intermediate (only to the certificates below it and to the leaf).
#[test]
fn name_constraints_skip_self_issued_intermediates() {
    let root = Issued::root("NC SI Root");
    let ca = constrained_ca(
        &root,
        "Constrained CA",
        name_constraints(&[subtree(0x82, b"example.com")], &[]),
    );
    // The CA's new key, certified by its old one: CN "Constrained CA" is
    // not a DNS name in example.com, but self-issued certificates are not
    // checked.
    let rolled = ca.issue(CertSpec::ca("Constrained CA"));
    let leaf = rolled.issue(leaf_spec());
    run_cases(&[Case {
        name: "self-issued-not-checked",
        section: "6.1.3 (b)",
        input: vec![leaf.der(), rolled.der(), ca.der()],
        trust: vec![root.der()],
        expect: Expect::Valid,
        webpki_rejects: false,
    }]);
}

/// §4.1.2.5.1: UTCTime years 50-99 are 1950-1999. A root valid from
/// 1965 (webpki cannot read dates before 1970).
#[test]
fn utctime_years_before_1970() {
    let mut spec = CertSpec::ca("Old Root");
    spec.not_before = ymd((1965, 1, 1));
    let root = Issued::self_signed(spec);
    let mut ca_spec = CertSpec::ca("Old Issuing CA");
    ca_spec.not_before = ymd((1969, 6, 1));
    let ca = root.issue(ca_spec);
    let leaf = ca.issue(leaf_spec());
    run_cases(&[Case {
        name: "utctime-1960s",
        section: "4.1.2.5.1",
        input: vec![leaf.der(), ca.der()],
        trust: vec![root.der()],
        expect: Expect::Valid,
        webpki_rejects: true,
    }]);
}

/// §4.2, §6.1.4 (o): a critical extension the validator does not process
/// makes the certificate unusable.
#[test]
fn unknown_critical_extension_on_an_intermediate() {
    let root = Issued::root("Ext Root");
    let ca =
        root.issue(CertSpec::ca("Ext CA").custom_extension(&[1, 3, 6, 1, 4, 1, 55555, 1], true));
    let leaf = ca.issue(leaf_spec());
    let ok_ca =
        root.issue(CertSpec::ca("Ext CA 2").custom_extension(&[1, 3, 6, 1, 4, 1, 55555, 1], false));
    let ok_leaf = ok_ca.issue(leaf_spec());
    run_cases(&[
        Case {
            name: "critical-unknown",
            section: "6.1.4 (o)",
            input: vec![leaf.der(), ca.der()],
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.invalid"),
            webpki_rejects: false,
        },
        Case {
            name: "noncritical-unknown",
            section: "4.2",
            input: vec![ok_leaf.der(), ok_ca.der()],
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: false,
        },
    ]);
}

/// §4.2.1.9 / §6.1: RFC 5280 does not forbid cA=TRUE on the end entity
/// (IOS and ASA self-signed identity certificates carry it); webpki
/// refuses it.
#[test]
fn end_entity_with_ca_true_validates() {
    let root = Issued::root("CA-leaf Root");
    let ca = root.issue(CertSpec::ca("CA-leaf Issuing CA"));
    let mut spec = leaf_spec();
    spec.ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let leaf = ca.issue(spec);
    run_cases(&[Case {
        name: "ee-ca-true",
        section: "6.1",
        input: vec![leaf.der(), ca.der()],
        trust: vec![root.der()],
        expect: Expect::Valid,
        webpki_rejects: true,
    }]);
}

/// §6.1.3 (d)-(f), §6.1.5: a CA that requires an explicit policy
/// (policyConstraints requireExplicitPolicy 0) makes the path invalid when
/// no policy is valid for the whole path.
#[test]
fn required_explicit_policy() {
    // certificatePolicies: SEQUENCE OF PolicyInformation { OID }.
    let policies = |oid_content: &[u8]| der_tlv(0x30, &der_tlv(0x30, &der_tlv(0x06, oid_content)));
    // policyConstraints: SEQUENCE { requireExplicitPolicy [0] 0 }.
    let require_explicit = der_tlv(0x30, &der_tlv(0x80, &[0]));
    let p1234 = [0x2a, 0x03, 0x04];
    let p1235 = [0x2a, 0x03, 0x05];
    let root = Issued::root("Policy Root");
    let ca = root.issue(
        CertSpec::ca("Policy CA")
            .raw_extension(&[2, 5, 29, 32], false, policies(&p1234))
            .raw_extension(&[2, 5, 29, 36], true, require_explicit),
    );
    let good = ca.issue(leaf_spec().raw_extension(&[2, 5, 29, 32], false, policies(&p1234)));
    let bad = ca.issue(leaf_spec().raw_extension(&[2, 5, 29, 32], false, policies(&p1235)));
    run_cases(&[
        Case {
            name: "policy-shared",
            section: "6.1.3 (d)",
            input: vec![good.der(), ca.der()],
            trust: vec![root.der()],
            expect: Expect::Valid,
            webpki_rejects: false,
        },
        Case {
            name: "policy-required-none-valid",
            section: "6.1.5 (g), 4.2.1.11",
            input: vec![bad.der(), ca.der()],
            trust: vec![root.der()],
            expect: Expect::Invalid("chain.policy"),
            webpki_rejects: false,
        },
    ]);
}

/// §6.1.3 (a)(1): signatures of every algorithm VPN PKIs use are verified;
/// SHA-1, RSA under 2048 bits and DSA only as legacy (a warning); MD5 not
/// at all. The pairs (leaf, then its CA) were made by OpenSSL
/// (fixtures/signatures/make.sh).
#[test]
fn signature_algorithms() {
    let pair = |name: &str| -> (Vec<u8>, Vec<u8>) {
        let path = format!(
            "{}/fixtures/signatures/{name}.pem",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read(&path).expect("fixture");
        let blocks = pem::parse_many(text).expect("PEM");
        (blocks[0].contents().to_vec(), blocks[1].contents().to_vec())
    };
    let case = |name: &'static str, section, expect, webpki_rejects| {
        let (leaf, ca) = pair(name);
        Case {
            name,
            section,
            input: vec![leaf],
            trust: vec![ca],
            expect,
            webpki_rejects,
        }
    };
    run_cases_at(
        &[
            case(
                "dsa2048-sha256",
                "6.1.3 (a)(1); RFC 3279 §2.2.2",
                Expect::Legacy,
                true,
            ),
            case(
                "p521-sha512",
                "6.1.3 (a)(1); RFC 5758 §3.2",
                Expect::Valid,
                true,
            ),
            case(
                "rsa2048-pss-sha256",
                "6.1.3 (a)(1); RFC 4055 §3.1",
                Expect::Valid,
                false,
            ),
            case(
                "rsa1024-sha1",
                "6.1.3 (a)(1); RFC 3279 §2.2.1",
                Expect::Legacy,
                false,
            ),
            case(
                "rsa2048-md5",
                "6.1.3 (a)(1)",
                Expect::Invalid("chain.signature.unsupported"),
                false,
            ),
        ],
        "2027-06-01T00:00:00Z",
    );
}
