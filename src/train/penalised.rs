//! Which of a shard's members carry the penalty, and how their rows are picked out of, and
//! spread back into, the shard's tensors.

use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor, TensorData};

use super::member::MemberSpec;

/// The penalised members of a shard (see [`MemberSpec::is_penalised`]; a baseline or reference
/// never is), and how to pick them out of, and spread them back into, the shard's tensors.
pub(super) struct Penalised {
    /// Shard-local indices.
    pub(super) local: Vec<usize>,
    /// The same on the device; `None` when every member is penalised (nothing to pick).
    index: Option<Tensor<1, Int>>,
    members: usize,
}

impl Penalised {
    /// The penalised ones of a shard's `members`.
    pub(super) fn new(members: &[MemberSpec], device: &Device) -> Self {
        let local: Vec<usize> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_penalised())
            .map(|(i, _)| i)
            .collect();
        let index = (local.len() < members.len() && !local.is_empty()).then(|| {
            let v: Vec<i64> = local.iter().map(|&i| i as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(v, [local.len()]), device)
        });
        Penalised {
            local,
            index,
            members: members.len(),
        }
    }

    /// Whether any member is penalised.
    pub(super) fn any(&self) -> bool {
        !self.local.is_empty()
    }

    /// Per shard member, whether it is penalised (its penalty critic's estimate is reported).
    pub(super) fn flags(&self) -> Vec<bool> {
        (0..self.members).map(|i| self.local.contains(&i)).collect()
    }

    /// The penalised members' rows of `[M, ...]`: `[K, ...]`.
    pub(super) fn pick(&self, t: Tensor<3>) -> Tensor<3> {
        match &self.index {
            Some(i) => t.select(0, i.clone()),
            None => t,
        }
    }

    /// `[M]` from the penalised members' `[K]`: zero for the others.
    pub(super) fn spread(&self, v: Tensor<1>, device: &Device) -> Tensor<1> {
        match &self.index {
            _ if !self.any() => Tensor::zeros([self.members], device),
            Some(i) => Tensor::zeros([self.members], device).select_assign(
                0,
                i.clone(),
                v,
                IndexingUpdateOp::Add,
            ),
            None => v,
        }
    }

    /// The penalised members' betas `[K]` out of every shard member's.
    pub(super) fn betas(&self, all: &[f64], device: &Device) -> Tensor<1> {
        let v: Vec<f32> = self.local.iter().map(|&i| all[i] as f32).collect();
        Tensor::from_data(TensorData::new(v, [self.local.len()]), device)
    }
}
