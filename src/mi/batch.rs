//! The inputs every estimator sees, and the masked reductions they share.
//!
//! A conditional estimate I(z; c | y) compares each positive pair (z_i, c_i) only with negatives
//! c_j from rows whose y matches y_i, so that c_j and c_i share a y and only z can tell them
//! apart (method.md §10). For a binary y the negatives come from the same class. For a
//! continuous y they come from the same quantile bin of y within the batch: the continuous
//! analogue of within-class pairs. Appending y to both critic inputs, the older recipe, does not
//! estimate I(z; c | y): a Gaussian q(c, y | z, y) copies y from its own input (its log-variance
//! sits at the clamp and adds tens of nats and a gradient unrelated to c), the negatives come
//! from the whole batch so the estimate is of I(z, y; c), and a pair critic identifies the
//! positive from y alone, saturating without looking at z.

use burn::tensor::{Device, Tensor, s};

/// Quantile bins of a continuous y within a batch, for conditional estimates (method.md §10:
/// 16 bins of a 128-row sub-batch, 8 rows each; narrower bins condition more tightly).
pub const Y_BINS: usize = 16;

/// How a conditional estimate I(z; c | y) is formed (method.md §5, §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conditioning {
    /// Unconditional I(z; c): every row is a negative for every other.
    None,
    /// Negatives only from rows of the same class of a binary y (0/1).
    WithinClass,
    /// Negatives only from rows whose continuous y falls in the same of this many quantile bins
    /// of y within the batch.
    WithinBins(usize),
}

impl Conditioning {
    /// The conditioning of a conditional (`conditional`) or unconditional penalty on an outcome
    /// that is binary or not.
    pub fn for_outcome(conditional: bool, binary: bool) -> Self {
        match (conditional, binary) {
            (false, _) => Conditioning::None,
            (true, true) => Conditioning::WithinClass,
            (true, false) => Conditioning::WithinBins(Y_BINS),
        }
    }

    /// Whether the estimate is conditional on y.
    pub fn is_conditional(self) -> bool {
        self != Conditioning::None
    }

    /// `[M or 1, N, N]`: 1 where c_j may serve as a negative for z_i (diagonal included), for a
    /// batch of `n` rows whose outcome is `y` `[M or 1, N, 1]` (needed unless `None`).
    pub fn negatives(self, y: Option<Tensor<3>>, n: usize, device: &Device) -> Tensor<3> {
        let ones = || Tensor::<3>::ones([1, n, n], device);
        match (self, y) {
            (Conditioning::WithinClass, Some(y)) => {
                let not_y = y.clone().neg().add_scalar(1.0);
                y.clone().matmul(y.swap_dims(1, 2)) + not_y.clone().matmul(not_y.swap_dims(1, 2))
            }
            (Conditioning::WithinBins(bins), Some(y)) => {
                let [m, _, _] = y.dims();
                // rank_i = #{j : y_j < y_i}; tied rows share a rank and so a bin.
                let col = y.clone().expand([m, n, n]);
                let row = y.swap_dims(1, 2).expand([m, n, n]);
                let rank = row.lower(col).float().sum_dim(2); // [M, N, 1]
                let bin = rank.mul_scalar(bins.max(1) as f32 / n as f32).floor();
                let across = bin.clone().swap_dims(1, 2).expand([m, n, n]);
                (bin.expand([m, n, n]) - across)
                    .abs()
                    .lower_elem(0.5)
                    .float()
            }
            _ => ones(),
        }
    }
}

/// A batch of N pairs (z_i, c_i) for every member.
#[derive(Clone, Debug)]
pub struct PairBatch {
    /// `[M, N, dz]`.
    pub z: Tensor<3>,
    /// `[M or 1, N, dc]`.
    pub c: Tensor<3>,
    /// `[M or 1, N, N]`: 1 where c_j may serve as a negative for z_i (diagonal included).
    pub allowed: Tensor<3>,
    /// `[1, N, N]` identity.
    pub eye: Tensor<3>,
    /// Offset of the sampled negative, π(i) = (i + roll) mod N, in 1..N.
    pub roll: usize,
}

impl PairBatch {
    /// Builds a batch. `y` `[M or 1, N, 1]` is needed unless `conditioning` is `None`.
    pub fn new(
        z: Tensor<3>,
        c: Tensor<3>,
        y: Option<Tensor<3>>,
        conditioning: Conditioning,
        roll: usize,
    ) -> Self {
        let [_, n, _] = z.dims();
        let device = z.device();
        let allowed = conditioning.negatives(y, n, &device);
        PairBatch::with_negatives(z, c, allowed, roll)
    }

