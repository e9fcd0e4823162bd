//! Request validation and `application/x-www-form-urlencoded` encoding, driven by an [`OperationSpec`].
//!
//! The generated request structs implement [`crate::Operation`], whose provided methods call these functions with
//! their values laid out in the order of `spec.fields`; [`DynamicRequest`] does the same for name → value pairs from
//! JSON or a form. The gateway's [`crate::charset::TextPolicy`] (`spec.gateway.text`) says which charsets a value
//! must survive and which charset its byte limit counts.

use std::borrow::Cow;
use std::fmt;

use crate::charset::{self, Charset, TextPolicy, Unrepresentable};
use crate::rules;
use crate::spec::{ByteLimit, FieldSpec, OperationSpec, ValueKind};

/// How a request is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The charset of the body. Default: CP932.
    pub charset: Charset,
    /// Map look-alikes (U+301C 〜 → U+FF5E ～, U+2212 − → U+FF0D －, …; the gateway's `normalize` table) before
    /// checking and encoding. Off by default: nothing is changed unless asked.
    pub normalize: bool,
}

impl Options {
    /// Options for `charset`, without normalization.
    pub fn new(charset: Charset) -> Options {
        Options { charset, normalize: false }
    }

    /// The same options with normalization switched on or off.
    pub fn normalize(self, normalize: bool) -> Options {
        Options { normalize, ..self }
    }
}

/// One rule a request value breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The parameter's wire name.
    pub field: Cow<'static, str>,
    /// What is wrong.
    pub kind: ViolationKind,
}

/// What is wrong with a value. Never holds the value itself (it may be personal or card data); at most one offending
/// character of a non-secret field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The parameter is required (always, or because of `condition`) but missing or empty.
    Required {
        /// The condition that makes a △ field required.
        condition: Option<&'static str>,
    },
    /// The operation has no parameter of this name.
    Unknown,
    /// Longer than the limit.
    MaxBytes {
        /// The charset the bytes were counted in.
        charset: Charset,
        /// The value's length.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// Not exactly the required length.
    ExactBytes {
        /// The charset the bytes were counted in.
        charset: Charset,
        /// The value's length.
        actual: usize,
        /// The required length.
        expected: usize,
    },
    /// A character that does not survive the trip through the charset.
    Charset {
        /// The charset that cannot represent it.
        charset: Charset,
        /// The character (`None` for a secret field).
        ch: Option<char>,
        /// Its 0-based character position.
        char_index: usize,
        /// What the normalize option would turn it into, when it has a look-alike.
        normalizes_to: Option<char>,
    },
    /// A character or format the field does not allow.
    Pattern {
        /// What the field accepts.
        expected: &'static str,
        /// The first offending character (`None` for a format error or a secret field).
        ch: Option<char>,
        /// Its 0-based character position.
        char_index: usize,
    },
    /// No alternative or more than one of an "exactly one of" rule is given (the violation's field is the rule's
    /// name).
    OneOf {
        /// The alternatives, in words.
        description: &'static str,
        /// How many alternatives were given.
        given: usize,
    },
    /// Not one of the allowed values (or not the fixed value).
    Value {
        /// The allowed values.
        expected: &'static [&'static str],
        /// Whether the parameter is fixed (the encoder sends it; callers need not).
        fixed: bool,
    },
    /// Shorter than the field's lower bound ([`FieldCheck::MinBytes`](crate::spec::FieldCheck::MinBytes)).
    MinBytes {
        /// The charset the bytes were counted in.
        charset: Charset,
        /// The value's length.
        actual: usize,
        /// The lower bound.
        limit: usize,
    },
    /// A number below the field's smallest value ([`FieldCheck::MinValue`](crate::spec::FieldCheck::MinValue)).
    MinValue {
        /// The smallest value allowed.
        min: u64,
    },
}

