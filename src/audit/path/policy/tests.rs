//! The PKITS cases below rebuild the policy extensions of the NIST PKITS
//! paths (PKITS §4.8-§4.12) from the published test descriptions, with
//! the outcome PKITS states. Where PKITS only says "the
//! explicit-policy-indicator will be set (if the application can process
//! the policyConstraints extension)", the first CA of the path carries
//! requireExplicitPolicy 0, which gives the same outcome.
use super::*;

const P1: &str = "2.16.840.1.101.3.2.1.48.1";
const P2: &str = "2.16.840.1.101.3.2.1.48.2";
const P3: &str = "2.16.840.1.101.3.2.1.48.3";
const P4: &str = "2.16.840.1.101.3.2.1.48.4";
const P5: &str = "2.16.840.1.101.3.2.1.48.5";
const P6: &str = "2.16.840.1.101.3.2.1.48.6";
const ANYP: &str = ANY_POLICY;

/// A certificate whose certificatePolicies lists `policies`.
fn asserts(policies: &[&str]) -> PolicyInfo {
    PolicyInfo {
        policies: Some(policies.iter().map(|p| p.to_string()).collect()),
        ..PolicyInfo::default()
    }
}

/// A certificate without certificatePolicies.
fn no_policies() -> PolicyInfo {
    PolicyInfo::default()
}

impl PolicyInfo {
    fn maps(mut self, pairs: &[(&str, &str)]) -> Self {
        self.mappings = pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        self
    }
    fn require_explicit(mut self, skip: u32) -> Self {
        self.require_explicit_policy = Some(skip);
        self
    }
    fn inhibit_mapping(mut self, skip: u32) -> Self {
        self.inhibit_policy_mapping = Some(skip);
        self
    }
    fn inhibit_any(mut self, skip: u32) -> Self {
        self.inhibit_any_policy = Some(skip);
        self
    }
}

/// A path of certificates none of which is self-issued.
fn run(certs: &[PolicyInfo], settings: &Settings) -> Result<Valid, PolicyError> {
    let path: Vec<PathCert<'_>> = certs
        .iter()
        .map(|info| PathCert {
            info,
            self_issued: false,
        })
        .collect();
    process(&path, settings)
}

/// A path with self-issued flags.
fn run_si(certs: &[(PolicyInfo, bool)], settings: &Settings) -> Result<Valid, PolicyError> {
    let path: Vec<PathCert<'_>> = certs
        .iter()
        .map(|(info, self_issued)| PathCert {
            info,
            self_issued: *self_issued,
        })
        .collect();
    process(&path, settings)
}

fn user(policies: &[&str]) -> Settings {
    Settings {
        user_initial_policy_set: policies.iter().map(|p| p.to_string()).collect(),
        ..Settings::default()
    }
}

fn explicit(policies: &[&str]) -> Settings {
    Settings {
        initial_explicit_policy: true,
        ..user(policies)
    }
}

fn valid_for(policies: &[&str]) -> Result<Valid, PolicyError> {
    let mut list: Vec<String> = policies.iter().map(|p| p.to_string()).collect();
    list.sort();
    Ok(Valid::Policies(list))
}

#[track_caller]
fn assert_no_policy(result: Result<Valid, PolicyError>) {
    match result {
        Ok(Valid::NoPolicy { .. }) => {}
        other => panic!("expected a valid path with no policy, got {other:?}"),
    }
}

#[track_caller]
fn assert_fails(result: Result<Valid, PolicyError>) -> String {
    match result {
        Err(PolicyError(message)) => message,
        Ok(valid) => panic!("expected the path to fail policy processing, got {valid:?}"),
    }
}

// ---- PKITS 4.8 Certificate Policies (RFC 5280 §6.1.3 (d)-(f), §6.1.5 (g))

#[test]
fn pkits_4_8_1_all_certificates_same_policy() {
    let path = [asserts(&[P1]), asserts(&[P1])];
    assert_eq!(run(&path, &explicit(&[])), valid_for(&[P1]));
    assert_eq!(run(&path, &explicit(&[P1])), valid_for(&[P1]));
    assert_fails(run(&path, &explicit(&[P2])));
    assert_eq!(run(&path, &explicit(&[P1, P2])), valid_for(&[P1]));
}

#[test]
fn pkits_4_8_2_all_certificates_no_policies() {
    let path = [no_policies(), no_policies()];
    assert_no_policy(run(&path, &Settings::default()));
    assert_fails(run(&path, &explicit(&[])));
}

#[test]
fn pkits_4_8_3_different_policies_first_certificate() {
    let path = [asserts(&[P1]), asserts(&[P2]), asserts(&[P2])];
    assert_no_policy(run(&path, &Settings::default()));
    assert_fails(run(&path, &explicit(&[])));
    assert_fails(run(&path, &explicit(&[P1, P2])));
}

