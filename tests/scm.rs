//! Behaviour of the SCM core: sampling, mechanisms, shift, interventions, validation, truth.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::Error;
use crl_lab::data::{Dataset, sample};
use crl_lab::scm::{
    Activation, Edge, GaussianTruth, Intervention, Mechanism, Node, Noise, Param, Role, Scenario,
    TrainingHints, Warning, correlated_gaussian_mi, preset, preset_names, shifting,
};

fn scenario(nodes: Vec<Node>) -> Scenario {
    Scenario {
        name: "test".into(),
        title: String::new(),
        description: String::new(),
        nodes,
        interventions: Vec::new(),
        hints: TrainingHints::default(),
    }
}

fn gaussian(sd: f64) -> Noise {
    Noise::Gaussian {
        sd: Param::Fixed(sd),
    }
}

fn node(name: &str, role: Role, mechanism: Mechanism, noise: Noise, parents: Vec<Edge>) -> Node {
    Node {
        name: name.into(),
        role,
        dim: 1,
        mechanism,
        noise,
        bias: Vec::new(),
        parents,
    }
}

fn edge(from: &str, w: f64) -> Edge {
    Edge {
        from: from.into(),
        weights: vec![vec![Param::Fixed(w)]],
    }
}

fn col<'a>(d: &'a Dataset, name: &str) -> &'a [f32] {
    &d.column(name).unwrap().values
}

fn mean(xs: &[f32]) -> f64 {
    xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64
}

fn var(xs: &[f32]) -> f64 {
    let m = mean(xs);
    xs.iter().map(|&x| (f64::from(x) - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64
}

/// x ~ N(0,1) feature, y = 1[x > 0] outcome, plus whatever `extra` adds.
fn with_outcome(mut extra: Vec<Node>) -> Scenario {
    let mut nodes = vec![
        Node::root("x", Role::Feature, 1, gaussian(1.0)),
        node(
            "y",
            Role::Outcome,
            Mechanism::Threshold {
                threshold: Param::Fixed(0.0),
            },
            Noise::None,
            vec![edge("x", 1.0)],
        ),
    ];
    nodes.append(&mut extra);
    scenario(nodes)
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let sc = preset("shortcut").unwrap();
    let a = sample(&sc, 5_000, 0.3, 42).unwrap();
    let b = sample(&sc, 5_000, 0.3, 42).unwrap();
    let c = sample(&sc, 5_000, 0.3, 43).unwrap();
    assert_eq!(a, b);
    assert_ne!(col(&a, "x_c.0"), col(&c, "x_c.0"));
    // Pinned values: the stream layout must not change silently between versions/machines.
    let pinned = [1.996_249_4_f32, -1.609_291_2, 1.375_968];
    let again = sample(&sc, 3, 0.3, 42).unwrap();
    assert_eq!(col(&again, "x_c.0"), &pinned[..]);
    assert_eq!(
        col(&again, "x_s.0"),
        &[0.723_486_66_f32, -1.354_775_2, 0.529_324_8][..]
    );
}

#[test]
fn adding_an_unrelated_node_keeps_the_other_draws() {
    let sc = preset("anti-causal").unwrap();
    let mut bigger = sc.clone();
    bigger
        .nodes
        .push(Node::root("noise_feature", Role::Feature, 3, gaussian(1.0)));
    let a = sample(&sc, 1000, 0.0, 7).unwrap();
    let b = sample(&bigger, 1000, 0.0, 7).unwrap();
    for name in ["x_c.0", "x_c.3", "y.0", "c.0", "x_s.0"] {
        assert_eq!(col(&a, name), col(&b, name), "{name}");
    }
}

#[test]
fn columns_are_named_node_dot_dimension() {
    let d = sample(&preset("shortcut").unwrap(), 10, 0.0, 1).unwrap();
    let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "x_c.0",
            "x_c.1",
            "x_c.2",
            "x_c.3",
            "h_plus.0",
            "h_minus.0",
            "y.0",
            "c.0",
            "x_s.0"
        ]
    );
    assert_eq!(
        d.columns_with_role(Role::Feature),
        ["x_c.0", "x_c.1", "x_c.2", "x_c.3", "x_s.0"]
    );
}

