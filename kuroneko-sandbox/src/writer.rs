//! The answer writer: Kuroneko's `<return>` XML document (facts §3.1), UTF-8.
//!
//! Every answer is `<?xml version="1.0" encoding="UTF-8"?>` and a `<return>` root whose children are `returnCode`,
//! `errorCode` (an empty element on success), `returnDate` (`yyyyMMddHHmmss`), then the function's own elements in
//! the order given, then its repeated groups (`cardData`, `resultData`) as plain repeated siblings. An empty value is
//! written as an empty element (`<settleDate/>`), never left out. Every text is escaped (`&`, `<`, `>`, `"`, `'`), so
//! an HTML value (`threeDAuthHtml`, `redirectHtml`) reads back byte for byte. **Sandbox choice**: no white space
//! between elements (the gateway's layout is not recorded; the clients read the elements, not the layout).

/// An answer being written.
#[derive(Clone, PartialEq, Eq)]
pub struct Writer {
    out: String,
}

impl std::fmt::Debug for Writer {
    /// Names only: an answer may carry a 3-D Secure token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer { .. }")
    }
}

impl Writer {
    /// A `<return>` with `returnCode`, `errorCode` (empty for none) and `returnDate`.
    pub fn new(return_code: &str, error_code: &str, return_date: &str) -> Writer {
        let mut w = Writer { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><return>") };
        w.element("returnCode", return_code);
        w.element("errorCode", error_code);
        w.element("returnDate", return_date);
        w
    }

    /// A success (`returnCode` 0, no error code).
    pub fn ok(return_date: &str) -> Writer {
        Writer::new("0", "", return_date)
    }

    /// An error (`returnCode` 1 with `error_code`).
    pub fn error(error_code: &str, return_date: &str) -> Writer {
        Writer::new("1", error_code, return_date)
    }

    /// Appends `<name>value</name>` (`<name/>` when the value is empty).
    pub fn element(&mut self, name: &str, value: &str) -> &mut Writer {
        if value.is_empty() {
            self.out.push('<');
            self.out.push_str(name);
            self.out.push_str("/>");
        } else {
            self.out.push('<');
            self.out.push_str(name);
            self.out.push('>');
            escape_into(value, &mut self.out);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// Appends one occurrence of a repeated group: `<name>` with its elements.
    pub fn group(&mut self, name: &str, elements: &[(&str, &str)]) -> &mut Writer {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        for (n, v) in elements {
            self.element(n, v);
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// The finished document.
    pub fn finish(&self) -> String {
        let mut out = self.out.clone();
        out.push_str("</return>");
        out
    }
}

/// Escapes XML text.
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use kuroneko_proto::Answer;
    use kuroneko_proto::generated::OUTCOMES;

    use super::*;

    /// The outcome name and error code of `body` as `op`'s answer, decided by the generated outcome.
    pub(crate) fn classify(op: &str, body: &str) -> (String, String) {
        let answer = Answer::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{op}: {e}: {body}"));
        let summarize = OUTCOMES.iter().find(|(name, _)| *name == op).unwrap().1;
        let summary = summarize(&answer).unwrap_or_else(|e| panic!("{op}: {e}: {body}"));
        (summary.name.to_owned(), summary.error.map(|c| c.value().to_owned()).unwrap_or_default())
    }

    #[test]
    fn documents_read_back_and_classify() {
        let html = "<form action=\"https://a/?x=1&y='2'\"></form>";
        let mut tds = Writer::ok("20260401120000");
        tds.element("threeDAuthHtml", html).element("threeDToken", "0123456789abcdef0123456789abcdef");
        let mut fail = Writer::error("A082000010", "20260401120000");
        fail.element("creditErrorCode", "G12");
        let mut ok = Writer::ok("20260401120000");
        ok.element("crdCResCd", "123456");
        // (document, outcome, error code)
        let cases = [
            (tds.finish(), "three_d_secure", ""),
            (fail.finish(), "failure", "A082000010"),
            (ok.finish(), "authorized", ""),
            (Writer::error("Z012000009", "20260401120000").finish(), "failure", "Z012000009"),
        ];
        for (body, outcome, code) in cases {
            assert_eq!(classify("credit_token", &body), (outcome.to_owned(), code.to_owned()), "{body}");
        }
        let body = tds.finish();
        let answer = Answer::parse(body.as_bytes()).unwrap();
        assert_eq!(answer.get("threeDAuthHtml"), Some(html));
        assert_eq!(answer.get("errorCode"), Some(""));
    }

    #[test]
    fn groups_are_repeated_siblings() {
        let mut w = Writer::ok("20260401120000");
        w.element("resultCount", "2");
        w.group("resultData", &[("orderNo", "A1"), ("settleDate", "")]);
        w.group("resultData", &[("orderNo", "A2"), ("settleDate", "20260401")]);
        let body = w.finish();
        let answer = Answer::parse(body.as_bytes()).unwrap();
        let rows: Vec<_> = answer.groups_named("resultData").map(|b| b.get("orderNo").map(str::to_owned)).collect();
        assert_eq!(rows, [Some("A1".to_owned()), Some("A2".to_owned())]);
        assert!(body.contains("<settleDate/>"));
        assert_eq!(format!("{w:?}"), "Writer { .. }");
    }
}
