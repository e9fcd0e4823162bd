//! The transition table: every status change of the lifecycle as data. The machine ([`super::VirtualAccountOrder`])
//! looks its moves up here, the diagram ([`super::diagram::mermaid`]) is drawn from here, and a test compares it
//! with `spec/epsilon/lifecycles/virtual_account.yaml`.

use std::fmt;

use super::status::Status;

/// What moves an order from one status to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Trigger {
    /// A deposit within the window after which the total equals the order amount.
    DepositMatches,
    /// A deposit within the window after which the total is still below the order amount.
    DepositShort,
    /// A deposit within the window after which the total is above the order amount.
    DepositOver,
    /// The first event or query dated after the last day of the window.
    Deadline,
    /// The shop cancels the order (注文キャンセル).
    Cancel,
}

impl Trigger {
    /// Every trigger.
    pub const ALL: [Trigger; 5] =
        [Trigger::DepositMatches, Trigger::DepositShort, Trigger::DepositOver, Trigger::Deadline, Trigger::Cancel];

    /// The snake_case name used in `spec/epsilon/lifecycles/virtual_account.yaml` (`deposit_matches`).
    pub fn name(self) -> &'static str {
        match self {
            Self::DepositMatches => "deposit_matches",
            Self::DepositShort => "deposit_short",
            Self::DepositOver => "deposit_over",
            Self::Deadline => "deadline",
            Self::Cancel => "cancel",
        }
    }

    /// The edge label of the diagram.
    pub fn label(self) -> &'static str {
        match self {
            Self::DepositMatches => "deposit, total = amount",
            Self::DepositShort => "deposit, total still short",
            Self::DepositOver => "deposit, total over amount",
            Self::Deadline => "deadline passes unpaid",
            Self::Cancel => "cancel",
        }
    }
}

impl fmt::Display for Trigger {
    /// The snake_case name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the table: in `from`, `trigger` leads to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transition {
    /// The status before.
    pub from: Status,
    /// What happens.
    pub trigger: Trigger,
    /// The status after.
    pub to: Status,
    /// Where the rule comes from.
    pub source: &'static str,
    /// What is not known about it.
    pub uncertain: Option<&'static str>,
}

/// How an order starts: the status of a new order and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Initial {
    /// The status of a new order.
    pub status: Status,
    /// When an order starts in it (the diagram's edge label).
    pub label: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
}

/// The statuses an order starts in.
pub const INITIAL: &[Initial] = &[
    Initial {
        status: Status::AwaitingDeposit,
        label: "order accepted, account issued",
        source: "seed S2 ■注文の受注: 注文が入った時は、注文管理画面の決済ステータスは[未入金]となっています",
    },
    Initial {
        status: Status::NeedsChecking,
        label: "payment abandoned or link failed",
        source: "seed S2 [要確認]: 購入者が決済処理を途中でやめた場合や、決済途中でイプシロンとの連携に失敗した場合",
    },
];

const S2_EXACT: &str =
    "seed S2 ■入金確認: 注文金額と同一の金額が入金された場合、決済ステータスは[入金完了]に変更されます";
const S2_DIFFERS: &str = "seed S2 ■入金確認: 入金額が注文金額と異なる場合、決済ステータスは[決済失敗]に変更されます";
const S2_TOP_UP: &str =
    "seed S2 [決済失敗]: 入金額に不足がある場合、入金期限までは差額分の追加入金が可能です; facts Appendix A";
const S2_CANCEL: &str = "seed S2 キャンセル処理について: キャンセル可能な決済ステータスは[要確認、未入金、入金完了、入金期限切れ、決済失敗]";

/// Every status change. A (status, trigger) pair not listed changes nothing for [`Trigger::Deadline`] and is
/// refused for the others (a deposit into a cancelled order, a second cancel).
pub const TRANSITIONS: &[Transition] = &[
    row(Status::AwaitingDeposit, Trigger::DepositMatches, Status::PaidInFull, S2_EXACT, None),
    row(Status::AwaitingDeposit, Trigger::DepositShort, Status::AmountMismatch, S2_DIFFERS, None),
    row(Status::AwaitingDeposit, Trigger::DepositOver, Status::AmountMismatch, S2_DIFFERS, None),
    row(
        Status::AwaitingDeposit,
        Trigger::Deadline,
        Status::DeadlinePassed,
        "seed S2 ■入金期限: 入金期限を過ぎた注文の決済ステータスは[入金期限切れ]となり、バーチャル口座への入金ができなくなります",
        Some("which day is the last one of the window (see deadline: LAST_DAY_OFFSET)"),
    ),
    row(Status::AwaitingDeposit, Trigger::Cancel, Status::Cancelled, S2_CANCEL, None),
    row(
        Status::AmountMismatch,
        Trigger::DepositMatches,
        Status::PaidInFull,
        S2_TOP_UP,
        Some(
            "the seed says makeshop's own screen keeps showing 決済失敗 after a top-up (※追加入金があった場合でも、makeshop管理画面の決済ステータスは[決済失敗]のままとなります); 入金完了 is what the deposits mean",
        ),
    ),
    row(Status::AmountMismatch, Trigger::DepositShort, Status::AmountMismatch, S2_TOP_UP, None),
    row(
        Status::AmountMismatch,
        Trigger::DepositOver,
        Status::AmountMismatch,
        S2_TOP_UP,
        Some(
            "the seed allows a second deposit to make up a shortfall; a second deposit into an overpaid account is counted too (the bank takes it), so the excess grows",
        ),
    ),
    row(Status::AmountMismatch, Trigger::Cancel, Status::Cancelled, S2_CANCEL, None),
    row(
        Status::PaidInFull,
        Trigger::DepositOver,
        Status::AmountMismatch,
        "seed S2 ■入金確認: 同じ口座へ2回以上入金があった場合、イプシロンから通知メールが送信されます",
        Some(
            "the seed does not say what a deposit into a paid account does to the status; read as the total no longer matching the amount",
        ),
    ),
    row(Status::PaidInFull, Trigger::Cancel, Status::Cancelled, S2_CANCEL, None),
    row(Status::DeadlinePassed, Trigger::Cancel, Status::Cancelled, S2_CANCEL, None),
    row(Status::NeedsChecking, Trigger::Cancel, Status::Cancelled, S2_CANCEL, None),
];

const fn row(
    from: Status,
    trigger: Trigger,
    to: Status,
    source: &'static str,
    uncertain: Option<&'static str>,
) -> Transition {
    Transition { from, trigger, to, source, uncertain }
}

/// The status `trigger` leads to from `from`, or `None` when the table has no such row.
pub fn next(from: Status, trigger: Trigger) -> Option<Status> {
    TRANSITIONS.iter().find(|t| t.from == from && t.trigger == trigger).map(|t| t.to)
}
