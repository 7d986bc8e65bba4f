//! Certificate policy processing of RFC 5280 §6.1: initialisation (§6.1.2 (a),
//! (d)-(f)), the per-certificate steps (§6.1.3 (d)-(f)), the preparation for
//! the next certificate (§6.1.4 (a)-(b), (h)-(j)) and the wrap-up (§6.1.5 (a),
//! (b), (g)).
//!
//! The `valid_policy_tree` of RFC 5280 can grow exponentially with the path
//! length when CAs map several policies onto each other (CVE-2023-0464), so
//! this module builds the `valid_policy_graph` of RFC 9618 §5 instead: where
//! the tree would hold several identical nodes, the graph holds one node with
//! several parents. RFC 9618 §1.1 and §3.2 explain why the verdict and the
//! valid policy set are the same as with the tree; qualifiers are not kept
//! (RFC 9618 §3.3 recommends not returning them).
//!
//! The graph grows at most linearly with the policies and mappings of the
//! path (RFC 9618 §3.2), but a crafted path can still carry thousands of
//! them, so the graph is also capped at [`MAX_POLICY_GRAPH_NODES`] nodes and
//! [`MAX_POLICY_GRAPH_EDGES`] parent links; a path that needs more is
//! rejected, as RFC 9618 §4.2 suggests for a size limit.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{ParsedExtension, X509Extension};
use x509_parser::oid_registry::{
    Oid, OID_X509_EXT_CERTIFICATE_POLICIES, OID_X509_EXT_INHIBIT_ANY_POLICY,
    OID_X509_EXT_POLICY_CONSTRAINTS, OID_X509_EXT_POLICY_MAPPINGS,
};
use x509_parser::prelude::FromDer;

/// The special policy anyPolicy (RFC 5280 §4.2.1.4).
pub const ANY_POLICY: &str = "2.5.29.32.0";

/// Most nodes the policy graph of one path may hold, all depths together.
/// Real VPN PKIs assert a handful of policies per certificate; ten thousand
/// leaves room for any honest path and bounds the work on a hostile one.
pub const MAX_POLICY_GRAPH_NODES: usize = 10_000;

/// Most parent links the policy graph of one path may hold. A node has one
/// link per issuer policy that maps to it, so links, not nodes, are what
/// many-to-many mappings multiply.
pub const MAX_POLICY_GRAPH_EDGES: usize = 100_000;

/// How many policies an error message lists before it says "and N more".
const LISTED: usize = 8;

/// The policy-related extensions of one certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInfo {
    /// certificatePolicies (§4.2.1.4): the policy OIDs (dotted), in
    /// certificate order; `None` when the extension is absent. anyPolicy is
    /// [`ANY_POLICY`].
    pub policies: Option<Vec<String>>,
    /// policyMappings (§4.2.1.5): (issuerDomainPolicy, subjectDomainPolicy)
    /// pairs, in certificate order.
    pub mappings: Vec<(String, String)>,
    /// policyConstraints (§4.2.1.11) requireExplicitPolicy.
    pub require_explicit_policy: Option<u32>,
    /// policyConstraints (§4.2.1.11) inhibitPolicyMapping.
    pub inhibit_policy_mapping: Option<u32>,
    /// inhibitAnyPolicy (§4.2.1.14).
    pub inhibit_any_policy: Option<u32>,
}

impl PolicyInfo {
    /// Read the policy extensions of a DER certificate.
    ///
    /// Errors (the caller reports the path invalid): the certificate or one
    /// of the four extensions does not parse, an extension appears twice
    /// (§4.2), a policy OID appears twice in certificatePolicies (§4.2.1.4),
    /// certificatePolicies or policyMappings is an empty sequence (both are
    /// `SIZE (1..MAX)`), policyConstraints has neither field (§4.2.1.11),
    /// or a mapping is to or from anyPolicy (§4.2.1.5, §6.1.4 (a)).
    pub fn of_certificate(cert_der: &[u8]) -> Result<PolicyInfo, String> {
        let (_, cert) = X509Certificate::from_der(cert_der)
            .map_err(|_| "the certificate could not be parsed".to_string())?;
        PolicyInfo::of_x509(&cert)
    }

