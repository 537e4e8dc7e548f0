//! Print units and styles of the drawing: points to pixels at the figure's resolution, the
//! text sizes, and plotters colours, fonts and strokes made from the palette.

use plotters::prelude::*;

use super::spec::DPI;
use crate::error::Error;
use crate::export::palette::Rgb;

/// Pixels per typographic point at [`DPI`].
const PX_PER_PT: f64 = DPI as f64 / 72.0;

/// Tick labels, in points.
pub(super) const TICK_PT: f64 = 8.0;
/// Axis descriptions, in points.
pub(super) const LABEL_PT: f64 = 9.0;
/// Legend labels, in points.
pub(super) const LEGEND_PT: f64 = 8.0;

/// Pixels for `pt` points.
pub(super) fn px(pt: f64) -> f64 {
    pt * PX_PER_PT
}

/// Font size in plotters' units (the font's line height in pixels) for `pt` points.
fn font_px(pt: f64) -> f64 {
    px(pt) * 1.17
}

/// The plotters colour of a palette colour.
pub(super) fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Black sans-serif text of `pt` points.
pub(super) fn text_style(pt: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", font_px(pt)).into_font()).color(&BLACK)
}

/// A stroke of `colour`, `width_pt` wide (at least one pixel).
pub(super) fn shape(colour: Rgb, width_pt: f64) -> ShapeStyle {
    ShapeStyle {
        color: rgb(colour).to_rgba(),
        filled: false,
        stroke_width: px(width_pt).round().max(1.0) as u32,
    }
}

/// The translucent fill of a ± 1 sd band (on the plot and in the legend).
pub(super) fn band_fill(colour: Rgb) -> ShapeStyle {
    rgb(colour).mix(0.25).filled()
}

/// A plotters drawing error as this crate's error.
pub(super) fn draw_error<E: std::fmt::Debug>(e: E) -> Error {
    Error::invalid(format!("cannot draw the figure: {e:?}"))
}
