//! The shape ARCHITECTURE.md describes, kept true by reading the source:
//!
//! - the top-level modules of `src/` form a pipeline, and none imports a
//!   module of a later stage (so no two import each other);
//! - only `revocation::transport` (HTTP, LDAP) and `time::ntp` (NTP) open
//!   network connections;
//! - only the CLI and `time::ntp` read the wall clock; everything else is
//!   given `now` (monotonic timers for deadlines and durations are not the
//!   clock an audit reads).
//!
//! Test modules (`#[cfg(test)] mod tests` at the end of a file, or in a
//! sibling `tests.rs`) may read the clock; they must still respect the stages.

use std::path::{Path, PathBuf};

/// The stages, earliest first. A module may import only modules listed
/// before it (and `testkit`, the tests' certificate builder).
const STAGES: &[&str] = &[
    "oids",
    "model",
    "time",
    "ike",
    "ios",
    "load",
    "assemble",
    "revocation",
    "audit",
    "sweep",
    "report",
    "conformance",
    "cli",
];

/// Where the library may open connections.
const NETWORK: &[&str] = &["src/revocation/transport/", "src/time/ntp/"];
const NETWORK_MARKERS: &[&str] = &[
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "ToSocketAddrs",
    "reqwest::",
    "ldap3::",
    "UnixStream",
];

/// Where the library may read the wall clock.
const CLOCK: &[&str] = &["src/cli/", "src/main.rs", "src/time/ntp/"];
const CLOCK_MARKERS: &[&str] = &[
    "Utc::now",
    "Local::now",
    "SystemTime::now",
    "UNIX_EPOCH.elapsed",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every source file, as (path relative to the crate, text without comment
/// lines).
fn files() -> Vec<(String, String)> {
    let mut paths = Vec::new();
    sources(&root().join("src"), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (rel, code.join("\n"))
        })
        .collect()
}

/// The code of a file that is not a test module (`#[cfg(test)] mod tests;`
/// kept in its own `tests.rs`).
fn non_test_code<'a>(rel: &str, code: &'a str) -> &'a str {
    if rel.ends_with("/tests.rs") {
        ""
    } else {
        without_tests(code)
    }
}

/// The code of a file before its test module.
fn without_tests(code: &str) -> &str {
    [
        "#[cfg(test)]\nmod tests",
        "#[cfg(test)]\npub(crate) mod tests",
    ]
    .iter()
    .filter_map(|m| code.find(m))
    .min()
    .map_or(code, |i| &code[..i])
}

/// The top-level module a file belongs to (`src/audit/path/mod.rs` is
/// `audit`); `None` for `lib.rs` and `main.rs`.
fn top_level(rel: &str) -> Option<&str> {
    let rest = rel.strip_prefix("src/")?;
    let first = rest.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then_some(name)
}

/// The top-level modules a file's code names with `crate::`.
fn imports(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        // `pkiaudit::crate::` does not occur; `$crate::` in macros would.
        let rest = &code[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

#[test]
fn every_top_level_module_has_a_stage() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(!declared.is_empty());
    for m in &declared {
        assert!(
            STAGES.contains(m),
            "src/lib.rs declares `{m}`, which has no place in STAGES (tests/it/architecture.rs) \
             and ARCHITECTURE.md"
        );
    }
    for s in STAGES {
        assert!(
            declared.contains(s),
            "STAGES names `{s}`, which src/lib.rs does not declare"
        );
    }
}

#[test]
fn no_module_imports_a_later_stage() {
    let mut bad = Vec::new();
    for (rel, code) in files() {
        let Some(module) = top_level(&rel) else {
            continue;
        };
        let Some(stage) = STAGES.iter().position(|s| *s == module) else {
            bad.push(format!("{rel}: module `{module}` has no stage"));
            continue;
        };
        for used in imports(&code) {
            if used == module || used == "testkit" {
                continue;
            }
            match STAGES.iter().position(|s| *s == used) {
                Some(u) if u < stage => {}
                Some(_) => bad.push(format!(
                    "{rel}: `{module}` uses crate::{used}, a later stage"
                )),
                None => bad.push(format!("{rel}: uses crate::{used}, which has no stage")),
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the pipeline runs one way:\n{}",
        bad.join("\n")
    );
}

fn allowed(rel: &str, places: &[&str]) -> bool {
    places.iter().any(|p| rel.starts_with(p))
}

#[test]
fn only_the_transport_and_ntp_touch_the_network() {
    let mut bad = Vec::new();
    for (rel, code) in files() {
        if allowed(&rel, NETWORK) {
            continue;
        }
        for m in NETWORK_MARKERS {
            if non_test_code(&rel, &code).contains(m) {
                bad.push(format!("{rel}: {m}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "network I/O outside revocation::transport and time::ntp:\n{}",
        bad.join("\n")
    );
}

#[test]
fn only_the_cli_and_ntp_read_the_clock() {
    let mut bad = Vec::new();
    for (rel, code) in files() {
        if allowed(&rel, CLOCK) {
            continue;
        }
        for m in CLOCK_MARKERS {
            if non_test_code(&rel, &code).contains(m) {
                bad.push(format!("{rel}: {m}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the wall clock read outside the CLI and time::ntp (pass `now` in):\n{}",
        bad.join("\n")
    );
}

#[test]
fn clap_lives_in_the_cli() {
    let mut bad = Vec::new();
    for (rel, code) in files() {
        if rel.starts_with("src/cli/") {
            continue;
        }
        for m in ["clap::", "ValueEnum", "#[arg(", "#[value(", "#[command("] {
            if code.contains(m) {
                bad.push(format!("{rel}: {m}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "library types derive clap traits (the CLI wraps them instead):\n{}",
        bad.join("\n")
    );
}

/// The checks above must be able to fail: they find what they look for.
#[test]
fn the_checks_see_what_they_look_for() {
    assert_eq!(
        imports("use crate::audit::path;\nlet x = crate::model::hex_lower(b);"),
        ["audit", "model"]
    );
    assert_eq!(top_level("src/audit/path/mod.rs"), Some("audit"));
    assert_eq!(top_level("src/oids.rs"), Some("oids"));
    assert_eq!(top_level("src/lib.rs"), None);
    let code = "fn a() { x }\n#[cfg(test)]\nmod tests {\n  Utc::now()\n}";
    assert!(!without_tests(code).contains("Utc::now"));
    // the source tree really has the markers where they are allowed
    let all = files();
    let ntp = all
        .iter()
        .find(|(r, _)| r == "src/time/ntp/mod.rs")
        .unwrap();
    assert!(ntp.1.contains("UdpSocket") && ntp.1.contains("Utc::now"));
}
