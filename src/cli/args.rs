//! Argument groups shared by several commands (inputs, trust, time,
//! revocation, output), the cli-side value enums that stand for library
//! types on the command line, and the wiring that turns each group into
//! library options.

use std::io::Write;
use std::path::PathBuf;

use clap::builder::{EnumValueParser, TypedValueParser};
use clap::{Args, ValueEnum};

use crate::audit;
use crate::audit::profile::Profile;
use crate::audit::rules::Severity;
use crate::load;
use crate::report::Format;
use crate::revocation::{Mode as RevocationMode, Policy as RevocationPolicy};
use crate::time::{self, AuditTime};

/// Help headings, in the order they appear (as cargo groups its options
/// under "Package Selection", "Compilation Options"...).
pub mod heading {
    pub const INPUTS: &str = "Inputs";
    pub const PASSWORD: &str = "PKCS#12 password";
    pub const AUDIT: &str = "Audit";
    pub const TRUST: &str = "Trust";
    pub const TIME: &str = "Time";
    pub const REVOCATION: &str = "Revocation";
    pub const OUTPUT: &str = "Output";
}

/// A parser that reads the cli-side enum `C` (its value names and help) and
/// hands the command the library type `L`: the library stays free of clap,
/// and the commands' code keeps using the library types.
pub fn lib_enum<C, L>() -> impl TypedValueParser<Value = L>
where
    C: ValueEnum + Clone + Send + Sync + 'static,
    L: From<C> + Clone + Send + Sync + 'static,
{
    EnumValueParser::<C>::new().map(L::from)
}

/// `--profile`: the peer whose acceptance is being checked
/// ([`Profile`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CliProfile {
    /// Any IKEv2 peer (RFC 4945 §5.1.3.2, IOS validation logic).
    Ikev2,
    /// Strict RFC 4945: as ikev2, and an EKU without ipsecIKE is rejected.
    Rfc4945,
    /// A headend certificate as the AnyConnect / Secure Client checks it.
    #[value(name = "anyconnect-server")]
    AnyConnectServer,
    /// A FlexVPN headend for Windows clients: EKU must include serverAuth.
    #[value(name = "flexvpn-server")]
    FlexVpnServer,
    /// A FlexVPN client certificate: EKU must include clientAuth.
    #[value(name = "flexvpn-client")]
    FlexVpnClient,
    /// An EAP headend, which authenticates with a certificate: serverAuth.
    #[value(name = "eap-server")]
    EapServer,
    /// A headend for the iOS / macOS native IKEv2 client: serverAuth, identity in a SAN.
    #[value(name = "apple-client")]
    AppleClient,
    /// An AnyConnect / Secure Client client certificate as ASA/FTD check it.
    #[value(name = "anyconnect-client")]
    AnyConnectClient,
}

impl From<CliProfile> for Profile {
    fn from(p: CliProfile) -> Self {
        match p {
            CliProfile::Ikev2 => Profile::Ikev2,
            CliProfile::Rfc4945 => Profile::Rfc4945,
            CliProfile::AnyConnectServer => Profile::AnyConnectServer,
            CliProfile::FlexVpnServer => Profile::FlexVpnServer,
            CliProfile::FlexVpnClient => Profile::FlexVpnClient,
            CliProfile::EapServer => Profile::EapServer,
            CliProfile::AppleClient => Profile::AppleClient,
            CliProfile::AnyConnectClient => Profile::AnyConnectClient,
        }
    }
}

/// `--format` of check, inspect, trust, rules and time ([`Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CliFormat {
    Text,
    Json,
}

impl From<CliFormat> for Format {
    fn from(f: CliFormat) -> Self {
        match f {
            CliFormat::Text => Format::Text,
            CliFormat::Json => Format::Json,
        }
    }
}

/// `--revocation` ([`RevocationMode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CliRevocationMode {
    Off,
    Crl,
    Ocsp,
    Both,
}

/// `--format text|json`: the output of every command but `sweep`, which
/// has formats of its own.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format: text for people, json for scripts.
    #[arg(
        long,
        value_parser = lib_enum::<CliFormat, Format>(),
        default_value = "text",
        help_heading = heading::OUTPUT
    )]
    pub format: Format,
}

