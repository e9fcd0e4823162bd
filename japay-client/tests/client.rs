//! The neutral client with a toy gateway (answers are `name=value` lines) against a canned HTTP server: the policy
//! comes from the spec alone (a create is sent once and looked up through the operation its spec names, a read is
//! retried), and each answer is read once however often it is looked at.

use std::cell::Cell;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use japay_client::{Client, ClientError, Environment, Gateway, Reconciled, SendErrorKind, TransactionId};
use japay_core::charset::{Charset, TextPolicy};
use japay_core::outcome::{OutcomeError, OutcomeSummary};
use japay_core::spec::{
    Computed, ComputedInput, Effect, FieldSpec, GatewaySpec, Lookup, Marker, OperationSpec, ValueKind,
};
use japay_core::{Answered, Operation, Options};

// ---------------------------------------------------------------------------------------------------------------
// The toy gateway: `place` creates an order, `find` reads one.

static TOY: GatewaySpec = GatewaySpec::new("toy", "a toy gateway", TextPolicy::new()).with_transports(&[Charset::Utf8]);
static PLACE_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
    FieldSpec::new("order_id", ValueKind::Text).with_marker(Marker::Required),
    FieldSpec::new("amount", ValueKind::Text).with_marker(Marker::Required),
];
static FIND_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
    FieldSpec::new("order_id", ValueKind::Text).with_marker(Marker::Required),
];
static PLACE: OperationSpec = OperationSpec::new("place", &TOY, "place")
    .with_fields(PLACE_FIELDS)
    .with_effect(Effect::Creates)
    .with_lookup(Lookup::new("find", "order_id", &["shop"]));
static FIND: OperationSpec =
    OperationSpec::new("find", &TOY, "find").with_fields(FIND_FIELDS).with_effect(Effect::Reads);

/// `sign`: a checksum the encoder computes from `shop` and the credential `key`.
static SIGN: OperationSpec = OperationSpec::new("sign", &TOY, "sign")
    .with_fields(&[
        FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
        FieldSpec::new("sum", ValueKind::Text)
            .with_marker(Marker::Required)
            .with_computed(Computed::Sha256Hex(&[ComputedInput::Field(0), ComputedInput::Credential("key")]))
            .secret(),
    ])
    .with_effect(Effect::Reads);

struct Sign<'a> {
    shop: &'a str,
}

impl Operation for Sign<'_> {
    const SPEC: &'static OperationSpec = &SIGN;
    type Values<'s>
        = [Option<&'s str>; 2]
    where
        Self: 's;
    fn values(&self) -> Self::Values<'_> {
        [Some(self.shop), None]
    }
}

impl Answered for Sign<'_> {
    type Answer<'b> = Pairs;
    type View<'b> = Pairs;
    fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b> {
        answer
    }
}

struct Place<'a> {
    shop: &'a str,
    order_id: &'a str,
    amount: &'a str,
}

impl Operation for Place<'_> {
    const SPEC: &'static OperationSpec = &PLACE;
    type Values<'s>
        = [Option<&'s str>; 3]
    where
        Self: 's;
    fn values(&self) -> Self::Values<'_> {
        [Some(self.shop), Some(self.order_id), Some(self.amount)]
    }
}

struct Find<'a> {
    shop: &'a str,
    order_id: &'a str,
}

impl Operation for Find<'_> {
    const SPEC: &'static OperationSpec = &FIND;
    type Values<'s>
        = [Option<&'s str>; 2]
    where
        Self: 's;
    fn values(&self) -> Self::Values<'_> {
        [Some(self.shop), Some(self.order_id)]
    }
}

/// The toy's decoded answer: its lines as (name, value).
type Pairs = Vec<(String, String)>;

/// The typed view of a `find` answer.
struct FindView(Pairs);

impl FindView {
    fn state(&self) -> Option<&str> {
        self.0.iter().find(|(name, _)| name == "state").map(|(_, value)| value.as_str())
    }
}

