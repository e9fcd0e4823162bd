//! Linear time of whole commands on Kuroneko's inputs: the instructions `kuroneko ARGS` executes on a 10× input are
//! at most [`count::BOUND`] times those on the 1× input (quadratic work would be about 100×), counted by valgrind's
//! callgrind (`japay_test_support::count`), never timed.

use std::path::Path;
use std::process::Output;

use japay_test_support::count;

/// One measured command: its arguments, the input of `n` items, the exit status, a check of the output.
struct Linear {
    name: &'static str,
    args: &'static [&'static str],
    n: usize,
    input: fn(usize) -> String,
    code: i32,
    check: fn(&Output, usize) -> Result<(), String>,
}

/// An E04 answer with `n` `resultData` rows.
fn rows(n: usize) -> String {
    let rows: String = (0..n)
        .map(|i| format!("<resultData><orderNo>K{i:06}</orderNo><settleDate/><statusInfo>4</statusInfo></resultData>"))
        .collect();
    format!("<return><returnCode>0</returnCode><errorCode/><resultCount>{n}</resultCount>{rows}</return>")
}

/// An answer with `n` distinct element names in `<return>` and `n` distinct group names.
fn distinct_names(n: usize) -> String {
    let values: String = (0..n).map(|i| format!("<name{i:06}>v</name{i:06}>")).collect();
    let groups: String = (0..n).map(|i| format!("<group{i:06}><a>1</a></group{i:06}>")).collect();
    format!("<return><returnCode>0</returnCode>{values}{groups}</return>")
}

/// A settlement notification with `n` unknown parameters.
fn notification_unknown_names(n: usize) -> String {
    let extra: String = (0..n).map(|i| format!("&extra{i:06}=v")).collect();
    format!(
        "trader_code=888888888&order_no=ORDER-1&settle_price=1500&settle_date=20260401120000&settle_result=1\
         &settle_detail=2&settle_method=21{extra}"
    )
}

fn n_rows(out: &Output, n: usize) -> Result<(), String> {
    let text = String::from_utf8_lossy(&out.stdout);
    let found = text.matches("\"orderNo\":").count();
    if found == n { Ok(()) } else { Err(format!("expected {n} rows, found {found}")) }
}

fn n_names(out: &Output, n: usize) -> Result<(), String> {
    let text = String::from_utf8_lossy(&out.stdout);
    let (values, groups) = (text.matches("\"name").count(), text.matches("\"group").count());
    if values == n && groups == n {
        Ok(())
    } else {
        Err(format!("expected {n} and {n} names, found {values} and {groups}"))
    }
}

fn n_extras(out: &Output, n: usize) -> Result<(), String> {
    let found = String::from_utf8_lossy(&out.stdout).matches("\"extra").count();
    if found == n { Ok(()) } else { Err(format!("expected {n} unknown parameters, found {found}")) }
}

#[cfg_attr(japay_no_valgrind, ignore = "valgrind missing and CI unset: linearity is counted in instructions")]
#[test]
fn linear_time() {
    #[rustfmt::skip]
    let cases = [
        Linear { name: "decode, many rows", args: &["decode"], n: 200, input: rows, code: 0, check: n_rows },
        Linear { name: "answer, many rows", args: &["answer", "trade_info"], n: 200, input: rows, code: 0, check: n_rows },
        Linear { name: "decode, many distinct names", args: &["decode"], n: 200, input: distinct_names, code: 0, check: n_names },
        Linear { name: "notification, many unknown names", args: &["notification", "settlement"], n: 200,
            input: notification_unknown_names, code: 0, check: n_extras },
    ];
    let mut failures = Vec::new();
    for case in &cases {
        match measure(case) {
            Ok(verdict) => eprintln!("{}: {verdict}", case.name),
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One count of `case` at 1× and 10×, with the exit status and output of both checked.
fn measure(case: &Linear) -> Result<String, String> {
    let args: Vec<String> = case.args.iter().map(|s| (*s).to_owned()).collect();
    let program = Path::new(env!("CARGO_BIN_EXE_kuroneko"));
    let mut counts = [0; 2];
    let mut bytes = [0; 2];
    for (i, n) in [case.n, 10 * case.n].into_iter().enumerate() {
        let input = (case.input)(n);
        let (instructions, out) = count::command(program, &args, input.as_bytes());
        if out.status.code() != Some(case.code) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(format!("{n} items: exit status {:?}, expected {}: {stderr}", out.status.code(), case.code));
        }
        (case.check)(&out, n).map_err(|e| format!("{n} items: {e}"))?;
        counts[i] = instructions;
        bytes[i] = input.len();
    }
    count::Counts { small: counts[0], large: counts[1] }.check(bytes)
}
