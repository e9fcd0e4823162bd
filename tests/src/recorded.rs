//! Every answer recorded from the real gateway decodes strictly to hand-checked reference values.
//!
//! The recordings are the VCR cassettes in `../shared/fixtures/epsilon-recorded/` (real traffic
//! recorded by pepabo/active_merchant-epsilon; see the README there). They are read at run time and
//! never copied into the project. When the folder is absent the tests are ignored outside CI (cfg
//! `japay_no_fixtures`, with the reason in `cargo test`'s output) and fail under CI, naming the folder
//! (`japay_test_support::fixtures`).
//!
//! The reference table, `tests/data/recorded_reference.yaml`, was built by reading every cassette
//! and checked against the facts sheet (`shared/research/epsilon-facts.md` §4.4 and §4.5). It
//! lists, for every interaction, every attribute in document order with its decoded value, and
//! the state of `result`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use epsilon_proto::answer::{Answer, ParseError, ResultState, Version};
use marked_yaml::Node;
use marked_yaml::types::MarkedMappingNode;

/// One recorded HTTP exchange.
pub(crate) struct Interaction {
    /// The cassette file name without `.yml`.
    pub(crate) cassette: String,
    /// The position of the exchange in the cassette.
    pub(crate) index: usize,
    /// `request.uri`.
    pub(crate) uri: String,
    /// `request.body.string` (empty when absent).
    pub(crate) request_body: String,
    /// `response.status.code`.
    status: String,
    /// `response.body.string`.
    pub(crate) body: String,
}

impl Interaction {
    /// The version the request was sent with.
    pub(crate) fn version(&self) -> Version {
        if self.request_body.split('&').any(|pair| pair == "version=2") { Version::V2 } else { Version::V1 }
    }

    /// Whether the gateway answered 200 with an XML body.
    fn is_xml_answer(&self) -> bool {
        self.status == "200" && self.body.starts_with("<?xml")
    }

    /// `cassette#index`, for messages.
    pub(crate) fn label(&self) -> String {
        format!("{}#{}", self.cassette, self.index)
    }
}

/// A scalar at `path` below `node` (`None` when a step is missing or not a mapping).
fn scalar<'n>(node: &'n MarkedMappingNode, path: &[&str]) -> Option<&'n str> {
    let (last, steps) = path.split_last()?;
    let mut map = node;
    for step in steps {
        map = map.get_mapping(step)?;
    }
    map.get_scalar(last).map(|s| s.as_str())
}

/// Every interaction of every cassette, in file-name order.
///
/// # Panics
///
/// When the cassette folder is missing (naming it): the tests that call this are ignored outside CI when it is
/// missing (`japay_no_fixtures`), and fail under CI.
pub(crate) fn load_interactions() -> Vec<Interaction> {
    let dir = japay_test_support::fixtures::recorded();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.yml cassette in {}", dir.display());

    let mut interactions = Vec::new();
    for (source, path) in files.iter().enumerate() {
        let cassette = path.file_stem().and_then(|stem| stem.to_str()).expect("a UTF-8 file name").to_owned();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let root: Node =
            marked_yaml::parse_yaml(source, &text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
        let list = root
            .as_mapping()
            .and_then(|map| map.get_sequence("http_interactions"))
            .unwrap_or_else(|| panic!("{cassette}: no http_interactions list"));
        for (index, item) in list.iter().enumerate() {
            let item = item.as_mapping().unwrap_or_else(|| panic!("{cassette}#{index}: not a mapping"));
            let field = |path: &[&str]| {
                scalar(item, path).unwrap_or_else(|| panic!("{cassette}#{index}: no {}", path.join("."))).to_owned()
            };
            interactions.push(Interaction {
                cassette: cassette.clone(),
                index,
                uri: field(&["request", "uri"]),
                request_body: scalar(item, &["request", "body", "string"]).unwrap_or_default().to_owned(),
                status: field(&["response", "status", "code"]),
                body: field(&["response", "body", "string"]),
            });
        }
    }
    interactions
}

/// What one recorded answer must decode to.
#[derive(Clone, Debug, PartialEq)]
enum Expected {
    /// An XML answer: the version its request was sent with, the state of `result` (`None` absent, `Some("")`
    /// empty, `Some(value)`), and every attribute in document order with its decoded value.
    Decoded { version: Version, result: Option<String>, attrs: Vec<(String, String)> },
    /// Not an XML answer (the Apache HTTP 500 page): decoding must fail.
    NotXml,
}

/// The reference values of one interaction.
#[derive(Clone, Debug, PartialEq)]
struct Reference {
    cassette: String,
    index: usize,
    expected: Expected,
}

/// The reference table, `tests/data/recorded_reference.yaml`.
fn reference_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/recorded_reference.yaml")
}

