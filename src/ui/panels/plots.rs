//! The plots of a run: loss curves, MI over steps, OOD metric against shift and the beta
//! trade-off. Plots that share the step axis are linked, so zooming one zooms the other.
//!
//! Over 400 lines: the four plots share the line, band and legend helpers at the top, which
//! keep them drawing a model the same way.

use egui::{Color32, Id, Ui};
use egui_plot::{
    FilledArea, HLine, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points,
};

use crate::experiment::{Group, RunMode, RunResults, trim};
use crate::export::palette::PIN_MARK_EVERY;
use crate::session::{PinnedRun, pinned_curves};
use crate::train::{MemberReport, ModelKind};
use crate::ui::theme;

/// The id that links the step axes of the loss and MI plots.
fn steps_link() -> Id {
    Id::unique("crl-lab steps axis")
}

fn group_colour(run: &RunResults, i: usize, g: &Group) -> Color32 {
    match run.mode {
        _ if g.kind == ModelKind::Oracle => theme::model_colour(ModelKind::Oracle),
        RunMode::Compare => theme::model_colour(g.kind),
        RunMode::BetaSweep => theme::sweep_colour(i, run.groups.len()),
    }
}

/// The oracle's curves are dashed, every other group's solid.
fn group_style(g: &Group) -> LineStyle {
    if g.kind == ModelKind::Oracle {
        LineStyle::dashed_loose()
    } else {
        LineStyle::Solid
    }
}

/// What the loss plot says before the first report.
const LOSS_HINT: &str = "Loss curves appear here once training starts (press Train).";

/// What the MI plot says before the first report.
const MI_HINT: &str =
    "MI estimates appear here once training starts: the CRL model's penalised MI should fall.";

/// The run, once it has reported; until then `hint` stands in the plot's place.
fn reporting<'r>(
    ui: &mut Ui,
    run: Option<&'r RunResults>,
    hint: &str,
    height: f32,
) -> Option<&'r RunResults> {
    let run = run.filter(|r| !r.reports.is_empty());
    if run.is_none() {
        empty_hint(ui, hint, height);
    }
    run
}

/// A placeholder of the plot's size, so the layout does not jump when data arrives.
fn empty_hint(ui: &mut Ui, text: &str, height: f32) {
    let size = egui::vec2(ui.available_width(), height.max(40.0));
    ui.allocate_ui_with_layout(
        size,
        egui::Layout::centered_and_justified(egui::Direction::TopDown),
        |ui| {
            ui.weak(text);
        },
    );
}

fn base_plot(id: &str, height: f32) -> Plot<'static> {
    Plot::new(id.to_owned())
        .legend(Legend::default().follow_insertion_order(true))
        .height(height)
        .allow_scroll(false)
        .y_axis_min_width(36.0)
}

/// The legend of a plot of [`band_ui`] curves: a band shares its line's name (one entry shows
/// and hides both) and the entry takes the line's colour, drawn last.
fn band_legend() -> Legend {
    Legend::default()
        .follow_insertion_order(true)
        .color_conflict_handling(egui_plot::ColorConflictHandling::PickLast)
}

/// A plot over training steps, its step axis linked with the other such plots.
fn steps_plot(id: &str, height: f32, y_label: &str) -> Plot<'static> {
    base_plot(id, height)
        .link_axis(steps_link(), [true, false])
        .x_axis_label("step")
        .y_axis_label(y_label.to_owned())
}

/// Points `(x, mean, sd)` as a line with markers of `radius` over a band of one standard
/// deviation (the band only where there are two points or more).
fn band_ui(
    p: &mut egui_plot::PlotUi<'_>,
    name: &str,
    v: &[(f64, f64, f64)],
    colour: Color32,
    radius: f32,
    style: LineStyle,
) {
    if v.is_empty() {
        return;
    }
    let xs: Vec<f64> = v.iter().map(|t| t.0).collect();
    let lo: Vec<f64> = v.iter().map(|t| t.1 - t.2).collect();
    let hi: Vec<f64> = v.iter().map(|t| t.1 + t.2).collect();
    if v.len() > 1 {
        p.add(
            // The band shares the line's name, so one legend entry shows and hides both.
            FilledArea::new(name.to_owned(), &xs, &lo, &hi).fill_color(colour.gamma_multiply(0.25)),
        );
    }
    let pts: Vec<[f64; 2]> = v.iter().map(|t| [t.0, t.1]).collect();
    p.line(
        Line::new(name.to_owned(), PlotPoints::from(pts.clone()))
            .color(colour)
            .width(2.0)
            .style(style),
    );
    p.points(
        Points::new(name.to_owned(), PlotPoints::from(pts))
            .color(colour)
            .radius(radius)
            .shape(MarkerShape::Circle),
    );
}

