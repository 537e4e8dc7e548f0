//! crl-lab's binary: the CLI, or the desktop app when no subcommand is given.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use crl_lab::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
    let Some(command) = cli.command else {
        // The desktop app arrives with the `gui` feature's UI; until then, say what exists.
        let _ = Cli::command().print_help();
        eprintln!("\nThe desktop app is not built yet: use the subcommands above.");
        return ExitCode::SUCCESS;
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
