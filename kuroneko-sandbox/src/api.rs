//! The merchant's API: `/test_gateway/<name>.api` (also `/test_gateway/<name>`, `/api/<name>` and `/<name>`, so a
//! client whose base URL is the sandbox's listen URL finds it), routed by the spec, checked in the gateway's order,
//! handed to the operation's handler inside one transaction committed before the answer leaves.
//!
//! The checks, in order (the setup states of seed 004 first):
//!
//! 1. the caller's address: only `--allow-host` (default: any loopback address), else Z012000009 (the machinery's
//!    allow-list, before everything else; H01 `traderIp` is not restricted);
//! 2. the URL: a function of the spec, else 404; a function the sandbox does not serve is a 404 naming it;
//! 3. the method: `POST`, else Z012000001;
//! 4. `function_div`: missing (or a body that is not a UTF-8 form) Z012000002; not a function of this URL
//!    Z012000003 (the spec's route: B03–B06 share `cvs3` and are told apart by it);
//! 5. `trader_code`: not one of the sandbox's, or the start date (`--start-date`) still ahead on the sandbox clock:
//!    Z012000007;
//! 6. the API contract: `--no-api-contract` → Z012000008;
//! 7. `reserve_1` holding an error code: answered with that code (see the crate docs);
//! 8. the parameters, with kuroneko-proto's own rules: the first violation answered with its layout code
//!    ([`crate::codes`]); parameters the function does not have are tolerated (facts §1.4, uncertain);
//! 9. the function's own checks ([`crate::ops`]).

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use japay_core::spec::{Direction, OperationSpec};
use japay_core::{Charset, Credentials, DynamicRequest, Options};
use japay_sandbox::clock::Now;
use japay_sandbox::form::Form;
use kuroneko_proto::generated::OPERATIONS;

use crate::clock;
use crate::codes;
use crate::ops::{self, Ctx};
use crate::state::Sandbox;
use crate::writer::Writer;

/// Where H01 `traderIp` is served, open to any source.
pub(crate) const TRADER_IP_PATHS: &[&str] =
    &["/test_gateway/traderIp.api", "/test_gateway/traderIp", "/api/traderIp", "/traderIp"];

/// The error codes whose answer carries a `creditErrorCode` (facts §4.4): a `reserve_1` injection of one of them
/// comes with the declined card's G12.
const WITH_CREDIT_ERROR: &[&str] = &["A012060001", "A082000010", "A092000005", "A076000001", "A077000001"];

/// An XML answer as an HTTP response.
pub(crate) fn xml(body: String) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")], body).into_response()
}

/// The outgoing operations whose URL name is `name` (`creditToken`, `cvs3`).
fn on_path(name: &str) -> impl Iterator<Item = &'static &'static OperationSpec> + '_ {
    OPERATIONS.iter().filter(move |op| op.direction == Direction::Outgoing && op.path == name)
}

/// The operation name of a request path's last segment, without `.api`.
fn name_of(path: &str) -> &str {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.strip_suffix(".api").unwrap_or(last)
}

/// 404 for a name the sandbox serves nothing on: naming the operations and why when the spec has them.
pub(crate) fn not_served(name: &str) -> Response {
    let listed: Vec<String> = ops::NOT_SERVED
        .iter()
        .filter(|(op, _)| op.path == name)
        .map(|(op, why)| format!("{} ({}): {why}", op.name, op.path))
        .collect();
    let text = if listed.is_empty() {
        "not found".to_owned()
    } else {
        format!("not served by the sandbox: {}", listed.join("; "))
    };
    (StatusCode::NOT_FOUND, text).into_response()
}

/// The answer to a source that may not call the API: Z012000009 for a function's URL, else 404.
pub(crate) fn refuse(path: &str) -> Response {
    let name = name_of(path);
    if on_path(name).next().is_some() {
        xml(Writer::error(codes::SOURCE, &clock::stamp(Now::read(0))).finish())
    } else {
        not_served(name)
    }
}

/// The API behind the machinery's allow-list.
pub(crate) async fn guarded(
    State(sandbox): State<Sandbox>,
    method: Method,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    call(sandbox, method, peer.ip(), name_of(&name).to_owned(), body).await
}

/// H01's routes, open to any source.
pub(crate) async fn open(
    State(sandbox): State<Sandbox>,
    method: Method,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    body: Bytes,
) -> Response {
    call(sandbox, method, peer.ip(), name_of(uri.path()).to_owned(), body).await
}

/// What a request comes to: an XML answer, or a 404 for a function the sandbox does not serve.
enum Reply {
    Xml(String),
    NotServed,
}

