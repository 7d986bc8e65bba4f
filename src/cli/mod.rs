//! Command-line interface: clap definitions, wiring and exit codes. The only
//! module that prints, reads the clock or the environment.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::audit::names::Host;
use crate::audit::profile::Profile;
use crate::audit::rules::Severity;
use crate::audit::{self, Options};
use crate::load;
use crate::report::{self, Format};
use crate::time::{self, AuditTime};

/// Exit codes, in the style of ripgrep and cargo-deny.
pub mod exit {
    /// Audit ran; no finding reached `--fail-on`.
    pub const OK: i32 = 0;
    /// Audit ran; at least one finding reached `--fail-on`.
    pub const FINDINGS: i32 = 1;
    /// Usage error, or an input could not be read (the rest was audited).
    pub const ERROR: i32 = 2;
}

const AFTER_HELP: &str = "\
Exit codes:
  0  no finding at or above --fail-on (default: error)
  1  at least one finding at or above --fail-on
  2  usage error, or an input could not be read (the other inputs are still audited)

Formats are sniffed from content: PEM (many blocks, text around them), DER,
PKCS#7 .p7b/.p7c (DER or PEM), bare base64. '-' reads standard input.";

const TIME_AFTER_HELP: &str = "\
Exit codes:
  0  the servers agree on a time, and the local (and device) clock is within --max-skew of it
  1  a clock is off by more than --max-skew, or the device marks its clock unsynchronized
  2  usage error, or no NTP server gave a usable time";

const SWEEP_AFTER_HELP: &str = "\
Exit codes:
  0  no certificate at or above --fail-on (error: critical; warning: warning or critical)
  1  at least one certificate at or above --fail-on
  2  usage error, or an input could not be read (the other inputs are still audited)
With --nagios (monitoring-plugin convention; the status line goes to stdout):
  0 OK, 1 WARNING (expiring, revocation unknown), 2 CRITICAL (expired, revoked,
  broken chain, expiring within --crit-days, unreadable input), 3 UNKNOWN (the
  sweep itself could not run)";

/// Certificate and trust-chain auditor for IPsec/IKEv2 VPNs: will
/// AnyConnect, Windows and IOS peers accept this certificate, and if not, why?
#[derive(Debug, Parser)]
#[command(name = "pkiaudit", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when standard output is a terminal (and NO_COLOR is unset).
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit certificates against a profile: KU/EKU, names, validity, key hygiene.
    #[command(after_help = AFTER_HELP)]
    Check(Box<CheckArgs>),
    /// Show what is in certificates: names, validity, keys, extensions, fingerprints.
    #[command(after_help = AFTER_HELP)]
    Inspect(InspectArgs),
    /// List trust anchors with the SHA-1 SPKI hash an IKEv2 CERTREQ carries
    /// for each, and which of them a peer's CERTREQ asks for.
    #[command(after_help = AFTER_HELP)]
    Trust(TrustArgs),
    /// Audit a whole inventory in one process (nightly expiry and
    /// revocation sweeps): files, directories, globs or inventory files
    /// (TOML); text, JSON, JSON lines, Prometheus textfile or JUnit output.
    #[command(after_help = SWEEP_AFTER_HELP)]
    Sweep(Box<SweepArgs>),
    /// List the rules (and profiles) with their ids, severities and citations.
    Rules(RulesArgs),
    /// Ask NTP servers for the time: each server's stratum, offset and
    /// delay, which ones agree, the chosen time and how far the local (and a
    /// device's) clock is off — to compare with `show ntp associations`.
    #[command(after_help = TIME_AFTER_HELP)]
    Time(TimeCmdArgs),
    /// Run the x509-limbo conformance suite (JSON) and write a LimboResult.
    #[command(hide = true)]
    Limbo(LimboArgs),
}

