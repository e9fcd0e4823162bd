//! Decoding takes linear time, on the inputs that would expose anything worse: for each shape, the instructions a
//! read of the 10× input executes must stay within 15× those of the 1× input (quadratic work would give about 100×).
//! Instructions are counted, not timed (`japay_test_support::count`: this test binary runs itself under valgrind's
//! callgrind, once per size, and only the call of the reader on the prepared input is counted), so the verdict does
//! not depend on what else the machine is doing, and the inputs need not be large. They are a few kB at 1×: enough
//! items that work quadratic in the items shows (per-pair work of a few instructions against per-item work of
//! thousands in this debug build), small enough that such a regression still fails within a minute or two.
//!
//! Epsilon's `Epsilon_result` reader and query strings, and Kuroneko's `<return>` reader (its shapes moved here from
//! `kuroneko-proto`, whose unit tests have no build script to tell whether valgrind is there).

use std::hint::black_box;

pub(crate) use japay_test_support::count::assert_linear;
use japay_test_support::count::{self, Counts};

use epsilon_proto::answer::{Answer, Version, parse_query};
use epsilon_proto::operation;

fn wrap(children: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\"?>\n<Epsilon_result>\n{children}</Epsilon_result>\n").into_bytes()
}

/// `n` children `<result aN="vN" />`, every name distinct.
fn distinct_names(n: usize) -> Vec<u8> {
    wrap(&(0..n).map(|i| format!("  <result a{i}=\"v{i}\" />\n")).collect::<String>())
}

fn parse(body: &[u8]) {
    let parsed = Answer::parse(body, Version::V1);
    black_box(parsed.map(|r| r.len()).ok());
}

