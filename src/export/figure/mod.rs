//! Static figures for papers: the app's plots (loss curves, MI over steps, OOD metric against
//! shift, estimator calibration, β trade-off) drawn with plotters as SVG or 300 dpi PNG, at
//! single-column (3.5 in) or double-column (7 in) width.
//!
//! A figure draws the same series with the same styles and colours as the app: train solid,
//! validation dashed; I(z;c) solid, I(z;y) dotted, the penalty's estimate dashed and labelled
//! "(upper bound)" for upper-bound estimators; the InfoNCE ceiling log N dashed; the OOD mean
//! with circle markers over a band of ± 1 standard deviation over seeds. Legends sit below the
//! plot so they never hide a curve; for loss and MI they factor colour (the model) from line
//! style (the quantity).
//!
//! The parts, in the order a figure passes through them: `spec` (what to draw), `build` (which
//! builder draws a kind: `builders` for the run's curves, `representation_figure`,
//! `calibration_figure`; results to the figure model of `model`), `draw` with `legend`, `dash` and `style` (the
//! model drawn with plotters), `canvas` (the PNG backend), `encode` (fonts, SVG metadata, PNG),
//! and `render` (the entry points that run them in turn). `lines` builds and renders figures of
//! mean lines with intervals that are not one of the app's plots (an experiment grid's).

mod build;
mod builders;
mod calibration_figure;
mod canvas;
mod dash;
mod draw;
mod encode;
mod legend;
mod lines;
mod marker;
mod model;
mod render;
mod representation_figure;
mod spec;
mod style;

pub use lines::{
    Line, LineFigure, LinePoint, qualitative_colour, render_line_figure, write_line_figure,
};
pub use render::{render_figure, write_figure};
pub use spec::{DPI, FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind};
