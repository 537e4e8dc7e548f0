//! A bounded fuzz test: each target's committed seeds, and a few thousand mutations of them
//! drawn from a fixed `ChaCha8` stream (bit flips, boundary bytes and numbers, deletions,
//! duplications, dictionary tokens, splices of two seeds). Every input must come back as an
//! `Ok` or an `Err`: a panic fails the test, naming the target and the seed and saving the
//! input where the message says. The inputs are the same on every run.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::corpus::{TARGETS, dictionary, harness, seeds};

/// Mutated inputs per target.
const MUTANTS: usize = 3_000;
/// The largest input tried (libFuzzer's runs use the same order of size).
const MAX_LEN: usize = 64 * 1024;

/// Bytes that sit on the edges of the formats.
const BYTES: &[u8] = b"\x00\xff\x1e\"\\,;\t\n\r {}[]:-+.eE0159";
/// Numbers at the edges of what the files hold.
const NUMBERS: [&str; 14] = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e-320",
    "NaN",
    "inf",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "100000000",
    "0.5",
    "99999999999999999999999",
];

/// One mutation of `input` (1 to 4 edits), drawing from `rng`; `other` is another seed to
/// splice with and `dict` the target's tokens.
fn mutate(rng: &mut ChaCha8Rng, input: &[u8], other: &[u8], dict: &[Vec<u8>]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let len = v.len();
        let at = if len == 0 {
            0
        } else {
            rng.random_range(0..len)
        };
        match rng.random_range(0..9) {
            0 if len > 0 => v[at] ^= 1 << rng.random_range(0..8),
            1 if len > 0 => v[at] = BYTES[rng.random_range(0..BYTES.len())],
            2 if len > 0 => {
                let end = (at + rng.random_range(1..=64)).min(len);
                v.drain(at..end);
            }
            3 if len > 0 => {
                let end = (at + rng.random_range(1..=256)).min(len);
                let chunk = v[at..end].to_vec();
                let to = rng.random_range(0..=len);
                v.splice(to..to, chunk);
            }
            4 if !dict.is_empty() => {
                let token = &dict[rng.random_range(0..dict.len())];
                v.splice(at..at, token.iter().copied());
            }
            5 => {
                // Replace a run of digits (or insert) with an edge number.
                let end = v[at..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(len, |p| at + p);
                let n = NUMBERS[rng.random_range(0..NUMBERS.len())];
                v.splice(at..end, n.bytes());
            }
            6 if !other.is_empty() => {
                let from = rng.random_range(0..other.len());
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
            7 => v.truncate(at),
            _ => {
                let b = BYTES[rng.random_range(0..BYTES.len())];
                v.insert(at, b);
            }
        }
    }
    v.truncate(MAX_LEN);
    v
}

/// Runs `target` on its seeds and `MUTANTS` mutations of them; returns (inputs, accepted).
fn fuzz(target: &str) -> (usize, usize) {
    let run = harness(target);
    let seeds = seeds(target);
    assert!(!seeds.is_empty(), "fuzz/corpus/{target} holds no seed");
    let dict = dictionary(target);
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed ^ target.len() as u64);
    let (mut inputs, mut accepted) = (0, 0);
    for i in 0..seeds.len() + MUTANTS {
        let (name, input) = if i < seeds.len() {
            (seeds[i].0.clone(), seeds[i].1.clone())
        } else {
            let (name, seed) = &seeds[rng.random_range(0..seeds.len())];
            let other = &seeds[rng.random_range(0..seeds.len())].1;
            (
                format!("a mutation of {name}"),
                mutate(&mut rng, seed, other, &dict),
            )
        };
        if let Ok(ok) = catch_unwind(AssertUnwindSafe(|| run(&input))) {
            accepted += usize::from(ok);
        } else {
            let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("fuzz-crash-{target}-{i}"));
            let _ = std::fs::write(&path, &input);
            panic!(
                "fuzz target {target} crashed on input {i} ({name}); the input is saved \
                 at {} (run it with `cargo fuzz run {target} <file>`)",
                path.display()
            );
        }
        inputs += 1;
    }
    (inputs, accepted)
}

/// Every target's seeds are accepted whole, so fuzzing starts from inputs that reach past the
/// first check (a seed that stopped loading after a format change would leave the fuzzer
/// shallow: rewrite the seeds).
#[test]
fn every_committed_seed_is_accepted() {
    for (target, run) in TARGETS {
        for (name, bytes) in seeds(target) {
            assert!(
                run(&bytes),
                "fuzz/corpus/{target}/{name} is refused: rewrite the seeds with \
                 `cargo test --test fuzzing -- --ignored write_seed_corpora`"
            );
        }
    }
}

macro_rules! mutation_tests {
    ($($name:ident: $target:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (inputs, accepted) = fuzz($target);
                assert_eq!(inputs, seeds($target).len() + MUTANTS);
                // Mutations must also be refused: a harness that accepted everything would
                // not be parsing.
                assert!(accepted < inputs, "{}: every input accepted", $target);
                println!("{}: {inputs} inputs, {accepted} accepted", $target);
            }
        )*
    };
}

mutation_tests! {
    mutated_scenarios_never_crash: "scenario",
    mutated_workspaces_never_crash: "workspace",
    mutated_lessons_never_crash: "lesson",
    mutated_kuairand_files_never_crash: "kuairand_csv",
    mutated_kuairand_caches_never_crash: "kuairand_cache",
    mutated_log_mappings_never_crash: "logs_mapping",
    mutated_logs_never_crash: "logs_csv",
    mutated_rating_files_never_crash: "ratings",
    mutated_command_lines_never_crash: "cli_args",
    mutated_cli_values_never_crash: "cli_values",
    mutated_grids_never_crash: "grid",
    mutated_recovery_files_never_crash: "recovery",
}

#[test]
fn mutations_are_deterministic_and_bounded() {
    let dict = vec![b"token".to_vec()];
    let run = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..200)
            .map(|_| {
                mutate(
                    &mut rng,
                    b"{\"a\": 12, \"b\": [1, 2]}",
                    b"x,y\n1,2\n",
                    &dict,
                )
            })
            .collect::<Vec<_>>()
    };
    let a = run(3);
    assert_eq!(a, run(3));
    assert_ne!(a, run(4));
    assert!(a.iter().all(|m| m.len() <= MAX_LEN));
    assert!(a.iter().any(|m| m.len() != 22), "mutations change lengths");
}
