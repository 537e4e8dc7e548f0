//! FNV-1a, 64 bits: the one stable hash of the crate, for checksums, fingerprints, category keys
//! and content hashes. Stable across machines and versions (files record it), and not for
//! security.

/// FNV-1a's starting value (the 64-bit offset basis).
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a's 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of `bytes`, continuing from `h` ([`FNV_START`] for a fresh hash).
pub fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a of `bytes` as 16 lower-case hex digits (the content hash workspace files and figures
/// record).
pub fn fnv1a64_hex(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(bytes, FNV_START))
}

#[cfg(test)]
mod tests {
    use super::{FNV_START, fnv1a, fnv1a64_hex};

    #[test]
    fn published_test_vectors() {
        // The FNV authors' test vectors for FNV-1a 64.
        assert_eq!(fnv1a(b"", FNV_START), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_START), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64_hex(b"foobar"), "85944171f73967e8");
        // Hashing in two parts is hashing the whole.
        assert_eq!(
            fnv1a(b"bar", fnv1a(b"foo", FNV_START)),
            fnv1a(b"foobar", FNV_START)
        );
    }
}
