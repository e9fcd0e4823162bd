//! The body of the fuzz target `kuroneko_sandbox_request` (`fuzz/fuzz_targets/kuroneko_sandbox_request.rs`): the
//! front of the Kuroneko sandbox's request path on untrusted bodies (the form parser, the routing by path and
//! `function_div`, the operation's own validation and the check_sum comparison; `kuroneko_sandbox::fuzzing`).
//! Replayed over `fuzz/corpus/kuroneko_sandbox_request/` and `fuzz/regressions/kuroneko_sandbox_request/` below.
//!
//! Input layout: the first byte selects the function name of the URL (modulo the list; the last is unknown), the
//! rest is the body. Nothing may panic, and:
//!
//! * a refusal is a 10-character error code that `kuroneko_proto::explain` reads: Z012000002 or Z012000003, or a
//!   code of an operation on that URL; a validation code names a field of that operation, or item 99, the sandbox's
//!   item for a field the spec numbers not (regression `a08_violation_on_a_field_without_an_item`);
//! * an accepted request names an operation on that URL, and the same parameters encoded again by the client's
//!   encoder (with the sandbox's access key) are accepted as the same operation.
#![allow(clippy::panic)]

use japay_core::{Charset, Credentials, DynamicRequest, Options};
use kuroneko_proto::error_layout::CodeKind;
use kuroneko_proto::generated::OPERATIONS;
use kuroneko_sandbox::fuzzing;

/// The function names the first byte selects; the last is none the gateway has.
const NAMES: [&str; 12] = [
    "creditToken",
    "creditToken3D",
    "credit",
    "creditInfoGet",
    "creditCancel",
    "cvs1",
    "cvs2",
    "cvs3",
    "shipmentEntry",
    "tradeInfo",
    "paypaySettle",
    "nothing",
];

/// The access key of the sandbox under test.
const ACCESS_KEY: &str = kuroneko_sandbox::DEFAULT_ACCESS_KEY;

/// Fuzz target `kuroneko_sandbox_request`: see the module documentation.
pub fn kuroneko_sandbox_request(data: &[u8]) {
    let (name, body) = match data.split_first() {
        Some((&selector, rest)) => (NAMES[usize::from(selector) % NAMES.len()], rest),
        None => (NAMES[0], data),
    };
    let on_path = || OPERATIONS.iter().filter(move |op| op.path == name);
    match fuzzing::request(name, body, ACCESS_KEY) {
        Err(code) => {
            let explained = kuroneko_proto::explain(&code).unwrap_or_else(|e| panic!("{name}: code {code:?}: {e}"));
            if explained.function == "Z01" {
                assert!(matches!(code.as_str(), "Z012000002" | "Z012000003"), "{name}: {code}");
                return;
            }
            let op = explained.operation.unwrap_or_else(|| panic!("{name}: {code} names no operation"));
            assert!(on_path().any(|o| std::ptr::eq(*o, op)), "{name}: {code} is {}'s", op.name);
            if let CodeKind::Validation { field, item, .. } = explained.kind {
                // item 99: a field the spec gives no item number (the sandbox's NO_ITEM); no operation has 99 items
                assert!(field.is_some() || item == 99, "{name}: {code} names no field of {}", op.name);
                assert!(op.fields.iter().all(|f| f.item != Some(99)), "{}: an item 99", op.name);
            }
        }
        Ok(op) => {
            assert!(on_path().any(|o| std::ptr::eq(*o, op)), "{name}: accepted as {}", op.name);
            let form = japay_sandbox::form::Form::parse(body).unwrap_or_else(|e| panic!("{name}: accepted, {e}"));
            let mut request = DynamicRequest::new(op);
            for (param, value) in form.pairs() {
                let field = op.field_index(param).and_then(|i| op.fields.get(i));
                if field.is_some_and(|f| f.computed.is_none() && f.fixed.is_none()) {
                    request.set(param, value);
                }
            }
            let credentials = Credentials::new().with("access_key", ACCESS_KEY);
            let options = Options::new(Charset::Utf8).local_sandbox(true).with_credentials(&credentials);
            let mut again = Vec::new();
            request
                .encode(options, &mut again)
                .unwrap_or_else(|report| panic!("{name}: accepted by the sandbox, refused by the encoder: {report}"));
            let second = fuzzing::request(name, &again, ACCESS_KEY);
            assert!(
                second.as_ref().is_ok_and(|o| std::ptr::eq(*o, op)),
                "{name}: the re-encoded request is not accepted as {}: {second:?}",
                op.name
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use super::kuroneko_sandbox_request;

    fn files(sub: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(sub).join("kuroneko_sandbox_request");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn kuroneko_sandbox_request_corpus_and_regressions_replay() {
        let seeds = files("corpus");
        assert!(seeds.len() >= 6, "only {} seeds", seeds.len());
        for path in seeds.iter().chain(files("regressions").iter()) {
            let data = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            eprintln!("kuroneko_sandbox_request: {}", path.display());
            kuroneko_sandbox_request(&data);
        }
    }

    /// The seeds named `ok_*` are accepted, the others refused, so the corpus covers both branches.
    #[test]
    fn kuroneko_sandbox_request_seeds_read_as_named() {
        for path in files("corpus") {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let data = fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let (selector, body) = data.split_first().unwrap_or((&0, &[]));
            let function = super::NAMES[usize::from(*selector) % super::NAMES.len()];
            let result = kuroneko_sandbox::fuzzing::request(function, body, super::ACCESS_KEY);
            assert_eq!(result.is_ok(), name.starts_with("ok_"), "{name}: {result:?}");
        }
    }
}
