//! Static figures for papers: the app's plots (loss curves, MI over steps, OOD metric against
//! shift, estimator calibration, β trade-off) drawn with plotters as SVG or 300 dpi PNG, at
//! single-column (3.5 in) or double-column (7 in) width.
//!
//! A figure draws the same series with the same styles and colours as the app: train solid,
//! validation dashed; I(z;c) solid, I(z;y) dotted, the penalty's estimate dashed and labelled
//! "(upper bound)" for upper-bound estimators; the InfoNCE ceiling log N dashed; the OOD mean
//! with circle markers over a band of ± 1 standard deviation over seeds. Legends sit below the
//! plot so they never hide a curve; for loss and MI they factor colour (the model) from line
//! style (the quantity).

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::canvas::PngCanvas;
use super::palette::{self, Rgb};
use crate::error::{Error, Result};
use crate::experiment::{Group, RunMode, RunResults, trim};
use crate::fs::write_atomically;
use crate::mi::{Calibration, EstimatorKind};

/// Resolution of PNG figures, in dots per inch.
pub const DPI: u32 = 300;

/// Pixels per typographic point at [`DPI`].
const PX_PER_PT: f64 = DPI as f64 / 72.0;

/// Which plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlotKind {
    /// Training (solid) and validation (dashed) loss over steps.
    Loss,
    /// MI estimates over steps.
    Mi,
    /// The headline metric against shift, mean ± 1 sd over seeds.
    Ood,
    /// An estimator against the true MI of correlated Gaussians.
    Calibration,
    /// A β sweep's metric and final I(z; c) against β.
    TradeOff,
}

impl PlotKind {
    /// Every kind, in menu order.
    pub const ALL: [PlotKind; 5] = [
        PlotKind::Loss,
        PlotKind::Mi,
        PlotKind::Ood,
        PlotKind::Calibration,
        PlotKind::TradeOff,
    ];

    /// The command-line and file name: `loss`, `mi`, `ood`, `calibration`, `tradeoff`.
    pub fn name(self) -> &'static str {
        match self {
            PlotKind::Loss => "loss",
            PlotKind::Mi => "mi",
            PlotKind::Ood => "ood",
            PlotKind::Calibration => "calibration",
            PlotKind::TradeOff => "tradeoff",
        }
    }

    /// Whether the plot draws a training run (else the calibration points).
    pub fn needs_training(self) -> bool {
        self != PlotKind::Calibration
    }
}

impl fmt::Display for PlotKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PlotKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PlotKind::ALL
            .into_iter()
            .find(|k| k.name() == s || (s == "trade-off" && *k == PlotKind::TradeOff))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown plot `{s}` (use loss, mi, ood, calibration or tradeoff)"
                ))
            })
    }
}

/// File format of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureFormat {
    /// Scalable vector graphics, with the workspace hash in its metadata.
    Svg,
    /// A 300 dpi PNG (the resolution is written into its pHYs chunk).
    Png,
}

impl FigureFormat {
    /// The file extension: `svg` or `png`.
    pub fn extension(self) -> &'static str {
        match self {
            FigureFormat::Svg => "svg",
            FigureFormat::Png => "png",
        }
    }
}

impl FromStr for FigureFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "svg" => Ok(FigureFormat::Svg),
            "png" => Ok(FigureFormat::Png),
            other => Err(Error::invalid(format!(
                "unknown figure format `{other}` (use svg or png)"
            ))),
        }
    }
}

/// Paper width presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FigureWidth {
    /// One column of a two-column paper: 3.5 in.
    #[default]
    Single,
    /// The full text width: 7 in.
    Double,
}

impl FigureWidth {
    /// The width in inches.
    pub fn inches(self) -> f64 {
        match self {
            FigureWidth::Single => 3.5,
            FigureWidth::Double => 7.0,
        }
    }

    /// The figure's size in pixels at [`DPI`] for `kind`: 1050 or 2100 wide.
    pub fn pixels(self, kind: PlotKind) -> (u32, u32) {
        let w = (self.inches() * f64::from(DPI)).round() as u32;
        let h_in = match (self, kind) {
            (FigureWidth::Single, PlotKind::Calibration) => 3.3,
            (FigureWidth::Single, PlotKind::TradeOff) => 2.9,
            (FigureWidth::Single, _) => 2.8,
            (FigureWidth::Double, _) => 3.0,
        };
        (w, (h_in * f64::from(DPI)).round() as u32)
    }
}

