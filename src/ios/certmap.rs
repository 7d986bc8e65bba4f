//! Certificate maps (`crypto pki certificate map LABEL SEQ`): does a
//! certificate match, why, and can two map entries ever match the same
//! certificate?
//!
//! Semantics (IOS-XE YANG `Cisco-IOS-XE-crypto`, grouping
//! `crypto-pki-certificate-map-grouping`; Cisco ASR 1000 Common Criteria
//! guide §4.8; field guide "Matching Peers with Certificate Maps"):
//!
//! - the rules of one entry are ANDed; the entries of one label are tried in
//!   ascending sequence order and the first that matches is the match (OR);
//! - an entry without rules matches every certificate (nothing to fail);
//! - comparisons ignore case (IOS stores map values lower-cased).
//!
//! What each field is compared with, and how values are normalised (the same
//! [`normalize`] is applied to the rule value and to the certificate text):
//!
//! - `subject-name`, `issuer-name`: the whole DN as IOS prints it
//!   ([`crate::model::Name::ios_text`], `cn=spoke1,ou=spokes,o=example`);
//!   whitespace around `=`, `,` and `+` is dropped, so `cn = spoke1` equals
//!   `cn=spoke1` (engineers write both), other runs of whitespace become one
//!   space. ASA `attr TAG` compares the values of that one attribute instead.
//! - `name`: each attribute value of the subject, one by one.
//! - `unstructured-subject-name`: the subject's unstructuredName values
//!   (`hostname=` in IOS output).
//! - `alt-subject-name`: each subjectAltName entry's value (DNS name, e-mail,
//!   IP, URI, directory name).
//! - `serial-number`: the serial in hex, without `:`/spaces and leading zeros.
//! - `extended-key-usage` (ASA): each EKU purpose, by OID and by name.
//! - `valid-start` / `expires-on`: notBefore / notAfter against the rule's
//!   date, to the second.
//!
//! A field with several values (every field but the whole-DN ones and the
//! serial) matches `eq`/`co` when any value does, and `ne`/`nc` when no value
//! equals / contains the rule's value; with no value at all, `eq`/`co` fail
//! and `ne`/`nc` hold. Cisco documents none of these multi-value cases; this
//! is the reading under which `ne x` is the negation of `eq x`.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::config::{CertificateMapEntry, IosConfig, MapField, MapOp, MapRule};
use crate::model::{Certificate, SanEntry};

/// How one rule fared against one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    pub rule: MapRule,
    pub matched: bool,
    /// What the rule's value was compared with (normalised as compared).
    pub compared: String,
}

/// How one map entry fared.
#[derive(Debug, Clone, Serialize)]
pub struct EntryOutcome<'a> {
    #[serde(serialize_with = "entry_ref")]
    pub entry: &'a CertificateMapEntry,
    pub matched: bool,
    pub rules: Vec<RuleOutcome>,
}

/// The result of evaluating a map (all entries of one label).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum MapMatch<'a> {
    /// `entry` is the first entry (in sequence order) that matched; `tried`
    /// holds every entry evaluated, the matching one last.
    Matched {
        #[serde(serialize_with = "entry_ref")]
        entry: &'a CertificateMapEntry,
        tried: Vec<EntryOutcome<'a>>,
    },
    /// The map exists and no entry matched.
    NoMatch { tried: Vec<EntryOutcome<'a>> },
    /// No `crypto pki certificate map` with this label: it matches nothing.
    NotDefined { label: String },
}

impl<'a> MapMatch<'a> {
    /// Some entry matched.
    pub fn matched(&self) -> bool {
        matches!(self, MapMatch::Matched { .. })
    }

