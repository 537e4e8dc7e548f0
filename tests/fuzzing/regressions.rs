//! The exact inputs that crashed a parser while fuzzing (inline, or under
//! `tests/data/fuzz/`), each with the clear error it gets now. Each test failed before its fix.

use crl_lab::experiment::{MAX_SHIFTS, parse_grid};

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
