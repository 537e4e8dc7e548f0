//! Fuzz target: see `crl_lab_fuzz::logs_mapping`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    crl_lab_fuzz::logs_mapping(data);
});
