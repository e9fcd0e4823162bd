//! The fuzz target bodies: one `pub fn NAME(data: &[u8])` per target of `fuzz/fuzz_targets/NAME.rs`.
//!
//! Each function accepts any input without panicking as long as `epsilon-proto` (or `kuroneko-proto`) behaves as
//! documented, and panics (through `assert!`) as soon as an invariant breaks. The `corpus` tests replay
//! `fuzz/corpus/**` and `fuzz/regressions/**` through the same functions, so the targets are exercised by a plain
//! `cargo test` on stable.
//!
//! Where a target checks results, it checks them against a slow, independent model written here: a full
//! `encoding_rs` encode of the whole value instead of the crate's per-character fast path, a byte-at-a-time percent
//! decoder, a small XML reference resolver.
//!
//! | target | input | checks |
//! | --- | --- | --- |
//! | [`parse_response`] | an answer body | no U+FFFD that the bytes do not encode; values equal the model decode; re-rendered body parses the same |
//! | [`percent_decode`] | a percent-encoded value or query string | agrees with the model decoder; in-range error offsets; borrowing |
//! | [`validate_request`] | operation, options and values (see [`RequestInput`]) | validation agrees with the model; `encoded_len` is exact; the body decodes back |
//! | [`charset_roundtrip`] | text | `encode_char` is exactly "encodes and decodes back to itself" |
//! | [`parse_kuroneko_answer`] | a Kuroneko answer body | valid values, names and offsets; empty reads `Some("")`; one-run values equal the model; canonical re-render reads the same; a BOM changes nothing |
#![allow(clippy::panic)]

use std::borrow::Cow;

use encoding_rs::SHIFT_JIS;
use epsilon_proto::Charset;
use epsilon_proto::OPERATIONS;
use epsilon_proto::answer::{self, Answer, ParseError, Version};
use epsilon_proto::generated::{GATEWAY, NORMALIZE};
use epsilon_proto::request::Options;
use japay_core::spec::{Direction, OperationSpec};

const VERSIONS: [Version; 2] = [Version::V1, Version::V2];

// ---------------------------------------------------------------------------------------------------------------
// parse_response
// ---------------------------------------------------------------------------------------------------------------

/// Fuzz target `parse_response`: arbitrary bytes as an answer body, decoded as version 1 and version 2.
///
/// On success every value must equal the model decode of its raw value (XML whitespace normalization, the five
/// predefined entities and character references, percent-decoding, strict CP932 or UTF-8), hold no U+FFFD the
/// percent-decoded bytes do not spell out (CP932 never produces one), borrow from the body when the raw value needs no
/// decoding, be named by an XML name preceded by white space (well-formed XML), and re-rendering the attributes as a
/// canonical body and parsing that must give the same attributes.
/// Errors must point inside the body. A body both versions accept has the same names and raw values in both; when
/// one version fails and the other succeeds, the failure is a charset error (or a conflict between values of
/// `result` that decode alike in one charset only).
pub fn parse_response(data: &[u8]) {
    let results = VERSIONS.map(|version| Answer::parse(data, version));
    for (version, result) in VERSIONS.into_iter().zip(&results) {
        match result {
            Ok(response) => check_response(data, response, version),
            Err(e) => assert!(e.offset() <= data.len(), "{version:?}: error offset out of range: {e:?}"),
        }
    }
    match &results {
        [Ok(v1), Ok(v2)] => {
            let raw =
                |r: &Answer<'_>| r.iter().map(|a| (a.name.to_owned(), a.escaped().to_owned())).collect::<Vec<_>>();
            assert_eq!(raw(v1), raw(v2), "the versions disagree on names or raw values");
        }
        [Ok(_), Err(e)] | [Err(e), Ok(_)] => {
            // the charset decides; or, when two values of `result` decode alike in one charset only, the conflict check
            assert!(
                matches!(e, ParseError::Charset { .. } | ParseError::ConflictingValues { .. }),
                "only one version failed, and not on the charset: {e:?}"
            );
        }
        [Err(_), Err(_)] => {}
    }
}

