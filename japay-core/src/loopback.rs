//! `http://` to a loopback host: the one plain-HTTP URL form the crate ever takes (a local sandbox on a laptop or in
//! CI), for outcome URLs and, with [`Options::local_sandbox`](crate::Options#structfield.local_sandbox), for fields
//! that must start with `https://`.

/// Whether `url` is `http://` followed by a loopback host (`127.0.0.0/8` as a dotted quad of decimal octets,
/// `localhost`, `[::1]`), then an optional `:` and port digits, then `/`, `?` or the end. Nothing that a browser
/// could read as another host: `http://127.0.0.1.evil.example/`, `http://localhost@evil/`,
/// `http://localhost:80@evil/` and `http://[::1]x` are refused.
pub fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let (host, after) = match rest.strip_prefix("[::1]") {
        Some(after) => ("[::1]", after),
        None => {
            let end = rest.find([':', '/', '?']).unwrap_or(rest.len());
            rest.split_at_checked(end).unwrap_or((rest, ""))
        }
    };
    if !(host == "localhost" || host == "[::1]" || is_loopback_quad(host)) {
        return false;
    }
    let after = match after.strip_prefix(':') {
        Some(port) => {
            let digits = port.bytes().take_while(u8::is_ascii_digit).count();
            if !(1..=5).contains(&digits) {
                return false;
            }
            port.get(digits..).unwrap_or("")
        }
        None => after,
    };
    after.is_empty() || after.starts_with('/') || after.starts_with('?')
}

/// `127.a.b.c`, each part 1-3 decimal digits of at most 255.
fn is_loopback_quad(host: &str) -> bool {
    let mut parts = host.split('.');
    let octet = |p: Option<&str>| {
        p.is_some_and(|p| {
            (1..=3).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
    };
    parts.next() == Some("127")
        && octet(parts.next())
        && octet(parts.next())
        && octet(parts.next())
        && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_then_a_port_path_query_or_the_end() {
        #[rustfmt::skip]
        let cases: [(&str, bool); 26] = [
            ("http://127.0.0.1", true),
            ("http://127.0.0.1/", true),
            ("http://127.0.0.1:8383/cgi-bin/x?a=1", true),
            ("http://127.1.2.3?x", true),
            ("http://127.255.255.255:1", true),
            ("http://localhost", true),
            ("http://localhost:3000/return", true),
            ("http://[::1]", true),
            ("http://[::1]:80/a", true),
            ("http://127.0.0.1.evil.com/", false),
            ("http://localhost@evil/", false),
            ("http://localhost:80@evil.example/", false),
            ("http://[::1]x", false),
            ("http://[::1].evil/", false),
            ("http://localhost.evil.example/", false),
            ("http://127.0.0.256/", false),
            ("http://127.0.0/", false),
            ("http://127.0.0.1.1/", false),
            ("http://128.0.0.1/", false),
            ("http://127.0.0.1:/", false),
            ("http://127.0.0.1:123456/", false),
            ("http://127.0.0.1#x", false),
            ("http://127.0.0.1\\@evil.example/", false),
            ("https://127.0.0.1/", false),
            ("HTTP://127.0.0.1/", false),
            ("http://pay.example.com/", false),
        ];
        for (url, expected) in cases {
            assert_eq!(is_loopback_http(url), expected, "{url}");
        }
    }
}
