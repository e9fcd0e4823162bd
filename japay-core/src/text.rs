//! One text value (kinds `text`, `halfwidth_kana`, `fullwidth_kana`) on its way into a request: normalization, the
//! kind's character rule, representability in every charset the [`TextPolicy`] names, the byte count of the limit
//! charset, and the transport bytes handed to a [`Sink`], in one go.
//!
//! Two paths give the same answer:
//!
//! * the bulk path, for valid values: one scan over the characters (the kind's rule, lossy characters, look-alikes),
//!   then one pass per charset into a stack buffer whose bytes go to the sink once per value. The pass writes
//!   ASCII, and every character whose bytes encoding_rs's encoder has already told ([`MEMO`]: symbols, kana, kanji,
//!   full-width forms, remembered per process from the encoder's own answers), directly; it hands only the other
//!   characters to the encoder (`*_without_replacement`, never `Encoding::encode`, which would write `&#NNNN;`).
//!   EUC-JP's refused rows are found by their lead bytes (in the direct output as it is written, in the encoder's
//!   afterwards). What it looks up (suspect bytes, spans, the EUC-JP table) is the policy's [`Tables`], computed with
//!   the policy. It gives up at the first doubt;
//! * the exact path, character by character ([`TextPolicy::encode_char`]), which finds the first offending character
//!   and its position; it runs only when the bulk path gave up (the sink is rolled back first).
//!
//! Sending EUC-JP with CP932 as the storage charset needs no CP932 pass: every character encoding_rs's EUC-JP encoder
//! writes and decodes back is one its Shift_JIS (CP932) encoder writes too (checked for every Unicode scalar value in
//! the tests).

use core::sync::atomic::{AtomicU16, Ordering};

use encoding_rs::{EUC_JP, Encoder, EncoderResult, Encoding, SHIFT_JIS};

use crate::charset::{Charset, Cp932Refused, ROUND_TRIP_LOSSY, Tables, TextPolicy, cp932_refused_range};
use crate::form::{AsciiMask, Discard, Sink};
#[cfg(test)]
use crate::normalize;
use crate::spec::ValueKind;

/// Why a text value cannot be sent; positions count characters of the value after NFC (see [`encode`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A character the kind does not allow (as composed by NFC, before look-alikes are mapped).
    Pattern { ch: char, char_index: usize },
    /// A character (as it would be sent) that `charset` cannot represent.
    Charset { ch: char, char_index: usize, charset: Charset },
    /// A character (as it would be sent) whose CP932 code the gateway refuses; `range` says what it is.
    Refused { ch: char, char_index: usize, range: &'static str },
}

/// Checks and encodes one text value for sending in `sent_in`, handing the transport bytes to `sink`; returns the
/// value's length in the limit charset ([`TextPolicy::limit_charset`]). With `normalize`, the value is composed to
/// NFC first ([`crate::normalize`]), then the policy's look-alikes are mapped.
///
/// Allocation-free, except for a value `normalize` must compose (one `String`). Positions in a [`Fault`] count the
/// characters of the NFC form, which are the caller's characters whenever NFC leaves the value as it is (always
/// without `normalize`). Whatever was handed to `sink` is left there on failure: the caller rolls back.
#[cfg(test)] // the request walk composes itself and calls `encode_nfc`; the tests drive both steps through here
pub(crate) fn encode<S: Sink>(
    value: &str,
    kind: &ValueKind,
    sent_in: Charset,
    normalize: bool,
    (policy, tables): (&TextPolicy, &Tables),
    sink: &mut S,
) -> Result<usize, Fault> {
    if normalize && !normalize::is_nfc_fast(value) {
        let composed = normalize::nfc(value);
        return encode_nfc(&composed, kind, sent_in, normalize, (policy, tables), sink);
    }
    encode_nfc(value, kind, sent_in, normalize, (policy, tables), sink)
}

/// [`encode`] of a value already in NFC (or not to be normalized): the request walk composes once and hands the same
/// text to the per-field checks.
pub(crate) fn encode_nfc<S: Sink>(
    text: &str,
    kind: &ValueKind,
    sent_in: Charset,
    map: bool,
    (policy, tables): (&TextPolicy, &Tables),
    sink: &mut S,
) -> Result<usize, Fault> {
    let mark = sink.mark();
    if let Some(n) = bulk(text, kind, sent_in, map, (policy, tables), sink) {
        return Ok(n);
    }
    sink.rollback(mark);
    exact(text, kind, sent_in, map, policy, sink)
}

