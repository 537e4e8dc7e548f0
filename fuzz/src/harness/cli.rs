//! The command line: clap's parser over whole argument lists, and the parsers of the values
//! that clap passes through as text (shift grids, β lists) or parses with `FromStr`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::str::FromStr;

use crl_lab::cli::Cli;
use crl_lab::data::kuairand::{CachePolicy, ConfounderProxy, Outcome};
use crl_lab::data::logs::Delimiter;
use crl_lab::experiment::{MAX_SHIFTS, parse_betas, parse_grid};
use crl_lab::export::{FigureFormat, FigureWidth, PlotKind};
use crl_lab::mi::EstimatorKind;
use crl_lab::train::DeviceChoice;

/// An argument list, one argument per line (any bytes: arguments need not be UTF-8), parsed
/// as `crl-lab` parses its own (`Cli::parse_args`); nothing is run. An error renders to the message the binary
/// prints. True when the arguments parse.
pub fn cli_args(data: &[u8]) -> bool {
    let args = std::iter::once(OsStr::new("crl-lab"))
        .chain(data.split(|&b| b == b'\n').map(OsStr::from_bytes));
    match Cli::parse_args(args) {
        Ok(cli) => {
            let _ = format!("{cli:?}");
            true
        }
        Err(e) => {
            // What the binary prints for a refused line. Help and version text (not errors)
            // depend on the input only through the subcommand, and rendering them would take
            // most of the fuzzer's time.
            if e.use_stderr() {
                let _ = e.to_string();
            }
            false
        }
    }
}

/// One value, given to every parser of a value the CLI (or a workspace's settings) reads
/// from text. A grid that parses is checked. True when any parser accepts it.
pub fn cli_values(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let grid = parse_grid(text);
    if let Ok(grid) = &grid {
        assert!(
            grid.len() <= MAX_SHIFTS,
            "`{text}` parsed to {} shifts",
            grid.len()
        );
        assert!(
            grid.iter().all(|s| (0.0..=1.0).contains(s)),
            "`{text}` parsed to a shift outside [0, 1]"
        );
    }
    let betas = parse_betas(text);
    if let Ok(betas) = &betas {
        assert!(betas.iter().all(|b| b.is_finite() && *b >= 0.0));
    }
    [
        grid.is_ok(),
        betas.is_ok(),
        EstimatorKind::from_str(text).is_ok(),
        DeviceChoice::from_str(text).is_ok(),
        CachePolicy::from_str(text).is_ok(),
        Delimiter::from_str(text).is_ok(),
        PlotKind::from_str(text).is_ok(),
        FigureFormat::from_str(text).is_ok(),
        FigureWidth::from_str(text).is_ok(),
        Outcome::from_str(text).is_ok(),
        ConfounderProxy::from_str(text).is_ok(),
    ]
    .contains(&true)
}
