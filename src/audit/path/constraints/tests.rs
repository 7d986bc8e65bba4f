use super::*;
use crate::testkit::der_tlv;
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, CustomExtension, DistinguishedName, DnType,
    DnValue, GeneralSubtree as G, IsCa, KeyPair, SanType,
};
use yasna::models::ObjectIdentifier;
use yasna::Tag;

// ---- certificates made with rcgen ----

fn self_signed(params: CertificateParams) -> Vec<u8> {
    let key = KeyPair::generate().expect("key");
    params
        .self_signed(&key)
        .expect("certificate")
        .der()
        .to_vec()
}

/// The constraints of a CA certificate with these subtrees.
fn ca(permitted: Vec<G>, excluded: Vec<G>) -> NameConstraints {
    let mut params = CertificateParams::default();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: excluded,
    });
    NameConstraints::of_certificate(&self_signed(params))
        .expect("constraints parse")
        .expect("constraints present")
}

fn cn_dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, DnValue::Utf8String(cn.into()));
    dn
}

fn leaf_with(dn: DistinguishedName, sans: Vec<SanType>, san_der: Option<Vec<u8>>) -> SubjectNames {
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.subject_alt_names = sans;
    if let Some(value) = san_der {
        params
            .custom_extensions
            .push(CustomExtension::from_oid_content(&[2, 5, 29, 17], value));
    }
    SubjectNames::of_certificate(&self_signed(params)).expect("names parse")
}

fn leaf(cn: &str, sans: Vec<SanType>) -> SubjectNames {
    leaf_with(cn_dn(cn), sans, None)
}

fn dns(name: &str) -> SanType {
    SanType::DnsName(name.try_into().expect("ia5"))
}

fn email(name: &str) -> SanType {
    SanType::Rfc822Name(name.try_into().expect("ia5"))
}

fn uri(name: &str) -> SanType {
    SanType::URI(name.try_into().expect("ia5"))
}

fn ip(addr: &str) -> SanType {
    SanType::IpAddress(addr.parse().expect("ip"))
}

fn state(ncs: &[NameConstraints]) -> State {
    let mut state = State::new();
    for nc in ncs {
        state.apply(nc);
    }
    state
}

fn check(nc: &NameConstraints, names: &SubjectNames) -> Result<(), Violation> {
    state(std::slice::from_ref(nc)).check(names)
}

fn violation(nc: &NameConstraints, names: &SubjectNames) -> Violation {
    check(nc, names).expect_err("a violation")
}

// ---- DER made by hand, for what rcgen cannot write ----

fn gn_ia5(tag: u64, text: &str) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_tagged_implicit(Tag::context(tag), |w| w.write_ia5_string(text))
    })
}

fn gn_bytes(tag: u64, bytes: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| w.write_tagged_implicit(Tag::context(tag), |w| w.write_bytes(bytes)))
}

fn gn_dir(name: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| w.write_tagged(Tag::context(4), |w| w.write_der(name)))
}

fn gn_registered_id(oid: &[u64]) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_tagged_implicit(Tag::context(8), |w| {
            w.write_oid(&ObjectIdentifier::from_slice(oid))
        })
    })
}

/// An otherName holding a Microsoft UPN.
fn gn_upn(upn: &str) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_tagged_implicit(Tag::context(0), |w| {
            w.write_sequence(|w| {
                w.next().write_oid(&ObjectIdentifier::from_slice(&[
                    1, 3, 6, 1, 4, 1, 311, 20, 2, 3,
                ]));
                w.next()
                    .write_tagged(Tag::context(0), |w| w.write_utf8_string(upn));
            })
        })
    })
}

/// A GeneralSubtree: the base, then whatever else is given (minimum,
/// maximum).
fn subtree(base: &[u8], rest: &[u8]) -> Vec<u8> {
    der_tlv(0x30, &[base, rest].concat())
}

fn nc_der(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
    let mut content = Vec::new();
    if !permitted.is_empty() {
        content.extend(der_tlv(0xa0, &permitted.concat()));
    }
    if !excluded.is_empty() {
        content.extend(der_tlv(0xa1, &excluded.concat()));
    }
    der_tlv(0x30, &content)
}

fn san_der(names: &[Vec<u8>]) -> Vec<u8> {
    der_tlv(0x30, &names.concat())
}

/// A Name: RDNs of one attribute each, PrintableString when `printable`.
fn name_der(rdns: &[(&[u64], &str)], printable: bool) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            for (oid, value) in rdns {
                w.next().write_set(|w| {
                    w.next().write_sequence(|w| {
                        w.next().write_oid(&ObjectIdentifier::from_slice(oid));
                        if printable {
                            w.next().write_printable_string(value)
                        } else {
                            w.next().write_utf8_string(value)
                        }
                    })
                })
            }
        })
    })
}

