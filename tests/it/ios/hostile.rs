//! Hostile device output: the rendered text cut, mangled, flooded and
//! damaged at random. The binary must neither crash nor invent
//! certificates, must name the line of every error, and must still report
//! the intact certificates beside a broken one.

use super::*;

// ---------------------------------------------------------------------------
// Hostile input

/// One broken input: its bytes, how many certificates were rendered into
/// it, and which of them are intact (SHA-256 of full ones; the start line
/// of show entries).
struct Case {
    name: String,
    bytes: Vec<u8>,
    rendered: usize,
    intact_full: Vec<String>,
    intact_show_lines: Vec<usize>,
    /// When set, every record read must carry one of these serials or a
    /// prefix of one (a cut-off line), nothing else.
    serials: Vec<String>,
}

impl Case {
    fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>, rendered: usize) -> Case {
        Case {
            name: name.into(),
            bytes: bytes.into(),
            rendered,
            intact_full: Vec::new(),
            intact_show_lines: Vec::new(),
            serials: Vec::new(),
        }
    }
    fn intact(mut self, ders: &[&[u8]]) -> Case {
        self.intact_full = ders.iter().map(|d| sha256_hex(d)).collect();
        self
    }
    fn serials(mut self, serials: &[String]) -> Case {
        self.serials = serials.to_vec();
        self
    }
    fn intact_lines(mut self, lines: &[usize]) -> Case {
        self.intact_show_lines = lines.to_vec();
        self
    }
}

/// Run every case (several inputs per process when `batch`, each on its
/// own otherwise) and return every broken promise.
fn run_cases(cases: &[Case], batch: bool) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| write(dir.path(), &format!("case-{i:04}.txt"), &c.bytes))
        .collect();
    let mut bad = Vec::new();
    let groups: Vec<Vec<usize>> = if batch {
        (0..cases.len())
            .collect::<Vec<_>>()
            .chunks(64)
            .map(<[usize]>::to_vec)
            .collect()
    } else {
        (0..cases.len()).map(|i| vec![i]).collect()
    };
    for group in groups {
        let refs: Vec<&Path> = group.iter().map(|i| paths[*i].as_path()).collect();
        let out = inspect(&refs, &[]);
        for i in group {
            let case = &cases[i];
            let path = &paths[i];
            let input = input_of(&out.json, path);
            let found = input["certificates"].as_u64().unwrap_or(u64::MAX) as usize;
            // Seen with `--nocapture`: what each broken input gave.
            println!(
                "{}: exit {}, {found} certificates, problems {}",
                case.name,
                out.code,
                tail(&input["problems"].to_string())
            );
            if found > case.rendered {
                bad.push(format!(
                    "{}: {found} certificates from {} rendered",
                    case.name, case.rendered
                ));
            }
            let unlocated = unlocated_errors(input);
            if !unlocated.is_empty() {
                bad.push(format!(
                    "{}: errors without a line: {unlocated:?}",
                    case.name
                ));
            }
            let here = certs_in(&out.json, path);
            for sha in &case.intact_full {
                if !here.iter().any(|c| c["sha256"] == sha.as_str()) {
                    bad.push(format!(
                        "{}: intact certificate {} not reported; problems {}",
                        case.name,
                        &sha[..12],
                        input["problems"]
                    ));
                }
            }
            if !case.serials.is_empty() {
                for c in &here {
                    let serial = c["serial"].as_str().unwrap_or("");
                    if !case.serials.iter().any(|s| s.starts_with(serial)) {
                        bad.push(format!("{}: serial {serial} was never printed", case.name));
                    }
                }
            }
            for line in &case.intact_show_lines {
                if at_line(&out.json, path, *line).is_none() {
                    bad.push(format!(
                        "{}: intact entry at line {line} not reported; problems {}",
                        case.name, input["problems"]
                    ));
                }
            }
        }
    }
    bad
}

