//! Tells the recorded-layout tests whether the recorded fixtures are there (cfg `japay_no_fixtures`, set only
//! outside CI): see `japay_test_support::probe`.
fn main() {
    japay_test_support::probe::build_script();
}
