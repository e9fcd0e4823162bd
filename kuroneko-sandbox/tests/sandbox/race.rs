//! Many concurrent requests for one order number: exactly one wins.

use std::sync::Arc;

use crate::support::{Sandbox, classify, config, credit_token};

/// 64 concurrent A08 with one order_no (each with its own token) → exactly 1 authorized and 63 × A082000003.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_orders_with_one_order_no() {
    let sb = Arc::new(Sandbox::start(config()).await);
    let mut tokens = Vec::new();
    for _ in 0..64 {
        tokens.push(sb.token("4111111111111111").await);
    }
    let mut tasks = Vec::new();
    for token in tokens {
        let sb = Arc::clone(&sb);
        tasks.push(tokio::spawn(async move {
            let body = sb.call("credit_token", &credit_token("RACE-1", &token)).await;
            classify("credit_token", &body)
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let won = outcomes.iter().filter(|(o, _)| o == "authorized").count();
    let lost = outcomes.iter().filter(|(o, c)| o == "failure" && c == "A082000003").count();
    assert_eq!((won, lost), (1, 63), "{outcomes:?}");
    let Ok(sb) = Arc::try_unwrap(sb) else { panic!("the sandbox is still shared") };
    sb.running.shutdown().await;
}
