//! Loading a KuaiRand folder: from the cache when it matches the files, else from the CSV files
//! (then the cache is rewritten).

use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::cache::{CACHE_FILE_NAME, read_cache, write_cache};
use super::files::KuaiRandFiles;
use super::fingerprint::Fingerprint;
use super::parse::parse;
use super::tables::KuaiRandData;
use crate::data::logs::{LoadEvent, LoadObserver};
use crate::error::{Error, Result};

/// How a load uses the binary cache next to the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CachePolicy {
    /// Read it when it matches the files; otherwise parse and write it.
    #[default]
    Use,
    /// Parse the files and write the cache, whatever is there.
    Rebuild,
    /// Parse the files; neither read nor write the cache.
    Off,
}

impl FromStr for CachePolicy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "use" => Ok(CachePolicy::Use),
            "rebuild" => Ok(CachePolicy::Rebuild),
            "off" => Ok(CachePolicy::Off),
            other => Err(Error::invalid(format!(
                "unknown cache policy `{other}` (use use, rebuild or off)"
            ))),
        }
    }
}

/// Loads the KuaiRand-Pure or KuaiRand-1K folder `dir` (the folder with the CSV files, or the
/// one above it with a `data` folder), reporting progress to `observer`.
///
/// The CSV files are streamed record by record; only the compact parsed columns are kept, and of
/// the video files only the videos that appear in a log. A failure names the file, and for a bad
/// value its data row, line and column.
pub fn load_kuairand(
    dir: &Path,
    cache: CachePolicy,
    observer: &mut dyn LoadObserver,
) -> Result<KuaiRandData> {
    let files = KuaiRandFiles::locate(dir)?;
    if cache == CachePolicy::Off {
        return parse(&files, observer);
    }
    let path = files.dir.join(CACHE_FILE_NAME);
    let fingerprint = Fingerprint::of(&files)?;
    if cache == CachePolicy::Use && path.exists() {
        match read_cache(&path, &fingerprint) {
            Ok(data) => {
                observer.on_event(&LoadEvent::CacheUsed { path });
                return Ok(data);
            }
            Err(reason) => observer.on_event(&LoadEvent::CacheRejected {
                path: path.clone(),
                reason,
            }),
        }
    }
    let data = parse(&files, observer)?;
    // The cache only saves time: a folder we cannot write to is no reason to fail.
    match write_cache(&path, &fingerprint, &data) {
        Ok(bytes) => observer.on_event(&LoadEvent::CacheWritten { path, bytes }),
        Err(e) => observer.on_event(&LoadEvent::CacheNotWritten {
            path,
            reason: e.to_string(),
        }),
    }
    Ok(data)
}
