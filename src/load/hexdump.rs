//! Hex dumps: plain hex (one line or many), spaced bytes, `0x` prefixes and
//! commas (`0x30, 0x82`), offsets in front (`xxd`: `00000010: 3082 0122`;
//! `hexdump -C`: `00000010  30 82 01 22 ... |0.."|`; Wireshark "copy as hex
//! dump": `0010   30 82 01 22 ...   0.."`), and device logs that put a
//! prefix before the hex (`... ike 0:p1:14: out 12F2CBED...`, `*Nov 28
//! 06:00:01.123: IKEv2: 5B0F8B0B 6E1C9B6F ...`).
//!
//! Each line is read on its own: its offset (a first token ending in `:`,
//! or a hex number equal to the bytes read so far) and its text column (from
//! `|`, or the first token that is not hex) are dropped, and the longest run
//! of hex tokens of one width is its data. Consecutive data lines form a
//! block; each block is one object (an IKE message, a payload, a
//! certificate) and is read like a binary file, with its first line as its
//! place in the input.

/// One block of bytes and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub line: usize,
    pub bytes: Vec<u8>,
}

/// The least a block must hold to be taken as data (shorter runs of hex
/// are words like `cafe` or `added` in log text).
const MIN_BLOCK_BYTES: usize = 8;

/// The most bytes one hex dump yields (the input is at most 64 MiB of text).
const MAX_TOTAL_BYTES: usize = 32 * 1024 * 1024;

