//! Model-ready tables on the host: standardised features, outcome and confounder matrices,
//! row-major, as the engine uploads them once per run.

use crate::error::{Error, Result};

/// Model inputs of one dataset on the host, row-major.
#[derive(Clone, Debug)]
pub struct HostTable {
    /// Rows.
    pub n: usize,
    /// `[n, features]`, standardised.
    pub x: Vec<f32>,
    /// `[n, 1]`: 0/1 labels, or the standardised target.
    pub y: Vec<f32>,
    /// `[n, confounder width]`: standardised values, or one-hot classes.
    pub c: Vec<f32>,
}

/// Training and validation rows prepared outside a scenario (real logs, for instance), shared
/// by every member of a run (see `train::train_tables`).
#[derive(Clone, Debug)]
pub struct PreparedTables {
    /// The rows the models train on.
    pub train: HostTable,
    /// The rows the engine reports validation figures on.
    pub val: HostTable,
    /// Columns of `x`.
    pub n_features: usize,
    /// Columns of `c` (one-hot classes for `club-categorical`).
    pub confounder_width: usize,
    /// Binary outcome (cross-entropy on 0/1 labels) or continuous (squared error).
    pub binary: bool,
}

impl PreparedTables {
    /// Rejects tables whose sizes disagree with the stated widths, empty tables and values that
    /// are not finite, naming the table and the matrix.
    pub fn validate(&self) -> Result<()> {
        for (name, t) in [("training", &self.train), ("validation", &self.val)] {
            if t.n == 0 {
                return Err(Error::invalid(format!("the {name} table has no rows")));
            }
            for (matrix, values, width) in [
                ("x", &t.x, self.n_features),
                ("y", &t.y, 1),
                ("c", &t.c, self.confounder_width),
            ] {
                if width == 0 || values.len() != t.n * width {
                    return Err(Error::invalid(format!(
                        "the {name} table's `{matrix}` has {} values, not {} rows × {width}",
                        values.len(),
                        t.n
                    )));
                }
                if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                    return Err(Error::invalid(format!(
                        "the {name} table's `{matrix}` holds {} at row {}",
                        values[i],
                        i / width
                    )));
                }
            }
        }
        Ok(())
    }
}
