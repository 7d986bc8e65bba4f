//! Name constraints, every form: RFC 5280 §4.2.1.10, carried down a path
//! as §6.1.3 (b)-(c) and §6.1.4 (g) say.
//!
//! A CA certificate's nameConstraints extension restricts the names of the
//! certificates below it: each name must fall within the permitted subtrees
//! of its form (when the CA gave any of that form) and within none of the
//! excluded subtrees. §6.1 keeps `permitted_subtrees` as the intersection
//! and `excluded_subtrees` as the union of what every CA on the path said;
//! [`State`] keeps each CA's extension and checks a name against each in
//! turn, which is the same test without computing intersections of
//! subtrees.
//!
//! rustls-webpki rejects every chain whose constraints use directoryName,
//! rfc822Name, URI or some iPAddress forms; IOS, strongSwan and Windows do
//! not, so pkiaudit judges them itself.
//!
//! Which certificates are checked is the caller's business: §6.1.3 (b)
//! exempts self-issued intermediate certificates (not the last one), and
//! the subject-CN fallback below is meant for the end entity only (use
//! [`SubjectNames::without_cn_fallback`] for CAs, as OpenSSL does).
//!
//! Hostile input is bounded: an extension may hold at most
//! [`MAX_SUBTREES`] subtrees and a subjectAltName at most [`MAX_NAMES`]
//! names, so one check costs at most `MAX_NAMES × MAX_SUBTREES` comparisons
//! per CA on the path; larger ones are errors.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use x509_parser::asn1_rs::{Any, Class, FromDer};
use x509_parser::oid_registry::{OID_X509_EXT_NAME_CONSTRAINTS, OID_X509_EXT_SUBJECT_ALT_NAME};
use x509_parser::prelude::X509Certificate;

use crate::model::dn::ComparableName;
use crate::model::hex_lower;

/// Most subtrees (permitted and excluded together) one NameConstraints
/// extension may hold. Real CAs use a handful; the largest government
/// bridge CAs a few hundred.
pub const MAX_SUBTREES: usize = 1024;
/// Most subjectAltName entries one certificate may have for the check.
pub const MAX_NAMES: usize = 1024;

/// How many permitted subtrees a violation lists before "and N more".
const SHOWN_SUBTREES: usize = 10;

/// GeneralName forms (RFC 5280 §4.2.1.6), by their ASN.1 names.
const FORM_OTHER_NAME: &str = "otherName";
const FORM_RFC822: &str = "rfc822Name";
const FORM_DNS: &str = "dNSName";
const FORM_X400: &str = "x400Address";
const FORM_DIRECTORY: &str = "directoryName";
const FORM_EDI_PARTY: &str = "ediPartyName";
const FORM_URI: &str = "uniformResourceIdentifier";
const FORM_IP: &str = "iPAddress";
const FORM_REGISTERED_ID: &str = "registeredID";

/// One NameConstraints extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameConstraints {
    /// `None` when the extension has no permittedSubtrees.
    pub permitted: Option<Vec<Subtree>>,
    pub excluded: Vec<Subtree>,
}

/// The base of one GeneralSubtree.
///
/// Text forms are stored lower-cased where case does not matter (DNS
/// names, URI hosts, mail hosts), without a trailing dot for DNS names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subtree {
    /// dNSName: a host name, `""` for every host, a leading `.` for
    /// subdomains only.
    Dns(String),
    /// rfc822Name: `local@host` (one mailbox), `host` (mailboxes at that
    /// host) or `.domain` (mailboxes at hosts in that domain).
    Email(String),
    /// uniformResourceIdentifier: a host, or `.domain` for the hosts in it.
    Uri(String),
    /// iPAddress: address and mask, 4+4 bytes (IPv4) or 16+16 (IPv6).
    Ip { addr: Vec<u8>, mask: Vec<u8> },
    /// directoryName: names whose RDNs begin with these.
    Directory(ComparableName),
    /// A form pkiaudit does not process: `otherName`, `x400Address`,
    /// `ediPartyName` or `registeredID`.
    Other(String),
}

impl Subtree {
    fn form(&self) -> &str {
        match self {
            Subtree::Dns(_) => FORM_DNS,
            Subtree::Email(_) => FORM_RFC822,
            Subtree::Uri(_) => FORM_URI,
            Subtree::Ip { .. } => FORM_IP,
            Subtree::Directory(_) => FORM_DIRECTORY,
            Subtree::Other(form) => form,
        }
    }
}

impl fmt::Display for Subtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subtree::Dns(s) | Subtree::Email(s) | Subtree::Uri(s) if s.is_empty() => {
                f.write_str("\"\" (every name)")
            }
            Subtree::Dns(s) | Subtree::Email(s) | Subtree::Uri(s) => f.write_str(s),
            Subtree::Ip { addr, mask } => f.write_str(&ip_subtree_text(addr, mask)),
            Subtree::Directory(name) if name.is_empty() => {
                f.write_str("the empty name (every name)")
            }
            Subtree::Directory(name) => write!(f, "{name}"),
            Subtree::Other(form) => write!(f, "{form} subtree"),
        }
    }
}

