//! Model selection by validation loss: each member's model at the report with its lowest
//! validation loss so far (`TrainConfig::keep_best_val`).

use super::observer::Report;
use crate::models::Predictor;

/// Each member's model at the report with its lowest validation loss so far.
pub(super) struct BestSoFar {
    /// The kept models (every member's at its best report), once one was offered.
    pub(super) model: Option<Predictor>,
    loss: Vec<f64>,
    /// Per member, the step of its kept model.
    pub(super) step: Vec<usize>,
}

impl BestSoFar {
    /// Nothing kept yet for `members` members.
    pub(super) fn new(members: usize) -> Self {
        BestSoFar {
            model: None,
            loss: vec![f64::INFINITY; members],
            step: vec![0; members],
        }
    }

    /// Keeps the members of `report` whose validation loss is the lowest yet, taking the
    /// model from `current` (off the autodiff graph) only when one improved.
    pub(super) fn offer(&mut self, report: &Report, current: impl FnOnce() -> Predictor) {
        let take: Vec<bool> = report
            .members
            .iter()
            .zip(&self.loss)
            .map(|(m, &best)| m.val_loss < best)
            .collect();
        if !take.iter().any(|&t| t) {
            return;
        }
        let now = current();
        self.model = Some(match &self.model {
            Some(kept) => kept.blend(&now, &take),
            None => now,
        });
        for (i, m) in report.members.iter().enumerate() {
            if take[i] {
                self.loss[i] = m.val_loss;
                self.step[i] = report.step;
            }
        }
    }
}
