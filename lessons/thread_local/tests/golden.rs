//! Every variant of lesson-thread_local against its golden file in `golden/`.

use shared::golden::Check;

/// Thread-A and Thread-B run at the same time, so their greetings come in
/// either order; main's own greetings come before both starts and after both
/// joins, and must still name Zoe.
const LOCAL_SCHOOL: Check =
    Check::interleaved("local-school", &["Hello, Alice", "Hello, Bob"]);
/// The totals are exact and the workers are joined in order; only the times
/// vary, and those are redacted to [ELAPSED].
const COUNTER: Check = Check::exact("counter");
/// The two threads run at the same time, so their lines interleave; each
/// thread's destructor lines come after its last line of work and before
/// main's "joined" line (join waits for thread-local destructors). Whether
/// main's own thread-locals are dropped when the process exits depends on the
/// platform (Rust does not promise it), so main's destructor lines may be missing.
const DESTRUCTORS: Check =
    Check::interleaved("destructors", &["Thread-A: ", "Thread-B: "]).may_omit(&[
        "main: dropping Zoe's state",
        "main: STATE.try_with in the destructor: already destroyed",
    ]);
/// One worker runs the tasks one after the other, in the order they were sent.
const POOL_REUSE: Check = Check::exact("pool-reuse");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-thread_local"), {
    local_school: LOCAL_SCHOOL,
    counter: COUNTER,
    destructors: DESTRUCTORS,
    pool_reuse: POOL_REUSE,
});
