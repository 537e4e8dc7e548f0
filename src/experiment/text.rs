//! How numbers read in the names of curves and in legends.

/// A number without trailing zeros: 10, 0.5, 0.125.
pub fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}
