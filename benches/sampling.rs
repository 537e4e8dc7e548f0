//! Sampling throughput of the default preset at 1,000,000 rows.

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crl_lab::data::Sampler;
use crl_lab::scm::{DEFAULT_PRESET, preset};

fn sampling(c: &mut Criterion) {
    let scenario = preset(DEFAULT_PRESET).expect("default preset");
    let n_rows = 1_000_000;
    let mut group = c.benchmark_group("sampling");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n_rows as u64));
    for shift in [0.0, 1.0] {
        let sampler = Sampler::new(&scenario, shift).expect("sampler");
        group.bench_function(format!("{DEFAULT_PRESET}/1M rows/shift {shift}"), |b| {
            b.iter(|| black_box(sampler.sample(n_rows, 42).expect("sample")));
        });
    }
    let exposure = preset("exposure-bias").expect("preset");
    let sampler = Sampler::new(&exposure, 0.0).expect("sampler");
    group.bench_function("exposure-bias/1M logged rows", |b| {
        b.iter(|| black_box(sampler.sample(n_rows, 42).expect("sample")));
    });
    group.finish();
}

criterion_group!(benches, sampling);
criterion_main!(benches);
