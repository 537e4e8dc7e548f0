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
use super::observer::{MemberSpec, Observer, Report, RunControl, RunInfo};
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

/// The conditioning the configuration asks for.
fn conditioning(config: &TrainConfig, binary: bool) -> Conditioning {
    match (config.conditional, binary) {
        (false, _) => Conditioning::None,
        (true, true) => Conditioning::WithinClass,
        (true, false) => Conditioning::Concat,
    }
}

/// The checks both entry points make before any work: the configuration, a non-empty ensemble,
/// and a penalty form the outcome allows. Returns the conditioning to use.
fn check_run(config: &TrainConfig, members: &[MemberSpec], binary: bool) -> Result<Conditioning> {
    config.validate()?;
    if members.is_empty() {
        return Err(Error::invalid("a run needs at least one member"));
    }
    let cond = conditioning(config, binary);
    if config.estimator == EstimatorKind::ClubCategorical && cond == Conditioning::Concat {
        return Err(Error::invalid(
            "club-categorical's conditional form needs a binary outcome; use nce-club or club",
        ));
    }
    Ok(cond)
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
    run(data, spec, cond, members, config, device, observer, control)
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
    run(data, spec, cond, members, config, device, observer, control)
}

/// The loop shared by [`train`] and [`train_tables`], on rows already on the device.
#[allow(clippy::too_many_arguments)]
fn run(
    data: DeviceData,
    spec: InputSpec,
    cond: Conditioning,
    members: &[MemberSpec],
    config: &TrainConfig,
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<Trained> {
    let plain = device.device.clone();
    let ad = plain.clone().autodiff();
    let seeds: Vec<u64> = members.iter().map(|m| m.seed).collect();
    let shape = PredictorShape {
        n_inputs: spec.n_features,
        hidden: config.hidden.clone(),
        z_dim: config.z_dim,
    };
    let mut predictor = Some(Predictor::init(&seeds, &shape, &ad));
    let extra = usize::from(cond == Conditioning::Concat);
    let dc = spec.confounder_width;
    let mut critics = Some(Critics::init(
        config,
        &seeds,
        config.z_dim + extra,
        dc + extra,
        dc,
        &ad,
    ));
    let m = members.len();
    let info = RunInfo {
        device: device.description.clone(),
        members: members.to_vec(),
        params_per_member: predictor.as_ref().map_or(0, Predictor::params_per_member),
        critic_params_per_member: critics.as_ref().map_or(0, |c| c.num_params() / m),
        total_steps: config.steps,
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
    // A plain supervised run (no penalty anywhere, no monitoring) skips the critics entirely.
    let with_critics = config.monitor || members.iter().any(|mm| mm.beta > 0.0);
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
        let y_for = |c: Conditioning| (c != Conditioning::None).then(|| ys.clone());

        // Critic steps on the detached representation.
        let (Some(mut pred), Some(mut crit)) = (predictor.take(), critics.take()) else {
            return Err(Error::invalid("internal: training state lost"));
        };
        // The encoder does not move during critic steps: encode once, detached.
        let critic_steps = if with_critics { config.critic_steps } else { 0 };
        let z_frozen =
            (critic_steps > 0).then(|| first_rows(pred.encode(xb.clone()), nsub).detach());
        for z in std::iter::repeat_n(z_frozen, critic_steps).flatten() {
            let pen = crit.penalty.critic_loss(&PairBatch::new(
                z.clone(),
                cs.clone(),
                y_for(cond),
                cond,
                roll,
            ));
            let mc = crit.monitor_c.critic_loss(&PairBatch::new(
                z.clone(),
                cs.clone(),
                None,
                Conditioning::None,
                roll,
            ));
            let my = crit.monitor_y.critic_loss(&PairBatch::new(
                z,
                ys.clone(),
                None,
                Conditioning::None,
                roll,
            ));
            let loss = (pen + mc + my).sum();
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
            crit.penalty.estimate(&PairBatch::new(
                first_rows(z, nsub),
                cs,
                y_for(cond),
                cond,
                roll,
            ))
        } else {
            Tensor::zeros([m], &plain)
        };
        let penalty = est.clone() * beta_t.clone().mul_scalar(warm as f32);
        let total = sup.clone() + penalty.clone();
        let grads = GradientsParams::from_grads(total.clone().sum().backward(), &pred);
        pred = opt_model.step(config.lr, pred, grads);
        steps_done = t + 1;
        active += started.elapsed();

        if steps_done % config.report_every == 0 || steps_done == config.steps {
            let report = report(
                &pred,
                &crit,
                &data,
                spec.binary,
                with_critics,
                [total.detach(), sup.detach(), penalty.detach(), est.detach()],
                steps_done,
                config,
                warm,
                active,
                &mut last_report,
                members,
            )?;
            observer.on_report(&report);
            history.push(report);
        }
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
