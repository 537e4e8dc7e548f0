//! A table of sampled rows, one column per node dimension.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scm::Role;

/// One column of a [`Dataset`]: dimension `d` of node `node` is named `node.d`.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Column name, e.g. `x_s.0`.
    pub name: String,
    /// The node the column belongs to.
    pub node: String,
    /// That node's role.
    pub role: Role,
    /// One value per row.
    pub values: Vec<f32>,
}

/// Description of a column without its values (for sidecar files).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    /// Column name.
    pub name: String,
    /// Node name.
    pub node: String,
    /// Node role.
    pub role: Role,
}

/// Rows sampled from a scenario at one shift, stored column by column.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Columns in scenario node order, dimensions in order.
    pub columns: Vec<Column>,
    /// Number of rows.
    pub n_rows: usize,
    /// The shift the rows were drawn at.
    pub shift: f64,
    /// The seed they were drawn from.
    pub seed: u64,
}

impl Dataset {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::invalid(format!("the data have no column `{name}`")))
    }

    /// Columns without values.
    pub fn column_infos(&self) -> Vec<ColumnInfo> {
        self.columns
            .iter()
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                node: c.node.clone(),
                role: c.role,
            })
            .collect()
    }

    /// Names of the columns that belong to nodes with `role`.
    pub fn columns_with_role(&self, role: Role) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.role == role)
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The named columns as a row-major matrix `[n_rows, names.len()]`.
    pub fn matrix(&self, names: &[&str]) -> Result<Vec<f32>> {
        let cols = names
            .iter()
            .map(|n| self.column(n))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(self.n_rows * cols.len());
        for r in 0..self.n_rows {
            out.extend(cols.iter().map(|c| c.values[r]));
        }
        Ok(out)
    }
}
