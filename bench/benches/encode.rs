//! Validate + encode of a request against a strong hand-rolled baseline, in CP932 and in EUC-JP, in one run.
//!
//! * The request: an 18-parameter `LinkOrder` (direct convenience-store order, Japanese `user_name`,
//!   `item_name`, `memo1`, `user_name_kana`; 16 caller fields plus the fixed `process_code` and `xml`). EUC-JP has no
//!   ① (NEC row 13), so ours rightly refuses `item_name` there; the EUC-JP run uses the same values with ① replaced
//!   by ○ (U+25CB, JIS X 0208), so that both sides write a body and the bodies can be compared.
//! * Ours: `LinkOrder::encode` (every rule checked, then the form body) into one reused, pre-sized `Vec<u8>`.
//! * The baseline, what a careful engineer writes without checking anything: per value encoding_rs's
//!   `Encoding::encode` (which would write `&#NNNN;` for an unmappable character, and returns the value itself when it
//!   is ASCII), then the `percent-encoding` crate with the form set (`NON_ALPHANUMERIC` minus `-` `_` `.` `*`), a space
//!   written as `+`, appended into one reused `String` cleared per call. It allocates only for non-ASCII values.
//!
//! After criterion's groups, `main` times the four functions itself (median of rounds) and prints the medians and the
//! ratio ours/baseline per charset (criterion does not expose its estimates programmatically).
//!
//! `EPSILON_BENCH_CALLS=<ours|naive>-<cp932|euc-jp>:<n>` only calls that function `n` times and exits, for an
//! instruction count that does not depend on machine load: run it under `valgrind --tool=callgrind` with n = 1000 and
//! with n = 0; the difference over 1000 is the count per call.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS};
use epsilon_proto::{Charset, LinkOrder, Options};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};

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

/// The same request for EUC-JP: ① is not EUC-JP, ○ is.
fn order_euc_jp() -> LinkOrder<'static> {
    LinkOrder { item_name: "テスト商品（限定版）○", ..order() }
}

/// The request as (name, value) pairs in wire order, fixed parameters included, for the baseline.
fn pairs(o: &LinkOrder<'static>) -> Vec<(&'static str, &'static str)> {
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
        ("memo1", o.memo1.unwrap_or_default()),
        ("memo2", o.memo2.unwrap_or_default()),
        ("xml", "1"),
        ("conveni_code", o.conveni_code.unwrap_or_default()),
        ("user_tel", o.user_tel.unwrap_or_default()),
        ("user_name_kana", o.user_name_kana.unwrap_or_default()),
        ("haraikomi_mail", o.haraikomi_mail.unwrap_or_default()),
    ]
}

/// `application/x-www-form-urlencoded`: everything but `A-Za-z0-9*-._` escaped (the space is then written as `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'*');

fn encode_ours(order: &LinkOrder<'_>, options: Options, buf: &mut Vec<u8>) -> usize {
    buf.clear();
    match order.encode(options, buf) {
        Ok(n) => n,
        Err(report) => panic!("the bench request is invalid: {report}"),
    }
}

/// The strong baseline: no checks, one encoding_rs call and one percent-encoding pass per value, one reused `String`.
fn encode_naive(pairs: &[(&str, &str)], encoding: &'static Encoding, out: &mut String) -> usize {
    out.clear();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        let (bytes, _, _) = encoding.encode(value);
        for chunk in percent_encode(&bytes, FORM) {
            if chunk == "%20" {
                out.push('+');
            } else {
                out.push_str(chunk);
            }
        }
    }
    out.len()
}

/// One benchmarked case: a charset, its request and the baseline's encoding.
struct Case {
    label: &'static str,
    options: Options<'static>,
    order: LinkOrder<'static>,
    pairs: Vec<(&'static str, &'static str)>,
    encoding: &'static Encoding,
}

fn cases() -> [Case; 2] {
    let cp932 = order();
    let euc = order_euc_jp();
    [
        Case {
            label: "cp932",
            options: Options::new(Charset::Cp932),
            pairs: pairs(&cp932),
            order: cp932,
            encoding: SHIFT_JIS,
        },
        Case {
            label: "euc-jp",
            options: Options::new(Charset::EucJp),
            pairs: pairs(&euc),
            order: euc,
            encoding: EUC_JP,
        },
    ]
}

fn bench(c: &mut Criterion) {
    for case in cases() {
        let mut buf = Vec::with_capacity(1024);
        let mut out = String::with_capacity(1024);
        let mut group = c.benchmark_group(format!("validate+encode/{}", case.label));
        group.bench_function("ours", |b| b.iter(|| encode_ours(black_box(&case.order), case.options, &mut buf)));
        group.bench_function("naive", |b| b.iter(|| encode_naive(black_box(&case.pairs), case.encoding, &mut out)));
        group.finish();
    }
}

/// The median over `rounds` rounds of the mean time per call of `f` in a round of `calls` calls, after a warm-up round.
fn median_per_call<T>(rounds: usize, calls: u32, mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..calls {
        black_box(f());
    }
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                black_box(f());
            }
            start.elapsed() / calls
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

fn print_medians() {
    const ROUNDS: usize = 51;
    const CALLS: u32 = 2_000;
    println!();
    println!("median of {ROUNDS} rounds of {CALLS} calls each (after a warm-up round):");
    for case in cases() {
        let mut buf = Vec::with_capacity(1024);
        let mut out = String::with_capacity(1024);
        // both sides must write the same body, or the comparison means nothing
        encode_ours(&case.order, case.options, &mut buf);
        encode_naive(&case.pairs, case.encoding, &mut out);
        assert_eq!(std::str::from_utf8(&buf).ok(), Some(out.as_str()), "{}: the encoders disagree", case.label);

        let ours = median_per_call(ROUNDS, CALLS, || encode_ours(black_box(&case.order), case.options, &mut buf));
        let naive = median_per_call(ROUNDS, CALLS, || encode_naive(black_box(&case.pairs), case.encoding, &mut out));
        let normalized = case.options.normalize(true);
        let ours_nfc = median_per_call(ROUNDS, CALLS, || encode_ours(black_box(&case.order), normalized, &mut buf));
        let ns = |d: Duration| d.as_secs_f64() * 1e9;
        println!(
            "{:>6}: ours {:7.1} ns, naive {:7.1} ns, ratio ours/naive {:.2} (ours with normalize: {:7.1} ns, {:.2})",
            case.label,
            ns(ours),
            ns(naive),
            ns(ours) / ns(naive),
            ns(ours_nfc),
            ns(ours_nfc) / ns(naive),
        );
    }
}

/// `EPSILON_BENCH_CALLS=<ours|naive>-<cp932|euc-jp>:<n>`: call only that function `n` times.
fn calls_only(spec: &str) {
    let (which, n) = spec.split_once(':').unwrap_or((spec, "1000"));
    let n: u32 = n.parse().unwrap_or(1000);
    let (side, label) = which.split_once('-').unwrap_or((which, "cp932"));
    let Some(case) = cases().into_iter().find(|c| c.label == label) else { panic!("unknown charset {label}") };
    let mut buf = Vec::with_capacity(1024);
    let mut out = String::with_capacity(1024);
    for _ in 0..n {
        match side {
            "ours" => drop(black_box(encode_ours(black_box(&case.order), case.options, &mut buf))),
            "naive" => drop(black_box(encode_naive(black_box(&case.pairs), case.encoding, &mut out))),
            other => panic!("unknown side {other}"),
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("EPSILON_BENCH_CALLS") {
        calls_only(&spec);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    print_medians();
}
