//! The desktop app (eframe/egui), behind the `gui` feature. A thin layer: panels push
//! [`Command`]s that [`CrlApp::handle_command`] applies; training, logs (and their preview),
//! calibration, file reads and writes and the data view's sampling run on worker threads owned
//! by one `Jobs`, whose results a handler applies. Handlers decide; workers do.
//!
//! Files point one way. At the bottom, state and pure functions: `state`, `layout`, `command`,
//! `history`, `notice`, `results`, `files`, `theme`, `dialogs`, `frame_times`, `grid_forms`,
//! `data_samples`. Above them `worker/` (what each thread runs: training, logs and their
//! preview, calibration, the device probe, file tasks and the data view's sampling), `jobs` (who owns
//! the threads) and `autosave` (the recovery file and its writer thread); then the views in
//! `panels/` and `shortcuts`, which read an `AppView`; then `app`; then `handlers/`, whose
//! `impl CrlApp` blocks apply the commands `app` dispatches and what the jobs send, and
//! `window`.

mod app;
mod app_view;
mod autosave;
mod command;
mod data_samples;
mod dialogs;
mod files;
mod frame_times;
mod grid_forms;
mod handlers;
mod highlight;
mod history;
mod jobs;
mod layout;
mod lessons;
mod notice;
mod options;
mod panels;
mod results;
mod shortcuts;
mod state;
mod theme;
mod window;
mod worker;

pub use app::CrlApp;
pub use autosave::AUTOSAVE_EVERY;
pub use command::{Command, DiscardAnswer, LogPath, RecoveryAnswer, Selection};
pub use grid_forms::{AxisDraft, GridDraft, GridResultsView, GridShown, GridUi};
pub use history::{History, Snapshot};
pub use layout::{Layout, auto_layout};
pub use notice::Notice;
pub use options::AppOptions;
pub use state::{AppState, ColourBy, LogSourceKind, LogsForm, RepresentationView, Tab};
pub use window::run;