/// One metric of group `g` over steps, under the legend entry `name` (lines that share a name
/// share an entry, which then shows no colour: a line style, not a model).
fn named_line(
    run: &RunResults,
    g: &Group,
    name: &str,
    metric: fn(&MemberReport) -> f64,
    colour: Color32,
    width: f32,
    style: LineStyle,
) -> Line<'static> {
    // A quantity not estimated for a model (the penalty critic of a baseline) is NaN: no line.
    let mut pts = run.series(g, metric);
    pts.retain(|p| p[1].is_finite());
    Line::new(name.to_owned(), PlotPoints::from(pts))
        .color(colour)
        .width(width)
        .style(style)
}

/// Each shown pinned run's models (the oracle left out) over steps, behind the current run:
/// the quantity `field` picks for the run, a thin line in the model's lighter colour with the
/// run's marker on every [`PIN_MARK_EVERY`]-th report, one legend entry per run and model (a
/// curve the same as one drawn already, such as the baseline of a run that differs in β only,
/// is left out).
fn pinned_step_lines(
    p: &mut egui_plot::PlotUi<'_>,
    current: &RunResults,
    pinned: &[PinnedRun],
    field: impl Fn(&RunResults) -> fn(&MemberReport) -> f64,
) {
    let curves = pinned_curves(pinned, Some(current), |run, g| {
        (g.kind != ModelKind::Oracle).then(|| {
            let mut pts = run.series(g, field(run));
            pts.retain(|q| q[1].is_finite());
            pts
        })
    });
    for c in curves {
        let colour = theme::pinned_colour(group_colour(&c.pin.results, c.group_index, c.group));
        let name = format!("{}: {}", c.pin.name, c.group.name);
        let marks: Vec<[f64; 2]> = c.points.iter().copied().step_by(PIN_MARK_EVERY).collect();
        p.line(
            Line::new(name.clone(), PlotPoints::from(c.points))
                .color(colour)
                .width(1.2),
        );
        p.points(
            Points::new(name, PlotPoints::from(marks))
                .color(colour)
                .radius(3.5)
                .shape(theme::pin_shape(c.index)),
        );
    }
}

/// Training loss (solid, one legend entry per model) and validation loss (dashed, one shared
/// entry) of each model over steps; pinned runs' training loss behind them, lighter.
pub fn loss_ui(ui: &mut Ui, run: Option<&RunResults>, pinned: &[PinnedRun], height: f32) {
    let Some(run) = reporting(ui, run, LOSS_HINT, height) else {
        return;
    };
    let unit = run.outcome_kind().loss_axis();
    steps_plot("loss", height, unit).show(ui, |p| {
        pinned_step_lines(p, run, pinned, |_| |m: &MemberReport| m.supervised_loss);
        for (i, g) in run.groups.iter().enumerate() {
            let c = group_colour(run, i, g);
            let name = format!("{} (train)", g.name);
            p.line(named_line(
                run,
                g,
                &name,
                |m| m.supervised_loss,
                c,
                1.5,
                LineStyle::Solid,
            ));
            p.line(named_line(
                run,
                g,
                "validation (dashed)",
                |m| m.val_loss,
                c,
                1.5,
                LineStyle::dashed_loose(),
            ));
        }
    });
}

