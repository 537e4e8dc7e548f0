//! What a report reads back: validation loss and metric, the probes' I(z; c | y), I(z; c) and
//! I(z; y) and the step's losses, in one transfer, with non-finite values named.

use std::time::Duration;

use burn::module::Module;
use burn::tensor::Tensor;

use super::config::TrainConfig;
use super::device::read_back;
use super::device_data::DeviceData;
use super::loss::supervised_loss;
use super::member::MemberSpec;
use super::observer::{MemberReport, Report};
use super::probes::Probes;
use crate::error::{Error, Result};
use crate::mi::per_member_mean;
use crate::models::Predictor;

/// The step's figures per member `[M]`, and which members' penalty was estimated.
pub(super) struct StepValues<'a> {
    pub(super) total: Tensor<1>,
    pub(super) supervised: Tensor<1>,
    pub(super) penalty: Tensor<1>,
    pub(super) estimate: Tensor<1>,
    /// Member i has a penalty critic (its estimate is reported; NaN otherwise).
    pub(super) estimated: &'a [bool],
}

/// Evaluates validation figures and reads everything back in one transfer.
#[allow(clippy::too_many_arguments)]
pub(super) fn report(
    pred: &Predictor,
    probes: Option<&mut Probes>,
    data: &DeviceData,
    binary: bool,
    step_values: StepValues<'_>,
    step: usize,
    config: &TrainConfig,
    warm: f64,
    active: Duration,
    last: &mut (usize, Duration),
    members: &[MemberSpec],
) -> Result<Report> {
    const NAMES: [&str; 9] = [
        "total loss",
        "supervised loss",
        "penalty",
        "penalty critic's estimate",
        "I(z; c | y) monitor",
        "I(z; c) monitor",
        "I(z; y) monitor",
        "validation loss",
        "validation metric",
    ];
    let pred = pred.valid();
    let m = members.len();
    let out = pred.predict(pred.encode(data.x_val.clone()));
    let val_loss = supervised_loss(out.clone(), data.y_val.clone(), binary);
    let val_metric = if binary {
        let hit = out.greater_elem(0.0).float() - data.y_val.clone();
        per_member_mean(hit.abs().neg().add_scalar(1.0))
    } else {
        val_loss
            .clone()
            .div_scalar(data.val_var_y)
            .neg()
            .add_scalar(1.0)
    };
    let measured =
        probes.and_then(|p| p.measure(&pred, data, config.monitor_steps, config.critic_lr));
    let monitored = measured.is_some();
    let (mi_zc_y, mi_zc, mi_zy) = if let Some(ms) = measured {
        (ms.zc_given_y, ms.zc, ms.zy)
    } else {
        let zeros = || Tensor::<1>::zeros([m], &val_loss.device());
        (zeros(), zeros(), zeros())
    };
    let StepValues {
        total,
        supervised: sup,
        penalty,
        estimate: est,
        estimated,
    } = step_values;
    let packed = Tensor::cat(
        vec![
            total, sup, penalty, est, mi_zc_y, mi_zc, mi_zy, val_loss, val_metric,
        ],
        0,
    );
    let values = read_back(packed, "metrics")?;
    for (q, name) in NAMES.iter().enumerate() {
        for (i, mm) in members.iter().enumerate() {
            let v = f64::from(values[q * m + i]);
            if !v.is_finite() {
                return Err(Error::NonFinite {
                    quantity: format!("{} (member {i}, beta {}) {name}", mm.kind, mm.beta),
                    value: v,
                    step,
                });
            }
        }
    }
    // What was not estimated is NaN, never a made-up number.
    let get = |q: usize, i: usize| {
        if (q == 3 && !estimated.get(i).copied().unwrap_or(false))
            || (!monitored && (4..=6).contains(&q))
        {
            f64::NAN
        } else {
            f64::from(values[q * m + i])
        }
    };
    let members_out = (0..m)
        .map(|i| MemberReport {
            total_loss: get(0, i),
            supervised_loss: get(1, i),
            penalty: get(2, i),
            penalty_mi: get(3, i),
            mi_zc_given_y: get(4, i),
            mi_zc: get(5, i),
            mi_zy: get(6, i),
            val_loss: get(7, i),
            val_metric: get(8, i),
        })
        .collect();
    let interval = active.saturating_sub(last.1).as_secs_f64();
    let steps_per_sec = if interval > 0.0 {
        (step - last.0) as f64 / interval
    } else {
        0.0
    };
    *last = (step, active);
    Ok(Report {
        step,
        total_steps: config.steps,
        elapsed_secs: active.as_secs_f64(),
        steps_per_sec,
        beta_warmup: warm,
        members: members_out,
    })
}
