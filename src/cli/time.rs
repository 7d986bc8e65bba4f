//! `pkiaudit time`: ask NTP servers for the time.

use std::io::Write;

use clap::Args;

use super::args::{heading, trusted_time, ClockArgs, FormatArgs, TimeArgs};
use super::exit;
use crate::audit::profile::Profile;
use crate::audit::{self, Options};
use crate::load;
use crate::report::{self};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # Three servers: one that disagrees with the others is outvoted
  pkiaudit time --ntp 0.pool.ntp.org,1.pool.ntp.org,2.pool.ntp.org

  # How far a router's clock is off, from its `show clock`
  pkiaudit time --ntp ntp1.example.net --device-clock '*10:15:32.123 UTC Sat Nov 28 2026'

Exit codes:
  0  the servers agree on a time, and the local (and device) clock is within --max-skew of it
  1  a clock is off by more than --max-skew, or the device marks its clock unsynchronized
  2  usage error, or no NTP server gave a usable time";

#[derive(Debug, Args)]
pub struct TimeCmdArgs {
    #[command(flatten)]
    pub clock: ClockArgs,
    /// The UTC offset of a time zone label in --device-clock (repeatable)
    ///
    /// E.g. `--device-tz IST=+05:30`.
    #[arg(long, value_name = "LABEL=+HH:MM", help_heading = heading::TIME)]
    pub device_tz: Vec<String>,
    #[command(flatten)]
    pub output: FormatArgs,
}

pub(super) fn time_cmd(args: TimeCmdArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
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
    report::write(args.output.format, &doc, out)?;
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

/// `--ntp` as `time` takes it: there is no `--at` here to win over NTP.
pub(super) const NTP_HELP: &str = "The NTP servers to ask";
pub(super) const NTP_LONG_HELP: &str = "\
The NTP servers to ask

Repeatable or comma-separated. Ask several: a server that disagrees with the \
majority is outvoted.";

/// `--device-clock` as `time` takes it: nothing is judged, only compared.
pub(super) const DEVICE_CLOCK_LONG_HELP: &str = "\
The device's clock as IOS `show clock` prints it

E.g. \"*10:15:32.123 UTC Sat Nov 28 2026\": report how far it is off NTP time. \
Zone labels that are ambiguous need --device-tz.";
