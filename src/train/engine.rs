//! The training loop: baseline and CRL members of one ensemble, alternating critic and model
//! steps, with every tensor of a step already on the device.

use std::time::{Duration, Instant};

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::TrainConfig;
use super::critics::Critics;
use super::device::ComputeDevice;
use super::device_data::{DeviceData, InputSpec, sample_tables, upload};
use super::loss::supervised_loss;
use super::observer::{MemberSpec, ModelKind, Observer, Report, RunControl, RunInfo};
use super::probes::Probes;
use super::problem::Problem;
use super::readback::report;
use crate::data::PreparedTables;
use crate::error::{Error, Result};
use crate::mi::{Conditioning, EstimatorKind, MiEstimator, PairBatch, first_rows};
use crate::models::{Predictor, PredictorShape};
use crate::scm::derive_seed;

/// A finished (or cancelled) run.
#[derive(Debug)]
pub struct Trained {
    /// The encoders and heads, off the autodiff graph, ready for evaluation.
    pub predictor: Predictor,
    /// The members, in ensemble order.
    pub members: Vec<MemberSpec>,
    /// Every report, in order.
    pub history: Vec<Report>,
    /// Facts told at the start.
    pub info: RunInfo,
    /// Model steps done.
    pub steps_done: usize,
    /// Whether the run was cancelled before its last step.
    pub cancelled: bool,
    /// The device it ran on.
    pub device: ComputeDevice,
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
    let cond = check_run(config, members, problem.binary)?;
    let one_hot = config.estimator == EstimatorKind::ClubCategorical;
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
        if let Some((t, v)) = find(m.seed) {
            train.push(t);
            val.push(v);
        }
    }
    let spec = InputSpec {
        n_features: problem.features.len(),
        confounder_width: problem.confounder_width(one_hot),
        binary: problem.binary,
    };
    let data = upload(
        &train,
        &val,
        (config.n_train, config.n_val),
        spec,
        members,
        &device.device,
    );
    let causal = problem.causal_mask();
    let masks: Vec<Vec<f32>> = members
        .iter()
        .map(|m| match m.kind {
            ModelKind::Oracle => causal.clone(),
            _ => vec![1.0; causal.len()],
        })
        .collect();
    let setup = Setup { spec, cond, masks };
    run(data, setup, members, config, device, observer, control)
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
    let spec = InputSpec {
        n_features: tables.n_features,
        confounder_width: tables.confounder_width,
        binary: tables.binary,
    };
    let m = members.len();
    let data = upload(
        &vec![&tables.train; m],
        &vec![&tables.val; m],
        (tables.train.n, tables.val.n),
        spec,
        members,
        &device.device,
    );
    let masks = vec![vec![1.0; tables.n_features]; m];
    let setup = Setup { spec, cond, masks };
    run(data, setup, members, config, device, observer, control)
}

/// What the loop needs besides the rows: input widths, the penalty's conditioning and each
/// member's input mask.
struct Setup {
    spec: InputSpec,
    cond: Conditioning,
    masks: Vec<Vec<f32>>,
}

