//! `kuroneko spec show OP` (markdown) for every operation of `OPERATIONS`, one insta snapshot each, named after the
//! operation: a new operation gets its snapshot on the first `INSTA_UPDATE=always cargo test -p kuroneko-cli`, a
//! changed spec shows up as a snapshot diff. And `spec list` lists them all.

use kuroneko_proto::generated::OPERATIONS;

use super::kuroneko;

/// Runs `kuroneko ARGS`; its stdout, after checking it exited 0 with nothing on stderr.
fn stdout_of(args: &[&str]) -> String {
    let out = kuroneko(args, b"");
    assert_eq!(out.status.code(), Some(0), "kuroneko {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "kuroneko {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn spec_show_markdown_of_every_operation() {
    assert!(!OPERATIONS.is_empty());
    for op in OPERATIONS {
        let markdown = stdout_of(&["spec", "show", op.name, "--format", "markdown"]);
        assert_eq!(markdown, stdout_of(&["spec", "show", op.name]), "markdown is the default format");
        insta::assert_snapshot!(op.name, markdown);
    }
}

#[test]
fn spec_show_json_of_every_operation_is_one_object() {
    for op in OPERATIONS {
        let json = stdout_of(&["spec", "show", op.name, "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(value["name"], op.name);
        assert_eq!(value["endpoint"], op.path, "{}: the path is called endpoint", op.name);
        let wires: Vec<&str> =
            value["fields"].as_array().expect("fields").iter().filter_map(|f| f["wire"].as_str()).collect();
        let expected: Vec<&str> = op.fields.iter().map(|f| f.wire).collect();
        assert_eq!(wires, expected, "{}: the fields in spec order", op.name);
    }
}

#[test]
fn spec_list_lists_every_operation() {
    let expected: String = OPERATIONS.iter().map(|op| format!("{}\n", op.name)).collect();
    assert_eq!(stdout_of(&["spec", "list"]), expected);
}
