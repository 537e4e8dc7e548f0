//! The colours of exported figures, the same as the app's (Okabe-Ito, colour-blind safe): one
//! colour per model everywhere.

use crate::train::ModelKind;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The baseline model: Okabe-Ito orange #E69F00.
pub const BASELINE: Rgb = Rgb(0xE6, 0x9F, 0x00);
/// The CRL model: Okabe-Ito blue #0072B2.
pub const CRL: Rgb = Rgb(0x00, 0x72, 0xB2);
/// The causal-features-only reference (the oracle): a dark grey, drawn dashed.
pub const ORACLE: Rgb = Rgb(0x5A, 0x5A, 0x5A);
/// Reference lines (true MI, the InfoNCE ceiling).
pub const TRUTH: Rgb = Rgb(0x99, 0x99, 0x99);
/// Okabe-Ito vermillion #D55E00 (the trade-off plot's I(z; c)).
pub const ERROR: Rgb = Rgb(0xD5, 0x5E, 0x00);
/// The outcome node's role colour, Okabe-Ito bluish green #009E73 (scatter points by y).
pub const OUTCOME: Rgb = Rgb(0x00, 0x9E, 0x73);
/// The confounder node's role colour, Okabe-Ito vermillion #D55E00 (scatter points by c).
pub const CONFOUNDER: Rgb = Rgb(0xD5, 0x5E, 0x00);
/// The low end of a scatter's colour scale.
pub const SCATTER_LOW: Rgb = Rgb(0x8C, 0x8C, 0x8C);

/// Legend samples that stand for a line style, not a model.
pub const INK: Rgb = Rgb(0x30, 0x30, 0x30);
/// Grid lines.
pub const GRID: Rgb = Rgb(0xE4, 0xE4, 0xE4);
/// Axes.
pub const AXIS: Rgb = Rgb(0x40, 0x40, 0x40);

/// The colour of a model.
pub fn model_colour(kind: ModelKind) -> Rgb {
    match kind {
        ModelKind::Baseline => BASELINE,
        ModelKind::Crl => CRL,
        ModelKind::Oracle => ORACLE,
    }
}

/// A sequential colour for the i-th of n beta values, light to dark blue (as the app's
/// `sweep_colour`: a linear blend of the sRGB bytes).
pub fn sweep_colour(i: usize, n: usize) -> Rgb {
    let t = if n <= 1 {
        1.0
    } else {
        i as f32 / (n - 1) as f32
    };
    let (a, b) = ((0x9E, 0xCA, 0xE1), (0x08, 0x30, 0x6B));
    let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A pinned run's colour for a model's colour `c`: halfway to white, so pinned runs read as
/// background behind the current run (the model keeps its hue).
pub fn pinned_colour(c: Rgb) -> Rgb {
    let mix = |x: u8| x + (255 - x) / 2;
    Rgb(mix(c.0), mix(c.1), mix(c.2))
}

/// The marker that tells pinned runs apart (the colour says the model).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinMarker {
    /// A filled square.
    Square,
    /// A filled diamond.
    Diamond,
    /// A filled triangle, point up.
    Triangle,
    /// A filled triangle, point down.
    TriangleDown,
}

/// The marker of the `i`-th pinned run (by pinning order, so hiding one keeps the others').
pub fn pin_marker(i: usize) -> PinMarker {
    [
        PinMarker::Square,
        PinMarker::Diamond,
        PinMarker::Triangle,
        PinMarker::TriangleDown,
    ][i % 4]
}

/// Pinned runs' step curves carry their marker on every this many reports.
pub const PIN_MARK_EVERY: usize = 6;

/// The `g`-th of `n` colour groups of a scatter: from grey (the lowest) to `high` (the highest).
pub fn scatter_shade(high: Rgb, g: usize, n: usize) -> Rgb {
    let t = if n <= 1 {
        1.0
    } else {
        g as f64 / (n - 1) as f64
    };
    let a = SCATTER_LOW;
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    Rgb(mix(a.0, high.0), mix(a.1, high.1), mix(a.2, high.2))
}