const C: &[u64] = &[2, 5, 4, 6];
const O: &[u64] = &[2, 5, 4, 10];
const CN: &[u64] = &[2, 5, 4, 3];

// ---- parsing ----

#[test]
fn rfc5280_4_2_1_10_extension_is_read_into_subtrees() {
    let nc = ca(
        vec![
            G::DnsName("Example.COM.".into()),
            G::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8)),
        ],
        vec![G::Rfc822Name("Admin@Example.com".into())],
    );
    assert_eq!(
        nc,
        NameConstraints {
            permitted: Some(vec![
                Subtree::Dns("example.com".into()),
                Subtree::Ip {
                    addr: vec![10, 0, 0, 0],
                    mask: vec![255, 0, 0, 0]
                },
            ]),
            excluded: vec![Subtree::Email("Admin@example.com".into())],
        }
    );
    let plain = self_signed(CertificateParams::default());
    assert_eq!(NameConstraints::of_certificate(&plain), Ok(None));
}

#[test]
fn rfc5280_4_2_1_10_minimum_must_be_zero_and_maximum_absent() {
    let base = gn_ia5(2, "example.com");
    let explicit_zero = nc_der(&[subtree(&base, &[0x80, 0x01, 0x00])], &[]);
    assert_eq!(
        NameConstraints::from_der(&explicit_zero).map(|nc| nc.permitted),
        Ok(Some(vec![Subtree::Dns("example.com".into())]))
    );
    let minimum_one = nc_der(&[subtree(&base, &[0x80, 0x01, 0x01])], &[]);
    let err = NameConstraints::from_der(&minimum_one).unwrap_err();
    assert!(err.contains("minimum"), "{err}");
    let maximum = nc_der(&[], &[subtree(&base, &[0x81, 0x01, 0x02])]);
    let err = NameConstraints::from_der(&maximum).unwrap_err();
    assert!(err.contains("maximum"), "{err}");
    let both = nc_der(
        &[subtree(&base, &[0x80, 0x01, 0x00, 0x81, 0x01, 0x00])],
        &[],
    );
    assert!(NameConstraints::from_der(&both).is_err());
}

#[test]
fn rfc5280_4_2_1_10_malformed_ip_constraint_is_an_error() {
    let five = nc_der(&[subtree(&gn_bytes(7, &[10, 0, 0, 0, 255]), &[])], &[]);
    let err = NameConstraints::from_der(&five).unwrap_err();
    assert!(err.contains("5 bytes"), "{err}");
    let sixteen = nc_der(&[], &[subtree(&gn_bytes(7, &[0; 16]), &[])]);
    assert!(NameConstraints::from_der(&sixteen).is_err());
    // And a certificate carrying it is an error, not "no constraints".
    let mut params = CertificateParams::default();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .custom_extensions
        .push(CustomExtension::from_oid_content(&[2, 5, 29, 30], five));
    assert!(NameConstraints::of_certificate(&self_signed(params)).is_err());
}

#[test]
fn rfc5280_4_2_1_10_malformed_extensions_are_errors() {
    // Empty GeneralSubtrees (SIZE (1..MAX)).
    assert!(NameConstraints::from_der(&der_tlv(0x30, &der_tlv(0xa0, &[]))).is_err());
    // Excluded before permitted.
    let dns = subtree(&gn_ia5(2, "example.com"), &[]);
    let swapped = der_tlv(0x30, &[der_tlv(0xa1, &dns), der_tlv(0xa0, &dns)].concat());
    assert!(NameConstraints::from_der(&swapped).is_err());
    // A wildcard DNS constraint is not a domain name.
    let wildcard = nc_der(&[], &[subtree(&gn_ia5(2, "*.example.com"), &[])]);
    assert!(NameConstraints::from_der(&wildcard).is_err());
    // Trailing bytes.
    let mut trailing = nc_der(std::slice::from_ref(&dns), &[]);
    trailing.push(0);
    assert!(NameConstraints::from_der(&trailing).is_err());
    // Neither field: accepted, constrains nothing.
    assert_eq!(
        NameConstraints::from_der(&[0x30, 0x00]),
        Ok(NameConstraints {
            permitted: None,
            excluded: vec![]
        })
    );
}

