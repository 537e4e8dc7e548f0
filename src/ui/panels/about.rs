//! The About window: what crl-lab is for, and its shortcuts.

/// Shows the window while `open`; its close button clears `open`.
pub fn about_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("About crl-lab").open(open).collapsible(false).show(ctx, |ui| {
        ui.label("crl-lab: see causal representation learning work.");
        ui.label("Draw a causal graph, train a baseline and a CRL model side by side, and watch them part as the distribution shifts.");
        ui.separator();
        egui::Grid::new("shortcuts").show(ui, |ui| {
            for (k, v) in [
                ("Ctrl+Z", "undo"),
                ("Ctrl+Shift+Z / Ctrl+Y", "redo"),
                ("Delete", "delete the selected node or edge"),
                ("drag a node", "move it"),
                ("drag from a node's dot, or Shift-drag", "add an edge"),
                ("right-click the canvas", "add a node"),
                ("n (pointer on the canvas)", "a new node at the pointer"),
                ("c", "an edge from the selected node to the node under the pointer"),
                ("r", "rename the node under the pointer"),
                ("d", "delete the node under the pointer (or the selected one)"),
                ("o / f / k / l / e", "role: outcome, feature, confounder, latent, exposure"),
            ] {
                ui.strong(k);
                ui.label(v);
                ui.end_row();
            }
        });
    });
}
