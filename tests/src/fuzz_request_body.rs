//! The body of the fuzz target `sandbox_request` (`fuzz/fuzz_targets/sandbox_request.rs`): the request-body parser a
//! local gateway runs on untrusted bodies, [`epsilon_proto::request_body`]. Replayed over
//! `fuzz/corpus/sandbox_request/` and `fuzz/regressions/sandbox_request/` by the tests below.
//!
//! Input layout: the first byte selects a CGI path (high nibble) and a `Content-Type` (low 3 bits; bit 3 set means
//! the `Content-Type` is the input's first line instead); the rest is the body. Nothing may panic, and
//! [`request_body::parse`] must agree with an independent model:
//!
//! * the model splits the body on `&` and `=` itself, checks names, takes the charset from its own reading of the
//!   `Content-Type`'s `charset=` parameter (else `version=2` → UTF-8, else CP932), percent-decodes byte by byte
//!   (`fuzz::model_percent_decode`) and decodes each whole value strictly with `encoding_rs` (a lone 0x80
//!   is not CP932); a name repeated with another value is a conflict. Accepted or refused, and for what (which
//!   name), must be the same, and an accepted form holds exactly the model's pairs, in order;
//! * a value never holds U+FFFD unless it is UTF-8 that spells it out (the model comparison), and never in CP932 or
//!   EUC-JP;
//! * re-encoding the pairs (values in the form's charset, every byte but `A-Za-z0-9-._` as `%XX`, the charset in
//!   the `Content-Type`) parses back to the same form;
//! * [`request_body::operation_for`] names an operation of the CGI's own path, and [`FormRequest::validate`] never
//!   panics and never returns an empty report; a form that validates is accepted by the client's encoder with the
//!   same values, and its encoded body reads back with every non-empty value unchanged.
#![allow(clippy::panic)]

use encoding_rs::{EUC_JP, SHIFT_JIS};
use epsilon_proto::request::DynamicRequest;
use epsilon_proto::request_body::{self, FormRequest, RequestBodyError};
use epsilon_proto::{Charset, Options};

use crate::fuzz::model_percent_decode;

/// The CGI paths the first byte's high nibble selects (modulo the length); the last is unknown.
const CGIS: [&str; 12] = [
    "receive_order3.cgi",
    "direct_card_payment.cgi",
    "/cgi-bin/order/direct_virtual_account.cgi",
    "getsales2.cgi",
    "get_user_info.cgi",
    "cancel_payment.cgi",
    "sales_payment.cgi",
    "change_amount_payment.cgi",
    "ship_request.cgi",
    "receive_order_gmo2.cgi",
    "/cgi-bin/order/receive_order3.cgi",
    "nothing.cgi",
];

/// The `Content-Type` values the first byte's low 3 bits select.
const CONTENT_TYPES: [Option<&str>; 8] = [
    None,
    Some("application/x-www-form-urlencoded"),
    Some("application/x-www-form-urlencoded; charset=UTF-8"),
    Some("application/x-www-form-urlencoded; charset=Shift_JIS"),
    Some("application/x-www-form-urlencoded;charset=\"euc-jp\""),
    Some("application/x-www-form-urlencoded; charset=x-sjis-cp932"),
    Some("application/x-www-form-urlencoded; charset=latin1"),
    Some("application/x-www-form-urlencoded; boundary=x; CHARSET = utf8"),
];

/// Fuzz target `sandbox_request`: see the module documentation.
pub fn sandbox_request(data: &[u8]) {
    if let Some((cgi, content_type, body)) = split_input(data) {
        check(body, content_type, cgi);
    }
}

/// The CGI, `Content-Type` and body an input stands for; `None` for a `Content-Type` line that is not UTF-8.
fn split_input(data: &[u8]) -> Option<(&'static str, Option<&str>, &[u8])> {
    let Some((&selector, rest)) = data.split_first() else { return Some((CGIS[0], None, data)) };
    let cgi = CGIS[usize::from(selector >> 4) % CGIS.len()];
    if selector & 0x08 == 0 {
        return Some((cgi, CONTENT_TYPES[usize::from(selector & 0x07)], rest));
    }
    // the Content-Type is the first line (a header value: any UTF-8 text without a line break)
    let (line, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(at) => rest.split_at(at),
        None => (rest, &b""[..]),
    };
    let body = body.get(1..).unwrap_or_default();
    std::str::from_utf8(line).ok().map(|content_type| (cgi, Some(content_type), body))
}

/// What the model says a body is: its charset and pairs, or the error (by kind and name).
#[derive(Debug, PartialEq, Eq)]
enum Model {
    Form(Charset, Vec<(String, String)>),
    UnknownCharset,
    Query,
    Value(String),
    Conflict(String),
}

