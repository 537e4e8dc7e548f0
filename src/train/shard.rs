//! One shard's training loop: consecutive members of the ensemble, alternating critic and model
//! steps with every tensor of a step already on the device. Every member's numbers depend only
//! on its own seed and settings, not on which shard it trains in.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::best::BestSoFar;
use super::control::RunControl;
use super::critics::Critics;
use super::device_data::{DeviceData, upload, val_variance};
use super::loss::supervised_loss;
use super::member::MemberSpec;
use super::objective::{Penalty, beta_warmup, penalised_objective, weighted_penalty};
use super::penalised::Penalised;
use super::probes::Probes;
use super::readback::{StepValues, report};
use super::scoring::DeviceTests;
use super::shard_io::{ShardEnd, ShardEvent, ShardRun};
use crate::data::HostTable;
use crate::error::{Error, Result};
use crate::mi::{MiEstimator, PairBatch, first_rows};
use crate::models::Predictor;
use crate::scm::derive_seed;

/// Trains members `indices` (ascending) of `run` as shard `shard`, telling `sink` its start and
/// reports (`sink` returns false when nobody listens any more: the shard then stops). Stops
/// early, cancelled, when the user cancels or `abort` is raised (another shard failed).
pub(super) fn run_shard(
    run: &ShardRun<'_>,
    shard: usize,
    indices: &[usize],
    abort: &AtomicBool,
    sink: &mut dyn FnMut(ShardEvent) -> bool,
) -> Result<ShardEnd> {
    let mut state = Shard::start(run, shard, indices, sink)?;
    let stop = || run.control.is_cancelled() || abort.load(Ordering::SeqCst);
    let mut cancelled = false;
    for t in 0..run.config.steps {
        wait_while_paused(run.control, &stop);
        if stop() {
            cancelled = true;
            break;
        }
        let started = Instant::now();
        #[cfg(any(debug_assertions, feature = "fault-injection"))]
        run.control.device_fault(t + 1)?;
        state.take_new_betas();
        let losses = state.train_step(t)?;
        if run.config.is_report_step(state.steps_done) && !state.report(losses, started, sink)? {
            cancelled = true;
            break;
        }
        state.active += started.elapsed();
    }
    state.finish(cancelled)
}