/// `--revocation`'s value as the user writes it.
fn mode_name(mode: RevocationMode) -> &'static str {
    match mode {
        RevocationMode::Off => "off",
        RevocationMode::Crl => "crl",
        RevocationMode::Ocsp => "ocsp",
        RevocationMode::Both => "both",
    }
}

impl From<CliRevocationMode> for RevocationMode {
    fn from(m: CliRevocationMode) -> Self {
        match m {
            CliRevocationMode::Off => RevocationMode::Off,
            CliRevocationMode::Crl => RevocationMode::Crl,
            CliRevocationMode::Ocsp => RevocationMode::Ocsp,
            CliRevocationMode::Both => RevocationMode::Both,
        }
    }
}

/// `--revocation-policy` ([`RevocationPolicy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CliRevocationPolicy {
    /// Unknown is a warning (what most VPN peers do when a CRL is down).
    Soft,
    /// Unknown is an error.
    Hard,
}

impl From<CliRevocationPolicy> for RevocationPolicy {
    fn from(p: CliRevocationPolicy) -> Self {
        match p {
            CliRevocationPolicy::Soft => RevocationPolicy::Soft,
            CliRevocationPolicy::Hard => RevocationPolicy::Hard,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

impl FailOn {
    pub(super) fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = heading::TIME)]
pub struct TimeArgs {
    /// Judge validity as of this time instead of now
    ///
    /// RFC 3339, or YYYY-MM-DD for midnight UTC; e.g. the planned rollout
    /// date. Default: the system clock.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// Where the audit time comes from, beside `--at`: NTP servers and the
/// device's own clock.
#[derive(Debug, Args)]
#[command(next_help_heading = heading::TIME)]
pub struct ClockArgs {
    /// Take the audit time from these NTP servers
    ///
    /// Repeatable or comma-separated. Ask several: a server that disagrees
    /// with the majority is outvoted. --at and --device-clock win over NTP;
    /// the offsets are reported either way.
    #[arg(
        long,
        value_name = "SERVER[:PORT]",
        env = "PKIAUDIT_NTP",
        value_delimiter = ','
    )]
    pub ntp: Vec<String>,
    /// Exit 2 when no NTP server gives a usable time
    ///
    /// Instead of falling back to the system clock with a warning.
    #[arg(long)]
    pub require_ntp: bool,
    /// How far a clock may be off NTP time, in seconds
    ///
    /// The local or the device clock: further off is a warning.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub max_skew: f64,
    /// How long to wait for each NTP server, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub ntp_timeout: f64,
    /// The device's clock as IOS `show clock` prints it
    ///
    /// E.g. "*10:15:32.123 UTC Sat Nov 28 2026": judge validity as that device
    /// does (unless --at), and report how far it is off NTP time. Zone labels
    /// that are ambiguous need --device-tz.
    #[arg(long, value_name = "SHOW_CLOCK")]
    pub device_clock: Option<String>,
}

/// How revocation is checked (`check` and `sweep`).
#[derive(Debug, Args)]
#[command(next_help_heading = heading::REVOCATION)]
pub struct RevocationArgs {
    /// Which sources to check revocation with
    ///
    /// For every certificate of each path below the anchor: `crl` (`--crl`
    /// files, then the certificates' distribution points), `ocsp`
    /// (`--ocsp-url`, then the certificates' AIA responders), `both` (`--crl`
    /// files, then OCSP, then distribution points), or `off`.
    #[arg(
        long,
        value_name = "MODE",
        value_parser = lib_enum::<CliRevocationMode, RevocationMode>(),
        default_value = "both"
    )]
    pub revocation: RevocationMode,
    /// What an unknown revocation status is
    ///
    /// A revoked certificate is always an error.
    #[arg(
        long,
        value_name = "POLICY",
        value_parser = lib_enum::<CliRevocationPolicy, RevocationPolicy>(),
        default_value = "soft"
    )]
    pub revocation_policy: RevocationPolicy,
    /// A CRL to check against (PEM or DER; repeatable)
    ///
    /// Its signature is verified with the issuing CA of the certificate it
    /// answers for.
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,
    /// Ask this OCSP responder instead of the certificates' AIA URLs.
    #[arg(long, value_name = "URL")]
    pub ocsp_url: Option<String>,
    /// No network I/O at all
    ///
    /// Revocation uses `--crl` files and what the cache holds; a certificate
    /// whose status needs the network is `unknown` ("not fetched
    /// (--offline)").
    #[arg(long, env = "PKIAUDIT_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,
    /// Where fetched CRLs and OCSP answers are kept between runs
    ///
    /// Default: `$XDG_CACHE_HOME/pkiaudit/revocation` or
    /// `~/.cache/pkiaudit/revocation`. An entry is used while it verifies and
    /// is fresh (and revalidated with the server when HTTP's max-age ran out
    /// first), else fetched again.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the revocation cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// The LDAP server for host-less `ldap:///` CRL distribution points
    ///
    /// Distribution points such as `ldap:///CN=...`, as Active Directory
    /// Certificate Services writes them, name no server.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub ldap_server: Option<String>,
    /// Seconds one revocation request may take
    ///
    /// HTTP, HTTPS or LDAP, connect to last byte. A server that does not
    /// answer in time gives an `unknown` status saying so.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub fetch_timeout: f64,
    /// Seconds the whole run may take
    ///
    /// Counted from the start. Network requests stop at 90% of it (one in
    /// flight is cut) and each status that needed one is `unknown` ("the
    /// run's time limit (--run-timeout) is used up"; `--crl` files and the
    /// cache still answer), so the report is still written. At the limit the
    /// run stops, whatever it is doing: exit 2 (a monitoring plugin's
    /// UNKNOWN, 3, in sweep's plugin mode). Default: no limit.
    #[arg(long, value_name = "SECONDS")]
    pub run_timeout: Option<f64>,
}