fn check_response(body: &[u8], response: &Answer<'_>, version: Version) {
    for attr in response {
        let model = model_attribute_value(attr.escaped(), version);
        if let Some(model) = &model {
            assert_eq!(
                attr.value,
                model.text,
                "{version:?}: attribute {:?} (raw {:?}) decoded differently from the model",
                attr.name,
                attr.escaped()
            );
        }
        if attr.value.contains('\u{FFFD}') {
            assert!(version == Version::V2, "V1 (CP932) produced U+FFFD in {:?} (raw {:?})", attr.name, attr.escaped());
            let spelled = match &model {
                Some(model) => contains(&model.bytes, b"\xEF\xBF\xBD"),
                // a reference the model does not resolve: fall back to looking at the raw value
                None => attr.escaped().to_ascii_uppercase().contains("%EF%BF%BD") || attr.escaped().contains('&'),
            };
            assert!(
                spelled,
                "V2 produced a U+FFFD the bytes do not encode in {:?} (raw {:?})",
                attr.name,
                attr.escaped()
            );
        }
        if !attr.escaped().bytes().any(|b| matches!(b, b'%' | b'+' | b'&' | b'\t' | b'\r' | b'\n')) {
            assert!(
                matches!(attr.value, Cow::Borrowed(_)),
                "{:?}: a raw value that needs no decoding was copied",
                attr.name
            );
            assert_eq!(attr.value, attr.escaped());
        }
        assert!(
            offset_in(body, attr.escaped().as_bytes()).is_some(),
            "raw value of {:?} is not borrowed from the body",
            attr.name
        );
        let at = offset_in(body, attr.name.as_bytes())
            .unwrap_or_else(|| panic!("name {:?} is not borrowed from the body", attr.name));
        // well-formed XML: an attribute is an XML Name preceded by white space (`<result a="1"b="2"/>` is not XML)
        assert!(
            is_xml_name(attr.name),
            "{version:?}: accepted attribute name {:?}, which is not an XML name",
            attr.name
        );
        assert!(
            at > 0 && matches!(body[at - 1], b' ' | b'\t' | b'\r' | b'\n'),
            "{version:?}: accepted attribute {:?} not preceded by white space",
            attr.name
        );
        assert_eq!(response.get(attr.name), response.get_all(attr.name).next());
    }
    let first = response.iter().next().map(|a| a.name);
    if let Some(name) = first {
        assert_eq!(response.get(name), Some(response.attributes()[0].value.as_ref()));
    }
    assert_eq!(response.is_empty(), response.attributes().is_empty());
    assert_eq!(response.len(), response.iter().count());

    let canonical = render_canonical(response);
    let again = Answer::parse(canonical.as_bytes(), version)
        .unwrap_or_else(|e| panic!("{version:?}: the re-rendered body does not parse: {e}\n{canonical}"));
    let pairs = |r: &Answer<'_>| r.iter().map(|a| (a.name.to_owned(), a.value.to_string())).collect::<Vec<_>>();
    assert_eq!(pairs(response), pairs(&again), "{version:?}: re-rendered body parses differently\n{canonical}");
}

/// An XML 1.0 `Name` (ASCII only: bodies are ASCII): `[A-Za-z_:][A-Za-z0-9_:.-]*`.
fn is_xml_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b':')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'))
}

/// `<?xml version="1.0"?><Epsilon_result>` + one `<result NAME="RAW" />` per attribute + `</Epsilon_result>`.
pub fn render_canonical(response: &Answer<'_>) -> String {
    let mut out = String::from("<?xml version=\"1.0\"?><Epsilon_result>");
    for attr in response {
        // the raw value kept its quotes' other kind; a value may hold `"` only when it was single-quoted
        let quote = if attr.escaped().contains('"') { '\'' } else { '"' };
        out.push_str("<result ");
        out.push_str(attr.name);
        out.push('=');
        out.push(quote);
        out.push_str(attr.escaped());
        out.push(quote);
        out.push_str(" />");
    }
    out.push_str("</Epsilon_result>");
    out
}

/// The model decode of one attribute value.
struct ModelValue {
    /// The percent-decoded bytes.
    bytes: Vec<u8>,
    /// The text.
    text: String,
}

/// Decodes a raw attribute value the slow way; `None` when the model rejects it (an XML reference it does not
/// resolve, a bad escape, invalid text).
fn model_attribute_value(raw: &str, version: Version) -> Option<ModelValue> {
    let normalized = model_normalize_space(raw);
    let unescaped = model_unescape(&normalized)?;
    if !unescaped.is_ascii() {
        return None;
    }
    let bytes = model_percent_decode(unescaped.as_bytes()).ok()?;
    let text = model_decode_text(&bytes, version)?;
    Some(ModelValue { bytes, text })
}