#[test]
fn hostile_input_is_capped() {
    let one = subtree(&gn_ia5(2, "example.com"), &[]);
    let many = vec![one.clone(); MAX_SUBTREES + 1];
    let err = NameConstraints::from_der(&nc_der(&many, &[])).unwrap_err();
    assert!(err.contains("more than"), "{err}");
    let split = NameConstraints::from_der(&nc_der(
        &many[..MAX_SUBTREES / 2],
        &many[MAX_SUBTREES / 2..],
    ));
    assert!(
        split.is_err(),
        "the cap counts permitted and excluded together"
    );
    assert!(NameConstraints::from_der(&nc_der(&many[..MAX_SUBTREES], &[])).is_ok());

    let names = vec![gn_ia5(2, "a.example.com"); MAX_NAMES + 1];
    let mut params = CertificateParams::default();
    params
        .custom_extensions
        .push(CustomExtension::from_oid_content(
            &[2, 5, 29, 17],
            san_der(&names),
        ));
    let err = SubjectNames::of_certificate(&self_signed(params)).unwrap_err();
    assert!(err.contains("more than"), "{err}");
}

// ---- dNSName ----

#[test]
fn rfc5280_4_2_1_10_dns_permitted_adds_labels_on_the_left() {
    let nc = ca(vec![G::DnsName("example.com".into())], vec![]);
    assert_eq!(check(&nc, &leaf("x", vec![dns("example.com")])), Ok(()));
    assert_eq!(
        check(&nc, &leaf("x", vec![dns("vpn.site1.example.com")])),
        Ok(())
    );
    let v = violation(
        &nc,
        &leaf("x", vec![dns("a.example.com"), dns("badexample.com")]),
    );
    assert_eq!(v.name, "DNS:badexample.com");
    assert_eq!(
        v.reason,
        "not within the permitted DNS subtrees [example.com]"
    );
}

#[test]
fn rfc5280_4_2_1_10_dns_excluded_subtree() {
    let nc = ca(vec![], vec![G::DnsName("bad.example.com".into())]);
    assert_eq!(
        check(&nc, &leaf("x", vec![dns("good.example.com")])),
        Ok(())
    );
    assert_eq!(
        check(&nc, &leaf("x", vec![dns("notbad.example.com")])),
        Ok(())
    );
    let v = violation(&nc, &leaf("x", vec![dns("host.BAD.example.com")]));
    assert_eq!(v.name, "DNS:host.bad.example.com");
    assert_eq!(v.reason, "within the excluded subtree bad.example.com");
    // Excluded wins over permitted.
    let both = ca(
        vec![G::DnsName("example.com".into())],
        vec![G::DnsName("bad.example.com".into())],
    );
    assert!(check(&both, &leaf("x", vec![dns("bad.example.com")])).is_err());
}

#[test]
fn rfc5280_4_2_1_10_dns_leading_period_means_subdomains_only() {
    let nc = ca(vec![G::DnsName(".example.com".into())], vec![]);
    assert_eq!(check(&nc, &leaf("x", vec![dns("vpn.example.com")])), Ok(()));
    let v = violation(&nc, &leaf("x", vec![dns("example.com")]));
    assert_eq!(
        v.reason,
        "not within the permitted DNS subtrees [.example.com]"
    );
}

#[test]
fn rfc5280_4_2_1_10_dns_case_trailing_dot_and_empty_constraint() {
    let nc = ca(vec![G::DnsName("Example.COM.".into())], vec![]);
    assert_eq!(
        check(&nc, &leaf("x", vec![dns("VPN.example.com.")])),
        Ok(())
    );
    // The empty constraint is the whole name space.
    let everything = ca(vec![], vec![G::DnsName(String::new())]);
    assert!(check(&everything, &leaf("x", vec![dns("anything.example.net")])).is_err());
    let all_permitted = ca(vec![G::DnsName(String::new())], vec![]);
    assert_eq!(
        check(
            &all_permitted,
            &leaf("x", vec![dns("anything.example.net")])
        ),
        Ok(())
    );
}