#[test]
fn pkits_4_8_4_different_policies_end_entity() {
    // Good CA, Good subCA (sets the explicit-policy-indicator), EE with
    // another policy.
    let path = [
        asserts(&[P1]),
        asserts(&[P1]).require_explicit(0),
        asserts(&[P2]),
    ];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_8_5_different_policies_second_certificate() {
    let path = [
        asserts(&[P1]),
        asserts(&[P2]).require_explicit(0),
        asserts(&[P1]),
    ];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_8_6_overlapping_policies() {
    let path = [
        asserts(&[P1, P2, P3, P4]).require_explicit(0),
        asserts(&[P1, P2, P3]),
        asserts(&[P1, P2]),
        asserts(&[P1]),
    ];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_fails(run(&path, &user(&[P2])));
}

#[test]
fn pkits_4_8_7_to_9_empty_intersection() {
    // 4.8.7: P123, P12, P1 then P2.
    let path = [
        asserts(&[P1, P2, P3]).require_explicit(0),
        asserts(&[P1, P2]),
        asserts(&[P1]),
        asserts(&[P2]),
    ];
    assert_fails(run(&path, &Settings::default()));
    // 4.8.8: P12, P1, P2 then P1.
    let path = [
        asserts(&[P1, P2]).require_explicit(0),
        asserts(&[P1]),
        asserts(&[P2]),
        asserts(&[P1]),
    ];
    assert_fails(run(&path, &Settings::default()));
    // 4.8.9: P123, P12, P2, P1 then P2.
    let path = [
        asserts(&[P1, P2, P3]).require_explicit(0),
        asserts(&[P1, P2]),
        asserts(&[P2]),
        asserts(&[P1]),
        asserts(&[P2]),
    ];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_8_10_all_certificates_same_policies() {
    let path = [asserts(&[P1, P2]), asserts(&[P1, P2])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1, P2]));
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_eq!(run(&path, &user(&[P2])), valid_for(&[P2]));
}

#[test]
fn pkits_4_8_11_all_certificates_any_policy() {
    let path = [asserts(&[ANYP]), asserts(&[ANYP])];
    assert_eq!(run(&path, &Settings::default()), Ok(Valid::AnyPolicy));
    // §6.1.5 (g)(iii): anyPolicy valid to the end stands for each
    // policy the user asks for.
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
}

#[test]
fn pkits_4_8_12_different_policies() {
    let path = [asserts(&[P3]).require_explicit(0), asserts(&[P1])];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_8_13_all_certificates_same_policies() {
    let path = [asserts(&[P1, P2, P3]), asserts(&[P1, P2, P3])];
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_eq!(run(&path, &user(&[P2])), valid_for(&[P2]));
    assert_eq!(run(&path, &user(&[P3])), valid_for(&[P3]));
}

#[test]
fn pkits_4_8_14_any_policy_in_intermediate() {
    let path = [asserts(&[ANYP]).require_explicit(0), asserts(&[P1])];
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_fails(run(&path, &user(&[P2])));
}

#[test]
fn pkits_4_8_15_to_20_qualifier_paths() {
    // The qualifier tests only differ in qualifiers, which are not kept
    // (RFC 9618 §3.3); their policy outcome still has to hold.
    // 4.8.15: a single certificate asserting P1.
    assert_eq!(
        run(&[asserts(&[P1])], &Settings::default()),
        valid_for(&[P1])
    );
    // 4.8.16: EE asserts P1 and P2 under a P1 CA.
    let path = [asserts(&[P1]), asserts(&[P1, P2])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
    // 4.8.17: EE asserts anyPolicy under a P1 CA.
    let path = [asserts(&[P1]), asserts(&[ANYP])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
    // 4.8.18: CA asserts P1 and P2, EE asserts P1 and anyPolicy.
    let path = [asserts(&[P1, P2]), asserts(&[P1, ANYP])];
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_eq!(run(&path, &user(&[P2])), valid_for(&[P2]));
    // 4.8.20: with initial-explicit-policy and initial-policy-set {P1}.
    let path = [asserts(&[P1]), asserts(&[P1])];
    assert_eq!(run(&path, &explicit(&[P1])), valid_for(&[P1]));
}

// ---- PKITS 4.9 Require Explicit Policy (§6.1.4 (h), (i), §6.1.5 (a), (b))

/// First CA with requireExplicitPolicy `skip`, three more P1 CAs, an EE
/// without certificatePolicies.
fn require_explicit_path(skip: u32) -> Vec<PolicyInfo> {
    vec![
        asserts(&[P1]).require_explicit(skip),
        asserts(&[P1]),
        asserts(&[P1]),
        asserts(&[P1]),
        no_policies(),
    ]
}

#[test]
fn pkits_4_9_1_and_2_require_explicit_policy_not_reached() {
    assert_no_policy(run(&require_explicit_path(10), &Settings::default()));
    assert_no_policy(run(&require_explicit_path(5), &Settings::default()));
}

#[test]
fn pkits_4_9_3_require_explicit_policy_reached() {
    let message = assert_fails(run(&require_explicit_path(4), &Settings::default()));
    assert!(
        message.starts_with("explicit policy required by certificate 1 (requireExplicitPolicy 4)"),
        "{message}"
    );
    assert!(
        message.contains("certificate 5 has no certificatePolicies extension"),
        "{message}"
    );
}

#[test]
fn pkits_4_9_4_require_explicit_policy_met() {
    let path = [
        asserts(&[P1]).require_explicit(0),
        asserts(&[P1]),
        asserts(&[P1]),
        asserts(&[P1]),
        asserts(&[P1]),
    ];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

#[test]
fn pkits_4_9_5_tightest_require_explicit_policy_wins() {
    let path = [
        asserts(&[P1]).require_explicit(7),
        asserts(&[P1]).require_explicit(2),
        asserts(&[P1]).require_explicit(4),
        asserts(&[P1]),
        no_policies(),
    ];
    let message = assert_fails(run(&path, &Settings::default()));
    assert!(
        message.starts_with("explicit policy required by certificate 2 (requireExplicitPolicy 2)"),
        "{message}"
    );
}

#[test]
fn pkits_4_9_6_to_8_self_issued_require_explicit_policy() {
    let ca = asserts(&[P1]).require_explicit(2);
    // 4.9.6: CA, self-issued CA, EE: the self-issued one does not count.
    let path = [
        (ca.clone(), false),
        (asserts(&[P1]), true),
        (no_policies(), false),
    ];
    assert_no_policy(run_si(&path, &Settings::default()));
    // 4.9.7: CA, self-issued CA, sub CA, EE.
    let path = [
        (ca.clone(), false),
        (asserts(&[P1]), true),
        (asserts(&[P1]), false),
        (no_policies(), false),
    ];
    assert_fails(run_si(&path, &Settings::default()));
    // 4.9.8: CA, self-issued CA, sub CA, self-issued sub CA, EE.
    let path = [
        (ca, false),
        (asserts(&[P1]), true),
        (asserts(&[P1]), false),
        (asserts(&[P1]), true),
        (no_policies(), false),
    ];
    assert_fails(run_si(&path, &Settings::default()));
}

// ---- PKITS 4.10 Policy Mappings (§6.1.4 (a), (b), §6.1.5 (g))

fn mapping_1_to_2_ca() -> PolicyInfo {
    asserts(&[P1]).maps(&[(P1, P2)]).require_explicit(0)
}

#[test]
fn pkits_4_10_1_valid_policy_mapping() {
    let path = [mapping_1_to_2_ca(), asserts(&[P2])];
    // The valid policy is named in the trust anchor's domain (P1).
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_fails(run(&path, &user(&[P2])));
    let inhibited = Settings {
        initial_policy_mapping_inhibit: true,
        ..Settings::default()
    };
    let message = assert_fails(run(&path, &inhibited));
    assert!(
        message.contains("certificate 1 maps [2.16.840.1.101.3.2.1.48.1] to other policies while policy mapping is inhibited (the initial-policy-mapping-inhibit setting is on)"),
        "{message}"
    );
}

#[test]
fn pkits_4_10_2_invalid_policy_mapping() {
    let path = [mapping_1_to_2_ca(), asserts(&[P1])];
    let message = assert_fails(run(&path, &Settings::default()));
    assert_eq!(
        message,
        format!(
            "explicit policy required by certificate 1 (requireExplicitPolicy 0), but no \
             policy is valid for the whole path: certificate 2 asserts [{P1}], but the \
             certificates above it allow only [{P2}]"
        )
    );
    let inhibited = Settings {
        initial_policy_mapping_inhibit: true,
        ..Settings::default()
    };
    assert_fails(run(&path, &inhibited));
}

/// The shape of PKITS 4.10.3/4.10.4: a P1+P2 CA mapping P1 to P3 whose
/// sub CA keeps only P2 and maps it on, so only P2 survives.
fn p12_mapping_path(ee: PolicyInfo) -> Vec<PolicyInfo> {
    vec![
        asserts(&[P1, P2]).maps(&[(P1, P3)]).require_explicit(0),
        asserts(&[P2]).maps(&[(P2, P4)]),
        asserts(&[P4]),
        ee,
    ]
}

#[test]
fn pkits_4_10_3_valid_policy_mapping() {
    let path = p12_mapping_path(asserts(&[P4]));
    assert_fails(run(&path, &user(&[P1])));
    assert_eq!(run(&path, &user(&[P2])), valid_for(&[P2]));
}

#[test]
fn pkits_4_10_4_invalid_policy_mapping() {
    // P3 was mapped from P1, but that branch ended at the sub CA.
    assert_fails(run(&p12_mapping_path(asserts(&[P3])), &Settings::default()));
}

#[test]
fn pkits_4_10_5_and_6_one_to_many_mapping() {
    let ca = asserts(&[P1])
        .maps(&[(P1, P2), (P1, P3), (P1, P4)])
        .require_explicit(0);
    for ee in [P2, P4] {
        let path = [ca.clone(), asserts(&[P2, P3, P4]), asserts(&[ee])];
        assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
        assert_fails(run(&path, &user(&[P6])));
    }
}

#[test]
fn pkits_4_10_7_and_8_mapping_with_any_policy_rejected() {
    // §6.1.4 (a), whatever else the path would allow.
    let from_any = asserts(&[P1]).maps(&[(ANYP, P2)]).require_explicit(0);
    let message = assert_fails(run(&[from_any, asserts(&[P1])], &Settings::default()));
    assert!(
        message.contains("certificate 1 maps anyPolicy to"),
        "{message}"
    );
    assert!(message.contains("§6.1.4 (a)"), "{message}");
    let to_any = asserts(&[P1]).maps(&[(P1, ANYP)]).require_explicit(0);
    let message = assert_fails(run(&[to_any, asserts(&[P1])], &Settings::default()));
    assert!(message.contains("to anyPolicy"), "{message}");
}

#[test]
fn pkits_4_10_9_mapping_under_any_policy() {
    // §6.1.4 (b)(1)(ii): the CA asserts anyPolicy and maps P1 to P2.
    let path = [
        asserts(&[ANYP]).maps(&[(P1, P2)]).require_explicit(0),
        asserts(&[P1]),
    ];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

#[test]
fn pkits_4_10_10_and_11_mapping_after_named_policy() {
    let sub = asserts(&[ANYP]).maps(&[(P1, P2)]).require_explicit(0);
    let path = [asserts(&[P1]), sub.clone(), asserts(&[P1])];
    assert_fails(run(&path, &Settings::default()));
    let path = [asserts(&[P1]), sub, asserts(&[P2])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

#[test]
fn pkits_4_10_12_end_entity_any_policy_and_mapped_policy() {
    let path = [
        asserts(&[P1, P2]).maps(&[(P1, P3)]).require_explicit(0),
        asserts(&[ANYP, P3]),
    ];
    assert_eq!(run(&path, &user(&[P1])), valid_for(&[P1]));
    assert_eq!(run(&path, &user(&[P2])), valid_for(&[P2]));
}

#[test]
fn pkits_4_10_13_and_14_named_and_any_policy_with_mapping() {
    let ca = asserts(&[P1, ANYP]).maps(&[(P1, P2)]).require_explicit(0);
    // 4.10.13: EE asserts P2, reached only through the mapping of P1.
    let path = [ca.clone(), asserts(&[P2])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
    // The extra subparts Chromium runs (crbug.com/1403258).
    assert_eq!(run(&path, &user(&[P1, P2])), valid_for(&[P1]));
    assert_fails(run(&path, &user(&[P2])));
    // 4.10.14: EE asserts P1, reached through the CA's anyPolicy.
    let path = [ca, asserts(&[P1])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

// ---- PKITS 4.11 Inhibit Policy Mapping (§6.1.4 (b)(2), (h), (i))

#[test]
fn pkits_4_11_1_inhibit_policy_mapping_0() {
    let path = [
        asserts(&[P1]).inhibit_mapping(0).require_explicit(0),
        asserts(&[P1]).maps(&[(P1, P2)]),
        asserts(&[P1, P2]),
    ];
    let message = assert_fails(run(&path, &Settings::default()));
    assert!(
        message.contains("policy mapping is inhibited (certificate 1 sets inhibitPolicyMapping 0)"),
        "{message}"
    );
}

fn inhibit_mapping_1_p12_path(ee: &str) -> Vec<PolicyInfo> {
    vec![
        asserts(&[P1, P2]).inhibit_mapping(1).require_explicit(0),
        asserts(&[P1, P2]).maps(&[(P1, P3), (P2, P4)]),
        asserts(&[P3, P4]).maps(&[(P3, P5)]),
        asserts(&[ee]),
    ]
}

#[test]
fn pkits_4_11_2_to_4_inhibit_policy_mapping_1() {
    // 4.11.2: the mapping in the next certificate still counts.
    let path = [
        asserts(&[P1, P2]).inhibit_mapping(1).require_explicit(0),
        asserts(&[P1, P2]).maps(&[(P1, P3), (P2, P4)]),
        asserts(&[P3]),
    ];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
    // 4.11.3: the one after it does not.
    assert_fails(run(&inhibit_mapping_1_p12_path(P5), &Settings::default()));
    // 4.11.4: the policy it did not map survives.
    assert_eq!(
        run(&inhibit_mapping_1_p12_path(P4), &Settings::default()),
        valid_for(&[P2])
    );
}

#[test]
fn pkits_4_11_5_and_6_tightest_inhibit_policy_mapping_wins() {
    let path = [
        asserts(&[P1]).inhibit_mapping(5).require_explicit(0),
        asserts(&[P1]).inhibit_mapping(1),
        asserts(&[P1]),
        asserts(&[P1]).maps(&[(P1, P2)]),
        asserts(&[P2]),
    ];
    assert_fails(run(&path, &Settings::default()));
    let path = [
        asserts(&[P1, P2]).inhibit_mapping(1).require_explicit(0),
        asserts(&[P1, P2]).inhibit_mapping(5),
        asserts(&[P1, P2]).maps(&[(P1, P3)]),
        asserts(&[P3]),
    ];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_11_7_to_11_self_issued_inhibit_policy_mapping() {
    let ca = (asserts(&[P1]).inhibit_mapping(1).require_explicit(0), false);
    let self_issued = (asserts(&[P1]), true);
    let sub = (asserts(&[P1]).maps(&[(P1, P2)]), false);
    // 4.11.7.
    let path = [
        ca.clone(),
        self_issued.clone(),
        sub.clone(),
        (asserts(&[P2]), false),
    ];
    assert_eq!(run_si(&path, &Settings::default()), valid_for(&[P1]));
    // 4.11.8, 4.11.9: a further mapping CA.
    for ee in [P3, P2] {
        let path = [
            ca.clone(),
            self_issued.clone(),
            sub.clone(),
            (asserts(&[P2]).maps(&[(P2, P3)]), false),
            (asserts(&[ee]), false),
        ];
        assert_fails(run_si(&path, &Settings::default()));
    }
    // 4.11.10, 4.11.11: the further mapping CA is self-issued, which
    // does not lift the inhibition.
    for ee in [P3, P2] {
        let path = [
            ca.clone(),
            self_issued.clone(),
            sub.clone(),
            (asserts(&[P2]).maps(&[(P2, P3)]), true),
            (asserts(&[ee]), false),
        ];
        assert_fails(run_si(&path, &Settings::default()));
    }
}

// ---- PKITS 4.12 Inhibit Any Policy (§6.1.3 (d)(2), §6.1.4 (j))

#[test]
fn pkits_4_12_1_and_2_inhibit_any_policy_0() {
    let ca = asserts(&[P1]).inhibit_any(0).require_explicit(0);
    let message = assert_fails(run(&[ca.clone(), asserts(&[ANYP])], &Settings::default()));
    assert!(
        message.ends_with(
            "certificate 2 asserts only anyPolicy, which does not count because anyPolicy \
             is inhibited (certificate 1 sets inhibitAnyPolicy 0)"
        ),
        "{message}"
    );
    assert_eq!(
        run(&[ca, asserts(&[ANYP, P1])], &Settings::default()),
        valid_for(&[P1])
    );
}

#[test]
fn pkits_4_12_3_and_4_inhibit_any_policy_1() {
    let ca = asserts(&[P1]).inhibit_any(1).require_explicit(0);
    let path = [ca.clone(), asserts(&[ANYP]), asserts(&[P1])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
    let inhibited = Settings {
        initial_any_policy_inhibit: true,
        ..Settings::default()
    };
    assert_fails(run(&path, &inhibited));
    let path = [ca, asserts(&[ANYP]), asserts(&[ANYP])];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_12_5_and_6_tightest_inhibit_any_policy_wins() {
    let path = [
        asserts(&[P1]).inhibit_any(5).require_explicit(0),
        asserts(&[P1]).inhibit_any(1),
        asserts(&[P1]),
        asserts(&[ANYP]),
    ];
    assert_fails(run(&path, &Settings::default()));
    let path = [
        asserts(&[P1]).inhibit_any(1).require_explicit(0),
        asserts(&[P1]).inhibit_any(5),
        asserts(&[ANYP]),
    ];
    assert_fails(run(&path, &Settings::default()));
}

#[test]
fn pkits_4_12_7_to_10_self_issued_inhibit_any_policy() {
    let ca = (asserts(&[P1]).inhibit_any(1).require_explicit(0), false);
    let self_issued = (asserts(&[P1]), true);
    let any_ca = (asserts(&[ANYP]), false);
    // 4.12.7: the self-issued CA does not count down inhibitAnyPolicy.
    let path = [
        ca.clone(),
        self_issued.clone(),
        any_ca.clone(),
        (asserts(&[P1]), false),
    ];
    assert_eq!(run_si(&path, &Settings::default()), valid_for(&[P1]));
    // 4.12.8: a second anyPolicy CA is one too many.
    let path = [
        ca.clone(),
        self_issued.clone(),
        any_ca.clone(),
        any_ca.clone(),
        (asserts(&[P1]), false),
    ];
    assert_fails(run_si(&path, &Settings::default()));
    // 4.12.9: unless it is self-issued (§6.1.3 (d)(2), i < n).
    let path = [
        ca.clone(),
        self_issued.clone(),
        any_ca.clone(),
        (asserts(&[ANYP]), true),
        (asserts(&[P1]), false),
    ];
    assert_eq!(run_si(&path, &user(&[P1])), valid_for(&[P1]));
    // 4.12.10: the exception is for intermediates, not the last
    // certificate, even a self-issued one.
    let path = [ca, self_issued, any_ca, (asserts(&[ANYP]), true)];
    assert_fails(run_si(&path, &Settings::default()));
}

// ---- Further rules

/// §6.1.3 (d)(1)(ii), (d)(2): anyPolicy in an intermediate passes every
/// policy on; in the leaf it keeps whatever the CAs allow.
#[test]
fn any_policy_in_intermediate_and_leaf() {
    let path = [asserts(&[P1, P2]), asserts(&[ANYP]), asserts(&[P2])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P2]));
    let path = [asserts(&[ANYP]), asserts(&[ANYP]), asserts(&[P3])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P3]));
    // A leaf asserting anyPolicy under named policies keeps the names.
    let path = [asserts(&[P1, P2]), asserts(&[ANYP])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1, P2]));
    // anyPolicy all the way down is "any policy".
    let path = [asserts(&[ANYP]), asserts(&[ANYP]), asserts(&[ANYP])];
    assert_eq!(run(&path, &Settings::default()), Ok(Valid::AnyPolicy));
    // With initial-any-policy-inhibit, the intermediate's anyPolicy
    // stands for nothing (§6.1.2 (e)).
    let inhibited = Settings {
        initial_any_policy_inhibit: true,
        initial_explicit_policy: true,
        ..Settings::default()
    };
    let message = assert_fails(run(&[asserts(&[ANYP]), asserts(&[P1])], &inhibited));
    assert_eq!(
        message,
        "explicit policy required by the initial-explicit-policy setting, but no policy is \
         valid for the whole path: certificate 1 asserts only anyPolicy, which does not \
         count because anyPolicy is inhibited (the initial-any-policy-inhibit setting is on)"
    );
}

/// §6.1.4 (h): self-issued certificates do not decrement the counters;
/// the same path without the self-issued flag fails.
#[test]
fn self_issued_certificates_do_not_count_down() {
    // requireExplicitPolicy 2 then two self-issued CAs: explicit_policy
    // is still 2 at the end entity and 1 after §6.1.5 (a).
    let with = [
        (asserts(&[P1]).require_explicit(2), false),
        (asserts(&[P1]), true),
        (asserts(&[P1]), true),
        (no_policies(), false),
    ];
    assert_no_policy(run_si(&with, &Settings::default()));
    let without: Vec<PolicyInfo> = with.iter().map(|(info, _)| info.clone()).collect();
    let message = assert_fails(run(&without, &Settings::default()));
    assert!(
        message.starts_with("explicit policy required by certificate 1 (requireExplicitPolicy 2)"),
        "{message}"
    );

    // inhibitPolicyMapping 1 then a self-issued CA: the mapping CA
    // after it is still allowed to map.
    let with = [
        (asserts(&[P1]).inhibit_mapping(1).require_explicit(0), false),
        (asserts(&[P1]), true),
        (asserts(&[P1]).maps(&[(P1, P2)]), false),
        (asserts(&[P2]), false),
    ];
    assert_eq!(run_si(&with, &Settings::default()), valid_for(&[P1]));
    let without: Vec<PolicyInfo> = with.iter().map(|(info, _)| info.clone()).collect();
    assert_fails(run(&without, &Settings::default()));
}

/// §6.1.4 (b)(2): with policy mapping inhibited, the mapped policy is
/// dropped, other policies go on, and the mapping target is only
/// reachable through anyPolicy.
#[test]
fn mapping_inhibited_drops_mapped_policy() {
    let inhibited = Settings {
        initial_policy_mapping_inhibit: true,
        ..Settings::default()
    };
    let path = [asserts(&[P1, P2]).maps(&[(P1, P3)]), asserts(&[P2, P3])];
    assert_eq!(run(&path, &inhibited), valid_for(&[P2]));
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1, P2]));
    // Under anyPolicy: with mapping inhibited, P3 arrives as itself;
    // with mapping allowed, §6.1.4 (b)(1)(ii) makes it the image of P1,
    // and the valid policy is named in the issuer's domain.
    let path = [asserts(&[ANYP]).maps(&[(P1, P3)]), asserts(&[P3])];
    assert_eq!(run(&path, &inhibited), valid_for(&[P3]));
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

/// §6.1.4 (a), also reached through of_certificate (below).
#[test]
fn mapping_to_any_policy_rejected() {
    let path = [asserts(&[P1]).maps(&[(P1, ANYP)]), asserts(&[P1])];
    let message = assert_fails(run(&path, &Settings::default()));
    assert!(message.starts_with("certificate 1 maps"), "{message}");
    // The end entity's mappings are never processed (§6.1.4 is for
    // certificates 1..n-1).
    let path = [asserts(&[P1]), asserts(&[P1]).maps(&[(P1, ANYP)])];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

/// §6.1.5 (g)(iii) (RFC 9618 §5.5 (g)(6)): intersection with the
/// user-initial-policy-set, and anyPolicy standing for the user's
/// policies.
#[test]
fn user_initial_policy_set_intersection() {
    let path = [asserts(&[P1, P2, P3]), asserts(&[P1, P2, P3])];
    assert_eq!(run(&path, &user(&[P2, P3, P5])), valid_for(&[P2, P3]));
    // No overlap: valid with no policy, unless explicit policy is
    // required.
    assert_no_policy(run(&path, &user(&[P5])));
    let message = assert_fails(run(&path, &explicit(&[P5])));
    assert!(
        message.ends_with(&format!(
            "the path is valid only for [{P1}, {P2}, {P3}], and none of them is in the \
             initial policy set [{P5}]"
        )),
        "{message}"
    );
    // anyPolicy valid to the end: every user policy, and no more.
    let path = [asserts(&[ANYP]), asserts(&[P1, ANYP])];
    assert_eq!(run(&path, &user(&[P4, P5])), valid_for(&[P4, P5]));
    assert_eq!(run(&path, &user(&[P1, P4])), valid_for(&[P1, P4]));
    // anyPolicy in the user set is any-policy.
    assert_eq!(run(&path, &user(&[ANYP])), Ok(Valid::AnyPolicy));
}

/// §6.1.5 (b): requireExplicitPolicy 0 in the end entity requires a
/// policy now.
#[test]
fn end_entity_require_explicit_policy_zero() {
    let path = [asserts(&[P1]), asserts(&[P2]).require_explicit(0)];
    let message = assert_fails(run(&path, &Settings::default()));
    assert!(
        message.starts_with("explicit policy required by certificate 2 (requireExplicitPolicy 0)"),
        "{message}"
    );
    let path = [asserts(&[P1]), asserts(&[P1]).require_explicit(0)];
    assert_eq!(run(&path, &Settings::default()), valid_for(&[P1]));
}

/// §6.1.2 (d)-(f): with default settings and no policyConstraints,
/// explicit_policy never reaches 0, so any path passes, whatever its
/// policies, mappings and inhibitAnyPolicy.
#[test]
fn default_settings_without_policy_constraints_always_pass() {
    let pool = [P1, P2, P3, P4, ANYP];
    // xorshift: a fixed, reproducible walk through many shapes.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap_or(0)
    };
    for _ in 0..3000 {
        let len = 1 + next(7);
        let mut certs = Vec::new();
        for _ in 0..len {
            let policies = match next(4) {
                0 => None,
                _ => {
                    let mut list: Vec<String> = Vec::new();
                    for _ in 0..1 + next(3) {
                        let p = pool[next(pool.len())].to_string();
                        if !list.contains(&p) {
                            list.push(p);
                        }
                    }
                    Some(list)
                }
            };
            let mut mappings = Vec::new();
            for _ in 0..next(3) {
                mappings.push((pool[next(4)].to_string(), pool[next(4)].to_string()));
            }
            let inhibit_any_policy = match next(3) {
                0 => Some(u32::try_from(next(2)).unwrap_or(0)),
                _ => None,
            };
            certs.push((
                PolicyInfo {
                    policies,
                    mappings,
                    inhibit_any_policy,
                    ..PolicyInfo::default()
                },
                next(4) == 0,
            ));
        }
        let result = run_si(&certs, &Settings::default());
        assert!(result.is_ok(), "{certs:?} gave {result:?}");
    }
}

/// RFC 9618 §3.1: every CA asserts the same policies and maps each to
/// each. The RFC 5280 tree would have 20^12 leaves; the graph stays at
/// 20 nodes and 400 links per certificate, within the caps.
#[test]
fn many_policies_times_many_mappings_stay_within_the_bound() {
    let policies: Vec<String> = (1..=20).map(|k| format!("1.3.6.1.4.1.99999.{k}")).collect();
    let mappings: Vec<(String, String)> = policies
        .iter()
        .flat_map(|a| policies.iter().map(move |b| (a.clone(), b.clone())))
        .collect();
    let ca = PolicyInfo {
        policies: Some(policies.clone()),
        mappings,
        require_explicit_policy: Some(0),
        ..PolicyInfo::default()
    };
    let mut path = vec![ca; 12];
    path.push(PolicyInfo {
        policies: Some(vec![policies[0].clone()]),
        ..PolicyInfo::default()
    });
    let mut expected = policies.clone();
    expected.sort();
    assert_eq!(
        run(&path, &Settings::default()),
        Ok(Valid::Policies(expected))
    );

    // The same with anyPolicy added everywhere (the (d)(2) expansion).
    let mut with_any = path.clone();
    for info in &mut with_any {
        if let Some(list) = info.policies.as_mut() {
            list.push(ANYP.to_string());
        }
    }
    assert!(run(&with_any, &Settings::default()).is_ok());
}

/// The DoS guard: a path needing more nodes than the cap is rejected.
#[test]
fn graph_larger_than_the_cap_is_rejected() {
    let many: Vec<String> = (0..=MAX_POLICY_GRAPH_NODES)
        .map(|k| format!("1.3.6.1.4.1.99999.{k}"))
        .collect();
    let ca = PolicyInfo {
        policies: Some(many),
        ..PolicyInfo::default()
    };
    let message = assert_fails(run(&[ca, asserts(&[P1])], &Settings::default()));
    assert!(
        message.contains("larger than pkiaudit's limit"),
        "{message}"
    );
    assert!(message.contains("reached at certificate 1"), "{message}");

    // Links: 200 policies mapped each to each. From the second such CA
    // on, each CA adds 40,000 links (every node has 200 parents), so
    // the fourth passes the 100,000-link cap with only 800 nodes.
    let policies: Vec<String> = (0..200).map(|k| format!("1.3.6.1.4.1.99999.{k}")).collect();
    let mappings: Vec<(String, String)> = policies
        .iter()
        .flat_map(|a| policies.iter().map(move |b| (a.clone(), b.clone())))
        .collect();
    let ca = PolicyInfo {
        policies: Some(policies.clone()),
        mappings,
        ..PolicyInfo::default()
    };
    let path = vec![ca.clone(), ca.clone(), ca.clone(), ca, asserts(&[P1])];
    let message = assert_fails(run(&path, &Settings::default()));
    assert!(
        message.contains("larger than pkiaudit's limit"),
        "{message}"
    );
    assert!(message.contains("reached at certificate 4"), "{message}");
}

/// §4.2.1.4: a policy listed twice is refused even when built by hand.
#[test]
fn duplicate_policy_rejected() {
    let message = assert_fails(run(&[asserts(&[P1, P1])], &Settings::default()));
    assert!(message.contains("more than once"), "{message}");
}

#[test]
fn empty_path_is_valid_for_any_policy() {
    assert_eq!(process(&[], &Settings::default()), Ok(Valid::AnyPolicy));
    assert_eq!(process(&[], &user(&[P1])), valid_for(&[P1]));
}

// ---- Differential check against the RFC 5280 tree

/// RFC 5280 §6.1.3 (d)-(f), §6.1.4 (b), (h)-(j), §6.1.5 (a), (b), (g)
/// as written there, with the valid_policy_tree (exponential, so only
/// for small inputs). Returns None for a failed path, else the
/// user-constrained policy set (nodes whose parent is anyPolicy, and
/// anyPolicy if it reaches depth n).
mod rfc5280_tree {
    use super::super::{PathCert, Settings, ANY_POLICY};
    use std::collections::{BTreeMap, BTreeSet};

    struct Node {
        policy: String,
        expected: BTreeSet<String>,
        parent: Option<usize>,
        depth: usize,
        alive: bool,
    }

    struct Tree(Vec<Node>);

    impl Tree {
        fn at(&self, depth: usize) -> Vec<usize> {
            (0..self.0.len())
                .filter(|&k| self.0[k].alive && self.0[k].depth == depth)
                .collect()
        }
        fn add(&mut self, policy: &str, expected: BTreeSet<String>, parent: usize) {
            let depth = self.0[parent].depth + 1;
            self.0.push(Node {
                policy: policy.to_string(),
                expected,
                parent: Some(parent),
                depth,
                alive: true,
            });
        }
        fn children(&self, k: usize) -> Vec<usize> {
            (0..self.0.len())
                .filter(|&c| self.0[c].alive && self.0[c].parent == Some(k))
                .collect()
        }
        /// Delete nodes of depth <= `max_depth` without children,
        /// repeatedly; false when the root went (NULL tree).
        fn prune(&mut self, max_depth: usize) -> bool {
            loop {
                let dead: Vec<usize> = (0..self.0.len())
                    .filter(|&k| {
                        self.0[k].alive
                            && self.0[k].depth <= max_depth
                            && self.children(k).is_empty()
                    })
                    .collect();
                if dead.is_empty() {
                    return self.0[0].alive;
                }
                for k in dead {
                    self.0[k].alive = false;
                }
            }
        }
        fn delete_subtree(&mut self, k: usize) {
            self.0[k].alive = false;
            for c in self.children(k) {
                self.delete_subtree(c);
            }
        }
    }

    pub fn run(path: &[PathCert<'_>], settings: &Settings) -> Option<BTreeSet<String>> {
        let n = path.len();
        let any = ANY_POLICY.to_string();
        let start = n as u64 + 1;
        let mut explicit = if settings.initial_explicit_policy {
            0
        } else {
            start
        };
        let mut mapping = if settings.initial_policy_mapping_inhibit {
            0
        } else {
            start
        };
        let mut inhibit = if settings.initial_any_policy_inhibit {
            0
        } else {
            start
        };
        let mut tree = Some(Tree(vec![Node {
            policy: any.clone(),
            expected: BTreeSet::from([any.clone()]),
            parent: None,
            depth: 0,
            alive: true,
        }]));
        for (index, cert) in path.iter().enumerate() {
            let i = index + 1;
            match (&cert.info.policies, tree.as_mut()) {
                (Some(policies), Some(t)) => {
                    let above = t.at(i - 1);
                    for p in policies.iter().filter(|p| **p != any) {
                        let matches: Vec<usize> = above
                            .iter()
                            .copied()
                            .filter(|&k| t.0[k].expected.contains(p))
                            .collect();
                        if !matches.is_empty() {
                            for k in matches {
                                t.add(p, BTreeSet::from([p.clone()]), k);
                            }
                        } else if let Some(&a) = above.iter().find(|&&k| t.0[k].policy == any) {
                            t.add(p, BTreeSet::from([p.clone()]), a);
                        }
                    }
                    if policies.contains(&any) && (inhibit > 0 || (i < n && cert.self_issued)) {
                        for &k in &above {
                            let have: BTreeSet<String> = t
                                .children(k)
                                .iter()
                                .map(|&c| t.0[c].policy.clone())
                                .collect();
                            let expected = t.0[k].expected.clone();
                            for e in expected.iter().filter(|e| !have.contains(*e)) {
                                t.add(e, BTreeSet::from([e.clone()]), k);
                            }
                        }
                    }
                    if !t.prune(i - 1) {
                        tree = None;
                    }
                }
                (None, _) => tree = None,
                (Some(_), None) => {}
            }
            if explicit == 0 && tree.is_none() {
                return None;
            }
            if i == n {
                break;
            }
            if let Some(t) = tree.as_mut() {
                let mut table: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
                for (a, b) in &cert.info.mappings {
                    table.entry(a.clone()).or_default().insert(b.clone());
                }
                let level = t.at(i);
                for (idp, sdps) in &table {
                    let nodes: Vec<usize> = level
                        .iter()
                        .copied()
                        .filter(|&k| t.0[k].policy == *idp)
                        .collect();
                    if mapping > 0 {
                        if !nodes.is_empty() {
                            for k in nodes {
                                t.0[k].expected = sdps.clone();
                            }
                        } else if let Some(&a) = level.iter().find(|&&k| t.0[k].policy == any) {
                            let parent = t.0[a].parent.unwrap_or(0);
                            t.add(idp, sdps.clone(), parent);
                        }
                    } else {
                        for k in nodes {
                            t.0[k].alive = false;
                        }
                    }
                }
                if mapping == 0 && !table.is_empty() && !t.prune(i - 1) {
                    tree = None;
                }
                if tree.as_ref().is_some_and(|t| t.at(i).is_empty()) {
                    tree = None;
                }
            }
            if !cert.self_issued {
                explicit = explicit.saturating_sub(1);
                mapping = mapping.saturating_sub(1);
                inhibit = inhibit.saturating_sub(1);
            }
            let info = cert.info;
            if let Some(v) = info.require_explicit_policy {
                explicit = explicit.min(u64::from(v));
            }
            if let Some(v) = info.inhibit_policy_mapping {
                mapping = mapping.min(u64::from(v));
            }
            if let Some(v) = info.inhibit_any_policy {
                inhibit = inhibit.min(u64::from(v));
            }
        }
        explicit = explicit.saturating_sub(1);
        if path
            .last()
            .is_some_and(|c| c.info.require_explicit_policy == Some(0))
        {
            explicit = 0;
        }
        // §6.1.5 (g).
        let user: BTreeSet<String> = settings.user_initial_policy_set.iter().cloned().collect();
        if let Some(t) = tree.as_mut() {
            if !user.is_empty() && !user.contains(&any) {
                let node_set: Vec<usize> = (0..t.0.len())
                    .filter(|&k| {
                        t.0[k].alive && t.0[k].parent.is_some_and(|p| t.0[p].policy == any)
                    })
                    .collect();
                for &k in &node_set {
                    if t.0[k].policy != any && !user.contains(&t.0[k].policy) {
                        t.delete_subtree(k);
                    }
                }
                let last_any = t.at(n).into_iter().find(|&k| t.0[k].policy == any);
                if let Some(a) = last_any {
                    let present: BTreeSet<String> = node_set
                        .iter()
                        .filter(|&&k| t.0[k].alive)
                        .map(|&k| t.0[k].policy.clone())
                        .collect();
                    let parent = t.0[a].parent;
                    for p in user.iter().filter(|p| !present.contains(*p)) {
                        if let Some(parent) = parent {
                            t.add(p, BTreeSet::from([p.clone()]), parent);
                        }
                    }
                    if parent.is_some() {
                        t.0[a].alive = false;
                    }
                }
                if n == 0 {
                    // The root is the anyPolicy node of depth n.
                    return Some(user);
                }
                if !t.prune(n - 1) {
                    tree = None;
                }
            }
        }
        let set: BTreeSet<String> = match &tree {
            None => BTreeSet::new(),
            Some(t) => {
                let mut set: BTreeSet<String> = (0..t.0.len())
                    .filter(|&k| {
                        t.0[k].alive
                            && t.0[k].policy != any
                            && t.0[k].parent.is_some_and(|p| t.0[p].policy == any)
                    })
                    .map(|k| t.0[k].policy.clone())
                    .collect();
                if t.at(n).iter().any(|&k| t.0[k].policy == any) {
                    set.insert(any.clone());
                }
                set
            }
        };
        if explicit > 0 || tree.is_some() {
            Some(set)
        } else {
            None
        }
    }
}

/// RFC 9618 §1.1: the graph gives the same verdict and valid policy set
/// as the RFC 5280 tree. Random small paths exercise every step.
#[test]
fn graph_matches_rfc5280_tree() {
    let pool = [P1, P2, P3, ANYP];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap_or(0)
    };
    let mut outcomes = BTreeMap::new();
    for _ in 0..4000 {
        let len = next(6);
        let mut certs = Vec::new();
        for _ in 0..len {
            let policies = if next(6) == 0 {
                None
            } else {
                let mut list: Vec<String> = Vec::new();
                for _ in 0..1 + next(3) {
                    let p = pool[next(pool.len())].to_string();
                    if !list.contains(&p) {
                        list.push(p);
                    }
                }
                Some(list)
            };
            let mut mappings = Vec::new();
            for _ in 0..next(4) {
                let pair = (pool[next(3)].to_string(), pool[next(3)].to_string());
                if !mappings.contains(&pair) {
                    mappings.push(pair);
                }
            }
            let small = |k: usize| u32::try_from(k).unwrap_or(0);
            let info = PolicyInfo {
                policies,
                mappings,
                require_explicit_policy: (next(3) == 0).then(|| small(next(3))),
                inhibit_policy_mapping: (next(4) == 0).then(|| small(next(3))),
                inhibit_any_policy: (next(4) == 0).then(|| small(next(3))),
            };
            certs.push((info, next(5) == 0));
        }
        let user_set: Vec<String> = match next(4) {
            0 => vec![P1.to_string()],
            1 => vec![P2.to_string(), P3.to_string()],
            _ => Vec::new(),
        };
        let settings = Settings {
            user_initial_policy_set: user_set,
            initial_policy_mapping_inhibit: next(5) == 0,
            initial_explicit_policy: next(4) == 0,
            initial_any_policy_inhibit: next(5) == 0,
        };
        let path: Vec<PathCert<'_>> = certs
            .iter()
            .map(|(info, self_issued)| PathCert {
                info,
                self_issued: *self_issued,
            })
            .collect();
        let graph = process(&path, &settings);
        let tree = rfc5280_tree::run(&path, &settings);
        let as_set = match &graph {
            Err(_) => None,
            Ok(Valid::AnyPolicy) => Some(BTreeSet::from([ANYP.to_string()])),
            Ok(Valid::Policies(list)) => Some(list.iter().cloned().collect()),
            Ok(Valid::NoPolicy { .. }) => Some(BTreeSet::new()),
        };
        // The tree keeps named policies next to anyPolicy; the graph
        // folds such a set into AnyPolicy.
        let tree_folded = tree.map(|set| {
            if set.contains(ANYP) {
                BTreeSet::from([ANYP.to_string()])
            } else {
                set
            }
        });
        assert_eq!(
            as_set, tree_folded,
            "{certs:?} with {settings:?}: graph {graph:?}"
        );
        let kind = match &graph {
            Err(_) => "fails",
            Ok(Valid::AnyPolicy) => "any",
            Ok(Valid::Policies(_)) => "policies",
            Ok(Valid::NoPolicy { .. }) => "none",
        };
        *outcomes.entry(kind).or_insert(0) += 1;
    }
    // Every kind of outcome was compared, each many times.
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
    assert!(outcomes.values().all(|&count| count >= 100), "{outcomes:?}");
}

// ---- PolicyInfo from real certificates (rcgen + yasna)

mod der {
    use yasna::models::ObjectIdentifier;
    use yasna::Tag;

    pub fn oid(dotted: &str) -> ObjectIdentifier {
        let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap_or(0)).collect();
        ObjectIdentifier::from_slice(&arcs)
    }

    /// certificatePolicies; the first policy gets a CPS qualifier.
    pub fn certificate_policies(policies: &[&str]) -> Vec<u8> {
        yasna::construct_der(|w| {
            w.write_sequence(|w| {
                for (k, p) in policies.iter().enumerate() {
                    w.next().write_sequence(|w| {
                        w.next().write_oid(&oid(p));
                        if k == 0 {
                            w.next().write_sequence(|w| {
                                w.next().write_sequence(|w| {
                                    w.next().write_oid(&oid("1.3.6.1.5.5.7.2.1"));
                                    w.next().write_ia5_string("https://pki.example/cps");
                                })
                            });
                        }
                    });
                }
            })
        })
    }

    pub fn policy_mappings(pairs: &[(&str, &str)]) -> Vec<u8> {
        yasna::construct_der(|w| {
            w.write_sequence(|w| {
                for (a, b) in pairs {
                    w.next().write_sequence(|w| {
                        w.next().write_oid(&oid(a));
                        w.next().write_oid(&oid(b));
                    });
                }
            })
        })
    }

    pub fn policy_constraints(require: Option<u32>, inhibit: Option<u32>) -> Vec<u8> {
        yasna::construct_der(|w| {
            w.write_sequence(|w| {
                if let Some(v) = require {
                    w.next()
                        .write_tagged_implicit(Tag::context(0), |w| w.write_u32(v));
                }
                if let Some(v) = inhibit {
                    w.next()
                        .write_tagged_implicit(Tag::context(1), |w| w.write_u32(v));
                }
            })
        })
    }

    pub fn integer(v: u32) -> Vec<u8> {
        yasna::construct_der(|w| w.write_u32(v))
    }
}

/// A self-signed certificate with these (oid arcs, critical, value)
/// extensions.
fn certificate(extensions: &[(&[u64], bool, Vec<u8>)]) -> Vec<u8> {
    let mut params =
        rcgen::CertificateParams::new(vec!["policy.example".to_string()]).expect("rcgen params");
    for (oid, critical, value) in extensions {
        let mut ext = rcgen::CustomExtension::from_oid_content(oid, value.clone());
        ext.set_criticality(*critical);
        params.custom_extensions.push(ext);
    }
    let key = rcgen::KeyPair::generate().expect("key");
    params
        .self_signed(&key)
        .expect("certificate")
        .der()
        .to_vec()
}

const CERTIFICATE_POLICIES: &[u64] = &[2, 5, 29, 32];
const POLICY_MAPPINGS: &[u64] = &[2, 5, 29, 33];
const POLICY_CONSTRAINTS: &[u64] = &[2, 5, 29, 36];
const INHIBIT_ANY_POLICY: &[u64] = &[2, 5, 29, 54];

/// §4.2.1.4, §4.2.1.5, §4.2.1.11, §4.2.1.14 read from a real
/// certificate; the qualifier is accepted and not kept.
#[test]
fn of_certificate_reads_all_four_extensions() {
    let der = certificate(&[
        (
            CERTIFICATE_POLICIES,
            false,
            der::certificate_policies(&[P1, ANYP]),
        ),
        (
            POLICY_MAPPINGS,
            true,
            der::policy_mappings(&[(P1, P2), (P1, P3)]),
        ),
        (
            POLICY_CONSTRAINTS,
            true,
            der::policy_constraints(Some(0), Some(2)),
        ),
        (INHIBIT_ANY_POLICY, true, der::integer(1)),
    ]);
    let info = PolicyInfo::of_certificate(&der).expect("readable");
    assert_eq!(
        info,
        PolicyInfo {
            policies: Some(vec![P1.to_string(), ANYP.to_string()]),
            mappings: vec![
                (P1.to_string(), P2.to_string()),
                (P1.to_string(), P3.to_string())
            ],
            require_explicit_policy: Some(0),
            inhibit_policy_mapping: Some(2),
            inhibit_any_policy: Some(1),
        }
    );

    let only_inhibit = certificate(&[(
        POLICY_CONSTRAINTS,
        true,
        der::policy_constraints(None, Some(0)),
    )]);
    let info = PolicyInfo::of_certificate(&only_inhibit).expect("readable");
    assert_eq!(info.require_explicit_policy, None);
    assert_eq!(info.inhibit_policy_mapping, Some(0));
    assert_eq!(info.policies, None);

    let none = certificate(&[]);
    assert_eq!(PolicyInfo::of_certificate(&none), Ok(PolicyInfo::default()));
}

/// A path of real certificates through of_certificate and process.
#[test]
fn of_certificate_feeds_process() {
    let ca = PolicyInfo::of_certificate(&certificate(&[
        (
            CERTIFICATE_POLICIES,
            false,
            der::certificate_policies(&[P1]),
        ),
        (POLICY_MAPPINGS, false, der::policy_mappings(&[(P1, P2)])),
        (
            POLICY_CONSTRAINTS,
            true,
            der::policy_constraints(Some(0), None),
        ),
    ]))
    .expect("ca");
    let good = PolicyInfo::of_certificate(&certificate(&[(
        CERTIFICATE_POLICIES,
        false,
        der::certificate_policies(&[P2]),
    )]))
    .expect("ee");
    let bad = PolicyInfo::of_certificate(&certificate(&[(
        CERTIFICATE_POLICIES,
        false,
        der::certificate_policies(&[P1]),
    )]))
    .expect("ee");
    assert_eq!(
        run(&[ca.clone(), good], &Settings::default()),
        valid_for(&[P1])
    );
    assert_fails(run(&[ca, bad], &Settings::default()));
}

/// The malformed forms the module refuses (§4.2, §4.2.1.4, §4.2.1.5,
/// §4.2.1.11, §6.1.4 (a)).
#[test]
fn of_certificate_rejects_malformed_extensions() {
    let reject = |extensions: &[(&[u64], bool, Vec<u8>)], words: &str| {
        let der = certificate(extensions);
        match PolicyInfo::of_certificate(&der) {
            Err(message) => assert!(message.contains(words), "{message}"),
            Ok(info) => panic!("accepted {info:?}, expected an error with {words:?}"),
        }
    };
    reject(
        &[(
            CERTIFICATE_POLICIES,
            false,
            der::certificate_policies(&[P1, P2, P1]),
        )],
        "more than once",
    );
    reject(
        &[(CERTIFICATE_POLICIES, false, der::certificate_policies(&[]))],
        "empty sequence",
    );
    reject(
        &[(
            CERTIFICATE_POLICIES,
            false,
            vec![0x30, 0x03, 0x02, 0x01, 0x01],
        )],
        "could not be parsed",
    );
    let mut trailing = der::certificate_policies(&[P1]);
    trailing.extend_from_slice(&[0x05, 0x00]);
    reject(
        &[(CERTIFICATE_POLICIES, false, trailing)],
        "bytes after its value",
    );
    reject(
        &[(POLICY_MAPPINGS, true, der::policy_mappings(&[(P1, ANYP)]))],
        "to or from anyPolicy",
    );
    reject(
        &[(POLICY_MAPPINGS, true, der::policy_mappings(&[(ANYP, P1)]))],
        "maps anyPolicy to",
    );
    reject(
        &[(
            POLICY_CONSTRAINTS,
            true,
            der::policy_constraints(None, None),
        )],
        "empty sequence",
    );
    reject(
        &[(INHIBIT_ANY_POLICY, true, vec![0x04, 0x01, 0x00])],
        "could not be parsed",
    );
    reject(
        &[(POLICY_MAPPINGS, true, vec![0x30, 0x09, 0x30])],
        "could not be parsed",
    );
    reject(
        &[
            (
                CERTIFICATE_POLICIES,
                false,
                der::certificate_policies(&[P1]),
            ),
            (
                CERTIFICATE_POLICIES,
                false,
                der::certificate_policies(&[P2]),
            ),
        ],
        "more than one certificatePolicies",
    );
    assert!(PolicyInfo::of_certificate(b"not a certificate").is_err());
}
