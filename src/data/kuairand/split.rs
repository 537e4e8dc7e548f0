//! KuaiRand's temporal split: standard-log rows dated before the evaluation window (the
//! random-exposure log's dates) are the past the statistics come from; the rows of the window
//! are split into training and held-out rows as any log's are
//! ([`split_rows`](crate::data::logs::split_rows)).

use crate::data::logs::{Split, split_rows};
use crate::error::{Error, Result};

/// The temporal split of a standard log whose row r is dated `dates[r]` (as KuaiRand writes
/// dates, e.g. 20220422): rows dated before `window_start` (the first date of the evaluation
/// window, the random-exposure log's) are the past; the others are split as
/// [`split_standard`](crate::data::logs::split_standard) splits, each held out with probability `held_out_fraction`.
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
