//! Files crl-lab writes: atomic writes, workspace files, figures, and the CSV behind them; and
//! the headless rebuild of a workspace's results.

mod atomic;
mod figure;
pub mod palette;
mod plot_csv;
mod rebuild;
mod workspace;

pub use atomic::{read_string, write_atomically, write_string};
pub use figure::{
    DPI, FigureFormat, FigureSpec, FigureWidth, PlotData, PlotKind, render_figure, write_figure,
};
pub use plot_csv::{plot_csv, write_dataset};
pub use rebuild::{Needs, Recomputed, has_calibration, has_training, recompute};
pub use workspace::{
    NodeLayout, PlotSettings, WORKSPACE_FORMAT, WORKSPACE_VERSION, Workspace, fnv1a64_hex,
};
