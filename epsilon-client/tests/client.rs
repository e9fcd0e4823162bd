//! The client against canned HTTP servers (no retry of order-creating calls, reconciliation, read retries, refused
//! HTML answers, a proxy, tracing output free of card data) and, end to end, against the sandbox (module `e2e`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use epsilon_client::{Client, ClientError, Environment, Exchange, Reconciled, SendErrorKind};
use epsilon_proto::transport::TransportError;
use epsilon_proto::{
    Capture, CardPayment, CardPaymentOutcome, ChangeAmount, LinkOrder, OrderInfo, OrderInfoOutcome, UserWithdraw,
};

/// What the fake gateway does with a request to a CGI.
#[derive(Clone)]
enum Reply {
    /// Answers this status, content type and body.
    Canned(u16, &'static str, &'static [u8]),
    /// Holds the connection open without answering (the client times out).
    Hang,
    /// Closes the connection without answering.
    Close,
    /// Forwards the request to a real server (the sandbox) at this address; relays its answer when `relay`,
    /// else holds the connection without answering: the request took effect, its answer is lost.
    Forward { to: String, relay: bool },
    /// Forwards the request to a real server at this address (it takes effect), then answers this canned reply
    /// instead of the server's answer.
    ForwardThen { to: String, reply: Box<Reply> },
}

/// A request the fake gateway received: the CGI file name and the body.
type Seen = (String, Vec<u8>);

/// A canned HTTP/1.1 server on 127.0.0.1: `route(cgi, n)` gives the reply to the `n`th (0-based) request to `cgi`.
struct Fake {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    fn start(route: impl Fn(&str, usize) -> Reply + Send + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/cgi-bin/order/", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some((cgi, body, raw)) = read_request(&mut stream) else { continue };
                let n = {
                    let mut log = log.lock().unwrap();
                    let n = log.iter().filter(|(seen, _)| *seen == cgi).count();
                    log.push((cgi.clone(), body));
                    n
                };
                let mut reply = route(&cgi, n);
                if let Reply::ForwardThen { to, reply: then } = reply {
                    let _ = forward(&to, &raw);
                    reply = *then;
                }
                match reply {
                    Reply::ForwardThen { .. } => drop(stream),
                    Reply::Canned(status, content_type, body) => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
                    }
                    Reply::Hang => {
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_secs(5));
                            drop(stream);
                        });
                    }
                    Reply::Close => drop(stream),
                    Reply::Forward { to, relay } => {
                        let answer = forward(&to, &raw);
                        match answer {
                            Some(answer) if relay => {
                                let _ = stream.write_all(&answer);
                            }
                            _ => {
                                std::thread::spawn(move || {
                                    std::thread::sleep(Duration::from_secs(5));
                                    drop(stream);
                                });
                            }
                        }
                    }
                }
            }
        });
        Fake { base, seen }
    }

    fn client(&self, timeout: Duration) -> Client {
        Client::builder()
            .environment(Environment::Custom(self.base.clone()))
            .timeout(timeout)
            .backoff(Duration::from_millis(10))
            .build()
            .unwrap()
    }

    /// The CGIs requested, in order.
    fn cgis(&self) -> Vec<String> {
        self.seen.lock().unwrap().iter().map(|(cgi, _)| cgi.clone()).collect()
    }

    /// The body of the `i`th request.
    fn body(&self, i: usize) -> Vec<u8> {
        self.seen.lock().unwrap()[i].1.clone()
    }
}

/// One HTTP/1.1 message read from `stream`: its head, its body (Content-Length) and the raw bytes.
fn read_message(stream: &mut TcpStream) -> Option<(String, Vec<u8>, Vec<u8>)> {
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
    let body = data[head_end..head_end + length].to_vec();
    Some((head, body, data))
}

/// Reads one request: the last path segment of the target, the body and the raw request.
fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>, Vec<u8>)> {
    let (head, body, raw) = read_message(stream)?;
    let target = head.split_whitespace().nth(1)?.to_owned();
    let cgi = target.rsplit('/').next()?.to_owned();
    Some((cgi, body, raw))
}

