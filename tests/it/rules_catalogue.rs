//! The documentation checks itself.
//!
//! * `docs/rules.md` is generated from `pkiaudit rules --format json` (the
//!   registry as the binary reports it). This test renders it again and fails
//!   when the committed file differs, so a rule added, renamed or reworded
//!   without regenerating the catalogue fails `cargo test` (and CI).
//!   `PKIAUDIT_UPDATE_DOCS=1 cargo test --test it rules_catalogue` rewrites it.
//! * Every relative Markdown link in `README.md` and `docs/*.md` points at a
//!   file that exists (and, for a `#fragment` into a Markdown file, at a
//!   heading that exists), so moving a page cannot leave dead links behind.

use crate::common::run;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

const UPDATE_VAR: &str = "PKIAUDIT_UPDATE_DOCS";
const REGENERATE: &str = "PKIAUDIT_UPDATE_DOCS=1 cargo test --test it rules_catalogue";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules_json() -> Value {
    let out = run::command()
        .args(["rules", "--format", "json"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run pkiaudit rules");
    assert!(
        out.status.success(),
        "pkiaudit rules --format json failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pkiaudit rules --format json is JSON")
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("`{key}` is not an array in {v}"))
}

/// A table cell: one line, and a `|` must not end the cell.
fn cell(text: &str) -> String {
    text.replace('\r', "")
        .replace('\n', " ")
        .replace('|', "\\|")
}

/// The family of a rule is the first part of its id (`chain` for
/// `chain.ca.expired`): its title and the page that explains it. A family
/// not listed here still gets a section, titled by its prefix alone.
fn family_info(prefix: &str) -> Option<(&'static str, &'static str)> {
    Some(match prefix {
        "ku" => (
            "Key Usage",
            "[profiles-and-rules.md](profiles-and-rules.md)",
        ),
        "eku" => (
            "Extended Key Usage",
            "[profiles-and-rules.md](profiles-and-rules.md)",
        ),
        "name" => (
            "Host names",
            "[name verification](profiles-and-rules.md#name-verification)",
        ),
        "chain" => (
            "Trust chains",
            "[chains.md](chains.md), [validation.md](validation.md)",
        ),
        "revocation" => ("Revocation", "[revocation.md](revocation.md)"),
        "validity" => ("Validity", "[time.md](time.md)"),
        "time" => ("Audit time", "[time.md](time.md)"),
        "key" => ("Keys", "[validation.md](validation.md#path-validation-61)"),
        "sig" => (
            "Signature algorithms",
            "[validation.md](validation.md#path-validation-61)",
        ),
        "ca" => ("CA certificates", "[chains.md](chains.md)"),
        "x509" => (
            "Certificate structure",
            "[inputs-pem-der-pkcs7.md](inputs-pem-der-pkcs7.md)",
        ),
        "record" => (
            "Partial records (`show` output)",
            "[inputs-cisco.md](inputs-cisco.md)",
        ),
        "config" => ("Cisco configuration", "[inputs-cisco.md](inputs-cisco.md)"),
        _ => return None,
    })
}

fn rule_profiles(rule: &Value) -> BTreeSet<&str> {
    array(rule, "profiles")
        .iter()
        .map(|p| p.as_str().expect("profile name"))
        .collect()
}

/// The sources of a rule as Markdown links; every citation has an address
/// (a citation without one is a document users cannot open).
fn citations(rule: &Value) -> String {
    array(rule, "citations")
        .iter()
        .map(|c| {
            let text = cell(str_field(c, "text"));
            format!("[{text}]({})", str_field(c, "url"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a finding of this severity matters: what it does to the verdict.
fn why(severity: &str) -> &'static str {
    match severity {
        "error" => {
            "a peer that follows the sources below rejects the certificate (or the \
             device fails the exchange): the verdict is FAIL, and `check` exits 1 \
             under the default `--fail-on error`."
        }
        "warning" => {
            "some peers or policies object, or it fails soon: the verdict is WARN \
             (exit 1 with `--fail-on warning`)."
        }
        _ => "for the record: it explains the audit and does not change the verdict.",
    }
}

/// The catalogue, from the JSON alone: families and rules in registry order
/// (the order `pkiaudit rules` prints), so the output depends on nothing but
/// the binary's answer.
fn render(doc: &Value) -> String {
    let profiles: Vec<(&str, &str)> = array(doc, "profiles")
        .iter()
        .map(|p| (str_field(p, "name"), str_field(p, "description")))
        .collect();
    let all_profiles: BTreeSet<&str> = profiles.iter().map(|(n, _)| *n).collect();
    let rules = array(doc, "rules");

    let mut out = String::new();
    out.push_str("# Rule catalogue\n\n");
    out.push_str(
        "<!-- Generated by tests/it/rules_catalogue.rs from `pkiaudit rules --format json`; \
         do not edit. Regenerate: PKIAUDIT_UPDATE_DOCS=1 cargo test --test it rules_catalogue -->\n\n",
    );
    let _ = write!(
        out,
        "Every rule pkiaudit applies: {} rules, {} profiles. This page is generated \
         from `pkiaudit rules --format json` by `tests/it/rules_catalogue.rs`; do not \
         edit it by hand. After adding, renaming or changing a rule, regenerate it \
         with\n\n```sh\n{REGENERATE}\n```\n\n`cargo test` fails while it is stale. \
         How profiles and rules work: [profiles-and-rules.md](profiles-and-rules.md); \
         what severities do to the exit code: [output.md](output.md).\n\n",
        rules.len(),
        profiles.len()
    );

    out.push_str("## Profiles\n\n");
    out.push_str(
        "`--profile` says which peer judges the certificate (default `ikev2`). \
         Rules listed for every profile are not repeated here.\n\n",
    );
    out.push_str("| profile | the peer it models | rules of its own |\n|---|---|---|\n");
    for (name, description) in &profiles {
        let own: Vec<String> = rules
            .iter()
            .filter(|r| {
                let ps = rule_profiles(r);
                ps.contains(name) && ps != all_profiles
            })
            .map(|r| format!("`{}`", str_field(r, "id")))
            .collect();
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} |",
            cell(description),
            if own.is_empty() {
                "none".to_string()
            } else {
                own.join(", ")
            }
        );
    }

    out.push_str("\n## Rules\n\n");
    out.push_str(
        "Severity: an `error` fails the certificate (exit 1 under the default \
         `--fail-on error`), a `warning` makes it WARN, `info` is for the record. \
         Scope: `end-entity` (the certificate a peer presents), `ca` (CA \
         certificates), `any` (every certificate), `config` (a running-config; \
         these findings carry its line), `run` (the run itself). Profiles: `all` \
         means every profile. Under each family's table every rule is explained: \
         why it matters, how to fix it (the `fix` that `check` prints under its \
         findings), and the public sources it follows, RFC sections and vendor \
         documents, each with a link.\n\n",
    );

    let mut families: Vec<&str> = Vec::new();
    for rule in rules {
        let family = str_field(rule, "id").split('.').next().unwrap_or("");
        if !families.contains(&family) {
            families.push(family);
        }
    }
    for family in families {
        let members: Vec<&Value> = rules
            .iter()
            .filter(|r| str_field(r, "id").split('.').next() == Some(family))
            .collect();
        let _ = write!(out, "### `{family}.*`");
        if let Some((title, see)) = family_info(family) {
            let _ = write!(out, ": {title}\n\nSee {see}.");
        }
        out.push_str("\n\n| rule | severity | scope | profiles | summary |\n");
        out.push_str("|---|---|---|---|---|\n");
        let profiles_of = |rule: &Value| {
            let ps = rule_profiles(rule);
            if ps == all_profiles {
                "all".to_string()
            } else {
                // in the order the binary lists them, not alphabetical
                array(rule, "profiles")
                    .iter()
                    .map(|p| format!("`{}`", p.as_str().expect("profile name")))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        for rule in &members {
            let id = str_field(rule, "id");
            let _ = writeln!(
                out,
                "| [`{id}`](#{}) | {} | {} | {} | {} |",
                slug(id),
                str_field(rule, "severity"),
                str_field(rule, "scope"),
                profiles_of(rule),
                cell(str_field(rule, "summary")),
            );
        }
        out.push('\n');
        // each rule explained: what it finds, why it matters, how to fix it
        for rule in &members {
            let severity = str_field(rule, "severity");
            let _ = write!(
                out,
                "#### `{}`\n\n{}\n\n\
                 - **Why it matters:** {severity}: {}\n\
                 - **Scope:** `{}`; **profiles:** {}\n\
                 - **Fix:** {}\n\
                 - **Sources:** {}\n\n",
                str_field(rule, "id"),
                cell(str_field(rule, "summary")),
                why(severity),
                str_field(rule, "scope"),
                profiles_of(rule),
                cell(str_field(rule, "fix")),
                citations(rule)
            );
        }
    }
    // one trailing newline, as editors save it
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[test]
fn rules_catalogue_is_current() {
    let path = repo().join("docs").join("rules.md");
    let want = render(&rules_json());
    if std::env::var_os(UPDATE_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        // write and rename, so `docs_links_resolve`, running beside this
        // test, never reads half a file
        let tmp = path.with_extension("md.tmp");
        std::fs::write(&tmp, &want).expect("write docs/rules.md.tmp");
        std::fs::rename(&tmp, &path).expect("rename to docs/rules.md");
        return;
    }
    // A checkout with CRLF line ends (git autocrlf) is not stale.
    let have = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\ngenerate it with `{REGENERATE}`",
                path.display()
            )
        })
        .replace("\r\n", "\n");
    if have != want {
        let first = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
        panic!(
            "docs/rules.md is stale: it differs from `pkiaudit rules --format json` \
             from line {} on\n  committed: {}\n  generated: {}\nrun `{REGENERATE}` \
             and commit docs/rules.md",
            first + 1,
            have.lines().nth(first).unwrap_or("(end of file)"),
            want.lines().nth(first).unwrap_or("(end of file)"),
        );
    }
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation
/// other than `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".to_string())
            } else if c == '-' || c == '_' {
                Some(c.to_string())
            } else {
                None
            }
        })
        .collect()
}

