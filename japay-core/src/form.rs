//! The `application/x-www-form-urlencoded` writer: where a request's bytes go (a buffer, a counter, or nowhere), and
//! the table-driven byte serializer (WHATWG): `A-Za-z0-9*-._` raw, space as `+`, every other byte `%XX`.

use crate::spec::FieldSpec;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// One byte as it appears in the body, packed: up to three bytes (little-endian) and, in the top byte, how many count.
#[allow(clippy::indexing_slicing)] // const evaluation: an index out of range would fail the build, not panic
const fn escaped(b: u8) -> u32 {
    let (bytes, len) = match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => ([b, 0, 0], 1),
        b' ' => ([b'+', 0, 0], 1),
        _ => ([b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]], 3),
    };
    bytes[0] as u32 | (bytes[1] as u32) << 8 | (bytes[2] as u32) << 16 | (len as u32) << 24
}

/// The serializer as a table: one entry per byte value.
#[allow(clippy::indexing_slicing)] // const evaluation, b < 256
static FORM: [u32; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = escaped(b as u8);
        b += 1;
    }
    table
};

#[allow(clippy::indexing_slicing)] // a u8 is always < 256, the table's length
fn entry(b: u8) -> u32 {
    FORM[usize::from(b)]
}

/// The bytes written as themselves (`A-Za-z0-9*-._`), as a 128-bit mask.
const RAW: u128 = {
    let mut mask = 0u128;
    let mut b = 0;
    while b < 128 {
        if escaped(b) >> 24 == 1 && b != b' ' {
            mask |= 1 << b;
        }
        b += 1;
    }
    mask
};

/// A set of ASCII bytes, as two 64-bit halves (a byte ≥ 128 is never in it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AsciiMask {
    /// Bits 0-63, 64-127, and two empty words for the bytes 128-255.
    words: [u64; 4],
}

impl AsciiMask {
    /// The set whose bit `b` of `mask` is set.
    pub(crate) const fn new(mask: u128) -> AsciiMask {
        AsciiMask { words: [mask as u64, (mask >> 64) as u64, 0, 0] }
    }

    #[inline]
    #[allow(clippy::indexing_slicing)] // b >> 6 < 4, the array's length
    pub(crate) fn contains(&self, b: u8) -> bool {
        (self.words[usize::from(b >> 6)] >> (b & 63)) & 1 == 1
    }
}

/// What the encoder needs of an ASCII mask (bit `b`: byte `b` allowed), worked out once: the allowed set, and the
/// allowed bytes written as themselves. [`FieldSpec`](crate::spec::FieldSpec) holds the one of its kind, built at
/// compile time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AsciiSets {
    /// The mask the sets were built from.
    pub(crate) mask: u128,
    /// The bytes allowed.
    allowed: AsciiMask,
    /// The bytes allowed and written as themselves.
    raw: AsciiMask,
}

impl AsciiSets {
    /// The sets of `mask`.
    pub(crate) const fn new(mask: u128) -> AsciiSets {
        AsciiSets { mask, allowed: AsciiMask::new(mask), raw: AsciiMask::new(mask & RAW) }
    }
}

/// The length of `bytes` once form-encoded.
pub(crate) fn encoded_len(bytes: &[u8]) -> usize {
    bytes.iter().map(|&b| (entry(b) >> 24) as usize).sum()
}

/// Input bytes per block: a block's output (at most three bytes per byte) fits the scratch buffer.
const BLOCK: usize = 84;

/// Serializes `block` (at most [`BLOCK`] bytes) into `scratch` through the table, branch-free: every entry stored
/// whole, the cursor advanced by its length. Returns the length written.
fn encode_block(scratch: &mut [u8; 260], block: &[u8]) -> usize {
    let mut at = 0usize;
    for &b in block {
        let e = entry(b);
        let at_masked = at & 255; // at < 3 * BLOCK < 256: the mask only lets the compiler drop the bounds check
        if let Some(slot) = scratch.get_mut(at_masked..at_masked + 4) {
            slot.copy_from_slice(&e.to_le_bytes());
        }
        at += (e >> 24) as usize;
    }
    at
}

