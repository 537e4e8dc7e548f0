//! The command-line interface: `crl-lab <subcommand>`; no subcommand opens the app.

mod calibrate_cmd;
mod command;
mod data_cmds;
mod export_cmds;
mod grid_cmd;
mod kuairand_cmd;
mod logs_cmd;
mod logs_report;
mod logs_run;
mod source;
mod train_cmds;

pub use command::{Cli, Command, run};
pub use source::ScenarioSource;
