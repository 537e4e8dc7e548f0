//! The real-logs view: pick a source (a downloaded KuaiRand-Pure or KuaiRand-1K folder, your own
//! logs, Yahoo! R3 or Coat), train the baseline and the CRL model on the logging policy's rows
//! and compare them on held-out rows and on the test log (random exposure). Loss and MI go to
//! the usual plots; the metrics table is shown here.

use egui::{Button, DragValue, RichText, Ui};

use crate::data::kuairand::LEAKAGE_WARNING;
use crate::experiment::{BASE_RATE, EvalSet, ITEM_RATE};
use crate::ui::command::Command;
use crate::ui::dialogs::pick_folder;
use crate::ui::results::KuaiRandResults;
use crate::ui::state::{KuaiRandSource, LogSourceKind};
use crate::ui::theme;

use super::logs::{files_ui, ratings_ui};
use super::widgets::labelled_ui;

/// Shows the view.
pub fn kuairand_ui(
    ui: &mut Ui,
    source: &KuaiRandSource,
    view: &KuaiRandResults,
    commands: &mut Vec<Command>,
) {
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
        commands.push(Command::SetKuaiRandSource(Box::new(s)));
    }
    ui.horizontal(|ui| {
        let (label, ready, command) = match source.kind {
            LogSourceKind::KuaiRand => (
                "Train on KuaiRand",
                !source.dir.trim().is_empty(),
                Command::StartKuaiRand,
            ),
            LogSourceKind::Files => (
                "Train on your logs",
                !source.train_file.trim().is_empty() && !source.roles.is_empty(),
                Command::StartLogs,
            ),
            LogSourceKind::YahooR3 => (
                "Train on Yahoo! R3",
                !source.ratings_dir.trim().is_empty(),
                Command::StartLogs,
            ),
            LogSourceKind::Coat => (
                "Train on Coat",
                !source.ratings_dir.trim().is_empty(),
                Command::StartLogs,
            ),
        };
        if ui
            .add_enabled(
                ready && !view.running,
                Button::new(RichText::new(label).strong()),
            )
            .on_hover_text("Read the logs, train both models, evaluate them")
            .clicked()
        {
            commands.push(command);
        }
        if view.running {
            ui.spinner();
            ui.label(&view.status);
        }
    });
    if let Some(e) = &view.error {
        ui.colored_label(theme::ERROR, e);
    }
    if let Some(c) = &view.caption {
        ui.weak(c);
    }
    if view.summary.is_empty() {
        return;
    }
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
                ui.label(set_name(source.kind, r.set));
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
                ui.weak(set_name(source.kind, r.set));
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

/// The KuaiRand source: its folder. Returns whether `s` changed.
fn kuairand_folder_ui(ui: &mut Ui, s: &mut KuaiRandSource, commands: &mut Vec<Command>) -> bool {
    ui.label(
        "Train on a recommender's own logs (policy-confounded) and test on KuaiRand's \
         random-exposure log. Download KuaiRand-Pure or KuaiRand-1K from kuairand.com and pick \
         the folder with its CSV files.",
    );
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label("folder");
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut s.dir)
                    .desired_width((ui.available_width() - 90.0).clamp(160.0, 420.0))
                    .hint_text("/path/to/KuaiRand-Pure"),
            )
            .labelled_by(l.id)
            .on_hover_text("The KuaiRand folder (or its `data` folder); type a path or browse")
            .changed();
        if ui
            .button("Browse…")
            .on_hover_text("Pick the folder in a dialog")
            .clicked()
        {
            // Without a desktop portal (Xvfb, CI) the dialog returns None at once: the typed
            // path stays the way in.
            commands.push(Command::SetKuaiRandFolder(pick_folder("KuaiRand folder")));
        }
    });
    changed |= ui
        .checkbox(
            &mut s.use_statistics_file,
            "also use video_features_statistic (leaks the test period)",
        )
        .on_hover_text(LEAKAGE_WARNING)
        .changed();
    if s.use_statistics_file {
        ui.colored_label(
            theme::ERROR,
            "The statistics file aggregates over the random log's dates and sums the outcome: \
             the held-out and random-exposure numbers will not be trustworthy.",
        );
    }
    changed
}