/// The bulk path; `None` when anything may be wrong (then [`exact`] decides).
fn bulk<S: Sink>(
    text: &str,
    kind: &ValueKind,
    sent_in: Charset,
    map: bool,
    (policy, tables): (&TextPolicy, &Tables),
    sink: &mut S,
) -> Option<usize> {
    // One scan over the bytes. The tables are short: a character above every lossy character, look-alike and C1
    // control (by its UTF-8 lead byte) needs no look, which is nearly every kana and kanji.
    let (lossy, look_alikes, last_suspect_lead) = (tables.lossy, tables.look_alikes, tables.last_suspect_lead);
    let look_alikes = if map { look_alikes } else { (u32::MAX, 0) };
    let mut mapped = false;
    let mut look = |c: char| look_at(c, kind, (lossy, look_alikes), policy, &mut mapped);
    let bytes = text.as_bytes();
    if matches!(kind, ValueKind::Text) {
        // only controls and characters that may be in a table need a look
        let suspects = tables.suspects;
        let suspect = |b: u8| suspects.contains(b);
        // first a branch-free pass the compiler vectorizes: most values have no suspect byte at all; a character
        // with the last suspect lead byte needs a look only up to the last suspect second byte (U+2212 − is E2 88 92,
        // so ① E2 91 A0 needs none)
        let last = last_suspect_lead;
        // bit 0: a control, DEL or a lead byte below the last suspect one; bit 1: the last suspect lead byte
        let flags = bytes.iter().fold(0u8, |flags, &b| {
            flags | u8::from((b < 0x20) | (b == 0x7F) | ((b >= 0xC0) & (b < last))) | u8::from(b == last) << 1
        });
        let second = tables.last_suspect_second;
        let any = flags & 1 != 0
            || (flags & 2 != 0
                && bytes
                    .iter()
                    .zip(bytes.iter().skip(1))
                    .fold(false, |any, (&b, &next)| any | (b == last) & (next <= second)));
        let mut from = if any { 0 } else { bytes.len() };
        while let Some(at) = bytes.get(from..).and_then(|rest| rest.iter().position(|&b| suspect(b))) {
            let i = from + at;
            look(text.get(i..).and_then(|rest| rest.chars().next())?)?;
            from = i + 1;
        }
    } else if matches!(kind, ValueKind::FullwidthKana)
        && !(look_alikes.0 <= 0x30FC && look_alikes.1 >= 0x3000)
        && !(lossy.0 <= 0x30FC && lossy.1 >= 0x3000)
    {
        // decided on the UTF-8 bytes: no full-width kana is in the policy's lossy or look-alike span
        if !fullwidth_kana(bytes) {
            return None;
        }
    } else {
        let ascii = AsciiMask::new(kind.ascii_mask());
        for (i, &b) in bytes.iter().enumerate() {
            if b < 0x80 {
                if !ascii.contains(b) {
                    return None;
                }
            } else if b >= 0xC0 {
                look(text.get(i..).and_then(|rest| rest.chars().next())?)?;
            }
        }
    }
    let count_in = policy.limit_charset(sent_in);
    // sending EUC-JP implies CP932 (exhaustively tested), unless CP932 codes are refused: then they need the CP932 pass
    let implied =
        sent_in == Charset::EucJp && policy.stored_in == Some(Charset::Cp932) && policy.cp932_refused.is_empty();
    let stored = policy.stored_in.filter(|&s| s != sent_in && !implied);
    let sent_len = pass(text, mapped, (policy, tables), sent_in, sink)?;
    let stored_len = match stored {
        Some(charset) => Some(pass(text, mapped, (policy, tables), charset, &mut Discard)?),
        None => None,
    };
    if count_in == sent_in {
        Some(sent_len)
    } else if stored == Some(count_in) {
        stored_len
    } else {
        pass(text, mapped, (policy, tables), count_in, &mut Discard)
    }
}

