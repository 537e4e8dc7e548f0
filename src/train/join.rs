//! Joining what a run's shards report into the run's events: the start once every shard has
//! started, and each report (with its test scores) once every shard has reported that step,
//! every member back in its place.

use super::observer::{Observer, Report, RunInfo};
use super::scoring::TestOutputs;
use super::shard_io::{ShardEvent, ShardRun};

/// One report as the shards send it, until every shard's part has come.
type Parts = Vec<Option<(Report, Option<TestOutputs>)>>;

/// Joins the shards' events into the run's: the start once every shard has started, and each
/// report once every shard has reported that step, with every member back in its place.
pub(super) struct Joiner {
    /// The members of each shard.
    shards: Vec<Vec<usize>>,
    started: Vec<Option<usize>>,
    pub(super) info: Option<RunInfo>,
    template: RunInfo,
    pending: std::collections::BTreeMap<usize, Parts>,
    pub(super) history: Vec<Report>,
}

impl Joiner {
    pub(super) fn new(run: &ShardRun<'_>, shards: Vec<Vec<usize>>) -> Self {
        let config = run.config;
        let k = shards.len();
        Joiner {
            shards,
            started: vec![None; k],
            info: None,
            template: RunInfo {
                device: run.device.description.clone(),
                members: run.members.to_vec(),
                params_per_member: run.shape().params_per_member(),
                critic_params_per_member: 0,
                total_steps: config.steps,
                conditional: config.conditional,
                probe_rows: if config.monitor {
                    super::probes::probe_eval_rows(run.rows.1)
                } else {
                    0
                },
                threads: k,
                backend: Some(run.device.backend),
            },
            pending: std::collections::BTreeMap::default(),
            history: Vec::new(),
        }
    }

    /// Takes one event; returns whether the shard should go on (always).
    pub(super) fn push(&mut self, ev: ShardEvent, observer: &mut dyn Observer) -> bool {
        match ev {
            ShardEvent::Started {
                shard,
                critic_params_per_member,
            } => {
                self.started[shard] = Some(critic_params_per_member);
                if self.info.is_none() && self.started.iter().all(Option::is_some) {
                    let mut info = self.template.clone();
                    info.critic_params_per_member =
                        self.started.iter().flatten().copied().max().unwrap_or(0);
                    observer.on_start(&info);
                    self.info = Some(info);
                }
            }
            ShardEvent::Report {
                shard,
                report,
                tests,
            } => {
                let step = report.step;
                let k = self.shards.len();
                let parts = self.pending.entry(step).or_insert_with(|| vec![None; k]);
                parts[shard] = Some((report, tests));
                if parts.iter().all(Option::is_some)
                    && let Some(parts) = self.pending.remove(&step)
                    && let Some((report, tests)) = join_parts(parts, &self.shards)
                {
                    observer.on_report(&report);
                    if let Some(t) = tests {
                        observer.on_test_outputs(&t);
                    }
                    self.history.push(report);
                }
            }
        }
        true
    }
}

/// Puts shard s's j-th item at member `shards[s][j]`.
pub(super) fn place<T>(parts: Vec<Vec<T>>, shards: &[Vec<usize>]) -> Vec<T> {
    let mut slots: Vec<(usize, T)> = parts
        .into_iter()
        .zip(shards)
        .flat_map(|(items, at)| at.iter().copied().zip(items))
        .collect();
    slots.sort_by_key(|(i, _)| *i);
    slots.into_iter().map(|(_, v)| v).collect()
}

/// `[shard][set][shard's member]` → `[set][member]`, every member in its place.
fn per_set<T>(mut per_shard: Vec<Vec<Vec<T>>>, sets: usize, shards: &[Vec<usize>]) -> Vec<Vec<T>> {
    (0..sets)
        .map(|set| {
            let parts = per_shard
                .iter_mut()
                .map(|o| std::mem::take(&mut o[set]))
                .collect();
            place(parts, shards)
        })
        .collect()
}

/// One report from every shard's part: every member in its place, the slowest shard's speed
/// and the longest elapsed time.
fn join_parts(parts: Parts, shards: &[Vec<usize>]) -> Option<(Report, Option<TestOutputs>)> {
    let parts: Vec<(Report, Option<TestOutputs>)> = parts.into_iter().collect::<Option<_>>()?;
    let mut report = parts.first()?.0.clone();
    report.steps_per_sec = parts
        .iter()
        .map(|p| p.0.steps_per_sec)
        .fold(f64::INFINITY, f64::min);
    report.elapsed_secs = parts.iter().map(|p| p.0.elapsed_secs).fold(0.0, f64::max);
    let (reports, tests): (Vec<Report>, Vec<Option<TestOutputs>>) = parts.into_iter().unzip();
    report.members = place(reports.into_iter().map(|r| r.members).collect(), shards);
    let tests: Option<Vec<TestOutputs>> = tests.into_iter().collect();
    let tests = tests.and_then(|t| {
        let first = t.first()?;
        let (step, rows, sets) = (first.step, first.rows, first.outputs.len());
        let (z_rows, z_dim) = (first.z_rows, first.z_dim);
        let (outputs, z): (Vec<_>, Vec<_>) = t.into_iter().map(|o| (o.outputs, o.z)).unzip();
        Some(TestOutputs {
            step,
            rows,
            outputs: per_set(outputs, sets, shards),
            z: per_set(z, sets, shards),
            z_rows,
            z_dim,
        })
    });
    Some((report, tests))
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn parts_go_back_to_their_members() {
        let shards = [vec![1, 2, 5, 7], vec![0, 3, 4, 6, 8]];
        let parts = vec![vec!['b', 'c', 'f', 'h'], vec!['a', 'd', 'e', 'g', 'i']];
        assert_eq!(
            place(parts, &shards).iter().collect::<String>(),
            "abcdefghi"
        );
    }
}
