//! From a scenario to model inputs: which columns are features, confounders and the outcome,
//! how they are standardised, and the host tables ready to upload.

use crate::data::{Dataset, HostTable, Sampler};
use crate::error::{Error, Result};
use crate::scm::{Mechanism, Role, Scenario, derive_seed};

/// Rows of the reference sample the standardisation is computed on.
pub const REFERENCE_ROWS: usize = 20_000;

/// Per-column affine standardisation `(x − mean) / sd`.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// Column means.
    pub mean: Vec<f32>,
    /// Column standard deviations (1 where a column is constant).
    pub sd: Vec<f32>,
}

impl Standardizer {
    fn fit(data: &Dataset, cols: &[String]) -> Result<Self> {
        let mut mean = Vec::with_capacity(cols.len());
        let mut sd = Vec::with_capacity(cols.len());
        for name in cols {
            let v = &data.column(name)?.values;
            let n = v.len().max(1) as f64;
            let m = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
            let var = v.iter().map(|&x| (f64::from(x) - m).powi(2)).sum::<f64>() / n;
            mean.push(m as f32);
            sd.push(if var > 1e-12 { var.sqrt() as f32 } else { 1.0 });
        }
        Ok(Standardizer { mean, sd })
    }

    fn identity(k: usize) -> Self {
        Standardizer {
            mean: vec![0.0; k],
            sd: vec![1.0; k],
        }
    }

    /// Standardises a row-major matrix in place.
    pub fn apply(&self, m: &mut [f32]) {
        let k = self.mean.len();
        for (i, v) in m.iter_mut().enumerate() {
            *v = (*v - self.mean[i % k]) / self.sd[i % k];
        }
    }
}

/// What the models learn from a scenario.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The scenario.
    pub scenario: Scenario,
    /// Feature column names, model input order.
    pub features: Vec<String>,
    /// Confounder column names.
    pub confounders: Vec<String>,
    /// The outcome column.
    pub outcome: String,
    /// Binary outcome (classification) or continuous (regression).
    pub binary: bool,
    /// Number of classes of the confounder when it is one discrete node.
    pub confounder_classes: Option<usize>,
    /// Features that are not causal ancestors of the outcome (diagnostics only).
    pub spurious_features: Vec<String>,
    x_norm: Standardizer,
    c_norm: Standardizer,
    y_norm: Standardizer,
}

impl Problem {
    /// Reads roles from `scenario` and fits the standardisation on a reference sample drawn at
    /// shift 0 from `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Self> {
        scenario.validate()?;
        let outcome_id = scenario.outcome()?;
        let outcome_node = scenario.node(outcome_id);
        let binary = scenario.outcome_kind()?.is_binary();
        let reference =
            Sampler::new(scenario, 0.0)?.sample(REFERENCE_ROWS, derive_seed(seed, "reference"))?;
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<String>>();
        let features = owned(reference.columns_with_role(Role::Feature));
        let confounders = owned(reference.columns_with_role(Role::Confounder));
        if features.is_empty() {
            return Err(Error::invalid(
                "the scenario has no feature node: the models need inputs",
            ));
        }
        if confounders.is_empty() {
            return Err(Error::invalid(
                "the scenario has no confounder node: the penalty needs one to remove",
            ));
        }
        let confounder_classes = confounder_classes(scenario);
        let causal = scenario.causal_features()?;
        let spurious_features = features
            .iter()
            .filter(|col| {
                let node = reference
                    .column(col)
                    .map(|c| c.node.clone())
                    .unwrap_or_default();
                !causal.iter().any(|id| scenario.node(*id).name == node)
            })
            .cloned()
            .collect();
        let outcome = format!("{}.0", outcome_node.name);
        let x_norm = Standardizer::fit(&reference, &features)?;
        let c_norm = Standardizer::fit(&reference, &confounders)?;
        let y_norm = if binary {
            Standardizer::identity(1)
        } else {
            Standardizer::fit(&reference, std::slice::from_ref(&outcome))?
        };
        Ok(Problem {
            scenario: scenario.clone(),
            features,
            confounders,
            outcome,
            binary,
            confounder_classes,
            spurious_features,
            x_norm,
            c_norm,
            y_norm,
        })
    }

    /// The widths of a scenario's model inputs without sampling it: the feature columns and the
    /// confounder's (its classes when `one_hot` and it is one discrete node).
    pub fn input_widths(scenario: &Scenario, one_hot: bool) -> (usize, usize) {
        let dims = |role: Role| -> usize {
            scenario
                .nodes_with_role(role)
                .iter()
                .map(|&id| scenario.node(id).dim)
                .sum()
        };
        let confounder = match (one_hot, confounder_classes(scenario)) {
            (true, Some(k)) => k,
            _ => dims(Role::Confounder),
        };
        (dims(Role::Feature), confounder)
    }

    /// Width of the confounder input: classes when one-hot, else columns.
    pub fn confounder_width(&self, one_hot: bool) -> usize {
        match (one_hot, self.confounder_classes) {
            (true, Some(k)) => k,
            _ => self.confounders.len(),
        }
    }

    /// Model inputs of `data`; `one_hot` encodes a discrete confounder as one-hot classes.
    pub fn table(&self, data: &Dataset, one_hot: bool) -> Result<HostTable> {
        let mut x = data.matrix(&names_of(&self.features))?;
        self.x_norm.apply(&mut x);
        let mut y = data.matrix(&[self.outcome.as_str()])?;
        self.y_norm.apply(&mut y);
        let c = match (one_hot, self.confounder_classes) {
            (true, Some(k)) => {
                let raw = data.matrix(&names_of(&self.confounders))?;
                let mut out = vec![0.0f32; raw.len() * k];
                for (r, &v) in raw.iter().enumerate() {
                    let class = (v.round().max(0.0) as usize).min(k - 1);
                    out[r * k + class] = 1.0;
                }
                out
            }
            (true, None) => {
                return Err(Error::invalid(
                    "club-categorical needs one discrete confounder node (categorical, logistic or threshold)",
                ));
            }
            (false, _) => {
                let mut c = data.matrix(&names_of(&self.confounders))?;
                self.c_norm.apply(&mut c);
                c
            }
        };
        Ok(HostTable {
            n: data.n_rows,
            x,
            y,
            c,
        })
    }

    /// Maps a standardised prediction of a continuous outcome back to its units.
    pub fn unstandardize_y(&self, v: f32) -> f32 {
        v * self.y_norm.sd[0] + self.y_norm.mean[0]
    }

    /// One entry per input: 1 for a causal feature (an ancestor of the outcome), 0 for a
    /// spurious one. The oracle's input mask; never used to train the CRL model.
    pub fn causal_mask(&self) -> Vec<f32> {
        self.features
            .iter()
            .map(|f| {
                if self.spurious_features.contains(f) {
                    0.0
                } else {
                    1.0
                }
            })
            .collect()
    }

    /// Index of a feature column among the inputs.
    pub fn feature_index(&self, name: &str) -> Option<usize> {
        self.features.iter().position(|f| f == name)
    }
}

/// The number of classes of the confounder when it is one discrete node.
fn confounder_classes(scenario: &Scenario) -> Option<usize> {
    match scenario.nodes_with_role(Role::Confounder).as_slice() {
        [one] => match scenario.node(*one).mechanism {
            Mechanism::Categorical { classes } => Some(classes),
            Mechanism::Logistic | Mechanism::Threshold { .. } if scenario.node(*one).dim == 1 => {
                Some(2)
            }
            _ => None,
        },
        _ => None,
    }
}

fn names_of(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
