//! epsilon-proto's answer decoder against a strong hand-rolled baseline, in one run, on two bodies:
//!
//! * `getsales2`: the 25-attribute getsales2 answer of the facts sheet (§4.4 (f)) with CP932 Japanese
//!   `user_name`, `item_name`, `memo1` and `memo2`, `+` for spaces;
//! * `conveni`: a body shaped like the recorded 26-attribute direct convenience-store answer (ISO-8859-1
//!   declaration, CR LF, `%20` for spaces, a CP932 katakana name, an escaped slip URL), with made-up values.
//!
//! The baseline is what a careful engineer writes: `quick_xml::Reader::read_event_into` with a reused buffer; per
//! attribute, `+` replaced by a space into a reused buffer, `percent_encoding::percent_decode` into a reused
//! `Vec<u8>`, `encoding_rs` `decode_without_bom_handling` into an owned `String`; (name, value) pairs collected into
//! a reused `Vec`. Ours is `Answer::parse` (strict: every check of the crate, values borrowed when unescaped).
//!
//! After criterion's groups, `main` times each function itself (median of batches) and prints the medians and the
//! ratio ours/naive per body (criterion does not expose its estimates programmatically).
//!
//! `EPSILON_BENCH_CALLS=<ours|naive>-<getsales2|conveni>:<n>` only calls that function `n` times and exits, for an
//! instruction count that does not depend on machine load: run `valgrind --tool=callgrind` on the bench binary with
//! n = 1000 and n = 0; the difference of the totals over 1000 is the count per call.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use encoding_rs::SHIFT_JIS;
use epsilon_proto::{Answer, Version};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// CP932 bytes, percent-encoded with `space` for a space and `%XX` for every other byte outside `A-Za-z0-9-._`.
fn cp932_param(text: &str, space: &str) -> String {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(text);
    assert!(!unmappable, "{text} is not CP932");
    let mut out = String::new();
    for &b in bytes.iter() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b as char),
            b' ' => out.push_str(space),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// getsales2 "found" (facts §4.4 (f)), 25 attributes.
fn getsales2_body() -> Vec<u8> {
    let attrs: [(&str, String); 25] = [
        ("last_update", "2018-07-17+10%3A41%3A27".into()),
        ("user_mail_add", "yamada-taro%40example.com".into()),
        ("state", "1".into()),
        ("credit_time", "2018-07-17+10%3A41%3A28".into()),
        ("trans_code", "861205".into()),
        ("mission_code", "1".into()),
        ("credit_flag", "0".into()),
        ("item_price", "100".into()),
        ("payment_code", "1".into()),
        ("item_code", "ITEM001".into()),
        ("order_number", "T2031004x".into()),
        ("st_code", "10000-0000-00000-00000-00000-00000-00000".into()),
        ("memo1", cp932_param("ご注文ありがとうございます", "+")),
        ("contract_code", "12345678".into()),
        ("item_name", cp932_param("テスト商品（限定版）①", "+")),
        ("pay_time", "1".into()),
        ("user_name", cp932_param("山田 太郎", "+")),
        ("process_code", "1".into()),
        ("keitai", "100".into()),
        ("due_date", "".into()),
        ("card_st_code", "10".into()),
        ("add_info", "".into()),
        ("user_id", "U7730215".into()),
        ("memo2", cp932_param("髙橋様 ～ 備考", "+")),
        ("sales_limit_exceeded_flag", "0".into()),
    ];
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\n<Epsilon_result>\n");
    for (name, value) in attrs {
        body.push_str(&format!("  <result {name}=\"{value}\" />\n"));
    }
    body.push_str("</Epsilon_result>\n");
    body.into_bytes()
}

/// A direct convenience-store order answer of receive_order3, shaped like the recorded one (26 attributes in the
/// gateway's order, ISO-8859-1 declared, CR LF, `%20` for spaces), with made-up values.
fn conveni_body() -> Vec<u8> {
    let attrs: [(&str, String); 26] = [
        ("result", "1".into()),
        ("trans_code", "730511".into()),
        ("order_number", "T20310051".into()),
        ("state", "0".into()),
        ("user_id", "U7730299".into()),
        ("user_name", cp932_param("スズキ ハナコ", "%20")),
        ("process_code", "1".into()),
        ("last_update", "2031-05-20%2009%3A12%3A45".into()),
        ("item_price", "4980".into()),
        ("memo1", "".into()),
        ("memo2", "".into()),
        ("mission_code", "1".into()),
        ("st_code", "00100-0000-00000-00000-00000-00000-00000".into()),
        ("contract_code", "87654321".into()),
        ("item_name", "Sample%20Item%20%28blue%29".into()),
        ("payment_code", "3".into()),
        ("user_mail_add", "suzuki.hanako%40example.test".into()),
        ("item_code", "SKU-0301".into()),
        ("conveni_code", "31".into()),
        ("receipt_no", "0731155".into()),
        ("kigyou_code", "00777".into()),
        ("haraikomi_url", "http%3A%2F%2Fexample.test%2Fslip%2F0731155.pdf".into()),
        ("paid", "0".into()),
        ("receipt_date", "2031-05-20%2009%3A12%3A45".into()),
        ("conveni_limit", "2031-05-27".into()),
        ("conveni_time", "".into()),
    ];
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\r\n<Epsilon_result>\r\n");
    for (name, value) in attrs {
        body.push_str(&format!("  <result {name}=\"{value}\" />\r\n"));
    }
    body.push_str("</Epsilon_result>\r\n");
    body.into_bytes()
}

