//! `pkiaudit limbo` (hidden): run the x509-limbo conformance suite.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::exit;

#[derive(Debug, Args)]
pub struct LimboArgs {
    /// The suite, uncompressed (`xz -dk limbo.json.xz`), or '-' for stdin.
    pub suite: PathBuf,
    /// Where to write the LimboResult (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub(super) fn limbo(args: LimboArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
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
