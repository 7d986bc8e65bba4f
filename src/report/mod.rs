//! Reports: every command's output, one module per format, each writing to
//! `impl io::Write`, and one dispatcher ([`write()`]) from a [`Format`] and a
//! [`Document`] to the writer.
//!
//! - [`text`]: for people (every document);
//! - [`json`]: every document, one JSON document each;
//! - [`jsonl`], [`prometheus`], [`junit`]: sweep reports only;
//! - [`nagios`]: the monitoring-plugin line of a sweep (not a format: it goes
//!   beside one);
//! - [`atomic`]: replacing an output file atomically.
//!
//! `style` holds the terminal styles and `words` the wording and the
//! sanitising of untrusted text that several formats share.

pub mod atomic;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod nagios;
pub mod prometheus;
mod style;
pub mod text;
mod words;

#[cfg(test)]
mod test_rows;

use std::fmt;
use std::io::{self, Write};

use crate::audit::profile::Profile;
use crate::audit::{Finding, Options, Report, Subject};
use crate::load::LoadedInput;
use crate::sweep::rows::SweepReport;
use crate::time::AuditTime;

/// Output formats, one enum for every command; each command offers the
/// ones its documents support ([`Document::formats`]).
// clap lives in the CLI: `cli::args` has the `--format` enums of each
// command, which convert into this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// JSON Lines: one object per line.
    Jsonl,
    /// The Prometheus text exposition format, for a textfile collector.
    Prometheus,
    /// JUnit XML, for CI systems.
    Junit,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Prometheus => "prometheus",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a command writes.
pub enum Document<'a> {
    /// `check`: the audit report.
    Check(&'a Report),
    /// `inspect`: the certificates of the inputs, assembled.
    Inspect {
        inputs: &'a [LoadedInput],
        /// The `--trust` inputs (they name CERTREQ hashes).
        trust: &'a [LoadedInput],
        subjects: &'a [Subject],
        time: &'a AuditTime,
    },
    /// `trust`: the anchors and what a CERTREQ asks for.
    Trust {
        inputs: &'a [LoadedInput],
        listing: &'a TrustListing<'a>,
    },
    /// `time`: the clocks and the time findings.
    Time {
        options: &'a Options,
        findings: &'a [Finding],
    },
    /// `rules`: the rule catalogue, optionally of one profile.
    Rules { profile: Option<Profile> },
    /// `sweep`: a whole sweep.
    Sweep(&'a SweepReport),
}

impl Document<'_> {
    /// The command that writes it.
    pub fn command(&self) -> &'static str {
        match self {
            Document::Check(_) => "check",
            Document::Inspect { .. } => "inspect",
            Document::Trust { .. } => "trust",
            Document::Time { .. } => "time",
            Document::Rules { .. } => "rules",
            Document::Sweep(_) => "sweep",
        }
    }

    /// The formats it can be written in.
    pub fn formats(&self) -> &'static [Format] {
        match self {
            Document::Sweep(_) => &[
                Format::Text,
                Format::Json,
                Format::Jsonl,
                Format::Prometheus,
                Format::Junit,
            ],
            _ => &[Format::Text, Format::Json],
        }
    }
}

/// A format asked of a document that has no such output (e.g. Prometheus
/// for `check`). The CLI never asks: each command's `--format` offers only
/// what its document supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub format: Format,
    pub command: &'static str,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`pkiaudit {}` has no {} output",
            self.command, self.format
        )
    }
}

impl std::error::Error for Unsupported {}

impl From<Unsupported> for io::Error {
    fn from(e: Unsupported) -> Self {
        io::Error::new(io::ErrorKind::Unsupported, e)
    }
}

/// Writes `doc` in `format` to `out`. An [`Unsupported`] combination is an
/// [`io::ErrorKind::Unsupported`] error carrying it (written nothing), so
/// callers keep one error type and can still tell a closed pipe apart.
pub fn write(format: Format, doc: &Document<'_>, out: &mut dyn Write) -> io::Result<()> {
    match (format, doc) {
        (Format::Text, Document::Check(r)) => text::write_check(out, r),
        (Format::Json, Document::Check(r)) => json::write_check(out, r),
        (
            Format::Text,
            Document::Inspect {
                inputs,
                trust,
                subjects,
                time,
            },
        ) => text::write_inspect(out, inputs, trust, subjects, time),
        (
            Format::Json,
            Document::Inspect {
                inputs,
                trust,
                subjects,
                time,
            },
        ) => json::write_inspect(out, inputs, trust, subjects, time),
        (Format::Text, Document::Trust { inputs, listing }) => {
            text::write_trust(out, inputs, listing)
        }
        (Format::Json, Document::Trust { inputs, listing }) => {
            json::write_trust(out, inputs, listing)
        }
        (Format::Text, Document::Time { options, findings }) => {
            text::write_time(out, options, findings)
        }
        (Format::Json, Document::Time { options, findings }) => {
            json::write_time(out, options, findings)
        }
        (Format::Text, Document::Rules { profile }) => text::write_rules(out, *profile),
        (Format::Json, Document::Rules { profile }) => json::write_rules(out, *profile),
        (Format::Text, Document::Sweep(r)) => text::write_sweep(out, r),
        (Format::Json, Document::Sweep(r)) => json::write_sweep(out, r),
        (Format::Jsonl, Document::Sweep(r)) => jsonl::write_sweep(out, r),
        (Format::Prometheus, Document::Sweep(r)) => prometheus::write_sweep(out, r),
        (Format::Junit, Document::Sweep(r)) => junit::write_sweep(out, r),
        (format, doc) => Err(Unsupported {
            format,
            command: doc.command(),
        }
        .into()),
    }
}

