//! How numbers read in the names of curves and in legends.

/// A number without trailing zeros: 10, 0.5, 0.125.
pub fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

pub use crate::limits::thousands;

/// A share as a percentage that never rounds a small part to 0% or a large one to 100%: whole
/// percents in between, one decimal near the ends, "< 0.1%" below that.
pub fn percent(share: f64) -> String {
    let p = 100.0 * share;
    if p > 0.0 && p < 0.05 {
        "< 0.1%".into()
    } else if p < 1.0 || (p > 99.0 && p < 100.0) {
        format!("{}%", trim_to(p.min(99.9), 1))
    } else {
        format!("{p:.0}%")
    }
}

fn trim_to(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_separators() {
        for (n, text) in [
            (0, "0"),
            (950, "950"),
            (1_000, "1,000"),
            (20_000, "20,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), text);
        }
        assert_eq!(trim(0.5), "0.5");
        for (share, text) in [
            (0.0, "0%"),
            (0.0002, "< 0.1%"),
            (0.0026, "0.3%"),
            (0.79, "79%"),
            (0.9975, "99.8%"),
            (0.99999, "99.9%"),
            (1.0, "100%"),
        ] {
            assert_eq!(percent(share), text);
        }
    }
}