/// What the probes measure, per model, over steps: the quantity the penalty targets leads
/// (thick, one legend entry per model; I(z; c | y) for a conditional penalty), the other form of
/// I(z; c) (dashed) and I(z; y) (dotted) follow with one shared entry each. The penalty critic's
/// own estimate, the training signal rather than a measurement, is drawn on request. Pinned
/// runs' penalised quantity is drawn behind, lighter.
pub fn mi_ui(ui: &mut Ui, run: Option<&RunResults>, pinned: &[PinnedRun], height: f32) {
    type Field = fn(&MemberReport) -> f64;
    let Some(run) = reporting(ui, run, MI_HINT, height) else {
        return;
    };
    let bound = if run.estimator.is_upper_bound() {
        ", upper bound"
    } else {
        ""
    };
    let ceiling = run.probe_ceiling();
    let conditional = run.conditional();
    let given_y: (&str, Field) = ("I(z; c | y)", |m| m.mi_zc_given_y);
    let plain: (&str, Field) = ("I(z; c)", |m| m.mi_zc);
    let (target, other) = if conditional {
        (given_y, plain)
    } else {
        (plain, given_y)
    };
    let show_id = Id::unique("crl-lab mi: show the penalty critic");
    let mut show_critic = ui.data_mut(|d| *d.get_persisted_mut_or(show_id, false));
    let header = ui.horizontal_wrapped(|ui| {
        ui.weak(format!("thick: {} (penalised)", target.0))
            .on_hover_text(format!(
                "Measured by a probe per model (InfoNCE, trained at each report on a frozen \
                 snapshot of z on held-out rows, the same for every model): {} thick, {} dashed, \
                 I(z; y) dotted",
                target.0, other.0
            ));
        ui.checkbox(&mut show_critic, "penalty critic")
            .on_hover_text(format!(
                "Also draw the penalty critic's own estimate ({}{bound}) on each step's \
                 sub-batch: the CRL model's training signal, not a measurement",
                run.estimator
            ));
    });
    ui.data_mut(|d| d.insert_persisted(show_id, show_critic));
    let height = height - header.response.rect.height() - ui.spacing().item_spacing.y;
    let peak = run.probe_peak();
    // Headroom above the curves keeps the legend off them.
    let top = if peak > 0.0 { 1.5 * peak } else { 0.1 };
    steps_plot("mi", height, "MI (nats)")
        .include_y(top)
        .show(ui, |p| {
            pinned_step_lines(p, run, pinned, |r| {
                if r.conditional() {
                    |m: &MemberReport| m.mi_zc_given_y
                } else {
                    |m: &MemberReport| m.mi_zc
                }
            });
            for (i, g) in run.groups.iter().enumerate() {
                let c = group_colour(run, i, g);
                let name = format!("{}: {}", g.name, target.0);
                p.line(named_line(
                    run,
                    g,
                    &name,
                    target.1,
                    c,
                    2.5,
                    LineStyle::Solid,
                ));
                if g.kind == ModelKind::Oracle {
                    continue;
                }
                let dashed = LineStyle::dashed_loose();
                let name = format!("{} (dashed)", other.0);
                p.line(named_line(run, g, &name, other.1, c, 1.2, dashed));
                let dotted = LineStyle::Dotted { spacing: 6.0 };
                p.line(named_line(
                    run,
                    g,
                    "I(z; y) (dotted)",
                    |m| m.mi_zy,
                    c,
                    1.2,
                    dotted,
                ));
                if show_critic {
                    p.line(named_line(
                        run,
                        g,
                        "penalty critic: training signal",
                        |m| m.penalty_mi,
                        c.gamma_multiply(0.6),
                        0.8,
                        LineStyle::dashed_dense(),
                    ));
                }
            }
            // The probes are InfoNCE estimates, which cannot exceed log N: draw that ceiling
            // once a curve comes near it (drawn always, it would squash the curves to the floor).
            if peak > 0.5 * ceiling {
                p.hline(
                    HLine::new(format!("probe ceiling log N = {ceiling:.2}"), ceiling)
                        .color(theme::TRUTH)
                        .style(LineStyle::dashed_dense()),
                );
            }
        });
}