impl NameConstraints {
    /// The extension's value (the DER inside the extension's OCTET STRING):
    ///
    /// ```text
    /// NameConstraints ::= SEQUENCE {
    ///      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
    ///      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
    /// GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
    /// GeneralSubtree ::= SEQUENCE {
    ///      base                    GeneralName,
    ///      minimum         [0]     BaseDistance DEFAULT 0,
    ///      maximum         [1]     BaseDistance OPTIONAL }
    /// ```
    ///
    /// An extension with neither field is accepted and constrains nothing
    /// (§4.2.1.10 forbids CAs to issue it, but it has no meaning to apply).
    pub fn from_der(value: &[u8]) -> Result<NameConstraints, String> {
        let (rest, seq) = element(value, "the name constraints")?;
        if !rest.is_empty() {
            return Err("there are bytes after the name constraints".into());
        }
        if !is_universal_constructed(&seq, 16) {
            return Err("the name constraints are not a SEQUENCE".into());
        }
        let mut nc = NameConstraints {
            permitted: None,
            excluded: Vec::new(),
        };
        let mut count = 0usize;
        let mut input = seq.data;
        if let Some((rest, field)) = next_context_field(input, 0)? {
            nc.permitted = Some(read_subtrees(&field, "permittedSubtrees", &mut count)?);
            input = rest;
        }
        if let Some((rest, field)) = next_context_field(input, 1)? {
            nc.excluded = read_subtrees(&field, "excludedSubtrees", &mut count)?;
            input = rest;
        }
        if !input.is_empty() {
            return Err(
                "the name constraints hold something other than permittedSubtrees [0] and \
                 excludedSubtrees [1], in that order"
                    .into(),
            );
        }
        Ok(nc)
    }

    /// The certificate's nameConstraints extension, if any.
    pub fn of_certificate(cert_der: &[u8]) -> Result<Option<NameConstraints>, String> {
        let cert = parse_certificate(cert_der)?;
        match single_extension(&cert, &OID_X509_EXT_NAME_CONSTRAINTS, "nameConstraints")? {
            None => Ok(None),
            Some(value) => NameConstraints::from_der(value)
                .map(Some)
                .map_err(|e| format!("the nameConstraints extension cannot be read: {e}")),
        }
    }

    fn subtrees(&self) -> impl Iterator<Item = &Subtree> {
        self.permitted.iter().flatten().chain(&self.excluded)
    }
}

/// The `[tag]` field at the start of `input`, if that is what is there.
fn next_context_field(input: &[u8], tag: u32) -> Result<Option<(&[u8], Any<'_>)>, String> {
    if input.is_empty() {
        return Ok(None);
    }
    let (rest, field) = element(input, "a name constraints field")?;
    if field.class() == Class::ContextSpecific && field.tag().0 == tag {
        if !field.header.is_constructed() {
            return Err(format!(
                "the [{tag}] field of the name constraints is not constructed"
            ));
        }
        Ok(Some((rest, field)))
    } else {
        Ok(None)
    }
}

fn read_subtrees(field: &Any<'_>, what: &str, count: &mut usize) -> Result<Vec<Subtree>, String> {
    if field.data.is_empty() {
        return Err(format!(
            "{what} is empty (GeneralSubtrees is SIZE (1..MAX))"
        ));
    }
    let mut subtrees = Vec::new();
    let mut input = field.data;
    while !input.is_empty() {
        *count += 1;
        if *count > MAX_SUBTREES {
            return Err(format!(
                "the extension has more than {MAX_SUBTREES} subtrees, more than pkiaudit reads"
            ));
        }
        let (rest, subtree) = element(input, "a GeneralSubtree")?;
        input = rest;
        if !is_universal_constructed(&subtree, 16) {
            return Err(format!(
                "an entry of {what} is not a GeneralSubtree SEQUENCE"
            ));
        }
        let (rest, base) = element(subtree.data, "the base of a GeneralSubtree")?;
        check_base_distance(rest)?;
        subtrees.push(subtree_from_general_name(&base)?);
    }
    Ok(subtrees)
}

/// §4.2.1.10: "Within this profile, the minimum and maximum fields are not
/// used with any name forms, thus, the minimum MUST be zero, and maximum
/// MUST be absent." A constraint that says otherwise cannot be applied as
/// written, so it is an error rather than silently widened.
fn check_base_distance(mut rest: &[u8]) -> Result<(), String> {
    if rest.is_empty() {
        return Ok(());
    }
    let (after, field) = element(rest, "the minimum of a GeneralSubtree")?;
    if field.class() == Class::ContextSpecific && field.tag().0 == 0 {
        // DER omits a DEFAULT value, but encoders that write minimum 0
        // explicitly say nothing different.
        if field.header.is_constructed() || field.data != [0] {
            return Err(
                "a GeneralSubtree has a minimum other than 0 (RFC 5280 §4.2.1.10: the minimum \
                 MUST be zero)"
                    .into(),
            );
        }
        rest = after;
        if rest.is_empty() {
            return Ok(());
        }
    }
    let (_, field) = element(rest, "the maximum of a GeneralSubtree")?;
    if field.class() == Class::ContextSpecific && field.tag().0 == 1 {
        Err(
            "a GeneralSubtree has a maximum (RFC 5280 §4.2.1.10: the maximum MUST be absent)"
                .into(),
        )
    } else {
        Err("a GeneralSubtree holds more than a base, a minimum and a maximum".into())
    }
}