#[derive(Debug, Args)]
pub struct LimboArgs {
    /// The suite, uncompressed (`xz -dk limbo.json.xz`), or '-' for stdin.
    pub suite: PathBuf,
    /// Where to write the LimboResult (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TimeArgs {
    /// Judge validity as of this time (RFC 3339, or YYYY-MM-DD for midnight UTC),
    /// e.g. the planned rollout date. Default: the system clock.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SweepFormat {
    /// Summary and the certificates that need action, soonest expiry first.
    Text,
    /// The whole report.
    Json,
    /// One JSON object per line: each certificate, each input error, a summary.
    Jsonl,
    /// Prometheus text format, for node_exporter's textfile collector.
    Prometheus,
    /// JUnit XML: one test case per certificate, for CI systems.
    Junit,
}

impl From<SweepFormat> for Format {
    fn from(f: SweepFormat) -> Self {
        match f {
            SweepFormat::Text => Format::Text,
            SweepFormat::Json => Format::Json,
            SweepFormat::Jsonl => Format::Jsonl,
            SweepFormat::Prometheus => Format::Prometheus,
            SweepFormat::Junit => Format::Junit,
        }
    }
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Files, directories (read recursively), glob patterns (quoted), or
    /// inventory files (`*.toml`: targets with their own profile, host,
    /// trust and labels).
    #[arg(required = true, value_name = "INVENTORY")]
    pub inventory: Vec<String>,
    /// The profile for paths given on the command line.
    #[arg(long, value_enum, default_value_t = Profile::Ikev2)]
    pub profile: Profile,
    /// The name clients connect to, for paths given on the command line.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// Trust anchors for paths given on the command line.
    #[arg(long, value_name = "PATH")]
    pub trust: Vec<PathBuf>,
    /// A label for paths given on the command line (repeatable), e.g.
    /// `--label site=fra`; it appears in every output.
    #[arg(long, value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// A certificate expiring within this many days is a warning.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
    /// A certificate expiring within this many days is critical.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub crit_days: u32,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub rev: RevocationArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[arg(long, value_enum, default_value_t = SweepFormat::Text)]
    pub format: SweepFormat,
    /// Write the report here instead of standard output, atomically
    /// (a temporary file renamed into place: a collector never reads half).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a certificate is at this state or worse: `error`
    /// (critical) or `warning`.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Monitoring-plugin mode (Nagios, Icinga): a one-line status with
    /// perfdata on standard output and exit 0/1/2/3; the report itself goes
    /// to --output if given.
    #[arg(long)]
    pub nagios: bool,
    /// Compare with the last run kept in FILE (new, gone, renewed, changed
    /// certificates) and keep this run there for the next.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Where the audit time comes from, beside `--at`: NTP servers and the
/// device's own clock.
#[derive(Debug, Args)]
pub struct ClockArgs {
    /// Take the audit time from these NTP servers (SERVER[:PORT]; repeatable
    /// or comma-separated; also PKIAUDIT_NTP). Ask several: a server that
    /// disagrees with the majority is outvoted. --at and --device-clock win
    /// over NTP; the offsets are reported either way.
    #[arg(
        long,
        value_name = "SERVER[:PORT]",
        env = "PKIAUDIT_NTP",
        value_delimiter = ','
    )]
    pub ntp: Vec<String>,
    /// Stop (exit 2) when no NTP server gives a usable time, instead of
    /// falling back to the system clock with a warning.
    #[arg(long)]
    pub require_ntp: bool,
    /// How far the local or device clock may be off NTP time before it is a
    /// warning, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub max_skew: f64,
    /// How long to wait for each NTP server, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub ntp_timeout: f64,
    /// The device's clock as IOS `show clock` prints it
    /// ("*10:15:32.123 UTC Sat Nov 28 2026"): judge validity as that device
    /// does (unless --at), and report how far it is off NTP time. Zone labels
    /// that are ambiguous need --device-tz.
    #[arg(long, value_name = "SHOW_CLOCK")]
    pub device_clock: Option<String>,
}

