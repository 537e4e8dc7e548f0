//! `presets`, `generate` and `truth`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::source::ScenarioSource;
use crate::data::{Sampler, sidecar_path, write_csv};
use crate::error::Result;
use crate::scm::{DEFAULT_PRESET, GaussianTruth, preset, preset_names};

/// Arguments of `crl-lab generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    source: ScenarioSource,
    /// Number of logged rows to draw.
    #[arg(long, default_value_t = 10_000, value_parser = parse_rows)]
    rows: usize,
    /// Distribution shift s in [0, 1]: 0 is the training (logging) environment, 1 the test one.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    shift: f64,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output CSV file; the sidecar goes to FILE.csv.json.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
}

/// Arguments of `crl-lab truth`.
#[derive(Debug, Args)]
pub struct TruthArgs {
    #[command(flatten)]
    source: ScenarioSource,
    /// First set of nodes, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, value_name = "NODES")]
    a: Vec<String>,
    /// Second set of nodes, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, value_name = "NODES")]
    b: Vec<String>,
    /// Shift at which to evaluate the parameters.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    shift: f64,
}

/// `crl-lab presets`.
pub fn presets() -> Result<()> {
    for name in preset_names() {
        let sc = preset(name)?;
        let default = if name == DEFAULT_PRESET {
            " (default)"
        } else {
            ""
        };
        println!("{name:<16} {}{default}", sc.title);
    }
    Ok(())
}

/// `crl-lab generate`.
pub fn generate(args: &GenerateArgs) -> Result<()> {
    let scenario = args.source.load()?;
    let sampler = Sampler::new(&scenario, args.shift)?;
    let n_rows = args.rows;
    let spinner = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner.set_message(format!("sampling {n_rows} rows"));
    let t0 = Instant::now();
    let data = sampler.sample(n_rows, args.seed)?;
    let sample_secs = t0.elapsed().as_secs_f64();
    spinner.set_message(format!("writing {}", args.out.display()));
    let written = write_csv(&data, &scenario, &args.out);
    spinner.finish_and_clear();
    written?;
    eprintln!(
        "wrote {} rows x {} columns of `{}` at shift {} (seed {}) to {} and {} (sampled in {:.2} s)",
        data.n_rows,
        data.columns.len() + 1,
        scenario.name,
        args.shift,
        args.seed,
        args.out.display(),
        sidecar_path(&args.out).display(),
        sample_secs
    );
    Ok(())
}

/// `crl-lab truth`.
pub fn truth(args: &TruthArgs) -> Result<()> {
    let scenario = args.source.load()?;
    let truth = GaussianTruth::new(&scenario, args.shift)?;
    let a: Vec<&str> = args.a.iter().map(String::as_str).collect();
    let b: Vec<&str> = args.b.iter().map(String::as_str).collect();
    let mi = truth.mutual_information(&a, &b)?;
    println!(
        "I({}; {}) = {mi:.6} nats ({:.6} bits) in `{}` at shift {}",
        a.join(","),
        b.join(","),
        mi / std::f64::consts::LN_2,
        scenario.name,
        args.shift
    );
    Ok(())
}

/// Parses a row count: a whole number of at least 1.
pub(crate) fn parse_rows(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("the number of rows must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a whole number of rows")),
    }
}
