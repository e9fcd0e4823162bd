//! Linear time, checked by counting instead of timing: the instructions a run executes at 1× and at 10× the input,
//! counted by valgrind's callgrind, must stay within [`BOUND`] times (a quadratic run gives about 100×, an
//! `n log n` one a little over 10×). Counts do not depend on what else the machine is doing, so one run of each size
//! decides, and inputs need only be large enough that the per-item work outweighs the fixed costs.
//!
//! Two ways to count:
//!
//! - [`assert_linear`], in-process: the test binary runs itself under callgrind, once per size, with only
//!   [`japay_counted_region`] (the call of the code under test on a prepared input, callees included) collected, so
//!   building the input, the test harness and the process start are not counted.
//! - [`command`]: a whole command (for example the `epsilon` binary) under callgrind, with its stdin, exit status and
//!   output, for [`Counts::check`].
//!
//! Without valgrind the tests that count cannot run: outside CI they are ignored (cfg `japay_no_valgrind`, see
//! [`crate::probe`]), under CI they fail, naming the missing tool.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable naming the valgrind executable (else it is looked up in `PATH`).
pub const VALGRIND_ENV: &str = "JAPAY_VALGRIND";

/// The bound on instructions(10×) / instructions(1×).
pub const BOUND: f64 = 15.0;

/// Set in the child process of [`assert_linear`]: `label` TAB `size`, the one case it runs.
const CHILD_ENV: &str = "JAPAY_COUNT_CHILD";

/// The valgrind executable: `$JAPAY_VALGRIND` when set, else `valgrind` in `PATH`; `None` when there is none.
pub fn find_valgrind() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(VALGRIND_ENV).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join("valgrind")).find(|path| path.is_file())
}

/// The valgrind executable, or a failure that says what is missing.
fn valgrind() -> PathBuf {
    find_valgrind().unwrap_or_else(|| {
        let why = if crate::is_ci() { "; CI is set, so this is a failure, not a skip" } else { "" };
        panic!(
            "valgrind not found (in PATH, or ${VALGRIND_ENV}): the linear-time tests count instructions with \
             callgrind; install it (Debian: apt-get install valgrind){why}"
        )
    })
}

/// Instructions counted at 1× and at 10× the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// At 1×.
    pub small: u64,
    /// At 10×.
    pub large: u64,
}

impl Counts {
    /// instructions(10×) / instructions(1×).
    pub fn ratio(self) -> f64 {
        self.large as f64 / self.small.max(1) as f64
    }

    /// `Ok` with the numbers when the ratio is within [`BOUND`], else `Err` saying why. `bytes` are the input sizes at
    /// 1× and 10×: a run that reads its input executes at least one instruction a byte, so fewer means the counted
    /// code did not run (a filtered-out test, a region that never ran), which is an error too.
    pub fn check(self, bytes: [usize; 2]) -> Result<String, String> {
        let [b1, b10] = bytes;
        let verdict = format!(
            "1×: {} instructions ({b1} bytes), 10×: {} instructions ({b10} bytes): {:.2}× (bound {BOUND})",
            self.small,
            self.large,
            self.ratio()
        );
        if self.small < b1 as u64 || self.large < b10 as u64 {
            Err(format!("fewer instructions than input bytes, so the work was not counted: {verdict}"))
        } else if self.ratio() > BOUND {
            Err(format!("not linear: {verdict}"))
        } else {
            Ok(verdict)
        }
    }
}

/// The region whose instructions [`assert_linear`] counts: callgrind collects from entry to return, callees
/// included. Never inlined, so that callgrind sees it under this name.
#[inline(never)]
pub fn japay_counted_region(run: &dyn Fn(&[u8]), input: &[u8]) {
    run(std::hint::black_box(input));
}

/// Asserts that `run` executes linearly many instructions on `make(n)` and `make(10 n)` (see [`measure`]).
///
/// # Panics
///
/// When the ratio exceeds [`BOUND`], when nothing was counted, when the child fails, or when valgrind is missing.
pub fn assert_linear(label: &str, n: usize, make: &dyn Fn(usize) -> Vec<u8>, run: &dyn Fn(&[u8])) {
    if let Some((counts, bytes)) = measure(label, n, make, run) {
        match counts.check(bytes) {
            Ok(verdict) => eprintln!("{label}: {verdict}"),
            Err(e) => panic!("{label}: {e}"),
        }
    }
}

/// The instructions `run` executes on `make(n)` and on `make(10 n)`, with the two input sizes in bytes: each size is
/// run once, in a child process (this test binary under callgrind, running only the calling test), and only
/// [`japay_counted_region`] is counted. `label` names the case within its test (a test may measure several); `run`
/// should fail (panic) on an unexpected result, so that a fast failure cannot pass for a fast success.
///
/// In the child, this runs the case `label` asked for, at the size asked for, and returns `None`; other cases return
/// `None` at once. Code after it in the test should therefore only look at a `Some`.
///
/// # Panics
///
/// When the child fails or counts nothing, or when valgrind is missing.
pub fn measure(
    label: &str,
    n: usize,
    make: &dyn Fn(usize) -> Vec<u8>,
    run: &dyn Fn(&[u8]),
) -> Option<(Counts, [usize; 2])> {
    if let Some(child) = std::env::var_os(CHILD_ENV) {
        let child = child.to_string_lossy();
        let (case, size) = child.rsplit_once('\t').unwrap_or_else(|| panic!("{CHILD_ENV}={child:?}: no size"));
        if case == label {
            let size = size.parse().unwrap_or_else(|e| panic!("{CHILD_ENV}={child:?}: {e}"));
            japay_counted_region(run, &make(size));
        }
        return None;
    }
    let test = std::thread::current().name().map(str::to_owned);
    let test = test.filter(|name| name != "main").unwrap_or_else(|| {
        panic!("{label}: the count runs the calling test again by its name, so it must run in a libtest thread")
    });
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{label}: the test binary: {e}"));
    let count = |size: usize| {
        let args = ["--exact", &test, "--include-ignored", "--test-threads=1"].map(OsString::from);
        let env =
            [(CHILD_ENV, Some(format!("{label}\t{size}"))), ("RUST_TEST_THREADS", None), ("RUST_TEST_NOCAPTURE", None)];
        match callgrind(Some("*japay_counted_region*"), &exe, &args, &env, &[]) {
            Ok((instructions, output)) if output.status.success() => instructions,
            Ok((_, output)) => panic!("{label}: the child at size {size} failed: {}", describe(&output)),
            Err(e) => panic!("{label}: {e}"),
        }
    };
    let bytes = [make(n).len(), make(10 * n).len()];
    Some((Counts { small: count(n), large: count(10 * n) }, bytes))
}

