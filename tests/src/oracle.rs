//! The one oracle per codec, shared by the property tests (`props`) and the fuzz targets (`fuzz`).
//!
//! * Requests: [`check_request`] compares `request::validate` with an independent slow model (whole-string
//!   encoding_rs round trips, no per-character shortcuts), and for valid requests checks that `encoded_len` equals
//!   the bytes `encode` writes and that the body decodes back to the (normalized) values.
//! * Responses: [`check_response`] renders attributes the way the gateway does (percent-encoded charset bytes, raw
//!   unreserved bytes, `+` or `%20` for spaces) and checks that `Answer::parse` gives them back.

use encoding_rs::{EUC_JP, EncoderResult, Encoding, SHIFT_JIS};
use epsilon_proto::answer::{Answer, Version};
use epsilon_proto::generated::{EUC_JP_REJECTED_LEAD_BYTES, LOSSY, NORMALIZE};
use epsilon_proto::request::{self, Options, Report, ViolationKind};
use epsilon_proto::{Charset, DynamicRequest};
use japay_core::spec::{ByteLimit, ConditionTest, Direction, FieldCheck, FieldSpec, Marker, OperationSpec, ValueKind};

use crate::fuzz::model_percent_decode;

/// Checks one request against the oracle: the report equals the model's ([`model_validate`]) violation for
/// violation; `DynamicRequest` agrees; an invalid request writes nothing; for a valid one `encoded_len` equals the
/// bytes `encode` writes, the body uses only the form serializer's bytes, and it decodes back to the parameters in
/// spec order (fixed ones filled in, the UTF-8 markers appended) with each value equal to the (normalized) text in
/// the transport charset. Panics with a description when anything disagrees.
pub fn check_request(spec: &'static OperationSpec, values: &[Option<&str>], options: Options) {
    let values = values.to_vec();
    let got = request::validate(spec, &values, options);
    let model = model_validate(spec, &values, options);
    let rules = |r: &Report| r.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect::<Vec<_>>();
    let got_rules = got.as_ref().err().map(rules).unwrap_or_default();
    assert_eq!(
        got_rules,
        rules(&model),
        "{}: validation disagrees with the model on the rules ({options:?})",
        spec.name
    );
    assert_eq!(
        got.as_ref().err().map(Report::violations).unwrap_or_default(),
        model.violations(),
        "{}: validation disagrees with the model on the details ({options:?})",
        spec.name
    );

    let mut dynamic = DynamicRequest::new(spec);
    for (field, value) in spec.fields.iter().zip(&values) {
        if let Some(value) = value {
            assert!(dynamic.set(field.wire, value));
        }
    }
    assert_eq!(dynamic.validate(options), got, "{}: DynamicRequest validates differently", spec.name);

    const PREFIX: &[u8] = b"prefix&";
    let mut out = PREFIX.to_vec();
    let written = request::encode(spec, &values, options, &mut out);
    let len = request::encoded_len(spec, &values, options);
    if let Err(report) = got {
        assert_eq!(written.err().as_ref(), Some(&report), "encode reports differently from validate");
        assert_eq!(len.err().as_ref(), Some(&report), "encoded_len reports differently from validate");
        assert_eq!(out, PREFIX, "encode wrote something for an invalid request");
        return;
    }
    let written = written.unwrap_or_else(|r| panic!("{}: valid, but encode failed: {r}", spec.name));
    let len = len.unwrap_or_else(|r| panic!("{}: valid, but encoded_len failed: {r}", spec.name));
    assert_eq!(&out[..PREFIX.len()], PREFIX, "encode changed what was already in the buffer");
    let body = &out[PREFIX.len()..];
    assert_eq!(written, body.len(), "encode returned a length other than what it wrote");
    assert_eq!(len, written, "encoded_len differs from the bytes encode wrote");

    let mut again = Vec::new();
    assert_eq!(dynamic.encode(options, &mut again).ok(), Some(written));
    assert_eq!(again, body, "DynamicRequest encodes differently");

    check_body(spec, &values, options, body);
}

