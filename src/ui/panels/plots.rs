//! The plots of a run: loss curves, MI over steps, OOD metric against shift and the beta
//! trade-off. Plots that share the step axis are linked, so zooming one zooms the other.

use egui::{Color32, Id, Ui};
use egui_plot::{
    FilledArea, HLine, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points,
};

use crate::experiment::{Group, RunMode, RunResults, trim};
use crate::train::MemberReport;
use crate::ui::theme;

/// The id that links the step axes of the loss and MI plots.
fn steps_link() -> Id {
    Id::unique("crl-lab steps axis")
}

fn group_colour(run: &RunResults, i: usize, g: &Group) -> Color32 {
    match run.mode {
        RunMode::Compare => theme::model_colour(g.kind),
        RunMode::BetaSweep => theme::sweep_colour(i, run.groups.len()),
    }
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
        .legend(Legend::default())
        .height(height)
        .allow_scroll(false)
        .y_axis_min_width(36.0)
}

/// A plot over training steps, its step axis linked with the other such plots.
fn steps_plot(id: &str, height: f32, y_label: &str) -> Plot<'static> {
    base_plot(id, height)
        .link_axis(steps_link(), [true, false])
        .x_axis_label("step")
        .y_axis_label(y_label.to_owned())
}

/// One metric of group `g` over steps, named `{group} {what}`.
fn series_line(
    run: &RunResults,
    g: &Group,
    what: &str,
    metric: fn(&MemberReport) -> f64,
    colour: Color32,
    width: f32,
    style: LineStyle,
) -> Line<'static> {
    Line::new(
        format!("{} {what}", g.name),
        PlotPoints::from(run.series(g, metric)),
    )
    .color(colour)
    .width(width)
    .style(style)
}

/// Points `(x, mean, sd)` as a line with markers of `radius` over a band of one standard
/// deviation (the band only where there are two points or more).
fn band_ui(
    p: &mut egui_plot::PlotUi<'_>,
    name: &str,
    v: &[(f64, f64, f64)],
    colour: Color32,
    radius: f32,
) {
    if v.is_empty() {
        return;
    }
    let xs: Vec<f64> = v.iter().map(|t| t.0).collect();
    let lo: Vec<f64> = v.iter().map(|t| t.1 - t.2).collect();
    let hi: Vec<f64> = v.iter().map(|t| t.1 + t.2).collect();
    if v.len() > 1 {
        p.add(
            FilledArea::new(format!("{name} ± 1 sd"), &xs, &lo, &hi)
                .fill_color(colour.gamma_multiply(0.25)),
        );
    }
    let pts: Vec<[f64; 2]> = v.iter().map(|t| [t.0, t.1]).collect();
    p.line(
        Line::new(name.to_owned(), PlotPoints::from(pts.clone()))
            .color(colour)
            .width(2.0),
    );
    p.points(
        Points::new(name.to_owned(), PlotPoints::from(pts))
            .color(colour)
            .radius(radius)
            .shape(MarkerShape::Circle),
    );
}

/// Training loss (solid) and validation loss (dashed) of each model over steps.
pub fn loss_ui(ui: &mut Ui, run: Option<&RunResults>, height: f32) {
    let Some(run) = run.filter(|r| !r.reports.is_empty()) else {
        return empty_hint(
            ui,
            "Loss curves appear here once training starts (press Train).",
            height,
        );
    };
    let unit = run.outcome_kind().loss_axis();
    steps_plot("loss", height, unit).show(ui, |p| {
        for (i, g) in run.groups.iter().enumerate() {
            let c = group_colour(run, i, g);
            let solid = LineStyle::Solid;
            p.line(series_line(
                run,
                g,
                "train",
                |m| m.supervised_loss,
                c,
                1.5,
                solid,
            ));
            let dashed = LineStyle::dashed_loose();
            p.line(series_line(
                run,
                g,
                "validation",
                |m| m.val_loss,
                c,
                1.5,
                dashed,
            ));
        }
    });
}