fn parse_ok(body: &[u8]) {
    if let Err(e) = Answer::parse(body, Version::V1) {
        panic!("{e}");
    }
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn many_distinct_names() {
    assert_linear("distinct names", 200, &distinct_names, &parse_ok);
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn many_distinct_names_typed() {
    let spec = operation("order_info").and_then(|op| op.response).expect("order_info has an answer");
    let run = move |body: &[u8]| {
        if let Err(e) = Answer::parse_typed(body, Version::V1, spec) {
            panic!("{e}");
        }
    };
    assert_linear("distinct names, typed", 200, &distinct_names, &run);
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn many_identical_results_and_spec_attributes() {
    let make = |n: usize| {
        wrap(
            &(0..n)
                .map(|i| if i % 2 == 0 { "<result result=\"1\"/>" } else { "<result state=\"5\"/>" })
                .collect::<String>(),
        )
    };
    let spec = operation("order_info").and_then(|op| op.response).expect("order_info has an answer");
    let run = move |body: &[u8]| {
        if let Err(e) = Answer::parse_typed(body, Version::V1, spec) {
            panic!("{e}");
        }
    };
    assert_linear("identical duplicates, typed", 200, &make, &run);
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn one_element_with_many_attributes_is_rejected_early() {
    let make = |n: usize| wrap(&format!("<result{} />", (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect::<String>()));
    let run = |body: &[u8]| assert!(Answer::parse(body, Version::V1).is_err());
    assert_linear("one element, many attributes", 200, &make, &run);
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn elements_with_the_most_attributes_allowed() {
    let max = epsilon_proto::ParseError::MAX_ATTRIBUTES_PER_ELEMENT;
    let element: String =
        format!("<result{} />\n", (0..max).map(|i| format!(" attribute_{i:02}=\"{i}\"")).collect::<String>());
    let make = |n: usize| wrap(&element.repeat(n));
    assert_linear("elements with the most attributes", 3, &make, &parse_ok);
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn one_long_value() {
    let percent = |n: usize| wrap(&format!("<result memo1=\"{}\" />", "%82%A0+x".repeat(n)));
    assert_linear("one long percent-encoded value", 300, &percent, &parse_ok);
    let references = |n: usize| wrap(&format!("<result memo1=\"{}\" />", "a&amp;b&#37;41\r\n".repeat(n)));
    assert_linear("one long value with references", 200, &references, &parse_ok);
    let plain = |n: usize| wrap(&format!("<result memo1=\"{}\" />", "abcdefghij".repeat(n)));
    assert_linear("one long plain value", 300, &plain, &parse_ok);
    let unterminated = |n: usize| wrap(&format!("<result memo1=\"{}", "%82%A0".repeat(n)));
    assert_linear("one long unterminated value", 500, &unterminated, &parse);
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn long_comments_whitespace_and_queries() {
    let comments = |n: usize| wrap(&"<!-- - a - b - -->\n".repeat(n));
    assert_linear("many comments", 200, &comments, &parse_ok);
    let long_comment = |n: usize| wrap(&format!("<!--{}-->", "- ".repeat(n)));
    assert_linear("one long comment", 1_500, &long_comment, &parse_ok);
    let space = |n: usize| wrap(&" \r\n\t".repeat(n));
    assert_linear("white space", 800, &space, &parse_ok);
    let query = |n: usize| (0..n).map(|i| format!("a{i}=%82%A0+{i}&")).collect::<String>().into_bytes();
    let run = |q: &[u8]| {
        if let Err(e) = parse_query(q, Version::V1) {
            panic!("{e}");
        }
    };
    assert_linear("query string", 200, &query, &run);
}

/// Kuroneko's `<return>` reader (element text, quick-xml events) on the shapes that would expose quadratic work:
/// many rows of the repeated group, many distinct unknown elements, one element repeated with the same value, many
/// namespace declarations on the root, and one long entity-escaped value.
#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn kuroneko_reading_takes_linear_time() {
    type Shape = fn(usize) -> String;
    let shapes: [(&str, usize, Shape); 5] = [
        ("kuroneko: rows", 300, |n| {
            let mut s = String::from("<return><returnCode>0</returnCode><resultCount>0</resultCount>");
            for i in 0..n {
                s.push_str(&format!(
                    "<resultData><orderNo>R{i}</orderNo><settleDate/><settlePrice>{i}</settlePrice>\
                     <statusInfo>4</statusInfo></resultData>"
                ));
            }
            s + "</return>"
        }),
        ("kuroneko: distinct unknown values", 100, |n| {
            let mut s = String::from("<return>");
            for i in 0..n {
                s.push_str(&format!("<field{i}>value {i} of the answer</field{i}>"));
            }
            s + "</return>"
        }),
        ("kuroneko: repeated identical values", 70, |n| {
            "<return>".to_owned() + &"<returnCode>0</returnCode>\n".repeat(n * 3) + "</return>"
        }),
        ("kuroneko: namespace declarations on the root", 70, |n| {
            let mut s = String::from("<return");
            for i in 0..n * 3 {
                s.push_str(&format!(" xmlns:ns{i}=\"urn:example:{i}\""));
            }
            s + "><returnCode>0</returnCode></return>"
        }),
        ("kuroneko: escaped html", 50, |n| {
            "<return><threeDAuthHtml>".to_owned()
                + &"&lt;input name=&quot;a&quot; value=&#x41;&#66;&gt;\r\n".repeat(n * 2)
                + "</threeDAuthHtml></return>"
        }),
    ];
    let run = |body: &[u8]| {
        if let Err(e) = kuroneko_proto::Answer::parse(body) {
            panic!("{e}");
        }
    };
    for (label, n, make) in shapes {
        assert_linear(label, n, &|n| make(n).into_bytes(), &run);
    }
}

/// The count can fail: a function comparing each byte with every earlier one (quadratic, and allocating nothing, so
/// that counting allocations would not see it) exceeds the bound by far, and a linear one stays within it.
#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn the_count_catches_quadratic_time() {
    let make = |n: usize| (0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>();
    let quadratic = |input: &[u8]| {
        let mut sum = 0u64;
        for (i, &a) in input.iter().enumerate() {
            for &b in input.iter().take(i) {
                sum = sum.wrapping_add(u64::from(a ^ b));
            }
        }
        black_box(sum);
    };
    let linear = |input: &[u8]| {
        black_box(input.iter().fold(0u64, |sum, &b| sum.wrapping_add(u64::from(b))));
    };
    if let Some((counts, bytes)) = count::measure("quadratic", 300, &make, &quadratic) {
        let verdict = counts.check(bytes);
        eprintln!("quadratic: {verdict:?}");
        assert!(counts.ratio() > count::BOUND * 5.0, "a quadratic function gave only {counts:?}");
        assert!(verdict.as_ref().is_err_and(|e| e.starts_with("not linear")), "{verdict:?}");
    }
    if let Some((counts, bytes)) = count::measure("linear", 3_000, &make, &linear) {
        let verdict = counts.check(bytes);
        eprintln!("linear: {verdict:?}");
        assert!(verdict.is_ok(), "{verdict:?}");
        // the region counts the run and nothing else: a few instructions a byte in this debug build
        let Counts { small, large } = counts;
        assert!(small < 100 * 3_000 && large < 100 * 30_000, "{counts:?}");
    }
}