fn subtree_from_general_name(base: &Any<'_>) -> Result<Subtree, String> {
    if base.class() != Class::ContextSpecific {
        return Err("the base of a GeneralSubtree is not a GeneralName".into());
    }
    let constructed = base.header.is_constructed();
    match base.tag().0 {
        1 => {
            let text = ia5_constraint(base, FORM_RFC822)?;
            email_constraint(text).map(Subtree::Email)
        }
        2 => {
            let text = ia5_constraint(base, FORM_DNS)?;
            domain_constraint(text, FORM_DNS).map(Subtree::Dns)
        }
        6 => {
            let text = ia5_constraint(base, FORM_URI)?;
            domain_constraint(text, FORM_URI).map(Subtree::Uri)
        }
        7 => {
            if constructed {
                return Err("an iPAddress constraint is not an OCTET STRING".into());
            }
            let len = base.data.len();
            if len != 8 && len != 32 {
                return Err(format!(
                    "an iPAddress constraint is {len} bytes long; RFC 5280 §4.2.1.10 requires \
                     8 (IPv4 address and mask) or 32 (IPv6)"
                ));
            }
            let (addr, mask) = base.data.split_at(len / 2);
            Ok(Subtree::Ip {
                addr: addr.to_vec(),
                mask: mask.to_vec(),
            })
        }
        4 => {
            // [4] is EXPLICIT (Name is a CHOICE): the content is one Name.
            if !constructed {
                return Err("a directoryName constraint does not hold a Name".into());
            }
            ComparableName::from_der(base.data)
                .map(Subtree::Directory)
                .map_err(|e| format!("a directoryName constraint cannot be read: {e}"))
        }
        0 => Ok(Subtree::Other(FORM_OTHER_NAME.into())),
        3 => Ok(Subtree::Other(FORM_X400.into())),
        5 => Ok(Subtree::Other(FORM_EDI_PARTY.into())),
        8 => Ok(Subtree::Other(FORM_REGISTERED_ID.into())),
        tag => Err(format!(
            "the base of a GeneralSubtree has an unknown GeneralName tag [{tag}]"
        )),
    }
}

/// An IA5String constraint's text: printable ASCII only (a NUL or a space
/// in a constraint can only be an attempt to confuse a matcher).
fn ia5_constraint<'a>(base: &Any<'a>, form: &str) -> Result<&'a str, String> {
    if base.header.is_constructed() {
        return Err(format!("a {form} constraint is not an IA5String"));
    }
    printable_ascii(base.data).ok_or_else(|| format!("a {form} constraint is not printable ASCII"))
}

fn printable_ascii(data: &[u8]) -> Option<&str> {
    if data.iter().all(|b| (0x21..=0x7e).contains(b)) {
        std::str::from_utf8(data).ok()
    } else {
        None
    }
}

/// A dNSName or URI constraint: a host or domain name, with an optional
/// leading `.` (subdomains only) and an optional trailing `.`; `""` is the
/// whole name space. Labels are letters, digits, `-` and `_` (seen in
/// practice); a `*` or other character makes it malformed, which keeps a
/// wildcard-looking constraint from being taken literally and silently
/// excluding nothing.
fn domain_constraint(text: &str, form: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    let (dot, rest) = match lower.strip_prefix('.') {
        Some(rest) => (".", rest),
        None => ("", lower.as_str()),
    };
    let rest = rest.strip_suffix('.').unwrap_or(rest);
    if rest.is_empty() {
        return Ok(String::new());
    }
    if rest.len() > 253 || !rest.split('.').all(is_host_label) {
        return Err(format!(
            "the {form} constraint {text:?} is not a domain name"
        ));
    }
    Ok(format!("{dot}{rest}"))
}

fn is_host_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An rfc822Name constraint: `local@host`, `host` or `.domain`.
fn email_constraint(text: &str) -> Result<String, String> {
    match text.rsplit_once('@') {
        Some((local, host)) => {
            let host = domain_constraint(host, FORM_RFC822)?;
            if local.is_empty() || host.is_empty() || host.starts_with('.') {
                return Err(format!(
                    "the {FORM_RFC822} constraint {text:?} is not a mailbox"
                ));
            }
            Ok(format!("{local}@{host}"))
        }
        None => domain_constraint(text, FORM_RFC822),
    }
}