/// How inputs are read (`check` and `inspect`).
#[derive(Debug, Args)]
#[command(next_help_heading = heading::INPUTS)]
pub struct ReadArgs {
    /// The UTC offset of a time zone label in `show` output dates
    ///
    /// Repeatable, e.g. `--device-tz IST=+05:30`.
    #[arg(long, value_name = "LABEL=+HH:MM")]
    pub device_tz: Vec<String>,
    /// Keys to decrypt IKEv2 SK/SKF payloads in captures and dumps
    ///
    /// A Wireshark `ikev2_decryption_table` file, as strongSwan's `save-keys`
    /// plugin writes it.
    #[arg(long, value_name = "FILE")]
    pub ike_keys: Option<PathBuf>,
    /// Fetch the certificates IKE hash-and-URL CERT payloads point to
    ///
    /// http only, checked against the SHA-1 the peer sent. Off by default:
    /// these URLs come from an untrusted peer.
    #[arg(long)]
    pub fetch: bool,
    /// Leave out files and directories matching GLOB (repeatable)
    ///
    /// As in .gitignore: a pattern without `/` matches a name at any depth
    /// (`*.key`, `*.bak`, `README*`), one with `/` the path; a trailing `/`
    /// matches directories only. Applies to every path, named ones too.
    /// Excluded paths are never opened, and listed.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
}

/// Where the password of PKCS#12 (`.pfx`, `.p12`) inputs comes from.
/// Deliberately no option takes the password itself: command lines are
/// visible to every user of the machine (`ps`) and kept in shell history.
#[derive(Debug, Args)]
#[command(next_help_heading = heading::PASSWORD)]
pub struct PasswordArgs {
    /// Read the password of PKCS#12 (.pfx/.p12) inputs from FILE
    ///
    /// Its first line, without the line end. The empty password is always
    /// tried first. Without this option, the PKIAUDIT_PASSWORD environment
    /// variable is used; without either, pkiaudit asks on the terminal
    /// when a file needs a password (and standard input is a terminal).
    /// There is no option that takes the password itself.
    ///
    /// Example: `pkiaudit check --password-file ~/alice-pfx.txt alice.pfx`
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

/// The variable a PKCS#12 password may be given in.
pub const PASSWORD_ENV: &str = "PKIAUDIT_PASSWORD";

impl PasswordArgs {
    /// The password given (`--password-file`, else `PKIAUDIT_PASSWORD`), and
    /// a prompt on the terminal when neither was and standard input is one.
    pub(super) fn apply(&self, opts: &mut load::LoadOptions) -> anyhow::Result<()> {
        if let Some(path) = &self.password_file {
            opts.password = Some(read_password_file(path, "--password-file")?);
        } else if let Some(value) = std::env::var_os(PASSWORD_ENV) {
            let value = value
                .into_string()
                .map_err(|_| anyhow::anyhow!("{PASSWORD_ENV} is not valid UTF-8"))?;
            opts.password = Some(load::Password::new(
                value,
                format!("the one in {PASSWORD_ENV}"),
            ));
        } else if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            opts.password_prompt = Some(load::PasswordPrompt::new(prompt_password));
        }
        Ok(())
    }
}

