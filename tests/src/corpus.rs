//! Replays the checked-in fuzz inputs through the fuzz target bodies ([`crate::fuzz`]) on stable `cargo test`:
//! every file of `fuzz/corpus/<target>/` (hand-written seeds) and `fuzz/regressions/<target>/` (minimized crashes).
//! Each crash found by fuzzing also has a named test below that feeds its exact bytes.

use std::fs;
use std::path::{Path, PathBuf};

use crate::fuzz;

/// `fuzz/` of the workspace.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fuzz")
}

/// The files of a directory (not starting with `.`), sorted; the directory must exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path())
        .filter(|path| path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

/// Regression inputs of bugs that are not fixed yet, as (target, file name, bug). [`replay`] skips them, their named
/// tests are `#[ignore]`d, and [`known_open_bugs_still_fail`] checks they still fail: when one passes, the bug is
/// fixed: remove it here and the `#[ignore]` of its named test.
const KNOWN_OPEN: &[(&str, &str, &str)] = &[];

fn is_known_open(target: &str, path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    KNOWN_OPEN.iter().any(|(t, file, _)| *t == target && *file == name)
}

/// Runs `body` over every seed of `target` (there must be some) and every regression input of it.
fn replay(target: &str, body: fn(&[u8])) {
    let corpus = fuzz_dir().join("corpus").join(target);
    let seeds = files_in(&corpus);
    assert!(!seeds.is_empty(), "{} holds no seed", corpus.display());
    let regressions = files_in(&fuzz_dir().join("regressions").join(target));
    assert!(fuzz_dir().join("regressions").join(target).join(".gitkeep").is_file());
    for path in seeds.iter().chain(regressions.iter().filter(|p| !is_known_open(target, p))) {
        let data = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        // printed only when the test fails: names the input that broke it
        eprintln!("{target}: {}", path.display());
        body(&data);
    }
}

#[test]
fn parse_response_corpus() {
    replay("parse_response", fuzz::parse_response);
}

#[test]
fn percent_decode_corpus() {
    replay("percent_decode", fuzz::percent_decode);
}

#[test]
fn validate_request_corpus() {
    replay("validate_request", fuzz::validate_request);
}

#[test]
fn charset_roundtrip_corpus() {
    replay("charset_roundtrip", fuzz::charset_roundtrip);
}

#[test]
fn parse_kuroneko_answer_corpus() {
    replay("parse_kuroneko_answer", fuzz::parse_kuroneko_answer);
}

/// The `own_*` seeds of `parse_kuroneko_answer` are answers the reader accepts and the `x_*` ones bodies it refuses,
/// so the corpus reaches both the success checks and the error paths.
#[test]
fn parse_kuroneko_answer_corpus_reads_as_named() {
    let dir = fuzz_dir().join("corpus").join("parse_kuroneko_answer");
    for path in files_in(&dir) {
        let data = fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let result = kuroneko_proto::Answer::parse(&data);
        assert_eq!(result.is_ok(), name.starts_with("own_"), "{name}: {result:?}");
    }
}

/// The seeds of `validate_request` decode to what their names say, so the corpus reaches the encoder.
#[test]
fn validate_request_corpus_has_valid_requests() {
    let dir = fuzz_dir().join("corpus").join("validate_request");
    let mut valid = 0;
    for path in files_in(&dir) {
        let data = fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let input = fuzz::RequestInput::from_bytes(&data).unwrap_or_else(|| panic!("{} too short", path.display()));
        let values: Vec<Option<&str>> = input.values.iter().map(Option::as_deref).collect();
        let ok = epsilon_proto::request::validate(input.spec, &values, input.options).is_ok();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        assert!(name.starts_with(input.spec.name), "{name} decodes to operation {}", input.spec.name);
        assert_eq!(ok, !name.contains("bad") && !name.contains("lossy"), "{name}: valid = {ok}");
        assert_eq!(input.to_bytes(), data, "{name} does not re-encode to itself");
        valid += usize::from(ok);
    }
    assert!(valid >= 4, "only {valid} valid requests in the seeds");
}

/// Every Unicode scalar value through the `charset_roundtrip` checks, so the property does not depend on what the
/// fuzzer happened to try.
#[test]
fn every_char_roundtrips() {
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        fuzz::check_char(c);
    }
}

/// The body of a fuzz target by name.
fn target_body(target: &str) -> fn(&[u8]) {
    match target {
        "parse_response" => fuzz::parse_response,
        "percent_decode" => fuzz::percent_decode,
        "validate_request" => fuzz::validate_request,
        "charset_roundtrip" => fuzz::charset_roundtrip,
        "parse_kuroneko_answer" => fuzz::parse_kuroneko_answer,
        _ => panic!("no fuzz target {target}"),
    }
}

#[test]
fn known_open_bugs_still_fail() {
    for (target, file, bug) in KNOWN_OPEN {
        let path = fuzz_dir().join("regressions").join(target).join(file);
        let data = fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let body = target_body(target);
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(
            outcome.is_err(),
            "{target}/{file} passes now, so this bug looks fixed: {bug}. Remove it from KNOWN_OPEN and the #[ignore] \
             of its named test."
        );
    }
}

/// One named test per crash found by fuzzing, feeding its exact (minimized) bytes, which are also the files of
/// `fuzz/regressions/<target>/` ([`regressions::literals_match_files`]).
mod regressions {
    use crate::fuzz;

    /// `<result pay_time="me="Yo"result<resulesg="0" "esg="0" />` gave the attribute names `Yo"result<resulesg` and
    /// `"esg`; re-rendered with double quotes, the body no longer
    /// parsed (fixed: an error now, `ParseError::AttributeSyntax`).
    const ATTRIBUTE_NAME_WITH_QUOTE: &[u8] = b"<?xml versi=\"x-scp932\" ?>\n<Epsilon_result>\n  \
        <result pay_time=\"me=\"Yo\"result<resulesg=\"0\" \"esg=\"0\" />\n</Epsilon_result>\n";

