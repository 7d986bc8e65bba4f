//! Robustness of the loader against hostile input.
//!
//! * Seeded mutation tests: valid inputs made with the testkit (a PEM chain,
//!   a DER certificate, a DER and a PEM PKCS#7 bundle) are damaged a few
//!   thousand times each (bit flips, byte insertion and deletion, truncation,
//!   ASN.1 length corruption, duplicated and removed PEM lines, CRLF/LF
//!   mixing) with a tiny xorshift PRNG, and every result is checked: no
//!   panic, something is always reported, every problem says what it is,
//!   and the certificates of undamaged PEM blocks are still returned.
//! * Structural cases, one per kind of damage an operator meets.
//! * The input size limit of `load_reader`, and the memory the loader uses
//!   per input byte (measured with a counting allocator).
//! * (The fuzz corpus and every fuzz finding are replayed by
//!   `tests/it/fuzz_corpus.rs`.)

use crate::common::testkit;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashSet;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

use pkiaudit::load::{
    load_bytes, load_reader, Container, LoadedInput, ProblemLevel, MAX_INPUT_BYTES,
};
use testkit::{p7b, pem_block, CertSpec, Issued, Key};

// ---------------------------------------------------------------------------
// A counting allocator: bytes live and the peak, per thread, so that tests
// running in parallel do not see each other's allocations.

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now)
            }
        });
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Run `f` and return its result with the most heap bytes it held at once
/// (on this thread, above what was live when it started).
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    let peak = PEAK.with(Cell::get);
    (out, (peak - start).max(0) as usize)
}

// ---------------------------------------------------------------------------
// Test inputs.

struct Pki {
    /// leaf, issuing CA, root: DER.
    ders: Vec<Vec<u8>>,
    /// The three as one PEM file, leaf first.
    pem_chain: Vec<u8>,
    /// Byte span (start of BEGIN line .. end of END line, newline excluded)
    /// of each block of `pem_chain`.
    pem_spans: Vec<(usize, usize)>,
    p7b_der: Vec<u8>,
    p7b_pem: Vec<u8>,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        // Fixed RSA keys (PKCS#1 v1.5 signatures are deterministic), fixed
        // serials and dates: the same bytes on every run, so every mutation
        // below is reproducible from its round number.
        let root = Issued::self_signed(
            CertSpec::ca("Robustness Root CA")
                .key(Key::RsaCa)
                .serial(&[0x01]),
        );
        let ca = root.issue(
            CertSpec::ca("Robustness Issuing CA")
                .key(Key::Rsa)
                .serial(&[0x02]),
        );
        let leaf = ca.issue(
            CertSpec::leaf("vpn.example.com")
                .san_dns(&["vpn.example.com"])
                .key(Key::Rsa)
                .serial(&[0x03]),
        );
        let ders = vec![leaf.der(), ca.der(), root.der()];
        let mut pem_chain = Vec::new();
        let mut pem_spans = Vec::new();
        for der in &ders {
            let block = pem_block("CERTIFICATE", der);
            let start = pem_chain.len();
            pem_chain.extend_from_slice(block.as_bytes());
            let end = start + block.trim_end().len();
            pem_spans.push((start, end));
        }
        let p7b_der = p7b(&ders);
        let p7b_pem = pem_block("PKCS7", &p7b_der).into_bytes();
        Pki {
            ders,
            pem_chain,
            pem_spans,
            p7b_der,
            p7b_pem,
        }
    })
}

fn sha256(der: &[u8]) -> String {
    pkiaudit::model::Certificate::from_der(der)
        .expect("testkit certificate parses")
        .sha256
}

fn shas(input: &LoadedInput) -> HashSet<String> {
    input.certs.iter().map(|c| c.cert.sha256.clone()).collect()
}

/// 1-based line of the first line of `text` that contains `needle`, after
/// skipping `skip` such lines.
fn line_of(text: &str, needle: &str, skip: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(skip)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no line with {needle:?}"))
}

fn errors(input: &LoadedInput) -> Vec<&pkiaudit::load::InputProblem> {
    input
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .collect()
}

fn describe(input: &LoadedInput) -> String {
    let mut s = format!("{} certificate(s)", input.certs.len());
    for p in input.problems.iter().take(10) {
        let text: String = p.to_string().chars().take(300).collect();
        s.push_str(&format!("\n  {text}"));
    }
    if input.problems.len() > 10 {
        s.push_str(&format!("\n  ... {} problems in all", input.problems.len()));
    }
    s
}

// ---------------------------------------------------------------------------
// A tiny deterministic PRNG (xorshift64*), so no new dependency.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn in_range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo)
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

// ---------------------------------------------------------------------------
// Mutations.

/// Damage `data[lo..hi]` once (positions are chosen inside that span; the
/// span may grow or shrink). Returns a short description for failure
/// reports.
fn mutate_bytes(rng: &mut Rng, data: &mut Vec<u8>, lo: usize, hi: usize) -> String {
    let hi = hi.min(data.len());
    if hi <= lo {
        data.insert(lo.min(data.len()), rng.byte());
        return "insert at span start".into();
    }
    let pos = rng.in_range(lo, hi);
    match rng.below(8) {
        0 => {
            let bit = rng.below(8);
            data[pos] ^= 1 << bit;
            format!("flip bit {bit} at {pos}")
        }
        1 => {
            let b = rng.byte();
            data[pos] = b;
            format!("set {pos} to {b:#04x}")
        }
        2 => {
            let b = rng.byte();
            data.insert(pos, b);
            format!("insert {b:#04x} at {pos}")
        }
        3 => {
            data.remove(pos);
            format!("delete byte {pos}")
        }
        4 => {
            // A byte that matters to the parsers.
            const SPECIAL: &[u8] = b"\n\r \t-=:+/\x00\x30\x80\xff\x31\xa0\x02\x06";
            let b = SPECIAL[rng.below(SPECIAL.len())];
            if rng.chance(2) {
                data[pos] = b;
            } else {
                data.insert(pos, b);
            }
            format!("special byte {b:#04x} at {pos}")
        }
        5 => {
            let len = rng.in_range(1, (hi - pos).min(64) + 1);
            data.drain(pos..pos + len);
            format!("delete {len} bytes at {pos}")
        }
        6 => {
            let len = rng.in_range(1, (hi - pos).min(64) + 1);
            let copy = data[pos..pos + len].to_vec();
            let at = rng.in_range(lo, hi);
            data.splice(at..at, copy);
            format!("copy {len} bytes from {pos} to {at}")
        }
        _ => {
            let len = rng.in_range(1, 32);
            let b = rng.byte();
            data.splice(pos..pos, std::iter::repeat_n(b, len));
            format!("insert {len} x {b:#04x} at {pos}")
        }
    }
}

