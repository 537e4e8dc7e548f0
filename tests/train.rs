//! The training engine on the CPU backend: the paper's pattern, determinism, cancellation,
//! capacity matching, metrics and the error paths.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use crl_lab::Error;
use crl_lab::experiment::{
    EvalAt, EvalRow, JobObserver, LIVE_TEST_ROWS, SweepResult, TrainJob, TrainSettings, evaluate,
    parse_grid, run_job_to_results, summarize, sweep,
};
use crl_lab::scm::{DEFAULT_PRESET, preset};
use crl_lab::train::{
    ComputeDevice, DeviceChoice, MemberSpec, Observer, Problem, Report, RunControl, RunInfo,
    Silent, TrainConfig, Trained, binary_metrics, regression_metrics, roc_auc, select_device,
    train,
};

fn cpu() -> ComputeDevice {
    select_device(DeviceChoice::Cpu).unwrap()
}

/// Trains on the CPU with nobody watching.
fn quiet_train(
    problem: &Problem,
    members: &[MemberSpec],
    config: &TrainConfig,
) -> crl_lab::Result<Trained> {
    train(
        problem,
        members,
        config,
        &cpu(),
        &mut Silent,
        &RunControl::default(),
    )
}

/// Sweeps on the CPU with nobody watching.
fn quiet_sweep(
    problem: &Problem,
    config: &TrainConfig,
    n_seeds: usize,
    shifts: &[f64],
) -> crl_lab::Result<SweepResult> {
    sweep(
        problem,
        config,
        n_seeds,
        shifts,
        &cpu(),
        &mut Silent,
        &RunControl::default(),
    )
}

fn small(config: &mut TrainConfig) {
    config.steps = 60;
    config.n_train = 2_000;
    config.n_val = 500;
    config.n_test = 1_000;
    config.report_every = 20;
    config.hidden = vec![16];
    config.z_dim = 4;
    config.critic_hidden = 16;
    config.batch_size = 128;
    config.penalty_batch = 64;
}

