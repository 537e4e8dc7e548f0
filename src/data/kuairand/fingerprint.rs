//! What identifies a KuaiRand folder's source files for the cache: each file's name, size,
//! modification time and a hash of its first and last bytes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::UNIX_EPOCH;

use super::files::KuaiRandFiles;
use crate::error::{Error, Result};
use crate::hash::{FNV_START, fnv1a};

/// Bytes hashed at each end of a source file for its fingerprint.
const SAMPLE_BYTES: u64 = 64 * 1024;

/// What identifies the source files: name, size, modification time and sampled content hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fingerprint(pub(super) Vec<(String, u64, u64, u64)>);

impl Fingerprint {
    /// The fingerprint of the six files as they are now.
    pub(super) fn of(files: &KuaiRandFiles) -> Result<Self> {
        let mut entries = Vec::new();
        for path in files.all() {
            let meta = std::fs::metadata(path).map_err(|e| Error::io("cannot read", path, e))?;
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            entries.push((name, meta.len(), mtime_ns, sample_hash(path, meta.len())?));
        }
        Ok(Fingerprint(entries))
    }
}

/// FNV-1a of a file's first and last [`SAMPLE_BYTES`].
fn sample_hash(path: &Path, len: u64) -> Result<u64> {
    let io = |e| Error::io("cannot read", path, e);
    let mut f = File::open(path).map_err(io)?;
    let mut buf = vec![0u8; SAMPLE_BYTES.min(len) as usize];
    f.read_exact(&mut buf).map_err(io)?;
    let mut h = fnv1a(&buf, FNV_START);
    if len > SAMPLE_BYTES {
        f.seek(SeekFrom::Start(len - SAMPLE_BYTES)).map_err(io)?;
        f.read_exact(&mut buf).map_err(io)?;
        h = fnv1a(&buf, h);
    }
    Ok(h)
}
