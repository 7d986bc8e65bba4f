//! Run the `pkiaudit` binary and read its JSON, for the integration tests.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::process::Command;

use serde_json::Value;

/// What one `pkiaudit ... --format json` run gave.
pub struct Run {
    pub code: i32,
    pub json: Value,
    pub stderr: String,
}

/// The binary under test: this build's, or `PKIAUDIT_TEST_BIN` (to run a
/// suite against another build, e.g. to show which cases an older release
/// gets wrong).
pub fn binary() -> std::ffi::OsString {
    std::env::var_os("PKIAUDIT_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_pkiaudit").into())
}

/// An empty cache directory under the target directory, never the user's.
const NO_CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/no-cache");

/// `pkiaudit` with the environment left as it is, for tests that set what
/// they need themselves.
pub fn command() -> Command {
    Command::new(binary())
}

/// `pkiaudit` offline (`PKIAUDIT_OFFLINE=1`): fixture certificates name
/// distribution points on pki.example.com, and tests talk to nothing but
/// loopback. Its cache directory is [`NO_CACHE`].
pub fn offline() -> Command {
    let mut cmd = command();
    cmd.env("PKIAUDIT_OFFLINE", "1")
        .env("XDG_CACHE_HOME", NO_CACHE);
    cmd
}

/// [`offline`] with the network allowed, for tests whose servers run on
/// loopback.
pub fn online() -> Command {
    let mut cmd = command();
    cmd.env_remove("PKIAUDIT_OFFLINE")
        .env("XDG_CACHE_HOME", NO_CACHE);
    cmd
}

/// `pkiaudit` with the network allowed and no NTP server from the caller's
/// environment (`PKIAUDIT_NTP`), for tests of trusted time and of sweeps
/// (which pass `--ntp` and `--cache-dir` where they matter).
pub fn online_without_ntp() -> Command {
    let mut cmd = command();
    cmd.env_remove("PKIAUDIT_OFFLINE")
        .env_remove("PKIAUDIT_NTP");
    cmd
}

/// Run `pkiaudit` with `args` (which must ask for `--format json`), without
/// colour, and parse standard output. The run is offline
/// (`PKIAUDIT_OFFLINE=1`): fixture certificates name distribution points on
/// pki.example.com, and tests talk to nothing but loopback. Its cache
/// directory is an empty one under the target directory, never the user's.
pub fn pkiaudit_json<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_json(offline(), args)
}

/// [`pkiaudit_json`] with the network allowed, for tests whose servers run
/// on loopback.
pub fn pkiaudit_json_online<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_json(online(), args)
}

fn run_json<I, S>(mut cmd: Command, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    let out = cmd
        .args(["--color", "never"])
        .args(&args)
        .output()
        .expect("run pkiaudit");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "pkiaudit {args:?} did not write JSON ({e}); stdout:\n{}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    Run {
        code: out.status.code().expect("pkiaudit exited normally"),
        json,
        stderr,
    }
}

impl Run {
    /// What is wrong with the run as a whole: the exit code, the top-level
    /// verdict, and any input error (the fixture itself must read cleanly).
    pub fn run_level_problems(&self, what: &str, exit: i32, verdict: &str) -> Vec<String> {
        let mut bad = Vec::new();
        if self.code != exit {
            bad.push(format!(
                "{what}: exit {} (expected {exit}); stderr: {}",
                self.code, self.stderr
            ));
        }
        if self.json["verdict"] != verdict {
            bad.push(format!(
                "{what}: verdict {} (expected {verdict})",
                self.json["verdict"]
            ));
        }
        if self.json["summary"]["input_errors"] != 0 {
            bad.push(format!("{what}: input errors: {}", self.json["inputs"]));
        }
        bad
    }
}