/// The paper's pattern on the default preset with default settings, mean over 5 seeds
/// (method.md §7): in distribution CRL is within 2 points of the baseline; fully shifted it is at
/// least 10 points better; its representation keeps less confounder information.
#[test]
fn default_preset_shows_the_pattern() {
    let scenario = preset(DEFAULT_PRESET).unwrap();
    let config = TrainConfig::for_scenario(&scenario);
    let problem = Problem::new(&scenario, config.seed).unwrap();
    let res = quiet_sweep(&problem, &config, 5, &[0.0, 1.0]).unwrap();
    let acc = |model: &str, shift: f64| {
        res.summary
            .iter()
            .find(|r| r.model == model && r.shift == shift)
            .unwrap()
            .mean
            .accuracy
    };
    let (b0, c0, b1, c1) = (
        acc("baseline", 0.0),
        acc("crl", 0.0),
        acc("baseline", 1.0),
        acc("crl", 1.0),
    );
    eprintln!("baseline {b0:.4} -> {b1:.4}, crl {c0:.4} -> {c1:.4}");
    assert!(
        b0 - c0 <= 0.02,
        "in distribution CRL {c0:.4} is more than 2 points below baseline {b0:.4}"
    );
    assert!(
        c1 - b1 >= 0.10,
        "fully shifted CRL {c1:.4} is not 10 points above baseline {b1:.4}"
    );
    // The oracle (causal features only) holds up under shift and is never beaten by much.
    let (o0, o1) = (acc("oracle", 0.0), acc("oracle", 1.0));
    eprintln!("oracle {o0:.4} -> {o1:.4}");
    assert!((o0 - o1).abs() < 0.03, "the oracle moved under shift");
    assert!(
        c1 <= o1 + 0.02,
        "CRL {c1:.4} above the oracle {o1:.4} at shift 1"
    );
    // The probes at the end: the penalised quantity I(z; c | y) of the CRL model is at most a
    // quarter of the baseline's, while I(z; c), which c's dependence on y keeps high, is not.
    let last = res.trained.history.last().unwrap();
    assert!(res.trained.info.conditional);
    let mean_mi = |label: &str, f: fn(&crl_lab::train::MemberReport) -> f64| {
        let v: Vec<f64> = res
            .trained
            .members
            .iter()
            .zip(&last.members)
            .filter(|(m, _)| m.kind == label)
            .map(|(_, r)| f(r))
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (crl_t, base_t) = (
        mean_mi("crl", |r| r.monitored_target(true)),
        mean_mi("baseline", |r| r.monitored_target(true)),
    );
    eprintln!(
        "I(z;c|y): baseline {base_t:.3}, crl {crl_t:.3}, oracle {:.3}; I(z;c): baseline {:.3}, crl {:.3}",
        mean_mi("oracle", |r| r.mi_zc_given_y),
        mean_mi("baseline", |r| r.mi_zc),
        mean_mi("crl", |r| r.mi_zc)
    );
    assert!(
        crl_t <= 0.25 * base_t,
        "I(z;c|y): crl {crl_t:.3} is more than a quarter of the baseline's {base_t:.3}"
    );
    // The baseline leans on the spurious feature more than CRL does.
    let drop = |label: &str| {
        let v: Vec<f64> = res
            .reliance
            .iter()
            .filter(|r| r.model == label)
            .map(|r| r.drop)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(drop("baseline") > drop("crl"));
}

/// The continuous preset (method.md §10): conditioning on watch time by quantile bins lets the
/// CRL model come within 0.1 R² of the causal-features-only oracle at shifts 0 and 1 with a
/// small spread over seeds, while the baseline collapses under shift.
#[test]
fn watch_time_crl_comes_close_to_the_oracle() {
    let scenario = preset("watch-time").unwrap();
    let config = TrainConfig::for_scenario(&scenario);
    assert!(config.conditional);
    let problem = Problem::new(&scenario, config.seed).unwrap();
    assert!(!problem.binary);
    let res = quiet_sweep(&problem, &config, 3, &[0.0, 1.0]).unwrap();
    let r2 = |model: &str, shift: f64| {
        let r = res
            .summary
            .iter()
            .find(|r| r.model == model && r.shift == shift)
            .unwrap();
        (r.mean.r2, r.std.r2)
    };
    for shift in [0.0, 1.0] {
        let (crl, crl_sd) = r2("crl", shift);
        let (oracle, _) = r2("oracle", shift);
        let (base, _) = r2("baseline", shift);
        eprintln!(
            "shift {shift}: baseline {base:.3}, crl {crl:.3} ± {crl_sd:.3}, oracle {oracle:.3}"
        );
        assert!(
            crl >= oracle - 0.1,
            "shift {shift}: CRL R² {crl:.3} is not within 0.1 of the oracle's {oracle:.3}"
        );
        assert!(crl_sd <= 0.05, "shift {shift}: CRL's seed sd {crl_sd:.3}");
    }
    let (base1, _) = r2("baseline", 1.0);
    assert!(
        base1 < 0.3,
        "the baseline did not collapse under shift: {base1:.3}"
    );
}

#[derive(Default)]
struct Record {
    info: Option<RunInfo>,
    reports: Vec<Report>,
}

impl Observer for Record {
    fn on_start(&mut self, info: &RunInfo) {
        self.info = Some(info.clone());
    }
    fn on_report(&mut self, report: &Report) {
        self.reports.push(report.clone());
    }
}

#[test]
fn same_seed_same_numbers_and_capacity_matched() {
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    let problem = Problem::new(&scenario, 0).unwrap();
    let members = [MemberSpec::baseline(3), MemberSpec::crl(3, 5.0)];
    let run = || {
        let mut rec = Record::default();
        let t = train(
            &problem,
            &members,
            &config,
            &cpu(),
            &mut rec,
            &RunControl::default(),
        )
        .unwrap();
        (t, rec)
    };
    let (a, rec) = run();
    let (b, _) = run();
    // Compared as text, so that a NaN (what was not estimated) equals a NaN.
    let strip = |h: &[Report]| format!("{:?}", h.iter().map(|r| &r.members).collect::<Vec<_>>());
    assert_eq!(strip(&a.history), strip(&b.history));
    // Reports at steps 10 (early), 20, 40 and 60.
    let steps: Vec<usize> = a.history.iter().map(|r| r.step).collect();
    assert_eq!(steps, [10, 20, 40, 60]);
    assert_eq!(steps, config.report_steps());
    assert_eq!(rec.reports.len(), 4);
    // 5 inputs -> 16 -> 4, head 4 -> 1: (5*16+16) + (16*4+4) + (4+1).
    let info = rec.info.unwrap();
    assert_eq!(info.params_per_member, 96 + 68 + 5);
    assert!(info.critic_params_per_member > 0);
    assert!(info.device.contains("cpu"));
    // The baseline has no penalty and no penalty critic: its term is zero and its critic's
    // estimate is not a number, never a made-up one.
    let last = a.history.last().unwrap();
    assert_eq!(last.members[0].penalty, 0.0);
    assert!(last.members[0].penalty_mi.is_nan());
    assert!(last.members[1].penalty != 0.0);
    assert!(last.members[1].penalty_mi.is_finite());
    assert!(
        last.members
            .iter()
            .all(|m| m.val_metric > 0.6 && m.val_metric <= 1.0)
    );
}

struct CancelAfterFirst<'a>(&'a RunControl, AtomicUsize);

impl Observer for CancelAfterFirst<'_> {
    fn on_report(&mut self, _: &Report) {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.cancel();
    }
}

