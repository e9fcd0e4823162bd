//! The link method (リンク方式): an auto-submitting form that sends the buyer to Yamato's settlement-selection page
//! (`settleSelectAction.gw`) with the order in hidden fields (facts §2.3).
//!
//! The table is `spec/kuroneko/link/settle_select.yaml` (a test keeps this module equal to it): the fixed
//! `TRS_MAP=V_W02`, the order and buyer fields, and the browser's return URLs `success_url`, `failure_url` and
//! `cancel_url`. Every value is checked with the rule of the API parameter of the same name (so the same text
//! rules hold: representable in Shift_JIS without the CP932 extensions, no half-width katakana in
//! `buyer_name_kanji`, the byte limits), the return URLs must be `https://`, and every value is HTML-escaped into
//! the page. The form posts with `accept-charset="Shift_JIS"` as every example does: the page itself is UTF-8 and the
//! browser converts on submit, which loses nothing because every value was checked to be representable.
//!
//! ```
//! use kuroneko_proto::link::{LinkForm, LinkTarget};
//!
//! let form = LinkForm {
//!     trader_code: "888888888",
//!     order_no: "ORDER-1",
//!     goods_name: "お茶 <緑>",
//!     settle_price: "1500",
//!     buyer_name_kanji: "山田 太郎",
//!     buyer_name_kana: Some("ヤマダ タロウ"),
//!     buyer_tel: "0312345678",
//!     buyer_email: "taro@example.jp",
//!     success_url: "https://shop.example/ok",
//!     failure_url: "https://shop.example/ng",
//!     cancel_url: None,
//! };
//! let page = form.page(LinkTarget::Test, None)?;
//! assert!(page.contains(r#"action="https://ptwebcollect.jp/test_gateway/settleSelectAction.gw""#));
//! assert!(page.contains(r#"accept-charset="Shift_JIS""#));
//! assert!(page.contains("お茶 &lt;緑&gt;"));
//! # Ok::<(), kuroneko_proto::Report>(())
//! ```

use std::fmt::Write as _;

use japay_core::request::validate;
use japay_core::spec::{FieldSpec, Marker, OperationSpec};
use japay_core::{Charset, Options, Report};

use crate::generated::params;

/// Where the form posts: Yamato's test or production settlement-selection page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkTarget {
    /// `https://ptwebcollect.jp/test_gateway/settleSelectAction.gw`
    Test,
    /// `https://payment.kuronekoyamato.co.jp/webcollect/settleSelectAction.gw`
    Production,
    /// Another `https://` URL, or a local sandbox's `http://` loopback URL (checked like a return URL with the
    /// local-sandbox switch: see [`LinkForm::page`]).
    Url(&'static str),
}

/// The test page (spec `urls.test`).
pub const TEST_URL: &str = "https://ptwebcollect.jp/test_gateway/settleSelectAction.gw";
/// The production page (spec `urls.production`).
pub const PRODUCTION_URL: &str = "https://payment.kuronekoyamato.co.jp/webcollect/settleSelectAction.gw";
/// The charset the form is posted in (spec `accept_charset`).
pub const ACCEPT_CHARSET: &str = "Shift_JIS";
/// The fixed `TRS_MAP` value (spec `fields[TRS_MAP].fixed`).
pub const TRS_MAP: &str = "V_W02";

/// A return URL: printable ASCII starting with `https://` (the rule of `trader_ec_url`, without its 128-byte limit,
/// which the link method does not document).
const fn url_field(name: &'static str, marker: Marker) -> FieldSpec {
    FieldSpec::new(name, params::TRADER_EC_URL.kind)
        .with_marker(marker)
        .with_checks(params::TRADER_EC_URL.checks)
        .with_label("", "browser return url")
}

/// The form's fields, in the order of the spec file; each order and buyer field is the API parameter of that name.
pub static FIELDS: [FieldSpec; 12] = [
    FieldSpec::new("TRS_MAP", params::TRADER_EC_URL.kind).with_fixed(TRS_MAP, &[TRS_MAP]).with_marker(Marker::Required),
    params::TRADER_CODE,
    params::ORDER_NO,
    params::GOODS_NAME.with_marker(Marker::Required),
    params::SETTLE_PRICE,
    params::BUYER_NAME_KANJI,
    params::BUYER_NAME_KANA.with_marker(Marker::Optional),
    params::BUYER_TEL,
    params::BUYER_EMAIL,
    url_field("success_url", Marker::Required),
    url_field("failure_url", Marker::Required),
    url_field("cancel_url", Marker::Optional),
];

