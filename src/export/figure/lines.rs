//! Figures of lines over a numeric axis, each a mean with a shaded interval, outside the
//! app's plot kinds: an experiment grid's "metric against β, one line per estimator". They are
//! built into the same figure model and drawn, sized and encoded by the same code as the other
//! figures, so they look the same on a page; their files carry a provenance string (the grid's
//! hash) in the SVG metadata and in a PNG `tEXt` chunk.

use std::path::Path;

use plotters::prelude::*;

use super::canvas::PngCanvas;
use super::draw::draw;
use super::encode::{encode_png_with_text, png_font, register_fonts, svg_with_provenance};
use super::model::{Dash, Figure, LegendEntry, Mark, Marker, Panel};
use super::spec::{FigureFormat, FigureWidth, PlotKind};
use super::style::draw_error;
use crate::error::{Error, Result};
use crate::export::palette::{self, Rgb};
use crate::fs::write_atomically;

/// One point of a line: the mean at `x` and the interval drawn around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinePoint {
    /// Where on the x axis.
    pub x: f64,
    /// The line passes through it.
    pub mean: f64,
    /// The interval's lower edge (NaN: no interval, e.g. with one seed).
    pub lo: f64,
    /// The interval's upper edge (NaN: no interval).
    pub hi: f64,
}

/// One line of a [`LineFigure`].
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The legend's text for it.
    pub label: String,
    /// Its colour; `None` takes the next of the colour-blind-safe qualitative colours.
    pub colour: Option<Rgb>,
    /// Its points, in x order.
    pub points: Vec<LinePoint>,
}

/// A figure of mean lines with intervals over a numeric x axis.
#[derive(Clone, Debug, PartialEq)]
pub struct LineFigure {
    /// The x axis's description.
    pub x_label: String,
    /// The y axis's description.
    pub y_label: String,
    /// The lines, in legend order.
    pub lines: Vec<Line>,
    /// The legend entry of the shaded band (e.g. `mean and 95% interval over 3 seeds`); empty
    /// for none.
    pub band_label: String,
    /// Where the figure came from, written into the file (e.g. `grid fnv1a64:… figure:…`).
    pub provenance: String,
    /// The SVG's title.
    pub title: String,
}

/// Okabe-Ito's qualitative colours without yellow (too light on white), in the order lines
/// take them.
const QUALITATIVE: [Rgb; 7] = [
    palette::CRL,
    palette::BASELINE,
    palette::OUTCOME,
    palette::ERROR,
    Rgb(0x56, 0xB4, 0xE9),
    Rgb(0xCC, 0x79, 0xA7),
    Rgb(0x00, 0x00, 0x00),
];

/// The `i`-th qualitative colour (they repeat after seven).
pub fn qualitative_colour(i: usize) -> Rgb {
    QUALITATIVE[i % QUALITATIVE.len()]
}

/// The figure model of `fig`: one panel, a band and a marked line per line, the legend below.
fn build(fig: &LineFigure) -> Result<Figure> {
    if fig.lines.iter().all(|l| l.points.is_empty()) {
        return Err(Error::invalid(format!(
            "the figure `{}` has no points to draw",
            fig.title
        )));
    }
    let mut p = Panel::new(&fig.x_label, &fig.y_label);
    let mut legend = Vec::new();
    for (i, line) in fig.lines.iter().enumerate() {
        let colour = line.colour.unwrap_or_else(|| qualitative_colour(i));
        let pts = &line.points;
        if pts.len() > 1 {
            p.marks.push(Mark::Band {
                xs: pts.iter().map(|q| q.x).collect(),
                lo: pts.iter().map(|q| q.lo).collect(),
                hi: pts.iter().map(|q| q.hi).collect(),
                colour,
            });
        }
        let mean: Vec<(f64, f64)> = pts.iter().map(|q| (q.x, q.mean)).collect();
        p.marks.push(Mark::Line {
            pts: mean.clone(),
            colour,
            width_pt: 1.3,
            dash: Dash::Solid,
        });
        p.marks.push(Mark::Points {
            pts: mean,
            colour,
            radius_pt: 1.8,
            shape: Marker::Circle,
        });
        let banded = pts.iter().any(|q| q.lo.is_finite() && q.hi.is_finite());
        legend.push(LegendEntry::marked(line.label.clone(), colour, banded));
    }
    if !fig.band_label.is_empty() {
        legend.push(LegendEntry::band(fig.band_label.clone()));
    }
    Ok(Figure::single(p, legend))
}

