//! `pkiaudit check`: audit certificates against a profile.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::args::{
    certreq, heading, lib_enum, revocation_options, system_roots, trusted_time, CliProfile,
    ClockArgs, FailOn, FormatArgs, ReadArgs, RevocationArgs, RuleArgs, TimeArgs,
};
use super::{exit, report_input_errors};
use crate::audit::identity::IkeId;
use crate::audit::names::Host;
use crate::audit::profile::Profile;
use crate::audit::{self, Options};
use crate::load;
use crate::report::{self};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # A headend certificate as AnyConnect will judge it on the rollout date
  pkiaudit check --profile anyconnect-server --host vpn.example.com --at 2027-03-01 \\
      --trust fixtures/pki/root-ca.pem --offline fixtures/headend/vpn-example-com.pem

  # A client certificate, with the intermediates the headend holds
  pkiaudit check --profile flexvpn-client --trust fixtures/pki/root-ca.pem \\
      --untrusted fixtures/pki/issuing-ca.pem --offline fixtures/client/bob-server-eku.pem

  # A strongSwan peer's certificate, checked against the identity it sends
  pkiaudit check --id moon.example.com --trust fixtures/pki/root-ca.pem --offline peer.pem

  # A bundle as JSON, failing on warnings too
  pkiaudit check --fail-on warning --format json --offline fixtures/headend/rollout-bundle.pem

Exit codes:
  0  no finding at or above --fail-on (default: error)
  1  at least one finding at or above --fail-on
  2  usage error, an input could not be read (the other inputs are still audited),
     or no input held a certificate (a key, a CSR, a README: nothing was audited)";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Certificate files, directories, or '-' for standard input
    ///
    /// Formats are sniffed from content: PEM (many blocks, text around them),
    /// DER, PKCS#7 .p7b/.p7c (DER or PEM), PKCS#12 .pfx/.p12, bare base64,
    /// pastes of IOS `show` output, IKE captures.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Which peer judges the certificate.
    #[arg(
        long,
        value_parser = lib_enum::<CliProfile, Profile>(),
        default_value_t = Profile::Ikev2,
        help_heading = heading::AUDIT
    )]
    pub profile: Profile,
    /// The name or address clients connect to (server profiles)
    ///
    /// Verified against SAN/CN as AnyConnect does.
    #[arg(long, value_name = "NAME_OR_IP", help_heading = heading::AUDIT)]
    pub host: Option<String>,
    /// The IKE identity the certificate's holder sends, checked against it
    ///
    /// As strongSwan and RFC 4945 §3.1 check it, for every profile: an FQDN
    /// must be a SAN dNSName (never the CN), an email address an rfc822Name,
    /// an address an iPAddress entry, a DN the subject. Typed as strongSwan
    /// reads it: `vpn.example.com`, `@vpn.example.com`, `alice@example.com`,
    /// `192.0.2.1`, `C=CH, O=Example, CN=vpn`, or with a `fqdn:`, `email:`,
    /// `ip:` or `dn:` prefix.
    #[arg(long = "id", value_name = "IDENTITY", help_heading = heading::AUDIT)]
    pub ike_id: Option<String>,
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30, help_heading = heading::AUDIT)]
    pub warn_days: u32,
    /// Report expired certificates as warnings
    ///
    /// As IOS does with `match certificate MAP allow expired-certificate`.
    #[arg(long, help_heading = heading::AUDIT)]
    pub allow_expired: bool,
    /// Audit as the device with this running-config judges
    ///
    /// IOS `show running-config` of the device that judges these
    /// certificates: each end-entity certificate is matched
    /// against its certificate maps and IKEv2 profiles and audited under the
    /// selected profile's trustpoints (their CA certificates are anchors;
    /// `allow expired-certificate` applies); the configuration is audited too.
    #[arg(long, value_name = "RUNNING_CONFIG", help_heading = heading::AUDIT)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Trust anchors: PEM/DER/PKCS#7 files or directories of them
    ///
    /// Chains are built and verified (rustls-webpki) against these.
    #[arg(long, value_name = "PATH", help_heading = heading::TRUST)]
    pub trust: Vec<PathBuf>,
    /// Extra intermediates that may be used to build chains
    ///
    /// Certificates in the same input as a leaf are its "sent chain" and are
    /// used anyway.
    #[arg(long, value_name = "PATH", help_heading = heading::TRUST)]
    pub untrusted: Vec<PathBuf>,
    /// Also trust the operating system's root store
    ///
    /// Off by default: VPN PKIs are private.
    #[arg(long, help_heading = heading::TRUST)]
    pub system_trust: bool,
    /// The peer's CERTREQ: SHA-1 SPKI hashes of the CAs it accepts
    ///
    /// Hashes of the SubjectPublicKeyInfo, 40 hex digits each; commas, spaces
    /// and colons allowed.
    #[arg(long, value_name = "HEX[,HEX...]", help_heading = heading::TRUST)]
    pub certreq: Vec<String>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub rev: RevocationArgs,
    #[command(flatten)]
    pub output: FormatArgs,
    /// Exit 1 when a finding of this severity or worse is found.
    #[arg(long, value_enum, default_value_t = FailOn::Error, help_heading = heading::OUTPUT)]
    pub fail_on: FailOn,
}

