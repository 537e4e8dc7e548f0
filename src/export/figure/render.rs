//! The figure entry points: a spec and its results to the file's bytes (built, drawn on the SVG
//! or PNG backend, encoded), and to a file.

use std::path::Path;

use plotters::prelude::*;

use super::build::build;
use super::canvas::PngCanvas;
use super::draw::draw;
use super::encode::{encode_png, png_font, register_fonts, svg_with_metadata};
use super::spec::{FigureFormat, FigureSpec, PlotData};
use super::style::draw_error;
use crate::error::{Error, Result};
use crate::fs::write_atomically;

/// Draws `spec.kind` from `data` and returns the file's bytes (SVG text or PNG).
pub fn render_figure(spec: &FigureSpec, data: &PlotData<'_>) -> Result<Vec<u8>> {
    let figure = build(spec.kind, data)?;
    let (w, h) = spec.width.pixels(spec.kind);
    register_fonts()?;
    match spec.format {
        FigureFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                draw(&root, &figure)?;
                root.present().map_err(draw_error)?;
            }
            Ok(svg_with_metadata(&svg, spec, (w, h)).into_bytes())
        }
        FigureFormat::Png => {
            let mut rgb = vec![0_u8; w as usize * h as usize * 3];
            {
                let root = PngCanvas::new(&mut rgb, (w, h), png_font()?).into_drawing_area();
                draw(&root, &figure)?;
                root.present().map_err(draw_error)?;
            }
            encode_png(&rgb, w, h)
        }
    }
}

/// Draws the figure and writes it to `path` atomically.
pub fn write_figure(path: &Path, spec: &FigureSpec, data: &PlotData<'_>) -> Result<()> {
    let bytes = render_figure(spec, data)?;
    write_atomically(path, |w| {
        w.write_all(&bytes)
            .map_err(|e| Error::io("cannot write", path, e))
    })
}