/// Reads the reference table strictly: every entry has exactly the keys of its kind, every scalar parses.
fn load_references() -> Vec<Reference> {
    let path = reference_file();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let root = marked_yaml::parse_yaml(0, &text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
    let list = root
        .as_mapping()
        .and_then(|map| map.get_sequence("references"))
        .unwrap_or_else(|| panic!("{}: expected a `references` list", path.display()));
    list.iter().enumerate().map(|(n, item)| reference(n, item)).collect()
}

/// One entry of the reference table (`n` is its position, for messages).
fn reference(n: usize, item: &Node) -> Reference {
    let map = item.as_mapping().unwrap_or_else(|| panic!("reference #{n}: expected a mapping"));
    let text = |key: &str| map.get_scalar(key).map(|s| s.as_str().to_owned());
    let required = |key: &str| text(key).unwrap_or_else(|| panic!("reference #{n}: no `{key}`"));
    let keys: Vec<&str> = map.keys().map(|k| k.as_str()).collect();
    let cassette = required("cassette");
    let index = required("index").parse().unwrap_or_else(|e| panic!("reference #{n}: index: {e}"));
    let expected = if text("not_xml").is_some() {
        assert_eq!(keys, ["cassette", "index", "not_xml"], "reference #{n}: keys");
        assert_eq!(required("not_xml"), "true", "reference #{n}");
        Expected::NotXml
    } else {
        assert_eq!(keys, ["cassette", "index", "version", "result", "attrs"], "reference #{n}: keys");
        let version = Version::from_param(&required("version"))
            .unwrap_or_else(|| panic!("reference #{n}: version must be \"1\" or \"2\""));
        let result = match required("result").as_str() {
            "absent" => None,
            "empty" => Some(String::new()),
            other => Some(
                other.strip_prefix("value ").unwrap_or_else(|| panic!("reference #{n}: result {other:?}")).to_owned(),
            ),
        };
        let attrs = map
            .get_sequence("attrs")
            .unwrap_or_else(|| panic!("reference #{n}: attrs must be a list"))
            .iter()
            .map(|pair| {
                let pair = pair
                    .as_sequence()
                    .filter(|p| p.len() == 2)
                    .unwrap_or_else(|| panic!("reference #{n}: every attribute must be a [name, value] pair"));
                let scalar = |i: usize| {
                    pair.get_scalar(i).unwrap_or_else(|| panic!("reference #{n}: not a scalar")).as_str().to_owned()
                };
                (scalar(0), scalar(1))
            })
            .collect();
        Expected::Decoded { version, result, attrs }
    };
    Reference { cassette, index, expected }
}

/// Checks one interaction against its reference: `Err` says what differs.
fn check(interaction: &Interaction, reference: &Reference) -> Result<(), String> {
    let version = interaction.version();
    let parsed = Answer::parse(interaction.body.as_bytes(), version);
    match &reference.expected {
        Expected::NotXml => {
            if interaction.is_xml_answer() || interaction.status == "200" {
                return Err("expected a non-XML answer".to_owned());
            }
            match parsed {
                Ok(_) => Err("expected a decoding error".to_owned()),
                Err(_) => Ok(()),
            }
        }
        Expected::Decoded { version: expected_version, result, attrs } => {
            if !interaction.is_xml_answer() {
                return Err("expected an XML answer".to_owned());
            }
            if version != *expected_version {
                return Err(format!("request version {version:?}, expected {expected_version:?}"));
            }
            let response = parsed.map_err(|e| e.to_string())?;
            let decoded: Vec<(String, String)> =
                response.attributes().iter().map(|a| (a.name.to_owned(), a.value.to_string())).collect();
            if decoded != *attrs {
                return Err(format!("attributes {decoded:?}, expected {attrs:?}"));
            }
            let state = match result.as_deref() {
                None => ResultState::Absent,
                Some("") => ResultState::Empty,
                Some(v) => ResultState::Value(v),
            };
            if response.result() != state {
                return Err(format!("result {:?}, expected {state:?}", response.result()));
            }
            if response.is_empty() != attrs.is_empty() {
                return Err("emptiness differs".to_owned());
            }
            for (name, _) in attrs {
                let first = attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
                if response.get(name) != first {
                    return Err(format!("get({name:?}) = {:?}, expected {first:?}", response.get(name)));
                }
            }
            if let Some(attr) = response.attributes().iter().find(|a| a.value.contains('\u{FFFD}')) {
                return Err(format!("{} holds U+FFFD", attr.name));
            }
            Ok(())
        }
    }
}

/// Facts §4.4 (a), byte for byte: the second answer of `cancel_recurring_fail` (CR LF, no final
/// newline), to check that the YAML double-quoted folding is read exactly.
const SAMPLE_A: &str = "<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"605\" />\r\n    <result err_detail=\"%8C%8E%8E%9F%89%DB%8B%E0%83f%81%5B%83%5E%8C%9F%8D%F5%83G%83%89%81%5B\" />\r\n    <result memo1=\"\" />\r\n    <result memo2=\"\" />\r\n  </Epsilon_result>";

/// Facts §4.4 (e), byte for byte: getsales2 "not found" (two spaces before `?>`).
const SAMPLE_E: &str = "<?xml version=\"1.0\"  ?>\n<Epsilon_result>\n</Epsilon_result>\n";

fn body_of<'i>(interactions: &'i [Interaction], cassette: &str, index: usize) -> &'i str {
    &interactions
        .iter()
        .find(|i| i.cassette == cassette && i.index == index)
        .unwrap_or_else(|| panic!("{cassette}#{index} not recorded"))
        .body
}