    /// [`PolicyInfo::of_certificate`] for a certificate already parsed.
    pub fn of_x509(cert: &X509Certificate<'_>) -> Result<PolicyInfo, String> {
        let mut info = PolicyInfo::default();

        if let Some(ext) = unique_extension(
            cert,
            &OID_X509_EXT_CERTIFICATE_POLICIES,
            "certificatePolicies",
            "§4.2.1.4",
        )? {
            let ParsedExtension::CertificatePolicies(list) = ext.parsed_extension() else {
                return Err(malformed("certificatePolicies", "§4.2.1.4"));
            };
            if list.is_empty() {
                return Err(
                    "the certificatePolicies extension is an empty sequence; RFC 5280 §4.2.1.4 \
                     requires at least one policy"
                        .to_string(),
                );
            }
            let mut seen = HashSet::new();
            let mut policies = Vec::with_capacity(list.len());
            for info in list {
                let oid = info.policy_id.to_id_string();
                if !seen.insert(oid.clone()) {
                    return Err(format!(
                        "certificatePolicies lists policy {oid} more than once, which RFC 5280 \
                         §4.2.1.4 forbids"
                    ));
                }
                policies.push(oid);
            }
            info.policies = Some(policies);
        }

        if let Some(ext) = unique_extension(
            cert,
            &OID_X509_EXT_POLICY_MAPPINGS,
            "policyMappings",
            "§4.2.1.5",
        )? {
            let ParsedExtension::PolicyMappings(list) = ext.parsed_extension() else {
                return Err(malformed("policyMappings", "§4.2.1.5"));
            };
            if list.mappings.is_empty() {
                return Err(
                    "the policyMappings extension is an empty sequence; RFC 5280 §4.2.1.5 \
                     requires at least one mapping"
                        .to_string(),
                );
            }
            for mapping in &list.mappings {
                let from = mapping.issuer_domain_policy.to_id_string();
                let to = mapping.subject_domain_policy.to_id_string();
                if from == ANY_POLICY || to == ANY_POLICY {
                    return Err(format!(
                        "policyMappings maps {} to {}; RFC 5280 §4.2.1.5 and §6.1.4 (a) forbid \
                         mapping to or from anyPolicy",
                        policy_name(&from),
                        policy_name(&to)
                    ));
                }
                info.mappings.push((from, to));
            }
        }

        if let Some(ext) = unique_extension(
            cert,
            &OID_X509_EXT_POLICY_CONSTRAINTS,
            "policyConstraints",
            "§4.2.1.11",
        )? {
            let ParsedExtension::PolicyConstraints(pc) = ext.parsed_extension() else {
                return Err(malformed("policyConstraints", "§4.2.1.11"));
            };
            if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                return Err(
                    "the policyConstraints extension is an empty sequence, which RFC 5280 \
                     §4.2.1.11 forbids"
                        .to_string(),
                );
            }
            info.require_explicit_policy = pc.require_explicit_policy;
            info.inhibit_policy_mapping = pc.inhibit_policy_mapping;
        }

        if let Some(ext) = unique_extension(
            cert,
            &OID_X509_EXT_INHIBIT_ANY_POLICY,
            "inhibitAnyPolicy",
            "§4.2.1.14",
        )? {
            let ParsedExtension::InhibitAnyPolicy(iap) = ext.parsed_extension() else {
                return Err(malformed("inhibitAnyPolicy", "§4.2.1.14"));
            };
            info.inhibit_any_policy = Some(iap.skip_certs);
        }

        Ok(info)
    }
}

