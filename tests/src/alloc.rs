//! "Validating a valid request allocates nothing": counted with a per-thread counting allocator.
#![allow(unsafe_code)] // a GlobalAlloc impl is unsafe by definition; it only forwards to System

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use epsilon_proto::generated::order_info::ORDER_INFO;
use epsilon_proto::{Charset, LinkOrder, Options, OrderInfo, UserChange, UserRegister};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a const-initialised
// thread-local Cell, which neither allocates nor re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Validates, measures and encodes one request into the buffer; returns the bytes counted.
type Check<'c> = &'c dyn Fn(&mut Vec<u8>) -> usize;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (out, ALLOCATIONS.with(Cell::get) - before)
}

/// Every charset, with and without normalize: validate, `encoded_len` and `encode` of a valid request into a
/// pre-sized buffer allocate nothing. The values are NFC (as nearly all input is); with normalize they hold
/// look-alikes the option maps (〜, ¥), so the mapping path runs too.
#[test]
fn validating_and_encoding_a_valid_request_allocates_nothing() {
    let mut out = Vec::with_capacity(4096);
    let mut runs = 0;
    for charset in Charset::ALL {
        for normalize in [false, true] {
            let options = Options::new(charset).normalize(normalize);
            // CP932-only characters where the charset allows them; look-alikes only when normalize maps them
            let name = if charset == Charset::EucJp { "高橋 一郎" } else { "髙橋 ①郎" };
            let memo = if normalize { "10時〜12時 ¥100" } else { "10時～12時 ￥100" };
            let register = UserRegister {
                contract_code: "12345678",
                user_id: "U0001",
                user_name: name,
                user_mail_add: "taro@example.com",
                memo1: Some(memo),
                memo2: Some("ﾃｽﾄ"),
            };
            let change = UserChange {
                contract_code: "12345678",
                user_id: "U0001",
                user_name: "山田 太郎",
                user_mail_add: "taro@example.com",
                st_code: "00000-0000-00000-00000-00000-00000-00000",
                memo1: None,
                memo2: Some("\u{3000}"), // optional and blank: sent as given
            };
            let order = LinkOrder {
                user_name: "ヤマダ タロウ",
                memo1: Some(memo),
                conveni_code: Some("31"),
                user_tel: Some("0312345678"),
                user_name_kana: Some("ヤマダ タロウ"),
                ..crate::reports::link_order()
            };
            let info = OrderInfo { contract_code: "12345678", order_number: Some("T20261122001"), trans_code: None };
            let checks: [(&str, Check<'_>); 4] = [
                ("user_register", &|o| {
                    register.validate(options).unwrap();
                    register.encoded_len(options).unwrap() + register.encode(options, o).unwrap()
                }),
                ("user_change", &|o| {
                    change.validate(options).unwrap();
                    change.encoded_len(options).unwrap() + change.encode(options, o).unwrap()
                }),
                ("link_order", &|o| {
                    order.validate(options).unwrap();
                    order.encoded_len(options).unwrap() + order.encode(options, o).unwrap()
                }),
                ("order_info", &|o| {
                    info.validate(options).unwrap();
                    info.encoded_len(options).unwrap() + info.encode(options, o).unwrap()
                }),
            ];
            for (name, check) in checks {
                if name == "order_info" && !ORDER_INFO.takes(charset) {
                    continue; // no UTF-8 markers: refused as UTF-8 (rule `transport`)
                }
                out.clear();
                let (n, count) = allocations(|| check(&mut out));
                assert!(n > 0);
                assert_eq!(count, 0, "{name} in {charset}, normalize {normalize}: {count} allocations");
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 22, "4 operations × 3 charsets × 2, without order_info in UTF-8");
    // the counter does count: an invalid request allocates its report, and a value NFC must compose is copied
    let (_, count) = allocations(|| UserRegister::default().validate(Options::default()));
    assert!(count > 0);
    let decomposed = UserRegister {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "か\u{3099}",
        user_mail_add: "a@b",
        ..Default::default()
    };
    let (ok, count) = allocations(|| decomposed.validate(Options::default().normalize(true)));
    assert!(ok.is_ok() && count > 0, "{ok:?}, {count} allocations");
}

/// Reading an `errorCode` by its layout, and writing its sentences into a pre-sized buffer, allocate nothing.
#[test]
fn explaining_an_error_code_allocates_nothing() {
    use std::fmt::Write as _;

    let mut out = String::with_capacity(4096);
    let codes =
        ["A081010306", "A081011373", "A082000003", "Z010000000", "Z019999999", "E041010304", "X991010306", "A08"];
    let ((), n) = allocations(|| {
        for code in codes {
            match kuroneko_proto::explain(code) {
                Ok(e) => {
                    let _ = write!(out, "{e} {} {e:?}", e.ja());
                }
                Err(err) => {
                    let _ = write!(out, "{err} {err:?}");
                }
            }
        }
    });
    assert_eq!(n, 0);
    assert!(out.contains("credit_token, item 03 `device_div`: value not in the allowed set"), "{out}");
}
