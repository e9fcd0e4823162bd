//! Request validation and `application/x-www-form-urlencoded` encoding, driven by an [`OperationSpec`].
//!
//! The generated request structs implement [`crate::Operation`], whose provided methods call these functions with
//! their values laid out in the order of `spec.fields`; [`DynamicRequest`] does the same for name → value pairs from
//! JSON or a form. The gateway's [`crate::charset::TextPolicy`] (`spec.gateway.text`) says which charsets a value
//! must survive and which charset its byte limit counts.

use std::fmt;

use crate::charset::{Charset, Tables, TextPolicy};
use crate::credentials::Credentials;
use crate::form::{AsciiSets, Body, Count, Discard, Sink};
use crate::normalize;
pub use crate::report::{Report, Violation, ViolationKind};
use crate::rules::{self, value_at};
use crate::spec::{ByteLimit, Computed, ComputedInput, FieldSpec, OperationSpec, ValueKind};
use crate::text::{self, Fault};

/// How a request is sent, and what the encoder needs besides its values (the credentials of computed fields).
///
/// `Copy` and borrowed: [`Options::new`] gives `Options<'static>`; [`Options::with_credentials`] borrows the
/// caller's [`Credentials`] for the calls that need them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options<'a> {
    /// The charset of the body. Default: CP932.
    pub charset: Charset,
    /// Normalize text values before checking and encoding them: first compose them to Unicode NFC (decomposed
    /// か + U+3099, as macOS input produces, becomes が; canonical singletons such as the CJK compatibility ideographs
    /// U+FA19 神 stay as typed; see the crate docs), then map the gateway's look-alikes (U+301C 〜 → U+FF5E ～,
    /// U+2212 − → U+FF0D －, …; its `normalize` table). Off by default: nothing is changed unless asked.
    ///
    /// Positions in violations count the characters of the NFC form, which are the caller's own characters
    /// whenever NFC leaves the value as it is (every value already in NFC, e.g. text typed on Windows).
    pub normalize: bool,
    /// The local-sandbox switch: a field that must start with `https://` (`starts_with: "https://"`) also takes
    /// `http://` to a loopback host (`127.0.0.0/8` written as a dotted quad, `localhost`, `[::1]`), then `:`, `/`,
    /// `?` or the end. Off by default. Only a client whose base URL is a loopback `http://` URL (a local sandbox)
    /// and the sandbox itself turn it on; never for a gateway's own hosts.
    pub local_sandbox: bool,
    /// The credentials computed fields need ([`FieldSpec::computed`]); `None`: none given.
    pub credentials: Option<&'a Credentials<'a>>,
}

impl<'a> Options<'a> {
    /// Options for `charset`, without normalization, the local-sandbox switch off, no credentials.
    pub const fn new(charset: Charset) -> Options<'static> {
        Options { charset, normalize: false, local_sandbox: false, credentials: None }
    }

    /// The same options with normalization switched on or off.
    pub const fn normalize(self, normalize: bool) -> Options<'a> {
        Options { normalize, ..self }
    }

    /// The same options with the local-sandbox switch on or off (see [`Options::local_sandbox`](Options#structfield.local_sandbox)).
    pub const fn local_sandbox(self, local_sandbox: bool) -> Options<'a> {
        Options { local_sandbox, ..self }
    }

    /// The same options with the credentials computed fields need (a checksum over request values and a key).
    pub const fn with_credentials<'b>(self, credentials: &'b Credentials<'b>) -> Options<'b>
    where
        'a: 'b,
    {
        Options {
            charset: self.charset,
            normalize: self.normalize,
            local_sandbox: self.local_sandbox,
            credentials: Some(credentials),
        }
    }

    /// The non-empty value of the credential `name`, if given.
    pub fn credential(&self, name: &str) -> Option<&'a str> {
        self.credentials.and_then(|c| c.get(name))
    }
}

/// The field name of a [`ViolationKind::Transport`] violation: the request as a whole, named after the option.
const TRANSPORT: &str = "charset";

/// `a == b`, compared inline: allowed values are a few bytes long, shorter than the call to `memcmp` that `==` makes.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Whether `field` of `spec` is required given the other values.
fn is_required(spec: &OperationSpec, field: &FieldSpec, values: &[Option<&str>]) -> bool {
    if field.marker.always_required() {
        return true;
    }
    field.condition.as_ref().is_some_and(|c| rules::holds(&c.test, spec, values))
}

/// Whether a value is only white space (`char::is_whitespace`: ASCII space, tabs, line breaks, U+3000 ideographic
/// space, …).
#[inline]
fn is_blank(value: &str) -> bool {
    match value.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false, // the usual case, decided by the first byte
        _ => value.chars().all(char::is_whitespace),
    }
}