/// The extension with this OID, if present once; an error if it is present
/// more than once (§4.2) or its value is not exactly one DER element.
fn unique_extension<'c, 'a>(
    cert: &'c X509Certificate<'a>,
    oid: &Oid<'_>,
    name: &str,
    section: &str,
) -> Result<Option<&'c X509Extension<'a>>, String> {
    use der_parser::ber::Length;
    let ext = cert.get_extension_unique(oid).map_err(|_| {
        format!("the certificate has more than one {name} extension, which RFC 5280 §4.2 forbids")
    })?;
    if let Some(ext) = ext {
        // x509-parser ignores bytes after the value it parsed; DER does not
        // allow them.
        match der_parser::der::der_read_element_header(ext.value) {
            Ok((rest, header)) => match header.length() {
                Length::Definite(len) if len == rest.len() => {}
                Length::Definite(len) if len < rest.len() => {
                    return Err(format!(
                        "the {name} extension has bytes after its value (not DER)"
                    ))
                }
                _ => return Err(malformed(name, section)),
            },
            Err(_) => return Err(malformed(name, section)),
        }
    }
    Ok(ext)
}

fn malformed(name: &str, section: &str) -> String {
    format!("the {name} extension could not be parsed (not the DER syntax of RFC 5280 {section})")
}

/// The user inputs of §6.1.1 (c), (e), (f), (g).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// user-initial-policy-set (§6.1.1 (c)): the policies acceptable to the
    /// user, dotted. Empty, or containing [`ANY_POLICY`], means any-policy.
    pub user_initial_policy_set: Vec<String>,
    /// initial-policy-mapping-inhibit (§6.1.1 (e)).
    pub initial_policy_mapping_inhibit: bool,
    /// initial-explicit-policy (§6.1.1 (f)).
    pub initial_explicit_policy: bool,
    /// initial-any-policy-inhibit (§6.1.1 (g)).
    pub initial_any_policy_inhibit: bool,
}

impl Default for Settings {
    /// any-policy and every flag off: what VPN peers (IOS, strongSwan,
    /// Windows) use unless configured otherwise.
    fn default() -> Self {
        Settings {
            user_initial_policy_set: Vec::new(),
            initial_policy_mapping_inhibit: false,
            initial_explicit_policy: false,
            initial_any_policy_inhibit: false,
        }
    }
}

/// One certificate of the path, in RFC order: 1 is the certificate issued by
/// the trust anchor, n is the end entity.
#[derive(Debug, Clone, Copy)]
pub struct PathCert<'a> {
    pub info: &'a PolicyInfo,
    /// Issuer and subject are the same name (§6.1): such a certificate does
    /// not count down the policy counters (§6.1.4 (h)), and may pass
    /// anyPolicy on even when inhibitAnyPolicy has run out (§6.1.3 (d)(2)).
    pub self_issued: bool,
}

/// The result when the path is valid as far as policies go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Valid {
    /// The user-constrained policy set of §6.1.5 (g) (RFC 9618 §5.5): the
    /// policies, acceptable to the user, that are valid for the whole path,
    /// expressed in the trust anchor's policy domain. Sorted, never empty,
    /// never anyPolicy.
    Policies(Vec<String>),
    /// The user-constrained policy set contains anyPolicy: anyPolicy runs
    /// through the whole path, so every policy is valid for it (this needs
    /// the user-initial-policy-set to be any-policy).
    AnyPolicy,
    /// No policy acceptable to the user is valid for the whole path, but none
    /// was required (explicit_policy is still above 0 at the end, §6.1.5), so
    /// the path is valid with no policy. `why` says where the policies ran
    /// out.
    NoPolicy { why: String },
}

