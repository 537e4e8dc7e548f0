//! Runs side by side: train the `shortcut` preset three times (its recommended β, β 3, and the
//! penalty unconditional), pin each run, and save a workspace holding the three pinned runs
//! with the last as the current run, beside the OOD figure that overlays them and the table
//! that compares them. Open the workspace in the app (File ▸ Open) to see the same overlay.
//!
//! `cargo run --release --example pinned_runs [STEPS]` (default 1,000 steps, 2 seeds)

// An example prints its figures and stops at the first error, as a script would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::experiment::SilentJob;
use crl_lab::export::{
    FigureFormat, FigureSpec, FigureWidth, Needs, PlotKind, pinned_csv, plot_data, recompute,
    write_figure,
};
use crl_lab::session::{PinnedRun, Workspace};
use crl_lab::train::{DeviceChoice, RunControl};

fn main() -> crl_lab::Result<()> {
    let steps = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let mut ws = Workspace::from_preset("shortcut")?;
    ws.train.config.steps = steps;
    ws.train.n_seeds = 2;
    let variants: [fn(&mut Workspace); 3] = [
        |_| {},
        |ws| ws.train.config.beta = 3.0,
        |ws| {
            ws.train.config.beta = 14.0;
            ws.train.config.conditional = false;
        },
    ];
    let mut pinned: Vec<PinnedRun> = Vec::new();
    for change in variants {
        change(&mut ws);
        ws.results = None;
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
        let Some(run) = ws.results.clone() else {
            continue;
        };
        let pin = PinnedRun::new(&ws.scenario, &ws.train, run, &pinned);
        println!("pinned “{}”", pin.name);
        pinned.push(pin);
    }
    ws.pinned = pinned;
    let dir = std::env::temp_dir();
    let path = dir.join("crl-lab-pinned.json");
    ws.save(&path)?;
    let spec = FigureSpec {
        kind: PlotKind::Ood,
        format: FigureFormat::Png,
        width: FigureWidth::Double,
        hash: Some(ws.hash()?),
    };
    let figure = dir.join("crl-lab-pinned-ood.png");
    write_figure(&figure, &spec, &plot_data(&ws))?;
    print!("{}", pinned_csv(&ws.pinned));
    println!("wrote {} and {}", path.display(), figure.display());
    Ok(())
}
