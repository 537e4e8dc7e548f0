//! Nodes of a structural causal model: roles, mechanisms and noise.

use serde::{Deserialize, Serialize};

use super::param::Param;

/// What the models predict: a binary outcome (cross-entropy, accuracy) or a continuous one
/// (squared error, R²). Stored by its lowercase name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    /// 0/1 labels.
    #[default]
    Binary,
    /// Real values.
    Continuous,
}

impl OutcomeKind {
    /// `Binary` when `binary`.
    pub fn from_binary(binary: bool) -> Self {
        if binary {
            OutcomeKind::Binary
        } else {
            OutcomeKind::Continuous
        }
    }

    /// Whether the outcome is binary.
    pub fn is_binary(self) -> bool {
        self == OutcomeKind::Binary
    }

    /// The headline metric's name: `accuracy` or `R²`.
    pub fn metric_name(self) -> &'static str {
        match self {
            OutcomeKind::Binary => "accuracy",
            OutcomeKind::Continuous => "R²",
        }
    }

    /// The loss axis's label: `cross-entropy (nats)` or `MSE (standardised)`.
    pub fn loss_axis(self) -> &'static str {
        match self {
            OutcomeKind::Binary => "cross-entropy (nats)",
            OutcomeKind::Continuous => "MSE (standardised)",
        }
    }
}

/// What a node is to the learning problem (method.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An input column of the model, causal or not (the model is not told which).
    Feature,
    /// An observed proxy of what confounds the logs; seen only by the penalty in training.
    Confounder,
    /// The label Y.
    Outcome,
    /// An unobserved cause; never seen by any model.
    Latent,
    /// Selection: a row is logged only where this node is 1.
    Exposure,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 5] = [
        Role::Feature,
        Role::Confounder,
        Role::Outcome,
        Role::Latent,
        Role::Exposure,
    ];

    /// Lower-case name as used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Role::Feature => "feature",
            Role::Confounder => "confounder",
            Role::Outcome => "outcome",
            Role::Latent => "latent",
            Role::Exposure => "exposure",
        }
    }
}

/// Elementwise non-linearity of a [`Mechanism::Nonlinear`] node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// Hyperbolic tangent.
    Tanh,
    /// max(0, x).
    Relu,
    /// 1 / (1 + e^-x).
    Sigmoid,
    /// sin(x).
    Sin,
    /// x², which lets two latent nodes express a product: ab = ((a+b)/2)² − ((a−b)/2)².
    Square,
}

impl Activation {
    /// Applies the activation.
    #[inline]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Activation::Tanh => x.tanh(),
            Activation::Relu => x.max(0.0),
            Activation::Sigmoid => sigmoid(x),
            Activation::Sin => x.sin(),
            Activation::Square => x * x,
        }
    }
}

/// The logistic function, computed without overflow.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// How a node's value is computed from `pre = bias + Σ_parents W · parent`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mechanism {
    /// `value = pre + noise`.
    Linear,
    /// `value = activation(pre) + noise`.
    Nonlinear {
        /// The elementwise non-linearity.
        activation: Activation,
    },
    /// `value ~ Bernoulli(sigmoid(pre + noise))`; binary, values 0 or 1.
    Logistic,
    /// `value = 1[pre + noise > threshold]`; binary, values 0 or 1.
    Threshold {
        /// The cut-off.
        #[serde(default)]
        threshold: Param,
    },
    /// `value ~ Categorical(softmax(pre))` over `classes` classes; one column holding the class
    /// index 0..classes. Weights and bias have one row per class.
    Categorical {
        /// Number of classes (at least 2).
        classes: usize,
    },
}

impl Mechanism {
    /// Short lower-case name.
    pub fn name(&self) -> &'static str {
        match self {
            Mechanism::Linear => "linear",
            Mechanism::Nonlinear { .. } => "nonlinear",
            Mechanism::Logistic => "logistic",
            Mechanism::Threshold { .. } => "threshold",
            Mechanism::Categorical { .. } => "categorical",
        }
    }

    /// Whether the node's values are discrete (binary or class indices).
    pub fn is_discrete(&self) -> bool {
        matches!(
            self,
            Mechanism::Logistic | Mechanism::Threshold { .. } | Mechanism::Categorical { .. }
        )
    }

    /// Rows of the weight matrices and length of the bias for a node of dimension `dim`.
    pub fn pre_rows(&self, dim: usize) -> usize {
        match self {
            Mechanism::Categorical { classes } => *classes,
            _ => dim,
        }
    }
}