/// A small deterministic generator (xorshift), so the hostile inputs are
/// the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The running-config the hostile tests break: chain HUB-TP holds the RSA
/// leaf and the issuing CA, chain ROOT-TP the root.
fn hostile_config() -> (String, [&'static Made; 3]) {
    let leaf = by_label("rsa leaf");
    let ca = by_label("issuing ca");
    let root = by_label("root ca");
    let text = format!(
        "{}!\n{}!\nend\n",
        running_config_chain(
            "HUB-TP",
            &[("certificate", &leaf.der), ("certificate ca", &ca.der)]
        ),
        running_config_chain("ROOT-TP", &[("certificate ca", &root.der)]),
    );
    (text, [leaf, ca, root])
}

/// Replace the lines of the issuing CA's block (the middle certificate)
/// with what `f` makes of them; the header and quit line stay unless `f`
/// drops them.
fn break_middle(text: &str, f: impl Fn(Vec<String>) -> Vec<String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(" certificate ca "))
        .expect("ca header");
    let quit = start
        + lines[start..]
            .iter()
            .position(|l| l.trim() == "quit")
            .expect("quit");
    let block: Vec<String> = lines[start..=quit].iter().map(|s| s.to_string()).collect();
    let mut out: Vec<String> = lines[..start].iter().map(|s| s.to_string()).collect();
    out.extend(f(block));
    out.extend(lines[quit + 1..].iter().map(|s| s.to_string()));
    out.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn running_config_every_prefix_is_read_without_crash_or_invention() {
    let ec = by_label("ec leaf");
    let ca = by_label("p384 ca");
    let text = running_config_chain(
        "EC-TP",
        &[("certificate", &ec.der), ("certificate ca", &ca.der)],
    );
    // The first certificate is complete once its quit line is in.
    let first_done = text.find("quit\n").expect("quit") + "quit\n".len();
    let stride = (text.len() / 150).max(1);
    let mut cases = Vec::new();
    for cut in (0..=text.len())
        .step_by(stride)
        .chain([first_done, text.len()])
    {
        let case = Case::new(format!("prefix {cut}"), &text.as_bytes()[..cut], 2);
        cases.push(if cut >= first_done {
            case.intact(&[&ec.der])
        } else {
            case
        });
    }
    let bad = run_cases(&cases, true);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn running_config_broken_blocks_are_errors_on_their_line_and_the_rest_is_read() {
    let (text, [leaf, ca, root]) = hostile_config();
    let others: [&[u8]; 2] = [&leaf.der, &root.der];
    let mut cases = Vec::new();
    // An odd number of hex digits: one digit gone.
    cases.push(Case::new(
        "odd hex digit count",
        break_middle(&text, |mut b| {
            b[2].remove(5);
            b
        }),
        3,
    ));
    // Characters that are not hex: a letter O for a zero, a G, a '!'.
    for bad_char in ['O', 'G', '!', 'é'] {
        cases.push(Case::new(
            format!("non-hex {bad_char}"),
            break_middle(&text, |mut b| {
                let l = &b[3];
                b[3] = format!("{}{bad_char}{}", &l[..6], &l[7..]);
                b
            }),
            3,
        ));
    }
    // No quit: the next chain follows at once.
    cases.push(Case::new(
        "missing quit before the next chain",
        break_middle(&text, |mut b| {
            b.pop();
            b
        }),
        3,
    ));
    // Valid hex that is no certificate.
    cases.push(Case::new(
        "hex that is not DER",
        break_middle(&text, |b| {
            let mut out = vec![b[0].clone()];
            out.extend(chain_hex_lines(&[0xDE, 0xAD, 0xBE, 0xEF].repeat(40)));
            out.push(b[b.len() - 1].clone());
            out
        }),
        3,
    ));
    cases.push(Case::new(
        "DER cut short (last hex line gone)",
        break_middle(&text, |mut b| {
            b.remove(b.len() - 2);
            b
        }),
        3,
    ));
    cases.push(Case::new(
        "DER length says more than there is",
        break_middle(&text, |mut b| {
            b[1] = format!("  3083FFFF{}", &b[1][10..]);
            b
        }),
        3,
    ));
    cases.push(Case::new(
        "empty certificate block",
        break_middle(&text, |b| vec![b[0].clone(), b[b.len() - 1].clone()]),
        3,
    ));
    // NUL bytes inside the hex.
    cases.push(Case::new(
        "NUL bytes in the hex",
        break_middle(&text, |mut b| {
            b[4].insert_str(12, "\0\0");
            b
        }),
        3,
    ));
    // An extremely long hex line (over the 64 KiB certificate cap).
    cases.push(Case::new(
        "a 300,000-group hex line",
        break_middle(&text, |mut b| {
            b.insert(3, format!("  {}", "ABCDEF01 ".repeat(300_000)));
            b
        }),
        3,
    ));
    let mut cases: Vec<Case> = cases.into_iter().map(|c| c.intact(&others)).collect();

    // The leaf's quit missing: the CA's header cuts it off; CA and root are
    // still read.
    let leaf_quit = text.find(ios_render::CHAIN_QUIT).expect("quit");
    let mut no_leaf_quit = text.clone();
    no_leaf_quit.replace_range(leaf_quit..leaf_quit + ios_render::CHAIN_QUIT.len() + 1, "");
    cases.push(Case::new("leaf without quit", no_leaf_quit, 3).intact(&[&ca.der, &root.der]));

    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // Each broken block is an error naming a line of that block.
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(" certificate ca "))
        .expect("ca")
        + 1;
    let mut unlocated = Vec::new();
    for case in cases.iter().filter(|c| c.name != "leaf without quit") {
        let path = write(dir.path(), "one.txt", &case.bytes);
        let out = inspect(&[&path], &[]);
        let input = input_of(&out.json, &path);
        let errors: Vec<&Value> = problems(input)
            .iter()
            .filter(|p| p["level"] == "error")
            .collect();
        let near = errors.iter().any(|p| {
            p["line"]
                .as_u64()
                .is_some_and(|l| (start as u64..start as u64 + 16).contains(&l))
        });
        if errors.is_empty() || !near || out.code != 2 {
            unlocated.push(format!(
                "{}: exit {}, errors {errors:?}",
                case.name, out.code
            ));
        }
        if certs(&out.json).len() != 2 {
            unlocated.push(format!(
                "{}: {} certificates",
                case.name,
                certs(&out.json).len()
            ));
        }
    }
    assert!(unlocated.is_empty(), "{}", unlocated.join("\n"));
}

#[test]
fn running_config_harmless_mangling_still_gives_every_certificate() {
    let (text, [leaf, ca, root]) = hostile_config();
    let all: [&[u8]; 3] = [&leaf.der, &ca.der, &root.der];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = vec![Case::new("CRLF", text.replace('\n', "\r\n"), 3)];
    // Random indentation of the hex lines: blanks and TABs.
    let reindented: String = text
        .lines()
        .map(|l| {
            if l.starts_with("  ") && !l.contains("quit") {
                let pad: String = (0..1 + rng.below(6))
                    .map(|_| if rng.below(3) == 0 { '\t' } else { ' ' })
                    .collect();
                format!("{pad}{}\n", l.trim_start())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    cases.push(Case::new("random indentation of hex lines", reindented, 3));
    // Trailing blanks, as a terminal copy leaves them.
    cases.push(Case::new(
        "trailing blanks",
        text.lines()
            .map(|l| format!("{l}   \n"))
            .collect::<String>(),
        3,
    ));
    // Lower-case hex (ASA writes it so).
    cases.push(Case::new(
        "lower-case hex",
        text.lines()
            .map(|l| {
                if l.starts_with("  ") && !l.contains("quit") {
                    format!("{}\n", l.to_ascii_lowercase())
                } else {
                    format!("{l}\n")
                }
            })
            .collect::<String>(),
        3,
    ));
    // 10,000 empty chains in front.
    cases.push(Case::new(
        "10,000 repeated chain headers",
        format!(
            "{}{text}",
            "crypto pki certificate chain EMPTY\n".repeat(10_000)
        ),
        3,
    ));
    // A 1 MB line of noise between the chains.
    cases.push(Case::new(
        "a 1 MB noise line between chains",
        text.replacen("!\n", &format!("!{}\n!\n", "x".repeat(1 << 20)), 1),
        3,
    ));
    let cases: Vec<Case> = cases.into_iter().map(|c| c.intact(&all)).collect();
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn running_config_random_damage_never_crashes_or_invents() {
    let (text, _) = hostile_config();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut cases = Vec::new();
    let bytes = text.as_bytes();
    for i in 0..120 {
        let mut b = bytes.to_vec();
        match i % 6 {
            // NUL bytes anywhere.
            0 => {
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(b.len());
                    b.insert(at, 0);
                }
            }
            // A byte flipped.
            1 => {
                let at = rng.below(b.len());
                b[at] ^= 1 << rng.below(8);
            }
            // A line deleted.
            2 => {
                let lines: Vec<&[u8]> = bytes.split(|c| *c == b'\n').collect();
                let drop = rng.below(lines.len());
                b = lines
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != drop)
                    .flat_map(|(_, l)| l.iter().copied().chain([b'\n']))
                    .collect();
            }
            // A line doubled.
            3 => {
                let lines: Vec<&[u8]> = bytes.split(|c| *c == b'\n').collect();
                let dup = rng.below(lines.len());
                b = lines
                    .iter()
                    .enumerate()
                    .flat_map(|(j, l)| {
                        let n = if j == dup { 2 } else { 1 };
                        std::iter::repeat_n(*l, n)
                    })
                    .flat_map(|l| l.iter().copied().chain([b'\n']))
                    .collect();
            }
            // Random indentation of every line.
            4 => {
                b = text
                    .lines()
                    .flat_map(|l| {
                        let pad = " ".repeat(rng.below(5));
                        format!("{pad}{}\n", l.trim_start()).into_bytes()
                    })
                    .collect();
            }
            // A random span of bytes cut out.
            _ => {
                let at = rng.below(b.len());
                let len = 1 + rng.below(200);
                b.drain(at..(at + len).min(b.len()));
            }
        }
        cases.push(Case::new(
            format!("random damage {i} (kind {})", i % 6),
            b,
            3,
        ));
    }
    let bad = run_cases(&cases, true);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The show output the hostile tests break: verbose IOS-XE, the RSA leaf,
/// the issuing CA, the root.
fn hostile_show() -> (String, Vec<usize>) {
    let made = [
        by_label("rsa leaf"),
        by_label("issuing ca"),
        by_label("root ca"),
    ];
    show_output(Layout::IosVerbose, &made, None)
}

/// `show` text with the middle entry's lines passed through `f`, and the
/// lines the first and last entries start on afterwards.
fn break_middle_entry(
    text: &str,
    starts: &[usize],
    f: impl Fn(Vec<String>) -> Vec<String>,
) -> (String, [usize; 2]) {
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = (starts[1] - 1, starts[2] - 1);
    let mut out: Vec<String> = lines[..a].iter().map(|s| s.to_string()).collect();
    let middle = f(lines[a..b].iter().map(|s| s.to_string()).collect());
    let last = starts[2] + middle.len() - (b - a);
    out.extend(middle);
    out.extend(lines[b..].iter().map(|s| s.to_string()));
    (
        out.iter().map(|l| format!("{l}\n")).collect(),
        [starts[0], last],
    )
}

/// A case that breaks the middle entry of `text`; the other two entries
/// must still be read.
fn middle_entry_case(
    name: &str,
    text: &str,
    starts: &[usize],
    f: impl Fn(Vec<String>) -> Vec<String>,
) -> Case {
    let (bytes, intact) = break_middle_entry(text, starts, f);
    Case::new(name, bytes, 3).intact_lines(&intact)
}

#[test]
fn show_every_prefix_is_read_without_crash_or_invention() {
    let made = [by_label("ec leaf"), by_label("p384 ca")];
    let (text, starts) = show_output(Layout::IosVerbose, &made, Some(("CET", 3600)));
    let serials: Vec<String> = made
        .iter()
        .map(|m| ios_render::ios_serial(&facts(&m.der)))
        .collect();
    // The first entry is whole once the second one's header is in.
    let second: usize = text.lines().take(starts[1] - 1).map(|l| l.len() + 1).sum();
    let stride = (text.len() / 120).max(1);
    let cases: Vec<Case> = (0..=text.len())
        .step_by(stride)
        .chain([second, text.len()])
        .filter(|cut| text.is_char_boundary(*cut))
        .map(|cut| {
            let case =
                Case::new(format!("prefix {cut}"), &text.as_bytes()[..cut], 2).serials(&serials);
            if cut >= second {
                case.intact_lines(&starts[..1])
            } else {
                case
            }
        })
        .collect();
    // Show entries of the same certificate in different inputs merge, so
    // each prefix runs on its own.
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn show_broken_entries_are_reported_and_the_others_read() {
    let (text, starts) = hostile_show();
    let mut cases = Vec::new();
    cases.push(middle_entry_case(
        "entry without its serial",
        &text,
        &starts,
        |b| {
            b.into_iter()
                .filter(|l| !l.contains("Serial Number"))
                .collect()
        },
    ));
    cases.push(middle_entry_case(
        "entry with only its header and status",
        &text,
        &starts,
        |b| b[..2].to_vec(),
    ));
    cases.push(middle_entry_case(
        "entry without its subject",
        &text,
        &starts,
        |b| {
            let s = b
                .iter()
                .position(|l| l.starts_with("  Subject:"))
                .expect("subject");
            let mut out = b[..s].to_vec();
            out.extend(b[s + 3..].iter().cloned());
            out
        },
    ));
    cases.push(middle_entry_case(
        "dates that are not dates",
        &text,
        &starts,
        |b| {
            b.into_iter()
                .map(|l| {
                    if l.contains("end   date") {
                        "    end   date: 25:61:00 UTC Foo 32 2035".to_string()
                    } else if l.contains("start date") {
                        "    start date: yesterday".to_string()
                    } else {
                        l
                    }
                })
                .collect()
        },
    ));
    cases.push(middle_entry_case(
        "a key usage mask that is not hex",
        &text,
        &starts,
        |b| {
            b.into_iter()
                .map(|l| {
                    if l.contains("X509v3 Key Usage:") {
                        "    X509v3 Key Usage: ZZ00".to_string()
                    } else {
                        l
                    }
                })
                .collect()
        },
    ));
    cases.push(middle_entry_case(
        "NUL bytes in a name line",
        &text,
        &starts,
        |mut b| {
            let i = b.iter().position(|l| l.starts_with("    cn=")).expect("cn");
            b[i].insert_str(6, "\0\0\0");
            b
        },
    ));
    cases.push(middle_entry_case(
        "a 1 MB line inside the entry",
        &text,
        &starts,
        |mut b| {
            b.insert(4, format!("    {}", "x".repeat(1 << 20)));
            b
        },
    ));
    cases.push(middle_entry_case(
        "a 1 MB name value",
        &text,
        &starts,
        |mut b| {
            let i = b.iter().position(|l| l.starts_with("    cn=")).expect("cn");
            b[i] = format!("    cn={}", "A".repeat(1 << 20));
            b
        },
    ));
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // The entry without a serial is still reported, with a warning on its
    // header line saying the serial is missing.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "no-serial.txt", &cases[0].bytes);
    let out = inspect(&[&path], &[]);
    let input = input_of(&out.json, &path);
    assert!(
        problems(input).iter().any(|p| p["line"] == starts[1]
            && p["message"].as_str().is_some_and(|m| m.contains("serial"))),
        "{}",
        input["problems"]
    );
    // The header-only entry is one error on its line and no certificate.
    let path = write(dir.path(), "header-only.txt", &cases[1].bytes);
    let out = inspect(&[&path], &[]);
    let input = input_of(&out.json, &path);
    let errors: Vec<&Value> = problems(input)
        .iter()
        .filter(|p| p["level"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", input["problems"]);
    assert_eq!(errors[0]["line"], starts[1]);
    assert_eq!(certs(&out.json).len(), 2);
}

#[test]
fn show_harmless_mangling_reads_the_same_fields() {
    let (text, starts) = hostile_show();
    let dir = tempfile::tempdir().expect("tempdir");
    let clean_path = write(dir.path(), "clean.txt", &text);
    let clean = inspect(&[&clean_path], &[]).json;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let reindented: String = text
        .lines()
        .map(|l| {
            let pad: String = (0..rng.below(7))
                .map(|_| if rng.below(4) == 0 { '\t' } else { ' ' })
                .collect();
            format!("{pad}{}\n", l.trim_start())
        })
        .collect();
    let variants = [
        ("CRLF", text.replace('\n', "\r\n")),
        ("random indentation", reindented),
        (
            "trailing blanks",
            text.lines().map(|l| format!("{l}  \t\n")).collect(),
        ),
        ("no final newline", text.trim_end().to_string()),
    ];
    let fields = [
        "/serial",
        "/subject_ios",
        "/issuer_ios",
        "/not_before",
        "/not_after",
        "/key",
        "/signature_algorithm",
        "/key_usage",
        "/extended_key_usage",
        "/subject_alt_name",
        "/sha1",
        "/known",
        "/trustpoints",
        "/crl_distribution_points",
    ];
    let mut bad = Vec::new();
    for (name, variant) in variants {
        let path = write(dir.path(), &format!("{name}.txt"), &variant);
        let out = inspect(&[&path], &[]);
        let input = input_of(&out.json, &path);
        let noisy: Vec<&Value> = problems(input)
            .iter()
            .filter(|p| p["level"] != "note")
            .collect();
        if !noisy.is_empty() {
            bad.push(format!("{name}: problems {noisy:?}"));
        }
        for line in &starts {
            let (Some(a), Some(b)) = (
                at_line(&clean, &clean_path, *line),
                at_line(&out.json, &path, *line),
            ) else {
                bad.push(format!("{name}: no entry at line {line}"));
                continue;
            };
            bad.extend(diffs(&format!("{name} line {line}"), a, b, &fields));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn show_repeated_headers_and_floods_are_bounded() {
    let (text, starts) = hostile_show();
    let mut cases = Vec::new();
    // 10,000 bare headers before the real entries.
    let flood = "Certificate\n".repeat(10_000);
    let shift = 10_000;
    cases.push(
        Case::new("10,000 bare headers", format!("{flood}{text}"), 3)
            .intact_lines(&starts.iter().map(|l| l + shift).collect::<Vec<_>>()),
    );
    // 10,000 headers each with a status line (an entry with nothing else).
    let flood = "CA Certificate\n  Status: Available\n".repeat(10_000);
    cases.push(
        Case::new("10,000 header+status entries", format!("{flood}{text}"), 3)
            .intact_lines(&starts.iter().map(|l| l + 2 * shift).collect::<Vec<_>>()),
    );
    // 10,000 copies of one whole entry: each is a record of the same
    // certificate, so they are at most 10,000 + 3, and are merged.
    let one = show_entry(&by_label("root ca").der, CA, "ROOT-TP", false, None);
    cases.push(Case::new(
        "10,000 copies of one entry",
        format!("{text}{}", one.repeat(10_000)),
        10_003,
    ));
    // 10,000 Subject: labels inside one entry (far beyond an entry's size).
    cases.push(middle_entry_case(
        "an entry of 10,000 Subject: lines",
        &text,
        &starts,
        |mut b| {
            let extra = vec!["  Subject:".to_string(); 10_000];
            b.splice(3..3, extra);
            b
        },
    ));
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn show_random_damage_never_crashes_or_invents() {
    let (text, _) = hostile_show();
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    for i in 0..60 {
        let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(out.len());
            match rng.below(5) {
                0 => {
                    out.remove(at);
                }
                1 => {
                    let l = out[at].clone();
                    out.insert(at, l);
                }
                2 => {
                    let j = rng.below(out.len());
                    out.swap(at, j);
                }
                3 => {
                    let l = &mut out[at];
                    let cut = (0..=rng.below(l.len() + 1).min(l.len()))
                        .rev()
                        .find(|c| l.is_char_boundary(*c))
                        .unwrap_or(0);
                    l.truncate(cut);
                }
                _ => out[at].push('\0'),
            }
        }
        let bytes: String = out.iter().map(|l| format!("{l}\n")).collect();
        // A doubled header line is a new entry: the bound is the number of
        // entry headers in the damaged copy.
        let headers = bytes
            .lines()
            .filter(|l| matches!(l.trim(), "Certificate" | "CA Certificate"))
            .count();
        cases.push(Case::new(format!("random damage {i}"), bytes, headers));
    }
    let bad = run_cases(&cases, false);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
