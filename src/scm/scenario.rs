//! A whole scenario: the graph, its test-environment interventions and teaching text, with
//! validation and a topological order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::node::{Edge, Mechanism, Node, Noise, OutcomeKind, Role};
use super::param::Param;
use crate::error::{Error, Result};
use crate::limits::{MAX_NODES, check_cap};

/// Index of a node inside [`Scenario::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub usize);

/// An intervention on one node (method.md §3: the second kind of shift).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intervention {
    /// do(node := value): the node is cut from its parents and set to a constant.
    Hard {
        /// The node intervened on.
        node: String,
        /// One value per dimension of the node.
        value: Vec<f64>,
    },
    /// The node's mechanism, noise, bias and parents are replaced.
    Soft {
        /// The node intervened on.
        node: String,
        /// The new mechanism.
        mechanism: Mechanism,
        /// The new noise.
        #[serde(default)]
        noise: Noise,
        /// The new bias (empty: zeros).
        #[serde(default)]
        bias: Vec<Param>,
        /// The new incoming edges (empty: a root).
        #[serde(default)]
        parents: Vec<Edge>,
    },
}

impl Intervention {
    /// The node intervened on.
    pub fn node(&self) -> &str {
        match self {
            Intervention::Hard { node, .. } | Intervention::Soft { node, .. } => node,
        }
    }

    /// The node as it is under this intervention.
    pub fn apply_to(&self, original: &Node) -> Node {
        match self {
            Intervention::Hard { value, .. } => Node {
                name: original.name.clone(),
                role: original.role,
                dim: original.dim,
                mechanism: Mechanism::Linear,
                noise: Noise::None,
                bias: value.iter().map(|&v| Param::Fixed(v)).collect(),
                parents: Vec::new(),
            },
            Intervention::Soft {
                mechanism,
                noise,
                bias,
                parents,
                ..
            } => Node {
                name: original.name.clone(),
                role: original.role,
                dim: original.dim,
                mechanism: mechanism.clone(),
                noise: noise.clone(),
                bias: bias.clone(),
                parents: parents.clone(),
            },
        }
    }
}

/// Settings the scenario's author recommends for training on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingHints {
    /// Penalise I(z; c | y) rather than I(z; c) (right when the confounder depends on y).
    pub conditional_penalty: bool,
    /// Penalty weight that shows the effect well.
    pub beta: f64,
}

impl Default for TrainingHints {
    fn default() -> Self {
        TrainingHints {
            conditional_penalty: false,
            beta: 10.0,
        }
    }
}

/// A structural causal model with everything needed to sample training and test data from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Short machine name (the preset name for presets).
    pub name: String,
    /// One-line human title.
    #[serde(default)]
    pub title: String,
    /// A short explanation a teacher could read aloud.
    #[serde(default)]
    pub description: String,
    /// The nodes, in any order (edges name parents).
    pub nodes: Vec<Node>,
    /// Interventions that define the test environment: at shift `s` each row comes from the
    /// intervened model with probability `s` (shifting parameters move at the same time).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<Intervention>,
    /// Recommended training settings.
    #[serde(default)]
    pub hints: TrainingHints,
}

/// Something legal but probably not what the author meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// A confounder that no feature depends on cannot create a shortcut.
    UnusedConfounder(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::UnusedConfounder(n) => write!(
                f,
                "confounder `{n}` has no feature depending on it, so it cannot create a shortcut"
            ),
        }
    }
}

