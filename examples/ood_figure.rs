//! Reproducing the OOD-vs-shift figure: build a workspace, compute its results headlessly
//! (the same path as the app), save it, and draw the figure as a single-column SVG and PNG
//! whose SVG metadata carries the workspace's hash.
//!
//! `cargo run --release --example ood_figure`

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::experiment::SilentJob;
use crl_lab::export::{
    FigureFormat, FigureSpec, FigureWidth, Needs, PlotKind, plot_data, recompute, write_figure,
};
use crl_lab::session::Workspace;
use crl_lab::train::{DeviceChoice, RunControl};

fn main() -> crl_lab::Result<()> {
    let mut ws = Workspace::from_preset("shortcut")?;
    ws.train.config.steps = 1_000;
    ws.train.n_seeds = 3;
    let needs = Needs {
        training: true,
        calibration: false,
    };
    recompute(
        &mut ws,
        needs,
        false,
        Some(DeviceChoice::Cpu),
        &mut SilentJob,
        &mut |_| {},
        &RunControl::default(),
    )?;
    let dir = std::env::temp_dir();
    ws.save(&dir.join("crl-lab-ood.json"))?;
    let hash = ws.hash()?;
    let data = plot_data(&ws);
    for format in [FigureFormat::Svg, FigureFormat::Png] {
        let path = dir.join(format!("crl-lab-ood.{}", format.extension()));
        let spec = FigureSpec {
            kind: PlotKind::Ood,
            format,
            width: FigureWidth::Single,
            hash: Some(hash.clone()),
        };
        write_figure(&path, &spec, &data)?;
        println!("wrote {}", path.display());
    }
    println!(
        "workspace {} (fnv1a64 {hash})",
        dir.join("crl-lab-ood.json").display()
    );
    Ok(())
}
