//! The command line as a user meets it: help under headings with examples,
//! shell completions, manual pages, and that what the help lists is what
//! each command takes.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::run::offline;

use clap::CommandFactory;
use pkiaudit::cli::Cli;

fn pkiaudit(args: &[&str]) -> Output {
    offline()
        .env_remove("PKIAUDIT_NTP")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run pkiaudit")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The visible subcommands, as the help lists them.
fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect()
}

#[test]
fn every_command_is_listed() {
    let names = subcommands();
    for name in [
        "check",
        "inspect",
        "trust",
        "sweep",
        "rules",
        "time",
        "completions",
        "man",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
}

#[test]
fn completions_bash_names_every_subcommand() {
    let out = pkiaudit(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(script.contains("complete -F"), "{script}");
    for name in subcommands() {
        assert!(script.contains(&name), "bash completion lacks {name}");
    }
    assert!(script.contains("--profile") && script.contains("--fail-on"));
}

#[test]
fn completions_for_the_other_shells() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = pkiaudit(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains("pkiaudit"), "{shell}");
        assert!(script.contains("inspect"), "{shell}");
    }
}

#[test]
fn completions_for_an_unknown_shell_is_a_usage_error() {
    let out = pkiaudit(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
}

#[test]
fn bash_completion_really_loads() {
    let bash_found = Command::new("bash")
        .arg("-c")
        .arg("true")
        .output()
        .is_ok_and(|o| o.status.success());
    if !bash_found {
        eprintln!("no bash here: skipped");
        return;
    }
    let bin = crate::common::run::binary();
    let bin = bin.to_string_lossy();
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source <('{bin}' completions bash) && complete -p pkiaudit"
        ))
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert!(stdout(&out).contains("pkiaudit"));
}

