//! What the models' representations look like: z of the first test rows at every shift,
//! projected to two dimensions by a PCA fitted on the shift-0 rows of each model and applied to
//! every shift (one projection per model and report, so a model's panels at two shifts share
//! their axes), with the confounder and the outcome of each row for colouring.
//!
//! Only the first seed of each model (each kind and β) is projected: the view and the figure
//! show one seed per model, and a workspace file stores what they show. Its numbers are
//! written compactly, one string of `x,y` pairs per shift, so a stored run stays small.

use serde::{Deserialize, Serialize};

use crate::train::MemberSpec;

/// One model's projected representation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projected {
    /// `[shift][row]`: the row's coordinates on the first two principal axes.
    #[serde(with = "compact_points")]
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
    /// Per member, in member order: the first seed of each model (see [`shown_members`]);
    /// `None` for the other seeds.
    pub members: Vec<Option<Projected>>,
    /// `[shift][row]`: the confounder's class (its largest one-hot column) or value.
    #[serde(with = "compact_values")]
    pub confounder: Vec<Vec<f32>>,
    /// `[shift][row]`: the outcome.
    #[serde(with = "compact_values")]
    pub outcome: Vec<Vec<f32>>,
}

impl Representation {
    /// The index of the run's shift nearest `shift` (0 for an empty grid).
    pub fn nearest_shift(&self, shift: f64) -> usize {
        self.shifts
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - shift).abs().total_cmp(&(b.1 - shift).abs()))
            .map_or(0, |(i, _)| i)
    }
}

/// Which members are projected: the first of each kind and β (the first seed of each model).
pub fn shown_members(members: &[MemberSpec]) -> Vec<bool> {
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            !members[..i]
                .iter()
                .any(|o| o.kind == m.kind && o.beta.to_bits() == m.beta.to_bits())
        })
        .collect()
}

/// Rows split into at most four colour groups by `values`: one per value when there are at
/// most four distinct values (0/1 labels, one-hot classes, a standardised binary confounder),
/// else below and above the median. Returns each row's group and each group's name.
pub fn colour_groups(values: &[f32]) -> (Vec<usize>, Vec<String>) {
    let mut distinct: Vec<f32> = values.to_vec();
    distinct.sort_by(f32::total_cmp);
    distinct.dedup();
    if distinct.len() <= 4 {
        let small_ints = distinct
            .iter()
            .all(|x| x.fract() == 0.0 && (0.0..4.0).contains(x));
        let names = distinct
            .iter()
            .enumerate()
            .map(|(i, v)| match (small_ints, distinct.len()) {
                (true, _) => format!("= {v}"),
                (false, 2) => (if i == 0 { "low" } else { "high" }).to_owned(),
                (false, _) => format!("= {v:.2}"),
            })
            .collect();
        let group = values
            .iter()
            .map(|x| distinct.partition_point(|d| d < x))
            .collect();
        return (group, names);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    (
        values.iter().map(|&x| usize::from(x > median)).collect(),
        vec!["below the median".into(), "above the median".into()],
    )
}

/// `[shift][row]` numbers as one string per shift, `v v v ...` (Rust's shortest round-trip
/// form of each `f32`, so reading back gives the same bits).
mod compact_values {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &[Vec<f32>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|row| {
            row.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        }))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f32>>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|row| {
                row.split_ascii_whitespace()
                    .map(|x| {
                        x.parse::<f32>()
                            .map_err(|_| D::Error::custom(format!("`{x}` is not a number")))
                    })
                    .collect()
            })
            .collect()
    }
}

/// `[shift][row]` points as one string per shift, `x,y x,y ...`.
mod compact_points {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &[Vec<[f32; 2]>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|row| {
            row.iter()
                .map(|[x, y]| format!("{x},{y}"))
                .collect::<Vec<_>>()
                .join(" ")
        }))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<Vec<[f32; 2]>>, D::Error> {
        let bad = |p: &str| D::Error::custom(format!("`{p}` is not a point `x,y`"));
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|row| {
                row.split_ascii_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').ok_or_else(|| bad(p))?;
                        match (x.parse::<f32>(), y.parse::<f32>()) {
                            (Ok(x), Ok(y)) => Ok([x, y]),
                            _ => Err(bad(p)),
                        }
                    })
                    .collect()
            })
            .collect()
    }
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
    for m in &mut mean {
        *m /= rows.max(1) as f64;
    }
    let mut cov = vec![0.0; dim * dim];
    for r in 0..rows {
        for a in 0..dim {
            let va = f64::from(z[r * dim + a]) - mean[a];
            for b in 0..dim {
                cov[a * dim + b] += va * (f64::from(z[r * dim + b]) - mean[b]);
            }
        }
    }
    for c in &mut cov {
        *c /= rows.max(1) as f64;
    }
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
            for x in &mut v {
                *x = -*x;
            }
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

    #[test]
    fn a_representation_round_trips_through_its_compact_text_bit_for_bit() {
        let rep = Representation {
            step: 40,
            shifts: vec![0.0, 1.0],
            members: vec![
                Some(Projected {
                    points: vec![vec![[0.1, -2.5e-7], [3.0, f32::MIN_POSITIVE]], vec![]],
                    explained: [0.75, 0.2],
                }),
                None,
            ],
            confounder: vec![vec![0.0, 1.0], vec![-0.333_333_3, 7.0]],
            outcome: vec![vec![1.0, 0.0], vec![0.0, 0.0]],
        };
        let text = serde_json::to_string(&rep).unwrap();
        assert!(text.contains(r#""points":["0.1,-0.00000025 3,0.000000000000000000000000000000000000011754944",""]"#), "{text}");
        let back: Representation = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rep);
        let broken = text.replace("0.1,", "0.1;");
        let err = serde_json::from_str::<Representation>(&broken).unwrap_err();
        assert!(err.to_string().contains("is not a point `x,y`"), "{err}");
    }

    #[test]
    fn the_first_seed_of_each_model_is_shown_and_colour_groups_follow_the_values() {
        let m = [
            MemberSpec::baseline(1),
            MemberSpec::crl(1, 3.0),
            MemberSpec::baseline(2),
            MemberSpec::crl(2, 3.0),
            MemberSpec::crl(1, 10.0),
        ];
        assert_eq!(shown_members(&m), [true, true, false, false, true]);
        let (g, names) = colour_groups(&[1.0, 0.0, 1.0]);
        assert_eq!(
            (g, names),
            (vec![1, 0, 1], vec!["= 0".into(), "= 1".into()])
        );
        let (g, names) = colour_groups(&[-0.9, 1.1, -0.9]);
        assert_eq!(
            (g, names),
            (vec![0, 1, 0], vec!["low".into(), "high".into()])
        );
        let many: Vec<f32> = (0..9).map(|i| i as f32 * 0.5).collect();
        let (g, names) = colour_groups(&many);
        assert_eq!(g, [0, 0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(names.len(), 2);
    }
}
