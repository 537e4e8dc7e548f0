//! Editors for the parts of a node, as the inspector shows them: a parameter (fixed, or shifting
//! with a training and a test value), the mechanism, the noise, and an edge's weights. Each
//! edits in place and returns whether it changed anything.

use egui::{ComboBox, DragValue, Ui};

use crate::scm::{Activation, Edge, Mechanism, Noise, Param};

/// One value of a parameter, named by the label `label_id`; returns whether it changed.
fn value_ui(
    ui: &mut Ui,
    v: &mut f64,
    range: &std::ops::RangeInclusive<f64>,
    label_id: egui::Id,
    tip: &str,
) -> bool {
    ui.add(
        DragValue::new(v)
            .speed(0.02)
            .range(range.clone())
            .max_decimals(3),
    )
    .labelled_by(label_id)
    .on_hover_text(tip)
    .changed()
}

/// A labelled number with a "shifts" toggle; returns whether it changed. `range` bounds the
/// value (probabilities, scales).
pub fn param_ui(
    ui: &mut Ui,
    label: &str,
    p: &mut Param,
    range: std::ops::RangeInclusive<f64>,
    tip: &str,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label).on_hover_text(tip);
        match p {
            Param::Fixed(v) => changed |= value_ui(ui, v, &range, l.id, tip),
            Param::Shifting { train, test } => {
                for (side, v, side_tip) in [
                    ("train", train, "value in the training environment (s = 0)"),
                    (
                        "test",
                        test,
                        "value in the test environment (s = 1); s interpolates",
                    ),
                ] {
                    let t = ui.weak(side);
                    changed |= value_ui(ui, v, &range, t.id, side_tip);
                }
            }
        }
        let mut shifting = matches!(p, Param::Shifting { .. });
        if ui
            .checkbox(&mut shifting, "Δ")
            .on_hover_text("Shifts between environments: set a training and a test value")
            .changed()
        {
            *p = if shifting {
                let v = p.at(0.0);
                Param::Shifting { train: v, test: v }
            } else {
                Param::Fixed(p.at(0.0))
            };
            changed = true;
        }
    });
    changed
}

/// A choice among `options` (each a variant with default parameters), named by their names;
/// picking another variant replaces `value` by that option. Returns whether it changed.
fn variant_choice_ui<T, const N: usize>(
    ui: &mut Ui,
    id_salt: &str,
    label_id: egui::Id,
    value: &mut T,
    options: [T; N],
    name: fn(&T) -> &'static str,
) -> bool {
    let mut changed = false;
    let current = name(value);
    ComboBox::from_id_salt(id_salt)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for o in options {
                let n = name(&o);
                if ui.selectable_label(current == n, n).clicked() && current != n {
                    *value = o;
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(label_id);
    changed
}

/// The mechanism (two grid columns): its kind, then the kind's own parameters.
pub fn mechanism_ui(ui: &mut Ui, m: &mut Mechanism) -> bool {
    let l = ui.label("mechanism").on_hover_text(
        "How the node combines its parents: linear, a nonlinearity of a linear map, or a discrete \
         draw (logistic/threshold: binary; categorical: softmax over classes)",
    );
    let options = [
        Mechanism::Linear,
        Mechanism::Nonlinear {
            activation: Activation::Tanh,
        },
        Mechanism::Logistic,
        Mechanism::Threshold {
            threshold: Param::Fixed(0.0),
        },
        Mechanism::Categorical { classes: 3 },
    ];
    let mut changed = variant_choice_ui(ui, "mechanism", l.id, m, options, Mechanism::name);
    ui.end_row();
    match m {
        Mechanism::Nonlinear { activation } => {
            let l = ui.label("activation");
            ComboBox::from_id_salt("activation")
                .selected_text(format!("{activation:?}").to_lowercase())
                .show_ui(ui, |ui| {
                    for a in [
                        Activation::Tanh,
                        Activation::Relu,
                        Activation::Sigmoid,
                        Activation::Sin,
                        Activation::Square,
                    ] {
                        changed |= ui
                            .selectable_value(activation, a, format!("{a:?}").to_lowercase())
                            .changed();
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
        }
        Mechanism::Threshold { threshold } => {
            ui.label("");
            changed |= param_ui(
                ui,
                "threshold",
                threshold,
                -10.0..=10.0,
                "1 when the linear score exceeds this",
            );
            ui.end_row();
        }
        Mechanism::Categorical { classes } => {
            let l = ui.label("classes");
            changed |= ui
                .add(DragValue::new(classes).range(2..=12))
                .labelled_by(l.id)
                .on_hover_text("Number of categories (2 to 12)")
                .changed();
            ui.end_row();
        }
        _ => {}
    }
    changed
}

/// The noise (two grid columns): its kind, then its scale.
pub fn noise_ui(ui: &mut Ui, n: &mut Noise) -> bool {
    let l = ui.label("noise").on_hover_text(
        "Exogenous noise: added to a continuous node, or a label flip for a discrete one",
    );
    let one = Param::Fixed(1.0);
    let options = [
        Noise::None,
        Noise::Gaussian { sd: one },
        Noise::Uniform { half_width: one },
        Noise::Laplace { scale: one },
        Noise::LabelFlip {
            prob: Param::Fixed(0.1),
        },
    ];
    let mut changed = variant_choice_ui(ui, "noise", l.id, n, options, Noise::name);
    ui.end_row();
    let (label, tip, range) = match n {
        Noise::Gaussian { .. } => (
            "sd",
            "Standard deviation of the Gaussian noise (≥ 0)",
            0.0..=100.0,
        ),
        Noise::Uniform { .. } => (
            "half width",
            "Noise is uniform on [-w, w] (≥ 0)",
            0.0..=100.0,
        ),
        Noise::Laplace { .. } => ("scale", "Scale of the Laplace noise (≥ 0)", 0.0..=100.0),
        Noise::LabelFlip { .. } => (
            "flip prob.",
            "Probability that the drawn label is flipped (0 to 1)",
            0.0..=1.0,
        ),
        Noise::None => return changed,
    };
    let p = match n {
        Noise::Gaussian { sd } => sd,
        Noise::Uniform { half_width } => half_width,
        Noise::Laplace { scale } => scale,
        Noise::LabelFlip { prob } => prob,
        Noise::None => return changed,
    };
    ui.label("");
    changed |= param_ui(ui, label, p, range, tip);
    ui.end_row();
    changed
}

/// One row per weight of the edge `e` into `child`.
pub fn weights_ui(ui: &mut Ui, e: &mut Edge, child: &str) -> bool {
    let mut changed = false;
    let rows = e.weights.len();
    for (r, row) in e.weights.iter_mut().enumerate() {
        for (c, w) in row.iter_mut().enumerate() {
            let label = if rows == 1 && row_len_one(c) {
                format!("{} -> {child}", e.from)
            } else {
                format!("w[{r}][{c}]")
            };
            changed |= param_ui(
                ui,
                &label,
                w,
                -100.0..=100.0,
                "Weight of this parent coordinate in the child's linear score",
            );
        }
    }
    changed
}

fn row_len_one(c: usize) -> bool {
    c == 0
}