/// The one walk over a request behind validation, `encoded_len` and `encode`: every field in spec order, checked and
/// handed to `sink` in the same pass (parameters in spec order, fixed ones filled in, absent or empty optional ones
/// left out, then the UTF-8 marker parameters when sending UTF-8). Every violation goes to `report`; after one,
/// whatever `sink` holds is garbage and the caller discards it.
///
/// Presence: an absent or empty value is no value. A required field (always, or by its condition) without a value,
/// or whose value is only white space, is a `required` violation. An *optional* field whose value is only white
/// space is sent as given: it is not empty, and dropping it silently would lose what the caller wrote (it still
/// counts as present for other fields' conditions, and is checked like any value: a tab is a control character).
fn walk<S: Sink>(spec: &OperationSpec, values: &[Option<&str>], options: Options, sink: &mut S, report: &mut Report) {
    let policy = &spec.gateway.text;
    let computed;
    let tables = match Tables::cached(policy, options.normalize) {
        Some(cached) => cached,
        None => {
            computed = Tables::new(policy, options.normalize);
            &computed
        }
    };
    let transports = spec.gateway.transports;
    if !transports.is_empty() && !transports.contains(&options.charset) {
        report.push(TRANSPORT, ViolationKind::Transport { charset: options.charset, accepted: transports });
    } else if options.charset == Charset::Utf8 && spec.utf8_unmarked() {
        // the gateway would read the bytes in its default charset and garble every non-ASCII character silently:
        // refused for every such operation, whatever its fields (see `OperationSpec::takes`)
        report.push(TRANSPORT, ViolationKind::Utf8Unmarked { accepted: transports });
    }
    let mut first = true;
    let fields = spec.fields;
    let visit = |i: usize, first: &mut bool, sink: &mut S, report: &mut Report| {
        if let Some(field) = fields.get(i) {
            visit_field(spec, values, i, field, options, (policy, tables), first, sink, report);
        }
    };
    match spec.absent.of(fields) {
        Some(matters) => {
            // a field is visited when it has a value (read from `values`) or matters when absent (from the mask);
            // an absent optional field is never read
            for (w, matters) in matters.into_iter().enumerate() {
                let from = w * 64;
                let to = fields.len().min(from + 64);
                for i in from..to {
                    if matters >> (i - from) & 1 == 1 || value_at(values, i).is_some() {
                        visit(i, &mut first, sink, report);
                    }
                }
            }
        }
        None => {
            for (i, field) in fields.iter().enumerate() {
                if value_at(values, i).is_some() || field.matters_when_absent() {
                    visit(i, &mut first, sink, report);
                }
            }
        }
    }
    rules::check_one_of(spec, values, report);
    if options.charset == Charset::Utf8 {
        for (name, value) in spec.utf8_params {
            sink.put_name(first, name);
            first = false;
            sink.put_value(value.as_bytes()); // spec constants, sent as UTF-8 bytes
        }
    }
}

/// One field of [`walk`]: `values[i]` checked against `field` and handed to `sink` (its prefix after a `&` unless
/// it is the `first` parameter written).
#[allow(clippy::too_many_arguments)] // the walk's state, passed down rather than bundled for one call site
#[inline(always)]
fn visit_field<S: Sink>(
    spec: &OperationSpec,
    values: &[Option<&str>],
    i: usize,
    field: &FieldSpec,
    options: Options,
    (policy, tables): (&TextPolicy, &Tables),
    first: &mut bool,
    sink: &mut S,
    report: &mut Report,
) {
    {
        let given = value_at(values, i);
        let hex;
        if let Some(computed) = field.computed {
            if given.is_some() {
                report.push(field.wire, ViolationKind::Computed);
                return;
            }
            if !is_required(spec, field, values) {
                return; // a △ field whose condition does not hold is not sent
            }
            hex = match compute(spec, values, computed, options) {
                Ok(hex) => hex,
                Err(credential) => {
                    report.push(credential, ViolationKind::Credential { field: field.wire });
                    return;
                }
            };
            sink.put_prefix(*first, field.wire, &field.padded);
            *first = false;
            // lowercase hex: every character unreserved, itself on the wire; still checked like any value
            if let Err(kind) = put_value(field, hex_str(&hex), options, (policy, tables), sink) {
                report.push(field.wire, kind);
            }
            return;
        }
        let value = match (given, field.fixed) {
            (None, Some(fixed)) => fixed,
            (Some(value), _) if field.fixed.is_some() || !is_blank(value) => value,
            (value, _) => {
                if is_required(spec, field, values) {
                    let condition =
                        if field.marker.always_required() { None } else { field.condition.map(|c| c.description) };
                    report.push(field.wire, ViolationKind::Required { condition });
                    return;
                }
                match value {
                    Some(value) => value, // optional and only white space: sent as given
                    None => return,
                }
            }
        };
        if let Some(condition) = field.forbidden.as_ref().filter(|_| rules::is_forbidden(spec, field, values)) {
            report.push(field.wire, ViolationKind::Forbidden { condition: condition.description });
            return;
        }
        sink.put_prefix(*first, field.wire, &field.padded);
        *first = false;
        if let Err(kind) = put_value(field, value, options, (policy, tables), sink) {
            report.push(field.wire, kind);
        } else if let Some(kind) = check_digit_of(spec, field, value, values) {
            report.push(field.wire, kind);
        }
    }
}

