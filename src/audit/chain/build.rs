//! Build the paths with `audit::path` and turn its verdict into a
//! [`ChainReport`]: the path, the status, and the findings of each outcome
//! (no anchors, a valid path, no valid path).

use super::{
    diagnose, sent, ChainInput, ChainKind, ChainOptions, ChainReport, ChainStatus, Node, Origin,
    TrustStore,
};
use crate::audit::path;
use crate::model::Certificate;

/// The certificates a path may be built from: the leaf, the certificates
/// sent with it and `--untrusted` (in that order), and the anchors.
pub(super) struct Pool<'a> {
    pub(super) leaf: Node<'a>,
    pub(super) nodes: Vec<Node<'a>>,
    pub(super) anchors: Vec<Node<'a>>,
}

impl<'a> Pool<'a> {
    pub(super) fn new(input: &'a ChainInput<'a>, store: &'a TrustStore) -> Self {
        let leaf = Node {
            cert: input.leaf,
            origin: Origin::Leaf,
            source: input.leaf_source,
        };
        let mut nodes: Vec<Node<'a>> = Vec::new();
        for (cert, source) in &input.sent {
            nodes.push(Node {
                cert,
                origin: Origin::Sent,
                source,
            });
        }
        for p in &store.untrusted {
            nodes.push(Node {
                cert: &p.cert,
                origin: Origin::Untrusted,
                source: &p.source,
            });
        }
        let anchors: Vec<Node<'a>> = store
            .anchors
            .iter()
            .map(|p| (p, Origin::Anchor))
            .chain(store.system.iter().map(|p| (p, Origin::SystemAnchor)))
            .chain(store.device.iter().map(|p| (p, Origin::DeviceAnchor)))
            .map(|(p, origin)| Node {
                cert: &p.cert,
                origin,
                source: &p.source,
            })
            .collect();
        Pool {
            leaf,
            nodes,
            anchors,
        }
    }

    /// RFC 5280 §6.1 path validation, over the whole pool.
    pub(super) fn validate(
        &self,
        opts: &ChainOptions<'_>,
        signatures: &path::signature::memo::SigScope<'_>,
    ) -> Result<path::Valid, path::Invalid> {
        let pool_certs: Vec<&Certificate> = self.nodes.iter().map(|n| n.cert).collect();
        let anchor_certs: Vec<&Certificate> = self.anchors.iter().map(|n| n.cert).collect();
        let request = path::Request {
            leaf: self.leaf.cert,
            intermediates: &pool_certs,
            anchors: &anchor_certs,
        };
        let settings = path::Settings {
            time: opts.time,
            // The leaf's own dates are the validity rules' findings.
            leaf_validity: false,
            ca_eku: opts.eku.oid(),
            policy: path::policy::Settings::default(),
        };
        path::validate_with(&request, &settings, signatures)
    }

    /// The certificates of a path `audit::path` returned.
    pub(super) fn resolve(&self, refs: &[path::Ref]) -> Vec<Node<'a>> {
        refs.iter()
            .map(|r| match r {
                path::Ref::Leaf => self.leaf,
                path::Ref::Intermediate(i) => self.nodes.get(*i).copied().unwrap_or(self.leaf),
                path::Ref::Anchor(i) => self.anchors.get(*i).copied().unwrap_or(self.leaf),
            })
            .collect()
    }
}

