//! What the two public rating data sets with a randomly assigned test set share: Yahoo! R3
//! (Marlin and Zemel 2009) and Coat (Schnabel et al. 2016). Both have a self-selected training
//! set (users rated what they chose to) and a test set of ratings of items assigned at random.
//! The outcome is a rating at or above a threshold, the inputs the user and item ids (and
//! Coat's features), and the confounder proxy the item's popularity in the training set.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::mapping::{LogMapping, MAX_BUCKETS};
use super::progress::{LoadEvent, LoadObserver};
use crate::error::{Error, Result};

/// How a rating data set becomes logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingOptions {
    /// A rating at or above this is a positive outcome.
    pub threshold: f64,
    /// Buckets of the user id.
    pub user_buckets: usize,
    /// Buckets of the item id.
    pub item_buckets: usize,
    /// Quantile classes of the item's popularity (the confounder proxy).
    pub popularity_buckets: usize,
}

impl Default for RatingOptions {
    fn default() -> Self {
        RatingOptions {
            threshold: 4.0,
            user_buckets: 128,
            item_buckets: 256,
            popularity_buckets: 8,
        }
    }
}

impl RatingOptions {
    /// The mapping of `user`, `item`, `rating` columns (and `numeric` ones).
    pub fn mapping(&self, numeric: Vec<String>) -> Result<LogMapping> {
        for (what, b) in [("user", self.user_buckets), ("item", self.item_buckets)] {
            if !(1..=MAX_BUCKETS).contains(&b) {
                return Err(Error::invalid(format!(
                    "the {what} buckets must lie in 1..={MAX_BUCKETS}, not {b}"
                )));
            }
        }
        let m = LogMapping {
            outcome: "rating".into(),
            outcome_threshold: Some(self.threshold),
            numeric,
            categorical: vec!["user".into(), "item".into()],
            popularity_of: Some("item".into()),
            user: Some("user".into()),
            column_buckets: [
                ("user".to_owned(), self.user_buckets),
                ("item".to_owned(), self.item_buckets),
            ]
            .into(),
            popularity_buckets: self.popularity_buckets,
            ..LogMapping::default()
        };
        m.validate()?;
        Ok(m)
    }
}

/// The first of `names` found in `dir` or in a folder directly below it.
pub(super) fn find_file(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    let mut dirs = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut subs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        subs.sort();
        dirs.extend(subs);
    }
    dirs.iter()
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// Calls `row(line number, fields)` for each non-empty line of the whitespace-separated text file
/// `path`, reporting progress to `observer`.
pub(super) fn for_each_line(
    path: &Path,
    observer: &mut dyn LoadObserver,
    mut row: impl FnMut(u64, &[&str]) -> Result<()>,
) -> Result<()> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let f = std::fs::File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let total = f.metadata().map_or(0, |m| m.len());
    let event = |done| LoadEvent::Reading {
        file: name.clone(),
        bytes_done: done,
        bytes_total: total,
    };
    observer.on_event(&event(0));
    let mut reader = BufReader::new(f);
    let (mut line, mut done, mut number) = (String::new(), 0u64, 0u64);
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| Error::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        number += 1;
        done += n as u64;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if !fields.is_empty() {
            row(number, &fields)?;
        }
        if number % 65_536 == 0 {
            observer.on_event(&event(done));
            if observer.stop_requested() {
                return Err(Error::Cancelled);
            }
        }
    }
    observer.on_event(&event(total));
    Ok(())
}
