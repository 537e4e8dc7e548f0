//! What crl-lab makes from a session: figures (SVG/PNG), the CSV behind them, the result tables
//! and the export bundle; and the headless rebuild of a workspace's results. The session files
//! themselves (workspace, recovery, lessons) are `session`'s.

mod bundle;
mod csv_text;
mod figure;
pub mod palette;
mod pinned_csv;
mod plot_csv;
mod rebuild;
mod results_csv;

pub use bundle::{available_kinds, export_bundle, plot_data, write_run_tables};
pub use figure::{
    DPI, FigureFormat, FigureSpec, FigureWidth, Line, LineFigure, LinePoint, PlotData, PlotKind,
    qualitative_colour, render_figure, render_line_figure, write_figure, write_line_figure,
};
pub use pinned_csv::pinned_csv;
pub use plot_csv::{plot_csv, write_dataset};
pub use rebuild::{
    CalibrationProgress, Needs, Recomputed, has_calibration, has_training, recompute,
};
pub use results_csv::{
    kuairand_references_csv, kuairand_rows_csv, kuairand_summary_csv, metrics_csv, reliance_csv,
    summary_csv, sweep_csv,
};