#[test]
fn man_prints_the_main_page() {
    let out = pkiaudit(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.lines()
            .find(|l| !l.starts_with(".ie") && !l.starts_with(".el") && !l.starts_with(".\\\""))
            .is_some_and(|l| l.starts_with(".TH pkiaudit 1")),
        "{}",
        &page[..page.len().min(400)]
    );
    for name in subcommands() {
        assert!(page.contains(&name), "man page lacks {name}");
    }
    // The main page names the commands; an option of check is in check's
    // page, and --color (global) in this one.
    assert!(page.contains("color"), "{page}");
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("man1");
    let target_s = target.to_str().expect("UTF-8 path");
    let out = pkiaudit(&["man", "--dir", target_s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut expected = vec!["pkiaudit.1".to_string()];
    expected.extend(subcommands().iter().map(|n| format!("pkiaudit-{n}.1")));
    for name in &expected {
        let path = target.join(name);
        let page =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(page.contains(".TH"), "{name}");
        assert!(stdout(&out).contains(name), "{name} not listed");
    }
    let check = std::fs::read_to_string(target.join("pkiaudit-check.1")).expect("check page");
    assert!(check.contains("profile"), "check page lacks --profile");
    assert!(check.contains("Examples:"), "check page lacks its examples");
    // The hidden conformance runner gets no page.
    assert!(!target.join("pkiaudit-limbo.1").exists());
}

#[test]
fn man_dir_that_cannot_be_made_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let out = pkiaudit(&["man", "--dir", file.to_str().expect("UTF-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--dir"), "{}", stderr(&out));
}

#[test]
fn check_help_is_grouped_with_examples() {
    let long = stdout(&pkiaudit(&["check", "--help"]));
    for heading in [
        "Audit:",
        "Inputs:",
        "Trust:",
        "Time:",
        "Revocation:",
        "Output:",
        "Examples:",
        "Exit codes:",
    ] {
        assert!(
            long.contains(heading),
            "check --help lacks {heading}\n{long}"
        );
    }
    let short = stdout(&pkiaudit(&["check", "-h"]));
    assert!(short.contains("Examples:") && short.contains("Revocation:"));
    assert!(
        short.lines().count() < long.lines().count(),
        "-h ({}) should be shorter than --help ({})",
        short.lines().count(),
        long.lines().count()
    );
    // Scannable: one line per option in -h, none pushed onto a second line
    // (clap indents such help text by ten spaces).
    let listed = short.lines().filter(|l| l.starts_with("      --")).count();
    assert!(listed >= 30, "{listed} options in -h\n{short}");
    assert!(
        !short.lines().any(|l| l.starts_with("          ")),
        "{short}"
    );
}

#[test]
fn every_command_has_examples_and_exit_codes() {
    for name in subcommands() {
        let out = pkiaudit(&[&name, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let help = stdout(&out);
        assert!(help.contains("Examples:"), "{name} --help has no examples");
        assert!(
            help.contains("Exit codes:"),
            "{name} --help has no exit codes"
        );
        let examples = help
            .lines()
            .filter(|l| l.trim_start().starts_with("pkiaudit ") || l.contains("<(pkiaudit "))
            .count();
        assert!(examples >= 2, "{name}: {examples} examples");
    }
}

/// The examples in the help of commands that read files work on the
/// repository's fixtures: every fixture path they name exists.
#[test]
fn example_fixture_paths_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = stdout(&pkiaudit(&["--help"]));
    for name in subcommands() {
        all.push_str(&stdout(&pkiaudit(&[&name, "--help"])));
    }
    let mut seen = 0;
    for word in all.split_whitespace() {
        if let Some(path) = word.strip_prefix("fixtures/") {
            seen += 1;
            let p = root.join("fixtures").join(path);
            assert!(p.exists(), "{} named in help does not exist", p.display());
        }
    }
    assert!(seen > 5);
}

#[test]
fn every_option_has_help_and_only_mentions_its_own_flags() {
    let mut cli = Cli::command();
    cli.build();
    for cmd in cli.get_subcommands() {
        let name = cmd.get_name();
        let own: Vec<String> = cmd
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        let mut texts = Vec::new();
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(
                !help.trim().is_empty(),
                "{name}: {} has no help",
                arg.get_id()
            );
            texts.push(help);
            if let Some(long) = arg.get_long_help() {
                texts.push(long.to_string());
            }
        }
        for text in [cmd.get_after_help(), cmd.get_after_long_help()]
            .into_iter()
            .flatten()
        {
            // Examples may run other commands; the exit-code table may not
            // name a flag this command lacks.
            let codes = text.to_string();
            if let Some((_, table)) = codes.split_once("Exit codes:") {
                texts.push(table.to_string());
            }
        }
        for text in texts {
            for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                if word.starts_with("--") && word.len() > 2 && word != "--help" {
                    assert!(
                        own.iter().any(|o| o == word),
                        "{name}'s help mentions {word}, which {name} does not take:\n{text}"
                    );
                }
            }
        }
    }
}

/// What `--help` lists, each command accepts (parsed back from the help
/// text, not from clap's model, so a stale help text is caught too).
#[test]
fn every_listed_option_is_accepted() {
    for name in subcommands() {
        let help = stdout(&pkiaudit(&[&name, "--help"]));
        let options: Vec<&str> = help
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("--") || l.starts_with("-h,"))
            .filter_map(|l| {
                l.split(|c: char| c.is_whitespace() || c == ',')
                    .find(|w| w.starts_with("--"))
            })
            .map(|w| w.split(['=', '<']).next().unwrap_or(w))
            .collect();
        assert!(options.len() >= 2, "{name}: {options:?}");
        for opt in options {
            // `--help` after the option stops before it needs a value.
            let out = pkiaudit(&[&name, opt, "--help"]);
            let err = stderr(&out);
            assert!(
                !err.contains("unexpected argument"),
                "{name} lists {opt} but refuses it: {err}"
            );
        }
    }
}

#[test]
fn inspect_and_trust_exit_codes_do_not_mention_fail_on() {
    for name in ["inspect", "trust", "rules", "completions", "man"] {
        let help = stdout(&pkiaudit(&[name, "--help"]));
        assert!(!help.contains("--fail-on"), "{name}:\n{help}");
    }
}
