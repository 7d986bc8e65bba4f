//! `pkiaudit rules`: the rule catalogue.

use std::io::Write;

use clap::Args;

use super::args::{heading, lib_enum, CliProfile, FormatArgs};
use super::exit;
use crate::audit::profile::Profile;
use crate::report::{self};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # Every rule, with its id, severity and citation
  pkiaudit rules

  # The rules AnyConnect applies to a headend certificate, as JSON
  pkiaudit rules --profile anyconnect-server --format json

Exit codes:
  0  the catalogue was written
  2  usage error";

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only the rules of this profile.
    #[arg(
        long,
        value_parser = lib_enum::<CliProfile, Profile>(),
        help_heading = heading::AUDIT
    )]
    pub profile: Option<Profile>,
    #[command(flatten)]
    pub output: FormatArgs,
}

pub(super) fn rules(args: RulesArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let doc = report::Document::Rules {
        profile: args.profile,
    };
    report::write(args.output.format, &doc, out)?;
    Ok(exit::OK)
}