/// Checks a form body against the model of what it must hold.
fn check_body(spec: &OperationSpec, values: &[Option<&str>], options: Options, body: &[u8]) {
    let text = std::str::from_utf8(body).unwrap_or_else(|_| panic!("body is not ASCII: {body:?}"));
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' | b'+' | b'=' | b'&' => i += 1,
            b'%' => {
                let hex = body.get(i + 1..i + 3);
                assert!(
                    hex.is_some_and(|h| h.iter().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'))),
                    "bad escape at {i} in {text}"
                );
                i += 3;
            }
            b => panic!("byte {b:#04x} the form serializer never writes raw, at {i} in {text}"),
        }
    }

    let mut expected: Vec<(&str, Vec<u8>)> = Vec::new();
    for (field, value) in spec.fields.iter().zip(values.iter().copied().chain(std::iter::repeat(None))) {
        // an empty value is the same as no value (as in validation): a fixed parameter is sent with its fixed
        // value, any other is left out
        let value = match (value.filter(|v| !v.is_empty()), field.fixed) {
            (Some(v), _) | (None, Some(v)) => v,
            (None, None) => continue,
        };
        let value = model_normalize(value, options.normalize);
        let bytes = model_transport_bytes(&value, options.charset)
            .unwrap_or_else(|| panic!("{}: valid, but the model cannot encode {:?}", field.wire, value));
        expected.push((field.wire, bytes));
    }
    if options.charset == Charset::Utf8 {
        for (name, value) in spec.utf8_params {
            expected.push((name, value.as_bytes().to_vec()));
        }
    }

    let got: Vec<(&str, Vec<u8>)> = if text.is_empty() {
        Vec::new()
    } else {
        text.split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or_else(|| panic!("pair without `=` in {text}"));
                let value = model_percent_decode(value.as_bytes()).unwrap_or_else(|_| panic!("bad escape in {text}"));
                (name, value)
            })
            .collect()
    };
    assert_eq!(got, expected, "{}: the body does not decode to the parameters ({options:?}): {text}", spec.name);
}

/// The value as the normalize option sends it: [`model_nfc`], then the look-alikes mapped (from the spec table, not
/// `TextPolicy::normalized`).
fn model_normalize(value: &str, normalize: bool) -> String {
    if !normalize {
        return value.to_owned();
    }
    model_nfc(value).chars().map(model_look_alike).collect()
}

fn model_look_alike(c: char) -> char {
    NORMALIZE.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to)
}

/// NFC of the whole value, except that canonical singletons (characters NFC alone turns into one other character:
/// CJK compatibility ideographs, U+212B Å, …) stay as typed: the value is cut at them, each piece between them is
/// composed on its own.
pub fn model_nfc(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let singleton = |c: char| {
        let composed: Vec<char> = c.to_string().nfc().collect();
        composed.len() == 1 && composed[0] != c
    };
    let mut out = String::new();
    let mut piece = String::new();
    for c in value.chars() {
        if singleton(c) {
            out.extend(piece.nfc());
            piece.clear();
            out.push(c);
        } else {
            piece.push(c);
        }
    }
    out.extend(piece.nfc());
    out
}

/// The `encoding_rs` encoding of a non-UTF-8 charset.
fn encoding_of(charset: Charset) -> Option<&'static Encoding> {
    match charset {
        Charset::Cp932 => Some(SHIFT_JIS),
        Charset::EucJp => Some(EUC_JP),
        _ => None,
    }
}

/// A full, non-replacing encode of the whole string; `None` when any character is unmappable.
pub fn full_encode(s: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let mut encoder = encoding.new_encoder();
    let capacity = encoder.max_buffer_length_from_utf8_without_replacement(s.len())?;
    let mut out = vec![0u8; capacity];
    let (result, read, written) = encoder.encode_from_utf8_without_replacement(s, &mut out, true);
    match result {
        EncoderResult::InputEmpty if read == s.len() => {
            out.truncate(written);
            Some(out)
        }
        _ => None,
    }
}

/// The bytes of `s` in `charset` when every character is representable: the whole string encodes without
/// replacement, decodes back to itself, holds no character of the spec's `LOSSY` list, and (EUC-JP) uses none of
/// the JIS X 0208 rows the spec rejects.
pub fn model_representable(s: &str, charset: Charset) -> Option<Vec<u8>> {
    let Some(encoding) = encoding_of(charset) else { return Some(s.as_bytes().to_vec()) };
    if s.chars().any(|c| LOSSY.contains(&c)) {
        return None;
    }
    let bytes = full_encode(s, encoding)?;
    let back = encoding.decode_without_bom_handling_and_without_replacement(&bytes)?;
    if back != s {
        return None;
    }
    if charset == Charset::EucJp && euc_jp_uses_rejected_row(&bytes) {
        return None;
    }
    Some(bytes)
}