    /// The entry that matched.
    pub fn entry(&self) -> Option<&'a CertificateMapEntry> {
        match self {
            MapMatch::Matched { entry, .. } => Some(entry),
            _ => None,
        }
    }

    /// One line saying why the map did not match (or which entry did).
    pub fn explain(&self) -> String {
        match self {
            MapMatch::Matched { entry, .. } => {
                format!(
                    "certificate map {} matched at seq {}",
                    entry.label, entry.seq
                )
            }
            MapMatch::NotDefined { label } => {
                format!("certificate map {label} is not defined (it matches nothing)")
            }
            MapMatch::NoMatch { tried } => {
                let parts: Vec<String> = tried
                    .iter()
                    .map(|t| {
                        let failed: Vec<String> = t
                            .rules
                            .iter()
                            .filter(|r| !r.matched)
                            .map(|r| {
                                format!(
                                    "{} {} {:?} vs {:?}",
                                    describe_field(&r.rule),
                                    r.rule.op.keyword(),
                                    r.rule.value,
                                    r.compared
                                )
                            })
                            .collect();
                        format!("seq {}: {}", t.entry.seq, failed.join("; "))
                    })
                    .collect();
                let label = tried.first().map_or("", |t| t.entry.label.as_str());
                format!(
                    "certificate map {label}: no entry matched ({})",
                    parts.join(" | ")
                )
            }
        }
    }
}

fn entry_ref<S: serde::Serializer>(e: &&CertificateMapEntry, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("EntryRef", 3)?;
    st.serialize_field("label", &e.label)?;
    st.serialize_field("seq", &e.seq)?;
    st.serialize_field("line", &e.line)?;
    st.end()
}

