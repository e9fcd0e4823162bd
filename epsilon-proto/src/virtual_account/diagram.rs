//! The lifecycle as a mermaid state diagram, drawn from [`super::INITIAL`] and [`super::TRANSITIONS`].

use std::fmt::Write as _;

use super::status::Status;
use super::transitions::{INITIAL, TRANSITIONS};

/// The lifecycle as a mermaid `stateDiagram-v2` (without the surrounding code fence): one state per [`Status`]
/// (Japanese and English label), one edge per initial status and per row of the transition table, in table order.
///
/// ```
/// let diagram = epsilon_proto::virtual_account::diagram::mermaid();
/// assert!(diagram.starts_with("stateDiagram-v2\n"));
/// assert!(diagram.contains("AwaitingDeposit --> PaidInFull: deposit, total = amount\n"));
/// ```
pub fn mermaid() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    for status in Status::ALL {
        // writing to a String cannot fail
        let _ = writeln!(out, "    state \"{} {}\" as {}", status.label_ja(), status.label_en(), status.ident());
    }
    for initial in INITIAL {
        let _ = writeln!(out, "    [*] --> {}: {}", initial.status.ident(), initial.label);
    }
    for t in TRANSITIONS {
        let _ = writeln!(out, "    {} --> {}: {}", t.from.ident(), t.to.ident(), t.trigger.label());
    }
    for status in Status::ALL.into_iter().filter(|s| s.is_final()) {
        let _ = writeln!(out, "    {} --> [*]", status.ident());
    }
    out
}