#[test]
fn linear_mechanism_mean_and_variance() {
    let mut z = node(
        "z",
        Role::Feature,
        Mechanism::Linear,
        gaussian(0.5),
        vec![edge("x", 2.0)],
    );
    z.bias = vec![Param::Fixed(1.0)];
    let d = sample(&with_outcome(vec![z]), 200_000, 0.0, 1).unwrap();
    let z = col(&d, "z.0");
    assert!((mean(z) - 1.0).abs() < 0.02, "mean {}", mean(z));
    assert!((var(z) - 4.25).abs() < 0.06, "var {}", var(z));
}

#[test]
fn nonlinear_activations() {
    let mk = |name: &str, a| {
        node(
            name,
            Role::Latent,
            Mechanism::Nonlinear { activation: a },
            Noise::None,
            vec![edge("x", 1.0)],
        )
    };
    let d = sample(
        &with_outcome(vec![
            mk("sq", Activation::Square),
            mk("relu", Activation::Relu),
            mk("tanh", Activation::Tanh),
            mk("sig", Activation::Sigmoid),
            mk("sin", Activation::Sin),
        ]),
        100_000,
        0.0,
        2,
    )
    .unwrap();
    let x = col(&d, "x.0");
    // E[x^2] = 1 for a standard normal; relu(x) has mean 1/sqrt(2 pi).
    assert!((mean(col(&d, "sq.0")) - 1.0).abs() < 0.02);
    assert!((mean(col(&d, "relu.0")) - 0.398_942).abs() < 0.01);
    for (r, &xv) in x.iter().enumerate().take(100) {
        let xv = f64::from(xv);
        assert!((f64::from(col(&d, "tanh.0")[r]) - xv.tanh()).abs() < 1e-5);
        assert!((f64::from(col(&d, "sig.0")[r]) - 1.0 / (1.0 + (-xv).exp())).abs() < 1e-5);
        assert!((f64::from(col(&d, "sin.0")[r]) - xv.sin()).abs() < 1e-5);
    }
}

#[test]
fn logistic_threshold_and_label_flip() {
    let mut lg = node("lg", Role::Latent, Mechanism::Logistic, Noise::None, vec![]);
    lg.bias = vec![Param::Fixed(1.0)];
    let flip = node(
        "fl",
        Role::Confounder,
        Mechanism::Threshold {
            threshold: Param::Fixed(0.5),
        },
        Noise::LabelFlip {
            prob: Param::Fixed(0.2),
        },
        vec![edge("y", 1.0)],
    );
    let d = sample(&with_outcome(vec![lg, flip]), 100_000, 0.0, 3).unwrap();
    let sig1 = 1.0 / (1.0 + (-1.0f64).exp());
    assert!((mean(col(&d, "lg.0")) - sig1).abs() < 0.01);
    assert!((mean(col(&d, "y.0")) - 0.5).abs() < 0.01);
    let agree = col(&d, "y.0")
        .iter()
        .zip(col(&d, "fl.0"))
        .filter(|(a, b)| a == b)
        .count();
    assert!((agree as f64 / 100_000.0 - 0.8).abs() < 0.01);
    // Threshold is exact: y = 1[x > 0].
    assert!(
        col(&d, "x.0")
            .iter()
            .zip(col(&d, "y.0"))
            .all(|(x, y)| (*x > 0.0) == (*y == 1.0))
    );
}

#[test]
fn categorical_follows_the_softmax() {
    let mut cat = node(
        "k",
        Role::Confounder,
        Mechanism::Categorical { classes: 3 },
        Noise::None,
        vec![],
    );
    cat.bias = [0.0, 2f64.ln(), 3f64.ln()]
        .into_iter()
        .map(Param::Fixed)
        .collect();
    let d = sample(&with_outcome(vec![cat]), 120_000, 0.0, 4).unwrap();
    let k = col(&d, "k.0");
    for (class, p) in [(0.0, 1.0 / 6.0), (1.0, 2.0 / 6.0), (2.0, 3.0 / 6.0)] {
        let f = k.iter().filter(|&&v| v == class).count() as f64 / k.len() as f64;
        assert!((f - p).abs() < 0.01, "class {class}: {f} vs {p}");
    }
}

