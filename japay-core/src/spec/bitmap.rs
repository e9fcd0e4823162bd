//! Bitmap kinds: [`BitmapSpec`] (hyphenated groups of `0`/`1` digits) and its positions.

/// A bitmap kind: `0`/`1` digits in hyphenated groups, each position a named flag.
#[derive(Debug)]
#[non_exhaustive]
pub struct BitmapSpec {
    /// The bitmap's name in the spec.
    pub name: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// What a value looks like, in words (used in `pattern` violations).
    pub description: &'static str,
    /// Group lengths of the current form.
    pub groups: &'static [u8],
    /// Group lengths of each older, shorter form whose missing positions are 0 (empty: none). Each covers the first
    /// positions in order (every group but its last as long as the current one, the last at most as long).
    pub legacy_groups: &'static [&'static [u8]],
    /// The positions.
    pub positions: &'static [BitmapPosition],
    /// Where it comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about it as a whole. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
}

impl BitmapSpec {
    /// A bitmap with its group layout and positions.
    pub const fn new(
        name: &'static str,
        description: &'static str,
        groups: &'static [u8],
        positions: &'static [BitmapPosition],
    ) -> BitmapSpec {
        BitmapSpec {
            name,
            meaning: "",
            description,
            groups,
            legacy_groups: &[],
            positions,
            source: "",
            uncertain: None,
        }
    }

    /// The same bitmap with its legacy group layouts.
    #[must_use]
    pub const fn with_legacy_groups(mut self, groups: &'static [&'static [u8]]) -> BitmapSpec {
        self.legacy_groups = groups;
        self
    }

    /// The same bitmap with its meaning and provenance.
    #[must_use]
    pub const fn with_source(
        mut self,
        meaning: &'static str,
        source: &'static str,
        uncertain: Option<&'static str>,
    ) -> BitmapSpec {
        self.meaning = meaning;
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// Parses a wire value into its set bits (bit `i` = 1-based position `i + 1`) and whether it was written in a
    /// legacy form; `None` when it matches no layout (or has more than 64 positions).
    pub fn parse(&self, s: &str) -> Option<(u64, bool)> {
        if let Some(bits) = parse_groups(s.as_bytes(), self.groups) {
            return Some((bits, false));
        }
        // at most a few layouts, each tried once: linear in the value
        self.legacy_groups.iter().find_map(|groups| parse_groups(s.as_bytes(), groups)).map(|bits| (bits, true))
    }

    /// Whether `s` is a valid value: the same answer as `self.parse(s).is_some()`, without computing the bits.
    pub fn is_valid(&self, s: &str) -> bool {
        matches_groups(s.as_bytes(), self.groups)
            || self.legacy_groups.iter().any(|groups| matches_groups(s.as_bytes(), groups))
    }

    /// The position with this 1-based number.
    pub fn position(&self, pos: u8) -> Option<&'static BitmapPosition> {
        self.positions.iter().find(|p| p.pos == pos)
    }

    /// The position with this label (`1`…`9`, `A`…).
    pub fn label(&self, label: &str) -> Option<&'static BitmapPosition> {
        self.positions.iter().find(|p| p.label == label)
    }
}

/// Whether `s` is `0`/`1` digits in groups of exactly these lengths joined by `-` (at most 64 digits).
fn matches_groups(s: &[u8], groups: &[u8]) -> bool {
    let digits: usize = groups.iter().map(|&g| usize::from(g)).sum();
    if groups.is_empty() || digits > 64 || s.len() != digits + groups.len() - 1 {
        return false;
    }
    // eight bytes at a time, branch-free: every byte `0`, `1` or `-`, and as many `-` as group joints …
    let (mut others, mut hyphens) = (0u64, 0u64);
    let mut words = s.chunks_exact(8);
    let mut check = |word: [u8; 8]| {
        let w = u64::from_le_bytes(word);
        let digit = zero_bytes((w | splat(1)) ^ splat(b'1'));
        let hyphen = zero_bytes(w ^ splat(b'-'));
        others |= !(digit | hyphen) & splat(0x80);
        hyphens += hyphen >> 7; // one counter per byte lane, each at most 16
    };
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        check(w);
    }
    let mut last = [b'0'; 8];
    if let Some(head) = last.get_mut(..words.remainder().len()) {
        head.copy_from_slice(words.remainder());
    }
    check(last);
    let hyphens = hyphens.wrapping_mul(splat(1)) >> 56; // the sum of the lanes
    if others != 0 || hyphens != (groups.len() - 1) as u64 {
        return false;
    }
    // … each of them at a joint, so that every other byte is a digit
    let mut at = 0usize;
    for &len in groups.split_last().map_or(&[][..], |(_, init)| init) {
        at += usize::from(len);
        if s.get(at) != Some(&b'-') {
            return false;
        }
        at += 1;
    }
    true
}

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// 0x80 in every byte of `v` that is zero, 0 in the others (exact: no borrow crosses bytes).
#[inline]
fn zero_bytes(v: u64) -> u64 {
    let low7 = splat(0x7F);
    !(((v & low7) + low7) | v | low7)
}

/// The bits of `s` when it is `0`/`1` digits in groups of exactly these lengths joined by `-` (at most 64 digits), in
/// one pass over the bytes.
fn parse_groups(s: &[u8], groups: &[u8]) -> Option<u64> {
    if groups.is_empty() {
        return None;
    }
    let mut bits = 0u64;
    let mut pos = 0u32;
    let mut at = 0usize;
    for (g, &len) in groups.iter().enumerate() {
        if g > 0 {
            if s.get(at) != Some(&b'-') {
                return None;
            }
            at += 1;
        }
        for &b in s.get(at..at + usize::from(len))? {
            if pos >= 64 {
                return None;
            }
            match b {
                b'0' => {}
                b'1' => bits |= 1 << pos,
                _ => return None,
            }
            pos += 1;
        }
        at += usize::from(len);
    }
    (at == s.len()).then_some(bits)
}

/// One position of a bitmap.
#[derive(Debug)]
#[non_exhaustive]
pub struct BitmapPosition {
    /// 1-based position over all digits.
    pub pos: u8,
    /// The official label (`1`…`9`, `A`…`Y`).
    pub label: &'static str,
    /// English id.
    pub key: &'static str,
    /// Japanese name.
    pub ja: &'static str,
    /// English name.
    pub en: &'static str,
    /// Where it comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about it. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
}

impl BitmapPosition {
    /// A position.
    pub const fn new(pos: u8, label: &'static str, key: &'static str, ja: &'static str, en: &'static str) -> Self {
        BitmapPosition { pos, label, key, ja, en, source: "", uncertain: None }
    }

    /// The same position with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> Self {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same, with its source (and nothing uncertain).
    #[must_use]
    pub const fn with_source_text(mut self, source: &'static str) -> Self {
        self.source = crate::meta::text(source);
        self
    }
}
