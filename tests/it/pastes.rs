//! Certificates as users paste them (issue 18): quoted in a mail reply,
//! flattened to one line by a chat or mail client, wrapped at odd widths,
//! `\n`-escaped inside JSON or YAML. Each form must give the same audit as
//! the clean PEM it came from: the same certificates, verdicts and findings,
//! and no input error.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::fixture;
use crate::common::run::offline;

const FILES: [&str; 3] = [
    "headend/vpn-example-com.pem",
    "headend/rollout-bundle.pem",
    "client/alice.pem",
];

/// A certificate's audit: (sha256, verdict, finding rules).
type Audited = (String, String, BTreeSet<String>);

/// The audit of each certificate, and the input errors, of `check` on
/// `text`.
fn audit(name: &str, text: &str) -> (Vec<Audited>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = offline()
        .args(["check", "--format", "json", "--at", "2030-01-01", "--trust"])
        .arg(fixture("pki/root-ca.pem"))
        .arg(&path)
        .output()
        .unwrap();
    let j: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let certs = j["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["sha256"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
                c["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["rule"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let errors = j["inputs"][0]["problems"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter(|p| p["level"] == "error")
                .map(|p| format!("line {}: {}", p["line"], p["message"].as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    (certs, errors)
}

/// The PEM blocks of `pem` as (BEGIN line, base64 joined, END line).
fn blocks(pem: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in pem.lines().map(str::trim) {
        if line.starts_with("-----BEGIN ") {
            open = Some((line.to_string(), String::new()));
        } else if line.starts_with("-----END ") {
            if let Some((begin, body)) = open.take() {
                out.push((begin, body, line.to_string()));
            }
        } else if let Some((_, body)) = open.as_mut() {
            body.push_str(line);
        }
    }
    out
}

fn rewrap(body: &str, width: usize) -> Vec<String> {
    body.as_bytes()
        .chunks(width)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect()
}

/// Every mangled form of `pem`, by name.
fn mangled(pem: &str) -> Vec<(&'static str, String)> {
    let b = blocks(pem);
    let each = |f: &dyn Fn(&(String, String, String)) -> String| -> String {
        b.iter().map(f).collect::<Vec<_>>().join("\n")
    };
    let quote = |prefix: &str| {
        let quoted: String = pem.lines().map(|l| format!("{prefix}{l}\n")).collect();
        format!("On Mon, 7 Dec 2026, Alice wrote:\n{quoted}\nThanks,\nBob\n")
    };
    vec![
        ("quoted", quote("> ")),
        ("quoted-twice", quote(">> ")),
        ("quoted-spaced", quote("> > ")),
        (
            "one-line-spaces",
            each(&|(begin, body, end)| format!("{begin} {} {end}", rewrap(body, 64).join(" "))),
        ),
        (
            "one-line-joined",
            each(&|(begin, body, end)| format!("{begin}{body}{end}")),
        ),
        (
            "odd-width-17",
            each(&|(begin, body, end)| {
                format!("{begin}\n{}\n{end}\n", rewrap(body, 17).join("\n"))
            }),
        ),
        (
            "odd-width-76-crlf",
            each(&|(begin, body, end)| {
                format!("{begin}\r\n{}\r\n{end}\r\n", rewrap(body, 76).join("\r\n"))
            }),
        ),
        (
            "json-escaped",
            format!(
                "{{\"name\": \"vpn\", \"certificate\": \"{}\"}}\n",
                each(&|(begin, body, end)| format!(
                    "{begin}\\n{}\\n{end}\\n",
                    rewrap(body, 64).join("\\n")
                ))
                .replace('\n', "")
            ),
        ),
        (
            "yaml-escaped-crlf",
            format!(
                "tls:\n  cert: \"{}\"\n",
                each(&|(begin, body, end)| format!(
                    "{begin}\\r\\n{}\\r\\n{end}\\r\\n",
                    rewrap(body, 64).join("\\r\\n")
                ))
                .replace('\n', "")
            ),
        ),
        (
            "quoted-one-line",
            format!(
                "> {}\n",
                each(&|(begin, body, end)| format!("{begin} {body} {end}")).replace('\n', " ")
            ),
        ),
    ]
}

#[test]
fn every_mangled_paste_gives_the_audit_of_the_clean_pem() {
    for file in FILES {
        let pem = std::fs::read_to_string(fixture(file)).unwrap();
        let (clean, clean_errors) = audit("clean.pem", &pem);
        assert!(!clean.is_empty() && clean_errors.is_empty(), "{file}");
        for (form, text) in mangled(&pem) {
            let (got, errors) = audit(&format!("{form}.txt"), &text);
            assert!(errors.is_empty(), "{file} as {form}: {errors:?}\n{text}");
            assert_eq!(got, clean, "{file} as {form}:\n{text}");
        }
    }
}

#[test]
fn a_cut_paste_is_still_an_error_naming_its_line() {
    let pem = std::fs::read_to_string(fixture("headend/vpn-example-com.pem")).unwrap();
    let b = blocks(&pem);
    let (begin, body, end) = &b[0];
    // Flattened, and a chunk of the base64 lost on the way.
    let cut = format!("see below\n> {begin} {} {end}\n", &body[..body.len() / 2]);
    let (certs, errors) = audit("cut.txt", &cut);
    assert!(certs.is_empty(), "{certs:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    // The block is named at the paste's line (2), with why it failed.
    assert!(
        errors[0].starts_with("line 2: PEM block 'CERTIFICATE' could not be decoded")
            || errors[0].starts_with("line 2: not a valid X.509 certificate"),
        "{errors:?}"
    );
}