/// Whether EUC-JP bytes hold a two-byte JIS X 0208 character of a row the spec rejects (the NEC/IBM extensions,
/// `EUC_JP_REJECTED_LEAD_BYTES`): walks the byte stream (ASCII; `8E` + half-width kana; `8F` + two JIS X 0212 bytes;
/// otherwise lead + trail).
pub fn euc_jp_uses_rejected_row(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += match b {
            0x00..=0x7F => 1,
            0x8E => 2,
            0x8F => 3,
            lead if EUC_JP_REJECTED_LEAD_BYTES.contains(&lead) => return true,
            _ => 2,
        };
    }
    false
}

/// The value's bytes in the transport charset (UTF-8: as is).
fn model_transport_bytes(s: &str, charset: Charset) -> Option<Vec<u8>> {
    model_representable(s, charset)
}

/// An independent, slow implementation of `request::validate`: the expected report, in field order.
///
/// Presence: an empty value is no value; a required field whose value is only white space (`char::is_whitespace`)
/// is `required` too; an optional one is checked and sent as given.
pub fn model_validate(spec: &OperationSpec, values: &[Option<&str>], options: Options) -> Report {
    let present = |i: usize| values.get(i).copied().flatten().is_some_and(|v| !v.is_empty());
    let mut report = Report::new();
    // the transport first: a charset the gateway does not take, or UTF-8 the gateway cannot tell from its default
    // charset (an outgoing operation without `version=2`/`character_code` markers, a gateway whose first transport
    // is not UTF-8)
    let accepted = spec.gateway.transports;
    let default_is_utf8 = accepted.first().is_none_or(|c| *c == Charset::Utf8);
    if !accepted.is_empty() && !accepted.contains(&options.charset) {
        report.push("charset", ViolationKind::Transport { charset: options.charset, accepted });
    } else if options.charset == Charset::Utf8
        && !default_is_utf8
        && spec.utf8_params.is_empty()
        && matches!(spec.direction, Direction::Outgoing)
    {
        report.push("charset", ViolationKind::Utf8Unmarked { accepted });
    }
    for (i, field) in spec.fields.iter().enumerate() {
        let always = matches!(field.marker, Marker::Supplied | Marker::Required | Marker::Unique);
        let by_condition = field.condition.is_some_and(|c| model_holds(&c.test, spec, values));
        let required = field.fixed.is_none() && (always || by_condition);
        let value = values.get(i).copied().flatten().filter(|v| !v.is_empty());
        let blank = value.is_none_or(|v| v.chars().all(|c| BLANK.contains(&c)));
        if required && blank {
            let condition = if always { None } else { field.condition.map(|c| c.description) };
            report.push(field.wire, ViolationKind::Required { condition });
            continue;
        }
        let Some(value) = value else { continue };
        // a field that must be absent (card data with process_code 2): given, it is `forbidden`, nothing more
        if let Some(c) = field.forbidden.filter(|c| model_holds(&c.test, spec, values)) {
            report.push(field.wire, ViolationKind::Forbidden { condition: c.description });
            continue;
        }
        if let Some(kind) = model_check_value(field, value, options) {
            report.push(field.wire, kind);
        }
    }
    // "exactly one of", after every field: one violation under the rule's name when none or several alternatives
    // are given, else a `required` for each missing field of the one given; a rule with a condition only while it
    // holds
    for rule in spec.one_of.iter().filter(|r| r.condition.is_none_or(|c| model_holds(&c.test, spec, values))) {
        let given: Vec<&&[usize]> = rule.alternatives.iter().filter(|alt| alt.iter().any(|&j| present(j))).collect();
        match given.as_slice() {
            [alt] => {
                for &j in alt.iter() {
                    if let Some(field) = spec.fields.get(j).filter(|_| !present(j)) {
                        report.push(field.wire, ViolationKind::Required { condition: Some(rule.description) });
                    }
                }
            }
            _ => report.push(rule.name, ViolationKind::OneOf { description: rule.description, given: given.len() }),
        }
    }
    report
}

