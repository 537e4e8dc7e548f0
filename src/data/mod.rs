//! Datasets: sampling a scenario into tables, model-ready host tables, CSV output, and
//! KuaiRand's real logs.

mod csv_io;
mod dataset;
pub mod kuairand;
mod sample;
mod table;

pub use csv_io::{SIDECAR_FORMAT, SIDECAR_VERSION, Sidecar, sidecar_path, write_csv, write_csv_to};
pub use dataset::{Column, ColumnInfo, Dataset};
pub use sample::{MAX_ROWS, Sampler, sample};
pub use table::{HostTable, PreparedTables};
