//! Drawing a figure with plotters on any backend: panels side by side (axes, grid, ticks, then
//! bands, lines and markers), over the legend.

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::dash::draw_dashed;
use super::legend::{draw_legend, layout_legend};
use super::marker::draw_marker;
use super::model::{Dash, Figure, Mark, Panel};
use super::style::{LABEL_PT, TICK_PT, band_fill, draw_error, px, rgb, text_style};
use crate::error::Result;
use crate::export::palette::{self, Rgb};

/// Draws `fig` over the whole of `root`: white, the panels side by side, the legend below.
pub(super) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<()> {
    root.fill(&WHITE).map_err(draw_error)?;
    let (w, h) = root.dim_in_pixel();
    let margin = px(4.0) as i32;
    let layout = layout_legend(root, &fig.legend, w as i32 - 2 * margin);
    let legend_h = layout.height() + margin;
    let (plot_area, legend_area) = root.split_vertically(h as i32 - legend_h);
    let n = fig.panels.len().max(1);
    let columns = if fig.columns == 0 { n } else { fig.columns };
    let areas = plot_area.split_evenly((n.div_ceil(columns), columns));
    for (panel, area) in fig.panels.iter().zip(&areas) {
        draw_panel(area, panel)?;
    }
    draw_legend(&legend_area, &fig.legend, &layout, w as i32)
}

/// Whether both coordinates are finite.
fn finite(&(x, y): &(f64, f64)) -> bool {
    x.is_finite() && y.is_finite()
}