/// The bulk path's look at one character that may need it: `None` when the kind refuses it or it is (as sent) a
/// lossy character; sets `mapped` when it is a look-alike the policy maps (within the span `look_alikes`).
#[inline(never)]
fn look_at(
    c: char,
    kind: &ValueKind,
    (lossy, look_alikes): ((u32, u32), (u32, u32)),
    policy: &TextPolicy,
    mapped: &mut bool,
) -> Option<()> {
    if !kind.allows(c) {
        return None;
    }
    let u = c as u32;
    let look_alike = if (look_alikes.0..=look_alikes.1).contains(&u) { policy.normalized(c) } else { None };
    let sent = match look_alike {
        Some(to) => {
            *mapped = true;
            to
        }
        None => c,
    };
    if (lossy.0..=lossy.1).contains(&(sent as u32))
        && (ROUND_TRIP_LOSSY.contains(&sent) || policy.lossy.contains(&sent))
    {
        return None;
    }
    Some(())
}

/// Whether UTF-8 `bytes` are only full-width katakana (U+30A1–U+30F6: E3 82 A1–E3 82 BF and E3 83 80–E3 83 B6),
/// ・ (U+30FB, E3 83 BB), ー (U+30FC, E3 83 BC), the ideographic space (U+3000, E3 80 80) and the space: the rule of
/// [`ValueKind::FullwidthKana`], without decoding a character.
fn fullwidth_kana(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b' ' {
            i += 1;
            continue;
        }
        let ok = matches!(
            (b, bytes.get(i + 1), bytes.get(i + 2)),
            (0xE3, Some(0x82), Some(0xA1..=0xBF))
                | (0xE3, Some(0x83), Some(0x80..=0xB6 | 0xBB | 0xBC))
                | (0xE3, Some(0x80), Some(0x80))
        );
        if !ok {
            return false;
        }
        i += 3;
    }
    true
}

/// Hands `text` (with look-alikes mapped when `mapped`) to `f` in UTF-8 chunks.
fn chunks(text: &str, mapped: bool, policy: &TextPolicy, mut f: impl FnMut(&str) -> Option<()>) -> Option<()> {
    if !mapped {
        return f(text);
    }
    let mut buf = [0u8; 256];
    let mut len = 0;
    for c in text.chars() {
        let c = policy.normalized(c).unwrap_or(c);
        if len + 4 > buf.len() {
            f(core::str::from_utf8(buf.get(..len)?).ok()?)?;
            len = 0;
        }
        len += c.encode_utf8(buf.get_mut(len..)?).len();
    }
    f(core::str::from_utf8(buf.get(..len)?).ok()?)
}

/// Encodes `text` in `charset` with one encoder, handing the bytes to `sink`; `None` when a character is unmappable
/// or (EUC-JP) falls in a refused row. Lossy characters were ruled out before.
fn pass<S: Sink>(
    text: &str,
    mapped: bool,
    (policy, tables): (&TextPolicy, &Tables),
    charset: Charset,
    sink: &mut S,
) -> Option<usize> {
    let mut total = 0;
    let refused = (charset == Charset::EucJp).then_some(&tables.refused);
    let cp932_refused: Cp932Refused = if charset == Charset::Cp932 { policy.cp932_refused } else { &[] };
    let Some(encoding) = charset.encoding() else {
        chunks(text, mapped, policy, |chunk| {
            sink.put_value(chunk.as_bytes());
            total += chunk.len();
            Some(())
        })?;
        return Some(total);
    };
    let mut encoder = None;
    let encoder = &mut encoder;
    let mut buf = [0u8; 128];
    let euc_jp = charset == Charset::EucJp;
    if !mapped {
        encode_str((encoding, encoder), euc_jp, text, &mut buf, (refused, cp932_refused), sink, &mut total)?;
    } else {
        chunks(text, mapped, policy, |chunk| {
            encode_str((encoding, encoder), euc_jp, chunk, &mut buf, (refused, cp932_refused), sink, &mut total)
        })?;
    }
    Some(total)
}

/// The bytes encoding_rs's Shift_JIS (CP932) or, with `euc_jp`, EUC-JP encoder writes for the character `c`, when
/// they are known without calling it: ASCII; CP932's one-byte half-width katakana; the encoder's remembered answer
/// ([`MEMO`]) for the characters of the symbol, CJK and full-width blocks; `None` for every other character, which
/// the encoder itself then writes. The tests check it against encoding_rs for every Unicode scalar value.
#[inline(always)]
fn direct(c: u32, euc_jp: bool) -> Option<([u8; 2], usize)> {
    if c < 0x80 {
        return Some(([c as u8, 0], 1));
    }
    if euc_jp { direct_above_ascii::<true>(c) } else { direct_above_ascii::<false>(c) }
}

