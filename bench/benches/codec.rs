//! epsilon-proto's request encoder and response decoder against naive baselines, in one run.
//!
//! * `encode`: an 18-parameter `LinkOrder` (direct convenience-store order, Japanese `user_name`, `item_name`,
//!   `memo1`, `user_name_kana`) encoded as CP932 into a reused buffer, against per-value `SHIFT_JIS.encode` plus a
//!   hand-written percent-encoding loop into a new `String` per value, joined with `&`.
//! * `decode`: the 25-attribute getsales2 answer of the facts sheet §4.4 (f) with CP932 Japanese `user_name`,
//!   `item_name`, `memo1` and `memo2`, decoded by `Response::parse`, against quick-xml collecting every attribute into
//!   owned `String`s, percent-decoding into a `Vec<u8>` and `SHIFT_JIS.decode` into an owned `String` per value.
//!
//! After criterion's groups, `main` times the four functions itself and prints the ratios (criterion does not expose
//! its estimates programmatically).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use encoding_rs::SHIFT_JIS;
use epsilon_proto::{Charset, LinkOrder, Options, Response, Version};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// The request: 16 caller fields plus the fixed `process_code` and `xml`.
fn order() -> LinkOrder<'static> {
    LinkOrder {
        contract_code: "12345678",
        user_id: "U7730215",
        user_name: "山田 太郎",
        user_mail_add: "yamada-taro@example.com",
        item_code: "ITEM001",
        item_name: "テスト商品（限定版）①",
        order_number: "T2031004x",
        st_code: "00100-0000-00000-00000-00000-00000-00000",
        mission_code: "1",
        item_price: "10000",
        memo1: Some("ご注文ありがとうございます"),
        memo2: Some("memo2"),
        conveni_code: Some("31"),
        user_tel: Some("0312345678"),
        user_name_kana: Some("ヤマダ タロウ"),
        haraikomi_mail: Some("0"),
        ..Default::default()
    }
}

/// The same request as (name, value) pairs in wire order, for the baseline.
fn order_pairs() -> Vec<(&'static str, &'static str)> {
    let o = order();
    vec![
        ("contract_code", o.contract_code),
        ("user_id", o.user_id),
        ("user_name", o.user_name),
        ("user_mail_add", o.user_mail_add),
        ("item_code", o.item_code),
        ("item_name", o.item_name),
        ("order_number", o.order_number),
        ("st_code", o.st_code),
        ("mission_code", o.mission_code),
        ("item_price", o.item_price),
        ("process_code", "1"),
        ("memo1", "ご注文ありがとうございます"),
        ("memo2", "memo2"),
        ("xml", "1"),
        ("conveni_code", "31"),
        ("user_tel", "0312345678"),
        ("user_name_kana", "ヤマダ タロウ"),
        ("haraikomi_mail", "0"),
    ]
}

fn encode_ours(order: &LinkOrder<'_>, buf: &mut Vec<u8>) -> usize {
    buf.clear();
    match order.encode(Options::new(Charset::Cp932), buf) {
        Ok(n) => n,
        Err(report) => panic!("the bench request is invalid: {report}"),
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// What a typical hand-rolled client does.
fn encode_naive(pairs: &[(&str, &str)]) -> String {
    let mut parts = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let (bytes, _, _) = SHIFT_JIS.encode(value);
        let mut encoded = String::new();
        for &b in bytes.iter() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => encoded.push(b as char),
                b' ' => encoded.push('+'),
                _ => {
                    encoded.push('%');
                    encoded.push(HEX[usize::from(b >> 4)] as char);
                    encoded.push(HEX[usize::from(b & 15)] as char);
                }
            }
        }
        parts.push(format!("{name}={encoded}"));
    }
    parts.join("&")
}

/// CP932 bytes, percent-encoded the way getsales2 does it (`+` for space).
fn cp932_param(text: &str) -> String {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(text);
    assert!(!unmappable, "{text} is not CP932");
    let mut out = String::new();
    for &b in bytes.iter() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// getsales2 "found" (facts §4.4 (f)), 25 attributes, with Japanese names and memos instead of ASCII ones.
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
        ("memo1", cp932_param("ご注文ありがとうございます")),
        ("contract_code", "12345678".into()),
        ("item_name", cp932_param("テスト商品（限定版）①")),
        ("pay_time", "1".into()),
        ("user_name", cp932_param("山田 太郎")),
        ("process_code", "1".into()),
        ("keitai", "100".into()),
        ("due_date", "".into()),
        ("card_st_code", "10".into()),
        ("add_info", "".into()),
        ("user_id", "U7730215".into()),
        ("memo2", cp932_param("髙橋様 ～ 備考")),
        ("sales_limit_exceeded_flag", "0".into()),
    ];
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\n<Epsilon_result>\n");
    for (name, value) in attrs {
        body.push_str(&format!("  <result {name}=\"{value}\" />\n"));
    }
    body.push_str("</Epsilon_result>\n");
    body.into_bytes()
}

fn decode_ours(body: &[u8]) -> usize {
    match Response::parse(body, Version::V1) {
        Ok(response) => response.iter().map(|a| a.value.len()).sum(),
        Err(e) => panic!("the bench body does not parse: {e}"),
    }
}

