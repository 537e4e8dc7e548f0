//! From what the plots show to the figure of one kind: the builder that draws it, or why the
//! data cannot give it.

use super::builders::{loss_figure, mi_figure, ood_figure, trade_off_figure};
use super::calibration_figure::calibration_figure;
use super::model::Figure;
use super::representation_figure::representation_figure;
use super::spec::{PlotData, PlotKind};
use crate::error::{Error, Result};
use crate::experiment::{RunMode, RunResults};

/// The figure of `kind` drawn from `data`, or why `data` cannot give it.
pub(super) fn build(kind: PlotKind, data: &PlotData<'_>) -> Result<Figure> {
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

fn need_run<'a>(data: &PlotData<'a>, kind: PlotKind) -> Result<&'a RunResults> {
    data.run.filter(|r| !r.reports.is_empty()).ok_or_else(|| {
        Error::invalid(format!(
            "the {kind} plot needs a training run; none is there"
        ))
    })
}
