use super::lex::is_noise;
use super::*;

/// IOS-style hex: 8-digit groups, 8 groups a line, upper case.
pub(crate) fn ios_hex(der: &[u8], indent: &str) -> String {
    let hex: String = der.iter().map(|b| format!("{b:02X}")).collect();
    let groups: Vec<&str> = hex
        .as_bytes()
        .chunks(8)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    groups
        .chunks(8)
        .map(|line| format!("{indent}{}\n", line.join(" ")))
        .collect()
}

fn leaf_der() -> Vec<u8> {
    let ca = crate::testkit::Issued::root("Example CA");
    ca.issue(crate::testkit::CertSpec::leaf("spoke1")).der()
}

const HUB: &str = "\
hub#show running-config
Building configuration...

Current configuration : 9876 bytes
!
version 17.9
hostname hub
!
crypto pki trustpoint FLEX
 enrollment url http://10.0.0.1:80
 serial-number none
 subject-name cn=hub.example.com,o=Example
 revocation-check crl none
 rsakeypair FLEX-KEY 2048
 eku request server-auth client-auth
 password 7 0822455D0A16
 match certificate SPOKES allow expired-certificate skip revocation-check
!
crypto pki trustpool policy
 revocation-check none
 match certificate ALLOW_EXPIRED allow expired-certificate
!
crypto pki certificate map SPOKES 10
 subject-name co ou = spokes
 issuer-name eq cn = example ca
!
crypto pki certificate map SPOKES 20
 subject-name co cn = legacy
 expires-on lt 01 Jan 2030 00:00:00
!
crypto ikev2 profile FLEX-SPOKES
 match fvrf any
 match certificate SPOKES
 identity local dn
 authentication local rsa-sig
 authentication remote rsa-sig
 authentication remote pre-share key s3cr3t
 pki trustpoint FLEX
 keyring local KR
 dpd 10 2 on-demand
!
crypto ikev2 profile RA
 match identity remote fqdn domain example.com
 authentication remote eap query-identity
 authentication local rsa-sig
 pki trustpoint FLEX sign
!
interface Tunnel0
 ip address 10.1.1.1 255.255.255.0
!
end
";

#[test]
fn reads_a_realistic_running_config() {
    let cfg = parse(HUB);
    assert_eq!(cfg.problems, vec![], "no problems expected");
    assert!(looks_like_config(HUB));

    let tp = cfg.trustpoint("FLEX").expect("trustpoint");
    assert_eq!(tp.line, 9);
    assert_eq!(tp.enrollment, vec!["url http://10.0.0.1:80"]);
    assert_eq!(
        tp.revocation_check,
        vec![RevocationMethod::Crl, RevocationMethod::None]
    );
    assert_eq!(tp.rsakeypair.as_deref(), Some("FLEX-KEY"));
    assert_eq!(
        tp.subject_name.as_deref(),
        Some("cn=hub.example.com,o=Example")
    );
    assert_eq!(tp.eku_request, vec!["server-auth", "client-auth"]);
    let m = tp.match_certificate.first().expect("match certificate");
    assert_eq!(m.map, "SPOKES");
    assert!(m.allow_expired && m.skip_revocation_check && !m.skip_authorization_check);
    assert_eq!(m.line, 17);
    // The revocation password is kept only as redacted.
    assert!(tp.other.iter().any(|(l, _)| l == "password <redacted>"));
    assert!(!format!("{cfg:?}").contains("0822455D0A16"));

    let pool = cfg.trustpool_policy.as_ref().expect("trustpool");
    assert_eq!(pool.revocation_check, vec![RevocationMethod::None]);
    assert_eq!(pool.match_certificate.len(), 1);
    assert!(pool.match_certificate.iter().all(|m| m.allow_expired));

    let spokes = cfg.map_entries("SPOKES");
    assert_eq!(
        spokes.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![10, 20]
    );
    let r = spokes.first().and_then(|e| e.rules.first()).expect("rule");
    assert_eq!(
        (r.field, r.op, r.value.as_str(), r.line),
        (MapField::SubjectName, MapOp::Co, "ou = spokes", 24)
    );
    let exp = spokes
        .get(1)
        .and_then(|e| e.rules.get(1))
        .expect("date rule");
    assert_eq!(exp.field, MapField::ExpiresOn);
    assert_eq!(
        exp.date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2030-01-01T00:00:00+00:00")
    );

    let p = cfg.ikev2_profile("FLEX-SPOKES").expect("profile");
    assert_eq!(p.match_certificate, vec![("SPOKES".to_string(), 33)]);
    assert_eq!(p.other_matches, vec![("fvrf any".to_string(), 32)]);
    assert_eq!(p.identity_local.as_deref(), Some("dn"));
    assert_eq!(p.authentication_local, vec![AuthMethod::RsaSig]);
    assert_eq!(
        p.authentication_remote,
        vec![AuthMethod::RsaSig, AuthMethod::PreShare]
    );
    assert_eq!(
        p.pki_trustpoints,
        vec![PkiTrustpointRef {
            name: "FLEX".into(),
            usage: TrustpointUsage::Both,
            line: 38
        }]
    );
    assert!(!format!("{cfg:?}").contains("s3cr3t"));

    let ra = cfg.ikev2_profile("RA").expect("RA profile");
    assert_eq!(
        ra.match_identity,
        vec![("remote fqdn domain example.com".to_string(), 43)]
    );
    assert_eq!(ra.authentication_remote, vec![AuthMethod::Eap]);
    assert_eq!(
        ra.pki_trustpoints.first().map(|t| t.usage),
        Some(TrustpointUsage::Sign)
    );
    // `interface Tunnel0`'s `ip address` is nobody's subcommand.
    assert!(cfg.ikev2_profiles.iter().all(|p| p.other.len() <= 2));
    // The JSON report can carry it.
    assert!(serde_json::to_string(&cfg).is_ok());
}

