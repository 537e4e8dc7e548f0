//! Categories as keys and buckets: a category's key (the integer itself, or the FNV-1a hash of
//! its text, see [`crate::hash`]) and the bucket it lands in. Shared by every log source, so a
//! value means the same bucket whichever file it came from.

use crate::hash::{FNV_START, fnv1a};

/// The key of a category's text: the value itself when the text is a non-negative integer
/// (also written as `12.0`), else the text's FNV-1a hash. A category lands in bucket
/// `key mod buckets`, so a field with as many buckets as values is an exact one-hot and ids
/// spread evenly.
pub fn category_key(text: &str) -> u64 {
    text.parse::<u64>()
        .ok()
        .or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0 && *f < 9.0e15)
                .map(|f| f as u64)
        })
        .unwrap_or_else(|| fnv1a(text.as_bytes(), FNV_START))
}

/// The bucket of a category's text among `buckets`: [`category_key`] modulo the buckets.
pub fn bucket_of(text: &str, buckets: usize) -> usize {
    (category_key(text) % buckets.max(1) as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_their_own_key_and_text_is_hashed() {
        assert_eq!(category_key("17"), 17);
        assert_eq!(category_key("17.0"), 17);
        assert_eq!(bucket_of("17", 10), 7);
        // FNV-1a of "a" (the published test vector).
        assert_eq!(category_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(bucket_of("-3", 1), 0);
    }
}
