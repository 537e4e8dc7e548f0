//! Everything the app can export at once: the plots that have something to draw, and writing
//! every one of them (figures at both widths, and the CSV behind each) into a folder. The
//! figures and CSVs themselves are the core's (`export`).

use std::path::Path;

use crate::export::{
    FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind, plot_csv, write_figure, write_string,
};

/// Writes every figure (SVG and PNG at both widths) and the CSV behind each plot that has data
/// into `dir`; returns how many files were written.
pub fn export_all(dir: &Path, data: &PlotData<'_>, hash: Option<String>) -> crate::Result<usize> {
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io("cannot create", dir, e))?;
    let mut n = 0;
    for kind in available_kinds(data) {
        for (format, width, suffix) in [
            (FigureFormat::Svg, FigureWidth::Single, ""),
            (FigureFormat::Png, FigureWidth::Single, ""),
            (FigureFormat::Png, FigureWidth::Double, "-double"),
        ] {
            let spec = FigureSpec {
                kind,
                format,
                width,
                hash: hash.clone(),
            };
            let path = dir.join(format!("{}{suffix}.{}", kind.name(), format.extension()));
            write_figure(&path, &spec, data)?;
            n += 1;
        }
        write_string(
            &dir.join(format!("{}.csv", kind.name())),
            &plot_csv(kind, data)?,
        )?;
        n += 1;
    }
    Ok(n)
}

/// The plot kinds that have something to draw.
pub fn available_kinds(data: &PlotData<'_>) -> Vec<PlotKind> {
    PlotKind::ALL
        .into_iter()
        .filter(|k| match k {
            PlotKind::Calibration => !data.calibration.is_empty(),
            PlotKind::TradeOff => data.run.is_some_and(|r| {
                r.mode == crate::experiment::RunMode::BetaSweep && !r.eval.is_empty()
            }),
            PlotKind::Ood => data.run.is_some_and(|r| !r.eval.is_empty()),
            PlotKind::Loss | PlotKind::Mi => data.run.is_some_and(|r| !r.reports.is_empty()),
        })
        .collect()
}
