//! Which rows of a training log are held out: the latest by time when the log has a time column
//! (a model is then judged on what came after what it learned from), a seeded random share
//! otherwise (with, for KuaiRand, the rows before the evaluation window set aside as the past);
//! and the seeded samples of rows the models train and validate on.

use rand::seq::index;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::scm::derive_seed;

/// A split of a training log's rows (for KuaiRand, its standard log).
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

/// Splits rows `0..n_rows`: those `is_past` says are the past; each other one held out with
/// probability `held_out_fraction` from one ChaCha8 stream seeded by `seed` (its label,
/// "kuairand held-out rows", is kept for every source so that a seed gives the same split as
/// before), the rest training rows.
pub fn split_rows(
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

/// Training rows and held-out rows of a training log, each ascending.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSplit {
    /// Rows the models may train on.
    pub train: Vec<u32>,
    /// Held-out rows (validation and the in-distribution set).
    pub held_out: Vec<u32>,
    /// The first held-out time.
    pub cut: f64,
}

/// Holds out the latest `fraction` of the rows dated `times` (ties at the cut go to the held-out
/// rows, so no held-out row is earlier than a training row).
pub fn split_by_time(times: &[f64], fraction: f64) -> Result<TimeSplit> {
    if !(fraction > 0.0 && fraction < 1.0) {
        return Err(Error::invalid(format!(
            "the held-out fraction must lie strictly between 0 and 1, not {fraction}"
        )));
    }
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let k = ((times.len() as f64) * (1.0 - fraction)).floor() as usize;
    let Some(&cut) = sorted.get(k.min(sorted.len().saturating_sub(1))) else {
        return Err(Error::invalid("the training log has no rows to split"));
    };
    let (mut train, mut held_out) = (Vec::new(), Vec::new());
    for (r, &t) in times.iter().enumerate() {
        if t >= cut {
            held_out.push(r as u32);
        } else {
            train.push(r as u32);
        }
    }
    if train.is_empty() || held_out.is_empty() {
        return Err(Error::invalid(format!(
            "holding out the rows dated {cut} or later leaves {} training and {} held-out rows; \
             both need rows (are all the times equal?)",
            train.len(),
            held_out.len()
        )));
    }
    Ok(TimeSplit {
        train,
        held_out,
        cut,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_rows_are_held_out() {
        let s = split_by_time(&[5.0, 1.0, 4.0, 2.0, 3.0], 0.4).unwrap();
        assert_eq!(s.held_out, vec![0, 2]);
        assert_eq!(s.train, vec![1, 3, 4]);
        assert_eq!(s.cut, 4.0);
        let e = split_by_time(&[1.0, 1.0], 0.5).unwrap_err().to_string();
        assert!(e.contains("are all the times equal"), "{e}");
    }
}
