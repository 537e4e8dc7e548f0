//! Experiments over shifts and seeds: evaluation on a shift grid, spurious reliance, sweeps and
//! their mean ± std summaries, the jobs the app and the CLI run, the results the plots read; and
//! the runs on real logs (KuaiRand's standard logs vs random exposure; any logged interactions,
//! Yahoo! R3 and Coat: the training log vs the test log).

mod calibration;
mod eval;
mod job;
mod kuairand;
mod kuairand_job;
mod logs;
mod logs_job;
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
pub use kuairand::{
    BASE_RATE, EvalSet, KuaiRandCounts, KuaiRandReference, KuaiRandResult, KuaiRandRow,
    KuaiRandSettings, KuaiRandSummaryRow, NDCG_K, PAST_POPULARITY, RankingMetrics,
    kuairand_experiment, summarize_kuairand,
};
pub use kuairand_job::{KuaiRandJob, KuaiRandObserver, KuaiRandOutput, run_kuairand_job};
pub use logs::{ITEM_RATE, LogsCounts, LogsResult, LogsSettings, logs_experiment};
pub use logs_job::{LogsJob, LogsObserver, LogsOutput, LogsSource, run_logs_job};
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
