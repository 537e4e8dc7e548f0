//! Test sets scored while training runs: uploaded once, then at every report one forward pass
//! of every member over them (no gradients), so results fill in as the run goes and the final
//! scores are those of the last step.

use burn::tensor::{Device, Tensor, TensorData};

use super::device::read_back;
use crate::data::HostTable;
use crate::error::Result;
use crate::models::Predictor;

/// Test sets the engine scores at reports (one per shift of a grid, say).
#[derive(Clone, Debug)]
pub struct TestSets {
    /// The sets' rows, with the problem's feature columns.
    pub tables: Vec<HostTable>,
    /// Rows of each set scored at a report before the last (its first rows, the same at every
    /// report); 0 scores only after the last step. The last report scores every row.
    pub live_rows: usize,
}

impl TestSets {
    /// Rows of each set at a report: every row at the `last` one, `live_rows` before it (0 when
    /// nothing is scored then).
    pub fn rows_at(&self, last: bool) -> usize {
        let n = self.tables.iter().map(|t| t.n).min().unwrap_or(0);
        if last { n } else { self.live_rows.min(n) }
    }
}

/// Every member's outputs on every test set at one report.
#[derive(Clone, Debug, PartialEq)]
pub struct TestOutputs {
    /// The model step they reflect.
    pub step: usize,
    /// Rows scored per set (the first rows of each).
    pub rows: usize,
    /// `[set][member][row]`: logits (binary) or standardised values.
    pub outputs: Vec<Vec<Vec<f32>>>,
    /// `[set][member]`: the representation z of the first `z_rows` rows, row-major
    /// (`z_rows × z_dim`), from the same forward pass.
    pub z: Vec<Vec<Vec<f32>>>,
    /// Rows of each set whose z is kept ([`Z_ROWS`] at most).
    pub z_rows: usize,
    /// Width of z.
    pub z_dim: usize,
}

/// Rows of each test set whose representation is kept at a report (for the representation
/// view: enough points to see structure, few enough to read back at every report).
pub const Z_ROWS: usize = 300;

/// The sets on a device: their rows concatenated, once in full and once as the live prefixes.
pub(super) struct DeviceTests {
    full: Tensor<3>,
    live: Option<Tensor<3>>,
    sets: usize,
    rows_full: usize,
    rows_live: usize,
}

fn concat_rows(sets: &TestSets, rows: usize, width: usize, device: &Device) -> Tensor<3> {
    let mut v = Vec::with_capacity(sets.tables.len() * rows * width);
    for t in &sets.tables {
        v.extend_from_slice(&t.x[..rows * width]);
    }
    Tensor::from_data(
        TensorData::new(v, [1, sets.tables.len() * rows, width]),
        device,
    )
}

impl DeviceTests {
    /// Uploads `sets` (features `width` wide) to `device`.
    pub(super) fn upload(sets: &TestSets, width: usize, device: &Device) -> Self {
        let (rows_full, rows_live) = (sets.rows_at(true), sets.rows_at(false));
        DeviceTests {
            full: concat_rows(sets, rows_full, width, device),
            live: (rows_live > 0).then(|| concat_rows(sets, rows_live, width, device)),
            sets: sets.tables.len(),
            rows_full,
            rows_live,
        }
    }

    /// Scores every member of `pred` (off the autodiff graph) at `step`; `None` before the
    /// `last` report when no live rows are scored.
    pub(super) fn score(
        &self,
        pred: &Predictor,
        step: usize,
        last: bool,
    ) -> Result<Option<TestOutputs>> {
        let (x, rows) = match (&self.live, last) {
            (_, true) => (&self.full, self.rows_full),
            (Some(live), false) => (live, self.rows_live),
            (None, false) => return Ok(None),
        };
        let z = pred.encode(x.clone());
        let [m, _, z_dim] = z.dims();
        let z_rows = Z_ROWS.min(rows);
        let firsts: Vec<Tensor<3>> = (0..self.sets)
            .map(|s| {
                z.clone()
                    .slice([0..m, s * rows..s * rows + z_rows, 0..z_dim])
            })
            .collect();
        let z_values = read_back(Tensor::cat(firsts, 1), "representations")?;
        let out = pred.predict(z);
        let values = read_back(out, "test scores")?;
        // z_values are [M][set][row][d]; hand them out as [set][member][row × d].
        let block = z_rows * z_dim;
        let z_out = (0..self.sets)
            .map(|s| {
                (0..m)
                    .map(|i| {
                        let at = (i * self.sets + s) * block;
                        z_values[at..at + block].to_vec()
                    })
                    .collect()
            })
            .collect();
        // values are [M][set][row]; hand them out as [set][member][row].
        let per_member = self.sets * rows;
        let outputs = (0..self.sets)
            .map(|s| {
                (0..m)
                    .map(|i| {
                        let at = i * per_member + s * rows;
                        values[at..at + rows].to_vec()
                    })
                    .collect()
            })
            .collect();
        Ok(Some(TestOutputs {
            step,
            rows,
            outputs,
            z: z_out,
            z_rows,
            z_dim,
        }))
    }
}
