//! `pkiaudit sweep`: audit a whole inventory in one process.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::{
    heading, lib_enum, revocation_options, trusted_time, CliProfile, ClockArgs, FailOn, ReadArgs,
    RevocationArgs, RuleArgs, TimeArgs,
};
use super::exit;
use crate::audit::names::Host;
use crate::audit::profile::Profile;

pub(super) const AFTER_HELP: &str = "\
Examples:
  # Every certificate under two directories, soonest expiry first
  pkiaudit sweep --trust fixtures/pki/root-ca.pem --offline fixtures/headend fixtures/client

  # Nightly, for node_exporter's textfile collector
  pkiaudit sweep --trust fixtures/pki/root-ca.pem --format prometheus \\
      --output /var/lib/node_exporter/pkiaudit.prom fixtures/headend

  # Nightly from cron: mail only when something needs action
  pkiaudit sweep --quiet --state /var/lib/pkiaudit/state.json --trust fixtures/pki/root-ca.pem \\
      --offline fixtures/headend

  # As a Nagios/Icinga check
  pkiaudit sweep --nagios --warn-days 30 --crit-days 7 --trust fixtures/pki/root-ca.pem \\
      --offline fixtures/headend

Exit codes:
  0  no certificate at or above --fail-on (error: critical; warning: warning or critical)
  1  at least one certificate at or above --fail-on
  2  usage error, or an input could not be read (the other inputs are still audited)
With --nagios (monitoring-plugin convention; the status line goes to stdout):
  0 OK, 1 WARNING (expiring, revocation unknown), 2 CRITICAL (expired, revoked,
  broken chain, expiring within --crit-days, unreadable input), 3 UNKNOWN (the
  sweep itself could not run)";

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

impl From<SweepFormat> for crate::report::Format {
    fn from(f: SweepFormat) -> Self {
        match f {
            SweepFormat::Text => crate::report::Format::Text,
            SweepFormat::Json => crate::report::Format::Json,
            SweepFormat::Jsonl => crate::report::Format::Jsonl,
            SweepFormat::Prometheus => crate::report::Format::Prometheus,
            SweepFormat::Junit => crate::report::Format::Junit,
        }
    }
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Files, directories, globs, or inventory files (`*.toml`)
    ///
    /// Directories are read recursively; quote glob patterns; an inventory
    /// file lists targets with their own profile, host, trust and labels.
    #[arg(required = true, value_name = "INVENTORY")]
    pub inventory: Vec<String>,
    /// The profile for paths given on the command line.
    #[arg(
        long,
        value_parser = lib_enum::<CliProfile, Profile>(),
        default_value_t = Profile::Ikev2,
        help_heading = heading::AUDIT
    )]
    pub profile: Profile,
    /// The name clients connect to, for paths given on the command line.
    #[arg(long, value_name = "NAME", help_heading = heading::AUDIT)]
    pub host: Option<String>,
    /// The IKE identity sent with the certificates given on the command line
    ///
    /// Checked against each end-entity certificate as strongSwan does (see
    /// `pkiaudit check --help`); inventory targets use `id = "..."`.
    #[arg(long = "id", value_name = "IDENTITY", help_heading = heading::AUDIT)]
    pub ike_id: Option<String>,
    /// A label for paths given on the command line (repeatable)
    ///
    /// E.g. `--label site=fra`; it appears in every output.
    #[arg(long, value_name = "KEY=VALUE", help_heading = heading::AUDIT)]
    pub label: Vec<String>,
    /// A certificate expiring within this many days is a warning.
    #[arg(long, value_name = "DAYS", default_value_t = 30, help_heading = heading::AUDIT)]
    pub warn_days: u32,
    /// A certificate expiring within this many days is critical.
    #[arg(long, value_name = "DAYS", default_value_t = 7, help_heading = heading::AUDIT)]
    pub crit_days: u32,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", help_heading = heading::AUDIT)]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Trust anchors for paths given on the command line.
    #[arg(long, value_name = "PATH", help_heading = heading::TRUST)]
    pub trust: Vec<PathBuf>,
    /// Extra intermediates for paths given on the command line
    ///
    /// Every CA certificate found in the inventory is one already.
    #[arg(long, value_name = "PATH", help_heading = heading::TRUST)]
    pub untrusted: Vec<PathBuf>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub rev: RevocationArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SweepFormat::Text, help_heading = heading::OUTPUT)]
    pub format: SweepFormat,
    /// Write the report to FILE instead of standard output
    ///
    /// Atomically: a temporary file renamed into place, so a collector never
    /// reads half.
    #[arg(long, value_name = "FILE", help_heading = heading::OUTPUT)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a certificate is at this state or worse
    ///
    /// `error` (critical) or `warning`.
    #[arg(long, value_enum, default_value_t = FailOn::Error, help_heading = heading::OUTPUT)]
    pub fail_on: FailOn,
    /// Monitoring-plugin mode (Nagios, Icinga): status line, exit 0-3
    ///
    /// A one-line status with perfdata on standard output; the report itself
    /// goes to --output if given.
    #[arg(long, help_heading = heading::OUTPUT)]
    pub nagios: bool,
    /// Print nothing when nothing needs action (for cron, which mails any output)
    ///
    /// When the sweep's state is OK, standard output stays empty (the exit
    /// code is unchanged, and --output is still written).
    #[arg(short, long, help_heading = heading::OUTPUT)]
    pub quiet: bool,
    /// Compare with the last run kept in FILE, and keep this run there
    ///
    /// New, gone, renewed and changed certificates are reported.
    #[arg(long, value_name = "FILE", help_heading = heading::OUTPUT)]
    pub state: Option<PathBuf>,
}

