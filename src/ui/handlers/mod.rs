//! How each area's commands change the app, one file per area; `CrlApp::handle_command`
//! dispatches here.

mod calibration;
mod edit;
mod export;
mod grid;
mod kuairand;
mod lesson;
mod logs;
mod pinned;
mod session;
mod training;
