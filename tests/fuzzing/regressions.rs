//! The exact inputs that crashed a parser while fuzzing (inline, or under
//! `tests/data/fuzz/`), each with the clear error it gets now. Each test failed before its fix.

use std::path::Path;

use crl_lab::cli::{Cli, Command};
use crl_lab::data::Sampler;
use crl_lab::experiment::{MAX_SEEDS, MAX_SHIFTS, check_seeds, parse_grid};
use crl_lab::grid::{GridFile, MAX_CELLS, expand};
use crl_lab::scm::Scenario;
use crl_lab::session::Workspace;

use crate::harness;

/// `cli_values`, found in its first minute: the count of a `start:end:count` shift grid was
/// allocated whole, so this text (a `--shifts` value, or a workspace's grid) aborted the
/// process with a capacity overflow.
#[test]
fn a_shift_grid_with_a_huge_count_is_refused_before_it_is_built() {
    let input = "00:1:99992999999991011";
    let e = parse_grid(input).unwrap_err().to_string();
    assert_eq!(
        e,
        "`00:1:99992999999991011` asks for 99992999999991011 shifts; a grid holds at most 1000 \
         (each shift evaluates every model)"
    );
    assert!(!harness::cli_values(input.as_bytes()));
    // The limit itself: 1,000 shifts parse, 1,001 do not, in either spelling.
    assert_eq!(parse_grid("0:1:1000").unwrap().len(), MAX_SHIFTS);
    assert!(parse_grid("0:1:1001").is_err());
    let list = vec!["0.5"; MAX_SHIFTS + 1].join(",");
    assert!(
        parse_grid(&list)
            .unwrap_err()
            .to_string()
            .contains("asks for 1001 shifts")
    );
}

/// `workspace`, found reviewing what the harness calls and confirmed with the fuzz binary (the
/// fuzzer's 2,000,000 inputs had not grown a number that far): a workspace whose `n_seeds` is
/// 10^12 aborted the process when a run was planned (`crl-lab run`, the app's Train), which
/// collected the seed list before anything checked it. `crl-lab sweep --seeds` and the real
/// logs' `--seeds` built the member list the same way.
#[test]
fn a_workspace_with_a_huge_seed_count_is_refused_when_planned() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/workspace-n-seeds.json");
    let ws = Workspace::load(&path).expect("the file itself is a valid workspace");
    assert_eq!(ws.train.n_seeds, 1_000_000_000_000);
    let e = ws.train.plan().unwrap_err().to_string();
    assert_eq!(
        e,
        "1000000000000 seeds per model is more than 1000: each seed trains another copy of \
         every model (lower --seeds, or the Seeds setting)"
    );
    assert!(harness::workspace(&std::fs::read(&path).unwrap()));
    // The limit itself.
    assert!(check_seeds(MAX_SEEDS).is_ok());
    assert!(check_seeds(MAX_SEEDS + 1).is_err());
}

/// `scenario`, found reviewing the harness and confirmed with the fuzz binary: a root node of
/// 100,000,000 dimensions, or a categorical node of 100,000,000 classes, added to a preset,
/// loaded, and drawing 8 rows from it asked for gigabytes (the first two cases of issue 15).
/// Now validation refuses both, naming the node and the limit, without aborting.
#[test]
fn scenarios_with_a_huge_dimension_or_class_count_are_refused() {
    for name in ["scenario-dim-1e8.json", "scenario-classes-1e8.json"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/fuzz")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let sampled = Scenario::from_json(&text, name)
            .and_then(|s| Sampler::new(&s, 0.5))
            .and_then(|sampler| sampler.sample(8, 7));
        let e = sampled.expect_err(name).to_string();
        assert!(e.contains("more than the limit of"), "{name}: {e}");
        harness::scenario(text.as_bytes());
    }
}

