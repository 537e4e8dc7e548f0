//! Seeds: every random draw in crl-lab flows from an explicit user seed through these.

/// A seed derived from `seed` and a label (FNV-1a of the label, then SplitMix64 mixing), so that
/// independent uses of one user seed (training data, test sets, initialisation) never collide.
pub fn derive_seed(seed: u64, label: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    splitmix64(splitmix64(seed) ^ h)
}

/// SplitMix64's output function: a fast, well-mixed bijection of 64-bit words.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
