//! Datasets: sampling a scenario into tables, model-ready host tables, CSV output, logged
//! interactions from any source (the user's own files, Yahoo! R3, Coat), and KuaiRand's real
//! logs.

mod csv_io;
mod dataset;
pub mod kuairand;
pub mod logs;
mod sample;
mod table;

pub use crate::limits::MAX_ROWS;
pub use csv_io::{SIDECAR_FORMAT, SIDECAR_VERSION, Sidecar, sidecar_path, write_csv, write_csv_to};
pub use dataset::{Column, ColumnInfo, Dataset};
pub use sample::{Sampler, sample};
pub use table::{HostTable, PreparedTables};