#[test]
fn rfc5280_4_2_1_10_dns_wildcards() {
    // Permitted: every name the wildcard stands for must be inside.
    let permitted = ca(vec![G::DnsName("example.com".into())], vec![]);
    assert_eq!(
        check(&permitted, &leaf("x", vec![dns("*.example.com")])),
        Ok(())
    );
    let narrow = ca(vec![G::DnsName("vpn.example.com".into())], vec![]);
    assert!(check(&narrow, &leaf("x", vec![dns("*.example.com")])).is_err());
    // Excluded: any name it could stand for must be outside.
    let excluded = ca(vec![], vec![G::DnsName("bad.example.com".into())]);
    let v = violation(&excluded, &leaf("x", vec![dns("*.example.com")]));
    assert_eq!(v.name, "DNS:*.example.com");
    assert_eq!(v.reason, "within the excluded subtree bad.example.com");
    let below = ca(vec![], vec![G::DnsName(".internal.example.com".into())]);
    assert!(check(&below, &leaf("x", vec![dns("*.example.com")])).is_err());
    let above = ca(vec![], vec![G::DnsName("example.com".into())]);
    assert!(check(&above, &leaf("x", vec![dns("*.vpn.example.com")])).is_err());
    let elsewhere = ca(vec![], vec![G::DnsName("bad.example.org".into())]);
    assert_eq!(
        check(&elsewhere, &leaf("x", vec![dns("*.example.com")])),
        Ok(())
    );
    let sibling = ca(vec![], vec![G::DnsName("bad.example.com".into())]);
    assert_eq!(
        check(&sibling, &leaf("x", vec![dns("*.vpn.example.com")])),
        Ok(())
    );
}

#[test]
fn rfc5280_4_2_1_10_unprintable_dns_name_cannot_be_checked() {
    // "evil.example.net\0.example.com": a C client reads the part
    // before the NUL.
    let san = san_der(&[gn_ia5(2, "evil.example.net\u{0}.example.com")]);
    let names = leaf_with(cn_dn("x"), vec![], Some(san));
    let nc = ca(vec![G::DnsName("example.com".into())], vec![]);
    let v = violation(&nc, &names);
    assert!(v.reason.starts_with("cannot be checked"), "{v}");
    // No DNS constraint: nothing to check it against.
    let ip_only = ca(
        vec![G::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8))],
        vec![],
    );
    assert_eq!(check(&ip_only, &names), Ok(()));
}

// ---- subject CN fallback ----

#[test]
fn rfc5280_4_2_1_10_cn_checked_as_dns_name_when_san_has_no_dns_name() {
    let nc = ca(vec![G::DnsName("example.com".into())], vec![]);
    let v = violation(&nc, &leaf("www.Victim.com", vec![]));
    assert_eq!(v.name, "DNS:www.Victim.com (subject CN)");
    assert_eq!(check(&nc, &leaf("vpn.example.com", vec![])), Ok(()));
    // A SAN with only an iPAddress: clients compare the SAN, not the
    // CN, so the CN is no host name.
    assert_eq!(
        check(&nc, &leaf("www.victim.com", vec![ip("192.0.2.1")])),
        Ok(())
    );
    // A SAN with neither (an email address) leaves the CN to be checked.
    assert!(check(&nc, &leaf("www.victim.com", vec![email("a@example.com")])).is_err());
    // With a SAN dNSName the CN is not a host name for anyone.
    assert_eq!(
        check(&nc, &leaf("www.victim.com", vec![dns("vpn.example.com")])),
        Ok(())
    );
    // CNs that are not host names are not checked.
    assert_eq!(check(&nc, &leaf("VPN Gateway 1", vec![])), Ok(()));
    assert_eq!(check(&nc, &leaf("10.1.2.3", vec![])), Ok(()));
    assert_eq!(check(&nc, &leaf("localhost", vec![])), Ok(()));
    // Wildcard CNs are wildcards.
    let excluded = ca(vec![], vec![G::DnsName("bad.victim.com".into())]);
    assert!(check(&excluded, &leaf("*.victim.com", vec![])).is_err());
    // For CA certificates the caller turns the fallback off.
    assert_eq!(
        check(&nc, &leaf("www.victim.com", vec![]).without_cn_fallback()),
        Ok(())
    );
}

/// §4.2.1.10 "all names MUST be located within the permitted
/// namespace": a SAN name that is not a name of its form cannot be, so
/// it violates any constraint of that form (x509-limbo
/// rfc5280::nc::nc-permits-invalid-dns-san / -email-san).
#[test]
fn rfc5280_4_2_1_10_malformed_san_names_are_outside_every_subtree() {
    let nc = ca(vec![G::DnsName("example.com".into())], vec![]);
    assert!(check(&nc, &leaf("x", vec![dns(".example.com")])).is_err());
    assert!(check(&nc, &leaf("x", vec![dns("a..example.com")])).is_err());
    assert!(check(&nc, &leaf("x", vec![dns("a.*.example.com")])).is_err());
    assert_eq!(check(&nc, &leaf("x", vec![dns("*.example.com")])), Ok(()));
    assert_eq!(
        check(&nc, &leaf("x", vec![dns("_sip.example.com.")])),
        Ok(())
    );
    let mail = ca(vec![G::Rfc822Name("example.com".into())], vec![]);
    assert!(check(
        &mail,
        &leaf("x", vec![email("invalid@address@example.com")])
    )
    .is_err());
    assert_eq!(
        check(&mail, &leaf("x", vec![email("good@example.com")])),
        Ok(())
    );
    assert_eq!(
        check(&mail, &leaf("x", vec![email("\"a@b\"@example.com")])),
        Ok(())
    );
    // Without a constraint of the form, a malformed name is no violation.
    let ip_only = ca(
        vec![G::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8))],
        vec![],
    );
    assert_eq!(
        check(&ip_only, &leaf("x", vec![dns(".example.com")])),
        Ok(())
    );
}