#[test]
fn crlf_tabs_case_and_lost_indentation() {
    let text =
        "CRYPTO PKI TRUSTPOINT tp1\r\n\tRevocation-Check OCSP\r\nenrollment terminal pem  \r\n\
                crypto pki certificate map M 5\r\nsubject-name EQ cn=a\r\nhostname x\r\n\
                match certificate M\r\n";
    let cfg = parse(text);
    let tp = cfg.trustpoint("tp1").expect("trustpoint");
    assert_eq!(tp.revocation_check, vec![RevocationMethod::Ocsp]);
    assert_eq!(tp.enrollment, vec!["terminal pem"]);
    let e = cfg.map_entries("M");
    assert_eq!(e.first().map(|e| e.rules.len()), Some(1));
    // `hostname` ended the map; the stray `match` after it is top-level
    // junk, not a map field.
    assert_eq!(cfg.problems, vec![]);
    // Indented everything (an e-mail quote) still nests.
    let quoted = "  crypto ikev2 profile P\n    match certificate M\n  !\n";
    let cfg = parse(quoted);
    assert_eq!(
        cfg.ikev2_profile("P").map(|p| p.match_certificate.len()),
        Some(1)
    );
}

#[test]
fn sections_entered_again_are_merged() {
    let cfg = parse(
        "crypto pki certificate map M 10\n subject-name co a\n!\n\
         crypto pki trustpoint TP\n enrollment terminal\n!\n\
         crypto pki certificate map M 10\n issuer-name co b\n!\n\
         crypto pki trustpoint TP\n revocation-check none\n!\n\
         crypto pki certificate map M 5\n",
    );
    assert_eq!(cfg.certificate_maps.len(), 2);
    let m10 = cfg.map_entries("M");
    assert_eq!(
        m10.iter()
            .map(|e| (e.seq, e.line, e.rules.len()))
            .collect::<Vec<_>>(),
        vec![(5, 13, 0), (10, 1, 2)]
    );
    assert_eq!(cfg.trustpoints.len(), 1);
    let tp = cfg.trustpoint("TP").expect("TP");
    assert_eq!(tp.line, 4);
    assert_eq!(tp.enrollment, vec!["terminal"]);
    assert_eq!(tp.revocation_check, vec![RevocationMethod::None]);
}

