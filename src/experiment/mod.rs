//! Experiments over shifts and seeds: evaluation on a shift grid, spurious reliance, sweeps and
//! their mean ± std summaries; and the KuaiRand run (standard logs vs random exposure).

mod job;
mod kuairand;
mod run;
mod settings;

pub use kuairand::{
    EvalSet, KuaiRandCounts, KuaiRandResult, KuaiRandRow, KuaiRandSettings, KuaiRandSummaryRow,
    NDCG_K, RankingMetrics, kuairand_experiment, summarize_kuairand,
};

pub use job::{
    JobEnd, JobObserver, ResultsRecorder, SilentJob, TrainJob, run_calibration, run_job,
    run_job_to_results,
};
pub use run::{Group, RunResults, RunState, trim};
pub use settings::{
    CALIBRATION_RHOS, CalibrationSettings, DataSettings, RunMode, TrainSettings, parse_betas,
    report_every,
};

use std::collections::BTreeMap;

use burn::tensor::{Tensor, TensorData};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scm::{Sampler, check_shift, derive_seed};
use crate::train::{
    ComputeDevice, HostTable, MemberSpec, Metrics, Observer, Problem, RunControl, TrainConfig,
    Trained, binary_metrics, regression_metrics, train,
};

/// One member's metrics on the test set at one shift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalRow {
    /// `baseline` or `crl`.
    pub model: String,
    /// The member's beta.
    pub beta: f64,
    /// The member's seed.
    pub seed: u64,
    /// The shift of the test set.
    pub shift: f64,
    /// Its metrics.
    pub metrics: Metrics,
}

/// Mean and standard deviation over seeds of one model at one shift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// `baseline` or `crl`.
    pub model: String,
    /// Its beta.
    pub beta: f64,
    /// The shift.
    pub shift: f64,
    /// Number of seeds.
    pub n_seeds: usize,
    /// Mean of each metric.
    pub mean: Metrics,
    /// Sample standard deviation of each metric (0 with one seed).
    pub std: Metrics,
    /// OOD gap of the headline metric: mean at shift 0 minus mean at this shift.
    pub ood_gap: f64,
}

/// The drop of the headline metric when one non-causal feature is permuted (shift 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelianceRow {
    /// `baseline` or `crl`.
    pub model: String,
    /// The member's seed.
    pub seed: u64,
    /// The permuted feature column.
    pub feature: String,
    /// Headline metric without permutation minus with.
    pub drop: f64,
}

/// Parses a grid `start:end:count` (e.g. `0:1:11`) or a comma list (`0,0.5,1`).
pub fn parse_grid(text: &str) -> Result<Vec<f64>> {
    let bad = || {
        Error::invalid(format!(
            "`{text}` is not a shift grid (use start:end:count such as 0:1:11, or a list such as 0,0.5,1)"
        ))
    };
    let grid: Vec<f64> = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let [a, b, n] = parts.as_slice() else {
            return Err(bad());
        };
        let (a, b): (f64, f64) = (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        );
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        match n {
            0 => return Err(bad()),
            1 => vec![a],
            _ => (0..n)
                .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
                .collect(),
        }
    } else {
        text.split(',')
            .map(|p| p.trim().parse::<f64>().map_err(|_| bad()))
            .collect::<Result<_>>()?
    };
    for &s in &grid {
        check_shift(s)?;
    }
    Ok(grid)
}

/// Runs every member on `table`; returns `[M][n]` outputs (logits or standardised values).
fn forward(trained: &Trained, table: &HostTable, n_features: usize) -> Result<Vec<Vec<f32>>> {
    let device = &trained.device.device;
    let x = Tensor::<3>::from_data(
        TensorData::new(table.x.clone(), [1, table.n, n_features]),
        device,
    );
    let out = trained.predictor.predict(trained.predictor.encode(x));
    let values: Vec<f32> = out
        .into_data()
        .try_into_vec_as::<f32>()
        .map_err(|e| Error::Device(format!("cannot read predictions back: {e:?}")))?;
    Ok(values.chunks(table.n).map(<[f32]>::to_vec).collect())
}

fn metrics_of(problem: &Problem, out: &[f32], raw_y: &[f32]) -> Metrics {
    if problem.binary {
        binary_metrics(out, raw_y)
    } else {
        let pred: Vec<f32> = out.iter().map(|&v| problem.unstandardize_y(v)).collect();
        regression_metrics(&pred, raw_y)
    }
}

/// The test set at `shift`: its seed depends on the run's seed and the shift only, so every
/// member and every grid sees the same rows at the same shift.
fn test_set(problem: &Problem, shift: f64, n: usize, seed: u64) -> Result<(HostTable, Vec<f32>)> {
    let data = Sampler::new(&problem.scenario, shift)?
        .sample(n, derive_seed(seed, &format!("test at {shift:.9}")))?;
    let raw_y = data.column(&problem.outcome)?.values.clone();
    Ok((problem.table(&data, false)?, raw_y))
}

/// Evaluates every member of `trained` on a fresh test set at each shift of `shifts`.
pub fn evaluate(
    problem: &Problem,
    trained: &Trained,
    shifts: &[f64],
    n_test: usize,
    seed: u64,
) -> Result<Vec<EvalRow>> {
    let mut rows = Vec::new();
    for &shift in shifts {
        let (table, raw_y) = test_set(problem, shift, n_test, seed)?;
        let outs = forward(trained, &table, problem.features.len())?;
        for (member, out) in trained.members.iter().zip(&outs) {
            rows.push(EvalRow {
                model: member.label.clone(),
                beta: member.beta,
                seed: member.seed,
                shift,
                metrics: metrics_of(problem, out, &raw_y),
            });
        }
    }
    Ok(rows)
}

