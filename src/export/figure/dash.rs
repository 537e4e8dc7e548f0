//! Line patterns: a pixel polyline cut into the dashes or dots of its [`Dash`], and drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::model::Dash;
use super::style::{draw_error, px, rgb, shape};
use crate::error::Result;
use crate::export::palette::Rgb;

/// On and off lengths of a dash pattern in pixels, for a line `width_pt` wide.
fn dash_lengths(dash: Dash, width_pt: f64) -> (f64, f64) {
    let w = px(width_pt).max(1.0);
    match dash {
        Dash::Solid => (f64::INFINITY, 0.0),
        Dash::Dashed => (px(3.5), px(2.5)),
        Dash::DenseDashed => (px(2.0), px(1.5)),
        Dash::Dotted => (w, w * 1.6),
    }
}

/// Splits a pixel polyline into the segments of its dash pattern.
fn dash_pixels(pts: &[(i32, i32)], dash: Dash, width_pt: f64) -> Vec<Vec<(i32, i32)>> {
    if dash == Dash::Solid || pts.len() < 2 {
        return vec![pts.to_vec()];
    }
    let (on, off) = dash_lengths(dash, width_pt);
    let mut out = Vec::new();
    let mut cur: Vec<(i32, i32)> = Vec::new();
    let mut drawing = true;
    let mut left = on;
    for w in pts.windows(2) {
        let (a, b) = (
            (f64::from(w[0].0), f64::from(w[0].1)),
            (f64::from(w[1].0), f64::from(w[1].1)),
        );
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut t = 0.0;
        while t < len {
            let step = left.min(len - t);
            let at = |s: f64| {
                let f = s / len;
                (
                    (a.0 + (b.0 - a.0) * f).round() as i32,
                    (a.1 + (b.1 - a.1) * f).round() as i32,
                )
            };
            if drawing {
                if cur.is_empty() {
                    cur.push(at(t));
                }
                cur.push(at(t + step));
            }
            t += step;
            left -= step;
            if left <= 1e-9 {
                if drawing {
                    out.push(std::mem::take(&mut cur));
                }
                drawing = !drawing;
                left = if drawing { on } else { off };
            }
        }
    }
    if cur.len() > 1 {
        out.push(cur);
    }
    out
}

/// Draws the pixel polyline `pixels` on `area` in `dash`'s pattern.
pub(super) fn draw_dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pixels: &[(i32, i32)],
    colour: Rgb,
    dash: Dash,
    width_pt: f64,
) -> Result<()> {
    let style = shape(colour, width_pt);
    if dash == Dash::Dotted {
        // Round dots read as dots at print size; short dashes would not.
        let r = (px(width_pt) * 0.75).max(1.0) as i32;
        for seg in dash_pixels(pixels, dash, width_pt) {
            if let Some(&c) = seg.first() {
                area.draw(&Circle::new(c, r, rgb(colour).filled()))
                    .map_err(draw_error)?;
            }
        }
        return Ok(());
    }
    for seg in dash_pixels(pixels, dash, width_pt) {
        area.draw(&PathElement::new(seg, style))
            .map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_split_a_line() {
        let segs = dash_pixels(&[(0, 0), (200, 0)], Dash::Dashed, 1.0);
        assert!(segs.len() > 3, "{segs:?}");
        assert!(segs.iter().all(|s| s.len() >= 2));
    }
}
