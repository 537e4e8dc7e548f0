//! crl-lab's binary: the CLI, or the desktop app when no subcommand is given.

// The binary prints its errors to stderr.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

#[cfg(not(feature = "gui"))]
use clap::CommandFactory;
use crl_lab::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = match Cli::parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // One clear line, not clap's usage block.
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("{line}");
            return ExitCode::from(2);
        }
    };
    crl_lab::limits::set_process_budget(cli.max_memory_mb);
    let Some(command) = cli.command else {
        return open_app(cli.open);
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// No subcommand: open the desktop app (and the workspace file given, if any).
#[cfg(feature = "gui")]
fn open_app(workspace: Option<std::path::PathBuf>) -> ExitCode {
    match crl_lab::ui::run(workspace) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("The command-line tools work without a window: run `crl-lab --help`.");
            ExitCode::FAILURE
        }
    }
}

/// Built without the `gui` feature: say what exists instead.
#[cfg(not(feature = "gui"))]
fn open_app(_workspace: Option<std::path::PathBuf>) -> ExitCode {
    let _ = Cli::command().print_help();
    eprintln!(
        "\nThis build has no desktop app (built without the `gui` feature): use the subcommands above."
    );
    ExitCode::SUCCESS
}
