//! The native window the app runs in.

use crate::ui::app::CrlApp;

/// Opens the app window (and `workspace` in it, if given) and runs until it is closed.
pub fn run(workspace: Option<std::path::PathBuf>) -> Result<(), String> {
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
        Box::new(move |cc| {
            let mut app = CrlApp::new(cc);
            if let Some(path) = workspace {
                // A damaged or missing file says so in the status bar; the app opens anyway.
                app.open_workspace(&path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the app window: {e}"))
}
