//! Drawing rows: deterministic, column-wise sampling of a scenario at a given shift.
//!
//! Every node draws from its own random stream, seeded from `(seed, chunk, node name)`, so the
//! same inputs give the same bytes on any machine, and adding an unrelated node does not change
//! the draws of the others. Values are computed a whole column at a time (no per-row
//! allocation); memory is proportional to the rows drawn.

use rand::Rng;

use super::column::{CNoise, Compiled, Mech, NonFinite, compute, stream};
use crate::data::{Column, Dataset};
use crate::error::{Error, Result};
use crate::limits::{MAX_ROWS, MemoryBudget, product, thousands};
use crate::scm::{Intervention, Mechanism, Node, Noise, Role, Scenario, check_shift};

/// A scenario compiled at one shift value, ready to draw rows.
#[derive(Clone, Debug)]
pub struct Sampler {
    names: Vec<String>,
    roles: Vec<Role>,
    order: Vec<usize>,
    nodes: Vec<Compiled>,
    /// The node as the test environment's interventions make it, where one applies.
    alt: Vec<Option<Compiled>>,
    exposure: Vec<usize>,
    /// Probability that a row comes from the intervened (test) environment.
    mix_prob: f64,
    shift: f64,
    /// What one call of [`Sampler::sample`] may hold at once.
    budget: MemoryBudget,
}

impl Sampler {
    /// Validates `scenario` and resolves every parameter at shift `shift` in `[0, 1]`.
    pub fn new(scenario: &Scenario, shift: f64) -> Result<Self> {
        check_shift(shift)?;
        scenario.validate()?;
        let index = |name: &str| scenario.id(name).map(|id| id.0);
        let compile = |n: &Node| -> Result<Compiled> {
            let rows = n.mechanism.pre_rows(n.dim);
            let mut bias: Vec<f64> = n.bias.iter().map(|b| b.at(shift)).collect();
            bias.resize(rows, 0.0);
            let mut parents = Vec::with_capacity(n.parents.len());
            for e in &n.parents {
                let p = index(&e.from)?;
                let pdim = scenario.nodes[p].dim;
                let w = e.weights.iter().flatten().map(|w| w.at(shift)).collect();
                parents.push((p, pdim, w));
            }
            let mech = match n.mechanism {
                Mechanism::Linear => Mech::Linear,
                Mechanism::Nonlinear { activation } => Mech::Nonlinear(activation),
                Mechanism::Logistic => Mech::Logistic,
                Mechanism::Threshold { threshold } => Mech::Threshold(threshold.at(shift)),
                Mechanism::Categorical { classes } => Mech::Categorical(classes),
            };
            let noise = match n.noise {
                Noise::None => CNoise::None,
                Noise::Gaussian { sd } => CNoise::Gaussian(sd.at(shift)),
                Noise::Uniform { half_width } => CNoise::Uniform(half_width.at(shift)),
                Noise::Laplace { scale } => CNoise::Laplace(scale.at(shift)),
                Noise::LabelFlip { prob } => CNoise::Flip(prob.at(shift)),
            };
            Ok(Compiled {
                dim: n.dim,
                rows,
                bias,
                parents,
                mech,
                noise,
            })
        };
        let nodes = scenario
            .nodes
            .iter()
            .map(compile)
            .collect::<Result<Vec<_>>>()?;
        let mut alt: Vec<Option<Compiled>> = vec![None; nodes.len()];
        // One order that serves both environments: order the union of both edge sets.
        let mut union = scenario.clone();
        for iv in &scenario.interventions {
            let id = index(iv.node())?;
            let replaced = iv.apply_to(&scenario.nodes[id]);
            alt[id] = Some(compile(&replaced)?);
            if let Intervention::Soft { parents, .. } = iv {
                union.nodes[id].parents.extend(parents.iter().cloned());
            }
        }
        union.interventions.clear();
        let order = union.topological_order().map_err(|e| {
            Error::invalid(format!(
                "the interventions conflict with the graph's order: {e}"
            ))
        })?;
        Ok(Sampler {
            names: scenario.nodes.iter().map(|n| n.name.clone()).collect(),
            roles: scenario.nodes.iter().map(|n| n.role).collect(),
            order: order.into_iter().map(|id| id.0).collect(),
            exposure: scenario
                .nodes_with_role(Role::Exposure)
                .into_iter()
                .map(|id| id.0)
                .collect(),
            mix_prob: if scenario.interventions.is_empty() {
                0.0
            } else {
                shift
            },
            nodes,
            alt,
            shift,
            budget: MemoryBudget::process(),
        })
    }

