#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| epsilon_tests::fuzz_error_layout::kuroneko_error_layout(data));