/// Sends `raw` to `to` and returns its answer with `Connection: close` added.
fn forward(to: &str, raw: &[u8]) -> Option<Vec<u8>> {
    let mut upstream = TcpStream::connect(to).ok()?;
    upstream.write_all(raw).ok()?;
    let (head, body, _) = read_message(&mut upstream)?;
    let (status_line, headers) = head.split_once("\r\n")?;
    let mut answer = format!("{status_line}\r\nConnection: close\r\n{headers}").into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

const XML: &str = "text/xml; charset=CP932";
const FOUND: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result trans_code=\"987654\" />\r\n  <result order_number=\"T0001\" />\r\n  <result state=\"1\" />\r\n</Epsilon_result>\r\n";
const NOT_FOUND: &[u8] =
    b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n</Epsilon_result>\r\n";
const AUTHORIZED: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result result=\"1\" />\r\n  <result trans_code=\"987654\" />\r\n  <result kari_flag=\"0\" />\r\n</Epsilon_result>\r\n";
const APACHE_500: &[u8] = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n</body></html>\n";

fn link_order() -> LinkOrder<'static> {
    LinkOrder {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        item_code: "ITEM001",
        item_name: "テスト商品",
        order_number: "T0001",
        st_code: "10000-0000-00000-00000-00000-00000-00000",
        mission_code: "1",
        item_price: "1980",
        ..Default::default()
    }
}

fn card_payment() -> CardPayment<'static> {
    CardPayment {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        item_code: "ITEM001",
        item_name: "商品",
        order_number: "O7777",
        mission_code: "1",
        item_price: "1000",
        process_code: "1",
        card_number: Some("4242424242424242"),
        expire_y: Some("2030"),
        expire_m: Some("12"),
        security_code: Some("987"),
        ..Default::default()
    }
}

/// What a reconciled failure looks like in a table row.
#[derive(Debug, PartialEq)]
enum Lookup {
    Found(String, Option<String>),
    NotFound,
    Unknown,
}

#[tokio::test]
async fn an_order_creating_call_is_never_retried_and_is_reconciled_by_getsales2() {
    #[rustfmt::skip]
    let cases: Vec<(&str, Reply, Reply, SendErrorKind, Lookup)> = vec![
        ("timeout, the order exists", Reply::Hang, Reply::Canned(200, XML, FOUND), SendErrorKind::Timeout, Lookup::Found("1".into(), Some("987654".into()))),
        ("timeout, no such order", Reply::Hang, Reply::Canned(200, XML, NOT_FOUND), SendErrorKind::Timeout, Lookup::NotFound),
        ("connection closed, the order exists", Reply::Close, Reply::Canned(200, XML, FOUND), SendErrorKind::Other, Lookup::Found("1".into(), Some("987654".into()))),
        ("timeout, the lookup answers html", Reply::Hang, Reply::Canned(200, "text/html", APACHE_500), SendErrorKind::Timeout, Lookup::Unknown),
    ];
    for (what, order, lookup, kind, expected) in cases {
        let fake = Fake::start(move |cgi, _| if cgi == "getsales2.cgi" { lookup.clone() } else { order.clone() });
        let client = fake.client(Duration::from_millis(300));
        let error = client.call(&link_order()).await.unwrap_err();
        let ClientError::Unconfirmed { operation, lookup, value, cause, reconciled } = &error else {
            panic!("{what}: {error}");
        };
        assert_eq!(
            (*operation, lookup.operation, lookup.key, value.as_str()),
            ("link_order", "order_info", "order_number", "T0001"),
            "{what}"
        );
        let ClientError::Send { error: send, attempts: 1, .. } = cause.as_ref() else { panic!("{what}: {cause}") };
        assert_eq!(send.kind(), kind, "{what}");
        let got = match reconciled {
            Reconciled::Found { state, transaction, .. } => {
                Lookup::Found(state.clone(), transaction.as_ref().map(|id| id.value.clone()))
            }
            Reconciled::NotFound => Lookup::NotFound,
            Reconciled::Unknown { .. } => Lookup::Unknown,
            other => panic!("{what}: {other}"),
        };
        assert_eq!(got, expected, "{what}");
        // exactly one POST of the order, then one lookup (an html answer is not retried either)
        let cgis = fake.cgis();
        assert_eq!(cgis.first().map(String::as_str), Some("receive_order3.cgi"), "{what}");
        assert_eq!(cgis.iter().filter(|c| *c == "receive_order3.cgi").count(), 1, "{what}: never retried");
        assert_eq!(cgis.iter().filter(|c| *c == "getsales2.cgi").count(), 1, "{what}");
        assert_eq!(fake.body(1), b"contract_code=12345678&order_number=T0001", "{what}");
        let text = error.to_string();
        match expected {
            Lookup::Found(..) => assert!(text.contains("found: state 1"), "{text}"),
            Lookup::NotFound => assert!(text.contains("unknown, not found"), "{text}"),
            Lookup::Unknown => assert!(text.contains("unknown, the lookup failed"), "{text}"),
        }
        assert!(text.contains("trans_code 987654") == matches!(expected, Lookup::Found(..)), "{text}");
    }
}

