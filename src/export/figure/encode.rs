//! Encoding figure files: the bundled font (for plotters' text metrics and the PNG canvas),
//! the SVG's physical size and provenance metadata, and the PNG with its 300 dpi marker.

use std::sync::Once;

use ab_glyph::FontRef;
use plotters::style::{FontStyle, register_font};

use super::spec::{DPI, FigureSpec};
use crate::error::{Error, Result};

static DEJAVU: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Why the bundled font failed.
fn font_error() -> Error {
    Error::invalid("the bundled font DejaVu Sans cannot be read")
}

/// Registers the bundled DejaVu Sans as plotters' sans-serif, so PNG text renders on a machine
/// without system fonts.
pub(super) fn register_fonts() -> Result<()> {
    static ONCE: Once = Once::new();
    let mut failed = false;
    ONCE.call_once(|| {
        failed = register_font("sans-serif", FontStyle::Normal, DEJAVU).is_err();
    });
    if failed {
        return Err(font_error());
    }
    Ok(())
}

/// The bundled DejaVu Sans, for the PNG canvas to draw text with.
pub(super) fn png_font() -> Result<FontRef<'static>> {
    FontRef::try_from_slice(DEJAVU).map_err(|_| font_error())
}

/// Inserts the provenance after the opening `<svg>` tag and gives the figure its physical size.
pub(super) fn svg_with_metadata(svg: &str, spec: &FigureSpec, (w, h): (u32, u32)) -> String {
    let hash = spec.hash.as_deref().unwrap_or("none");
    let provenance = format!("workspace fnv1a64:{hash} plot:{}", spec.kind);
    let title = format!("crl-lab {} plot", spec.kind);
    svg_with_provenance(svg, &provenance, &title, spec.width.inches(), (w, h))
}

/// Inserts `crl-lab VERSION PROVENANCE` (as a comment and as `<metadata>`) and `title` after the
/// opening `<svg>` tag, and sizes the figure `inches_w` wide at [`DPI`].
pub(super) fn svg_with_provenance(
    svg: &str,
    provenance: &str,
    title: &str,
    inches_w: f64,
    (w, h): (u32, u32),
) -> String {
    let inches_h = f64::from(h) / f64::from(DPI);
    let sized = svg.replacen(
        &format!("width=\"{w}\" height=\"{h}\""),
        &format!("width=\"{inches_w}in\" height=\"{inches_h:.3}in\""),
        1,
    );
    let version = env!("CARGO_PKG_VERSION");
    let meta = format!(
        "<!-- crl-lab {version} {provenance} -->\n<metadata>crl-lab {version} {provenance}</metadata>\n<title>{title}</title>\n",
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

/// Encodes `w × h` RGB pixels as a PNG whose pHYs chunk says [`DPI`].
pub(super) fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    encode_png_with_text(rgb, w, h, None)
}

/// [`encode_png`] with a `tEXt` chunk `(keyword, text)` when given (the provenance of a figure
/// whose PNG must say where it came from).
pub(super) fn encode_png_with_text(
    rgb: &[u8],
    w: u32,
    h: u32,
    text: Option<(&str, &str)>,
) -> Result<Vec<u8>> {
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
        if let Some((keyword, value)) = text {
            enc.add_text_chunk(keyword.to_owned(), value.to_owned())
                .map_err(err)?;
        }
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(rgb).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}