impl Answered for Find<'_> {
    type Answer<'b> = Pairs;
    type View<'b> = FindView;
    fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b> {
        FindView(answer)
    }
}

thread_local! {
    /// How many bodies this thread's toy gateway decoded (each test runs on its own current-thread runtime).
    static READS: Cell<usize> = const { Cell::new(0) };
}

/// Why a toy body is not an answer.
#[derive(Debug)]
struct NotPairs;

impl std::fmt::Display for NotPairs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not name=value lines")
    }
}

impl std::error::Error for NotPairs {}

struct Toy;

impl Gateway for Toy {
    const SPEC: &'static GatewaySpec = &TOY;
    const OPERATIONS: &'static [&'static OperationSpec] = &[&PLACE, &FIND, &SIGN];
    type Answer<'b> = Pairs;
    type OwnedAnswer = (Vec<u8>, Pairs);
    type ParseError = NotPairs;

    fn read(_: &'static OperationSpec, _: Options, body: Vec<u8>) -> Result<(Vec<u8>, Pairs), NotPairs> {
        READS.with(|reads| reads.set(reads.get() + 1));
        let text = std::str::from_utf8(&body).map_err(|_| NotPairs)?;
        let pairs = text.lines().map(|line| line.split_once('=').ok_or(NotPairs));
        let pairs = pairs.map(|pair| pair.map(|(n, v)| (n.to_owned(), v.to_owned()))).collect::<Result<_, _>>()?;
        Ok((body, pairs))
    }

    fn body(owned: &(Vec<u8>, Pairs)) -> &[u8] {
        &owned.0
    }

    fn answer(owned: &(Vec<u8>, Pairs)) -> &Pairs {
        &owned.1
    }

    fn summarize<'a>(_: &'static OperationSpec, answer: &'a Pairs) -> Option<Result<OutcomeSummary<'a>, OutcomeError>> {
        let found = answer.iter().any(|(name, _)| name == "state");
        Some(Ok(if found {
            OutcomeSummary::new("found", "ok", None, None)
        } else {
            OutcomeSummary::new("not_found", "not_found", None, None)
        }))
    }

    fn reconciled(_: &'static OperationSpec, _: &str, answer: &Pairs) -> Reconciled {
        let get = |wanted: &str| answer.iter().find(|(name, _)| name == wanted).map(|(_, value)| value.clone());
        match get("state") {
            Some(state) => Reconciled::Found {
                state,
                state_label: None,
                transaction: get("tx").map(|tx| TransactionId::new("tx", tx)),
            },
            None => Reconciled::NotFound,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// A canned HTTP server.

#[derive(Clone, Copy)]
enum Reply {
    /// 200 with this body.
    Ok(&'static str),
    /// This status, empty body.
    Status(u16),
    /// Holds the connection without answering.
    Hang,
    /// 200 with a body one byte over the client's limit: declared by `Content-Length` (true), or streamed until the
    /// connection closes (false).
    Huge(bool),
}

/// The reply to the `n`th request to a path.
type Route = fn(&str, usize) -> Reply;

/// The (path, body) of every request, in order.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Serves `route(path, n)` for the `n`th request to `path`; the base URL and the requests seen.
fn serve(route: Route) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some((path, body)) = read_request(&mut stream) else { continue };
            let n = {
                let mut log = log.lock().unwrap();
                let n = log.iter().filter(|(seen, _)| *seen == path).count();
                log.push((path.clone(), body));
                n
            };
            let (status, body) = match route(&path, n) {
                Reply::Ok(body) => (200, body),
                Reply::Status(status) => (status, ""),
                Reply::Hang => {
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_secs(3));
                        drop(stream);
                    });
                    continue;
                }
                Reply::Huge(declared) => {
                    std::thread::spawn(move || {
                        let size = japay_client::MAX_ANSWER_BYTES + 1;
                        let length = if declared { format!("Content-Length: {size}\r\n") } else { String::new() };
                        let head = format!("HTTP/1.1 200 X\r\n{length}Connection: close\r\n\r\n");
                        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&vec![b'a'; size]));
                    });
                    continue;
                }
            };
            let head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes()));
        }
    });
    (base, seen)
}

