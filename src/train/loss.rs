//! The supervised loss, the same in training steps and in validation.

use burn::tensor::Tensor;

use crate::mi::per_member_mean;

/// Per-member supervised loss `[M]`: cross-entropy with logits, or squared error.
pub(super) fn supervised_loss(out: Tensor<3>, y: Tensor<3>, binary: bool) -> Tensor<1> {
    let per_row = if binary {
        // max(l, 0) − l·y + log(1 + e^−|l|)
        out.clone().clamp_min(0.0) - out.clone() * y + out.abs().neg().exp().log1p()
    } else {
        (out - y).powi_scalar(2)
    };
    per_member_mean(per_row)
}