impl FromStr for FigureWidth {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "single" => Ok(FigureWidth::Single),
            "double" => Ok(FigureWidth::Double),
            other => Err(Error::invalid(format!(
                "unknown width `{other}` (use single or double)"
            ))),
        }
    }
}

/// What to draw and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureSpec {
    /// The plot.
    pub kind: PlotKind,
    /// SVG or PNG.
    pub format: FigureFormat,
    /// Paper width preset.
    pub width: FigureWidth,
    /// The workspace's content hash (see `Workspace::hash`), written into SVG metadata.
    pub hash: Option<String>,
}

/// The results a figure is drawn from.
#[derive(Clone, Copy, Debug)]
pub struct PlotData<'a> {
    /// The training run (loss, MI, OOD, trade-off).
    pub run: Option<&'a RunResults>,
    /// The calibration points, one per correlation.
    pub calibration: &'a [Calibration],
    /// The estimator the calibration points belong to.
    pub calibration_estimator: EstimatorKind,
}

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
                let font = ab_glyph::FontRef::try_from_slice(DEJAVU)
                    .map_err(|_| Error::invalid("the bundled font DejaVu Sans cannot be read"))?;
                let root = PngCanvas::new(&mut rgb, (w, h), font).into_drawing_area();
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

fn draw_error<E: fmt::Debug>(e: E) -> Error {
    Error::invalid(format!("cannot draw the figure: {e:?}"))
}

static DEJAVU: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled DejaVu Sans as plotters' sans-serif, so PNG text renders on a machine
/// without system fonts.
fn register_fonts() -> Result<()> {
    static ONCE: Once = Once::new();
    let mut failed = false;
    ONCE.call_once(|| {
        failed = register_font("sans-serif", FontStyle::Normal, DEJAVU).is_err();
    });
    if failed {
        return Err(Error::invalid(
            "the bundled font DejaVu Sans cannot be read",
        ));
    }
    Ok(())
}

