//! The three request charsets, a gateway's [`TextPolicy`], and the per-character rules every text value is checked
//! against.
//!
//! All conversions go through encoding_rs's `*_without_replacement` encoder API, so an unmappable character is
//! reported instead of being written as `&#NNNN;` (what `Encoding::encode` does).
//!
//! A policy also carries what the text path's bulk check derives from its character tables (`Tables`, computed with
//! the policy), so this module uses no other module of the crate: the text path (`text.rs`) and the form writer
//! (`form.rs`, for the EUC-JP row check) build on it, never the other way round.

use core::fmt;

use encoding_rs::{EUC_JP, EncoderResult, Encoding, SHIFT_JIS};

/// A charset a request can be sent in.
///
/// encoding_rs's `SHIFT_JIS` is the WHATWG Shift_JIS, which is CP932 (Windows-31J) in practice: it has the NEC and
/// IBM extensions (①, ㈱, 髙) and maps U+FF5E ～ rather than U+301C 〜.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Charset {
    /// CP932 (Windows-31J, "S-JIS" in the official tables); the default.
    #[default]
    Cp932,
    /// EUC-JP (JIS X 0208 plus half-width kana; JIS X 0212 is never produced).
    EucJp,
    /// UTF-8 (sent with `version=2` and `charset`/`character_code=UTF8`; limits still count CP932 bytes).
    Utf8,
}

impl Charset {
    /// Every charset, in CLI order.
    pub const ALL: [Charset; 3] = [Charset::Cp932, Charset::EucJp, Charset::Utf8];

    /// The display name used in messages: `CP932`, `EUC-JP`, `UTF-8`.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Cp932 => "CP932",
            Charset::EucJp => "EUC-JP",
            Charset::Utf8 => "UTF-8",
        }
    }

    /// The lower-case option value used by the CLI: `cp932`, `euc-jp`, `utf-8`.
    pub fn label(self) -> &'static str {
        match self {
            Charset::Cp932 => "cp932",
            Charset::EucJp => "euc-jp",
            Charset::Utf8 => "utf-8",
        }
    }

    /// Parses a label, ignoring ASCII case: `cp932`, `shift_jis`, `shift-jis`, `sjis`, `windows-31j`, `ms932`,
    /// `x-sjis-cp932` (a label gateways write in their XML declarations), `euc-jp`, `eucjp`, `euc_jp`, `utf-8`,
    /// `utf8`, `utf_8`.
    pub fn from_label(label: &str) -> Option<Charset> {
        const LABELS: [(&str, Charset); 12] = [
            ("cp932", Charset::Cp932),
            ("shift_jis", Charset::Cp932),
            ("shift-jis", Charset::Cp932),
            ("sjis", Charset::Cp932),
            ("windows-31j", Charset::Cp932),
            ("ms932", Charset::Cp932),
            ("x-sjis-cp932", Charset::Cp932),
            ("euc-jp", Charset::EucJp),
            ("eucjp", Charset::EucJp),
            ("euc_jp", Charset::EucJp),
            ("utf-8", Charset::Utf8),
            ("utf8", Charset::Utf8),
        ];
        if label.eq_ignore_ascii_case("utf_8") {
            return Some(Charset::Utf8);
        }
        LABELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(label)).map(|(_, c)| *c)
    }

    /// The index of the charset in [`Charset::ALL`].
    pub const fn index(self) -> usize {
        match self {
            Charset::Cp932 => 0,
            Charset::EucJp => 1,
            Charset::Utf8 => 2,
        }
    }

    pub(crate) fn encoding(self) -> Option<&'static Encoding> {
        match self {
            Charset::Cp932 => Some(SHIFT_JIS),
            Charset::EucJp => Some(EUC_JP),
            Charset::Utf8 => None,
        }
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The bytes of one character in a charset (at most 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CharBytes {
    buf: [u8; 4],
    len: u8,
}

impl CharBytes {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// How many bytes.
    #[allow(clippy::len_without_is_empty)] // a character is never zero bytes
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }
}

/// The characters encoding_rs encodes in CP932 and in EUC-JP that decode as another character (U+00A5 ¥ → `\`,
/// U+203E ‾ → `~`, U+2212 − → U+FF0D －): never representable, whatever a policy's own `lossy` table says, so a
/// gateway that forgets them cannot lose data. The test suite checks the list against every Unicode scalar value.
pub const ROUND_TRIP_LOSSY: [char; 3] = ['\u{A5}', '\u{203E}', '\u{2212}'];

