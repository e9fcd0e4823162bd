//! Buyer pages: plain HTML forms without JavaScript, UTF-8, every text escaped. A gateway writes its page bodies
//! with [`hidden`] and [`field`], and answers them with [`page`] or [`problem`].

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// HTML-escapes text for an element or a double-quoted attribute (`&`, `<`, `>`, `"`, `'`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
    out
}

/// A page: the skeleton (`<!DOCTYPE html>`, `lang="ja"`, UTF-8), `title` escaped as the title and the heading,
/// `body` inserted as it is (HTML the caller built with escaped text). HTTP 200.
pub fn page(title: &str, body: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = escape(title)
    );
    Html(page).into_response()
}

/// A page that says what went wrong (`text` escaped), with `status`.
pub fn problem(status: StatusCode, title: &str, text: &str) -> Response {
    let mut response = page(title, &format!("<p>{}</p>", escape(text)));
    *response.status_mut() = status;
    response
}

/// A hidden input.
pub fn hidden(name: &str, value: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">\n", escape(name), escape(value))
}

/// A labelled text input, pre-filled with `value`.
pub fn field(label: &str, name: &str, value: &str) -> String {
    format!("<p><label>{} <input name=\"{}\" value=\"{}\"></label></p>\n", escape(label), escape(name), escape(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(hidden("n\"", "<v>"), "<input type=\"hidden\" name=\"n&quot;\" value=\"&lt;v&gt;\">\n");
        assert_eq!(field("L&", "n", "v"), "<p><label>L&amp; <input name=\"n\" value=\"v\"></label></p>\n");
    }
}
