//! Steps 4 and 5 of the demo: a virtual account, its deposits and its deadline, through the sandbox's control
//! endpoints.

use epsilon_client::Client;
use epsilon_proto::{VirtualAccount, VirtualAccountOutcome};
use japay_cli::demo::{fail, say};

use super::CONTRACT;
use super::control::{Control, field};

/// What steps 4 and 5 do with their virtual account.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Deposits {
    /// Step 4: 3000 of 5000 (決済失敗), then 2000 more (入金完了).
    ShortThenTopUp,
    /// Step 5: nothing, and the clock moves past the 30-day deadline (入金期限切れ).
    NoneBeforeTheDeadline,
}

/// Steps 4 and 5: a virtual account, deposits and the deadline, through the control endpoints.
pub(super) async fn run(client: &Client, sandbox: &str, order: &str, deposits: Deposits) -> Result<(), String> {
    let (number, title) = match deposits {
        Deposits::ShortThenTopUp => (4, "a short deposit, then a top-up"),
        Deposits::NoneBeforeTheDeadline => (5, "no deposit until the deadline passes"),
    };
    let label = format!("{number}. virtual account");
    say(format_args!("{number}. Virtual account {order} (virtual_account): {title}"));
    let request = VirtualAccount {
        contract_code: CONTRACT,
        user_id: "U0001",
        user_name: "ヤマダ タロウ",
        user_mail_add: "taro@example.com",
        item_code: "ITEM3",
        item_name: "demo item",
        order_number: order,
        st_code: "00000-0000-00000-00000-00100-00000-00000",
        item_price: "5000",
        ..Default::default()
    };
    let answer = client.call(&request).await.map_err(|e| format!("{label}: {e}"))?;
    let response = answer.view();
    match response.outcome() {
        Ok(VirtualAccountOutcome::Issued) => {}
        other => return fail(&label, format_args!("expected an issued account, got {other:?}")),
    }
    let get = |name| response.answer().get(name).unwrap_or_default();
    say(format_args!(
        "   issued: {} {} ({}), account {} {}",
        get("bank_name"),
        get("branch_name"),
        get("bank_code"),
        get("account_no"),
        get("account_name")
    ));
    let control = Control::new(sandbox)?;
    let expect = |status: serde_json::Value, want: &str| -> Result<(), String> {
        let va = status.get("va_status").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        if va.contains(want) { Ok(()) } else { fail(&label, format_args!("expected va_status {want}, got {status}")) }
    };
    if deposits == Deposits::ShortThenTopUp {
        let status = control.deposit(order, 3000).await?;
        say(format_args!("   deposit 3000 of 5000 → va_status {}", field(&status, "va_status")));
        expect(status, "決済失敗")?;
        let status = control.deposit(order, 2000).await?;
        say(format_args!(
            "   top-up 2000 → va_status {}, deposited {}\n",
            field(&status, "va_status"),
            field(&status, "deposited")
        ));
        expect(status, "入金完了")?;
    } else {
        let status = control.advance_days(31).await.and(control.order(order).await)?;
        say(format_args!("   sandbox clock +31 days → va_status {}\n", field(&status, "va_status")));
        expect(status, "入金期限切れ")?;
    }
    Ok(())
}
