//! `check`: the layered connection check, written once over a gateway's [`Probe`].
//!
//! The check resolves the gateway's host (DNS), opens a TCP connection to it, then lets the gateway send its
//! harmless call (over TLS for an `https` base), and prints one diagnosis on stdout that names the layer that failed:
//!
//! - `dns: …`, `connection: …`, `tls: …`, `timeout: …`, `http status: …`, `invalid answer: …`: no gateway answer;
//! - `error CODE: TEXT`, the gateway's detail, who answered and when, and the gateway's remediation: the gateway
//!   refused the call;
//! - `not sent: …`: the call was refused before any connection (the gateway's own validation);
//! - `connected: BASE answered in N ms (…)`.
//!
//! Options: the gateway's own ([`Probe::args`]), then `--env test|production` or `--base-url URL`, and
//! `--timeout SECS` (1 to 600, default 20). Exit 0 connected, 1 diagnosed, 2 usage error.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, RangedU64ValueParser};
use clap::{Arg, ArgMatches, Command};
use japay_core::transport::Environment;

use crate::Gateway;
use crate::gateway::Extra;
use crate::output::{OK, Output, REJECTED, USAGE};

/// The seconds `--timeout` waits when absent.
pub const DEFAULT_TIMEOUT: u64 = 20;

/// A gateway's connection check: its help texts, its own options, and its harmless call with the diagnosis of its
/// error codes. The layers below the call (DNS, TCP) and the wording of every ending are the machinery's.
pub trait Probe: Gateway {
    /// The command's one-line help.
    const ABOUT: &'static str;
    /// The command's long help: what the call is, and how each ending is reported.
    const LONG_ABOUT: &'static str;
    /// The help of `--base-url` (what a base of this gateway looks like).
    const BASE_URL_HELP: &'static str;

    /// What [`prepare`](Probe::prepare) builds from the options and [`call`](Probe::call) sends.
    type Call;

    /// The gateway's own options of `check` (its merchant code, …), listed before `--env`.
    fn args() -> Vec<Arg>;

    /// The call the options describe, checked before any connection.
    ///
    /// # Errors
    /// Why it is not sent (printed after `not sent: `, exit 1), with the gateway's remediation when it has one.
    fn prepare(args: &ArgMatches) -> Result<Self::Call, String>;

    /// Sends the call to `environment`, waiting at most `timeout`; runs after DNS and TCP succeeded, on a
    /// current-thread tokio runtime.
    fn call(call: Self::Call, environment: Environment, timeout: Duration) -> impl Future<Output = Probed>;

    /// The remediation of an error code the gateway answered with (several lines, in the gateway's languages), if
    /// it has one.
    fn remediation(code: &str) -> Option<String>;
}

/// How the gateway's call ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Probed {
    /// The gateway answered, after `elapsed`.
    Answered {
        /// The answer time.
        elapsed: Duration,
        /// What the answer says.
        verdict: Verdict,
    },
    /// No gateway answer.
    Failed(Failure),
}

/// What an answer of the gateway says.
#[derive(Debug)]
#[non_exhaustive]
pub enum Verdict {
    /// The call went through: what answered, printed in parentheses after the answer time.
    Connected(String),
    /// The gateway refused the call with an error code.
    Refused {
        /// The code.
        code: String,
        /// Its text (in the gateway's languages).
        text: String,
        /// The gateway's own detail, when the answer has one.
        detail: Option<String>,
    },
    /// An answer the check cannot read or does not know.
    Invalid(String),
}

/// Why the call got no answer of the gateway.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// No answer within the timeout.
    Timeout,
    /// The connection failed (over `https`: the TLS handshake, the TCP connection having worked a moment ago).
    Connect(String),
    /// Another failure of the connection (reset, closed early, …).
    Network(String),
    /// An HTTP status other than 200, and the first bytes of the body.
    Status {
        /// The status.
        status: u16,
        /// The first bytes of the body, as text.
        head: String,
    },
    /// Another failure at the HTTP layer (an HTML page instead of an answer, …).
    Http(String),
    /// A body that is no answer.
    InvalidAnswer(String),
    /// Anything else (the client could not be built, …).
    Other(String),
}

/// The `check` command of `G`, to list among its extras (`check::extra::<G>().after("answer")`).
pub const fn extra<G: Probe>() -> Extra {
    Extra::new(command::<G>, run::<G>)
}

/// The `check` subcommand: the gateway's options, then `--env`, `--base-url`, `--timeout`.
pub fn command<G: Probe>() -> Command {
    Command::new("check")
        .about(G::ABOUT)
        .long_about(G::LONG_ABOUT)
        .args(G::args())
        .arg(
            Arg::new("env")
                .long("env")
                .value_name("ENV")
                .value_parser(PossibleValuesParser::new(["test", "production"]))
                .conflicts_with("base-url")
                .help("The gateway environment [default: test]"),
        )
        .arg(Arg::new("base-url").long("base-url").value_name("URL").help(G::BASE_URL_HELP))
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECS")
                .value_parser(RangedU64ValueParser::<u64>::new().range(1..=600))
                .default_value("20")
                .help("Seconds to wait for the answer"),
        )
}

/// Runs `check` on the process's stdout and stderr; the exit status.
pub fn run<G: Probe>(m: &ArgMatches) -> u8 {
    execute::<G>(m, &mut Output::std(G::CLI.name()))
}