/// Inserts the provenance after the opening `<svg>` tag and gives the figure its physical size.
fn svg_with_metadata(svg: &str, spec: &FigureSpec, (w, h): (u32, u32)) -> String {
    let inches_w = spec.width.inches();
    let inches_h = f64::from(h) / f64::from(DPI);
    let sized = svg.replacen(
        &format!("width=\"{w}\" height=\"{h}\""),
        &format!("width=\"{inches_w}in\" height=\"{inches_h:.3}in\""),
        1,
    );
    let hash = spec.hash.as_deref().unwrap_or("none");
    let meta = format!(
        "<!-- crl-lab {} workspace fnv1a64:{hash} plot:{} -->\n<metadata>crl-lab {} workspace fnv1a64:{hash} plot:{}</metadata>\n<title>crl-lab {} plot</title>\n",
        env!("CARGO_PKG_VERSION"),
        spec.kind,
        env!("CARGO_PKG_VERSION"),
        spec.kind,
        spec.kind
    );
    match sized
        .find("<svg")
        .and_then(|i| sized[i..].find('>').map(|j| i + j + 1))
    {
        Some(end) => {
            let mut out = String::with_capacity(sized.len() + meta.len() + 1);
            out.push_str(&sized[..end]);
            out.push('\n');
            out.push_str(&meta);
            out.push_str(sized[end..].trim_start_matches('\n'));
            out
        }
        None => sized,
    }
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let err = |e: png::EncodingError| Error::invalid(format!("cannot encode the PNG: {e}"));
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // 300 dots per inch = 11811 per metre.
        let ppm = (f64::from(DPI) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(rgb).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// What a figure holds, independent of the backend.

/// Line pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dash {
    Solid,
    /// The app's `dashed_loose`.
    Dashed,
    /// The app's `dashed_dense` (reference lines).
    DenseDashed,
    Dotted,
}

#[derive(Clone, Debug)]
enum Mark {
    /// A polyline; non-finite points break it.
    Line {
        pts: Vec<(f64, f64)>,
        colour: Rgb,
        width_pt: f64,
        dash: Dash,
    },
    /// A shaded band between `lo` and `hi`.
    Band {
        xs: Vec<f64>,
        lo: Vec<f64>,
        hi: Vec<f64>,
        colour: Rgb,
    },
    /// Circle markers.
    Points {
        pts: Vec<(f64, f64)>,
        colour: Rgb,
        radius_pt: f64,
    },
    /// A horizontal line across the plot.
    HLine { y: f64, colour: Rgb, dash: Dash },
    /// The line y = x across the plot.
    Diagonal { colour: Rgb, width_pt: f64 },
}

#[derive(Clone, Debug)]
struct LegendEntry {
    label: String,
    colour: Rgb,
    dash: Dash,
    width_pt: f64,
    marker: bool,
    band: bool,
}

impl LegendEntry {
    fn line(label: impl Into<String>, colour: Rgb, dash: Dash, width_pt: f64) -> Self {
        LegendEntry {
            label: label.into(),
            colour,
            dash,
            width_pt,
            marker: false,
            band: false,
        }
    }
}

#[derive(Clone, Debug)]
struct Panel {
    x_label: String,
    y_label: String,
    marks: Vec<Mark>,
    /// Extra x values the range must include.
    include_x: Vec<f64>,
    /// Equal units on both axes, starting at 0 (the calibration plot).
    equal_aspect: bool,
}

impl Panel {
    fn new(x_label: &str, y_label: &str) -> Self {
        Panel {
            x_label: x_label.into(),
            y_label: y_label.into(),
            marks: Vec::new(),
            include_x: Vec::new(),
            equal_aspect: false,
        }
    }
}

#[derive(Clone, Debug)]
struct Figure {
    panels: Vec<Panel>,
    legend: Vec<LegendEntry>,
}

fn group_colour(run: &RunResults, i: usize, g: &Group) -> Rgb {
    match run.mode {
        RunMode::Compare => palette::model_colour(g.kind),
        RunMode::BetaSweep => palette::sweep_colour(i, run.groups.len()),
    }
}

fn is_binary(run: &RunResults) -> bool {
    run.eval
        .first()
        .is_none_or(|r| !r.metrics.accuracy.is_nan())
}

fn pairs(v: Vec<[f64; 2]>) -> Vec<(f64, f64)> {
    v.into_iter().map(|[x, y]| (x, y)).collect()
}

fn need_run<'a>(data: &PlotData<'a>, kind: PlotKind) -> Result<&'a RunResults> {
    data.run.filter(|r| !r.reports.is_empty()).ok_or_else(|| {
        Error::invalid(format!(
            "the {kind} plot needs a training run; none is there"
        ))
    })
}

fn build(kind: PlotKind, data: &PlotData<'_>) -> Result<Figure> {
    match kind {
        PlotKind::Loss => Ok(loss_figure(need_run(data, kind)?)),
        PlotKind::Mi => Ok(mi_figure(need_run(data, kind)?)),
        PlotKind::Ood => {
            let run = need_run(data, kind)?;
            if run.eval.is_empty() {
                return Err(Error::invalid(
                    "the ood plot needs evaluations at each shift; the run has none",
                ));
            }
            Ok(ood_figure(run))
        }
        PlotKind::Calibration => {
            if data.calibration.is_empty() {
                return Err(Error::invalid(
                    "the calibration plot needs calibration points; there are none",
                ));
            }
            Ok(calibration_figure(
                data.calibration,
                data.calibration_estimator,
            ))
        }
        PlotKind::TradeOff => {
            let run = need_run(data, kind)?;
            if run.mode != RunMode::BetaSweep || run.eval.is_empty() {
                return Err(Error::invalid(
                    "the tradeoff plot needs a finished β-sweep run (set the run mode to β sweep)",
                ));
            }
            Ok(trade_off_figure(run))
        }
    }
}

fn group_legend(run: &RunResults) -> Vec<LegendEntry> {
    run.groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendEntry::line(g.name.clone(), group_colour(run, i, g), Dash::Solid, 1.3))
        .collect()
}