/// One API request: the checks of the module docs, then the handler, in one transaction.
async fn call(sandbox: Sandbox, method: Method, peer: IpAddr, name: String, body: Bytes) -> Response {
    if on_path(&name).next().is_none() || !on_path(&name).any(|op| ops::served(op).is_some()) {
        return not_served(&name);
    }
    let worker = sandbox.clone();
    let path = name.clone();
    let done = sandbox
        .write(move |tx| {
            let now = clock::now(tx)?;
            ops::cvs::sweep(tx, now)?;
            let stamp = clock::stamp(now);
            let fail = |code: &str| Ok(Reply::Xml(Writer::error(code, &stamp).finish()));
            if method != Method::POST {
                return fail(codes::METHOD);
            }
            let (form, op) = match route_request(&path, &body) {
                Ok(routed) => routed,
                Err(code) => return fail(code),
            };
            let Some(served) = ops::served(op) else { return Ok(Reply::NotServed) };
            let gateway = worker.gateway();
            let trader = form.get("trader_code").unwrap_or("");
            let started = gateway.start_date.as_deref().is_none_or(|start| clock::ymd(now).as_str() >= start);
            if !gateway.traders.iter().any(|t| t == trader) || !started {
                return fail(codes::TRADER);
            }
            if !gateway.api_contract {
                return fail(codes::NO_API_CONTRACT);
            }
            if let Some(code) = form.get("reserve_1").filter(|c| codes::looks_like_code(c)) {
                let mut w = Writer::error(code, &stamp);
                if WITH_CREDIT_ERROR.contains(&code) {
                    w.element("creditErrorCode", ops::credit::DECLINED);
                }
                return Ok(Reply::Xml(w.finish()));
            }
            if let Some(code) = check(op, &form, &gateway.access_key) {
                return fail(&code);
            }
            let ctx = Ctx { form: &form, op, trader, now, url: worker.url(), peer };
            (served.handler)(tx, &ctx).map(Reply::Xml)
        })
        .await;
    match done {
        Ok(Reply::Xml(body)) => {
            // names and codes only: no parameter value is ever logged
            tracing::debug!(function = %name, "answered");
            xml(body)
        }
        Ok(Reply::NotServed) => not_served(&name),
        Err(e) => {
            tracing::error!(error = %e, function = %name, "sandbox database error");
            (StatusCode::INTERNAL_SERVER_ERROR, "sandbox database error").into_response()
        }
    }
}

/// The form of a POST body and the operation it is for: the body read as a form (else Z012000002, as a body without
/// `function_div`), `function_div` present (Z012000002) and the function of this URL (Z012000003, also for a
/// function code another URL serves). Pure: no state, no clock.
pub(crate) fn route_request(path: &str, body: &[u8]) -> Result<(Form, &'static OperationSpec), &'static str> {
    let Ok(form) = Form::parse(body) else { return Err(codes::FUNCTION_MISSING) };
    let function = form.get("function_div").unwrap_or("");
    if function.is_empty() {
        return Err(codes::FUNCTION_MISSING);
    }
    let routed = japay_core::spec::route(OPERATIONS, path, |n| form.get(n));
    let Some(op) = routed.filter(|op| codes::function_of(op) == function) else {
        return Err(codes::FUNCTION_UNKNOWN);
    };
    Ok((form, op))
}

/// Checks a request with the operation's own rules, as a client checks it before sending; the error code to answer
/// when it breaks one. The sandbox's requests come over loopback http, so the local-sandbox switch is on
/// (`trader_ec_url` and the return URLs may be `http://` URLs of a loopback host). Parameters the function does not
/// have are left out (tolerated). A computed field (`check_sum`) is compared with what the encoder sends for the
/// other values and the sandbox's access key (facts §5.1): missing where it must be sent is its layout code with
/// check 01, another value check 71 (A031010571).
pub(crate) fn check(op: &'static OperationSpec, form: &Form, access_key: &str) -> Option<String> {
    let credentials = Credentials::new().with("access_key", access_key);
    let options = Options::new(Charset::Utf8).local_sandbox(true).with_credentials(&credentials);
    let mut request = DynamicRequest::new(op);
    for (name, value) in form.pairs() {
        let field = op.field_index(name).and_then(|i| op.fields.get(i));
        if field.is_some_and(|f| f.computed.is_none()) {
            request.set(name, value);
        }
    }
    if let Err(report) = request.validate(options) {
        return report.violations().first().map(|first| codes::for_violation(op, first));
    }
    let mut body = Vec::new();
    request.encode(options, &mut body).ok()?;
    let sent = Form::parse(&body).ok()?;
    for field in op.fields.iter().filter(|f| f.computed.is_some()) {
        match (sent.get(field.wire), form.get(field.wire).filter(|v| !v.is_empty())) {
            (Some(_), None) => return Some(codes::layout(op, field.wire, "01")),
            (Some(expected), Some(given)) if !ops::same_secret(expected, given) => {
                return Some(codes::layout(op, field.wire, "71"));
            }
            _ => {}
        }
    }
    None
}