#[tokio::test]
async fn a_change_is_reconciled_too_and_a_call_without_lookup_or_key_fails_with_its_cause() {
    // capture (effect changes, reconciled by order_number): one POST, then getsales2
    let fake = Fake::start(|cgi, _| if cgi == "getsales2.cgi" { Reply::Canned(200, XML, FOUND) } else { Reply::Hang });
    let capture = Capture { contract_code: "12345678", order_number: "T0001" };
    let error = fake.client(Duration::from_millis(300)).call(&capture).await.unwrap_err();
    assert!(matches!(error, ClientError::Unconfirmed { reconciled: Reconciled::Found { .. }, .. }), "{error}");
    assert_eq!(fake.cgis(), ["sales_payment.cgi", "getsales2.cgi"]);

    // change_amount without order_number (its lookup has no key to go by) and user_withdraw (no lookup): the cause
    let change = ChangeAmount {
        contract_code: "12345678",
        mission_code: "2",
        user_id: "U0001",
        item_code: "PLANA1",
        new_item_price: "1500",
        order_number: None,
    };
    let fake = Fake::start(|_, _| Reply::Hang);
    let error = fake.client(Duration::from_millis(300)).call(&change).await.unwrap_err();
    assert!(matches!(error, ClientError::Send { operation: "change_amount", attempts: 1, .. }), "{error}");
    let withdraw = UserWithdraw { contract_code: "12345678", user_id: "U0001" };
    let error = fake.client(Duration::from_millis(300)).call(&withdraw).await.unwrap_err();
    assert!(matches!(error, ClientError::Send { operation: "user_withdraw", attempts: 1, .. }), "{error}");
    assert_eq!(fake.cgis(), ["change_amount_payment.cgi", "receive_order3.cgi"], "never sent twice, nothing looked up");
}

/// Looks an order up with a request that borrows a local `String`; the exchange outlives it.
async fn look_up(client: &Client, number: String) -> Exchange<OrderInfo<'static>> {
    let lookup = OrderInfo { contract_code: "12345678", order_number: Some(&number), trans_code: None };
    client.call(&lookup).await.unwrap()
}

#[tokio::test]
async fn an_exchange_outlives_its_request_and_shows_one_decoded_answer_three_ways() {
    let fake = Fake::start(|_, _| Reply::Canned(200, XML, FOUND));
    let exchange = look_up(&fake.client(Duration::from_secs(5)), "T0001".to_owned()).await;
    let view = exchange.view();
    assert_eq!(view.outcome().unwrap(), OrderInfoOutcome::Found);
    assert_eq!((view.state().unwrap().value(), view.trans_code()), ("1", Some("987654")));
    assert_eq!(exchange.answer().get("order_number"), Some("T0001"));
    let summary = exchange.summary().unwrap().unwrap();
    assert_eq!((summary.name, summary.kind), ("found", "ok"));
    assert_eq!((exchange.outcome_name(), exchange.attempts(), exchange.body()), ("found", 1, FOUND));
    assert_eq!(exchange.operation().name, "order_info");
}

