//! How an ensemble splits into shards: how many threads a run uses, and which members train
//! together, balanced by each member's work.

use super::config::TrainConfig;
use super::device::{Backend, ComputeDevice};
use super::member::MemberSpec;

/// The members of each shard of a run of `members` on `device` (ascending indices; every member
/// once): [`shard_count`] shards, balanced by each member's work.
pub(super) fn plan_shards(
    config: &TrainConfig,
    device: &ComputeDevice,
    members: &[MemberSpec],
) -> Vec<Vec<usize>> {
    let weights: Vec<f64> = members
        .iter()
        .map(|m| member_weight(m, config.critic_steps))
        .collect();
    shard_members(&weights, shard_count(config, device, members.len()))
}

/// Threads a run of `members` members uses on `device`: one on a GPU (the ensemble axis is
/// its lever), else `config.threads` (0: every core), never more than there are members.
pub fn shard_count(config: &TrainConfig, device: &ComputeDevice, members: usize) -> usize {
    let threads = match (device.backend, config.threads) {
        (Backend::Wgpu, _) => 1,
        (Backend::Cpu, 0) => {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }
        (Backend::Cpu, t) => t,
    };
    threads.clamp(1, members.max(1))
}

/// The members of each of `k` shards (ascending indices; every member once), balanced by
/// work: a member of weight `weights[i]` goes, heaviest first, to the lightest shard so far (a
/// penalised member, which trains a penalty critic, weighs more than a baseline).
fn shard_members(weights: &[f64], k: usize) -> Vec<Vec<usize>> {
    let k = k.clamp(1, weights.len().max(1));
    let mut by_weight: Vec<usize> = (0..weights.len()).collect();
    by_weight.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    let mut shards = vec![Vec::new(); k];
    let mut load = vec![0.0_f64; k];
    for i in by_weight {
        let lightest = (0..k)
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        shards[lightest].push(i);
        load[lightest] += weights[i];
    }
    for s in &mut shards {
        s.sort_unstable();
    }
    shards.retain(|s| !s.is_empty());
    shards
}

/// A member's share of a step's work, relative to a baseline's: a penalised member also trains
/// its penalty critic (`critic_steps` times) and back-propagates through it.
fn member_weight(m: &MemberSpec, critic_steps: usize) -> f64 {
    if m.is_penalised() {
        1.3 + 0.3 * critic_steps as f64
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::shard_members;

    #[test]
    fn shards_cover_every_member_once_and_balance_the_work() {
        for m in 1..12 {
            for k in 1..5 {
                let weights: Vec<f64> =
                    (0..m).map(|i| if i % 3 == 1 { 2.0 } else { 1.0 }).collect();
                let s = shard_members(&weights, k);
                assert_eq!(s.len(), k.min(m));
                let mut all: Vec<usize> = s.iter().flatten().copied().collect();
                all.sort_unstable();
                assert_eq!(all, (0..m).collect::<Vec<_>>());
                assert!(s.iter().all(|x| x.windows(2).all(|w| w[0] < w[1])));
                let loads: Vec<f64> = s
                    .iter()
                    .map(|x| x.iter().map(|&i| weights[i]).sum())
                    .collect();
                let (lo, hi) = loads
                    .iter()
                    .fold((f64::INFINITY, 0.0_f64), |(a, b), &l| (a.min(l), b.max(l)));
                assert!(hi - lo <= 2.0, "{loads:?}");
            }
        }
        // The app's default: 3 seeds of baseline, CRL, oracle; the CRL members spread out.
        let w = [1.0, 1.9, 1.0, 1.0, 1.9, 1.0, 1.0, 1.9, 1.0];
        let s = shard_members(&w, 2);
        assert_eq!(s, [vec![1, 3, 6, 7], vec![0, 2, 4, 5, 8]]);
    }
}
