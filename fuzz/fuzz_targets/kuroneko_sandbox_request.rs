#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| epsilon_tests::fuzz_kuroneko_request::kuroneko_sandbox_request(data));
