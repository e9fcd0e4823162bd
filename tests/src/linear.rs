//! Decoding takes time linear in the input, on the inputs that would expose anything worse: for each shape, the
//! best of several timings of a 10× input must stay within 15× the best of the 1× input (quadratic behaviour would
//! give about 100×). The 10× inputs are at least 1 MB, so fixed costs and timer resolution do not matter. Other
//! work on the machine only ever adds time, so the best of interleaved runs estimates the cost; when a round of
//! runs still exceeds the bound (a busy machine), more rounds refine the minima, up to [`ROUNDS`]. The tests of this
//! module run one at a time.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use epsilon_proto::operation;
use epsilon_proto::response::{Response, Version, parse_query};

/// The bound on time(10×) / time(1×).
const BOUND: f64 = 15.0;
/// Timings per size and round; the best one counts.
const RUNS: usize = 5;
/// Rounds of [`RUNS`] timings at most, while the ratio exceeds the bound.
const ROUNDS: usize = 8;

/// Held by each test of this module, so that they do not time each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Lowers `best` to the best of `runs` more timings of `run` on each input, measured alternately.
fn best_times(inputs: [&[u8]; 2], runs: usize, run: &dyn Fn(&[u8]), best: &mut [Duration; 2]) {
    for _ in 0..runs {
        for (input, best) in inputs.iter().zip(best.iter_mut()) {
            let start = Instant::now();
            run(black_box(input));
            *best = (*best).min(start.elapsed());
        }
    }
}

/// The ratio time(10×) / time(1×) of `run` on the inputs `make(n)` and `make(10 n)`, from up to `rounds` rounds of
/// `runs` timings each (fewer when the bound holds).
fn ratio(n: usize, make: &dyn Fn(usize) -> Vec<u8>, runs: usize, rounds: usize, run: &dyn Fn(&[u8])) -> f64 {
    let small = make(n);
    let large = make(10 * n);
    assert!(large.len() >= 1_000_000 || runs < RUNS, "the 10× input has only {} bytes", large.len());
    let mut best = [Duration::MAX; 2];
    let mut r = f64::INFINITY;
    for _ in 0..rounds {
        best_times([&small, &large], runs, run, &mut best);
        let [t1, t10] = best;
        r = t10.as_secs_f64() / t1.as_secs_f64().max(1e-9);
        if r <= BOUND {
            break;
        }
    }
    r
}

/// Asserts that `run` takes linear time on `make(n)` vs `make(10 n)` (the 10× input at least 1 MB), one such test
/// at a time across the test binary (other modules' timing tests use it too).
pub(crate) fn assert_linear(label: &str, n: usize, make: &dyn Fn(usize) -> Vec<u8>, run: &dyn Fn(&[u8])) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let r = ratio(n, make, RUNS, ROUNDS, run);
    eprintln!("{label}: time(10x) / time(1x) = {r:.1}");
    assert!(r <= BOUND, "{label}: 10× the input takes {r:.1}× the time (bound {BOUND})");
}

fn wrap(children: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\"?>\n<Epsilon_result>\n{children}</Epsilon_result>\n").into_bytes()
}

/// `n` children `<result aN="vN" />`, every name distinct.
fn distinct_names(n: usize) -> Vec<u8> {
    wrap(&(0..n).map(|i| format!("  <result a{i}=\"v{i}\" />\n")).collect::<String>())
}

fn parse(body: &[u8]) {
    let parsed = Response::parse(body, Version::V1);
    black_box(parsed.map(|r| r.len()).ok());
}

fn parse_ok(body: &[u8]) {
    if let Err(e) = Response::parse(body, Version::V1) {
        panic!("{e}");
    }
}

#[test]
fn many_distinct_names() {
    assert_linear("distinct names", 4_000, &distinct_names, &parse_ok);
}

#[test]
fn many_distinct_names_typed() {
    let spec = operation("order_info").and_then(|op| op.response).expect("order_info has an answer");
    let run = move |body: &[u8]| {
        if let Err(e) = Response::parse_typed(body, Version::V1, spec) {
            panic!("{e}");
        }
    };
    assert_linear("distinct names, typed", 4_000, &distinct_names, &run);
}

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
        if let Err(e) = Response::parse_typed(body, Version::V1, spec) {
            panic!("{e}");
        }
    };
    assert_linear("identical duplicates, typed", 6_000, &make, &run);
}

#[test]
fn one_element_with_many_attributes_is_rejected_early() {
    let make = |n: usize| wrap(&format!("<result{} />", (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect::<String>()));
    let run = |body: &[u8]| assert!(Response::parse(body, Version::V1).is_err());
    // rejected after a pass over the body: little work per byte, so 1× inputs larger than the L2 cache
    assert_linear("one element, many attributes", 80_000, &make, &run);
}

#[test]
fn elements_with_the_most_attributes_allowed() {
    let max = epsilon_proto::ParseError::MAX_ATTRIBUTES_PER_ELEMENT;
    let element: String =
        format!("<result{} />\n", (0..max).map(|i| format!(" attribute_{i:02}=\"{i}\"")).collect::<String>());
    let make = |n: usize| wrap(&element.repeat(n));
    assert_linear("elements with the most attributes", 100, &make, &parse_ok);
}

#[test]
fn one_long_value() {
    let percent = |n: usize| wrap(&format!("<result memo1=\"{}\" />", "%82%A0+x".repeat(n)));
    assert_linear("one long percent-encoded value", 15_000, &percent, &parse_ok);
    let references = |n: usize| wrap(&format!("<result memo1=\"{}\" />", "a&amp;b&#37;41\r\n".repeat(n)));
    assert_linear("one long value with references", 8_000, &references, &parse_ok);
    let plain = |n: usize| wrap(&format!("<result memo1=\"{}\" />", "abcdefghij".repeat(n)));
    // little work per byte: 1× inputs larger than the L2 cache, so that both sizes are read from memory alike
    assert_linear("one long plain value", 100_000, &plain, &parse_ok);
    let unterminated = |n: usize| wrap(&format!("<result memo1=\"{}", "%82%A0".repeat(n)));
    assert_linear("one long unterminated value", 170_000, &unterminated, &parse);
}

#[test]
fn long_comments_whitespace_and_queries() {
    let comments = |n: usize| wrap(&"<!-- - a - b - -->\n".repeat(n));
    assert_linear("many comments", 6_000, &comments, &parse_ok);
    let long_comment = |n: usize| wrap(&format!("<!--{}-->", "- ".repeat(n)));
    assert_linear("one long comment", 500_000, &long_comment, &parse_ok);
    let space = |n: usize| wrap(&" \r\n\t".repeat(n));
    assert_linear("white space", 250_000, &space, &parse_ok);
    let query = |n: usize| (0..n).map(|i| format!("a{i}=%82%A0+{i}&")).collect::<String>().into_bytes();
    let run = |q: &[u8]| {
        if let Err(e) = parse_query(q, Version::V1) {
            panic!("{e}");
        }
    };
    assert_linear("query string", 6_000, &query, &run);
}

/// The harness can fail: a quadratic function exceeds the bound by far.
#[test]
fn the_bound_catches_quadratic_time() {
    let make = |n: usize| vec![b'x'; n];
    let quadratic = |input: &[u8]| {
        let mut sum = 0u64;
        for (i, &a) in input.iter().enumerate() {
            for &b in input.iter().take(i) {
                sum = sum.wrapping_add(u64::from(a ^ b));
            }
        }
        black_box(sum);
    };
    let r = ratio(1_500, &make, 2, 1, &quadratic);
    assert!(r > BOUND * 2.0, "a quadratic function gave only {r:.1}×");
}