impl ViolationKind {
    /// The rule name: `required`, `unknown`, `max_bytes`, `exact_bytes`, `charset`, `pattern`, `one_of`, `value`,
    /// `min_bytes` or `min_value`.
    pub fn rule(&self) -> &'static str {
        match self {
            ViolationKind::Required { .. } => "required",
            ViolationKind::Unknown => "unknown",
            ViolationKind::MaxBytes { .. } => "max_bytes",
            ViolationKind::ExactBytes { .. } => "exact_bytes",
            ViolationKind::Charset { .. } => "charset",
            ViolationKind::Pattern { .. } => "pattern",
            ViolationKind::OneOf { .. } => "one_of",
            ViolationKind::Value { .. } => "value",
            ViolationKind::MinBytes { .. } => "min_bytes",
            ViolationKind::MinValue { .. } => "min_value",
        }
    }
}

struct CharName(char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_control() { write!(f, "U+{:04X}", c as u32) } else { write!(f, "U+{:04X} '{c}'", c as u32) }
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViolationKind::Required { condition: None } => f.write_str("required"),
            ViolationKind::Required { condition: Some(c) } => write!(f, "required for {c}"),
            ViolationKind::Unknown => f.write_str("unknown parameter for this operation"),
            ViolationKind::MaxBytes { charset, actual, limit } => {
                write!(f, "{actual} bytes in {charset}, limit {limit}")
            }
            ViolationKind::ExactBytes { charset, actual, expected } => {
                write!(f, "{actual} bytes in {charset}, expected exactly {expected}")
            }
            ViolationKind::Charset { charset, ch, char_index, normalizes_to } => {
                match ch {
                    Some(c) => write!(f, "character {} at position {char_index}", CharName(*c))?,
                    None => write!(f, "the character at position {char_index}")?,
                }
                write!(f, " is not representable in {charset}")?;
                if let Some(to) = normalizes_to {
                    write!(f, "; the normalize option maps it to {}", CharName(*to))?;
                }
                Ok(())
            }
            ViolationKind::Pattern { expected, ch: Some(c), char_index } => {
                write!(f, "character {} at position {char_index} not allowed; expected {expected}", CharName(*c))
            }
            ViolationKind::Pattern { expected, ch: None, .. } => write!(f, "expected {expected}"),
            ViolationKind::OneOf { description, given } => {
                write!(f, "expected exactly one of {description}, found {given}")
            }
            ViolationKind::Value { expected, fixed } => {
                if *fixed {
                    f.write_str("fixed to ")?;
                } else if expected.len() == 1 {
                    f.write_str("expected ")?;
                } else {
                    f.write_str("expected one of ")?;
                }
                for (i, v) in expected.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v:?}")?;
                }
                if *fixed {
                    f.write_str("; leave it out and the encoder sends it")?;
                }
                Ok(())
            }
            ViolationKind::MinBytes { charset, actual, limit } => {
                write!(f, "{actual} bytes in {charset}, at least {limit} required")
            }
            ViolationKind::MinValue { min } => write!(f, "expected a number of at least {min}"),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

impl std::error::Error for Violation {}

/// Every violation of a request, in field order. Empty for a valid request (and then it has not allocated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    violations: Vec<Violation>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// Whether there is no violation.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// How many violations.
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// The violations.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The violations, owned.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// Adds a violation.
    pub fn push(&mut self, field: impl Into<Cow<'static, str>>, kind: ViolationKind) {
        self.violations.push(Violation { field: field.into(), kind });
    }

    fn into_result(self) -> Result<(), Report> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}

impl<'a> IntoIterator for &'a Report {
    type Item = &'a Violation;
    type IntoIter = core::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}

fn value_at<'v>(values: &[Option<&'v str>], i: usize) -> Option<&'v str> {
    values.get(i).copied().flatten().filter(|v| !v.is_empty())
}

