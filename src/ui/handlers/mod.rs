//! How each area's commands change the app, one file per area; `CrlApp::handle_command`
//! dispatches here, and what the worker threads send comes back here too. Handlers decide;
//! workers do (no handler reads or writes a file or samples: `tests/layers.rs` checks).

mod calibration;
mod data;
mod edit;
mod export;
mod files;
mod grid;
mod jobs;
mod lesson;
mod log_columns;
mod logs;
mod pinned;
mod session;
mod training;