#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn every_recorded_xml_answer_parses_and_every_other_answer_is_an_error() {
    let interactions = load_interactions();
    let mut xml = 0;
    let mut other = 0;
    for interaction in &interactions {
        let label = interaction.label();
        let parsed = Answer::parse(interaction.body.as_bytes(), interaction.version());
        if interaction.is_xml_answer() {
            xml += 1;
            if let Err(e) = parsed {
                panic!("{label} ({}): {e}", interaction.uri);
            }
        } else {
            other += 1;
            let err = parsed.expect_err(&label);
            assert!(matches!(err, ParseError::Html { .. }), "{label}: {err:?}");
        }
    }
    assert_eq!((xml, other), (63, 1), "answers found in the cassettes");
}

#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn every_recorded_response_decodes_to_its_reference_values() {
    let references = load_references();
    assert_eq!(references.len(), 64, "reference table entries");
    let interactions = load_interactions();
    let mut used = vec![false; references.len()];
    for interaction in &interactions {
        let label = interaction.label();
        let position = references
            .iter()
            .position(|r| r.cassette == interaction.cassette && r.index == interaction.index)
            .unwrap_or_else(|| panic!("{label}: not in the reference table"));
        assert!(!used[position], "{label}: matched twice");
        used[position] = true;
        if let Err(why) = check(interaction, &references[position]) {
            panic!("{label}: {why}");
        }
    }
    assert_eq!(interactions.len(), references.len(), "responses checked");
    assert!(used.iter().all(|&u| u), "every reference entry was used");
}

/// The comparison is strict: changing any one value, the order, the result state, the version or the kind of any
/// reference makes [`check`] fail.
#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn the_reference_check_fails_on_any_difference() {
    let references = load_references();
    let interactions = load_interactions();
    let find =
        |r: &Reference| interactions.iter().find(|i| i.cassette == r.cassette && i.index == r.index).expect("recorded");
    let mut mutants = 0;
    for reference in &references {
        let interaction = find(reference);
        check(interaction, reference).unwrap_or_else(|why| panic!("{}: {why}", interaction.label()));
        let mut variants: Vec<Reference> = Vec::new();
        let mut with = |f: &dyn Fn(&mut Expected)| {
            let mut r = reference.clone();
            f(&mut r.expected);
            if r != *reference {
                variants.push(r);
            }
        };
        with(&|e| *e = Expected::NotXml);
        with(&|e| {
            if let Expected::Decoded { version, .. } = e {
                *version = if *version == Version::V1 { Version::V2 } else { Version::V1 };
            }
        });
        with(&|e| {
            if let Expected::Decoded { result, .. } = e {
                *result = match result {
                    None => Some(String::new()),
                    Some(_) => None,
                };
            }
        });
        with(&|e| {
            if let Expected::Decoded { attrs, .. } = e {
                attrs.reverse();
            }
        });
        with(&|e| {
            if let Expected::Decoded { attrs, .. } = e {
                attrs.pop();
            }
        });
        with(&|e| {
            if let Expected::Decoded { attrs, .. } = e
                && let Some((_, value)) = attrs.last_mut()
            {
                value.push('x');
            }
        });
        with(&|e| {
            if let Expected::Decoded { attrs, .. } = e
                && let Some((name, _)) = attrs.first_mut()
            {
                name.push('x');
            }
        });
        for variant in &variants {
            let reversed_same = matches!(&variant.expected, Expected::Decoded { attrs, .. }
                if attrs.iter().rev().eq(attrs.iter()));
            if reversed_same {
                continue;
            }
            assert!(check(interaction, variant).is_err(), "{}: {variant:?} passes too", interaction.label());
            mutants += 1;
        }
    }
    assert!(mutants > 300, "only {mutants} mutants checked");
}