    /// The same sampler with another memory budget (the process's by default).
    #[must_use]
    pub fn with_budget(mut self, budget: MemoryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Columns of a sampled dataset (one per node dimension).
    pub fn n_columns(&self) -> usize {
        self.nodes.iter().map(|n| n.dim).sum()
    }

    /// An estimate of the bytes drawing `chunk_rows` rows to keep `n_rows` holds at once: the
    /// dataset's columns (f32), every node's values in the chunk (f64), and what a mechanism
    /// holds beyond its values (a categorical node's logits, an intervened node's other column).
    pub fn bytes_for(&self, n_rows: usize, chunk_rows: usize) -> u64 {
        let cols = self.n_columns();
        let logits = self
            .nodes
            .iter()
            .chain(self.alt.iter().flatten())
            .map(|n| n.rows.saturating_sub(n.dim))
            .max()
            .unwrap_or(0);
        let intervened = self.alt.iter().flatten().map(|n| n.dim).max().unwrap_or(0);
        product(&[n_rows, cols, 4])
            .saturating_add(product(&[chunk_rows, cols, 8]))
            .saturating_add(product(&[chunk_rows, logits + intervened, 8]))
    }

    /// Refuses a request for `n_rows` rows that would pass the budget from the start (before
    /// anything is drawn; an exposure node that logs few rows is checked again as it draws).
    pub fn check_rows(&self, n_rows: usize) -> Result<()> {
        self.check_budget(n_rows, n_rows)
    }

    /// Refuses drawing `chunk_rows` rows towards `n_rows` when it would pass the budget.
    fn check_budget(&self, n_rows: usize, chunk_rows: usize) -> Result<()> {
        self.budget.check(
            format_args!(
                "sampling {} rows × {} columns{}",
                thousands(n_rows),
                thousands(self.n_columns()),
                if chunk_rows > n_rows {
                    format!(
                        " (drawing {} rows to log them through the exposure node)",
                        thousands(chunk_rows)
                    )
                } else {
                    String::new()
                }
            ),
            self.bytes_for(n_rows, chunk_rows),
        )
    }

    /// Draws `n_rows` logged rows (rows that every exposure node lets through).
    pub fn sample(&self, n_rows: usize, seed: u64) -> Result<Dataset> {
        if n_rows == 0 {
            return Err(Error::invalid("the number of rows must be at least 1"));
        }
        if n_rows > MAX_ROWS {
            return Err(Error::invalid(format!(
                "{n_rows} rows is more than the limit of {MAX_ROWS}"
            )));
        }
        self.check_budget(n_rows, n_rows)?;
        let mut out: Vec<Column> = Vec::new();
        for (i, name) in self.names.iter().enumerate() {
            for d in 0..self.nodes[i].dim {
                out.push(Column {
                    name: format!("{name}.{d}"),
                    node: name.clone(),
                    role: self.roles[i],
                    values: Vec::with_capacity(n_rows),
                });
            }
        }
        let mut logged = 0usize;
        let mut drawn = 0usize;
        let mut chunk = 0u64;
        let budget = n_rows.saturating_mul(1000).max(1_000_000);
        while logged < n_rows {
            // Without exposure one chunk of exactly n_rows; with it, enough for what is
            // missing at the acceptance rate seen so far.
            let missing = n_rows - logged;
            let size = if self.exposure.is_empty() || drawn == 0 {
                missing
            } else {
                let rate = (logged as f64 / drawn as f64).max(1e-3);
                ((missing as f64 / rate) * 1.1) as usize + 256
            };
            if size > missing {
                self.check_budget(n_rows, size)?;
            }
            let vals = self.draw_chunk(size, seed, chunk, drawn)?;
            let keep: Vec<usize> = if self.exposure.is_empty() {
                (0..size).collect()
            } else {
                (0..size)
                    .filter(|&r| self.exposure.iter().all(|&e| vals[e][r] > 0.5))
                    .take(missing)
                    .collect()
            };
            let mut col = 0;
            for (i, node_vals) in vals.iter().enumerate() {
                for d in 0..self.nodes[i].dim {
                    let src = &node_vals[d * size..(d + 1) * size];
                    let dst = &mut out[col].values;
                    if keep.len() == size {
                        dst.extend(src.iter().map(|&v| v as f32));
                    } else {
                        dst.extend(keep.iter().map(|&r| src[r] as f32));
                    }
                    col += 1;
                }
            }
            logged += keep.len();
            drawn += size;
            chunk += 1;
            if logged < n_rows && drawn >= budget {
                let names: Vec<&str> = self
                    .exposure
                    .iter()
                    .map(|&e| self.names[e].as_str())
                    .collect();
                return Err(Error::Sampling(format!(
                    "the exposure node(s) {} logged only {logged} of {drawn} rows drawn; \
                     raise their probability of logging a row",
                    names.join(", ")
                )));
            }
        }
        Ok(Dataset {
            columns: out,
            n_rows,
            shift: self.shift,
            seed,
        })
    }

    /// Draws `n` rows of every node (before exposure filtering), node-major, dim-major. The
    /// chunk's first row is row `first_row` of all rows drawn (for error messages). Fails,
    /// naming the node, when a value is NaN or does not fit a 32-bit float.
    fn draw_chunk(
        &self,
        n: usize,
        seed: u64,
        chunk: u64,
        first_row: usize,
    ) -> Result<Vec<Vec<f64>>> {
        let mut vals: Vec<Vec<f64>> = vec![Vec::new(); self.nodes.len()];
        let env: Vec<bool> = if self.mix_prob > 0.0 {
            let mut rng = stream(seed, chunk, "\u{0}environment");
            (0..n)
                .map(|_| rng.random::<f64>() < self.mix_prob)
                .collect()
        } else {
            Vec::new()
        };
        for &v in &self.order {
            let fail = |bad: NonFinite, env: &str| {
                self.non_finite_error(v, bad, (first_row + bad.index % n.max(1), env))
            };
            let mut rng = stream(seed, chunk, &self.names[v]);
            let mut col =
                compute(&self.nodes[v], &vals, n, &mut rng).map_err(|b| fail(b, "training"))?;
            if let Some(alt) = &self.alt[v]
                && !env.is_empty()
            {
                let mut rng = stream(seed, chunk, &format!("{}\u{0}intervened", self.names[v]));
                let alt_col =
                    compute(alt, &vals, n, &mut rng).map_err(|b| fail(b, "intervened"))?;
                for d in 0..alt.dim {
                    for r in (0..n).filter(|&r| env[r]) {
                        col[d * n + r] = alt_col[d * n + r];
                    }
                }
            }
            vals[v] = col;
        }
        Ok(vals)
    }

    /// The error for node `v`'s non-finite value `bad`, in row `row` of the `env` environment.
    fn non_finite_error(&self, v: usize, bad: NonFinite, (row, env): (usize, &str)) -> Error {
        let name = &self.names[v];
        let place = if self.mix_prob > 0.0 {
            format!(
                "row {row} (drawn from the {env} environment) at shift {}",
                self.shift
            )
        } else {
            format!("row {row} at shift {}", self.shift)
        };
        let what = if bad.input {
            "the input of its mechanism (weighted parents, bias and noise)"
        } else {
            "its value"
        };
        Error::Sampling(format!(
            "node `{name}`: {what} is {} in {place}; its noise scale, weights or bias are too \
             large for 32-bit floats (at most about 3.4e38)",
            bad.value
        ))
    }
}

/// Draws `n_rows` rows of `scenario` at shift `shift` from seed `seed`.
pub fn sample(scenario: &Scenario, n_rows: usize, shift: f64, seed: u64) -> Result<Dataset> {
    Sampler::new(scenario, shift)?.sample(n_rows, seed)
}