#[derive(Debug, Args)]
pub struct TimeCmdArgs {
    #[command(flatten)]
    pub clock: ClockArgs,
    /// The UTC offset of a time zone label in --device-clock (repeatable),
    /// e.g. `--device-tz IST=+05:30`.
    #[arg(long, value_name = "LABEL=+HH:MM")]
    pub device_tz: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How revocation is checked (`check` and `sweep`).
#[derive(Debug, Args)]
pub struct RevocationArgs {
    /// Check revocation of every certificate of each path below the anchor:
    /// `crl` (`--crl` files, then the certificates' distribution points),
    /// `ocsp` (`--ocsp-url`, then the certificates' AIA responders), `both`
    /// (`--crl` files, then OCSP, then distribution points), or `off`.
    #[arg(long, value_enum, default_value_t = RevocationMode::Both)]
    pub revocation: RevocationMode,
    /// What an unknown revocation status is: `soft` a warning, `hard` an
    /// error. A revoked certificate is always an error.
    #[arg(long, value_enum, default_value_t = RevocationPolicy::Soft)]
    pub revocation_policy: RevocationPolicy,
    /// A CRL to check against (PEM or DER; repeatable). Its signature is
    /// verified with the issuing CA of the certificate it answers for.
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,
    /// Ask this OCSP responder instead of the certificates' AIA URLs.
    #[arg(long, value_name = "URL")]
    pub ocsp_url: Option<String>,
    /// No network I/O at all: revocation uses `--crl` files and what the
    /// cache holds; a certificate whose status needs the network is
    /// `unknown` ("not fetched (--offline)").
    #[arg(long, env = "PKIAUDIT_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,
    /// Where fetched CRLs and OCSP answers are kept between runs (default:
    /// `$XDG_CACHE_HOME/pkiaudit/revocation` or
    /// `~/.cache/pkiaudit/revocation`). An entry is used while it verifies
    /// and is fresh (and revalidated with the server when HTTP's max-age
    /// ran out first), else fetched again.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the revocation cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// The LDAP server (HOST[:PORT]) for host-less `ldap:///CN=...` CRL
    /// distribution points, as Active Directory Certificate Services writes
    /// them.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub ldap_server: Option<String>,
    /// Seconds one revocation request (HTTP, HTTPS or LDAP) may take,
    /// connect to last byte. A server that does not answer in time gives
    /// an `unknown` status saying so.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub fetch_timeout: f64,
    /// Seconds all of the run's revocation requests may take together,
    /// counted from the start of the audit. Once used up, no request is
    /// made (one in flight is cut) and each status that needed one is
    /// `unknown` ("the run's time limit (--run-timeout) is used up");
    /// `--crl` files and the cache still answer. Default: no limit.
    #[arg(long, value_name = "SECONDS")]
    pub run_timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Certificate files, directories, or '-' for standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Which peer judges the certificate.
    #[arg(long, value_enum, default_value_t = Profile::Ikev2)]
    pub profile: Profile,
    /// The name or address clients connect to; verified against SAN/CN as
    /// AnyConnect does (server profiles only).
    #[arg(long, value_name = "NAME_OR_IP")]
    pub host: Option<String>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
    /// Report expired certificates as warnings, as IOS does with
    /// `match certificate MAP allow expired-certificate`.
    #[arg(long)]
    pub allow_expired: bool,
    /// Trust anchors: PEM/DER/PKCS#7 files or directories of them. Chains
    /// are built and verified (rustls-webpki) against these.
    #[arg(long, value_name = "PATH")]
    pub trust: Vec<PathBuf>,
    /// Extra intermediates that may be used to build chains (certificates in
    /// the same input as a leaf are its "sent chain" and are used anyway).
    #[arg(long, value_name = "PATH")]
    pub untrusted: Vec<PathBuf>,
    /// Also trust the operating system's root store (off by default: VPN
    /// PKIs are private).
    #[arg(long)]
    pub system_trust: bool,
    /// The peer's CERTREQ: SHA-1 hashes of the SubjectPublicKeyInfo of the
    /// CAs it accepts (40 hex digits each; commas, spaces and colons allowed).
    #[arg(long, value_name = "HEX[,HEX...]")]
    pub certreq: Vec<String>,
    #[command(flatten)]
    pub rev: RevocationArgs,
    /// The running-config of the device that judges these certificates
    /// (IOS `show running-config`): each end-entity certificate is matched
    /// against its certificate maps and IKEv2 profiles and audited under the
    /// selected profile's trustpoints (their CA certificates are anchors;
    /// `allow expired-certificate` applies); the configuration is audited too.
    #[arg(long, value_name = "RUNNING_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Exit 1 when a finding of this severity or worse is found.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

use crate::revocation::{Mode as RevocationMode, Policy as RevocationPolicy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

impl FailOn {
    fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

/// How inputs are read (`check` and `inspect`).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// The UTC offset of a time zone label in `show` output dates
    /// (repeatable), e.g. `--device-tz IST=+05:30`.
    #[arg(long, value_name = "LABEL=+HH:MM")]
    pub device_tz: Vec<String>,
    /// Keys to decrypt IKEv2 SK/SKF payloads in captures and dumps: a
    /// Wireshark `ikev2_decryption_table` file, as strongSwan's `save-keys`
    /// plugin writes it.
    #[arg(long, value_name = "FILE")]
    pub ike_keys: Option<PathBuf>,
    /// Fetch the certificates IKE hash-and-URL CERT payloads point to
    /// (http only, checked against the SHA-1 the peer sent). Off by default:
    /// these URLs come from an untrusted peer.
    #[arg(long)]
    pub fetch: bool,
}

/// `--fetch`: the loaders' hash-and-URL certificates come over the
/// library's one HTTP transport.
fn fetch_certificate(url: &str) -> Result<Vec<u8>, String> {
    crate::revocation::transport::get(url).map_err(|e| e.to_string())
}

impl ReadArgs {
    fn load_options(&self) -> anyhow::Result<load::LoadOptions> {
        let mut opts = load_options(&self.device_tz, self.ike_keys.as_deref())?;
        if self.fetch {
            opts.fetch = Some(fetch_certificate);
        }
        Ok(opts)
    }
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Certificate files, directories, or '-' for standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// CA certificates to name the hashes of IKE CERTREQ payloads with.
    #[arg(long, value_name = "PATH")]
    pub trust: Vec<PathBuf>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Trust anchor files, directories, or '-' for standard input.
    #[arg(required_unless_present = "system_trust", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// List the operating system's roots too.
    #[arg(long)]
    pub system_trust: bool,
    /// Mark the anchors a peer's CERTREQ asks for (hex SHA-1 SPKI hashes).
    #[arg(long, value_name = "HEX[,HEX...]")]
    pub certreq: Vec<String>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only the rules of this profile.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Parse the arguments, run, and return the exit code.
pub fn main() -> i32 {
    run(std::env::args_os())
}

/// [`main`] with explicit arguments (for tests).
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
        }
    };
    let choice = match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    let mut stdout = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    let result = match cli.command {
        Command::Check(args) => check(*args, &mut stdout),
        Command::Inspect(args) => inspect(args, &mut stdout),
        Command::Trust(args) => trust(args, &mut stdout),
        Command::Sweep(args) => sweep_cmd(*args, &mut stdout),
        Command::Rules(args) => rules(args, &mut stdout),
        Command::Time(args) => time_cmd(args, &mut stdout),
        Command::Limbo(args) => limbo(args, &mut stdout),
    };
    let _ = stdout.flush();
    match result {
        Ok(code) => code,
        // `pkiaudit ... | head`: the reader went away; nothing to report.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            exit::OK
        }
        Err(e) => {
            let mut stderr = anstream::AutoStream::new(std::io::stderr().lock(), choice);
            let red = anstyle::Style::new()
                .fg_color(Some(anstyle::AnsiColor::Red.into()))
                .bold();
            let _ = writeln!(stderr, "{red}error:{red:#} {e:#}");
            exit::ERROR
        }
    }
}

