//! The training loop: baseline and CRL members of one ensemble, alternating critic and model
//! steps, with every tensor of a step already on the device.

use std::time::{Duration, Instant};

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData, s};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::TrainConfig;
use super::device::ComputeDevice;
use super::observer::{MemberReport, MemberSpec, Observer, Report, RunControl, RunInfo};
use super::problem::Problem;
use crate::data::Sampler;
use crate::data::{HostTable, PreparedTables};
use crate::error::{Error, Result};
use crate::mi::{
    Conditioning, Estimator, EstimatorInputs, EstimatorKind, InfoNce, MiEstimator, PairBatch,
    first_rows, per_member_mean,
};
use crate::models::{CriticKind, PairCritic, Predictor, PredictorShape};
use crate::scm::derive_seed;

/// Epoch orders uploaded at the start; epoch e uses order e mod this.
const EPOCH_ORDERS: usize = 8;
/// Validation rows the monitoring estimators are evaluated on at each report.
const MONITOR_ROWS: usize = 512;

/// The training-only critics of every member.
#[derive(Module, Debug)]
pub struct Critics {
    /// The penalty's estimator.
    pub penalty: Estimator,
    /// Monitoring InfoNCE for I(z; c), the same for every member.
    pub monitor_c: InfoNce,
    /// Monitoring InfoNCE for I(z; y).
    pub monitor_y: InfoNce,
}

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

/// Tensors of every member's training and validation rows on the device.
struct DeviceData {
    x: Tensor<3>,
    y: Tensor<3>,
    c: Tensor<3>,
    /// `[EPOCH_ORDERS, M, n]` row orders.
    orders: Tensor<3, Int>,
    x_val: Tensor<3>,
    y_val: Tensor<3>,
    c_val: Tensor<3>,
    n: usize,
    val_var_y: f32,
}

fn stack(
    tables: &[&HostTable],
    pick: impl Fn(&HostTable) -> &[f32],
    rows: usize,
    width: usize,
    device: &Device,
) -> Tensor<3> {
    let mut v = Vec::with_capacity(tables.len() * rows * width);
    for t in tables {
        v.extend_from_slice(&pick(t)[..rows * width]);
    }
    Tensor::from_data(TensorData::new(v, [tables.len(), rows, width]), device)
}

/// Samples each distinct seed's training and validation rows once; returns each member's pair.
fn sample_tables(
    problem: &Problem,
    members: &[MemberSpec],
    config: &TrainConfig,
    one_hot: bool,
) -> Result<Vec<(u64, HostTable, HostTable)>> {
    let sampler = Sampler::new(&problem.scenario, 0.0)?;
    let mut cache: Vec<(u64, HostTable, HostTable)> = Vec::new();
    for m in members {
        if !cache.iter().any(|(s, _, _)| *s == m.seed) {
            let train = sampler.sample(config.n_train, derive_seed(m.seed, "train"))?;
            let val = sampler.sample(config.n_val, derive_seed(m.seed, "validation"))?;
            cache.push((
                m.seed,
                problem.table(&train, one_hot)?,
                problem.table(&val, one_hot)?,
            ));
        }
    }
    Ok(cache)
}

/// Widths of a run's inputs and the kind of its outcome.
#[derive(Clone, Copy)]
struct InputSpec {
    /// Columns of x.
    n_features: usize,
    /// Columns of c.
    confounder_width: usize,
    /// Binary outcome.
    binary: bool,
}

/// Uploads member i's training rows `train[i]` (`n` rows) and validation rows `val[i]` (`nv`
/// rows), with the epoch orders drawn from each member's seed.
fn upload(
    train: &[&HostTable],
    val: &[&HostTable],
    (n, nv): (usize, usize),
    spec: InputSpec,
    members: &[MemberSpec],
    device: &Device,
) -> DeviceData {
    let (dx, dc) = (spec.n_features, spec.confounder_width);
    // Row orders per epoch, drawn on the host from each member's seed and uploaded once, so that
    // no step moves data between host and device and every backend sees the same batches.
    let mut orders = Vec::with_capacity(EPOCH_ORDERS * members.len() * n);
    for k in 0..EPOCH_ORDERS {
        for m in members {
            let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(m.seed, &format!("order {k}")));
            let mut o: Vec<i64> = (0..n as i64).collect();
            o.shuffle(&mut rng);
            orders.extend(o);
        }
    }
    let yv = &val[0].y;
    let mean = yv.iter().sum::<f32>() / yv.len() as f32;
    let val_var_y = yv.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / yv.len() as f32;
    DeviceData {
        x: stack(train, |t| &t.x, n, dx, device),
        y: stack(train, |t| &t.y, n, 1, device),
        c: stack(train, |t| &t.c, n, dc, device),
        orders: Tensor::from_data(
            TensorData::new(orders, [EPOCH_ORDERS, members.len(), n]),
            device,
        ),
        x_val: stack(val, |t| &t.x, nv, dx, device),
        y_val: stack(val, |t| &t.y, nv, 1, device),
        c_val: stack(val, |t| &t.c, nv, dc, device),
        n,
        val_var_y: val_var_y.max(1e-12),
    }
}