#[test]
fn noise_families_have_their_variances() {
    let mk = |name: &str, noise| node(name, Role::Latent, Mechanism::Linear, noise, vec![]);
    let d = sample(
        &with_outcome(vec![
            mk(
                "u",
                Noise::Uniform {
                    half_width: Param::Fixed(3.0),
                },
            ),
            mk(
                "l",
                Noise::Laplace {
                    scale: Param::Fixed(2.0),
                },
            ),
            mk("g", gaussian(1.5)),
        ]),
        200_000,
        0.0,
        5,
    )
    .unwrap();
    assert!((var(col(&d, "u.0")) - 3.0).abs() < 0.05);
    assert!((var(col(&d, "l.0")) - 8.0).abs() < 0.2);
    assert!((var(col(&d, "g.0")) - 2.25).abs() < 0.04);
    assert!(col(&d, "u.0").iter().all(|v| v.abs() <= 3.0));
}

#[test]
fn shift_interpolates_linearly() {
    assert_eq!(shifting(2.0, -2.0).at(0.25), 1.0);
    assert_eq!(Param::Fixed(3.0).at(0.7), 3.0);
    // shortcut: c's flip probability moves from 0.05 (s = 0) to 1 (s = 1), so it agrees with y
    // with probability 0.95, 0.475 at s = 0.5, and never at s = 1.
    let sc = preset("shortcut").unwrap();
    for (s, want) in [(0.0, 0.95), (0.5, 0.475), (1.0, 0.0)] {
        let d = sample(&sc, 50_000, s, 9).unwrap();
        let agree = col(&d, "y.0")
            .iter()
            .zip(col(&d, "c.0"))
            .filter(|(a, b)| a == b)
            .count();
        let rate = agree as f64 / 50_000.0;
        assert!((rate - want).abs() < 0.01, "s = {s}: {rate}");
        assert_eq!(d.shift, s);
    }
}

#[test]
fn hard_intervention_cuts_the_parents() {
    let z = node(
        "z",
        Role::Feature,
        Mechanism::Linear,
        gaussian(1.0),
        vec![edge("x", 1.0)],
    );
    let w = node(
        "w",
        Role::Latent,
        Mechanism::Linear,
        Noise::None,
        vec![edge("z", 2.0)],
    );
    let sc = with_outcome(vec![z, w]);
    let done = sc
        .intervene(&Intervention::Hard {
            node: "z".into(),
            value: vec![3.0],
        })
        .unwrap();
    let d = sample(&done, 1000, 0.0, 1).unwrap();
    assert!(col(&d, "z.0").iter().all(|&v| v == 3.0));
    assert!(col(&d, "w.0").iter().all(|&v| v == 6.0));
}

#[test]
fn test_environment_interventions_mix_in_with_probability_s() {
    let z = node(
        "z",
        Role::Feature,
        Mechanism::Linear,
        gaussian(1.0),
        vec![edge("x", 1.0)],
    );
    let mut sc = with_outcome(vec![z]);
    sc.interventions.push(Intervention::Hard {
        node: "z".into(),
        value: vec![10.0],
    });
    sc.interventions.push(Intervention::Soft {
        node: "x".into(),
        mechanism: Mechanism::Linear,
        noise: Noise::Uniform {
            half_width: Param::Fixed(1.0),
        },
        bias: vec![Param::Fixed(-20.0)],
        parents: vec![],
    });
    let count = |s| {
        let d = sample(&sc, 40_000, s, 11).unwrap();
        let hard = col(&d, "z.0").iter().filter(|&&v| v == 10.0).count();
        let soft = col(&d, "x.0").iter().filter(|&&v| v < -10.0).count();
        (hard, soft)
    };
    assert_eq!(count(0.0), (0, 0));
    let (hard, soft) = count(0.3);
    assert!((hard as f64 / 40_000.0 - 0.3).abs() < 0.01);
    // Both interventions apply to the same rows (one test environment).
    assert_eq!(hard, soft);
    assert_eq!(count(1.0), (40_000, 40_000));
}

