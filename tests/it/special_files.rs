//! A named pipe, a socket or a device under a scanned directory is not a
//! certificate file: opening a FIFO nobody writes to blocks forever, so
//! `check` and `sweep` skip them with a note (nothing dropped silently) and
//! audit the certificates beside them.

use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::fixture;
use crate::common::run::offline;

/// Wait for `child` at most `limit`; a run that hangs is killed and fails.
fn finish(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        match child.try_wait().expect("wait") {
            Some(_) => return child.wait_with_output().expect("output"),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} still running after {limit:?}: it hangs");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
fn a_fifo_in_a_scanned_directory_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("headend/vpn-example-com.pem"),
        dir.path().join("vpn.pem"),
    )
    .unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    // a symbolic link to it is followed to what it is
    std::os::unix::fs::symlink(&fifo, dir.path().join("link.pem")).unwrap();
    let at = "2026-06-01T00:00:00Z";
    for (what, args) in [
        ("check", vec!["check", "--format", "json", "--at", at]),
        ("sweep", vec!["sweep", "--format", "json", "--at", at]),
    ] {
        let child = offline()
            .args(&args)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = finish(child, Duration::from_secs(60), what);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"));
        let text = json.to_string();
        // the certificate beside the pipe is audited
        assert!(text.contains("vpn.example.com"), "{what}: {text}");
        // the pipe and the link to it are named, not dropped
        assert!(text.contains("pipe"), "{what}: {text}");
        assert!(text.contains("link.pem"), "{what}: {text}");
        if what == "check" {
            assert!(
                text.contains("skipped: a named pipe (FIFO), not a regular file"),
                "{text}"
            );
        }
        // skipping is not an input error
        assert_ne!(out.status.code(), Some(2), "{what}: {text}");
    }
}

#[test]
fn a_sweep_never_opens_a_pipe_even_when_a_glob_names_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("headend/vpn-example-com.pem"),
        dir.path().join("vpn.pem"),
    )
    .unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.pem"))
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    let pattern = format!("{}/*.pem", dir.path().display());
    let child = offline()
        .args(["sweep", "--format", "json", "--at", "2026-06-01T00:00:00Z"])
        .arg(&pattern)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child, Duration::from_secs(60), "sweep of a glob");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("vpn.example.com"), "{text}");
    assert!(text.contains("pipe.pem"), "{text}");
    assert_ne!(out.status.code(), Some(2), "{text}");
}

fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
}

#[test]
fn a_pipe_named_explicitly_is_read_with_a_time_bound() {
    use pkiaudit::load::{load_file_with, LoadOptions, ProblemLevel};
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let opts = LoadOptions {
        special_timeout: Some(Duration::from_millis(700)),
        ..LoadOptions::default()
    };
    // Nobody writes: an error naming the pipe and the bound, not a hang.
    let start = Instant::now();
    let input = load_file_with(&fifo, &opts);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let errors: Vec<String> = input
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("pipe")
            && errors[0].contains("a named pipe (FIFO): nothing arrived within 0.7 seconds"),
        "{errors:?}"
    );
    // A writer that delivers (process substitution): read as any file.
    // (Another pipe: the reader left waiting on the first one would take
    // this writer.)
    let fifo = dir.path().join("pipe2");
    mkfifo(&fifo);
    let pem = std::fs::read(fixture("headend/vpn-example-com.pem")).unwrap();
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, pem));
    let input = load_file_with(&fifo, &LoadOptions::default());
    writer.join().unwrap().unwrap();
    assert!(!input.certs.is_empty(), "{:?}", input.problems);
    assert!(!input.has_errors(), "{:?}", input.problems);
}

#[test]
fn run_timeout_ends_a_run_that_is_stuck() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    // check reading a pipe nobody writes to: stopped at the limit, exit 2.
    let child = offline()
        .args(["check", "--run-timeout", "1.5"])
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let out = finish(child, Duration::from_secs(20), "check --run-timeout");
    assert!(
        start.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the run did not finish within --run-timeout 1.5 seconds; stopped"),
        "{err}"
    );
    // A sweep as a Nagios check whose trust store is that pipe: UNKNOWN
    // (3) with the reason on the status line.
    let child = offline()
        .args(["sweep", "--nagios", "--run-timeout", "1.5", "--trust"])
        .arg(&fifo)
        .arg(fixture("headend"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(
        child,
        Duration::from_secs(20),
        "sweep --nagios --run-timeout",
    );
    assert_eq!(out.status.code(), Some(3));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with(
            "PKIAUDIT UNKNOWN - the run did not finish within --run-timeout 1.5 seconds"
        ),
        "{line}"
    );
}
