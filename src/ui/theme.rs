//! Colours. One colour per model and one per node role, everywhere (Okabe-Ito, colour-blind
//! safe), so a reader never has to re-learn a legend between plots. The models' colours are the
//! exported figures' ([`palette`]), so the screen and the paper agree.

use egui::Color32;

use crate::export::palette::{self, Rgb};
use crate::scm::Role;
use crate::train::ModelKind;

/// A figure colour as egui draws it.
const fn rgb(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// The baseline model: Okabe-Ito orange.
pub const BASELINE: Color32 = rgb(palette::BASELINE);
/// The CRL model: Okabe-Ito blue.
pub const CRL: Color32 = rgb(palette::CRL);
/// Reference lines (true MI, the InfoNCE ceiling).
pub const TRUTH: Color32 = rgb(palette::TRUTH);
/// Errors shown in panels and the status bar.
pub const ERROR: Color32 = rgb(palette::ERROR);
/// Warnings.
pub const WARNING: Color32 = rgb(palette::BASELINE);

/// The colour of a model.
pub fn model_colour(kind: ModelKind) -> Color32 {
    rgb(palette::model_colour(kind))
}

/// The colour of a node role, the same in the graph and in the data view's column picker.
pub fn role_colour(role: Role) -> Color32 {
    match role {
        Role::Feature => Color32::from_rgb(0x56, 0xB4, 0xE9),
        Role::Confounder => Color32::from_rgb(0xD5, 0x5E, 0x00),
        Role::Outcome => Color32::from_rgb(0x00, 0x9E, 0x73),
        Role::Latent => Color32::from_rgb(0x99, 0x99, 0x99),
        Role::Exposure => Color32::from_rgb(0xCC, 0x79, 0xA7),
    }
}

/// The `g`-th of `n` colour groups of the representation view's scatter: grey to the role
/// colour of what it colours by (the outcome's green, the confounder's vermillion), as the
/// exported figure.
pub fn scatter_shade(high: Rgb, g: usize, n: usize) -> Color32 {
    rgb(palette::scatter_shade(high, g, n))
}

/// A pinned run's colour for a model's `c`: halfway to white, as the exported figures.
pub fn pinned_colour(c: Color32) -> Color32 {
    rgb(palette::pinned_colour(Rgb(c.r(), c.g(), c.b())))
}

/// The marker of the `i`-th pinned run (the figures' shapes).
pub fn pin_shape(i: usize) -> egui_plot::MarkerShape {
    match palette::pin_marker(i) {
        palette::PinMarker::Square => egui_plot::MarkerShape::Square,
        palette::PinMarker::Diamond => egui_plot::MarkerShape::Diamond,
        palette::PinMarker::Triangle => egui_plot::MarkerShape::Up,
        palette::PinMarker::TriangleDown => egui_plot::MarkerShape::Down,
    }
}

/// Scatter points by outcome: class 0 grey, class 1 the outcome's green; a continuous outcome
/// blends between them by its quantile.
pub fn outcome_colour(t: f32) -> Color32 {
    let a = Color32::from_rgb(0x8C, 0x8C, 0x8C);
    let b = role_colour(Role::Outcome);
    a.lerp_to_gamma(b, t.clamp(0.0, 1.0))
}

/// A sequential colour for the i-th of n beta values (light to dark blue), as in the figures.
pub fn sweep_colour(i: usize, n: usize) -> Color32 {
    rgb(palette::sweep_colour(i, n))
}

/// Text colour that reads on a filled node of colour `fill`.
pub fn text_on(fill: Color32) -> Color32 {
    let l = 0.299 * f32::from(fill.r()) + 0.587 * f32::from(fill.g()) + 0.114 * f32::from(fill.b());
    if l > 140.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}