/// CP932 code ranges a gateway refuses: (first code, last code, what the range is), inclusive; a two-byte code is
/// `lead << 8 | trail`.
pub type Cp932Refused = &'static [(u16, u16, &'static str)];

/// A gateway's rules for text values: which charsets every character must survive, which charset byte limits are
/// counted in for each transport, and the character tables of its spec (look-alikes, lossy characters, refused
/// EUC-JP rows).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct TextPolicy {
    /// For each transport charset (indexed by [`Charset::index`]), the charset byte limits are counted in.
    pub limit_charsets: [Charset; 3],
    /// A charset every text value must be representable in, whatever the transport (the gateway's storage charset).
    pub stored_in: Option<Charset>,
    /// Look-alikes the normalize option maps, as (from, to).
    pub normalize: &'static [(char, char)],
    /// Characters that encode in CP932/EUC-JP but decode as another character (the spec's list; the core refuses
    /// [`ROUND_TRIP_LOSSY`] in any case).
    pub lossy: &'static [char],
    /// EUC-JP lead bytes of rows refused when sending EUC-JP.
    pub euc_jp_rejected_lead_bytes: &'static [u8],
    /// CP932 codes the gateway refuses in every text value, whatever the transport, as inclusive ranges (first code,
    /// last code, what the range is); a two-byte code is `lead << 8 | trail`.
    pub cp932_refused: Cp932Refused,
    /// What the text checks derive from the tables, without and with normalization: computed with the policy (at
    /// compile time for a `static`), not per request.
    tables: [Tables; 2],
}

impl fmt::Debug for TextPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextPolicy")
            .field("limit_charsets", &self.limit_charsets)
            .field("stored_in", &self.stored_in)
            .field("normalize", &self.normalize)
            .field("lossy", &self.lossy)
            .field("euc_jp_rejected_lead_bytes", &self.euc_jp_rejected_lead_bytes)
            .field("cp932_refused", &self.cp932_refused)
            .finish()
    }
}

impl TextPolicy {
    /// Limits count the transport's own bytes; no storage charset; no tables.
    pub const fn new() -> TextPolicy {
        TextPolicy {
            limit_charsets: Charset::ALL,
            stored_in: None,
            normalize: &[],
            lossy: &[],
            euc_jp_rejected_lead_bytes: &[],
            cp932_refused: &[],
            tables: [Tables::of(&[], &[], &[], false), Tables::of(&[], &[], &[], true)],
        }
    }

    /// The same policy refusing these CP932 codes (inclusive ranges with what they are) in every text value.
    #[must_use]
    pub const fn with_cp932_refused(mut self, refused: Cp932Refused) -> TextPolicy {
        self.cp932_refused = refused;
        self
    }

