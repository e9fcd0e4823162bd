//! The merchant's API: `POST /cgi-bin/order/{cgi}`, routed by the spec, checked in the gateway's order
//! ([`crate::checks`]), handed to the operation's handler inside one transaction committed before the answer leaves.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use epsilon_proto::Version;
use epsilon_proto::request_body;

use crate::cgi::{self, Ctx};
use crate::checks::{self, well_formed};
use crate::details;
use crate::state::Sandbox;
use crate::writer::{self, Written};

/// A [`Written`] answer as an HTTP response.
pub(crate) fn respond(written: Written) -> Response {
    let status = StatusCode::from_u16(written.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, written.content_type)], written.body).into_response()
}

/// 404 for a path the sandbox serves nothing on: naming the operation and why when the spec has one there.
pub(crate) fn not_served(path: &str) -> Response {
    let listed = cgi::NOT_SERVED.iter().find(|(op, _)| op.path == path);
    let text = match listed {
        Some((op, why)) => format!("not served by the sandbox: {} ({}): {why}", op.name, op.path),
        None => "not found".to_owned(),
    };
    (StatusCode::NOT_FOUND, text).into_response()
}

/// The answer to a source that may not call the API: 908 in the layout of the path's CGI.
pub(crate) fn refuse(path: &str) -> Response {
    let cgi = path.rsplit('/').next().unwrap_or(path);
    match cgi::path_errors(cgi) {
        Some(errors) => respond(cgi::error(errors, Version::V1, "908", checks::text("908"), None)),
        None => not_served(cgi),
    }
}

/// `POST /cgi-bin/order/{cgi}` (the source address was checked by the machinery's allow-list).
pub(crate) async fn api(
    State(sandbox): State<Sandbox>,
    Path(cgi): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(path_errors) = cgi::path_errors(&cgi) else { return not_served(&cgi) };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let Ok(form) = request_body::parse(&body, content_type) else {
        return respond(cgi::error(path_errors, Version::V1, "601", details::BODY, None));
    };
    let version = if form.wants_v2() { Version::V2 } else { Version::V1 };
    let op = request_body::operation_for(&cgi, &form);
    let served = op.and_then(cgi::served);
    let errors = served.map_or(path_errors, |s| s.errors);
    let contract = form.get("contract_code").unwrap_or("").to_owned();
    let fail = |code: &str, detail: &str| respond(cgi::error(errors, version, code, detail, Some(&form)));
    if !well_formed(&contract) {
        return fail("607", checks::text("607"));
    }
    if !sandbox.gateway().active(&contract) {
        return fail("907", checks::text("907"));
    }
    let Some(op) = op else {
        let field = cgi::route_field(&cgi).unwrap_or("parameter");
        return fail("601", &details::bad_field(field));
    };
    let Some(served) = served else { return not_served(&cgi) };
    if let Err(report) = form.validate(op) {
        let (code, detail) = details::for_report(&report);
        return fail(code, &detail);
    }
    let order_number = form.get("order_number").unwrap_or("").to_owned();
    let worker = sandbox.clone();
    let done = sandbox
        .write(move |tx| {
            let ctx = Ctx { form: &form, version, contract: &contract, now: tx.now(), url: worker.url(), errors };
            (served.handler)(tx, &ctx)
        })
        .await;
    match done {
        Ok(written) => {
            // names and codes only: no parameter value but the order number is ever logged
            tracing::debug!(cgi = %cgi, operation = op.name, order_number = %order_number, status = written.status, "answered");
            respond(written)
        }
        Err(e) => {
            tracing::error!(error = %e, cgi = %cgi, "sandbox database error");
            respond(writer::apache_500())
        }
    }
}
