use super::*;
use crate::report::test_rows::{bad_input, cert, report};

#[test]
fn text_escapes_terminal_controls() {
    let r = report(
        vec![cert("CN=evil\u{1b}[2J\u{202e}x", State::Critical, -2)],
        vec![bad_input()],
    );
    let mut buf = Vec::new();
    write_sweep(&mut buf, &r).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.contains("CN=evil\\u{1b}[2J\\u{202e}x"), "{text}");
    assert!(text.contains("validity.expired: expired really"), "{text}");
    assert!(
        text.contains("/etc/pki/bad|file.pem: line 3: bad base64"),
        "{text}"
    );
    assert!(text.contains("expired 2 days ago"), "{text}");
}

#[test]
fn an_input_error_names_its_file_once() {
    let mut input = bad_input();
    input.errors = vec![format!("{}:3: error: bad base64", input.file)];
    let r = report(Vec::new(), vec![input]);
    let mut buf = Vec::new();
    write_sweep(&mut buf, &r).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("bad base64"))
        .expect("the error is listed");
    assert_eq!(line.matches("file.pem").count(), 1, "{line}");
}
