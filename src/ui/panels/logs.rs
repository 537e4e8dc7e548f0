//! The real-logs view: pick a source (a downloaded KuaiRand-Pure or KuaiRand-1K folder, your own
//! logs, Yahoo! R3 or Coat; each source's inputs are in `log_sources`), train the baseline and
//! the CRL model on the logging policy's rows and compare them on held-out rows and on the test
//! log (random exposure). Loss and MI go to the usual plots; the metrics table is shown here.

use egui::{Button, DragValue, RichText, Ui};

use crate::experiment::{BASE_RATE, EvalSet, ITEM_RATE};
use crate::ui::command::Command;
use crate::ui::results::LogsView;
use crate::ui::state::{LogSourceKind, LogsForm};
use crate::ui::theme;

use super::log_sources::{files_ui, kuairand_folder_ui, ratings_ui};
use super::widgets::labelled_ui;

/// Shows the view: the source and its settings, the train button, and the last run's table.
pub fn logs_ui(ui: &mut Ui, source: &LogsForm, view: &LogsView, commands: &mut Vec<Command>) {
    form_ui(ui, source, view, commands);
    train_row_ui(ui, source, view, commands);
    if let Some(e) = &view.error {
        ui.colored_label(theme::ERROR, e);
    }
    if let Some(c) = &view.caption {
        ui.weak(c);
    }
    if !view.summary.is_empty() {
        table_ui(ui, source.kind, view);
    }
}

/// The source picker, the source's own inputs, and the β and rows of a run; a change is sent
/// as the whole form.
fn form_ui(ui: &mut Ui, source: &LogsForm, view: &LogsView, commands: &mut Vec<Command>) {
    let mut s = source.clone();
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label("source");
        for k in LogSourceKind::ALL {
            changed |= ui.selectable_value(&mut s.kind, k, k.label()).changed();
        }
    });
    ui.add_space(2.0);
    match s.kind {
        LogSourceKind::KuaiRand => changed |= kuairand_folder_ui(ui, &mut s, commands),
        LogSourceKind::Files => changed |= files_ui(ui, &mut s, view, commands),
        LogSourceKind::YahooR3 | LogSourceKind::Coat => {
            changed |= ratings_ui(ui, &mut s, commands);
        }
    }
    ui.horizontal(|ui| {
        changed |= labelled_ui(
            ui,
            "β",
            "Penalty weight of the CRL model on these logs (1–10; 3 is steady)",
            DragValue::new(&mut s.beta).range(0.0..=100.0).speed(0.1),
        )
        .changed();
        changed |= labelled_ui(
            ui,
            "training rows",
            "Rows of the training log the models train on at most (10,000–1,000,000)",
            DragValue::new(&mut s.n_train)
                .range(1000..=5_000_000)
                .speed(1000.0),
        )
        .changed();
        ui.weak("other settings: the training panel (steps, seeds, widths, estimator, device)");
    });
    if changed {
        commands.push(Command::SetLogsForm(Box::new(s)));
    }
}

/// The train button (its label names the source) and, while a run goes, its loading line.
fn train_row_ui(ui: &mut Ui, source: &LogsForm, view: &LogsView, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let (label, ready) = match source.kind {
            LogSourceKind::KuaiRand => ("Train on KuaiRand", !source.dir.trim().is_empty()),
            LogSourceKind::Files => (
                "Train on your logs",
                !source.train_file.trim().is_empty() && !source.roles.is_empty(),
            ),
            LogSourceKind::YahooR3 => ("Train on Yahoo! R3", !source.ratings_dir.trim().is_empty()),
            LogSourceKind::Coat => ("Train on Coat", !source.ratings_dir.trim().is_empty()),
        };
        if ui
            .add_enabled(
                ready && !view.running,
                Button::new(RichText::new(label).strong()),
            )
            .on_hover_text("Read the logs, train both models, evaluate them")
            .clicked()
        {
            commands.push(Command::StartLogs);
        }
        if view.running {
            ui.spinner();
            ui.label(&view.status);
        }
    });
}

/// The metrics of both models and the references without training, per set.
fn table_ui(ui: &mut Ui, kind: LogSourceKind, view: &LogsView) {
    ui.add_space(6.0);
    egui::Grid::new("kuairand-table")
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for h in ["model", "set", "AUC", "log-loss", "GAUC", "NDCG@10"] {
                ui.strong(h);
            }
            ui.end_row();
            for r in &view.summary {
                let name = if r.model.is_baseline() {
                    "baseline".to_owned()
                } else {
                    format!("CRL (β = {})", r.beta)
                };
                ui.label(RichText::new(name).color(theme::model_colour(r.model)));
                ui.label(set_name(kind, r.set));
                let cell = |m: f64, s: f64| format!("{m:.4} ± {s:.4}");
                ui.label(cell(r.mean.auc, r.std.auc));
                ui.label(cell(r.mean.logloss, r.std.logloss));
                ui.label(cell(r.mean.gauc, r.std.gauc));
                ui.label(cell(r.mean.ndcg10, r.std.ndcg10));
                ui.end_row();
            }
            // What "better" means: predictors without training, on the same rows.
            for r in &view.references {
                ui.weak(&r.name)
                    .on_hover_text(if r.name == BASE_RATE {
                        "Every row scored by the training rows' rate of the outcome"
                    } else if r.name == ITEM_RATE {
                        "Every row scored by its item's rate among the training rows"
                    } else {
                        "Every row scored by its video's rate among the rows before the random log's dates"
                    });
                ui.weak(set_name(kind, r.set));
                for v in [r.metrics.auc, r.metrics.logloss, r.metrics.gauc, r.metrics.ndcg10] {
                    ui.weak(format!("{v:.4}"));
                }
                ui.end_row();
            }
        });
    for w in &view.warnings {
        ui.colored_label(theme::ERROR, w);
    }
}

fn set_name(kind: LogSourceKind, set: EvalSet) -> &'static str {
    match (kind, set) {
        (LogSourceKind::KuaiRand, EvalSet::InDistribution) => "held-out standard logs",
        (LogSourceKind::KuaiRand, EvalSet::RandomExposure) => "random exposure (OOD)",
        (LogSourceKind::Files, EvalSet::RandomExposure) => "test log (OOD)",
        (_, EvalSet::InDistribution) => "held-out training rows",
        (_, EvalSet::RandomExposure) => "random test ratings (OOD)",
    }
}
