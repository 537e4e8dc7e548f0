//! Datasets: sampled tables, CSV output, and KuaiRand's real logs.

mod csv_io;
mod dataset;
pub mod kuairand;

pub use csv_io::{SIDECAR_FORMAT, SIDECAR_VERSION, Sidecar, sidecar_path, write_csv, write_csv_to};
pub use dataset::{Column, ColumnInfo, Dataset};