/// The runs of finite points of `pts` (a non-finite point ends a run).
fn finite_runs(pts: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for p in pts {
        if finite(p) {
            if let Some(last) = out.last_mut() {
                last.push(*p);
            }
        } else if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// The x and y ranges of the panel's marks, padded.
fn data_range(panel: &Panel) -> ((f64, f64), (f64, f64)) {
    let mut xs: Vec<f64> = panel.include_x.clone();
    let mut ys: Vec<f64> = panel.include_y.clone();
    for m in &panel.marks {
        match m {
            Mark::Line { pts, .. } | Mark::Points { pts, .. } => {
                for &(x, y) in pts {
                    xs.push(x);
                    ys.push(y);
                }
            }
            Mark::Band { xs: bx, lo, hi, .. } => {
                xs.extend(bx);
                ys.extend(lo);
                ys.extend(hi);
            }
            Mark::HLine { y, .. } => ys.push(*y),
            Mark::Diagonal { .. } => {}
        }
    }
    let span = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .filter(|x| x.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        if hi - lo < 1e-12 {
            return (lo - 0.5, hi + 0.5);
        }
        (lo, hi)
    };
    let (x0, x1) = span(&xs);
    let (y0, y1) = span(&ys);
    if panel.equal_aspect {
        let top = x1.max(y1).max(0.0) * 1.04;
        return ((0.0, top), (y0.min(0.0), top));
    }
    let (px_, py_) = ((x1 - x0) * 0.02, (y1 - y0) * 0.06);
    ((x0 - px_, x1 + px_), (y0 - py_, y1 + py_))
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> Result<()> {
    let ((mut x0, mut x1), (mut y0, mut y1)) = data_range(panel);
    let x_label_area = (px(TICK_PT) * 1.4 + px(LABEL_PT) * 1.4) as u32;
    let y_label_area = (px(TICK_PT) * 2.4 + px(LABEL_PT) * 1.3) as u32;
    let margin = px(5.0) as u32;
    if panel.equal_aspect {
        // Equal units on both axes: widen whichever range is short for the plot's shape.
        let (w, h) = area.dim_in_pixel();
        let pw = f64::from(w.saturating_sub(y_label_area + 2 * margin).max(1));
        let ph = f64::from(h.saturating_sub(x_label_area + 2 * margin).max(1));
        let (sx, sy) = ((x1 - x0) / pw, (y1 - y0) / ph);
        if sx < sy {
            x1 = x0 + sy * pw;
        } else {
            y1 = y0 + sx * ph;
        }
        y0 = y0.min(0.0);
        x0 = x0.min(0.0);
    }
    let mut builder = ChartBuilder::on(area);
    if let Some(title) = &panel.title {
        builder.caption(title.as_str(), text_style(LABEL_PT));
    }
    let mut chart = builder
        .margin(margin)
        .margin_right(margin * 2)
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_labels(6)
        .y_labels(6)
        .set_all_tick_mark_size(px(2.5) as u32)
        .label_style(text_style(TICK_PT))
        .axis_desc_style(text_style(LABEL_PT))
        .bold_line_style(rgb(palette::GRID).stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(rgb(palette::AXIS).stroke_width(px(0.6) as u32))
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .draw()
        .map_err(draw_error)?;
    let plot = chart.plotting_area();
    // Bands first, lines over them, markers on top.
    for m in &panel.marks {
        if let Mark::Band { xs, lo, hi, colour } = m {
            let mut poly: Vec<(f64, f64)> = Vec::new();
            for (x, y) in xs.iter().zip(hi) {
                poly.push((*x, *y));
            }
            for (x, y) in xs.iter().zip(lo).rev() {
                poly.push((*x, *y));
            }
            if poly.iter().all(finite) {
                plot.draw(&Polygon::new(poly, band_fill(*colour)))
                    .map_err(draw_error)?;
            }
        }
    }
    for m in &panel.marks {
        match m {
            Mark::Line {
                pts,
                colour,
                width_pt,
                dash,
            } => {
                for run in finite_runs(pts) {
                    let pixels: Vec<(i32, i32)> =
                        run.into_iter().map(|p| plot.map_coordinate(&p)).collect();
                    draw_on_root(plot, &pixels, *colour, *dash, *width_pt)?;
                }
            }
            Mark::HLine { y, colour, dash } => {
                let pixels = vec![
                    plot.map_coordinate(&(x0, *y)),
                    plot.map_coordinate(&(x1, *y)),
                ];
                draw_on_root(plot, &pixels, *colour, *dash, 0.8)?;
            }
            Mark::Diagonal { colour, width_pt } => {
                let (a, b) = (x0.max(y0), x1.min(y1));
                let pixels = vec![plot.map_coordinate(&(a, a)), plot.map_coordinate(&(b, b))];
                draw_on_root(plot, &pixels, *colour, Dash::Solid, *width_pt)?;
            }
            _ => {}
        }
    }
    for m in &panel.marks {
        if let Mark::Points {
            pts,
            colour,
            radius_pt,
            shape,
        } = m
        {
            let r = px(*radius_pt) as i32;
            let abs = plot.strip_coord_spec();
            let (ox, oy) = abs.get_base_pixel();
            for p in pts.iter().filter(|p| finite(p)) {
                let (x, y) = plot.map_coordinate(p);
                draw_marker(&abs, (x - ox, y - oy), r, *colour, *shape)?;
            }
        }
    }
    Ok(())
}

/// Draws pixel-space lines (from `map_coordinate`, which is relative to the whole backend)
/// onto the backend through a drawing area of the same origin, clipped to the plot.
fn draw_on_root<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    pixels: &[(i32, i32)],
    colour: Rgb,
    dash: Dash,
    width_pt: f64,
) -> Result<()> {
    let abs = plot.strip_coord_spec();
    let (ox, oy) = abs.get_base_pixel();
    let rel: Vec<(i32, i32)> = pixels.iter().map(|&(x, y)| (x - ox, y - oy)).collect();
    draw_dashed(&abs, &rel, colour, dash, width_pt)
}

/// A tick label: few digits, no trailing zeros.
fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if a >= 1000.0 {
        return format!("{v:.0}");
    }
    let s = if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    // A typographic minus, as in print.
    s.replacen('-', "−", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.300_000_000_000_000_04), "0.3");
        assert_eq!(tick(1500.0), "1500");
        assert_eq!(tick(-0.5), "−0.5");
    }
}