/// Start offsets of the lines of `text` (each line without its `\n`).
fn line_spans(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.iter().enumerate() {
        if *b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Duplicate, remove or swap whole lines inside `data[lo..hi]`.
fn mutate_lines(rng: &mut Rng, data: &mut Vec<u8>, lo: usize, hi: usize) -> String {
    let lines: Vec<(usize, usize)> = line_spans(data)
        .into_iter()
        .filter(|(s, e)| *s >= lo && *e <= hi)
        .collect();
    if lines.is_empty() {
        return mutate_bytes(rng, data, lo, hi);
    }
    let (s, e) = lines[rng.below(lines.len())];
    let with_nl = (e + 1).min(data.len());
    match rng.below(3) {
        0 => {
            let copy = data[s..with_nl].to_vec();
            data.splice(s..s, copy);
            format!("duplicate line at {s}")
        }
        1 => {
            data.drain(s..with_nl);
            format!("remove line at {s}")
        }
        _ => {
            let (s2, e2) = lines[rng.below(lines.len())];
            if s2 == s {
                data.drain(s..with_nl);
                return format!("remove line at {s}");
            }
            let (a, b) = if s < s2 {
                ((s, e), (s2, e2))
            } else {
                ((s2, e2), (s, e))
            };
            let first = data[a.0..a.1].to_vec();
            let second = data[b.0..b.1].to_vec();
            // Replace the later one first so the earlier offsets hold.
            data.splice(b.0..b.1, first);
            data.splice(a.0..a.1, second);
            format!("swap lines at {} and {}", a.0, b.0)
        }
    }
}

/// Offsets of the first length octet of every TLV header in `der`,
/// descending into constructed values.
fn length_offsets(der: &[u8]) -> Vec<usize> {
    fn walk(der: &[u8], base: usize, depth: usize, out: &mut Vec<usize>) {
        let mut i = 0;
        while i + 2 <= der.len() && depth < 32 {
            let tag = der[i];
            if tag & 0x1f == 0x1f {
                return;
            }
            let len_at = i + 1;
            let first = der[len_at];
            let (len, header) = if first < 0x80 {
                (first as usize, 2)
            } else {
                let n = (first & 0x7f) as usize;
                if n == 0 || n > 4 || len_at + 1 + n > der.len() {
                    return;
                }
                let mut len = 0usize;
                for b in &der[len_at + 1..len_at + 1 + n] {
                    len = (len << 8) | *b as usize;
                }
                (len, 2 + n)
            };
            out.push(base + len_at);
            let content = i + header;
            if content + len > der.len() {
                return;
            }
            if tag & 0x20 != 0 {
                walk(&der[content..content + len], base + content, depth + 1, out);
            }
            i = content + len;
        }
    }
    let mut out = Vec::new();
    walk(der, 0, 0, &mut out);
    out
}

/// Corrupt the length at `at` (an offset from [`length_offsets`]) in one of
/// several ways.
fn corrupt_length(der: &mut Vec<u8>, at: usize, how: usize) -> String {
    let old = der[at];
    match how {
        0 => der[at] = old.wrapping_add(1),
        1 => der[at] = old.wrapping_sub(1),
        2 => der[at] = 0x80, // indefinite
        3 => der[at] = 0xff, // reserved
        4 => der[at] = 0x00,
        5 => {
            // A huge definite length.
            der[at] = 0x84;
            der.splice(at + 1..at + 1, [0xff, 0xff, 0xff, 0xf0]);
        }
        6 => der[at] = 0x89, // more length octets than any parser takes
        _ => der[at] = old ^ 0x40,
    }
    format!("length at {at} ({old:#04x}) corrupted by way {how}")
}

// ---------------------------------------------------------------------------
// The checks every loaded input must pass.

const MUTANT: &str = "mutant.pem";

struct Checker {
    name: &'static str,
    failures: Vec<String>,
    runs: usize,
}

impl Checker {
    fn new(name: &'static str) -> Self {
        Checker {
            name,
            failures: Vec::new(),
            runs: 0,
        }
    }

    /// Load `bytes`; check that it did not panic, that something was
    /// reported and that every problem has a message. Returns the input
    /// when it loaded.
    fn load(&mut self, what: &str, bytes: &[u8]) -> Option<LoadedInput> {
        self.runs += 1;
        // Named as a certificate file: what is left of a damaged one must
        // be an error, not "text" (a bare `0` is both).
        let input = match catch_unwind(AssertUnwindSafe(|| load_bytes(MUTANT, bytes))) {
            Ok(input) => input,
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.fail(what, bytes, &format!("PANIC: {msg}"));
                return None;
            }
        };
        // `show` output yields partial records, which are reported too.
        if input.certs.is_empty() && input.partials.is_empty() && input.problems.is_empty() {
            self.fail(what, bytes, "neither a certificate nor a problem reported");
        }
        for p in &input.problems {
            if p.message.trim().is_empty() {
                self.fail(
                    what,
                    bytes,
                    &format!("problem with an empty message: {p:?}"),
                );
            }
            if p.file != MUTANT {
                self.fail(what, bytes, &format!("problem names another file: {p:?}"));
            }
        }
        for (i, c) in input.certs.iter().enumerate() {
            if c.provenance.index != i + 1 || c.provenance.file != MUTANT {
                self.fail(what, bytes, &format!("bad provenance {:?}", c.provenance));
            }
        }
        Some(input)
    }

    fn fail(&mut self, what: &str, bytes: &[u8], why: &str) {
        if self.failures.len() < 20 {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness-failures");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{}-{}.bin", self.name, self.failures.len()));
            let _ = std::fs::write(&file, bytes);
            self.failures
                .push(format!("{what}: {why} (input saved to {})", file.display()));
        }
    }

    fn finish(self) {
        eprintln!("{}: {} mutated inputs loaded", self.name, self.runs);
        assert!(
            self.failures.is_empty(),
            "{} of {} mutated inputs failed:\n{}",
            self.failures.len(),
            self.runs,
            self.failures.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------
// 1a. Mutation tests.

#[test]
fn mutation_inputs_are_the_same_bytes_every_run() {
    // If this fails, the testkit started to put randomness in certificates
    // (a key, a serial): the mutation tests would no longer be reproducible.
    let pki = pki();
    let again = Issued::self_signed(
        CertSpec::ca("Robustness Root CA")
            .key(Key::RsaCa)
            .serial(&[0x01]),
    );
    assert_eq!(again.der(), pki.ders[2]);
    assert_eq!(
        sha256(&pki.ders[2]),
        "a8a98b55c31a103389128bebf027c04291bcff67c23a166ec37b8fb86ef583a6",
        "the root certificate changed"
    );
}

#[test]
fn mutated_pem_chain_keeps_undamaged_blocks() {
    let pki = pki();
    let base = &pki.pem_chain;
    let want: Vec<String> = pki.ders.iter().map(|d| sha256(d)).collect();
    let mut check = Checker::new("pem-chain");

    // Sanity: the undamaged chain loads cleanly.
    let clean = check.load("original", base).expect("loads");
    assert_eq!(
        shas(&clean),
        want.iter().cloned().collect(),
        "{}",
        describe(&clean)
    );
    assert!(clean.problems.is_empty(), "{}", describe(&clean));

    // Damage confined to one block: the other blocks' certificates must
    // still be returned, and a lost certificate must be reported.
    let mut rng = Rng::new(0x5EED_0001);
    let mut markerless = 0;
    for round in 0..3000 {
        let k = rng.below(pki.pem_spans.len());
        let (lo, hi) = pki.pem_spans[k];
        let mut data = base.clone();
        let mut what = format!("round {round}, block {}:", k + 1);
        let steps = 1 + rng.below(3);
        let mut end = hi;
        for _ in 0..steps {
            let before = data.len();
            let step = if rng.chance(4) {
                mutate_lines(&mut rng, &mut data, lo, end)
            } else {
                mutate_bytes(&mut rng, &mut data, lo, end)
            };
            end = (end as isize + data.len() as isize - before as isize).max(lo as isize) as usize;
            what.push_str(&format!(" {step};"));
        }
        let Some(input) = check.load(&what, &data) else {
            continue;
        };
        let got = shas(&input);
        for (j, sha) in want.iter().enumerate() {
            if j != k && !got.contains(sha) {
                check.fail(
                    &what,
                    &data,
                    &format!("undamaged block {} lost: {}", j + 1, describe(&input)),
                );
            }
        }
        // One mutation cannot destroy both the BEGIN and the END line, so
        // a lost certificate must be reported. (Two can: a block left with
        // neither marker is only text between blocks, which PEM allows.)
        if input.certs.len() < want.len()
            && !input
                .problems
                .iter()
                .any(|p| p.level >= ProblemLevel::Warning)
        {
            if steps == 1 {
                check.fail(
                    &what,
                    &data,
                    &format!(
                        "a certificate was lost without a warning: {}",
                        describe(&input)
                    ),
                );
            } else {
                markerless += 1;
            }
        }
    }

    eprintln!("pem-chain: {markerless} multi-step mutants lost a block with both its markers");

    // ASN.1 length corruption inside one block, re-armoured so the PEM is
    // well formed and only the DER inside is damaged.
    for (k, der) in pki.ders.iter().enumerate() {
        let (lo, hi) = pki.pem_spans[k];
        for (n, at) in length_offsets(der).into_iter().enumerate() {
            for how in 0..8 {
                if (n + how) % 2 == 1 {
                    continue; // half of the combinations are plenty
                }
                let mut bad = der.clone();
                let what = format!("block {}: {}", k + 1, corrupt_length(&mut bad, at, how));
                let mut data = base[..lo].to_vec();
                data.extend_from_slice(pem_block("CERTIFICATE", &bad).trim_end().as_bytes());
                data.extend_from_slice(&base[hi..]);
                let Some(input) = check.load(&what, &data) else {
                    continue;
                };
                let got = shas(&input);
                for (j, sha) in want.iter().enumerate() {
                    if j != k && !got.contains(sha) {
                        check.fail(
                            &what,
                            &data,
                            &format!("undamaged block {} lost: {}", j + 1, describe(&input)),
                        );
                    }
                }
                if input.certs.len() < want.len()
                    && !input
                        .problems
                        .iter()
                        .any(|p| p.level >= ProblemLevel::Warning)
                {
                    check.fail(&what, &data, "damaged block lost without a warning");
                }
            }
        }
    }

    // Truncation at every byte: every block whose END line is complete is
    // still returned, and a cut inside a block is an error.
    for cut in 0..=base.len() {
        let data = &base[..cut];
        let what = format!("truncated to {cut} bytes");
        let Some(input) = check.load(&what, data) else {
            continue;
        };
        let got = shas(&input);
        for (j, (lo, hi)) in pki.pem_spans.iter().enumerate() {
            if *hi <= cut && !got.contains(&want[j]) {
                check.fail(&what, data, &format!("complete block {} lost", j + 1));
            }
            // Once the BEGIN line is whole, the block is open.
            let begin_line = lo + "-----BEGIN CERTIFICATE-----".len();
            if begin_line <= cut && cut < *hi && errors(&input).is_empty() {
                check.fail(
                    &what,
                    data,
                    &format!("block {} cut without an error", j + 1),
                );
            }
        }
    }

    // Line endings: any mix of LF, CRLF, trailing blanks and indentation is
    // still the same three certificates, with no problem.
    for round in 0..300 {
        let mut data = Vec::new();
        for line in base.split(|b| *b == b'\n') {
            if rng.chance(8) {
                data.extend_from_slice(b"  ");
            }
            data.extend_from_slice(line);
            if rng.chance(8) {
                data.extend_from_slice(b" \t");
            }
            match rng.below(3) {
                0 => data.extend_from_slice(b"\r\n"),
                1 if round % 2 == 0 => data.extend_from_slice(b"\r\r\n"),
                _ => data.push(b'\n'),
            }
        }
        let what = format!("line ending mix {round}");
        let Some(input) = check.load(&what, &data) else {
            continue;
        };
        if shas(&input) != want.iter().cloned().collect() || !input.problems.is_empty() {
            check.fail(&what, &data, &describe(&input));
        }
    }
    check.finish();
}

/// Random mutations, length corruption and every truncation of one input:
/// the general checks only.
fn mutate_everything(name: &'static str, base: &[u8], seed: u64, rounds: usize, der: bool) {
    let mut check = Checker::new(name);
    let clean = check.load("original", base).expect("loads");
    assert!(
        !clean.certs.is_empty() && errors(&clean).is_empty(),
        "{}",
        describe(&clean)
    );
    let mut rng = Rng::new(seed);
    for round in 0..rounds {
        let mut data = base.to_vec();
        let mut what = format!("round {round}:");
        for _ in 0..1 + rng.below(4) {
            let len = data.len();
            let step = if !der && rng.chance(4) {
                mutate_lines(&mut rng, &mut data, 0, len)
            } else {
                mutate_bytes(&mut rng, &mut data, 0, len)
            };
            what.push_str(&format!(" {step};"));
        }
        check.load(&what, &data);
    }
    if der {
        for (n, at) in length_offsets(base).into_iter().enumerate() {
            for how in 0..8 {
                if (n + how) % 2 == 1 {
                    continue;
                }
                let mut data = base.to_vec();
                let what = corrupt_length(&mut data, at, how);
                check.load(&what, &data);
            }
        }
    }
    // Every cut for small inputs; every 7th (odd and even offsets alike) for
    // bigger ones.
    let step = if base.len() <= 4096 { 1 } else { 7 };
    for cut in (0..base.len()).step_by(step) {
        let data = &base[..cut];
        let what = format!("truncated to {cut} bytes");
        if let Some(input) = check.load(&what, data) {
            // A cut certificate or bundle can never load cleanly. (A cut
            // PEM can, when only the END line's trailing newline is gone.)
            if der && errors(&input).is_empty() {
                check.fail(&what, data, &format!("no error: {}", describe(&input)));
            }
        }
    }
    check.finish();
}

#[test]
fn mutated_der_certificate() {
    mutate_everything("der-cert", &pki().ders[0], 0x5EED_0002, 3000, true);
}

#[test]
fn mutated_der_pkcs7() {
    mutate_everything("der-p7b", &pki().p7b_der, 0x5EED_0003, 3000, true);
}

#[test]
fn mutated_utf16_pem_chain() {
    // As Notepad saves "Unicode": UTF-16LE with a byte-order mark.
    let mut bytes = vec![0xff, 0xfe];
    for unit in String::from_utf8_lossy(&pki().pem_chain).encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    mutate_everything("utf16-pem", &bytes, 0x5EED_0005, 1000, false);
}

#[test]
fn mutated_pem_pkcs7() {
    let pki = pki();
    mutate_everything("pem-p7b", &pki.p7b_pem, 0x5EED_0004, 3000, false);
    // Length corruption inside the armoured bundle.
    let mut check = Checker::new("pem-p7b-lengths");
    for (n, at) in length_offsets(&pki.p7b_der).into_iter().enumerate() {
        for how in 0..8 {
            if (n + how) % 2 == 1 {
                continue;
            }
            let mut bad = pki.p7b_der.clone();
            let what = corrupt_length(&mut bad, at, how);
            check.load(&what, pem_block("PKCS7", &bad).as_bytes());
        }
    }
    check.finish();
}

// ---------------------------------------------------------------------------
// 1b. Structural cases.

fn load_str(text: &str) -> LoadedInput {
    load_bytes("case.pem", text.as_bytes())
}

fn pem(der: &[u8]) -> String {
    pem_block("CERTIFICATE", der)
}

#[test]
fn empty_input_is_an_error() {
    let input = load_bytes("empty.pem", b"");
    assert!(input.certs.is_empty());
    assert_eq!(input.problems.len(), 1, "{}", describe(&input));
    assert_eq!(input.problems[0].level, ProblemLevel::Error);
    assert_eq!(input.problems[0].file, "empty.pem");
    assert!(
        input.problems[0].message.contains("empty"),
        "{}",
        describe(&input)
    );
}

#[test]
fn white_space_only_is_an_error() {
    let input = load_bytes("blank.pem", b" \r\n\t\n   \n");
    assert!(input.certs.is_empty());
    assert_eq!(errors(&input).len(), 1, "{}", describe(&input));
    assert!(input.problems[0].message.contains("white space"));
}

#[test]
fn truncated_pem_without_end_is_an_error_at_its_begin_line() {
    let pki = pki();
    let first = pem(&pki.ders[0]);
    let second = pem(&pki.ders[1]);
    // Cut the second block half way through its base64.
    let cut = &second[..second.len() / 2];
    let text = format!("{first}{cut}");
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert_eq!(input.certs[0].cert.sha256, sha256(&pki.ders[0]));
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].line, Some(line_of(&text, "BEGIN", 1)));
    assert!(errs[0].message.contains("no END line"), "{}", errs[0]);
}

