//! `workspace`, `figure` and `run`: create a workspace file, and rebuild a workspace's figures
//! and CSVs headlessly.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::train_cmds::{ProgressObserver, create_dir};
use crate::error::{Error, Result};
use crate::experiment::{JobObserver, RunMode};
use crate::export::{
    CalibrationProgress, FigureFormat, FigureSpec, FigureWidth, Needs, PlotKind, export_bundle,
    plot_data, recompute, write_figure,
};
use crate::session::Workspace;
use crate::train::{DeviceChoice, RunControl};

/// Arguments of `crl-lab workspace`.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// The preset to start from (see `crl-lab presets`).
    #[arg(long, default_value = crate::scm::DEFAULT_PRESET)]
    preset: String,
    /// Model steps.
    #[arg(long)]
    steps: Option<usize>,
    /// Seeds per model.
    #[arg(long)]
    seeds: Option<usize>,
    /// First seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Shift grid: start:end:count, or a comma list.
    #[arg(long)]
    shifts: Option<String>,
    /// Compare baseline and CRL (compare), or sweep β (sweep, with --betas).
    #[arg(long, value_parser = ["compare", "sweep"])]
    mode: Option<String>,
    /// β values of a sweep, comma-separated.
    #[arg(long)]
    betas: Option<String>,
    /// Training rows per seed.
    #[arg(long)]
    train_rows: Option<usize>,
    /// Critic steps per correlation of the calibration view.
    #[arg(long)]
    calibration_steps: Option<usize>,
    /// Critic steps per level of the calibration view's staircase.
    #[arg(long)]
    staircase_steps: Option<usize>,
    /// Device: auto, wgpu or cpu.
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// The workspace file to write.
    #[arg(long, value_name = "FILE.json")]
    out: PathBuf,
}

