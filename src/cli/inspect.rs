//! `pkiaudit inspect`: show what is in certificates.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::args::{audit_time, heading, FormatArgs, ReadArgs, TimeArgs};
use super::{exit, report_input_errors};
use crate::load;
use crate::report::{self};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # A headend's bundle: each certificate, and how the chain fits together
  pkiaudit inspect fixtures/headend/rollout-bundle.pem

  # A paste of `show crypto pki certificates`, as JSON
  pkiaudit inspect --format json fixtures/ios/show-crypto-pki-certificates-ios.txt

  # The certificates inside an IKEv2 capture, decrypted with strongSwan's keys
  pkiaudit inspect --ike-keys fixtures/ike/ikev2-rsa.keys fixtures/ike/ikev2-rsa.pcapng

Exit codes:
  0  every input (and --trust file) was read
  2  usage error, or an input could not be read (everything readable is still shown)";

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Certificate files, directories, or '-' for standard input
    ///
    /// Formats are sniffed from content: PEM (many blocks, text around them),
    /// DER, PKCS#7 .p7b/.p7c (DER or PEM), PKCS#12 .pfx/.p12, bare base64,
    /// pastes of IOS `show` output, IKE captures.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// CA certificates to name the hashes of IKE CERTREQ payloads with.
    #[arg(long, value_name = "PATH", help_heading = heading::TRUST)]
    pub trust: Vec<PathBuf>,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub output: FormatArgs,
}

pub(super) fn inspect(args: InspectArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
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
    report::write(args.output.format, &doc, out)?;
    Ok(if inputs.iter().chain(&trust).any(|i| i.has_errors()) {
        exit::ERROR
    } else {
        exit::OK
    })
}