/// The typed reading fails closed on conflicting duplicates; no real answer has any, whatever the operation.
#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn every_recorded_xml_answer_reads_the_same_typed_under_every_operation() {
    let interactions = load_interactions();
    let specs: Vec<_> = epsilon_proto::OPERATIONS.iter().filter_map(|op| op.response).collect();
    assert!(!specs.is_empty());
    for interaction in interactions.iter().filter(|i| i.is_xml_answer()) {
        let body = interaction.body.as_bytes();
        let untyped = Answer::parse(body, interaction.version()).expect("parsed above");
        for spec in &specs {
            let typed = Answer::parse_typed(body, interaction.version(), spec)
                .unwrap_or_else(|e| panic!("{}: {e}", interaction.label()));
            assert_eq!(typed, untyped, "{}", interaction.label());
        }
    }
}

#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn recorded_values_without_escapes_are_borrowed_from_the_body() {
    let interactions = load_interactions();
    for interaction in interactions.iter().filter(|i| i.is_xml_answer()) {
        let body = interaction.body.as_bytes();
        let response = Answer::parse(body, interaction.version()).expect("parsed above");
        for attr in response.attributes() {
            let borrowed = matches!(attr.value, Cow::Borrowed(_));
            let escaped = attr.escaped().contains(['%', '+', '&']);
            assert_eq!(borrowed, !escaped, "{}: {}", interaction.label(), attr.name);
            if !escaped {
                assert_eq!(attr.value, attr.escaped(), "{}: {}", interaction.label(), attr.name);
            }
        }
    }
}

#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn the_version_2_recording_is_not_valid_cp932_and_is_never_guessed() {
    let interactions = load_interactions();
    let body = body_of(&interactions, "history-6e33c22-gmo_later_purchase_fail-version2", 0);
    let v2 = Answer::parse(body.as_bytes(), Version::V2).expect("a UTF-8 answer");
    assert_eq!(v2.get("err_detail"), Some("ユーザーIDの形式が異常です"));
    let err = Answer::parse(body.as_bytes(), Version::V1).expect_err("not CP932");
    assert!(
        matches!(&err, ParseError::Charset { attribute, version: Version::V1, .. } if attribute == "err_detail"),
        "{err:?}"
    );
    // The same text without `version`, as CP932, from another recording.
    let cp932 = body_of(&interactions, "gmo_after_purchase_fail", 0);
    let v1 = Answer::parse(cp932.as_bytes(), Version::V1).expect("a CP932 answer");
    assert_eq!(v1.get("err_detail"), v2.get("err_detail"));
    assert!(Answer::parse(cp932.as_bytes(), Version::V2).is_err());
}

#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn cassette_bodies_are_read_byte_for_byte() {
    let interactions = load_interactions();
    assert_eq!(body_of(&interactions, "cancel_recurring_fail", 1), SAMPLE_A);
    assert_eq!(body_of(&interactions, "find_order_failure", 0), SAMPLE_E);
    for interaction in &interactions {
        assert!(interaction.body.is_ascii(), "{}", interaction.label());
    }
}

/// The label of an outcome or of its error: the variant name (`Redirect`, `Undecided`).
fn label<T: std::fmt::Debug, E: std::fmt::Debug>(r: &Result<T, E>) -> String {
    let (side, text) = match r {
        Ok(v) => ("Ok", format!("{v:?}")),
        Err(e) => ("Err", format!("{e:?}")),
    };
    let name: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    format!("{side}({name})")
}

