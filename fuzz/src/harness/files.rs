//! Several files in one input, and a scratch folder to write them to: the readers a user's
//! folder reaches are fuzzed through their real entry points, paths and all.

use std::cell::RefCell;
use std::path::Path;

use tempfile::TempDir;

/// Separates the files of a multi-file input.
pub const SEP: u8 = 0x1e;

/// The first `n` parts of `data` split at [`SEP`]; missing parts are empty.
pub fn parts<const N: usize>(data: &[u8]) -> [&[u8]; N] {
    let mut out = [&data[..0]; N];
    let mut rest = data;
    for (i, slot) in out.iter_mut().enumerate() {
        if i + 1 == N {
            *slot = rest;
            break;
        }
        if let Some(at) = rest.iter().position(|&b| b == SEP) {
            *slot = &rest[..at];
            rest = &rest[at + 1..];
        } else {
            *slot = rest;
            rest = &rest[rest.len()..];
        }
    }
    out
}

/// Joins files into one multi-file input (to write seeds).
pub fn join(files: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.extend_from_slice(f);
    }
    out
}

thread_local! {
    /// This thread's scratch folder (tests run harnesses on several threads at once), on tmpfs
    /// where there is one.
    static SCRATCH: RefCell<Option<TempDir>> = const { RefCell::new(None) };
}

/// Writes `files` (paths relative to a scratch folder, and bytes) into this thread's scratch
/// folder, emptied first, and calls `f` with the folder.
pub fn with_files<R>(files: &[(&str, &[u8])], f: impl FnOnce(&Path) -> R) -> R {
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        let dir = slot.get_or_insert_with(|| {
            let shm = Path::new("/dev/shm");
            let builder = tempfile::Builder::new()
                .prefix("crl-lab-fuzz-")
                .tempdir_in(shm);
            builder
                .or_else(|_| tempfile::tempdir())
                .unwrap_or_else(|e| panic!("cannot create a scratch folder: {e}"))
        });
        let root = dir.path();
        for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
        for (name, bytes) in files {
            let path = root.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
            }
            std::fs::write(&path, bytes)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        }
        f(root)
    })
}