/// [`direct`] of a character above ASCII, for one charset.
#[inline(always)]
fn direct_above_ascii<const EUC_JP: bool>(c: u32) -> Option<([u8; 2], usize)> {
    match remembered(c, EUC_JP) {
        Some(bytes) => Some((bytes, 2)),
        // CP932 writes the half-width katakana as one byte (not remembered)
        None if !EUC_JP && (0xFF61..=0xFF9F).contains(&c) => Some(([0xA1 + (c - 0xFF61) as u8, 0], 1)),
        None => None,
    }
}

/// The characters whose encoder answers [`MEMO`] remembers ([`remembered`] maps them to their index): CJK symbols,
/// kana, compatibility characters and the CJK unified ideographs (U+3000–U+9FFF, from index 0); punctuation, symbols,
/// arrows, mathematical operators, box drawing and shapes (U+2000–U+27FF, from 0x7000); full-width and half-width
/// forms (U+FF00–U+FFEF, from 0x7800).
const MEMO_LEN: usize = 0x7800 + 0xF0;
/// A character the encoder does not write as two bytes (left to the encoder, which writes or reports it).
const MEMO_NONE: u16 = 0xFFFF;
/// What encoding_rs's Shift_JIS (CP932) and EUC-JP encoders write for each character of those blocks, remembered
/// per process as each is first asked for: 0 not asked yet, [`MEMO_NONE`], or the two bytes (`lead << 8 | trail`).
/// Nothing is computed or stored but the encoder's own answer, so a lookup is the encoder without its per-call cost
/// (and without its per-character branches). About 124 KB of zeroed static memory, touched page by page as
/// characters are first used; no allocation, no lock (racing threads store the same answer).
static MEMO: [[AtomicU16; MEMO_LEN]; 2] = [const { [const { AtomicU16::new(0) }; MEMO_LEN] }; 2];

/// The two bytes the CP932 or (`euc_jp`) EUC-JP encoder writes for `c`, a character of [`MEMO_LEN`]'s blocks; `None` for
/// another character or when the encoder writes anything else. See [`MEMO`].
#[inline(always)]
fn remembered(c: u32, euc_jp: bool) -> Option<[u8; 2]> {
    let index = match c {
        0x3000..=0x9FFF => c - 0x3000,
        0x2000..=0x27FF => c - 0x2000 + 0x7000,
        0xFF00..=0xFFEF => c - 0xFF00 + 0x7800,
        _ => return None,
    };
    let slot = MEMO.get(usize::from(euc_jp))?.get(usize::try_from(index).ok()?)?;
    let code = match slot.load(Ordering::Relaxed) {
        0 => ask_encoder(c, euc_jp, slot),
        code => code,
    };
    (code != MEMO_NONE).then(|| code.to_be_bytes())
}

/// What the encoder writes for `c` (two bytes, or [`MEMO_NONE`]), stored in its `slot` of [`MEMO`].
#[cold]
#[inline(never)]
fn ask_encoder(c: u32, euc_jp: bool, slot: &AtomicU16) -> u16 {
    let encoding = if euc_jp { EUC_JP } else { SHIFT_JIS };
    let mut utf8 = [0u8; 4];
    let mut out = [0u8; 4];
    let code = match char::from_u32(c).map(|c| c.encode_utf8(&mut utf8)) {
        Some(text) => match encoding.new_encoder().encode_from_utf8_without_replacement(text, &mut out, true) {
            (EncoderResult::InputEmpty, _, 2) => {
                let [lead, trail, ..] = out;
                u16::from_be_bytes([lead, trail])
            }
            _ => MEMO_NONE,
        },
        None => MEMO_NONE,
    };
    slot.store(code, Ordering::Relaxed);
    code
}

/// Writes the longest prefix of `src` that [`direct`] maps into `buf` (as long as it fits), stopping before an
/// EUC-JP character whose lead byte `refused` flags (see [`crate::charset::euc_jp_refused`]: the encoder path
/// reports it); returns the bytes of `src` read and of `buf` written.
#[inline(always)]
fn direct_prefix(src: &[u8], buf: &mut [u8], euc_jp: bool, refused: Option<&[u8; 256]>) -> (usize, usize) {
    if euc_jp { direct_prefix_in::<true>(src, buf, refused) } else { direct_prefix_in::<false>(src, buf, refused) }
}