#[test]
fn exposure_logs_only_exposed_rows() {
    let sc = preset("exposure-bias").unwrap();
    let d = sample(&sc, 20_000, 0.0, 3).unwrap();
    assert_eq!(d.n_rows, 20_000);
    assert!(col(&d, "e.0").iter().all(|&v| v == 1.0));
    // Selection on the collider links popularity and interest in the logs, not under random
    // exposure.
    let corr = |d: &Dataset| {
        let (a, b) = (col(d, "c.0"), col(d, "u.0"));
        let (ma, mb) = (mean(a), mean(b));
        let cov: f64 = a
            .iter()
            .zip(b)
            .map(|(x, y)| (f64::from(*x) - ma) * (f64::from(*y) - mb))
            .sum::<f64>()
            / a.len() as f64;
        cov / (var(a) * var(b)).sqrt()
    };
    assert!(corr(&d) < -0.2, "{}", corr(&d));
    let test = sample(&sc, 20_000, 1.0, 3).unwrap();
    assert!(corr(&test).abs() < 0.03, "{}", corr(&test));
}

#[test]
fn exposure_that_never_logs_is_an_error() {
    let mut e = node(
        "e",
        Role::Exposure,
        Mechanism::Threshold {
            threshold: Param::Fixed(100.0),
        },
        Noise::None,
        vec![edge("x", 1.0)],
    );
    e.bias = vec![];
    let err = sample(&with_outcome(vec![e]), 100, 0.0, 1).unwrap_err();
    assert!(matches!(err, Error::Sampling(_)));
    assert!(
        err.to_string().contains("`e`") || err.to_string().contains(" e "),
        "{err}"
    );
}

