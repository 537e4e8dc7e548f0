//! The text of CSV fields crl-lab writes: numbers with six decimals, quoted strings.

/// A number with six decimals; empty for NaN (no estimate).
pub fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.6}")
    } else if v.is_nan() {
        String::new()
    } else {
        format!("{v}")
    }
}

/// A CSV field, quoted when it holds a comma or a quote.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
