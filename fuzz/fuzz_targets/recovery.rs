//! Fuzz target: see `crl_lab_fuzz::recovery`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    crl_lab_fuzz::recovery(data);
});
