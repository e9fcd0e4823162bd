//! The HTTP side: routes, the gateway's checks in the gateway's order (source address 908, contract 607/907,
//! parameters 601/909), and the hand-off to the CGI handlers inside one committed transaction.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use epsilon_proto::Version;
use epsilon_proto::request_body::{self, FormRequest};

use crate::answer::{self, Answer};
use crate::cgi::{self, Ctx, Family};
use crate::clock::Now;
use crate::{Shared, control, pages, store, texts};

/// Every route of the sandbox.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/cgi-bin/order/method_select3.cgi", get(pages::method_select_get).post(pages::method_select_post))
        .route("/cgi-bin/order/card3.cgi", get(pages::card3_get).post(pages::card3_post))
        .route("/cgi-bin/order/{cgi}", post(gateway))
        .route("/sandbox/acs", post(pages::acs))
        .route("/sandbox/token", post(control::token))
        .route("/sandbox/deposits", post(control::deposits))
        .route("/sandbox/clock", post(control::clock))
        .route("/sandbox/orders/{order_number}", get(control::order))
        .route("/sandbox/notifications", get(control::notifications))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .with_state(shared)
}

/// An [`Answer`] as an HTTP response.
pub(crate) fn respond(answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, answer.content_type)], answer.body).into_response()
}

/// Whether `ip` may call the CGIs: one of `allow_hosts`, or any loopback address when none is configured.
fn allowed(shared: &Shared, ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    if shared.config.allow_hosts.is_empty() {
        ip.is_loopback()
    } else {
        shared.config.allow_hosts.iter().any(|h| h.to_canonical() == ip)
    }
}

/// Whether a contract code is well-formed: 8 digits. **Sandbox choice** (the spec's rule: seed 003, every issued
/// code seen is 8 digits).
fn well_formed(contract: &str) -> bool {
    contract.len() == 8 && contract.bytes().all(|b| b.is_ascii_digit())
}

/// **Sandbox choice**: the text of 601 for a body that does not decode at all (never recorded).
const E601_BODY: &str = "リクエストの形式が異常です";

async fn gateway(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(cgi): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(family) = Family::of(&cgi) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    if !allowed(&shared, peer.ip()) {
        return respond(cgi::error(family, Version::V1, "908", texts::E908, None));
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let form = match request_body::parse(&body, content_type) {
        Ok(form) => form,
        Err(_) => return respond(cgi::error(family, Version::V1, "601", E601_BODY, None)),
    };
    let version = if form.wants_v2() { Version::V2 } else { Version::V1 };
    let contract = form.get("contract_code").unwrap_or("").to_owned();
    let active = shared.contracts.contains(&contract) && !shared.config.inactive_contracts.contains(&contract);
    if family == Family::Getsales2 && !active {
        return respond(cgi::error(family, version, "", "", None));
    }
    if !well_formed(&contract) {
        return respond(cgi::error(family, version, "607", texts::E607, Some(&form)));
    }
    if !active {
        return respond(cgi::error(family, version, "907", texts::E907, Some(&form)));
    }
    let Some(op) = request_body::operation_for(&cgi, &form) else {
        return respond(cgi::error(family, version, "601", "process_codeの指定が異常です", Some(&form)));
    };
    if let Err(report) = form.validate(op) {
        let (code, detail) = texts::for_report(&report);
        return respond(cgi::error(family, version, code, &detail, Some(&form)));
    }
    let order_number = form.get("order_number").unwrap_or("").to_owned();
    let worker = shared.clone();
    let done = tokio::task::spawn_blocking(move || run(&worker, op, &form, version, &contract)).await;
    match done {
        Ok(Ok(reply)) => {
            // names and codes only: no parameter value but the order number is ever logged
            tracing::debug!(cgi = %cgi, operation = op.name, order_number = %order_number, status = reply.answer.status, "answered");
            respond(reply.answer)
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, cgi = %cgi, "sandbox database error");
            respond(answer::apache_500())
        }
        Err(_) => respond(answer::apache_500()),
    }
}

/// Runs one operation in one transaction, committed before the answer leaves.
fn run(
    shared: &Shared,
    op: &'static epsilon_proto::spec::OperationSpec,
    form: &FormRequest,
    version: Version,
    contract: &str,
) -> rusqlite::Result<cgi::Reply> {
    shared.store.write(|tx| {
        let now = Now::read(store::clock_offset(tx)?);
        let ctx = Ctx { form, version, contract, now, url: &shared.url };
        cgi::dispatch(op, tx, &ctx)
    })
}
