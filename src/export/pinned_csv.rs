//! The table of pinned runs as CSV, one row per model of each pinned run.

use std::fmt::Write as _;

use super::csv_text::{field, num};
use crate::session::PinnedRun;

/// The table of pinned runs as CSV:
/// `run,shown,model,metric,id_shift,id,ood_shift,ood,gap,scenario,beta,estimator,conditional,steps,seeds`.
pub fn pinned_csv(pinned: &[PinnedRun]) -> String {
    let mut s = String::from(
        "run,shown,model,metric,id_shift,id,ood_shift,ood,gap,scenario,beta,estimator,conditional,steps,seeds\n",
    );
    for p in pinned {
        let c = &p.train.config;
        for r in p.summary() {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                field(&p.name),
                p.shown,
                field(&r.model),
                r.metric,
                r.id_shift,
                num(r.id),
                r.ood_shift,
                num(r.ood),
                num(r.gap),
                field(&p.scenario.name),
                c.beta,
                c.estimator.name(),
                c.conditional,
                c.steps,
                p.train.n_seeds
            );
        }
    }
    s
}
