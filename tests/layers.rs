//! The crate's layers point one way (see `src/lib.rs`): a module imports only from layers below
//! it, `mod.rs` files only declare and re-export, and no two sibling modules import each other,
//! directly or round a longer loop; and no UI handler does file I/O or sampling itself. This
//! test reads `src/**` as text. (Over 400 lines: the small import parser the checks share is
//! here, beside them.)

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. `cli` and `ui` share the top rank: neither imports the other.
const LAYERS: [(&str, usize); 12] = [
    ("fs", 0),
    ("scm", 1),
    ("data", 2),
    ("models", 3),
    ("mi", 4),
    ("train", 5),
    ("experiment", 6),
    ("session", 7),
    ("export", 8),
    ("grid", 9),
    ("cli", 10),
    ("ui", 10),
];

/// Modules every layer may use: the error type (and its re-exports at the root), the resource
/// limits and the serde helpers sit below `fs`.
const BASE: [&str; 6] = ["error", "hash", "limits", "serde_float", "Error", "Result"];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The file's module path below the crate root: `src/data/kuairand/load.rs` → `[data,
/// kuairand, load]`; `mod.rs` names its folder.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without comments (line and doc comments; string contents are kept, which
/// is harmless for these patterns).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` path in `code`, as `[a, b]` (up to two segments).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        out.push(segments(rest, 2));
    }
    out
}

/// Every `super::a` path in `code`, as `[a]`.
fn super_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("super::") {
        rest = &rest[i + "super::".len()..];
        if let Some(s) = segments(rest, 1).into_iter().next() {
            out.push(s);
        }
    }
    out
}

/// Up to `n` path segments at the start of `text`; a `{` group contributes its first-level
/// names as separate paths only at the first segment, which is all this test needs.
fn segments(text: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    for _ in 0..n {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            break;
        }
        rest = &rest[name.len()..];
        out.push(name);
        if !rest.starts_with("::") {
            break;
        }
        rest = &rest[2..];
    }
    out
}

/// Names inside a `use crate::{a, b::c}` or `use super::{a, b}` group.
fn group_heads(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    let pat = format!("{prefix}{{");
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        let mut depth = 1;
        let mut end = 0;
        for (j, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &rest[..end];
        let mut level = 0;
        let mut item = String::new();
        for c in inner.chars() {
            match c {
                '{' => level += 1,
                '}' => level -= 1,
                ',' if level == 0 => {
                    out.extend(segments(item.trim(), 1));
                    item.clear();
                    continue;
                }
                _ => {}
            }
            if level == 0 || c != '{' {
                item.push(c);
            }
        }
        out.extend(segments(item.trim(), 1));
    }
    out
}

struct Tree {
    /// Module path of each file → its code.
    files: BTreeMap<Vec<String>, String>,
}

fn read_tree() -> Tree {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files = paths
        .iter()
        .map(|p| {
            let text = fs::read_to_string(p).expect("readable source");
            (module_path(&src, p), code_of(&text))
        })
        .collect();
    Tree { files }
}

/// The top-level modules each file imports through `crate::`.
fn imported_layers(code: &str) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = crate_paths(code)
        .into_iter()
        .filter_map(|p| p.into_iter().next())
        .collect();
    out.extend(group_heads(code, "crate::"));
    out
}

