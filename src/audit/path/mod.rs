//! RFC 5280 §6.1 certification path validation: pkiaudit's own verdict.
//!
//! rustls-webpki is a Web PKI validator, stricter than RFC 5280 in ways
//! that IOS, strongSwan and Windows are not: it chains names byte for byte
//! (§7.1 compares them after normalisation), counts self-issued
//! certificates against pathLenConstraint (§6.1.4 (l) exempts them), knows
//! no directoryName/rfc822Name/URI/iPAddress name constraints as §4.2.1.10
//! defines them, cannot read times before 1970 (UTCTime 50-99 is
//! 1950-1999, §4.1.2.5.1) and has no DSA. So the verdict is this module's;
//! webpki stays as a second opinion (`audit::chain`).
//!
//! [`validate`] builds candidate paths from the end entity up (issuer
//! names compared as §7.1 says, key identifiers as a hint for the order),
//! verifies each signature once, and runs the checks of §6.1.3 and §6.1.4
//! on every path that reaches a trust anchor, until one passes. When none
//! does, it returns the most complete failing path with every problem
//! found on it, so the report can name the certificate that breaks it.
//!
//! - `constraints`: name constraints (§4.2.1.10, §6.1.3 (b)-(c), §6.1.4 (g)).
//! - `policy`: certificate policies (§6.1.3 (d)-(f), §6.1.4 (a)-(b), (h)-(j),
//!   §6.1.5), as the policy graph of RFC 9618.
//! - `signature`: signature verification for every algorithm VPN PKIs use.
//!
//! A trust anchor is its name and key (§6.1.1 (d)); like OpenSSL and
//! webpki, the name constraints and pathLenConstraint of an anchor's
//! certificate are applied too (RFC 5937 allows it), and its validity is
//! left to the chain report (IOS and Windows reject an expired root, RFC
//! 5280 does not).
//!
//! Revocation (§6.1.3 (a)(3)) is done after a path is chosen, by
//! `revocation` (§6.3).

pub mod constraints;
pub mod policy;
pub mod signature;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::{Certificate, KeyUsageBit};
use crate::oids;
use signature::{Legacy, Outcome};

/// At most this many intermediate certificates between the end entity and
/// the trust anchor. Real VPN PKIs have one to three; webpki allows six.
pub const MAX_INTERMEDIATES: usize = 8;
/// Path-building work per validation, so a pool of many certificates with
/// the same name cannot make it exponential: candidate extensions tried.
pub const MAX_STEPS: usize = 2_000;
/// Signature verifications per validation (each distinct (certificate,
/// issuer) pair is verified once).
pub const MAX_SIGNATURES: usize = 256;
/// Failing paths remembered to choose the one to explain.
const MAX_FAILURES: usize = 32;

/// Extensions the validator processes (or that carry no constraint a
/// relying party must honour); a critical extension not in this list makes
/// the certificate unusable (§4.2, §6.1.4 (o), §6.1.5 (e)).
const PROCESSED: &[&str] = &[
    "2.5.29.14",            // subjectKeyIdentifier
    "2.5.29.15",            // keyUsage
    "2.5.29.17",            // subjectAltName
    "2.5.29.18",            // issuerAltName
    "2.5.29.19",            // basicConstraints
    "2.5.29.30",            // nameConstraints
    "2.5.29.31",            // cRLDistributionPoints (revocation)
    "2.5.29.32",            // certificatePolicies
    "2.5.29.33",            // policyMappings
    "2.5.29.35",            // authorityKeyIdentifier
    "2.5.29.36",            // policyConstraints
    "2.5.29.37",            // extKeyUsage
    "2.5.29.46",            // freshestCRL (revocation)
    "2.5.29.54",            // inhibitAnyPolicy
    "1.3.6.1.5.5.7.1.1",    // authorityInfoAccess
    "1.3.6.1.5.5.7.1.11",   // subjectInfoAccess
    "1.3.6.1.5.5.7.48.1.5", // id-pkix-ocsp-nocheck (a marker)
];