/// The penalty's estimate of I(z;c) and the monitored I(z;c) and I(z;y), per model, over steps.
pub fn mi_ui(ui: &mut Ui, run: Option<&RunResults>, height: f32) {
    let Some(run) = run.filter(|r| !r.reports.is_empty()) else {
        return empty_hint(
            ui,
            "MI estimates appear here once training starts: the CRL model's I(z; c) should fall.",
            height,
        );
    };
    let bound = if run.estimator.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    };
    let ceiling = (run.penalty_batch as f64).ln();
    let peak = run
        .groups
        .iter()
        .flat_map(|g| run.series(g, |m| m.mi_zc.max(m.mi_zy).max(m.penalty_mi)))
        .map(|p| p[1])
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    steps_plot("mi", height, "MI (nats)").show(ui, |p| {
        for (i, g) in run.groups.iter().enumerate() {
            let c = group_colour(run, i, g);
            p.line(series_line(
                run,
                g,
                "I(z; c)",
                |m| m.mi_zc,
                c,
                2.0,
                LineStyle::Solid,
            ));
            let dotted = LineStyle::Dotted { spacing: 6.0 };
            p.line(series_line(run, g, "I(z; y)", |m| m.mi_zy, c, 1.5, dotted));
            let penalty = format!("penalty{bound}");
            let dashed = LineStyle::dashed_loose();
            p.line(series_line(
                run,
                g,
                &penalty,
                |m| m.penalty_mi,
                c,
                1.0,
                dashed,
            ));
        }
        // The monitors are InfoNCE estimates, which cannot exceed log N: draw that ceiling
        // once a curve comes near it (drawn always, it would squash the curves to the floor).
        if peak > 0.5 * ceiling {
            p.hline(
                HLine::new(format!("InfoNCE ceiling log N = {ceiling:.2}"), ceiling)
                    .color(theme::TRUTH)
                    .style(LineStyle::dashed_dense()),
            );
        }
    });
}

/// The headline metric (accuracy, or R² for a continuous outcome) against shift, mean over
/// seeds with a band of one standard deviation; fills in shift by shift.
pub fn ood_ui(ui: &mut Ui, run: Option<&RunResults>, height: f32) {
    let Some(run) = run.filter(|r| !r.eval.is_empty()) else {
        let msg = match run {
            Some(r) if r.state.is_active() => {
                "Out-of-distribution results appear here shift by shift once training ends."
            }
            _ => "Out-of-distribution accuracy against shift appears here after a run.",
        };
        return empty_hint(ui, msg, height);
    };
    let metric = run.outcome_kind().metric_name();
    base_plot("ood", height)
        .x_axis_label("shift s (0 = training distribution)")
        .y_axis_label(metric)
        .include_x(0.0)
        .include_x(1.0)
        .show(ui, |p| {
            for (i, g) in run.groups.iter().enumerate() {
                let rows: Vec<(f64, f64, f64)> = run
                    .group_summary(g)
                    .iter()
                    .map(|r| (r.shift, r.mean.headline(), r.std.headline()))
                    .collect();
                band_ui(p, &g.name, &rows, group_colour(run, i, g), 3.0);
            }
        });
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
    let half = (height - 8.0) / 2.0;
    let max_shift = run.shifts.iter().copied().fold(0.0_f64, f64::max);
    let min_shift = run.shifts.iter().copied().fold(f64::INFINITY, f64::min);
    let metric_at_max = run.metric_vs_beta(max_shift);
    let metric_at_min = run.metric_vs_beta(min_shift);
    if metric_at_max.is_empty() {
        empty_hint(
            ui,
            "Accuracy against β appears here once the trained models are evaluated.",
            half,
        );
    } else {
        base_plot("tradeoff-metric", half)
            .x_axis_label("β")
            .y_axis_label("accuracy (or R²)")
            .show(ui, |p| {
                let name = format!("shift {}", trim(max_shift));
                band_ui(p, &name, &metric_at_max, theme::CRL, 3.5);
                let name = format!("shift {}", trim(min_shift));
                band_ui(p, &name, &metric_at_min, theme::BASELINE, 3.5);
            });
    }
    base_plot("tradeoff-mi", half)
        .x_axis_label("β")
        .y_axis_label("final I(z; c) (nats)")
        .show(ui, |p| {
            let v = run.final_mi_zc_vs_beta();
            band_ui(p, "I(z; c) monitor", &v, theme::ERROR, 3.5);
        });
}