/// Appends `bytes` form-encoded to `out` through `scratch`; no allocation when `out` has room for the result.
fn put_encoded(out: &mut Vec<u8>, scratch: &mut [u8; 260], bytes: &[u8]) {
    for block in bytes.chunks(BLOCK) {
        let n = encode_block(scratch, block);
        out.extend_from_slice(scratch.get(..n).unwrap_or(&[]));
    }
}

/// Appends an ASCII value form-encoded while its bytes are in `allowed`; returns the position of the first byte that
/// is not (what was written before it stays written). A value written as itself (digits, codes, ids) is one scan and
/// one copy.
#[inline(always)]
fn put_encoded_while(out: &mut Vec<u8>, scratch: &mut [u8; 260], bytes: &[u8], sets: &AsciiSets) -> Option<usize> {
    let raw = &sets.raw;
    let run = bytes.iter().position(|&b| !raw.contains(b));
    match run {
        None => {
            out.extend_from_slice(bytes);
            None
        }
        Some(0) if bytes.first().is_some_and(|&b| b >= 0x80) => Some(0), // text starting with a non-ASCII character
        Some(run) => put_encoded_from(out, scratch, bytes, run, sets),
    }
}

/// [`put_encoded_while`] past the first `run` bytes, which are written as themselves.
///
/// An ASCII value escapes few bytes (an `@`, a space): each escaped byte is written from the table, each run of raw
/// bytes after it with one copy. Once escapes are dense (more than one per four bytes so far), the rest goes
/// through the block serializer instead.
#[inline(never)]
fn put_encoded_from(
    out: &mut Vec<u8>,
    scratch: &mut [u8; 260],
    bytes: &[u8],
    run: usize,
    sets: &AsciiSets,
) -> Option<usize> {
    let (allowed, raw) = (&sets.allowed, &sets.raw);
    let (head, mut rest) = bytes.split_at(run.min(bytes.len()));
    out.extend_from_slice(head);
    let mut at = run;
    let mut escapes = 0usize;
    // `rest` starts with a byte that is not written as itself
    while let Some(&b) = rest.first() {
        if !allowed.contains(b) {
            return Some(at);
        }
        escapes += 1;
        if escapes * 4 > at + 4 {
            // dense: the block serializer, up to the first byte the kind refuses
            let stop = rest.iter().position(|&b| !allowed.contains(b));
            put_encoded(out, scratch, rest.get(..stop.unwrap_or(rest.len())).unwrap_or(&[]));
            return stop.map(|i| at + i);
        }
        let e = entry(b);
        let [first, second, third, _] = e.to_le_bytes();
        if e >> 24 == 1 {
            out.push(first); // a space, written as `+`
        } else {
            out.extend_from_slice(&[first, second, third]);
        }
        let tail = rest.get(1..).unwrap_or(&[]);
        let n = tail.iter().position(|&b| !raw.contains(b)).unwrap_or(tail.len());
        let (raw_run, next) = tail.split_at(n);
        out.extend_from_slice(raw_run);
        rest = next;
        at += 1 + n;
    }
    None
}

/// A parameter's body prefix `&wire=` padded with zeros to a fixed length, so that it is written with one
/// fixed-size copy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PaddedPrefix {
    /// The name it was built from (`"\0"`, never a field's name, when the name is longer than the padding allows;
    /// never empty, so that an empty name never matches it).
    pub(crate) src: &'static str,
    /// `&`, `src`, `=`, then zeros.
    pub(crate) bytes: [u8; 32],
}

impl PaddedPrefix {
    /// No padded prefix.
    pub(crate) const NONE: PaddedPrefix = PaddedPrefix { src: "\0", bytes: [0; 32] };