/// The lines of a Markdown file outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fence: Option<&str> = None;
    let mut lines = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        match fence {
            Some(f) if t.starts_with(f) => fence = None,
            Some(_) => {}
            None if t.starts_with("```") => fence = Some("```"),
            None if t.starts_with("~~~") => fence = Some("~~~"),
            None => lines.push(line),
        }
    }
    lines
}

/// The anchors of a Markdown file's headings (duplicates get `-1`, `-2`).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for line in prose_lines(text) {
        let t = line.trim_start();
        if !t.starts_with('#') {
            continue;
        }
        let title = t.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        // links in a heading count by their text
        let title = strip_links(title);
        let base = slug(&title.replace('`', ""));
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// `[text](target)` → `text`.
fn strip_links(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find("](") {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let before = &rest[..open];
        out.push_str(&before.replacen('[', "", 1));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Link targets in one line of prose: inline links `[text](target)` and
/// reference definitions `[label]: target`, outside inline code.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let t = line.trim_start();
    if t.starts_with('[') {
        if let Some(end) = t.find("]:") {
            if let Some(target) = t[end + 2..].split_whitespace().next() {
                targets.push(target.to_string());
            }
        }
    }
    // drop inline code spans so `a[i](x)` in code is not a link
    let mut prose = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i % 2 == 0 {
            prose.push_str(part);
        }
        prose.push(' ');
    }
    let mut rest = prose.as_str();
    while let Some(open) = rest.find("](") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(')') else {
            break;
        };
        let target = after[..close].trim();
        // `[text](<path with spaces> "title")`
        let target = target
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_start_matches('<')
            .trim_end_matches('>');
        targets.push(target.to_string());
        rest = &after[close..];
    }
    targets
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .expect("read docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

#[test]
fn docs_links_resolve() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).expect("read Markdown file");
        let dir = file.parent().unwrap_or(Path::new("."));
        let name = file
            .strip_prefix(repo())
            .unwrap_or(&file)
            .display()
            .to_string();
        for line in prose_lines(&text) {
            for target in link_targets(line) {
                if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (path, fragment) = match target.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (target.as_str(), None),
                };
                let resolved = if path.is_empty() {
                    file.clone()
                } else {
                    dir.join(path)
                };
                if !resolved.exists() {
                    broken.push(format!("{name}: {target} (no such file)"));
                    continue;
                }
                if let Some(fragment) = fragment {
                    if resolved.extension().is_some_and(|e| e == "md") {
                        let target_text =
                            std::fs::read_to_string(&resolved).expect("read link target");
                        if !anchors(&target_text).contains(fragment) {
                            broken.push(format!("{name}: {target} (no such heading)"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        checked > 0,
        "no relative links found: is the scanner broken?"
    );
    assert!(
        broken.is_empty(),
        "broken relative links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn link_scanner_reads_what_it_should() {
    assert_eq!(
        link_targets("see [a](docs/a.md), [b](b.md#x \"t\") and `[c](not-a-link)`"),
        ["docs/a.md", "b.md#x"]
    );
    assert_eq!(link_targets("[ref]: ../x.md"), ["../x.md"]);
    assert_eq!(slug("Revocation (§6.3)"), "revocation-63");
    assert_eq!(slug("`chain.*`: Trust chains"), "chain-trust-chains");
    assert!(anchors("# A\n```\n# not a heading\n```\n## A\n").contains("a-1"));
    assert!(!anchors("```\n# x\n```\n").contains("x"));
}