/// What `outcome()` gave before every case of a result value was tried: the first case in file order whose
/// `present` fields are there. `cases` is (result values, present field, variant) in file order, `absent` the
/// variant of an answer without result (none: `MissingResult`), `empty` that of the empty answer.
fn first_match(
    answer: &Answer<'_>,
    cases: &[(&[&str], Option<&str>, &str)],
    absent: Option<&str>,
    empty: &str,
) -> String {
    if answer.is_empty() {
        return empty.to_owned();
    }
    let has = |name: &str| answer.get(name).is_some_and(|v| !v.is_empty());
    let result = answer.get("result");
    let Some(result) = result else {
        return absent.map_or("Err(MissingResult)".to_owned(), |v| format!("Ok({v})"));
    };
    let mut known = false;
    for (values, present, variant) in cases {
        if values.contains(&result) {
            known = true;
            if present.is_none_or(has) {
                // the fields the variant needs (redirect url, err_code) are checked the same way as before
                let needs = match *variant {
                    "Redirect" => "redirect",
                    "Failure" => "err_code",
                    _ => return format!("Ok({variant})"),
                };
                return if has(needs) { format!("Ok({variant})") } else { "Err(MissingField)".to_owned() };
            }
        }
    }
    if known { "Err(Undecided)".to_owned() } else { "Err(UnknownResult)".to_owned() }
}

/// Trying every case instead of the first in file order changes nothing for a real answer: no recorded answer is
/// ambiguous, and each gets the outcome the first-match reading gave (getsales2 found answers carry `trans_code`
/// and `state`, so they are still `Found`).
#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn every_recorded_answer_keeps_its_outcome() {
    use epsilon_proto::{LinkOrderResponse, OrderInfoResponse, UserChangeResponse, UserRegisterResponse};
    let interactions = load_interactions();
    let failure: &[&str] = &["0", "9"];
    let mut decided = std::collections::BTreeMap::<String, usize>::new();
    for interaction in interactions.iter().filter(|i| i.is_xml_answer()) {
        let label_of = interaction.label();
        let body = interaction.body.as_bytes();
        let version = interaction.version();
        let answer = Answer::parse(body, version).expect("parsed above");
        let results = [
            (
                "link_order",
                label(&LinkOrderResponse::parse(body, version).unwrap().outcome()),
                first_match(
                    &answer,
                    &[
                        (&["1"], Some("redirect"), "Redirect"),
                        (&["1"], Some("receipt_no"), "ConvenienceSlip"),
                        (failure, None, "Failure"),
                    ],
                    None,
                    "Err(Empty)",
                ),
            ),
            (
                "user_change",
                label(&UserChangeResponse::parse(body, version).unwrap().outcome()),
                first_match(
                    &answer,
                    &[
                        (&["1"], Some("redirect"), "Redirect"),
                        (&["1"], Some("user_id"), "Changed"),
                        (failure, None, "Failure"),
                    ],
                    None,
                    "Err(Empty)",
                ),
            ),
            (
                "user_register",
                label(&UserRegisterResponse::parse(body, version).unwrap().outcome()),
                first_match(&answer, &[(&["1"], None, "Redirect"), (failure, None, "Failure")], None, "Err(Empty)"),
            ),
            (
                "order_info",
                label(&OrderInfoResponse::parse(body, version).unwrap().outcome()),
                first_match(&answer, &[(failure, None, "Failure")], Some("Found"), "Ok(NotFound)"),
            ),
        ];
        for (op, now, before) in results {
            assert_ne!(now, "Err(Ambiguous)", "{label_of} under {op}");
            assert_eq!(now, before, "{label_of} under {op}");
            if now.starts_with("Ok") {
                *decided.entry(format!("{op} {now}")).or_default() += 1;
            }
        }
    }
    // the cassettes hold these decided outcomes (the rest are answers of other CGIs read under these views)
    let got: Vec<String> = decided.iter().map(|(k, n)| format!("{k} x{n}")).collect();
    for expected in
        ["order_info Ok(Found)", "order_info Ok(NotFound)", "link_order Ok(Redirect)", "link_order Ok(ConvenienceSlip)"]
    {
        assert!(decided.contains_key(expected), "{expected} not among {got:?}");
    }
}