// ---- rfc822Name ----

#[test]
fn rfc5280_4_2_1_10_email_mailbox_host_and_domain() {
    let mailbox = ca(vec![G::Rfc822Name("Admin@Example.com".into())], vec![]);
    assert_eq!(
        check(&mailbox, &leaf("x", vec![email("Admin@example.COM")])),
        Ok(())
    );
    let v = violation(&mailbox, &leaf("x", vec![email("admin@example.com")]));
    assert_eq!(v.name, "email:admin@example.com");
    assert_eq!(
        v.reason,
        "not within the permitted email subtrees [Admin@example.com]"
    );

    let host = ca(vec![G::Rfc822Name("example.com".into())], vec![]);
    assert_eq!(
        check(&host, &leaf("x", vec![email("anyone@EXAMPLE.com")])),
        Ok(())
    );
    assert!(check(&host, &leaf("x", vec![email("anyone@mail.example.com")])).is_err());

    let domain = ca(vec![G::Rfc822Name(".example.com".into())], vec![]);
    assert_eq!(
        check(&domain, &leaf("x", vec![email("anyone@mail.example.com")])),
        Ok(())
    );
    assert!(check(&domain, &leaf("x", vec![email("anyone@example.com")])).is_err());

    let excluded = ca(vec![], vec![G::Rfc822Name(".bad.example".into())]);
    let v = violation(&excluded, &leaf("x", vec![email("x@mx.bad.example")]));
    assert_eq!(v.reason, "within the excluded subtree .bad.example");
}

#[test]
fn rfc5280_4_2_1_10_email_star_is_a_literal_character() {
    let nc = ca(vec![G::Rfc822Name("*@example.com".into())], vec![]);
    assert!(check(&nc, &leaf("x", vec![email("bob@example.com")])).is_err());
    assert_eq!(check(&nc, &leaf("x", vec![email("*@example.com")])), Ok(()));
}

#[test]
fn rfc5280_4_2_1_10_email_constraints_apply_to_subject_email_address() {
    let nc = ca(vec![G::Rfc822Name("example.com".into())], vec![]);
    let mut dn = cn_dn("user");
    dn.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
        DnValue::Ia5String("x@evil.example".try_into().unwrap()),
    );
    let v = violation(&nc, &leaf_with(dn, vec![], None));
    assert_eq!(v.name, "email:x@evil.example (subject emailAddress)");
    let mut good = cn_dn("user");
    good.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
        DnValue::Ia5String("x@example.com".try_into().unwrap()),
    );
    assert_eq!(check(&nc, &leaf_with(good, vec![], None)), Ok(()));
}

// ---- URI ----

fn uri_ca(permitted: &[&str], excluded: &[&str]) -> NameConstraints {
    let sub = |h: &&str| subtree(&gn_ia5(6, h), &[]);
    let permitted: Vec<Vec<u8>> = permitted.iter().map(sub).collect();
    let excluded: Vec<Vec<u8>> = excluded.iter().map(sub).collect();
    NameConstraints::from_der(&nc_der(&permitted, &excluded)).expect("URI constraints")
}

#[test]
fn rfc5280_4_2_1_10_uri_host_part() {
    let nc = uri_ca(&["host.example.com"], &[]);
    assert_eq!(
        nc.permitted,
        Some(vec![Subtree::Uri("host.example.com".into())])
    );
    assert_eq!(
        check(
            &nc,
            &leaf("x", vec![uri("https://user@HOST.example.com:8443/p?q")])
        ),
        Ok(())
    );
    let v = violation(&nc, &leaf("x", vec![uri("https://other.example.com/")]));
    assert_eq!(v.name, "URI:https://other.example.com/");
    assert_eq!(
        v.reason,
        "not within the permitted URI subtrees [host.example.com]"
    );
    // A constraint without a leading period is one host, not a domain.
    assert!(check(&nc, &leaf("x", vec![uri("https://a.host.example.com/")])).is_err());
}

