//! Figure specs: which plot, in which file format, at which paper width, and the results a
//! figure is drawn from.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::experiment::RunResults;
use crate::mi::{Calibration, EstimatorKind, Staircase};
use crate::session::{PinnedRun, RepresentationView};

/// Resolution of PNG figures, in dots per inch.
pub const DPI: u32 = 300;

/// Which plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlotKind {
    /// Training (solid) and validation (dashed) loss over steps.
    Loss,
    /// MI estimates over steps.
    Mi,
    /// The headline metric against shift, mean ± 1 sd over seeds.
    Ood,
    /// An estimator against the true MI of correlated Gaussians and against its ideal; beside
    /// it, once run, the staircase (the estimate over training steps as the true MI steps up).
    Calibration,
    /// A β sweep's metric and final I(z; c) against β.
    TradeOff,
    /// The baseline's and the CRL model's z projected to two dimensions, at shift 0 and at the
    /// representation view's shift, coloured by the confounder or the outcome.
    Representation,
}

impl PlotKind {
    /// Every kind, in menu order.
    pub const ALL: [PlotKind; 6] = [
        PlotKind::Loss,
        PlotKind::Mi,
        PlotKind::Ood,
        PlotKind::Calibration,
        PlotKind::TradeOff,
        PlotKind::Representation,
    ];

    /// The command-line and file name: `loss`, `mi`, `ood`, `calibration`, `tradeoff`,
    /// `representation`.
    pub fn name(self) -> &'static str {
        match self {
            PlotKind::Loss => "loss",
            PlotKind::Mi => "mi",
            PlotKind::Ood => "ood",
            PlotKind::Calibration => "calibration",
            PlotKind::TradeOff => "tradeoff",
            PlotKind::Representation => "representation",
        }
    }

    /// Whether the plot draws a training run (else the calibration points).
    pub fn needs_training(self) -> bool {
        self != PlotKind::Calibration
    }
}

impl fmt::Display for PlotKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PlotKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        // `trade-off` is accepted as another spelling of `tradeoff`.
        let s = if s == "trade-off" {
            PlotKind::TradeOff.name()
        } else {
            s
        };
        parse_choice(s, &PlotKind::ALL, PlotKind::name, "plot")
    }
}

/// File format of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureFormat {
    /// Scalable vector graphics, with the workspace hash in its metadata.
    Svg,
    /// A 300 dpi PNG (the resolution is written into its pHYs chunk).
    Png,
}

impl FigureFormat {
    /// Every format, in the order the error message names them.
    const ALL: [FigureFormat; 2] = [FigureFormat::Svg, FigureFormat::Png];

    /// The file extension: `svg` or `png`.
    pub fn extension(self) -> &'static str {
        match self {
            FigureFormat::Svg => "svg",
            FigureFormat::Png => "png",
        }
    }
}

impl FromStr for FigureFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_choice(
            s,
            &FigureFormat::ALL,
            FigureFormat::extension,
            "figure format",
        )
    }
}

/// Paper width presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FigureWidth {
    /// One column of a two-column paper: 3.5 in.
    #[default]
    Single,
    /// The full text width: 7 in.
    Double,
}

impl FigureWidth {
    /// Every preset, in the order the error message names them.
    const ALL: [FigureWidth; 2] = [FigureWidth::Single, FigureWidth::Double];

