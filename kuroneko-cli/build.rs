//! Tells the tests whether the recorded fixtures and valgrind are there (cfg `japay_no_fixtures`,
//! `japay_no_valgrind`, set only outside CI): see `japay_test_support::probe`.
fn main() {
    japay_test_support::probe::build_script();
}