/// XML attribute-value normalization of literal line breaks and tabs: CR LF, CR, LF, TAB → one space each.
fn model_normalize_space(raw: &str) -> String {
    raw.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ")
}

/// Resolves `&lt;` `&gt;` `&amp;` `&apos;` `&quot;`, `&#DDD;` and `&#xHHH;` (not U+0000).
fn model_unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';')?;
        let entity = &after[..semi];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let digits = entity.strip_prefix('#')?;
                let (digits, radix) = match digits.strip_prefix('x') {
                    Some(hex) => (hex, 16),
                    None => (digits, 10),
                };
                if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                    return None;
                }
                let n = u32::from_str_radix(digits, radix).ok()?;
                if n == 0 {
                    return None;
                }
                char::from_u32(n)?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `%XX` (either case) → the byte, `+` → space, anything else kept; `Err(offset)` of the first bad `%`.
pub(crate) fn model_percent_decode(raw: &[u8]) -> Result<Vec<u8>, usize> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex);
                let lo = raw.get(i + 2).copied().and_then(hex);
                let (Some(hi), Some(lo)) = (hi, lo) else { return Err(i) };
                out.push(hi * 16 + lo);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Strict CP932 (Windows-31J: WHATWG Shift_JIS without its lone 0x80 → U+0080, a byte Windows-31J leaves
/// undefined) or UTF-8.
fn model_decode_text(bytes: &[u8], version: Version) -> Option<String> {
    match version {
        Version::V1 => SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(Cow::into_owned)
            .filter(|text| !text.contains('\u{80}')),
        Version::V2 => String::from_utf8(bytes.to_vec()).ok(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The offset of `inner` inside `outer`, when `inner` is a sub-slice of it.
fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let from = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (from + inner.len() <= outer.len()).then_some(from)
}

// ---------------------------------------------------------------------------------------------------------------
// percent_decode
// ---------------------------------------------------------------------------------------------------------------

/// Fuzz target `percent_decode`: arbitrary bytes through `percent_decode`, then `decode_text` as version 1 and 2,
/// and through `parse_query`.
///
/// Results must agree with the model decoders; error offsets must point at the offending `%` or inside the bytes;
/// input without `%` and `+` must come back borrowed and unchanged; CP932 never yields U+FFFD and UTF-8 only when the
/// bytes hold EF BF BD; `parse_query` values must equal the model decode of their raw values.
pub fn percent_decode(data: &[u8]) {
    let decoded = answer::percent_decode(data);
    match (&decoded, model_percent_decode(data)) {
        (Ok(bytes), Ok(model)) => assert_eq!(&**bytes, &model[..], "percent_decode disagrees with the model"),
        (Err(e), Err(offset)) => {
            assert!(e.offset <= data.len(), "percent error offset {} out of range (len {})", e.offset, data.len());
            assert_eq!(e.offset, offset, "percent error offset disagrees with the model");
            assert_eq!(data.get(e.offset), Some(&b'%'), "percent error offset does not point at a `%`");
        }
        (got, model) => panic!("percent_decode gave {got:?}, the model {model:?}"),
    }
    let Ok(bytes) = decoded else {
        check_query(data);
        return;
    };
    if !data.iter().any(|&b| b == b'%' || b == b'+') {
        assert!(matches!(bytes, Cow::Borrowed(_)), "input without `%` and `+` was copied");
        assert_eq!(&*bytes, data);
    }
    for version in VERSIONS {
        let borrowed_ascii = matches!(bytes, Cow::Borrowed(_)) && bytes.is_ascii();
        let text = answer::decode_text(bytes.clone(), version);
        let model = model_decode_text(&bytes, version);
        match (&text, &model) {
            (Ok(text), Some(model)) => {
                assert_eq!(text, model, "{version:?}: decode_text disagrees with the model");
                if borrowed_ascii {
                    assert!(matches!(text, Cow::Borrowed(_)), "{version:?}: borrowed ASCII input was copied");
                }
                if text.contains('\u{FFFD}') {
                    assert!(version == Version::V2, "V1 (CP932) produced U+FFFD");
                    assert!(contains(&bytes, b"\xEF\xBF\xBD"), "V2 produced a U+FFFD the bytes do not encode");
                }
            }
            (Err(e), None) => {
                assert!(e.offset <= bytes.len(), "{version:?}: charset error offset {} out of range", e.offset);
                assert_eq!(e.version, version);
                // everything before the offset is valid text
                assert!(
                    model_decode_text(&bytes[..e.offset.min(bytes.len())], version).is_some(),
                    "{version:?}: the bytes before the charset error offset {} are not valid",
                    e.offset
                );
                if version == Version::V2 {
                    let valid_up_to = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to());
                    assert_eq!(Some(e.offset), valid_up_to, "V2 charset error offset disagrees with std");
                }
            }
            (got, model) => panic!("{version:?}: decode_text gave {got:?}, the model {model:?}"),
        }
    }
    check_query(data);
}

/// `parse_query` on the same bytes: must not panic; on success every value equals the model decode.
fn check_query(data: &[u8]) {
    for version in VERSIONS {
        match Answer::parse_query(data, version) {
            Ok(response) => {
                for attr in &response {
                    let model = model_percent_decode(attr.escaped().as_bytes())
                        .ok()
                        .and_then(|bytes| model_decode_text(&bytes, version));
                    assert_eq!(
                        Some(attr.value.as_ref()),
                        model.as_deref(),
                        "{version:?}: query value {:?} (raw {:?}) disagrees with the model",
                        attr.name,
                        attr.escaped()
                    );
                    assert!(!attr.name.is_empty());
                }
            }
            Err(e) => assert!(e.offset() <= data.len(), "{version:?}: query error offset out of range: {e:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// validate_request
// ---------------------------------------------------------------------------------------------------------------

/// The structured input of [`validate_request`].
///
/// Byte 0 picks an outgoing operation (index modulo their number), byte 1 the charset (low 7 bits modulo 3, in
/// [`Charset::ALL`] order) and the normalize flag (high bit). The rest is split on `0xFF` into the field values, in
/// spec field order: an empty chunk is `None`, the single byte `0xFE` is `Some("")`, anything else is its lossy UTF-8
/// text. Extra chunks are ignored; missing ones are `None`.
#[derive(Debug)]
pub struct RequestInput {
    /// The operation.
    pub spec: &'static OperationSpec,
    /// The options.
    pub options: Options<'static>,
    /// The values, one per field.
    pub values: Vec<Option<String>>,
}

/// The operations whose seeds the corpus holds, in the order their first byte counts them; a new operation comes
/// after them (in `OPERATIONS` order), so adding one never changes what an existing seed decodes to.
const SEEDED_OPERATIONS: [&str; 8] = [
    "link_order",
    "order_info",
    "user_change",
    "user_register",
    "capture",
    "ship_request",
    "stop_monthly_billing",
    "virtual_account",
];

/// The outgoing operations in the order the first byte of a [`RequestInput`] counts them: [`SEEDED_OPERATIONS`],
/// then every other outgoing operation.
fn outgoing_operations() -> Vec<&'static OperationSpec> {
    let outgoing = OPERATIONS.iter().copied().filter(|s| s.direction != Direction::Incoming);
    let rank =
        |s: &OperationSpec| SEEDED_OPERATIONS.iter().position(|&n| n == s.name).unwrap_or(SEEDED_OPERATIONS.len());
    let mut ops: Vec<&'static OperationSpec> = outgoing.collect();
    ops.sort_by_key(|s| rank(s)); // stable: the others keep their OPERATIONS order
    ops
}

impl RequestInput {
    /// Decodes fuzz bytes; `None` for fewer than 2 bytes.
    pub fn from_bytes(data: &[u8]) -> Option<RequestInput> {
        let [op, flags, rest @ ..] = data else { return None };
        let outgoing = outgoing_operations();
        let spec = *outgoing.get(usize::from(*op) % outgoing.len())?;
        let charset = Charset::ALL[usize::from(flags & 0x7F) % Charset::ALL.len()];
        let options = Options::new(charset).normalize(flags & 0x80 != 0);
        let mut chunks = rest.split(|&b| b == 0xFF);
        let values = spec
            .fields
            .iter()
            .map(|_| match chunks.next() {
                None | Some([]) => None,
                Some([0xFE]) => Some(String::new()),
                Some(chunk) => Some(String::from_utf8_lossy(chunk).into_owned()),
            })
            .collect();
        Some(RequestInput { spec, options, values })
    }

    /// Encodes back to fuzz bytes (for writing seeds), without trailing absent values.
    pub fn to_bytes(&self) -> Vec<u8> {
        let op = outgoing_operations().iter().position(|s| std::ptr::eq(*s, self.spec)).unwrap_or(0);
        let charset = Charset::ALL.iter().position(|c| *c == self.options.charset).unwrap_or(0);
        let mut out = vec![op as u8, charset as u8 | if self.options.normalize { 0x80 } else { 0 }];
        let used = self.values.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
        for (i, value) in self.values[..used].iter().enumerate() {
            if i > 0 {
                out.push(0xFF);
            }
            match value.as_deref() {
                None => {}
                Some("") => out.push(0xFE),
                Some(v) => out.extend_from_slice(v.as_bytes()),
            }
        }
        out
    }
}

/// Fuzz target `validate_request`: a structured request ([`RequestInput`]) through `request::validate`,
/// `DynamicRequest`, `encoded_len` and `encode`.
///
/// The report must equal the model's ([`crate::oracle::model_validate`]) violation for violation; an invalid request writes nothing;
/// for a valid one `encoded_len` equals the bytes `encode` writes, the body uses only the form serializer's bytes,
/// and it decodes back to the parameters in spec order (fixed ones filled in, the UTF-8 markers appended) with each
/// value equal to the (normalized) text in the transport charset.
pub fn validate_request(data: &[u8]) {
    let Some(input) = RequestInput::from_bytes(data) else { return };
    let RequestInput { spec, options, ref values } = input;
    let values: Vec<Option<&str>> = values.iter().map(Option::as_deref).collect();

    crate::oracle::check_request(spec, &values, options);
}

// ---------------------------------------------------------------------------------------------------------------
// charset_roundtrip
// ---------------------------------------------------------------------------------------------------------------

/// Fuzz target `charset_roundtrip`: the lossy UTF-8 text of the input, character by character.
///
/// `encode_char(c, CP932 | EUC-JP)` must be `Some` exactly when the model says `c` is representable (a full
/// non-replacing encode that decodes back to `c`, and `c` not in `LOSSY`), with the same bytes, and those bytes must
/// decode strictly to exactly `c`. UTF-8 represents every character as its UTF-8 bytes. A look-alike's normalized
/// form is a different character that CP932 represents.
pub fn charset_roundtrip(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for c in text.chars() {
        check_char(c);
    }
}

/// The `charset_roundtrip` checks for one character.
pub fn check_char(c: char) {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    for charset in [Charset::Cp932, Charset::EucJp] {
        let encoding = if charset == Charset::Cp932 { encoding_rs::SHIFT_JIS } else { encoding_rs::EUC_JP };
        let got = GATEWAY.text.encode_char(c, charset);
        if let Some(bytes) = got {
            let back = encoding.decode_without_bom_handling_and_without_replacement(bytes.as_bytes());
            assert_eq!(
                back.as_deref(),
                Some(s),
                "encode_char({c:?} U+{:04X}, {charset}) = {:02X?} does not decode back",
                c as u32,
                bytes.as_bytes()
            );
            assert_eq!(bytes.len(), bytes.as_bytes().len());
        }
        let model = crate::oracle::model_representable(s, charset);
        assert_eq!(
            got.map(|b| b.as_bytes().to_vec()),
            model,
            "encode_char(U+{:04X}, {charset}) disagrees with the full encode",
            c as u32
        );
    }
    let utf8 = GATEWAY.text.encode_char(c, Charset::Utf8);
    assert_eq!(utf8.as_ref().map(|b| b.as_bytes()), Some(s.as_bytes()), "UTF-8 bytes of U+{:04X}", c as u32);
    let table = NORMALIZE.iter().find(|(from, _)| *from == c).map(|(_, to)| *to);
    assert_eq!(GATEWAY.text.normalized(c), table, "normalized(U+{:04X}) disagrees with the table", c as u32);
    if let Some(to) = table {
        assert_ne!(to, c);
        assert!(
            GATEWAY.text.encode_char(to, Charset::Cp932).is_some(),
            "U+{:04X} normalizes to U+{:04X}, which CP932 does not represent",
            c as u32,
            to as u32
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// parse_kuroneko_answer
// ---------------------------------------------------------------------------------------------------------------

/// Fuzz target `parse_kuroneko_answer`: arbitrary bytes through `kuroneko_proto::Answer::parse`.
///
/// An error must point inside the body (`offset() <= len`). On success ([`check_kuroneko_answer`]):
///
/// * **Valid values.** Every value is XML `Char`s only, and holds a U+FFFD only when the body spells one (the bytes
///   `EF BF BD` or a character reference to it): nothing is ever replaced.
/// * **Names and offsets.** Every element and group name is an ASCII XML name borrowed from the body, and its
///   offset is where its tag starts: `<` + name, then `>`, `/` or white space. Offsets grow in document order
///   within a block and along the groups, and a group's values lie after its start tag.
/// * **Empty is not absent.** An empty-element tag (`<x/>`) reads `Some("")`; for a value written as one run of
///   text closed by its own end tag, the value is the model's (line ends normalized, references resolved) and is
///   borrowed from the body when that run has no `&` and no CR.
/// * **A multimap that fails closed.** `get` is the first element of the name, `get_all` every one in order, and
///   the occurrences of a name in one block have one value; no name is both a root value and a group.
/// * **Canonical re-rendering.** `<return>`, the root values, then each group, every value escaped
///   ([`render_kuroneko_canonical`]), parses to the same names and values, and renders to the same text again.
/// * **Byte order mark.** The body with a BOM in front reads the same (offsets shifted by 3), or fails the same way.
/// * **Success and secrets.** `is_success` is `returnCode == "0"`; the `Debug` of a secret element shows `<redacted>`.
pub fn parse_kuroneko_answer(data: &[u8]) {
    let result = KuronekoAnswer::parse(data);
    match &result {
        Ok(answer) => check_kuroneko_answer(data, answer),
        Err(e) => assert!(e.offset() <= data.len(), "error offset out of range: {e:?} (body of {} bytes)", data.len()),
    }
    if !data.starts_with(KURONEKO_BOM) {
        let mut with_bom = KURONEKO_BOM.to_vec();
        with_bom.extend_from_slice(data);
        let again = KuronekoAnswer::parse(&with_bom);
        match (&result, &again) {
            (Ok(a), Ok(b)) => {
                assert_eq!(kuroneko_shape(a, 3), kuroneko_shape(b, 0), "a BOM in front changes the answer");
            }
            (Err(a), Err(b)) => {
                let shift = if matches!(a, KuronekoError::Empty) { 0 } else { 3 };
                assert_eq!(
                    (std::mem::discriminant(a), a.offset() + shift),
                    (std::mem::discriminant(b), b.offset()),
                    "a BOM in front changes the error: {a:?} vs {b:?}"
                );
            }
            _ => panic!("a BOM in front changes the outcome: {result:?} vs {again:?}"),
        }
    }
}

use kuroneko_proto::answer::{Answer as KuronekoAnswer, AnswerError as KuronekoError, Block as KuronekoBlock};

const KURONEKO_BOM: &[u8] = b"\xEF\xBB\xBF";

/// An answer as plain data: (root values, groups), every element as (name, value, offset + `shift`).
type KuronekoShape = (Vec<(String, String, usize)>, Vec<(String, usize, Vec<(String, String, usize)>)>);

fn kuroneko_shape(answer: &KuronekoAnswer<'_>, shift: usize) -> KuronekoShape {
    let block = |b: &KuronekoBlock<'_>| {
        b.iter().map(|e| (e.name.to_owned(), e.value.to_string(), e.offset + shift)).collect::<Vec<_>>()
    };
    let groups = answer.groups().iter().map(|g| (g.name.to_owned(), g.offset + shift, block(&g.block))).collect();
    (block(answer.fields()), groups)
}

/// The success checks of [`parse_kuroneko_answer`].
pub fn check_kuroneko_answer(body: &[u8], answer: &KuronekoAnswer<'_>) {
    let spells_fffd = contains(body, b"\xEF\xBF\xBD") || references_fffd(body);
    check_kuroneko_block(body, answer.fields(), 0, spells_fffd);
    let mut last_group = 0;
    for group in answer.groups() {
        check_kuroneko_tag(body, group.name, group.offset);
        assert!(group.offset > last_group, "group {:?} at {} out of document order", group.name, group.offset);
        last_group = group.offset;
        assert!(!group.block.is_empty(), "group {:?} at {} has no values", group.name, group.offset);
        check_kuroneko_block(body, &group.block, group.offset + 1, spells_fffd);
        assert!(
            !answer.fields().contains(group.name),
            "{:?} is both a root value and a group (at {})",
            group.name,
            group.offset
        );
        let rows: Vec<_> = answer.groups_named(group.name).collect();
        let expected = answer.groups().iter().filter(|g| g.name == group.name).count();
        assert_eq!(rows.len(), expected, "groups_named({:?})", group.name);
    }
    assert_eq!(answer.return_code(), answer.get("returnCode"));
    assert_eq!(answer.is_success(), answer.get("returnCode") == Some("0"));

    let canonical = render_kuroneko_canonical(answer);
    let again = KuronekoAnswer::parse(canonical.as_bytes())
        .unwrap_or_else(|e| panic!("the re-rendered body does not parse: {e:?}\n{canonical}"));
    let names_values = |a: &KuronekoAnswer<'_>| {
        let (fields, groups) = kuroneko_shape(a, 0);
        let strip = |b: Vec<(String, String, usize)>| b.into_iter().map(|(n, v, _)| (n, v)).collect::<Vec<_>>();
        (strip(fields), groups.into_iter().map(|(n, _, b)| (n, strip(b))).collect::<Vec<_>>())
    };
    assert_eq!(names_values(answer), names_values(&again), "the re-rendered body reads differently\n{canonical}");
    assert_eq!(render_kuroneko_canonical(&again), canonical, "canonical rendering is not a fixed point");
}

/// The checks of one block, whose elements all start at or after `min_offset`.
fn check_kuroneko_block(body: &[u8], block: &KuronekoBlock<'_>, min_offset: usize, spells_fffd: bool) {
    assert_eq!(block.len(), block.elements().len());
    assert_eq!(block.is_empty(), block.elements().is_empty());
    let mut last = None;
    for element in block {
        let (name, value, at) = (element.name, element.value.as_ref(), element.offset);
        check_kuroneko_tag(body, name, at);
        assert!(at >= min_offset, "element {name:?} at {at} lies before its group");
        assert!(last.is_none_or(|l| at > l), "element {name:?} at {at} out of document order");
        last = Some(at);

        assert!(value.chars().all(is_xml_char), "{name:?} at {at}: a value with a character XML does not allow");
        assert!(
            !value.contains('\u{FFFD}') || spells_fffd,
            "{name:?} at {at}: U+FFFD in a value, and the body does not spell one"
        );
        if let Cow::Borrowed(v) = &element.value {
            assert!(v.is_empty() || offset_in(body, v.as_bytes()).is_some(), "{name:?}: borrowed value not in body");
            assert!(!v.contains('\r'), "{name:?} at {at}: a borrowed value with an unnormalized CR");
        }
        match model_kuroneko_value(body, name, at) {
            Some(ModelText::Empty) => assert_eq!(value, "", "{name:?} at {at}: an empty element does not read empty"),
            Some(ModelText::Run { raw, text }) => {
                assert_eq!(Some(value), text.as_deref(), "{name:?} at {at}: the value disagrees with the model");
                if !raw.contains(['&', '\r']) {
                    assert!(matches!(element.value, Cow::Borrowed(_)), "{name:?} at {at}: a plain value was copied");
                }
            }
            None => {}
        }

        let first = block.elements().iter().find(|e| e.name == name).map(|e| e.value.as_ref());
        assert_eq!(block.get(name), first, "get({name:?})");
        assert_eq!(block.element(name).map(|e| e.offset), block.iter().find(|e| e.name == name).map(|e| e.offset));
        assert!(block.contains(name));
        assert!(block.get_all(name).all(|v| v == value), "{name:?}: conflicting duplicates were accepted");
        assert_eq!(block.get_all(name).count(), block.iter().filter(|e| e.name == name).count());

        assert_eq!(element.is_secret(), kuroneko_proto::answer::is_secret(name));
        if element.is_secret() {
            let expected = format!("Element {{ name: {name:?}, value: \"<redacted>\", offset: {at} }}");
            assert_eq!(format!("{element:?}"), expected, "{name:?}: secret value shown in Debug");
        }
    }
}

/// The tag of `name` starts at `at`: `<` + name, then `>`, `/` or XML white space; the name is borrowed from there.
fn check_kuroneko_tag(body: &[u8], name: &str, at: usize) {
    let mut bytes = name.bytes();
    let is_name = bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    assert!(is_name, "accepted the element name {name:?}, which is not an ASCII XML name");
    assert_eq!(offset_in(body, name.as_bytes()), Some(at + 1), "name {name:?} is not borrowed from its tag at {at}");
    assert_eq!(body.get(at), Some(&b'<'), "no `<` at the offset {at} of {name:?}");
    let after = body.get(at + 1 + name.len());
    assert!(
        matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')),
        "the tag of {name:?} at {at} goes on with {after:?}"
    );
}

/// What the model reads for a value element, when its content is simple enough to model.
enum ModelText {
    /// An empty-element tag `<name/>` (white space allowed before `/`).
    Empty,
    /// One run of text (no markup) closed by `</name>`: the raw run and its model text (`None` when the model
    /// refuses a reference).
    Run { raw: String, text: Option<String> },
}

/// The model reading of the element `name` whose tag starts at `at`; `None` when its content holds markup.
fn model_kuroneko_value(body: &[u8], name: &str, at: usize) -> Option<ModelText> {
    let tag_end = at + 1 + name.len();
    let gt = tag_end + body.get(tag_end..)?.iter().position(|&b| b == b'>')?;
    let inside = body.get(tag_end..gt)?;
    if inside.last() == Some(&b'/') {
        assert!(inside[..inside.len() - 1].iter().all(|b| b" \t\r\n".contains(b)), "attributes in the tag at {at}");
        return Some(ModelText::Empty);
    }
    let rest = body.get(gt + 1..)?;
    let lt = rest.iter().position(|&b| b == b'<')?;
    let close = rest.get(lt..)?;
    let closes = close.strip_prefix(b"</").and_then(|c| c.strip_prefix(name.as_bytes())).is_some_and(|c| {
        let c = c.trim_ascii_start();
        c.first() == Some(&b'>')
    });
    if !closes {
        return None;
    }
    let raw = std::str::from_utf8(&rest[..lt]).ok()?.to_owned();
    let normalized = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = model_xml_unescape(&normalized);
    Some(ModelText::Run { raw, text })
}

/// Resolves the five predefined entities and character references of XML `Char`s; `None` for anything else.
fn model_xml_unescape(s: &str) -> Option<String> {
    let text = model_unescape(s)?;
    // `model_unescape` takes any scalar value but U+0000; XML takes `Char`s only
    text.chars().all(is_xml_char).then_some(text)
}

/// XML 1.0 `Char`.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether the body holds a character reference to U+FFFD (`&#65533;`, `&#xFFFD;`, with any leading zeros).
fn references_fffd(body: &[u8]) -> bool {
    body.windows(2).enumerate().filter(|(_, w)| *w == b"&#").any(|(i, _)| {
        let rest = &body[i + 2..];
        let (digits, radix) = match rest.first() {
            Some(b'x') => (&rest[1..], 16),
            _ => (rest, 10),
        };
        let end = digits.iter().position(|&b| b == b';').unwrap_or(digits.len());
        std::str::from_utf8(&digits[..end]).ok().and_then(|d| u32::from_str_radix(d, radix).ok()) == Some(0xFFFD)
    })
}

/// `<return>`, each root value, then each group with its values, as `<name>escaped</name>` (`<name/>` when empty);
/// `&`, `<`, `>` and CR are escaped (a CR only comes from a reference, and a literal one would read as LF).
pub fn render_kuroneko_canonical(answer: &KuronekoAnswer<'_>) -> String {
    fn block(out: &mut String, block: &KuronekoBlock<'_>) {
        for e in block {
            if e.value.is_empty() {
                out.push_str(&format!("<{}/>", e.name));
                continue;
            }
            out.push_str(&format!("<{}>", e.name));
            for c in e.value.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '\r' => out.push_str("&#13;"),
                    c => out.push(c),
                }
            }
            out.push_str(&format!("</{}>", e.name));
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><return>");
    block(&mut out, answer.fields());
    for group in answer.groups() {
        out.push_str(&format!("<{}>", group.name));
        block(&mut out, &group.block);
        out.push_str(&format!("</{}>", group.name));
    }
    out.push_str("</return>");
    out
}
