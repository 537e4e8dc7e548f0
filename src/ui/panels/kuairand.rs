//! The KuaiRand view: pick a downloaded KuaiRand-Pure or KuaiRand-1K folder, train the baseline
//! and the CRL model on the policy's logs and compare them on the random-exposure log. Loss and
//! MI go to the usual plots; the metrics table is shown here.

use egui::{Button, DragValue, RichText, Ui};

use crate::experiment::{BASE_RATE, EvalSet};
use crate::ui::command::Command;
use crate::ui::dialogs::pick_folder;
use crate::ui::results::KuaiRandResults;
use crate::ui::state::KuaiRandSource;
use crate::ui::theme;

use super::widgets::labelled_ui;

/// Shows the view.
pub fn kuairand_ui(
    ui: &mut Ui,
    source: &KuaiRandSource,
    view: &KuaiRandResults,
    commands: &mut Vec<Command>,
) {
    ui.label(
        "Train on a recommender's own logs (policy-confounded) and test on KuaiRand's \
         random-exposure log. Download KuaiRand-Pure or KuaiRand-1K from kuairand.com and pick \
         the folder with its CSV files.",
    );
    let mut s = source.clone();
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label("folder");
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut s.dir)
                    .desired_width(420.0)
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
            "Rows of the standard logs the models train on (10,000–1,000,000)",
            DragValue::new(&mut s.n_train)
                .range(1000..=5_000_000)
                .speed(1000.0),
        )
        .changed();
        ui.weak("other settings: the training panel (steps, seeds, widths, estimator, device)");
    });
    if changed {
        commands.push(Command::SetKuaiRandSource(s));
    }
    ui.horizontal(|ui| {
        let can = !view.running && !source.dir.trim().is_empty();
        if ui
            .add_enabled(
                can,
                Button::new(RichText::new("Train on KuaiRand").strong()),
            )
            .on_hover_text(
                "Load the folder (cached after the first time), train both models, evaluate",
            )
            .clicked()
        {
            commands.push(Command::StartKuaiRand);
        }
        if view.running {
            ui.spinner();
            ui.label(&view.status);
        }
    });
    if let Some(e) = &view.error {
        ui.colored_label(theme::ERROR, e);
    }
    if let Some(c) = &view.counts {
        ui.weak(format!(
            "statistics from {} standard-log rows before {} · trained on {} of {} rows from then · {} held-out rows · {} random-exposure rows · {} inputs",
            c.past, c.window_start, c.train_used, c.train_split, c.held_out, c.random, c.n_features
        ));
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
                ui.label(set_name(r.set));
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
                    } else {
                        "Every row scored by its video's rate among the rows before the random log's dates"
                    });
                ui.weak(set_name(r.set));
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

fn set_name(set: EvalSet) -> &'static str {
    match set {
        EvalSet::InDistribution => "held-out standard logs",
        EvalSet::RandomExposure => "random exposure (OOD)",
    }
}
