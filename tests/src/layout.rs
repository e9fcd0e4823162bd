//! The layout holds: the gateway-neutral core knows no gateway.

use std::path::{Path, PathBuf};

/// Words that belong to one gateway; none may appear in the core crate's sources or manifest.
const GATEWAY_WORDS: &[&str] = &["Epsilon_result", "st_code", "contract_code", "receive_order", "epsilon", "Epsilon"];

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_core_crate_has_no_gateway_vocabulary() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("../japay-core");
    let mut files = Vec::new();
    files_below(&core.join("src"), &mut files);
    files.push(core.join("Cargo.toml"));
    assert!(files.len() >= 4, "the core's sources were not found under {}", core.display());
    let mut hits = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for word in GATEWAY_WORDS {
                if line.contains(word) {
                    hits.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(hits.is_empty(), "gateway vocabulary in the core crate:\n{}", hits.join("\n"));
}

/// Words of one gateway or another; none may appear in the neutral client's sources or manifest. The client knows
/// operations only through their specs (effect, lookup) and a gateway only through the `Gateway` trait.
const CLIENT_GATEWAY_WORDS: &[&str] = &[
    "epsilon",
    "Epsilon",
    "kuroneko",
    "Kuroneko",
    "yamato",
    "Yamato",
    "getsales",
    "receive_order",
    "contract_code",
    "order_number",
    "trans_code",
    "st_code",
    "trader",
    "Epsilon_result",
    "cgi",
    "CP932",
    "returnCode",
];

#[test]
fn the_client_crate_has_no_gateway_vocabulary() {
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("../japay-client");
    let mut files = Vec::new();
    files_below(&client.join("src"), &mut files);
    files_below(&client.join("tests"), &mut files);
    files.push(client.join("Cargo.toml"));
    assert!(files.len() >= 4, "the client's sources were not found under {}", client.display());
    let mut hits = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for word in CLIENT_GATEWAY_WORDS {
                if line.contains(word) {
                    hits.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(hits.is_empty(), "gateway vocabulary in the client crate:\n{}", hits.join("\n"));
}

/// What downstream users compile: the runtime crates never depend on the spec compiler or its syntax crates.
#[test]
fn runtime_crates_never_depend_on_the_spec_compiler() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    #[rustfmt::skip]
    let runtime = ["japay-core", "epsilon-proto", "kuroneko-proto", "japay-client", "epsilon-client", "kuroneko-client", "epsilon-sandbox"];
    for krate in runtime {
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
        #[rustfmt::skip]
        let io = ["tokio", "reqwest", "hyper", "axum", "rusqlite", "tracing", "epsilon-client", "kuroneko-client", "epsilon-sandbox"];
        for banned in io {
            let listed = deps.lines().any(|l| l.split(['=', '.', ' ']).next() == Some(banned));
            assert!(!listed, "{krate} depends on {banned}; the protocol crates stay sans-IO");
        }
    }
}

/// Words of one gateway or another that the sandbox machinery must not know: its names, its CGIs, its parameter
/// names (Epsilon's contract_code, st_code, trans_code, …; Kuroneko's trader_code, order_no, …).
const SANDBOX_GATEWAY_WORDS: &[&str] = &[
    "epsilon",
    "kuroneko",
    "yamato",
    "gmo",
    "イプシロン",
    "クロネコ",
    "ヤマト",
    "contract_code",
    "getsales",
    "trader",
    "st_code",
    "trans_code",
    "order_number",
    "order_no",
    "process_code",
    "receive_order",
    "cgi",
    "mission_code",
    "reserve_no",
];

/// The sandbox machinery (`japay-sandbox`) knows no gateway: no gateway's vocabulary in its sources, tests or
/// manifest (matched without regard to ASCII case), and no gateway crate among its dependencies.
#[test]
fn the_sandbox_machinery_has_no_gateway_vocabulary() {
    let machinery = Path::new(env!("CARGO_MANIFEST_DIR")).join("../japay-sandbox");
    let mut files = Vec::new();
    files_below(&machinery.join("src"), &mut files);
    files_below(&machinery.join("tests"), &mut files);
    files.push(machinery.join("Cargo.toml"));
    assert!(files.len() >= 8, "the machinery's sources were not found under {}", machinery.display());
    let mut hits = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for word in SANDBOX_GATEWAY_WORDS {
                if lower.contains(word) {
                    hits.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(hits.is_empty(), "gateway vocabulary in the sandbox machinery:\n{}", hits.join("\n"));
    let manifest = std::fs::read_to_string(machinery.join("Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
    for line in deps.lines().filter(|l| !l.starts_with('#')) {
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        let gateway = name.ends_with("-proto") || name.ends_with("-sandbox") || name.ends_with("-client");
        assert!(!gateway && name != "codegen", "japay-sandbox depends on {name}; the machinery knows no gateway");
    }
}

/// Words of one gateway or another that the CLI machinery must not know: their names, their answers' root
/// elements, their CGIs and parameter names (Epsilon's contract_code, st_code, …; Kuroneko's trader_code, …).
const CLI_GATEWAY_WORDS: &[&str] = &[
    "epsilon",
    "kuroneko",
    "yamato",
    "gmo",
    "イプシロン",
    "クロネコ",
    "ヤマト",
    "epsilon_result",
    "contract_code",
    "getsales",
    "trader",
    "st_code",
    "trans_code",
    "order_number",
    "order_no",
    "process_code",
    "receive_order",
    "cgi",
    "mission_code",
    "returncode",
    "x-sjis",
];

/// The CLI machinery (`japay-cli`) knows no gateway: no gateway's vocabulary in its sources, tests or manifest
/// (matched without regard to ASCII case), and no gateway crate among its dependencies. A gateway's words live in
/// its binary (`epsilon-cli/src/epsilon.rs`, `help.rs`).
#[test]
fn the_cli_machinery_has_no_gateway_vocabulary() {
    let machinery = Path::new(env!("CARGO_MANIFEST_DIR")).join("../japay-cli");
    let mut files = Vec::new();
    files_below(&machinery.join("src"), &mut files);
    files_below(&machinery.join("tests"), &mut files);
    files.push(machinery.join("Cargo.toml"));
    assert!(files.len() >= 8, "the CLI machinery's sources were not found under {}", machinery.display());
    let mut hits = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for word in CLI_GATEWAY_WORDS {
                if lower.contains(word) {
                    hits.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(hits.is_empty(), "gateway vocabulary in the CLI machinery:\n{}", hits.join("\n"));
    let manifest = std::fs::read_to_string(machinery.join("Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
    let deps = deps.split("\n[").next().unwrap_or("");
    for line in deps.lines().filter(|l| !l.starts_with('#')) {
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        let gateway = name.ends_with("-proto") || name.ends_with("-sandbox") || name.ends_with("-client");
        assert!(!gateway && name != "codegen", "japay-cli depends on {name}; the machinery knows no gateway");
    }
}
