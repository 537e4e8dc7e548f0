//! The training entry points: an ensemble of baseline, CRL and reference members, split into
//! shards that train side by side on their own threads (the CPU backend runs each op on one
//! core, and these matrices are too small to split), their reports joined in member order.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use burn::tensor::{Int, Tensor, TensorData};

use super::config::TrainConfig;
use super::control::RunControl;
use super::device::ComputeDevice;
use super::device_data::{InputSpec, check_training_memory, sample_tables};
use super::join::Joiner;
use super::member::{MemberSpec, ModelKind};
use super::observer::{Observer, Report, RunInfo};
use super::problem::Problem;
use super::scoring::TestSets;
use super::shard::run_shard;
use super::shard_io::{ShardEnd, ShardEvent, ShardRun};
use super::sharding::plan_shards;
use crate::data::PreparedTables;
use crate::error::{Error, Result};
use crate::limits::MemoryBudget;
use crate::mi::{Conditioning, EstimatorKind};
use crate::models::Predictor;

/// A finished (or cancelled) run.
#[derive(Debug)]
pub struct Trained {
    /// Each shard's encoders and heads, off the autodiff graph, ready for evaluation.
    shards: Vec<Predictor>,
    /// `[M]`: where member i's row is in the shards' outputs stacked in shard order.
    order: Vec<usize>,
    /// The members, in ensemble order.
    pub members: Vec<MemberSpec>,
    /// Every report, in order.
    pub history: Vec<Report>,
    /// Facts told at the start.
    pub info: RunInfo,
    /// Model steps done (by every member).
    pub steps_done: usize,
    /// Whether the run was cancelled before its last step.
    pub cancelled: bool,
    /// Per member, the step its returned model is of: the last step, or with
    /// [`TrainConfig::keep_best_val`] the report with its lowest validation loss.
    pub selected_steps: Vec<usize>,
    /// The device it ran on.
    pub device: ComputeDevice,
}

impl Trained {
    /// Every member's output for rows `x` `[1, N, in]`: `[M, N, 1]` logits or standardised
    /// values, in member order.
    pub fn predict(&self, x: &Tensor<3>) -> Tensor<3> {
        let outs: Vec<Tensor<3>> = self
            .shards
            .iter()
            .map(|p| p.predict(p.encode(x.clone())))
            .collect();
        let stacked = Tensor::cat(outs, 0);
        if self.order.iter().enumerate().all(|(i, &at)| i == at) {
            return stacked;
        }
        let order: Vec<i64> = self.order.iter().map(|&i| i as i64).collect();
        let index = Tensor::<1, Int>::from_data(
            TensorData::new(order, [self.order.len()]),
            &stacked.device(),
        );
        stacked.select(0, index)
    }

    /// How many shards (threads) trained the ensemble.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }
}

/// The checks both entry points make before any work: the configuration and a non-empty
/// ensemble. Returns the penalty's conditioning: none, within the classes of a binary y, or
/// within quantile bins of a continuous one.
fn check_run(config: &TrainConfig, members: &[MemberSpec], binary: bool) -> Result<Conditioning> {
    config.validate()?;
    if members.is_empty() {
        return Err(Error::invalid("a run needs at least one member"));
    }
    Ok(Conditioning::for_outcome(config.conditional, binary))
}