/// The policy extensions: policy processing runs only when one is present
/// (without them every path is valid for anyPolicy).
const POLICY_EXTENSIONS: &[&str] = &["2.5.29.32", "2.5.29.33", "2.5.29.36", "2.5.29.54"];

/// Where a certificate of a path comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ref {
    /// The end entity being validated.
    Leaf,
    /// `Request::intermediates[i]`.
    Intermediate(usize),
    /// `Request::anchors[i]`.
    Anchor(usize),
}

impl Ref {
    pub fn is_anchor(self) -> bool {
        matches!(self, Ref::Anchor(_))
    }
}

/// What to validate: the end entity, the certificates a path may use, and
/// the trust anchors.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub leaf: &'a Certificate,
    pub intermediates: &'a [&'a Certificate],
    pub anchors: &'a [&'a Certificate],
}

impl<'a> Request<'a> {
    pub fn cert(&self, r: Ref) -> &'a Certificate {
        match r {
            Ref::Leaf => self.leaf,
            // Refs are made by this module from these slices.
            Ref::Intermediate(i) => self.intermediates.get(i).copied().unwrap_or(self.leaf),
            Ref::Anchor(i) => self.anchors.get(i).copied().unwrap_or(self.leaf),
        }
    }
}

/// The inputs of §6.1.1 besides the path, and what pkiaudit adds.
#[derive(Debug, Clone)]
pub struct Settings {
    /// §6.1.1 (b): the time the path must be valid at.
    pub time: DateTime<Utc>,
    /// Check the end entity's own validity period too. The audit reports
    /// the leaf's dates as validity findings of their own, so it validates
    /// the path without them; the conformance harness checks them here.
    pub leaf_validity: bool,
    /// An extended key usage every CA certificate of the path must allow
    /// when it restricts its EKUs (not RFC 5280: Windows' chain engine and
    /// webpki apply intermediate EKUs to the leaf).
    pub ca_eku: Option<&'static str>,
    /// §6.1.1 (c), (e)-(g).
    pub policy: policy::Settings,
}

impl Settings {
    pub fn at(time: DateTime<Utc>) -> Settings {
        Settings {
            time,
            leaf_validity: true,
            ca_eku: None,
            policy: policy::Settings::default(),
        }
    }
}

/// A path that validates.
#[derive(Debug, Clone)]
pub struct Valid {
    /// Leaf first, trust anchor last. A leaf that is itself a trust anchor
    /// (a pinned self-signed certificate) gives `[Leaf, Anchor(i)]`.
    pub path: Vec<Ref>,
    /// Signatures that verified only with a legacy algorithm or key: the
    /// position (in `path`) of the certificate they are on, and why.
    pub legacy: Vec<(usize, Legacy)>,
    /// The policies the path is valid for (§6.1.5 (g)).
    pub policies: policy::Valid,
}

/// Why no path validates: the best candidate path and what is wrong on it.
#[derive(Debug, Clone)]
pub struct Invalid {
    /// Leaf first; ends at a trust anchor when `complete`.
    pub path: Vec<Ref>,
    pub complete: bool,
    pub problems: Vec<Problem>,
}

