//! JSON output of every command. The shape is documented in `docs/json.md`;
//! any change to a field's meaning bumps [`SCHEMA_VERSION`]. Adding fields
//! does not. The sweep report is the serde form of [`SweepReport`], with its
//! own `schema_version` ([`crate::sweep::SCHEMA_VERSION`]).

use crate::time::format::ts;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::device::{ConfigReport, PeerSelection};
use crate::audit::profile::Profile;
use crate::audit::rules::{Rule, RULES};
use crate::audit::{AuditedCert, Finding, Report, Role, Subject, Summary, Verdict};
use crate::load::{InputProblem, LoadedInput, Provenance};
use crate::model::partial::{Known, ShowEntry};
use crate::model::{
    AuthorityInfoAccess, AuthorityKeyId, BasicConstraints, ExtensionProblem, KeyInfo, SanEntry,
    SignatureAlgorithm,
};
use crate::sweep::rows::SweepReport;
use crate::time::AuditTime;

/// The version of the JSON documents pkiaudit writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

const TOOL: Tool = Tool {
    name: "pkiaudit",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct TimeJson<'a> {
    instant: String,
    source: crate::time::TimeSource,
    /// `--ntp`: every server and what it said, the median offset, the
    /// error bound and NTP time.
    #[serde(skip_serializing_if = "Option::is_none")]
    ntp: Option<&'a crate::time::ntp::NtpReport>,
    /// The local clock minus NTP time (positive: fast).
    #[serde(skip_serializing_if = "Option::is_none")]
    local_clock_minus_ntp_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_clock: Option<&'a crate::time::DeviceClock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_skew_seconds: Option<f64>,
}

impl From<&AuditTime> for TimeJson<'_> {
    fn from(t: &AuditTime) -> Self {
        TimeJson {
            instant: ts(t.instant),
            source: t.source,
            ntp: None,
            local_clock_minus_ntp_seconds: None,
            device_clock: None,
            max_skew_seconds: None,
        }
    }
}

impl<'a> TimeJson<'a> {
    fn with_evidence(t: &AuditTime, ev: &'a crate::time::TimeEvidence) -> Self {
        let asked = ev.ntp.is_some() || ev.device_clock.is_some();
        TimeJson {
            ntp: ev.ntp.as_ref(),
            local_clock_minus_ntp_seconds: ev.local_offset().map(|o| -o),
            device_clock: ev.device_clock.as_ref(),
            max_skew_seconds: asked.then_some(ev.max_skew_seconds),
            ..TimeJson::from(t)
        }
    }
}

#[derive(Serialize)]
struct TimeCmdJson<'a> {
    schema_version: u32,
    tool: Tool,
    command: &'static str,
    time: TimeJson<'a>,
    /// NTP time (null when no server gave a usable one).
    ntp_time: Option<String>,
    findings: &'a [crate::audit::Finding],
}

/// `time --format json`.
pub fn write_time(
    out: &mut dyn Write,
    o: &crate::audit::Options,
    findings: &[crate::audit::Finding],
) -> io::Result<()> {
    let doc = TimeCmdJson {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: "time",
        time: TimeJson::with_evidence(&o.time, &o.time_evidence),
        ntp_time: o
            .time_evidence
            .ntp_time()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        findings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[derive(Serialize)]
struct InputJson<'a> {
    file: &'a str,
    /// What the input is (`certificates`, `private-key`, `csr`, `crl`,
    /// `text`, ...: `LoadedInput::kind`).
    file_kind: &'static str,
    format: Option<&'static str>,
    bytes: u64,
    /// Certificates and partial records found.
    certificates: usize,
    /// Of those, partial records (`show` output entries).
    partial_records: usize,
    problems: &'a [InputProblem],
    /// Keys, CSRs, CRLs, public keys and text found instead of (or beside)
    /// certificates.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    objects: &'a [crate::load::FoundObject],
    /// IKE messages and SAs, for captures and dumps.
    #[serde(skip_serializing_if = "Option::is_none")]
    ike: Option<IkeJson<'a>>,
}

impl<'a> From<&'a LoadedInput> for InputJson<'a> {
    fn from(i: &'a LoadedInput) -> Self {
        InputJson {
            file: &i.file,
            file_kind: i.kind(),
            format: i.format,
            bytes: i.bytes,
            certificates: i.certs.len() + i.partials.len(),
            partial_records: i.partials.len(),
            problems: &i.problems,
            objects: &i.objects,
            ike: None,
        }
    }
}