#[test]
fn rfc5280_4_2_1_10_uri_leading_period_and_excluded() {
    let nc = uri_ca(&[".example.com"], &["evil.example.com"]);
    assert_eq!(
        check(&nc, &leaf("x", vec![uri("ldap://dc1.example.com/cn=x?y")])),
        Ok(())
    );
    assert!(check(&nc, &leaf("x", vec![uri("http://example.com/")])).is_err());
    let v = violation(&nc, &leaf("x", vec![uri("http://evil.example.com/")]));
    assert_eq!(v.reason, "within the excluded subtree evil.example.com");
}

#[test]
fn rfc5280_4_2_1_10_uri_without_host_is_outside_permitted_subtrees() {
    let permitted = uri_ca(&[".example.com"], &[]);
    assert!(check(&permitted, &leaf("x", vec![uri("urn:example:vpn:1")])).is_err());
    assert!(check(&permitted, &leaf("x", vec![uri("mailto:a@b.example.com")])).is_err());
    assert!(check(&permitted, &leaf("x", vec![uri("https://192.0.2.1/")])).is_err());
    let excluded = uri_ca(&[], &["example.com"]);
    assert_eq!(
        check(&excluded, &leaf("x", vec![uri("urn:example:vpn:1")])),
        Ok(())
    );
    // A URI whose host parsers disagree on cannot be checked.
    let v = violation(
        &excluded,
        &leaf("x", vec![uri("http://good.example.org\\@example.com/")]),
    );
    assert!(v.reason.starts_with("cannot be checked"), "{v}");
}

// ---- iPAddress ----

#[test]
fn rfc5280_4_2_1_10_ipv4_subnets() {
    let nc = ca(
        vec![G::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8))],
        vec![G::IpAddress(CidrSubnet::from_v4_prefix([10, 9, 0, 0], 16))],
    );
    assert_eq!(check(&nc, &leaf("x", vec![ip("10.1.2.3")])), Ok(()));
    let v = violation(&nc, &leaf("x", vec![ip("192.168.1.1")]));
    assert_eq!(v.name, "IP:192.168.1.1");
    assert_eq!(
        v.reason,
        "not within the permitted IP subtrees [10.0.0.0/8]"
    );
    let v = violation(&nc, &leaf("x", vec![ip("10.9.1.1")]));
    assert_eq!(v.reason, "within the excluded subtree 10.9.0.0/16");
}

#[test]
fn rfc5280_4_2_1_10_ipv6_subnets() {
    let nc = ca(
        vec![G::IpAddress(CidrSubnet::from_addr_prefix(
            "2001:db8::".parse().unwrap(),
            32,
        ))],
        vec![],
    );
    assert_eq!(check(&nc, &leaf("x", vec![ip("2001:db8:1::1")])), Ok(()));
    let v = violation(&nc, &leaf("x", vec![ip("2001:db9::1")]));
    assert_eq!(
        v.reason,
        "not within the permitted IP subtrees [2001:db8::/32]"
    );
}

#[test]
fn rfc5280_4_2_1_10_ip_families_do_not_match_each_other() {
    // An IPv4 permitted subtree permits no IPv6 address...
    let v4_permitted = ca(
        vec![G::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8))],
        vec![],
    );
    assert!(check(&v4_permitted, &leaf("x", vec![ip("2001:db8::1")])).is_err());
    // ... and an IPv4 excluded subtree excludes no IPv6 address,
    let v4_excluded = ca(
        vec![],
        vec![G::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8))],
    );
    assert_eq!(
        check(&v4_excluded, &leaf("x", vec![ip("2001:db8::1")])),
        Ok(())
    );
    let v6_excluded = ca(
        vec![],
        vec![G::IpAddress(CidrSubnet::from_addr_prefix(
            "::".parse().unwrap(),
            0,
        ))],
    );
    assert_eq!(
        check(&v6_excluded, &leaf("x", vec![ip("10.1.2.3")])),
        Ok(())
    );
    // ... except the IPv4-mapped IPv6 form of an excluded IPv4 address.
    assert!(check(&v4_excluded, &leaf("x", vec![ip("::ffff:10.1.2.3")])).is_err());
}