/// Runs `program args` with `stdin` under callgrind and returns the instructions the whole process executed, with its
/// output (callgrind's own messages go to a file, not to the command's stderr).
///
/// # Panics
///
/// When valgrind is missing or cannot run, or writes no count.
pub fn command(program: &Path, args: &[String], stdin: &[u8]) -> (u64, Output) {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    callgrind(None, program, &args, &[], stdin).unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

/// `program args` under callgrind (collecting only inside functions matching `toggle`, when given), with `env` set
/// (`None`: removed): the instruction count and the program's output.
fn callgrind(
    toggle: Option<&str>,
    program: &Path,
    args: &[OsString],
    env: &[(&str, Option<String>)],
    stdin: &[u8],
) -> Result<(u64, Output), String> {
    static SEQUENCE: AtomicUsize = AtomicUsize::new(0);
    let stem = format!("japay-count-{}-{}", std::process::id(), SEQUENCE.fetch_add(1, Ordering::Relaxed));
    let out_file = std::env::temp_dir().join(format!("{stem}.callgrind"));
    let log_file = std::env::temp_dir().join(format!("{stem}.log"));
    let mut command = Command::new(valgrind());
    command.arg("--tool=callgrind").arg("--dump-instr=no").arg("--compress-strings=no");
    command.arg(prefixed("--callgrind-out-file=", &out_file)).arg(prefixed("--log-file=", &log_file));
    if let Some(pattern) = toggle {
        command.arg(format!("--toggle-collect={pattern}"));
    }
    command.arg(program).args(args);
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output = run_with_stdin(command, stdin);
    let counted = std::fs::read_to_string(&out_file);
    let log = std::fs::read_to_string(&log_file).unwrap_or_default();
    let _ = std::fs::remove_file(&out_file);
    let _ = std::fs::remove_file(&log_file);
    let output = output.map_err(|e| format!("running valgrind: {e}"))?;
    let counted = counted.map_err(|e| format!("no callgrind output ({e}); valgrind said: {log}"))?;
    let instructions = totals(&counted).ok_or_else(|| format!("no `totals:` line in callgrind's output: {log}"))?;
    Ok((instructions, output))
}

/// `--flag=` followed by a path.
fn prefixed(flag: &str, path: &Path) -> OsString {
    let mut arg = OsString::from(flag);
    arg.push(path);
    arg
}

/// Runs `command` with `stdin` written from a thread (a large input must not dead-lock against a full stdout pipe).
fn run_with_stdin(mut command: Command, stdin: &[u8]) -> std::io::Result<Output> {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let mut pipe = child.stdin.take().ok_or_else(|| std::io::Error::other("no stdin pipe"))?;
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input); // the command may exit without reading all of it
    });
    let output = child.wait_with_output();
    let _ = writer.join();
    output
}

/// The first number of callgrind's `totals:` line (the instructions executed, `Ir`, the only event collected).
fn totals(callgrind_out: &str) -> Option<u64> {
    let line = callgrind_out.lines().find_map(|line| line.strip_prefix("totals:"))?;
    line.split_whitespace().next()?.parse().ok()
}

/// The exit status and the output of a failed child, for a message.
fn describe(output: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_takes_linear_and_n_log_n_counts_and_refuses_quadratic_or_missing_ones() {
        let bytes = [1_000, 10_000];
        assert!(Counts { small: 50_000, large: 500_000 }.check(bytes).is_ok()); // linear
        assert!(Counts { small: 50_000, large: 650_000 }.check(bytes).is_ok()); // n log n: about 13×
        assert!(Counts { small: 50_000, large: 50_000 }.check(bytes).is_ok()); // constant
        let quadratic = Counts { small: 50_000, large: 5_000_000 }.check(bytes).unwrap_err();
        assert!(quadratic.starts_with("not linear: 1×: 50000 instructions (1000 bytes)"), "{quadratic}");
        assert!(quadratic.contains("100.00×"), "{quadratic}");
        // a region that did not run counts (almost) nothing; 0 / 0 is not linear time
        let nothing = Counts { small: 0, large: 0 }.check(bytes).unwrap_err();
        assert!(nothing.starts_with("fewer instructions than input bytes"), "{nothing}");
        assert!(Counts { small: 50_000, large: 9_999 }.check(bytes).is_err());
    }

    #[test]
    fn totals_are_read_from_callgrinds_output() {
        let out = "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 43096\n\n\
                   fn=(1) main\n0 12\ntotals: 43096\n";
        assert_eq!(totals(out), Some(43_096));
        assert_eq!(totals("events: Ir\n"), None);
    }

    #[test]
    fn valgrind_is_looked_up_in_path() {
        // whatever this machine has, the answer is an existing file or none
        assert!(find_valgrind().is_none_or(|path| path.is_file()));
    }
}
