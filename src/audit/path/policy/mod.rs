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
mod tests;