/// Runs `check` with the matches of [`command`], writing to `output`; the exit status.
pub fn execute<G: Probe>(m: &ArgMatches, output: &mut Output<'_>) -> u8 {
    let environment = match (m.get_one::<String>("base-url"), m.get_one::<String>("env").map(String::as_str)) {
        (Some(url), _) => {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                output.error(format_args!("error: --base-url: expected an http:// or https:// URL, got {url:?}"));
                return USAGE;
            }
            Environment::Custom(url.clone())
        }
        (None, Some("production")) => Environment::Production,
        (None, _) => Environment::Test,
    };
    let timeout = Duration::from_secs(m.get_one::<u64>("timeout").copied().unwrap_or(DEFAULT_TIMEOUT));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            output.error(format_args!("error: cannot start the async runtime: {e}"));
            return REJECTED;
        }
    };
    let diagnosis = runtime.block_on(check::<G>(m, environment, timeout));
    match output.line(&diagnosis.text) {
        OK => diagnosis.code,
        failed => failed,
    }
}

/// What to print and the exit status.
struct Diagnosis {
    text: String,
    code: u8,
}

fn failed(text: impl Into<String>) -> Diagnosis {
    Diagnosis { text: text.into(), code: REJECTED }
}

/// The check itself: the gateway's validation, DNS, TCP, then the gateway's call.
async fn check<G: Probe>(m: &ArgMatches, environment: Environment, timeout: Duration) -> Diagnosis {
    let base = environment.base(G::CLI.spec).unwrap_or_default().to_owned();
    let call = match G::prepare(m) {
        Ok(call) => call,
        Err(why) => return failed(format!("not sent: {why}")),
    };
    let Some((tls, host, port)) = endpoint(&base) else {
        return Diagnosis { text: format!("error: no host in the base URL {base:?}"), code: USAGE };
    };
    // DNS and TCP first, so that each layer is named by its own failure
    let addresses: Vec<SocketAddr> =
        match tokio::time::timeout(timeout, tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(addresses)) => addresses.collect(),
            Ok(Err(e)) => return failed(format!("dns: cannot resolve {host}: {e}")),
            Err(_) => return failed(format!("dns: timeout: {host} not resolved within {} s", timeout.as_secs())),
        };
    let Some(address) = addresses.first().copied() else {
        return failed(format!("dns: {host} has no address"));
    };
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return failed(format!("connection: cannot connect to {host} ({address}): {e}")),
        Err(_) => {
            return failed(format!("timeout: connecting to {host} ({address}) took more than {} s", timeout.as_secs()));
        }
    }
    match G::call(call, environment, timeout).await {
        Probed::Answered { elapsed, verdict } => answered::<G>(&base, elapsed.as_millis(), verdict),
        Probed::Failed(failure) => failed(failure_text(&failure, tls, &host, timeout)),
    }
}

/// The diagnosis of an answer of the gateway.
fn answered<G: Probe>(base: &str, millis: u128, verdict: Verdict) -> Diagnosis {
    match verdict {
        Verdict::Connected(what) => {
            Diagnosis { text: format!("connected: {base} answered in {millis} ms ({what})"), code: OK }
        }
        Verdict::Refused { code, text, detail } => {
            let mut out = format!("error {code}: {text}");
            if let Some(detail) = detail {
                out.push_str(&format!("\ngateway detail: {detail}"));
            }
            out.push_str(&format!("\nanswered by {base} in {millis} ms"));
            if let Some(help) = G::remediation(&code) {
                out.push('\n');
                out.push_str(&help);
            }
            failed(out)
        }
        Verdict::Invalid(why) => failed(format!("invalid answer: {why}")),
    }
}

/// The diagnosis of a call that got no gateway answer.
fn failure_text(failure: &Failure, tls: bool, host: &str, timeout: Duration) -> String {
    match failure {
        Failure::Timeout => format!("timeout: no answer from {host} within {} s", timeout.as_secs()),
        // the TCP connection worked a moment ago: over https, what fails now is the TLS handshake
        Failure::Connect(error) if tls => format!("tls: the TLS handshake with {host} failed: {error}"),
        Failure::Connect(error) | Failure::Network(error) => format!("connection: {error}"),
        Failure::Status { status, head } => {
            format!("http status: {host} answered HTTP {status} instead of 200; body starts {head}")
        }
        Failure::Http(error) => format!("http status: {error}"),
        Failure::InvalidAnswer(error) => format!("invalid answer: {error}"),
        Failure::Other(error) => format!("error: {error}"),
    }
}

/// The scheme, host and port of a base URL (`None` when it has no host).
fn endpoint(base: &str) -> Option<(bool, String, u16)> {
    let (tls, rest) = if let Some(rest) = base.strip_prefix("https://") {
        (true, rest)
    } else {
        (false, base.strip_prefix("http://")?)
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let default = if tls { 443 } else { 80 };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(port) => port.parse().ok()?,
            None => default,
        };
        (host.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), port.parse().ok()?),
            None => (authority.to_owned(), default),
        }
    };
    (!host.is_empty()).then_some((tls, host, port))
}

#[cfg(test)]
mod tests {
    use super::endpoint;

    #[test]
    fn endpoints() {
        #[rustfmt::skip]
        let cases = [
            ("https://pay.example.jp/api/", Some((true, "pay.example.jp", 443))),
            ("http://127.0.0.1:8383/api/", Some((false, "127.0.0.1", 8383))),
            ("http://[::1]:9/api/", Some((false, "::1", 9))),
            ("http://user@host/x", Some((false, "host", 80))),
            ("http:///api/", None),
            ("ftp://host/", None),
            ("http://host:port/", None),
        ];
        for (base, expected) in cases {
            let got = endpoint(base);
            assert_eq!(got.as_ref().map(|(t, h, p)| (*t, h.as_str(), *p)), expected, "{base}");
        }
    }
}
