//! The seeds and dictionaries of the command-line targets: `cli_args` (whole argument lists,
//! one argument a line) and `cli_values` (one value each).

use std::collections::BTreeSet;

use clap::{Command, CommandFactory};
use crl_lab::cli::Cli;

use crate::seeds::write;

/// Command lines of every kind (name, arguments one a line).
const COMMAND_LINES: [(&str, &str); 23] = [
    ("presets", "presets"),
    (
        "generate",
        "generate\n--preset\nshortcut\n--rows\n100\n--shift\n0.5\n--out\nd.csv",
    ),
    ("truth", "truth\n--preset\nlinear-gaussian\n--a\nz\n--b\nc"),
    (
        "train",
        "train\n--preset\nshortcut\n--beta\n3\n--steps\n10\n--lr\n1e-3\n--device\ncpu\n--out\nout",
    ),
    (
        "sweep",
        "sweep\n--preset\nexposure-bias\n--shifts\n0:1:11\n--seeds\n2\n--out\nout",
    ),
    (
        "calibrate",
        "calibrate\n--estimator\nclub\n--rho\n0.5\n--dim\n5",
    ),
    (
        "kuairand",
        "kuairand\n--dir\nk\n--cache\nuse\n--outcome\nlong_view\n--confounder\npopularity\n--out\no",
    ),
    (
        "kuairand-fixture",
        "kuairand-fixture\n--out\nk\n--users\n10",
    ),
    (
        "logs",
        "logs\n--train\nt.csv\n--test\nu.csv\n--outcome\nclick\n--numeric\na,b\n--confounder\nslot\n--delimiter\ntab\n--out\no",
    ),
    ("logs-fixture", "logs-fixture\n--out\nl"),
    (
        "yahoo-r3",
        "yahoo-r3\n--dir\ny\n--threshold\n4\n--user-buckets\n64\n--out\no",
    ),
    ("coat-fixture", "coat-fixture\n--out\nc\n--users\n20"),
    (
        "workspace",
        "workspace\n--preset\nwatch-time\n--shifts\n0,0.5,1\n--mode\nsweep\n--betas\n0,1,3\n--seeds\n2\n--out\nw.json",
    ),
    (
        "figure",
        "figure\nw.json\n--plot\nood\n--format\npng\n--width\ndouble\n--out\nf.png",
    ),
    ("run", "run\nw.json\n--width\nsingle\n--out\no"),
    ("grid-plan", "grid\nplan\nG\n--out\nD"),
    ("grid-run", "grid\nrun\nD\n--jobs\n2"),
    (
        "grid-run-cell",
        "grid\nrun-cell\nD\n--index\n3\n--cells-per-task\n2\n--device\ncpu",
    ),
    ("grid-slurm", "grid\nslurm\nD\n--max-parallel\n4\n--submit"),
    ("grid-collect", "grid\ncollect\nD"),
    // The global limit, before the subcommand and after it.
    (
        "max-memory",
        "--max-memory-mb\n100\ngenerate\n--preset\nshortcut\n--rows\n100\n--out\nd.csv",
    ),
    (
        "max-memory-after",
        "train\n--preset\nshortcut\n--max-memory-mb\n100\n--out\nout",
    ),
    // No subcommand: the app, opening a workspace.
    ("open", "ws.json"),
];

/// Every subcommand, flag and possible value of `cmd` and its subcommands, each a line.
fn command_tokens(cmd: &Command, tokens: &mut BTreeSet<Vec<u8>>) {
    for arg in cmd.get_arguments() {
        if let Some(long) = arg.get_long() {
            tokens.insert(format!("--{long}\n").into_bytes());
        }
        for v in arg.get_possible_values() {
            tokens.insert(format!("{}\n", v.get_name()).into_bytes());
        }
    }
    for sub in cmd.get_subcommands() {
        tokens.insert(format!("{}\n", sub.get_name()).into_bytes());
        command_tokens(sub, tokens);
    }
}

pub fn command_lines() {
    let seeds: Vec<(String, Vec<u8>)> = COMMAND_LINES
        .iter()
        .map(|(name, line)| ((*name).to_owned(), line.as_bytes().to_vec()))
        .collect();
    let mut tokens = BTreeSet::new();
    command_tokens(&Cli::command(), &mut tokens);
    write("cli_args", &seeds, &tokens);
    let values = [
        ("grid", "0:1:11"),
        ("grid-list", "0,0.25,0.5,1"),
        ("betas", "0, 1, 3, 10, 30"),
        ("estimator", "nce-club"),
        ("device", "auto"),
        ("cache", "rebuild"),
        ("delimiter", "semicolon"),
        ("plot", "tradeoff"),
        ("format", "svg"),
        ("outcome", "is_click"),
        ("confounder", "popularity"),
    ];
    let seeds: Vec<(String, Vec<u8>)> = values
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
        .collect();
    let tokens = [
        ":",
        ",",
        "e",
        "-",
        ".",
        "inf",
        "NaN",
        "18446744073709551616",
    ]
    .iter()
    .map(|t| t.as_bytes().to_vec())
    .collect();
    write("cli_values", &seeds, &tokens);
}
