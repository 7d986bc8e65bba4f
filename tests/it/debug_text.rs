//! Users read words, never Rust `Debug` output: every fixture goes through
//! every command and format, error paths included, and the text users read
//! (standard output and standard error) must not look like `Debug`
//! formatting (`Context {`, `Some(`, `Tag(`, `Foo { field: … }`).

use std::path::{Path, PathBuf};

use crate::common::run::{offline, online};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `pkiaudit args` offline in the crate directory; standard output and
/// standard error together, as the user sees them.
fn run(args: &[&str]) -> String {
    let out = offline()
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run pkiaudit");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

/// Where `text` looks like Rust `Debug` output, the offending line.
fn debug_looking(text: &str) -> Option<String> {
    const MARKERS: &[&str] = &[
        "Context {",
        "Context(",
        "Some(",
        "Tag(",
        "Err(",
        "Ok(",
        "KeyPurposeId(",
        "UnexpectedTag",
        "[0x",
    ];
    for line in text.lines() {
        if let Some(m) = MARKERS.iter().find(|m| line.contains(*m)) {
            return Some(format!("{m}: {line}"));
        }
        // `Name { field: value` — a struct printed with {:?}.
        for (i, w) in line.match_indices(" { ") {
            let before = &line[..i];
            let word: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let after = &line[i + w.len()..];
            let field: String = after
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let upper = word.chars().last().is_some_and(|c| c.is_ascii_uppercase());
            if upper && !field.is_empty() && after[field.len()..].starts_with(": ") {
                return Some(format!("struct: {line}"));
            }
        }
    }
    None
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("md" | "sh" | "py" | "json")
            ) {
                out.push(
                    p.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_detector_finds_debug_text() {
    for bad in [
        "webpki: RequiredEkuNotFoundContext(RequiredEkuNotFoundContext { required: KeyPurposeId(..) })",
        "Der(UnexpectedTag { expected: Some(Tag(16)), actual: Tag(2) })",
        "error: Io { kind: NotFound, message: 2 }",
        "supported_algorithms: [0x0608]",
    ] {
        assert!(debug_looking(bad).is_some(), "{bad}");
    }
    for good in [
        "EKU is [clientAuth], without ipsecIKE",
        "[Keys generated: No; Certificate request(s): None]",
        "crypto pki trustpoint TP { enrollment terminal }",
        "the path { leaf → CA }",
    ] {
        assert_eq!(debug_looking(good), None, "{good}");
    }
}

#[test]
fn no_debug_text_reaches_users() {
    let at = "2026-06-01T00:00:00Z";
    let dirs = [
        "fixtures/bad",
        "fixtures/bundles",
        "fixtures/client",
        "fixtures/external",
        "fixtures/headend",
        "fixtures/ios",
        "fixtures/ike",
        "fixtures/keys",
        "fixtures/pki",
        "fixtures/signatures",
    ];
    let mut runs: Vec<Vec<String>> = Vec::new();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    for dir in dirs {
        let files = files_under(&root().join(dir));
        if files.is_empty() {
            continue;
        }
        for format in ["text", "json"] {
            for profile in ["ikev2", "anyconnect-server", "flexvpn-client"] {
                let mut args = s(&[
                    "check",
                    "--at",
                    at,
                    "--format",
                    format,
                    "--profile",
                    profile,
                    "--trust",
                    "fixtures/pki/root-ca.pem",
                    "--trust",
                    "fixtures/external/openssl-root-ca.pem",
                ]);
                args.extend(files.iter().cloned());
                runs.push(args);
            }
            let mut args = s(&["inspect", "--format", format]);
            args.extend(files.iter().cloned());
            runs.push(args);
            let mut args = s(&["trust", "--format", format]);
            args.extend(files.iter().cloned());
            runs.push(args);
        }
    }
    for format in ["text", "json", "jsonl", "prometheus", "junit"] {
        runs.push(s(&["sweep", "--at", at, "--format", format, "fixtures"]));
    }
    runs.push(s(&["sweep", "--at", at, "--nagios", "fixtures"]));
    runs.push(s(&["rules"]));
    runs.push(s(&["rules", "--format", "json"]));
    // error paths: what a user mistypes
    for bad in [
        &["check", "no-such-file.pem"][..],
        &["check", "--at", "yesterday", "fixtures/headend/expired.pem"],
        &[
            "check",
            "--device-tz",
            "CEST",
            "fixtures/headend/expired.pem",
        ],
        &[
            "check",
            "--fetch-timeout",
            "-1",
            "fixtures/headend/expired.pem",
        ],
        &["check", "--profile", "nope", "fixtures/headend/expired.pem"],
        &[
            "check",
            "--ike-keys",
            "fixtures/bad/random.bin",
            "fixtures/ike/ikev2-rsa.pcap",
        ],
        &[
            "check",
            "--trust",
            "fixtures/bad/random.bin",
            "fixtures/headend/expired.pem",
        ],
        &["sweep", "fixtures/bad/not-a-certificate.txt"],
        &["sweep", "--inventory", "fixtures/bad/random.bin"],
        &["time", "--server", "not a host"],
    ] {
        runs.push(s(bad));
    }
    let mut found = Vec::new();
    for args in &runs {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&refs);
        assert!(!out.is_empty(), "pkiaudit {} said nothing", args.join(" "));
        if let Some(line) = debug_looking(&out) {
            let shown: Vec<&str> = args.iter().take(8).map(String::as_str).collect();
            found.push(format!("pkiaudit {} …\n    {line}", shown.join(" ")));
        }
    }
    assert!(
        found.is_empty(),
        "Rust Debug text reaches users:\n{}",
        found.join("\n")
    );
}

/// A failed fetch names its URL once: the transport's words do not repeat
/// what the caller already says (reqwest puts the URL in its own errors).
#[test]
fn a_failed_fetch_names_the_url_once() {
    let out = online()
        .args([
            "check",
            "--revocation",
            "ocsp",
            "--ocsp-url",
            "http://127.0.0.1:1/ocsp",
            "--trust",
            "fixtures/pki/root-ca.pem",
            "--at",
            "2026-06-01T00:00:00Z",
            "fixtures/headend/rollout-bundle.pem",
        ])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("revocation status unknown"))
        .collect();
    assert!(!lines.is_empty(), "{text}");
    for line in lines {
        assert_eq!(
            line.matches("127.0.0.1:1/ocsp").count(),
            1,
            "the URL is named more than once: {line}"
        );
        assert!(line.contains("Connection refused"), "{line}");
    }
}