#[test]
fn every_problem_names_its_line() {
    let text = "\
crypto pki trustpoint
crypto pki trustpoint TP
 revocation-check
 revocation-check crl maybe
 match certificate
 match certificate M allow expired
 match certificate M skip everything
 rsakeypair
 enrollment
crypto pki certificate map
crypto pki certificate map M
crypto pki certificate map M zero
crypto pki certificate map M 70000
crypto pki certificate map M 10 extra
 subject-name
 subject-name xx foo
 subject-name lt foo
 expires-on co 2030
 expires-on lt 32 Jan 2030
 issuer-name eq
 subjectname eq foo
 subject-name attr
crypto ikev2 profile
crypto ikev2 profile P
 match
 match certificate
 match certificate M N
 match identity
 match fvrf
 identity local
 authentication
 authentication remote
 pki trustpoint
 pki trustpoint TP both
crypto pki certificate chain
crypto pki certificate chain TP
 certificate
  3082
  quit
";
    let cfg = parse(text);
    let lines: Vec<usize> = cfg.problems.iter().map(|p| p.line).collect();
    let expected: Vec<usize> = vec![
        1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25, 26, 27,
        28, 29, 30, 31, 32, 33, 34, 35, 37,
    ];
    assert_eq!(lines, expected, "{:#?}", cfg.problems);
    // `match certificate M N` is still read (the map is M).
    assert_eq!(
        cfg.ikev2_profile("P").map(|p| p.match_certificate.clone()),
        Some(vec![("M".to_string(), 27)])
    );
    // The chain with the serial-less certificate has no certificate,
    // and its hex was not read as commands.
    assert_eq!(cfg.chain("TP").map(|c| c.certificates.len()), Some(0));
    // The map entry with the extra text still exists, without the bad rules.
    assert_eq!(
        cfg.map_entries("M").first().map(|e| (e.seq, e.rules.len())),
        Some((10, 0))
    );
}

#[test]
fn decodes_certificate_chains() {
    let der = leaf_der();
    let text = format!(
        "crypto pki certificate chain FLEX\n certificate 0A1B\n{}  \tquit\n certificate ca 01\n{}  quit\n",
        ios_hex(&der, "  "),
        ios_hex(&der, "  ").to_lowercase().replace(' ', "")
    );
    let cfg = parse(&text);
    assert_eq!(cfg.problems, vec![]);
    let chain = cfg.chain("FLEX").expect("chain");
    assert_eq!(chain.certificates.len(), 2);
    let first = chain.certificates.first().expect("first");
    assert_eq!(first.kind, ChainCertKind::Identity);
    assert_eq!(first.serial, "0A1B");
    assert_eq!(first.line, 2);
    assert_eq!(first.der.as_ref().ok(), Some(&der));
    let second = chain.certificates.get(1).expect("second");
    assert_eq!(second.kind, ChainCertKind::Ca);
    assert_eq!(second.der.as_ref().ok(), Some(&der));
    assert!(crate::model::Certificate::from_der(&der).is_ok());
    assert!(!looks_like_config("Certificate\n  Status: Available\n"));
}

#[test]
fn chain_block_errors() {
    let der = leaf_der();
    let hex = ios_hex(&der, "  ");
    // Odd digit count, on line 3.
    let odd = parse("crypto pki certificate chain T\n certificate 01\n  308\n  quit\n");
    let err = odd
        .chain("T")
        .and_then(|c| c.certificates.first())
        .and_then(|c| c.der.clone().err())
        .expect("odd error");
    assert!(err.contains("odd") && err.contains("line 3"), "{err}");
    // Non-hex character.
    let bad = parse("crypto pki certificate chain T\n certificate 01\n  3082\n  30zz\n  quit\n");
    let err = bad
        .chain("T")
        .and_then(|c| c.certificates.first())
        .and_then(|c| c.der.clone().err())
        .expect("non-hex error");
    assert!(err.contains("line 4") && err.contains("'z'"), "{err}");
    // Missing quit: cut off by `!` on line 4 (and the next section is read).
    let text = format!(
        "crypto pki certificate chain T\n certificate self-signed 01\n{hex}!\ncrypto pki trustpoint T\n"
    );
    let cut = parse(&text);
    let c = cut
        .chain("T")
        .and_then(|c| c.certificates.first())
        .expect("cert");
    assert_eq!(c.kind, ChainCertKind::SelfSigned);
    let err = c.der.clone().expect_err("missing quit");
    let bang = 3 + hex.lines().count();
    assert!(
        err.contains("quit") && err.contains(&format!("line {bang}")),
        "{err}"
    );
    assert!(cut.trustpoint("T").is_some());
    // Missing quit at end of input.
    let eof = parse(&format!(
        "crypto pki certificate chain T\n certificate 01\n{hex}"
    ));
    assert!(eof
        .chain("T")
        .and_then(|c| c.certificates.first())
        .is_some_and(|c| c
            .der
            .as_ref()
            .is_err_and(|e| e.contains("input ends inside"))));
    // Empty block.
    let empty = parse("crypto pki certificate chain T\n certificate ca rollover 02\n  quit\n");
    let c = empty
        .chain("T")
        .and_then(|c| c.certificates.first())
        .expect("cert");
    assert_eq!(c.kind, ChainCertKind::RolloverCa);
    assert!(c.der.as_ref().is_err_and(|e| e.contains("empty")));
    // Too big: capped, not stored.
    let big_line = "  ".to_string() + &"AB".repeat(1000) + "\n";
    let big = format!(
        "crypto pki certificate chain T\n certificate 01\n{}  quit\n",
        big_line.repeat(70)
    );
    let cfg = parse(&big);
    let c = cfg
        .chain("T")
        .and_then(|c| c.certificates.first())
        .expect("cert");
    assert!(
        c.der.as_ref().is_err_and(|e| e.contains("65536")),
        "{:?}",
        c.der
    );
    // A certificate kept in a file.
    let file = parse("crypto pki certificate chain T\n certificate ca 01 nvram:ca#01.cer\n!\n");
    assert!(file
        .chain("T")
        .and_then(|c| c.certificates.first())
        .is_some_and(|c| c.der.as_ref().is_err_and(|e| e.contains("nvram:"))));
}

