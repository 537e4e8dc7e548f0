//! The training panel's Limits section: the memory one request (a sample, a run, a log file)
//! may take before it is refused.

use egui::{DragValue, Ui};

use crate::limits::MemoryBudget;
use crate::ui::command::Command;

/// The memory limit: automatic (half the memory available, its figure now) or a number of MB.
pub fn limits_ui(ui: &mut Ui, limit_mb: Option<u64>, commands: &mut Vec<Command>) {
    egui::CollapsingHeader::new("Limits")
        .id_salt("limits")
        .show(ui, |ui| {
            let available_mb = MemoryBudget::from_memory().max_bytes / 1_000_000;
            let mut automatic = limit_mb.is_none();
            let l = ui.label("memory limit").on_hover_text(
                "The memory one request may take: the rows sampled for a run or the data view, \
                 the rows and models uploaded for training, a log file parsed. A larger \
                 request is refused with its figure before anything starts. Automatic is half \
                 the memory available when the request is made.",
            );
            ui.horizontal(|ui| {
                if ui
                    .checkbox(
                        &mut automatic,
                        format!(
                            "automatic (now {} MB)",
                            crate::limits::thousands(available_mb as usize)
                        ),
                    )
                    .labelled_by(l.id)
                    .changed()
                {
                    commands.push(Command::SetMemoryLimit(
                        (!automatic).then_some(available_mb.max(1)),
                    ));
                }
            });
            if let Some(mut mb) = limit_mb {
                let r = ui
                    .add(
                        DragValue::new(&mut mb)
                            .range(1..=u64::MAX / 1_000_000)
                            .speed(10.0)
                            .suffix(" MB"),
                    )
                    .on_hover_text("The limit in megabytes (10⁶ bytes)");
                if r.changed() {
                    commands.push(Command::SetMemoryLimit(Some(mb)));
                }
            }
        });
}
