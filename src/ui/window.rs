//! The native window the app runs in.

use crate::ui::app::CrlApp;

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
