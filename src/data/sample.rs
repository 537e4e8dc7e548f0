//! Generating data: deterministic, column-wise sampling of a scenario at a given shift.
//!
//! Every node draws from its own random stream, seeded from `(seed, chunk, node name)`, so the
//! same inputs give the same bytes on any machine, and adding an unrelated node does not change
//! the draws of the others. Values are computed a whole column at a time (no per-row
//! allocation); memory is proportional to the rows drawn.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::dataset::{Column, Dataset};
use crate::error::{Error, Result};
use crate::limits::{MAX_ROWS, MemoryBudget, product, thousands};
use crate::scm::{
    Activation, Intervention, Mechanism, Node, Noise, Role, Scenario, check_shift, derive_seed,
    sigmoid, splitmix64,
};

/// A node with all parameters resolved at one shift value.
#[derive(Clone, Debug)]
struct Compiled {
    dim: usize,
    rows: usize,
    bias: Vec<f64>,
    /// (parent index, parent dim, weights row-major [rows, parent dim]).
    parents: Vec<(usize, usize, Vec<f64>)>,
    mech: Mech,
    noise: CNoise,
}

#[derive(Clone, Copy, Debug)]
enum Mech {
    Linear,
    Nonlinear(Activation),
    Logistic,
    Threshold(f64),
    Categorical(usize),
}

#[derive(Clone, Copy, Debug)]
enum CNoise {
    None,
    Gaussian(f64),
    Uniform(f64),
    Laplace(f64),
    Flip(f64),
}

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

/// A random stream for one node in one chunk.
fn stream(seed: u64, chunk: u64, name: &str) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(derive_seed(
        splitmix64(seed ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        name,
    ))
}

/// A value that is NaN, infinite or beyond the range of f32, where [`compute`] found it.
#[derive(Clone, Copy, Debug)]
struct NonFinite {
    /// Position in the node's column-major values (`dim * n + row`).
    index: usize,
    /// The value, as the dataset would store it (f32, so an overflow reads `inf`).
    value: f32,
    /// Found in the mechanism's input (before a discrete mechanism could hide it) rather
    /// than in the node's value.
    input: bool,
}

/// The first value of `xs` that is not finite: in f64 for a mechanism's `input` (it is never
/// stored), once stored as f32 for a node's value.
fn first_non_finite(xs: &[f64], input: bool) -> Option<NonFinite> {
    let bad = |x: f64| {
        if input {
            !x.is_finite()
        } else {
            !(x as f32).is_finite()
        }
    };
    xs.iter().position(|&x| bad(x)).map(|index| NonFinite {
        index,
        value: xs[index] as f32,
        input,
    })
}

/// Computes one node's column(s) for `n` rows, given its parents' values. Fails at the first
/// value that is not a finite f32: in the mechanism's input (a threshold or a sigmoid would
/// turn NaN or inf into a plausible 0 or 1) or in the result.
fn compute(
    node: &Compiled,
    vals: &[Vec<f64>],
    n: usize,
    rng: &mut ChaCha8Rng,
) -> std::result::Result<Vec<f64>, NonFinite> {
    let rows = node.rows;
    let mut pre = vec![0.0f64; rows * n];
    for (i, &b) in node.bias.iter().enumerate() {
        if b != 0.0 {
            pre[i * n..(i + 1) * n].fill(b);
        }
    }
    for (p, pdim, w) in &node.parents {
        let src_all = &vals[*p];
        for i in 0..rows {
            let dst = &mut pre[i * n..(i + 1) * n];
            for j in 0..*pdim {
                let wij = w[i * pdim + j];
                if wij == 0.0 {
                    continue;
                }
                let src = &src_all[j * n..(j + 1) * n];
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += wij * s;
                }
            }
        }
    }
    if !matches!(node.noise, CNoise::Flip(_)) {
        add_noise(&mut pre, node.noise, rng);
    }
    if let Some(bad) = first_non_finite(&pre, true) {
        return Err(bad);
    }
    let mut out = match node.mech {
        Mech::Linear => pre,
        Mech::Nonlinear(act) => {
            for x in &mut pre {
                *x = act.apply(*x);
            }
            pre
        }
        Mech::Logistic => {
            for x in &mut pre {
                let u: f64 = rng.random();
                *x = if u < sigmoid(*x) { 1.0 } else { 0.0 };
            }
            pre
        }
        Mech::Threshold(t) => {
            for x in &mut pre {
                *x = if *x > t { 1.0 } else { 0.0 };
            }
            pre
        }
        Mech::Categorical(k) => {
            let mut out = vec![0.0f64; n];
            let mut logits = vec![0.0f64; k];
            for (r, o) in out.iter_mut().enumerate() {
                let mut max = f64::NEG_INFINITY;
                for (c, l) in logits.iter_mut().enumerate() {
                    *l = pre[c * n + r];
                    max = max.max(*l);
                }
                let mut total = 0.0;
                for l in &mut logits {
                    *l = (*l - max).exp();
                    total += *l;
                }
                let mut u = rng.random::<f64>() * total;
                let mut class = k - 1;
                for (c, l) in logits.iter().enumerate() {
                    if u < *l {
                        class = c;
                        break;
                    }
                    u -= l;
                }
                *o = class as f64;
            }
            out
        }
    };
    if let CNoise::Flip(p) = node.noise
        && p > 0.0
    {
        match node.mech {
            Mech::Categorical(k) => {
                for x in &mut out {
                    if rng.random::<f64>() < p {
                        // A uniformly drawn class other than the current one.
                        let shift = rng.random_range(1..k) as f64;
                        *x = (*x + shift) % k as f64;
                    }
                }
            }
            _ => {
                for x in &mut out {
                    if rng.random::<f64>() < p {
                        *x = 1.0 - *x;
                    }
                }
            }
        }
    }
    match first_non_finite(&out, false) {
        Some(bad) => Err(bad),
        None => Ok(out),
    }
}

fn add_noise(xs: &mut [f64], noise: CNoise, rng: &mut ChaCha8Rng) {
    match noise {
        CNoise::None | CNoise::Flip(_) => {}
        CNoise::Gaussian(sd) => {
            if sd > 0.0 {
                for x in xs {
                    let z: f64 = rng.sample(StandardNormal);
                    *x += sd * z;
                }
            }
        }
        CNoise::Uniform(h) => {
            if h > 0.0 {
                for x in xs {
                    *x += h * (2.0 * rng.random::<f64>() - 1.0);
                }
            }
        }
        CNoise::Laplace(b) => {
            if b > 0.0 {
                for x in xs {
                    // Inverse CDF with u uniform on (-1/2, 1/2).
                    let u = rng.random::<f64>() - 0.5;
                    let m = (1.0 - 2.0 * u.abs()).max(f64::MIN_POSITIVE);
                    *x -= b * u.signum() * m.ln();
                }
            }
        }
    }
}
