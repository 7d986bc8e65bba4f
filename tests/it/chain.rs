//! Trust chains, with chains made by the testkit (rcgen): each broken-chain
//! case gets its verdict, the rule that says why, and a message that names
//! the certificate at fault. OpenSSL-made chains: tests/it/chains_openssl.rs.

use crate::common::{sha256_hex as sha256, testkit};

use std::collections::BTreeSet;

use pkiaudit::audit::chain::ChainStatus;
use pkiaudit::audit::profile::Profile;
use pkiaudit::audit::{self, AuditedCert, Holds, Options, Report, Role, Trust, Verdict};
use pkiaudit::load::load_bytes;
use pkiaudit::time::{parse_at, AuditTime};
use rcgen::{ExtendedKeyUsagePurpose as E, KeyUsagePurpose as K};
use testkit::{ymd, CertSpec, Issued};

const AT: &str = "2026-06-01T00:00:00Z";

fn pem_of(certs: &[&Issued]) -> String {
    certs.iter().map(|c| c.pem()).collect()
}

struct Run<'a> {
    input: Vec<&'a Issued>,
    trust: Vec<&'a Issued>,
    untrusted: Vec<&'a Issued>,
    profile: Profile,
    certreq: Option<Vec<String>>,
    holds: Holds,
}

impl<'a> Run<'a> {
    fn new(input: &[&'a Issued], trust: &[&'a Issued]) -> Self {
        Run {
            input: input.to_vec(),
            trust: trust.to_vec(),
            untrusted: Vec::new(),
            profile: Profile::Ikev2,
            certreq: None,
            holds: Holds::Auto,
        }
    }

    fn untrusted(mut self, u: &[&'a Issued]) -> Self {
        self.untrusted = u.to_vec();
        self
    }

    fn profile(mut self, p: Profile) -> Self {
        self.profile = p;
        self
    }

    fn holds(mut self, h: Holds) -> Self {
        self.holds = h;
        self
    }

    fn certreq(mut self, hashes: Vec<String>) -> Self {
        self.certreq = Some(hashes);
        self
    }

    fn report(&self) -> Report {
        let mut opts = Options::new(self.profile, AuditTime::given(parse_at(AT).unwrap()));
        opts.certreq = self.certreq.clone();
        opts.holds = self.holds;
        let loaded = |name: &str, certs: &[&Issued]| {
            if certs.is_empty() {
                Vec::new()
            } else {
                vec![load_bytes(name, pem_of(certs).as_bytes())]
            }
        };
        audit::audit(
            loaded("input.pem", &self.input),
            Trust {
                anchors: loaded("root.pem", &self.trust),
                untrusted: loaded("intermediates.pem", &self.untrusted),
                system: Vec::new(),
                device: None,
            },
            &opts,
        )
    }

    /// The audited leaf (the first end-entity certificate).
    fn leaf(&self) -> AuditedCert {
        let leaf = self
            .report()
            .certificates
            .into_iter()
            .find(|c| c.subject.role == Role::EndEntity)
            .expect("an end-entity certificate");
        // Messages are printed as written: no runs of blanks from a string
        // literal broken over lines.
        for f in &leaf.findings {
            assert!(!f.message.contains("  "), "{}: {:?}", f.rule.id, f.message);
        }
        leaf
    }
}

/// Error and warning rule ids of a certificate.
fn problems(c: &AuditedCert) -> BTreeSet<&'static str> {
    c.findings
        .iter()
        .filter(|f| f.severity() != pkiaudit::audit::rules::Severity::Info)
        .map(|f| f.rule.id)
        .collect()
}

fn infos(c: &AuditedCert) -> BTreeSet<&'static str> {
    c.findings
        .iter()
        .filter(|f| f.severity() == pkiaudit::audit::rules::Severity::Info)
        .map(|f| f.rule.id)
        .collect()
}

