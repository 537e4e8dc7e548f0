//! KuaiRand: the six CSV files of a release, and the binary cache written beside them.

use crl_lab::data::kuairand::{
    CACHE_VERSION, CachePolicy, ConfounderProxy, EncodeOptions, Encoder, KuaiRandData, LogKind,
    QuietLoad, Variant, decode_kuairand_cache, load_kuairand, split_by_date,
};
use crl_lab::hash::{FNV_START, fnv1a};

use super::{parts, with_files};

/// Rows of each log encoded after a load: every code path, little time.
const ENCODE_ROWS: usize = 16;

/// The six CSV files of KuaiRand-Pure, in the release's order (the two standard logs, the
/// random-exposure log, users, video basics, video statistics), separated by [`super::SEP`],
/// written to a folder under the release's names and loaded as `crl-lab kuairand` loads one
/// (without the cache). What loads then goes through a run's preparation (the split by date,
/// the encoder and the encoding of a few rows), and the cache written from it must read back
/// to the same data. True when the files load.
pub fn kuairand_csv(data: &[u8]) -> bool {
    let names = Variant::Pure.file_names();
    let contents = parts::<6>(data);
    let files: Vec<(&str, &[u8])> = names.iter().map(String::as_str).zip(contents).collect();
    with_files(&files, |dir| {
        let Ok(d) = load_kuairand(dir, CachePolicy::Off, &mut QuietLoad) else {
            return false;
        };
        prepare(&d);
        // The first load writes the cache, the second reads it.
        let written = load_kuairand(dir, CachePolicy::Rebuild, &mut QuietLoad)
            .unwrap_or_else(|e| panic!("the second load of the same files failed: {e}"));
        let cached = load_kuairand(dir, CachePolicy::Use, &mut QuietLoad)
            .unwrap_or_else(|e| panic!("the load from the cache failed: {e}"));
        // Debug text: missing numbers are NaN, and NaN != NaN.
        assert_eq!(format!("{written:?}"), format!("{d:?}"));
        assert_eq!(
            format!("{cached:?}"),
            format!("{d:?}"),
            "the cache did not read back to the parsed data"
        );
        true
    })
}

/// A cache file. The first byte picks how the rest is read: even, as a whole file; odd, as a
/// cache's body behind a header with the right length and checksum (so that the tables are
/// decoded, not just the checksum refused). What decodes then goes through a run's
/// preparation, as a folder's files would. True when it decodes.
pub fn kuairand_cache(data: &[u8]) -> bool {
    let Some((&mode, rest)) = data.split_first() else {
        return false;
    };
    let bytes = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        cache_file(rest)
    };
    let Ok(d) = decode_kuairand_cache(&bytes) else {
        return false;
    };
    prepare(&d);
    true
}

/// A cache file around `body`: magic, version, length and FNV-1a checksum (the layout in
/// `src/data/kuairand/cache.rs`).
pub fn cache_file(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(28 + body.len());
    out.extend_from_slice(b"CRLKRAND");
    out.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv1a(body, FNV_START).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// What `crl-lab kuairand` does with loaded data before it trains, on a few rows.
fn prepare(d: &KuaiRandData) {
    let window = d.random.date.iter().copied().min().unwrap_or(0);
    let Ok(split) = split_by_date(&d.standard.date, window, 0.3, 1) else {
        return;
    };
    let random: Vec<u32> = (0..d.random.len().min(ENCODE_ROWS) as u32).collect();
    for options in [
        EncodeOptions::default(),
        EncodeOptions {
            confounder: ConfounderProxy::Popularity,
            use_statistics_file: true,
            id_buckets: 3,
            ..EncodeOptions::default()
        },
    ] {
        let Ok(encoder) = Encoder::fit(d, &split.train, &split.past, &options) else {
            continue;
        };
        let some = |rows: &[u32]| rows[..rows.len().min(ENCODE_ROWS)].to_vec();
        encoder.encode(d, LogKind::Standard, &some(&split.train));
        encoder.encode(d, LogKind::Standard, &some(&split.held_out));
        encoder.encode(d, LogKind::Random, &random);
    }
}
