use super::*;

#[test]
fn certreq_parsing() {
    let a = "aa".repeat(20);
    let b = "0B".repeat(20);
    assert_eq!(
        parse_certreq(&format!("{a},{b}")).unwrap(),
        vec![a.clone(), b.to_lowercase()]
    );
    assert_eq!(parse_certreq(&format!("{a}{b}")).unwrap().len(), 2);
    let colons = a
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(parse_certreq(&colons).unwrap(), vec![a.clone()]);
    assert!(parse_certreq("abc").is_err());
    assert!(parse_certreq(&"zz".repeat(20)).is_err());
}