/// [`direct_prefix`] for one charset.
#[inline(always)]
fn direct_prefix_in<const EUC_JP: bool>(src: &[u8], buf: &mut [u8], refused: Option<&[u8; 256]>) -> (usize, usize) {
    let (mut read, mut written) = (0usize, 0usize);
    while let Some(&b) = src.get(read) {
        let Some(slot) = buf.get_mut(written..written + 2) else { break };
        // ASCII as itself; else the character at `read`, when it is three bytes (every other one `direct` maps)
        let (bytes, n, len) = if b < 0x80 {
            ([b, 0], 1, 1)
        } else {
            let c = match src.get(read..read + 3) {
                Some(&[b0, b1, b2]) if b0 & 0xF0 == 0xE0 => {
                    u32::from(b0 & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F)
                }
                _ => break,
            };
            let Some((bytes, n)) = direct_above_ascii::<EUC_JP>(c) else { break };
            if EUC_JP
                && n == 2
                && refused.is_some_and(|refused| refused.get(usize::from(bytes[0])).is_some_and(|t| t & 0x80 != 0))
            {
                break;
            }
            (bytes, n, 3)
        };
        slot.copy_from_slice(&bytes);
        read += len;
        written += n;
    }
    (read, written)
}

/// The length of the prefix of `src` (at least one character) whose characters [`direct`] does not map: what the
/// encoder is handed.
fn encoder_run(src: &str, euc_jp: bool) -> usize {
    src.char_indices().skip(1).find(|&(_, c)| direct(c as u32, euc_jp).is_some()).map_or(src.len(), |(at, _)| at)
}

/// `src` encoded through `buf` into `sink`: runs of characters [`direct`] maps written directly, the others by
/// encoding_rs's encoder (made on first use); see [`pass`]. The bytes are collected in `buf` and handed on when it
/// is full and at the end, every one through the same checks.
#[inline(always)]
fn encode_str<S: Sink>(
    (encoding, encoder): (&'static Encoding, &mut Option<Encoder>),
    euc_jp: bool,
    mut src: &str,
    buf: &mut [u8; 128],
    (refused, cp932_refused): (Option<&[u8; 256]>, Cp932Refused),
    sink: &mut S,
    total: &mut usize,
) -> Option<()> {
    // `encoded`: the bytes to put hold the encoder's output (direct output never holds a refused EUC-JP row)
    let mut put = |out: &[u8], encoded: bool| {
        if !cp932_refused.is_empty() && cp932_has_refused(out, cp932_refused) {
            return None;
        }
        match refused {
            Some(refused) if encoded && !sink.put_euc_jp(out, refused) => return None,
            Some(_) if encoded => {}
            _ => sink.put_value(out),
        }
        *total += out.len();
        Some(())
    };
    let (mut filled, mut encoded) = (0, false);
    loop {
        let (read, written) = direct_prefix(src.as_bytes(), buf.get_mut(filled..)?, euc_jp, refused);
        filled += written;
        src = src.get(read..)?;
        if src.is_empty() {
            break;
        }
        if read == 0 || buf.len() - filled < 2 {
            // the next character is not direct, or `buf` is full (then the encoder writes nothing and stops)
            let (mut run, rest) = src.split_at_checked(encoder_run(src, euc_jp))?;
            let encoder = encoder.get_or_insert_with(|| encoding.new_encoder());
            loop {
                let (result, read, written) =
                    encoder.encode_from_utf8_without_replacement(run, buf.get_mut(filled..)?, true);
                filled += written;
                encoded = true;
                run = run.get(read..)?;
                match result {
                    EncoderResult::InputEmpty => break,
                    EncoderResult::OutputFull => {
                        put(buf.get(..filled)?, encoded)?;
                        filled = 0;
                    }
                    EncoderResult::Unmappable(_) => return None,
                }
            }
            src = rest;
        }
    }
    put(buf.get(..filled)?, encoded)
}

/// Whether CP932 bytes (whole characters, as the encoder writes them) hold a code in `refused`: two bytes after a
/// lead byte (81-9F, E0-FC), one otherwise.
fn cp932_has_refused(bytes: &[u8], refused: Cp932Refused) -> bool {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let code = if matches!(b, 0x81..=0x9F | 0xE0..=0xFC) {
            i += 2;
            u16::from(b) << 8 | u16::from(bytes.get(i - 1).copied().unwrap_or(0))
        } else {
            i += 1;
            u16::from(b)
        };
        if cp932_refused_range(code, refused).is_some() {
            return true;
        }
    }
    false
}