#[test]
fn a_cancelled_run_stops_within_one_interval_and_returns_what_it_has() {
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    config.steps = 10_000;
    let problem = Problem::new(&scenario, 0).unwrap();
    let control = RunControl::default();
    let mut obs = CancelAfterFirst(&control, AtomicUsize::new(0));
    let t = train(
        &problem,
        &[MemberSpec::crl(1, 5.0)],
        &config,
        &cpu(),
        &mut obs,
        &control,
    )
    .unwrap();
    assert!(t.cancelled);
    assert!(
        t.steps_done <= 2 * config.report_every,
        "{} steps",
        t.steps_done
    );
    assert_eq!(t.history.len(), 1);
    assert_eq!(obs.1.load(Ordering::SeqCst), 1);
}

#[test]
fn divergence_is_reported_with_quantity_and_step() {
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    config.lr = 1e30;
    let problem = Problem::new(&scenario, 0).unwrap();
    let err = quiet_train(&problem, &[MemberSpec::baseline(0)], &config).unwrap_err();
    match &err {
        Error::NonFinite { quantity, step, .. } => {
            assert!(quantity.contains("baseline"), "{quantity}");
            assert!(config.is_report_step(*step), "step {step}");
        }
        other => panic!("expected NonFinite, got {other}"),
    }
    assert!(err.to_string().contains("at step"));
}

#[test]
fn bad_settings_are_refused_by_name() {
    let scenario = preset("anti-causal").unwrap();
    let problem = Problem::new(&scenario, 0).unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    config.batch_size = 0;
    let e = quiet_train(&problem, &[MemberSpec::baseline(0)], &config).unwrap_err();
    assert!(e.to_string().contains("batch_size"), "{e}");
    let mut config = TrainConfig::for_scenario(&scenario);
    config.beta = f64::NAN;
    assert!(config.validate().unwrap_err().to_string().contains("beta"));
    assert!(quiet_train(&problem, &[], &TrainConfig::default()).is_err());
    // No confounder: nothing to penalise.
    let mut no_c = scenario.clone();
    no_c.nodes
        .iter_mut()
        .filter(|n| n.name == "c")
        .for_each(|n| n.role = crl_lab::scm::Role::Latent);
    assert!(
        Problem::new(&no_c, 0)
            .unwrap_err()
            .to_string()
            .contains("confounder")
    );
    assert!(parse_grid("0:1:0").is_err());
    assert!(parse_grid("0:2:3").unwrap_err().to_string().contains('2'));
    assert_eq!(
        parse_grid("0:1:5").unwrap(),
        vec![0.0, 0.25, 0.5, 0.75, 1.0]
    );
    assert_eq!(parse_grid("0,0.5").unwrap(), vec![0.0, 0.5]);
}