/// The reply to the `n`th request.
type Route = fn(usize) -> Reply;

#[tokio::test]
async fn reads_are_retried_with_backoff() {
    #[rustfmt::skip]
    let cases: Vec<(&str, Route, usize, bool)> = vec![
        ("two 503s, then the answer", |n| if n < 2 { Reply::Canned(503, "text/html", b"<html>busy</html>") } else { Reply::Canned(200, XML, FOUND) }, 3, true),
        ("one timeout, then the answer", |n| if n < 1 { Reply::Hang } else { Reply::Canned(200, XML, FOUND) }, 2, true),
        ("always closed", |_| Reply::Close, 3, false),
        ("a 200 html page is not retried", |_| Reply::Canned(200, "text/html", APACHE_500), 1, false),
        ("a 404 is not retried", |_| Reply::Canned(404, "text/html", b"<html>no</html>"), 1, false),
    ];
    for (what, route, requests, ok) in cases {
        let fake = Fake::start(move |_, n| route(n));
        let client = fake.client(Duration::from_millis(300));
        let lookup = OrderInfo { contract_code: "12345678", order_number: Some("T0001"), trans_code: None };
        let result = client.call(&lookup).await;
        assert_eq!(fake.cgis().len(), requests, "{what}");
        assert_eq!(result.is_ok(), ok, "{what}: {result:?}");
        if let Ok(answer) = result {
            let view = answer.view();
            assert_eq!(view.outcome().unwrap(), OrderInfoOutcome::Found, "{what}");
            assert_eq!(view.state().unwrap().value(), "1", "{what}");
            assert_eq!(answer.outcome_name(), "found", "{what}");
        }
    }
}

#[tokio::test]
async fn the_apache_500_page_is_a_transport_error_not_xml() {
    let fake = Fake::start(|_, _| Reply::Canned(500, "text/html; charset=iso-8859-1", APACHE_500));
    let client = fake.client(Duration::from_secs(5));
    let withdraw = UserWithdraw { contract_code: "12345678", user_id: "NOBODY" };
    let error = client.call(&withdraw).await.unwrap_err();
    let ClientError::Transport {
        operation: "user_withdraw",
        attempts: 1,
        error: TransportError::Status { status, head },
    } = &error
    else {
        panic!("{error}");
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(head.bytes(), APACHE_500);
    assert!(error.to_string().contains("500 Internal Server Error"), "{error}");
    assert_eq!(fake.cgis(), ["receive_order3.cgi"], "a change without order_number: one request, no lookup");
}

#[tokio::test]
async fn a_proxy_carries_every_request() {
    let fake = Fake::start(|_, _| Reply::Canned(200, XML, FOUND));
    // the gateway's host does not resolve: only the proxy (the fake) can answer
    let client = Client::builder()
        .environment(Environment::Custom("http://gateway.invalid/cgi-bin/order/".into()))
        .proxy(fake.base.trim_end_matches("/cgi-bin/order/"))
        .build()
        .unwrap();
    let lookup = OrderInfo { contract_code: "12345678", order_number: Some("T0001"), trans_code: None };
    let answer = client.call(&lookup).await.unwrap();
    assert_eq!(answer.view().outcome().unwrap(), OrderInfoOutcome::Found);
    assert_eq!(fake.cgis(), ["getsales2.cgi"]);

    let bad = Client::builder().proxy("not a url").build();
    assert!(matches!(bad, Err(ClientError::Build(_))), "{bad:?}");
}

/// A `Write` into a shared buffer, for the tracing capture.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_shows_the_operation_and_order_number_never_card_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    // global, not `set_default`: a thread-local subscriber can miss callsites whose interest another test's thread
    // cached first; the other tests' lines land here too, and are checked for secrets as well
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let token = "5f1d0c9e8b7a6f5e4d3c2b1a0f9e8d7c5f1d0c9e8b7a6f5e4d3c2b1a0f9e8d7c";
    let fake = Fake::start(|cgi, _| match cgi {
        "direct_card_payment.cgi" => Reply::Canned(200, XML, AUTHORIZED),
        _ => Reply::Hang,
    });
    let client = fake.client(Duration::from_secs(5));
    let by_card = card_payment();
    let by_token = CardPayment {
        order_number: "O7778",
        card_number: None,
        expire_y: None,
        expire_m: None,
        token: Some(token),
        ..card_payment()
    };
    for request in [by_card, by_token] {
        let answer = client.call(&request).await.unwrap();
        assert_eq!(answer.view().outcome().unwrap(), CardPaymentOutcome::Authorized);
        // the request did carry the secrets (so the grep below can fail)
        let body = fake.body(fake.cgis().len() - 1);
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("4242424242424242") || body.contains(token), "{body}");
        assert!(format!("{answer:?}").contains("authorized"));
    }
    // and a reconciled failure logs too
    let fake_timeout = Fake::start(|cgi, _| match cgi {
        "getsales2.cgi" => Reply::Canned(200, XML, NOT_FOUND),
        _ => Reply::Hang,
    });
    let error = fake_timeout.client(Duration::from_millis(300)).call(&card_payment()).await.unwrap_err();
    assert!(matches!(error, ClientError::Unconfirmed { .. }), "{error}");

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    #[rustfmt::skip]
    let present = [
        "gateway=\"epsilon\" operation=\"card_payment\" effect=\"creates\"", "key=\"O7777\"", "key=\"O7778\"",
        "outcome=\"authorized\"", "unconfirmed:not found", "operation=\"order_info\" effect=\"reads\" key=\"O7777\"",
    ];
    for needle in present {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    for secret in ["4242424242424242", "42424242", token, &token[..16], "security_code", "card_number", "expire"] {
        assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
    }
}