/// What a typical hand-rolled client does: owned strings everywhere.
fn decode_naive(body: &[u8]) -> Vec<(String, String)> {
    let mut reader = Reader::from_reader(body);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e) | Event::Start(e)) => {
                for attr in e.attributes().flatten() {
                    let name = String::from_utf8(attr.key.as_ref().to_vec()).unwrap_or_default();
                    let raw = String::from_utf8(attr.value.to_vec()).unwrap_or_default();
                    let mut bytes = Vec::with_capacity(raw.len());
                    let raw = raw.as_bytes();
                    let mut i = 0;
                    while i < raw.len() {
                        match raw[i] {
                            b'%' if i + 2 < raw.len() => {
                                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("00");
                                bytes.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                                i += 3;
                            }
                            b'+' => {
                                bytes.push(b' ');
                                i += 1;
                            }
                            b => {
                                bytes.push(b);
                                i += 1;
                            }
                        }
                    }
                    let (text, _, _) = SHIFT_JIS.decode(&bytes);
                    out.push((name, text.into_owned()));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("quick-xml: {e}"),
        }
    }
    out
}

fn bench_encode(c: &mut Criterion) {
    let order = order();
    let pairs = order_pairs();
    let mut buf = Vec::with_capacity(1024);
    let mut group = c.benchmark_group("encode");
    group.bench_function("epsilon-proto", |b| b.iter(|| encode_ours(black_box(&order), &mut buf)));
    group.bench_function("naive", |b| b.iter(|| encode_naive(black_box(&pairs))));
    group.finish();
}

fn bench_decode(c: &mut Criterion) {
    let body = getsales2_body();
    let mut group = c.benchmark_group("decode");
    group.bench_function("epsilon-proto", |b| b.iter(|| decode_ours(black_box(&body))));
    group.bench_function("naive", |b| b.iter(|| decode_naive(black_box(&body))));
    group.finish();
}

/// Mean time per call of `f` over `n` calls, after `n / 10` warm-up calls.
fn time_per_call<T>(n: u32, mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..n / 10 {
        black_box(f());
    }
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed() / n
}

fn print_ratio(what: &str, ours: Duration, naive: Duration) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{what}: epsilon-proto {:.2} µs, naive {:.2} µs, ratio naive/ours {:.2}",
        us(ours),
        us(naive),
        naive.as_secs_f64() / ours.as_secs_f64()
    );
}

fn print_ratios() {
    const N: u32 = 20_000;
    let order = order();
    let pairs = order_pairs();
    let body = getsales2_body();

    // both sides must produce the same thing, or the comparison means nothing
    let mut buf = Vec::new();
    encode_ours(&order, &mut buf);
    assert_eq!(String::from_utf8_lossy(&buf), encode_naive(&pairs), "encoders disagree");
    let ours: Vec<(String, String)> = match Response::parse(&body, Version::V1) {
        Ok(r) => r.iter().map(|a| (a.name.to_owned(), a.value.to_string())).collect(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(ours, decode_naive(&body), "decoders disagree");
    assert_eq!(ours.len(), 25);

    let enc_ours = time_per_call(N, || encode_ours(black_box(&order), &mut buf));
    let enc_naive = time_per_call(N, || encode_naive(black_box(&pairs)));
    let dec_ours = time_per_call(N, || decode_ours(black_box(&body)));
    let dec_naive = time_per_call(N, || decode_naive(black_box(&body)));
    println!();
    println!("Instant timing, {N} calls each after {} warm-up calls:", N / 10);
    print_ratio("encode", enc_ours, enc_naive);
    print_ratio("decode", dec_ours, dec_naive);
    // where the encoder's time goes: `encode` validates first, then encodes every character again
    let validate = time_per_call(N, || black_box(&order).validate(Options::new(Charset::Cp932)).is_ok());
    let encoded_len = time_per_call(N, || black_box(&order).encoded_len(Options::new(Charset::Cp932)).ok());
    println!(
        "encode breakdown: validate {:.2} µs, encoded_len {:.2} µs (validate + count)",
        validate.as_secs_f64() * 1e6,
        encoded_len.as_secs_f64() * 1e6
    );
}

/// `EPSILON_BENCH_CALLS=<encode-ours|encode-naive|decode-ours|decode-naive>:<n>`: only call that function `n`
/// times and exit, for an instruction count that does not depend on machine load:
/// `valgrind --tool=callgrind target/release/deps/codec-* ` with n and with 0; the difference over n is per call.
fn calls_only(spec: &str) {
    let (which, n) = spec.split_once(':').unwrap_or((spec, "1000"));
    let n: u32 = n.parse().unwrap_or(1000);
    let order = order();
    let pairs = order_pairs();
    let body = getsales2_body();
    let mut buf = Vec::with_capacity(1024);
    for _ in 0..n {
        match which {
            "encode-ours" => drop(black_box(encode_ours(black_box(&order), &mut buf))),
            "encode-naive" => drop(black_box(encode_naive(black_box(&pairs)))),
            "decode-ours" => drop(black_box(decode_ours(black_box(&body)))),
            "decode-naive" => drop(black_box(decode_naive(black_box(&body)))),
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
    bench_encode(&mut c);
    bench_decode(&mut c);
    c.final_summary();
    print_ratios();
}