pub(super) fn sweep_cmd(args: SweepArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
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
    let mut load_opts = args.read.load_options()?;
    // A sweep reads files in parallel and unattended: it never prompts (a
    // target's PKCS#12 password comes from its inventory `password_file`).
    load_opts.password_prompt = None;
    let (time, time_evidence) = trusted_time(&args.time, &args.clock, &load_opts.device_tz)?;
    let host = args
        .host
        .as_deref()
        .map(Host::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--host: {e}"))?;
    let ike_id = args
        .ike_id
        .as_deref()
        .map(crate::audit::identity::IkeId::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--id: {e}"))?;
    let mut labels = std::collections::BTreeMap::new();
    for l in &args.label {
        let (k, v) = l
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("--label {l}: expected KEY=VALUE"))?;
        labels.insert(k.trim().to_string(), v.to_string());
    }
    let policy = args.rules.policy()?;
    let mut targets = Vec::new();
    for spec in &args.inventory {
        let path = std::path::Path::new(spec);
        if inventory::is_inventory(path) {
            // The command line's --ignore and --severity come last and win.
            targets.extend(
                inventory::read_with(path, &load_opts.exclude)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .into_iter()
                    .map(|mut t| {
                        t.policy = t.policy.then(&policy);
                        t
                    }),
            );
        } else {
            let mut t = inventory::Target {
                name: spec.clone(),
                paths: Vec::new(),
                problems: Vec::new(),
                profile: args.profile,
                host: host.clone(),
                id: ike_id.clone(),
                trust: args.trust.clone(),
                labels: labels.clone(),
                holds: args.rules.kind,
                untrusted: args.untrusted.clone(),
                policy: policy.clone(),
                exclude: load_opts.exclude.clone(),
                excluded: Vec::new(),
                password_file: None,
                password: None,
            };
            inventory::expand_into(spec, &mut t);
            targets.push(t);
        }
    }
    // Each target's PKCS#12 password file (inventory `password_file`).
    for t in &mut targets {
        if let Some(file) = &t.password_file {
            let read = super::args::read_password_file(file, "password_file")
                .map_err(|e| anyhow::anyhow!("target '{}': {e}", t.name))?;
            t.password = Some(read);
        }
    }
    // The anchors of every target serve https distribution points too;
    // read once, for that and for the sweep.
    let anchor_sets = sweep::load_anchor_sets(&targets, &load_opts);
    let mut tls_roots = Vec::new();
    for t in &targets {
        for input in anchor_sets.get(&t.trust).into_iter().flatten() {
            tls_roots.extend(input.certs.iter().map(|c| c.cert.der.clone()));
        }
    }
    let opts = sweep::SweepOptions {
        time,
        time_evidence,
        warn_days: i64::from(args.warn_days),
        crit_days: i64::from(args.crit_days),
        revocation: revocation_options(&args.rev, tls_roots)?,
        load: load_opts,
        anchor_sets: Some(std::sync::Arc::new(anchor_sets)),
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
                report.diff = Some(sweep::rows::Diff {
                    baseline: true,
                    ..sweep::rows::Diff::default()
                });
            }
            Err(e) => anyhow::bail!("--state {}: {e}", state_path.display()),
        }
        let state = serde_json::to_vec_pretty(&sweep::StateFile::of(&report))?;
        crate::report::atomic::write(state_path, &state)
            .map_err(|e| anyhow::anyhow!("--state {}: {e}", state_path.display()))?;
    }
    for i in report.inputs.iter() {
        for e in &i.errors {
            eprintln!("pkiaudit: {e}");
        }
    }
    // Streamed, not rendered into memory first (the Prometheus file of a
    // 10,000-certificate estate is 20 MB).
    let render = |w: &mut dyn Write| {
        crate::report::write(
            args.format.into(),
            &crate::report::Document::Sweep(&report),
            w,
        )
    };
    match &args.output {
        Some(path) => crate::report::atomic::write_with(path, render)
            .map_err(|e| anyhow::anyhow!("--output {}: {e}", path.display()))?,
        None if args.nagios => {}
        None if args.quiet && report.state == crate::sweep::rows::State::Ok => {}
        None => {
            let mut buffered = std::io::BufWriter::new(&mut *out);
            render(&mut buffered)?;
            buffered.flush()?;
        }
    }
    if args.nagios {
        let (code, line) = crate::report::nagios::status(&report);
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
