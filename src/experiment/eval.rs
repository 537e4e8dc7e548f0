//! Evaluation of a trained ensemble: metrics on fresh test sets along the shift grid, and
//! spurious reliance (the metric's drop when a non-causal feature is permuted).

use burn::tensor::{Tensor, TensorData};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::data::{HostTable, Sampler};
use crate::error::{Error, Result};
use crate::scm::derive_seed;
use crate::train::{
    MemberSpec, Metrics, ModelKind, Problem, Trained, binary_metrics, read_back, regression_metrics,
};

/// One member's metrics on the test set at one shift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// The member's beta.
    pub beta: f64,
    /// The member's seed.
    pub seed: u64,
    /// The shift of the test set.
    pub shift: f64,
    /// Its metrics.
    pub metrics: Metrics,
}

/// Which model an evaluation reflects and how many test rows per shift it scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvalAt {
    /// The model step.
    pub step: usize,
    /// Test rows per shift.
    pub rows: usize,
}

/// The drop of the headline metric when one non-causal feature is permuted (shift 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelianceRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// The member's seed.
    pub seed: u64,
    /// The permuted feature column.
    pub feature: String,
    /// Headline metric without permutation minus with.
    pub drop: f64,
}

/// Runs every member on `table`; returns `[M][n]` outputs (logits or standardised values).
fn forward(trained: &Trained, table: &HostTable, n_features: usize) -> Result<Vec<Vec<f32>>> {
    let device = &trained.device.device;
    let x = Tensor::<3>::from_data(
        TensorData::new(table.x.clone(), [1, table.n, n_features]),
        device,
    );
    let out = trained.predict(&x);
    let values = read_back(out, "predictions")?;
    Ok(values.chunks(table.n).map(<[f32]>::to_vec).collect())
}

/// Refuses a NaN or infinite output of `member`, naming the model (kind, β, seed) and the set
/// it was scored on (`on`, e.g. "the test set at shift 0.5"), so a diverged model is reported
/// as an error rather than ranked or averaged into a number.
pub(super) fn check_outputs(member: &MemberSpec, out: &[f32], on: &str) -> Result<()> {
    match out.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(Error::NonFiniteValue {
            what: format!(
                "the prediction of the {} model (β {}, seed {}) on {on}",
                member.kind, member.beta, member.seed
            ),
            value: f64::from(out[row]),
            row,
        }),
        None => Ok(()),
    }
}

/// The metrics of `member`'s outputs `out` against `raw_y`, after [`check_outputs`].
fn metrics_of(
    problem: &Problem,
    member: &MemberSpec,
    out: &[f32],
    raw_y: &[f32],
    on: &str,
) -> Result<Metrics> {
    check_outputs(member, out, on)?;
    if problem.binary {
        binary_metrics(out, raw_y)
    } else {
        let pred: Vec<f32> = out.iter().map(|&v| problem.unstandardize_y(v)).collect();
        Ok(regression_metrics(&pred, raw_y))
    }
}

/// The test set at `shift`: its seed depends on the run's seed and the shift only, so every
/// member and every grid sees the same rows at the same shift.
pub(super) fn test_set(
    problem: &Problem,
    shift: f64,
    n: usize,
    seed: u64,
) -> Result<(HostTable, Vec<f32>)> {
    let data = Sampler::new(&problem.scenario, shift)?
        .sample(n, derive_seed(seed, &format!("test at {shift:.9}")))?;
    let raw_y = data.column(&problem.outcome)?.values.clone();
    Ok((problem.table(&data, false)?, raw_y))
}

/// Evaluates every member of `trained` on a fresh test set at each shift of `shifts`. Fails,
/// naming the model and the shift, when a prediction is NaN or infinite.
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
        let on = format!("the test set at shift {shift}");
        rows.extend(shift_rows(
            problem,
            &trained.members,
            shift,
            &outs,
            &raw_y,
            &on,
        )?);
    }
    Ok(rows)
}

/// Every member's row at `shift`, from its outputs `outs[member]` against `raw_y` (`on` names
/// the set in an error).
pub(super) fn shift_rows(
    problem: &Problem,
    members: &[MemberSpec],
    shift: f64,
    outs: &[Vec<f32>],
    raw_y: &[f32],
    on: &str,
) -> Result<Vec<EvalRow>> {
    members
        .iter()
        .zip(outs)
        .map(|(member, out)| {
            Ok(EvalRow {
                model: member.kind,
                beta: member.beta,
                seed: member.seed,
                shift,
                metrics: metrics_of(problem, member, out, raw_y, on)?,
            })
        })
        .collect()
}

/// Spurious reliance: for each non-causal feature, the headline metric's drop at shift 0 when
/// that column is permuted. Fails, naming the model and the feature, when a prediction is NaN
/// or infinite.
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
        let on = format!("the test set at shift 0 with `{feature}` permuted");
        for ((member, out), b) in trained.members.iter().zip(&outs).zip(&base) {
            let before = metrics_of(problem, member, b, &raw_y, "the test set at shift 0")?;
            let after = metrics_of(problem, member, out, &raw_y, &on)?;
            let (before, after) = (before.headline(), after.headline());
            rows.push(RelianceRow {
                model: member.kind,
                seed: member.seed,
                feature: feature.clone(),
                drop: before - after,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11: a diverged model's NaN output used to be ranked or averaged into its metrics;
    /// now it is an error naming the model and the set.
    #[test]
    fn a_non_finite_output_names_the_model_and_the_shift() {
        let member = MemberSpec::crl(7, 5.0);
        assert!(check_outputs(&member, &[0.5, -1.0], "the test set at shift 0.5").is_ok());
        let e =
            check_outputs(&member, &[0.5, f32::NAN, 1.0], "the test set at shift 0.5").unwrap_err();
        match &e {
            Error::NonFiniteValue { row, .. } => assert_eq!(*row, 1),
            other => panic!("expected NonFiniteValue, got {other:?}"),
        }
        let text = e.to_string();
        for part in ["crl", "β 5", "seed 7", "shift 0.5", "NaN", "row 1"] {
            assert!(text.contains(part), "`{part}` not in: {text}");
        }
    }
}
