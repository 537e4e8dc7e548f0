//! Which standard-log rows are the past (the statistics come from them), which train the models
//! and which are held out as the in-distribution validation set (the random-exposure log is the
//! out-of-distribution test set).

use rand::seq::index;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::scm::derive_seed;

/// A split of the standard log's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Rows dated before the evaluation window, ascending: the past that item and user
    /// statistics and the popularity proxy are computed from (never trained or evaluated on).
    pub past: Vec<u32>,
    /// Training rows, ascending.
    pub train: Vec<u32>,
    /// Held-out rows (in-distribution validation), ascending.
    pub held_out: Vec<u32>,
}

/// Holds out each of `n_rows` rows independently with probability `held_out_fraction`, from one
/// ChaCha8 stream seeded by `seed`: the same arguments always give the same split, and a row's
/// fate does not depend on the rows after it. No row is past.
pub fn split_standard(n_rows: usize, held_out_fraction: f64, seed: u64) -> Result<Split> {
    split_rows(n_rows, |_| false, held_out_fraction, seed)
}

/// The temporal split of a standard log whose row r is dated `dates[r]` (as KuaiRand writes
/// dates, e.g. 20220422): rows dated before `window_start` (the first date of the evaluation
/// window, the random-exposure log's) are the past; the others are split as
/// [`split_standard`] splits, each held out with probability `held_out_fraction`.
pub fn split_by_date(
    dates: &[u32],
    window_start: u32,
    held_out_fraction: f64,
    seed: u64,
) -> Result<Split> {
    let split = split_rows(
        dates.len(),
        |r| dates[r as usize] < window_start,
        held_out_fraction,
        seed,
    )?;
    if split.past.is_empty() {
        return Err(Error::invalid(format!(
            "the standard log has no rows dated before {window_start}, the first date of the \
             random-exposure log: item statistics and the popularity proxy must come from \
             earlier rows (KuaiRand's log_standard_4_08_to_4_21 file)"
        )));
    }
    Ok(split)
}

fn split_rows(
    n_rows: usize,
    is_past: impl Fn(u32) -> bool,
    held_out_fraction: f64,
    seed: u64,
) -> Result<Split> {
    if !(held_out_fraction > 0.0 && held_out_fraction < 1.0) {
        return Err(Error::invalid(format!(
            "the held-out fraction must lie strictly between 0 and 1, not {held_out_fraction}"
        )));
    }
    if n_rows > u32::MAX as usize {
        return Err(Error::invalid(format!(
            "{n_rows} log rows are more than this loader indexes (2^32 − 1)"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, "kuairand held-out rows"));
    let mut split = Split {
        past: Vec::new(),
        train: Vec::with_capacity(n_rows),
        held_out: Vec::with_capacity((n_rows as f64 * held_out_fraction * 1.1) as usize),
    };
    for row in 0..n_rows as u32 {
        if is_past(row) {
            split.past.push(row);
        } else if rng.random::<f64>() < held_out_fraction {
            split.held_out.push(row);
        } else {
            split.train.push(row);
        }
    }
    if split.train.is_empty() || split.held_out.is_empty() {
        return Err(Error::invalid(format!(
            "splitting {} standard-log rows of the evaluation period left {} for training and \
             {} held out; both need rows",
            n_rows - split.past.len(),
            split.train.len(),
            split.held_out.len()
        )));
    }
    Ok(split)
}

/// At most `k` of `rows`, drawn without replacement from a stream seeded by `(seed, label)` and
/// returned in ascending order; all of them when `k` is 0 or at least their number.
pub fn sample_rows(rows: &[u32], k: usize, seed: u64, label: &str) -> Vec<u32> {
    if k == 0 || k >= rows.len() {
        return rows.to_vec();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, label));
    let mut picked: Vec<u32> = index::sample(&mut rng, rows.len(), k)
        .into_iter()
        .map(|i| rows[i])
        .collect();
    picked.sort_unstable();
    picked
}