/// Why the path fails policy processing, in words naming the certificate
/// position (RFC order, 1 = issued by the trust anchor) and the policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// Run the policy part of the RFC 5280 §6.1 path validation over `path`
/// (RFC order: `path[0]` is issued by the trust anchor, the last one is the
/// end entity). An empty path (the trust anchor alone) is valid for any
/// policy.
pub fn process(path: &[PathCert<'_>], settings: &Settings) -> Result<Valid, PolicyError> {
    let n = path.len();
    check_inputs(path)?;

    // §6.1.2 (d)-(f): n+1 means "not constrained by anything in the path".
    let start = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(1);
    let mut explicit_policy = Counter::initial(settings.initial_explicit_policy, start);
    let mut policy_mapping = Counter::initial(settings.initial_policy_mapping_inhibit, start);
    let mut inhibit_any_policy = Counter::initial(settings.initial_any_policy_inhibit, start);

    let mut names = Names::new();
    // §6.1.2 (a): one anyPolicy node at depth 0. `None` is the NULL graph.
    let mut graph = Some(Graph::new());
    // Why the graph became NULL, for the error or the NoPolicy result.
    let mut gone = String::new();

    for (index, cert) in path.iter().enumerate() {
        let i = index + 1;
        let info = cert.info;

        // §6.1.3 (d), (e).
        if let Some(g) = graph.as_mut() {
            let outcome = match &info.policies {
                None => Err(format!(
                    "certificate {i} has no certificatePolicies extension"
                )),
                Some(policies) => {
                    // §6.1.3 (d)(2): anyPolicy in the certificate counts
                    // while inhibit_anyPolicy is above 0, and always in a
                    // self-issued intermediate.
                    let any_counts = inhibit_any_policy.value > 0 || (i < n && cert.self_issued);
                    g.add_certificate(i, policies, any_counts, &inhibit_any_policy, &mut names)?
                }
            };
            if let Err(why) = outcome {
                graph = None;
                gone = why;
            }
        }

        // §6.1.3 (f).
        if explicit_policy.value == 0 && graph.is_none() {
            return Err(explicit_failure(&explicit_policy, &gone));
        }

        if i == n {
            break;
        }

        // §6.1.4 (b) (anyPolicy in a mapping, §6.1.4 (a), was rejected by
        // check_inputs).
        if !info.mappings.is_empty() {
            if let Some(g) = graph.as_mut() {
                let mappings = mapping_table(&info.mappings, &mut names);
                if let Err(why) = g.apply_mappings(i, &mappings, &policy_mapping, &names)? {
                    graph = None;
                    gone = why;
                }
            }
        }

        // §6.1.4 (h): self-issued certificates do not count.
        if !cert.self_issued {
            explicit_policy.count_down();
            policy_mapping.count_down();
            inhibit_any_policy.count_down();
        }
        // §6.1.4 (i), (j).
        explicit_policy.lower(info.require_explicit_policy, i);
        policy_mapping.lower(info.inhibit_policy_mapping, i);
        inhibit_any_policy.lower(info.inhibit_any_policy, i);
    }

    // §6.1.5 (a), (b).
    explicit_policy.count_down();
    if let Some(last) = path.last() {
        if last.info.require_explicit_policy == Some(0) {
            explicit_policy = Counter {
                value: 0,
                source: Source::Certificate {
                    position: n,
                    value: 0,
                },
            };
        }
    }

    // §6.1.5 (g) as RFC 9618 §5.5 words it.
    let authority = match &graph {
        Some(g) => g.authority_constrained_set(),
        None => BTreeSet::new(),
    };
    let user: Option<BTreeSet<u32>> = if settings.user_initial_policy_set.is_empty()
        || settings
            .user_initial_policy_set
            .iter()
            .any(|p| p == ANY_POLICY)
    {
        None
    } else {
        Some(
            settings
                .user_initial_policy_set
                .iter()
                .map(|p| names.id(p))
                .collect(),
        )
    };
    let user_constrained: BTreeSet<u32> = match &user {
        None => authority.clone(),
        Some(user) => {
            let mut set: BTreeSet<u32> = authority.intersection(user).copied().collect();
            if authority.contains(&ANY) {
                set.extend(user.iter().copied());
            }
            set
        }
    };

    if user_constrained.contains(&ANY) {
        return Ok(Valid::AnyPolicy);
    }
    if !user_constrained.is_empty() {
        let mut policies: Vec<String> = user_constrained
            .iter()
            .map(|&id| names.name(id).to_string())
            .collect();
        policies.sort();
        return Ok(Valid::Policies(policies));
    }

    let why = if graph.is_none() {
        gone
    } else {
        format!(
            "the path is valid only for {}, and none of them is in the initial policy set {}",
            names.list(authority.iter().copied()),
            names.list(user.iter().flatten().copied())
        )
    };
    if explicit_policy.value > 0 {
        Ok(Valid::NoPolicy { why })
    } else {
        Err(explicit_failure(&explicit_policy, &why))
    }
}

/// Inputs the algorithm cannot take: what `PolicyInfo::of_certificate`
/// rejects, for a `PolicyInfo` built another way.
fn check_inputs(path: &[PathCert<'_>]) -> Result<(), PolicyError> {
    let n = path.len();
    for (index, cert) in path.iter().enumerate() {
        let i = index + 1;
        if let Some(policies) = &cert.info.policies {
            let mut seen = HashSet::new();
            for p in policies {
                if !seen.insert(p.as_str()) {
                    return Err(PolicyError(format!(
                        "certificate {i} lists policy {p} more than once in certificatePolicies, \
                         which RFC 5280 §4.2.1.4 forbids"
                    )));
                }
            }
        }
        // §6.1.4 (a) runs for certificates 1..n-1 only; the end entity's
        // mappings are never used.
        if i < n {
            for (from, to) in &cert.info.mappings {
                if from == ANY_POLICY || to == ANY_POLICY {
                    return Err(PolicyError(format!(
                        "certificate {i} maps {} to {} in policyMappings; RFC 5280 §6.1.4 (a) \
                         forbids mapping to or from anyPolicy",
                        policy_name(from),
                        policy_name(to)
                    )));
                }
            }
        }
    }
    Ok(())
}

fn explicit_failure(explicit_policy: &Counter, why: &str) -> PolicyError {
    let by = match explicit_policy.source {
        Source::Setting => "the initial-explicit-policy setting".to_string(),
        Source::Certificate { position, value } => {
            format!("certificate {position} (requireExplicitPolicy {value})")
        }
    };
    PolicyError(format!(
        "explicit policy required by {by}, but no policy is valid for the whole path: {why}"
    ))
}

fn policy_name(oid: &str) -> &str {
    if oid == ANY_POLICY {
        "anyPolicy"
    } else {
        oid
    }
}

/// issuerDomainPolicy → its subjectDomainPolicies, in OID order.
fn mapping_table(mappings: &[(String, String)], names: &mut Names) -> BTreeMap<u32, Vec<u32>> {
    let mut table: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for (from, to) in mappings {
        let from = names.id(from);
        let to = names.id(to);
        table.entry(from).or_default().insert(to);
    }
    table
        .into_iter()
        .map(|(from, to)| (from, to.into_iter().collect()))
        .collect()
}

/// What set a counter (explicit_policy, policy_mapping, inhibit_anyPolicy)
/// to the value it counts down from, to name it in messages.
#[derive(Debug, Clone, Copy)]
enum Source {
    Setting,
    Certificate { position: usize, value: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    value: u64,
    source: Source,
}

impl Counter {
    fn initial(set: bool, start: u64) -> Counter {
        Counter {
            value: if set { 0 } else { start },
            source: Source::Setting,
        }
    }

    fn count_down(&mut self) {
        self.value = self.value.saturating_sub(1);
    }

    /// §6.1.4 (i), (j): a certificate's constraint only ever tightens.
    fn lower(&mut self, constraint: Option<u32>, position: usize) {
        if let Some(value) = constraint {
            if u64::from(value) < self.value {
                self.value = u64::from(value);
                self.source = Source::Certificate { position, value };
            }
        }
    }

    /// Words for "this counter is at 0 because ...".
    fn why_zero(&self, setting: &str, extension: &str) -> String {
        match self.source {
            Source::Setting => format!("the {setting} setting is on"),
            Source::Certificate { position, value } => {
                format!("certificate {position} sets {extension} {value}")
            }
        }
    }
}

/// Policy OIDs as small numbers; anyPolicy is always 0.
struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

const ANY: u32 = 0;

impl Names {
    fn new() -> Names {
        let mut names = Names {
            ids: HashMap::new(),
            names: Vec::new(),
        };
        names.id(ANY_POLICY);
        names
    }

    fn id(&mut self, oid: &str) -> u32 {
        if let Some(&id) = self.ids.get(oid) {
            return id;
        }
        // The number of distinct OIDs is bounded by the input size, far
        // below u32::MAX.
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(oid.to_string());
        self.ids.insert(oid.to_string(), id);
        id
    }

    fn name(&self, id: u32) -> &str {
        let name = usize::try_from(id)
            .ok()
            .and_then(|i| self.names.get(i))
            .map_or("?", String::as_str);
        policy_name(name)
    }

    /// "[a, b, c]", sorted, at most `LISTED` names.
    fn list(&self, ids: impl Iterator<Item = u32>) -> String {
        let mut all: Vec<&str> = ids.map(|id| self.name(id)).collect();
        all.sort_unstable();
        all.dedup();
        let more = all.len().saturating_sub(LISTED);
        all.truncate(LISTED);
        let mut text = format!("[{}", all.join(", "));
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        text.push(']');
        text
    }
}

/// A node of the valid_policy_graph (RFC 9618 §5.2), without qualifiers.
struct Node {
    valid_policy: u32,
    /// Sorted, never empty.
    expected_policy_set: Vec<u32>,
    /// Indices into the level above. Either one anyPolicy node or only
    /// non-anyPolicy nodes (RFC 9618 §5.2 invariants).
    parents: Vec<u32>,
    /// False once deleted (§6.1.3 (d)(3), §6.1.4 (b)(2)).
    alive: bool,
}

/// The valid_policy_graph while it is not NULL: `levels[d]` holds the nodes
/// of depth d; at most one node per policy per depth.
struct Graph {
    levels: Vec<Vec<Node>>,
    budget: Budget,
}

/// Nodes and parent links made so far, against the caps.
struct Budget {
    nodes: usize,
    edges: usize,
}

impl Budget {
    /// Count a new node of certificate `i` with `parents` links.
    fn take(&mut self, i: usize, parents: usize) -> Result<(), PolicyError> {
        self.nodes = self.nodes.saturating_add(1);
        self.edges = self.edges.saturating_add(parents);
        if self.nodes > MAX_POLICY_GRAPH_NODES || self.edges > MAX_POLICY_GRAPH_EDGES {
            return Err(PolicyError(format!(
                "the certificate policies and policy mappings of this path make a policy graph \
                 larger than pkiaudit's limit ({MAX_POLICY_GRAPH_NODES} nodes, \
                 {MAX_POLICY_GRAPH_EDGES} links), reached at certificate {i}; the path is \
                 rejected to bound the work (RFC 9618 §4.2)"
            )));
        }
        Ok(())
    }
}

impl Graph {
    fn new() -> Graph {
        Graph {
            levels: vec![vec![Node {
                valid_policy: ANY,
                expected_policy_set: vec![ANY],
                parents: Vec::new(),
                alive: true,
            }]],
            budget: Budget { nodes: 1, edges: 0 },
        }
    }

    /// §6.1.3 (d)(1)-(3) for certificate `i` (depth i) as RFC 9618 §5.3
    /// words it. `Ok(Err(why))` when the graph becomes NULL.
    fn add_certificate(
        &mut self,
        i: usize,
        policies: &[String],
        any_counts: bool,
        inhibit_any_policy: &Counter,
        names: &mut Names,
    ) -> Result<Result<(), String>, PolicyError> {
        let Some(above) = self.levels.last() else {
            return Ok(Err(format!(
                "certificate {i} follows an empty policy graph"
            )));
        };
        // For each policy expected at depth i, the nodes of depth i-1 that
        // expect it; BTreeMap for a stable order.
        let mut expecting: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut any_above: Option<u32> = None;
        for (k, node) in above.iter().enumerate().filter(|(_, n)| n.alive) {
            let k = u32::try_from(k).unwrap_or(u32::MAX);
            if node.valid_policy == ANY {
                any_above = Some(k);
            }
            for &e in &node.expected_policy_set {
                expecting.entry(e).or_default().push(k);
            }
        }

        let mut level: Vec<Node> = Vec::new();
        let mut present: HashSet<u32> = HashSet::new();
        let mut asserted: Vec<u32> = Vec::new();
        let mut asserts_any = false;
        for p in policies {
            let id = names.id(p);
            if id == ANY {
                asserts_any = true;
                continue;
            }
            asserted.push(id);
            // (d)(1)(i): a match in an expected_policy_set; (d)(1)(ii): else
            // under the anyPolicy node.
            let parents = match (expecting.get(&id), any_above) {
                (Some(parents), _) => parents.clone(),
                (None, Some(any)) => vec![any],
                (None, None) => continue,
            };
            self.budget.take(i, parents.len())?;
            present.insert(id);
            level.push(Node {
                valid_policy: id,
                expected_policy_set: vec![id],
                parents,
                alive: true,
            });
        }
        // (d)(2): anyPolicy in the certificate stands for every expected
        // policy not asserted by name, anyPolicy itself included.
        if asserts_any && any_counts {
            for (&p, parents) in &expecting {
                if present.insert(p) {
                    self.budget.take(i, parents.len())?;
                    level.push(Node {
                        valid_policy: p,
                        expected_policy_set: vec![p],
                        parents: parents.clone(),
                        alive: true,
                    });
                }
            }
        }

        if level.is_empty() {
            let allowed: BTreeSet<u32> = expecting.keys().copied().collect();
            return Ok(Err(no_match_reason(
                i,
                &asserted,
                asserts_any,
                &allowed,
                inhibit_any_policy,
                names,
            )));
        }
        self.levels.push(level);
        // (d)(3).
        self.prune();
        Ok(Ok(()))
    }

    /// §6.1.4 (b) for certificate `i` (the deepest level), as RFC 9618 §5.4
    /// words it. `Ok(Err(why))` when the graph becomes NULL.
    fn apply_mappings(
        &mut self,
        i: usize,
        mappings: &BTreeMap<u32, Vec<u32>>,
        policy_mapping: &Counter,
        names: &Names,
    ) -> Result<Result<(), String>, PolicyError> {
        let Graph { levels, budget } = self;
        let Some(level) = levels.last_mut() else {
            return Ok(Err(format!(
                "certificate {i} follows an empty policy graph"
            )));
        };
        let index: HashMap<u32, usize> = level
            .iter()
            .enumerate()
            .filter(|(_, n)| n.alive)
            .map(|(k, n)| (n.valid_policy, k))
            .collect();

        if policy_mapping.value > 0 {
            // The parent of the anyPolicy node of depth i, for (b)(1)(ii).
            let any_parent = index
                .get(&ANY)
                .and_then(|&k| level.get(k))
                .and_then(|n| n.parents.first().copied());
            for (&from, to) in mappings {
                if let Some(node) = index.get(&from).and_then(|&k| level.get_mut(k)) {
                    // (b)(1)(i).
                    node.expected_policy_set = to.clone();
                } else if let Some(parent) = any_parent {
                    // (b)(1)(ii).
                    budget.take(i, 1)?;
                    level.push(Node {
                        valid_policy: from,
                        expected_policy_set: to.clone(),
                        parents: vec![parent],
                        alive: true,
                    });
                }
            }
            return Ok(Ok(()));
        }

        // (b)(2): mapping is inhibited, so the mapped policies end here.
        let mut dropped = Vec::new();
        for &from in mappings.keys() {
            if let Some(node) = index.get(&from).and_then(|&k| level.get_mut(k)) {
                node.alive = false;
                dropped.push(from);
            }
        }
        let left = level.iter().any(|n| n.alive);
        self.prune();
        if left {
            Ok(Ok(()))
        } else {
            Ok(Err(format!(
                "certificate {i} maps {} to other policies while policy mapping is inhibited \
                 ({}), so RFC 5280 §6.1.4 (b)(2) drops them and no policy is left",
                names.list(dropped.into_iter()),
                policy_mapping.why_zero("initial-policy-mapping-inhibit", "inhibitPolicyMapping")
            )))
        }
    }

    /// Delete the nodes above the deepest level that have no live child,
    /// repeatedly (§6.1.3 (d)(3), §6.1.4 (b)(2)).
    fn prune(&mut self) {
        let mut depth = self.levels.len().saturating_sub(1);
        while depth > 0 {
            let (upper, lower) = self.levels.split_at_mut(depth);
            let (Some(parents), Some(children)) = (upper.last_mut(), lower.first()) else {
                return;
            };
            let mut has_child = vec![false; parents.len()];
            for child in children.iter().filter(|c| c.alive) {
                for &p in &child.parents {
                    if let Some(slot) = usize::try_from(p).ok().and_then(|p| has_child.get_mut(p)) {
                        *slot = true;
                    }
                }
            }
            let mut changed = false;
            for (node, has_child) in parents.iter_mut().zip(has_child) {
                if node.alive && !has_child {
                    node.alive = false;
                    changed = true;
                }
            }
            if !changed {
                // The levels further up keep every child they had.
                return;
            }
            depth -= 1;
        }
    }

    /// §6.1.5 (g)(1)-(4) of RFC 9618 §5.5: the policies that enter the
    /// graph under an anyPolicy node, and anyPolicy if it reaches depth n.
    fn authority_constrained_set(&self) -> BTreeSet<u32> {
        let mut set = BTreeSet::new();
        for (upper, level) in self.levels.iter().zip(self.levels.iter().skip(1)) {
            for node in level.iter().filter(|n| n.alive && n.valid_policy != ANY) {
                if let [parent] = node.parents.as_slice() {
                    let parent = usize::try_from(*parent).ok().and_then(|p| upper.get(p));
                    if parent.is_some_and(|p| p.valid_policy == ANY) {
                        set.insert(node.valid_policy);
                    }
                }
            }
        }
        if let Some(last) = self.levels.last() {
            if last.iter().any(|n| n.alive && n.valid_policy == ANY) {
                set.insert(ANY);
            }
        }
        set
    }
}

/// Why certificate `i` left no node at its depth.
fn no_match_reason(
    i: usize,
    asserted: &[u32],
    asserts_any: bool,
    allowed: &BTreeSet<u32>,
    inhibit_any_policy: &Counter,
    names: &Names,
) -> String {
    let any_inhibited = || {
        format!(
            "anyPolicy is inhibited ({})",
            inhibit_any_policy.why_zero("initial-any-policy-inhibit", "inhibitAnyPolicy")
        )
    };
    // A named policy only goes unmatched when no anyPolicy node is above
    // (§6.1.3 (d)(1)(ii)), so `allowed` lists named policies.
    let named = || {
        format!(
            "certificate {i} asserts {}, but the certificates above it allow only {}",
            names.list(asserted.iter().copied()),
            names.list(allowed.iter().copied())
        )
    };
    match (asserted.is_empty(), asserts_any) {
        (false, false) => named(),
        (false, true) => format!(
            "{}, and its anyPolicy does not count because {}",
            named(),
            any_inhibited()
        ),
        (true, true) => format!(
            "certificate {i} asserts only anyPolicy, which does not count because {}",
            any_inhibited()
        ),
        (true, false) => format!("certificate {i} has an empty certificatePolicies extension"),
    }
}

#[cfg(test)]
mod tests {
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
            message
                .starts_with("explicit policy required by certificate 1 (requireExplicitPolicy 4)"),
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
            message
                .starts_with("explicit policy required by certificate 2 (requireExplicitPolicy 2)"),
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
            message.contains(
                "policy mapping is inhibited (certificate 1 sets inhibitPolicyMapping 0)"
            ),
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
            message
                .starts_with("explicit policy required by certificate 1 (requireExplicitPolicy 2)"),
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
            message
                .starts_with("explicit policy required by certificate 2 (requireExplicitPolicy 0)"),
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
        let mut params = rcgen::CertificateParams::new(vec!["policy.example".to_string()])
            .expect("rcgen params");
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
}
