//! lesson-pool cleans up after itself: no worker process (alive, zombie or
//! orphan), no socket in TMPDIR and no shared memory is left behind by the
//! full run, by any variant that starts processes, or by Ctrl-C while a pool's
//! workers are busy.
//!
//! A test binary of its own: each check reaps every child of the test process.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-pool")
}

#[test]
fn the_full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

/// Every variant that starts a process pool (all but `threadpool`).
#[test]
fn each_variant_with_a_process_pool_leaves_nothing() {
    for variant in [
        "map-apply",
        "five-on-four",
        "random-naps",
        "ten-runs",
        "with-pool",
        "as-completed",
        "worker-dies",
        "pool-sizes",
    ] {
        lesson().check_leaves_nothing(&[variant]);
    }
}

/// Ctrl-C while four workers run their tasks and main waits in `join()`.
#[test]
fn ctrl_c_during_five_on_four_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["five-on-four"], "main: waiting");
}

/// Ctrl-C as soon as a worker has printed: a task is running in it.
#[test]
fn ctrl_c_during_ten_runs_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["ten-runs"], "child starts");
}
