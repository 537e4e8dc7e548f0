//! From a plot kind and the data at hand to the figure model, or why the data cannot give it.

use super::calibration::calibration_figure;
use super::common::need_run;
use super::ood::{ood_figure, trade_off_figure};
use super::representation::representation_figure;
use super::steps::{loss_figure, mi_figure};
use crate::error::{Error, Result};
use crate::experiment::RunMode;
use crate::export::figure::model::Figure;
use crate::export::figure::spec::{PlotData, PlotKind};

/// The figure of `kind` drawn from `data`, or why `data` cannot give it.
pub(in crate::export::figure) fn build(kind: PlotKind, data: &PlotData<'_>) -> Result<Figure> {
    match kind {
        PlotKind::Loss => Ok(loss_figure(need_run(data, kind)?, data.pinned)),
        PlotKind::Mi => Ok(mi_figure(need_run(data, kind)?, data.pinned)),
        PlotKind::Ood => {
            let run = need_run(data, kind)?;
            if run.eval.is_empty() {
                return Err(Error::invalid(
                    "the ood plot needs evaluations at each shift; the run has none",
                ));
            }
            Ok(ood_figure(run, data.pinned))
        }
        PlotKind::Representation => {
            let run = need_run(data, kind)?;
            let rep = run.representation.as_ref().ok_or_else(|| {
                Error::invalid(
                    "the representation plot needs the projected representations of a run \
                     trained by this version of crl-lab; the run has none",
                )
            })?;
            representation_figure(run, rep, data.representation)
        }
        PlotKind::Calibration => {
            if data.calibration.is_empty() {
                return Err(Error::invalid(
                    "the calibration plot needs calibration points; there are none",
                ));
            }
            Ok(calibration_figure(
                data.calibration,
                data.calibration_estimator,
                data.staircase,
            ))
        }
        PlotKind::TradeOff => {
            let run = need_run(data, kind)?;
            if run.mode != RunMode::BetaSweep || run.eval.is_empty() {
                return Err(Error::invalid(
                    "the tradeoff plot needs a finished β-sweep run (set the run mode to β sweep)",
                ));
            }
            Ok(trade_off_figure(run))
        }
    }
}