    /// Builds a batch whose negatives mask `allowed` `[M or 1, N, N]` is already known (from
    /// [`Conditioning::negatives`]; one mask serves every estimator of a step).
    pub fn with_negatives(z: Tensor<3>, c: Tensor<3>, allowed: Tensor<3>, roll: usize) -> Self {
        let [_, n, _] = z.dims();
        let eye = Tensor::<2>::eye(n, &z.device()).unsqueeze::<3>();
        PairBatch {
            z,
            c,
            allowed,
            eye,
            roll: roll.clamp(1, n.max(2) - 1),
        }
    }

    /// Number of members M.
    pub fn members(&self) -> usize {
        self.z.dims()[0]
    }

    /// `allowed` without the diagonal.
    pub fn allowed_off_diagonal(&self) -> Tensor<3> {
        self.allowed.clone() * self.eye.clone().neg().add_scalar(1.0)
    }

    /// `[M or 1, N, 1]`: 1 where row i has at least one negative (a row alone in its class or
    /// bin has none, and contributes nothing to a contrast).
    pub fn has_negative(&self) -> Tensor<3> {
        self.allowed_off_diagonal()
            .sum_dim(2)
            .greater_elem(0.5)
            .float()
    }

    /// c with its rows rolled: row i holds c_{(i + roll) mod N}.
    pub fn c_rolled(&self) -> Tensor<3> {
        roll_rows(self.c.clone(), self.roll)
    }

    /// `[M or 1, N, 1]`: 1 where the sampled negative π(i) is an allowed one.
    pub fn rolled_allowed(&self) -> Tensor<3> {
        let [_, n, _] = self.eye.dims();
        let r = self.roll;
        // P[i, j] = 1 iff j = (i + r) mod N: the identity with its columns rolled by r.
        let p = Tensor::cat(
            vec![
                self.eye.clone().slice(s![.., .., n - r..n]),
                self.eye.clone().slice(s![.., .., 0..n - r]),
            ],
            2,
        );
        (self.allowed.clone() * p).sum_dim(2)
    }

    /// The device of the batch.
    pub fn device(&self) -> Device {
        self.z.device()
    }
}

/// Row i of the result is row (i + roll) mod N of `x` `[*, N, *]`.
pub fn roll_rows(x: Tensor<3>, roll: usize) -> Tensor<3> {
    let n = x.dims()[1];
    let r = roll % n;
    if r == 0 {
        return x;
    }
    Tensor::cat(
        vec![x.clone().slice(s![.., r..n, ..]), x.slice(s![.., 0..r, ..])],
        1,
    )
}

/// Diagonal of `[M, N, N]` as `[M, N, 1]`.
pub fn diagonal(scores: Tensor<3>, eye: Tensor<3>) -> Tensor<3> {
    (scores * eye).sum_dim(2)
}

/// Mean of each row over the entries where `weights` is 1: `[M, N, N]` → `[M, N, 1]`.
pub fn masked_row_mean(scores: Tensor<3>, weights: Tensor<3>) -> Tensor<3> {
    let count = weights.clone().sum_dim(2).clamp_min(1.0);
    (scores * weights).sum_dim(2) / count
}

/// log Σ_j exp(x_ij) over the allowed entries of each row: `[M, N, N]` → `[M, N, 1]`.
pub fn masked_logsumexp(scores: Tensor<3>, allowed: Tensor<3>) -> Tensor<3> {
    let [m, n, _] = scores.dims();
    let allowed = allowed.expand([m, n, n]);
    let masked = scores.mask_fill(allowed.lower_elem(0.5), -1.0e9);
    let max = masked.clone().max_dim(2).detach();
    (masked - max.clone()).exp().sum_dim(2).log() + max
}

/// Mean over the rows where `weights` `[M or 1, N, 1]` is 1, one value per member: `[M, N, 1]`
/// → `[M]` (0 where no row counts).
pub fn weighted_member_mean(x: Tensor<3>, weights: Tensor<3>) -> Tensor<1> {
    let m = x.dims()[0];
    let count = weights.clone().sum_dim(1).clamp_min(1.0);
    ((x * weights).sum_dim(1) / count).reshape([m])
}

/// Mean over rows, one value per member: `[M, N, 1]` → `[M]`.
pub fn per_member_mean(x: Tensor<3>) -> Tensor<1> {
    let m = x.dims()[0];
    x.mean_dim(1).reshape([m])
}