#[test]
fn rfc5280_4_2_1_10_ip_non_prefix_mask_and_bad_length_name() {
    let nc = NameConstraints::from_der(&nc_der(
        &[subtree(&gn_bytes(7, &[10, 0, 0, 1, 255, 0, 0, 255]), &[])],
        &[],
    ))
    .unwrap();
    assert_eq!(check(&nc, &leaf("x", vec![ip("10.7.7.1")])), Ok(()));
    let v = violation(&nc, &leaf("x", vec![ip("10.7.7.2")]));
    assert_eq!(
        v.reason,
        "not within the permitted IP subtrees [10.0.0.1 mask 255.0.0.255]"
    );
    // A 5-byte iPAddress SAN entry cannot be checked against IP constraints.
    let names = leaf_with(
        cn_dn("x"),
        vec![],
        Some(san_der(&[gn_bytes(7, &[10, 0, 0, 1, 0])])),
    );
    assert!(violation(&nc, &names)
        .reason
        .starts_with("cannot be checked"));
}

// ---- directoryName ----

fn dir_ca(permitted: Vec<G>, excluded: Vec<G>) -> NameConstraints {
    ca(permitted, excluded)
}

fn dn_printable(rdns: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (t, v) in rdns {
        dn.push(
            t.clone(),
            DnValue::PrintableString((*v).try_into().unwrap()),
        );
    }
    dn
}

fn dn_utf8(rdns: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (t, v) in rdns {
        dn.push(t.clone(), DnValue::Utf8String((*v).into()));
    }
    dn
}

#[test]
fn rfc5280_4_2_1_10_directory_name_prefix_compared_as_7_1_says() {
    let base = dn_printable(&[
        (DnType::CountryName, "US"),
        (DnType::OrganizationName, "Example"),
    ]);
    let nc = dir_ca(vec![G::DirectoryName(base)], vec![]);
    // UTF8String and other case in the subject: still within (§7.1).
    let inside = dn_utf8(&[
        (DnType::CountryName, "US"),
        (DnType::OrganizationName, "EXAMPLE"),
        (DnType::CommonName, "vpn"),
    ]);
    assert_eq!(check(&nc, &leaf_with(inside, vec![], None)), Ok(()));
    let outside = dn_utf8(&[
        (DnType::CountryName, "US"),
        (DnType::OrganizationName, "Other"),
        (DnType::CommonName, "vpn"),
    ]);
    let v = violation(&nc, &leaf_with(outside, vec![], None));
    assert_eq!(v.name, "DirName:C=US, O=Other, CN=vpn (subject)");
    assert_eq!(
        v.reason,
        "not within the permitted directory name subtrees [C=US, O=Example]"
    );
}

#[test]
fn rfc5280_4_2_1_10_directory_name_excluded_and_in_san() {
    let nc = dir_ca(
        vec![],
        vec![G::DirectoryName(dn_printable(&[
            (DnType::CountryName, "US"),
            (DnType::OrganizationName, "Bad"),
        ]))],
    );
    let subject = dn_printable(&[
        (DnType::CountryName, "US"),
        (DnType::OrganizationName, "Good"),
    ]);
    assert_eq!(
        check(&nc, &leaf_with(subject.clone(), vec![], None)),
        Ok(())
    );
    // A SAN directoryName in the excluded subtree, in UTF8String.
    let bad = name_der(&[(C, "us"), (O, "BAD"), (CN, "x")], false);
    let names = leaf_with(subject, vec![], Some(san_der(&[gn_dir(&bad)])));
    let v = violation(&nc, &names);
    assert_eq!(v.name, "DirName:C=us, O=BAD, CN=x");
    assert_eq!(v.reason, "within the excluded subtree C=US, O=Bad");
}

#[test]
fn rfc5280_4_2_1_10_empty_subject_is_not_checked_against_directory_names() {
    let nc = dir_ca(
        vec![G::DirectoryName(dn_printable(&[(
            DnType::OrganizationName,
            "Example",
        )]))],
        vec![],
    );
    let empty = leaf_with(DistinguishedName::new(), vec![dns("vpn.example.com")], None);
    assert!(empty.subject().is_empty());
    assert_eq!(check(&nc, &empty), Ok(()));
    let other = leaf_with(
        dn_printable(&[(DnType::OrganizationName, "Other")]),
        vec![],
        None,
    );
    assert!(check(&nc, &other).is_err());
}

// ---- forms pkiaudit does not process, and forms not constrained ----

