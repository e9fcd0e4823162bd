//! `epsilon` with a full or closed stdout or stderr: the exit status says what happened (0, 1 or 2), never a panic
//! (101). `/dev/full` fails every write with "no space left on device".

use std::fs::File;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Which stream goes to `/dev/full`.
#[derive(Clone, Copy, Debug)]
enum Full {
    Stdout,
    Stderr,
    Both,
}

fn dev_full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").expect("/dev/full"))
}

/// Runs `epsilon ARGS` with `stdin`, the `full` stream(s) on `/dev/full`; the exit status and what stderr said when
/// it was not full.
fn run(args: &[&str], stdin: &str, full: Full) -> (Option<i32>, String) {
    let (stdout, stderr) = match full {
        Full::Stdout => (dev_full(), Stdio::piped()),
        Full::Stderr => (Stdio::null(), dev_full()),
        Full::Both => (dev_full(), dev_full()),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_epsilon"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("spawn epsilon");
    let mut pipe = child.stdin.take().expect("stdin");
    let _ = pipe.write_all(stdin.as_bytes()); // the command may exit without reading
    drop(pipe);
    let output = child.wait_with_output().expect("wait for epsilon");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

const ANSWER: &str = "<Epsilon_result><result result=\"1\" /><result redirect=\"https%3A%2F%2Fx\" /></Epsilon_result>";

#[test]
fn full_streams_give_an_exit_status_not_a_panic() {
    let cases: &[(&[&str], &str, Full, i32)] = &[
        // refused input, its message on a full stderr: still 1
        (&["validate", "user_register"], "[]", Full::Stderr, 1),
        (&["encode", "user_register"], "{}", Full::Stderr, 1),
        (&["decode"], "x", Full::Stderr, 1),
        (&["decode", "--query"], "?a=1", Full::Stderr, 1),
        (&["answer", "link_order"], "", Full::Stderr, 1),
        (&["notification", "payment"], "trans_code=1", Full::Stderr, 1),
        (&["notification", "payment"], "%", Full::Stderr, 1),
        // usage errors on a full stderr: still 2
        (&["validate", "nope"], "", Full::Stderr, 2),
        (&[], "", Full::Stderr, 2),
        (&["sandbox", "--listen", "nowhere"], "", Full::Stderr, 2),
        (&["check", "--contract", "12345678", "--base-url", "ftp://x/"], "", Full::Stderr, 2),
        // an answer that cannot be written: 1
        (&["spec", "list"], "", Full::Stdout, 1),
        (&["spec", "show", "link_order", "--format", "json"], "", Full::Both, 1),
        (&["decode"], ANSWER, Full::Both, 1),
        (&["answer", "link_order"], ANSWER, Full::Both, 1),
        (&["validate", "user_register"], "{}", Full::Both, 1),
        (
            &["check", "--contract", "12345678", "--base-url", "http://127.0.0.1:1/", "--timeout", "1"],
            "",
            Full::Both,
            1,
        ),
    ];
    let mut failures = Vec::new();
    for &(args, stdin, full, code) in cases {
        let (got, stderr) = run(args, stdin, full);
        if got != Some(code) {
            failures
                .push(format!("epsilon {} ({full:?} full): exit {got:?}, expected {code}\n{stderr}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // a full stdout is said on stderr
    let (_, stderr) = run(&["spec", "list"], "", Full::Stdout);
    assert!(stderr.starts_with("epsilon: cannot write to stdout: "), "{stderr}");
}

#[test]
fn a_closed_stdout_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_epsilon"))
        .args(["spec", "show", "link_order", "--format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn epsilon");
    drop(child.stdout.take()); // `| head -c0`: the reader is gone before epsilon writes (or while it does)
    let output = child.wait_with_output().expect("wait for epsilon");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}
