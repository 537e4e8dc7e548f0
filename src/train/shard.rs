//! One shard's training loop: consecutive members of the ensemble, alternating critic and model
//! steps with every tensor of a step already on the device. Every member's numbers depend only
//! on its own seed and settings, not on which shard it trains in.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::TrainConfig;
use super::critics::Critics;
use super::device::ComputeDevice;
use super::device_data::{InputSpec, upload, val_variance};
use super::loss::supervised_loss;
use super::observer::{MemberSpec, ModelKind, Report, RunControl};
use super::probes::Probes;
use super::readback::{StepValues, report};
use super::scoring::{DeviceTests, TestOutputs, TestSets};
use crate::data::HostTable;
use crate::error::{Error, Result};
use crate::mi::{Conditioning, MiEstimator, PairBatch, first_rows};
use crate::models::{Predictor, PredictorShape};
use crate::scm::derive_seed;

/// Everything a run's shards share: each member's rows, input widths, the penalty's
/// conditioning, each member's input mask, the settings and the controls.
pub(super) struct ShardRun<'a> {
    /// Member i's training rows.
    pub(super) train: Vec<&'a HostTable>,
    /// Member i's validation rows.
    pub(super) val: Vec<&'a HostTable>,
    /// (training, validation) rows used of every table.
    pub(super) rows: (usize, usize),
    pub(super) spec: InputSpec,
    pub(super) cond: Conditioning,
    /// Member i's input mask (1: sees the feature).
    pub(super) masks: Vec<Vec<f32>>,
    pub(super) members: &'a [MemberSpec],
    pub(super) config: &'a TrainConfig,
    pub(super) device: &'a ComputeDevice,
    pub(super) tests: Option<&'a TestSets>,
    pub(super) control: &'a RunControl,
}

impl ShardRun<'_> {
    /// The predictor's widths.
    pub(super) fn shape(&self) -> PredictorShape {
        PredictorShape {
            n_inputs: self.spec.n_features,
            hidden: self.config.hidden.clone(),
            z_dim: self.config.z_dim,
        }
    }
}

/// What a shard tells the coordinator.
pub(super) enum ShardEvent {
    /// The shard's models exist; its critics and probes have this many parameters per
    /// penalised member.
    Started {
        shard: usize,
        critic_params_per_member: usize,
    },
    /// The shard's part of one report, and of the test scores when they were taken.
    Report {
        shard: usize,
        report: Report,
        tests: Option<TestOutputs>,
    },
}

/// A shard's end.
pub(super) struct ShardEnd {
    pub(super) predictor: Predictor,
    pub(super) steps_done: usize,
    pub(super) cancelled: bool,
    /// Per member, the step its returned model is of (the last one, unless the best
    /// validation loss is kept).
    pub(super) selected_steps: Vec<usize>,
}

/// Which of a shard's members carry the penalty (the CRL members; a baseline or reference
/// never does), and how to pick them out of, and spread them back into, the shard's tensors.
struct Penalised {
    /// Shard-local indices.
    local: Vec<usize>,
    /// The same on the device; `None` when every member is penalised (nothing to pick).
    index: Option<Tensor<1, Int>>,
    members: usize,
}

impl Penalised {
    fn new(members: &[MemberSpec], device: &Device) -> Self {
        let local: Vec<usize> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == ModelKind::Crl || m.beta > 0.0)
            .map(|(i, _)| i)
            .collect();
        let index = (local.len() < members.len() && !local.is_empty()).then(|| {
            let v: Vec<i64> = local.iter().map(|&i| i as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(v, [local.len()]), device)
        });
        Penalised {
            local,
            index,
            members: members.len(),
        }
    }

    fn any(&self) -> bool {
        !self.local.is_empty()
    }

    /// The penalised members' rows of `[M, ...]`.
    fn pick(&self, t: Tensor<3>) -> Tensor<3> {
        match &self.index {
            Some(i) => t.select(0, i.clone()),
            None => t,
        }
    }

    /// `[M]` from the penalised members' `[K]`: zero for the others.
    fn spread(&self, v: Tensor<1>, device: &Device) -> Tensor<1> {
        match &self.index {
            _ if !self.any() => Tensor::zeros([self.members], device),
            Some(i) => Tensor::zeros([self.members], device).select_assign(
                0,
                i.clone(),
                v,
                IndexingUpdateOp::Add,
            ),
            None => v,
        }
    }

    /// The penalised members' betas out of every member's.
    fn betas(&self, all: &[f64], device: &Device) -> Tensor<1> {
        let v: Vec<f32> = self.local.iter().map(|&i| all[i] as f32).collect();
        Tensor::from_data(TensorData::new(v, [self.local.len()]), device)
    }
}

