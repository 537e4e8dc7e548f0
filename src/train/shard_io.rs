//! What the coordinator gives a shard (the rows, settings and controls every shard shares) and
//! what a shard gives back (its start, its reports, its end).

use super::config::TrainConfig;
use super::control::RunControl;
use super::device::ComputeDevice;
use super::device_data::InputSpec;
use super::member::MemberSpec;
use super::observer::Report;
use super::scoring::{TestOutputs, TestSets};
use crate::data::HostTable;
use crate::mi::Conditioning;
use crate::models::{Predictor, PredictorShape};

/// Everything a run's shards share: each member's rows, input widths, the penalty's
/// conditioning, each member's input mask, the settings and the controls.
pub(super) struct ShardRun<'a> {
    /// Member i's training rows.
    pub(super) train: Vec<&'a HostTable>,
    /// Member i's validation rows.
    pub(super) val: Vec<&'a HostTable>,
    /// (training, validation) rows used of every table.
    pub(super) rows: (usize, usize),
    pub(super) spec: InputSpec,
    pub(super) cond: Conditioning,
    /// Member i's input mask (1: sees the feature).
    pub(super) masks: Vec<Vec<f32>>,
    pub(super) members: &'a [MemberSpec],
    pub(super) config: &'a TrainConfig,
    pub(super) device: &'a ComputeDevice,
    pub(super) tests: Option<&'a TestSets>,
    pub(super) control: &'a RunControl,
}

impl ShardRun<'_> {
    /// The predictor's widths.
    pub(super) fn shape(&self) -> PredictorShape {
        PredictorShape {
            n_inputs: self.spec.n_features,
            hidden: self.config.hidden.clone(),
            z_dim: self.config.z_dim,
        }
    }
}

/// What a shard tells the coordinator.
pub(super) enum ShardEvent {
    /// The shard's models exist; its critics and probes have this many parameters per
    /// penalised member.
    Started {
        shard: usize,
        critic_params_per_member: usize,
    },
    /// The shard's part of one report, and of the test scores when they were taken.
    Report {
        shard: usize,
        report: Report,
        tests: Option<TestOutputs>,
    },
}

/// A shard's end.
pub(super) struct ShardEnd {
    pub(super) predictor: Predictor,
    pub(super) steps_done: usize,
    pub(super) cancelled: bool,
    /// Per member, the step its returned model is of (the last one, unless the best
    /// validation loss is kept).
    pub(super) selected_steps: Vec<usize>,
}
