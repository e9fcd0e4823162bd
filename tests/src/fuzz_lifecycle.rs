//! The body of the fuzz target `virtual_account_lifecycle` ([`virtual_account_lifecycle`]) and the sequence runner
//! the lifecycle proptests share ([`run`]): events go through
//! [`VirtualAccountOrder`] and, side by side, through a small independent model of the seed's rules; after every
//! event the two must agree and the invariants must hold:
//!
//! * [`Status::PaidInFull`] iff the total of the accepted deposits equals the order amount (and the order is not
//!   cancelled); every accepted deposit is dated within the window, never after a cancel;
//! * shortfall = amount − total and excess = total − amount, exactly; refund due = total once cancelled;
//! * after a cancel the status never changes; an unpaid order past its window is [`Status::DeadlinePassed`] on every
//!   event and query; refused events change nothing but the clock; a deposit booked in the window counts even when
//!   a later date was applied before it (the clock never goes back);
//! * every refusal is the one the model expects, and its message is lower-case.
#![allow(clippy::panic)]

use epsilon_proto::virtual_account::{
    JstDate, LifecycleError, MappingError, OrderTerms, Status, VirtualAccountOrder, status_from_order_info,
    status_from_paid_notification,
};

/// One event of a sequence, dated `delta` days after the previous event's date (the first after the order date;
/// negative deltas send the clock back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A deposit of this many yen.
    Deposit {
        /// Days after the previous event.
        delta: i64,
        /// Yen.
        amount: u64,
    },
    /// The shop cancels.
    Cancel {
        /// Days after the previous event.
        delta: i64,
    },
    /// The clock is applied.
    Tick {
        /// Days after the previous event.
        delta: i64,
    },
    /// `status_at` (changes nothing, and the date is not kept).
    Query {
        /// Days after the previous event.
        delta: i64,
    },
}

impl Event {
    fn delta(self) -> i64 {
        match self {
            Self::Deposit { delta, .. } | Self::Cancel { delta } | Self::Tick { delta } | Self::Query { delta } => {
                delta
            }
        }
    }
}

/// The independent model: what the seed's rules say the order is.
#[derive(Clone, Copy, Debug)]
struct Model {
    amount: u64,
    last_day: JstDate,
    order_date: JstDate,
    total: u64,
    cancelled: bool,
    needs_checking: bool,
    last_seen: JstDate,
}

impl Model {
    fn status_at(&self, day: JstDate) -> Status {
        if self.cancelled {
            Status::Cancelled
        } else if self.needs_checking {
            Status::NeedsChecking
        } else if self.total == 0 {
            if day > self.last_day { Status::DeadlinePassed } else { Status::AwaitingDeposit }
        } else if self.total == self.amount {
            Status::PaidInFull
        } else {
            Status::AmountMismatch
        }
    }

    fn status(&self) -> Status {
        self.status_at(self.last_seen)
    }

    /// The clock error the machine must report for `day`, if any.
    fn clock_error(&self, day: JstDate) -> Option<LifecycleError> {
        if day < self.order_date {
            Some(LifecycleError::BeforeOrderDate { order_date: self.order_date, today: day })
        } else if day < self.last_seen {
            Some(LifecycleError::ClockWentBack { last_seen: self.last_seen, today: day })
        } else {
            None
        }
    }
}

