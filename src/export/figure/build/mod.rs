//! The figure builders: from a run's results (or the calibration points and staircase) to the
//! figure model, one builder per plot: loss and MI over steps (`steps`), OOD and β trade-off
//! (`ood`), representation, calibration; `dispatch` picks one, `common` holds what they share.

mod calibration;
mod common;
mod dispatch;
mod ood;
mod representation;
mod steps;

pub(super) use dispatch::build;