#[test]
fn rfc5280_4_2_1_10_unprocessed_form_fails_only_when_present() {
    let registered = NameConstraints::from_der(&nc_der(
        &[subtree(&gn_registered_id(&[1, 3, 6, 1, 4, 1, 99999]), &[])],
        &[],
    ))
    .unwrap();
    assert_eq!(
        registered.permitted,
        Some(vec![Subtree::Other("registeredID".into())])
    );
    let with_rid = leaf_with(
        cn_dn("x"),
        vec![],
        Some(san_der(&[
            gn_ia5(2, "vpn.example.com"),
            gn_registered_id(&[1, 3, 6, 1, 4, 1, 99999, 1]),
        ])),
    );
    let v = violation(&registered, &with_rid);
    assert_eq!(v.name, "registeredID:1.3.6.1.4.1.99999.1");
    assert!(v.reason.starts_with("cannot be checked"), "{v}");
    assert!(v.reason.contains("RFC 5280 §4.2.1.10"), "{v}");
    // No registeredID in the certificate: the constraint has no effect.
    assert_eq!(
        check(&registered, &leaf("x", vec![dns("vpn.example.com")])),
        Ok(())
    );

    // An excluded otherName subtree and a UPN in the SAN.
    let other =
        NameConstraints::from_der(&nc_der(&[], &[subtree(&gn_upn("x@corp"), &[])])).unwrap();
    let with_upn = leaf_with(
        cn_dn("x"),
        vec![],
        Some(san_der(&[gn_upn("user@corp.example")])),
    );
    let v = violation(&other, &with_upn);
    assert_eq!(v.name, "othername:1.3.6.1.4.1.311.20.2.3");
    // A UPN is not constrained by DNS constraints.
    let dns_only = ca(vec![G::DnsName("example.com".into())], vec![]);
    assert_eq!(check(&dns_only, &with_upn.without_cn_fallback()), Ok(()));
}

#[test]
fn rfc5280_4_2_1_10_forms_without_subtrees_are_unrestricted() {
    let nc = ca(vec![G::DnsName("example.com".into())], vec![]);
    let names = leaf(
        "vpn.example.com",
        vec![
            dns("vpn.example.com"),
            ip("192.0.2.1"),
            email("a@elsewhere.example"),
            uri("urn:x"),
        ],
    );
    assert_eq!(check(&nc, &names), Ok(()));
}

// ---- the path: §6.1.4 (g) ----

#[test]
fn rfc5280_6_1_4_g_permitted_sets_intersect_down_the_path() {
    let first = ca(vec![G::DnsName("example.com".into())], vec![]);
    let second = ca(vec![G::DnsName("example.org".into())], vec![]);
    let path = state(&[first.clone(), second]);
    assert!(path.check(&leaf("x", vec![dns("a.example.com")])).is_err());
    assert!(path.check(&leaf("x", vec![dns("a.example.org")])).is_err());
    // Names of other forms are untouched by either.
    assert_eq!(
        path.check(&leaf("x", vec![ip("192.0.2.1")]).without_cn_fallback()),
        Ok(())
    );
    // A nested constraint narrows.
    let nested = state(&[
        first,
        ca(vec![G::DnsName("vpn.example.com".into())], vec![]),
    ]);
    assert_eq!(
        nested.check(&leaf("x", vec![dns("gw.vpn.example.com")])),
        Ok(())
    );
    assert!(nested
        .check(&leaf("x", vec![dns("www.example.com")]))
        .is_err());
}

#[test]
fn rfc5280_6_1_4_g_excluded_sets_accumulate() {
    let first = ca(vec![], vec![G::DnsName("a.example.com".into())]);
    let second = ca(vec![], vec![G::DnsName("b.example.com".into())]);
    let path = state(&[first, second]);
    assert!(path.check(&leaf("x", vec![dns("a.example.com")])).is_err());
    assert!(path.check(&leaf("x", vec![dns("b.example.com")])).is_err());
    assert_eq!(path.check(&leaf("x", vec![dns("c.example.com")])), Ok(()));
    assert!(State::new().is_empty());
    assert_eq!(
        State::new().check(&leaf("x", vec![dns("anything.example")])),
        Ok(())
    );
}

#[test]
fn violation_lists_at_most_ten_permitted_subtrees() {
    let subtrees: Vec<G> = (0..12)
        .map(|i| G::DnsName(format!("site{i}.example.com")))
        .collect();
    let v = violation(
        &ca(subtrees, vec![]),
        &leaf("x", vec![dns("other.example.com")]),
    );
    assert!(v.reason.contains("site9.example.com, and 2 more]"), "{v}");
    assert!(!v.reason.contains("site10."), "{v}");
}

#[test]
fn violation_reads_as_words() {
    let v = Violation {
        name: "IP:10.1.2.3".into(),
        reason: "within the excluded subtree 10.0.0.0/8".into(),
    };
    assert_eq!(
        v.to_string(),
        "IP:10.1.2.3: within the excluded subtree 10.0.0.0/8"
    );
}
