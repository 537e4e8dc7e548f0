//! The desktop app (eframe/egui), behind the `gui` feature. A thin layer: widgets push
//! [`Command`]s that [`CrlApp::handle_command`] applies; training runs on a worker thread that
//! reports through the engine's observer.

mod app;
mod calibration;
mod command;
mod data_view;
mod files;
mod graph;
mod inspector;
mod kuairand;
mod plots;
mod state;
mod theme;
mod training;
mod worker;

pub use app::{AppOptions, CrlApp, Notice};
pub use command::{Command, History, Selection, Snapshot};
pub use graph::auto_layout;
pub use state::{AppState, Layout, Tab};

/// Opens the app window and runs until it is closed.
pub fn run() -> Result<(), String> {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Wgpu,
        viewport: egui::ViewportBuilder::default()
            .with_title("crl-lab")
            .with_app_id("crl-lab")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([1000.0, 640.0]),
        ..Default::default()
    };
    eframe::run_native(
        "crl-lab",
        options,
        Box::new(|cc| Ok(Box::new(CrlApp::new(cc)))),
    )
    .map_err(|e| format!("cannot open the app window: {e}"))
}