    /// `&wire=` padded; none when it is longer than the padding.
    #[allow(clippy::indexing_slicing)] // const evaluation: i < wire.len() <= 30
    pub(crate) const fn new(wire: &'static str) -> PaddedPrefix {
        let src = wire.as_bytes();
        if src.len() > 30 || src.is_empty() {
            return PaddedPrefix::NONE;
        }
        let mut bytes = [0; 32];
        bytes[0] = b'&';
        let mut i = 0;
        while i < src.len() {
            bytes[i + 1] = src[i];
            i += 1;
        }
        bytes[i + 1] = b'=';
        PaddedPrefix { src: wire, bytes }
    }
}

/// Where a request's bytes go.
pub(crate) trait Sink {
    /// Appends the name of a parameter and its `=`, after a `&` unless it is the first.
    fn put_name(&mut self, first: bool, name: &str);
    /// Appends a parameter's `&name=` (without the `&` when it is the first).
    #[inline]
    fn put_prefix(&mut self, first: bool, field: &FieldSpec) {
        self.put_name(first, field.wire);
    }
    /// Appends bytes of a value in the transport charset, form-encoded.
    fn put_value(&mut self, bytes: &[u8]);
    /// Appends the bytes of an ASCII value form-encoded while they are in `allowed` (bit `b`: byte `b`); returns the position of the
    /// first byte that is not (a byte ≥ 128 never is), after which nothing is written.
    #[cfg(test)]
    fn put_ascii(&mut self, bytes: &[u8], allowed: u128) -> Option<usize> {
        self.put_ascii_in(bytes, &AsciiSets::new(allowed))
    }
    /// [`Sink::put_ascii`] with the sets of the mask worked out.
    fn put_ascii_in(&mut self, bytes: &[u8], sets: &AsciiSets) -> Option<usize> {
        let allowed = &sets.allowed;
        match bytes.iter().position(|&b| !allowed.contains(b)) {
            Some(i) => Some(i),
            None => {
                self.put_value(bytes);
                None
            }
        }
    }
    /// Appends bytes that the serializer writes as themselves (`A-Za-z0-9*-._`), as they are.
    fn put_unreserved(&mut self, bytes: &[u8]);
    /// [`Sink::put_value`] of EUC-JP bytes (whole characters), unless a two-byte character's lead byte is in
    /// `refused` (a table of the text module's `euc_jp_table`): then returns `false`, and the caller rolls back.
    fn put_euc_jp(&mut self, bytes: &[u8], refused: &[u8; 256]) -> bool {
        if crate::text::euc_jp_refused(bytes, refused) {
            return false;
        }
        self.put_value(bytes);
        true
    }
    /// A position to roll back to.
    fn mark(&self) -> usize;
    /// Forgets everything written since `mark`.
    fn rollback(&mut self, mark: usize);
}

/// Validation only: the bytes go nowhere.
pub(crate) struct Discard;

impl Sink for Discard {
    fn put_name(&mut self, _: bool, _: &str) {}
    fn put_prefix(&mut self, _: bool, _: &FieldSpec) {}
    fn put_unreserved(&mut self, _: &[u8]) {}
    fn put_value(&mut self, _: &[u8]) {}
    fn mark(&self) -> usize {
        0
    }
    fn rollback(&mut self, _: usize) {}
}

/// The exact length of the body.
pub(crate) struct Count(pub(crate) usize);

impl Sink for Count {
    fn put_name(&mut self, first: bool, name: &str) {
        self.0 += name.len() + 1 + usize::from(!first);
    }
    fn put_value(&mut self, bytes: &[u8]) {
        self.0 += encoded_len(bytes);
    }
    fn put_unreserved(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
    fn mark(&self) -> usize {
        self.0
    }
    fn rollback(&mut self, mark: usize) {
        self.0 = mark;
    }
}

/// The body: appended to the caller's buffer, through a scratch buffer set up once per request.
pub(crate) struct Body<'a> {
    out: &'a mut Vec<u8>,
    scratch: [u8; 260],
}

impl<'a> Body<'a> {
    /// A body appended to `out`.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Body<'a> {
        Body { out, scratch: [0; 260] }
    }
}