    /// `<result result="1" me="T2031004x" /stae="" />` gave an attribute named `/stae` (fixed).
    const ATTRIBUTE_NAME_WITH_SLASH: &[u8] = b"<?xml versISO?>\r\n<Epsilon_result>\r\n  \
        <result result=\"1\" me=\"T2031004x\" /stae=\"\" />\r\n</Epsilon_result>\r\n";

    /// `<result a="1"b="2" />` (no white space between the attributes) is not well-formed XML, yet it parsed (fixed).
    const ATTRIBUTES_NOT_SEPARATED: &[u8] = b"<Epsilon_result><result a=\"1\"b=\"2\" /></Epsilon_result>";

    /// user_register with `st_code` (fixed `10000-0000-00000-00000-00000-00000-00000`) given as `Some("")`:
    /// validation treated it as absent, the body said `st_code=` (fixed: the fixed value is sent).
    const FIXED_PARAM_GIVEN_EMPTY: &[u8] = b"\x03\x0012345678\xffU0\xff\x00\x00\xff0\xff\xfe\xff";

    /// user_change sent as EUC-JP: `髙` (a NEC-selected IBM extension row, rejected for EUC-JP) before a U+FFFD (not
    /// in CP932): the first violation is the EUC-JP one at position 0. The model once reported the U+FFFD.
    const EUC_JP_REJECTED_ROW_FIRST: &[u8] =
        b"\x02\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x001234\xffU\x201\
        \xff\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\
        \x99\xe9\xab\x05\x00\x00\x00\x00\x00\x00\x00\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\
        \xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\
        \xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\
        \xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xe9\xab\x99\xffmail\xff\xfe";

    /// link_order with normalize: `user_name_kana` = `A` + U+030C COMBINING CARON. The fast ASCII check reported
    /// `A` at position 0, but NFC composes the pair into `Ǎ`, the character the kind rule must name (fixed: with
    /// normalize, an ASCII character followed by a non-ASCII one goes through the text path).
    const ASCII_LETTER_COMPOSES: &[u8] =
        b"\x00\xe5\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xffA\xcc\x8c";

    /// Percent-decoded bytes `80 FF` (fuzz, 50 s run, after CP932 decoding began refusing a lone 0x80): the value
    /// was refused, but at offset 1 (0xFF, the first byte WHATWG Shift_JIS rejects), while the model says the first
    /// invalid byte is the lone 0x80 at offset 0, undefined in Windows-31J (fixed: the first error of either kind).
    const LONE_0X80_BEFORE_AN_INVALID_BYTE: &[u8] = b"\x80\xff";

    #[test]
    fn percent_decode_lone_0x80_before_an_invalid_byte() {
        fuzz::percent_decode(LONE_0X80_BEFORE_AN_INVALID_BYTE);
    }

    #[test]
    fn validate_request_normalize_ascii_letter_composes_with_a_following_mark() {
        fuzz::validate_request(ASCII_LETTER_COMPOSES);
    }

    #[test]
    fn parse_response_attribute_name_with_quote_breaks_rerender() {
        fuzz::parse_response(ATTRIBUTE_NAME_WITH_QUOTE);
    }

    #[test]
    fn parse_response_attribute_name_with_slash() {
        fuzz::parse_response(ATTRIBUTE_NAME_WITH_SLASH);
    }

    #[test]
    fn parse_response_attributes_not_separated_by_white_space() {
        fuzz::parse_response(ATTRIBUTES_NOT_SEPARATED);
    }

    #[test]
    fn validate_request_fixed_param_given_empty_is_sent_empty() {
        fuzz::validate_request(FIXED_PARAM_GIVEN_EMPTY);
    }

    #[test]
    fn validate_request_euc_jp_rejected_row_before_cp932_error() {
        fuzz::validate_request(EUC_JP_REJECTED_ROW_FIRST);
    }

    #[test]
    fn literals_match_files() {
        let cases: [(&str, &str, &[u8]); 7] = [
            ("percent_decode", "lone-0x80-before-an-invalid-byte.bin", LONE_0X80_BEFORE_AN_INVALID_BYTE),
            ("parse_response", "attribute-name-with-quote-breaks-rerender.xml", ATTRIBUTE_NAME_WITH_QUOTE),
            ("parse_response", "attribute-name-with-slash.xml", ATTRIBUTE_NAME_WITH_SLASH),
            ("parse_response", "attributes-not-separated-by-white-space.xml", ATTRIBUTES_NOT_SEPARATED),
            ("validate_request", "fixed-param-given-empty-is-sent-empty.bin", FIXED_PARAM_GIVEN_EMPTY),
            ("validate_request", "model-euc-jp-rejected-row-before-cp932-error.bin", EUC_JP_REJECTED_ROW_FIRST),
            ("validate_request", "normalize-ascii-letter-composes-with-a-following-mark.bin", ASCII_LETTER_COMPOSES),
        ];
        for (target, file, bytes) in cases {
            let path = super::fuzz_dir().join("regressions").join(target).join(file);
            let on_disk = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            assert_eq!(on_disk, bytes, "{}", path.display());
        }
        let files =
            ["parse_response", "validate_request", "percent_decode", "charset_roundtrip", "parse_kuroneko_answer"]
                .iter()
                .map(|t| super::files_in(&super::fuzz_dir().join("regressions").join(t)).len())
                .sum::<usize>();
        assert_eq!(files, cases.len(), "every regression file has a named test");
    }
}
