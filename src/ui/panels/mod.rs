//! The app's panels and the views inside them. Each reads the app through an `AppView` or its
//! own arguments and pushes commands; none changes the app's state itself.

mod about;
mod calibration;
mod central;
mod data;
mod discard;
mod file_menu;
mod graph;
mod grid_export;
mod grid_results;
mod inspector;
mod lesson;
mod limits;
mod log_sources;
mod logs;
mod menu;
mod node_parts;
mod pinned;
mod plots;
mod recovery;
mod representation;
mod scenario;
mod status;
mod training;
mod widgets;

pub use about::about_ui;
pub use central::central_ui;
pub use discard::discard_ui;
pub use grid_export::grid_export_ui;
pub use grid_results::GridResultsPanel;
pub use lesson::lesson_panel_ui;
pub use menu::menu_ui;
pub use recovery::recovery_ui;
pub use scenario::ScenarioPanel;
pub use status::status_ui;
pub use training::training_panel_ui;
