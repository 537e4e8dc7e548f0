//! What the models' representations look like: z of the first test rows at every shift,
//! projected to two dimensions by a PCA fitted on the shift-0 rows of each model and applied to
//! every shift (one projection per model and report, so a model's panels at two shifts share
//! their axes), with the confounder and the outcome of each row for colouring.

use serde::{Deserialize, Serialize};

/// One model's projected representation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projected {
    /// `[shift][row]`: the row's coordinates on the first two principal axes.
    pub points: Vec<Vec<[f32; 2]>>,
    /// Share of z's variance (at shift 0) each axis explains.
    pub explained: [f64; 2],
}

/// Every member's projected representation at one report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Representation {
    /// The model step it reflects.
    pub step: usize,
    /// The run's shifts.
    pub shifts: Vec<f64>,
    /// Per member, in member order.
    pub members: Vec<Projected>,
    /// `[shift][row]`: the confounder's class (its largest one-hot column) or value.
    pub confounder: Vec<Vec<f32>>,
    /// `[shift][row]`: the outcome.
    pub outcome: Vec<Vec<f32>>,
}

/// The top two principal axes of `rows` points of width `dim` (row-major `z`), by power
/// iteration on the covariance with deflation; each axis is signed so that its largest entry
/// is positive (so reports do not flip it). Returns the mean, the axes and the share of the
/// variance each explains.
pub fn principal_axes(z: &[f32], rows: usize, dim: usize) -> (Vec<f64>, [Vec<f64>; 2], [f64; 2]) {
    let mut mean = vec![0.0; dim];
    for r in 0..rows {
        for d in 0..dim {
            mean[d] += f64::from(z[r * dim + d]);
        }
    }
    mean.iter_mut().for_each(|m| *m /= rows.max(1) as f64);
    let mut cov = vec![0.0; dim * dim];
    for r in 0..rows {
        for a in 0..dim {
            let va = f64::from(z[r * dim + a]) - mean[a];
            for b in 0..dim {
                cov[a * dim + b] += va * (f64::from(z[r * dim + b]) - mean[b]);
            }
        }
    }
    cov.iter_mut().for_each(|c| *c /= rows.max(1) as f64);
    let total: f64 = (0..dim).map(|d| cov[d * dim + d]).sum();
    let mut axes: [Vec<f64>; 2] = [vec![0.0; dim], vec![0.0; dim]];
    let mut explained = [0.0; 2];
    for k in 0..2.min(dim) {
        // Start from a fixed vector that is not orthogonal to most axes.
        let mut v: Vec<f64> = (0..dim).map(|d| 1.0 + d as f64 * 0.37).collect();
        let mut lambda = 0.0;
        for _ in 0..200 {
            let mut w = vec![0.0; dim];
            for a in 0..dim {
                w[a] = (0..dim).map(|b| cov[a * dim + b] * v[b]).sum();
            }
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm < 1e-12 {
                break;
            }
            lambda = norm;
            v = w.into_iter().map(|x| x / norm).collect();
        }
        let big = v
            .iter()
            .copied()
            .fold(0.0_f64, |m, x| if x.abs() > m.abs() { x } else { m });
        if big < 0.0 {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        // Deflate: remove this axis from the covariance.
        for a in 0..dim {
            for b in 0..dim {
                cov[a * dim + b] -= lambda * v[a] * v[b];
            }
        }
        explained[k] = if total > 0.0 { lambda / total } else { 0.0 };
        axes[k] = v;
    }
    (mean, axes, explained)
}

/// `rows` points of `z` on the axes.
pub fn project(
    z: &[f32],
    rows: usize,
    dim: usize,
    mean: &[f64],
    axes: &[Vec<f64>; 2],
) -> Vec<[f32; 2]> {
    (0..rows)
        .map(|r| {
            let p = |axis: &[f64]| {
                (0..dim)
                    .map(|d| (f64::from(z[r * dim + d]) - mean[d]) * axis[d])
                    .sum::<f64>() as f32
            };
            [p(&axes[0]), p(&axes[1])]
        })
        .collect()
}

/// A member's projection: the axes of its shift-0 rows applied to every shift's rows.
/// `z[shift]` holds `rows × dim` values.
pub fn project_member(z: &[&[f32]], rows: usize, dim: usize) -> Projected {
    let (mean, axes, explained) = principal_axes(z[0], rows, dim);
    Projected {
        points: z
            .iter()
            .map(|s| project(s, rows, dim, &mean, &axes))
            .collect(),
        explained,
    }
}

/// The value to colour a row by from its confounder columns: the index of the largest column
/// when there are several (one-hot classes), the value itself when there is one.
pub fn confounder_value(c: &[f32]) -> f32 {
    if c.len() == 1 {
        return c[0];
    }
    c.iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
            if v > bv { (i, v) } else { (bi, bv) }
        })
        .0 as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axes_of_a_known_ellipse_are_found() {
        // Points spread 3 along (1, 1)/√2 and 1 along (1, −1)/√2, exactly symmetric.
        let s = std::f64::consts::FRAC_1_SQRT_2;
        let mut z = Vec::new();
        for (a, b) in [(3.0, 0.0), (-3.0, 0.0), (0.0, 1.0), (0.0, -1.0)] {
            z.push(((a + b) * s) as f32);
            z.push(((a - b) * s) as f32);
        }
        let (mean, axes, explained) = principal_axes(&z, 4, 2);
        assert!(mean.iter().all(|m| m.abs() < 1e-9));
        assert!(
            (axes[0][0] - s).abs() < 1e-6 && (axes[0][1] - s).abs() < 1e-6,
            "{axes:?}"
        );
        assert!((axes[1][0].abs() - s).abs() < 1e-6 && (axes[1][0] + axes[1][1]).abs() < 1e-6);
        // Variances 4.5 and 0.5 of 5.
        assert!(
            (explained[0] - 0.9).abs() < 1e-6 && (explained[1] - 0.1).abs() < 1e-6,
            "{explained:?}"
        );
        let p = project(&z, 4, 2, &mean, &axes);
        assert!(
            (p[0][0] - 3.0).abs() < 1e-5 && p[0][1].abs() < 1e-5,
            "{p:?}"
        );
        assert_eq!(confounder_value(&[0.0, 0.0, 1.0]), 2.0);
        assert_eq!(confounder_value(&[-0.7]), -0.7);
    }
}
