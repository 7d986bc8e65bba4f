//! A structure-aware mutator for DER, shared by the `load` and `revocation`
//! targets (`#[path]`-included; `tests/it/fuzz_corpus.rs` tests it too). Byte-level mutation of a certificate
//! mostly breaks the outer SEQUENCE length, so the parser stops at the
//! first header and the fields deep inside (extensions, names, times) are
//! rarely reached. This mutator walks the TLV tree and changes one element
//! at a time, then fixes the lengths of every element that contains it, so
//! the rest of the structure still parses:
//!
//! - replace a tag (or flip its constructed bit);
//! - make a length lie (the only mutation that leaves the ancestors wrong);
//! - delete, duplicate or swap in another element;
//! - replace a primitive's content with a value that is known to be hard
//!   (empty, zero, negative, over-long, bad UTF-8, bad time strings, bad
//!   OID arcs), or mutate it byte-wise with libFuzzer.
//!
//! Inputs that are not DER (PEM, show output) go to libFuzzer's own mutator,
//! and so does every fourth call, so the byte-level search is not lost.
//! libFuzzer's mutator is passed in (`bytes`), so this file builds without
//! libfuzzer-sys.

/// libFuzzer's byte-level mutator: `(data, size, max_size) -> new size`.
pub type Bytes<'a> = &'a mut dyn FnMut(&mut [u8], usize, usize) -> usize;

/// What [`mutate_der`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A tag replaced or its constructed bit flipped.
    Tag,
    /// A length that lies (the only kind that leaves the ancestors wrong).
    LengthLie,
    Delete,
    Duplicate,
    /// An element replaced by another of the same input.
    Swap,
    /// A primitive's content replaced by a known-hard value.
    HardValue,
    /// A primitive's content mutated byte-wise.
    Bytes,
}

/// One element: where it starts, its header and content lengths.
#[derive(Clone, Copy)]
struct Tlv {
    start: usize,
    header: usize,
    len: usize,
    constructed: bool,
}

impl Tlv {
    fn content(&self) -> usize {
        self.start + self.header
    }
    fn end(&self) -> usize {
        self.start + self.header + self.len
    }
}

const MAX_ELEMENTS: usize = 4096;
const MAX_DEPTH: usize = 24;

/// A single-byte tag and a definite length of at most 4 bytes.
fn header(b: &[u8]) -> Option<(usize, usize)> {
    let (&tag, rest) = b.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    if first < 0x80 {
        return Some((2, first as usize));
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 4 || rest.len() < n {
        return None;
    }
    let len = rest[..n].iter().fold(0usize, |a, &x| (a << 8) | x as usize);
    Some((2 + n, len))
}

fn walk(data: &[u8], from: usize, to: usize, depth: usize, out: &mut Vec<Tlv>) {
    let mut at = from;
    while at < to && out.len() < MAX_ELEMENTS {
        let Some((h, len)) = header(&data[at..to]) else {
            return;
        };
        let Some(end) = at.checked_add(h).and_then(|x| x.checked_add(len)) else {
            return;
        };
        if end > to {
            return;
        }
        let tag = data[at];
        let t = Tlv {
            start: at,
            header: h,
            len,
            constructed: tag & 0x20 != 0,
        };
        out.push(t);
        if depth < MAX_DEPTH {
            if t.constructed {
                walk(data, t.content(), end, depth + 1, out);
            } else if tag == 0x04 && len >= 2 && data[t.content()] == 0x30 {
                // extension values are DER inside an OCTET STRING
                walk(data, t.content(), end, depth + 1, out);
            } else if tag == 0x03
                && len >= 3
                && data[t.content()] == 0
                && data[t.content() + 1] == 0x30
            {
                // and some keys inside a BIT STRING
                walk(data, t.content() + 1, end, depth + 1, out);
            }
        }
        at = end;
    }
}

fn encode_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = (len as u32)
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// A small deterministic generator seeded by libFuzzer.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TAGS: &[u8] = &[
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1c, 0x1e,
    0x30, 0x31, 0x80, 0x81, 0x82, 0x86, 0x87, 0x88, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4,
];

const HARD_VALUES: &[&[u8]] = &[
    b"",
    b"\x00",
    b"\x00\x00",
    b"\xff",
    b"\x80",
    b"\x7f\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b",
    b"\x55\x1d\x25",
    b"\x55\x1d\x0f",
    b"\x55\x1d\x11",
    b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01",
    b"\x2b\x06\x01\x05\x05\x07\x03\x01",
    b"\x2b\x06\x01\x05\x05\x08\x02\x02",
    b"991231235959Z",
    b"500101000000Z",
    b"20501231235959Z",
    b"99991231235959Z",
    b"000229000000Z",
    b"2026022900000Z",
    b"260101000000+0100",
    b"\xc3\x28\xe2\x82",
    b"*.example.com",
    b"vpn.example.com\x00.evil",
    b"\xc0\x00\x02\x01",
    b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
    b"\x03\x00",
    b"\x07\x80",
];