/// A requested CA: the hash and, when some certificate of the run has that
/// public key, its subject.
#[derive(Serialize)]
struct RequestedJson<'a> {
    spki_sha1: &'a str,
    name: Option<String>,
}

#[derive(Serialize)]
struct SideJson<'a> {
    endpoint: Option<&'a str>,
    certificates: usize,
    sent_certreq: bool,
    requested: Vec<RequestedJson<'a>>,
    /// IKEv1 CR payloads: the CA names asked for.
    requested_names: Vec<&'a str>,
}

#[derive(Serialize)]
struct SaJson<'a> {
    spi_i: &'a str,
    spi_r: &'a str,
    version: crate::ike::message::IkeVersion,
    exchanges: &'a [String],
    messages: usize,
    initiator: SideJson<'a>,
    responder: SideJson<'a>,
}

#[derive(Serialize)]
struct IkeJson<'a> {
    sas: Vec<SaJson<'a>>,
    messages: &'a [crate::ike::MessageInfo],
}

fn ike_json<'a>(ike: &'a crate::ike::IkeReport, names: &crate::report::CaNames) -> IkeJson<'a> {
    let side = |s: &'a crate::ike::Side| SideJson {
        endpoint: s.endpoint.as_deref(),
        certificates: s.certificates,
        sent_certreq: s.sent_certreq,
        requested: s
            .certreq
            .iter()
            .flat_map(|c| c.spki_sha1.iter())
            .map(|h| RequestedJson {
                spki_sha1: h,
                name: names.name(h).map(str::to_string),
            })
            .collect(),
        requested_names: s
            .certreq
            .iter()
            .filter_map(|c| c.ca_name.as_deref())
            .collect(),
    };
    IkeJson {
        sas: ike
            .sas
            .iter()
            .map(|sa| SaJson {
                spi_i: &sa.spi_i,
                spi_r: &sa.spi_r,
                version: sa.version,
                exchanges: &sa.exchanges,
                messages: sa.messages,
                initiator: side(&sa.initiator),
                responder: side(&sa.responder),
            })
            .collect(),
        messages: &ike.messages,
    }
}

/// The inputs, with their IKE overview named from `names`.
fn inputs_json<'a>(
    inputs: &'a [LoadedInput],
    names: &crate::report::CaNames,
) -> Vec<InputJson<'a>> {
    inputs
        .iter()
        .map(|i| InputJson {
            ike: i.ike.as_deref().map(|ike| ike_json(ike, names)),
            ..InputJson::from(i)
        })
        .collect()
}

#[derive(Serialize)]
struct KeyUsageJson {
    critical: bool,
    usages: Vec<&'static str>,
}

#[derive(Serialize)]
struct PurposeJson {
    oid: String,
    name: Option<&'static str>,
}

#[derive(Serialize)]
struct EkuJson {
    critical: bool,
    purposes: Vec<PurposeJson>,
}

#[derive(Serialize)]
struct SanJson<'a> {
    critical: bool,
    entries: &'a [SanEntry],
}

