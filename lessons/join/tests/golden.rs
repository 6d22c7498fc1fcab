//! Every variant of lesson-join against its golden file in `golden/`.

use shared::golden::Check;

/// Nothing orders T1's first line against main's "all done": T1 may or may
/// not get to print before the process ends. "T1 Finish" can never appear.
const NO_JOIN: Check = Check::exact("no-join").may_omit(&["T1 Start"]);
const JOIN: Check = Check::exact("join");
const JOIN_IN_TURN: Check = Check::exact("join-in-turn");
/// T1 and T2 run at the same time: only each thread's own order is
/// guaranteed, and both finish before "all done" (both are joined).
const JOIN_BOTH: Check = Check::interleaved("join-both", &["T1", "T2"]);
/// The threads are never joined: each may or may not print before the end,
/// and the last line may be cut short. Once `main` has returned, stdout is no
/// longer buffered, so a thread still printing writes "running on number:",
/// the number and the newline one by one, and the process may end in
/// between. The checker accepts such a cut last line (about one run in a
/// few hundred ends that way).
const ENDING: Check =
    Check::exact("ending").may_omit(&["running on number:23", "running on number:34"]);
/// The two scoped threads print in either order, both before "ending!".
const SCOPE: Check =
    Check::interleaved("scope", &["running on number:23", "running on number:34"]);
const JOIN_TIMEOUT: Check = Check::exact("join-timeout");
/// The panic message goes to stderr (golden/panic.stderr); main's lines are ordered by the join.
const PANIC: Check = Check::exact("panic");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-join"), {
    no_join: NO_JOIN,
    join: JOIN,
    join_in_turn: JOIN_IN_TURN,
    join_both: JOIN_BOTH,
    ending: ENDING,
    scope: SCOPE,
    join_timeout: JOIN_TIMEOUT,
    panic: PANIC,
});

/// A learner's shell often sets RUST_BACKTRACE: T1's panic must still print
/// its one message, as in the golden.
#[test]
fn panic_ignores_rust_backtrace() {
    shared::lesson::check_ignores_rust_backtrace(&lesson(), PANIC);
}