#[test]
fn begin_with_mismatched_end_is_an_error() {
    let pki = pki();
    let text = pem(&pki.ders[0]).replace("END CERTIFICATE", "END PKCS7") + &pem(&pki.ders[1]);
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert_eq!(input.certs[0].cert.sha256, sha256(&pki.ders[1]));
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].line, Some(1));
    assert!(
        errs[0].message.contains("mismatched END 'PKCS7'"),
        "{}",
        errs[0]
    );
    assert!(errs[0]
        .message
        .contains(&format!("line {}", line_of(&text, "END PKCS7", 0))));
}

/// Three certificates; in the middle block, the line `line_in_block`
/// (1-based, counting the BEGIN line as 1) is replaced by `f(line)`.
fn chain_with_middle_line(line_in_block: usize, f: impl Fn(&str) -> String) -> (String, usize) {
    let pki = pki();
    let middle: Vec<String> = pem(&pki.ders[1])
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line_in_block {
                f(l)
            } else {
                l.to_string()
            }
        })
        .collect();
    let text = format!(
        "{}{}\n{}",
        pem(&pki.ders[0]),
        middle.join("\n"),
        pem(&pki.ders[2])
    );
    let begin = line_of(&text, "BEGIN", 1);
    (text, begin)
}

#[test]
fn broken_base64_names_the_exact_line() {
    let pki = pki();
    let (text, begin) = chain_with_middle_line(4, |l| format!("{}*{}", &l[..10], &l[11..]));
    let bad_line = begin + 3;
    let input = load_str(&text);
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].line, Some(bad_line), "{}", errs[0]);
    assert_eq!(errs[0].file, "case.pem");
    assert!(errs[0].message.contains("'*' is not base64"), "{}", errs[0]);
    assert!(
        errs[0].message.contains(&format!("BEGIN at line {begin}")),
        "{}",
        errs[0]
    );
    // The blocks around it are read, with their own lines.
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    assert_eq!(input.certs[0].cert.sha256, sha256(&pki.ders[0]));
    assert_eq!(input.certs[1].cert.sha256, sha256(&pki.ders[2]));
    assert_eq!(input.certs[0].provenance.line, Some(1));
    assert_eq!(
        input.certs[1].provenance.line,
        Some(line_of(&text, "BEGIN", 2))
    );
    assert_eq!(input.certs[1].provenance.index, 2);
}

