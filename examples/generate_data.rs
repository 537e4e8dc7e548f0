//! Generating data from a preset: sample the `shortcut` scenario at the training distribution
//! (shift 0) and at the test environment (shift 1), print how the spurious feature's link to the
//! outcome changes, and write the shifted rows as CSV with each row's `env_shift`.
//!
//! `cargo run --release --example generate_data`

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::data::Sampler;
use crl_lab::export::write_dataset;
use crl_lab::scm::{Role, preset};

fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (
        a.iter().map(|&v| f64::from(v)).sum::<f64>() / n,
        b.iter().map(|&v| f64::from(v)).sum::<f64>() / n,
    );
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (dx, dy) = (f64::from(x) - ma, f64::from(y) - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    sab / (saa * sbb).sqrt()
}

fn main() -> crl_lab::Result<()> {
    let scenario = preset("shortcut")?;
    println!("{}: {}", scenario.name, scenario.title);
    for shift in [0.0, 1.0] {
        let data = Sampler::new(&scenario, shift)?.sample(5_000, 42)?;
        let Some(y) = data.columns.iter().find(|c| c.role == Role::Outcome) else {
            return Err(crl_lab::Error::NoOutcome);
        };
        let y = &y.values;
        print!("shift {shift}:");
        for c in &data.columns {
            if matches!(c.role, Role::Feature | Role::Confounder) {
                print!("  corr({}, y) = {:+.2}", c.name, correlation(&c.values, y));
            }
        }
        println!();
    }
    let out = std::env::temp_dir().join("crl-lab-shortcut-shift1.csv");
    write_dataset(&scenario, 1.0, 5_000, 42, &out)?;
    println!(
        "wrote 5000 rows at shift 1 (with an env_shift column) to {}",
        out.display()
    );
    Ok(())
}
