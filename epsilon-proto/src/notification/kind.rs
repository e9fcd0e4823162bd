//! [`Kind`]: which of the three notifications a body is, by its operation name or a short name.

use japay_core::spec::OperationSpec;

use crate::generated::{deferred_payment_notification, deposit_notification, payment_notification};

/// Which notification a body is: the merchant registers one URL per kind in the Epsilon admin screen, so the URL
/// the body arrived at says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// 決済完了通知: `payment_notification`, short name `payment`.
    Payment,
    /// コンビニ・ペイジー入金通知: `deposit_notification`, short name `deposit`.
    Deposit,
    /// GMO後払い status change: `deferred_payment_notification`, short name `deferred_payment`.
    DeferredPayment,
}

impl Kind {
    /// Every kind, in this order.
    pub const ALL: [Kind; 3] = [Kind::Payment, Kind::Deposit, Kind::DeferredPayment];

    /// The short name: `payment`, `deposit` or `deferred_payment`.
    pub fn short_name(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::Deposit => "deposit",
            Kind::DeferredPayment => "deferred_payment",
        }
    }

    /// The spec of this kind (its `name` is the operation name, `payment_notification`, …).
    pub fn spec(self) -> &'static OperationSpec {
        match self {
            Kind::Payment => &payment_notification::PAYMENT_NOTIFICATION,
            Kind::Deposit => &deposit_notification::DEPOSIT_NOTIFICATION,
            Kind::DeferredPayment => &deferred_payment_notification::DEFERRED_PAYMENT_NOTIFICATION,
        }
    }

    /// The kind with this short name or operation name (`deposit` or `deposit_notification`).
    ///
    /// ```
    /// use epsilon_proto::notification::Kind;
    ///
    /// assert_eq!(Kind::from_name("deposit"), Some(Kind::Deposit));
    /// assert_eq!(Kind::from_name("deferred_payment_notification"), Some(Kind::DeferredPayment));
    /// assert_eq!(Kind::from_name("completion_redirect"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.short_name() == name || k.spec().name == name)
    }
}