/// Lower-case, whitespace around `=`, `,` and `+` removed, other runs of
/// whitespace collapsed to one space, trimmed. Applied to rule values and to
/// the certificate text alike.
pub fn normalize(value: &str) -> String {
    let lowered = value.trim().to_lowercase();
    let mut out = String::with_capacity(lowered.len());
    let mut pending_space = false;
    for c in lowered.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if matches!(c, '=' | ',' | '+') {
            pending_space = false;
            out.push(c);
            continue;
        }
        if pending_space && !out.is_empty() && !out.ends_with(['=', ',', '+']) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// A serial as compared: hex digits only, lower case, no leading zeros.
fn normalize_serial(value: &str) -> String {
    let digits: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect::<String>()
        .to_lowercase();
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() && !digits.is_empty() {
        "0".into()
    } else {
        trimmed.to_string()
    }
}

/// ASA `attr` tags → the attribute names of [`crate::model::Name::rdns`].
fn asa_attribute(tag: &str) -> String {
    match tag.to_ascii_lowercase().as_str() {
        "sp" => "st".into(),
        "ser" => "serialnumber".into(),
        "t" => "title".into(),
        "uname" => "hostname".into(),
        "i" => "2.5.4.43".into(),
        "genq" => "2.5.4.44".into(),
        "n" => "2.5.4.41".into(),
        "email" | "e" => "ea".into(),
        other => other.to_string(),
    }
}

/// What a rule looks at in a certificate.
enum Subject {
    One(String),
    Many(Vec<String>),
    Date(DateTime<Utc>),
}

/// The field a rule is about, for messages (`subject-name attr cn`).
pub fn describe_field(rule: &MapRule) -> String {
    match &rule.attribute {
        Some(a) => format!("{} attr {a}", rule.field.keyword()),
        None => rule.field.keyword().to_string(),
    }
}

fn attribute_values(name: &crate::model::Name, attribute: &str) -> Vec<String> {
    name.rdns
        .iter()
        .flatten()
        .filter(|(a, _)| a.eq_ignore_ascii_case(attribute))
        .map(|(_, v)| normalize(v))
        .collect()
}

fn subject_of(rule: &MapRule, cert: &Certificate) -> Subject {
    match rule.field {
        MapField::SubjectName | MapField::IssuerName => {
            let name = if rule.field == MapField::SubjectName {
                &cert.subject
            } else {
                &cert.issuer
            };
            match &rule.attribute {
                Some(tag) => Subject::Many(attribute_values(name, &asa_attribute(tag))),
                None => Subject::One(normalize(&name.ios_text())),
            }
        }
        MapField::Name => Subject::Many(
            cert.subject
                .rdns
                .iter()
                .flatten()
                .map(|(_, v)| normalize(v))
                .collect(),
        ),
        MapField::UnstructuredSubjectName => {
            Subject::Many(attribute_values(&cert.subject, "hostname"))
        }
        MapField::AltSubjectName => Subject::Many(
            cert.subject_alt_name
                .iter()
                .flat_map(|san| san.entries.iter())
                .map(|e| match e {
                    SanEntry::Dns(v)
                    | SanEntry::Ip(v)
                    | SanEntry::Email(v)
                    | SanEntry::Uri(v)
                    | SanEntry::DirectoryName(v)
                    | SanEntry::OtherName(v)
                    | SanEntry::RegisteredId(v)
                    | SanEntry::Invalid(v) => normalize(v),
                })
                .collect(),
        ),
        MapField::SerialNumber => Subject::One(normalize_serial(&cert.serial)),
        MapField::ExtendedKeyUsage => Subject::Many(
            cert.extended_key_usage
                .iter()
                .flat_map(|e| e.purposes.iter())
                .flat_map(|oid| {
                    let mut v = vec![oid.clone()];
                    if let Some(name) = crate::oids::eku_name(oid) {
                        v.push(normalize(name));
                    }
                    match oid.as_str() {
                        "1.3.6.1.5.5.7.3.1" => v.push("serverauth".into()),
                        "1.3.6.1.5.5.7.3.2" => v.push("clientauth".into()),
                        "1.3.6.1.5.5.7.3.5" | "1.3.6.1.5.5.7.3.17" => v.push("ipsec".into()),
                        _ => {}
                    }
                    v
                })
                .collect(),
        ),
        MapField::ValidStart => Subject::Date(cert.not_before),
        MapField::ExpiresOn => Subject::Date(cert.not_after),
    }
}

fn rule_value(rule: &MapRule) -> String {
    if rule.field == MapField::SerialNumber {
        normalize_serial(&rule.value)
    } else {
        normalize(&rule.value)
    }
}

fn show_date(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Evaluate one rule.
pub fn rule_matches(rule: &MapRule, cert: &Certificate) -> RuleOutcome {
    let (matched, compared) = match subject_of(rule, cert) {
        Subject::Date(d) => {
            // A date rule always carries its parsed date (the parser drops
            // those it cannot read); without one nothing can hold.
            let matched = rule.date.is_some_and(|v| match rule.op {
                MapOp::Eq => d == v,
                MapOp::Ne => d != v,
                MapOp::Lt => d < v,
                MapOp::Ge => d >= v,
                MapOp::Co | MapOp::Nc => false,
            });
            (matched, show_date(d))
        }
        Subject::One(s) => {
            let v = rule_value(rule);
            let matched = match rule.op {
                MapOp::Eq => s == v,
                MapOp::Ne => s != v,
                MapOp::Co => s.contains(&v),
                MapOp::Nc => !s.contains(&v),
                MapOp::Lt | MapOp::Ge => false,
            };
            (matched, s)
        }
        Subject::Many(values) => {
            let v = rule_value(rule);
            let matched = match rule.op {
                MapOp::Eq => values.contains(&v),
                MapOp::Ne => !values.contains(&v),
                MapOp::Co => values.iter().any(|s| s.contains(&v)),
                MapOp::Nc => !values.iter().any(|s| s.contains(&v)),
                MapOp::Lt | MapOp::Ge => false,
            };
            let compared = if values.is_empty() {
                "(no value)".to_string()
            } else {
                format!("[{}]", values.join(", "))
            };
            (matched, compared)
        }
    };
    RuleOutcome {
        rule: rule.clone(),
        matched,
        compared,
    }
}

/// Evaluate one entry: every rule (all of them, for the explanation) and
/// whether they all hold.
pub fn entry_matches(entry: &CertificateMapEntry, cert: &Certificate) -> (bool, Vec<RuleOutcome>) {
    let outcomes: Vec<RuleOutcome> = entry.rules.iter().map(|r| rule_matches(r, cert)).collect();
    (outcomes.iter().all(|o| o.matched), outcomes)
}

/// Evaluate the map `label`: its entries in ascending sequence order, up to
/// the first that matches.
pub fn map_matches<'a>(cfg: &'a IosConfig, label: &str, cert: &Certificate) -> MapMatch<'a> {
    entries_match(label, cfg.map_entries(label), cert)
}