/// One certificate, as `inspect` and `check` write it. For a partial record
/// (`record: "partial"`) the fields its `known` mask does not cover are null.
#[derive(Serialize)]
struct CertJson<'a> {
    source: &'a Provenance,
    /// Where it came from: `pem`, `der`, `pkcs7`, `base64`, `show`,
    /// `running-config`.
    origin: &'static str,
    /// The IOS/ASA trustpoints it belongs to.
    trustpoints: &'a [String],
    duplicates: &'a [Provenance],
    /// `full` (read from DER) or `partial` (read from `show` output).
    record: &'static str,
    known: Known,
    role: Role,
    role_reason: &'a str,
    subject: &'a str,
    issuer: &'a str,
    /// The subject as IOS prints and certificate maps match it
    /// (`cn=vpn.example.com,o=Example VPN`, most specific first).
    subject_ios: String,
    issuer_ios: String,
    serial: &'a str,
    version: Option<u32>,
    not_before: Option<String>,
    not_after: Option<String>,
    days_left: Option<i64>,
    key: Option<&'a KeyInfo>,
    signature_algorithm: Option<&'a SignatureAlgorithm>,
    key_usage: Option<KeyUsageJson>,
    extended_key_usage: Option<EkuJson>,
    subject_alt_name: Option<SanJson<'a>>,
    basic_constraints: Option<&'a BasicConstraints>,
    subject_key_id: Option<&'a str>,
    authority_key_id: Option<&'a AuthorityKeyId>,
    crl_distribution_points: &'a [String],
    authority_info_access: Option<&'a AuthorityInfoAccess>,
    extension_problems: &'a [ExtensionProblem],
    /// Every extension, in certificate order, named where pkiaudit knows
    /// the name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extensions: Vec<ExtensionJson<'a>>,
    /// The Microsoft AD CS template it was issued from.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_template: Option<&'a crate::model::adcs::CertificateTemplate>,
    sha1: Option<&'a str>,
    sha256: Option<&'a str>,
    spki_sha1: Option<&'a str>,
    self_issued: bool,
    self_signed: Option<bool>,
    /// For a partial record: everything the `show` entry printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    show: Option<&'a ShowEntry>,
    /// Where `show` output describing this certificate disagrees with it.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    show_mismatch: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<&'a [Finding]>,
    /// End-entity certificates in `check`: the chain analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    chain: Option<&'a crate::audit::chain::ChainReport>,
    /// With `--config`: the IKEv2 profile the certificate selects.
    #[serde(skip_serializing_if = "Option::is_none")]
    ios: Option<&'a PeerSelection>,
    /// With `--revocation`: each certificate of the path, leaf first.
    #[serde(skip_serializing_if = "Option::is_none")]
    revocation: Option<&'a [crate::revocation::RevocationResult]>,
}

#[derive(Serialize)]
struct ExtensionJson<'a> {
    oid: &'a str,
    name: Option<&'static str>,
    critical: bool,
}

fn cert_json<'a>(
    s: &'a Subject,
    at: DateTime<Utc>,
    audited: Option<&'a AuditedCert>,
) -> CertJson<'a> {
    let c = &s.cert;
    let k = s.known;
    let ext = k.extensions;
    CertJson {
        source: &s.provenance,
        origin: s.provenance.origin(),
        trustpoints: &s.provenance.trustpoints,
        duplicates: &s.duplicates,
        record: if s.is_partial() { "partial" } else { "full" },
        known: k,
        role: s.role,
        role_reason: &s.role_reason,
        subject: &c.subject.text,
        issuer: &c.issuer.text,
        subject_ios: c.subject.ios_text(),
        issuer_ios: c.issuer.ios_text(),
        serial: &c.serial,
        version: (c.version > 0).then_some(c.version),
        not_before: k.validity.then(|| ts(c.not_before)),
        not_after: k.validity.then(|| ts(c.not_after)),
        days_left: k.validity.then(|| c.days_left(at)),
        key: k.key.then_some(&c.key),
        signature_algorithm: k.signature_algorithm.then_some(&c.signature_algorithm),
        key_usage: c.key_usage.filter(|_| ext).map(|ku| KeyUsageJson {
            critical: ku.critical,
            usages: ku.names(),
        }),
        extended_key_usage: c.extended_key_usage.as_ref().map(|e| EkuJson {
            critical: e.critical,
            purposes: e
                .purposes
                .iter()
                .map(|oid| PurposeJson {
                    name: crate::oids::eku_name(oid),
                    oid: oid.clone(),
                })
                .collect(),
        }),
        subject_alt_name: c.subject_alt_name.as_ref().map(|s| SanJson {
            critical: s.critical,
            entries: &s.entries,
        }),
        basic_constraints: c.basic_constraints.as_ref(),
        subject_key_id: c.subject_key_id.as_deref(),
        authority_key_id: c.authority_key_id.as_ref(),
        crl_distribution_points: &c.crl_distribution_points,
        authority_info_access: c.authority_info_access.as_ref(),
        extension_problems: &c.extension_problems,
        extensions: c
            .extensions
            .iter()
            .map(|e| ExtensionJson {
                oid: &e.oid,
                name: crate::oids::extension_name(&e.oid),
                critical: e.critical,
            })
            .collect(),
        certificate_template: c.certificate_template.as_ref(),
        sha1: (!c.sha1.is_empty()).then_some(c.sha1.as_str()),
        sha256: k.der.then_some(c.sha256.as_str()),
        spki_sha1: k.der.then_some(c.spki_sha1.as_str()),
        self_issued: c.self_issued,
        self_signed: k.der.then(|| c.is_self_signed()),
        show: s.show(),
        show_mismatch: &s.cross_check,
        verdict: audited.map(|a| a.verdict),
        findings: audited.map(|a| a.findings.as_slice()),
        chain: audited.and_then(|a| a.chain.as_ref()),
        ios: audited.and_then(|a| a.peer.as_ref()),
        revocation: audited
            .filter(|a| !a.revocation.is_empty())
            .map(|a| a.revocation.as_slice()),
    }
}