    /// The command-line name: `single` or `double`.
    pub fn name(self) -> &'static str {
        match self {
            FigureWidth::Single => "single",
            FigureWidth::Double => "double",
        }
    }

    /// The width in inches.
    pub fn inches(self) -> f64 {
        match self {
            FigureWidth::Single => 3.5,
            FigureWidth::Double => 7.0,
        }
    }

    /// The figure's size in pixels at [`DPI`] for `kind`: 1050 or 2100 wide.
    pub fn pixels(self, kind: PlotKind) -> (u32, u32) {
        let w = (self.inches() * f64::from(DPI)).round() as u32;
        let h_in = match (self, kind) {
            (FigureWidth::Single, PlotKind::Calibration) => 3.3,
            (FigureWidth::Single, PlotKind::TradeOff) => 2.9,
            // Two rows of two panels.
            (FigureWidth::Single, PlotKind::Representation) => 4.0,
            (FigureWidth::Double, PlotKind::Representation) => 6.0,
            (FigureWidth::Single, _) => 2.8,
            (FigureWidth::Double, _) => 3.0,
        };
        (w, (h_in * f64::from(DPI)).round() as u32)
    }
}

impl FromStr for FigureWidth {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_choice(s, &FigureWidth::ALL, FigureWidth::name, "width")
    }
}

/// The one of `all` whose `name` is `s`; else an error that names `what` and lists the choices,
/// as in "unknown width `x` (use single or double)".
fn parse_choice<T: Copy>(s: &str, all: &[T], name: fn(T) -> &'static str, what: &str) -> Result<T> {
    if let Some(&choice) = all.iter().find(|&&c| name(c) == s) {
        return Ok(choice);
    }
    let names: Vec<&str> = all.iter().map(|&c| name(c)).collect();
    let choices = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    };
    Err(Error::invalid(format!(
        "unknown {what} `{s}` (use {choices})"
    )))
}

/// What to draw and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureSpec {
    /// The plot.
    pub kind: PlotKind,
    /// SVG or PNG.
    pub format: FigureFormat,
    /// Paper width preset.
    pub width: FigureWidth,
    /// The workspace's content hash (see `Workspace::hash`), written into SVG metadata.
    pub hash: Option<String>,
}

/// The results a figure is drawn from.
#[derive(Clone, Copy, Debug)]
pub struct PlotData<'a> {
    /// The training run (loss, MI, OOD, trade-off).
    pub run: Option<&'a RunResults>,
    /// The calibration points, one per correlation.
    pub calibration: &'a [Calibration],
    /// The estimator the calibration points belong to.
    pub calibration_estimator: EstimatorKind,
    /// The same estimator's staircase run, if there is one (the calibration figure's second
    /// panel).
    pub staircase: Option<&'a Staircase>,
    /// Runs pinned for comparison: the loss, MI and OOD figures draw the shown ones, lighter.
    pub pinned: &'a [PinnedRun],
    /// The representation figure's colouring and second shift.
    pub representation: RepresentationView,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_print_sizes() {
        assert_eq!(FigureWidth::Single.pixels(PlotKind::Loss).0, 1050);
        assert_eq!(FigureWidth::Double.pixels(PlotKind::Ood).0, 2100);
    }

    #[test]
    fn names_parse_and_unknown_names_list_the_choices() {
        assert_eq!(
            "trade-off".parse::<PlotKind>().ok(),
            Some(PlotKind::TradeOff)
        );
        assert_eq!(
            "tradeoff".parse::<PlotKind>().ok(),
            Some(PlotKind::TradeOff)
        );
        assert_eq!("png".parse::<FigureFormat>().ok(), Some(FigureFormat::Png));
        assert_eq!(
            "double".parse::<FigureWidth>().ok(),
            Some(FigureWidth::Double)
        );
        let detail = |e: Error| match e {
            Error::InvalidArgument(d) => d,
            other => panic!("expected InvalidArgument, got {other:?}"),
        };
        let plot = "x".parse::<PlotKind>().map_err(detail).unwrap_err();
        assert_eq!(
            plot,
            "unknown plot `x` (use loss, mi, ood, calibration, tradeoff or representation)"
        );
        let format = "x".parse::<FigureFormat>().map_err(detail).unwrap_err();
        assert_eq!(format, "unknown figure format `x` (use svg or png)");
        let width = "x".parse::<FigureWidth>().map_err(detail).unwrap_err();
        assert_eq!(width, "unknown width `x` (use single or double)");
    }
}
