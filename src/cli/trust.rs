//! `pkiaudit trust`: list trust anchors with their CERTREQ hashes.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::args::{audit_time, certreq, heading, system_roots, FormatArgs, PasswordArgs, TimeArgs};
use super::{exit, report_input_errors};
use crate::audit;
use crate::load;
use crate::report::{self};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # The anchors of a PKI with the hash an IKEv2 CERTREQ carries for each
  pkiaudit trust fixtures/pki/root-ca.pem fixtures/pki/issuing-ca.pem

  # Which of them a peer's CERTREQ asks for (hashes from a debug or a capture)
  pkiaudit trust --certreq f48313fdce675ef77fbdf60b7e0795041678a5dc \\
      fixtures/pki/root-ca.pem fixtures/pki/issuing-ca.pem

  # The operating system's roots, as JSON
  pkiaudit trust --system-trust --format json

Exit codes:
  0  every anchor file was read
  2  usage error, an anchor file could not be read (the others are still listed),
     or --system-trust found no roots";

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Trust anchor files, directories, or '-' for standard input.
    #[arg(required_unless_present = "system_trust", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// List the operating system's roots too.
    #[arg(long, help_heading = heading::TRUST)]
    pub system_trust: bool,
    /// Mark the anchors a peer's CERTREQ asks for (hex SHA-1 SPKI hashes).
    #[arg(long, value_name = "HEX[,HEX...]", help_heading = heading::TRUST)]
    pub certreq: Vec<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub time: TimeArgs,
    #[command(flatten)]
    pub output: FormatArgs,
}

pub(super) fn trust(args: TrustArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let time = audit_time(&args.time)?;
    let requested = certreq(&args.certreq)?;
    let mut load_opts = load::LoadOptions::default();
    args.password.apply(&mut load_opts)?;
    let inputs = load::load_paths_with(&args.files, &load_opts);
    report_input_errors(&inputs);
    let mut anchors: Vec<audit::chain::PoolCert> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in inputs.iter().flat_map(|i| i.certs.iter()) {
        if seen.insert(c.cert.sha256.clone()) {
            anchors.push(audit::chain::PoolCert {
                cert: crate::model::Certificate::clone(&c.cert),
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
    report::write(args.output.format, &doc, out)?;
    let errors = inputs.iter().any(|i| i.has_errors());
    Ok(if errors { exit::ERROR } else { exit::OK })
}