/// Runs `events` on an order of `amount` yen dated `order_date` (starting 要確認 when `needs_checking`) and the
/// model, checking every invariant after every event. An order the machine refuses to create must be one the
/// model refuses too (0 yen, a window past 9999-12-31).
pub fn run(order_date: JstDate, amount: u64, needs_checking: bool, events: &[Event]) {
    let created = if needs_checking {
        VirtualAccountOrder::needs_checking(order_date, amount)
    } else {
        VirtualAccountOrder::new(order_date, amount)
    };
    let mut order = match created {
        Ok(order) => order,
        Err(e) => {
            let expected_out_of_range = order_date.add_days(29).is_err();
            assert!(
                matches!(e, LifecycleError::ZeroAmount) && amount == 0
                    || matches!(e, LifecycleError::DateOutOfRange(_)) && expected_out_of_range && amount > 0,
                "order of {amount} yen on {order_date} refused with {e:?}"
            );
            check_message(&e.to_string());
            return;
        }
    };
    assert!(amount > 0);
    let last_day = order.last_deposit_day();
    assert_eq!(order_date.days_until(last_day), 29, "the window is the order date and the 29 days after it");
    let mut model =
        Model { amount, last_day, order_date, total: 0, cancelled: false, needs_checking, last_seen: order_date };
    check(&order, &model);
    let mut day = order_date;
    for &event in events {
        let Ok(next_day) = day.add_days(event.delta()) else { continue };
        day = next_day;
        let before = order.clone();
        match event {
            Event::Query { .. } => {
                let status = order.status_at(day);
                if day >= model.last_seen {
                    assert_eq!(status, model.status_at(day), "status_at({day})");
                } else {
                    assert_eq!(status, order.status(), "status_at a date before the last one seen changes nothing");
                }
                assert_eq!(order, before, "status_at changed the order");
                continue;
            }
            Event::Tick { .. } => {
                let result = order.tick(day);
                if let Err(e) = &result {
                    check_message(&e.to_string());
                }
                match model.clock_error(day) {
                    Some(expected) => assert_eq!(result, Err(expected)),
                    None => {
                        model.last_seen = day;
                        assert_eq!(result, Ok(model.status()));
                    }
                }
            }
            Event::Cancel { .. } => {
                let result = order.cancel(day);
                if let Err(e) = &result {
                    check_message(&e.to_string());
                }
                if let Some(expected) = model.clock_error(day) {
                    assert_eq!(result, Err(expected));
                } else {
                    model.last_seen = day;
                    if model.cancelled {
                        assert_eq!(
                            result,
                            Err(LifecycleError::NotAllowed { status: Status::Cancelled, event: "cancel" })
                        );
                    } else {
                        model.cancelled = true;
                        assert_eq!(result, Ok(Status::Cancelled));
                    }
                }
            }
            Event::Deposit { amount: paid, .. } => {
                let result = order.deposit(day, paid);
                if let Err(e) = &result {
                    check_message(&e.to_string());
                }
                // a deposit is dated when the bank booked it: an earlier date than the last one seen is a deposit
                // learned late, judged by its own date, and leaves the clock where it is
                let before_order = (day < model.order_date)
                    .then_some(LifecycleError::BeforeOrderDate { order_date: model.order_date, today: day });
                let expected = before_order.map(Err).unwrap_or_else(|| {
                    model.last_seen = model.last_seen.max(day);
                    if paid == 0 {
                        Err(LifecycleError::ZeroDeposit)
                    } else if model.cancelled {
                        Err(LifecycleError::DepositAfterCancel { amount: paid })
                    } else if model.needs_checking {
                        Err(LifecycleError::DepositWhileNeedsChecking { amount: paid })
                    } else if day > model.last_day {
                        Err(LifecycleError::DepositAfterDeadline { amount: paid, last_day: model.last_day })
                    } else {
                        match model.total.checked_add(paid) {
                            None => Err(LifecycleError::DepositOverflow { total: model.total, amount: paid }),
                            Some(total) => Ok(total),
                        }
                    }
                });
                match (result, expected) {
                    (Ok(deposit), Ok(total)) => {
                        assert!(day <= last_day && !model.cancelled, "accepted a deposit on {day}");
                        let repeated = model.total > 0;
                        model.total = total;
                        assert_eq!(deposit.total, total);
                        assert_eq!(deposit.status, model.status());
                        assert_eq!(deposit.repeated, repeated);
                        assert_eq!(deposit.shortfall, amount.checked_sub(total).filter(|&d| d > 0));
                        assert_eq!(deposit.excess, total.checked_sub(amount).filter(|&d| d > 0));
                    }
                    (Err(got), Err(want)) => assert_eq!(got, want),
                    (got, want) => panic!("deposit of {paid} on {day}: got {got:?}, the model expects {want:?}"),
                }
            }
        }
        if before.status() == Status::Cancelled {
            assert_eq!(order.status(), Status::Cancelled, "the status changed after cancel");
            assert_eq!(order.total_deposited(), before.total_deposited(), "a deposit was accepted after cancel");
        }
        check(&order, &model);
    }
}

fn check(order: &VirtualAccountOrder, model: &Model) {
    let total = order.total_deposited();
    assert_eq!(total, model.total, "total deposited");
    assert_eq!(order.status(), model.status(), "status (total {total}, amount {})", model.amount);
    assert_eq!(order.status() == Status::PaidInFull, total == model.amount && !model.cancelled);
    let cancelled = order.status() == Status::Cancelled;
    assert_eq!(order.shortfall(), if cancelled { None } else { model.amount.checked_sub(total).filter(|&d| d > 0) });
    assert_eq!(order.excess(), total.checked_sub(model.amount).filter(|&d| d > 0));
    let refund = if cancelled { total } else { total.saturating_sub(model.amount) };
    assert_eq!(order.refund_due(), refund);
    assert!(order.status_at(model.last_day) == order.status(), "the last day of the window changes nothing");
}

/// Error messages are lower-case and say what was expected.
pub fn check_message(message: &str) {
    assert!(message.chars().next().is_some_and(|c| !c.is_uppercase()), "not lower-case: {message}");
    assert!(message.contains("expected"), "does not say what was expected: {message}");
}

