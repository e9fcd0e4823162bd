//! The `epsilon` command's contract: arguments and stdin in, exit status, stdout and stderr out.
//!
//! Every case runs the built binary. Exit status: 0 ok, 1 input rejected, 2 usage error.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What stdout must be.
enum Out {
    /// Exactly these bytes.
    Exact(Vec<u8>),
    /// Contains this text.
    Contains(&'static str),
    /// Passes this check.
    Check(fn(&[u8]) -> Result<(), String>),
}

/// What stderr must be.
enum Stderr {
    /// Nothing at all.
    Empty,
    /// Contains this text.
    Contains(&'static str),
    /// Anything.
    Any,
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    stdin: Vec<u8>,
    code: i32,
    stdout: Out,
    stderr: Stderr,
}

fn case(name: &'static str, args: &[&str], stdin: impl Into<Vec<u8>>, code: i32, stdout: Out, stderr: Stderr) -> Case {
    Case { name, args: args.iter().map(|s| (*s).to_owned()).collect(), stdin: stdin.into(), code, stdout, stderr }
}

fn exact(s: impl Into<Vec<u8>>) -> Out {
    Out::Exact(s.into())
}

fn empty() -> Out {
    Out::Exact(Vec::new())
}

/// Runs one case; returns a description of each mismatch.
fn run(case: &Case) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_epsilon"))
        .args(&case.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn epsilon");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = case.stdin.clone();
    // write from a thread: a large input must not dead-lock against a full stdout pipe
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input); // the command may exit without reading (usage errors)
    });
    let output = child.wait_with_output().expect("wait for epsilon");
    writer.join().expect("stdin writer");

    let mut problems = Vec::new();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() != Some(case.code) {
        problems.push(format!("exit status {:?}, expected {}", output.status.code(), case.code));
    }
    match &case.stdout {
        Out::Exact(expected) if output.stdout != *expected => problems
            .push(format!("stdout differs\n--- expected\n{}\n--- actual\n{stdout}", String::from_utf8_lossy(expected))),
        Out::Contains(text) if !stdout.contains(text) => {
            problems.push(format!("stdout does not contain {text:?}:\n{stdout}"))
        }
        Out::Check(check) => {
            if let Err(e) = check(&output.stdout) {
                problems.push(format!("stdout check failed: {e}\n{stdout}"));
            }
        }
        _ => {}
    }
    match &case.stderr {
        Stderr::Empty if !output.stderr.is_empty() => problems.push(format!("stderr not empty:\n{stderr}")),
        Stderr::Contains(text) if !stderr.contains(text) => {
            problems.push(format!("stderr does not contain {text:?}:\n{stderr}"))
        }
        _ => {}
    }
    problems
}

fn run_all(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let problems = run(case);
        if !problems.is_empty() {
            failures.push(format!(
                "case {:?} (epsilon {}):\n  {}",
                case.name,
                case.args.join(" "),
                problems.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// A temporary file for FILE arguments.
fn temp_file(name: &str, contents: &[u8]) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("epsilon-cli-{name}"));
    std::fs::write(&path, contents).expect("write temp file");
    path.to_string_lossy().into_owned()
}

/// The form-urlencoding of `text` in CP932, computed independently with encoding_rs.
fn cp932_form(text: &str) -> String {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "{text} is not CP932");
    let mut out = String::new();
    for &b in bytes.iter() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

const VALID: &str = r#"{"contract_code": "12345678", "user_id": "U0001", "user_name": "山田 太郎", "user_mail_add": "taro@example.com"}"#;

const VALID_BODY: &str = "contract_code=12345678&user_id=U0001&user_name=%8ER%93c+%91%BE%98Y\
    &user_mail_add=taro%40example.com&st_code=10000-0000-00000-00000-00000-00000-00000&process_code=3&xml=1";

/// Every rule of `validate` at once, in field order, then the unknown names.
const EVERY_RULE: &str = r#"{
    "contract_code": "1234567",
    "user_name": "髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙髙",
    "user_mail_add": "taro+1@example.com",
    "process_code": "4",
    "memo1": "10時〜12時",
    "nickname": "x"
}"#;

const EVERY_RULE_LINES: &str = concat!(
    r#"{"field":"contract_code","rule":"exact_bytes","message":"7 bytes in CP932, expected exactly 8"}"#,
    "\n",
    r#"{"field":"user_id","rule":"required","message":"required"}"#,
    "\n",
    r#"{"field":"user_name","rule":"max_bytes","message":"66 bytes in CP932, limit 64"}"#,
    "\n",
    r#"{"field":"user_mail_add","rule":"pattern","message":"character U+002B '+' at position 4 not allowed; expected A-Za-z0-9-._@"}"#,
    "\n",
    r#"{"field":"process_code","rule":"value","message":"fixed to \"3\"; leave it out and the encoder sends it"}"#,
    "\n",
    r#"{"field":"memo1","rule":"charset","message":"character U+301C '〜' at position 3 is not representable in CP932; the normalize option maps it to U+FF5E '～'"}"#,
    "\n",
    r#"{"field":"nickname","rule":"unknown","message":"unknown parameter for this operation"}"#,
    "\n",
);

/// A valid link_order request whose user_name is ﾃｽﾄ × 11: 33 bytes in CP932, 66 in EUC-JP (limit 64).
const LINK_ORDER_KANA: &str = r#"{"contract_code": "12345678", "user_id": "U0001", "user_name": "ﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄﾃｽﾄ",
    "user_mail_add": "taro@example.com", "item_code": "ITEM001", "item_name": "テスト商品", "order_number": "O0001",
    "st_code": "10000-0000-00000-00000-00000-00000-00000", "mission_code": "1", "item_price": "1000"}"#;

