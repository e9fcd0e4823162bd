//! Outcomes: hand-written `<return>` answers of each operation and what `outcome()` makes of them (through the
//! generated `OUTCOMES` table, the same `summarize` a client calls). Every operation fails closed: an answer its
//! cases do not explain is an error, never a guess.

use kuroneko_proto::answer::Answer;
use kuroneko_proto::generated::{OUTCOMES, SECRET_NAMES};

/// What an answer came to: `Ok((outcome name, kind, error code))` or `Err(the OutcomeError's Debug prefix)`.
type Decided = Result<(&'static str, &'static str, Option<String>), String>;

fn decide(operation: &str, children: &str) -> Decided {
    let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><return>{children}</return>");
    let answer = Answer::parse_with_secrets(body.as_bytes(), SECRET_NAMES).expect("a well-formed answer");
    let summarize = OUTCOMES
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("no outcomes for {operation}"));
    match summarize(&answer) {
        Ok(s) => Ok((s.name, s.kind, s.error.map(|c| c.value().to_owned()))),
        Err(e) => Err(format!("{e:?}").split([' ', '{', '(']).next().unwrap_or_default().to_owned()),
    }
}

const OK: &str = "<returnCode>0</returnCode><errorCode/><returnDate>20260401120000</returnDate>";

fn failure(code: &str) -> String {
    format!("<returnCode>1</returnCode><errorCode>{code}</errorCode><returnDate>20260401120000</returnDate>")
}

fn ok(name: &'static str) -> Decided {
    Ok((name, "ok", None))
}

fn failed(code: &str) -> Decided {
    Ok(("failure", "failure", Some(code.to_owned())))
}

fn refused(error: &str) -> Decided {
    Err(error.to_owned())
}

