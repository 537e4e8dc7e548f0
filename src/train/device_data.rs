//! A run's rows on the device: every member's training and validation rows and the epoch
//! orders, uploaded once, so that no step moves data between host and device; minibatches are
//! gathered on the device.

use burn::tensor::{Device, Int, Tensor, TensorData, s};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::config::TrainConfig;
use super::member::MemberSpec;
use super::problem::Problem;
use crate::data::{HostTable, Sampler};
use crate::error::Result;
use crate::limits::{MemoryBudget, product, thousands};
use crate::scm::derive_seed;

/// Epoch orders uploaded at the start; epoch e uses order e mod this.
const EPOCH_ORDERS: usize = 8;

/// Tensors of every member's training and validation rows on the device.
pub(super) struct DeviceData {
    pub(super) x: Tensor<3>,
    pub(super) y: Tensor<3>,
    pub(super) c: Tensor<3>,
    /// `[EPOCH_ORDERS, M, n]` row orders.
    pub(super) orders: Tensor<3, Int>,
    pub(super) x_val: Tensor<3>,
    pub(super) y_val: Tensor<3>,
    pub(super) c_val: Tensor<3>,
    pub(super) n: usize,
    pub(super) val_var_y: f32,
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
pub(super) fn sample_tables(
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
pub(super) struct InputSpec {
    /// Columns of x.
    pub(super) n_features: usize,
    /// Columns of c.
    pub(super) confounder_width: usize,
    /// Binary outcome.
    pub(super) binary: bool,
}

/// Refuses a run whose rows, models and optimiser state would pass `budget`, before anything is
/// sampled or uploaded. The estimate counts, for `m` members: the host tables of `seeds`
/// distinct data seeds, every member's uploaded rows and epoch orders, the parameters with
/// their gradients and Adam's two moments (encoder, head and a critic as wide as the encoder),
/// a step's activations, and `test_rows` scored rows per member.
///
/// `widths` are the feature and confounder columns; `(n, nv)` the training and validation rows.
pub fn check_training_memory(
    (n, nv): (usize, usize),
    (n_features, confounder_width): (usize, usize),
    (m, seeds): (usize, usize),
    config: &TrainConfig,
    test_rows: usize,
    budget: MemoryBudget,
) -> Result<()> {
    let width = n_features + confounder_width + 1;
    let rows = n.saturating_add(nv);
    let mut widths = vec![n_features];
    widths.extend(config.hidden.iter().copied());
    widths.push(config.z_dim);
    widths.push(1);
    let encoder: u64 = widths.windows(2).map(|w| product(&[w[0] + 1, w[1]])).sum();
    let critic = product(&[config.z_dim + confounder_width + 2, config.critic_hidden, 3]);
    let params = encoder.saturating_add(critic);
    let activations = product(&[
        config.batch_size,
        widths.iter().sum::<usize>() + config.critic_hidden,
        8,
    ])
    .saturating_add(product(&[config.penalty_batch, config.penalty_batch, 8]));
    let per_member = product(&[rows, width, 4])
        .saturating_add(product(&[EPOCH_ORDERS, n, 8]))
        .saturating_add(params.saturating_mul(16))
        .saturating_add(activations.saturating_mul(4))
        .saturating_add(product(&[test_rows, config.z_dim + 2, 4]));
    let bytes =
        product(&[seeds, rows, width, 4]).saturating_add(per_member.saturating_mul(m as u64));
    budget.check(
        format_args!(
            "training {m} model(s) on {} + {} rows × {} columns each",
            thousands(n),
            thousands(nv),
            thousands(width)
        ),
        bytes,
    )
}

/// The variance of y over `val`'s rows (the denominator of a validation R²), at least 1e-12.
pub(super) fn val_variance(val: &HostTable) -> f32 {
    let yv = &val.y;
    let mean = yv.iter().sum::<f32>() / yv.len().max(1) as f32;
    let var = yv.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / yv.len().max(1) as f32;
    var.max(1e-12)
}

/// Uploads member i's training rows `train[i]` (`n` rows) and validation rows `val[i]` (`nv`
/// rows), with the epoch orders drawn from each member's seed. `val_var_y` is the variance of
/// y a validation R² divides by (the same for every member of a run).
pub(super) fn upload(
    train: &[&HostTable],
    val: &[&HostTable],
    (n, nv): (usize, usize),
    spec: InputSpec,
    members: &[MemberSpec],
    val_var_y: f32,
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
        val_var_y,
    }
}

impl DeviceData {
    /// The minibatch of step `t` for every member: x `[M, B, dx]`, y `[M, B, 1]`, c `[M, B, dc]`.
    pub(super) fn batch(&self, t: usize, b: usize) -> (Tensor<3>, Tensor<3>, Tensor<3>) {
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
