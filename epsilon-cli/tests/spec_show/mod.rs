//! `epsilon spec show OP` (markdown) for every operation of `OPERATIONS`, one insta snapshot each, named after the
//! operation: a new operation gets its snapshot on the first `INSTA_UPDATE=always cargo test -p epsilon-cli`, a
//! changed spec shows up as a snapshot diff. And `spec list` lists them all.

use std::process::Command;

use epsilon_proto::OPERATIONS;

/// Runs `epsilon ARGS`; its stdout, after checking it exited 0 with nothing on stderr.
fn epsilon(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_epsilon")).args(args).output().expect("run epsilon");
    assert_eq!(out.status.code(), Some(0), "epsilon {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "epsilon {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn spec_show_markdown_of_every_operation() {
    assert!(!OPERATIONS.is_empty());
    for op in OPERATIONS {
        let markdown = epsilon(&["spec", "show", op.name, "--format", "markdown"]);
        assert_eq!(markdown, epsilon(&["spec", "show", op.name]), "markdown is the default format");
        insta::assert_snapshot!(op.name, markdown);
    }
}

#[test]
fn spec_list_lists_every_operation() {
    let expected: String = OPERATIONS.iter().map(|op| format!("{}\n", op.name)).collect();
    assert_eq!(epsilon(&["spec", "list"]), expected);
}

/// The outcome table `spec show` prints is the one the generated `outcome()` decides between: an operation lists
/// outcome cases exactly when it has a `summarize`, and the JSON form lists them by name and kind, in spec order.
#[test]
fn spec_show_lists_the_outcomes_each_summarize_decides() {
    use epsilon_proto::generated::OUTCOMES;
    for op in OPERATIONS {
        let summarized = OUTCOMES.iter().any(|(name, _)| *name == op.name);
        assert_eq!(!op.outcomes.is_empty(), summarized, "{}: outcome cases iff a summarize", op.name);
        let json: serde_json::Value =
            serde_json::from_str(&epsilon(&["spec", "show", op.name, "--format", "json"])).expect("JSON");
        let listed: Vec<(String, String)> = json["outcomes"]
            .as_array()
            .expect("an outcomes list")
            .iter()
            .map(|case| {
                (case["name"].as_str().unwrap_or("").to_owned(), case["kind"].as_str().unwrap_or("").to_owned())
            })
            .collect();
        let spec: Vec<(String, String)> =
            op.outcomes.iter().map(|case| (case.name.to_owned(), case.kind.to_owned())).collect();
        assert_eq!(listed, spec, "{}", op.name);
    }
}