/// Replace `data[t.start..t.end()]` (the whole element) or its content with
/// `with`, then fix the length of every element that contains it.
fn splice(data: &[u8], tlvs: &[Tlv], t: Tlv, whole: bool, with: &[u8]) -> Vec<u8> {
    let (from, to) = if whole {
        (t.start, t.end())
    } else {
        (t.content(), t.end())
    };
    let mut out = Vec::with_capacity(data.len() + with.len());
    out.extend_from_slice(&data[..from]);
    out.extend_from_slice(with);
    out.extend_from_slice(&data[to..]);
    let mut delta = with.len() as isize - (to - from) as isize;
    if !whole {
        // the element's own header
        let new_len = with.len();
        let h = encode_len(new_len);
        let old = t.header - 1;
        out.splice(t.start + 1..t.start + 1 + old, h.iter().copied());
        delta += h.len() as isize - old as isize;
    }
    // ancestors, innermost (latest start) first; their offsets are before
    // every edit made so far, so they are still right
    let mut ancestors: Vec<Tlv> = tlvs
        .iter()
        .copied()
        .filter(|a| a.start < t.start && a.end() >= t.end() && a.content() <= t.start)
        .collect();
    ancestors.sort_by_key(|a| std::cmp::Reverse(a.start));
    for a in ancestors {
        let new_len = a.len as isize + delta;
        if new_len < 0 {
            break;
        }
        let h = encode_len(new_len as usize);
        let old = a.header - 1;
        out.splice(a.start + 1..a.start + 1 + old, h.iter().copied());
        delta += h.len() as isize - old as isize;
    }
    out
}

/// One structural mutation of `input`, when it is DER with at least two
/// elements; `None` otherwise (the caller mutates byte-wise instead).
pub fn mutate_der(input: &[u8], seed: u32, bytes: Bytes<'_>) -> Option<(Kind, Vec<u8>)> {
    let mut rng = Rng(u64::from(seed).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut tlvs = Vec::new();
    if input.first() == Some(&0x30) {
        walk(input, 0, input.len(), 0, &mut tlvs);
    }
    if tlvs.len() < 2 {
        return None;
    }
    let choice = rng.below(7);
    // the outermost element may get a new tag or a lying length; deleting,
    // duplicating or replacing it would leave no structure to keep
    let t = if choice < 2 {
        tlvs[rng.below(tlvs.len())]
    } else {
        tlvs[1 + rng.below(tlvs.len() - 1)]
    };
    let out = match choice {
        0 => {
            let mut out = input.to_vec();
            out[t.start] = if rng.below(3) == 0 {
                out[t.start] ^ 0x20
            } else {
                TAGS[rng.below(TAGS.len())]
            };
            (Kind::Tag, out)
        }
        1 => {
            let lie = match rng.below(6) {
                0 => t.len + 1,
                1 => t.len.saturating_sub(1),
                2 => 0,
                3 => 0x7fff_ffff,
                4 => t.len + 0x100,
                _ => rng.below(256),
            };
            let mut out = input[..t.start + 1].to_vec();
            if rng.below(5) == 0 {
                out.push(0x80); // indefinite, which DER forbids
            } else if rng.below(4) == 0 {
                // non-minimal long form
                out.push(0x84);
                out.extend_from_slice(&(lie as u32).to_be_bytes());
            } else {
                out.extend(encode_len(lie));
            }
            out.extend_from_slice(&input[t.content()..]);
            (Kind::LengthLie, out)
        }
        2 => (Kind::Delete, splice(input, &tlvs, t, true, &[])),
        3 => {
            let copy = input[t.start..t.end()].repeat(2);
            (Kind::Duplicate, splice(input, &tlvs, t, true, &copy))
        }
        4 => {
            let other = tlvs[rng.below(tlvs.len())];
            let with = input[other.start..other.end()].to_vec();
            (Kind::Swap, splice(input, &tlvs, t, true, &with))
        }
        5 if !t.constructed => {
            let v = HARD_VALUES[rng.below(HARD_VALUES.len())];
            (Kind::HardValue, splice(input, &tlvs, t, false, v))
        }
        _ if !t.constructed => {
            let mut content = input[t.content()..t.end()].to_vec();
            let room = content.len() * 2 + 16;
            content.resize(room, 0);
            let n = bytes(&mut content, t.len, room);
            content.truncate(n);
            (Kind::Bytes, splice(input, &tlvs, t, false, &content))
        }
        _ => return None,
    };
    Some(out)
}

/// The mutator libFuzzer calls: mutate `data[..size]` in place, up to
/// `max_size`; returns the new size.
pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32, bytes: Bytes<'_>) -> usize {
    // every fourth call is libFuzzer's own
    if seed.is_multiple_of(4) {
        return bytes(data, size, max_size);
    }
    match mutate_der(&data[..size], seed / 4, &mut *bytes) {
        Some((_, out)) if !out.is_empty() && out.len() <= max_size => {
            data[..out.len()].copy_from_slice(&out);
            out.len()
        }
        _ => bytes(data, size, max_size),
    }
}

/// Whether `der` is one complete element whose nested lengths all add up:
/// the children of every constructed element tile its content exactly
/// (what every mutation but a tag change and a lying length keeps).
pub fn lengths_consistent(der: &[u8]) -> bool {
    fn tiles(data: &[u8], from: usize, to: usize, depth: usize) -> bool {
        let mut at = from;
        while at < to {
            let Some((h, len)) = header(&data[at..to]) else {
                return false;
            };
            let end = at + h + len;
            if end > to {
                return false;
            }
            if data[at] & 0x20 != 0 && (depth > MAX_DEPTH || !tiles(data, at + h, end, depth + 1)) {
                return false;
            }
            at = end;
        }
        at == to
    }
    matches!(header(der), Some((h, len)) if h + len == der.len()) && tiles(der, 0, der.len(), 0)
}