#[derive(Serialize)]
struct RevocationJson {
    mode: crate::revocation::Mode,
    policy: crate::revocation::Policy,
    offline: bool,
    /// `--crl` files.
    crls: Vec<String>,
    ocsp_url: Option<String>,
}

#[derive(Serialize)]
struct IdJson {
    value: String,
    r#type: &'static str,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    schema_version: u32,
    tool: Tool,
    command: &'static str,
    profile: Profile,
    host: Option<String>,
    /// `--id`: the IKE identity checked against end-entity certificates,
    /// with its IKEv2 type; null when not given.
    id: Option<IdJson>,
    time: TimeJson<'a>,
    /// Findings about the run itself (`time.*`).
    findings: &'a [crate::audit::Finding],
    warn_days: i64,
    allow_expired: bool,
    verdict: Verdict,
    summary: &'a Summary,
    inputs: Vec<InputJson<'a>>,
    trust: Vec<InputJson<'a>>,
    untrusted: Vec<InputJson<'a>>,
    system_anchors: usize,
    certreq: Option<&'a [String]>,
    /// `--config`: the running-config that judges the peer certificates.
    config: Option<InputJson<'a>>,
    /// `--revocation` settings; null when off.
    revocation: Option<RevocationJson>,
    certificates: Vec<CertJson<'a>>,
    /// The audit of every running-config read.
    configurations: &'a [ConfigReport],
}

