//! Where nodes sit on the graph canvas: the one layout type (the workspace file's), and the pure
//! functions that place nodes. UI state, not part of the scenario, so the canvas, the menus and
//! the state all take it from here rather than from each other.

use crate::scm::Scenario;

/// Node positions on the canvas, in `[0, 1]²` of the canvas (so they survive resizing), keyed by
/// node name. The workspace file's type, so a layout is saved and opened without conversion.
pub type Layout = crate::session::NodeLayout;

/// Lays nodes out by depth: roots on top, each row one step further down the graph.
pub fn auto_layout(scenario: &Scenario) -> Layout {
    let n = scenario.nodes.len();
    let mut depth = vec![0usize; n];
    if let Ok(order) = scenario.topological_order() {
        for id in order {
            let d = scenario.nodes[id.0]
                .parents
                .iter()
                .filter_map(|e| scenario.id(&e.from).ok())
                .map(|p| depth[p.0] + 1)
                .max()
                .unwrap_or(0);
            depth[id.0] = d;
        }
    }
    let max_depth = depth.iter().copied().max().unwrap_or(0);
    let mut layout = Layout::new();
    for d in 0..=max_depth {
        let row: Vec<usize> = (0..n).filter(|&i| depth[i] == d).collect();
        for (k, &i) in row.iter().enumerate() {
            let x = (k as f32 + 0.5) / row.len() as f32;
            let y = (d as f32 + 0.5) / (max_depth + 1) as f32;
            layout.insert(scenario.nodes[i].name.clone(), [x, y]);
        }
    }
    layout
}

/// A free spot for a new node: the first cell of a coarse grid no node is near.
pub fn free_spot(layout: &Layout) -> [f32; 2] {
    for j in 0..5 {
        for i in 0..5 {
            let p = [0.1 + 0.2 * i as f32, 0.1 + 0.2 * j as f32];
            let near = layout
                .values()
                .any(|q| (q[0] - p[0]).abs() < 0.12 && (q[1] - p[1]).abs() < 0.12);
            if !near {
                return p;
            }
        }
    }
    [0.5, 0.5]
}
