//! The field separator of a logs file: given, or guessed from the extension or the header line.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The field separator of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// Tab for `.tsv`, `.tab` and `.txt` files; otherwise whichever of tab, comma and semicolon
    /// the header line holds most of.
    #[default]
    Auto,
    /// `,`
    Comma,
    /// A tab.
    Tab,
    /// `;`
    Semicolon,
}

impl Delimiter {
    /// The byte, or `None` for [`Delimiter::Auto`].
    pub fn byte(self) -> Option<u8> {
        match self {
            Delimiter::Auto => None,
            Delimiter::Comma => Some(b','),
            Delimiter::Tab => Some(b'\t'),
            Delimiter::Semicolon => Some(b';'),
        }
    }

    /// The delimiter of `path` whose first line is `header`: this one, or for `Auto` the
    /// extension's or the header's.
    pub fn resolve(self, path: &Path, header: &str) -> u8 {
        if let Some(b) = self.byte() {
            return b;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if matches!(ext.as_deref(), Some("tsv" | "tab" | "txt")) {
            return b'\t';
        }
        [b',', b'\t', b';']
            .into_iter()
            .max_by_key(|&d| (header.bytes().filter(|&b| b == d).count(), d == b','))
            .unwrap_or(b',')
    }
}

impl std::str::FromStr for Delimiter {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(Delimiter::Auto),
            "," | "comma" => Ok(Delimiter::Comma),
            "\\t" | "\t" | "tab" => Ok(Delimiter::Tab),
            ";" | "semicolon" => Ok(Delimiter::Semicolon),
            other => Err(Error::invalid(format!(
                "unknown delimiter `{other}` (use auto, comma, tab or semicolon)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_follows_the_extension_or_the_header() {
        let p = Path::new("logs.csv");
        assert_eq!(Delimiter::Auto.resolve(p, "a\tb\tc"), b'\t');
        assert_eq!(Delimiter::Auto.resolve(p, "a,b;c"), b',');
        assert_eq!(Delimiter::Auto.resolve(Path::new("x.tsv"), "a,b"), b'\t');
        assert_eq!(Delimiter::Semicolon.resolve(p, "a,b"), b';');
    }
}