/// The form as an operation table, so the core's validator checks it.
pub static SETTLE_SELECT: OperationSpec =
    OperationSpec::new("settle_select", &crate::generated::GATEWAY, "settleSelectAction.gw").with_fields(&FIELDS);

/// The order and the buyer, for the settlement-selection page. Borrowed; `TRS_MAP` is added by the builder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkForm<'a> {
    /// `trader_code`: the merchant code.
    pub trader_code: &'a str,
    /// `order_no`: the order number.
    pub order_no: &'a str,
    /// `goods_name`: the product name.
    pub goods_name: &'a str,
    /// `settle_price`: the amount in yen.
    pub settle_price: &'a str,
    /// `buyer_name_kanji`: the buyer's name.
    pub buyer_name_kanji: &'a str,
    /// `buyer_name_kana`: the buyer's name in full-width katakana.
    pub buyer_name_kana: Option<&'a str>,
    /// `buyer_tel`: the buyer's phone number.
    pub buyer_tel: &'a str,
    /// `buyer_email`: the buyer's e-mail address.
    pub buyer_email: &'a str,
    /// `success_url`: where the browser returns after a payment.
    pub success_url: &'a str,
    /// `failure_url`: where the browser returns after a failed payment.
    pub failure_url: &'a str,
    /// `cancel_url`: where the browser returns when the buyer cancels.
    pub cancel_url: Option<&'a str>,
}

impl<'a> LinkForm<'a> {
    /// The values in [`FIELDS`] order (`TRS_MAP` as its fixed value).
    pub fn values(&self) -> [Option<&'a str>; 12] {
        [
            Some(TRS_MAP),
            Some(self.trader_code),
            Some(self.order_no),
            Some(self.goods_name),
            Some(self.settle_price),
            Some(self.buyer_name_kanji),
            self.buyer_name_kana,
            Some(self.buyer_tel),
            Some(self.buyer_email),
            Some(self.success_url),
            Some(self.failure_url),
            self.cancel_url,
        ]
    }

    /// Checks every value with its rule (see the module docs).
    ///
    /// # Errors
    /// A [`Report`] with every violation.
    pub fn validate(&self, options: Options) -> Result<(), Report> {
        validate(&SETTLE_SELECT, &self.values(), options)
    }

    /// The hidden inputs and the submit button, as a `<form>` element posting to `target` with
    /// `accept-charset="Shift_JIS"`; every value HTML-escaped. For a page of the shop's own.
    ///
    /// # Errors
    /// A [`Report`] with every violation (nothing is written then); a [`LinkTarget::Url`] that is not `https://`
    /// (or, for a local sandbox, `http://` to a loopback host with `options` allowing it) is a violation on
    /// `action`.
    pub fn form(&self, target: LinkTarget, options: Options) -> Result<String, Report> {
        let action = match target {
            LinkTarget::Test => TEST_URL,
            LinkTarget::Production => PRODUCTION_URL,
            LinkTarget::Url(url) => {
                static ACTION: [FieldSpec; 1] = [url_field("action", Marker::Required)];
                static ACTION_SPEC: OperationSpec =
                    OperationSpec::new("settle_select", &crate::generated::GATEWAY, "").with_fields(&ACTION);
                validate(&ACTION_SPEC, &[Some(url)], options)?;
                url
            }
        };
        self.validate(options)?;
        let mut out = String::with_capacity(2048);
        out.push_str("<form id=\"kuroneko-link\" method=\"post\" action=\"");
        escape_into(&mut out, action);
        out.push_str("\" accept-charset=\"");
        out.push_str(ACCEPT_CHARSET);
        out.push_str("\">\n");
        for (field, value) in FIELDS.iter().zip(self.values()) {
            if let Some(value) = value {
                out.push_str("<input type=\"hidden\" name=\"");
                escape_into(&mut out, field.wire);
                out.push_str("\" value=\"");
                escape_into(&mut out, value);
                out.push_str("\">\n");
            }
        }
        out.push_str("<button type=\"submit\">決済画面へ進む (continue to payment)</button>\n</form>");
        Ok(out)
    }

