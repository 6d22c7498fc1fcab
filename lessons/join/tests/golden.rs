//! Every variant of lesson-join against its golden file in `golden/`.

use shared::golden::{Check, Lesson};

fn lesson() -> Lesson {
    Lesson::new(
        env!("CARGO_BIN_EXE_lesson-join"),
        env!("CARGO_MANIFEST_DIR"),
    )
}

/// Nothing orders T1's first line against main's "all done": T1 may or may
/// not get to print before the process ends. "T1 Finish" can never appear.
const NO_JOIN: Check = Check::exact("no-join").may_omit(&["T1 Start"]);
const JOIN: Check = Check::exact("join");
const JOIN_IN_TURN: Check = Check::exact("join-in-turn");
/// T1 and T2 run at the same time: only each thread's own order is
/// guaranteed, and both finish before "all done" (both are joined).
const JOIN_BOTH: Check = Check::interleaved("join-both", &["T1", "T2"]);
/// The threads are never joined: each may or may not print before the end.
const ENDING: Check =
    Check::exact("ending").may_omit(&["running on number:23", "running on number:34"]);
/// The two scoped threads print in either order, both before "ending!".
const SCOPE: Check = Check::interleaved("scope", &["running on number:23", "running on number:34"]);
const JOIN_TIMEOUT: Check = Check::exact("join-timeout");
/// The panic message goes to stderr (golden/panic.stderr); main's lines are ordered by join.
const PANIC: Check = Check::exact("panic");

const ALL: [Check; 8] = [
    NO_JOIN,
    JOIN,
    JOIN_IN_TURN,
    JOIN_BOTH,
    ENDING,
    SCOPE,
    JOIN_TIMEOUT,
    PANIC,
];

#[test]
fn no_join() {
    lesson().check(NO_JOIN);
}

#[test]
fn join() {
    lesson().check(JOIN);
}

#[test]
fn join_in_turn() {
    lesson().check(JOIN_IN_TURN);
}

#[test]
fn join_both() {
    lesson().check(JOIN_BOTH);
}

#[test]
fn ending() {
    lesson().check(ENDING);
}

#[test]
fn scope() {
    lesson().check(SCOPE);
}

#[test]
fn join_timeout() {
    lesson().check(JOIN_TIMEOUT);
}

#[test]
fn panic() {
    lesson().check(PANIC);
}

#[test]
fn all_variants_in_order() {
    lesson().check_all(&ALL);
}

#[test]
fn command_line() {
    lesson().check_command_line(&ALL);
}