#[test]
fn every_estimator_and_critic_trains_on_a_small_problem() {
    use crl_lab::mi::EstimatorKind;
    use crl_lab::models::CriticKind;
    let scenario = preset("anti-causal").unwrap();
    let problem = Problem::new(&scenario, 0).unwrap();
    // In anti-causal data c carries y, so an unconditional penalty fights the label: keep its
    // weight small there.
    for (kind, critic, cond, beta) in [
        (EstimatorKind::NceClub, CriticKind::Separable, true, 2.0),
        (EstimatorKind::NceClub, CriticKind::Concat, true, 2.0),
        (EstimatorKind::Club, CriticKind::Separable, true, 2.0),
        (EstimatorKind::ClubSample, CriticKind::Separable, true, 2.0),
        (
            EstimatorKind::ClubCategorical,
            CriticKind::Separable,
            true,
            2.0,
        ),
        (EstimatorKind::Infonce, CriticKind::Separable, false, 0.2),
        (EstimatorKind::Club, CriticKind::Separable, false, 0.2),
    ] {
        let mut config = TrainConfig::for_scenario(&scenario);
        small(&mut config);
        config.estimator = kind;
        config.critic = critic;
        config.conditional = cond;
        let t = quiet_train(&problem, &[MemberSpec::crl(0, beta)], &config)
            .unwrap_or_else(|e| panic!("{kind} {critic:?}: {e}"));
        let last = t.history.last().unwrap();
        assert!(
            last.members[0].val_metric > 0.6,
            "{kind} {critic:?} conditional {cond} beta {beta}: {}",
            last.members[0].val_metric
        );
    }
}

#[test]
fn continuous_outcomes_train_as_regression() {
    let scenario = preset("linear-gaussian").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    config.steps = 200;
    config.lr = 3e-3;
    let problem = Problem::new(&scenario, 0).unwrap();
    assert!(!problem.binary);
    let res = quiet_sweep(&problem, &config, 1, &[0.0, 1.0]).unwrap();
    let base0 = res
        .summary
        .iter()
        .find(|r| r.model == "baseline" && r.shift == 0.0)
        .unwrap();
    assert!(base0.mean.r2 > 0.5, "R² {}", base0.mean.r2);
    assert!(base0.mean.accuracy.is_nan());
    // Conditioning on a continuous y draws negatives within quantile bins of y: it must run.
    config.conditional = true;
    quiet_train(&problem, &[MemberSpec::crl(0, 1.0)], &config).unwrap();
}

#[test]
fn metrics_by_hand() {
    let auc = |s: &[f32], l: &[f32]| roc_auc(s, l).unwrap();
    assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[0.0, 0.0, 1.0, 1.0]), 0.75);
    assert_eq!(auc(&[1.0, 1.0], &[0.0, 1.0]), 0.5);
    assert!(auc(&[1.0, 2.0], &[1.0, 1.0]).is_nan());
    let m = binary_metrics(&[2.0, -1.0, 0.5, -3.0], &[1.0, 0.0, 0.0, 0.0]).unwrap();
    assert_eq!(m.accuracy, 0.75);
    let ll = ((1.0 + (-2.0f64).exp()).ln()
        + (1.0 + (-1.0f64).exp()).ln()
        + (1.0 + 0.5f64.exp()).ln()
        + (1.0 + (-3.0f64).exp()).ln())
        / 4.0;
    assert!((m.logloss - ll).abs() < 1e-9);
    let r = regression_metrics(&[1.0, 2.0, 3.0], &[1.0, 2.0, 4.0]);
    assert!((r.mse - 1.0 / 3.0).abs() < 1e-9);
    assert!((r.r2 - (1.0 - (1.0 / 3.0) / (14.0 / 9.0))).abs() < 1e-9);
}

