//! The three request charsets, a gateway's [`TextPolicy`], and the per-character rules every text value is checked
//! against.
//!
//! All conversions go through encoding_rs's `*_without_replacement` encoder API, so an unmappable character is
//! reported instead of being written as `&#NNNN;` (what `Encoding::encode` does).

use core::fmt;

use encoding_rs::{EUC_JP, EncoderResult, Encoding, SHIFT_JIS};

use crate::text::Tables;

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