/// One problem of a candidate path. Positions index the path (0 is the
/// leaf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No certificate with the issuer name of the one at `at`.
    IssuerNotFound { at: usize },
    /// The path ends at a self-signed certificate that is not a trust
    /// anchor.
    UntrustedRoot { at: usize },
    /// The signature on the certificate at `at` does not verify with the
    /// key of the one at `at + 1` (or cannot be checked).
    Signature { at: usize, outcome: Outcome },
    /// §6.1.3 (a)(2).
    Expired { at: usize, not_after: DateTime<Utc> },
    NotYetValid {
        at: usize,
        not_before: DateTime<Utc>,
    },
    /// §6.1.4 (k): an issuing certificate without basicConstraints cA=TRUE.
    NotCa { at: usize, why: &'static str },
    /// §6.1.4 (n).
    KeyCertSign { at: usize },
    /// §6.1.4 (l)-(m): the CA at `limiter` allows `limit` intermediate CAs
    /// below it; the one at `at` is one too many.
    PathLength {
        at: usize,
        limiter: usize,
        limit: u32,
    },
    /// §6.1.3 (b)-(c).
    NameConstraints {
        at: usize,
        violation: constraints::Violation,
        by: Vec<usize>,
    },
    /// §6.1.3 (d)-(f), §6.1.5.
    Policy { reason: String },
    /// §6.1.4 (o), §6.1.5 (e).
    CriticalExtension { at: usize, oid: String },
    /// A CA that restricts its EKU without the one required.
    Eku { at: usize, required: &'static str },
    /// An extension the checks need could not be read.
    Malformed { at: usize, what: String },
    /// The path would need more than [`MAX_INTERMEDIATES`] intermediates.
    TooLong,
    /// Path building gave up ([`MAX_STEPS`], [`MAX_SIGNATURES`]).
    Budget,
}

/// Validate `req.leaf` to one of `req.anchors` at `settings.time`.
pub fn validate(req: &Request<'_>, settings: &Settings) -> Result<Valid, Invalid> {
    let memo = signature::memo::SigMemo::with_capacity(0);
    validate_with(
        req,
        settings,
        &signature::memo::SigScope::new(&memo, &req.leaf.der),
    )
}

/// [`validate`], with the signatures verified through `signatures` (the
/// scope of a chain analysis, in front of the run's memo).
pub fn validate_with(
    req: &Request<'_>,
    settings: &Settings,
    signatures: &signature::memo::SigScope<'_>,
) -> Result<Valid, Invalid> {
    // A certificate trusted as itself (pinned): nothing to chain.
    if let Some(i) = req
        .anchors
        .iter()
        .position(|a| same_key_and_name(a, req.leaf))
    {
        return Ok(Valid {
            path: vec![Ref::Leaf, Ref::Anchor(i)],
            legacy: Vec::new(),
            policies: policy::Valid::AnyPolicy,
        });
    }
    let mut search = Search::new(req, settings, signatures);
    let mut path = vec![Ref::Leaf];
    if let Some(valid) = search.extend(&mut path) {
        return Ok(valid);
    }
    Err(search.best())
}

/// Same subject and key: the same CA for path building (RFC 4158 §2.4.2:
/// a path never repeats a name and key).
pub fn same_key_and_name(a: &Certificate, b: &Certificate) -> bool {
    a.spki_sha256 == b.spki_sha256 && a.subject.matches(&b.subject)
}

/// Self-issued as §3.2 / §6.1 mean it: subject and issuer match (§7.1).
/// (Through the quick difference of [`crate::model::dn::names_match`]:
/// most names checked here are a leaf's, each compared once.)
pub fn self_issued(c: &Certificate) -> bool {
    crate::model::dn::names_match(&c.subject.raw, &c.issuer.raw)
}

struct Search<'r, 'a> {
    req: &'r Request<'a>,
    settings: &'r Settings,
    memo: &'r signature::memo::SigScope<'r>,
    /// The pool without duplicates and without copies of anchors.
    pool: Vec<usize>,
    signatures: HashMap<(Ref, Ref), Outcome>,
    steps: usize,
    failures: Vec<Invalid>,
    budget_hit: bool,
    too_long: bool,
}

impl<'r, 'a> Search<'r, 'a> {
    fn new(
        req: &'r Request<'a>,
        settings: &'r Settings,
        memo: &'r signature::memo::SigScope<'r>,
    ) -> Self {
        let mut pool = Vec::new();
        let mut seen: Vec<&str> = vec![req.leaf.sha256.as_str()];
        for (i, c) in req.intermediates.iter().enumerate() {
            if seen.contains(&c.sha256.as_str())
                || req.anchors.iter().any(|a| same_key_and_name(a, c))
            {
                continue;
            }
            seen.push(&c.sha256);
            pool.push(i);
        }
        Search {
            req,
            settings,
            memo,
            pool,
            signatures: HashMap::new(),
            steps: 0,
            failures: Vec::new(),
            budget_hit: false,
            too_long: false,
        }
    }

    /// Certificates whose subject matches the issuer of `child`: anchors
    /// first, then the pool; within each, those whose key identifier agrees
    /// with the child's authority key identifier first.
    fn issuers(&self, child: &Certificate) -> Vec<Ref> {
        let agrees = |c: &Certificate| match (
            child
                .authority_key_id
                .as_ref()
                .and_then(|a| a.key_id.as_deref()),
            c.subject_key_id.as_deref(),
        ) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        };
        let mut out: Vec<(bool, bool, Ref)> = Vec::new();
        for (i, a) in self.req.anchors.iter().enumerate() {
            if child.issuer.matches(&a.subject) {
                out.push((true, agrees(a), Ref::Anchor(i)));
            }
        }
        for &i in &self.pool {
            let c = self.req.cert(Ref::Intermediate(i));
            if child.issuer.matches(&c.subject) {
                out.push((false, agrees(c), Ref::Intermediate(i)));
            }
        }
        // Stable: anchors before the pool, agreeing key ids first.
        out.sort_by_key(|(anchor, agree, _)| (!*anchor, !*agree));
        out.into_iter().map(|(_, _, r)| r).collect()
    }

    fn signature(&mut self, child: Ref, issuer: Ref) -> Outcome {
        if let Some(o) = self.signatures.get(&(child, issuer)) {
            return o.clone();
        }
        if self.signatures.len() >= MAX_SIGNATURES {
            self.budget_hit = true;
            return Outcome::Unsupported("path building gave up (too many signatures)".into());
        }
        let c = self.req.cert(child);
        let i = self.req.cert(issuer);
        let outcome = match signature::spki_of(&i.der) {
            Some(spki) => signature::verify_certificate_in(&c.der, spki, self.memo),
            None => Outcome::Unsupported("the issuer's public key cannot be read".into()),
        };
        self.signatures.insert((child, issuer), outcome.clone());
        outcome
    }

    fn fail(&mut self, path: &[Ref], complete: bool, problems: Vec<Problem>) {
        if self.failures.len() < MAX_FAILURES {
            self.failures.push(Invalid {
                path: path.to_vec(),
                complete,
                problems,
            });
        }
    }

    /// Depth-first from the last certificate of `path`; the first path to a
    /// trust anchor that passes every check wins.
    fn extend(&mut self, path: &mut Vec<Ref>) -> Option<Valid> {
        let &last = path.last()?;
        let child = self.req.cert(last);
        let issuers = self.issuers(child);
        let mut tried = 0;
        for issuer in issuers {
            let cand = self.req.cert(issuer);
            // No name and key twice (loops, and a self-signed certificate
            // as its own issuer).
            if path
                .iter()
                .any(|r| same_key_and_name(self.req.cert(*r), cand))
            {
                continue;
            }
            self.steps += 1;
            if self.steps > MAX_STEPS {
                self.budget_hit = true;
                return None;
            }
            tried += 1;
            // path holds the leaf and the intermediates so far.
            if !issuer.is_anchor() && path.len() > MAX_INTERMEDIATES {
                self.too_long = true;
                continue;
            }
            let at = path.len() - 1;
            let outcome = self.signature(last, issuer);
            if matches!(outcome, Outcome::Invalid(_) | Outcome::Unsupported(_)) {
                path.push(issuer);
                let complete = issuer.is_anchor();
                // What else is wrong on the way (an old CA certificate with
                // the right name is often expired too).
                let mut problems = vec![Problem::Signature { at, outcome }];
                if let Err(more) = self.check(path, complete) {
                    problems.extend(more);
                }
                self.fail(path, complete, problems);
                path.pop();
                continue;
            }
            path.push(issuer);
            if issuer.is_anchor() {
                match self.check(path, true) {
                    Ok(valid) => return Some(valid),
                    Err(problems) => self.fail(path, true, problems),
                }
            } else if let Some(valid) = self.extend(path) {
                return Some(valid);
            }
            path.pop();
            if self.budget_hit {
                return None;
            }
        }
        if tried == 0 {
            let at = path.len() - 1;
            let self_signed = self_issued(child)
                && matches!(
                    self.signature(last, last),
                    Outcome::Valid | Outcome::Legacy(_)
                );
            let problem = if self_signed {
                Problem::UntrustedRoot { at }
            } else {
                Problem::IssuerNotFound { at }
            };
            // What else is wrong with the certificates the path has.
            let mut problems = vec![problem];
            if let Err(more) = self.check(path, false) {
                problems.extend(more);
            }
            self.fail(path, false, problems);
        }
        None
    }

    /// §6.1.3-§6.1.5 on a path whose signatures verified, leaf first and
    /// trust anchor last (`anchored`), or on a path that reached no anchor,
    /// to say what else is wrong with the certificates it has (every one of
    /// them is then checked as a certificate of the path).
    fn check(&mut self, path: &[Ref], anchored: bool) -> Result<Valid, Vec<Problem>> {
        let certs: Vec<&Certificate> = path.iter().map(|r| self.req.cert(*r)).collect();
        let mut problems = Vec::new();
        let mut legacy = Vec::new();
        for k in 0..path.len().saturating_sub(1) {
            if let (Some(&c), Some(&i)) = (path.get(k), path.get(k + 1)) {
                if let Some(Outcome::Legacy(why)) = self.signatures.get(&(c, i)) {
                    legacy.push((k, *why));
                }
            }
        }
        // The certificates below the anchor (all of them without one).
        let anchor_at = if anchored {
            certs.len().saturating_sub(1)
        } else {
            certs.len()
        };
        let anchor = certs.get(anchor_at).copied().filter(|_| anchored);
        let t = self.settings.time;

        // §6.1.2 (d)-(e) with the anchor's own constraints (RFC 5937).
        let mut max_path_length: Option<(u32, usize)> = None;
        if let Some(bc) = anchor.and_then(|a| a.basic_constraints).filter(|bc| bc.ca) {
            if let Some(limit) = bc.path_len {
                max_path_length = Some((limit, anchor_at));
            }
        }
        let mut nc = constraints::State::new();
        let mut constrained_by: Vec<usize> = Vec::new();
        if let Some(anchor) = anchor.filter(|a| a.has_name_constraints) {
            match constraints::NameConstraints::of_certificate(&anchor.der) {
                Ok(Some(c)) => {
                    nc.apply(&c);
                    constrained_by.push(anchor_at);
                }
                Ok(None) => {}
                Err(what) => problems.push(Problem::Malformed {
                    at: anchor_at,
                    what: format!("its name constraints: {what}"),
                }),
            }
        }

        // RFC order: from the certificate the anchor issued down to the leaf.
        for at in (0..anchor_at).rev() {
            let c = certs[at];
            let is_leaf = at == 0;
            // (a)(2) validity.
            if !is_leaf || self.settings.leaf_validity {
                if t < c.not_before {
                    problems.push(Problem::NotYetValid {
                        at,
                        not_before: c.not_before,
                    });
                } else if t > c.not_after {
                    problems.push(Problem::Expired {
                        at,
                        not_after: c.not_after,
                    });
                }
            }
            // (b)-(c) name constraints, skipped for self-issued CAs.
            if !constrained_by.is_empty() && (is_leaf || !self_issued(c)) {
                // The CN-as-host-name fallback is for the end entity only
                // (a CA's CN is a name, not a host), as in OpenSSL.
                let names = constraints::SubjectNames::of_certificate(&c.der).map(|n| {
                    if is_leaf {
                        n
                    } else {
                        n.without_cn_fallback()
                    }
                });
                match names {
                    Ok(names) => {
                        if let Err(violation) = nc.check(&names) {
                            problems.push(Problem::NameConstraints {
                                at,
                                violation,
                                by: constrained_by.clone(),
                            });
                        }
                    }
                    Err(what) => problems.push(Problem::Malformed {
                        at,
                        what: format!("its names: {what}"),
                    }),
                }
            }
            // (o) / §6.1.5 (e): critical extensions not processed.
            for ext in c.extensions.iter().filter(|e| e.critical) {
                if !PROCESSED.contains(&ext.oid.as_str()) {
                    problems.push(Problem::CriticalExtension {
                        at,
                        oid: ext.oid.clone(),
                    });
                }
            }
            for p in &c.extension_problems {
                if p.critical {
                    problems.push(Problem::Malformed {
                        at,
                        what: p.problem.clone(),
                    });
                }
            }
            if is_leaf {
                continue;
            }
            // §6.1.4: preparing for the certificate below.
            // (k) an issuing certificate must be a CA.
            match c.basic_constraints {
                Some(bc) if bc.ca => {}
                Some(_) => problems.push(Problem::NotCa {
                    at,
                    why: "basicConstraints cA=FALSE",
                }),
                None if c.version < 3 => problems.push(Problem::NotCa {
                    at,
                    why: "an X.509 v1/v2 certificate (no basicConstraints) used as an \
                          intermediate CA",
                }),
                None => problems.push(Problem::NotCa {
                    at,
                    why: "no basicConstraints extension",
                }),
            }
            // (l) a self-issued certificate does not count.
            if !self_issued(c) {
                match max_path_length {
                    Some((0, limiter)) => {
                        let limit = certs[limiter]
                            .basic_constraints
                            .and_then(|bc| bc.path_len)
                            .unwrap_or(0);
                        problems.push(Problem::PathLength { at, limiter, limit });
                    }
                    Some((n, limiter)) => max_path_length = Some((n - 1, limiter)),
                    None => {}
                }
            }
            // (m)
            if let Some(limit) = c.basic_constraints.and_then(|bc| bc.path_len) {
                if max_path_length.is_none_or(|(n, _)| limit < n) {
                    max_path_length = Some((limit, at));
                }
            }
            // (n)
            if let Some(ku) = c.key_usage {
                if !ku.has(KeyUsageBit::KeyCertSign) {
                    problems.push(Problem::KeyCertSign { at });
                }
            }
            // (g) name constraints for the certificates below.
            if c.has_name_constraints {
                match constraints::NameConstraints::of_certificate(&c.der) {
                    Ok(Some(n)) => {
                        nc.apply(&n);
                        constrained_by.push(at);
                    }
                    Ok(None) => {}
                    Err(what) => problems.push(Problem::Malformed {
                        at,
                        what: format!("its name constraints: {what}"),
                    }),
                }
            }
            if let (Some(required), Some(eku)) = (self.settings.ca_eku, &c.extended_key_usage) {
                if !eku.contains(required) && !eku.contains(oids::EKU_ANY) {
                    problems.push(Problem::Eku { at, required });
                }
            }
        }

        let policies = if certs[..anchor_at]
            .iter()
            .any(|c| POLICY_EXTENSIONS.iter().any(|o| c.has_extension(o)))
        {
            self.policies(&certs[..anchor_at], &mut problems)
        } else {
            policy::Valid::AnyPolicy
        };

        if problems.is_empty() {
            Ok(Valid {
                path: path.to_vec(),
                legacy,
                policies,
            })
        } else {
            Err(problems)
        }
    }

    /// §6.1.3 (d)-(f), §6.1.4 (a)-(b), (h)-(j), §6.1.5 over the path below
    /// the anchor (leaf first).
    fn policies(&self, below: &[&Certificate], problems: &mut Vec<Problem>) -> policy::Valid {
        let mut infos = Vec::with_capacity(below.len());
        for (at, c) in below.iter().enumerate().rev() {
            match policy::PolicyInfo::of_certificate(&c.der) {
                Ok(info) => infos.push((info, self_issued(c))),
                Err(what) => {
                    problems.push(Problem::Malformed {
                        at,
                        what: format!("its policy extensions: {what}"),
                    });
                    return policy::Valid::AnyPolicy;
                }
            }
        }
        let path: Vec<policy::PathCert<'_>> = infos
            .iter()
            .map(|(info, self_issued)| policy::PathCert {
                info,
                self_issued: *self_issued,
            })
            .collect();
        match policy::process(&path, &self.settings.policy) {
            Ok(v) => v,
            Err(e) => {
                problems.push(Problem::Policy { reason: e.0 });
                policy::Valid::AnyPolicy
            }
        }
    }

    /// The failing path to explain: one that reaches a trust anchor before
    /// one that does not; among those that do, the fewest problems; among
    /// those that do not, the longest (it got closest).
    fn best(self) -> Invalid {
        let mut best = self
            .failures
            .into_iter()
            .enumerate()
            .min_by_key(|(i, f)| {
                (
                    !f.complete,
                    if f.complete { f.problems.len() } else { 0 },
                    std::cmp::Reverse(f.path.len()),
                    f.problems.len(),
                    *i,
                )
            })
            .map(|(_, f)| f)
            .unwrap_or(Invalid {
                path: vec![Ref::Leaf],
                complete: false,
                problems: vec![Problem::IssuerNotFound { at: 0 }],
            });
        if self.budget_hit {
            best.problems.push(Problem::Budget);
        } else if self.too_long && !best.complete {
            best.problems.push(Problem::TooLong);
        }
        best
    }
}

