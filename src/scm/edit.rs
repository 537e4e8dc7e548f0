//! Editing a scenario the way the graph editor does: add, remove and rename nodes, add and
//! remove edges, replace a node's definition. Every operation either succeeds and leaves a
//! well-shaped graph, or fails with an error naming the problem and leaves the scenario as it
//! was. The cycle check lives here, not in the UI.

use super::node::{Edge, Mechanism, Node, Noise, Role};
use super::param::Param;
use super::scenario::{Intervention, Scenario};
use super::validate::distinct_parents;
use crate::error::{Error, Result};

impl Scenario {
    /// A fresh node of `role` with sensible defaults: an outcome or exposure is logistic, every
    /// other role linear with unit Gaussian noise.
    pub fn default_node(name: &str, role: Role) -> Node {
        let (mechanism, noise) = match role {
            Role::Outcome | Role::Exposure => (Mechanism::Logistic, Noise::None),
            _ => (
                Mechanism::Linear,
                Noise::Gaussian {
                    sd: Param::Fixed(1.0),
                },
            ),
        };
        Node {
            name: name.to_owned(),
            role,
            dim: 1,
            mechanism,
            noise,
            bias: Vec::new(),
            parents: Vec::new(),
        }
    }

    /// `base` if no node has that name, else `base2`, `base3`, ...
    pub fn unique_name(&self, base: &str) -> String {
        let taken = |n: &str| self.nodes.iter().any(|x| x.name == n);
        if !taken(base) {
            return base.to_owned();
        }
        // The nodes can take at most `self.nodes.len()` of these candidates, so one is free.
        (2..=self.nodes.len() + 2)
            .map(|i| format!("{base}{i}"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| base.to_owned())
    }

    fn check_name(&self, name: &str) -> Result<()> {
        let valid = !name.trim().is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(Error::invalid(format!(
                "`{name}` is not a valid node name (use letters, digits, `_` or `-`)"
            )));
        }
        if self.nodes.iter().any(|n| n.name == name) {
            return Err(Error::DuplicateNode(name.to_owned()));
        }
        Ok(())
    }

    /// Adds `node` (a root or with parents that exist). Refuses a duplicate or invalid name,
    /// unknown parents and a parent listed twice.
    pub fn add_node(&mut self, node: Node) -> Result<()> {
        self.check_name(&node.name)?;
        distinct_parents(&node)?;
        for e in &node.parents {
            self.id(&e.from).map_err(|_| Error::UnknownParent {
                node: node.name.clone(),
                parent: e.from.clone(),
            })?;
        }
        self.nodes.push(node);
        Ok(())
    }

    /// Removes a node, its outgoing edges and the interventions on it; returns it.
    pub fn remove_node(&mut self, name: &str) -> Result<Node> {
        let id = self.id(name)?;
        let node = self.nodes.remove(id.0);
        for n in &mut self.nodes {
            n.parents.retain(|e| e.from != name);
        }
        self.interventions.retain(|iv| iv.node() != name);
        for iv in &mut self.interventions {
            if let Intervention::Soft { parents, .. } = iv {
                parents.retain(|e| e.from != name);
            }
        }
        Ok(node)
    }

    /// Renames a node everywhere it is referred to (edges and interventions).
    pub fn rename_node(&mut self, old: &str, new: &str) -> Result<()> {
        let id = self.id(old)?;
        if old == new {
            return Ok(());
        }
        self.check_name(new)?;
        new.clone_into(&mut self.nodes[id.0].name);
        let rename_edges = |edges: &mut Vec<Edge>| {
            for e in edges.iter_mut().filter(|e| e.from == old) {
                new.clone_into(&mut e.from);
            }
        };
        for n in &mut self.nodes {
            rename_edges(&mut n.parents);
        }
        for iv in &mut self.interventions {
            match iv {
                Intervention::Hard { node, .. } => {
                    if node == old {
                        new.clone_into(node);
                    }
                }
                Intervention::Soft { node, parents, .. } => {
                    if node == old {
                        new.clone_into(node);
                    }
                    rename_edges(parents);
                }
            }
        }
        Ok(())
    }

    /// Whether the edge `from -> to` exists.
    pub fn has_edge(&self, from: &str, to: &str) -> bool {
        self.id(to)
            .is_ok_and(|id| self.node(id).parents.iter().any(|e| e.from == from))
    }

