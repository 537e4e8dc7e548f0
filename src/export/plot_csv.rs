//! The numbers behind each figure as CSV: the same series the figure draws, one row per point.
//! Also the generated dataset, with each row's environment shift.

use std::fmt::Write as _;
use std::path::Path;

use super::csv_text::{field, num};
use super::figure::{PlotData, PlotKind};
use crate::data::Sampler;
use crate::data::write_csv;
use crate::error::{Error, Result};
use crate::experiment::{CALIBRATION_RHOS, RunResults, trim};
use crate::scm::Scenario;
use crate::train::ModelKind;

fn need_run<'a>(data: &PlotData<'a>, kind: PlotKind) -> Result<&'a RunResults> {
    data.run.ok_or_else(|| {
        Error::invalid(format!(
            "the {kind} data needs a training run; none is there"
        ))
    })
}

/// The CSV behind the `kind` figure drawn from `data`. The loss, MI and OOD tables start with
/// `run`: `current` for the run, then each shown pinned run's rows under its name.
/// - loss: `run,group,step,train_loss,val_loss` (means over the group's seeds);
/// - mi: `run,group,step,mi_zc_monitor,mi_zy_monitor,penalty_mi,estimator,upper_bound,infonce_ceiling`;
/// - ood: `run,group,model,beta,shift,n_seeds,metric,mean,sd`;
/// - calibration: `series,step,rho,truth,ideal,estimate,estimator,upper_bound,log_n`, where
///   `series` is `grid` for the final estimate of a fresh critic at each correlation (`step`
///   empty) and `staircase` for each reading of the staircase run (one critic, the true MI
///   stepping up); `ideal` is empty for an estimator without one;
/// - tradeoff: `series,shift,beta,mean,sd`;
/// - representation: `model,shift,row,pc1,pc2,confounder,outcome` (the first seed of the
///   baseline and of the CRL model, every shift).
pub fn plot_csv(kind: PlotKind, data: &PlotData<'_>) -> Result<String> {
    let mut s = String::new();
    match kind {
        PlotKind::Loss => {
            let current = need_run(data, kind)?;
            s.push_str("run,group,step,train_loss,val_loss\n");
            for (name, run) in runs(current, data) {
                for g in &run.groups {
                    let train = run.series(g, |m| m.supervised_loss);
                    let val = run.series(g, |m| m.val_loss);
                    for (t, v) in train.iter().zip(&val) {
                        let _ = writeln!(
                            s,
                            "{},{},{},{},{}",
                            field(name),
                            field(&g.name),
                            t[0],
                            num(t[1]),
                            num(v[1])
                        );
                    }
                }
            }
        }
        PlotKind::Mi => {
            let current = need_run(data, kind)?;
            s.push_str(
                "run,group,step,mi_zc_monitor,mi_zy_monitor,penalty_mi,estimator,upper_bound,infonce_ceiling\n",
            );
            for (name, run) in runs(current, data) {
                let ceiling = (run.penalty_batch as f64).ln();
                for g in &run.groups {
                    let zc = run.series(g, |m| m.mi_zc);
                    let zy = run.series(g, |m| m.mi_zy);
                    let pen = run.series(g, |m| m.penalty_mi);
                    for ((a, b), c) in zc.iter().zip(&zy).zip(&pen) {
                        let _ = writeln!(
                            s,
                            "{},{},{},{},{},{},{},{},{}",
                            field(name),
                            field(&g.name),
                            a[0],
                            num(a[1]),
                            num(b[1]),
                            num(c[1]),
                            run.estimator.name(),
                            run.estimator.is_upper_bound(),
                            num(ceiling)
                        );
                    }
                }
            }
        }
        PlotKind::Ood => {
            let current = need_run(data, kind)?;
            s.push_str("run,group,model,beta,shift,n_seeds,metric,mean,sd\n");
            for (name, run) in runs(current, data) {
                let metric = if run.outcome_kind().is_binary() {
                    "accuracy"
                } else {
                    "r2"
                };
                for g in &run.groups {
                    for r in run.group_summary(g) {
                        let _ = writeln!(
                            s,
                            "{},{},{},{},{},{},{metric},{},{}",
                            field(name),
                            field(&g.name),
                            r.model,
                            r.beta,
                            r.shift,
                            r.n_seeds,
                            num(r.mean.headline()),
                            num(r.std.headline())
                        );
                    }
                }
            }
        }
        PlotKind::Representation => {
            let run = need_run(data, kind)?;
            let rep = run.representation.as_ref().ok_or_else(|| {
                Error::invalid("the representation data needs a run's projected representations")
            })?;
            s.push_str("model,shift,row,pc1,pc2,confounder,outcome\n");
            for g in run.groups.iter().filter(|g| g.kind != ModelKind::Oracle) {
                let Some(Some(proj)) = g.members.first().and_then(|&m| rep.members.get(m)) else {
                    continue;
                };
                for (si, points) in proj.points.iter().enumerate() {
                    let (Some(&shift), Some(c), Some(y)) = (
                        rep.shifts.get(si),
                        rep.confounder.get(si),
                        rep.outcome.get(si),
                    ) else {
                        continue;
                    };
                    for (row, ((q, c), y)) in points.iter().zip(c).zip(y).enumerate() {
                        let _ = writeln!(
                            s,
                            "{},{shift},{row},{},{},{c},{y}",
                            field(&g.name),
                            q[0],
                            q[1]
                        );
                    }
                }
            }
        }
        PlotKind::Calibration => {
            s.push_str("series,step,rho,truth,ideal,estimate,estimator,upper_bound,log_n\n");
            let est = data.calibration_estimator.name();
            let ideal = |v: Option<f64>| v.map(num).unwrap_or_default();
            for (rho, c) in CALIBRATION_RHOS.iter().zip(data.calibration) {
                let _ = writeln!(
                    s,
                    "grid,,{rho},{},{},{},{est},{},{}",
                    num(c.truth),
                    ideal(c.ideal),
                    num(c.estimate),
                    c.upper_bound,
                    num(c.log_n)
                );
            }
            if let Some(st) = data.staircase {
                for r in &st.history {
                    let _ = writeln!(
                        s,
                        "staircase,{},{},{},{},{},{est},{},{}",
                        r.step,
                        num(r.rho),
                        num(r.truth),
                        ideal(r.ideal),
                        num(r.estimate),
                        st.upper_bound,
                        num(st.log_n)
                    );
                }
            }
        }
        PlotKind::TradeOff => {
            let run = need_run(data, kind)?;
            s.push_str("series,shift,beta,mean,sd\n");
            let max_shift = run.shifts.iter().copied().fold(0.0_f64, f64::max);
            let min_shift = run.shifts.iter().copied().fold(f64::INFINITY, f64::min);
            for shift in [max_shift, min_shift] {
                for (b, m, sd) in run.metric_vs_beta(shift) {
                    let _ = writeln!(s, "metric,{},{b},{},{}", trim(shift), num(m), num(sd));
                }
            }
            for (b, m, sd) in run.final_mi_vs_beta() {
                let _ = writeln!(s, "final_mi_zc,,{b},{},{}", num(m), num(sd));
            }
        }
    }
    Ok(s)
}

/// The current run as `current`, then each shown pinned run under its name.
fn runs<'a>(current: &'a RunResults, data: &PlotData<'a>) -> Vec<(&'a str, &'a RunResults)> {
    std::iter::once(("current", current))
        .chain(
            data.pinned
                .iter()
                .filter(|p| p.shown)
                .map(|p| (p.name.as_str(), &p.results)),
        )
        .collect()
}

/// Samples `n_rows` rows of `scenario` at `shift` with `seed` and writes them to `path` as CSV
/// (every node's columns, then `env_shift`) with its JSON sidecar, as `crl-lab generate` does.
pub fn write_dataset(
    scenario: &Scenario,
    shift: f64,
    n_rows: usize,
    seed: u64,
    path: &Path,
) -> Result<()> {
    let data = Sampler::new(scenario, shift)?.sample(n_rows, seed)?;
    write_csv(&data, scenario, path)
}
