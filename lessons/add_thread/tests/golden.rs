//! Every variant of lesson-add_thread against its golden file in `golden/`.
//!
//! The lists of threads come from Linux's `/proc`, so the goldens are Linux's.

use shared::golden::Check;

/// The added thread prints before main counts again (it says so on a
/// channel), and stays alive until main has counted: every line is ordered.
const ADD_THREAD: Check = Check::exact("add-thread");
/// The workers are held at a barrier while main lists them.
const NAMES: Check = Check::exact("names");
const LOOP_THREAD: Check = Check::exact("loop-thread");
/// MyThread(56) and MyThread(78) run at the same time, so either may print
/// first; both print before "ending", because main joins both.
const SUBCLASS: Check = Check::interleaved(
    "subclass",
    &["running on number:56", "running on number:78"],
);
/// The worker prints before it returns, and main only goes on once it has.
const IS_ALIVE: Check = Check::exact("is-alive");
/// Thread-1 and Thread-2 wait at the same time: their lines interleave in any
/// way, each thread's own two lines in order, all before the total (joined).
const TWO_TASKS: Check = Check::interleaved("two-tasks", &["Thread-1", "Thread-2"]);

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-add_thread"), {
    add_thread: ADD_THREAD,
    names: NAMES,
    loop_thread: LOOP_THREAD,
    subclass: SUBCLASS,
    is_alive: IS_ALIVE,
    two_tasks: TWO_TASKS,
});