/// The names of a certificate that name constraints apply to.
#[derive(Debug, Clone)]
pub struct SubjectNames {
    subject: ComparableName,
    /// emailAddress values in the subject (always checked against rfc822Name
    /// constraints, as OpenSSL does; §4.2.1.10 requires it when there is no
    /// subjectAltName).
    subject_emails: Vec<String>,
    subject_cns: Vec<String>,
    /// SAN entries by form, readable ones: DNS names lower-cased without a
    /// trailing dot.
    dns: Vec<String>,
    emails: Vec<String>,
    uris: Vec<UriName>,
    ips: Vec<Vec<u8>>,
    directories: Vec<ComparableName>,
    /// SAN entries of forms pkiaudit does not process, and entries of the
    /// processed forms that cannot be read: they violate any constraint of
    /// their form (§4.2.1.10: a name of a constrained form that cannot be
    /// processed means rejecting the certificate).
    unchecked: Vec<Unchecked>,
    san_has_dns: bool,
    /// The subjectAltName has an iPAddress (a client then compares only the
    /// SAN, as pkiaudit's own host-name rule does).
    san_has_ip: bool,
    cn_fallback: bool,
}

#[derive(Debug, Clone)]
struct UriName {
    text: String,
    /// The host, lower-cased without a trailing dot; `None` when the URI
    /// has no host name (`urn:`, `mailto:`, an IP literal).
    host: Option<String>,
}

#[derive(Debug, Clone)]
struct Unchecked {
    form: &'static str,
    /// As the user reads it.
    name: String,
    why: String,
}

impl SubjectNames {
    pub fn of_certificate(cert_der: &[u8]) -> Result<SubjectNames, String> {
        let cert = parse_certificate(cert_der)?;
        let subject = ComparableName::from_der(cert.tbs_certificate.subject.as_raw())
            .map_err(|e| format!("the subject name cannot be read: {e}"))?;
        let mut names = SubjectNames {
            subject_emails: subject.email_addresses(),
            subject_cns: subject.common_names(),
            subject,
            dns: Vec::new(),
            emails: Vec::new(),
            uris: Vec::new(),
            ips: Vec::new(),
            directories: Vec::new(),
            unchecked: Vec::new(),
            san_has_dns: false,
            san_has_ip: false,
            cn_fallback: true,
        };
        if let Some(value) =
            single_extension(&cert, &OID_X509_EXT_SUBJECT_ALT_NAME, "subjectAltName")?
        {
            names
                .read_san(value)
                .map_err(|e| format!("the subjectAltName extension cannot be read: {e}"))?;
        }
        Ok(names)
    }

    /// The same names without the subject-CN fallback: for CA certificates,
    /// whose CNs are labels rather than host names (OpenSSL, which invented
    /// the fallback, applies it to the end entity only).
    pub fn without_cn_fallback(mut self) -> SubjectNames {
        self.cn_fallback = false;
        self
    }

    /// The subject DN, prepared for comparison.
    pub fn subject(&self) -> &ComparableName {
        &self.subject
    }

    /// Whether the subjectAltName has any dNSName (readable or not).
    pub fn san_has_dns(&self) -> bool {
        self.san_has_dns
    }

    /// GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
    fn read_san(&mut self, value: &[u8]) -> Result<(), String> {
        let (rest, seq) = element(value, "the subject alternative names")?;
        if !rest.is_empty() {
            return Err("there are bytes after the names".into());
        }
        if !is_universal_constructed(&seq, 16) {
            return Err("the names are not a SEQUENCE".into());
        }
        if seq.data.is_empty() {
            return Err("the extension holds no name (GeneralNames is SIZE (1..MAX))".into());
        }
        let mut input = seq.data;
        let mut count = 0usize;
        while !input.is_empty() {
            count += 1;
            if count > MAX_NAMES {
                return Err(format!(
                    "more than {MAX_NAMES} names, more than pkiaudit reads"
                ));
            }
            let (rest, name) = element(input, "a GeneralName")?;
            input = rest;
            if name.class() != Class::ContextSpecific {
                return Err("an entry is not a GeneralName".into());
            }
            self.add_san_entry(&name)?;
        }
        Ok(())
    }