/// What `pkiaudit trust` lists.
pub struct TrustListing<'a> {
    pub time: crate::time::AuditTime,
    pub anchors: &'a [crate::audit::chain::PoolCert],
    /// The CERTREQ hashes to match, lower-case hex.
    pub certreq: Option<&'a [String]>,
}

impl TrustListing<'_> {
    /// CERTREQ hashes that match no listed anchor.
    pub fn unknown_hashes(&self) -> Vec<&str> {
        self.certreq
            .unwrap_or(&[])
            .iter()
            .filter(|h| !self.anchors.iter().any(|a| &a.cert.spki_sha1 == *h))
            .map(String::as_str)
            .collect()
    }

    pub fn requested(&self, spki_sha1: &str) -> Option<bool> {
        self.certreq.map(|c| c.iter().any(|h| h == spki_sha1))
    }
}

/// Names for the SHA-1 SPKI hashes a CERTREQ carries: every certificate of
/// the run (trust anchors first) by the hash of its public key.
pub struct CaNames(std::collections::HashMap<String, String>);

impl CaNames {
    /// `groups` in order of preference (e.g. `--trust` before the inputs).
    pub fn new(groups: &[&[crate::load::LoadedInput]]) -> Self {
        let mut map = std::collections::HashMap::new();
        for group in groups {
            for c in group.iter().flat_map(|i| i.certs.iter()) {
                map.entry(c.cert.spki_sha1.clone())
                    .or_insert_with(|| c.cert.subject.text.clone());
            }
        }
        CaNames(map)
    }

    pub fn name(&self, spki_sha1: &str) -> Option<&str> {
        self.0.get(spki_sha1).map(String::as_str)
    }

    /// "Example VPN Root CA (sha1 spki f483…), 2 unknown hashes".
    pub fn describe(&self, hashes: &[String]) -> String {
        if hashes.is_empty() {
            return "any CA (empty CERTREQ)".into();
        }
        let mut parts: Vec<String> = hashes
            .iter()
            .filter_map(|h| self.name(h).map(|n| format!("{n} (sha1 spki {h})")))
            .collect();
        let unknown = hashes.iter().filter(|h| self.name(h).is_none()).count();
        if unknown > 0 {
            parts.push(format!(
                "{unknown} unknown hash{}",
                if unknown == 1 { "" } else { "es" }
            ));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_rows::{cert, report};
    use crate::sweep::rows::State;

    const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Prometheus,
        Format::Junit,
    ];

    #[test]
    fn every_format_writes_a_sweep() {
        let r = report(vec![cert("CN=a", State::Warning, 20)], vec![]);
        let doc = Document::Sweep(&r);
        assert_eq!(doc.formats(), ALL);
        for format in ALL {
            let mut buf = Vec::new();
            write(format, &doc, &mut buf).unwrap();
            assert!(!buf.is_empty(), "{format}");
        }
    }

    #[test]
    fn an_unsupported_format_is_an_error_in_words_and_writes_nothing() {
        let doc = Document::Rules { profile: None };
        for format in [Format::Jsonl, Format::Prometheus, Format::Junit] {
            assert!(!doc.formats().contains(&format));
            let mut buf = Vec::new();
            let err = write(format, &doc, &mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::Unsupported);
            assert_eq!(
                err.to_string(),
                format!("`pkiaudit rules` has no {format} output")
            );
            let inner = err.get_ref().and_then(|e| e.downcast_ref::<Unsupported>());
            assert_eq!(
                inner,
                Some(&Unsupported {
                    format,
                    command: "rules"
                })
            );
            assert!(buf.is_empty());
        }
        for format in [Format::Text, Format::Json] {
            let mut buf = Vec::new();
            write(format, &doc, &mut buf).unwrap();
            assert!(!buf.is_empty(), "{format}");
        }
    }
}