/// Characters XML text and comments cannot hold as they are.
fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("--", "‐‐")
}

/// Draws `fig` as SVG or PNG at `width` (the height of the OOD figure) and returns the bytes.
pub fn render_line_figure(
    fig: &LineFigure,
    format: FigureFormat,
    width: FigureWidth,
) -> Result<Vec<u8>> {
    let figure = build(fig)?;
    let (w, h) = width.pixels(PlotKind::Ood);
    register_fonts()?;
    match format {
        FigureFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                draw(&root, &figure)?;
                root.present().map_err(draw_error)?;
            }
            let text = svg_with_provenance(
                &svg,
                &xml_text(&fig.provenance),
                &xml_text(&fig.title),
                width.inches(),
                (w, h),
            );
            Ok(text.into_bytes())
        }
        FigureFormat::Png => {
            let mut rgb = vec![0_u8; w as usize * h as usize * 3];
            {
                let root = PngCanvas::new(&mut rgb, (w, h), png_font()?).into_drawing_area();
                draw(&root, &figure)?;
                root.present().map_err(draw_error)?;
            }
            let provenance = format!("crl-lab {} {}", env!("CARGO_PKG_VERSION"), fig.provenance);
            // tEXt holds Latin-1 only: anything else becomes `?`.
            let latin1: String = provenance
                .chars()
                .map(|c| if u32::from(c) < 256 { c } else { '?' })
                .collect();
            encode_png_with_text(&rgb, w, h, Some(("Comment", &latin1)))
        }
    }
}

/// Draws `fig` and writes it to `path` atomically.
pub fn write_line_figure(
    path: &Path,
    fig: &LineFigure,
    format: FigureFormat,
    width: FigureWidth,
) -> Result<()> {
    let bytes = render_line_figure(fig, format, width)?;
    write_atomically(path, |w| {
        w.write_all(&bytes)
            .map_err(|e| Error::io("cannot write", path, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure() -> LineFigure {
        let pt = |x: f64, mean: f64| LinePoint {
            x,
            mean,
            lo: mean - 0.02,
            hi: mean + 0.02,
        };
        LineFigure {
            x_label: "β".into(),
            y_label: "accuracy at shift 1".into(),
            lines: vec![
                Line {
                    label: "nce-club".into(),
                    colour: None,
                    points: vec![pt(0.0, 0.8), pt(5.0, 0.85), pt(20.0, 0.9)],
                },
                Line {
                    label: "club".into(),
                    colour: Some(palette::BASELINE),
                    points: vec![pt(0.0, 0.8), pt(5.0, 0.82), pt(20.0, 0.84)],
                },
            ],
            band_label: "mean and 95% interval over 3 seeds".into(),
            provenance: "grid fnv1a64:0123456789abcdef figure:a<b".into(),
            title: "accuracy <against> β".into(),
        }
    }

    #[test]
    fn svg_carries_the_provenance_escaped_and_png_its_text_chunk() {
        let svg = render_line_figure(&figure(), FigureFormat::Svg, FigureWidth::Single).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<metadata>crl-lab "), "{}", &svg[..300]);
        assert!(svg.contains("grid fnv1a64:0123456789abcdef figure:a&lt;b"));
        assert!(svg.contains("<title>accuracy &lt;against&gt; β</title>"));
        assert!(svg.contains("width=\"3.5in\""));
        let png = render_line_figure(&figure(), FigureFormat::Png, FigureWidth::Single).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (1050, 840));
        let text: Vec<&str> = info
            .uncompressed_latin1_text
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert!(
            text.iter()
                .any(|t| t.contains("grid fnv1a64:0123456789abcdef")),
            "{text:?}"
        );
    }

    #[test]
    fn a_figure_without_points_is_refused() {
        let mut fig = figure();
        for l in &mut fig.lines {
            l.points.clear();
        }
        let e = render_line_figure(&fig, FigureFormat::Svg, FigureWidth::Single).unwrap_err();
        assert!(e.to_string().contains("no points"), "{e}");
    }
}