/// Whether a condition holds, from the values alone: present (non-empty) or absent fields, an exact value, or a bit
/// of a bitmap value that has the st_code layout (`st_code_ok`; the position counts its digits from 1). A group's
/// condition is on each member (the spec compiler puts it there); an external condition never holds.
pub fn model_holds(test: &ConditionTest, spec: &OperationSpec, values: &[Option<&str>]) -> bool {
    let value = |i: usize| values.get(i).copied().flatten().filter(|v| !v.is_empty());
    match *test {
        ConditionTest::PresentAny(idx) => idx.iter().any(|&j| value(j).is_some()),
        ConditionTest::AbsentAll(idx) => idx.iter().all(|&j| value(j).is_none()),
        ConditionTest::Equals { field, value: expected } => value(field) == Some(expected),
        ConditionTest::EqualsAny { field, values: any } => value(field).is_some_and(|v| any.contains(&v)),
        ConditionTest::BitSet { field, pos } => {
            let is_bitmap = spec.fields.get(field).is_some_and(|f| matches!(f.kind, ValueKind::Bitmap(_)));
            let Some(v) = value(field).filter(|v| is_bitmap && st_code_ok(v)) else { return false };
            pos >= 1 && v.chars().filter(|&c| c != '-').nth(usize::from(pos) - 1) == Some('1')
        }
        _ => false,
    }
}

/// Unicode White_Space, as listed in PropList.txt.
const BLANK: &[char] = &[
    '\u{9}', '\u{A}', '\u{B}', '\u{C}', '\u{D}', ' ', '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}', '\u{2001}',
    '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200A}',
    '\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
];

/// The first rule `value` breaks, in the order: allowed values, characters, st_code format, charset, byte limit.
/// With normalize, the characters are checked as NFC composes them and the charset as they are sent; positions
/// count characters of the NFC form.
fn model_check_value(field: &FieldSpec, value: &str, options: Options) -> Option<ViolationKind> {
    let shown = |c: char| (!field.secret).then_some(c);
    if !field.allowed.is_empty() && !field.allowed.contains(&value) {
        return Some(ViolationKind::Value { expected: field.allowed, fixed: field.fixed.is_some() });
    }
    let text_kind = matches!(field.kind, ValueKind::Text | ValueKind::HalfwidthKana | ValueKind::FullwidthKana);
    let composed = if options.normalize && text_kind { model_nfc(value) } else { value.to_owned() };
    if let Some((char_index, c)) = composed.chars().enumerate().find(|&(_, c)| !kind_allows(&field.kind, c)) {
        return Some(ViolationKind::Pattern { expected: field.kind.expected(), ch: shown(c), char_index });
    }
    if matches!(field.kind, ValueKind::Bitmap(_)) && !st_code_ok(value) {
        return Some(ViolationKind::Pattern { expected: field.kind.expected(), ch: None, char_index: 0 });
    }
    let normalized = model_normalize(value, options.normalize);
    let sent_euc = options.charset == Charset::EucJp;
    let sendable = |s: &str| {
        model_representable(s, Charset::Cp932).is_some()
            && (!sent_euc || model_representable(s, Charset::EucJp).is_some())
    };
    if !sendable(&normalized) {
        // locate the first character that fails, CP932 checked before EUC-JP
        let mut buf = [0u8; 4];
        for (char_index, c) in normalized.chars().enumerate() {
            let one = c.encode_utf8(&mut buf);
            let charset = if model_representable(one, Charset::Cp932).is_none() {
                Charset::Cp932
            } else if sent_euc && model_representable(one, Charset::EucJp).is_none() {
                Charset::EucJp
            } else {
                continue;
            };
            // the hint: only a look-alike that can itself be sent
            let normalizes_to = if options.normalize {
                None
            } else {
                Some(model_look_alike(c)).filter(|&to| to != c && sendable(to.encode_utf8(&mut [0u8; 4])))
            };
            return Some(ViolationKind::Charset { charset, ch: shown(c), char_index, normalizes_to });
        }
        panic!("{}: the whole value is unrepresentable but every character is representable", field.wire);
    }
    let limit_charset = if sent_euc { Charset::EucJp } else { Charset::Cp932 };
    let actual = model_representable(&normalized, limit_charset).map_or(0, |b| b.len());
    match field.limit {
        Some(ByteLimit::Max(limit)) if actual > limit => {
            Some(ViolationKind::MaxBytes { charset: limit_charset, actual, limit })
        }
        Some(ByteLimit::Exact(expected)) if actual != expected => {
            Some(ViolationKind::ExactBytes { charset: limit_charset, actual, expected })
        }
        _ => model_bits(field, value),
    }
}

