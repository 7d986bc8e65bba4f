//! Command-line interface: the `Cli` parser, dispatch to one module per
//! command, exit codes and error printing. The only module that prints,
//! reads the clock or the environment.

use std::ffi::OsString;
use std::io::Write;

use clap::{Parser, Subcommand, ValueEnum};

use crate::load;

pub mod args;
pub mod check;
pub mod completions;
pub mod conformance;
pub mod inspect;
pub mod man;
pub mod rules;
pub mod sweep;
pub mod time;
pub mod trust;

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
Examples:
  # A headend certificate as AnyConnect will judge it
  pkiaudit check --profile anyconnect-server --host vpn.example.com \\
      --trust fixtures/pki/root-ca.pem --offline fixtures/headend/rollout-bundle.pem

  # What is in a bundle, a paste of `show crypto pki certificates`, a capture
  pkiaudit inspect fixtures/headend/rollout-bundle.pem

  # The nightly sweep of a whole estate
  pkiaudit sweep --trust fixtures/pki/root-ca.pem --offline fixtures/headend fixtures/client

Exit codes (each command's --help tells its own; 'sweep --nagios' has the plugin ones):
  0  done, and no finding reached --fail-on (check, sweep)
  1  a finding reached --fail-on (check, sweep), or a clock is off (time)
  2  usage error, or an input could not be read (the other inputs are still used)

'pkiaudit COMMAND -h' gives a summary of a command's options, --help the details.";

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
    #[command(after_help = check::AFTER_HELP)]
    Check(Box<check::CheckArgs>),
    /// Show what is in certificates: names, validity, keys, extensions, fingerprints.
    #[command(after_help = inspect::AFTER_HELP)]
    Inspect(inspect::InspectArgs),
    /// List trust anchors with the SPKI hash an IKEv2 CERTREQ carries for each
    ///
    /// List trust anchors with the SHA-1 SPKI hash an IKEv2 CERTREQ carries
    /// for each, and which of them a peer's CERTREQ asks for.
    #[command(after_help = trust::AFTER_HELP)]
    Trust(trust::TrustArgs),
    /// Audit a whole inventory in one process: nightly expiry and revocation sweeps
    ///
    /// Audit a whole inventory in one process (nightly expiry and
    /// revocation sweeps): files, directories, globs or inventory files
    /// (TOML); text, JSON, JSON lines, Prometheus textfile or JUnit output.
    #[command(after_help = sweep::AFTER_HELP)]
    Sweep(Box<sweep::SweepArgs>),
    /// List the rules (and profiles) with their ids, severities and citations.
    #[command(after_help = rules::AFTER_HELP)]
    Rules(rules::RulesArgs),
    /// Ask NTP servers for the time, and how far the local (and a device's) clock is off
    ///
    /// Ask NTP servers for the time: each server's stratum, offset and
    /// delay, which ones agree, the chosen time and how far the local (and a
    /// device's) clock is off — to compare with `show ntp associations`.
    #[command(after_help = time::AFTER_HELP)]
    #[command(mut_arg("ntp", |a| a.help(time::NTP_HELP).long_help(time::NTP_LONG_HELP)))]
    #[command(mut_arg("device_clock", |a| a.long_help(time::DEVICE_CLOCK_LONG_HELP)))]
    #[command(mut_arg("require_ntp", |a| a.hide(true)))]
    Time(time::TimeCmdArgs),
    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish).
    #[command(after_help = completions::AFTER_HELP)]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --dir.
    #[command(after_help = man::AFTER_HELP)]
    Man(man::ManArgs),
    /// Run the x509-limbo conformance suite (JSON) and write a LimboResult.
    #[command(hide = true)]
    Limbo(conformance::LimboArgs),
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
    // Not locked for the whole run: the --run-timeout watchdog may have to
    // write its line while the run is stuck.
    let mut stdout = anstream::AutoStream::new(std::io::stdout(), choice);
    // Machine formats carry no styling: they skip the pass that strips
    // escape sequences (1.5% of a sweep's time).
    let mut plain = std::io::stdout();
    let result = match cli.command {
        Command::Check(args) => {
            watchdog(args.rev.run_timeout, false);
            check::check(*args, &mut stdout)
        }
        Command::Inspect(args) => inspect::inspect(args, &mut stdout),
        Command::Trust(args) => trust::trust(args, &mut stdout),
        Command::Sweep(args) => {
            watchdog(args.rev.run_timeout, args.nagios);
            let out: &mut dyn Write = if args.format == sweep::SweepFormat::Text || args.nagios {
                &mut stdout
            } else {
                &mut plain
            };
            sweep::sweep_cmd(*args, out)
        }
        Command::Rules(args) => rules::rules(args, &mut stdout),
        Command::Time(args) => time::time_cmd(args, &mut stdout),
        Command::Completions(args) => completions::completions(args, &mut stdout),
        Command::Man(args) => man::man(args, &mut stdout),
        Command::Limbo(args) => conformance::limbo(args, &mut stdout),
    };
    let _ = stdout.flush();
    let _ = plain.flush();
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

/// `--run-timeout`: whatever the run is doing (a stuck read, a huge
/// inventory), the process ends `seconds` after it started, with a line
/// that says so: a monitoring-plugin UNKNOWN (exit 3) with `--nagios`,
/// else an error on stderr (exit 2). Network work stops earlier (see
/// `args::fetch_limits`), so a run slowed by servers still reports.
fn watchdog(seconds: Option<f64>, nagios: bool) {
    let Some(secs) = seconds.filter(|s| s.is_finite() && *s > 0.0) else {
        return;
    };
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs_f64(secs));
        let why = format!("the run did not finish within --run-timeout {secs} seconds; stopped");
        if nagios {
            let mut out = std::io::stdout();
            let _ = writeln!(out, "PKIAUDIT UNKNOWN - {why}");
            let _ = out.flush();
            std::process::exit(3);
        }
        let _ = writeln!(std::io::stderr(), "pkiaudit: error: {why}");
        std::process::exit(exit::ERROR);
    });
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
