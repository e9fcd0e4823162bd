//! `kuroneko sandbox` as a process (its first line is the listen URL, which `kuroneko check` takes as printed) and
//! `kuroneko demo`, the end-to-end walk of every flow.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use super::kuroneko;

/// `kuroneko demo` walks the seven steps of the issue against an in-process sandbox: each step's key line, in order.
#[test]
fn demo_walks_every_flow_against_the_sandbox() {
    let output = Command::new(env!("CARGO_BIN_EXE_kuroneko")).arg("demo").output().expect("run demo");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 demo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "demo failed: {stderr}\n{stdout}");
    let steps = [
        "kuroneko demo: the main flows against a local sandbox at http://127.0.0.1:",
        "1. Card payment K0001 with 3-D Secure",
        "   A08: 3-D Secure: threeDAuthHtml written to the browser",
        "   A09 creditToken3D: authorised",
        "2. Shipment registration E01",
        "   E04 tradeInfo: statusInfo 30",
        "3. Card payment K0002",
        "   A07 creditChangePrice: 1800 yen",
        "   E04 tradeInfo: statusInfo 40",
        "4. A card stored for member M0001",
        "   A03 creditInfoGet: 1 card(s)",
        "   A05 creditInfoDelete: deleted; 0 card(s) left",
        "5. Seven-Eleven slip K0005",
        "   merchant: 決済結果通知 (settle_detail 2) checked and answered 0",
        "   E04 tradeInfo confirms it: K0005 1500 yen, statusInfo 2",
        "   sandbox clock: one day later",
        "   merchant: 決済結果通知 (settle_detail 3) checked and answered 0",
        "   E04 tradeInfo confirms it: K0005 1500 yen, statusInfo 3",
        "6. The order number K0002 again",
        "A082000003",
        "7. kuroneko check",
        "error Z012000009",
        "register this server's ip 127.0.0.1",
        "done: every step answered as the sandbox models the gateway (facts reconstructed from public clients; confirm on Yamato's test gateway).",
    ];
    let mut from = 0;
    for step in steps {
        let Some(at) = stdout[from..].find(step) else {
            panic!("{step:?} missing (or out of order) after byte {from} of\n{stdout}");
        };
        from += at + step.len();
    }
    for secret in ["4000000000003220", "4111111111111111"] {
        assert!(!stdout.contains(secret), "the demo prints no card number: {secret}");
    }
}

/// `kuroneko sandbox --listen 127.0.0.1:0` prints its URL first; `kuroneko check --base-url URL` is connected.
#[test]
fn the_sandbox_listen_url_is_what_check_takes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kuroneko"))
        .args(["sandbox", "--listen", "127.0.0.1:0", "--trader-code", "123456789"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kuroneko sandbox");
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut url).expect("the listen url");
    let url = url.trim_end().to_owned();
    let connected = kuroneko(&["check", "--trader-code", "123456789", "--base-url", &url], b"");
    let refused = kuroneko(&["check", "--trader-code", "888888888", "--base-url", &url], b"");
    child.kill().expect("stop the sandbox");
    let _ = child.wait();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let stdout = String::from_utf8_lossy(&connected.stdout);
    assert_eq!(connected.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with(&format!("connected: {url}")), "{stdout}");
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(1), "--trader-code reaches the sandbox: {stdout}");
    assert!(stdout.contains("error Z012000007"), "{stdout}");
}

/// Runs `kuroneko sandbox ARGS --listen 127.0.0.1:0`, then `kuroneko check --trader-code TRADER --base-url URL`
/// against the URL it printed first; the check's exit status and stdout.
fn check_against(sandbox_args: &[&str], trader: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kuroneko"))
        .arg("sandbox")
        .args(sandbox_args)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kuroneko sandbox");
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut url).expect("the listen url");
    let checked = kuroneko(&["check", "--trader-code", trader, "--base-url", url.trim_end()], b"");
    child.kill().expect("stop the sandbox");
    let _ = child.wait();
    (checked.status.code(), String::from_utf8_lossy(&checked.stdout).into_owned())
}

/// Each setup option of `kuroneko sandbox` reaches the gateway's rules, as `kuroneko check` sees them.
#[test]
fn sandbox_options_reach_the_setup_states() {
    #[rustfmt::skip]
    let cases: &[(&[&str], &str, i32, &str)] = &[
        (&[], "888888888", 0, "connected: http://127.0.0.1:"),
        (&["--trader-code", "123456789", "--trader-code", "223456789"], "223456789", 0, "connected: "),
        (&["--start-date", "20991231"], "888888888", 1, "error Z012000007"),
        (&["--no-api-contract"], "888888888", 1, "error Z012000008"),
        (&["--allow-host", "192.0.2.1"], "888888888", 1, "register this server's ip 127.0.0.1"),
        (&["--allow-host", "127.0.0.1"], "888888888", 0, "Yamato sees this server as 127.0.0.1"),
    ];
    for (args, trader, code, needle) in cases {
        let (status, stdout) = check_against(args, trader);
        assert_eq!(status, Some(*code), "{args:?}: {stdout}");
        assert!(stdout.contains(needle), "{args:?}: {needle:?} missing from\n{stdout}");
    }
}

#[test]
fn sandbox_usage_errors_exit_2() {
    for args in [
        &["sandbox", "--start-date", "2026"][..],
        &["sandbox", "--allow-host", "localhost"],
        &["sandbox", "--listen", "x"],
        // an address this machine does not have: were the option accepted, the sandbox would stop at once (exit 1)
        &["sandbox", "--listen", "192.0.2.1:1", "--trader-code", ""],
        &["sandbox", "--listen", "192.0.2.1:1", "--trader-code", "8888 8888"],
        &["sandbox", "--listen", "192.0.2.1:1", "--trader-code", "123456789012345678901"],
        &["sandbox", "--listen", "192.0.2.1:1", "--access-key", ""],
        &["sandbox", "--listen", "192.0.2.1:1", "--notify-url", "javascript:alert(1)"],
        &["sandbox", "--listen", "192.0.2.1:1", "--notify-url", "http://"],
    ] {
        let output = kuroneko(args, b"");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
