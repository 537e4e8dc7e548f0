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
