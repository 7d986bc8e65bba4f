//! A harness for the x509-limbo path-validation suite
//! (<https://github.com/C2SP/x509-limbo>): run pkiaudit's chain validation
//! on every test case and write a LimboResult.
//!
//! A case succeeds when pkiaudit verifies a path (webpki's verdict, with
//! SHA-1 and RSA-1024 allowed as pkiaudit allows them, downgraded to a
//! warning), no chain finding of error severity is raised (pkiaudit adds the
//! Key Usage keyCertSign check webpki leaves out), and, for server cases,
//! the peer name matches as webpki checks it.

use chrono::{DateTime, Utc};

use crate::audit::chain::webpki_words;
use serde::{Deserialize, Serialize};

use crate::audit::chain::{
    self, ChainInput, ChainOptions, ChainStatus, EkuPolicy, PoolCert, TrustStore,
};
use crate::audit::profile::Profile;
use crate::audit::rules::{Ctx, Scope, Severity, RULES};
use crate::audit::{Options, Role};
use crate::load;
use crate::model::{Certificate, KeyUsageBit};
use crate::revocation::crl::Crl;
use crate::revocation::{Mode, Policy, Revocation, RevocationStatus};
use crate::time::AuditTime;

/// The suite (only the fields the harness reads).
#[derive(Debug, Deserialize)]
pub struct Limbo {
    pub testcases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
pub struct PeerName {
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
pub struct Case {
    pub id: String,
    #[serde(default)]
    pub features: Vec<String>,
    pub validation_kind: String,
    pub trusted_certs: Vec<String>,
    pub untrusted_intermediates: Vec<String>,
    pub peer_certificate: String,
    pub validation_time: Option<String>,
    #[serde(default)]
    pub key_usage: Vec<String>,
    #[serde(default)]
    pub extended_key_usage: Vec<String>,
    pub expected_peer_name: Option<PeerName>,
    pub max_chain_depth: Option<u32>,
    #[serde(default)]
    pub crls: Vec<String>,
    pub expected_result: String,
}

/// One result of a LimboResult.
#[derive(Debug, Serialize, Deserialize, Clone)]
pub struct CaseResult {
    pub id: String,
    pub actual_result: String,
    pub context: Option<String>,
}

/// The LimboResult document.
#[derive(Debug, Serialize, Deserialize)]
pub struct LimboResult {
    pub version: u32,
    pub harness: String,
    pub results: Vec<CaseResult>,
}

fn certs(pems: &[String], what: &str) -> Result<Vec<Certificate>, String> {
    let mut out = Vec::new();
    for pem in pems {
        let input = load::load_bytes(what, pem.as_bytes());
        if let Some(p) = input
            .problems
            .iter()
            .find(|p| p.level == load::ProblemLevel::Error)
        {
            return Err(format!("{what}: {}", p.message));
        }
        out.extend(
            input
                .certs
                .into_iter()
                .map(|c| std::sync::Arc::unwrap_or_clone(c.cert)),
        );
    }
    Ok(out)
}

fn pool(certs: Vec<Certificate>, source: &str) -> Vec<PoolCert> {
    certs
        .into_iter()
        .map(|cert| PoolCert {
            cert,
            source: source.to_string(),
        })
        .collect()
}

/// The case's CRLs, parsed; one that does not parse is an error (the
/// certificate it was meant for cannot be cleared).
fn crls(pems: &[String]) -> Result<Vec<std::sync::Arc<Crl>>, String> {
    pems.iter()
        .enumerate()
        .map(|(i, p)| {
            Crl::from_pem_or_der(p.as_bytes(), &format!("crls[{i}]"))
                .map(std::sync::Arc::new)
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// webpki's EKU rule for the leaf, which the suite's cases are written
/// for: when the leaf has an EKU extension it must contain the purpose.
fn leaf_eku_ok(leaf: &Certificate, purpose: &str) -> bool {
    leaf.extended_key_usage
        .as_ref()
        .is_none_or(|e| e.contains(purpose))
}

/// Features the harness does not implement: such cases are SKIPPED.
const UNSUPPORTED_FEATURES: &[&str] = &["max-chain-depth"];

/// Run one case: `SUCCESS`, `FAILURE` or `SKIPPED`, with why.
pub fn run_case(case: &Case, now: DateTime<Utc>) -> CaseResult {
    let result = |actual: &str, context: Option<String>| CaseResult {
        id: case.id.clone(),
        actual_result: actual.to_string(),
        context,
    };
    if let Some(f) = case
        .features
        .iter()
        .find(|f| UNSUPPORTED_FEATURES.contains(&f.as_str()))
    {
        return result("SKIPPED", Some(format!("feature {f} not supported")));
    }
    if case.max_chain_depth.is_some() {
        return result("SKIPPED", Some("max_chain_depth not supported".into()));
    }
    let time = match &case.validation_time {
        Some(t) => match crate::time::parse_at(t) {
            Ok(t) => t,
            Err(e) => return result("SKIPPED", Some(e)),
        },
        None => now,
    };
    let leaf = match certs(std::slice::from_ref(&case.peer_certificate), "peer") {
        Ok(mut c) if c.len() == 1 => c.remove(0),
        Ok(_) => return result("FAILURE", Some("peer: not one certificate".into())),
        Err(e) => return result("FAILURE", Some(e)),
    };
    let anchors = match certs(&case.trusted_certs, "trusted") {
        Ok(c) => c,
        Err(e) => return result("FAILURE", Some(e)),
    };
    let intermediates = match certs(&case.untrusted_intermediates, "intermediate") {
        Ok(c) => c,
        Err(e) => return result("FAILURE", Some(e)),
    };
    let store = TrustStore {
        anchors: pool(anchors, "trusted_certs"),
        system: Vec::new(),
        device: Vec::new(),
        untrusted: pool(intermediates, "untrusted_intermediates"),
    };
    let eku = if case.extended_key_usage.iter().any(|e| e == "serverAuth") {
        EkuPolicy::ServerAuth
    } else if case.extended_key_usage.iter().any(|e| e == "clientAuth")
        || case.validation_kind == "CLIENT"
    {
        EkuPolicy::ClientAuth
    } else {
        EkuPolicy::ServerAuth
    };
    let crls = match crls(&case.crls) {
        Ok(c) => c,
        Err(e) => return result("FAILURE", Some(e)),
    };
    let input = ChainInput {
        is_sent: true,
        leaf: &leaf,
        leaf_source: "peer_certificate",
        sent: Vec::new(),
        leaf_position: 1,
        sent_positions: Vec::new(),
    };
    let report = chain::analyze(
        &input,
        &store,
        &ChainOptions {
            time,
            eku,
            warn_days: 0,
            certreq: None,
            signatures: None,
        },
    );
    if !matches!(
        report.status,
        ChainStatus::Verified | ChainStatus::VerifiedLegacy
    ) {
        let why = report
            .findings
            .iter()
            .find(|f| f.rule().severity == Severity::Error)
            .map(|f| f.message.clone());
        return result("FAILURE", why.or(report.webpki_error));
    }
    if let Some(f) = report
        .findings
        .iter()
        .find(|f| f.rule().severity == Severity::Error)
    {
        return result("FAILURE", Some(format!("{}: {}", f.rule().id, f.message)));
    }
    // The profile-independent certificate rules of error severity, on every
    // certificate of the verified path (the leaf's validity window, key
    // sizes, CA basicConstraints/keyCertSign, malformed extensions, expired
    // anchors): what `pkiaudit check` would fail besides the chain.
    let opts = Options {
        warn_days: 0,
        ..Options::new(Profile::Ikev2, AuditTime::given(time))
    };
    let path_certs = report.path.iter().filter_map(|hop| {
        std::iter::once(&leaf)
            .chain(store.untrusted.iter().map(|p| &p.cert))
            .chain(store.anchors.iter().map(|p| &p.cert))
            .find(|c| c.sha256 == hop.sha256)
    });
    for (i, cert) in path_certs.enumerate() {
        let role = if i == 0 { Role::EndEntity } else { Role::Ca };
        let ctx = Ctx {
            cert,
            role,
            role_reason: "",
            opts: &opts,
            chain: None,
            cross_check: &[],
            peer: None,
            revocation: &[],
        };
        for rule in RULES.iter().filter(|r| {
            r.severity == Severity::Error
                && r.profiles.is_empty()
                && r.applies(Profile::Ikev2, role)
                && r.scope != Scope::EndEntity
        }) {
            if let Some(m) = (rule.check)(&ctx).into_iter().next() {
                return result(
                    "FAILURE",
                    Some(format!("{} on '{}': {m}", rule.id, cert.subject.text)),
                );
            }
        }
    }
    let purpose = match eku {
        EkuPolicy::ClientAuth => crate::oids::EKU_CLIENT_AUTH,
        _ => crate::oids::EKU_SERVER_AUTH,
    };
    if !leaf_eku_ok(&leaf, purpose) {
        return result("FAILURE", Some(format!("the leaf's EKU lacks {purpose}")));
    }
    // The CRLs of the case, for the leaf (the suite gives CRLs of the
    // leaf's issuer): revoked, or no usable CRL among those given, fails.
    if !crls.is_empty() {
        let mut rev = Revocation::new(Mode::Crl, Policy::Hard, now);
        rev.offline = true;
        rev.crls = crls;
        if let Some(issuer) = report.path.get(1).and_then(|hop| {
            store
                .untrusted
                .iter()
                .chain(store.anchors.iter())
                .map(|p| &p.cert)
                .find(|c| c.sha256 == hop.sha256)
        }) {
            let check = rev.check(&leaf, issuer, time);
            match check.status {
                RevocationStatus::Good { .. } => {}
                RevocationStatus::Revoked { source, .. } => {
                    return result("FAILURE", Some(format!("revoked ({source})")))
                }
                RevocationStatus::Unknown { reason } => {
                    return result("FAILURE", Some(format!("revocation unknown: {reason}")))
                }
                RevocationStatus::NoSource => {}
            }
        }
    }
    for ku in &case.key_usage {
        let bit = match ku.as_str() {
            "digitalSignature" => KeyUsageBit::DigitalSignature,
            "keyEncipherment" => KeyUsageBit::KeyEncipherment,
            "keyAgreement" => KeyUsageBit::KeyAgreement,
            other => return result("SKIPPED", Some(format!("key usage {other} not supported"))),
        };
        if let Some(k) = leaf.key_usage {
            if !k.has(bit) {
                return result("FAILURE", Some(format!("leaf Key Usage lacks {ku}")));
            }
        }
    }
    if case.validation_kind == "SERVER" {
        if let Some(name) = &case.expected_peer_name {
            if let Err(e) = check_name(&leaf, name) {
                return result("FAILURE", Some(e));
            }
        }
    }
    result("SUCCESS", None)
}

fn check_name(leaf: &Certificate, name: &PeerName) -> Result<(), String> {
    use rustls_pki_types::{CertificateDer, ServerName};
    let der = CertificateDer::from(leaf.der.as_slice());
    let ee = webpki::EndEntityCert::try_from(&der).map_err(|e| webpki_words(&e))?;
    let server_name = match name.kind.as_str() {
        "DNS" | "IP" => ServerName::try_from(name.value.as_str())
            .map_err(|e| format!("expected peer name {}: {e}", name.value))?,
        other => return Err(format!("peer name kind {other} not supported")),
    };
    ee.verify_is_valid_for_subject_name(&server_name)
        .map_err(|e| format!("name {}: {}", name.value, webpki_words(&e)))
}

/// Run the whole suite: every case, on all cores; `now` is the validation
/// time of the cases that give none. The cases are independent, and the
/// results keep the suite's order, so the output is the same as one case
/// after another.
pub fn run(limbo: &Limbo, now: DateTime<Utc>) -> LimboResult {
    use rayon::prelude::*;
    LimboResult {
        version: 1,
        harness: format!("pkiaudit-{}", env!("CARGO_PKG_VERSION")),
        results: limbo
            .testcases
            .par_iter()
            .map(|c| run_case(c, now))
            .collect(),
    }
}
