//! Resource limits, checked before work allocates: fixed caps on the sizes a scenario or a
//! training configuration may name (nodes, dimensions, classes, widths), and a memory budget
//! that bounds what one request may hold at once (rows × columns sampled, members × rows ×
//! columns uploaded, log rows parsed).
//!
//! A request over a limit is refused with the figure it would need, the limit, and the flag or
//! setting that changes it, before anything is allocated. The budget is half the memory
//! available when the process asks (`MemAvailable` in /proc/meminfo, 4 GiB where that cannot
//! be read) unless the user sets one: `--max-memory-mb` on the command line, or Training ▸
//! Limits ▸ memory limit in the app, which both call [`set_process_budget`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Rows one request may sample or train on.
pub const MAX_ROWS: usize = 100_000_000;
/// Nodes a scenario may have.
pub const MAX_NODES: usize = 256;
/// Dimension of one node (rows × columns is bounded by the memory budget, not by this).
pub const MAX_NODE_DIM: usize = 65_536;
/// Classes of one categorical node (its logits are one row each, and a categorical confounder
/// is one-hot encoded into this many columns).
pub const MAX_CLASSES: usize = 1_024;
/// Entries of one edge's weight matrix (rows of the child's mechanism × the parent's dimension).
pub const MAX_EDGE_WEIGHTS: usize = 4_194_304;
/// Width of one hidden layer, of z, or of a critic.
pub const MAX_WIDTH: usize = 4_096;
/// Hidden layers of the encoder.
pub const MAX_LAYERS: usize = 16;
/// Rows of one minibatch (the penalty's sub-batch makes an N × N score matrix).
pub const MAX_BATCH: usize = 65_536;
/// The budget where the available memory cannot be read.
const FALLBACK_BYTES: u64 = 4 << 30;

pub use crate::error::{BUDGET_HINT, Bytes};

/// The budget the user set for this process (0: none set, use the available memory).
static PROCESS_BUDGET: AtomicU64 = AtomicU64::new(0);

/// How much memory one request may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryBudget {
    /// Bytes the request may hold at once.
    pub max_bytes: u64,
}

impl MemoryBudget {
    /// A budget of `mb` megabytes (10⁶ bytes, as every figure here is written).
    pub fn from_mb(mb: u64) -> Self {
        MemoryBudget {
            max_bytes: mb.saturating_mul(1_000_000),
        }
    }

    /// Half the memory available now (`MemAvailable` in /proc/meminfo), or 4 GiB where that
    /// cannot be read.
    pub fn from_memory() -> Self {
        let available = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("MemAvailable:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
            .map(|kb| kb.saturating_mul(1024));
        MemoryBudget {
            max_bytes: available.map_or(FALLBACK_BYTES, |b| b / 2),
        }
    }

    /// The budget the user set for this process ([`set_process_budget`]), else
    /// [`MemoryBudget::from_memory`].
    pub fn process() -> Self {
        match PROCESS_BUDGET.load(Ordering::Relaxed) {
            0 => Self::from_memory(),
            bytes => MemoryBudget { max_bytes: bytes },
        }
    }

    /// Refuses `what` when it would take more than the budget: `bytes` is the estimate of what
    /// it holds at once.
    pub fn check(&self, what: impl fmt::Display, bytes: u64) -> Result<()> {
        if bytes <= self.max_bytes {
            return Ok(());
        }
        Err(Error::OverBudget {
            what: what.to_string(),
            needed: Bytes(bytes),
            limit: Bytes(self.max_bytes),
        })
    }
}

/// Sets the budget of every later request in this process (`None`: half the available memory).
/// The CLI calls it once from `--max-memory-mb`; the app when the user changes its setting.
pub fn set_process_budget(mb: Option<u64>) {
    let bytes = mb.map_or(0, |mb| MemoryBudget::from_mb(mb.max(1)).max_bytes);
    PROCESS_BUDGET.store(bytes, Ordering::Relaxed);
}

/// A count with thousands separated by commas: 950, 1,000, 20,000.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `a × b × …` in bytes, saturating (an estimate that overflows is over any budget).
pub fn product(factors: &[usize]) -> u64 {
    factors
        .iter()
        .fold(1u64, |acc, &f| acc.saturating_mul(f as u64))
}

/// Refuses a size over a fixed cap, naming what it is.
pub fn check_cap(what: impl fmt::Display, value: usize, cap: usize) -> Result<()> {
    if value <= cap {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{what} is {value}, more than the limit of {cap}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_over_the_budget_names_both_figures_and_the_way_to_change_it() {
        let budget = MemoryBudget::from_mb(100);
        assert!(budget.check("small", 100_000_000).is_ok());
        let e = budget
            .check("the training rows", 8_000_000_000)
            .expect_err("over");
        let text = e.to_string();
        assert!(text.contains("the training rows"), "{text}");
        assert!(text.contains("8.0 GB"), "{text}");
        assert!(text.contains("100 MB"), "{text}");
        assert!(text.contains("--max-memory-mb"), "{text}");
    }

    #[test]
    fn products_saturate_instead_of_wrapping() {
        assert_eq!(product(&[3, 4, 5]), 60);
        assert_eq!(product(&[usize::MAX, usize::MAX, 8]), u64::MAX);
    }

    #[test]
    fn caps_name_the_size() {
        let e = check_cap("node `c`'s classes", 100_000_000, MAX_CLASSES).expect_err("cap");
        assert_eq!(
            e.to_string(),
            "node `c`'s classes is 100000000, more than the limit of 1024"
        );
    }
}
