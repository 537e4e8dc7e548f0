//! Numbers that may move with the distribution shift.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A numeric parameter of a mechanism: either fixed, or shifting from a training value
/// (shift `s = 0`) to a test value (`s = 1`), interpolated linearly in between (method.md §3).
///
/// In scenario files a fixed parameter is a plain number and a shifting one is
/// `{"train": 2.0, "test": -2.0}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Param {
    /// The same value in every environment.
    Fixed(f64),
    /// A value that moves from `train` (s = 0) to `test` (s = 1).
    Shifting {
        /// Value in the training (logging) environment.
        train: f64,
        /// Value in the fully shifted test environment.
        test: f64,
    },
}

impl Param {
    /// The value at shift `s` in `[0, 1]`.
    pub fn at(&self, s: f64) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Shifting { train, test } => train + s * (test - train),
        }
    }

    /// The training-environment value.
    pub fn train(&self) -> f64 {
        self.at(0.0)
    }

    /// Whether the parameter changes with the shift.
    pub fn is_shifting(&self) -> bool {
        matches!(self, Param::Shifting { train, test } if train != test)
    }

    /// Whether every value it can take is finite: both ends, and the step between them that
    /// [`Param::at`] interpolates along (train 1e308, test −1e308 has finite ends but an
    /// infinite step, so every shift strictly between them would give ±inf).
    pub fn is_finite(&self) -> bool {
        match *self {
            Param::Fixed(v) => v.is_finite(),
            Param::Shifting { train, test } => {
                train.is_finite() && test.is_finite() && (test - train).is_finite()
            }
        }
    }

    /// The smallest and largest value over `s` in `[0, 1]`.
    pub fn range(&self) -> (f64, f64) {
        let (a, b) = (self.at(0.0), self.at(1.0));
        (a.min(b), a.max(b))
    }
}

impl Default for Param {
    fn default() -> Self {
        Param::Fixed(0.0)
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Fixed(v)
    }
}

/// Builds a shifting parameter.
pub fn shifting(train: f64, test: f64) -> Param {
    Param::Shifting { train, test }
}

/// Rejects a shift outside `[0, 1]` (or NaN).
pub fn check_shift(shift: f64) -> Result<()> {
    if (0.0..=1.0).contains(&shift) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "the shift must lie in [0, 1], not {shift}"
        )))
    }
}