#[path = "client/trust.rs"]
mod trust;

// ---------------------------------------------------------------------------------------------------------------
// End to end: the client against the sandbox (ephemeral port, in-memory database).

mod e2e {
    use epsilon_client::{Client, ClientError, Environment, Reconciled};
    use epsilon_proto::transport::TransportError;
    use epsilon_proto::{
        Card3dsResult, Card3dsResultOutcome, CardPayment, CardPaymentOutcome, LinkOrderOutcome, OrderInfo,
        OrderInfoOutcome, UserInfo, UserInfoOutcome, UserRegister, UserRegisterOutcome, UserWithdraw, VirtualAccount,
        VirtualAccountOutcome,
    };
    use epsilon_sandbox::{Config, Running};
    use japay_sandbox::buyer::{Browser, Page};

    async fn sandbox() -> (Running, Client) {
        let running = epsilon_sandbox::start(Config::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let client = Client::builder().environment(Environment::Custom(running.cgi_base())).build().unwrap();
        (running, client)
    }

    /// The buyer's browser (japay-sandbox's driver; the default sandbox has no return URL, so nothing redirects).
    fn browser() -> Browser {
        Browser::new().unwrap()
    }

    /// POSTs a UTF-8 form to `url`, as a browser posts a form from another site, and returns the page, which must
    /// be a 200.
    async fn post(url: &str, fields: &[(&str, &str)]) -> Page {
        let page = browser().post(url, fields).await.unwrap();
        assert_eq!(page.status, 200, "{url}: {}", page.body);
        page
    }

    fn card(order_number: &'static str, number: &'static str) -> CardPayment<'static> {
        CardPayment { order_number, card_number: Some(number), security_code: None, ..super::card_payment() }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn user_register_then_the_card_page_then_user_info_masked() {
        let (running, client) = sandbox().await;
        let request = UserRegister {
            contract_code: "12345678",
            user_id: "U0001",
            user_name: "山田 太郎",
            user_mail_add: "taro@example.com",
            ..Default::default()
        };
        let answer = client.call(&request).await.unwrap();
        let view = answer.view();
        let Ok(UserRegisterOutcome::Redirect { url }) = view.outcome() else { panic!("{:?}", view.outcome()) };
        assert!(url.starts_with(&running.url()) && url.contains("card3.cgi?trans_code="), "{url}");
        assert_eq!(answer.outcome_name(), "redirect");

        // the user enters the card on the card page; get_user_info then shows it masked
        let buyer = browser();
        let form = buyer.get(url).await.unwrap().form().unwrap();
        let done = buyer.submit(&form, &[("card_number", "4242424242424242"), ("expire", "203012")]).await.unwrap();
        assert_eq!(done.status, 200, "{}", done.body);
        let info = client.call(&UserInfo { contract_code: "12345678", user_id: "U0001" }).await.unwrap();
        let info = info.view();
        assert_eq!(info.outcome().unwrap(), UserInfoOutcome::Found);
        let mask = info.card_number_mask().unwrap();
        assert!(mask.ends_with("4242") && !mask.contains("42424242"), "{mask}");
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn link_order_then_getsales2_then_a_duplicate_is_604() {
        let (running, client) = sandbox().await;
        let order = super::link_order();
        let answer = client.call(&order).await.unwrap();
        let view = answer.view();
        let Ok(LinkOrderOutcome::Redirect { url }) = view.outcome() else { panic!("{:?}", view.outcome()) };
        assert!(url.contains("method_select3.cgi?trans_code="), "{url}");

        let lookup = OrderInfo { contract_code: "12345678", order_number: Some("T0001"), trans_code: None };
        let found = client.call(&lookup).await.unwrap();
        let found = found.view();
        assert_eq!(found.outcome().unwrap(), OrderInfoOutcome::Found);
        assert_eq!(found.order_number(), Some("T0001"));
        assert!(found.trans_code().is_some_and(|t| !t.is_empty()));

        let again = client.call(&order).await.unwrap();
        let again = again.view();
        let Ok(LinkOrderOutcome::Failure { code, .. }) = again.outcome() else { panic!("{:?}", again.outcome()) };
        assert_eq!(code.value(), "604");

        let missing = OrderInfo { order_number: Some("NEVER"), ..lookup };
        let missing = client.call(&missing).await.unwrap();
        assert_eq!(missing.view().outcome().unwrap(), OrderInfoOutcome::NotFound);
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn card_payments_approved_declined_and_3ds2_with_its_second_leg() {
        let (running, client) = sandbox().await;
        // approved, declined
        #[rustfmt::skip]
        let cases: [(&str, &str, Option<&str>); 2] = [
            ("C0001", "4242424242424242", None),
            ("C0002", "0000000000000000", Some("601")),
        ];
        for (order_number, number, error) in cases {
            let answer = client.call(&card(order_number, number)).await.unwrap();
            let view = answer.view();
            match (view.outcome().unwrap(), error) {
                (CardPaymentOutcome::Authorized, None) => {}
                (CardPaymentOutcome::Failure { code, .. }, Some(expected)) => assert_eq!(code.value(), expected),
                (other, _) => panic!("{number}: {other:?}"),
            }
        }

        // 3-D Secure 2.0: the first leg answers the ACS url and PaReq
        let first = client.call(&card("C0003", "4000000000003220")).await.unwrap();
        let view = first.view();
        let Ok(CardPaymentOutcome::ThreeDSecure2 { url, pareq }) = view.outcome() else {
            panic!("{:?}", view.outcome())
        };
        // the browser's part: post PaReq to the ACS, authenticate, and read the PaRes it posts to TermUrl
        let term_url = "http://127.0.0.1:1/term";
        let page = post(url, &[("PaReq", pareq.expose()), ("TermUrl", term_url), ("MD", "C0003")]).await;
        let acs = page.form().unwrap();
        assert_eq!(acs.action, url, "the authentication form posts back to the ACS");
        assert_eq!(acs.value("PaReq"), Some(pareq.expose()));
        assert_eq!((acs.value("TermUrl"), acs.value("MD")), (Some(term_url), Some("C0003")));
        let back = browser().submit(&acs, &[("auth", "ok")]).await.unwrap().form().unwrap();
        assert_eq!((back.action.as_str(), back.post), (term_url, true));
        let pares = back.value("PaRes").unwrap();
        let second = Card3dsResult { contract_code: "12345678", order_number: "C0003", tds_pares: pares };
        let answer = client.call(&second).await.unwrap();
        assert_eq!(answer.view().outcome().unwrap(), Card3dsResultOutcome::Authorized);

        let lookup = OrderInfo { contract_code: "12345678", order_number: Some("C0003"), trans_code: None };
        let state = client.call(&lookup).await.unwrap();
        let state = state.view();
        assert_eq!(state.outcome().unwrap(), OrderInfoOutcome::Found);
        assert!(state.state().is_some_and(|s| s.value() == "1" || s.value() == "5"), "{:?}", state.state());
        running.shutdown().await;
    }

    /// (state, trans_code) of an order, asked directly.
    async fn state_of(client: &Client, order_number: &str) -> (String, String) {
        let lookup = OrderInfo { contract_code: "12345678", order_number: Some(order_number), trans_code: None };
        let answer = client.call(&lookup).await.unwrap();
        let view = answer.view();
        assert_eq!(view.outcome().unwrap(), OrderInfoOutcome::Found, "{order_number}");
        (view.state().unwrap().value().to_owned(), view.trans_code().unwrap().to_owned())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lost_answer_is_reconciled_with_the_orders_real_state() {
        let (running, direct) = sandbox().await;
        let to = running.url().trim_start_matches("http://").to_owned();
        // the order reaches the sandbox, its answer is lost; getsales2 goes through
        let fake =
            super::Fake::start(move |cgi, _| super::Reply::Forward { to: to.clone(), relay: cgi == "getsales2.cgi" });
        let client = fake.client(std::time::Duration::from_millis(500));

        let error = client.call(&card("L0001", "4242424242424242")).await.unwrap_err();
        let ClientError::Unconfirmed { reconciled: Reconciled::Found { state, transaction, .. }, .. } = &error else {
            panic!("{error}")
        };
        assert_eq!((state.clone(), transaction.clone().unwrap().value), state_of(&direct, "L0001").await);
        assert_eq!(fake.cgis(), ["direct_card_payment.cgi", "getsales2.cgi"], "one POST, never retried");

        // what a retry would have got
        let again = direct.call(&card("L0001", "4242424242424242")).await.unwrap();
        let again = again.view();
        let Ok(CardPaymentOutcome::Failure { code, .. }) = again.outcome() else { panic!("{:?}", again.outcome()) };
        assert_eq!(code.value(), "604");

        // a link order whose answer is lost is found too
        let error = client.call(&super::link_order()).await.unwrap_err();
        let ClientError::Unconfirmed { reconciled: Reconciled::Found { state, transaction, .. }, .. } = &error else {
            panic!("{error}")
        };
        assert_eq!((state.clone(), transaction.clone().unwrap().value), state_of(&direct, "T0001").await);
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sixty_four_concurrent_link_orders_with_one_order_number_give_one_redirect_and_63_604s() {
        let (running, client) = sandbox().await;
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    let answer = client.call(&super::link_order()).await.unwrap();
                    answer.outcome_name().to_owned()
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let redirects = outcomes.iter().filter(|o| *o == "redirect").count();
        let duplicates = outcomes.iter().filter(|o| *o == "failure:604").count();
        assert_eq!((redirects, duplicates), (1, 63), "{outcomes:?}");
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_pays_once_and_its_reuse_is_936() {
        let (running, client) = sandbox().await;
        let json = post(
            &format!("{}/sandbox/token", running.url()),
            &[("cardno", "4242424242424242"), ("expire", "203012"), ("securitycode", "123"), ("holdername", "TARO")],
        )
        .await
        .body;
        let token = json.split("\"token\":\"").nth(1).and_then(|t| t.split('"').next()).unwrap().to_owned();
        #[rustfmt::skip]
        let cases = [("K0001", None), ("K0002", Some("936"))];
        for (order_number, error) in cases {
            let request = CardPayment {
                order_number,
                card_number: None,
                expire_y: None,
                expire_m: None,
                security_code: None,
                token: Some(&token),
                ..super::card_payment()
            };
            let answer = client.call(&request).await.unwrap();
            let view = answer.view();
            match (view.outcome().unwrap(), error) {
                (CardPaymentOutcome::Authorized, None) => {}
                (CardPaymentOutcome::Failure { code, .. }, Some(expected)) => assert_eq!(code.value(), expected),
                (other, _) => panic!("{order_number}: {other:?}"),
            }
        }
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn withdrawing_an_unknown_user_is_the_apache_500_page_not_xml() {
        let (running, client) = sandbox().await;
        let withdraw = UserWithdraw { contract_code: "12345678", user_id: "NOBODY" };
        let error = client.call(&withdraw).await.unwrap_err();
        let ClientError::Transport { error: TransportError::Status { status, head }, attempts: 1, .. } = &error else {
            panic!("{error}")
        };
        assert_eq!(status.as_u16(), 500);
        assert!(head.bytes().starts_with(b"<!DOCTYPE HTML"), "{head}");
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_link_order_paid_on_the_payment_page_is_charged_in_getsales2() {
        let (running, client) = sandbox().await;
        let answer = client.call(&super::link_order()).await.unwrap();
        let view = answer.view();
        let Ok(LinkOrderOutcome::Redirect { url }) = view.outcome() else { panic!("{:?}", view.outcome()) };

        let lookup = OrderInfo { contract_code: "12345678", order_number: Some("T0001"), trans_code: None };
        let before = client.call(&lookup).await.unwrap();
        assert_eq!(before.view().state().map(|s| s.value().to_owned()).as_deref(), Some("0"));

        // the buyer: open the page, fill in the test card, submit
        let buyer = browser();
        let form = buyer.get(url).await.unwrap().form().unwrap();
        let card =
            [("method", "card"), ("card_number", "4242424242424242"), ("expire", "203012"), ("security_code", "123")];
        let done = buyer.submit(&form, &card).await.unwrap();
        assert!(done.status == 200 && done.body.contains("T0001"), "{}", done.body);

        let after = client.call(&lookup).await.unwrap();
        let after = after.view();
        assert_eq!(after.outcome().unwrap(), OrderInfoOutcome::Found);
        assert_eq!(after.state().map(|s| s.value().to_owned()).as_deref(), Some("1"));
        running.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_virtual_account_is_issued_and_paid_in_two_deposits() {
        let (running, client) = sandbox().await;
        let request = VirtualAccount {
            contract_code: "12345678",
            user_id: "U0001",
            user_name: "山田 太郎",
            user_name_kana: Some("ﾔﾏﾀﾞ ﾀﾛｳ"),
            user_mail_add: "taro@example.com",
            item_code: "ITEM001",
            item_name: "テスト商品",
            order_number: "V0001",
            st_code: "00000-0000-00000-00000-00100-00000-00000",
            item_price: "10000",
            ..Default::default()
        };
        let answer = client.call(&request).await.unwrap();
        let view = answer.view();
        assert_eq!(view.outcome().unwrap(), VirtualAccountOutcome::Issued);
        assert!(view.account_no().is_some_and(|a| !a.is_empty()));

        // a short deposit, then the top-up: the sandbox's status, and getsales2's state and amount
        let lookup = OrderInfo { contract_code: "12345678", order_number: Some("V0001"), trans_code: None };
        #[rustfmt::skip]
        let cases = [("6000", "決済失敗", "0", "6000"), ("4000", "入金完了", "1", "10000")];
        for (amount, status, state, total) in cases {
            let deposits = format!("{}/sandbox/deposits", running.url());
            let json = post(&deposits, &[("order_number", "V0001"), ("amount", amount)]).await.body;
            assert!(json.contains(&format!("\"va_status\":\"{status}\"")), "{amount}: {json}");
            let found = client.call(&lookup).await.unwrap();
            let found = found.view();
            assert_eq!(found.outcome().unwrap(), OrderInfoOutcome::Found, "{amount}");
            assert_eq!(found.state().map(|s| s.value().to_owned()).as_deref(), Some(state), "{amount}");
            assert_eq!(found.answer().get("amount"), Some(total), "{amount}");
        }
        running.shutdown().await;
    }
}
