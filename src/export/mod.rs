//! Files crl-lab writes: atomic writes, data tables and their sidecars.

mod atomic;

pub use atomic::{read_string, write_atomically, write_string};