/// Waits while the run is paused, until it resumes or `stop` says so.
fn wait_while_paused(control: &RunControl, stop: &dyn Fn() -> bool) {
    while control.is_paused() && !stop() {
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// Uploads the training and validation rows of a shard's `members` (members `indices` of
/// `run`), and the run's test sets if it scores any.
fn upload_rows<'a>(
    run: &ShardRun<'a>,
    indices: &[usize],
    members: &[MemberSpec],
    plain: &Device,
) -> (DeviceData, Option<DeviceTests>) {
    let pick =
        |v: &[&'a HostTable]| -> Vec<&'a HostTable> { indices.iter().map(|&i| v[i]).collect() };
    let data = upload(
        &pick(&run.train),
        &pick(&run.val),
        run.rows,
        run.spec,
        members,
        val_variance(run.val[0]),
        plain,
    );
    let tests = run
        .tests
        .map(|t| DeviceTests::upload(t, run.spec.n_features, plain));
    (data, tests)
}

/// A model step's minibatch of every member.
struct Batch {
    /// `[M, B, n_features]`
    x: Tensor<3>,
    /// `[M, B, 1]`
    y: Tensor<3>,
    /// `[M, B, dc]`
    c: Tensor<3>,
    /// The offset of the penalty's sampled negatives, in 1..penalty rows.
    roll: usize,
}

/// What a training step leaves for its report.
struct StepLosses {
    /// Every member's supervised loss `[M]`.
    supervised: Tensor<1>,
    /// The penalised members' penalty `[K]`; none when no member is penalised.
    penalty: Option<Penalty>,
    /// The warm-up factor of beta at the step.
    warmup: f64,
}

/// A shard while it trains: its rows and models on the device, its optimisers, its betas and
/// what its reports keep.
struct Shard<'r, 'a> {
    run: &'r ShardRun<'a>,
    /// Its number among the run's shards.
    number: usize,
    /// Its members' indices in the run (ascending).
    indices: &'r [usize],
    members: Vec<MemberSpec>,
    plain: Device,
    data: DeviceData,
    tests: Option<DeviceTests>,
    /// Every member's encoder and head (taken out only during a step).
    predictor: Option<Predictor>,
    /// The penalised members' penalty critics; `None` when no member is penalised.
    critics: Option<Critics>,
    probes: Option<Probes>,
    penalised: Penalised,
    /// Per member, whether it has a penalty critic (whose estimate is reported).
    estimated: Vec<bool>,
    opt_model: ModuleOptimizer,
    opt_critic: ModuleOptimizer,
    /// The penalised members' betas `[K]`, as last set.
    betas: Tensor<1>,
    betas_seen: u64,
    /// The same stream in every shard, so every member sees the same rolls wherever it trains.
    roll_rng: ChaCha8Rng,
    best: BestSoFar,
    /// Training time so far, pauses excluded.
    active: Duration,
    /// (steps, active time) at the last report.
    last_report: (usize, Duration),
    steps_done: usize,
}

impl<'r, 'a> Shard<'r, 'a> {
    /// Uploads the shard's rows, builds its models, critics, probes and optimisers, and tells
    /// `sink` the shard has started.
    fn start(
        run: &'r ShardRun<'a>,
        shard: usize,
        indices: &'r [usize],
        sink: &mut dyn FnMut(ShardEvent) -> bool,
    ) -> Result<Self> {
        let (config, spec) = (run.config, run.spec);
        let members: Vec<MemberSpec> = indices.iter().map(|&i| run.members[i].clone()).collect();
        let m = members.len();
        let plain = run.device.device.clone();
        let ad = plain.clone().autodiff();
        let (data, tests) = upload_rows(run, indices, &members, &plain);
        let seeds: Vec<u64> = members.iter().map(|mm| mm.seed).collect();
        let masks: Vec<Vec<f32>> = indices.iter().map(|&i| run.masks[i].clone()).collect();
        let predictor = Predictor::init(&seeds, &run.shape(), &ad).with_input_masks(&masks)?;
        let dc = spec.confounder_width;
        let penalised = Penalised::new(&members, &plain);
        let k = penalised.local.len();
        let critic_seeds: Vec<u64> = penalised.local.iter().map(|&i| seeds[i]).collect();
        let critics = penalised
            .any()
            .then(|| Critics::init(config, &critic_seeds, dc, &ad));
        let probes = config
            .monitor
            .then(|| Probes::init(config, &seeds, dc, spec.binary, &ad));
        let critic_params_per_member = critics.as_ref().map_or(0, |c| c.num_params() / k.max(1))
            + probes.as_ref().map_or(0, |p| p.params_per_member(m));
        if !sink(ShardEvent::Started {
            shard,
            critic_params_per_member,
        }) {
            return Err(Error::internal("the run stopped listening"));
        }
        let weight_decay =
            (config.weight_decay > 0.0).then(|| WeightDecayConfig::new(config.weight_decay as f32));
        let start_betas: Vec<f64> = members.iter().map(|mm| mm.beta).collect();
        Ok(Shard {
            run,
            number: shard,
            indices,
            plain: plain.clone(),
            data,
            tests,
            predictor: Some(predictor),
            critics,
            probes,
            estimated: penalised.flags(),
            opt_model: AdamConfig::new()
                .with_epsilon(1e-8)
                .with_weight_decay(weight_decay)
                .init(),
            opt_critic: AdamConfig::new().with_epsilon(1e-8).init(),
            betas: penalised.betas(&start_betas, &plain),
            penalised,
            betas_seen: 0,
            roll_rng: ChaCha8Rng::seed_from_u64(derive_seed(config.seed, "negatives")),
            best: BestSoFar::new(m),
            active: Duration::ZERO,
            last_report: (0, Duration::ZERO),
            steps_done: 0,
            members,
        })
    }

    /// Rows of the minibatch the penalty and its critics see.
    fn penalty_rows(&self) -> usize {
        self.run
            .config
            .penalty_batch
            .min(self.run.config.batch_size)
    }

    /// New betas from the user, which apply from this step; anything that is not one finite,
    /// non-negative value per member of the run is ignored.
    fn take_new_betas(&mut self) {
        if let Some(new) = self.run.control.betas_since(&mut self.betas_seen)
            && new.len() == self.run.members.len()
            && new.iter().all(|v| v.is_finite() && *v >= 0.0)
        {
            let mine: Vec<f64> = self.indices.iter().map(|&i| new[i]).collect();
            self.betas = self.penalised.betas(&mine, &self.plain);
        }
    }

    /// Step `t`'s (0-based) minibatch of every member, and the offset of its sampled negatives
    /// (drawn at every step, whether or not a member is penalised).
    fn next_batch(&mut self, t: usize) -> Batch {
        let (x, y, c) = self.data.batch(t, self.run.config.batch_size);
        let roll = self.roll_rng.random_range(1..self.penalty_rows());
        Batch { x, y, c, roll }
    }

    /// Training step `t` (0-based): every member's supervised loss, the penalised members'
    /// critic steps and penalty, then one Adam step of every encoder and head on the penalised
    /// objective ([`penalised_objective`]).
    fn train_step(&mut self, t: usize) -> Result<StepLosses> {
        let Batch { x, y, c, roll } = self.next_batch(t);
        let Some(pred) = self.predictor.take() else {
            return Err(Error::internal("training state lost"));
        };
        // [M, B, z_dim]
        let z = pred.encode(x);
        // [M, B, 1]
        let out = pred.predict(z.clone());
        // [M]
        let supervised = supervised_loss(out, y.clone(), self.run.spec.binary);
        let warmup = beta_warmup(t + 1, self.run.config.beta_warmup_steps);
        let penalty = self.penalty(z, y, c, roll, warmup);
        let objective = penalised_objective(&supervised, penalty.as_ref());
        let grads = GradientsParams::from_grads(objective.backward(), &pred);
        self.predictor = Some(self.opt_model.step(self.run.config.lr, pred, grads));
        self.steps_done = t + 1;
        Ok(StepLosses {
            supervised,
            penalty,
            warmup,
        })
    }

    /// The penalised members' penalty on the step's sub-batch of `z`, `y` and `c` (each
    /// `[M, B, ·]`), after their critics' steps; `None` when no member is penalised.
    fn penalty(
        &mut self,
        z: Tensor<3>,
        y: Tensor<3>,
        c: Tensor<3>,
        roll: usize,
        warmup: f64,
    ) -> Option<Penalty> {
        let crit = self.critics.take()?;
        let (cond, rows) = (self.run.cond, self.penalty_rows());
        // The penalised members' sub-batch and which c_j may be a negative for z_i: one mask
        // for every critic step and the model step. [K, rows, 1] and [K, rows, dc]
        let ys = self.penalised.pick(first_rows(y, rows));
        let cs = self.penalised.pick(first_rows(c, rows));
        let negatives = cond.negatives(cond.is_conditional().then_some(ys), rows, &self.plain);
        let pair = |z: Tensor<3>| PairBatch::with_negatives(z, cs.clone(), negatives.clone(), roll);
        // [K, rows, z_dim]
        let z_pen = self.penalised.pick(first_rows(z, rows));
        let crit = self.critic_steps(crit, &z_pen.clone().detach(), &pair);
        let estimate = crit.penalty.estimate(&pair(z_pen));
        let penalty = weighted_penalty(estimate, self.betas.clone(), warmup);
        self.critics = Some(crit);
        Some(penalty)
    }

    /// `critic_steps` Adam steps of the penalty critics on the detached representation
    /// `z_frozen` `[K, rows, z_dim]` (the encoder does not move during them, so it is encoded
    /// once), each on the pairs `pair` makes of it.
    fn critic_steps(
        &mut self,
        mut crit: Critics,
        z_frozen: &Tensor<3>,
        pair: &dyn Fn(Tensor<3>) -> PairBatch,
    ) -> Critics {
        for _ in 0..self.run.config.critic_steps {
            let loss = crit.penalty.critic_loss(&pair(z_frozen.clone())).sum();
            let grads = GradientsParams::from_grads(loss.backward(), &crit);
            crit = self.opt_critic.step(self.run.config.critic_lr, crit, grads);
        }
        crit
    }

    /// The report after the step that left `losses` (begun at `started`): the step's losses and
    /// the validation figures read back, the best models so far kept, the test sets scored, and
    /// all of it told to `sink`. Returns whether anybody still listens.
    fn report(
        &mut self,
        losses: StepLosses,
        started: Instant,
        sink: &mut dyn FnMut(ShardEvent) -> bool,
    ) -> Result<bool> {
        let (config, plain, m) = (self.run.config, &self.plain, self.members.len());
        let (estimate, penalty) = match losses.penalty {
            Some(p) => (
                self.penalised.spread(p.estimate.detach(), plain),
                self.penalised.spread(p.weighted.detach(), plain),
            ),
            None => (Tensor::zeros([m], plain), Tensor::zeros([m], plain)),
        };
        let supervised = losses.supervised.detach();
        let values = StepValues {
            total: supervised.clone() + penalty.clone(),
            supervised,
            penalty,
            estimate,
            estimated: &self.estimated,
        };
        let Some(pred) = &self.predictor else {
            return Err(Error::internal("training state lost"));
        };
        let report = report(
            pred,
            self.probes.as_mut(),
            &self.data,
            self.run.spec.binary,
            values,
            self.steps_done,
            config,
            losses.warmup,
            // The time so far, this step included; the interval a report measures also
            // includes the previous report's own work (validation, probes, test scores), so
            // steps/s and the ETA count everything a run does.
            self.active + started.elapsed(),
            &mut self.last_report,
            &self.members,
        )?;
        if config.keep_best_val {
            self.best.offer(&report, || pred.valid());
        }
        let last = self.steps_done == config.steps;
        let scores = match &self.tests {
            Some(t) => t.score(&pred.valid(), self.steps_done, last)?,
            None => None,
        };
        Ok(sink(ShardEvent::Report {
            shard: self.number,
            report,
            tests: scores,
        }))
    }

    /// The shard's end: each member's model off the autodiff graph, the last one or, with
    /// `keep_best_val`, the one of its best report.
    fn finish(self, cancelled: bool) -> Result<ShardEnd> {
        let current = self
            .predictor
            .ok_or_else(|| Error::internal("training state lost"))?
            .valid();
        let (predictor, selected_steps) = match self.best.model {
            Some(model) if self.run.config.keep_best_val => (model, self.best.step),
            _ => (current, vec![self.steps_done; self.members.len()]),
        };
        Ok(ShardEnd {
            predictor,
            steps_done: self.steps_done,
            cancelled,
            selected_steps,
        })
    }
}
