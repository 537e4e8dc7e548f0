//! The training panel: run controls, progress, and every hyperparameter with a tooltip saying
//! what it does and what a sensible range is.
//!
//! Over 400 lines: one tooltip per hyperparameter (what it does, a sensible range) is most of
//! it; the controls themselves are short.

use egui::{Button, ComboBox, DragValue, ProgressBar, RichText, Slider, Ui, vec2};

use crate::experiment::{RunMode, RunResults, RunState, TrainSettings};
use crate::train::DeviceChoice;
use crate::ui::app_view::AppView;
use crate::ui::command::Command;
use crate::ui::highlight::mark;
use crate::ui::state::Tab;
use crate::ui::theme;

use super::pinned::pin_button_ui;
use super::widgets::{estimator_choice_ui, labelled_ui};

/// Seconds as `1 min 05 s` or `12 s`.
pub fn format_secs(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

fn labelled_drag<N: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    value: &mut N,
    range: std::ops::RangeInclusive<N>,
    speed: f64,
    tip: &str,
) -> bool {
    let changed = labelled_ui(
        ui,
        label,
        tip,
        DragValue::new(value).range(range).speed(speed),
    )
    .on_hover_text(tip)
    .changed();
    ui.end_row();
    changed
}

/// The right-hand panel: its heading, and the controls and settings below it, scrolling.
pub fn training_panel_ui(ui: &mut Ui, app: &AppView<'_>, commands: &mut Vec<Command>) {
    ui.heading("Training");
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| training_ui(ui, app, commands));
}

/// The run controls and settings. `run` is the current or last run.
fn training_ui(ui: &mut Ui, app: &AppView<'_>, commands: &mut Vec<Command>) {
    let (settings, run) = (&app.state.train, app.run);
    let active = run.is_some_and(|r| r.state.is_active());
    let mut s = settings.clone();
    let mut changed = false;

    ui.add_space(4.0);
    if active {
        let paused = run.is_some_and(|r| r.state == RunState::Paused);
        ui.horizontal(|ui| {
            let w = (ui.available_width() - 8.0) / 2.0;
            let label = if paused { "Resume" } else { "Pause" };
            if ui
                .add_sized(vec2(w, 32.0), Button::new(label))
                .on_hover_text("Pause or resume the run; the models keep their state")
                .clicked()
            {
                commands.push(Command::SetPaused(!paused));
            }
            if ui
                .add_sized(vec2(w, 32.0), Button::new("Stop"))
                .on_hover_text("Stop the run; what it has computed stays on the plots")
                .clicked()
            {
                commands.push(Command::StopTraining);
            }
        });
    } else {
        let train = Button::new(RichText::new("Train").size(18.0).strong())
            .min_size(vec2(ui.available_width(), 40.0));
        let r = ui
            .add(train)
            .on_hover_text("Train the baseline and the CRL model side by side (or the β sweep), then evaluate them across shifts");
        mark(&r, "train_button");
        if r.clicked() {
            commands.push(Command::StartTraining);
        }
    }
    if let Some(run) = run {
        run_status_ui(ui, run);
    }
    if run.is_some_and(|r| !r.state.is_active()) || !app.pinned.is_empty() {
        ui.horizontal_wrapped(|ui| {
            pin_button_ui(ui, &app.pin, commands);
            if !app.pinned.is_empty() {
                let n = app.pinned.len();
                let text = format!("{n} pinned run{}", if n == 1 { "" } else { "s" });
                if ui
                    .link(text)
                    .on_hover_text("Compare them in the OOD view's table")
                    .clicked()
                {
                    commands.push(Command::SetTab(Tab::Ood));
                }
            }
        });
    }
    ui.separator();

    ui.horizontal(|ui| {
        ui.label("mode")
            .on_hover_text("Compare a baseline with one CRL model, or train one model per β");
        changed |= ui
            .selectable_value(&mut s.mode, RunMode::Compare, "Baseline vs CRL")
            .on_hover_text("One baseline (β = 0) and one CRL model per seed")
            .changed();
        let r = ui
            .selectable_value(&mut s.mode, RunMode::BetaSweep, "β sweep")
            .on_hover_text("One model per β value per seed, in one ensemble; plots the trade-off");
        mark(&r, "mode");
        changed |= r.changed();
    });

    match s.mode {
        RunMode::Compare => {
            let l = ui.label("β (penalty weight)").on_hover_text(
                "Weight of the MI penalty I(z; c) in the CRL model's loss. 0 is the baseline; \
                 5–30 usually removes the shortcut. Changing it during a run applies from the next step.",
            );
            let mut beta = s.config.beta;
            let r = ui
                .add(
                    Slider::new(&mut beta, 0.0..=100.0)
                        .logarithmic(true)
                        .smallest_positive(0.1)
                        .max_decimals(2),
                )
                .labelled_by(l.id);
            if r.changed() {
                commands.push(Command::SetBeta(beta));
            }
        }
        RunMode::BetaSweep => {
            let l = ui
                .label("β values")
                .on_hover_text("Comma-separated penalty weights, e.g. 0, 1, 3, 10, 30");
            changed |= ui
                .text_edit_singleline(&mut s.sweep_betas)
                .labelled_by(l.id)
                .changed();
        }
    }
    ui.add_space(4.0);

    egui::Grid::new("train-settings")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| changed |= settings_grid_ui(ui, &mut s));
    if active {
        ui.weak("Settings other than β apply to the next run.");
    }
    if changed {
        commands.push(Command::SetTrainSettings(Box::new(s)));
    }
    ui.add_space(4.0);
    super::limits::limits_ui(ui, app.state.memory_limit_mb, commands);
}