/// A password file's first line, its line end stripped.
pub fn read_password_file(path: &std::path::Path, option: &str) -> anyhow::Result<load::Password> {
    load::Password::from_file(path, option).map_err(|e| anyhow::anyhow!(e))
}

/// Asks on the terminal (echo off) for the password of `file`; an empty
/// answer gives none.
fn prompt_password(file: &str) -> Option<load::Password> {
    let question = format!(
        "pkiaudit: {file} is a PKCS#12 file protected by a password.\nPassword (not shown; \
         empty to skip): "
    );
    match rpassword::prompt_password(question) {
        Ok(p) if !p.is_empty() => Some(load::Password::new(p, "the one typed at the prompt")),
        _ => None,
    }
}

/// `--fetch`: the loaders' hash-and-URL certificates come over the
/// library's one HTTP transport.
fn fetch_certificate(url: &str) -> Result<Vec<u8>, String> {
    crate::revocation::transport::get(url).map_err(|e| e.to_string())
}

impl ReadArgs {
    pub(super) fn load_options(&self) -> anyhow::Result<load::LoadOptions> {
        let mut opts = load_options(&self.device_tz, self.ike_keys.as_deref())?;
        if self.fetch {
            opts.fetch = Some(fetch_certificate);
        }
        opts.exclude =
            load::Exclude::new(&self.exclude).map_err(|e| anyhow::anyhow!("--exclude: {e}"))?;
        self.password.apply(&mut opts)?;
        Ok(opts)
    }
}

/// The audit time and what was learned about clocks: `--at` wins, then
/// `--device-clock`, then NTP (`--ntp`), then the system clock. NTP and the
/// device clock are read and reported whichever wins.
pub(super) fn trusted_time(
    at: &TimeArgs,
    clock: &ClockArgs,
    device_tz: &[(String, i32)],
) -> anyhow::Result<(AuditTime, time::TimeEvidence)> {
    if !(clock.max_skew.is_finite() && clock.max_skew >= 0.0) {
        anyhow::bail!("--max-skew must be a number of seconds, 0 or more");
    }
    if !(clock.ntp_timeout.is_finite() && clock.ntp_timeout > 0.0 && clock.ntp_timeout <= 60.0) {
        anyhow::bail!("--ntp-timeout must be more than 0 and at most 60 seconds");
    }
    if clock.require_ntp && clock.ntp.is_empty() {
        anyhow::bail!("--require-ntp needs --ntp SERVER");
    }
    let given = audit_time(at)?;
    let mut ev = time::TimeEvidence {
        max_skew_seconds: clock.max_skew,
        ..time::TimeEvidence::default()
    };
    if !clock.ntp.is_empty() {
        let report = time::ntp::query(
            &clock.ntp,
            std::time::Duration::from_secs_f64(clock.ntp_timeout),
        );
        ev.system_clock = match (report.time, report.offset_seconds) {
            (Some(t), Some(off)) => t.checked_sub_signed(chrono::TimeDelta::milliseconds(
                (off * 1000.0).round() as i64,
            )),
            _ => Some(chrono::Utc::now()),
        };
        if report.time.is_none() {
            let reasons: Vec<String> = report
                .samples
                .iter()
                .map(|s| {
                    format!(
                        "{}: {}",
                        s.server,
                        s.reason.as_deref().unwrap_or("not used")
                    )
                })
                .collect();
            let why = format!("no NTP server gave a usable time ({})", reasons.join("; "));
            if clock.require_ntp {
                anyhow::bail!("{why}; --require-ntp stops here");
            }
            ev.ntp_failed = Some(why);
        }
        ev.ntp = Some(report);
    }
    if let Some(text) = &clock.device_clock {
        let mut d = time::parse_device_clock(text, device_tz)
            .map_err(|e| anyhow::anyhow!("--device-clock {e}"))?;
        if let Some(t) = ev.ntp_time() {
            d.minus_ntp_seconds = Some((d.instant - t).num_milliseconds() as f64 / 1000.0);
        }
        ev.device_clock = Some(d);
    }
    let chosen = if at.at.is_some() {
        given
    } else if let Some(d) = &ev.device_clock {
        AuditTime::device(d.instant)
    } else if let Some(t) = ev.ntp_time() {
        AuditTime::ntp(t)
    } else {
        given
    };
    Ok((chosen, ev))
}