/// The problems of a failing path in one line of words (for messages that
/// quote a validation done on the side, such as a CRL signer's).
pub fn describe_problems(invalid: &Invalid, req: &Request<'_>) -> String {
    let name = |at: usize| {
        invalid
            .path
            .get(at)
            .map(|r| format!("'{}'", req.cert(*r).subject.text))
            .unwrap_or_else(|| "?".into())
    };
    let one = |p: &Problem| -> String {
        match p {
            Problem::IssuerNotFound { at } => format!("no issuer of {} found", name(*at)),
            Problem::UntrustedRoot { at } => {
                format!("{} is self-signed and not the trust anchor", name(*at))
            }
            Problem::Signature { at, outcome } => match outcome {
                Outcome::Unsupported(why) => {
                    format!("the signature on {} cannot be checked: {why}", name(*at))
                }
                Outcome::Invalid(why) => {
                    format!("the signature on {} does not verify: {why}", name(*at))
                }
                _ => format!("the signature on {}", name(*at)),
            },
            Problem::Expired { at, not_after } => {
                format!("{} expired {}", name(*at), not_after.to_rfc3339())
            }
            Problem::NotYetValid { at, not_before } => {
                format!(
                    "{} is not valid until {}",
                    name(*at),
                    not_before.to_rfc3339()
                )
            }
            Problem::NotCa { at, why } => format!("{} is not a CA ({why})", name(*at)),
            Problem::KeyCertSign { at } => {
                format!("{} has Key Usage without keyCertSign", name(*at))
            }
            Problem::PathLength { limiter, limit, .. } => format!(
                "the pathLenConstraint {limit} of {} is exceeded",
                name(*limiter)
            ),
            Problem::NameConstraints { at, violation, .. } => {
                format!("{}: {violation}", name(*at))
            }
            Problem::Policy { reason } => reason.clone(),
            Problem::CriticalExtension { at, oid } => {
                format!(
                    "{} has a critical extension {oid} that is not processed",
                    name(*at)
                )
            }
            Problem::Eku { at, required } => {
                format!("{} restricts its EKU without {required}", name(*at))
            }
            Problem::Malformed { at, what } => format!("{}: {what}", name(*at)),
            Problem::TooLong => "the path is too long".into(),
            Problem::Budget => "path building gave up".into(),
        }
    };
    invalid
        .problems
        .iter()
        .map(one)
        .collect::<Vec<_>>()
        .join("; ")
}