/// The rows of the settings grid other than β; returns whether any changed.
fn settings_grid_ui(ui: &mut Ui, s: &mut TrainSettings) -> bool {
    let mut changed = false;
    let c = &mut s.config;
    let l = ui.label("estimator").on_hover_text(
        "How the penalty estimates I(z; c). NCE-CLUB (default) and CLUB are upper bounds, so \
         minimising them pushes the true MI down; InfoNCE is a lower bound (capped at log N).",
    );
    changed |= estimator_choice_ui(ui, "estimator", l.id, &mut c.estimator);
    ui.end_row();
    let l = ui.label("conditional").on_hover_text(
        "Penalise I(z; c | y) instead of I(z; c): keep the information about c that the \
         outcome itself carries. Usually on when c also causes y.",
    );
    let r = ui
        .checkbox(&mut c.conditional, "I(z; c | y)")
        .labelled_by(l.id);
    mark(&r, "conditional");
    changed |= r.changed();
    ui.end_row();
    let l = ui.label("reference").on_hover_text(
        "Also train, per seed, a model of the same widths that sees only the features the \
         scenario knows to be causal (the others masked): the ideal a CRL model aims at, drawn \
         grey and dashed. It is never given to the CRL model.",
    );
    changed |= ui
        .checkbox(&mut c.oracle, "causal features only")
        .labelled_by(l.id)
        .changed();
    ui.end_row();
    changed |= counts_ui(
        ui,
        [
            (
                "warm-up steps",
                &mut c.beta_warmup_steps,
                0..=100_000,
                10.0,
                "β rises linearly from 0 over this many steps, so the model learns the task first \
                 (0–1000)",
            ),
            (
                "critic steps",
                &mut c.critic_steps,
                1..=20,
                0.1,
                "Critic updates per model update; more makes the MI estimate track z more closely \
                 (1–5)",
            ),
        ],
    );
    let l = ui
        .label("learning rate")
        .on_hover_text("Adam step size of the models (1e-4 to 1e-2)");
    changed |= ui
        .add(
            DragValue::new(&mut c.lr)
                .range(1e-5..=1.0)
                .speed(1e-4)
                .max_decimals(5),
        )
        .labelled_by(l.id)
        .changed();
    ui.end_row();
    changed |= counts_ui(
        ui,
        [
            (
                "batch size",
                &mut c.batch_size,
                8..=8192,
                4.0,
                "Rows per supervised step (64–2048)",
            ),
            (
                "penalty batch N",
                &mut c.penalty_batch,
                8..=2048,
                2.0,
                "Rows the MI critics compare per step; InfoNCE cannot exceed log N (64–512)",
            ),
        ],
    );
    let l = ui
        .label("hidden widths")
        .on_hover_text("Encoder layer widths, comma-separated (e.g. 64, 64)");
    let mut text = c
        .hidden
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if ui
        .text_edit_singleline(&mut text)
        .labelled_by(l.id)
        .changed()
    {
        let parsed: Option<Vec<usize>> = text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().ok().filter(|&w: &usize| (1..=4096).contains(&w)))
            .collect();
        if let Some(h) = parsed.filter(|h| !h.is_empty()) {
            c.hidden = h;
            changed = true;
        }
    }
    ui.end_row();
    changed |= counts_ui(
        ui,
        [
            (
                "z dimension",
                &mut c.z_dim,
                1..=512,
                0.2,
                "Width of the representation z the penalty acts on (4–64)",
            ),
            (
                "steps",
                &mut c.steps,
                1..=1_000_000,
                10.0,
                "Model updates per run (500–5000; 2000 shows the pattern on the presets)",
            ),
            (
                "seeds",
                &mut s.n_seeds,
                1..=20,
                0.1,
                "Independent repetitions per model; the OOD band is one standard deviation over \
                 them (1–10)",
            ),
        ],
    );
    changed |= labelled_drag(
        ui,
        "base seed",
        &mut c.seed,
        0..=u64::MAX,
        1.0,
        "Every random draw (data, weights, batches) flows from this seed",
    );
    let l = ui.label("evaluate at shifts").on_hover_text(
        "Shifts s the trained models are tested at: start:end:count (0:1:11) or a list \
         (0, 0.5, 1)",
    );
    changed |= ui
        .text_edit_singleline(&mut s.shift_grid)
        .labelled_by(l.id)
        .changed();
    ui.end_row();
    let l = ui.label("device").on_hover_text(
        "auto: a GPU through wgpu if there is one, else the CPU; wgpu: any wgpu adapter; cpu: \
         burn's CPU backend",
    );
    ComboBox::from_id_salt("device")
        .selected_text(s.device.to_string())
        .show_ui(ui, |ui| {
            for d in [DeviceChoice::Auto, DeviceChoice::Wgpu, DeviceChoice::Cpu] {
                changed |= ui
                    .selectable_value(&mut s.device, d, d.to_string())
                    .changed();
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
    changed
}

/// One row per count setting: (label, value, range, drag speed, tip). Returns whether any
/// changed.
fn counts_ui<const N: usize>(
    ui: &mut Ui,
    rows: [(&str, &mut usize, std::ops::RangeInclusive<usize>, f64, &str); N],
) -> bool {
    let mut changed = false;
    for (label, value, range, speed, tip) in rows {
        changed |= labelled_drag(ui, label, value, range, speed, tip);
    }
    changed
}

fn run_status_ui(ui: &mut Ui, run: &RunResults) {
    let last = run.last();
    let step = last.map_or(0, |r| r.step);
    let text = match &run.state {
        RunState::Starting => "starting…".to_owned(),
        RunState::Training | RunState::Paused => {
            let eta = run.eta_secs().map_or_else(|| "…".into(), format_secs);
            let paused = if run.state == RunState::Paused {
                " · paused"
            } else {
                ""
            };
            format!("step {step} / {} · ETA {eta}{paused}", run.total_steps)
        }
        RunState::Evaluating => "evaluating across shifts…".to_owned(),
        RunState::Done => format!("done · {step} steps"),
        RunState::Stopped => format!("stopped at step {step}"),
        RunState::Failed(_) => "failed".to_owned(),
    };
    ui.add(
        ProgressBar::new(run.progress())
            .text(text)
            // Not animated: an animated bar repaints every frame, and on a machine that draws
            // in software that alone takes a core from training. It moves at every report.
            .animate(run.state == RunState::Starting),
    );
    if let RunState::Failed(msg) = &run.state {
        ui.colored_label(theme::ERROR, msg);
    }
    if let Some(info) = &run.info {
        ui.weak(format!(
            "{} models · {} parameters each (capacity-matched) · {}",
            info.members.len(),
            info.params_per_member,
            info.device
        ));
    }
    if let Some(r) = last
        && r.beta_warmup < 1.0
        && run.state.is_active()
    {
        ui.weak(format!("β warm-up {:.0}%", r.beta_warmup * 100.0));
    }
}