/// The recorded receive_order3 error answer (CP932 text; CRLF; no final newline).
const ANSWER: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"605\" />\r\n    <result err_detail=\"%8C%8E%8E%9F%89%DB%8B%E0%83f%81%5B%83%5E%8C%9F%8D%F5%83G%83%89%81%5B\" />\r\n    <result memo1=\"\" />\r\n    <result memo2=\"\" />\r\n  </Epsilon_result>";

const OPERATIONS: &str = "completion_redirect\nlink_order\norder_info\nuser_change\nuser_register\n";

fn user_register_json(stdout: &[u8]) -> Result<(), String> {
    let v: serde_json::Value = serde_json::from_slice(stdout).map_err(|e| e.to_string())?;
    let check = |ok: bool, what: &str| {
        if ok { Ok(()) } else { Err(format!("expected {what}")) }
    };
    check(v["name"] == "user_register", "name")?;
    check(v["cgi"] == "receive_order3.cgi", "cgi")?;
    check(v["direction"] == "outgoing", "direction")?;
    check(v["title_ja"] == "ユーザ登録", "title_ja")?;
    check(v["uncertain"].is_null(), "uncertain null")?;
    check(
        v["utf8_params"]
            == serde_json::json!([{"name": "version", "value": "2"}, {"name": "charset", "value": "UTF8"}]),
        "utf8_params",
    )?;
    let fields = v["fields"].as_array().ok_or("fields array")?;
    let wires: Vec<&str> = fields.iter().filter_map(|f| f["wire"].as_str()).collect();
    check(
        wires
            == [
                "contract_code",
                "user_id",
                "user_name",
                "user_mail_add",
                "st_code",
                "process_code",
                "memo1",
                "memo2",
                "xml",
            ],
        "the fields of user_register in order",
    )?;
    let keys = [
        "wire",
        "label_ja",
        "meaning",
        "marker",
        "condition",
        "kind",
        "ascii",
        "table",
        "max_bytes",
        "exact_bytes",
        "fixed",
        "allowed",
        "secret",
        "source",
        "uncertain",
    ];
    for f in fields {
        let object = f.as_object().ok_or("field object")?;
        check(object.len() == keys.len() && keys.iter().all(|k| object.contains_key(*k)), "exactly the field keys")?;
    }
    let contract = &fields[0];
    check(contract["label_ja"] == "契約コード", "contract_code label")?;
    check(contract["marker"] == "◎", "contract_code marker")?;
    check(contract["kind"] == "digits" && contract["ascii"] == "0-9", "contract_code kind")?;
    check(contract["exact_bytes"] == 8 && contract["max_bytes"].is_null(), "contract_code limit")?;
    check(contract["fixed"].is_null() && contract["allowed"] == serde_json::json!([]), "contract_code values")?;
    check(contract["table"].is_null() && contract["condition"].is_null(), "contract_code nulls")?;
    let process = &fields[5];
    check(process["kind"] == "code" && process["table"] == "process_code", "process_code table")?;
    check(process["fixed"] == "3" && process["allowed"] == serde_json::json!(["3"]), "process_code fixed")?;
    check(fields[2]["max_bytes"] == 64 && fields[2]["marker"] == "○", "user_name")?;
    let attributes = v["response"]["attributes"].as_array().ok_or("response attributes")?;
    check(attributes.iter().any(|a| a["name"] == "err_code" && a["table"] == "err_code"), "err_code attribute")?;
    Ok(())
}

