//! Experiments over shifts and seeds: evaluation on a shift grid, spurious reliance, sweeps and
//! their mean ± std summaries, the jobs the app and the CLI run, the results the plots read; and
//! the runs on real logs from any source (`logs`: the training log vs the test log, KuaiRand's
//! standard logs vs its random exposure).

mod calibration;
mod eval;
mod job;
mod logs;
mod representation;
mod run;
mod settings;
mod summary;
mod sweep;
mod text;

pub use calibration::{run_calibration, run_staircase};
pub use eval::{EvalAt, EvalRow, RelianceRow, evaluate, spurious_reliance};
pub use job::{
    JobObserver, LIVE_TEST_ROWS, ResultsRecorder, SilentJob, TrainJob, run_job, run_job_to_results,
};
pub use logs::{
    BASE_RATE, EvalSet, ITEM_RATE, KuaiRandCounts, KuaiRandResult, KuaiRandSettings, LoadWatcher,
    LoadedLogs, LogSource, LogsCounts, LogsJob, LogsObserver, LogsOutput, LogsReference,
    LogsResult, LogsRow, LogsRun, LogsSettings, LogsSummaryRow, LogsTraining, NDCG_K,
    PAST_POPULARITY, RankingMetrics, RowCount, SourceResult, SplitObserver, kuairand_experiment,
    logs_experiment, run_logs_job, summarize_logs,
};
pub use representation::{
    Projected, Representation, colour_groups, confounder_value, principal_axes, project,
    project_member, shown_members,
};
pub use run::{Group, JobEnd, RunResults, RunState};
pub use settings::{
    CALIBRATION_RHOS, CalibrationSettings, MAX_SEEDS, MAX_SHIFTS, RunMode, STAIRCASE_NATS,
    StaircaseSettings, TrainSettings, check_seeds, compare_members, parse_betas, parse_grid,
    report_every,
};
pub use summary::{SummaryRow, mean, mean_std, summarize};
pub use sweep::{SweepResult, sweep};
pub use text::{percent, thousands, trim};
