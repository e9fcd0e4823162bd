//! The layout holds: the gateway-neutral core knows no gateway.

use std::path::{Path, PathBuf};

/// The words of each gateway: its names, its answers' root elements, its CGIs or endpoints and parameter names.
/// None may appear (matched without regard to ASCII case) in a gateway-neutral crate's sources, tests or manifest.
const EPSILON_WORDS: &[&str] = &[
    "epsilon",
    "gmo",
    "イプシロン",
    "epsilon_result",
    "contract_code",
    "getsales",
    "st_code",
    "trans_code",
    "order_number",
    "process_code",
    "receive_order",
    "mission_code",
    "reserve_no",
    "x-sjis",
];
const KURONEKO_WORDS: &[&str] = &[
    "kuroneko",
    "yamato",
    "クロネコ",
    "ヤマト",
    "trader",
    "function_div",
    "returncode",
    "credittoken",
    "tradeinfo",
    "order_no",
    "settle_price",
    "webcollect",
];

/// The gateway-neutral crates, the folders scanned in each, the fewest files that must be found (so a moved crate
/// fails the test rather than passing it empty), and the words a crate may still hold: the core's spec types name
/// the `cgi` path kind, read the `x-sjis-cp932` charset label, and use a few Epsilon names as examples in docs.
const NEUTRAL: &[(&str, &[&str], usize, &[&str])] = &[
    ("japay-core", &["src"], 4, &["cgi", "x-sjis", "process_code", "trans_code", "order_number"]),
    ("japay-client", &["src", "tests"], 4, &[]),
    ("japay-sandbox", &["src", "tests"], 8, &[]),
    ("japay-cli", &["src", "tests"], 8, &[]),
];
const CGI: &str = "cgi";

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The gateway-neutral crates know no gateway: no word of Epsilon's or Kuroneko's in their sources, tests or
/// manifests, and no gateway crate among their dependencies.
#[test]
fn the_neutral_crates_have_no_gateway_vocabulary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut hits = Vec::new();
    for (krate, dirs, at_least, allowed) in NEUTRAL {
        let dir = root.join(krate);
        let mut files = Vec::new();
        for sub in *dirs {
            files_below(&dir.join(sub), &mut files);
        }
        files.push(dir.join("Cargo.toml"));
        assert!(files.len() >= *at_least, "{krate}'s sources were not found under {}", dir.display());
        let words = EPSILON_WORDS.iter().chain(KURONEKO_WORDS).chain([&CGI]).filter(|w| !allowed.contains(w));
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let lower = line.to_lowercase();
                for word in words.clone() {
                    if lower.contains(word) {
                        hits.push(format!("{}:{}: {word}", file.display(), n + 1));
                    }
                }
            }
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
        let deps = deps.split("\n[").next().unwrap_or("");
        for line in deps.lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['=', '.', ' ']).next().unwrap_or("");
            let gateway = name.starts_with("epsilon") || name.starts_with("kuroneko") || name == "codegen";
            assert!(!gateway, "{krate} depends on {name}; the neutral crates know no gateway");
        }
    }
    assert!(hits.is_empty(), "gateway vocabulary in a gateway-neutral crate:\n{}", hits.join("\n"));
}

/// What downstream users compile: the runtime crates never depend on the spec compiler or its syntax crates.
#[test]
fn runtime_crates_never_depend_on_the_spec_compiler() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in [
        "japay-core",
        "epsilon-proto",
        "kuroneko-proto",
        "japay-client",
        "epsilon-client",
        "kuroneko-client",
        "epsilon-sandbox",
        "kuroneko-sandbox",
        "japay-sandbox",
        "japay-cli",
    ] {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
        let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
        let deps = deps.split("\n[").next().unwrap_or("");
        for banned in ["codegen", "syn", "quote", "prettyplease", "proc-macro2", "marked-yaml"] {
            let listed = deps.lines().any(|l| l.split(['=', '.', ' ']).next() == Some(banned));
            assert!(!listed, "{krate} depends on {banned}; generated code is checked in instead");
        }
    }
}

/// The protocol crates are sans-IO: no runtime, no HTTP client or server, no database in what a user of the codec
/// compiles. Talking to a gateway lives in `japay-client` (Epsilon's in `epsilon-client`), the local gateway in
/// `epsilon-sandbox`.
#[test]
fn protocol_crates_do_no_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in ["japay-core", "epsilon-proto", "kuroneko-proto"] {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
        let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
        let deps = deps.split("\n[").next().unwrap_or("");
        for banned in [
            "tokio",
            "reqwest",
            "hyper",
            "axum",
            "rusqlite",
            "tracing",
            "epsilon-client",
            "epsilon-sandbox",
            "kuroneko-client",
            "kuroneko-sandbox",
        ] {
            let listed = deps.lines().any(|l| l.split(['=', '.', ' ']).next() == Some(banned));
            assert!(!listed, "{krate} depends on {banned}; the protocol crates stay sans-IO");
        }
    }
}
