//! Where the widgets a lesson may point at are: each such widget marks its rectangle under a key
//! every frame, and the lesson panel outlines the current step's widget on top of everything.

use egui::{Color32, Context, Id, LayerId, Order, Rect, Response, Stroke, StrokeKind};

fn key_id(key: &str) -> Id {
    Id::unique(("crl-lesson-target", key))
}

/// Records where the widget of `response` is, under `key` (e.g. `train_button`, `tab:Ood`).
pub fn mark(response: &Response, key: &str) {
    let rect = response.rect;
    response.ctx.data_mut(|d| d.insert_temp(key_id(key), rect));
}

/// Where the widget under `key` was last drawn, if it was.
pub fn target(ctx: &Context, key: &str) -> Option<Rect> {
    ctx.data(|d| d.get_temp::<Rect>(key_id(key)))
}

/// Outlines the widget under `key` (if it is on screen), above every panel.
pub fn outline(ctx: &Context, key: &str) {
    let Some(rect) = target(ctx, key) else {
        return;
    };
    let painter = ctx.layer_painter(LayerId::new(
        Order::Foreground,
        Id::unique("crl-lesson-outline"),
    ));
    painter.rect_stroke(
        rect.expand(3.0),
        6.0,
        Stroke::new(3.0, Color32::from_rgb(255, 160, 0)),
        StrokeKind::Outside,
    );
}