#[test]
fn middle_of_three_broken_keeps_first_and_third() {
    let pki = pki();
    // Valid base64, but the DER inside is not a certificate.
    let mut garbage = pki.ders[1].clone();
    for b in garbage.iter_mut().skip(4).take(40) {
        *b = 0x5a;
    }
    let text = format!(
        "{}{}{}",
        pem(&pki.ders[0]),
        pem(&garbage),
        pem(&pki.ders[2])
    );
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    assert_eq!(input.certs[0].cert.sha256, sha256(&pki.ders[0]));
    assert_eq!(input.certs[1].cert.sha256, sha256(&pki.ders[2]));
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].line, Some(line_of(&text, "BEGIN", 1)));
    assert!(
        errs[0].message.contains("not a valid X.509 certificate"),
        "{}",
        errs[0]
    );
    assert!(errs[0]
        .to_string()
        .starts_with(&format!("case.pem:{}: error:", line_of(&text, "BEGIN", 1))));

    // The same with a base64 length error (a character dropped).
    let (text, begin) = chain_with_middle_line(5, |l| l[1..].to_string());
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].line, Some(begin));
}

/// The offset of a certificate's SEQUENCE inside a bundle.
fn offset_in(bundle: &[u8], der: &[u8]) -> usize {
    bundle
        .windows(der.len())
        .position(|w| w == der)
        .expect("certificate inside the bundle")
}

