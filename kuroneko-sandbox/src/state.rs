//! What every handler shares: [`Kuroneko`], the gateway on the neutral machinery, reached as
//! `State<`[`Sandbox`]`>` (`sandbox.gateway()` is the Kuroneko part, `sandbox.write` one transaction).

use axum::Router;
use axum::response::Response;
use axum::routing::{any, get, post};
use japay_sandbox::form::Form;
use japay_sandbox::{Gateway, Refusal, Tx};
use serde_json::Value;

use crate::{api, control, host, notices, pages, schema};

/// The sandbox handle every handler gets.
pub(crate) type Sandbox = japay_sandbox::Sandbox<Kuroneko>;

/// Kuroneko's part of a running sandbox: the merchants it knows and the setup state of seed 004.
pub(crate) struct Kuroneko {
    /// Known trader codes (never empty).
    pub(crate) traders: Vec<String>,
    /// The access key checksums are computed with.
    pub(crate) access_key: String,
    /// The service start date (利用開始日), `yyyyMMdd`: before it every call is Z012000007.
    pub(crate) start_date: Option<String>,
    /// Whether the API method was applied for (else Z012000008).
    pub(crate) api_contract: bool,
}

impl Gateway for Kuroneko {
    const MIGRATIONS: &'static [&'static str] = schema::MIGRATIONS;
    const REFERENCE: &'static str = "order_no";

    fn accepts(&self, status: u16, body: &[u8]) -> bool {
        notices::accepts(status, body)
    }

    fn api(&self) -> Router<Sandbox> {
        Router::new()
            .route("/test_gateway/{name}", any(api::guarded))
            .route("/api/{name}", any(api::guarded))
            .route("/{name}", any(api::guarded))
            .route_layer(axum::middleware::from_fn(host::check))
    }

    fn pages(&self) -> Router<Sandbox> {
        // H01 answers whatever --allow-host says: its routes are open (facts §1.2; uncertain, see the crate docs)
        let mut router = Router::new();
        for path in api::TRADER_IP_PATHS {
            router = router.route(path, any(api::open));
        }
        let buyer = Router::new()
            .route("/sandbox/acs", post(pages::acs))
            .route("/sandbox/paypay/{key}", get(pages::paypay_get).post(pages::paypay_post))
            .layer(axum::middleware::map_response(pages::secured));
        router
            .merge(buyer)
            .route("/sandbox/token", post(control::token))
            .route("/sandbox/time", post(control::time))
            .route_layer(axum::middleware::from_fn(host::check))
    }

    fn refuse(&self, path: &str) -> Response {
        api::refuse(path)
    }

    fn order(&self, tx: &Tx<'_>, reference: &str) -> rusqlite::Result<Result<Value, Refusal>> {
        control::order(tx, reference)
    }

    fn deposit(&self, tx: &Tx<'_>, form: &Form) -> rusqlite::Result<Result<Value, Refusal>> {
        control::deposit(tx, form)
    }
}