/// The bitmap position checks of `field` on a valid st_code-layout `value`, read digit by digit: position `p` is
/// the `p`-th `0`/`1` digit. The first check broken is a `bits` violation.
fn model_bits(field: &FieldSpec, value: &str) -> Option<ViolationKind> {
    let set: Vec<bool> = value.chars().filter(|&c| c != '-').map(|c| c == '1').collect();
    let on = |pos: usize| set.get(pos).copied().unwrap_or(false);
    let in_mask = |mask: u64, pos: usize| pos < 64 && mask >> pos & 1 == 1;
    field.checks.iter().find_map(|check| match *check {
        FieldCheck::BitsRequired { mask, expected } => {
            (0..64).any(|p| in_mask(mask, p) && !on(p)).then_some(ViolationKind::Bits { expected })
        }
        FieldCheck::BitsAllowed { mask, expected } => {
            (0..set.len()).any(|p| on(p) && !in_mask(mask, p)).then_some(ViolationKind::Bits { expected })
        }
        _ => None,
    })
}

fn st_code_ok(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    // the current form, the documented legacy 5-4-5 and the 5-4-4 form the recordings show accepted (facts B6)
    (lens == [5, 4, 5, 5, 5, 5, 5] || lens == [5, 4, 5] || lens == [5, 4, 4])
        && v.bytes().all(|b| matches!(b, b'0' | b'1' | b'-'))
}

fn kind_allows(kind: &ValueKind, c: char) -> bool {
    match kind {
        ValueKind::Ascii(set) => (c as u32) < 128 && set.mask() >> (c as u32) & 1 == 1,
        ValueKind::HalfwidthKana => ('\u{FF61}'..='\u{FF9F}').contains(&c) || c == ' ' || c == '-',
        ValueKind::FullwidthKana => {
            ('\u{30A1}'..='\u{30F6}').contains(&c) || ['ー', '・', ' ', '\u{3000}'].contains(&c)
        }
        ValueKind::Bitmap(_) | ValueKind::Code(_) => c.is_ascii(),
        // text: no control character (C0 U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F)
        _ => !matches!(c as u32, 0x00..=0x1F | 0x7F..=0x9F),
    }
}

/// How the gateway may write a value: every byte escaped or unreserved bytes raw; spaces as `+` or `%20`.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Write `A-Za-z0-9-._~` and other harmless ASCII raw (also as CP932 trail bytes, like `%83_`).
    pub raw_unreserved: bool,
    /// Write a space as `+` (getsales2) instead of `%20` (receive_order3).
    pub plus_for_space: bool,
    /// CR LF line ends.
    pub crlf: bool,
}

/// Percent-encodes bytes the way the gateway does.
pub fn gateway_escape(bytes: &[u8], style: Style) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b' ' if style.plus_for_space => out.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' if style.raw_unreserved => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Renders a response body with these attributes.
pub fn render_response(attributes: &[(String, Vec<u8>)], style: Style) -> Vec<u8> {
    let nl = if style.crlf { "\r\n" } else { "\n" };
    let mut s = format!("<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>{nl}<Epsilon_result>{nl}");
    for (name, value) in attributes {
        s.push_str(&format!("  <result {name}=\"{}\" />{nl}", gateway_escape(value, style)));
    }
    s.push_str(&format!("</Epsilon_result>{nl}"));
    s.into_bytes()
}

/// Renders `attributes` (text values) in the charset of `version`, parses, and checks every value comes back.
pub fn check_response(attributes: &[(String, String)], version: Version, style: Style) {
    let encoding = match version {
        Version::V1 => Some(SHIFT_JIS),
        _ => None,
    };
    let encoded: Vec<(String, Vec<u8>)> = attributes
        .iter()
        .map(|(n, v)| {
            let bytes = match encoding {
                Some(_) => model_representable(v, Charset::Cp932).expect("the strategy only makes representable text"),
                None => v.as_bytes().to_vec(),
            };
            (n.clone(), bytes)
        })
        .collect();
    let body = render_response(&encoded, style);
    let parsed = Answer::parse(&body, version).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)));
    let got: Vec<(String, String)> =
        parsed.attributes().iter().map(|a| (a.name.to_owned(), a.value.to_string())).collect();
    assert_eq!(got, attributes, "{}", String::from_utf8_lossy(&body));
    assert_eq!(parsed.is_empty(), attributes.is_empty());
}