/// The audit time and what was learned about clocks: `--at` wins, then
/// `--device-clock`, then NTP (`--ntp`), then the system clock. NTP and the
/// device clock are read and reported whichever wins.
fn trusted_time(
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

fn sweep_cmd(args: SweepArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    if !args.nagios {
        return sweep_run(&args, out);
    }
    match sweep_run(&args, out) {
        Ok(code) => Ok(code),
        Err(e) => {
            // UNKNOWN: the sweep itself could not run.
            writeln!(
                out,
                "PKIAUDIT UNKNOWN - {}",
                format!("{e:#}").replace(['\n', '|'], " ")
            )?;
            Ok(3)
        }
    }
}

fn sweep_run(args: &SweepArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    use crate::sweep::{self, inventory};
    if args.crit_days > args.warn_days {
        anyhow::bail!(
            "--crit-days ({}) is more than --warn-days ({})",
            args.crit_days,
            args.warn_days
        );
    }
    if args.rev.offline && !args.clock.ntp.is_empty() {
        anyhow::bail!("--ntp and --offline (or PKIAUDIT_OFFLINE) contradict each other");
    }
    if args.rev.offline && args.read.fetch {
        anyhow::bail!("--fetch and --offline (or PKIAUDIT_OFFLINE) contradict each other");
    }
    if args.jobs == Some(0) {
        anyhow::bail!("--jobs must be at least 1");
    }
    let load_opts = args.read.load_options()?;
    let (time, time_evidence) = trusted_time(&args.time, &args.clock, &load_opts.device_tz)?;
    let host = args
        .host
        .as_deref()
        .map(Host::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--host: {e}"))?;
    let mut labels = std::collections::BTreeMap::new();
    for l in &args.label {
        let (k, v) = l
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("--label {l}: expected KEY=VALUE"))?;
        labels.insert(k.trim().to_string(), v.to_string());
    }
    let mut targets = Vec::new();
    for spec in &args.inventory {
        let path = std::path::Path::new(spec);
        if inventory::is_inventory(path) {
            targets.extend(inventory::read(path).map_err(|e| anyhow::anyhow!("{e}"))?);
        } else {
            let mut t = inventory::Target {
                name: spec.clone(),
                paths: Vec::new(),
                problems: Vec::new(),
                profile: args.profile,
                host: host.clone(),
                trust: args.trust.clone(),
                labels: labels.clone(),
            };
            inventory::expand_into(spec, &mut t);
            targets.push(t);
        }
    }
    // The anchors of every target serve https distribution points too.
    let mut tls_roots = Vec::new();
    for t in &targets {
        for input in load::load_paths_with(&t.trust, &load_opts) {
            tls_roots.extend(input.certs.into_iter().map(|c| c.cert.der));
        }
    }
    let opts = sweep::SweepOptions {
        time,
        time_evidence,
        warn_days: i64::from(args.warn_days),
        crit_days: i64::from(args.crit_days),
        revocation: revocation_options(&args.rev, tls_roots)?,
        load: load_opts,
    };
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} auditing {pos}/{len} files [{elapsed_precise}] {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |n: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(n);
    };
    let threads = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| anyhow::anyhow!("worker threads: {e}"))?;
    let mut report = pool.install(|| sweep::run(&targets, &opts, &progress));
    bar.finish_and_clear();
    if let Some(state_path) = &args.state {
        match std::fs::read(state_path) {
            Ok(bytes) => {
                let previous: sweep::StateFile = serde_json::from_slice(&bytes).map_err(|e| {
                    anyhow::anyhow!(
                        "--state {}: not a pkiaudit state file: {e}",
                        state_path.display()
                    )
                })?;
                report.diff = Some(sweep::diff(&previous, &report));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.diff = Some(sweep::diff(
                    &sweep::StateFile {
                        schema_version: sweep::SCHEMA_VERSION,
                        time: String::new(),
                        certificates: Vec::new(),
                    },
                    &report,
                ));
            }
            Err(e) => anyhow::bail!("--state {}: {e}", state_path.display()),
        }
        let state = serde_json::to_vec_pretty(&sweep::StateFile::of(&report))?;
        report::atomic::write(state_path, &state)
            .map_err(|e| anyhow::anyhow!("--state {}: {e}", state_path.display()))?;
    }
    for i in report.inputs.iter() {
        for e in &i.errors {
            eprintln!("pkiaudit: {e}");
        }
    }
    // Streamed, not rendered into memory first (the Prometheus file of a
    // 10,000-certificate estate is 20 MB).
    let render =
        |w: &mut dyn Write| report::write(args.format.into(), &report::Document::Sweep(&report), w);
    match &args.output {
        Some(path) => report::atomic::write_with(path, render)
            .map_err(|e| anyhow::anyhow!("--output {}: {e}", path.display()))?,
        None if args.nagios => {}
        None => {
            let mut buffered = std::io::BufWriter::new(&mut *out);
            render(&mut buffered)?;
            buffered.flush()?;
        }
    }
    if args.nagios {
        let (code, line) = report::nagios::status(&report);
        writeln!(out, "{line}")?;
        return Ok(code);
    }
    use crate::sweep::rows::State;
    let worst = report
        .certificates
        .iter()
        .map(|c| c.state)
        .max()
        .unwrap_or(State::Ok);
    let threshold = match args.fail_on {
        FailOn::Error => State::Critical,
        FailOn::Warning => State::Warning,
    };
    Ok(if report.summary.input_errors > 0 {
        exit::ERROR
    } else if worst >= threshold {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn time_cmd(args: TimeCmdArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    if args.clock.ntp.is_empty() {
        anyhow::bail!("give at least one --ntp SERVER[:PORT] (or PKIAUDIT_NTP)");
    }
    let mut device_tz = Vec::new();
    for v in &args.device_tz {
        device_tz.push(load::parse_device_tz(v).map_err(|e| anyhow::anyhow!("--device-tz {e}"))?);
    }
    let no_at = TimeArgs { at: None };
    let (chosen, ev) = trusted_time(&no_at, &args.clock, &device_tz)?;
    let mut opts = Options::new(Profile::Ikev2, chosen);
    opts.time_evidence = ev;
    let findings = audit::rules::time::run_findings(&opts);
    let doc = report::Document::Time {
        options: &opts,
        findings: &findings,
    };
    report::write(args.format, &doc, out)?;
    Ok(if opts.time_evidence.ntp_time().is_none() {
        exit::ERROR
    } else if findings
        .iter()
        .any(|f| f.severity() >= audit::rules::Severity::Warning)
    {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn audit_time(args: &TimeArgs) -> anyhow::Result<AuditTime> {
    match &args.at {
        Some(t) => Ok(AuditTime::given(
            time::parse_at(t).map_err(|e| anyhow::anyhow!("--at: {e}"))?,
        )),
        None => Ok(AuditTime::system_clock(chrono::Utc::now())),
    }
}

/// Input problems go to stderr too, so a script that only keeps stdout
/// (or reads JSON) still sees on its terminal that something was not read.
fn report_input_errors(inputs: &[load::LoadedInput]) {
    let mut stderr = std::io::stderr().lock();
    for p in inputs
        .iter()
        .flat_map(|i| i.problems.iter())
        .filter(|p| p.level == load::ProblemLevel::Error)
    {
        let _ = writeln!(stderr, "pkiaudit: {p}");
    }
}

fn check(args: CheckArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let host = match &args.host {
        Some(h) => {
            if !args.profile.verifies_host_name() {
                anyhow::bail!(
                    "--host is verified by the server profiles (anyconnect-server, \
                     flexvpn-server, eap-server); profile {} does not check names",
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
    let mut opts = Options {
        profile: args.profile,
        host,
        time: audit_time,
        warn_days: i64::from(args.warn_days),
        allow_expired: args.allow_expired,
        certreq: certreq(&args.certreq)?,
        revocation: None,
        time_evidence,
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
    report::write(args.format, &report::Document::Check(&report), out)?;
    Ok(if report.has_input_errors() {
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

/// `--revocation` and its companions; `None` when off.
fn revocation_options(
    args: &RevocationArgs,
    tls_roots: Vec<Vec<u8>>,
) -> anyhow::Result<Option<std::sync::Arc<crate::revocation::Revocation>>> {
    let mode = args.revocation;
    if !args.crl.is_empty() && !matches!(mode, RevocationMode::Crl | RevocationMode::Both) {
        anyhow::bail!("--crl needs --revocation crl or both (it is {mode:?})");
    }
    if args.ocsp_url.is_some() && !matches!(mode, RevocationMode::Ocsp | RevocationMode::Both) {
        anyhow::bail!("--ocsp-url needs --revocation ocsp or both (it is {mode:?})");
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
        let crl = crate::revocation::crl::Crl::from_pem_or_der(&bytes, &path.display().to_string())
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
        Some(v) => Some(std::time::Instant::now() + seconds("--run-timeout", v, 86_400.0)?),
        None => None,
    };
    Ok(crate::revocation::transport::Limits { timeout, deadline })
}

/// `--certreq` values, or None when not given.
fn certreq(values: &[String]) -> anyhow::Result<Option<Vec<String>>> {
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
fn system_roots() -> anyhow::Result<Vec<audit::chain::PoolCert>> {
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

fn trust(args: TrustArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let time = audit_time(&args.time)?;
    let requested = certreq(&args.certreq)?;
    let inputs = load::load_paths(&args.files);
    report_input_errors(&inputs);
    let mut anchors: Vec<audit::chain::PoolCert> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in inputs.iter().flat_map(|i| i.certs.iter()) {
        if seen.insert(c.cert.sha256.clone()) {
            anchors.push(audit::chain::PoolCert {
                cert: c.cert.clone(),
                source: c.provenance.to_string(),
            });
        }
    }
    if args.system_trust {
        for p in system_roots()? {
            if seen.insert(p.cert.sha256.clone()) {
                anchors.push(p);
            }
        }
    }
    let listing = report::TrustListing {
        time,
        anchors: &anchors,
        certreq: requested.as_deref(),
    };
    let doc = report::Document::Trust {
        inputs: &inputs,
        listing: &listing,
    };
    report::write(args.format, &doc, out)?;
    let errors = inputs.iter().any(|i| i.has_errors());
    Ok(if errors { exit::ERROR } else { exit::OK })
}

/// `--device-tz` values and the `--ike-keys` table.
fn load_options(
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

fn inspect(args: InspectArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let time = audit_time(&args.time)?;
    let load_opts = args.read.load_options()?;
    let inputs = load::load_paths_with(&args.files, &load_opts);
    let trust = load::load_paths_with(&args.trust, &load_opts);
    report_input_errors(&inputs);
    report_input_errors(&trust);
    let subjects = crate::assemble::assemble(&inputs);
    let doc = report::Document::Inspect {
        inputs: &inputs,
        trust: &trust,
        subjects: &subjects,
        time: &time,
    };
    report::write(args.format, &doc, out)?;
    Ok(if inputs.iter().chain(&trust).any(|i| i.has_errors()) {
        exit::ERROR
    } else {
        exit::OK
    })
}

fn limbo(args: LimboArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    use anyhow::Context;
    let text = if args.suite.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        s
    } else {
        std::fs::read_to_string(&args.suite)
            .with_context(|| format!("cannot read {}", args.suite.display()))?
    };
    let suite: crate::conformance::Limbo =
        serde_json::from_str(&text).context("not an x509-limbo suite")?;
    let result = crate::conformance::run(&suite, chrono::Utc::now());
    let json = serde_json::to_string_pretty(&result)?;
    match &args.output {
        Some(path) => std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => writeln!(out, "{json}")?,
    }
    let mut matched = 0;
    let mut skipped = 0;
    for (case, r) in suite.testcases.iter().zip(&result.results) {
        if r.actual_result == "SKIPPED" {
            skipped += 1;
        } else if r.actual_result == case.expected_result {
            matched += 1;
        }
    }
    eprintln!(
        "x509-limbo: {} cases, {matched} as expected, {} not, {skipped} skipped",
        suite.testcases.len(),
        suite.testcases.len() - matched - skipped
    );
    Ok(exit::OK)
}

fn rules(args: RulesArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let doc = report::Document::Rules {
        profile: args.profile,
    };
    report::write(args.format, &doc, out)?;
    Ok(exit::OK)
}
