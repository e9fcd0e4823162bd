//! The buyer's browser, as far as a sandbox's pages need one: it fetches a page, reads its first form, fills it in
//! and submits it, and follows redirects as a browser does. Demos and tests drive buyer pages with it.
//!
//! ```no_run
//! # async fn walk(url: &str) -> Result<(), japay_sandbox::buyer::BuyerError> {
//! use japay_sandbox::buyer::Browser;
//!
//! let browser = Browser::new()?;
//! let page = browser.get(url).await?; // the payment page the gateway redirected the merchant to
//! let form = page.form()?;
//! let done = browser.submit(&form, &[("card_number", "4242424242424242")]).await?;
//! println!("the buyer ended at {} (via {:?})", done.url, done.redirects);
//! # Ok(())
//! # }
//! ```
//!
//! What it does as a browser would: a form's `action` is resolved against the page's URL (empty: the page itself),
//! its `method` is GET unless it says POST; every named `<input>` is sent (a checkbox or radio button only when
//! `checked`, `on` when it has no value; no buttons), a filled-in name replacing the page's value or added after the
//! page's inputs; POST bodies are UTF-8
//! `application/x-www-form-urlencoded`. A 301, 302 or 303 is followed with a GET, a 307 or 308 with the same method
//! and body, at most 10 in a row. What it does not: JavaScript (an auto-submitting page is submitted by calling
//! [`Browser::submit`]), cookies, `<select>` and `<textarea>`.

use std::fmt;
use std::time::Duration;

use reqwest::{Method, Url};

use crate::form;

/// How many redirects in a row are followed.
const MAX_REDIRECTS: usize = 10;

/// Why a page could not be fetched, read or submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuyerError {
    message: String,
}

impl BuyerError {
    fn new(message: String) -> BuyerError {
        BuyerError { message }
    }
}

impl fmt::Display for BuyerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuyerError {}

/// The browser. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Browser {
    http: reqwest::Client,
    follow: bool,
}

impl Browser {
    /// A browser that follows redirects, with a 20 s timeout per request.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new() -> Result<Browser, BuyerError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| BuyerError::new(format!("cannot build an http client: {e}")))?;
        Ok(Browser { http, follow: true })
    }

    /// The same browser, following redirects or stopping at the first answer (then [`Page::location`] says where
    /// a redirect leads).
    pub fn following_redirects(self, follow: bool) -> Browser {
        Browser { follow, ..self }
    }

    /// GETs `url`.
    ///
    /// # Errors
    /// A transport error, or more than 10 redirects in a row.
    pub async fn get(&self, url: &str) -> Result<Page, BuyerError> {
        self.visit(Method::GET, url, None).await
    }

    /// POSTs `fields` as a UTF-8 form to `url` (a form on another site posting here, such as a merchant's
    /// auto-submitting form).
    ///
    /// # Errors
    /// As [`Browser::get`].
    pub async fn post(&self, url: &str, fields: &[(&str, &str)]) -> Result<Page, BuyerError> {
        self.visit(Method::POST, url, Some(form::encode(fields.iter().copied()))).await
    }

    /// Submits `form` with `fill` typed in (replacing the page's values of those names, or added).
    ///
    /// # Errors
    /// As [`Browser::get`].
    pub async fn submit(&self, form: &Form, fill: &[(&str, &str)]) -> Result<Page, BuyerError> {
        let mut fields: Vec<(&str, &str)> = form
            .fields
            .iter()
            .filter(|(n, _)| !fill.iter().any(|(f, _)| f == n))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        fields.extend(fill.iter().copied());
        let body = form::encode(fields);
        if form.post {
            self.visit(Method::POST, &form.action, Some(body)).await
        } else {
            let mut url = Url::parse(&form.action).map_err(|e| BuyerError::new(format!("{}: {e}", form.action)))?;
            url.set_query(Some(&body));
            self.visit(Method::GET, url.as_str(), None).await
        }
    }

    async fn visit(&self, method: Method, url: &str, body: Option<String>) -> Result<Page, BuyerError> {
        let (mut method, mut url, mut body) = (method, url.to_owned(), body);
        let mut redirects = Vec::new();
        loop {
            let mut request = self.http.request(method.clone(), &url);
            if let Some(body) = &body {
                request = request.header("content-type", "application/x-www-form-urlencoded").body(body.clone());
            }
            let response = request.send().await.map_err(|e| BuyerError::new(format!("{method} {url}: {e}")))?;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(|location| resolve(&url, location));
            let text = response.text().await.map_err(|e| BuyerError::new(format!("{method} {url}: {e}")))?;
            let page = Page { url: url.clone(), status, location, redirects: redirects.clone(), body: text };
            let next = match (self.follow, status, &page.location) {
                (true, 301..=303, Some(next)) => Some((Method::GET, next.clone(), None)),
                (true, 307 | 308, Some(next)) => Some((method.clone(), next.clone(), body.clone())),
                _ => None,
            };
            let Some(next) = next else { return Ok(page) };
            if redirects.len() == MAX_REDIRECTS {
                return Err(BuyerError::new(format!("{url}: more than {MAX_REDIRECTS} redirects")));
            }
            redirects.push(next.1.clone());
            (method, url, body) = next;
        }
    }
}

/// A page as the browser ended on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// Its URL (after the redirects followed).
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// The `Location` it answered with, resolved against its URL (a redirect not followed).
    pub location: Option<String>,
    /// The URLs redirected to on the way, in order.
    pub redirects: Vec<String>,
    /// The body, as text.
    pub body: String,
}