/// The headline metric (accuracy, or R² for a continuous outcome) against shift, mean over
/// seeds with a band of one standard deviation; fills in shift by shift. Pinned runs' means are
/// drawn behind, lighter, without a band, each with its marker.
pub fn ood_ui(ui: &mut Ui, run: Option<&RunResults>, pinned: &[PinnedRun], height: f32) {
    let Some(run) = run.filter(|r| !r.eval.is_empty()) else {
        let msg = match run {
            Some(r) if r.state.is_active() => {
                "Out-of-distribution results appear here at the first report (step 10) and \
                 sharpen as training goes."
            }
            _ => "Out-of-distribution accuracy against shift appears here after a run.",
        };
        return empty_hint(ui, msg, height);
    };
    let metric = run.outcome_kind().metric_name();
    let height = caption_ui(ui, run, height);
    // Bottom left: the curves start high at s = 0 and fall to the right.
    base_plot("ood", height)
        .legend(band_legend().position(egui_plot::Corner::LeftBottom))
        .x_axis_label("shift s (0 = training distribution)")
        .y_axis_label(metric)
        .include_x(0.0)
        .include_x(1.0)
        .show(ui, |p| {
            let curves = pinned_curves(pinned, Some(run), RunResults::ood_means);
            for c in curves {
                let colour =
                    theme::pinned_colour(group_colour(&c.pin.results, c.group_index, c.group));
                let name = format!("{}: {}", c.pin.name, c.group.name);
                p.line(
                    Line::new(name.clone(), PlotPoints::from(c.points.clone()))
                        .color(colour)
                        .width(1.2)
                        .style(group_style(c.group)),
                );
                p.points(
                    Points::new(name, PlotPoints::from(c.points))
                        .color(colour)
                        .radius(5.0)
                        .shape(theme::pin_shape(c.index)),
                );
            }
            for (i, g) in run.groups.iter().enumerate() {
                band_ui(
                    p,
                    &g.name,
                    &run.ood_band(g),
                    group_colour(run, i, g),
                    3.0,
                    group_style(g),
                );
            }
        });
}

/// The step (and test rows) the evaluation shown reflects, above its plot; returns the height
/// left for the plot.
fn caption_ui(ui: &mut Ui, run: &RunResults, height: f32) -> f32 {
    let Some(text) = run.eval_caption() else {
        return height;
    };
    let before = ui.cursor().min.y;
    ui.label(egui::RichText::new(text).small().weak());
    (height - (ui.cursor().min.y - before)).max(60.0)
}

/// A beta sweep's trade-off: the headline metric at the largest shift (and at the training
/// distribution) against beta, and the final I(z;c) against beta.
pub fn trade_off_ui(ui: &mut Ui, run: Option<&RunResults>, height: f32) {
    let Some(run) = run.filter(|r| r.mode == RunMode::BetaSweep) else {
        return empty_hint(
            ui,
            "Choose “β sweep” in the training panel and train: this view plots OOD accuracy and \
             I(z; c) against β.",
            height,
        );
    };
    let height = caption_ui(ui, run, height);
    let half = (height - 8.0) / 2.0;
    let max_shift = run.shifts.iter().copied().fold(0.0_f64, f64::max);
    let min_shift = run.shifts.iter().copied().fold(f64::INFINITY, f64::min);
    let metric_at_max = run.metric_vs_beta(max_shift);
    let metric_at_min = run.metric_vs_beta(min_shift);
    if metric_at_max.is_empty() {
        empty_hint(
            ui,
            "Accuracy against β appears here at the first report.",
            half,
        );
    } else {
        base_plot("tradeoff-metric", half)
            .legend(band_legend())
            .x_axis_label("β")
            .y_axis_label("accuracy (or R²)")
            .show(ui, |p| {
                let name = format!("shift {}", trim(max_shift));
                band_ui(p, &name, &metric_at_max, theme::CRL, 3.5, LineStyle::Solid);
                let name = format!("shift {}", trim(min_shift));
                band_ui(
                    p,
                    &name,
                    &metric_at_min,
                    theme::BASELINE,
                    3.5,
                    LineStyle::Solid,
                );
            });
    }
    let target = run.monitored_target_name();
    base_plot("tradeoff-mi", half)
        .legend(band_legend())
        .x_axis_label("β")
        .y_axis_label(format!("{target} at the latest report (nats)"))
        .show(ui, |p| {
            let v = run.final_mi_vs_beta();
            let name = format!("{target} monitor");
            band_ui(p, &name, &v, theme::ERROR, 3.5, LineStyle::Solid);
        });
}