/// The testkit's certificates in the order the bundle holds them (DER sorts
/// a SET OF), with their offsets.
fn bundle_order(pki: &Pki) -> Vec<(usize, &[u8])> {
    let mut v: Vec<(usize, &[u8])> = pki
        .ders
        .iter()
        .map(|d| (offset_in(&pki.p7b_der, d), d.as_slice()))
        .collect();
    v.sort();
    v
}

#[test]
fn pkcs7_with_second_certificate_corrupted_keeps_the_others() {
    let pki = pki();
    let order = bundle_order(pki);
    let mut bundle = pki.p7b_der.clone();
    let at = order[1].0;
    // Keep the certificate's SEQUENCE header, wreck what is inside.
    for b in &mut bundle[at + 4..at + 40] {
        *b = 0xee;
    }
    for (name, bytes) in [
        ("bundle.p7b", bundle.clone()),
        ("bundle.pem", pem_block("PKCS7", &bundle).into_bytes()),
    ] {
        let input = load_bytes(name, &bytes);
        assert_eq!(input.certs.len(), 2, "{name}: {}", describe(&input));
        assert_eq!(input.certs[0].cert.sha256, sha256(order[0].1));
        assert_eq!(input.certs[1].cert.sha256, sha256(order[2].1));
        assert_eq!(input.certs[0].provenance.bundle_index, Some(1));
        assert_eq!(input.certs[1].provenance.bundle_index, Some(3));
        let errs = errors(&input);
        assert_eq!(errs.len(), 1, "{name}: {}", describe(&input));
        assert_eq!(errs[0].bundle_index, Some(2), "{name}: {}", errs[0]);
        assert!(errs[0].to_string().contains("PKCS#7 item 2"), "{}", errs[0]);
    }
}

#[test]
fn pkcs7_with_second_certificate_length_corrupted_keeps_the_first() {
    let pki = pki();
    let order = bundle_order(pki);
    let mut bundle = pki.p7b_der.clone();
    let at = order[1].0;
    // `30 82 hi lo`: make the length run past the end of the SET.
    assert_eq!(&bundle[at..at + 2], &[0x30, 0x82]);
    bundle[at + 2] = 0x7f;
    let input = load_bytes("bundle.p7b", &bundle);
    assert!(!errors(&input).is_empty(), "{}", describe(&input));
    assert!(
        shas(&input).contains(&sha256(order[0].1)),
        "the first certificate, before the damage, was dropped: {}",
        describe(&input)
    );
}

#[test]
fn pkcs7_entry_with_a_wrong_universal_tag_is_an_error() {
    let pki = pki();
    let order = bundle_order(pki);
    let mut bundle = pki.p7b_der.clone();
    // One bit: SEQUENCE (0x30) becomes SET (0x31).
    bundle[order[1].0] = 0x31;
    let input = load_bytes("bundle.p7b", &bundle);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    let about_item_2: Vec<_> = input
        .problems
        .iter()
        .filter(|p| p.bundle_index == Some(2))
        .collect();
    assert_eq!(about_item_2.len(), 1, "{}", describe(&input));
    assert_eq!(
        about_item_2[0].level,
        ProblemLevel::Error,
        "a damaged certificate must fail the input: {}",
        about_item_2[0]
    );
}

#[test]
fn input_without_any_certificate_is_reported_by_kind_or_an_error() {
    // Keys, CRLs and CSRs are what they are (issue 17): named, not errors.
    let key = rcgen::KeyPair::generate().expect("key").serialize_pem();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("server.key", key.into_bytes(), "private-key"),
        (
            "revoked.crl",
            pem_block("X509 CRL", b"\x30\x03\x02\x01\x00").into_bytes(),
            "crl",
        ),
        (
            "request.csr",
            pem_block("CERTIFICATE REQUEST", b"\x30\x03\x02\x01\x00").into_bytes(),
            "csr",
        ),
    ];
    for (name, bytes, kind) in cases {
        let input = load_bytes(name, &bytes);
        assert!(input.certs.is_empty());
        assert!(!input.has_errors(), "{name}: {}", describe(&input));
        assert_eq!(input.kind(), kind, "{name}");
        assert_eq!(input.objects.len(), 1, "{name}");
    }
    // A bundle that promised certificates and holds none is still an error.
    let input = load_bytes("attribute-certs.p7b", &p7b(&[vec![0x80, 0x00]]));
    assert!(input.certs.is_empty());
    assert!(input.has_errors(), "{}", describe(&input));
}

#[test]
fn pkcs7_with_zero_certificates_is_an_error() {
    let empty = p7b(&[]);
    for (name, bytes) in [
        ("empty.p7b", empty.clone()),
        ("empty-p7b.pem", pem_block("PKCS7", &empty).into_bytes()),
    ] {
        let input = load_bytes(name, &bytes);
        assert!(input.certs.is_empty());
        let errs = errors(&input);
        assert_eq!(errs.len(), 1, "{name}: {}", describe(&input));
        assert!(
            errs[0].message.contains("holds no certificates"),
            "{}",
            errs[0]
        );
    }
}

#[test]
fn private_key_block_is_a_warning_and_not_read() {
    let pki = pki();
    let key = rcgen::KeyPair::generate().expect("key");
    let key_pem = key.serialize_pem();
    assert!(key_pem.contains("BEGIN PRIVATE KEY"));
    let text = format!("{}{key_pem}", pem(&pki.ders[0]));
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert_eq!(input.problems.len(), 1, "{}", describe(&input));
    let p = &input.problems[0];
    assert_eq!(p.level, ProblemLevel::Warning);
    assert_eq!(p.line, Some(line_of(&text, "BEGIN PRIVATE KEY", 0)));
    assert!(p.message.contains("private key"), "{p}");
    // Nothing of the key is echoed into the report.
    let body_line = key_pem.lines().nth(1).expect("key body");
    assert!(!p.message.contains(body_line));

    // A key alone: the warning names it, and it is recorded as a key, not
    // an input error (issue 17: key files sit beside certificates).
    for label in ["RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"] {
        let input = load_str(&pem_block(label, b"\x30\x03\x02\x01\x00"));
        assert!(input.certs.is_empty());
        assert_eq!(input.problems.len(), 1, "{label}: {}", describe(&input));
        assert_eq!(input.problems[0].level, ProblemLevel::Warning, "{label}");
        assert!(input.problems[0].message.contains("private key"));
        assert_eq!(input.kind(), "private-key");
        assert_eq!(input.private_keys().count(), 1);
    }
}