pub(super) fn audit_time(args: &TimeArgs) -> anyhow::Result<AuditTime> {
    match &args.at {
        Some(t) => Ok(AuditTime::given(
            time::parse_at(t).map_err(|e| anyhow::anyhow!("--at: {e}"))?,
        )),
        None => Ok(AuditTime::system_clock(chrono::Utc::now())),
    }
}

/// `--revocation` and its companions; `None` when off.
pub(super) fn revocation_options(
    args: &RevocationArgs,
    tls_roots: Vec<Vec<u8>>,
) -> anyhow::Result<Option<std::sync::Arc<crate::revocation::Revocation>>> {
    let mode = args.revocation;
    if !args.crl.is_empty() && !matches!(mode, RevocationMode::Crl | RevocationMode::Both) {
        anyhow::bail!(
            "--crl needs --revocation crl or both (it is {})",
            mode_name(mode)
        );
    }
    if args.ocsp_url.is_some() && !matches!(mode, RevocationMode::Ocsp | RevocationMode::Both) {
        anyhow::bail!(
            "--ocsp-url needs --revocation ocsp or both (it is {})",
            mode_name(mode)
        );
    }
    if mode == RevocationMode::Off {
        return Ok(None);
    }
    let mut rev = crate::revocation::Revocation::new(
        args.revocation,
        args.revocation_policy,
        chrono::Utc::now(),
    );
    rev.offline = args.offline;
    rev.ocsp_url = args.ocsp_url.clone();
    rev.ldap_server = args.ldap_server.clone();
    rev.tls_roots = tls_roots;
    rev.limits = fetch_limits(args)?;
    if !args.no_cache {
        let dir = args.cache_dir.clone().or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|base| base.join("pkiaudit").join("revocation"))
        });
        rev.cache = dir.map(crate::revocation::cache::DiskCache::new);
    }
    if args.offline && args.ocsp_url.is_some() {
        anyhow::bail!("--ocsp-url and --offline contradict each other");
    }
    for path in &args.crl {
        let bytes =
            std::fs::read(path).map_err(|e| anyhow::anyhow!("--crl {}: {e}", path.display()))?;
        // Read for lookups: a one-off check scans the entries for its
        // serials instead of indexing all of them (a sweep's index is
        // built after a few lookups), and the file's bytes are the one
        // copy kept.
        let crl = crate::revocation::crl::Crl::read(
            bytes,
            &path.display().to_string(),
            crate::revocation::crl::Read::ForLookups,
        )
        .map_err(|e| anyhow::anyhow!("--crl {}: {e}", path.display()))?;
        rev.crls.push(std::sync::Arc::new(crl));
    }
    Ok(Some(std::sync::Arc::new(rev)))
}

/// `--fetch-timeout` and `--run-timeout`; the run's clock starts now.
fn fetch_limits(args: &RevocationArgs) -> anyhow::Result<crate::revocation::transport::Limits> {
    let seconds = |flag: &str, v: f64, max: f64| {
        if v.is_finite() && v > 0.0 && v <= max {
            Ok(std::time::Duration::from_secs_f64(v))
        } else {
            Err(anyhow::anyhow!(
                "{flag} must be more than 0 and at most {max} seconds"
            ))
        }
    };
    let timeout = seconds("--fetch-timeout", args.fetch_timeout, 600.0)?;
    let deadline = match args.run_timeout {
        // Network work ends at 90% of the run's limit, leaving the rest to
        // audit and write what was found (the watchdog in `cli` ends the
        // run at 100%).
        Some(v) => {
            Some(std::time::Instant::now() + seconds("--run-timeout", v, 86_400.0)?.mul_f64(0.9))
        }
        None => None,
    };
    Ok(crate::revocation::transport::Limits { timeout, deadline })
}