    fn add_san_entry(&mut self, name: &Any<'_>) -> Result<(), String> {
        let data = name.data;
        let primitive = !name.header.is_constructed();
        let text = if primitive {
            printable_ascii(data)
        } else {
            None
        };
        let shown = || String::from_utf8_lossy(data).escape_debug().to_string();
        match name.tag().0 {
            2 => {
                self.san_has_dns = true;
                match text {
                    Some(t) if !dns_name_syntax(t) => self.unchecked(
                        FORM_DNS,
                        format!("DNS:{t}"),
                        "it is not a DNS name (an empty label, a bad character, or a \
                         misplaced wildcard; RFC 1034 §3.5)",
                    ),
                    Some(t) => self.dns.push(normalize_dns_name(t)),
                    None => self.unchecked(
                        FORM_DNS,
                        format!("DNS:{}", shown()),
                        "it is not printable ASCII",
                    ),
                }
            }
            1 => match text {
                Some(t) if mailbox(t).is_some() => self.emails.push(t.to_string()),
                Some(t) => self.unchecked(
                    FORM_RFC822,
                    format!("email:{t}"),
                    "it is not a mailbox (local@host)",
                ),
                None => self.unchecked(
                    FORM_RFC822,
                    format!("email:{}", shown()),
                    "it is not printable ASCII",
                ),
            },
            6 => match text {
                Some(t) => match uri_host(t) {
                    Ok(host) => self.uris.push(UriName {
                        text: t.to_string(),
                        host,
                    }),
                    Err(why) => self.unchecked(FORM_URI, format!("URI:{t}"), why),
                },
                None => self.unchecked(
                    FORM_URI,
                    format!("URI:{}", shown()),
                    "it is not printable ASCII",
                ),
            },
            7 => match data.len() {
                4 | 16 if primitive => {
                    self.san_has_ip = true;
                    self.ips.push(data.to_vec())
                }
                len => self.unchecked(
                    FORM_IP,
                    format!("IP:{}", hex_lower(data)),
                    &format!("it is {len} bytes long, not 4 (IPv4) or 16 (IPv6)"),
                ),
            },
            4 => match ComparableName::from_der(data) {
                Ok(dn) => self.directories.push(dn),
                Err(e) => self.unchecked(
                    FORM_DIRECTORY,
                    "DirName:<unreadable>".into(),
                    &e.to_string(),
                ),
            },
            0 => {
                let what = other_name_type(data);
                self.unchecked(
                    FORM_OTHER_NAME,
                    format!("othername:{what}"),
                    "pkiaudit does not process otherName constraints",
                )
            }
            3 => self.unchecked(
                FORM_X400,
                "x400Address".into(),
                "pkiaudit does not process x400Address constraints",
            ),
            5 => self.unchecked(
                FORM_EDI_PARTY,
                "ediPartyName".into(),
                "pkiaudit does not process ediPartyName constraints",
            ),
            8 => {
                let oid = x509_parser::asn1_rs::Oid::new(std::borrow::Cow::Borrowed(data));
                self.unchecked(
                    FORM_REGISTERED_ID,
                    format!("registeredID:{}", oid.to_id_string()),
                    "pkiaudit does not process registeredID constraints",
                )
            }
            tag => return Err(format!("an entry has an unknown GeneralName tag [{tag}]")),
        }
        Ok(())
    }

    fn unchecked(&mut self, form: &'static str, name: String, why: &str) {
        self.unchecked.push(Unchecked {
            form,
            name,
            why: why.to_string(),
        });
    }

    /// Subject CNs checked as DNS names: only when the subjectAltName has no
    /// dNSName and no iPAddress, and only CNs that look like host names.
    /// Without this a CA constrained to `example.com` could issue
    /// `CN=www.victim.com` with no subjectAltName, which clients that still
    /// read the CN would accept (OpenSSL checks CNs against dNSName
    /// constraints the same way). With DNS or IP entries in the SAN, clients
    /// compare only those (RFC 6125 §6.4.4; AnyConnect and Windows, as
    /// pkiaudit's host-name rule says), so the CN names no host; the
    /// BetterTLS name-constraint cases expect this too.
    fn cn_dns_names(&self) -> Vec<(String, String)> {
        if !self.cn_fallback || self.san_has_dns || self.san_has_ip {
            return Vec::new();
        }
        self.subject_cns
            .iter()
            .filter_map(|cn| cn_as_dns_name(cn).map(|dns| (dns, cn.clone())))
            .collect()
    }
}

/// A CN that is syntactically a DNS host name: labels of letters, digits,
/// hyphens (and underscores), at least one dot, an optional leading `*.`;
/// an IP-looking CN (numeric last label) is not one.
fn cn_as_dns_name(cn: &str) -> Option<String> {
    let name = cn.strip_suffix('.').unwrap_or(cn);
    let rest = name.strip_prefix("*.").unwrap_or(name);
    if !name.contains('.') || rest.is_empty() || name.len() > 253 {
        return None;
    }
    if !rest.split('.').all(is_host_label) {
        return None;
    }
    let last = rest.rsplit('.').next().unwrap_or(rest);
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

fn normalize_dns_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.strip_suffix('.') {
        Some(stripped) => stripped.to_string(),
        None => lower,
    }
}

