//! Rust names for spec names, and the collisions between them. Two spec names that map to the same Rust identifier
//! are a spec error, never a silent overwrite.

use std::collections::BTreeMap;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Whether `s` is a snake_case id (`a-z`, `0-9`, `_`, starting with a letter).
pub(crate) fn is_snake(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `s` is a usable wire name (ASCII letters, digits, `_`; not starting with a digit).
pub(crate) fn is_wire_name(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The snake_case identifier of a wire name (`cardNumber` → `card_number`, `type` stays `type`; see [`is_keyword`]).
/// A run of capitals is one word (`MD` → `md`, `PaRes` → `pa_res`, `threeDSReqAuthData` → `three_ds_req_auth_data`);
/// its last capital starts a new word when a lower-case letter follows (`crdCResCd` → `crd_c_res_cd`).
pub(crate) fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j));
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let starts_word = match prev {
                Some(p) if p.is_ascii_uppercase() => next_lower,
                Some(_) => true,
                None => false,
            };
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether the identifier must be written raw (`r#type`).
pub(crate) fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// The CamelCase type name of a snake_case name (`user_register` → `UserRegister`).
pub(crate) fn camel(name: &str) -> String {
    name.split('_')
        .map(|p| {
            let mut cs = p.chars();
            cs.next().map(|c| c.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The SCREAMING_CASE constant name of a snake_case name.
pub(crate) fn upper(name: &str) -> String {
    name.to_ascii_uppercase()
}

/// The Rust names taken in one scope, with the spec name that took each.
#[derive(Default)]
pub(crate) struct Scope {
    taken: BTreeMap<String, String>,
}

impl Scope {
    /// Takes `rust` for `spec_name`; returns the spec name that already took it, if another one did.
    pub(crate) fn take(&mut self, rust: &str, spec_name: &str) -> Option<String> {
        match self.taken.get(rust) {
            Some(other) if other != spec_name => Some(other.clone()),
            Some(_) => None,
            None => {
                self.taken.insert(rust.to_owned(), spec_name.to_owned());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::snake;

    #[test]
    fn wire_names_become_snake_case() {
        #[rustfmt::skip]
        let cases = [
            ("card_number", "card_number"), ("cardNumber", "card_number"), ("MD", "md"), ("PaRes", "pa_res"),
            ("threeDSReqAuthData", "three_ds_req_auth_data"), ("crdCResCd", "crd_c_res_cd"),
            ("billAddrLine1", "bill_addr_line1"), ("chAccChangeInd", "ch_acc_change_ind"),
        ];
        for (wire, rust) in cases {
            assert_eq!(snake(wire), rust, "{wire}");
        }
    }
}