impl Page {
    /// The page's first form.
    ///
    /// # Errors
    /// When the page is not a 2xx answer or has no `<form>`.
    pub fn form(&self) -> Result<Form, BuyerError> {
        if !(200..300).contains(&self.status) {
            return Err(BuyerError::new(format!("{}: expected a page (http 200), got http {}", self.url, self.status)));
        }
        Form::first(&self.body, &self.url).ok_or_else(|| BuyerError::new(format!("{}: expected a <form>", self.url)))
    }
}

/// A form as a page holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// Where it is submitted, an absolute URL.
    pub action: String,
    /// Whether it is submitted with POST (else GET).
    pub post: bool,
    /// Its named inputs with their values, in document order.
    pub fields: Vec<(String, String)>,
}

impl Form {
    /// The value of the input `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The first `<form>` of `html`, its action resolved against `base`, the page's URL.
    pub fn first(html: &str, base: &str) -> Option<Form> {
        let lower = html.to_ascii_lowercase();
        let start = lower.find("<form")?;
        let end = lower.get(start..)?.find("</form").map_or(html.len(), |e| start + e);
        let tag_end = start + lower.get(start..)?.find('>')?;
        let tag = html.get(start..tag_end)?;
        let action = resolve(base, &attribute(tag, "action").unwrap_or_default());
        let post = attribute(tag, "method").is_some_and(|m| m.eq_ignore_ascii_case("post"));
        let mut fields = Vec::new();
        let mut at = tag_end;
        while let Some(offset) = lower.get(at..end).and_then(|s| s.find("<input")) {
            let tag_start = at + offset;
            let tag_len = lower.get(tag_start..end)?.find('>')?;
            let tag = html.get(tag_start..tag_start + tag_len)?;
            at = tag_start + tag_len;
            let kind = attribute(tag, "type").unwrap_or_default().to_ascii_lowercase();
            let choice = kind == "radio" || kind == "checkbox";
            if (choice && attribute(tag, "checked").is_none())
                || matches!(kind.as_str(), "submit" | "button" | "reset" | "image" | "file")
            {
                continue;
            }
            if let Some(name) = attribute(tag, "name") {
                let value = attribute(tag, "value").unwrap_or_else(|| if choice { "on" } else { "" }.to_owned());
                fields.push((name, value));
            }
        }
        Some(Form { action, post, fields })
    }
}

/// The value of an attribute in a tag (quoted with `"` or `'`, bare, or empty when it has no value), entities
/// decoded; `None` when the tag does not have it.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(offset) = lower.get(from..)?.find(name) {
        let at = from + offset;
        from = at + name.len();
        let starts = at > 0 && lower.as_bytes().get(at - 1).is_some_and(u8::is_ascii_whitespace);
        let rest = tag.get(from..)?;
        let ends = rest.chars().next().is_none_or(|c| c.is_ascii_whitespace() || matches!(c, '=' | '/' | '>'));
        if !starts || !ends {
            continue;
        }
        let Some(rest) = rest.trim_start().strip_prefix('=') else { return Some(String::new()) };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest.get(1..)?.split(q).next()?,
            _ => rest.split(|c: char| c.is_ascii_whitespace() || c == '>').next()?,
        };
        return Some(unescape(value));
    }
    None
}

/// The text of an attribute value with its character references decoded (the ones [`crate::html::escape`] writes).
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `location` resolved against `base` (absolute, absolute-path or relative).
fn resolve(base: &str, location: &str) -> String {
    match Url::parse(base).and_then(|b| b.join(location)) {
        Ok(url) => url.to_string(),
        Err(_) => location.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_pages_first_form_is_read_as_a_browser_reads_it() {
        let html = "<p>x</p><FORM Method='POST' action=\"/pay?a=1&amp;b=2\">\n\
                    <input type=\"hidden\" name=\"token\" value=\"t&quot;1\">\n\
                    <input name=card value=''>\n<input type=checkbox name=keep checked>\n\
                    <input type=\"radio\" name=\"off\" value=\"x\">\n<input value=\"no name\">\n\
                    <input type=\"submit\" name=\"go\" value=\"送信\"></form><form action=\"/second\"></form>";
        let form = Form::first(html, "http://127.0.0.1:1/shop/page.html?t=1").unwrap();
        assert_eq!(form.action, "http://127.0.0.1:1/pay?a=1&b=2");
        assert!(form.post);
        let fields: Vec<(&str, &str)> = form.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(fields, [("token", "t\"1"), ("card", ""), ("keep", "on")]);
        // (html, base, action, post)
        let cases = [
            ("<form><input name=a value=1></form>", "http://h/p/q.html?x=1", "http://h/p/q.html?x=1", false),
            ("<form action=\"r.html\" method=get></form>", "http://h/p/q.html", "http://h/p/r.html", false),
            ("<form action=\"https://shop.example/t\" method=post>", "http://h/", "https://shop.example/t", true),
        ];
        for (html, base, action, post) in cases {
            let form = Form::first(html, base).unwrap();
            assert_eq!((form.action.as_str(), form.post), (action, post), "{html}");
        }
        assert!(Form::first("<p>no form</p>", "http://h/").is_none());
    }

    #[test]
    fn attributes_are_matched_by_whole_name() {
        // (tag, name, value)
        let cases = [
            ("<input data-name=\"x\" name=\"y\">", "name", Some("y")),
            ("<input name=\"a\" value=\"v\">", "value", Some("v")),
            ("<input checked name=a>", "checked", Some("")),
            ("<input name=a unchecked>", "checked", None),
            ("<input nameless=\"1\">", "name", None),
        ];
        for (tag, name, value) in cases {
            assert_eq!(attribute(tag, name).as_deref(), value, "{tag} {name}");
        }
    }
}
