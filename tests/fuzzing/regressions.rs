//! The exact inputs that crashed a parser while fuzzing (inline, or under
//! `tests/data/fuzz/`), each with the clear error it gets now. Each test failed before its fix.
