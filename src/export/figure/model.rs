//! The figure model: what a figure holds (panels of marks, and a legend), independent of the
//! backend that draws it.

use crate::export::palette::{self, PinMarker, Rgb};

/// A marker's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Marker {
    /// A circle: the current run's.
    Circle,
    /// A pinned run's shape.
    Pin(PinMarker),
}

/// Line pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dash {
    /// A continuous line.
    Solid,
    /// The app's `dashed_loose`.
    Dashed,
    /// The app's `dashed_dense` (reference lines).
    DenseDashed,
    /// Round dots.
    Dotted,
}

/// Something drawn on a panel, in data coordinates.
#[derive(Clone, Debug)]
pub(super) enum Mark {
    /// A polyline; non-finite points break it.
    Line {
        /// The points, in order.
        pts: Vec<(f64, f64)>,
        /// Stroke colour.
        colour: Rgb,
        /// Stroke width in points.
        width_pt: f64,
        /// Line pattern.
        dash: Dash,
    },
    /// A shaded band between `lo` and `hi`.
    Band {
        /// The x of each point.
        xs: Vec<f64>,
        /// The lower edge at each x.
        lo: Vec<f64>,
        /// The upper edge at each x.
        hi: Vec<f64>,
        /// Fill colour (drawn translucent).
        colour: Rgb,
    },
    /// Circle markers.
    Points {
        /// The centres.
        pts: Vec<(f64, f64)>,
        /// Fill colour.
        colour: Rgb,
        /// Radius in points.
        radius_pt: f64,
        /// The shape.
        shape: Marker,
    },
    /// A horizontal line across the plot.
    HLine {
        /// Where it crosses the y axis.
        y: f64,
        /// Stroke colour.
        colour: Rgb,
        /// Line pattern.
        dash: Dash,
    },
    /// The line y = x across the plot.
    Diagonal {
        /// Stroke colour.
        colour: Rgb,
        /// Stroke width in points.
        width_pt: f64,
    },
}

/// One entry of the legend: a sample (band, line, marker, in that order) and its label.
#[derive(Clone, Debug)]
pub(super) struct LegendEntry {
    /// The text beside the sample.
    pub(super) label: String,
    /// The sample's colour.
    pub(super) colour: Rgb,
    /// The sample line's pattern.
    pub(super) dash: Dash,
    /// The sample line's width in points; 0 draws no line.
    pub(super) width_pt: f64,
    /// Whether a marker sits on the sample.
    pub(super) marker: bool,
    /// Its shape.
    pub(super) shape: Marker,
    /// Whether a shaded band sits behind the sample.
    pub(super) band: bool,
}

impl LegendEntry {
    /// A line sample.
    pub(super) fn line(label: impl Into<String>, colour: Rgb, dash: Dash, width_pt: f64) -> Self {
        LegendEntry {
            label: label.into(),
            colour,
            dash,
            width_pt,
            marker: false,
            shape: Marker::Circle,
            band: false,
        }
    }

    /// A solid line with a circle marker, over a band if `band`: the sample of a line drawn
    /// with markers.
    pub(super) fn marked(label: String, colour: Rgb, band: bool) -> Self {
        LegendEntry {
            label,
            colour,
            dash: Dash::Solid,
            width_pt: 1.3,
            marker: true,
            shape: Marker::Circle,
            band,
        }
    }

    /// A band's sample alone (no line): the legend entry of a shaded interval in grey.
    pub(super) fn band(label: String) -> Self {
        LegendEntry {
            label,
            colour: palette::TRUTH,
            dash: Dash::Solid,
            width_pt: 0.0,
            marker: false,
            shape: Marker::Circle,
            band: true,
        }
    }

    /// A pinned run's sample: a thin line of `dash` with its marker.
    pub(super) fn pinned(label: String, colour: Rgb, dash: Dash, shape: PinMarker) -> Self {
        LegendEntry {
            label,
            colour,
            dash,
            width_pt: 0.9,
            marker: true,
            shape: Marker::Pin(shape),
            band: false,
        }
    }
}

/// One plot of a figure: its axis labels and marks.
#[derive(Clone, Debug)]
pub(super) struct Panel {
    /// A title above the plot, if any.
    pub(super) title: Option<String>,
    /// The x axis's description.
    pub(super) x_label: String,
    /// The y axis's description.
    pub(super) y_label: String,
    /// What is drawn, in order within each layer (bands, lines, markers).
    pub(super) marks: Vec<Mark>,
    /// Extra x values the range must include.
    pub(super) include_x: Vec<f64>,
    /// Extra y values the range must include.
    pub(super) include_y: Vec<f64>,
    /// Equal units on both axes, starting at 0 (the calibration plot).
    pub(super) equal_aspect: bool,
}

impl Panel {
    /// An empty panel with these axis labels.
    pub(super) fn new(x_label: &str, y_label: &str) -> Self {
        Panel {
            title: None,
            x_label: x_label.into(),
            y_label: y_label.into(),
            marks: Vec::new(),
            include_x: Vec::new(),
            include_y: Vec::new(),
            equal_aspect: false,
        }
    }
}

/// A whole figure: panels side by side (or in a grid) over one legend.
#[derive(Clone, Debug)]
pub(super) struct Figure {
    /// The panels, left to right, then top to bottom.
    pub(super) panels: Vec<Panel>,
    /// Panels per row (0: all in one row).
    pub(super) columns: usize,
    /// The legend below them.
    pub(super) legend: Vec<LegendEntry>,
}

impl Figure {
    /// A figure of one panel.
    pub(super) fn single(panel: Panel, legend: Vec<LegendEntry>) -> Self {
        Figure {
            panels: vec![panel],
            columns: 0,
            legend,
        }
    }
}
