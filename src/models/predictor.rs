//! The supervised model: an encoder x → z and a head z → logit (or value). The baseline and the
//! CRL model are the same type with the same widths; CRL differs only in its training loss.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};

use super::ensemble::{EnsembleLinear, EnsembleMlp};
use crate::error::{Error, Result};

/// Widths of the encoder.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PredictorShape {
    /// Input features.
    pub n_inputs: usize,
    /// Hidden widths of the encoder, e.g. `[64, 64]`.
    pub hidden: Vec<usize>,
    /// Dimension of the representation z.
    pub z_dim: usize,
}

impl PredictorShape {
    /// Parameters of one member at serving time: every encoder layer's weights and biases, and
    /// the head's.
    pub fn params_per_member(&self) -> usize {
        let mut dims = vec![self.n_inputs];
        dims.extend(&self.hidden);
        dims.push(self.z_dim);
        dims.push(1);
        dims.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }
}

/// Encoder and head for every member of an ensemble.
#[derive(Module, Debug)]
pub struct Predictor {
    /// x → z.
    pub encoder: EnsembleMlp,
    /// z → logit or value.
    pub head: EnsembleLinear,
    /// `[M, 1, in]`: 1 for an input a member sees, 0 for one masked out (the oracle sees only
    /// causal features). A constant, never trained.
    pub input_mask: Tensor<3>,
}

impl Predictor {
    /// Initialises one encoder and head per member seed.
    pub fn init(seeds: &[u64], shape: &PredictorShape, device: &Device) -> Self {
        let mut dims = vec![shape.n_inputs];
        dims.extend(&shape.hidden);
        dims.push(shape.z_dim);
        Predictor {
            encoder: EnsembleMlp::init(seeds, "encoder", &dims, device),
            head: EnsembleLinear::init(seeds, "head", shape.z_dim, 1, device),
            input_mask: Tensor::ones([seeds.len(), 1, shape.n_inputs], device),
        }
    }

    /// Masks inputs per member: `masks[i][j]` is 1 where member i sees input j, 0 where it does
    /// not. Fails, saying what was expected, unless there is one mask per member with one entry
    /// per input.
    pub fn with_input_masks(mut self, masks: &[Vec<f32>]) -> Result<Self> {
        let [m, _, d] = self.input_mask.dims();
        if masks.len() != m || masks.iter().any(|v| v.len() != d) {
            return Err(Error::invalid(format!(
                "input masks: expected {m} masks of {d} entries, got {} (of {:?} entries)",
                masks.len(),
                masks.iter().map(Vec::len).collect::<Vec<_>>()
            )));
        }
        let flat: Vec<f32> = masks.concat();
        self.input_mask =
            Tensor::from_data(TensorData::new(flat, [m, 1, d]), &self.input_mask.device());
        Ok(self)
    }

    /// `[M or 1, N, in]` → z `[M, N, z_dim]`.
    pub fn encode(&self, x: Tensor<3>) -> Tensor<3> {
        self.encoder.forward(x * self.input_mask.clone())
    }

    /// z `[M, N, z_dim]` → `[M, N, 1]`.
    pub fn predict(&self, z: Tensor<3>) -> Tensor<3> {
        self.head.forward(z)
    }

    /// Member i from `other` where `take[i]`, from `self` otherwise (both off the autodiff
    /// graph, of the same shape): how the best model so far of each member is kept.
    #[must_use]
    pub fn blend(&self, other: &Predictor, take: &[bool]) -> Predictor {
        let m = take.len();
        let device = self.input_mask.device();
        let pick: Vec<f32> = take.iter().map(|&t| if t { 1.0 } else { 0.0 }).collect();
        let on = Tensor::<3>::from_data(TensorData::new(pick, [m, 1, 1]), &device);
        let off = on.clone().neg().add_scalar(1.0);
        let mix = |a: &Param<Tensor<3>>, b: &Param<Tensor<3>>| {
            Param::from_tensor(b.val() * on.clone() + a.val() * off.clone())
        };
        let layer = |a: &EnsembleLinear, b: &EnsembleLinear| EnsembleLinear {
            weight: mix(&a.weight, &b.weight),
            bias: mix(&a.bias, &b.bias),
        };
        Predictor {
            encoder: EnsembleMlp {
                layers: self
                    .encoder
                    .layers
                    .iter()
                    .zip(&other.encoder.layers)
                    .map(|(a, b)| layer(a, b))
                    .collect(),
            },
            head: layer(&self.head, &other.head),
            input_mask: self.input_mask.clone(),
        }
    }

    /// Parameters of one member at serving time (encoder and head).
    pub fn params_per_member(&self) -> usize {
        self.encoder.params_per_member() + self.head.params_per_member()
    }
}