fn link_order_markdown(stdout: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(stdout).map_err(|e| e.to_string())?;
    for needle in [
        "# link_order — オーダー情報送信",
        "| parameter | 項目名 | meaning | marker | kind | limit | fixed/allowed values | source | uncertain |",
        "| `contract_code` | 契約コード |",
        "exactly 8 bytes",
        "max 64 bytes",
        "△ (a direct convenience-store order",
        "code (table `mission_code`)",
        "fixed `1`",
        "## Response attributes",
        "`version=2`, `character_code=UTF8`",
    ] {
        if !text.contains(needle) {
            return Err(format!("missing {needle:?}"));
        }
    }
    Ok(())
}

#[test]
fn cli_contract() {
    let special = "①㈱髙～";
    let special_input = format!(
        r#"{{"contract_code": "12345678", "user_id": "U0001", "user_name": "{special}", "user_mail_add": "a@b.jp"}}"#
    );
    let special_body = format!(
        "contract_code=12345678&user_id=U0001&user_name={}&user_mail_add=a%40b.jp\
         &st_code=10000-0000-00000-00000-00000-00000-00000&process_code=3&xml=1",
        cp932_form(special)
    );
    let valid_file = temp_file("valid.json", VALID.as_bytes());
    let answer_file = temp_file("answer.xml", ANSWER);
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("epsilon-cli-missing.json");
    let missing = missing.to_string_lossy().into_owned();

    let cases = vec![
        // --- top level
        case("help", &["--help"], "", 0, Out::Contains("validate"), Stderr::Empty),
        case("help lists decode", &["--help"], "", 0, Out::Contains("decode"), Stderr::Empty),
        case("version", &["--version"], "", 0, Out::Contains("epsilon 0."), Stderr::Empty),
        case("no subcommand", &[], "", 2, empty(), Stderr::Contains("Usage")),
        case("unknown subcommand", &["frobnicate"], "", 2, empty(), Stderr::Contains("frobnicate")),
        case("validate help", &["validate", "--help"], "", 0, Out::Contains("numbers"), Stderr::Empty),
        case("decode help", &["decode", "--help"], "", 0, Out::Contains("array"), Stderr::Empty),
        // --- spec
        case("spec list", &["spec", "list"], "", 0, exact(OPERATIONS), Stderr::Empty),
        case(
            "spec show json",
            &["spec", "show", "user_register", "--format", "json"],
            "",
            0,
            Out::Check(user_register_json),
            Stderr::Empty,
        ),
        case(
            "spec show markdown",
            &["spec", "show", "link_order"],
            "",
            0,
            Out::Check(link_order_markdown),
            Stderr::Empty,
        ),
        case(
            "spec show unknown",
            &["spec", "show", "user_delete"],
            "",
            2,
            empty(),
            Stderr::Contains(
                "unknown operation user_delete; expected one of: completion_redirect, link_order, order_info, user_change, user_register",
            ),
        ),
        case(
            "spec show bad format",
            &["spec", "show", "user_register", "--format", "yaml"],
            "",
            2,
            empty(),
            Stderr::Contains("yaml"),
        ),
        // --- validate
        case("validate valid", &["validate", "user_register"], VALID, 0, empty(), Stderr::Empty),
        case("validate valid from FILE", &["validate", "user_register", &valid_file], "", 0, empty(), Stderr::Empty),
        case("validate valid from -", &["validate", "user_register", "-"], VALID, 0, empty(), Stderr::Empty),
        case(
            "validate every rule",
            &["validate", "user_register"],
            EVERY_RULE,
            1,
            exact(EVERY_RULE_LINES),
            Stderr::Empty,
        ),
        case(
            "validate 〜 without normalize",
            &["validate", "user_register"],
            VALID.replace("山田 太郎", "山田〜太郎"),
            1,
            exact(concat!(
                r#"{"field":"user_name","rule":"charset","message":"character U+301C '〜' at position 2 is not representable in CP932; the normalize option maps it to U+FF5E '～'"}"#,
                "\n"
            )),
            Stderr::Empty,
        ),
        case(
            "validate 〜 with --normalize",
            &["validate", "--normalize", "user_register"],
            VALID.replace("山田 太郎", "山田〜太郎"),
            0,
            empty(),
            Stderr::Empty,
        ),
        case(
            "validate half-width kana in cp932",
            &["validate", "link_order"],
            LINK_ORDER_KANA,
            0,
            empty(),
            Stderr::Empty,
        ),
        case(
            "validate half-width kana in euc-jp",
            &["validate", "--charset", "euc-jp", "link_order"],
            LINK_ORDER_KANA,
            1,
            exact(concat!(
                r#"{"field":"user_name","rule":"max_bytes","message":"66 bytes in EUC-JP, limit 64"}"#,
                "\n"
            )),
            Stderr::Empty,
        ),
        case(
            "validate bad charset",
            &["validate", "--charset", "latin1", "user_register"],
            VALID,
            2,
            empty(),
            Stderr::Contains("latin1"),
        ),
        case(
            "validate unknown operation",
            &["validate", "user_delete"],
            VALID,
            2,
            empty(),
            Stderr::Contains("unknown operation user_delete"),
        ),
        case(
            "validate missing FILE",
            &["validate", "user_register", &missing],
            "",
            1,
            empty(),
            Stderr::Contains("input rejected: cannot read"),
        ),
        case(
            "validate array",
            &["validate", "user_register"],
            "[]",
            1,
            empty(),
            Stderr::Contains("input rejected: expected a JSON object"),
        ),
        case(
            "validate string",
            &["validate", "user_register"],
            r#""x""#,
            1,
            empty(),
            Stderr::Contains("found a string"),
        ),
        case(
            "validate not JSON",
            &["validate", "user_register"],
            "contract_code=1",
            1,
            empty(),
            Stderr::Contains("input rejected: stdin is not JSON"),
        ),
        case(
            "validate empty stdin",
            &["validate", "user_register"],
            "",
            1,
            empty(),
            Stderr::Contains("input rejected"),
        ),
        case(
            "validate number value",
            &["validate", "user_register"],
            r#"{"contract_code": 12345678}"#,
            1,
            empty(),
            Stderr::Contains(r#"input rejected: parameter "contract_code": expected a string, found a number"#),
        ),
        case(
            "validate null value",
            &["validate", "user_register"],
            r#"{"memo1": null}"#,
            1,
            empty(),
            Stderr::Contains("found null"),
        ),
        case(
            "validate array value",
            &["validate", "user_register"],
            r#"{"memo1": ["a"]}"#,
            1,
            empty(),
            Stderr::Contains("found an array"),
        ),
        case(
            "validate bool value",
            &["validate", "user_register"],
            r#"{"memo1": true}"#,
            1,
            empty(),
            Stderr::Contains("found a boolean"),
        ),
        case(
            "validate duplicate name",
            &["validate", "user_register"],
            r#"{"user_id": "A", "user_id": "B"}"#,
            1,
            empty(),
            Stderr::Contains(r#"input rejected: parameter "user_id" occurs more than once"#),
        ),
        case(
            "validate invalid UTF-8",
            &["validate", "user_register"],
            b"{\"memo1\": \"\x82\xa0\"}".to_vec(),
            1,
            empty(),
            Stderr::Contains("not valid UTF-8"),
        ),
        // --- encode
        case("encode valid", &["encode", "user_register"], VALID, 0, exact(VALID_BODY), Stderr::Empty),
        case(
            "encode CP932-only characters",
            &["encode", "user_register"],
            special_input.clone(),
            0,
            exact(special_body),
            Stderr::Empty,
        ),
        case(
            "encode utf-8",
            &["encode", "--charset", "utf-8", "user_register"],
            VALID,
            0,
            exact(
                "contract_code=12345678&user_id=U0001&user_name=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E\
                 &user_mail_add=taro%40example.com&st_code=10000-0000-00000-00000-00000-00000-00000&process_code=3&xml=1\
                 &version=2&charset=UTF8",
            ),
            Stderr::Empty,
        ),
        case(
            "encode euc-jp",
            &["encode", "--charset", "euc-jp", "user_register"],
            VALID,
            0,
            exact(
                "contract_code=12345678&user_id=U0001&user_name=%BB%B3%C5%C4+%C2%C0%CF%BA\
                 &user_mail_add=taro%40example.com&st_code=10000-0000-00000-00000-00000-00000-00000&process_code=3&xml=1",
            ),
            Stderr::Empty,
        ),
        case(
            "encode normalized",
            &["encode", "--normalize", "user_register"],
            VALID.replace("山田 太郎", "山田〜太郎"),
            0,
            exact(VALID_BODY.replace("%8ER%93c+%91%BE%98Y", "%8ER%93c%81%60%91%BE%98Y")),
            Stderr::Empty,
        ),
        case(
            "encode invalid",
            &["encode", "user_register"],
            EVERY_RULE,
            1,
            empty(),
            Stderr::Contains(EVERY_RULE_LINES),
        ),
        case(
            "encode non-string",
            &["encode", "user_register"],
            r#"{"contract_code": 1.5}"#,
            1,
            empty(),
            Stderr::Contains("found a number"),
        ),
        case("encode non-object", &["encode", "user_register"], "null", 1, empty(), Stderr::Contains("found null")),
        // --- decode
        case(
            "decode recorded answer",
            &["decode"],
            ANSWER,
            0,
            exact(
                "{\"result\":\"0\",\"err_code\":\"605\",\"err_detail\":\"月次課金データ検索エラー\",\"memo1\":\"\",\"memo2\":\"\"}\n",
            ),
            Stderr::Empty,
        ),
        case(
            "decode from FILE",
            &["decode", "--version", "1", &answer_file],
            "",
            0,
            Out::Contains("\"err_detail\":\"月次課金データ検索エラー\""),
            Stderr::Empty,
        ),
        case(
            "decode empty root",
            &["decode"],
            "<?xml version=\"1.0\"  ?>\n<Epsilon_result>\n</Epsilon_result>\n",
            0,
            exact("{}\n"),
            Stderr::Empty,
        ),
        case(
            "decode html page",
            &["decode"],
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>500 Internal Server Error</title></head></html>",
            1,
            empty(),
            Stderr::Contains("decode: expected an xml document, found an html page"),
        ),
        case("decode empty body", &["decode"], "", 1, empty(), Stderr::Contains("decode: ")),
        case(
            "decode truncated",
            &["decode"],
            &ANSWER[..60],
            1,
            empty(),
            Stderr::Contains("decode: expected a complete document"),
        ),
        case(
            "decode version 2",
            &["decode", "--version", "2"],
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<Epsilon_result>\n  <result result=\"1\" />\n  \
             <result user_name=\"%E5%B1%B1%E7%94%B0+%C3%BD\" />\n</Epsilon_result>\n",
            0,
            exact("{\"result\":\"1\",\"user_name\":\"山田 ý\"}\n"),
            Stderr::Empty,
        ),
        case(
            "decode version 1 of the same bytes",
            &["decode", "--version", "1"],
            "<Epsilon_result><result user_name=\"%C3%BD\" /></Epsilon_result>",
            0,
            exact("{\"user_name\":\"ﾃｽ\"}\n"),
            Stderr::Empty,
        ),
        case(
            "decode invalid CP932",
            &["decode"],
            "<Epsilon_result><result user_name=\"%82\" /></Epsilon_result>",
            1,
            empty(),
            Stderr::Contains("decode: expected cp932 text"),
        ),
        case(
            "decode repeated attribute",
            &["decode"],
            "<Epsilon_result><result a=\"1\" /><result b=\"%22x%5C\" /><result a=\"2\" /></Epsilon_result>",
            0,
            exact("{\"a\":[\"1\",\"2\"],\"b\":\"\\\"x\\\\\"}\n"),
            Stderr::Empty,
        ),
        case("decode version 3", &["decode", "--version", "3"], ANSWER, 2, empty(), Stderr::Contains("--version")),
        case("decode missing FILE", &["decode", &missing], "", 1, empty(), Stderr::Contains("decode: cannot read")),
        // --- demo
        case("demo", &["demo"], "", 0, Out::Contains("月次課金データ検索エラー"), Stderr::Empty),
        case(
            "demo shows the normalize hint",
            &["demo"],
            "",
            0,
            Out::Contains("the normalize option maps it to U+FF5E"),
            Stderr::Empty,
        ),
        case("demo shows a body", &["demo"], "", 0, Out::Contains("user_name=%8ER%93c+%91%BE%98Y"), Stderr::Any),
    ];
    run_all(&cases);
}

#[test]
fn demo_is_short() {
    let output = Command::new(env!("CARGO_BIN_EXE_epsilon")).arg("demo").output().expect("run demo");
    assert!(output.status.success());
    let lines = String::from_utf8(output.stdout).expect("UTF-8 demo").lines().count();
    assert!((10..=40).contains(&lines), "demo has {lines} lines");
}