/// Trains every member of `members` together on `device`, reporting to `observer` and obeying
/// `control`. Each member seed gets its own `config.n_train` training and `config.n_val`
/// validation rows, sampled from the problem's scenario at shift 0. A cancelled run returns what
/// it has.
pub fn train(
    problem: &Problem,
    members: &[MemberSpec],
    config: &TrainConfig,
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<Trained> {
    train_scored(problem, members, config, device, None, observer, control)
}

/// Like [`train`], and scores every member on `tests` at reports (see [`TestSets`]), telling
/// `observer` the outputs after each such report.
pub fn train_scored(
    problem: &Problem,
    members: &[MemberSpec],
    config: &TrainConfig,
    device: &ComputeDevice,
    tests: Option<&TestSets>,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<Trained> {
    let cond = check_run(config, members, problem.binary)?;
    let one_hot = config.estimator == EstimatorKind::ClubCategorical;
    let spec = InputSpec {
        n_features: problem.features.len(),
        confounder_width: problem.confounder_width(one_hot),
        binary: problem.binary,
    };
    let mut seeds: Vec<u64> = members.iter().map(|m| m.seed).collect();
    seeds.sort_unstable();
    seeds.dedup();
    check_training_memory(
        (config.n_train, config.n_val),
        (spec.n_features, spec.confounder_width),
        (members.len(), seeds.len()),
        config,
        tests.map_or(0, |t| t.tables.iter().map(|t| t.n).sum()),
        MemoryBudget::process(),
    )?;
    let tables = sample_tables(problem, members, config, one_hot)?;
    let find = |seed: u64| {
        tables
            .iter()
            .find(|(s, _, _)| *s == seed)
            .map(|(_, t, v)| (t, v))
    };
    let mut train = Vec::new();
    let mut val = Vec::new();
    for m in members {
        let (t, v) = find(m.seed).ok_or_else(|| Error::internal("rows not sampled"))?;
        train.push(t);
        val.push(v);
    }
    if let Some(t) = tests
        && t.tables
            .iter()
            .any(|t| t.x.len() != t.n * problem.features.len())
    {
        return Err(Error::invalid(
            "a test set's columns do not match the problem's features",
        ));
    }
    let causal = problem.causal_mask();
    let masks: Vec<Vec<f32>> = members
        .iter()
        .map(|m| match m.kind {
            ModelKind::Oracle => causal.clone(),
            _ => vec![1.0; causal.len()],
        })
        .collect();
    let run = ShardRun {
        train,
        val,
        rows: (config.n_train, config.n_val),
        spec,
        cond,
        masks,
        members,
        config,
        device,
        tests,
        control,
    };
    coordinate(&run, observer)
}

/// Trains every member of `members` on the same prepared rows (real logs, for instance): like
/// [`train`], except that the rows come from `tables` instead of a scenario, so
/// `config.n_train` and `config.n_val` are not used. Member seeds still set initial weights and
/// batch orders. For `club-categorical`, `tables`' confounder columns must be one-hot classes.
pub fn train_tables(
    tables: &PreparedTables,
    members: &[MemberSpec],
    config: &TrainConfig,
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<Trained> {
    let cond = check_run(config, members, tables.binary)?;
    tables.validate()?;
    if members.iter().any(|m| m.kind == ModelKind::Oracle) {
        return Err(Error::invalid(
            "a causal-features-only reference needs a scenario that knows which features are causal; these rows do not say",
        ));
    }
    if config.batch_size > tables.train.n {
        return Err(Error::invalid(format!(
            "the batch ({}) is larger than the training table ({} rows)",
            config.batch_size, tables.train.n
        )));
    }
    let m = members.len();
    let spec = InputSpec {
        n_features: tables.n_features,
        confounder_width: tables.confounder_width,
        binary: tables.binary,
    };
    check_training_memory(
        (tables.train.n, tables.val.n),
        (spec.n_features, spec.confounder_width),
        (m, 1),
        config,
        0,
        MemoryBudget::process(),
    )?;
    let run = ShardRun {
        train: vec![&tables.train; m],
        val: vec![&tables.val; m],
        rows: (tables.train.n, tables.val.n),
        spec,
        cond,
        masks: vec![vec![1.0; tables.n_features]; m],
        members,
        config,
        device,
        tests: None,
        control,
    };
    coordinate(&run, observer)
}

/// Runs the shards (on this thread when there is one, else one named thread each) and joins
/// what they report for `observer`.
fn coordinate(run: &ShardRun<'_>, observer: &mut dyn Observer) -> Result<Trained> {
    let ranges = plan_shards(run.config, run.device, run.members);
    let mut joiner = Joiner::new(run, ranges.clone());
    let abort = AtomicBool::new(false);
    let ends: Vec<Result<ShardEnd>> = if ranges.len() == 1 {
        vec![run_shard(run, 0, &ranges[0], &abort, &mut |ev| {
            joiner.push(ev, observer)
        })]
    } else {
        std::thread::scope(|scope| {
            let (tx, rx) = sync_channel::<ShardEvent>(4 * ranges.len());
            let mut handles = Vec::new();
            for (i, range) in ranges.iter().enumerate() {
                let tx = tx.clone();
                let abort = &abort;
                let range = range.as_slice();
                let spawned = std::thread::Builder::new()
                    .name(format!("crl-train-{i}"))
                    .spawn_scoped(scope, move || {
                        let end = run_shard(run, i, range, abort, &mut |ev| {
                            // A closed channel means the coordinator has given up: stop.
                            tx.send(ev).is_ok()
                        });
                        if end.is_err() {
                            abort.store(true, Ordering::SeqCst);
                        }
                        end
                    });
                match spawned {
                    Ok(h) => handles.push(h),
                    Err(e) => {
                        abort.store(true, Ordering::SeqCst);
                        return vec![Err(Error::Device(format!(
                            "cannot start a training thread: {e}"
                        )))];
                    }
                }
            }
            drop(tx);
            for ev in rx {
                joiner.push(ev, observer);
            }
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|payload| {
                        Err(Error::Device(format!(
                            "a training thread failed: {}",
                            panic_text(payload.as_ref())
                        )))
                    })
                })
                .collect()
        })
    };
    // Shard outputs stack in shard order; member i sits at order[i].
    let mut order = vec![0; run.members.len()];
    for (at, &i) in ranges.iter().flatten().enumerate() {
        order[i] = at;
    }
    let ends = ends.into_iter().collect::<Result<Vec<ShardEnd>>>()?;
    let steps_done = ends.iter().map(|e| e.steps_done).min().unwrap_or(0);
    let cancelled = ends.iter().any(|e| e.cancelled);
    let (shards, selected): (Vec<Predictor>, Vec<Vec<usize>>) = ends
        .into_iter()
        .map(|e| (e.predictor, e.selected_steps))
        .unzip();
    let selected_steps = super::join::place(selected, &ranges);
    let info = joiner
        .info
        .ok_or_else(|| Error::internal("a run ended before it started"))?;
    Ok(Trained {
        shards,
        order,
        members: run.members.to_vec(),
        history: joiner.history,
        info,
        steps_done,
        cancelled,
        selected_steps,
        device: run.device.clone(),
    })
}

/// What a panic said (a backend's "device lost", an allocation that failed), for the message
/// that ends the run.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "it panicked".into())
}