/// Arguments of `crl-lab figure`.
#[derive(Debug, Args)]
pub struct FigureArgs {
    /// The workspace file (as saved by the app or `crl-lab workspace`).
    workspace: PathBuf,
    /// Which plot: loss, mi, ood, calibration, tradeoff (β sweeps) or representation.
    #[arg(long)]
    plot: PlotKind,
    /// svg or png (300 dpi); default: from the extension of --out.
    #[arg(long)]
    format: Option<FigureFormat>,
    /// Paper width: single (3.5 in) or double (7 in) column.
    #[arg(long, default_value = "single")]
    width: FigureWidth,
    /// Train on this device instead of the workspace's (auto, wgpu or cpu).
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// Also write the workspace with the results computed for the figure (its hash is the one
    /// in the SVG).
    #[arg(long, value_name = "FILE.json")]
    save: Option<PathBuf>,
    /// The figure file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Arguments of `crl-lab run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The workspace file.
    workspace: PathBuf,
    /// Paper width of the figures: single (3.5 in) or double (7 in) column.
    #[arg(long, default_value = "single")]
    width: FigureWidth,
    /// Train on this device instead of the workspace's (auto, wgpu or cpu).
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// Keep the results the workspace already has; run only what it lacks.
    #[arg(long)]
    keep_results: bool,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// `crl-lab workspace`.
pub fn workspace_cmd(args: &WorkspaceArgs) -> Result<()> {
    let mut ws = Workspace::from_preset(&args.preset)?;
    let t = &mut ws.train;
    if let Some(v) = args.steps {
        t.config.steps = v;
    }
    if let Some(v) = args.seeds {
        t.n_seeds = v;
    }
    if let Some(v) = args.seed {
        t.config.seed = v;
    }
    if let Some(v) = &args.shifts {
        t.shift_grid.clone_from(v);
    }
    if let Some(v) = &args.mode {
        t.mode = if v == "sweep" {
            RunMode::BetaSweep
        } else {
            RunMode::Compare
        };
    }
    if let Some(v) = &args.betas {
        t.sweep_betas.clone_from(v);
    }
    if let Some(v) = args.train_rows {
        t.config.n_train = v;
    }
    if let Some(v) = args.device {
        t.device = v;
    }
    if let Some(v) = args.calibration_steps {
        ws.plots.calibration.steps = v;
    }
    if let Some(v) = args.staircase_steps {
        ws.plots.calibration.staircase.steps_per_level = v;
    }
    // Reject settings that cannot run now rather than at rebuild time.
    ws.train.plan()?;
    ws.plots.calibration.staircase_config().validate()?;
    ws.save(&args.out)?;
    eprintln!(
        "wrote {} (`{}`, no results yet: `crl-lab run {} --out DIR` computes them)",
        args.out.display(),
        ws.scenario.name,
        args.out.display()
    );
    Ok(())
}

/// A progress bar for training and a line per calibration correlation.
fn rebuild(
    ws: &mut Workspace,
    needs: Needs,
    force: bool,
    device: Option<DeviceChoice>,
) -> Result<bool> {
    let mut obs = ProgressObserver::new();
    let t0 = Instant::now();
    let result = recompute(
        ws,
        needs,
        force,
        device,
        &mut obs as &mut dyn JobObserver,
        &mut |p| match p {
            CalibrationProgress::Correlation { index, count } => {
                eprintln!("calibration: correlation {}/{count}", index + 1);
            }
            CalibrationProgress::Staircase => eprintln!("calibration: staircase"),
        },
        &RunControl::default(),
    );
    obs.bar.finish_and_clear();
    let done = result?;
    if done.any() {
        eprintln!(
            "computed {}{}{} in {:.1} s",
            if done.training {
                "the training run"
            } else {
                ""
            },
            if done.training && done.calibration {
                " and "
            } else {
                ""
            },
            if done.calibration {
                "the calibration"
            } else {
                ""
            },
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(done.any())
}

fn format_of(args: &FigureArgs) -> Result<FigureFormat> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    match args.out.extension().and_then(|e| e.to_str()) {
        Some(e) => e.to_ascii_lowercase().parse().map_err(|_| {
            Error::invalid(format!(
                "cannot tell the format from `{}`: give --format svg or png",
                args.out.display()
            ))
        }),
        None => Err(Error::invalid("give --format svg or png")),
    }
}

/// `crl-lab figure`.
pub fn figure_cmd(args: &FigureArgs) -> Result<()> {
    let format = format_of(args)?;
    let mut ws = Workspace::load(&args.workspace)?;
    let needs = Needs {
        training: args.plot.needs_training(),
        calibration: !args.plot.needs_training(),
    };
    // Results saved before projections were stored are trained again for that figure.
    let stale = args.plot == PlotKind::Representation
        && ws
            .results
            .as_ref()
            .is_some_and(|r| r.representation.is_none());
    let computed = rebuild(&mut ws, needs, stale, args.device)?;
    if let Some(path) = &args.save {
        ws.save(path)?;
    } else if computed {
        eprintln!(
            "note: the workspace lacked results; the hash in the figure is of the completed \
             workspace (pass --save FILE to keep it)"
        );
    }
    let spec = FigureSpec {
        kind: args.plot,
        format,
        width: args.width,
        hash: Some(ws.hash()?),
    };
    write_figure(&args.out, &spec, &plot_data(&ws))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

/// `crl-lab run`.
pub fn run_cmd(args: &RunArgs) -> Result<()> {
    let mut ws = Workspace::load(&args.workspace)?;
    create_dir(&args.out)?;
    rebuild(&mut ws, Needs::ALL, !args.keep_results, args.device)?;
    let out = &args.out;
    let written = export_bundle(&ws, out, &[args.width])?;
    let hash = ws.hash()?;
    eprintln!(
        "wrote {} files to {} (workspace fnv1a64:{hash}): {}",
        written.len() + 1,
        out.display(),
        written.join(", ")
    );
    Ok(())
}