#[test]
fn answers_decide_their_outcomes() {
    let slip = "<billingNo>1234567890123</billingNo><billingUrl>https://example.jp/slip</billingUrl>\
                <expiredDate>20260410</expiredDate>";
    let famima = "<companyCode>12345</companyCode><orderNoF>123456789012</orderNoF><expiredDate>20260410</expiredDate>";
    let econ = "<econNo>1234567</econNo><expiredDate>20260410</expiredDate>";
    #[rustfmt::skip]
    let table: Vec<(&str, String, Decided)> = vec![
        // a 3-D Secure page beside an approval number is not an authorization; a page without its token is not a start
        ("credit_token", format!("{OK}<crdCResCd>123456</crdCResCd>"), ok("authorized")),
        ("credit_token", format!("{OK}<crdCResCd>123456</crdCResCd><threeDAuthHtml>&lt;form/&gt;</threeDAuthHtml>"), refused("Ambiguous")),
        ("credit_token", format!("{OK}<threeDAuthHtml>&lt;form/&gt;</threeDAuthHtml>"), refused("MissingField")),
        ("credit", format!("{OK}<crdCResCd>123456</crdCResCd><threeDAuthHtml>&lt;form/&gt;</threeDAuthHtml><threeDToken/>"), refused("Ambiguous")),
        ("cvs_seven_eleven", format!("{OK}{slip}"), ok("registered")),
        ("cvs_seven_eleven", format!("{OK}<billingNo>1</billingNo><expiredDate>20260410</expiredDate>"), refused("Undecided")),
        ("cvs_seven_eleven", format!("{OK}{slip}").replace("<errorCode/>", "<errorCode>B012000002</errorCode>"), refused("ErrorCodeOnSuccess")),
        ("cvs_seven_eleven", failure("B012000002"), failed("B012000002")),
        ("cvs_family_mart", format!("{OK}{famima}"), ok("registered")),
        ("cvs_family_mart", format!("{OK}{slip}"), refused("Undecided")),
        ("cvs_lawson", format!("{OK}{econ}"), ok("registered")),
        ("cvs_circle_k_sunkus", format!("{OK}{econ}"), ok("registered")),
        ("cvs_ministop", failure("B054000001"), failed("B054000001")),
        ("cvs_seicomart", format!("{OK}<econNo/><expiredDate>20260410</expiredDate>"), refused("Undecided")),
        ("shipment_entry", format!("{OK}<slipUrlPc>https://example.jp/t</slipUrlPc><slipUrlMobile/>"), ok("registered")),
        ("shipment_entry", OK.to_owned(), ok("registered")),
        ("shipment_entry", failure("E011010451"), failed("E011010451")),
        ("shipment_cancel", OK.to_owned(), ok("cancelled")),
        ("shipment_cancel", failure("E021010351"), failed("E021010351")),
        ("change_date", OK.to_owned(), ok("changed")),
        ("change_date", failure("E031010472"), failed("E031010472")),
        ("trade_info", format!("{OK}<resultCount>1</resultCount><resultData><orderNo>ORDER-0001</orderNo><statusInfo>4</statusInfo></resultData>"), ok("found")),
        ("trade_info", format!("{OK}<resultCount>0</resultCount>"), ok("found")),
        ("trade_info", OK.to_owned(), refused("Undecided")),
        ("trade_info", failure("E041010301"), failed("E041010301")),
        ("trader_ip", format!("{OK}<ipAddress>203.0.113.7</ipAddress>"), ok("address")),
        ("trader_ip", OK.to_owned(), refused("Undecided")),
        ("trader_ip", failure("Z012000009"), failed("Z012000009")),
        ("paypay_settle_cancel", OK.to_owned(), ok("cancelled")),
        ("paypay_settle_cancel", failure("L022000003"), failed("L022000003")),
        ("paypay_settle", format!("{OK}<redirectHtml>&lt;form action=&quot;https://paypay.example/&quot;&gt;&lt;/form&gt;</redirectHtml>"), Ok(("redirect", "redirect_html", None))),
        ("paypay_settle", OK.to_owned(), refused("Undecided")),
        ("paypay_settle", format!("{OK}<redirectHtml/>"), refused("Undecided")),
        ("paypay_settle", failure("L012000002"), failed("L012000002")),
        ("paypay_change_price", OK.to_owned(), ok("changed")),
        // returnCode 2: an increase waiting for the buyer's approval (WOO-admin only)
        ("paypay_change_price", "<returnCode>2</returnCode><errorCode/><returnDate>20260401120000</returnDate>".to_owned(), Ok(("awaiting_buyer", "pending", None))),
        ("paypay_change_price", "<returnCode>2</returnCode><errorCode>L032000003</errorCode>".to_owned(), refused("ErrorCodeOnSuccess")),
        ("trade_info", "<returnCode>2</returnCode><errorCode/>".to_owned(), refused("UnknownResult")),
        ("paypay_change_price", failure("L032000003"), failed("L032000003")),
        // a count that is not the rows the answer carries: the answer contradicts itself and is refused
        ("trade_info", format!("{OK}<resultCount>1</resultCount>"), refused("CountMismatch")),
        ("trade_info", format!("{OK}<resultCount>x</resultCount><resultData><orderNo>A</orderNo></resultData>"), refused("CountMismatch")),
        ("trade_info", format!("{OK}<resultCount>01</resultCount><resultData><orderNo>A</orderNo></resultData>"), ok("found")),
        ("trade_info", format!("{OK}<resultCount>0</resultCount>"), ok("found")),
        ("credit_info_get", format!("{OK}<cardUnit>2</cardUnit><cardData><cardKey>1</cardKey></cardData>"), refused("CountMismatch")),
        ("credit_info_get", format!("{OK}<cardUnit>1</cardUnit><cardData><cardKey>1</cardKey></cardData>"), ok("cards")),
        // G01 (no answer ever seen): registered only with an approval number, 3-D Secure only with its page
        ("regular", format!("{OK}<crdCResCd>123456</crdCResCd>"), ok("registered")),
        ("regular", OK.to_owned(), refused("Undecided")),
        ("regular", format!("{OK}<threeDAuthHtml>&lt;form/&gt;</threeDAuthHtml><threeDToken>t</threeDToken>"), Ok(("three_d_secure", "tds_html", None))),
        ("regular", format!("{OK}<crdCResCd>1</crdCResCd><threeDAuthHtml>&lt;form/&gt;</threeDAuthHtml><threeDToken>t</threeDToken>"), refused("Ambiguous")),
        ("regular_3d", OK.to_owned(), ok("accepted")),
        ("regular_info", OK.to_owned(), ok("accepted")),
        ("regular_update", failure("Z019999999"), failed("Z019999999")),
        ("regular_delete", OK.to_owned(), ok("accepted")),
        // a result value no case covers, or none at all, is refused for every operation
        ("trader_ip", "<returnCode>9</returnCode><errorCode/>".to_owned(), refused("UnknownResult")),
        ("shipment_entry", "<errorCode/><returnDate>20260401120000</returnDate>".to_owned(), refused("MissingResult")),
        ("cvs_lawson", "<returnCode>1</returnCode><errorCode/>".to_owned(), refused("MissingField")),
    ];
    for (operation, children, expected) in &table {
        assert_eq!(&decide(operation, children), expected, "{operation}: {children}");
    }
}

/// The pages an outcome hands over as `Secret` (A08's `threeDAuthHtml`, L01's `redirectHtml`) are secret in the
/// answer's `Debug` too: the answer view must not show what its outcome hides.
#[test]
fn the_pages_outcomes_keep_secret_are_redacted_in_the_answers_debug() {
    use kuroneko_proto::generated::{CreditTokenResponse, PaypaySettleResponse};
    let page = "&lt;form action=&quot;https://pay.example/s/SESSION-0123&quot;&gt;&lt;/form&gt;";
    let body = |children: String| format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><return>{children}</return>");
    let a08 = body(format!("{OK}<threeDAuthHtml>{page}</threeDAuthHtml><threeDToken>{}</threeDToken>", "t".repeat(32)));
    let l01 = body(format!("{OK}<redirectHtml>{page}</redirectHtml>"));
    let a08 = CreditTokenResponse::parse(a08.as_bytes()).expect("an A08 answer");
    let l01 = PaypaySettleResponse::parse(l01.as_bytes()).expect("an L01 answer");
    for (operation, shown) in [
        ("credit_token", format!("{a08:?} {:?}", a08.outcome())),
        ("paypay_settle", format!("{l01:?} {:?}", l01.outcome())),
    ] {
        assert!(!shown.contains("SESSION-0123"), "{operation}: {shown}");
    }
}
