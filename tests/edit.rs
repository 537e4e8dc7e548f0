//! Editing a scenario as the graph editor does: every operation keeps the graph well-shaped, or
//! fails naming the problem and changes nothing.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crl_lab::Error;
use crl_lab::scm::{Mechanism, Noise, Param, Role, Scenario, preset};

fn shortcut() -> Scenario {
    preset("shortcut").expect("preset")
}

#[test]
fn a_new_node_gets_a_unique_name_and_role_defaults() {
    let mut s = shortcut();
    assert_eq!(s.unique_name("c"), "c2");
    assert_eq!(s.unique_name("z"), "z");
    let y = Scenario::default_node("y2", Role::Outcome);
    assert_eq!(y.mechanism, Mechanism::Logistic);
    s.add_node(Scenario::default_node("c2", Role::Confounder))
        .expect("added");
    assert_eq!(s.unique_name("c"), "c3");
    assert!(matches!(
        s.add_node(Scenario::default_node("c2", Role::Feature)),
        Err(Error::DuplicateNode(n)) if n == "c2"
    ));
    assert!(
        s.add_node(Scenario::default_node("bad name", Role::Feature))
            .is_err()
    );
}

#[test]
fn an_edge_that_closes_a_cycle_is_refused_with_the_cycle_named() {
    let mut s = shortcut();
    let before = s.clone();
    match s.add_edge("x_s", "y") {
        Err(Error::Cycle(c)) => {
            assert_eq!(c.first(), c.last());
            for n in ["x_s", "y", "c"] {
                assert!(c.iter().any(|x| x == n), "{c:?}");
            }
        }
        other => panic!("expected a cycle, got {other:?}"),
    }
    assert_eq!(s, before, "nothing changed");
    assert!(matches!(s.add_edge("y", "y"), Err(Error::Cycle(_))));
    assert!(s.add_edge("y", "c").is_err(), "a duplicate edge is refused");
    assert!(matches!(
        s.add_edge("nope", "y"),
        Err(Error::UnknownNode(_))
    ));
}

#[test]
fn adding_and_removing_an_edge_round_trips() {
    let mut s = shortcut();
    let before = s.clone();
    s.add_edge("x_c", "x_s").expect("acyclic");
    assert!(s.has_edge("x_c", "x_s"));
    s.validate().expect("still valid");
    s.remove_edge("x_c", "x_s").expect("exists");
    assert_eq!(s, before);
    assert!(s.remove_edge("x_c", "x_s").is_err());
}

#[test]
fn removing_a_node_removes_its_edges() {
    let mut s = shortcut();
    let c = s.remove_node("c").expect("exists");
    assert_eq!(c.role, Role::Confounder);
    assert!(!s.has_edge("c", "x_s"));
    assert!(
        s.nodes
            .iter()
            .all(|n| n.parents.iter().all(|e| e.from != "c"))
    );
    // Without its confounder the scenario still samples; training would say what is missing.
    s.validate().expect("a DAG with one outcome");
}

#[test]
fn renaming_updates_every_reference() {
    let mut s = shortcut();
    s.rename_node("c", "popularity").expect("renamed");
    assert!(s.has_edge("popularity", "x_s"));
    assert!(s.id("c").is_err());
    s.validate().expect("valid");
    assert!(matches!(
        s.rename_node("x_s", "y"),
        Err(Error::DuplicateNode(_))
    ));
    assert!(s.rename_node("x_s", "").is_err());
}

#[test]
fn changing_a_dimension_reshapes_the_weights_around_the_node() {
    let mut s = shortcut();
    let id = s.id("c").expect("c");
    let mut c = s.node(id).clone();
    c.dim = 3;
    s.set_node("c", c).expect("reshaped");
    s.validate().expect("shapes fit after the change");
    let x_s = s.node(s.id("x_s").expect("x_s"));
    let e = x_s.parents.iter().find(|e| e.from == "c").expect("edge");
    assert!(e.weights.iter().all(|row| row.len() == 3));
    // And back: the extra columns go, the original weight stays.
    let mut c = s.node(s.id("c").expect("c")).clone();
    c.dim = 1;
    s.set_node("c", c).expect("reshaped");
    assert_eq!(s, shortcut());
    let mut bad = s.node(s.id("c").expect("c")).clone();
    bad.dim = 0;
    assert!(s.set_node("c", bad).is_err());
}

#[test]
fn a_categorical_mechanism_reshapes_the_incoming_weights_to_its_classes() {
    let mut s = shortcut();
    let id = s.id("c").expect("c");
    let mut c = s.node(id).clone();
    c.mechanism = Mechanism::Categorical { classes: 4 };
    c.noise = Noise::default();
    c.bias = vec![Param::Fixed(0.5)];
    s.set_node("c", c).expect("reshaped");
    let c = s.node(s.id("c").expect("c"));
    assert_eq!(c.bias.len(), 4);
    assert_eq!(c.parents[0].weights.len(), 4);
    s.validate().expect("valid");
}