#[test]
fn cycles_are_named() {
    let a = node(
        "a",
        Role::Latent,
        Mechanism::Linear,
        gaussian(1.0),
        vec![edge("b", 1.0)],
    );
    let b = node(
        "b",
        Role::Latent,
        Mechanism::Linear,
        gaussian(1.0),
        vec![edge("a", 1.0)],
    );
    let err = with_outcome(vec![a, b]).validate().unwrap_err();
    match &err {
        Error::Cycle(c) => {
            assert_eq!(c.first(), c.last());
            assert!(c.contains(&"a".to_string()) && c.contains(&"b".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("a -> b -> a") || err.to_string().contains("b -> a -> b"),
        "{err}"
    );
    // The editor's check: y -> x would close x -> y -> x.
    let sc = with_outcome(vec![]);
    assert!(matches!(sc.check_new_edge("y", "x"), Err(Error::Cycle(_))));
    assert!(sc.check_new_edge("x", "y").is_ok());
}

#[test]
fn validation_errors_name_the_problem() {
    // No outcome.
    let sc = scenario(vec![Node::root("x", Role::Feature, 1, gaussian(1.0))]);
    assert!(matches!(sc.validate(), Err(Error::NoOutcome)));
    // Dimension mismatch between a node and its weights.
    let mut bad = with_outcome(vec![]);
    bad.nodes[1].parents[0].weights = vec![vec![Param::Fixed(1.0), Param::Fixed(2.0)]];
    let e = bad.validate().unwrap_err();
    assert!(
        matches!(&e, Error::Shape { node, .. } if node == "y"),
        "{e}"
    );
    // Non-finite parameters.
    let mut nan = with_outcome(vec![]);
    nan.nodes[0].noise = gaussian(f64::NAN);
    let e = nan.validate().unwrap_err();
    assert!(
        matches!(&e, Error::BadParameter { node, param, .. } if node == "x" && param == "noise.sd"),
        "{e}"
    );
    let mut inf = with_outcome(vec![]);
    inf.nodes[1].parents[0].weights[0][0] = shifting(1.0, f64::INFINITY);
    assert!(matches!(inf.validate(), Err(Error::BadParameter { .. })));
    // Unknown parent, duplicate name, label flip on a continuous node.
    let mut unk = with_outcome(vec![]);
    unk.nodes[1].parents.push(edge("ghost", 1.0));
    assert!(
        matches!(unk.validate(), Err(Error::UnknownParent { parent, .. }) if parent == "ghost")
    );
    let dup = with_outcome(vec![Node::root("x", Role::Feature, 1, gaussian(1.0))]);
    assert!(matches!(dup.validate(), Err(Error::DuplicateNode(n)) if n == "x"));
    let mut flip = with_outcome(vec![]);
    flip.nodes[0].noise = Noise::LabelFlip {
        prob: Param::Fixed(0.1),
    };
    assert!(matches!(flip.validate(), Err(Error::Shape { .. })));
    // A confounder nobody depends on is a warning only.
    let lonely = with_outcome(vec![Node::root("c", Role::Confounder, 1, gaussian(1.0))]);
    let (_, warnings) = lonely.validate().unwrap();
    assert_eq!(warnings, vec![Warning::UnusedConfounder("c".into())]);
}

#[test]
fn bad_arguments_to_sampling() {
    let sc = preset("shortcut").unwrap();
    assert!(matches!(
        sample(&sc, 0, 0.0, 1),
        Err(Error::InvalidArgument(_))
    ));
    let e = sample(&sc, 10, 1.5, 1).unwrap_err();
    assert!(e.to_string().contains("1.5"), "{e}");
    assert!(sample(&sc, 10, f64::NAN, 1).is_err());
}

#[test]
fn analytic_truth_matches_monte_carlo() {
    let sc = preset("linear-gaussian").unwrap();
    for s in [0.0, 1.0] {
        let truth = GaussianTruth::new(&sc, s).unwrap();
        let d = sample(&sc, 400_000, s, 21).unwrap();
        // Covariance entries.
        let names = ["x_c.0", "x_c.1", "c.0", "y.0", "x_s.0"];
        let exact = truth.covariance(&["x_c", "c", "y", "x_s"]).unwrap();
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                let (xa, xb) = (col(&d, a), col(&d, b));
                let (ma, mb) = (mean(xa), mean(xb));
                let c = xa
                    .iter()
                    .zip(xb)
                    .map(|(p, q)| (f64::from(*p) - ma) * (f64::from(*q) - mb))
                    .sum::<f64>()
                    / xa.len() as f64;
                assert!(
                    (c - exact[(i, j)]).abs() < 0.03,
                    "s {s} cov({a},{b}) {c} vs {}",
                    exact[(i, j)]
                );
            }
        }
        // MI from the empirical covariance of the sample agrees with the exact one.
        for (a, b) in [
            (vec!["x_s"], vec!["y"]),
            (vec!["x_c", "x_s"], vec!["y"]),
            (vec!["c"], vec!["x_s"]),
        ] {
            let mi = truth.mutual_information(&a, &b).unwrap();
            let cols_a: Vec<String> = a
                .iter()
                .flat_map(|n| {
                    d.columns
                        .iter()
                        .filter(move |c| c.node == *n)
                        .map(|c| c.name.clone())
                })
                .collect();
            let cols_b: Vec<String> = b
                .iter()
                .flat_map(|n| {
                    d.columns
                        .iter()
                        .filter(move |c| c.node == *n)
                        .map(|c| c.name.clone())
                })
                .collect();
            let mc = empirical_gaussian_mi(&d, &cols_a, &cols_b);
            assert!(
                (mi - mc).abs() < 0.01,
                "s {s} I({a:?};{b:?}) exact {mi} mc {mc}"
            );
        }
    }
    // A hand check: I(c; x_s) with x_s = 1.5 c + N(0, 0.25): ½ log(1 + 2.25 / 0.25).
    let truth = GaussianTruth::new(&sc, 0.0).unwrap();
    let mi = truth.mutual_information(&["c"], &["x_s"]).unwrap();
    assert!((mi - 0.5 * 10f64.ln()).abs() < 1e-12);
}

fn empirical_gaussian_mi(d: &Dataset, a: &[String], b: &[String]) -> f64 {
    use nalgebra::DMatrix;
    let all: Vec<&str> = a.iter().chain(b).map(String::as_str).collect();
    let cols: Vec<&[f32]> = all.iter().map(|n| col(d, n)).collect();
    let means: Vec<f64> = cols.iter().map(|c| mean(c)).collect();
    let k = all.len();
    let n = d.n_rows as f64;
    let cov = DMatrix::from_fn(k, k, |i, j| {
        cols[i]
            .iter()
            .zip(cols[j])
            .map(|(p, q)| (f64::from(*p) - means[i]) * (f64::from(*q) - means[j]))
            .sum::<f64>()
            / n
    });
    let ld = |m: DMatrix<f64>| m.determinant().ln();
    let na = a.len();
    let saa = cov.view((0, 0), (na, na)).into_owned();
    let sbb = cov.view((na, na), (k - na, k - na)).into_owned();
    0.5 * (ld(saa) + ld(sbb) - ld(cov))
}

#[test]
fn correlated_gaussian_formula() {
    assert!((correlated_gaussian_mi(0.8, 5) - (-2.5 * 0.36f64.ln())).abs() < 1e-12);
    assert_eq!(correlated_gaussian_mi(0.0, 3), 0.0);
}

#[test]
fn truth_refuses_non_gaussian_scenarios() {
    let e = GaussianTruth::new(&preset("shortcut").unwrap(), 0.0).unwrap_err();
    assert!(
        matches!(&e, Error::NotLinearGaussian(m) if m.contains("h_plus") || m.contains('y')),
        "{e}"
    );
    let e = GaussianTruth::new(&preset("exposure-bias").unwrap(), 0.0).unwrap_err();
    assert!(matches!(e, Error::NotLinearGaussian(_)));
    let truth = GaussianTruth::new(&preset("linear-gaussian").unwrap(), 0.0).unwrap();
    assert!(truth.mutual_information(&["y"], &["y"]).is_err());
    assert!(matches!(
        truth.mutual_information(&["nope"], &["y"]),
        Err(Error::UnknownNode(_))
    ));
}

#[test]
fn every_preset_round_trips_and_explains_itself() {
    assert_eq!(preset_names()[0], "shortcut");
    for name in preset_names() {
        let sc = preset(name).unwrap();
        assert_eq!(sc.name, name);
        assert!(sc.description.len() > 200, "{name} needs an explanation");
        let text = sc.to_json();
        let back = Scenario::from_json(&text, "round trip").unwrap();
        assert_eq!(back, sc);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        sc.save(&path).unwrap();
        assert_eq!(Scenario::load(&path).unwrap(), sc);
        sc.validate().unwrap();
    }
    assert!(matches!(preset("nope"), Err(Error::UnknownPreset { .. })));
}

#[test]
fn damaged_or_foreign_files_are_refused_clearly() {
    let good = preset("anti-causal").unwrap().to_json();
    let newer = good.replace("\"version\": 1", "\"version\": 7");
    let e = Scenario::from_json(&newer, "f.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("f.json") && e.contains("newer"), "{e}");
    let foreign = good.replace("crl-lab-scenario", "something-else");
    assert!(
        Scenario::from_json(&foreign, "f.json")
            .unwrap_err()
            .to_string()
            .contains("something-else")
    );
    let truncated = &good[..good.len() / 2];
    assert!(matches!(
        Scenario::from_json(truncated, "f.json"),
        Err(Error::BadFile { .. })
    ));
    let cyclic = good.replace("\"from\": \"x_c\"", "\"from\": \"x_s\"");
    let e = Scenario::from_json(&cyclic, "f.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("cycle"), "{e}");
    assert!(matches!(
        Scenario::load(std::path::Path::new("/no/such/file.json")),
        Err(Error::Io { .. })
    ));
}

/// Issue 11: two entries for one parent were summed by the sampler and overwritten by the
/// analytic truth; validation refuses them, naming both nodes, and so does every edit.
#[test]
fn a_parent_listed_twice_is_refused_naming_both_nodes() {
    let mut dup = with_outcome(vec![]);
    dup.nodes[1].parents.push(edge("x", 0.5));
    let e = dup.validate().unwrap_err();
    assert!(
        matches!(&e, Error::DuplicateEdge { node, parent } if node == "y" && parent == "x"),
        "{e}"
    );
    let text = e.to_string();
    assert!(text.contains("`y`") && text.contains("`x`"), "{text}");
    assert!(
        GaussianTruth::new(&dup, 0.0).is_err(),
        "the truth refuses too"
    );
    assert!(sample(&dup, 10, 0.0, 1).is_err(), "and so does the sampler");
    // In a soft intervention's new parents as well.
    let mut soft = with_outcome(vec![]);
    soft.interventions.push(Intervention::Soft {
        node: "y".into(),
        mechanism: Mechanism::Linear,
        noise: Noise::None,
        bias: Vec::new(),
        parents: vec![edge("x", 1.0), edge("x", 2.0)],
    });
    assert!(matches!(soft.validate(), Err(Error::DuplicateEdge { .. })));
    // The editor's operations cannot create one.
    let mut s = with_outcome(vec![]);
    let before = s.clone();
    assert!(s.add_edge("x", "y").is_err());
    let mut twice = s.node(s.id("y").unwrap()).clone();
    twice.parents.push(edge("x", 3.0));
    assert!(matches!(
        s.set_node("y", twice),
        Err(Error::DuplicateEdge { .. })
    ));
    let mut new = node(
        "z",
        Role::Feature,
        Mechanism::Linear,
        gaussian(1.0),
        vec![edge("x", 1.0), edge("x", 1.0)],
    );
    assert!(matches!(
        s.add_node(new.clone()),
        Err(Error::DuplicateEdge { .. })
    ));
    assert_eq!(s, before, "nothing changed");
    new.parents.pop();
    s.add_node(new).unwrap();
    s.validate().unwrap();
}

/// Issue 11: a shifting parameter with finite ends but an infinite step between them gives ±inf
/// at every shift strictly inside (0, 1).
#[test]
fn a_shifting_parameter_whose_step_overflows_is_refused() {
    let mut sc = with_outcome(vec![]);
    sc.nodes[1].parents[0].weights[0][0] = shifting(1e308, -1e308);
    let e = sc.validate().unwrap_err();
    assert!(
        matches!(&e, Error::BadParameter { node, param, .. } if node == "y" && param == "weights[x][0][0]"),
        "{e}"
    );
}

/// Issue 11: a noise scale of 1e308 is finite but its draws are not (nor fit in f32); sampling
/// refuses, naming the node and the row, instead of writing `inf`.
#[test]
fn sampling_refuses_a_non_finite_value_naming_the_node() {
    let mut sc = with_outcome(vec![]);
    sc.nodes[0].noise = gaussian(1e308);
    let e = sample(&sc, 200, 0.0, 1).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, Error::Sampling(_)), "{text}");
    assert!(
        text.contains("node `x`") && text.contains("inf") && text.contains("row "),
        "{text}"
    );
    // A value beyond f32 (here 1e39) is finite in f64 but would be stored as inf.
    let mut big = with_outcome(vec![]);
    big.nodes[0].noise = Noise::None;
    big.nodes[0].bias = vec![Param::Fixed(1e39)];
    let text = sample(&big, 5, 0.0, 1).unwrap_err().to_string();
    assert!(
        text.contains("node `x`") && text.contains("row 0"),
        "{text}"
    );
    // An overflow that a threshold would turn into a plausible 0 or 1 is caught at its input.
    let mut hidden = with_outcome(vec![Node::root("x2", Role::Feature, 1, gaussian(1.0))]);
    hidden.nodes[1].parents = vec![edge("x", 1e308), edge("x2", 1e308)];
    let text = sample(&hidden, 500, 0.0, 1).unwrap_err().to_string();
    assert!(
        text.contains("node `y`") && text.contains("input of its mechanism"),
        "{text}"
    );
    // Large but representable values still sample.
    let mut fine = with_outcome(vec![]);
    fine.nodes[0].noise = gaussian(1e30);
    assert!(sample(&fine, 200, 0.0, 1).is_ok());
}