impl Sink for Body<'_> {
    #[inline]
    fn put_name(&mut self, first: bool, name: &str) {
        self.out.reserve(name.len() + 2);
        if !first {
            self.out.push(b'&');
        }
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'=');
    }
    #[inline]
    fn put_prefix(&mut self, first: bool, field: &FieldSpec) {
        let (name, padded) = (field.wire, &field.padded);
        // `&name=` padded to 32 bytes, built with the field (while `wire` is still the one it was built from): one
        // fixed-size copy, then the padding dropped, when the buffer has room for it
        if !first
            && name.len() == padded.src.len()
            && core::ptr::eq(name.as_ptr(), padded.src.as_ptr())
            && self.out.capacity() - self.out.len() >= padded.bytes.len()
        {
            let len = self.out.len() + name.len() + 2;
            self.out.extend_from_slice(&padded.bytes);
            self.out.truncate(len);
        } else {
            self.put_name(first, name);
        }
    }
    fn put_value(&mut self, bytes: &[u8]) {
        put_encoded(self.out, &mut self.scratch, bytes);
    }
    #[inline]
    fn put_unreserved(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
    #[inline]
    fn put_ascii_in(&mut self, bytes: &[u8], sets: &AsciiSets) -> Option<usize> {
        put_encoded_while(self.out, &mut self.scratch, bytes, sets)
    }
    fn mark(&self) -> usize {
        self.out.len()
    }
    fn rollback(&mut self, mark: usize) {
        self.out.truncate(mark);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    const DIGITS: u128 = 0x3ff << b'0';
    const ALNUM: u128 = DIGITS | (0x3ff_ffff << b'A') | (0x3ff_ffff << b'a');

    /// The byte-at-a-time serializer the table is built from, written out differently.
    fn model(b: u8) -> Vec<u8> {
        if b.is_ascii_alphanumeric() || b"*-._".contains(&b) {
            vec![b]
        } else if b == b' ' {
            b"+".to_vec()
        } else {
            format!("%{b:02X}").into_bytes()
        }
    }

    #[test]
    fn ascii_values_stop_at_the_first_byte_the_kind_refuses() {
        let masks = [DIGITS, ALNUM, ALNUM | 1 << b'-' | 1 << b'@', DIGITS | 1 << b' ', u128::MAX, 0];
        let alphabet = [b'0', b'9', b'a', b'Z', b'-', b'@', b' ', b'%', 0x7F, 0x80, 0xE3];
        for mask in masks {
            for len in 0..=4u32 {
                for mut n in 0..alphabet.len().pow(len) {
                    let mut bytes = Vec::new();
                    for _ in 0..len {
                        bytes.push(alphabet[n % alphabet.len()]);
                        n /= alphabet.len();
                    }
                    let stop = bytes.iter().position(|&b| b >= 128 || mask >> b & 1 == 0);
                    let mut out = b"x=".to_vec();
                    assert_eq!(Body::new(&mut out).put_ascii(&bytes, mask), stop, "{bytes:?}");
                    let written = &bytes[..stop.unwrap_or(bytes.len())];
                    let expected: Vec<u8> =
                        b"x=".iter().copied().chain(written.iter().flat_map(|&b| model(b))).collect();
                    if stop.is_none() {
                        assert_eq!(out, expected, "{bytes:?}");
                    } else {
                        assert!(expected.starts_with(&out), "{bytes:?}: {out:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_byte_is_written_as_the_serializer_says() {
        let all: Vec<u8> = (0..=255).collect();
        let mut out = b"x=".to_vec();
        Body::new(&mut out).put_value(&all);
        let expected: Vec<u8> = b"x=".iter().copied().chain(all.iter().flat_map(|&b| model(b))).collect();
        assert_eq!(out, expected);
        assert_eq!(encoded_len(&all), expected.len() - 2);
        let mut count = Count(0);
        count.put_value(&all);
        assert_eq!(count.0, expected.len() - 2);
    }
}
