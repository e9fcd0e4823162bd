//! What every handler shares: [`Epsilon`], the gateway on the neutral machinery, reached as
//! `State<`[`Sandbox`]`>` (`sandbox.gateway()` is the Epsilon part, `sandbox.write` one transaction).

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use japay_sandbox::form::Form;
use japay_sandbox::{Gateway, Refusal, Tx};
use serde_json::Value;

use crate::{api, control, notices, pages, schema};

/// The sandbox handle every handler gets.
pub(crate) type Sandbox = japay_sandbox::Sandbox<Epsilon>;

/// Epsilon's part of a running sandbox: the contracts and where buyers return.
pub(crate) struct Epsilon {
    /// Active contract codes (never empty).
    pub(crate) contracts: Vec<String>,
    /// Contract codes answered 907.
    pub(crate) inactive_contracts: Vec<String>,
    /// Where the buyer's browser is redirected after a page.
    pub(crate) return_url: Option<String>,
}

impl Epsilon {
    /// Whether `contract` may use the gateway: configured and not inactive.
    pub(crate) fn active(&self, contract: &str) -> bool {
        self.contracts.iter().any(|c| c == contract) && !self.inactive_contracts.iter().any(|c| c == contract)
    }
}

impl Gateway for Epsilon {
    const MIGRATIONS: &'static [&'static str] = schema::MIGRATIONS;
    const REFERENCE: &'static str = "order_number";

    fn accepts(&self, status: u16, body: &[u8]) -> bool {
        notices::accepts(status, body)
    }

    fn api(&self) -> Router<Sandbox> {
        Router::new().route("/cgi-bin/order/{cgi}", post(api::api))
    }

    fn pages(&self) -> Router<Sandbox> {
        Router::new()
            .route("/cgi-bin/order/method_select3.cgi", get(pages::method_select_get).post(pages::method_select_post))
            .route("/cgi-bin/order/card3.cgi", get(pages::card3_get).post(pages::card3_post))
            .route("/sandbox/acs", post(pages::acs))
            .route("/sandbox/token", post(control::token))
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
