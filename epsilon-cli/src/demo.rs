//! `epsilon demo`: a short walk on built-in data.

use std::fmt::Write as _;

use epsilon_proto::generated::codes::ERR_CODE;
use epsilon_proto::generated::user_register::USER_REGISTER;
use epsilon_proto::spec::Code;
use epsilon_proto::{Charset, DynamicRequest, Options, Report, Response, Version};

use crate::json_str;

/// A receive_order3 error answer as the gateway sends it (CP932 text, percent-encoded; CRLF; no final newline).
const ANSWER: &str = "<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"605\" />\r\n    <result err_detail=\"%8C%8E%8E%9F%89%DB%8B%E0%83f%81%5B%83%5E%8C%9F%8D%F5%83G%83%89%81%5B\" />\r\n    <result memo1=\"plan-B%20%8C%8E%8Az\" />\r\n    <result memo2=\"\" />\r\n  </Epsilon_result>\r\n";

const VALID: &[(&str, &str)] = &[
    ("contract_code", "12345678"),
    ("user_id", "U0001"),
    ("user_name", "山田 太郎"),
    ("user_mail_add", "taro@example.com"),
];

const MEMO: &str = "10時〜12時";

/// The demo text; `Err` only if the built-in data stopped matching the spec.
fn text() -> Result<String, String> {
    let mut s = String::new();
    let cp932 = Options::new(Charset::Cp932);
    s.push_str("epsilon demo: requests checked to the byte, answers decoded exactly\n\n");

    s.push_str("1. A valid user_register request, sent in CP932 (epsilon encode user_register)\n");
    let _ = writeln!(s, "   input: {}", input(VALID, &[]));
    let _ = writeln!(s, "   body:  {}", encode(VALID, cp932)?);
    s.push_str("   The encoder added the fixed st_code, process_code and xml; 山田 is %8ER%93c in CP932.\n\n");

    s.push_str("2. An invalid one (epsilon validate user_register: exit 1, every violation at once)\n");
    let long_name = "髙".repeat(33);
    let invalid: &[(&str, &str)] = &[
        ("contract_code", "12345678"),
        ("user_id", "U0001"),
        ("user_name", &long_name),
        ("user_mail_add", "taro+demo@example.com"),
        ("process_code", "4"),
        ("memo1", MEMO),
    ];
    let _ = writeln!(s, "   input: {}", input(invalid, &[("user_name", "\"髙\" × 33 (66 bytes)")]));
    let report = request(invalid).validate(cp932).err().ok_or("the invalid request passed")?;
    for v in report.violations() {
        let _ = writeln!(s, "   {:<14} {:<10} {}", v.field, v.kind.rule(), v.kind);
    }
    s.push('\n');

    s.push_str("3. The same 〜 (U+301C, JIS/Mac input) with --normalize: sent as ～ (U+FF5E, CP932 81 60)\n");
    let with_memo: Vec<(&str, &str)> = VALID.iter().copied().chain([("memo1", MEMO)]).collect();
    let _ = writeln!(s, "   input: {{…as in 1, \"memo1\": {}}}", json_str(MEMO));
    let body = encode(&with_memo, cp932.normalize(true))?;
    let tail = body.find("&memo1=").and_then(|i| body.get(i..)).unwrap_or(&body);
    let _ = writeln!(s, "   body:  …as in 1…{tail}");
    s.push('\n');

    s.push_str("4. A receive_order3 error answer as the gateway writes it (epsilon decode)\n");
    for line in ANSWER.lines() {
        let _ = writeln!(s, "   | {}", line.trim_end_matches('\r'));
    }
    let response = Response::parse(ANSWER.as_bytes(), Version::V1).map_err(|e| format!("decode: {e}"))?;
    let _ = writeln!(s, "   json:  {}", crate::decoded_json(&response));
    let raw = response.get("err_code").ok_or("no err_code in the answer")?;
    let err = Code::new(raw, &ERR_CODE);
    match err.entry {
        Some(entry) => {
            let _ = writeln!(s, "   err_code {raw} (table err_code): {} / {}", entry.ja, entry.en);
            let _ = writeln!(s, "   remediation: {}", entry.remediation.unwrap_or("none listed"));
        }
        None => {
            let _ = writeln!(s, "   err_code {raw}: not in the err_code table");
        }
    }
    Ok(s)
}

fn request<'a>(pairs: &[(&str, &'a str)]) -> DynamicRequest<'a> {
    let mut req = DynamicRequest::new(&USER_REGISTER);
    for (name, value) in pairs {
        req.set(name, value);
    }
    req
}

fn encode(pairs: &[(&str, &str)], options: Options) -> Result<String, String> {
    let mut body = Vec::new();
    request(pairs).encode(options, &mut body).map_err(|r: Report| r.to_string())?;
    String::from_utf8(body).map_err(|e| e.to_string())
}

/// `{"name": "value", …}`, with some values shown as a description instead.
fn input(pairs: &[(&str, &str)], shown_as: &[(&str, &str)]) -> String {
    let members: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let shown =
                shown_as.iter().find(|(n, _)| n == name).map_or_else(|| json_str(value), |(_, s)| (*s).to_owned());
            format!("{}: {shown}", json_str(name))
        })
        .collect();
    // wrap at about 100 columns (CJK counted double), continuation lines under the opening brace
    let mut text = String::from("{");
    let mut column = INDENT.len() + 1;
    for (i, member) in members.iter().enumerate() {
        let width: usize = member.chars().map(|c| if c >= '\u{1100}' { 2 } else { 1 }).sum();
        if i > 0 {
            text.push(',');
            if column + width + 2 > 100 {
                text.push('\n');
                text.push_str(INDENT);
                column = INDENT.len();
            } else {
                text.push(' ');
                column += 2;
            }
        }
        text.push_str(member);
        column += width;
    }
    text.push('}');
    text
}

/// The indentation of a continued input line: under the `{` of `   input: {`.
const INDENT: &str = "           ";

/// Prints the demo; 0, or 1 if the built-in data no longer matches the spec.
pub(crate) fn run() -> u8 {
    match text() {
        Ok(text) => crate::emit(text.as_bytes()),
        Err(e) => {
            eprintln!("demo: {e}");
            1
        }
    }
}
