//! Checking one node of a scenario: its dimension, classes, mechanism and noise against the
//! limits, every parameter finite and in range, its parents known and distinct.

use super::node::{Mechanism, Node, Noise, Role};
use super::param::Param;
use super::scenario::Scenario;
use crate::error::{Error, Result};
use crate::limits::{MAX_CLASSES, MAX_EDGE_WEIGHTS, MAX_NODE_DIM, check_cap};

impl Scenario {
    /// Refuses a node whose shape, limits or parameters are out of bounds, naming the node and
    /// the parameter.
    pub(super) fn check_node(&self, n: &Node) -> Result<()> {
        let name = n.name.as_str();
        if n.dim == 0 {
            return Err(Error::shape(name, "dimension must be at least 1"));
        }
        check_cap(
            format_args!("node `{name}`'s dimension"),
            n.dim,
            MAX_NODE_DIM,
        )?;
        if let Mechanism::Categorical { classes } = n.mechanism {
            check_cap(
                format_args!("node `{name}`'s number of classes"),
                classes,
                MAX_CLASSES,
            )?;
            if n.dim != 1 {
                return Err(Error::shape(
                    name,
                    format!(
                        "a categorical node has dimension 1 (the class index), not {}",
                        n.dim
                    ),
                ));
            }
            if classes < 2 {
                return Err(Error::shape(
                    name,
                    format!("a categorical node needs at least 2 classes, not {classes}"),
                ));
            }
        }
        if n.role == Role::Exposure
            && (n.dim != 1
                || !matches!(
                    n.mechanism,
                    Mechanism::Logistic | Mechanism::Threshold { .. }
                ))
        {
            return Err(Error::shape(
                name,
                "an exposure node must be binary (logistic or threshold) with dimension 1",
            ));
        }
        let rows = n.mechanism.pre_rows(n.dim);
        if !n.bias.is_empty() && n.bias.len() != rows {
            return Err(Error::shape(
                name,
                format!(
                    "the bias has {} entries but the {} mechanism needs {rows}",
                    n.bias.len(),
                    n.mechanism.name()
                ),
            ));
        }
        for (i, b) in n.bias.iter().enumerate() {
            finite(name, &format!("bias[{i}]"), *b)?;
        }
        distinct_parents(n)?;
        for e in &n.parents {
            let parent = self.node(self.id(&e.from).map_err(|_| Error::UnknownParent {
                node: n.name.clone(),
                parent: e.from.clone(),
            })?);
            check_cap(
                format_args!(
                    "the weight matrix of `{} -> {name}` ({rows} × {})",
                    e.from, parent.dim
                ),
                rows.saturating_mul(parent.dim),
                MAX_EDGE_WEIGHTS,
            )?;
            if e.weights.len() != rows {
                return Err(Error::shape(
                    name,
                    format!(
                        "the weights from `{}` have {} row(s) but the {} mechanism of a node of dimension {} needs {rows}",
                        e.from,
                        e.weights.len(),
                        n.mechanism.name(),
                        n.dim
                    ),
                ));
            }
            for (r, row) in e.weights.iter().enumerate() {
                if row.len() != parent.dim {
                    return Err(Error::shape(
                        name,
                        format!(
                            "row {r} of the weights from `{}` has {} entries but `{}` has dimension {}",
                            e.from,
                            row.len(),
                            e.from,
                            parent.dim
                        ),
                    ));
                }
                for (c, w) in row.iter().enumerate() {
                    finite(name, &format!("weights[{}][{r}][{c}]", e.from), *w)?;
                }
            }
        }
        if let Mechanism::Threshold { threshold } = n.mechanism {
            finite(name, "threshold", threshold)?;
        }
        if let Some((pname, p)) = n.noise.param() {
            let label = format!("noise.{pname}");
            finite(name, &label, p)?;
            let (lo, hi) = p.range();
            if lo < 0.0 {
                return Err(bad(name, &label, format!("negative ({lo})")));
            }
            if matches!(n.noise, Noise::LabelFlip { .. }) {
                if hi > 1.0 {
                    return Err(bad(name, &label, format!("a probability above 1 ({hi})")));
                }
                if !n.mechanism.is_discrete() {
                    return Err(Error::shape(
                        name,
                        format!(
                            "label-flip noise needs a discrete mechanism, not {}",
                            n.mechanism.name()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn bad(node: &str, param: &str, detail: String) -> Error {
    Error::BadParameter {
        node: node.to_owned(),
        param: param.to_owned(),
        detail,
    }
}

fn finite(node: &str, param: &str, p: Param) -> Result<()> {
    if p.is_finite() {
        Ok(())
    } else {
        Err(bad(node, param, format!("not finite ({p:?})")))
    }
}

/// Refuses a node that lists one parent twice: the sampler would sum the two edges while the
/// analytic truth keeps one, so the data and the truth would disagree.
pub(super) fn distinct_parents(n: &Node) -> Result<()> {
    for (i, e) in n.parents.iter().enumerate() {
        if n.parents[..i].iter().any(|p| p.from == e.from) {
            return Err(Error::DuplicateEdge {
                node: n.name.clone(),
                parent: e.from.clone(),
            });
        }
    }
    Ok(())
}
