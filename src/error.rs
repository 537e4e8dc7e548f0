//! The library's error type. Every variant names what went wrong and where, so a user can fix
//! the input without reading code.

use std::fmt;
use std::path::PathBuf;

/// Result alias used across the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the GUI-free core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The graph is not acyclic; the nodes of one cycle, first node repeated at the end.
    #[error("the graph has a cycle: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    /// No node has the role `outcome`.
    #[error("the scenario has no outcome node (give exactly one node the role `outcome`)")]
    NoOutcome,
    /// More than one node has the role `outcome`.
    #[error("the scenario has several outcome nodes ({}); exactly one is allowed", .0.join(", "))]
    ManyOutcomes(Vec<String>),
    /// Two nodes share a name.
    #[error("two nodes are named `{0}`; node names must be unique")]
    DuplicateNode(String),
    /// A node lists the same parent twice (the sampler would add both edges, the analytic truth
    /// would keep one: the two would disagree).
    #[error(
        "node `{node}` lists `{parent}` as a parent twice; merge the two edges `{parent} -> {node}` into one"
    )]
    DuplicateEdge {
        /// The child.
        node: String,
        /// The parent listed twice.
        parent: String,
    },
    /// A node refers to a parent that does not exist.
    #[error("node `{node}` lists an unknown parent `{parent}`")]
    UnknownParent {
        /// The child.
        node: String,
        /// The missing parent's name.
        parent: String,
    },
    /// A name that should refer to a node does not.
    #[error("unknown node `{0}`")]
    UnknownNode(String),
    /// A node's shape does not fit its mechanism (weights, bias, dimension, noise kind).
    #[error("node `{node}`: {detail}")]
    Shape {
        /// The node at fault.
        node: String,
        /// What does not fit.
        detail: String,
    },
    /// A parameter is NaN or infinite, or out of its allowed range.
    #[error("node `{node}`: parameter `{param}` is {detail}")]
    BadParameter {
        /// The node at fault.
        node: String,
        /// Which parameter (e.g. `weights[x_c][0][1]`, `noise.sd`).
        param: String,
        /// Why it is rejected.
        detail: String,
    },
    /// A user-supplied argument is out of range.
    #[error("{0}")]
    InvalidArgument(String),
    /// An unknown preset name.
    #[error("unknown preset `{name}` (available: {available})")]
    UnknownPreset {
        /// What was asked for.
        name: String,
        /// Comma-separated list of presets.
        available: String,
    },
    /// A scenario or session file could not be understood.
    #[error("{path}: {detail}")]
    BadFile {
        /// The file (or a label such as `preset shortcut`).
        path: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A file-system operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("cannot read", "cannot write", ...).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Exact mutual information was asked of a scenario that is not linear-Gaussian.
    #[error("exact mutual information needs a linear-Gaussian scenario: {0}")]
    NotLinearGaussian(String),
    /// Rows could not be drawn (e.g. the exposure node almost never logs a row).
    #[error("sampling failed: {0}")]
    Sampling(String),
    /// A quantity became NaN or infinite during training.
    #[error("training stopped: {quantity} became {value} at step {step}")]
    NonFinite {
        /// Which quantity (e.g. `CRL supervised loss`).
        quantity: String,
        /// The value seen (NaN, inf, -inf).
        value: f64,
        /// The training step.
        step: usize,
    },
    /// A model's output, or a value handed to a metric, is NaN or infinite (method.md §5: report
    /// NaN or Inf as an error, never as a number).
    #[error("{what} is {value} at row {row}")]
    NonFiniteValue {
        /// Whose value: e.g. `the prediction of CRL (β 5, seed 0) on the test set at shift 0.5`.
        what: String,
        /// The value seen (NaN, inf, -inf).
        value: f64,
        /// The row (0-based) of the first such value.
        row: usize,
    },
    /// The work was stopped (by the user, or because the app is closing) before it finished.
    #[error("stopped before it finished")]
    Cancelled,
    /// A problem with the compute device.
    #[error("device: {0}")]
    Device(String),
    /// A request would take more memory than the budget allows (see `crate::limits`).
    #[error("{what} would take {needed} of memory, more than the limit of {limit}; {BUDGET_HINT}")]
    OverBudget {
        /// What was asked for, with its sizes (e.g. `100,000 rows × 20,003 columns`).
        what: String,
        /// The estimate of what it would hold at once.
        needed: Bytes,
        /// The budget.
        limit: Bytes,
    },
    /// A state the code should never reach: a bug in crl-lab, not a problem with the input.
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// Shorthand for [`Error::Shape`].
    pub fn shape(node: &str, detail: impl Into<String>) -> Self {
        Error::Shape {
            node: node.to_owned(),
            detail: detail.into(),
        }
    }

    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(detail: impl Into<String>) -> Self {
        Error::InvalidArgument(detail.into())
    }

    /// Shorthand for [`Error::Internal`]: a bug, said as such.
    pub fn internal(detail: impl Into<String>) -> Self {
        Error::Internal(detail.into())
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// What changes the budget, said in every message about it.
pub const BUDGET_HINT: &str = "raise the limit with --max-memory-mb on the command line or \
     Training ▸ Limits ▸ memory limit in the app, or ask for fewer rows or columns";

/// A byte count, printed for people (`512 KB`, `37.3 GB`; decimal units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0 as f64;
        if b >= 1e9 {
            write!(f, "{:.1} GB", b / 1e9)
        } else if b >= 1e6 {
            write!(f, "{:.0} MB", b / 1e6)
        } else if b >= 1e3 {
            write!(f, "{:.0} KB", b / 1e3)
        } else {
            write!(f, "{} bytes", self.0)
        }
    }
}
