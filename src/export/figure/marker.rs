//! Markers: the current run's circles and the pinned runs' squares, diamonds and triangles,
//! drawn filled on any backend (the plots and the legend share them).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::model::Marker;
use super::style::{draw_error, rgb};
use crate::error::Result;
use crate::export::palette::{PinMarker, Rgb};

/// A filled marker of `shape` and radius `r` pixels centred at `at` (pixels of `area`).
pub(super) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    r: i32,
    colour: Rgb,
    shape: Marker,
) -> Result<()> {
    let style = rgb(colour).filled();
    let polygon = |pts: Vec<(i32, i32)>| area.draw(&Polygon::new(pts, style));
    match shape {
        Marker::Circle => area.draw(&Circle::new((x, y), r, style)),
        Marker::Pin(PinMarker::Square) => {
            let h = r * 9 / 10;
            area.draw(&Rectangle::new([(x - h, y - h), (x + h, y + h)], style))
        }
        Marker::Pin(PinMarker::Diamond) => {
            let h = r * 13 / 10;
            polygon(vec![(x, y - h), (x + h, y), (x, y + h), (x - h, y)])
        }
        Marker::Pin(PinMarker::Triangle) => {
            let h = r * 13 / 10;
            polygon(vec![
                (x, y - h),
                (x + h, y + h * 3 / 4),
                (x - h, y + h * 3 / 4),
            ])
        }
        Marker::Pin(PinMarker::TriangleDown) => {
            let h = r * 13 / 10;
            polygon(vec![
                (x, y + h),
                (x + h, y - h * 3 / 4),
                (x - h, y - h * 3 / 4),
            ])
        }
    }
    .map_err(draw_error)
}