/// `check --format json`.
pub fn write_check(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let at = report.options.time.instant;
    let doc = CheckJson {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: "check",
        profile: report.options.profile,
        host: report.options.host.as_ref().map(|h| h.to_string()),
        id: report.options.id.as_ref().map(|id| IdJson {
            value: id.to_string(),
            r#type: id.type_name(),
        }),
        time: TimeJson::with_evidence(&report.options.time, &report.options.time_evidence),
        findings: &report.findings,
        warn_days: report.options.warn_days,
        allow_expired: report.options.allow_expired,
        verdict: report.verdict,
        summary: &report.summary,
        inputs: inputs_json(
            &report.inputs,
            &crate::report::CaNames::new(&[&report.trust, &report.untrusted, &report.inputs]),
        ),
        trust: report.trust.iter().map(InputJson::from).collect(),
        untrusted: report.untrusted.iter().map(InputJson::from).collect(),
        system_anchors: report.system_anchors,
        certreq: report.options.certreq.as_deref(),
        config: report.device.as_ref().map(InputJson::from),
        revocation: report
            .options
            .revocation
            .as_deref()
            .map(|r| RevocationJson {
                mode: r.mode,
                policy: r.policy,
                offline: r.offline,
                crls: r.crls.iter().map(|c| c.source.clone()).collect(),
                ocsp_url: r.ocsp_url.clone(),
            }),
        certificates: report
            .certificates
            .iter()
            .map(|c| cert_json(&c.subject, at, Some(c)))
            .collect(),
        configurations: &report.configs,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[derive(Serialize)]
struct InspectJson<'a> {
    schema_version: u32,
    tool: Tool,
    command: &'static str,
    time: TimeJson<'a>,
    inputs: Vec<InputJson<'a>>,
    certificates: Vec<CertJson<'a>>,
}

/// `inspect --format json`.
pub fn write_inspect(
    out: &mut dyn Write,
    inputs: &[LoadedInput],
    trust: &[LoadedInput],
    subjects: &[Subject],
    time: &AuditTime,
) -> io::Result<()> {
    let doc = InspectJson {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: "inspect",
        time: TimeJson::from(time),
        inputs: inputs_json(inputs, &crate::report::CaNames::new(&[trust, inputs])),
        certificates: subjects
            .iter()
            .map(|s| cert_json(s, time.instant, None))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[derive(Serialize)]
struct RulesJson<'a> {
    schema_version: u32,
    tool: Tool,
    command: &'static str,
    profiles: Vec<ProfileJson>,
    rules: Vec<&'a Rule>,
}

#[derive(Serialize)]
struct ProfileJson {
    name: &'static str,
    description: &'static str,
}

/// `rules --format json`.
pub fn write_rules(out: &mut dyn Write, profile: Option<Profile>) -> io::Result<()> {
    let doc = RulesJson {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: "rules",
        profiles: Profile::ALL
            .iter()
            .filter(|p| profile.is_none_or(|q| q == **p))
            .map(|p| ProfileJson {
                name: p.name(),
                description: p.description(),
            })
            .collect(),
        rules: RULES
            .iter()
            .copied()
            .filter(|r| profile.is_none_or(|p| r.in_profile(p)))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[derive(Serialize)]
struct AnchorJson<'a> {
    source: &'a str,
    subject: &'a str,
    issuer: &'a str,
    serial: &'a str,
    not_after: String,
    days_left: i64,
    key: &'a KeyInfo,
    self_signed: bool,
    ca: bool,
    sha256: &'a str,
    /// The value an IKEv2 CERTREQ carries for this CA.
    spki_sha1: &'a str,
    /// Whether `--certreq` asks for it (absent without `--certreq`).
    #[serde(skip_serializing_if = "Option::is_none")]
    requested: Option<bool>,
}

#[derive(Serialize)]
struct TrustJson<'a> {
    schema_version: u32,
    tool: Tool,
    command: &'static str,
    time: TimeJson<'a>,
    inputs: Vec<InputJson<'a>>,
    anchors: Vec<AnchorJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certreq: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certreq_unknown: Option<Vec<&'a str>>,
}

/// `trust --format json`.
pub fn write_trust(
    out: &mut dyn Write,
    inputs: &[LoadedInput],
    listing: &super::TrustListing<'_>,
) -> io::Result<()> {
    let doc = TrustJson {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: "trust",
        time: TimeJson::from(&listing.time),
        inputs: inputs.iter().map(InputJson::from).collect(),
        anchors: listing
            .anchors
            .iter()
            .map(|a| AnchorJson {
                source: &a.source,
                subject: &a.cert.subject.text,
                issuer: &a.cert.issuer.text,
                serial: &a.cert.serial,
                not_after: ts(a.cert.not_after),
                days_left: a.cert.days_left(listing.time.instant),
                key: &a.cert.key,
                self_signed: a.cert.is_self_signed(),
                ca: a.cert.asserts_ca(),
                sha256: &a.cert.sha256,
                spki_sha1: &a.cert.spki_sha1,
                requested: listing.requested(&a.cert.spki_sha1),
            })
            .collect(),
        certreq: listing.certreq,
        certreq_unknown: listing.certreq.map(|_| listing.unknown_hashes()),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Writes the whole report as one pretty-printed JSON document (the serde
/// form of [`SweepReport`]), followed by a newline. A non-finite duration
/// is written as `null`.
pub fn write_sweep(out: &mut dyn Write, r: &SweepReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    out.write_all(b"\n")
}