/// Spurious reliance: for each non-causal feature, the headline metric's drop at shift 0 when
/// that column is permuted.
pub fn spurious_reliance(
    problem: &Problem,
    trained: &Trained,
    n_test: usize,
    seed: u64,
) -> Result<Vec<RelianceRow>> {
    let (table, raw_y) = test_set(problem, 0.0, n_test, seed)?;
    let dx = problem.features.len();
    let base = forward(trained, &table, dx)?;
    let mut rows = Vec::new();
    for feature in &problem.spurious_features {
        let Some(j) = problem.feature_index(feature) else {
            continue;
        };
        let mut permuted = table.clone();
        let mut order: Vec<usize> = (0..table.n).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(derive_seed(
            seed,
            &format!("permute {feature}"),
        )));
        for (r, &src) in order.iter().enumerate() {
            permuted.x[r * dx + j] = table.x[src * dx + j];
        }
        let outs = forward(trained, &permuted, dx)?;
        for ((member, out), b) in trained.members.iter().zip(&outs).zip(&base) {
            let before = metrics_of(problem, b, &raw_y).headline();
            let after = metrics_of(problem, out, &raw_y).headline();
            rows.push(RelianceRow {
                model: member.label.clone(),
                seed: member.seed,
                feature: feature.clone(),
                drop: before - after,
            });
        }
    }
    Ok(rows)
}

fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n.max(1.0);
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// Mean and standard deviation per (model, beta, shift), in model, beta, shift order.
pub fn summarize(rows: &[EvalRow]) -> Vec<SummaryRow> {
    // Keys as bit patterns keep the map ordered and exact (betas and shifts are finite, ≥ 0).
    let mut groups: BTreeMap<(String, u64, u64), Vec<&EvalRow>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.model.clone(), r.beta.to_bits(), r.shift.to_bits()))
            .or_default()
            .push(r);
    }
    let mut out: Vec<SummaryRow> = groups
        .into_iter()
        .map(|((model, beta, shift), rs)| {
            let pick = |f: fn(&Metrics) -> f64| {
                mean_std(&rs.iter().map(|r| f(&r.metrics)).collect::<Vec<_>>())
            };
            let (acc, acc_s) = pick(|m| m.accuracy);
            let (auc, auc_s) = pick(|m| m.auc);
            let (ll, ll_s) = pick(|m| m.logloss);
            let (mse, mse_s) = pick(|m| m.mse);
            let (r2, r2_s) = pick(|m| m.r2);
            SummaryRow {
                model,
                beta: f64::from_bits(beta),
                shift: f64::from_bits(shift),
                n_seeds: rs.len(),
                mean: Metrics {
                    accuracy: acc,
                    auc,
                    logloss: ll,
                    mse,
                    r2,
                },
                std: Metrics {
                    accuracy: acc_s,
                    auc: auc_s,
                    logloss: ll_s,
                    mse: mse_s,
                    r2: r2_s,
                },
                ood_gap: 0.0,
            }
        })
        .collect();
    // OOD gap against the same model's smallest shift (shift 0 on a grid that starts there).
    let snapshot = out.clone();
    for row in &mut out {
        if let Some(first) = snapshot
            .iter()
            .filter(|r| r.model == row.model && r.beta == row.beta)
            .min_by(|a, b| a.shift.total_cmp(&b.shift))
        {
            row.ood_gap = first.mean.headline() - row.mean.headline();
        }
    }
    out
}

/// A sweep's results.
#[derive(Debug)]
pub struct SweepResult {
    /// The trained ensemble (every seed's baseline and CRL model).
    pub trained: Trained,
    /// Per member and shift.
    pub rows: Vec<EvalRow>,
    /// Per model and shift.
    pub summary: Vec<SummaryRow>,
    /// Spurious reliance per member and non-causal feature.
    pub reliance: Vec<RelianceRow>,
}

/// The members of a sweep: a baseline and a CRL model for each of `n_seeds` seeds from
/// `config.seed` on, in one ensemble.
pub fn sweep_members(config: &TrainConfig, n_seeds: usize) -> Vec<MemberSpec> {
    (0..n_seeds as u64)
        .flat_map(|i| {
            let seed = config.seed.wrapping_add(i);
            [
                MemberSpec::baseline(seed),
                MemberSpec::crl(seed, config.beta),
            ]
        })
        .collect()
}

/// Trains baseline and CRL for `n_seeds` seeds in one ensemble and evaluates them on `shifts`.
pub fn sweep(
    problem: &Problem,
    config: &TrainConfig,
    n_seeds: usize,
    shifts: &[f64],
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<SweepResult> {
    if n_seeds == 0 {
        return Err(Error::invalid("a sweep needs at least one seed"));
    }
    let members = sweep_members(config, n_seeds);
    let trained = train(problem, &members, config, device, observer, control)?;
    let rows = evaluate(problem, &trained, shifts, config.n_test, config.seed)?;
    let summary = summarize(&rows);
    let reliance = spurious_reliance(problem, &trained, config.n_test, config.seed)?;
    Ok(SweepResult {
        trained,
        rows,
        summary,
        reliance,
    })
}