/// [`map_matches`] on the entries of one map, already looked up (in
/// ascending sequence order).
pub fn entries_match<'a>(
    label: &str,
    entries: Vec<&'a CertificateMapEntry>,
    cert: &Certificate,
) -> MapMatch<'a> {
    if entries.is_empty() {
        return MapMatch::NotDefined {
            label: label.to_string(),
        };
    }
    let mut tried = Vec::new();
    for entry in entries {
        let (matched, rules) = entry_matches(entry, cert);
        tried.push(EntryOutcome {
            entry,
            matched,
            rules,
        });
        if matched {
            return MapMatch::Matched { entry, tried };
        }
    }
    MapMatch::NoMatch { tried }
}

/// Most rules (of both entries together) [`disjoint`] compares pairwise;
/// real entries have a handful.
pub const MAX_ANALYSED_RULES: usize = 256;

/// A rule with where it came from, for messages.
struct Tagged<'r> {
    rule: &'r MapRule,
    label: &'r str,
    seq: u32,
}

impl Tagged<'_> {
    fn show(&self) -> String {
        format!(
            "{} {} {:?} ({} seq {}, line {})",
            describe_field(self.rule),
            self.rule.op.keyword(),
            self.rule.value,
            self.label,
            self.seq,
            self.rule.line
        )
    }
}

/// Fields compared as one string (one value per certificate).
fn single_valued(rule: &MapRule) -> bool {
    rule.attribute.is_none()
        && matches!(
            rule.field,
            MapField::SubjectName | MapField::IssuerName | MapField::SerialNumber
        )
}

/// Static analysis: can entries `a` and `b` both match one certificate?
/// `None` when they may (the answer whenever the rules do not prove
/// otherwise), `Some(reason)` when they provably cannot. `disjoint(e, e)`
/// says whether `e` can match anything at all.
///
/// Proofs used, on rules about the same field (and ASA attribute):
/// - one-valued fields (whole subject/issuer DN, serial): `eq x` vs `eq y`
///   (x ≠ y), `eq x` vs `ne x`, `eq x` vs `co s` (x lacks s), `eq x` vs
///   `nc s` (x has s), `co s` vs `nc t` (s contains t);
/// - many-valued fields: `eq x` vs `ne x`, `eq x` vs `nc s` (x has s),
///   `co s` vs `nc t` (s contains t);
/// - dates: the `eq`/`ne`/`lt`/`ge` constraints of both entries leave no
///   second.
///
/// Rules on different fields are never combined (`subject-name eq cn=a`
/// and `name eq b` are not compared). Entries with more than
/// [`MAX_ANALYSED_RULES`] rules between them are not analysed (may overlap).
pub fn disjoint(a: &CertificateMapEntry, b: &CertificateMapEntry) -> Option<String> {
    if a.rules.len().saturating_add(b.rules.len()) > MAX_ANALYSED_RULES {
        return None;
    }
    let tagged: Vec<Tagged<'_>> = a
        .rules
        .iter()
        .map(|rule| Tagged {
            rule,
            label: &a.label,
            seq: a.seq,
        })
        .chain(b.rules.iter().map(|rule| Tagged {
            rule,
            label: &b.label,
            seq: b.seq,
        }))
        .collect();
    for (i, x) in tagged.iter().enumerate() {
        for y in tagged.iter().skip(i + 1) {
            if x.rule.field != y.rule.field || x.rule.field.is_date() {
                continue;
            }
            let same_attr = match (&x.rule.attribute, &y.rule.attribute) {
                (None, None) => true,
                (Some(p), Some(q)) => asa_attribute(p) == asa_attribute(q),
                _ => false,
            };
            if !same_attr {
                continue;
            }
            if let Some(why) = conflict(x, y).or_else(|| conflict(y, x)) {
                return Some(why);
            }
        }
    }
    for field in [MapField::ValidStart, MapField::ExpiresOn] {
        let rules: Vec<&Tagged<'_>> = tagged.iter().filter(|t| t.rule.field == field).collect();
        if let Some(why) = dates_conflict(field, &rules) {
            return Some(why);
        }
    }
    None
}