/// The check-digit rule of a value that passed its other checks (it looks at another field, so the walk runs it).
#[inline(always)]
fn check_digit_of(
    spec: &OperationSpec,
    field: &FieldSpec,
    value: &str,
    values: &[Option<&str>],
) -> Option<ViolationKind> {
    if field.checks.is_empty() { None } else { rules::check_digit(spec, field, value, values) }
}

/// The value of a computed field, as lowercase hexadecimal bytes (on the stack: nothing allocated), or the name of
/// the first credential it needs that was not given. The inputs are the values as given (a fixed field's fixed
/// value; an absent or empty one is nothing), concatenated in order.
fn compute(
    spec: &OperationSpec,
    values: &[Option<&str>],
    computed: Computed,
    options: Options<'_>,
) -> Result<[u8; 64], &'static str> {
    use sha2::Digest as _;
    let Computed::Sha256Hex(inputs) = computed;
    let mut hasher = sha2::Sha256::new();
    for input in inputs {
        match *input {
            ComputedInput::Field(i) => {
                let fixed = spec.fields.get(i).and_then(|f| f.fixed);
                if let Some(v) = value_at(values, i).or(fixed) {
                    hasher.update(v.as_bytes());
                }
            }
            ComputedInput::Credential(name) => hasher.update(options.credential(name).ok_or(name)?.as_bytes()),
        }
    }
    Ok(lower_hex(&hasher.finalize().into()))
}

/// The 64 lowercase hexadecimal digits of a SHA-256 digest (on the stack).
fn lower_hex(digest: &[u8; 32]) -> [u8; 64] {
    let mut hex = [0u8; 64];
    let digit = |n: u8| if n < 10 { b'0' + n } else { b'a' + (n - 10) };
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
        if let [high, low] = pair {
            *high = digit(byte >> 4);
            *low = digit(byte & 0x0f);
        }
    }
    hex
}

/// The value of a computed field as the encoder sends it (lowercase hex), for a receiver that checks a checksum it
/// was sent (a sandbox): compare it with the value received. `Debug` never shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ComputedValue([u8; 64]);

impl ComputedValue {
    /// The lowercase hex SHA-256 of the concatenation of `parts`: the rule of [`Computed::Sha256Hex`], for a checksum
    /// a gateway wants outside a request (a token library's `checkSum`).
    pub fn sha256_hex(parts: &[&str]) -> ComputedValue {
        use sha2::Digest as _;
        let mut hasher = sha2::Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
        }
        ComputedValue(lower_hex(&hasher.finalize().into()))
    }

    /// The value (64 lowercase hexadecimal characters).
    pub fn as_str(&self) -> &str {
        hex_str(&self.0)
    }
}

impl fmt::Debug for ComputedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::secret::REDACTED)
    }
}

/// The value the encoder would send for the computed field at `index` of `spec` (see
/// [`FieldSpec::computed`]), given the other values laid out as in [`validate`] and the credentials in `options`:
/// what a receiver (a sandbox) compares a received checksum with. `None` when that field is not computed.
///
/// # Errors
/// `Some(Err(name))`: the credential `name` the value needs is not in `options`.
pub fn computed_value(
    spec: &OperationSpec,
    values: &[Option<&str>],
    index: usize,
    options: Options<'_>,
) -> Option<Result<ComputedValue, &'static str>> {
    let computed = spec.fields.get(index)?.computed?;
    Some(compute(spec, values, computed, options).map(ComputedValue))
}

/// The text of [`compute`]'s hexadecimal bytes (always ASCII).
fn hex_str(hex: &[u8; 64]) -> &str {
    core::str::from_utf8(hex).unwrap_or_default()
}