/// Issue 11: `total_cmp` ranks NaN above every number, so a NaN score read as the most
/// confident positive and the AUC came out as a plausible number. Now it is an error naming the
/// row, and so are the ranking metrics built on it.
#[test]
fn a_non_finite_score_is_an_error_not_a_rank() {
    use crl_lab::train::{gauc, ndcg_at_k};
    let labels = [0.0, 1.0, 0.0, 1.0];
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let scores = [0.1, 0.9, bad, 0.7];
        match roc_auc(&scores, &labels) {
            Err(Error::NonFiniteValue { row, what, .. }) => {
                assert_eq!(row, 2);
                assert!(what.contains("ROC AUC"), "{what}");
            }
            other => panic!("expected NonFiniteValue for {bad}, got {other:?}"),
        }
        assert!(binary_metrics(&scores, &labels).is_err());
        assert!(gauc(&[0, 0, 1, 1], &scores, &labels).is_err());
        assert!(ndcg_at_k(&[0, 0, 1, 1], &scores, &labels, 10).is_err());
    }
}

#[test]
fn summaries_give_mean_std_and_gap() {
    use crl_lab::experiment::EvalRow;
    use crl_lab::train::Metrics;
    let row = |shift: f64, seed: u64, acc: f64| EvalRow {
        model: crl_lab::train::ModelKind::Crl,
        beta: 1.0,
        seed,
        shift,
        metrics: Metrics {
            accuracy: acc,
            auc: 0.5,
            logloss: 1.0,
            mse: f64::NAN,
            r2: f64::NAN,
        },
    };
    let s = summarize(&[
        row(0.0, 0, 0.9),
        row(0.0, 1, 0.8),
        row(1.0, 0, 0.6),
        row(1.0, 1, 0.6),
    ]);
    assert_eq!(s.len(), 2);
    assert!((s[0].mean.accuracy - 0.85).abs() < 1e-12);
    assert!((s[0].std.accuracy - (0.005f64).sqrt()).abs() < 1e-12);
    assert!((s[1].ood_gap - 0.25).abs() < 1e-12);
}

#[test]
fn device_choice_parses_and_cpu_always_works() {
    assert_eq!("cpu".parse::<DeviceChoice>().unwrap(), DeviceChoice::Cpu);
    assert!(
        "tpu"
            .parse::<DeviceChoice>()
            .unwrap_err()
            .to_string()
            .contains("tpu")
    );
    assert!(
        select_device(DeviceChoice::Cpu)
            .unwrap()
            .description
            .contains("cpu")
    );
}

struct ChangeBetas<'a>(&'a RunControl, Vec<Report>);

impl Observer for ChangeBetas<'_> {
    fn on_report(&mut self, r: &Report) {
        // First an invalid value (ignored), then a valid one (applies from the next step).
        match self.1.len() {
            0 => self.0.set_betas(vec![f64::NAN]),
            1 => self.0.set_betas(vec![0.0]),
            _ => {}
        }
        self.1.push(r.clone());
    }
}

#[test]
fn beta_changes_apply_from_the_next_step() {
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    config.beta_warmup_steps = 0;
    let problem = Problem::new(&scenario, 0).unwrap();
    let control = RunControl::default();
    let mut obs = ChangeBetas(&control, Vec::new());
    train(
        &problem,
        &[MemberSpec::crl(0, 5.0)],
        &config,
        &cpu(),
        &mut obs,
        &control,
    )
    .unwrap();
    let penalties: Vec<f64> = obs.1.iter().map(|r| r.members[0].penalty).collect();
    assert_eq!(penalties.len(), 4);
    assert!(penalties[0] != 0.0 && penalties[1] != 0.0, "{penalties:?}");
    assert_eq!(penalties[2..], [0.0, 0.0]);
}