/// Maps arbitrary gateway values and checks the mapping fails closed: a status only for the combinations the facts
/// explain (state 0 without a deposit, state 1 with exactly the order amount, state 9), never a panic.
pub fn check_mapping(terms: OrderTerms, today: JstDate, state: &str, amount: Option<&str>, paid: &str) {
    let parsed = amount.map(|a| {
        if a.is_empty() {
            Some(0)
        } else if a.bytes().all(|b| b.is_ascii_digit()) {
            a.parse::<u64>().ok()
        } else {
            None
        }
    });
    let terms_ok = terms.amount > 0 && today >= terms.order_date && terms.order_date.add_days(29).is_ok();
    let past = terms.order_date.add_days(29).is_ok_and(|last| today > last);
    match status_from_order_info(terms, today, state, amount) {
        Ok(status) => {
            assert!(terms_ok);
            let amount = parsed.map(|p| p.unwrap_or_else(|| panic!("accepted amount {amount:?}")));
            let expected = match (state, amount) {
                ("0", None | Some(0)) if past => Status::DeadlinePassed,
                ("0", None | Some(0)) => Status::AwaitingDeposit,
                ("1", Some(a)) if a == terms.amount && a > 0 => Status::PaidInFull,
                ("9", _) => Status::Cancelled,
                _ => panic!("state {state:?} amount {amount:?} mapped to {status:?}"),
            };
            assert_eq!(status, expected);
        }
        Err(e) => {
            check_message(&e.to_string());
            if terms_ok && matches!(parsed, None | Some(Some(_))) && matches!(state, "0" | "1" | "9") {
                assert!(matches!(e, MappingError::Unexplained { .. }), "{e:?} for {state:?} {amount:?}");
                assert!(state != "9");
            }
        }
    }
    match status_from_paid_notification(terms, today, paid) {
        Ok(status) => {
            assert!(terms_ok && paid == "0");
            assert_eq!(status, if past { Status::DeadlinePassed } else { Status::AwaitingDeposit });
        }
        Err(e) => {
            check_message(&e.to_string());
            if terms_ok && paid == "1" {
                assert_eq!(e, MappingError::AmountNeeded);
            }
        }
    }
}

/// A little-endian reader over the fuzz input; reads past the end give zeros.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let Some((&first, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        first
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, i| acc | (u64::from(self.u8()) << (8 * i)))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Fuzz target `virtual_account_lifecycle`: arbitrary bytes as an order and an event sequence (first byte even), or
/// as gateway values for the mapping (first byte odd).
///
/// Sequence layout: a byte choosing the order date (`0xFF`: 9999-12-31, near the end of the range; `0xFE`:
/// 9999-12-01; else 2024-01-01 + 4 × byte days), a byte choosing the amount (`0xFF`: 8 bytes, any `u64`; else
/// byte × 1,000 yen, 0 included), a byte (odd: start 要確認), then per event an op byte (`op % 4`: deposit,
/// cancel, tick, query; `op / 4 % 16` is the day delta, minus 3) and for a deposit a byte choosing the amount
/// (`% 4`: what is still due, a small sum, 8 bytes, what is due + 1).
///
/// Mapping layout: the rest split at `0x00` into state, amount (`0x01` alone = absent) and paid, as lossy UTF-8,
/// for an order of 10,000 yen on 2026-01-01 seen on day `paid.len()`.
pub fn virtual_account_lifecycle(data: &[u8]) {
    let mut bytes = Bytes(data);
    let mode = bytes.u8();
    if mode % 2 == 1 {
        let rest = bytes.0;
        let mut parts = rest.split(|&b| b == 0);
        let state = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let amount_bytes = parts.next().unwrap_or_default();
        let amount = (amount_bytes != [1]).then(|| String::from_utf8_lossy(amount_bytes).into_owned());
        let paid = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let Ok(order_date) = JstDate::new(2026, 1, 1) else { return };
        let today = order_date.add_days(i64::try_from(paid.len()).unwrap_or(0)).unwrap_or(order_date);
        let terms = OrderTerms { order_date, amount: 10_000 };
        check_mapping(terms, today, &state, amount.as_deref(), &paid);
        return;
    }
    let date_byte = bytes.u8();
    let order_date = match date_byte {
        0xFF => JstDate::new(9999, 12, 31),
        0xFE => JstDate::new(9999, 12, 1),
        b => JstDate::new(2024, 1, 1).and_then(|d| d.add_days(4 * i64::from(b))),
    };
    let Ok(order_date) = order_date else { panic!("the fuzz harness built an invalid date") };
    let amount = match bytes.u8() {
        0xFF => bytes.u64(),
        b => u64::from(b) * 1_000,
    };
    let needs_checking = bytes.u8() % 2 == 1;
    let mut events = Vec::new();
    let mut due = amount;
    while !bytes.is_empty() && events.len() < 256 {
        let op = bytes.u8();
        let delta = i64::from(op / 4 % 16) - 3;
        let event = match op % 4 {
            0 => {
                let paid = match bytes.u8() % 4 {
                    0 => due,
                    1 => u64::from(bytes.u8()) * 100,
                    2 => bytes.u64(),
                    _ => due.saturating_add(1),
                };
                due = due.saturating_sub(paid);
                Event::Deposit { delta, amount: paid }
            }
            1 => Event::Cancel { delta },
            2 => Event::Tick { delta },
            _ => Event::Query { delta },
        };
        events.push(event);
    }
    run(order_date, amount, needs_checking, &events);
}
