//! Step 7 of the demo: `kuroneko check` against a sandbox that does not allow this host: H01 says which IP to
//! register, E04 is refused with Z012000009. The command runs as the binary runs it (`japay_cli::check`: DNS, TCP,
//! then Kuroneko's call), its diagnosis captured and printed.

use std::net::SocketAddr;

use japay_cli::demo::{fail, say};
use japay_cli::output::Output;

use super::TRADER;
use crate::kuroneko::Kuroneko;

/// Step 7: a second sandbox whose only allowed host is a documentation address, and the check against it.
pub(super) async fn run() -> Result<(), String> {
    const STEP: &str = "7. kuroneko check";
    let config = kuroneko_sandbox::Config {
        allow_hosts: vec!["192.0.2.1".parse().map_err(|e| format!("{STEP}: {e}"))?],
        ..kuroneko_sandbox::Config::default()
    };
    let sandbox = kuroneko_sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("{STEP}: cannot start the sandbox: {e}"))?;
    // the listen URL as `kuroneko sandbox` prints it on its first line
    let url = sandbox.url();
    say(format_args!(
        "7. kuroneko check --trader-code {TRADER} --base-url {url} (a sandbox that allows only 192.0.2.1)"
    ));
    // the command blocks on its own runtime: a thread of its own, outside the demo's
    let checked = tokio::task::spawn_blocking(move || check(&url)).await;
    sandbox.shutdown().await;
    let (code, diagnosis) = checked.map_err(|e| format!("{STEP}: {e}"))??;
    for line in diagnosis.lines() {
        say(format_args!("   {line}"));
    }
    if code != 1 || !diagnosis.starts_with("error Z012000009") || !diagnosis.contains("register this server's ip") {
        return fail(STEP, format_args!("expected exit 1 with Z012000009 and the IP to register, got {code}"));
    }
    say("");
    Ok(())
}

/// `kuroneko check --trader-code TRADER --base-url URL`, its exit status and what it printed.
fn check(url: &str) -> Result<(u8, String), String> {
    let args = ["check", "--trader-code", TRADER, "--timeout", "20", "--base-url", url];
    let matches =
        japay_cli::check::command::<Kuroneko>().try_get_matches_from(args).map_err(|e| format!("check: {e}"))?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = japay_cli::check::execute::<Kuroneko>(&matches, &mut Output::new("kuroneko", &mut out, &mut err));
    let text = String::from_utf8_lossy(&out).into_owned() + &String::from_utf8_lossy(&err);
    Ok((code, text))
}
