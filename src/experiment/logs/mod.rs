//! Runs on real logs, one concept over several sources (method.md §8, §11): where the logs come
//! from ([`LogSource`]: the user's own files, KuaiRand, Yahoo! R3, Coat), the experiment on each
//! kind of table (KuaiRand's own, with its past window; mapped logs), what they measure, and the
//! one job the app and the CLI run.

mod compare;
mod job;
mod kuairand;
mod mapped;
mod metrics;
mod score;
mod settings;
mod source;
mod split;

pub use compare::LogsRun;
pub use job::{LogsJob, LogsObserver, LogsOutput, SourceResult, run_logs_job};
pub use kuairand::{
    KuaiRandCounts, KuaiRandResult, KuaiRandSettings, PAST_POPULARITY, kuairand_experiment,
};
pub use mapped::{ITEM_RATE, LogsCounts, LogsResult, logs_experiment};
pub use metrics::{
    BASE_RATE, EvalSet, LogsReference, LogsRow, LogsSummaryRow, NDCG_K, RankingMetrics,
    summarize_logs,
};
pub use settings::{LogsSettings, LogsTraining, RowCount};
pub use source::{LoadedLogs, LogSource};
pub use split::{LoadWatcher, SplitObserver};
