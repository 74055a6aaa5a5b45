//! Bytes as one spec file (an endpoint beside a valid service, or the service file itself)
//! through load, check, lower and every emitter; errors are rendered too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| switchboard_fuzz::build_spec(data));