/// Do string rules `x` then `y` (same field) contradict? Checked in both
/// orders by the caller.
fn conflict(x: &Tagged<'_>, y: &Tagged<'_>) -> Option<String> {
    let (xv, yv) = (rule_value(x.rule), rule_value(y.rule));
    let single = single_valued(x.rule);
    let why = match (x.rule.op, y.rule.op) {
        (MapOp::Eq, MapOp::Eq) if single && xv != yv => "a certificate has one value",
        (MapOp::Eq, MapOp::Ne) if xv == yv => "one requires what the other excludes",
        (MapOp::Eq, MapOp::Co) if single && !xv.contains(&yv) => {
            "the required value does not contain the other's text"
        }
        (MapOp::Eq, MapOp::Nc) if xv.contains(&yv) => {
            "the required value contains the excluded text"
        }
        (MapOp::Co, MapOp::Nc) if xv.contains(&yv) => {
            "any value containing the first text contains the excluded one"
        }
        _ => return None,
    };
    Some(format!(
        "{} and {} cannot both hold: {why}",
        x.show(),
        y.show()
    ))
}

/// Can the date rules of one field all hold at one instant?
fn dates_conflict(field: MapField, rules: &[&Tagged<'_>]) -> Option<String> {
    let date = |t: &&Tagged<'_>| t.rule.date;
    let mut lo: Option<(DateTime<Utc>, &Tagged<'_>)> = None; // inclusive
    let mut hi: Option<(DateTime<Utc>, &Tagged<'_>)> = None; // exclusive
    let mut eq: Option<(DateTime<Utc>, &Tagged<'_>)> = None;
    for t in rules {
        let Some(d) = date(t) else { continue };
        match t.rule.op {
            MapOp::Ge if lo.is_none_or(|(l, _)| d > l) => lo = Some((d, t)),
            MapOp::Lt if hi.is_none_or(|(h, _)| d < h) => hi = Some((d, t)),
            MapOp::Eq => match eq {
                Some((e, other)) if e != d => {
                    return Some(format!(
                        "{} and {} cannot both hold: {} has one value",
                        other.show(),
                        t.show(),
                        field.keyword()
                    ))
                }
                _ => eq = Some((d, t)),
            },
            _ => {}
        }
    }
    let ne = |d: DateTime<Utc>| {
        rules
            .iter()
            .find(|t| t.rule.op == MapOp::Ne && t.rule.date == Some(d))
    };
    if let Some((e, et)) = eq {
        if let Some(n) = ne(e) {
            return Some(format!("{} and {} cannot both hold", et.show(), n.show()));
        }
        if let Some((_, lt)) = lo.filter(|(l, _)| e < *l) {
            return Some(format!("{} and {} cannot both hold", et.show(), lt.show()));
        }
        if let Some((_, ht)) = hi.filter(|(h, _)| e >= *h) {
            return Some(format!("{} and {} cannot both hold", et.show(), ht.show()));
        }
        return None;
    }
    if let (Some((l, lt)), Some((h, ht))) = (lo, hi) {
        if l >= h {
            return Some(format!(
                "{} and {} leave no possible {} date",
                lt.show(),
                ht.show(),
                field.keyword()
            ));
        }
        if h - l == Duration::seconds(1) {
            if let Some(n) = ne(l) {
                return Some(format!(
                    "{}, {} and {} leave no possible {} date",
                    lt.show(),
                    ht.show(),
                    n.show(),
                    field.keyword()
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ios::config::parse;
    use crate::testkit::{ymd, CertSpec, Issued};
    use rcgen::{DnType, Issuer, KeyPair};

    fn cert(issued: &Issued) -> Certificate {
        Certificate::from_der(&issued.der()).expect("test certificate")
    }

    /// A leaf with O, OU, CN and unstructuredName, issued by `ca`.
    fn spoke(ca: &Issued, cn: &str, ou: &str) -> Certificate {
        let mut p = rcgen::CertificateParams::default();
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name
            .push(DnType::OrganizationName, "Example VPN");
        p.distinguished_name
            .push(DnType::OrganizationalUnitName, ou);
        p.distinguished_name.push(DnType::CommonName, cn);
        p.distinguished_name.push(
            DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 2]),
            format!("{cn}.example.com"),
        );
        p.not_before = ymd((2025, 3, 1));
        p.not_after = ymd((2027, 3, 1));
        p.subject_alt_names = vec![rcgen::SanType::DnsName(
            format!("{cn}.vpn.example.com").try_into().expect("ia5"),
        )];
        p.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x0a, 0x1b, 0x2c]));
        let key = KeyPair::generate().expect("key");
        let issuer = Issuer::from_params(&ca.params, &ca.key);
        let c = p.signed_by(&key, &issuer).expect("signed");
        Certificate::from_der(c.der()).expect("parsed")
    }

    fn entry(cfg: &IosConfig, label: &str, seq: u32) -> CertificateMapEntry {
        cfg.map_entries(label)
            .into_iter()
            .find(|e| e.seq == seq)
            .cloned()
            .expect("entry")
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize("  CN = Spoke1 ,  OU=Spokes "),
            "cn=spoke1,ou=spokes"
        );
        assert_eq!(
            normalize("cisco   manufacturing\tCA"),
            "cisco manufacturing ca"
        );
        assert_eq!(normalize("cn=a + ou=b"), "cn=a+ou=b");
        assert_eq!(normalize_serial("00:0A:1b 2C"), "a1b2c");
        assert_eq!(normalize_serial("00"), "0");
    }

    #[test]
    fn evaluates_against_real_certificates() {
        let ca = Issued::root("Example CA");
        let c = spoke(&ca, "spoke1", "Spokes");
        let subject = normalize(&c.subject.ios_text());
        assert!(subject.contains("cn=spoke1"), "{subject}");
        let cfg = parse(
            "crypto pki certificate map SPOKES 20\n\
             \x20subject-name co ou = spokes\n\
             \x20issuer-name eq CN = Example CA , O = Example VPN\n\
             crypto pki certificate map SPOKES 10\n\
             \x20subject-name co cn = hub\n\
             crypto pki certificate map NAMES 1\n\
             \x20name eq SPOKE1\n\
             \x20unstructured-subject-name eq spoke1.example.com\n\
             \x20alt-subject-name co .VPN.example.com\n\
             \x20serial-number eq 0a1b2c\n\
             \x20expires-on ge 01 Mar 2027 00:00:00\n\
             \x20valid-start lt Mar 01 2025 00:00:01 utc\n\
             crypto pki certificate map NEG 1\n\
             \x20subject-name nc ou=spokes\n\
             crypto pki certificate map NEG 2\n\
             \x20alt-subject-name ne spoke1.vpn.example.com\n\
             crypto pki certificate map NEG 3\n\
             \x20expires-on lt 01 Mar 2027 00:00:00\n\
             crypto pki certificate map EMPTY 5\n",
        );
        assert_eq!(cfg.problems, vec![]);
        // The issuer DN as IOS prints it, most specific RDN first: the
        // issuer-name eq rule of seq 20 is written in that order.
        assert_eq!(
            normalize(&c.issuer.ios_text()),
            "cn=example ca,o=example vpn",
            "Name::ios_text order changed"
        );

        let m = map_matches(&cfg, "SPOKES", &c);
        // seq 10 is tried first (sequence order, not config order) and
        // fails; seq 20 matches.
        let MapMatch::Matched { entry: hit, tried } = &m else {
            panic!("expected a match: {m:?}")
        };
        assert_eq!(hit.seq, 20);
        assert_eq!(
            tried
                .iter()
                .map(|t| (t.entry.seq, t.matched))
                .collect::<Vec<_>>(),
            vec![(10, false), (20, true)]
        );
        let seq10 = tried.first().expect("seq 10");
        assert_eq!(
            seq10.rules.first().map(|r| r.compared.as_str()),
            Some(subject.as_str())
        );
        assert_eq!(m.explain(), "certificate map SPOKES matched at seq 20");
        // The same DN in certificate order is not equal: RDN order counts.
        let reversed =
            parse("crypto pki certificate map R 1\n issuer-name eq o=example vpn,cn=example ca\n");
        let r = map_matches(&reversed, "R", &c);
        assert!(!r.matched());
        assert!(
            r.explain().contains("seq 1: issuer-name eq"),
            "{}",
            r.explain()
        );

        let names = map_matches(&cfg, "NAMES", &c);
        assert!(names.matched(), "{}", names.explain());
        assert_eq!(names.entry().map(|e| e.seq), Some(1));
        let MapMatch::Matched { tried, .. } = &names else {
            unreachable!()
        };
        let compared: Vec<&str> = tried
            .first()
            .map(|t| t.rules.iter().map(|r| r.compared.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            compared.get(3..).map(<[&str]>::to_vec),
            Some(vec![
                "a1b2c",
                "2027-03-01 00:00:00 UTC",
                "2025-03-01 00:00:00 UTC"
            ])
        );

        for seq in [1, 2, 3] {
            let (ok, rules) = entry_matches(&entry(&cfg, "NEG", seq), &c);
            assert!(!ok, "NEG {seq} should fail: {rules:?}");
        }
        // A different spoke passes the negative rules 1 and 2.
        let other = spoke(&ca, "spoke2", "Branches");
        assert!(entry_matches(&entry(&cfg, "NEG", 1), &other).0);
        assert!(entry_matches(&entry(&cfg, "NEG", 2), &other).0);

        // An entry without rules matches anything; an unknown map nothing.
        assert!(map_matches(&cfg, "EMPTY", &c).matched());
        assert!(matches!(
            map_matches(&cfg, "spokes", &c),
            MapMatch::NotDefined { .. }
        ));
        assert!(serde_json::to_string(&names).is_ok());
    }

    #[test]
    fn testkit_leaf_and_asa_attributes() {
        let ca = Issued::root("Example CA");
        let leaf = ca.issue(
            CertSpec::leaf("client7")
                .valid(ymd((2025, 1, 1)), ymd((2026, 1, 1)))
                .eku(&[rcgen::ExtendedKeyUsagePurpose::ClientAuth]),
        );
        let c = cert(&leaf);
        let cfg = parse(
            "crypto ca certificate map CERT_MAP 10\n\
             \x20subject-name attr cn eq CLIENT7\n\
             \x20subject-name attr o co example\n\
             \x20issuer-name attr cn eq example ca\n\
             \x20extended-key-usage co clientauth\n\
             crypto ca certificate map CERT_MAP 20\n\
             \x20subject-name attr ou eq anything\n",
        );
        let m = map_matches(&cfg, "CERT_MAP", &c);
        assert_eq!(m.entry().map(|e| e.seq), Some(10), "{}", m.explain());
        let (ok, rules) = entry_matches(&entry(&cfg, "CERT_MAP", 20), &c);
        assert!(!ok);
        assert_eq!(
            rules.first().map(|r| r.compared.as_str()),
            Some("(no value)")
        );
    }

    #[test]
    fn disjointness() {
        let cfg = parse(
            "crypto pki certificate map A 1\n subject-name eq cn=a\n\
             crypto pki certificate map A 2\n subject-name eq cn = A\n\
             crypto pki certificate map B 1\n subject-name eq cn=b\n\
             crypto pki certificate map C 1\n subject-name ne cn=a\n\
             crypto pki certificate map D 1\n subject-name co ou=x\n\
             crypto pki certificate map E 1\n subject-name nc ou\n\
             crypto pki certificate map F 1\n subject-name co cn=a\n\
             crypto pki certificate map G 1\n alt-subject-name eq a.example.com\n\
             crypto pki certificate map H 1\n alt-subject-name eq b.example.com\n\
             crypto pki certificate map I 1\n alt-subject-name ne a.example.com\n\
             crypto pki certificate map J 1\n expires-on lt 01 Jan 2030\n\
             crypto pki certificate map K 1\n expires-on ge 01 Jan 2030\n\
             crypto pki certificate map L 1\n expires-on ge 01 Jan 2029\n\
             crypto pki certificate map M 1\n expires-on eq 01 Jan 2031\n\
             crypto pki certificate map N 1\n expires-on ne 01 Jan 2031\n\
             crypto pki certificate map O 1\n issuer-name eq cn=a\n\
             crypto pki certificate map P 1\n subject-name co cn=a\n subject-name nc cn\n\
             crypto pki certificate map Q 1\n subject-name attr cn eq a\n\
             crypto pki certificate map R 1\n subject-name attr cn eq b\n\
             crypto pki certificate map S 1\n\
             crypto pki certificate map T 1\n valid-start ge 01 Jan 2030 00:00:00\n valid-start lt 01 Jan 2030 00:00:01\n valid-start ne 01 Jan 2030 00:00:00\n",
        );
        assert_eq!(cfg.problems, vec![]);
        let e = |l: &str| entry(&cfg, l, 1);
        let a2 = entry(&cfg, "A", 2);
        // Provably disjoint.
        let why = disjoint(&e("A"), &e("B")).expect("eq a / eq b");
        assert!(why.contains("A seq 1") && why.contains("B seq 1"), "{why}");
        assert!(disjoint(&e("A"), &e("C")).is_some(), "eq a / ne a");
        assert!(disjoint(&e("A"), &e("D")).is_some(), "eq a / co ou=x");
        assert!(disjoint(&e("D"), &e("E")).is_some(), "co ou=x / nc ou");
        assert!(disjoint(&e("G"), &e("I")).is_some(), "SAN eq a / ne a");
        assert!(disjoint(&e("J"), &e("K")).is_some(), "lt 2030 / ge 2030");
        assert!(disjoint(&e("J"), &e("M")).is_some(), "lt 2030 / eq 2031");
        assert!(disjoint(&e("M"), &e("N")).is_some(), "eq / ne same date");
        assert!(disjoint(&e("P"), &e("S")).is_some(), "P contradicts itself");
        assert!(disjoint(&e("P"), &e("P")).is_some());
        assert!(
            disjoint(&e("T"), &e("T")).is_some(),
            "one-second window excluded"
        );
        // May overlap.
        assert_eq!(
            disjoint(&e("A"), &a2),
            None,
            "`cn = A` normalises to `cn=a`"
        );
        assert_eq!(disjoint(&e("A"), &e("F")), None, "eq cn=a / co cn=a");
        assert_eq!(disjoint(&e("G"), &e("H")), None, "two SANs can coexist");
        assert_eq!(disjoint(&e("K"), &e("L")), None, "ge 2030 / ge 2029");
        assert_eq!(disjoint(&e("A"), &e("O")), None, "subject vs issuer");
        assert_eq!(
            disjoint(&e("Q"), &e("R")),
            None,
            "two CN attributes can coexist"
        );
        assert_eq!(disjoint(&e("A"), &e("S")), None, "empty entry matches all");
        assert_eq!(disjoint(&e("J"), &e("L")), None, "[2029, 2030)");
        assert_eq!(disjoint(&e("A"), &e("A")), None);
        // Too many rules to analyse: may overlap, even when contradictory.
        let mut big = e("P");
        let filler = big.rules.first().cloned().expect("rule");
        big.rules
            .extend(std::iter::repeat_n(filler, MAX_ANALYSED_RULES));
        assert_eq!(disjoint(&big, &e("S")), None);
    }
}
