//! The KuaiRand data source: open a downloaded KuaiRand-Pure or KuaiRand-1K folder, train the
//! baseline and the CRL model on the policy's logs and compare them on the random-exposure log.
//! Loss and MI go to the usual plots; the metrics table is shown here.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

use egui::{Button, DragValue, RichText, Ui};
use serde::{Deserialize, Serialize};

use crate::data::kuairand::{CachePolicy, LoadEvent, load_kuairand};
use crate::experiment::{
    EvalSet, KuaiRandCounts, KuaiRandSettings, KuaiRandSummaryRow, kuairand_experiment,
};
use crate::train::{DeviceChoice, Report, RunControl, RunInfo, TrainConfig, select_device};

use super::command::Command;
use super::theme;
use super::worker::{Job, Outbox, TrainEvents, Waker};

/// What the KuaiRand view remembers between sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KuaiRandSource {
    /// The folder typed or picked.
    pub dir: String,
    /// Penalty weight of the CRL model (3 is steadier on these logs than the presets' values).
    pub beta: f64,
    /// Training rows the models see (the evaluation uses every held-out and random row).
    pub n_train: usize,
}

impl Default for KuaiRandSource {
    fn default() -> Self {
        KuaiRandSource {
            dir: String::new(),
            beta: 3.0,
            n_train: 200_000,
        }
    }
}

/// What the KuaiRand thread reports.
#[derive(Clone, Debug)]
pub enum KuaiRandMsg {
    /// Reading a file: name and fraction done.
    Loading(String, f32),
    /// Training started.
    Started(RunInfo),
    /// A training report.
    Report(Report),
    /// Finished: the table and the row counts.
    Done(Vec<KuaiRandSummaryRow>, KuaiRandCounts),
    /// Failed; the message names why.
    Failed(String),
}

/// The view's results so far.
#[derive(Clone, Debug, Default)]
pub struct KuaiRandView {
    /// A run is going.
    pub running: bool,
    /// The last loading line.
    pub status: String,
    /// The metrics table.
    pub summary: Vec<KuaiRandSummaryRow>,
    /// Row counts of the last run.
    pub counts: Option<KuaiRandCounts>,
    /// Why the last run failed.
    pub error: Option<String>,
}

impl TrainEvents for KuaiRandMsg {
    fn started(info: RunInfo) -> Self {
        KuaiRandMsg::Started(info)
    }
    fn report(report: Report) -> Self {
        KuaiRandMsg::Report(report)
    }
}

/// Loads `dir` and runs the experiment on a thread named `crl-kuairand`.
pub fn spawn_kuairand(
    dir: PathBuf,
    config: TrainConfig,
    n_seeds: usize,
    device: DeviceChoice,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<KuaiRandMsg>> {
    let (tx, rx) = sync_channel(256);
    let handle = std::thread::Builder::new()
        .name("crl-kuairand".into())
        .spawn(move || {
            let mut fwd = Outbox::new(tx, wake, control);
            let result = (|| -> crate::Result<()> {
                let device = select_device(device)?;
                let mut last = (String::new(), -1.0_f32);
                let mut on_load = |e: &LoadEvent| {
                    if let LoadEvent::Reading {
                        file,
                        bytes_done,
                        bytes_total,
                    } = e
                    {
                        let frac = *bytes_done as f32 / (*bytes_total).max(1) as f32;
                        if *file != last.0 || frac - last.1 >= 0.02 {
                            last = (file.clone(), frac);
                            fwd.send(KuaiRandMsg::Loading(file.clone(), frac));
                        }
                    }
                };
                let data = load_kuairand(&dir, CachePolicy::Use, &mut on_load)?;
                let control = Arc::clone(&fwd.control);
                let result = kuairand_experiment(
                    &data,
                    &KuaiRandSettings::default(),
                    &config,
                    n_seeds,
                    &device,
                    &mut fwd,
                    &control,
                )?;
                fwd.send(KuaiRandMsg::Done(result.summary, result.counts));
                Ok(())
            })();
            if let Err(e) = result {
                fwd.send(KuaiRandMsg::Failed(e.to_string()));
            }
        })?;
    Ok(Job::new(rx, handle))
}

/// Shows the view.
pub fn kuairand_ui(
    ui: &mut Ui,
    source: &KuaiRandSource,
    view: &KuaiRandView,
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
            commands.push(Command::BrowseKuaiRand);
        }
    });
    ui.horizontal(|ui| {
        let l = ui
            .label("β")
            .on_hover_text("Penalty weight of the CRL model on these logs (1–10; 3 is steady)");
        changed |= ui
            .add(DragValue::new(&mut s.beta).range(0.0..=100.0).speed(0.1))
            .labelled_by(l.id)
            .changed();
        let l = ui
            .label("training rows")
            .on_hover_text("Rows of the standard logs the models train on (10,000–1,000,000)");
        changed |= ui
            .add(
                DragValue::new(&mut s.n_train)
                    .range(1000..=5_000_000)
                    .speed(1000.0),
            )
            .labelled_by(l.id)
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
            "trained on {} of {} standard-log rows · {} held-out rows · {} random-exposure rows · {} inputs",
            c.train_used, c.train_split, c.held_out, c.random, c.n_features
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
                ui.label(match r.set {
                    EvalSet::InDistribution => "held-out standard logs",
                    EvalSet::RandomExposure => "random exposure (OOD)",
                });
                let cell = |m: f64, s: f64| format!("{m:.4} ± {s:.4}");
                ui.label(cell(r.mean.auc, r.std.auc));
                ui.label(cell(r.mean.logloss, r.std.logloss));
                ui.label(cell(r.mean.gauc, r.std.gauc));
                ui.label(cell(r.mean.ndcg10, r.std.ndcg10));
                ui.end_row();
            }
        });
}
