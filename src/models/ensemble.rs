//! Layers over a leading ensemble axis: `M` independent models share every tensor op, so one
//! step trains them all (a 64-wide MLP step is launch-bound: ten members cost about one).

use burn::module::{Module, Param};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A linear layer per member: weights `[M, in, out]`, bias `[M, 1, out]`.
#[derive(Module, Debug)]
pub struct EnsembleLinear {
    /// `[M, in, out]`.
    pub weight: Param<Tensor<3>>,
    /// `[M, 1, out]`.
    pub bias: Param<Tensor<3>>,
}

/// The random stream of one layer of one member: initial weights depend only on the member's
/// seed and the layer's name, not on which other members share the ensemble.
pub fn layer_rng(member_seed: u64, layer: &str) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in layer.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(member_seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ h)
}

impl EnsembleLinear {
    /// PyTorch-style uniform init, U(−1/√in, 1/√in), drawn on the host from each member's seed
    /// and uploaded once.
    pub fn init(seeds: &[u64], name: &str, d_in: usize, d_out: usize, device: &Device) -> Self {
        let m = seeds.len();
        let bound = 1.0 / (d_in as f32).sqrt();
        let mut w = Vec::with_capacity(m * d_in * d_out);
        let mut b = Vec::with_capacity(m * d_out);
        for &seed in seeds {
            let mut rng = layer_rng(seed, name);
            w.extend((0..d_in * d_out).map(|_| rng.random_range(-bound..bound)));
            b.extend((0..d_out).map(|_| rng.random_range(-bound..bound)));
        }
        EnsembleLinear {
            weight: Param::from_data(TensorData::new(w, [m, d_in, d_out]), device),
            bias: Param::from_data(TensorData::new(b, [m, 1, d_out]), device),
        }
    }

    /// `[M or 1, N, in]` → `[M, N, out]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        x.matmul(self.weight.val()) + self.bias.val()
    }

    /// Parameters of one member.
    pub fn params_per_member(&self) -> usize {
        let [_, i, o] = self.weight.val().dims();
        i * o + o
    }
}

/// An MLP per member with ReLU between layers (none after the last).
#[derive(Module, Debug)]
pub struct EnsembleMlp {
    /// The layers in order.
    pub layers: Vec<EnsembleLinear>,
}

impl EnsembleMlp {
    /// `dims` = [in, hidden..., out].
    pub fn init(seeds: &[u64], name: &str, dims: &[usize], device: &Device) -> Self {
        let layers = dims
            .windows(2)
            .enumerate()
            .map(|(i, w)| EnsembleLinear::init(seeds, &format!("{name}.{i}"), w[0], w[1], device))
            .collect();
        EnsembleMlp { layers }
    }

    /// `[M or 1, N, in]` → `[M, N, out]`.
    pub fn forward(&self, mut x: Tensor<3>) -> Tensor<3> {
        let last = self.layers.len().saturating_sub(1);
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = relu(x);
            }
        }
        x
    }

    /// Parameters of one member.
    pub fn params_per_member(&self) -> usize {
        self.layers
            .iter()
            .map(EnsembleLinear::params_per_member)
            .sum()
    }
}