/// The parser against the model, then the checks on an accepted form.
fn check(body: &[u8], content_type: Option<&str>, cgi: &str) {
    let got = request_body::parse(body, content_type);
    let want = model(body, content_type);
    let form = match (&got, &want) {
        (Ok(form), Model::Form(charset, pairs)) => {
            let got_pairs: Vec<(String, String)> = form.pairs().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
            assert_eq!((form.charset(), &got_pairs), (*charset, pairs), "{body:?} {content_type:?}");
            form
        }
        (Err(RequestBodyError::UnknownCharset { .. }), Model::UnknownCharset) => return,
        (Err(RequestBodyError::Query(e)), Model::Query) => {
            assert!(e.offset() <= body.len(), "{body:?}: offset {} out of range", e.offset());
            return;
        }
        (Err(RequestBodyError::Value { name, .. }), Model::Value(model_name)) if name == model_name => return,
        (Err(RequestBodyError::Conflict { name, .. }), Model::Conflict(model_name)) if name == model_name => return,
        _ => panic!("{body:?} {content_type:?}: parse gave {got:?}, the model {want:?}"),
    };
    for (name, value) in form.pairs() {
        if form.charset() != Charset::Utf8 {
            assert!(!value.contains('\u{FFFD}'), "{name}: U+FFFD decoded from {}", form.charset());
        }
    }
    check_reencoded(form);
    check_operation(form, cgi);
}

/// The model reading of a body.
fn model(body: &[u8], content_type: Option<&str>) -> Model {
    // the query layer: 7-bit printable ASCII, no space; names of letters, digits, `_`, `-`, `.`
    if body.iter().any(|&b| !b.is_ascii() || b.is_ascii_control() || b == b' ') {
        return Model::Query;
    }
    let text = String::from_utf8_lossy(body);
    let mut raw: Vec<(&str, &str)> = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)) {
            return Model::Query;
        }
        raw.push((name, value));
    }
    let charset = match content_type.map(model_content_type_charset) {
        Some(Err(())) => return Model::UnknownCharset,
        Some(Ok(Some(charset))) => charset,
        _ if raw.contains(&("version", "2")) => Charset::Utf8,
        _ => Charset::Cp932,
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in raw {
        let Some(value) = model_value(value, charset) else { return Model::Value(name.to_owned()) };
        match pairs.iter().find(|(n, _)| n == name) {
            Some((_, earlier)) if *earlier == value => {}
            Some(_) => return Model::Conflict(name.to_owned()),
            None => pairs.push((name.to_owned(), value)),
        }
    }
    Model::Form(charset, pairs)
}

/// The charset a `Content-Type` names: the first parameter named `charset` (any case, spaces around the name and
/// value, the value possibly quoted); `Err` for a label that is not UTF-8, Shift_JIS/CP932 or EUC-JP.
fn model_content_type_charset(content_type: &str) -> Result<Option<Charset>, ()> {
    let mut params = content_type.split(';');
    params.next(); // the media type
    for param in params {
        let Some(eq) = param.find('=') else { continue };
        if !param[..eq].trim().eq_ignore_ascii_case("charset") {
            continue;
        }
        let label = param[eq + 1..].trim().trim_matches('"').to_ascii_lowercase();
        let charset = match label.as_str() {
            "utf-8" | "utf8" => Charset::Utf8,
            "shift_jis" | "shift-jis" | "sjis" | "x-sjis" | "cp932" | "windows-31j" | "x-sjis-cp932" | "ms932" => {
                Charset::Cp932
            }
            "euc-jp" | "eucjp" | "x-euc-jp" => Charset::EucJp,
            _ => return Err(()),
        };
        return Ok(Some(charset));
    }
    Ok(None)
}

/// The model decode of a raw value: byte-wise percent-decoding, then a strict decode of the whole value.
fn model_value(raw: &str, charset: Charset) -> Option<String> {
    let bytes = model_percent_decode(raw.as_bytes()).ok()?;
    match charset {
        Charset::Utf8 => String::from_utf8(bytes).ok(),
        Charset::Cp932 => SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .map(|text| text.into_owned())
            .filter(|text| !text.contains('\u{80}')), // a lone 0x80 is undefined in Windows-31J
        _ => EUC_JP.decode_without_bom_handling_and_without_replacement(&bytes).map(|text| text.into_owned()),
    }
}

/// The bytes of `value` in `charset`, `None` when it does not encode (a CP932 user-defined character, which
/// encoding_rs decodes but never encodes).
fn model_encode_value(value: &str, charset: Charset) -> Option<Vec<u8>> {
    let encoding = match charset {
        Charset::Utf8 => return Some(value.as_bytes().to_vec()),
        Charset::Cp932 => SHIFT_JIS,
        _ => EUC_JP,
    };
    let (bytes, _, unmappable) = encoding.encode(value);
    (!unmappable).then(|| bytes.into_owned())
}

/// The form's `Content-Type`, naming its charset.
fn content_type_of(charset: Charset) -> &'static str {
    match charset {
        Charset::Utf8 => "application/x-www-form-urlencoded; charset=UTF-8",
        Charset::Cp932 => "application/x-www-form-urlencoded; charset=Shift_JIS",
        _ => "application/x-www-form-urlencoded; charset=EUC-JP",
    }
}

