//! The legend below a figure's panels: entries laid out in centred rows that wrap at the
//! figure's width, each a sample (band, line, marker) and its label.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::dash::draw_dashed;
use super::marker::draw_marker;
use super::model::LegendEntry;
use super::style::{LEGEND_PT, band_fill, draw_error, px, text_style};
use crate::error::Result;

/// Where each legend entry goes.
pub(super) struct LegendLayout {
    /// Per entry: row, x offset.
    places: Vec<(usize, i32)>,
    /// Width of each row.
    row_widths: Vec<i32>,
    row_height: i32,
    sample_w: i32,
    /// Between a sample and its label.
    gap: i32,
}

impl LegendLayout {
    /// The height of all the rows, in pixels.
    pub(super) fn height(&self) -> i32 {
        self.row_widths.len() as i32 * self.row_height
    }
}

/// Lays `legend` out in rows at most `max_w` pixels wide (an entry wider than that gets a row
/// of its own), measuring the labels on `area`.
pub(super) fn layout_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &[LegendEntry],
    max_w: i32,
) -> LegendLayout {
    let style = text_style(LEGEND_PT);
    let sample_w = px(20.0) as i32;
    let gap = px(3.0) as i32;
    let pad = px(9.0) as i32;
    let mut places = Vec::new();
    let mut row_widths = vec![0];
    for e in legend {
        let text_w = area
            .estimate_text_size(&e.label, &style)
            .map_or(e.label.len() as i32 * 18, |(w, _)| w as i32);
        let w = sample_w + gap + text_w;
        let row = row_widths.len() - 1;
        let cur = row_widths[row];
        if cur > 0 && cur + pad + w > max_w {
            row_widths.push(w);
            places.push((row + 1, 0));
        } else {
            let x = if cur > 0 { cur + pad } else { 0 };
            row_widths[row] = x + w;
            places.push((row, x));
        }
    }
    LegendLayout {
        places,
        row_widths,
        row_height: (px(LEGEND_PT) * 1.45) as i32,
        sample_w,
        gap,
    }
}

/// Draws `legend` on `area` as `layout` places it, each row centred in `total_w` pixels.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &[LegendEntry],
    layout: &LegendLayout,
    total_w: i32,
) -> Result<()> {
    let style = text_style(LEGEND_PT);
    for (e, &(row, x)) in legend.iter().zip(&layout.places) {
        let row_w = layout.row_widths[row];
        let left = (total_w - row_w) / 2 + x;
        let cy = row as i32 * layout.row_height + layout.row_height / 2;
        let sw = layout.sample_w;
        if e.band {
            let bh = (f64::from(layout.row_height) * 0.55) as i32;
            area.draw(&Rectangle::new(
                [(left, cy - bh / 2), (left + sw, cy + bh / 2)],
                band_fill(e.colour),
            ))
            .map_err(draw_error)?;
        }
        if e.width_pt > 0.0 {
            draw_dashed(
                area,
                &[(left, cy), (left + sw, cy)],
                e.colour,
                e.dash,
                e.width_pt,
            )?;
        }
        if e.marker {
            draw_marker(area, (left + sw / 2, cy), px(1.8) as i32, e.colour, e.shape)?;
        }
        area.draw(&Text::new(
            e.label.clone(),
            (left + sw + layout.gap, cy),
            style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
}