/// Trains members `indices` (ascending) of `run` as shard `shard`, telling `sink` its start and reports
/// (`sink` returns false when nobody listens any more: the shard then stops). Stops early,
/// cancelled, when the user cancels or `abort` is raised (another shard failed).
pub(super) fn run_shard<'a>(
    run: &ShardRun<'a>,
    shard: usize,
    indices: &[usize],
    abort: &AtomicBool,
    sink: &mut dyn FnMut(ShardEvent) -> bool,
) -> Result<ShardEnd> {
    let (config, spec, control) = (run.config, run.spec, run.control);
    let members: Vec<MemberSpec> = indices.iter().map(|&i| run.members[i].clone()).collect();
    let members = members.as_slice();
    let pick =
        |v: &[&'a HostTable]| -> Vec<&'a HostTable> { indices.iter().map(|&i| v[i]).collect() };
    let m = members.len();
    let plain = run.device.device.clone();
    let ad = plain.clone().autodiff();
    let data = upload(
        &pick(&run.train),
        &pick(&run.val),
        run.rows,
        spec,
        members,
        val_variance(run.val[0]),
        &plain,
    );
    let tests = run
        .tests
        .map(|t| DeviceTests::upload(t, spec.n_features, &plain));
    let seeds: Vec<u64> = members.iter().map(|mm| mm.seed).collect();
    let mut predictor = Some(
        Predictor::init(&seeds, &run.shape(), &ad).with_input_masks(
            &indices
                .iter()
                .map(|&i| run.masks[i].clone())
                .collect::<Vec<_>>(),
        )?,
    );
    let dc = spec.confounder_width;
    let penalised = Penalised::new(members, &plain);
    let k = penalised.local.len();
    let critic_seeds: Vec<u64> = penalised.local.iter().map(|&i| seeds[i]).collect();
    let mut critics = penalised
        .any()
        .then(|| Critics::init(config, &critic_seeds, dc, &ad));
    let mut probes = config
        .monitor
        .then(|| Probes::init(config, &seeds, dc, spec.binary, &ad));
    let critic_params_per_member = critics.as_ref().map_or(0, |c| c.num_params() / k.max(1))
        + probes.as_ref().map_or(0, |p| p.params_per_member(m));
    if !sink(ShardEvent::Started {
        shard,
        critic_params_per_member,
    }) {
        return Err(Error::invalid("internal: the run stopped listening"));
    }

    let weight_decay =
        (config.weight_decay > 0.0).then(|| WeightDecayConfig::new(config.weight_decay as f32));
    let mut opt_model: ModuleOptimizer = AdamConfig::new()
        .with_epsilon(1e-8)
        .with_weight_decay(weight_decay)
        .init();
    let mut opt_critic: ModuleOptimizer = AdamConfig::new().with_epsilon(1e-8).init();
    let start_betas: Vec<f64> = members.iter().map(|mm| mm.beta).collect();
    let mut beta_k = penalised.betas(&start_betas, &plain);
    let mut betas_seen = 0;
    // The same stream in every shard, so every member sees the same rolls wherever it trains.
    let mut roll_rng = ChaCha8Rng::seed_from_u64(derive_seed(config.seed, "negatives"));
    let b = config.batch_size;
    let nsub = config.penalty_batch.min(b);
    let critic_steps = config.critic_steps;
    let estimated: Vec<bool> = (0..m).map(|i| penalised.local.contains(&i)).collect();

    let mut best = BestSoFar::new(m);
    let mut active = Duration::ZERO;
    let mut last_report = (0usize, Duration::ZERO);
    let mut steps_done = 0;
    let mut cancelled = false;
    let stop = || control.is_cancelled() || abort.load(Ordering::SeqCst);
    for t in 0..config.steps {
        while control.is_paused() && !stop() {
            std::thread::sleep(Duration::from_millis(30));
        }
        if stop() {
            cancelled = true;
            break;
        }
        let started = Instant::now();
        control.device_fault(t + 1)?;
        // New betas from the user apply from this step; anything that is not one finite,
        // non-negative value per member of the run is ignored.
        if let Some(new) = control.betas_since(&mut betas_seen)
            && new.len() == run.members.len()
            && new.iter().all(|v| v.is_finite() && *v >= 0.0)
        {
            let mine: Vec<f64> = indices.iter().map(|&i| new[i]).collect();
            beta_k = penalised.betas(&mine, &plain);
        }
        let (xb, yb, cb) = data.batch(t, b);
        let roll = roll_rng.random_range(1..nsub);
        let Some(mut pred) = predictor.take() else {
            return Err(Error::invalid("internal: training state lost"));
        };
        let z = pred.encode(xb);
        let out = pred.predict(z.clone());
        let sup = supervised_loss(out, yb.clone(), spec.binary);
        let warm = if config.beta_warmup_steps == 0 {
            1.0
        } else {
            ((t + 1) as f64 / config.beta_warmup_steps as f64).min(1.0)
        };
        let mut step_est = None;
        let objective = if let Some(mut crit) = critics.take() {
            // The penalised members' sub-batch and which c_j may be a negative for z_i: one
            // mask for every critic step and the model step.
            let ys = penalised.pick(first_rows(yb, nsub));
            let cs = penalised.pick(first_rows(cb, nsub));
            let negatives =
                run.cond
                    .negatives(run.cond.is_conditional().then_some(ys), nsub, &plain);
            let pair =
                |z: Tensor<3>| PairBatch::with_negatives(z, cs.clone(), negatives.clone(), roll);
            let z_pen = penalised.pick(first_rows(z, nsub));
            // Critic steps on the detached representation (the encoder does not move during
            // them, so it is encoded once).
            let z_frozen = z_pen.clone().detach();
            for _ in 0..critic_steps {
                let loss = crit.penalty.critic_loss(&pair(z_frozen.clone())).sum();
                let grads = GradientsParams::from_grads(loss.backward(), &crit);
                crit = opt_critic.step(config.critic_lr, crit, grads);
            }
            // Model step: supervised loss plus beta (warmed up) times the penalty estimate.
            let est = crit.penalty.estimate(&pair(z_pen));
            let penalty = est.clone() * beta_k.clone().mul_scalar(warm as f32);
            step_est = Some((est, penalty.clone()));
            critics = Some(crit);
            sup.clone().sum() + penalty.sum()
        } else {
            sup.clone().sum()
        };
        let grads = GradientsParams::from_grads(objective.backward(), &pred);
        pred = opt_model.step(config.lr, pred, grads);
        steps_done = t + 1;

        if config.is_report_step(steps_done) {
            let (est, penalty) = match step_est {
                Some((e, p)) => (
                    penalised.spread(e.detach(), &plain),
                    penalised.spread(p.detach(), &plain),
                ),
                None => (Tensor::zeros([m], &plain), Tensor::zeros([m], &plain)),
            };
            let sup = sup.detach();
            let values = StepValues {
                total: sup.clone() + penalty.clone(),
                supervised: sup,
                penalty,
                estimate: est,
                estimated: &estimated,
            };
            let report = report(
                &pred,
                probes.as_mut(),
                &data,
                spec.binary,
                values,
                steps_done,
                config,
                warm,
                // The time so far, this step included; the interval a report measures also
                // includes the previous report's own work (validation, probes, test scores),
                // so steps/s and the ETA count everything a run does.
                active + started.elapsed(),
                &mut last_report,
                members,
            )?;
            if config.keep_best_val {
                best.offer(&report, || pred.valid());
            }
            let last = steps_done == config.steps;
            let scores = match &tests {
                Some(t) => t.score(&pred.valid(), steps_done, last)?,
                None => None,
            };
            if !sink(ShardEvent::Report {
                shard,
                report,
                tests: scores,
            }) {
                cancelled = true;
                predictor = Some(pred);
                break;
            }
        }
        active += started.elapsed();
        predictor = Some(pred);
    }
    let current = predictor
        .ok_or_else(|| Error::invalid("internal: training state lost"))?
        .valid();
    let (predictor, selected_steps) = match best.model {
        Some(model) if config.keep_best_val => (model, best.step),
        _ => (current, vec![steps_done; m]),
    };
    Ok(ShardEnd {
        predictor,
        steps_done,
        cancelled,
        selected_steps,
    })
}

/// Each member's model at the report with its lowest validation loss so far.
struct BestSoFar {
    model: Option<Predictor>,
    loss: Vec<f64>,
    step: Vec<usize>,
}

impl BestSoFar {
    fn new(members: usize) -> Self {
        BestSoFar {
            model: None,
            loss: vec![f64::INFINITY; members],
            step: vec![0; members],
        }
    }

    /// Keeps the members of `report` whose validation loss is the lowest yet, taking the
    /// model from `current` (off the autodiff graph) only when one improved.
    fn offer(&mut self, report: &Report, current: impl FnOnce() -> Predictor) {
        let take: Vec<bool> = report
            .members
            .iter()
            .zip(&self.loss)
            .map(|(m, &best)| m.val_loss < best)
            .collect();
        if !take.iter().any(|&t| t) {
            return;
        }
        let now = current();
        self.model = Some(match &self.model {
            Some(kept) => kept.blend(&now, &take),
            None => now,
        });
        for (i, m) in report.members.iter().enumerate() {
            if take[i] {
                self.loss[i] = m.val_loss;
                self.step[i] = report.step;
            }
        }
    }
}
