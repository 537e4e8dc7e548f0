//! The lowest layer: reading and writing files so that a failure never leaves a partial file behind,
//! and every error names the path.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `path` through `write`: the bytes go to a temporary file in the same folder, which is
/// renamed over `path` only once `write` succeeded and everything is flushed. On any error the
/// temporary file is removed and `path` is left as it was.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::io(
            "cannot write",
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "the folder does not exist"),
        ));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".crl-lab-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        write(&mut w)?;
        w.flush().map_err(|e| Error::io("cannot write", path, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("cannot write", path, e))?;
    // A temporary file is private (0600); the result should read like any file the user saves:
    // keep the permissions of the file it replaces, else the usual 0644 on Unix.
    let permissions = fs::metadata(path)
        .map(|m| m.permissions())
        .ok()
        .or_else(default_permissions);
    if let Some(p) = permissions {
        tmp.as_file()
            .set_permissions(p)
            .map_err(|e| Error::io("cannot set the permissions of", path, e))?;
    }
    tmp.persist(path)
        .map_err(|e| Error::io("cannot write", path, e.error))?;
    Ok(())
}

/// Writes a string to `path` atomically.
pub fn write_string(path: &Path, text: &str) -> Result<()> {
    write_atomically(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io("cannot write", path, e))
    })
}

/// Reads a whole text file, naming the path on failure.
pub fn read_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))
}

// The `Option` is the non-unix twin's `None`: callers handle both targets alike.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}