/// The last path segment and the body of one request.
fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
            });
            if body.len() >= length.unwrap_or(0) {
                let path = head.split_whitespace().nth(1)?.rsplit('/').next()?.to_owned();
                return Some((path, body.to_owned()));
            }
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
}

fn client(base: &str) -> Client<Toy> {
    Client::builder()
        .environment(Environment::Custom(base.to_owned()))
        .timeout(Duration::from_millis(300))
        .backoff(Duration::from_millis(10))
        .build()
        .unwrap()
}

fn paths(seen: &Seen) -> Vec<String> {
    seen.lock().unwrap().iter().map(|(path, _)| path.clone()).collect()
}

// ---------------------------------------------------------------------------------------------------------------

/// What a lookup found: the state and the transaction id.
type Found = (&'static str, Option<&'static str>);

#[tokio::test]
async fn a_create_is_sent_once_and_looked_up_through_the_operation_its_spec_names() {
    #[rustfmt::skip]
    let cases: [(&str, Route, Option<Found>); 3] = [
        ("lost, found", |path, _| if path == "find" { Reply::Ok("state=paid\ntx=77") } else { Reply::Hang }, Some(("paid", Some("77")))),
        ("a 503, not found", |path, _| if path == "find" { Reply::Ok("") } else { Reply::Status(503) }, None),
        ("lost, the lookup retried then found", |path, n| match (path, n) {
            ("find", 0) => Reply::Status(502),
            ("find", _) => Reply::Ok("state=open"),
            _ => Reply::Hang,
        }, Some(("open", None))),
    ];
    for (what, route, expected) in cases {
        let (base, seen) = serve(route);
        let error = client(&base).call(&Place { shop: "S1", order_id: "A7", amount: "100" }).await.unwrap_err();
        let ClientError::Unconfirmed { operation, lookup, value, reconciled, .. } = &error else {
            panic!("{what}: {error}")
        };
        assert_eq!(
            (*operation, lookup.operation, lookup.key, value.as_str()),
            ("place", "find", "order_id", "A7"),
            "{what}"
        );
        let got = match reconciled {
            Reconciled::Found { state, transaction, .. } => {
                Some((state.as_str(), transaction.as_ref().map(|id| id.value.as_str())))
            }
            Reconciled::NotFound => None,
            other => panic!("{what}: {other}"),
        };
        assert_eq!(got, expected, "{what}");
        let paths = paths(&seen);
        assert_eq!(paths.iter().filter(|p| *p == "place").count(), 1, "{what}: never sent twice");
        assert_eq!(paths.first().map(String::as_str), Some("place"), "{what}");
        let lookups: Vec<_> =
            seen.lock().unwrap().iter().filter(|(p, _)| p == "find").map(|(_, b)| b.clone()).collect();
        assert!(!lookups.is_empty(), "{what}");
        assert!(lookups.iter().all(|body| body == "shop=S1&order_id=A7"), "{what}: key and copy only: {lookups:?}");
    }
}

#[tokio::test]
async fn a_read_is_retried_with_backoff_and_its_answer_read_once() {
    let (base, seen) = serve(|_, n| if n < 2 { Reply::Status(503) } else { Reply::Ok("state=paid") });
    READS.with(|reads| reads.set(0));
    let exchange = client(&base).call(&Find { shop: "S1", order_id: "A7" }).await.unwrap();
    assert_eq!((exchange.attempts(), paths(&seen).len()), (3, 3));
    assert_eq!(exchange.view().state(), Some("paid"));
    assert_eq!(exchange.view().state(), Some("paid"));
    assert_eq!(exchange.summary().unwrap().unwrap().name, "found");
    assert_eq!((exchange.outcome_name(), exchange.body()), ("found", b"state=paid".as_slice()));
    assert_eq!(exchange.answer().len(), 1);
    assert_eq!(READS.with(Cell::get), 1, "one decoding for the span, the summary and every view");
    let debug = format!("{exchange:?}");
    assert!(debug.contains("body_len: 10") && !debug.contains("paid\""), "{debug}");
}