#[test]
fn crl_and_csr_blocks_are_notes() {
    let pki = pki();
    let text = format!(
        "{}{}{}",
        pem_block("X509 CRL", b"\x30\x03\x02\x01\x00"),
        pem(&pki.ders[0]),
        pem_block("CERTIFICATE REQUEST", b"\x30\x03\x02\x01\x00"),
    );
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert_eq!(input.problems.len(), 2, "{}", describe(&input));
    assert!(input.problems.iter().all(|p| p.level == ProblemLevel::Note));
    assert_eq!(input.problems[0].line, Some(1));
    assert!(input.problems[0].message.contains("CRL"));
    assert_eq!(
        input.problems[1].line,
        Some(line_of(&text, "BEGIN CERTIFICATE REQUEST", 0))
    );
    assert!(input.problems[1].message.contains("signing request"));
}

#[test]
fn trusted_certificate_block_is_read_with_its_aux_data() {
    let pki = pki();
    // OpenSSL's TRUSTED CERTIFICATE: the certificate, then X509_CERT_AUX.
    let mut trusted = pki.ders[2].clone();
    trusted.extend_from_slice(&[0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08]);
    trusted.extend_from_slice(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]);
    let input = load_str(&pem_block("TRUSTED CERTIFICATE", &trusted));
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert!(input.problems.is_empty(), "{}", describe(&input));
    let c = &input.certs[0];
    assert_eq!(c.cert.sha256, sha256(&pki.ders[2]));
    assert_eq!(
        c.cert.der, pki.ders[2],
        "the aux data is not part of the certificate"
    );
    assert_eq!(c.provenance.container, Container::Pem);
}

#[test]
fn der_certificate_with_trailing_garbage_is_a_warning() {
    let pki = pki();
    let mut der = pki.ders[0].clone();
    der.extend_from_slice(b"\x00\x01garbage");
    let input = load_bytes("leaf.der", &der);
    assert_eq!(input.format, Some("der"));
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert_eq!(input.certs[0].cert.der, pki.ders[0]);
    assert_eq!(input.problems.len(), 1, "{}", describe(&input));
    assert_eq!(input.problems[0].level, ProblemLevel::Warning);
    assert!(input.problems[0].message.contains("9 bytes from offset"));
}

#[test]
fn der_with_pem_marker_text_inside_is_still_der() {
    // A certificate whose Netscape comment quotes a PEM marker.
    let root = Issued::root("Marker Root CA");
    let comment = b"see -----BEGIN CERTIFICATE----- in the docs";
    let mut value = vec![0x16, comment.len() as u8];
    value.extend_from_slice(comment);
    let leaf = root.issue(CertSpec::leaf("vpn.example.com").raw_extension(
        &[2, 16, 840, 1, 113730, 1, 13],
        false,
        value,
    ));
    let der = leaf.der();
    assert!(der.windows(11).any(|w| w == b"-----BEGIN "));
    for (name, bytes) in [
        ("leaf.der", der.clone()),
        ("bundle.p7b", p7b(&[root.der(), der.clone()])),
    ] {
        let input = load_bytes(name, &bytes);
        assert!(
            !input.certs.is_empty() && !input.has_errors(),
            "{name}: {}",
            describe(&input)
        );
    }
}

#[test]
fn der_pkcs7_followed_by_a_certificate_reads_both() {
    let pki = pki();
    let mut der = pki.p7b_der.clone();
    der.extend_from_slice(&pki.ders[0]); // e.g. `cat bundle.p7b leaf.der`
    let input = load_bytes("bundle.p7b", &der);
    assert_eq!(input.certs.len(), 4, "{}", describe(&input));
    assert!(input.problems.is_empty(), "{}", describe(&input));
}

#[test]
fn der_pkcs7_with_trailing_garbage_is_a_warning() {
    let pki = pki();
    let mut der = pki.p7b_der.clone();
    der.extend_from_slice(&pki.ders[0][..100]); // a truncated certificate
    let input = load_bytes("bundle.p7b", &der);
    assert_eq!(input.certs.len(), 3, "{}", describe(&input));
    assert!(
        input
            .problems
            .iter()
            .any(|p| p.level >= ProblemLevel::Warning),
        "{} trailing bytes ignored silently: {}",
        pki.ders[0].len(),
        describe(&input)
    );
}

/// `depth` nested SEQUENCE headers.
fn nested(depth: usize, indefinite: bool) -> Vec<u8> {
    if indefinite {
        let mut v = Vec::with_capacity(depth * 4);
        for _ in 0..depth {
            v.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..depth {
            v.extend_from_slice(&[0x00, 0x00]);
        }
        v
    } else {
        // Definite lengths, built from the inside out: each header is
        // `30 84 <4-byte length>`.
        let mut v = Vec::with_capacity(depth * 6);
        let mut len: u32 = 0;
        let mut headers = Vec::with_capacity(depth);
        for _ in 0..depth {
            headers.push(len);
            len += 6;
        }
        for l in headers.iter().rev() {
            v.push(0x30);
            v.push(0x84);
            v.extend_from_slice(&l.to_be_bytes());
        }
        v
    }
}

#[test]
fn deeply_nested_asn1_does_not_overflow_the_stack() {
    // Run on a thread with a 1 MiB stack: a recursion that follows the
    // nesting would overflow it long before 100,000 levels.
    let pki = pki();
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let deep_indefinite = nested(100_000, true);
            let deep_definite = nested(100_000, false);
            let mut cases: Vec<(&str, Vec<u8>)> = vec![
                ("indefinite", deep_indefinite.clone()),
                ("definite", deep_definite.clone()),
                (
                    "in a PEM CERTIFICATE",
                    pem_block("CERTIFICATE", &deep_indefinite).into_bytes(),
                ),
                (
                    "in a PEM PKCS7",
                    pem_block("PKCS7", &deep_definite).into_bytes(),
                ),
                (
                    "as bare base64",
                    pem_block("X", &deep_indefinite)
                        .lines()
                        .filter(|l| !l.starts_with("-----"))
                        .collect::<Vec<_>>()
                        .join("\n")
                        .into_bytes(),
                ),
            ];
            // As the second entry of a PKCS#7 certificates SET.
            let deep_small = nested(20_000, true);
            cases.push((
                "inside a PKCS#7",
                p7b(&[pki.ders[0].clone(), deep_small.clone(), pki.ders[2].clone()]),
            ));
            let mut out = Vec::new();
            for (what, bytes) in cases {
                let input = load_bytes("deep", &bytes);
                out.push((
                    what,
                    input.certs.len(),
                    input.has_errors(),
                    describe(&input),
                ));
            }
            out
        })
        .expect("spawn");
    let results = handle.join().expect("no stack overflow, no panic");
    for (what, certs, has_errors, text) in results {
        eprintln!("deep ASN.1 {what}: {text}");
        assert!(has_errors, "{what}: {text}");
        // Inside a PKCS#7, the two good certificates beside the deep entry
        // should be returned: see the ignored test below.
        assert!(certs <= 2, "{what}: {text}");
        if what != "inside a PKCS#7" {
            assert_eq!(certs, 0, "{what}: {text}");
        }
    }
}

