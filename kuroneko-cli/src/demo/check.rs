//! Step 7 of the demo: `kuroneko check` against a sandbox that does not allow this host: H01 says which IP to
//! register, E04 is refused with Z012000009.

use std::net::SocketAddr;
use std::time::Duration;

use japay_cli::demo::{fail, say};
use kuroneko_client::Environment;
use kuroneko_client::check::Diagnosis;

use super::TRADER;

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
    say(format_args!(
        "7. kuroneko check --trader-code {TRADER} --base-url {} (a sandbox that allows only 192.0.2.1)",
        sandbox.url()
    ));
    let report =
        kuroneko_client::check::check(Environment::Custom(sandbox.api_base()), TRADER, Duration::from_secs(20)).await;
    sandbox.shutdown().await;
    for line in report.lines() {
        say(format_args!("   {line}"));
    }
    match &report.diagnosis {
        Diagnosis::Refused(refusal) if refusal.code == "Z012000009" && refusal.ip_to_register.is_some() => Ok(()),
        other => fail(STEP, format_args!("expected Z012000009 with the IP to register, got {other:?}")),
    }
}
