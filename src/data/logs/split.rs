//! Which rows of a training log are held out: the latest by time when the log has a time column
//! (a model is then judged on what came after what it learned from), a seeded random share
//! otherwise.

use crate::error::{Error, Result};

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