#[test]
fn pkcs7_with_a_too_deep_entry() {
    let pki = pki();
    // Definite lengths: the deep entry's extent is known, so it is one
    // error and the certificates beside it are read.
    let bundle = p7b(&[pki.ders[0].clone(), nested(60, false), pki.ders[2].clone()]);
    let input = load_bytes("deep.p7b", &bundle);
    assert_eq!(errors(&input).len(), 1, "{}", describe(&input));
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));

    // Indefinite lengths nested deeper than the BER parser's recursion
    // limit: the entry's end cannot be found without recursing, so nothing
    // after it can be located. The loader must say which entry and how much
    // is lost. (`30 80` sorts first in the DER SET, so it is item 1.)
    let bundle = p7b(&[pki.ders[0].clone(), nested(60, true), pki.ders[2].clone()]);
    let input = load_bytes("deep.p7b", &bundle);
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].bundle_index, Some(1), "{}", describe(&input));
    assert!(errs[0]
        .message
        .contains("bytes from here to the end of the SET are lost"));
    assert!(input.certs.is_empty(), "{}", describe(&input));
}

#[test]
fn problem_messages_stay_short() {
    // ContentInfo ::= SEQUENCE { contentType, [0] content }, with 200 KB
    // of OCTET STRING where the contentType OID belongs.
    let junk = vec![0x01u8; 200_000];
    let mut inner = vec![0x04, 0x83];
    inner.extend_from_slice(&(junk.len() as u32).to_be_bytes()[1..]);
    inner.extend_from_slice(&junk);
    let mut v = vec![0x30, 0x83];
    v.extend_from_slice(&(inner.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(&inner);
    let input = load_bytes("long.p7b", &v);
    let longest = input
        .problems
        .iter()
        .map(|p| p.message.len())
        .max()
        .unwrap_or(0);
    assert!(
        longest < 1024,
        "a {longest}-byte message: {}",
        describe(&input)
    );
}

#[test]
fn huge_base64_lines() {
    let pki = pki();
    // 8 MiB of base64 on one line in a CERTIFICATE block.
    let huge = "A".repeat(8 << 20);
    let text = format!(
        "{}-----BEGIN CERTIFICATE-----\n{huge}\n-----END CERTIFICATE-----\n{}",
        pem(&pki.ders[0]),
        pem(&pki.ders[1])
    );
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    assert_eq!(errs[0].line, Some(line_of(&text, "BEGIN", 1)));
    assert!(errs[0].message.len() < 500, "the message stays short");

    // A huge line of junk between blocks is ignored (text around PEM blocks
    // is allowed), the blocks are read.
    let junk = "x".repeat(4 << 20);
    let text = format!("{}{junk}\n{}", pem(&pki.ders[0]), pem(&pki.ders[1]));
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));

    // A whole certificate's base64 on one line, no 64-column wrapping.
    let one_line: String = pem(&pki.ders[0])
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let text = format!("-----BEGIN CERTIFICATE-----\n{one_line}\n-----END CERTIFICATE-----\n");
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert!(input.problems.is_empty(), "{}", describe(&input));

    // A huge label stays out of the message (the second problem: no
    // certificate in the input).
    let label = "L".repeat(1 << 20);
    let input = load_str(&format!(
        "-----BEGIN {label}-----\nAAAA\n-----END {label}-----\n"
    ));
    assert_eq!(input.problems.len(), 2, "{}", describe(&input));
    assert!(input.problems.iter().all(|p| p.message.len() < 500));
}

#[test]
fn ten_thousand_copies_of_one_certificate() {
    let pki = pki();
    let one = pem(&pki.ders[0]);
    let text = one.repeat(10_000);
    let started = Instant::now();
    let (input, peak) = peak_heap(|| load_str(&text));
    eprintln!(
        "10,000 certificates ({} bytes) loaded in {:?}, peak heap {} bytes ({:.1} per input byte)",
        text.len(),
        started.elapsed(),
        peak,
        peak as f64 / text.len() as f64
    );
    assert!(input.problems.is_empty(), "{}", describe(&input));
    assert_eq!(input.certs.len(), 10_000);
    let lines_per_block = one.lines().count();
    for (i, c) in input.certs.iter().enumerate() {
        assert_eq!(c.provenance.index, i + 1);
        assert_eq!(c.provenance.line, Some(i * lines_per_block + 1));
        assert_eq!(c.cert.der, pki.ders[0]);
    }
}

#[test]
fn bare_base64_of_a_der_certificate_and_bundle() {
    use base64::Engine;
    let pki = pki();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&pki.ders[0]);
    let wrapped: Vec<String> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    for (what, text) in [
        ("one line", b64.clone()),
        ("wrapped, CRLF", wrapped.join("\r\n") + "\r\n"),
        ("indented", format!("    {}\n", wrapped.join("\n    "))),
    ] {
        let input = load_str(&text);
        assert_eq!(input.format, Some("base64"), "{what}");
        assert_eq!(input.certs.len(), 1, "{what}: {}", describe(&input));
        assert!(input.problems.is_empty(), "{what}: {}", describe(&input));
        assert_eq!(input.certs[0].provenance.container, Container::Base64);
        assert_eq!(input.certs[0].cert.der, pki.ders[0]);
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&pki.p7b_der);
    let input = load_str(&b64);
    assert_eq!(input.certs.len(), 3, "{}", describe(&input));
    assert!(input.problems.is_empty(), "{}", describe(&input));

    // Broken bare base64 is an error, not silence.
    let broken = format!("{}!{}", &b64[..100], &b64[101..]);
    let input = load_str(&broken);
    assert!(input.certs.is_empty());
    assert_eq!(errors(&input).len(), 1, "{}", describe(&input));
}