impl DeviceData {
    /// The minibatch of step `t` for every member: x `[M, B, dx]`, y `[M, B, 1]`, c `[M, B, dc]`.
    fn batch(&self, t: usize, b: usize) -> (Tensor<3>, Tensor<3>, Tensor<3>) {
        let per_epoch = (self.n / b).max(1);
        let k = (t / per_epoch) % EPOCH_ORDERS;
        let start = (t % per_epoch) * b;
        let [_, m, _] = self.orders.dims();
        let idx = self
            .orders
            .clone()
            .slice(s![k..k + 1, .., start..start + b])
            .reshape([m, b, 1]);
        let take = |src: &Tensor<3>| {
            let w = src.dims()[2];
            src.clone().gather(1, idx.clone().expand([m, b, w]))
        };
        (take(&self.x), take(&self.y), take(&self.c))
    }
}

/// Per-member supervised loss `[M]`: cross-entropy with logits, or squared error.
fn supervised_loss(out: Tensor<3>, y: Tensor<3>, binary: bool) -> Tensor<1> {
    let per_row = if binary {
        // max(l, 0) − l·y + log(1 + e^−|l|)
        out.clone().clamp_min(0.0) - out.clone() * y + out.abs().neg().exp().log1p()
    } else {
        (out - y).powi_scalar(2)
    };
    per_member_mean(per_row)
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
    let critic_seeds: Vec<u64> = seeds.iter().map(|s| derive_seed(*s, "critics")).collect();
    let inputs = |dz, dc| EstimatorInputs {
        dz,
        dc,
        hidden: config.critic_hidden,
    };
    let monitor = |name: &str, dc: usize| InfoNce {
        critic: PairCritic::init(
            CriticKind::Separable,
            &critic_seeds,
            name,
            config.z_dim,
            dc,
            config.critic_hidden,
            &ad,
        ),
    };
    let mut critics = Some(Critics {
        penalty: Estimator::init(
            config.estimator,
            config.critic,
            &critic_seeds,
            "penalty",
            inputs(config.z_dim + extra, dc + extra),
            &ad,
        ),
        monitor_c: monitor("monitor_c", dc),
        monitor_y: monitor("monitor_y", 1),
    });
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

/// Evaluates validation figures and reads everything back in one transfer.
#[allow(clippy::too_many_arguments)]
fn report(
    pred: &Predictor,
    crit: &Critics,
    data: &DeviceData,
    binary: bool,
    with_critics: bool,
    step_values: [Tensor<1>; 4],
    step: usize,
    config: &TrainConfig,
    warm: f64,
    active: Duration,
    last: &mut (usize, Duration),
    members: &[MemberSpec],
) -> Result<Report> {
    let pred = pred.valid();
    let crit = crit.valid();
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
    let n_mon = MONITOR_ROWS.min(data.x_val.dims()[1]);
    let z = pred.encode(first_rows(data.x_val.clone(), n_mon));
    let yv = first_rows(data.y_val.clone(), n_mon);
    let cv = first_rows(data.c_val.clone(), n_mon);
    let (mi_zc, mi_zy) = if with_critics {
        (
            crit.monitor_c
                .estimate(&PairBatch::new(z.clone(), cv, None, Conditioning::None, 1)),
            crit.monitor_y
                .estimate(&PairBatch::new(z, yv, None, Conditioning::None, 1)),
        )
    } else {
        (
            Tensor::zeros([m], &z.device()),
            Tensor::zeros([m], &z.device()),
        )
    };
    let [total, sup, penalty, est] = step_values;
    let packed = Tensor::cat(
        vec![total, sup, penalty, est, mi_zc, mi_zy, val_loss, val_metric],
        0,
    );
    let values: Vec<f32> = packed
        .into_data()
        .try_into_vec_as::<f32>()
        .map_err(|e| Error::Device(format!("cannot read metrics back: {e:?}")))?;
    const NAMES: [&str; 8] = [
        "total loss",
        "supervised loss",
        "penalty",
        "penalty MI estimate",
        "I(z; c) monitor",
        "I(z; y) monitor",
        "validation loss",
        "validation metric",
    ];
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
    // Without critics there is no estimate to report: NaN, never a made-up number.
    let get = |q: usize, i: usize| {
        if !with_critics && (3..=5).contains(&q) {
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
            mi_zc: get(4, i),
            mi_zy: get(5, i),
            val_loss: get(6, i),
            val_metric: get(7, i),
        })
        .collect();
    let interval = (active - last.1).as_secs_f64();
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
