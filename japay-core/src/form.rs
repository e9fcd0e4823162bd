//! The `application/x-www-form-urlencoded` writer: where a request's bytes go (a buffer, a counter, or nowhere), and
//! the table-driven byte serializer (WHATWG): `A-Za-z0-9*-._` raw, space as `+`, every other byte `%XX`.

/// One byte of a value as it appears in the body: up to three bytes, of which the first `len` count.
#[derive(Clone, Copy)]
struct Escaped {
    bytes: [u8; 3],
    len: u8,
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[allow(clippy::indexing_slicing)] // const evaluation: an index out of range would fail the build, not panic
const fn escaped(b: u8) -> Escaped {
    match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => Escaped { bytes: [b, 0, 0], len: 1 },
        b' ' => Escaped { bytes: [b'+', 0, 0], len: 1 },
        _ => Escaped { bytes: [b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]], len: 3 },
    }
}

/// The serializer as a table: one entry per byte value.
#[allow(clippy::indexing_slicing)] // const evaluation, b < 256
static FORM: [Escaped; 256] = {
    let mut table = [Escaped { bytes: [0; 3], len: 0 }; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = escaped(b as u8);
        b += 1;
    }
    table
};

#[allow(clippy::indexing_slicing)] // a u8 is always < 256, the table's length
fn entry(b: u8) -> Escaped {
    FORM[usize::from(b)]
}

/// The length of `bytes` once form-encoded.
pub(crate) fn encoded_len(bytes: &[u8]) -> usize {
    bytes.iter().map(|&b| usize::from(entry(b).len)).sum()
}

/// Appends `bytes` form-encoded to `out`: one pass over the table, no allocation when `out` has room for three
/// bytes per input byte (the buffer grows once otherwise).
pub(crate) fn put_encoded(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    out.resize(start + 3 * bytes.len(), 0);
    let mut at = start;
    if let Some(dst) = out.get_mut(start..) {
        let mut at_dst = 0;
        for &b in bytes {
            let e = entry(b);
            if let Some(slot) = dst.get_mut(at_dst..at_dst + 3) {
                slot.copy_from_slice(&e.bytes);
            }
            at_dst += usize::from(e.len);
        }
        at += at_dst;
    }
    out.truncate(at);
}

/// Where a request's bytes go.
pub(crate) trait Sink {
    /// Appends form syntax (parameter names, `=`, `&`), written as is.
    fn put_raw(&mut self, bytes: &[u8]);
    /// Appends bytes of a value in the transport charset, form-encoded.
    fn put_value(&mut self, bytes: &[u8]);
    /// A position to roll back to.
    fn mark(&self) -> usize;
    /// Forgets everything written since `mark`.
    fn rollback(&mut self, mark: usize);
}

/// Validation only: the bytes go nowhere.
pub(crate) struct Discard;

impl Sink for Discard {
    fn put_raw(&mut self, _: &[u8]) {}
    fn put_value(&mut self, _: &[u8]) {}
    fn mark(&self) -> usize {
        0
    }
    fn rollback(&mut self, _: usize) {}
}

/// The exact length of the body.
pub(crate) struct Count(pub(crate) usize);

impl Sink for Count {
    fn put_raw(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
    fn put_value(&mut self, bytes: &[u8]) {
        self.0 += encoded_len(bytes);
    }
    fn mark(&self) -> usize {
        self.0
    }
    fn rollback(&mut self, mark: usize) {
        self.0 = mark;
    }
}

impl Sink for Vec<u8> {
    fn put_raw(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn put_value(&mut self, bytes: &[u8]) {
        put_encoded(self, bytes);
    }
    fn mark(&self) -> usize {
        self.len()
    }
    fn rollback(&mut self, mark: usize) {
        self.truncate(mark);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

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
    fn every_byte_is_written_as_the_serializer_says() {
        let all: Vec<u8> = (0..=255).collect();
        let mut out = b"x=".to_vec();
        put_encoded(&mut out, &all);
        let expected: Vec<u8> = b"x=".iter().copied().chain(all.iter().flat_map(|&b| model(b))).collect();
        assert_eq!(out, expected);
        assert_eq!(encoded_len(&all), expected.len() - 2);
        let mut count = Count(0);
        count.put_value(&all);
        assert_eq!(count.0, expected.len() - 2);
    }
}