/// `--certreq` values, or None when not given.
pub(super) fn certreq(values: &[String]) -> anyhow::Result<Option<Vec<String>>> {
    if values.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for v in values {
        out.extend(audit::chain::parse_certreq(v).map_err(|e| anyhow::anyhow!("--certreq: {e}"))?);
    }
    Ok(Some(out))
}

/// The operating system's roots (rustls-native-certs).
pub(super) fn system_roots() -> anyhow::Result<Vec<audit::chain::PoolCert>> {
    let found = rustls_native_certs::load_native_certs();
    let mut out = Vec::new();
    for der in found.certs {
        if let Ok(cert) = crate::model::Certificate::from_der(der.as_ref()) {
            out.push(audit::chain::PoolCert {
                cert,
                source: "system trust store".into(),
            });
        }
    }
    if out.is_empty() {
        let why: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
        anyhow::bail!(
            "--system-trust: no roots found in the system store{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            }
        );
    }
    Ok(out)
}

/// `--device-tz` values and the `--ike-keys` table.
pub(super) fn load_options(
    device_tz: &[String],
    ike_keys: Option<&std::path::Path>,
) -> anyhow::Result<load::LoadOptions> {
    let mut opts = load::LoadOptions::default();
    for v in device_tz {
        opts.device_tz
            .push(load::parse_device_tz(v).map_err(|e| anyhow::anyhow!("--device-tz {e}"))?);
    }
    if let Some(path) = ike_keys {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("--ike-keys {}: {e}", path.display()))?;
        let table = pkiaudit_ike_table(&text);
        let mut stderr = std::io::stderr().lock();
        for (line, problem) in &table.problems {
            let _ = writeln!(
                stderr,
                "pkiaudit: {}:{line}: warning: {problem}",
                path.display()
            );
        }
        if table.entries.is_empty() {
            anyhow::bail!("--ike-keys {}: no usable keys in the table", path.display());
        }
        opts.ike_keys = Some(std::sync::Arc::new(table));
    }
    Ok(opts)
}

fn pkiaudit_ike_table(text: &str) -> crate::ike::decrypt::KeyTable {
    crate::ike::decrypt::parse_table(text)
}

/// `--kind`: what the inputs are ([`Holds`](crate::audit::Holds)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CliHolds {
    /// A file with a leaf and CA certificates is a bundle as a headend
    /// sends it (sent-chain checks apply); a certificate alone is stored.
    Auto,
    /// Every file is what a headend sends: sent-chain checks on each,
    /// a leaf alone included.
    Headend,
    /// Certificates kept on disk: judged on whether a chain can be built
    /// from the CA certificates known, never as a sent chain.
    Stored,
    /// Trust anchors: audited for their own validity, and anchors for the
    /// other inputs.
    Trust,
}

impl From<CliHolds> for crate::audit::Holds {
    fn from(h: CliHolds) -> Self {
        use crate::audit::Holds;
        match h {
            CliHolds::Auto => Holds::Auto,
            CliHolds::Headend => Holds::Headend,
            CliHolds::Stored => Holds::Stored,
            CliHolds::Trust => Holds::Trust,
        }
    }
}

/// Which findings count: `--kind`, `--ignore`, `--severity` (`check` and
/// `sweep`).
#[derive(Debug, Args)]
#[command(next_help_heading = heading::AUDIT)]
pub struct RuleArgs {
    /// What the inputs are: auto, headend, stored, trust
    ///
    /// Decides whether the sent-chain checks (chain.sent.*) apply: to what a
    /// headend sends, not to a certificate kept on disk alone.
    #[arg(
        long,
        value_name = "KIND",
        value_parser = lib_enum::<CliHolds, crate::audit::Holds>(),
        default_value = "auto"
    )]
    pub kind: crate::audit::Holds,
    /// Do not report findings of RULE (repeatable)
    ///
    /// A rule id (`chain.sent.incomplete`) or a family (`chain.sent`). The
    /// output counts what was suppressed.
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Report findings of RULE at LEVEL: error, warning or info (repeatable)
    ///
    /// E.g. `--severity revocation.unknown=info`.
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
}

impl RuleArgs {
    pub(super) fn policy(&self) -> anyhow::Result<crate::audit::rules::RulePolicy> {
        crate::audit::rules::RulePolicy::parse(&self.ignore, &self.severity)
            .map_err(|e| anyhow::anyhow!("--{e}"))
    }
}