/// The loop shared by [`train`] and [`train_tables`], on rows already on the device.
fn run(
    data: DeviceData,
    setup: Setup,
    members: &[MemberSpec],
    config: &TrainConfig,
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<Trained> {
    let Setup { spec, cond, masks } = setup;
    let plain = device.device.clone();
    let ad = plain.clone().autodiff();
    let seeds: Vec<u64> = members.iter().map(|m| m.seed).collect();
    let shape = PredictorShape {
        n_inputs: spec.n_features,
        hidden: config.hidden.clone(),
        z_dim: config.z_dim,
    };
    let mut predictor = Some(Predictor::init(&seeds, &shape, &ad).with_input_masks(&masks));
    let dc = spec.confounder_width;
    let mut critics = Some(Critics::init(config, &seeds, dc, &ad));
    let mut probes = config
        .monitor
        .then(|| Probes::init(config, &seeds, dc, spec.binary, &ad));
    let m = members.len();
    let info = RunInfo {
        device: device.description.clone(),
        members: members.to_vec(),
        params_per_member: predictor.as_ref().map_or(0, Predictor::params_per_member),
        critic_params_per_member: critics.as_ref().map_or(0, |c| c.num_params() / m)
            + probes.as_ref().map_or(0, |p| p.params_per_member(m)),
        total_steps: config.steps,
        conditional: config.conditional,
        probe_rows: if config.monitor {
            super::probes::probe_eval_rows(data.x_val.dims()[1])
        } else {
            0
        },
    };
    observer.on_start(&info);

    let mut opt_model: ModuleOptimizer = AdamConfig::new().with_epsilon(1e-8).init();
    let mut opt_critic: ModuleOptimizer = AdamConfig::new().with_epsilon(1e-8).init();
    let host_betas = |b: &[f64]| {
        Tensor::<1>::from_data(
            TensorData::new(b.iter().map(|&v| v as f32).collect::<Vec<_>>(), [b.len()]),
            &plain,
        )
    };
    let betas: Vec<f64> = members.iter().map(|mm| mm.beta).collect();
    let mut beta_t = host_betas(&betas);
    let mut roll_rng = ChaCha8Rng::seed_from_u64(derive_seed(config.seed, "negatives"));
    // Without a penalty anywhere the penalty critic is not trained (nor reported).
    let with_critics = members.iter().any(|mm| mm.beta > 0.0);
    let b = config.batch_size;
    let nsub = config.penalty_batch.min(b);

    let mut history = Vec::new();
    let mut active = Duration::ZERO;
    let mut last_report = (0usize, Duration::ZERO);
    let mut steps_done = 0;
    let mut cancelled = false;
    for t in 0..config.steps {
        while control.is_paused() && !control.is_cancelled() {
            std::thread::sleep(Duration::from_millis(30));
        }
        if control.is_cancelled() {
            cancelled = true;
            break;
        }
        let started = Instant::now();
        // New betas from the user apply from this step; anything that is not one finite,
        // non-negative value per member is ignored.
        if let Some(new) = control.take_betas()
            && new.len() == m
            && new.iter().all(|v| v.is_finite() && *v >= 0.0)
        {
            beta_t = host_betas(&new);
        }
        let (xb, yb, cb) = data.batch(t, b);
        let (ys, cs) = (first_rows(yb.clone(), nsub), first_rows(cb, nsub));
        let roll = roll_rng.random_range(1..nsub);
        // Which c_j may be a negative for z_i: one mask for every critic step and the model step.
        let negatives = cond.negatives(cond.is_conditional().then_some(ys), nsub, &plain);
        let pair = |z: Tensor<3>| PairBatch::with_negatives(z, cs.clone(), negatives.clone(), roll);

        // Critic steps on the detached representation.
        let (Some(mut pred), Some(mut crit)) = (predictor.take(), critics.take()) else {
            return Err(Error::invalid("internal: training state lost"));
        };
        // The encoder does not move during critic steps: encode once, detached.
        let critic_steps = if with_critics { config.critic_steps } else { 0 };
        let z_frozen =
            (critic_steps > 0).then(|| first_rows(pred.encode(xb.clone()), nsub).detach());
        for z in std::iter::repeat_n(z_frozen, critic_steps).flatten() {
            let loss = crit.penalty.critic_loss(&pair(z)).sum();
            let grads = GradientsParams::from_grads(loss.backward(), &crit);
            crit = opt_critic.step(config.critic_lr, crit, grads);
        }

        // Model step: supervised loss plus beta (warmed up) times the penalty estimate.
        let warm = if config.beta_warmup_steps == 0 {
            1.0
        } else {
            ((t + 1) as f64 / config.beta_warmup_steps as f64).min(1.0)
        };
        let z = pred.encode(xb);
        let out = pred.predict(z.clone());
        let sup = supervised_loss(out, yb, spec.binary);
        let est = if with_critics {
            crit.penalty.estimate(&pair(first_rows(z, nsub)))
        } else {
            Tensor::zeros([m], &plain)
        };
        let penalty = est.clone() * beta_t.clone().mul_scalar(warm as f32);
        let total = sup.clone() + penalty.clone();
        let grads = GradientsParams::from_grads(total.clone().sum().backward(), &pred);
        pred = opt_model.step(config.lr, pred, grads);
        steps_done = t + 1;

        if steps_done % config.report_every == 0 || steps_done == config.steps {
            let report = report(
                &pred,
                probes.as_mut(),
                &data,
                spec.binary,
                with_critics,
                [total.detach(), sup.detach(), penalty.detach(), est.detach()],
                steps_done,
                config,
                warm,
                // The time so far, this step included; the interval a report measures also
                // includes the previous report's own work (validation, probes), so steps/s and
                // the ETA count everything a run does.
                active + started.elapsed(),
                &mut last_report,
                members,
            )?;
            observer.on_report(&report);
            history.push(report);
        }
        active += started.elapsed();
        predictor = Some(pred);
        critics = Some(crit);
    }
    let predictor = predictor
        .ok_or_else(|| Error::invalid("internal: training state lost"))?
        .valid();
    Ok(Trained {
        predictor,
        members: members.to_vec(),
        history,
        info,
        steps_done,
        cancelled,
        device: device.clone(),
    })
}