fn loss_figure(run: &RunResults) -> Figure {
    let unit = if is_binary(run) {
        "cross-entropy (nats)"
    } else {
        "MSE (standardised)"
    };
    let mut p = Panel::new("step", unit);
    for (i, g) in run.groups.iter().enumerate() {
        let c = group_colour(run, i, g);
        p.marks.push(Mark::Line {
            pts: pairs(run.series(g, |m| m.supervised_loss)),
            colour: c,
            width_pt: 1.0,
            dash: Dash::Solid,
        });
        p.marks.push(Mark::Line {
            pts: pairs(run.series(g, |m| m.val_loss)),
            colour: c,
            width_pt: 1.0,
            dash: Dash::Dashed,
        });
    }
    let mut legend = group_legend(run);
    legend.push(LegendEntry::line("train", palette::INK, Dash::Solid, 1.0));
    legend.push(LegendEntry::line(
        "validation",
        palette::INK,
        Dash::Dashed,
        1.0,
    ));
    Figure {
        panels: vec![p],
        legend,
    }
}

fn mi_figure(run: &RunResults) -> Figure {
    let bound = if run.estimator.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    };
    let ceiling = (run.penalty_batch as f64).ln();
    let mut p = Panel::new("step", "MI (nats)");
    for (i, g) in run.groups.iter().enumerate() {
        let c = group_colour(run, i, g);
        p.marks.push(Mark::Line {
            pts: pairs(run.series(g, |m| m.mi_zc)),
            colour: c,
            width_pt: 1.3,
            dash: Dash::Solid,
        });
        p.marks.push(Mark::Line {
            pts: pairs(run.series(g, |m| m.mi_zy)),
            colour: c,
            width_pt: 1.0,
            dash: Dash::Dotted,
        });
        p.marks.push(Mark::Line {
            pts: pairs(run.series(g, |m| m.penalty_mi)),
            colour: c,
            width_pt: 0.8,
            dash: Dash::Dashed,
        });
    }
    p.marks.push(Mark::HLine {
        y: ceiling,
        colour: palette::TRUTH,
        dash: Dash::DenseDashed,
    });
    let mut legend = group_legend(run);
    legend.push(LegendEntry::line(
        "I(z; c) monitor",
        palette::INK,
        Dash::Solid,
        1.3,
    ));
    legend.push(LegendEntry::line(
        "I(z; y) monitor",
        palette::INK,
        Dash::Dotted,
        1.0,
    ));
    legend.push(LegendEntry::line(
        format!("penalty {}{bound}", run.estimator.name()),
        palette::INK,
        Dash::Dashed,
        0.8,
    ));
    legend.push(LegendEntry::line(
        format!("InfoNCE ceiling log N = {ceiling:.2}"),
        palette::TRUTH,
        Dash::DenseDashed,
        0.8,
    ));
    Figure {
        panels: vec![p],
        legend,
    }
}

/// A mean line with circle markers over a ± 1 sd band; `(x, mean, sd)` per point.
fn band_curve(p: &mut Panel, v: &[(f64, f64, f64)], colour: Rgb) {
    if v.len() > 1 {
        p.marks.push(Mark::Band {
            xs: v.iter().map(|t| t.0).collect(),
            lo: v.iter().map(|t| t.1 - t.2).collect(),
            hi: v.iter().map(|t| t.1 + t.2).collect(),
            colour,
        });
    }
    let pts: Vec<(f64, f64)> = v.iter().map(|t| (t.0, t.1)).collect();
    p.marks.push(Mark::Line {
        pts: pts.clone(),
        colour,
        width_pt: 1.3,
        dash: Dash::Solid,
    });
    p.marks.push(Mark::Points {
        pts,
        colour,
        radius_pt: 1.8,
    });
}

fn band_entry(label: String, colour: Rgb) -> LegendEntry {
    LegendEntry {
        label,
        colour,
        dash: Dash::Solid,
        width_pt: 1.3,
        marker: true,
        band: true,
    }
}