/// The exact path: the kind's rule over the whole value first, then every character in every charset, in order.
#[cold]
#[inline(never)]
fn exact<S: Sink>(
    text: &str,
    kind: &ValueKind,
    sent_in: Charset,
    map: bool,
    policy: &TextPolicy,
    sink: &mut S,
) -> Result<usize, Fault> {
    if let Some((char_index, ch)) = text.chars().enumerate().find(|(_, c)| !kind.allows(*c)) {
        return Err(Fault::Pattern { ch, char_index });
    }
    let count_in = policy.limit_charset(sent_in);
    let mut total = 0usize;
    for (char_index, c) in text.chars().enumerate() {
        let c = if map { policy.normalized(c).unwrap_or(c) } else { c };
        if let Some(range) = policy.refused(c) {
            return Err(Fault::Refused { ch: c, char_index, range });
        }
        let fail = |charset| Fault::Charset { ch: c, char_index, charset };
        if let Some(stored) = policy.stored_in.filter(|s| *s != sent_in) {
            let stored_bytes = policy.encode_char(c, stored).ok_or_else(|| fail(stored))?;
            if count_in == stored {
                total += stored_bytes.len();
            }
        }
        let sent = policy.encode_char(c, sent_in).ok_or_else(|| fail(sent_in))?;
        sink.put_value(sent.as_bytes());
        if count_in == sent_in {
            total += sent.len();
        } else if Some(count_in) != policy.stored_in {
            total += policy.encode_char(c, count_in).ok_or_else(|| fail(count_in))?.len();
        }
    }
    Ok(total)
}