/// The exogenous noise of a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Noise {
    /// No noise: the node is a deterministic function of its parents.
    #[default]
    None,
    /// Additive N(0, sd²).
    Gaussian {
        /// Standard deviation (≥ 0).
        sd: Param,
    },
    /// Additive U(−half_width, half_width).
    Uniform {
        /// Half the width of the interval (≥ 0).
        half_width: Param,
    },
    /// Additive Laplace(0, scale).
    Laplace {
        /// Scale b (≥ 0); the variance is 2b².
        scale: Param,
    },
    /// For discrete nodes: with probability `prob` the value is replaced (a binary value is
    /// flipped; a class becomes a uniformly drawn other class).
    LabelFlip {
        /// Flip probability in [0, 1].
        prob: Param,
    },
}

impl Noise {
    /// Short lower-case name.
    pub fn name(&self) -> &'static str {
        match self {
            Noise::None => "none",
            Noise::Gaussian { .. } => "gaussian",
            Noise::Uniform { .. } => "uniform",
            Noise::Laplace { .. } => "laplace",
            Noise::LabelFlip { .. } => "label_flip",
        }
    }

    /// The noise's parameter, if it has one, with its name.
    pub fn param(&self) -> Option<(&'static str, Param)> {
        match *self {
            Noise::None => None,
            Noise::Gaussian { sd } => Some(("sd", sd)),
            Noise::Uniform { half_width } => Some(("half_width", half_width)),
            Noise::Laplace { scale } => Some(("scale", scale)),
            Noise::LabelFlip { prob } => Some(("prob", prob)),
        }
    }
}

/// An edge into a node with its weight matrix (`rows` = the node's pre-activation rows,
/// `cols` = the parent's dimension).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Name of the parent node.
    pub from: String,
    /// Weight matrix, one row per pre-activation row of the child.
    pub weights: Vec<Vec<Param>>,
}

impl Edge {
    /// An edge whose weight matrix is `weight` times the `rows × cols` identity-like matrix
    /// (ones on the diagonal, or all ones in a row when `cols == 1` or `rows == 1`).
    pub fn uniform(from: &str, rows: usize, cols: usize, weight: Param) -> Self {
        let weights = (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| {
                        if rows == 1 || cols == 1 || r == c {
                            weight
                        } else {
                            Param::Fixed(0.0)
                        }
                    })
                    .collect()
            })
            .collect();
        Edge {
            from: from.to_owned(),
            weights,
        }
    }

    /// Whether any weight shifts.
    pub fn is_shifting(&self) -> bool {
        self.weights.iter().flatten().any(Param::is_shifting)
    }
}

/// One node of a structural causal model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Unique name; also the prefix of its data columns (`name.0`, `name.1`, ...).
    pub name: String,
    /// What the node is to the learning problem.
    pub role: Role,
    /// Number of columns the node produces (1 for discrete nodes).
    #[serde(default = "one")]
    pub dim: usize,
    /// How the value is computed.
    pub mechanism: Mechanism,
    /// Exogenous noise.
    #[serde(default)]
    pub noise: Noise,
    /// Bias per pre-activation row; empty means zeros.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bias: Vec<Param>,
    /// Incoming edges with their weights.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<Edge>,
}

fn one() -> usize {
    1
}

impl Node {
    /// A root node with the given role, dimension and noise, and a linear mechanism.
    pub fn root(name: &str, role: Role, dim: usize, noise: Noise) -> Self {
        Node {
            name: name.to_owned(),
            role,
            dim,
            mechanism: Mechanism::Linear,
            noise,
            bias: Vec::new(),
            parents: Vec::new(),
        }
    }

    /// Whether any parameter of the node shifts.
    pub fn is_shifting(&self) -> bool {
        self.bias.iter().any(Param::is_shifting)
            || self.parents.iter().any(Edge::is_shifting)
            || self.noise.param().is_some_and(|(_, p)| p.is_shifting())
            || matches!(self.mechanism, Mechanism::Threshold { threshold } if threshold.is_shifting())
    }
}