    /// What the range of [`TextPolicy::cp932_refused`] that holds `c`'s CP932 code is, when one does.
    pub fn refused(&self, c: char) -> Option<&'static str> {
        if self.cp932_refused.is_empty() || c.is_ascii() {
            return None;
        }
        let bytes = encode_char_with(c, Charset::Cp932, &[], &[], &[])?;
        match *bytes.as_bytes() {
            [lead, trail] => cp932_refused_range(u16::from(lead) << 8 | u16::from(trail), self.cp932_refused),
            [single] => cp932_refused_range(u16::from(single), self.cp932_refused),
            _ => None,
        }
    }

    /// The same policy, counting limits in `count_in` when sending `sent_in`.
    #[must_use]
    #[allow(clippy::indexing_slicing)] // Charset::index() < 3 = the array's length
    pub const fn count_in(mut self, sent_in: Charset, count_in: Charset) -> TextPolicy {
        self.limit_charsets[sent_in.index()] = count_in;
        self
    }

    /// The same policy with a storage charset every value must be representable in.
    #[must_use]
    pub const fn stored_in(mut self, charset: Charset) -> TextPolicy {
        self.stored_in = Some(charset);
        self
    }

    /// The same policy with its character tables.
    #[must_use]
    pub const fn with_tables(
        mut self,
        normalize: &'static [(char, char)],
        lossy: &'static [char],
        euc_jp_rejected_lead_bytes: &'static [u8],
    ) -> TextPolicy {
        self.normalize = normalize;
        self.lossy = lossy;
        self.euc_jp_rejected_lead_bytes = euc_jp_rejected_lead_bytes;
        self.tables = [
            Tables::of(lossy, normalize, euc_jp_rejected_lead_bytes, false),
            Tables::of(lossy, normalize, euc_jp_rejected_lead_bytes, true),
        ];
        self
    }

    /// The precomputed text tables, for values normalized or not.
    pub(crate) fn tables(&self, normalize: bool) -> &Tables {
        let [plain, normalized] = &self.tables;
        if normalize { normalized } else { plain }
    }

    /// The charset byte limits are counted in when a request is sent in `sent_in`.
    pub fn limit_charset(&self, sent_in: Charset) -> Charset {
        self.limit_charsets.get(sent_in.index()).copied().unwrap_or(sent_in)
    }

    /// The look-alike `c` is normalized to by the normalize option, if any.
    pub fn normalized(&self, c: char) -> Option<char> {
        if c.is_ascii() {
            return None;
        }
        self.normalize.iter().find(|(from, _)| *from == c).map(|(_, to)| *to)
    }

    /// Encodes one character, or returns `None` when it is not representable in `charset`.
    ///
    /// Representable means: the character encodes, and the bytes decode back to the same character. Characters in the
    /// policy's `lossy` table (U+00A5, U+203E and U+2212 encode in CP932 and EUC-JP but come back as `\\`, `~` and
    /// U+FF0D) are not representable. In EUC-JP, two-byte characters whose lead byte the policy refuses are not
    /// representable either, nor, in CP932, the codes of [`TextPolicy::cp932_refused`]. UTF-8 represents every
    /// character.
    pub fn encode_char(&self, c: char, charset: Charset) -> Option<CharBytes> {
        encode_char_with(c, charset, self.lossy, self.euc_jp_rejected_lead_bytes, self.cp932_refused)
    }
}

impl Default for TextPolicy {
    fn default() -> TextPolicy {
        TextPolicy::new()
    }
}

