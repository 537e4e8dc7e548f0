//! Recovery files: the app's whole session (a workspace with its results), written atomically
//! while it changes so that a crash or a kill loses at most the last few seconds. One file per
//! running app (`session-<pid>.json` in the recovery folder), removed when the app closes
//! cleanly; a file whose process is gone is what an unclean exit left, and the next start offers
//! to restore it.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::workspace::Workspace;
use crate::error::{Error, Result};
use crate::fs::{read_string, write_string};

/// The `format` field of every recovery file.
pub const RECOVERY_FORMAT: &str = "crl-lab-recovery";
/// The version this build writes and reads.
pub const RECOVERY_VERSION: u32 = 1;

/// What a recovery file holds besides the workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    pid: u32,
    saved_unix_secs: u64,
    file: Option<String>,
}

/// A session as the app last wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// The process that wrote it.
    pub pid: u32,
    /// When it was written (seconds since the Unix epoch).
    pub saved_unix_secs: u64,
    /// The workspace file the session was opened from or saved to, if any.
    pub file: Option<PathBuf>,
    /// The session.
    pub workspace: Workspace,
}

impl Recovery {
    /// A recovery of `workspace` by this process, written now.
    pub fn now(workspace: Workspace, file: Option<PathBuf>) -> Self {
        Recovery {
            pid: std::process::id(),
            saved_unix_secs: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            file,
            workspace,
        }
    }

    /// The file's text: the header's fields and the workspace under `workspace`.
    pub fn to_json(&self) -> Result<String> {
        self.to_json_with(&self.workspace.to_json()?)
    }

    /// The file's text with the workspace's canonical text already made (the app has it from
    /// telling whether the session changed).
    pub fn to_json_with(&self, workspace_json: &str) -> Result<String> {
        let header = Header {
            format: RECOVERY_FORMAT.into(),
            version: RECOVERY_VERSION,
            pid: self.pid,
            saved_unix_secs: self.saved_unix_secs,
            file: self.file.as_ref().map(|p| p.display().to_string()),
        };
        let head = serde_json::to_string(&header)
            .map_err(|e| Error::invalid(format!("cannot encode the recovery file: {e}")))?;
        // `{…header…}` becomes `{…header…,"workspace":{…}}`.
        let head = head.strip_suffix('}').unwrap_or(&head);
        Ok(format!(
            "{head},\"workspace\":{}}}\n",
            workspace_json.trim_end()
        ))
    }

    /// Parses a recovery file's text; `label` names it in errors.
    pub fn from_json(text: &str, label: &str) -> Result<Self> {
        let bad = |detail: String| Error::BadFile {
            path: label.to_owned(),
            detail,
        };
        let mut value: Value = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not a valid recovery file (damaged or truncated?): {e}"
            ))
        })?;
        let workspace = value
            .as_object_mut()
            .and_then(|m| m.remove("workspace"))
            .ok_or_else(|| bad("not a crl-lab recovery file (no workspace)".into()))?;
        let header: Header = serde_json::from_value(value)
            .map_err(|e| bad(format!("not a crl-lab recovery file: {e}")))?;
        if header.format != RECOVERY_FORMAT || header.version != RECOVERY_VERSION {
            return Err(bad(format!(
                "format `{}` version {}, expected `{RECOVERY_FORMAT}` version {RECOVERY_VERSION}",
                header.format, header.version
            )));
        }
        let workspace = Workspace::from_json(&workspace.to_string(), label)?;
        Ok(Recovery {
            pid: header.pid,
            saved_unix_secs: header.saved_unix_secs,
            file: header.file.map(PathBuf::from),
            workspace,
        })
    }

    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self> {
        Recovery::from_json(&read_string(path)?, &path.display().to_string())
    }

    /// Writes it to `path` atomically (a failed write leaves the previous file).
    pub fn save(&self, path: &Path) -> Result<()> {
        write_string(path, &self.to_json()?)
    }
}

/// Where the process `pid` keeps its session in `dir`.
pub fn recovery_path(dir: &Path, pid: u32) -> PathBuf {
    dir.join(format!("session-{pid}.json"))
}

/// The recovery files in `dir` that an unclean exit left: those of processes no longer running
/// (never this one's), newest first. A file that cannot be read is returned with its error, so
/// the app can say so and offer to discard it.
pub fn unclean_sessions(dir: &Path) -> Vec<(PathBuf, Result<Recovery>)> {
    let own = std::process::id();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Result<Recovery>)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            let pid: u32 = name
                .strip_prefix("session-")?
                .strip_suffix(".json")?
                .parse()
                .ok()?;
            (pid != own && !process_alive(pid)).then_some(path)
        })
        .map(|path| {
            let recovery = Recovery::load(&path);
            (path, recovery)
        })
        .collect();
    let when = |r: &Result<Recovery>| r.as_ref().map_or(0, |r| r.saved_unix_secs);
    found.sort_by(|a, b| when(&b.1).cmp(&when(&a.1)).then(a.0.cmp(&b.0)));
    found
}

/// Whether the process `pid` is a running crl-lab. On Linux: it has a /proc entry, is not a
/// zombie or being torn down (a process killed a moment ago still has its entry), and runs the
/// same program as this one (a pid the system gave to another program since counts as gone).
/// Elsewhere every other process's file counts as left behind.
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if !cfg!(target_os = "linux") {
        return false;
    }
    let proc_dir = Path::new("/proc").join(pid.to_string());
    let Ok(stat) = std::fs::read_to_string(proc_dir.join("stat")) else {
        return false;
    };
    // `pid (comm) S …`: the state follows the last parenthesis (comm may hold one).
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    if matches!(state, Some('Z' | 'X' | 'x') | None) {
        return false;
    }
    let comm = |dir: &Path| std::fs::read_to_string(dir.join("comm")).ok();
    comm(&proc_dir) == comm(Path::new("/proc/self"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_file_round_trips_and_names_its_process() {
        let ws = Workspace::from_preset("anti-causal").expect("preset");
        let r = Recovery::now(ws, Some(PathBuf::from("/tmp/mine.json")));
        let text = r.to_json().expect("encode");
        assert_eq!(Recovery::from_json(&text, "t").expect("decode"), r);
        let e = Recovery::from_json(&text.replace("crl-lab-recovery", "other"), "f.json")
            .expect_err("format");
        assert!(e.to_string().starts_with("f.json: format `other`"), "{e}");
        assert!(Recovery::from_json(&text[..text.len() / 2], "t").is_err());
    }

    #[test]
    fn only_a_running_crl_lab_counts_as_alive() {
        assert!(process_alive(std::process::id()));
        // Above Linux's largest pid: no such process.
        assert!(!process_alive(4_194_305));
        if cfg!(target_os = "linux") && std::process::id() != 1 {
            // pid 1 runs, but another program.
            assert!(!process_alive(1));
        }
    }
}