/// A dNSName as RFC 5280 §4.2.1.6 allows it (the preferred name syntax of
/// RFC 1034 §3.5, with underscores, which real names carry, and a leading
/// `*` label for wildcards): no empty label (a leading, doubled or lone
/// dot), labels of at most 63 characters of letters, digits, `-` and `_`;
/// a trailing dot is allowed.
fn dns_name_syntax(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    name.split('.').enumerate().all(|(i, label)| {
        (i == 0 && label == "*")
            || (!label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    })
}

/// `(local part, host lower-cased)` of a mailbox; the host follows the last
/// `@` (a quoted local part may hold one, a host never does).
fn mailbox(address: &str) -> Option<(&str, String)> {
    let (local, host) = address.rsplit_once('@')?;
    if local.is_empty() || host.is_empty() {
        return None;
    }
    // An "@" in the local part is only allowed quoted (RFC 5321 §4.1.2).
    if local.contains('@') && !(local.len() > 1 && local.starts_with('"') && local.ends_with('"')) {
        return None;
    }
    Some((local, host.to_ascii_lowercase()))
}

/// The host of a URI as the WHATWG URL parser (what browsers and most
/// clients use) reads it, so that `http://good.example\@evil.example/` is
/// judged by the host a client would contact. `Ok(None)`: the URI has no
/// host name (`urn:`, `mailto:`, `file:///`, an IP literal, which is no
/// host *name* and so is outside every URI subtree).
fn uri_host(uri: &str) -> Result<Option<String>, &'static str> {
    // Characters RFC 3986 does not allow anywhere in a URI: parsers differ
    // on them (a backslash is a path separator to WHATWG, not to RFC 3986), so the
    // host a client would contact is not certain.
    if uri.contains(['\\', '"', '<', '>', '^', '`', '{', '|', '}']) {
        return Err("it holds characters a URI may not (RFC 3986)");
    }
    let parsed = url::Url::parse(uri).map_err(|_| "it cannot be parsed as a URI")?;
    match parsed.host() {
        Some(url::Host::Domain(domain)) => {
            let host = normalize_dns_name(domain);
            if host.is_empty() {
                Ok(None)
            } else if host.split('.').all(is_host_label) {
                Ok(Some(host))
            } else {
                // Percent-escapes or other characters in an opaque host:
                // no telling which host a client would contact.
                Err("its host is not a plain host name")
            }
        }
        Some(url::Host::Ipv4(_)) | Some(url::Host::Ipv6(_)) | None => Ok(None),
    }
}

/// The type-id OID of an otherName, for showing it.
fn other_name_type(data: &[u8]) -> String {
    match Any::from_der(data) {
        Ok((_, oid)) if oid.class() == Class::Universal && oid.tag().0 == 6 => {
            x509_parser::asn1_rs::Oid::new(std::borrow::Cow::Borrowed(oid.data)).to_id_string()
        }
        _ => "<unreadable>".into(),
    }
}

/// permitted_subtrees / excluded_subtrees as §6.1 carries them down a path:
/// the constraints of each CA seen so far (checking a name against each in
/// turn is equivalent to the intersection/union of §6.1.4 (g)).
#[derive(Debug, Clone, Default)]
pub struct State {
    constraints: Vec<NameConstraints>,
}

impl State {
    pub fn new() -> State {
        State::default()
    }

    /// §6.1.4 (g): add one CA's constraints.
    pub fn apply(&mut self, nc: &NameConstraints) {
        self.constraints.push(nc.clone());
    }

    /// No CA so far had name constraints.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    /// §6.1.3 (b)-(c): every name of the certificate is within the permitted
    /// subtrees of its form (where a CA gave any of that form) and within no
    /// excluded subtree. The first violation found is returned.
    pub fn check(&self, names: &SubjectNames) -> Result<(), Violation> {
        self.constraints
            .iter()
            .try_for_each(|nc| check_one(nc, names))
    }
}

/// A name outside what a CA's name constraints allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The name as a user reads it: `DNS:evil.example.net`, `IP:10.1.2.3`,
    /// `email:a@b`, `URI:...`, `DirName:CN=...`.
    pub name: String,
    /// Why: `not within the permitted DNS subtrees [example.com]`,
    /// `within the excluded subtree 10.0.0.0/8`, `cannot be checked: ...`.
    pub reason: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

