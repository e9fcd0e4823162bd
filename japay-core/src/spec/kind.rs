//! What a value may contain: [`ValueKind`] (and the spec's words for it, [`kind_names`]), [`AsciiSet`], and byte
//! limits ([`ByteLimit`]).

use core::fmt;

use super::{BitmapSpec, CodeTable};

/// The words of the value kinds, as the spec writes them. The spec compiler and the runtime share them.
pub mod kind_names {
    /// `0-9`.
    pub const DIGITS: &str = "digits";
    /// `A-Za-z0-9`.
    pub const ALNUM: &str = "alnum";
    /// An explicit ASCII set.
    pub const ASCII: &str = "ascii";
    /// Any representable text.
    pub const TEXT: &str = "text";
    /// Half-width katakana.
    pub const HALFWIDTH_KANA: &str = "halfwidth_kana";
    /// Full-width katakana.
    pub const FULLWIDTH_KANA: &str = "fullwidth_kana";
    /// A bitmap of `0`/`1` digits in hyphenated groups.
    pub const BITMAP: &str = "bitmap";
    /// A code of a code table.
    pub const CODE: &str = "code";
    /// Every kind.
    pub const ALL: [&str; 8] = [DIGITS, ALNUM, ASCII, TEXT, HALFWIDTH_KANA, FULLWIDTH_KANA, BITMAP, CODE];
}

/// What characters a value may contain.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ValueKind {
    /// Only characters of an ASCII set (digits, alnum, or an explicit set).
    Ascii(AsciiSet),
    /// Any text representable in the charset, without control characters (C0, DEL, C1).
    Text,
    /// Half-width katakana (U+FF61–U+FF9F), space and `-`.
    HalfwidthKana,
    /// Full-width katakana, ー, ・ and spaces.
    FullwidthKana,
    /// A bitmap of `0`/`1` digits in hyphenated groups.
    Bitmap(&'static BitmapSpec),
    /// A code of a code table.
    Code(&'static CodeTable),
}

impl ValueKind {
    /// The spec name of the kind (`digits`, `alnum`, `ascii`, `text`, …; a bitmap's own name).
    pub fn name(&self) -> &'static str {
        match self {
            ValueKind::Ascii(set) => set.kind,
            ValueKind::Text => kind_names::TEXT,
            ValueKind::HalfwidthKana => kind_names::HALFWIDTH_KANA,
            ValueKind::FullwidthKana => kind_names::FULLWIDTH_KANA,
            ValueKind::Bitmap(b) => b.name,
            ValueKind::Code(_) => kind_names::CODE,
        }
    }

    /// What the kind accepts, in words (used in `pattern` violations).
    pub fn expected(&self) -> &'static str {
        match self {
            ValueKind::Ascii(set) => set.description,
            ValueKind::Text => "text without control characters (U+0000-U+001F, U+007F-U+009F)",
            ValueKind::HalfwidthKana => "half-width katakana (U+FF61-U+FF9F), space or '-'",
            ValueKind::FullwidthKana => "full-width katakana, 'ー', '・' or a space",
            ValueKind::Bitmap(b) => b.description,
            ValueKind::Code(table) => table.name,
        }
    }

    /// Whether `c` is allowed by the kind's own character rule (charset rules are checked separately).
    pub fn allows(&self, c: char) -> bool {
        match self {
            ValueKind::Ascii(set) => set.contains(c),
            ValueKind::Text => !c.is_control(), // C0, DEL and C1: the general category Cc
            ValueKind::HalfwidthKana => matches!(c, '\u{FF61}'..='\u{FF9F}' | ' ' | '-'),
            ValueKind::FullwidthKana => {
                matches!(c, '\u{30A1}'..='\u{30F6}' | '\u{30FB}' | '\u{30FC}' | ' ' | '\u{3000}')
            }
            ValueKind::Bitmap(_) | ValueKind::Code(_) => c.is_ascii(),
        }
    }

    /// The ASCII characters the kind allows, as a 128-bit mask (bit `n`: the character with code `n`); the same rule
    /// as [`ValueKind::allows`] for ASCII, decided once per value instead of per character.
    pub const fn ascii_mask(&self) -> u128 {
        const ALL: u128 = u128::MAX; // every ASCII character
        const CONTROLS: u128 = ((1 << 0x20) - 1) | (1 << 0x7F);
        const SPACE: u128 = 1 << b' ';
        match self {
            ValueKind::Ascii(set) => set.mask,
            ValueKind::Text => ALL & !CONTROLS,
            ValueKind::HalfwidthKana => SPACE | 1 << b'-',
            ValueKind::FullwidthKana => SPACE,
            ValueKind::Bitmap(_) | ValueKind::Code(_) => ALL,
        }
    }

    /// Whether the kind is free text (checked against the charset character by character).
    pub fn is_text(&self) -> bool {
        matches!(self, ValueKind::Text | ValueKind::HalfwidthKana | ValueKind::FullwidthKana)
    }
}

/// A set of ASCII characters as a 128-bit mask, with the spec's words for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AsciiSet {
    /// Bit `n` set: the character with code `n` is allowed.
    pub(crate) mask: u128,
    /// The spec kind: `digits`, `alnum` or `ascii`.
    pub(crate) kind: &'static str,
    /// The set as written in the spec, e.g. `A-Za-z0-9.-+/@`.
    pub(crate) description: &'static str,
}

impl AsciiSet {
    /// A set: bit `n` of `mask` allows the character with code `n`; `kind` is the spec kind (`digits`, `alnum` or
    /// `ascii`) and `description` the set as the spec writes it (`A-Za-z0-9.-+/@`, shown in `pattern` violations).
    pub const fn new(mask: u128, kind: &'static str, description: &'static str) -> AsciiSet {
        AsciiSet { mask, kind, description }
    }

    /// The set as a 128-bit mask: bit `n` set, the character with code `n` is allowed.
    pub const fn mask(&self) -> u128 {
        self.mask
    }

    /// The spec kind: `digits`, `alnum` or `ascii`.
    pub const fn kind(&self) -> &'static str {
        self.kind
    }

    /// The set as written in the spec, e.g. `A-Za-z0-9.-+/@`.
    pub const fn description(&self) -> &'static str {
        self.description
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        let n = c as u32;
        n < 128 && self.mask & (1u128 << n) != 0
    }

    /// Whether the byte `b` is in the set.
    pub fn contains_byte(&self, b: u8) -> bool {
        let half = match b {
            0..=63 => self.mask as u64,
            64..=127 => (self.mask >> 64) as u64,
            _ => return false,
        };
        half >> (b & 63) & 1 == 1
    }
}

/// A byte limit, counted in the charset the gateway's [`TextPolicy`](crate::charset::TextPolicy) names for the transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ByteLimit {
    /// At most this many bytes.
    Max(usize),
    /// Exactly this many bytes.
    Exact(usize),
}

impl fmt::Display for ByteLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ByteLimit::Max(n) => write!(f, "max {n} bytes"),
            ByteLimit::Exact(n) => write!(f, "exactly {n} bytes"),
        }
    }
}
