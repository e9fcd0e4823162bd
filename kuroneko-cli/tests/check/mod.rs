//! `kuroneko check`: the diagnosis of each way the connection check ends, against sandboxes in each setup state of
//! the merchant's setup guide (Z012000007/8/9), a canned gateway on 127.0.0.1, and a port nobody listens on.

use std::io::{Read, Write};
use std::net::TcpListener;

use super::kuroneko;

/// A sandbox on an ephemeral port, with the runtime that serves it (kept alive while the check runs).
type Sandbox = (tokio::runtime::Runtime, kuroneko_sandbox::Running);

/// Starts a sandbox configured by `configure`.
fn sandbox(configure: impl FnOnce(&mut kuroneko_sandbox::Config)) -> Sandbox {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut config = kuroneko_sandbox::Config::default();
    configure(&mut config);
    let running =
        runtime.block_on(kuroneko_sandbox::start(config, "127.0.0.1:0".parse().unwrap())).expect("sandbox starts");
    (runtime, running)
}

#[test]
fn check_diagnoses_the_sandbox() {
    #[rustfmt::skip]
    let cases: Vec<(&str, &str, Sandbox, i32, &[&str])> = vec![
        ("connected", "888888888", sandbox(|_| {}), 0,
            &["connected: http://127.0.0.1:", " ms (", "Yamato sees this server as 127.0.0.1"]),
        ("Z012000007: an unknown trader code", "999999999", sandbox(|_| {}), 1,
            &["error Z012000007", "加盟店コード", "ご利用開始日", "Fix: "]),
        ("Z012000007: the start date not reached", "888888888",
            sandbox(|c| c.start_date = Some("20991231".parse().unwrap())), 1,
            &["error Z012000007", "動作環境設定", "Fix: "]),
        ("Z012000008: no API contract", "888888888", sandbox(|c| c.no_api_contract = true), 1,
            &["error Z012000008", "API方式情報", "Fix: "]),
        ("Z012000009: this host is not registered", "888888888",
            sandbox(|c| c.allow_hosts = vec!["192.0.2.1".parse().unwrap()]), 1,
            &["error Z012000009", "register this server's ip 127.0.0.1 under 加盟店情報設定 → API方式情報",
              "グローバルIPアドレス"]),
    ];
    for (what, trader, (runtime, running), code, needles) in cases {
        // the listen URL as `kuroneko sandbox` prints it, as the issue asks
        let base = running.url();
        let output = kuroneko(&["check", "--trader-code", trader, "--timeout", "10", "--base-url", &base], b"");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(code), "{what}: {stdout}{}", String::from_utf8_lossy(&output.stderr));
        for needle in needles {
            assert!(stdout.contains(needle), "{what}: {needle:?} missing from\n{stdout}");
        }
        runtime.block_on(running.shutdown());
    }
}

/// A server on 127.0.0.1 that answers every request with `status` and `body`; returns its base URL.
fn canned(status: u16, content_type: &'static str, body: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/test_gateway/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // read the head and the body (Content-Length), then answer
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
                let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if data.len() >= end + 4 + length {
                    break;
                }
            }
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
        }
    });
    base
}

/// A base URL on a port nobody listens on (bound, then released).
fn refused() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/test_gateway/", listener.local_addr().unwrap());
    drop(listener);
    base
}

const XML: &str = "text/xml; charset=UTF-8";
const APACHE_500: &[u8] = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head></html>\n";

#[test]
fn check_names_the_layer_that_failed() {
    #[rustfmt::skip]
    let cases: Vec<(&str, String, &[&str])> = vec![
        ("the apache 500 page", canned(500, "text/html; charset=iso-8859-1", APACHE_500),
            &["http status: 127.0.0.1 answered HTTP 500 instead of 200; body starts \"<!DOCTYPE HTML"]),
        ("not an answer", canned(200, XML, b"<html>maintenance</html>"), &[": "]),
        ("connection refused", refused(), &["connection: cannot connect to 127.0.0.1"]),
        ("dns", "http://no-such-host.invalid/test_gateway/".to_owned(), &["dns: cannot resolve no-such-host.invalid"]),
    ];
    for (what, base, needles) in cases {
        let output = kuroneko(&["check", "--trader-code", "888888888", "--timeout", "10", "--base-url", &base], b"");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{what}: {stdout}{}", String::from_utf8_lossy(&output.stderr));
        for needle in needles {
            assert!(stdout.contains(needle), "{what}: {needle:?} missing from\n{stdout}");
        }
        assert!(stdout.matches("body starts").count() <= 1, "{what}: the body is told once\n{stdout}");
    }
}

#[test]
fn check_usage_errors_exit_2() {
    #[rustfmt::skip]
    let cases: &[(&str, &[&str])] = &[
        ("no trader code", &["check"]),
        ("env and base url", &["check", "--trader-code", "888888888", "--env", "test", "--base-url", "http://127.0.0.1:1/"]),
        ("an unknown env", &["check", "--trader-code", "888888888", "--env", "staging"]),
        ("a base url without scheme", &["check", "--trader-code", "888888888", "--base-url", "127.0.0.1:8484"]),
        ("timeout 0", &["check", "--trader-code", "888888888", "--timeout", "0"]),
    ];
    for (what, args) in cases {
        let output = kuroneko(args, b"");
        assert_eq!(output.status.code(), Some(2), "{what}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stdout.is_empty(), "{what}");
    }
}

#[test]
fn a_malformed_trader_code_is_not_sent() {
    let base = refused(); // nothing listens: the check must stop before connecting
    let output = kuroneko(&["check", "--trader-code", "88888888888888888888888", "--base-url", &base], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("not sent: the request is invalid: trader_code"), "{stdout}");
}