    /// A whole UTF-8 page that submits the [`form`](LinkForm::form) as soon as it loads. With `nonce`, the one
    /// inline script carries it (for a `script-src 'nonce-…'` Content-Security-Policy); the button stays for a
    /// browser without JavaScript.
    ///
    /// # Errors
    /// As [`LinkForm::form`] (with [`Options`] for UTF-8 and no local-sandbox switch), and a `nonce` with other
    /// characters than ASCII letters, digits, `+`, `/`, `=`, `-` and `_` is a violation on `nonce`.
    pub fn page(&self, target: LinkTarget, nonce: Option<&str>) -> Result<String, Report> {
        self.page_with(target, nonce, Options::new(Charset::Utf8))
    }

    /// [`LinkForm::page`] with explicit [`Options`] (a local sandbox's `http://` loopback target and return URLs).
    ///
    /// # Errors
    /// As [`LinkForm::page`].
    pub fn page_with(&self, target: LinkTarget, nonce: Option<&str>, options: Options) -> Result<String, Report> {
        if let Some(nonce) = nonce
            && (nonce.is_empty()
                || !nonce.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')))
        {
            let mut report = Report::new();
            report.push(
                "nonce",
                japay_core::ViolationKind::Pattern { expected: "a base64 nonce", ch: None, char_index: 0 },
            );
            return Err(report);
        }
        let form = self.form(target, options)?;
        let mut out = String::with_capacity(form.len() + 512);
        out.push_str("<!DOCTYPE html>\n<html lang=\"ja\">\n<head><meta charset=\"utf-8\"><title>決済画面へ</title></head>\n<body>\n");
        out.push_str(&form);
        out.push_str("\n<script");
        if let Some(nonce) = nonce {
            let _ = write!(out, " nonce=\"{nonce}\"");
        }
        out.push_str(">document.getElementById(\"kuroneko-link\").submit();</script>\n</body>\n</html>\n");
        Ok(out)
    }
}

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped (safe in element text and quoted attributes).
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn form() -> LinkForm<'static> {
        LinkForm {
            trader_code: "888888888",
            order_no: "ORDER-1",
            goods_name: "\"><script>alert(1)</script>",
            settle_price: "1500",
            buyer_name_kanji: "山田 太郎",
            buyer_name_kana: None,
            buyer_tel: "0312345678",
            buyer_email: "taro@example.jp",
            success_url: "https://shop.example/ok?a=1&b=2",
            failure_url: "https://shop.example/ng",
            cancel_url: None,
        }
    }

    #[test]
    fn every_value_is_escaped() {
        let page = form().page(LinkTarget::Production, Some("abc123")).unwrap();
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(page.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("https://shop.example/ok?a=1&amp;b=2"));
        assert!(page.contains("<script nonce=\"abc123\">"));
        assert_eq!(page.matches("<input").count(), 10, "absent optional fields are not written");
        assert!(page.contains("name=\"TRS_MAP\" value=\"V_W02\""));
    }

    #[test]
    fn values_follow_the_api_rules() {
        let rules = |f: LinkForm<'_>, options: Options, target: LinkTarget| {
            f.page_with(target, None, options)
                .err()
                .map(|r| r.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let utf8 = Options::new(Charset::Utf8);
        let ok = form();
        for (f, target, expected) in [
            (LinkForm { buyer_name_kanji: "ﾔﾏﾀﾞ", ..ok }, LinkTarget::Test, vec![("buyer_name_kanji", "pattern")]),
            (LinkForm { goods_name: "①", ..ok }, LinkTarget::Test, vec![("goods_name", "charset")]),
            (
                LinkForm { buyer_name_kana: Some("やまだ"), ..ok },
                LinkTarget::Test,
                vec![("buyer_name_kana", "pattern")],
            ),
            (LinkForm { buyer_name_kana: Some("ヤマダ タロウ"), ..ok }, LinkTarget::Test, vec![]),
            (
                LinkForm { success_url: "http://shop.example/", ..ok },
                LinkTarget::Test,
                vec![("success_url", "pattern")],
            ),
            (LinkForm { order_no: "order-1", ..ok }, LinkTarget::Test, vec![("order_no", "pattern")]),
            (ok, LinkTarget::Url("http://evil.example/"), vec![("action", "pattern")]),
            (ok, LinkTarget::Url("https://other.example/gw"), vec![]),
        ] {
            let got = rules(f, utf8, target);
            let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), *b)).collect();
            assert_eq!(got, expected, "{f:?}");
        }
    }
}
