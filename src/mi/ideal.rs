//! The ideal of each estimator (method.md §10): what it reads on d-dimensional Gaussian pairs of
//! per-dimension correlation ρ when its critic is the best one it can learn. A calibration view
//! draws it beside the truth, so a student sees whether an estimate is off because the critic is
//! badly trained (far from its ideal) or because of what the estimator measures (its ideal is far
//! from the truth).
//!
//! With X, Y standard normal in each dimension and Y = ρ X + √(1 − ρ²) ε:
//! - the truth is I = −d/2 · ln(1 − ρ²) (method.md §6);
//! - CLUB with the true conditional q(y | x) = p(y | x) reads
//!   E_p(x,y)[log p(y|x)] − E_p(x)p(y)[log p(y|x)] = I + KL(p(x)p(y) ‖ p(x,y)), which for these
//!   Gaussians is d·ρ²/(1 − ρ²). The extra term (the reverse KL, or lautum information) is what
//!   makes CLUB an upper bound, and it grows like 1/(1 − ρ²) while I grows like a logarithm: at
//!   ρ = 0.9, d = 5 the truth is 4.15 nats and the ideal CLUB reading 21.3. Near ρ = 0 the ideal
//!   is about twice the truth (d·ρ² against d·ρ²/2). A CLUB estimate far above the diagonal is
//!   therefore the estimator doing exactly what it should; one far from d·ρ²/(1 − ρ²) is not.
//! - NCE-CLUB's critic, trained with the InfoNCE loss, tends to the log density ratio
//!   log p(y|x)/p(y) up to a function of x alone, which the contrast f(x_i, y_i) − f(x_i, y_j)
//!   cancels: its ideal is CLUB's. CLUB with one sampled negative has the same expectation.
//! - InfoNCE is a lower bound that cannot exceed log N (N the batch): its ideal is
//!   min(I, log N). With a finite batch the bound is loose well before log N, even with the
//!   best critic: at ρ = 0.8, d = 5 (I = 2.55 nats) it reads about 10% below I with N = 128
//!   (log N = 4.85), 6% below with N = 256 and 3% below with N = 512.
//! - CLUB for a categorical variable has no Gaussian calibration, hence no ideal.
//!
//! CLUB with all negatives averages log q(y_j | x_i) over every j, the positive included, so on a
//! batch of N it reads (1 − 1/N) of its ideal: under 1% less at N = 128, within the noise of a
//! held-out estimate.

use super::kind::EstimatorKind;
use crate::scm::correlated_gaussian_mi;

/// CLUB's value with the true conditional on d-dimensional Gaussian pairs of per-dimension
/// correlation ρ: d·ρ²/(1 − ρ²) nats (21.32 at ρ = 0.9, d = 5, against a truth of 4.15).
///
/// ```
/// let v = crl_lab::mi::club_ideal(0.9, 5);
/// assert!((v - 21.315789).abs() < 1e-6);
/// ```
pub fn club_ideal(rho: f64, dim: usize) -> f64 {
    let r2 = rho * rho;
    dim as f64 * r2 / (1.0 - r2)
}

/// What `kind` reads with the best critic it can learn, on d-dimensional Gaussian pairs of
/// per-dimension correlation `rho` in batches of `batch` pairs; `None` for an estimator with no
/// Gaussian calibration (`club-categorical`). See the module documentation for why each holds.
///
/// ```
/// use crl_lab::mi::{EstimatorKind, ideal_estimate};
/// let nce = ideal_estimate(EstimatorKind::NceClub, 0.9, 5, 128).unwrap();
/// assert!((nce - 21.32).abs() < 0.01);
/// // InfoNCE cannot read more than log N.
/// let infonce = ideal_estimate(EstimatorKind::Infonce, 0.9, 5, 4).unwrap();
/// assert!((infonce - 4f64.ln()).abs() < 1e-12);
/// assert_eq!(ideal_estimate(EstimatorKind::ClubCategorical, 0.9, 5, 128), None);
/// ```
pub fn ideal_estimate(kind: EstimatorKind, rho: f64, dim: usize, batch: usize) -> Option<f64> {
    match kind {
        EstimatorKind::NceClub | EstimatorKind::Club | EstimatorKind::ClubSample => {
            Some(club_ideal(rho, dim))
        }
        EstimatorKind::Infonce => {
            Some(correlated_gaussian_mi(rho, dim).min((batch.max(1) as f64).ln()))
        }
        EstimatorKind::ClubCategorical => None,
    }
}

/// The ideal's formula as a label reads it: `d·ρ²/(1−ρ²)` or `min(I, log N)`; `None` where
/// [`ideal_estimate`] is.
pub fn ideal_formula(kind: EstimatorKind) -> Option<&'static str> {
    match kind {
        EstimatorKind::NceClub | EstimatorKind::Club | EstimatorKind::ClubSample => {
            Some("d·ρ²/(1−ρ²)")
        }
        EstimatorKind::Infonce => Some("min(I, log N)"),
        EstimatorKind::ClubCategorical => None,
    }
}

/// The legend label of the ideal curve, e.g. `ideal of nce-club: d·ρ²/(1−ρ²)`; `None` where
/// [`ideal_estimate`] is.
pub fn ideal_label(kind: EstimatorKind) -> Option<String> {
    ideal_formula(kind).map(|f| format!("ideal of {}: {f}", kind.name()))
}