fn message<'c>(c: &'c AuditedCert, rule: &str) -> &'c str {
    c.findings
        .iter()
        .find(|f| f.rule.id == rule)
        .map(|f| f.message.as_str())
        .unwrap_or_else(|| panic!("no {rule} finding in {:#?}", c.findings))
}

fn set(ids: &[&'static str]) -> BTreeSet<&'static str> {
    ids.iter().copied().collect()
}

fn origins(c: &AuditedCert) -> Vec<String> {
    c.chain
        .as_ref()
        .expect("chain")
        .path
        .iter()
        .map(|h| format!("{:?}", h.origin))
        .collect()
}

/// root → issuing CA → leaf, the usual VPN PKI.
struct Pki {
    root: Issued,
    ca: Issued,
    leaf: Issued,
}

fn pki() -> Pki {
    let root = Issued::root("Chain Root CA");
    let ca = root.issue(CertSpec::ca("Chain Issuing CA").path_len(0));
    let leaf = ca.issue(
        CertSpec::leaf("vpn.example.com")
            .san_dns(&["vpn.example.com"])
            .ku(&[K::DigitalSignature, K::KeyAgreement])
            .eku(&[E::ServerAuth]),
    );
    Pki { root, ca, leaf }
}

#[test]
fn good_chain_verifies_and_names_its_path() {
    let p = pki();
    let leaf = Run::new(&[&p.leaf, &p.ca], &[&p.root]).leaf();
    assert_eq!(problems(&leaf), set(&[]));
    assert_eq!(
        infos(&leaf),
        set(&["chain.verified", "eku.ikev2.ipsec-ike"])
    );
    let chain = leaf.chain.as_ref().unwrap();
    assert_eq!(chain.status, ChainStatus::Verified);
    assert_eq!(origins(&leaf), ["Leaf", "Sent", "Anchor"]);
    assert_eq!(chain.path[2].sha256, sha256(&p.root.der()));
    let m = message(&leaf, "chain.verified");
    assert!(
        m.contains("'O=Example VPN, CN=Chain Issuing CA' (sent with the leaf)"),
        "{m}"
    );
    assert_eq!(leaf.verdict, Verdict::Pass);
}

#[test]
fn missing_intermediate_is_named_and_untrusted_completes_it() {
    let p = pki();
    let leaf = Run::new(&[&p.leaf], &[&p.root]).leaf();
    assert_eq!(problems(&leaf), set(&["chain.issuer.missing"]));
    assert_eq!(leaf.chain.as_ref().unwrap().status, ChainStatus::Failed);
    let m = message(&leaf, "chain.issuer.missing");
    assert!(m.contains("CN=Chain Issuing CA"), "{m}");
    assert!(m.contains("is not among the certificates sent"), "{m}");

    // With the intermediate from --untrusted the path verifies. A leaf
    // kept alone is stored, not sent: nothing more to say (--kind auto,
    // stored)...
    for holds in [Holds::Auto, Holds::Stored] {
        let leaf = Run::new(&[&p.leaf], &[&p.root])
            .untrusted(&[&p.ca])
            .holds(holds)
            .leaf();
        assert_eq!(problems(&leaf), set(&[]), "{holds:?}");
        assert_eq!(origins(&leaf), ["Leaf", "Untrusted", "Anchor"]);
    }
    // ... but as what a headend sends, the intermediate is missing.
    let leaf = Run::new(&[&p.leaf], &[&p.root])
        .untrusted(&[&p.ca])
        .holds(Holds::Headend)
        .leaf();
    assert_eq!(problems(&leaf), set(&["chain.sent.incomplete"]));
    assert_eq!(origins(&leaf), ["Leaf", "Untrusted", "Anchor"]);
    assert!(message(&leaf, "chain.sent.incomplete").contains("sends only the leaf"));
    // A bundle is sent under auto: a root sent with it is reported; stored,
    // the same file is not judged as sent.
    let rules = |c: &AuditedCert| -> BTreeSet<&'static str> {
        c.findings.iter().map(|f| f.rule.id).collect()
    };
    let sent = Run::new(&[&p.leaf, &p.ca, &p.root], &[&p.root]).leaf();
    assert!(
        rules(&sent).contains("chain.sent.root"),
        "{:?}",
        rules(&sent)
    );
    let stored = Run::new(&[&p.leaf, &p.ca, &p.root], &[&p.root])
        .holds(Holds::Stored)
        .leaf();
    assert!(
        !rules(&stored).iter().any(|r| r.starts_with("chain.sent.")),
        "{:?}",
        rules(&stored)
    );
}

#[test]
fn wrong_intermediate_with_the_same_name() {
    let p = pki();
    // Same subject, another key: a re-keyed CA.
    let other = p.root.issue(CertSpec::ca("Chain Issuing CA"));
    let leaf = Run::new(&[&p.leaf, &other], &[&p.root]).leaf();
    assert_eq!(problems(&leaf), set(&["chain.signature.invalid"]));
    let m = message(&leaf, "chain.signature.invalid");
    assert!(m.contains("different key"), "{m}");
    assert!(m.contains("sent with the leaf"), "{m}");
    assert!(m.contains("it names key id"), "{m}");
}

#[test]
fn expired_intermediate_is_the_error_not_the_leaf() {
    let root = Issued::root("Chain Root CA");
    let ca = root.issue(CertSpec::ca("Old Issuing CA").valid(ymd((2020, 1, 1)), ymd((2025, 1, 1))));
    let leaf =
        ca.issue(CertSpec::leaf("vpn.example.com").valid(ymd((2024, 1, 1)), ymd((2027, 1, 1))));
    let leaf = Run::new(&[&leaf, &ca], &[&root]).leaf();
    assert!(
        problems(&leaf).contains("chain.ca.expired"),
        "{:?}",
        problems(&leaf)
    );
    assert!(!problems(&leaf).contains("validity.expired"));
    let m = message(&leaf, "chain.ca.expired");
    assert!(
        m.contains("CN=Old Issuing CA") && m.contains("expired 2025-01-01"),
        "{m}"
    );
}

#[test]
fn expired_leaf_alone_is_a_validity_finding_and_the_chain_still_verifies() {
    let p = pki();
    let leaf =
        p.ca.issue(CertSpec::leaf("old").valid(ymd((2024, 1, 1)), ymd((2025, 1, 1))));
    let audited = Run::new(&[&leaf, &p.ca], &[&p.root]).leaf();
    assert_eq!(problems(&audited), set(&["validity.expired"]));
    let m = message(&audited, "chain.verified");
    assert!(
        m.contains("the leaf itself is outside its validity window"),
        "{m}"
    );
}

#[test]
fn ca_without_key_cert_sign_fails_although_webpki_accepts_it() {
    let root = Issued::root("Chain Root CA");
    let ca = root.issue(CertSpec::ca("Signing-Only CA").ku(&[K::DigitalSignature, K::CrlSign]));
    let leaf = ca.issue(CertSpec::leaf("vpn.example.com"));
    let audited = Run::new(&[&leaf, &ca], &[&root]).leaf();
    assert_eq!(problems(&audited), set(&["chain.ca.key-cert-sign"]));
    let chain = audited.chain.as_ref().unwrap();
    assert_eq!(chain.status, ChainStatus::Failed);
    assert!(chain.webpki_verified, "webpki alone accepts it");
    assert!(message(&audited, "chain.ca.key-cert-sign").contains("CN=Signing-Only CA"));
}

#[test]
fn path_len_violation_names_the_constrained_ca() {
    let root = Issued::root("Chain Root CA");
    let ca1 = root.issue(CertSpec::ca("Policy CA").path_len(0));
    let ca2 = ca1.issue(CertSpec::ca("Issuing CA Two"));
    let leaf = ca2.issue(CertSpec::leaf("vpn.example.com"));
    let audited = Run::new(&[&leaf, &ca2, &ca1], &[&root]).leaf();
    assert!(
        problems(&audited).contains("chain.ca.path-len"),
        "{:?}",
        problems(&audited)
    );
    let m = message(&audited, "chain.ca.path-len");
    assert!(
        m.contains("CN=Policy CA") && m.contains("pathLenConstraint 0"),
        "{m}"
    );
}

#[test]
fn intermediate_that_is_not_a_ca() {
    let root = Issued::root("Chain Root CA");
    let not_ca = root.issue(CertSpec::leaf("Pretend CA").ku(&[K::KeyCertSign]));
    let leaf = not_ca.issue(CertSpec::leaf("vpn.example.com"));
    let audited = Run::new(&[&leaf, &not_ca], &[&root]).leaf();
    assert!(
        problems(&audited).contains("chain.ca.not-ca"),
        "{:?}",
        audited.findings
    );
    assert!(message(&audited, "chain.ca.not-ca").contains("CN=Pretend CA"));
}

#[test]
fn self_signed_leaf() {
    let p = pki();
    let selfie = Issued::self_signed(CertSpec::leaf("router.example.com"));
    let audited = Run::new(&[&selfie], &[&p.root]).leaf();
    assert_eq!(problems(&audited), set(&["chain.anchor.missing"]));
    assert!(message(&audited, "chain.anchor.missing").contains("self-signed"));
    // Trusted as itself (pinned), it verifies and no CA rule fires on it.
    let audited = Run::new(&[&selfie], &[&selfie]).leaf();
    assert_eq!(problems(&audited), set(&[]), "{:#?}", audited.findings);
    assert_eq!(
        audited.chain.as_ref().unwrap().status,
        ChainStatus::Verified
    );
}

#[test]
fn untrusted_root_sent_with_the_chain() {
    let p = pki();
    let other_root = Issued::root("Other Root CA");
    let audited = Run::new(&[&p.leaf, &p.ca, &p.root], &[&other_root]).leaf();
    assert_eq!(problems(&audited), set(&["chain.anchor.missing"]));
    let m = message(&audited, "chain.anchor.missing");
    assert!(
        m.contains("CN=Chain Root CA") && m.contains("not a trust anchor"),
        "{m}"
    );
}

#[test]
fn sent_chain_order_unrelated_and_root() {
    let p = pki();
    let stranger = Issued::root("Unrelated CA");
    let audited = Run::new(&[&p.ca, &p.leaf, &stranger, &p.root], &[&p.root]).leaf();
    assert_eq!(problems(&audited), set(&["chain.sent.unrelated"]));
    assert!(infos(&audited).contains("chain.sent.order"));
    assert!(infos(&audited).contains("chain.sent.root"));
    assert!(message(&audited, "chain.sent.unrelated").contains("CN=Unrelated CA"));
    assert!(message(&audited, "chain.sent.order").contains("the leaf is not first"));
    // in order, nothing extra: no sent-chain finding
    let audited = Run::new(&[&p.leaf, &p.ca], &[&p.root]).leaf();
    assert!(!infos(&audited).iter().any(|i| i.starts_with("chain.sent")));
}

#[test]
fn ca_expiry_before_the_leaf_and_within_warn_days() {
    let root = Issued::root("Chain Root CA");
    let ca = root.issue(CertSpec::ca("Short CA").valid(ymd((2024, 1, 1)), ymd((2026, 6, 20))));
    let leaf =
        ca.issue(CertSpec::leaf("vpn.example.com").valid(ymd((2025, 1, 1)), ymd((2027, 1, 1))));
    let audited = Run::new(&[&leaf, &ca], &[&root]).leaf();
    assert_eq!(
        problems(&audited),
        set(&["chain.ca.expires-before-leaf", "chain.ca.expiring"])
    );
    assert!(message(&audited, "chain.ca.expiring").contains("in 19 days"));
}

#[test]
fn expired_trust_anchor() {
    let root = Issued::self_signed(
        CertSpec::ca("Old Root CA").valid(ymd((2015, 1, 1)), ymd((2026, 1, 1))),
    );
    let leaf =
        root.issue(CertSpec::leaf("vpn.example.com").valid(ymd((2025, 1, 1)), ymd((2026, 12, 1))));
    let audited = Run::new(&[&leaf], &[&root]).leaf();
    assert_eq!(problems(&audited), set(&["chain.anchor.expired"]));
    assert!(message(&audited, "chain.anchor.expired").contains("CN=Old Root CA"));
    assert_eq!(audited.chain.as_ref().unwrap().status, ChainStatus::Failed);
}

#[test]
fn flexvpn_profiles_apply_the_eku_to_intermediates() {
    let root = Issued::root("Chain Root CA");
    let ca = root.issue(CertSpec::ca("Client-Only CA").eku(&[E::ClientAuth]));
    let leaf = ca.issue(CertSpec::leaf("vpn.example.com").eku(&[E::ServerAuth]));
    let audited = Run::new(&[&leaf, &ca], &[&root])
        .profile(Profile::FlexVpnServer)
        .leaf();
    assert_eq!(problems(&audited), set(&["chain.eku"]));
    assert!(message(&audited, "chain.eku").contains("CN=Client-Only CA"));
    // AnyConnect's profile does not constrain the path's EKU.
    let audited = Run::new(&[&leaf, &ca], &[&root])
        .profile(Profile::AnyConnectServer)
        .leaf();
    assert!(!problems(&audited).contains("chain.eku"));
}

#[test]
fn name_constraints_violation() {
    let root = Issued::root("Chain Root CA");
    let ca = root.issue(CertSpec::ca("Constrained CA").permit_dns(&["corp.example.com"]));
    let leaf = ca.issue(CertSpec::leaf("vpn.example.org").san_dns(&["vpn.example.org"]));
    let audited = Run::new(&[&leaf, &ca], &[&root]).leaf();
    assert_eq!(problems(&audited), set(&["chain.ca.name-constraints"]));
    assert!(message(&audited, "chain.ca.name-constraints").contains("CN=Constrained CA"));
    let ok = ca.issue(CertSpec::leaf("vpn.corp.example.com").san_dns(&["vpn.corp.example.com"]));
    assert_eq!(problems(&Run::new(&[&ok, &ca], &[&root]).leaf()), set(&[]));
}

#[test]
fn without_trust_anchors_the_chain_is_shown_not_verified() {
    let p = pki();
    let audited = Run::new(&[&p.leaf, &p.ca, &p.root], &[]).leaf();
    assert_eq!(problems(&audited), set(&[]));
    assert_eq!(
        audited.chain.as_ref().unwrap().status,
        ChainStatus::NotVerified
    );
    let m = message(&audited, "chain.not-verified");
    assert!(m.contains("CN=Chain Root CA"), "{m}");
}

#[test]
fn certreq_match_and_mismatch() {
    let p = pki();
    let other = Issued::root("Other Root CA");
    let spki = |i: &Issued| {
        pkiaudit::model::Certificate::from_der(&i.der())
            .unwrap()
            .spki_sha1
    };
    let audited = Run::new(&[&p.leaf, &p.ca], &[&p.root, &other])
        .certreq(vec![spki(&other), spki(&p.root)])
        .leaf();
    assert!(infos(&audited).contains("chain.certreq.match"));
    let m = message(&audited, "chain.certreq.match");
    assert!(
        m.contains("CN=Other Root CA") && m.contains("reaches 'O=Example VPN, CN=Chain Root CA'"),
        "{m}"
    );

    let unknown = "ab".repeat(20);
    let audited = Run::new(&[&p.leaf, &p.ca], &[&p.root, &other])
        .certreq(vec![spki(&other), unknown.clone()])
        .leaf();
    assert_eq!(problems(&audited), set(&["chain.certreq.not-requested"]));
    let m = message(&audited, "chain.certreq.not-requested");
    assert!(m.contains(&format!("unknown CA ({unknown})")), "{m}");
    assert!(m.contains("CN=Chain Root CA"), "{m}");
}
