//! How each area's commands change the app, one file per area; `CrlApp::handle_command`
//! dispatches here.

mod calibration;
mod edit;
mod export;
mod grid;
mod lesson;
mod log_columns;
mod logs;
mod pinned;
mod session;
mod training;