#[test]
fn ber_indefinite_length_pkcs7_is_read_without_spurious_entries() {
    // As some Windows exporters write it: every constructed value of the
    // ContentInfo / SignedData / certificates with indefinite length.
    let pki = pki();
    let mut v = vec![0x30, 0x80];
    v.extend_from_slice(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ]);
    v.extend_from_slice(&[0xa0, 0x80, 0x30, 0x80]);
    v.extend_from_slice(&[0x02, 0x01, 0x01, 0x31, 0x00]);
    v.extend_from_slice(&[0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]);
    v.extend_from_slice(&[0x01, 0x07, 0x01]);
    v.extend_from_slice(&[0xa0, 0x80]);
    for der in &pki.ders {
        v.extend_from_slice(der);
    }
    v.extend_from_slice(&[0x00, 0x00]); // end of certificates
    v.extend_from_slice(&[0x31, 0x00]); // signerInfos
    v.extend_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    let input = load_bytes("ber.p7b", &v);
    assert_eq!(input.format, Some("pkcs7"));
    assert_eq!(input.certs.len(), 3, "{}", describe(&input));
    assert!(input.problems.is_empty(), "{}", describe(&input));
}

#[test]
fn pem_with_classic_mac_line_endings_is_read() {
    let pki = pki();
    let text = format!("{}{}", pem(&pki.ders[0]), pem(&pki.ders[1])).replace("\r\n", "\r");
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    assert!(input.problems.is_empty(), "{}", describe(&input));
    // lines are counted at lone CRs as well
    let first_block_lines = pem(&pki.ders[0]).lines().count();
    assert_eq!(input.certs[1].provenance.line, Some(first_block_lines + 1));
}

#[test]
fn pem_body_without_its_markers_is_reported() {
    // Both marker lines of the middle block damaged: its body is text
    // between blocks, but it looks like base64 and must not vanish.
    let pki = pki();
    let middle = pem(&pki.ders[1])
        .replace("-----BEGIN CERTIFICATE-----", "----BEGIN CERTIFICATE---")
        .replace("-----END CERTIFICATE-----", "----END CERTIFICATE---");
    let text = format!("{}{middle}{}", pem(&pki.ders[0]), pem(&pki.ders[2]));
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 2, "{}", describe(&input));
    let errs = errors(&input);
    assert_eq!(errs.len(), 1, "{}", describe(&input));
    // the line after the damaged BEGIN (the second line containing it)
    assert_eq!(
        errs[0].line,
        Some(line_of(&text, "----BEGIN CERTIFICATE---", 1) + 1)
    );
    assert!(
        errs[0].message.contains("without its BEGIN and END"),
        "{}",
        errs[0]
    );
}

#[test]
fn end_without_begin_is_reported() {
    let pki = pki();
    // An END line with no BEGIN: its block (the BEGIN line was lost) is
    // reported, the next block read.
    let first = pem(&pki.ders[0]).replace("-----BEGIN CERTIFICATE-----\r\n", "");
    let text = format!("{first}{}", pem(&pki.ders[1]));
    let input = load_str(&text);
    assert_eq!(input.certs.len(), 1, "{}", describe(&input));
    assert_eq!(input.problems.len(), 1, "{}", describe(&input));
    assert!(input.problems[0].level >= ProblemLevel::Warning);
    assert_eq!(input.problems[0].line, Some(line_of(&text, "END", 0)));
}

// ---------------------------------------------------------------------------
// 1c. The size limit, and memory per input byte.

#[test]
fn load_reader_refuses_input_over_the_limit() {
    let reader = std::io::repeat(b'A').take(MAX_INPUT_BYTES + 10);
    let started = Instant::now();
    let (input, peak) = peak_heap(|| load_reader("huge", reader));
    eprintln!(
        "load_reader over the limit: {:?}, peak heap {} MiB",
        started.elapsed(),
        peak >> 20
    );
    assert!(input.certs.is_empty());
    assert_eq!(input.problems.len(), 1, "{}", describe(&input));
    let p = &input.problems[0];
    assert_eq!(p.level, ProblemLevel::Error);
    assert!(p.message.contains("64 MiB limit"), "{p}");
    assert!(p.message.contains("not read"), "{p}");
    // It stops after MAX_INPUT_BYTES + 1 bytes (`Vec` doubling may reserve
    // up to twice that).
    assert!(input.bytes <= MAX_INPUT_BYTES + 1, "{}", input.bytes);
    assert!(
        peak as u64 <= 2 * MAX_INPUT_BYTES + (1 << 20),
        "peak {peak} bytes"
    );

    // Exactly at the limit is read (here: white space, an error of its own).
    let reader = std::io::repeat(b' ').take(MAX_INPUT_BYTES);
    let input = load_reader("at-limit", reader);
    assert_eq!(input.problems.len(), 1, "{}", describe(&input));
    assert!(input.problems[0].message.contains("white space"));
}

/// Peak heap of loading `bytes`, per input byte.
fn heap_per_byte(bytes: &[u8]) -> (LoadedInput, f64) {
    let (input, peak) = peak_heap(|| load_bytes("amp", bytes));
    (input, peak as f64 / bytes.len() as f64)
}

#[test]
fn memory_per_input_byte_is_small_for_pem_noise() {
    // 1 MiB of skipped blocks and stray END lines: each becomes a problem.
    let mut text = Vec::new();
    while text.len() < 1 << 20 {
        text.extend_from_slice(b"-----BEGIN X-----\n-----END X-----\n-----END -----\n");
    }
    let (input, ratio) = heap_per_byte(&text);
    eprintln!(
        "PEM noise: {} problems, {ratio:.1} heap bytes per input byte",
        input.problems.len()
    );
    assert!(!input.problems.is_empty());
    assert!(ratio < 32.0, "{ratio:.1} heap bytes per input byte");
}

#[test]
fn memory_per_input_byte_is_small_for_pkcs7_of_tiny_entries() {
    // A certificates SET of 2-byte entries: `80 00` (an unknown [0]
    // alternative) and `30 00` (an empty SEQUENCE).
    let mut worst = 0.0f64;
    for entry in [[0x80u8, 0x00], [0x30, 0x00]] {
        let entries: Vec<Vec<u8>> = vec![entry.to_vec(); 1 << 19];
        let bundle = p7b(&entries);
        let (input, ratio) = heap_per_byte(&bundle);
        eprintln!(
            "PKCS#7 of {} x {entry:02x?}: {} problems, {ratio:.1} heap bytes per input byte",
            entries.len(),
            input.problems.len()
        );
        worst = worst.max(ratio);
    }
    assert!(worst < 32.0, "{worst:.1} heap bytes per input byte");
}