/// Issue 12: the ensemble is split across threads on the CPU; a member's numbers must not
/// depend on the split (nor on which members share its shard).
#[test]
fn every_member_gets_the_same_numbers_on_one_thread_or_three() {
    let scenario = preset(DEFAULT_PRESET).unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    config.steps = 30;
    let problem = Problem::new(&scenario, 0).unwrap();
    let members = [
        MemberSpec::baseline(0),
        MemberSpec::crl(0, 5.0),
        MemberSpec::oracle(0),
        MemberSpec::crl(1, 2.0),
    ];
    let run = |threads: usize| {
        let mut c = config.clone();
        c.threads = threads;
        quiet_train(&problem, &members, &c).unwrap()
    };
    let (one, three) = (run(1), run(3));
    assert_eq!(one.shard_count(), 1);
    assert_eq!(three.shard_count(), 3);
    assert_eq!(three.info.threads, 3);
    assert_eq!(one.history.len(), three.history.len());
    for (a, b) in one.history.iter().zip(&three.history) {
        assert_eq!(a.step, b.step);
        assert_eq!(a.members.len(), members.len());
        // Bit for bit (NaN where nothing was estimated, in both).
        let bits = |r: &Report| {
            r.members
                .iter()
                .flat_map(|m| {
                    [
                        m.total_loss,
                        m.penalty_mi,
                        m.mi_zc_given_y,
                        m.mi_zc,
                        m.val_loss,
                    ]
                    .map(f64::to_bits)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(a), bits(b), "step {}", a.step);
    }
    // The trained models predict the same, shard by shard.
    let x = burn::tensor::Tensor::<3>::ones([1, 4, problem.features.len()], &cpu().device);
    let (pa, pb) = (one.predict(&x), three.predict(&x));
    assert_eq!(pa.dims(), [4, 4, 1]);
    assert_eq!(pa.into_data(), pb.into_data());
}

/// Records what a job tells its observer.
#[derive(Default)]
struct Evaluations(Vec<(EvalAt, Vec<EvalRow>)>, Vec<usize>);

impl Observer for Evaluations {
    fn on_report(&mut self, r: &Report) {
        self.1.push(r.step);
    }
}

impl JobObserver for Evaluations {
    fn on_evaluated(&mut self, at: EvalAt, rows: &[EvalRow]) {
        self.0.push((at, rows.to_vec()));
    }
}

/// Issue 12: the OOD results fill in while training runs: every shift is scored at every
/// report, on the first `LIVE_TEST_ROWS` rows, and after the last step on every test row, which
/// gives the numbers the old evaluate-after-training gave.
#[test]
fn a_job_scores_every_shift_at_each_report_and_all_rows_at_the_end() {
    let scenario = preset(DEFAULT_PRESET).unwrap();
    let mut settings = TrainSettings::for_scenario(&scenario);
    small(&mut settings.config);
    settings.config.n_test = LIVE_TEST_ROWS + 500;
    settings.n_seeds = 1;
    settings.shift_grid = "0,1".into();
    settings.device = DeviceChoice::Cpu;
    let job = TrainJob::from_settings(&scenario, &settings).unwrap();
    let mut obs = Evaluations::default();
    let results = run_job_to_results(&job, &settings, &mut obs, &RunControl::default()).unwrap();
    let steps: Vec<usize> = obs.0.iter().map(|(at, _)| at.step).collect();
    assert_eq!(steps, obs.1, "one evaluation per report");
    assert_eq!(steps, job.config.report_steps());
    let m = job.members.len();
    for (at, rows) in &obs.0 {
        let want = if at.step == settings.config.steps {
            settings.config.n_test
        } else {
            LIVE_TEST_ROWS
        };
        assert_eq!(at.rows, want, "step {}", at.step);
        assert_eq!(rows.len(), 2 * m);
        assert!(
            rows.iter()
                .all(|r| (0.0..=1.0).contains(&r.metrics.accuracy))
        );
    }
    // The representations of the last report: every member's z of the first Z_ROWS test rows
    // at both shifts, projected on its own shift-0 axes, with each row's c and y.
    let rep = results.representation.as_ref().expect("representations");
    assert_eq!(rep.step, settings.config.steps);
    assert_eq!(rep.members.len(), m);
    assert_eq!(rep.shifts, [0.0, 1.0]);
    let z_rows = crl_lab::train::Z_ROWS;
    for p in &rep.members {
        // One seed: every member is the first of its model, so every one is projected.
        let p = p.as_ref().expect("a projection of each model's first seed");
        assert_eq!(p.points.len(), 2);
        assert!(p.points.iter().all(|s| s.len() == z_rows));
        assert!(
            p.points
                .iter()
                .flatten()
                .all(|q| q[0].is_finite() && q[1].is_finite())
        );
        assert!(p.explained[0] >= p.explained[1] && p.explained[1] >= 0.0);
        assert!(
            p.explained[0] + p.explained[1] <= 1.0 + 1e-9,
            "{:?}",
            p.explained
        );
        // Centred on the shift-0 rows' mean.
        let mean: f64 = p.points[0].iter().map(|q| f64::from(q[0])).sum::<f64>() / z_rows as f64;
        assert!(mean.abs() < 1e-3, "{mean}");
    }
    assert!(rep.confounder.iter().all(|c| c.len() == z_rows));
    assert!(rep.outcome.iter().all(|y| y.len() == z_rows));
    // What the results keep is the last evaluation, final.
    let (last_at, last_rows) = obs.0.last().unwrap();
    assert_eq!(results.eval_at, Some(*last_at));
    assert_eq!(format!("{:?}", results.eval), format!("{last_rows:?}"));
    assert!(results.eval_is_final());
    assert!(results.eval_caption().unwrap().contains("last step"));
    assert!(
        last_rows
            .iter()
            .filter(|r| r.shift == 0.0)
            .all(|r| r.metrics.accuracy > if r.model.is_baseline() { 0.8 } else { 0.55 }),
        "{last_rows:?}"
    );
    // The same models evaluated after training (as `sweep` does) give the same numbers.
    let problem = Problem::new(&scenario, settings.config.seed).unwrap();
    let trained = quiet_train(&problem, &job.members, &settings.config).unwrap();
    let after = evaluate(
        &problem,
        &trained,
        &[0.0, 1.0],
        settings.config.n_test,
        settings.config.seed,
    )
    .unwrap();
    assert_eq!(after.len(), last_rows.len());
    let mut live = last_rows.clone();
    let key = |r: &EvalRow| (r.shift.to_bits(), r.model, r.seed);
    live.sort_by_key(key);
    let mut after = after;
    after.sort_by_key(key);
    for (a, b) in live.iter().zip(&after) {
        assert_eq!(key(a), key(b));
        assert!(
            (a.metrics.accuracy - b.metrics.accuracy).abs() < 1e-9,
            "{a:?} vs {b:?}"
        );
        assert!((a.metrics.auc - b.metrics.auc).abs() < 1e-6);
    }
}

/// Issue 13: model selection. With `keep_best_val`, every member comes back as it was at the
/// report with its lowest validation loss: the same model a run stopped at that step returns.
#[test]
fn keeping_the_best_validation_step_returns_that_steps_model() {
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    // Few rows and a high rate, so that the validation loss turns up before the end.
    config.n_train = 300;
    config.batch_size = 64;
    config.lr = 3e-2;
    config.steps = 80;
    config.keep_best_val = true;
    let problem = Problem::new(&scenario, 0).unwrap();
    let members = [MemberSpec::baseline(2), MemberSpec::crl(2, 3.0)];
    let best = quiet_train(&problem, &members, &config).unwrap();
    let x = burn::tensor::Tensor::<3>::ones([1, 8, problem.features.len()], &cpu().device);
    let best_out = crl_lab::train::read_back(best.predict(&x), "outputs").unwrap();
    for (i, &step) in best.selected_steps.iter().enumerate() {
        let losses: Vec<(usize, f64)> = best
            .history
            .iter()
            .map(|r| (r.step, r.members[i].val_loss))
            .collect();
        let argmin = losses
            .iter()
            .fold(
                (0, f64::INFINITY),
                |b, &(s, l)| if l < b.1 { (s, l) } else { b },
            )
            .0;
        assert_eq!(step, argmin, "member {i}: {losses:?}");
        // The same member trained for exactly that many steps, without selection.
        let mut upto = config.clone();
        upto.steps = step;
        upto.keep_best_val = false;
        let plain = quiet_train(&problem, &members, &upto).unwrap();
        assert_eq!(plain.selected_steps, vec![step; 2]);
        let out = crl_lab::train::read_back(plain.predict(&x), "outputs").unwrap();
        assert_eq!(
            out[i * 8..(i + 1) * 8],
            best_out[i * 8..(i + 1) * 8],
            "member {i}"
        );
    }
    eprintln!("selected steps {:?}", best.selected_steps);
}

/// Issue 13: weight decay pulls the weights towards 0, so a strongly decayed model's outputs
/// vary less across inputs; a negative decay is refused by name.
#[test]
fn weight_decay_shrinks_the_model_and_a_negative_one_is_refused() {
    let scenario = preset("anti-causal").unwrap();
    let mut config = TrainConfig::for_scenario(&scenario);
    small(&mut config);
    let problem = Problem::new(&scenario, 0).unwrap();
    let members = [MemberSpec::baseline(4)];
    let spread = |wd: f64| {
        let mut c = config.clone();
        c.weight_decay = wd;
        let t = quiet_train(&problem, &members, &c).unwrap();
        let n = 64;
        let d = problem.features.len();
        let x: Vec<f32> = (0..n * d)
            .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
            .collect();
        let x = burn::tensor::Tensor::<3>::from_data(
            burn::tensor::TensorData::new(x, [1, n, d]),
            &cpu().device,
        );
        let out = crl_lab::train::read_back(t.predict(&x), "outputs").unwrap();
        let mean = out.iter().sum::<f32>() / n as f32;
        (out.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n as f32).sqrt()
    };
    let (free, decayed) = (spread(0.0), spread(1.0));
    assert!(
        decayed < 0.5 * free,
        "spread {decayed} with decay, {free} without"
    );
    let mut bad = config.clone();
    bad.weight_decay = -1.0;
    let e = quiet_train(&problem, &members, &bad).unwrap_err();
    assert!(e.to_string().contains("weight_decay"), "{e}");
}

/// Input masks of the wrong shape are an error saying what was expected, not silently ignored.
#[test]
fn input_masks_of_the_wrong_shape_are_refused() {
    use crl_lab::models::{Predictor, PredictorShape};
    let shape = PredictorShape {
        n_inputs: 5,
        hidden: vec![4],
        z_dim: 2,
    };
    let device = cpu().device;
    let p = || Predictor::init(&[0, 1], &shape, &device);
    assert!(p().with_input_masks(&[vec![1.0; 5], vec![0.0; 5]]).is_ok());
    for bad in [vec![vec![1.0; 5]], vec![vec![1.0; 5], vec![1.0; 4]]] {
        let e = p().with_input_masks(&bad).unwrap_err().to_string();
        assert!(e.contains("expected 2 masks of 5 entries"), "{e}");
    }
}