pub(super) fn check(args: CheckArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let host = match &args.host {
        Some(h) => {
            if !args.profile.verifies_host_name() {
                anyhow::bail!(
                    "--host is the name clients connect to, verified by the headend profiles \
                     (anyconnect-server, flexvpn-server, eap-server, apple-client); profile {} \
                     is not about a headend. To check the IKE identity a peer sends against \
                     its certificate, use --id",
                    args.profile
                );
            }
            Some(Host::parse(h).map_err(|e| anyhow::anyhow!("--host: {e}"))?)
        }
        None => None,
    };
    if args.rev.offline && args.read.fetch {
        anyhow::bail!("--fetch and --offline (or PKIAUDIT_OFFLINE) contradict each other");
    }
    if args.rev.offline && !args.clock.ntp.is_empty() {
        anyhow::bail!("--ntp and --offline (or PKIAUDIT_OFFLINE) contradict each other");
    }
    let load_opts = args.read.load_options()?;
    let (audit_time, time_evidence) = trusted_time(&args.time, &args.clock, &load_opts.device_tz)?;
    let ike_id = args
        .ike_id
        .as_deref()
        .map(IkeId::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--id: {e}"))?;
    let mut opts = Options {
        profile: args.profile,
        host,
        id: ike_id,
        time: audit_time,
        warn_days: i64::from(args.warn_days),
        allow_expired: args.allow_expired,
        certreq: certreq(&args.certreq)?,
        revocation: None,
        time_evidence,
        holds: args.rules.kind,
        rule_policy: std::sync::Arc::new(args.rules.policy()?),
        signatures: std::sync::Arc::default(),
    };
    let inputs = load::load_paths_with(&args.files, &load_opts);
    let device = match &args.config {
        Some(path) => {
            let device = load::load_file_with(path, &load_opts);
            if device.ios_config.is_none() {
                anyhow::bail!(
                    "--config {}: not an IOS running-config (no `crypto pki` or `crypto ikev2` section found){}",
                    path.display(),
                    device
                        .problems
                        .first()
                        .map(|p| format!("; {}", p.message))
                        .unwrap_or_default()
                );
            }
            Some(device)
        }
        None => None,
    };
    let mut trust = audit::Trust {
        anchors: load::load_paths_with(&args.trust, &load_opts),
        untrusted: load::load_paths_with(&args.untrusted, &load_opts),
        system: if args.system_trust {
            system_roots()?
        } else {
            Vec::new()
        },
        device,
    };
    if opts.holds == audit::Holds::Trust {
        // The inputs are a trust store: anchors for one another.
        // Their read errors are reported once, as inputs.
        // Only CA certificates anchor: an end-entity certificate must not
        // verify itself.
        trust.anchors.extend(inputs.iter().map(|i| {
            let mut anchor = i.clone();
            anchor.problems.clear();
            anchor
                .certs
                .retain(|c| c.cert.basic_constraints.as_ref().is_some_and(|b| b.ca));
            anchor.partials.clear();
            anchor
        }));
    }
    for t in trust.anchors.iter_mut().chain(trust.untrusted.iter_mut()) {
        t.refuse_partials_as_trust();
    }
    // https distribution points and responders of a private PKI are
    // usually served under its own CA: trust the anchors for TLS too.
    let tls_roots: Vec<Vec<u8>> = trust
        .anchors
        .iter()
        .flat_map(|i| i.certs.iter())
        .map(|c| c.cert.der.clone())
        .collect();
    opts.revocation = revocation_options(&args.rev, tls_roots)?;
    report_input_errors(&inputs);
    report_input_errors(&trust.anchors);
    report_input_errors(&trust.untrusted);
    if let Some(d) = &trust.device {
        report_input_errors(std::slice::from_ref(d));
    }
    let report = audit::audit(inputs, trust, &opts);
    report::write(args.output.format, &report::Document::Check(&report), out)?;
    let nothing = report.certificates.is_empty() && report.configs.is_empty();
    if nothing {
        eprintln!(
            "pkiaudit: error: no certificate found in the inputs (see what each holds above); \
             nothing was audited"
        );
    }
    Ok(if report.has_input_errors() || nothing {
        exit::ERROR
    } else if report
        .max_severity()
        .is_some_and(|s| s >= args.fail_on.threshold())
    {
        exit::FINDINGS
    } else {
        exit::OK
    })
}
