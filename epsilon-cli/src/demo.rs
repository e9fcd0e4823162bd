//! `epsilon demo`: the main flows end to end against an in-process sandbox ([`live`]).

pub(crate) use live::run;

/// The walk against a sandbox: issue 7 §5. Every step prints what it sent and what came back, and fails the demo
/// (exit 1) when the sandbox answers something else than the gateway would.
mod live {
    use std::fmt::Display;
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use epsilon_client::Client;
    use epsilon_proto::transport::Environment;
    use epsilon_proto::{
        Card3dsResult, Card3dsResultOutcome, CardPayment, CardPaymentOutcome, LinkOrder, LinkOrderOutcome, OrderInfo,
        OrderInfoOutcome, UserRegister, UserRegisterOutcome, VirtualAccount, VirtualAccountOutcome,
    };
    use japay_sandbox::buyer::{Browser, Page};

    /// The contract code the sandbox accepts by default.
    const CONTRACT: &str = "12345678";
    /// The test card the sandbox approves.
    const CARD_OK: &str = "4242424242424242";
    /// The test card the sandbox answers with 3-D Secure 2.0 (result 6).
    const CARD_3DS2: &str = "4000000000003220";
    /// The link order whose number step 6 sends again.
    const LINK_ORDER: &str = "D0001";