/// No trust anchors: the best path is shown, not verified; only what
/// breaks it whatever is trusted (a signature) is reported.
pub(super) fn unanchored(
    report: &mut ChainReport,
    pool: &Pool<'_>,
    verdict: &Result<path::Valid, path::Invalid>,
    opts: &ChainOptions<'_>,
) {
    let best = match verdict {
        Ok(v) => pool.resolve(&v.path),
        Err(e) => pool.resolve(&e.path),
    };
    report.path = best.iter().map(Node::hop).collect();
    report.add(
        ChainKind::NotVerified,
        format!(
            "no trust anchors given (--trust, --system-trust, --config trustpoint): the chain \
             was not verified; built from issuer names and signatures: {}",
            describe_path(&best, false)
        ),
    );
    // A broken signature breaks the chain whatever is trusted.
    if let Err(invalid) = verdict {
        for p in &invalid.problems {
            if let path::Problem::Signature { .. } = p {
                let (kind, message) = diagnose::explain(p, &best, &pool.nodes, &pool.anchors);
                report.add(kind, message);
            }
        }
    }
    sent::certreq(report, &best, &pool.nodes, &pool.anchors, opts);
}

/// A valid path: the status, what webpki thinks of it, and what RFC 5280
/// leaves out.
pub(super) fn verified(
    report: &mut ChainReport,
    input: &ChainInput<'_>,
    pool: &Pool<'_>,
    valid: &path::Valid,
    opts: &ChainOptions<'_>,
) {
    let path = pool.resolve(&valid.path);
    report.path = path.iter().map(Node::hop).collect();
    report.status = if valid.legacy.is_empty() {
        ChainStatus::Verified
    } else {
        ChainStatus::VerifiedLegacy
    };
    let leaf_outside = opts.time < input.leaf.not_before || opts.time > input.leaf.not_after;
    report.add(
        ChainKind::Verified,
        format!(
            "verified (RFC 5280 §6.1){}: {}",
            if leaf_outside {
                "; the leaf itself is outside its validity window at the audit time \
                 (see its validity finding), the rest of the path is valid"
            } else {
                ""
            },
            describe_path(&path, true)
        ),
    );
    for (at, why) in &valid.legacy {
        diagnose::legacy_finding(report, &path, *at, why);
    }
    if let Some(words) = &report.webpki_error {
        let message = format!(
            "rustls-webpki, a strict Web PKI validator, rejects this path: {words}; RFC 5280 \
             path validation (IOS, strongSwan, Windows) accepts it, clients with Web \
             PKI-style validation may not"
        );
        report.add(ChainKind::WebpkiRejects, message);
    }
    diagnose::after_verification(report, &path, opts);
    // What RFC 5280 leaves out but peers check fails the path too.
    if report.has(ChainKind::AnchorExpired) {
        report.status = ChainStatus::Failed;
    }
    if input.is_sent {
        sent::sent_chain(report, input, &path);
    }
    sent::certreq(report, &path, &pool.nodes, &pool.anchors, opts);
}

/// No valid path: each problem of the best candidate, explained.
pub(super) fn failed(
    report: &mut ChainReport,
    pool: &Pool<'_>,
    invalid: &path::Invalid,
    opts: &ChainOptions<'_>,
) {
    report.status = ChainStatus::Failed;
    let path = pool.resolve(&invalid.path);
    report.path = path.iter().map(Node::hop).collect();
    for p in &invalid.problems {
        let (kind, message) = diagnose::explain(p, &path, &pool.nodes, &pool.anchors);
        report.add(kind, message);
    }
    sent::certreq(report, &path, &pool.nodes, &pool.anchors, opts);
}

/// The path in words, leaf first. An incomplete path ends with why.
pub(super) fn describe_path(nodes: &[Node<'_>], complete: bool) -> String {
    let mut parts: Vec<String> = nodes
        .iter()
        .map(|n| match n.origin {
            Origin::Leaf => n.name(),
            o => format!("{} ({})", n.name(), o.describe()),
        })
        .collect();
    if !complete {
        match nodes.last() {
            Some(n)
                if path::self_issued(n.cert) && n.cert.self_signature_valid() != Some(false) =>
            {
                parts.push("(self-signed, not a trust anchor)".into())
            }
            Some(n) => parts.push(format!("? (issuer '{}' not found)", n.cert.issuer.text)),
            None => {}
        }
    }
    parts.join(" → ")
}