/// Whether `field` of `spec` is required given the other values.
fn is_required(spec: &OperationSpec, field: &FieldSpec, values: &[Option<&str>]) -> bool {
    if field.marker.always_required() {
        return true;
    }
    field.condition.is_some_and(|c| rules::holds(&c.test, spec, values))
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// Checks every field of a request laid out as `values[i]` ↔ `spec.fields[i]` and adds each violation to `report`.
/// Allocation-free when the request is valid.
pub fn validate_into(spec: &OperationSpec, values: &[Option<&str>], options: Options, report: &mut Report) {
    for (i, field) in spec.fields.iter().enumerate() {
        let value = value_at(values, i);
        let Some(value) = value else {
            if field.fixed.is_none() && is_required(spec, field, values) {
                let condition =
                    if field.marker.always_required() { None } else { field.condition.map(|c| c.description) };
                report.push(field.wire, ViolationKind::Required { condition });
            }
            continue;
        };
        check_value(field, value, options, &spec.gateway.text, report);
    }
    rules::check_one_of(spec, values, report);
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// Checks every field of a request; see [`validate_into`].
///
/// # Errors
/// A [`Report`] with every violation, in field order.
pub fn validate(spec: &OperationSpec, values: &[Option<&str>], options: Options) -> Result<(), Report> {
    let mut report = Report::new();
    validate_into(spec, values, options, &mut report);
    report.into_result()
}

/// Checks one value against its field's rules: allowed values, characters, charset, byte limit.
fn check_value(field: &FieldSpec, value: &str, options: Options, policy: &TextPolicy, report: &mut Report) {
    let hide = |c: char| if field.secret { None } else { Some(c) };
    if !field.allowed.is_empty() && !field.allowed.contains(&value) {
        report.push(field.wire, ViolationKind::Value { expected: field.allowed, fixed: field.fixed.is_some() });
        return;
    }
    if let Some((char_index, c)) = value.chars().enumerate().find(|(_, c)| !field.kind.allows(*c)) {
        report.push(field.wire, ViolationKind::Pattern { expected: field.kind.expected(), ch: hide(c), char_index });
        return;
    }
    if matches!(field.kind, ValueKind::Bitmap(bitmap) if bitmap.parse(value).is_none()) {
        report.push(field.wire, ViolationKind::Pattern { expected: field.kind.expected(), ch: None, char_index: 0 });
        return;
    }
    let bytes = match charset::text_len(value, options.charset, options.normalize, policy) {
        Ok(n) => n,
        Err(Unrepresentable { ch, char_index, charset }) => {
            let normalizes_to = if options.normalize { None } else { policy.normalized(ch) };
            report.push(field.wire, ViolationKind::Charset { charset, ch: hide(ch), char_index, normalizes_to });
            return;
        }
    };
    let charset = policy.limit_charset(options.charset);
    match field.limit {
        Some(ByteLimit::Max(limit)) if bytes > limit => {
            report.push(field.wire, ViolationKind::MaxBytes { charset, actual: bytes, limit });
        }
        Some(ByteLimit::Exact(expected)) if bytes != expected => {
            report.push(field.wire, ViolationKind::ExactBytes { charset, actual: bytes, expected });
        }
        _ => {}
    }
    rules::check_field(field, value, bytes, charset, options, policy, report);
}

/// Where encoded bytes go: counted, or appended.
trait Sink {
    fn put(&mut self, b: u8);
    fn put_all(&mut self, bs: &[u8]) {
        for &b in bs {
            self.put(b);
        }
    }
}

struct Count(usize);
impl Sink for Count {
    fn put(&mut self, _: u8) {
        self.0 += 1;
    }
    fn put_all(&mut self, bs: &[u8]) {
        self.0 += bs.len();
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, b: u8) {
        self.push(b);
    }
    fn put_all(&mut self, bs: &[u8]) {
        self.extend_from_slice(bs);
    }
}

/// The upper-case hex digit of a nibble.
fn hex(nibble: u8) -> u8 {
    match nibble & 15 {
        n @ 0..=9 => b'0' + n,
        n => b'A' + n - 10,
    }
}

/// `application/x-www-form-urlencoded` byte serializer (WHATWG): `A-Za-z0-9*-._` raw, space as `+`, the rest `%XX`.
fn put_form_byte(sink: &mut impl Sink, b: u8) {
    match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => sink.put(b),
        b' ' => sink.put(b'+'),
        _ => sink.put_all(&[b'%', hex(b >> 4), hex(b)]),
    }
}

fn put_value(
    sink: &mut impl Sink,
    field: Option<&FieldSpec>,
    value: &str,
    options: Options,
    policy: &TextPolicy,
) -> Result<(), Violation> {
    let written = charset::encode_text(value, options.charset, options.normalize, policy, |bytes| {
        for &b in bytes {
            put_form_byte(sink, b);
        }
    });
    written.map(|_| ()).map_err(|Unrepresentable { ch, char_index, charset }| {
        // validation runs first, so this is unreachable for generated operations; still an error, not a panic
        let secret = field.is_some_and(|f| f.secret);
        Violation {
            field: Cow::Owned(field.map_or("", |f| f.wire).to_owned()),
            kind: ViolationKind::Charset {
                charset,
                ch: if secret { None } else { Some(ch) },
                char_index,
                normalizes_to: None,
            },
        }
    })
}

fn emit(spec: &OperationSpec, values: &[Option<&str>], options: Options, sink: &mut impl Sink) -> Result<(), Report> {
    validate(spec, values, options)?;
    let mut first = true;
    let mut sep = |sink: &mut _| {
        if !first {
            Sink::put(sink, b'&');
        }
        first = false;
    };
    for (i, field) in spec.fields.iter().enumerate() {
        let Some(value) = value_at(values, i).or(field.fixed) else { continue };
        sep(sink);
        sink.put_all(field.wire.as_bytes());
        sink.put(b'=');
        put_value(sink, Some(field), value, options, &spec.gateway.text).map_err(|v| Report { violations: vec![v] })?;
    }
    if options.charset == Charset::Utf8 {
        for (name, value) in spec.utf8_params {
            sep(sink);
            sink.put_all(name.as_bytes());
            sink.put(b'=');
            put_value(sink, None, value, options, &spec.gateway.text).map_err(|v| Report { violations: vec![v] })?;
        }
    }
    Ok(())
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// The exact length of the form body [`encode`] would write.
///
/// # Errors
/// The [`Report`] of an invalid request.
pub fn encoded_len(spec: &OperationSpec, values: &[Option<&str>], options: Options) -> Result<usize, Report> {
    let mut count = Count(0);
    emit(spec, values, options, &mut count)?;
    Ok(count.0)
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// Validates a request and appends its form body to `out`: parameters in spec order (fixed ones filled in), absent
/// or empty optional ones left out (an empty value is the same as no value, as in validation), then the UTF-8 marker parameters when sending UTF-8. Returns the number of bytes written.
/// Nothing is written when the request is invalid.
///
/// # Errors
/// The [`Report`] of an invalid request.
pub fn encode(
    spec: &OperationSpec,
    values: &[Option<&str>],
    options: Options,
    out: &mut Vec<u8>,
) -> Result<usize, Report> {
    let start = out.len();
    if let Err(report) = emit(spec, values, options, out) {
        out.truncate(start);
        return Err(report);
    }
    Ok(out.len() - start)
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// Writes a request struct's `Debug` form, with the values of secret fields replaced by `<redacted>`.
///
/// # Errors
/// Only the formatter's.
pub fn debug_request(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    spec: &OperationSpec,
    values: &[Option<&str>],
) -> fmt::Result {
    let mut s = f.debug_struct(name);
    for (i, field) in spec.fields.iter().enumerate() {
        if field.fixed.is_some() {
            continue;
        }
        match values.get(i).copied().flatten() {
            Some(_) if field.secret => s.field(field.wire, &format_args!("<redacted>")),
            v => s.field(field.wire, &v),
        };
    }
    s.finish()
}

/// A request built from name → value pairs (JSON, a form), for any operation.
///
/// ```
/// use japay_core::charset::{Charset, TextPolicy};
/// use japay_core::spec::{ByteLimit, FieldSpec, GatewaySpec, Marker, OperationSpec, ValueKind};
/// use japay_core::{DynamicRequest, Options};
///
/// static GATEWAY: GatewaySpec = GatewaySpec::new("demo", "a demo gateway", TextPolicy::new());
/// static REGISTER: OperationSpec = OperationSpec::new("register", &GATEWAY, "register.cgi").with_fields(&[
///     FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
///     FieldSpec::new("name", ValueKind::Text).with_marker(Marker::Required).with_limit(ByteLimit::Max(8)),
/// ]);
///
/// let mut req = DynamicRequest::new(&REGISTER);
/// req.set("name", "山田 太郎"); // 13 bytes in UTF-8
/// req.set("nickname", "x"); // not a parameter of this operation
/// let report = req.validate(Options::new(Charset::Utf8)).unwrap_err();
/// let rules: Vec<_> = report.violations().iter().map(|v| (v.field.as_ref(), v.kind.rule())).collect();
/// assert_eq!(rules, [("shop", "required"), ("name", "max_bytes"), ("nickname", "unknown")]);
/// ```
#[derive(Clone)]
pub struct DynamicRequest<'a> {
    spec: &'static OperationSpec,
    values: Vec<Option<&'a str>>,
    unknown: Vec<String>,
}

impl<'a> DynamicRequest<'a> {
    /// An empty request for `spec`.
    pub fn new(spec: &'static OperationSpec) -> DynamicRequest<'a> {
        DynamicRequest { spec, values: vec![None; spec.fields.len()], unknown: Vec::new() }
    }

    /// The operation.
    pub fn spec(&self) -> &'static OperationSpec {
        self.spec
    }

    /// Sets a parameter; returns `false` (and remembers the name, reported as `unknown`) when the operation has no
    /// such parameter.
    pub fn set(&mut self, name: &str, value: &'a str) -> bool {
        match self.spec.field_index(name).and_then(|i| self.values.get_mut(i)) {
            Some(slot) => {
                *slot = Some(value);
                true
            }
            None => {
                self.unknown.push(name.to_owned());
                false
            }
        }
    }

    /// The values in field order.
    pub fn values(&self) -> &[Option<&'a str>] {
        &self.values
    }

    /// Checks the request: every field violation, then one `unknown` violation per unknown name.
    ///
    /// # Errors
    /// A [`Report`] with every violation.
    pub fn validate(&self, options: Options) -> Result<(), Report> {
        let mut report = Report::new();
        validate_into(self.spec, &self.values, options, &mut report);
        for name in &self.unknown {
            report.push(name.clone(), ViolationKind::Unknown);
        }
        report.into_result()
    }

    /// Validates and appends the form body to `out`; see [`encode`].
    ///
    /// # Errors
    /// A [`Report`] with every violation; nothing is written then.
    pub fn encode(&self, options: Options, out: &mut Vec<u8>) -> Result<usize, Report> {
        self.validate(options)?;
        encode(self.spec, &self.values, options, out)
    }
}

impl fmt::Debug for DynamicRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_request(f, self.spec.name, self.spec, &self.values)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::spec::{AsciiSet, FieldSpec, GatewaySpec, Marker, OperationSpec, ValueKind};

    static GATEWAY: GatewaySpec = GatewaySpec::new("unit", "unit test", TextPolicy::new());
    static CARD: OperationSpec = OperationSpec::new("card", &GATEWAY, "test.cgi").with_fields(&[
        FieldSpec::new(
            "card_number",
            ValueKind::Ascii(AsciiSet { mask: 0x3ff << 48, kind: "digits", description: "0-9" }),
        )
        .with_marker(Marker::Required)
        .with_limit(ByteLimit::Max(16))
        .secret(),
        FieldSpec::new("memo1", ValueKind::Text),
    ]);

    #[test]
    fn secret_values_never_reach_debug_output_or_violations() {
        let mut request = DynamicRequest::new(&CARD);
        request.set("card_number", "4242x42424242424");
        request.set("memo1", "visible");
        let debug = format!("{request:?}");
        assert!(debug.contains("<redacted>") && debug.contains("visible"), "{debug}");
        assert!(!debug.contains("4242"), "{debug}");
        let report = request.validate(Options::default()).unwrap_err();
        let text = format!("{report} {report:?}");
        assert_eq!(report.violations()[0].kind.rule(), "pattern");
        assert!(!text.contains("'x'"), "the offending character is hidden: {text}");
        assert!(text.contains("ch: None"), "{text}");
    }
}
