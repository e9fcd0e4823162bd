//! `epsilon check`: the diagnosis of each way the connection check ends, against a canned gateway on 127.0.0.1
//! (and a port nobody listens on).

use std::io::{Read, Write};
use std::net::TcpListener;

use super::epsilon;

/// A server on 127.0.0.1 that answers every request with `status` and `body`; returns its base URL.
fn canned(status: u16, content_type: &'static str, body: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/cgi-bin/order/", listener.local_addr().unwrap());
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

/// A server on 127.0.0.1 that answers every connection at once with a plain HTTP 400, before reading anything (a
/// TLS client gets bytes that are no TLS record); returns `host:port`.
fn plain_http() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    address
}

/// A base URL on a port nobody listens on (bound, then released).
fn refused() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/cgi-bin/order/", listener.local_addr().unwrap());
    drop(listener);
    base
}

const XML: &str = "text/xml; charset=CP932";
const REDIRECT: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result result=\"1\" />\r\n  <result redirect=\"https%3A%2F%2Fbeta.epsilon.jp%2Fcgi-bin%2Forder%2Fcard3.cgi%3Ftrans_code%3D123456\" />\r\n</Epsilon_result>\r\n";
const E908: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"908\" />\r\n    <result err_detail=\"%82%B1%82%CCCGI%82%F0%8E%C0%8Ds%82%B7%82%E9%8C%A0%8C%C0%82%AA%82%A0%82%E8%82%DC%82%B9%82%F1\" />\r\n  </Epsilon_result>\r\n";
const E907: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result result=\"0\" />\r\n  <result err_code=\"907\" />\r\n</Epsilon_result>\r\n";
const E607: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result result=\"9\" />\r\n  <result err_code=\"607\" />\r\n</Epsilon_result>\r\n";
const E604: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result result=\"0\" />\r\n  <result err_code=\"604\" />\r\n</Epsilon_result>\r\n";
const APACHE_500: &[u8] = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head></html>\n";

#[test]
fn check_diagnoses_each_ending() {
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<String>, i32, &[&str])> = vec![
        ("connected", vec!["--base-url".into(), canned(200, XML, REDIRECT)], 0,
            &["connected: http://127.0.0.1:", " answered in ", " ms"]),
        ("908: register the outgoing IP or a host name, not a URL", vec!["--base-url".into(), canned(200, XML, E908)], 1,
            &["error 908", "このCGIを実行する権限がありません", "オーダー情報発信元ホスト", "逆引き可能なホスト名", "URLではありません",
              "reverse-resolvable host name, not as a URL"]),
        ("907: the contract is not usable", vec!["--base-url".into(), canned(200, XML, E907)], 1,
            &["error 907", "正式契約", "formal contract"]),
        ("607: the contract code", vec!["--base-url".into(), canned(200, XML, E607)], 1,
            &["error 607", "契約コード", "contract code is malformed or unknown"]),
        ("another code: its text and the table's remediation", vec!["--base-url".into(), canned(200, XML, E604)], 1,
            &["error 604", "既にイプシロン決済システム側で受け取られた注文番号", "Fix: Epsilon has already received"]),
        ("the apache 500 page", vec!["--base-url".into(), canned(500, "text/html; charset=iso-8859-1", APACHE_500)], 1,
            &["http status: ", "HTTP 500", "500 Internal Server Error"]),
        ("a 200 html page", vec!["--base-url".into(), canned(200, "text/html", APACHE_500)], 1,
            &["http status: an html page"]),
        ("https to a plain http server: tls", vec!["--base-url".into(), format!("https://{}/cgi-bin/order/", plain_http())], 1,
            &["tls: the TLS handshake with 127.0.0.1 failed"]),
        ("connection refused", vec!["--base-url".into(), refused()], 1,
            &["connection: cannot connect to 127.0.0.1"]),
        ("dns", vec!["--base-url".into(), "http://no-such-host.invalid/cgi-bin/order/".into()], 1,
            &["dns: cannot resolve no-such-host.invalid"]),
    ];
    for (what, args, code, needles) in cases {
        let mut full: Vec<String> =
            vec!["check".into(), "--contract".into(), "12345678".into(), "--timeout".into(), "10".into()];
        full.extend(args);
        let output = epsilon(&full, b"");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(code), "{what}: {stdout}{}", String::from_utf8_lossy(&output.stderr));
        for needle in needles {
            assert!(stdout.contains(needle), "{what}: {needle:?} missing from\n{stdout}");
        }
    }
}

#[test]
fn check_usage_errors_exit_2() {
    #[rustfmt::skip]
    let cases: &[(&str, &[&str])] = &[
        ("no contract", &["check"]),
        ("env and base url", &["check", "--contract", "12345678", "--env", "test", "--base-url", "http://127.0.0.1:1/"]),
        ("an unknown env", &["check", "--contract", "12345678", "--env", "staging"]),
        ("a base url without scheme", &["check", "--contract", "12345678", "--base-url", "127.0.0.1:8383/cgi-bin/order/"]),
        ("timeout 0", &["check", "--contract", "12345678", "--timeout", "0"]),
    ];
    for (what, args) in cases {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let output = epsilon(&args, b"");
        assert_eq!(output.status.code(), Some(2), "{what}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stdout.is_empty(), "{what}");
    }
}

#[test]
fn a_malformed_contract_code_is_not_sent() {
    let base = refused(); // nothing listens: the check must stop before connecting
    let output = epsilon(&["check".into(), "--contract".into(), "1234".into(), "--base-url".into(), base], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("not sent: the request is invalid: contract_code"), "{stdout}");
    assert!(stdout.contains("contract code is malformed or unknown"), "{stdout}");
}

/// A sandbox on an ephemeral port, with the runtime that serves it (kept alive while the check runs).
type Sandbox = (tokio::runtime::Runtime, epsilon_sandbox::Running);

/// Starts a sandbox configured by `configure`.
fn sandbox(configure: impl FnOnce(&mut epsilon_sandbox::Config)) -> Sandbox {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut config = epsilon_sandbox::Config::default();
    configure(&mut config);
    let running =
        runtime.block_on(epsilon_sandbox::start(config, "127.0.0.1:0".parse().unwrap())).expect("sandbox starts");
    (runtime, running)
}

#[test]
fn check_diagnoses_the_sandbox() {
    #[rustfmt::skip]
    let cases: Vec<(&str, &str, Sandbox, i32, &[&str])> = vec![
        ("connected", "12345678", sandbox(|_| {}), 0, &["connected: http://127.0.0.1:", " ms"]),
        ("908: the caller is not an allowed host", "12345678",
            sandbox(|c| c.allow_hosts = vec!["10.0.0.1".parse().unwrap()]), 1,
            &["error 908", "このCGIを実行する権限がありません", "逆引き可能なホスト名", "not as a URL"]),
        ("907: an inactive contract", "87654321",
            sandbox(|c| c.inactive_contracts = vec!["87654321".into()]), 1,
            &["error 907", "正式契約"]),
        ("907: an unknown contract", "11112222", sandbox(|_| {}), 1, &["error 907"]),
    ];
    for (what, contract, (runtime, running), code, needles) in cases {
        let base = running.cgi_base();
        let args: Vec<String> =
            ["check", "--contract", contract, "--base-url", &base].iter().map(|a| a.to_string()).collect();
        let output = epsilon(&args, b"");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(code), "{what}: {stdout}{}", String::from_utf8_lossy(&output.stderr));
        for needle in needles {
            assert!(stdout.contains(needle), "{what}: {needle:?} missing from\n{stdout}");
        }
        runtime.block_on(running.shutdown());
    }
}
