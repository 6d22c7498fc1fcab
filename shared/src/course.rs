//! The course's lessons, in course order: the order of the book's chapters,
//! of `cargo xtask tour` and of the exercises in `cargo xtask learn`. The
//! threads come first, then the processes, then coroutines, then other
//! machines. A test
//! (`tests/layout.rs`) checks that the book's SUMMARY.md and README.md list
//! the lessons in this same order.

/// Each lesson is the crate `lessons/<name>`, package `lesson-<name>`.
pub const LESSONS: [&str; 14] = [
    // Threads
    "add_thread",
    "join",
    "lock",
    "thread_local",
    "sync",
    // Processes
    "queue",
    "gil_efficiency",
    "fork",
    "process",
    "pool",
    "pipe",
    "shared_value",
    // Coroutines
    "async_io",
    // Across machines
    "distributed",
];
