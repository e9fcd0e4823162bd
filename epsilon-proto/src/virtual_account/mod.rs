#![doc = include_str!("lifecycle.md")]

mod actions;
mod date;
mod deadline;
pub mod diagram;
mod error;
mod machine;
mod mapping;
mod status;
mod transitions;

pub use actions::{ACTION_RULES, Action, ActionRule, allowed_actions, is_allowed};
pub use date::{DateError, JstDate};
pub use deadline::{DEPOSIT_WINDOW_DAYS, LAST_DAY_OFFSET, last_deposit_day};
pub use error::{AmountClass, LifecycleError, MappingError};
pub use machine::{Deposit, VirtualAccountOrder};
pub use mapping::{OrderTerms, classify_amount, status_from_order_info, status_from_paid_notification};
pub use status::Status;
pub use transitions::{INITIAL, Initial, TRANSITIONS, Transition, Trigger, next};