#[test]
fn asa_syntax() {
    let der = leaf_der();
    let text = format!(
        "ciscoasa# show running-config\n: Saved\n\
         crypto ca trustpoint ASDM_TrustPoint0\n enrollment terminal\n keypair VPNKEY\n \
         revocation-check ocsp none\n crl configure\n\
         crypto ca certificate chain ASDM_TrustPoint0\n certificate ca 00e3\n{}  quit\n\
         crypto ca certificate map CERT_MAP 10\n subject-name attr cn co example.com\n \
         extended-key-usage co 1.3.6.1.5.5.7.3.2\n\
         tunnel-group CERT_VPN type remote-access\n",
        ios_hex(&der, "    ").to_lowercase()
    );
    assert!(looks_like_config(&text));
    let cfg = parse(&text);
    assert_eq!(cfg.problems, vec![]);
    let tp = cfg.trustpoint("ASDM_TrustPoint0").expect("tp");
    assert_eq!(tp.rsakeypair.as_deref(), Some("VPNKEY"));
    assert_eq!(
        tp.revocation_check,
        vec![RevocationMethod::Ocsp, RevocationMethod::None]
    );
    let c = cfg
        .chain("ASDM_TrustPoint0")
        .and_then(|c| c.certificates.first())
        .expect("cert");
    assert_eq!(c.der.as_ref().ok(), Some(&der));
    let rules = cfg
        .map_entries("CERT_MAP")
        .first()
        .map(|e| e.rules.clone())
        .unwrap_or_default();
    assert_eq!(rules.len(), 2);
    assert_eq!(
        rules.first().and_then(|r| r.attribute.as_deref()),
        Some("cn")
    );
    assert_eq!(
        rules.get(1).map(|r| r.field),
        Some(MapField::ExtendedKeyUsage)
    );
}

#[test]
fn hostile_input_does_not_panic() {
    let samples = [
        "",
        "\u{feff}crypto pki trustpoint",
        "crypto pki certificate chain X\n certificate\n",
        "crypto pki certificate map \u{0}\u{7f} 1\n subject-name eq \u{10ffff}",
        "crypto ikev2 profile é\n match certificate ñ\n authentication local \u{202e}",
        "#\n>\nrouter#\n\r\r\n\t\t\t\n",
        "crypto pki certificate chain X\n certificate 01\n  ÀÀ\n quit",
        "crypto pki certificate map M 1\n expires-on lt 99999999999 Jan 2030 99:99:99",
    ];
    for s in samples {
        let _ = parse(s);
        let _ = looks_like_config(s);
    }
    // Many problems are capped.
    let text = "crypto pki certificate map M 1\n".to_string() + &" bogus x\n".repeat(3000);
    let cfg = parse(&text);
    assert_eq!(cfg.problems.len(), MAX_PROBLEMS + 1);
    assert!(cfg
        .problems
        .last()
        .is_some_and(|p| p.message.contains("2000 more")));
}

#[test]
fn prompt_lines_are_not_commands() {
    for prompt in [
        "hub#show running-config",
        "hub# sh run | section crypto",
        "fw(config)# show run",
        "R1>",
    ] {
        assert!(is_noise(prompt), "{prompt}");
    }
    for line in [
        "description link#1",
        "crypto pki trustpoint TP",
        "banner motd #hi#",
    ] {
        assert!(!is_noise(line), "{line}");
    }
}
