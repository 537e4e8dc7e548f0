//! The CRL objective: what a model step minimises. Every member's supervised loss, plus, for
//! each penalised member (see [`MemberSpec::is_penalised`]), its beta times the warm-up factor
//! times its penalty critic's estimate of I(z; c) (or I(z; c | y)):
//!
//! ```text
//! objective = Σ_m supervised_m + Σ_k beta_k · w(t) · estimate_k
//! ```
//!
//! with w(t) = min(t / warm-up steps, 1) at model step t (1-based). The members are summed
//! because each member's parameters get gradients only from its own terms.
//!
//! [`MemberSpec::is_penalised`]: super::MemberSpec::is_penalised

use burn::tensor::Tensor;

/// The warm-up factor of beta at model step `step` (1-based): rises linearly to 1 over
/// `warmup_steps` steps (`step / warmup_steps`, at most 1), and is 1 throughout without a
/// warm-up (`warmup_steps` = 0).
pub(super) fn beta_warmup(step: usize, warmup_steps: usize) -> f64 {
    if warmup_steps == 0 {
        1.0
    } else {
        (step as f64 / warmup_steps as f64).min(1.0)
    }
}

/// The penalty term of the penalised members of one step, `[K]` each.
pub(super) struct Penalty {
    /// The penalty critic's estimate in nats on the step's sub-batch.
    pub(super) estimate: Tensor<1>,
    /// beta · warm-up factor · estimate: what the objective adds.
    pub(super) weighted: Tensor<1>,
}

/// The penalty of the penalised members: their `estimate` `[K]` weighted by their `betas` `[K]`
/// times the warm-up factor `warmup` (see [`beta_warmup`]).
pub(super) fn weighted_penalty(estimate: Tensor<1>, betas: Tensor<1>, warmup: f64) -> Penalty {
    // [K]
    let weighted = estimate.clone() * betas.mul_scalar(warmup as f32);
    Penalty { estimate, weighted }
}

/// The objective `[1]` a model step minimises: the supervised losses of every member
/// (`supervised` `[M]`) summed, plus the weighted penalties (`penalty`, `[K]`) summed; the
/// supervised losses alone when no member is penalised.
pub(super) fn penalised_objective(supervised: &Tensor<1>, penalty: Option<&Penalty>) -> Tensor<1> {
    match penalty {
        Some(p) => supervised.clone().sum() + p.weighted.clone().sum(),
        None => supervised.clone().sum(),
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Tensor, TensorData};

    use super::{beta_warmup, penalised_objective, weighted_penalty};
    use crate::train::loss::supervised_loss;

    /// `[M, N, 1]` from one row of values per member.
    fn members(rows: &[[f32; 2]], device: &Device) -> Tensor<3> {
        let v: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::from_data(TensorData::new(v, [rows.len(), 2, 1]), device)
    }

    fn scalar(t: Tensor<1>) -> f64 {
        let v: f32 = t.into_scalar();
        f64::from(v)
    }

    #[test]
    fn the_warm_up_rises_linearly_to_one() {
        assert_eq!(beta_warmup(1, 0), 1.0);
        assert_eq!(beta_warmup(50, 0), 1.0);
        assert_eq!(beta_warmup(1, 4), 0.25);
        assert_eq!(beta_warmup(2, 4), 0.5);
        assert_eq!(beta_warmup(4, 4), 1.0);
        assert_eq!(beta_warmup(9, 4), 1.0);
    }

    #[test]
    fn the_objective_is_the_supervised_loss_plus_the_weighted_penalty() {
        let device = Device::flex();
        // Two members (a baseline and a CRL model), two rows each: logits and binary labels.
        let logits = members(&[[0.0, 2.0], [-1.0, 0.5]], &device);
        let labels = members(&[[1.0, 0.0], [0.0, 1.0]], &device);
        let sup = supervised_loss(logits, labels, true);
        // Cross-entropy with logits: log(1 + e^l) − l·y, averaged over the rows.
        let bce = |l: f64, y: f64| (1.0 + l.exp()).ln() - l * y;
        let sup_0 = f64::midpoint(bce(0.0, 1.0), bce(2.0, 0.0));
        let sup_1 = f64::midpoint(bce(-1.0, 0.0), bce(0.5, 1.0));
        // The CRL member (the only penalised one): estimate 0.3 nats, beta 4, at step 1 of a
        // 4-step warm-up.
        let (estimate, beta, warm) = (0.3, 4.0, beta_warmup(1, 4));
        let penalty = weighted_penalty(
            Tensor::from_data(TensorData::new(vec![estimate as f32], [1]), &device),
            Tensor::from_data(TensorData::new(vec![beta as f32], [1]), &device),
            warm,
        );
        let by_hand = sup_0 + sup_1 + beta * warm * estimate;
        let total = scalar(penalised_objective(&sup, Some(&penalty)));
        assert!((total - by_hand).abs() < 1e-5, "{total} vs {by_hand}");
        assert!((scalar(penalty.weighted.clone()) - 0.3).abs() < 1e-6);
        assert!((scalar(penalty.estimate.clone()) - estimate).abs() < 1e-6);
        // Without a penalised member the objective is the supervised losses alone.
        let plain = scalar(penalised_objective(&sup, None));
        assert!((plain - (sup_0 + sup_1)).abs() < 1e-5, "{plain}");
    }
}
