//! Floats that may be NaN in serialised results. serde_json writes NaN (and ±∞) as `null`; these
//! helpers read `null` back as NaN, so results with "no estimate" entries round-trip.

use serde::{Deserialize, Deserializer};

/// Reads a number, or `null` as NaN.
pub(crate) fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// NaN, the default of a number absent from an older file.
pub(crate) fn nan() -> f64 {
    f64::NAN
}

/// Whether `v` is NaN (such a value is left out of files that did not have it).
// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
pub(crate) fn is_nan(v: &f64) -> bool {
    v.is_nan()
}