impl Scenario {
    /// Index of the node called `name`.
    pub fn id(&self, name: &str) -> Result<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.name == name)
            .map(NodeId)
            .ok_or_else(|| Error::UnknownNode(name.to_owned()))
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The outcome node. Fails when there is none or more than one.
    pub fn outcome(&self) -> Result<NodeId> {
        let outcomes: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].role == Role::Outcome)
            .collect();
        match outcomes.as_slice() {
            [] => Err(Error::NoOutcome),
            [one] => Ok(NodeId(*one)),
            many => Err(Error::ManyOutcomes(
                many.iter().map(|&i| self.nodes[i].name.clone()).collect(),
            )),
        }
    }

    /// Whether the models predict a binary or a continuous outcome. Fails when the outcome node
    /// is missing or doubled, or is categorical with more than two classes.
    pub fn outcome_kind(&self) -> Result<OutcomeKind> {
        let node = self.node(self.outcome()?);
        match node.mechanism {
            Mechanism::Logistic
            | Mechanism::Threshold { .. }
            | Mechanism::Categorical { classes: 2 } => Ok(OutcomeKind::Binary),
            Mechanism::Categorical { classes } => Err(Error::invalid(format!(
                "outcome `{}` has {classes} classes; crl-lab trains binary or continuous outcomes",
                node.name
            ))),
            Mechanism::Linear | Mechanism::Nonlinear { .. } => Ok(OutcomeKind::Continuous),
        }
    }

    /// Ids of the nodes with a given role, in node order.
    pub fn nodes_with_role(&self, role: Role) -> Vec<NodeId> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].role == role)
            .map(NodeId)
            .collect()
    }

    /// Parent ids of every node (errors on unknown parents).
    fn parent_ids(&self) -> Result<Vec<Vec<usize>>> {
        let index: BTreeMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        self.nodes
            .iter()
            .map(|n| {
                n.parents
                    .iter()
                    .map(|e| {
                        index
                            .get(e.from.as_str())
                            .copied()
                            .ok_or_else(|| Error::UnknownParent {
                                node: n.name.clone(),
                                parent: e.from.clone(),
                            })
                    })
                    .collect()
            })
            .collect()
    }

    /// A topological order (parents before children), or the cycle that prevents one.
    pub fn topological_order(&self) -> Result<Vec<NodeId>> {
        let parents = self.parent_ids()?;
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; self.nodes.len()];
        let mut order = Vec::with_capacity(self.nodes.len());
        let mut path = Vec::new();
        for start in 0..self.nodes.len() {
            self.visit(start, &parents, &mut state, &mut order, &mut path)?;
        }
        Ok(order.into_iter().map(NodeId).collect())
    }

    fn visit(
        &self,
        v: usize,
        parents: &[Vec<usize>],
        state: &mut [u8],
        order: &mut Vec<usize>,
        path: &mut Vec<usize>,
    ) -> Result<()> {
        match state[v] {
            2 => return Ok(()),
            1 => {
                // `path` runs from an ancestor down to the current node through parent links;
                // report the cycle in causal (parent -> child) direction.
                let at = path.iter().position(|&p| p == v).unwrap_or(0);
                let mut cycle: Vec<String> = path[at..]
                    .iter()
                    .map(|&i| self.nodes[i].name.clone())
                    .collect();
                cycle.push(self.nodes[v].name.clone());
                cycle.reverse();
                return Err(Error::Cycle(cycle));
            }
            _ => {}
        }
        state[v] = 1;
        path.push(v);
        for &p in &parents[v] {
            self.visit(p, parents, state, order, path)?;
        }
        path.pop();
        state[v] = 2;
        order.push(v);
        Ok(())
    }

    /// Whether adding the edge `from -> to` would keep the graph acyclic (the graph editor asks
    /// this before it adds an edge). Returns the cycle it would close otherwise.
    pub fn check_new_edge(&self, from: &str, to: &str) -> Result<()> {
        let mut probe = self.clone();
        let rows = {
            let to_id = probe.id(to)?;
            let n = probe.node(to_id);
            n.mechanism.pre_rows(n.dim)
        };
        let cols = self.node(self.id(from)?).dim;
        let to_id = probe.id(to)?;
        probe.nodes[to_id.0]
            .parents
            .push(Edge::uniform(from, rows, cols, Param::Fixed(1.0)));
        probe.topological_order().map(|_| ())
    }

    /// Checks the whole scenario: names, parents, acyclicity, one outcome, shapes of weights and
    /// biases, parameter ranges and interventions. Returns a topological order and warnings.
    pub fn validate(&self) -> Result<(Vec<NodeId>, Vec<Warning>)> {
        check_cap("the number of nodes", self.nodes.len(), MAX_NODES)?;
        let mut seen = BTreeSet::new();
        for n in &self.nodes {
            if n.name.trim().is_empty() {
                return Err(Error::invalid("a node has an empty name"));
            }
            if !seen.insert(n.name.as_str()) {
                return Err(Error::DuplicateNode(n.name.clone()));
            }
        }
        let order = self.topological_order()?;
        let outcome = self.outcome()?;
        for n in &self.nodes {
            self.check_node(n)?;
        }
        let y = self.node(outcome);
        if y.dim != 1 {
            return Err(Error::shape(&y.name, "the outcome must have dimension 1"));
        }
        for iv in &self.interventions {
            let id = self.id(iv.node())?;
            let replaced = iv.apply_to(self.node(id));
            if let Intervention::Hard { value, .. } = iv
                && value.len() != replaced.dim
            {
                return Err(Error::shape(
                    &replaced.name,
                    format!(
                        "the intervention sets {} value(s) but the node has dimension {}",
                        value.len(),
                        replaced.dim
                    ),
                ));
            }
            self.check_node(&replaced)?;
            let mut probe = self.clone();
            probe.nodes[id.0] = replaced;
            probe.interventions.clear();
            probe.topological_order()?;
        }
        let warnings = self.warnings();
        Ok((order, warnings))
    }

    fn warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        for c in self.nodes_with_role(Role::Confounder) {
            let used = self
                .nodes_with_role(Role::Feature)
                .into_iter()
                .any(|f| self.ancestors(f).is_ok_and(|a| a.contains(&c)));
            if !used {
                out.push(Warning::UnusedConfounder(self.node(c).name.clone()));
            }
        }
        out
    }

    /// All ancestors of a node (not the node itself), sorted.
    pub fn ancestors(&self, id: NodeId) -> Result<Vec<NodeId>> {
        let parents = self.parent_ids()?;
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = parents[id.0].clone();
        while let Some(p) = stack.pop() {
            if !seen[p] {
                seen[p] = true;
                stack.extend(parents[p].iter().copied());
            }
        }
        Ok((0..self.nodes.len())
            .filter(|&i| seen[i])
            .map(NodeId)
            .collect())
    }

    /// Features that are causal ancestors of the outcome (for diagnostics and teaching only;
    /// never given to a model).
    pub fn causal_features(&self) -> Result<Vec<NodeId>> {
        let anc = self.ancestors(self.outcome()?)?;
        Ok(self
            .nodes_with_role(Role::Feature)
            .into_iter()
            .filter(|f| anc.contains(f))
            .collect())
    }

    /// The scenario with an intervention applied to every row (the intervened model itself).
    pub fn intervene(&self, iv: &Intervention) -> Result<Scenario> {
        let id = self.id(iv.node())?;
        let mut out = self.clone();
        out.nodes[id.0] = iv.apply_to(self.node(id));
        out.validate()?;
        Ok(out)
    }
}