fn check_one(nc: &NameConstraints, names: &SubjectNames) -> Result<(), Violation> {
    // Names that cannot be checked fail any constraint of their form.
    for u in &names.unchecked {
        if nc.subtrees().any(|s| s.form() == u.form) {
            return Err(Violation {
                name: u.name.clone(),
                reason: format!(
                    "cannot be checked: {}, and a CA constrains {} names (RFC 5280 §4.2.1.10 \
                     requires rejecting a certificate whose name of a constrained form cannot \
                     be processed)",
                    u.why, u.form
                ),
            });
        }
    }

    // dNSName: SAN names, then subject CNs that stand in for them.
    let cn_names = names.cn_dns_names();
    let dns = names
        .dns
        .iter()
        .map(|d| (d.clone(), format!("DNS:{d}")))
        .chain(
            cn_names
                .into_iter()
                .map(|(dns, cn)| (dns, format!("DNS:{cn} (subject CN)"))),
        );
    for (name, shown) in dns {
        let labels = labels(&name);
        let wildcard = labels.first().is_some_and(|l| l.contains('*'));
        check_form(
            nc,
            &shown,
            "DNS",
            |s| match s {
                Subtree::Dns(c) => Some(dns_within(c, &labels)),
                _ => None,
            },
            |s| match s {
                Subtree::Dns(c) if wildcard => {
                    Some(wildcard_overlaps(c, labels.get(1..).unwrap_or(&[])))
                }
                Subtree::Dns(c) => Some(dns_within(c, &labels)),
                _ => None,
            },
        )?;
    }

    // rfc822Name: SAN mailboxes and the subject's emailAddress values.
    let emails = names
        .emails
        .iter()
        .map(|e| (e, format!("email:{e}")))
        .chain(
            names
                .subject_emails
                .iter()
                .map(|e| (e, format!("email:{e} (subject emailAddress)"))),
        );
    for (address, shown) in emails {
        let within = |s: &Subtree| match s {
            Subtree::Email(c) => Some(email_within(c, address)),
            _ => None,
        };
        check_form(nc, &shown, "email", within, within)?;
    }

    for uri in &names.uris {
        let within = |s: &Subtree| match s {
            Subtree::Uri(c) => Some(uri.host.as_deref().is_some_and(|h| uri_host_within(c, h))),
            _ => None,
        };
        check_form(nc, &format!("URI:{}", uri.text), "URI", within, within)?;
    }

    for ip in &names.ips {
        check_form(
            nc,
            &format!("IP:{}", ip_text(ip)),
            "IP",
            |s| match s {
                Subtree::Ip { addr, mask } => Some(ip_within(ip, addr, mask)),
                _ => None,
            },
            |s| match s {
                Subtree::Ip { addr, mask } => Some(ip_excluded(ip, addr, mask)),
                _ => None,
            },
        )?;
    }

    // §4.2.1.10: directoryName restrictions apply "to the subject field in
    // the certificate (when the certificate includes a non-empty subject
    // field)" and to directoryNames in the SAN. An empty subject names no
    // entry of the directory tree (the identity is then in the critical
    // subjectAltName, §4.1.2.6), so there is nothing for a subtree to
    // contain; OpenSSL skips it too.
    let subject = (!names.subject.is_empty()).then(|| {
        (
            &names.subject,
            format!("DirName:{} (subject)", names.subject),
        )
    });
    let directories = subject.into_iter().chain(
        names
            .directories
            .iter()
            .map(|d| (d, format!("DirName:{d}"))),
    );
    for (dn, shown) in directories {
        let within = |s: &Subtree| match s {
            Subtree::Directory(base) => Some(dn.is_within(base)),
            _ => None,
        };
        check_form(nc, &shown, "directory name", within, within)?;
    }
    Ok(())
}

/// One name against one CA's subtrees of its form. `permitted_match` and
/// `excluded_match` return `None` for subtrees of other forms.
fn check_form(
    nc: &NameConstraints,
    shown: &str,
    label: &str,
    permitted_match: impl Fn(&Subtree) -> Option<bool>,
    excluded_match: impl Fn(&Subtree) -> Option<bool>,
) -> Result<(), Violation> {
    if let Some(hit) = nc.excluded.iter().find(|s| excluded_match(s) == Some(true)) {
        return Err(Violation {
            name: shown.to_string(),
            reason: format!("within the excluded subtree {hit}"),
        });
    }
    if let Some(permitted) = &nc.permitted {
        let of_form: Vec<(&Subtree, bool)> = permitted
            .iter()
            .filter_map(|s| permitted_match(s).map(|m| (s, m)))
            .collect();
        // A form the CA gave no permitted subtree of is not restricted.
        if !of_form.is_empty() && !of_form.iter().any(|&(_, within)| within) {
            let mut list: Vec<String> = of_form
                .iter()
                .take(SHOWN_SUBTREES)
                .map(|(s, _)| s.to_string())
                .collect();
            if of_form.len() > SHOWN_SUBTREES {
                list.push(format!("and {} more", of_form.len() - SHOWN_SUBTREES));
            }
            return Err(Violation {
                name: shown.to_string(),
                reason: format!(
                    "not within the permitted {label} subtrees [{}]",
                    list.join(", ")
                ),
            });
        }
    }
    Ok(())
}

fn labels(name: &str) -> Vec<&str> {
    if name.is_empty() {
        Vec::new()
    } else {
        name.split('.').collect()
    }
}

/// `Some(n)`: `suffix`'s labels end `name`, which has `n` more.
fn extra_labels(name: &[&str], suffix: &[&str]) -> Option<usize> {
    let extra = name.len().checked_sub(suffix.len())?;
    (name.get(extra..)? == suffix).then_some(extra)
}

/// §4.2.1.10 dNSName: "any DNS name that can be constructed by simply
/// adding zero or more labels to the left-hand side of the name satisfies
/// the name constraint"; a leading `.` (OpenSSL and webpki) means one or
/// more labels. `constraint` and `name` are lower-cased.
fn dns_within(constraint: &str, name: &[&str]) -> bool {
    let (subdomains_only, base) = match constraint.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, constraint),
    };
    match extra_labels(name, &labels(base)) {
        Some(extra) => !subdomains_only || extra > 0,
        None => false,
    }
}