/// Checks one value against its field's rules (allowed values, characters, format, charset, byte limit, in that
/// order; the first broken rule is the violation) and hands its transport bytes to `sink`.
#[inline(always)]
fn put_value<S: Sink>(
    field: &FieldSpec,
    value: &str,
    options: Options,
    (policy, tables): (&TextPolicy, &Tables),
    sink: &mut S,
) -> Result<(), ViolationKind> {
    let hide = |c: char| if field.secret { None } else { Some(c) };
    if !field.allowed.is_empty() && !field.allowed.iter().any(|a| same(a, value)) {
        return Err(ViolationKind::Value { expected: field.allowed, fixed: field.fixed.is_some() });
    }
    // the kind, looked at once: its ASCII mask, and the bitmap or code table it is
    let (mask, bitmap, code) = match field.kind {
        ValueKind::Ascii(set) => (set.mask, None, None),
        ValueKind::Bitmap(bitmap) => (field.kind.ascii_mask(), Some(bitmap), None),
        ValueKind::Code(table) => (field.kind.ascii_mask(), None, Some(table)),
        ref kind => (kind.ascii_mask(), None, None),
    };
    if let Some(table) = code {
        // codegen fills `allowed` from the table; a hand-built spec without it still checks membership
        if field.allowed.is_empty() && table.lookup(value).is_none() {
            return Err(ViolationKind::Pattern { expected: table.name, ch: None, char_index: 0 });
        }
    }
    let pattern =
        |ch: char, char_index| ViolationKind::Pattern { expected: field.kind.expected(), ch: hide(ch), char_index };
    let mark = sink.mark();
    let valid_bitmap = bitmap.is_some_and(|bitmap| bitmap.is_valid(value));
    let stop = if valid_bitmap {
        sink.put_unreserved(value.as_bytes()); // only `0`, `1` and `-`: written as themselves
        None
    } else {
        let computed;
        let sets = if field.ascii.mask == mask {
            &field.ascii
        } else {
            computed = AsciiSets::new(mask); // `kind` changed after the field was built
            &computed
        };
        sink.put_ascii_in(value.as_bytes(), sets)
    };
    // with normalize, an ASCII letter followed by a combining mark may compose (A + U+030C = Ǎ): then the text path,
    // which checks the kind on the NFC form, decides
    let composes = |i: usize| {
        options.normalize && field.kind.is_text() && value.as_bytes().get(i + 1).is_some_and(|b| !b.is_ascii())
    };
    let early = stop.filter(|&i| value.as_bytes().get(i).is_some_and(u8::is_ascii) && !composes(i));
    // the NFC form, composed once for the text path and the per-field checks (`None`: the value is sent as given)
    let mut composed: Option<String> = None;
    let bytes = if let Some(char_index) = early {
        // an ASCII character the kind does not allow (every byte before it is an ASCII character too)
        let b = value.as_bytes().get(char_index).copied().unwrap_or(0);
        return Err(pattern(char::from(b), char_index));
    } else if stop.is_none() {
        // ASCII is itself, one byte, in every charset here, and no normalization changes it
        if bitmap.is_some() && !valid_bitmap {
            return Err(ViolationKind::Pattern { expected: field.kind.expected(), ch: None, char_index: 0 });
        }
        value.len()
    } else if !field.kind.is_text() {
        sink.rollback(mark);
        // the ASCII-only kinds (sets, bitmaps, codes): the first character they do not allow
        let (char_index, c) = value.chars().enumerate().find(|(_, c)| !field.kind.allows(*c)).unwrap_or((0, '\0'));
        return Err(pattern(c, char_index));
    } else {
        sink.rollback(mark);
        let sent_in = options.charset;
        if options.normalize && !normalize::is_nfc_fast(value) {
            composed = Some(normalize::nfc(value));
        }
        let text = composed.as_deref().unwrap_or(value);
        match text::encode_nfc(text, &field.kind, sent_in, options.normalize, (policy, tables), sink) {
            Ok(n) => n,
            Err(Fault::Pattern { ch, char_index }) => return Err(pattern(ch, char_index)),
            Err(Fault::Charset { ch, char_index, charset }) => {
                // the hint offers the normalize option only when what it maps to can be sent
                let normalizes_to = if options.normalize {
                    None
                } else {
                    policy.normalized(ch).filter(|&to| text::representable(to, sent_in, policy))
                };
                return Err(ViolationKind::Charset { charset, ch: hide(ch), char_index, normalizes_to });
            }
            Err(Fault::Refused { ch, char_index, range }) => {
                return Err(ViolationKind::Refused { ch: hide(ch), char_index, range });
            }
        }
    };
    let charset = policy.limit_charset(options.charset);
    match field.limit {
        Some(ByteLimit::Max(limit)) if bytes > limit => Err(ViolationKind::MaxBytes { charset, actual: bytes, limit }),
        Some(ByteLimit::Exact(expected)) if bytes != expected => {
            Err(ViolationKind::ExactBytes { charset, actual: bytes, expected })
        }
        _ if field.checks.is_empty() => Ok(()),
        // the per-field checks see the text as it is sent: the NFC form when normalize composed it (positions in their
        // violations count its characters, like every other check); an ASCII value is its own NFC form
        _ => rules::check_field(
            field,
            composed.as_deref().unwrap_or(value),
            bytes,
            charset,
            (options.normalize, options.local_sandbox),
            policy,
        )
        .map_or(Ok(()), Err),
    }
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// Checks every field of a request laid out as `values[i]` ↔ `spec.fields[i]` and adds each violation to `report`.
/// Allocation-free when the request is valid (and its values need no NFC composition, see [`Options::normalize`]).
pub fn validate_into(spec: &OperationSpec, values: &[Option<&str>], options: Options, report: &mut Report) {
    walk(spec, values, options, &mut Discard, report);
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

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// The exact length of the form body [`encode`] would write.
///
/// # Errors
/// The [`Report`] of an invalid request.
pub fn encoded_len(spec: &OperationSpec, values: &[Option<&str>], options: Options) -> Result<usize, Report> {
    let mut count = Count(0);
    let mut report = Report::new();
    walk(spec, values, options, &mut count, &mut report);
    report.into_result().map(|()| count.0)
}

#[doc(hidden)] // the engine behind `Operation` and `DynamicRequest`; not a stable entry point
/// Validates a request and appends its form body to `out` in the same pass: parameters in spec order (fixed ones
/// filled in), absent or empty optional ones left out (an empty value is the same as no value, as in validation),
/// then the UTF-8 marker parameters when sending UTF-8. Returns the number of bytes written. `A-Za-z0-9*-._` are
/// written raw, a space as `+`, every other byte as `%XX`.
///
/// Nothing is written when the request is invalid (`out` is truncated back to its length on entry). Allocation-free
/// when `out` has room for the body ([`encoded_len`]) and the values need no NFC composition.
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
    let mut report = Report::new();
    walk(spec, values, options, &mut Body::new(out), &mut report);
    if let Err(report) = report.into_result() {
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
        if field.fixed.is_some() || field.computed.is_some() {
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
    /// Names set twice with different values (each once).
    conflicts: Vec<&'static str>,
}

impl<'a> DynamicRequest<'a> {
    /// An empty request for `spec`.
    pub fn new(spec: &'static OperationSpec) -> DynamicRequest<'a> {
        DynamicRequest { spec, values: vec![None; spec.fields.len()], unknown: Vec::new(), conflicts: Vec::new() }
    }

    /// The operation.
    pub fn spec(&self) -> &'static OperationSpec {
        self.spec
    }

    /// Sets a parameter; returns `false` (and remembers the name, reported as `unknown`) when the operation has no
    /// such parameter. Setting a parameter again with the same value changes nothing; with a different value the
    /// request fails closed: validation reports a `duplicate` violation (the last value is kept only so that the other
    /// rules can still be checked).
    pub fn set(&mut self, name: &str, value: &'a str) -> bool {
        let field = self.spec.field_index(name).and_then(|i| Some((self.spec.fields.get(i)?, self.values.get_mut(i)?)));
        match field {
            Some((field, slot)) => {
                if slot.is_some_and(|previous| previous != value) && !self.conflicts.contains(&field.wire) {
                    self.conflicts.push(field.wire);
                }
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

    /// Checks the request: every field violation, then one `duplicate` violation per parameter set twice with
    /// different values, then one `unknown` violation per unknown name.
    ///
    /// # Errors
    /// A [`Report`] with every violation.
    pub fn validate(&self, options: Options) -> Result<(), Report> {
        let mut report = Report::new();
        validate_into(self.spec, &self.values, options, &mut report);
        for name in &self.conflicts {
            report.push(*name, ViolationKind::Duplicate);
        }
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
        if !self.unknown.is_empty() || !self.conflicts.is_empty() {
            self.validate(options)?;
        }
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

    static UTF8_ONLY: GatewaySpec =
        GatewaySpec::new("unit-utf8", "takes UTF-8 only", TextPolicy::new()).with_transports(&[Charset::Utf8]);
    static CODES: crate::spec::CodeTable =
        crate::spec::CodeTable::new("kinds", "kinds", &[crate::spec::CodeEntry::new("1", "一", "one")]);
    static ORDER: OperationSpec = OperationSpec::new("order", &UTF8_ONLY, "order").with_fields(&[
        FieldSpec::new("name", ValueKind::Text).with_marker(Marker::Required),
        FieldSpec::new("kind", ValueKind::Code(&CODES)),
    ]);

    /// (charset, the values `name` is set to in turn, `kind`) → the rules broken, in report order.
    type Case = (Charset, &'static [&'static str], Option<&'static str>, &'static [&'static str]);

    #[test]
    fn transports_duplicates_and_code_membership_fail_closed() {
        let cases: &[Case] = &[
            (Charset::Utf8, &["山田"], Some("1"), &[]),
            (Charset::Cp932, &["山田"], None, &["transport"]),
            (Charset::EucJp, &["山田"], None, &["transport"]),
            (Charset::Utf8, &["山田", "山田"], None, &[]),
            (Charset::Utf8, &["山田", "田中"], None, &["duplicate"]),
            (Charset::Utf8, &["山田", "田中", "佐藤"], None, &["duplicate"]),
            (Charset::Utf8, &["山田"], Some("2"), &["pattern"]),
            (Charset::Cp932, &["山田", "田中"], Some("\r\n"), &["transport", "pattern", "duplicate"]),
        ];
        for &(charset, names, kind, rules) in cases {
            let mut request = DynamicRequest::new(&ORDER);
            for name in names {
                request.set("name", name);
            }
            if let Some(kind) = kind {
                request.set("kind", kind);
            }
            let found: Vec<&str> = match request.validate(Options::new(charset)) {
                Ok(()) => Vec::new(),
                Err(report) => report.violations().iter().map(|v| v.kind.rule()).collect(),
            };
            assert_eq!(found, rules, "{charset} {names:?} {kind:?}");
            let mut out = b"kept".to_vec();
            assert_eq!(request.encode(Options::new(charset), &mut out).is_ok(), rules.is_empty());
            if !rules.is_empty() {
                assert_eq!(out, b"kept", "nothing is written for an invalid request");
            }
        }
        let mut request = DynamicRequest::new(&ORDER);
        request.set("name", "x");
        let report = request.validate(Options::new(Charset::Cp932)).unwrap_err();
        assert_eq!(report.to_string(), "charset: the gateway does not take requests in CP932; expected UTF-8");
    }

    /// UTF-8 goes out only when the gateway can tell: the operation appends its markers, the gateway's default
    /// transport is UTF-8, or the message is incoming (the gateway said so itself). Never by the kinds of the fields.
    #[test]
    fn utf8_needs_markers_unless_the_gateway_defaults_to_it() {
        use crate::spec::Direction;
        static MIXED: GatewaySpec = GatewaySpec::new("unit-mixed", "CP932 first", TextPolicy::new())
            .with_transports(&[Charset::Cp932, Charset::EucJp, Charset::Utf8]);
        const NAME: &[FieldSpec] = &[FieldSpec::new("name", ValueKind::Text)];
        const DIGITS: &[FieldSpec] = &[FieldSpec::new(
            "id",
            ValueKind::Ascii(AsciiSet { mask: 0x3ff << 48, kind: "digits", description: "0-9" }),
        )];
        static MARKED: OperationSpec =
            OperationSpec::new("marked", &MIXED, "m").with_fields(NAME).with_utf8_params(&[("version", "2")]);
        static UNMARKED: OperationSpec = OperationSpec::new("unmarked", &MIXED, "u").with_fields(NAME);
        static ASCII_ONLY: OperationSpec = OperationSpec::new("ascii_only", &MIXED, "a").with_fields(DIGITS);
        static INCOMING: OperationSpec =
            OperationSpec::new("incoming", &MIXED, "i").with_fields(NAME).with_direction(Direction::Incoming);
        static UTF8_DEFAULT: OperationSpec = OperationSpec::new("utf8_default", &UTF8_ONLY, "d").with_fields(NAME);
        static NO_CLAIM: OperationSpec = OperationSpec::new("no_claim", &GATEWAY, "n").with_fields(NAME);
        #[rustfmt::skip]
        let cases: [(&OperationSpec, Charset, &str, Option<&str>); 10] = [
            (&MARKED, Charset::Utf8, "山田", None),
            (&UNMARKED, Charset::Utf8, "山田", Some("transport")),
            (&UNMARKED, Charset::Utf8, "yamada", Some("transport")), // ASCII values do not change it
            (&UNMARKED, Charset::Cp932, "山田", None),
            (&UNMARKED, Charset::EucJp, "山田", None),
            (&ASCII_ONLY, Charset::Utf8, "42", Some("transport")), // nor do ASCII kinds
            (&ASCII_ONLY, Charset::Cp932, "42", None),
            (&INCOMING, Charset::Utf8, "山田", None),
            (&UTF8_DEFAULT, Charset::Utf8, "山田", None),
            (&NO_CLAIM, Charset::Utf8, "山田", None),
        ];
        for (spec, charset, value, rule) in cases {
            let values = [Some(value)];
            let found = validate(spec, &values, Options::new(charset)).err().map(|r| r.violations()[0].kind.rule());
            assert_eq!(found, rule, "{} in {charset}", spec.name);
            let mut out = b"kept".to_vec();
            assert_eq!(encode(spec, &values, Options::new(charset), &mut out).is_ok(), rule.is_none());
            if rule.is_some() {
                assert_eq!(out, b"kept", "nothing is written for {}", spec.name);
            }
        }
        let report = validate(&UNMARKED, &[Some("山田")], Options::new(Charset::Utf8)).unwrap_err();
        assert_eq!(
            report.to_string(),
            "charset: this operation has no UTF-8 marker parameters, so the gateway cannot tell a UTF-8 body from its \
             default charset; send it as CP932 or EUC-JP"
        );
    }

    /// A policy without a lossy table still never sends ¥ ‾ − as `\` `~` －: the core refuses them itself.
    #[test]
    fn round_trip_lossy_characters_are_refused_without_a_table() {
        static BARE: GatewaySpec = GatewaySpec::new("bare", "no tables", TextPolicy::new());
        static NOTE: OperationSpec =
            OperationSpec::new("note", &BARE, "note").with_fields(&[FieldSpec::new("name", ValueKind::Text)]);
        for (value, rule) in
            [("¥100", Some("charset")), ("a‾b", Some("charset")), ("1−2", Some("charset")), ("￥100", None)]
        {
            for charset in [Charset::Cp932, Charset::EucJp] {
                let mut request = DynamicRequest::new(&NOTE);
                request.set("name", value);
                let mut out = Vec::new();
                let found =
                    request.encode(Options::new(charset), &mut out).err().map(|r| r.violations()[0].kind.rule());
                assert_eq!(found, rule, "{value} in {charset}");
            }
        }
    }

    #[test]
    fn bitmap_is_valid_agrees_with_parse() {
        use crate::spec::BitmapSpec;
        // two legacy layouts (as a gateway's 5-4-5 and 5-4-4): the first group, and the first two with a shorter second
        static BITMAP: BitmapSpec =
            BitmapSpec::new("b", "nn-nnn or nn or nn-nn", &[2, 3], &[]).with_legacy_groups(&[&[2], &[2, 2]]);
        let table = [
            ("10-011", Some((0b11001, false))),
            ("01", Some((0b10, true))),
            ("11-01", Some((0b1011, true))),
            ("11-0", None),
            ("11-0110", None),
            ("1", None),
        ];
        for (value, parsed) in table {
            assert_eq!(BITMAP.parse(value), parsed, "{value}");
        }
        let alphabet = [b'0', b'1', b'-', b'2'];
        for len in 0..=7u32 {
            for mut n in 0..4usize.pow(len) {
                let mut s = String::new();
                for _ in 0..len {
                    s.push(char::from(alphabet[n % 4]));
                    n /= 4;
                }
                assert_eq!(BITMAP.is_valid(&s), BITMAP.parse(&s).is_some(), "{s:?}");
            }
        }
    }

    #[test]
    fn ascii_masks_say_what_allows_says() {
        let digits = ValueKind::Ascii(AsciiSet { mask: 0x3ff << 48, kind: "digits", description: "0-9" });
        for kind in [ValueKind::Text, ValueKind::HalfwidthKana, ValueKind::FullwidthKana, digits] {
            for b in 0u8..128 {
                assert_eq!(kind.ascii_mask() >> b & 1 == 1, kind.allows(char::from(b)), "{} {b:#04x}", kind.name());
            }
        }
    }

    /// `computed: {sha256_hex: [member_id, authentication_key, $access_key]}`, built by hand: the encoder sends the
    /// lowercase hex SHA-256 of the values and the credential (digests from `printf … | sha256sum`).
    #[test]
    fn computed_checksums_are_sent_never_taken_and_need_their_credential() {
        use crate::spec::{Computed, ComputedInput, Condition, ConditionTest};
        const DIGITS: u128 = 0x3ff << 48;
        const ALNUM: ValueKind = ValueKind::Ascii(AsciiSet {
            mask: DIGITS | (0x3ff_ffff << 65) | (0x3ff_ffff << 97),
            kind: "alnum",
            description: "A-Za-z0-9",
        });
        const HEX: ValueKind =
            ValueKind::Ascii(AsciiSet { mask: DIGITS | (0x3f << 97), kind: "ascii", description: "0-9a-f" });
        const INPUTS: &[ComputedInput] =
            &[ComputedInput::Field(0), ComputedInput::Field(1), ComputedInput::Credential("access_key")];
        static STORED: OperationSpec = OperationSpec::new("stored", &UTF8_ONLY, "stored").with_fields(&[
            FieldSpec::new("member_id", ALNUM).with_marker(Marker::Required),
            FieldSpec::new("authentication_key", ALNUM).secret(),
            FieldSpec::new("check_sum", HEX)
                .with_marker(Marker::Required)
                .with_limit(ByteLimit::Exact(64))
                .with_computed(Computed::Sha256Hex(INPUTS))
                .secret(),
        ]);
        // △: sent only while a member is given
        static MAYBE: OperationSpec = OperationSpec::new("maybe", &UTF8_ONLY, "maybe").with_fields(&[
            FieldSpec::new("member_id", ALNUM),
            FieldSpec::new("fixed", ALNUM).with_fixed("KEY", &["KEY"]),
            FieldSpec::new("check_sum", HEX)
                .with_marker(Marker::Conditional)
                .with_condition(Condition::new(ConditionTest::PresentAny(&[0]), "a member"))
                .with_computed(Computed::Sha256Hex(&[
                    ComputedInput::Field(0),
                    ComputedInput::Field(1),
                    ComputedInput::Credential("access_key"),
                ])),
        ]);
        let key = Credentials::new().with("access_key", "1234567");
        let with_key = Options::new(Charset::Utf8).with_credentials(&key);
        let no_key = Options::new(Charset::Utf8);
        let encode_to = |spec: &OperationSpec, values: &[Option<&str>], options: Options<'_>| {
            let mut out = Vec::new();
            encode(spec, values, options, &mut out).map(|_| String::from_utf8(out).unwrap()).map_err(|r| {
                r.violations().iter().map(|v| format!("{}:{}", v.field, v.kind.rule())).collect::<Vec<_>>()
            })
        };
        // SHA-256("abc"), the FIPS 180-2 vector, through the encoder: member "a", key "b", access key "c"
        let abc = Credentials::new().with("access_key", "c");
        assert_eq!(
            encode_to(&STORED, &[Some("a"), Some("b"), None], Options::new(Charset::Utf8).with_credentials(&abc)),
            Ok("member_id=a&authentication_key=b&check_sum=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_owned())
        );
        #[rustfmt::skip]
        type Case<'c> = (&'c OperationSpec, [Option<&'c str>; 3], Options<'c>, Result<&'c str, &'c [&'c str]>);
        let cases: [Case<'_>; 8] = [
            // printf 'M1KEY1234567' | sha256sum
            (
                &STORED,
                [Some("M1"), Some("KEY"), None],
                with_key,
                Ok(
                    "member_id=M1&authentication_key=KEY&check_sum=86b0f158235134a52fde0ae39126e674f235d4b506d0fd60c9db09d7dd38b438",
                ),
            ),
            // an absent optional input counts as "": printf 'M11234567' | sha256sum
            (
                &STORED,
                [Some("M1"), None, None],
                with_key,
                Ok("member_id=M1&check_sum=0dcde214b830ddb37b8f8fc6ea5d83c9ec8fc88eaf187a24246719ee501b569f"),
            ),
            // the credential missing: a required violation under its name, nothing sent
            (&STORED, [Some("M1"), Some("KEY"), None], no_key, Err(&["access_key:required"])),
            // a caller value is refused, whatever it is
            (
                &STORED,
                [Some("M1"), Some("KEY"), Some("86b0f158235134a52fde0ae39126e674f235d4b506d0fd60c9db09d7dd38b438")],
                with_key,
                Err(&["check_sum:value"]),
            ),
            (&STORED, [None, Some("KEY"), None], with_key, Err(&["member_id:required"])),
            // a fixed input counts with its fixed value: printf 'M1KEY1234567' | sha256sum
            (
                &MAYBE,
                [Some("M1"), None, None],
                with_key,
                Ok("member_id=M1&fixed=KEY&check_sum=86b0f158235134a52fde0ae39126e674f235d4b506d0fd60c9db09d7dd38b438"),
            ),
            // the condition does not hold: not computed, no credential needed
            (&MAYBE, [None, None, None], no_key, Ok("fixed=KEY")),
            (&MAYBE, [Some("M1"), None, None], no_key, Err(&["access_key:required"])),
        ];
        for (spec, values, options, expected) in cases {
            let expected =
                expected.map(str::to_owned).map_err(|e| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
            assert_eq!(encode_to(spec, &values, options), expected, "{} {values:?}", spec.name);
        }
        // never the credential or the checksum in a violation, a report or a Debug output
        let report = validate(&STORED, &[Some("M1"), Some("KEY"), None], no_key).unwrap_err();
        assert_eq!(
            report.to_string(),
            "access_key: expected this credential (given with the encoder's options, never sent): the encoder needs it \
             to compute check_sum"
        );
        let mut request = DynamicRequest::new(&STORED);
        request.set("member_id", "M1");
        request.set("check_sum", "caller-value");
        // a receiver computes what it expects, whatever the caller's value was
        let expected = computed_value(&STORED, request.values(), 2, with_key).unwrap().unwrap();
        assert_eq!(expected.as_str(), "0dcde214b830ddb37b8f8fc6ea5d83c9ec8fc88eaf187a24246719ee501b569f");
        assert_eq!(computed_value(&STORED, request.values(), 2, no_key).unwrap(), Err("access_key"));
        assert!(computed_value(&STORED, request.values(), 0, with_key).is_none());
        let text = format!("{request:?} {:?} {with_key:?} {expected:?}", request.validate(with_key).unwrap_err());
        assert!(!text.contains("caller-value") && !text.contains("1234567") && !text.contains("86b0f1"), "{text}");
        assert_eq!(
            request.validate(with_key).unwrap_err().to_string(),
            "check_sum: computed by the encoder; leave it out"
        );
    }

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