    /// Runs `epsilon demo`: 0 when every step answered as the gateway would, 1 otherwise (the failing step on
    /// stderr).
    pub(crate) fn run() -> u8 {
        let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(runtime) => runtime,
            Err(e) => {
                japay_cli::output::Output::std("epsilon")
                    .error(format_args!("demo: cannot start the async runtime: {e}"));
                return japay_cli::output::REJECTED;
            }
        };
        match runtime.block_on(walk()) {
            Ok(()) => 0,
            Err(e) => {
                japay_cli::output::Output::std("epsilon").error(format_args!("demo: {e}"));
                japay_cli::output::REJECTED
            }
        }
    }

    /// Prints a line at once (the walk is slow enough for a person to follow); a closed stdout (`| head`) only
    /// silences the rest.
    fn say(line: impl Display) {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }

    /// An error of a step, with what was expected.
    fn fail<T>(step: &str, what: impl Display) -> Result<T, String> {
        Err(format!("{step}: {what}"))
    }

    async fn walk() -> Result<(), String> {
        let merchant = Merchant::start().await?;
        let config = epsilon_sandbox::Config {
            notify_url: Some(format!("{}/notify", merchant.url)),
            return_url: Some(format!("{}/return", merchant.url)),
            notify_backoff: Duration::from_millis(100),
            ..epsilon_sandbox::Config::default()
        };
        let sandbox = epsilon_sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}"))?;
        say(format_args!("epsilon demo: the main flows against a local sandbox at {} (in memory)", sandbox.url()));
        say(format_args!("merchant endpoint (return_url, notify_url) at {}\n", merchant.url));
        let client = Client::builder()
            .environment(Environment::Custom(sandbox.cgi_base()))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("cannot build the client: {e}"))?;
        let buyer = Browser::new().map_err(|e| e.to_string())?;
        let result = steps(&client, &buyer, &merchant, &sandbox.url()).await;
        sandbox.shutdown().await;
        merchant.server.abort();
        result
    }

    async fn steps(client: &Client, buyer: &Browser, merchant: &Merchant, sandbox: &str) -> Result<(), String> {
        register_user(client, buyer, merchant).await?;
        link_order(client, buyer, merchant).await?;
        card_3ds2(client, buyer, merchant).await?;
        virtual_account(client, sandbox, "D0003", Deposits::ShortThenTopUp).await?;
        virtual_account(client, sandbox, "D0004", Deposits::NoneBeforeTheDeadline).await?;
        duplicate(client).await?;
        say("\ndone: every step answered as the gateway would.");
        Ok(())
    }

    /// Step 1: user_register (process 3), the card page driven by the demo, the redirect to return_url.
    async fn register_user(client: &Client, buyer: &Browser, merchant: &Merchant) -> Result<(), String> {
        const STEP: &str = "1. register a user";
        say("1. Register a user (user_register, process 3) through the sandbox card page");
        let request = UserRegister {
            contract_code: CONTRACT,
            user_id: "U0001",
            user_name: "山田 太郎",
            user_mail_add: "taro@example.com",
            ..Default::default()
        };
        let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
        let response = answer.view();
        let url = match response.outcome() {
            Ok(UserRegisterOutcome::Redirect { url }) => url.to_owned(),
            other => return fail(STEP, format_args!("expected a redirect, got {other:?}")),
        };
        say(format_args!("   answer: redirect to {url}"));
        let form = buyer.get(&url).await.and_then(|page| page.form()).map_err(|e| format!("{STEP}: {e}"))?;
        say(format_args!("   buyer: card {} expiring 2030-12 → {}", masked(CARD_OK), form.action));
        let page = buyer
            .submit(&form, &[("card_number", CARD_OK), ("expire", "203012")])
            .await
            .map_err(|e| format!("{STEP}: {e}"))?;
        let query = merchant.arrival(&page).map_err(|e| format!("{STEP}: {e}"))?;
        say(format_args!("   merchant: return_url received {query}"));
        if !query.contains("result=1") || !query.contains("user_id=U0001") {
            return fail(STEP, format_args!("expected result=1 and user_id=U0001, got {query}"));
        }
        say("   user U0001 registered, card stored\n");
        Ok(())
    }

    /// Step 2: a link order completed as the buyer, the completion redirect, the notification, getsales2.
    async fn link_order(client: &Client, buyer: &Browser, merchant: &Merchant) -> Result<(), String> {
        const STEP: &str = "2. link order";
        say(format_args!("2. Link order {LINK_ORDER} (link_order), paid by card on the sandbox payment page"));
        let request = link_order_request(LINK_ORDER);
        let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
        let response = answer.view();
        let url = match response.outcome() {
            Ok(LinkOrderOutcome::Redirect { url }) => url.to_owned(),
            other => return fail(STEP, format_args!("expected a redirect, got {other:?}")),
        };
        say(format_args!("   answer: redirect to {url}"));
        let form = buyer.get(&url).await.and_then(|page| page.form()).map_err(|e| format!("{STEP}: {e}"))?;
        say(format_args!("   buyer: pays by card {} on the payment page", masked(CARD_OK)));
        let fields = [("method", "card"), ("card_number", CARD_OK), ("expire", "203012"), ("security_code", "123")];
        let page = buyer.submit(&form, &fields).await.map_err(|e| format!("{STEP}: {e}"))?;
        let query = merchant.arrival(&page).map_err(|e| format!("{STEP}: {e}"))?;
        say(format_args!("   merchant: completion redirect received {query}"));
        if !query.contains(&format!("order_number={LINK_ORDER}")) {
            return fail(STEP, format_args!("expected order_number={LINK_ORDER} in the redirect, got {query}"));
        }
        let notification = merchant.wait_notification(LINK_ORDER).await.map_err(|e| format!("{STEP}: {e}"))?;
        say(format_args!("   merchant: 決済完了通知 received and answered 1: {notification}"));
        let info = OrderInfo { contract_code: CONTRACT, order_number: Some(LINK_ORDER), ..Default::default() };
        let answer = client.call(&info).await.map_err(|e| format!("{STEP}: {e}"))?;
        let response = answer.view();
        match response.outcome() {
            Ok(OrderInfoOutcome::Found) => {}
            other => return fail(STEP, format_args!("expected getsales2 to find the order, got {other:?}")),
        }
        let state = response.answer().get("state").unwrap_or_default();
        say(format_args!(
            "   getsales2: found, state {state}, trans_code {}, item_price {}\n",
            response.answer().get("trans_code").unwrap_or_default(),
            response.answer().get("item_price").unwrap_or_default()
        ));
        if state != "1" {
            return fail(STEP, format_args!("expected state 1 (paid) in getsales2, got {state:?}"));
        }
        Ok(())
    }

    /// The link order of step 2 (and the duplicate of step 6).
    fn link_order_request(order_number: &str) -> LinkOrder<'_> {
        LinkOrder {
            contract_code: CONTRACT,
            user_id: "U0001",
            user_name: "山田 太郎",
            user_mail_add: "taro@example.com",
            item_code: "ITEM1",
            item_name: "デモ商品",
            order_number,
            st_code: "10000-0000-00000",
            mission_code: "1",
            item_price: "1200",
            ..Default::default()
        }
    }

    /// Step 3: card_payment with a 3-D Secure 2.0 card, the ACS page, card_3ds_result.
    async fn card_3ds2(client: &Client, buyer: &Browser, merchant: &Merchant) -> Result<(), String> {
        const STEP: &str = "3. 3-D Secure 2.0";
        const ORDER: &str = "D0002";
        say(format_args!("3. Card payment {ORDER} through the API (card_payment) with 3-D Secure 2.0"));
        let request = CardPayment {
            contract_code: CONTRACT,
            user_id: "U0001",
            user_name: "YAMADA Taro",
            user_mail_add: "taro@example.com",
            item_code: "ITEM2",
            item_name: "demo item",
            order_number: ORDER,
            mission_code: "1",
            item_price: "3000",
            process_code: "1",
            card_number: Some(CARD_3DS2),
            expire_y: Some("2030"),
            expire_m: Some("12"),
            tds_check_code: Some("1"),
            ..Default::default()
        };
        let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
        let response = answer.view();
        let (url, pareq) = match response.outcome() {
            Ok(CardPaymentOutcome::ThreeDSecure2 { url, pareq }) => (url.to_owned(), pareq.expose().to_owned()),
            other => return fail(STEP, format_args!("expected result 6 (3-D Secure 2.0), got {other:?}")),
        };
        say(format_args!("   answer: result 6, 3-D Secure 2.0 at {url} (pareq withheld)"));
        let term_url = format!("{}/term", merchant.url);
        let form = buyer
            .post(&url, &[("PaReq", &pareq), ("TermUrl", &term_url), ("MD", ORDER)])
            .await
            .and_then(|page| page.form())
            .map_err(|e| format!("{STEP}: {e}"))?;
        say("   buyer: the ACS page asks for authentication; the buyer approves");
        let back = buyer
            .submit(&form, &[("auth", "ok")])
            .await
            .and_then(|page| page.form())
            .map_err(|e| format!("{STEP}: {e}"))?;
        let pares = back.value("PaRes").ok_or_else(|| format!("{STEP}: no PaRes in the ACS's return form"))?;
        if back.value("MD") != Some(ORDER) {
            return fail(STEP, "expected the ACS to post back the MD it was given");
        }
        say(format_args!("   ACS: posts PaRes and MD back to the TermUrl ({})", back.action));
        let second = Card3dsResult { contract_code: CONTRACT, order_number: ORDER, tds_pares: pares };
        let answer = client.call(&second).await.map_err(|e| format!("{STEP}: {e}"))?;
        let response = answer.view();
        match response.outcome() {
            Ok(Card3dsResultOutcome::Authorized) => {}
            other => return fail(STEP, format_args!("expected the second leg to authorize, got {other:?}")),
        }
        say("   second leg (card_3ds_result, tds_check_code 2): authorized\n");
        Ok(())
    }

    /// What steps 4 and 5 do with their virtual account.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Deposits {
        /// Step 4: 3000 of 5000 (決済失敗), then 2000 more (入金完了).
        ShortThenTopUp,
        /// Step 5: nothing, and the clock moves past the 30-day deadline (入金期限切れ).
        NoneBeforeTheDeadline,
    }

    /// Steps 4 and 5: a virtual account, deposits and the deadline, through the control endpoints.
    async fn virtual_account(client: &Client, sandbox: &str, order: &str, deposits: Deposits) -> Result<(), String> {
        let (number, title) = match deposits {
            Deposits::ShortThenTopUp => (4, "a short deposit, then a top-up"),
            Deposits::NoneBeforeTheDeadline => (5, "no deposit until the deadline passes"),
        };
        let label = format!("{number}. virtual account");
        say(format_args!("{number}. Virtual account {order} (virtual_account): {title}"));
        let request = VirtualAccount {
            contract_code: CONTRACT,
            user_id: "U0001",
            user_name: "ヤマダ タロウ",
            user_mail_add: "taro@example.com",
            item_code: "ITEM3",
            item_name: "demo item",
            order_number: order,
            st_code: "00000-0000-00000-00000-00100-00000-00000",
            item_price: "5000",
            ..Default::default()
        };
        let answer = client.call(&request).await.map_err(|e| format!("{label}: {e}"))?;
        let response = answer.view();
        match response.outcome() {
            Ok(VirtualAccountOutcome::Issued) => {}
            other => return fail(&label, format_args!("expected an issued account, got {other:?}")),
        }
        let get = |name| response.answer().get(name).unwrap_or_default();
        say(format_args!(
            "   issued: {} {} ({}), account {} {}",
            get("bank_name"),
            get("branch_name"),
            get("bank_code"),
            get("account_no"),
            get("account_name")
        ));
        let control = Control::new(sandbox)?;
        let expect = |status: serde_json::Value, want: &str| -> Result<(), String> {
            let va = status.get("va_status").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            if va.contains(want) {
                Ok(())
            } else {
                fail(&label, format_args!("expected va_status {want}, got {status}"))
            }
        };
        if deposits == Deposits::ShortThenTopUp {
            let status = control.deposit(order, 3000).await?;
            say(format_args!("   deposit 3000 of 5000 → va_status {}", field(&status, "va_status")));
            expect(status, "決済失敗")?;
            let status = control.deposit(order, 2000).await?;
            say(format_args!(
                "   top-up 2000 → va_status {}, deposited {}\n",
                field(&status, "va_status"),
                field(&status, "deposited")
            ));
            expect(status, "入金完了")?;
        } else {
            let status = control.advance_days(31).await.and(control.order(order).await)?;
            say(format_args!("   sandbox clock +31 days → va_status {}\n", field(&status, "va_status")));
            expect(status, "入金期限切れ")?;
        }
        Ok(())
    }

    /// Step 6: the order number of step 2 again: 604.
    async fn duplicate(client: &Client) -> Result<(), String> {
        const STEP: &str = "6. duplicate order number";
        say(format_args!("6. The order number {LINK_ORDER} again (link_order)"));
        let answer = client.call(&link_order_request(LINK_ORDER)).await.map_err(|e| format!("{STEP}: {e}"))?;
        let response = answer.view();
        match response.outcome() {
            Ok(LinkOrderOutcome::Failure { code, detail }) if code.value() == "604" => {
                let text = code.entry.map_or("", |entry| entry.en);
                say(format_args!("   answer: err_code 604 ({text}): {}", detail.unwrap_or_default()));
                Ok(())
            }
            other => fail(STEP, format_args!("expected err_code 604, got {other:?}")),
        }
    }

    /// A string field of a control answer, for display.
    fn field(value: &serde_json::Value, name: &str) -> String {
        match value.get(name) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "(absent)".to_owned(),
        }
    }

    /// A card number with all but the last four digits masked.
    fn masked(card: &str) -> String {
        let tail = card.get(card.len().saturating_sub(4)..).unwrap_or_default();
        format!("****-****-****-{tail}")
    }

    /// The sandbox's control endpoints (JSON answers).
    struct Control {
        http: reqwest::Client,
        base: String,
    }

    impl Control {
        fn new(base: &str) -> Result<Control, String> {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .map_err(|e| format!("cannot build an http client: {e}"))?;
            Ok(Control { http, base: base.to_owned() })
        }

        async fn json(&self, request: reqwest::RequestBuilder, what: &str) -> Result<serde_json::Value, String> {
            let response = request.send().await.map_err(|e| format!("{what}: {e}"))?;
            let status = response.status();
            let text = response.text().await.map_err(|e| format!("{what}: {e}"))?;
            if !status.is_success() {
                return Err(format!("{what}: expected http 200, got {status}: {text}"));
            }
            serde_json::from_str(&text).map_err(|e| format!("{what}: expected json: {e}"))
        }

        fn form(&self, path: &str, body: String) -> reqwest::RequestBuilder {
            self.http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
        }

        /// `POST /sandbox/deposits`, then the order's state.
        async fn deposit(&self, order: &str, amount: u32) -> Result<serde_json::Value, String> {
            let body = format!("order_number={}&amount={amount}", url_encode(order));
            self.json(self.form("/sandbox/deposits", body), "deposit").await?;
            self.order(order).await
        }

        /// `POST /sandbox/clock`.
        async fn advance_days(&self, days: u32) -> Result<serde_json::Value, String> {
            self.json(self.form("/sandbox/clock", format!("advance_days={days}")), "clock").await
        }

        /// `GET /sandbox/orders/{order_number}`.
        async fn order(&self, order: &str) -> Result<serde_json::Value, String> {
            let url = format!("{}/sandbox/orders/{}", self.base, url_encode(order));
            self.json(self.http.get(url), "order").await
        }
    }

    /// Percent-encodes UTF-8 text for a form body or a path segment.
    fn url_encode(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'*') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// The merchant's server: answers `1` to notifications (recording them), records the browser's arrivals at
    /// return_url and the ACS's posts to TermUrl.
    struct Merchant {
        url: String,
        notifications: Arc<Mutex<Vec<String>>>,
        returns: Arc<Mutex<Vec<String>>>,
        server: tokio::task::JoinHandle<()>,
    }

    impl Merchant {
        async fn start() -> Result<Merchant, String> {
            use axum::routing::{get, post};
            let notifications = Arc::new(Mutex::new(Vec::new()));
            let returns = Arc::new(Mutex::new(Vec::new()));
            let (n, r) = (Arc::clone(&notifications), Arc::clone(&returns));
            let router = axum::Router::new()
                .route(
                    "/notify",
                    post(move |body: axum::body::Bytes| async move {
                        let text = String::from_utf8_lossy(&body).into_owned();
                        n.lock().map(|mut list| list.push(text)).ok();
                        "1"
                    }),
                )
                .route(
                    "/return",
                    get(move |uri: axum::http::Uri| async move {
                        r.lock().map(|mut list| list.push(uri.query().unwrap_or_default().to_owned())).ok();
                        "thank you"
                    }),
                )
                .route("/term", post(|| async { "ok" }));
            let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .map_err(|e| format!("cannot start the merchant endpoint: {e}"))?;
            let addr = listener.local_addr().map_err(|e| format!("merchant endpoint: {e}"))?;
            let server = tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            });
            Ok(Merchant { url: format!("http://{addr}"), notifications, returns, server })
        }

        /// The buyer's browser arrived at the merchant's return_url (following the sandbox's redirect): the query
        /// string return_url received.
        fn arrival(&self, page: &Page) -> Result<String, String> {
            if !page.url.starts_with(&format!("{}/return", self.url)) {
                let status = page.status;
                return Err(format!(
                    "expected a redirect to the merchant's return_url, got {} (http {status})",
                    page.url
                ));
            }
            if !(200..300).contains(&page.status) {
                return Err(format!("GET {}: http {}", page.url, page.status));
            }
            let last = self.returns.lock().ok().and_then(|list| list.last().cloned());
            last.ok_or_else(|| "the merchant recorded no redirect".to_owned())
        }

        /// The first notification naming `order` (the sandbox sends it after the payment; waited for up to 10 s).
        async fn wait_notification(&self, order: &str) -> Result<String, String> {
            let needle = format!("order_number={order}");
            for _ in 0..100 {
                let found = self
                    .notifications
                    .lock()
                    .ok()
                    .and_then(|list| list.iter().find(|body| body.contains(&needle)).cloned());
                if let Some(body) = found {
                    return Ok(body);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(format!("no notification for {order} within 10 s"))
        }
    }
}