    /// Adds the edge `from -> to` with weight 1 (identity-shaped for vector nodes). Refuses a
    /// self-loop, a duplicate edge and an edge that would close a cycle; the error names the
    /// cycle.
    pub fn add_edge(&mut self, from: &str, to: &str) -> Result<()> {
        let from_id = self.id(from)?;
        let to_id = self.id(to)?;
        if from == to {
            return Err(Error::Cycle(vec![from.to_owned(), to.to_owned()]));
        }
        if self.has_edge(from, to) {
            return Err(Error::invalid(format!(
                "the edge {from} -> {to} already exists"
            )));
        }
        self.check_new_edge(from, to)?;
        let child = self.node(to_id);
        let rows = child.mechanism.pre_rows(child.dim);
        let cols = self.node(from_id).dim;
        self.nodes[to_id.0]
            .parents
            .push(Edge::uniform(from, rows, cols, Param::Fixed(1.0)));
        Ok(())
    }

    /// Removes the edge `from -> to`.
    pub fn remove_edge(&mut self, from: &str, to: &str) -> Result<()> {
        let to_id = self.id(to)?;
        let parents = &mut self.nodes[to_id.0].parents;
        let before = parents.len();
        parents.retain(|e| e.from != from);
        if parents.len() == before {
            return Err(Error::invalid(format!("there is no edge {from} -> {to}")));
        }
        Ok(())
    }

    /// Replaces the definition of node `name` by `node` (same name; use [`rename_node`] to
    /// rename), then fits the shapes that depend on it: its bias and incoming weights to its
    /// mechanism's rows, its children's weights to its dimension. New entries are 0 (1 on the
    /// diagonal of a new weight row).
    ///
    /// [`rename_node`]: Scenario::rename_node
    pub fn set_node(&mut self, name: &str, node: Node) -> Result<()> {
        let id = self.id(name)?;
        if node.name != name {
            return Err(Error::invalid(format!(
                "set_node keeps the name `{name}`; rename it separately"
            )));
        }
        if node.dim == 0 {
            return Err(Error::shape(name, "the dimension must be at least 1"));
        }
        if let Mechanism::Categorical { classes } = node.mechanism
            && classes < 2
        {
            return Err(Error::shape(
                name,
                "a categorical node needs at least 2 classes",
            ));
        }
        distinct_parents(&node)?;
        self.nodes[id.0] = node;
        self.fit_shapes(name)
    }

    /// Resizes the bias and weights that touch node `name` to its current shape.
    fn fit_shapes(&mut self, name: &str) -> Result<()> {
        let id = self.id(name)?;
        let rows = {
            let n = self.node(id);
            n.mechanism.pre_rows(n.dim)
        };
        let dim = self.node(id).dim;
        let dims: Vec<(String, usize)> =
            self.nodes.iter().map(|n| (n.name.clone(), n.dim)).collect();
        let parent_dim = |p: &str| dims.iter().find(|(n, _)| n == p).map(|(_, d)| *d);
        let node = &mut self.nodes[id.0];
        if !node.bias.is_empty() {
            node.bias.resize(rows, Param::Fixed(0.0));
        }
        for e in &mut node.parents {
            let cols = parent_dim(&e.from).unwrap_or(1);
            resize_weights(e, rows, cols);
        }
        for child in &mut self.nodes {
            for e in child.parents.iter_mut().filter(|e| e.from == name) {
                let rows = e.weights.len();
                resize_weights(e, rows, dim);
            }
        }
        Ok(())
    }
}

/// Resizes a weight matrix to `[rows, cols]`, keeping what fits; new diagonal entries are 1.
fn resize_weights(e: &mut Edge, rows: usize, cols: usize) {
    let old_rows = e.weights.len();
    e.weights.resize_with(rows, Vec::new);
    for (r, row) in e.weights.iter_mut().enumerate() {
        let old_cols = row.len();
        row.resize(cols, Param::Fixed(0.0));
        for (c, w) in row.iter_mut().enumerate() {
            let fresh = r >= old_rows || c >= old_cols;
            if fresh && (r == c || rows == 1 || cols == 1) {
                *w = Param::Fixed(1.0);
            }
        }
    }
}