fn decode_ours(body: &[u8]) -> usize {
    match Answer::parse(body, Version::V1) {
        Ok(response) => response.iter().map(|a| a.value.len()).sum(),
        Err(e) => panic!("the bench body does not parse: {e}"),
    }
}

/// The baseline's reused buffers.
#[derive(Default)]
struct Naive {
    /// quick-xml's event buffer.
    event: Vec<u8>,
    /// The raw value with `+` replaced by a space.
    plus: Vec<u8>,
    /// The percent-decoded bytes.
    bytes: Vec<u8>,
    /// The decoded (name, value) pairs.
    pairs: Vec<(String, String)>,
}

/// What a careful engineer writes with quick-xml, percent-encoding and encoding_rs.
fn decode_naive(body: &[u8], naive: &mut Naive) -> usize {
    naive.pairs.clear();
    let mut reader = Reader::from_reader(body);
    loop {
        naive.event.clear();
        match reader.read_event_into(&mut naive.event) {
            Ok(Event::Empty(e) | Event::Start(e)) => {
                for attr in e.attributes() {
                    let attr = match attr {
                        Ok(attr) => attr,
                        Err(e) => panic!("quick-xml: {e}"),
                    };
                    let name = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                    naive.plus.clear();
                    naive.plus.extend(attr.value.iter().map(|&b| if b == b'+' { b' ' } else { b }));
                    naive.bytes.clear();
                    naive.bytes.extend(percent_encoding::percent_decode(&naive.plus));
                    let (text, _) = SHIFT_JIS.decode_without_bom_handling(&naive.bytes);
                    naive.pairs.push((name, text.into_owned()));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("quick-xml: {e}"),
        }
    }
    naive.pairs.iter().map(|(_, v)| v.len()).sum()
}

/// The two bodies, by name.
fn bodies() -> [(&'static str, Vec<u8>); 2] {
    [("getsales2", getsales2_body()), ("conveni", conveni_body())]
}

fn bench_decode(c: &mut Criterion) {
    let mut naive = Naive::default();
    for (name, body) in bodies() {
        let mut group = c.benchmark_group(format!("decode-{name}"));
        group.bench_function("epsilon-proto", |b| b.iter(|| decode_ours(black_box(&body))));
        group.bench_function("naive", |b| b.iter(|| decode_naive(black_box(&body), &mut naive)));
        group.finish();
    }
}

/// The medians over `samples` batches of `batch` calls of the time per call of `a` and of `b`, after one warm-up
/// batch each. The batches alternate, so that a change in machine load hits both sides alike.
fn medians_per_call<T, U>(
    samples: usize,
    batch: u32,
    mut a: impl FnMut() -> T,
    mut b: impl FnMut() -> U,
) -> (Duration, Duration) {
    let mut times = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for sample in 0..=samples {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(a());
        }
        let t_a = start.elapsed() / batch;
        let start = Instant::now();
        for _ in 0..batch {
            black_box(b());
        }
        let t_b = start.elapsed() / batch;
        if sample > 0 {
            times.0.push(t_a);
            times.1.push(t_b);
        }
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    (median(times.0), median(times.1))
}

fn print_ratios() {
    const SAMPLES: usize = 41;
    const BATCH: u32 = 2_000;
    let mut naive = Naive::default();
    println!();
    println!("median of {SAMPLES} alternating batches of {BATCH} calls:");
    for (name, body) in bodies() {
        // both sides must produce the same thing, or the comparison means nothing
        let ours: Vec<(String, String)> = match Answer::parse(&body, Version::V1) {
            Ok(r) => r.iter().map(|a| (a.name.to_owned(), a.value.to_string())).collect(),
            Err(e) => panic!("{e}"),
        };
        decode_naive(&body, &mut naive);
        assert_eq!(ours, naive.pairs, "{name}: decoders disagree");
        assert!(ours.len() >= 25, "{name}: {} attributes", ours.len());

        let (t_ours, t_naive) = medians_per_call(
            SAMPLES,
            BATCH,
            || decode_ours(black_box(&body)),
            || decode_naive(black_box(&body), &mut naive),
        );
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "decode {name} ({} attributes, {} bytes): epsilon-proto {:.3} µs, naive {:.3} µs, ratio ours/naive {:.2}",
            ours.len(),
            body.len(),
            us(t_ours),
            us(t_naive),
            t_ours.as_secs_f64() / t_naive.as_secs_f64()
        );
    }
}

/// `EPSILON_BENCH_CALLS=<ours|naive>-<getsales2|conveni>:<n>`: only call that function `n` times.
fn calls_only(spec: &str) {
    let (which, n) = spec.split_once(':').unwrap_or((spec, "1000"));
    let n: u32 = n.parse().unwrap_or(1000);
    let (side, body_name) = which.split_once('-').unwrap_or((which, "getsales2"));
    let body = match bodies().into_iter().find(|(name, _)| *name == body_name) {
        Some((_, body)) => body,
        None => panic!("unknown body {body_name}"),
    };
    let mut naive = Naive::default();
    for _ in 0..n {
        match side {
            "ours" => drop(black_box(decode_ours(black_box(&body)))),
            "naive" => drop(black_box(decode_naive(black_box(&body), &mut naive))),
            other => panic!("unknown function {other}"),
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("EPSILON_BENCH_CALLS") {
        calls_only(&spec);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench_decode(&mut c);
    c.final_summary();
    print_ratios();
}