/// A wildcard name `*.base` (any `*` in the leftmost label) against an
/// excluded subtree: it violates it when any name it could stand for is in
/// the subtree. Clients differ on how many labels a `*` covers (RFC 6125
/// says one, some accept more), so it is taken to cover every name below
/// `base`: the subtree is violated when `base` lies in it, or when it lies
/// strictly below `base`.
fn wildcard_overlaps(constraint: &str, base: &[&str]) -> bool {
    let c = labels(constraint.strip_prefix('.').unwrap_or(constraint));
    extra_labels(base, &c).is_some() || extra_labels(&c, base).is_some_and(|extra| extra > 0)
}

/// §4.2.1.10 rfc822Name: a mailbox (`local@host`: local part exact, host
/// case-insensitive), all mailboxes at one host (`host`), or at the hosts
/// of a domain (`.domain`). `""` is taken as every mailbox, as for DNS.
fn email_within(constraint: &str, address: &str) -> bool {
    let Some((local, host)) = mailbox(address) else {
        return false;
    };
    if constraint.is_empty() {
        return true;
    }
    match constraint.rsplit_once('@') {
        Some((c_local, c_host)) => local == c_local && host == c_host,
        None if constraint.starts_with('.') => dns_within(constraint, &labels(&host)),
        None => host == constraint,
    }
}

/// §4.2.1.10 URI: the constraint applies to the host part: a host (exactly)
/// or `.domain` (hosts in it).
fn uri_host_within(constraint: &str, host: &str) -> bool {
    if constraint.is_empty() {
        return true;
    }
    if constraint.starts_with('.') {
        dns_within(constraint, &labels(host))
    } else {
        host == constraint
    }
}

/// §4.2.1.10 iPAddress: the name is in the subnet when the families agree
/// and `(name & mask) == (addr & mask)`. The family is part of the match,
/// so a permitted set of IPv4 subnets permits no IPv6 address.
fn ip_within(name: &[u8], addr: &[u8], mask: &[u8]) -> bool {
    name.len() == addr.len()
        && name.len() == mask.len()
        && name
            .iter()
            .zip(addr)
            .zip(mask)
            .all(|((n, a), m)| n & m == a & m)
}

/// Against an excluded subnet, an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`)
/// is also taken as the IPv4 address it reaches.
fn ip_excluded(name: &[u8], addr: &[u8], mask: &[u8]) -> bool {
    ip_within(name, addr, mask)
        || (addr.len() == 4 && ipv4_mapped(name).is_some_and(|v4| ip_within(&v4, addr, mask)))
}

fn ipv4_mapped(name: &[u8]) -> Option<[u8; 4]> {
    let bytes: [u8; 16] = name.try_into().ok()?;
    Ipv6Addr::from(bytes).to_ipv4_mapped().map(|v4| v4.octets())
}

fn ip_text(bytes: &[u8]) -> String {
    ip_addr(bytes).map_or_else(|| hex_lower(bytes), |ip| ip.to_string())
}

fn ip_addr(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    <[u8; 16]>::try_from(bytes)
        .ok()
        .map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
}

/// `10.0.0.0/8`, or `10.0.0.0 mask 255.0.255.0` for a mask that is not a
/// prefix.
fn ip_subtree_text(addr: &[u8], mask: &[u8]) -> String {
    let bits: u32 = mask.iter().map(|b| b.count_ones()).sum();
    let is_prefix = mask
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
        .skip_while(|&set| set)
        .all(|set| !set);
    if is_prefix {
        format!("{}/{bits}", ip_text(addr))
    } else {
        format!("{} mask {}", ip_text(addr), ip_text(mask))
    }
}

fn element<'a>(input: &'a [u8], what: &str) -> Result<(&'a [u8], Any<'a>), String> {
    Any::from_der(input).map_err(|_| format!("{what} is not valid DER"))
}

fn is_universal_constructed(any: &Any<'_>, tag: u32) -> bool {
    any.class() == Class::Universal && any.header.is_constructed() && any.tag().0 == tag
}

fn parse_certificate(cert_der: &[u8]) -> Result<X509Certificate<'_>, String> {
    use x509_parser::prelude::FromDer as _;
    let (rest, cert) = X509Certificate::from_der(cert_der)
        .map_err(|e| format!("not a valid X.509 certificate: {e}"))?;
    if !rest.is_empty() {
        return Err(format!(
            "{} bytes of trailing data after the certificate",
            rest.len()
        ));
    }
    Ok(cert)
}

/// The value of the certificate's one extension with this OID; twice is an
/// error (RFC 5280 §4.2: "MUST NOT include more than one instance").
fn single_extension<'a>(
    cert: &X509Certificate<'a>,
    oid: &x509_parser::asn1_rs::Oid<'_>,
    what: &str,
) -> Result<Option<&'a [u8]>, String> {
    let mut found = cert.extensions().iter().filter(|e| &e.oid == oid);
    let first = found.next();
    if found.next().is_some() {
        return Err(format!("the certificate has two {what} extensions"));
    }
    Ok(first.map(|e| e.value))
}

#[cfg(test)]
mod tests;
