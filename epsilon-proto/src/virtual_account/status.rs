//! [`Status`]: the six 決済ステータス of a virtual-account (バーチャル口座) order.

use std::fmt;

/// The payment status (決済ステータス) of a virtual-account order, as the seed names them (source: seed S2, the
/// status table of イプシロン銀行振込(バーチャル口座)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Status {
    /// 要確認: the buyer abandoned the payment or the link to Epsilon failed; check the Epsilon admin screen.
    NeedsChecking,
    /// 未入金: the account is issued and nothing has been deposited.
    AwaitingDeposit,
    /// 入金完了: the deposits equal the order amount.
    PaidInFull,
    /// 入金期限切れ: the deposit window passed without a deposit; the account accepts none any more.
    DeadlinePassed,
    /// 決済失敗: money was deposited but the total differs from the order amount.
    AmountMismatch,
    /// 注文キャンセル: the order was cancelled (final).
    Cancelled,
}

impl Status {
    /// Every status, in the seed's order.
    pub const ALL: [Status; 6] = [
        Status::NeedsChecking,
        Status::AwaitingDeposit,
        Status::PaidInFull,
        Status::DeadlinePassed,
        Status::AmountMismatch,
        Status::Cancelled,
    ];

    /// The seed's Japanese label (`未入金`).
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::NeedsChecking => "要確認",
            Self::AwaitingDeposit => "未入金",
            Self::PaidInFull => "入金完了",
            Self::DeadlinePassed => "入金期限切れ",
            Self::AmountMismatch => "決済失敗",
            Self::Cancelled => "注文キャンセル",
        }
    }

    /// An English label (`awaiting deposit`).
    pub fn label_en(self) -> &'static str {
        match self {
            Self::NeedsChecking => "needs checking",
            Self::AwaitingDeposit => "awaiting deposit",
            Self::PaidInFull => "paid in full",
            Self::DeadlinePassed => "deadline passed",
            Self::AmountMismatch => "amount mismatch",
            Self::Cancelled => "cancelled",
        }
    }

    /// The snake_case name used in `spec/epsilon/lifecycles/virtual_account.yaml` (`awaiting_deposit`).
    pub fn name(self) -> &'static str {
        match self {
            Self::NeedsChecking => "needs_checking",
            Self::AwaitingDeposit => "awaiting_deposit",
            Self::PaidInFull => "paid_in_full",
            Self::DeadlinePassed => "deadline_passed",
            Self::AmountMismatch => "amount_mismatch",
            Self::Cancelled => "cancelled",
        }
    }

    /// The CamelCase name, used as the state id of the diagram (`AwaitingDeposit`).
    pub fn ident(self) -> &'static str {
        match self {
            Self::NeedsChecking => "NeedsChecking",
            Self::AwaitingDeposit => "AwaitingDeposit",
            Self::PaidInFull => "PaidInFull",
            Self::DeadlinePassed => "DeadlinePassed",
            Self::AmountMismatch => "AmountMismatch",
            Self::Cancelled => "Cancelled",
        }
    }

    /// Whether no event changes this status any more ([`Status::Cancelled`]).
    pub fn is_final(self) -> bool {
        self == Self::Cancelled
    }
}

impl fmt::Display for Status {
    /// The English label.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_en())
    }
}
