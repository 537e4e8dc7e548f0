//! The inputs every estimator sees, and the masked reductions they share.

use burn::tensor::{Device, Tensor, s};

/// How a conditional estimate I(z; c | y) is formed (method.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conditioning {
    /// Unconditional I(z; c).
    None,
    /// Negatives only from rows of the same (binary) class of y.
    WithinClass,
    /// y appended to both critic inputs (for a continuous y).
    Concat,
}

/// A batch of N pairs (z_i, c_i) for every member.
#[derive(Clone, Debug)]
pub struct PairBatch {
    /// `[M, N, dz]` (y appended under [`Conditioning::Concat`]).
    pub z: Tensor<3>,
    /// `[M or 1, N, dc]` (y appended under [`Conditioning::Concat`]).
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
        let eye = Tensor::<2>::eye(n, &device).unsqueeze::<3>();
        let ones = || Tensor::<3>::ones([1, n, n], &device);
        let roll = roll.clamp(1, n.max(2) - 1);
        match (conditioning, y) {
            (Conditioning::WithinClass, Some(y)) => {
                let not_y = y.clone().neg().add_scalar(1.0);
                let allowed = y.clone().matmul(y.swap_dims(1, 2))
                    + not_y.clone().matmul(not_y.swap_dims(1, 2));
                PairBatch {
                    z,
                    c,
                    allowed,
                    eye,
                    roll,
                }
            }
            (Conditioning::Concat, Some(y)) => {
                let [m, _, _] = z.dims();
                let [mc, _, _] = c.dims();
                let yz = if y.dims()[0] == m {
                    y.clone()
                } else {
                    y.clone().repeat_dim(0, m)
                };
                let yc = if y.dims()[0] == mc {
                    y.clone()
                } else {
                    y.clone().repeat_dim(0, mc)
                };
                PairBatch {
                    z: Tensor::cat(vec![z, yz], 2),
                    c: Tensor::cat(vec![c, yc], 2),
                    allowed: ones(),
                    eye,
                    roll,
                }
            }
            _ => PairBatch {
                z,
                c,
                allowed: ones(),
                eye,
                roll,
            },
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

/// Mean over rows, one value per member: `[M, N, 1]` → `[M]`.
pub fn per_member_mean(x: Tensor<3>) -> Tensor<1> {
    let m = x.dims()[0];
    x.mean_dim(1).reshape([m])
}
