//! [`Action`]s of the shop on an order, and [`allowed_actions`]: which the seed allows in each [`Status`].

use std::fmt;

use super::status::Status;

/// What the shop may do with an order (the seed's words for the makeshop order screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Action {
    /// 配送処理 / 配送完了: ship the goods.
    Ship,
    /// 注文キャンセル: cancel the order (the shop side only; the gateway's payment is cancelled separately).
    Cancel,
    /// 決済方法の変更: move the order to another payment method.
    ChangePaymentMethod,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 3] = [Action::Ship, Action::Cancel, Action::ChangePaymentMethod];

    /// The seed's Japanese name.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Ship => "配送完了",
            Self::Cancel => "注文キャンセル",
            Self::ChangePaymentMethod => "決済方法の変更",
        }
    }

    /// The snake_case name used in `spec/epsilon/lifecycles/virtual_account.yaml` (`change_payment_method`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ship => "ship",
            Self::Cancel => "cancel",
            Self::ChangePaymentMethod => "change_payment_method",
        }
    }
}

impl fmt::Display for Action {
    /// The snake_case name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One permission: in `status` the shop may do `action`, because the seed says `seed_ja`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActionRule {
    /// The status.
    pub status: Status,
    /// The action allowed in it.
    pub action: Action,
    /// The sentence of seed S2 that allows it (verbatim).
    pub seed_ja: &'static str,
}

const CANCELLABLE: &str = "※キャンセル可能な決済ステータスは、以下の決済ステータスです。[要確認、未入金、入金完了、入金期限切れ、決済失敗](未処理/返送)";

/// Every permission, from seed S2 (the status table and the キャンセル処理について list). An action not listed for
/// a status is not allowed in it: the seed names none for it.
pub const ACTION_RULES: &[ActionRule] = &[
    rule(
        Status::NeedsChecking,
        Action::Ship,
        "本ステータスの注文情報では「注文キャンセル」の処理および配送処理をおこなえますが、ただしく購入者への請求がおこなわれない可能性がありますので、かならずイプシロン管理画面で決済状況をご確認ください。",
    ),
    rule(
        Status::NeedsChecking,
        Action::Cancel,
        "本ステータスの注文情報では「注文キャンセル」の処理および配送処理をおこなえますが、ただしく購入者への請求がおこなわれない可能性がありますので、かならずイプシロン管理画面で決済状況をご確認ください。",
    ),
    rule(
        Status::NeedsChecking,
        Action::ChangePaymentMethod,
        "注文情報を保持したまま決済を進める場合は詳細注文情報画面で「決済方法の変更」をおこなってください。",
    ),
    rule(
        Status::AwaitingDeposit,
        Action::Ship,
        "本ステータスの注文情報では「配送完了」と「注文キャンセル」の処理をおこなえます。",
    ),
    rule(
        Status::AwaitingDeposit,
        Action::Cancel,
        "本ステータスの注文情報では「配送完了」と「注文キャンセル」の処理をおこなえます。",
    ),
    rule(
        Status::PaidInFull,
        Action::Ship,
        "本ステータスの注文情報では「配送完了」と「注文キャンセル」の処理をおこなえますが、「注文キャンセル」をおこなった場合でも購入者への返金はおこなわれませんので、別途返金をおこなってください。",
    ),
    rule(
        Status::PaidInFull,
        Action::Cancel,
        "本ステータスの注文情報では「配送完了」と「注文キャンセル」の処理をおこなえますが、「注文キャンセル」をおこなった場合でも購入者への返金はおこなわれませんので、別途返金をおこなってください。",
    ),
    rule(Status::DeadlinePassed, Action::Cancel, CANCELLABLE),
    rule(
        Status::DeadlinePassed,
        Action::ChangePaymentMethod,
        "「決済方法の変更」をおこなって別の決済手段で注文代金の請求をおこなってください。",
    ),
    rule(Status::AmountMismatch, Action::Cancel, CANCELLABLE),
    rule(
        Status::Cancelled,
        Action::ChangePaymentMethod,
        "注文情報を保持したまま決済を進める場合は詳細注文情報画面で「決済方法の変更」をおこなってください。",
    ),
];

const fn rule(status: Status, action: Action, seed_ja: &'static str) -> ActionRule {
    ActionRule { status, action, seed_ja }
}

/// The actions the seed allows in `status`, in the order of [`Action::ALL`].
///
/// | status | ship | cancel | change payment method |
/// | --- | --- | --- | --- |
/// | 要確認 needs checking | yes (「注文キャンセル」の処理および配送処理をおこなえます) | yes | yes (「決済方法の変更」をおこなってください) |
/// | 未入金 awaiting deposit | yes (「配送完了」と「注文キャンセル」の処理をおこなえます) | yes | no |
/// | 入金完了 paid in full | yes (「配送完了」と「注文キャンセル」の処理をおこなえます) | yes (no refund is made: refund by hand) | no |
/// | 入金期限切れ deadline passed | no | yes (キャンセル可能な決済ステータス) | yes (「決済方法の変更」をおこなって別の決済手段で…) |
/// | 決済失敗 amount mismatch | no | yes (キャンセル可能な決済ステータス) | no |
/// | 注文キャンセル cancelled | no | no | yes (「決済方法の変更」をおこなってください) |
///
/// The seed's general note (金額修正・注文内容の修正について) that any virtual-account order can be corrected by
/// 決済方法の変更 is not read as a per-status permission: only the status table's sentences are.
///
/// The cancellable statuses carry a second condition in the seed, on makeshop's 処理可否ステータス:
/// 「[要確認、未入金、入金完了、入金期限切れ、決済失敗](未処理/返送)」, i.e. only while the order is unprocessed
/// (未処理) or returned (返送), not once it has shipped. Shipping is not part of this lifecycle, so the table above
/// cannot see it: a caller that records shipping must not offer [`Action::Cancel`] for a shipped order.
///
/// ```
/// use epsilon_proto::virtual_account::{Action, Status, allowed_actions};
///
/// let actions: Vec<Action> = allowed_actions(Status::DeadlinePassed).collect();
/// assert_eq!(actions, [Action::Cancel, Action::ChangePaymentMethod]);
/// ```
pub fn allowed_actions(status: Status) -> impl Iterator<Item = Action> {
    Action::ALL.into_iter().filter(move |&action| is_allowed(status, action))
}

/// Whether the seed allows `action` in `status` (see [`allowed_actions`]).
pub fn is_allowed(status: Status, action: Action) -> bool {
    ACTION_RULES.iter().any(|r| r.status == status && r.action == action)
}
