//! Training-only critics of the MI estimators. They are dropped after training.

use burn::module::Module;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

use super::ensemble::{EnsembleLinear, EnsembleMlp};

/// How a pair critic f(z, c) is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriticKind {
    /// f(z, c) = g(z) · h(c): the N × N scores are one matrix product (fast, the default).
    Separable,
    /// f(z, c) = MLP([z, c]) on every pair: more flexible, N² forward passes.
    Concat,
}

/// f(z, c) = g(z) · h(c) / √embed.
#[derive(Module, Debug)]
pub struct SeparableCritic {
    /// z → embedding.
    pub g: EnsembleMlp,
    /// c → embedding.
    pub h: EnsembleMlp,
}

/// f(z, c) = MLP([z, c]); the first layer is split so that every pair costs one add.
#[derive(Module, Debug)]
pub struct ConcatCritic {
    /// z part of the first layer (with the bias).
    pub first_z: EnsembleLinear,
    /// c part of the first layer (its bias is unused: the z part carries it).
    pub first_c: EnsembleLinear,
    /// hidden → 1.
    pub rest: EnsembleMlp,
}

/// A critic's widths: z's and c's as it sees them, and its hidden layer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CriticShape {
    /// Width of z as the critic sees it.
    pub dz: usize,
    /// Width of c as the critic sees it (number of classes, one-hot, for a categorical c).
    pub dc: usize,
    /// Hidden width of the critic.
    pub hidden: usize,
}

/// A critic scoring every (z_i, c_j) pair.
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant)] // built once per run; boxing would only add indirection
pub enum PairCritic {
    /// g(z) · h(c).
    Separable(SeparableCritic),
    /// MLP([z, c]).
    Concat(ConcatCritic),
}

impl PairCritic {
    /// A critic for inputs of the widths of `shape`.
    pub fn init(
        kind: CriticKind,
        seeds: &[u64],
        name: &str,
        shape: CriticShape,
        device: &Device,
    ) -> Self {
        let CriticShape { dz, dc, hidden } = shape;
        match kind {
            CriticKind::Separable => PairCritic::Separable(SeparableCritic {
                g: EnsembleMlp::init(
                    seeds,
                    &format!("{name}.g"),
                    &[dz, hidden, hidden / 2],
                    device,
                ),
                h: EnsembleMlp::init(
                    seeds,
                    &format!("{name}.h"),
                    &[dc, hidden, hidden / 2],
                    device,
                ),
            }),
            CriticKind::Concat => PairCritic::Concat(ConcatCritic {
                first_z: EnsembleLinear::init(seeds, &format!("{name}.fz"), dz, hidden, device),
                first_c: EnsembleLinear::init(seeds, &format!("{name}.fc"), dc, hidden, device),
                rest: EnsembleMlp::init(
                    seeds,
                    &format!("{name}.rest"),
                    &[hidden, hidden, 1],
                    device,
                ),
            }),
        }
    }

    /// Scores `[M, N, N]`, entry (i, j) = f(z_i, c_j); z `[M, N, dz]`, c `[M or 1, N, dc]`.
    pub fn scores(&self, z: Tensor<3>, c: Tensor<3>) -> Tensor<3> {
        match self {
            PairCritic::Separable(s) => {
                let gz = s.g.forward(z); // [M, N, e]
                let hc = s.h.forward(c); // [M, N, e]
                let [_, _, e] = gz.dims();
                gz.matmul(hc.swap_dims(1, 2)).div_scalar((e as f32).sqrt())
            }
            PairCritic::Concat(cc) => {
                let a = cc.first_z.forward(z); // [M, N, h]
                let b = cc.first_c.weight.val(); // [M, dc, h]
                let b = c.matmul(b); // [M, N, h]
                let [m, n, h] = a.dims();
                let pre = a.unsqueeze_dim::<4>(2) + b.unsqueeze_dim::<4>(1); // [M, N, N, h]
                let hidden = relu(pre).reshape([m, n * n, h]);
                cc.rest.forward(hidden).reshape([m, n, n])
            }
        }
    }
}

/// CLUB's variational q(c | z) = N(mu(z), diag exp(logvar(z))).
#[derive(Module, Debug)]
pub struct GaussianCritic {
    /// z → mean of c.
    pub mu: EnsembleMlp,
    /// z → log-variance of c (clamped when used).
    pub logvar: EnsembleMlp,
}

impl GaussianCritic {
    /// A q(c | z) for the widths of `shape`.
    pub fn init(seeds: &[u64], name: &str, shape: CriticShape, device: &Device) -> Self {
        let CriticShape { dz, dc, hidden } = shape;
        GaussianCritic {
            mu: EnsembleMlp::init(seeds, &format!("{name}.mu"), &[dz, hidden, dc], device),
            logvar: EnsembleMlp::init(seeds, &format!("{name}.lv"), &[dz, hidden, dc], device),
        }
    }
}

/// CLUB's q(c | z) for a categorical c: a softmax classifier.
#[derive(Module, Debug)]
pub struct CategoricalCritic {
    /// z → class logits.
    pub net: EnsembleMlp,
}

impl CategoricalCritic {
    /// A classifier for `shape.dc` classes.
    pub fn init(seeds: &[u64], name: &str, shape: CriticShape, device: &Device) -> Self {
        let CriticShape {
            dz,
            dc: classes,
            hidden,
        } = shape;
        CategoricalCritic {
            net: EnsembleMlp::init(
                seeds,
                &format!("{name}.net"),
                &[dz, hidden, classes],
                device,
            ),
        }
    }
}