#[test]
fn every_import_points_down() {
    let tree = read_tree();
    assert!(
        tree.files.len() > 40,
        "expected the whole source tree, read {} files",
        tree.files.len()
    );
    let mut wrong = Vec::new();
    for (path, code) in &tree.files {
        let Some(top) = path.first() else { continue };
        let Some(own) = rank(top) else {
            // lib.rs, main.rs, error.rs, serde_float.rs: the crate root and its base.
            continue;
        };
        for target in imported_layers(code) {
            if BASE.contains(&target.as_str()) || target == *top {
                continue;
            }
            match rank(&target) {
                Some(r) if r < own => {}
                Some(_) => wrong.push(format!("{} imports {target}", path.join("::"))),
                None => wrong.push(format!(
                    "{} imports `crate::{target}`, a module the layer list does not know",
                    path.join("::")
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn mod_files_only_declare_and_reexport() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let mods: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "mod.rs"))
        .collect();
    assert!(
        mods.len() >= 8,
        "expected the module folders, found {}",
        mods.len()
    );
    let mut wrong = Vec::new();
    for p in mods {
        let code = code_of(&fs::read_to_string(p).expect("readable"));
        for word in [
            "fn ", "struct ", "enum ", "impl ", "trait ", "const ", "static ",
        ] {
            if code.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(word) || l.starts_with(&format!("pub {word}"))
            }) {
                wrong.push(format!("{} defines `{}`", p.display(), word.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "logic in mod.rs:\n{}", wrong.join("\n"));
}

/// Which sibling modules each module of `parent` imports (`super::x`, `crate::parent::x`).
fn sibling_graph(tree: &Tree, parent: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let children: BTreeSet<String> = tree
        .files
        .keys()
        .filter(|p| p.len() > parent.len() && p.starts_with(parent))
        .map(|p| p[parent.len()].clone())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in &tree.files {
        if path.len() <= parent.len() || !path.starts_with(parent) {
            continue;
        }
        let me = path[parent.len()].clone();
        let mut targets: BTreeSet<String> = BTreeSet::new();
        if path.len() == parent.len() + 1 {
            // A direct child: `super::` names its siblings.
            targets.extend(super_paths(code));
            targets.extend(group_heads(code, "super::"));
        }
        let prefix = if parent.is_empty() {
            "crate::".to_owned()
        } else {
            format!("crate::{}::", parent.join("::"))
        };
        targets.extend(group_heads(code, &prefix));
        let mut rest = code.as_str();
        while let Some(i) = rest.find(&prefix) {
            rest = &rest[i + prefix.len()..];
            targets.extend(segments(rest, 1));
        }
        let entry = graph.entry(me.clone()).or_default();
        entry.extend(
            targets
                .into_iter()
                .filter(|t| *t != me && children.contains(t)),
        );
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_cycles() {
    let tree = read_tree();
    let parents: BTreeSet<Vec<String>> = tree
        .files
        .keys()
        .filter(|p| !p.is_empty())
        .map(|p| p[..p.len() - 1].to_vec())
        .collect();
    assert!(
        parents.contains(&vec!["ui".to_owned()]),
        "the ui folder is read"
    );
    let mut cycles = Vec::new();
    for parent in &parents {
        if let Some(c) = find_cycle(&sibling_graph(&tree, parent)) {
            let at = if parent.is_empty() {
                "crate".to_owned()
            } else {
                parent.join("::")
            };
            cycles.push(format!("in {at}: {}", c.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The checks themselves: an upward import and a cycle are caught.
#[test]
fn the_checks_catch_what_they_look_for() {
    let up = "use crate::export::write_string;\nuse crate::{error::Result, ui::Tab};";
    let layers = imported_layers(up);
    assert!(layers.contains("export") && layers.contains("ui") && layers.contains("error"));
    let mut files = BTreeMap::new();
    files.insert(
        vec!["ui".into(), "a".into()],
        "use super::b::Thing;".to_owned(),
    );
    files.insert(
        vec!["ui".into(), "b".into()],
        "use crate::ui::{c::X, d};".to_owned(),
    );
    files.insert(vec!["ui".into(), "c".into()], "use super::a;".to_owned());
    files.insert(vec!["ui".into(), "d".into()], String::new());
    let tree = Tree { files };
    let graph = sibling_graph(&tree, &["ui".to_owned()]);
    assert_eq!(graph["b"], ["c", "d"].map(String::from).into());
    let cycle = find_cycle(&graph).expect("a → b → c → a");
    assert_eq!(cycle.len(), 4, "{cycle:?}");
    assert_eq!(
        code_of("let x = 1; // crate::ui::y\n/// see crate::export"),
        "let x = 1; \n"
    );
}

/// What reads or writes a file, or samples a scenario, when a handler calls it itself.
const HANDLER_IO: [&str; 18] = [
    "std::fs",
    "crate::fs::",
    "File::",
    "write_atomic",
    "read_to_string",
    "read_string",
    "write_string",
    "remove_file",
    "::load(",
    ".save(",
    "Sampler",
    "sample(",
    "sample_dataset",
    "write_dataset",
    "write_figure",
    "export_bundle",
    "decode_png",
    "preview(",
];

/// Whether `line` holds `pat` as a name of its own: `preview(` but not `start_preview(`.
fn mentions(line: &str, pat: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let starts_with_name = pat.chars().next().is_some_and(ident);
    line.match_indices(pat)
        .any(|(i, _)| !starts_with_name || !line[..i].chars().next_back().is_some_and(ident))
}

/// Handlers decide; workers do: no file in `src/ui/handlers` reads or writes a file or samples
/// a scenario itself (the file and sampling threads in `src/ui/worker` do, and report back).
#[test]
fn handlers_do_no_file_io_or_sampling() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/handlers");
    let mut paths = Vec::new();
    rust_files(&dir, &mut paths);
    assert!(
        paths.len() >= 8,
        "expected the handler files, read {}",
        paths.len()
    );
    let mut wrong = Vec::new();
    for p in &paths {
        let name = p.file_name().expect("a file name").to_string_lossy();
        let code = code_of(&fs::read_to_string(p).expect("readable"));
        for (i, line) in code.lines().enumerate() {
            for pat in HANDLER_IO {
                if mentions(line, pat) {
                    wrong.push(format!("{name}:{}: `{pat}` in `{}`", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "handlers doing I/O or sampling themselves:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_handler_check_sees_a_call_and_not_a_longer_name() {
    assert!(mentions("let p = preview(&path, &m, 8)?;", "preview("));
    assert!(mentions("crate::data::logs::preview(&path)", "preview("));
    assert!(!mentions("self.jobs.start_preview(path)", "preview("));
    assert!(!mentions("fn apply_preview(&mut self)", "preview("));
    assert!(mentions("ws.save(&path)", ".save("));
    assert!(mentions("std::fs::write(p, b)", "std::fs"));
}
