//! A compact binary copy of the parsed data, kept next to the CSV files so a second load skips
//! parsing.
//!
//! Layout (little-endian): the magic bytes `CRLKRAND`, the format version (u32), the body's
//! length (u64) and its FNV-1a checksum (u64), then the body: a fingerprint of the six source
//! files (name, size, modification time, a hash of their first and last 64 KiB), then the
//! tables column by column. A cache whose version, checksum or fingerprint does not match is
//! rejected and rebuilt; it is written atomically, so a crash never leaves half a file.

use std::path::Path;

use super::cache_codec::{Dec, Enc};
use super::files::Variant;
use super::fingerprint::Fingerprint;
use super::tables::{
    KuaiRandData, USER_CATEGORICAL, USER_NUMERIC, VIDEO_CATEGORICAL, VIDEO_NUMERIC,
};
use crate::error::{Error, Result};
use crate::fs::write_atomically;
use crate::hash::{FNV_START, fnv1a};

/// The cache's file name, in the folder that holds the CSV files.
pub const CACHE_FILE_NAME: &str = "crl-lab-kuairand.cache";
/// The cache format's version; bump it whenever the body changes.
pub const CACHE_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"CRLKRAND";

/// Writes `data` with `fingerprint` to `path` atomically; returns the bytes written.
pub(super) fn write_cache(
    path: &Path,
    fingerprint: &Fingerprint,
    data: &KuaiRandData,
) -> Result<u64> {
    let mut body = Enc(Vec::new());
    body.fingerprint(fingerprint);
    body.u8(match data.variant {
        Variant::Pure => 0,
        Variant::OneK => 1,
    });
    body.entity(&data.users);
    body.entity(&data.videos);
    body.log(&data.standard);
    body.log(&data.random);
    for n in [
        data.users_without_features,
        data.videos_without_basic,
        data.videos_without_statistic,
    ] {
        body.u64(n as u64);
    }
    let body = body.0;
    let mut head = Vec::with_capacity(28);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    head.extend_from_slice(&(body.len() as u64).to_le_bytes());
    head.extend_from_slice(&fnv1a(&body, FNV_START).to_le_bytes());
    write_atomically(path, |w| {
        w.write_all(&head)
            .and_then(|()| w.write_all(&body))
            .map_err(|e| Error::io("cannot write", path, e))
    })?;
    Ok((head.len() + body.len()) as u64)
}

/// Reads the cache at `path` if it is intact and matches `fingerprint`; otherwise says why not.
pub(super) fn read_cache(
    path: &Path,
    fingerprint: &Fingerprint,
) -> std::result::Result<KuaiRandData, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    decode(&bytes, Some(fingerprint))
}

/// Decodes the bytes of a KuaiRand cache file, checking its header, checksum and tables but not
/// whether it matches any files (what the loader does after reading the cache file; for tests
/// and fuzzing). An `Err` says why the cache would be rejected and rebuilt.
pub fn decode_kuairand_cache(bytes: &[u8]) -> std::result::Result<KuaiRandData, String> {
    decode(bytes, None)
}

/// Decodes a cache; with `fingerprint`, one written for other files is rejected before its
/// tables are read.
fn decode(
    bytes: &[u8],
    fingerprint: Option<&Fingerprint>,
) -> std::result::Result<KuaiRandData, String> {
    if bytes.len() < 28 || &bytes[..8] != MAGIC {
        return Err("not a crl-lab KuaiRand cache".into());
    }
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != CACHE_VERSION {
        return Err(format!(
            "written in format version {version}, this build reads version {CACHE_VERSION}"
        ));
    }
    let (len, checksum) = (word(12), word(20));
    let body = &bytes[28..];
    if body.len() as u64 != len {
        return Err(format!(
            "damaged: {} body bytes instead of {len}",
            body.len()
        ));
    }
    if fnv1a(body, FNV_START) != checksum {
        return Err("damaged: the checksum does not match".into());
    }
    let mut d = Dec { buf: body, at: 0 };
    let found = d.fingerprint()?;
    if fingerprint.is_some_and(|f| *f != found) {
        return Err("the KuaiRand files changed since it was written".into());
    }
    let variant = match d.u8()? {
        0 => Variant::Pure,
        1 => Variant::OneK,
        v => return Err(format!("damaged: unknown release {v}")),
    };
    let users = d.entity(&USER_NUMERIC, &USER_CATEGORICAL)?;
    let videos = d.entity(&VIDEO_NUMERIC, &VIDEO_CATEGORICAL)?;
    let standard = d.log(users.len(), videos.len())?;
    let random = d.log(users.len(), videos.len())?;
    let mut count = || d.u64().map(|v| v as usize);
    let (a, b, c) = (count()?, count()?, count()?);
    Ok(KuaiRandData {
        variant,
        users,
        videos,
        standard,
        random,
        users_without_features: a,
        videos_without_basic: b,
        videos_without_statistic: c,
    })
}
