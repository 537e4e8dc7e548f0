//! Result tables as CSV text: the per-report series, per-member evaluations, mean ± std
//! summaries, spurious reliance, and the KuaiRand metrics. The CLI writes them; their columns
//! are part of crl-lab's output format.

use std::fmt::Write as _;

use super::csv_text::num;
use crate::experiment::{
    EvalRow, LogsReference as KuaiRandReference, LogsRow as KuaiRandRow,
    LogsSummaryRow as KuaiRandSummaryRow, RankingMetrics, RelianceRow, SummaryRow,
};
use crate::train::{MemberSpec, Report};

/// The per-report series as CSV text. `monitor_target` names the quantity the penalty targets
/// (`I(z;c|y)` when `conditional`, else `I(z;c)`) and `monitor_target_nats` is its probe reading;
/// the `monitor_*` columns are the probes' measurements on held-out rows, while
/// `penalty_critic_estimate` is the penalty critic's own estimate, the training signal.
pub fn metrics_csv(history: &[Report], members: &[MemberSpec], conditional: bool) -> String {
    let mut s = String::from(
        "step,member,model,beta,seed,total_loss,supervised_loss,penalty,penalty_critic_estimate,monitor_target,monitor_target_nats,monitor_mi_zc_given_y,monitor_mi_zc,monitor_mi_zy,val_loss,val_metric,steps_per_sec\n",
    );
    let target = if conditional { "I(z;c|y)" } else { "I(z;c)" };
    for r in history {
        for (i, (m, v)) in members.iter().zip(&r.members).enumerate() {
            let _ = writeln!(
                s,
                "{},{i},{},{},{},{},{},{},{},{target},{},{},{},{},{},{},{:.1}",
                r.step,
                m.kind,
                m.beta,
                m.seed,
                num(v.total_loss),
                num(v.supervised_loss),
                num(v.penalty),
                num(v.penalty_mi),
                num(v.monitored_target(conditional)),
                num(v.mi_zc_given_y),
                num(v.mi_zc),
                num(v.mi_zy),
                num(v.val_loss),
                num(v.val_metric),
                r.steps_per_sec
            );
        }
    }
    s
}

/// Per-member evaluation rows as CSV text.
pub fn sweep_csv(rows: &[EvalRow], binary: bool) -> String {
    let mut s = if binary {
        String::from("model,shift,seed,accuracy,auc,logloss\n")
    } else {
        String::from("model,shift,seed,mse,r2\n")
    };
    for r in rows {
        let m = &r.metrics;
        let tail = if binary {
            format!("{},{},{}", num(m.accuracy), num(m.auc), num(m.logloss))
        } else {
            format!("{},{}", num(m.mse), num(m.r2))
        };
        let _ = writeln!(s, "{},{},{},{tail}", r.model, r.shift, r.seed);
    }
    s
}

/// Mean and std per model and shift as CSV text.
pub fn summary_csv(rows: &[SummaryRow], binary: bool) -> String {
    let mut s = if binary {
        String::from(
            "model,beta,shift,n_seeds,accuracy_mean,accuracy_std,auc_mean,auc_std,logloss_mean,logloss_std,ood_gap\n",
        )
    } else {
        String::from("model,beta,shift,n_seeds,mse_mean,mse_std,r2_mean,r2_std,ood_gap\n")
    };
    for r in rows {
        let (m, d) = (&r.mean, &r.std);
        let body = if binary {
            format!(
                "{},{},{},{},{},{}",
                num(m.accuracy),
                num(d.accuracy),
                num(m.auc),
                num(d.auc),
                num(m.logloss),
                num(d.logloss)
            )
        } else {
            format!("{},{},{},{}", num(m.mse), num(d.mse), num(m.r2), num(d.r2))
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{body},{}",
            r.model,
            r.beta,
            r.shift,
            r.n_seeds,
            num(r.ood_gap)
        );
    }
    s
}

/// Spurious reliance per member and feature as CSV text.
pub fn reliance_csv(rows: &[RelianceRow]) -> String {
    let mut s = String::from("model,seed,feature,drop\n");
    for r in rows {
        let _ = writeln!(s, "{},{},{},{}", r.model, r.seed, r.feature, num(r.drop));
    }
    s
}

fn metric_fields(m: &RankingMetrics) -> String {
    format!(
        "{},{},{},{}",
        num(m.auc),
        num(m.logloss),
        num(m.gauc),
        num(m.ndcg10)
    )
}

/// Per-member KuaiRand metrics as CSV text.
pub fn kuairand_rows_csv(rows: &[KuaiRandRow]) -> String {
    let mut s = String::from("model,beta,seed,set,n_rows,auc,logloss,gauc,ndcg10\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            r.model,
            r.beta,
            r.seed,
            r.set.name(),
            r.n_rows,
            metric_fields(&r.metrics)
        );
    }
    s
}

/// The references without training (base rate, past popularity) per set as CSV text.
pub fn kuairand_references_csv(rows: &[KuaiRandReference]) -> String {
    let mut s = String::from("reference,set,n_rows,auc,logloss,gauc,ndcg10\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{}",
            r.name,
            r.set.name(),
            r.n_rows,
            metric_fields(&r.metrics)
        );
    }
    s
}

/// Mean and std per model and set as CSV text.
pub fn kuairand_summary_csv(rows: &[KuaiRandSummaryRow]) -> String {
    let mut s = String::from(
        "model,beta,set,n_seeds,auc_mean,logloss_mean,gauc_mean,ndcg10_mean,auc_std,logloss_std,gauc_std,ndcg10_std\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            r.model,
            r.beta,
            r.set.name(),
            r.n_seeds,
            metric_fields(&r.mean),
            metric_fields(&r.std)
        );
    }
    s
}
