//! Analytic truth for linear-Gaussian scenarios (method.md §6): the implied mean and covariance,
//! and exact mutual information between sets of nodes.

use std::collections::BTreeMap;

use nalgebra::{DMatrix, DVector};

use super::node::{Mechanism, Noise, Role};
use super::param::check_shift;
use super::scenario::Scenario;
use crate::error::{Error, Result};

/// The joint Gaussian that a linear-Gaussian scenario implies at one shift.
#[derive(Clone, Debug)]
pub struct GaussianTruth {
    /// (offset, dim) of each node's block in the stacked vector, by node name.
    blocks: BTreeMap<String, (usize, usize)>,
    mean: DVector<f64>,
    cov: DMatrix<f64>,
}

impl GaussianTruth {
    /// Builds the joint distribution at shift `shift`. Fails, naming the node, when a node is not
    /// linear with Gaussian (or no) noise, when rows are selected by an exposure node, or when
    /// interventions mix two environments (0 < shift < 1).
    pub fn new(scenario: &Scenario, shift: f64) -> Result<Self> {
        check_shift(shift)?;
        scenario.validate()?;
        let mut sc = scenario.clone();
        if !sc.interventions.is_empty() {
            if shift == 0.0 {
                sc.interventions.clear();
            } else if shift == 1.0 {
                for iv in std::mem::take(&mut sc.interventions) {
                    sc = sc.intervene(&iv)?;
                }
            } else {
                return Err(Error::NotLinearGaussian(format!(
                    "at shift {shift} the rows are a mixture of two environments (interventions), \
                     which is not Gaussian; use shift 0 or 1"
                )));
            }
        }
        for n in &sc.nodes {
            if n.role == Role::Exposure {
                return Err(Error::NotLinearGaussian(format!(
                    "node `{}` selects which rows are logged, which breaks Gaussianity",
                    n.name
                )));
            }
            if n.mechanism != Mechanism::Linear {
                return Err(Error::NotLinearGaussian(format!(
                    "node `{}` has a {} mechanism",
                    n.name,
                    n.mechanism.name()
                )));
            }
            if !matches!(n.noise, Noise::None | Noise::Gaussian { .. }) {
                return Err(Error::NotLinearGaussian(format!(
                    "node `{}` has {} noise",
                    n.name,
                    n.noise.name()
                )));
            }
        }
        let mut blocks = BTreeMap::new();
        let mut total = 0;
        for n in &sc.nodes {
            blocks.insert(n.name.clone(), (total, n.dim));
            total += n.dim;
        }
        // X = B X + b + e  =>  X = A (b + e),  A = (I - B)^-1,  Cov = A D A^T.
        let mut b_mat = DMatrix::<f64>::zeros(total, total);
        let mut bias = DVector::<f64>::zeros(total);
        let mut noise_var = DVector::<f64>::zeros(total);
        for n in &sc.nodes {
            let (off, dim) = blocks[&n.name];
            for (i, b) in n.bias.iter().enumerate() {
                bias[off + i] = b.at(shift);
            }
            if let Noise::Gaussian { sd } = n.noise {
                for i in 0..dim {
                    noise_var[off + i] = sd.at(shift).powi(2);
                }
            }
            for e in &n.parents {
                let (poff, _) = blocks[&e.from];
                for (i, row) in e.weights.iter().enumerate() {
                    for (j, w) in row.iter().enumerate() {
                        b_mat[(off + i, poff + j)] = w.at(shift);
                    }
                }
            }
        }
        let a = (DMatrix::<f64>::identity(total, total) - b_mat)
            .try_inverse()
            .ok_or_else(|| Error::NotLinearGaussian("the structural matrix is singular".into()))?;
        let mean = &a * bias;
        let cov = &a * DMatrix::from_diagonal(&noise_var) * a.transpose();
        Ok(GaussianTruth { blocks, mean, cov })
    }

    /// Stacked indices of the named nodes, in the order given.
    fn indices(&self, nodes: &[&str]) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        for name in nodes {
            let (off, dim) = self
                .blocks
                .get(*name)
                .ok_or_else(|| Error::UnknownNode((*name).to_owned()))?;
            out.extend(*off..off + dim);
        }
        Ok(out)
    }

    /// Mean vector of the named nodes (stacked in the order given).
    pub fn mean(&self, nodes: &[&str]) -> Result<Vec<f64>> {
        Ok(self
            .indices(nodes)?
            .into_iter()
            .map(|i| self.mean[i])
            .collect())
    }

    /// Covariance matrix of the named nodes (stacked in the order given).
    pub fn covariance(&self, nodes: &[&str]) -> Result<DMatrix<f64>> {
        let idx = self.indices(nodes)?;
        Ok(DMatrix::from_fn(idx.len(), idx.len(), |r, c| {
            self.cov[(idx[r], idx[c])]
        }))
    }

    /// Exact I(A; B) in nats: ½ log(det S_AA · det S_BB / det S_(A,B)).
    pub fn mutual_information(&self, a: &[&str], b: &[&str]) -> Result<f64> {
        if a.is_empty() || b.is_empty() {
            return Err(Error::invalid("both node sets must name at least one node"));
        }
        if let Some(both) = a.iter().find(|n| b.contains(n)) {
            return Err(Error::invalid(format!(
                "node `{both}` is in both sets; I(A; B) needs disjoint sets"
            )));
        }
        let joint: Vec<&str> = a.iter().chain(b).copied().collect();
        let ld_a = log_det(&self.covariance(a)?, a)?;
        let ld_b = log_det(&self.covariance(b)?, b)?;
        let ld_ab = log_det(&self.covariance(&joint)?, &joint)?;
        Ok((0.5 * (ld_a + ld_b - ld_ab)).max(0.0))
    }
}

/// log det of a covariance matrix by Cholesky; fails when it is singular.
fn log_det(m: &DMatrix<f64>, nodes: &[&str]) -> Result<f64> {
    let chol = m.clone().cholesky().ok_or_else(|| {
        Error::invalid(format!(
            "the covariance of {} is singular (a deterministic relation, e.g. a node without \
             noise): the mutual information is infinite",
            nodes.join(", ")
        ))
    })?;
    let l = chol.l();
    let ld: f64 = (0..l.nrows()).map(|i| l[(i, i)].ln()).sum::<f64>() * 2.0;
    if ld.is_finite() {
        Ok(ld)
    } else {
        Err(Error::invalid(format!(
            "the covariance of {} is singular",
            nodes.join(", ")
        )))
    }
}

/// I(X; Y) for d-dimensional Gaussians with per-dimension correlation `rho`: −d/2 log(1 − ρ²).
pub fn correlated_gaussian_mi(rho: f64, dim: usize) -> f64 {
    -(dim as f64) / 2.0 * (1.0 - rho * rho).ln()
}

/// The per-dimension correlation ρ ≥ 0 at which d-dimensional Gaussians share `mi` nats: the
/// inverse of [`correlated_gaussian_mi`], ρ = √(1 − exp(−2 I / d)). NaN for a negative or
/// non-finite `mi` or `dim` 0.
pub fn correlation_for_mi(mi: f64, dim: usize) -> f64 {
    if !(mi.is_finite() && mi >= 0.0) || dim == 0 {
        return f64::NAN;
    }
    (1.0 - (-2.0 * mi / dim as f64).exp()).sqrt()
}