#[tokio::test]
async fn a_failed_read_gives_up_after_its_attempts_and_a_404_is_not_retried() {
    let (base, seen) = serve(|_, _| Reply::Status(503));
    let error = client(&base).call(&Find { shop: "S1", order_id: "A7" }).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport { attempts: 3, .. }), "{error}");
    assert_eq!(paths(&seen).len(), 3);

    let (base, seen) = serve(|_, _| Reply::Status(404));
    let error = client(&base).call(&Find { shop: "S1", order_id: "A7" }).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport { attempts: 1, .. }), "{error}");
    assert_eq!(paths(&seen).len(), 1);

    let (base, seen) = serve(|_, _| Reply::Status(404));
    let error = client(&base).call(&Place { shop: "S1", order_id: "A7", amount: "1" }).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport { attempts: 1, .. }), "a 404 is an answer, not a lost one: {error}");
    assert_eq!(paths(&seen), ["place"]);
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_never_read_into_memory() {
    // (what, reply)
    let cases: [(&str, Route); 2] =
        [("declared by content-length", |_, _| Reply::Huge(true)), ("streamed", |_, _| Reply::Huge(false))];
    for (what, route) in cases {
        let (base, _) = serve(route);
        let client: Client<Toy> =
            Client::builder().environment(Environment::Custom(base)).timeout(Duration::from_secs(20)).build().unwrap();
        let error = client.call(&Find { shop: "S1", order_id: "A7" }).await.unwrap_err();
        let ClientError::Send { error: send, .. } = &error else { panic!("{what}: {error}") };
        assert_eq!(send.kind(), SendErrorKind::Other, "{what}: {error}");
        assert!(error.to_string().contains("expected an answer of at most 16777216 bytes"), "{what}: {error}");
    }
}

#[tokio::test]
async fn an_invalid_request_is_never_sent() {
    let (base, seen) = serve(|_, _| Reply::Ok("state=paid"));
    let error = client(&base).call(&Place { shop: "", order_id: "A7", amount: "1" }).await.unwrap_err();
    let ClientError::Invalid { operation: "place", report } = &error else { panic!("{error}") };
    assert_eq!(report.violations()[0].field, "shop");
    assert!(paths(&seen).is_empty());
}

/// The builder's credentials reach the encoder (SHA-256 of "ab" + "c" is SHA-256("abc")), are never shown, and a
/// request whose credential is missing is never sent.
#[tokio::test]
async fn credentials_reach_the_encoder_and_nothing_else() {
    let (base, seen) = serve(|_, _| Reply::Ok("state=paid"));
    let signed = Client::<Toy>::builder()
        .environment(Environment::Custom(base.clone()))
        .credential("key", "wrong")
        .credential("key", "c")
        .build()
        .unwrap();
    signed.call(&Sign { shop: "ab" }).await.unwrap();
    let bodies: Vec<String> = seen.lock().unwrap().iter().map(|(_, body)| body.clone()).collect();
    assert_eq!(bodies, ["shop=ab&sum=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]);
    let debug = format!("{signed:?}");
    assert!(debug.contains("credentials: [\"key\"]") && !debug.contains("wrong"), "{debug}");
    let error = client(&base).call(&Sign { shop: "ab" }).await.unwrap_err();
    let ClientError::Invalid { operation: "sign", report } = &error else { panic!("{error}") };
    assert_eq!((report.violations()[0].field.as_ref(), report.violations()[0].kind.rule()), ("key", "required"));
    assert_eq!(paths(&seen).len(), 1, "the request without its credential is not sent");
}