/// Whether `c` can be sent in `sent_in`: representable in the transport, the storage and the limit charset.
pub(crate) fn representable(c: char, sent_in: Charset, policy: &TextPolicy) -> bool {
    [Some(sent_in), policy.stored_in, Some(policy.limit_charset(sent_in))]
        .into_iter()
        .flatten()
        .all(|charset| policy.encode_char(c, charset).is_some())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::form::{Body, Count};

    const LOSSY: &[char] = &['\u{A5}', '\u{203E}', '\u{2212}'];
    const NORMALIZE: &[(char, char)] = &[('\u{301C}', '\u{FF5E}'), ('\u{A6}', '\u{FFE4}'), ('\u{A5}', '\u{FFE5}')];
    static POLICY: TextPolicy = TextPolicy::new()
        .count_in(Charset::Utf8, Charset::Cp932)
        .stored_in(Charset::Cp932)
        .with_tables(NORMALIZE, LOSSY, &[0xAD, 0xF9, 0xFA, 0xFB, 0xFC]);

    fn both(value: &str, sent_in: Charset, normalize: bool) -> Result<(usize, Vec<u8>), Fault> {
        let mut out = Vec::new();
        let n = encode(
            value,
            &ValueKind::Text,
            sent_in,
            normalize,
            (&POLICY, &Tables::new(&POLICY, normalize)),
            &mut Body::new(&mut out),
        )?;
        let mut slow = Vec::new();
        let text = if normalize { normalize::nfc(value) } else { value.to_owned() };
        assert_eq!(exact(&text, &ValueKind::Text, sent_in, normalize, &POLICY, &mut Body::new(&mut slow)), Ok(n));
        assert_eq!(out, slow, "bulk and exact paths disagree on {value:?}");
        let mut count = Count(0);
        encode(value, &ValueKind::Text, sent_in, normalize, (&POLICY, &Tables::new(&POLICY, normalize)), &mut count)?;
        assert_eq!(count.0, out.len());
        Ok((n, out))
    }

    #[test]
    fn bulk_and_exact_paths_agree() {
        for charset in Charset::ALL {
            for normalize in [false, true] {
                for value in
                    ["山田 太郎", "ﾃｽﾄ", "①㈱髙", "10時〜12時", "¥100", "か\u{3099}", "😀", "¦", &"あ".repeat(300)]
                {
                    let got = both(value, charset, normalize);
                    let mut out = Vec::new();
                    let text = if normalize { normalize::nfc(value) } else { value.to_owned() };
                    let slow = exact(&text, &ValueKind::Text, charset, normalize, &POLICY, &mut Body::new(&mut out));
                    assert_eq!(got.map(|(n, _)| n), slow, "{value:?} in {charset}, normalize {normalize}");
                }
            }
        }
    }

    /// `direct` writes exactly what encoding_rs's encoder writes, for every character it maps, in both charsets; and
    /// a pass over text mixing its characters with others (kanji, symbols, four-byte characters, long runs that fill
    /// the buffer) writes what one encoder call over the whole text writes.
    #[test]
    fn direct_characters_are_written_as_the_encoder_writes_them() {
        use encoding_rs::{EUC_JP, SHIFT_JIS};
        let mut mapped = String::new();
        for (encoding, euc_jp) in [(SHIFT_JIS, false), (EUC_JP, true)] {
            for c in (0..=0x10FFFF).filter_map(char::from_u32) {
                let Some((bytes, n)) = direct(c as u32, euc_jp) else { continue };
                let mut out = [0u8; 8];
                let text = c.to_string();
                let (result, read, written) =
                    encoding.new_encoder().encode_from_utf8_without_replacement(&text, &mut out, true);
                assert_eq!(result, EncoderResult::InputEmpty, "{c:?}");
                assert_eq!((read, &out[..written]), (text.len(), &bytes[..n]), "{c:?} in {}", encoding.name());
                if !euc_jp {
                    mapped.push(c);
                }
            }
        }
        let samples = [
            mapped.clone(),
            mapped.chars().flat_map(|c| [c, '漢', '①', '（', '😀', '字']).collect(),
            "ご注文ありがとうございます".repeat(20),
            "山田 太郎、ｶﾀｶﾅ「テスト」〜～".repeat(9),
            "a".repeat(127) + "あ" + &"字".repeat(70),
        ];
        for (encoding, charset) in [(SHIFT_JIS, Charset::Cp932), (EUC_JP, Charset::EucJp)] {
            for sample in &samples {
                let mut expected = Vec::new();
                let mut encoder = encoding.new_encoder();
                let mut buf = [0u8; 8];
                let mut rest = sample.as_str();
                let mut mappable = true;
                while !rest.is_empty() {
                    let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
                    expected.extend_from_slice(&buf[..written]);
                    rest = &rest[read..];
                    if matches!(result, EncoderResult::Unmappable(_)) {
                        mappable = false;
                        break;
                    }
                }
                let mut form = Vec::new();
                crate::form::Body::new(&mut form).put_value(&expected);
                let mut out = Vec::new();
                let got = pass(
                    sample,
                    false,
                    (&TextPolicy::new(), &Tables::new(&TextPolicy::new(), false)),
                    charset,
                    &mut Body::new(&mut out),
                );
                if mappable {
                    assert_eq!(got, Some(expected.len()), "{charset} {sample}");
                    assert_eq!(out, form, "{charset} {sample}");
                } else {
                    assert_eq!(got, None, "{charset} {sample}");
                }
            }
        }
    }

    #[test]
    fn fullwidth_kana_on_bytes_is_the_kind_rule() {
        for c in ('\u{0}'..='\u{3100}').chain(['\u{FF70}', '\u{10000}']) {
            for value in [c.to_string(), format!("ア{c}ー"), format!("{c} ")] {
                let expected = value.chars().all(|c| ValueKind::FullwidthKana.allows(c));
                assert_eq!(fullwidth_kana(value.as_bytes()), expected, "{c:?}");
            }
        }
    }

    #[test]
    fn decomposed_kana_is_composed_by_normalize() {
        let (n, out) = both("か\u{3099}", Charset::Cp932, true).unwrap();
        assert_eq!((n, out.as_slice()), (2, &b"%82%AA"[..]));
        assert_eq!(
            both("か\u{3099}", Charset::Cp932, false),
            Err(Fault::Charset { ch: '\u{3099}', char_index: 1, charset: Charset::Cp932 })
        );
    }
}