/// [`TextPolicy::encode_char`].
fn encode_char_with(
    c: char,
    charset: Charset,
    lossy: &[char],
    euc_jp_rejected_lead_bytes: &[u8],
    cp932_refused: &[(u16, u16, &'static str)],
) -> Option<CharBytes> {
    let mut out = CharBytes { buf: [0; 4], len: 0 };
    let Some(encoding) = charset.encoding() else {
        let n = c.encode_utf8(&mut out.buf).len();
        out.len = n as u8; // n <= 4
        return Some(out);
    };
    if c.is_ascii() {
        out.buf[0] = c as u8; // ASCII maps to itself in CP932 and EUC-JP
        out.len = 1;
        return Some(out);
    }
    if ROUND_TRIP_LOSSY.contains(&c) || lossy.contains(&c) {
        return None;
    }
    let mut src = [0u8; 4];
    let src = c.encode_utf8(&mut src);
    let mut encoder = encoding.new_encoder();
    let (result, _read, written) = encoder.encode_from_utf8_without_replacement(src, &mut out.buf, true);
    if charset == Charset::EucJp && written == 2 && euc_jp_rejected_lead_bytes.contains(&out.buf[0]) {
        return None; // refused rows (e.g. NEC/IBM extensions: not JIS X 0208)
    }
    if charset == Charset::Cp932 && written == 2 {
        let code = u16::from(out.buf[0]) << 8 | u16::from(out.buf[1]);
        if cp932_refused_range(code, cp932_refused).is_some() {
            return None; // a code the gateway refuses
        }
    }
    match result {
        EncoderResult::InputEmpty if written > 0 => {
            out.len = written as u8; // written <= 4
            Some(out)
        }
        _ => None,
    }
}

/// The name of the range of `refused` that holds the CP932 `code`, if any.
pub(crate) fn cp932_refused_range(code: u16, refused: &[(u16, u16, &'static str)]) -> Option<&'static str> {
    refused.iter().find(|(first, last, _)| (*first..=*last).contains(&code)).map(|(_, _, name)| *name)
}

/// What the text path's bulk check derives from a policy's character tables: computed with the policy (at compile
/// time for a `static`), not per request or per value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tables {
    /// The code point span of the lossy characters.
    pub(crate) lossy: (u32, u32),
    /// The code point span of the look-alikes to map (empty without normalize).
    pub(crate) look_alikes: (u32, u32),
    /// The largest UTF-8 lead byte of a character that may need a look (C1 controls, lossy characters,
    /// look-alikes); characters with a larger lead byte are skipped without decoding.
    pub(crate) last_suspect_lead: u8,
    /// The second UTF-8 byte of the highest such character.
    pub(crate) last_suspect_second: u8,
    /// EUC-JP characters by their first byte ([`euc_jp_table`]).
    pub(crate) refused: [u8; 256],
    /// The bytes of a text value that need a look: C0 controls, DEL, and the lead bytes up to `last_suspect_lead`.
    pub(crate) suspects: ByteSet,
    /// The policy tables these were computed from (lossy, look-alikes, refused lead bytes).
    from: (&'static [char], &'static [(char, char)], &'static [u8]),
}

impl Tables {
    /// The tables of `policy`, for values normalized or not: the ones computed when the policy was built, unless its
    /// tables were replaced since (its fields are public), then computed now.
    pub(crate) fn new(policy: &TextPolicy, normalize: bool) -> Tables {
        match Tables::cached(policy, normalize) {
            Some(cached) => *cached,
            None => Tables::of(policy.lossy, policy.normalize, policy.euc_jp_rejected_lead_bytes, normalize),
        }
    }

    /// The tables computed when `policy` was built, unless its tables were replaced since (then [`Tables::new`]
    /// computes them): a reference, so that a request does not copy them.
    pub(crate) fn cached(policy: &TextPolicy, normalize: bool) -> Option<&Tables> {
        let cached = policy.tables(normalize);
        let (lossy, look_alikes, refused) = cached.from;
        (core::ptr::eq(lossy, policy.lossy)
            && core::ptr::eq(look_alikes, policy.normalize)
            && core::ptr::eq(refused, policy.euc_jp_rejected_lead_bytes))
        .then_some(cached)
    }

    /// The tables of a policy's character tables (lossy characters, look-alikes, refused EUC-JP lead bytes), for
    /// values normalized or not; computed when the policy is built.
    pub(crate) const fn of(
        lossy_chars: &'static [char],
        normalize_table: &'static [(char, char)],
        refused: &'static [u8],
        normalize: bool,
    ) -> Tables {
        let (table, always) = (span_of(lossy_chars, &[]), span_of(&ROUND_TRIP_LOSSY, &[]));
        let lossy =
            (if table.0 < always.0 { table.0 } else { always.0 }, if table.1 > always.1 { table.1 } else { always.1 });
        let look_alikes = if normalize { span_of(&[], normalize_table) } else { (u32::MAX, 0) };
        let mut highest = if lossy.1 > 0x9F { lossy.1 } else { 0x9F };
        if normalize && look_alikes.1 > highest {
            highest = look_alikes.1;
        }
        // the first two UTF-8 bytes of `highest` (a character: lossy characters and look-alikes are `char`s)
        let (last_suspect_lead, last_suspect_second) = match highest {
            0..=0x7FF => (0xC0 | (highest >> 6) as u8, 0x80 | (highest & 0x3F) as u8),
            0x800..=0xFFFF => (0xE0 | (highest >> 12) as u8, 0x80 | ((highest >> 6) & 0x3F) as u8),
            _ => (0xF0 | (highest >> 18) as u8, 0x80 | ((highest >> 12) & 0x3F) as u8),
        };
        // C0 controls: bits 0-31 of the first word; DEL: bit 63 of the second; lead bytes 0xC0..=last: the fourth
        let leads = match last_suspect_lead.checked_sub(0xC0) {
            Some(n) if n >= 63 => u64::MAX,
            Some(n) => (2u64 << n) - 1,
            None => 0,
        };
        let suspects = ByteSet([0xFFFF_FFFF, 1 << 63, 0, leads]);
        Tables {
            lossy,
            look_alikes,
            last_suspect_lead,
            last_suspect_second,
            refused: euc_jp_table(refused),
            suspects,
            from: (lossy_chars, normalize_table, refused),
        }
    }
}

/// The smallest and largest code point of `chars` and of the first characters of `pairs` (an empty span for none).
#[allow(clippy::indexing_slicing)] // const evaluation: i < len
const fn span_of(chars: &[char], pairs: &[(char, char)]) -> (u32, u32) {
    let (mut lo, mut hi) = (u32::MAX, 0);
    let mut i = 0;
    while i < chars.len() + pairs.len() {
        let c = if i < chars.len() { chars[i] as u32 } else { pairs[i - chars.len()].0 as u32 };
        if c < lo {
            lo = c;
        }
        if c > hi {
            hi = c;
        }
        i += 1;
    }
    (lo, hi)
}

/// A set of bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    #[inline]
    #[allow(clippy::indexing_slicing)] // b >> 6 < 4, the array's length
    pub(crate) fn contains(self, b: u8) -> bool {
        (self.0[usize::from(b >> 6)] >> (b & 63)) & 1 == 1
    }
}

/// EUC-JP characters by their first byte, for a policy's refused lead bytes `refused`: bits 0-1, the character's
/// length (one for ASCII, three after 8F, two after any other byte from 80); bit 7, set for a refused lead byte.
/// ASCII bytes, 8E (half-width kana) and 8F (JIS X 0212) are never refused rows and never flagged.
#[allow(clippy::indexing_slicing)] // const evaluation: i < len, b < 256
const fn euc_jp_table(refused: &[u8]) -> [u8; 256] {
    let mut table = [2u8; 256];
    let mut b = 0;
    while b < 0x80 {
        table[b] = 1;
        b += 1;
    }
    table[0x8F] = 3;
    let mut i = 0;
    while i < refused.len() {
        let b = refused[i];
        if b >= 0x80 && b != 0x8E && b != 0x8F {
            table[b as usize] |= 0x80;
        }
        i += 1;
    }
    table
}

/// Whether EUC-JP bytes (whole characters, as the encoder writes them) hold a two-byte character whose lead byte is
/// refused ([`euc_jp_table`]). Steps from character to character with one table look-up per character.
#[allow(clippy::indexing_slicing)] // a u8 is always < 256, the table's length
pub(crate) fn euc_jp_refused(bytes: &[u8], table: &[u8; 256]) -> bool {
    let mut hit = 0u8;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let t = table[usize::from(b)];
        hit |= t;
        i += usize::from(t & 3);
    }
    hit & 0x80 != 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may panic
mod tests {
    use super::*;

    const LOSSY: &[char] = &['\u{A5}', '\u{203E}', '\u{2212}'];
    const NORMALIZE: &[(char, char)] = &[('\u{301C}', '\u{FF5E}'), ('\u{A6}', '\u{FFE4}'), ('\u{A5}', '\u{FFE5}')];
    static POLICY: TextPolicy = TextPolicy::new()
        .count_in(Charset::Utf8, Charset::Cp932)
        .stored_in(Charset::Cp932)
        .with_tables(NORMALIZE, LOSSY, &[0xAD, 0xF9, 0xFA, 0xFB, 0xFC]);

    #[test]
    fn tables_are_computed_with_the_policy_and_recomputed_when_its_tables_change() {
        static LOSSY_CHARS: [char; 6] = ['\u{A0}', '\u{7FF}', '\u{800}', '\u{2212}', '\u{FFFF}', '\u{10000}'];
        for (i, &c) in LOSSY_CHARS.iter().enumerate() {
            let tables = Tables::of(LOSSY_CHARS.get(i..=i).unwrap(), &[], &[], false);
            let mut utf8 = [0; 4];
            c.max('\u{2212}').encode_utf8(&mut utf8); // ROUND_TRIP_LOSSY is always in the span
            assert_eq!((tables.last_suspect_lead, tables.last_suspect_second), (utf8[0], utf8[1]), "{c:?}");
        }
        let cached = Tables::new(&POLICY, true);
        assert_eq!((cached.lossy, cached.look_alikes), ((0xA5, 0x2212), (0xA5, 0x301C)));
        let mut changed = POLICY;
        changed.lossy = &['\u{A5}', '\u{FF5E}'];
        assert_eq!(Tables::new(&changed, true).lossy, (0xA5, 0xFF5E)); // with ROUND_TRIP_LOSSY
    }
}