/// Re-encodes the pairs and parses them back: the same form.
fn check_reencoded(form: &FormRequest) {
    let mut body = String::new();
    for (name, value) in form.pairs() {
        let Some(bytes) = model_encode_value(value, form.charset()) else { return };
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(name);
        body.push('=');
        for b in bytes {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                body.push(char::from(b));
            } else {
                body.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let again = request_body::parse(body.as_bytes(), Some(content_type_of(form.charset())))
        .unwrap_or_else(|e| panic!("the re-encoded body {body:?} is refused: {e}"));
    assert_eq!(&again, form, "the re-encoded body {body:?} reads differently");
}

/// The operation of the CGI, its validation, and the client's encoder on what validates.
fn check_operation(form: &FormRequest, cgi: &str) {
    let Some(op) = request_body::operation_for(cgi, form) else { return };
    assert_eq!(op.path, cgi.rsplit('/').next().unwrap_or(cgi), "{cgi}: operation {} of another path", op.name);
    let Err(report) = form.validate(op) else {
        // what the server accepts, the client's encoder accepts with the same values
        let mut request = DynamicRequest::new(op);
        let mut set = Vec::new();
        for (name, value) in form.pairs() {
            // the transport parameters of UTF-8 requests are the encoder's to add, as validation skips them
            let transport = op.utf8_params.iter().any(|(n, _)| *n == name)
                || (matches!(name, "version" | "charset" | "character_code") && op.field_index(name).is_none());
            if !transport && request.set(name, value) {
                set.push((name, value));
            }
        }
        let mut body = Vec::new();
        let options = Options::new(form.charset());
        if let Err(report) = request.encode(options, &mut body) {
            panic!("{}: validated by the server, refused by the encoder: {report}", op.name);
        }
        let back = request_body::parse(&body, Some(content_type_of(form.charset())))
            .unwrap_or_else(|e| panic!("{}: the encoder's body does not parse: {e}", op.name));
        for (name, value) in set.into_iter().filter(|(_, v)| !v.is_empty()) {
            assert_eq!(back.get(name), Some(value), "{}: {name} changed through the encoder", op.name);
        }
        return;
    };
    assert!(!report.violations().is_empty(), "{}: an empty report", op.name);
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use super::*;

    /// `fuzz/<sub>/sandbox_request/`'s files (not starting with `.`), sorted.
    fn files(sub: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(sub).join("sandbox_request");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn sandbox_request_corpus_and_regressions_replay() {
        let seeds = files("corpus");
        assert!(seeds.len() >= 8, "too few seeds: {}", seeds.len());
        let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/sandbox_request/.gitkeep");
        assert!(regressions.is_file(), "{} is missing", regressions.display());
        for path in seeds.iter().chain(&files("regressions")) {
            let data = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            eprintln!("sandbox_request: {}", path.display()); // shown only when the test fails
            sandbox_request(&data);
        }
    }

    /// The seeds named `ok_*` parse, those named `x_*` are refused, and the `ok_*valid*` ones validate for their CGI:
    /// the corpus reaches the model comparison, the re-encoding and the encoder check.
    #[test]
    fn sandbox_request_seeds_read_as_named() {
        for path in files("corpus") {
            let data = fs::read(&path).expect("a seed");
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (cgi, content_type, body) = split_input(&data).expect("a utf-8 content type");
            let form = request_body::parse(body, content_type);
            assert_eq!(form.is_ok(), name.starts_with("ok_"), "{name}: {form:?}");
            if let (Ok(form), true) = (&form, name.ends_with("_valid")) {
                let op = request_body::operation_for(cgi, form).unwrap_or_else(|| panic!("{name}: no operation"));
                assert_eq!(form.validate(op).map_err(|r| r.to_string()), Ok(()), "{name}");
            }
        }
    }

    /// The selector table: a model that disagrees with the parser is caught (the check can fail).
    #[test]
    fn the_model_agrees_on_a_table() {
        // (body, content type, model)
        let cases: [(&[u8], Option<&str>, Model); 6] = [
            (b"a=%83_&b=+", None, Model::Form(Charset::Cp932, vec![pair("a", "ダ"), pair("b", " ")])),
            (b"a=%E3%83%80&version=2", None, Model::Form(Charset::Utf8, vec![pair("a", "ダ"), pair("version", "2")])),
            (b"a=1&a=2", None, Model::Conflict("a".to_owned())),
            (b"a=%80", None, Model::Value("a".to_owned())),
            (b"a b=1", None, Model::Query),
            (b"a=1", Some("text/plain; charset=latin1"), Model::UnknownCharset),
        ];
        for (body, content_type, want) in cases {
            assert_eq!(model(body, content_type), want, "{body:?}");
            check(body, content_type, "receive_order3.cgi");
        }
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }
}