fn ood_figure(run: &RunResults) -> Figure {
    let metric = if is_binary(run) { "accuracy" } else { "R²" };
    let mut p = Panel::new("shift s (0 = training distribution)", metric);
    p.include_x = vec![0.0, 1.0];
    let mut legend = Vec::new();
    for (i, g) in run.groups.iter().enumerate() {
        let rows = run.group_summary(g);
        if rows.is_empty() {
            continue;
        }
        let c = group_colour(run, i, g);
        let v: Vec<(f64, f64, f64)> = rows
            .iter()
            .map(|r| (r.shift, r.mean.headline(), r.std.headline()))
            .collect();
        band_curve(&mut p, &v, c);
        legend.push(band_entry(g.name.clone(), c));
    }
    legend.push(LegendEntry {
        label: format!(
            "mean ± 1 sd over {} seeds",
            run.groups.first().map_or(0, |g| g.members.len())
        ),
        colour: palette::TRUTH,
        dash: Dash::Solid,
        width_pt: 0.0,
        marker: false,
        band: true,
    });
    Figure {
        panels: vec![p],
        legend,
    }
}

fn calibration_figure(points: &[Calibration], est: EstimatorKind) -> Figure {
    let bound = if est.is_upper_bound() {
        " (upper bound)"
    } else {
        ""
    };
    let max_truth = points.iter().map(|c| c.truth).fold(0.0_f64, f64::max);
    let log_n = points[0].log_n;
    let top = max_truth.max(log_n) * 1.1;
    let mut p = Panel::new("true I(X; Y) (nats)", "estimate (nats)");
    p.equal_aspect = true;
    p.marks.push(Mark::Diagonal {
        colour: palette::TRUTH,
        width_pt: 0.8,
    });
    let mut legend = vec![LegendEntry::line(
        "truth (estimate = true MI)",
        palette::TRUTH,
        Dash::Solid,
        0.8,
    )];
    p.include_x.push(top);
    if est == EstimatorKind::Infonce {
        p.marks.push(Mark::HLine {
            y: log_n,
            colour: palette::TRUTH,
            dash: Dash::DenseDashed,
        });
        legend.push(LegendEntry::line(
            format!("InfoNCE ceiling log N = {log_n:.2}"),
            palette::TRUTH,
            Dash::DenseDashed,
            0.8,
        ));
    }
    let pts: Vec<(f64, f64)> = points.iter().map(|c| (c.truth, c.estimate)).collect();
    p.marks.push(Mark::Line {
        pts: pts.clone(),
        colour: palette::CRL,
        width_pt: 1.3,
        dash: Dash::Solid,
    });
    p.marks.push(Mark::Points {
        pts,
        colour: palette::CRL,
        radius_pt: 2.0,
    });
    legend.push(LegendEntry {
        label: format!("{}{bound}", est.name()),
        colour: palette::CRL,
        dash: Dash::Solid,
        width_pt: 1.3,
        marker: true,
        band: false,
    });
    Figure {
        panels: vec![p],
        legend,
    }
}