fn hex_token(t: &str) -> Option<&str> {
    let t = t.trim_end_matches(',');
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    (!t.is_empty() && t.len().is_multiple_of(2) && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(t)
}

fn decode(t: &str, out: &mut Vec<u8>) {
    for pair in t.as_bytes().chunks_exact(2) {
        let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
        let lo = (pair[1] as char).to_digit(16).unwrap_or(0);
        out.push((hi * 16 + lo) as u8);
    }
}

/// The data of one line, given how many bytes its block already has, and
/// whether the line is surely dump data (it had an offset, or nothing but
/// hex).
fn line_data(line: &str, so_far: usize) -> Option<(Vec<u8>, bool)> {
    let line = match line.find('|') {
        Some(i) => &line[..i],
        None => line,
    };
    let mut tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    // `hexdump -C` ends with a line holding only the total length.
    if let [only] = tokens.as_slice() {
        let bare = only.trim_end_matches(':');
        if so_far > 0
            && (4..=8).contains(&bare.len())
            && usize::from_str_radix(bare, 16).ok() == Some(so_far)
        {
            return None;
        }
    }
    // An offset in front: `00000010:` / `0x0010:`, or a bare hex number
    // equal to the position (hexdump -C, Wireshark).
    let mut had_offset = false;
    if let Some(first) = tokens.first() {
        let bare = first.trim_end_matches(':');
        let bare = bare.strip_prefix("0x").unwrap_or(bare);
        had_offset = (first.ends_with(':')
            && !bare.is_empty()
            && bare.bytes().all(|b| b.is_ascii_hexdigit()))
            || (tokens.len() > 1
                && (4..=8).contains(&bare.len())
                && usize::from_str_radix(bare, 16).ok() == Some(so_far));
        if had_offset {
            tokens.remove(0);
        }
    }
    // A line of nothing but hex is data, whatever its grouping.
    if !tokens.is_empty() && tokens.iter().all(|t| hex_token(t).is_some()) {
        let mut out = Vec::new();
        for t in &tokens {
            if let Some(h) = hex_token(t) {
                decode(h, &mut out);
            }
        }
        return Some((out, true));
    }
    // Else the longest run of hex tokens of one width (the last may be
    // shorter, as xxd's last group is).
    let run = |start: usize| -> (usize, usize) {
        let width = hex_token(tokens[start]).map_or(0, str::len);
        let mut bytes = 0;
        let mut end = start;
        while end < tokens.len() {
            match hex_token(tokens[end]) {
                Some(t) if t.len() == width => bytes += t.len() / 2,
                Some(t) if t.len() < width => {
                    bytes += t.len() / 2;
                    end += 1;
                    break;
                }
                _ => break,
            }
            end += 1;
        }
        (end, bytes)
    };
    let mut best: Option<(usize, usize, usize)> = None; // start, end, bytes
    let mut i = 0;
    while i < tokens.len() {
        if hex_token(tokens[i]).is_none() {
            i += 1;
            continue;
        }
        let (end, bytes) = run(i);
        if best.is_none_or(|(_, _, b)| bytes > b) {
            best = Some((i, end, bytes));
        }
        i = end.max(i + 1);
    }
    let (start, end, _) = best?;
    let mut out = Vec::new();
    for t in &tokens[start..end] {
        if let Some(h) = hex_token(t) {
            decode(h, &mut out);
        }
    }
    let whole_line = start == 0 && end == tokens.len();
    Some((out, had_offset || whole_line))
}

/// The blocks of a hex dump, or `None` when the text is not one.
pub fn blocks(text: &str) -> Option<Vec<Block>> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut total = 0usize;
    for (i, line) in text.lines().enumerate() {
        let so_far = current.as_ref().map_or(0, |b| b.bytes.len());
        // A block starts at a line with at least 2 bytes of hex; it goes on
        // through lines that are surely dump data or carry at least 4 bytes
        // (so `Nov 28` in a log line does not add a byte).
        match line_data(line, so_far) {
            Some((data, sure))
                if (current.is_none() && data.len() >= 2)
                    || (current.is_some() && (sure || data.len() >= 4)) =>
            {
                total += data.len();
                if total > MAX_TOTAL_BYTES {
                    break;
                }
                current
                    .get_or_insert_with(|| Block {
                        line: i + 1,
                        bytes: Vec::new(),
                    })
                    .bytes
                    .extend(data);
            }
            _ => {
                if let Some(b) = current.take() {
                    out.push(b);
                }
            }
        }
    }
    if let Some(b) = current.take() {
        out.push(b);
    }
    out.retain(|b| b.bytes.len() >= MIN_BLOCK_BYTES);
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BYTES: [u8; 20] = [
        0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
        0x01, 0x01, 0x05, 0x00, 0x03,
    ];

    fn one(text: &str) -> Vec<u8> {
        let b = blocks(text).expect("a hex dump");
        assert_eq!(b.len(), 1, "{b:?}");
        b[0].bytes.clone()
    }

    #[test]
    fn every_dump_layout_gives_the_same_bytes() {
        let layouts = [
            // plain, one line
            "3082012230 0d06092a864886f70d0101010500 03",
            "3082012230\n0d06092a864886f70d0101010500\n03\n",
            // spaced bytes, 0x prefixes with commas
            "30 82 01 22 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00 03",
            "0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,\n0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03",
            // xxd
            "00000000: 3082 0122 300d 0609 2a86 4886 f70d 0101  0..\"0...*.H.....\n00000010: 0105 0003                                ....\n",
            // hexdump -C
            "00000000  30 82 01 22 30 0d 06 09  2a 86 48 86 f7 0d 01 01  |0..\"0...*.H.....|\n00000010  01 05 00 03                                       |....|\n00000014\n",
            // Wireshark "copy as hex dump"
            "0000   30 82 01 22 30 0d 06 09 2a 86 48 86 f7 0d 01 01   0..\"0...*.H.....\n0010   01 05 00 03                                       ....\n",
            // a log prefix in front, then continuation lines (FortiGate, IOS)
            "2016-05-26 07:49:06 ike 0:p1:14: out 308201\n22300d06092a864886f70d0101010500\n03\n",
            "*Nov 28 06:00:01.123: IKEv2: 30820122 300d0609 2a864886 f70d0101\n*Nov 28 06:00:01.123: IKEv2: 01050003\n",
        ];
        for text in layouts {
            assert_eq!(one(text), BYTES, "layout:\n{text}");
        }
    }

    #[test]
    fn text_is_not_a_dump_and_blocks_are_separated() {
        assert_eq!(blocks("This is a bad cafe, added to the feed."), None);
        assert_eq!(
            blocks("hub#show crypto pki certificates\nCertificate\n"),
            None
        );
        let two = "30 82 01 22 30 0d 06 09 2a\nsome text in between\n30 82 01 22 30 0d 06 09 2b\n";
        let b = blocks(two).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].line, 1);
        assert_eq!(b[1].line, 3);
        assert_eq!(b[1].bytes.last(), Some(&0x2b));
    }

    #[test]
    fn odd_digits_and_garbage_never_panic() {
        for text in [
            "abc",
            "0x",
            "00000000:",
            "|||",
            "0\u{0}1",
            "zz zz",
            "ab cd ef 1",
        ] {
            let _ = blocks(text);
        }
        // an odd-length token ends the run
        assert_eq!(one("30 82 01 22 30 0d 06 09 a 86"), &BYTES[..8]);
    }
}
