//! Every variant of lesson-pool against its golden file in `golden/`.

use shared::golden::{Check, line_after};

const MAP_APPLY: Check = Check::exact("map-apply");
/// The workers print as they run, so the tasks' lines interleave in any way,
/// and main's "waiting" line can come before, between or after them; each
/// task's own two lines keep their order. `join` puts every task line before
/// "took". The number of CPU cores (`[..]` in the golden) depends on the machine.
const FIVE_ON_FOUR: Check = Check::interleaved(
    "five-on-four",
    &[
        "main:", "task 0:", "task 1:", "task 2:", "task 3:", "task 4:",
    ],
);
/// As in five-on-four: tasks of random length run at the same time, and the
/// pool has as many workers as the machine has CPUs.
const RANDOM_NAPS: Check = Check::interleaved(
    "random-naps",
    &[
        "main:", "task 0:", "task 1:", "task 2:", "task 3:", "task 4:",
    ],
);
/// Four workers run the ten tasks, four at a time, in an order that depends
/// on their random lengths; each task's lines keep their order.
const TEN_RUNS: Check = Check::interleaved(
    "ten-runs",
    &[
        "task 0:", "task 1:", "task 2:", "task 3:", "task 4:", "task 5:", "task 6:",
        "task 7:", "task 8:", "task 9:",
    ],
);
const WITH_POOL: Check = Check::exact("with-pool");
/// imap's answers are in input order (matched exactly, as anchors); the order
/// of imap_unordered's answers is the order the tasks complete in, which their
/// pauses make likely but nothing guarantees.
const AS_COMPLETED: Check = Check::interleaved(
    "as-completed",
    &["  x = 0", "  x = 1", "  x = 2", "  x = 3"],
);
const WORKER_DIES: Check = Check::exact("worker-dies");
const POOL_SIZES: Check = Check::exact("pool-sizes");
/// Each request runs on a thread of the pool: two requests at a time, in
/// either order. `pool.join()` keeps each section's lines before the next
/// heading; the callbacks run in main, in the order the results arrive.
const THREADPOOL: Check = Check::interleaved(
    "threadpool",
    &[
        "m = 1",
        "m = 4",
        "callback: request 0",
        "callback: request 1",
    ],
);

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-pool"), {
    map_apply: MAP_APPLY,
    five_on_four: FIVE_ON_FOUR,
    random_naps: RANDOM_NAPS,
    ten_runs: TEN_RUNS,
    with_pool: WITH_POOL,
    as_completed: AS_COMPLETED,
    worker_dies: WORKER_DIES,
    pool_sizes: POOL_SIZES,
    threadpool: THREADPOOL,
});

/// The golden cannot know how many cores the machine has (`[..]`), but the
/// run must say how many this one has: the pool is that big.
#[test]
fn five_on_four_counts_this_machine_s_cores() {
    let stdout = lesson().stdout_of(&["five-on-four"]);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(
        line_after(&stdout, "CPU cores: "),
        cores.to_string(),
        "{stdout}"
    );
}