fn trade_off_figure(run: &RunResults) -> Figure {
    let max_shift = run.shifts.iter().copied().fold(0.0_f64, f64::max);
    let min_shift = run.shifts.iter().copied().fold(f64::INFINITY, f64::min);
    let metric = if is_binary(run) { "accuracy" } else { "R²" };
    let mut left = Panel::new("β", metric);
    band_curve(&mut left, &run.metric_vs_beta(max_shift), palette::CRL);
    band_curve(&mut left, &run.metric_vs_beta(min_shift), palette::BASELINE);
    let mut right = Panel::new("β", "final I(z; c) (nats)");
    band_curve(&mut right, &run.final_mi_zc_vs_beta(), palette::ERROR);
    Figure {
        panels: vec![left, right],
        legend: vec![
            band_entry(
                format!("{metric} at shift {}", trim(max_shift)),
                palette::CRL,
            ),
            band_entry(
                format!("{metric} at shift {}", trim(min_shift)),
                palette::BASELINE,
            ),
            band_entry("I(z; c) monitor".into(), palette::ERROR),
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing.

fn px(pt: f64) -> f64 {
    pt * PX_PER_PT
}

/// Font size in plotters' units (the font's line height in pixels) for `pt` points.
fn font_px(pt: f64) -> f64 {
    px(pt) * 1.17
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn text_style(pt: f64) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", font_px(pt)).into_font()).color(&BLACK)
}

const TICK_PT: f64 = 8.0;
const LABEL_PT: f64 = 9.0;
const LEGEND_PT: f64 = 8.0;

struct LegendLayout {
    /// Per entry: row, x offset.
    places: Vec<(usize, i32)>,
    /// Width of each row.
    row_widths: Vec<i32>,
    row_height: i32,
    sample_w: i32,
}

fn layout_legend<DB: DrawingBackend>(
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
    }
}

fn shape(colour: Rgb, width_pt: f64) -> ShapeStyle {
    ShapeStyle {
        color: rgb(colour).to_rgba(),
        filled: false,
        stroke_width: px(width_pt).round().max(1.0) as u32,
    }
}

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

fn draw_dashed<DB: DrawingBackend>(
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

fn finite_runs(pts: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for &(x, y) in pts {
        if x.is_finite() && y.is_finite() {
            if let Some(last) = out.last_mut() {
                last.push((x, y));
            }
        } else if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

fn data_range(panel: &Panel) -> ((f64, f64), (f64, f64)) {
    let mut xs: Vec<f64> = panel.include_x.clone();
    let mut ys: Vec<f64> = Vec::new();
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

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<()> {
    root.fill(&WHITE).map_err(draw_error)?;
    let (w, h) = root.dim_in_pixel();
    let margin = px(4.0) as i32;
    let layout = layout_legend(root, &fig.legend, w as i32 - 2 * margin);
    let legend_h = layout.row_widths.len() as i32 * layout.row_height + margin;
    let (plot_area, legend_area) = root.split_vertically(h as i32 - legend_h);
    let areas = plot_area.split_evenly((1, fig.panels.len().max(1)));
    for (panel, area) in fig.panels.iter().zip(&areas) {
        draw_panel(area, panel)?;
    }
    draw_legend(&legend_area, fig, &layout, w as i32)
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
    let mut chart = ChartBuilder::on(area)
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
            if poly.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
                plot.draw(&Polygon::new(poly, rgb(*colour).mix(0.25).filled()))
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
        } = m
        {
            let r = px(*radius_pt) as i32;
            for &(x, y) in pts.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
                plot.draw(&Circle::new((x, y), r, rgb(*colour).filled()))
                    .map_err(draw_error)?;
            }
        }
    }
    Ok(())
}

/// Draws pixel-space lines (from `map_coordinate`, which is relative to the whole backend)
/// onto the backend through a drawing area of the same origin, clipped to the plot.
fn draw_on_root<DB: DrawingBackend>(
    plot: &DrawingArea<
        DB,
        plotters::coord::cartesian::Cartesian2d<
            plotters::coord::types::RangedCoordf64,
            plotters::coord::types::RangedCoordf64,
        >,
    >,
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

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    layout: &LegendLayout,
    total_w: i32,
) -> Result<()> {
    let style = text_style(LEGEND_PT);
    let gap = px(3.0) as i32;
    for (e, &(row, x)) in fig.legend.iter().zip(&layout.places) {
        let row_w = layout.row_widths[row];
        let left = (total_w - row_w) / 2 + x;
        let cy = row as i32 * layout.row_height + layout.row_height / 2;
        let sw = layout.sample_w;
        if e.band {
            let bh = (layout.row_height as f64 * 0.55) as i32;
            area.draw(&Rectangle::new(
                [(left, cy - bh / 2), (left + sw, cy + bh / 2)],
                rgb(e.colour).mix(0.25).filled(),
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
            area.draw(&Circle::new(
                (left + sw / 2, cy),
                px(1.8) as i32,
                rgb(e.colour).filled(),
            ))
            .map_err(draw_error)?;
        }
        area.draw(&Text::new(
            e.label.clone(),
            (left + sw + gap, cy),
            style.pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
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
    fn dashes_split_a_line() {
        let segs = dash_pixels(&[(0, 0), (200, 0)], Dash::Dashed, 1.0);
        assert!(segs.len() > 3, "{segs:?}");
        assert!(segs.iter().all(|s| s.len() >= 2));
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.30000000000000004), "0.3");
        assert_eq!(tick(1500.0), "1500");
        assert_eq!(tick(-0.5), "−0.5");
    }

    #[test]
    fn widths_are_print_sizes() {
        assert_eq!(FigureWidth::Single.pixels(PlotKind::Loss).0, 1050);
        assert_eq!(FigureWidth::Double.pixels(PlotKind::Ood).0, 2100);
    }
}
