//! The three request charsets and the per-character rules every text value is checked against.
//!
//! All conversions go through encoding_rs's `*_without_replacement` encoder API, one character at a time, so an
//! unmappable character is reported instead of being written as `&#NNNN;` (what `Encoding::encode` does).

use core::fmt;

use encoding_rs::{EUC_JP, EncoderResult, Encoding, SHIFT_JIS};

use crate::generated::{EUC_JP_REJECTED_LEAD_BYTES, LOSSY, NORMALIZE};

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

    /// Parses a label (`cp932`, `shift_jis`, `sjis`, `windows-31j`, `euc-jp`, `eucjp`, `utf-8`, `utf8`), ignoring
    /// ASCII case.
    pub fn from_label(label: &str) -> Option<Charset> {
        let l = label.to_ascii_lowercase();
        match l.as_str() {
            "cp932" | "shift_jis" | "shift-jis" | "sjis" | "windows-31j" | "ms932" => Some(Charset::Cp932),
            "euc-jp" | "eucjp" | "euc_jp" => Some(Charset::EucJp),
            "utf-8" | "utf8" => Some(Charset::Utf8),
            _ => None,
        }
    }

    /// The charset byte limits are counted in when a request is sent in `self`: EUC-JP for EUC-JP, CP932 otherwise
    /// (the gateway converts UTF-8 requests and stores CP932).
    pub fn limit_charset(self) -> Charset {
        match self {
            Charset::EucJp => Charset::EucJp,
            Charset::Cp932 | Charset::Utf8 => Charset::Cp932,
        }
    }

    fn encoding(self) -> Option<&'static Encoding> {
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

/// Encodes one character, or returns `None` when it is not representable in `charset`.
///
/// Representable means: the character encodes, and the bytes decode back to the same character. U+00A5, U+203E and
/// U+2212 encode in CP932 and EUC-JP but come back as `\`, `~` and U+FF0D (`LOSSY`, from `spec/charsets.yaml`), so
/// they are not representable. In EUC-JP, the NEC/IBM extension rows (13, 89-92: ①, ㈱, 髙, …) that encoding_rs
/// encodes but JIS X 0208 decoders lack are not representable either (`spec/charsets.yaml`). UTF-8 represents every
/// character.
pub fn encode_char(c: char, charset: Charset) -> Option<CharBytes> {
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
    if LOSSY.contains(&c) {
        return None;
    }
    let mut src = [0u8; 4];
    let src = c.encode_utf8(&mut src);
    let mut encoder = encoding.new_encoder();
    let (result, _read, written) = encoder.encode_from_utf8_without_replacement(src, &mut out.buf, true);
    if charset == Charset::EucJp && written == 2 && EUC_JP_REJECTED_LEAD_BYTES.contains(&out.buf[0]) {
        return None; // NEC/IBM extension rows: not JIS X 0208
    }
    match result {
        EncoderResult::InputEmpty if written > 0 => {
            out.len = written as u8; // written <= 4
            Some(out)
        }
        _ => None,
    }
}

/// The look-alike `c` is normalized to by the normalize option (`spec/charsets.yaml`), if any.
pub fn normalized(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    NORMALIZE.iter().find(|(from, _)| *from == c).map(|(_, to)| *to)
}

/// Why a text value cannot be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unrepresentable {
    pub(crate) ch: char,
    pub(crate) char_index: usize,
    pub(crate) charset: Charset,
}

/// Whether `c` needs the character-by-character path: a lossy character, or a look-alike to normalize.
fn special(c: char, normalize: bool) -> bool {
    !c.is_ascii() && (LOSSY.contains(&c) || (normalize && normalized(c).is_some()))
}

/// Encodes `value` for sending in `sent_in`, handing the transport bytes to `emit` in chunks, after checking that
/// every character is representable in CP932, and in EUC-JP too when sending EUC-JP. With `normalize`, look-alikes
/// are mapped first. Returns the value's length in the limit charset ([`Charset::limit_charset`]). Allocation-free.
///
/// CP932 and UTF-8 text without lossy characters or look-alikes goes through one encoding_rs encoder call per
/// 128 output bytes; everything else character by character through [`encode_char`].
pub(crate) fn encode_text(
    value: &str,
    sent_in: Charset,
    normalize: bool,
    mut emit: impl FnMut(&[u8]),
) -> Result<usize, Unrepresentable> {
    if value.is_ascii() {
        emit(value.as_bytes());
        return Ok(value.len());
    }
    if sent_in != Charset::EucJp && !value.chars().any(|c| special(c, normalize)) {
        let mut encoder = SHIFT_JIS.new_encoder();
        let mut buf = [0u8; 128];
        let mut src = value;
        let mut total = 0usize;
        loop {
            let (result, read, written) = encoder.encode_from_utf8_without_replacement(src, &mut buf, true);
            let chunk = buf.get(..written).unwrap_or(&[]);
            if sent_in == Charset::Cp932 {
                emit(chunk);
            }
            total += written;
            let consumed = value.len() - src.len() + read;
            src = src.get(read..).unwrap_or("");
            match result {
                EncoderResult::InputEmpty => break,
                EncoderResult::OutputFull => {}
                EncoderResult::Unmappable(ch) => {
                    let char_index = value.get(..consumed).map_or(0, |p| p.chars().count().saturating_sub(1));
                    return Err(Unrepresentable { ch, char_index, charset: Charset::Cp932 });
                }
            }
        }
        if sent_in == Charset::Utf8 {
            emit(value.as_bytes());
        }
        return Ok(total);
    }
    let count_in = sent_in.limit_charset();
    let mut total = 0usize;
    for (char_index, c) in value.chars().enumerate() {
        let c = if normalize { normalized(c).unwrap_or(c) } else { c };
        let fail = |charset| Unrepresentable { ch: c, char_index, charset };
        let cp932 = encode_char(c, Charset::Cp932).ok_or_else(|| fail(Charset::Cp932))?;
        let sent = match sent_in {
            Charset::EucJp => encode_char(c, Charset::EucJp).ok_or_else(|| fail(Charset::EucJp))?,
            Charset::Utf8 => encode_char(c, Charset::Utf8).ok_or_else(|| fail(Charset::Utf8))?,
            Charset::Cp932 => cp932,
        };
        emit(sent.as_bytes());
        total += if count_in == Charset::EucJp { sent.len() } else { cp932.len() };
    }
    Ok(total)
}

/// Counts the bytes of `value` in the limit charset of `sent_in`; see [`encode_text`].
pub(crate) fn text_len(value: &str, sent_in: Charset, normalize: bool) -> Result<usize, Unrepresentable> {
    encode_text(value, sent_in, normalize, |_| {})
}
