//! A canned HTTP/1.1 server on 127.0.0.1 standing in for Yamato's gateway: `route(endpoint, n)` gives the reply to
//! the `n`th (0-based) request to an endpoint (`creditToken`, `tradeInfo`, …).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kuroneko_client::Client;

/// What the fake gateway does with a request.
#[derive(Clone)]
pub enum Reply {
    /// Answers HTTP 200 with this `<return>` body.
    Xml(String),
    /// Answers this status and an HTML body.
    Status(u16),
    /// Holds the connection open without answering (the client times out).
    Hang,
    /// Forwards the request to a real server (the sandbox) at this address; relays its answer when `relay`, else
    /// holds the connection without answering: the request took effect, its answer is lost.
    Forward { to: String, relay: bool },
}

/// A request the fake gateway received: the endpoint and the body.
type Seen = (String, Vec<u8>);

pub struct Fake {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    pub fn start(route: impl Fn(&str, usize) -> Reply + Send + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/test_gateway/", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some((endpoint, body, raw)) = read_request(&mut stream) else { continue };
                let n = {
                    let mut log = log.lock().unwrap();
                    let n = log.iter().filter(|(seen, _)| *seen == endpoint).count();
                    log.push((endpoint.clone(), body));
                    n
                };
                let (status, content_type, body) = match route(&endpoint, n) {
                    Reply::Xml(body) => (200, "text/xml; charset=UTF-8", body),
                    Reply::Status(status) => (status, "text/html", "<html><body>busy</body></html>".to_owned()),
                    Reply::Hang => {
                        hang(stream);
                        continue;
                    }
                    Reply::Forward { to, relay } => {
                        match forward(&to, &raw) {
                            Some(answer) if relay => {
                                let _ = stream.write_all(&answer);
                            }
                            _ => hang(stream),
                        }
                        continue;
                    }
                };
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes()));
            }
        });
        Fake { base, seen }
    }

    /// A client of the fake: merchant code 888888888, an access key, a short backoff.
    pub fn client(&self, timeout: Duration) -> Client {
        Client::builder()
            .base_url(self.base.clone())
            .trader_code("888888888")
            .access_key(ACCESS_KEY)
            .timeout(timeout)
            .backoff(Duration::from_millis(10))
            .build()
            .unwrap()
    }

    /// The endpoints requested, in order.
    pub fn endpoints(&self) -> Vec<String> {
        self.seen.lock().unwrap().iter().map(|(endpoint, _)| endpoint.clone()).collect()
    }

    /// The body of the `i`th request, as text.
    pub fn body(&self, i: usize) -> String {
        String::from_utf8(self.seen.lock().unwrap()[i].1.clone()).unwrap()
    }
}

/// The access key the fake's clients are built with.
pub const ACCESS_KEY: &str = "7654321";

/// Holds `stream` open for a while without answering, then drops it.
fn hang(stream: TcpStream) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(5));
        drop(stream);
    });
}

/// Sends `raw` to `to` and returns its answer with `Connection: close` added.
fn forward(to: &str, raw: &[u8]) -> Option<Vec<u8>> {
    let mut upstream = TcpStream::connect(to).ok()?;
    upstream.write_all(raw).ok()?;
    let (head, body) = read_message(&mut upstream)?;
    let (status_line, headers) = head.split_once("\r\n")?;
    let mut answer = format!("{status_line}\r\nConnection: close\r\n{headers}").into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

/// Reads one request: the last path segment of its target, its body and the raw request.
fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>, Vec<u8>)> {
    let (head, body) = read_message(stream)?;
    let target = head.split_whitespace().nth(1)?.to_owned();
    let endpoint = target.rsplit('/').next()?.to_owned();
    let mut raw = head.into_bytes();
    raw.extend_from_slice(&body);
    Some((endpoint, body, raw))
}

/// Reads one HTTP/1.1 message: its head and its body (Content-Length).
fn read_message(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some((head, data[head_end..head_end + length].to_vec()))
}

/// A `<return>` answer with these value elements.
pub fn answer(elements: &[(&str, &str)]) -> String {
    answer_with_rows(elements, &[])
}

/// A `<return>` answer with these value elements and `resultData` rows.
pub fn answer_with_rows(elements: &[(&str, &str)], rows: &[&[(&str, &str)]]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<return>");
    for (name, value) in elements {
        xml.push_str(&format!("<{name}>{value}</{name}>"));
    }
    for row in rows {
        xml.push_str("<resultData>");
        for (name, value) in *row {
            xml.push_str(&format!("<{name}>{value}</{name}>"));
        }
        xml.push_str("</resultData>");
    }
    xml.push_str("</return>\n");
    xml
}

/// An error answer (`returnCode` 1) with `code`.
pub fn error(code: &str) -> Reply {
    Reply::Xml(answer(&[("returnCode", "1"), ("errorCode", code), ("returnDate", "20260401120000")]))
}