/// `grid`, found reviewing the grid harness before its first run and confirmed by the bounded
/// test: the cell count of a grid is the product of its axes' lengths, and 64 axes of two
/// values make 2^64 cells, which overflowed `usize`. Debug and fuzz builds panicked (`attempt
/// to multiply with overflow`) when the grid was counted (`grid plan`, the app's Export grid);
/// a release build wrapped the count to 0, passed the 100,000-cell limit and went on planning
/// 2^64 cells. The count now saturates and the grid is refused before anything is built.
#[test]
fn a_grid_whose_cell_count_overflows_is_refused_before_it_is_planned() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/grid-2e64-cells.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let grid = GridFile::from_json(&text, "g.json").expect("the file itself is a valid grid");
    assert_eq!(grid.axes.len(), 64);
    assert_eq!(grid.cell_count(), usize::MAX);
    let e = expand(&grid, Path::new("/nonexistent"))
        .expect_err("2^64 cells are refused")
        .to_string();
    assert_eq!(
        e,
        "the grid has over 10^19 cells, more than the 100000 crl-lab plans at once; split it \
         into several grids"
    );
    assert!(harness::grid(text.as_bytes()));
    // The limit itself, and a count that does not overflow.
    let one_axis = |n: usize| {
        let values = (0..n).map(|b| b.to_string()).collect::<Vec<_>>().join(",");
        GridFile::from_json(
            &format!(
                r#"{{"format":"crl-lab-grid","version":1,"base":{{"preset":"anti-causal"}},
                    "axes":[{{"setting":"beta","values":[{values}]}}]}}"#
            ),
            "g.json",
        )
        .unwrap()
    };
    let mut limit = one_axis(1000);
    limit.seeds = (0..100).collect();
    assert_eq!(limit.cell_count(), MAX_CELLS);
    limit.seeds.push(100);
    let e = expand(&limit, Path::new("/nonexistent")).err().unwrap();
    assert!(
        e.to_string()
            .starts_with("the grid has 101000 cells, more than the 100000")
    );
}

/// `cli_args`, found when its seeds gained issue 15's global `--max-memory-mb` before the
/// subcommand (the seed `max-memory` was refused): the app's workspace argument had been made
/// to exclude subcommands with clap's `args_conflicts_with_subcommands`, and clap counts a
/// global flag as such an argument. `crl-lab --max-memory-mb 100 presets` opened the app on a
/// workspace file named `presets`, and `crl-lab --max-memory-mb 100 generate --preset …` was
/// refused (`unexpected argument '--preset'`). The flag now goes before or after the
/// subcommand, and a workspace file given with a subcommand gets an error naming both.
#[test]
fn a_global_flag_before_the_subcommand_keeps_the_subcommand() {
    let parse = |line: &str| Cli::parse_args(std::iter::once("crl-lab").chain(line.split(' ')));
    let cli = parse("--max-memory-mb 100 presets").unwrap();
    assert!(matches!(cli.command, Some(Command::Presets)), "{cli:?}");
    assert_eq!((cli.open, cli.max_memory_mb), (None, Some(100)));
    let cli =
        parse("--max-memory-mb 100 generate --preset shortcut --rows 100 --out d.csv").unwrap();
    assert!(matches!(cli.command, Some(Command::Generate(_))), "{cli:?}");
    assert_eq!(cli.max_memory_mb, Some(100));
    let cli = parse("grid run D --jobs 2 --max-memory-mb 100").unwrap();
    assert!(matches!(cli.command, Some(Command::Grid(_))), "{cli:?}");
    assert_eq!(cli.max_memory_mb, Some(100));
    // The app's workspace, with and without the flag.
    let cli = parse("ws.json").unwrap();
    assert_eq!(
        (cli.command.is_none(), cli.open.as_deref()),
        (true, Some(Path::new("ws.json")))
    );
    let cli = parse("--max-memory-mb 100 ws.json").unwrap();
    assert_eq!(
        (cli.open.as_deref(), cli.max_memory_mb),
        (Some(Path::new("ws.json")), Some(100))
    );
    // Both: refused, naming the file and the subcommand.
    let e = parse("ws.json presets").unwrap_err().to_string();
    assert_eq!(
        e.lines().next().unwrap(),
        "error: `ws.json` is a workspace file for the app, which takes no subcommand: run \
         `crl-lab presets …` without it, or `crl-lab ws.json` to open it"
    );
    assert!(parse("presets ws.json").is_err());
    // The seed that found it.
    assert!(harness::cli_args(
        b"--max-memory-mb\n100\ngenerate\n--preset\nshortcut\n--rows\n100\n--out\nd.csv"
    ));
}
