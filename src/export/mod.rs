//! Files crl-lab writes and reads: workspace files, figures, the CSV behind them, the result
//! tables and lesson files; and the headless rebuild of a workspace's results.

mod bundle;
mod csv_text;
mod figure;
mod lesson;
pub mod palette;
mod pinned;
mod plot_csv;
mod rebuild;
mod recovery;
mod results_csv;
mod view;
mod workspace;

pub use bundle::{available_kinds, export_bundle, plot_data, write_run_tables};
pub use figure::{
    DPI, FigureFormat, FigureSpec, FigureWidth, Line, LineFigure, LinePoint, PlotData, PlotKind,
    qualitative_colour, render_figure, render_line_figure, write_figure, write_line_figure,
};
pub use lesson::{
    LESSON_FORMAT, LESSON_VERSION, Lesson, LessonStep, STEP_KINDS, StepDone, builtin_lessons,
};
pub use pinned::{
    PinnedCurve, PinnedRow, PinnedRun, differences, pinned_csv, pinned_curves, pinned_rows,
    unique_name,
};
pub use plot_csv::{plot_csv, write_dataset};
pub use rebuild::{
    CalibrationProgress, Needs, Recomputed, has_calibration, has_training, recompute,
    recompute_with_control,
};
pub use recovery::{
    RECOVERY_FORMAT, RECOVERY_VERSION, Recovery, process_alive, recovery_path, unclean_sessions,
};
pub use results_csv::{
    kuairand_references_csv, kuairand_rows_csv, kuairand_summary_csv, metrics_csv, reliance_csv,
    summary_csv, sweep_csv,
};
pub use view::{ColourBy, DataSettings, PlotSettings, RepresentationView, Tab};
pub use workspace::{NodeLayout, WORKSPACE_FORMAT, WORKSPACE_VERSION, Workspace, fnv1a64_hex};
